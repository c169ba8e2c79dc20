/* summary.h - the Markdown job summary's escaping, for its unit test. */
#ifndef ISO_SUMMARY_H
#define ISO_SUMMARY_H

#include <stdio.h>

#include "sink.h"

/* s as literal Markdown text on one line (table cells, headings): markup
 * characters backslash-escaped, < > & as entities, line breaks as spaces. */
void summary_inline(FILE *f, const char *s);

#endif
