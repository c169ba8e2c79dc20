/* bench.h - spawn-to-report latency, measured inside the lab. */
#ifndef ISO_BENCH_H
#define ISO_BENCH_H

#include "config.h"

struct iso_runtime;

struct bench_args {
    const struct iso_config *cfg;
    int rounds;
    const struct iso_runtime *const *rts; /* external runtimes to compare, may be 0 */
    int nrt;
};

/* Runs in the lab: prints median and p95 spawn-to-report latency of the
 * built-in runtime, of a bare clone+pivot_root+exec floor and of
 * unshare(1), all running the probe's "pid" command. */
int bench_main(void *args);

#endif
