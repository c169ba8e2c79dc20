/* bwrap.c - the bubblewrap driver. bwrap reports the container's first
 * process on --info-fd as JSON ("child-pid"); with --as-pid-1 that is the
 * probe. A prepared network namespace is entered before bwrap runs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "ns.h"

static struct rt_bin bwrap_bin = { "bwrap", "" };

int rt_bwrap_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                  struct rt_argv *a, char *why, size_t len)
{
    int rc = rt_no_limits(s, why, len);

    memset(a, 0, sizeof(*a));
    if (rc || (rc = rt_no_hardening(s, true, why, len)))
        return rc;
    if (s->ns & CLONE_NEWUSER)
        /* --uid/--gid map one id, the caller's, to one id inside */
        return rt_unsupported(why, len, "a uid/gid map of a range of host ids");
    if (!(s->ns & CLONE_NEWNS))
        return rt_unsupported(why, len, "no mount namespace (bwrap always makes one)");
    if (s->uid || s->gid)
        return rt_unsupported(why, len,
                              "a process user other than root (--uid needs a user "
                              "namespace of one id)");
    /* bwrap makes every mount a slave (--make-rslave) and has no option
     * for it; private is its known difference (cases/known/bwrap.known) */
    if (s->propagation == ISO_PROP_SHARED || s->propagation == ISO_PROP_UNBINDABLE)
        return rt_unsupported(why, len, "shared or unbindable mounts (it makes them all slaves)");
    rt_arg(a, bin);
    rt_arg(a, "--die-with-parent");
    rt_arg(a, "--info-fd"), rt_argf(a, "%d", RT_INFO_FD);
    for (size_t i = 0; i < ns_count; i++) {
        const char *opt = ns_kinds[i].bwrap;
        if (!(s->ns & ns_kinds[i].flag))
            continue;
        if (!opt)
            return rt_unsupported(why, len, ns_kinds[i].what);
        if (opt[0])
            rt_arg(a, opt);
    }
    if (s->ns & CLONE_NEWPID)
        rt_arg(a, "--as-pid-1");
    if (s->hostname[0]) {
        if (!(s->ns & CLONE_NEWUTS))
            return rt_unsupported(why, len, "a hostname without a UTS namespace");
        rt_arg(a, "--hostname"), rt_arg(a, s->hostname);
    }
    rt_arg(a, s->readonly_root ? "--ro-bind" : "--bind"), rt_arg(a, s->rootfs), rt_arg(a, "/");
    rt_arg(a, "--proc"), rt_arg(a, "/proc");
    for (int i = 0; i < s->n_mounts; i++) {
        const struct iso_mount *m = &s->mounts[i];
        if (m->kind == ISO_MOUNT_SYSFS)
            return rt_unsupported(why, len, "a sysfs mount");
        if (m->kind == ISO_MOUNT_BIND)
            rt_arg(a, "--bind"), rt_arg(a, m->source), rt_arg(a, m->dest);
        else
            rt_arg(a, "--tmpfs"), rt_arg(a, m->dest);
    }
    if (s->drop_caps) {
        char name[64];
        rt_arg(a, "--cap-drop"), rt_arg(a, "ALL");
        for (int c = 0; c < 64; c++)
            if (s->caps_keep & (1ull << c))
                rt_arg(a, "--cap-add"), rt_argf(a, "%s", rt_cap_name(c, name, sizeof(name)));
    }
    if (s->cwd)
        rt_arg(a, "--chdir"), rt_arg(a, s->cwd);
    rt_arg_probe(a, probe_argv);
    return 0;
}

static bool bwrap_available(char *why, size_t len) { return rt_find_bin(&bwrap_bin, why, len); }

static int bwrap_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                           char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    return rt_bwrap_argv(s, rt->bin->path[0] ? rt->bin->path : rt->bin->exe, probe, &cmd->a, why,
                         len);
}

static int bwrap_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                       const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    struct rt_cmd cmd;
    char why[256] = "";
    int info[2], rc;

    if (!rt_find_bin(rt->bin, why, sizeof(why)) ||
        rt->translate(rt, s, probe, &cmd, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    if (pipe2(info, O_CLOEXEC | O_NONBLOCK) < 0)
        return iso_err_set(err, errno, "pipe");
    struct rt_exec x = { cmd.a.argv, stdio, info[1], s->join_netns_fd, false };
    rc = rt_exec(&x, p, err);
    close(info[1]);
    if (rc < 0) {
        close(info[0]);
        return -1;
    }
    p->info_fd = info[0];
    return 0;
}

/* {"child-pid": N, ...}: written before bwrap lets the command run, so
 * it is there once the probe reported ready. */
static int bwrap_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    char text[512];
    json_object *j, *pid;
    ssize_t n;

    n = read(p->info_fd, text, sizeof(text) - 1);
    if (n <= 0)
        return iso_err_set(err, n < 0 ? errno : 0, "read bwrap's --info-fd");
    text[n] = '\0';
    j = json_tokener_parse(text);
    if (!j || !json_object_object_get_ex(j, "child-pid", &pid) || json_object_get_int(pid) <= 0) {
        json_object_put(j);
        return iso_err_set(err, 0, "bwrap's --info-fd has no child-pid: %s", text);
    }
    *init = (pid_t)json_object_get_int(pid);
    json_object_put(j);
    return 0;
}

const struct iso_runtime rt_bwrap = {
    .name = "bwrap",
    .bin = &bwrap_bin,
    .available = bwrap_available,
    .version = rt_bin_version,
    .translate = bwrap_translate,
    .spawn = bwrap_spawn,
    .init_pid = bwrap_init_pid,
    .cleanup = rt_nothing_left,
    .external = true,
    .harness_cgroups = false,
};
