/* dl.h - libraries loaded when first needed. libnftables and libsystemd
 * pull in a dozen more libraries (libgmp, libxtables, libgcrypt, liblzma,
 * ...) whose relocation cost every isocheck process milliseconds at
 * start-up (LD_DEBUG=statistics: about three quarters of the dynamic
 * loader's time), while only the NAT cases and systemd delegation use
 * them. The code that needs one loads it on first use. */
#ifndef ISO_DL_H
#define ISO_DL_H

#include <stddef.h>

#include "util.h"

struct dl_sym {
    const char *name;
    void *slot; /* the address of a function pointer of the symbol's type */
};

struct dl_lib {
    const char *soname; /* "libnftables.so.1" */
    void *handle;       /* NULL until loaded */
};

/* Load lib (once) and fill every slot; returns 0, or -1 with err naming
 * the library or the symbol that is missing (the slots are then left
 * NULL). */
int dl_load(struct dl_lib *lib, const struct dl_sym *syms, size_t n, struct iso_err *err);

#endif
