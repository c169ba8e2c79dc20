/* cgevents.c - the processes the cgroup v2 cases need inside: sleepers
 * beside a process the OOM killer takes (memory.oom.group), and forks
 * held until the lab has read pids.events. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv.h"

/* A child that sleeps, with its stdio on /dev/null so the report's pipe
 * closes when the probe ends. */
static pid_t sleeper(void)
{
    pid_t p = fork();

    if (p == 0) {
        int null = open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; fd++)
            null >= 0 ? dup2(null, fd) : close(fd);
        sleep(60);
        _exit(0);
    }
    return p;
}

/* A child that volunteers for the OOM killer and touches bytes. */
static pid_t hog(unsigned long long bytes)
{
    pid_t p = fork();

    if (p == 0) {
        int fd = open("/proc/self/oom_score_adj", O_WRONLY);
        char *mem;
        if (fd >= 0) {
            (void)!write(fd, "1000", 4);
            close(fd);
        }
        mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            _exit(3);
        probe_touch(mem, bytes);
        _exit(0);
    }
    return p;
}

/* oom-group N BYTES: N sleepers, then (after the lab's go) a process that
 * touches BYTES. Reports how the hog ended and how many sleepers live on;
 * with memory.oom.group set none of this is reported: the OOM kill takes
 * every process of the cgroup, this one too. */
static int oom_group(int n, unsigned long long bytes)
{
    pid_t kids[64], h;
    int status, alive = 0;

    if (n < 0 || n > 64)
        return fprintf(stderr, "cg oom-group: N is 0..64\n"), 2;
    fflush(stdout);
    for (int i = 0; i < n; i++)
        if ((kids[i] = sleeper()) < 0)
            return fprintf(stderr, "fork: %s\n", strerror(errno)), 3;
    probe_kv("sleepers", "%d", n);
    probe_wait_for_lab();
    if ((h = hog(bytes)) < 0)
        return fprintf(stderr, "fork: %s\n", strerror(errno)), 3;
    while (waitpid(h, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status))
        probe_kv("hog_signal", "%d", WTERMSIG(status));
    else
        probe_kv("hog_exit", "%d", WEXITSTATUS(status));
    for (int i = 0; i < n; i++)
        alive += waitpid(kids[i], &status, WNOHANG) == 0;
    probe_kv("sleepers_alive", "%d", alive);
    return 0;
}

static int probe_cmd_cg(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "oom-group") == 0)
        return oom_group((int)strtol(argv[2], NULL, 10), strtoull(argv[3], NULL, 0));
    if (argc >= 3 && strcmp(argv[1], "fork") == 0)
        return probe_fork_held((int)strtol(argv[2], NULL, 10), true);
    return fprintf(stderr, "usage: cg oom-group N BYTES | cg fork N\n"), 2;
}

const struct probe_cmd probe_cgevents_cmds[] = {
    { "cg", probe_cmd_cg, "oom-group N BYTES | fork N  processes for the cgroup v2 event cases" },
    { 0 },
};
