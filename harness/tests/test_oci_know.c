/* test_oci_know.c - what an OCI runtime knows: capabilities from
 * "RUNTIME features", its version string, the table of releases, and the
 * key its error message says it refused. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/capability.h>
#include <string.h>

#include "oci_know.h"

#define BIT(c) (1ull << (c))

static void test_features_caps(void **state)
{
    uint64_t m = 0;

    (void)state;
    assert_int_equal(oci_caps_from_features("{\"ociVersionMin\":\"1.0.0\",\"linux\":{"
                                            "\"namespaces\":[\"pid\"],\"capabilities\":"
                                            "[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_BPF\"]}}",
                                            &m),
                     0);
    assert_int_equal(m, BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_BPF));
    /* a name this libcap cannot parse is left out, the rest kept */
    assert_int_equal(oci_caps_from_features(
                         "{\"linux\":{\"capabilities\":[\"CAP_NO_SUCH\",\"CAP_SETUID\"]}}", &m),
                     0);
    assert_int_equal(m, BIT(CAP_SETUID));
    /* an empty list is a runtime that knows none */
    assert_int_equal(oci_caps_from_features("{\"linux\":{\"capabilities\":[]}}", &m), 0);
    assert_int_equal(m, 0);
}

static void test_features_without_caps(void **state)
{
    uint64_t m = 42;

    (void)state;
    /* crun 1.8: "unknown command features" */
    assert_int_equal(oci_caps_from_features("unknown command features\n", &m), -1);
    assert_int_equal(oci_caps_from_features("{\"linux\":{\"namespaces\":[\"pid\"]}}", &m), -1);
    assert_int_equal(oci_caps_from_features("{\"linux\":{\"capabilities\":\"CAP_KILL\"}}", &m), -1);
    assert_int_equal(oci_caps_from_features("{\"capabilities\":[\"CAP_KILL\"]}", &m), -1);
    assert_int_equal(oci_caps_from_features("", &m), -1);
    assert_int_equal(oci_caps_from_features(NULL, &m), -1);
    assert_int_equal(m, 42);
}

static void test_version_text(void **state)
{
    char v[32];

    (void)state;
    assert_int_equal(oci_version_text("runc version 1.1.5+ds1\ncommit: x\n", v, sizeof(v)), 0);
    assert_string_equal(v, "1.1.5");
    assert_int_equal(oci_version_text("runc version 1.0.0-rc92\nspec: 1.0.2\n", v, sizeof(v)), 0);
    assert_string_equal(v, "1.0.0-rc92");
    assert_int_equal(oci_version_text("crun version 1.8.1\ncommit: f8a0\n", v, sizeof(v)), 0);
    assert_string_equal(v, "1.8.1");
    assert_int_equal(oci_version_text("crun version 0.13", v, sizeof(v)), 0);
    assert_string_equal(v, "0.13");
    assert_int_equal(oci_version_text("runc version unknown\n", v, sizeof(v)), -1);
    assert_int_equal(oci_version_text("no such thing", v, sizeof(v)), -1);
    assert_int_equal(oci_version_text(NULL, v, sizeof(v)), -1);
    /* one byte too small for "1.8.1" and its terminator */
    assert_int_equal(oci_version_text("crun version 1.8.1", v, 5), -1);
    assert_int_equal(oci_version_text("crun version 1.8.1", v, 6), 0);
}

