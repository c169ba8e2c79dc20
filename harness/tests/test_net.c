/* test_net.c - --net-prefix parsing and the addresses derived from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "config.h"
#include "netlab.h"

static void test_prefix_ok(void **state)
{
    uint32_t base = 0;
    char why[160] = "";
    (void)state;
    assert_int_equal(net_parse_prefix("198.18.0.0/16", &base, why, sizeof(why)), 0);
    assert_int_equal(base, 0xc6120000u);
    assert_int_equal(net_parse_prefix("10.77.0.0/16", &base, why, sizeof(why)), 0);
    assert_int_equal(base, 0x0a4d0000u);
}

static void test_prefix_bad(void **state)
{
    static const char *const bad[] = {
        "198.18.0.0",   "198.18.0.0/24",  "198.18.0.0/15", "198.18.1.0/16", "198.18.0.1/16",
        "300.1.0.0/16", "x/16",           "127.5.0.0/16",  "0.0.0.0/16",    "224.1.0.0/16",
        "/16",          "198.18.0.0/16 ", "fd00::/16",
    };
    uint32_t base;
    char why[160];
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why[0] = '\0';
        assert_int_equal(net_parse_prefix(bad[i], &base, why, sizeof(why)), -1);
        assert_true(strlen(why) > 0); /* says what is wrong */
    }
}

static void test_addresses(void **state)
{
    struct iso_config cfg = { .net_base = 0xc6120000u };
    struct iso_ctx ctx = { .cfg = &cfg };
    char a[64];
    (void)state;
    net_addr4(&ctx, 1, 2, a, sizeof(a));
    assert_string_equal(a, "198.18.1.2");
    net_addr4(&ctx, NET_UPSTREAM_SLOT, 1, a, sizeof(a));
    assert_string_equal(a, "198.18.255.1");
    net_addr6(2, 1, a, sizeof(a));
    assert_string_equal(a, "fd15:c0c:4ec:2::1");
}

/* Each kind of mistake is named, with the text as given. */
static void test_prefix_why(void **state)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        { "198.18.0.0/24", "'198.18.0.0/24' is not an IPv4 /16 such as 198.18.0.0/16" },
        { "x/16", "'x' is not an IPv4 address" },
        { "1234567890.1234567/16", "'1234567890.1234567/16' is not an IPv4 address" },
        { "198.18.1.0/16", "'198.18.1.0/16' has host bits set (a /16 ends in .0.0)" },
        { "127.0.0.0/16",
          "'127.0.0.0/16' is a loopback, unspecified, multicast or reserved range" },
        { "240.0.0.0/16",
          "'240.0.0.0/16' is a loopback, unspecified, multicast or reserved range" },
    };
    uint32_t base = 7;
    char why[160];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(net_parse_prefix(cases[i].text, &base, why, sizeof(why)), -1);
        assert_string_equal(why, cases[i].why);
    }
}

/* The edges of the ranges refused: just outside them is fine. */
static void test_prefix_edges(void **state)
{
    static const char *const good[] = { "1.0.0.0/16", "126.255.0.0/16", "128.0.0.0/16",
                                        "223.255.0.0/16" };
    uint32_t base;
    char why[160];
    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(net_parse_prefix(good[i], &base, why, sizeof(why)), 0);
    assert_int_equal(base, 0xdfff0000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_ok),    cmocka_unit_test(test_prefix_bad),
        cmocka_unit_test(test_addresses),    cmocka_unit_test(test_prefix_why),
        cmocka_unit_test(test_prefix_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
