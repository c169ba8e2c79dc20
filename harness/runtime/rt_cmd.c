/* rt_cmd.c - what the translations of a spec share: argv building and the
 * features no command-line runtime can express. */
#define _GNU_SOURCE
#include "rt_cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "case.h"

void rt_arg(struct rt_argv *a, const char *arg)
{
    if (a->argc < RT_MAX_ARGS - 1)
        a->argv[a->argc++] = (char *)arg;
    a->argv[a->argc] = NULL;
}

int rt_argf(struct rt_argv *a, const char *fmt, ...)
{
    va_list ap;
    char *p = a->buf + a->used;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(p, sizeof(a->buf) - a->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used)
        return -1;
    a->used += (size_t)n + 1;
    rt_arg(a, p);
    return 0;
}

void rt_arg_probe(struct rt_argv *a, char *const probe_argv[])
{
    rt_arg(a, ISO_PROBE);
    for (int i = 1; probe_argv[i]; i++)
        rt_arg(a, probe_argv[i]);
}

int rt_unsupported(char *why, size_t len, const char *what)
{
    snprintf(why, len, "no way to ask for %s", what);
    return ISO_RT_UNSUPPORTED;
}

int rt_builtin_only(const struct iso_spec *s, char *why, size_t len)
{
    if (s->root != ISO_ROOT_PIVOT || s->proc != ISO_PROC_NEW || !s->private_mounts ||
        !s->detach_old_root || s->leak_fd || s->expose_runtime || s->follow_image_symlinks ||
        s->exec_keep_inh || s->exec_leak_fd || s->cwd_unchecked || s->init_leak_fd || s->host_dev ||
        s->trust_image_proc || s->skip_cgroup_join || s->leak_process || s->leak_lab ||
        s->console_joined)
        return rt_unsupported(why, len, "the built-in runtime's sabotages");
    /* OCI runtimes hand the pty's master over a console socket (oci.c
     * asks for it); the others have no such socket or option */
    if (s->terminal)
        return rt_unsupported(why, len,
                              "a terminal whose pty master comes back to the lab (process.terminal "
                              "with a console socket)");
    /* the OCI runtime spec has no field for it; unshare(1) has one, but
     * no id map it can write without /etc/subuid */
    if (s->setgroups_deny)
        return rt_unsupported(why, len, "setgroups \"deny\" in the user namespace");
    return 0;
}

const char *rt_oci_propagation(const struct iso_spec *s)
{
    static const char *const names[] = { [ISO_PROP_PRIVATE] = "rprivate",
                                         [ISO_PROP_SLAVE] = "rslave",
                                         [ISO_PROP_SHARED] = "rshared",
                                         [ISO_PROP_UNBINDABLE] = "runbindable" };
    return names[s->propagation];
}

int rt_no_limits(const struct iso_spec *s, char *why, size_t len)
{
    if (s->lim.memory)
        return rt_unsupported(why, len, "a memory limit");
    if (s->lim.memory_high)
        return rt_unsupported(why, len, "memory.high");
    if (s->lim.oom_group)
        return rt_unsupported(why, len, "memory.oom.group");
    if (s->lim.pids)
        return rt_unsupported(why, len, "a pids limit");
    if (s->lim.cpu_quota_us)
        return rt_unsupported(why, len, "a CPU quota");
    if (s->lim.own_cgroup)
        return rt_unsupported(why, len, "a cgroup of the container's own");
    return rt_builtin_only(s, why, len);
}

int rt_cli_mounts(struct rt_argv *a, const struct iso_spec *s, const char *tool, char *why,
                  size_t len)
{
    for (int i = 0; i < s->n_mounts; i++) {
        const struct iso_mount *m = &s->mounts[i];
        char what[64];
        if (m->kind == ISO_MOUNT_SYSFS) {
            snprintf(what, sizeof(what), "a sysfs mount (%s --mount has no sysfs type)", tool);
            return rt_unsupported(why, len, what);
        }
        if (strpbrk(m->dest, ",:") || (m->source && strpbrk(m->source, ",:")))
            return rt_unsupported(why, len, "a mount path with a comma or colon");
        if (m->kind == ISO_MOUNT_BIND &&
            rt_argf(a, "--mount=type=bind,source=%s,target=%s", m->source, m->dest) < 0)
            return rt_unsupported(why, len, "a mount path this long");
        if (m->kind == ISO_MOUNT_TMPFS &&
            rt_argf(a, "--tmpfs=%s:rw,exec,nosuid,nodev,mode=755,size=1m", m->dest) < 0)
            return rt_unsupported(why, len, "a mount path this long");
    }
    return 0;
}

int rt_no_hardening(const struct iso_spec *s, bool nnp, char *why, size_t len)
{
    if (s->runtime_defaults)
        return rt_unsupported(why, len, "its own default spec (it has no spec command)");
    if (s->caps_inh || s->caps_amb)
        return rt_unsupported(why, len, "an inheritable or ambient capability set");
    if (s->no_new_privs && !nnp)
        return rt_unsupported(why, len, "no_new_privs");
    if (s->mask_paths)
        return rt_unsupported(why, len, "masked and read-only paths");
    if (s->seccomp_deny)
        return rt_unsupported(why, len, "a seccomp filter");
    if (s->created)
        return rt_unsupported(why, len, "a container created now and started later");
    return 0;
}

const char *rt_cap_name(int cap, char *buf, size_t len)
{
    char *n = cap_to_name((cap_value_t)cap);
    snprintf(buf, len, "%s", n ? n : "");
    cap_free(n);
    for (char *p = buf; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return buf;
}
