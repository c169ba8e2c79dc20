/* test_spec.c - the default spec, the root mapping, and what each sabotage
 * does to a spec: exactly its own change, looked up by its own name. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <string.h>

#include "ns.h"
#include "spec.h"

#define DEFAULT_NS (CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET)

static void test_init(void **state)
{
    struct iso_spec s;
    (void)state;
    memset(&s, 0x5a, sizeof(s)); /* spec_init must not leave anything of this */
    spec_init(&s, "/rootfs");
    assert_int_equal(s.ns, DEFAULT_NS);
    assert_int_equal(s.root, ISO_ROOT_PIVOT);
    assert_int_equal(s.proc, ISO_PROC_NEW);
    assert_true(s.private_mounts);
    assert_true(s.detach_old_root);
    assert_int_equal(s.propagation, ISO_PROP_PRIVATE);
    assert_false(s.drop_caps);
    assert_string_equal(s.rootfs, "/rootfs");
    assert_string_equal(s.hostname, "");
    assert_int_equal(s.n_uid_map, 0);
    assert_int_equal(s.net.mode, ISO_NET_NONE);
    assert_int_equal(s.net.slot, 1);
    assert_false(s.net.ipv6);
    assert_true(s.net.veth);
    assert_true(s.net.masquerade);
    assert_int_equal(s.join_netns_fd, -1);
    assert_null(s.cgroup);
    assert_int_equal(s.lim.memory, 0);
    assert_false(s.lim.own_cgroup);
}

static void test_map_root(void **state)
{
    struct iso_spec s;
    (void)state;
    spec_init(&s, "/r");
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(s.ns, DEFAULT_NS | CLONE_NEWUSER);
    assert_int_equal(s.n_uid_map, 1);
    assert_int_equal(s.n_gid_map, 1);
    assert_int_equal(s.uid_map[0].inner, 0);
    assert_int_equal(s.uid_map[0].outer, 100000);
    assert_int_equal(s.uid_map[0].count, 65536);
    assert_int_equal(s.gid_map[0].inner, 0);
    assert_int_equal(s.gid_map[0].outer, 100000);
    assert_int_equal(s.gid_map[0].count, 65536);
}

/* A spec every sabotage has something to take away from. */
static void full_spec(struct iso_spec *s)
{
    spec_init(s, "/r");
    spec_map_root(s, 100000, 65536);
    s->drop_caps = true;
    s->ns |= CLONE_NEWCGROUP | CLONE_NEWTIME;
    s->net.mode = ISO_NET_NAT;
    s->no_new_privs = true;
    s->mask_paths = true;
    s->seccomp_deny = "getpgid";
    s->seccomp_errno = 15;
    s->readonly_root = true;
    s->propagation = ISO_PROP_SHARED;
    s->lim = (struct iso_limits){ .memory = 1 << 25,
                                  .memory_high = 1 << 24,
                                  .oom_group = true,
                                  .pids = 8,
                                  .cpu_quota_us = 10000,
                                  .cpu_period_us = 100000 };
}

