/* mount.c - the mount table a mount namespace shows, a mount made inside,
 * and every known way back to the lab's tree. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kv.h"
#include "mountinfo.h"

static void report_mounts(void)
{
    char line[4096], points[4096] = "";
    size_t off = 0;
    int count = 0;
    struct stat st;
    FILE *f = fopen("/proc/self/mountinfo", "re");

    if (stat("/", &st) == 0) {
        probe_kv("root_dev", "%u:%u", major(st.st_dev), minor(st.st_dev));
        probe_kv("root_ino", "%lu", (unsigned long)st.st_ino);
    }
    if (!f) {
        probe_kv("mountinfo", "error:%s", probe_errname(errno));
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        struct mountinfo_entry e;
        line[strcspn(line, "\n")] = '\0';
        if (mountinfo_parse_line(line, &e) < 0)
            continue;
        count++;
        if (strcmp(e.mount_point, "/") == 0)
            probe_kv("root_fstype", "%s", e.fstype);
        if (off < sizeof(points) - 300)
            off += (size_t)snprintf(points + off, sizeof(points) - off, "%s%s", off ? "," : "",
                                    e.mount_point);
    }
    fclose(f);
    probe_kv("mount_count", "%d", count);
    probe_kv("mount_points", "%s", points);
}

static int cmd_mounts(int argc, char **argv)
{
    report_mounts();
    if (probe_has_flag(argc, argv, "--wait")) {
        probe_wait_for_lab();
        report_mounts();
    }
    return 0;
}

static int cmd_mount_tmpfs(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: mount-tmpfs PATH\n"), 2;
    if (mkdir(argv[1], 0755) < 0 && errno != EEXIST)
        return fprintf(stderr, "mkdir %s: %s\n", argv[1], strerror(errno)), 3;
    if (mount("isoprobe", argv[1], "tmpfs", 0, "size=64k") < 0)
        return fprintf(stderr, "mount tmpfs %s: %s\n", argv[1], strerror(errno)), 3;
    probe_kv("mounted", "yes");
    probe_wait_for_lab();
    return 0;
}

static const char *reach(const char *path)
{
    return access(path, F_OK) == 0 ? "reached" : "blocked";
}

/* Every way out we know of: /proc/1/root, any mount point that still
 * shows the lab's tree, and the classic chroot-in-a-subdir walk. */
static int cmd_escape(int argc, char **argv)
{
    char path[4096], line[4096];
    const char *marker;
    const char *via_mounts = "blocked";
    FILE *f;

    if (argc < 2 || argv[1][0] != '/')
        return fprintf(stderr, "usage: escape /ABSOLUTE/MARKER\n"), 2;
    marker = argv[1];
    probe_kv("escape_direct", "%s", reach(marker));
    snprintf(path, sizeof(path), "/proc/1/root%s", marker);
    probe_kv("escape_proc1", "%s", reach(path));
    f = fopen("/proc/self/mountinfo", "re");
    while (f && fgets(line, sizeof(line), f)) {
        struct mountinfo_entry e;
        line[strcspn(line, "\n")] = '\0';
        if (mountinfo_parse_line(line, &e) < 0 || strcmp(e.mount_point, "/") == 0)
            continue;
        snprintf(path, sizeof(path), "%s%s", e.mount_point, marker);
        if (access(path, F_OK) == 0) {
            via_mounts = "reached";
            probe_kv("escape_mount_point", "%s", e.mount_point);
        }
    }
    if (f)
        fclose(f);
    probe_kv("escape_mountinfo", "%s", via_mounts);
    fflush(stdout);
    /* last: it changes our root */
    mkdir("/tmp", 01777);
    if (mkdir("/tmp/.isoprobe-escape", 0700) < 0 && errno != EEXIST) {
        probe_kv("escape_chroot", "error:mkdir:%s", probe_errname(errno));
        return 0;
    }
    if (chroot("/tmp/.isoprobe-escape") < 0) {
        probe_kv("escape_chroot", "blocked:chroot:%s", probe_errname(errno));
        return 0;
    }
    for (int i = 0; i < 256; i++)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0) {
        probe_kv("escape_chroot", "blocked:chroot:%s", probe_errname(errno));
        return 0;
    }
    probe_kv("escape_chroot", "%s", reach(marker));
    return 0;
}

const struct probe_cmd probe_mount_cmds[] = {
    { "mounts", cmd_mounts, "[--wait]  mount table summary and identity of /" },
    { "mount-tmpfs", cmd_mount_tmpfs, "PATH  mount a tmpfs, wait for the lab" },
    { "escape", cmd_escape, "MARKER  try to reach a file of the lab" },
    { 0 },
};
