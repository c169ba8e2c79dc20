/* docker.c - Docker: "docker create" against the run's own dockerd
 * (dockerd.c), on the run's rootfs imported once as an image, then
 * "docker start -a -i": that client is the process waited for; it passes
 * the container's exit status on (128+N for a signal). The container's id
 * (from create) names its cgroup; its init is what "docker inspect" says.
 *
 * What docker has no way to ask for is refused with the reason: a user
 * namespace per container (--userns-remap is one mapping per daemon), a
 * time namespace, inheritable or ambient capabilities, sharing the case's
 * UTS or IPC namespace (docker's "host" ones are the daemon's), another
 * image than the run's. A network namespace the harness prepared cannot be
 * named by path: a small pause container joins it (nsenter on a bind of
 * the namespace file) and the probe's container shares its network
 * (--network container:PAUSE). The case's exchange directory is a bind
 * mount (-v), as the daemon cannot see the case's own mounts. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
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
#include "dockerd.h"
#include "ext.h"
#include "lab.h"
#include "ns.h"

static struct rt_bin docker_bin = { "docker", "" };

static bool docker_available(char *why, size_t len)
{
    return rt_find_bin(&docker_bin, why, len) && dockerd_binary(why, len);
}

/* The daemon's version: it is what builds the containers. */
static void docker_version(const struct iso_runtime *rt, char *out, size_t size)
{
    (void)rt;
    dockerd_version(out, size);
}

static const char *client(void) { return docker_bin.path[0] ? docker_bin.path : "docker"; }

/* The daemon that makes the spec's container: the remapped one for a
 * user namespace. */
static const char *daemon_of(const struct iso_spec *s)
{
    return s->ns & CLONE_NEWUSER ? DOCKERD_USERNS_SOCK : DOCKERD_SOCK;
}

static void client_args(struct rt_argv *a, const char *sock)
{
    rt_arg(a, client());
    rt_arg(a, "--config");
    rt_arg(a, DOCKERD_CLIENT_DIR);
    rt_arg(a, "-H");
    rt_arg(a, sock);
}

/* A user namespace docker can give: the remapped daemon's one range,
 * root inside to DOCKERD_REMAP_OUTER, for uids and gids alike. */
static bool is_remap(const struct iso_idmap *m, int n)
{
    return n == 1 && m[0].inner == 0 && m[0].outer == DOCKERD_REMAP_OUTER &&
           m[0].count == DOCKERD_REMAP_COUNT;
}

/* The run's root for a case is LAB_DIR/cN/root; anything else is an
 * image of the case's own (hostile images). */
static bool is_runs_root(const char *rootfs)
{
    static const char dir[] = LAB_DIR "/c";
    const char *p = rootfs;
    size_t digits;

    if (!p || strncmp(p, dir, sizeof(dir) - 1) != 0)
        return false;
    p += sizeof(dir) - 1;
    digits = strspn(p, "0123456789");
    return digits > 0 && strcmp(p + digits, "/root") == 0;
}

/* The run's cgroup parent ("/BASE/RUN"), "" when there is none. */
static void run_parent(char *out, size_t size, const char *id)
{
    const struct iso_config *cfg = rt_config();
    char why[256], path[PATH_MAX], *cut;

    out[0] = '\0';
    if (!cfg ||
        !cg_oci_path(&cfg->cg, id && id[0] ? id : "x", path, sizeof(path), why, sizeof(why)))
        return;
    /* ".../ID/ctr": the runtime's leaf below the harness's cgroup; docker
     * names its leaf itself (the container's id) */
    if ((cut = strrchr(path, '/')))
        *cut = '\0';
    if (!id || !id[0]) {
        if ((cut = strrchr(path, '/')))
            *cut = '\0';
    }
    snprintf(out, size, "%s%s", path[0] == '/' ? "" : "/", path);
}

/* Has the case changed its root since the lab made it (lab_prepare_root:
 * the overlay's upper layer holds only the harness's directories, empty,
 * and the probe)? Then the run's image is not that root: the case's
 * own is imported (a setuid copy of the probe, a device node placed
 * there). */
