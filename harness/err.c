/* err.c - the error contract: messages say what was tried on what. */
#include "util.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>

int iso_err_set(struct iso_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!err)
        return -1;
    va_start(ap, fmt);
    n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (errnum && (size_t)n < sizeof(err->msg)) {
        const char *hint = NULL;
        snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
        hint = iso_err_hint(err->msg, errnum);
        if (hint) {
            size_t len = strlen(err->msg);
            snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", hint);
        }
    }
    err->errnum = errnum;
    return -1;
}

int iso_err_wrap(struct iso_err *err, const char *fmt, ...)
{
    char prefix[256], old[sizeof(err->msg)];
    va_list ap;

    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
    return -1;
}

/* Known causes, by the operation named at the start of the message. */
static const struct {
    const char *op;
    int errnum;
    const char *hint;
} hints[] = {
    { "clone", EPERM, "user namespaces may be restricted: check kernel.unprivileged_userns_clone "
                      "or the AppArmor userns sysctl" },
    { "clone", ENOSPC, "namespace limit reached: see /proc/sys/user/max_*_namespaces" },
    { "clone", EINVAL, "the kernel lacks one of the requested namespace types" },
    { "rmdir", EBUSY, "cgroup still populated" },
    { "mount", ENODEV, "filesystem type not supported by this kernel" },
};

const char *iso_err_hint(const char *msg, int errnum)
{
    for (size_t i = 0; i < ARRAY_LEN(hints); i++) {
        size_t len = strlen(hints[i].op);
        if (hints[i].errnum == errnum && strncmp(msg, hints[i].op, len) == 0)
            return hints[i].hint;
    }
    return NULL;
}

void killp(pid_t *pid)
{
    if (*pid > 0) {
        int saved = errno;
        kill(*pid, SIGKILL);
        while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
            ;
        *pid = -1;
        errno = saved;
    }
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

ssize_t read_file(const char *path, char *buf, size_t size)
{
    autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t total = 0;

    if (fd < 0 || size == 0)
        return -1;
    while (total < size - 1) {
        ssize_t n = read(fd, buf + total, size - 1 - total);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        total += (size_t)n;
    }
    buf[total] = '\0';
    return (ssize_t)total;
}

int write_file(const char *path, const char *s)
{
    autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* One write: /proc files such as uid_map reject partial writes. */
    ssize_t n = write(fd, s, strlen(s));
    if (n < 0)
        return -1;
    if ((size_t)n != strlen(s)) {
        errno = EIO;
        return -1;
    }
    return 0;
}

double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void strlcpy0(char *dst, const char *src, size_t size)
{
    if (size == 0)
        return;
    size_t len = strnlen(src, size - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}
