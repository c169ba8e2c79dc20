/* ext.h - what the drivers of external runtimes share: finding the binary,
 * reading its version, running it with the probe's stdio. */
#ifndef ISO_RT_EXT_H
#define ISO_RT_EXT_H

#include <stdbool.h>

#include "runtime.h"

/* Found in PATH, or the --runtime-path given; why says how to get it. */
bool rt_find_bin(struct rt_bin *b, char *why, size_t len);
/* "BIN ARG" (stdout and stderr) into text, at most 3 s: a hung runtime
 * must not stall the run (it is judged later). Returns the length. */
size_t rt_bin_output(const char *bin, const char *arg, char *text, size_t size);
/* "crun version 1.8.1" -> "1.8.1": the first dotted number that
 * "BIN --version" prints within 3 s; "" when none. */
void rt_bin_version(const struct iso_runtime *rt, char *out, size_t size);

/* What "docker create" or "podman create" printed, stdout and stderr
 * together -> the container's id: the last line that is 64 lowercase hex
 * digits, moved to the start of out. Warnings may come first (podman 3.4
 * warns of configuration keys it does not know). -1 when no line is one. */
int rt_container_id(char *out);

/* How to run a runtime's command line. */
struct rt_exec {
    char *const *argv;
    const int *stdio;  /* the probe's stdin, stdout, stderr */
    int info_fd;       /* handed on as RT_INFO_FD, or -1 */
    int netns_fd;      /* setns into it before exec, or -1 */
    bool hide_unified; /* in a mount namespace without /sys/fs/cgroup/unified */
};
/* fork and exec; p->pid is the runtime, p->status_fd says why exec failed. */
int rt_exec(const struct rt_exec *x, struct rt_proc *p, struct iso_err *err);
/* fork with a status pipe, for a child that reports why it failed before
 * its exec: -1 (err set) on failure; in the child 0, with *report the
 * pipe's write end; in the parent the child's pid, with p->pid and
 * p->status_fd (the read end) set. */
pid_t rt_fork_reporting(struct rt_proc *p, int *report, struct iso_err *err);

/* cleanup for a runtime that keeps no state of its own: the kernel tears
 * down what a killed case's container held. */
void rt_nothing_left(const struct iso_runtime *rt, const char *workdir);

/* crun 1.8 refuses a cgroup v1 host while any controller sits on the
 * cgroup2 mount: hide that mount in a mount namespace of our own. */
void rt_hide_unified(void);

/* The pid a runtime writes to its pid file (--pid-file, --pidfile) once it
 * started the container, which may be a moment after the probe said
 * ready: polled every millisecond for at most timeout_ms. who names the
 * file in the error. */
int rt_read_pid_file(const char *path, double timeout_ms, const char *who, pid_t *init,
                     struct iso_err *err);

#endif
