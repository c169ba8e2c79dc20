/* nspawn.c - the systemd-nspawn driver, without systemd as PID 1:
 * --register=no (no machined), --keep-unit (no scope of its own: it
 * starts inside the container's cgroup parent below the run's and makes
 * "payload" and "supervisor" there), --console=pipe (the probe's stdio;
 * the default console wants a terminal), --quiet (nothing of its own on
 * the probe's stdout). The probe is the container's PID 1 and nspawn exits
 * with its status (1 when it was killed). nspawn names its container's
 * leader in an sd_notify message, "X_NSPAWN_LEADER_PID=N", to the socket
 * in NOTIFY_SOCKET: the driver listens there. Its state directory
 * (/run/systemd/nspawn) is in the lab's /run. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case.h"
#include "config.h"
#include "ext.h"
#include "incgroup.h"
#include "ns.h"

static struct rt_bin nspawn_bin = { "systemd-nspawn", "" };

/* What systemd-nspawn has no option for. */
static int nspawn_check(const struct iso_spec *s, char *why, size_t len)
{
    static const struct {
        unsigned flag;
        const char *what;
    } always[] = {
        { CLONE_NEWNS, "no mount namespace (systemd-nspawn always makes one)" },
        { CLONE_NEWPID, "no PID namespace (systemd-nspawn always makes one)" },
        { CLONE_NEWUTS, "no UTS namespace (systemd-nspawn always makes one)" },
        { CLONE_NEWIPC, "no IPC namespace (systemd-nspawn always makes one)" },
    };
    int rc = rt_builtin_only(s, why, len);

    if (rc)
        return rc;
    for (size_t i = 0; i < ARRAY_LEN(always); i++)
        if (!(s->ns & always[i].flag))
            return rt_unsupported(why, len, always[i].what);
    if (s->ns & CLONE_NEWTIME)
        return rt_unsupported(why, len, "a time namespace");
    /* limits go on the scope unit systemd makes for nspawn: with
     * --keep-unit (and without systemd as PID 1) there is none */
    if (s->lim.memory)
        return rt_unsupported(why, len, "a memory limit (systemd-nspawn --keep-unit sets none)");
    if (s->lim.pids)
        return rt_unsupported(why, len, "a pids limit (systemd-nspawn --keep-unit sets none)");
    if (s->lim.cpu_quota_us)
        return rt_unsupported(why, len, "a CPU quota (systemd-nspawn --keep-unit sets none)");
    if (s->propagation == ISO_PROP_SHARED || s->propagation == ISO_PROP_UNBINDABLE)
        return rt_unsupported(why, len,
                              "shared or unbindable mounts (systemd-nspawn makes the "
                              "container's mounts slaves of the caller's)");
    /* with its own defaults nspawn is asked for none of the hardening */
    if (!s->runtime_defaults && (s->caps_inh || s->caps_amb))
        return rt_unsupported(why, len, "an inheritable or ambient capability set");
    if (!s->runtime_defaults && s->mask_paths)
        return rt_unsupported(why, len, "masked and read-only paths (the OCI list)");
    if (!s->runtime_defaults && s->seccomp_deny && s->seccomp_errno != EPERM)
        return rt_unsupported(why, len, "a seccomp filter's errno (denied calls fail with EPERM)");
    if (s->ns & CLONE_NEWUSER) {
        const struct iso_idmap *u = s->uid_map, *g = s->gid_map;
        if (s->n_uid_map != 1 || s->n_gid_map != 1 || u->inner != 0 || g->inner != 0 ||
            u->outer != g->outer || u->count != g->count)
            return rt_unsupported(why, len, "a uid/gid map other than one range from 0, alike");
    }
    return 0;
}

