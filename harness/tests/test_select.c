/* test_select.c - case patterns, sabotage transforms, error messages. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <string.h>

#include "fakes.h"
#include "registry.h"
#include "spec.h"
#include "util.h"

static void noop(struct iso_ctx *ctx) { (void)ctx; }

static struct iso_case c1 = { .name = "pid.init_is_pid1", .fn = noop, .file = "pid.c", .line = 20 };
static struct iso_case c2 = { .name = "pid.orphan", .fn = noop, .file = "pid.c", .line = 10 };
static struct iso_case c3 = { .name = "uts.hostname", .fn = noop, .file = "uts.c", .line = 50 };
static struct iso_case c4 = { .name = "pidx.other", .fn = noop, .file = "pidx.c", .line = 1 };

static int setup(void **state)
{
    (void)state;
    iso_register(&c3);
    iso_register(&c1);
    iso_register(&c2);
    iso_register(&c4);
    return 0;
}

static void test_order(void **state)
{
    (void)state;
    /* files in registration order, cases by line inside a file */
    assert_string_equal(registry_at(0)->name, "uts.hostname");
    assert_string_equal(registry_at(1)->name, "pid.orphan");
    assert_string_equal(registry_at(2)->name, "pid.init_is_pid1");
    assert_string_equal(registry_at(3)->name, "pidx.other");
}

static void test_match(void **state)
{
    (void)state;
    assert_true(registry_match("pid.*", "pid.orphan"));
    assert_true(registry_match("pid", "pid.orphan")); /* bare family */
    assert_false(registry_match("pid", "pidx.other"));
    assert_false(registry_match("pid.o", "pid.orphan")); /* no implicit prefix */
    assert_true(registry_match("*.init_*", "pid.init_is_pid1"));
    assert_true(registry_match("uts.hostname", "uts.hostname"));
}

static void test_select(void **state)
{
    char *pats[] = { "pid", "uts.*" };
    char *none[] = { "pid", "nosuch.*", "uts" };
    int sel[8];
    const char *unmatched;
    (void)state;
    assert_int_equal(registry_select(pats, 2, sel, 8, &unmatched), 3);
    assert_null(unmatched);
    assert_int_equal(registry_select(NULL, 0, sel, 8, &unmatched), 4);
    assert_int_equal(registry_select(none, 2, sel, 8, &unmatched), 0);
    assert_string_equal(unmatched, "nosuch.*");
    assert_int_equal(registry_select(none + 1, 2, sel, 8, &unmatched), 0); /* the first one too */
    assert_string_equal(unmatched, "nosuch.*");
}

static void test_sabotage_table(void **state)
{
    struct iso_spec s;
    uint64_t all = 0; /* sabotage bits go up to 63 */
    char names[256];
    (void)state;
    for (int i = 0; i < spec_sabotage_count(); i++) {
        const struct iso_sabotage *sab = spec_sabotage_at(i);
        struct iso_spec before, after;
        assert_int_equal(spec_sabotage_lookup(sab->name), sab->bit);
        assert_int_equal(all & sab->bit, 0); /* bits are unique */
        all |= sab->bit;
        spec_init(&before, "/r");
        spec_map_root(&before, 100000, 65536);
        before.drop_caps = true;
        before.no_new_privs = true; /* the hardening a spec can ask for */
        before.mask_paths = true;
        before.seccomp_deny = "getpgid";
        before.readonly_root = true;
        before.propagation = ISO_PROP_SHARED;
        before.ns |= CLONE_NEWCGROUP;
        spec_time_offsets(&before, (struct iso_clock_offset){ 1, 0 },
                          (struct iso_clock_offset){ 2, 0 });
        before.net.mode = ISO_NET_NAT;
        before.lim = (struct iso_limits){ .memory = 1 << 25,
                                          .memory_high = 1 << 24,
                                          .oom_group = true,
                                          .pids = 8,
                                          .cpu_quota_us = 10000,
                                          .cpu_period_us = 100000 };
        after = before;
        spec_apply_sabotage(&after, sab->bit);
        /* it changes something; harness-joins-paths changes isocheck's own
         * preparation of the root (lab_prepare_root), not the spec */
        if (sab->bit != ISO_SAB_HARNESS_JOINS_PATHS)
            assert_memory_not_equal(&before, &after, sizeof(before));
        else
            assert_memory_equal(&before, &after, sizeof(before));
    }
    assert_int_equal(spec_sabotage_lookup("nonsense"), 0);
    spec_init(&s, "/r");
    spec_apply_sabotage(&s, spec_sabotage_lookup("no-mntns"));
    assert_int_equal(s.ns & CLONE_NEWNS, 0);
    assert_int_equal(s.root, ISO_ROOT_CHROOT);
    /* a removed limit still leaves the container a cgroup to be measured in */
    spec_init(&s, "/r");
    s.lim.memory = 1 << 25;
    spec_apply_sabotage(&s, spec_sabotage_lookup("no-memory-limit"));
    assert_int_equal(s.lim.memory, 0);
    assert_true(s.lim.own_cgroup);
    spec_sabotage_names(spec_sabotage_lookup("no-pidns") | spec_sabotage_lookup("no-ipcns"), names,
                        sizeof(names));
    assert_string_equal(names, "no-pidns,no-ipcns");
}

