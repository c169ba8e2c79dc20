/* preflight.h - what this host is, for the start of every run's TAP and
 * for `isocheck --preflight`: kernel, distribution, cgroup layout, systemd,
 * AppArmor's user-namespace sysctls, KVM, and where each runtime's binary
 * is (and which one sudo's secure_path finds first). Facts are read, never
 * changed; each is one line handed to emit. */
#ifndef ISO_PREFLIGHT_H
#define ISO_PREFLIGHT_H

#include <stddef.h>

struct iso_runtime;

typedef void (*preflight_emit)(void *arg, const char *line);

/* The host's facts, one line each. */
void preflight_host(preflight_emit emit, void *arg);
/* One line per runtime that runs a binary: its path, version (may be
 * NULL) and the binary sudo's secure_path would run instead. */
void preflight_runtimes(const struct iso_runtime *const *rts, const char *const *versions, int n,
                        preflight_emit emit, void *arg);

/* --- pure parsers (unit-tested) --- */

/* PRETTY_NAME of an os-release text (quotes and escapes removed), else
 * NAME VERSION_ID; -1 when neither is there. */
int preflight_os_name(const char *text, char *out, size_t size);
/* The last `Defaults secure_path="..."` (or unquoted) of a sudoers text;
 * -1 when it sets none. */
int preflight_secure_path(const char *text, char *out, size_t size);
/* The first DIR/exe in a colon-separated path list that is an executable
 * file; -1 when none is. */
int preflight_path_lookup(const char *pathlist, const char *exe, char *out, size_t size);

#endif
