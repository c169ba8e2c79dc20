/* rt_cmd.c - translate an iso_spec for unshare(1), bwrap and OCI runtimes. */
#define _GNU_SOURCE
#include "rt_cmd.h"

#include <json-c/json.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "case.h"

static void add(struct rt_argv *a, const char *arg)
{
    if (a->argc < RT_MAX_ARGS - 1)
        a->argv[a->argc++] = (char *)arg;
    a->argv[a->argc] = NULL;
}

static void addf(struct rt_argv *a, const char *fmt, ...) ISO_PRINTF(2, 3);
static void addf(struct rt_argv *a, const char *fmt, ...)
{
    va_list ap;
    char *p = a->buf + a->used;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(p, sizeof(a->buf) - a->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used)
        return;
    a->used += (size_t)n + 1;
    add(a, p);
}

static int unsupported(char *why, size_t len, const char *what)
{
    snprintf(why, len, "no way to ask for %s", what);
    return ISO_RT_UNSUPPORTED;
}

/* The sabotage knobs only the built-in runtime has. */
static int builtin_only(const struct iso_spec *s, char *why, size_t len)
{
    if (s->root != ISO_ROOT_PIVOT || s->proc != ISO_PROC_NEW || !s->private_mounts ||
        !s->detach_old_root)
        return unsupported(why, len, "the built-in runtime's sabotages");
    return 0;
}

/* What neither unshare(1) nor bwrap can express: limits, and the above. */
static int common_limits(const struct iso_spec *s, char *why, size_t len)
{
    if (s->lim.memory)
        return unsupported(why, len, "a memory limit");
    if (s->lim.pids)
        return unsupported(why, len, "a pids limit");
    if (s->lim.cpu_quota_us)
        return unsupported(why, len, "a CPU quota");
    if (s->lim.own_cgroup)
        return unsupported(why, len, "a cgroup of the container's own");
    return builtin_only(s, why, len);
}

/* Namespaces in each tool's words; the user namespace has no simple
 * option in either (see the callers). */
static const struct {
    unsigned flag;
    const char *unshare, *bwrap;
} ns_opts[] = {
    { CLONE_NEWUTS, "--uts", "--unshare-uts" },
    { CLONE_NEWIPC, "--ipc", "--unshare-ipc" },
    { CLONE_NEWNET, "--net", "--unshare-net" },
    { CLONE_NEWCGROUP, "--cgroup", "--unshare-cgroup" },
};

static void add_ns_opts(struct rt_argv *a, const struct iso_spec *s, bool bwrap)
{
    for (size_t i = 0; i < sizeof(ns_opts) / sizeof(ns_opts[0]); i++)
        if (s->ns & ns_opts[i].flag)
            add(a, bwrap ? ns_opts[i].bwrap : ns_opts[i].unshare);
}

static void add_probe(struct rt_argv *a, char *const probe_argv[])
{
    add(a, ISO_PROBE);
    for (int i = 1; probe_argv[i]; i++)
        add(a, probe_argv[i]);
}

int rt_unshare_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                    struct rt_argv *a, char *why, size_t len)
{
    int rc = common_limits(s, why, len);

    memset(a, 0, sizeof(*a));
    if (rc)
        return rc;
    if (s->ns & CLONE_NEWUSER)
        /* --map-users goes through newuidmap, which only grants what
         * /etc/subuid allows; isocheck does not edit the host's files */
        return unsupported(why, len, "a uid/gid map without /etc/subuid entries");
    if (s->hostname[0])
        return unsupported(why, len, "a hostname");
    if (s->drop_caps)
        return unsupported(why, len, "dropped capabilities");
    if (!(s->ns & CLONE_NEWNS))
        return unsupported(why, len, "a root switch without a mount namespace");
    add(a, bin);
    if (s->ns & CLONE_NEWPID)
        add(a, "--pid"), add(a, "--fork"), add(a, "--kill-child");
    add(a, "--mount"), add(a, "--propagation"), add(a, "private");
    add_ns_opts(a, s, false);
    addf(a, "--root=%s", s->rootfs);
    add(a, "--mount-proc"); /* with --root: proc is mounted inside the new root */
    add_probe(a, probe_argv);
    return 0;
}

