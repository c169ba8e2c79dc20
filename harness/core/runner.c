/* runner.c - runtime blocks, scheduling, timeouts and result order.
 *
 * Items are (runtime, case) pairs, runtime-major. Before scheduling, each
 * external runtime is checked once: a missing binary makes its block one
 * skipped result, a runtime that cannot start even a trivial container one
 * failure with its stderr, instead of a failure per case. The runner
 * settles verdicts into the shared store and reports them to the outputs
 * (sink.h); it formats nothing itself.
 *
 * A case process says "done" (a queued signal carrying its item) once its
 * outcome is in the shared store, and exits: the runner settles the item
 * then, kills what is left of the case's process group and reaps the
 * process later. Nobody waits for the kernel to tear the case's
 * namespaces and mounts down (milliseconds per case).
 *
 * Each case is checked for leaks (leak.h): the case process looks at its
 * own descendants and cgroups before it says "done", the runner at the lab
 * when the case has ended; the block's leak point follows its cases. */
#define _GNU_SOURCE
#include "runner.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "lab.h"
#include "leak.h"
#include "registry.h"
#include "spec.h"

struct slot {
    pid_t pid; /* case process (and its process group), 0 when idle */
    int item;
    double start, deadline;
    bool killed;
};

/* The case process's "done", queued (two cases may end at once). */
#define SIG_CASE_DONE SIGRTMIN

struct done {
    bool finished;
    bool timed_out;
    int wstatus;
    double ms;
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

    /* fresh from the fork: the stack a case uses (its context, a container's
     * and a result's buffers: 100 KB) faulted in at once, not page by page */
    prefault_stack((size_t)128 * 1024);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);
    leak_case_begin();
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
    {
        struct res_item *it = &a->res->items[item];
        it->nleak += leak_case_end(a->cfg, item, it->leak, sizeof(it->leak));
    }
    /* A reader of our stdout need not wait for this process's teardown. */
    close(STDOUT_FILENO);
    sigqueue(getppid(), SIG_CASE_DONE, (union sigval){ .sival_int = item });
    _exit(0);
}

/* --require: a skip for want of a required feature is a failure, with
 * the skip's reason kept in its diagnostics. */
static void require_feature(const struct iso_config *cfg, struct iso_outcome *o)
{
    const char *name = feature_row((enum iso_feature)o->feature)->name;

    if (o->status != ISO_ST_SKIP || !(cfg->require & feature_bit((enum iso_feature)o->feature)))
        return;
    o->status = ISO_ST_FAIL;
    results_add_diag(o, "message", "a feature required with --require is missing");
    results_add_diag(o, "feature", name);
    results_add_diag(o, "reason", o->reason);
}

/* The runtime's daemon, if it has one: one that does not come up fails
 * the runtime's block with its log, and the other runtimes go on. */
static int start_daemon(const struct runner_args *a, const struct iso_runtime *rt,
                        struct res_block *b)
{
    static struct rt_daemon_report r;

    if (!rt->daemon_start)
        return 0;
    memset(&r, 0, sizeof(r));
    if (rt->daemon_start(rt, &r) == 0) {
        if (r.said[0])
            sinks_note(a->sinks, "%s", r.said);
        return 0;
    }
    b->state = BLOCK_FAIL;
    results_add_diag(&b->why, "message", "the runtime's daemon did not come up");
    results_add_diag(&b->why, "step", r.why);
    if (r.log[0])
        results_add_diag(&b->why, "log", r.log);
    results_add_diag(&b->why, "runtime", rt->name);
    return -1;
}

/* Stop every daemon a runtime of the run started. */
static void stop_daemons(const struct runner_args *a)
{
    for (int r = 0; r < a->nrt; r++)
        if (a->rts[r]->daemon_stop)
            a->rts[r]->daemon_stop(a->rts[r]);
}

