/* hardening.c - what the probe reports about the hardening around it:
 * the five capability sets, no_new_privs and the seccomp mode as
 * /proc/self/status gives them; every descriptor it holds and whether it
 * leads inside the container; what masked paths show and whether
 * read-only paths refuse writes; what one syscall returns; whether the
 * root is writable; where the runtime's binary is reachable. */
#define _GNU_SOURCE
#include "hardening.h"
#include "kv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procfs.h"
#include "util.h"

static void put(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(const char *key, const char *fmt, ...)
{
    va_list ap;

    printf("%s=", key);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void wait_for_lab(void)
{
    char c;

    put("ready", "1");
    fflush(stdout);
    while (read(0, &c, 1) == 1 && c != '\n')
        ;
}

/* "/proc/sys" -> "proc.sys": a path as a report key. */
static const char *path_key(const char *path, char *buf, size_t size)
{
    size_t o = 0;

    for (const char *p = path; *p && o < size - 1; p++)
        if (!(*p == '/' && (o == 0 || p[1] == '\0')))
            buf[o++] = (char)(*p == '/' ? '.' : *p);
    buf[o] = '\0';
    return buf;
}

/* cap_inh cap_prm cap_eff cap_bnd cap_amb no_new_privs seccomp, and uid
 * and gid ("real,effective,saved,fs"); with --wait, hold still after. */
int cmd_status(int argc, char **argv)
{
    static const struct {
        const char *field, *key;
    } fields[] = { { "CapInh", "cap_inh" },  { "CapPrm", "cap_prm" },
                   { "CapEff", "cap_eff" },  { "CapBnd", "cap_bnd" },
                   { "CapAmb", "cap_amb" },  { "NoNewPrivs", "no_new_privs" },
                   { "Seccomp", "seccomp" }, { "Uid", "uid" },
                   { "Gid", "gid" } };
    char v[256];

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (procfs_status_field("/proc/self/status", fields[i].field, v, sizeof(v)) == 0)
            put(fields[i].key, "%s", v);
    if (argc > 1 && strcmp(argv[1], "--wait") == 0)
        wait_for_lab();
    return 0;
}

/* Is the directory open as dirfd the root "/" of this process, by device
 * and inode? */
static bool is_root(const struct stat *st, const struct stat *root)
{
    return st->st_dev == root->st_dev && st->st_ino == root->st_ino;
}

/* cwd: where the process starts. cwd is getcwd's answer ("unreachable"
 * when the kernel says it is outside our root), cwd_walk whether a walk
 * up with ".." from it reaches our own root ("inside") or a top that is
 * not it ("outside", the host's root seen through a leaked directory). */
int cmd_cwd(int argc, char **argv)
{
    char buf[PATH_MAX];
    struct stat root, here, up;
    int steps = 0;

    (void)argc, (void)argv;
    if (!getcwd(buf, sizeof(buf)))
        put("cwd", errno == ENOENT ? "unreachable" : "error:%d", errno);
    else
        put("cwd", "%s", buf[0] == '/' ? buf : "unreachable");
    if (stat("/", &root) < 0 || stat(".", &here) < 0)
        return put("cwd_walk", "error:%d", errno), 0;
    while (!is_root(&here, &root) && steps < 256) {
        if (stat("..", &up) < 0 || chdir("..") < 0)
            return put("cwd_walk", "error:%d", errno), 0;
        steps++;
        if (up.st_dev == here.st_dev && up.st_ino == here.st_ino)
            break; /* a top that is not our root */
        here = up;
    }
    put("cwd_walk", "%s", is_root(&here, &root) ? "inside" : "outside");
    put("cwd_walk_steps", "%d", steps);
    return 0;
}

/* Device nodes below dir (depth 3, symlinks not followed), as
 * "c1:3,b8:0,...". */
static void list_devices(const char *dir, int depth, char *out, size_t size)
{
    struct dirent *e;
    DIR *d;

    if (depth > 3 || !(d = opendir(dir)))
        return;
    while ((e = readdir(d))) {
        char path[512];
        struct stat st;
        size_t o = strlen(out);

        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (lstat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            list_devices(path, depth + 1, out, size);
        else if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && o < size - 32)
            snprintf(out + o, size - o, "%s%c%u:%u", o ? "," : "", S_ISCHR(st.st_mode) ? 'c' : 'b',
                     major(st.st_rdev), minor(st.st_rdev));
    }
    closedir(d);
}

/* What mknod of a device of that type gives in /dev (else /tmp):
 * created (removed again) or refused:ERRNO. */
static void try_mknod(const char *key, mode_t type, dev_t dev)
{
    static const char *const dirs[] = { "/dev", "/tmp" };
    int e = 0;

    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char path[64];
        snprintf(path, sizeof(path), "%s/.isocheck-%s", dirs[i], key);
        if (mknod(path, type | 0600, dev) == 0) {
            unlink(path);
            put(key, "created");
            return;
        }
        e = errno;
        if (e != EROFS && e != ENOENT)
            break;
    }
    put(key, "refused:%d", e);
}

/* devices [PATH]: dev_nodes, every device node under /dev; mknod_char and
 * mknod_block, what making one gives; passed_open, what opening PATH (a
 * node the lab placed) for reading gives: opened, refused:ERRNO, absent. */
int cmd_devices(int argc, char **argv)
{
    char nodes[4096] = "";

    list_devices("/dev", 0, nodes, sizeof(nodes));
    put("dev_nodes", "%s", nodes);
    try_mknod("mknod_char", S_IFCHR, makedev(1, 7));
    try_mknod("mknod_block", S_IFBLK, makedev(7, 0));
    if (argc > 1) {
        int fd = open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd >= 0) {
            close(fd);
            put("passed_open", "opened");
        } else {
            put("passed_open", errno == ENOENT ? "absent" : "refused:%d", errno);
        }
    }
    return 0;
}

