/* lab.c - the run clones itself into a private pid+mnt+uts+ipc namespace and
 * becomes its PID 1; each case process takes its own mnt+uts+ipc+net
 * namespaces from there. Everything a case does (hostnames, IPC objects,
 * mounts, links) lives inside them and goes when they go: the lab's parent
 * stops it on SIGINT/SIGTERM/SIGHUP (below), PR_SET_PDEATHSIG kills it if the parent
 * itself is killed, and the kernel kills every process of the lab's PID
 * namespace with it. The lab itself makes no link: a network namespace of
 * its own would only cost a namespace setup and teardown per run (a case
 * never runs in the lab's). It has an IPC namespace of its own all the
 * same, so that the leak check (leak.h) sees only IPC objects a case left
 * in the lab, never the host's, and whatever a case leaves there goes with
 * the lab.
 *
 * The lab reports its exit code over a pipe before it exits: the kernel
 * takes its mounts and namespaces down without anyone waiting for it.
 *
 * The lab shares the run's memory (CLONE_VM, like posix_spawn's child): a
 * fork costs a millisecond on a small VM (a new address space, then a
 * copy-on-write fault for each page either side writes), a tenth of a
 * one-case run. Its parent only waits meanwhile, in system calls that
 * cannot fail (poll, read, kill, waitpid), so it never touches the C
 * library's state the lab is using (errno, the heap, stdio), and it goes
 * on only once the lab has stopped where that state is whole: after its
 * report. That is why a SIGINT, SIGTERM or SIGHUP of the run does not kill
 * the lab but asks it to stop (SIG_LAB_STOP; lab_stopping): the runner
 * stops at its next wait, the lab reports, and the kernel kills what is
 * left in its PID namespace. Only a lab that does not stop within
 * LAB_STOP_GRACE_MS, or a second signal, gets SIGKILL. */
#define _GNU_SOURCE
#include "lab.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys.h"

#define LAB_NS (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC)
#define LAB_STACK_SIZE ((size_t)8 << 20) /* the usual RLIMIT_STACK */
#define LAB_STOP_GRACE_MS 2000
#define SIG_LAB_STOP (SIGRTMIN + 1)

/* What the lab writes on its report pipe: one tag byte, then the exit code
 * or the setup error. */
#define LAB_DONE 'R'
#define LAB_STOPPED 'S'
#define LAB_SETUP_FAILED 'E'

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

/* The probe the run was given, and whether the rootfs already holds that
 * very file at /isoprobe (the same device and inode: make-rootfs hard-links
 * it). Then every overlay of the rootfs has it in its lower layer, and the
 * lab makes no copy of its megabyte (half a millisecond of every run):
 * LAB_DIR/isoprobe is a symlink to it until a root of another image needs
 * a copy to link (lab_probe_copy). */
static char probe_src[PATH_MAX];
static bool probe_in_rootfs;

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISREG(sa.st_mode) &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int install_probe(const char *probe, struct iso_err *err)
{
    strlcpy0(probe_src, probe, sizeof(probe_src));
    probe_in_rootfs = same_file(probe, LAB_DIR "/rootfs" ISO_PROBE);
    if (!probe_in_rootfs)
        return copy_file(probe, LAB_DIR "/isoprobe", 0755, err);
    if (symlink("rootfs" ISO_PROBE, LAB_DIR "/isoprobe") < 0)
        return iso_err_set(err, errno, "symlink \"%s/isoprobe\"", LAB_DIR);
    return 0;
}

