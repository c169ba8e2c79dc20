/* lab.c - the run clones itself into a private pid+mnt+uts+ipc+net
 * namespace and becomes its PID 1. Everything a case does (hostnames, IPC
 * objects, mounts, links) lives inside it and goes when it goes: the lab's
 * parent kills it on SIGINT/SIGTERM, and PR_SET_PDEATHSIG kills it if the
 * parent itself is killed. */
#define _GNU_SOURCE
#include "lab.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys.h"

#define LAB_NS (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

static int copy_file(const char *from, const char *to, mode_t mode, struct iso_err *err)
{
    autoclose int in = open(from, O_RDONLY | O_CLOEXEC);
    autoclose int out = -1;
    struct stat st;

    if (in < 0)
        return iso_err_set(err, errno, "open \"%s\"", from);
    if (fstat(in, &st) < 0)
        return iso_err_set(err, errno, "stat \"%s\"", from);
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (out < 0)
        return iso_err_set(err, errno, "create \"%s\"", to);
    for (off_t off = 0; off < st.st_size;) {
        ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size - off));
        if (n <= 0)
            return iso_err_set(err, n < 0 ? errno : EIO, "copy \"%s\"", from);
    }
    return 0;
}

/* The lab's own tmpfs on /run holds the rootfs binding, the probe, the
 * marker and the per-case directories; the host's /run is never touched. */
