/* inroot.h - paths of a container image resolved inside its root, for the
 * built-in runtime's setup: an image's symlinks (absolute or climbing with
 * "..") cannot lead a mount or a new entry out of the root. */
#ifndef ISO_INROOT_H
#define ISO_INROOT_H

#include <stdbool.h>
#include <stddef.h>

/* rel (relative to root) resolved inside root with openat2
 * RESOLVE_IN_ROOT and named through /proc/self/fd/N in out; the
 * descriptor stays open until exec (CLOEXEC). joined: root/rel as it is,
 * following the image's symlinks (the follow-image-symlinks sabotage, as
 * runc 1.1.5 does: CVE-2026-41579). Returns -1 with errno when rel does
 * not resolve inside the root. */
int ct_in_root(const char *root, const char *rel, bool joined, char *out, size_t size);

/* ct_in_root for a mount's destination, made when missing: a directory,
 * or an empty file (file). Inside the root it is made in the directory its
 * parent resolves to; an image's symlink at the destination itself is
 * refused (EEXIST). joined: made at the joined path, as runtimes that
 * created destinations through the host's view did (CVE-2021-30465's
 * class). */
int ct_in_root_made(const char *root, const char *rel, bool joined, bool file, char *out,
                    size_t size);

#endif
