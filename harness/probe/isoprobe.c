/* isoprobe - runs inside the container and reports what it sees as
 * "key=value" lines on stdout. It exits 0 when it could measure (whatever
 * the measurement says), 2 on bad usage, 3 when a measurement failed.
 * Commands that must be observed from outside while they run print
 * "ready=1" and wait for a line on stdin. Each family's commands live in
 * the family's file (pid.c, net.c, ...), which ends with its table. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "kv.h"

static const struct probe_cmd *const families[] = {
    probe_pid_cmds,   probe_uts_cmds,    probe_ipc_cmds,     probe_user_cmds,
    probe_mount_cmds, probe_net_cmds,    probe_cgroup_cmds,  probe_hardening_cmds,
    probe_time_cmds,  probe_setns_cmds,  probe_nest_cmds,    probe_ns_pid_cmds,
    probe_ns_fs_cmds, probe_ns_net_cmds, probe_ns_user_cmds, probe_hostile_cmds,
};

#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');

    base = base ? base + 1 : argv[0];
    if (strcmp(base, "isoprobe") == 0) { /* isoprobe CMD ARGS, or called as CMD */
        argc--, argv++;
        base = argc > 0 ? argv[0] : "";
    }
    for (size_t f = 0; f < N_FAMILIES; f++)
        for (const struct probe_cmd *c = families[f]; c->name; c++)
            if (strcmp(c->name, base) == 0) {
                int rc = c->fn(argc, argv);
                fflush(stdout);
                return rc;
            }
    fprintf(stderr, "usage: isoprobe COMMAND [ARGS]\n");
    for (size_t f = 0; f < N_FAMILIES; f++)
        for (const struct probe_cmd *c = families[f]; c->name; c++)
            fprintf(stderr, "  %-12s %s\n", c->name, c->help);
    return 2;
}
