/* tap.c - TAP writer. Version 13 is the default because the prove of
 * Debian 12 and Ubuntu 24.04 rejects "TAP version 14"; 14 on request.
 * Each result is written with one fflush so a killed run never leaves half
 * a line before its "Bail out!". */
#include "tap.h"

#include <stdarg.h>
#include <string.h>

void tap_begin(struct tap_writer *w, FILE *f, int version)
{
    w->f = f;
    w->version = version;
    w->count = 0;
    w->indent = 0;
    fprintf(f, "TAP version %d\n", version);
    fflush(f);
}

void tap_plan(struct tap_writer *w, int n)
{
    fprintf(w->f, "%*s1..%d\n", w->indent, "", n);
    fflush(w->f);
}

void tap_escape(char *out, size_t size, const char *in)
{
    size_t o = 0;

    if (size == 0)
        return;
    for (const char *p = in ? in : ""; *p && o + 1 < size; p++) {
        char c = *p;
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        if (c == '#' || c == '\\') {
            if (o + 2 >= size)
                break;
            out[o++] = '\\';
        }
        out[o++] = c;
    }
    out[o] = '\0';
}

size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;

    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0)
        len = 2, cp = p[0] & 0x1f, min = 0x80;
    else if ((p[0] & 0xf0) == 0xe0)
        len = 3, cp = p[0] & 0x0f, min = 0x800;
    else if ((p[0] & 0xf8) == 0xf0)
        len = 4, cp = p[0] & 0x07, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void tap_yaml_quote(FILE *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t n;

        switch (c) {
        case '"':
            fputs("\\\"", f);
            i++;
            continue;
        case '\\':
            fputs("\\\\", f);
            i++;
            continue;
        case '\n':
            fputs("\\n", f);
            i++;
            continue;
        case '\t':
            fputs("\\t", f);
            i++;
            continue;
        case '\r':
            fputs("\\r", f);
            i++;
            continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\x%02x", c);
            i++;
            continue;
        }
        n = utf8_len(p + i, len - i);
        if (n == 0) {
            fprintf(f, "\\x%02x", c);
            i++;
            continue;
        }
        fwrite(p + i, 1, n, f);
        i += n;
    }
    fputc('"', f);
}

static void write_yaml_key(FILE *f, const char *key)
{
    bool any = false;
    for (const char *p = key; *p; p++) {
        char c = *p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-';
        fputc(plain ? c : '_', f);
        any = true;
    }
    if (!any)
        fputs("key", f);
}

void tap_yaml_pairs(FILE *f, int indent, const char *diag, size_t len)
{
    size_t off = 0;

    while (off < len) {
        const char *key = diag + off;
        size_t klen = strnlen(key, len - off);
        const char *val;
        size_t vlen;

        off += klen + 1;
        if (off > len)
            break;
        val = diag + off;
        vlen = strnlen(val, len - off);
        off += vlen + 1;
        fprintf(f, "%*s", indent, "");
        write_yaml_key(f, key);
        fputs(": ", f);
        tap_yaml_quote(f, val, vlen);
        fputc('\n', f);
    }
}

static void write_diag(struct tap_writer *w, const char *diag, size_t len)
{
    fprintf(w->f, "%*s  ---\n", w->indent, "");
    tap_yaml_pairs(w->f, w->indent + 2, diag, len);
    fprintf(w->f, "%*s  ...\n", w->indent, "");
}

void tap_emit(struct tap_writer *w, const struct tap_result *r)
{
    char name[512], reason[512];

    tap_escape(name, sizeof(name), r->name);
    w->count++;
    fprintf(w->f, "%*s%s %d - %s", w->indent, "", r->ok ? "ok" : "not ok", w->count, name);
    if (r->directive) {
        tap_escape(reason, sizeof(reason), r->reason);
        fprintf(w->f, " # %s%s%s", r->directive, reason[0] ? " " : "", reason);
    } else if (r->note && r->note[0]) {
        tap_escape(reason, sizeof(reason), r->note);
        fprintf(w->f, " # %s", reason);
    }
    fputc('\n', w->f);
    if (r->diag && r->diag_len > 0)
        write_diag(w, r->diag, r->diag_len);
    fflush(w->f);
}

void tap_bail(struct tap_writer *w, const char *reason)
{
    char text[512];
    tap_escape(text, sizeof(text), reason);
    /* A bail out is never indented: it stops the whole stream. */
    fprintf(w->f, "Bail out! %s\n", text);
    fflush(w->f);
}

void tap_comment(struct tap_writer *w, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        fprintf(w->f, "%*s# %s\n", w->indent, "", line);
    }
    fflush(w->f);
}
