/* ext.c - what the drivers of external runtimes share. The runtime does
 * the isolating; isocheck asks in the runtime's own terms and runs it with
 * the probe's stdio. */
#define _GNU_SOURCE
#include "ext.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

bool rt_find_bin(struct rt_bin *b, char *why, size_t len)
{
    const char *envpath = getenv("PATH");
    char dirs[4096], *dir, *save = NULL;

    if (b->path[0])
        return access(b->path, X_OK) == 0;
    strlcpy0(dirs, envpath ? envpath : "/usr/sbin:/usr/bin:/sbin:/bin", sizeof(dirs));
    for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", dir, b->exe);
        if (access(p, X_OK) == 0) {
            strlcpy0(b->path, p, sizeof(b->path));
            return true;
        }
    }
    snprintf(why, len, "%s not found in PATH (install it, or give --runtime-path %s=PATH)", b->exe,
             b->exe);
    return false;
}

size_t rt_bin_output(const char *bin, const char *arg, char *text, size_t size)
{
    double deadline = now_ms() + 3000;
    autoclose int rd = -1;
    autokill pid_t pid = -1;
    size_t len = 0;
    int p[2];

    if (pipe2(p, O_CLOEXEC) < 0)
        return 0;
    rd = p[0];
    pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        execl(bin, bin, arg, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    while (pid > 0 && len < size - 1) {
        struct pollfd pf = { rd, POLLIN, 0 };
        double left = deadline - now_ms();
        ssize_t n;
        if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
            break;
        n = read(rd, text + len, size - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    text[len] = '\0';
    return len;
}

void rt_bin_version(const struct iso_runtime *rt, char *out, size_t size)
{
    char text[1024] = "", why[256];

    out[0] = '\0';
    if (!rt->bin || !rt_find_bin(rt->bin, why, sizeof(why)))
        return;
    rt_bin_output(rt->bin->path, "--version", text, sizeof(text));
    for (char *c = text; *c && !out[0]; c++) {
        size_t digits = strspn(c, "0123456789.");
        char *dot = strchr(c, '.');
        if (*c >= '0' && *c <= '9' && (c == text || c[-1] == ' ') && digits > 2 && dot &&
            dot < c + digits)
            snprintf(out, size, "%.*s", (int)digits, c);
    }
}

int rt_container_id(char *out)
{
    const char *id = NULL;

    for (const char *line = out; *line;) {
        size_t n = strcspn(line, "\n");
        if (n == 64 && strspn(line, "0123456789abcdef") == 64)
            id = line;
        line += n;
        if (*line)
            line++;
    }
    if (!id)
        return -1;
    memmove(out, id, 64);
    out[64] = '\0';
    return 0;
}

void rt_nothing_left(const struct iso_runtime *rt, const char *workdir)
{
    (void)rt;
    (void)workdir;
}

void rt_hide_unified(void)
{
    struct stat st;
    /* Only the mount the unmount leaves keeps no peers: the rest keeps the
     * lab's propagation, which the runtime's containers may ask to share. */
    if (stat("/sys/fs/cgroup/unified", &st) == 0 && unshare(CLONE_NEWNS) == 0) {
        mount(NULL, "/sys/fs/cgroup", NULL, MS_PRIVATE, NULL);
        umount2("/sys/fs/cgroup/unified", MNT_DETACH);
    }
}

static __attribute__((noreturn)) void exec_fail(int status_fd, const char *what)
{
    struct rt_setup_error m = { errno, "" };

    snprintf(m.msg, sizeof(m.msg), "%s: %s", what, strerror(m.errnum));
    (void)!write(status_fd, &m, sizeof(m));
    _exit(127);
}

static __attribute__((noreturn)) void exec_child(const struct rt_exec *x, int status_fd)
{
    char what[PATH_MAX + 16];

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (status_fd == RT_INFO_FD && x->info_fd >= 0)
        status_fd = fcntl(status_fd, F_DUPFD_CLOEXEC, RT_INFO_FD + 1);
    for (int i = 0; i < 3; i++)
        dup2(x->stdio[i], i);
    if (x->info_fd >= 0) {
        /* dup2 clears close-on-exec on the copy; onto itself it does not */
        if (x->info_fd == RT_INFO_FD ? fcntl(RT_INFO_FD, F_SETFD, 0) < 0
                                     : dup2(x->info_fd, RT_INFO_FD) < 0)
            exec_fail(status_fd, "hand the info fd to the runtime");
    }
    /* the runtime gets stdio (and its info fd) only, not whatever
     * descriptors isocheck itself was started with */
    if (close_range(x->info_fd >= 0 ? RT_INFO_FD + 1 : 3, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
        exec_fail(status_fd, "mark inherited descriptors close-on-exec");
    if (x->netns_fd >= 0 && setns(x->netns_fd, CLONE_NEWNET) < 0)
        exec_fail(status_fd, "setns into the prepared network namespace");
    if (x->hide_unified)
        rt_hide_unified();
    execv(x->argv[0], x->argv);
    snprintf(what, sizeof(what), "exec \"%s\"", x->argv[0]);
    exec_fail(status_fd, what);
}

pid_t rt_fork_reporting(struct rt_proc *p, int *report, struct iso_err *err)
{
    int sp[2];
    pid_t pid;

    if (pipe2(sp, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    pid = fork();
    if (pid < 0) {
        close(sp[0]), close(sp[1]);
        return iso_err_set(err, errno, "fork");
    }
    if (pid == 0) {
        close(sp[0]);
        *report = sp[1];
        return 0;
    }
    close(sp[1]);
    p->status_fd = sp[0];
    p->pid = pid;
    return pid;
}

int rt_exec(const struct rt_exec *x, struct rt_proc *p, struct iso_err *err)
{
    int report = -1;
    pid_t pid = rt_fork_reporting(p, &report, err);

    if (pid == 0)
        exec_child(x, report);
    return pid < 0 ? -1 : 0;
}

int rt_read_pid_file(const char *path, double timeout_ms, const char *who, pid_t *init,
                     struct iso_err *err)
{
    const struct timespec tick = { 0, 1000000 };
    double deadline = now_ms() + timeout_ms;
    char text[32] = "";
    const char *end;
    long long pid = 0;

    while (read_file(path, text, sizeof(text)) <= 0 || parse_ll(text, &pid, &end) < 0 || pid <= 0 ||
           pid > INT_MAX) {
        if (now_ms() > deadline)
            return iso_err_set(err, errno, "read %s \"%s\" (\"%s\")", who, path, text);
        nanosleep(&tick, NULL);
    }
    *init = (pid_t)pid;
    return 0;
}
