/* repeat.c - the flake table (see repeat.h). */
#include "repeat.h"

#include <stdio.h>
#include <string.h>

/* Has block r an item before k with the same case name? */
static bool seen_before(const struct iso_results *res, int k)
{
    for (int j = 0; j < k; j++)
        if (strcmp(res->cases[j], res->cases[k]) == 0)
            return true;
    return false;
}

int flake_table(const struct iso_results *res, struct flake *out, int max)
{
    int count = 0;

    for (int r = 0; r < res->nrt; r++)
        for (int k = 0; k < res->n; k++) {
            struct flake f = { r, res->cases[k], 0, 0, 0 };
            if (seen_before(res, k))
                continue;
            for (int j = k; j < res->n; j++) {
                enum iso_verdict v = results_item(res, r, j)->verdict;
                if (strcmp(res->cases[j], res->cases[k]) != 0)
                    continue;
                f.passed += v == V_OK;
                f.failed += v == V_FAIL || v == V_TODO;
                f.skipped += v == V_SKIP;
            }
            if (f.passed == 0 || f.failed == 0)
                continue;
            if (count < max)
                out[count] = f;
            count++;
        }
    return count;
}

void flake_lines(const struct iso_results *res, const struct flake *f, int n, int repeat,
                 void (*line)(void *arg, const char *text), void *arg)
{
    char text[512];

    if (n == 0) {
        snprintf(text, sizeof(text), "flakes: no case both passed and failed in %d runs", repeat);
        line(arg, text);
        return;
    }
    snprintf(text, sizeof(text), "flakes: %d case(s) both passed and failed in %d runs", n, repeat);
    line(arg, text);
    snprintf(text, sizeof(text), "%-10s %-48s %6s %6s %6s", "runtime", "case", "passed", "failed",
             "skip");
    line(arg, text);
    for (int i = 0; i < n; i++) {
        snprintf(text, sizeof(text), "%-10s %-48s %6d %6d %6d", res->runtimes[f[i].r], f[i].name,
                 f[i].passed, f[i].failed, f[i].skipped);
        line(arg, text);
    }
}
