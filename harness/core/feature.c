/* feature.c - the table of features a skip can lack, and --require's
 * list of them. */
#include "feature.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* In the order of enum iso_feature. */
static const struct iso_feature_row rows[] = {
    { "" },        { "cgroup" },       { "net" },          { "ipv6" },
    { "runtime" }, { "runtime-spec" }, { "kernel-files" },
};
_Static_assert(ARRAY_LEN(rows) == ISO_FEAT_COUNT, "one row per feature");

const struct iso_feature_row *feature_row(enum iso_feature f)
{
    return (unsigned)f < ISO_FEAT_COUNT ? &rows[f] : &rows[ISO_FEAT_NONE];
}

unsigned feature_bit(enum iso_feature f)
{
    return f > ISO_FEAT_NONE && f < ISO_FEAT_COUNT ? 1u << f : 0;
}

/* The feature named by the n bytes at name; ISO_FEAT_NONE when none is. */
static enum iso_feature lookup(const char *name, size_t n)
{
    for (int f = ISO_FEAT_NONE + 1; f < ISO_FEAT_COUNT; f++)
        if (strlen(rows[f].name) == n && strncmp(rows[f].name, name, n) == 0)
            return (enum iso_feature)f;
    return ISO_FEAT_NONE;
}

int feature_parse_list(const char *text, unsigned *set, char *why, size_t len)
{
    const char *p = text;

    *set = 0;
    for (;;) {
        size_t n = strcspn(p, ",");
        enum iso_feature f = lookup(p, n);
        if (f == ISO_FEAT_NONE) {
            char known[256];
            feature_names(~0u, known, sizeof(known));
            if (n == 0)
                snprintf(why, len, "an empty feature name in '%s' (known: %s)", text, known);
            else
                snprintf(why, len, "unknown feature '%.*s' (known: %s)", (int)n, p, known);
            return -1;
        }
        *set |= feature_bit(f);
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

void feature_names(unsigned set, char *buf, size_t len)
{
    size_t used = 0;

    if (len)
        buf[0] = '\0';
    for (int f = ISO_FEAT_NONE + 1; f < ISO_FEAT_COUNT && used < len; f++) {
        if (!(set & feature_bit((enum iso_feature)f)))
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", rows[f].name);
    }
}
