/* isoprobe - runs inside the container and reports what it sees as
 * "key=value" lines on stdout. It exits 0 when it could measure (whatever
 * the measurement says), 2 on bad usage, 3 when a measurement failed.
 * Commands that must be observed from outside while they run print
 * "ready=1" and wait for a line on stdin. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <mqueue.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hardening.h"
#include "icmp.h"
#include "kv.h"
#include "mountinfo.h"
#include "procfs.h"

static const char *errname(int e)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        { EADDRINUSE, "EADDRINUSE" }, { ENETUNREACH, "ENETUNREACH" }, { EPERM, "EPERM" },
        { ENOENT, "ENOENT" },         { EACCES, "EACCES" },           { EINVAL, "EINVAL" },
        { EAGAIN, "EAGAIN" },         { EEXIST, "EEXIST" },           { ESRCH, "ESRCH" },
        { EBUSY, "EBUSY" },           { ENOSYS, "ENOSYS" },
    };
    static char buf[16];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(buf, sizeof(buf), "E%d", e);
    return buf;
}

/* Whether a lookup that just ran found the object: "visible", "absent"
 * (ENOENT), or the errno name of another failure. */
static const char *visibility(bool found)
{
    return found ? "visible" : errno == ENOENT ? "absent" : errname(errno);
}

/* Report ready, then block until the lab sends a line (or closes stdin). */
static void wait_for_lab(void)
{
    char c;

    probe_kv("ready", "1");
    fflush(stdout);
    while (read(0, &c, 1) == 1 && c != '\n')
        ;
}

/* The decimal number in argv[i], or dflt when it is absent or a --flag.
 * Anything else outside [min, max] is bad usage: one line, exit 2. */
static long num_arg(int argc, char **argv, int i, long dflt, long min, long max)
{
    char *end;
    long v;

    if (i >= argc || argv[i][0] == '-')
        return dflt;
    errno = 0;
    v = strtol(argv[i], &end, 10);
    if (errno || end == argv[i] || *end || v < min || v > max) {
        fprintf(stderr, "%s: bad number \"%s\" (expected %ld to %ld)\n", argv[0], argv[i], min,
                max);
        exit(2);
    }
    return v;
}

static bool has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return true;
    return false;
}

static void status_field(const char *path, const char *field, char *out, size_t size)
{
    if (procfs_status_field(path, field, out, size) < 0)
        snprintf(out, size, "?");
}

static void report_link(const char *key, const char *path)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);

    if (n < 0)
        probe_kv(key, "error:%s", errname(errno));
    else
        probe_kv(key, "%.*s", (int)n, buf);
}

static void report_pids(void)
{
    char status[512];
    char list[1024] = "";
    size_t off = 0;
    int count = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;

    probe_kv("pid", "%d", getpid());
    probe_kv("ppid", "%d", getppid());
    status_field("/proc/self/status", "NSpid", status, sizeof(status));
    probe_kv("nspid", "%s", status);
    report_link("pidns", "/proc/self/ns/pid");
    report_link("proc_self", "/proc/self");
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        count++;
        if (off < sizeof(list) - 16) {
            const char *sep = off ? "," : "";
            off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", sep, e->d_name);
        }
    }
    if (d)
        closedir(d);
    probe_kv("proc_count", "%d", count);
    probe_kv("proc_pids", "%s", list);
}

static int cmd_pid(int argc, char **argv)
{
    report_pids();
    if (has_flag(argc, argv, "--wait")) {
        wait_for_lab();
        report_pids();
    }
    return 0;
}

static int cmd_hostname(int argc, char **argv)
{
    char name[256] = "";

    if (argc > 1) {
        if (sethostname(argv[1], strlen(argv[1])) < 0)
            probe_kv("set", "%s", errname(errno));
        else
            probe_kv("set", "ok");
    }
    gethostname(name, sizeof(name) - 1);
    probe_kv("hostname", "%s", name);
    return 0;
}

