/* oci.c - the OCI runtimes, crun and runc: config.json in a bundle
 * directory, the container run with "--pid-file" so the runtime itself
 * says which process is the container's init, and "delete -f" after a
 * killed case. A prepared network namespace is bound to a file in the
 * bundle and named by path in config.json, as CNI does. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "config.h"
#include "console.h"
#include "ext.h"
#include "ns.h"
#include "oci_know.h"

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

static json_object *clock_offset(const struct iso_clock_offset *o)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "secs", json_object_new_int64(o->sec));
    json_object_object_add(j, "nanosecs", json_object_new_int64(o->nsec));
    return j;
}

/* The capabilities of mask by name, only those the harness has itself
 * (asking for more fails in capset) and the runtime knows (an older one
 * refuses a name it cannot parse). */
static json_object *cap_list(uint64_t mask, uint64_t known)
{
    json_object *arr = json_object_new_array();
    char name[64];
    int last = (int)cap_max_bits();

    for (int c = 0; c < last && c < 64; c++)
        if ((mask & known & (1ull << c)) && cap_get_bound((cap_value_t)c) == 1)
            json_object_array_add(arr, json_object_new_string(rt_cap_name(c, name, sizeof(name))));
    return arr;
}

/* All five sets, stated: a runtime that fills in an omitted set from its
 * own defaults is what CVE-2022-29162 was. */
static json_object *cap_sets(const struct iso_spec *s, uint64_t known)
{
    uint64_t keep = s->drop_caps ? s->caps_keep : ~0ull;
    json_object *caps = json_object_new_object();

    json_object_object_add(caps, "bounding", cap_list(keep, known));
    json_object_object_add(caps, "effective", cap_list(keep, known));
    json_object_object_add(caps, "permitted", cap_list(keep, known));
    json_object_object_add(caps, "inheritable", cap_list(s->caps_inh, known));
    json_object_object_add(caps, "ambient", cap_list(s->caps_amb, known));
    return caps;
}

static json_object *string_list(const char *const list[])
{
    json_object *arr = json_object_new_array();
    for (int i = 0; list[i]; i++)
        json_object_array_add(arr, json_object_new_string(list[i]));
    return arr;
}

