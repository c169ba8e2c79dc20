/* runner.h - runs the selected cases on each selected runtime inside the
 * lab and writes TAP. */
#ifndef ISO_RUNNER_H
#define ISO_RUNNER_H

#include "config.h"
#include "known.h"
#include "runtime.h"
#include "tap.h"

enum verdict { V_NONE, V_OK, V_FAIL, V_SKIP, V_TODO };

struct runner_args {
    const struct iso_config *cfg;
    const int *sel; /* registry indexes */
    int n;
    const struct iso_runtime *const *rts; /* runtime blocks, in order */
    const char *const *versions;          /* each runtime's version, or NULL */
    int nrt;
    const struct known *known;
    int nknown;
    struct tap_writer *tap;
    enum verdict *verdicts; /* n * nrt, shared with the parent for --matrix */
};

/* The lab's PID 1: preflight each runtime, fork a process per case (--jobs
 * at once), kill a case's process group at its timeout, reap every orphan,
 * print the plan and the results in order. Returns 0 when nothing failed
 * (TODO and SKIP do not fail), 1 otherwise. */
int runner_main(void *args);

#endif
