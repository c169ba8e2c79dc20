/* cgv2.c - where a run's cgroups go on cgroup v2, and undoing it.
 *
 * A non-root v2 cgroup that holds processes cannot enable controllers for
 * its children (no internal processes), so the parent goes where the
 * harness may subdivide: its own cgroup when it is alone there (or it is
 * the root); else a systemd scope with Delegate=yes it moves into; else a
 * sibling under the nearest ancestor that delegates controllers. Then the
 * kernel's order: move into a leaf "harness" of the run's parent first,
 * then enable the controllers in base's and the parent's subtree_control. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgfile.h"
#include "cgroup.h"
#include "cgroup_int.h"
#include "systemd.h"

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
    if (read_file(cg_join(path, sizeof(path), mount, rel, file), buf, size) < 0)
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
    if (read_file(cg_join(path, sizeof(path), mount, rel, "cgroup.procs"), procs, sizeof(procs)) <
        0)
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
        cg->ctl_ok[c] = false;
        strlcpy0(cg->ctl_why[c], why, sizeof(cg->ctl_why[c]));
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
    cg_find_oci_base(cg);
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
        if (cg->ctl_ok[c] && !has_word(have, cg_names[c]))
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
            if (has_word(sub, cg_names[c]))
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
void cg_v2_prepare(struct cg_info *cg)
{
    char run[PATH_MAX], base[PATH_MAX], path[PATH_MAX + 32], pid[32], have[256];

    if (!v2_place(cg))
        return;
    cg_reap_stale(cg); /* a sibling's place may hold a killed run's */
    cg_join(base, sizeof(base), cg->ctl[0].mount, cg->ctl[0].base);
    cg_path(cg, CG_MEMORY, NULL, run, sizeof(run));
    read_cgfile(base, "", "cgroup.subtree_control", cg->base_had, sizeof(cg->base_had));
    read_cgfile(base, "", "cgroup.controllers", have, sizeof(have));
    snprintf(pid, sizeof(pid), "%d", getpid());
    if ((mkdir(run, 0755) < 0 && errno != EEXIST) ||
        (mkdir(cg_join(path, sizeof(path), run, "harness"), 0755) < 0 && errno != EEXIST) ||
        write_file(cg_join(path, sizeof(path), run, "harness", "cgroup.procs"), pid) < 0) {
        char why[256];
        snprintf(why, sizeof(why), "cgroup v2: cannot create \"%s\": %s", path, strerror(errno));
        v2_fail(cg, why);
        return;
    }
    for (int c = 0; c < CG_NCTL; c++) {
        char word[32];
        const char *where = base;
        if (!cg->ctl_ok[c])
            continue;
        snprintf(word, sizeof(word), "+%s", cg_names[c]);
        if (!has_word(have, cg_names[c]))
            errno = ENOENT; /* the parent of base does not delegate it */
        else if ((has_word(cg->base_had, cg_names[c]) ||
                  write_file(cg_join(path, sizeof(path), base, "cgroup.subtree_control"), word) ==
                      0) &&
                 write_file(cg_join(path, sizeof(path), (where = run), "cgroup.subtree_control"),
                            word) == 0)
            continue;
        cg->ctl_ok[c] = false;
        snprintf(cg->ctl_why[c], sizeof(cg->ctl_why[c]),
                 "cgroup v2: cannot enable %s below %s: %s%s", cg_names[c], where, strerror(errno),
                 errno == ENOENT
                     ? " (not in its cgroup.controllers: its parent does not delegate it)"
                     : "");
    }
}

/* Undo prepare_v2 in the order the kernel accepts: the containers' cgroups
 * go, the controllers are disabled in the parent and then in base (only
 * what the run enabled: a cgroup with controllers in its subtree_control
 * refuses new processes), the harness moves home, the parent goes. */
void cg_v2_cleanup(const struct cg_info *cg)
{
    char run[PATH_MAX], base[PATH_MAX], path[PATH_MAX + 32], sub[256], pid[32];
    struct dirent *e;
    DIR *d;

    cg_path(cg, CG_MEMORY, NULL, run, sizeof(run));
    cg_join(base, sizeof(base), cg->ctl[0].mount, cg->ctl[0].base);
    d = opendir(run);
    if (!d) /* never made: nothing enabled, nothing moved */
        return;
    while ((e = readdir(d)))
        if (e->d_type == DT_DIR && e->d_name[0] != '.' && strcmp(e->d_name, "harness") != 0)
            cg_remove_tree(cg_join(path, sizeof(path), run, e->d_name));
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
            write_file(cg_join(path, sizeof(path), dir, "cgroup.subtree_control"), word);
        }
    }
    snprintf(pid, sizeof(pid), "%d", getpid());
    write_file(cg_join(path, sizeof(path), cg->ctl[0].mount, cg->home, "cgroup.procs"), pid);
    cg_remove_tree(run);
}
