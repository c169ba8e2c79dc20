/* junit.c - the results as JUnit XML (--junit FILE), in the Ant/Jenkins
 * form that CI dashboards read (fixtures/junit.xsd):
 *
 *   testsuites              the run
 *     testsuite name=RT     one per runtime block
 *       testcase name=CASE classname=RT.FAMILY time=SECONDS
 *         failure message=MSG   a failed case; the text is its YAML diagnostics
 *         skipped message=WHY   a skipped case
 *         skipped message="TODO: WHY"  a reviewed known difference: not a CI
 *                               failure (the run exits 0), still visible; the
 *                               text is its diagnostics
 *
 * A block that ran ends with its leak check, as in TAP: a testcase
 * "leak.none" (classname RT.leak), or "leak.CASE" failed with the objects.
 * A runtime block whose preflight did not pass is one testcase named after
 * the runtime (skipped, or a failure with the preflight's diagnostics), as
 * it is one line in TAP. A run that bailed out gets a testsuite "isocheck"
 * with one <error>. The document is built in memory and written at the end. */
#include "junit.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct junit_sink {
    struct iso_sink base;
    FILE *f;
    bool own;
    char *suites; /* finished <testsuite> elements */
    size_t suites_len;
    FILE *sf;
    char *cases; /* <testcase> elements of the open block */
    size_t cases_len;
    FILE *cf;
    int tests, failures, skipped; /* of the open block */
    double secs;
    int all_tests, all_failures, all_skipped;
    double all_secs;
    char bail[512];
};

void junit_escape(FILE *f, const char *s, size_t len, bool attr)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t n;

        switch (c) {
        case '&':
            fputs("&amp;", f);
            i++;
            continue;
        case '<':
            fputs("&lt;", f);
            i++;
            continue;
        case '>':
            fputs("&gt;", f);
            i++;
            continue;
        case '"':
            fputs(attr ? "&quot;" : "\"", f);
            i++;
            continue;
        case '\n':
            fputs(attr ? "&#10;" : "\n", f);
            i++;
            continue;
        case '\t':
            fputs(attr ? "&#9;" : "\t", f);
            i++;
            continue;
        case '\r':
            fputs("&#13;", f);
            i++;
            continue;
        default: break;
        }
        n = c < 0x20 || c == 0x7f ? 0 : utf8_len(p + i, len - i);
        /* U+FFFE and U+FFFF are UTF-8 but not XML characters */
        if (n == 3 && c == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe)
            n = 0;
        if (n == 0) {
            fprintf(f, "\\x%02x", c);
            i++;
            continue;
        }
        fwrite(p + i, 1, n, f);
        i += n;
    }
}

static void escape_str(FILE *f, const char *s, bool attr) { junit_escape(f, s, strlen(s), attr); }

/* The packed diagnostics as YAML lines, then XML-escaped as text. */
static void write_diag_text(FILE *f, const char *diag, size_t len)
{
    char *yaml = NULL;
    size_t ylen = 0;
    FILE *y = open_memstream(&yaml, &ylen);

    if (!y)
        return;
    tap_yaml_pairs(y, 0, diag, len);
    fclose(y);
    junit_escape(f, yaml, ylen, false);
    free(yaml);
}

/* The first "message" of the diagnostics, else fallback. */
static const char *diag_message(const char *diag, size_t len, const char *fallback)
{
    for (size_t off = 0; off < len;) {
        const char *key = diag + off;
        size_t klen = strnlen(key, len - off);
        if (off + klen + 1 >= len)
            break;
        if (strcmp(key, "message") == 0)
            return key + klen + 1;
        off += klen + 1;
        off += strnlen(diag + off, len - off) + 1;
    }
    return fallback;
}

enum tc_kind { TC_PASS, TC_FAIL, TC_SKIP, TC_TODO };

static void write_testcase(struct junit_sink *j, const char *name, const char *classname,
                           double secs, enum tc_kind kind, const char *reason, const char *diag,
                           size_t diag_len)
{
    FILE *f = j->cf;

    fputs("    <testcase name=\"", f);
    escape_str(f, name, true);
    fputs("\" classname=\"", f);
    escape_str(f, classname, true);
    fprintf(f, "\" time=\"%.3f\"", secs);
    j->tests++;
    j->secs += secs;
    switch (kind) {
    case TC_PASS: fputs("/>\n", f); return;
    case TC_FAIL:
        j->failures++;
        fputs(">\n      <failure message=\"", f);
        escape_str(f, diag_message(diag, diag_len, "failed"), true);
        fputs("\">", f);
        write_diag_text(f, diag, diag_len);
        fputs("</failure>\n", f);
        break;
    case TC_SKIP:
    case TC_TODO:
        j->skipped++;
        fputs(">\n      <skipped message=\"", f);
        if (kind == TC_TODO)
            fputs("TODO: ", f);
        escape_str(f, reason, true);
        fputs("\"", f);
        if (kind == TC_TODO && diag_len) {
            fputs(">", f);
            write_diag_text(f, diag, diag_len);
            fputs("</skipped>\n", f);
        } else {
            fputs("/>\n", f);
        }
        break;
    }
    fputs("    </testcase>\n", f);
}

static void junit_block_start(struct iso_sink *s, const struct iso_results *res, int r)
{
    struct junit_sink *j = (struct junit_sink *)s;
    const struct res_block *b = &res->blocks[r];

    j->cases = NULL;
    j->cases_len = 0;
    j->cf = open_memstream(&j->cases, &j->cases_len);
    j->tests = j->failures = j->skipped = 0;
    j->secs = 0;
    if (!j->cf || b->state == BLOCK_OK)
        return;
    write_testcase(j, res->runtimes[r], res->runtimes[r], 0,
                   b->state == BLOCK_SKIP ? TC_SKIP : TC_FAIL, b->why.reason, b->why.diag,
                   b->why.diag_len);
}

