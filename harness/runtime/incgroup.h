/* incgroup.h - for runtimes that make their cgroups relative to the
 * cgroup of the process that starts them (LXC, systemd-nspawn): start
 * that process in the container's cgroup parent below the run's, so all
 * they make stays there and goes with the run. */
#ifndef ISO_RT_INCGROUP_H
#define ISO_RT_INCGROUP_H

#include <stdbool.h>

#include "runtime.h"

/* The container's cgroup parent ("OCI_BASE/RUN/ID", no leading slash),
 * relative to every hierarchy's mount: where an OCI runtime's cgroupsPath
 * ends, without its last "/ctr". false with why when there is none. */
bool rt_cgroup_parent(const struct iso_spec *s, char *buf, size_t size, char *why, size_t len);

/* fork; the child takes stdio[0..2] as 0-2, enters the network namespace
 * netns_fd (-1: none) and the cgroup parent rel in every hierarchy (made
 * as needed), and execs argv. p->pid is the child; p->status_fd says why
 * a step before exec failed. */
int rt_exec_in_cgroup(char *const argv[], const int stdio[3], int netns_fd, const char *rel,
                      struct rt_proc *p, struct iso_err *err);

#endif
