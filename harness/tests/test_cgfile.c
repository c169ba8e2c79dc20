/* test_cgfile.c - lines of /proc/PID/cgroup: v1 hybrid, pure v2, named
 * hierarchies, malformed lines, controllers that are prefixes of others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cgfile.h"

static const char hybrid[] = "12:pids:/user.slice/u\n"
                             "4:cpu,cpuacct:/user.slice\n"
                             "3:cpuacct_extra:/wrong\n"
                             "no colon here\n"
                             "1:name=systemd:/user.slice/u/s\n"
                             "0::/user.slice/u/s\n"
                             "2:memory:/";

static void test_lines(void **state)
{
    const char *pos = hybrid;
    struct cgfile_line l;
    int n = 0;
    (void)state;
    while (cgfile_next(&pos, &l))
        n++;
    assert_int_equal(n, 6); /* the malformed line is skipped */
    pos = "1:a:/x:y\n";     /* the path keeps any further ':' */
    assert_true(cgfile_next(&pos, &l));
    assert_int_equal(l.path_len, 4);
    assert_memory_equal(l.path, "/x:y", 4);
    assert_false(cgfile_next(&pos, &l));
    pos = "";
    assert_false(cgfile_next(&pos, &l));
}

static void test_controllers(void **state)
{
    const char *pos = "4:cpu,cpuacct:/a\n", *name;
    struct cgfile_line l;
    size_t off = 0, len;
    (void)state;
    assert_true(cgfile_next(&pos, &l));
    assert_true(cgfile_next_ctl(&l, &off, &name, &len));
    assert_int_equal(len, 3);
    assert_memory_equal(name, "cpu", 3);
    assert_true(cgfile_next_ctl(&l, &off, &name, &len));
    assert_int_equal(len, 7);
    assert_memory_equal(name, "cpuacct", 7);
    assert_false(cgfile_next_ctl(&l, &off, &name, &len));
    assert_true(cgfile_has_ctl(&l, "cpuacct"));
    assert_false(cgfile_has_ctl(&l, "cpuac"));
    assert_false(cgfile_has_ctl(&l, "acct"));
    assert_false(cgfile_has_ctl(&l, "memory"));
}

static void test_path(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(cgfile_path(hybrid, "cpu", out, sizeof(out)), 0);
    assert_string_equal(out, "user.slice"); /* without the leading '/' */
    assert_int_equal(cgfile_path(hybrid, "pids", out, sizeof(out)), 0);
    assert_string_equal(out, "user.slice/u");
    assert_int_equal(cgfile_path(hybrid, "memory", out, sizeof(out)), 0);
    assert_string_equal(out, ""); /* the root; last line without '\n' */
    assert_int_equal(cgfile_path(hybrid, "name=systemd", out, sizeof(out)), 0);
    assert_string_equal(out, "user.slice/u/s");
    assert_int_equal(cgfile_path(hybrid, NULL, out, sizeof(out)), 0);
    assert_string_equal(out, "user.slice/u/s");
    assert_int_equal(cgfile_path(hybrid, "cpuacct_extra", out, sizeof(out)), 0);
    assert_string_equal(out, "wrong");
    assert_int_equal(cgfile_path(hybrid, "hugetlb", out, sizeof(out)), -1);
    assert_int_equal(cgfile_path("0::/system.slice/runner.service\n", "memory", out, sizeof(out)),
                     -1);
    assert_int_equal(cgfile_path("0::/system.slice/runner.service\n", "", out, sizeof(out)), 0);
    assert_string_equal(out, "system.slice/runner.service");
    assert_int_equal(cgfile_path("4:cpu:/a\n", NULL, out, sizeof(out)), -1); /* no v2 line */
    assert_int_equal(cgfile_path("4:cpu:/abcdef\n", "cpu", out, 4), 0);      /* truncated */
    assert_string_equal(out, "abc");
}

/* A cgroup v2 line has no controllers; a trailing comma adds no empty
 * one. */
static void test_controller_edges(void **state)
{
    const char *pos = "0::/a\n4:cpu,:/b\n", *name;
    struct cgfile_line l;
    size_t off = 0, len;
    (void)state;
    assert_true(cgfile_next(&pos, &l));
    assert_false(cgfile_next_ctl(&l, &off, &name, &len));
    assert_false(cgfile_has_ctl(&l, ""));
    assert_true(cgfile_next(&pos, &l));
    off = 0;
    assert_true(cgfile_next_ctl(&l, &off, &name, &len));
    assert_int_equal(len, 3);
    assert_false(cgfile_next_ctl(&l, &off, &name, &len));
    assert_false(cgfile_has_ctl(&l, ""));
}

/* The output buffer: a path exactly its size is cut by one for the
 * terminator, a size of one holds just that, a size of zero nothing;
 * only a leading '/' is dropped. */
static void test_path_sizes(void **state)
{
    char out[8];
    (void)state;
    memset(out, 'x', sizeof(out));
    assert_int_equal(cgfile_path("4:cpu:/abcd\n", "cpu", out, 4), 0);
    assert_string_equal(out, "abc");
    assert_int_equal(out[4], 'x');
    assert_int_equal(cgfile_path("4:cpu:/abc\n", "cpu", out, 4), 0);
    assert_string_equal(out, "abc");
    memset(out, 'x', sizeof(out));
    assert_int_equal(cgfile_path("4:cpu:/abcd\n", "cpu", out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(out[1], 'x');
    memset(out, 'x', sizeof(out));
    assert_int_equal(cgfile_path("4:cpu:/abcd\n", "cpu", out, 0), 0);
    assert_int_equal(out[0], 'x');
    assert_int_equal(cgfile_path("4:cpu:rel\n", "cpu", out, sizeof(out)), 0);
    assert_string_equal(out, "rel");
    assert_int_equal(cgfile_path("4:cpu:\n", "cpu", out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),      cmocka_unit_test(test_controllers),
        cmocka_unit_test(test_path),       cmocka_unit_test(test_controller_edges),
        cmocka_unit_test(test_path_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
