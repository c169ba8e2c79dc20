/* join.h - a process of the lab joins a running container's namespaces and
 * runs the probe there, as nsenter(1) does: with one setns per
 * /proc/PID/ns file, or with a single setns on a pidfd for several at once. */
#ifndef ISO_JOIN_H
#define ISO_JOIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "case.h"

struct iso_join {
    pid_t target;   /* the container's init as the lab sees it */
    unsigned ns;    /* CLONE_NEW* to join, user first; 0: run the probe in the lab */
    bool pidfd;     /* setns(pidfd_open(target), ns) instead of the /proc files */
    const int *fds; /* open in the lab, handed to the probe as fd 3, 4, ... */
    int nfds;
};

/* Join, fork (a PID namespace holds only the joiner's children), and run
 * the lab's copy of the probe there (ctx->root/isoprobe: the mount
 * namespace need not be joined). r gets the probe's status and report; a
 * failed join is an error saying which setns failed. */
int iso_join_run(struct iso_ctx *ctx, const struct iso_join *j, char *const argv[],
                 struct iso_result *r, struct iso_err *err);

#endif