/* Can this runtime start a trivial container here at all? */
static void preflight(const struct runner_args *a, int r, struct res_block *b)
{
    const struct iso_runtime *rt = a->rts[r];
    char why[256] = "";
    pid_t pid;
    int status;

    b->state = BLOCK_OK;
    if (!rt->available(why, sizeof(why))) {
        b->state = BLOCK_SKIP;
        snprintf(b->why.reason, sizeof(b->why.reason), "runtime %s: %s", rt->name, why);
        b->why.status = ISO_ST_SKIP;
        b->why.feature = ISO_FEAT_RUNTIME;
        require_feature(a->cfg, &b->why);
        if (b->why.status == ISO_ST_FAIL)
            b->state = BLOCK_FAIL;
        return;
    }
    if (!rt->external || start_daemon(a, rt, b) < 0)
        return;
    pid = fork();
    if (pid == 0) {
        struct iso_ctx ctx;
        struct iso_err err = { 0, "" };
        static struct iso_result res;
        struct iso_spec s;

        setpgid(0, 0);
        init_ctx(&ctx, a, a->n * a->nrt + r, rt, &b->why);
        if (lab_case_setup(&ctx, a->n * a->nrt + r, &err) < 0) {
            results_add_diag(&b->why, "step", err.msg);
            _exit(1);
        }
        s = iso_spec_default(&ctx);
        alarm((unsigned)a->cfg->timeout_s + 1);
        if (iso_run(&ctx, &s, ISO_ARGV("pid"), &res, &err) < 0 || !iso_get(&res, "pid")) {
            results_add_diag(&b->why, "message", "the runtime could not start a trivial container");
            if (err.msg[0])
                results_add_diag(&b->why, "step", err.msg);
            if (res.err_len)
                results_add_diag(&b->why, "stderr", res.err);
            if (res.out_len)
                results_add_diag(&b->why, "stdout", res.out);
            _exit(1);
        }
        _exit(0);
    }
    waitpid(pid, &status, 0);
    kill(-pid, SIGKILL);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        b->state = BLOCK_FAIL;
        if (b->why.diag_len == 0)
            results_add_diag(&b->why, "message",
                             "the runtime's preflight container did not finish");
        results_add_diag(&b->why, "runtime", rt->name);
    }
}

static void start_case(const struct runner_args *a, struct slot *s, int item,
                       struct iso_outcome *out)
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

/* Turn what the case process left into a verdict, with the diagnostics
 * of a case that did not finish and the run's context on a failure. */
static void settle(const struct runner_args *a, int item, const struct done *d)
{
    int r = item / a->n;
    const struct iso_runtime *rt = a->rts[r];
    const struct iso_case *c = registry_at(a->sel[item % a->n]);
    struct res_item *it = &a->res->items[item];
    struct iso_outcome *o = &it->out;
    char text[320], sab[256];
    const char *todo;

    it->ms = d->ms;
    it->timed_out = d->timed_out;
    if (d->timed_out) {
        snprintf(text, sizeof(text), "timed out after %.1f s", a->cfg->timeout_s);
        o->status = ISO_ST_FAIL;
        results_add_diag(o, "message", text);
        results_add_diag(o, "doing", o->doing);
    } else if (o->status == ISO_ST_PENDING) {
        if (WIFSIGNALED(d->wstatus))
            snprintf(text, sizeof(text), "case process killed by signal %d", WTERMSIG(d->wstatus));
        else
            snprintf(text, sizeof(text), "case process ended with status %d%s%s",
                     WEXITSTATUS(d->wstatus), o->reason[0] ? ": " : "", o->reason);
        o->status = ISO_ST_FAIL;
        results_add_diag(o, "message", text);
        results_add_diag(o, "doing", o->doing);
    }
    require_feature(a->cfg, o);
    if (o->status != ISO_ST_FAIL) {
        it->verdict = o->status == ISO_ST_SKIP ? V_SKIP : V_OK;
        return;
    }
    results_add_diag(o, "runtime", rt->name);
    if (a->versions[r])
        results_add_diag(o, "runtime_version", a->versions[r]);
    if (a->cfg->sabotage) {
        spec_sabotage_names(a->cfg->sabotage, sab, sizeof(sab));
        results_add_diag(o, "sabotage", sab);
    }
    todo = known_match(a->known, a->nknown, rt->name, a->versions[r], c->name);
    if (todo)
        snprintf(it->todo, sizeof(it->todo), "%s", todo);
    it->verdict = todo ? V_TODO : V_FAIL;
}