/* exec PATH ARGS...: become PATH (a setuid copy of the probe, say). */
int cmd_exec(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: exec PATH [ARGS...]\n"), 2;
    fflush(stdout);
    execv(argv[1], argv + 1);
    put("exec_error", "%d", errno);
    return 0;
}

/* Does the path a descriptor shows lead, from our root, to the very
 * object it holds? A descriptor to a directory outside the container
 * (CVE-2024-21626) shows a path that does not, or nothing at all. */
static const char *fd_where(const char *target, struct stat *st)
{
    struct stat there;

    if (target[0] != '/')
        return "anon"; /* pipe:[N], socket:[N], anon_inode:... */
    if (stat(target, &there) == 0 && there.st_dev == st->st_dev && there.st_ino == st->st_ino)
        return "inside";
    return "outside";
}

static void append(char *list, size_t size, int fd)
{
    size_t o = strlen(list);
    if (o < size - 16)
        snprintf(list + o, size - o, "%s%d", o ? "," : "", fd);
}

/* The number a /proc directory entry is named by (a pid, a descriptor),
 * -1 for any other entry ("." and ".."). */
static int entry_number(const struct dirent *e)
{
    long long v;

    return parse_ll(e->d_name, &v, NULL) == 0 && v >= 0 && v <= INT_MAX ? (int)v : -1;
}

static void report_fds(void)
{
    char all[512] = "", outside[512] = "", anon[512] = "";
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;

    if (!d) {
        put("fds", "error:%d", errno);
        return;
    }
    while ((e = readdir(d))) {
        char link[64], target[512], key[32];
        int fd = entry_number(e);
        struct stat st;
        const char *where;
        ssize_t n;

        if (fd <= 2 || fd == dirfd(d))
            continue;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        n = readlink(link, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = '\0';
        if (fstat(fd, &st) < 0)
            continue;
        where = fd_where(target, &st);
        append(all, sizeof(all), fd);
        if (strcmp(where, "outside") == 0)
            append(outside, sizeof(outside), fd);
        else if (strcmp(where, "anon") == 0)
            append(anon, sizeof(anon), fd);
        snprintf(key, sizeof(key), "fd.%d", fd);
        put(key, "%s", target);
        snprintf(key, sizeof(key), "fd.%d.dev", fd);
        put(key, "%u:%u", major(st.st_dev), minor(st.st_dev));
        snprintf(key, sizeof(key), "fd.%d.ino", fd);
        put(key, "%lu", (unsigned long)st.st_ino);
        snprintf(key, sizeof(key), "fd.%d.where", fd);
        put(key, "%s", where);
    }
    closedir(d);
    put("fds", "%s", all);
    put("fds_outside", "%s", outside);
    put("fds_anon", "%s", anon);
}

/* fds [--wait]: every descriptor beyond stdio; with --wait, hold still
 * so the lab can read /proc/PID/fd too. */
int cmd_fds(int argc, char **argv)
{
    report_fds();
    if (argc > 1 && strcmp(argv[1], "--wait") == 0)
        wait_for_lab();
    return 0;
}

/* What reading path gives: absent, empty, refused:ERRNO or data:BYTES
 * (entries, for a directory). */
static void report_masked(const char *path)
{
    char key[256], buf[4096];
    long total = 0;
    struct stat st;
    ssize_t n;
    int fd;

    snprintf(key, sizeof(key), "masked.");
    path_key(path, key + 7, sizeof(key) - 7);
    if (lstat(path, &st) < 0) {
        put(key, errno == ENOENT ? "absent" : "refused:%d", errno);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        if (!d) {
            put(key, "refused:%d", errno);
            return;
        }
        while ((e = readdir(d)))
            total += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        closedir(d);
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            put(key, "refused:%d", errno);
            return;
        }
        while (total < (1 << 20) && (n = read(fd, buf, sizeof(buf))) > 0)
            total += n;
        if (n < 0 && total == 0) {
            put(key, "refused:%d", errno);
            close(fd);
            return;
        }
        close(fd);
    }
    if (total)
        put(key, "data:%ld", total);
    else
        put(key, "empty");
}

