/* setns.c - joining a running container: a process of the lab that enters
 * its namespaces with setns sees what the container sees, and a user
 * namespace's capabilities do not reach namespaces its parent owns. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#define ISO_FAMILY "setns"
#include "case.h"
#include "join.h"

#define KEY 0x15c0c5e7
#define KEY_TEXT "0x15c0c5e7"
#define MQ "/isocheck-setns"
#define HOSTNAME "iso-joined"

static struct iso_spec named_spec(struct iso_ctx *ctx)
{
    struct iso_spec s = iso_spec_default(ctx);
    strlcpy0(s.hostname, HOSTNAME, sizeof(s.hostname));
    return s;
}

/* Levels of an NSpid list ("812,3" has two) and its innermost pid. */
static int nspid_levels(const char *nspid)
{
    int n = nspid && *nspid ? 1 : 0;
    for (const char *p = nspid; p && *p; p++)
        n += *p == ',';
    return n;
}

static const char *nspid_inner(const char *nspid)
{
    const char *comma = nspid ? strrchr(nspid, ',') : NULL;
    return comma ? comma + 1 : nspid;
}

static const char *readlink_text(const char *path, char *buf, size_t size)
{
    ssize_t n = readlink(path, buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

/* What the joined probe must see, and the lab must not. */
static void expect_container_view(struct iso_ctx *ctx, const struct iso_container *c,
                                  const struct iso_result *joined)
{
    char path[64], ct_pidns[64], lab_pidns[64], lab_host[65] = "";

    ISO_EXPECT_EQ_STR(ctx, iso_get(joined, "hostname"), HOSTNAME, "the container's hostname");
    gethostname(lab_host, sizeof(lab_host) - 1);
    ISO_EXPECT_EQ_STR(ctx, lab_host, ctx->lab_hostname, "while the lab keeps its own");
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", c->r.pid);
    ISO_EXPECT_EQ_STR(ctx, iso_get(joined, "pidns"), readlink_text(path, ct_pidns, 64),
                      "the joiner's child is in the container's PID namespace");
    ISO_EXPECT_NE_STR(ctx, ct_pidns, readlink_text("/proc/self/ns/pid", lab_pidns, 64),
                      "which is not the lab's");
    ISO_EXPECT_EQ(ctx, nspid_levels(iso_get(joined, "nspid")), 2,
                  "NSpid: the lab's, the container's");
    ISO_EXPECT_EQ_STR(ctx, nspid_inner(iso_get(joined, "nspid")), iso_get(joined, "pid"),
                      "getpid() is the pid the container numbers it with");
    ISO_EXPECT_EQ_STR(ctx, iso_get(joined, "shm"), "visible", "the container's shm segment");
    ISO_EXPECT_EQ_STR(ctx, iso_get(joined, "msg"), "visible", "the container's message queue");
    ISO_EXPECT_EQ_STR(ctx, iso_get(joined, "sem"), "visible", "the container's semaphore set");
    ISO_EXPECT_EQ_STR(ctx, iso_get(joined, "mq"), "visible", "the container's POSIX mq");
    ISO_EXPECT_EQ_STR(ctx, shmget(KEY, 0, 0) < 0 && errno == ENOENT ? "absent" : "visible",
                      "absent", "while the lab does not see the shm segment");
}

/* A lab process joins the running container's UTS, IPC and PID namespaces,
 * through /proc/PID/ns files or with one setns(pidfd, ...), and looks. */
static void join_and_view(struct iso_ctx *ctx, bool pidfd)
{
    struct iso_spec s = named_spec(ctx);
    struct iso_container c;
    struct iso_result joined;
    struct iso_err err = { 0, "" };

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("ipc", "create", KEY_TEXT, MQ), &c);
    struct iso_join j = { .target = c.r.pid,
                          .ns = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID,
                          .pidfd = pidfd };
    ISO_REQUIRE_OK(ctx, iso_join_run(ctx, &j, ISO_ARGV("view", KEY_TEXT, MQ), &joined, &err), &err);
    if (!iso_check_exit(ctx, __FILE__, __LINE__, &joined))
        return;
    expect_container_view(ctx, &c, &joined);
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(proc_ns_files_join_container,
         "a lab process that setns()es through /proc/PID/ns/{uts,ipc,pid} sees the container's "
         "hostname, PID numbering and IPC objects",
         .detects = ISO_SAB_NO_UTSNS | ISO_SAB_NO_IPCNS | ISO_SAB_NO_PIDNS)
{
    join_and_view(ctx, false);
}

ISO_CASE(pidfd_joins_several_at_once,
         "one setns(pidfd, CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID) joins all three at once",
         .detects = ISO_SAB_NO_UTSNS | ISO_SAB_NO_IPCNS | ISO_SAB_NO_PIDNS)
{
    join_and_view(ctx, true);
}

ISO_CASE(child_userns_cannot_join_parents,
         "a process in the container's user namespace may join the container's UTS namespace, "
         "which that user namespace owns, but not the lab's (EPERM)",
         .detects = ISO_SAB_NO_USERNS | ISO_SAB_NO_UTSNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    struct iso_result joined;
    struct iso_err err = { 0, "" };
    char path[64];
    autoclose int lab_uts = -1, ct_uts = -1;

    spec_map_root(&s, 100000, 65536);
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("pid", "--wait"), &c);
    snprintf(path, sizeof(path), "/proc/%d/ns/uts", c.r.pid);
    ISO_REQUIRE_SYS(ctx, lab_uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC), "lab's");
    ISO_REQUIRE_SYS_PATH(ctx, ct_uts = open(path, O_RDONLY | O_CLOEXEC), path, "container's");
    const int fds[] = { lab_uts, ct_uts };
    struct iso_join j = { .target = c.r.pid, .ns = CLONE_NEWUSER, .fds = fds, .nfds = 2 };
    ISO_REQUIRE_OK(ctx, iso_join_run(ctx, &j, ISO_ARGV("setns", "3", "4"), &joined, &err), &err);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "setns_3"), "EPERM", "setns into the lab's UTS");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "setns_4"), "ok", "setns into the container's UTS");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}
