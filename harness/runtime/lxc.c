/* lxc.c - the LXC driver: a config file per container, run with
 * "lxc-start -F ... -- PROBE" so the probe is the container's PID 1 (as
 * with a system container's init; lxc-execute would put its own init.lxc
 * there). lxc-start exits 0 however its init ended; LXC logs how it ended
 * ("Child <N> ended on error (3)", "... on signal Killed(9)") at level
 * INFO, so a small waiter process runs lxc-start, reads that line and
 * exits as the init did (128+N when killed by N, as every external runtime
 * reports). "lxc-info -pH" names the init.
 *
 * All state is in the case's directory (-P, the log, the config) and the
 * lab's /run (LXC's lock files). LXC makes its cgroups relative to the
 * cgroup of the process that starts it (lxc.cgroup.relative): lxc-start
 * is moved into the container's cgroup parent below the run's, where it
 * makes "ctr" (the container, with the limits), "mon" (itself) and
 * "pivot" (where it goes at the end); the run's cleanup removes them.
 * On cgroup v2 LXC 5.0 also writes every controller it sees into the
 * parent's cgroup.subtree_control while lxc-start is still in it: the
 * kernel refuses that (EBUSY, "Could not enable ... controllers") and LXC
 * logs it and goes on; the controllers the limits need were enabled
 * there when the harness made that cgroup, still empty. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case.h"
#include "config.h"
#include "ext.h"
#include "incgroup.h"
#include "ns.h"

static struct rt_bin lxc_bin = { "lxc-start", "" };

/* What every container lxc-create makes includes (Debian's liblxc-common):
 * LXC's own defaults. */
#define LXC_COMMON_CONF "/usr/share/lxc/config/common.conf"

/* The files of one container: LXC's -P directory, the config, the log,
 * the seccomp policy. */
struct lxc_paths {
    char lxcpath[PATH_MAX], conf[PATH_MAX + 48], log[PATH_MAX + 48], seccomp[PATH_MAX + 48];
};

static void lxc_paths(const struct iso_spec *s, struct lxc_paths *p)
{
    snprintf(p->lxcpath, sizeof(p->lxcpath), "%s/lxc", s->workdir ? s->workdir : "");
    snprintf(p->conf, sizeof(p->conf), "%s/%s.conf", p->lxcpath, s->id);
    snprintf(p->log, sizeof(p->log), "%s/%s.log", p->lxcpath, s->id);
    snprintf(p->seccomp, sizeof(p->seccomp), "%s/%s.seccomp", p->lxcpath, s->id);
}

static void put_idmap(FILE *f, char kind, const struct iso_idmap *m, int n)
{
    for (int i = 0; i < n; i++)
        fprintf(f, "lxc.idmap = %c %u %u %u\n", kind, m[i].inner, m[i].outer, m[i].count);
}

/* Limits in the container's own cgroup ("ctr"), in the names of the
 * host's cgroup version. */
static void put_limits(FILE *f, const struct iso_spec *s)
{
    const struct iso_config *cfg = rt_config();
    bool v1 = !cfg || cfg->cg.version != 2;
    const char *key = v1 ? "lxc.cgroup" : "lxc.cgroup2";

    if (s->lim.memory) {
        char memsw[PATH_MAX + 32];
        fprintf(f, "%s.%s = %llu\n", key, v1 ? "memory.limit_in_bytes" : "memory.max",
                (unsigned long long)s->lim.memory);
        snprintf(memsw, sizeof(memsw), "%s/memory.memsw.limit_in_bytes",
                 cfg ? cfg->cg.ctl[CG_MEMORY].mount : "");
        if (!v1)
            fprintf(f, "%s.memory.swap.max = 0\n", key);
        else if (access(memsw, F_OK) == 0)
            fprintf(f, "%s.memory.memsw.limit_in_bytes = %llu\n", key,
                    (unsigned long long)s->lim.memory);
    }
    /* v2 only (lxc_check refuses them on v1): written to the container's
     * cgroup as the files are named */
    if (s->lim.memory_high && !v1)
        fprintf(f, "%s.memory.high = %llu\n", key, (unsigned long long)s->lim.memory_high);
    if (s->lim.oom_group && !v1)
        fprintf(f, "%s.memory.oom.group = 1\n", key);
    if (s->lim.pids)
        fprintf(f, "%s.pids.max = %ld\n", key, s->lim.pids);
    if (s->lim.cpu_quota_us > 0 && v1)
        fprintf(f, "%s.cpu.cfs_period_us = %ld\n%s.cpu.cfs_quota_us = %ld\n", key,
                s->lim.cpu_period_us, key, s->lim.cpu_quota_us);
    else if (s->lim.cpu_quota_us > 0)
        fprintf(f, "%s.cpu.max = %ld %ld\n", key, s->lim.cpu_quota_us, s->lim.cpu_period_us);
}

