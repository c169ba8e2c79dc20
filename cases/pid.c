/* pid.c - PID namespace isolation. */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ISO_FAMILY "pid"
#include "case.h"
#include "procfs.h"

ISO_CASE(init_is_pid1, "the first process of a new PID namespace is PID 1",
         .detects = ISO_SAB_NO_PIDNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("pid"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "pid"), "1", "the container's first process is PID 1");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "ppid"), "0", "its parent lies outside the namespace");
}

ISO_CASE(proc_lists_only_container, "/proc inside lists only the container's processes",
         .detects = ISO_SAB_NO_PIDNS | ISO_SAB_NO_NEWPROC)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("pid"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "proc_pids"), "1", "/proc lists the probe alone");
}

ISO_CASE(lab_sees_two_level_nspid, "the lab sees the container's init with a two-level NSpid",
         .detects = ISO_SAB_NO_PIDNS | ISO_SAB_NO_NEWPROC)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    char path[64], nspid[128], want[128];

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("pid", "--wait"), &c);
    snprintf(path, sizeof(path), "/proc/%d/status", c.r.pid);
    ISO_REQUIRE_SYS_PATH(ctx, procfs_status_field(path, "NSpid", nspid, sizeof(nspid)), path,
                         "the lab can read the container's NSpid");
    snprintf(want, sizeof(want), "%d,1", c.r.pid);
    ISO_EXPECT_EQ_STR(ctx, nspid, want, "NSpid seen from the lab: lab pid, then 1 inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "nspid"), "1", "NSpid seen from inside has one level");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(orphan_adopted_by_init,
         "an orphaned grandchild is adopted by the container's init (by pid and namespace)",
         .detects = ISO_SAB_NO_PIDNS | ISO_SAB_NO_NEWPROC)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("orphan"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "orphan_ppid"), iso_get(&r, "init_pid"),
                      "the orphan's new parent is the container's init");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "orphan_parent_pidns"), iso_get(&r, "init_pidns"),
                      "the adopter lives in the container's PID namespace");
}

ISO_CASE(init_ignores_sigterm_dies_on_lab_sigkill,
         "init ignores SIGTERM/SIGKILL sent from inside; SIGKILL from the lab kills it",
         .detects = ISO_SAB_NO_PIDNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    struct iso_err err = { 0, "" };

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("signal-init"), &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "self_pid"), "1", "the probe is the namespace's init");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "sigterm_sent"), "ok", "SIGTERM to pid 1 was sent");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "init_alive_after"), "yes", "init survived both");
    ISO_DOING(ctx, "killing the container's init from the lab");
    ISO_REQUIRE_SYS(ctx, kill(c.r.pid, SIGKILL), "the lab can signal the init");
    ISO_REQUIRE_OK(ctx, iso_finish(ctx, &c, &err), &err);
    /* had it survived, closing its stdin would have let it say so */
    ISO_EXPECT_ABSENT(ctx, &c.r, "lab_signal", "init did not outlive the lab's SIGKILL");
    /* a wait status of 0 is exit 0: the kill must show instead */
    ISO_EXPECT_NE(ctx, c.r.status, 0, "the container did not end cleanly (wait status)");
}

/* Pids whose parent is ppid, as the lab sees them. */
static int children_of(pid_t ppid, pid_t *out, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)) && n < max) {
        char path[300], val[32];
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
        if (procfs_status_field(path, "PPid", val, sizeof(val)) == 0 &&
            strtol(val, NULL, 10) == ppid)
            out[n++] = (pid_t)strtol(e->d_name, NULL, 10);
    }
    if (d)
        closedir(d);
    return n;
}

static bool alive(pid_t pid)
{
    char path[64], state[64];
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    return procfs_status_field(path, "State", state, sizeof(state)) == 0 && state[0] != 'Z';
}

ISO_CASE(init_exit_kills_namespace, "when init exits every other process of the namespace dies",
         .detects = ISO_SAB_NO_PIDNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    pid_t kids[8];
    int n, survivors = 0;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("spawn", "3"), &c);
    n = children_of(c.r.pid, kids, 8);
    ISO_REQUIRE_EQ(ctx, n, 3, "the lab sees the init's three children");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    for (int i = 0; i < n; i++) {
        if (alive(kids[i])) {
            survivors++;
            kill(kids[i], SIGKILL);
        }
    }
    ISO_EXPECT_EQ(ctx, survivors, 0, "no child outlives the container's init");
}

ISO_CASE(lab_signal_has_si_pid_zero,
         "a signal the lab sends to the container's init arrives with si_pid 0: the sender has no "
         "pid in the container's namespace",
         .detects = ISO_SAB_NO_PIDNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("init-signals"), &c);
    ISO_REQUIRE_SYS(ctx, kill(c.r.pid, SIGUSR1), "the lab sends SIGUSR1 to the container's init");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "usr1_delivered"), "yes", "SIGUSR1 reached the init");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "usr1_si_code"), "SI_USER", "sent with kill(2)");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "usr1_si_pid"), "0", "si_pid as the container sees it");
}

ISO_CASE(init_blocked_signal_delivered_once_unblocked,
         "a signal init blocks stays pending and reaches its handler once unblocked, while one "
         "left at its default action is discarded (init survives the lab's SIGUSR2)",
         .detects = ISO_SAB_NO_PIDNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;
    struct iso_err err = { 0, "" };

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("init-signals"), &c);
    ISO_REQUIRE_SYS(ctx, kill(c.r.pid, SIGUSR2), "the lab sends SIGUSR2 (default action)");
    ISO_REQUIRE_SYS(ctx, kill(c.r.pid, SIGUSR1), "the lab sends SIGUSR1 (blocked)");
    iso_release(&c, NULL);
    ISO_REQUIRE_OK(ctx, iso_finish(ctx, &c, &err), &err);
    ISO_EXPECT_EQ(ctx, iso_exit_signal(&c.r), 0, "the signal that ended init (0: none)");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "survived"), "yes", "init outlived SIGUSR2");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "usr2_pending"), "no",
                      "SIGUSR2 was discarded, not queued");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "usr1_pending"), "yes", "SIGUSR1 waited while blocked");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "usr1_delivered"), "yes",
                      "and was delivered once unblocked");
}

ISO_CASE(init_survives_sigkill_with_cap_kill,
         "in a user namespace of its own, a process holding CAP_KILL there cannot kill the "
         "container's init with SIGKILL",
         .detects = ISO_SAB_NO_PIDNS | ISO_SAB_NO_USERNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;
    char lab_userns[64] = "";
    unsigned long long eff;
    ssize_t n;

    spec_map_root(&s, 100000, 65536);
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("kill-init"), &r);
    n = readlink("/proc/self/ns/user", lab_userns, sizeof(lab_userns) - 1);
    lab_userns[n > 0 ? n : 0] = '\0';
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "self_pid"), "1", "the probe is the namespace's init");
    ISO_EXPECT_NE_STR(ctx, iso_get(&r, "killer_userns"), lab_userns,
                      "the killer is in a user namespace of its own");
    eff = strtoull(iso_get(&r, "killer_cap_eff") ? iso_get(&r, "killer_cap_eff") : "0", NULL, 16);
    ISO_EXPECT_CAPS_HAS(ctx, eff, ISO_CAP_BIT(5), "the killer holds CAP_KILL there");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "sigkill_sent"), "ok", "kill(1, SIGKILL) is accepted");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "init_alive_after"), "yes", "and init lives on");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "survived"), "yes", "init reported after its child");
}