/* ipc check|create KEY MQNAME */
static int cmd_ipc(int argc, char **argv)
{
    key_t key;
    int flags;

    if (argc < 4)
        return fprintf(stderr, "usage: ipc check|create KEY MQNAME\n"), 2;
    key = (key_t)strtol(argv[2], NULL, 0);
    if (strcmp(argv[1], "create") == 0) {
        struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };
        mqd_t q;
        flags = IPC_CREAT | IPC_EXCL | 0600;
        if (shmget(key, 4096, flags) < 0 || msgget(key, flags) < 0 || semget(key, 1, flags) < 0)
            return fprintf(stderr, "ipc create: %s\n", strerror(errno)), 3;
        q = mq_open(argv[3], O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
        if (q == (mqd_t)-1)
            return fprintf(stderr, "mq_open create %s: %s\n", argv[3], strerror(errno)), 3;
        probe_kv("created", "yes");
        wait_for_lab();
        return 0;
    }
    probe_kv("shm", "%s", visibility(shmget(key, 0, 0) >= 0));
    probe_kv("msg", "%s", visibility(msgget(key, 0) >= 0));
    probe_kv("sem", "%s", visibility(semget(key, 0, 0) >= 0));
    {
        mqd_t q = mq_open(argv[3], O_RDONLY);
        probe_kv("mq", "%s", visibility(q != (mqd_t)-1));
    }
    return 0;
}

