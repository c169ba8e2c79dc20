/* test_leak.c - the leak check's pure part: the difference of two looks,
 * the bounded list it is written to, /proc/PID/stat, which processes
 * escaped a case, and the lines made of mountinfo and /proc/sysvipc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "leak.h"

static void test_diff(void **state)
{
    char out[256] = "";
    (void)state;

    /* same set, other order: nothing new */
    assert_int_equal(leak_diff("a 1\nb 2\n", "b 2\na 1\n", out, sizeof(out)), 0);
    assert_string_equal(out, "");
    /* one new line, one gone: only the new one counts */
    assert_int_equal(leak_diff("a 1\nb 2\n", "b 2\nc 3\n", out, sizeof(out)), 1);
    assert_string_equal(out, "c 3");
    /* a line is a whole line, not a prefix or a suffix of one */
    out[0] = '\0';
    assert_int_equal(
        leak_diff("mount 10 /run/x\n", "mount 1 /run/x\nmount 10 /run/xy\n", out, sizeof(out)), 2);
    assert_string_equal(out, "mount 1 /run/x; mount 10 /run/xy");
    /* before without a final newline, after's last line too */
    out[0] = '\0';
    assert_int_equal(leak_diff("a\nb", "b\na", out, sizeof(out)), 0);
    assert_int_equal(leak_diff("", "x\n\ny", out, sizeof(out)), 2);
    assert_string_equal(out, "x; y");
}

static void test_append_bounded(void **state)
{
    char out[16] = "";
    (void)state;

    leak_append(out, sizeof(out), "abc");
    assert_string_equal(out, "abc");
    leak_append(out, sizeof(out), "def");
    assert_string_equal(out, "abc; def");
    leak_append(out, sizeof(out), "ghijklmn");
    assert_int_equal(strlen(out), sizeof(out) - 1);
    assert_string_equal(out + strlen(out) - 3, "...");
    leak_append(out, sizeof(out), "z"); /* full: stays as it is */
    assert_string_equal(out, "abc; def; gh...");
    /* the count goes on when the text is full */
    char small[8] = "";
    assert_int_equal(leak_diff("", "1\n2\n3\n4\n5\n", small, sizeof(small)), 5);
    assert_string_equal(small, "1; 2...");
}

static void test_parse_stat(void **state)
{
    struct leak_proc p;
    (void)state;

    assert_int_equal(leak_parse_stat("42 (sleep) S 7 42 42 0 -1 4194560 100", &p), 0);
    assert_int_equal(p.pid, 42);
    assert_int_equal(p.ppid, 7);
    assert_int_equal(p.pgid, 42);
    assert_int_equal(p.state, 'S');
    assert_string_equal(p.comm, "sleep");
    /* a name with spaces and parentheses: the last ')' ends it */
    assert_int_equal(leak_parse_stat("9 (a) b (c)) Z 1 3 3 0", &p), 0);
    assert_string_equal(p.comm, "a) b (c)");
    assert_int_equal(p.state, 'Z');
    assert_int_equal(p.ppid, 1);
    assert_int_equal(p.pgid, 3);
    /* a name longer than comm is cut, not overflowed */
    assert_int_equal(leak_parse_stat("5 (abcdefghijklmnopqrstuvwxyz) R 1 5 5", &p), 0);
    assert_string_equal(p.comm, "abcdefghijklmnop");
    assert_int_equal(leak_parse_stat("", &p), -1);
    assert_int_equal(leak_parse_stat("x (a) S 1 2 2", &p), -1);
    assert_int_equal(leak_parse_stat("12(a) S 1 2 2", &p), -1);
    assert_int_equal(leak_parse_stat("12 (a) S x 2 2", &p), -1);
    assert_int_equal(leak_parse_stat("12 (a) S 1", &p), -1);
    assert_int_equal(leak_parse_stat("12 (a)S 1 2 2", &p), -1);
}