static int setup_lab(const struct iso_config *cfg, struct iso_err *err)
{
    autoclose int rootfs_fd = open(cfg->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    char src[64];

    if (rootfs_fd < 0)
        return iso_err_set(err, errno, "open rootfs \"%s\"", cfg->rootfs);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return iso_err_set(err, errno, "make / rprivate");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return iso_err_set(err, errno, "mount proc on \"/proc\"");
    if (mount("isocheck-lab", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return iso_err_set(err, errno, "mount tmpfs on \"/run\"");
    if (mkdir(LAB_DIR, 0755) < 0 || mkdir(LAB_DIR "/rootfs", 0755) < 0)
        return iso_err_set(err, errno, "mkdir \"%s\"", LAB_DIR);
    snprintf(src, sizeof(src), "/proc/self/fd/%d", rootfs_fd);
    if (mount(src, LAB_DIR "/rootfs", NULL, MS_BIND | MS_REC, NULL) < 0)
        return iso_err_set(err, errno, "bind rootfs \"%s\"", cfg->rootfs);
    if (copy_file(cfg->probe, LAB_DIR "/isoprobe", 0755, err) < 0)
        return iso_err_wrap(err, "install probe");
    {
        autoclose int fd = open(LAB_DIR "/marker", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 || write_all(fd, "isocheck lab marker\n", 20) < 0)
            return iso_err_set(err, errno, "create marker \"%s/marker\"", LAB_DIR);
    }
    if (sethostname(LAB_HOSTNAME, strlen(LAB_HOSTNAME)) < 0)
        return iso_err_set(err, errno, "sethostname \"%s\"", LAB_HOSTNAME);
    return 0;
}

struct lab_args {
    const struct iso_config *cfg;
    int (*fn)(void *);
    void *arg;
    int alive_fd; /* read end: HUP when the parent is gone */
    int err_fd;   /* setup error text goes here */
};

static __attribute__((noreturn)) void lab_main(struct lab_args *a)
{
    struct pollfd p = { a->alive_fd, POLLIN, 0 };
    struct iso_err err = { 0, "" };
    sigset_t all;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (poll(&p, 1, 0) == 1) /* the parent died before PDEATHSIG was armed */
        _exit(2);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (setup_lab(a->cfg, &err) < 0) {
        (void)!write(a->err_fd, err.msg, strlen(err.msg));
        _exit(3);
    }
    close(a->err_fd);
    _exit(a->fn(a->arg));
}

int lab_run(const struct iso_config *cfg, int (*fn)(void *), void *arg, struct iso_err *err)
{
    int alive[2], errp[2];
    sigset_t set, old;
    pid_t pid;
    int status;
    char msg[512];
    ssize_t n;

    if (pipe2(alive, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    fflush(NULL);
    pid = sys_clone3(LAB_NS, NULL);
    if (pid < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
        return iso_err_set(err, e, "clone the lab namespaces");
    }
    if (pid == 0) {
        struct lab_args a = { cfg, fn, arg, alive[0], errp[1] };
        close(alive[1]);
        close(errp[0]);
        lab_main(&a);
    }
    close(alive[0]);
    close(errp[1]);
    for (;;) {
        siginfo_t si;
        if (sigwaitinfo(&set, &si) < 0)
            continue;
        if (si.si_signo != SIGCHLD) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            sigprocmask(SIG_SETMASK, &old, NULL);
            return -2;
        }
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    n = read(errp[0], msg, sizeof(msg) - 1);
    close(errp[0]);
    close(alive[1]);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3 && n > 0) {
        msg[n] = '\0';
        return iso_err_set(err, 0, "lab setup: %s", msg);
    }
    if (WIFSIGNALED(status))
        return iso_err_set(err, 0, "lab died of signal %d", WTERMSIG(status));
    return WEXITSTATUS(status);
}

static int mkdirs(const char *base, const char *const dirs[], const mode_t modes[], int n,
                  struct iso_err *err)
{
    char path[PATH_MAX];

    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", base, dirs[i]);
        if (mkdir(path, modes[i]) < 0 && errno != EEXIST)
            return iso_err_set(err, errno, "mkdir \"%s\"", path);
        chmod(path, modes[i]); /* mkdir honours the umask */
    }
    return 0;
}

int lab_case_setup(struct iso_ctx *ctx, int idx, struct iso_err *err)
{
    static const char *const dirs[] = { "", "upper", "work", "root", "upper/proc", "upper/mnt",
                                        "upper/mnt/xchg", "upper/tmp", "upper/.isocheck-oldroot" };
    static const mode_t modes[] = { 0755, 0755, 0755, 0755, 0555, 0755, 0755, 01777, 0700 };
    char dir[PATH_MAX], path[PATH_MAX], opts[PATH_MAX * 3 + 64];

    if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) < 0)
        return iso_err_set(err, errno, "unshare the case namespaces");
    if (gethostname(ctx->lab_hostname, sizeof(ctx->lab_hostname) - 1) < 0)
        return iso_err_set(err, errno, "gethostname");
    snprintf(dir, sizeof(dir), "%s/c%d", LAB_DIR, idx);
    strlcpy0(ctx->dir, dir, sizeof(ctx->dir));
    if (mkdirs(dir, dirs, modes, (int)ARRAY_LEN(dirs), err) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/upper%s", dir, ISO_PROBE);
    if (link(LAB_DIR "/isoprobe", path) < 0 && errno != EEXIST)
        return iso_err_set(err, errno, "link the probe to \"%s\"", path);
    snprintf(ctx->root, sizeof(ctx->root), "%s/root", dir);
    snprintf(opts, sizeof(opts), "lowerdir=%s/rootfs,upperdir=%s/upper,workdir=%s/work", LAB_DIR,
             dir, dir);
    if (mount("isocheck-root", ctx->root, "overlay", 0, opts) < 0)
        return iso_err_set(err, errno, "mount overlay on \"%s\"", ctx->root);
    snprintf(ctx->xchg, sizeof(ctx->xchg), "%s%s", ctx->root, ISO_XCHG);
    if (mount("isocheck-xchg", ctx->xchg, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=8m") < 0)
        return iso_err_set(err, errno, "mount tmpfs on \"%s\"", ctx->xchg);
    /* Shared, like the mounts of a systemd host: a container that does not
     * make its mounts private keeps receiving and sending mounts here. */
    if (mount(NULL, ctx->xchg, NULL, MS_SHARED, NULL) < 0)
        return iso_err_set(err, errno, "make \"%s\" shared", ctx->xchg);
    snprintf(ctx->marker, sizeof(ctx->marker), "%s/marker", LAB_DIR);
    return 0;
}
