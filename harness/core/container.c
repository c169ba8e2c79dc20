/* container.c - start a container through the run's runtime driver and
 * collect the probe's report from its stdout. */
#define _GNU_SOURCE
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
#include "lab.h"
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
    return ctx->rt ? ctx->rt : rt_at(0);
}

int iso_exit_signal(const struct iso_result *r)
{
    if (WIFSIGNALED(r->status))
        return WTERMSIG(r->status);
    if (r->external && WIFEXITED(r->status) && WEXITSTATUS(r->status) > 128)
        return WEXITSTATUS(r->status) - 128;
    return 0;
}

int iso_get_ll(const struct iso_result *r, const char *key, long long *v, struct iso_err *err)
{
    const char *s = iso_get(r, key);

    if (!s)
        return iso_err_set(err, 0, "report: no \"%s\"", key);
    if (parse_ll(s, v, NULL) < 0)
        return iso_err_set(err, 0, "report: \"%s\" is \"%s\", not a whole number", key, s);
    return 0;
}

static void reset_container(struct iso_container *c)
{
    c->rt = NULL;
    c->in_fd = c->out_fd = c->err_fd = -1;
    c->p.pid = -1;
    c->p.status_fd = c->p.info_fd = -1;
    c->p.pid_file[0] = c->p.cg_leaf[0] = '\0';
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

/* What iso_start holds until the container runs; released in one place. */
struct start {
    int netns;                  /* the prepared network namespace, or -1 */
    struct cg_handle cgh;       /* the container's cgroup, for the builtin to join */
    int in[2], out[2], errp[2]; /* the probe's stdio */
};

static void release_start(struct start *st)
{
    closep(&st->netns);
    cg_release(&st->cgh);
    for (int i = 0; i < 2; i++)
        closep(&st->in[i]), closep(&st->out[i]), closep(&st->errp[i]);
}

static int check_supported(struct iso_ctx *ctx, const struct iso_runtime *rt,
                           const struct iso_spec *s, struct iso_err *err)
{
    char why[256] = "";

    if (cg_needed(&s->lim) && !ctx->cfg->cg.set_up)
        return iso_err_set(err, 0,
                           "case %s makes a cgroup but does not declare "
                           ".needs = ISO_NEEDS_CGROUP",
                           ctx->c ? ctx->c->name : "?");
    if (cg_needed(&s->lim) && !cg_usable(&ctx->cfg->cg, cg_needed(&s->lim), why, sizeof(why))) {
        iso_err_set(err, 0, "%s", why);
        ctx->lacks = ISO_FEAT_CGROUP;
        return ISO_UNSUPPORTED;
    }
    if (!rt_supports(rt, s, why, sizeof(why))) {
        iso_err_set(err, 0, "runtime %s: %s", rt->name, why);
        ctx->lacks = ISO_FEAT_RUNTIME_SPEC;
        return ISO_UNSUPPORTED;
    }
    return 0;
}

/* CNI-like: the harness makes the namespace and its links; the runtime
 * joins it instead of making its own. Under no-netns the topology is still
 * made and simply not joined. */
static int prepare_net(struct iso_ctx *ctx, struct iso_spec *s, struct start *st,
                       struct iso_err *err)
{
    int rc;

    if (s->net.mode == ISO_NET_NONE)
        return 0;
    rc = net_prepare(ctx, &s->net, &st->netns, err);
    if (rc == ISO_UNSUPPORTED) {
        ctx->lacks = ISO_FEAT_NET;
        return rc;
    }
    if (rc < 0)
        return iso_err_wrap(err, "network");
    if (s->ns & CLONE_NEWNET) {
        s->ns &= ~(unsigned)CLONE_NEWNET;
        s->join_netns_fd = st->netns;
    }
    return 0;
}

/* An external runtime is asked for the limits and makes its cgroup
 * itself, as a child of one the harness made without limits: the runtime
 * removes its own cgroup when the container ends, while memory events
 * count up the hierarchy and stay readable here. */
static int make_cgroup(struct iso_ctx *ctx, const struct iso_runtime *rt, struct iso_spec *s,
                       struct iso_container *c, struct start *st, struct iso_err *err)
{
    struct iso_limits shell = { .extra_ctls = cg_needed(&s->lim) };

    if (!cg_needed(&s->lim))
        return 0;
    strlcpy0(c->r.cg_rel, s->id, sizeof(c->r.cg_rel));
    snprintf(c->r.cg_leaf, sizeof(c->r.cg_leaf), "%s%s", s->id, rt->harness_cgroups ? "" : "/ctr");
    if (cg_make(&ctx->cfg->cg, c->r.cg_rel, rt->harness_cgroups ? &s->lim : &shell,
                !rt->harness_cgroups, &st->cgh, err) < 0)
        return iso_err_wrap(err, "cgroup");
    if (rt->harness_cgroups && !s->skip_cgroup_join)
        s->cgroup = &st->cgh;
    return 0;
}

static int make_stdio(struct start *st, struct iso_err *err)
{
    if (pipe2(st->in, O_CLOEXEC) < 0 || pipe2(st->out, O_CLOEXEC) < 0 ||
        pipe2(st->errp, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    return 0;
}

int iso_start(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
              struct iso_container *c, struct iso_err *err)
{
    const struct iso_runtime *rt = run_runtime(ctx);
    struct start st = { .netns = -1, .in = { -1, -1 }, .out = { -1, -1 }, .errp = { -1, -1 } };
    struct iso_spec s = *spec;
    int rc;

    /* Only the header is cleared, not the 37 KB of buffers: after every
     * fork-like clone each page this process writes costs a copy-on-write
     * fault, and that showed up as 10% of a container's spawn time. */
    reset_container(c);
    spec_apply_sabotage(&s, ctx->cfg->sabotage);
    rc = check_supported(ctx, rt, &s, err);
    if (rc < 0)
        return rc;
    ISO_DOING(ctx, "starting container %d (%s)", ++ctx->seq, argv[1] ? argv[1] : "");
    snprintf(s.id, sizeof(s.id), "c%dn%d", ctx->index, ctx->seq);
    s.workdir = ctx->dir;
    c->rt = rt;
    c->r.external = rt->external;
    /* the lab side of a network, or a container in the lab's network,
     * needs the case's own namespace: never the host's */
    if ((s.net.mode != ISO_NET_NONE || !(s.ns & CLONE_NEWNET)) && lab_case_netns(ctx, err) < 0)
        return -1;
    if ((rc = prepare_net(ctx, &s, &st, err)) == 0 &&
        (rc = make_cgroup(ctx, rt, &s, c, &st, err)) == 0 && (rc = make_stdio(&st, err)) == 0) {
        const int stdio[3] = { st.in[0], st.out[1], st.errp[1] };
        rc = rt->spawn(rt, &s, argv, stdio, &c->p, err);
    }
    if (rc == 0) {
        c->spec = s;
        c->in_fd = steal_fd(&st.in[1]);
        c->out_fd = steal_fd(&st.out[0]);
        c->err_fd = steal_fd(&st.errp[0]);
        c->r.pid = c->p.pid;
        if (c->r.cg_rel[0] && c->p.cg_leaf[0]) /* the runtime named its cgroup */
            snprintf(c->r.cg_leaf, sizeof(c->r.cg_leaf), "%s/%s", s.id, c->p.cg_leaf);
    }
    release_start(&st);
    if (rc < 0)
        return rc;
    ISO_DOING(ctx, "waiting for container %d (%s, pid %d)", ctx->seq, argv[1] ? argv[1] : "",
              c->p.pid);
    return 0;
}

int iso_create(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
               struct iso_container *c, struct iso_err *err)
{
    struct iso_spec s = *spec;
    int rc;

    s.created = true;
    if (!run_runtime(ctx)->created) {
        iso_err_set(err, 0,
                    "runtime %s: no way to ask for a container created now and started "
                    "later",
                    run_runtime(ctx)->name);
        ctx->lacks = ISO_FEAT_RUNTIME_SPEC;
        return ISO_UNSUPPORTED;
    }
    rc = iso_start(ctx, &s, argv, c, err);
    if (rc < 0)
        return rc;
    ISO_DOING(ctx, "waiting for container %d to be created", ctx->seq);
    if (c->rt->created(c->rt, &c->spec, &c->p, &c->r.pid, err) < 0)
        return iso_err_wrap(err, "runtime %s: create", c->rt->name);
    return 0;
}

int iso_start_created(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err)
{
    ISO_DOING(ctx, "starting created container %d", ctx->seq);
    if (c->rt->start(c->rt, &c->spec, &c->p, err) < 0)
        return iso_err_wrap(err, "runtime %s: start", c->rt->name);
    return 0;
}

int iso_exec(struct iso_ctx *ctx, struct iso_container *init, char *const argv[], uint64_t add_caps,
             struct iso_container *x, struct iso_err *err)
{
    const struct iso_runtime *rt = init->rt;
    struct start st = { .netns = -1, .in = { -1, -1 }, .out = { -1, -1 }, .errp = { -1, -1 } };
    int rc;

    reset_container(x);
    if (!rt->exec) {
        iso_err_set(err, 0,
                    "runtime %s: no way to ask for a process started in a running "
                    "container (exec)",
                    rt->name);
        ctx->lacks = ISO_FEAT_RUNTIME_SPEC;
        return ISO_UNSUPPORTED;
    }
    ISO_DOING(ctx, "starting a process in container %d (%s)", ctx->seq, argv[1] ? argv[1] : "");
    x->rt = rt;
    x->r.external = rt->external;
    x->spec = init->spec;
    rc = make_stdio(&st, err);
    if (rc == 0) {
        const int stdio[3] = { st.in[0], st.out[1], st.errp[1] };
        rc = rt->exec(rt, &init->spec, init->r.pid, argv, add_caps, stdio, &x->p, err);
    }
    if (rc == 0) {
        x->in_fd = steal_fd(&st.in[1]);
        x->out_fd = steal_fd(&st.out[0]);
        x->err_fd = steal_fd(&st.errp[0]);
        x->r.pid = x->p.pid;
    }
    release_start(&st);
    return rc < 0 ? iso_err_wrap(err, "exec") : 0;
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
            closep(fd);
        buf[*len] = '\0';
    }
    return c->out_fd >= 0;
}

/* Reap the container; a setup step that failed is reported as the error. */
static int reap(struct iso_container *c, struct iso_err *err)
{
    struct rt_setup_error m = { 0, "" };
    ssize_t n = 0;

    /* -1: the runtime's own process was waited for already (OCI create) */
    while (c->p.pid >= 0 && waitpid(c->p.pid, &c->r.status, 0) < 0) {
        if (errno != EINTR)
            return iso_err_set(err, errno, "waitpid %d", c->p.pid);
    }
    c->finished = true;
    if (c->rt->exit_status)
        c->r.status = c->rt->exit_status(c->r.status, c->r.err);
    closep(&c->p.info_fd);
    if (c->p.status_fd >= 0) {
        /* the built-in runtime's "t" carried the terminal's master, held
         * in the socket until now and closed with the message */
        while ((n = read(c->p.status_fd, &m, sizeof(m))) == 1 && ((char *)&m)[0] == 't')
            ;
        closep(&c->p.status_fd);
    }
    if (n > 0) {
        m.msg[sizeof(m.msg) - 1] = '\0';
        err->errnum = m.errnum;
        strlcpy0(err->msg, m.msg, sizeof(err->msg));
        return -1;
    }
    return 0;
}

/* A runtime that failed saying it refused a key of its configuration:
 * the case is skipped, naming the key and quoting the runtime. */
static int check_refused(struct iso_ctx *ctx, const struct iso_container *c, struct iso_err *err)
{
    char said[300];
    const char *key;
    size_t n;

    if (!c->rt->refused || (WIFEXITED(c->r.status) && WEXITSTATUS(c->r.status) == 0) ||
        !(key = c->rt->refused(c->r.err)))
        return 0;
    strlcpy0(said, c->r.err, sizeof(said));
    for (n = strlen(said); n && (said[n - 1] == '\n' || said[n - 1] == ' '); n--)
        said[n - 1] = '\0';
    for (char *p = said; *p; p++)
        if (*p == '\n')
            *p = ' ';
    iso_err_set(err, 0, "runtime %s refuses %s: \"%s\"", c->rt->name, key, said);
    ctx->lacks = ISO_FEAT_RUNTIME_SPEC;
    return ISO_UNSUPPORTED;
}

int iso_wait_ready(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err)
{
    while (!has_ready_line(&c->r)) {
        if (!pump(c, -1)) {
            closep(&c->in_fd);
            while (pump(c, -1) || c->err_fd >= 0)
                ;
            report_parse(&c->r.report, c->r.out, c->r.out_len);
            if (reap(c, err) < 0)
                return -1;
            if (check_refused(ctx, c, err) < 0)
                return ISO_UNSUPPORTED;
            return iso_err_set(err, 0, "probe ended before it reported ready (status 0x%x)",
                               c->r.status);
        }
    }
    c->ready = true;
    report_parse(&c->r.report, c->r.out, c->r.out_len);
    /* the runtime says where its container's init is */
    if (c->rt->init_pid(&c->p, &c->r.pid, err) < 0)
        return iso_err_wrap(err, "runtime %s: the container's init", c->rt->name);
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
    return rc;
}

int iso_finish(struct iso_ctx *ctx, struct iso_container *c, struct iso_err *err)
{
    (void)ctx;
    closep(&c->in_fd);
    while (c->out_fd >= 0 || c->err_fd >= 0)
        pump(c, -1);
    report_parse(&c->r.report, c->r.out, c->r.out_len);
    if (!c->finished && reap(c, err) < 0)
        return -1;
    /* a created container the runtime keeps after its process ended */
    if (c->spec.created)
        rt_cleanup(c->rt, ctx->dir);
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
        cg_read_key(&ctx->cfg->cg, (enum cg_ctl)ctl, r->cg_leaf, r->external, file, key, value,
                    err) == 0)
        return 0;
    return cg_read_key(&ctx->cfg->cg, (enum cg_ctl)ctl, r->cg_rel, r->external, file, key, value,
                       err);
}

int iso_run(struct iso_ctx *ctx, const struct iso_spec *spec, char *const argv[],
            struct iso_result *r, struct iso_err *err)
{
    static struct iso_container c; /* large; one case process runs one at a time */
    int rc = iso_start(ctx, spec, argv, &c, err);

    if (rc == ISO_UNSUPPORTED)
        return rc;
    if (rc == 0) {
        closep(&c.in_fd);
        rc = iso_finish(ctx, &c, err);
    }
    if (rc == 0)
        rc = check_refused(ctx, &c, err);
    copy_result(r, &c.r);
    return rc;
}
