/* net.c - links and addresses a network namespace shows, ICMP echo, a
 * bound TCP port. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "icmp.h"
#include "kv.h"

/* ifaces=lo:down,eth0:up  addrs=eth0:198.18.1.2/24  addrs6=eth0:fd15:...:2/64 (no link-local) */
static void report_net(void)
{
    struct ifaddrs *ifs, *i;
    char ifaces[1024] = "", addrs[2][2048] = { "", "" };
    size_t io = 0, ao[2] = { 0, 0 };
    int v6 = 0;

    if (getifaddrs(&ifs) < 0) {
        probe_kv("ifaces", "error:%s", probe_errname(errno));
        return;
    }
    for (i = ifs; i; i = i->ifa_next) {
        char a[INET6_ADDRSTRLEN];
        int prefix = 0;
        if (!i->ifa_addr)
            continue;
        if (i->ifa_addr->sa_family == AF_PACKET) {
            if (io < sizeof(ifaces) - 40)
                io += (size_t)snprintf(ifaces + io, sizeof(ifaces) - io, "%s%s:%s", io ? "," : "",
                                       i->ifa_name, (i->ifa_flags & IFF_UP) ? "up" : "down");
            continue;
        }
        v6 = i->ifa_addr->sa_family == AF_INET6;
        if (i->ifa_addr->sa_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
            uint32_t m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
            prefix = __builtin_popcount(m);
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const unsigned char *m = ((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr;
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(a));
            if (strncmp(a, "fe80:", 5) == 0) /* link-local: every link has one */
                continue;
            for (int b = 0; b < 16; b++)
                prefix += __builtin_popcount(m[b]);
        } else {
            continue;
        }
        if (ao[v6] < sizeof(addrs[v6]) - 80)
            ao[v6] += (size_t)snprintf(addrs[v6] + ao[v6], sizeof(addrs[v6]) - ao[v6], "%s%s:%s/%d",
                                       ao[v6] ? "," : "", i->ifa_name, a, prefix);
    }
    freeifaddrs(ifs);
    probe_kv("ifaces", "%s", ifaces);
    probe_kv("addrs", "%s", addrs[0]);
    probe_kv("addrs6", "%s", addrs[1]);
}

static int cmd_net(int argc, char **argv)
{
    (void)argc, (void)argv;
    report_net();
    return 0;
}

/* ping ADDR [COUNT] [TIMEOUT_MS] [--wait] */
static int cmd_ping(int argc, char **argv)
{
    struct icmp_result r;
    int count = (int)probe_num_arg(argc, argv, 2, 3, 1, 1000);
    int timeout = (int)probe_num_arg(argc, argv, 3, 100, 1, 60000);

    if (argc < 2)
        return fprintf(stderr, "usage: ping ADDR [COUNT] [TIMEOUT_MS] [--wait]\n"), 2;
    report_net();
    icmp_ping(argv[1], count, timeout, &r);
    probe_kv("sent", "%d", r.sent);
    probe_kv("received", "%d", r.received);
    probe_kv("rtt_ms", "%.3f", r.rtt_ms);
    if (r.err)
        probe_kv("ping_error", "%s:%s", r.what, probe_errname(r.err));
    if (probe_has_flag(argc, argv, "--wait"))
        probe_wait_for_lab();
    return 0;
}

/* listen PORT: bind TCP on every address, report, wait for the lab */
static int cmd_listen(int argc, char **argv)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    int fd, one = 1;

    if (argc < 2)
        return fprintf(stderr, "usage: listen PORT\n"), 2;
    sa.sin_port = htons((unsigned short)probe_num_arg(argc, argv, 1, 0, 0, 65535));
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fprintf(stderr, "socket: %s\n", strerror(errno)), 3;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
        probe_kv("bound", "%s", probe_errname(errno));
    else
        probe_kv("bound", "ok");
    probe_wait_for_lab();
    close(fd);
    return 0;
}

const struct probe_cmd probe_net_cmds[] = {
    { "net", cmd_net, "interfaces and addresses" },
    { "ping", cmd_ping, "ADDR [COUNT] [TIMEOUT_MS] [--wait]  ICMP echo; reports sent, received" },
    { "listen", cmd_listen, "PORT  bind a TCP port, wait for the lab" },
    { 0 },
};
