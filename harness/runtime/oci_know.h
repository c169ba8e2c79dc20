/* oci_know.h - what an OCI runtime knows, so the driver asks only for
 * that: the capabilities it can name (from "RUNTIME features" where it has
 * that command, else from its version), and which config key a runtime
 * refused, read from its error message. Pure functions. */
#ifndef ISO_OCI_KNOW_H
#define ISO_OCI_KNOW_H

#include <stddef.h>
#include <stdint.h>

/* How the capabilities were learnt. */
enum oci_caps_source { OCI_CAPS_FEATURES, OCI_CAPS_VERSION, OCI_CAPS_TRYING };

/* The capabilities "RUNTIME features" lists under linux.capabilities, as a
 * mask (bit N is capability N). Names this libcap does not know are left
 * out. Returns 0, or -1 when the text is not JSON or has no such list. */
int oci_caps_from_features(const char *json, uint64_t *mask);

/* The version "RUNTIME --version" prints after "version ": "1.0.0-rc92"
 * from "runc version 1.0.0-rc92". Returns 0, or -1 when there is none. */
int oci_version_text(const char *output, char *out, size_t size);

/* a < b: -1, a == b: 0, a > b: 1, by the dotted numbers, a "-rcN"
 * pre-release before its release. -2 when either does not parse. */
int oci_version_cmp(const char *a, const char *b);

/* The capabilities a runtime of that name and version knows, from the
 * table of releases. Returns 0, or -1 when neither is in the table (ask
 * for everything and see what it refuses). */
int oci_caps_from_version(const char *runtime, const char *version, uint64_t *mask);

/* The config key a runtime's error message says it refused
 * ("process.capabilities" for "unknown capability \"CAP_BPF\""), NULL
 * when it says nothing of the kind. */
const char *oci_refused_key(const char *stderr_text);

#endif