static void report_map(const char *key, const char *path)
{
    char buf[1024], out[1024];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    size_t o = 0;
    bool space = false;

    if (fd >= 0)
        close(fd);
    if (n < 0) {
        probe_kv(key, "error:%s", errname(errno));
        return;
    }
    buf[n] = '\0';
    /* collapse runs of blanks, lines joined by ';' (idmap_canon's form) */
    for (char *p = buf; *p && o < sizeof(out) - 2; p++) {
        if (*p == ' ' || *p == '\t') {
            space = o > 0 && out[o - 1] != ';';
            continue;
        }
        if (*p == '\n') {
            if (p[1])
                out[o++] = ';';
            space = false;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = false;
        out[o++] = *p;
    }
    out[o] = '\0';
    probe_kv(key, "%s", out);
}

static int cmd_ids(int argc, char **argv)
{
    char v[256];

    (void)argc, (void)argv;
    probe_kv("uid", "%d", getuid());
    probe_kv("gid", "%d", getgid());
    probe_kv("euid", "%d", geteuid());
    probe_kv("egid", "%d", getegid());
    report_map("uid_map", "/proc/self/uid_map");
    report_map("gid_map", "/proc/self/gid_map");
    report_link("userns", "/proc/self/ns/user");
    status_field("/proc/self/status", "CapEff", v, sizeof(v));
    probe_kv("cap_eff", "%s", v);
    status_field("/proc/self/status", "CapPrm", v, sizeof(v));
    probe_kv("cap_prm", "%s", v);
    status_field("/proc/self/status", "CapBnd", v, sizeof(v));
    probe_kv("cap_bnd", "%s", v);
    return 0;
}

static int cmd_touch(int argc, char **argv)
{
    struct stat st;
    int fd;

    if (argc < 2)
        return fprintf(stderr, "usage: touch PATH\n"), 2;
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fprintf(stderr, "create %s: %s\n", argv[1], strerror(errno)), 3;
    fstat(fd, &st);
    close(fd);
    probe_kv("created", "yes");
    probe_kv("file_uid", "%u", st.st_uid);
    probe_kv("file_gid", "%u", st.st_gid);
    return 0;
}

static int cmd_stat(int argc, char **argv)
{
    struct stat st;

    if (argc < 2)
        return fprintf(stderr, "usage: stat PATH\n"), 2;
    if (stat(argv[1], &st) < 0) {
        probe_kv("stat", "%s", errname(errno));
        return 0;
    }
    probe_kv("stat", "ok");
    probe_kv("file_uid", "%u", st.st_uid);
    probe_kv("file_gid", "%u", st.st_gid);
    probe_kv("dev", "%u:%u", major(st.st_dev), minor(st.st_dev));
    probe_kv("ino", "%lu", (unsigned long)st.st_ino);
    return 0;
}

/* Try to write a second uid_map: the kernel allows one write only. */
static int cmd_remap(int argc, char **argv)
{
    int fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
    const char *map = "0 0 1\n";

    (void)argc, (void)argv;
    report_map("uid_map", "/proc/self/uid_map");
    if (fd < 0) {
        probe_kv("uid_map_write", "%s", errname(errno));
        return 0;
    }
    if (write(fd, map, strlen(map)) < 0)
        probe_kv("uid_map_write", "%s", errname(errno));
    else
        probe_kv("uid_map_write", "ok");
    close(fd);
    return 0;
}

static void report_mounts(void)
{
    char line[4096], points[4096] = "";
    size_t off = 0;
    int count = 0;
    struct stat st;
    FILE *f = fopen("/proc/self/mountinfo", "re");

    if (stat("/", &st) == 0) {
        probe_kv("root_dev", "%u:%u", major(st.st_dev), minor(st.st_dev));
        probe_kv("root_ino", "%lu", (unsigned long)st.st_ino);
    }
    if (!f) {
        probe_kv("mountinfo", "error:%s", errname(errno));
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        struct mountinfo_entry e;
        line[strcspn(line, "\n")] = '\0';
        if (mountinfo_parse_line(line, &e) < 0)
            continue;
        count++;
        if (strcmp(e.mount_point, "/") == 0)
            probe_kv("root_fstype", "%s", e.fstype);
        if (off < sizeof(points) - 300)
            off += (size_t)snprintf(points + off, sizeof(points) - off, "%s%s", off ? "," : "",
                                    e.mount_point);
    }
    fclose(f);
    probe_kv("mount_count", "%d", count);
    probe_kv("mount_points", "%s", points);
}

static int cmd_mounts(int argc, char **argv)
{
    report_mounts();
    if (has_flag(argc, argv, "--wait")) {
        wait_for_lab();
        report_mounts();
    }
    return 0;
}

static int cmd_mount_tmpfs(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: mount-tmpfs PATH\n"), 2;
    if (mkdir(argv[1], 0755) < 0 && errno != EEXIST)
        return fprintf(stderr, "mkdir %s: %s\n", argv[1], strerror(errno)), 3;
    if (mount("isoprobe", argv[1], "tmpfs", 0, "size=64k") < 0)
        return fprintf(stderr, "mount tmpfs %s: %s\n", argv[1], strerror(errno)), 3;
    probe_kv("mounted", "yes");
    wait_for_lab();
    return 0;
}

static const char *reach(const char *path)
{
    return access(path, F_OK) == 0 ? "reached" : "blocked";
}

/* Every way out we know of: /proc/1/root, any mount point that still
 * shows the lab's tree, and the classic chroot-in-a-subdir walk. */
static int cmd_escape(int argc, char **argv)
{
    char path[4096], line[4096];
    const char *marker;
    const char *via_mounts = "blocked";
    FILE *f;

    if (argc < 2 || argv[1][0] != '/')
        return fprintf(stderr, "usage: escape /ABSOLUTE/MARKER\n"), 2;
    marker = argv[1];
    probe_kv("escape_direct", "%s", reach(marker));
    snprintf(path, sizeof(path), "/proc/1/root%s", marker);
    probe_kv("escape_proc1", "%s", reach(path));
    f = fopen("/proc/self/mountinfo", "re");
    while (f && fgets(line, sizeof(line), f)) {
        struct mountinfo_entry e;
        line[strcspn(line, "\n")] = '\0';
        if (mountinfo_parse_line(line, &e) < 0 || strcmp(e.mount_point, "/") == 0)
            continue;
        snprintf(path, sizeof(path), "%s%s", e.mount_point, marker);
        if (access(path, F_OK) == 0) {
            via_mounts = "reached";
            probe_kv("escape_mount_point", "%s", e.mount_point);
        }
    }
    if (f)
        fclose(f);
    probe_kv("escape_mountinfo", "%s", via_mounts);
    fflush(stdout);
    /* last: it changes our root */
    mkdir("/tmp", 01777);
    if (mkdir("/tmp/.isoprobe-escape", 0700) < 0 && errno != EEXIST) {
        probe_kv("escape_chroot", "error:mkdir:%s", errname(errno));
        return 0;
    }
    if (chroot("/tmp/.isoprobe-escape") < 0) {
        probe_kv("escape_chroot", "blocked:chroot:%s", errname(errno));
        return 0;
    }
    for (int i = 0; i < 256; i++)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0) {
        probe_kv("escape_chroot", "blocked:chroot:%s", errname(errno));
        return 0;
    }
    probe_kv("escape_chroot", "%s", reach(marker));
    return 0;
}

/* A child forks a grandchild and exits; the grandchild reports who
 * adopted it. Judged by the adopter's identity, not by ppid == 1. */
