/* oci_know.c - what an OCI runtime knows (oci_know.h). */
#define _GNU_SOURCE
#include "oci_know.h"

#include <ctype.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "util.h"

/* Capabilities 0..last as a mask. */
static uint64_t caps_through(int last) { return last >= 63 ? ~0ull : (1ull << (last + 1)) - 1; }

int oci_caps_from_features(const char *json, uint64_t *mask)
{
    json_object *root = json ? json_tokener_parse(json) : NULL, *linux_, *caps;
    uint64_t m = 0;
    int rc = -1;

    if (root && json_object_object_get_ex(root, "linux", &linux_) &&
        json_object_object_get_ex(linux_, "capabilities", &caps) &&
        json_object_is_type(caps, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(caps); i++) {
            const char *name = json_object_get_string(json_object_array_get_idx(caps, i));
            cap_value_t c;
            if (name && cap_from_name(name, &c) == 0 && c >= 0 && c < 64)
                m |= 1ull << c;
        }
        *mask = m;
        rc = 0;
    }
    json_object_put(root);
    return rc;
}

int oci_version_text(const char *output, char *out, size_t size)
{
    const char *v = output ? strstr(output, "version ") : NULL;
    size_t n;

    if (!v)
        return -1;
    v += strlen("version ");
    n = strcspn(v, " \t\n+~");
    if (n == 0 || !isdigit((unsigned char)v[0]) || n >= size)
        return -1;
    memcpy(out, v, n);
    out[n] = '\0';
    return 0;
}

/* "1.0.0-rc92" -> {1, 0, 0, 92}; a release has rc INT_MAX. */
static int parse_version(const char *v, long long part[4])
{
    const char *p = v;

    part[0] = part[1] = part[2] = 0;
    part[3] = INT_MAX;
    for (int i = 0; i < 3; i++) {
        if (parse_ll(p, &part[i], &p) < 0 || part[i] < 0)
            return -1;
        if (*p != '.')
            break;
        p++;
    }
    if (*p == '\0')
        return 0;
    if (strncmp(p, "-rc", 3) == 0 && parse_ll(p + 3, &part[3], NULL) == 0 && part[3] >= 0)
        return 0;
    return -1;
}

int oci_version_cmp(const char *a, const char *b)
{
    long long pa[4], pb[4];

    if (!a || !b || parse_version(a, pa) < 0 || parse_version(b, pb) < 0)
        return -2;
    for (int i = 0; i < 4; i++)
        if (pa[i] != pb[i])
            return pa[i] < pb[i] ? -1 : 1;
    return 0;
}

/* From which release a runtime is taken to know which capabilities,
 * newest first. CAP_PERFMON, CAP_BPF and CAP_CHECKPOINT_RESTORE (38-40)
 * came with Linux 5.8-5.9 in 2020. runc names them since 1.0.0-rc93
 * (opencontainers/runc pull request 2553, merged August 2020, after rc92);
 * crun is taken to know them from 1.0 (2021) on, a bound on the safe side.
 * Anything older, back to the runtimes of 2019 (runc 1.0.0-rc6, crun
 * 0.x), is asked only for those up to CAP_AUDIT_READ (37, Linux 3.16):
 * runc of that age refuses a capability it cannot name. */
static const struct {
    const char *runtime, *since;
    int last; /* the highest capability number it knows */
} release_caps[] = {
    { "runc", "1.0.0-rc93", CAP_CHECKPOINT_RESTORE },
    { "runc", "0.0.1", CAP_AUDIT_READ },
    { "crun", "1.0", CAP_CHECKPOINT_RESTORE },
    { "crun", "0.1", CAP_AUDIT_READ },
};

int oci_caps_from_version(const char *runtime, const char *version, uint64_t *mask)
{
    for (size_t i = 0; i < ARRAY_LEN(release_caps); i++) {
        int cmp;
        if (!runtime || strcmp(release_caps[i].runtime, runtime) != 0)
            continue;
        cmp = oci_version_cmp(version, release_caps[i].since);
        if (cmp == -2)
            return -1;
        if (cmp >= 0) {
            *mask = caps_through(release_caps[i].last);
            return 0;
        }
    }
    return -1;
}

/* What runtimes say when they refuse a key (case does not matter):
 * runc before 1.0 'unknown capability "CAP_BPF"', crun 'unknown cap',
 * a runc built without libseccomp 'seccomp: config provided but seccomp
 * not supported'. */
static const struct {
    const char *says, *key;
} refusals[] = {
    { "unknown capabilit", "process.capabilities" }, { "unknown cap", "process.capabilities" },
    { "invalid capabilit", "process.capabilities" }, { "seccomp not supported", "linux.seccomp" },
    { "unknown seccomp", "linux.seccomp" },
};

const char *oci_refused_key(const char *stderr_text)
{
    for (size_t i = 0; stderr_text && i < ARRAY_LEN(refusals); i++)
        if (strcasestr(stderr_text, refusals[i].says))
            return refusals[i].key;
    return NULL;
}