int cmd_masked(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        report_masked(argv[i]);
    return 0;
}

/* A file below dir (or dir itself) whose mode lets root write it. */
static bool find_writable(const char *dir, int depth, char *out, size_t size)
{
    struct stat st;
    struct dirent *e;
    DIR *d;

    if (lstat(dir, &st) < 0)
        return false;
    if (S_ISREG(st.st_mode)) {
        snprintf(out, size, "%s", dir);
        return (st.st_mode & S_IWUSR) != 0;
    }
    if (!S_ISDIR(st.st_mode) || depth > 4 || !(d = opendir(dir)))
        return false;
    while ((e = readdir(d))) {
        char sub[512];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
        if (find_writable(sub, depth + 1, out, size)) {
            closedir(d);
            return true;
        }
    }
    closedir(d);
    return false;
}

/* What opening a writable file at or below path for writing gives:
 * absent, none (nothing there is writable), erofs, writable or
 * refused:ERRNO; readonly_file.KEY names the file tried. Nothing is
 * written. */
static void report_readonly(const char *path)
{
    char key[256], file_key[256], file[512];
    struct stat st;
    int fd;

    snprintf(key, sizeof(key), "readonly.");
    path_key(path, key + 9, sizeof(key) - 9);
    snprintf(file_key, sizeof(file_key), "readonly_file.%s", key + 9);
    if (lstat(path, &st) < 0) {
        put(key, errno == ENOENT ? "absent" : "refused:%d", errno);
        return;
    }
    if (!find_writable(path, 0, file, sizeof(file))) {
        put(key, "none");
        return;
    }
    put(file_key, "%s", file);
    fd = open(file, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
        close(fd);
        put(key, "writable");
    } else if (errno == EROFS) {
        put(key, "erofs");
    } else {
        put(key, "refused:%d", errno);
    }
}

int cmd_readonly(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        report_readonly(argv[i]);
    return 0;
}

/* syscall NAME: the status fields (the seccomp mode among them), then
 * the call with harmless arguments: syscall_rc and syscall_errno (a
 * number, 0 when it succeeded). */
int cmd_syscall(int argc, char **argv)
{
    static const struct {
        const char *name;
        long nr;
    } calls[] = { { "getpgid", SYS_getpgid },
                  { "getsid", SYS_getsid },
                  { "getpriority", SYS_getpriority } };

    if (argc < 2)
        return fprintf(stderr, "usage: syscall getpgid|getsid|getpriority\n"), 2;
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        long rc;
        if (strcmp(calls[i].name, argv[1]) != 0)
            continue;
        cmd_status(1, argv);
        errno = 0;
        rc = calls[i].nr == SYS_getpriority ? syscall(calls[i].nr, 0, 0) : syscall(calls[i].nr, 0);
        put("syscall", "%s", argv[1]);
        put("syscall_rc", "%ld", rc);
        put("syscall_errno", "%d", rc < 0 ? errno : 0);
        return 0;
    }
    return fprintf(stderr, "syscall: unknown \"%s\"\n", argv[1]), 2;
}

/* write-root: root_write is what creating a file in / gives: erofs,
 * created (removed again) or refused:ERRNO. */
int cmd_write_root(int argc, char **argv)
{
    char path[64];
    int fd;

    (void)argc, (void)argv;
    snprintf(path, sizeof(path), "/.isocheck-write-%d", (int)getpid());
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        unlink(path);
        put("root_write", "created");
    } else if (errno == EROFS) {
        put("root_write", "erofs");
    } else {
        put("root_write", "refused:%d", errno);
    }
    return 0;
}

struct file_id {
    unsigned maj, min;
    unsigned long ino;
};

/* "MAJ:MIN:INO", each a whole number. */
static int parse_file_id(const char *s, struct file_id *id)
{
    unsigned long long maj, min, ino;
    const char *p;

    if (parse_ull(s, &maj, &p) < 0 || *p != ':' || parse_ull(p + 1, &min, &p) < 0 || *p != ':' ||
        parse_ull(p + 1, &ino, NULL) < 0 || maj > UINT_MAX || min > UINT_MAX || ino > ULONG_MAX)
        return -1;
    *id = (struct file_id){ (unsigned)maj, (unsigned)min, (unsigned long)ino };
    return 0;
}

