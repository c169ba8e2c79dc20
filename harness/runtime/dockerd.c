/* dockerd.c - the Docker daemon of a run (dockerd.h).
 *
 * The runner, the lab's PID 1, starts it before the docker block and stops
 * it after the last block. It lives in the lab's PID and mount namespaces:
 * its state (--data-root, --exec-root, containerd's, /run/docker/plugins,
 * the trust key) is on the lab's tmpfs, and a run killed with SIGKILL takes
 * the daemon, containerd, the shims and every container with its PID
 * namespace. It gets a network namespace of its own, so that nothing it
 * does to links or netfilter reaches the host's (it is told to do nothing:
 * no bridge, no iptables, no masquerade). Its containers' cgroups are below
 * the run's parent, which the run (or its watchdog) removes. */
#define _GNU_SOURCE
#include "dockerd.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* The run's daemons: the plain one, and the one that remaps every
 * container's root (it runs in a mount namespace of its own where
 * /etc/subuid and /etc/subgid name that one range for root). */
struct daemon {
    const char *dir, *sock;
    bool remap;
    pid_t pid;
    char why[512]; /* why it is not serving, "" when it is */
};
static struct daemon daemons[2] = {
    { DOCKERD_DIR, DOCKERD_SOCK, false, -1, "not started" },
    { DOCKERD_USERNS_DIR, DOCKERD_USERNS_SOCK, true, -1, "not started" },
};

const char *dockerd_binary(char *why, size_t len)
{
    static char path[PATH_MAX];
    const char *env = getenv("ISOCHECK_DOCKERD"), *p = getenv("PATH");
    char dirs[4096], *dir, *save = NULL;

    if (env && env[0]) {
        if (access(env, X_OK) == 0)
            return env;
        snprintf(why, len, "ISOCHECK_DOCKERD=%s is not executable", env);
        return NULL;
    }
    strlcpy0(dirs, p ? p : "/usr/sbin:/usr/bin:/sbin:/bin", sizeof(dirs));
    for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        snprintf(path, sizeof(path), "%s/dockerd", dir);
        if (access(path, X_OK) == 0)
            return path;
    }
    snprintf(why, len, "dockerd not found in PATH (install docker.io, or give ISOCHECK_DOCKERD)");
    return NULL;
}

