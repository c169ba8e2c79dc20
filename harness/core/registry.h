/* registry.h - the self-registered cases and the pattern filter. */
#ifndef ISO_REGISTRY_H
#define ISO_REGISTRY_H

#include <stdbool.h>

#include "case.h"

int registry_count(void);
/* Cases in a stable order: files in registration order, cases by line. */
struct iso_case *registry_at(int i);
/* A pattern is a glob on the case name; a bare family ("pid") means "pid.*". */
bool registry_match(const char *pattern, const char *name);
/* Fill sel[] with the indexes of cases matching any pattern (all when
 * npat is 0). Returns the count; *unmatched is the first pattern that
 * matched nothing, or NULL. */
int registry_select(char *const patterns[], int npat, int *sel, int max, const char **unmatched);

#endif
