/* test_rt.c - spec -> unshare/bwrap argv, spec -> config.json (parsed
 * back), the namespace and driver tables, clone3, and the
 * known-differences files. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ext.h"
#include "fakes.h"
#include "known.h"
#include "ns.h"
#include "rt_cmd.h"
#include "runtime.h"
#include "sys.h"

static char *const probe[] = { "isoprobe", "pid", "--wait", NULL };

static char *joined(const struct rt_argv *a)
{
    static char buf[2048];
    size_t off = 0;
    for (int i = 0; i < a->argc; i++)
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "", a->argv[i]);
    return buf;
}

/* The argv builder: NULL-terminated after every argument, and full at
 * RT_MAX_ARGS - 1 arguments (the last slot is the terminator's); what
 * does not fit is dropped, not written past the end. */
static void test_rt_arg_bounds(void **state)
{
    static struct rt_argv a;
    (void)state;
    memset(&a, 0xa5, sizeof(a));
    a.argc = 0;
    a.used = 0;
    rt_arg(&a, "x");
    assert_int_equal(a.argc, 1);
    assert_string_equal(a.argv[0], "x");
    assert_null(a.argv[1]);
    for (int i = 0; i < RT_MAX_ARGS + 4; i++)
        rt_arg(&a, "y");
    assert_int_equal(a.argc, RT_MAX_ARGS - 1);
    assert_string_equal(a.argv[RT_MAX_ARGS - 2], "y");
    assert_null(a.argv[RT_MAX_ARGS - 1]);
}

/* Generated arguments live in a.buf, each with its own terminator; one
 * that would be cut is refused and leaves everything as it was. */
static void test_rt_argf(void **state)
{
    static struct rt_argv a;
    (void)state;
    memset(&a, 0xa5, sizeof(a));
    a.argc = 0;
    a.used = 0;
    assert_int_equal(rt_argf(&a, "--uid=%d", 7), 0);
    assert_int_equal(rt_argf(&a, "%s", ""), 0); /* an empty argument is an argument */
    assert_int_equal(rt_argf(&a, "%s", "next"), 0);
    assert_int_equal(a.argc, 3);
    assert_string_equal(a.argv[0], "--uid=7");
    assert_string_equal(a.argv[1], "");
    assert_string_equal(a.argv[2], "next");
    assert_null(a.argv[3]);
    assert_int_equal(a.used, sizeof("--uid=7") + sizeof("") + sizeof("next"));
    /* exactly the room left fits, one byte more does not */
    a.used = sizeof(a.buf) - 4;
    assert_int_equal(rt_argf(&a, "%s", "abcd"), -1);
    assert_int_equal(a.argc, 3);
    assert_int_equal(a.used, sizeof(a.buf) - 4);
    assert_int_equal(rt_argf(&a, "%s", "abc"), 0);
    assert_int_equal(a.argc, 4);
    assert_string_equal(a.argv[3], "abc");
    assert_int_equal(a.used, sizeof(a.buf));
    assert_int_equal(rt_argf(&a, "%s", ""), -1); /* not even a terminator left */
    assert_int_equal(a.argc, 4);
}

/* The probe runs as ISO_PROBE with its own arguments after argv[0]. */
static void test_rt_arg_probe(void **state)
{
    struct rt_argv a = { .argc = 0 };
    (void)state;
    rt_arg(&a, "runtime");
    rt_arg_probe(&a, probe);
    assert_string_equal(joined(&a), "runtime /isoprobe pid --wait");
    assert_null(a.argv[a.argc]);
}

static void assert_refused(int rc, const char *why, const char *what)
{
    char want[256];
    snprintf(want, sizeof(want), "no way to ask for %s", what);
    assert_int_equal(rc, ISO_RT_UNSUPPORTED);
    assert_string_equal(why, want);
}

/* Each knob only the built-in runtime has is refused on its own; a spec
 * without them passes. */
static void test_rt_builtin_only(void **state)
{
    static const char sab[] = "the built-in runtime's sabotages";
    struct iso_spec s;
    char why[256];
    (void)state;
    spec_init(&s, "/r");
    assert_int_equal(rt_builtin_only(&s, why, sizeof(why)), 0);
    s.root = ISO_ROOT_CHROOT;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.proc = ISO_PROC_HOST;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.private_mounts = false;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.detach_old_root = false;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.leak_fd = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.expose_runtime = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.skip_cgroup_join = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.exec_keep_inh = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.exec_leak_fd = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.cwd_unchecked = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.init_leak_fd = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
    spec_init(&s, "/r");
    s.host_dev = true;
    assert_refused(rt_builtin_only(&s, why, sizeof(why)), why, sab);
}

/* Each limit is refused on its own, naming it; without limits the
 * built-in-only knobs are still checked. */
static void test_rt_no_limits(void **state)
{
    struct iso_spec s;
    char why[256];
    (void)state;
    spec_init(&s, "/r");
    assert_int_equal(rt_no_limits(&s, why, sizeof(why)), 0);
    s.lim.memory = 1 << 20;
    assert_refused(rt_no_limits(&s, why, sizeof(why)), why, "a memory limit");
    spec_init(&s, "/r");
    s.lim.memory_high = 1 << 20;
    assert_refused(rt_no_limits(&s, why, sizeof(why)), why, "memory.high");
    spec_init(&s, "/r");
    s.lim.oom_group = true;
    assert_refused(rt_no_limits(&s, why, sizeof(why)), why, "memory.oom.group");
    spec_init(&s, "/r");
    s.lim.pids = 4;
    assert_refused(rt_no_limits(&s, why, sizeof(why)), why, "a pids limit");
    spec_init(&s, "/r");
    s.lim.cpu_quota_us = 10000;
    assert_refused(rt_no_limits(&s, why, sizeof(why)), why, "a CPU quota");
    spec_init(&s, "/r");
    s.lim.own_cgroup = true;
    assert_refused(rt_no_limits(&s, why, sizeof(why)), why, "a cgroup of the container's own");
    spec_init(&s, "/r");
    s.leak_fd = true;
    assert_refused(rt_no_limits(&s, why, sizeof(why)), why, "the built-in runtime's sabotages");
}

/* Inheritable and ambient capabilities each on their own; no_new_privs
 * only where the runtime cannot set it. */
static void test_rt_no_hardening(void **state)
{
    struct iso_spec s;
    char why[256];
    (void)state;
    spec_init(&s, "/r");
    assert_int_equal(rt_no_hardening(&s, false, why, sizeof(why)), 0);
    assert_int_equal(rt_no_hardening(&s, true, why, sizeof(why)), 0);
    s.caps_inh = 1ull << CAP_CHOWN;
    assert_refused(rt_no_hardening(&s, true, why, sizeof(why)), why,
                   "an inheritable or ambient capability set");
    spec_init(&s, "/r");
    s.caps_amb = 1ull << CAP_CHOWN;
    assert_refused(rt_no_hardening(&s, true, why, sizeof(why)), why,
                   "an inheritable or ambient capability set");
    spec_init(&s, "/r");
    s.no_new_privs = true;
    assert_int_equal(rt_no_hardening(&s, true, why, sizeof(why)), 0);
    assert_refused(rt_no_hardening(&s, false, why, sizeof(why)), why, "no_new_privs");
    spec_init(&s, "/r");
    s.mask_paths = true;
    assert_refused(rt_no_hardening(&s, true, why, sizeof(why)), why, "masked and read-only paths");
    spec_init(&s, "/r");
    s.seccomp_deny = "getpgid";
    assert_refused(rt_no_hardening(&s, true, why, sizeof(why)), why, "a seccomp filter");
}