int lab_probe_copy(const char *scratch, struct iso_err *err)
{
    char tmp[PATH_MAX];
    struct stat st;

    if (lstat(LAB_DIR "/isoprobe", &st) == 0 && S_ISREG(st.st_mode))
        return 0;
    /* a copy in the caller's own directory, then renamed over the symlink:
     * a case beside us links either file, never a half-written one, and its
     * leak check never sees the copy being made */
    snprintf(tmp, sizeof(tmp), "%s/.isoprobe-%d", scratch, (int)getpid());
    if (copy_file(probe_src, tmp, 0755, err) < 0) {
        unlink(tmp);
        return iso_err_wrap(err, "copy the probe for an image other than the rootfs");
    }
    if (rename(tmp, LAB_DIR "/isoprobe") < 0) {
        int e = errno;
        unlink(tmp);
        return iso_err_set(err, e, "rename \"%s\" to \"%s/isoprobe\"", tmp, LAB_DIR);
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
    if (install_probe(cfg->probe, err) < 0)
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
    int alive_fd;      /* read end: HUP when the parent is gone */
    int report_fd;     /* LAB_DONE/LAB_STOPPED + code, or LAB_SETUP_FAILED + message */
    int parent_fds[3]; /* the parent's ends, closed in the lab */
};

static volatile sig_atomic_t stop_asked;

static void on_stop(int sig)
{
    (void)sig;
    stop_asked = 1;
}

bool lab_stopping(void) { return stop_asked; }

static __attribute__((noreturn)) void lab_main(struct lab_args *a)
{
    struct pollfd p = { a->alive_fd, POLLIN, 0 };
    struct iso_err err = { 0, "" };
    struct sigaction stop = { .sa_handler = on_stop, .sa_flags = SA_RESTART };
    char msg[1 + sizeof(err.msg)];
    sigset_t all;
    int rc;

    /* a PID namespace's init gets a signal from outside only if it handles it */
    sigemptyset(&stop.sa_mask);
    sigaction(SIG_LAB_STOP, &stop, NULL);
    for (int i = 0; i < 3; i++)
        close(a->parent_fds[i]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (poll(&p, 1, 0) == 1) /* the parent died before PDEATHSIG was armed */
        _exit(2);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (setup_lab(a->cfg, &err) < 0) {
        msg[0] = LAB_SETUP_FAILED;
        memcpy(msg + 1, err.msg, strlen(err.msg));
        (void)!write(a->report_fd, msg, 1 + strlen(err.msg));
        _exit(3);
    }
    rc = a->fn(a->arg);
    /* Everything the lab prints is out before its parent goes on, and a
     * reader of our output does not wait for the lab's teardown either. */
    fflush(NULL);
    close(STDOUT_FILENO);
    close(STDERR_FILENO);
    msg[0] = stop_asked ? LAB_STOPPED : LAB_DONE;
    msg[1] = (char)rc;
    (void)!write(a->report_fd, msg, 2);
    _exit(rc);
}

static int lab_entry(void *a) { lab_main(a); }

/* The lab on a stack of its own, sharing our memory (see the top). */
static pid_t clone_lab(struct lab_args *a)
{
    static char *stack;

    if (!stack) {
        stack = mmap(NULL, LAB_STACK_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED) {
            stack = NULL;
            return -1;
        }
        mprotect(stack, 4096, PROT_NONE);                /* an overflow faults, not overwrites */
        prefault(stack + LAB_STACK_SIZE - 65536, 65536); /* the lab's frames */
    }
    return clone(lab_entry, stack + LAB_STACK_SIZE, (int)(LAB_NS | CLONE_VM | SIGCHLD), a);
}

/* Block the signals the parent handles and get them as a descriptor. */
static int block_signals(sigset_t *set, sigset_t *old)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGCHLD);
    sigprocmask(SIG_BLOCK, set, old);
    return signalfd(-1, set, SFD_CLOEXEC);
}

/* Wait for the lab's report, its death, or a signal to stop it. A signal
 * asks the lab to stop; one that has not reported LAB_STOP_GRACE_MS later,
 * or a second signal, is killed. Returns the report's length (0: the lab
 * died without one), or -2 after a signal, once the lab is gone. Every
 * call here succeeds or is retried: none sets errno, which is the lab's
 * too while it runs. */
