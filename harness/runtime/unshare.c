/* unshare.c - the util-linux unshare(1) driver. The probe runs as
 * unshare's forked child (with a PID namespace) or as unshare itself after
 * its exec (without one). A prepared network namespace is entered before
 * unshare runs. */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "ns.h"

static struct rt_bin unshare_bin = { "unshare", "" };

int rt_unshare_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                    struct rt_argv *a, char *why, size_t len)
{
    int rc = rt_no_limits(s, why, len);

    memset(a, 0, sizeof(*a));
    if (rc || (rc = rt_no_hardening(s, false, why, len)))
        return rc;
    if (s->ns & CLONE_NEWUSER)
        /* --map-users goes through newuidmap, which only grants what
         * /etc/subuid allows; isocheck does not edit the host's files */
        return rt_unsupported(why, len, "a uid/gid map without /etc/subuid entries");
    if (s->hostname[0])
        return rt_unsupported(why, len, "a hostname");
    if (s->readonly_root)
        return rt_unsupported(why, len, "a read-only root");
    if (s->n_mounts)
        return rt_unsupported(why, len, "mounts inside the root");
    if (s->drop_caps)
        return rt_unsupported(why, len, "dropped capabilities");
    if (!(s->ns & CLONE_NEWNS))
        return rt_unsupported(why, len, "a root switch without a mount namespace");
    rt_arg(a, bin);
    for (size_t i = 0; i < ns_count; i++) {
        if (!(s->ns & ns_kinds[i].flag))
            continue;
        if (!ns_kinds[i].unshare)
            return rt_unsupported(why, len, ns_kinds[i].what);
        rt_arg(a, ns_kinds[i].unshare);
    }
    if (s->ns & CLONE_NEWTIME) {
        if (s->monotonic.nsec || s->boottime.nsec)
            return rt_unsupported(why, len, "a clock offset finer than a second");
        rt_arg(a, "--monotonic"), rt_argf(a, "%lld", (long long)s->monotonic.sec);
        rt_arg(a, "--boottime"), rt_argf(a, "%lld", (long long)s->boottime.sec);
    }
    if (s->ns & CLONE_NEWPID)
        rt_arg(a, "--fork"), rt_arg(a, "--kill-child");
    if (s->propagation == ISO_PROP_UNBINDABLE)
        return rt_unsupported(why, len, "unbindable mounts (--propagation has no such mode)");
    rt_arg(a, "--propagation"), rt_arg(a, spec_propagation_name(s->propagation));
    if (rt_argf(a, "--root=%s", s->rootfs) < 0)
        return rt_unsupported(why, len, "a root path this long");
    rt_arg(a, "--mount-proc"); /* with --root: proc is mounted inside the new root */
    if (s->cwd)
        rt_arg(a, "--wd"), rt_arg(a, s->cwd);
    if (s->uid || s->gid)
        rt_arg(a, "--setuid"), rt_argf(a, "%u", s->uid), rt_arg(a, "--setgid"),
            rt_argf(a, "%u", s->gid);
    rt_arg_probe(a, probe_argv);
    return 0;
}

static bool unshare_available(char *why, size_t len) { return rt_find_bin(&unshare_bin, why, len); }

static int unshare_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                             char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    return rt_unshare_argv(s, rt->bin->path[0] ? rt->bin->path : rt->bin->exe, probe, &cmd->a, why,
                           len);
}

static int unshare_spawn(const struct iso_runtime *rt, const struct iso_spec *s,
                         char *const probe[], const int stdio[3], struct rt_proc *p,
                         struct iso_err *err)
{
    struct rt_cmd cmd;
    char why[256] = "";
    struct rt_exec x;

    if (!rt_find_bin(rt->bin, why, sizeof(why)) ||
        rt->translate(rt, s, probe, &cmd, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    x = (struct rt_exec){ cmd.a.argv, stdio, -1, s->join_netns_fd, false };
    return rt_exec(&x, p, err);
}

/* With --fork the probe is unshare's only child; without, unshare became
 * the probe. */
static int unshare_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    char path[64], text[64];
    const char *end;
    long long pid;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", p->pid, p->pid);
    if (read_file(path, text, sizeof(text)) < 0)
        return iso_err_set(err, errno, "read \"%s\"", path);
    if (!text[0]) {
        *init = p->pid;
        return 0;
    }
    if (parse_ll(text, &pid, &end) < 0 || pid <= 0 || pid > INT_MAX)
        return iso_err_set(err, 0, "read \"%s\": \"%s\" is not a pid", path, text);
    *init = (pid_t)pid;
    return 0;
}

const struct iso_runtime rt_unshare = {
    .name = "unshare",
    .bin = &unshare_bin,
    .available = unshare_available,
    .version = rt_bin_version,
    .translate = unshare_translate,
    .spawn = unshare_spawn,
    .init_pid = unshare_init_pid,
    .cleanup = rt_nothing_left,
    .external = true,
    .harness_cgroups = false,
};