/* Capability names as OCI spells them; the name libcap hands out is
 * freed (a leak shows as heap that grows with every call). */
static void test_rt_cap_name(void **state)
{
    char buf[64];
    size_t before;
    (void)state;
    assert_string_equal(rt_cap_name(CAP_CHOWN, buf, sizeof(buf)), "CAP_CHOWN");
    assert_string_equal(rt_cap_name(CAP_SYS_ADMIN, buf, sizeof(buf)), "CAP_SYS_ADMIN");
    assert_string_equal(rt_cap_name(CAP_NET_BIND_SERVICE, buf, sizeof(buf)),
                        "CAP_NET_BIND_SERVICE");
    assert_string_equal(rt_cap_name(CAP_CHOWN, buf, 4), "CAP");
    before = mallinfo2().uordblks;
    for (int i = 0; i < 1000; i++)
        rt_cap_name(CAP_DAC_READ_SEARCH, buf, sizeof(buf));
    assert_true(mallinfo2().uordblks < before + 1000);
}

static void test_unshare_default(void **state)
{
    struct iso_spec s;
    struct rt_argv a;
    char why[256];
    (void)state;
    spec_init(&s, "/run/isocheck/c1/root");
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), 0);
    assert_string_equal(joined(&a),
                        "unshare --pid --mount --uts --ipc --net --fork --kill-child "
                        "--propagation private --root=/run/isocheck/c1/root --mount-proc "
                        "/isoprobe pid --wait");
    assert_null(a.argv[a.argc]);
    /* the cgroup and time namespaces in unshare(1)'s words, the offsets
     * each to its own clock */
    s.ns |= CLONE_NEWCGROUP;
    spec_time_offsets(&s, (struct iso_clock_offset){ 30, 0 }, (struct iso_clock_offset){ -7, 0 });
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), 0);
    assert_non_null(
        strstr(joined(&a), " --net --cgroup --time --monotonic 30 --boottime -7 --fork "));
    /* it takes whole seconds only */
    s.boottime.nsec = 5;
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                     ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a clock offset finer than a second");
}

static void test_unshare_unsupported(void **state)
{
    struct iso_spec s;
    struct rt_argv a;
    char why[256];
    (void)state;
    spec_init(&s, "/r");
    s.lim.memory = 1 << 25;
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                     ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a memory limit");
    spec_init(&s, "/r");
    snprintf(s.hostname, sizeof(s.hostname), "h");
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                     ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a hostname");
    spec_init(&s, "/r");
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                     ISO_RT_UNSUPPORTED);
    spec_init(&s, "/r");
    s.root = ISO_ROOT_CHROOT; /* a sabotage only the built-in runtime can apply */
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                     ISO_RT_UNSUPPORTED);
}

/* The spec's propagation in each runtime's words; what one cannot say is
 * refused with the reason; setgroups "deny" only the built-in runtime asks. */
static void test_propagation_and_setgroups(void **state)
{
    static const char *const oci[] = { "rprivate", "rslave", "rshared", "runbindable" };
    static const char *const unshare[] = { "private", "slave", "shared", NULL };
    struct iso_spec s;
    struct rt_argv a;
    char why[256], want[64];
    (void)state;
    for (int p = ISO_PROP_PRIVATE; p <= ISO_PROP_UNBINDABLE; p++) {
        spec_init(&s, "/r");
        s.propagation = (enum iso_prop)p;
        assert_string_equal(rt_oci_propagation(&s), oci[p]);
        if (unshare[p]) {
            assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), 0);
            snprintf(want, sizeof(want), " --propagation %s ", unshare[p]);
            assert_non_null(strstr(joined(&a), want));
        } else {
            assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                             ISO_RT_UNSUPPORTED);
            assert_non_null(strstr(why, "unbindable"));
        }
        /* bwrap: every mount a slave, so private is its known difference */
        assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)),
                         p == ISO_PROP_SHARED || p == ISO_PROP_UNBINDABLE ? ISO_RT_UNSUPPORTED : 0);
    }
    assert_string_equal(spec_propagation_name(ISO_PROP_SLAVE), "slave");
    assert_string_equal(spec_propagation_name(ISO_PROP_UNBINDABLE), "unbindable");
    assert_string_equal(spec_propagation_name((enum iso_prop)9), "?");
    spec_init(&s, "/r");
    s.setgroups_deny = true;
    assert_int_equal(rt_builtin_only(&s, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for setgroups \"deny\" in the user namespace");
    assert_null(rt_oci_config(&s, probe, NULL, NULL, why, sizeof(why)));
}

static void test_bwrap(void **state)
{
    struct iso_spec s;
    struct rt_argv a;
    char why[256];
    (void)state;
    spec_init(&s, "/root-dir");
    snprintf(s.hostname, sizeof(s.hostname), "box");
    s.ns &= ~(unsigned)CLONE_NEWNET; /* a prepared namespace is joined, not made */
    s.drop_caps = true;
    s.caps_keep = 1ull << CAP_CHOWN;
    assert_int_equal(rt_bwrap_argv(&s, "/usr/bin/bwrap", probe, &a, why, sizeof(why)), 0);
    assert_string_equal(joined(&a),
                        "/usr/bin/bwrap --die-with-parent --info-fd 3 --unshare-pid "
                        "--unshare-uts --unshare-ipc --as-pid-1 --hostname box --bind /root-dir / "
                        "--proc /proc --cap-drop ALL --cap-add CAP_CHOWN /isoprobe pid --wait");
    /* the cgroup namespace, spelt as bwrap spells it */
    spec_init(&s, "/r");
    s.ns |= CLONE_NEWCGROUP;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&a), " --unshare-net --unshare-cgroup --as-pid-1 "));
    /* bwrap has no option for a time namespace: refused, saying so */
    s.ns |= CLONE_NEWTIME;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a time namespace");
    spec_init(&s, "/r");
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "uid/gid map"));
}

