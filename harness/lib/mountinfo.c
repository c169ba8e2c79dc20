/* mountinfo.c - parse /proc/PID/mountinfo lines (proc(5)). */
#include "mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Copy the next space-separated field into out, decoding \ooo escapes.
 * Returns 0, or -1 when there is no field. */
static int next_field(const char **p, char *out, size_t size)
{
    const char *s = *p;
    size_t o = 0;

    while (*s == ' ')
        s++;
    if (*s == '\0')
        return -1;
    while (*s && *s != ' ') {
        char c = *s++;
        if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
            s[2] <= '7') {
            c = (char)(((s[0] - '0') << 6) | ((s[1] - '0') << 3) | (s[2] - '0'));
            s += 3;
        }
        if (o + 1 < size)
            out[o++] = c;
    }
    if (size)
        out[o] = '\0';
    *p = s;
    return 0;
}

/* A decimal number of at most max at *p, ended by stop; moves *p past the
 * stop. Returns 0, or -1 when there is no such number. */
static int next_number(const char **p, char stop, unsigned long max, unsigned long *v)
{
    char *end;

    if (**p < '0' || **p > '9')
        return -1;
    errno = 0;
    *v = strtoul(*p, &end, 10);
    if (errno || *v > max || *end != stop)
        return -1;
    *p = end + 1;
    return 0;
}

int mountinfo_parse_line(const char *line, struct mountinfo_entry *e)
{
    const char *p = line;
    char field[256];
    unsigned long id, parent, major, minor;

    memset(e, 0, sizeof(*e));
    if (next_number(&p, ' ', INT_MAX, &id) || next_number(&p, ' ', INT_MAX, &parent) ||
        next_number(&p, ':', UINT_MAX, &major) || next_number(&p, ' ', UINT_MAX, &minor))
        return -1;
    e->id = (int)id, e->parent = (int)parent;
    e->major = (unsigned)major, e->minor = (unsigned)minor;
    if (next_field(&p, e->root, sizeof(e->root)) ||
        next_field(&p, e->mount_point, sizeof(e->mount_point)) ||
        next_field(&p, field, sizeof(field))) /* mount options */
        return -1;
    for (;;) { /* optional fields up to the "-" separator */
        if (next_field(&p, field, sizeof(field)))
            return -1;
        if (strcmp(field, "-") == 0)
            break;
        if (strncmp(field, "shared:", 7) == 0)
            e->shared = true;
    }
    if (next_field(&p, e->fstype, sizeof(e->fstype)) ||
        next_field(&p, e->source, sizeof(e->source)))
        return -1;
    return 0;
}
