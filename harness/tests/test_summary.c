/* test_summary.c - the Markdown job summary: escaping, a golden summary
 * of a run with every kind of result, a bail-out, and the size cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_results.h"
#include "summary.h"

static void check_inline(const char *in, const char *want)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    summary_inline(f, in);
    fclose(f);
    assert_string_equal(text, want);
    free(text);
}

static void test_inline(void **state)
{
    (void)state;
    check_inline("a|b", "a\\|b");
    check_inline("<b>&", "&lt;b&gt;&amp;");
    check_inline("x_y*z`w\\", "x\\_y\\*z\\`w\\\\");
    check_inline("[l](u)", "\\[l\\](u)");
    check_inline("one\ntwo\rthree\tfour", "one two three four");
    check_inline("plain 1.2", "plain 1.2");
}

static char *write_summary(const char *bail, size_t max)
{
    struct iso_results res = { 0 };
    struct sink_list l = { 0 };
    struct iso_err err = { 0, "" };
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    fx_results(&res, false);
    assert_int_equal(sink_add(&l,
                              sink_kind_find("summary")->open(
                                  &(struct sink_opts){ .f = f, .max_bytes = max }, &err),
                              &err),
                     0);
    sinks_note(&l, "isocheck 0.1.0 on Linux 6.1; runtime all");
    sinks_note(&l, "host: kernel <x> | y");
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
    char *got = write_summary(NULL, 0);
    (void)state;
    assert_true(fx_golden(got, "sink.summary.md"));
    free(got);
}

static void test_bail(void **state)
{
    char *got = write_summary("interrupted <now>", 0);
    (void)state;
    assert_non_null(strstr(got, "## isocheck: bailed out: interrupted &lt;now&gt;\n"));
    free(got);
}

/* Cut at a line end below the cap, and said so. */
static void test_cap(void **state)
{
    char *full = write_summary(NULL, 0), *got = write_summary(NULL, 1024);
    char *big = write_summary(NULL, 1 << 20);
    const char *note = strstr(got, "\n**The summary was cut here");
    (void)state;
    assert_true(strlen(full) > 1024);
    assert_non_null(note);
    assert_true(note - got <= 1024 - 256 + 1);
    assert_int_equal(note[-1], '\n');
    assert_memory_equal(got, full, (size_t)(note - got));
    assert_string_equal(big, full);
    free(big);
    free(full);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_bail),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
