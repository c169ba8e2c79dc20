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
             &(struct tap_result){ .ok = true, .name = "pid.init_is_pid1", .note = "time=2.10ms" });
    tap_emit(&w, &(struct tap_result){ .ok = false,
                                       .name = "uts.hostname_isolated",
                                       .note = "time=1.90ms",
                                       .diag = diag,
                                       .diag_len = sizeof(diag) });
    tap_emit(&w, &(struct tap_result){ .ok = true,
                                       .name = "cgroup.oom # odd \\ name",
                                       .directive = "SKIP",
                                       .reason = "no memory # controller" });
    tap_emit(&w, &(struct tap_result){ .ok = false, .name = "pid.hangs", .note = "timeout" });
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
    tap_emit(&w, &(struct tap_result){
                     .ok = false, .name = "a", .diag = diag, .diag_len = sizeof(diag) });
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
    q = quote("\"\\\n\t\r", 5); /* the escapes YAML has names for */
    assert_string_equal(q, "\"\\\"\\\\\\n\\t\\r\"");
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

/* utf8_len at the edges of each sequence length: the smallest and largest
 * code point of 2, 3 and 4 bytes, the overlong form just below each, the
 * surrogates, the end of Unicode, bad lead and continuation bytes. */
static void test_utf8_len(void **state)
{
    static const struct {
        const char *bytes;
        size_t n;    /* bytes available */
        size_t want; /* 0: invalid */
    } cases[] = {
        { "\x00", 1, 1 },
        { "\x7f", 1, 1 },
        { "\x80", 1, 0 }, /* a continuation byte cannot lead */
        { "\xbf", 1, 0 },
        { "\xc1\xbf", 2, 0 },         /* U+007F overlong */
        { "\xc2\x80", 2, 2 },         /* U+0080 */
        { "\xc3\xa9", 2, 2 },         /* U+00E9 */
        { "\x80\x80\x80\x80", 4, 0 }, /* nothing of the last one carries over */
        { "\xdf\xbf", 2, 2 },         /* U+07FF */
        { "\xc3\x28", 2, 0 },         /* not a continuation byte */
        { "\xc3\xc0", 2, 0 },
        { "\xc3", 1, 0 },         /* cut */
        { "\xe0\x9f\xbf", 3, 0 }, /* U+07FF overlong */
        { "\xe0\xa0\x80", 3, 3 }, /* U+0800 */
        { "\xe1\x80\x80", 3, 3 }, /* U+1000 */
        { "\xe2\x82\xac", 3, 3 }, /* U+20AC */
        { "\xe2\x82\xac", 2, 0 }, /* cut */
        { "\xed\x9f\xbf", 3, 3 }, /* U+D7FF */
        { "\xed\xa0\x80", 3, 0 }, /* U+D800, a surrogate */
        { "\xed\xbf\xbf", 3, 0 }, /* U+DFFF */
        { "\xee\x80\x80", 3, 3 }, /* U+E000 */
        { "\xef\xbf\xbf", 3, 3 }, /* U+FFFF */
        { "\xe2\x82\x2c", 3, 0 },
        { "\xf0\x8f\xbf\xbf", 4, 0 }, /* U+FFFF overlong */
        { "\xf0\x90\x80\x80", 4, 4 }, /* U+10000 */
        { "\xf1\x80\x80\x80", 4, 4 }, /* U+40000 */
        { "\xf4\x8f\xbf\xbf", 4, 4 }, /* U+10FFFF */
        { "\xbf\xbf\xbf\xbf", 4, 0 },
        { "\xf4\x90\x80\x80", 4, 0 }, /* U+110000 */
        { "\xf0\x90\x80\x80", 3, 0 }, /* cut */
        { "\xf0\x90\x80\xc0", 4, 0 },
        { "\xf8\x88\x80\x80\x80", 5, 0 }, /* no five-byte sequences */
        { "\xff", 1, 0 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t got = utf8_len((const unsigned char *)cases[i].bytes, cases[i].n);
        if (got != cases[i].want)
            fail_msg("case %zu: utf8_len = %zu, want %zu", i, got, cases[i].want);
    }
}

/* A size of two has room for an escaped character's backslash but not
 * the character: nothing is written past the end, and the escape is
 * not split. */
static void test_escape_edges(void **state)
{
    char out[8];
    (void)state;
    memset(out, 'x', sizeof(out));
    tap_escape(out, 2, "#");
    assert_string_equal(out, "");
    assert_int_equal(out[2], 'x');
    memset(out, 'x', sizeof(out));
    tap_escape(out, 3, "#a");
    assert_string_equal(out, "\\#");
    memset(out, 'x', sizeof(out));
    tap_escape(out, 3, "ab\\");
    assert_string_equal(out, "ab");
    memset(out, 'x', sizeof(out));
    tap_escape(out, 0, "a"); /* no room at all: nothing written */
    assert_int_equal(out[0], 'x');
    tap_escape(out, 1, "a");
    assert_string_equal(out, "");
    tap_escape(out, sizeof(out), "\r\t|");
    assert_string_equal(out, "  |");
}

/* Each call leaves its lines in the stream (one fflush per result), so a
 * run killed after it loses nothing it wrote: a memory stream's length
 * grows only when it is flushed. */
static void test_flushed(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct tap_writer w;
    (void)state;

    tap_begin(&w, f, 13);
    assert_int_equal(len, strlen("TAP version 13\n"));
    tap_plan(&w, 2);
    assert_int_equal(len, strlen("TAP version 13\n1..2\n"));
    tap_emit(&w, &(struct tap_result){ .ok = true, .name = "a" });
    assert_int_equal(len, strlen("TAP version 13\n1..2\nok 1 - a\n"));
    assert_string_equal(text, "TAP version 13\n1..2\nok 1 - a\n");
    tap_comment(&w, "c");
    assert_string_equal(text + len - 4, "# c\n");
    tap_bail(&w, "b");
    assert_string_equal(text + len - 12, "Bail out! b\n");
    fclose(f);
    free(text);
}

static char *emit(const struct tap_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct tap_writer w = { .f = f };
    tap_emit(&w, r);
    fclose(f);
    return text;
}

/* YAML keys: letters, digits, '_' and '-' as they are, every other byte
 * (the neighbours of each range included) as '_'; an empty key gets a
 * name. A list cut inside a key ends before it; a key whose value was
 * cut off is shown with an empty value. */
static void test_diag_keys(void **state)
{
    static const char diag[] = "`az{@AZ[/09:_-.\0v\0\0w";
    static const char cut[] = "k\0v\0last";
    char *text;
    (void)state;
    text = emit(&(struct tap_result){ .name = "n", .diag = diag, .diag_len = sizeof(diag) });
    assert_string_equal(text, "not ok 1 - n\n"
                              "  ---\n"
                              "  _az__AZ__09__-_: \"v\"\n"
                              "  key: \"w\"\n"
                              "  ...\n");
    free(text);
    text = emit(&(struct tap_result){ .name = "n", .diag = cut, .diag_len = sizeof(cut) - 1 });
    assert_string_equal(text, "not ok 1 - n\n"
                              "  ---\n"
                              "  k: \"v\"\n"
                              "  ...\n");
    free(text);
    text = emit(&(struct tap_result){ .name = "n", .diag = cut, .diag_len = 2 });
    assert_string_equal(text, "not ok 1 - n\n"
                              "  ---\n"
                              "  k: \"\"\n"
                              "  ...\n");
    free(text);
    /* an empty note and a directive without a reason add nothing */
    text = emit(&(struct tap_result){ .ok = true, .name = "n", .note = "" });
    assert_string_equal(text, "ok 1 - n\n");
    free(text);
    text = emit(&(struct tap_result){ .ok = true, .name = "n", .directive = "SKIP", .note = "x" });
    assert_string_equal(text, "ok 1 - n # SKIP\n");
    free(text);
    text = emit(&(struct tap_result){ .ok = true, .name = "n", .diag = diag, .diag_len = 0 });
    assert_string_equal(text, "ok 1 - n\n");
    free(text);
    text = emit(&(struct tap_result){ .ok = true, .name = "n", .note = "x" });
    assert_string_equal(text, "ok 1 - n # x\n");
    free(text);
    text =
        emit(&(struct tap_result){ .ok = true, .name = "n", .directive = "SKIP", .reason = "x" });
    assert_string_equal(text, "ok 1 - n # SKIP x\n");
    free(text);
    /* one byte of diagnostics: an empty key, its value cut off */
    text =
        emit(&(struct tap_result){ .name = "n", .diag = diag + sizeof(diag) - 1, .diag_len = 1 });
    assert_string_equal(text, "not ok 1 - n\n"
                              "  ---\n"
                              "  key: \"\"\n"
                              "  ...\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_13),        cmocka_unit_test(test_golden_14),
        cmocka_unit_test(test_indent),           cmocka_unit_test(test_escape),
        cmocka_unit_test(test_yaml_quote_bytes), cmocka_unit_test(test_utf8_len),
        cmocka_unit_test(test_escape_edges),     cmocka_unit_test(test_flushed),
        cmocka_unit_test(test_diag_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
