/* sys.c - raw syscalls glibc does not wrap (or wraps with a stack). */
#define _GNU_SOURCE
#include "sys.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t sys_clone(unsigned long flags)
{
    /* x86_64 argument order: flags, stack, parent_tid, child_tid, tls.
     * A NULL stack makes the child continue on a copy of ours, like fork. */
    return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

int sys_pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}