/* Allow everything but one syscall, which fails with the spec's errno. */
static json_object *seccomp_filter(const struct iso_spec *s)
{
    json_object *f = json_object_new_object(), *rules = json_object_new_array();
    json_object *rule = json_object_new_object(), *names = json_object_new_array();

    json_object_object_add(f, "defaultAction", json_object_new_string("SCMP_ACT_ALLOW"));
    json_object_array_add(names, json_object_new_string(s->seccomp_deny));
    json_object_object_add(rule, "names", names);
    json_object_object_add(rule, "action", json_object_new_string("SCMP_ACT_ERRNO"));
    json_object_object_add(rule, "errnoRet", json_object_new_int(s->seccomp_errno));
    json_object_array_add(rules, rule);
    json_object_object_add(f, "syscalls", rules);
    return f;
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

/* A mount the spec asks for (hostile images aim them out of the root). */
static json_object *spec_mount_entry(const struct iso_mount *m)
{
    static const char *const bind_opts[] = { "rbind", NULL };
    static const char *const tmpfs_opts[] = { "nosuid", "nodev", "mode=755", "size=1m", NULL };
    static const char *const sysfs_opts[] = { "nosuid", "noexec", "nodev", "ro", NULL };

    if (m->kind == ISO_MOUNT_BIND)
        return mount_entry(m->dest, "bind", m->source, bind_opts);
    if (m->kind == ISO_MOUNT_TMPFS)
        return mount_entry(m->dest, "tmpfs", "tmpfs", tmpfs_opts);
    return mount_entry(m->dest, "sysfs", "sysfs", sysfs_opts);
}

/* linux.resources.unified: memory.high and memory.oom.group as v2 files. */
static json_object *unified_memory(const struct iso_limits *lim)
{
    json_object *uni = json_object_new_object();
    char v[32];

    if (lim->memory_high) {
        snprintf(v, sizeof(v), "%llu", (unsigned long long)lim->memory_high);
        json_object_object_add(uni, "memory.high", json_object_new_string(v));
    }
    if (lim->oom_group)
        json_object_object_add(uni, "memory.oom.group", json_object_new_string("1"));
    return uni;
}

/* rt_builtin_only, but a terminal is what OCI runtimes can give: the
 * driver hands them a console socket (console.h). */
static int oci_builtin_only(const struct iso_spec *s, char *why, size_t len)
{
    struct iso_spec t = *s;

    t.terminal = false;
    return rt_builtin_only(&t, why, len);
}

char *rt_oci_config(const struct iso_spec *s, char *const probe_argv[], const char *netns_path,
                    const char *cgroups_path, char *why, size_t len)
{
    return rt_oci_config_known(s, probe_argv, netns_path, cgroups_path, ~0ull, why, len);
}

char *rt_oci_config_known(const struct iso_spec *s, char *const probe_argv[],
                          const char *netns_path, const char *cgroups_path, uint64_t known_caps,
                          char *why, size_t len)
{
    static const char *const proc_opts[] = { "nosuid", "noexec", "nodev", NULL };
    static const char *const dev_opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
                                            NULL };
    static const char *const devpts_opts[] = { "nosuid",        "noexec",    "newinstance",
                                               "ptmxmode=0666", "mode=0620", NULL };
    json_object *root, *proc, *args, *env, *user, *lnx, *nss, *mounts, *res, *rootobj;
    const char *text;
    char *out;

    if (oci_builtin_only(s, why, len))
        return NULL;
    if (!(s->ns & CLONE_NEWNS)) {
        rt_unsupported(why, len, "no mount namespace (OCI runtimes always make one)");
        return NULL;
    }
    if (cg_needed(&s->lim) && !cgroups_path) {
        rt_unsupported(why, len, "limits without a cgroup path this host can give");
        return NULL;
    }
    root = json_object_new_object();
    json_object_object_add(root, "ociVersion", json_object_new_string("1.0.2"));
    proc = json_object_new_object();
    json_object_object_add(proc, "terminal", json_object_new_boolean(s->terminal));
    user = json_object_new_object();
    json_object_object_add(user, "uid", json_object_new_int64(s->uid));
    json_object_object_add(user, "gid", json_object_new_int64(s->gid));
    json_object_object_add(proc, "user", user);
    args = json_object_new_array();
    json_object_array_add(args, json_object_new_string(ISO_PROBE));
    for (int i = 1; probe_argv[i]; i++)
        json_object_array_add(args, json_object_new_string(probe_argv[i]));
    json_object_object_add(proc, "args", args);
    env = json_object_new_array();
    json_object_array_add(env, json_object_new_string("PATH=/bin:/sbin:/usr/bin:/usr/sbin"));
    json_object_object_add(proc, "env", env);
    json_object_object_add(proc, "cwd", json_object_new_string(s->cwd ? s->cwd : "/"));
    json_object_object_add(proc, "capabilities", cap_sets(s, known_caps));
    json_object_object_add(proc, "noNewPrivileges", json_object_new_boolean(s->no_new_privs));
    json_object_object_add(root, "process", proc);
    rootobj = json_object_new_object();
    json_object_object_add(rootobj, "path", json_object_new_string(s->rootfs));
    json_object_object_add(rootobj, "readonly", json_object_new_boolean(s->readonly_root));
    json_object_object_add(root, "root", rootobj);
    if (s->hostname[0])
        json_object_object_add(root, "hostname", json_object_new_string(s->hostname));
    mounts = json_object_new_array();
    json_object_array_add(mounts, mount_entry("/proc", "proc", "proc", proc_opts));
    json_object_array_add(mounts, mount_entry("/dev", "tmpfs", "tmpfs", dev_opts));
    /* the terminal's pty comes from the container's own devpts */
    if (s->terminal)
        json_object_array_add(mounts, mount_entry("/dev/pts", "devpts", "devpts", devpts_opts));
    for (int i = 0; i < s->n_mounts; i++)
        json_object_array_add(mounts, spec_mount_entry(&s->mounts[i]));
    json_object_object_add(root, "mounts", mounts);
    lnx = json_object_new_object();
    nss = json_object_new_array();
    for (size_t i = 0; i < ns_count; i++) {
        /* a prepared network namespace is joined by path */
        bool join = ns_kinds[i].flag == CLONE_NEWNET && netns_path;
        if ((s->ns & ns_kinds[i].flag) || join)
            json_object_array_add(nss, ns_entry(ns_kinds[i].oci, join ? netns_path : NULL));
    }
    if (s->ns & CLONE_NEWUSER) {
        json_object_object_add(lnx, "uidMappings", id_maps(s->uid_map, s->n_uid_map));
        json_object_object_add(lnx, "gidMappings", id_maps(s->gid_map, s->n_gid_map));
    }
    json_object_object_add(lnx, "namespaces", nss);
    if (s->ns & CLONE_NEWTIME) {
        json_object *offsets = json_object_new_object();
        json_object_object_add(offsets, "monotonic", clock_offset(&s->monotonic));
        json_object_object_add(offsets, "boottime", clock_offset(&s->boottime));
        json_object_object_add(lnx, "timeOffsets", offsets);
    }
    if (cgroups_path)
        json_object_object_add(lnx, "cgroupsPath", json_object_new_string(cgroups_path));
    /* the spec's propagation, in OCI terms (runc's default is rslave) */
    json_object_object_add(lnx, "rootfsPropagation", json_object_new_string(rt_oci_propagation(s)));
    res = json_object_new_object();
    if (s->lim.memory) {
        json_object *mem = json_object_new_object();
        json_object_object_add(mem, "limit", json_object_new_int64((int64_t)s->lim.memory));
        json_object_object_add(
            mem, "swap", json_object_new_int64((int64_t)s->lim.memory)); /* memory+swap: no swap */
        json_object_object_add(res, "memory", mem);
    }
    if (s->lim.pids) {
        json_object *pids = json_object_new_object();
        json_object_object_add(pids, "limit", json_object_new_int64(s->lim.pids));
        json_object_object_add(res, "pids", pids);
    }
    if (s->lim.cpu_quota_us) {
        json_object *cpu = json_object_new_object();
        json_object_object_add(
            cpu, "quota",
            json_object_new_int64(s->lim.cpu_quota_us > 0 ? s->lim.cpu_quota_us : -1));
        json_object_object_add(cpu, "period", json_object_new_int64(s->lim.cpu_period_us));
        json_object_object_add(res, "cpu", cpu);
    }
    if (s->lim.memory_high || s->lim.oom_group) /* cgroup v2 files with no OCI field */
        json_object_object_add(res, "unified", unified_memory(&s->lim));
    /* the OCI default (runc spec): every device denied but the ones the
     * runtime itself allows (null, zero, full, random, urandom, tty, ...) */
    {
        json_object *devs = json_object_new_array(), *deny = json_object_new_object();
        json_object_object_add(deny, "allow", json_object_new_boolean(0));
        json_object_object_add(deny, "access", json_object_new_string("rwm"));
        json_object_array_add(devs, deny);
        json_object_object_add(res, "devices", devs);
    }
    json_object_object_add(lnx, "resources", res);
    if (s->mask_paths) {
        json_object_object_add(lnx, "maskedPaths", string_list(spec_masked_paths));
        json_object_object_add(lnx, "readonlyPaths", string_list(spec_readonly_paths));
    }
    if (s->seccomp_deny)
        json_object_object_add(lnx, "seccomp", seccomp_filter(s));
    json_object_object_add(root, "linux", lnx);
    text = json_object_to_json_string_ext(root,
                                          JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    out = strdup(text);
    json_object_put(root);
    return out;
}

/* Where one container's files are: the bundle (config.json, the bound
 * network namespace, the pid file) and the runtime's state directory. */
struct oci_paths {
    char bundle[PATH_MAX], state[PATH_MAX], netns[PATH_MAX + 8], pid_file[PATH_MAX + 8];
    char console[PATH_MAX + 16];
};

static void oci_paths(const struct iso_runtime *rt, const struct iso_spec *s, struct oci_paths *p)
{
    const char *dir = s->workdir ? s->workdir : "";

    snprintf(p->bundle, sizeof(p->bundle), "%s/bundle-%s", dir, s->id);
    snprintf(p->state, sizeof(p->state), "%s/state-%s", dir, rt->name);
    snprintf(p->netns, sizeof(p->netns), "%s/netns", p->bundle);
    snprintf(p->pid_file, sizeof(p->pid_file), "%s/pid", p->bundle);
    snprintf(p->console, sizeof(p->console), "%s/console.sock", p->bundle);
}

/* Always a cgroupsPath for OCI runtimes: without one they make the
 * container's cgroup at the root of every hierarchy, outside the harness's
 * own cgroup. */
static const char *oci_cgroups_path(const struct iso_spec *s, char *buf, size_t size, char *why,
                                    size_t len)
{
    const struct iso_config *cfg = rt_config();
    unsigned need = cg_needed(&s->lim);
    char tmp[256];

    if ((!need || cg_usable(&cfg->cg, need, tmp, sizeof(tmp))) &&
        cg_oci_path(&cfg->cg, s->id, buf, size, tmp, sizeof(tmp)))
        return buf;
    snprintf(why, len, "no cgroup path for the container: %s", tmp);
    return NULL;
}

/* What an OCI runtime knows, learnt once per run: its version, and the
 * capabilities it can name from "RUNTIME features" where it has that
 * command (runc 1.1), else from its version (crun 1.8 has no features),
 * else none known: everything is asked for and a refusal is a skip
 * naming the key (oci_refused). Learnt when main asks for the version,
 * before the cases fork, so every case inherits it. */
struct oci_knows {
    const char *runtime;
    bool learnt;
    uint64_t caps;
    enum oci_caps_source source;
    char version[64];
    char *default_spec; /* what "RUNTIME spec" writes, NULL when it wrote nothing */
};

static struct oci_knows knows[] = { { .runtime = "crun" }, { .runtime = "runc" } };

/* "BIN spec" run in a directory of its own, which is removed again: the
 * config.json it writes, malloc'd, or NULL. */
static char *runtime_spec(const char *bin)
{
    char dir[] = "/tmp/isocheck-spec-XXXXXX", file[64], *text = NULL;
    pid_t pid;

    if (!mkdtemp(dir))
        return NULL;
    snprintf(file, sizeof(file), "%s/config.json", dir);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        if (chdir(dir) == 0)
            execl(bin, bin, "spec", (char *)NULL);
        _exit(127);
    }
    if (pid > 0 && waitpid(pid, NULL, 0) == pid) {
        json_object *j = json_object_from_file(file);
        if (j)
            text = strdup(json_object_to_json_string(j));
        json_object_put(j);
    }
    unlink(file);
    rmdir(dir);
    return text;
}