static const char *cap_name(int cap, char *buf, size_t len)
{
    char *n = cap_to_name((cap_value_t)cap);
    snprintf(buf, len, "%s", n ? n : "");
    cap_free(n);
    for (char *p = buf; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return buf;
}

int rt_bwrap_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                  struct rt_argv *a, char *why, size_t len)
{
    int rc = common_limits(s, why, len);

    memset(a, 0, sizeof(*a));
    if (rc)
        return rc;
    if (s->ns & CLONE_NEWUSER)
        /* --uid/--gid map one id, the caller's, to one id inside */
        return unsupported(why, len, "a uid/gid map of a range of host ids");
    if (!(s->ns & CLONE_NEWNS))
        return unsupported(why, len, "no mount namespace (bwrap always makes one)");
    add(a, bin);
    add(a, "--die-with-parent");
    if (s->ns & CLONE_NEWPID)
        add(a, "--unshare-pid"), add(a, "--as-pid-1");
    add_ns_opts(a, s, true);
    if (s->hostname[0]) {
        if (!(s->ns & CLONE_NEWUTS))
            return unsupported(why, len, "a hostname without a UTS namespace");
        add(a, "--hostname"), add(a, s->hostname);
    }
    add(a, "--bind"), add(a, s->rootfs), add(a, "/");
    add(a, "--proc"), add(a, "/proc");
    if (s->drop_caps) {
        char name[64];
        add(a, "--cap-drop"), add(a, "ALL");
        for (int c = 0; c < 64; c++)
            if (s->caps_keep & (1ull << c))
                add(a, "--cap-add"), addf(a, "%s", cap_name(c, name, sizeof(name)));
    }
    add_probe(a, probe_argv);
    return 0;
}

static json_object *ns_entry(const char *type, const char *path)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string(type));
    if (path)
        json_object_object_add(o, "path", json_object_new_string(path));
    return o;
}

static json_object *id_maps(const struct iso_idmap *m, int n)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "containerID", json_object_new_int64(m[i].inner));
        json_object_object_add(o, "hostID", json_object_new_int64(m[i].outer));
        json_object_object_add(o, "size", json_object_new_int64(m[i].count));
        json_object_array_add(arr, o);
    }
    return arr;
}

static json_object *cap_list(const struct iso_spec *s)
{
    json_object *arr = json_object_new_array();
    char name[64];
    int last = (int)cap_max_bits();

    /* only what the harness has itself: asking for more fails in capset */
    for (int c = 0; c < last && c < 64; c++)
        if ((!s->drop_caps || (s->caps_keep & (1ull << c))) && cap_get_bound((cap_value_t)c) == 1)
            json_object_array_add(arr, json_object_new_string(cap_name(c, name, sizeof(name))));
    return arr;
}

static json_object *mount_entry(const char *dest, const char *type, const char *source,
                                const char *const opts[])
{
    json_object *o = json_object_new_object(), *arr = json_object_new_array();
    json_object_object_add(o, "destination", json_object_new_string(dest));
    json_object_object_add(o, "type", json_object_new_string(type));
    json_object_object_add(o, "source", json_object_new_string(source));
    for (int i = 0; opts && opts[i]; i++)
        json_object_array_add(arr, json_object_new_string(opts[i]));
    json_object_object_add(o, "options", arr);
    return o;
}

