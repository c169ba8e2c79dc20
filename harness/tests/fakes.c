/* fakes.c - wrapped libc calls for the unit tests (see fakes.h): short
 * transfers, EINTR and errors on demand, the real call otherwise. */
#include "fakes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct fake_io fake_read, fake_write;

ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);

void fake_reset(void)
{
    memset(&fake_read, 0, sizeof(fake_read));
    memset(&fake_write, 0, sizeof(fake_write));
}

/* The fault for this call, or 0 to make the real call with *len. */
static int armed(struct fake_io *f, size_t *len)
{
    f->calls++;
    if (f->eintr > 0) {
        f->eintr--;
        return EINTR;
    }
    if (f->fail > 0) {
        f->fail--;
        return f->fail_errno;
    }
    if (f->chunk && *len > f->chunk)
        *len = f->chunk;
    return 0;
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
    int e = armed(&fake_read, &len);
    if (e) {
        errno = e;
        return -1;
    }
    return __real_read(fd, buf, len);
}

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
    int e = armed(&fake_write, &len);
    if (e) {
        errno = e;
        return -1;
    }
    return __real_write(fd, buf, len);
}

bool under_qemu_user(const char *why)
{
    const char *q = getenv("ISO_QEMU_USER");
    if (!q || !*q || strcmp(q, "0") == 0)
        return false;
    printf("# qemu-user: %s\n", why);
    fflush(stdout);
    return true;
}