/* Does FILE (/etc/subuid, /etc/subgid) give root every outer range of
 * the map? */
static bool root_owns_ranges(const char *file, const struct iso_idmap *m, int n)
{
    autofree char *line = NULL;
    size_t cap = 0;
    int covered = 0;
    FILE *f = fopen(file, "re");

    for (int i = 0; i < n && f; i++) {
        rewind(f);
        while (getline(&line, &cap, f) > 0) {
            unsigned long long start, count;
            const char *end;
            /* "root:100000:65536" (or "0:...") */
            bool root = strncmp(line, "root:", 5) == 0 || strncmp(line, "0:", 2) == 0;
            if (root && parse_ull(strchr(line, ':') + 1, &start, &end) == 0 && *end == ':' &&
                parse_ull(end + 1, &count, &end) == 0 && m[i].outer >= start &&
                (unsigned long long)m[i].outer + m[i].count <= start + count) {
                covered++;
                break;
            }
        }
    }
    if (f)
        fclose(f);
    return covered == n;
}

/* With shadow's newuidmap and newgidmap installed, LXC maps ids through
 * them even for root, and they grant only what /etc/subuid and
 * /etc/subgid give root; isocheck does not edit the host's files. */
static bool ids_mappable(const struct iso_spec *s)
{
    struct rt_bin uidmap = { "newuidmap", "" }, gidmap = { "newgidmap", "" };
    char why[256];

    if (!rt_find_bin(&uidmap, why, sizeof(why)) || !rt_find_bin(&gidmap, why, sizeof(why)))
        return true;
    return root_owns_ranges("/etc/subuid", s->uid_map, s->n_uid_map) &&
           root_owns_ranges("/etc/subgid", s->gid_map, s->n_gid_map);
}

/* What LXC has no setting for, or isocheck does not ask it for. */
static int lxc_check(const struct iso_spec *s, char *why, size_t len)
{
    int rc = rt_builtin_only(s, why, len);

    if (rc)
        return rc;
    if (!(s->ns & CLONE_NEWNS))
        return rt_unsupported(why, len, "no mount namespace (LXC always makes one)");
    if (s->propagation == ISO_PROP_SHARED || s->propagation == ISO_PROP_UNBINDABLE)
        return rt_unsupported(why, len,
                              "shared or unbindable mounts (LXC makes the container's mounts "
                              "slaves of the caller's)");
    /* with its own defaults LXC is asked for none of the hardening, but
     * without common.conf they would be no /proc at all */
    if (s->runtime_defaults && access(LXC_COMMON_CONF, R_OK) < 0)
        return rt_unsupported(why, len, "its own defaults (no " LXC_COMMON_CONF ")");
    if (!s->runtime_defaults && (s->caps_inh || s->caps_amb))
        return rt_unsupported(why, len, "an inheritable or ambient capability set");
    if ((s->lim.memory_high || s->lim.oom_group) && (!rt_config() || rt_config()->cg.version != 2))
        return rt_unsupported(why, len, "memory.high or memory.oom.group (cgroup v2 files)");
    if (!s->runtime_defaults && s->mask_paths)
        /* LXC hides /proc and /sys paths with its AppArmor profile and
         * proc:mixed/sys:mixed, not with a list of paths */
        return rt_unsupported(why, len, "masked and read-only paths (the OCI list)");
    if ((s->ns & CLONE_NEWUSER) && !ids_mappable(s))
        return rt_unsupported(why, len,
                              "a uid/gid map without root's ranges in /etc/subuid and "
                              "/etc/subgid (LXC maps through newuidmap when it is installed)");
    if ((s->ns & CLONE_NEWTIME) &&
        ((s->monotonic.sec && s->monotonic.nsec) || (s->boottime.sec && s->boottime.nsec)))
        return rt_unsupported(why, len, "a clock offset of seconds and nanoseconds at once");
    return 0;
}

