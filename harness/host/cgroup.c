/* cgroup.c - create, limit, attach, read and remove with libcgroup.
 *
 * libcgroup 2.0.2 (Debian 12) has no v1/v2 name translation, no version
 * query and cannot parse a pure-v2 /proc/self/cgroup line; so this file
 * finds the version, the cgroup mounts and the harness's own cgroup itself
 * (from /proc/self/cgroup and /proc/self/mountinfo), picks the file names
 * per version, and writes v2's cgroup.subtree_control and moves the run
 * into a leaf directly: libcgroup has no call for either.
 *
 * libcgroup itself starts only in a process that makes or reads a cgroup:
 * cgroup_init clears tables of 2.4 MB, hundreds of page faults that a run
 * whose cases need no cgroup should not pay. */
#define _GNU_SOURCE
#include "cgroup.h"

#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgfile.h"
#include "systemd.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char *const names[CG_NCTL] = { "memory", "pids", "cpu" };

const char *cg_ctl_name(enum cg_ctl c) { return names[c]; }

/* Join the parts with one '/' between them; empty parts are left out, so
 * a base of "" (the hierarchy's root) adds nothing. */
static char *join_parts(char *out, size_t size, const char *const parts[])
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
#define join(out, size, ...) join_parts(out, size, (const char *const[]){ __VA_ARGS__, NULL })

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
        if (cgfile_path(self, names[c], cg->ctl[c].base, sizeof(cg->ctl[c].base)) == 0) {
            cg->version = 1;
            cg->ctl[c].ok = true;
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
        snprintf(word, sizeof(word), " %s ", names[c]);
        cg->ctl[c].ok = strstr(padded, word) != NULL;
        if (!cg->ctl[c].ok)
            snprintf(cg->ctl[c].why, sizeof(cg->ctl[c].why),
                     "cgroup v2: no %s controller in /sys/fs/cgroup/cgroup.controllers", names[c]);
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
static void find_oci_base(struct cg_info *cg)
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
            if (!v2 && !cg->ctl[c].mount[0] && cgfile_has_ctl(&one, names[c]))
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
        if (cg->ctl[c].ok && !cg->ctl[c].mount[0]) {
            cg->ctl[c].ok = false;
            snprintf(cg->ctl[c].why, sizeof(cg->ctl[c].why),
                     "cgroup v1: the %s controller is not mounted", names[c]);
        }
    find_oci_base(cg);
}

/* Directories between our own cgroup and oci_base that a runtime made in
 * this hierarchy: removed when empty (rmdir refuses anything in use). */
static void prune_between(const char *mount, const char *own, const char *base)
{
    char path[PATH_MAX], top[PATH_MAX];

    if (strcmp(own, base) == 0)
        return;
    join(path, sizeof(path), mount, base);
    join(top, sizeof(top), mount, own);
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
    return join(buf, size, "/", cg->oci_base, cg->run, id, "ctr");
}

void cg_path(const struct cg_info *cg, enum cg_ctl c, const char *rel, char *out, size_t size)
{
    join(out, size, cg->ctl[c].mount, cg->ctl[c].base, cg->run, rel ? rel : "");
}

/* libcgroup names a cgroup by its path below the mount; an OCI
 * container's cgroups live below oci_base in every hierarchy. */
static void cg_name(const struct cg_info *cg, enum cg_ctl c, const char *rel, bool oci, char *out,
                    size_t size)
{
    join(out, size, oci ? cg->oci_base : cg->ctl[c].base, cg->run, rel ? rel : "");
}

/* Remove a directory tree of cgroups, children first; kill what is left in
 * one (only a dead run's processes can be there). An empty or absent one
 * costs one rmdir. */
