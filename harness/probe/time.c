/* time.c - what a time namespace shows: the clocks of this process and of
 * a child it forks, and the namespaces both are in. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kv.h"

static void report_clocks(const char *prefix)
{
    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = { { CLOCK_MONOTONIC, "monotonic_ns" },
                   { CLOCK_BOOTTIME, "boottime_ns" },
                   { CLOCK_REALTIME, "realtime_ns" } };
    char key[64];

    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        struct timespec t;
        snprintf(key, sizeof(key), "%s%s", prefix, clocks[i].name);
        if (clock_gettime(clocks[i].id, &t) < 0)
            probe_kv(key, "error:%s", probe_errname(errno));
        else
            probe_kv(key, "%lld", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
    }
    snprintf(key, sizeof(key), "%stimens", prefix);
    probe_kv_link(key, "/proc/self/ns/time");
}

/* clocks [--wait]: with --wait, wait for the lab first. Then the clocks
 * and time namespace of this process, then of a forked child (child_*). */
static int probe_cmd_clocks(int argc, char **argv)
{
    pid_t child;
    int status;

    if (argc > 1 && strcmp(argv[1], "--wait") == 0)
        probe_wait_for_lab();
    report_clocks("");
    probe_kv_link("timens_for_children", "/proc/self/ns/time_for_children");
    fflush(stdout);
    child = fork();
    if (child < 0)
        return 3;
    if (child == 0) {
        report_clocks("child_");
        fflush(stdout);
        _exit(0);
    }
    return waitpid(child, &status, 0) == child && status == 0 ? 0 : 3;
}

const struct probe_cmd probe_time_cmds[] = {
    { "clocks", probe_cmd_clocks, "[--wait]  clocks and time namespace, own and a child's" },
    { 0 },
};