/* What a config line cannot hold: a working directory with a line
 * break, a mount path with white space (lxc.mount.entry is an fstab
 * line). */
static int lxc_paths_fit(const struct iso_spec *s, char *why, size_t len)
{
    static const char space[] = " \t\n\\";

    if (s->cwd && strchr(s->cwd, '\n'))
        return rt_unsupported(why, len, "a working directory with a line break");
    for (int i = 0; i < s->n_mounts; i++)
        if (strpbrk(s->mounts[i].dest, space) ||
            (s->mounts[i].source && strpbrk(s->mounts[i].source, space)))
            return rt_unsupported(why, len, "a mount path with white space (an fstab line)");
    return 0;
}

/* The spec's mounts as oci.c writes them, as lxc.mount.entry lines (a
 * relative target is inside the root, made when missing): a recursive
 * bind (rw) of a directory or a file, a tmpfs with nosuid, nodev, mode
 * 755 and 1 MiB, a read-only sysfs. */
static void put_mounts(FILE *f, const struct iso_spec *s)
{
    for (int i = 0; i < s->n_mounts; i++) {
        const struct iso_mount *m = &s->mounts[i];
        const char *dest = m->dest + strspn(m->dest, "/");
        struct stat st;

        if (m->kind == ISO_MOUNT_BIND)
            fprintf(f, "lxc.mount.entry = %s %s none rbind,create=%s 0 0\n", m->source, dest,
                    stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode) ? "file" : "dir");
        else if (m->kind == ISO_MOUNT_TMPFS)
            fprintf(f,
                    "lxc.mount.entry = tmpfs %s tmpfs nosuid,nodev,mode=755,size=1m,"
                    "create=dir 0 0\n",
                    dest);
        else
            fprintf(f, "lxc.mount.entry = sysfs %s sysfs ro,nosuid,noexec,nodev,create=dir 0 0\n",
                    dest);
    }
}

