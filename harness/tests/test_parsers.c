/* test_parsers.c - probe reports, id maps, mountinfo lines, /proc status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
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
    assert_string_equal(report_get(&r, "pid"), "2");  /* the last value wins */
    assert_string_equal(report_get(&r, "ppid"), "0"); /* CR stripped */
    assert_string_equal(report_get(&r, "empty"), "");
    assert_null(report_get(&r, "missing"));
    assert_int_equal(r.garbage, 3);
}

static void test_report_binary_and_overflow(void **state)
{
    static struct iso_report r;
    static char big[40000];
    static const char head[4] = "k=v\n"; /* no terminator: the x's go on */
    (void)state;
    memset(big, 'x', sizeof(big));
    memcpy(big, head, sizeof(head));
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
    char tmpl[] = "/tmp/isocheck-test-status-XXXXXX", path[64], out[64];
    int fd = mkstemp(tmpl);
    const char text[] = "Name:\tx\nNSpid:\t1234\t1\nPPid:\t7\n";
    (void)state;
    assert_true(fd >= 0);
    unlink(tmpl); /* nothing left in /tmp, even when an assertion fails */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
    assert_int_equal(procfs_status_field(path, "NSpid", out, sizeof(out)), 0);
    assert_string_equal(out, "1234,1");
    assert_int_equal(procfs_status_field(path, "PPid", out, sizeof(out)), 0);
    assert_string_equal(out, "7");
    assert_int_equal(procfs_status_field(path, "NS", out, sizeof(out)), -1); /* prefix only */
    assert_int_equal(procfs_status_field("/nonexistent", "PPid", out, sizeof(out)), -1);
    close(fd);
}

static void test_report_keys(void **state)
{
    static struct iso_report r;
    const char text[] = "a=1\n\nAZaz09_.-=2\n\n`=x\n{=x\n@=x\n[=x\n/=x\n:=x\nz=3\nZ=4\n0=5\n9=6";
    (void)state;
    assert_int_equal(report_parse(&r, text, sizeof(text) - 1), 6);
    assert_int_equal(r.garbage, 6); /* blank lines are no garbage */
    assert_string_equal(report_get(&r, "a"), "1");
    assert_string_equal(report_get(&r, "AZaz09_.-"), "2");
    assert_string_equal(report_get(&r, "z"), "3");
    assert_string_equal(report_get(&r, "Z"), "4");
    assert_string_equal(report_get(&r, "0"), "5");
    assert_string_equal(report_get(&r, "9"), "6"); /* the last line needs no newline */
    assert_null(report_get(&r, "`"));
}

static void test_report_reparse(void **state)
{
    static struct iso_report r;
    (void)state;
    report_parse(&r, "a=1\nb=2\nnoise\n", 14);
    assert_int_equal(report_parse(&r, "c=3", 3), 1); /* nothing of the first text is left */
    assert_int_equal(r.garbage, 0);
    assert_null(report_get(&r, "b"));
    assert_string_equal(report_get(&r, "c"), "3");
    /* nor of the bytes after it: the text ends at its length */
    report_parse(&r, "noise-without-a-newline", 23);
    assert_int_equal(report_parse(&r, "d=4", 3), 1);
    assert_string_equal(report_get(&r, "d"), "4");
}

/* An empty first line: nothing before the buffer is looked at or
 * written (a CR stripped from the end of a line is in the line). */
static void test_report_empty_first_line(void **state)
{
    static union {
        struct iso_report r;
        char bytes[sizeof(struct iso_report) + 16];
    } mem;
    struct iso_report *r = (struct iso_report *)(mem.bytes + 16);
    (void)state;
    mem.bytes[15] = '\r';
    assert_int_equal(report_parse(r, "\nk=v\r\n", 6), 1);
    assert_string_equal(report_get(r, "k"), "v");
    assert_int_equal(mem.bytes[15], '\r');
}

