/* cgroup_int.h - what cgroup.c (discovery, the run's parent), cgv2.c (v2
 * placement) and cglimits.c (a container's cgroups) share; not for callers
 * outside harness/host. */
#ifndef ISO_CGROUP_INT_H
#define ISO_CGROUP_INT_H

#include <stddef.h>

#include "cgroup.h"

extern const char *const cg_names[CG_NCTL];

/* Join the parts with one '/' between them; empty parts are left out, so
 * a base of "" (the hierarchy's root) adds nothing. */
char *cg_join_parts(char *out, size_t size, const char *const parts[]);
#define cg_join(out, size, ...) cg_join_parts(out, size, (const char *const[]){ __VA_ARGS__, NULL })

/* Where OCI runtimes' cgroupsPath goes: the deepest own cgroup, if every
 * other hierarchy's own cgroup is a prefix of it. */
void cg_find_oci_base(struct cg_info *cg);
/* Remove a tree of cgroups, children first, killing what is left in one. */
void cg_remove_tree(const char *path);

/* v2 (cgv2.c): choose where the run's parent goes, make it, move the
 * harness into its leaf and enable the controllers; and undo that. */
void cg_v2_prepare(struct cg_info *cg);
void cg_v2_cleanup(const struct cg_info *cg);

#endif
