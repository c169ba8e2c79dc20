/* cgroup.c - resource isolation through cgroups (v1 or v2): OOM kill at the
 * memory limit, pids.max, the cgroup namespace, CPU quota. */
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
         .detects = ISO_SAB_NO_MEMLIMIT, .needs = ISO_NEEDS_CGROUP)
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
         .detects = ISO_SAB_NO_PIDSLIMIT, .needs = ISO_NEEDS_CGROUP)
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
         .detects = ISO_SAB_NO_CGROUPNS, .needs = ISO_NEEDS_CGROUP)
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

ISO_CASE(cpu_quota_throttles, "a busy loop under a 10% CPU quota is throttled",
         .detects = ISO_SAB_NO_CPULIMIT, .needs = ISO_NEEDS_CGROUP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_container c;
    long long throttled = -1;

    s.lim.cpu_quota_us = 10000;
    s.lim.cpu_period_us = 100000;
    /* read while the probe still lives: throttling is counted per cgroup,
     * and a runtime removes its cgroup with the container */
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("spin", "250", "--wait"), &c);
    if (iso_cg_counter(ctx, &c.r, CG_CPU, "cpu.stat", "nr_throttled", &throttled, &err) < 0)
        ISO_FAIL(ctx, "the container's cpu.stat could not be read", "%s", err.msg);
    else
        ISO_EXPECT_GT(ctx, throttled, 0, "periods in which the container was throttled");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}
