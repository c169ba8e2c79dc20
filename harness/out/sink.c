/* sink.c - the list of outputs, event dispatch, and the replay of a run
 * from the shared store for the outputs written after the lab. */
#include "sink.h"

#include <stdarg.h>
#include <string.h>

/* An output chosen with --OPTION FILE is its own file and one row here. */
struct iso_sink *matrix_sink_open(const struct sink_opts *o, struct iso_err *err);
struct iso_sink *junit_sink_open(const struct sink_opts *o, struct iso_err *err);
struct iso_sink *summary_sink_open(const struct sink_opts *o, struct iso_err *err);
struct iso_sink *annotations_sink_open(const struct sink_opts *o, struct iso_err *err);
struct iso_sink *ktap_sink_open(const struct sink_opts *o, struct iso_err *err);

static const struct sink_kind kinds[] = {
    { "junit",
      "write the results as JUnit XML to FILE, one testsuite\n"
      "per runtime; a known difference (# TODO) is <skipped>",
      junit_sink_open },
    { "matrix",
      "with several runtimes: write the case x runtime table\n"
      "as Markdown to FILE (e.g. $GITHUB_STEP_SUMMARY)",
      matrix_sink_open },
    { "summary",
      "append the run as Markdown to FILE for a GitHub job\n"
      "summary ($GITHUB_STEP_SUMMARY): environment, matrix,\n"
      "failures with diagnostics, skips with reasons",
      summary_sink_open },
    { "annotations",
      "write the failures as GitHub ::error workflow\n"
      "commands to FILE (at most 10, then a ::notice);\n"
      "print FILE in a step to annotate cases/*.c",
      annotations_sink_open },
    { "ktap",
      "write the results as KTAP version 1 to FILE (the kernel's\n"
      "format: one subtest per family, per runtime when several)",
      ktap_sink_open },
};

int sink_kind_count(void) { return (int)ARRAY_LEN(kinds); }
const struct sink_kind *sink_kind_at(int i) { return &kinds[i]; }

const struct sink_kind *sink_kind_find(const char *option)
{
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].option, option) == 0)
            return &kinds[i];
    return NULL;
}

int sink_add(struct sink_list *l, struct iso_sink *s, struct iso_err *err)
{
    if (l->n >= (int)ARRAY_LEN(l->s)) {
        if (s->ops->destroy)
            s->ops->destroy(s);
        return iso_err_set(err, 0, "more than %d outputs", (int)ARRAY_LEN(l->s));
    }
    l->s[l->n++] = s;
    return 0;
}

/* Which sinks an event goes to. */
enum audience { LIVE, REPLAYED, ALL };

static bool hears(const struct iso_sink *s, enum audience who)
{
    return who == ALL || s->streams == (who == LIVE);
}

/* Call op on each sink of the audience that has it. */
#define EACH(l, who, op, ...)                                                                      \
    do {                                                                                           \
        for (int i_ = 0; i_ < (l)->n; i_++) {                                                      \
            struct iso_sink *s_ = (l)->s[i_];                                                      \
            if (s_->ops->op && hears(s_, who))                                                     \
                s_->ops->op(s_, __VA_ARGS__);                                                      \
        }                                                                                          \
    } while (0)

void sinks_note(const struct sink_list *l, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    EACH(l, ALL, note, text);
}

void sinks_plan(const struct sink_list *l, const struct iso_results *res)
{
    EACH(l, LIVE, plan, res);
}

void sinks_block_start(const struct sink_list *l, const struct iso_results *res, int r)
{
    EACH(l, LIVE, block_start, res, r);
}

void sinks_result(const struct sink_list *l, const struct iso_results *res, int r, int k)
{
    EACH(l, LIVE, result, res, r, k);
}

void sinks_block_end(const struct sink_list *l, const struct iso_results *res, int r)
{
    EACH(l, LIVE, block_end, res, r);
}

static int finish_each(const struct sink_list *l, enum audience who, const struct iso_results *res,
                       struct iso_err *err)
{
    int rc = 0;

    for (int i = 0; i < l->n; i++) {
        struct iso_sink *s = l->s[i];
        struct iso_err e = { 0, "" };
        if (!s->ops->finish || !hears(s, who))
            continue;
        if (s->ops->finish(s, res, &e) < 0 && rc == 0) {
            *err = e;
            rc = -1;
        }
    }
    return rc;
}

void sinks_finish(const struct sink_list *l, const struct iso_results *res)
{
    struct iso_err err = { 0, "" };
    finish_each(l, LIVE, res, &err); /* a stream to stdout has nowhere to report to */
}

void sinks_bail(const struct sink_list *l, const char *reason) { EACH(l, ALL, bail, reason); }

int sink_replay(const struct sink_list *l, const struct iso_results *res, struct iso_err *err)
{
    bool cut = false;

    if (!*res->ready)
        return finish_each(l, REPLAYED, res, err); /* bailed out before the plan */
    EACH(l, REPLAYED, plan, res);
    for (int r = 0; r < res->nrt && !cut; r++) {
        EACH(l, REPLAYED, block_start, res, r);
        for (int k = 0; k < res->n && res->blocks[r].state == BLOCK_OK; k++) {
            if (results_item(res, r, k)->verdict == V_NONE) {
                cut = true; /* interrupted here: TAP ends here too */
                break;
            }
            EACH(l, REPLAYED, result, res, r, k);
        }
        EACH(l, REPLAYED, block_end, res, r);
    }
    return finish_each(l, REPLAYED, res, err);
}

void sinks_destroy(struct sink_list *l)
{
    for (int i = 0; i < l->n; i++)
        if (l->s[i]->ops->destroy)
            l->s[i]->ops->destroy(l->s[i]);
    l->n = 0;
}
