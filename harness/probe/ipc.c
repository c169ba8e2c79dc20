/* ipc.c - which SysV and POSIX IPC objects an IPC namespace shows. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "kv.h"

/* ipc check|create KEY MQNAME */
static int cmd_ipc(int argc, char **argv)
{
    key_t key;
    int flags;

    if (argc < 4)
        return fprintf(stderr, "usage: ipc check|create KEY MQNAME\n"), 2;
    key = (key_t)strtol(argv[2], NULL, 0);
    if (strcmp(argv[1], "create") == 0) {
        struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };
        mqd_t q;
        flags = IPC_CREAT | IPC_EXCL | 0600;
        if (shmget(key, 4096, flags) < 0 || msgget(key, flags) < 0 || semget(key, 1, flags) < 0)
            return fprintf(stderr, "ipc create: %s\n", strerror(errno)), 3;
        q = mq_open(argv[3], O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
        if (q == (mqd_t)-1)
            return fprintf(stderr, "mq_open create %s: %s\n", argv[3], strerror(errno)), 3;
        probe_kv("created", "yes");
        probe_wait_for_lab();
        return 0;
    }
    probe_kv("shm", "%s", probe_visibility(shmget(key, 0, 0) >= 0));
    probe_kv("msg", "%s", probe_visibility(msgget(key, 0) >= 0));
    probe_kv("sem", "%s", probe_visibility(semget(key, 0, 0) >= 0));
    {
        mqd_t q = mq_open(argv[3], O_RDONLY);
        probe_kv("mq", "%s", probe_visibility(q != (mqd_t)-1));
    }
    return 0;
}

const struct probe_cmd probe_ipc_cmds[] = {
    { "ipc", cmd_ipc, "check|create KEY MQNAME  SysV shm/msg/sem and POSIX mq" },
    { 0 },
};
