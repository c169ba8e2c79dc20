/* leak.c - the per-case leak check (see leak.h). */
#define _GNU_SOURCE
#include "leak.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "dockerd.h"
#include "lab.h"
#include "mountinfo.h"
#include "util.h"

/* --- the pure part ------------------------------------------------------- */

void leak_append(char *out, size_t size, const char *text)
{
    size_t len = strnlen(out, size);

    if (size < 4 || len >= size)
        return;
    if (len == size - 1 && strcmp(out + len - 3, "...") == 0)
        return; /* already full */
    if ((size_t)snprintf(out + len, size - len, "%s%s", len ? "; " : "", text) >= size - len)
        memcpy(out + size - 4, "...", 4);
}

/* Is the line [l, l+n) one of the lines of set? */
static bool has_line(const char *set, const char *l, size_t n)
{
    for (const char *p = set; *p;) {
        const char *e = strchrnul(p, '\n');
        if ((size_t)(e - p) == n && memcmp(p, l, n) == 0)
            return true;
        p = *e ? e + 1 : e;
    }
    return false;
}

int leak_diff(const char *before, const char *after, char *out, size_t size)
{
    int count = 0;
    char line[512];

    for (const char *p = after; *p;) {
        const char *e = strchrnul(p, '\n');
        size_t n = (size_t)(e - p);
        if (n > 0 && !has_line(before, p, n)) {
            if (n >= sizeof(line))
                n = sizeof(line) - 1;
            memcpy(line, p, n);
            line[n] = '\0';
            leak_append(out, size, line);
            count++;
        }
        p = *e ? e + 1 : e;
    }
    return count;
}

int leak_parse_stat(const char *text, struct leak_proc *p)
{
    const char *open = strchr(text, '('), *close = strrchr(text, ')');
    long long v[3];
    const char *s;
    size_t n;

    if (!open || !close || close < open || parse_ll(text, v, &s) < 0 || *s != ' ' ||
        close[1] != ' ')
        return -1;
    p->pid = (int)v[0];
    n = (size_t)(close - open - 1);
    if (n >= sizeof(p->comm))
        n = sizeof(p->comm) - 1;
    memcpy(p->comm, open + 1, n);
    p->comm[n] = '\0';
    s = close + 2; /* state, ppid, pgrp */
    if (!isalpha((unsigned char)*s) || s[1] != ' ')
        return -1;
    p->state = *s;
    s += 2;
    for (int i = 1; i < 3; i++) {
        if (parse_ll(s, &v[i], &s) < 0)
            return -1;
        while (*s == ' ')
            s++;
    }
    p->ppid = (int)v[1];
    p->pgid = (int)v[2];
    return 0;
}

/* Is ps[i] below self, following parents within ps? */
static bool below(const struct leak_proc *ps, int n, int i, int self)
{
    for (int hops = 0; hops < n; hops++) {
        int parent = ps[i].ppid, next = -1;
        if (parent == self)
            return true;
        for (int j = 0; j < n && next < 0; j++)
            if (ps[j].pid == parent)
                next = j;
        if (next < 0)
            return false;
        i = next;
    }
    return false; /* a loop: not a tree we can trust */
}

int leak_escaped(const struct leak_proc *ps, int n, int self, int pgid, int *idx, int max)
{
    int count = 0;

    for (int i = 0; i < n; i++) {
        if (ps[i].pid == self || ps[i].pgid == pgid || ps[i].state == 'Z' || ps[i].state == 'X')
            continue;
        if (!below(ps, n, i, self))
            continue;
        if (count < max)
            idx[count] = i;
        count++;
    }
    return count;
}

/* Below a runtime daemon's state directory (dockerd's, in the lab's own
 * mount namespace): its containers' mounts there come and go with every
 * case that runs beside this one, and stopping the daemon removes them. */
