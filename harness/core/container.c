/* container.c - start a container through the run's runtime driver and
 * collect the probe's report from its stdout. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case.h"
#include "config.h"
#include "netlab.h"
#include "procfs.h"
#include "runtime.h"

struct iso_spec iso_spec_default(struct iso_ctx *ctx)
{
    struct iso_spec s;
    spec_init(&s, ctx->root);
    return s;
}

static const struct iso_runtime *run_runtime(const struct iso_ctx *ctx)
{
    return ctx->rt ? ctx->rt : &rt_builtin;
}

int iso_exit_signal(const struct iso_result *r)
{
    if (WIFSIGNALED(r->status))
        return WTERMSIG(r->status);
    if (r->external && WIFEXITED(r->status) && WEXITSTATUS(r->status) > 128)
        return WEXITSTATUS(r->status) - 128;
    return 0;
}

/* The oldest isoprobe among pid's descendants: the container's first
 * process, whichever runtime forked it. */
static pid_t find_probe(pid_t runtime)
{
    pid_t best = -1, frontier[64];
    int n = 1;

    frontier[0] = runtime;
    for (int depth = 0; depth < 6 && n > 0 && best < 0; depth++) {
        pid_t next[64];
        int m = 0;
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char path[300], val[64];
            pid_t pid = atoi(e->d_name), pp;
            if (pid <= 0)
                continue;
            snprintf(path, sizeof(path), "/proc/%d/status", pid);
            if (procfs_status_field(path, "PPid", val, sizeof(val)) < 0)
                continue;
            pp = atoi(val);
            for (int i = 0; i < n; i++) {
                if (pp != frontier[i])
                    continue;
                if (procfs_status_field(path, "Name", val, sizeof(val)) == 0 &&
                    strcmp(val, "isoprobe") == 0 && (best < 0 || pid < best))
                    best = pid;
                if (m < 64)
                    next[m++] = pid;
            }
        }
        if (d)
            closedir(d);
        memcpy(frontier, next, sizeof(pid_t) * (size_t)m);
        n = m;
    }
    return best;
}

static void reset_container(struct iso_container *c)
{
    c->in_fd = c->out_fd = c->err_fd = c->status_fd = -1;
    c->pid = -1;
    c->ready = c->finished = false;
    c->r.status = 0;
    c->r.pid = -1;
    c->r.external = false;
    c->r.out_len = c->r.err_len = 0;
    c->r.out[0] = c->r.err[0] = '\0';
    c->r.report.n = c->r.report.garbage = 0;
    c->r.cg_rel[0] = c->r.cg_leaf[0] = '\0';
}

/* Copy the used part of a result (see reset_container for why). */
static void copy_result(struct iso_result *to, const struct iso_result *from)
{
    to->status = from->status;
    to->pid = from->pid;
    to->external = from->external;
    to->out_len = from->out_len;
    memcpy(to->out, from->out, from->out_len + 1);
    strlcpy0(to->cg_rel, from->cg_rel, sizeof(to->cg_rel));
    strlcpy0(to->cg_leaf, from->cg_leaf, sizeof(to->cg_leaf));
    to->err_len = from->err_len;
    memcpy(to->err, from->err, from->err_len + 1);
    report_parse(&to->report, to->out, to->out_len);
}

int iso_start(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
              struct iso_container *c, struct iso_err *err)
{
    const struct iso_runtime *rt = run_runtime(ctx);
    struct iso_spec s = *spec;
    int in[2], out[2], errp[2];
    char why[256] = "";
    struct cg_handle cgh;
    int stdio[3];
    int rc;

