/* hostile.h - container images that fight back: a root built from the
 * fixture whose top-level directories or device nodes are symlinks into a
 * directory standing for the host, and the evidence that nothing in that
 * directory changed (entries, inodes, contents, link targets, mounts). */
#ifndef ISO_HOSTILE_H
#define ISO_HOSTILE_H

#include <limits.h>
#include <stddef.h>

#include "util.h"

enum hostile_kind {
    /* a top-level directory (dev, proc, sys, etc, tmp, run or mnt) is an
     * absolute symlink to a host directory of the same name */
    HOSTILE_TOP_ABSOLUTE,
    /* the same as a relative ../../.. symlink that climbs out of the root */
    HOSTILE_TOP_RELATIVE,
    /* /dev is the image's own, but null, ptmx, console and pts in it are
     * symlinks to host files (one stands for /proc/sys/kernel/core_pattern) */
    HOSTILE_DEV_NODES,
    /* /proc is a plain directory of regular files that look like procfs
     * (self/attr/current, sys/kernel/core_pattern, ...), no symlink */
    HOSTILE_FAKE_PROC,
};

struct hostile_root {
    char root[PATH_MAX];     /* the image: an overlay of the fixture, with the probe */
    char host[PATH_MAX];     /* the directory its symlinks point into */
    char src_dir[PATH_MAX];  /* a lab directory to bind in, holding "marker" */
    char src_file[PATH_MAX]; /* a lab file to bind in */
};

/* What the fake /proc's files and the bind sources hold (first line). */
#define HOSTILE_FAKE_PROC_TEXT "isocheck fake proc"
#define HOSTILE_SRC_TEXT "isocheck bind source"

/* Build the image of kind under dir (the case's directory), in its own
 * directory named for kind and top: the host directory with its canaries,
 * the bind sources and the overlay root. top names the top-level entry the
 * _TOP_ kinds make a symlink (a directory of the fixture such as "dev", or
 * a new name), NULL for the others. */
int hostile_make(const char *dir, enum hostile_kind kind, const char *top, struct hostile_root *h,
                 struct iso_err *err);

#define HOSTILE_MAX_ENTRIES 128

struct hostile_entry {
    char path[256]; /* relative to the snapshot's directory */
    char what[160]; /* type, inode, mode, size, content hash or link target */
};

/* Everything under a directory, sorted by path; overflow counts the
 * entries that did not fit (a flood of new entries is a change too). */
struct hostile_snap {
    struct hostile_entry e[HOSTILE_MAX_ENTRIES];
    int n, overflow;
};

int hostile_snapshot(const char *dir, struct hostile_snap *s, struct iso_err *err);

/* Each difference between two snapshots as "created PATH", "removed PATH"
 * or "changed PATH (was ..., now ...)", one per line in out; returns how
 * many there are. */
int hostile_diff(const struct hostile_snap *before, const struct hostile_snap *after, char *out,
                 size_t size);

/* The mount points at or under dir in every mount namespace a process the
 * lab can see is in (the lab's own first, then each other namespace once,
 * through the first process found in it: a container's while it runs),
 * comma separated ("" when none); one of another namespace says which. */
int hostile_mounts_under(const char *dir, char *out, size_t size, struct iso_err *err);

/* The mount points of one mountinfo text at or under dir, each appended to
 * out as "POINT (FSTYPE)" then " where" when where is not NULL, comma
 * separated; returns how many. */
int hostile_mountinfo_under(const char *text, const char *dir, const char *where, char *out,
                            size_t size);

#endif