static bool daemon_owned(const char *point)
{
    static const char *const dirs[] = { DOCKERD_DIR "/", DOCKERD_USERNS_DIR "/" };

    for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
        if (strncmp(point, dirs[i], strlen(dirs[i])) == 0)
            return true;
    return false;
}

size_t leak_mount_lines(const char *mountinfo, char *out, size_t size, size_t len)
{
    char line[2048];
    struct mountinfo_entry e;

    for (const char *p = mountinfo; *p && len < size;) {
        const char *end = strchrnul(p, '\n');
        size_t n = (size_t)(end - p);
        if (n < sizeof(line)) {
            memcpy(line, p, n);
            line[n] = '\0';
            if (mountinfo_parse_line(line, &e) == 0 && !daemon_owned(e.mount_point))
                len +=
                    (size_t)snprintf(out + len, size - len, "mount %d %s\n", e.id, e.mount_point);
        }
        p = *end ? end + 1 : end;
    }
    return len < size ? len : size - 1;
}

size_t leak_ipc_lines(const char *kind, const char *text, char *out, size_t size, size_t len)
{
    const char *p = strchr(text, '\n'); /* the header */

    while (p && *++p && len < size) {
        long long key, id;
        const char *s = p + strspn(p, " ");
        if (parse_ll(s, &key, &s) == 0 && parse_ll(s + strspn(s, " "), &id, &s) == 0 &&
            (*s == ' ' || *s == '\n' || !*s))
            len += (size_t)snprintf(out + len, size - len, "%s key=%lld id=%lld\n", kind, key, id);
        p = strchr(p, '\n');
    }
    return len < size ? len : size - 1;
}

bool leak_expected_entry(const char *name)
{
    static const char *const fixed[] = { ".", "..", "rootfs", "isoprobe", "marker" };
    const char *d = name + 1;

    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        if (strcmp(name, fixed[i]) == 0)
            return true;
    if (name[0] != 'c' || !*d)
        return false;
    while (isdigit((unsigned char)*d))
        d++;
    return *d == '\0';
}

/* --- the case side ------------------------------------------------------- */

void leak_case_begin(void) { prctl(PR_SET_CHILD_SUBREAPER, 1); }

static int read_proc(int pid, struct leak_proc *p)
{
    char path[64], buf[1024];

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if (read_file(path, buf, sizeof(buf)) < 0)
        return -1;
    return leak_parse_stat(buf, p);
}