/* The fields a sabotage may touch, compared one by one. */
static void assert_spec_equal(const struct iso_spec *a, const struct iso_spec *b)
{
    assert_int_equal(a->ns, b->ns);
    assert_int_equal(a->root, b->root);
    assert_int_equal(a->proc, b->proc);
    assert_int_equal(a->private_mounts, b->private_mounts);
    assert_int_equal(a->propagation, b->propagation);
    assert_int_equal(a->detach_old_root, b->detach_old_root);
    assert_int_equal(a->drop_caps, b->drop_caps);
    assert_int_equal(a->n_uid_map, b->n_uid_map);
    assert_int_equal(a->net.mode, b->net.mode);
    assert_int_equal(a->net.veth, b->net.veth);
    assert_int_equal(a->net.masquerade, b->net.masquerade);
    assert_int_equal(a->lim.memory, b->lim.memory);
    assert_int_equal(a->lim.pids, b->lim.pids);
    assert_int_equal(a->lim.cpu_quota_us, b->lim.cpu_quota_us);
    assert_int_equal(a->lim.cpu_period_us, b->lim.cpu_period_us);
    assert_int_equal(a->lim.own_cgroup, b->lim.own_cgroup);
    assert_int_equal(a->lim.memory_high, b->lim.memory_high);
    assert_int_equal(a->lim.oom_group, b->lim.oom_group);
    assert_int_equal(a->skip_cgroup_join, b->skip_cgroup_join);
    assert_true(a->caps_inh == b->caps_inh);
    assert_true(a->caps_amb == b->caps_amb);
    assert_int_equal(a->no_new_privs, b->no_new_privs);
    assert_int_equal(a->mask_paths, b->mask_paths);
    assert_int_equal(a->leak_fd, b->leak_fd);
    assert_int_equal(a->leak_process, b->leak_process);
    assert_int_equal(a->leak_lab, b->leak_lab);
    assert_int_equal(a->follow_image_symlinks, b->follow_image_symlinks);
    assert_int_equal(a->console_joined, b->console_joined);
    assert_int_equal(a->terminal, b->terminal);
    assert_int_equal(a->trust_image_proc, b->trust_image_proc);
    assert_int_equal(a->n_mounts, b->n_mounts);
    assert_ptr_equal(a->seccomp_deny, b->seccomp_deny);
    assert_int_equal(a->readonly_root, b->readonly_root);
    assert_int_equal(a->expose_runtime, b->expose_runtime);
    assert_int_equal(a->exec_keep_inh, b->exec_keep_inh);
    assert_int_equal(a->exec_leak_fd, b->exec_leak_fd);
    assert_int_equal(a->cwd_unchecked, b->cwd_unchecked);
    assert_int_equal(a->init_leak_fd, b->init_leak_fd);
    assert_int_equal(a->host_dev, b->host_dev);
}

/* What each sabotage, by name, must do to full_spec(): written out here
 * field by field, so a swapped function or bit in the table shows. */
static void check_effect(const char *name, struct iso_spec *want)
{
    if (strcmp(name, "no-pidns") == 0)
        want->ns = DEFAULT_NS & ~CLONE_NEWPID;
    else if (strcmp(name, "no-utsns") == 0)
        want->ns = DEFAULT_NS & ~CLONE_NEWUTS;
    else if (strcmp(name, "no-ipcns") == 0)
        want->ns = DEFAULT_NS & ~CLONE_NEWIPC;
    /* the namespaces full_spec() adds on top of the default go (see below) */
    else if (strcmp(name, "no-userns") == 0 || strcmp(name, "no-cgroupns") == 0 ||
             strcmp(name, "no-timens") == 0)
        want->ns = DEFAULT_NS;
    else if (strcmp(name, "no-mntns") == 0)
        want->ns = DEFAULT_NS & ~CLONE_NEWNS, want->root = ISO_ROOT_CHROOT;
    else if (strcmp(name, "chroot-not-pivot") == 0)
        want->root = ISO_ROOT_CHROOT;
    else if (strcmp(name, "shared-propagation") == 0)
        want->private_mounts = false;
    else if (strcmp(name, "no-newproc") == 0)
        want->proc = ISO_PROC_HOST;
    else if (strcmp(name, "keep-old-root") == 0)
        want->detach_old_root = false;
    else if (strcmp(name, "no-capdrop") == 0)
        want->drop_caps = false;
    else if (strcmp(name, "no-netns") == 0)
        want->ns = DEFAULT_NS & ~CLONE_NEWNET;
    else if (strcmp(name, "no-veth") == 0)
        want->net.veth = false;
    else if (strcmp(name, "no-nat") == 0)
        want->net.masquerade = false;
    else if (strcmp(name, "no-memory-limit") == 0)
        want->lim.memory = 0, want->lim.own_cgroup = true;
    else if (strcmp(name, "no-pids-limit") == 0)
        want->lim.pids = 0, want->lim.own_cgroup = true;
    else if (strcmp(name, "no-cpu-limit") == 0)
        want->lim.cpu_quota_us = -1;
    else if (strcmp(name, "keep-inheritable") == 0)
        want->caps_inh = 0x20000420ull; /* CAP_KILL, CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE */
    else if (strcmp(name, "leak-fd") == 0)
        want->leak_fd = true;
    else if (strcmp(name, "leak-process") == 0)
        want->leak_process = true;
    else if (strcmp(name, "leak-lab") == 0)
        want->leak_lab = true;
    else if (strcmp(name, "no-nnp") == 0)
        want->no_new_privs = false;
    else if (strcmp(name, "no-mask") == 0)
        want->mask_paths = false;
    else if (strcmp(name, "no-seccomp") == 0)
        want->seccomp_deny = NULL;
    else if (strcmp(name, "writable-root") == 0)
        want->readonly_root = false;
    else if (strcmp(name, "expose-runtime") == 0)
        want->expose_runtime = true;
    else if (strcmp(name, "follow-image-symlinks") == 0)
        want->follow_image_symlinks = true;
    else if (strcmp(name, "exec-keep-inheritable") == 0)
        want->exec_keep_inh = true;
    else if (strcmp(name, "exec-leak-fd") == 0)
        want->exec_leak_fd = true;
    else if (strcmp(name, "cwd-unchecked") == 0)
        want->cwd_unchecked = true;
    else if (strcmp(name, "init-leak-fd") == 0)
        want->init_leak_fd = true;
    else if (strcmp(name, "host-dev") == 0)
        want->host_dev = true;
    else if (strcmp(name, "propagation-ignored") == 0)
        want->propagation = ISO_PROP_PRIVATE;
    else if (strcmp(name, "trust-image-proc") == 0)
        want->trust_image_proc = true;
    else if (strcmp(name, "console-joins-paths") == 0)
        want->console_joined = true;
    else if (strcmp(name, "harness-joins-paths") == 0)
        ; /* the harness's root preparation reads it; the spec is unchanged */
    else if (strcmp(name, "no-oom-group") == 0)
        want->lim.oom_group = false;
    else if (strcmp(name, "no-memory-high") == 0)
        want->lim.memory_high = 0, want->lim.own_cgroup = true;
    else if (strcmp(name, "no-cgroup-join") == 0)
        want->skip_cgroup_join = true;
    else if (strcmp(name, "memory-high-as-max") == 0)
        want->lim.memory = 1 << 24, want->lim.memory_high = 0; /* the high value, as max */
    else
        fail_msg("sabotage \"%s\" has no expected effect in this test", name);
    /* the namespaces full_spec() adds stay unless the sabotage removes them */
    if (strcmp(name, "no-userns") != 0)
        want->ns |= CLONE_NEWUSER;
    if (strcmp(name, "no-cgroupns") != 0)
        want->ns |= CLONE_NEWCGROUP;
    if (strcmp(name, "no-timens") != 0)
        want->ns |= CLONE_NEWTIME;
}

