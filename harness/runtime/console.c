/* console.c - the lab's end of a container's terminal (console.h). */
#define _GNU_SOURCE
#include "console.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

int console_msg_fd(struct msghdr *m, char *why, size_t len)
{
    int fd = -1;

    if (m->msg_flags & MSG_CTRUNC) {
        snprintf(why, len, "the message's descriptors did not fit (MSG_CTRUNC)");
        fd = -2;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        size_t n;

        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int got;
            memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(got));
            if (fd == -1 && n == 1) {
                fd = got;
                continue;
            }
            close(got);
            if (fd >= 0)
                close(fd);
            if (fd != -2)
                snprintf(why, len, "the message carries more than one descriptor");
            fd = -2;
        }
    }
    if (fd == -1)
        snprintf(why, len, "the message carries no descriptor (no SCM_RIGHTS)");
    return fd < 0 ? -1 : fd;
}

int console_recv(int conn, char *name, size_t size, struct iso_err *err)
{
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    char why[128] = "";
    struct iovec iov = { name, size > 0 ? size - 1 : 0 };
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)
    };
    ssize_t n;
    int fd;

    while ((n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (n < 0)
        return iso_err_set(err, errno, "receive on the console socket");
    if (size)
        name[n] = '\0';
    fd = console_msg_fd(&m, why, sizeof(why));
    if (fd < 0)
        return iso_err_set(err, 0, "console socket: %s", why);
    return fd;
}

size_t console_strip_cr(char *buf, size_t n, int *cr)
{
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        if (*cr && buf[i] != '\n')
            buf[out++] = '\r';
        *cr = buf[i] == '\r';
        if (!*cr)
            buf[out++] = buf[i];
    }
    return out;
}

int console_listen(const char *path, struct iso_err *err)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(a.sun_path))
        return iso_err_set(err, ENAMETOOLONG, "console socket \"%s\"", path);
    memcpy(a.sun_path, path, strlen(path) + 1);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return iso_err_set(err, errno, "socket");
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
        iso_err_set(err, errno, "listen on the console socket \"%s\"", path);
        close(fd);
        return -1;
    }
    return fd;
}
