/* runner.c - scheduling, timeouts and result order. */
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
    pid_t pid;      /* case process (and its process group), 0 when idle */
    int k;          /* position in the selection */
    double start, deadline;
    bool killed;
};

struct done {
    bool finished;
    bool timed_out;
    int wstatus;
    double ms;
};

static __attribute__((noreturn)) void case_main(const struct runner_args *a, int k,
                                                struct iso_outcome *out)
{
    struct iso_case *c = registry_at(a->sel[k]);
    struct iso_ctx ctx;
    struct iso_err err = { 0, "" };
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);
    memset(&ctx, 0, sizeof(ctx));
    ctx.c = c;
    ctx.cfg = a->cfg;
    ctx.out = out;
    ctx.upstream_fd = -1;
    ctx.index = k;
    ISO_DOING(&ctx, "preparing the case's namespaces and root");
    if (lab_case_setup(&ctx, k, &err) < 0) {
        iso_fail(&ctx, c->file, c->line, "case setup failed", "%s", err.msg);
        _exit(0);
    }
    ISO_DOING(&ctx, "running");
    c->fn(&ctx);
    if (out->status == ISO_ST_PENDING)
        out->status = ISO_ST_PASS;
    _exit(0);
}

static void start_case(const struct runner_args *a, struct slot *s, int k, struct iso_outcome *out)
{
    pid_t pid = fork();

    if (pid == 0)
        case_main(a, k, out);
    s->k = k;
    s->start = now_ms();
    s->deadline = s->start + a->cfg->timeout_s * 1000.0;
    s->killed = false;
    if (pid < 0) { /* recorded as a harness failure of this case */
        snprintf(out->reason, sizeof(out->reason), "fork: %s", strerror(errno));
        s->pid = -1;
        return;
    }
    setpgid(pid, pid);
    s->pid = pid;
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

static int emit(const struct runner_args *a, int k, struct iso_outcome *o, const struct done *d)
{
    const struct iso_case *c = registry_at(a->sel[k]);
    struct tap_result r = { .name = c->name };
    char text[320], note[64], sab[256];

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
        add_diag(o, "runtime", a->cfg->runtime ? a->cfg->runtime : "builtin");
        if (a->cfg->sabotage) {
            spec_sabotage_names(a->cfg->sabotage, sab, sizeof(sab));
            add_diag(o, "sabotage", sab);
        }
        r.diag = o->diag;
        r.diag_len = o->diag_len;
    }
    tap_emit(a->tap, &r);
    return r.ok ? 0 : 1;
}

static void reap_all(struct slot *slots, int jobs, struct done *done)
{
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int j = 0; j < jobs; j++) {
            if (slots[j].pid != pid)
                continue;
            kill(-pid, SIGKILL); /* whatever the case left running */
            done[slots[j].k].finished = true;
            done[slots[j].k].timed_out = slots[j].killed;
            done[slots[j].k].wstatus = status;
            done[slots[j].k].ms = now_ms() - slots[j].start;
            slots[j].pid = 0;
        }
        /* any other pid is an orphan re-parented to us: reaped, forgotten */
    }
}

int runner_main(void *args)
{
    const struct runner_args *a = args;
    int jobs = a->cfg->jobs, next = 0, printed = 0, failed = 0;
    struct iso_outcome *outs;
    struct slot slots[64];
    struct done *done;
    sigset_t chld;

    if (jobs > (int)ARRAY_LEN(slots))
        jobs = (int)ARRAY_LEN(slots);
    outs = mmap(NULL, sizeof(*outs) * (size_t)a->n, PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    done = calloc((size_t)a->n, sizeof(*done));
    if (outs == MAP_FAILED || !done) {
        tap_bail(a->tap, "runner: cannot allocate result memory");
        return 2;
    }
    memset(slots, 0, sizeof(slots));
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    while (printed < a->n) {
        double wait = 1000.0, t;
        int running = 0;
        struct timespec ts;

        for (int j = 0; j < jobs && next < a->n; j++) {
            if (slots[j].pid == 0) {
                int k = next++;
                start_case(a, &slots[j], k, &outs[k]);
            }
            if (slots[j].pid < 0) { /* fork failed */
                done[slots[j].k] = (struct done){ true, false, 0x7f00, 0 };
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
        reap_all(slots, jobs, done);
        while (printed < a->n && done[printed].finished) {
            failed |= emit(a, printed, &outs[printed], &done[printed]);
            printed++;
        }
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    return failed ? 1 : 0;
}
