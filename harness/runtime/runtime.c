/* runtime.c - the table of runtime drivers, in the order --runtime all runs them. */
#include "runtime.h"

#include <string.h>

static const struct iso_runtime *const runtimes[] = { &rt_builtin, &rt_unshare, &rt_bwrap,
                                                      &rt_crun, &rt_runc };

int rt_count(void) { return (int)ARRAY_LEN(runtimes); }

const struct iso_runtime *rt_at(int i) { return i >= 0 && i < rt_count() ? runtimes[i] : NULL; }

const struct iso_runtime *rt_lookup(const char *name)
{
    for (int i = 0; i < rt_count(); i++)
        if (strcmp(runtimes[i]->name, name) == 0)
            return runtimes[i];
    return NULL;
}

const char *rt_names(void) { return "builtin, unshare, bwrap, crun, runc, all"; }
