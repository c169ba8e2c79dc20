/* cgevents.c - cgroup v2 files read or written directly on a container's
 * cgroup (cgroup.kill, cgroup.procs, cgroup.events): libcgroup 2.0 has no
 * call for them, and they are plain files. */
#define _GNU_SOURCE
#include "cgevents.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void cg_file(const struct cg_info *cg, enum cg_ctl c, const char *rel, bool oci, const char *file,
             char *out, size_t size)
{
    const char *parts[] = { oci ? cg->oci_base : cg->ctl[c].base, cg->run, rel ? rel : "",
                            file ? file : "" };
    size_t len = (size_t)snprintf(out, size, "%s", cg->ctl[c].mount);

    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && len < size; i++)
        if (parts[i][0])
            len += (size_t)snprintf(out + len, size - len, "%s%s",
                                    len && out[len - 1] == '/' ? "" : "/", parts[i]);
}

int cg_kill(const struct cg_info *cg, const char *rel, bool oci, struct iso_err *err)
{
    char path[PATH_MAX];

    cg_file(cg, CG_MEMORY, rel, oci, "cgroup.kill", path, sizeof(path));
    if (write_file(path, "1") < 0)
        return iso_err_set(err, errno, "write 1 to \"%s\"", path);
    return 0;
}

static int count_in(const char *dir, int depth, int *count, struct iso_err *err)
{
    char path[PATH_MAX + 16], buf[8192];
    ssize_t n;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    n = read_file(path, buf, sizeof(buf));
    if (n < 0)
        return iso_err_set(err, errno, "read \"%s\"", path);
    for (ssize_t i = 0; i < n; i++)
        *count += buf[i] == '\n';
    if (depth >= 8 || !(d = opendir(dir)))
        return 0;
    while ((e = readdir(d))) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (count_in(path, depth + 1, count, err) < 0) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    return 0;
}

int cg_count_procs(const struct cg_info *cg, const char *rel, bool oci, int *count,
                   struct iso_err *err)
{
    char dir[PATH_MAX];

    cg_file(cg, CG_MEMORY, rel, oci, NULL, dir, sizeof(dir));
    *count = 0;
    return count_in(dir, 0, count, err);
}

int cg_wait_unpopulated(const struct cg_info *cg, const char *rel, bool oci, int timeout_ms,
                        struct iso_err *err)
{
    char path[PATH_MAX], buf[256] = "";
    struct timespec nap = { 0, 2000000L };

    cg_file(cg, CG_MEMORY, rel, oci, "cgroup.events", path, sizeof(path));
    for (int waited = 0;; waited += 2) {
        /* a cgroup removed meanwhile (an OCI runtime removes its own once
         * the container is gone) was empty: rmdir takes only empty ones */
        if (read_file(path, buf, sizeof(buf)) < 0)
            return errno == ENOENT || errno == ENODEV
                       ? 0
                       : iso_err_set(err, errno, "read \"%s\"", path);
        if (strstr(buf, "populated 0"))
            return 0;
        if (waited >= timeout_ms)
            break;
        nanosleep(&nap, NULL);
    }
    buf[strcspn(buf, "\n")] = '\0';
    return iso_err_set(err, 0, "\"%s\" still says \"%s\" after %d ms", path, buf, timeout_ms);
}