static bool root_changed(const char *rootfs)
{
    static const char *const own[] = { "proc", "mnt", "mnt/xchg", "tmp", ".isocheck-oldroot" };
    char upper[PATH_MAX], path[PATH_MAX + 32];
    const char *end = strrchr(rootfs, '/');
    bool changed = false;
    struct dirent *e;
    DIR *d;

    snprintf(upper, sizeof(upper), "%.*s/upper", (int)(end - rootfs), rootfs);
    for (size_t i = 0; i <= ARRAY_LEN(own) && !changed; i++) {
        snprintf(path, sizeof(path), "%s%s%s", upper, i ? "/" : "", i ? own[i - 1] : "");
        if (!(d = opendir(path)))
            continue;
        while ((e = readdir(d)) && !changed) {
            bool known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                         (i == 0 && !strcmp(e->d_name, &ISO_PROBE[1])) ||
                         (i == 2 && !strcmp(e->d_name, "xchg"));
            for (size_t k = 0; i == 0 && k < ARRAY_LEN(own) && !known; k++)
                known = !strchr(own[k], '/') && !strcmp(e->d_name, own[k]);
            changed = !known;
        }
        closedir(d);
    }
    return changed;
}

/* The run's image serves the case's root when it is the one the lab made
 * from the rootfs, unchanged. */
static bool runs_image(const char *rootfs) { return is_runs_root(rootfs) && !root_changed(rootfs); }

/* dockerd 20.10 refuses capabilities past CAP_AUDIT_READ (37) by name
 * ("unknown capability: CAP_BPF"): a container it makes with "all" has
 * none of CAP_PERFMON, CAP_BPF and CAP_CHECKPOINT_RESTORE. */
#define DOCKER_LAST_CAP 37

static int refuse_spec(const struct iso_spec *s, char *why, size_t len)
{
    if (rt_builtin_only(s, why, len))
        return ISO_RT_UNSUPPORTED;
    if (!(s->ns & CLONE_NEWNS))
        return rt_unsupported(why, len, "no mount namespace (docker always makes one)");
    if (s->propagation != ISO_PROP_PRIVATE)
        return rt_unsupported(why, len,
                              "a propagation of the container's mounts towards the case (they "
                              "live in the daemon's mount namespace, not the case's)");
    if ((s->ns & CLONE_NEWUSER) &&
        (!is_remap(s->uid_map, s->n_uid_map) || !is_remap(s->gid_map, s->n_gid_map)))
        return rt_unsupported(why, len,
                              "a user namespace other than 0 100000 65536 (docker's "
                              "--userns-remap is one mapping for the whole daemon)");
    if ((s->ns & CLONE_NEWUSER) && dockerd_userns_why()[0]) {
        snprintf(why, len, "the dockerd with --userns-remap is not there: %s",
                 dockerd_userns_why());
        return ISO_RT_UNSUPPORTED;
    }
    if (s->ns & CLONE_NEWTIME)
        return rt_unsupported(why, len, "a time namespace");
    if (!(s->ns & CLONE_NEWUTS))
        return rt_unsupported(why, len,
                              "the case's UTS namespace (docker's --uts host is the daemon's)");
    if (!(s->ns & CLONE_NEWIPC))
        return rt_unsupported(why, len,
                              "the case's IPC namespace (docker's --ipc host is the daemon's)");
    if (s->caps_inh || s->caps_amb)
        return rt_unsupported(why, len, "an inheritable or ambient capability set");
    if (s->drop_caps && (s->caps_keep >> (DOCKER_LAST_CAP + 1)))
        return rt_unsupported(why, len, "a capability dockerd 20.10 does not know by name");
    return 0;
}

/* Exactly the spec's set, of those the harness has itself: docker's
 * "ALL" includes capabilities the harness may lack, and capset fails. */
static int cap_args(const struct iso_spec *s, struct rt_argv *a)
{
    uint64_t keep = s->drop_caps ? s->caps_keep : ~0ull;
    char name[64];
    int last = (int)cap_max_bits();

    if (last > DOCKER_LAST_CAP + 1)
        last = DOCKER_LAST_CAP + 1;

    rt_arg(a, "--cap-drop=ALL");
    for (int c = 0; c < last && c < 64; c++)
        if ((keep & (1ull << c)) && cap_get_bound((cap_value_t)c) == 1) {
            if (rt_argf(a, "--cap-add=%s", rt_cap_name(c, name, sizeof(name))) < 0)
                return -1;
        }
    return 0;
}