static void junit_result(struct iso_sink *s, const struct iso_results *res, int r, int k)
{
    struct junit_sink *j = (struct junit_sink *)s;
    const struct res_item *it = results_item(res, r, k);
    const char *name = res->cases[k], *dot = strchr(name, '.');
    char classname[160];
    static const enum tc_kind kinds[V_COUNT] = {
        [V_NONE] = TC_FAIL, [V_OK] = TC_PASS,   [V_FAIL] = TC_FAIL,
        [V_SKIP] = TC_SKIP, [V_TODO] = TC_TODO,
    };

    if (!j->cf)
        return;
    snprintf(classname, sizeof(classname), "%s.%.*s", res->runtimes[r],
             dot ? (int)(dot - name) : (int)strlen(name), name);
    write_testcase(j, name, classname, it->ms / 1000.0, kinds[it->verdict],
                   it->verdict == V_TODO ? it->todo : it->out.reason, it->out.diag,
                   it->out.diag_len);
}

static void junit_block_end(struct iso_sink *s, const struct iso_results *res, int r)
{
    struct junit_sink *j = (struct junit_sink *)s;
    bool settled = res->blocks[r].state == BLOCK_OK;

    if (!j->cf)
        return;
    for (int k = 0; k < res->n && settled; k++) /* an interrupted block has no leak check */
        settled = results_item(res, r, k)->verdict != V_NONE;
    if (settled) {
        static char diag[sizeof(((struct iso_outcome *)0)->diag)];
        char name[300], classname[160];
        size_t len = results_leak_point(res, r, name, sizeof(name), diag, sizeof(diag));
        snprintf(classname, sizeof(classname), "%s.leak", res->runtimes[r]);
        write_testcase(j, name, classname, 0, len ? TC_FAIL : TC_PASS, "", diag, len);
    }
    fclose(j->cf);
    j->cf = NULL;
    fputs("  <testsuite name=\"", j->sf);
    escape_str(j->sf, res->runtimes[r], true);
    fprintf(j->sf, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n",
            j->tests, j->failures, j->skipped, j->secs);
    if (res->versions[r]) {
        fputs("    <properties>\n      <property name=\"runtime_version\" value=\"", j->sf);
        escape_str(j->sf, res->versions[r], true);
        fputs("\"/>\n    </properties>\n", j->sf);
    }
    fwrite(j->cases, 1, j->cases_len, j->sf);
    fputs("  </testsuite>\n", j->sf);
    free(j->cases);
    j->cases = NULL;
    j->all_tests += j->tests;
    j->all_failures += j->failures;
    j->all_skipped += j->skipped;
    j->all_secs += j->secs;
}

static void junit_bail(struct iso_sink *s, const char *reason)
{
    snprintf(((struct junit_sink *)s)->bail, sizeof(((struct junit_sink *)s)->bail), "%s", reason);
}

static int junit_finish(struct iso_sink *s, const struct iso_results *res, struct iso_err *err)
{
    struct junit_sink *j = (struct junit_sink *)s;
    int errors = j->bail[0] ? 1 : 0;

    (void)res;
    fflush(j->sf);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", j->f);
    fprintf(
        j->f,
        "<testsuites name=\"isocheck\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">\n",
        j->all_tests + errors, j->all_failures, errors, j->all_secs);
    fwrite(j->suites, 1, j->suites_len, j->f);
    if (errors) {
        fputs("  <testsuite name=\"isocheck\" tests=\"1\" failures=\"0\" errors=\"1\" "
              "skipped=\"0\" time=\"0.000\">\n"
              "    <testcase name=\"run\" classname=\"isocheck\" time=\"0.000\">\n"
              "      <error message=\"Bail out! ",
              j->f);
        escape_str(j->f, j->bail, true);
        fputs("\"/>\n    </testcase>\n  </testsuite>\n", j->f);
    }
    fputs("</testsuites>\n", j->f);
    if (fflush(j->f) != 0 || ferror(j->f))
        return iso_err_set(err, errno, "write the JUnit report");
    return 0;
}

static void junit_destroy(struct iso_sink *s)
{
    struct junit_sink *j = (struct junit_sink *)s;

    if (j->cf)
        fclose(j->cf);
    free(j->cases);
    if (j->sf)
        fclose(j->sf);
    free(j->suites);
    if (j->own)
        fclose(j->f);
    free(j);
}

static const struct iso_sink_ops junit_ops = {
    .block_start = junit_block_start,
    .result = junit_result,
    .block_end = junit_block_end,
    .finish = junit_finish,
    .bail = junit_bail,
    .destroy = junit_destroy,
};

struct iso_sink *junit_sink_open(const struct sink_opts *o, struct iso_err *err)
{
    struct junit_sink *j = calloc(1, sizeof(*j));

    if (!j) {
        iso_err_set(err, errno, "allocate the JUnit writer");
        return NULL;
    }
    j->base = (struct iso_sink){ &junit_ops, false };
    j->sf = open_memstream(&j->suites, &j->suites_len);
    j->f = o->f;
    if (!j->f) {
        j->f = fopen(o->path, "we");
        j->own = true;
    }
    if (!j->f || !j->sf) {
        iso_err_set(err, errno, "open \"%s\"", o->path ? o->path : "");
        j->own = j->own && j->f;
        junit_destroy(&j->base);
        return NULL;
    }
    return &j->base;
}
