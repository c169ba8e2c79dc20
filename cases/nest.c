/* nest.c - namespaces nested inside the container's: a PID namespace one
 * level down shows in every level's numbering, user and PID namespaces
 * nest only so deep, and the container's init takes everything nested
 * below it when it dies. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISO_FAMILY "nest"
#include "case.h"
#include "join.h"
#include "procfs.h"

/* The first child of pid as the lab sees it, -1 if none. */
static pid_t first_child(pid_t pid)
{
    char path[64], text[64] = "";
    const char *end;
    long long child;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
    if (read_file(path, text, sizeof(text)) <= 0 || parse_ll(text, &child, &end) < 0)
        return -1;
    return (pid_t)child;
}

static const char *state_of(pid_t pid, char *buf, size_t size)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    /* a zombie is dead, not yet reaped */
    if (pid <= 0 || procfs_status_field(path, "State", buf, size) < 0 || buf[0] == 'Z')
        snprintf(buf, size, "gone");
    return buf;
}

/* How many namespaces of a kind nest below where the lab runs the probe:
 * the same measurement as inside, run by the lab itself. */
static int run_in_lab(struct iso_ctx *ctx, char *const argv[], struct iso_result *r,
                      struct iso_err *err)
{
    struct iso_join here = { .target = getpid(), .ns = 0 };
    return iso_join_run(ctx, &here, argv, r, err);
}

ISO_CASE(three_level_nspid,
         "a PID namespace inside the container's shows a three-level NSpid to the lab, two inside",
         .detects = ISO_SAB_NO_PIDNS | ISO_SAB_NO_NEWPROC)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    char path[64], nspid[128] = "", want[128];
    pid_t inner;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("nest-pid"), &c);
    inner = first_child(c.r.pid);
    ISO_REQUIRE_GT(ctx, inner, 0, "the lab finds the inner namespace's init");
    snprintf(path, sizeof(path), "/proc/%d/status", inner);
    ISO_REQUIRE_SYS_PATH(ctx, procfs_status_field(path, "NSpid", nspid, sizeof(nspid)), path,
                         "the lab reads the inner init's NSpid");
    snprintf(want, sizeof(want), "%d,%s,1", inner, iso_get(&c.r, "inner_pid"));
    ISO_EXPECT_EQ_STR(ctx, nspid, want, "NSpid from the lab: lab pid, container pid, 1");
    snprintf(want, sizeof(want), "%s,1", iso_get(&c.r, "inner_pid"));
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "inner_nspid"), want, "from the container: its pid, 1");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(pid_nesting_limit,
         "PID namespaces nest one level less deep inside the container than in the lab, the last "
         "refused with ENOSPC (32 levels in all)",
         .detects = ISO_SAB_NO_PIDNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    struct iso_result lab;
    struct iso_err err = { 0, "" };
    long long inside, outside;
    int rc;

    /* both sides at once: most of the time goes in tearing the levels down */
    rc = iso_start(ctx, &s, ISO_ARGV("nest-depth", "pid"), &c, &err);
    if (rc == ISO_UNSUPPORTED)
        ISO_SKIP(ctx, "%s", err.msg);
    ISO_REQUIRE_OK(ctx, rc, &err);
    ISO_REQUIRE_OK(ctx, run_in_lab(ctx, ISO_ARGV("nest-depth", "pid"), &lab, &err), &err);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_REQUIRE_OK(ctx, iso_get_ll(&c.r, "nested", &inside, &err), &err);
    ISO_REQUIRE_OK(ctx, iso_get_ll(&lab, "nested", &outside, &err), &err);
    ISO_EXPECT_EQ(ctx, inside, outside - 1,
                  "levels the container can still nest: the lab's less its own");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "error"), "ENOSPC", "the level beyond the limit");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&lab, "error"), "ENOSPC", "the same limit in the lab");
}

ISO_CASE(user_nesting_limit,
         "user namespaces nest one level less deep inside a container with its own than in the "
         "lab, the last refused with ENOSPC",
         /* a chrooted process may not make a user namespace at all (EPERM) */
         .detects = ISO_SAB_NO_USERNS | ISO_SAB_CHROOT)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result in, lab;
    struct iso_err err = { 0, "" };
    long long inside, outside;

    spec_map_root(&s, 100000, 65536);
    ISO_REQUIRE_OK(ctx, run_in_lab(ctx, ISO_ARGV("nest-depth", "user"), &lab, &err), &err);
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("nest-depth", "user"), &in);
    ISO_REQUIRE_OK(ctx, iso_get_ll(&in, "nested", &inside, &err), &err);
    ISO_REQUIRE_OK(ctx, iso_get_ll(&lab, "nested", &outside, &err), &err);
    ISO_EXPECT_EQ(ctx, inside, outside - 1,
                  "levels the container can still nest: the lab's less its own");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&in, "error"), "ENOSPC", "the level beyond the limit");
}

ISO_CASE(init_death_kills_nested_namespace,
         "SIGKILL to the container's init from the lab kills the PID namespace nested in it, "
         "its init and that init's child",
         .detects = ISO_SAB_NO_PIDNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    struct iso_err err = { 0, "" };
    char st[2][64];
    pid_t inner, inner_child;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("nest-pid"), &c);
    inner = first_child(c.r.pid);
    inner_child = first_child(inner);
    ISO_REQUIRE_GT(ctx, inner_child, 0, "the lab finds the inner init's child");
    ISO_REQUIRE_SYS(ctx, kill(c.r.pid, SIGKILL), "the lab kills the container's init");
    ISO_REQUIRE_OK(ctx, iso_finish(ctx, &c, &err), &err);
    ISO_EXPECT_EQ_STR(ctx, state_of(inner, st[0], 64), "gone", "the nested namespace's init");
    ISO_EXPECT_EQ_STR(ctx, state_of(inner_child, st[1], 64), "gone", "and its child");
    if (inner > 0 && inner_child > 0) /* survivors of a failure */
        kill(inner_child, SIGKILL), kill(inner, SIGKILL);
}
