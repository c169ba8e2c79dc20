/* cgroup.c - resource isolation through cgroups (v1 or v2): OOM kill at the
 * memory limit, pids.max, the cgroup namespace, CPU quota; and what only
 * cgroup v2 has: memory.events, memory.oom.group, memory.high,
 * pids.events, cgroup.kill. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ISO_FAMILY "cgroup"
#include "case.h"
#include "cgevents.h"
#include "config.h"

#define MiB (1ull << 20)

/* The last "touched=N" the probe wrote before it ended, in bytes. */
static unsigned long long last_touched(const struct iso_result *r)
{
    const char *v = iso_get(r, "touched");
    return v ? strtoull(v, NULL, 10) : 0;
}

ISO_CASE(oom_kill_at_limit,
         "under a 32 MiB limit (no swap) 16 MiB is fine and 64 MiB is killed by the OOM killer",
         .detects = ISO_SAB_NO_MEMLIMIT | ISO_SAB_NO_CGROUP_JOIN, .needs = ISO_NEEDS_CGROUP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_container c;
    struct iso_result r;
    long long ooms = -1;

    s.lim.memory = 32 * MiB;
    /* half of the limit: survives */
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("alloc", "16777216", "1048576"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "alloc"), "done", "16 MiB under a 32 MiB limit completes");
    /* twice the limit (bounded even when no limit is set): the worker is
     * killed; the container's init stays so its cgroup can be read */
    ISO_DOING(ctx, "touching 64 MiB under a 32 MiB limit");
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("alloc", "67108864", "1048576", "--wait"), &c);
    if (iso_cg_counter(ctx, &c.r, CG_MEMORY, cg_oom_file(&ctx->cfg->cg), "oom_kill", &ooms, &err) <
        0)
        iso_diag(ctx, "oom_counter_error", "%s", err.msg);
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    iso_diag(ctx, "worker_end", "%s%s", iso_get(&c.r, "worker_signal") ? "signal " : "exit ",
             iso_get(&c.r, "worker_signal") ?: iso_get(&c.r, "worker_exit") ?: "?");
    iso_diag(ctx, "oom_kill_counter", "%lld (%s)", ooms, cg_oom_file(&ctx->cfg->cg));
    iso_diag(ctx, "last_touched_bytes", "%llu", last_touched(&c.r));
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "worker_signal"), "9",
                      "the 64 MiB process was killed by SIGKILL");
    ISO_EXPECT_GT(ctx, ooms, 0, "the container's cgroup counted an OOM kill");
    ISO_EXPECT_LE(ctx, last_touched(&c.r), 32 * MiB, "it never held more than the limit (bytes)");
    /* the lab is unharmed: a further container runs */
    s = iso_spec_default(ctx);
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("pid", "--wait"), &c);
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(pids_max_stops_forks, "with pids.max = 8 the 8th process inside cannot be forked (EAGAIN)",
         .detects = ISO_SAB_NO_PIDSLIMIT | ISO_SAB_NO_CGROUP_JOIN, .needs = ISO_NEEDS_CGROUP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;
    pid_t p;
    int status;

    s.lim.pids = 8;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("fork", "16"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "forked"), "7", "children forked beside the probe");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "fork_error"), "EAGAIN", "the next fork fails");
    p = fork(); /* the lab is not limited */
    if (p == 0)
        _exit(0);
    ISO_REQUIRE_SYS(ctx, p, "the lab can still fork");
    ISO_EXPECT_EQ(ctx, waitpid(p, &status, 0), p, "the lab reaps its child");
}

/* The path on the line of view (a /proc/PID/cgroup text) that starts with
 * ctl ("0::", ":memory:"), without its leading '/'; view is cut there. */
static const char *cgroup_path(char *view, const char *ctl)
{
    char *line = strstr(view, ctl), *end;

    if (!line)
        return NULL;
    line += strlen(ctl);
    end = strchr(line, '\n');
    if (end)
        *end = '\0';
    return line[0] == '/' ? line + 1 : line;
}

