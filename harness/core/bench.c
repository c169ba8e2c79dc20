/* bench.c - latency of one container, from spawn to the probe's full report.
 * The floor is the least any runtime can do for the same container: clone
 * with the namespaces, private mounts, bind, proc, pivot_root, detach,
 * exec, read stdout to EOF, reap. */
#define _GNU_SOURCE
#include "bench.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case.h"
#include "lab.h"
#include "rt_cmd.h"
#include "runtime.h"
#include "sys.h"

#define FLOOR_NS (CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET)

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void stats(const char *what, double *t, int n, double *median)
{
    qsort(t, (size_t)n, sizeof(*t), cmp_double);
    *median = t[n / 2];
    printf("# %-34s median %7.3f ms  p95 %7.3f ms  (n=%d)\n", what, t[n / 2],
           t[(int)(n * 0.95) < n ? (int)(n * 0.95) : n - 1], n);
}

/* Time one container made by spawn(root): from the spawn to the end of its
 * stdout and its reaping. spawn returns the child, whose stdout is fd 1. */
static double time_once(pid_t (*spawn)(const char *root), const char *root)
{
    double t0 = now_ms();
    char buf[4096];
    int p[2], saved;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    saved = dup(1);
    dup2(p[1], 1); /* the child inherits it as its stdout */
    pid = spawn(root);
    dup2(saved, 1);
    close(saved);
    close(p[1]);
    while (read(p[0], buf, sizeof(buf)) > 0)
        ;
    close(p[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return now_ms() - t0;
}

/* The floor: clone with the namespaces, private mounts, bind, proc,
 * pivot_root, detach, exec. */
static pid_t spawn_floor(const char *root)
{
    pid_t pid = sys_clone3(FLOOR_NS, NULL);

    if (pid == 0) {
        static char *const argv[] = { "isoprobe", "pid", NULL };
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
            mount(root, root, NULL, MS_BIND | MS_REC, NULL) || chdir(root) ||
            mount("proc", "proc", "proc", 0, NULL) || sys_pivot_root(".", ".") ||
            umount2(".", MNT_DETACH) || chdir("/"))
            _exit(127);
        execve(ISO_PROBE, argv, NULL);
        _exit(127);
    }
    return pid;
}

static pid_t spawn_unshare(const char *root)
{
    pid_t pid = fork();

    if (pid == 0) {
        char rootopt[PATH_MAX + 8];
        snprintf(rootopt, sizeof(rootopt), "--root=%s", root);
        execlp("unshare", "unshare", "--pid", "--fork", "--mount-proc", "--uts", "--ipc", "--mount",
               "--net", rootopt, ISO_PROBE, "pid", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* The drivers' own share: building and writing an OCI bundle. */
static void bench_bundle(struct iso_ctx *ctx, double *t, int n)
{
    struct iso_spec s = iso_spec_default(ctx);
    char why[256], path[PATH_MAX + 32], cgpath[PATH_MAX];
    double m;

    snprintf(path, sizeof(path), "%s/bench-config.json", ctx->dir);
    for (int i = 0; i < n; i++) {
        double t0 = now_ms();
        char *json =
            rt_oci_config(&s, ISO_ARGV("pid"), NULL,
                          cg_oci_path(&ctx->cfg->cg, "b", cgpath, sizeof(cgpath), why, sizeof(why)),
                          why, sizeof(why));
        int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0 && json)
            (void)!write(fd, json, strlen(json));
        if (fd >= 0)
            close(fd);
        free(json);
        t[i] = now_ms() - t0;
    }
    stats("driver overhead: OCI bundle written", t, n, &m);
    printf("# (target < 1 ms)\n");
}

/* Each external runtime, interleaved round by round, as a ratio to builtin. */
static void bench_runtimes(struct bench_args *a, struct iso_ctx *ctx, double *scratch, int n,
                           double m_builtin)
{
    static struct iso_result r;
    double *t = calloc((size_t)n * (size_t)(a->nrt ? a->nrt : 1), sizeof(double)), m;
    bool ok[16] = { false };
    char why[256];

    if (!a->nrt || !t) {
        free(t);
        return;
    }
    bench_bundle(ctx, scratch, n);
    for (int k = 0; k < a->nrt && k < 16; k++) {
        static struct rt_daemon_report daemon;
        ok[k] = a->rts[k]->available(why, sizeof(why));
        /* a runtime's daemon (dockerd) is up before its first container */
        if (ok[k] && a->rts[k]->daemon_start && a->rts[k]->daemon_start(a->rts[k], &daemon) < 0) {
            printf("# %s: its daemon did not come up: %s\n", a->rts[k]->name, daemon.why);
            ok[k] = false;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < a->nrt && k < 16; k++) {
            struct iso_err err = { 0, "" };
            struct iso_spec s;
            double t0;
            if (!ok[k])
                continue;
            ctx->rt = a->rts[k];
            s = iso_spec_default(ctx);
            t0 = now_ms();
            if (iso_run(ctx, &s, ISO_ARGV("pid"), &r, &err) < 0 || !iso_get(&r, "pid")) {
                printf("# %s: container failed: %s %s\n", a->rts[k]->name, err.msg, r.err);
                ok[k] = false;
                continue;
            }
            t[(size_t)k * (size_t)n + (size_t)i] = now_ms() - t0;
        }
    }
    ctx->rt = NULL;
    for (int k = 0; k < a->nrt; k++)
        if (a->rts[k]->daemon_stop)
            a->rts[k]->daemon_stop(a->rts[k]);
    for (int k = 0; k < a->nrt && k < 16; k++) {
        char what[64];
        if (!ok[k]) {
            printf("# %-34s not measured (unavailable or failing)\n", a->rts[k]->name);
            continue;
        }
        snprintf(what, sizeof(what), "%s (probe pid, 5 namespaces)", a->rts[k]->name);
        stats(what, t + (size_t)k * (size_t)n, n, &m);
        printf("# %s / builtin = %.2fx\n", a->rts[k]->name, m / m_builtin);
    }
    fflush(stdout);
    free(t);
}

static void bench_case(struct bench_args *a)
{
    struct iso_outcome out;
    struct iso_ctx ctx;
    struct iso_err err = { 0, "" };
    static struct iso_result r;
    int n = a->rounds;
    double *t = calloc((size_t)n * 3, sizeof(double)), *tf, *tu;
    double m_builtin, m_floor, m_unshare;

    memset(&ctx, 0, sizeof(ctx));
    memset(&out, 0, sizeof(out));
    ctx.cfg = a->cfg;
    ctx.out = &out;
    ctx.upstream_fd = -1;
    if (!t || lab_case_setup(&ctx, 99999, &err) < 0) {
        printf("Bail out! bench setup: %s\n", err.msg);
        exit(2);
    }
    tf = t + n;
    tu = t + 2 * (size_t)n;
    /* interleaved, so drift in the machine's load hits all three alike */
    for (int i = 0; i < n; i++) {
        struct iso_spec s = iso_spec_default(&ctx);
        double t0 = now_ms();
        if (iso_run(&ctx, &s, ISO_ARGV("pid"), &r, &err) < 0 ||
            strcmp(iso_get(&r, "pid") ?: "", "1") != 0) {
            printf("Bail out! bench: builtin container failed: %s\n", err.msg);
            exit(2);
        }
        t[i] = now_ms() - t0;
        tf[i] = time_once(spawn_floor, ctx.root);
        tu[i] = time_once(spawn_unshare, ctx.root);
    }
    stats("builtin (probe pid, 5 namespaces)", t, n, &m_builtin);
    stats("floor: bare clone+pivot_root+exec", tf, n, &m_floor);
    stats("unshare(1) --root, same namespaces", tu, n, &m_unshare);
    printf("# builtin / floor   = %.2fx (target <= 1.20x)\n", m_builtin / m_floor);
    printf("# builtin / unshare = %.2fx\n", m_builtin / m_unshare);
    fflush(stdout);
    bench_runtimes(a, &ctx, t, n, m_builtin);
    free(t);
}

int bench_main(void *args)
{
    pid_t pid = fork();
    int status;

    if (pid == 0) {
        setpgid(0, 0);
        bench_case(args);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    kill(-pid, SIGKILL);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
