/* sink.h - the outputs of a run. The runner reports events to a list of
 * sinks and never formats anything itself; each sink (TAP, the matrix,
 * JUnit, ...) turns them into its own format.
 *
 * Events, in order: note* (facts about the run, before the lab), plan,
 * then per runtime block: block_start, result* (one per case, in stable
 * order; none when the block's preflight did not pass), block_end; then
 * finish. bail may come at any point and ends the stream.
 *
 * A streaming sink (TAP) gets plan..finish live from the runner inside
 * the lab; the others get them replayed from the shared result store by
 * main after the lab is gone (sink_replay). Either way each sink sees
 * every event exactly once. */
#ifndef ISO_SINK_H
#define ISO_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results.h"

struct iso_sink;

struct iso_sink_ops {
    void (*note)(struct iso_sink *s, const char *text);
    void (*plan)(struct iso_sink *s, const struct iso_results *res);
    void (*block_start)(struct iso_sink *s, const struct iso_results *res, int r);
    void (*result)(struct iso_sink *s, const struct iso_results *res, int r, int k);
    void (*block_end)(struct iso_sink *s, const struct iso_results *res, int r);
    /* After the last block: write what was kept; -1 with err on failure. */
    int (*finish)(struct iso_sink *s, const struct iso_results *res, struct iso_err *err);
    void (*bail)(struct iso_sink *s, const char *reason);
    void (*destroy)(struct iso_sink *s);
};

struct iso_sink {
    const struct iso_sink_ops *ops;
    bool streams; /* gets plan..finish live inside the lab */
};

/* What an output needs to know when it is made. */
struct sink_opts {
    const char *path; /* the option's FILE, for file outputs */
    FILE *f;          /* or an open stream (stdout for TAP; tests) */
    int tap_version;
    size_t max_bytes; /* a cap on a file output's size, 0 for its own default */
};

/* Outputs chosen with a command-line option: one row each. */
struct sink_kind {
    const char *option; /* long option, "junit" for --junit FILE */
    const char *help;   /* --help text after "--OPTION FILE" */
    struct iso_sink *(*open)(const struct sink_opts *o, struct iso_err *err);
};
int sink_kind_count(void);
const struct sink_kind *sink_kind_at(int i);
/* The row of --OPTION, NULL when there is none. */
const struct sink_kind *sink_kind_find(const char *option);

/* Every output of this run. */
struct sink_list {
    struct iso_sink *s[8];
    int n;
};

int sink_add(struct sink_list *l, struct iso_sink *s, struct iso_err *err);
void sinks_note(const struct sink_list *l, const char *fmt, ...) ISO_PRINTF(2, 3);
/* The live events, to the streaming sinks only (the runner calls these). */
void sinks_plan(const struct sink_list *l, const struct iso_results *res);
void sinks_block_start(const struct sink_list *l, const struct iso_results *res, int r);
void sinks_result(const struct sink_list *l, const struct iso_results *res, int r, int k);
void sinks_block_end(const struct sink_list *l, const struct iso_results *res, int r);
void sinks_finish(const struct sink_list *l, const struct iso_results *res);
/* To every sink. */
void sinks_bail(const struct sink_list *l, const char *reason);
/* After the lab: the same events, from the store, to the other sinks.
 * An interrupted run ends at its first unsettled item, as its TAP does. Returns -1 with
 * err when a sink could not write its output (the others still do). */
int sink_replay(const struct sink_list *l, const struct iso_results *res, struct iso_err *err);
void sinks_destroy(struct sink_list *l);

/* The outputs, one file each. */
struct iso_sink *tap_sink_open(const struct sink_opts *o, struct iso_err *err);

#endif
