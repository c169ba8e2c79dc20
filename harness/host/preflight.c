/* preflight.c - the host's facts as lines (see preflight.h). */
#define _GNU_SOURCE
#include "preflight.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgfile.h"
#include "runtime.h"
#include "util.h"

/* sudo's secure_path in Debian's and Ubuntu's stock /etc/sudoers */
#define DEBIAN_SECURE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void emitf(preflight_emit emit, void *arg, const char *fmt, ...) ISO_PRINTF(3, 4);
static void emitf(preflight_emit emit, void *arg, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    emit(arg, line);
}

/* --- parsers --- */

/* The value of KEY= in an os-release text, unquoted, into out. */
static int os_value(const char *text, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key), o = 0;

    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *v = l + klen + 1;
        char quote = 0;
        if (strncmp(l, key, klen) != 0 || l[klen] != '=')
            continue;
        if (*v == '"' || *v == '\'')
            quote = *v++;
        for (; *v && *v != '\n' && *v != quote && o + 1 < size; v++) {
            if (*v == '\\' && quote == '"' && v[1] && v[1] != '\n')
                v++;
            out[o++] = *v;
        }
        out[o] = '\0';
        return o ? 0 : -1;
    }
    return -1;
}

int preflight_os_name(const char *text, char *out, size_t size)
{
    char name[128], version[64];

    if (os_value(text, "PRETTY_NAME", out, size) == 0)
        return 0;
    if (os_value(text, "NAME", name, sizeof(name)) < 0)
        return -1;
    if (os_value(text, "VERSION_ID", version, sizeof(version)) < 0)
        version[0] = '\0';
    snprintf(out, size, "%s%s%s", name, version[0] ? " " : "", version);
    return 0;
}

int preflight_secure_path(const char *text, char *out, size_t size)
{
    int found = -1;

    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *p = l, *v;
        size_t n = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "Defaults", 8) != 0 || (p[8] != ' ' && p[8] != '\t'))
            continue;
        v = strstr(p, "secure_path");
        if (!v || v > p + strcspn(p, "\n"))
            continue;
        v += strlen("secure_path");
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v++ != '=')
            continue;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v == '"') {
            v++;
            n = strcspn(v, "\"\n");
        } else {
            n = strcspn(v, " \t,\n");
        }
        if (n == 0 || n >= size)
            continue;
        memcpy(out, v, n);
        out[n] = '\0';
        found = 0;
    }
    return found;
}