static int cmd_orphan(int argc, char **argv)
{
    int pfd[2];
    pid_t child;
    char c;

    (void)argc, (void)argv;
    if (pipe(pfd) < 0)
        return 3;
    probe_kv("init_pid", "%d", getpid());
    report_link("init_pidns", "/proc/self/ns/pid");
    fflush(stdout);
    child = fork();
    if (child < 0)
        return 3;
    if (child == 0) {
        pid_t parent = getpid(); /* read before the fork: we may be gone first */
        pid_t gc = fork();
        if (gc == 0) {
            char path[64], nspid[128];
            close(pfd[0]);
            for (int i = 0; i < 2000 && getppid() == parent; i++)
                usleep(500);
            probe_kv("orphan_ppid", "%d", getppid());
            snprintf(path, sizeof(path), "/proc/%d/ns/pid", getppid());
            report_link("orphan_parent_pidns", path);
            status_field("/proc/self/status", "NSpid", nspid, sizeof(nspid));
            probe_kv("orphan_nspid", "%s", nspid);
            fflush(stdout);
            _exit(0);
        }
        _exit(gc < 0 ? 3 : 0);
    }
    close(pfd[1]);
    waitpid(child, NULL, 0);
    while (read(pfd[0], &c, 1) > 0) /* EOF once the grandchild is gone */
        ;
    while (waitpid(-1, NULL, WNOHANG) > 0) /* reap it if it became ours */
        ;
    return 0;
}

/* Signal PID 1 of our namespace from a child; report whether it lived. */
static int cmd_signal_init(int argc, char **argv)
{
    pid_t child;
    int status;

    (void)argc, (void)argv;
    probe_kv("self_pid", "%d", getpid());
    fflush(stdout);
    child = fork();
    if (child == 0) {
        probe_kv("sigterm_sent", "%s", kill(1, SIGTERM) == 0 ? "ok" : errname(errno));
        probe_kv("sigkill_sent", "%s", kill(1, SIGKILL) == 0 ? "ok" : errname(errno));
        usleep(20000);
        probe_kv("init_alive_after", "%s", kill(1, 0) == 0 ? "yes" : "no");
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, &status, 0);
    probe_kv("survived", "yes");
    wait_for_lab(); /* the lab now kills us with SIGKILL */
    probe_kv("lab_signal", "not received");
    return 0;
}

/* Start N children that sleep with stdio closed; exit when released. */
static int cmd_spawn(int argc, char **argv)
{
    int n = (int)num_arg(argc, argv, 1, 2, 0, 4096);

    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0) {
            int null = open("/dev/null", O_RDWR);
            for (int fd = 0; fd < 3; fd++)
                null >= 0 ? dup2(null, fd) : close(fd);
            sleep(30);
            _exit(0);
        }
        if (p < 0)
            return 3;
    }
    probe_kv("spawned", "%d", n);
    wait_for_lab();
    return 0;
}

/* ifaces=lo:down,eth0:up  addrs=eth0:198.18.1.2/24  addrs6=eth0:fd15:...:2/64 (no link-local) */
static void report_net(void)
{
    struct ifaddrs *ifs, *i;
    char ifaces[1024] = "", addrs[2][2048] = { "", "" };
    size_t io = 0, ao[2] = { 0, 0 };
    int v6 = 0;

    if (getifaddrs(&ifs) < 0) {
        probe_kv("ifaces", "error:%s", errname(errno));
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
    int count = (int)num_arg(argc, argv, 2, 3, 1, 1000);
    int timeout = (int)num_arg(argc, argv, 3, 100, 1, 60000);

    if (argc < 2)
        return fprintf(stderr, "usage: ping ADDR [COUNT] [TIMEOUT_MS] [--wait]\n"), 2;
    report_net();
    icmp_ping(argv[1], count, timeout, &r);
    probe_kv("sent", "%d", r.sent);
    probe_kv("received", "%d", r.received);
    probe_kv("rtt_ms", "%.3f", r.rtt_ms);
    if (r.err)
        probe_kv("ping_error", "%s:%s", r.what, errname(r.err));
    if (has_flag(argc, argv, "--wait"))
        wait_for_lab();
    return 0;
}

/* listen PORT: bind TCP on every address, report, wait for the lab */
static int cmd_listen(int argc, char **argv)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    int fd, one = 1;

    if (argc < 2)
        return fprintf(stderr, "usage: listen PORT\n"), 2;
    sa.sin_port = htons((unsigned short)num_arg(argc, argv, 1, 0, 0, 65535));
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fprintf(stderr, "socket: %s\n", strerror(errno)), 3;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
        probe_kv("bound", "%s", errname(errno));
    else
        probe_kv("bound", "ok");
    wait_for_lab();
    close(fd);
    return 0;
}

