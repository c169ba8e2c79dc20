/* summary.c - the run as Markdown for a GitHub job summary (--summary
 * FILE, e.g. $GITHUB_STEP_SUMMARY): a headline with the counts, the
 * environment (the run's first comments: host facts, runtimes), the case x
 * runtime matrix, each failure with its diagnostics, each skip with its
 * reason, each known difference. GitHub refuses a summary over 1 MiB, so
 * the text is capped well below that (SUMMARY_MAX) and says where it was
 * cut. Written once the run is over. */
#include "summary.h"

#include <string.h>

#define SUMMARY_MAX ((size_t)256 * 1024)

struct summary_sink {
    struct iso_sink base;
    FILE *f;
    bool own;    /* opened here, closed here */
    char *notes; /* the run's comments, '\n'-separated */
    size_t notes_len;
    FILE *nf; /* stream onto notes */
    char bailed[256];
    size_t max;
};

void summary_inline(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '|':
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
            fputc('\\', f);
            fputc(*s, f);
            break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '\n':
        case '\r':
        case '\t': fputc(' ', f); break;
        default: fputc(*s, f);
        }
    }
}

/* An indented code block: nothing inside can end it or turn into markup. */
static void code_block(FILE *f, const char *text)
{
    fputs("    ", f);
    for (; *text; text++) {
        fputc(*text, f);
        if (*text == '\n' && text[1])
            fputs("    ", f);
    }
    if (text[-1] != '\n')
        fputc('\n', f);
}

