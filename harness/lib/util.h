/* util.h - error contract, cleanup attributes and small helpers shared by
 * every module of the harness. */
#ifndef ISO_UTIL_H
#define ISO_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define ISO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A function that can fail returns a negative int (or NULL) and fills an
 * iso_err; on success it leaves it alone. */
struct iso_err {
    int errnum;    /* errno of the failing call, 0 if none */
    char msg[512]; /* "verb \"object\": strerror" with context prepended */
};

/* Set err to "fmt: strerror(errnum)" (or just fmt when errnum is 0);
 * returns -1 so callers can `return iso_err_set(...)`. */
int iso_err_set(struct iso_err *err, int errnum, const char *fmt, ...) ISO_PRINTF(3, 4);
/* Prepend context: "ctx: <old message>"; returns -1. */
int iso_err_wrap(struct iso_err *err, const char *fmt, ...) ISO_PRINTF(2, 3);
/* A hint for well-known errno values of a given operation, or NULL. */
const char *iso_err_hint(const char *op, int errnum);

static inline void freep(void *p) { free(*(void **)p); }
/* Close and reset to -1 (crun's close_and_reset): a closed fd is empty. */
static inline void closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        *fd = -1;
        errno = saved;
    }
}
void killp(pid_t *pid); /* SIGKILL then waitpid; <= 0 is empty */

#define autofree __attribute__((cleanup(freep)))
#define autoclose __attribute__((cleanup(closep)))
#define autokill __attribute__((cleanup(killp)))

static inline void *steal_ptr_impl(void *pp)
{
    void **p = pp;
    void *v = *p;
    *p = NULL;
    return v;
}
#define steal_ptr(pp) steal_ptr_impl(pp)
static inline int steal_fd(int *fd)
{
    int v = *fd;
    *fd = -1;
    return v;
}
/* Hand a child on, disarming its autokill. */
static inline pid_t steal_pid(pid_t *pid)
{
    pid_t v = *pid;
    *pid = -1;
    return v;
}

/* Write all of buf, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Read a small file into buf (NUL-terminated); returns length or -1. */
ssize_t read_file(const char *path, char *buf, size_t size);
/* Write a string to a file (e.g. /proc/PID/uid_map); returns 0 or -1/errno. */
int write_file(const char *path, const char *s);
/* Monotonic clock in milliseconds. */
double now_ms(void);
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older C libraries lack the name */
#endif
/* Fault in [addr, addr+len) for writing at once, or the bytes of stack
 * below the caller: a process fresh from a fork (or on a new stack)
 * otherwise takes a fault per page it writes, ~10 us each on a small VM,
 * where one call maps a page for a twentieth of that.
 * Best effort: before Linux 5.14 they do nothing. */
void prefault(void *addr, size_t len);
void prefault_stack(size_t bytes);
/* A whole decimal number: the text is all digits (an optional sign for
 * the signed form), no overflow. Returns 0, or -1 with *end_out (when
 * given) at the first character that is not part of it. */
int parse_ll(const char *s, long long *out, const char **end_out);
int parse_ull(const char *s, unsigned long long *out, const char **end_out);
/* Copy at most size-1 bytes and NUL-terminate. */
void strlcpy0(char *dst, const char *src, size_t size);

#endif
