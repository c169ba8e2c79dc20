/* test_util.c - the error contract (err.c) and the small helpers (util.c):
 * whole writes and reads through short transfers and EINTR, bounded
 * copies, the autokill cleanup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <wchar.h>

#include "fakes.h"
#include "util.h"

static char path[] = "/tmp/isocheck-test-util-XXXXXX";

static int setup(void **state)
{
    int fd = mkstemp(path);
    (void)state;
    fake_reset();
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fake_reset();
    unlink(path);
    return 0;
}

static void test_err_set(void **state)
{
    struct iso_err e = { 0, "" };
    (void)state;
    assert_int_equal(iso_err_set(&e, EACCES, "mount \"%s\"", "/proc"), -1);
    assert_string_equal(e.msg, "mount \"/proc\": Permission denied");
    assert_int_equal(e.errnum, EACCES);
    assert_int_equal(iso_err_set(&e, 0, "plain %d", 7), -1);
    assert_string_equal(e.msg, "plain 7");
    assert_int_equal(e.errnum, 0);
    assert_int_equal(iso_err_set(NULL, EPERM, "x"), -1);
}

static void test_err_hints(void **state)
{
    struct iso_err e = { 0, "" };
    (void)state;
    iso_err_set(&e, ENOSPC, "clone");
    assert_string_equal(e.msg, "clone: No space left on device (namespace limit reached: see "
                               "/proc/sys/user/max_*_namespaces)");
    iso_err_set(&e, EBUSY, "rmdir \"%s\"", "/sys/fs/cgroup/x");
    assert_string_equal(e.msg, "rmdir \"/sys/fs/cgroup/x\": Device or resource busy (cgroup still "
                               "populated)");
    iso_err_set(&e, ENODEV, "mount \"x\"");
    assert_non_null(strstr(e.msg, "(filesystem type not supported by this kernel)"));
    iso_err_set(&e, EINVAL, "clone");
    assert_non_null(strstr(e.msg, "(the kernel lacks one of the requested namespace types)"));
    iso_err_set(&e, EPERM, "clone");
    assert_non_null(strstr(e.msg, "(user namespaces may be restricted"));
    /* a hint needs both the operation and the errno */
    iso_err_set(&e, EACCES, "clone");
    assert_string_equal(e.msg, "clone: Permission denied");
    iso_err_set(&e, EBUSY, "mount \"x\"");
    assert_string_equal(e.msg, "mount \"x\": Device or resource busy");
    assert_null(iso_err_hint("unshare", ENOSPC));
    assert_non_null(iso_err_hint("clone3", ENOSPC)); /* the operation is a prefix */
}

static void test_err_long(void **state)
{
    struct iso_err e = { 0, "" };
    char big[600];
    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    iso_err_set(&e, EPERM, "%s", big); /* no room for the strerror: cut, still a string */
    assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
    assert_null(strchr(e.msg, ':'));
    assert_int_equal(e.errnum, EPERM);
}

/* A format the C library cannot render (a wide character outside the
 * locale) still leaves the cause. */
static void test_err_bad_format(void **state)
{
    struct iso_err e = { 0, "" };
    (void)state;
    assert_int_equal(iso_err_set(&e, EPERM, "ab%lc", (wint_t)0xe9), -1);
    assert_string_equal(e.msg, ": Operation not permitted");
    assert_int_equal(e.errnum, EPERM);
}

static void test_err_wrap(void **state)
{
    struct iso_err e = { 0, "" };
    (void)state;
    iso_err_set(&e, EACCES, "mount \"%s\"", "/proc");
    assert_int_equal(iso_err_wrap(&e, "%s %d", "step", 3), -1);
    assert_string_equal(e.msg, "step 3: mount \"/proc\": Permission denied");
    assert_int_equal(e.errnum, EACCES); /* the cause is kept */
    assert_int_equal(iso_err_wrap(NULL, "x"), -1);
}

static void read_back(char *buf, size_t size)
{
    fake_reset();
    assert_true(read_file(path, buf, size) >= 0);
}

static void test_write_all(void **state)
{
    char text[300], buf[400];
    int fd = open(path, O_WRONLY | O_TRUNC);
    (void)state;
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + i % 26);
    fake_write.eintr = 2;
    fake_write.chunk = 7; /* every write is short */
    assert_int_equal(write_all(fd, text, sizeof(text)), 0);
    assert_int_equal(fake_write.calls, 2 + (sizeof(text) + 6) / 7);
    close(fd);
    read_back(buf, sizeof(buf));
    assert_memory_equal(buf, text, sizeof(text));
    assert_int_equal(buf[sizeof(text)], '\0');

    fd = open(path, O_WRONLY | O_TRUNC);
    fake_reset();
    fake_write.fail = 1;
    fake_write.fail_errno = EIO;
    errno = 0;
    assert_int_equal(write_all(fd, text, 10), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(fake_write.calls, 1);
    fake_reset();
    assert_int_equal(write_all(fd, text, 0), 0); /* nothing to do: no call */
    assert_int_equal(fake_write.calls, 0);
    close(fd);
}

