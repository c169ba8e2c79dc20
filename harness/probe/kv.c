/* kv.c - the report helpers of kv.h. */
#define _GNU_SOURCE
#include "kv.h"

#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

void probe_kv(const char *key, const char *fmt, ...)
{
    va_list ap;

    printf("%s=", key);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

const char *probe_errname(int errnum)
{
    const char *name = errnum ? strerrorname_np(errnum) : "ok";
    return name ? name : "E?";
}

void probe_wait_for_lab(void)
{
    char c;

    probe_kv("ready", "1");
    fflush(stdout);
    while (read(0, &c, 1) == 1 && c != '\n')
        ;
}

void probe_kv_link(const char *key, const char *path)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);

    if (n < 0)
        probe_kv(key, "error:%s", probe_errname(errno));
    else
        probe_kv(key, "%.*s", (int)n, buf);
}

long probe_num_arg(int argc, char **argv, int i, long dflt, long min, long max)
{
    char *end;
    long v;

    if (i >= argc || argv[i][0] == '-')
        return dflt;
    errno = 0;
    v = strtol(argv[i], &end, 10);
    if (errno || end == argv[i] || *end || v < min || v > max) {
        fprintf(stderr, "%s: bad number \"%s\" (expected %ld to %ld)\n", argv[0], argv[i], min,
                max);
        exit(2);
    }
    return v;
}

bool probe_has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return true;
    return false;
}

const char *probe_visibility(bool found)
{
    return found ? "visible" : errno == ENOENT ? "absent" : probe_errname(errno);
}

void probe_status_field(const char *path, const char *field, char *out, size_t size)
{
    if (procfs_status_field(path, field, out, size) < 0)
        snprintf(out, size, "?");
}
