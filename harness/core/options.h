/* options.h - isocheck's command line as given: every option read, none
 * checked yet (main validates them afterwards). */
#ifndef ISO_OPTIONS_H
#define ISO_OPTIONS_H

#include <stdbool.h>

#include "util.h"

#define DEFAULT_NET_PREFIX "198.18.0.0/16"

/* The command line as given: strings, not yet checked. */
struct options {
    bool help, version, list, list_sabotages, list_runtimes, preflight;
    const char *sabotage, *jobs, *timeout, *rootfs, *runtime, *tap_version, *net_prefix;
    const char *repeat, *bench, *require;
    const char *rt_paths[16];
    int nrt_paths;
    const char *outputs[8]; /* FILE per sink kind, NULL when not asked for */
    char **patterns;
    int npatterns;
};

/* Read argv; an unknown option or a missing argument is a usage error. */
void parse_options(int argc, char **argv, struct options *o);
/* --help */
void print_usage(void);
/* One line on stderr, "isocheck: ... (see isocheck --help)", exit 2. */
__attribute__((noreturn)) void usage_error(const char *fmt, ...) ISO_PRINTF(1, 2);

#endif
