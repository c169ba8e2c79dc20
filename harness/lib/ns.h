/* ns.h - the namespace table: every kind of Linux namespace, its clone
 * flag, its name under /proc/PID/ns, its OCI type and how the command-line
 * runtimes ask for it. Everything that iterates namespaces reads this. */
#ifndef ISO_NS_H
#define ISO_NS_H

#include <sched.h>
#include <stddef.h>

/* glibc's <sched.h> has CLONE_NEWTIME from 2.36 on; Ubuntu 22.04 has 2.35.
 * The kernel's value (5.6 and later; <linux/sched.h> has it too). */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* A column for a tool: the option that asks for the namespace; NS_ALWAYS
 * when the tool makes one whatever it is asked; NULL when it has no way. */
#define NS_ALWAYS ""

struct ns_kind {
    unsigned flag;       /* CLONE_NEW* */
    const char *proc;    /* /proc/PID/ns/NAME */
    const char *oci;     /* linux.namespaces[].type in config.json */
    const char *unshare; /* util-linux unshare(1) option */
    const char *bwrap;   /* bubblewrap option */
    const char *what;    /* "a PID namespace", for reasons */
};

extern const struct ns_kind ns_kinds[];
extern const size_t ns_count;

/* The row of one CLONE_NEW* flag, NULL when it is not a namespace. */
const struct ns_kind *ns_by_flag(unsigned flag);
/* Every namespace flag ORed together. */
unsigned ns_all_flags(void);

#endif