    /* Only the header is cleared, not the 37 KB of buffers: after every
     * fork-like clone each page this process writes costs a copy-on-write
     * fault, and that showed up as 10% of a container's spawn time. */
    reset_container(c);
    spec_apply_sabotage(&s, ctx->cfg->sabotage);
    if (cg_needed(&s.lim) && !cg_usable(&ctx->cfg->cg, cg_needed(&s.lim), why, sizeof(why))) {
        iso_err_set(err, 0, "%s", why);
        return ISO_UNSUPPORTED;
    }
    if (!rt->supports(&s, why, sizeof(why))) {
        iso_err_set(err, 0, "runtime %s: %s", rt->name, why);
        return ISO_UNSUPPORTED;
    }
    ISO_DOING(ctx, "starting container %d (%s)", ++ctx->seq, argv[1] ? argv[1] : "");
    if (s.net.mode != ISO_NET_NONE) {
        /* CNI-like: the harness makes the namespace and its links; the
         * runtime joins it instead of making its own. Under no-netns the
         * topology is still made and simply not joined. */
        int netns = -1;
        rc = net_prepare(ctx, &s.net, &netns, err);
        if (rc == ISO_UNSUPPORTED)
            return rc;
        if (rc < 0)
            return iso_err_wrap(err, "network");
        if (s.ns & CLONE_NEWNET) {
            s.ns &= ~(unsigned)CLONE_NEWNET;
            s.join_netns_fd = netns;
        } else {
            close(netns);
        }
    }
    snprintf(s.id, sizeof(s.id), "c%dn%d", ctx->index, ctx->seq);
    s.workdir = ctx->dir;
    c->r.external = rt->external;
    if (cg_needed(&s.lim)) {
        /* An external runtime is asked for the limits and makes its cgroup
         * itself, as a child of one the harness made without limits: the
         * runtime removes its own cgroup when the container ends, while
         * memory events count up the hierarchy and stay readable here. */
        struct iso_limits shell = { .extra_ctls = cg_needed(&s.lim) };
        strlcpy0(c->r.cg_rel, s.id, sizeof(c->r.cg_rel));
        snprintf(c->r.cg_leaf, sizeof(c->r.cg_leaf), "%s%s", s.id, rt->harness_cgroups ? "" : "/ctr");
        if (cg_make(&ctx->cfg->cg, c->r.cg_rel, rt->harness_cgroups ? &s.lim : &shell,
                    !rt->harness_cgroups, &cgh, err) < 0) {
            cg_release(&cgh);
            return iso_err_wrap(err, "cgroup");
        }
        if (rt->harness_cgroups)
            s.cgroup = &cgh;
        else
            cg_release(&cgh);
    }
    if (pipe2(in, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(in[0]), close(in[1]);
        return iso_err_set(err, errno, "pipe");
    }
    if (pipe2(errp, O_CLOEXEC) < 0) {
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        return iso_err_set(err, errno, "pipe");
    }
    stdio[0] = in[0], stdio[1] = out[1], stdio[2] = errp[1];
    rc = rt->spawn(&s, argv, stdio, &c->pid, &c->status_fd, err);
    close(in[0]), close(out[1]), close(errp[1]);
    if (s.join_netns_fd >= 0)
        close(s.join_netns_fd);
    if (s.cgroup)
        cg_release(s.cgroup);
    c->in_fd = in[1], c->out_fd = out[0], c->err_fd = errp[0];
    c->r.pid = c->pid;
    if (rc < 0) {
        closep(&c->in_fd), closep(&c->out_fd), closep(&c->err_fd);
        c->in_fd = c->out_fd = c->err_fd = -1;
        return -1;
    }
    ISO_DOING(ctx, "waiting for container %d (%s, pid %d)", ctx->seq, argv[1] ? argv[1] : "",
              c->pid);
    return 0;
}

static bool has_ready_line(const struct iso_result *r)
{
    static const char tag[] = "ready=1\n";
    if (r->out_len >= sizeof(tag) - 1 && strncmp(r->out, tag, sizeof(tag) - 1) == 0)
        return true;
    return memmem(r->out, r->out_len, "\nready=1\n", 9) != NULL;
}

/* Read what is available on out/err; returns false once stdout hit EOF. */
static bool pump(struct iso_container *c, int timeout_ms)
{
    struct pollfd p[2] = { { c->out_fd, POLLIN, 0 }, { c->err_fd, POLLIN, 0 } };
    char scratch[4096];

    if (c->out_fd < 0 && c->err_fd < 0)
        return false;
    if (poll(p, 2, timeout_ms) < 0)
        return errno == EINTR;
    for (int i = 0; i < 2; i++) {
        int *fd = i == 0 ? &c->out_fd : &c->err_fd;
        char *buf = i == 0 ? c->r.out : c->r.err;
        size_t cap = i == 0 ? sizeof(c->r.out) - 1 : sizeof(c->r.err) - 1;
        size_t *len = i == 0 ? &c->r.out_len : &c->r.err_len;
        ssize_t n;

        if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (*len < cap)
            n = read(*fd, buf + *len, cap - *len);
        else
            n = read(*fd, scratch, sizeof(scratch)); /* keep draining, drop the excess */
        if (n > 0 && *len < cap)
            *len += (size_t)n;
        else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            closep(fd), *fd = -1;
        buf[*len] = '\0';
    }
    return c->out_fd >= 0;
}

/* Reap the container; a setup step that failed is reported as the error. */
static int reap(struct iso_container *c, struct iso_err *err)
{
    struct rt_setup_error m = { 0, "" };
    ssize_t n = 0;

    while (waitpid(c->pid, &c->r.status, 0) < 0) {
        if (errno != EINTR)
            return iso_err_set(err, errno, "waitpid %d", c->pid);
    }
    c->finished = true;
    if (c->status_fd >= 0) {
        n = read(c->status_fd, &m, sizeof(m));
        closep(&c->status_fd);
        c->status_fd = -1;
    }
    if (n > 0) {
        m.msg[sizeof(m.msg) - 1] = '\0';
        err->errnum = m.errnum;
        strlcpy0(err->msg, m.msg, sizeof(err->msg));
        return -1;
    }
    return 0;
}

int iso_wait_ready(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err)
{
    (void)ctx;
    while (!has_ready_line(&c->r)) {
        if (!pump(c, -1)) {
            closep(&c->in_fd), c->in_fd = -1;
            while (pump(c, -1) || c->err_fd >= 0)
                ;
            report_parse(&c->r.report, c->r.out, c->r.out_len);
            if (reap(c, err) < 0)
                return -1;
            return iso_err_set(err, 0, "probe ended before it reported ready (status 0x%x)",
                               c->r.status);
        }
    }
    c->ready = true;
    report_parse(&c->r.report, c->r.out, c->r.out_len);
    if (c->r.external) {
        pid_t init = find_probe(c->pid);
        if (init < 0)
            return iso_err_set(err, 0, "the probe is not among the runtime's processes");
        c->r.pid = init;
    }
    return 0;
}

int iso_release(struct iso_container *c, const char *line)
{
    int rc = 0;

    if (c->in_fd < 0)
        return -1;
    if (line)
        rc = write_all(c->in_fd, line, strlen(line));
    if (rc == 0)
        rc = write_all(c->in_fd, "\n", 1);
    closep(&c->in_fd);
    c->in_fd = -1;
    return rc;
}

int iso_finish(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err)
{
    (void)ctx;
    if (c->in_fd >= 0)
        closep(&c->in_fd), c->in_fd = -1;
    while (c->out_fd >= 0 || c->err_fd >= 0)
        pump(c, -1);
    report_parse(&c->r.report, c->r.out, c->r.out_len);
    if (!c->finished && reap(c, err) < 0)
        return -1;
    return 0;
}

int iso_cg_counter(struct iso_ctx *ctx, const struct iso_result *r, int ctl, const char *file,
                   const char *key, long long *value, struct iso_err *err)
{
    if (!r->cg_rel[0])
        return iso_err_set(err, 0, "the container has no cgroup of its own");
    /* the runtime's own cgroup while it exists, else the parent the
     * harness made (hierarchical counters such as OOM kills) */
    if (strcmp(r->cg_leaf, r->cg_rel) != 0 &&
        cg_read_key(&ctx->cfg->cg, (enum cg_ctl)ctl, r->cg_leaf, r->external, file, key, value, err) == 0)
        return 0;
    return cg_read_key(&ctx->cfg->cg, (enum cg_ctl)ctl, r->cg_rel, r->external, file, key, value, err);
}

int iso_run(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
            struct iso_result *r, struct iso_err *err)
{
    static struct iso_container c; /* large; one case process runs one at a time */
    int rc = iso_start(ctx, spec, argv, &c, err);

    if (rc == ISO_UNSUPPORTED)
        return rc;
    if (rc == 0) {
        closep(&c.in_fd), c.in_fd = -1;
        rc = iso_finish(ctx, &c, err);
    }
    copy_result(r, &c.r);
    return rc;
}
