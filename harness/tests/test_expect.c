/* test_expect.c - assertions: each operator at its boundary, signed against
 * unsigned, strings with null, capability masks by name, the error
 * contract and errno, report keys, and what the YAML diagnostics hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <string.h>

#include "case.h"

static struct iso_outcome out;
static struct iso_ctx the_ctx;
#define CTX (&the_ctx)

static int reset(void **state)
{
    (void)state;
    memset(&out, 0, sizeof(out));
    memset(&the_ctx, 0, sizeof(the_ctx));
    the_ctx.out = &out;
    return 0;
}

/* The value of a diagnostics key, or NULL. */
static const char *diag(const char *key)
{
    size_t off = 0;

    while (off < out.diag_len) {
        const char *k = out.diag + off, *v;
        off += strlen(k) + 1;
        v = out.diag + off;
        off += strlen(v) + 1;
        if (strcmp(k, key) == 0)
            return v;
    }
    return NULL;
}

static void assert_diag(const char *key, const char *want)
{
    const char *v = diag(key);
    if (!v)
        fail_msg("no diagnostics key \"%s\"", key);
    assert_string_equal(v, want);
}

static void assert_diag_has(const char *key, const char *part)
{
    const char *v = diag(key);
    if (!v) {
        fail_msg("no diagnostics key \"%s\"", key);
        return;
    }
    if (!strstr(v, part))
        fail_msg("%s: \"%s\" lacks \"%s\"", key, v, part);
}