static ssize_t wait_report(pid_t pid, int sfd, int report_fd, char *msg, size_t size)
{
    struct pollfd p[2] = { { report_fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
    double deadline = 0; /* set once a stop was asked for */

    for (;;) {
        struct signalfd_siginfo si;
        int wait = deadline > 0 ? (int)(deadline - now_ms()) : -1;
        if (deadline > 0 && wait <= 0)
            break; /* it did not stop in time */
        if (poll(p, 2, wait) <= 0)
            continue;
        if (p[0].revents) { /* the report, or EOF: the lab is gone */
            ssize_t n = read(report_fd, msg, size);
            if (deadline == 0)
                return n;
            waitpid(pid, NULL, 0); /* stopped: its namespace's processes die with it */
            return -2;
        }
        if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si) || si.ssi_signo == SIGCHLD)
            continue;
        if (deadline > 0)
            break; /* a second signal */
        kill(pid, SIG_LAB_STOP);
        deadline = now_ms() + LAB_STOP_GRACE_MS;
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -2;
}

int lab_run(const struct iso_config *cfg, int (*fn)(void *), void *arg, struct iso_err *err)
{
    int alive[2], report[2];
    sigset_t set, old;
    pid_t pid;
    int status, sfd;
    char msg[1 + sizeof(err->msg)];
    ssize_t n;

    if (pipe2(alive, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    if (pipe2(report, O_CLOEXEC) < 0) {
        int e = errno;
        close(alive[0]), close(alive[1]);
        return iso_err_set(err, e, "pipe");
    }
    sfd = block_signals(&set, &old);
    fflush(NULL);
    struct lab_args a = { cfg, fn, arg, alive[0], report[1], { sfd, alive[1], report[0] } };
    pid = sfd < 0 ? -1 : clone_lab(&a);
    if (pid < 0) {
        int e = errno;
        if (sfd >= 0)
            close(sfd);
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(alive[0]), close(alive[1]), close(report[0]), close(report[1]);
        return iso_err_set(err, e, sfd < 0 ? "signalfd" : "clone the lab namespaces");
    }
    close(alive[0]);
    close(report[1]);
    n = wait_report(pid, sfd, report[0], msg, sizeof(msg) - 1);
    close(sfd);
    close(report[0]);
    if (n == -2) {
        close(alive[1]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return -2;
    }
    /* Done: the lab is on its way out and the kernel finishes it. On
     * cgroup v2 it lives in the run's leaf, which the cleanup removes:
     * there it is waited for. */
    if (n == 2 && msg[0] == LAB_DONE && cfg->cg.version != 2) {
        close(alive[1]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return (unsigned char)msg[1];
    }
    waitpid(pid, &status, 0);
    close(alive[1]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (n == 2 && msg[0] == LAB_DONE)
        return (unsigned char)msg[1];
    if (n > 1 && msg[0] == LAB_SETUP_FAILED) {
        msg[n] = '\0';
        return iso_err_set(err, 0, "lab setup: %s", msg + 1);
    }
    if (WIFSIGNALED(status))
        return iso_err_set(err, 0, "lab died of signal %d", WTERMSIG(status));
    return WEXITSTATUS(status);
}

int lab_dir_check(char *why, size_t size)
{
    static const char *const need[] = { "isoprobe", "marker", "rootfs" };
    size_t len = 0;

    why[0] = '\0';
    for (size_t i = 0; i < ARRAY_LEN(need) && len < size; i++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", LAB_DIR, need[i]);
        if (lstat(path, &st) < 0)
            len += (size_t)snprintf(why + len, size - len, "%s%s", len ? ", " : "", need[i]);
    }
    return len ? -1 : 0;
}

static int mkdirs(const char *base, const char *const dirs[], const mode_t modes[], int n,
                  struct iso_err *err)
{
    char path[PATH_MAX];
    mode_t mask = umask(0); /* the modes as given, without a chmod each */

    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", base, dirs[i]);
        if (mkdir(path, modes[i]) < 0 && errno != EEXIST) {
            int e = errno;
            umask(mask);
            return iso_err_set(err, e, "mkdir \"%s\"", path);
        }
    }
    umask(mask);
    return 0;
}

int lab_case_netns(struct iso_ctx *ctx, struct iso_err *err)
{
    if (ctx->own_netns)
        return 0;
    if (unshare(CLONE_NEWNET) < 0)
        return iso_err_set(err, errno, "unshare the case's network namespace");
    ctx->own_netns = true;
    return 0;
}

/* The exchange tmpfs on ISO_XCHG as resolved inside root with no symlink
 * on the way (openat2), or, joined, on the joined path. Shared, like the
 * mounts of a systemd host: a container that does not make its mounts
 * private keeps receiving and sending mounts here. */
static int mount_xchg(const char *root, bool joined, struct iso_err *err)
{
    autoclose int root_fd = -1, fd = -1;
    char target[PATH_MAX];

    snprintf(target, sizeof(target), "%s%s", root, ISO_XCHG);
    if (!joined) {
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        fd = root_fd < 0 ? -1
                         : sys_openat2(root_fd, &ISO_XCHG[1], O_PATH | O_DIRECTORY | O_CLOEXEC,
                                       RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
        if (fd < 0)
            return iso_err_set(err, errno, "open \"%s\" inside the root \"%s\"", ISO_XCHG, root);
        snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
    }
    if (mount("isocheck-xchg", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=8m") < 0)
        return iso_err_set(err, errno, "mount tmpfs on \"%s%s\"", root, ISO_XCHG);
    snprintf(target, sizeof(target), "%s%s", root, ISO_XCHG);
    if (mount(NULL, target, NULL, MS_SHARED, NULL) < 0)
        return iso_err_set(err, errno, "make \"%s\" shared", target);
    return 0;
}

int lab_prepare_root(const char *dir, const char *lower, bool joined, char *root, size_t size,
                     struct iso_err *err)
{
    /* upper/ first: the directories the harness mounts on or the runtimes
     * pivot through, made in the harness's own layer */
    static const char *const dirs[] = { "",
                                        "upper",
                                        "work",
                                        "root",
                                        "upper/proc",
                                        "upper/mnt",
                                        "upper/mnt/xchg",
                                        "upper/tmp",
                                        "upper/.isocheck-oldroot" };
    static const mode_t modes[] = { 0755, 0755, 0755, 0755, 0555, 0755, 0755, 01777, 0700 };
    const int own = 4; /* dirs[own...] are the root's */
    char path[PATH_MAX], opts[PATH_MAX * 3 + 64];

    if (mkdirs(dir, dirs, modes, joined ? own : (int)ARRAY_LEN(dirs), err) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/upper%s", dir, ISO_PROBE);
    if (!probe_in_rootfs || strcmp(lower, LAB_DIR "/rootfs") != 0) {
        if (lab_probe_copy(dir, err) < 0)
            return -1;
        if (link(LAB_DIR "/isoprobe", path) < 0 && errno != EEXIST)
            return iso_err_set(err, errno, "link the probe to \"%s\"", path);
    }
    snprintf(root, size, "%s/root", dir);
    snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work", lower, dir, dir);
    if (mount("isocheck-root", root, "overlay", 0, opts) < 0)
        return iso_err_set(err, errno, "mount overlay on \"%s\"", root);
    /* the harness-joins-paths sabotage: the same directories made through
     * the image's own paths */
    if (joined) {
        char rdirs[ARRAY_LEN(dirs)][64];
        const char *rel[ARRAY_LEN(dirs)];
        for (size_t i = own; i < ARRAY_LEN(dirs); i++) {
            snprintf(rdirs[i], sizeof(rdirs[i]), "root/%s", dirs[i] + strlen("upper/"));
            rel[i - own] = rdirs[i];
        }
        if (mkdirs(dir, rel, modes + own, (int)ARRAY_LEN(dirs) - own, err) < 0)
            return -1;
    }
    return mount_xchg(root, joined, err);
}

int lab_case_setup(struct iso_ctx *ctx, int idx, struct iso_err *err)
{
    char dir[PATH_MAX];

    if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC) < 0)
        return iso_err_set(err, errno, "unshare the case namespaces");
    if (ctx->c && ((ctx->c->needs & ISO_NEEDS_NET) || strncmp(ctx->c->name, "net.", 4) == 0) &&
        lab_case_netns(ctx, err) < 0)
        return -1;
    if (gethostname(ctx->lab_hostname, sizeof(ctx->lab_hostname) - 1) < 0)
        return iso_err_set(err, errno, "gethostname");
    snprintf(dir, sizeof(dir), "%s/c%d", LAB_DIR, idx);
    strlcpy0(ctx->dir, dir, sizeof(ctx->dir));
    if (lab_prepare_root(dir, LAB_DIR "/rootfs", ctx->cfg->sabotage & ISO_SAB_HARNESS_JOINS_PATHS,
                         ctx->root, sizeof(ctx->root), err) < 0)
        return -1;
    snprintf(ctx->xchg, sizeof(ctx->xchg), "%s%s", ctx->root, ISO_XCHG);
    snprintf(ctx->marker, sizeof(ctx->marker), "%s/marker", LAB_DIR);
    return 0;
}
