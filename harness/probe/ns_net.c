/* ns_net.c - what a network namespace shows besides its links: sysfs
 * mounted inside, its net.* sysctls, and the link events it is sent. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kv.h"
#include "ns.h"
#include "util.h"

/* sysfs-net DIR: mount sysfs on DIR, list DIR/class/net */
int probe_cmd_sysfs_net(int argc, char **argv)
{
    char path[4096], list[2048] = "";
    size_t off = 0;
    struct dirent *e;
    DIR *d;

    if (argc < 2)
        return fprintf(stderr, "usage: sysfs-net DIR\n"), 2;
    if (mkdir(argv[1], 0755) < 0 && errno != EEXIST)
        return fprintf(stderr, "mkdir %s: %s\n", argv[1], strerror(errno)), 3;
    if (mount("sysfs", argv[1], "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return fprintf(stderr, "mount sysfs on %s: %s\n", argv[1], strerror(errno)), 3;
    snprintf(path, sizeof(path), "%s/class/net", argv[1]);
    d = opendir(path);
    if (!d)
        return fprintf(stderr, "opendir %s: %s\n", path, strerror(errno)), 3;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && off < sizeof(list) - 300)
            off +=
                (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? "," : "", e->d_name);
    closedir(d);
    probe_kv("sys_links", "%s", list);
    return 0;
}

/* A sysctl's value with blanks collapsed to one space, or error:ERRNO. */
static void report_sysctl(const char *key, const char *path)
{
    char text[256], out[256];
    size_t o = 0;

    if (read_file(path, text, sizeof(text)) < 0) {
        probe_kv(key, "error:%s", probe_errname(errno));
        return;
    }
    for (char *p = text; *p && o < sizeof(out) - 1; p++) {
        bool blank = *p == ' ' || *p == '\t' || *p == '\n';
        if (blank && (o == 0 || out[o - 1] == ' '))
            continue;
        out[o++] = (char)(blank ? ' ' : *p);
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    probe_kv(key, "%s", out);
}

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"
#define PING_RANGE "/proc/sys/net/ipv4/ping_group_range"

/* sysctl-net FORWARD "LOW HIGH": report net.ipv4.ip_forward and
 * ping_group_range, write these values, report them again. */
int probe_cmd_sysctl_net(int argc, char **argv)
{
    if (argc < 3)
        return fprintf(stderr, "usage: sysctl-net FORWARD \"LOW HIGH\"\n"), 2;
    report_sysctl("ip_forward_before", IP_FORWARD);
    report_sysctl("ping_range_before", PING_RANGE);
    probe_kv("write_ip_forward", "%s",
             probe_errname(write_file(IP_FORWARD, argv[1]) < 0 ? errno : 0));
    probe_kv("write_ping_range", "%s",
             probe_errname(write_file(PING_RANGE, argv[2]) < 0 ? errno : 0));
    report_sysctl("ip_forward_after", IP_FORWARD);
    report_sysctl("ping_range_after", PING_RANGE);
    return 0;
}

/* Flip IFF_UP of lo: an RTM_NEWLINK for a link of our own. */
static int toggle_lo(void)
{
    struct ifreq ifr = { 0 };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

    strlcpy0(ifr.ifr_name, "lo", sizeof(ifr.ifr_name));
    if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags ^= IFF_UP;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    if (fd >= 0)
        close(fd);
    return rc;
}

/* The link names of the RTM_NEWLINK/RTM_DELLINK messages in buf, added to
 * list unless already there; returns whether lo was among them. */
static bool collect_links(const char *buf, size_t len, char *list, size_t size)
{
    bool lo = false;

    for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        const struct ifinfomsg *ifi = NLMSG_DATA(h);
        int alen = (int)IFLA_PAYLOAD(h);

        if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK)
            continue;
        for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
            const char *name = RTA_DATA(a);
            char item[IFNAMSIZ + 2];
            size_t used = strlen(list);

            if (a->rta_type != IFLA_IFNAME)
                continue;
            lo |= strcmp(name, "lo") == 0;
            snprintf(item, sizeof(item), "%s", name);
            /* a name already listed stays where it first appeared */
            bool listed = false;
            for (char *p = strstr(list, item); p && !listed; p = strstr(p + 1, item))
                listed =
                    (p == list || p[-1] == ',') && (p[strlen(item)] == ',' || !p[strlen(item)]);
            if (!listed && used + strlen(item) + 2 < size)
                snprintf(list + used, size - used, "%s%s", used ? "," : "", item);
        }
    }
    return lo;
}

/* link-events: listen for RTMGRP_LINK, wait for the lab (which changes
 * links of its own meanwhile), then flip lo ourselves and report the links
 * named by every event received until lo's arrives (1 s at most). */
int probe_cmd_link_events(int argc, char **argv)
{
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
    char buf[16384], list[1024] = "";
    bool lo = false;
    int fd;

    (void)argc, (void)argv;
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return fprintf(stderr, "link-events: netlink: %s\n", strerror(errno)), 3;
    probe_wait_for_lab();
    probe_kv("toggle_lo", "%s", probe_errname(toggle_lo() < 0 ? errno : 0));
    for (int waited = 0; !lo && waited < 1000;) {
        struct pollfd p = { fd, POLLIN, 0 };
        struct timespec t0, t1;
        ssize_t n;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (poll(&p, 1, 1000 - waited) <= 0)
            break;
        n = recv(fd, buf, sizeof(buf), 0);
        if (n > 0)
            lo |= collect_links(buf, (size_t)n, list, sizeof(list));
        clock_gettime(CLOCK_MONOTONIC, &t1);
        waited += (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    }
    close(fd);
    probe_kv("link_events", "%s", list);
    probe_kv("own_event", "%s", lo ? "yes" : "no");
    return 0;
}

const struct probe_cmd probe_ns_net_cmds[] = {
    { "sysfs-net", probe_cmd_sysfs_net, "DIR  mount sysfs on DIR, list its class/net" },
    { "sysctl-net", probe_cmd_sysctl_net,
      "FORWARD RANGE  read, write, reread two net.ipv4 sysctls" },
    { "link-events", probe_cmd_link_events, "RTMGRP_LINK listener; waits; flips lo; links seen" },
    { 0 },
};
