/* ipc.c - IPC namespace isolation: SysV shm, msg, sem and POSIX mq. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define ISO_FAMILY "ipc"
#include "case.h"

#define KEY 0x15c0c4ec
#define KEY_TEXT "0x15c0c4ec"
#define MQ "/isocheck-mq"
#define MQ_LAB "/isocheck-mq-lab"
#define MQ_INSIDE "/isocheck-mq-inside"

static const char *seen(int rc)
{
    return rc >= 0 ? "visible" : errno == ENOENT ? "absent" : "error";
}

ISO_CASE(lab_objects_invisible_inside,
         "SysV shm/msg/sem and a POSIX mq of the lab are invisible inside",
         .detects = ISO_SAB_NO_IPCNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };
    struct iso_result r;
    int flags = IPC_CREAT | 0600;

    ISO_REQUIRE_SYS(ctx, shmget(KEY, 4096, flags), "the lab creates a shm segment");
    ISO_REQUIRE_SYS(ctx, msgget(KEY, flags), "the lab creates a message queue");
    ISO_REQUIRE_SYS(ctx, semget(KEY, 1, flags), "the lab creates a semaphore set");
    ISO_REQUIRE_SYS(ctx, mq_open(MQ, O_CREAT | O_RDWR, 0600, &attr),
                    "the lab creates a POSIX message queue");
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("ipc", "check", KEY_TEXT, MQ), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "shm"), "absent", "lab shm segment inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "msg"), "absent", "lab message queue inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "sem"), "absent", "lab semaphore set inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "mq"), "absent", "lab POSIX mq inside");
}

ISO_CASE(container_objects_invisible_in_lab,
         "SysV shm/msg/sem and a POSIX mq made inside are invisible to the lab",
         .detects = ISO_SAB_NO_IPCNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("ipc", "create", KEY_TEXT, MQ), &c);
    ISO_EXPECT_EQ_STR(ctx, seen(shmget(KEY, 0, 0)), "absent", "container shm segment in the lab");
    ISO_EXPECT_EQ_STR(ctx, seen(msgget(KEY, 0)), "absent", "container message queue in the lab");
    ISO_EXPECT_EQ_STR(ctx, seen(semget(KEY, 0, 0)), "absent", "container semaphore set in the lab");
    ISO_EXPECT_EQ_STR(ctx, seen(mq_open(MQ, O_RDONLY) == (mqd_t)-1 ? -1 : 0), "absent",
                      "container POSIX mq in the lab");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(mqueue_fs_lists_own_queues,
         "the mqueue filesystem mounted inside lists the container's queue and not the lab's",
         .detects = ISO_SAB_NO_IPCNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };
    struct iso_result r;

    ISO_REQUIRE_SYS(ctx, mq_open(MQ_LAB, O_CREAT | O_RDWR, 0600, &attr),
                    "the lab creates a POSIX message queue");
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("mqueue-ls", "/tmp/isocheck-mqueue", MQ_INSIDE), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "mq_entries"), "isocheck-mq-inside",
                      "the queues the container's mqueue filesystem lists");
}
