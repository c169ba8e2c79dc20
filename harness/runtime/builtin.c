/* builtin.c - the built-in container builder: clone with the spec's
 * namespaces, id maps written by the parent, then in the child: private
 * mounts, hostname, root switch, proc, masked and read-only paths, a
 * read-only root, no_new_privs, seccomp, capabilities, exec.
 *
 * Parent and child talk over a SOCK_SEQPACKET pair made before clone: the
 * parent sends "go" once the maps are written; a failing child step sends
 * {errno, "step: message"} back; exec closes the socket (CLOEXEC), which
 * the parent reads as success. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <limits.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "case.h"
#include "ext.h"
#include "inroot.h"
#include "sys.h"

#define OLDROOT_DIR ".isocheck-oldroot"

static __attribute__((noreturn)) void child_fail(int sync_fd, int errnum, const char *fmt, ...)
    ISO_PRINTF(3, 4);

static void child_fail(int sync_fd, int errnum, const char *fmt, ...)
{
    struct rt_setup_error m = { .errnum = errnum };
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(m.msg, sizeof(m.msg), fmt, ap);
    va_end(ap);
    if (errnum && n >= 0 && (size_t)n < sizeof(m.msg))
        snprintf(m.msg + n, sizeof(m.msg) - (size_t)n, ": %s", strerror(errnum));
    (void)!write(sync_fd, &m, sizeof(m));
    _exit(127);
}

static void become_root_inside(const struct iso_spec *s, int sync_fd)
{
    if (!(s->ns & CLONE_NEWUSER))
        return;
    if (setresgid(0, 0, 0) < 0)
        child_fail(sync_fd, errno, "setresgid 0");
    if (setresuid(0, 0, 0) < 0)
        child_fail(sync_fd, errno, "setresuid 0");
}

/* The offsets of a time namespace can be written only while no process is
 * in it: unshare makes one for our children only, the offsets go into it,
 * then we enter it ourselves and the probe is its first process. */
static void enter_time_ns(const struct iso_spec *s, int sync_fd)
{
    static const char offsets_path[] = "/proc/self/timens_offsets";
    char text[128];
    int fd;

    if (!(s->ns & CLONE_NEWTIME))
        return;
    if (unshare(CLONE_NEWTIME) < 0)
        child_fail(sync_fd, errno, "unshare time namespace");
    snprintf(text, sizeof(text), "monotonic %lld %ld\nboottime %lld %ld\n",
             (long long)s->monotonic.sec, s->monotonic.nsec, (long long)s->boottime.sec,
             s->boottime.nsec);
    if (write_file(offsets_path, text) < 0)
        child_fail(sync_fd, errno, "write \"%s\"", offsets_path);
    fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
        child_fail(sync_fd, errno, "enter the time namespace");
    close(fd);
}

/* A path of the image resolved inside its root (inroot.h), or joined
 * under the follow-image-symlinks sabotage. Returns the descriptor the
 * path names, for the caller to close once done (the init must hold
 * nothing of the lab's view when it runs the probe, nor before), NO_FD
 * for a joined path, -1 with errno when rel does not resolve inside. */
#define NO_FD (-2)
static int in_root(const struct iso_spec *s, const char *root, const char *rel, char *out,
                   size_t size)
{
    static const char self_fd[] = "/proc/self/fd/";
    long long fd;

    if (ct_in_root(root, rel, s->follow_image_symlinks, out, size) < 0)
        return -1;
    if (strncmp(out, self_fd, sizeof(self_fd) - 1) != 0 ||
        parse_ll(out + sizeof(self_fd) - 1, &fd, NULL) < 0 || fd < 0 || fd > INT_MAX)
        return NO_FD;
    return (int)fd;
}

static int in_root_made(const struct iso_spec *s, const char *root, const char *rel, bool file,
                        char *out, size_t size)
{
    return ct_in_root_made(root, rel, s->follow_image_symlinks, file, out, size);
}

/* The links every runtime makes in /dev; an image without /dev gets none,
 * an image whose /dev leads out of its root is refused. A /dev the
 * container's root may not write (in a user namespace, the fixture's is
 * the lab's root's) keeps what it has. */
static void make_dev_links(const struct iso_spec *s, const char *root, int sync_fd)
{
    static const char *const links[][2] = { { "fd", "/proc/self/fd" },
                                            { "stdin", "/proc/self/fd/0" },
                                            { "stdout", "/proc/self/fd/1" },
                                            { "stderr", "/proc/self/fd/2" } };
    char dev[PATH_MAX], path[PATH_MAX + 16];
    struct stat st;
    autoclose int fd = -1;

    snprintf(path, sizeof(path), "%s/dev", root);
    if (lstat(path, &st) < 0 && errno == ENOENT)
        return;
    fd = in_root(s, root, "dev", dev, sizeof(dev));
    if (fd == -1)
        child_fail(sync_fd, errno, "open \"dev\" inside the root \"%s\"", root);
    /* the host-dev sabotage: every device node of the host inside */
    if (s->host_dev && mount("/dev", dev, NULL, MS_BIND | MS_REC, NULL) < 0)
        child_fail(sync_fd, errno, "bind /dev on \"%s\"", dev);
    for (size_t i = 0; i < ARRAY_LEN(links); i++) {
        snprintf(path, sizeof(path), "%s/%s", dev, links[i][0]);
        if (symlink(links[i][1], path) < 0 && errno != EEXIST && errno != EACCES &&
            errno != EPERM && errno != EROFS)
            child_fail(sync_fd, errno, "symlink \"/dev/%s\"", links[i][0]);
    }
}

