/* registry.c - cases register themselves from constructors. */
#include "registry.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#define MAX_CASES 512

static struct iso_case *cases[MAX_CASES];
static int ncases;
static bool sorted;

void iso_register(struct iso_case *c)
{
    int order = 0;

    if (ncases >= MAX_CASES)
        abort();
    for (int i = 0; i < ncases; i++) {
        if (strcmp(cases[i]->file, c->file) == 0) {
            order = cases[i]->order;
            break;
        }
        if (cases[i]->order >= order)
            order = cases[i]->order + 1;
    }
    c->order = order;
    cases[ncases++] = c;
    sorted = false;
}

static int by_order(const void *a, const void *b)
{
    const struct iso_case *x = *(struct iso_case *const *)a, *y = *(struct iso_case *const *)b;
    if (x->order != y->order)
        return x->order - y->order;
    return x->line - y->line;
}

int registry_count(void) { return ncases; }

struct iso_case *registry_at(int i)
{
    if (!sorted) {
        qsort(cases, (size_t)ncases, sizeof(struct iso_case *), by_order); /* the pointers */
        sorted = true;
    }
    return (i >= 0 && i < ncases) ? cases[i] : NULL;
}

bool registry_match(const char *pattern, const char *name)
{
    char family[256];

    if (fnmatch(pattern, name, 0) == 0)
        return true;
    if (snprintf(family, sizeof(family), "%s.*", pattern) >= (int)sizeof(family))
        return false;
    return strchr(pattern, '.') == NULL && fnmatch(family, name, 0) == 0;
}

int registry_select(char *const patterns[], int npat, int *sel, int max, const char **unmatched)
{
    int n = 0;

    *unmatched = NULL;
    for (int p = 0; p < npat; p++) {
        bool any = false;
        for (int i = 0; i < registry_count(); i++)
            any |= registry_match(patterns[p], registry_at(i)->name);
        if (!any) {
            *unmatched = patterns[p];
            return 0;
        }
    }
    for (int i = 0; i < registry_count() && n < max; i++) {
        bool want = npat == 0;
        for (int p = 0; p < npat && !want; p++)
            want = registry_match(patterns[p], registry_at(i)->name);
        if (want)
            sel[n++] = i;
    }
    return n;
}
