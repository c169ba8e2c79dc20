/* hostile.c - images that fight back: a root filesystem whose directories
 * or device nodes are symlinks out of it must never make the runtime write
 * or mount outside the container. Each case builds its image from the
 * fixture, next to a directory standing for the host that the symlinks
 * point into, and compares that directory before and after: every entry's
 * type, inode, mode, contents or link target, and the mounts on it.
 *
 * Refusing such an image is a right answer: the case then passes with the
 * runtime's message in its diagnostics. The same runtime must start a
 * container on the plain fixture in the same case, so a refusal is not
 * mistaken for a runtime that cannot start anything. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define ISO_FAMILY "hostile"
#include "case.h"
#include "hostile.h"

static const char *const kind_names[] = { "absolute", "relative", "dev-nodes" };

/* Run argv on an image of kind with spec s (its rootfs is replaced).
 * *ran says the probe ran and exited 0, so the case may look at r; false
 * when the runtime refused the image (recorded as a note) or the case
 * failed. The host directory is checked either way. */
static void run_image(struct iso_ctx *ctx, enum hostile_kind kind, const char *top,
                      struct iso_spec *s, char *const argv[], struct iso_result *r, bool *ran)
{
    static struct hostile_snap before, after;
    struct iso_err err = { 0, "" };
    static struct hostile_root h; /* s->rootfs points into it */
    char changes[4096], mounts_before[1024], mounts_after[1024];
    int rc;

    *ran = false;
    ISO_REQUIRE_OK(ctx, hostile_make(ctx->dir, kind, top, &h, &err), &err);
    ISO_REQUIRE_OK(ctx, hostile_snapshot(h.host, &before, &err), &err);
    ISO_REQUIRE_OK(ctx, hostile_mounts_under(h.host, mounts_before, sizeof(mounts_before), &err),
                   &err);
    s->rootfs = h.root;
    rc = iso_run(ctx, s, argv, r, &err);
    if (rc == ISO_UNSUPPORTED && s->mask_paths) {
        /* bwrap and unshare(1) have no masked paths: the canaries still count */
        iso_diag(ctx, "masked_paths", "not asked for: %s", err.msg);
        s->mask_paths = false;
        rc = iso_run(ctx, s, argv, r, &err);
    }
    if (rc == ISO_UNSUPPORTED)
        ISO_SKIP(ctx, "%s", err.msg);

    iso_diag(ctx, "host", "%s", h.host);
    ISO_REQUIRE_OK(ctx, hostile_snapshot(h.host, &after, &err), &err);
    if (hostile_diff(&before, &after, changes, sizeof(changes)) > 0)
        for (char *line = strtok(changes, "\n"); line; line = strtok(NULL, "\n"))
            ISO_FAIL(ctx, "the host directory changed through the image's symlinks", "%s: %s",
                     kind_names[kind], line);
    ISO_REQUIRE_OK(ctx, hostile_mounts_under(h.host, mounts_after, sizeof(mounts_after), &err),
                   &err);
    ISO_EXPECT_EQ_STR(ctx, mounts_after, mounts_before,
                      "nothing is mounted on the host directory in the case's mount table");

    if (r->report.n == 0 && (rc < 0 || !WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0)) {
        /* the probe never ran, and the fixture ran in this case: the
         * runtime refused the image */
        iso_diag(ctx, "refused", "%s: %s", kind_names[kind],
                 err.msg[0]   ? err.msg
                 : r->err_len ? r->err
                              : "(no message)");
        return;
    }
    if (rc < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &err, r);
        return;
    }
    *ran = iso_check_exit(ctx, __FILE__, __LINE__, r);
}

/* A container that ran has a procfs of its own at /proc. */
static void expect_own_proc(struct iso_ctx *ctx, const struct iso_result *r)
{
    ISO_EXPECT_PRESENT(ctx, r, "pid", "the probe reported its pid");
    ISO_EXPECT_EQ_STR(ctx, iso_get(r, "proc_self"), iso_get(r, "pid"),
                      "/proc/self inside names the probe: the container's own proc");
}

/* The fixture first (the runtime starts a container here and now, so a
 * refusal below is about the image), then top as an absolute and as a
 * relative symlink to a host directory. */
static void top_symlink(struct iso_ctx *ctx, const char *top)
{
    static const enum hostile_kind kinds[] = { HOSTILE_TOP_ABSOLUTE, HOSTILE_TOP_RELATIVE };
    struct iso_spec plain = iso_spec_default(ctx);
    struct iso_result r;
    bool ran;

    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("pid"), &r);
    for (size_t i = 0; i < ARRAY_LEN(kinds) && ctx->out->status != ISO_ST_SKIP; i++) {
        struct iso_spec s = iso_spec_default(ctx);
        run_image(ctx, kinds[i], top, &s, ISO_ARGV("pid"), &r, &ran);
        if (ran)
            expect_own_proc(ctx, &r);
    }
}

#define TOP_CASE(name, what)                                                                       \
    ISO_CASE(                                                                                      \
        name##_symlink,                                                                            \
        "/" #name " of the image is an absolute, then a relative symlink to a host "               \
        "directory: the runtime refuses or stays inside, the host directory is unchanged " what,   \
        .detects = ISO_SAB_FOLLOW_IMAGE_SYMLINKS)                                                  \
    {                                                                                              \
        top_symlink(ctx, #name);                                                                   \
    }

/* One case per directory a runtime prepares for the spec isocheck asks
 * for: /dev (its links, a tmpfs for OCI runtimes) and /proc. /sys, /etc,
 * /tmp, /run and /mnt become cases with a spec that mounts or writes
 * there; today no runtime's setup touches them, so they could not fail. */
TOP_CASE(dev, "(CVE-2026-41579: /dev/fd, std* and ptmx made on the host)")
TOP_CASE(proc, "(CVE-2019-16884: procfs mounted outside, a /proc that is not procfs)")

ISO_CASE(dev_nodes_symlinked,
         "an image whose /dev/null, /dev/ptmx, /dev/console and /dev/pts are symlinks to host "
         "files: masked paths are not bound from the symlink's target and the host files are "
         "unchanged (CVE-2025-31133, CVE-2025-52565)",
         .detects = ISO_SAB_FOLLOW_IMAGE_SYMLINKS | ISO_SAB_NO_MASK)
{
    static char *const masked[] = { "/proc/timer_list", "/proc/keys" };
    static const char *const keys[] = { "masked.proc.timer_list", "masked.proc.keys" };
    struct iso_spec plain = iso_spec_default(ctx), s = iso_spec_default(ctx);
    struct iso_result r;
    char msg[128];
    bool ran;

    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("pid"), &r);
    s.mask_paths = true;
    run_image(ctx, HOSTILE_DEV_NODES, NULL, &s, ISO_ARGV("masked", masked[0], masked[1]), &r, &ran);
    if (!ran || !s.mask_paths)
        return;
    for (size_t i = 0; i < ARRAY_LEN(masked); i++) {
        snprintf(msg, sizeof(msg), "%s reads empty, is refused or absent", masked[i]);
        ISO_EXPECT_NOT_CONTAINS(ctx, iso_get(&r, keys[i]), "data:", msg);
    }
}
