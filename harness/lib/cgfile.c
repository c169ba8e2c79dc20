/* cgfile.c - /proc/PID/cgroup lines. */
#include "cgfile.h"

#include <string.h>

bool cgfile_next(const char **pos, struct cgfile_line *l)
{
    const char *p = *pos;

    while (*p) {
        const char *end = strchr(p, '\n'), *c1, *c2;

        if (!end)
            end = p + strlen(p);
        *pos = *end ? end + 1 : end;
        c1 = memchr(p, ':', (size_t)(end - p));
        c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
        if (c2) {
            l->ctls = c1 + 1;
            l->ctls_len = (size_t)(c2 - c1 - 1);
            l->path = c2 + 1;
            l->path_len = (size_t)(end - c2 - 1);
            return true;
        }
        p = *pos;
    }
    return false;
}

bool cgfile_next_ctl(const struct cgfile_line *l, size_t *off, const char **name, size_t *len)
{
    const char *start, *comma;

    if (*off >= l->ctls_len)
        return false;
    start = l->ctls + *off;
    comma = memchr(start, ',', l->ctls_len - *off);
    *name = start;
    *len = comma ? (size_t)(comma - start) : l->ctls_len - *off;
    *off += *len + 1;
    return true;
}

bool cgfile_has_ctl(const struct cgfile_line *l, const char *ctl)
{
    size_t off = 0, len, want = strlen(ctl);
    const char *name;

    while (cgfile_next_ctl(l, &off, &name, &len))
        if (len == want && memcmp(name, ctl, len) == 0)
            return true;
    return false;
}

int cgfile_path(const char *text, const char *ctl, char *out, size_t size)
{
    struct cgfile_line l;
    bool v2 = !ctl || !*ctl;

    while (cgfile_next(&text, &l)) {
        size_t skip, n;

        if (v2 ? l.ctls_len != 0 : !cgfile_has_ctl(&l, ctl))
            continue;
        skip = l.path_len > 0 && l.path[0] == '/';
        n = l.path_len - skip;
        if (size == 0)
            return 0;
        if (n >= size)
            n = size - 1;
        memcpy(out, l.path + skip, n);
        out[n] = '\0';
        return 0;
    }
    return -1;
}