static void test_err(void **state)
{
    struct iso_err e = { 0, "" };
    (void)state;
    assert_int_equal(iso_err_set(&e, EACCES, "mount \"%s\"", "/proc"), -1);
    assert_string_equal(e.msg, "mount \"/proc\": Permission denied");
    assert_int_equal(e.errnum, EACCES);
    iso_err_wrap(&e, "rootfs");
    assert_string_equal(e.msg, "rootfs: mount \"/proc\": Permission denied");
    iso_err_set(&e, ENOSPC, "clone");
    assert_non_null(strstr(e.msg, "namespace limit"));
    iso_err_set(&e, EPERM, "clone");
    assert_non_null(strstr(e.msg, "user namespaces may be restricted"));
    iso_err_set(&e, 0, "plain");
    assert_string_equal(e.msg, "plain");
    assert_int_equal(iso_err_set(NULL, 0, "x"), -1);
}

static void test_at_bounds(void **state)
{
    (void)state;
    assert_int_equal(registry_count(), 4);
    assert_null(registry_at(-1));
    assert_null(registry_at(4));
}

static void test_match_edges(void **state)
{
    char longpat[255];
    char longname[257];
    (void)state;
    assert_true(registry_match("pid\\.orphan", "pid.orphan")); /* glob escapes work */
    assert_true(registry_match("pi\\d", "pid.orphan"));        /* in a family too */
    /* a family whose "PATTERN.*" does not fit matches nothing */
    memset(longpat, 'a', sizeof(longpat) - 1);
    longpat[sizeof(longpat) - 1] = '\0';
    snprintf(longname, sizeof(longname), "%s.", longpat);
    assert_false(registry_match(longpat, longname));
}

static void test_select_edges(void **state)
{
    char *pats[] = { "uts.*", "pid" };
    int sel[8];
    const char *unmatched = "stale";
    (void)state;
    assert_int_equal(registry_select(pats, 1, sel, 8, &unmatched), 1); /* npat bounds the list */
    assert_int_equal(sel[0], 0);
    assert_null(unmatched);
    assert_int_equal(registry_select(pats + 1, 1, sel, 8, &unmatched), 2);
    assert_int_equal(sel[0], 1);
    assert_int_equal(sel[1], 2);
    sel[1] = -7;
    assert_int_equal(registry_select(NULL, 0, sel, 1, &unmatched), 1); /* at most max */
    assert_int_equal(sel[0], 0);
    assert_int_equal(sel[1], -7);
}

/* More than the registry holds ends the program: a case is never lost. */
static void test_full(void **state)
{
    static struct iso_case many[600];
    pid_t pid;
    int st;
    (void)state;
    if (under_qemu_user("a forked child's abort() under cmocka's signal handlers crashes the "
                        "emulator (SIGSEGV, not SIGABRT)"))
        skip();
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < 600; i++) {
            many[i] = (struct iso_case){ .name = "x.y", .fn = noop, .file = "x.c", .line = i };
            iso_register(&many[i]);
            if (registry_count() > 512)
                _exit(3); /* the table holds 512 */
        }
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
}

/* A case registered after the list was read still takes its place. */
static void test_late(void **state)
{
    static struct iso_case late = { .name = "pid.late", .fn = noop, .file = "pid.c", .line = 15 };
    (void)state;
    assert_string_equal(registry_at(0)->name, "uts.hostname");
    iso_register(&late);
    assert_string_equal(registry_at(2)->name, "pid.late");
    assert_string_equal(registry_at(3)->name, "pid.init_is_pid1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),       cmocka_unit_test(test_match),
        cmocka_unit_test(test_select),      cmocka_unit_test(test_sabotage_table),
        cmocka_unit_test(test_err),         cmocka_unit_test(test_at_bounds),
        cmocka_unit_test(test_match_edges), cmocka_unit_test(test_select_edges),
        cmocka_unit_test(test_full),        cmocka_unit_test(test_late),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
