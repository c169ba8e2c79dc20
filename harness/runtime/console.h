/* console.h - a container's terminal as OCI runtimes hand it over: the
 * runtime connects to a unix socket the lab listens on (--console-socket)
 * and sends the pty's master with SCM_RIGHTS; the lab keeps it open,
 * relays what the container writes to it, and closes it at the end. */
#ifndef ISO_CONSOLE_H
#define ISO_CONSOLE_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "util.h"

/* The one descriptor a console-socket message carries: its first
 * SOL_SOCKET/SCM_RIGHTS control message must hold exactly one. Every
 * other descriptor it carries is closed (a runtime may not plant more in
 * the lab). Returns the descriptor, or -1 with why (a message with no
 * rights, a truncated control buffer, or several descriptors). */
int console_msg_fd(struct msghdr *m, char *why, size_t len);

/* Receive the master on an accepted console-socket connection: the
 * message's payload (the runtime's name for the pty, runc sends the
 * terminal's path) goes to name. */
int console_recv(int conn, char *name, size_t size, struct iso_err *err);

/* What the pty's line discipline added on its way out (ONLCR turns "\n"
 * into "\r\n"): every "\r\n" of buf[0..n) made "\n" in place, a lone "\r"
 * kept; returns the new length. *cr carries a "\r" that ended the last
 * chunk into the next (start with 0). */
size_t console_strip_cr(char *buf, size_t n, int *cr);

/* A listening unix socket at path (removed first if there). */
int console_listen(const char *path, struct iso_err *err);

#endif
