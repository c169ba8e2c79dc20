/* idmap.h - uid_map/gid_map lines: "inner outer count". */
#ifndef ISO_IDMAP_H
#define ISO_IDMAP_H

#include <stddef.h>

struct iso_idmap {
    unsigned inner, outer, count;
};

/* Format n entries as the kernel wants them written, one per line.
 * Returns the length, or -1 if it does not fit or an entry is empty. */
int idmap_format(char *buf, size_t size, const struct iso_idmap *m, int n);
/* Parse the text of /proc/PID/uid_map (any whitespace). Returns the number
 * of entries, or -1 on malformed text or more than max entries. */
int idmap_parse(const char *text, struct iso_idmap *m, int max);
/* "0 100000 65536;..." : a one-line canonical form for reports. */
int idmap_canon(char *buf, size_t size, const struct iso_idmap *m, int n);

#endif
