/* hostile.c - hostile images and the host directory they point into.
 *
 * The image is an overlay of the fixture (the lab's rootfs binding) with
 * an upper layer holding the probe and the symlinks: an upper symlink
 * hides the fixture's directory of the same name. The host directory is
 * a plain directory in the case's own directory, with canaries a runtime
 * that follows the symlinks would create next to, remove or mount over. */
#define _GNU_SOURCE
#include "hostile.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "mountinfo.h"

/* /dev entries a runtime creates, binds from or mounts on, each a symlink
 * to a host file of this name (core_pattern stands for a procfs file a
 * masked path must never be bound from: CVE-2025-31133). */
static const struct {
    const char *dev, *host;
    bool dir;
} dev_links[] = {
    { "null", "core_pattern", false },
    { "ptmx", "ptmx", false },
    { "console", "console", false },
    { "pts", "pts", true },
};

static int make_dir(const char *path, struct iso_err *err)
{
    if (mkdir(path, 0755) < 0)
        return iso_err_set(err, errno, "mkdir \"%s\"", path);
    return 0;
}

static int make_canary(const char *dir, const char *name, struct iso_err *err)
{
    char path[PATH_MAX], text[128];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(text, sizeof(text), "isocheck canary %s\n", name);
    autoclose int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        return iso_err_set(err, errno, "create \"%s\"", path);
    return 0;
}

static int make_link(const char *target, const char *dir, const char *name, struct iso_err *err)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (symlink(target, path) < 0)
        return iso_err_set(err, errno, "symlink \"%s\" -> \"%s\"", path, target);
    return 0;
}

/* "../" once per component of root and twice more: from a top-level
 * entry it climbs to "/" however the root is resolved. */
static void climb(const char *root, char *out, size_t size)
{
    size_t off = 0;
    int depth = 2;

    for (const char *p = root; *p; p++)
        depth += *p == '/';
    out[0] = '\0';
    for (int i = 0; i < depth && off + 4 < size; i++)
        off += (size_t)snprintf(out + off, size - off, "../");
}

/* host/TOP holding a canary; host/dev also holds a file named ptmx
 * (CVE-2026-41579 replaces it with a symlink). */
static int make_top(const struct hostile_root *h, const char *upper, const char *top, bool relative,
                    struct iso_err *err)
{
    char dir[PATH_MAX], target[PATH_MAX + 256], up[256];

    climb(h->root, up, sizeof(up));
    snprintf(dir, sizeof(dir), "%s/%s", h->host, top);
    if (make_dir(dir, err) < 0 || make_canary(dir, "canary", err) < 0)
        return -1;
    if (strcmp(top, "dev") == 0 && make_canary(dir, "ptmx", err) < 0)
        return -1;
    snprintf(target, sizeof(target), "%s%s", relative ? up : "", relative ? dir + 1 : dir);
    return make_link(target, upper, top, err);
}

static int make_dev_nodes(const struct hostile_root *h, const char *upper, struct iso_err *err)
{
    char dev[PATH_MAX], target[PATH_MAX];

    snprintf(dev, sizeof(dev), "%s/dev", upper);
    if (make_dir(dev, err) < 0)
        return -1;
    for (size_t i = 0; i < ARRAY_LEN(dev_links); i++) {
        snprintf(target, sizeof(target), "%s/%s", h->host, dev_links[i].host);
        if (dev_links[i].dir ? make_dir(target, err) < 0 || make_canary(target, "0", err) < 0
                             : make_canary(h->host, dev_links[i].host, err) < 0)
            return -1;
        if (make_link(target, dev, dev_links[i].dev, err) < 0)
            return -1;
    }
    return 0;
}

/* /proc as a directory of regular files where procfs has its own. */
static int make_fake_proc(const char *upper, struct iso_err *err)
{
    static const char *const dirs[] = { "proc", "proc/self", "proc/self/attr", "proc/sys",
                                        "proc/sys/kernel" };
    static const char *const files[] = { "proc/self/attr/current", "proc/self/status",
                                         "proc/sys/kernel/core_pattern", "proc/mounts" };
    char path[PATH_MAX];

    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        snprintf(path, sizeof(path), "%s/%s", upper, dirs[i]);
        if (make_dir(path, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char text[128];
        snprintf(path, sizeof(path), "%s/%s", upper, files[i]);
        snprintf(text, sizeof(text), HOSTILE_FAKE_PROC_TEXT " %s\n", files[i]);
        autoclose int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
            return iso_err_set(err, errno, "create \"%s\"", path);
    }
    return 0;
}

/* The lab's side of the binds a spec asks for: a directory with a marker
 * and a file, both saying HOSTILE_SRC_TEXT. */
static int make_sources(const char *base, struct hostile_root *h, struct iso_err *err)
{
    static const char text[] = HOSTILE_SRC_TEXT "\n";

    snprintf(h->src_dir, sizeof(h->src_dir), "%s/src", base);
    snprintf(h->src_file, sizeof(h->src_file), "%s/src-file", base);
    if (make_dir(h->src_dir, err) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof(path), "%s%s", i ? h->src_file : h->src_dir, i ? "" : "/marker");
        autoclose int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
            return iso_err_set(err, errno, "create \"%s\"", path);
    }
    return 0;
}

