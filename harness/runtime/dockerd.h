/* dockerd.h - the Docker daemon a run starts for the docker runtime: all
 * its state on the lab's tmpfs, its own network namespace, its cgroups
 * below the run's parent, stopped with SIGTERM at the end of the run. */
#ifndef ISO_DOCKERD_H
#define ISO_DOCKERD_H

#include <stdbool.h>
#include <stddef.h>

/* Where the daemon keeps everything: on the lab's /run. */
#define DOCKERD_DIR "/run/isocheck/docker"
#define DOCKERD_SOCK "unix://" DOCKERD_DIR "/sock"
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
 * header (binary, version, time to answer). */
int dockerd_start(const char *client, const char *rootfs, const char *probe,
                  const char *cgroup_parent, char *why, size_t len, char *log, size_t loglen,
                  char *said, size_t saidlen);
/* SIGTERM, at most 10 s, then SIGKILL; nothing when it is not running. */
void dockerd_stop(void);
/* dockerd's own version ("20.10.24"), "" when unknown. */
void dockerd_version(char *out, size_t size);

#endif
