/* podman.c - the podman driver: "podman run --rm -i --rootfs DIR", one
 * conmon per container, no daemon. All its state is in the case's
 * directory (--root, --runroot, --tmpdir, a private containers.conf named
 * by CONTAINERS_CONF with file locks, no events, a network configuration
 * directory of its own (CNI on podman 4), every capability by default) on
 * the lab's tmpfs; podman 5's warning that cgroup v1 is deprecated is
 * turned off (it would reach the probe's stderr); cgroups through
 * the cgroupfs manager below the container's parent (--cgroup-parent;
 * conmon stays in the case's, --cgroups=no-conmon). A prepared network namespace is bound to a file
 * and joined with --network ns:PATH. podman writes the init's pid to
 * --pidfile; "podman kill" and "podman rm -f" clear a killed case. The container is
 * created, then started attached: its id names its cgroup. On
 * a cgroup v1 host podman runs where /sys/fs/cgroup/unified is hidden, as
 * crun, its default OCI runtime, needs (see oci.c). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "config.h"
#include "ext.h"
#include "incgroup.h"
#include "ns.h"

static struct rt_bin podman_bin = { "podman", "" };

/* One case's podman: its directory, and the files in it for a container. */
struct podman_paths {
    char dir[PATH_MAX], conf[PATH_MAX + 32], netns[PATH_MAX + 64], seccomp[PATH_MAX + 64];
    char pidfile[PATH_MAX + 64];
};

static void podman_paths(const char *workdir, const char *id, struct podman_paths *p)
{
    snprintf(p->dir, sizeof(p->dir), "%s/podman", workdir ? workdir : "");
    snprintf(p->conf, sizeof(p->conf), "%s/containers.conf", p->dir);
    snprintf(p->netns, sizeof(p->netns), "%s/%s.netns", p->dir, id);
    snprintf(p->seccomp, sizeof(p->seccomp), "%s/%s.seccomp.json", p->dir, id);
    snprintf(p->pidfile, sizeof(p->pidfile), "%s/%s.pid", p->dir, id);
}

static bool hides_unified(void) { return rt_config() && rt_config()->cg.version == 1; }

/* podman --root DIR/root --runroot DIR/run --tmpdir DIR/tmp ... */
static int global_args(struct rt_argv *a, const char *bin, const char *dir)
{
    rt_arg(a, bin);
    if (rt_argf(a, "--root=%s/root", dir) < 0 || rt_argf(a, "--runroot=%s/run", dir) < 0 ||
        rt_argf(a, "--tmpdir=%s/tmp", dir) < 0)
        return -1;
    rt_arg(a, "--storage-driver=vfs");
    rt_arg(a, "--cgroup-manager=cgroupfs");
    rt_arg(a, "--events-backend=none");
    return 0;
}

/* "--pid=private" or "--pid=host" */
static int ns_arg(struct rt_argv *a, const struct iso_spec *s, unsigned flag, const char *opt)
{
    return rt_argf(a, "--%s=%s", opt, s->ns & flag ? "private" : "host");
}

static int podman_check(const struct iso_spec *s, char *why, size_t len)
{
    int rc = rt_builtin_only(s, why, len);

    if (rc)
        return rc;
    if (!(s->ns & CLONE_NEWNS))
        return rt_unsupported(why, len, "no mount namespace (podman always makes one)");
    if (s->ns & CLONE_NEWTIME)
        return rt_unsupported(why, len, "a time namespace");
    if (s->propagation != ISO_PROP_PRIVATE)
        return rt_unsupported(why, len,
                              "a propagation of the root's mounts (--rootfs has no option; "
                              "they are private)");
    if (s->caps_inh)
        return rt_unsupported(why, len, "an inheritable capability set");
    if (s->caps_amb)
        return rt_unsupported(why, len, "an ambient capability set");
    return 0;
}