ISO_CASE(namespace_root_is_own_cgroup,
         "in a cgroup namespace the container's cgroup reads as /; the lab sees the real path",
         .detects = ISO_SAB_NO_CGROUPNS | ISO_SAB_NO_CGROUP_JOIN, .needs = ISO_NEEDS_CGROUP)
{
    const struct cg_info *cg = &ctx->cfg->cg;
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    char path[64], lab_view[2048], want[PATH_MAX];
    const char *key = cg->version == 2 ? "cg_unified" : "cg_memory";
    const char *ctl = cg->version == 2 ? "0::" : ":memory:";

    s.ns |= CLONE_NEWCGROUP;
    s.lim.own_cgroup = true;
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("pid", "--wait"), &c);
    snprintf(path, sizeof(path), "/proc/%d/cgroup", c.r.pid);
    ISO_REQUIRE_SYS_PATH(ctx, read_file(path, lab_view, sizeof(lab_view)), path,
                         "the lab reads the container's cgroup");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    /* what the probe sees, from a second container in the same kind of spec */
    {
        struct iso_result r;
        ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("cgroup"), &r);
        ISO_EXPECT_EQ_STR(ctx, iso_get(&r, key), "/", "the container's own cgroup, seen inside");
    }
    snprintf(want, sizeof(want), "%s%s%s/%s", cg->ctl[CG_MEMORY].base,
             cg->ctl[CG_MEMORY].base[0] ? "/" : "", cg->run, c.r.cg_leaf);
    ISO_REQUIRE_CONTAINS(ctx, lab_view, ctl, "the lab sees a memory cgroup line");
    ISO_EXPECT_EQ_STR(ctx, cgroup_path(lab_view, ctl), want,
                      "the container's cgroup as the lab sees it");
}

ISO_CASE(cpu_quota_throttles, "a busy loop under a 50% CPU quota (1 ms per 2 ms) is throttled",
         .detects = ISO_SAB_NO_CPULIMIT | ISO_SAB_NO_CGROUP_JOIN, .needs = ISO_NEEDS_CGROUP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_container c;
    long long throttled = -1;

    /* half of one CPU in 2 ms periods (the kernel's shortest is 1 ms). The
     * quota is checked at the scheduler's tick (4 ms at HZ=250) and when
     * the loop is switched out, so 10 ms of CPU time is more than a period's
     * quota and a tick of overrun: under the limit the loop is throttled
     * and takes about 20 ms. Where ticks come late (an emulated guest once
     * ran 10 ms unthrottled) it goes on until it has been held back (wall
     * time half again its CPU time); without the limit it never is, and
     * 200 ms of wall time bounds it. */
    s.lim.cpu_quota_us = 1000;
    s.lim.cpu_period_us = 2000;
    /* read while the probe still lives: throttling is counted per cgroup,
     * and a runtime removes its cgroup with the container */
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("spin", "200", "10", "--until-held", "--wait"), &c);
    if (iso_cg_counter(ctx, &c.r, CG_CPU, "cpu.stat", "nr_throttled", &throttled, &err) < 0)
        ISO_FAIL(ctx, "the container's cpu.stat could not be read", "%s", err.msg);
    else
        ISO_EXPECT_GT(ctx, throttled, 0, "periods in which the container was throttled");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    iso_diag(ctx, "spun", "%s ms of wall time, %s ms of CPU time", iso_get(&c.r, "spun_ms") ?: "?",
             iso_get(&c.r, "spun_cpu_ms") ?: "?");
}

/* --- cgroup v2 only --- */

/* Skips the case where the run's cgroups are not v2 (v1 has no such file). */
#define REQUIRE_V2(ctx, what)                                                                      \
    do {                                                                                           \
        if ((ctx)->cfg->cg.version != 2)                                                           \
            ISO_SKIP_FOR(ctx, ISO_FEAT_CGROUP,                                                     \
                         "%s is cgroup v2 only; this host's cgroups are v%d", what,                \
                         (ctx)->cfg->cg.version);                                                  \
    } while (0)

/* A counter of the container's cgroup, -1 (and the error in the
 * diagnostics under key) when it cannot be read. */
static long long counter(struct iso_ctx *ctx, const struct iso_result *r, int ctl, const char *file,
                         const char *key)
{
    struct iso_err err = { 0, "" };
    long long v = -1;
    char diag[64];

    if (iso_cg_counter(ctx, r, ctl, file, key, &v, &err) < 0) {
        snprintf(diag, sizeof(diag), "%s_error", key);
        iso_diag(ctx, diag, "%s", err.msg);
        return -1;
    }
    return v;
}

