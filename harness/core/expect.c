/* expect.c - assertions record into the case's shared outcome. The first
 * failure fills message/expected/got/at; later ones are listed after it. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/wait.h>

#include "case.h"

void iso_diag(struct iso_ctx *ctx, const char *key, const char *fmt, ...)
{
    struct iso_outcome *o = ctx->out;
    char val[4096];
    size_t klen = strlen(key), vlen;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    vlen = strlen(val);
    if (o->diag_len + klen + vlen + 2 > sizeof(o->diag)) {
        vlen =
            sizeof(o->diag) > o->diag_len + klen + 2 ? sizeof(o->diag) - o->diag_len - klen - 2 : 0;
        if (vlen == 0)
            return;
    }
    memcpy(o->diag + o->diag_len, key, klen + 1);
    o->diag_len += klen + 1;
    memcpy(o->diag + o->diag_len, val, vlen);
    o->diag_len += vlen;
    o->diag[o->diag_len++] = '\0';
}

static void record(struct iso_ctx *ctx, const char *file, int line, const char *msg,
                   const char *expr, const char *want, const char *got)
{
    struct iso_outcome *o = ctx->out;

    o->status = ISO_ST_FAIL;
    o->nfail++;
    if (o->nfail == 1) {
        iso_diag(ctx, "message", "%s", msg);
        if (expr)
            iso_diag(ctx, "expression", "%s", expr);
        if (want)
            iso_diag(ctx, "expected", "%s", want);
        if (got)
            iso_diag(ctx, "got", "%s", got);
        iso_diag(ctx, "at", "%s:%d", file, line);
    } else {
        char key[32];
        snprintf(key, sizeof(key), "failure_%d", o->nfail);
        iso_diag(ctx, key, "%s:%d: %s%s%s%s%s%s%s%s", file, line, msg, expr ? " (" : "",
                 expr ? expr : "", expr ? ")" : "", want ? "; expected " : "", want ? want : "",
                 got ? ", got " : "", got ? got : "");
    }
}

/* --- integers --- */

int iso_int_cmp(struct iso_int a, struct iso_int b)
{
    bool a_neg = a.is_signed && (long long)a.bits < 0;
    bool b_neg = b.is_signed && (long long)b.bits < 0;

    if (a_neg != b_neg)
        return a_neg ? -1 : 1;
    /* same side of zero: two's complement keeps the order of negatives */
    if (a.bits == b.bits)
        return 0;
    return a.bits < b.bits ? -1 : 1;
}

static void format_int(char *buf, size_t size, struct iso_int v)
{
    if (v.is_signed)
        snprintf(buf, size, "%lld", (long long)v.bits);
    else
        snprintf(buf, size, "%llu", v.bits);
}

void iso_expect_int_failed(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                           const char *op, struct iso_int got, struct iso_int want, const char *msg)
{
    char g[32], w[32], expected[40];

    format_int(g, sizeof(g), got);
    format_int(w, sizeof(w), want);
    if (strcmp(op, "==") == 0)
        snprintf(expected, sizeof(expected), "%s", w);
    else
        snprintf(expected, sizeof(expected), "%s %s", op, w);
    record(ctx, file, line, msg, expr, expected, g);
}

/* --- strings --- */

static const struct {
    const char *expected; /* how the wanted value reads */
    bool want_match;      /* pass when got equals (contains) want */
    bool substring;
} str_kinds[] = {
    [ISO_STR_EQ] = { "", true, false },
    [ISO_STR_NE] = { "anything but ", false, false },
    [ISO_STR_CONTAINS] = { "containing ", true, true },
    [ISO_STR_NOT_CONTAINS] = { "not containing ", false, true },
};

static const char *or_null(const char *s) { return s ? s : "null"; }