static json_object *get(json_object *o, const char *path)
{
    char buf[128], *tok, *save = NULL;
    snprintf(buf, sizeof(buf), "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
        if (!json_object_object_get_ex(o, tok, &o))
            return NULL;
    return o;
}

static void test_oci_config(void **state)
{
    struct iso_spec s;
    char why[256] = "";
    char *text;
    json_object *j, *ns, *m;
    (void)state;
    spec_init(&s, "/run/isocheck/c3/root");
    spec_map_root(&s, 100000, 65536);
    s.ns |= CLONE_NEWCGROUP;
    snprintf(s.hostname, sizeof(s.hostname), "oci");
    s.lim.memory = 32u << 20;
    s.lim.pids = 8;
    s.lim.cpu_quota_us = 10000;
    s.lim.cpu_period_us = 100000;
    s.lim.memory_high = 16u << 20;
    s.lim.oom_group = true;
    text = rt_oci_config(&s, probe, "/run/isocheck/c3/bundle/netns", "/isocheck-1-2/c3n1/ctr", why,
                         sizeof(why));
    assert_non_null(text);
    j = json_tokener_parse(text);
    assert_non_null(j);
    assert_string_equal(json_object_get_string(get(j, "root.path")), "/run/isocheck/c3/root");
    assert_string_equal(json_object_get_string(get(j, "hostname")), "oci");
    assert_string_equal(
        json_object_get_string(json_object_array_get_idx(get(j, "process.args"), 0)), "/isoprobe");
    assert_string_equal(
        json_object_get_string(json_object_array_get_idx(get(j, "process.args"), 2)), "--wait");
    /* present and false: without it a runtime may default to a terminal */
    assert_non_null(get(j, "process.terminal"));
    assert_true(json_object_is_type(get(j, "process.terminal"), json_type_boolean));
    assert_false(json_object_get_boolean(get(j, "process.terminal")));
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.memory.limit")), 32 << 20);
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.memory.swap")), 32 << 20);
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.pids.limit")), 8);
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.cpu.quota")), 10000);
    /* v2 files without an OCI field, by name ("memory.high" holds a dot) */
    m = get(j, "linux.resources.unified");
    assert_non_null(m);
    assert_int_equal(json_object_object_length(m), 2);
    assert_true(json_object_object_get_ex(m, "memory.high", &ns));
    assert_string_equal(json_object_get_string(ns), "16777216");
    assert_true(json_object_object_get_ex(m, "memory.oom.group", &ns));
    assert_string_equal(json_object_get_string(ns), "1");
    assert_string_equal(json_object_get_string(get(j, "linux.cgroupsPath")),
                        "/isocheck-1-2/c3n1/ctr");
    assert_string_equal(json_object_get_string(get(j, "linux.rootfsPropagation")), "rprivate");
    m = json_object_array_get_idx(get(j, "linux.uidMappings"), 0);
    assert_int_equal(json_object_get_int64(get(m, "hostID")), 100000);
    assert_int_equal(json_object_get_int64(get(m, "size")), 65536);
    ns = get(j, "linux.namespaces");
    char types[256] = "";
    bool net_path = false;
    for (size_t i = 0; i < json_object_array_length(ns); i++) {
        json_object *e = json_object_array_get_idx(ns, i);
        const char *type = json_object_get_string(get(e, "type"));
        if (strcmp(type, "network") == 0)
            net_path = get(e, "path") && strcmp(json_object_get_string(get(e, "path")),
                                                "/run/isocheck/c3/bundle/netns") == 0;
        snprintf(types + strlen(types), sizeof(types) - strlen(types), "%s ", type);
    }
    assert_true(net_path);
    assert_string_equal(types, "pid mount uts ipc network cgroup user ");
    json_object_put(j);
    free(text);
    /* limits without a place for the cgroup: refused, with the reason */
    assert_null(rt_oci_config(&s, probe, NULL, NULL, why, sizeof(why)));
    assert_non_null(strstr(why, "no way to ask for"));
}

/* A time namespace in config.json; a joined network namespace without
 * CLONE_NEWNET (iso_start clears it) still appears, by path. */
static void test_oci_time_and_joined_net(void **state)
{
    struct iso_spec s;
    char why[256] = "", *text;
    json_object *j, *ns;
    (void)state;
    spec_init(&s, "/r");
    s.ns = CLONE_NEWNS;
    spec_time_offsets(&s, (struct iso_clock_offset){ 30, 5 }, (struct iso_clock_offset){ 40, 6 });
    text = rt_oci_config(&s, probe, "/b/netns", "/cg", why, sizeof(why));
    assert_non_null(text);
    j = json_tokener_parse(text);
    assert_int_equal(json_object_get_int64(get(j, "linux.timeOffsets.monotonic.secs")), 30);
    assert_int_equal(json_object_get_int64(get(j, "linux.timeOffsets.monotonic.nanosecs")), 5);
    assert_int_equal(json_object_get_int64(get(j, "linux.timeOffsets.boottime.secs")), 40);
    assert_int_equal(json_object_get_int64(get(j, "linux.timeOffsets.boottime.nanosecs")), 6);
    assert_null(get(j, "linux.resources.unified")); /* nothing asked of it */
    ns = get(j, "linux.namespaces");
    assert_int_equal(json_object_array_length(ns), 3);
    assert_string_equal(json_object_get_string(get(json_object_array_get_idx(ns, 0), "type")),
                        "mount");
    assert_string_equal(json_object_get_string(get(json_object_array_get_idx(ns, 1), "type")),
                        "network");
    assert_string_equal(json_object_get_string(get(json_object_array_get_idx(ns, 1), "path")),
                        "/b/netns");
    assert_string_equal(json_object_get_string(get(json_object_array_get_idx(ns, 2), "type")),
                        "time");
    json_object_put(j);
    free(text);
}

/* The hardening a spec asks for: all five capability sets stated (an
 * empty inheritable and ambient set included), no_new_privs, the OCI
 * default masked and read-only paths, a one-rule seccomp filter; bwrap
 * and unshare(1) refuse what they cannot express. */
static void test_oci_hardening(void **state)
{
    struct iso_spec s;
    char why[256] = "", *text;
    struct rt_argv a;
    json_object *j, *rule;
    (void)state;
    spec_init(&s, "/r");
    s.drop_caps = true;
    s.caps_keep = 1ull << CAP_CHOWN;
    text = rt_oci_config(&s, probe, NULL, "/cg", why, sizeof(why));
    j = json_tokener_parse(text);
    assert_int_equal(json_object_array_length(get(j, "process.capabilities.inheritable")), 0);
    assert_int_equal(json_object_array_length(get(j, "process.capabilities.ambient")), 0);
    assert_int_equal(json_object_array_length(get(j, "process.capabilities.bounding")), 1);
    assert_false(json_object_get_boolean(get(j, "process.noNewPrivileges")));
    assert_null(get(j, "linux.maskedPaths"));
    assert_null(get(j, "linux.seccomp"));
    json_object_put(j);
    free(text);
    s.caps_inh = s.caps_amb = 1ull << CAP_CHOWN;
    s.no_new_privs = s.mask_paths = true;
    s.seccomp_deny = "getpgid";
    s.seccomp_errno = 15;
    text = rt_oci_config(&s, probe, NULL, "/cg", why, sizeof(why));
    j = json_tokener_parse(text);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(
                            get(j, "process.capabilities.inheritable"), 0)),
                        "CAP_CHOWN");
    assert_string_equal(json_object_get_string(
                            json_object_array_get_idx(get(j, "process.capabilities.ambient"), 0)),
                        "CAP_CHOWN");
    assert_true(json_object_get_boolean(get(j, "process.noNewPrivileges")));
    assert_string_equal(
        json_object_get_string(json_object_array_get_idx(get(j, "linux.maskedPaths"), 2)),
        "/proc/keys");
    assert_string_equal(
        json_object_get_string(json_object_array_get_idx(get(j, "linux.readonlyPaths"), 3)),
        "/proc/sys");
    assert_string_equal(json_object_get_string(get(j, "linux.seccomp.defaultAction")),
                        "SCMP_ACT_ALLOW");
    rule = json_object_array_get_idx(get(j, "linux.seccomp.syscalls"), 0);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(get(rule, "names"), 0)),
                        "getpgid");
    assert_string_equal(json_object_get_string(get(rule, "action")), "SCMP_ACT_ERRNO");
    assert_int_equal(json_object_get_int(get(rule, "errnoRet")), 15);
    json_object_put(j);
    free(text);
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for an inheritable or ambient capability set");
    s.caps_inh = s.caps_amb = 0;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for masked and read-only paths");
    s.mask_paths = false;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a seccomp filter");
    s.seccomp_deny = NULL;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)),
                     0); /* it always sets nnp */
    s.drop_caps = false;
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                     ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for no_new_privs");
    s.no_new_privs = false;
    s.leak_fd = true; /* a sabotage only the built-in runtime has */
    assert_null(rt_oci_config(&s, probe, NULL, "/cg", why, sizeof(why)));
    s.leak_fd = false;
    s.follow_image_symlinks = true; /* and another */
    assert_null(rt_oci_config(&s, probe, NULL, "/cg", why, sizeof(why)));
    assert_string_equal(why, "no way to ask for the built-in runtime's sabotages");
}