/* The joined path root/rel (the console-joins-paths sabotage). */
static void joined(const char *root, const char *rel, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", root, rel);
}

/* Hand the terminal's master to the lab: a "t" on the sync socket with
 * the descriptor; the lab holds it from there and closes it once the
 * container ended (reap). */
static void send_master(int sync_fd, int master)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { "t", 1 };
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);

    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    if (sendmsg(sync_fd, &m, 0) != 1)
        child_fail(sync_fd, errno, "send the terminal's master to the lab");
}

/* A terminal (OCI process.terminal), as runc makes one: a devpts instance
 * of the container's own on /dev/pts, a pty from its ptmx, the pty's peer
 * bound onto /dev/console. Each path is resolved inside the root, and the
 * peer is bound by its descriptor, never by the name /dev/pts/N: an image
 * whose /dev/pts or /dev/console leads out of the root is refused. The
 * console-joins-paths sabotage uses the image's paths as they are, so a
 * symlinked /dev/pts, /dev/pts/N or /dev/console picks what is bound and
 * where (CVE-2025-52565). */
static void setup_console(const struct iso_spec *s, const char *root, int sync_fd)
{
    char pts[PATH_MAX], console[PATH_MAX], src[PATH_MAX + 32];
    autoclose int master = -1, peer = -1, ptsfd = -1, confd = -1;
    int unlock = 0, n = -1;

    if (!s->terminal)
        return;
    if (s->console_joined) {
        joined(root, "dev/pts", pts, sizeof(pts));
        if (mkdir(pts, 0755) < 0 && errno != EEXIST)
            child_fail(sync_fd, errno, "mkdir \"%s\"", pts);
    } else if (ct_in_root_made(root, "dev/pts", false, false, pts, sizeof(pts)) < 0) {
        child_fail(sync_fd, errno, "open \"dev/pts\" inside the root \"%s\"", root);
    }
    if (mount("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620") < 0)
        child_fail(sync_fd, errno, "mount devpts on \"%s\"", pts);
    /* the instance just mounted: looked up again, now that it covers the
     * directory the first lookup held */
    if (!s->console_joined && ct_in_root(root, "dev/pts", false, pts, sizeof(pts)) < 0)
        child_fail(sync_fd, errno, "open the devpts on \"dev/pts\" inside the root");
    ptsfd = open(pts, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (ptsfd < 0)
        child_fail(sync_fd, errno, "open \"%s\"", pts);
    master = openat(ptsfd, "ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
        child_fail(sync_fd, errno, "allocate a pty from the devpts on \"%s\"", pts);
    if (s->console_joined) {
        snprintf(src, sizeof(src), "%s/dev/pts/%d", root, n);
        joined(root, "dev/console", console, sizeof(console));
        confd = open(console, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0644);
        if (confd < 0 && errno != EACCES && errno != EISDIR)
            child_fail(sync_fd, errno, "create \"%s\"", console);
    } else {
        peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (peer < 0)
            child_fail(sync_fd, errno, "open the peer of pty %d", n);
        snprintf(src, sizeof(src), "/proc/self/fd/%d", peer);
        if (ct_in_root_made(root, "dev/console", false, true, console, sizeof(console)) < 0)
            child_fail(sync_fd, errno, "open \"dev/console\" inside the root \"%s\"", root);
    }
    if (mount(src, console, NULL, MS_BIND, NULL) < 0)
        child_fail(sync_fd, errno, "bind the pty %d onto \"%s\"", n, console);
    send_master(sync_fd, master);
}

/* The mounts the spec asks for, at their destinations inside the root. */
static void do_mounts(const struct iso_spec *s, const char *root, int sync_fd)
{
    static const char *const types[] = { NULL, "tmpfs", "sysfs" };
    static const unsigned long flags[] = { MS_BIND | MS_REC, MS_NOSUID | MS_NODEV,
                                           MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY };
    char target[PATH_MAX];
    struct stat st;

    for (int i = 0; i < s->n_mounts; i++) {
        const struct iso_mount *m = &s->mounts[i];
        bool file = m->kind == ISO_MOUNT_BIND && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode);

        if (in_root_made(s, root, m->dest + 1, file, target, sizeof(target)) < 0)
            child_fail(sync_fd, errno, "open the mount destination \"%s\" inside the root \"%s\"",
                       m->dest, root);
        if (mount(m->kind == ISO_MOUNT_BIND ? m->source : types[m->kind], target, types[m->kind],
                  flags[m->kind], m->kind == ISO_MOUNT_TMPFS ? "mode=755,size=1m" : NULL) < 0)
            child_fail(sync_fd, errno, "mount on \"%s\"", m->dest);
    }
}

/* The trust-image-proc sabotage: an image's /proc that has the file an LSM
 * label is written to counts as procfs already (a check by path, not by
 * statfs), so a fake one stays (CVE-2019-16884). */
static bool image_proc_trusted(const struct iso_spec *s, const char *root)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/proc/self/attr/current", root);
    return s->trust_image_proc && access(path, F_OK) == 0;
}

