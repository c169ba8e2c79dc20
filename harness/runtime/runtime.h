/* runtime.h - a runtime driver realises an iso_spec and starts the probe. */
#ifndef ISO_RUNTIME_H
#define ISO_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spec.h"
#include "util.h"

struct iso_runtime {
    const char *name;
    /* Can this runtime run here at all? why: what is missing. */
    bool (*available)(char *why, size_t len);
    /* Can it express this spec? why: the feature it has no way to ask for. */
    bool (*supports)(const struct iso_spec *s, char *why, size_t len);
    /* Start the container with stdio[0..2] as the probe's stdin, stdout and
     * stderr; *pid is the process to wait for. A driver may hand back
     * *status_fd: read once the probe's stdout has ended, it holds a
     * struct rt_setup_error if a setup step failed, else nothing. */
    int (*spawn)(const struct iso_spec *s, char *const argv[], const int stdio[3], pid_t *pid,
                 int *status_fd, struct iso_err *err);
    /* external: the waited-for process is the runtime, which reports a
     * container killed by signal N as exit status 128+N */
    bool external;
    /* builtin only: the harness applies cgroup limits itself */
    bool harness_cgroups;
};

struct rt_setup_error {
    int errnum;
    char msg[500]; /* "step: message" */
};

extern const struct iso_runtime rt_builtin, rt_unshare, rt_bwrap, rt_crun, rt_runc;

struct iso_config;
/* The run's configuration, for drivers that need the cgroup layout. */
void rt_configure(const struct iso_config *cfg);
/* --runtime-path NAME=PATH; returns -1 with why on a bad name or path. */
int rt_set_path(const char *name, const char *path, char *why, size_t len);
/* The binary a driver would run, NULL when it has none or it is missing. */
const char *rt_binary(const char *name);
/* After a killed case: remove what the runtime still holds for it
 * (OCI: "delete -f" each container left in the case's state directory). */
void rt_cleanup(const struct iso_runtime *rt, const char *workdir);
/* Every driver, in the order --runtime all runs them. */
int rt_count(void);
const struct iso_runtime *rt_at(int i);

/* Driver by name, NULL when unknown. */
const struct iso_runtime *rt_lookup(const char *name);
/* "builtin" ... for --help and error messages. */
const char *rt_names(void);

#endif
