/* cgfile.h - the lines of /proc/PID/cgroup, "ID:CONTROLLERS:PATH" (cgroup v1,
 * controllers comma-separated, "name=X" for a named hierarchy) and "0::PATH"
 * (cgroup v2). Pure text: shared by the harness, its cases and the probe. */
#ifndef ISO_CGFILE_H
#define ISO_CGFILE_H

#include <stdbool.h>
#include <stddef.h>

/* One line, as views into the text (not NUL-terminated). */
struct cgfile_line {
    const char *ctls; /* controllers; ctls_len 0 on the v2 line */
    size_t ctls_len;
    const char *path; /* the cgroup path as written, "/..." */
    size_t path_len;
};

/* The next well-formed line at *pos, which moves past it; malformed lines
 * (fewer than two ':') are skipped. false at the end of the text. */
bool cgfile_next(const char **pos, struct cgfile_line *l);
/* The controllers of l one at a time: set *name and *len to the one at
 * *off and move *off past it; false after the last. */
bool cgfile_next_ctl(const struct cgfile_line *l, size_t *off, const char **name, size_t *len);
/* Is ctl one of l's controllers (whole names: "cpu" is not "cpuacct")? */
bool cgfile_has_ctl(const struct cgfile_line *l, const char *ctl);
/* Copy the path of the first line that carries ctl (NULL or "": the v2
 * line) into out, without its leading '/' ("" for the root). Returns 0,
 * or -1 when no line carries it. */
int cgfile_path(const char *text, const char *ctl, char *out, size_t size);

#endif
