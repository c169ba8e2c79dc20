/* sys.h - raw syscall wrappers, in one place so unit tests can wrap them. */
#ifndef ISO_SYS_H
#define ISO_SYS_H

#include <stdint.h>
#include <sys/types.h>

/* fork-like clone3 with any CLONE_* flags, CLONE_NEWTIME and
 * CLONE_NEWCGROUP included; the child's exit signal is SIGCHLD. With pidfd
 * non-NULL the parent also gets a pidfd for the child (CLONE_PIDFD).
 * Returns 0 in the child, the child's pid in the parent, -1/errno. */
pid_t sys_clone3(uint64_t flags, int *pidfd);
/* A pidfd for pid (pidfd_open(2), which glibc 2.36 does not wrap). */
int sys_pidfd_open(pid_t pid, unsigned flags);
int sys_pivot_root(const char *new_root, const char *put_old);
/* openat2 with the RESOLVE_* flags in resolve (linux/openat2.h), no mode. */
int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve);

#endif