static void test_read_file(void **state)
{
    char buf[16];
    (void)state;
    assert_int_equal(truncate(path, 0), 0);
    assert_int_equal(write_file(path, "hello, world\n"), 0);
    fake_read.eintr = 1;
    fake_read.chunk = 3;
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(read_file(path, buf, sizeof(buf)), 13);
    assert_string_equal(buf, "hello, world\n");
    fake_reset();
    assert_int_equal(read_file(path, buf, 6), 5); /* cut to fit, terminated */
    assert_string_equal(buf, "hello");
    assert_int_equal(read_file(path, buf, 1), 0);
    assert_string_equal(buf, "");
    assert_int_equal(read_file(path, buf, 0), -1);
    assert_int_equal(read_file("/nonexistent/x", buf, sizeof(buf)), -1);
    fake_read.fail = 1;
    fake_read.fail_errno = EIO;
    errno = 0;
    assert_int_equal(read_file(path, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EIO);
}

static void test_write_file(void **state)
{
    char buf[32];
    (void)state;
    assert_int_equal(truncate(path, 0), 0); /* write_file does not truncate, as for /proc */
    assert_int_equal(write_file(path, "0 1000 1\n"), 0);
    read_back(buf, sizeof(buf));
    assert_string_equal(buf, "0 1000 1\n");
    /* one write or none: a short write is an error, not retried */
    fake_write.chunk = 4;
    errno = 0;
    assert_int_equal(write_file(path, "0 2000 1\n"), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(fake_write.calls, 1);
    fake_reset();
    fake_write.fail = 1;
    fake_write.fail_errno = EPERM;
    assert_int_equal(write_file(path, "x"), -1);
    assert_int_equal(errno, EPERM);
    fake_reset();
    assert_int_equal(write_file("/nonexistent/x", "x"), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_strlcpy0(void **state)
{
    char buf[8];
    (void)state;
    memset(buf, '#', sizeof(buf));
    strlcpy0(buf, "abcdefghij", 5);
    assert_string_equal(buf, "abcd");
    assert_int_equal(buf[5], '#');
    strlcpy0(buf, "ab", sizeof(buf));
    assert_string_equal(buf, "ab");
    strlcpy0(buf, "abcdefg", sizeof(buf)); /* exactly fits */
    assert_string_equal(buf, "abcdefg");
    buf[0] = 'z';
    strlcpy0(buf, "abc", 0);
    assert_int_equal(buf[0], 'z');
}

static void test_parse_numbers(void **state)
{
    long long v = 7;
    unsigned long long u = 7;
    const char *end = NULL;
    (void)state;

    assert_int_equal(parse_ll("42", &v, NULL), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_ll("-5", &v, NULL), 0);
    assert_int_equal(v, -5);
    assert_int_equal(parse_ll("+5", &v, NULL), 0);
    assert_int_equal(v, 5);
    /* what atoi would have made 0, and kill(0) of the own group */
    assert_int_equal(parse_ll("", &v, NULL), -1);
    assert_int_equal(parse_ll("x1", &v, NULL), -1);
    assert_int_equal(parse_ll("-", &v, NULL), -1);
    assert_int_equal(parse_ll(" 1", &v, NULL), -1);
    assert_int_equal(parse_ll("12a", &v, NULL), -1);
    assert_int_equal(parse_ll("99999999999999999999", &v, NULL), -1);
    assert_int_equal(parse_ll("12 rest", &v, &end), 0);
    assert_int_equal(v, 12);
    assert_string_equal(end, " rest");

    assert_int_equal(parse_ull("18446744073709551615", &u, NULL), 0);
    assert_true(u == 18446744073709551615ULL);
    assert_int_equal(parse_ull("18446744073709551616", &u, NULL), -1);
    assert_int_equal(parse_ull("-1", &u, NULL), -1);
    assert_int_equal(parse_ull("", &u, NULL), -1);
    assert_int_equal(parse_ull("3-4", &u, NULL), -1);
    assert_int_equal(parse_ull("3-4", &u, &end), 0);
    assert_true(u == 3);
    assert_string_equal(end, "-4");
}

static void test_killp(void **state)
{
    pid_t pid = fork(), none = -1;
    (void)state;
    assert_true(pid >= 0);
    if (pid == 0) {
        pause();
        _exit(0);
    }
    errno = EAGAIN;
    killp(&pid);
    assert_int_equal(pid, -1);
    assert_int_equal(errno, EAGAIN);                  /* errno is kept for the caller */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* reaped already */
    assert_int_equal(errno, ECHILD);
    killp(&none); /* empty: nothing happens */
    assert_int_equal(none, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_set),        cmocka_unit_test(test_err_hints),
        cmocka_unit_test(test_err_long),       cmocka_unit_test(test_err_wrap),
        cmocka_unit_test(test_write_all),      cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_write_file),     cmocka_unit_test(test_strlcpy0),
        cmocka_unit_test(test_killp),          cmocka_unit_test(test_parse_numbers),
        cmocka_unit_test(test_err_bad_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
