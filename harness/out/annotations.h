/* annotations.h - the GitHub workflow-command writer's escaping, for its
 * unit test. */
#ifndef ISO_ANNOTATIONS_H
#define ISO_ANNOTATIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "sink.h"

/* s as @actions/core writes it: % CR LF as %25 %0D %0A; in a property
 * (file=, title=) also : and , as %3A and %2C. */
void annotation_escape(FILE *f, const char *s, bool property);

#endif