/* alloc BYTES [STEP] [--wait]: a worker touches memory page by page; every
 * STEP bytes its progress goes out in one write(2), so the last figure is in
 * the pipe even when the kernel kills it. The worker volunteers for the OOM
 * killer (oom_score_adj 1000); we report how it ended, then (--wait) stay
 * alive so the lab can read the container's cgroup. */
static int cmd_alloc(int argc, char **argv)
{
    unsigned long long bytes, step;
    long page = sysconf(_SC_PAGESIZE);
    pid_t worker;
    int status;

    if (argc < 2)
        return fprintf(stderr, "usage: alloc BYTES [STEP] [--wait]\n"), 2;
    bytes = strtoull(argv[1], NULL, 0);
    step = argc > 2 && argv[2][0] != '-' ? strtoull(argv[2], NULL, 0) : 1ull << 20;
    fflush(stdout);
    worker = fork();
    if (worker < 0)
        return fprintf(stderr, "fork: %s\n", strerror(errno)), 3;
    if (worker == 0) {
        unsigned long long touched = 0;
        char line[64];
        char *mem;
        int fd = open("/proc/self/oom_score_adj", O_WRONLY);
        if (fd >= 0) {
            (void)!write(fd, "1000", 4);
            close(fd);
        }
        mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            _exit(3);
        while (touched < bytes) {
            for (unsigned long long end = touched + step; touched < end && touched < bytes;
                 touched += (unsigned long long)page)
                mem[touched] = 1;
            unsigned long long shown = touched < bytes ? touched : bytes;
            int n = snprintf(line, sizeof(line), "touched=%llu\n", shown);
            (void)!write(1, line, (size_t)n);
        }
        _exit(0);
    }
    while (waitpid(worker, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status))
        probe_kv("worker_signal", "%d", WTERMSIG(status));
    else
        probe_kv("worker_exit", "%d", WEXITSTATUS(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        probe_kv("alloc", "done");
    if (has_flag(argc, argv, "--wait"))
        wait_for_lab();
    return 0;
}

/* fork N: fork until N children or an error; children wait for us to end. */
static int cmd_fork(int argc, char **argv)
{
    int n = (int)num_arg(argc, argv, 1, 8, 0, 1 << 20), forked = 0, hold[2];

    if (pipe(hold) < 0)
        return 3;
    for (; forked < n; forked++) {
        pid_t p = fork();
        if (p < 0) {
            probe_kv("fork_error", "%s", errname(errno));
            break;
        }
        if (p == 0) {
            char c;
            close(hold[1]);
            while (read(hold[0], &c, 1) > 0)
                ;
            _exit(0);
        }
    }
    probe_kv("forked", "%d", forked);
    fflush(stdout);
    close(hold[1]);
    while (wait(NULL) > 0)
        ;
    return 0;
}

/* spin MS: burn CPU for MS milliseconds of wall time */
static int cmd_spin(int argc, char **argv)
{
    struct timespec t0, t;
    long ms = num_arg(argc, argv, 1, 100, 0, 3600L * 1000), elapsed = 0;

    /* Reading the clock is the work: the loop never sleeps, so it is on the
     * CPU (and charged to the cgroup) for all of the MS. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (elapsed < ms) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        elapsed = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    }
    probe_kv("spun_ms", "%ld", elapsed);
    if (has_flag(argc, argv, "--wait"))
        wait_for_lab();
    return 0;
}

/* cgroup: our /proc/self/cgroup, one key per line: cg_memory=/path,
 * cg_unified=/path for the v2 "0::" line */
static int cmd_cgroup(int argc, char **argv)
{
    char line[1024];
    FILE *f = fopen("/proc/self/cgroup", "re");

    (void)argc, (void)argv;
    report_link("cgroupns", "/proc/self/ns/cgroup");
    while (f && fgets(line, sizeof(line), f)) {
        char *ctls = strchr(line, ':'), *path;
        if (!ctls || !(path = strchr(ctls + 1, ':')))
            continue;
        *path++ = '\0';
        path[strcspn(path, "\n")] = '\0';
        ctls++;
        if (!*ctls)
            probe_kv("cg_unified", "%s", path);
        for (char *tok = strtok(ctls, ","); tok; tok = strtok(NULL, ","))
            if (strncmp(tok, "name=", 5) != 0)
                printf("cg_%s=%s\n", tok, path);
    }
    if (f)
        fclose(f);
    return 0;
}

/* Families in files of their own. */
int probe_cmd_clocks(int argc, char **argv);
int probe_cmd_view(int argc, char **argv);
int probe_cmd_setns(int argc, char **argv);
int probe_cmd_nest_pid(int argc, char **argv);
int probe_cmd_nest_depth(int argc, char **argv);

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    { "pid", cmd_pid, "[--wait]  pid, ppid, NSpid, pid ns, processes in /proc" },
    { "hostname", cmd_hostname, "[NAME]  set NAME first, then report the hostname" },
    { "ipc", cmd_ipc, "check|create KEY MQNAME  SysV shm/msg/sem and POSIX mq" },
    { "ids", cmd_ids, "uid, gid, uid_map, gid_map, capability sets" },
    { "touch", cmd_touch, "PATH  create a file, report its owner" },
    { "stat", cmd_stat, "PATH  owner and identity of a file" },
    { "remap", cmd_remap, "try to write uid_map a second time" },
    { "mounts", cmd_mounts, "[--wait]  mount table summary and identity of /" },
    { "mount-tmpfs", cmd_mount_tmpfs, "PATH  mount a tmpfs, wait for the lab" },
    { "escape", cmd_escape, "MARKER  try to reach a file of the lab" },
    { "orphan", cmd_orphan, "report who adopts an orphaned grandchild" },
    { "signal-init", cmd_signal_init, "SIGTERM/SIGKILL pid 1 from inside" },
    { "spawn", cmd_spawn, "N  start N sleeping children, wait for the lab" },
    { "net", cmd_net, "interfaces and addresses" },
    { "ping", cmd_ping, "ADDR [COUNT] [TIMEOUT_MS] [--wait]  ICMP echo; reports sent, received" },
    { "listen", cmd_listen, "PORT  bind a TCP port, wait for the lab" },
    { "alloc", cmd_alloc, "BYTES [STEP] [--wait]  a worker touches memory; reports how it ended" },
    { "fork", cmd_fork, "N  fork up to N children; reports forked and fork_error" },
    { "spin", cmd_spin, "MS  busy-loop for MS milliseconds" },
    { "cgroup", cmd_cgroup, "the cgroup paths this process sees" },
    { "status", cmd_status, "[--wait]  capability sets, no_new_privs, seccomp mode, uid, gid" },
    { "cwd", cmd_cwd, "the working directory, and whether a walk up with .. stays inside" },
    { "exec", cmd_exec, "PATH [ARGS...]  exec PATH (a setuid copy of the probe)" },
    { "devices", cmd_devices, "[PATH]  device nodes in /dev, mknod, opening PATH" },
    { "fds", cmd_fds, "[--wait]  every descriptor beyond stdio: target, device, inode, inside?" },
    { "masked", cmd_masked, "PATH...  what reading each path gives" },
    { "readonly", cmd_readonly,
      "PATH...  whether a writable file at or below each opens for writing" },
    { "syscall", cmd_syscall, "NAME  call getpgid, getsid or getpriority; rc and errno" },
    { "write-root", cmd_write_root, "create a file in /; erofs, created or refused" },
    { "runtime-bin", cmd_runtime_bin,
      "MAJ:MIN:INO [--wait]  where that file is reachable, writable" },
    { "clocks", probe_cmd_clocks, "[--wait]  clocks and time namespace, own and a child's" },
    { "view", probe_cmd_view, "KEY MQNAME  hostname, pids, pid ns and IPC objects seen here" },
    { "setns", probe_cmd_setns, "FD...  try to join the namespace of each open FD" },
    { "nest-pid", probe_cmd_nest_pid, "a PID namespace inside ours with two processes; waits" },
    { "nest-depth", probe_cmd_nest_depth, "user|pid  nest namespaces until the kernel refuses" },
};

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    int rc;

    base = base ? base + 1 : argv[0];
    if (strcmp(base, "isoprobe") == 0) { /* isoprobe CMD ARGS, or called as CMD */
        argc--, argv++;
        base = argc > 0 ? argv[0] : "";
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, base) != 0)
            continue;
        rc = commands[i].fn(argc, argv);
        fflush(stdout);
        return rc;
    }
    fprintf(stderr, "usage: isoprobe COMMAND [ARGS]\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(stderr, "  %-12s %s\n", commands[i].name, commands[i].help);
    return 2;
}