static void add_security(struct rt_argv *a, const struct iso_spec *s, const struct podman_paths *p)
{
    char name[64];

    /* the spec asks for no LSM and for only what it names */
    rt_arg(a, "--security-opt=label=disable");
    rt_arg(a, "--security-opt=apparmor=unconfined");
    if (s->seccomp_deny)
        rt_argf(a, "--security-opt=seccomp=%s", p->seccomp);
    else
        rt_arg(a, "--security-opt=seccomp=unconfined");
    if (!s->mask_paths)
        rt_arg(a, "--security-opt=unmask=ALL");
    if (s->no_new_privs)
        rt_arg(a, "--security-opt=no-new-privileges");
    if (s->uid || s->gid) {
        /* podman gives a non-root user its --cap-add capabilities in the
         * effective, permitted, inheritable and ambient sets: from the
         * case's default set (every capability, containers.conf) only
         * drop, the user's sets stay empty as the spec asks */
        for (int c = 0; s->drop_caps && c < (int)cap_max_bits() && c < 64; c++)
            if (!(s->caps_keep & (1ull << c)))
                rt_argf(a, "--cap-drop=%s", rt_cap_name(c, name, sizeof(name)));
        return;
    }
    if (!s->drop_caps) {
        rt_arg(a, "--cap-add=all");
        return;
    }
    rt_arg(a, "--cap-drop=all");
    for (int c = 0; c < 64; c++)
        if (s->caps_keep & (1ull << c))
            rt_argf(a, "--cap-add=%s", rt_cap_name(c, name, sizeof(name)));
}

/* The process's working directory and user: --workdir (podman makes it
 * in the root when missing), --user UID:GID (numeric: no lookup; 4.3
 * has no --passwd=false). */
static int add_process(struct rt_argv *a, const struct iso_spec *s)
{
    int rc = rt_argf(a, "--workdir=%s", s->cwd ? s->cwd : "/");

    if (s->uid || s->gid)
        rc |= rt_argf(a, "--user=%u:%u", s->uid, s->gid);
    return rc;
}

static void add_limits(struct rt_argv *a, const struct iso_spec *s)
{
    if (s->lim.memory) {
        rt_argf(a, "--memory=%llu", (unsigned long long)s->lim.memory);
        rt_argf(a, "--memory-swap=%llu", (unsigned long long)s->lim.memory); /* no swap */
    }
    if (s->lim.pids)
        rt_argf(a, "--pids-limit=%ld", s->lim.pids);
    if (s->lim.cpu_quota_us > 0) {
        rt_argf(a, "--cpu-period=%ld", s->lim.cpu_period_us);
        rt_argf(a, "--cpu-quota=%ld", s->lim.cpu_quota_us);
    }
}