static void mount_proc(const struct iso_spec *s, const char *root, int sync_fd)
{
    char target[PATH_MAX];
    autoclose int fd = -1;

    fd = in_root(s, root, "proc", target, sizeof(target));
    if (fd == -1)
        child_fail(sync_fd, errno, "open \"proc\" inside the root \"%s\"", root);
    if (image_proc_trusted(s, root))
        return;
    /* A user namespace that does not own its PID namespace may not mount a
     * new proc (the kernel wants CAP_SYS_ADMIN over the PID namespace):
     * such a container gets the lab's /proc, as if proc were not remounted. */
    if (s->proc == ISO_PROC_NEW && !((s->ns & CLONE_NEWUSER) && !(s->ns & CLONE_NEWPID))) {
        if (mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            child_fail(sync_fd, errno, "mount proc on \"%s\"", target);
    } else if (s->proc != ISO_PROC_NONE) {
        if (mount("/proc", target, NULL, MS_BIND | MS_REC, NULL) < 0)
            child_fail(sync_fd, errno, "bind /proc on \"%s\"", target);
    }
}

/* The flags a bind's remount must keep: in a user namespace the kernel
 * refuses to clear nosuid, nodev, noexec or atime flags it locked. */
static unsigned long locked_flags(const char *path)
{
    static const struct {
        unsigned long st, ms;
    } map[] = { { ST_NOSUID, MS_NOSUID },         { ST_NODEV, MS_NODEV },
                { ST_NOEXEC, MS_NOEXEC },         { ST_NOATIME, MS_NOATIME },
                { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME } };
    struct statvfs v;
    unsigned long flags = 0;

    if (statvfs(path, &v) < 0)
        return 0;
    for (size_t i = 0; i < ARRAY_LEN(map); i++)
        if (v.f_flag & map[i].st)
            flags |= map[i].ms;
    return flags;
}

/* As runc does: a masked directory gets an empty read-only tmpfs, a masked
 * file /dev/null; a read-only path is bound onto itself and remounted
 * read-only. Paths this kernel does not have are left alone. */
static void mask_paths(const struct iso_spec *s, const char *root, int sync_fd)
{
    char path[PATH_MAX], null[PATH_MAX + 16];
    struct stat st;

    if (!s->mask_paths)
        return;
    for (const char *const *p = spec_masked_paths; *p; p++) {
        snprintf(path, sizeof(path), "%s%s", root, *p);
        if (lstat(path, &st) < 0) {
            if (errno == ENOENT)
                continue;
            child_fail(sync_fd, errno, "stat \"%s\"", path);
        }
        /* the lab's /dev/null; the image's may be a symlink (CVE-2025-31133),
         * which the sabotage binds from when the image has one */
        snprintf(null, sizeof(null), "%s/dev/null", s->follow_image_symlinks ? root : "");
        if (s->follow_image_symlinks && access(null, F_OK) < 0)
            strlcpy0(null, "/dev/null", sizeof(null));
        if (S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL)
                                : mount(null, path, NULL, MS_BIND, NULL))
            child_fail(sync_fd, errno, "mask \"%s\"", path);
    }
    for (const char *const *p = spec_readonly_paths; *p; p++) {
        snprintf(path, sizeof(path), "%s%s", root, *p);
        if (lstat(path, &st) < 0) {
            if (errno == ENOENT)
                continue;
            child_fail(sync_fd, errno, "stat \"%s\"", path);
        }
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
            mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(path), NULL) <
                0)
            child_fail(sync_fd, errno, "make \"%s\" read-only", path);
    }
}

/* The whole root read-only: its bind remounted, the mounts below it (proc,
 * the masks) keep their own flags. */
static void make_root_readonly(const struct iso_spec *s, const char *root, int sync_fd)
{
    if (s->readonly_root &&
        mount(NULL, root, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(root), NULL) < 0)
        child_fail(sync_fd, errno, "remount \"%s\" read-only", root);
}

/* The propagation of the container's mounts, before the root switch.
 * Shared keeps the lab's as they are: in the lab only the exchange mount
 * is shared, and pivot_root refuses a shared root. Unbindable is private
 * until the root is switched (the rootfs must still be bound), then
 * unbindable (set_unbindable). */
static void set_propagation(const struct iso_spec *s, int sync_fd)
{
    static const unsigned long flags[] = { [ISO_PROP_PRIVATE] = MS_PRIVATE,
                                           [ISO_PROP_SLAVE] = MS_SLAVE,
                                           [ISO_PROP_SHARED] = 0,
                                           [ISO_PROP_UNBINDABLE] = MS_PRIVATE };
    unsigned long flag = flags[s->propagation];

    if (!(s->ns & CLONE_NEWNS) || !s->private_mounts || !flag)
        return;
    if (mount(NULL, "/", NULL, MS_REC | flag, NULL) < 0)
        child_fail(sync_fd, errno, "make / r%s", spec_propagation_name(s->propagation));
}

static void set_unbindable(const struct iso_spec *s, int sync_fd)
{
    if (!(s->ns & CLONE_NEWNS) || !s->private_mounts || s->propagation != ISO_PROP_UNBINDABLE)
        return;
    if (mount(NULL, "/", NULL, MS_REC | MS_UNBINDABLE, NULL) < 0)
        child_fail(sync_fd, errno, "make / runbindable");
}

/* pivot_root(".", ".") stacks the old root on top of the new one; the
 * detach then leaves only the new root, with no directory to remove. */