int dockerd_run(char *const argv[], char *out, size_t size, double timeout_ms)
{
    double deadline = now_ms() + timeout_ms;
    char scratch[512];
    size_t len = 0;
    int p[2], status = -1;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    for (;;) {
        struct pollfd pf = { p[0], POLLIN, 0 };
        double left = deadline - now_ms();
        ssize_t n;
        if (pid < 0 || left <= 0 || poll(&pf, 1, (int)left) <= 0)
            break;
        if (out && len < size - 1)
            n = read(p[0], out + len, size - 1 - len);
        else
            n = read(p[0], scratch, sizeof(scratch));
        if (n <= 0)
            break;
        if (out && len < size - 1)
            len += (size_t)n;
    }
    close(p[0]);
    if (out && size)
        out[len] = '\0';
    if (pid < 0)
        return -1;
    if (now_ms() >= deadline)
        kill(pid, SIGKILL);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

void dockerd_version(char *out, size_t size)
{
    char why[256], text[512] = "";
    const char *bin = dockerd_binary(why, sizeof(why));
    char *argv[] = { (char *)bin, "--version", NULL };

    out[0] = '\0';
    if (!bin || dockerd_run(argv, text, sizeof(text), 3000) != 0)
        return;
    /* "Docker version 20.10.24+dfsg1, build 5d6db84" */
    for (char *c = strstr(text, "version "); c; c = NULL) {
        c += strlen("version ");
        snprintf(out, size, "%.*s", (int)strspn(c, "0123456789."), c);
    }
}

/* GET /_ping on the daemon's socket answers "OK" once it serves. */
static bool pings(const struct daemon *d)
{
    static const char req[] = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct timeval tv = { 1, 0 };
    char buf[512];
    size_t len = 0;
    ssize_t n;
    autoclose int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", d->dir);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return false;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (write_all(fd, req, sizeof(req) - 1) < 0)
        return false;
    while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    return strncmp(buf, "HTTP/1.", 7) == 0 && strstr(buf, " 200 ") && strstr(buf, "\r\n\r\nOK");
}

static int write_text(const char *path, const char *text)
{
    autoclose int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return fd < 0 ? -1 : write_all(fd, text, strlen(text));
}

/* The end of a daemon's log, for the block's diagnostics. */
static void log_tail(const struct daemon *d, char *log, size_t loglen)
{
    char text[16384], path[PATH_MAX];
    ssize_t n;
    const char *from = text;

    if (!loglen)
        return;
    log[0] = '\0';
    snprintf(path, sizeof(path), "%s/log", d->dir);
    n = read_file(path, text, sizeof(text));
    if (n <= 0)
        return;
    if ((size_t)n > loglen - 1) {
        from = text + n - (loglen - 1);
        from = strchr(from, '\n') ? strchr(from, '\n') + 1 : from;
    }
    strlcpy0(log, from, loglen);
}

/* The remapped daemon's /etc/subuid and /etc/subgid: one range for the
 * user it remaps to (dockerd reads the ranges of that name),
 * bound over the host's files in its own mount namespace. */
static int private_subids(const struct daemon *d)
{
    char file[PATH_MAX], text[64];

    snprintf(file, sizeof(file), "%s/subids", d->dir);
    snprintf(text, sizeof(text), "nobody:%u:%u\nnogroup:%u:%u\n", DOCKERD_REMAP_OUTER,
             DOCKERD_REMAP_COUNT, DOCKERD_REMAP_OUTER, DOCKERD_REMAP_COUNT);
    if (write_text(file, text) < 0 || chmod(file, 0644) < 0 || unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount(file, "/etc/subuid", NULL, MS_BIND, NULL) < 0 ||
        mount(file, "/etc/subgid", NULL, MS_BIND, NULL) < 0)
        return -1;
    return 0;
}

static __attribute__((noreturn)) void exec_daemon(const struct daemon *d, const char *bin,
                                                  const char *cgroup_parent)
{
    char conf[PATH_MAX], data[PATH_MAX], exec[PATH_MAX], pidf[PATH_MAX], logf[PATH_MAX];
    char parent[PATH_MAX + 32];
    char *argv[32] = { (char *)bin,
                       "--config-file",
                       conf,
                       "--data-root",
                       data,
                       "--exec-root",
                       exec,
                       "--pidfile",
                       pidf,
                       "-H",
                       (char *)d->sock,
                       "--iptables=false",
                       "--ip6tables=false",
                       "--ip-masq=false",
                       "--bridge=none",
                       "--userland-proxy=false",
                       "--exec-opt",
                       "native.cgroupdriver=cgroupfs",
                       "--shutdown-timeout",
                       "2",
                       NULL };
    int n = 20, fd, null = open("/dev/null", O_RDONLY);

    snprintf(conf, sizeof(conf), "%s/daemon.json", d->dir);
    snprintf(data, sizeof(data), "%s/data", d->dir);
    snprintf(exec, sizeof(exec), "%s/exec", d->dir);
    snprintf(pidf, sizeof(pidf), "%s/pid", d->dir);
    snprintf(logf, sizeof(logf), "%s/log", d->dir);
    if (cgroup_parent) {
        snprintf(parent, sizeof(parent), "--cgroup-parent=%s", cgroup_parent);
        argv[n++] = parent;
    }
    if (d->remap)
        argv[n++] = "--userns-remap=nobody:nogroup"; /* "root" means no remapping */
    argv[n] = NULL;
    fd = open(logf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setpgid(0, 0);
    dup2(null, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    /* a network namespace of its own: the host's is never touched */
    if (unshare(CLONE_NEWNET) < 0) {
        dprintf(2, "isocheck: unshare a network namespace for dockerd: %s\n", strerror(errno));
        _exit(127);
    }
    if (d->remap && private_subids(d) < 0) {
        dprintf(2, "isocheck: a private /etc/subuid and /etc/subgid for dockerd: %s\n",
                strerror(errno));
        _exit(127);
    }
    execv(bin, argv);
    dprintf(2, "isocheck: exec \"%s\": %s\n", bin, strerror(errno));
    _exit(127);
}

/* The rootfs and the probe as one image, imported once per daemon. */
static int import_image(const struct daemon *d, const char *client, const char *rootfs,
                        const char *probe, char *why, size_t len)
{
    char dir[PATH_MAX], out[1024] = "", exclude[PATH_MAX], tarf[PATH_MAX];
    const char *slash = strrchr(probe, '/');
    char *tar[] = { "/usr/bin/tar",
                    "-cf",
                    tarf,
                    exclude,
                    "-C",
                    (char *)rootfs,
                    ".",
                    "-C",
                    dir,
                    (char *)(slash ? slash + 1 : probe),
                    NULL };
    static const char config[] = DOCKERD_CLIENT_DIR, image[] = DOCKERD_IMAGE;
    char *import[] = { (char *)client, "--config", (char *)config, "-H", (char *)d->sock,
                       "import",       tarf,       (char *)image,  NULL };
    int rc;

    snprintf(tarf, sizeof(tarf), "%s/image.tar", d->dir);
    /* the rootfs may hold a probe of its own: the run's replaces it */
    snprintf(exclude, sizeof(exclude), "--exclude=./%s", slash ? slash + 1 : probe);
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - probe) : 1, slash ? probe : ".");
    if (access(tar[0], X_OK) < 0)
        tar[0] = "/bin/tar";
    rc = dockerd_run(tar, out, sizeof(out), 30000);
    if (rc != 0) {
        snprintf(why, len, "tar of the rootfs \"%s\" failed (%d): %s", rootfs, rc, out);
        return -1;
    }
    rc = dockerd_run(import, out, sizeof(out), 60000);
    unlink(tarf);
    if (rc != 0) {
        snprintf(why, len, "%s import failed (%d): %s", client, rc, out);
        return -1;
    }
    return 0;
}

static double timeout_ms(void)
{
    const char *t = getenv("ISOCHECK_DOCKERD_TIMEOUT");
    double s = t ? strtod(t, NULL) : 0;
    return (s > 0 ? s : 30) * 1000;
}

static void stop_one(struct daemon *d)
{
    const struct timespec tick = { 0, 20000000L };
    double deadline = now_ms() + 10000;

    if (d->pid <= 0)
        return;
    kill(d->pid, SIGTERM);
    while (waitpid(d->pid, NULL, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            kill(-d->pid, SIGKILL);
            kill(d->pid, SIGKILL);
            waitpid(d->pid, NULL, 0);
            break;
        }
        nanosleep(&tick, NULL);
    }
    /* containerd, if it outlived it: the daemon's process group */
    kill(-d->pid, SIGKILL);
    d->pid = -1;
}

/* Fork the daemon; -1 with d->why. */
static int launch(struct daemon *d, const char *bin, const char *cgroup_parent)
{
    char path[PATH_MAX], text[PATH_MAX + 64];

    snprintf(text, sizeof(text), "{ \"deprecated-key-path\": \"%s/key.json\" }\n", d->dir);
    snprintf(path, sizeof(path), "%s/daemon.json", d->dir);
    /* the trust key 20.10 would write to /etc/docker/key.json is ours */
    if ((mkdir(d->dir, 0711) < 0 && errno != EEXIST) || write_text(path, text) < 0) {
        snprintf(d->why, sizeof(d->why), "prepare \"%s\": %s", d->dir, strerror(errno));
        return -1;
    }
    d->pid = fork();
    if (d->pid < 0) {
        snprintf(d->why, sizeof(d->why), "fork: %s", strerror(errno));
        return -1;
    }
    if (d->pid == 0)
        exec_daemon(d, bin, cgroup_parent);
    return 0;
}

/* Wait until the daemon answers, then import the image; -1 with d->why
 * (the daemon stopped). */
static int serve(struct daemon *d, const char *bin, double t0, const char *client,
                 const char *rootfs, const char *probe)
{
    const struct timespec tick = { 0, 20000000L };
    double deadline = t0 + timeout_ms();
    int status;

    if (d->pid <= 0)
        return -1;
    while (!pings(d)) {
        if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
            d->pid = -1;
            snprintf(d->why, sizeof(d->why), "%s exited (status 0x%x) before it answered on %s",
                     bin, status, d->sock);
            return -1;
        }
        if (now_ms() > deadline) {
            snprintf(d->why, sizeof(d->why), "%s did not answer on %s within %.0f s", bin, d->sock,
                     (deadline - t0) / 1000);
            stop_one(d);
            return -1;
        }
        nanosleep(&tick, NULL);
    }
    if (import_image(d, client, rootfs, probe, d->why, sizeof(d->why)) < 0) {
        stop_one(d);
        return -1;
    }
    d->why[0] = '\0';
    return 0;
}