/* Every namespace the kernel has is a row; each row says everything. */
static void test_ns_table(void **state)
{
    unsigned seen = 0;
    (void)state;
    assert_int_equal(ns_count, 8);
    for (size_t i = 0; i < ns_count; i++) {
        const struct ns_kind *k = &ns_kinds[i];
        char path[64];
        assert_int_equal(k->flag & (k->flag - 1), 0); /* one bit */
        assert_int_equal(seen & k->flag, 0);          /* no row twice */
        seen |= k->flag;
        assert_ptr_equal(ns_by_flag(k->flag), k);
        assert_non_null(k->proc);
        assert_non_null(k->oci);
        assert_non_null(k->what);
        assert_non_null(k->unshare);
        assert_true(strncmp(k->unshare, "--", 2) == 0);
        assert_true(!k->bwrap || k->bwrap[0] == '\0' || strncmp(k->bwrap, "--", 2) == 0);
        snprintf(path, sizeof(path), "/proc/self/ns/%s", k->proc);
        assert_int_equal(access(path, F_OK), 0); /* the kernel's own name */
    }
    assert_int_equal(seen, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
                               CLONE_NEWCGROUP | CLONE_NEWUSER | CLONE_NEWTIME);
    assert_int_equal(ns_all_flags(), seen);
    assert_string_equal(ns_by_flag(CLONE_NEWNET)->oci, "network");
    assert_string_equal(ns_by_flag(CLONE_NEWNS)->oci, "mount");
    assert_string_equal(ns_by_flag(CLONE_NEWNS)->proc, "mnt");
    assert_string_equal(ns_by_flag(CLONE_NEWCGROUP)->bwrap, "--unshare-cgroup");
    assert_string_equal(ns_by_flag(CLONE_NEWTIME)->unshare, "--time");
    assert_null(ns_by_flag(CLONE_NEWTIME)->bwrap);
    assert_null(ns_by_flag(SIGCHLD));
}

/* Every driver row has every function, a unique name, and a binary
 * exactly when it is external, named as the driver unless the runtime's
 * command has a name of its own. */
static void test_driver_table(void **state)
{
    const char *order[] = { "builtin", "unshare", "bwrap",  "crun",  "runc",
                            "podman",  "lxc",     "nspawn", "docker" };
    static const struct {
        const char *name, *exe;
    } own_exe[] = { { "lxc", "lxc-start" }, { "nspawn", "systemd-nspawn" } };
    (void)state;
    assert_int_equal(rt_count(), 9);
    assert_null(rt_at(-1));
    assert_null(rt_at(rt_count()));
    assert_null(rt_lookup("no-such-runtime"));
    for (int i = 0; i < rt_count(); i++) {
        const struct iso_runtime *rt = rt_at(i);
        const char *exe = rt->name;
        assert_string_equal(rt->name, order[i]);
        assert_ptr_equal(rt_lookup(rt->name), rt);
        assert_non_null(strstr(rt_names(), rt->name));
        assert_non_null(rt->available);
        assert_non_null(rt->version);
        assert_non_null(rt->translate);
        assert_non_null(rt->spawn);
        assert_non_null(rt->init_pid);
        assert_non_null(rt->cleanup);
        assert_int_equal(rt->bin != NULL, rt->external);
        assert_int_equal(rt->harness_cgroups, !rt->external);
        for (size_t k = 0; k < ARRAY_LEN(own_exe); k++)
            if (strcmp(rt->name, own_exe[k].name) == 0)
                exe = own_exe[k].exe;
        assert_int_equal(rt->daemon_start != NULL,
                         rt->daemon_stop != NULL); /* a daemon started is stopped */
        if (rt->bin)
            assert_string_equal(rt->bin->exe, exe);
    }
    assert_string_equal(rt_names(),
                        "builtin, unshare, bwrap, crun, runc, podman, lxc, nspawn, docker, all");
}

/* A run's cgroups as the drivers that make their own below it see them. */
static void fake_run_cgroups(void)
{
    static struct iso_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.cg.version = 1;
    cfg.cg.oci_ok = true;
    snprintf(cfg.cg.oci_base, sizeof(cfg.cg.oci_base), "own");
    snprintf(cfg.cg.run, sizeof(cfg.cg.run), "isocheck-1-2");
    rt_configure(&cfg);
}

static int translate(const char *name, struct iso_spec *s, struct rt_cmd *cmd, char *why,
                     size_t len)
{
    const struct iso_runtime *rt = rt_lookup(name);
    snprintf(s->id, sizeof(s->id), "c3n1");
    s->workdir = "/run/isocheck/c3";
    free(cmd->config);
    cmd->config = NULL;
    return rt->translate(rt, s, probe, cmd, why, len);
}

/* LXC: a config file that says what the spec asks, the probe after "--". */
static void test_lxc_config(void **state)
{
    struct rt_cmd cmd = { .config = NULL };
    struct iso_spec s;
    char why[256] = "";
    (void)state;
    fake_run_cgroups();
    spec_init(&s, "/run/isocheck/c3/root");
    snprintf(s.hostname, sizeof(s.hostname), "lxc");
    s.readonly_root = true;
    s.drop_caps = true;
    s.caps_keep = 1ull << CAP_CHOWN;
    s.lim.pids = 8;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " -n c3n1 -P /run/isocheck/c3/lxc -F -f "
                                           "/run/isocheck/c3/lxc/c3n1.conf"));
    assert_non_null(strstr(joined(&cmd.a), " -l INFO -- /isoprobe pid --wait"));
    assert_non_null(strstr(cmd.config, "lxc.rootfs.path = dir:/run/isocheck/c3/root\n"));
    assert_non_null(strstr(cmd.config, "lxc.namespace.clone = pid mnt uts ipc net\n"));
    assert_non_null(strstr(cmd.config, "lxc.net.0.type = empty\n"));
    assert_non_null(strstr(cmd.config, "lxc.uts.name = lxc\n"));
    assert_non_null(strstr(cmd.config, "lxc.rootfs.options = ro\n"));
    assert_non_null(strstr(cmd.config, "lxc.cap.keep = none\nlxc.cap.keep = chown\n"));
    assert_non_null(strstr(cmd.config, "lxc.cgroup.pids.max = 8\n"));
    assert_non_null(strstr(cmd.config, "lxc.cgroup.dir.container = ctr\n"));
    assert_null(strstr(cmd.config, "lxc.no_new_privs"));
    s.readonly_root = false;
    s.ns &= ~(unsigned)CLONE_NEWNET; /* the caller's network: no empty one */
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_null(strstr(cmd.config, "lxc.net.0.type"));
    assert_null(strstr(cmd.config, "lxc.rootfs.options"));
    s.mask_paths = true;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "masked"));
    s.mask_paths = false;
    spec_time_offsets(&s, (struct iso_clock_offset){ 5, 10 }, (struct iso_clock_offset){ 0, 0 });
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    spec_time_offsets(&s, (struct iso_clock_offset){ 5, 0 }, (struct iso_clock_offset){ 0, 7 });
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(cmd.config, "lxc.time.offset.monotonic = 5s\n"));
    assert_non_null(strstr(cmd.config, "lxc.time.offset.boot = 7ns\n"));
    free(cmd.config);
    rt_configure(NULL);
}

/* LXC on cgroup v2: the limits in v2 names, memory.high and
 * memory.oom.group among them; on v1 those two are refused. */
