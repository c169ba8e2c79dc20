/* user.c - ids, id maps and capability sets in a user namespace; file
 * ownership as the namespace maps it; a second uid_map write. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kv.h"

static void report_map(const char *key, const char *path)
{
    char buf[1024], out[1024];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    size_t o = 0;
    bool space = false;

    if (fd >= 0)
        close(fd);
    if (n < 0) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    buf[n] = '\0';
    /* collapse runs of blanks, lines joined by ';' (idmap_canon's form) */
    for (char *p = buf; *p && o < sizeof(out) - 2; p++) {
        if (*p == ' ' || *p == '\t') {
            space = o > 0 && out[o - 1] != ';';
            continue;
        }
        if (*p == '\n') {
            if (p[1])
                out[o++] = ';';
            space = false;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = false;
        out[o++] = *p;
    }
    out[o] = '\0';
    probe_kv(key, "%s", out);
}

static int cmd_ids(int argc, char **argv)
{
    char v[256];

    (void)argc, (void)argv;
    probe_kv("uid", "%d", getuid());
    probe_kv("gid", "%d", getgid());
    probe_kv("euid", "%d", geteuid());
    probe_kv("egid", "%d", getegid());
    report_map("uid_map", "/proc/self/uid_map");
    report_map("gid_map", "/proc/self/gid_map");
    probe_kv_link("userns", "/proc/self/ns/user");
    probe_status_field("/proc/self/status", "CapEff", v, sizeof(v));
    probe_kv("cap_eff", "%s", v);
    probe_status_field("/proc/self/status", "CapPrm", v, sizeof(v));
    probe_kv("cap_prm", "%s", v);
    probe_status_field("/proc/self/status", "CapBnd", v, sizeof(v));
    probe_kv("cap_bnd", "%s", v);
    return 0;
}

static int cmd_touch(int argc, char **argv)
{
    struct stat st;
    int fd;

    if (argc < 2)
        return fprintf(stderr, "usage: touch PATH\n"), 2;
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fprintf(stderr, "create %s: %s\n", argv[1], strerror(errno)), 3;
    fstat(fd, &st);
    close(fd);
    probe_kv("created", "yes");
    probe_kv("file_uid", "%u", st.st_uid);
    probe_kv("file_gid", "%u", st.st_gid);
    return 0;
}

static int cmd_stat(int argc, char **argv)
{
    struct stat st;

    if (argc < 2)
        return fprintf(stderr, "usage: stat PATH\n"), 2;
    if (stat(argv[1], &st) < 0) {
        probe_kv("stat", "%s", probe_errname(errno));
        return 0;
    }
    probe_kv("stat", "ok");
    probe_kv("file_uid", "%u", st.st_uid);
    probe_kv("file_gid", "%u", st.st_gid);
    probe_kv("dev", "%u:%u", major(st.st_dev), minor(st.st_dev));
    probe_kv("ino", "%lu", (unsigned long)st.st_ino);
    return 0;
}

/* Try to write a second uid_map: the kernel allows one write only. */
static int cmd_remap(int argc, char **argv)
{
    int fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
    const char *map = "0 0 1\n";

    (void)argc, (void)argv;
    report_map("uid_map", "/proc/self/uid_map");
    if (fd < 0) {
        probe_kv("uid_map_write", "%s", probe_errname(errno));
        return 0;
    }
    if (write(fd, map, strlen(map)) < 0)
        probe_kv("uid_map_write", "%s", probe_errname(errno));
    else
        probe_kv("uid_map_write", "ok");
    close(fd);
    return 0;
}

const struct probe_cmd probe_user_cmds[] = {
    { "ids", cmd_ids, "uid, gid, uid_map, gid_map, capability sets" },
    { "touch", cmd_touch, "PATH  create a file, report its owner" },
    { "stat", cmd_stat, "PATH  owner and identity of a file" },
    { "remap", cmd_remap, "try to write uid_map a second time" },
    { 0 },
};
