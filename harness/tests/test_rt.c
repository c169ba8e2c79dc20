/* test_rt.c - spec -> unshare/bwrap argv, spec -> config.json (parsed
 * back), and the known-differences files. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "known.h"
#include "rt_cmd.h"

static char *const probe[] = { "isoprobe", "pid", "--wait", NULL };

static char *joined(const struct rt_argv *a)
{
    static char buf[2048];
    size_t off = 0;
    for (int i = 0; i < a->argc; i++)
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "", a->argv[i]);
    return buf;
}

static void test_unshare_default(void **state)
{
    struct iso_spec s;
    struct rt_argv a;
    char why[256];
    (void)state;
    spec_init(&s, "/run/isocheck/c1/root");
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), 0);
    assert_string_equal(joined(&a), "unshare --pid --fork --kill-child --mount --propagation private "
                                    "--uts --ipc --net --root=/run/isocheck/c1/root --mount-proc "
                                    "/isoprobe pid --wait");
    assert_null(a.argv[a.argc]);
}

static void test_unshare_unsupported(void **state)
{
    struct iso_spec s;
    struct rt_argv a;
    char why[256];
    (void)state;
    spec_init(&s, "/r");
    s.lim.memory = 1 << 25;
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a memory limit");
    spec_init(&s, "/r");
    strcpy(s.hostname, "h");
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_string_equal(why, "no way to ask for a hostname");
    spec_init(&s, "/r");
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    spec_init(&s, "/r");
    s.root = ISO_ROOT_CHROOT; /* a sabotage only the built-in runtime can apply */
    assert_int_equal(rt_unshare_argv(&s, "unshare", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
}

static void test_bwrap(void **state)
{
    struct iso_spec s;
    struct rt_argv a;
    char why[256];
    (void)state;
    spec_init(&s, "/root-dir");
    strcpy(s.hostname, "box");
    s.ns &= ~(unsigned)CLONE_NEWNET; /* a prepared namespace is joined, not made */
    s.drop_caps = true;
    s.caps_keep = 1ull << CAP_CHOWN;
    assert_int_equal(rt_bwrap_argv(&s, "/usr/bin/bwrap", probe, &a, why, sizeof(why)), 0);
    assert_string_equal(joined(&a), "/usr/bin/bwrap --die-with-parent --unshare-pid --as-pid-1 "
                                    "--unshare-uts --unshare-ipc --hostname box --bind /root-dir / "
                                    "--proc /proc --cap-drop ALL --cap-add CAP_CHOWN /isoprobe pid --wait");
    spec_init(&s, "/r");
    spec_map_root(&s, 100000, 65536);
    assert_int_equal(rt_bwrap_argv(&s, "bwrap", probe, &a, why, sizeof(why)), ISO_RT_UNSUPPORTED);
    assert_non_null(strstr(why, "uid/gid map"));
}

static json_object *get(json_object *o, const char *path)
{
    char buf[128], *tok, *save = NULL;
    strcpy(buf, path);
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
    strcpy(s.hostname, "oci");
    s.lim.memory = 32u << 20;
    s.lim.pids = 8;
    s.lim.cpu_quota_us = 10000;
    s.lim.cpu_period_us = 100000;
    text = rt_oci_config(&s, probe, "/run/isocheck/c3/bundle/netns", "/isocheck-1-2/c3n1/ctr", why,
                         sizeof(why));
    assert_non_null(text);
    j = json_tokener_parse(text);
    assert_non_null(j);
    assert_string_equal(json_object_get_string(get(j, "root.path")), "/run/isocheck/c3/root");
    assert_string_equal(json_object_get_string(get(j, "hostname")), "oci");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(get(j, "process.args"), 0)),
                        "/isoprobe");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(get(j, "process.args"), 2)),
                        "--wait");
    assert_false(json_object_get_boolean(get(j, "process.terminal")));
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.memory.limit")), 32 << 20);
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.memory.swap")), 32 << 20);
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.pids.limit")), 8);
    assert_int_equal(json_object_get_int64(get(j, "linux.resources.cpu.quota")), 10000);
    assert_string_equal(json_object_get_string(get(j, "linux.cgroupsPath")), "/isocheck-1-2/c3n1/ctr");
    assert_string_equal(json_object_get_string(get(j, "linux.rootfsPropagation")), "rprivate");
    m = json_object_array_get_idx(get(j, "linux.uidMappings"), 0);
    assert_int_equal(json_object_get_int64(get(m, "hostID")), 100000);
    assert_int_equal(json_object_get_int64(get(m, "size")), 65536);
    ns = get(j, "linux.namespaces");
    bool net_path = false, user = false, cgroup = false;
    for (size_t i = 0; i < json_object_array_length(ns); i++) {
        json_object *e = json_object_array_get_idx(ns, i);
        const char *type = json_object_get_string(get(e, "type"));
        if (strcmp(type, "network") == 0)
            net_path = get(e, "path") && strcmp(json_object_get_string(get(e, "path")),
                                                "/run/isocheck/c3/bundle/netns") == 0;
        user |= strcmp(type, "user") == 0;
        cgroup |= strcmp(type, "cgroup") == 0;
    }
    assert_true(net_path);
    assert_true(user);
    assert_true(cgroup);
    json_object_put(j);
    free(text);
    /* limits without a place for the cgroup: refused, with the reason */
    assert_null(rt_oci_config(&s, probe, NULL, NULL, why, sizeof(why)));
    assert_non_null(strstr(why, "no way to ask for"));
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
    assert_int_equal(known_parse("case-without-range\n", "x.known", "x", k, 0, 8, why, sizeof(why)), -1);
    assert_string_equal(why, "x.known:1: expected \"CASE VERSIONS REASON\" (VERSIONS: *, X or X-Y)");
    assert_int_equal(known_parse("a 1.x reason\n", "y.known", "y", k, 0, 8, why, sizeof(why)), -1);
    assert_int_equal(known_parse("a 1.0\n", "z.known", "z", k, 0, 8, why, sizeof(why)), -1); /* no reason */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unshare_default), cmocka_unit_test(test_unshare_unsupported),
        cmocka_unit_test(test_bwrap),           cmocka_unit_test(test_oci_config),
        cmocka_unit_test(test_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
