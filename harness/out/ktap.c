/* ktap.c - the results as KTAP version 1 (--ktap FILE), the kernel's test
 * format (Documentation/dev-tools/ktap.rst) that KernelCI and the
 * kselftest runner read:
 *
 *   KTAP version 1
 *   1..F                        one test per family (one per runtime when
 *   # NOTE                      several ran, the families nested in each)
 *     KTAP version 1            a subtest: indented two spaces, its own
 *     # Subtest: pid            version line and plan
 *     1..N
 *     ok 1 init_is_pid1         the case's name within its family
 *     # message: ...            a failed case: its diagnostics, then
 *     not ok 2 orphan_adopted   "not ok" (# TIMEOUT when it timed out)
 *     ok 3 x # SKIP WHY         a skip and its reason
 *     ok 4 y # XFAIL WHY        a reviewed known difference (TAP's TODO)
 *   not ok 1 pid                a family fails when one of its cases does
 *     ...                       a block that ran to its end closes with
 *   ok 5 leak                   the subtest "leak": one result, "none" or
 *                               the first case that left objects behind
 *   # Totals: pass:P fail:F xfail:X xpass:0 skip:S error:E
 *
 * A runtime block whose preflight did not pass is one line, as in TAP. A
 * run that bailed out ends with "not ok N isocheck # ERROR Bail out! WHY";
 * an interrupted family is "not ok ... # ERROR interrupted". Descriptions
 * cannot hold '#' in KTAP: it becomes '_'. Written at the end of the run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"
#include "tap.h"

struct ktap_sink {
    struct iso_sink base;
    FILE *f;
    bool own;
    char *notes; /* "note\0note\0..." */
    size_t notes_len;
    FILE *nf;
    int *done;    /* per block: results heard (-1: block never started) */
    bool planned; /* the plan was heard */
    char bail[512];
    int pass, fail, xfail, skip, error;
};

/* Text on one line: newlines and tabs become spaces, other control bytes
 * and bytes that are not UTF-8 \xNN; in a description (desc) '#' becomes
 * '_'. */
static void put_text(FILE *f, const char *s, size_t len, bool desc)
{
    for (size_t i = 0, n; i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\r' || c == '\t')
            fputc(' ', f);
        else if (c == '#' && desc)
            fputc('_', f);
        else if (c >= 0x20 && c != 0x7f &&
                 (n = c < 0x80 ? 1 : utf8_len((const unsigned char *)s + i, len - i)) > 0) {
            fwrite(s + i, 1, n, f);
            i += n - 1;
        } else {
            fprintf(f, "\\x%02x", c); /* a control byte, or not UTF-8 */
        }
    }
}

static void indent(FILE *f, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", f);
}

/* "# key: value" lines for packed diagnostics; a value's further lines
 * follow as "#   line". */
static void put_diag(FILE *f, int depth, const char *diag, size_t len)
{
    const char *key, *val;

    for (size_t off = 0; results_diag_next(diag, len, &off, &key, &val);) {
        indent(f, depth);
        fputs("# ", f);
        put_text(f, key, strlen(key), false);
        fputs(":", f);
        for (const char *line = val; line;) {
            const char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            fputc(' ', f);
            put_text(f, line, n, false);
            fputc('\n', f);
            line = nl ? nl + 1 : NULL;
            if (line) {
                indent(f, depth);
                fputs("#  ", f);
            }
        }
    }
}

/* One result line: "ok N desc # DIRECTIVE why". */
static void put_result(FILE *f, int depth, bool ok, int num, const char *desc, size_t desc_len,
                       const char *directive, const char *why)
{
    indent(f, depth);
    fprintf(f, "%s %d ", ok ? "ok" : "not ok", num);
    put_text(f, desc, desc_len, true);
    if (directive) {
        fprintf(f, " # %s", directive);
        if (why && why[0]) {
            fputc(' ', f);
            put_text(f, why, strlen(why), false);
        }
    }
    fputc('\n', f);
}

