/* results.h - what one run found, in a form every output reads: the
 * verdict of each (runtime, case) item, each runtime block's preflight,
 * and one table of verdict words.
 *
 * The store is a MAP_SHARED mapping made by main before the lab is cloned:
 * case processes write their outcome into it, the runner (the lab's PID 1)
 * settles each verdict, and main still reads it after the lab is gone. */
#ifndef ISO_RESULTS_H
#define ISO_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"

enum iso_verdict { V_NONE, V_OK, V_FAIL, V_SKIP, V_TODO, V_COUNT };

/* The one verdict-word table; each output picks its column. */
enum verdict_style {
    VW_PLAIN,    /* TAP comment matrix */
    VW_MARKDOWN, /* Markdown matrix */
    VW_STYLES,
};
const char *verdict_word(enum iso_verdict v, enum verdict_style style);
/* Does this verdict make the run fail (exit 1)? Only V_FAIL does. */
bool verdict_fails(enum iso_verdict v);

enum block_state { BLOCK_OK, BLOCK_SKIP, BLOCK_FAIL };

struct res_block {          /* one runtime */
    enum block_state state; /* its preflight */
    struct iso_outcome why; /* SKIP: why.reason; FAIL: why.diag */
};

struct res_item {             /* one case on one runtime */
    struct iso_outcome out;   /* written by the case process */
    enum iso_verdict verdict; /* V_NONE until the runner settles it */
    double ms;
    bool timed_out;
    char todo[256]; /* reviewed known difference, for V_TODO */
    int nleak;      /* objects the case left outside its namespaces (leak.h) */
    char leak[1024];
};

struct iso_results {
    /* the run's shape: set by main, read-only after */
    int nrt, n;                  /* runtime blocks, cases per block */
    const char *const *runtimes; /* nrt names */
    const char *const *versions; /* nrt versions, each may be NULL */
    const char *const *cases;    /* n case names */
    /* shared, written during the run */
    int *ready;               /* set once every block's preflight is done */
    struct res_block *blocks; /* nrt */
    struct res_item *items;   /* nrt * n, runtime-major */
};

/* Map the shared store; returns -1 with err. */
int results_alloc(struct iso_results *res, int nrt, int n, struct iso_err *err);
void results_free(struct iso_results *res);

static inline struct res_item *results_item(const struct iso_results *res, int r, int k)
{
    return &res->items[r * res->n + k];
}
/* Did any result of block r fail (its preflight and its leak check included)? */
bool results_block_failed(const struct iso_results *res, int r);
/* The first case of block r that left something behind, -1 when none did. */
int results_block_leak(const struct iso_results *res, int r);
/* Block r's leak check as one more result of the block: its name,
 * "leak.none" or "leak.CASE" after the first case that left something, and
 * then packed diagnostics (a message, "leak.CASE" with the objects of each
 * such case, "leak.CASE@N" for the Nth item of a repeated case, the
 * runtime). Returns the diagnostics' length: 0 when the check passed. */
size_t results_leak_point(const struct iso_results *res, int r, char *name, size_t nsize,
                          char *diag, size_t dsize);
/* Add a key/value to an outcome's packed diagnostics (dropped when full). */
void results_add_diag(struct iso_outcome *o, const char *key, const char *val);
/* The packed diagnostics one pair at a time: the pair at *off, then *off
 * past it; false at the end (or at a key without its value). */
bool results_diag_next(const char *diag, size_t len, size_t *off, const char **key,
                       const char **val);
/* The value of key in packed diagnostics, NULL when absent. */
const char *results_diag_get(const char *diag, size_t len, const char *key);

#endif
