/* user.c - user namespace isolation: id maps as the lab and the container see them. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ISO_FAMILY "user"
#include "case.h"
#include "join.h"

#define OUTER 100000u
#define COUNT 65536u
#define MAP_TEXT "0 100000 65536"

/* An id map as the probe reports one: blanks collapsed, lines joined by ';'. */
static void canon_map(char *text)
{
    char *w = text;
    bool blank = false;

    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\t') {
            blank = w > text && w[-1] != ';';
            continue;
        }
        if (*p == '\n') {
            if (p[1])
                *w++ = ';';
            blank = false;
            continue;
        }
        if (blank)
            *w++ = ' ';
        blank = false;
        *w++ = *p;
    }
    *w = '\0';
}

static struct iso_spec mapped_spec(struct iso_ctx *ctx)
{
    struct iso_spec s = iso_spec_default(ctx);
    spec_map_root(&s, OUTER, COUNT);
    return s;
}

ISO_CASE(root_inside_maps_exact, "inside, uid and gid are 0 and the maps are exactly the spec's",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_result r;

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("ids"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "uid"), "0", "uid inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "gid"), "0", "gid inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "uid_map"), MAP_TEXT, "uid_map inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "gid_map"), MAP_TEXT, "gid_map inside");
}

ISO_CASE(file_owner_is_mapped_id,
         "a file the container creates is owned, as the lab sees it, by the mapped host ids",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_result r;
    char path[PATH_MAX + 16];
    struct stat st;

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("touch", ISO_XCHG "/made-inside"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "file_uid"), "0", "owner as seen inside");
    snprintf(path, sizeof(path), "%s/made-inside", ctx->xchg);
    ISO_REQUIRE_SYS_PATH(ctx, stat(path, &st), path, "the lab sees the file");
    ISO_EXPECT_EQ(ctx, st.st_uid, OUTER, "owner uid as seen by the lab");
    ISO_EXPECT_EQ(ctx, st.st_gid, OUTER, "owner gid as seen by the lab");
}

ISO_CASE(unmapped_id_is_overflow, "a file owned by an unmapped host id reads as 65534 inside",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_result r;
    char path[PATH_MAX + 16];
    int fd;

    snprintf(path, sizeof(path), "%s/unmapped", ctx->xchg);
    ISO_REQUIRE_SYS_PATH(ctx, fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), path,
                         "the lab creates a file");
    close(fd);
    ISO_REQUIRE_SYS_PATH(ctx, chown(path, 4242, 4242), path, "the lab gives it to uid 4242");
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("stat", ISO_XCHG "/unmapped"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "file_uid"), "65534", "owner uid inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "file_gid"), "65534", "owner gid inside");
}

ISO_CASE(uid_map_written_once, "the uid_map is the spec's and a second write fails with EPERM",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_result r;

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("remap"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "uid_map"), MAP_TEXT, "the map in place");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "uid_map_write"), "EPERM", "rewriting uid_map");
}

ISO_CASE(setgroups_denied_inside,
         "after the runtime wrote \"deny\" to setgroups, the container reads deny and setgroups(2) "
         "fails with EPERM",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_result r;

    s.setgroups_deny = true;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("setgroups"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "setgroups_file"), "deny", "/proc/self/setgroups inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "setgroups_call"), "EPERM", "setgroups(0, NULL) inside");
}

ISO_CASE(nested_map_needs_ids_held,
         "root of the container's user namespace may map into a nested one only ids it holds: a "
         "line naming an id outside its range is refused, also past five lines (CVE-2018-18955), "
         "and the lab reads the nested map in its own ids",
         /* a chrooted process may not make a user namespace at all (EPERM) */
         .detects = ISO_SAB_NO_USERNS | ISO_SAB_CHROOT)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_container c;
    char path[64], map[512] = "", count[16];
    pid_t inner;
    int fd;
    ssize_t n;

    snprintf(count, sizeof(count), "%u", COUNT);
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("nested-map", count), &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "write_one_outside"), "EPERM",
                      "one line naming an id the writer does not hold");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "write_six_outside"), "EPERM",
                      "six lines, the last naming an id the writer does not hold");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "write_six_inside"), "ok", "six lines within its ids");
    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", c.r.pid, c.r.pid);
    ISO_REQUIRE_SYS_PATH(ctx, n = read_file(path, map, sizeof(map)), path,
                         "the lab finds the nested namespace's process");
    inner = (pid_t)strtol(map, NULL, 10);
    snprintf(path, sizeof(path), "/proc/%d/uid_map", inner);
    ISO_REQUIRE_SYS_PATH(ctx, fd = open(path, O_RDONLY | O_CLOEXEC), path, "the lab opens its map");
    n = read(fd, map, sizeof(map) - 1);
    close(fd);
    map[n > 0 ? n : 0] = '\0';
    canon_map(map);
    ISO_EXPECT_EQ_STR(ctx, map, "0 100000 1;1 100001 1;2 100002 1;3 100003 1;4 100004 1;5 100005 1",
                      "the nested uid_map in the lab's ids");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

