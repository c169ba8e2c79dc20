/* runner.c - runtime blocks, scheduling, timeouts and result order.
 *
 * Items are (runtime, case) pairs, runtime-major. Before scheduling, each
 * external runtime is checked once: a missing binary makes its block one
 * "# SKIP" line, a runtime that cannot start even a trivial container one
 * "not ok" with its stderr, instead of a failure per case. */
#define _GNU_SOURCE
#include "runner.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "lab.h"
#include "registry.h"
#include "spec.h"

struct slot {
    pid_t pid; /* case process (and its process group), 0 when idle */
    int item;
    double start, deadline;
    bool killed;
};

struct done {
    bool finished;
    bool timed_out;
    int wstatus;
    double ms;
};

enum block_state { B_OK, B_SKIP, B_FAIL };

struct block {
    enum block_state state;
    struct iso_outcome *why; /* preflight outcome (reason or diagnostics) */
};

static void init_ctx(struct iso_ctx *ctx, const struct runner_args *a, int item,
                     const struct iso_runtime *rt, struct iso_outcome *out)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->cfg = a->cfg;
    ctx->out = out;
    ctx->upstream_fd = -1;
    ctx->index = item;
    ctx->rt = rt;
}

static __attribute__((noreturn)) void case_main(const struct runner_args *a, int item,
                                                struct iso_outcome *out)
{
    struct iso_case *c = registry_at(a->sel[item % a->n]);
    struct iso_ctx ctx;
    struct iso_err err = { 0, "" };
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);
    init_ctx(&ctx, a, item, a->rts[item / a->n], out);
    ctx.c = c;
    ISO_DOING(&ctx, "preparing the case's namespaces and root");
    if (lab_case_setup(&ctx, item, &err) < 0) {
        iso_fail(&ctx, c->file, c->line, "case setup failed", "%s", err.msg);
        _exit(0);
    }
    ISO_DOING(&ctx, "running");
    c->fn(&ctx);
    if (out->status == ISO_ST_PENDING)
        out->status = ISO_ST_PASS;
    _exit(0);
}

static void add_diag(struct iso_outcome *o, const char *key, const char *val)
{
    size_t k = strlen(key) + 1, v = strlen(val) + 1;
    if (o->diag_len + k + v > sizeof(o->diag))
        return;
    memcpy(o->diag + o->diag_len, key, k);
    memcpy(o->diag + o->diag_len + k, val, v);
    o->diag_len += k + v;
}

/* Can this runtime start a trivial container here at all? */
static void preflight(const struct runner_args *a, int r, struct block *b)
{
    const struct iso_runtime *rt = a->rts[r];
    char why[256] = "";
    pid_t pid;
    int status;

    b->state = B_OK;
    if (!rt->available(why, sizeof(why))) {
        b->state = B_SKIP;
        snprintf(b->why->reason, sizeof(b->why->reason), "runtime %s: %s", rt->name, why);
        return;
    }
    if (!rt->external)
        return;
    pid = fork();
    if (pid == 0) {
        struct iso_ctx ctx;
        struct iso_err err = { 0, "" };
        static struct iso_result res;
        struct iso_spec s;

        setpgid(0, 0);
        init_ctx(&ctx, a, a->n * a->nrt + r, rt, b->why);
        if (lab_case_setup(&ctx, a->n * a->nrt + r, &err) < 0) {
            add_diag(b->why, "step", err.msg);
            _exit(1);
        }
        s = iso_spec_default(&ctx);
        alarm((unsigned)a->cfg->timeout_s + 1);
        if (iso_run(&ctx, &s, ISO_ARGV("pid"), &res, &err) < 0 || !iso_get(&res, "pid")) {
            add_diag(b->why, "message", "the runtime could not start a trivial container");
            if (err.msg[0])
                add_diag(b->why, "step", err.msg);
            if (res.err_len)
                add_diag(b->why, "stderr", res.err);
            if (res.out_len)
                add_diag(b->why, "stdout", res.out);
            _exit(1);
        }
        _exit(0);
    }
    waitpid(pid, &status, 0);
    kill(-pid, SIGKILL);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        b->state = B_FAIL;
        if (b->why->diag_len == 0)
            add_diag(b->why, "message", "the runtime's preflight container did not finish");
    }
}

static void start_case(const struct runner_args *a, struct slot *s, int item, struct iso_outcome *out)
{
    pid_t pid = fork();

    if (pid == 0)
        case_main(a, item, out);
    s->item = item;
    s->start = now_ms();
    s->deadline = s->start + a->cfg->timeout_s * 1000.0;
    s->killed = false;
    if (pid < 0) {
        snprintf(out->reason, sizeof(out->reason), "fork: %s", strerror(errno));
        s->pid = -1;
        return;
    }
    setpgid(pid, pid);
    s->pid = pid;
}