ISO_CASE(memory_events_count_oom,
         "memory.events counts oom and oom_kill once a container hits its limit, and neither "
         "before",
         .detects = ISO_SAB_NO_MEMLIMIT | ISO_SAB_NO_CGROUP_JOIN, .needs = ISO_NEEDS_CGROUP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    long long oom, kills;

    REQUIRE_V2(ctx, "memory.events");
    s.lim.memory = 32 * MiB;
    /* under the limit: nothing is counted */
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("alloc", "16777216", "1048576", "--wait"), &c);
    oom = counter(ctx, &c.r, CG_MEMORY, "memory.events", "oom");
    kills = counter(ctx, &c.r, CG_MEMORY, "memory.events", "oom_kill");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "alloc"), "done", "16 MiB under a 32 MiB limit completes");
    ISO_EXPECT_EQ(ctx, oom, 0, "oom events of a container that stayed under its limit");
    ISO_EXPECT_EQ(ctx, kills, 0, "oom_kill events of a container that stayed under its limit");
    /* over it: the worker (oom_score_adj 1000) is the one process killed */
    ISO_DOING(ctx, "touching 64 MiB under a 32 MiB limit");
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("alloc", "67108864", "1048576", "--wait"), &c);
    oom = counter(ctx, &c.r, CG_MEMORY, "memory.events", "oom");
    kills = counter(ctx, &c.r, CG_MEMORY, "memory.events", "oom_kill");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "worker_signal"), "9",
                      "the 64 MiB process was killed by SIGKILL");
    ISO_EXPECT_GE(ctx, oom, 1, "oom events: the limit was reached and a charge failed");
    ISO_EXPECT_EQ(ctx, kills, 1, "oom_kill events: exactly the one process killed");
}

ISO_CASE(oom_group_kills_all,
         "with memory.oom.group set, one OOM kills every process of the container, its init too",
         .detects = ISO_SAB_NO_OOM_GROUP | ISO_SAB_NO_MEMLIMIT | ISO_SAB_NO_CGROUP_JOIN,
         .needs = ISO_NEEDS_CGROUP)
{
    const struct cg_info *cg = &ctx->cfg->cg;
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_container c;
    long long group_kills;
    int procs = -1;

    REQUIRE_V2(ctx, "memory.oom.group");
    s.lim.memory = 32 * MiB;
    s.lim.oom_group = true;
    /* three sleepers, then (on go) a process that touches 64 MiB */
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("cg", "oom-group", "3", "67108864"), &c);
    ISO_EXPECT_OK(ctx, cg_count_procs(cg, c.r.cg_leaf, c.r.external, &procs, &err), &err);
    ISO_EXPECT_EQ(ctx, procs, 4, "processes in the container's cgroup: init and three sleepers");
    iso_release(&c, NULL);
    ISO_REQUIRE_OK(ctx, iso_finish(ctx, &c, &err), &err);
    /* how many oom_kill events a group kill adds varies (a task already
     * dying is counted or not); memory.events counts the group kill itself
     * since Linux 5.17 (oom_group_kill) */
    iso_diag(ctx, "oom_kill", "%lld", counter(ctx, &c.r, CG_MEMORY, "memory.events", "oom_kill"));
    group_kills = counter(ctx, &c.r, CG_MEMORY, "memory.events", "oom_group_kill");
    if (group_kills >= 0)
        ISO_EXPECT_GE(ctx, group_kills, 1, "memory.events oom_group_kill");
    ISO_EXPECT_EQ(ctx, iso_exit_signal(&c.r), SIGKILL, "the container's init died of SIGKILL");
    ISO_EXPECT_ABSENT(ctx, &c.r, "sleepers_alive", "init never lived to count its sleepers");
    ISO_EXPECT_OK(ctx, cg_wait_unpopulated(cg, c.r.cg_rel, c.r.external, 2000, &err), &err);
}

