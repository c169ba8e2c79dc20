/* test_junit.c - the JUnit writer: escaping, a golden report of a run
 * with every kind of result, its counts, a bail-out, an interrupted run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_results.h"
#include "junit.h"
#include "sink.h"

static char *escape(const char *s, size_t len, bool attr)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    junit_escape(f, s, len, attr);
    fclose(f);
    return text;
}

static void check_escape(const char *in, size_t len, bool attr, const char *want)
{
    char *got = escape(in, len, attr);
    assert_string_equal(got, want);
    free(got);
}

static void test_escape_markup(void **state)
{
    (void)state;
    check_escape("a & b < c > d", 13, false, "a &amp; b &lt; c &gt; d");
    check_escape("say \"hi\"", 8, true, "say &quot;hi&quot;");
    check_escape("say \"hi\"", 8, false, "say \"hi\"");
    check_escape("&amp;", 5, true, "&amp;amp;"); /* never taken for an entity */
}

static void test_escape_whitespace(void **state)
{
    (void)state;
    /* an attribute keeps its newlines and tabs only as references */
    check_escape("a\nb\tc\rd", 7, true, "a&#10;b&#9;c&#13;d");
    check_escape("a\nb\tc\rd", 7, false, "a\nb\tc&#13;d");
}

static void test_escape_bytes(void **state)
{
    (void)state;
    /* characters XML 1.0 forbids, even as references */
    check_escape("\x00\x01\x1f\x7f", 4, false, "\\x00\\x01\\x1f\\x7f");
    check_escape("\xef\xbf\xbe\xef\xbf\xbf", 6, false, "\\xef\\xbf\\xbe\\xef\\xbf\\xbf");
    /* bytes that are not UTF-8 */
    check_escape("\xff", 1, true, "\\xff");
    check_escape("\xc3", 1, false, "\\xc3");          /* truncated */
    check_escape("\xc0\xaf", 2, false, "\\xc0\\xaf"); /* overlong '/' */
    /* UTF-8 passes through, U+FFFD included */
    check_escape("\xc3\xa9\xe2\x82\xac\xef\xbf\xbd", 8, false, "\xc3\xa9\xe2\x82\xac\xef\xbf\xbd");
}

static char *write_report(bool interrupted, const char *bail)
{
    struct iso_results res = { 0 };
    struct sink_list l = { 0 };
    struct iso_err err = { 0, "" };
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    fx_results(&res, interrupted);
    assert_int_equal(
        sink_add(&l, sink_kind_find("junit")->open(&(struct sink_opts){ .f = f }, &err), &err), 0);
    if (bail)
        sinks_bail(&l, bail);
    assert_int_equal(sink_replay(&l, &res, &err), 0);
    sinks_destroy(&l);
    results_free(&res);
    fclose(f);
    return text;
}

static void test_golden(void **state)
{
    char *got = write_report(false, NULL);
    (void)state;
    assert_true(fx_golden(got, "sink.junit.xml"));
    free(got);
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* One testcase per TAP line: 4 cases of alpha and its leak check, beta's
 * and gamma's blocks. */
static void test_counts(void **state)
{
    char *got = write_report(false, NULL);
    (void)state;
    assert_int_equal(count(got, "<testsuite "), 3);
    assert_int_equal(count(got, "<testcase "), 7);
    assert_int_equal(count(got, "<failure "), 3);
    assert_int_equal(count(got, "<skipped "), 3);
    assert_non_null(strstr(
        got,
        "<testsuites name=\"isocheck\" tests=\"7\" failures=\"3\" errors=\"0\" time=\"1.247\">"));
    assert_non_null(strstr(got, "<testsuite name=\"alpha\" tests=\"5\" failures=\"2\" errors=\"0\" "
                                "skipped=\"2\" time=\"1.247\">"));
    assert_non_null(
        strstr(got, "<skipped message=\"TODO: OCI runtimes bring &quot;lo&quot; up\">"));
    assert_non_null(strstr(got, "classname=\"alpha.uts\""));
    assert_non_null(
        strstr(got, "<testcase name=\"leak.pid.init_is_pid1\" classname=\"alpha.leak\""));
    free(got);
}

static void test_bail(void **state)
{
    char *got = write_report(false, "interrupted");
    (void)state;
    assert_non_null(strstr(got, "errors=\"1\""));
    assert_non_null(strstr(got, "<error message=\"Bail out! interrupted\"/>"));
    assert_int_equal(count(got, "<testcase "), 8);
    free(got);
}

/* An interrupted run: what was settled, and a well-formed document. */
static void test_interrupted(void **state)
{
    char *got = write_report(true, "interrupted");
    (void)state;
    assert_int_equal(count(got, "<testsuite "), 2); /* alpha, and the bail-out */
    assert_int_equal(count(got, "<testcase "), 3);
    assert_non_null(strstr(got, "</testsuites>\n"));
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_markup), cmocka_unit_test(test_escape_whitespace),
        cmocka_unit_test(test_escape_bytes),  cmocka_unit_test(test_golden),
        cmocka_unit_test(test_counts),        cmocka_unit_test(test_bail),
        cmocka_unit_test(test_interrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