static void test_lxc_config_v2(void **state)
{
    static struct iso_config cfg;
    struct rt_cmd cmd = { .config = NULL };
    struct iso_spec s;
    char why[256] = "";
    (void)state;
    fake_run_cgroups();
    cfg = *rt_config();
    cfg.cg.version = 2;
    rt_configure(&cfg);
    spec_init(&s, "/run/isocheck/c3/root");
    s.lim.memory = 64 << 20;
    s.lim.memory_high = 32 << 20;
    s.lim.oom_group = true;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(cmd.config, "lxc.cgroup2.memory.max = 67108864\n"));
    assert_non_null(strstr(cmd.config, "lxc.cgroup2.memory.high = 33554432\n"));
    assert_non_null(strstr(cmd.config, "lxc.cgroup2.memory.oom.group = 1\n"));
    s.lim.memory_high = 0;
    s.lim.oom_group = false;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_null(strstr(cmd.config, "memory.high"));
    assert_null(strstr(cmd.config, "memory.oom.group"));
    cfg.cg.version = 1;
    s.lim.oom_group = true;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "memory.oom.group"));
    free(cmd.config);
    rt_configure(NULL);
}

/* systemd-nspawn: its options, and what it has none for. */
static void test_nspawn_argv(void **state)
{
    struct rt_cmd cmd = { .config = NULL };
    struct iso_spec s;
    char why[256] = "";
    (void)state;
    fake_run_cgroups();
    spec_init(&s, "/run/isocheck/c3/root");
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --register=no --keep-unit --console=pipe "));
    assert_non_null(strstr(joined(&cmd.a), " --directory=/run/isocheck/c3/root "));
    assert_non_null(strstr(joined(&cmd.a), " --private-network "));
    assert_non_null(strstr(joined(&cmd.a), " --capability=all -- /isoprobe pid --wait"));
    s.drop_caps = true;
    s.caps_keep = 1ull << CAP_CHOWN;
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --capability=CAP_CHOWN --drop-capability=CAP_DAC_"));
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --private-users=100000:65536 "));
    s.n_uid_map = 2;
    s.uid_map[1] = (struct iso_idmap){ 70000, 300000, 1 };
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    spec_init(&s, "/run/isocheck/c3/root");
    s.lim.memory = 1 << 20;
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "memory limit"));
    spec_init(&s, "/run/isocheck/c3/root");
    s.ns &= ~(unsigned)CLONE_NEWPID;
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "PID namespace"));
    rt_configure(NULL);
}

/* A spec that asks for the hardening and, over it, the runtime's own
 * defaults (as hardening.runtime_default_spec does). */
static void defaults_spec(struct iso_spec *s)
{
    spec_init(s, "/run/isocheck/c3/root");
    s->runtime_defaults = true;
    s->drop_caps = true;
    s->caps_keep = (1ull << CAP_KILL) | (1ull << CAP_AUDIT_WRITE);
    s->no_new_privs = true;
    s->mask_paths = true;
    s->readonly_root = true;
    s->seccomp_deny = "keyctl";
    s->seccomp_errno = 38;
}

/* systemd-nspawn with its own defaults: what runs it here (directory,
 * quiet, no machined, no unit, pipes, namespaces), none of the hardening
 * options (so nspawn applies its own capability set, filter and /proc). */
static void test_nspawn_defaults(void **state)
{
    static const char *const absent[] = { "--capability", "--drop-capability",
                                          "--no-new-privileges", "--system-call-filter",
                                          "--read-only" };
    struct rt_cmd cmd = { .config = NULL };
    struct iso_spec s;
    char why[256] = "";
    (void)state;
    fake_run_cgroups();
    defaults_spec(&s);
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --quiet --register=no --keep-unit --console=pipe "));
    assert_non_null(strstr(joined(&cmd.a), " --directory=/run/isocheck/c3/root "));
    assert_non_null(strstr(joined(&cmd.a), " --private-network "));
    assert_non_null(strstr(joined(&cmd.a), " -- /isoprobe pid --wait"));
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        assert_null(strstr(joined(&cmd.a), absent[i]));
    /* an inheritable set is not asked for either: no refusal */
    s.caps_inh = 1ull << CAP_KILL;
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --private-users=100000:65536 "));
    assert_null(strstr(joined(&cmd.a), "--capability"));
    /* without the defaults the same spec is refused (no masked paths) */
    s.runtime_defaults = false;
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    rt_configure(NULL);
}

/* LXC with its own defaults: common.conf included first, then only what
 * runs it here; none of the harness's capability, no_new_privs, seccomp,
 * AppArmor, /proc or read-only keys. Without common.conf: a skip. */
static void test_lxc_defaults(void **state)
{
    static const char *const absent[] = {
        "lxc.cap.",     "lxc.no_new_privs", "lxc.seccomp",
        "lxc.apparmor", "lxc.mount.auto",   "lxc.rootfs.options"
    };
    struct rt_cmd cmd = { .config = NULL };
    struct iso_spec s;
    char why[256] = "";
    (void)state;
    fake_run_cgroups();
    defaults_spec(&s);
    if (access("/usr/share/lxc/config/common.conf", R_OK) < 0) {
        assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
        assert_non_null(strstr(why, "common.conf"));
        rt_configure(NULL);
        return;
    }
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_ptr_equal(strstr(cmd.config, "lxc.include = /usr/share/lxc/config/common.conf\n"),
                     cmd.config);
    assert_non_null(strstr(cmd.config, "lxc.rootfs.path = dir:/run/isocheck/c3/root\n"));
    assert_non_null(strstr(cmd.config, "lxc.namespace.clone = pid mnt uts ipc net\n"));
    assert_non_null(strstr(cmd.config, "lxc.net.0.type = empty\n"));
    assert_non_null(strstr(cmd.config, "lxc.console.path = none\n"));
    assert_non_null(strstr(cmd.config, "lxc.cgroup.dir.container = ctr\n"));
    assert_non_null(strstr(joined(&cmd.a), " -l INFO -- /isoprobe pid --wait"));
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        assert_null(strstr(cmd.config, absent[i]));
    /* without the defaults: no include, and the spec is refused */
    s.runtime_defaults = false;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    s.mask_paths = false;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_null(strstr(cmd.config, "lxc.include"));
    assert_non_null(strstr(cmd.config, "lxc.no_new_privs = 1\n"));
    free(cmd.config);
    rt_configure(NULL);
}

/* systemd-nspawn exits 1 when its container's init was killed and says
 * by which signal on stderr: reported as 128+N like every runtime. */
static void test_nspawn_exit_status(void **state)
{
    const struct iso_runtime *rt = rt_lookup("nspawn");
    (void)state;
    assert_int_equal(
        rt->exit_status(W_EXITCODE(1, 0), "Container c3n1 terminated by signal KILL.\n"),
        W_EXITCODE(128 + SIGKILL, 0));
    assert_int_equal(
        rt->exit_status(W_EXITCODE(1, 0), "x\nContainer c3n1 terminated by signal TERM."),
        W_EXITCODE(128 + SIGTERM, 0));
    /* the probe's own exit 1, another status, an unknown name: as they are */
    assert_int_equal(rt->exit_status(W_EXITCODE(1, 0), "probe: failed\n"), W_EXITCODE(1, 0));
    assert_int_equal(rt->exit_status(W_EXITCODE(3, 0), "terminated by signal KILL."),
                     W_EXITCODE(3, 0));
    assert_int_equal(rt->exit_status(W_EXITCODE(1, 0), "terminated by signal NOPE."),
                     W_EXITCODE(1, 0));
}

