/* leak.h - what a case leaves behind outside its own namespaces.
 *
 * A case's mounts, hostname, IPC objects and links live in namespaces of
 * its own and go with them. What can outlive it is elsewhere, and is
 * looked at from two sides:
 *
 * - the case process, a child subreaper for its whole life, looks after
 *   the case function returns for its descendants that left its process
 *   group (the runner kills only the group) and for processes still in its
 *   containers' cgroups below the run's parent ("c<index>n*"); it lists
 *   and kills them;
 * - the runner, each time a case ends, looks at the lab itself: its
 *   mounts, its SysV IPC objects, the entries of /run and of the run's
 *   directory except the cases' own "c<N>". What is new since its last
 *   look is the ending case's; with --jobs above 1 an object that appears
 *   while two cases run goes to the one that ends first.
 *
 * Objects are text lines "KIND detail"; a leak is the lines of the later
 * look that the earlier one does not have.
 *
 * Not seen: what a case killed at its timeout had started outside its
 * process group (the case process cannot look any more; the lab's end
 * takes it), and a process that escapes the case's process tree altogether
 * (CLONE_PARENT from the case process's direct child). */
#ifndef ISO_LEAK_H
#define ISO_LEAK_H

#include <stdbool.h>
#include <stddef.h>

struct iso_config;

#define LEAK_TEXT 1024 /* what one item's leaks are listed in */

/* --- the pure part ------------------------------------------------------- */

/* Each line of after that is not a line of before, appended to out (NUL
 * terminated, "; " between them, "..." when out is full); returns how many. */
int leak_diff(const char *before, const char *after, char *out, size_t size);

/* Append text to out with "; " when out already has something; "..." once
 * full. */
void leak_append(char *out, size_t size, const char *text);

struct leak_proc {
    int pid, ppid, pgid;
    char state;
    char comm[17];
};

/* Parse a /proc/PID/stat text; 0, or -1 when malformed. */
int leak_parse_stat(const char *text, struct leak_proc *p);

/* Of ps[0..n), the live (not zombie) descendants of self whose process
 * group is not pgid: their indexes into idx (at most max); returns how
 * many there are in all. */
int leak_escaped(const struct leak_proc *ps, int n, int self, int pgid, int *idx, int max);

/* One line "mount ID POINT" per line of a mountinfo text, appended to out;
 * returns the new length of out (malformed lines, and mounts below a
 * runtime daemon's state directory, are left out). */
size_t leak_mount_lines(const char *mountinfo, char *out, size_t size, size_t len);

/* One line "KIND key=KEY id=ID" per object of a /proc/sysvipc/KIND text
 * (its header skipped), appended to out; returns the new length. */
size_t leak_ipc_lines(const char *kind, const char *text, char *out, size_t size, size_t len);

/* Is a directory entry of the run's directory one the runner expects: a
 * case's own "c<N>", the rootfs, the probe, the marker, "." and ".."? */
bool leak_expected_entry(const char *name);

/* --- the case side ------------------------------------------------------- */

/* First thing in a case process: orphans of its descendants become its
 * children, so what it left is found from its own pid. */
void leak_case_begin(void);

/* After the case: list into out (appended) and kill every descendant
 * outside our process group, and every process left in the case's
 * cgroups below the run's parent that is not ours; returns how many. */
int leak_case_end(const struct iso_config *cfg, int index, char *out, size_t size);

/* --- the runner side ----------------------------------------------------- */

struct leak_lab;

/* The lab as it is now (after the runtimes' preflight): NULL when out of
 * memory (the check is then off and says so in every item). */
struct leak_lab *leak_lab_new(void);
/* A case ended: append what is new in the lab since the last look to out;
 * returns how many objects. */
int leak_lab_check(struct leak_lab *l, char *out, size_t size);
void leak_lab_free(struct leak_lab *l);

#endif
