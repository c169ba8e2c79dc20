/* setns.c - what a process sees after it joined a container's namespaces,
 * and whether it may join namespaces handed to it as open files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "kv.h"
#include "procfs.h"
#include "util.h"

static const char *seen(int rc)
{
    return rc >= 0 ? "visible" : errno == ENOENT ? "absent" : probe_errname(errno);
}

/* view KEY MQNAME: hostname, pid and NSpid, the pid namespace, and whether
 * the SysV objects with KEY and the POSIX queue MQNAME exist here. */
static int probe_cmd_view(int argc, char **argv)
{
    char name[256] = "", nspid[256] = "?";
    key_t key;
    mqd_t q;

    if (argc < 3)
        return fprintf(stderr, "usage: view KEY MQNAME\n"), 2;
    key = (key_t)strtol(argv[1], NULL, 0);
    gethostname(name, sizeof(name) - 1);
    probe_kv("hostname", "%s", name);
    probe_kv("pid", "%d", getpid());
    procfs_status_field("/proc/self/status", "NSpid", nspid, sizeof(nspid));
    probe_kv("nspid", "%s", nspid);
    probe_kv_link("pidns", "/proc/self/ns/pid");
    probe_kv("shm", "%s", seen(shmget(key, 0, 0)));
    probe_kv("msg", "%s", seen(msgget(key, 0)));
    probe_kv("sem", "%s", seen(semget(key, 0, 0)));
    q = mq_open(argv[2], O_RDONLY);
    probe_kv("mq", "%s", seen(q == (mqd_t)-1 ? -1 : 0));
    return 0;
}

/* setns FD...: try to join the namespace each open FD names; setns_FD=ok
 * or the errno's name. */
static int probe_cmd_setns(int argc, char **argv)
{
    char key[32];

    for (int i = 1; i < argc; i++) {
        long long fd;

        if (parse_ll(argv[i], &fd, NULL) < 0 || fd < 0 || fd > INT_MAX)
            return fprintf(stderr, "setns: \"%s\" is not a descriptor\n", argv[i]), 2;
        snprintf(key, sizeof(key), "setns_%lld", fd);
        probe_kv(key, "%s", probe_errname(setns((int)fd, 0) < 0 ? errno : 0));
    }
    return 0;
}

const struct probe_cmd probe_setns_cmds[] = {
    { "view", probe_cmd_view, "KEY MQNAME  hostname, pids, pid ns and IPC objects seen here" },
    { "setns", probe_cmd_setns, "FD...  try to join the namespace of each open FD" },
    { 0 },
};
