/* feature.h - what a skipped case lacked. Each skip carries one feature
 * (the host's cgroups, its network, the runtime's binary, ...), so that
 * --require FEATURES can turn the skips a CI job must not accept into
 * failures. One table: a feature is one row. */
#ifndef ISO_FEATURE_H
#define ISO_FEATURE_H

#include <stddef.h>

enum iso_feature {
    ISO_FEAT_NONE,         /* a skip that names no feature */
    ISO_FEAT_CGROUP,       /* no usable cgroup controller (memory, pids, cpu) for a limit */
    ISO_FEAT_NET,          /* veth links or nf_tables NAT cannot be made in the lab */
    ISO_FEAT_IPV6,         /* the kernel has no IPv6 */
    ISO_FEAT_RUNTIME,      /* the selected runtime's binary is missing */
    ISO_FEAT_RUNTIME_SPEC, /* the runtime has no way to ask for what the case needs */
    ISO_FEAT_KERNEL_FILES, /* a hardening case found none of the kernel files it looks at */
    ISO_FEAT_COUNT
};

struct iso_feature_row {
    const char *name; /* as --require spells it */
};

const struct iso_feature_row *feature_row(enum iso_feature f);
/* The bit of a feature in a --require set (0 for ISO_FEAT_NONE). */
unsigned feature_bit(enum iso_feature f);
/* "cgroup,net" -> a set of feature bits; an empty item or an unknown
 * name is -1 with why saying which (and the names there are). */
int feature_parse_list(const char *text, unsigned *set, char *why, size_t len);
/* The names in set, comma-separated ("" when empty). */
void feature_names(unsigned set, char *buf, size_t len);

#endif
