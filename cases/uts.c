/* uts.c - UTS namespace isolation. */
#include <string.h>
#include <unistd.h>

#define ISO_FAMILY "uts"
#include "case.h"

ISO_CASE(hostname_is_spec, "the hostname inside is the spec's and the lab keeps its own",
         .detects = ISO_SAB_NO_UTSNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;
    char lab[65] = "";

    strlcpy0(s.hostname, "iso-uts-spec", sizeof(s.hostname));
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("hostname"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "hostname"), "iso-uts-spec", "hostname inside");
    gethostname(lab, sizeof(lab) - 1);
    ISO_EXPECT_EQ_STR(ctx, lab, ctx->lab_hostname, "the lab's hostname is unchanged");
}

ISO_CASE(lab_hostname_unchanged, "a hostname set from inside does not reach the lab",
         .detects = ISO_SAB_NO_UTSNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;
    char lab[65] = "";

    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("hostname", "set-from-inside"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "set"), "ok", "the container may set its hostname");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "hostname"), "set-from-inside", "it took effect inside");
    gethostname(lab, sizeof(lab) - 1);
    ISO_EXPECT_EQ_STR(ctx, lab, ctx->lab_hostname, "the lab's hostname is unchanged");
}