static void add_caps(struct rt_argv *a, const struct iso_spec *s)
{
    char name[64], keep[2048] = "", drop[2048] = "";
    size_t k = 0, d = 0;

    if (!s->drop_caps) {
        rt_arg(a, "--capability=all");
        return;
    }
    /* nspawn keeps (its default set + --capability) - --drop-capability:
     * name every capability one way or the other */
    for (int c = 0; c <= (int)cap_max_bits() - 1 && c < 64; c++) {
        bool kept = s->caps_keep & (1ull << c);
        rt_cap_name(c, name, sizeof(name));
        if (kept)
            k += (size_t)snprintf(keep + k, sizeof(keep) - k, "%s%s", k ? "," : "", name);
        else
            d += (size_t)snprintf(drop + d, sizeof(drop) - d, "%s%s", d ? "," : "", name);
    }
    if (k)
        rt_argf(a, "--capability=%s", keep);
    if (d)
        rt_argf(a, "--drop-capability=%s", drop);
}

/* The process's working directory (--chdir) and the spec's mounts as oci.c writes them: a recursive
 * bind (rw; --bind binds recursively), a tmpfs with nosuid, nodev, mode 755 and 1 MiB, a read-only
 * sysfs. */
static int add_process(struct rt_argv *a, const struct iso_spec *s, char *why, size_t len)
{
    if (s->cwd && rt_argf(a, "--chdir=%s", s->cwd) < 0)
        return rt_unsupported(why, len, "a working directory this long");
    /* nspawn 252 runs "getent passwd USER" in the container for --user
     * ("Failed to resolve user 1000." without an entry), and isocheck
     * does not edit the image */
    if (s->uid || s->gid)
        return rt_unsupported(why, len,
                              "a user by number (systemd-nspawn --user takes a user that getent "
                              "resolves in the image's passwd)");
    for (int i = 0; i < s->n_mounts; i++) {
        const struct iso_mount *m = &s->mounts[i];
        if (m->kind == ISO_MOUNT_SYSFS)
            return rt_unsupported(why, len,
                                  "a sysfs mount (systemd-nspawn mounts its own /sys only)");
        if (strpbrk(m->dest, ":\\") || (m->source && strpbrk(m->source, ":\\")))
            return rt_unsupported(why, len, "a mount path with a colon or backslash");
        if (m->kind == ISO_MOUNT_TMPFS)
            return rt_unsupported(why, len,
                                  "a nosuid tmpfs (systemd-nspawn --tmpfs mounts with nodev only)");
        if (rt_argf(a, "--bind=%s:%s", m->source, m->dest) < 0)
            return rt_unsupported(why, len, "a mount path this long");
    }
    return 0;
}

static int nspawn_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                            char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    struct rt_argv *a = &cmd->a;
    char cgparent[PATH_MAX];
    int rc;

    memset(a, 0, sizeof(*a));
    cmd->config = NULL;
    if ((rc = nspawn_check(s, why, len)))
        return rc;
    if (!rt_cgroup_parent(s, cgparent, sizeof(cgparent), why, len))
        return rt_unsupported(why, len, "a cgroup below the run's (none found)");
    rt_arg(a, rt->bin->path[0] ? rt->bin->path : rt->bin->exe);
    rt_arg(a, "--quiet");
    rt_arg(a, "--register=no");
    rt_arg(a, "--keep-unit");
    rt_arg(a, "--console=pipe");
    rt_arg(a, "--settings=no");
    rt_arg(a, "--link-journal=no");
    rt_arg(a, "--resolv-conf=off");
    rt_arg(a, "--timezone=off");
    rt_argf(a, "--machine=%s", s->id);
    if (rt_argf(a, "--directory=%s", s->rootfs) < 0)
        return rt_unsupported(why, len, "a root path this long");
    /* the root is the case's own overlay already: what nspawn writes
     * there (var/log/journal) goes with the case; --volatile=overlay
     * would hide the mounts below it, the lab's exchange directory too */
    if (s->readonly_root && !s->runtime_defaults)
        rt_arg(a, "--read-only");
    /* a new network namespace: only lo; a prepared one is entered before
     * nspawn runs and shared (nspawn's default) */
    if (s->ns & CLONE_NEWNET)
        rt_arg(a, "--private-network");
    if (s->ns & CLONE_NEWUSER) {
        rt_argf(a, "--private-users=%u:%u", s->uid_map[0].outer, s->uid_map[0].count);
        rt_arg(a, "--private-users-ownership=off");
    }
    if (s->hostname[0])
        rt_argf(a, "--hostname=%s", s->hostname);
    /* nspawn's own defaults: its capability set, its system call
     * filter, no no_new_privs, its /proc and /sys masking, a writable
     * root; the options above only run it here (and keep it off the
     * host's files: settings, journal, resolv.conf, localtime) */
    if (!s->runtime_defaults) {
        add_caps(a, s);
        if (s->no_new_privs)
            rt_arg(a, "--no-new-privileges=yes");
        if (s->seccomp_deny)
            rt_argf(a, "--system-call-filter=~%s", s->seccomp_deny);
    }
    if ((rc = add_process(a, s, why, len)))
        return rc;
    rt_arg(a, "--");
    rt_arg_probe(a, probe);
    return 0;
}

