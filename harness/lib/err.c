/* err.c - the error contract: messages say what was tried on what. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int iso_err_set(struct iso_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!err)
        return -1;
    va_start(ap, fmt);
    n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (errnum && (size_t)n < sizeof(err->msg)) {
        const char *hint = NULL;
        snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
        hint = iso_err_hint(err->msg, errnum);
        if (hint) {
            size_t len = strlen(err->msg);
            snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", hint);
        }
    }
    err->errnum = errnum;
    return -1;
}

int iso_err_wrap(struct iso_err *err, const char *fmt, ...)
{
    char prefix[256], old[sizeof(err->msg)];
    va_list ap;

    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
    return -1;
}

/* Known causes, by the operation named at the start of the message. */
static const struct {
    const char *op;
    int errnum;
    const char *hint;
} hints[] = {
    { "clone", EPERM,
      "user namespaces may be restricted: check kernel.unprivileged_userns_clone "
      "or the AppArmor userns sysctl" },
    { "clone", ENOSPC, "namespace limit reached: see /proc/sys/user/max_*_namespaces" },
    { "clone", EINVAL, "the kernel lacks one of the requested namespace types" },
    { "rmdir", EBUSY, "cgroup still populated" },
    { "mount", ENODEV, "filesystem type not supported by this kernel" },
};

const char *iso_err_hint(const char *msg, int errnum)
{
    for (size_t i = 0; i < ARRAY_LEN(hints); i++) {
        size_t len = strlen(hints[i].op);
        if (hints[i].errnum == errnum && strncmp(msg, hints[i].op, len) == 0)
            return hints[i].hint;
    }
    return NULL;
}