static int podman_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                            char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    struct rt_argv *a = &cmd->a;
    char cgparent[PATH_MAX];
    struct podman_paths p;
    int rc;

    memset(a, 0, sizeof(*a));
    cmd->config = NULL;
    if ((rc = podman_check(s, why, len)))
        return rc;
    if (!rt_cgroup_parent(s, cgparent, sizeof(cgparent), why, len))
        return rt_unsupported(why, len, "a cgroup below the run's (none found)");
    podman_paths(s->workdir, s->id, &p);
    if (global_args(a, rt->bin->path[0] ? rt->bin->path : rt->bin->exe, p.dir) < 0)
        return rt_unsupported(why, len, "a state directory path this long");
    rt_arg(a, "create");
    rt_arg(a, "--rm");
    rt_arg(a, "-i");
    rt_argf(a, "--name=%s", s->id);
    rt_arg(a, "--rootfs"); /* the image argument is a directory */
    if (rt_argf(a, "--cgroup-parent=/%s", cgparent) < 0)
        return rt_unsupported(why, len, "a cgroup path this long");
    rt_arg(a, "--cgroups=no-conmon");
    if (rt_argf(a, "--pidfile=%s", p.pidfile) < 0)
        return rt_unsupported(why, len, "a pid file path this long");
    rt_arg(a, "--log-driver=none");
    if (s->join_netns_fd >= 0)
        rt_argf(a, "--network=ns:%s", p.netns);
    else
        rt_arg(a, s->ns & CLONE_NEWNET ? "--network=none" : "--network=host");
    ns_arg(a, s, CLONE_NEWPID, "pid");
    ns_arg(a, s, CLONE_NEWIPC, "ipc");
    ns_arg(a, s, CLONE_NEWUTS, "uts");
    ns_arg(a, s, CLONE_NEWCGROUP, "cgroupns");
    if (s->ns & CLONE_NEWUSER) {
        for (int i = 0; i < s->n_uid_map; i++)
            rt_argf(a, "--uidmap=%u:%u:%u", s->uid_map[i].inner, s->uid_map[i].outer,
                    s->uid_map[i].count);
        for (int i = 0; i < s->n_gid_map; i++)
            rt_argf(a, "--gidmap=%u:%u:%u", s->gid_map[i].inner, s->gid_map[i].outer,
                    s->gid_map[i].count);
    }
    if (s->hostname[0])
        rt_argf(a, "--hostname=%s", s->hostname);
    if (s->readonly_root)
        rt_arg(a, "--read-only");
    add_security(a, s, &p);
    add_limits(a, s);
    rt_arg(a, "--env=PATH=/bin:/sbin:/usr/bin:/usr/sbin");
    if (add_process(a, s) < 0)
        return rt_unsupported(why, len, "a working directory this long");
    if ((rc = rt_cli_mounts(a, s, "podman", why, len)))
        return rc;
    /* the directory itself, with the mounts below it (":O" would take
     * it without them); podman writes etc/hosts, etc/hostname and
     * run/.containerenv into it: the case's own overlay */
    if (rt_argf(a, "%s", s->rootfs) < 0)
        return rt_unsupported(why, len, "a root path this long");
    rt_arg_probe(a, probe);
    if (a->argc >= RT_MAX_ARGS - 1)
        return rt_unsupported(why, len, "a command line this long");
    return 0;
}

static bool podman_available(char *why, size_t len) { return rt_find_bin(&podman_bin, why, len); }

extern const struct iso_runtime rt_podman;

/* podman's major version, asked once: main asks for the version before
 * the lab starts, and the case processes inherit what it found. 0 when
 * unknown. */
static int major_seen = -1;

static void podman_version(const struct iso_runtime *rt, char *out, size_t size)
{
    rt_bin_version(rt, out, size);
    major_seen = (int)strtol(out, NULL, 10); /* "" (unknown): 0 */
}

static int podman_major(void)
{
    char v[32];

    if (major_seen < 0)
        podman_version(&rt_podman, v, sizeof(v));
    return major_seen;
}

/* On podman 4, CNI as the backend (as Debian 12's podman 4.3 is tested).
 * Podman 3 knows only CNI and warns of the network_backend key on every
 * command (it arrived in 4.0); podman 5 supports only netavark upstream,
 * and refuses "cni" where it was built without it. */
int rt_podman_network_conf(int major, const char *dir, char *out, size_t size)
{
    return snprintf(out, size, "[network]\n%snetwork_config_dir = \"%s/net\"\n",
                    major == 4 ? "network_backend = \"cni\"\n" : "", dir);
}

static int write_text(const char *path, const char *text, struct iso_err *err)
{
    autoclose int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        return iso_err_set(err, errno, "write \"%s\"", path);
    return 0;
}

/* The case's podman directory and its containers.conf: no default sysctls
 * (ping_group_range cannot be set in a joined network namespace owned by
 * another user namespace), no pids limit of its own, file locks (not
 * /dev/shm), no events, CNI configuration kept here. */
