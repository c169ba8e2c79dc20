/* netlab.c - veth links, addresses and routes with libnl-route-3, the NAT
 * rule with libnftables. A netlink socket and an nft context belong to the
 * namespace they were made in, so each is made after entering it. */
#define _GNU_SOURCE
#include "netlab.h"
#include "dl.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <nftables/libnftables.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"

int net_parse_prefix(const char *text, uint32_t *base, char *why, size_t len)
{
    char addr[INET_ADDRSTRLEN + 1];
    const char *slash = strchr(text, '/');
    struct in_addr in;
    size_t alen;

    if (!slash || strcmp(slash, "/16") != 0) {
        snprintf(why, len, "'%s' is not an IPv4 /16 such as 198.18.0.0/16", text);
        return -1;
    }
    alen = (size_t)(slash - text);
    if (alen >= sizeof(addr)) {
        snprintf(why, len, "'%s' is not an IPv4 address", text);
        return -1;
    }
    memcpy(addr, text, alen);
    addr[alen] = '\0';
    if (inet_pton(AF_INET, addr, &in) != 1) {
        snprintf(why, len, "'%s' is not an IPv4 address", addr);
        return -1;
    }
    *base = ntohl(in.s_addr);
    if (*base & 0xffff) {
        snprintf(why, len, "'%s' has host bits set (a /16 ends in .0.0)", text);
        return -1;
    }
    if ((*base >> 24) == 127 || (*base >> 24) == 0 || (*base >> 28) >= 14) {
        snprintf(why, len, "'%s' is a loopback, unspecified, multicast or reserved range", text);
        return -1;
    }
    return 0;
}

