/* reaper.h - the run's cgroups under a watchdog that outlives the run and
 * removes them when the run is gone, even after SIGKILL of the run's
 * process group. */
#ifndef ISO_REAPER_H
#define ISO_REAPER_H

#include "cgroup.h"

/* cg_run_setup(cg), with the watchdog started first: it lives in a
 * process group of its own and holds the read end of a pipe whose write end
 * only the run and its forked (not exec'd) processes hold. When the last
 * of them is gone it kills what is left in the run's cgroups, removes them
 * (deepest first) and exits; after a normal exit the run has removed them
 * already and it finds nothing to do. A run killed before cg_run_setup
 * finished is cleaned up too: the watchdog then finds the run's cgroups by
 * its pid. Returns -1 with err when the watchdog could not be started (the
 * cgroups are set up anyway; a later run removes them). */
int reaper_cg_setup(struct cg_info *cg, struct iso_err *err);

#endif