/* The config file's text (malloc'd). */
static char *lxc_config(const struct iso_spec *s, const struct lxc_paths *p, char *why, size_t len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);

    if (!f) {
        snprintf(why, len, "open_memstream: %s", strerror(errno));
        return NULL;
    }
    /* LXC's own defaults: its capability drops, seccomp policy, device
     * rules and cgroup:mixed proc:mixed sys:mixed mounts; the keys after
     * it only run it here (the hardening keys are left out) */
    if (s->runtime_defaults)
        fprintf(f, "lxc.include = %s\n", LXC_COMMON_CONF);
    fprintf(f, "lxc.rootfs.path = dir:%s\n", s->rootfs);
    if (s->readonly_root && !s->runtime_defaults)
        fprintf(f, "lxc.rootfs.options = ro\n");
    fprintf(f, "lxc.namespace.clone =");
    for (size_t i = 0; i < ns_count; i++)
        if (s->ns & ns_kinds[i].flag)
            fprintf(f, " %s", ns_kinds[i].proc);
    fprintf(f, "\n");
    /* a new network namespace: only lo; a prepared one is entered before
     * lxc-start runs and kept */
    if (s->ns & CLONE_NEWNET)
        fprintf(f, "lxc.net.0.type = empty\n");
    if (s->hostname[0])
        fprintf(f, "lxc.uts.name = %s\n", s->hostname);
    if (s->ns & CLONE_NEWUSER) {
        put_idmap(f, 'u', s->uid_map, s->n_uid_map);
        put_idmap(f, 'g', s->gid_map, s->n_gid_map);
    }
    if (s->ns & CLONE_NEWTIME) {
        /* one unit per key: seconds, or nanoseconds below one */
        const struct iso_clock_offset *o[2] = { &s->monotonic, &s->boottime };
        for (int i = 0; i < 2; i++)
            fprintf(f, "lxc.time.offset.%s = %lld%s\n", i ? "boot" : "monotonic",
                    o[i]->nsec ? (long long)o[i]->nsec : (long long)o[i]->sec,
                    o[i]->nsec ? "ns" : "s");
    }
    fprintf(f, "lxc.autodev = 1\n");
    if (s->runtime_defaults)
        goto run;
    fprintf(f, "lxc.mount.auto = proc:rw\n");
    if (s->drop_caps) {
        char name[64];
        fprintf(f, "lxc.cap.keep = none\n");
        for (int c = 0; c < 64; c++)
            if (s->caps_keep & (1ull << c)) {
                rt_cap_name(c, name, sizeof(name));
                for (char *q = name; *q; q++)
                    if (*q >= 'A' && *q <= 'Z')
                        *q = (char)(*q - 'A' + 'a');
                fprintf(f, "lxc.cap.keep = %s\n", name + 4); /* without "cap_" */
            }
    }
    if (s->no_new_privs)
        fprintf(f, "lxc.no_new_privs = 1\n");
    if (s->seccomp_deny)
        fprintf(f, "lxc.seccomp.profile = %s\n", p->seccomp);
    /* the spec asks for no LSM, as the OCI config does not either */
    fprintf(f, "lxc.apparmor.profile = unconfined\n");
run:
    /* the probe's stdio are pipes: no console, no terminals (common.conf's
     * four ttys in /dev/lxc fail to mount over this root) */
    fprintf(f, "lxc.console.path = none\nlxc.pty.max = 0\nlxc.tty.max = 0\n");
    fprintf(f, "lxc.init.cwd = %s\nlxc.environment = PATH=/bin:/sbin:/usr/bin:/usr/sbin\n",
            s->cwd ? s->cwd : "/");
    if (s->uid || s->gid)
        fprintf(f, "lxc.init.uid = %u\nlxc.init.gid = %u\n", s->uid, s->gid);
    put_mounts(f, s);
    fprintf(f, "lxc.cgroup.relative = 1\nlxc.cgroup.dir.container = ctr\n"
               "lxc.cgroup.dir.monitor = mon\nlxc.cgroup.dir.monitor.pivot = pivot\n");
    put_limits(f, s);
    if (fclose(f) != 0) {
        free(text);
        snprintf(why, len, "write the LXC config: %s", strerror(errno));
        return NULL;
    }
    return text;
}

/* lxc-start -n ID -P DIR -F -f CONF -o LOG -l INFO -- PROBE ARGS; the
 * config text in cmd->config. */
static int lxc_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                         char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    struct rt_argv *a = &cmd->a;
    char cgparent[PATH_MAX];
    struct lxc_paths p;
    int rc;

    memset(a, 0, sizeof(*a));
    cmd->config = NULL;
    if ((rc = lxc_check(s, why, len)) || (rc = lxc_paths_fit(s, why, len)))
        return rc;
    if (!rt_cgroup_parent(s, cgparent, sizeof(cgparent), why, len))
        return rt_unsupported(why, len, "a cgroup below the run's (none found)");
    lxc_paths(s, &p);
    cmd->config = lxc_config(s, &p, why, len);
    if (!cmd->config)
        return -1;
    rt_arg(a, rt->bin->path[0] ? rt->bin->path : rt->bin->exe);
    rt_arg(a, "-n"), rt_arg(a, s->id);
    rt_arg(a, "-P");
    if (rt_argf(a, "%s", p.lxcpath) < 0)
        return rt_unsupported(why, len, "a state directory path this long");
    rt_arg(a, "-F");
    rt_arg(a, "-f");
    if (rt_argf(a, "%s", p.conf) < 0)
        return rt_unsupported(why, len, "a config path this long");
    rt_arg(a, "-o");
    if (rt_argf(a, "%s", p.log) < 0)
        return rt_unsupported(why, len, "a log path this long");
    rt_arg(a, "-l"), rt_arg(a, "INFO");
    rt_arg(a, "--");
    rt_arg_probe(a, probe);
    return 0;
}