static bool same_file(const struct stat *st, const struct file_id *id)
{
    return major(st->st_dev) == id->maj && minor(st->st_dev) == id->min && st->st_ino == id->ino;
}

/* Can path be opened for writing? Nothing is written. */
static bool opens_for_writing(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* mountinfo's octal escapes (\040 for a space) undone in place. */
static void unescape(char *s)
{
    char *o = s;

    for (; *s; s++, o++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
            *o = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *o = *s;
        }
    }
    *o = '\0';
}

/* Every process visible here: runtime_procs lists those whose exe is the
 * file id, exe_writable those whose /proc/PID/exe opens for writing. */
static void scan_processes(const struct file_id *id)
{
    char procs[512] = "", writable[512] = "";
    DIR *d = opendir("/proc");
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char path[64];
        struct stat st;
        int pid = entry_number(e);

        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%d/exe", pid);
        if (stat(path, &st) == 0 && same_file(&st, id))
            append(procs, sizeof(procs), pid);
        if (opens_for_writing(path))
            append(writable, sizeof(writable), pid);
    }
    if (d)
        closedir(d);
    put("runtime_procs", "%s", procs);
    put("exe_writable", "%s", writable);
}

/* Descriptors of this process that hold the file. */
static void scan_fds(const struct file_id *id)
{
    char fds[512] = "";
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;

    while (d && (e = readdir(d))) {
        struct stat st;
        int fd = entry_number(e);

        if (fd >= 0 && fd != dirfd(d) && fstat(fd, &st) == 0 && same_file(&st, id))
            append(fds, sizeof(fds), fd);
    }
    if (d)
        closedir(d);
    put("runtime_fds", "%s", fds);
}

/* Mount points that are the file (a bind of it), and whether it opens
 * for writing there. */
static void scan_mounts(const struct file_id *id)
{
    char line[4096], found[1024] = "", writable[1024] = "";
    FILE *f = fopen("/proc/self/mountinfo", "re");

    while (f && fgets(line, sizeof(line), f)) {
        char point[4096];
        struct stat st;

        if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
            continue;
        unescape(point);
        if (stat(point, &st) < 0 || !same_file(&st, id))
            continue;
        snprintf(found + strlen(found), sizeof(found) - strlen(found), "%s%s", found[0] ? "," : "",
                 point);
        if (opens_for_writing(point))
            snprintf(writable + strlen(writable), sizeof(writable) - strlen(writable), "%s%s",
                     writable[0] ? "," : "", point);
    }
    if (f)
        fclose(f);
    put("runtime_mounts", "%s", found);
    put("runtime_writable", "%s", writable);
}

/* runtime-bin MAJ:MIN:INO [--wait]: where the runtime's binary (that file
 * id, as the lab sees it) is reachable from here: as a process's exe, a
 * descriptor, a mount point; and whether /proc/PID/exe of any process
 * here, /proc/self/exe among them, opens for writing (CVE-2019-5736). */
int cmd_runtime_bin(int argc, char **argv)
{
    struct file_id id;

    if (argc < 2 || parse_file_id(argv[1], &id) < 0)
        return fprintf(stderr, "usage: runtime-bin MAJ:MIN:INO [--wait]\n"), 2;
    put("self_exe_writable", "%d", opens_for_writing("/proc/self/exe"));
    scan_processes(&id);
    scan_fds(&id);
    scan_mounts(&id);
    if (argc > 2 && strcmp(argv[2], "--wait") == 0)
        wait_for_lab();
    return 0;
}

const struct probe_cmd probe_hardening_cmds[] = {
    { "status", cmd_status, "[--wait]  capability sets, no_new_privs, seccomp mode, uid, gid" },
    { "cwd", cmd_cwd, "the working directory, and whether a walk up with .. stays inside" },
    { "exec", cmd_exec, "PATH [ARGS...]  exec PATH (a setuid copy of the probe)" },
    { "devices", cmd_devices, "[PATH]  device nodes in /dev, mknod, opening PATH" },
    { "fds", cmd_fds, "[--wait]  every descriptor beyond stdio: target, device, inode, inside?" },
    { "masked", cmd_masked, "PATH...  what reading each path gives" },
    { "readonly", cmd_readonly,
      "PATH...  whether a writable file at or below each opens for writing" },
    { "syscall", cmd_syscall, "NAME  call getpgid, getsid or getpriority; rc and errno" },
    { "write-root", cmd_write_root, "create a file in /; erofs, created or refused" },
    { "runtime-bin", cmd_runtime_bin,
      "MAJ:MIN:INO [--wait]  where that file is reachable, writable" },
    { 0 },
};