static void do_pivot(const struct iso_spec *s, int sync_fd)
{
    if (mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        child_fail(sync_fd, errno, "bind rootfs \"%s\"", s->rootfs);
    /* proc before the old root goes: in a user namespace the kernel only
     * allows a new proc while a full one is visible. */
    mount_proc(s, s->rootfs, sync_fd);
    make_dev_links(s, s->rootfs, sync_fd);
    do_mounts(s, s->rootfs, sync_fd);
    setup_console(s, s->rootfs, sync_fd);
    mask_paths(s, s->rootfs, sync_fd);
    if (chdir(s->rootfs) < 0)
        child_fail(sync_fd, errno, "chdir \"%s\"", s->rootfs);
    if (s->detach_old_root) {
        if (sys_pivot_root(".", ".") < 0)
            child_fail(sync_fd, errno, "pivot_root \"%s\"", s->rootfs);
        if (umount2(".", MNT_DETACH) < 0)
            child_fail(sync_fd, errno, "detach old root");
    } else if (sys_pivot_root(".", OLDROOT_DIR) < 0) {
        child_fail(sync_fd, errno, "pivot_root \"%s\" \"%s\"", s->rootfs, OLDROOT_DIR);
    }
    if (chdir("/") < 0)
        child_fail(sync_fd, errno, "chdir /");
    make_root_readonly(s, "/", sync_fd);
    set_unbindable(s, sync_fd);
}

static void do_chroot(const struct iso_spec *s, int sync_fd)
{
    /* a mount of its own to make read-only, in whichever mount table */
    if (s->readonly_root && mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        child_fail(sync_fd, errno, "bind rootfs \"%s\"", s->rootfs);
    mount_proc(s, s->rootfs, sync_fd);
    make_dev_links(s, s->rootfs, sync_fd);
    do_mounts(s, s->rootfs, sync_fd);
    setup_console(s, s->rootfs, sync_fd);
    mask_paths(s, s->rootfs, sync_fd);
    make_root_readonly(s, s->rootfs, sync_fd);
    set_unbindable(s, sync_fd);
    if (chdir(s->rootfs) < 0)
        child_fail(sync_fd, errno, "chdir \"%s\"", s->rootfs);
    if (chroot(".") < 0)
        child_fail(sync_fd, errno, "chroot \"%s\"", s->rootfs);
    if (chdir("/") < 0)
        child_fail(sync_fd, errno, "chdir /");
}

/* Set one capability set of caps to exactly mask. */
static int set_mask(cap_t caps, cap_flag_t set, uint64_t mask)
{
    cap_value_t list[64];
    int n = 0;

    for (cap_value_t c = 0; c < 64; c++)
        if (mask & (1ull << c))
            list[n++] = c;
    if (cap_clear_flag(caps, set) < 0)
        return -1;
    return n ? cap_set_flag(caps, set, n, list, CAP_SET) : 0;
}

/* Inheritable first (a bit may only enter it while it is still in the
 * bounding set), then the bounding set, then effective and permitted,
 * last the ambient set, which needs its bits permitted and inheritable.
 * The inheritable and ambient sets are always set, to what the spec asks
 * (normally nothing): a runtime that leaves them as it found them passes
 * its own on (CVE-2022-29162). */
static void set_caps(const struct iso_spec *s, int sync_fd)
{
    cap_t caps = cap_get_proc();

    if (!caps || set_mask(caps, CAP_INHERITABLE, s->caps_inh) < 0 || cap_set_proc(caps) < 0)
        child_fail(sync_fd, errno, "set the inheritable capabilities");
    if (s->drop_caps) {
        for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
            if (!(s->caps_keep & (1ull << c)) && cap_drop_bound(c) < 0)
                child_fail(sync_fd, errno, "drop capability %d from the bounding set", c);
        if (set_mask(caps, CAP_EFFECTIVE, s->caps_keep) < 0 ||
            set_mask(caps, CAP_PERMITTED, s->caps_keep) < 0 || cap_set_proc(caps) < 0)
            child_fail(sync_fd, errno, "set capabilities");
    }
    cap_free(caps);
    /* one call: libcap's cap_reset_ambient first asks the kernel about
     * every capability in turn */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        child_fail(sync_fd, errno, "clear the ambient capabilities");
    for (cap_value_t c = 0; c < 64; c++)
        if ((s->caps_amb & (1ull << c)) && cap_set_ambient(c, CAP_SET) < 0)
            child_fail(sync_fd, errno, "raise ambient capability %d", c);
}

/* Denies one syscall with the spec's errno. Loaded while the child still
 * has CAP_SYS_ADMIN, so libseccomp is told not to set no_new_privs on its
 * own: that is the spec's to ask. */
static void load_seccomp(const struct iso_spec *s, int sync_fd)
{
    scmp_filter_ctx f;
    int nr, rc;

    if (!s->seccomp_deny)
        return;
    nr = seccomp_syscall_resolve_name(s->seccomp_deny);
    if (nr == __NR_SCMP_ERROR)
        child_fail(sync_fd, EINVAL, "seccomp: syscall \"%s\"", s->seccomp_deny);
    f = seccomp_init(SCMP_ACT_ALLOW);
    if (!f)
        child_fail(sync_fd, ENOMEM, "seccomp_init");
    if ((rc = seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
        (rc = seccomp_rule_add(f, SCMP_ACT_ERRNO((unsigned)s->seccomp_errno), nr, 0)) < 0 ||
        (rc = seccomp_load(f)) < 0)
        child_fail(sync_fd, -rc, "load a seccomp filter denying \"%s\"", s->seccomp_deny);
    seccomp_release(f);
}

/* The spec's working directory, entered inside the new root with no
 * descriptor but stdio and the sync socket open, and checked to be inside
 * it: "/proc/self/fd/N" of a descriptor that leads outside would make the
 * process's cwd a directory of the host (CVE-2024-21626). The
 * cwd-unchecked sabotage keeps a lab directory open across it and never
 * checks. */
static void enter_cwd(const struct iso_spec *s, int sync_fd)
{
    char here[PATH_MAX];

    if (!s->cwd)
        return;
    if (!s->cwd_unchecked && ((sync_fd > 3 && close_range(3, (unsigned)sync_fd - 1, 0) < 0) ||
                              close_range((unsigned)sync_fd + 1, ~0u, 0) < 0))
        child_fail(sync_fd, errno, "close descriptors before entering the working directory");
    if (chdir(s->cwd) < 0)
        child_fail(sync_fd, errno, "chdir \"%s\"", s->cwd);
    if (!s->cwd_unchecked && (!getcwd(here, sizeof(here)) || here[0] != '/'))
        child_fail(sync_fd, errno ? errno : ENOENT,
                   "the working directory \"%s\" is not inside the root", s->cwd);
}

/* The spec's user and group, keeping the permitted capabilities (and
 * making them effective again) so set_caps can still set every set. */
static void switch_user(const struct iso_spec *s, int sync_fd)
{
    cap_value_t list[64];
    cap_t caps;
    int n = 0;

    if (!s->uid && !s->gid)
        return;
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        child_fail(sync_fd, errno, "prctl PR_SET_KEEPCAPS");
    if (!(s->ns & CLONE_NEWUSER) && setgroups(0, NULL) < 0)
        child_fail(sync_fd, errno, "setgroups");
    if (setresgid(s->gid, s->gid, s->gid) < 0)
        child_fail(sync_fd, errno, "setresgid %u", s->gid);
    if (setresuid(s->uid, s->uid, s->uid) < 0)
        child_fail(sync_fd, errno, "setresuid %u", s->uid);
    caps = cap_get_proc();
    for (cap_value_t c = 0; caps && c < (cap_value_t)cap_max_bits() && c < 64; c++) {
        cap_flag_value_t v = CAP_CLEAR;
        if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
            list[n++] = c;
    }
    if (!caps || (n && cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0) ||
        cap_set_proc(caps) < 0)
        child_fail(sync_fd, errno, "raise the permitted capabilities after setresuid");
    cap_free(caps);
}

static __attribute__((noreturn)) void child_main(const struct iso_spec *s, char *const argv[],
                                                 const int stdio[3], int sync_fd)
{
    static char *const envp[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", NULL };
    char go;

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        child_fail(sync_fd, errno, "prctl PR_SET_PDEATHSIG");
    for (int i = 0; i < 3; i++)
        if (dup2(stdio[i], i) < 0)
            child_fail(sync_fd, errno, "dup2 stdio %d", i);
    /* the container gets stdio only, not what isocheck was started with;
     * closed now, not at exec: until then the init is in the container's
     * namespaces already, where a descriptor of the lab's (its /proc, a
     * directory) must not be reachable (CVE-2024-21626) */
    if ((sync_fd > 3 && close_range(3, (unsigned)sync_fd - 1, 0) < 0) ||
        close_range((unsigned)sync_fd + 1, ~0u, 0) < 0)
        child_fail(sync_fd, errno, "close inherited descriptors");
    if (read(sync_fd, &go, 1) != 1)
        _exit(127); /* the parent gave up */
    become_root_inside(s, sync_fd);
    enter_time_ns(s, sync_fd);
    /* now that the parent has put us in our cgroup: a cgroup namespace made
     * here has that cgroup as its root */
    if ((s->ns & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        child_fail(sync_fd, errno, "unshare cgroup namespace");
    set_propagation(s, sync_fd);
    if (s->hostname[0] && sethostname(s->hostname, strlen(s->hostname)) < 0)
        child_fail(sync_fd, errno, "sethostname \"%s\"", s->hostname);
    /* the leak-fd sabotage: a lab directory open without O_CLOEXEC */
    if (s->leak_fd && open(s->workdir ? s->workdir : "/", O_RDONLY | O_DIRECTORY) < 0)
        child_fail(sync_fd, errno, "open \"%s\"", s->workdir ? s->workdir : "/");
    /* the expose-runtime sabotage: its own binary open without O_CLOEXEC,
     * as runc's init kept /proc/self/exe reachable (CVE-2019-5736) */
    if (s->expose_runtime && open("/proc/self/exe", O_RDONLY) < 0)
        child_fail(sync_fd, errno, "open \"/proc/self/exe\"");
    /* the init-leak-fd sabotage: a lab directory open until exec */
    if (s->init_leak_fd &&
        open(s->workdir ? s->workdir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) < 0)
        child_fail(sync_fd, errno, "open \"%s\"", s->workdir ? s->workdir : "/");
    /* the cwd-unchecked sabotage: a lab directory open while the working
     * directory is entered (runc 1.1.11's leaked /sys/fs/cgroup) */
    if (s->cwd_unchecked && s->cwd &&
        open(s->workdir ? s->workdir : "/", O_RDONLY | O_DIRECTORY) < 0)
        child_fail(sync_fd, errno, "open \"%s\"", s->workdir ? s->workdir : "/");
    if (s->root == ISO_ROOT_PIVOT)
        do_pivot(s, sync_fd);
    else if (s->root == ISO_ROOT_CHROOT)
        do_chroot(s, sync_fd);
    enter_cwd(s, sync_fd);
    switch_user(s, sync_fd);
    if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        child_fail(sync_fd, errno, "prctl PR_SET_NO_NEW_PRIVS");
    load_seccomp(s, sync_fd);
    set_caps(s, sync_fd);
    /* created: say so, and run the probe once told to start */
    if (s->created && (write(sync_fd, "c", 1) != 1 || read(sync_fd, &go, 1) != 1))
        _exit(127);
    execve(ISO_PROBE, argv, envp);
    child_fail(sync_fd, errno, "exec \"%s\"", ISO_PROBE);
}

static int write_map(pid_t pid, const char *file, const struct iso_idmap *m, int n,
                     struct iso_err *err)
{
    char path[64], text[256];

    snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
    if (idmap_format(text, sizeof(text), m, n) < 0)
        return iso_err_set(err, EINVAL, "format %s", file);
    if (write_file(path, text) < 0)
        return iso_err_set(err, errno, "write \"%s\"", path);
    return 0;
}

static int write_id_maps(const struct iso_spec *s, pid_t pid, struct iso_err *err)
{
    char path[64];

    if (!(s->ns & CLONE_NEWUSER))
        return 0;
    if (write_map(pid, "uid_map", s->uid_map, s->n_uid_map, err) < 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
    if (write_file(path, "deny") < 0)
        return iso_err_set(err, errno, "write \"%s\"", path);
    return write_map(pid, "gid_map", s->gid_map, s->n_gid_map, err);
}

/* --- spawning without a copy of our memory ------------------------------
 * A fork costs 1.5 ms on a small VM (page tables copied, then a
 * copy-on-write fault for every page either side writes); a clone that
 * shares our memory costs a sixth of that. The child runs on a stack of its
 * own and, like vfork's, never beside us: until "go" it only makes system
 * calls (prctl, dup2, close_range, read) while we write its id maps and
 * join its cgroup; after "go" we wait until it has exec'd or failed before
 * we touch anything (heap, libcap, libseccomp) it may be using. A time
 * namespace cannot share memory with its parent: those specs fork. */

struct vm_child {
    const struct iso_spec *s;
    char *const *argv;
    const int *stdio;
    int sync_fd, parent_fd;
};

static int vm_child_main(void *arg)
{
    const struct vm_child *v = arg;

    close(v->parent_fd); /* our descriptor table is our own; the variable is not */
    child_main(v->s, v->argv, v->stdio, v->sync_fd);
}

/* A created container's init waits for start in the middle of its steps:
 * it cannot share our memory while we go on. */
static bool can_share_memory(const struct iso_spec *s)
{
    return !(s->ns & CLONE_NEWTIME) && !s->created && !s->terminal;
}

static pid_t clone_sharing_memory(const struct iso_spec *s, struct vm_child *v)
{
    static char stack[256 * 1024] __attribute__((aligned(16)));

    return clone(vm_child_main, stack + sizeof(stack),
                 (int)((s->ns & ~(unsigned)CLONE_NEWCGROUP) | CLONE_VM | SIGCHLD), v);
}

/* Until the child's end of the socket closes: exec (CLOEXEC) or its exit
 * after a failed step, whose message stays queued for reap to read. */
static void wait_exec(int parent_fd)
{
    struct pollfd p = { parent_fd, POLLIN, 0 };

    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        ;
}

/* Clone with the spec's namespaces; a prepared network namespace is joined
 * by cloning from inside it (a child in a new user namespace could not
 * setns into a namespace the lab owns). v: share our memory (see above). */
static pid_t clone_in_netns(const struct iso_spec *s, struct vm_child *v, struct iso_err *err)
{
    autoclose int home = -1;
    pid_t pid;
    int e;

    if (s->join_netns_fd >= 0) {
        home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0)
            return iso_err_set(err, errno, "open \"/proc/self/ns/net\"");
        if (setns(s->join_netns_fd, CLONE_NEWNET) < 0)
            return iso_err_set(err, errno, "setns into the prepared network namespace");
    }
    /* the cgroup namespace is made by the child once it is in its cgroup,
     * the time namespace once its offsets are written */
    pid = v ? clone_sharing_memory(s, v)
            : sys_clone3(s->ns & ~(unsigned)(CLONE_NEWCGROUP | CLONE_NEWTIME), NULL);
    e = errno;
    if (pid == 0)
        return 0;
    if (home >= 0 && setns(home, CLONE_NEWNET) < 0) {
        iso_err_set(err, errno, "setns back to the lab's network namespace");
        if (pid > 0)
            killp(&pid);
        return -1;
    }
    if (pid < 0)
        return iso_err_set(err, e, "clone");
    return pid;
}

/* The leak-process and leak-lab sabotages: a process of the case's that
 * leaves its process group (and stays, for leak-process) after putting a
 * shared memory segment and a mount into the lab's own namespaces
 * (leak-lab). It holds none of the case's descriptors. */
static void plant_leaks(const struct iso_spec *s)
{
    int ready[2];
    pid_t pid;
    char c;

    if (pipe2(ready, O_CLOEXEC) < 0)
        return;
    pid = fork();
    if (pid != 0) {
        close(ready[1]);
        /* planted before the container runs: the case cannot end first */
        if (pid > 0 && read(ready[0], &c, 1) < 0)
            c = 0;
        close(ready[0]);
        if (pid > 0 && !s->leak_process)
            waitpid(pid, NULL, 0);
        return;
    }
    close(ready[0]);
    setsid();
    if (s->leak_lab) {
        char dir[64];
        int ipc = open("/proc/1/ns/ipc", O_RDONLY | O_CLOEXEC);
        int mnt = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
        /* a failure leaves no segment: the leak check then finds none */
        if (ipc >= 0 && setns(ipc, CLONE_NEWIPC) == 0 &&
            shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600) < 0)
            _exit(1);
        snprintf(dir, sizeof(dir), "/run/isocheck/leak-%d", (int)getpid());
        if (mnt >= 0 && setns(mnt, CLONE_NEWNS) == 0 && mkdir(dir, 0700) == 0)
            mount("isocheck-leak", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=4k");
    }
    if (write(ready[1], "r", 1) < 0)
        _exit(1);
    close_range(0, ~0u, 0);
    if (s->leak_process) {
        prctl(PR_SET_NAME, "isocheck-leak");
        for (;;)
            pause();
    }
    _exit(0);
}

static int builtin_spawn(const struct iso_runtime *rt, const struct iso_spec *s, char *const argv[],
                         const int stdio[3], struct rt_proc *p, struct iso_err *err)
{
    autoclose int parent_fd = -1, child_fd = -1;
    autokill pid_t pid = -1;
    bool parent_steps;
    int sv[2];
    struct vm_child v;

    (void)rt;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return iso_err_set(err, errno, "socketpair");
    parent_fd = sv[0], child_fd = sv[1];
    /* With no step for the parent between clone and go (no id maps to
     * write), queue go first: the child then never sleeps waiting for it. */
    parent_steps = (s->ns & CLONE_NEWUSER) || s->cgroup;
    if (!parent_steps && write(parent_fd, "g", 1) != 1)
        return iso_err_set(err, errno, "queue go for the container");
    v = (struct vm_child){ s, argv, stdio, child_fd, parent_fd };
    pid = clone_in_netns(s, can_share_memory(s) ? &v : NULL, err);
    if (pid < 0)
        return -1;
    if (pid == 0) {
        closep(&parent_fd);
        child_main(s, argv, stdio, child_fd);
    }
    closep(&child_fd);
    if (write_id_maps(s, pid, err) < 0)
        return -1;
    if (s->cgroup && cg_attach(s->cgroup, pid, err) < 0)
        return -1;
    if (parent_steps && write(parent_fd, "g", 1) != 1)
        return iso_err_set(err, errno, "send go to the container");
    if (can_share_memory(s))
        wait_exec(parent_fd);
    /* A failed step is read from the socket once the probe's stdout has
     * ended (a forked child is not waited for: a round trip saved). */
    p->status_fd = steal_fd(&parent_fd);
    p->pid = steal_pid(&pid);
    if (s->leak_process || s->leak_lab)
        plant_leaks(s);
    return 0;
}

/* --- exec: one more process in a running container -----------------------
 * A helper forked from us joins the init's namespaces with one setns on its
 * pidfd (the mount namespace puts it at the container's root), then clones
 * the probe as our child (CLONE_PARENT: we wait for it as for an init) and
 * reports its pid. The probe gets stdio only, the spec's no_new_privs,
 * seccomp filter and capabilities, plus add_caps in the bounding,
 * effective and permitted sets, and an empty inheritable and ambient set
 * unless the spec asks. */

static __attribute__((noreturn)) void exec_probe(const struct iso_spec *s, char *const argv[],
                                                 const int stdio[3], int status_fd, int lab_dir)
{
    static char *const envp[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", NULL };

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        child_fail(status_fd, errno, "prctl PR_SET_PDEATHSIG");
    for (int i = 0; i < 3; i++)
        if (dup2(stdio[i], i) < 0)
            child_fail(status_fd, errno, "dup2 stdio %d", i);
    if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
        child_fail(status_fd, errno, "mark inherited descriptors close-on-exec");
    /* the exec-leak-fd sabotage: a lab directory, opened before the
     * join, handed on without O_CLOEXEC */
    if (lab_dir >= 0 && dup(lab_dir) < 0)
        child_fail(status_fd, errno, "dup the lab directory");
    if (chdir(s->cwd ? s->cwd : "/") < 0)
        child_fail(status_fd, errno, "chdir \"%s\"", s->cwd ? s->cwd : "/");
    become_root_inside(s, status_fd);
    switch_user(s, status_fd);
    if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        child_fail(status_fd, errno, "prctl PR_SET_NO_NEW_PRIVS");
    load_seccomp(s, status_fd);
    set_caps(s, status_fd);
    execve(ISO_PROBE, argv, envp);
    child_fail(status_fd, errno, "exec \"%s\"", ISO_PROBE);
}

static __attribute__((noreturn)) void exec_helper(const struct iso_spec *s, int pidfd,
                                                  char *const argv[], const int stdio[3],
                                                  int status_fd, int pid_fd, int lab_dir,
                                                  int root_fd)
{
    unsigned ns = s->ns & ~(unsigned)CLONE_NEWCGROUP;
    struct stat want, have;
    pid_t pid;

    if (s->join_netns_fd >= 0)
        ns |= CLONE_NEWNET;
    if (setns(pidfd, (int)ns) < 0)
        child_fail(status_fd, errno, "setns pidfd, flags 0x%x", ns);
    /* an init that chroot'ed rather than pivoted (or has no mount
     * namespace of its own): its root is not the namespace's, take it as
     * nsenter --root does */
    if (fstat(root_fd, &want) < 0 || stat("/", &have) < 0)
        child_fail(status_fd, errno, "stat the container's root");
    if ((want.st_dev != have.st_dev || want.st_ino != have.st_ino) &&
        (fchdir(root_fd) < 0 || chroot(".") < 0))
        child_fail(status_fd, errno, "chroot into the container's root");
    /* clone3 refuses an exit signal with CLONE_PARENT: the child's is ours */
    pid = (pid_t)syscall(SYS_clone3, &(struct clone_args){ .flags = CLONE_PARENT },
                         sizeof(struct clone_args));
    if (pid < 0)
        child_fail(status_fd, errno, "clone the process in the container");
    if (pid == 0)
        exec_probe(s, argv, stdio, status_fd, lab_dir);
    (void)!write(pid_fd, &pid, sizeof(pid));
    _exit(0);
}

static int builtin_exec(const struct iso_runtime *rt, const struct iso_spec *s, pid_t init,
                        char *const probe[], uint64_t add_caps, const int stdio[3],
                        struct rt_proc *p, struct iso_err *err)
{
    autoclose int pidfd = -1, status_rd = -1, status_wr = -1, pid_rd = -1, pid_wr = -1,
                  lab_dir = -1, root_fd = -1;
    char root[64];
    struct iso_spec es = *s;
    pid_t helper, pid = -1;
    int fds[2], st;

    (void)rt;
    if (es.drop_caps)
        es.caps_keep |= add_caps;
    /* the exec-keep-inheritable sabotage: what runc 1.1.1's exec --cap did */
    if (es.exec_keep_inh)
        es.caps_inh |= ISO_CAPS_CVE_2022_29162 | add_caps;
    if (es.exec_leak_fd &&
        (lab_dir = open(s->workdir ? s->workdir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return iso_err_set(err, errno, "open \"%s\"", s->workdir ? s->workdir : "/");
    snprintf(root, sizeof(root), "/proc/%d/root", init);
    root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return iso_err_set(err, errno, "open \"%s\"", root);
    pidfd = sys_pidfd_open(init, 0);
    if (pidfd < 0)
        return iso_err_set(err, errno, "pidfd_open %d", init);
    if (pipe2(fds, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    status_rd = fds[0], status_wr = fds[1];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    pid_rd = fds[0], pid_wr = fds[1];
    helper = fork();
    if (helper < 0)
        return iso_err_set(err, errno, "fork");
    if (helper == 0) {
        closep(&status_rd), closep(&pid_rd);
        exec_helper(&es, pidfd, probe, stdio, status_wr, pid_wr, lab_dir, root_fd);
    }
    closep(&status_wr), closep(&pid_wr);
    while (waitpid(helper, &st, 0) < 0)
        if (errno != EINTR)
            return iso_err_set(err, errno, "waitpid %d", helper);
    if (read(pid_rd, &pid, sizeof(pid)) != sizeof(pid)) {
        struct rt_setup_error m = { 0, "" };
        if (read(status_rd, &m, sizeof(m)) > 0) {
            m.msg[sizeof(m.msg) - 1] = '\0';
            return iso_err_set(err, m.errnum, "%s", m.msg);
        }
        return iso_err_set(err, 0, "the exec helper ended (status 0x%x)", st);
    }
    p->pid = pid;
    p->status_fd = steal_fd(&status_rd);
    return 0;
}

/* The init says "c" once it has done every step but exec; a failed step
 * says why instead. */
static int builtin_created(const struct iso_runtime *rt, const struct iso_spec *s,
                           struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    struct rt_setup_error m = { 0, "" };
    ssize_t n;

    (void)rt, (void)s;
    /* "t" carried a terminal's master: it is closed as the message is
     * read (a created container's console then reads EIO) */
    while (((n = read(p->status_fd, &m, sizeof(m))) < 0 && errno == EINTR) ||
           (n == 1 && ((char *)&m)[0] == 't'))
        ;
    if (n == 1 && ((char *)&m)[0] == 'c') {
        *init = p->pid;
        return 0;
    }
    if (n == (ssize_t)sizeof(m)) {
        m.msg[sizeof(m.msg) - 1] = '\0';
        return iso_err_set(err, m.errnum, "%s", m.msg);
    }
    return iso_err_set(err, n < 0 ? errno : 0, "the created container's init ended");
}

static int builtin_start(const struct iso_runtime *rt, const struct iso_spec *s, struct rt_proc *p,
                         struct iso_err *err)
{
    (void)rt, (void)s;
    if (write(p->status_fd, "s", 1) != 1)
        return iso_err_set(err, errno, "tell the created container to start");
    return 0;
}

/* What the built-in runtime cannot do; it needs no command line. */
static int builtin_translate(const struct iso_runtime *rt, const struct iso_spec *s,
                             char *const probe[], struct rt_cmd *cmd, char *why, size_t len)
{
    (void)rt, (void)probe, (void)cmd;
    if ((s->ns & CLONE_NEWUSER) && !(s->ns & CLONE_NEWNS) && s->proc != ISO_PROC_NONE) {
        snprintf(why, len, "a user namespace without its own mount namespace cannot mount /proc");
        return ISO_RT_UNSUPPORTED;
    }
    if ((s->ns & CLONE_NEWUSER) && !(s->ns & CLONE_NEWUTS) && s->hostname[0]) {
        snprintf(why, len,
                 "a user namespace without its own UTS namespace cannot set the hostname");
        return ISO_RT_UNSUPPORTED;
    }
    return 0;
}

static bool builtin_available(char *why, size_t len)
{
    (void)why, (void)len;
    return true;
}

/* It is part of isocheck: no version of its own. */
static void builtin_version(const struct iso_runtime *rt, char *out, size_t size)
{
    (void)rt;
    if (size)
        out[0] = '\0';
}

/* The process it cloned is the container's init. */
static int builtin_init_pid(const struct rt_proc *p, pid_t *init, struct iso_err *err)
{
    (void)err;
    *init = p->pid;
    return 0;
}

const struct iso_runtime rt_builtin = {
    .name = "builtin",
    .bin = NULL,
    .available = builtin_available,
    .version = builtin_version,
    .translate = builtin_translate,
    .spawn = builtin_spawn,
    .init_pid = builtin_init_pid,
    .cleanup = rt_nothing_left,
    .exec = builtin_exec,
    .created = builtin_created,
    .start = builtin_start,
    .external = false,
    .harness_cgroups = true,
};
