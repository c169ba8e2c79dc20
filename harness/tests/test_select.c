/* test_select.c - case patterns, sabotage transforms, error messages. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <string.h>

#include "registry.h"
#include "spec.h"
#include "util.h"

static void noop(struct iso_ctx *ctx) { (void)ctx; }

static struct iso_case c1 = { .name = "pid.init_is_pid1", .fn = noop, .file = "pid.c", .line = 20 };
static struct iso_case c2 = { .name = "pid.orphan", .fn = noop, .file = "pid.c", .line = 10 };
static struct iso_case c3 = { .name = "uts.hostname", .fn = noop, .file = "uts.c", .line = 5 };
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
    char *none[] = { "pid", "nosuch.*" };
    int sel[8];
    const char *unmatched;
    (void)state;
    assert_int_equal(registry_select(pats, 2, sel, 8, &unmatched), 3);
    assert_null(unmatched);
    assert_int_equal(registry_select(NULL, 0, sel, 8, &unmatched), 4);
    assert_int_equal(registry_select(none, 2, sel, 8, &unmatched), 0);
    assert_string_equal(unmatched, "nosuch.*");
}

static void test_sabotage_table(void **state)
{
    struct iso_spec s;
    unsigned all = 0;
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
        before.ns |= CLONE_NEWCGROUP;
        spec_time_offsets(&before, (struct iso_clock_offset){ 1, 0 }, (struct iso_clock_offset){ 2, 0 });
        before.net.mode = ISO_NET_NAT;
        before.lim = (struct iso_limits){ .memory = 1 << 25, .pids = 8, .cpu_quota_us = 10000,
                                          .cpu_period_us = 100000 };
        after = before;
        spec_apply_sabotage(&after, sab->bit);
        assert_memory_not_equal(&before, &after, sizeof(before)); /* it changes something */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),          cmocka_unit_test(test_match),
        cmocka_unit_test(test_select),         cmocka_unit_test(test_sabotage_table),
        cmocka_unit_test(test_err),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