/* Every process of the lab (its /proc); returns how many, at most max. */
static int list_procs(struct leak_proc *ps, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    while (d && n < max && (e = readdir(d))) {
        long long pid;
        const char *end;
        if (parse_ll(e->d_name, &pid, &end) == 0 && !*end && read_proc((int)pid, &ps[n]) == 0)
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

/* A runtime's monitor (podman's conmon) ends a moment after its
 * container, and on a loaded machine (a CI runner, a soak) that moment
 * was seen to pass 300 ms: a descendant that is gone within 2 s is not a
 * leak. Only a case with such a straggler waits. */
static int kill_escaped(char *out, size_t size)
{
    static struct leak_proc ps[1024];
    const struct timespec tick = { 0, 10000000 };
    int n, idx[64], count;
    char text[128];

    for (int tries = 0;; tries++) {
        pid_t w;
        while ((w = waitpid(-1, NULL, WNOHANG)) > 0) /* we are their subreaper */
            ;
        /* No child at all, living or dead: then no descendant either (an
         * orphan below us becomes our child), and /proc need not be read. */
        if (w < 0 && errno == ECHILD)
            return 0;
        n = list_procs(ps, (int)ARRAY_LEN(ps));
        count = leak_escaped(ps, n, getpid(), getpgrp(), idx, (int)ARRAY_LEN(idx));
        if (count == 0 || tries == 200)
            break;
        nanosleep(&tick, NULL);
    }

    for (int i = 0; i < count && i < (int)ARRAY_LEN(idx); i++) {
        const struct leak_proc *p = &ps[idx[i]];
        snprintf(text, sizeof(text), "process %d (%s) in process group %d", p->pid, p->comm,
                 p->pgid);
        leak_append(out, size, text);
        kill(p->pid, SIGKILL);
    }
    return count;
}

/* The processes in cgroup dir and below that are not in our process
 * group: listed and killed. */
static int scan_cgroup(const char *dir, const char *rel, char *out, size_t size, int depth)
{
    char path[PATH_MAX], procs[4096], *save = NULL;
    int count = 0;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    if (read_file(path, procs, sizeof(procs)) > 0)
        for (char *p = strtok_r(procs, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
            long long pid;
            struct leak_proc pr = { 0 };
            char text[PATH_MAX + 96];
            if (parse_ll(p, &pid, NULL) < 0)
                continue;
            if (pid > 0 &&
                (read_proc((int)pid, &pr) < 0 || pr.pgid == getpgrp() || pr.state == 'Z'))
                continue;
            if (pid > 0)
                snprintf(text, sizeof(text), "process %lld (%s) in cgroup %s", pid, pr.comm, rel);
            else
                snprintf(text, sizeof(text), "a process outside the lab in cgroup %s", rel);
            leak_append(out, size, text);
            if (pid > 0)
                kill((pid_t)pid, SIGKILL);
            count++;
        }
    if (depth > 8 || !(d = opendir(dir)))
        return count;
    while ((e = readdir(d))) {
        char sub[PATH_MAX], subrel[PATH_MAX];
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
        snprintf(subrel, sizeof(subrel), "%s/%s", rel, e->d_name);
        count += scan_cgroup(sub, subrel, out, size, depth + 1);
    }
    closedir(d);
    return count;
}

/* The run's parent in one hierarchy: the case's cgroups "c<index>n*". */
static int scan_run_parent(const char *parent, int index, char *out, size_t size)
{
    char prefix[32], dir[PATH_MAX];
    size_t plen = (size_t)snprintf(prefix, sizeof(prefix), "c%dn", index);
    DIR *d = opendir(parent);
    struct dirent *e;
    int count = 0;

    while (d && (e = readdir(d))) {
        if (e->d_type != DT_DIR || strncmp(e->d_name, prefix, plen) != 0)
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", parent, e->d_name);
        count += scan_cgroup(dir, e->d_name, out, size, 0);
    }
    if (d)
        closedir(d);
    return count;
}

static int case_cgroups(const struct cg_info *cg, int index, char *out, size_t size)
{
    char seen[CG_NCTL + CG_MAX_MOUNTS][PATH_MAX];
    int nseen = 0, count = 0;

    if (!cg->set_up || !cg->run[0])
        return 0;
    for (int i = 0; i < CG_NCTL + cg->nmounts && nseen < (int)ARRAY_LEN(seen); i++) {
        char parent[PATH_MAX];
        bool dup = false;
        if (i < CG_NCTL && !cg->ctl_ok[i])
            continue;
        if (i >= CG_NCTL && !cg->oci_ok)
            continue;
        if (i < CG_NCTL)
            cg_path(cg, (enum cg_ctl)i, NULL, parent, sizeof(parent));
        else
            snprintf(parent, sizeof(parent), "%s/%s/%s", cg->h[i - CG_NCTL].mount, cg->oci_base,
                     cg->run);
        for (int j = 0; j < nseen && !dup; j++)
            dup = strcmp(seen[j], parent) == 0;
        if (dup)
            continue;
        strlcpy0(seen[nseen++], parent, sizeof(seen[0]));
        count += scan_run_parent(parent, index, out, size);
    }
    return count;
}

int leak_case_end(const struct iso_config *cfg, int index, char *out, size_t size)
{
    int count = kill_escaped(out, size);

    return count + case_cgroups(&cfg->cg, index, out, size);
}

/* --- the runner side ----------------------------------------------------- */

#define LAB_SNAP ((size_t)64 * 1024)

struct leak_lab {
    int mountinfo_fd; /* the lab's /proc/self/mountinfo, kept open to poll */
    size_t mounts_len;
    char mounts[LAB_SNAP]; /* its lines, as last read */
    char known[LAB_SNAP];
    char now[LAB_SNAP];
    char buf[LAB_SNAP];
};

/* The lab's mount lines into out. They are read again only when the kernel
 * says the lab's mount table changed since the last look (mountinfo polls
 * POLLPRI then, as systemd watches it): a case mounts in namespaces of its
 * own, so between cases nothing changes and nothing is read. */
static size_t mount_lines(struct leak_lab *l, char *out)
{
    struct pollfd p = { l->mountinfo_fd, POLLPRI, 0 };
    ssize_t n;
    size_t total = 0;

    if (l->mountinfo_fd < 0 || poll(&p, 1, 0) != 0) {
        if (l->mountinfo_fd < 0)
            l->mountinfo_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
        else
            lseek(l->mountinfo_fd, 0, SEEK_SET);
        while (l->mountinfo_fd >= 0 && total < LAB_SNAP - 1 &&
               ((n = read(l->mountinfo_fd, l->buf + total, LAB_SNAP - 1 - total)) > 0 ||
                (n < 0 && errno == EINTR)))
            total += n > 0 ? (size_t)n : 0;
        l->buf[total] = '\0';
        l->mounts[0] = '\0';
        l->mounts_len = leak_mount_lines(l->buf, l->mounts, LAB_SNAP, 0);
    }
    memcpy(out, l->mounts, l->mounts_len + 1);
    return l->mounts_len;
}

static size_t list_dir(const char *dir, bool all, char *out, size_t size, size_t len)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d)) && len < size) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        if (!all && leak_expected_entry(e->d_name))
            continue;
        len += (size_t)snprintf(out + len, size - len, "file %s/%s\n", dir, e->d_name);
    }
    if (d)
        closedir(d);
    return len < size ? len : size - 1;
}