static bool nested(const struct runner_args *a) { return a->nrt > 1 && a->cfg->tap_version >= 14; }
static bool prefixed(const struct runner_args *a) { return a->nrt > 1 && a->cfg->tap_version < 14; }

/* One result line; returns its verdict. */
static enum verdict emit(const struct runner_args *a, int item, struct iso_outcome *o,
                         const struct done *d)
{
    const struct iso_runtime *rt = a->rts[item / a->n];
    const struct iso_case *c = registry_at(a->sel[item % a->n]);
    struct tap_result r = { 0 };
    char text[320], note[64], sab[256], name[300];
    const char *todo;

    snprintf(name, sizeof(name), "%s%s%s", prefixed(a) ? rt->name : "", prefixed(a) ? "/" : "",
             c->name);
    r.name = name;
    snprintf(note, sizeof(note), "time=%.2fms", d->ms);
    if (d->timed_out) {
        snprintf(text, sizeof(text), "timed out after %.1f s", a->cfg->timeout_s);
        snprintf(note, sizeof(note), "timeout");
        o->status = ISO_ST_FAIL;
        add_diag(o, "message", text);
        add_diag(o, "doing", o->doing);
    } else if (o->status == ISO_ST_PENDING) {
        if (WIFSIGNALED(d->wstatus))
            snprintf(text, sizeof(text), "case process killed by signal %d", WTERMSIG(d->wstatus));
        else
            snprintf(text, sizeof(text), "case process ended with status %d%s%s",
                     WEXITSTATUS(d->wstatus), o->reason[0] ? ": " : "", o->reason);
        o->status = ISO_ST_FAIL;
        add_diag(o, "message", text);
        add_diag(o, "doing", o->doing);
    }
    r.ok = o->status != ISO_ST_FAIL;
    r.note = note;
    if (o->status == ISO_ST_SKIP) {
        r.directive = "SKIP";
        r.reason = o->reason;
    }
    if (!r.ok) {
        add_diag(o, "runtime", rt->name);
        if (a->versions[item / a->n])
            add_diag(o, "runtime_version", a->versions[item / a->n]);
        if (a->cfg->sabotage) {
            spec_sabotage_names(a->cfg->sabotage, sab, sizeof(sab));
            add_diag(o, "sabotage", sab);
        }
        r.diag = o->diag;
        r.diag_len = o->diag_len;
        todo = known_match(a->known, a->nknown, rt->name, a->versions[item / a->n], c->name);
        if (todo) {
            r.directive = "TODO";
            r.reason = todo;
        }
    }
    tap_emit(a->tap, &r);
    return r.ok ? (o->status == ISO_ST_SKIP ? V_SKIP : V_OK) : r.directive ? V_TODO : V_FAIL;
}

static void reap_all(const struct runner_args *a, struct slot *slots, int jobs, struct done *done)
{
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int j = 0; j < jobs; j++) {
            if (slots[j].pid != pid)
                continue;
            kill(-pid, SIGKILL); /* whatever the case left running */
            if (slots[j].killed) {
                char dir[PATH_MAX];
                snprintf(dir, sizeof(dir), "%s/c%d", LAB_DIR, slots[j].item);
                rt_cleanup(a->rts[slots[j].item / a->n], dir);
            }
            done[slots[j].item] = (struct done){ true, slots[j].killed, status,
                                                 now_ms() - slots[j].start };
            slots[j].pid = 0;
        }
        /* any other pid is an orphan re-parented to us: reaped, forgotten */
    }
}

/* Block header / single line, at the first item of each block. */
static void open_block(const struct runner_args *a, int r, const struct block *b, int *top)
{
    const struct iso_runtime *rt = a->rts[r];
    struct tap_result line = { .name = rt->name };

    if (b->state == B_OK) {
        if (nested(a)) {
            tap_comment(a->tap, "Subtest: %s", rt->name);
            a->tap->indent = 4;
            a->tap->count = 0;
            tap_plan(a->tap, a->n);
        }
        return;
    }
    line.ok = b->state == B_SKIP;
    if (b->state == B_SKIP) {
        line.directive = "SKIP";
        line.reason = b->why->reason;
    } else {
        add_diag(b->why, "runtime", rt->name);
        line.diag = b->why->diag;
        line.diag_len = b->why->diag_len;
    }
    if (nested(a))
        a->tap->count = (*top)++ - 1;
    tap_emit(a->tap, &line);
    for (int k = 0; k < a->n; k++)
        a->verdicts[r * a->n + k] = b->state == B_SKIP ? V_SKIP : V_FAIL;
}