int dockerd_start(const char *client, const char *rootfs, const char *probe,
                  const char *cgroup_parent, char *why, size_t len, char *log, size_t loglen,
                  char *said, size_t saidlen)
{
    struct daemon *plain = &daemons[0], *remap = &daemons[1];
    double t0 = now_ms(), up;
    const char *bin = dockerd_binary(why, len);
    char version[32];

    log[0] = '\0';
    if (!bin)
        return -1;
    if ((mkdir(DOCKERD_DIR, 0711) < 0 && errno != EEXIST) ||
        (mkdir(DOCKERD_CLIENT_DIR, 0700) < 0 && errno != EEXIST) ||
        write_text(DOCKERD_CLIENT_DIR "/config.json", "{}\n") < 0) {
        snprintf(why, len, "prepare \"%s\": %s", DOCKERD_CLIENT_DIR, strerror(errno));
        return -1;
    }
    /* both at once: the second comes up while the first imports */
    if (launch(plain, bin, cgroup_parent) < 0) {
        snprintf(why, len, "%s", plain->why);
        return -1;
    }
    launch(remap, bin, cgroup_parent);
    if (serve(plain, bin, t0, client, rootfs, probe) < 0) {
        snprintf(why, len, "%s", plain->why);
        log_tail(plain, log, loglen);
        stop_one(remap);
        return -1;
    }
    up = now_ms() - t0;
    if (serve(remap, bin, t0, client, rootfs, probe) < 0) {
        char tail[512];
        log_tail(remap, tail, sizeof(tail));
        snprintf(remap->why + strlen(remap->why), sizeof(remap->why) - strlen(remap->why),
                 "; its log ends: %s", tail);
    }
    dockerd_version(version, sizeof(version));
    snprintf(said, saidlen,
             "docker: dockerd %s at %s answered and took the image in %.2f s (with "
             "--userns-remap: %s); client %s; state in %s",
             version[0] ? version : "(version unknown)", bin, up / 1000,
             remap->why[0] ? "did not start" : "up", client, DOCKERD_DIR);
    return 0;
}

const char *dockerd_userns_why(void) { return daemons[1].why; }

void dockerd_stop(void)
{
    for (size_t i = 0; i < ARRAY_LEN(daemons); i++)
        stop_one(&daemons[i]);
}
