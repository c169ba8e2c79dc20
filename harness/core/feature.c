/* feature.c - the table of features a skip can lack, and --require's
 * list of them. */
#include "feature.h"

#include <stdio.h>
#include <string.h>

static const struct iso_feature_row rows[ISO_FEAT_COUNT] = {
    [ISO_FEAT_NONE] = { "", "nothing that can be required" },
    [ISO_FEAT_CGROUP] = { "cgroup",
                          "a cgroup controller the case limits with (memory, pids, cpu)" },
    [ISO_FEAT_NET] = { "net", "veth links or nf_tables NAT between the lab's namespaces" },
    [ISO_FEAT_IPV6] = { "ipv6", "IPv6 in the kernel" },
    [ISO_FEAT_RUNTIME] = { "runtime", "the selected runtime's binary" },
    [ISO_FEAT_RUNTIME_SPEC] = { "runtime-spec",
                                "a way to ask the runtime for what the case needs" },
    [ISO_FEAT_KERNEL_FILES] = { "kernel-files", "the kernel files a hardening case looks at" },
};

const struct iso_feature_row *feature_row(enum iso_feature f)
{
    return (unsigned)f < ISO_FEAT_COUNT ? &rows[f] : &rows[ISO_FEAT_NONE];
}

unsigned feature_bit(enum iso_feature f)
{
    return f > ISO_FEAT_NONE && f < ISO_FEAT_COUNT ? 1u << f : 0;
}

static int lookup(const char *name, size_t n)
{
    for (int f = ISO_FEAT_NONE + 1; f < ISO_FEAT_COUNT; f++)
        if (strlen(rows[f].name) == n && strncmp(rows[f].name, name, n) == 0)
            return f;
    return -1;
}

int feature_parse_list(const char *text, unsigned *set, char *why, size_t len)
{
    const char *p = text;

    *set = 0;
    for (;;) {
        size_t n = strcspn(p, ",");
        int f = lookup(p, n);
        if (f < 0) {
            char known[256];
            feature_names(~0u, known, sizeof(known));
            if (n == 0)
                snprintf(why, len, "an empty feature name in '%s' (known: %s)", text, known);
            else
                snprintf(why, len, "unknown feature '%.*s' (known: %s)", (int)n, p, known);
            return -1;
        }
        *set |= feature_bit((enum iso_feature)f);
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
        int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", rows[f].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}