static void close_block(const struct runner_args *a, int r, bool failed, int *top)
{
    struct tap_result line = { .ok = !failed, .name = a->rts[r]->name };

    if (!nested(a))
        return;
    a->tap->indent = 0;
    a->tap->count = (*top)++ - 1;
    tap_emit(a->tap, &line);
}

static void print_matrix(const struct runner_args *a)
{
    static const char *const words[] = { "-", "ok", "FAIL", "skip", "TODO" };
    char line[1024];
    size_t off;

    if (a->nrt < 2)
        return;
    off = (size_t)snprintf(line, sizeof(line), "%-44s", "matrix");
    for (int r = 0; r < a->nrt; r++)
        off += (size_t)snprintf(line + off, sizeof(line) - off, " %-8s", a->rts[r]->name);
    tap_comment(a->tap, "%s", line);
    for (int k = 0; k < a->n; k++) {
        off = (size_t)snprintf(line, sizeof(line), "%-44s", registry_at(a->sel[k])->name);
        for (int r = 0; r < a->nrt; r++)
            off += (size_t)snprintf(line + off, sizeof(line) - off, " %-8s",
                                    words[a->verdicts[r * a->n + k]]);
        tap_comment(a->tap, "%s", line);
    }
}

int runner_main(void *args)
{
    const struct runner_args *a = args;
    int total = a->n * a->nrt, jobs = a->cfg->jobs, next = 0, printed = 0, top = 1, planned = 0;
    bool failed = false, block_failed = false;
    int opened = -1; /* the block whose header is out */
    struct iso_outcome *outs;
    struct block blocks[8];
    struct slot slots[64];
    struct done *done;
    sigset_t chld;

    if (jobs > (int)ARRAY_LEN(slots))
        jobs = (int)ARRAY_LEN(slots);
    outs = mmap(NULL, sizeof(*outs) * (size_t)(total + a->nrt), PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    done = calloc((size_t)total + 1, sizeof(*done));
    if (outs == MAP_FAILED || !done || a->nrt > (int)ARRAY_LEN(blocks)) {
        tap_bail(a->tap, "runner: cannot allocate result memory");
        return 2;
    }
    for (int r = 0; r < a->nrt; r++) {
        blocks[r].why = &outs[total + r];
        preflight(a, r, &blocks[r]);
        planned += nested(a) ? 1 : blocks[r].state == B_OK ? a->n : 1;
    }
    tap_plan(a->tap, planned);
    memset(slots, 0, sizeof(slots));
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    while (printed < total) {
        double wait = 1000.0, t;
        int running = 0;
        struct timespec ts;

        for (int j = 0; j < jobs && next < total; j++) {
            while (next < total && blocks[next / a->n].state != B_OK)
                next++;
            if (next >= total)
                break;
            if (slots[j].pid == 0) {
                int item = next++;
                start_case(a, &slots[j], item, &outs[item]);
            }
            if (slots[j].pid < 0) { /* fork failed */
                done[slots[j].item] = (struct done){ true, false, 0x7f00, 0 };
                slots[j].pid = 0;
            }
        }
        t = now_ms();
        for (int j = 0; j < jobs; j++) {
            if (slots[j].pid <= 0)
                continue;
            running++;
            if (!slots[j].killed && t >= slots[j].deadline) {
                kill(-slots[j].pid, SIGKILL);
                kill(slots[j].pid, SIGKILL);
                slots[j].killed = true;
            }
            if (!slots[j].killed && slots[j].deadline - t < wait)
                wait = slots[j].deadline - t;
        }
        if (running) {
            if (wait < 1)
                wait = 1;
            ts.tv_sec = (time_t)(wait / 1000);
            ts.tv_nsec = (long)((wait - (double)ts.tv_sec * 1000) * 1e6);
            sigtimedwait(&chld, NULL, &ts);
        }
        reap_all(a, slots, jobs, done);
        while (printed < total) {
            int r = printed / a->n;
            if (printed % a->n == 0 && opened != r) {
                opened = r;
                open_block(a, r, &blocks[r], &top);
                block_failed = blocks[r].state == B_FAIL;
                if (blocks[r].state != B_OK) {
                    failed |= block_failed;
                    printed += a->n;
                    continue;
                }
            }
            if (!done[printed].finished)
                break;
            a->verdicts[printed] = emit(a, printed, &outs[printed], &done[printed]);
            block_failed |= a->verdicts[printed] == V_FAIL;
            failed |= a->verdicts[printed] == V_FAIL;
            printed++;
            if (printed % a->n == 0)
                close_block(a, r, block_failed, &top);
        }
    }
    print_matrix(a);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    return failed ? 1 : 0;
}