int preflight_path_lookup(const char *pathlist, const char *exe, char *out, size_t size)
{
    for (const char *d = pathlist; *d;) {
        size_t n = strcspn(d, ":");
        struct stat st;
        if (n > 0 && snprintf(out, size, "%.*s/%s", (int)n, d, exe) < (int)size &&
            stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return 0;
        d += n + (d[n] == ':');
    }
    out[0] = '\0';
    return -1;
}

/* --- facts --- */

static void note_kernel(preflight_emit emit, void *arg)
{
    struct utsname u;

    if (uname(&u) < 0) {
        emitf(emit, arg, "host: kernel unknown: uname: %s", strerror(errno));
        return;
    }
    emitf(emit, arg, "host: kernel %s %s %s (%s)", u.sysname, u.release, u.machine, u.version);
}

static void note_distribution(preflight_emit emit, void *arg)
{
    char text[4096], name[160];

    if (read_file("/etc/os-release", text, sizeof(text)) < 0 &&
        read_file("/usr/lib/os-release", text, sizeof(text)) < 0) {
        emitf(emit, arg, "host: distribution unknown: read \"/etc/os-release\": %s",
              strerror(errno));
        return;
    }
    if (preflight_os_name(text, name, sizeof(name)) < 0)
        snprintf(name, sizeof(name), "unknown (no PRETTY_NAME or NAME in os-release)");
    emitf(emit, arg, "host: distribution %s", name);
}

static bool is_cgroup2(const char *path)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

/* A cgroup2 file of DIR, one line, "(none)" when empty or unreadable. */
static void read_cg(const char *dir, const char *file, char *out, size_t size)
{
    char path[PATH_MAX];
    ssize_t n;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    n = read_file(path, out, size);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
    if (n <= 0)
        snprintf(out, size, "(none)");
}

/* Processes in the cgroup DIR other than this one. */
static int count_others(const char *dir)
{
    char path[PATH_MAX + 64], procs[8192];
    int n = 0;

    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    if (read_file(path, procs, sizeof(procs)) < 0)
        return 0;
    for (const char *p = procs; *p;) {
        long long pid;
        const char *end;
        size_t len = strcspn(p, "\n");
        char num[32];
        snprintf(num, sizeof(num), "%.*s", (int)(len < 31 ? len : 31), p);
        if (parse_ll(num, &pid, &end) == 0 && pid != getpid())
            n++;
        p += len + (p[len] == '\n');
    }
    return n;
}

static void note_cgroup(preflight_emit emit, void *arg)
{
    const char *mode, *root = "/sys/fs/cgroup";
    char self[4096], rel[PATH_MAX], dir[PATH_MAX + 32], ctl[256], sub[256];
    int others;

    if (is_cgroup2(root))
        mode = "v2 (unified)";
    else if (is_cgroup2("/sys/fs/cgroup/unified"))
        mode = "v1 (hybrid, cgroup2 at /sys/fs/cgroup/unified)", root = "/sys/fs/cgroup/unified";
    else
        mode = "v1 (legacy, no cgroup2)", root = NULL;
    if (read_file("/proc/self/cgroup", self, sizeof(self)) < 0 || !root ||
        cgfile_path(self, NULL, rel, sizeof(rel)) < 0) {
        emitf(emit, arg, "host: cgroup %s", mode);
        return;
    }
    snprintf(dir, sizeof(dir), "%s/%s", root, rel);
    read_cg(dir, "cgroup.controllers", ctl, sizeof(ctl));
    read_cg(dir, "cgroup.subtree_control", sub, sizeof(sub));
    if (!rel[0]) { /* the root: exempt from the no-internal-processes rule */
        emitf(emit, arg,
              "host: cgroup %s; this run's cgroup is the root; its controllers: %s; delegated "
              "to its children (subtree_control): %s",
              mode, ctl, sub);
        return;
    }
    others = count_others(dir);
    emitf(emit, arg,
          "host: cgroup %s; this run's cgroup /%s holds %d other process%s; its controllers: "
          "%s; delegated to its children (subtree_control): %s",
          mode, rel, others, others == 1 ? "" : "es", ctl, sub);
}

static void note_systemd(preflight_emit emit, void *arg)
{
    char comm[64] = "";
    struct stat st;
    bool booted = stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);

    if (read_file("/proc/1/comm", comm, sizeof(comm)) < 0)
        snprintf(comm, sizeof(comm), "unknown");
    comm[strcspn(comm, "\n")] = '\0';
    emitf(emit, arg, "host: systemd %s (PID 1 is %s; /run/systemd/system %s)",
          strcmp(comm, "systemd") == 0 && booted ? "runs this host" : "does not run this host",
          comm, booted ? "present" : "absent");
}

static void note_apparmor(preflight_emit emit, void *arg)
{
    static const char *const names[] = { "apparmor_restrict_unprivileged_userns",
                                         "apparmor_restrict_unprivileged_unconfined" };
    char line[512] = "", v[32], path[128];
    size_t used = 0;

    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        snprintf(path, sizeof(path), "/proc/sys/kernel/%s", names[i]);
        if (read_file(path, v, sizeof(v)) < 0)
            continue;
        v[strcspn(v, "\n")] = '\0';
        used += (size_t)snprintf(line + used, sizeof(line) - used, "%skernel.%s=%s",
                                 used ? ", " : "", names[i], v);
    }
    emitf(emit, arg, "host: apparmor %s", used ? line : "user-namespace sysctls absent");
}

