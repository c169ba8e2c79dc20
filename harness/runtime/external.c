/* runtime_ext.c - drivers for external runtimes: unshare(1), bwrap, crun,
 * runc. The runtime does the isolating; isocheck asks in the runtime's own
 * terms (rt_cmd.c) and runs it with the probe's stdio. A prepared network
 * namespace is entered before exec (unshare, bwrap) or named by path in
 * config.json (OCI), as CNI does. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case.h"
#include "config.h"
#include "rt_cmd.h"
#include "runtime.h"

enum kind { RT_UNSHARE, RT_BWRAP, RT_CRUN, RT_RUNC };

struct ext {
    const char *name;
    enum kind kind;
    char path[PATH_MAX]; /* --runtime-path, else found in PATH */
};

static struct ext exts[] = {
    { "unshare", RT_UNSHARE, "" },
    { "bwrap", RT_BWRAP, "" },
    { "crun", RT_CRUN, "" },
    { "runc", RT_RUNC, "" },
};

static const struct iso_config *config;

void rt_configure(const struct iso_config *cfg) { config = cfg; }

static struct ext *ext_of(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(exts); i++)
        if (strcmp(exts[i].name, name) == 0)
            return &exts[i];
    return NULL;
}

int rt_set_path(const char *name, const char *path, char *why, size_t len)
{
    errno = 0;
    struct ext *e = ext_of(name);

    if (!e) {
        snprintf(why, len, "'%s' is not an external runtime (unshare, bwrap, crun, runc)", name);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
        snprintf(why, len, "'%s' is not executable: %s", path,
                 errno ? strerror(errno) : "not a regular file");
        return -1;
    }
    strlcpy0(e->path, path, sizeof(e->path));
    return 0;
}

static bool find_bin(struct ext *e, char *why, size_t len)
{
    const char *envpath = getenv("PATH");
    char dirs[4096], *dir, *save = NULL;

    if (e->path[0])
        return access(e->path, X_OK) == 0;
    strlcpy0(dirs, envpath ? envpath : "/usr/sbin:/usr/bin:/sbin:/bin", sizeof(dirs));
    for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", dir, e->name);
        if (access(p, X_OK) == 0) {
            strlcpy0(e->path, p, sizeof(e->path));
            return true;
        }
    }
    snprintf(why, len, "%s not found in PATH (install it, or give --runtime-path %s=PATH)", e->name,
             e->name);
    return false;
}

const char *rt_binary(const char *name)
{
    struct ext *e = ext_of(name);
    char why[256];
    return e && find_bin(e, why, sizeof(why)) ? e->path : NULL;
}

/* Always a cgroupsPath for OCI runtimes: without one they make the
 * container's cgroup at the root of every hierarchy, outside the harness's
 * own cgroup. */
static const char *oci_cgroups_path(const struct iso_spec *s, char *buf, size_t size, char *why,
                                    size_t len)
{
    unsigned need = cg_needed(&s->lim);

    if (need && !cg_usable(&config->cg, need, why, len))
        return NULL;
    return cg_oci_path(&config->cg, s->id, buf, size, why, len);
}

static bool ext_supports_kind(enum kind k, const struct iso_spec *s, char *why, size_t len)
{
    static char *const probe[] = { "isoprobe", "pid", NULL };
    struct rt_argv a;
    char cgpath[PATH_MAX];
    char *json;

    switch (k) {
    case RT_UNSHARE: return rt_unshare_argv(s, "unshare", probe, &a, why, len) == 0;
    case RT_BWRAP: return rt_bwrap_argv(s, "bwrap", probe, &a, why, len) == 0;
    default:
        if (!oci_cgroups_path(s, cgpath, sizeof(cgpath), why, len)) {
            char tmp[256];
            snprintf(tmp, sizeof(tmp), "no cgroup path for the container: %s", why);
            snprintf(why, len, "%s", tmp);
            return false;
        }
        json = rt_oci_config(s, probe, NULL, cgpath, why, len);
        free(json);
        return json != NULL;
    }
}

