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
#include <poll.h>
#include <linux/openat2.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case.h"
#include "ext.h"
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

/* A path of the image resolved inside its root (openat2 RESOLVE_IN_ROOT),
 * named through /proc/self/fd: an image's symlink cannot lead a mount or a
 * new entry out of the root. The fd stays open until exec (CLOEXEC). The
 * follow-image-symlinks sabotage joins the paths instead, as runc 1.1.5
 * does (CVE-2026-41579). Returns -1 with errno when rel does not resolve
 * inside the root. */
static int in_root(const struct iso_spec *s, const char *root, const char *rel, char *out,
                   size_t size)
{
    autoclose int root_fd = -1;
    int fd;

    if (s->follow_image_symlinks) {
        snprintf(out, size, "%s/%s", root, rel);
        return 0;
    }
    root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    fd = root_fd < 0 ? -1 : sys_openat2(root_fd, rel, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
    if (fd < 0)
        return -1;
    snprintf(out, size, "/proc/self/fd/%d", fd);
    return 0;
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

    snprintf(path, sizeof(path), "%s/dev", root);
    if (lstat(path, &st) < 0 && errno == ENOENT)
        return;
    if (in_root(s, root, "dev", dev, sizeof(dev)) < 0)
        child_fail(sync_fd, errno, "open \"dev\" inside the root \"%s\"", root);
    for (size_t i = 0; i < ARRAY_LEN(links); i++) {
        snprintf(path, sizeof(path), "%s/%s", dev, links[i][0]);
        if (symlink(links[i][1], path) < 0 && errno != EEXIST && errno != EACCES &&
            errno != EPERM && errno != EROFS)
            child_fail(sync_fd, errno, "symlink \"/dev/%s\"", links[i][0]);
    }
}

static void mount_proc(const struct iso_spec *s, const char *root, int sync_fd)
{
    char target[PATH_MAX];

    if (in_root(s, root, "proc", target, sizeof(target)) < 0)
        child_fail(sync_fd, errno, "open \"proc\" inside the root \"%s\"", root);
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
}

static void do_chroot(const struct iso_spec *s, int sync_fd)
{
    /* a mount of its own to make read-only, in whichever mount table */
    if (s->readonly_root && mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        child_fail(sync_fd, errno, "bind rootfs \"%s\"", s->rootfs);
    mount_proc(s, s->rootfs, sync_fd);
    make_dev_links(s, s->rootfs, sync_fd);
    mask_paths(s, s->rootfs, sync_fd);
    make_root_readonly(s, s->rootfs, sync_fd);
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
    if (cap_reset_ambient() < 0)
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
    /* the container gets stdio only, not what isocheck was started with */
    if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
        child_fail(sync_fd, errno, "mark inherited descriptors close-on-exec");
    if (read(sync_fd, &go, 1) != 1)
        _exit(127); /* the parent gave up */
    become_root_inside(s, sync_fd);
    enter_time_ns(s, sync_fd);
    /* now that the parent has put us in our cgroup: a cgroup namespace made
     * here has that cgroup as its root */
    if ((s->ns & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        child_fail(sync_fd, errno, "unshare cgroup namespace");
    if ((s->ns & CLONE_NEWNS) && s->private_mounts &&
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        child_fail(sync_fd, errno, "make / rprivate");
    if (s->hostname[0] && sethostname(s->hostname, strlen(s->hostname)) < 0)
        child_fail(sync_fd, errno, "sethostname \"%s\"", s->hostname);
    /* the leak-fd sabotage: a lab directory open without O_CLOEXEC */
    if (s->leak_fd && open(s->workdir ? s->workdir : "/", O_RDONLY | O_DIRECTORY) < 0)
        child_fail(sync_fd, errno, "open \"%s\"", s->workdir ? s->workdir : "/");
    /* the expose-runtime sabotage: its own binary open without O_CLOEXEC,
     * as runc's init kept /proc/self/exe reachable (CVE-2019-5736) */
    if (s->expose_runtime && open("/proc/self/exe", O_RDONLY) < 0)
        child_fail(sync_fd, errno, "open \"/proc/self/exe\"");
    if (s->root == ISO_ROOT_PIVOT)
        do_pivot(s, sync_fd);
    else if (s->root == ISO_ROOT_CHROOT)
        do_chroot(s, sync_fd);
    if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        child_fail(sync_fd, errno, "prctl PR_SET_NO_NEW_PRIVS");
    load_seccomp(s, sync_fd);
    set_caps(s, sync_fd);
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

static bool can_share_memory(const struct iso_spec *s) { return !(s->ns & CLONE_NEWTIME); }

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
        if (ipc >= 0 && setns(ipc, CLONE_NEWIPC) == 0)
            shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
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
    .external = false,
    .harness_cgroups = true,
};
