/* test_tap.c - the TAP writer against golden streams, escaping, YAML quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* The same results, written as TAP 13 and TAP 14. */
static char *write_stream(int version)
{
    static const char diag[] =
        "message\0lab hostname changed\0expected\0lab\0got\0"
        "isocheck-c2\0at\0cases/uts.c:41\0bytes\0a\"b\\c\nd\te\x01\xff\xc3\xa9";
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct tap_writer w;

    tap_begin(&w, f, version);
    tap_plan(&w, 4);
    tap_emit(&w,
             &(struct tap_result){.ok = true, .name = "pid.init_is_pid1", .note = "time=2.10ms"});
    tap_emit(&w, &(struct tap_result){.ok = false,
                                      .name = "uts.hostname_isolated",
                                      .note = "time=1.90ms",
                                      .diag = diag,
                                      .diag_len = sizeof(diag)});
    tap_emit(&w, &(struct tap_result){.ok = true,
                                      .name = "cgroup.oom # odd \\ name",
                                      .directive = "SKIP",
                                      .reason = "no memory # controller"});
    tap_emit(&w, &(struct tap_result){.ok = false, .name = "pid.hangs", .note = "timeout"});
    tap_comment(&w, "two\nlines");
    tap_bail(&w, "interrupted");
    fclose(f);
    return text;
}

static void test_golden_13(void **state)
{
    (void)state;
    char *got = write_stream(13), *want = slurp(GOLDEN_DIR "/basic.tap13");
    assert_string_equal(got, want);
    free(got), free(want);
}

static void test_golden_14(void **state)
{
    (void)state;
    char *got = write_stream(14), *want = slurp(GOLDEN_DIR "/basic.tap14");
    assert_string_equal(got, want);
    free(got), free(want);
}

/* TAP 14 subtests: every line of a result, its YAML block and comments
 * carry the indent; a bail out never does. */
static void test_indent(void **state)
{
    static const char diag[] = "message\0m";
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct tap_writer w;
    (void)state;

    tap_begin(&w, f, 14);
    w.indent = 4;
    tap_plan(&w, 1);
    tap_emit(
        &w, &(struct tap_result){.ok = false, .name = "a", .diag = diag, .diag_len = sizeof(diag)});
    tap_comment(&w, "c");
    tap_bail(&w, "b");
    fclose(f);
    assert_string_equal(text, "TAP version 14\n"
                              "    1..1\n"
                              "    not ok 1 - a\n"
                              "      ---\n"
                              "      message: \"m\"\n"
                              "      ...\n"
                              "    # c\n"
                              "Bail out! b\n");
    free(text);
}

static void test_escape(void **state)
{
    char out[64];
    (void)state;
    tap_escape(out, sizeof(out), "a#b\\c\nd");
    assert_string_equal(out, "a\\#b\\\\c d");
    tap_escape(out, 4, "###");
    assert_string_equal(out, "\\#"); /* never splits an escape */
    tap_escape(out, sizeof(out), NULL);
    assert_string_equal(out, "");
}

static char *quote(const char *s, size_t len)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    tap_yaml_quote(f, s, len);
    fclose(f);
    return text;
}

static void test_yaml_quote_bytes(void **state)
{
    char *q;
    (void)state;
    q = quote("\x00\x1f\x7f", 3);
    assert_string_equal(q, "\"\\x00\\x1f\\x7f\"");
    free(q);
    q = quote("\xe2\x82\xac ok", 6); /* valid UTF-8 passes through */
    assert_string_equal(q, "\"\xe2\x82\xac ok\"");
    free(q);
    q = quote("\xe2\x82", 2); /* truncated sequence */
    assert_string_equal(q, "\"\\xe2\\x82\"");
    free(q);
    q = quote("\xc0\xaf", 2); /* overlong encoding of '/' */
    assert_string_equal(q, "\"\\xc0\\xaf\"");
    free(q);
    q = quote("\xed\xa0\x80", 3); /* UTF-16 surrogate */
    assert_string_equal(q, "\"\\xed\\xa0\\x80\"");
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_13),        cmocka_unit_test(test_golden_14),
        cmocka_unit_test(test_indent),           cmocka_unit_test(test_escape),
        cmocka_unit_test(test_yaml_quote_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
