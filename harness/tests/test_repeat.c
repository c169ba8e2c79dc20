/* test_repeat.c - the flake table of --repeat: which cases count as
 * flaky (both passed and failed on one runtime), their counts, and the
 * lines written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "repeat.h"

/* Two runtimes, cases a b c repeated three times: a passes always, b
 * fails once on rt1, c is skipped once and fails once on rt2 but never
 * passes there; on rt2 a fails once (TODO). */
static const char *const runtimes[] = { "rt1", "rt2" };
static const char *const cases[] = { "a", "b", "c", "a", "b", "c", "a", "b", "c" };
static const enum iso_verdict verdicts[2][9] = {
    { V_OK, V_OK, V_OK, V_OK, V_FAIL, V_OK, V_OK, V_OK, V_SKIP },
    { V_OK, V_OK, V_SKIP, V_TODO, V_OK, V_FAIL, V_OK, V_OK, V_FAIL },
};
static struct res_item items[18];

static void make(struct iso_results *res)
{
    memset(res, 0, sizeof(*res));
    res->nrt = 2;
    res->n = 9;
    res->runtimes = runtimes;
    res->cases = cases;
    res->items = items;
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 9; k++)
            items[r * 9 + k].verdict = verdicts[r][k];
}

static void test_table(void **state)
{
    struct iso_results res;
    struct flake f[8];
    (void)state;

    make(&res);
    assert_int_equal(flake_table(&res, f, 8), 2);
    assert_int_equal(f[0].r, 0);
    assert_string_equal(f[0].name, "b");
    assert_int_equal(f[0].passed, 2);
    assert_int_equal(f[0].failed, 1);
    assert_int_equal(f[0].skipped, 0);
    assert_int_equal(f[1].r, 1);
    assert_string_equal(f[1].name, "a");
    assert_int_equal(f[1].passed, 2);
    assert_int_equal(f[1].failed, 1);
    /* the count is whole when out is short, and out is not overrun */
    memset(f, 0x5a, sizeof(f));
    assert_int_equal(flake_table(&res, f, 1), 2);
    assert_string_equal(f[0].name, "b");
    assert_int_equal(f[1].r, 0x5a5a5a5a);
    /* no repeats, all passing: nothing */
    items[4].verdict = V_OK;
    items[9 + 3].verdict = V_OK;
    assert_int_equal(flake_table(&res, f, 8), 0);
    /* one failure among skips only is not a flake; one pass more makes it */
    items[9 + 2].verdict = V_OK;
    assert_int_equal(flake_table(&res, f, 8), 1);
    assert_string_equal(f[0].name, "c");
    assert_int_equal(f[0].r, 1);
    assert_int_equal(f[0].passed, 1);
    assert_int_equal(f[0].failed, 2);
    assert_int_equal(f[0].skipped, 0);
}

/* arg: a buffer of 4096 bytes (the tests' "out") */
static void collect(void *arg, const char *text)
{
    char *buf = arg;
    size_t len = strlen(buf);
    snprintf(buf + len, 4096 - len, "%s\n", text);
}

static void test_lines(void **state)
{
    struct iso_results res;
    struct flake f[8];
    static char out[4096];
    int n;
    (void)state;

    make(&res);
    n = flake_table(&res, f, 8);
    out[0] = '\0';
    flake_lines(&res, f, n, 3, collect, out);
    assert_non_null(strstr(out, "flakes: 2 case(s) both passed and failed in 3 runs\n"));
    assert_non_null(strstr(out, "\nrt1        b "));
    assert_non_null(strstr(out, "\nrt2        a "));
    /* passed, failed, skipped in that order */
    assert_non_null(strstr(out, "      2      1      0\n"));
    out[0] = '\0';
    flake_lines(&res, f, 0, 5, collect, out);
    assert_string_equal(out, "flakes: no case both passed and failed in 5 runs\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
