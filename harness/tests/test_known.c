/* test_known.c - the reviewed-differences files: version order, the line
 * format and its errors, matching by runtime, case and version range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "known.h"

static void test_version_cmp(void **state)
{
    (void)state;
    assert_int_equal(known_version_cmp("1.10", "1.9"), 1);
    assert_int_equal(known_version_cmp("1.9", "1.10"), -1);
    assert_int_equal(known_version_cmp("1.2.3", "1.2.3"), 0);
    assert_int_equal(known_version_cmp("1.2", "1.2.0"), 0); /* a missing part is 0 */
    assert_int_equal(known_version_cmp("1.2.1", "1.2"), 1);
    assert_int_equal(known_version_cmp("1.2-rc1", "1.2"), 1);
    assert_int_equal(known_version_cmp("", ""), 0);
}

static void test_parse(void **state)
{
    struct known k[4];
    char why[160] = "";
    const char text[] = "# comment only\n"
                        "\n"
                        "pid.a * any version # trailing comment\n"
                        "  uts.b 1.2-1.4\treason two  \n"
                        "net.c 0.9 x";
    (void)state;
    assert_int_equal(known_parse(text, "f.known", "crun", k, 0, 4, why, sizeof(why)), 3);
    assert_string_equal(k[0].runtime, "crun");
    assert_string_equal(k[0].kase, "pid.a");
    assert_string_equal(k[0].lo, "*");
    assert_string_equal(k[0].hi, "*");
    assert_string_equal(k[0].reason, "any version");
    assert_string_equal(k[1].kase, "uts.b");
    assert_string_equal(k[1].lo, "1.2");
    assert_string_equal(k[1].hi, "1.4");
    assert_string_equal(k[1].reason, "reason two");
    assert_string_equal(k[2].lo, "0.9");
    assert_string_equal(k[2].hi, "0.9");
    assert_string_equal(k[2].reason, "x"); /* one character is a reason */
    /* appends after what is there */
    assert_int_equal(known_parse("ipc.d * r\n", "g", "runc", k, 3, 4, why, sizeof(why)), 4);
    assert_string_equal(k[3].runtime, "runc");
}

static void test_parse_errors(void **state)
{
    static const struct {
        const char *text, *why;
    } bad[] = {
        { "pid.a\n", "f:1: expected" },
        { "\npid.a *\n", "f:2: expected" },  /* no reason */
        { "pid.a v1 r\n", "f:1: expected" }, /* not a version */
        { "pid.a .1 r\n", "f:1: expected" },
        { "pid.a 1.0-x r\n", "f:1: expected" }, /* a bad upper end */
        { "pid.a x-1.0 r\n", "f:1: expected" },
        { "a * r\nb * r\nc * r\n", "f:3: more than 2 entries" },
    };
    struct known k[2];
    char why[160];
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why[0] = '\0';
        assert_int_equal(known_parse(bad[i].text, "f", "crun", k, 0, 2, why, sizeof(why)), -1);
        assert_memory_equal(why, bad[i].why, strlen(bad[i].why));
    }
}

/* The text ends at its NUL, also without a final newline. */
static void test_parse_end(void **state)
{
    struct known k[4];
    char why[160];
    const char text[] = "a * r\0b * s\n";
    (void)state;
    assert_int_equal(known_parse(text, "f", "crun", k, 0, 4, why, sizeof(why)), 1);
}

static void test_match(void **state)
{
    struct known k[4];
    char why[160];
    const char text[] = "pid.a 1.2-1.4 ranged\nuts.b * always\nnet.c 2.0 exact\nipc.d * hidden\n";
    (void)state;
    assert_int_equal(known_parse(text, "f", "crun", k, 0, 4, why, sizeof(why)), 4);
    assert_string_equal(known_match(k, 3, "crun", "1.2", "pid.a"), "ranged");
    assert_string_equal(known_match(k, 3, "crun", "1.3.5", "pid.a"), "ranged");
    assert_string_equal(known_match(k, 3, "crun", "1.4", "pid.a"), "ranged");
    assert_null(known_match(k, 3, "crun", "1.1.9", "pid.a"));
    assert_null(known_match(k, 3, "crun", "1.4.1", "pid.a"));
    assert_null(known_match(k, 3, "crun", NULL, "pid.a")); /* unknown version: no range holds */
    assert_string_equal(known_match(k, 3, "crun", NULL, "uts.b"), "always");
    assert_string_equal(known_match(k, 3, "crun", "2.0", "net.c"), "exact");
    assert_null(known_match(k, 3, "crun", "2.0.1", "net.c"));
    assert_null(known_match(k, 3, "runc", "1.3", "pid.a")); /* another runtime */
    assert_null(known_match(k, 3, "crun", "1.3", "pid.b"));
    assert_null(known_match(k, 3, "crun", "1", "ipc.d")); /* only the first n entries */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_cmp),  cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_parse_end),
        cmocka_unit_test(test_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