static bool lxc_available(char *why, size_t len) { return rt_find_bin(&lxc_bin, why, len); }

static int write_text(const char *path, const char *text, struct iso_err *err)
{
    autoclose int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        return iso_err_set(err, errno, "write \"%s\"", path);
    return 0;
}

/* "Child <5> ended on error (3)" / "... ended on signal Killed(9)": how
 * LXC says its init ended; 0 when it logged neither (a clean exit). */
static int init_status(const char *log)
{
    autofree char *text = NULL;
    size_t cap = 0;
    int status = 0;
    FILE *f = fopen(log, "re");

    while (f && getline(&text, &cap, f) > 0) {
        const char *at = strstr(text, " ended on ");
        const char *num = at ? strrchr(at, '(') : NULL, *end;
        long long v;
        if (!num || parse_ll(num + 1, &v, &end) < 0 || *end != ')' || v < 0 || v > 255)
            continue;
        if (strncmp(at, " ended on error", 15) == 0)
            status = (int)v;
        else if (strncmp(at, " ended on signal", 16) == 0)
            status = 128 + (int)v;
    }
    if (f)
        fclose(f);
    return status;
}

/* The waiter: runs lxc-start, passes on a failed setup step as it came,
 * then exits as the container's init did. */
static __attribute__((noreturn)) void lxc_waiter(char *const argv[], const int stdio[3],
                                                 int status_fd, int netns_fd, const char *cgparent,
                                                 const char *log)
{
    struct rt_proc inner = { .pid = -1, .status_fd = -1, .info_fd = -1 };
    struct rt_setup_error m = { 0, "" };
    struct iso_err err = { 0, "" };
    int keep[5] = { stdio[0], stdio[1], stdio[2], status_fd, netns_fd };
    const int fds[3] = { 0, 1, 2 };
    int null, st;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* stdio on 0-2, the report pipe on 3, the namespace on 4; nothing
     * else (a copy of a case's pipe end would keep the probe's stdin
     * open) */
    for (int i = 0; i < 5; i++)
        if (keep[i] >= 0 && (keep[i] = fcntl(keep[i], F_DUPFD, 64)) < 0)
            _exit(127);
    for (int i = 0; i < 5; i++)
        if (keep[i] >= 0 && dup2(keep[i], i) < 0)
            _exit(127);
    close_range(netns_fd >= 0 ? 5 : 4, ~0u, 0);
    if (rt_exec_in_cgroup(argv, fds, netns_fd >= 0 ? 4 : -1, cgparent, &inner, &err) < 0) {
        m.errnum = err.errnum;
        strlcpy0(m.msg, err.msg, sizeof(m.msg));
        (void)!write(3, &m, sizeof(m));
        _exit(127);
    }
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < 3; i++)
        dup2(null, i);
    if (netns_fd >= 0)
        close(4);
    while (waitpid(inner.pid, &st, 0) < 0)
        if (errno != EINTR)
            _exit(127);
    if (read(inner.status_fd, &m, sizeof(m)) > 0) {
        (void)!write(3, &m, sizeof(m));
        _exit(127);
    }
    if (!WIFEXITED(st))
        _exit(128 + WTERMSIG(st));
    _exit(WEXITSTATUS(st) ? WEXITSTATUS(st) : init_status(log));
}

