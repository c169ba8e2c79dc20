/* ns_fs.c - filesystems that show a namespace's contents (mqueue), mount
 * propagation between the container and the lab, and binds. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kv.h"
#include "mountinfo.h"
#include "ns.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir, sorted, ','-separated (without . and ..). */
static void report_entries(const char *key, const char *dir)
{
    char *names[64], list[2048] = "";
    size_t n = 0, off = 0;
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    while ((e = readdir(d)) && n < sizeof(names) / sizeof(names[0]))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(names[0]), by_name);
    for (size_t i = 0; i < n; i++) {
        if (names[i] && off < sizeof(list) - 300)
            off +=
                (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? "," : "", names[i]);
        free(names[i]);
    }
    probe_kv(key, "%s", list);
}

/* mqueue-ls DIR NAME: create the POSIX queue NAME, mount the mqueue
 * filesystem on DIR and list it: the queues of our IPC namespace. */
int probe_cmd_mqueue_ls(int argc, char **argv)
{
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };
    mqd_t q;

    if (argc < 3)
        return fprintf(stderr, "usage: mqueue-ls DIR NAME\n"), 2;
    q = mq_open(argv[2], O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    if (q == (mqd_t)-1)
        return fprintf(stderr, "mq_open %s: %s\n", argv[2], strerror(errno)), 3;
    if (mkdir(argv[1], 0755) < 0 && errno != EEXIST)
        return fprintf(stderr, "mkdir %s: %s\n", argv[1], strerror(errno)), 3;
    if (mount("mqueue", argv[1], "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return fprintf(stderr, "mount mqueue on %s: %s\n", argv[1], strerror(errno)), 3;
    report_entries("mq_entries", argv[1]);
    mq_close(q);
    return 0;
}

/* The optional fields of a mountinfo line (the 7th field up to " - "):
 * "shared:N", "master:N", "unbindable", or none at all: "private". */
static void optional_fields(char *line, char *out, size_t size)
{
    char *dash = strstr(line, " - "), *p = line;
    int field = 0;

    if (dash)
        *dash = '\0';
    while (*p && field < 6)
        if (*p++ == ' ')
            field++;
    snprintf(out, size, "%s", *p ? p : "private");
}

/* Whether the mount at point holds path: the length of point (plus one,
 * so that "/" counts), or 0 when path is not at or below it. */
static int holds(const char *point, const char *path)
{
    size_t n = strlen(point);

    if (strcmp(point, "/") == 0)
        return 1;
    if (strncmp(point, path, n) != 0 || (path[n] != '\0' && path[n] != '/'))
        return 0;
    return (int)n + 1;
}

/* The mount points below prefix in our mount table, ','-separated, and
 * the propagation of the mount that holds path exact, the innermost and
 * topmost one ("shared:N", "master:N", "unbindable", "private"). */
static void report_points(const char *key, const char *prefix, const char *exact)
{
    char line[4096], points[4096] = "", prop[128] = "absent";
    size_t off = 0, plen = strlen(prefix);
    int best = 0;
    FILE *f = fopen("/proc/self/mountinfo", "re");

    while (f && fgets(line, sizeof(line), f)) {
        struct mountinfo_entry e;

        line[strcspn(line, "\n")] = '\0';
        if (mountinfo_parse_line(line, &e) < 0)
            continue;
        if (exact && holds(e.mount_point, exact) >= best) {
            best = holds(e.mount_point, exact);
            optional_fields(line, prop, sizeof(prop));
        }
        if (strncmp(e.mount_point, prefix, plen) == 0 && strcmp(e.mount_point, prefix) != 0 &&
            off < sizeof(points) - 300)
            off += (size_t)snprintf(points + off, sizeof(points) - off, "%s%s", off ? "," : "",
                                    e.mount_point);
    }
    if (f)
        fclose(f);
    probe_kv(key, "%s", points);
    if (exact)
        probe_kv("propagation", "%s", prop);
}

/* propagate DIR NAME: mount a tmpfs on DIR/NAME, report the propagation of
 * DIR and the mounts below it, wait for the lab (which mounts something of
 * its own below DIR), then report the mounts below DIR again. */
int probe_cmd_propagate(int argc, char **argv)
{
    char path[4096];

    if (argc < 3)
        return fprintf(stderr, "usage: propagate DIR NAME\n"), 2;
    snprintf(path, sizeof(path), "%s/%s", argv[1], argv[2]);
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return fprintf(stderr, "mkdir %s: %s\n", path, strerror(errno)), 3;
    if (mount("isoprobe", path, "tmpfs", 0, "size=64k") < 0)
        return fprintf(stderr, "mount tmpfs %s: %s\n", path, strerror(errno)), 3;
    report_points("before", argv[1], argv[1]);
    probe_wait_for_lab();
    report_points("after", argv[1], NULL);
    return 0;
}

/* bind SRC DST: the propagation of SRC's mount, then a bind of a fresh
 * tmpfs (a mount of our own) onto DST and a bind of SRC onto DST: ok or
 * the errno's name for each. */
int probe_cmd_bind(int argc, char **argv)
{
    char fresh[4096];

    if (argc < 3)
        return fprintf(stderr, "usage: bind SRC DST\n"), 2;
    report_points("below", argv[1], argv[1]);
    snprintf(fresh, sizeof(fresh), "%s.fresh", argv[2]);
    if ((mkdir(argv[2], 0755) < 0 && errno != EEXIST) ||
        (mkdir(fresh, 0755) < 0 && errno != EEXIST))
        return fprintf(stderr, "mkdir %s: %s\n", argv[2], strerror(errno)), 3;
    if (mount("isoprobe", fresh, "tmpfs", 0, "size=64k") < 0)
        return fprintf(stderr, "mount tmpfs %s: %s\n", fresh, strerror(errno)), 3;
    probe_kv("bind_fresh", "%s",
             probe_errname(mount(fresh, argv[2], NULL, MS_BIND, NULL) < 0 ? errno : 0));
    umount2(argv[2], MNT_DETACH);
    probe_kv("bind_src", "%s",
             probe_errname(mount(argv[1], argv[2], NULL, MS_BIND, NULL) < 0 ? errno : 0));
    return 0;
}

const struct probe_cmd probe_ns_fs_cmds[] = {
    { "mqueue-ls", probe_cmd_mqueue_ls,
      "DIR NAME  create queue NAME, mount mqueue on DIR, list it" },
    { "propagate", probe_cmd_propagate, "DIR NAME  mount on DIR/NAME; waits; mounts below DIR" },
    { "bind", probe_cmd_bind, "SRC DST  propagation of SRC; bind a fresh tmpfs, then SRC, on DST" },
    { 0 },
};
