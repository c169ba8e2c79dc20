/* expect.c - assertions record into the case's shared outcome. The first
 * failure fills message/expected/got/at; later ones are listed after it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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
        vlen = sizeof(o->diag) > o->diag_len + klen + 2 ? sizeof(o->diag) - o->diag_len - klen - 2 : 0;
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
        iso_diag(ctx, key, "%s:%d: %s%s%s%s%s", file, line, msg, want ? "; expected " : "",
                 want ? want : "", got ? ", got " : "", got ? got : "");
    }
}

bool iso_expect_str(struct iso_ctx *ctx, const char *file, int line, const char *expr, bool equal,
                    const char *got, const char *want, const char *msg)
{
    bool same = got && want && strcmp(got, want) == 0;
    char wantbuf[600];

    if (got && same == equal)
        return true;
    snprintf(wantbuf, sizeof(wantbuf), "%s%s", equal ? "" : "anything but ", want ? want : "(none)");
    record(ctx, file, line, msg, expr, wantbuf, got ? got : "(missing from the report)");
    return false;
}

bool iso_expect_int(struct iso_ctx *ctx, const char *file, int line, const char *expr, const char *op,
                    long long got, long long want, const char *msg)
{
    bool ok;
    char g[32], w[48];

    if (strcmp(op, "==") == 0)
        ok = got == want;
    else if (strcmp(op, "!=") == 0)
        ok = got != want;
    else
        ok = got > want;
    if (ok)
        return true;
    snprintf(g, sizeof(g), "%lld", got);
    snprintf(w, sizeof(w), "%s%lld", strcmp(op, "==") == 0 ? "" : op, want);
    record(ctx, file, line, msg, expr, w, g);
    return false;
}

bool iso_expect_true(struct iso_ctx *ctx, const char *file, int line, const char *expr, bool cond,
                     const char *msg)
{
    if (!cond)
        record(ctx, file, line, msg, expr, "true", "false");
    return cond;
}

void iso_fail(struct iso_ctx *ctx, const char *file, int line, const char *msg, const char *fmt, ...)
{
    char got[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(got, sizeof(got), fmt, ap);
    va_end(ap);
    record(ctx, file, line, msg, NULL, NULL, got);
}

void iso_skip(struct iso_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx->out->reason, sizeof(ctx->out->reason), fmt, ap);
    va_end(ap);
    if (ctx->out->status != ISO_ST_FAIL)
        ctx->out->status = ISO_ST_SKIP;
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