static bool nspawn_available(char *why, size_t len) { return rt_find_bin(&nspawn_bin, why, len); }

/* "systemd 252 (252.39-1~deb12u2)" -> "252" */
static void nspawn_version(const struct iso_runtime *rt, char *out, size_t size)
{
    char why[256], line[256] = "";
    long long major = 0;
    const char *end;
    int pp[2];
    FILE *f;
    pid_t pid;

    out[0] = '\0';
    if (!rt_find_bin(rt->bin, why, sizeof(why)) || pipe2(pp, O_CLOEXEC) < 0)
        return;
    pid = fork();
    if (pid == 0) {
        dup2(pp[1], 1);
        execl(rt->bin->path, rt->bin->path, "--version", (char *)NULL);
        _exit(127);
    }
    close(pp[1]);
    f = fdopen(pp[0], "r");
    if (f && fgets(line, sizeof(line), f) && strncmp(line, "systemd ", 8) == 0 &&
        parse_ll(line + 8, &major, &end) == 0 && major > 0)
        snprintf(out, size, "%lld", major);
    if (f)
        fclose(f);
    else
        close(pp[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* A datagram socket at PATH for nspawn's sd_notify messages. */
static int notify_socket(const char *path, struct iso_err *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return iso_err_set(err, ENAMETOOLONG, "notify socket \"%s\"", path);
    strlcpy0(sa.sun_path, path, sizeof(sa.sun_path));
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return iso_err_set(err, errno, "socket");
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        iso_err_set(err, errno, "bind the notify socket \"%s\"", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int nspawn_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const probe[],
                        const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    struct rt_cmd cmd = { .config = NULL };
    char why[256] = "", cgparent[PATH_MAX], sock[PATH_MAX + 32];
    int fd, rc;

    if (!rt_find_bin(rt->bin, why, sizeof(why)) ||
        rt->translate(rt, s, probe, &cmd, why, sizeof(why)) ||
        !rt_cgroup_parent(s, cgparent, sizeof(cgparent), why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    /* with --keep-unit nspawn's cgroup is the one it starts in: "ctr"
     * below the container's parent, as an OCI runtime's would be */
    strlcpy0(cgparent + strlen(cgparent), "/ctr", sizeof(cgparent) - strlen(cgparent));
    snprintf(sock, sizeof(sock), "%s/nspawn-%s.notify", s->workdir ? s->workdir : "", s->id);
    fd = notify_socket(sock, err);
    if (fd < 0)
        return -1;
    /* nspawn makes a cgroup namespace whenever the kernel has them unless
     * SYSTEMD_NSPAWN_USE_CGNS=0; without one, on cgroup v1, it mounts the
     * host's hierarchies inside and fails where a kernel controller is not
     * mounted ("Failed to read link /sys/fs/cgroup/net_cls"): there it
     * keeps its default, and the no-cgroupns sabotage cannot be
     * expressed */
    setenv("NOTIFY_SOCKET", sock, 1);
    /* it locks the directory tree against a second container; cases run
     * two on one tree at once (documented: SYSTEMD_NSPAWN_LOCK) */
    setenv("SYSTEMD_NSPAWN_LOCK", "0", 1);
    if (s->ns & CLONE_NEWCGROUP)
        setenv("SYSTEMD_NSPAWN_USE_CGNS", "1", 1);
    else if (rt_config() && rt_config()->cg.version == 2)
        setenv("SYSTEMD_NSPAWN_USE_CGNS", "0", 1);
    rc = rt_exec_in_cgroup(cmd.a.argv, stdio, s->join_netns_fd, cgparent, p, err);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("SYSTEMD_NSPAWN_LOCK");
    unsetenv("SYSTEMD_NSPAWN_USE_CGNS");
    if (rc < 0) {
        close(fd);
        return -1;
    }
    p->info_fd = fd;
    /* on cgroup v2 nspawn moves the container into "payload" below its
     * cgroup and itself into "supervisor": the container's own cgroup is
     * ctr/payload (on v1 it leaves the controllers' hierarchies alone) */
    if (rt_config() && rt_config()->cg.version == 2)
        strlcpy0(p->cg_leaf, "ctr/payload", sizeof(p->cg_leaf));
    return 0;
}

/* "STATUS=Container running.\nX_NSPAWN_LEADER_PID=N": sent once the
 * leader runs, which may be a moment after the probe said ready. */
static int nspawn_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    static const char key[] = "X_NSPAWN_LEADER_PID=";
    double deadline = now_ms() + 3000;
    char msg[1024];

    for (;;) {
        struct pollfd pf = { p->info_fd, POLLIN, 0 };
        double left = deadline - now_ms();
        ssize_t n;
        const char *at, *end;
        long long pid;

        if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
            return iso_err_set(err, 0, "systemd-nspawn sent no %s within 3 s", key);
        n = recv(p->info_fd, msg, sizeof(msg) - 1, 0);
        if (n <= 0)
            continue;
        msg[n] = '\0';
        at = strstr(msg, key);
        if (at && parse_ll(at + sizeof(key) - 1, &pid, &end) == 0 && pid > 0 && pid <= INT_MAX) {
            *init = (pid_t)pid;
            return 0;
        }
    }
}

/* nspawn exits 1 when its container's init was killed, and says by
 * what: "Container NAME terminated by signal KILL." on its stderr; as
 * every external runtime, report that as exit status 128+N. */
static int nspawn_exit_status(int status, const char *err_text)
{
    static const char said[] = " terminated by signal ";
    const char *at = err_text ? strstr(err_text, said) : NULL;
    char name[16] = "";

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 1 || !at ||
        sscanf(at + sizeof(said) - 1, "%15[A-Z0-9+-]", name) != 1)
        return status;
    for (int sig = 1; sig < NSIG; sig++) {
        const char *abbrev = sigabbrev_np(sig);
        const char *bare = strncmp(name, "SIG", 3) == 0 ? name + 3 : name;
        if (abbrev && strcmp(abbrev, bare) == 0)
            return W_EXITCODE(128 + sig, 0);
    }
    return status;
}

const struct iso_runtime rt_nspawn = {
    .name = "nspawn",
    .bin = &nspawn_bin,
    .available = nspawn_available,
    .version = nspawn_version,
    .translate = nspawn_translate,
    .spawn = nspawn_spawn,
    .init_pid = nspawn_init_pid,
    .cleanup = rt_nothing_left,
    .exit_status = nspawn_exit_status,
    .external = true,
    .harness_cgroups = false,
};
