/* mountinfo.h - one line of /proc/PID/mountinfo. */
#ifndef ISO_MOUNTINFO_H
#define ISO_MOUNTINFO_H

#include <stdbool.h>

struct mountinfo_entry {
    int id, parent;
    unsigned major, minor;
    char root[256];
    char mount_point[256];
    char fstype[64];
    char source[256];
    bool shared; /* optional field "shared:N" present */
};

/* Parse one line (without the newline); octal escapes such as \040 are
 * decoded. Returns 0, or -1 when the line is malformed. */
int mountinfo_parse_line(const char *line, struct mountinfo_entry *e);

#endif