bool iso_expect_str(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                    enum iso_str_kind kind, const char *got, const char *want, const char *msg)
{
    bool match = false;
    char expected[1024], quoted[1024];

    /* a missing value is never evidence: got NULL fails every kind */
    if (got && want)
        match = str_kinds[kind].substring ? strstr(got, want) != NULL : strcmp(got, want) == 0;
    if (got && match == str_kinds[kind].want_match)
        return true;
    snprintf(quoted, sizeof(quoted), want && str_kinds[kind].substring ? "\"%s\"" : "%s",
             or_null(want));
    snprintf(expected, sizeof(expected), "%s%s", str_kinds[kind].expected, quoted);
    record(ctx, file, line, msg, expr, expected, or_null(got));
    return false;
}

/* --- capability masks --- */

/* "cap_a,cap_b" for the bits set in mask, by libcap's names. */
static void cap_names(char *buf, size_t size, unsigned long long mask)
{
    size_t off = 0;

    buf[0] = '\0';
    for (int bit = 0; bit < 64 && off < size; bit++) {
        char *name;

        if (!(mask & (1ull << bit)))
            continue;
        name = cap_to_name(bit);
        off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? "," : "", name ? name : "?");
        cap_free(name);
    }
}

/* Which bits are wrong for each kind, and how the wanted mask reads. */
static const struct {
    const char *expected;
    bool name_want;              /* name the wanted bits too */
    bool extra, missing, common; /* got & ~want, want & ~got, got & want */
} caps_kinds[] = {
    [ISO_CAPS_EQ] = { "", false, true, true, false },
    [ISO_CAPS_SUBSET] = { "within ", false, true, false, false },
    [ISO_CAPS_HAS] = { "all of ", true, false, true, false },
    [ISO_CAPS_NONE] = { "none of ", true, false, false, true },
};

bool iso_expect_caps(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                     enum iso_caps_kind kind, unsigned long long got, unsigned long long want,
                     const char *msg)
{
    const struct {
        bool checked;
        const char *label;
        unsigned long long bits;
    } wrong[] = {
        { caps_kinds[kind].extra, "extra", got & ~want },
        { caps_kinds[kind].missing, "missing", want & ~got },
        { caps_kinds[kind].common, "has", got & want },
    };
    char names[700], expected[800], seen[2400];
    size_t off;

    off = (size_t)snprintf(seen, sizeof(seen), "0x%016llx (", got);
    for (size_t i = 0; i < ARRAY_LEN(wrong); i++) {
        if (!wrong[i].checked || !wrong[i].bits)
            continue;
        cap_names(names, sizeof(names), wrong[i].bits);
        off += (size_t)snprintf(seen + off, sizeof(seen) - off, "%s%s: %s",
                                seen[off - 1] == '(' ? "" : "; ", wrong[i].label, names);
        if (off >= sizeof(seen) - 2)
            off = sizeof(seen) - 2;
    }
    if (seen[off - 1] == '(')
        return true;
    snprintf(seen + off, sizeof(seen) - off, ")");
    cap_names(names, sizeof(names), want);
    snprintf(expected, sizeof(expected), "%s0x%016llx%s%s%s", caps_kinds[kind].expected, want,
             caps_kinds[kind].name_want ? " (" : "", caps_kinds[kind].name_want ? names : "",
             caps_kinds[kind].name_want ? ")" : "");
    record(ctx, file, line, msg, expr, expected, seen);
    return false;
}

/* --- report keys, error contract, errno --- */

bool iso_expect_key(struct iso_ctx *ctx, const char *file, int line, const struct iso_result *r,
                    const char *key, bool present, const char *msg)
{
    const char *v = iso_get(r, key);
    char expr[160];

    if ((v != NULL) == present)
        return true;
    snprintf(expr, sizeof(expr), "report has \"%s\"", key);
    if (present) {
        record(ctx, file, line, msg, expr, "a value", "null");
        iso_diag(ctx, "report", "%.*s", (int)r->out_len, r->out);
    } else {
        record(ctx, file, line, msg, expr, "null", v);
    }
    return false;
}

