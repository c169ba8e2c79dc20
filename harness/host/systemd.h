/* systemd.h - ask systemd for a delegated cgroup: a transient scope with
 * Delegate=yes that holds the run's process, over D-Bus (libsystemd's
 * sd-bus), as the systemd cgroup drivers of runc and crun do. */
#ifndef ISO_SYSTEMD_H
#define ISO_SYSTEMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

/* Is systemd the init system here (sd_booted)? */
bool sysd_booted(void);
/* Start the transient scope unit ("NAME.scope") with Delegate=yes holding
 * pid, and wait until systemd's job for it is done: pid is then in the
 * scope's cgroup, which it may subdivide. */
int sysd_start_scope(const char *unit, pid_t pid, struct iso_err *err);

#endif
