/* report.h - the probe's report: "key=value" lines. */
#ifndef ISO_REPORT_H
#define ISO_REPORT_H

#include <stddef.h>

#define REPORT_MAX_KEYS 128

struct iso_report {
    char buf[16384];
    int n;
    int garbage; /* lines that were not key=value */
    struct {
        const char *key;
        const char *value;
    } kv[REPORT_MAX_KEYS];
};

/* Parse text into r (copied); returns the number of pairs. A key is
 * [A-Za-z0-9_.-]+; other lines are counted in r->garbage. */
int report_parse(struct iso_report *r, const char *text, size_t len);
/* The last value given for key, or NULL. */
const char *report_get(const struct iso_report *r, const char *key);

#endif
