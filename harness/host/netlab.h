/* netlab.h - the network of one case: container links (veth) from the case's
 * own namespace, which routes, to an upstream host behind masquerade. All of
 * it in namespaces the harness made; addresses from --net-prefix (a /16).
 *
 *   container (own netns)        lab (case netns, router)        upstream (netns)
 *   eth0 P.k.2/24  ── veth ──  vc<k> P.k.1/24
 *                                  up0 P.255.1/24  ── veth ──  eth0 P.255.2/24
 *                                  nft: ip saddr P.0.0/16 oifname "up0" masquerade
 */
#ifndef ISO_NETLAB_H
#define ISO_NETLAB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "case.h"

#define NET_UPSTREAM_SLOT 255
#define NET_DECOY_SLOT 254

/* Parse "A.B.0.0/16" into the network's first address (host order).
 * Returns 0, or -1 with why filled. */
int net_parse_prefix(const char *text, uint32_t *base, char *why, size_t len);
/* PREFIX.slot.host as text; host 1 is the router's end. */
void net_addr4(const struct iso_ctx *ctx, int slot, int host, char *out, size_t size);
/* fd15:c0c:4ec:slot::host as text */
void net_addr6(int slot, int host, char *out, size_t size);

/* Make the container's network namespace for n (lo up, ICMP sockets
 * allowed, the veth and its addresses and route unless n->veth is false;
 * for ISO_NET_NAT also the upstream host). *netns_fd holds it. Returns 0,
 * ISO_UNSUPPORTED when the kernel lacks veth or NAT (err says which), or -1. */
int net_prepare(struct iso_ctx *ctx, const struct iso_net *n, int *netns_fd, struct iso_err *err);
/* A veth pair with an address, both ends in the lab: something a
 * container must not see. */
int net_add_decoy(struct iso_ctx *ctx, struct iso_err *err);
/* A raw ICMP socket in the upstream namespace (made by a NAT net_prepare),
 * to learn the source addresses of the echo requests it received. */
int net_upstream_listen(struct iso_ctx *ctx, struct iso_err *err);
/* Drain fd; fill out with the distinct sources of echo requests, ','-separated. */
int net_echo_sources(int fd, char *out, size_t size);

#endif
