/* procfs.h - small readers of /proc files, shared by the harness and the probe. */
#ifndef ISO_PROCFS_H
#define ISO_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

/* Value of "Field:" in a /proc/PID/status file, blanks turned into ','
 * ("NSpid:\t1234\t1" -> "1234,1"). Returns 0, or -1 when absent. */
int procfs_status_field(const char *path, const char *field, char *out, size_t size);

#endif