static int limit_args(const struct iso_spec *s, struct rt_argv *a)
{
    char parent[PATH_MAX];
    int rc = 0;

    if (s->lim.memory) {
        rc |= rt_argf(a, "--memory=%llu", (unsigned long long)s->lim.memory);
        rc |= rt_argf(a, "--memory-swap=%llu", (unsigned long long)s->lim.memory);
    }
    if (s->lim.pids)
        rc |= rt_argf(a, "--pids-limit=%ld", s->lim.pids);
    if (s->lim.cpu_quota_us) {
        rc |= rt_argf(a, "--cpu-period=%ld", s->lim.cpu_period_us);
        if (s->lim.cpu_quota_us > 0)
            rc |= rt_argf(a, "--cpu-quota=%ld", s->lim.cpu_quota_us);
    }
    /* with limits, below the cgroup the harness made for the container
     * (counters such as OOM kills stay readable there) */
    if (cg_needed(&s->lim)) {
        run_parent(parent, sizeof(parent), s->id);
        if (parent[0])
            rc |= rt_argf(a, "--cgroup-parent=%s", parent);
    }
    return rc;
}

/* The process's working directory (dockerd makes it in the container's
 * root when missing) and user, numeric: no passwd lookup. */
static int process_args(const struct iso_spec *s, struct rt_argv *a)
{
    int rc = rt_argf(a, "--workdir=%s", s->cwd ? s->cwd : "/");

    if (s->uid || s->gid)
        rc |= rt_argf(a, "--user=%u:%u", s->uid, s->gid);
    return rc;
}

static int docker_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                            char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    struct rt_argv *a = &cmd->a;
    const char *dir = s->workdir ? s->workdir : "";
    int rc = 0;

    (void)rt;
    memset(a, 0, sizeof(*a));
    cmd->config = NULL;
    if (refuse_spec(s, why, len) < 0)
        return ISO_RT_UNSUPPORTED;
    client_args(a, daemon_of(s));
    rt_arg(a, "create");
    rt_arg(a, "-i"); /* with -a stdin: its stdin closes when the client's does */
    rt_arg(a, "-a");
    rt_arg(a, "stdin");
    rt_arg(a, "-a");
    rt_arg(a, "stdout");
    rt_arg(a, "-a");
    rt_arg(a, "stderr");
    rc |= rt_argf(a, "--name=%s", s->id);
    rt_arg(a, "--log-driver=none");
    if ((s->ns & CLONE_NEWNET) && s->join_netns_fd < 0)
        rt_arg(a, "--network=none");
    else /* the prepared namespace, or the case's own: through the pause */
        rc |= rt_argf(a, "--network=container:%sp", s->id);
    if ((s->ns & CLONE_NEWNET) && s->join_netns_fd < 0 && s->hostname[0])
        rc |= rt_argf(a, "--hostname=%s", s->hostname);
    if (!(s->ns & CLONE_NEWPID))
        rt_arg(a, "--pid=host");
    rt_arg(a, "--ipc=private");
    rt_arg(a, s->ns & CLONE_NEWCGROUP ? "--cgroupns=private" : "--cgroupns=host");
    rc |= cap_args(s, a);
    if (s->seccomp_deny)
        rc |= rt_argf(a, "--security-opt=seccomp=%s/seccomp-%s.json", dir, s->id);
    else
        rt_arg(a, "--security-opt=seccomp=unconfined");
    if (!s->mask_paths)
        rt_arg(a, "--security-opt=systempaths=unconfined");
    if (s->no_new_privs)
        rt_arg(a, "--security-opt=no-new-privileges");
    if (s->readonly_root)
        rt_arg(a, "--read-only");
    rc |= limit_args(s, a);
    rc |= rt_argf(a, "--volume=%s/dxchg:%s", dir, ISO_XCHG);
    if (rt_cli_mounts(a, s, "docker", why, len))
        return ISO_RT_UNSUPPORTED;
    rc |= process_args(s, a);
    /* the run's image, or one of the case's own (imported when it starts) */
    if (runs_image(s->rootfs))
        rt_arg(a, DOCKERD_IMAGE);
    else
        rc |= rt_argf(a, "isocheck-%s:case", s->id);
    rt_arg_probe(a, probe);
    if (rc)
        return rt_unsupported(why, len, "a command line this long");
    return 0;
}

/* A docker client command, stdout and stderr into out: its exit status.
 * The case's own timeout bounds the whole case; this bounds one command. */
