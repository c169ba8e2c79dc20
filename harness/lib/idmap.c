/* idmap.c - format and parse id maps. */
#include "idmap.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int format_with(char *buf, size_t size, const struct iso_idmap *m, int n, char sep)
{
    size_t off = 0;

    if (size == 0)
        return -1;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        int len;
        if (m[i].count == 0)
            return -1;
        len = snprintf(buf + off, size - off, "%s%u %u %u", (i && sep == ';') ? ";" : "",
                       m[i].inner, m[i].outer, m[i].count);
        if (len < 0 || (size_t)len >= size - off)
            return -1;
        off += (size_t)len;
        if (sep == '\n') {
            if (off + 1 >= size)
                return -1;
            buf[off++] = '\n';
            buf[off] = '\0';
        }
    }
    return (int)off;
}

int idmap_format(char *buf, size_t size, const struct iso_idmap *m, int n)
{
    return format_with(buf, size, m, n, '\n');
}

int idmap_canon(char *buf, size_t size, const struct iso_idmap *m, int n)
{
    return format_with(buf, size, m, n, ';');
}

static int parse_u32(const char **p, unsigned *out)
{
    char *end;
    unsigned long v;

    while (isspace((unsigned char)**p) && **p != '\n')
        (*p)++;
    if (!isdigit((unsigned char)**p))
        return -1;
    errno = 0;
    v = strtoul(*p, &end, 10);
    if (errno || v > 0xffffffffUL)
        return -1;
    *out = (unsigned)v;
    *p = end;
    return 0;
}

int idmap_parse(const char *text, struct iso_idmap *m, int max)
{
    const char *p = text;
    int n = 0;

    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            return n;
        if (n >= max)
            return -1;
        if (parse_u32(&p, &m[n].inner) || parse_u32(&p, &m[n].outer) || parse_u32(&p, &m[n].count))
            return -1;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '\n' && *p != '\0')
            return -1;
        n++;
    }
}
