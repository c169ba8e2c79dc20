/* net.c - network isolation: an empty namespace, veth to the lab, NAT to an
 * upstream host, ports, IPv6. Traffic only ever crosses namespaces the
 * harness made (see harness/netlab.h for the topology). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ISO_FAMILY "net"
#include "case.h"
#include "icmp.h"
#include "netlab.h"

#define REQUIRE_NET(ctx, call)                                                                     \
    do {                                                                                           \
        struct iso_err e_ = { 0, "" };                                                             \
        int rc_ = (call);                                                                          \
        if (rc_ == ISO_UNSUPPORTED)                                                                \
            ISO_SKIP_FOR(ctx, ISO_FEAT_NET, "%s", e_.msg);                                         \
        if (rc_ < 0) {                                                                             \
            ISO_FAIL(ctx, "the lab's network could not be built", "%s", e_.msg);                   \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static struct iso_spec net_spec(struct iso_ctx *ctx, enum iso_net_mode mode, int slot)
{
    struct iso_spec s = iso_spec_default(ctx);
    s.net.mode = mode;
    s.net.slot = slot;
    return s;
}

/* "eth0:198.18.1.2/24" as the container must see its one address */
static void own_address(const struct iso_ctx *ctx, int slot, char *out, size_t size)
{
    char a[64];
    net_addr4(ctx, slot, 2, a, sizeof(a));
    snprintf(out, size, "lo:127.0.0.1/8,eth0:%s/24", a);
}

ISO_CASE(only_loopback, "a new network namespace has only lo, down, and none of the lab's links",
         .detects = ISO_SAB_NO_NETNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    REQUIRE_NET(ctx, net_add_decoy(ctx, &e_));
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("net"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "ifaces"), "lo:down", "interfaces inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "addrs"), "", "IPv4 addresses inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "addrs6"), "", "IPv6 addresses inside");
}

ISO_CASE(veth_ping_both_ways,
         "a container on a veth pings the lab's end, and the lab pings the container",
         .detects = ISO_SAB_NO_NETNS | ISO_SAB_NO_VETH)
{
    struct iso_spec s = net_spec(ctx, ISO_NET_VETH, 1);
    struct iso_container c;
    struct icmp_result back;
    char router[64], mine[64], want[160];

    net_addr4(ctx, 1, 1, router, sizeof(router));
    net_addr4(ctx, 1, 2, mine, sizeof(mine));
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("ping", router, "3", "30", "--wait"), &c);
    own_address(ctx, 1, want, sizeof(want));
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "addrs"), want, "the container sees only its own address");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "received"), "3", "replies from the lab's end");
    ISO_DOING(ctx, "pinging the container from the lab");
    icmp_ping(mine, 3, 30, &back);
    ISO_EXPECT_EQ(ctx, back.received, 3, "replies from the container to the lab");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(nat_masquerades_to_upstream,
         "behind NAT a container reaches the upstream host, which sees only the lab's address",
         .detects = ISO_SAB_NO_NETNS | ISO_SAB_NO_VETH | ISO_SAB_NO_NAT)
{
    struct iso_spec s = net_spec(ctx, ISO_NET_NAT, 1);
    struct iso_err err = { 0, "" };
    struct iso_container c;
    char upstream[64], lab_up[64], want[160], seen[256];
    int listener;

    net_addr4(ctx, NET_UPSTREAM_SLOT, 2, upstream, sizeof(upstream));
    net_addr4(ctx, NET_UPSTREAM_SLOT, 1, lab_up, sizeof(lab_up));
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("ping", upstream, "3", "30", "--wait"), &c);
    own_address(ctx, 1, want, sizeof(want));
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "addrs"), want, "the container sees only its own address");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "received"), "3", "replies from the upstream host");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    /* a second round, watched from the upstream host */
    ISO_REQUIRE_OK(ctx, listener = net_upstream_listen(ctx, &err), &err);
    s.net.slot = 2;
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("ping", upstream, "2", "30", "--wait"), &c);
    net_echo_sources(listener, seen, sizeof(seen));
    close(listener);
    ISO_EXPECT_EQ_STR(ctx, seen, lab_up, "sources of the echo requests the upstream host saw");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

/* How many sockets in the lab listen on TCP port. /proc/net/tcp lines read
 * "0: 0100007F:1F90 00000000:0000 0A ...": slot, local address:port (hex),
 * remote, state (0A is LISTEN). */
