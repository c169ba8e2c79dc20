/* cgroup.c - the run's cgroups: find the version, the mounts and the
 * harness's own cgroup; make and remove the run's parent; reap the parents
 * of killed runs. Where the parent goes on v2 is cgv2.c; a container's own
 * cgroups, through libcgroup, are cglimits.c.
 *
 * libcgroup 2.0.2 (Debian 12) has no v1/v2 name translation, no version
 * query and cannot parse a pure-v2 /proc/self/cgroup line; so this file
 * finds the version, the cgroup mounts and the harness's own cgroup itself
 * (from /proc/self/cgroup and /proc/self/mountinfo), picks the file names
 * per version, and cgv2.c writes v2's cgroup.subtree_control and moves the
 * run into a leaf directly: libcgroup has no call for either.
 *
 * libcgroup itself starts only in a process that makes or reads a cgroup:
 * cgroup_init clears tables of 2.4 MB, hundreds of page faults that a run
 * whose cases need no cgroup should not pay. */
#define _GNU_SOURCE
#include "cgroup.h"

#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgfile.h"
#include "cgroup_int.h"
#include "systemd.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

const char *const cg_names[CG_NCTL] = { "memory", "pids", "cpu" };

const char *cg_ctl_name(enum cg_ctl c) { return cg_names[c]; }

/* The shared helpers of cgroup_int.h. */
char *cg_join_parts(char *out, size_t size, const char *const parts[])
{
    size_t len = 0;

    if (size == 0)
        return out;
    out[0] = '\0';
    for (; *parts; parts++) {
        if (!(*parts)[0])
            continue;
        if (len > 0 && out[len - 1] != '/' && len + 1 < size)
            out[len++] = '/';
        len += (size_t)snprintf(out + len, size - len, "%s", *parts);
        if (len >= size)
            len = size - 1;
    }
    out[len] = '\0';
    return out;
}

static unsigned long long start_time(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long t = 0;
    const char *end;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if (read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
        return 0;
    /* field 22 is starttime; after ")" come fields 3.. */
    for (int field = 3; field <= 22 && p; field++)
        p = strchr(p + 1, ' ');
    if (!p || parse_ull(p + 1, &t, &end) < 0)
        return 0;
    return t;
}

/* Our cgroup per controller from the text of /proc/self/cgroup. */
static void find_own(struct cg_info *cg, const char *self)
{
    char v2path[PATH_MAX];
    struct statfs sf;
    char controllers[512], padded[600];

    for (int c = 0; c < CG_NCTL; c++)
        if (cgfile_path(self, cg_names[c], cg->ctl[c].base, sizeof(cg->ctl[c].base)) == 0) {
            cg->version = 1;
            cg->ctl_ok[c] = true;
        }
    if (cg->version != 0 || cgfile_path(self, NULL, v2path, sizeof(v2path)) < 0)
        return;
    cg->version = 2;
    for (int c = 0; c < CG_NCTL; c++) {
        strlcpy0(cg->ctl[c].mount, "/sys/fs/cgroup", sizeof(cg->ctl[c].mount));
        strlcpy0(cg->ctl[c].base, v2path, sizeof(cg->ctl[c].base));
    }
    if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
        cg->version = 0;
        return;
    }
    if (read_file("/sys/fs/cgroup/cgroup.controllers", controllers, sizeof(controllers)) < 0)
        controllers[0] = '\0';
    snprintf(padded, sizeof(padded), " %s ", controllers);
    padded[strcspn(padded, "\n")] = ' ';
    for (int c = 0; c < CG_NCTL; c++) {
        char word[32];
        snprintf(word, sizeof(word), " %s ", cg_names[c]);
        cg->ctl_ok[c] = strstr(padded, word) != NULL;
        if (!cg->ctl_ok[c])
            snprintf(cg->ctl_why[c], sizeof(cg->ctl_why[c]),
                     "cgroup v2: no %s controller in /sys/fs/cgroup/cgroup.controllers",
                     cg_names[c]);
    }
}

