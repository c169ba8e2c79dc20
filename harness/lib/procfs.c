/* procfs.c - /proc/PID/status fields. */
#include "procfs.h"

#include <stdio.h>
#include <string.h>

int procfs_status_field(const char *path, const char *field, char *out, size_t size)
{
    char line[512];
    size_t flen = strlen(field);
    FILE *f = fopen(path, "re");
    int rc = -1;

    if (size)
        out[0] = '\0';
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *p = line + flen + 1, *o = out;

        if (strncmp(line, field, flen) != 0 || line[flen] != ':')
            continue;
        while (*p == '\t' || *p == ' ')
            p++;
        for (; *p && *p != '\n' && (size_t)(o - out) + 1 < size; p++) {
            char c = *p;

            if (c == '\t' || c == ' ')
                c = ','; /* "NSpid:\t5\t1" reads "5,1" */
            *o++ = c;
        }
        *o = '\0';
        rc = 0;
        break;
    }
    fclose(f);
    return rc;
}
