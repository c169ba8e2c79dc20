/* known.h - reviewed differences of a runtime: a case that fails with
 * that runtime for a reason of the runtime's own, reported as
 * "not ok ... # TODO reason" so CI stays green and the difference visible. */
#ifndef ISO_KNOWN_H
#define ISO_KNOWN_H

#include <stddef.h>

struct known {
    char runtime[16];
    char kase[128];
    char lo[32], hi[32]; /* version range, inclusive; "*" for any */
    char reason[256];
};

/* Compare dotted versions numerically ("1.10" > "1.9"). */
int known_version_cmp(const char *a, const char *b);
/* Parse one file for runtime rt: lines "CASE VERSIONS REASON...", where
 * VERSIONS is "*", "X" or "X-Y"; '#' starts a comment. Appends to out
 * (at most max), returns the new count, or -1 with why (file:line). */
int known_parse(const char *text, const char *file, const char *rt, struct known *out, int n,
                int max, char *why, size_t len);
/* The reason a failure of kase on rt at version is known, or NULL. */
const char *known_match(const struct known *k, int n, const char *rt, const char *version,
                        const char *kase);

#endif