/* Is a (relative) cgroup path a component-wise prefix of another? */
static bool path_prefix(const char *pre, const char *path)
{
    size_t n = strlen(pre);
    return n == 0 || (strncmp(pre, path, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

/* The next cgroup or cgroup2 mount in /proc/self/mountinfo: its mount
 * point and super options. Read line by line: a host with many mounts has
 * a long mountinfo. */
static bool next_cgroup_mount(FILE *f, char **line, size_t *cap, char point[PATH_MAX], bool *v2,
                              char opts[512])
{
    while (getline(line, cap, f) > 0) {
        char fstype[32];
        const char *sep = strstr(*line, " - ");
        if (!sep || sscanf(*line, "%*d %*d %*s %*s %4095s", point) != 1 ||
            sscanf(sep + 3, "%31s %*s %511s", fstype, opts) != 2)
            continue;
        *v2 = strcmp(fstype, "cgroup2") == 0;
        if (*v2 || strcmp(fstype, "cgroup") == 0)
            return true;
    }
    return false;
}

/* Does a mount with these super options hold the hierarchy of line l? A v1
 * line matches when each of its controllers (or name=) is an option. */
static bool mount_holds(const char *opts, bool v2, const struct cgfile_line *l)
{
    char o[520], w[300];
    size_t off = 0, len;
    const char *name;

    if (v2 && l->ctls_len == 0)
        return true;
    if (l->ctls_len == 0)
        return false;
    snprintf(o, sizeof(o), ",%s,", opts);
    while (cgfile_next_ctl(l, &off, &name, &len)) {
        snprintf(w, sizeof(w), ",%.*s,", (int)len, name);
        if (!strstr(o, w))
            return false;
    }
    return true;
}

/* OCI runtimes place a container in every hierarchy at one path: the
 * deepest own cgroup, if every other is a prefix of it. */
void cg_find_oci_base(struct cg_info *cg)
{
    cg->oci_ok = cg->nmounts > 0;
    cg->oci_base[0] = '\0';
    for (int i = 0; i < cg->nmounts; i++)
        if (strlen(cg->h[i].own) > strlen(cg->oci_base))
            strlcpy0(cg->oci_base, cg->h[i].own, sizeof(cg->oci_base));
    for (int i = 0; i < cg->nmounts && cg->oci_ok; i++)
        if (!path_prefix(cg->h[i].own, cg->oci_base)) {
            cg->oci_ok = false;
            snprintf(cg->oci_why, sizeof(cg->oci_why),
                     "the harness's cgroups are /%s in %s and /%s elsewhere: no one cgroupsPath "
                     "lies below both",
                     cg->h[i].own, cg->h[i].mount, cg->oci_base);
        }
}

/* Every cgroup/cgroup2 mount and our cgroup in it, matched to its
 * /proc/self/cgroup line by its controllers (or name=) in the super options
 * (libcgroup only knows the controllers, not named hierarchies); on v1 also
 * where each controller is mounted. */
static void find_hierarchies(struct cg_info *cg, const char *self)
{
    char point[PATH_MAX], opts[512];
    autofree char *line = NULL;
    size_t cap = 0;
    bool v2;
    FILE *f = fopen("/proc/self/mountinfo", "re");

    cg->nmounts = 0;
    while (f && next_cgroup_mount(f, &line, &cap, point, &v2, opts)) {
        const char *pos = self;
        struct cgfile_line l;

        for (int c = 0; cg->version == 1 && c < CG_NCTL; c++) {
            struct cgfile_line one = { opts, strlen(opts), "", 0 };
            if (!v2 && !cg->ctl[c].mount[0] && cgfile_has_ctl(&one, cg_names[c]))
                strlcpy0(cg->ctl[c].mount, point, sizeof(cg->ctl[c].mount));
        }
        if (cg->nmounts >= CG_MAX_MOUNTS)
            continue;
        while (cgfile_next(&pos, &l)) {
            size_t skip = l.path_len > 0 && l.path[0] == '/';
            if (!mount_holds(opts, v2, &l))
                continue;
            strlcpy0(cg->h[cg->nmounts].mount, point, sizeof(cg->h[0].mount));
            snprintf(cg->h[cg->nmounts].own, sizeof(cg->h[0].own), "%.*s", (int)(l.path_len - skip),
                     l.path + skip);
            cg->nmounts++;
            break;
        }
    }
    if (f)
        fclose(f);
    for (int c = 0; cg->version == 1 && c < CG_NCTL; c++)
        if (cg->ctl_ok[c] && !cg->ctl[c].mount[0]) {
            cg->ctl_ok[c] = false;
            snprintf(cg->ctl_why[c], sizeof(cg->ctl_why[c]),
                     "cgroup v1: the %s controller is not mounted", cg_names[c]);
        }
    cg_find_oci_base(cg);
}

/* Directories between our own cgroup and oci_base that a runtime made in
 * this hierarchy: removed when empty (rmdir refuses anything in use). */
static void prune_between(const char *mount, const char *own, const char *base)
{
    char path[PATH_MAX], top[PATH_MAX];

    if (strcmp(own, base) == 0)
        return;
    cg_join(path, sizeof(path), mount, base);
    cg_join(top, sizeof(top), mount, own);
    while (strlen(path) > strlen(top)) {
        if (rmdir(path) < 0)
            return;
        *strrchr(path, '/') = '\0';
    }
}

const char *cg_oci_path(const struct cg_info *cg, const char *id, char *buf, size_t size, char *why,
                        size_t len)
{
    if (!cg->oci_ok) {
        snprintf(why, len, "%s", cg->oci_why[0] ? cg->oci_why : "no cgroup hierarchy found");
        return NULL;
    }
    return cg_join(buf, size, "/", cg->oci_base, cg->run, id, "ctr");
}

void cg_path(const struct cg_info *cg, enum cg_ctl c, const char *rel, char *out, size_t size)
{
    cg_join(out, size, cg->ctl[c].mount, cg->ctl[c].base, cg->run, rel ? rel : "");
}

/* Remove a directory tree of cgroups, children first; kill what is left in
 * one (only a dead run's processes can be there). An empty or absent one
 * costs one rmdir. */
void cg_remove_tree(const char *path)
{
    DIR *d;
    struct dirent *e;
    char sub[PATH_MAX];

    if (rmdir(path) == 0 || errno == ENOENT)
        return;
    d = opendir(path);
    while (d && (e = readdir(d))) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        cg_remove_tree(cg_join(sub, sizeof(sub), path, e->d_name));
    }
    if (d)
        closedir(d);
    for (int tries = 0; rmdir(path) < 0 && errno == EBUSY && tries < 50; tries++) {
        char procs[4096], *save = NULL;
        if (read_file(cg_join(sub, sizeof(sub), path, "cgroup.procs"), procs, sizeof(procs)) > 0)
            for (char *p = strtok_r(procs, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
                long long pid;
                /* never kill(0) or kill(-1): only a real pid */
                if (parse_ll(p, &pid, NULL) == 0 && pid > 0)
                    kill((pid_t)pid, SIGKILL);
            }
        usleep(2000);
    }
}

/* "isocheck-PID-STARTTIME", the name of a run's parent cgroup. */
static int parse_run_name(const char *name, int *pid, unsigned long long *start)
{
    static const char prefix[] = "isocheck-";
    const char *p = name + sizeof(prefix) - 1, *end;
    long long v;

    if (strncmp(name, prefix, sizeof(prefix) - 1) != 0 || parse_ll(p, &v, &end) < 0 || v <= 0 ||
        v > INT_MAX || *end != '-' || parse_ull(end + 1, start, NULL) < 0)
        return -1;
    *pid = (int)v;
    return 0;
}

/* Remove the run parents in dir whose run is gone. */
static int reap_in(const struct cg_info *cg, const char *dir)
{
    int removed = 0;
    struct dirent *e;
    DIR *d = opendir(dir);

    while (d && (e = readdir(d))) {
        int pid;
        unsigned long long t;
        char path[PATH_MAX];
        if (parse_run_name(e->d_name, &pid, &t) < 0 || strcmp(e->d_name, cg->run) == 0)
            continue;
        if (t != 0 && start_time(pid) == t) /* that run is still going */
            continue;
        cg_remove_tree(cg_join(path, sizeof(path), dir, e->d_name));
        removed++;
    }
    if (d)
        closedir(d);
    return removed;
}

int cg_reap_stale(const struct cg_info *cg)
{
    int removed = 0;

    for (int i = 0; i < cg->nmounts; i++) {
        char dir[PATH_MAX];
        removed += reap_in(cg, cg_join(dir, sizeof(dir), cg->h[i].mount, cg->h[i].own));
        if (strcmp(cg->h[i].own, cg->oci_base) != 0)
            removed += reap_in(cg, cg_join(dir, sizeof(dir), cg->h[i].mount, cg->oci_base));
        prune_between(cg->h[i].mount, cg->h[i].own, cg->oci_base);
    }
    return removed;
}

/* Empty every field without touching the whole struct: it holds 160 kB of
 * path buffers, and zeroing them all costs a run 40 page faults. */
static void reset(struct cg_info *cg)
{
    bool was_set_up = cg->set_up;

    cg->set_up = false;
    cg->version = 0;
    cg->run[0] = '\0';
    cg->nmounts = 0;
    cg->oci_base[0] = '\0';
    cg->oci_ok = false;
    cg->oci_why[0] = '\0';
    for (int c = 0; c < CG_NCTL; c++) {
        cg->ctl_ok[c] = false;
        cg->ctl_why[c][0] = '\0';
        if (was_set_up) /* only a setup writes these; untouched, they stay unmapped */
            cg->ctl[c].base[0] = cg->ctl[c].mount[0] = '\0';
    }
    cg->home[0] = cg->base_had[0] = cg->how[0] = '\0';
}

void cg_run_none(struct cg_info *cg, const char *why)
{
    reset(cg);
    for (int c = 0; c < CG_NCTL; c++)
        snprintf(cg->ctl_why[c], sizeof(cg->ctl_why[c]), "%s", why);
    snprintf(cg->oci_why, sizeof(cg->oci_why), "%s", why);
}

void cg_run_setup(struct cg_info *cg)
{
    char self[4096];

    reset(cg);
    cg->set_up = true;
    snprintf(cg->run, sizeof(cg->run), "isocheck-%d-%llu", getpid(), start_time(getpid()));
    for (int c = 0; c < CG_NCTL; c++)
        snprintf(cg->ctl_why[c], sizeof(cg->ctl_why[c]), "no %s controller in /proc/self/cgroup",
                 cg_names[c]);
    if (read_file("/proc/self/cgroup", self, sizeof(self)) < 0)
        return;
    find_own(cg, self);
    find_hierarchies(cg, self);
    cg_reap_stale(cg);
    if (cg->version == 2) {
        cg_v2_prepare(cg);
        return;
    }
    for (int c = 0; c < CG_NCTL; c++) {
        char path[PATH_MAX];
        if (!cg->ctl_ok[c])
            continue;
        cg_path(cg, (enum cg_ctl)c, NULL, path, sizeof(path));
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            cg->ctl_ok[c] = false;
            snprintf(cg->ctl_why[c], sizeof(cg->ctl_why[c]),
                     "cgroup v1: cannot create \"%s\": %s%s", path, strerror(errno),
                     errno == EROFS ? " (read-only cgroupfs)" : "");
        }
    }
}

void cg_run_cleanup(const struct cg_info *cg)
{
    char path[PATH_MAX];

    if (!cg->set_up)
        return;
    /* what OCI runtimes made, in every hierarchy, and the directories
     * they made on the way there */
    for (int i = 0; i < cg->nmounts; i++) {
        cg_join(path, sizeof(path), cg->h[i].mount, cg->oci_base, cg->run);
        if (!(cg->version == 2 && strcmp(cg->oci_base, cg->ctl[0].base) == 0))
            cg_remove_tree(path);
        prune_between(cg->h[i].mount, cg->h[i].own, cg->oci_base);
    }
    if (cg->version == 2) {
        if (cg->ctl[0].mount[0])
            cg_v2_cleanup(cg);
        return;
    }
    for (int c = 0; c < CG_NCTL; c++) {
        if (!cg->ctl[c].mount[0])
            continue;
        cg_path(cg, (enum cg_ctl)c, NULL, path, sizeof(path));
        cg_remove_tree(path);
    }
}

unsigned cg_needed(const struct iso_limits *lim)
{
    unsigned need = lim->extra_ctls;

    if (lim->memory || lim->memory_high || lim->oom_group || lim->own_cgroup)
        need |= 1u << CG_MEMORY;
    if (lim->pids)
        need |= 1u << CG_PIDS;
    if (lim->cpu_quota_us)
        need |= 1u << CG_CPU;
    return need;
}

bool cg_usable(const struct cg_info *cg, unsigned ctls, char *why, size_t len)
{
    for (int c = 0; c < CG_NCTL; c++)
        if ((ctls & (1u << c)) && !cg->ctl_ok[c]) {
            snprintf(why, len, "%s", cg->ctl_why[c]);
            return false;
        }
    return true;
}
