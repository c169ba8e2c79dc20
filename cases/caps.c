/* caps.c - capabilities the spec drops are gone inside. */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>

#define ISO_FAMILY "caps"
#include "case.h"

/* A capability mask the probe reported in hex (CapEff, CapBnd ...). */
static int report_mask(const struct iso_result *r, const char *key, unsigned long long *mask,
                       struct iso_err *err)
{
    const char *v = iso_get(r, key);
    char *end;

    if (!v)
        return iso_err_set(err, 0, "report: \"%s\" is missing", key);
    errno = 0;
    *mask = strtoull(v, &end, 16);
    if (errno || end == v || *end)
        return iso_err_set(err, EINVAL, "report: \"%s\" is not a hex mask: \"%s\"", key, v);
    return 0;
}

ISO_CASE(bounding_set_dropped,
         "capabilities the spec drops are absent from the effective and bounding sets",
         .detects = ISO_SAB_NO_CAPDROP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_result r;
    unsigned long long eff = 0, bnd = 0;

    s.drop_caps = true;
    s.caps_keep = ISO_CAP_BIT(CAP_CHOWN) | ISO_CAP_BIT(CAP_DAC_OVERRIDE) | ISO_CAP_BIT(CAP_FOWNER) |
                  ISO_CAP_BIT(CAP_KILL) | ISO_CAP_BIT(CAP_SETUID) | ISO_CAP_BIT(CAP_SETGID);
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("ids"), &r);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_eff", &eff, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_bnd", &bnd, &err), &err);
    ISO_EXPECT_CAPS_HAS(ctx, eff, ISO_CAP_BIT(CAP_CHOWN), "CAP_CHOWN was kept");
    ISO_EXPECT_CAPS_NONE(ctx, eff, ISO_CAP_BIT(CAP_SYS_ADMIN), "CAP_SYS_ADMIN is not effective");
    ISO_EXPECT_CAPS_NONE(ctx, bnd, ISO_CAP_BIT(CAP_SYS_ADMIN),
                         "CAP_SYS_ADMIN is not in the bounding set");
    ISO_EXPECT_CAPS_NONE(ctx, bnd, ISO_CAP_BIT(CAP_NET_ADMIN),
                         "CAP_NET_ADMIN is not in the bounding set");
}
