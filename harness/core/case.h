/* case.h - what a case file sees: the ISO_CASE registration macro, the
 * case context, ISO_EXPECT_* / ISO_REQUIRE_* and the container calls. */
#ifndef ISO_CASE_H
#define ISO_CASE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "report.h"
#include "runtime.h"
#include "spec.h"
#include "util.h"

enum iso_status { ISO_ST_PENDING, ISO_ST_PASS, ISO_ST_FAIL, ISO_ST_SKIP };

/* Written by the case process into memory shared with the runner, so the
 * runner still knows what a killed case was doing. */
struct iso_outcome {
    int status;
    int nfail;
    char reason[256]; /* skip reason */
    char doing[256];  /* the step in progress, for timeout reports */
    size_t diag_len;
    char diag[8192]; /* packed "key\0value\0" pairs for the YAML block */
};

struct iso_config;
struct iso_runtime;

struct iso_ctx {
    const struct iso_case *c;
    const struct iso_config *cfg;
    struct iso_outcome *out;
    char root[PATH_MAX];   /* prepared container root, as the lab sees it */
    char xchg[PATH_MAX];   /* shared exchange mount, lab side; inside: ISO_XCHG */
    char marker[PATH_MAX]; /* a file only the lab can see, same path both sides */
    char lab_hostname[65];
    int seq;         /* containers started by this case so far */
    int upstream_fd; /* the upstream host's network namespace, -1 until made */
    int index;       /* position of the case in the run, for unique names */
    const struct iso_runtime *rt; /* the runtime that builds this case's containers */
    char dir[PATH_MAX];           /* the case's directory (bundles, runtime state) */
};

#define ISO_XCHG "/mnt/xchg"
#define ISO_PROBE "/isoprobe"

struct iso_case {
    const char *name;
    const char *desc;
    void (*fn)(struct iso_ctx *ctx);
    unsigned detects; /* sabotage bits that must make this case fail */
    const char *file;
    int line;
    int order; /* registration order of its file */
};

void iso_register(struct iso_case *c);

#define ISO_CONCAT_(a, b) a##b
#define ISO_CONCAT(a, b) ISO_CONCAT_(a, b)

