/* table.c - the runtime drivers, in the order --runtime all runs them, and
 * what is asked of a driver by name. A new driver is one row here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ext.h"

/* The rows, each defined in its driver's file. */
extern const struct iso_runtime rt_builtin, rt_unshare, rt_bwrap, rt_crun, rt_runc, rt_podman,
    rt_lxc, rt_nspawn, rt_docker;

static const struct iso_runtime *const runtimes[] = {
    &rt_builtin, &rt_unshare, &rt_bwrap,  &rt_crun,   &rt_runc,
    &rt_podman,  &rt_lxc,     &rt_nspawn, &rt_docker,
};

static const struct iso_config *config;

int rt_count(void) { return (int)ARRAY_LEN(runtimes); }

const struct iso_runtime *rt_at(int i) { return i >= 0 && i < rt_count() ? runtimes[i] : NULL; }

const struct iso_runtime *rt_lookup(const char *name)
{
    for (int i = 0; i < rt_count(); i++)
        if (strcmp(runtimes[i]->name, name) == 0)
            return runtimes[i];
    return NULL;
}

const char *rt_names(void)
{
    static char names[256];

    if (!names[0]) {
        size_t off = 0;
        for (int i = 0; i < rt_count() && off < sizeof(names); i++)
            off += (size_t)snprintf(names + off, sizeof(names) - off, "%s, ", runtimes[i]->name);
        if (off < sizeof(names))
            snprintf(names + off, sizeof(names) - off, "all");
    }
    return names;
}

void rt_configure(const struct iso_config *cfg) { config = cfg; }

const struct iso_config *rt_config(void) { return config; }

bool rt_supports(const struct iso_runtime *rt, const struct iso_spec *s, char *why, size_t len)
{
    static char *const probe[] = { "isoprobe", "pid", NULL };
    struct rt_cmd cmd;
    int rc;

    cmd.config = NULL;
    rc = rt->translate(rt, s, probe, &cmd, why, len);
    free(cmd.config);
    return rc == 0;
}

int rt_set_path(const char *name, const char *path, char *why, size_t len)
{
    const struct iso_runtime *rt = rt_lookup(name);
    struct stat st;

    if (!rt || !rt->bin) {
        size_t off = (size_t)snprintf(why, len, "'%s' is not an external runtime (", name);
        for (int i = 0; i < rt_count() && off < len; i++)
            if (runtimes[i]->bin)
                off += (size_t)snprintf(why + off, len - off, "%s%s",
                                        off && why[off - 1] != '(' ? ", " : "", runtimes[i]->name);
        if (off < len)
            snprintf(why + off, len - off, ")");
        return -1;
    }
    errno = 0;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
        snprintf(why, len, "'%s' is not executable: %s", path,
                 errno ? strerror(errno) : "not a regular file");
        return -1;
    }
    strlcpy0(rt->bin->path, path, sizeof(rt->bin->path));
    return 0;
}

const char *rt_binary(const char *name)
{
    const struct iso_runtime *rt = rt_lookup(name);
    char why[256];

    return rt && rt->bin && rt_find_bin(rt->bin, why, sizeof(why)) ? rt->bin->path : NULL;
}

void rt_cleanup(const struct iso_runtime *rt, const char *workdir) { rt->cleanup(rt, workdir); }