static void diag_block(FILE *f, const char *diag, size_t len)
{
    const char *k, *v;
    size_t off = 0;

    while (results_diag_next(diag, len, &off, &k, &v)) {
        fprintf(f, "    %s: ", k);
        for (const char *p = v; *p; p++) {
            fputc(*p, f);
            if (*p == '\n')
                fputs("      ", f);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void runtime_label(FILE *f, const struct iso_results *res, int r)
{
    summary_inline(f, res->runtimes[r]);
    if (res->versions[r]) {
        fputc(' ', f);
        summary_inline(f, res->versions[r]);
    }
}

static void write_headline(FILE *f, const struct summary_sink *m, const struct iso_results *res)
{
    int count[V_COUNT] = { 0 };

    for (int r = 0; *res->ready && r < res->nrt; r++)
        for (int k = 0; k < res->n; k++)
            count[results_item(res, r, k)->verdict]++;
    fputs("## isocheck: ", f);
    if (m->bailed[0]) {
        fputs("bailed out: ", f);
        summary_inline(f, m->bailed);
        fputs("\n\n", f);
        return;
    }
    fprintf(f, "%s — ok %d, failed %d, skipped %d, known differences %d",
            count[V_FAIL] ? "failed" : "passed", count[V_OK], count[V_FAIL], count[V_SKIP],
            count[V_TODO]);
    if (count[V_NONE])
        fprintf(f, ", not run %d", count[V_NONE]);
    fputs("\n\n", f);
}

static void write_environment(FILE *f, const struct summary_sink *m)
{
    if (!m->notes_len)
        return;
    fputs("<details><summary>Environment</summary>\n\n", f);
    code_block(f, m->notes);
    fputs("\n</details>\n\n", f);
}

static void write_matrix(FILE *f, const struct iso_results *res)
{
    fputs("### Results\n\n| case |", f);
    for (int r = 0; r < res->nrt; r++) {
        fputc(' ', f);
        runtime_label(f, res, r);
        fputs(" |", f);
    }
    fputs("\n|---|", f);
    for (int r = 0; r < res->nrt; r++)
        fputs("---|", f);
    fputc('\n', f);
    for (int k = 0; k < res->n; k++) {
        fputs("| ", f);
        summary_inline(f, res->cases[k]);
        fputs(" |", f);
        for (int r = 0; r < res->nrt; r++)
            fprintf(f, " %s |", verdict_word(results_item(res, r, k)->verdict, VW_MARKDOWN));
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void write_failures(FILE *f, const struct iso_results *res)
{
    bool any = false;

    for (int r = 0; r < res->nrt; r++) {
        const struct res_block *b = &res->blocks[r];
        for (int k = -1; k < res->n; k++) {
            const struct iso_outcome *o;
            if (k < 0 ? b->state != BLOCK_FAIL
                      : b->state != BLOCK_OK || results_item(res, r, k)->verdict != V_FAIL)
                continue;
            o = k < 0 ? &b->why : &results_item(res, r, k)->out;
            if (!any)
                fputs("### Failures\n\n", f);
            any = true;
            fputs("#### ", f);
            if (k < 0) {
                fputs("runtime ", f);
                runtime_label(f, res, r);
                fputs(": its preflight failed\n\n", f);
            } else {
                summary_inline(f, res->cases[k]);
                fputs(" on ", f);
                runtime_label(f, res, r);
                fputs("\n\n", f);
            }
            diag_block(f, o->diag, o->diag_len);
        }
    }
}

/* Skips (reason) or known differences (the reviewed note). */
static void write_reasons(FILE *f, const struct iso_results *res, enum iso_verdict want,
                          const char *heading)
{
    bool any = false;

    for (int r = 0; r < res->nrt; r++) {
        const struct res_block *b = &res->blocks[r];
        for (int k = -1; k < res->n; k++) {
            const char *why;
            if (k < 0 ? want != V_SKIP || b->state != BLOCK_SKIP
                      : b->state != BLOCK_OK || results_item(res, r, k)->verdict != want)
                continue;
            why = k < 0            ? b->why.reason
                  : want == V_TODO ? results_item(res, r, k)->todo
                                   : results_item(res, r, k)->out.reason;
            if (!any)
                fprintf(f, "### %s\n\n| case | runtime | reason |\n|---|---|---|\n", heading);
            any = true;
            fputs("| ", f);
            summary_inline(f, k < 0 ? "(every case)" : res->cases[k]);
            fputs(" | ", f);
            runtime_label(f, res, r);
            fputs(" | ", f);
            summary_inline(f, why);
            fputs(" |\n", f);
        }
    }
    if (any)
        fputc('\n', f);
}

/* Cut text at a line end below max, leaving room for the note. */
static size_t cut_at(const char *text, size_t len, size_t max)
{
    size_t keep;

    if (len <= max)
        return len;
    keep = max > 256 ? max - 256 : 0;
    while (keep > 0 && text[keep - 1] != '\n')
        keep--;
    return keep;
}

static int summary_finish(struct iso_sink *s, const struct iso_results *res, struct iso_err *err)
{
    struct summary_sink *m = (struct summary_sink *)s;
    char *text = NULL;
    size_t len = 0, keep;
    FILE *f;

    fflush(m->nf);
    f = open_memstream(&text, &len);
    if (!f)
        return iso_err_set(err, errno, "make the summary");
    write_headline(f, m, res);
    write_environment(f, m);
    if (*res->ready && res->nrt > 0) {
        write_matrix(f, res);
        write_failures(f, res);
        write_reasons(f, res, V_SKIP, "Skipped");
        write_reasons(f, res, V_TODO, "Known differences");
    }
    fclose(f);
    keep = cut_at(text, len, m->max);
    fwrite(text, 1, keep, m->f);
    if (keep < len)
        fprintf(m->f,
                "\n**The summary was cut here at %zu KiB** (GitHub takes at most 1 MiB): the TAP "
                "and JUnit outputs have every result.\n",
                keep / 1024);
    free(text);
    if (fflush(m->f) != 0 || ferror(m->f))
        return iso_err_set(err, errno, "write the summary");
    return 0;
}

static void summary_note(struct iso_sink *s, const char *text)
{
    fprintf(((struct summary_sink *)s)->nf, "%s\n", text);
}

static void summary_bail(struct iso_sink *s, const char *reason)
{
    struct summary_sink *m = (struct summary_sink *)s;
    snprintf(m->bailed, sizeof(m->bailed), "%s", reason);
}

static void summary_destroy(struct iso_sink *s)
{
    struct summary_sink *m = (struct summary_sink *)s;

    if (m->own)
        fclose(m->f);
    fclose(m->nf);
    free(m->notes);
    free(m);
}

static const struct iso_sink_ops summary_ops = {
    .note = summary_note,
    .finish = summary_finish,
    .bail = summary_bail,
    .destroy = summary_destroy,
};

struct iso_sink *summary_sink_open(const struct sink_opts *o, struct iso_err *err)
{
    struct summary_sink *m = calloc(1, sizeof(*m));

    if (!m || !(m->nf = open_memstream(&m->notes, &m->notes_len))) {
        iso_err_set(err, errno, "allocate the summary writer");
        free(m);
        return NULL;
    }
    m->base = (struct iso_sink){ &summary_ops, false };
    m->max = o->max_bytes ? o->max_bytes : SUMMARY_MAX;
    m->f = o->f;
    if (!m->f) {
        /* appended: $GITHUB_STEP_SUMMARY collects every step's text */
        m->f = fopen(o->path, "ae");
        m->own = true;
    }
    if (!m->f) {
        iso_err_set(err, errno, "open \"%s\"", o->path);
        fclose(m->nf);
        free(m->notes);
        free(m);
        return NULL;
    }
    return &m->base;
}
