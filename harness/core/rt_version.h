/* rt_version.h - what version an external runtime binary says it is. */
#ifndef ISO_RT_VERSION_H
#define ISO_RT_VERSION_H

#include <stddef.h>

/* Run "BIN --version" and keep the first dotted number it prints within
 * 3 s ("crun version 1.8.1" -> "1.8.1"); "" when there is none. A hung
 * runtime must not stall the run: it is judged later, by its preflight. */
void rt_version_read(const char *bin, char *out, size_t size);
/* The first dotted number ("1.8" or longer) that starts a word of text. */
void rt_version_parse(const char *text, char *out, size_t size);

#endif
