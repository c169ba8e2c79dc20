/* hostile.c - what a container built from a hostile image sees at the
 * paths its runtime prepared: the type, filesystem and identity of each,
 * its first line, and whether it opens for writing. The lab compares the
 * identities with its canaries: a canary reached from inside was mounted
 * or bound from a symlink's target. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kv.h"

static const char *type_name(mode_t mode)
{
    return S_ISDIR(mode)    ? "dir"
           : S_ISREG(mode)  ? "file"
           : S_ISLNK(mode)  ? "symlink"
           : S_ISCHR(mode)  ? "char"
           : S_ISBLK(mode)  ? "block"
           : S_ISFIFO(mode) ? "fifo"
                            : "other";
}

/* The first line of a regular file, without its newline. */
static void report_text(const char *key, const char *path)
{
    char text[128];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n < 0) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    text[n] = '\0';
    text[strcspn(text, "\n")] = '\0';
    probe_kv(key, "%s", text);
}

/* look.N.{lstat,type,fs,id,rdev,text,writable} for the Nth path: id is
 * MAJOR:MINOR:INODE of what the path leads to (the lab's stat gives the
 * same for the same file), fs the statfs magic in hex. */
static void report_look(int n, const char *path)
{
    char key[64];
    struct stat st;
    struct statfs sf;
    int fd;

    snprintf(key, sizeof(key), "look.%d.path", n);
    probe_kv(key, "%s", path);
    snprintf(key, sizeof(key), "look.%d.lstat", n);
    if (lstat(path, &st) < 0) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    probe_kv(key, "%s", type_name(st.st_mode));
    snprintf(key, sizeof(key), "look.%d.type", n);
    if (stat(path, &st) < 0) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    probe_kv(key, "%s", type_name(st.st_mode));
    snprintf(key, sizeof(key), "look.%d.id", n);
    probe_kv(key, "%u:%u:%llu", major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino);
    snprintf(key, sizeof(key), "look.%d.fs", n);
    if (statfs(path, &sf) < 0)
        probe_kv(key, "error:%s", probe_errname(errno));
    else
        probe_kv(key, "0x%llx", (unsigned long long)sf.f_type);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
        snprintf(key, sizeof(key), "look.%d.rdev", n);
        probe_kv(key, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
    }
    if (!S_ISREG(st.st_mode))
        return;
    snprintf(key, sizeof(key), "look.%d.text", n);
    report_text(key, path);
    snprintf(key, sizeof(key), "look.%d.writable", n);
    fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    probe_kv(key, "%s", fd >= 0 ? "yes" : probe_errname(errno));
    if (fd >= 0)
        close(fd);
}

static int probe_cmd_look(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        report_look(i - 1, argv[i]);
    return 0;
}

/* look, then stay until the lab has looked at the container from outside */
static int probe_cmd_look_hold(int argc, char **argv)
{
    probe_cmd_look(argc, argv);
    probe_wait_for_lab();
    return 0;
}

const struct probe_cmd probe_hostile_cmds[] = {
    { "look", probe_cmd_look, "PATH...  type, filesystem, identity, first line, writable" },
    { "look-hold", probe_cmd_look_hold, "PATH...  look, then report ready and wait for a line" },
    { 0 },
};
