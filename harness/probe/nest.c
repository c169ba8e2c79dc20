/* nest.c - namespaces inside the container's: a PID namespace one level
 * down, and how deep user and PID namespaces may nest from here. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv.h"
#include "procfs.h"

/* nest-pid: a PID namespace inside ours; its init (inner_pid, as we
 * number it) has one sleeping child. Reports the inner init's NSpid as we
 * see it, then waits for the lab. */
static int probe_cmd_nest_pid(int argc, char **argv)
{
    char path[64], nspid[128] = "?", ok;
    int sync[2];
    pid_t inner;

    (void)argc, (void)argv;
    if (pipe(sync) < 0 || unshare(CLONE_NEWPID) < 0)
        return fprintf(stderr, "nest-pid: %s\n", strerror(errno)), 3;
    fflush(stdout);
    inner = fork();
    if (inner == 0) {
        /* only the probe holds the lab's pipes: the lab reads to their end */
        int null = open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; fd++)
            null >= 0 ? dup2(null, fd) : close(fd);
        if (fork() == 0) { /* the inner namespace's pid 2 */
            close(sync[1]);
            pause();
            _exit(0);
        }
        (void)!write(sync[1], "1", 1);
        pause();
        _exit(0);
    }
    close(sync[1]);
    if (inner < 0 || read(sync[0], &ok, 1) != 1)
        return fprintf(stderr, "nest-pid: the inner init did not start\n"), 3;
    snprintf(path, sizeof(path), "/proc/%d/status", inner);
    procfs_status_field(path, "NSpid", nspid, sizeof(nspid));
    probe_kv("inner_pid", "%d", inner);
    probe_kv("inner_nspid", "%s", nspid);
    probe_wait_for_lab();
    kill(inner, SIGKILL);
    return 0;
}

/* One write, as /proc's map files want. */
static int write_proc(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? write(fd, text, strlen(text)) : -1;

    if (fd >= 0)
        close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* One more user namespace, with this process as its root: the next one
 * needs the creator's ids mapped. */
static int nest_user(void)
{
    if (unshare(CLONE_NEWUSER) < 0)
        return -1;
    if (write_proc("/proc/self/setgroups", "deny") < 0 ||
        write_proc("/proc/self/uid_map", "0 0 1") < 0 ||
        write_proc("/proc/self/gid_map", "0 0 1") < 0)
        return -2;
    return 0;
}

/* One more PID namespace: unshare, then fork its init, which goes on. */
static int nest_pid(void)
{
    pid_t child;
    int status;

    if (unshare(CLONE_NEWPID) < 0)
        return -1;
    fflush(stdout);
    child = fork();
    if (child < 0)
        return -2;
    if (child == 0)
        return 0;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            _exit(3);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 3);
}

/* nest-depth user|pid: nest namespaces of that kind until the kernel
 * refuses; reports how many were made (nested) and the refusal's errno. */
static int probe_cmd_nest_depth(int argc, char **argv)
{
    int (*step)(void);
    int nested = 0, rc;

    if (argc < 2 || (strcmp(argv[1], "user") != 0 && strcmp(argv[1], "pid") != 0))
        return fprintf(stderr, "usage: nest-depth user|pid\n"), 2;
    step = strcmp(argv[1], "user") == 0 ? nest_user : nest_pid;
    while ((rc = step()) == 0 && nested < 100)
        nested++;
    if (rc == -2)
        return fprintf(stderr, "nest-depth: level %d: %s\n", nested + 1, strerror(errno)), 3;
    probe_kv("nested", "%d", nested);
    probe_kv("error", "%s", probe_errname(errno));
    return 0;
}

const struct probe_cmd probe_nest_cmds[] = {
    { "nest-pid", probe_cmd_nest_pid, "a PID namespace inside ours with two processes; waits" },
    { "nest-depth", probe_cmd_nest_depth, "user|pid  nest namespaces until the kernel refuses" },
    { 0 },
};
