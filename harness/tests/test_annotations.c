/* test_annotations.c - GitHub workflow commands: @actions/core's
 * escaping, a golden set for a run with every kind of result, the cap of
 * ten with its notice, a bail-out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotations.h"
#include "fixture_results.h"

static void check_escape(const char *in, bool property, const char *want)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    annotation_escape(f, in, property);
    fclose(f);
    assert_string_equal(text, want);
    free(text);
}

static void test_escape(void **state)
{
    (void)state;
    /* escapeData */
    check_escape("100% a:b, c\r\nd", false, "100%25 a:b, c%0D%0Ad");
    /* escapeProperty */
    check_escape("100% a:b, c\r\nd", true, "100%25 a%3Ab%2C c%0D%0Ad");
    check_escape("%0A", true, "%250A"); /* never taken for an escape */
}

static char *write_annotations(struct iso_results *res, const char *bail)
{
    struct sink_list l = { 0 };
    struct iso_err err = { 0, "" };
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    assert_int_equal(
        sink_add(&l, sink_kind_find("annotations")->open(&(struct sink_opts){ .f = f }, &err),
                 &err),
        0);
    if (bail)
        sinks_bail(&l, bail);
    assert_int_equal(sink_replay(&l, res, &err), 0);
    sinks_destroy(&l);
    fclose(f);
    return text;
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_golden(void **state)
{
    struct iso_results res = { 0 };
    char *got;
    (void)state;

    fx_results(&res, false);
    got = write_annotations(&res, NULL);
    assert_true(fx_golden(got, "sink.annotations"));
    /* one per failed case and per failed preflight; no notice */
    assert_int_equal(count(got, "::error "), 2);
    assert_int_equal(count(got, "::notice "), 0);
    results_free(&res);
    free(got);
}

/* Twelve failures: ten annotated, a notice for the two left out. */
static void test_cap(void **state)
{
    static const char diag[] = "message\0m\0at\0cases/x.c:7";
    static const char *const names[] = { "alpha" }, *const versions[] = { NULL };
    static const char *cases[12];
    struct iso_results res = { 0 };
    struct iso_err err = { 0, "" };
    char *got;
    (void)state;

    assert_int_equal(results_alloc(&res, 1, 12, &err), 0);
    res.runtimes = names, res.versions = versions, res.cases = cases;
    *res.ready = 1;
    for (int k = 0; k < 12; k++) {
        cases[k] = "x.fails";
        results_item(&res, 0, k)->verdict = V_FAIL;
        fx_diag(&results_item(&res, 0, k)->out, diag, sizeof(diag));
    }
    got = write_annotations(&res, NULL);
    assert_int_equal(
        count(got, "::error file=cases/x.c,line=7,title=isocheck%3A x.fails on alpha::m\n"), 10);
    assert_non_null(strstr(got, "::notice title=isocheck::2 more failures not annotated"));
    results_free(&res);
    free(got);
}

static void test_bail(void **state)
{
    struct iso_results res = { 0 };
    struct iso_err err = { 0, "" };
    char *got;
    (void)state;

    assert_int_equal(results_alloc(&res, 1, 1, &err), 0);
    got = write_annotations(&res, "no rootfs at /x:\ny");
    assert_string_equal(got, "::error title=isocheck bailed out::no rootfs at /x:%0Ay\n");
    results_free(&res);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_bail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
