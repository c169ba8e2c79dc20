/* time.c - time namespaces: CLOCK_MONOTONIC and CLOCK_BOOTTIME run ahead
 * of the lab's by the offsets written before the first process, the wall
 * clock is shared, the offsets freeze once a process is in, and children
 * inherit the namespace. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ISO_FAMILY "time"
#include "case.h"

/* Different offsets, so that swapping the two clocks shows. */
#define MONOTONIC_S (3LL * 86400)
#define BOOTTIME_S (40LL * 86400)
#define NS 1000000000LL

static struct iso_spec time_spec(struct iso_ctx *ctx)
{
    struct iso_spec s = iso_spec_default(ctx);
    spec_time_offsets(&s, (struct iso_clock_offset){ MONOTONIC_S, 0 },
                      (struct iso_clock_offset){ BOOTTIME_S, 0 });
    return s;
}

struct lab_clocks {
    long long monotonic, boottime, realtime;
};

static struct lab_clocks lab_clocks(void)
{
    struct timespec m, b, r;

    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_BOOTTIME, &b);
    clock_gettime(CLOCK_REALTIME, &r);
    return (struct lab_clocks){ m.tv_sec * NS + m.tv_nsec, b.tv_sec * NS + b.tv_nsec,
                                r.tv_sec * NS + r.tv_nsec };
}

static long long report_ll(const struct iso_result *r, const char *key)
{
    const char *v = iso_get(r, key);
    return v ? strtoll(v, NULL, 10) : -1;
}

/* The tolerance is the container's whole run: the lab reads its clocks
 * before the container starts and after it ends, and what the probe read
 * minus the offset lies between the two. */
#define EXPECT_CLOCK(ctx, r, key, offset, lo, hi)                                                  \
    do {                                                                                           \
        long long inside_ = report_ll(r, key) - (offset);                                          \
        ISO_EXPECT_GE(ctx, inside_, lo, key " minus the offset is not before the lab's at start"); \
        ISO_EXPECT_LE(ctx, inside_, hi, key " minus the offset is not after the lab's at end");    \
    } while (0)

ISO_CASE(clocks_run_ahead_by_offsets,
         "CLOCK_MONOTONIC and CLOCK_BOOTTIME inside are the lab's plus the offsets; CLOCK_REALTIME "
         "is the lab's",
         .detects = ISO_SAB_NO_TIMENS)
{
    struct iso_spec s = time_spec(ctx);
    struct lab_clocks before, after;
    struct iso_result r;

    before = lab_clocks();
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("clocks"), &r);
    after = lab_clocks();
    EXPECT_CLOCK(ctx, &r, "monotonic_ns", MONOTONIC_S * NS, before.monotonic, after.monotonic);
    EXPECT_CLOCK(ctx, &r, "boottime_ns", BOOTTIME_S * NS, before.boottime, after.boottime);
    EXPECT_CLOCK(ctx, &r, "realtime_ns", 0, before.realtime, after.realtime);
}

ISO_CASE(offsets_frozen_once_joined,
         "the container's time namespace is its own and its offsets cannot be changed once a "
         "process is in it (EACCES)",
         .detects = ISO_SAB_NO_TIMENS)
{
    struct iso_spec s = time_spec(ctx);
    struct lab_clocks before, after;
    struct iso_container c;
    char path[64], ns[64] = "", lab_ns[64] = "";
    const char *wrote;

    before = lab_clocks();
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("clocks", "--wait"), &c);
    snprintf(path, sizeof(path), "/proc/%d/ns/time", c.r.pid);
    ISO_EXPECT_SYS_PATH(ctx, readlink(path, ns, sizeof(ns) - 1), path, "the lab reads the init's");
    ISO_EXPECT_SYS(ctx, readlink("/proc/self/ns/time", lab_ns, sizeof(lab_ns) - 1), "and its own");
    ISO_EXPECT_NE_STR(ctx, ns, lab_ns, "the container's time namespace is not the lab's");
    snprintf(path, sizeof(path), "/proc/%d/timens_offsets", c.r.pid);
    wrote = write_file(path, "monotonic 1 0\n") == 0 ? "written" : strerrorname_np(errno);
    ISO_EXPECT_EQ_STR(ctx, wrote, "EACCES", "new offsets for a namespace with a process in it");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    after = lab_clocks();
    EXPECT_CLOCK(ctx, &c.r, "monotonic_ns", MONOTONIC_S * NS, before.monotonic, after.monotonic);
}

ISO_CASE(child_inherits_namespace,
         "a child of the container's process is in the same time namespace, with the same offsets",
         .detects = ISO_SAB_NO_TIMENS)
{
    struct iso_spec s = time_spec(ctx);
    struct lab_clocks before, after;
    struct iso_result r;

    before = lab_clocks();
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("clocks"), &r);
    after = lab_clocks();
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "child_timens"), iso_get(&r, "timens"),
                      "the child's time namespace is its parent's");
    EXPECT_CLOCK(ctx, &r, "child_monotonic_ns", MONOTONIC_S * NS, before.monotonic,
                 after.monotonic);
    EXPECT_CLOCK(ctx, &r, "child_boottime_ns", BOOTTIME_S * NS, before.boottime, after.boottime);
}