static void test_version_cmp(void **state)
{
    (void)state;
    assert_int_equal(oci_version_cmp("1.1.5", "1.0.0"), 1);
    assert_int_equal(oci_version_cmp("1.0.0", "1.1.5"), -1);
    assert_int_equal(oci_version_cmp("1.0", "1.0.0"), 0);
    assert_int_equal(oci_version_cmp("1.8.1", "1.8.1"), 0);
    assert_int_equal(oci_version_cmp("1.10", "1.9"), 1);
    assert_int_equal(oci_version_cmp("1.0.0-rc92", "1.0.0"), -1);
    assert_int_equal(oci_version_cmp("1.0.0", "1.0.0-rc92"), 1);
    assert_int_equal(oci_version_cmp("1.0.0-rc6", "1.0.0-rc92"), -1);
    assert_int_equal(oci_version_cmp("1.0.0-rc92", "1.0.0-rc92"), 0);
    assert_int_equal(oci_version_cmp("0.9.9", "1.0.0-rc1"), -1);
    assert_int_equal(oci_version_cmp("2", "1.9.9"), 1);
    assert_int_equal(oci_version_cmp("1.0.0-beta", "1.0.0"), -2);
    assert_int_equal(oci_version_cmp("x", "1.0"), -2);
    assert_int_equal(oci_version_cmp("1.0", ""), -2);
    assert_int_equal(oci_version_cmp(NULL, "1.0"), -2);
}

static void test_caps_from_version(void **state)
{
    const uint64_t to37 = (1ull << 38) - 1, to40 = (1ull << 41) - 1;
    uint64_t m = 0;

    (void)state;
    assert_int_equal(oci_caps_from_version("crun", "1.8.1", &m), 0);
    assert_int_equal(m, to40);
    assert_int_equal(oci_caps_from_version("crun", "1.0", &m), 0);
    assert_int_equal(m, to40);
    assert_int_equal(oci_caps_from_version("crun", "0.13", &m), 0);
    assert_int_equal(m, to37);
    assert_int_equal(oci_caps_from_version("runc", "1.1.5", &m), 0);
    assert_int_equal(m, to40);
    assert_int_equal(oci_caps_from_version("runc", "1.0.0", &m), 0);
    assert_int_equal(m, to40);
    assert_int_equal(oci_caps_from_version("runc", "1.0.0-rc93", &m), 0);
    assert_int_equal(m, to40);
    assert_int_equal(oci_caps_from_version("runc", "1.0.0-rc92", &m), 0);
    assert_int_equal(m, to37);
    /* runc before the CVE-2019-5736 fix refuses CAP_PERFMON and later */
    assert_int_equal(oci_caps_from_version("runc", "1.0.0-rc6", &m), 0);
    assert_int_equal(m, to37);
    assert_false(m & (1ull << CAP_PERFMON));
    assert_true(m & (1ull << CAP_AUDIT_READ));
    m = 7;
    assert_int_equal(oci_caps_from_version("runc", "", &m), -1);
    assert_int_equal(oci_caps_from_version("runc", "0.0.0", &m), -1);
    assert_int_equal(oci_caps_from_version("youki", "0.3.0", &m), -1);
    assert_int_equal(oci_caps_from_version(NULL, "1.0", &m), -1);
    assert_int_equal(m, 7);
}

static void test_refused_key(void **state)
{
    (void)state;
    assert_string_equal(oci_refused_key("container_linux.go:348: starting container process "
                                        "caused \"Unknown capability \\\"CAP_PERFMON\\\"\"\n"),
                        "process.capabilities");
    assert_string_equal(oci_refused_key("crun: unknown cap: CAP_BPF"), "process.capabilities");
    assert_string_equal(oci_refused_key("invalid capability name"), "process.capabilities");
    assert_string_equal(oci_refused_key("seccomp: config provided but seccomp not supported"),
                        "linux.seccomp");
    assert_string_equal(oci_refused_key("error: unknown seccomp action"), "linux.seccomp");
    assert_null(oci_refused_key("pivot_root: Invalid argument"));
    assert_null(oci_refused_key(""));
    assert_null(oci_refused_key(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_caps),     cmocka_unit_test(test_features_without_caps),
        cmocka_unit_test(test_version_text),      cmocka_unit_test(test_version_cmp),
        cmocka_unit_test(test_caps_from_version), cmocka_unit_test(test_refused_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
