/* test_console.c - the lab's end of a container's terminal: the one
 * descriptor a console-socket message may carry (none, several, or a
 * truncated control buffer are refused, and what came along is closed),
 * and the carriage returns a pty adds on its way out. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"

/* Send "name" with n descriptors (dups of stdin) over one end of a pair. */
static int pair_with(int n, int got[4])
{
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { "/dev/pts/3", 10 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    int sv[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    if (n) {
        struct cmsghdr *c;
        m.msg_control = ctl.buf;
        m.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
        c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
        for (int i = 0; i < n; i++) {
            got[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
            assert_true(got[i] >= 0);
        }
        memcpy(CMSG_DATA(c), got, (size_t)n * sizeof(int));
    }
    assert_int_equal(sendmsg(sv[0], &m, 0), 10);
    for (int i = 0; i < n; i++)
        close(got[i]);
    close(sv[0]);
    return sv[1];
}

/* How many descriptors this process has open. */
static int open_fds(void)
{
    int n = 0;

    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

static void test_one_fd(void **state)
{
    struct iso_err err = { 0, "" };
    char name[64];
    int fds[4], conn = pair_with(1, fds), base = open_fds(), fd;

    (void)state;
    fd = console_recv(conn, name, sizeof(name), &err);
    assert_true(fd >= 0);
    assert_string_equal(name, "/dev/pts/3");
    assert_int_equal(open_fds(), base + 1);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
    close(conn);
}

static void test_no_fd(void **state)
{
    struct iso_err err = { 0, "" };
    char name[64];
    int fds[4], conn = pair_with(0, fds);

    (void)state;
    assert_int_equal(console_recv(conn, name, sizeof(name), &err), -1);
    assert_non_null(strstr(err.msg, "no descriptor"));
    close(conn);
}

/* a runtime may not plant descriptors in the lab: all are closed */
static void test_several_fds(void **state)
{
    struct iso_err err = { 0, "" };
    char name[64];
    int fds[4], conn = pair_with(3, fds), base = open_fds();

    (void)state;
    assert_int_equal(console_recv(conn, name, sizeof(name), &err), -1);
    assert_non_null(strstr(err.msg, "more than one"));
    assert_int_equal(open_fds(), base);
    close(conn);
}

/* a control buffer too small for what was sent (MSG_CTRUNC) */
static void test_truncated(void **state)
{
    char why[128] = "";
    struct msghdr m = { .msg_flags = MSG_CTRUNC };

    (void)state;
    assert_int_equal(console_msg_fd(&m, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "MSG_CTRUNC"));
}

static void test_strip_cr(void **state)
{
    char a[] = "ready=1\r\nx=\r2\r\n", b[] = "\r", c[] = "\nz\r\r\n";
    int cr = 0;
    size_t n;

    (void)state;
    n = console_strip_cr(a, strlen(a), &cr);
    assert_int_equal(n, 13);
    assert_memory_equal(a, "ready=1\nx=\r2\n", 13);
    /* a "\r" ending a chunk waits for the next */
    assert_int_equal(console_strip_cr(b, 1, &cr), 0);
    assert_int_equal(cr, 1);
    n = console_strip_cr(c, strlen(c), &cr);
    assert_memory_equal(c, "\nz\r\n", n);
    assert_int_equal(n, 4);
    assert_int_equal(cr, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_fd),      cmocka_unit_test(test_no_fd),
        cmocka_unit_test(test_several_fds), cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_strip_cr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
