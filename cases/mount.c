/* mount.c - mount namespace isolation and the root switch. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define ISO_FAMILY "mount"
#include "case.h"
#include "mountinfo.h"

ISO_CASE(old_root_unreachable,
         "the lab's marker cannot be reached: directly, via /proc/1/root, a mount point, or a "
         "chroot walk",
         .detects = ISO_SAB_CHROOT | ISO_SAB_NO_MNTNS | ISO_SAB_NO_PIDNS | ISO_SAB_NO_NEWPROC |
                    ISO_SAB_KEEP_OLD_ROOT)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    ISO_REQUIRE_SYS_PATH(ctx, access(ctx->marker, F_OK), ctx->marker,
                         "the lab sees its own marker");
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("escape", ctx->marker), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "escape_direct"), "blocked", "marker by its path");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "escape_proc1"), "blocked", "marker via /proc/1/root");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "escape_mountinfo"), "blocked", "marker via a mount point");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "escape_chroot"), "blocked", "marker via a chroot walk");
}

/* The container's own mounts: its root, proc, the exchange mount, and a
 * /dev that OCI runtimes mount themselves. */
static bool expected_point(const char *p)
{
    return strcmp(p, "/") == 0 || strcmp(p, "/proc") == 0 || strncmp(p, "/proc/", 6) == 0 ||
           strcmp(p, "/dev") == 0 || strncmp(p, "/dev/", 5) == 0 || strcmp(p, ISO_XCHG) == 0;
}

ISO_CASE(root_is_rootfs_alone, "/ is the rootfs and the mount table holds nothing of the old root",
         .detects = ISO_SAB_KEEP_OLD_ROOT)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;
    char want[64], points[4096];
    struct stat st;

    ISO_REQUIRE_SYS_PATH(ctx, stat(ctx->root, &st), ctx->root,
                         "the lab can stat the container root");
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("mounts"), &r);
    snprintf(want, sizeof(want), "%u:%u", major(st.st_dev), minor(st.st_dev));
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "root_dev"), want, "device of / inside");
    snprintf(want, sizeof(want), "%lu", (unsigned long)st.st_ino);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "root_ino"), want, "inode of / inside");
    ISO_REQUIRE_PRESENT(ctx, &r, "mount_points", "the probe read its mount table");
    strlcpy0(points, iso_get(&r, "mount_points"), sizeof(points));
    for (char *p = strtok(points, ","); p; p = strtok(NULL, ","))
        if (!expected_point(p))
            ISO_FAIL(ctx, "a mount point that is not the container's own", "%s", p);
}

/* What is mounted on path in our own (the lab's) mount table: its source
 * and type, "" when nothing is. */
static void lab_mount_at(const char *path, char *out, size_t size)
{
    char line[4096];
    FILE *f = fopen("/proc/self/mountinfo", "re");

    out[0] = '\0';
    while (f && fgets(line, sizeof(line), f)) {
        struct mountinfo_entry e;
        line[strcspn(line, "\n")] = '\0';
        if (mountinfo_parse_line(line, &e) == 0 && strcmp(e.mount_point, path) == 0)
            snprintf(out, size, "%s (%s)", e.source, e.fstype);
    }
    if (f)
        fclose(f);
}

ISO_CASE(mount_inside_stays_inside, "a mount made inside does not appear in the lab",
         .detects = ISO_SAB_SHARED_PROP | ISO_SAB_NO_MNTNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    char path[PATH_MAX + 16], mounted[PATH_MAX];

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("mount-tmpfs", ISO_XCHG "/inner"), &c);
    snprintf(path, sizeof(path), "%s/inner", ctx->xchg);
    lab_mount_at(path, mounted, sizeof(mounted));
    ISO_EXPECT_EQ_STR(ctx, mounted, "", "the container's mount is not in the lab's table");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(lab_mount_stays_outside, "a mount made in the lab after start does not appear inside",
         .detects = ISO_SAB_SHARED_PROP | ISO_SAB_NO_MNTNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    char path[PATH_MAX + 16];

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("mounts", "--wait"), &c);
    snprintf(path, sizeof(path), "%s/from-lab", ctx->xchg);
    ISO_REQUIRE_SYS_PATH(ctx, mkdir(path, 0755), path, "the lab makes a mount point");
    ISO_REQUIRE_SYS_PATH(ctx, mount("isocheck-lab", path, "tmpfs", 0, "size=64k"), path,
                         "the lab mounts a tmpfs");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_REQUIRE_PRESENT(ctx, &c.r, "mount_points", "the probe read its mount table");
    ISO_EXPECT_NOT_CONTAINS(ctx, iso_get(&c.r, "mount_points"), ISO_XCHG "/from-lab",
                            "the lab's new mount is not in the container's table");
}

