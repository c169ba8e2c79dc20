/* uts.c - UTS namespace isolation. */
#define _GNU_SOURCE
#include <sched.h>
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

ISO_CASE(sethostname_needs_caps_over_uts,
         "root of the container's user namespace cannot set the hostname of a UTS namespace that "
         "user namespace does not own (EPERM)",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;
    char lab[65] = "";

    spec_map_root(&s, 100000, 65536);
    /* the lab's UTS namespace, which the lab's user namespace owns */
    s.ns &= ~(unsigned)CLONE_NEWUTS;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("hostname", "not-allowed"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "set"), "EPERM", "sethostname without CAP_SYS_ADMIN there");
    gethostname(lab, sizeof(lab) - 1);
    ISO_EXPECT_EQ_STR(ctx, lab, ctx->lab_hostname, "the lab's hostname is unchanged");
}
