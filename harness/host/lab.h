/* lab.h - the private namespace a run lives in, and each case's own "host". */
#ifndef ISO_LAB_H
#define ISO_LAB_H

#include "case.h"
#include "config.h"

#define LAB_DIR "/run/isocheck"
#define LAB_HOSTNAME "isocheck-lab"

/* Clone the lab (pid+mnt+uts+ipc, sharing our memory), run fn(arg) in it as
 * its PID 1 and return fn's exit code as soon as the lab reports it: the
 * kernel finishes the lab's teardown (on cgroup v2 the lab is waited for).
 * SIGINT/SIGTERM/SIGHUP ask the lab to stop (fn sees lab_stopping() and
 * returns) and return -2 once it is gone; a lab that dies otherwise
 * returns -1 with err set. */
int lab_run(const struct iso_config *cfg, int (*fn)(void *), void *arg, struct iso_err *err);

/* In the lab: the run was asked to stop (a signal). fn returns at its next
 * safe point; what it returns is not reported, the run bails out. */
bool lab_stopping(void);

/* Make LAB_DIR/isoprobe a file of the lab's tmpfs, for a root whose
 * upper layer links it (one of another image than the rootfs): a copy, the
 * first time, where the lab found the probe in the rootfs itself and made
 * none. It is made in scratch (a directory of the caller's own on the
 * lab's tmpfs, a case's: no other case's leak check looks there), then
 * renamed into place. */
int lab_probe_copy(const char *scratch, struct iso_err *err);

/* Is the run directory (LAB_DIR) still whole: the probe every case links
 * into its root, the marker, the rootfs? -1 with the missing entries named
 * in why when a runtime or a container deleted them. */
int lab_dir_check(char *why, size_t size);

/* The container root of a case in dir: an overlay of lower (a directory
 * holding the image) whose upper layer holds the probe (unless lower is
 * the rootfs and already holds this very probe) and the directories
 * the harness prepares (mount points, the exchange directory), so an
 * image's entries of those names, symlinks included, are hidden; the
 * exchange tmpfs is mounted on ISO_XCHG resolved inside the root without
 * following any symlink. joined: the harness-joins-paths sabotage, those
 * directories made through the image's own paths. root gets its path. */
int lab_prepare_root(const char *dir, const char *lower, bool joined, char *root, size_t size,
                     struct iso_err *err);

/* In a fresh case process: take mnt+uts+ipc namespaces (and net, for a case
 * that needs it: ISO_NEEDS_NET) and prepare the container root (overlay of
 * the rootfs with the probe), the shared exchange mount and the marker. */
int lab_case_setup(struct iso_ctx *ctx, int idx, struct iso_err *err);
/* Move the case process into a network namespace of its own, once. A new
 * network namespace costs the kernel 0.3 ms or more, paid only by cases
 * whose lab side or container uses one. */
int lab_case_netns(struct iso_ctx *ctx, struct iso_err *err);

#endif