/* podman: state in the case's directory, namespaces private or host, the
 * directory as the image argument. */
static void test_podman_argv(void **state)
{
    struct rt_cmd cmd = { .config = NULL };
    struct iso_spec s;
    char why[256] = "";
    (void)state;
    fake_run_cgroups();
    spec_init(&s, "/run/isocheck/c3/root");
    assert_int_equal(translate("podman", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --root=/run/isocheck/c3/podman/root "));
    assert_non_null(strstr(joined(&cmd.a), " create --rm -i --name=c3n1 --rootfs "
                                           "--cgroup-parent=/own/isocheck-1-2/c3n1 "));
    assert_non_null(strstr(joined(&cmd.a), " --network=none --pid=private --ipc=private "
                                           "--uts=private --cgroupns=host "));
    assert_non_null(strstr(joined(&cmd.a), " --security-opt=seccomp=unconfined "
                                           "--security-opt=unmask=ALL --cap-add=all "));
    assert_non_null(strstr(joined(&cmd.a), " /run/isocheck/c3/root /isoprobe pid --wait"));
    s.ns &= ~(unsigned)(CLONE_NEWPID | CLONE_NEWNET);
    s.mask_paths = true;
    s.lim.memory = 1 << 20;
    assert_int_equal(translate("podman", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --network=host --pid=host "));
    assert_null(strstr(joined(&cmd.a), "unmask"));
    assert_non_null(strstr(joined(&cmd.a), " --memory=1048576 --memory-swap=1048576 "));
    spec_time_offsets(&s, (struct iso_clock_offset){ 5, 0 }, (struct iso_clock_offset){ 0, 0 });
    assert_int_equal(translate("podman", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    rt_configure(NULL); /* no cgroup below the run's: nowhere to put the container */
    spec_init(&s, "/run/isocheck/c3/root");
    assert_int_equal(translate("podman", &s, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "cgroup"));
}

/* docker: one create command line; what it cannot express is refused. */
static void test_docker_translate(void **state)
{
    const struct iso_runtime *rt = rt_lookup("docker");
    static struct rt_cmd cmd;
    struct iso_spec s;
    char why[256];
    const char *j;
    (void)state;
    spec_init(&s, "/run/isocheck/c3/root");
    snprintf(s.id, sizeof(s.id), "c3n1");
    s.workdir = "/run/isocheck/c3";
    s.join_netns_fd = -1;
    assert_int_equal(rt->translate(rt, &s, probe, &cmd, why, sizeof(why)), 0);
    j = joined(&cmd.a);
    assert_non_null(strstr(j, " create -i -a stdin -a stdout -a stderr --name=c3n1 "));
    assert_non_null(strstr(j, " --network=none "));
    assert_null(strstr(j, "--pid=host"));
    assert_non_null(strstr(j, " --ipc=private --cgroupns=host --cap-drop=ALL --cap-add=CAP_"));
    assert_non_null(strstr(j, " --security-opt=seccomp=unconfined "));
    assert_non_null(strstr(j, " --security-opt=systempaths=unconfined "));
    assert_non_null(strstr(j, " --volume=/run/isocheck/c3/dxchg:/mnt/xchg "));
    assert_non_null(strstr(j, " isocheck-rootfs:run /isoprobe pid --wait"));
    /* a prepared network namespace is joined through the pause container;
     * the pid namespace shared under its sabotage */
    s.join_netns_fd = 5;
    s.ns &= ~(unsigned)(CLONE_NEWNET | CLONE_NEWPID);
    s.mask_paths = s.no_new_privs = true;
    assert_int_equal(rt->translate(rt, &s, probe, &cmd, why, sizeof(why)), 0);
    j = joined(&cmd.a);
    assert_non_null(strstr(j, " --network=container:c3n1p "));
    assert_non_null(strstr(j, " --pid=host "));
    assert_null(strstr(j, "systempaths"));
    assert_non_null(strstr(j, " --security-opt=no-new-privileges "));
    /* refused: a user namespace other than the remapped daemon's, a time
     * namespace, the case's UTS namespace */
    spec_init(&s, "/run/isocheck/c3/root");
    spec_map_root(&s, 200000, 65536);
    assert_int_equal(rt->translate(rt, &s, probe, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "a user namespace other than 0 100000 65536"));
    /* the remapped daemon's one range, when that daemon is there */
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(rt->translate(rt, &s, probe, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "the dockerd with --userns-remap is not there: not started");
    spec_init(&s, "/run/isocheck/c3/root");
    s.ns |= CLONE_NEWTIME;
    assert_refused(rt->translate(rt, &s, probe, &cmd, why, sizeof(why)), why, "a time namespace");
    spec_init(&s, "/run/isocheck/c3/root");
    s.ns &= ~(unsigned)CLONE_NEWUTS;
    assert_int_equal(rt->translate(rt, &s, probe, &cmd, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    /* an image of the case's own is imported under the container's name */
    spec_init(&s, "/run/isocheck/c3/absolute/root");
    snprintf(s.id, sizeof(s.id), "c3n2");
    assert_int_equal(rt->translate(rt, &s, probe, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " isocheck-c3n2:case /isoprobe pid --wait"));
}

/* The container id in what "podman create" or "docker create" printed:
 * podman 3.4 warns first of configuration keys it does not know, on the
 * same pipe; anything but 64 lowercase hex digits is no id. */
static void test_container_id(void **state)
{
    const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char out[512];

    (void)state;
    snprintf(out, sizeof(out), "%s\n", id);
    assert_int_equal(rt_container_id(out), 0);
    assert_string_equal(out, id);
    snprintf(out, sizeof(out),
             "WARN[0000] Failed to decode the keys [\"network.network_backend\"] from "
             "\"/run/isocheck/c3/podman/containers.conf\".\n%s\n",
             id);
    assert_int_equal(rt_container_id(out), 0);
    assert_string_equal(out, id);
    snprintf(out, sizeof(out), "%s", id); /* no newline at the end */
    assert_int_equal(rt_container_id(out), 0);
    assert_string_equal(out, id);
    snprintf(out, sizeof(out), "%sa\n", id); /* 65 digits */
    assert_int_equal(rt_container_id(out), -1);
    snprintf(out, sizeof(out), "%.63s\n", id); /* 63 */
    assert_int_equal(rt_container_id(out), -1);
    snprintf(out, sizeof(out), "%.63sA\n", id); /* upper case */
    assert_int_equal(rt_container_id(out), -1);
    snprintf(out, sizeof(out), "Error: short-name resolution enforced\n");
    assert_int_equal(rt_container_id(out), -1);
    out[0] = '\0';
    assert_int_equal(rt_container_id(out), -1);
}

/* podman's [network] table: CNI asked for on podman 4 only. */
static void test_podman_network_conf(void **state)
{
    char out[512];

    (void)state;
    rt_podman_network_conf(4, "/run/isocheck/c3/podman", out, sizeof(out));
    assert_string_equal(out, "[network]\nnetwork_backend = \"cni\"\n"
                             "network_config_dir = \"/run/isocheck/c3/podman/net\"\n");
    for (int major = 0; major <= 5; major += (major == 0 ? 3 : 2)) {
        rt_podman_network_conf(major, "/d", out, sizeof(out));
        assert_string_equal(out, "[network]\nnetwork_config_dir = \"/d/net\"\n");
    }
}

/* The process's cwd and user and the spec's mounts in podman's, docker's,
 * LXC's and systemd-nspawn's terms, as oci.c writes them into config.json
 * (process.cwd, process.user, mounts[]); what one cannot express is
 * refused with the reason. */
static void spec_process_mounts(struct iso_spec *s)
{
    spec_init(s, "/run/isocheck/c3/root");
    s->cwd = "/bin";
    s->uid = 1000, s->gid = 1001;
    s->drop_caps = true;
    s->caps_keep = 1ull << CAP_CHOWN;
    s->mounts[0] = (struct iso_mount){ ISO_MOUNT_BIND, "/etc/passwd", "/etc/hostname" };
    s->mounts[1] = (struct iso_mount){ ISO_MOUNT_BIND, "/", "/mnt/data" };
    s->mounts[2] = (struct iso_mount){ ISO_MOUNT_TMPFS, NULL, "/tmp" };
    s->n_mounts = 3;
}

/* Refused, the reason naming part. */
static void assert_refused_for(int rc, const char *why, const char *part)
{
    assert_int_equal(rc, ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, part));
}

static void test_ext_process_mounts(void **state)
{
    static struct rt_cmd cmd;
    struct iso_spec s;
    char why[256] = "";
    const char *j;
    (void)state;
    fake_run_cgroups();

    /* podman: no --cap-add for a non-root user (it would land in the
     * ambient set): only drops from the case's every-capability default */
    spec_process_mounts(&s);
    assert_int_equal(translate("podman", &s, &cmd, why, sizeof(why)), 0);
    j = joined(&cmd.a);
    assert_non_null(strstr(j, " --workdir=/bin --user=1000:1001 "));
    assert_non_null(strstr(j, " --mount=type=bind,source=/etc/passwd,target=/etc/hostname "
                              "--mount=type=bind,source=/,target=/mnt/data "
                              "--tmpfs=/tmp:rw,exec,nosuid,nodev,mode=755,size=1m "));
    assert_null(strstr(j, "--cap-add"));
    assert_null(strstr(j, "--cap-drop=CAP_CHOWN"));
    assert_null(strstr(j, "--cap-drop=all"));
    assert_non_null(strstr(j, " --cap-drop=CAP_DAC_OVERRIDE "));
    s.mounts[0].kind = ISO_MOUNT_SYSFS;
    assert_refused_for(translate("podman", &s, &cmd, why, sizeof(why)), why, "a sysfs mount");
    spec_init(&s, "/run/isocheck/c3/root");
    assert_int_equal(translate("podman", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --workdir=/ "));
    assert_null(strstr(joined(&cmd.a), "--user"));
    assert_null(strstr(joined(&cmd.a), "--mount"));

    /* docker */
    spec_process_mounts(&s);
    s.join_netns_fd = -1;
    assert_int_equal(translate("docker", &s, &cmd, why, sizeof(why)), 0);
    j = joined(&cmd.a);
    assert_non_null(strstr(j, " --mount=type=bind,source=/etc/passwd,target=/etc/hostname "
                              "--mount=type=bind,source=/,target=/mnt/data "
                              "--tmpfs=/tmp:rw,exec,nosuid,nodev,mode=755,size=1m "
                              "--workdir=/bin --user=1000:1001 "));
    s.mounts[2].kind = ISO_MOUNT_SYSFS;
    assert_refused_for(translate("docker", &s, &cmd, why, sizeof(why)), why, "a sysfs mount");
    spec_init(&s, "/run/isocheck/c3/root");
    s.join_netns_fd = -1;
    assert_int_equal(translate("docker", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --workdir=/ "));
    assert_null(strstr(joined(&cmd.a), "--user"));

    /* LXC: a target made inside the root as a file or a directory, as the
     * source is */
    spec_process_mounts(&s);
    s.mounts[3] = (struct iso_mount){ ISO_MOUNT_SYSFS, NULL, "/sys" };
    s.n_mounts = 4;
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(cmd.config, "lxc.init.cwd = /bin\n"));
    assert_non_null(strstr(cmd.config, "lxc.init.uid = 1000\nlxc.init.gid = 1001\n"));
    assert_non_null(strstr(cmd.config, "lxc.mount.entry = /etc/passwd etc/hostname none "
                                       "rbind,create=file 0 0\n"
                                       "lxc.mount.entry = / mnt/data none rbind,create=dir 0 0\n"
                                       "lxc.mount.entry = tmpfs tmp tmpfs nosuid,nodev,mode=755,"
                                       "size=1m,create=dir 0 0\n"
                                       "lxc.mount.entry = sysfs sys sysfs ro,nosuid,noexec,nodev,"
                                       "create=dir 0 0\n"));
    s.mounts[1].dest = "/mnt/da ta";
    assert_refused_for(translate("lxc", &s, &cmd, why, sizeof(why)), why, "white space");
    spec_init(&s, "/run/isocheck/c3/root");
    assert_int_equal(translate("lxc", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(cmd.config, "lxc.init.cwd = /\n"));
    assert_null(strstr(cmd.config, "lxc.init.uid"));
    assert_null(strstr(cmd.config, "lxc.mount.entry"));

    /* systemd-nspawn: binds and the cwd; no user by number, no nosuid
     * tmpfs, no sysfs */
    spec_process_mounts(&s);
    s.uid = s.gid = 0;
    s.n_mounts = 2;
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&cmd.a), " --chdir=/bin --bind=/etc/passwd:/etc/hostname "
                                           "--bind=/:/mnt/data -- /isoprobe"));
    s.uid = 1000;
    assert_refused_for(translate("nspawn", &s, &cmd, why, sizeof(why)), why, "a user by number");
    s.uid = 0, s.n_mounts = 3;
    assert_refused_for(translate("nspawn", &s, &cmd, why, sizeof(why)), why, "a nosuid tmpfs");
    s.mounts[2].kind = ISO_MOUNT_SYSFS;
    assert_refused_for(translate("nspawn", &s, &cmd, why, sizeof(why)), why, "a sysfs mount");
    spec_init(&s, "/run/isocheck/c3/root");
    assert_int_equal(translate("nspawn", &s, &cmd, why, sizeof(why)), 0);
    assert_null(strstr(joined(&cmd.a), "--chdir"));
    assert_null(strstr(joined(&cmd.a), "--bind"));
    free(cmd.config);
    cmd.config = NULL;
    rt_configure(NULL);
}

/* A built-in container's init is the process it cloned. */
static void test_builtin_init_pid(void **state)
{
    struct rt_proc p = { .pid = 4242, .status_fd = -1, .info_fd = -1 };
    struct iso_err err = { 0, "" };
    pid_t init = -1;
    (void)state;
    assert_int_equal(rt_lookup("builtin")->init_pid(&p, &init, &err), 0);
    assert_int_equal(init, 4242);
}

/* unshare(1): its only child is the init; bwrap: child-pid on --info-fd. */
static void test_external_init_pid(void **state)
{
    struct rt_proc p = { .pid = getpid(), .status_fd = -1, .info_fd = -1 };
    struct iso_err err = { 0, "" };
    const char *info = "{\n    \"child-pid\": 31337,\n    \"pid-namespace\": 4026532260\n}\n";
    pid_t init = -1, child;
    int fds[2];
    (void)state;
    child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    assert_int_equal(rt_lookup("unshare")->init_pid(&p, &init, &err), 0);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    assert_int_equal(init, child);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], info, strlen(info)), (ssize_t)strlen(info));
    p.info_fd = fds[0];
    assert_int_equal(rt_lookup("bwrap")->init_pid(&p, &init, &err), 0);
    assert_int_equal(init, 31337);
    close(fds[0]), close(fds[1]);
}

/* clone3: CLONE_NEWTIME is a namespace, not exit-signal bits; the child
 * ends with SIGCHLD (plain waitpid reaps it); a pidfd on request. */
static void test_clone3(void **state)
{
    char before[64] = "", after[64] = "";
    int pidfd = -1, status;
    pid_t pid;
    (void)state;
    if (under_qemu_user("the emulator has no clone3 (ENOSYS)"))
        skip();
    pid = sys_clone3(0, &pidfd);
    if (pid == 0)
        _exit(7);
    assert_true(pid > 0);
    assert_true(pidfd >= 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 7);
    close(pidfd);

    assert_true(readlink("/proc/self/ns/time", before, sizeof(before) - 1) > 0);
    pid = sys_clone3(CLONE_NEWTIME | CLONE_NEWCGROUP, NULL);
    if (pid < 0 && errno == EPERM)
        skip(); /* not root: the flags were accepted, the privilege is missing */
    if (pid == 0) {
        ssize_t n = readlink("/proc/self/ns/time", after, sizeof(after) - 1);
        _exit(n > 0 && strcmp(before, after) != 0 ? 0 : 1);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0); /* the child was in a new time namespace */
}

static void test_known(void **state)
{
    struct known k[8];
    char why[256];
    const char *text = "# comment\n\n"
                       "net.only_loopback  *  brings lo up\n"
                       "caps.x  0.8.0-0.8.99  keeps the bounding set # trailing comment\n"
                       "pid.y   1.10  only that one\n";
    (void)state;
    assert_int_equal(known_parse(text, "bwrap.known", "bwrap", k, 0, 8, why, sizeof(why)), 3);
    assert_string_equal(known_match(k, 3, "bwrap", "9.9", "net.only_loopback"), "brings lo up");
    assert_null(known_match(k, 3, "crun", "9.9", "net.only_loopback")); /* another runtime */
    assert_string_equal(known_match(k, 3, "bwrap", "0.8.0", "caps.x"), "keeps the bounding set");
    assert_string_equal(known_match(k, 3, "bwrap", "0.8.12", "caps.x"), "keeps the bounding set");
    assert_null(known_match(k, 3, "bwrap", "0.9.0", "caps.x"));
    assert_null(known_match(k, 3, "bwrap", NULL, "caps.x")); /* unknown version: no match */
    assert_null(known_match(k, 3, "bwrap", "1.9", "pid.y"));
    assert_non_null(known_match(k, 3, "bwrap", "1.10", "pid.y"));
    assert_int_equal(known_version_cmp("1.10", "1.9"), 1);
    assert_int_equal(known_version_cmp("2.38.1", "2.38.1"), 0);
    assert_int_equal(known_version_cmp("2.38", "2.38.1"), -1);
    assert_int_equal(known_parse("case-without-range\n", "x.known", "x", k, 0, 8, why, sizeof(why)),
                     -1);
    assert_string_equal(why,
                        "x.known:1: expected \"CASE VERSIONS REASON\" (VERSIONS: *, X or X-Y)");
    assert_int_equal(known_parse("a 1.x reason\n", "y.known", "y", k, 0, 8, why, sizeof(why)), -1);
    assert_int_equal(known_parse("a 1.0\n", "z.known", "z", k, 0, 8, why, sizeof(why)),
                     -1); /* no reason */
}

/* The process's cwd and user, the OCI default device rule, only the
 * capabilities the runtime knows; cwd and user for bwrap and unshare(1);
 * what neither can express: create/start, a default spec, bwrap's user. */
static void test_cwd_user_devices(void **state)
{
    struct iso_spec s;
    char why[256] = "", *text;
    struct rt_argv a;
    json_object *j;
    (void)state;
    spec_init(&s, "/r");
    text = rt_oci_config(&s, probe, NULL, "/cg", why, sizeof(why));
    j = json_tokener_parse(text);
    assert_string_equal(json_object_get_string(get(j, "process.cwd")), "/");
    assert_int_equal(json_object_get_int(get(j, "process.user.uid")), 0);
    assert_false(json_object_get_boolean(
        get(json_object_array_get_idx(get(j, "linux.resources.devices"), 0), "allow")));
    assert_string_equal(
        json_object_get_string(
            get(json_object_array_get_idx(get(j, "linux.resources.devices"), 0), "access")),
        "rwm");
    assert_int_equal(json_object_array_length(get(j, "linux.resources.devices")), 1);
    json_object_put(j);
    free(text);
    s.cwd = "/proc/self/fd/7";
    s.uid = 1000, s.gid = 1001;
    s.drop_caps = true;
    s.caps_keep = (1ull << CAP_CHOWN) | (1ull << CAP_KILL);
    text = rt_oci_config_known(&s, probe, NULL, "/cg", 1ull << CAP_KILL, why, sizeof(why));
    j = json_tokener_parse(text);
    assert_string_equal(json_object_get_string(get(j, "process.cwd")), "/proc/self/fd/7");
    assert_int_equal(json_object_get_int(get(j, "process.user.uid")), 1000);
    assert_int_equal(json_object_get_int(get(j, "process.user.gid")), 1001);
    assert_int_equal(json_object_array_length(get(j, "process.capabilities.bounding")), 1);
    assert_string_equal(json_object_get_string(
                            json_object_array_get_idx(get(j, "process.capabilities.effective"), 0)),
                        "CAP_KILL");
    json_object_put(j);
    free(text);
    s.drop_caps = false;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a process user other than root (--uid needs a "
                             "user namespace of one id)");
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&a), " --wd /proc/self/fd/7 --setuid 1000 --setgid 1001 "));
    s.uid = s.gid = 0;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), 0);
    assert_non_null(strstr(joined(&a), " --chdir /proc/self/fd/7 /isoprobe pid"));
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), 0);
    assert_null(strstr(joined(&a), "--setuid"));
    s.created = true;
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a container created now and started later");
    s.created = false;
    s.runtime_defaults = true;
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)),
                     ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for its own default spec (it has no spec command)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unshare_default),
        cmocka_unit_test(test_unshare_unsupported),
        cmocka_unit_test(test_bwrap),
        cmocka_unit_test(test_propagation_and_setgroups),
        cmocka_unit_test(test_oci_config),
        cmocka_unit_test(test_known),
        cmocka_unit_test(test_oci_time_and_joined_net),
        cmocka_unit_test(test_ns_table),
        cmocka_unit_test(test_driver_table),
        cmocka_unit_test(test_lxc_config),
        cmocka_unit_test(test_lxc_config_v2),
        cmocka_unit_test(test_nspawn_argv),
        cmocka_unit_test(test_nspawn_defaults),
        cmocka_unit_test(test_lxc_defaults),
        cmocka_unit_test(test_nspawn_exit_status),
        cmocka_unit_test(test_podman_argv),
        cmocka_unit_test(test_container_id),
        cmocka_unit_test(test_podman_network_conf),
        cmocka_unit_test(test_docker_translate),
        cmocka_unit_test(test_ext_process_mounts),
        cmocka_unit_test(test_builtin_init_pid),
        cmocka_unit_test(test_clone3),
        cmocka_unit_test(test_external_init_pid),
        cmocka_unit_test(test_oci_hardening),
        cmocka_unit_test(test_cwd_user_devices),
        cmocka_unit_test(test_rt_arg_bounds),
        cmocka_unit_test(test_rt_argf),
        cmocka_unit_test(test_rt_arg_probe),
        cmocka_unit_test(test_rt_builtin_only),
        cmocka_unit_test(test_rt_no_limits),
        cmocka_unit_test(test_rt_no_hardening),
        cmocka_unit_test(test_rt_cap_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