/* Usable means a VM can be made, not that the node exists: a paravirtual
 * or locked-down /dev/kvm refuses KVM_CREATE_VM. */
static void note_kvm(preflight_emit emit, void *arg)
{
    autoclose int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    autoclose int vm = -1;
    int api;

    if (fd < 0) {
        emitf(emit, arg, "host: kvm unusable: open \"/dev/kvm\": %s", strerror(errno));
        return;
    }
    api = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (api < 0) {
        emitf(emit, arg, "host: kvm unusable: KVM_GET_API_VERSION: %s", strerror(errno));
        return;
    }
    vm = ioctl(fd, KVM_CREATE_VM, 0);
    if (vm < 0) {
        emitf(emit, arg, "host: kvm unusable: KVM_CREATE_VM (API %d): %s", api, strerror(errno));
        return;
    }
    emitf(emit, arg, "host: kvm usable (API %d, KVM_CREATE_VM works)", api);
}

void preflight_host(preflight_emit emit, void *arg)
{
    note_kernel(emit, arg);
    note_distribution(emit, arg);
    note_cgroup(emit, arg);
    note_systemd(emit, arg);
    note_apparmor(emit, arg);
    note_kvm(emit, arg);
}

/* sudo's secure_path: /etc/sudoers, then the files it includes from
 * /etc/sudoers.d (the last setting wins). from says where it came from. */
static void sudo_path(char *out, size_t size, const char **from)
{
    static char unread[160];
    char text[65536], path[PATH_MAX];
    struct dirent **names;
    int n;

    snprintf(out, size, "%s", DEBIAN_SECURE_PATH);
    if (read_file("/etc/sudoers", text, sizeof(text)) < 0) {
        snprintf(unread, sizeof(unread), "Debian's and Ubuntu's default; read \"/etc/sudoers\": %s",
                 strerror(errno));
        *from = unread;
        return;
    }
    *from = "/etc/sudoers sets none: sudo keeps the caller's PATH";
    out[0] = '\0';
    if (preflight_secure_path(text, out, size) == 0)
        *from = "/etc/sudoers";
    n = scandir("/etc/sudoers.d", &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        /* sudo skips names with a '.' or ending in '~' */
        if (!strchr(names[i]->d_name, '.') && !strchr(names[i]->d_name, '~')) {
            snprintf(path, sizeof(path), "/etc/sudoers.d/%s", names[i]->d_name);
            if (read_file(path, text, sizeof(text)) >= 0 &&
                preflight_secure_path(text, out, size) == 0)
                *from = "/etc/sudoers.d";
        }
        free(names[i]);
    }
    if (n >= 0)
        free(names);
}

void preflight_runtimes(const struct iso_runtime *const *rts, const char *const *versions, int n,
                        preflight_emit emit, void *arg)
{
    char secure[1024], found[PATH_MAX];
    const char *from;
    bool told = false;

    for (int i = 0; i < n; i++) {
        const struct iso_runtime *rt = rts[i];
        const char *bin;
        if (!rt->bin)
            continue;
        if (!told) {
            sudo_path(secure, sizeof(secure), &from);
            emitf(emit, arg, "host: sudo's secure_path %s (%s)", secure[0] ? secure : "-", from);
            told = true;
        }
        bin = rt_binary(rt->name);
        if (!secure[0] || preflight_path_lookup(secure, rt->bin->exe, found, sizeof(found)) < 0)
            snprintf(found, sizeof(found), "%s", secure[0] ? "nothing" : "the caller's PATH");
        emitf(emit, arg, "host: runtime %s: %s %s; under sudo: %s", rt->name,
              bin ? bin : "not found",
              bin ? (versions && versions[i] ? versions[i] : "(version unknown)") : "", found);
    }
}
