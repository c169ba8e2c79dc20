/* runner.h - runs the selected cases on each selected runtime inside the
 * lab and reports every result to the outputs. */
#ifndef ISO_RUNNER_H
#define ISO_RUNNER_H

#include "config.h"
#include "known.h"
#include "runtime.h"
#include "sink.h"

struct runner_args {
    const struct iso_config *cfg;
    const int *sel; /* registry indexes */
    int n;
    const struct iso_runtime *const *rts; /* runtime blocks, in order */
    const char *const *versions;          /* each runtime's version, or NULL */
    int nrt;
    const struct known *known;
    int nknown;
    const struct sink_list *sinks;
    struct iso_results *res; /* shared with main, which reads it after the lab */
};

/* The lab's PID 1: preflight each runtime, fork a process per case (--jobs
 * at once), kill a case's process group at its timeout, reap every orphan,
 * settle each verdict into the store and report it to the streaming
 * outputs in order. Returns 0 when nothing failed (TODO and SKIP do not
 * fail), 1 otherwise. */
int runner_main(void *args);

#endif
