/* test_parsers.c - probe reports, id maps, mountinfo lines, /proc status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idmap.h"
#include "mountinfo.h"
#include "procfs.h"
#include "report.h"

static void test_report_basic(void **state)
{
    static struct iso_report r;
    const char text[] = "pid=1\nnoise without equals\r\nppid=0\r\n=novalue\nbad key=x\n"
                        "pid=2\nempty=\n";
    (void)state;
    assert_int_equal(report_parse(&r, text, sizeof(text) - 1), 4);
    assert_string_equal(report_get(&r, "pid"), "2"); /* the last value wins */
    assert_string_equal(report_get(&r, "ppid"), "0"); /* CR stripped */
    assert_string_equal(report_get(&r, "empty"), "");
    assert_null(report_get(&r, "missing"));
    assert_int_equal(r.garbage, 3);
}

static void test_report_binary_and_overflow(void **state)
{
    static struct iso_report r;
    static char big[40000];
    (void)state;
    memset(big, 'x', sizeof(big));
    memcpy(big, "k=v\n", 4);
    report_parse(&r, big, sizeof(big)); /* truncated to the buffer, no overrun */
    assert_string_equal(report_get(&r, "k"), "v");
    assert_int_equal(report_parse(&r, "a=1\0b=2\n", 8), 1); /* NUL ends the text */
}

static void test_report_many_keys(void **state)
{
    static struct iso_report r;
    char text[4096];
    size_t off = 0;
    (void)state;
    for (int i = 0; i < 200; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "k%d=%d\n", i, i);
    assert_int_equal(report_parse(&r, text, off), REPORT_MAX_KEYS);
    assert_int_equal(r.garbage, 200 - REPORT_MAX_KEYS);
}

static void test_idmap_format(void **state)
{
    struct iso_idmap m[2] = { { 0, 100000, 65536 }, { 65536, 1000, 1 } };
    char buf[128];
    (void)state;
    assert_int_equal(idmap_format(buf, sizeof(buf), m, 2), 28);
    assert_string_equal(buf, "0 100000 65536\n65536 1000 1\n");
    assert_true(idmap_canon(buf, sizeof(buf), m, 2) > 0);
    assert_string_equal(buf, "0 100000 65536;65536 1000 1");
    assert_int_equal(idmap_format(buf, 10, m, 2), -1); /* does not fit */
    m[1].count = 0;
    assert_int_equal(idmap_format(buf, sizeof(buf), m, 2), -1); /* empty range */
}

static void test_idmap_parse(void **state)
{
    struct iso_idmap m[4];
    (void)state;
    assert_int_equal(idmap_parse("         0     100000      65536\n", m, 4), 1);
    assert_int_equal(m[0].inner, 0);
    assert_int_equal(m[0].outer, 100000);
    assert_int_equal(m[0].count, 65536);
    assert_int_equal(idmap_parse("0 0 4294967295\n1 2 3\n", m, 4), 2);
    assert_int_equal(m[0].count, 4294967295u);
    assert_int_equal(idmap_parse("", m, 4), 0);
    assert_int_equal(idmap_parse("0 0\n", m, 4), -1);
    assert_int_equal(idmap_parse("0 0 4294967296\n", m, 4), -1);
    assert_int_equal(idmap_parse("0 0 1 extra\n", m, 4), -1);
    assert_int_equal(idmap_parse("-1 0 1\n", m, 4), -1);
    assert_int_equal(idmap_parse("0 0 1\n1 1 1\n", m, 1), -1); /* too many */
}

static void test_mountinfo(void **state)
{
    struct mountinfo_entry e;
    (void)state;
    assert_int_equal(mountinfo_parse_line("36 35 98:0 /mnt1 /mnt\\040with\\040space rw,noatime "
                                          "master:1 shared:7 - ext3 /dev/root rw,errors=continue",
                                          &e),
                     0);
    assert_int_equal(e.id, 36);
    assert_int_equal(e.parent, 35);
    assert_int_equal(e.major, 98);
    assert_string_equal(e.root, "/mnt1");
    assert_string_equal(e.mount_point, "/mnt with space");
    assert_string_equal(e.fstype, "ext3");
    assert_string_equal(e.source, "/dev/root");
    assert_true(e.shared);
    assert_int_equal(mountinfo_parse_line("21 26 0:20 / /proc rw - proc proc rw", &e), 0);
    assert_false(e.shared);
    assert_int_equal(mountinfo_parse_line("21 26 0:20 / /proc rw proc proc rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("garbage", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3:4 / /x rw -", &e), -1);
}

static void test_status_field(void **state)
{
    char path[] = "/tmp/isocheck-test-status-XXXXXX", out[64];
    int fd = mkstemp(path);
    const char text[] = "Name:\tx\nNSpid:\t1234\t1\nPPid:\t7\n";
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
    close(fd);
    assert_int_equal(procfs_status_field(path, "NSpid", out, sizeof(out)), 0);
    assert_string_equal(out, "1234,1");
    assert_int_equal(procfs_status_field(path, "PPid", out, sizeof(out)), 0);
    assert_string_equal(out, "7");
    assert_int_equal(procfs_status_field(path, "NS", out, sizeof(out)), -1); /* prefix only */
    assert_int_equal(procfs_status_field("/nonexistent", "PPid", out, sizeof(out)), -1);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_basic),     cmocka_unit_test(test_report_binary_and_overflow),
        cmocka_unit_test(test_report_many_keys), cmocka_unit_test(test_idmap_format),
        cmocka_unit_test(test_idmap_parse),      cmocka_unit_test(test_mountinfo),
        cmocka_unit_test(test_status_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