static int docker_cmd(char *const argv[], char *out, size_t size)
{
    return dockerd_run(argv, out, size, 120000);
}

/* The container's init pid as docker inspect says, 0 while it has none. */
static pid_t inspect_pid(const char *sock, const char *name, char *out, size_t size)
{
    struct rt_argv a = { .argc = 0 };
    long long pid = 0;

    client_args(&a, sock);
    rt_arg(&a, "inspect");
    rt_arg(&a, "--format={{.State.Pid}}");
    rt_arg(&a, name);
    if (docker_cmd(a.argv, out, size) != 0)
        return 0;
    out[strcspn(out, "\n")] = '\0';
    if (parse_ll(out, &pid, NULL) < 0 || pid <= 0 || pid > INT_MAX)
        return 0;
    return (pid_t)pid;
}

/* A pause container whose init entered netns_fd's namespace: the probe's
 * container joins it with --network container:IDp. */
static int start_pause(const struct iso_spec *s, int netns_fd, struct iso_err *err)
{
    const struct timespec tick = { 0, 10000000L };
    struct rt_argv a = { .argc = 0 };
    char out[1024], name[48];
    double deadline;
    struct stat want, got;
    int rc = 0;

    if (fstat(netns_fd, &want) < 0)
        return iso_err_set(err, errno, "stat the network namespace");
    snprintf(name, sizeof(name), "%sp", s->id);
    client_args(&a, daemon_of(s));
    rt_arg(&a, "run");
    rt_arg(&a, "-d");
    if (s->ns & CLONE_NEWUSER) /* setns needs CAP_SYS_ADMIN over the namespace's owner */
        rt_arg(&a, "--userns=host");
    rc |= rt_argf(&a, "--name=%s", name);
    rt_arg(&a, "--log-driver=none");
    rt_arg(&a, "--network=none");
    rt_arg(&a, "--stop-signal=KILL");
    if (s->hostname[0]) /* docker gives the joining container this one */
        rc |= rt_argf(&a, "--hostname=%s", s->hostname);
    rt_arg(&a, "--cap-drop=ALL");
    rt_arg(&a, "--cap-add=SYS_ADMIN");
    rt_arg(&a, "--security-opt=seccomp=unconfined");
    rc |= rt_argf(&a, "--volume=/proc/%d/fd/%d:/isocheck-netns", (int)getpid(), netns_fd);
    rt_arg(&a, DOCKERD_IMAGE);
    rt_arg(&a, "/bin/nsenter");
    rt_arg(&a, "--net=/isocheck-netns");
    rt_arg(&a, "/bin/sleep");
    rc |= rt_argf(&a, "%.0f", rt_config() ? rt_config()->timeout_s + 10 : 300);
    if (rc)
        return iso_err_set(err, 0, "pause container: command line too long");
    if (docker_cmd(a.argv, out, sizeof(out)) != 0)
        return iso_err_set(err, 0, "pause container: %s", out);
    /* it is ready once its init is in the namespace */
    for (deadline = now_ms() + 10000; now_ms() < deadline; nanosleep(&tick, NULL)) {
        char path[64];
        pid_t pid = inspect_pid(daemon_of(s), name, out, sizeof(out));
        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
        if (pid > 0 && stat(path, &got) == 0 && got.st_ino == want.st_ino &&
            got.st_dev == want.st_dev)
            return 0;
    }
    return iso_err_set(err, 0, "pause container %s did not enter the network namespace", name);
}

static int write_seccomp(const struct iso_spec *s, struct iso_err *err)
{
    char path[PATH_MAX], text[512];
    autoclose int fd = -1;

    snprintf(path, sizeof(path), "%s/seccomp-%s.json", s->workdir, s->id);
    snprintf(text, sizeof(text),
             "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [ \"%s\" ], "
             "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": %d } ] }\n",
             s->seccomp_deny, s->seccomp_errno);
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        return iso_err_set(err, errno, "write \"%s\"", path);
    return 0;
}

/* What the case put in its exchange mount before its first container:
 * its files and directories (top level, with owner and mode). */