static struct oci_knows *learn(const struct iso_runtime *rt)
{
    static char text[32768];
    struct oci_knows *k = NULL;
    char why[256];

    for (size_t i = 0; i < ARRAY_LEN(knows); i++)
        if (strcmp(knows[i].runtime, rt->name) == 0)
            k = &knows[i];
    if (!k || k->learnt)
        return k;
    k->learnt = true;
    k->caps = ~0ull;
    k->source = OCI_CAPS_TRYING;
    if (!rt_find_bin(rt->bin, why, sizeof(why)))
        return k;
    rt_bin_output(rt->bin->path, "--version", text, sizeof(text));
    if (oci_version_text(text, k->version, sizeof(k->version)) < 0)
        k->version[0] = '\0';
    rt_bin_output(rt->bin->path, "features", text, sizeof(text));
    if (oci_caps_from_features(text, &k->caps) == 0)
        k->source = OCI_CAPS_FEATURES;
    else if (oci_caps_from_version(rt->name, k->version, &k->caps) == 0)
        k->source = OCI_CAPS_VERSION;
    k->default_spec = runtime_spec(rt->bin->path);
    return k;
}

static uint64_t known_caps(const struct iso_runtime *rt)
{
    const struct oci_knows *k = learn(rt);
    return k ? k->caps : ~0ull;
}

