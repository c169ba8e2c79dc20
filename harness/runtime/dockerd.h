/* dockerd.h - the Docker daemon a run starts for the docker runtime: all
 * its state on the lab's tmpfs, its own network namespace, its cgroups
 * below the run's parent, stopped with SIGTERM at the end of the run. */
#ifndef ISO_DOCKERD_H
#define ISO_DOCKERD_H

#include <stdbool.h>
#include <stddef.h>

/* Where the daemon keeps everything: on the lab's /run. The second one
 * remaps every container's root to DOCKERD_REMAP (--userns-remap: one
 * mapping per daemon), for the cases that ask for a user namespace. */
#define DOCKERD_DIR "/run/isocheck/docker"
#define DOCKERD_SOCK "unix://" DOCKERD_DIR "/sock"
#define DOCKERD_USERNS_DIR "/run/isocheck/docker-userns"
#define DOCKERD_USERNS_SOCK "unix://" DOCKERD_USERNS_DIR "/sock"
#define DOCKERD_REMAP_OUTER 100000u
#define DOCKERD_REMAP_COUNT 65536u
#define DOCKERD_CLIENT_DIR DOCKERD_DIR "/client"
/* The run's image: the rootfs and the probe, imported once. */
#define DOCKERD_IMAGE "isocheck-rootfs:run"

/* The daemon's binary: $ISOCHECK_DOCKERD, else dockerd in PATH; NULL
 * (why filled) when there is none. */
const char *dockerd_binary(char *why, size_t len);
/* Start dockerd (client: the docker binary that imports the image) and
 * wait for it to answer, at most $ISOCHECK_DOCKERD_TIMEOUT seconds (30);
 * then import the rootfs. On failure the daemon is stopped, why says what
 * failed and log holds the end of its log. said: one line for the run's
 * header (binary, version, time to answer). The remapped daemon starts
 * beside it; when it fails, the run goes on without it
 * (dockerd_userns_why). */
int dockerd_start(const char *client, const char *rootfs, const char *probe,
                  const char *cgroup_parent, char *why, size_t len, char *log, size_t loglen,
                  char *said, size_t saidlen);
/* SIGTERM, at most 10 s, then SIGKILL; nothing when it is not running.
 * Both daemons. */
void dockerd_stop(void);
/* Why the remapped daemon is not there, "" when it serves. */
const char *dockerd_userns_why(void);
/* dockerd's own version ("20.10.24"), "" when unknown. */
void dockerd_version(char *out, size_t size);

/* Run argv (the daemon, the client, tar) with stdout and stderr into out
 * (may be NULL), at most timeout_ms; returns its exit status, -1 when it
 * did not finish (then it is killed). */
int dockerd_run(char *const argv[], char *out, size_t size, double timeout_ms);

#endif
