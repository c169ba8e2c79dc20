/* icmp.h - echo requests from C, shared by the probe and the lab side. */
#ifndef ISO_ICMP_H
#define ISO_ICMP_H

struct icmp_result {
    int sent, received;
    double rtt_ms;    /* mean of the replies */
    int err;          /* errno of the first failure (socket, send), 0 if none */
    const char *what; /* the failing call */
};

/* Collect count echo replies from addr (IPv4 or IPv6 text): each request
 * waits up to timeout_ms for its reply, and a lost one is sent again, up
 * to count + 5 requests in all (count at most 58); a late reply to an
 * earlier request counts once. ICMP datagram sockets first, raw sockets
 * when ping_group_range forbids them. Returns 0 when it could send. */
int icmp_ping(const char *addr, int count, int timeout_ms, struct icmp_result *r);

#endif
