/* user.c - user namespace isolation: id maps as the lab and the container see them. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define ISO_FAMILY "user"
#include "case.h"

#define OUTER 100000u
#define COUNT 65536u
#define MAP_TEXT "0 100000 65536"

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