/* "1.1.5" of "1.1.5", "1.0.0" of "1.0.0-rc92": the dotted numbers the
 * known-differences ranges compare; learning what it knows on the way. */
static void oci_version(const struct iso_runtime *rt, char *out, size_t size)
{
    const struct oci_knows *k = learn(rt);

    if (!k || !k->version[0]) {
        rt_bin_version(rt, out, size);
        return;
    }
    snprintf(out, size, "%.*s", (int)strspn(k->version, "0123456789."), k->version);
}

/* The config key the runtime's message says it refused. */
static const char *oci_refused(const char *err_text) { return oci_refused_key(err_text); }

/* The runtime's own default spec with the root, the args and what the lab
 * must set changed: no terminal, the cgroup path, a prepared network
 * namespace's path. */
static char *default_config(const char *defaults, const struct iso_spec *s, char *const probe[],
                            const char *netns_path, const char *cgroups_path, char *why, size_t len)
{
    json_object *root = defaults ? json_tokener_parse(defaults) : NULL, *proc, *lnx, *o, *args;
    char *out = NULL;

    if (oci_builtin_only(s, why, len)) {
        json_object_put(root);
        return NULL;
    }
    if (!root || !json_object_object_get_ex(root, "process", &proc) ||
        !json_object_object_get_ex(root, "linux", &lnx)) {
        rt_unsupported(why, len, "its own default spec (\"spec\" wrote none)");
        json_object_put(root);
        return NULL;
    }
    if (json_object_object_get_ex(root, "root", &o))
        json_object_object_add(o, "path", json_object_new_string(s->rootfs));
    args = json_object_new_array();
    json_object_array_add(args, json_object_new_string(ISO_PROBE));
    for (int i = 1; probe[i]; i++)
        json_object_array_add(args, json_object_new_string(probe[i]));
    json_object_object_add(proc, "args", args);
    json_object_object_add(proc, "terminal", json_object_new_boolean(s->terminal));
    if (cgroups_path)
        json_object_object_add(lnx, "cgroupsPath", json_object_new_string(cgroups_path));
    if (netns_path && json_object_object_get_ex(lnx, "namespaces", &o))
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            json_object *ns = json_object_array_get_idx(o, i), *type;
            if (json_object_object_get_ex(ns, "type", &type) &&
                strcmp(json_object_get_string(type), "network") == 0)
                json_object_object_add(ns, "path", json_object_new_string(netns_path));
        }
    out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return out;
}

