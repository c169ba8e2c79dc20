/* ns_user.c - the rules of user namespaces: setgroups once denied, id maps
 * that may name only ids the writer holds, capabilities that stop at the
 * namespaces their user namespace does not own, files refused to a
 * process whose gid has no mapping. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv.h"
#include "ns.h"
#include "procfs.h"
#include "util.h"

static void report_text(const char *key, const char *path)
{
    char text[1024];
    size_t o = 0;

    if (read_file(path, text, sizeof(text)) < 0) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    /* blanks collapsed, lines joined by ';' */
    char out[1024];
    bool blank = false;
    for (char *p = text; *p && o < sizeof(out) - 2; p++) {
        if (*p == ' ' || *p == '\t') {
            blank = o > 0 && out[o - 1] != ';';
            continue;
        }
        if (*p == '\n') {
            if (p[1])
                out[o++] = ';';
            blank = false;
            continue;
        }
        if (blank)
            out[o++] = ' ';
        blank = false;
        out[o++] = *p;
    }
    out[o] = '\0';
    probe_kv(key, "%s", out);
}

/* setgroups: what /proc/self/setgroups says, and setgroups(2) with an
 * empty list. */
int probe_cmd_setgroups(int argc, char **argv)
{
    (void)argc, (void)argv;
    report_text("setgroups_file", "/proc/self/setgroups");
    probe_kv("setgroups_call", "%s", probe_errname(setgroups(0, NULL) < 0 ? errno : 0));
    return 0;
}

static const char *map_write(const char *pid, const char *text)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%s/uid_map", pid);
    return probe_errname(write_file(path, text) < 0 ? errno : 0);
}

/* nested-map COUNT: a child makes a user namespace; we write its uid_map
 * with a line naming id COUNT (outside ours when we map COUNT ids), with
 * six lines the last of which names it (more lines than the kernel keeps
 * inline: CVE-2018-18955's path), then six lines inside our range. The
 * child stays until the lab has read its map (inner_pid: its pid here). */
int probe_cmd_nested_map(int argc, char **argv)
{
    char one[64], six_bad[256], six_good[256] = "", pid[32] = "";
    int ready[2], hold[2];
    long long count;
    pid_t child;
    ssize_t n;
    char c;

    if (argc < 2 || parse_ll(argv[1], &count, NULL) < 0 || count < 8)
        return fprintf(stderr, "usage: nested-map COUNT\n"), 2;
    if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0)
        return 3;
    fflush(stdout);
    child = fork();
    if (child == 0) {
        close(ready[0]), close(hold[1]);
        if (unshare(CLONE_NEWUSER) < 0)
            _exit(3);
        /* its pid as the /proc we see numbers it (the lab's, if that is
         * the /proc we were given) */
        n = readlink("/proc/self", pid, sizeof(pid) - 1);
        (void)!write(ready[1], pid, n > 0 ? (size_t)n : 0);
        close(ready[1]);
        while (read(hold[0], &c, 1) > 0)
            ;
        _exit(0);
    }
    close(ready[1]), close(hold[0]);
    if (child < 0 || (n = read(ready[0], pid, sizeof(pid) - 1)) <= 0)
        return fprintf(stderr, "nested-map: no child user namespace\n"), 3;
    pid[n] = '\0';
    snprintf(one, sizeof(one), "0 %lld 1\n", count);
    for (int i = 0; i < 6; i++) {
        size_t used = strlen(six_good);
        snprintf(six_good + used, sizeof(six_good) - used, "%d %d 1\n", i, i);
    }
    snprintf(six_bad, sizeof(six_bad), "0 0 1\n1 1 1\n2 2 1\n3 3 1\n4 4 1\n5 %lld 1\n", count);
    probe_kv("inner_pid", "%s", pid);
    probe_kv("write_one_outside", "%s", map_write(pid, one));
    probe_kv("write_six_outside", "%s", map_write(pid, six_bad));
    probe_kv("write_six_inside", "%s", map_write(pid, six_good));
    probe_wait_for_lab();
    close(hold[1]);
    waitpid(child, NULL, 0);
    return 0;
}

/* reach-lab PATH: join the user namespace open on fd 3 (we stay in the
 * lab's other namespaces), then try the lab's hostname and a mount on
 * PATH in the lab's mount namespace. */
int probe_cmd_reach_lab(int argc, char **argv)
{
    char cap[64] = "?";

    if (argc < 2)
        return fprintf(stderr, "usage: reach-lab PATH\n"), 2;
    probe_kv("join_userns", "%s", probe_errname(setns(3, CLONE_NEWUSER) < 0 ? errno : 0));
    probe_kv_link("userns", "/proc/self/ns/user");
    procfs_status_field("/proc/self/status", "CapEff", cap, sizeof(cap));
    probe_kv("cap_eff", "%s", cap);
    probe_kv("sethostname", "%s", probe_errname(sethostname("isocheck-reach", 14) < 0 ? errno : 0));
    probe_kv("mount", "%s",
             probe_errname(mount("isoprobe", argv[1], "tmpfs", 0, "size=64k") < 0 ? errno : 0));
    return 0;
}

static const char *create(const char *dir, const char *name)
{
    char path[4096];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return probe_errname(errno);
    close(fd);
    return "ok";
}

/* unmapped-create DIR: join the user namespace on fd 3 and the mount
 * namespace on fd 4, become uid 0 there but keep our gid, which that user
 * namespace does not map; create a file in DIR; then become gid 0 too and
 * create another. */
int probe_cmd_unmapped_create(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: unmapped-create DIR\n"), 2;
    probe_kv("join_userns", "%s", probe_errname(setns(3, CLONE_NEWUSER) < 0 ? errno : 0));
    probe_kv("join_mntns", "%s", probe_errname(setns(4, CLONE_NEWNS) < 0 ? errno : 0));
    probe_kv("setuid", "%s", probe_errname(setresuid(0, 0, 0) < 0 ? errno : 0));
    probe_kv("uid", "%d", getuid());
    probe_kv("gid", "%d", getgid());
    probe_kv("create_unmapped_gid", "%s", create(argv[1], "unmapped-gid"));
    probe_kv("setgid", "%s", probe_errname(setresgid(0, 0, 0) < 0 ? errno : 0));
    probe_kv("gid_after", "%d", getgid());
    probe_kv("create_mapped_gid", "%s", create(argv[1], "mapped-gid"));
    return 0;
}

const struct probe_cmd probe_ns_user_cmds[] = {
    { "setgroups", probe_cmd_setgroups, "/proc/self/setgroups and setgroups(0, NULL)" },
    { "nested-map", probe_cmd_nested_map,
      "COUNT  uid_map writes for a nested user namespace; waits" },
    { "reach-lab", probe_cmd_reach_lab,
      "PATH  join the userns on fd 3; sethostname, mount on PATH" },
    { "unmapped-create", probe_cmd_unmapped_create,
      "DIR  join userns fd 3, mntns fd 4; create in DIR with an unmapped gid, then mapped" },
    { 0 },
};