/* How many objects of one SysV IPC kind the lab's namespace holds, -1 if
 * unknown: its /proc/sysvipc file is read only when there are some. */
static int ipc_count(size_t kind)
{
    struct shm_info shm;
    struct msginfo msg;
    struct seminfo sem;

    if (kind == 0)
        return shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&shm) < 0 ? -1 : shm.used_ids;
    if (kind == 1)
        return msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&msg) < 0 ? -1 : msg.msgpool;
    return semctl(0, 0, SEM_INFO, &sem) < 0 ? -1 : sem.semusz;
}

static void snapshot(struct leak_lab *l, char *out)
{
    static const char *const ipc[] = { "shm", "msg", "sem" };
    size_t len = 0;

    len = mount_lines(l, out);
    for (size_t i = 0; i < ARRAY_LEN(ipc); i++) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/sysvipc/%s", ipc[i]);
        if (ipc_count(i) != 0 && read_file(path, l->buf, sizeof(l->buf)) >= 0)
            len = leak_ipc_lines(ipc[i], l->buf, out, LAB_SNAP, len);
    }
    len = list_dir("/run", true, out, LAB_SNAP, len);
    list_dir(LAB_DIR, false, out, LAB_SNAP, len);
}

struct leak_lab *leak_lab_new(void)
{
    struct leak_lab *l = malloc(sizeof(*l));

    if (l) {
        l->mountinfo_fd = -1;
        snapshot(l, l->known);
    }
    return l;
}

int leak_lab_check(struct leak_lab *l, char *out, size_t size)
{
    int count;

    if (!l) {
        leak_append(out, size, "the lab could not be looked at (out of memory)");
        return 1;
    }
    snapshot(l, l->now);
    count = leak_diff(l->known, l->now, out, size);
    memcpy(l->known, l->now, strlen(l->now) + 1);
    return count;
}

void leak_lab_free(struct leak_lab *l)
{
    if (l)
        closep(&l->mountinfo_fd);
    free(l);
}
