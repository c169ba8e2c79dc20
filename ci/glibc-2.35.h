/* glibc-2.35.h - what a glibc older than 2.36 (Ubuntu 22.04 has 2.35) leaves
 * out of <sched.h>, for the build-matrix leg that builds the tree as such a
 * glibc would: every file is compiled with this included first (-include),
 * so the project's own fallbacks must supply what is missing. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#undef CLONE_NEWTIME