void net_addr4(const struct iso_ctx *ctx, int slot, int host, char *out, size_t size)
{
    uint32_t a = ctx->cfg->net_base | ((uint32_t)slot << 8) | (uint32_t)host;
    snprintf(out, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

void net_addr6(int slot, int host, char *out, size_t size)
{
    snprintf(out, size, "fd15:c0c:4ec:%x::%x", slot, host);
}

/* --- namespaces --- */

static int self_netns(struct iso_err *err)
{
    int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        iso_err_set(err, errno, "open \"/proc/self/ns/net\"");
    return fd;
}

static int enter(int fd, struct iso_err *err)
{
    if (setns(fd, CLONE_NEWNET) < 0)
        return iso_err_set(err, errno, "setns net");
    return 0;
}

/* A new network namespace, held by the returned fd; we stay where we were. */
static int new_netns(int home, struct iso_err *err)
{
    int fd;

    if (unshare(CLONE_NEWNET) < 0)
        return iso_err_set(err, errno, "unshare net");
    fd = self_netns(err);
    if (enter(home, err) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* --- netlink --- */

struct route_nl {
    struct nl_sock *sk;
};

static int nl_fail(struct iso_err *err, int nlerr, const char *what, const char *obj)
{
    return iso_err_set(err, 0, "%s \"%s\": %s", what, obj, nl_geterror(nlerr));
}

static int route_open(struct route_nl *n, struct iso_err *err)
{
    int rc;

    n->sk = nl_socket_alloc();
    if (!n->sk)
        return iso_err_set(err, ENOMEM, "nl_socket_alloc");
    rc = nl_connect(n->sk, NETLINK_ROUTE);
    if (rc < 0) {
        nl_socket_free(n->sk);
        n->sk = NULL;
        return nl_fail(err, rc, "connect", "rtnetlink");
    }
    return 0;
}

static void route_close(struct route_nl *n)
{
    if (n->sk)
        nl_socket_free(n->sk);
    n->sk = NULL;
}

static int link_up(struct route_nl *n, const char *name, int *ifindex, struct iso_err *err)
{
    struct rtnl_link *link = NULL, *change;
    int rc = rtnl_link_get_kernel(n->sk, 0, name, &link);

    if (rc < 0)
        return nl_fail(err, rc, "find link", name);
    if (ifindex)
        *ifindex = rtnl_link_get_ifindex(link);
    change = rtnl_link_alloc();
    rtnl_link_set_flags(change, IFF_UP);
    rc = rtnl_link_change(n->sk, link, change, 0);
    rtnl_link_put(change);
    rtnl_link_put(link);
    return rc < 0 ? nl_fail(err, rc, "set up", name) : 0;
}

static int add_addr(struct route_nl *n, int ifindex, const char *cidr, struct iso_err *err)
{
    struct rtnl_addr *a = rtnl_addr_alloc();
    struct nl_addr *local = NULL;
    int rc = nl_addr_parse(cidr, AF_UNSPEC, &local);

    if (rc >= 0) {
        rtnl_addr_set_ifindex(a, ifindex);
        rtnl_addr_set_local(a, local);
        if (strchr(cidr, ':')) /* no duplicate address detection: usable at once */
            rtnl_addr_set_flags(a, IFA_F_NODAD);
        rc = rtnl_addr_add(n->sk, a, 0);
    }
    if (local)
        nl_addr_put(local);
    rtnl_addr_put(a);
    return rc < 0 ? nl_fail(err, rc, "add address", cidr) : 0;
}

static int add_default_route(struct route_nl *n, int ifindex, const char *gw_text,
                             struct iso_err *err)
{
    struct rtnl_route *r = rtnl_route_alloc();
    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    struct nl_addr *dst = NULL, *gw = NULL;
    int family = strchr(gw_text, ':') ? AF_INET6 : AF_INET;
    int rc = nl_addr_parse("default", family, &dst);

    if (rc >= 0)
        rc = nl_addr_parse(gw_text, family, &gw);
    if (rc >= 0) {
        rtnl_route_set_family(r, (uint8_t)family);
        rtnl_route_set_dst(r, dst);
        rtnl_route_nh_set_gateway(nh, gw);
        rtnl_route_nh_set_ifindex(nh, ifindex);
        rtnl_route_add_nexthop(r, nh); /* the route owns nh now */
        nh = NULL;
        rc = rtnl_route_add(n->sk, r, NLM_F_CREATE);
    }
    if (nh)
        rtnl_route_nh_free(nh);
    if (dst)
        nl_addr_put(dst);
    if (gw)
        nl_addr_put(gw);
    rtnl_route_put(r);
    return rc < 0 ? nl_fail(err, rc, "add default route via", gw_text) : 0;
}

/* The highest interface index in the current namespace (1 for lo alone). */
static int max_ifindex(void)
{
    struct if_nameindex *all = if_nameindex();
    int max = 1;

    for (const struct if_nameindex *i = all; i && i->if_index; i++)
        if ((int)i->if_index > max)
            max = (int)i->if_index;
    if (all)
        if_freenameindex(all);
    return max;
}

static int create_veth(struct route_nl *n, const char *name, const char *peer_name, int peer_ns,
                       int index)
{
    struct rtnl_link *link = rtnl_link_veth_alloc(), *peer;
    int rc;

    if (!link)
        return -NLE_NOMEM;
    rtnl_link_set_name(link, name);
    rtnl_link_set_ifindex(link, index);
    peer = rtnl_link_veth_get_peer(link);
    rtnl_link_set_name(peer, peer_name);
    rtnl_link_set_ns_fd(peer, peer_ns);
    rtnl_link_set_ifindex(peer, index ? index + 1 : 0); /* honoured only beside the first's */
    rtnl_link_put(peer);
    rc = rtnl_link_add(n->sk, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_veth_release(link);
    return rc;
}

/* A veth named name in the current namespace, its peer (peer_name) born in
 * the namespace peer_ns: no move, no rename, no explicit delete later.
 * The two ends get different interface indexes: left to the kernel, both
 * are the first device after lo in their namespaces (2 and 2), and a
 * kernel's link watch that tells a stacked device by "index differs from
 * its link's" (Debian 12's 6.1 does) takes the carrier for no hurry and
 * defers it up to a second, with the queue dropping every packet. Where
 * those indexes are taken, the kernel picks. */
static int add_veth(struct route_nl *n, const char *name, const char *peer_name, int peer_ns,
                    struct iso_err *err)
{
    int rc = create_veth(n, name, peer_name, peer_ns, max_ifindex() + 1);

    if (rc == -NLE_BUSY || rc == -NLE_EXIST)
        rc = create_veth(n, name, peer_name, peer_ns, 0);
    if (rc < 0) {
        nl_fail(err, rc, "create veth", name);
        /* found by trying: a kernel without veth says so here */
        return (rc == -NLE_OPNOTSUPP || rc == -NLE_NOATTR || rc == -NLE_INVAL) ? ISO_UNSUPPORTED
                                                                               : -1;
    }
    return 0;
}

/* Until the kernel's link watch has seen a new veth's carrier (it batches
 * events and may defer one up to a second when many links come and go),
 * the device's queue drops every packet: wait for operstate UP (2 s at
 * most) before anyone sends. */
#define OPER_UP 6 /* IF_OPER_UP (RFC 2863); <linux/if.h> clashes with <net/if.h> */

static int wait_oper_up(const char *ifname, struct iso_err *err)
{
    struct route_nl n = { 0 };
    double deadline = now_ms() + 2000;
    int state = -1;

    if (route_open(&n, err) < 0)
        return -1;
    do {
        struct rtnl_link *link = NULL;
        if (rtnl_link_get_kernel(n.sk, 0, ifname, &link) == 0) {
            state = rtnl_link_get_operstate(link);
            rtnl_link_put(link);
        }
        if (state == OPER_UP)
            break;
        usleep(500);
    } while (now_ms() < deadline);
    route_close(&n);
    if (state != OPER_UP)
        return iso_err_set(err, 0, "link \"%s\" not up after 2 s (operstate %d)", ifname, state);
    return 0;
}

/* Bring lo up in the current namespace; allow ICMP datagram sockets. */
static int setup_lo(struct iso_err *err)
{
    struct route_nl n = { 0 };
    int rc;

    if (write_file("/proc/sys/net/ipv4/ping_group_range", "0 2147483647") < 0)
        return iso_err_set(err, errno, "write net.ipv4.ping_group_range");
    /* links made here after this are usable at once: no duplicate address
     * detection holding link-local addresses tentative (no IPv6: no file) */
    write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
    write_file("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
    if (route_open(&n, err) < 0)
        return -1;
    rc = link_up(&n, "lo", NULL, err);
    route_close(&n);
    return rc;
}

/* One end of a link: address(es), up, optionally a default route. */
static int setup_end(const char *ifname, const char *cidr4, const char *cidr6, const char *gw4,
                     const char *gw6, struct iso_err *err)
{
    struct route_nl n = { 0 };
    int ifindex = 0, rc;

    if (route_open(&n, err) < 0)
        return -1;
    rc = link_up(&n, ifname, &ifindex, err);
    if (rc == 0 && cidr4)
        rc = add_addr(&n, ifindex, cidr4, err);
    if (rc == 0 && cidr6)
        rc = add_addr(&n, ifindex, cidr6, err);
    if (rc == 0 && gw4)
        rc = add_default_route(&n, ifindex, gw4, err);
    if (rc == 0 && gw6)
        rc = add_default_route(&n, ifindex, gw6, err);
    route_close(&n);
    return rc;
}

/* --- NAT --- */

/* libnftables, loaded on first use (dl.h says why). */
static struct {
    __typeof__(nft_ctx_new) *ctx_new;
    __typeof__(nft_ctx_free) *ctx_free;
    __typeof__(nft_ctx_buffer_output) *buffer_output;
    __typeof__(nft_ctx_buffer_error) *buffer_error;
    __typeof__(nft_run_cmd_from_buffer) *run_cmd_from_buffer;
    __typeof__(nft_ctx_get_output_buffer) *get_output_buffer;
    __typeof__(nft_ctx_get_error_buffer) *get_error_buffer;
} nft;

static int nft_load(struct iso_err *err)
{
    static struct dl_lib lib = { "libnftables.so.1", NULL };
    const struct dl_sym syms[] = {
        { "nft_ctx_new", &nft.ctx_new },
        { "nft_ctx_free", &nft.ctx_free },
        { "nft_ctx_buffer_output", &nft.buffer_output },
        { "nft_ctx_buffer_error", &nft.buffer_error },
        { "nft_run_cmd_from_buffer", &nft.run_cmd_from_buffer },
        { "nft_ctx_get_output_buffer", &nft.get_output_buffer },
        { "nft_ctx_get_error_buffer", &nft.get_error_buffer },
    };

    return dl_load(&lib, syms, ARRAY_LEN(syms), err);
}

static int nft_run(const char *cmd, char *out, size_t size, struct iso_err *err)
{
    struct nft_ctx *ctx;
    int rc;

    if (nft_load(err) < 0)
        return -1;
    if (!(ctx = nft.ctx_new(NFT_CTX_DEFAULT)))
        return iso_err_set(err, ENOMEM, "nft_ctx_new");
    nft.buffer_output(ctx);
    nft.buffer_error(ctx);
    rc = nft.run_cmd_from_buffer(ctx, cmd);
    if (rc != 0)
        iso_err_set(err, 0, "nft \"%.60s...\": %s", cmd, nft.get_error_buffer(ctx));
    else if (out)
        strlcpy0(out, nft.get_output_buffer(ctx), size);
    nft.ctx_free(ctx);
    return rc != 0 ? -1 : 0;
}

/* The masquerade rule in the current (the lab's) namespace, then read back
 * through a fresh context: a context opened elsewhere would have written
 * the rule into another namespace without a word. */
static int add_masquerade(const struct iso_ctx *ctx, struct iso_err *err)
{
    char cmd[512], prefix[32], listing[4096];

    net_addr4(ctx, 0, 0, prefix, sizeof(prefix));
    snprintf(cmd, sizeof(cmd),
             "add table ip isocheck\n"
             "add chain ip isocheck post { type nat hook postrouting priority 100 ; }\n"
             "add rule ip isocheck post ip saddr %s/16 oifname \"up0\" masquerade\n",
             prefix);
    if (nft_run(cmd, NULL, 0, err) < 0) {
        iso_err_wrap(err, "NAT (nf_tables masquerade)");
        return ISO_UNSUPPORTED;
    }
    if (nft_run("list table ip isocheck", listing, sizeof(listing), err) < 0)
        return iso_err_wrap(err, "read back the NAT rule");
    if (!strstr(listing, "masquerade"))
        return iso_err_set(err, 0, "the NAT rule is not in the lab's namespace after adding it");
    return 0;
}

static int ensure_upstream(struct iso_ctx *ctx, bool masquerade, int home, struct iso_err *err)
{
    char r4[64], u4[64], cidr[72];
    struct route_nl n = { 0 };
    int rc;

    if (ctx->upstream_fd >= 0)
        return 0;
    ctx->upstream_fd = new_netns(home, err);
    if (ctx->upstream_fd < 0)
        return -1;
    net_addr4(ctx, NET_UPSTREAM_SLOT, 1, r4, sizeof(r4));
    net_addr4(ctx, NET_UPSTREAM_SLOT, 2, u4, sizeof(u4));
    if (route_open(&n, err) < 0)
        return -1;
    rc = add_veth(&n, "up0", "eth0", ctx->upstream_fd, err);
    route_close(&n);
    if (rc != 0)
        return rc;
    snprintf(cidr, sizeof(cidr), "%s/24", r4);
    if (setup_end("up0", cidr, NULL, NULL, NULL, err) < 0)
        return -1;
    if (write_file("/proc/sys/net/ipv4/ip_forward", "1") < 0)
        return iso_err_set(err, errno, "write net.ipv4.ip_forward in the lab");
    if (masquerade && (rc = add_masquerade(ctx, err)) != 0)
        return rc;
    /* the upstream host: no route back to the containers' subnets, so only
     * masqueraded traffic can be answered */
    if (enter(ctx->upstream_fd, err) < 0)
        return -1;
    snprintf(cidr, sizeof(cidr), "%s/24", u4);
    rc = setup_lo(err);
    if (rc == 0)
        rc = setup_end("eth0", cidr, NULL, NULL, NULL, err);
    if (rc == 0)
        rc = wait_oper_up("eth0", err);
    if (enter(home, err) < 0 || rc < 0)
        return -1;
    return wait_oper_up("up0", err);
}

int net_prepare(struct iso_ctx *ctx, const struct iso_net *want, int *netns_fd, struct iso_err *err)
{
    autoclose int home = self_netns(err);
    autoclose int ns = -1;
    char vc[IFNAMSIZ], r4[64], c4[64], cidr4[72], r6[64], c6[64], cidr6[72];
    struct route_nl n = { 0 };
    int rc;

    if (home < 0 || setup_lo(err) < 0) /* the lab's own lo, and ICMP sockets for its pings */
        return -1;
    if (want->mode == ISO_NET_NAT && (rc = ensure_upstream(ctx, want->masquerade, home, err)) != 0)
        return rc;
    ns = new_netns(home, err);
    if (ns < 0)
        return -1;
    if (enter(ns, err) < 0)
        return -1;
    rc = setup_lo(err);
    if (enter(home, err) < 0 || rc < 0)
        return -1;
    if (want->veth) {
        snprintf(vc, sizeof(vc), "vc%d", want->slot);
        net_addr4(ctx, want->slot, 1, r4, sizeof(r4));
        net_addr4(ctx, want->slot, 2, c4, sizeof(c4));
        net_addr6(want->slot, 1, r6, sizeof(r6));
        net_addr6(want->slot, 2, c6, sizeof(c6));
        if (route_open(&n, err) < 0)
            return -1;
        rc = add_veth(&n, vc, "eth0", ns, err);
        route_close(&n);
        if (rc != 0)
            return rc;
        snprintf(cidr4, sizeof(cidr4), "%s/24", r4);
        snprintf(cidr6, sizeof(cidr6), "%s/64", r6);
        if (setup_end(vc, cidr4, want->ipv6 ? cidr6 : NULL, NULL, NULL, err) < 0)
            return -1;
        if (enter(ns, err) < 0)
            return -1;
        snprintf(cidr4, sizeof(cidr4), "%s/24", c4);
        snprintf(cidr6, sizeof(cidr6), "%s/64", c6);
        rc = setup_end("eth0", cidr4, want->ipv6 ? cidr6 : NULL, r4, want->ipv6 ? r6 : NULL, err);
        if (rc == 0)
            rc = wait_oper_up("eth0", err);
        if (enter(home, err) < 0 || rc < 0)
            return -1;
        if (wait_oper_up(vc, err) < 0)
            return -1;
    }
    *netns_fd = steal_fd(&ns);
    return 0;
}

int net_add_decoy(struct iso_ctx *ctx, struct iso_err *err)
{
    autoclose int home = self_netns(err);
    char a[64], cidr[72];
    struct route_nl n = { 0 };
    int rc;

    if (home < 0 || route_open(&n, err) < 0)
        return -1;
    rc = add_veth(&n, "decoy0", "decoy1", home, err);
    route_close(&n);
    if (rc != 0)
        return rc;
    net_addr4(ctx, NET_DECOY_SLOT, 1, a, sizeof(a));
    snprintf(cidr, sizeof(cidr), "%s/24", a);
    if (setup_end("decoy0", cidr, NULL, NULL, NULL, err) < 0)
        return -1;
    return setup_end("decoy1", NULL, NULL, NULL, NULL, err) < 0 ? -1 : setup_lo(err);
}

int net_upstream_listen(struct iso_ctx *ctx, struct iso_err *err)
{
    autoclose int home = self_netns(err);
    int fd, e;

    if (home < 0)
        return -1;
    if (ctx->upstream_fd < 0)
        return iso_err_set(err, 0, "no upstream namespace: prepare a NAT container first");
    if (enter(ctx->upstream_fd, err) < 0)
        return -1;
    fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
    e = errno;
    if (enter(home, err) < 0)
        return -1;
    if (fd < 0)
        return iso_err_set(err, e, "raw ICMP socket in the upstream namespace");
    return fd;
}

int net_echo_sources(int fd, char *out, size_t size)
{
    unsigned char buf[1500];
    size_t off = 0;
    ssize_t n;
    int count = 0;

    out[0] = '\0';
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
        char src[INET_ADDRSTRLEN];
        size_t hl = (size_t)(buf[0] & 0x0f) * 4;

        if (n < 20 || (ssize_t)hl + 8 > n || buf[hl] != ICMP_ECHO)
            continue;
        inet_ntop(AF_INET, buf + 12, src, sizeof(src));
        count++;
        if (strstr(out, src)) /* distinct sources only */
            continue;
        off +=
            (size_t)snprintf(out + off, size > off ? size - off : 0, "%s%s", off ? "," : "", src);
    }
    return count;
}
