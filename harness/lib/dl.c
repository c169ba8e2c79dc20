/* dl.c - load a library and its symbols on first use. */
#define _GNU_SOURCE
#include "dl.h"

#include <dlfcn.h>
#include <string.h>

int dl_load(struct dl_lib *lib, const struct dl_sym *syms, size_t n, struct iso_err *err)
{
    void *h = lib->handle;

    if (!h && !(h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)))
        return iso_err_set(err, 0, "load \"%s\": %s", lib->soname, dlerror());
    for (size_t i = 0; i < n; i++) {
        void *p = dlsym(h, syms[i].name);
        if (!p) {
            for (size_t j = 0; j < i; j++)
                memset(syms[j].slot, 0, sizeof(p));
            return iso_err_set(err, 0, "\"%s\" has no symbol \"%s\"", lib->soname, syms[i].name);
        }
        /* POSIX guarantees a function pointer round-trips through void * */
        memcpy(syms[i].slot, &p, sizeof(p));
    }
    lib->handle = h;
    return 0;
}
