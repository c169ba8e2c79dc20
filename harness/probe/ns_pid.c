/* ns_pid.c - signals and a PID namespace's init: what a signal from the
 * parent namespace carries, what happens to one init blocks, and SIGKILL
 * from a process inside that holds CAP_KILL. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv.h"
#include "ns.h"
#include "procfs.h"

static volatile sig_atomic_t usr1_seen, usr1_pid = -1, usr1_code = -99;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    usr1_seen = 1;
    usr1_pid = si->si_pid;
    usr1_code = si->si_code;
}

/* init-signals: SIGUSR1 blocked, SIGUSR2 left at its default action; the
 * lab signals us while we wait for it. Then: is SIGUSR1 pending, and once a
 * handler is in place and it is unblocked, is it delivered, from whom?
 * Had SIGUSR2 reached us, its default action would have killed us. */
int probe_cmd_init_signals(int argc, char **argv)
{
    struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
    sigset_t usr1, pending;

    (void)argc, (void)argv;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &usr1, NULL) < 0 || signal(SIGUSR2, SIG_DFL) == SIG_ERR)
        return fprintf(stderr, "init-signals: %s\n", strerror(errno)), 3;
    probe_kv("self_pid", "%d", getpid());
    probe_wait_for_lab();
    sigpending(&pending);
    probe_kv("usr1_pending", "%s", sigismember(&pending, SIGUSR1) ? "yes" : "no");
    probe_kv("usr2_pending", "%s", sigismember(&pending, SIGUSR2) ? "yes" : "no");
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) < 0 || sigprocmask(SIG_UNBLOCK, &usr1, NULL) < 0)
        return fprintf(stderr, "init-signals: %s\n", strerror(errno)), 3;
    probe_kv("usr1_delivered", "%s", usr1_seen ? "yes" : "no");
    if (usr1_seen) {
        probe_kv("usr1_si_pid", "%d", (int)usr1_pid);
        probe_kv("usr1_si_code", "%s", usr1_code == SI_USER ? "SI_USER" : "other");
    }
    probe_kv("survived", "yes");
    return 0;
}

/* kill-init: a child of init, which keeps every capability init has,
 * sends SIGKILL to pid 1; reports its CapEff and user namespace, what
 * kill returned and whether pid 1 is still there. */
int probe_cmd_kill_init(int argc, char **argv)
{
    pid_t child;
    int status;

    (void)argc, (void)argv;
    probe_kv("self_pid", "%d", getpid());
    fflush(stdout);
    child = fork();
    if (child < 0)
        return fprintf(stderr, "kill-init: fork: %s\n", strerror(errno)), 3;
    if (child == 0) {
        char cap[64] = "?";
        procfs_status_field("/proc/self/status", "CapEff", cap, sizeof(cap));
        probe_kv("killer_cap_eff", "%s", cap);
        probe_kv_link("killer_userns", "/proc/self/ns/user");
        probe_kv("sigkill_sent", "%s", probe_errname(kill(1, SIGKILL) < 0 ? errno : 0));
        probe_kv("init_alive_after", "%s", probe_init_alive());
        fflush(stdout);
        _exit(0);
    }
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    probe_kv("survived", "yes");
    return 0;
}

const struct probe_cmd probe_ns_pid_cmds[] = {
    { "init-signals", probe_cmd_init_signals, "SIGUSR1 blocked, SIGUSR2 default; waits; delivery" },
    { "kill-init", probe_cmd_kill_init, "a child with init's capabilities SIGKILLs pid 1" },
    { 0 },
};
