/* caps.c - capabilities the spec drops are gone inside. */
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>

#define ISO_FAMILY "caps"
#include "case.h"

static bool has_cap(const char *hex, int cap)
{
    return hex && (strtoull(hex, NULL, 16) >> cap) & 1;
}

ISO_CASE(bounding_set_dropped,
         "capabilities the spec drops are absent from the effective and bounding sets",
         .detects = ISO_SAB_NO_CAPDROP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    s.drop_caps = true;
    s.caps_keep = (1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_FOWNER) |
                  (1ull << CAP_KILL) | (1ull << CAP_SETUID) | (1ull << CAP_SETGID);
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("ids"), &r);
    ISO_EXPECT_TRUE(ctx, has_cap(iso_get(&r, "cap_eff"), CAP_CHOWN), "CAP_CHOWN was kept");
    ISO_EXPECT_TRUE(ctx, !has_cap(iso_get(&r, "cap_eff"), CAP_SYS_ADMIN),
                    "CAP_SYS_ADMIN is not effective");
    ISO_EXPECT_TRUE(ctx, !has_cap(iso_get(&r, "cap_bnd"), CAP_SYS_ADMIN),
                    "CAP_SYS_ADMIN is not in the bounding set");
    ISO_EXPECT_TRUE(ctx, !has_cap(iso_get(&r, "cap_bnd"), CAP_NET_ADMIN),
                    "CAP_NET_ADMIN is not in the bounding set");
}