static void test_each_sabotage(void **state)
{
    (void)state;
    assert_int_equal(spec_sabotage_count(), 41);
    for (int i = 0; i < spec_sabotage_count(); i++) {
        const struct iso_sabotage *sab = spec_sabotage_at(i);
        /* only the leak check's controls fail a point that is not a case */
        if (strcmp(sab->name, "leak-process") == 0 || strcmp(sab->name, "leak-lab") == 0)
            assert_string_equal(spec_sabotage_points(sab->bit), "leak.*");
        else
            assert_null(spec_sabotage_points(sab->bit));
        struct iso_spec got, want;
        full_spec(&got);
        full_spec(&want);
        check_effect(sab->name, &want);
        spec_apply_sabotage(&got, spec_sabotage_lookup(sab->name));
        print_message("%s\n", sab->name);
        assert_spec_equal(&got, &want);
    }
    assert_null(spec_sabotage_at(-1));
    assert_null(spec_sabotage_at(spec_sabotage_count()));
    assert_int_equal(spec_sabotage_lookup("nonsense"), 0);
    assert_int_equal(spec_sabotage_lookup("no-pid"), 0); /* whole names only */
}

/* --list-sabotages shows the table in bit order, one bit per row (the
 * families keep bit ranges of their own, so there may be gaps). */
