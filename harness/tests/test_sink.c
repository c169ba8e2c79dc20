/* test_sink.c - the result interface: the verdict-word table, which sinks
 * hear which events, and the TAP and matrix outputs of a whole run
 * against golden streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakes.h"
#include "fixture_results.h"
#include "sink.h"

static void test_verdict_words(void **state)
{
    (void)state;
    assert_string_equal(verdict_word(V_NONE, VW_PLAIN), "-");
    assert_string_equal(verdict_word(V_OK, VW_PLAIN), "ok");
    assert_string_equal(verdict_word(V_FAIL, VW_PLAIN), "FAIL");
    assert_string_equal(verdict_word(V_SKIP, VW_PLAIN), "skip");
    assert_string_equal(verdict_word(V_TODO, VW_PLAIN), "TODO");
    assert_string_equal(verdict_word(V_NONE, VW_MARKDOWN), "–");
    assert_string_equal(verdict_word(V_FAIL, VW_MARKDOWN), "**FAIL**");
    assert_string_equal(verdict_word(V_TODO, VW_MARKDOWN), "TODO");
    assert_string_equal(verdict_word(V_COUNT, VW_PLAIN), "?");
    assert_string_equal(verdict_word(V_OK, VW_STYLES), "?");
}

static void test_verdict_fails(void **state)
{
    (void)state;
    /* a known difference (TODO) and a skip keep the run green */
    assert_false(verdict_fails(V_NONE));
    assert_false(verdict_fails(V_OK));
    assert_true(verdict_fails(V_FAIL));
    assert_false(verdict_fails(V_SKIP));
    assert_false(verdict_fails(V_TODO));
}

/* A sink that writes down the events it hears. */
struct recorder {
    struct iso_sink base;
    char log[512];
};

static void rec(struct iso_sink *s, const char *fmt, ...) ISO_PRINTF(2, 3);
static void rec(struct iso_sink *s, const char *fmt, ...)
{
    struct recorder *r = (struct recorder *)s;
    size_t off = strlen(r->log);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->log + off, sizeof(r->log) - off, fmt, ap);
    va_end(ap);
}
static void rec_note(struct iso_sink *s, const char *t) { rec(s, "note(%s) ", t); }
static void rec_plan(struct iso_sink *s, const struct iso_results *res)
{
    (void)res, rec(s, "plan ");
}
static void rec_start(struct iso_sink *s, const struct iso_results *res, int r)
{
    (void)res, rec(s, "[%d ", r);
}
static void rec_result(struct iso_sink *s, const struct iso_results *res, int r, int k)
{
    rec(s, "%d.%d=%s ", r, k, verdict_word(results_item(res, r, k)->verdict, VW_PLAIN));
}
static void rec_end(struct iso_sink *s, const struct iso_results *res, int r)
{
    (void)res, rec(s, "%d] ", r);
}
static int rec_finish(struct iso_sink *s, const struct iso_results *res, struct iso_err *err)
{
    (void)res, (void)err;
    rec(s, "finish");
    return 0;
}
static void rec_bail(struct iso_sink *s, const char *why) { rec(s, "bail(%s) ", why); }

static const struct iso_sink_ops rec_ops = { rec_note, rec_plan,   rec_start, rec_result,
                                             rec_end,  rec_finish, rec_bail,  NULL };

/* The runner's calls for a whole run, in its order. */
static void feed_live(const struct sink_list *l, const struct iso_results *res)
{
    sinks_plan(l, res);
    for (int r = 0; r < res->nrt; r++) {
        sinks_block_start(l, res, r);
        for (int k = 0; k < res->n && res->blocks[r].state == BLOCK_OK; k++)
            sinks_result(l, res, r, k);
        sinks_block_end(l, res, r);
    }
    sinks_finish(l, res);
}

static void test_live_and_replayed(void **state)
{
    struct recorder live = { { &rec_ops, true }, "" }, later = { { &rec_ops, false }, "" };
    struct sink_list l = { 0 };
    struct iso_results res = { 0 };
    struct iso_err err = { 0, "" };
    const char *want = "plan [0 0.0=ok 0.1=FAIL 0.2=skip 0.3=TODO 0] [1 1] [2 2] finish";
    (void)state;

    fx_results(&res, false);
    assert_int_equal(sink_add(&l, &live.base, &err), 0);
    assert_int_equal(sink_add(&l, &later.base, &err), 0);
    sinks_note(&l, "kernel %d", 6);
    feed_live(&l, &res);
    assert_string_equal(
        live.log, "note(kernel 6) plan [0 0.0=ok 0.1=FAIL 0.2=skip 0.3=TODO 0] [1 1] [2 2] finish");
    assert_string_equal(later.log, "note(kernel 6) ");
    assert_int_equal(sink_replay(&l, &res, &err), 0);
    assert_string_equal(later.log + strlen("note(kernel 6) "), want);
    assert_string_equal(live.log + strlen("note(kernel 6) "), want); /* heard once, not twice */
    results_free(&res);
}

