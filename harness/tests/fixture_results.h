/* fixture_results.h - one run's results for the output tests: three
 * runtimes; "alpha" ran its four cases (ok, failed, skipped, a known
 * difference; its first and third left a process behind), "beta" was
 * skipped at preflight, "gamma" failed it. Names,
 * reasons and diagnostics carry what an output must escape. */
#ifndef FIXTURE_RESULTS_H
#define FIXTURE_RESULTS_H

#include <string.h>

#include "results.h"

static const char *const fx_runtimes[] = { "alpha", "beta", "gamma" };
static const char *const fx_versions[] = { "1.2.3", NULL, "0.9" };
static const char *const fx_cases[] = { "pid.init_is_pid1", "uts.hostname <&> \"isolated\"",
                                        "cgroup.oom # odd \\ name", "net.only_loopback" };

static void fx_diag(struct iso_outcome *o, const char *diag, size_t len)
{
    memcpy(o->diag, diag, len);
    o->diag_len = len;
}

/* live: leave the verdicts of alpha's last two cases unsettled */
static void fx_results(struct iso_results *res, bool interrupted)
{
    static const char fail_diag[] =
        "message\0lab hostname <changed> & \"quoted\"\0expected\0lab\0"
        "got\0isocheck-c2\0bytes\0a\x01\xff\xef\xbf\xbe\xc3\xa9\0runtime\0alpha";
    static const char todo_diag[] = "message\0interfaces inside\0got\0lo:up";
    static const char pre_diag[] = "message\0the runtime could not start a trivial container\0"
                                   "stderr\0line one\nline two\0runtime\0gamma";
    struct iso_err err = { 0, "" };
    struct res_item *it;

    if (results_alloc(res, 3, 4, &err) < 0)
        abort();
    res->runtimes = fx_runtimes;
    res->versions = fx_versions;
    res->cases = fx_cases;
    *res->ready = 1;
    res->blocks[0].state = BLOCK_OK;
    it = results_item(res, 0, 0);
    it->verdict = V_OK, it->ms = 2.1;
    it->nleak = 1;
    strcpy(it->leak, "process 7 (sleep) in process group 7");
    it = results_item(res, 0, 1);
    it->verdict = V_FAIL, it->ms = 1234.5678;
    fx_diag(&it->out, fail_diag, sizeof(fail_diag));
    if (!interrupted) {
        it = results_item(res, 0, 2);
        it->verdict = V_SKIP, it->ms = 0.4;
        strcpy(it->out.reason, "no memory # controller & <more>");
        it->nleak = 2;
        strcpy(it->leak, "mount 40 /run/isocheck/x # y; shm key=0 id=3");
        it = results_item(res, 0, 3);
        it->verdict = V_TODO, it->ms = 10, it->timed_out = true;
        strcpy(it->todo, "OCI runtimes bring \"lo\" up");
        fx_diag(&it->out, todo_diag, sizeof(todo_diag));
    }
    res->blocks[1].state = BLOCK_SKIP;
    strcpy(res->blocks[1].why.reason, "runtime beta: beta not found in PATH");
    res->blocks[2].state = BLOCK_FAIL;
    fx_diag(&res->blocks[2].why, pre_diag, sizeof(pre_diag));
    for (int k = 0; k < 4; k++) {
        results_item(res, 1, k)->verdict = V_SKIP;
        results_item(res, 2, k)->verdict = V_FAIL;
    }
}

static char *fx_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

/* Compare with a golden file; ISO_GOLDEN_UPDATE=1 rewrites it instead. */
static int fx_golden(const char *got, const char *name)
{
    char path[512];
    char *want;
    int same;

    snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
    if (getenv("ISO_GOLDEN_UPDATE")) {
        FILE *f = fopen(path, "w");
        fputs(got, f);
        fclose(f);
    }
    want = fx_slurp(path);
    same = strcmp(got, want) == 0;
    if (!same)
        fprintf(stderr, "%s differs:\n--- got\n%s--- want\n%s", name, got, want);
    free(want);
    return same;
}

#endif
