/* icmp.c - ICMP/ICMPv6 echo. A datagram ICMP socket lets the kernel keep
 * the identifier; a raw socket is the fallback (it needs CAP_NET_RAW). */
#define _GNU_SOURCE
#include "icmp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned short checksum(const void *data, size_t len)
{
    const unsigned char *p = data;
    unsigned long sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (unsigned)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (unsigned)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((unsigned short)~sum);
}

/* The sequence number of buf (as received on this socket kind) when it
 * is an echo reply to us, else -1. */
static int reply_seq(const unsigned char *buf, ssize_t n, int v6, int raw, unsigned short id)
{
    const unsigned char *icmp = buf;

    if (raw && !v6) { /* raw IPv4 sockets hand us the IP header too */
        if (n < (ssize_t)sizeof(struct iphdr))
            return -1;
        size_t hl = (size_t)(buf[0] & 0x0f) * 4;
        if ((ssize_t)hl + 8 > n)
            return -1;
        icmp = buf + hl;
        n -= (ssize_t)hl;
    }
    if (n < 8)
        return -1;
    if (icmp[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY))
        return -1;
    if (raw && ((icmp[4] << 8) | icmp[5]) != id)
        return -1;
    return (icmp[6] << 8) | icmp[7];
}

int icmp_ping(const char *addr, int count, int timeout_ms, struct icmp_result *r)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    int v6 = strchr(addr, ':') != NULL, raw = 0, fd;
    unsigned short id = (unsigned short)(getpid() & 0xffff);
    double total = 0;

    memset(r, 0, sizeof(*r));
    memset(&ss, 0, sizeof(ss));
    if (v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        slen = sizeof(*s6);
        if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
            return r->err = EINVAL, r->what = "parse address", -1;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        slen = sizeof(*s4);
        if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
            return r->err = EINVAL, r->what = "parse address", -1;
    }
    fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
                v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (fd < 0) {
        raw = 1;
        fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC,
                    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    }
    if (fd < 0)
        return r->err = errno, r->what = "socket", -1;
    /* A lost echo (a busy machine, a neighbour still resolving) is sent
     * again: up to count + 5 requests, so success stays fast and a ping
     * that cannot succeed costs (count + 5) * timeout at most. A reply that
     * comes after its request's wait still counts while later ones wait
     * (a slow guest answers every request, only late), each once. */
    enum { MAX_SEQ = 63 }; /* bits of one mask */
    double sent_at[MAX_SEQ + 1];
    unsigned long long answered = 0;

    if (count + 5 > MAX_SEQ)
        count = MAX_SEQ - 5;
    for (int seq = 1; r->received < count && seq <= count + 5; seq++) {
        unsigned char pkt[64] = { 0 }, buf[1500];
        double left;

        pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
        pkt[4] = (unsigned char)(id >> 8), pkt[5] = (unsigned char)id;
        pkt[6] = (unsigned char)(seq >> 8), pkt[7] = (unsigned char)seq;
        memcpy(pkt + 8, "isocheck", 8);
        if (!v6) { /* the kernel sums ICMPv6 itself */
            unsigned short sum = checksum(pkt, sizeof(pkt));
            memcpy(pkt + 2, &sum, 2);
        }
        sent_at[seq] = ms_now();
        if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, slen) < 0) {
            if (!r->err)
                r->err = errno, r->what = "sendto";
            continue;
        }
        r->sent++;
        while (r->received < count && (left = sent_at[seq] + timeout_ms - ms_now()) > 0) {
            struct pollfd p = { fd, POLLIN, 0 };
            if (poll(&p, 1, (int)left + 1) <= 0)
                break;
            ssize_t n = recv(fd, buf, sizeof(buf), 0);
            int got = n > 0 ? reply_seq(buf, n, v6, raw, id) : -1;
            if (got < 1 || got > seq || (answered & (1ull << got)))
                continue;
            answered |= 1ull << got;
            r->received++;
            total += ms_now() - sent_at[got];
            if (got == seq)
                break;
        }
    }
    close(fd);
    r->rtt_ms = r->received ? total / r->received : 0;
    return r->sent ? 0 : -1;
}
