/* cgroup.c - loads for the cgroup limits: memory, forks, CPU time; and the
 * cgroup paths this process sees. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kv.h"
#include "util.h"

void probe_touch(char *mem, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);

    /* the kernel faults the range in by itself, a tenth of the cost of one
     * fault per page from here; where it cannot (before 5.14, or a failed
     * charge it would rather return), each page is written */
    if (madvise(mem, len, MADV_POPULATE_WRITE) == 0)
        return;
    for (size_t off = 0; off < len; off += page)
        mem[off] = 1;
}

/* alloc BYTES [STEP] [--wait]: a worker touches memory, STEP bytes at a
 * time; after each STEP its progress goes out in one write(2), so the last
 * figure is in the pipe even when the kernel kills it. The worker volunteers for the OOM
 * killer (oom_score_adj 1000); we report how it ended, then (--wait) stay
 * alive so the lab can read the container's cgroup. */
static int cmd_alloc(int argc, char **argv)
{
    unsigned long long bytes, step;
    pid_t worker;
    int status;

    if (argc < 2)
        return fprintf(stderr, "usage: alloc BYTES [STEP] [--wait]\n"), 2;
    bytes = strtoull(argv[1], NULL, 0);
    step = argc > 2 && argv[2][0] != '-' ? strtoull(argv[2], NULL, 0) : 1ull << 20;
    fflush(stdout);
    worker = fork();
    if (worker < 0)
        return fprintf(stderr, "fork: %s\n", strerror(errno)), 3;
    if (worker == 0) {
        unsigned long long touched = 0;
        char line[64];
        char *mem;
        int fd = open("/proc/self/oom_score_adj", O_WRONLY);
        if (fd >= 0) {
            (void)!write(fd, "1000", 4);
            close(fd);
        }
        mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            _exit(3);
        while (touched < bytes) {
            unsigned long long end = touched + step < bytes ? touched + step : bytes;
            probe_touch(mem + touched, end - touched);
            touched = end; /* never past bytes */
            int n = snprintf(line, sizeof(line), "touched=%llu\n", touched);
            (void)!write(1, line, (size_t)n);
        }
        _exit(0);
    }
    while (waitpid(worker, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status))
        probe_kv("worker_signal", "%d", WTERMSIG(status));
    else
        probe_kv("worker_exit", "%d", WEXITSTATUS(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        probe_kv("alloc", "done");
    if (probe_has_flag(argc, argv, "--wait"))
        probe_wait_for_lab();
    return 0;
}

/* fork N [--wait]: fork until N children or an error, report; with
 * --wait, wait for the lab with every child still there (its cgroup's
 * counters are read then); the children end when we do. */
int probe_fork_held(int n, bool wait_for_lab)
{
    int forked = 0, hold[2];

    if (pipe(hold) < 0)
        return 3;
    fflush(stdout);
    for (; forked < n; forked++) {
        pid_t p = fork();
        if (p < 0) {
            probe_kv("fork_error", "%s", probe_errname(errno));
            break;
        }
        if (p == 0) {
            char c;
            close(hold[1]);
            while (read(hold[0], &c, 1) > 0)
                ;
            _exit(0);
        }
    }
    probe_kv("forked", "%d", forked);
    if (wait_for_lab)
        probe_wait_for_lab();
    fflush(stdout);
    close(hold[1]);
    while (wait(NULL) > 0)
        ;
    return 0;
}

static int cmd_fork(int argc, char **argv)
{
    return probe_fork_held((int)probe_num_arg(argc, argv, 1, 8, 0, 1 << 20),
                           probe_has_flag(argc, argv, "--wait"));
}

/* spin MS [CPU_MS] [--until-held]: burn CPU for MS milliseconds of wall
 * time, or until this process has had CPU_MS of CPU time, whichever comes
 * first; with --until-held, past CPU_MS until it has also been held back
 * (its wall time half again its CPU time, as under a CPU quota), so a
 * kernel whose clock ticks late (an emulated guest) still gets to
 * throttle it before it stops */
static int cmd_spin(int argc, char **argv)
{
    struct timespec t0, t, cpu0, cpu;
    long ms = probe_num_arg(argc, argv, 1, 100, 0, 3600L * 1000);
    long cpu_ms = probe_num_arg(argc, argv, 2, ms, 0, 3600L * 1000), elapsed = 0, used = 0;
    bool until_held = probe_has_flag(argc, argv, "--until-held");

    /* Reading the clocks is the work: the loop never sleeps, so it is on
     * the CPU (and charged to the cgroup) whenever it runs. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    while (elapsed < ms && (used < cpu_ms || (until_held && elapsed * 2 < used * 3))) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
        elapsed = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        used = (cpu.tv_sec - cpu0.tv_sec) * 1000 + (cpu.tv_nsec - cpu0.tv_nsec) / 1000000;
    }
    probe_kv("spun_ms", "%ld", elapsed);
    probe_kv("spun_cpu_ms", "%ld", used);
    if (probe_has_flag(argc, argv, "--wait"))
        probe_wait_for_lab();
    return 0;
}

/* cgroup: our /proc/self/cgroup, one key per line: cg_memory=/path,
 * cg_unified=/path for the v2 "0::" line */
static int cmd_cgroup(int argc, char **argv)
{
    char line[1024];
    FILE *f = fopen("/proc/self/cgroup", "re");

    (void)argc, (void)argv;
    probe_kv_link("cgroupns", "/proc/self/ns/cgroup");
    while (f && fgets(line, sizeof(line), f)) {
        char *ctls = strchr(line, ':'), *path;
        if (!ctls || !(path = strchr(ctls + 1, ':')))
            continue;
        *path++ = '\0';
        path[strcspn(path, "\n")] = '\0';
        ctls++;
        if (!*ctls)
            probe_kv("cg_unified", "%s", path);
        for (char *tok = strtok(ctls, ","); tok; tok = strtok(NULL, ","))
            if (strncmp(tok, "name=", 5) != 0)
                printf("cg_%s=%s\n", tok, path);
    }
    if (f)
        fclose(f);
    return 0;
}

const struct probe_cmd probe_cgroup_cmds[] = {
    { "alloc", cmd_alloc, "BYTES [STEP] [--wait]  a worker touches memory; reports how it ended" },
    { "fork", cmd_fork, "N [--wait]  fork up to N children; reports forked and fork_error" },
    { "spin", cmd_spin, "MS [CPU_MS]  busy-loop for MS ms, or until CPU_MS ms of CPU time" },
    { "cgroup", cmd_cgroup, "the cgroup paths this process sees" },
    { 0 },
};
