/* known.c - parse and match the reviewed runtime differences. */
#include "known.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int known_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
        if (x != y)
            return x < y ? -1 : 1;
        while (*a && !isdigit((unsigned char)*a))
            a++;
        while (*b && !isdigit((unsigned char)*b))
            b++;
    }
    return 0;
}

static int valid_version(const char *v)
{
    if (!isdigit((unsigned char)*v))
        return 0;
    for (; *v; v++)
        if (!isdigit((unsigned char)*v) && *v != '.')
            return 0;
    return 1;
}

int known_parse(const char *text, const char *file, const char *rt, struct known *out, int n,
                int max, char *why, size_t len)
{
    char line[512];
    int lineno = 0;

    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t l = nl ? (size_t)(nl - text) : strlen(text);
        char kase[128], range[64];
        int consumed = 0;

        lineno++;
        snprintf(line, sizeof(line), "%.*s", (int)(l < sizeof(line) - 1 ? l : sizeof(line) - 1),
                 text);
        text += l + (nl ? 1 : 0);
        if (strchr(line, '#'))
            *strchr(line, '#') = '\0';
        if (sscanf(line, " %127s %63s %n", kase, range, &consumed) < 2) {
            if (sscanf(line, " %127s", kase) == 1)
                goto bad;
            continue;
        }
        if (n >= max) {
            snprintf(why, len, "%s:%d: more than %d entries", file, lineno, max);
            return -1;
        }
        struct known *k = &out[n];
        memset(k, 0, sizeof(*k));
        snprintf(k->runtime, sizeof(k->runtime), "%s", rt);
        snprintf(k->kase, sizeof(k->kase), "%s", kase);
        snprintf(k->reason, sizeof(k->reason), "%s", line + consumed);
        for (char *e = k->reason + strlen(k->reason);
             e > k->reason && isspace((unsigned char)e[-1]);)
            *--e = '\0';
        if (!k->reason[0])
            goto bad;
        if (strcmp(range, "*") == 0) {
            strcpy(k->lo, "*"), strcpy(k->hi, "*");
        } else {
            char *dash = strchr(range, '-');
            if (dash)
                *dash = '\0';
            snprintf(k->lo, sizeof(k->lo), "%s", range);
            snprintf(k->hi, sizeof(k->hi), "%s", dash ? dash + 1 : range);
            if (!valid_version(k->lo) || !valid_version(k->hi))
                goto bad;
        }
        n++;
        continue;
    bad:
        snprintf(why, len, "%s:%d: expected \"CASE VERSIONS REASON\" (VERSIONS: *, X or X-Y)", file,
                 lineno);
        return -1;
    }
    return n;
}

const char *known_match(const struct known *k, int n, const char *rt, const char *version,
                        const char *kase)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(k[i].runtime, rt) != 0 || strcmp(k[i].kase, kase) != 0)
            continue;
        if (strcmp(k[i].lo, "*") == 0)
            return k[i].reason;
        if (version && known_version_cmp(version, k[i].lo) >= 0 &&
            known_version_cmp(version, k[i].hi) <= 0)
            return k[i].reason;
    }
    return NULL;
}