static void remove_tree(const char *path)
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
        remove_tree(join(sub, sizeof(sub), path, e->d_name));
    }
    if (d)
        closedir(d);
    for (int tries = 0; rmdir(path) < 0 && errno == EBUSY && tries < 50; tries++) {
        char procs[4096], *save = NULL;
        if (read_file(join(sub, sizeof(sub), path, "cgroup.procs"), procs, sizeof(procs)) > 0)
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
        remove_tree(join(path, sizeof(path), dir, e->d_name));
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
        removed += reap_in(cg, join(dir, sizeof(dir), cg->h[i].mount, cg->h[i].own));
        if (strcmp(cg->h[i].own, cg->oci_base) != 0)
            removed += reap_in(cg, join(dir, sizeof(dir), cg->h[i].mount, cg->oci_base));
        prune_between(cg->h[i].mount, cg->h[i].own, cg->oci_base);
    }
    return removed;
}

/* --- v2: where the run's parent goes -------------------------------------
 *
 * A non-root v2 cgroup that holds processes cannot enable controllers for
 * its children (no internal processes), so the parent goes where the
 * harness may subdivide: its own cgroup when it is alone there (or it is
 * the root); else a systemd scope with Delegate=yes it moves into; else a
 * sibling under the nearest ancestor that delegates controllers. Then the
 * kernel's order: move into a leaf "harness" of the run's parent first,
 * then enable the controllers in base's and the parent's subtree_control. */

static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
            return true;
    return false;
}