static void test_escaped(void **state)
{
    /* 10 is the case (group 10); 11 its child in the group; 12 a child
     * that left the group; 13 a grandchild of 11 in a group of its own;
     * 14 a zombie that left; 15 someone else's; 16 below 15 */
    static const struct leak_proc ps[] = {
        { 10, 1, 10, 'S', "case" },    { 11, 10, 10, 'S', "rt" },   { 12, 10, 12, 'S', "d1" },
        { 13, 11, 13, 'R', "d2" },     { 14, 10, 14, 'Z', "dead" }, { 15, 1, 15, 'S', "other" },
        { 16, 15, 16, 'S', "other2" }, { 17, 16, 10, 'X', "gone" },
    };
    int idx[8], n;
    (void)state;

    n = leak_escaped(ps, 8, 10, 10, idx, 8);
    assert_int_equal(n, 2);
    assert_int_equal(ps[idx[0]].pid, 12);
    assert_int_equal(ps[idx[1]].pid, 13);
    /* the count is whole even when idx is short */
    assert_int_equal(leak_escaped(ps, 8, 10, 10, idx, 1), 2);
    assert_int_equal(ps[idx[0]].pid, 12);
    /* from 15's side: only 16 */
    n = leak_escaped(ps, 8, 15, 15, idx, 8);
    assert_int_equal(n, 1);
    assert_int_equal(ps[idx[0]].pid, 16);
    /* a loop of parents is nobody's descendant */
    static const struct leak_proc loop[] = { { 20, 21, 20, 'S', "a" }, { 21, 20, 21, 'S', "b" } };
    assert_int_equal(leak_escaped(loop, 2, 10, 10, idx, 8), 0);
}

static void test_mount_lines(void **state)
{
    static const char mi[] = "21 1 0:20 / /run rw,nosuid - tmpfs isocheck-lab rw\n"
                             "bad line\n"
                             "37 21 0:30 / /run/isocheck/leak\\0401 rw - tmpfs x rw\n"
                             "40 21 0:31 / /run/isocheck/docker/exec/netns/ab rw - nsfs x rw\n"
                             "41 21 0:32 / /run/isocheck/docker-userns/data/m rw - overlay x rw\n"
                             "42 21 0:33 / /run/isocheck/dockerish rw - tmpfs x rw";
    char out[256];
    size_t len;
    (void)state;

    strcpy(out, "shm key=0 id=0\n");
    len = leak_mount_lines(mi, out, sizeof(out), strlen(out));
    /* the daemon's own mounts are its business; a look-alike is not */
    assert_string_equal(out, "shm key=0 id=0\nmount 21 /run\nmount 37 /run/isocheck/leak 1\n"
                             "mount 42 /run/isocheck/dockerish\n");
    assert_int_equal(len, strlen(out));
    /* bounded */
    char small[20] = "";
    len = leak_mount_lines(mi, small, sizeof(small), 0);
    assert_true(len < sizeof(small));
    assert_int_equal(strnlen(small, sizeof(small)), len);
}

static void test_ipc_lines(void **state)
{
    static const char shm[] =
        "       key      shmid perms                  size  cpid  lpid nattch\n"
        "         0          0   600                  4096     5     0      0\n"
        "1234567890          7   644                  4096     5     0      0\n";
    char out[256] = "";
    size_t len;
    (void)state;

    len = leak_ipc_lines("shm", shm, out, sizeof(out), 0);
    assert_string_equal(out, "shm key=0 id=0\nshm key=1234567890 id=7\n");
    assert_int_equal(len, strlen(out));
    /* the header alone: nothing */
    out[0] = '\0';
    assert_int_equal(leak_ipc_lines("msg", "       key      msqid perms\n", out, sizeof(out), 0),
                     0);
    assert_string_equal(out, "");
    /* a negative key (a key above 2^31 shows signed) */
    assert_true(leak_ipc_lines("sem", "h\n -5 3 600\n", out, sizeof(out), 0) > 0);
    assert_string_equal(out, "sem key=-5 id=3\n");
}

static void test_expected_entry(void **state)
{
    (void)state;
    assert_true(leak_expected_entry("c0"));
    assert_true(leak_expected_entry("c123"));
    assert_true(leak_expected_entry("rootfs"));
    assert_true(leak_expected_entry("isoprobe"));
    assert_true(leak_expected_entry("marker"));
    assert_true(leak_expected_entry("."));
    assert_true(leak_expected_entry(".."));
    assert_false(leak_expected_entry("c"));
    assert_false(leak_expected_entry("c1x"));
    assert_false(leak_expected_entry("leak-5"));
    assert_false(leak_expected_entry("x1"));
    assert_false(leak_expected_entry("rootfs2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff),           cmocka_unit_test(test_append_bounded),
        cmocka_unit_test(test_parse_stat),     cmocka_unit_test(test_escaped),
        cmocka_unit_test(test_mount_lines),    cmocka_unit_test(test_ipc_lines),
        cmocka_unit_test(test_expected_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
