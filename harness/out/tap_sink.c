/* tap_sink.c - the run as TAP: one stream on stdout, written live by the
 * runner. TAP 13 names items "runtime/case" when several runtimes run;
 * TAP 14 makes each runtime block a subtest. A block whose preflight did
 * not pass is one line; a block that ran ends with one more point, its leak
 * check: "ok - leak.none" when no case left anything outside its
 * namespaces, else "not ok - leak.CASE" naming the first case that did,
 * with every such case and its objects in the YAML block (a point for each
 * leaking case would make the plan depend on the outcome). With several
 * runtimes the case x runtime matrix follows as comments. */
#include "sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct tap_sink {
    struct iso_sink base;
    struct tap_writer w;
    int top; /* next top-level number when blocks are subtests */
};

static bool nested(const struct tap_sink *t, const struct iso_results *res)
{
    return res->nrt > 1 && t->w.version >= 14;
}

static void tap_sink_note(struct iso_sink *s, const char *text)
{
    tap_comment(&((struct tap_sink *)s)->w, "%s", text);
}

static void tap_sink_plan(struct iso_sink *s, const struct iso_results *res)
{
    struct tap_sink *t = (struct tap_sink *)s;
    int planned = 0;

    for (int r = 0; r < res->nrt; r++)
        planned += nested(t, res) || res->blocks[r].state != BLOCK_OK ? 1 : res->n + 1;
    t->top = 1;
    tap_plan(&t->w, planned);
}

/* A passing case's "refused" diagnostics (a runtime that refused a
 * hostile image, with its message) as comments after its line. */
static void emit_refusals(struct tap_sink *t, const char *diag, size_t len)
{
    size_t off = 0;

    while (off < len) {
        const char *key = diag + off, *val;
        off += strnlen(key, len - off) + 1;
        if (off >= len)
            break;
        val = diag + off;
        off += strnlen(val, len - off) + 1;
        if (strcmp(key, "refused") == 0)
            tap_comment(&t->w, "refused: %s", val);
    }
}

/* A line at the top level, numbered among the blocks. */
static void emit_top(struct tap_sink *t, const struct iso_results *res,
                     const struct tap_result *line)
{
    if (nested(t, res)) {
        t->w.indent = 0;
        t->w.count = t->top++ - 1;
    }
    tap_emit(&t->w, line);
}

static void tap_sink_block_start(struct iso_sink *s, const struct iso_results *res, int r)
{
    struct tap_sink *t = (struct tap_sink *)s;
    const struct res_block *b = &res->blocks[r];
    struct tap_result line = { .name = res->runtimes[r] };

    if (b->state == BLOCK_OK) {
        if (nested(t, res)) {
            tap_comment(&t->w, "Subtest: %s", res->runtimes[r]);
            t->w.indent = 4;
            t->w.count = 0;
            tap_plan(&t->w, res->n + 1);
        }
        return;
    }
    line.ok = b->state == BLOCK_SKIP;
    if (b->state == BLOCK_SKIP) {
        line.directive = "SKIP";
        line.reason = b->why.reason;
    } else {
        line.diag = b->why.diag;
        line.diag_len = b->why.diag_len;
    }
    emit_top(t, res, &line);
}

static void tap_sink_result(struct iso_sink *s, const struct iso_results *res, int r, int k)
{
    struct tap_sink *t = (struct tap_sink *)s;
    const struct res_item *it = results_item(res, r, k);
    char name[300], note[64];
    struct tap_result line = { .ok = it->verdict == V_OK || it->verdict == V_SKIP, .note = note };

    if (it->timed_out)
        snprintf(note, sizeof(note), "timeout");
    else
        snprintf(note, sizeof(note), "time=%.2fms", it->ms);

    if (res->nrt > 1 && !nested(t, res)) {
        snprintf(name, sizeof(name), "%s/%s", res->runtimes[r], res->cases[k]);
        line.name = name;
    } else {
        line.name = res->cases[k];
    }
    if (it->verdict == V_SKIP) {
        line.directive = "SKIP";
        line.reason = it->out.reason;
    } else if (it->verdict == V_TODO) {
        line.directive = "TODO";
        line.reason = it->todo;
    }
    if (!line.ok) {
        line.diag = it->out.diag;
        line.diag_len = it->out.diag_len;
    }
    tap_emit(&t->w, &line);
    if (line.ok && it->verdict != V_SKIP)
        emit_refusals(t, it->out.diag, it->out.diag_len);
}