/* One line of a cgroup's interface file, "" when it cannot be read. */
static void read_cgfile(const char *mount, const char *rel, const char *file, char *buf,
                        size_t size)
{
    char path[PATH_MAX + 64];
    if (read_file(join(path, sizeof(path), mount, rel, file), buf, size) < 0)
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

/* The other processes in rel, "PIDs 12 (comm), 34 (comm)" in list; how many. */
static int other_procs(const char *mount, const char *rel, char *list, size_t len)
{
    char path[PATH_MAX + 64], procs[4096], *save = NULL;
    size_t off = 0;
    int n = 0;

    list[0] = '\0';
    if (read_file(join(path, sizeof(path), mount, rel, "cgroup.procs"), procs, sizeof(procs)) < 0)
        return 0;
    for (char *p = strtok_r(procs, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
        long long pid;
        char comm[64], cpath[64];
        if (parse_ll(p, &pid, NULL) < 0 || pid == getpid())
            continue;
        if (++n > 2)
            continue;
        snprintf(cpath, sizeof(cpath), "/proc/%lld/comm", pid);
        if (read_file(cpath, comm, sizeof(comm)) < 0)
            strlcpy0(comm, "?", sizeof(comm));
        comm[strcspn(comm, "\n")] = '\0';
        off += (size_t)snprintf(list + off, len - off, "%s%lld (%s)", n > 1 ? ", " : "PIDs ", pid,
                                comm);
        if (off >= len)
            off = len - 1;
    }
    if (n > 2)
        snprintf(list + off, len - off, " and %d more", n - 2);
    return n;
}

static void v2_fail(struct cg_info *cg, const char *why)
{
    for (int c = 0; c < CG_NCTL; c++) {
        cg->ctl[c].ok = false;
        strlcpy0(cg->ctl[c].why, why, sizeof(cg->ctl[c].why));
    }
}

/* The run's parent goes below base (relative to the v2 mount). */
static void v2_set_base(struct cg_info *cg, const char *base)
{
    for (int i = 0; i < cg->nmounts; i++)
        if (strcmp(cg->h[i].mount, cg->ctl[0].mount) == 0 &&
            strcmp(cg->h[i].own, cg->ctl[0].base) == 0)
            strlcpy0(cg->h[i].own, base, sizeof(cg->h[i].own));
    for (int c = 0; c < CG_NCTL; c++)
        strlcpy0(cg->ctl[c].base, base, sizeof(cg->ctl[c].base));
    find_oci_base(cg);
}

/* Can the harness subdivide rel, its own cgroup: alone there (or the root)
 * and given every controller the root has? */
static bool v2_can_host(const struct cg_info *cg, const char *rel, char *others, size_t len)
{
    char have[256];

    if (other_procs(cg->ctl[0].mount, rel, others, len) > 0 && rel[0])
        return false;
    read_cgfile(cg->ctl[0].mount, rel, "cgroup.controllers", have, sizeof(have));
    for (int c = 0; c < CG_NCTL; c++)
        if (cg->ctl[c].ok && !has_word(have, names[c]))
            return false;
    return true;
}

/* The nearest ancestor of rel whose subtree_control has any of our
 * controllers, else the root. */
static void v2_delegating_ancestor(const struct cg_info *cg, const char *rel, char *out,
                                   size_t size)
{
    char sub[256], *slash;

    strlcpy0(out, rel, size);
    while ((slash = strrchr(out, '/'))) {
        *slash = '\0';
        read_cgfile(cg->ctl[0].mount, out, "cgroup.subtree_control", sub, sizeof(sub));
        for (int c = 0; c < CG_NCTL; c++)
            if (has_word(sub, names[c]))
                return;
    }
    out[0] = '\0';
}

/* Ask systemd for a delegated scope holding this process; on success base
 * is the scope's cgroup. */
static int v2_scope(struct cg_info *cg, char *base, size_t size, struct iso_err *err)
{
    char unit[96], self[4096];

    if (!sysd_booted())
        return iso_err_set(err, 0, "systemd is not running");
    snprintf(unit, sizeof(unit), "%s.scope", cg->run);
    if (sysd_start_scope(unit, getpid(), err) < 0)
        return -1;
    if (read_file("/proc/self/cgroup", self, sizeof(self)) < 0 ||
        cgfile_path(self, NULL, base, size) < 0)
        return iso_err_set(err, errno, "read \"/proc/self/cgroup\"");
    return 0;
}

/* Choose base; fills cg->how. false: no place (every controller's why set). */
static bool v2_place(struct cg_info *cg)
{
    char own[PATH_MAX], base[PATH_MAX], others[160], why[256];
    struct iso_err err = { 0, "" };
    const char *off = getenv("ISOCHECK_NO_DELEGATE");

    strlcpy0(own, cg->ctl[0].base, sizeof(own));
    strlcpy0(cg->home, own, sizeof(cg->home));
    if (v2_can_host(cg, own, others, sizeof(others))) {
        snprintf(cg->how, sizeof(cg->how),
                 "cgroup v2: the run's cgroups are below /%s, the harness's own", own);
        return true;
    }
    if (!others[0])
        snprintf(others, sizeof(others), "does not get every controller");
    if (off && *off && strcmp(off, "0") != 0) {
        snprintf(why, sizeof(why),
                 "cgroup v2: /%s also holds %s: no controllers for its children (no internal "
                 "processes); delegation is off (ISOCHECK_NO_DELEGATE=%s)",
                 own, others, off);
        snprintf(cg->how, sizeof(cg->how), "%s", why);
        v2_fail(cg, why);
        return false;
    }
    if (v2_scope(cg, base, sizeof(base), &err) == 0) {
        strlcpy0(cg->home, base, sizeof(cg->home));
        snprintf(cg->how, sizeof(cg->how),
                 "cgroup v2: /%s also holds %s: the run moved to a systemd scope with "
                 "Delegate=yes, /%s",
                 own, others, base);
    } else {
        v2_delegating_ancestor(cg, own, base, sizeof(base));
        snprintf(cg->how, sizeof(cg->how),
                 "cgroup v2: /%s also holds %s and no delegated scope (%s): the run's cgroups are "
                 "a sibling under /%s, the nearest ancestor that delegates",
                 own, others, err.msg, base);
    }
    v2_set_base(cg, base);
    return true;
}

/* Make the run's parent with the leaf "harness", move in, then enable
 * the controllers: in base (remembering what it had) and in the parent. */
static void prepare_v2(struct cg_info *cg)
{
    char run[PATH_MAX], base[PATH_MAX], path[PATH_MAX + 32], pid[32], have[256];

    if (!v2_place(cg))
        return;
    cg_reap_stale(cg); /* a sibling's place may hold a killed run's */
    join(base, sizeof(base), cg->ctl[0].mount, cg->ctl[0].base);
    cg_path(cg, CG_MEMORY, NULL, run, sizeof(run));
    read_cgfile(base, "", "cgroup.subtree_control", cg->base_had, sizeof(cg->base_had));
    read_cgfile(base, "", "cgroup.controllers", have, sizeof(have));
    snprintf(pid, sizeof(pid), "%d", getpid());
    if ((mkdir(run, 0755) < 0 && errno != EEXIST) ||
        (mkdir(join(path, sizeof(path), run, "harness"), 0755) < 0 && errno != EEXIST) ||
        write_file(join(path, sizeof(path), run, "harness", "cgroup.procs"), pid) < 0) {
        char why[256];
        snprintf(why, sizeof(why), "cgroup v2: cannot create \"%s\": %s", path, strerror(errno));
        v2_fail(cg, why);
        return;
    }
    for (int c = 0; c < CG_NCTL; c++) {
        char word[32];
        const char *where = base;
        if (!cg->ctl[c].ok)
            continue;
        snprintf(word, sizeof(word), "+%s", names[c]);
        if (!has_word(have, names[c]))
            errno = ENOENT; /* the parent of base does not delegate it */
        else if ((has_word(cg->base_had, names[c]) ||
                  write_file(join(path, sizeof(path), base, "cgroup.subtree_control"), word) ==
                      0) &&
                 write_file(join(path, sizeof(path), (where = run), "cgroup.subtree_control"),
                            word) == 0)
            continue;
        cg->ctl[c].ok = false;
        snprintf(cg->ctl[c].why, sizeof(cg->ctl[c].why),
                 "cgroup v2: cannot enable %s below %s: %s%s", names[c], where, strerror(errno),
                 errno == ENOENT
                     ? " (not in its cgroup.controllers: its parent does not delegate it)"
                     : "");
    }
}

/* Undo prepare_v2 in the order the kernel accepts: the containers' cgroups
 * go, the controllers are disabled in the parent and then in base (only
 * what the run enabled: a cgroup with controllers in its subtree_control
 * refuses new processes), the harness moves home, the parent goes. */
static void cleanup_v2(const struct cg_info *cg)
{
    char run[PATH_MAX], base[PATH_MAX], path[PATH_MAX + 32], sub[256], pid[32];
    struct dirent *e;
    DIR *d;

    cg_path(cg, CG_MEMORY, NULL, run, sizeof(run));
    join(base, sizeof(base), cg->ctl[0].mount, cg->ctl[0].base);
    d = opendir(run);
    if (!d) /* never made: nothing enabled, nothing moved */
        return;
    while ((e = readdir(d)))
        if (e->d_type == DT_DIR && e->d_name[0] != '.' && strcmp(e->d_name, "harness") != 0)
            remove_tree(join(path, sizeof(path), run, e->d_name));
    closedir(d);
    for (int pass = 0; pass < 2; pass++) {
        const char *dir = pass == 0 ? run : base;
        read_cgfile(dir, "", "cgroup.subtree_control", sub, sizeof(sub));
        char *save = NULL;
        for (char *w = strtok_r(sub, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            char word[64];
            if (pass == 1 && has_word(cg->base_had, w))
                continue;
            snprintf(word, sizeof(word), "-%s", w);
            write_file(join(path, sizeof(path), dir, "cgroup.subtree_control"), word);
        }
    }
    snprintf(pid, sizeof(pid), "%d", getpid());
    write_file(join(path, sizeof(path), cg->ctl[0].mount, cg->home, "cgroup.procs"), pid);
    remove_tree(run);
}

void cg_run_none(struct cg_info *cg, const char *why)
{
    memset(cg, 0, sizeof(*cg));
    for (int c = 0; c < CG_NCTL; c++)
        snprintf(cg->ctl[c].why, sizeof(cg->ctl[c].why), "%s", why);
    snprintf(cg->oci_why, sizeof(cg->oci_why), "%s", why);
}

void cg_run_setup(struct cg_info *cg)
{
    char self[4096];

    memset(cg, 0, sizeof(*cg));
    cg->set_up = true;
    snprintf(cg->run, sizeof(cg->run), "isocheck-%d-%llu", getpid(), start_time(getpid()));
    for (int c = 0; c < CG_NCTL; c++)
        snprintf(cg->ctl[c].why, sizeof(cg->ctl[c].why), "no %s controller in /proc/self/cgroup",
                 names[c]);
    if (read_file("/proc/self/cgroup", self, sizeof(self)) < 0)
        return;
    find_own(cg, self);
    find_hierarchies(cg, self);
    cg_reap_stale(cg);
    if (cg->version == 2) {
        prepare_v2(cg);
        return;
    }
    for (int c = 0; c < CG_NCTL; c++) {
        char path[PATH_MAX];
        if (!cg->ctl[c].ok)
            continue;
        cg_path(cg, (enum cg_ctl)c, NULL, path, sizeof(path));
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            cg->ctl[c].ok = false;
            snprintf(cg->ctl[c].why, sizeof(cg->ctl[c].why),
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
        join(path, sizeof(path), cg->h[i].mount, cg->oci_base, cg->run);
        if (!(cg->version == 2 && strcmp(cg->oci_base, cg->ctl[0].base) == 0))
            remove_tree(path);
        prune_between(cg->h[i].mount, cg->h[i].own, cg->oci_base);
    }
    if (cg->version == 2) {
        if (cg->ctl[0].mount[0])
            cleanup_v2(cg);
        return;
    }
    for (int c = 0; c < CG_NCTL; c++) {
        if (!cg->ctl[c].mount[0])
            continue;
        cg_path(cg, (enum cg_ctl)c, NULL, path, sizeof(path));
        remove_tree(path);
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
        if ((ctls & (1u << c)) && !cg->ctl[c].ok) {
            snprintf(why, len, "%s", cg->ctl[c].why);
            return false;
        }
    return true;
}

static int lcg_fail(struct iso_err *err, int rc, const char *what, const char *name)
{
    return iso_err_set(err, rc == ECGOTHER ? cgroup_get_last_errno() : 0, "%s \"%s\"%s%s", what,
                       name, rc == ECGOTHER ? "" : ": ", rc == ECGOTHER ? "" : cgroup_strerror(rc));
}

/* Start libcgroup in this process, once (a forked child inherits it). */
static int lcg_start(struct iso_err *err)
{
    static bool started;
    int rc;

    if (started)
        return 0;
    rc = cgroup_init();
    if (rc != 0)
        return iso_err_set(err, rc == ECGOTHER ? cgroup_get_last_errno() : 0,
                           "libcgroup cannot start: %s", cgroup_strerror(rc));
    started = true;
    return 0;
}

static void set_values(const struct cg_info *cg, enum cg_ctl c, struct cgroup_controller *ctl,
                       const struct iso_limits *lim)
{
    char v[64];
    bool v1 = cg->version == 1;

    if (c == CG_MEMORY && lim->memory) {
        snprintf(v, sizeof(v), "%llu", (unsigned long long)lim->memory);
        cgroup_add_value_string(ctl, v1 ? "memory.limit_in_bytes" : "memory.max", v);
        /* no swap: memsw (v1, only with swap accounting) or swap.max (v2) */
        char file[PATH_MAX + 64];
        join(file, sizeof(file), cg->ctl[c].mount,
             v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max");
        if (v1 && access(file, F_OK) == 0)
            cgroup_add_value_string(ctl, "memory.memsw.limit_in_bytes", v);
        if (!v1)
            cgroup_add_value_string(ctl, "memory.swap.max", "0");
    }
    if (c == CG_MEMORY && !v1 && lim->memory_high) {
        snprintf(v, sizeof(v), "%llu", (unsigned long long)lim->memory_high);
        cgroup_add_value_string(ctl, "memory.high", v);
    }
    if (c == CG_MEMORY && !v1 && lim->oom_group)
        cgroup_add_value_string(ctl, "memory.oom.group", "1");
    if (c == CG_PIDS && lim->pids) {
        snprintf(v, sizeof(v), "%ld", lim->pids);
        cgroup_add_value_string(ctl, "pids.max", v);
    }
    if (c == CG_CPU && lim->cpu_quota_us > 0) {
        if (v1) {
            snprintf(v, sizeof(v), "%ld", lim->cpu_period_us);
            cgroup_add_value_string(ctl, "cpu.cfs_period_us", v);
            snprintf(v, sizeof(v), "%ld", lim->cpu_quota_us);
            cgroup_add_value_string(ctl, "cpu.cfs_quota_us", v);
        } else {
            snprintf(v, sizeof(v), "%ld %ld", lim->cpu_quota_us, lim->cpu_period_us);
            cgroup_add_value_string(ctl, "cpu.max", v);
        }
    }
}

int cg_make(const struct cg_info *cg, const char *rel, const struct iso_limits *lim, bool oci,
            struct cg_handle *h, struct iso_err *err)
{
    int holder = -1; /* v2: the one cgroup that carries every controller */

    memset(h, 0, sizeof(*h));
    strlcpy0(h->rel, rel, sizeof(h->rel));
    h->ctls = cg_needed(lim);
    if (lcg_start(err) < 0)
        return -1;
    for (int c = 0; c < CG_NCTL && holder < 0; c++)
        if (h->ctls & (1u << c))
            holder = c;
    for (int c = 0; c < CG_NCTL; c++) {
        char name[PATH_MAX];
        struct cgroup_controller *ctl;
        int rc;

        if (!(h->ctls & (1u << c)))
            continue;
        if (cg->version == 2 && c != holder) /* one hierarchy: one cgroup for all */
            continue;
        cg_name(cg, (enum cg_ctl)c, rel, oci, name, sizeof(name));
        h->cg[c] = cgroup_new_cgroup(name);
        if (!h->cg[c])
            return iso_err_set(err, ENOMEM, "cgroup_new_cgroup");
        for (int k = c; k < CG_NCTL; k++) {
            if (!(h->ctls & (1u << k)) || (cg->version == 1 && k != c))
                continue;
            ctl = cgroup_add_controller(h->cg[c], names[k]);
            if (!ctl)
                return iso_err_set(err, 0, "cgroup_add_controller %s", names[k]);
            set_values(cg, (enum cg_ctl)k, ctl, lim);
        }
        rc = cgroup_create_cgroup(h->cg[c], 0);
        if (rc != 0)
            return lcg_fail(err, rc, "create cgroup", name);
    }
    return 0;
}

int cg_attach(struct cg_handle *h, pid_t pid, struct iso_err *err)
{
    for (int c = 0; c < CG_NCTL; c++) {
        int rc;
        if (!h->cg[c])
            continue;
        rc = cgroup_attach_task_pid(h->cg[c], pid);
        if (rc != 0)
            return lcg_fail(err, rc, "attach to cgroup", h->rel);
    }
    return 0;
}

void cg_release(struct cg_handle *h)
{
    for (int c = 0; c < CG_NCTL; c++)
        if (h->cg[c])
            cgroup_free(&h->cg[c]);
}

const char *cg_oom_file(const struct cg_info *cg)
{
    return cg->version == 2 ? "memory.events" : "memory.oom_control";
}

int cg_read_key(const struct cg_info *cg, enum cg_ctl c, const char *rel, bool oci,
                const char *file, const char *key, long long *value, struct iso_err *err)
{
    char name[PATH_MAX], line[256];
    void *h = NULL;
    int rc;
    size_t klen = strlen(key);
    bool found = false;

    if (lcg_start(err) < 0)
        return -1;
    cg_name(cg, c, rel, oci, name, sizeof(name));
    rc = cgroup_read_value_begin(names[c], name, (char *)file, &h, line, sizeof(line));
    while (rc == 0) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            const char *end;
            if (parse_ll(line + klen + 1, value, &end) == 0 && (*end == '\0' || *end == '\n'))
                found = true;
        }
        rc = cgroup_read_value_next(&h, line, sizeof(line));
    }
    if (h)
        cgroup_read_value_end(&h);
    if (!found)
        return iso_err_set(err, 0, "no \"%s\" in %s of cgroup \"%s\"", key, file, name);
    return 0;
}