static void test_report_cut(void **state)
{
    static struct iso_report r;
    static char text[sizeof(r.buf) + 1];
    static const char tail[8] = "z=lastXY";
    size_t n = sizeof(text);
    (void)state;
    memset(text, '\n', n);
    memcpy(text + n - sizeof(tail), tail,
           sizeof(tail)); /* the buffer keeps all but the last 2 bytes */
    report_parse(&r, text, n);
    assert_string_equal(report_get(&r, "z"), "last");
}

static void test_idmap_edges(void **state)
{
    struct iso_idmap one = { 0, 1, 2 };
    char buf[16];
    (void)state;
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(idmap_format(buf, 0, &one, 1), -1);
    assert_int_equal(buf[0], 'x'); /* no room: untouched */
    assert_int_equal(idmap_format(buf, sizeof(buf), &one, 0), 0);
    assert_string_equal(buf, "");
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(idmap_format(buf, 7, &one, 1), 6); /* "0 1 2\n" exactly fits */
    assert_string_equal(buf, "0 1 2\n");
    assert_int_equal(idmap_format(buf, 6, &one, 1), -1);
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(idmap_canon(buf, 6, &one, 1), 5);
    assert_string_equal(buf, "0 1 2");
    assert_int_equal(idmap_canon(buf, 5, &one, 1), -1);
}

static void test_idmap_parse_edges(void **state)
{
    struct iso_idmap m[2];
    (void)state;
    assert_int_equal(idmap_parse("1\t2\t3 \t\n\n  \n", m, 2), 1);
    assert_int_equal(m[0].inner, 1);
    assert_int_equal(m[0].outer, 2);
    assert_int_equal(m[0].count, 3);
    assert_int_equal(idmap_parse("1 2 3", m, 2), 1); /* no final newline */
    assert_int_equal(idmap_parse("x 2 3\n", m, 2), -1);
    assert_int_equal(idmap_parse("1 x 3\n", m, 2), -1);
    assert_int_equal(idmap_parse("1 2\n3\n", m, 2), -1); /* a field on the next line */
    assert_int_equal(idmap_parse("1 2 3x\n", m, 2), -1);
    assert_int_equal(idmap_parse("1 2 3 4 5 6\n", m, 2), -1); /* two entries on one line */
    assert_int_equal(idmap_parse("4294967295 0 1\n", m, 2), 1);
    assert_int_equal(m[0].inner, 4294967295u);
    assert_int_equal(idmap_parse("1 2 3\n4 5 6\n", m, 2), 2);
    assert_int_equal(m[1].count, 6);
}

static void test_mountinfo_escapes(void **state)
{
    struct mountinfo_entry e;
    (void)state;
    /* \ooo with digits 0-3, 0-7, 0-7 is a byte; anything else stays as written */
    assert_int_equal(
        mountinfo_parse_line("1 2 3:4 /\\101\\011\\134\\177\\377 /\\400\\080\\008\\07 rw "
                             "master:3 - tmpfs none rw",
                             &e),
        0);
    assert_string_equal(e.root, "/A\t\\\177\377");
    assert_string_equal(e.mount_point, "/\\400\\080\\008\\07");
    assert_int_equal(e.minor, 4);
    assert_false(e.shared); /* master: is not shared: */
    assert_string_equal(e.fstype, "tmpfs");
    assert_string_equal(e.source, "none");
}

/* Numbers: decimal digits only (no sign, no space), within their range,
 * each ended by its own separator; errno left by earlier calls does not
 * matter. */
