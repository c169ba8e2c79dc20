/* rt_cmd.h - a spec in each external runtime's own terms: unshare(1) and
 * bwrap argv, an OCI config.json for crun and runc. Pure functions: what a
 * runtime cannot express comes back as ISO_RT_UNSUPPORTED with the reason.
 * The translations live in their drivers' files; the helpers they share
 * are here. */
#ifndef ISO_RT_CMD_H
#define ISO_RT_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"
#include "util.h"

#define ISO_RT_UNSUPPORTED (-2)
#define RT_MAX_ARGS 96
/* bwrap --info-fd: the fd the runtime finds its report channel at */
#define RT_INFO_FD 3

struct rt_argv {
    char *argv[RT_MAX_ARGS];
    int argc;
    char buf[4096]; /* storage for generated strings */
    size_t used;
};

/* A spec translated: the command line, and config.json for OCI. */
struct rt_cmd {
    struct rt_argv a;
    char *config; /* malloc'd, or NULL */
};

/* unshare(1) [options] --root=ROOT PROBE ARGS */
int rt_unshare_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                    struct rt_argv *out, char *why, size_t len);
/* bwrap [options] --bind ROOT / ... PROBE ARGS */
int rt_bwrap_argv(const struct iso_spec *s, const char *bin, char *const probe_argv[],
                  struct rt_argv *out, char *why, size_t len);
/* config.json text (malloc'd) for an OCI runtime. netns_path: a prepared
 * network namespace to join, or NULL; cgroups_path: absolute, or NULL. */
char *rt_oci_config(const struct iso_spec *s, char *const probe_argv[], const char *netns_path,
                    const char *cgroups_path, char *why, size_t len);
/* The same asking only for the capabilities in known_caps (what the
 * runtime can name). */
char *rt_oci_config_known(const struct iso_spec *s, char *const probe_argv[],
                          const char *netns_path, const char *cgroups_path, uint64_t known_caps,
                          char *why, size_t len);

/* Shared by the translations. */
void rt_arg(struct rt_argv *a, const char *arg);
/* A generated argument, kept in a->buf; returns -1 when it does not fit. */
int rt_argf(struct rt_argv *a, const char *fmt, ...) ISO_PRINTF(2, 3);
void rt_arg_probe(struct rt_argv *a, char *const probe_argv[]);
/* "no way to ask for WHAT"; returns ISO_RT_UNSUPPORTED. */
int rt_unsupported(char *why, size_t len, const char *what);
/* The sabotage knobs only the built-in runtime has, and what only it can
 * ask for (setgroups "deny"). */
int rt_builtin_only(const struct iso_spec *s, char *why, size_t len);
/* What neither unshare(1) nor bwrap can express: limits, and the above. */
int rt_no_limits(const struct iso_spec *s, char *why, size_t len);
/* The spec's mounts on docker's and podman's command line, as oci.c
 * writes them: a recursive bind (rw; a daemon binds the source as its own
 * mount namespace sees it), a tmpfs with nosuid, nodev, mode 755 and
 * 1 MiB (--tmpfs takes the options as given: exec, or the tool adds
 * noexec). tool names the runtime in the reason for what it cannot
 * express: a sysfs mount, a path with a comma or colon. */
int rt_cli_mounts(struct rt_argv *a, const struct iso_spec *s, const char *tool, char *why,
                  size_t len);

/* What neither unshare(1) nor bwrap can express of the hardening a spec
 * asks for: inheritable and ambient capabilities, masked paths, seccomp;
 * no_new_privs unless nnp (bwrap always sets it). */
int rt_no_hardening(const struct iso_spec *s, bool nnp, char *why, size_t len);
/* The spec's propagation as OCI's rootfsPropagation: "rprivate", ... */
const char *rt_oci_propagation(const struct iso_spec *s);
/* The [network] table of a podman's containers.conf, for its major
 * version (0 when unknown): network configuration kept in DIR/net. */
int rt_podman_network_conf(int major, const char *dir, char *out, size_t size);
/* "CAP_CHOWN" */
const char *rt_cap_name(int cap, char *buf, size_t len);

#endif