/* The block's leak check: one point, whatever the outcome. */
static void emit_leak(struct tap_sink *t, const struct iso_results *res, int r)
{
    static char diag[sizeof(((struct iso_outcome *)0)->diag)];
    char point[300], name[320];
    struct tap_result line = { .name = name, .diag = diag };

    line.diag_len = results_leak_point(res, r, point, sizeof(point), diag, sizeof(diag));
    line.ok = line.diag_len == 0;
    if (res->nrt > 1 && !nested(t, res))
        snprintf(name, sizeof(name), "%s/%s", res->runtimes[r], point);
    else
        snprintf(name, sizeof(name), "%s", point);
    tap_emit(&t->w, &line);
}

static void tap_sink_block_end(struct iso_sink *s, const struct iso_results *res, int r)
{
    struct tap_sink *t = (struct tap_sink *)s;
    struct tap_result line = { .ok = !results_block_failed(res, r), .name = res->runtimes[r] };

    if (res->blocks[r].state != BLOCK_OK)
        return;
    emit_leak(t, res, r);
    if (nested(t, res))
        emit_top(t, res, &line);
}

/* The case x runtime table as comments, fixed-width columns. */
static int tap_sink_finish(struct iso_sink *s, const struct iso_results *res, struct iso_err *err)
{
    struct tap_sink *t = (struct tap_sink *)s;
    char line[1024];
    size_t off;

    (void)err;
    if (res->nrt < 2)
        return 0;
    off = (size_t)snprintf(line, sizeof(line), "%-44s", "matrix");
    for (int r = 0; r < res->nrt && off < sizeof(line); r++)
        off += (size_t)snprintf(line + off, sizeof(line) - off, " %-8s", res->runtimes[r]);
    tap_comment(&t->w, "%s", line);
    for (int k = 0; k < res->n; k++) {
        off = (size_t)snprintf(line, sizeof(line), "%-44s", res->cases[k]);
        for (int r = 0; r < res->nrt && off < sizeof(line); r++)
            off += (size_t)snprintf(line + off, sizeof(line) - off, " %-8s",
                                    verdict_word(results_item(res, r, k)->verdict, VW_PLAIN));
        tap_comment(&t->w, "%s", line);
    }
    return 0;
}

static void tap_sink_bail(struct iso_sink *s, const char *reason)
{
    tap_bail(&((struct tap_sink *)s)->w, reason);
}

static void tap_sink_destroy(struct iso_sink *s) { free(s); }

static const struct iso_sink_ops tap_ops = {
    .note = tap_sink_note,
    .plan = tap_sink_plan,
    .block_start = tap_sink_block_start,
    .result = tap_sink_result,
    .block_end = tap_sink_block_end,
    .finish = tap_sink_finish,
    .bail = tap_sink_bail,
    .destroy = tap_sink_destroy,
};

/* Writes the "TAP version N" header at once. */
struct iso_sink *tap_sink_open(const struct sink_opts *o, struct iso_err *err)
{
    struct tap_sink *t = calloc(1, sizeof(*t));

    if (!t) {
        iso_err_set(err, errno, "allocate the TAP writer");
        return NULL;
    }
    t->base = (struct iso_sink){ &tap_ops, true };
    tap_begin(&t->w, o->f ? o->f : stdout, o->tap_version);
    return &t->base;
}