static int copy_xchg(const char *from, const char *to, struct iso_err *err)
{
    DIR *d = opendir(from);
    struct dirent *e;
    int rc = 0;

    while (d && rc == 0 && (e = readdir(d))) {
        char src[PATH_MAX + 256], dst[PATH_MAX + 256], buf[65536];
        autoclose int in = -1, out = -1;
        struct stat st;
        ssize_t n;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(src, sizeof(src), "%s/%s", from, e->d_name);
        snprintf(dst, sizeof(dst), "%s/%s", to, e->d_name);
        if (lstat(src, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = mkdir(dst, st.st_mode & 07777);
        else if (S_ISREG(st.st_mode)) {
            in = open(src, O_RDONLY | O_CLOEXEC);
            out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
            rc = in < 0 || out < 0 ? -1 : 0;
            while (rc == 0 && (n = read(in, buf, sizeof(buf))) > 0)
                rc = write_all(out, buf, (size_t)n);
        } else
            continue;
        if (rc == 0)
            rc = lchown(dst, st.st_uid, st.st_gid);
        if (rc < 0)
            iso_err_set(err, errno, "copy \"%s\" to \"%s\"", src, dst);
    }
    if (d)
        closedir(d);
    return rc;
}

/* The daemon does not see the case's mounts: the exchange directory the
 * container gets (-v) is a plain directory on the lab's tmpfs, bound over
 * the case's exchange mount (with what the case put there) so that both
 * sides see the same files. */
static int share_xchg(const struct iso_spec *s, struct iso_err *err)
{
    static bool done;
    char dir[PATH_MAX], xchg[PATH_MAX + 16];

    if (done)
        return 0;
    snprintf(dir, sizeof(dir), "%s/dxchg", s->workdir);
    snprintf(xchg, sizeof(xchg), "%s%s", s->rootfs, ISO_XCHG);
    if (mkdir(dir, 01777) < 0 && errno != EEXIST)
        return iso_err_set(err, errno, "mkdir \"%s\"", dir);
    chmod(dir, 01777);
    if (copy_xchg(xchg, dir, err) < 0)
        return -1;
    if (mount(dir, xchg, NULL, MS_BIND, NULL) < 0)
        return iso_err_set(err, errno, "bind \"%s\" on \"%s\"", dir, xchg);
    done = true;
    return 0;
}

/* An image of the case's own (a hostile one): its root as the case sees
 * it, imported into the daemon that makes the container. */
static int import_own(const struct iso_spec *s, struct iso_err *err)
{
    struct rt_argv a = { .argc = 0 };
    char tarf[PATH_MAX], out[1024];
    char *tar[] = { "/usr/bin/tar", "-cf", tarf, "-C", (char *)s->rootfs, ".", NULL };
    int rc;

    snprintf(tarf, sizeof(tarf), "%s/image-%s.tar", s->workdir, s->id);
    if (access(tar[0], X_OK) < 0)
        tar[0] = "/bin/tar";
    if (docker_cmd(tar, out, sizeof(out)) != 0)
        return iso_err_set(err, 0, "tar of \"%s\": %s", s->rootfs, out);
    client_args(&a, daemon_of(s));
    rt_arg(&a, "import");
    rt_arg(&a, tarf);
    rc = rt_argf(&a, "isocheck-%s:case", s->id);
    rc = rc < 0 ? -1 : docker_cmd(a.argv, out, sizeof(out));
    unlink(tarf);
    if (rc != 0)
        return iso_err_set(err, 0, "docker import of \"%s\": %s", s->rootfs, out);
    return 0;
}

static int docker_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                        const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    static struct rt_cmd cmd;
    static struct rt_argv start;
    struct rt_exec x = { start.argv, stdio, -1, -1, false };
    char why[256] = "", out[1024];
    autoclose int own = -1;
    int netns = s->join_netns_fd;

    if (!rt_find_bin(rt->bin, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    if (rt->translate(rt, s, probe, &cmd, why, sizeof(why)) < 0)
        return iso_err_set(err, 0, "docker: %s", why);
    if (share_xchg(s, err) < 0 || (s->seccomp_deny && write_seccomp(s, err) < 0) ||
        (!runs_image(s->rootfs) && import_own(s, err) < 0))
        return -1;
    if (!(s->ns & CLONE_NEWNET) && netns < 0) {
        /* no network namespace of its own: the case's */
        own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (own < 0)
            return iso_err_set(err, errno, "open \"/proc/self/ns/net\"");
        netns = own;
    }
    if (netns >= 0 && start_pause(s, netns, err) < 0)
        return -1;
    /* created first: its id names its cgroup */
    if (docker_cmd(cmd.a.argv, out, sizeof(out)) != 0)
        return iso_err_set(err, 0, "docker create: %s", out);
    if (rt_container_id(out) < 0)
        return iso_err_set(err, 0, "docker create printed \"%s\", not a container id", out);
    strlcpy0(p->cg_leaf, out, sizeof(p->cg_leaf));
    /* docker inspect is asked by the name */
    snprintf(p->pid_file, sizeof(p->pid_file), "%s %s", daemon_of(s), s->id);
    memset(&start, 0, sizeof(start));
    client_args(&start, daemon_of(s));
    rt_arg(&start, "start");
    rt_arg(&start, "-a");
    rt_arg(&start, "-i");
    rt_arg(&start, s->id);
    return rt_exec(&x, p, err);
}

/* The container runs once the probe said ready; docker inspect may lag
 * behind it by a moment. p->pid_file holds "SOCKET NAME": the daemon that
 * made it and the container's name. */
static int docker_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    const struct timespec tick = { 0, 5000000L };
    double deadline = now_ms() + 5000;
    char out[512] = "", sock[PATH_MAX];
    const char *name = strchr(p->pid_file, ' ');

    if (!name)
        return iso_err_set(err, 0, "no container named in \"%s\"", p->pid_file);
    snprintf(sock, sizeof(sock), "%.*s", (int)(name - p->pid_file), p->pid_file);
    while ((*init = inspect_pid(sock, name + 1, out, sizeof(out))) <= 0) {
        if (now_ms() > deadline)
            return iso_err_set(err, 0, "docker inspect %s: \"%s\"", name + 1, out);
        nanosleep(&tick, NULL);
    }
    return 0;
}

/* After a killed case: remove its containers (named cNn...) from both
 * daemons. */
static void docker_cleanup(const struct iso_runtime *rt, const char *workdir)
{
    static const char *const socks[] = { DOCKERD_SOCK, DOCKERD_USERNS_SOCK };
    const char *base = strrchr(workdir, '/');
    char out[4096], *save = NULL;

    if (!rt_find_bin(rt->bin, out, sizeof(out)) || !base)
        return;
    for (size_t i = 0; i < ARRAY_LEN(socks); i++) {
        struct rt_argv a = { .argc = 0 };
        client_args(&a, socks[i]);
        rt_arg(&a, "ps");
        rt_arg(&a, "-aq");
        if (rt_argf(&a, "--filter=name=^/%sn", base + 1) < 0 ||
            docker_cmd(a.argv, out, sizeof(out)))
            continue;
        memset(&a, 0, sizeof(a));
        client_args(&a, socks[i]);
        rt_arg(&a, "rm");
        rt_arg(&a, "-f");
        for (char *id = strtok_r(out, "\n", &save); id; id = strtok_r(NULL, "\n", &save))
            rt_arg(&a, id);
        if (a.argc > 7)
            docker_cmd(a.argv, NULL, 0);
    }
}

static int docker_start(const struct iso_runtime *rt, struct rt_daemon_report *r)
{
    struct iso_err err = { 0, "" };
    char parent[PATH_MAX];

    if (!rt_find_bin(rt->bin, r->why, sizeof(r->why)))
        return -1;
    run_parent(parent, sizeof(parent), NULL);
    if (!parent[0]) {
        snprintf(r->why, sizeof(r->why),
                 "no cgroup parent below the harness's own cgroup for dockerd's containers");
        return -1;
    }
    if (lab_probe_copy(LAB_DIR, &err) < 0) { /* before any case: no leak check yet */
        snprintf(r->why, sizeof(r->why), "%s", err.msg);
        return -1;
    }
    return dockerd_start(client(), LAB_DIR "/rootfs", LAB_DIR "/isoprobe", parent, r->why,
                         sizeof(r->why), r->log, sizeof(r->log), r->said, sizeof(r->said));
}

static void docker_stop(const struct iso_runtime *rt)
{
    (void)rt;
    dockerd_stop();
}

const struct iso_runtime rt_docker = {
    .name = "docker",
    .bin = &docker_bin,
    .available = docker_available,
    .version = docker_version,
    .translate = docker_translate,
    .spawn = docker_spawn,
    .init_pid = docker_init_pid,
    .cleanup = docker_cleanup,
    .daemon_start = docker_start,
    .daemon_stop = docker_stop,
    .external = true,
    .harness_cgroups = false,
    .default_timeout_s = 60,
};