ISO_CASE(memory_high_throttles,
         "above memory.high a process is throttled (memory.events high) and completes, not killed",
         .detects = ISO_SAB_NO_MEMHIGH | ISO_SAB_HIGH_AS_MAX | ISO_SAB_NO_CGROUP_JOIN,
         .needs = ISO_NEEDS_CGROUP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    long long high, kills;

    REQUIRE_V2(ctx, "memory.high");
    s.lim.memory_high = 32 * MiB;
    s.lim.memory = 64 * MiB; /* a hard limit well above, so the case stays bounded */
    /* half a MiB past memory.high, in one step: every return to user space
     * above it is reclaimed for and delayed in proportion to the overage
     * squared (1 MiB past cost the 32 MiB case a second under emulation,
     * more takes seconds anywhere) */
    ISO_DOING(ctx, "touching 32.5 MiB above a 32 MiB memory.high");
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("alloc", "34078720", "524288", "--wait"), &c);
    high = counter(ctx, &c.r, CG_MEMORY, "memory.events", "high");
    kills = counter(ctx, &c.r, CG_MEMORY, "memory.events", "oom_kill");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    iso_diag(ctx, "worker_end", "%s%s", iso_get(&c.r, "worker_signal") ? "signal " : "exit ",
             iso_get(&c.r, "worker_signal") ?: iso_get(&c.r, "worker_exit") ?: "?");
    iso_diag(ctx, "last_touched_bytes", "%llu", last_touched(&c.r));
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "alloc"), "done",
                      "the allocation above memory.high completes");
    ISO_EXPECT_ABSENT(ctx, &c.r, "worker_signal", "the process was not killed");
    ISO_EXPECT_GT(ctx, high, 0, "memory.events high: times the container was throttled");
    ISO_EXPECT_EQ(ctx, kills, 0, "memory.events oom_kill");
}

ISO_CASE(pids_events_count_max,
         "pids.events counts the fork refused at pids.max, once, while the container lives",
         .detects = ISO_SAB_NO_PIDSLIMIT | ISO_SAB_NO_CGROUP_JOIN, .needs = ISO_NEEDS_CGROUP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    long long max;

    s.lim.pids = 8; /* pids.events is in v1's pids controller too */
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("cg", "fork", "16"), &c);
    max = counter(ctx, &c.r, CG_PIDS, "pids.events", "max");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "forked"), "7", "children forked beside the probe");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "fork_error"), "EAGAIN", "the next fork fails");
    ISO_EXPECT_EQ(ctx, max, 1, "pids.events max: the one refused fork");
}

ISO_CASE(kill_file_kills_all,
         "writing 1 to the container's cgroup.kill kills every process in it, its init too",
         .detects = ISO_SAB_NO_CGROUP_JOIN, .needs = ISO_NEEDS_CGROUP)
{
    const struct cg_info *cg = &ctx->cfg->cg;
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_container c;
    char path[PATH_MAX], why[256] = "";
    int procs = -1;

    REQUIRE_V2(ctx, "cgroup.kill");
    s.lim.own_cgroup = true;
    /* an undelegated cgroup first: its reason, not a missing file below it */
    if (!cg_usable(cg, cg_needed(&s.lim), why, sizeof(why)))
        ISO_SKIP_FOR(ctx, ISO_FEAT_CGROUP, "%s", why);
    cg_file(cg, CG_MEMORY, NULL, false, "cgroup.kill", path, sizeof(path));
    if (access(path, F_OK) < 0)
        ISO_SKIP_FOR(ctx, ISO_FEAT_CGROUP, "no %s: cgroup.kill is Linux 5.14 and later", path);
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("spawn", "3"), &c);
    ISO_EXPECT_OK(ctx, cg_count_procs(cg, c.r.cg_leaf, c.r.external, &procs, &err), &err);
    ISO_EXPECT_EQ(ctx, procs, 4, "processes in the container's cgroup: init and three sleepers");
    ISO_EXPECT_OK(ctx, cg_kill(cg, c.r.cg_leaf, c.r.external, &err), &err);
    ISO_EXPECT_OK(ctx, cg_wait_unpopulated(cg, c.r.cg_leaf, c.r.external, 2000, &err), &err);
    ISO_REQUIRE_OK(ctx, iso_finish(ctx, &c, &err), &err);
    ISO_EXPECT_EQ(ctx, iso_exit_signal(&c.r), SIGKILL, "the container's init died of SIGKILL");
}
