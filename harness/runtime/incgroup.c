/* incgroup.c - start a runtime inside the container's cgroup parent. */
#define _GNU_SOURCE
#include "incgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ext.h"

bool rt_cgroup_parent(const struct iso_spec *s, char *buf, size_t size, char *why, size_t len)
{
    const struct iso_config *cfg = rt_config();
    char path[PATH_MAX], *slash;

    if (!cfg || !cg_oci_path(&cfg->cg, s->id, path, sizeof(path), why, len))
        return false;
    slash = strrchr(path, '/'); /* "/.../ID/ctr" -> "/.../ID" */
    if (slash)
        *slash = '\0';
    snprintf(buf, size, "%s", path[0] == '/' ? path + 1 : path);
    return true;
}

/* A v1 cpuset cgroup starts with no CPUs and no memory nodes: it takes
 * its parent's, or nothing can join it. */
static void copy_cpuset(const char *dir)
{
    static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
    char parent[PATH_MAX], path[PATH_MAX + 16], val[256];

    snprintf(parent, sizeof(parent), "%s", dir);
    *strrchr(parent, '/') = '\0';
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        if (read_file(path, val, sizeof(val)) < 0 || (val[0] && val[0] != '\n'))
            continue;
        snprintf(path, sizeof(path), "%s/%s", parent, files[i]);
        if (read_file(path, val, sizeof(val)) < 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        write_file(path, val);
    }
}

/* Into rel in every hierarchy, made as needed. */
static int enter_cgroup(const char *rel, char *what, size_t len)
{
    const struct iso_config *cfg = rt_config();

    for (int i = 0; i < cfg->cg.nmounts; i++) {
        char path[PATH_MAX], procs[PATH_MAX + 16];
        size_t at = strlen(cfg->cg.h[i].mount);

        snprintf(path, sizeof(path), "%s/%s", cfg->cg.h[i].mount, rel);
        while (at < strlen(path)) {
            char *end = strchr(path + at + 1, '/');
            if (end)
                *end = '\0';
            if (mkdir(path, 0755) == 0 && cfg->cg.version == 1)
                copy_cpuset(path);
            else if (errno != EEXIST) {
                snprintf(what, len, "mkdir \"%s\"", path);
                return -1;
            }
            at = strlen(path);
            if (end)
                *end = '/';
        }
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
        if (write_file(procs, "0") < 0) {
            snprintf(what, len, "enter the cgroup \"%s\"", path);
            return -1;
        }
    }
    return 0;
}

static __attribute__((noreturn)) void report_fail(int fd, const char *what)
{
    struct rt_setup_error m = { errno, "" };

    snprintf(m.msg, sizeof(m.msg), "%s: %s", what, strerror(m.errnum));
    (void)!write(fd, &m, sizeof(m));
    _exit(127);
}

int rt_exec_in_cgroup(char *const argv[], const int stdio[3], int netns_fd, const char *rel,
                      struct rt_proc *p, struct iso_err *err)
{
    char what[PATH_MAX + 64];
    int report = -1;
    pid_t pid = rt_fork_reporting(p, &report, err);

    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (int i = 0; i < 3; i++)
            if (dup2(stdio[i], i) < 0)
                report_fail(report, "hand the probe's stdio on");
        if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
            report_fail(report, "setns into the prepared network namespace");
        if (enter_cgroup(rel, what, sizeof(what)) < 0)
            report_fail(report, what);
        if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
            report_fail(report, "mark inherited descriptors close-on-exec");
        execv(argv[0], argv);
        snprintf(what, sizeof(what), "exec \"%s\"", argv[0]);
        report_fail(report, what);
    }
    return pid < 0 ? -1 : 0;
}
