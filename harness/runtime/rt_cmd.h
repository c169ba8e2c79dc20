/* rt_cmd.h - a spec in each external runtime's own terms: unshare(1) and
 * bwrap argv, an OCI config.json for crun and runc. Pure functions: what a
 * runtime cannot express comes back as ISO_RT_UNSUPPORTED with the reason. */
#ifndef ISO_RT_CMD_H
#define ISO_RT_CMD_H

#include <stddef.h>

#include "spec.h"

#define ISO_RT_UNSUPPORTED (-2)
#define RT_MAX_ARGS 96

struct rt_argv {
    char *argv[RT_MAX_ARGS];
    int argc;
    char buf[4096]; /* storage for generated strings */
    size_t used;
};

/* unshare(1) [options] --root=ROOT PROBE ARGS */
int rt_unshare_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                    struct rt_argv *out, char *why, size_t len);
/* bwrap [options] --bind ROOT / ... PROBE ARGS */
int rt_bwrap_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                  struct rt_argv *out, char *why, size_t len);
/* config.json text (malloc'd) for an OCI runtime. netns_path: a prepared
 * network namespace to join, or NULL; cgroups_path: absolute, or NULL. */
char *rt_oci_config(const struct iso_spec *s, char *const probe_argv[], const char *netns_path,
                    const char *cgroups_path, char *why, size_t len);

#endif
