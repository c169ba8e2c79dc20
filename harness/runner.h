/* runner.h - runs the selected cases inside the lab and writes TAP. */
#ifndef ISO_RUNNER_H
#define ISO_RUNNER_H

#include "config.h"
#include "tap.h"

struct runner_args {
    const struct iso_config *cfg;
    const int *sel; /* registry indexes */
    int n;
    struct tap_writer *tap;
};

/* The lab's PID 1: fork a process per case (--jobs at once), kill a case's
 * process group at its timeout, reap every orphan, print results in
 * selection order. Returns 0 when all passed or skipped, 1 otherwise. */
int runner_main(void *args);

#endif
