/* join.c - run the probe in a running container's namespaces (join.h). */
#define _GNU_SOURCE
#include "join.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "runtime.h"
#include "sys.h"

/* What the joining process holds, opened in the lab before it joins. */
struct joiner {
    int probe;    /* the probe binary, O_PATH */
    int pidfd;    /* with j->pidfd */
    int nsfd[16]; /* otherwise one per namespace, in join order */
    unsigned nsflag[16];
    int n;
    int out, errfd; /* the probe's stdout and stderr */
    int status;     /* where a failed step is reported */
};

static __attribute__((noreturn)) void join_fail(int status_fd, int errnum, const char *fmt, ...)
    ISO_PRINTF(3, 4);

static void join_fail(int status_fd, int errnum, const char *fmt, ...)
{
    struct rt_setup_error m = { .errnum = errnum };
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(m.msg, sizeof(m.msg), fmt, ap);
    va_end(ap);
    (void)!write(status_fd, &m, sizeof(m));
    _exit(126);
}

/* The user namespace first: joining it gives the capabilities over the
 * namespaces it owns. */
static void order_ns(const struct iso_join *j, struct joiner *w)
{
    if (j->ns & CLONE_NEWUSER)
        w->nsfd[w->n] = -1, w->nsflag[w->n++] = CLONE_NEWUSER;
    for (size_t i = 0; i < ns_count && w->n < (int)ARRAY_LEN(w->nsflag); i++)
        if ((j->ns & ns_kinds[i].flag) && ns_kinds[i].flag != CLONE_NEWUSER)
            w->nsfd[w->n] = -1, w->nsflag[w->n++] = ns_kinds[i].flag;
}

static int open_joiner(struct iso_ctx *ctx, const struct iso_join *j, struct joiner *w,
                       struct iso_err *err)
{
    char path[PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s%s", ctx->root, ISO_PROBE);
    w->probe = open(path, O_PATH | O_CLOEXEC);
    if (w->probe < 0)
        return iso_err_set(err, errno, "open \"%s\"", path);
    if (j->pidfd) {
        w->pidfd = sys_pidfd_open(j->target, 0);
        if (w->pidfd < 0)
            return iso_err_set(err, errno, "pidfd_open %d", j->target);
        return 0;
    }
    order_ns(j, w);
    for (int i = 0; i < w->n; i++) {
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", j->target, ns_by_flag(w->nsflag[i])->proc);
        w->nsfd[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (w->nsfd[i] < 0)
            return iso_err_set(err, errno, "open \"%s\"", path);
    }
    return 0;
}

static void close_joiner(struct joiner *w)
{
    closep(&w->probe), closep(&w->pidfd), closep(&w->out), closep(&w->errfd), closep(&w->status);
    for (int i = 0; i < w->n; i++)
        closep(&w->nsfd[i]);
}

/* In the joining process: join, fork, exec the probe in the child. */
static __attribute__((noreturn)) void joiner_main(const struct iso_join *j, struct joiner *w,
                                                  char *const argv[])
{
    static char *const envp[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", NULL };
    pid_t child;
    int st;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (j->pidfd && setns(w->pidfd, (int)j->ns) < 0)
        join_fail(w->status, errno, "setns pidfd of %d, flags 0x%x", j->target, j->ns);
    for (int i = 0; i < w->n; i++)
        if (setns(w->nsfd[i], (int)w->nsflag[i]) < 0)
            join_fail(w->status, errno, "setns \"/proc/%d/ns/%s\"", j->target,
                      ns_by_flag(w->nsflag[i])->proc);
    /* as nsenter does: root of the joined user namespace, whose
     * capabilities then survive the exec */
    if ((j->ns & CLONE_NEWUSER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        join_fail(w->status, errno, "become root in the joined user namespace");
    child = fork();
    if (child < 0)
        join_fail(w->status, errno, "fork in the joined namespaces");
    if (child == 0) {
        if (dup2(w->out, 1) < 0 || dup2(w->errfd, 2) < 0)
            join_fail(w->status, errno, "dup2 the probe's stdio");
        for (int i = 0; i < j->nfds; i++)
            if (dup2(j->fds[i], 3 + i) < 0)
                join_fail(w->status, errno, "dup2 fd %d to %d", j->fds[i], 3 + i);
        execveat(w->probe, "", argv, envp, AT_EMPTY_PATH);
        join_fail(w->status, errno, "exec the probe");
    }
    closep(&w->status); /* the child's copy says whether it got to exec */
    while (waitpid(child, &st, 0) < 0)
        if (errno != EINTR)
            _exit(126);
    _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* Read the probe's stdout, then its stderr, to their end: the commands
 * run this way write a few lines to stderr at most, never a pipe's worth. */
static void drain(int out, int errfd, struct iso_result *r)
{
    int fds[2] = { out, errfd };
    char *buf[2] = { r->out, r->err };
    size_t cap[2] = { sizeof(r->out) - 1, sizeof(r->err) - 1 },
           *len[2] = { &r->out_len, &r->err_len };

    for (int i = 0; i < 2; i++) {
        ssize_t n;
        while ((n = read(fds[i], buf[i] + *len[i], cap[i] - *len[i])) > 0 ||
               (n < 0 && errno == EINTR))
            if (n > 0)
                *len[i] += (size_t)n;
        buf[i][*len[i]] = '\0';
    }
}

int iso_join_run(struct iso_ctx *ctx, const struct iso_join *j, char *const argv[],
                 struct iso_result *r, struct iso_err *err)
{
    struct joiner w = { .probe = -1, .pidfd = -1, .out = -1, .errfd = -1, .status = -1 };
    int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, status[2] = { -1, -1 };
    struct rt_setup_error m = { 0, "" };
    autokill pid_t pid = -1;
    int rc = -1;

    r->status = 0;
    r->pid = -1;
    r->external = false;
    r->out_len = r->err_len = 0;
    r->out[0] = r->err[0] = r->cg_rel[0] = r->cg_leaf[0] = '\0';
    r->report.n = r->report.garbage = 0;
    ISO_DOING(ctx, "joining the namespaces of %d", j->target);
    if (open_joiner(ctx, j, &w, err) < 0)
        goto out;
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0) {
        iso_err_set(err, errno, "pipe");
        goto out;
    }
    w.out = steal_fd(&out[1]), w.errfd = steal_fd(&errp[1]), w.status = steal_fd(&status[1]);
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        iso_err_set(err, errno, "fork");
        goto out;
    }
    if (pid == 0)
        joiner_main(j, &w, argv);
    close_joiner(&w);
    drain(out[0], errp[0], r);
    while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
        ;
    (void)steal_pid(&pid); /* reaped: nothing left for autokill */
    if (read(status[0], &m, sizeof(m)) > 0) {
        m.msg[sizeof(m.msg) - 1] = '\0';
        iso_err_set(err, m.errnum, "%s", m.msg);
        goto out;
    }
    report_parse(&r->report, r->out, r->out_len);
    rc = 0;
out:
    close_joiner(&w);
    for (int i = 0; i < 2; i++)
        closep(&out[i]), closep(&errp[i]), closep(&status[i]);
    return rc;
}