char *rt_oci_config(const struct iso_spec *s, char *const probe_argv[], const char *netns_path,
                    const char *cgroups_path, char *why, size_t len)
{
    static const char *const proc_opts[] = { "nosuid", "noexec", "nodev", NULL };
    static const char *const dev_opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
    json_object *root, *proc, *args, *env, *user, *caps, *lnx, *nss, *mounts, *res, *rootobj;
    const char *text;
    char *out;

    if (builtin_only(s, why, len))
        return NULL;
    if (!(s->ns & CLONE_NEWNS)) {
        unsupported(why, len, "no mount namespace (OCI runtimes always make one)");
        return NULL;
    }
    if ((s->lim.memory || s->lim.pids || s->lim.cpu_quota_us || s->lim.own_cgroup) && !cgroups_path) {
        unsupported(why, len, "limits without a cgroup path this host can give");
        return NULL;
    }
    root = json_object_new_object();
    json_object_object_add(root, "ociVersion", json_object_new_string("1.0.2"));
    proc = json_object_new_object();
    json_object_object_add(proc, "terminal", json_object_new_boolean(0));
    user = json_object_new_object();
    json_object_object_add(user, "uid", json_object_new_int(0));
    json_object_object_add(user, "gid", json_object_new_int(0));
    json_object_object_add(proc, "user", user);
    args = json_object_new_array();
    json_object_array_add(args, json_object_new_string(ISO_PROBE));
    for (int i = 1; probe_argv[i]; i++)
        json_object_array_add(args, json_object_new_string(probe_argv[i]));
    json_object_object_add(proc, "args", args);
    env = json_object_new_array();
    json_object_array_add(env, json_object_new_string("PATH=/bin:/sbin:/usr/bin:/usr/sbin"));
    json_object_object_add(proc, "env", env);
    json_object_object_add(proc, "cwd", json_object_new_string("/"));
    caps = json_object_new_object();
    json_object_object_add(caps, "bounding", cap_list(s));
    json_object_object_add(caps, "effective", cap_list(s));
    json_object_object_add(caps, "permitted", cap_list(s));
    json_object_object_add(proc, "capabilities", caps);
    json_object_object_add(proc, "noNewPrivileges", json_object_new_boolean(0));
    json_object_object_add(root, "process", proc);
    rootobj = json_object_new_object();
    json_object_object_add(rootobj, "path", json_object_new_string(s->rootfs));
    json_object_object_add(rootobj, "readonly", json_object_new_boolean(0));
    json_object_object_add(root, "root", rootobj);
    if (s->hostname[0])
        json_object_object_add(root, "hostname", json_object_new_string(s->hostname));
    mounts = json_object_new_array();
    json_object_array_add(mounts, mount_entry("/proc", "proc", "proc", proc_opts));
    json_object_array_add(mounts, mount_entry("/dev", "tmpfs", "tmpfs", dev_opts));
    json_object_object_add(root, "mounts", mounts);
    lnx = json_object_new_object();
    nss = json_object_new_array();
    if (s->ns & CLONE_NEWPID)
        json_object_array_add(nss, ns_entry("pid", NULL));
    if (s->ns & CLONE_NEWNS)
        json_object_array_add(nss, ns_entry("mount", NULL));
    if (s->ns & CLONE_NEWUTS)
        json_object_array_add(nss, ns_entry("uts", NULL));
    if (s->ns & CLONE_NEWIPC)
        json_object_array_add(nss, ns_entry("ipc", NULL));
    if (netns_path)
        json_object_array_add(nss, ns_entry("network", netns_path));
    else if (s->ns & CLONE_NEWNET)
        json_object_array_add(nss, ns_entry("network", NULL));
    if (s->ns & CLONE_NEWCGROUP)
        json_object_array_add(nss, ns_entry("cgroup", NULL));
    if (s->ns & CLONE_NEWUSER) {
        json_object_array_add(nss, ns_entry("user", NULL));
        json_object_object_add(lnx, "uidMappings", id_maps(s->uid_map, s->n_uid_map));
        json_object_object_add(lnx, "gidMappings", id_maps(s->gid_map, s->n_gid_map));
    }
    json_object_object_add(lnx, "namespaces", nss);
    if (cgroups_path)
        json_object_object_add(lnx, "cgroupsPath", json_object_new_string(cgroups_path));
    /* the spec's private mounts, in OCI terms (runc's default is rslave) */
    json_object_object_add(lnx, "rootfsPropagation", json_object_new_string("rprivate"));
    res = json_object_new_object();
    if (s->lim.memory) {
        json_object *mem = json_object_new_object();
        json_object_object_add(mem, "limit", json_object_new_int64((int64_t)s->lim.memory));
        json_object_object_add(mem, "swap", json_object_new_int64((int64_t)s->lim.memory)); /* memory+swap: no swap */
        json_object_object_add(res, "memory", mem);
    }
    if (s->lim.pids) {
        json_object *pids = json_object_new_object();
        json_object_object_add(pids, "limit", json_object_new_int64(s->lim.pids));
        json_object_object_add(res, "pids", pids);
    }
    if (s->lim.cpu_quota_us) {
        json_object *cpu = json_object_new_object();
        json_object_object_add(cpu, "quota", json_object_new_int64(s->lim.cpu_quota_us > 0 ? s->lim.cpu_quota_us : -1));
        json_object_object_add(cpu, "period", json_object_new_int64(s->lim.cpu_period_us));
        json_object_object_add(res, "cpu", cpu);
    }
    json_object_object_add(lnx, "resources", res);
    json_object_object_add(root, "linux", lnx);
    text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    out = strdup(text);
    json_object_put(root);
    return out;
}
