/* report.c - parse the probe's key=value report. */
#include "report.h"

#include <stdbool.h>
#include <string.h>

static bool valid_key(const char *k, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

int report_parse(struct iso_report *r, const char *text, size_t len)
{
    size_t n = len < sizeof(r->buf) - 1 ? len : sizeof(r->buf) - 1;
    char *line, *next;

    r->n = 0;
    r->garbage = 0;
    memcpy(r->buf, text, n);
    r->buf[n] = '\0';
    for (line = r->buf; line && *line; line = next) {
        char *eq, *end;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        end = line + strlen(line);
        if (end > line && end[-1] == '\r')
            *--end = '\0';
        if (*line == '\0')
            continue;
        eq = strchr(line, '=');
        if (!eq || !valid_key(line, (size_t)(eq - line)) || r->n >= REPORT_MAX_KEYS) {
            r->garbage++;
            continue;
        }
        *eq = '\0';
        r->kv[r->n].key = line;
        r->kv[r->n].value = eq + 1;
        r->n++;
    }
    return r->n;
}

const char *report_get(const struct iso_report *r, const char *key)
{
    for (int i = r->n - 1; i >= 0; i--)
        if (strcmp(r->kv[i].key, key) == 0)
            return r->kv[i].value;
    return NULL;
}