/* The family of a case name: the part before its first '.'. */
static size_t family_len(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

static bool same_family(const char *a, const char *b)
{
    size_t n = family_len(a);
    return n == family_len(b) && strncmp(a, b, n) == 0;
}

/* Is case k the first of its family in the run's order? */
static bool first_of_family(const struct iso_results *res, int k)
{
    for (int j = 0; j < k; j++)
        if (same_family(res->cases[j], res->cases[k]))
            return false;
    return true;
}

static int count_families(const struct iso_results *res, int upto)
{
    int n = 0;
    for (int k = 0; k < upto; k++)
        n += first_of_family(res, k);
    return n;
}

/* The family of case k as one subtest at depth, numbered num among its
 * siblings; only the first done cases of the block were heard. */
static void put_family(struct ktap_sink *t, const struct iso_results *res, int r, int k, int done,
                       int depth, int num)
{
    FILE *f = t->f;
    int planned = 0, heard = 0, skipped = 0, i = 0;
    bool failed = false;
    size_t flen = family_len(res->cases[k]);

    for (int j = k; j < res->n; j++)
        if (same_family(res->cases[j], res->cases[k])) {
            planned++;
            heard += j < done;
        }
    indent(f, depth + 1);
    fputs("KTAP version 1\n", f);
    indent(f, depth + 1);
    fputs("# Subtest: ", f);
    put_text(f, res->cases[k], flen, true);
    fputc('\n', f);
    indent(f, depth + 1);
    fprintf(f, "1..%d\n", heard);
    for (int j = k; j < done; j++) {
        const struct res_item *it = results_item(res, r, j);
        const char *name = res->cases[j], *dir = NULL, *why = NULL;
        size_t off;
        if (!same_family(name, res->cases[k]))
            continue;
        off = name[flen] == '.' ? flen + 1 : 0;
        switch (it->verdict) {
        case V_OK: t->pass++; break;
        case V_SKIP:
            t->skip++, skipped++;
            dir = "SKIP", why = it->out.reason;
            break;
        case V_TODO:
            t->xfail++;
            dir = "XFAIL", why = it->todo;
            put_diag(f, depth + 1, it->out.diag, it->out.diag_len);
            break;
        default:
            t->fail++, failed = true;
            dir = it->timed_out ? "TIMEOUT" : NULL;
            put_diag(f, depth + 1, it->out.diag, it->out.diag_len);
            break;
        }
        put_result(f, depth + 1, it->verdict != V_FAIL && it->verdict != V_NONE, ++i, name + off,
                   strlen(name + off), dir, why);
    }
    if (heard < planned) {
        char why[64];
        snprintf(why, sizeof(why), "interrupted after %d of %d cases", heard, planned);
        t->error++;
        put_result(f, depth, false, num, res->cases[k], flen, "ERROR", why);
        return;
    }
    put_result(f, depth, !failed, num, res->cases[k], flen,
               !failed && skipped == planned ? "SKIP" : NULL,
               !failed && skipped == planned ? "every case skipped" : NULL);
}

/* Did block r run to its end? Then it closes with its leak check, as in
 * TAP (leak.h); an interrupted block has none. */
static bool leak_checked(const struct ktap_sink *t, const struct iso_results *res, int r)
{
    if (res->blocks[r].state != BLOCK_OK || t->done[r] != res->n)
        return false;
    for (int k = 0; k < res->n; k++)
        if (results_item(res, r, k)->verdict == V_NONE)
            return false;
    return true;
}

/* The leak check of block r: the subtest "leak" with one result, "none"
 * or the first case that left objects behind (the diagnostics list every
 * such case), numbered num at depth. */
static void put_leak(struct ktap_sink *t, const struct iso_results *res, int r, int depth, int num)
{
    static char diag[sizeof(((struct iso_outcome *)0)->diag)];
    char name[300];
    size_t len = results_leak_point(res, r, name, sizeof(name), diag, sizeof(diag));
    const char *leaf = strncmp(name, "leak.", 5) == 0 ? name + 5 : name;

    indent(t->f, depth + 1);
    fputs("KTAP version 1\n", t->f);
    indent(t->f, depth + 1);
    fputs("# Subtest: leak\n", t->f);
    indent(t->f, depth + 1);
    fputs("1..1\n", t->f);
    if (len) {
        put_diag(t->f, depth + 1, diag, len);
        t->fail++;
    } else {
        t->pass++;
    }
    put_result(t->f, depth + 1, len == 0, 1, leaf, strlen(leaf), NULL, NULL);
    put_result(t->f, depth, len == 0, num, "leak", 4, NULL, NULL);
}

/* The families of block r at depth; returns how many were written. */
static int put_families(struct ktap_sink *t, const struct iso_results *res, int r, int depth)
{
    int done = t->done[r], num = 0;

    for (int k = 0; k < done; k++)
        if (first_of_family(res, k))
            put_family(t, res, r, k, done, depth, ++num);
    return num;
}

/* A runtime block whose preflight did not pass: one line. */
static void put_block_line(struct ktap_sink *t, const struct iso_results *res, int r, int depth,
                           int num)
{
    const struct res_block *b = &res->blocks[r];
    const char *name = res->runtimes[r];

    if (b->state == BLOCK_SKIP) {
        t->skip++;
        put_result(t->f, depth, true, num, name, strlen(name), "SKIP", b->why.reason);
        return;
    }
    t->fail++;
    put_diag(t->f, depth, b->why.diag, b->why.diag_len);
    put_result(t->f, depth, false, num, name, strlen(name), NULL, NULL);
}

/* How many blocks were started; each is one top-level test with several
 * runtimes. */
static int blocks_started(const struct ktap_sink *t, const struct iso_results *res)
{
    int n = 0;
    while (n < res->nrt && t->done[n] >= 0)
        n++;
    return n;
}

static void put_notes(struct ktap_sink *t)
{
    fflush(t->nf);
    for (size_t off = 0; t->notes && off < t->notes_len;) {
        const char *note = t->notes + off;
        for (const char *line = note; line;) {
            const char *nl = strchr(line, '\n');
            fputs("# ", t->f);
            put_text(t->f, line, nl ? (size_t)(nl - line) : strlen(line), false);
            fputc('\n', t->f);
            line = nl ? nl + 1 : NULL;
        }
        off += strlen(note) + 1;
    }
}

static void put_document(struct ktap_sink *t, const struct iso_results *res)
{
    bool several = res->nrt > 1;
    int nblocks = t->planned ? blocks_started(t, res) : 0, top = 0;
    /* one runtime that ran: its families at the top; else its blocks */
    int planned = !several && nblocks == 1 && res->blocks[0].state == BLOCK_OK
                      ? count_families(res, t->done[0]) + leak_checked(t, res, 0)
                      : nblocks;

    fputs("KTAP version 1\n", t->f);
    fprintf(t->f, "1..%d\n", planned + (t->bail[0] ? 1 : 0));
    put_notes(t);
    for (int r = 0; r < nblocks; r++) {
        if (res->blocks[r].state != BLOCK_OK) {
            put_block_line(t, res, r, 0, ++top);
            continue;
        }
        if (!several) {
            top += put_families(t, res, r, 0);
            if (leak_checked(t, res, r))
                put_leak(t, res, r, 0, ++top);
            continue;
        }
        indent(t->f, 1);
        fputs("KTAP version 1\n", t->f);
        indent(t->f, 1);
        fprintf(t->f, "# Subtest: %s\n", res->runtimes[r]);
        if (res->versions[r]) {
            indent(t->f, 1);
            fputs("# version: ", t->f);
            put_text(t->f, res->versions[r], strlen(res->versions[r]), false);
            fputc('\n', t->f);
        }
        indent(t->f, 1);
        fprintf(t->f, "1..%d\n", count_families(res, t->done[r]) + leak_checked(t, res, r));
        if (leak_checked(t, res, r))
            put_leak(t, res, r, 1, put_families(t, res, r, 1) + 1);
        else
            put_families(t, res, r, 1);
        put_result(t->f, 0, !results_block_failed(res, r) && t->done[r] == res->n, ++top,
                   res->runtimes[r], strlen(res->runtimes[r]),
                   t->done[r] == res->n ? NULL : "ERROR",
                   t->done[r] == res->n ? NULL : "interrupted");
    }
    if (t->bail[0]) {
        char why[600];
        snprintf(why, sizeof(why), "Bail out! %s", t->bail);
        t->error++;
        put_result(t->f, 0, false, ++top, "isocheck", 8, "ERROR", why);
    }
    fprintf(t->f, "# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d error:%d\n", t->pass, t->fail,
            t->xfail, t->skip, t->error);
}

static void ktap_note(struct iso_sink *s, const char *text)
{
    struct ktap_sink *t = (struct ktap_sink *)s;
    fwrite(text, 1, strlen(text) + 1, t->nf);
}

static void ktap_plan(struct iso_sink *s, const struct iso_results *res)
{
    struct ktap_sink *t = (struct ktap_sink *)s;

    free(t->done);
    t->done = malloc(sizeof(int) * (size_t)(res->nrt ? res->nrt : 1));
    for (int r = 0; t->done && r < res->nrt; r++)
        t->done[r] = -1;
    t->planned = t->done != NULL;
}

static void ktap_block_start(struct iso_sink *s, const struct iso_results *res, int r)
{
    struct ktap_sink *t = (struct ktap_sink *)s;
    (void)res;
    if (t->planned)
        t->done[r] = 0;
}

static void ktap_result(struct iso_sink *s, const struct iso_results *res, int r, int k)
{
    struct ktap_sink *t = (struct ktap_sink *)s;
    (void)res;
    if (t->planned && t->done[r] == k) /* results come in order */
        t->done[r] = k + 1;
}

static void ktap_bail(struct iso_sink *s, const char *reason)
{
    struct ktap_sink *t = (struct ktap_sink *)s;
    snprintf(t->bail, sizeof(t->bail), "%s", reason);
}

static int ktap_finish(struct iso_sink *s, const struct iso_results *res, struct iso_err *err)
{
    struct ktap_sink *t = (struct ktap_sink *)s;

    put_document(t, res);
    if (fflush(t->f) != 0 || ferror(t->f))
        return iso_err_set(err, errno, "write the KTAP report");
    return 0;
}

static void ktap_destroy(struct iso_sink *s)
{
    struct ktap_sink *t = (struct ktap_sink *)s;

    if (t->nf)
        fclose(t->nf);
    free(t->notes);
    free(t->done);
    if (t->own)
        fclose(t->f);
    free(t);
}

static const struct iso_sink_ops ktap_ops = {
    .note = ktap_note,
    .plan = ktap_plan,
    .block_start = ktap_block_start,
    .result = ktap_result,
    .finish = ktap_finish,
    .bail = ktap_bail,
    .destroy = ktap_destroy,
};

struct iso_sink *ktap_sink_open(const struct sink_opts *o, struct iso_err *err)
{
    struct ktap_sink *t = calloc(1, sizeof(*t));

    if (!t) {
        iso_err_set(err, errno, "allocate the KTAP writer");
        return NULL;
    }
    t->base = (struct iso_sink){ &ktap_ops, false };
    t->nf = open_memstream(&t->notes, &t->notes_len);
    t->f = o->f;
    if (!t->f) {
        t->f = fopen(o->path, "we");
        t->own = true;
    }
    if (!t->f || !t->nf) {
        iso_err_set(err, errno, "open \"%s\"", o->path ? o->path : "");
        t->own = t->own && t->f;
        ktap_destroy(&t->base);
        return NULL;
    }
    return &t->base;
}
