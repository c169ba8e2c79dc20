/* inroot.c - paths of a container image resolved inside its root. */
#define _GNU_SOURCE
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"
#include "util.h"

int ct_in_root(const char *root, const char *rel, bool joined, char *out, size_t size)
{
    autoclose int root_fd = -1;
    int fd;

    if (joined) {
        snprintf(out, size, "%s/%s", root, rel);
        return 0;
    }
    root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    fd = root_fd < 0 ? -1 : sys_openat2(root_fd, rel, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
    if (fd < 0)
        return -1;
    snprintf(out, size, "/proc/self/fd/%d", fd);
    return 0;
}

/* The joined path, made there when missing. */
static int make_joined(const char *root, const char *rel, bool file, char *out, size_t size)
{
    struct stat st;
    int fd;

    snprintf(out, size, "%s/%s", root, rel);
    if (lstat(out, &st) == 0 || errno != ENOENT)
        return 0;
    if (!file)
        return mkdir(out, 0755);
    fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int ct_in_root_made(const char *root, const char *rel, bool joined, bool file, char *out,
                    size_t size)
{
    autoclose int root_fd = -1, parent = -1;
    const char *base = strrchr(rel, '/');
    char dir[PATH_MAX];
    int fd;

    if (joined)
        return make_joined(root, rel, file, out, size);
    if (ct_in_root(root, rel, false, out, size) == 0)
        return 0;
    if (errno != ENOENT)
        return -1;
    snprintf(dir, sizeof(dir), "%.*s", base ? (int)(base - rel) : 1, base ? rel : ".");
    base = base ? base + 1 : rel;
    root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    parent = root_fd < 0
                 ? -1
                 : sys_openat2(root_fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_IN_ROOT);
    if (parent < 0)
        return -1;
    if (!file && mkdirat(parent, base, 0755) < 0)
        return -1;
    if (file) {
        fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
        close(fd);
    }
    return ct_in_root(root, rel, false, out, size);
}