static void test_mountinfo_numbers(void **state)
{
    struct mountinfo_entry e;
    (void)state;
    assert_int_equal(mountinfo_parse_line("+1 2 3:4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 +2 3:4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 +3:4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3:+4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3: 4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("2147483648 2 3:4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2147483648 3:4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 4294967296:4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3:99999999999999999999 / /x rw - ext4 s rw", &e),
                     -1);
    assert_int_equal(mountinfo_parse_line("5x1 2 3:4 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3 / /x rw - ext4 s rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3-4 / /x rw - ext4 s rw", &e), -1);
    errno = ERANGE;
    assert_int_equal(
        mountinfo_parse_line("2147483647 0 4294967295:4294967295 / /x rw - ext4 s rw", &e), 0);
    assert_int_equal(e.id, 2147483647);
    assert_int_equal(e.parent, 0);
    assert_int_equal(e.major, 4294967295u);
    assert_int_equal(e.minor, 4294967295u);
    /* the mount options are no optional field, whatever they say */
    assert_int_equal(mountinfo_parse_line("1 2 3:4 / /x shared:1 - ext4 s rw", &e), 0);
    assert_false(e.shared);
    assert_string_equal(e.fstype, "ext4");
    /* a backslash before anything but three octal digits stays */
    assert_int_equal(mountinfo_parse_line("1 2 3:4 /\\/00\\3/0\\30/ /x rw - ext4 s rw", &e), 0);
    assert_string_equal(e.root, "/\\/00\\3/0\\30/");
}

static void test_mountinfo_short(void **state)
{
    struct mountinfo_entry e;
    char line[700];
    (void)state;
    assert_int_equal(mountinfo_parse_line("1 2 3:4 /", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3:4 / /x", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3:4 / /x rw", &e), -1);
    assert_int_equal(mountinfo_parse_line("1 2 3:4 / /x rw - ext4", &e), -1);
    /* a field longer than its buffer is cut, the next one still parsed */
    snprintf(line, sizeof(line), "1 2 3:4 /%0300d /x rw - ext4 /dev/sda rw", 0);
    assert_int_equal(mountinfo_parse_line(line, &e), 0);
    assert_int_equal(strlen(e.root), sizeof(e.root) - 1);
    assert_string_equal(e.mount_point, "/x");
}

static void test_status_edges(void **state)
{
    char tmpl[] = "/tmp/isocheck-test-status-XXXXXX", path[64], out[64];
    int fd = mkstemp(tmpl), before, after;
    const char text[] = "NSpid:\t1234\t1\nPPid: \t7\nPPid:\t8\n";
    (void)state;
    assert_true(fd >= 0);
    unlink(tmpl); /* nothing left in /tmp, even when an assertion fails */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
    assert_int_equal(procfs_status_field(path, "PPid", out, sizeof(out)), 0);
    assert_string_equal(out, "7"); /* the first one */
    assert_int_equal(procfs_status_field(path, "NSpid", out, 4), 0);
    assert_string_equal(out, "123"); /* cut to fit */
    strcpy(out, "stale");
    assert_int_equal(procfs_status_field(path, "Uid", out, sizeof(out)), -1);
    assert_string_equal(out, "");
    /* the file is closed again */
    before = dup(0);
    close(before);
    procfs_status_field(path, "PPid", out, sizeof(out));
    after = dup(0);
    close(after);
    assert_int_equal(after, before);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_basic),
        cmocka_unit_test(test_report_binary_and_overflow),
        cmocka_unit_test(test_report_many_keys),
        cmocka_unit_test(test_idmap_format),
        cmocka_unit_test(test_idmap_parse),
        cmocka_unit_test(test_mountinfo),
        cmocka_unit_test(test_status_field),
        cmocka_unit_test(test_report_keys),
        cmocka_unit_test(test_report_reparse),
        cmocka_unit_test(test_report_cut),
        cmocka_unit_test(test_idmap_edges),
        cmocka_unit_test(test_idmap_parse_edges),
        cmocka_unit_test(test_mountinfo_escapes),
        cmocka_unit_test(test_mountinfo_short),
        cmocka_unit_test(test_status_edges),
        cmocka_unit_test(test_mountinfo_numbers),
        cmocka_unit_test(test_report_empty_first_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