static int prepare_dir(const struct podman_paths *p, struct iso_err *err)
{
    char conf[PATH_MAX * 3 + 1024], caps[1024] = "", name[64], net[PATH_MAX + 64];
    size_t n = 0;

    if (access(p->conf, F_OK) == 0)
        return 0;
    if (mkdir(p->dir, 0700) < 0 && errno != EEXIST)
        return iso_err_set(err, errno, "mkdir \"%s\"", p->dir);
    /* every capability the kernel has: what a non-root user's
     * --cap-drop leave (see add_security) */
    rt_podman_network_conf(podman_major(), p->dir, net, sizeof(net));
    for (int c = 0; c < (int)cap_max_bits() && c < 64; c++)
        n += (size_t)snprintf(caps + n, sizeof(caps) - n, "%s\"%s\"", c ? ", " : "",
                              rt_cap_name(c, name, sizeof(name)));
    snprintf(conf, sizeof(conf),
             "[containers]\ndefault_sysctls = []\npids_limit = 0\ndefault_capabilities = [%s]\n"
             "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"none\"\n"
             "lock_type = \"file\"\nstatic_dir = \"%s/root/libpod\"\ntmp_dir = \"%s/tmp\"\n"
             "volume_path = \"%s/root/volumes\"\n%s",
             caps, p->dir, p->dir, p->dir, net);
    return write_text(p->conf, conf, err);
}

/* The prepared network namespace bound to a file podman can open. */
static int bind_netns(const struct iso_spec *s, const struct podman_paths *p, struct iso_err *err)
{
    char src[64];
    autoclose int fd = open(p->netns, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

    if (fd < 0)
        return iso_err_set(err, errno, "create \"%s\"", p->netns);
    snprintf(src, sizeof(src), "/proc/self/fd/%d", s->join_netns_fd);
    if (mount(src, p->netns, NULL, MS_BIND, NULL) < 0)
        return iso_err_set(err, errno, "bind the network namespace to \"%s\"", p->netns);
    return 0;
}

/* ARGV (a podman command line) with the case's CONTAINERS_CONF, where
 * /sys/fs/cgroup/unified is hidden on v1; its stdout (and stderr with
 * both) into out (may be NULL). Returns its wait status. */
static int capture(char *const argv[], const char *dir, bool both, char *out, size_t size)
{
    char conf[PATH_MAX + 32];
    int pp[2], st = -1;
    ssize_t n = 0, got;
    pid_t pid;

    snprintf(conf, sizeof(conf), "%s/containers.conf", dir);
    if (pipe2(pp, O_CLOEXEC) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(pp[1], 1), dup2(both ? pp[1] : null, 2);
        setenv("CONTAINERS_CONF", conf, 1);
        setenv("PODMAN_IGNORE_CGROUPSV1_WARNING", "1", 1);
        if (chdir(dir) < 0)
            _exit(127);
        if (hides_unified())
            rt_hide_unified();
        execv(argv[0], argv);
        _exit(127);
    }
    close(pp[1]);
    while (out && pid > 0 && (size_t)n < size - 1 &&
           (got = read(pp[0], out + n, size - 1 - (size_t)n)) > 0)
        n += got;
    if (out)
        out[n] = '\0';
    close(pp[0]);
    if (pid > 0)
        waitpid(pid, &st, 0);
    return st;
}

/* podman [global] ARGS... (see capture) */
static int run_podman(const char *dir, char *const args[], char *out, size_t size)
{
    struct rt_argv a;

    memset(&a, 0, sizeof(a));
    if (global_args(&a, podman_bin.path, dir) < 0)
        return -1;
    for (int i = 0; args[i]; i++)
        rt_arg(&a, args[i]);
    return capture(a.argv, dir, false, out, size);
}

static int podman_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                        const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    struct rt_cmd cmd = { .config = NULL };
    struct rt_argv start;
    struct rt_exec x = { start.argv, stdio, -1, -1, hides_unified() };
    struct podman_paths paths;
    char why[256] = "", out[1024];
    autoclose int cwd = -1;
    int rc, st;

    if (!rt_find_bin(rt->bin, why, sizeof(why)) ||
        rt->translate(rt, s, probe, &cmd, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    podman_paths(s->workdir, s->id, &paths);
    if (prepare_dir(&paths, err) < 0 || (s->join_netns_fd >= 0 && bind_netns(s, &paths, err) < 0))
        return -1;
    if (s->seccomp_deny) {
        char profile[512];
        snprintf(profile, sizeof(profile),
                 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"%s\"],"
                 "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":%d}]}\n",
                 s->seccomp_deny, s->seccomp_errno);
        if (write_text(paths.seccomp, profile, err) < 0)
            return -1;
    }
    /* created first: its id names its cgroup (cgroupfs: libpod-ID) */
    if ((st = capture(cmd.a.argv, paths.dir, true, out, sizeof(out))) != 0) {
        char *nl = strrchr(out, '\n');
        if (nl && !nl[1])
            *nl = '\0';
        return iso_err_set(err, 0, "podman create (status 0x%x): %s", st, out);
    }
    if (rt_container_id(out) < 0)
        return iso_err_set(err, 0, "podman create printed \"%s\", not a container id", out);
    memset(&start, 0, sizeof(start));
    global_args(&start, cmd.a.argv[0], paths.dir);
    rt_arg(&start, "start"), rt_arg(&start, "--attach"), rt_arg(&start, "--interactive");
    rt_arg(&start, s->id);
    /* conmon writes a file "oom" into its working directory when its
     * container is OOM-killed: let that be the case's podman directory */
    cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0 || chdir(paths.dir) < 0)
        return iso_err_set(err, errno, "chdir \"%s\"", paths.dir);
    setenv("CONTAINERS_CONF", paths.conf, 1);
    setenv("PODMAN_IGNORE_CGROUPSV1_WARNING", "1", 1);
    rc = rt_exec(&x, p, err);
    unsetenv("CONTAINERS_CONF");
    unsetenv("PODMAN_IGNORE_CGROUPSV1_WARNING");
    if (fchdir(cwd) < 0 && rc == 0)
        rc = iso_err_set(err, errno, "fchdir back");
    if (rc < 0)
        return -1;
    snprintf(p->cg_leaf, sizeof(p->cg_leaf), "libpod-%s", out);
    strlcpy0(p->pid_file, paths.pidfile, sizeof(p->pid_file));
    return 0;
}

