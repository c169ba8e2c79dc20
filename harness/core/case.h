/* case.h - what a case file sees: the ISO_CASE registration macro, the
 * case context, ISO_EXPECT_* / ISO_REQUIRE_* and the container calls. */
#ifndef ISO_CASE_H
#define ISO_CASE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "feature.h"
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
    int feature;      /* enum iso_feature a skip lacked (--require) */
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
    int seq;                      /* containers started by this case so far */
    int upstream_fd;              /* the upstream host's network namespace, -1 until made */
    int index;                    /* position of the case in the run, for unique names */
    const struct iso_runtime *rt; /* the runtime that builds this case's containers */
    char dir[PATH_MAX];           /* the case's directory (bundles, runtime state) */
    enum iso_feature lacks;       /* what the last ISO_UNSUPPORTED from iso_start lacked */
    bool own_netns;               /* the case process is in a network namespace of its own */
};

#define ISO_XCHG "/mnt/xchg"
#define ISO_PROBE "/isoprobe"

struct iso_case {
    const char *name;
    const char *desc;
    void (*fn)(struct iso_ctx *ctx);
    uint64_t detects; /* sabotage bits that must make this case fail */
    unsigned needs;   /* ISO_NEEDS_*: what the run must set up for it */
    const char *file;
    int line;
    int order; /* registration order of its file */
};

/* The run sets cgroups up only when a selected case (or an OCI runtime)
 * needs them; a case that makes a cgroup without saying so fails. */
#define ISO_NEEDS_CGROUP 1u
/* The case process takes a network namespace of its own before the case
 * runs: for the net family always, for any other case that makes links,
 * routes, sockets or sysctl changes on the lab's side itself. Without it,
 * the namespace is taken when a container needs one (a network of the
 * harness's, or a container that shares the lab's network). */
#define ISO_NEEDS_NET 2u

void iso_register(struct iso_case *c);

#define ISO_CONCAT_(a, b) a##b
#define ISO_CONCAT(a, b) ISO_CONCAT_(a, b)

