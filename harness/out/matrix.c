/* matrix.c - the case x runtime table as Markdown (--matrix FILE), e.g.
 * for a GitHub job summary. Written once the run is over. */
#include "sink.h"

#include <string.h>

struct matrix_sink {
    struct iso_sink base;
    FILE *f;
    bool own; /* opened here, closed here */
};

static int matrix_finish(struct iso_sink *s, const struct iso_results *res, struct iso_err *err)
{
    struct matrix_sink *m = (struct matrix_sink *)s;

    if (!*res->ready)
        return 0; /* bailed out before any result */
    fputs("| case |", m->f);
    for (int r = 0; r < res->nrt; r++)
        fprintf(m->f, " %s%s%s |", res->runtimes[r], res->versions[r] ? " " : "",
                res->versions[r] ? res->versions[r] : "");
    fputs("\n|---|", m->f);
    for (int r = 0; r < res->nrt; r++)
        fputs("---|", m->f);
    fputc('\n', m->f);
    for (int k = 0; k < res->n; k++) {
        fprintf(m->f, "| `%s` |", res->cases[k]);
        for (int r = 0; r < res->nrt; r++)
            fprintf(m->f, " %s |", verdict_word(results_item(res, r, k)->verdict, VW_MARKDOWN));
        fputc('\n', m->f);
    }
    if (fflush(m->f) != 0 || ferror(m->f))
        return iso_err_set(err, errno, "write the matrix");
    return 0;
}

static void matrix_destroy(struct iso_sink *s)
{
    struct matrix_sink *m = (struct matrix_sink *)s;

    if (m->own)
        fclose(m->f);
    free(m);
}

static const struct iso_sink_ops matrix_ops = {
    .finish = matrix_finish,
    .destroy = matrix_destroy,
};

struct iso_sink *matrix_sink_open(const struct sink_opts *o, struct iso_err *err)
{
    struct matrix_sink *m = calloc(1, sizeof(*m));

    if (!m) {
        iso_err_set(err, errno, "allocate the matrix writer");
        return NULL;
    }
    m->base = (struct iso_sink){ &matrix_ops, false };
    m->f = o->f;
    if (!m->f) {
        m->f = fopen(o->path, "we");
        m->own = true;
    }
    if (!m->f) {
        iso_err_set(err, errno, "open \"%s\"", o->path);
        free(m);
        return NULL;
    }
    return &m->base;
}
