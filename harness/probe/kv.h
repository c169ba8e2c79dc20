/* kv.h - what the probe's families share: the report format (key=value
 * lines on stdout, errno values by name, the "ready=1" handshake with the
 * lab), argument helpers, and the command table each family exports. */
#ifndef ISO_PROBE_KV_H
#define ISO_PROBE_KV_H

#include <stdbool.h>
#include <stddef.h>

void probe_kv(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "EPERM" for EPERM; "ok" for 0. */
const char *probe_errname(int errnum);
/* Report ready=1, then block until the lab sends a line or closes stdin. */
void probe_wait_for_lab(void);
/* The target of a /proc symlink ("time:[4026531834]"), or "error:ENOENT". */
void probe_kv_link(const char *key, const char *path);

/* The decimal number in argv[i], or dflt when it is absent or a --flag.
 * Anything else outside [min, max] is bad usage: one line, exit 2. */
long probe_num_arg(int argc, char **argv, int i, long dflt, long min, long max);
bool probe_has_flag(int argc, char **argv, const char *flag);
/* Whether a lookup that just ran found the object: "visible", "absent"
 * (ENOENT), or the errno name of another failure. */
const char *probe_visibility(bool found);
/* FIELD of a /proc status file, or "?" when it cannot be read. */
void probe_status_field(const char *path, const char *field, char *out, size_t size);

/* Fork up to n children that live until this process ends; report
 * "forked" (and "fork_error"); with wait_for_lab, the ready handshake
 * while they are all there (cgroup.c). */
int probe_fork_held(int n, bool wait_for_lab);
/* After a signal sent to PID 1: "yes" when init lives on (pid.c). */
const char *probe_init_alive(void);
/* Write every page of [mem, mem + len) (cgroup.c). */
void probe_touch(char *mem, size_t len);

/* A probe command: isoprobe NAME ARGS, or the probe called as NAME. Each
 * family's file ends with its table, { 0 }-terminated; isoprobe.c lists
 * the tables. */
struct probe_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

extern const struct probe_cmd probe_pid_cmds[], probe_uts_cmds[], probe_ipc_cmds[],
    probe_user_cmds[], probe_mount_cmds[], probe_net_cmds[], probe_cgroup_cmds[],
    probe_hardening_cmds[], probe_time_cmds[], probe_setns_cmds[], probe_nest_cmds[],
    probe_ns_pid_cmds[], probe_ns_fs_cmds[], probe_ns_net_cmds[], probe_ns_user_cmds[],
    probe_hostile_cmds[], probe_cgevents_cmds[];

#endif
