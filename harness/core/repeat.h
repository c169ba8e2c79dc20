/* repeat.h - the flake table of a run with --repeat N: the cases that
 * both passed and failed on one runtime, with how often each. */
#ifndef ISO_REPEAT_H
#define ISO_REPEAT_H

#include "results.h"

struct flake {
    int r;            /* runtime block */
    const char *name; /* case name, as in res->cases */
    int passed;       /* V_OK */
    int failed;       /* V_FAIL, and V_TODO: a known difference that only sometimes shows */
    int skipped;
};

/* Count each case's verdicts per runtime over the repeated selection (the
 * same case name may appear many times in a block); the ones that both
 * passed and failed go to out (at most max, in block and first-seen
 * order). Returns how many there are in all. */
int flake_table(const struct iso_results *res, struct flake *out, int max);

/* The table as text lines, a header first: line(arg, text) each. */
void flake_lines(const struct iso_results *res, const struct flake *f, int n, int repeat,
                 void (*line)(void *arg, const char *text), void *arg);

#endif