int hostile_make(const char *dir, enum hostile_kind kind, const char *top, struct hostile_root *h,
                 struct iso_err *err)
{
    static const char *const kinds[] = { "absolute", "relative", "dev-nodes", "fake-proc" };
    char base[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], probe[PATH_MAX];
    char opts[PATH_MAX * 3 + 64];
    int rc;

    snprintf(base, sizeof(base), "%s/%s%s%s", dir, kinds[kind], top ? "-" : "", top ? top : "");
    snprintf(h->host, sizeof(h->host), "%s/host", base);
    snprintf(h->root, sizeof(h->root), "%s/root", base);
    snprintf(upper, sizeof(upper), "%s/upper", base);
    snprintf(work, sizeof(work), "%s/work", base);
    if (make_dir(base, err) < 0 || make_dir(h->host, err) < 0 || make_dir(h->root, err) < 0 ||
        make_dir(upper, err) < 0 || make_dir(work, err) < 0)
        return iso_err_wrap(err, "hostile image");
    snprintf(probe, sizeof(probe), "%s%s", upper, ISO_PROBE);
    if (lab_probe_copy(dir, err) < 0)
        return iso_err_wrap(err, "hostile image");
    if (link(LAB_DIR "/isoprobe", probe) < 0)
        return iso_err_set(err, errno, "hostile image: link the probe to \"%s\"", probe);
    if (make_sources(base, h, err) < 0)
        return iso_err_wrap(err, "hostile image");
    rc = kind == HOSTILE_DEV_NODES   ? make_dev_nodes(h, upper, err)
         : kind == HOSTILE_FAKE_PROC ? make_fake_proc(upper, err)
                                     : make_top(h, upper, top, kind == HOSTILE_TOP_RELATIVE, err);
    if (rc < 0)
        return iso_err_wrap(err, "hostile image");
    snprintf(opts, sizeof(opts), "lowerdir=%s/rootfs,upperdir=%s,workdir=%s", LAB_DIR, upper, work);
    if (mount("isocheck-hostile", h->root, "overlay", 0, opts) < 0)
        return iso_err_set(err, errno, "hostile image: mount overlay on \"%s\"", h->root);
    return 0;
}

/* FNV-1a of a small file's bytes: a rewrite in place keeps the inode. */
static unsigned long long hash_file(int dirfd, const char *name)
{
    unsigned long long h = 1469598103934665603ull;
    autoclose int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    unsigned char buf[4096];
    ssize_t n;

    if (fd < 0)
        return 0;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211ull;
    return h;
}

static void describe(int dirfd, const char *name, const struct stat *st, char *out, size_t size)
{
    char target[128] = "";
    ssize_t n;

    if (S_ISLNK(st->st_mode)) {
        n = readlinkat(dirfd, name, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = '\0';
        snprintf(out, size, "symlink ino %lu -> %s", (unsigned long)st->st_ino, target);
    } else if (S_ISREG(st->st_mode)) {
        snprintf(out, size, "file ino %lu mode %o size %lld hash %016llx",
                 (unsigned long)st->st_ino, st->st_mode & 07777, (long long)st->st_size,
                 hash_file(dirfd, name));
    } else {
        snprintf(out, size, "%s ino %lu mode %o dev %lu", S_ISDIR(st->st_mode) ? "dir" : "node",
                 (unsigned long)st->st_ino, st->st_mode & 07777, (unsigned long)st->st_rdev);
    }
}

static int walk(int dirfd, const char *rel, struct hostile_snap *s, struct iso_err *err)
{
    DIR *d = fdopendir(dirfd);
    struct dirent *e;

    if (!d) {
        close(dirfd);
        return iso_err_set(err, errno, "open directory \"%s\"", rel[0] ? rel : ".");
    }
    while ((e = readdir(d))) {
        struct stat st;
        char path[256];

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            closedir(d);
            return iso_err_set(err, errno, "stat \"%s\"", path);
        }
        if (s->n == HOSTILE_MAX_ENTRIES) {
            s->overflow++;
        } else {
            strlcpy0(s->e[s->n].path, path, sizeof(s->e[s->n].path));
            describe(dirfd, e->d_name, &st, s->e[s->n].what, sizeof(s->e[s->n].what));
            s->n++;
        }
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || walk(sub, path, s, err) < 0) {
                if (sub < 0)
                    iso_err_set(err, errno, "open directory \"%s\"", path);
                closedir(d);
                return -1;
            }
        }
    }
    closedir(d);
    return 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct hostile_entry *)a)->path, ((const struct hostile_entry *)b)->path);
}

