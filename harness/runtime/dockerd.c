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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static pid_t daemon_pid = -1;

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

/* Run argv with stdout and stderr into out (may be NULL), at most
 * timeout_ms; returns its exit status, -1 when it did not finish. */
static int run_capture(char *const argv[], char *out, size_t size, double timeout_ms)
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
    if (!bin || run_capture(argv, text, sizeof(text), 3000) != 0)
        return;
    /* "Docker version 20.10.24+dfsg1, build 5d6db84" */
    for (char *c = strstr(text, "version "); c; c = NULL) {
        c += strlen("version ");
        snprintf(out, size, "%.*s", (int)strspn(c, "0123456789."), c);
    }
}

/* GET /_ping on the daemon's socket answers "OK" once it serves. */
static bool pings(void)
{
    static const char req[] = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct timeval tv = { 1, 0 };
    char buf[512];
    size_t len = 0;
    ssize_t n;
    autoclose int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    strlcpy0(sa.sun_path, DOCKERD_DIR "/sock", sizeof(sa.sun_path));
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

/* The end of the daemon's log, for the block's diagnostics. */
static void log_tail(char *log, size_t loglen)
{
    char text[16384];
    ssize_t n = read_file(DOCKERD_DIR "/log", text, sizeof(text));
    const char *from = text;

    if (!loglen)
        return;
    log[0] = '\0';
    if (n <= 0)
        return;
    if ((size_t)n > loglen - 1) {
        from = text + n - (loglen - 1);
        from = strchr(from, '\n') ? strchr(from, '\n') + 1 : from;
    }
    strlcpy0(log, from, loglen);
}

static __attribute__((noreturn)) void exec_daemon(const char *bin, const char *cgroup_parent)
{
    char parent[PATH_MAX + 32];
    char *argv[] = { (char *)bin,
                     "--config-file",
                     DOCKERD_DIR "/daemon.json",
                     "--data-root",
                     DOCKERD_DIR "/data",
                     "--exec-root",
                     DOCKERD_DIR "/exec",
                     "--pidfile",
                     DOCKERD_DIR "/pid",
                     "-H",
                     DOCKERD_SOCK,
                     "--iptables=false",
                     "--ip6tables=false",
                     "--ip-masq=false",
                     "--bridge=none",
                     "--userland-proxy=false",
                     "--exec-opt",
                     "native.cgroupdriver=cgroupfs",
                     "--shutdown-timeout",
                     "2",
                     cgroup_parent ? "--cgroup-parent" : NULL,
                     parent,
                     NULL };
    int fd = open(DOCKERD_DIR "/log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int null = open("/dev/null", O_RDONLY);

    snprintf(parent, sizeof(parent), "%s", cgroup_parent ? cgroup_parent : "");
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
    execv(bin, argv);
    dprintf(2, "isocheck: exec \"%s\": %s\n", bin, strerror(errno));
    _exit(127);
}

/* The rootfs and the probe as one image, imported once. */
static int import_image(const char *client, const char *rootfs, const char *probe, char *why,
                        size_t len)
{
    char dir[PATH_MAX], out[1024] = "";
    const char *slash = strrchr(probe, '/');
    char exclude[PATH_MAX];
    char *tar[] = { "/usr/bin/tar",
                    "-cf",
                    DOCKERD_DIR "/image.tar",
                    exclude,
                    "-C",
                    (char *)rootfs,
                    ".",
                    "-C",
                    dir,
                    (char *)(slash ? slash + 1 : probe),
                    NULL };
    char *import[] = { (char *)client,
                       "--config",
                       DOCKERD_CLIENT_DIR,
                       "-H",
                       DOCKERD_SOCK,
                       "import",
                       DOCKERD_DIR "/image.tar",
                       DOCKERD_IMAGE,
                       NULL };
    int rc;

    /* the rootfs may hold a probe of its own: the run's replaces it */
    snprintf(exclude, sizeof(exclude), "--exclude=./%s", slash ? slash + 1 : probe);
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - probe) : 1, slash ? probe : ".");
    if (access(tar[0], X_OK) < 0)
        tar[0] = "/bin/tar";
    rc = run_capture(tar, out, sizeof(out), 30000);
    if (rc != 0) {
        snprintf(why, len, "tar of the rootfs \"%s\" failed (%d): %s", rootfs, rc, out);
        return -1;
    }
    rc = run_capture(import, out, sizeof(out), 60000);
    unlink(DOCKERD_DIR "/image.tar");
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

int dockerd_start(const char *client, const char *rootfs, const char *probe,
                  const char *cgroup_parent, char *why, size_t len, char *log, size_t loglen,
                  char *said, size_t saidlen)
{
    const struct timespec tick = { 0, 20 * 1000000 };
    double t0 = now_ms(), deadline = t0 + timeout_ms(), up;
    const char *bin = dockerd_binary(why, len);
    char version[32];
    int status;

    log[0] = '\0';
    if (!bin)
        return -1;
    if ((mkdir(DOCKERD_DIR, 0700) < 0 && errno != EEXIST) ||
        (mkdir(DOCKERD_CLIENT_DIR, 0700) < 0 && errno != EEXIST) ||
        /* the trust key 20.10 would write to /etc/docker/key.json */
        write_text(DOCKERD_DIR "/daemon.json",
                   "{ \"deprecated-key-path\": \"" DOCKERD_DIR "/key.json\" }\n") < 0 ||
        write_text(DOCKERD_CLIENT_DIR "/config.json", "{}\n") < 0) {
        snprintf(why, len, "prepare \"%s\": %s", DOCKERD_DIR, strerror(errno));
        return -1;
    }
    daemon_pid = fork();
    if (daemon_pid < 0) {
        snprintf(why, len, "fork: %s", strerror(errno));
        return -1;
    }
    if (daemon_pid == 0)
        exec_daemon(bin, cgroup_parent);
    while (!pings()) {
        if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
            daemon_pid = -1;
            snprintf(why, len, "%s exited (status 0x%x) before it answered on %s", bin, status,
                     DOCKERD_SOCK);
            log_tail(log, loglen);
            return -1;
        }
        if (now_ms() > deadline) {
            snprintf(why, len, "%s did not answer on %s within %.0f s", bin, DOCKERD_SOCK,
                     (deadline - t0) / 1000);
            dockerd_stop();
            log_tail(log, loglen);
            return -1;
        }
        nanosleep(&tick, NULL);
    }
    up = now_ms() - t0;
    if (import_image(client, rootfs, probe, why, len) < 0) {
        dockerd_stop();
        log_tail(log, loglen);
        return -1;
    }
    dockerd_version(version, sizeof(version));
    snprintf(said, saidlen,
             "docker: dockerd %s at %s answered in %.2f s, image imported in %.2f s; client %s; "
             "state in %s",
             version[0] ? version : "(version unknown)", bin, up / 1000,
             (now_ms() - t0 - up) / 1000, client, DOCKERD_DIR);
    return 0;
}

void dockerd_stop(void)
{
    const struct timespec tick = { 0, 20 * 1000000 };
    double deadline = now_ms() + 10000;

    if (daemon_pid <= 0)
        return;
    kill(daemon_pid, SIGTERM);
    while (waitpid(daemon_pid, NULL, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            kill(-daemon_pid, SIGKILL);
            kill(daemon_pid, SIGKILL);
            waitpid(daemon_pid, NULL, 0);
            break;
        }
        nanosleep(&tick, NULL);
    }
    /* containerd and the shims it leaves, if any: its process group */
    kill(-daemon_pid, SIGKILL);
    daemon_pid = -1;
}
