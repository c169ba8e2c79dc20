/* config.h - the options of one run, as main parsed them. */
#ifndef ISO_CONFIG_H
#define ISO_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

struct iso_config {
    char rootfs[PATH_MAX]; /* absolute path of the rootfs directory */
    char probe[PATH_MAX];  /* absolute path of the isoprobe binary */
    uint64_t sabotage;     /* ISO_SAB_* set applied to every spec */
    unsigned require;      /* --require: feature bits whose skips are failures */
    double timeout_s;      /* per case */
    int jobs;
    int tap_version;
    const char *runtime;
    uint32_t net_base; /* --net-prefix, host order: the first address of a /16 */
    char net_prefix[32];
    struct cg_info cg; /* found by main before the lab starts */
};

#endif
