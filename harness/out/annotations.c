/* annotations.c - failures as GitHub workflow commands (--annotations
 * FILE): one `::error file=F,line=N,title=T::MESSAGE` line per failure, at
 * most ANNOTATIONS_MAX (GitHub shows only the first few of a step), then a
 * `::notice` with the count left out. Written once the run is over; a step
 * that prints FILE makes GitHub turn the lines into annotations on
 * cases/X.c. Escaped as @actions/core escapes them (command.ts):
 * escapeData for the message, escapeProperty for each property. */
#include "annotations.h"

#include <string.h>

#include "registry.h"

#define ANNOTATIONS_MAX 10

struct ann_sink {
    struct iso_sink base;
    FILE *f;
    bool own; /* opened here, closed here */
    char bailed[256];
};

void annotation_escape(FILE *f, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': fputs("%25", f); break;
        case '\r': fputs("%0D", f); break;
        case '\n': fputs("%0A", f); break;
        case ':': fputs(property ? "%3A" : ":", f); break;
        case ',': fputs(property ? "%2C" : ",", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Where a failure points: the failed assertion's "at" (file:line), else
 * the case's registration. file "" when neither is known. */
static void locate(const char *diag, size_t len, const char *name, char *file, size_t size,
                   int *line)
{
    const char *at = results_diag_get(diag, len, "at");
    const char *colon = at ? strrchr(at, ':') : NULL;

    file[0] = '\0';
    *line = 0;
    if (colon && colon > at && (size_t)(colon - at) < size) {
        long long n;
        if (parse_ll(colon + 1, &n, NULL) == 0 && n > 0 && n < 1000000) {
            snprintf(file, size, "%.*s", (int)(colon - at), at);
            *line = (int)n;
            return;
        }
    }
    for (int i = 0; name && i < registry_count(); i++) {
        const struct iso_case *c = registry_at(i);
        if (strcmp(c->name, name) == 0) {
            snprintf(file, size, "%s", c->file);
            *line = c->line;
            return;
        }
    }
}

/* The diagnostics as "key: value" lines; the message first. */
static void write_message(FILE *f, const char *diag, size_t len, const char *fallback)
{
    const char *msg = results_diag_get(diag, len, "message"), *k, *v;
    size_t off = 0;
    char line[1200];

    annotation_escape(f, msg ? msg : fallback, false);
    while (results_diag_next(diag, len, &off, &k, &v)) {
        if (strcmp(k, "message") == 0 || strcmp(k, "at") == 0)
            continue;
        snprintf(line, sizeof(line), "\n%s: %s", k, v);
        annotation_escape(f, line, false);
    }
}

static void write_error(FILE *f, const char *file, int line, const char *title, const char *diag,
                        size_t len, const char *fallback)
{
    fputs("::error ", f);
    if (file[0]) {
        fputs("file=", f);
        annotation_escape(f, file, true);
        fprintf(f, ",line=%d,", line);
    }
    fputs("title=", f);
    annotation_escape(f, title, true);
    fputs("::", f);
    write_message(f, diag, len, fallback);
    fputc('\n', f);
}

static void ann_bail(struct iso_sink *s, const char *reason)
{
    struct ann_sink *a = (struct ann_sink *)s;
    snprintf(a->bailed, sizeof(a->bailed), "%s", reason);
}

static int ann_finish(struct iso_sink *s, const struct iso_results *res, struct iso_err *err)
{
    struct ann_sink *a = (struct ann_sink *)s;
    int written = 0, left = 0;
    char title[512], file[256];
    int line;

    if (a->bailed[0]) {
        fputs("::error title=isocheck bailed out::", a->f);
        annotation_escape(a->f, a->bailed, false);
        fputc('\n', a->f);
    }
    for (int r = 0; *res->ready && r < res->nrt; r++) {
        const struct res_block *b = &res->blocks[r];
        if (b->state == BLOCK_FAIL) {
            if (written++ >= ANNOTATIONS_MAX) {
                left++;
                continue;
            }
            snprintf(title, sizeof(title), "isocheck: runtime %s", res->runtimes[r]);
            write_error(a->f, "", 0, title, b->why.diag, b->why.diag_len, "preflight failed");
            continue;
        }
        for (int k = 0; k < res->n && b->state == BLOCK_OK; k++) {
            const struct res_item *it = results_item(res, r, k);
            if (it->verdict != V_FAIL)
                continue;
            if (written++ >= ANNOTATIONS_MAX) {
                left++;
                continue;
            }
            snprintf(title, sizeof(title), "isocheck: %s on %s", res->cases[k], res->runtimes[r]);
            locate(it->out.diag, it->out.diag_len, res->cases[k], file, sizeof(file), &line);
            write_error(a->f, file, line, title, it->out.diag, it->out.diag_len, "failed");
        }
    }
    if (left)
        fprintf(a->f,
                "::notice title=isocheck::%d more failure%s not annotated (at most %d are); "
                "the TAP output and the job summary list every one\n",
                left, left == 1 ? "" : "s", ANNOTATIONS_MAX);
    if (fflush(a->f) != 0 || ferror(a->f))
        return iso_err_set(err, errno, "write the annotations");
    return 0;
}

static void ann_destroy(struct iso_sink *s)
{
    struct ann_sink *a = (struct ann_sink *)s;

    if (a->own)
        fclose(a->f);
    free(a);
}

static const struct iso_sink_ops ann_ops = {
    .finish = ann_finish,
    .bail = ann_bail,
    .destroy = ann_destroy,
};

struct iso_sink *annotations_sink_open(const struct sink_opts *o, struct iso_err *err)
{
    struct ann_sink *a = calloc(1, sizeof(*a));

    if (!a) {
        iso_err_set(err, errno, "allocate the annotation writer");
        return NULL;
    }
    a->base = (struct iso_sink){ &ann_ops, false };
    a->f = o->f;
    if (!a->f) {
        a->f = fopen(o->path, "we");
        a->own = true;
    }
    if (!a->f) {
        iso_err_set(err, errno, "open \"%s\"", o->path);
        free(a);
        return NULL;
    }
    return &a->base;
}
