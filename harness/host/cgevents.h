/* cgevents.h - cgroup v2 files a case reads or writes directly on a
 * container's cgroup: cgroup.kill, cgroup.procs, cgroup.events. A
 * container's cgroup is named as in cgroup.h (rel below the run's parent;
 * oci: below oci_base, where an external runtime's cgroupsPath is). */
#ifndef ISO_CGEVENTS_H
#define ISO_CGEVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"

/* Absolute path of file (NULL: the directory) of rel in controller c's
 * hierarchy. */
void cg_file(const struct cg_info *cg, enum cg_ctl c, const char *rel, bool oci, const char *file,
             char *out, size_t size);
/* Write "1" to rel's cgroup.kill: SIGKILL to every process in it and below. */
int cg_kill(const struct cg_info *cg, const char *rel, bool oci, struct iso_err *err);
/* Processes in rel and every cgroup below it (cgroup.procs lines). */
int cg_count_procs(const struct cg_info *cg, const char *rel, bool oci, int *count,
                   struct iso_err *err);
/* Wait up to timeout_ms for rel's cgroup.events to say "populated 0" (or
 * for rel to be gone: only an empty cgroup can be removed); 0 when it
 * does, -1 with err (and what it said last) when not. */
int cg_wait_unpopulated(const struct cg_info *cg, const char *rel, bool oci, int timeout_ms,
                        struct iso_err *err);

#endif