/* crun 1.8 refuses a cgroup v1 host while any controller sits on the
 * cgroup2 mount ("hybrid mode not supported"): in its own mount namespace
 * that mount is hidden. The lab's comment line says so. */
static void hide_unified(void)
{
    struct stat st;
    if (stat("/sys/fs/cgroup/unified", &st) == 0 && unshare(CLONE_NEWNS) == 0) {
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
        umount2("/sys/fs/cgroup/unified", MNT_DETACH);
    }
}

static __attribute__((noreturn)) void exec_child(const struct ext *e, const struct iso_spec *s,
                                                 char *const argv[], const int stdio[3], int status_fd)
{
    struct rt_setup_error m = { 0, "" };

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (int i = 0; i < 3; i++)
        dup2(stdio[i], i);
    if (s->join_netns_fd >= 0 && e->kind != RT_CRUN && e->kind != RT_RUNC &&
        setns(s->join_netns_fd, CLONE_NEWNET) < 0) {
        m.errnum = errno;
        snprintf(m.msg, sizeof(m.msg), "setns into the prepared network namespace: %s", strerror(errno));
        (void)!write(status_fd, &m, sizeof(m));
        _exit(127);
    }
    if (e->kind == RT_CRUN && config->cg.version == 1)
        hide_unified();
    execv(e->path, argv);
    m.errnum = errno;
    snprintf(m.msg, sizeof(m.msg), "exec \"%s\": %s", e->path, strerror(errno));
    (void)!write(status_fd, &m, sizeof(m));
    _exit(127);
}

/* OCI: config.json in a bundle directory, the network namespace bound to
 * a file so the runtime can open it by path whenever it likes. */
static int oci_argv(const struct ext *e, const struct iso_spec *s, char *const probe_argv[],
                    struct rt_argv *a, struct iso_err *err)
{
    char bundle[PATH_MAX], file[PATH_MAX + 16], state[PATH_MAX], netns[PATH_MAX + 16], src[64];
    char cgpath[PATH_MAX], why[256] = "";
    const char *cgp = NULL;
    char *json;
    int fd;

    snprintf(bundle, sizeof(bundle), "%s/bundle-%s", s->workdir, s->id);
    snprintf(state, sizeof(state), "%s/state-%s", s->workdir, e->name);
    if (mkdir(bundle, 0755) < 0 && errno != EEXIST)
        return iso_err_set(err, errno, "mkdir \"%s\"", bundle);
    mkdir(state, 0700);
    if (s->join_netns_fd >= 0) {
        snprintf(netns, sizeof(netns), "%s/netns", bundle);
        fd = open(netns, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
        snprintf(src, sizeof(src), "/proc/self/fd/%d", s->join_netns_fd);
        if (mount(src, netns, NULL, MS_BIND, NULL) < 0)
            return iso_err_set(err, errno, "bind the network namespace to \"%s\"", netns);
    }
    if (!(cgp = oci_cgroups_path(s, cgpath, sizeof(cgpath), why, sizeof(why))))
        return iso_err_set(err, 0, "%s", why);
    json = rt_oci_config(s, probe_argv, s->join_netns_fd >= 0 ? netns : NULL, cgp, why, sizeof(why));
    if (!json)
        return iso_err_set(err, 0, "config.json: %s", why);
    snprintf(file, sizeof(file), "%s/config.json", bundle);
    fd = open(file, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, json, strlen(json)) < 0) {
        free(json);
        if (fd >= 0)
            close(fd);
        return iso_err_set(err, errno, "write \"%s\"", file);
    }
    close(fd);
    free(json);
    memset(a, 0, sizeof(*a));
    a->argv[a->argc++] = (char *)e->path;
    a->argv[a->argc++] = "--root";
    a->argv[a->argc++] = strcpy(a->buf, state);
    a->used = strlen(state) + 1;
    a->argv[a->argc++] = "run";
    a->argv[a->argc++] = "--bundle";
    a->argv[a->argc++] = strcpy(a->buf + a->used, bundle);
    a->used += strlen(bundle) + 1;
    a->argv[a->argc++] = (char *)s->id;
    a->argv[a->argc] = NULL;
    return 0;
}