ISO_CASE(proc_is_own, "/proc inside is the container's own proc", .detects = ISO_SAB_NO_NEWPROC)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("pid"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "proc_self"), iso_get(&r, "pid"),
                      "/proc/self names the probe's own pid");
}

/* A container whose mounts propagate as asked, running "propagate": it
 * mounts a tmpfs at ISO_XCHG/inside and waits; meanwhile the lab mounts
 * one at ISO_XCHG/from-lab. What each side then sees of the other's. */
struct crossing {
    char propagation[128]; /* of the container's exchange mount, from its mountinfo */
    char in_lab[PATH_MAX]; /* what the lab finds at the container's mount point */
    char inside[4096];     /* the mounts below ISO_XCHG inside, at the end */
    bool done;             /* all of it was seen (not skipped, no step failed) */
};

static void cross_mounts(struct iso_ctx *ctx, enum iso_prop prop, struct crossing *x)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    char path[PATH_MAX + 16];

    s.propagation = prop;
    x->propagation[0] = x->in_lab[0] = x->inside[0] = '\0';
    x->done = false;
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("propagate", ISO_XCHG, "inside"), &c);
    strlcpy0(x->propagation, iso_get(&c.r, "propagation") ? iso_get(&c.r, "propagation") : "?",
             sizeof(x->propagation));
    snprintf(path, sizeof(path), "%s/inside", ctx->xchg);
    lab_mount_at(path, x->in_lab, sizeof(x->in_lab));
    snprintf(path, sizeof(path), "%s/from-lab", ctx->xchg);
    ISO_REQUIRE_SYS_PATH(ctx, mkdir(path, 0755), path, "the lab makes a mount point");
    ISO_REQUIRE_SYS_PATH(ctx, mount("isocheck-lab", path, "tmpfs", 0, "size=64k"), path,
                         "the lab mounts a tmpfs");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_REQUIRE_PRESENT(ctx, &c.r, "after", "the probe read its mount table again");
    strlcpy0(x->inside, iso_get(&c.r, "after"), sizeof(x->inside));
    x->done = true;
}

ISO_CASE(propagation_shared_both_ways,
         "with shared propagation a mount made inside appears in the lab and one the lab makes "
         "appears inside",
         .detects = ISO_SAB_PROP_IGNORED)
{
    struct crossing x;

    cross_mounts(ctx, ISO_PROP_SHARED, &x);
    if (!x.done)
        return;
    ISO_EXPECT_CONTAINS(ctx, x.propagation, "shared:", "the exchange mount inside is shared");
    ISO_EXPECT_NE_STR(ctx, x.in_lab, "", "the container's mount, in the lab's table");
    ISO_EXPECT_CONTAINS(ctx, x.inside, ISO_XCHG "/from-lab", "the lab's mount, inside");
}

ISO_CASE(propagation_slave_one_way,
         "with slave propagation the lab's new mount appears inside, and the container's does not "
         "appear in the lab",
         .detects = ISO_SAB_PROP_IGNORED | ISO_SAB_SHARED_PROP | ISO_SAB_NO_MNTNS)
{
    struct crossing x;

    cross_mounts(ctx, ISO_PROP_SLAVE, &x);
    if (!x.done)
        return;
    ISO_EXPECT_CONTAINS(ctx, x.propagation, "master:", "the exchange mount inside is a slave");
    ISO_EXPECT_EQ_STR(ctx, x.in_lab, "", "the container's mount, in the lab's table");
    ISO_EXPECT_CONTAINS(ctx, x.inside, ISO_XCHG "/from-lab", "the lab's mount, inside");
}

ISO_CASE(unbindable_refuses_bind,
         "with unbindable propagation the mount holding the exchange directory inside is "
         "unbindable and a bind of it fails with EINVAL, while a bind of a mount the container "
         "makes itself works",
         .detects = ISO_SAB_PROP_IGNORED | ISO_SAB_SHARED_PROP | ISO_SAB_NO_MNTNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    s.propagation = ISO_PROP_UNBINDABLE;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("bind", ISO_XCHG, "/tmp/bound"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "propagation"), "unbindable",
                      "the mount holding the exchange directory");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "bind_fresh"), "ok", "a bind of a mount of its own");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "bind_src"), "EINVAL", "a bind of the exchange directory");
}