#define PASSES(assertion)                                                                          \
    do {                                                                                           \
        int before_ = out.nfail;                                                                   \
        assertion;                                                                                 \
        if (out.nfail != before_)                                                                  \
            fail_msg("line %d: %s failed", __LINE__, #assertion);                                  \
    } while (0)
#define FAILS(assertion)                                                                           \
    do {                                                                                           \
        int before_ = out.nfail;                                                                   \
        assertion;                                                                                 \
        if (out.nfail != before_ + 1)                                                              \
            fail_msg("line %d: %s passed", __LINE__, #assertion);                                  \
    } while (0)

/* --- integers --- */

static void test_each_operator_at_its_boundary(void **state)
{
    int two = 2;
    (void)state;

    FAILS(ISO_EXPECT_EQ(CTX, 1, two, "m"));
    PASSES(ISO_EXPECT_EQ(CTX, 2, two, "m"));
    FAILS(ISO_EXPECT_EQ(CTX, 3, two, "m"));

    PASSES(ISO_EXPECT_NE(CTX, 1, two, "m"));
    FAILS(ISO_EXPECT_NE(CTX, 2, two, "m"));
    PASSES(ISO_EXPECT_NE(CTX, 3, two, "m"));

    PASSES(ISO_EXPECT_LT(CTX, 1, two, "m"));
    FAILS(ISO_EXPECT_LT(CTX, 2, two, "m"));
    FAILS(ISO_EXPECT_LT(CTX, 3, two, "m"));

    PASSES(ISO_EXPECT_LE(CTX, 1, two, "m"));
    PASSES(ISO_EXPECT_LE(CTX, 2, two, "m"));
    FAILS(ISO_EXPECT_LE(CTX, 3, two, "m"));

    FAILS(ISO_EXPECT_GT(CTX, 1, two, "m"));
    FAILS(ISO_EXPECT_GT(CTX, 2, two, "m"));
    PASSES(ISO_EXPECT_GT(CTX, 3, two, "m"));

    FAILS(ISO_EXPECT_GE(CTX, 1, two, "m"));
    PASSES(ISO_EXPECT_GE(CTX, 2, two, "m"));
    PASSES(ISO_EXPECT_GE(CTX, 3, two, "m"));
    assert_int_equal(out.status, ISO_ST_FAIL);
}

static void test_signed_against_unsigned_by_value(void **state)
{
    unsigned zero_u = 0;
    int minus_one = -1;
    (void)state;

    /* C's conversions would make -1 == UINT_MAX and -1 > 0u */
    PASSES(ISO_EXPECT_LT(CTX, minus_one, zero_u, "m"));
    PASSES(ISO_EXPECT_GT(CTX, zero_u, minus_one, "m"));
    FAILS(ISO_EXPECT_EQ(CTX, minus_one, UINT_MAX, "m"));
    PASSES(ISO_EXPECT_NE(CTX, -1LL, ULLONG_MAX, "m"));
    FAILS(ISO_EXPECT_GE(CTX, minus_one, zero_u, "m"));
    PASSES(ISO_EXPECT_EQ(CTX, 0, zero_u, "m"));
    PASSES(ISO_EXPECT_LT(CTX, 0, 1u, "m"));
    PASSES(ISO_EXPECT_GT(CTX, 1, zero_u, "m"));
    PASSES(ISO_EXPECT_LT(CTX, LLONG_MIN, 0ull, "m"));
    PASSES(ISO_EXPECT_GT(CTX, ULLONG_MAX, LLONG_MAX, "m"));
    FAILS(ISO_EXPECT_EQ(CTX, (unsigned char)255, (signed char)-1, "m"));
    /* both negative */
    PASSES(ISO_EXPECT_LT(CTX, -2, minus_one, "m"));
    FAILS(ISO_EXPECT_LT(CTX, minus_one, -2, "m"));
    PASSES(ISO_EXPECT_GT(CTX, minus_one, LLONG_MIN, "m"));
}

static void test_int_cmp(void **state)
{
    (void)state;
    assert_int_equal(iso_int_cmp(ISO_INT_(-1), ISO_INT_(0u)), -1);
    assert_int_equal(iso_int_cmp(ISO_INT_(0u), ISO_INT_(-1)), 1);
    assert_int_equal(iso_int_cmp(ISO_INT_(0), ISO_INT_(0u)), 0);
    assert_int_equal(iso_int_cmp(ISO_INT_(-3), ISO_INT_(-3L)), 0);
    assert_int_equal(iso_int_cmp(ISO_INT_(ULLONG_MAX), ISO_INT_(LLONG_MAX)), 1);
    assert_int_equal(iso_int_cmp(ISO_INT_(5u), ISO_INT_(6)), -1);
    assert_true(ISO_INT_((short)-1).is_signed);
    assert_false(ISO_INT_((unsigned short)1).is_signed);
    assert_false(ISO_INT_((_Bool)1).is_signed);
}

static void test_int_diagnostics_show_both_sides(void **state)
{
    int x = -5;
    unsigned long long big = ULLONG_MAX;
    (void)state;

    ISO_EXPECT_EQ(CTX, x, 7u, "x is seven");
    assert_diag("message", "x is seven");
    assert_diag("expression", "x == 7u");
    assert_diag("expected", "7");
    assert_diag("got", "-5");
    assert_diag_has("at", "test_expect.c:");
    /* a later failure: one line with the expression and both values */
    ISO_EXPECT_LT(CTX, big, 1, "big is small");
    assert_diag_has("failure_2", "big is small (big < 1); expected < 1, got 18446744073709551615");
    ISO_EXPECT_GE(CTX, x, 0, "x is not negative");
    assert_diag_has("failure_3", "expected >= 0, got -5");
    ISO_EXPECT_NE(CTX, x, -5, "x moved");
    assert_diag_has("failure_4", "expected != -5, got -5");
    assert_int_equal(out.nfail, 4);
}

static void require_gt(int got, bool *reached)
{
    ISO_REQUIRE_GT(CTX, got, 0, "positive");
    *reached = true;
}

static void test_require_ends_the_case(void **state)
{
    bool reached = false;
    (void)state;

    require_gt(1, &reached);
    assert_true(reached);
    reached = false;
    require_gt(0, &reached);
    assert_false(reached);
    assert_int_equal(out.nfail, 1);
    assert_diag("expected", "> 0");
}

/* --- strings --- */

static void test_strings(void **state)
{
    (void)state;
    PASSES(ISO_EXPECT_EQ_STR(CTX, "a", "a", "m"));
    FAILS(ISO_EXPECT_EQ_STR(CTX, "a", "b", "first"));
    assert_diag("expected", "b");
    assert_diag("got", "a");
    assert_diag("expression", "\"a\" == \"b\"");
    FAILS(ISO_EXPECT_EQ_STR(CTX, NULL, "a", "missing"));
    assert_diag_has("failure_2", "expected a, got null");
    FAILS(ISO_EXPECT_EQ_STR(CTX, "a", NULL, "m"));
    assert_diag_has("failure_3", "expected null, got a");

    PASSES(ISO_EXPECT_NE_STR(CTX, "a", "b", "m"));
    PASSES(ISO_EXPECT_NE_STR(CTX, "a", NULL, "m"));
    FAILS(ISO_EXPECT_NE_STR(CTX, "a", "a", "m"));
    assert_diag_has("failure_4", "expected anything but a, got a");
    FAILS(ISO_EXPECT_NE_STR(CTX, NULL, "a", "m"));

    PASSES(ISO_EXPECT_CONTAINS(CTX, "a,bc,d", "bc", "m"));
    FAILS(ISO_EXPECT_CONTAINS(CTX, "a,b", "x", "m"));
    assert_diag_has("failure_6", "expected containing \"x\", got a,b");
    FAILS(ISO_EXPECT_CONTAINS(CTX, NULL, "x", "m"));

    PASSES(ISO_EXPECT_NOT_CONTAINS(CTX, "a,b", "x", "m"));
    FAILS(ISO_EXPECT_NOT_CONTAINS(CTX, "a,bc", "bc", "m"));
    assert_diag_has("failure_8", "expected not containing \"bc\", got a,bc");
    FAILS(ISO_EXPECT_NOT_CONTAINS(CTX, NULL, "x", "m"));
}

static void require_eq_str(const char *got, bool *reached)
{
    ISO_REQUIRE_EQ_STR(CTX, got, "ok", "m");
    *reached = true;
}

static void test_require_str(void **state)
{
    bool reached = false;
    (void)state;
    require_eq_str("ok", &reached);
    assert_true(reached);
    reached = false;
    require_eq_str(NULL, &reached);
    assert_false(reached);
    assert_diag("got", "null");
}

/* --- capability masks --- */

static void test_caps(void **state)
{
    unsigned long long eff = ISO_CAP_BIT(CAP_CHOWN) | ISO_CAP_BIT(CAP_SYS_ADMIN);
    unsigned long long two = ISO_CAP_BIT(CAP_CHOWN) | ISO_CAP_BIT(CAP_DAC_OVERRIDE);
    (void)state;

    PASSES(ISO_EXPECT_CAPS_HAS(CTX, eff, ISO_CAP_BIT(CAP_CHOWN), "m"));
    PASSES(ISO_EXPECT_CAPS_NONE(CTX, eff, ISO_CAP_BIT(CAP_NET_ADMIN), "m"));
    PASSES(ISO_EXPECT_CAPS_SUBSET(CTX, ISO_CAP_BIT(CAP_CHOWN), two, "m"));
    PASSES(ISO_EXPECT_CAPS_EQ(CTX, two, two, "m"));
    PASSES(ISO_EXPECT_CAPS_SUBSET(CTX, 0ull, 0ull, "m"));

    FAILS(ISO_EXPECT_CAPS_NONE(CTX, eff, ISO_CAP_BIT(CAP_SYS_ADMIN), "no admin"));
    assert_diag("expected", "none of 0x0000000000200000 (cap_sys_admin)");
    assert_diag("got", "0x0000000000200001 (has: cap_sys_admin)");
    assert_diag("expression", "eff has none of ISO_CAP_BIT(CAP_SYS_ADMIN)");

    FAILS(ISO_EXPECT_CAPS_HAS(CTX, ISO_CAP_BIT(CAP_SYS_ADMIN), ISO_CAP_BIT(CAP_CHOWN), "m"));
    assert_diag_has("failure_2", "expected all of 0x0000000000000001 (cap_chown), "
                                 "got 0x0000000000200000 (missing: cap_chown)");
    FAILS(ISO_EXPECT_CAPS_SUBSET(CTX, eff, two, "m"));
    assert_diag_has("failure_3", "expected within 0x0000000000000003, "
                                 "got 0x0000000000200001 (extra: cap_sys_admin)");
    FAILS(ISO_EXPECT_CAPS_EQ(CTX, eff, two, "m"));
    assert_diag_has("failure_4", "expected 0x0000000000000003, got 0x0000000000200001 "
                                 "(extra: cap_sys_admin; missing: cap_dac_override)");
    FAILS(ISO_EXPECT_CAPS_HAS(CTX, 0ull, two, "m"));
    assert_diag_has("failure_5", "(missing: cap_chown,cap_dac_override)");
}

static void require_caps_none(unsigned long long got, bool *reached)
{
    ISO_REQUIRE_CAPS_NONE(CTX, got, ISO_CAP_BIT(CAP_SYS_ADMIN), "m");
    *reached = true;
}

static void test_require_caps(void **state)
{
    bool reached = false;
    (void)state;
    require_caps_none(ISO_CAP_BIT(CAP_CHOWN), &reached);
    assert_true(reached);
    reached = false;
    require_caps_none(ISO_CAP_BIT(CAP_SYS_ADMIN), &reached);
    assert_false(reached);
}

/* --- the error contract, errno, report keys, booleans --- */

static int fail_open(struct iso_err *err) { return iso_err_set(err, EACCES, "open \"%s\"", "/x"); }

static int succeed(int rc) { return rc; }

static void test_ok_records_message_and_errno(void **state)
{
    struct iso_err err = { 0, "" };
    (void)state;

    PASSES(ISO_EXPECT_OK(CTX, succeed(0), &err));
    PASSES(ISO_EXPECT_OK(CTX, succeed(7), &err));
    FAILS(ISO_EXPECT_OK(CTX, fail_open(&err), &err));
    assert_diag("message", "open \"/x\": Permission denied");
    assert_diag("expression", "fail_open(&err)");
    assert_diag("expected", ">= 0");
    assert_diag("got", "-1, EACCES: Permission denied");
}

static void require_ok(int rc, bool *reached)
{
    struct iso_err err = { 0, "" };
    ISO_REQUIRE_OK(CTX, rc < 0 ? iso_err_set(&err, 0, "no such thing") : rc, &err);
    *reached = true;
}

static void test_require_ok(void **state)
{
    bool reached = false;
    (void)state;
    require_ok(0, &reached);
    assert_true(reached);
    reached = false;
    require_ok(-1, &reached);
    assert_false(reached);
    assert_diag("message", "no such thing");
    assert_diag("got", "-1");
}

static int fail_with(int e)
{
    errno = e;
    return -1;
}

static void test_sys_records_errno_by_name(void **state)
{
    (void)state;
    PASSES(ISO_EXPECT_SYS(CTX, succeed(0), "m"));
    PASSES(ISO_EXPECT_SYS(CTX, succeed(3), "m"));
    FAILS(ISO_EXPECT_SYS(CTX, fail_with(ENOENT), "the lab sees it"));
    assert_diag("message", "the lab sees it");
    assert_diag("expression", "fail_with(ENOENT)");
    assert_diag("got", "-1, ENOENT: No such file or directory");
    FAILS(ISO_EXPECT_SYS_PATH(CTX, fail_with(EPERM), "/p/q", "m"));
    assert_diag_has("failure_2", "got -1 on \"/p/q\", EPERM: Operation not permitted");
    /* errno is cleared first: a stale one is not reported */
    errno = EBUSY;
    FAILS(ISO_EXPECT_SYS(CTX, succeed(-1), "m"));
    assert_diag_has("failure_3", "got -1, errno not set");
}

static void require_sys(int e, bool *reached)
{
    ISO_REQUIRE_SYS(CTX, e ? fail_with(e) : 0, "m");
    *reached = true;
}

static void test_require_sys(void **state)
{
    bool reached = false;
    (void)state;
    require_sys(0, &reached);
    assert_true(reached);
    reached = false;
    require_sys(EAGAIN, &reached);
    assert_false(reached);
}

static void test_report_keys(void **state)
{
    static struct iso_result r;
    static const char text[] = "alloc=done\nlab_signal=not received\n";
    (void)state;

    memcpy(r.out, text, sizeof(text));
    r.out_len = sizeof(text) - 1;
    report_parse(&r.report, text, r.out_len);
    PASSES(ISO_EXPECT_PRESENT(CTX, &r, "alloc", "m"));
    PASSES(ISO_EXPECT_ABSENT(CTX, &r, "worker_signal", "m"));
    FAILS(ISO_EXPECT_PRESENT(CTX, &r, "mount_points", "the probe read its mount table"));
    assert_diag("expression", "report has \"mount_points\"");
    assert_diag("got", "null");
    assert_diag("report", text);
    FAILS(ISO_EXPECT_ABSENT(CTX, &r, "lab_signal", "init died"));
    assert_diag_has("failure_2", "expected null, got not received");
}

static void test_true(void **state)
{
    (void)state;
    PASSES(ISO_EXPECT_TRUE(CTX, 1 + 1 == 2, "m"));
    FAILS(ISO_EXPECT_TRUE(CTX, 1 + 1 == 3, "arithmetic"));
    assert_diag("expression", "1 + 1 == 3");
    assert_diag("got", "false");
}

static void test_first_failure_sets_the_status(void **state)
{
    (void)state;
    assert_int_equal(out.status, ISO_ST_PENDING);
    ISO_EXPECT_EQ(CTX, 1, 1, "m");
    assert_int_equal(out.status, ISO_ST_PENDING);
    assert_int_equal(out.diag_len, 0);
    ISO_EXPECT_EQ(CTX, 1, 2, "m");
    assert_int_equal(out.status, ISO_ST_FAIL);
    assert_int_equal(out.nfail, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_each_operator_at_its_boundary, reset),
        cmocka_unit_test_setup(test_signed_against_unsigned_by_value, reset),
        cmocka_unit_test_setup(test_int_cmp, reset),
        cmocka_unit_test_setup(test_int_diagnostics_show_both_sides, reset),
        cmocka_unit_test_setup(test_require_ends_the_case, reset),
        cmocka_unit_test_setup(test_strings, reset),
        cmocka_unit_test_setup(test_require_str, reset),
        cmocka_unit_test_setup(test_caps, reset),
        cmocka_unit_test_setup(test_require_caps, reset),
        cmocka_unit_test_setup(test_ok_records_message_and_errno, reset),
        cmocka_unit_test_setup(test_require_ok, reset),
        cmocka_unit_test_setup(test_sys_records_errno_by_name, reset),
        cmocka_unit_test_setup(test_require_sys, reset),
        cmocka_unit_test_setup(test_report_keys, reset),
        cmocka_unit_test_setup(test_true, reset),
        cmocka_unit_test_setup(test_first_failure_sets_the_status, reset),
    };
    return cmocka_run_group_tests_name("expect", tests, NULL, NULL);
}
