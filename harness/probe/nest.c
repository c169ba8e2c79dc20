/* nest.c - namespaces inside the container's: a PID namespace one level
 * down, and how deep user and PID namespaces may nest from here. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv.h"
#include "procfs.h"

/* nest-depth stops here even when the kernel would go on */
#define NEST_MAX 100

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

/* How deep nest-depth got, and why it stopped. The PID levels share this
 * process's memory (CLONE_VM), so the outermost one reads what the deepest
 * one wrote once the chain below it has returned. */
static int nest_depth, nest_errno;

/* One more user namespace per step, in this process, with it as the
 * namespace's root: the next one needs the creator's ids mapped. */
static int nest_user(void)
{
    for (; nest_depth < NEST_MAX; nest_depth++) {
        if (unshare(CLONE_NEWUSER) < 0)
            return nest_errno = errno, 0;
        if (write_proc("/proc/self/setgroups", "deny") < 0 ||
            write_proc("/proc/self/uid_map", "0 0 1") < 0 ||
            write_proc("/proc/self/gid_map", "0 0 1") < 0)
            return nest_errno = errno, -1;
    }
    return 0;
}

/* One more PID namespace: unshare, then start its init, which goes on one
 * level down, and wait for it. The init shares our memory and has a stack
 * of its own, like vfork's child: a fork per level copied the page tables
 * and paid a copy-on-write fault for every page written, ten times the
 * cost of the namespaces themselves. */
static char nest_stacks[NEST_MAX + 1][16384] __attribute__((aligned(16)));

static int nest_pid_level(void *unused)
{
    pid_t child;
    int status;

    (void)unused;
    if (nest_depth >= NEST_MAX)
        return 0;
    if (unshare(CLONE_NEWPID) < 0)
        return nest_errno = errno, 0;
    nest_depth++;
    child = clone(nest_pid_level, nest_stacks[nest_depth] + sizeof(nest_stacks[0]),
                  CLONE_VM | SIGCHLD, NULL);
    if (child < 0)
        return nest_errno = errno, 1;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            return 3;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

/* nest-depth user|pid: nest namespaces of that kind until the kernel
 * refuses; reports how many were made (nested) and the refusal's errno. */
static int probe_cmd_nest_depth(int argc, char **argv)
{
    bool user = argc >= 2 && strcmp(argv[1], "user") == 0;
    int rc;

    if (argc < 2 || (!user && strcmp(argv[1], "pid") != 0))
        return fprintf(stderr, "usage: nest-depth user|pid\n"), 2;
    rc = user ? nest_user() : nest_pid_level(NULL);
    if (rc != 0)
        return fprintf(stderr, "nest-depth: level %d: %s\n", nest_depth + 1, strerror(nest_errno)),
               3;
    probe_kv("nested", "%d", nest_depth);
    probe_kv("error", "%s", probe_errname(nest_errno));
    return 0;
}

const struct probe_cmd probe_nest_cmds[] = {
    { "nest-pid", probe_cmd_nest_pid, "a PID namespace inside ours with two processes; waits" },
    { "nest-depth", probe_cmd_nest_depth, "user|pid  nest namespaces until the kernel refuses" },
    { 0 },
};