static int lab_listeners(unsigned long port)
{
    char line[512];
    int n = 0;
    FILE *f = fopen("/proc/net/tcp", "re");

    while (f && fgets(line, sizeof(line), f)) {
        char *field[4], *save = NULL, *colon;
        int k = 0;

        for (char *t = strtok_r(line, " \t", &save); t && k < 4; t = strtok_r(NULL, " \t", &save))
            field[k++] = t;
        colon = k == 4 ? strchr(field[1], ':') : NULL; /* the header has none */
        if (colon && strtoul(colon + 1, NULL, 16) == port && strtoul(field[3], NULL, 16) == 0x0A)
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

ISO_CASE(same_port_in_two_containers,
         "two containers bind the same TCP port at once; neither binding shows in the lab",
         .detects = ISO_SAB_NO_NETNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container a, b;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("listen", "8080"), &a);
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("listen", "8080"), &b);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&a.r, "bound"), "ok", "first container binds 8080");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&b.r, "bound"), "ok", "second container binds 8080 too");
    ISO_EXPECT_EQ(ctx, lab_listeners(8080), 0, "listeners on 8080 in the lab");
    iso_release(&a, NULL);
    iso_release(&b, NULL);
    ISO_REQUIRE_FINISH(ctx, &a);
    ISO_REQUIRE_FINISH(ctx, &b);
}

ISO_CASE(ipv6_veth_ping, "over IPv6 the container and the lab reach each other on the veth",
         .detects = ISO_SAB_NO_NETNS | ISO_SAB_NO_VETH)
{
    struct iso_spec s = net_spec(ctx, ISO_NET_VETH, 2);
    struct iso_container c;
    struct icmp_result back;
    char router[64], mine[64], want[96];
    int probe6 = socket(AF_INET6, SOCK_DGRAM, 0);

    if (probe6 < 0)
        ISO_SKIP_FOR(ctx, ISO_FEAT_IPV6, "this kernel has no IPv6 (socket AF_INET6 failed)");
    close(probe6);
    s.net.ipv6 = true;
    net_addr6(2, 1, router, sizeof(router));
    net_addr6(2, 2, mine, sizeof(mine));
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("ping", router, "3", "30", "--wait"), &c);
    snprintf(want, sizeof(want), "lo:::1/128,eth0:%s/64", mine);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "addrs6"), want,
                      "the container sees only its own address");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "received"), "3", "IPv6 replies from the lab's end");
    icmp_ping(mine, 3, 30, &back);
    ISO_EXPECT_EQ(ctx, back.received, 3, "IPv6 replies from the container to the lab");
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(sysfs_lists_own_links,
         "sysfs mounted inside lists only the container's links under class/net, none of the lab's",
         .detects = ISO_SAB_NO_NETNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    REQUIRE_NET(ctx, net_add_decoy(ctx, &e_));
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("sysfs-net", "/tmp/isocheck-sysfs"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "sys_links"), "lo", "/sys/class/net inside");
}

#define PING_RANGE "/proc/sys/net/ipv4/ping_group_range"
#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

/* A sysctl of the lab as the probe reports one: blanks as one space. */
static const char *lab_sysctl(const char *path, char *buf, size_t size)
{
    char *w = buf;

    if (read_file(path, buf, size) < 0)
        return "unreadable";
    for (const char *p = buf; *p; p++)
        if (*p != '\n')
            *w++ = (char)(*p == '\t' ? ' ' : *p);
    *w = '\0';
    return buf;
}

ISO_CASE(
    sysctls_are_per_namespace,
    "net.ipv4 sysctls (ip_forward, ping_group_range) written inside stay inside, and the lab's "
    "own values are not seen inside",
    .detects = ISO_SAB_NO_NETNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;
    char v[64];

    ISO_REQUIRE_SYS_PATH(ctx, write_file(PING_RANGE, "4242 4243"), PING_RANGE,
                         "the lab sets its own ping_group_range");
    ISO_REQUIRE_SYS_PATH(ctx, write_file(IP_FORWARD, "0"), IP_FORWARD,
                         "the lab turns its forwarding off");
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("sysctl-net", "1", "0 2147483647"), &r);
    ISO_EXPECT_NE_STR(ctx, iso_get(&r, "ping_range_before"), "4242 4243",
                      "the lab's ping_group_range is not the container's");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "ping_range_after"), "0 2147483647",
                      "the container's write took effect inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "ip_forward_after"), "1", "forwarding on inside");
    ISO_EXPECT_EQ_STR(ctx, lab_sysctl(PING_RANGE, v, sizeof(v)), "4242 4243",
                      "the lab's ping_group_range afterwards");
    ISO_EXPECT_EQ_STR(ctx, lab_sysctl(IP_FORWARD, v, sizeof(v)), "0",
                      "the lab's forwarding afterwards");
}

ISO_CASE(lab_link_events_stay_outside,
         "an RTMGRP_LINK listener inside hears its own link change but none of the lab's",
         .detects = ISO_SAB_NO_NETNS)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("link-events"), &c);
    ISO_DOING(ctx, "making links in the lab while the container listens");
    REQUIRE_NET(ctx, net_add_decoy(ctx, &e_));
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "toggle_lo"), "ok", "the container flips its lo");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "own_event"), "yes", "and hears that change");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "link_events"), "lo", "links named by the events heard");
}