static void test_table_order(void **state)
{
    (void)state;
    assert_int_equal(spec_sabotage_at(0)->bit, 1u);
    for (int i = 0; i < spec_sabotage_count(); i++) {
        uint64_t bit = spec_sabotage_at(i)->bit;
        assert_int_equal(bit & (bit - 1), 0); /* exactly one bit */
        assert_int_not_equal(bit, 0);
        if (i > 0)
            assert_true(bit > spec_sabotage_at(i - 1)->bit);
    }
    assert_string_equal(spec_sabotage_at(0)->name, "no-pidns");
    assert_string_equal(spec_sabotage_at(16)->name, "no-cpu-limit");
    assert_string_equal(spec_sabotage_at(17)->name, "no-timens");
    assert_true(spec_sabotage_lookup("propagation-ignored") == ISO_SAB_BIT(46));
    assert_true(spec_sabotage_lookup("leak-lab") == ISO_SAB_BIT(59));
    /* above 32 bits: the set is 64 bits wide all the way through */
    assert_true(spec_sabotage_lookup("follow-image-symlinks") == ISO_SAB_BIT(32));
    assert_true(spec_sabotage_lookup("trust-image-proc") == ISO_SAB_BIT(33));
    assert_true(spec_sabotage_lookup("harness-joins-paths") == ISO_SAB_BIT(34));
    assert_true(spec_sabotage_lookup("memory-high-as-max") == ISO_SAB_BIT(57));
    assert_true(spec_sabotage_lookup("host-dev") == ISO_SAB_BIT(42));
}

/* Limits a spec does not have stay absent; no cgroup is asked for. */
static void test_limits_absent(void **state)
{
    struct iso_spec s;
    (void)state;
    spec_init(&s, "/r");
    spec_apply_sabotage(&s, ISO_SAB_NO_MEMLIMIT | ISO_SAB_NO_PIDSLIMIT | ISO_SAB_NO_CPULIMIT |
                                ISO_SAB_NO_MEMHIGH | ISO_SAB_HIGH_AS_MAX);
    assert_false(s.lim.own_cgroup);
    assert_int_equal(s.lim.cpu_quota_us, 0);
    assert_int_equal(s.lim.memory, 0); /* no memory.high to turn into a limit */
    spec_apply_sabotage(&s, 0);
    assert_int_equal(s.ns, DEFAULT_NS);
}

static void test_several(void **state)
{
    struct iso_spec s;
    (void)state;
    full_spec(&s);
    spec_apply_sabotage(&s, ISO_SAB_NO_UTSNS | ISO_SAB_NO_IPCNS | ISO_SAB_NO_CPULIMIT);
    assert_int_equal(s.ns, (DEFAULT_NS | CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME) &
                               ~(unsigned)(CLONE_NEWUTS | CLONE_NEWIPC));
    assert_int_equal(s.lim.cpu_quota_us, -1);
}

static void test_names(void **state)
{
    char buf[64];
    (void)state;
    spec_sabotage_names(ISO_SAB_NO_PIDNS | ISO_SAB_NO_IPCNS, buf, sizeof(buf));
    assert_string_equal(buf, "no-pidns,no-ipcns");
    spec_sabotage_names(ISO_SAB_NO_CPULIMIT, buf, sizeof(buf));
    assert_string_equal(buf, "no-cpu-limit"); /* the last row too, no comma */
    spec_sabotage_names(ISO_SAB_NO_PIDNS | ISO_SAB_FOLLOW_IMAGE_SYMLINKS, buf, sizeof(buf));
    assert_string_equal(buf, "no-pidns,follow-image-symlinks"); /* a bit above 31 */
    strcpy(buf, "stale");
    spec_sabotage_names(0, buf, sizeof(buf));
    assert_string_equal(buf, "");
    /* a list that does not fit is cut at the buffer, and nothing is
     * written past it however many names follow */
    memset(buf, '#', sizeof(buf));
    spec_sabotage_names(ISO_SAB_NO_PIDNS | ISO_SAB_NO_UTSNS | ISO_SAB_NO_IPCNS, buf, 12);
    assert_string_equal(buf, "no-pidns,no");
    for (size_t i = 12; i < sizeof(buf); i++)
        assert_int_equal(buf[i], '#');
    spec_sabotage_names(ISO_SAB_NO_PIDNS, buf, 9); /* exactly fits */
    assert_string_equal(buf, "no-pidns");
    buf[0] = 'x';
    spec_sabotage_names(ISO_SAB_NO_PIDNS, buf, 0); /* no room: untouched */
    assert_int_equal(buf[0], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),          cmocka_unit_test(test_map_root),
        cmocka_unit_test(test_each_sabotage), cmocka_unit_test(test_table_order),
        cmocka_unit_test(test_limits_absent), cmocka_unit_test(test_several),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