static void test_replay_interrupted(void **state)
{
    struct recorder later = { { &rec_ops, false }, "" };
    struct sink_list l = { 0 };
    struct iso_results res = { 0 };
    struct iso_err err = { 0, "" };
    (void)state;

    fx_results(&res, true);
    assert_int_equal(sink_add(&l, &later.base, &err), 0);
    sinks_bail(&l, "interrupted");
    assert_int_equal(sink_replay(&l, &res, &err), 0);
    assert_string_equal(later.log, "bail(interrupted) plan [0 0.0=ok 0.1=FAIL 0] finish");
    *res.ready = 0; /* bailed out before the plan: only finish */
    later.log[0] = '\0';
    assert_int_equal(sink_replay(&l, &res, &err), 0);
    assert_string_equal(later.log, "finish");
    results_free(&res);
}

/* The whole run through the TAP sink (and the Markdown matrix). */
static char *write_tap(int version, int nrt)
{
    struct iso_results res = { 0 };
    struct sink_list l = { 0 };
    struct iso_err err = { 0, "" };
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    fx_results(&res, false);
    res.nrt = nrt;
    assert_int_equal(
        sink_add(&l, tap_sink_open(&(struct sink_opts){ .f = f, .tap_version = version }, &err),
                 &err),
        0);
    sinks_note(&l, "a note\nof two lines");
    feed_live(&l, &res);
    sinks_bail(&l, "stop # here");
    sinks_destroy(&l);
    res.nrt = 3;
    results_free(&res);
    fclose(f);
    return text;
}

static void check_tap(int version, int nrt, const char *golden)
{
    char *got = write_tap(version, nrt);
    assert_true(fx_golden(got, golden));
    free(got);
}

static void test_tap13_one_runtime(void **state) { (void)state, check_tap(13, 1, "sink1.tap13"); }
static void test_tap13_runtimes(void **state) { (void)state, check_tap(13, 3, "sink.tap13"); }
static void test_tap14_one_runtime(void **state) { (void)state, check_tap(14, 1, "sink1.tap14"); }
static void test_tap14_runtimes(void **state) { (void)state, check_tap(14, 3, "sink.tap14"); }

static void test_markdown_matrix(void **state)
{
    struct iso_results res = { 0 };
    struct sink_list l = { 0 };
    struct iso_err err = { 0, "" };
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    (void)state;

    fx_results(&res, false);
    assert_int_equal(
        sink_add(&l, sink_kind_find("matrix")->open(&(struct sink_opts){ .f = f }, &err), &err), 0);
    assert_int_equal(sink_replay(&l, &res, &err), 0);
    sinks_destroy(&l);
    results_free(&res);
    fclose(f);
    assert_true(fx_golden(text, "sink.md"));
    free(text);
}

/* No memory for the store: an error saying so, nothing written (the
 * child has no address space left to give). */
static void test_results_no_memory(void **state)
{
    pid_t pid;
    int st;
    (void)state;
    if (under_qemu_user("RLIMIT_AS limits the emulator's own address space, which then crashes"))
        skip();
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct iso_results res = { 0 };
        struct iso_err err = { 0, "" };
        struct rlimit none = { 0, 0 };
        if (setrlimit(RLIMIT_AS, &none) < 0)
            _exit(2);
        if (results_alloc(&res, 3, 4, &err) != -1 || err.errnum != ENOMEM)
            _exit(3);
        _exit(strcmp(err.msg, "map the result store: Cannot allocate memory") == 0 ? 0 : 4);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_words),     cmocka_unit_test(test_verdict_fails),
        cmocka_unit_test(test_live_and_replayed), cmocka_unit_test(test_replay_interrupted),
        cmocka_unit_test(test_tap13_one_runtime), cmocka_unit_test(test_tap13_runtimes),
        cmocka_unit_test(test_tap14_one_runtime), cmocka_unit_test(test_tap14_runtimes),
        cmocka_unit_test(test_markdown_matrix),   cmocka_unit_test(test_results_no_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
