/* ns.c - the namespace table, in the order runtimes are asked for them. */
#define _GNU_SOURCE
#include "ns.h"

#include <sched.h>

const struct ns_kind ns_kinds[] = {
    /* flag            proc      oci        unshare(1)   bwrap */
    { CLONE_NEWPID, "pid", "pid", "--pid", "--unshare-pid", "a PID namespace" },
    { CLONE_NEWNS, "mnt", "mount", "--mount", NS_ALWAYS, "a mount namespace" },
    { CLONE_NEWUTS, "uts", "uts", "--uts", "--unshare-uts", "a UTS namespace" },
    { CLONE_NEWIPC, "ipc", "ipc", "--ipc", "--unshare-ipc", "an IPC namespace" },
    { CLONE_NEWNET, "net", "network", "--net", "--unshare-net", "a network namespace" },
    { CLONE_NEWCGROUP, "cgroup", "cgroup", "--cgroup", "--unshare-cgroup", "a cgroup namespace" },
    { CLONE_NEWUSER, "user", "user", "--user", "--unshare-user", "a user namespace" },
    { CLONE_NEWTIME, "time", "time", "--time", NULL, "a time namespace" },
};
const size_t ns_count = sizeof(ns_kinds) / sizeof(ns_kinds[0]);

const struct ns_kind *ns_by_flag(unsigned flag)
{
    for (size_t i = 0; i < ns_count; i++)
        if (ns_kinds[i].flag == flag)
            return &ns_kinds[i];
    return NULL;
}

unsigned ns_all_flags(void)
{
    unsigned all = 0;
    for (size_t i = 0; i < ns_count; i++)
        all |= ns_kinds[i].flag;
    return all;
}
