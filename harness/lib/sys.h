/* sys.h - raw syscall wrappers, in one place so unit tests can wrap them. */
#ifndef ISO_SYS_H
#define ISO_SYS_H

#include <sys/types.h>

/* fork-like clone: returns 0 in the child, the child's pid in the parent. */
pid_t sys_clone(unsigned long flags);
int sys_pivot_root(const char *new_root, const char *put_old);

#endif
