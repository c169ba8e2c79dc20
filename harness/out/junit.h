/* junit.h - the JUnit XML writer's escaping, for its unit tests. */
#ifndef ISO_JUNIT_H
#define ISO_JUNIT_H

#include <stdbool.h>
#include <stdio.h>

#include "sink.h"

/* Write len bytes of s as XML character data (attr: inside a double-quoted
 * attribute, where '"', newlines and tabs become references too). & < >
 * are escaped; control characters, U+FFFE/U+FFFF and bytes that are not
 * UTF-8 become the text \xNN, so the document stays well-formed. */
void junit_escape(FILE *f, const char *s, size_t len, bool attr);

#endif