static int ext_spawn(struct ext *e, const struct iso_spec *s, char *const argv[], const int stdio[3],
                     pid_t *out_pid, int *status_fd, struct iso_err *err)
{
    struct rt_argv a;
    char why[256] = "";
    int sp[2], rc = 0;
    pid_t pid;

    if (!find_bin(e, why, sizeof(why)))
        return iso_err_set(err, 0, "%s", why);
    switch (e->kind) {
    case RT_UNSHARE: rc = rt_unshare_argv(s, e->path, argv, &a, why, sizeof(why)); break;
    case RT_BWRAP: rc = rt_bwrap_argv(s, e->path, argv, &a, why, sizeof(why)); break;
    default: rc = oci_argv(e, s, argv, &a, err); break;
    }
    if (rc == ISO_RT_UNSUPPORTED || (rc < 0 && why[0]))
        return iso_err_set(err, 0, "%s", why);
    if (rc < 0)
        return -1;
    if (pipe2(sp, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "pipe");
    pid = fork();
    if (pid < 0) {
        close(sp[0]), close(sp[1]);
        return iso_err_set(err, errno, "fork");
    }
    if (pid == 0) {
        close(sp[0]);
        exec_child(e, s, a.argv, stdio, sp[1]);
    }
    close(sp[1]);
    *status_fd = sp[0];
    *out_pid = pid;
    return 0;
}

/* After a case was killed: "RUNTIME --root STATE delete -f ID" for every
 * container an OCI runtime still has in that case's state directory. */
static void oci_cleanup(struct ext *e, const char *workdir)
{
    char state[PATH_MAX], why[256];
    struct dirent *d;
    DIR *dir;

    if ((e->kind != RT_CRUN && e->kind != RT_RUNC) || !find_bin(e, why, sizeof(why)))
        return;
    snprintf(state, sizeof(state), "%s/state-%s", workdir, e->name);
    dir = opendir(state);
    while (dir && (d = readdir(dir))) {
        pid_t pid;
        if (d->d_name[0] == '.' || d->d_type != DT_DIR)
            continue;
        pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_RDWR);
            dup2(null, 1), dup2(null, 2);
            if (e->kind == RT_CRUN && config->cg.version == 1)
                hide_unified();
            execl(e->path, e->path, "--root", state, "delete", "-f", d->d_name, (char *)NULL);
            _exit(127);
        }
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
    if (dir)
        closedir(dir);
}

void rt_cleanup(const struct iso_runtime *rt, const char *workdir)
{
    struct ext *e = rt->external ? ext_of(rt->name) : NULL;
    if (e)
        oci_cleanup(e, workdir);
}

#define DRIVER(var, idx)                                                                       \
    static bool var##_available(char *why, size_t len) { return find_bin(&exts[idx], why, len); } \
    static bool var##_supports(const struct iso_spec *s, char *why, size_t len)                \
    {                                                                                         \
        return ext_supports_kind(exts[idx].kind, s, why, len);                                \
    }                                                                                         \
    static int var##_spawn(const struct iso_spec *s, char *const argv[], const int stdio[3],  \
                           pid_t *pid, int *status_fd, struct iso_err *err)                   \
    {                                                                                         \
        return ext_spawn(&exts[idx], s, argv, stdio, pid, status_fd, err);                    \
    }                                                                                         \
    const struct iso_runtime rt_##var = { #var, var##_available, var##_supports, var##_spawn, \
                                          true, false }

DRIVER(unshare, 0);
DRIVER(bwrap, 1);
DRIVER(crun, 2);
DRIVER(runc, 3);
