/* runtime.h - a runtime driver realises an iso_spec and starts the probe.
 * Each driver is one row (one file), the table lists them (table.c). */
#ifndef ISO_RUNTIME_H
#define ISO_RUNTIME_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "rt_cmd.h"
#include "spec.h"
#include "util.h"

/* One container as a driver started it. */
struct rt_proc {
    pid_t pid;               /* the process to wait for: the runtime, or the init itself */
    int status_fd;           /* read once the probe's stdout has ended: a struct
                              * rt_setup_error if a setup step failed, else nothing; -1 */
    int info_fd;             /* where the runtime reports its init (bwrap --info-fd), or -1 */
    char pid_file[PATH_MAX]; /* where it writes the init's pid (OCI --pid-file), or "" */
    /* the container's cgroup below the one the harness made for it, when
     * the runtime names it itself (docker: the container's id); "" for
     * the "ctr" a cgroupsPath names */
    char cg_leaf[96];
};

/* An external runtime's binary: its name in PATH, and the path found or
 * given with --runtime-path. The name is held, not pointed to: a pointer
 * would be relocated at every start, and this page is only touched when
 * the runtime is used. */
struct rt_bin {
    char exe[32];
    char path[PATH_MAX];
};

/* What starting a runtime's daemon said: why it failed and the end of
 * its log, or one line for the run's header. */
struct rt_daemon_report {
    char why[512];
    char log[3072];
    char said[512];
};

struct iso_runtime {
    const char *name;
    /* The binary it runs, NULL for a driver that runs none (builtin). */
    struct rt_bin *bin;
    /* Can it run here at all (binary found, kernel ok)? why: what is missing. */
    bool (*available)(char *why, size_t len);
    /* The runtime's version ("1.8.1"), "" when unknown. */
    void (*version)(const struct iso_runtime *rt, char *out, size_t size);
    /* The spec in the runtime's own terms: argv, and config.json for OCI.
     * What it cannot express: ISO_RT_UNSUPPORTED with the reason in why. */
    int (*translate)(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                     struct rt_cmd *cmd, char *why, size_t len);
    /* Start the container with stdio[0..2] as the probe's stdin, stdout
     * and stderr. */
    int (*spawn)(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                 const int stdio[3], struct rt_proc *p, struct iso_err *err);
    /* The container's first process as the lab sees it, learnt from the
     * runtime itself; called once the probe reported ready. */
    int (*init_pid)(const struct rt_proc *p, pid_t *init, struct iso_err *err);
    /* After a killed case: remove what the runtime still holds in the
     * case's directory (OCI: "delete -f" each container it knows). */
    void (*cleanup)(const struct iso_runtime *rt, const char *workdir);
    /* Start the probe as one more process of the running container that
     * spawn made from s (as "RUNTIME exec" does), with add_caps added to
     * its bounding, effective and permitted sets ("exec --cap"); p as for
     * spawn, and init_pid then says where the new process is. NULL: the
     * runtime has no way to do that. */
    int (*exec)(const struct iso_runtime *rt, const struct iso_spec *s, pid_t init,
                char *const probe[], uint64_t add_caps, const int stdio[3], struct rt_proc *p,
                struct iso_err *err);
    /* A container spawned from a spec with created set stops before its
     * init runs the probe (OCI "create"): created waits until it is there
     * and says where its init is; start lets it run (OCI "start"). NULL:
     * no way to do that. */
    int (*created)(const struct iso_runtime *rt, const struct iso_spec *s, struct rt_proc *p,
                   pid_t *init, struct iso_err *err);
    int (*start)(const struct iso_runtime *rt, const struct iso_spec *s, struct rt_proc *p,
                 struct iso_err *err);
    /* The key of its configuration a failed runtime's stderr says it
     * refused (the case is then skipped, naming it), NULL if none; the
     * field is NULL for a driver with no configuration keys. */
    const char *(*refused)(const char *err_text);
    /* The wait status to report for the runtime's process that ended with
     * status, its stderr being err_text: a runtime that says in words how
     * its container's init died (128+N for signal N); NULL: as it is. */
    int (*exit_status)(int status, const char *err_text);
    /* it applies device rules (OCI linux.resources.devices): a device
     * node it does not allow cannot be opened inside */
    bool device_rules;
    /* A daemon the runtime needs for the whole run (dockerd), started by
     * the runner in the lab before the runtime's first container and
     * stopped after its last; NULL for a runtime without one. start
     * returns -1 with r->why and r->log when the daemon did not come up. */
    int (*daemon_start)(const struct iso_runtime *rt, struct rt_daemon_report *r);
    void (*daemon_stop)(const struct iso_runtime *rt);
    /* the waited-for process is the runtime, which reports a container
     * killed by signal N as exit status 128+N */
    bool external;
    /* the harness applies cgroup limits itself (else: the runtime does, in
     * a cgroup below one the harness made) */
    bool harness_cgroups;
    /* The case timeout when --timeout is not given, for a runtime whose
     * containers take a good part of a second each (a case that starts
     * 19 of them, hardening.cwd_stays_inside, took 17-20 s on a loaded
     * machine); 0: the harness's 10 s. */
    double default_timeout_s;
};

struct rt_setup_error {
    int errnum;
    char msg[500]; /* "step: message" */
};

/* Every driver, in the order --runtime all runs them; the first is the
 * default (builtin). */
int rt_count(void);
const struct iso_runtime *rt_at(int i);
/* Driver by name, NULL when unknown. */
const struct iso_runtime *rt_lookup(const char *name);
/* "builtin, unshare, ..., all" for --help and error messages. */
const char *rt_names(void);

/* Can it express this spec? why: the feature it has no way to ask for. */
bool rt_supports(const struct iso_runtime *rt, const struct iso_spec *s, char *why, size_t len);
/* --runtime-path NAME=PATH; returns -1 with why on a bad name or path. */
int rt_set_path(const char *name, const char *path, char *why, size_t len);
/* The binary a driver would run, NULL when it has none or it is missing. */
const char *rt_binary(const char *name);
/* After a killed case (see cleanup above). */
void rt_cleanup(const struct iso_runtime *rt, const char *workdir);

struct iso_config;
/* The run's configuration, for drivers that need the cgroup layout. */
void rt_configure(const struct iso_config *cfg);
const struct iso_config *rt_config(void);

#endif
