/* test_ktap.c - the KTAP writer: golden reports of a run with every kind
 * of result on one runtime (families at the top) and on three (runtimes
 * at the top, families nested), an interrupted run that bailed out, and a
 * bail-out before the plan. scripts/ktap-validate reads the goldens too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_results.h"
#include "sink.h"

/* The run replayed into a KTAP sink, nrt runtimes of the fixture. */
static char *write_ktap(int nrt, bool interrupted, const char *bail, bool planned)
{
    struct iso_results res = { 0 };
    struct sink_list l = { 0 };
    struct iso_err err = { 0, "" };
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    fx_results(&res, interrupted);
    res.nrt = nrt;
    *res.ready = planned;
    assert_int_equal(
        sink_add(&l, sink_kind_find("ktap")->open(&(struct sink_opts){ .f = f }, &err), &err), 0);
    sinks_note(&l, "a note\nof two lines");
    if (bail)
        sinks_bail(&l, bail);
    assert_int_equal(sink_replay(&l, &res, &err), 0);
    sinks_destroy(&l);
    res.nrt = 3;
    results_free(&res);
    fclose(f);
    return text;
}

static void check(int nrt, bool interrupted, const char *bail, bool planned, const char *golden)
{
    char *got = write_ktap(nrt, interrupted, bail, planned);
    assert_true(fx_golden(got, golden));
    free(got);
}

/* the bail of the TAP goldens (sink1.tap13, sink.tap13): make unit
 * compares the two with scripts/ktap-validate */
static void test_one_runtime(void **state)
{
    (void)state, check(1, false, "stop # here", true, "sink1.ktap");
}
static void test_runtimes(void **state)
{
    (void)state, check(3, false, "stop # here", true, "sink.ktap");
}
static void test_interrupted(void **state)
{
    (void)state, check(1, true, "interrupted", true, "interrupted.ktap");
}
static void test_bail_before_plan(void **state)
{
    (void)state, check(3, false, "no cgroup # at all", false, "bail.ktap");
}

/* Bits of the format a golden alone would not single out. */
static void test_form(void **state)
{
    char *got = write_ktap(1, false, NULL, true);
    (void)state;
    /* four families and the leak check */
    assert_true(strncmp(got, "KTAP version 1\n1..5\n", 20) == 0);
    assert_non_null(strstr(got, "  # Subtest: leak\n  1..1\n"));
    assert_non_null(strstr(got,
                           "\n  KTAP version 1\n  # Subtest: pid\n  1..1\n  ok 1 init_is_pid1\n"
                           "ok 1 pid\n"));
    /* '#' cannot be in a description; the reason keeps it */
    assert_non_null(
        strstr(got, "  ok 1 oom _ odd \\ name # SKIP no memory # controller & <more>\n"));
    assert_non_null(strstr(got, "ok 3 cgroup # SKIP every case skipped\n"));
    assert_non_null(strstr(got, "  ok 1 only_loopback # XFAIL OCI runtimes bring \"lo\" up\n"));
    assert_null(strstr(got, "gamma")); /* one runtime: the fixture's first */
    assert_non_null(strstr(got, "# Totals: pass:1 fail:2 xfail:1 xpass:0 skip:1 error:0\n"));
    assert_null(strstr(got, "Bail out"));
    free(got);
    got = write_ktap(3, false, NULL, true);
    assert_non_null(
        strstr(got, "# stderr: line one\n#   line two\n# runtime: gamma\nnot ok 3 gamma\n"));
    assert_non_null(strstr(got, "ok 2 beta # SKIP runtime beta: beta not found in PATH\n"));
    assert_non_null(strstr(got, "    not ok 1 hostname <&> \"isolated\"\n  not ok 2 uts\n"));
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_runtime), cmocka_unit_test(test_runtimes),
        cmocka_unit_test(test_interrupted), cmocka_unit_test(test_bail_before_plan),
        cmocka_unit_test(test_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