int hostile_snapshot(const char *dir, struct hostile_snap *s, struct iso_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    s->n = s->overflow = 0;
    if (fd < 0)
        return iso_err_set(err, errno, "open \"%s\"", dir);
    if (fstat(fd, &st) < 0) {
        close(fd);
        return iso_err_set(err, errno, "stat \"%s\"", dir);
    }
    /* the directory itself: "." */
    strlcpy0(s->e[0].path, ".", sizeof(s->e[0].path));
    describe(fd, ".", &st, s->e[0].what, sizeof(s->e[0].what));
    s->n = 1;
    if (walk(fd, "", s, err) < 0)
        return iso_err_wrap(err, "snapshot \"%s\"", dir);
    qsort(s->e, (size_t)s->n, sizeof(s->e[0]), by_path);
    return 0;
}

static void add_line(char *out, size_t size, size_t *off, const char *fmt, ...) ISO_PRINTF(4, 5);

static void add_line(char *out, size_t size, size_t *off, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*off >= size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(out + *off, size - *off, fmt, ap);
    va_end(ap);
    if (n > 0)
        *off = *off + (size_t)n < size ? *off + (size_t)n : size;
}

int hostile_diff(const struct hostile_snap *before, const struct hostile_snap *after, char *out,
                 size_t size)
{
    size_t off = 0;
    int i = 0, j = 0, changes = 0;

    if (size)
        out[0] = '\0';
    while (i < before->n || j < after->n) {
        int c = i == before->n  ? 1
                : j == after->n ? -1
                                : strcmp(before->e[i].path, after->e[j].path);
        if (c < 0) {
            add_line(out, size, &off, "removed %s\n", before->e[i++].path);
        } else if (c > 0) {
            add_line(out, size, &off, "created %s\n", after->e[j++].path);
        } else {
            if (strcmp(before->e[i].what, after->e[j].what) != 0)
                add_line(out, size, &off, "changed %s (was %s, now %s)\n", before->e[i].path,
                         before->e[i].what, after->e[j].what);
            else
                changes--;
            i++, j++;
        }
        changes++;
    }
    if (after->overflow > before->overflow) {
        add_line(out, size, &off, "created %d entries more\n", after->overflow - before->overflow);
        changes++;
    }
    return changes;
}

int hostile_mountinfo_under(const char *text, const char *dir, const char *where, char *out,
                            size_t size)
{
    size_t len = strlen(dir), off = size ? strnlen(out, size) : 0;
    char line[4096];
    int n = 0;

    while (*text) {
        size_t l = strcspn(text, "\n");
        struct mountinfo_entry e;

        snprintf(line, sizeof(line), "%.*s", (int)l, text);
        text += l + (text[l] == '\n');
        if (mountinfo_parse_line(line, &e) < 0)
            continue;
        if (strncmp(e.mount_point, dir, len) != 0 ||
            (e.mount_point[len] != '\0' && e.mount_point[len] != '/'))
            continue;
        add_line(out, size, &off, "%s%s (%s)%s%s", off ? "," : "", e.mount_point, e.fstype,
                 where ? " " : "", where ? where : "");
        n++;
    }
    return n;
}

/* The mount namespace a process is in, as its inode; 0 when gone. */
static unsigned long ns_inode(const char *pid)
{
    char path[64], link[64];
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pid);
    n = readlink(path, link, sizeof(link) - 1);
    if (n <= 0)
        return 0;
    link[n] = '\0';
    return strtoul(link + strcspn(link, "0123456789"), NULL, 10);
}

#define HOSTILE_MAX_NS 512

int hostile_mounts_under(const char *dir, char *out, size_t size, struct iso_err *err)
{
    static char text[1 << 20];
    unsigned long seen[HOSTILE_MAX_NS], self = ns_inode("self");
    int n_seen = 0;
    struct dirent *d;
    DIR *proc;

    if (size)
        out[0] = '\0';
    if (read_file("/proc/self/mountinfo", text, sizeof(text)) < 0)
        return iso_err_set(err, errno, "read \"/proc/self/mountinfo\"");
    hostile_mountinfo_under(text, dir, NULL, out, size);
    seen[n_seen++] = self;
    /* every other mount namespace a process the lab can see is in (a
     * container's while it runs), through that process's view */
    proc = opendir("/proc");
    if (!proc)
        return iso_err_set(err, errno, "open \"/proc\"");
    while ((d = readdir(proc))) {
        unsigned long ino;
        char path[64], where[96];
        bool dup = false;

        if (d->d_name[0] < '1' || d->d_name[0] > '9' || !(ino = ns_inode(d->d_name)))
            continue;
        for (int i = 0; i < n_seen && !dup; i++)
            dup = seen[i] == ino;
        if (dup || n_seen == HOSTILE_MAX_NS)
            continue;
        snprintf(path, sizeof(path), "/proc/%s/mountinfo", d->d_name);
        if (read_file(path, text, sizeof(text)) < 0)
            continue; /* the process ended meanwhile */
        seen[n_seen++] = ino;
        snprintf(where, sizeof(where), "in mnt:[%lu] of pid %s", ino, d->d_name);
        hostile_mountinfo_under(text, dir, where, out, size);
    }
    closedir(proc);
    return 0;
}