/* ISO_FAMILY must be defined by the case file ("pid", "uts", ...). */
#define ISO_CASE(id, description, ...)                                                        \
    static void iso_case_fn_##id(struct iso_ctx *ctx);                                       \
    static struct iso_case iso_case_##id = { .name = ISO_FAMILY "." #id,                       \
                                             .desc = description,                             \
                                             .fn = iso_case_fn_##id,                          \
                                             .file = __FILE__,                                \
                                             .line = __LINE__,                                \
                                             __VA_ARGS__ };                                   \
    __attribute__((constructor)) static void iso_case_reg_##id(void)                         \
    {                                                                                         \
        iso_register(&iso_case_##id);                                                         \
    }                                                                                         \
    static void iso_case_fn_##id(struct iso_ctx *ctx)

/* --- assertions: EXPECT records and continues, REQUIRE ends the case --- */

bool iso_expect_str(struct iso_ctx *ctx, const char *file, int line, const char *expr, bool equal,
                    const char *got, const char *want, const char *msg);
bool iso_expect_int(struct iso_ctx *ctx, const char *file, int line, const char *expr, const char *op,
                    long long got, long long want, const char *msg);
bool iso_expect_true(struct iso_ctx *ctx, const char *file, int line, const char *expr, bool cond,
                     const char *msg);
void iso_fail(struct iso_ctx *ctx, const char *file, int line, const char *msg, const char *fmt, ...)
    ISO_PRINTF(5, 6);
void iso_skip(struct iso_ctx *ctx, const char *fmt, ...) ISO_PRINTF(2, 3);
void iso_doing(struct iso_ctx *ctx, const char *fmt, ...) ISO_PRINTF(2, 3);
/* Add a key to the YAML diagnostics (shown when the case fails). */
void iso_diag(struct iso_ctx *ctx, const char *key, const char *fmt, ...) ISO_PRINTF(3, 4);

#define ISO_EXPECT_EQ_STR(ctx, got, want, msg)                                                 \
    iso_expect_str(ctx, __FILE__, __LINE__, #got " == " #want, true, got, want, msg)
#define ISO_EXPECT_NE_STR(ctx, got, want, msg)                                                 \
    iso_expect_str(ctx, __FILE__, __LINE__, #got " != " #want, false, got, want, msg)
#define ISO_EXPECT_EQ_INT(ctx, got, want, msg)                                                 \
    iso_expect_int(ctx, __FILE__, __LINE__, #got " == " #want, "==", got, want, msg)
#define ISO_EXPECT_NE_INT(ctx, got, want, msg)                                                 \
    iso_expect_int(ctx, __FILE__, __LINE__, #got " != " #want, "!=", got, want, msg)
#define ISO_EXPECT_GT_INT(ctx, got, want, msg)                                                 \
    iso_expect_int(ctx, __FILE__, __LINE__, #got " > " #want, ">", got, want, msg)
#define ISO_EXPECT_TRUE(ctx, cond, msg)                                                        \
    iso_expect_true(ctx, __FILE__, __LINE__, #cond, (cond), msg)

#define ISO_REQUIRE_(call)                                                                     \
    do {                                                                                      \
        if (!(call))                                                                          \
            return;                                                                           \
    } while (0)
#define ISO_REQUIRE_EQ_STR(ctx, got, want, msg) ISO_REQUIRE_(ISO_EXPECT_EQ_STR(ctx, got, want, msg))
#define ISO_REQUIRE_EQ_INT(ctx, got, want, msg) ISO_REQUIRE_(ISO_EXPECT_EQ_INT(ctx, got, want, msg))
#define ISO_REQUIRE_TRUE(ctx, cond, msg) ISO_REQUIRE_(ISO_EXPECT_TRUE(ctx, cond, msg))
#define ISO_FAIL(ctx, msg, ...) iso_fail(ctx, __FILE__, __LINE__, msg, __VA_ARGS__)
#define ISO_SKIP(ctx, ...)                                                                     \
    do {                                                                                      \
        iso_skip(ctx, __VA_ARGS__);                                                           \
        return;                                                                               \
    } while (0)
#define ISO_DOING(ctx, ...) iso_doing(ctx, __VA_ARGS__)

/* --- containers --- */

struct iso_result {
    int status;          /* wait status of the process the runtime made (or the runtime) */
    pid_t pid;           /* the container's first process as the lab sees it */
    bool external;       /* made by an external runtime: exit 128+N means killed by N */
    struct iso_report report;
    char out[16384];     /* the probe's stdout */
    size_t out_len;
    char err[4096];      /* its stderr (truncated) */
    size_t err_len;
    char cg_rel[64];     /* its cgroup below the run's parent, "" when none */
    char cg_leaf[80];    /* the runtime's own cgroup below it (external runtimes) */
};

struct iso_container {
    const struct iso_runtime *rt; /* the driver that made it */
    struct rt_proc p;             /* what it started (the pid to wait for, ...) */
    int in_fd, out_fd, err_fd;
    bool ready, finished;
    struct iso_result r;
};

/* argv for the probe: ISO_ARGV("pid", "--wait") */
#define ISO_ARGV(...) ((char *const[]){ "isoprobe", __VA_ARGS__, NULL })

/* The default spec for this case: the prepared root, every namespace but
 * user, sabotage applied later by iso_start. */
struct iso_spec iso_spec_default(struct iso_ctx *ctx);

/* Start a container running the probe. The sabotage of the run is applied
 * to a copy of spec here, so every case is subject to it. On a failed
 * setup step err says "step: ...". */
int iso_start(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
              struct iso_container *c, struct iso_err *err);
/* Read the report until the probe prints "ready=1" (it then waits for a
 * line on stdin). */
int iso_wait_ready(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err);
/* Send the waiting probe its go line. */
int iso_release(struct iso_container *c, const char *line);
/* Read the rest of the report and reap the container. */
int iso_finish(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err);
/* start + finish */
int iso_run(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
            struct iso_result *r, struct iso_err *err);

/* iso_start/iso_run return this when the runtime cannot express the spec;
 * err then names what is missing, and the case is skipped. */
#define ISO_UNSUPPORTED (-2)

/* Record a failed container step as a case failure with its diagnostics. */
void iso_fail_run(struct iso_ctx *ctx, const char *file, int line, const struct iso_err *err,
                  const struct iso_result *r);
/* True when the probe exited 0; otherwise records why and returns false. */
bool iso_check_exit(struct iso_ctx *ctx, const char *file, int line, const struct iso_result *r);

#define ISO_REQUIRE_RUN(ctx, spec, argv, r)                                                    \
    do {                                                                                      \
        struct iso_err e_ = { 0, "" };                                                        \
        int rc_ = iso_run(ctx, spec, argv, r, &e_);                                           \
        if (rc_ == ISO_UNSUPPORTED)                                                           \
            ISO_SKIP(ctx, "%s", e_.msg);                                                      \
        if (rc_ < 0) {                                                                        \
            iso_fail_run(ctx, __FILE__, __LINE__, &e_, r);                                    \
            return;                                                                           \
        }                                                                                     \
        if (!iso_check_exit(ctx, __FILE__, __LINE__, r))                                      \
            return;                                                                           \
    } while (0)
#define ISO_REQUIRE_START(ctx, spec, argv, c)                                                  \
    do {                                                                                      \
        struct iso_err e_ = { 0, "" };                                                        \
        int rc_ = iso_start(ctx, spec, argv, c, &e_);                                         \
        if (rc_ == ISO_UNSUPPORTED)                                                           \
            ISO_SKIP(ctx, "%s", e_.msg);                                                      \
        if (rc_ < 0 || iso_wait_ready(ctx, c, &e_) < 0) {                                     \
            iso_fail_run(ctx, __FILE__, __LINE__, &e_, &(c)->r);                              \
            return;                                                                           \
        }                                                                                     \
    } while (0)
#define ISO_REQUIRE_FINISH(ctx, c)                                                             \
    do {                                                                                      \
        struct iso_err e_ = { 0, "" };                                                        \
        if (iso_finish(ctx, c, &e_) < 0) {                                                    \
            iso_fail_run(ctx, __FILE__, __LINE__, &e_, &(c)->r);                              \
            return;                                                                           \
        }                                                                                     \
        if (!iso_check_exit(ctx, __FILE__, __LINE__, &(c)->r))                                \
            return;                                                                           \
    } while (0)

/* A counter from the container's cgroup, e.g. ("memory.events", "oom_kill").
 * Returns 0, or -1 with err set. */
int iso_cg_counter(struct iso_ctx *ctx, const struct iso_result *r, int ctl, const char *file,
                   const char *key, long long *value, struct iso_err *err);

/* The signal that ended the container's first process, 0 if none; reads
 * an external runtime's 128+N convention. */
int iso_exit_signal(const struct iso_result *r);

/* Shorthand for a report value (NULL when missing). */
static inline const char *iso_get(const struct iso_result *r, const char *key)
{
    return report_get(&r->report, key);
}

#endif