static int lxc_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                     const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    struct rt_cmd cmd = { .config = NULL };
    char why[256] = "", cgparent[PATH_MAX];
    struct lxc_paths paths;
    int report = -1, rc;
    pid_t pid;

    if (!rt_find_bin(rt->bin, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    rc = rt->translate(rt, s, probe, &cmd, why, sizeof(why));
    lxc_paths(s, &paths);
    if (rc < 0)
        rc = iso_err_set(err, 0, "LXC config: %s", why);
    else if (!rt_cgroup_parent(s, cgparent, sizeof(cgparent), why, sizeof(why)))
        rc = iso_err_set(err, 0, "%s", why);
    else if (mkdir(paths.lxcpath, 0700) < 0 && errno != EEXIST)
        rc = iso_err_set(err, errno, "mkdir \"%s\"", paths.lxcpath);
    /* in a user namespace LXC's child, as the container's root, checks
     * that it can search LXCPATH ("Please grant it x access") */
    else if ((s->ns & CLONE_NEWUSER) && chmod(paths.lxcpath, 0711) < 0)
        rc = iso_err_set(err, errno, "chmod \"%s\"", paths.lxcpath);
    else if (write_text(paths.conf, cmd.config, err) < 0)
        rc = -1;
    free(cmd.config);
    if (rc == 0 && s->seccomp_deny) {
        char policy[256];
        snprintf(policy, sizeof(policy), "2\ndenylist\n[all]\n%s errno %d\n", s->seccomp_deny,
                 s->seccomp_errno);
        rc = write_text(paths.seccomp, policy, err);
    }
    if (rc < 0)
        return rc;
    pid = rt_fork_reporting(p, &report, err);
    if (pid < 0)
        return -1;
    if (pid == 0)
        lxc_waiter(cmd.a.argv, stdio, report, s->join_netns_fd, cgparent, paths.log);
    /* where init_pid finds the container: "LXCPATH/NAME" */
    snprintf(p->pid_file, sizeof(p->pid_file), "%s/%s", paths.lxcpath, s->id);
    /* LXC's command socket is an abstract one, in the network namespace
     * lxc-start runs in: lxc-info must ask from there */
    p->info_fd = s->join_netns_fd >= 0 ? fcntl(s->join_netns_fd, F_DUPFD_CLOEXEC, 3) : -1;
    return 0;
}

/* "lxc-info -n NAME -P LXCPATH -pH": the init's pid as the runtime knows
 * it (lxc-info lies beside lxc-start). */
static int lxc_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    char info[PATH_MAX], lxcpath[PATH_MAX], text[64] = "", *slash;
    const char *name, *end;
    long long pid = 0;
    autoclose int rd = -1;
    int pp[2], st;
    ssize_t n;
    pid_t child;

    snprintf(info, sizeof(info), "%s", lxc_bin.path);
    slash = strrchr(info, '/');
    snprintf(slash ? slash + 1 : info, sizeof(info) - (size_t)(slash ? slash + 1 - info : 0),
             "lxc-info");
    snprintf(lxcpath, sizeof(lxcpath), "%s", p->pid_file);
    slash = strrchr(lxcpath, '/');
    if (!slash)
        return iso_err_set(err, 0, "no LXC container recorded (\"%s\")", p->pid_file);
    *slash = '\0';
    name = slash + 1;
    if (pipe2(pp, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    rd = pp[0];
    child = fork();
    if (child == 0) {
        dup2(pp[1], 1);
        if (p->info_fd >= 0 && setns(p->info_fd, CLONE_NEWNET) < 0)
            _exit(127);
        execl(info, info, "-n", name, "-P", lxcpath, "-pH", (char *)NULL);
        _exit(127);
    }
    close(pp[1]);
    n = child > 0 ? read(rd, text, sizeof(text) - 1) : -1;
    text[n > 0 ? n : 0] = '\0';
    if (child > 0)
        waitpid(child, &st, 0);
    if (parse_ll(text, &pid, &end) < 0 || pid <= 0 || pid > INT_MAX)
        return iso_err_set(err, 0, "\"%s -n %s -P %s -pH\" printed \"%s\", not a pid", info, name,
                           lxcpath, text);
    *init = (pid_t)pid;
    return 0;
}

const struct iso_runtime rt_lxc = {
    .name = "lxc",
    .bin = &lxc_bin,
    .available = lxc_available,
    .version = rt_bin_version,
    .translate = lxc_translate,
    .spawn = lxc_spawn,
    .init_pid = lxc_init_pid,
    .cleanup = rt_nothing_left,
    .external = true,
    .harness_cgroups = false,
};
