/* results.c - the shared result store and the verdict-word table. */
#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const char *const verdict_words[V_COUNT][VW_STYLES] = {
    /*            plain    markdown */
    [V_NONE] = { "-", "–" },       [V_OK] = { "ok", "ok" },       [V_FAIL] = { "FAIL", "**FAIL**" },
    [V_SKIP] = { "skip", "skip" }, [V_TODO] = { "TODO", "TODO" },
};

const char *verdict_word(enum iso_verdict v, enum verdict_style style)
{
    if ((unsigned)v >= V_COUNT || (unsigned)style >= VW_STYLES)
        return "?";
    return verdict_words[v][style];
}

bool verdict_fails(enum iso_verdict v) { return v == V_FAIL; }

/* aligned so the blocks after it are */
struct shared {
    _Alignas(16) int ready;
};

static size_t store_size(int nrt, int n)
{
    return sizeof(struct shared) + sizeof(struct res_block) * (size_t)nrt +
           sizeof(struct res_item) * (size_t)nrt * (size_t)n;
}

int results_alloc(struct iso_results *res, int nrt, int n, struct iso_err *err)
{
    char *p =
        mmap(NULL, store_size(nrt, n), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return iso_err_set(err, errno, "map the result store");
    res->nrt = nrt;
    res->n = n;
    res->ready = &((struct shared *)p)->ready;
    *res->ready = 0;
    res->blocks = (struct res_block *)(p + sizeof(struct shared));
    res->items = (struct res_item *)(res->blocks + nrt);
    return 0;
}

void results_free(struct iso_results *res)
{
    if (res->ready)
        munmap(res->ready, store_size(res->nrt, res->n));
    res->ready = NULL;
    res->blocks = NULL;
    res->items = NULL;
}

bool results_block_failed(const struct iso_results *res, int r)
{
    if (res->blocks[r].state == BLOCK_FAIL)
        return true;
    for (int k = 0; k < res->n; k++)
        if (verdict_fails(results_item(res, r, k)->verdict))
            return true;
    return results_block_leak(res, r) >= 0;
}

size_t results_leak_point(const struct iso_results *res, int r, char *name, size_t nsize,
                          char *diag, size_t dsize)
{
    struct iso_outcome *o = calloc(1, sizeof(*o));
    int first = results_block_leak(res, r), cases = 0, more = 0;
    char key[300], msg[64];
    size_t len;

    snprintf(name, nsize, "leak.%s", first < 0 ? "none" : res->cases[first]);
    if (first < 0 || !o) {
        free(o);
        return 0;
    }
    for (int k = first; k < res->n; k++)
        cases += results_item(res, r, k)->nleak > 0;
    snprintf(msg, sizeof(msg), "%d case(s) left objects outside their namespaces", cases);
    results_add_diag(o, "message", msg);
    for (int k = first; k < res->n; k++) {
        const struct res_item *it = results_item(res, r, k);
        bool again = false;
        if (it->nleak == 0)
            continue;
        /* room kept for the count of those left out and the runtime */
        if (o->diag_len + sizeof(key) + strlen(it->leak) + 2 > sizeof(o->diag) - 256) {
            more++;
            continue;
        }
        for (int j = 0; j < k && !again; j++) /* --repeat: the same case again */
            again = results_item(res, r, j)->nleak > 0 && strcmp(res->cases[j], res->cases[k]) == 0;
        if (again)
            snprintf(key, sizeof(key), "leak.%s@%d", res->cases[k], k + 1);
        else
            snprintf(key, sizeof(key), "leak.%s", res->cases[k]);
        results_add_diag(o, key, it->leak);
    }
    if (more) {
        snprintf(msg, sizeof(msg), "%d more case(s), not listed", more);
        results_add_diag(o, "leak_more", msg);
    }
    results_add_diag(o, "runtime", res->runtimes[r]);
    /* a leak is never "ok": the point's diagnostics are never empty */
    len = o->diag_len <= dsize ? o->diag_len : dsize;
    memcpy(diag, o->diag, len);
    free(o);
    return len;
}

int results_block_leak(const struct iso_results *res, int r)
{
    for (int k = 0; k < res->n; k++)
        if (results_item(res, r, k)->nleak > 0)
            return k;
    return -1;
}

void results_add_diag(struct iso_outcome *o, const char *key, const char *val)
{
    size_t k = strlen(key) + 1, v = strlen(val) + 1;

    if (o->diag_len + k + v > sizeof(o->diag))
        return;
    memcpy(o->diag + o->diag_len, key, k);
    memcpy(o->diag + o->diag_len + k, val, v);
    o->diag_len += k + v;
}

bool results_diag_next(const char *diag, size_t len, size_t *off, const char **key,
                       const char **val)
{
    size_t k = *off, v;

    if (k >= len)
        return false;
    v = k + strnlen(diag + k, len - k) + 1;
    if (v >= len)
        return false;
    *key = diag + k;
    *val = diag + v;
    *off = v + strnlen(diag + v, len - v) + 1;
    return true;
}

const char *results_diag_get(const char *diag, size_t len, const char *key)
{
    const char *k, *v;
    size_t off = 0;

    while (results_diag_next(diag, len, &off, &k, &v))
        if (strcmp(k, key) == 0)
            return v;
    return NULL;
}