/* RUNTIME --root STATE run --bundle BUNDLE --pid-file FILE ID, and the
 * config.json it reads. */
static int oci_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                         char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    struct rt_argv *a = &cmd->a;
    char cgpath[PATH_MAX];
    struct oci_paths p;

    memset(a, 0, sizeof(*a));
    cmd->config = NULL;
    oci_paths(rt, s, &p);
    if (!oci_cgroups_path(s, cgpath, sizeof(cgpath), why, len))
        return ISO_RT_UNSUPPORTED;
    if (s->runtime_defaults) {
        const struct oci_knows *k = learn(rt);
        cmd->config = default_config(k ? k->default_spec : NULL, s, probe,
                                     s->join_netns_fd >= 0 ? p.netns : NULL, cgpath, why, len);
    } else {
        cmd->config = rt_oci_config_known(s, probe, s->join_netns_fd >= 0 ? p.netns : NULL, cgpath,
                                          known_caps(rt), why, len);
    }
    if (!cmd->config)
        return ISO_RT_UNSUPPORTED;
    rt_arg(a, rt->bin->path[0] ? rt->bin->path : rt->bin->exe);
    rt_arg(a, "--root");
    if (rt_argf(a, "%s", p.state) < 0)
        return rt_unsupported(why, len, "a state directory path this long");
    rt_arg(a, s->created ? "create" : "run");
    if (s->terminal) {
        /* the runtime sends the pty's master to the lab's relay (see
         * oci_spawn) and returns once the container runs */
        if (s->created)
            return rt_unsupported(why, len,
                                  "a terminal for a container created now and started "
                                  "later");
        rt_arg(a, "-d");
        rt_arg(a, "--console-socket");
        if (rt_argf(a, "%s", p.console) < 0)
            return rt_unsupported(why, len, "a console socket path this long");
    }
    rt_arg(a, "--bundle");
    if (rt_argf(a, "%s", p.bundle) < 0)
        return rt_unsupported(why, len, "a bundle path this long");
    rt_arg(a, "--pid-file");
    if (rt_argf(a, "%s", p.pid_file) < 0)
        return rt_unsupported(why, len, "a pid file path this long");
    rt_arg(a, s->id);
    return 0;
}

/* The bundle directory with config.json, the network namespace bound to
 * a file so the runtime can open it by path whenever it likes. */
static int write_bundle(const struct iso_spec *s, const struct oci_paths *p, const char *config,
                        struct iso_err *err)
{
    char file[PATH_MAX + 16], src[64];
    autoclose int fd = -1;

    if (mkdir(p->bundle, 0755) < 0 && errno != EEXIST)
        return iso_err_set(err, errno, "mkdir \"%s\"", p->bundle);
    if (mkdir(p->state, 0700) < 0 && errno != EEXIST)
        return iso_err_set(err, errno, "mkdir \"%s\"", p->state);
    if (s->join_netns_fd >= 0) {
        fd = open(p->netns, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        closep(&fd);
        snprintf(src, sizeof(src), "/proc/self/fd/%d", s->join_netns_fd);
        if (mount(src, p->netns, NULL, MS_BIND, NULL) < 0)
            return iso_err_set(err, errno, "bind the network namespace to \"%s\"", p->netns);
    }
    snprintf(file, sizeof(file), "%s/config.json", p->bundle);
    fd = open(file, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, config, strlen(config)) < 0)
        return iso_err_set(err, errno, "write \"%s\"", file);
    return 0;
}

/* --- a terminal: the console socket --------------------------------------
 * "RUNTIME run -d --console-socket SOCK": the runtime starts the container
 * detached and sends the pty's master over SOCK. A relay process of the
 * lab's, the one the harness waits for, listens there before the runtime
 * starts, keeps the master open, copies what the container writes to it
 * to the probe's stdout (and the lab's stdin the other way), closes it
 * once the container's side is gone, and exits with the container's
 * status: as subreaper it inherits the detached init. */

struct relay {
    char *const *argv; /* the runtime's run command */
    const int *stdio;
    int listen_fd, status_fd;
    const char *bin, *state, *id, *pid_file;
    bool hide_unified;
};

