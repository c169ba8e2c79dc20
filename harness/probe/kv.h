/* kv.h - the report format the probe's families share: key=value lines on
 * stdout, errno values by name, and the "ready=1" handshake with the lab. */
#ifndef ISO_PROBE_KV_H
#define ISO_PROBE_KV_H

void probe_kv(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "EPERM" for EPERM; "ok" for 0. */
const char *probe_errname(int errnum);
/* Report ready=1, then block until the lab sends a line or closes stdin. */
void probe_wait_for_lab(void);
/* The target of a /proc symlink ("time:[4026531834]"), or "error:ENOENT". */
void probe_kv_link(const char *key, const char *path);

#endif
