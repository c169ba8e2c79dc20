/* tap.h - TAP 13/14 writer: plan, results with YAML diagnostics, bail out. */
#ifndef ISO_TAP_H
#define ISO_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

struct tap_writer {
    FILE *f;
    int version; /* 13 or 14 */
    int count;   /* results written so far */
    int indent;  /* spaces before every line (TAP 14 subtests) */
};

/* Diagnostics travel as a packed list "key\0value\0key\0value\0". */
struct tap_result {
    bool ok;
    const char *name;
    const char *directive; /* "SKIP", "TODO" or NULL */
    const char *reason;    /* text after the directive, may be NULL */
    const char *note;      /* "time=1.20ms", "timeout": after " # " when no directive */
    const char *diag;
    size_t diag_len;
};

void tap_begin(struct tap_writer *w, FILE *f, int version);
void tap_plan(struct tap_writer *w, int n);
void tap_emit(struct tap_writer *w, const struct tap_result *r);
void tap_bail(struct tap_writer *w, const char *reason);
void tap_comment(struct tap_writer *w, const char *fmt, ...) ISO_PRINTF(2, 3);

/* Escape '#' and '\' (and fold newlines) in a description or reason. */
void tap_escape(char *out, size_t size, const char *in);
/* Write s as a YAML double-quoted scalar; bytes that are not UTF-8 become \xNN. */
void tap_yaml_quote(FILE *f, const char *s, size_t len);
/* The packed diagnostics "key\0value\0..." as YAML lines "key: "value"",
 * each indented by indent spaces (the TAP block, JUnit's failure text). */
void tap_yaml_pairs(FILE *f, int indent, const char *diag, size_t len);

/* Length of a valid UTF-8 sequence at p (at most n bytes), 0 if invalid
 * (overlong, surrogate, beyond U+10FFFF, truncated). */
size_t utf8_len(const unsigned char *p, size_t n);

#endif