/* ISO_FAMILY must be defined by the case file ("pid", "uts", ...). */
#define ISO_CASE(id, description, ...)                                                             \
    static void iso_case_fn_##id(struct iso_ctx *ctx);                                             \
    static struct iso_case iso_case_##id = { .name = ISO_FAMILY "." #id,                           \
                                             .desc = description,                                  \
                                             .fn = iso_case_fn_##id,                               \
                                             .file = __FILE__,                                     \
                                             .line = __LINE__,                                     \
                                             __VA_ARGS__ };                                        \
    __attribute__((constructor)) static void iso_case_reg_##id(void)                               \
    {                                                                                              \
        iso_register(&iso_case_##id);                                                              \
    }                                                                                              \
    static void iso_case_fn_##id(struct iso_ctx *ctx)

/* --- assertions: EXPECT records and continues, REQUIRE ends the case ---
 *
 * Every failed assertion records its message, the expression, both values
 * and file:line in the case's YAML diagnostics.
 *
 *   ISO_EXPECT_EQ/NE/LT/LE/GT/GE(ctx, got, want, msg)   integers, either sign
 *   ISO_EXPECT_EQ_STR/NE_STR/CONTAINS/NOT_CONTAINS      strings, NULL shown as null
 *   ISO_EXPECT_CAPS_EQ/SUBSET/HAS/NONE                  capability masks, hex and names
 *   ISO_EXPECT_PRESENT/ABSENT(ctx, result, key, msg)    a key of the probe's report
 *   ISO_EXPECT_OK(ctx, call, &err)                      call < 0: err's message and errno
 *   ISO_EXPECT_SYS(ctx, call, msg), _SYS_PATH           libc call < 0: errno by name
 *   ISO_EXPECT_TRUE(ctx, cond, msg)                     only where there is no value
 *
 * Each has an ISO_REQUIRE_ twin that ends the case when it fails. */

/* An integer of any type: its bits as unsigned long long and whether the
 * type is signed, so that -1 < 0u holds and both print as they are. */
struct iso_int {
    unsigned long long bits;
    bool is_signed;
};

#define ISO_IS_SIGNED_(v) ((__typeof__(v))-1 < (__typeof__(v))1)
#define ISO_INT_(v) ((struct iso_int){ (unsigned long long)(v), ISO_IS_SIGNED_(v) })

/* -1, 0 or 1 as a is below, equal to or above b, by value (not by C's
 * usual conversions). */
int iso_int_cmp(struct iso_int a, struct iso_int b);

enum iso_str_kind { ISO_STR_EQ, ISO_STR_NE, ISO_STR_CONTAINS, ISO_STR_NOT_CONTAINS };
enum iso_caps_kind { ISO_CAPS_EQ, ISO_CAPS_SUBSET, ISO_CAPS_HAS, ISO_CAPS_NONE };

void iso_expect_int_failed(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                           const char *op, struct iso_int got, struct iso_int want,
                           const char *msg);
bool iso_expect_str(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                    enum iso_str_kind kind, const char *got, const char *want, const char *msg);
bool iso_expect_caps(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                     enum iso_caps_kind kind, unsigned long long got, unsigned long long want,
                     const char *msg);
struct iso_result;
bool iso_expect_key(struct iso_ctx *ctx, const char *file, int line, const struct iso_result *r,
                    const char *key, bool present, const char *msg);
void iso_expect_ok_failed(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                          long long rc, const struct iso_err *err);
void iso_expect_sys_failed(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                           long long rc, int errnum, const char *path, const char *msg);
bool iso_expect_true(struct iso_ctx *ctx, const char *file, int line, const char *expr, bool cond,
                     const char *msg);
void iso_fail(struct iso_ctx *ctx, const char *file, int line, const char *msg, const char *fmt,
              ...) ISO_PRINTF(5, 6);
void iso_skip(struct iso_ctx *ctx, const char *fmt, ...) ISO_PRINTF(2, 3);
/* A skip for want of a feature --require can insist on. */
void iso_skip_for(struct iso_ctx *ctx, enum iso_feature lacks, const char *fmt, ...)
    ISO_PRINTF(3, 4);
void iso_doing(struct iso_ctx *ctx, const char *fmt, ...) ISO_PRINTF(2, 3);
/* Add a key to the YAML diagnostics (shown when the case fails). */
void iso_diag(struct iso_ctx *ctx, const char *key, const char *fmt, ...) ISO_PRINTF(3, 4);

#define ISO_PASS_ (void)0
#define ISO_STOP_ return

/* The operator stays a token: the values keep their own types until they
 * are compared by value; `% 1` refuses pointers and floating point. The
 * expression text is made by the outer macros, before expansion. */
#define ISO_CMP_(ctx, got, op, want, expr, msg, on_fail)                                           \
    do {                                                                                           \
        __typeof__(got) got_ = (got);                                                              \
        __typeof__(want) want_ = (want);                                                           \
        (void)sizeof(got_ % 1), (void)sizeof(want_ % 1);                                           \
        /* NOLINTNEXTLINE(bugprone-macro-parentheses): op is an operator token, not a value */     \
        if (!(iso_int_cmp(ISO_INT_(got_), ISO_INT_(want_)) op 0)) {                                \
            iso_expect_int_failed(ctx, __FILE__, __LINE__, expr, #op, ISO_INT_(got_),              \
                                  ISO_INT_(want_), msg);                                           \
            on_fail;                                                                               \
        }                                                                                          \
    } while (0)

#define ISO_EXPECT_EQ(ctx, got, want, msg)                                                         \
    ISO_CMP_(ctx, got, ==, want, #got " == " #want, msg, ISO_PASS_)
#define ISO_EXPECT_NE(ctx, got, want, msg)                                                         \
    ISO_CMP_(ctx, got, !=, want, #got " != " #want, msg, ISO_PASS_)
#define ISO_EXPECT_LT(ctx, got, want, msg)                                                         \
    ISO_CMP_(ctx, got, <, want, #got " < " #want, msg, ISO_PASS_)
#define ISO_EXPECT_LE(ctx, got, want, msg)                                                         \
    ISO_CMP_(ctx, got, <=, want, #got " <= " #want, msg, ISO_PASS_)
#define ISO_EXPECT_GT(ctx, got, want, msg)                                                         \
    ISO_CMP_(ctx, got, >, want, #got " > " #want, msg, ISO_PASS_)
#define ISO_EXPECT_GE(ctx, got, want, msg)                                                         \
    ISO_CMP_(ctx, got, >=, want, #got " >= " #want, msg, ISO_PASS_)
#define ISO_REQUIRE_EQ(ctx, got, want, msg)                                                        \
    ISO_CMP_(ctx, got, ==, want, #got " == " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_NE(ctx, got, want, msg)                                                        \
    ISO_CMP_(ctx, got, !=, want, #got " != " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_LT(ctx, got, want, msg)                                                        \
    ISO_CMP_(ctx, got, <, want, #got " < " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_LE(ctx, got, want, msg)                                                        \
    ISO_CMP_(ctx, got, <=, want, #got " <= " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_GT(ctx, got, want, msg)                                                        \
    ISO_CMP_(ctx, got, >, want, #got " > " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_GE(ctx, got, want, msg)                                                        \
    ISO_CMP_(ctx, got, >=, want, #got " >= " #want, msg, ISO_STOP_)

#define ISO_CHECK_(ok, on_fail)                                                                    \
    do {                                                                                           \
        if (!(ok)) {                                                                               \
            on_fail;                                                                               \
        }                                                                                          \
    } while (0)

#define ISO_STR_(ctx, kind, got, want, expr, msg, on_fail)                                         \
    ISO_CHECK_(iso_expect_str(ctx, __FILE__, __LINE__, expr, kind, got, want, msg), on_fail)
#define ISO_EXPECT_EQ_STR(ctx, got, want, msg)                                                     \
    ISO_STR_(ctx, ISO_STR_EQ, got, want, #got " == " #want, msg, ISO_PASS_)
#define ISO_EXPECT_NE_STR(ctx, got, want, msg)                                                     \
    ISO_STR_(ctx, ISO_STR_NE, got, want, #got " != " #want, msg, ISO_PASS_)
#define ISO_EXPECT_CONTAINS(ctx, got, want, msg)                                                   \
    ISO_STR_(ctx, ISO_STR_CONTAINS, got, want, #got " contains " #want, msg, ISO_PASS_)
#define ISO_EXPECT_NOT_CONTAINS(ctx, got, want, msg)                                               \
    ISO_STR_(ctx, ISO_STR_NOT_CONTAINS, got, want, #got " lacks " #want, msg, ISO_PASS_)
#define ISO_REQUIRE_EQ_STR(ctx, got, want, msg)                                                    \
    ISO_STR_(ctx, ISO_STR_EQ, got, want, #got " == " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_NE_STR(ctx, got, want, msg)                                                    \
    ISO_STR_(ctx, ISO_STR_NE, got, want, #got " != " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_CONTAINS(ctx, got, want, msg)                                                  \
    ISO_STR_(ctx, ISO_STR_CONTAINS, got, want, #got " contains " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_NOT_CONTAINS(ctx, got, want, msg)                                              \
    ISO_STR_(ctx, ISO_STR_NOT_CONTAINS, got, want, #got " lacks " #want, msg, ISO_STOP_)

/* Capability masks (bit N is capability N): EQ exactly; SUBSET no bit
 * outside want; HAS every bit of want; NONE no bit of want. */
#define ISO_CAP_BIT(cap) (1ull << (cap))
#define ISO_CAPS_(ctx, kind, got, want, expr, msg, on_fail)                                        \
    ISO_CHECK_(iso_expect_caps(ctx, __FILE__, __LINE__, expr, kind, got, want, msg), on_fail)
#define ISO_EXPECT_CAPS_EQ(ctx, got, want, msg)                                                    \
    ISO_CAPS_(ctx, ISO_CAPS_EQ, got, want, #got " == " #want, msg, ISO_PASS_)
#define ISO_EXPECT_CAPS_SUBSET(ctx, got, want, msg)                                                \
    ISO_CAPS_(ctx, ISO_CAPS_SUBSET, got, want, #got " within " #want, msg, ISO_PASS_)
#define ISO_EXPECT_CAPS_HAS(ctx, got, want, msg)                                                   \
    ISO_CAPS_(ctx, ISO_CAPS_HAS, got, want, #got " has all of " #want, msg, ISO_PASS_)
#define ISO_EXPECT_CAPS_NONE(ctx, got, want, msg)                                                  \
    ISO_CAPS_(ctx, ISO_CAPS_NONE, got, want, #got " has none of " #want, msg, ISO_PASS_)
#define ISO_REQUIRE_CAPS_EQ(ctx, got, want, msg)                                                   \
    ISO_CAPS_(ctx, ISO_CAPS_EQ, got, want, #got " == " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_CAPS_SUBSET(ctx, got, want, msg)                                               \
    ISO_CAPS_(ctx, ISO_CAPS_SUBSET, got, want, #got " within " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_CAPS_HAS(ctx, got, want, msg)                                                  \
    ISO_CAPS_(ctx, ISO_CAPS_HAS, got, want, #got " has all of " #want, msg, ISO_STOP_)
#define ISO_REQUIRE_CAPS_NONE(ctx, got, want, msg)                                                 \
    ISO_CAPS_(ctx, ISO_CAPS_NONE, got, want, #got " has none of " #want, msg, ISO_STOP_)

/* A key of the probe's report: PRESENT shows the whole report when it is
 * missing, ABSENT shows the value it has. */
#define ISO_EXPECT_PRESENT(ctx, r, key, msg)                                                       \
    ISO_CHECK_(iso_expect_key(ctx, __FILE__, __LINE__, r, key, true, msg), ISO_PASS_)
#define ISO_EXPECT_ABSENT(ctx, r, key, msg)                                                        \
    ISO_CHECK_(iso_expect_key(ctx, __FILE__, __LINE__, r, key, false, msg), ISO_PASS_)
#define ISO_REQUIRE_PRESENT(ctx, r, key, msg)                                                      \
    ISO_CHECK_(iso_expect_key(ctx, __FILE__, __LINE__, r, key, true, msg), ISO_STOP_)
#define ISO_REQUIRE_ABSENT(ctx, r, key, msg)                                                       \
    ISO_CHECK_(iso_expect_key(ctx, __FILE__, __LINE__, r, key, false, msg), ISO_STOP_)

/* A harness call that follows the error contract: < 0 records err's
 * message (it says what was tried on what) and its errno by name. */
#define ISO_OK_(ctx, call, errp, expr, on_fail)                                                    \
    do {                                                                                           \
        long long rc_ = (call);                                                                    \
        if (rc_ < 0) {                                                                             \
            iso_expect_ok_failed(ctx, __FILE__, __LINE__, expr, rc_, errp);                        \
            on_fail;                                                                               \
        }                                                                                          \
    } while (0)
#define ISO_EXPECT_OK(ctx, call, errp) ISO_OK_(ctx, call, errp, #call, ISO_PASS_)
#define ISO_REQUIRE_OK(ctx, call, errp) ISO_OK_(ctx, call, errp, #call, ISO_STOP_)

/* A libc call that returns < 0 and sets errno on failure; errno is cleared
 * first so a failure that sets none shows as such. _PATH names the file. */
#define ISO_SYS_(ctx, call, path, expr, msg, on_fail)                                              \
    do {                                                                                           \
        long long rc_;                                                                             \
        int errno_;                                                                                \
        errno = 0;                                                                                 \
        rc_ = (call);                                                                              \
        errno_ = errno;                                                                            \
        if (rc_ < 0) {                                                                             \
            iso_expect_sys_failed(ctx, __FILE__, __LINE__, expr, rc_, errno_, path, msg);          \
            on_fail;                                                                               \
        }                                                                                          \
    } while (0)
#define ISO_EXPECT_SYS(ctx, call, msg) ISO_SYS_(ctx, call, NULL, #call, msg, ISO_PASS_)
#define ISO_REQUIRE_SYS(ctx, call, msg) ISO_SYS_(ctx, call, NULL, #call, msg, ISO_STOP_)
#define ISO_EXPECT_SYS_PATH(ctx, call, path, msg) ISO_SYS_(ctx, call, path, #call, msg, ISO_PASS_)
#define ISO_REQUIRE_SYS_PATH(ctx, call, path, msg) ISO_SYS_(ctx, call, path, #call, msg, ISO_STOP_)

/* The boolean form, for a fact that has no value to show: msg says what
 * was observed. */
#define ISO_EXPECT_TRUE(ctx, cond, msg)                                                            \
    ISO_CHECK_(iso_expect_true(ctx, __FILE__, __LINE__, #cond, (cond), msg), ISO_PASS_)
#define ISO_REQUIRE_TRUE(ctx, cond, msg)                                                           \
    ISO_CHECK_(iso_expect_true(ctx, __FILE__, __LINE__, #cond, (cond), msg), ISO_STOP_)

#define ISO_FAIL(ctx, msg, ...) iso_fail(ctx, __FILE__, __LINE__, msg, __VA_ARGS__)
#define ISO_SKIP(ctx, ...)                                                                         \
    do {                                                                                           \
        iso_skip(ctx, __VA_ARGS__);                                                                \
        return;                                                                                    \
    } while (0)
#define ISO_SKIP_FOR(ctx, feature, ...)                                                            \
    do {                                                                                           \
        iso_skip_for(ctx, feature, __VA_ARGS__);                                                   \
        return;                                                                                    \
    } while (0)
#define ISO_DOING(ctx, ...) iso_doing(ctx, __VA_ARGS__)

/* --- containers --- */

struct iso_result {
    int status;    /* wait status of the process the runtime made (or the runtime) */
    pid_t pid;     /* the container's first process as the lab sees it */
    bool external; /* made by an external runtime: exit 128+N means killed by N */
    struct iso_report report;
    char out[16384]; /* the probe's stdout */
    size_t out_len;
    char err[4096]; /* its stderr (truncated) */
    size_t err_len;
    char cg_rel[64];  /* its cgroup below the run's parent, "" when none */
    char cg_leaf[80]; /* the runtime's own cgroup below it (external runtimes) */
};

struct iso_container {
    const struct iso_runtime *rt; /* the driver that made it */
    struct rt_proc p;             /* what it started (the pid to wait for, ...) */
    int in_fd, out_fd, err_fd;
    bool ready, finished;
    struct iso_result r;
    struct iso_spec spec; /* what it was made from, as the runtime was given it */
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
/* Create a container whose init stops before it runs the probe (OCI
 * "create"); c->r.pid is that init. iso_start_created lets it run (OCI
 * "start"); then wait, release and finish it as any container. */
int iso_create(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
               struct iso_container *c, struct iso_err *err);
int iso_start_created(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err);

/* Start the probe as one more process of the running container init (as
 * "RUNTIME exec" does), add_caps added to its bounding, effective and
 * permitted sets ("exec --cap"). x is then waited for, released and
 * finished like a container; its r.pid is the new process. A runtime that
 * has no way to do it: ISO_UNSUPPORTED. */
int iso_exec(struct iso_ctx *ctx, struct iso_container *init, char *const argv[], uint64_t add_caps,
             struct iso_container *x, struct iso_err *err);

/* start + finish */
int iso_run(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
            struct iso_result *r, struct iso_err *err);

/* iso_start/iso_run return this when the runtime cannot express the spec
 * or the host lacks what it needs; err then names what is missing,
 * ctx->lacks which feature it is, and the case is skipped. */
#define ISO_UNSUPPORTED (-2)

/* Record a failed container step as a case failure with its diagnostics. */
void iso_fail_run(struct iso_ctx *ctx, const char *file, int line, const struct iso_err *err,
                  const struct iso_result *r);
/* True when the probe exited 0; otherwise records why and returns false. */
bool iso_check_exit(struct iso_ctx *ctx, const char *file, int line, const struct iso_result *r);

#define ISO_REQUIRE_RUN(ctx, spec, argv, r)                                                        \
    do {                                                                                           \
        struct iso_err e_ = { 0, "" };                                                             \
        int rc_ = iso_run(ctx, spec, argv, r, &e_);                                                \
        if (rc_ == ISO_UNSUPPORTED)                                                                \
            ISO_SKIP_FOR(ctx, (ctx)->lacks, "%s", e_.msg);                                         \
        if (rc_ < 0) {                                                                             \
            iso_fail_run(ctx, __FILE__, __LINE__, &e_, r);                                         \
            return;                                                                                \
        }                                                                                          \
        if (!iso_check_exit(ctx, __FILE__, __LINE__, r))                                           \
            return;                                                                                \
    } while (0)
#define ISO_REQUIRE_START(ctx, spec, argv, c)                                                      \
    do {                                                                                           \
        struct iso_err e_ = { 0, "" };                                                             \
        int rc_ = iso_start(ctx, spec, argv, c, &e_);                                              \
        if (rc_ == 0)                                                                              \
            rc_ = iso_wait_ready(ctx, c, &e_);                                                     \
        if (rc_ == ISO_UNSUPPORTED)                                                                \
            ISO_SKIP_FOR(ctx, (ctx)->lacks, "%s", e_.msg);                                         \
        if (rc_ < 0) {                                                                             \
            iso_fail_run(ctx, __FILE__, __LINE__, &e_, &(c)->r);                                   \
            return;                                                                                \
        }                                                                                          \
    } while (0)
#define ISO_REQUIRE_FINISH(ctx, c)                                                                 \
    do {                                                                                           \
        struct iso_err e_ = { 0, "" };                                                             \
        if (iso_finish(ctx, c, &e_) < 0) {                                                         \
            iso_fail_run(ctx, __FILE__, __LINE__, &e_, &(c)->r);                                   \
            return;                                                                                \
        }                                                                                          \
        if (!iso_check_exit(ctx, __FILE__, __LINE__, &(c)->r))                                     \
            return;                                                                                \
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

/* A report value as a whole number: 0, or -1 with err saying the key is
 * missing or showing what it holds instead. For ISO_REQUIRE_OK. */
int iso_get_ll(const struct iso_result *r, const char *key, long long *v, struct iso_err *err);

#endif
