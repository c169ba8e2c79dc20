/* util.c - small helpers every module uses: whole writes and reads of
 * small files, a monotonic clock, bounded copies, the autokill cleanup. */
#include "util.h"

#include <fcntl.h>
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

void prefault(void *addr, size_t len)
{
    int saved = errno;

    (void)madvise(addr, len, MADV_POPULATE_WRITE);
    errno = saved;
}

void prefault_stack(size_t bytes)
{
    char here;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t top = ((uintptr_t)&here & ~(page - 1)) + page;

    prefault((void *)(top - bytes), bytes);
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

/* The number ends at end_out's place when end_out is given (the rest of
 * the text is the caller's), else at the end of the string. */
int parse_ll(const char *s, long long *out, const char **end_out)
{
    char *end;

    if (!isdigit((unsigned char)s[0]) &&
        !((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1])))
        return -1;
    errno = 0;
    *out = strtoll(s, &end, 10);
    if (errno || (!end_out && *end))
        return -1;
    if (end_out)
        *end_out = end;
    return 0;
}

int parse_ull(const char *s, unsigned long long *out, const char **end_out)
{
    char *end;

    if (!isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    *out = strtoull(s, &end, 10);
    if (errno || (!end_out && *end))
        return -1;
    if (end_out)
        *end_out = end;
    return 0;
}