/* What a case's runtime or container deleted of the run directory, if
 * anything: no case can run without it, so the run stops there. */
static char lab_damage[160];

/* A case ended: what it left in the lab is its leak. */
static void look_at_lab(const struct runner_args *a, struct leak_lab *lab, int item)
{
    struct res_item *it = &a->res->items[item];

    it->nleak += leak_lab_check(lab, it->leak, sizeof(it->leak));
    if (!lab_damage[0])
        lab_dir_check(lab_damage, sizeof(lab_damage));
}

static void reap_all(const struct runner_args *a, struct leak_lab *lab, struct slot *slots,
                     int jobs, struct done *done)
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
            done[slots[j].item] =
                (struct done){ true, slots[j].killed, status, now_ms() - slots[j].start };
            look_at_lab(a, lab, slots[j].item);
            slots[j].pid = 0;
        }
        /* any other pid is an orphan re-parented to us: reaped, forgotten */
    }
}

/* A case said it is done: settle its slot as if it had exited 0 and kill
 * what it leaves (itself included); its process is reaped as an orphan. */
static void take_done(const struct runner_args *a, struct leak_lab *lab, struct slot *slots,
                      int jobs, const siginfo_t *si, struct done *done)
{
    for (int j = 0; j < jobs; j++) {
        if (slots[j].pid != si->si_pid || slots[j].item != si->si_value.sival_int)
            continue;
        if (slots[j].killed) /* past its deadline: the reap settles it */
            return;
        kill(-slots[j].pid, SIGKILL);
        done[slots[j].item] = (struct done){ true, false, 0, now_ms() - slots[j].start };
        look_at_lab(a, lab, slots[j].item);
        slots[j].pid = 0;
    }
}

/* Report every item that is settled, in order; false once one is not. */
static bool report_ready(const struct runner_args *a, int *printed, int *opened, struct done *done,
                         bool *failed)
{
    while (*printed < a->n * a->nrt) {
        int r = *printed / a->n;
        if (*printed % a->n == 0 && *opened != r) {
            *opened = r;
            sinks_block_start(a->sinks, a->res, r);
            if (a->res->blocks[r].state != BLOCK_OK) {
                *failed |= a->res->blocks[r].state == BLOCK_FAIL;
                sinks_block_end(a->sinks, a->res, r);
                *printed += a->n;
                continue;
            }
        }
        if (!done[*printed].finished)
            return false;
        settle(a, *printed, &done[*printed]);
        *failed |=
            verdict_fails(a->res->items[*printed].verdict) || a->res->items[*printed].nleak > 0;
        sinks_result(a->sinks, a->res, r, *printed % a->n);
        ++*printed;
        if (*printed % a->n == 0)
            sinks_block_end(a->sinks, a->res, r);
    }
    return true;
}

/* Preflight each block; the items of a block that did not pass take its
 * verdict (for the matrices). */
static void preflight_all(const struct runner_args *a)
{
    for (int r = 0; r < a->nrt; r++) {
        struct res_block *b = &a->res->blocks[r];
        preflight(a, r, b);
        for (int k = 0; k < a->n && b->state != BLOCK_OK; k++)
            results_item(a->res, r, k)->verdict = b->state == BLOCK_SKIP ? V_SKIP : V_FAIL;
    }
    *a->res->ready = 1;
}

/* Start cases in idle slots, in order, skipping blocks that did not pass. */
static void fill_slots(const struct runner_args *a, struct slot *slots, int jobs, int *next,
                       struct done *done)
{
    int total = a->n * a->nrt;

    for (int j = 0; j < jobs && *next < total; j++) {
        while (*next < total && a->res->blocks[*next / a->n].state != BLOCK_OK)
            ++*next;
        if (*next >= total)
            break;
        if (slots[j].pid == 0) {
            int item = (*next)++;
            start_case(a, &slots[j], item, &a->res->items[item].out);
        }
        if (slots[j].pid < 0) { /* fork failed */
            done[slots[j].item] = (struct done){ true, false, 0x7f00, 0 };
            slots[j].pid = 0;
        }
    }
}

