/* cgroup.h - the run's cgroups, v1 (per-controller hierarchies) or v2, over
 * libcgroup. Everything lives in a per-run parent "isocheck-<pid>-<starttime>"
 * that the run removes at its end and a later run removes if the run was
 * killed. On v1 and usually on v2 the parent is below the harness's own
 * cgroup; on v2, when that cgroup also holds other processes (a systemd
 * service such as a CI runner's agent), it cannot have children with
 * controllers, and the parent goes into a delegated systemd scope the run
 * moves into, or else beside it under the nearest ancestor that delegates.
 * ISOCHECK_NO_DELEGATE=1 in the environment turns that off. */
#ifndef ISO_CGROUP_H
#define ISO_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

enum cg_ctl { CG_MEMORY, CG_PIDS, CG_CPU, CG_NCTL };

#define CG_MAX_MOUNTS 16

struct cg_info {
    bool set_up; /* cg_run_setup ran: a run that uses no cgroup skips it */
    int version; /* 1 or 2; 0 when the harness found no usable cgroups */
    char run[64];
    /* Every cgroup hierarchy mounted here, with the harness's own cgroup in
     * it: OCI runtimes create a container's cgroupsPath in all of them. */
    int nmounts;
    struct {
        char mount[PATH_MAX];
        char own[PATH_MAX]; /* relative, "" for the root */
    } h[CG_MAX_MOUNTS];
    char oci_base[PATH_MAX]; /* the deepest own cgroup, if every other is a prefix of it */
    bool oci_ok;
    char oci_why[256];
    /* Each controller: usable or why not (which hierarchy, which file),
     * side by side so a run that uses none touches one page here. */
    bool ctl_ok[CG_NCTL];
    char ctl_why[CG_NCTL][256];
    struct {
        char base[PATH_MAX]; /* where the run's parent is, relative to the mount: on v1 and
                                usually on v2 the harness's own cgroup */
        char mount[PATH_MAX];
    } ctl[CG_NCTL];
    /* v2: where the harness returns at cleanup (relative), what base's
     * cgroup.subtree_control held before the run, and which way was taken */
    char home[PATH_MAX];
    char base_had[128];
    char how[512];
};

struct iso_limits {
    uint64_t memory;   /* bytes, swap off; 0: no limit */
    long pids;         /* 0: no limit */
    long cpu_quota_us; /* with cpu_period_us; 0: none; < 0: a cpu cgroup without a quota */
    long cpu_period_us;
    uint64_t memory_high; /* v2 memory.high, bytes: throttled above it, not killed; 0: none */
    bool oom_group;       /* v2 memory.oom.group: one OOM kill takes every process */
    bool own_cgroup;      /* a (memory) cgroup of its own even without limits */
    unsigned extra_ctls;  /* further controllers (bit per enum cg_ctl) without values */
};

/* A container's cgroup, one per controller it needs. */
struct cg_handle {
    char rel[64];  /* below the run's parent, e.g. "c3n1" */
    unsigned ctls; /* bit per enum cg_ctl */
    struct cgroup *cg[CG_NCTL];
};

const char *cg_ctl_name(enum cg_ctl c);
/* Find the cgroups, reap stale run parents, make this run's parent. Never
 * fatal: a controller that cannot be used is marked with the reason. */
void cg_run_setup(struct cg_info *cg);
/* For a run that uses no cgroup: nothing is touched (not even stale runs'
 * parents: the next run that sets cgroups up reaps them), every
 * controller is marked unusable with why. */
void cg_run_none(struct cg_info *cg, const char *why);
/* Remove this run's parent and everything below it. */
void cg_run_cleanup(const struct cg_info *cg);
/* Remove run parents whose run is gone; returns how many were removed. */
int cg_reap_stale(const struct cg_info *cg);

/* The controllers lim needs, and whether they are all usable (why if not). */
unsigned cg_needed(const struct iso_limits *lim);
bool cg_usable(const struct cg_info *cg, unsigned ctls, char *why, size_t len);
/* Create rel with the limits lim (only what lim asks for is written).
 * oci: below oci_base in every hierarchy (for an OCI runtime's cgroupsPath).
 * cg_make and cg_read_key start libcgroup in the calling process on first
 * use; cg_run_setup and cg_run_cleanup do not need it. */
int cg_make(const struct cg_info *cg, const char *rel, const struct iso_limits *lim, bool oci,
            struct cg_handle *h, struct iso_err *err);
/* Move pid into h: called before the container's first process is released. */
int cg_attach(struct cg_handle *h, pid_t pid, struct iso_err *err);
void cg_release(struct cg_handle *h); /* frees memory, keeps the cgroups */
/* "key value" line of a flat-keyed file such as memory.events. */
int cg_read_key(const struct cg_info *cg, enum cg_ctl c, const char *rel, bool oci,
                const char *file, const char *key, long long *value, struct iso_err *err);
/* The file that counts OOM kills: memory.oom_control (v1) or memory.events (v2). */
const char *cg_oom_file(const struct cg_info *cg);
/* The cgroupsPath for an OCI container named id: below the run's parent in
 * the deepest own cgroup. NULL (why filled) when no one path is below the
 * harness's own cgroup in every hierarchy. */
const char *cg_oci_path(const struct cg_info *cg, const char *id, char *buf, size_t size, char *why,
                        size_t len);
/* Absolute path of rel for controller c (for diagnostics and the lab's view). */
void cg_path(const struct cg_info *cg, enum cg_ctl c, const char *rel, char *out, size_t size);

#endif