/* The container's namespace of kind ("user", "mnt") opened by the lab. */
static int open_ns(pid_t pid, const char *kind)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, kind);
    return open(path, O_RDONLY | O_CLOEXEC);
}

ISO_CASE(caps_stop_at_lab_namespaces,
         "a lab process that joins only the container's user namespace holds every capability "
         "there, yet cannot set the lab's hostname or mount in the lab's mount namespace (EPERM)",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_container c;
    struct iso_result joined;
    struct iso_err err = { 0, "" };
    char target[PATH_MAX + 16], lab[65] = "";
    unsigned long long eff;
    autoclose int userns = -1;

    snprintf(target, sizeof(target), "%s/reach", ctx->dir);
    ISO_REQUIRE_SYS_PATH(ctx, mkdir(target, 0755), target, "the lab makes a mount point");
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("pid", "--wait"), &c);
    ISO_REQUIRE_SYS(ctx, userns = open_ns(c.r.pid, "user"), "the lab opens the container's userns");
    const int fds[] = { userns };
    struct iso_join here = { .target = getpid(), .ns = 0, .fds = fds, .nfds = 1 };
    ISO_REQUIRE_OK(ctx, iso_join_run(ctx, &here, ISO_ARGV("reach-lab", target), &joined, &err),
                   &err);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "join_userns"), "ok", "setns into its user namespace");
    eff = strtoull(iso_get(&joined, "cap_eff") ? iso_get(&joined, "cap_eff") : "0", NULL, 16);
    ISO_EXPECT_CAPS_HAS(ctx, eff, ISO_CAP_BIT(21), "CAP_SYS_ADMIN in that user namespace");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "sethostname"), "EPERM", "the lab's hostname");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "mount"), "EPERM", "a mount in the lab's table");
    gethostname(lab, sizeof(lab) - 1);
    ISO_EXPECT_EQ_STR(ctx, lab, ctx->lab_hostname, "the lab's hostname is unchanged");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(unmapped_gid_cannot_create,
         "a process in the container's namespaces whose gid the container does not map cannot "
         "create a file on the container's own tmpfs (EOVERFLOW); with a mapped gid it can",
         /* chroot: the joiner lands at its mount namespace's root, which is
          * then not the container's, and finds no such tmpfs */
         .detects = ISO_SAB_NO_USERNS | ISO_SAB_CHROOT)
{
    struct iso_spec s = mapped_spec(ctx);
    struct iso_container c;
    struct iso_result joined;
    struct iso_err err = { 0, "" };
    autoclose int userns = -1, mntns = -1;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("mount-tmpfs", "/tmp/own"), &c);
    ISO_REQUIRE_SYS(ctx, userns = open_ns(c.r.pid, "user"), "the lab opens the container's userns");
    ISO_REQUIRE_SYS(ctx, mntns = open_ns(c.r.pid, "mnt"), "and its mount namespace");
    const int fds[] = { userns, mntns };
    struct iso_join here = { .target = getpid(), .ns = 0, .fds = fds, .nfds = 2 };
    ISO_REQUIRE_OK(ctx,
                   iso_join_run(ctx, &here, ISO_ARGV("unmapped-create", "/tmp/own"), &joined, &err),
                   &err);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "join_userns"), "ok", "setns into its user namespace");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "uid"), "0", "uid 0 there, a mapped id");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "gid"), "65534", "the lab's gid, unmapped there");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "create_unmapped_gid"), "EOVERFLOW",
                      "creating a file with the unmapped gid");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&joined, "create_mapped_gid"), "ok",
                      "creating one after setresgid(0)");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}
