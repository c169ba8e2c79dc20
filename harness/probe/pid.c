/* pid.c - what a PID namespace shows: pids, NSpid, who adopts orphans, whether
 * init can be signalled from inside, children for the lab to count. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kv.h"
#include "procfs.h"
#include "util.h"

static void report_pids(void)
{
    char status[512];
    char list[1024] = "";
    size_t off = 0;
    int count = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;

    probe_kv("pid", "%d", getpid());
    probe_kv("ppid", "%d", getppid());
    probe_status_field("/proc/self/status", "NSpid", status, sizeof(status));
    probe_kv("nspid", "%s", status);
    probe_kv_link("pidns", "/proc/self/ns/pid");
    probe_kv_link("proc_self", "/proc/self");
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        count++;
        if (off < sizeof(list) - 16) {
            const char *sep = off ? "," : "";
            off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", sep, e->d_name);
        }
    }
    if (d)
        closedir(d);
    probe_kv("proc_count", "%d", count);
    probe_kv("proc_pids", "%s", list);
}

static int cmd_pid(int argc, char **argv)
{
    report_pids();
    if (probe_has_flag(argc, argv, "--wait")) {
        probe_wait_for_lab();
        report_pids();
    }
    return 0;
}

/* A child forks a grandchild and exits; the grandchild reports who
 * adopted it. Judged by the adopter's identity, not by ppid == 1. */
static int cmd_orphan(int argc, char **argv)
{
    int pfd[2];
    pid_t child;
    char c;

    (void)argc, (void)argv;
    if (pipe(pfd) < 0)
        return 3;
    probe_kv("init_pid", "%d", getpid());
    probe_kv_link("init_pidns", "/proc/self/ns/pid");
    fflush(stdout);
    child = fork();
    if (child < 0)
        return 3;
    if (child == 0) {
        pid_t parent = getpid(); /* read before the fork: we may be gone first */
        pid_t gc = fork();
        if (gc == 0) {
            char path[64], nspid[128];
            close(pfd[0]);
            for (int i = 0; i < 2000 && getppid() == parent; i++)
                usleep(500);
            probe_kv("orphan_ppid", "%d", getppid());
            snprintf(path, sizeof(path), "/proc/%d/ns/pid", getppid());
            probe_kv_link("orphan_parent_pidns", path);
            probe_status_field("/proc/self/status", "NSpid", nspid, sizeof(nspid));
            probe_kv("orphan_nspid", "%s", nspid);
            fflush(stdout);
            _exit(0);
        }
        _exit(gc < 0 ? 3 : 0);
    }
    close(pfd[1]);
    waitpid(child, NULL, 0);
    while (read(pfd[0], &c, 1) > 0) /* EOF once the grandchild is gone */
        ;
    while (waitpid(-1, NULL, WNOHANG) > 0) /* reap it if it became ours */
        ;
    return 0;
}

/* The kernel drops a signal init cannot receive when it is sent; one it
 * can receive is pending at once, or init already exits or is gone. So a
 * millisecond (for a SIGKILL taken off the queue to reach the exit path)
 * and a look at /proc/1 settle it, where a fixed 20 ms wait only hoped
 * that a dying init would be gone by then. */
const char *probe_init_alive(void)
{
    char state[32] = "", pnd[32] = "0", shd[32] = "0", stat[512];
    const unsigned long long sigkill = 1ull << (SIGKILL - 1);
    unsigned long flags = 0;
    const char *after;

    usleep(1000);
    if (kill(1, 0) < 0 || read_file("/proc/1/stat", stat, sizeof(stat)) <= 0)
        return "no";
    procfs_status_field("/proc/1/status", "State", state, sizeof(state));
    procfs_status_field("/proc/1/status", "SigPnd", pnd, sizeof(pnd));
    procfs_status_field("/proc/1/status", "ShdPnd", shd, sizeof(shd));
    /* after the command name (which may hold anything): state, ppid, pgrp,
     * session, tty_nr, tpgid, then flags */
    after = strrchr(stat, ')');
    for (int field = 0; after && field < 7; field++)
        after = strchr(after + 1, ' ');
    if (after)
        flags = strtoul(after + 1, NULL, 10);
    if (state[0] == 'Z' || state[0] == 'X' || (flags & 0x4) /* PF_EXITING */ ||
        ((strtoull(pnd, NULL, 16) | strtoull(shd, NULL, 16)) & sigkill))
        return "no";
    return "yes";
}

/* Signal PID 1 of our namespace from a child; report whether it lived. */
static int cmd_signal_init(int argc, char **argv)
{
    pid_t child;
    int status;

    (void)argc, (void)argv;
    probe_kv("self_pid", "%d", getpid());
    fflush(stdout);
    child = fork();
    if (child == 0) {
        probe_kv("sigterm_sent", "%s", kill(1, SIGTERM) == 0 ? "ok" : probe_errname(errno));
        probe_kv("sigkill_sent", "%s", kill(1, SIGKILL) == 0 ? "ok" : probe_errname(errno));
        probe_kv("init_alive_after", "%s", probe_init_alive());
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, &status, 0);
    probe_kv("survived", "yes");
    probe_wait_for_lab(); /* the lab now kills us with SIGKILL */
    probe_kv("lab_signal", "not received");
    return 0;
}

/* Start N children that sleep with stdio closed; exit when released. */
static int cmd_spawn(int argc, char **argv)
{
    int n = (int)probe_num_arg(argc, argv, 1, 2, 0, 4096);

    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0) {
            int null = open("/dev/null", O_RDWR);
            for (int fd = 0; fd < 3; fd++)
                null >= 0 ? dup2(null, fd) : close(fd);
            sleep(30);
            _exit(0);
        }
        if (p < 0)
            return 3;
    }
    probe_kv("spawned", "%d", n);
    probe_wait_for_lab();
    return 0;
}

const struct probe_cmd probe_pid_cmds[] = {
    { "pid", cmd_pid, "[--wait]  pid, ppid, NSpid, pid ns, processes in /proc" },
    { "orphan", cmd_orphan, "report who adopts an orphaned grandchild" },
    { "signal-init", cmd_signal_init, "SIGTERM/SIGKILL pid 1 from inside" },
    { "spawn", cmd_spawn, "N  start N sleeping children, wait for the lab" },
    { 0 },
};
