/* cglimits.c - a container's cgroups through libcgroup: made with their
 * limits, a process attached, released, one key of an interface file read.
 * libcgroup starts only in a process that calls one of these (see cgroup.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <libcgroup.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "cgroup_int.h"

/* libcgroup names a cgroup by its path below the mount; an OCI
 * container's cgroups live below oci_base in every hierarchy. */
static void cg_name(const struct cg_info *cg, enum cg_ctl c, const char *rel, bool oci, char *out,
                    size_t size)
{
    cg_join(out, size, oci ? cg->oci_base : cg->ctl[c].base, cg->run, rel ? rel : "");
}

static int lcg_fail(struct iso_err *err, int rc, const char *what, const char *name)
{
    return iso_err_set(err, rc == ECGOTHER ? cgroup_get_last_errno() : 0, "%s \"%s\"%s%s", what,
                       name, rc == ECGOTHER ? "" : ": ", rc == ECGOTHER ? "" : cgroup_strerror(rc));
}

/* Start libcgroup in this process, once (a forked child inherits it). */
static int lcg_start(struct iso_err *err)
{
    static bool started;
    int rc;

    if (started)
        return 0;
    rc = cgroup_init();
    if (rc != 0)
        return iso_err_set(err, rc == ECGOTHER ? cgroup_get_last_errno() : 0,
                           "libcgroup cannot start: %s", cgroup_strerror(rc));
    started = true;
    return 0;
}

static void set_values(const struct cg_info *cg, enum cg_ctl c, struct cgroup_controller *ctl,
                       const struct iso_limits *lim)
{
    char v[64];
    bool v1 = cg->version == 1;

    if (c == CG_MEMORY && lim->memory) {
        snprintf(v, sizeof(v), "%llu", (unsigned long long)lim->memory);
        cgroup_add_value_string(ctl, v1 ? "memory.limit_in_bytes" : "memory.max", v);
        /* no swap: memsw (v1, only with swap accounting) or swap.max (v2) */
        char file[PATH_MAX + 64];
        cg_join(file, sizeof(file), cg->ctl[c].mount,
                v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max");
        if (v1 && access(file, F_OK) == 0)
            cgroup_add_value_string(ctl, "memory.memsw.limit_in_bytes", v);
        if (!v1)
            cgroup_add_value_string(ctl, "memory.swap.max", "0");
    }
    if (c == CG_PIDS && lim->pids) {
        snprintf(v, sizeof(v), "%ld", lim->pids);
        cgroup_add_value_string(ctl, "pids.max", v);
    }
    if (c == CG_CPU && lim->cpu_quota_us > 0) {
        if (v1) {
            snprintf(v, sizeof(v), "%ld", lim->cpu_period_us);
            cgroup_add_value_string(ctl, "cpu.cfs_period_us", v);
            snprintf(v, sizeof(v), "%ld", lim->cpu_quota_us);
            cgroup_add_value_string(ctl, "cpu.cfs_quota_us", v);
        } else {
            snprintf(v, sizeof(v), "%ld %ld", lim->cpu_quota_us, lim->cpu_period_us);
            cgroup_add_value_string(ctl, "cpu.max", v);
        }
    }
}

int cg_make(const struct cg_info *cg, const char *rel, const struct iso_limits *lim, bool oci,
            struct cg_handle *h, struct iso_err *err)
{
    int holder = -1; /* v2: the one cgroup that carries every controller */

    memset(h, 0, sizeof(*h));
    strlcpy0(h->rel, rel, sizeof(h->rel));
    h->ctls = cg_needed(lim);
    if (lcg_start(err) < 0)
        return -1;
    for (int c = 0; c < CG_NCTL && holder < 0; c++)
        if (h->ctls & (1u << c))
            holder = c;
    for (int c = 0; c < CG_NCTL; c++) {
        char name[PATH_MAX];
        struct cgroup_controller *ctl;
        int rc;

        if (!(h->ctls & (1u << c)))
            continue;
        if (cg->version == 2 && c != holder) /* one hierarchy: one cgroup for all */
            continue;
        cg_name(cg, (enum cg_ctl)c, rel, oci, name, sizeof(name));
        h->cg[c] = cgroup_new_cgroup(name);
        if (!h->cg[c])
            return iso_err_set(err, ENOMEM, "cgroup_new_cgroup");
        for (int k = c; k < CG_NCTL; k++) {
            if (!(h->ctls & (1u << k)) || (cg->version == 1 && k != c))
                continue;
            ctl = cgroup_add_controller(h->cg[c], cg_names[k]);
            if (!ctl)
                return iso_err_set(err, 0, "cgroup_add_controller %s", cg_names[k]);
            set_values(cg, (enum cg_ctl)k, ctl, lim);
        }
        rc = cgroup_create_cgroup(h->cg[c], 0);
        if (rc != 0)
            return lcg_fail(err, rc, "create cgroup", name);
    }
    return 0;
}

int cg_attach(struct cg_handle *h, pid_t pid, struct iso_err *err)
{
    for (int c = 0; c < CG_NCTL; c++) {
        int rc;
        if (!h->cg[c])
            continue;
        rc = cgroup_attach_task_pid(h->cg[c], pid);
        if (rc != 0)
            return lcg_fail(err, rc, "attach to cgroup", h->rel);
    }
    return 0;
}

void cg_release(struct cg_handle *h)
{
    for (int c = 0; c < CG_NCTL; c++)
        if (h->cg[c])
            cgroup_free(&h->cg[c]);
}

const char *cg_oom_file(const struct cg_info *cg)
{
    return cg->version == 2 ? "memory.events" : "memory.oom_control";
}

int cg_read_key(const struct cg_info *cg, enum cg_ctl c, const char *rel, bool oci,
                const char *file, const char *key, long long *value, struct iso_err *err)
{
    char name[PATH_MAX], line[256];
    void *h = NULL;
    int rc;
    size_t klen = strlen(key);
    bool found = false;

    if (lcg_start(err) < 0)
        return -1;
    cg_name(cg, c, rel, oci, name, sizeof(name));
    rc = cgroup_read_value_begin(cg_names[c], name, (char *)file, &h, line, sizeof(line));
    while (rc == 0) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            const char *end;
            if (parse_ll(line + klen + 1, value, &end) == 0 && (*end == '\0' || *end == '\n'))
                found = true;
        }
        rc = cgroup_read_value_next(&h, line, sizeof(line));
    }
    if (h)
        cgroup_read_value_end(&h);
    if (!found)
        return iso_err_set(err, 0, "no \"%s\" in %s of cgroup \"%s\"", key, file, name);
    return 0;
}
