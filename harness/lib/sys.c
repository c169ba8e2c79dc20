/* sys.c - raw syscalls glibc does not wrap (or wraps with a stack). */
#define _GNU_SOURCE
#include "sys.h"

#include <linux/openat2.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t sys_clone3(uint64_t flags, int *pidfd)
{
    /* clone3 keeps the exit signal out of the flags (clone(2) shares the low
     * byte with it, where CLONE_NEWTIME sits) and has one argument order on
     * every architecture. No stack: the child runs on a copy of ours. */
    struct clone_args args;

    memset(&args, 0, sizeof(args));
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (pidfd) {
        args.flags |= CLONE_PIDFD;
        args.pidfd = (uint64_t)(uintptr_t)pidfd;
    }
    return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int sys_pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

int sys_pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
    struct open_how how;

    memset(&how, 0, sizeof(how));
    how.flags = flags;
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}