static const char *errno_name(int errnum)
{
    const char *name = errnum ? strerrorname_np(errnum) : NULL;
    return name ? name : "errno";
}

void iso_expect_ok_failed(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                          long long rc, const struct iso_err *err)
{
    char got[300];

    if (err->errnum)
        snprintf(got, sizeof(got), "%lld, %s: %s", rc, errno_name(err->errnum),
                 strerror(err->errnum));
    else
        snprintf(got, sizeof(got), "%lld", rc);
    /* the error's message says what was tried on what */
    record(ctx, file, line, err->msg[0] ? err->msg : "the call failed without a message", expr,
           ">= 0", got);
}

void iso_expect_sys_failed(struct iso_ctx *ctx, const char *file, int line, const char *expr,
                           long long rc, int errnum, const char *path, const char *msg)
{
    char got[PATH_MAX + 200], on[PATH_MAX + 8] = "";

    if (path)
        snprintf(on, sizeof(on), " on \"%s\"", path);
    if (errnum)
        snprintf(got, sizeof(got), "%lld%s, %s: %s", rc, on, errno_name(errnum), strerror(errnum));
    else
        snprintf(got, sizeof(got), "%lld%s, errno not set", rc, on);
    record(ctx, file, line, msg, expr, ">= 0", got);
}

bool iso_expect_true(struct iso_ctx *ctx, const char *file, int line, const char *expr, bool cond,
                     const char *msg)
{
    if (!cond)
        record(ctx, file, line, msg, expr, "true", "false");
    return cond;
}

void iso_fail(struct iso_ctx *ctx, const char *file, int line, const char *msg, const char *fmt,
              ...)
{
    char got[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(got, sizeof(got), fmt, ap);
    va_end(ap);
    record(ctx, file, line, msg, NULL, NULL, got);
}

static void skip_v(struct iso_ctx *ctx, enum iso_feature lacks, const char *fmt, va_list ap)
    ISO_PRINTF(3, 0);
static void skip_v(struct iso_ctx *ctx, enum iso_feature lacks, const char *fmt, va_list ap)
{
    vsnprintf(ctx->out->reason, sizeof(ctx->out->reason), fmt, ap);
    ctx->out->feature = (int)lacks;
    if (ctx->out->status != ISO_ST_FAIL)
        ctx->out->status = ISO_ST_SKIP;
}

void iso_skip(struct iso_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    skip_v(ctx, ISO_FEAT_NONE, fmt, ap);
    va_end(ap);
}

void iso_skip_for(struct iso_ctx *ctx, enum iso_feature lacks, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    skip_v(ctx, lacks, fmt, ap);
    va_end(ap);
}

void iso_doing(struct iso_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx->out->doing, sizeof(ctx->out->doing), fmt, ap);
    va_end(ap);
}

void iso_fail_run(struct iso_ctx *ctx, const char *file, int line, const struct iso_err *err,
                  const struct iso_result *r)
{
    record(ctx, file, line, "container setup failed", NULL, NULL, NULL);
    iso_diag(ctx, "step", "%s", err->msg);
    if (r && r->err_len)
        iso_diag(ctx, "stderr", "%.*s", (int)r->err_len, r->err);
}

bool iso_check_exit(struct iso_ctx *ctx, const char *file, int line, const struct iso_result *r)
{
    char got[64];

    if (WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0)
        return true;
    if (WIFSIGNALED(r->status))
        snprintf(got, sizeof(got), "killed by signal %d", WTERMSIG(r->status));
    else
        snprintf(got, sizeof(got), "exit %d", WEXITSTATUS(r->status));
    record(ctx, file, line, "probe did not exit 0", NULL, "exit 0", got);
    if (r->out_len)
        iso_diag(ctx, "report", "%.*s", (int)r->out_len, r->out);
    if (r->err_len)
        iso_diag(ctx, "stderr", "%.*s", (int)r->err_len, r->err);
    return false;
}
