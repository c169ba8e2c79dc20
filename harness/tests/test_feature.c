/* test_feature.c - --require's feature list, and the preflight's parsers
 * of os-release, sudoers and a PATH list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "feature.h"
#include "preflight.h"

static void test_parse(void **state)
{
    unsigned set = 123;
    char why[256], names[256];
    (void)state;

    assert_int_equal(feature_parse_list("cgroup", &set, why, sizeof(why)), 0);
    assert_int_equal(set, feature_bit(ISO_FEAT_CGROUP));
    assert_int_equal(feature_parse_list("net,cgroup,runtime-spec", &set, why, sizeof(why)), 0);
    assert_int_equal(set, feature_bit(ISO_FEAT_NET) | feature_bit(ISO_FEAT_CGROUP) |
                              feature_bit(ISO_FEAT_RUNTIME_SPEC));
    feature_names(set, names, sizeof(names));
    assert_string_equal(names, "cgroup,net,runtime-spec"); /* table order */
    /* "runtime" is not a prefix match of "runtime-spec", nor the reverse */
    assert_int_equal(feature_parse_list("runtime", &set, why, sizeof(why)), 0);
    assert_int_equal(set, feature_bit(ISO_FEAT_RUNTIME));
    assert_int_equal(feature_parse_list("runtime-", &set, why, sizeof(why)), -1);
    assert_string_equal(why, "unknown feature 'runtime-' (known: cgroup,net,ipv6,runtime,"
                             "runtime-spec,kernel-files)");
    assert_int_equal(feature_parse_list("cgroup,,net", &set, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "an empty feature name in 'cgroup,,net'"));
    assert_int_equal(feature_parse_list("", &set, why, sizeof(why)), -1);
    assert_int_equal(feature_parse_list("net,", &set, why, sizeof(why)), -1);
}

static void test_names(void **state)
{
    char buf[16];
    (void)state;

    memset(buf, 'x', sizeof(buf));
    feature_names(0, buf, sizeof(buf));
    assert_string_equal(buf, "");
    feature_names(feature_bit(ISO_FEAT_KERNEL_FILES), buf, sizeof(buf));
    assert_string_equal(buf, "kernel-files");
    /* cut to the buffer, never past it */
    feature_names(~0u, buf, 10);
    assert_string_equal(buf, "cgroup,ne");
    memset(buf, 'x', sizeof(buf));
    feature_names(~0u, buf, 0);
    assert_int_equal(buf[0], 'x');
}

static void test_bits(void **state)
{
    (void)state;
    assert_int_equal(feature_bit(ISO_FEAT_NONE), 0);
    assert_int_equal(feature_bit(ISO_FEAT_COUNT), 0);
    for (int a = 1; a < ISO_FEAT_COUNT; a++)
        for (int b = a + 1; b < ISO_FEAT_COUNT; b++)
            assert_int_equal(feature_bit(a) & feature_bit(b), 0);
    assert_string_equal(feature_row(ISO_FEAT_NONE)->name, "");
    assert_string_equal(feature_row(ISO_FEAT_CGROUP)->name, "cgroup");
    assert_string_equal(feature_row(ISO_FEAT_NET)->name, "net");
    assert_string_equal(feature_row(ISO_FEAT_IPV6)->name, "ipv6");
    assert_string_equal(feature_row(ISO_FEAT_RUNTIME)->name, "runtime");
    assert_string_equal(feature_row(ISO_FEAT_RUNTIME_SPEC)->name, "runtime-spec");
    assert_string_equal(feature_row(ISO_FEAT_KERNEL_FILES)->name, "kernel-files");
    assert_string_equal(feature_row(ISO_FEAT_COUNT)->name, "");
}

static void test_os_name(void **state)
{
    char out[128];
    (void)state;

    assert_int_equal(preflight_os_name("NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\n"
                                       "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\n",
                                       out, sizeof(out)),
                     0);
    assert_string_equal(out, "Ubuntu 24.04.1 LTS");
    assert_int_equal(preflight_os_name("NAME=Debian\nVERSION_ID='12'\n", out, sizeof(out)), 0);
    assert_string_equal(out, "Debian 12");
    assert_int_equal(preflight_os_name("XPRETTY_NAME=no\nNAME=\"a \\\"b\\\"\"\n", out, sizeof(out)),
                     0);
    assert_string_equal(out, "a \"b\"");
    assert_int_equal(preflight_os_name("ID=debian\n", out, sizeof(out)), -1);
}

static void test_secure_path(void **state)
{
    char out[256];
    (void)state;

    assert_int_equal(preflight_secure_path("# Defaults secure_path=\"/x\"\n"
                                           "Defaults\tenv_reset\n"
                                           "Defaults\tsecure_path=\"/usr/local/sbin:/usr/bin\"\n"
                                           "root ALL=(ALL:ALL) ALL\n",
                                           out, sizeof(out)),
                     0);
    assert_string_equal(out, "/usr/local/sbin:/usr/bin");
    /* unquoted; the last one wins */
    assert_int_equal(preflight_secure_path("Defaults secure_path=\"/a\"\n"
                                           "  Defaults secure_path = /b:/c, env_reset\n",
                                           out, sizeof(out)),
                     0);
    assert_string_equal(out, "/b:/c");
    assert_int_equal(
        preflight_secure_path("Defaults env_reset\nDefaultsX secure_path=/x\n", out, sizeof(out)),
        -1);
}

static void test_path_lookup(void **state)
{
    char out[256];
    (void)state;

    assert_int_equal(preflight_path_lookup("/nonexistent:/bin:/usr/bin", "sh", out, sizeof(out)),
                     0);
    assert_string_equal(out, "/bin/sh");
    assert_int_equal(preflight_path_lookup("::/usr/bin", "env", out, sizeof(out)), 0);
    assert_string_equal(out, "/usr/bin/env");
    /* a directory is not a binary */
    assert_int_equal(preflight_path_lookup("/", "etc", out, sizeof(out)), -1);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),       cmocka_unit_test(test_names),
        cmocka_unit_test(test_bits),        cmocka_unit_test(test_os_name),
        cmocka_unit_test(test_secure_path), cmocka_unit_test(test_path_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