/* podman writes --pidfile once the OCI runtime started the container,
 * which may be a moment after the probe said ready. */
static int podman_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    return rt_read_pid_file(p->pid_file, 5000, "podman's --pidfile", init, err);
}

/* After a killed case: conmon keeps its container running (it is in a
 * session of its own), so kill and remove every container of the case's
 * podman. Killed first, as every podman can: "rm --time" arrived after
 * podman 3.4, and "rm --force" alone waits out the stop timeout. */
static void podman_cleanup(const struct iso_runtime *rt, const char *workdir)
{
    char *const kill_all[] = { "kill", "--all", NULL };
    char *const rm_all[] = { "rm", "--all", "--force", NULL };
    struct podman_paths p;
    char why[256];

    podman_paths(workdir, "", &p);
    if (!rt_find_bin(rt->bin, why, sizeof(why)) || access(p.conf, F_OK) != 0)
        return;
    run_podman(p.dir, kill_all, NULL, 0);
    run_podman(p.dir, rm_all, NULL, 0);
}

const struct iso_runtime rt_podman = {
    .name = "podman",
    .bin = &podman_bin,
    .available = podman_available,
    .version = podman_version,
    .translate = podman_translate,
    .spawn = podman_spawn,
    .init_pid = podman_init_pid,
    .cleanup = podman_cleanup,
    .external = true,
    .harness_cgroups = false,
    .default_timeout_s = 60,
};