/* Kill cases past their deadline; sleep until a child ends or says it is
 * done, or the next deadline comes; then take every "done" queued. */
static void wait_slots(const struct runner_args *a, struct leak_lab *lab, struct slot *slots,
                       int jobs, const sigset_t *wake, struct done *done)
{
    static const struct timespec zero = { 0, 0 };
    siginfo_t si;
    double wait = 1000.0, t = now_ms();
    int running = 0;
    struct timespec ts;

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
    if (!running || lab_stopping()) /* a stop interrupts the wait below, not this */
        return;
    if (wait < 1)
        wait = 1;
    ts.tv_sec = (time_t)(wait / 1000);
    ts.tv_nsec = (long)((wait - (double)ts.tv_sec * 1000) * 1e6);
    for (const struct timespec *w = &ts; sigtimedwait(wake, &si, w) > 0; w = &zero)
        if (si.si_signo == SIG_CASE_DONE)
            take_done(a, lab, slots, jobs, &si, done);
}

/* The run directory is damaged: what is settled is reported, the cases
 * still running are killed and cleaned up, and the run bails out. */
static int bail_damaged(const struct runner_args *a, struct slot *slots, int jobs)
{
    char why[320];

    for (int j = 0; j < jobs; j++) {
        char dir[PATH_MAX];
        if (slots[j].pid <= 0)
            continue;
        kill(-slots[j].pid, SIGKILL);
        kill(slots[j].pid, SIGKILL);
        waitpid(slots[j].pid, NULL, 0);
        snprintf(dir, sizeof(dir), "%s/c%d", LAB_DIR, slots[j].item);
        rt_cleanup(a->rts[slots[j].item / a->n], dir);
    }
    stop_daemons(a);
    snprintf(why, sizeof(why), "the run directory %s lost %s: a runtime or a container deleted it",
             LAB_DIR, lab_damage);
    sinks_bail(a->sinks, why);
    return 2;
}

int runner_main(void *args)
{
    const struct runner_args *a = args;
    int total = a->n * a->nrt, jobs = a->cfg->jobs, next = 0, printed = 0;
    int opened = -1; /* the block whose start is reported */
    bool failed = false;
    struct slot slots[64] = { 0 };
    struct done *done = calloc((size_t)total + 1, sizeof(*done));
    sigset_t wake;
    struct leak_lab *lab;

    if (!done) {
        sinks_bail(a->sinks, "runner: cannot allocate result memory");
        return 2;
    }
    if (jobs > (int)ARRAY_LEN(slots))
        jobs = (int)ARRAY_LEN(slots);
    preflight_all(a);
    lab = leak_lab_new(); /* after the preflight: what its containers left is no case's */
    lab_dir_check(lab_damage, sizeof(lab_damage)); /* as a preflight container may leave it */
    sinks_plan(a->sinks, a->res);
    sigemptyset(&wake);
    sigaddset(&wake, SIGCHLD);
    sigaddset(&wake, SIG_CASE_DONE);
    sigprocmask(SIG_BLOCK, &wake, NULL);
    while (printed < total && !lab_damage[0] && !lab_stopping()) {
        fill_slots(a, slots, jobs, &next, done);
        wait_slots(a, lab, slots, jobs, &wake, done);
        reap_all(a, lab, slots, jobs, done);
        report_ready(a, &printed, &opened, done, &failed);
    }
    if (lab_stopping()) { /* the kernel kills the cases with the lab */
        leak_lab_free(lab);
        free(done);
        return 2;
    }
    if (lab_damage[0]) {
        report_ready(a, &printed, &opened, done, &failed);
        leak_lab_free(lab);
        free(done);
        return bail_damaged(a, slots, jobs);
    }
    stop_daemons(a);
    sinks_finish(a->sinks, a->res);
    leak_lab_free(lab);
    free(done);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    return failed ? 1 : 0;
}