static __attribute__((noreturn)) void relay_fail(int status_fd, int errnum, const char *what)
{
    struct rt_setup_error m = { .errnum = errnum };

    snprintf(m.msg, sizeof(m.msg), "console relay: %s%s%s", what, errnum ? ": " : "",
             errnum ? strerror(errnum) : "");
    (void)!write(status_fd, &m, sizeof(m));
    _exit(125);
}

/* The exit status the harness expects of an external runtime. */
static int relay_status(int st)
{
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 125;
}

static pid_t relay_run(const struct relay *r, char *const argv[], bool quiet)
{
    pid_t pid = fork();

    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        dup2(null, 0);
        dup2(quiet ? null : r->stdio[2], 1);
        dup2(quiet ? null : r->stdio[2], 2);
        if (r->hide_unified)
            rt_hide_unified();
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Copy the master to stdout until the container's side of the pty is
 * closed (read gives EIO), the lab's stdin to the master until its EOF,
 * which ends the line and sends the terminal's end of file (^D). */
static void relay_copy(int master, const struct relay *r)
{
    struct pollfd p[2] = { { master, POLLIN, 0 }, { r->stdio[0], POLLIN, 0 } };
    char buf[4096];
    int cr = 0;

    for (;;) {
        ssize_t n;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (p[1].revents) {
            n = read(r->stdio[0], buf, sizeof(buf));
            if (n <= 0 || write_all(master, buf, (size_t)n) < 0) {
                /* the lab's stdin ended: so does the container's (VEOF) */
                if (n == 0)
                    (void)!write(master, "\n\x04", 2);
                p[1].fd = -1;
            }
        }
        if (p[0].revents) {
            n = read(master, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return;
            n = (ssize_t)console_strip_cr(buf, (size_t)n, &cr);
            if (n > 0 && write_all(r->stdio[1], buf, (size_t)n) < 0)
                return;
        }
    }
}

static __attribute__((noreturn)) void relay_main(const struct relay *r)
{
    char name[256], *const del[] = { (char *)r->bin, "--root",      (char *)r->state,
                                     "delete",       (char *)r->id, NULL };
    struct iso_err err = { 0, "" };
    int st, master = -1, waited = 0;
    pid_t rt, init;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        relay_fail(r->status_fd, errno, "become subreaper");
    rt = relay_run(r, r->argv, false);
    if (rt < 0)
        relay_fail(r->status_fd, errno, "fork");
    /* the master, or the runtime's failure (a refusal: its status and
     * its message on stderr) */
    while (master < 0) {
        struct pollfd p = { r->listen_fd, POLLIN, 0 };
        int rc = poll(&p, 1, 100);

        if (rc > 0) {
            int conn = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (conn < 0)
                relay_fail(r->status_fd, errno, "accept on the console socket");
            master = console_recv(conn, name, sizeof(name), &err);
            close(conn);
            if (master < 0)
                relay_fail(r->status_fd, err.errnum, err.msg);
        } else if (!waited && waitpid(rt, &st, WNOHANG) == rt) {
            waited = 1;
            if (relay_status(st) != 0)
                _exit(relay_status(st));
        } else if (waited && ++waited > 100) {
            relay_fail(r->status_fd, 0, "the runtime started the container but sent no console");
        }
    }
    close(r->listen_fd);
    if (!waited && waitpid(rt, &st, 0) == rt && relay_status(st) != 0)
        _exit(relay_status(st));
    if (rt_read_pid_file(r->pid_file, 3000, "the runtime's pid file", &init, &err) < 0)
        relay_fail(r->status_fd, err.errnum, err.msg);
    relay_copy(master, r);
    close(master);
    /* the init becomes ours only when the runtime's last process that
     * held it has exited, which may be a moment after "run -d" returned:
     * until then it is alive and not yet our child (ECHILD) */
    for (int tries = 0;;) {
        pid_t w = waitpid(-1, &st, 0);
        if (w == init)
            break;
        if (w > 0 || errno == EINTR)
            continue;
        if (errno != ECHILD || kill(init, 0) < 0 || ++tries > 500)
            relay_fail(r->status_fd, errno, "wait for the container's init");
        nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
    }
    rt = relay_run(r, del, true);
    if (rt > 0)
        waitpid(rt, NULL, 0);
    _exit(relay_status(st));
}

static int oci_spawn_terminal(const struct iso_runtime *rt, const struct iso_spec *s,
                              char *const argv[], const int stdio[3], const struct oci_paths *paths,
                              bool hide_unified, struct rt_proc *p, struct iso_err *err)
{
    struct relay r = { argv,  stdio,           -1,          -1, rt->bin->path, paths->state,
                       s->id, paths->pid_file, hide_unified };
    int sp[2];
    pid_t pid;

    r.listen_fd = console_listen(paths->console, err);
    if (r.listen_fd < 0)
        return -1;
    if (pipe2(sp, O_CLOEXEC) < 0) {
        close(r.listen_fd);
        return iso_err_set(err, errno, "pipe");
    }
    pid = fork();
    if (pid == 0) {
        close(sp[0]);
        r.status_fd = sp[1];
        relay_main(&r);
    }
    close(r.listen_fd);
    close(sp[1]);
    if (pid < 0) {
        close(sp[0]);
        return iso_err_set(err, errno, "fork");
    }
    p->status_fd = sp[0];
    p->pid = pid;
    return 0;
}

static int oci_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                     const int stdio[3], struct rt_proc *p, bool hide_unified, struct iso_err *err)
{
    struct rt_cmd cmd = { .config = NULL };
    struct rt_exec x = { cmd.a.argv, stdio, -1, -1, hide_unified };
    char why[256] = "";
    struct oci_paths paths;
    int rc;

    if (!rt_find_bin(rt->bin, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    rc = rt->translate(rt, s, probe, &cmd, why, sizeof(why));
    oci_paths(rt, s, &paths);
    if (rc < 0)
        rc = iso_err_set(err, 0, "config.json: %s", why);
    else if (write_bundle(s, &paths, cmd.config, err) < 0)
        rc = -1;
    free(cmd.config);
    if (rc < 0)
        return rc;
    strlcpy0(p->pid_file, paths.pid_file, sizeof(p->pid_file));
    if (s->terminal)
        return oci_spawn_terminal(rt, s, cmd.a.argv, stdio, &paths, hide_unified, p, err);
    return rt_exec(&x, p, err);
}

/* RUNTIME --root STATE exec --pid-file FILE [--cap NAME]... ID PROBE ARGS:
 * one more process in the running container; the runtime stays in the
 * foreground and exits with the process's status. */
static int oci_exec_in(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                       uint64_t add_caps, const int stdio[3], struct rt_proc *p, bool hide_unified,
                       struct iso_err *err)
{
    static int n_exec;
    struct rt_argv a = { .argc = 0 };
    struct rt_exec x = { a.argv, stdio, -1, -1, hide_unified };
    char why[256] = "", name[64];
    struct oci_paths paths;

    if (!rt_find_bin(rt->bin, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    oci_paths(rt, s, &paths);
    snprintf(p->pid_file, sizeof(p->pid_file), "%s/exec-%d.pid", paths.bundle, ++n_exec);
    rt_arg(&a, rt->bin->path);
    rt_arg(&a, "--root");
    rt_arg(&a, paths.state);
    rt_arg(&a, "exec");
    rt_arg(&a, "--pid-file");
    rt_arg(&a, p->pid_file);
    for (int c = 0; c < 64; c++)
        if ((add_caps & known_caps(rt) & (1ull << c)) && rt_argf(&a, "--cap") == 0)
            rt_argf(&a, "%s", rt_cap_name(c, name, sizeof(name)));
    rt_arg(&a, s->id);
    rt_arg_probe(&a, probe);
    return rt_exec(&x, p, err);
}

/* Both runtimes write --pid-file once they started the container (runc
 * after its exec), which may be a moment after the probe said ready. */
static int oci_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    return rt_read_pid_file(p->pid_file, 3000, "the runtime's pid file", init, err);
}

/* "create" has returned once the container's init waits for start; its
 * pid file says where that init is. Nothing is left to wait for. */
static int oci_created(const struct iso_runtime *rt, const struct iso_spec *s, struct rt_proc *p,
                       pid_t *init, struct iso_err *err)
{
    int st;

    (void)s;
    while (waitpid(p->pid, &st, 0) < 0)
        if (errno != EINTR)
            return iso_err_set(err, errno, "waitpid %d", p->pid);
    p->pid = -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return iso_err_set(err, 0, "%s create: status 0x%x", rt->name, st);
    return oci_init_pid(p, init, err);
}

/* RUNTIME --root STATE start ID, waited for. */
static int oci_start_in(const struct iso_runtime *rt, const struct iso_spec *s, bool hide_unified,
                        struct iso_err *err)
{
    struct oci_paths paths;
    pid_t pid;
    int st;

    oci_paths(rt, s, &paths);
    pid = fork();
    if (pid < 0)
        return iso_err_set(err, errno, "fork");
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        dup2(null, 0), dup2(null, 1);
        if (hide_unified)
            rt_hide_unified();
        execl(rt->bin->path, rt->bin->path, "--root", paths.state, "start", s->id, (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return iso_err_set(err, errno, "waitpid %d", pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return iso_err_set(err, 0, "%s start %s: status 0x%x", rt->name, s->id, st);
    return 0;
}

/* "RUNTIME --root STATE delete -f ID" for every container the runtime
 * still has in the case's state directory. */
static void oci_cleanup(const struct iso_runtime *rt, const char *workdir, bool hide_unified)
{
    char state[PATH_MAX], why[256];
    struct dirent *d;
    DIR *dir;

    if (!rt_find_bin(rt->bin, why, sizeof(why)))
        return;
    snprintf(state, sizeof(state), "%s/state-%s", workdir, rt->name);
    dir = opendir(state);
    while (dir && (d = readdir(dir))) {
        pid_t pid;
        if (d->d_name[0] == '.' || d->d_type != DT_DIR)
            continue;
        pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_RDWR);
            dup2(null, 1), dup2(null, 2);
            if (hide_unified)
                rt_hide_unified();
            execl(rt->bin->path, rt->bin->path, "--root", state, "delete", "-f", d->d_name,
                  (char *)NULL);
            _exit(127);
        }
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
    if (dir)
        closedir(dir);
}

/* crun 1.8 refuses a cgroup v1 host with a cgroup2 mount ("hybrid mode
 * not supported"): it runs where that mount is hidden. */
static bool crun_hides_unified(void) { return rt_config()->cg.version == 1; }

static struct rt_bin crun_bin = { "crun", "" };
static bool crun_available(char *why, size_t len) { return rt_find_bin(&crun_bin, why, len); }
static int crun_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                      const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    return oci_spawn(rt, s, probe, stdio, p, crun_hides_unified(), err);
}
static int crun_exec(const struct iso_runtime *rt, const struct iso_spec *s, pid_t init,
                     char *const probe[], uint64_t add_caps, const int stdio[3], struct rt_proc *p,
                     struct iso_err *err)
{
    (void)init;
    return oci_exec_in(rt, s, probe, add_caps, stdio, p, crun_hides_unified(), err);
}
static int crun_start(const struct iso_runtime *rt, const struct iso_spec *s, struct rt_proc *p,
                      struct iso_err *err)
{
    (void)p;
    return oci_start_in(rt, s, crun_hides_unified(), err);
}
static void crun_cleanup(const struct iso_runtime *rt, const char *workdir)
{
    oci_cleanup(rt, workdir, crun_hides_unified());
}

const struct iso_runtime rt_crun = {
    .name = "crun",
    .bin = &crun_bin,
    .available = crun_available,
    .version = oci_version,
    .translate = oci_translate,
    .spawn = crun_spawn,
    .init_pid = oci_init_pid,
    .cleanup = crun_cleanup,
    .exec = crun_exec,
    .created = oci_created,
    .start = crun_start,
    .device_rules = true,
    .refused = oci_refused,
    .external = true,
    .harness_cgroups = false,
};

static struct rt_bin runc_bin = { "runc", "" };
static bool runc_available(char *why, size_t len) { return rt_find_bin(&runc_bin, why, len); }
static int runc_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                      const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    return oci_spawn(rt, s, probe, stdio, p, false, err);
}
static int runc_exec(const struct iso_runtime *rt, const struct iso_spec *s, pid_t init,
                     char *const probe[], uint64_t add_caps, const int stdio[3], struct rt_proc *p,
                     struct iso_err *err)
{
    (void)init;
    return oci_exec_in(rt, s, probe, add_caps, stdio, p, false, err);
}
static int runc_start(const struct iso_runtime *rt, const struct iso_spec *s, struct rt_proc *p,
                      struct iso_err *err)
{
    (void)p;
    return oci_start_in(rt, s, false, err);
}
static void runc_cleanup(const struct iso_runtime *rt, const char *workdir)
{
    oci_cleanup(rt, workdir, false);
}

const struct iso_runtime rt_runc = {
    .name = "runc",
    .bin = &runc_bin,
    .available = runc_available,
    .version = oci_version,
    .translate = oci_translate,
    .spawn = runc_spawn,
    .init_pid = oci_init_pid,
    .cleanup = runc_cleanup,
    .exec = runc_exec,
    .created = oci_created,
    .start = runc_start,
    .device_rules = true,
    .refused = oci_refused,
    .external = true,
    .harness_cgroups = false,
};
