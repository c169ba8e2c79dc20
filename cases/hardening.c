/* hardening.c - what runtimes have really got wrong around the isolation
 * itself: capability sets they did not empty, descriptors they leaked,
 * no_new_privs, masked and read-only paths, seccomp, a read-only root, the
 * runtime's own binary within the container's reach. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define ISO_FAMILY "hardening"
#include "case.h"
#include "procfs.h"
#include "runtime.h"

/* Docker's default capability set: what a container usually keeps. */
#define DEFAULT_CAPS                                                                               \
    (ISO_CAP_BIT(CAP_CHOWN) | ISO_CAP_BIT(CAP_DAC_OVERRIDE) | ISO_CAP_BIT(CAP_FSETID) |            \
     ISO_CAP_BIT(CAP_FOWNER) | ISO_CAP_BIT(CAP_MKNOD) | ISO_CAP_BIT(CAP_NET_RAW) |                 \
     ISO_CAP_BIT(CAP_SETGID) | ISO_CAP_BIT(CAP_SETUID) | ISO_CAP_BIT(CAP_SETFCAP) |                \
     ISO_CAP_BIT(CAP_SETPCAP) | ISO_CAP_BIT(CAP_NET_BIND_SERVICE) | ISO_CAP_BIT(CAP_SYS_CHROOT) |  \
     ISO_CAP_BIT(CAP_KILL) | ISO_CAP_BIT(CAP_AUDIT_WRITE))

/* The syscall the seccomp case denies, and with what: nothing a runtime
 * calls on its way to exec, and an errno no kernel path gives for it. */
#define DENIED_SYSCALL "getpgid"
#define DENIED_ERRNO ENOTBLK

static int parse_mask(const char *key, const char *v, unsigned long long *mask, struct iso_err *err)
{
    char *end;

    if (!v)
        return iso_err_set(err, 0, "report: \"%s\" is missing", key);
    errno = 0;
    *mask = strtoull(v, &end, 16);
    if (errno || end == v || *end)
        return iso_err_set(err, EINVAL, "\"%s\" is not a hex mask: \"%s\"", key, v);
    return 0;
}

static int report_mask(const struct iso_result *r, const char *key, unsigned long long *mask,
                       struct iso_err *err)
{
    return parse_mask(key, iso_get(r, key), mask, err);
}

/* The capabilities this case process has: a container cannot be given
 * more, whatever the spec asks. */
static int own_bounding(unsigned long long *mask, struct iso_err *err)
{
    char v[64];

    if (procfs_status_field("/proc/self/status", "CapBnd", v, sizeof(v)) < 0)
        return iso_err_set(err, errno, "read CapBnd of \"/proc/self/status\"");
    return parse_mask("CapBnd", v, mask, err);
}

ISO_CASE(caps_five_sets_as_asked,
         "effective, permitted and bounding are the spec's set; inheritable and ambient are empty",
         .detects = ISO_SAB_KEEP_INHERITABLE | ISO_SAB_NO_CAPDROP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    unsigned long long have = 0, inh = 0, amb = 0, eff = 0, prm = 0, bnd = 0;
    struct iso_result r;

    ISO_REQUIRE_OK(ctx, own_bounding(&have, &err), &err);
    s.drop_caps = true;
    s.caps_keep = DEFAULT_CAPS & have;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("status"), &r);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_inh", &inh, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_amb", &amb, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_eff", &eff, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_prm", &prm, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_bnd", &bnd, &err), &err);
    ISO_EXPECT_CAPS_EQ(ctx, inh, 0ull, "the inheritable set is empty");
    ISO_EXPECT_CAPS_EQ(ctx, amb, 0ull, "the ambient set is empty");
    ISO_EXPECT_CAPS_EQ(ctx, eff, s.caps_keep, "the effective set is the spec's");
    ISO_EXPECT_CAPS_EQ(ctx, prm, s.caps_keep, "the permitted set is the spec's");
    ISO_EXPECT_CAPS_EQ(ctx, bnd, s.caps_keep, "the bounding set is the spec's");
}

ISO_CASE(caps_inheritable_ambient_as_asked,
         "asked for CAP_NET_BIND_SERVICE inheritable and ambient, the container has exactly that",
         .detects = ISO_SAB_KEEP_INHERITABLE)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    unsigned long long have = 0, inh = 0, amb = 0;
    struct iso_result r;

    ISO_REQUIRE_OK(ctx, own_bounding(&have, &err), &err);
    s.drop_caps = true;
    s.caps_keep = DEFAULT_CAPS & have;
    s.caps_inh = s.caps_amb = ISO_CAP_BIT(CAP_NET_BIND_SERVICE) & s.caps_keep;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("status"), &r);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_inh", &inh, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_amb", &amb, &err), &err);
    ISO_EXPECT_CAPS_EQ(ctx, inh, s.caps_inh, "the inheritable set is the spec's");
    ISO_EXPECT_CAPS_EQ(ctx, amb, s.caps_amb, "the ambient set is the spec's");
}

/* Each descriptor of pid beyond stdio, as the lab sees it: the path it
 * shows, resolved in the container's root (/proc/PID/root), must be the
 * very object it holds. Returns how many do not; each is a failure. */
static int check_fds_outside(struct iso_ctx *ctx, pid_t pid)
{
    char dir[64], link[96], target[512], there_path[640];
    struct stat held, there;
    struct dirent *e;
    int bad = 0;
    DIR *d;

    snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
    ISO_EXPECT_TRUE(ctx, (d = opendir(dir)) != NULL, "the lab can list the process's descriptors");
    while (d && (e = readdir(d))) {
        long long fd;
        ssize_t n;

        if (parse_ll(e->d_name, &fd, NULL) < 0 || fd <= 2)
            continue; /* ".", "..", stdio */
        snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = '\0';
        if (stat(link, &held) < 0)
            continue; /* closed meanwhile */
        snprintf(there_path, sizeof(there_path), "/proc/%d/root%s", pid, target);
        if (target[0] == '/' && stat(there_path, &there) == 0 && there.st_dev == held.st_dev &&
            there.st_ino == held.st_ino)
            continue;
        bad++;
        ISO_FAIL(ctx, "a process of the container holds a descriptor to something outside it",
                 "fd %lld -> \"%s\" (dev %u:%u ino %lu), not that object inside the container", fd,
                 target, major(held.st_dev), minor(held.st_dev), (unsigned long)held.st_ino);
    }
    if (d)
        closedir(d);
    return bad;
}

ISO_CASE(no_descriptor_leads_outside,
         "every descriptor the container's init holds beyond stdio leads inside the container, "
         "seen from inside and from the lab",
         .detects = ISO_SAB_LEAK_FD | ISO_SAB_EXPOSE_RUNTIME)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("fds", "--wait"), &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "fds_outside"), "",
                      "no descriptor of the probe leads outside the container");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "fds_anon"), "",
                      "the probe holds no pipe or socket beyond stdio");
    check_fds_outside(ctx, c.r.pid);
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
}

ISO_CASE(no_new_privs_as_asked, "asked for no_new_privs, the container's process has it set",
         .detects = ISO_SAB_NO_NNP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    s.no_new_privs = true;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("status"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "no_new_privs"), "1", "NoNewPrivs in /proc/self/status");
}

/* The probe's argv: CMD followed by every path of list (and extra). */
static void path_argv(char *argv[], size_t size, const char *cmd, const char *const list[],
                      const char *extra)
{
    size_t n = 0;

    argv[n++] = "isoprobe";
    argv[n++] = (char *)cmd;
    for (size_t i = 0; list[i] && n < size - 2; i++)
        argv[n++] = (char *)list[i];
    if (extra)
        argv[n++] = (char *)extra;
    argv[n] = NULL;
}

static const char *path_key(const char *prefix, const char *path, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "%s.", prefix);

    for (const char *p = path + 1; *p && o < size - 1; p++)
        buf[o++] = (char)(*p == '/' ? '.' : *p);
    buf[o] = '\0';
    return buf;
}

ISO_CASE(masked_paths_hidden,
         "with the OCI default masked paths, /proc/keys, /proc/timer_list ... read empty or are "
         "refused; a path this kernel lacks counts for nothing",
         .detects = ISO_SAB_NO_MASK)
{
    struct iso_spec s = iso_spec_default(ctx);
    char *argv[24], key[128], msg[160], absent[512] = "";
    struct iso_result r;
    int present = 0;

    s.mask_paths = true;
    path_argv(argv, ARRAY_LEN(argv), "masked", spec_masked_paths, NULL);
    ISO_REQUIRE_RUN(ctx, &s, argv, &r);
    for (int i = 0; spec_masked_paths[i]; i++) {
        const char *v = iso_get(&r, path_key("masked", spec_masked_paths[i], key, sizeof(key)));
        if (v && strcmp(v, "absent") == 0) {
            snprintf(absent + strlen(absent), sizeof(absent) - strlen(absent), " %s",
                     spec_masked_paths[i]);
            continue;
        }
        present++;
        snprintf(msg, sizeof(msg), "%s reads empty or is refused", spec_masked_paths[i]);
        ISO_EXPECT_NOT_CONTAINS(ctx, v, "data:", msg);
    }
    iso_diag(ctx, "absent", "%s", absent[0] ? absent + 1 : "none");
    if (present == 0)
        ISO_SKIP_FOR(ctx, ISO_FEAT_KERNEL_FILES, "this kernel has none of the masked paths");
}

ISO_CASE(readonly_paths_refuse_writes,
         "with the OCI default read-only paths, opening /proc/sys/vm/drop_caches and a writable "
         "file below each for writing fails with EROFS",
         .detects = ISO_SAB_NO_MASK)
{
    struct iso_spec s = iso_spec_default(ctx);
    char *argv[24], key[128], msg[160], untested[512] = "";
    static const char drop_caches[] = "/proc/sys/vm/drop_caches";
    struct iso_result r;
    int tried = 0;

    s.mask_paths = true;
    path_argv(argv, ARRAY_LEN(argv), "readonly", spec_readonly_paths, drop_caches);
    ISO_REQUIRE_RUN(ctx, &s, argv, &r);
    for (int i = 0; argv[i + 2]; i++) {
        const char *path = argv[i + 2];
        const char *v = iso_get(&r, path_key("readonly", path, key, sizeof(key)));
        /* absent: this kernel lacks it; none: nothing below is writable */
        if (v && (strcmp(v, "absent") == 0 || strcmp(v, "none") == 0)) {
            snprintf(untested + strlen(untested), sizeof(untested) - strlen(untested), " %s:%s",
                     path, v);
            continue;
        }
        tried++;
        snprintf(msg, sizeof(msg), "opening a writable file at or below %s for writing: EROFS",
                 path);
        ISO_EXPECT_EQ_STR(ctx, v, "erofs", msg);
    }
    iso_diag(ctx, "untested", "%s", untested[0] ? untested + 1 : "none");
    if (tried == 0)
        ISO_SKIP_FOR(ctx, ISO_FEAT_KERNEL_FILES,
                     "this kernel has no writable file below the read-only paths");
}

ISO_CASE(seccomp_denies_syscall,
         "a seccomp filter denying getpgid with ENOTBLK makes it fail inside, not in the lab; "
         "Seccomp: 2",
         .detects = ISO_SAB_NO_SECCOMP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_result r;
    long long errnum;

    s.seccomp_deny = DENIED_SYSCALL;
    s.seccomp_errno = DENIED_ERRNO;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("syscall", DENIED_SYSCALL), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "seccomp"), "2", "Seccomp in /proc/self/status (filter)");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "syscall_rc"), "-1", DENIED_SYSCALL " fails inside");
    ISO_REQUIRE_OK(ctx, iso_get_ll(&r, "syscall_errno", &errnum, &err), &err);
    ISO_EXPECT_EQ(ctx, errnum, DENIED_ERRNO, "with the spec's errno");
    ISO_EXPECT_SYS(ctx, getpgid(0), DENIED_SYSCALL " works in the lab");
}

ISO_CASE(root_readonly_as_asked,
         "asked for a read-only root, creating a file in / fails with EROFS",
         .detects = ISO_SAB_WRITABLE_ROOT)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_result r;

    s.readonly_root = true;
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("write-root"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "root_write"), "erofs", "creating /FILE inside");
}

/* The binary that made the container: the runtime's, or for the built-in
 * runtime isocheck itself. What of it a write would change. */
struct bin_state {
    char path[PATH_MAX];
    struct stat st;
};

static long long ns_of(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

static int runtime_binary(const struct iso_ctx *ctx, struct bin_state *b, struct iso_err *err)
{
    const char *path = ctx->rt->bin ? rt_binary(ctx->rt->name) : "/proc/self/exe";

    *b = (struct bin_state){ 0 }; /* empty when it fails */
    if (!path)
        return iso_err_set(err, 0, "runtime \"%s\": no binary found", ctx->rt->name);
    if (!realpath(path, b->path))
        return iso_err_set(err, errno, "resolve \"%s\"", path);
    if (stat(b->path, &b->st) < 0)
        return iso_err_set(err, errno, "stat \"%s\"", b->path);
    return 0;
}

/* The processes of the container whose exe is the binary, as the lab
 * sees them: every process in the init's PID namespace. */
static void check_exes_outside(struct iso_ctx *ctx, pid_t init, const struct stat *bin)
{
    char path[64], ns[64], init_ns[64] = "";
    struct dirent *e;
    DIR *d;

    snprintf(path, sizeof(path), "/proc/%d/ns/pid", init);
    ISO_EXPECT_SYS_PATH(ctx, readlink(path, init_ns, sizeof(init_ns) - 1), path,
                        "the lab reads the init's PID namespace");
    d = opendir("/proc");
    while (d && (e = readdir(d))) {
        long long pid;
        struct stat exe;
        ssize_t n;

        if (parse_ll(e->d_name, &pid, NULL) < 0 || pid <= 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%lld/ns/pid", pid);
        n = readlink(path, ns, sizeof(ns) - 1);
        if (n <= 0 || (ns[n] = '\0', strcmp(ns, init_ns) != 0))
            continue;
        snprintf(path, sizeof(path), "/proc/%lld/exe", pid);
        if (stat(path, &exe) == 0 && exe.st_dev == bin->st_dev && exe.st_ino == bin->st_ino)
            ISO_FAIL(ctx, "a process of the container runs the runtime's binary",
                     "pid %lld: /proc/%lld/exe is dev %u:%u ino %lu", pid, pid, major(exe.st_dev),
                     minor(exe.st_dev), (unsigned long)exe.st_ino);
    }
    if (d)
        closedir(d);
}

ISO_CASE(runtime_binary_out_of_reach,
         "no process, descriptor or mount of the container is the runtime's binary, no "
         "/proc/PID/exe opens for writing, and the binary is unchanged afterwards",
         /* without a PID namespace or a proc of its own, the runtime's own
          * processes are in view, and /proc/PID/exe of them is the binary:
          * how CVE-2019-5736 reached it */
         .detects = ISO_SAB_EXPOSE_RUNTIME | ISO_SAB_NO_PIDNS | ISO_SAB_NO_NEWPROC)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct bin_state before, after;
    struct iso_container c;
    char id[64];

    ISO_REQUIRE_OK(ctx, runtime_binary(ctx, &before, &err), &err);
    iso_diag(ctx, "runtime_binary", "%s", before.path);
    snprintf(id, sizeof(id), "%u:%u:%lu", major(before.st.st_dev), minor(before.st.st_dev),
             (unsigned long)before.st.st_ino);
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("runtime-bin", id, "--wait"), &c);
    check_exes_outside(ctx, c.r.pid, &before.st);
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "runtime_procs"), "",
                      "no process inside has the runtime's binary as its exe");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "runtime_fds"), "",
                      "the probe holds no descriptor to the runtime's binary");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "runtime_mounts"), "",
                      "the runtime's binary is mounted nowhere inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "runtime_writable"), "",
                      "the runtime's binary opens for writing nowhere inside");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "exe_writable"), "",
                      "no /proc/PID/exe inside opens for writing");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "self_exe_writable"), "0",
                      "/proc/self/exe does not open for writing");
    ISO_REQUIRE_OK(ctx, runtime_binary(ctx, &after, &err), &err);
    ISO_EXPECT_EQ(ctx, after.st.st_ino, before.st.st_ino, "the binary's inode after the case");
    ISO_EXPECT_EQ(ctx, after.st.st_size, before.st.st_size, "the binary's size after the case");
    ISO_EXPECT_EQ(ctx, ns_of(&after.st.st_mtim), ns_of(&before.st.st_mtim),
                  "the binary's mtime (ns) after the case");
    ISO_EXPECT_EQ(ctx, ns_of(&after.st.st_ctim), ns_of(&before.st.st_ctim),
                  "the binary's ctime (ns) after the case");
}

/* --- the runtime's exec path -------------------------------------------- */

/* The capability "exec --cap" adds: one the default set lacks. */
#define EXEC_CAP CAP_NET_ADMIN

/* Start argv in the running container c and wait for its report. On
 * failure c is released and finished, the case skipped (the runtime has
 * no exec) or failed, and false returned. */
static bool exec_ready(struct iso_ctx *ctx, struct iso_container *c, char *const argv[],
                       uint64_t caps, struct iso_container *x)
{
    struct iso_err e = { 0, "" }, ignored = { 0, "" };
    int rc = iso_exec(ctx, c, argv, caps, x, &e);

    if (rc == 0)
        rc = iso_wait_ready(ctx, x, &e);
    if (rc == 0)
        return true;
    iso_release(c, NULL);
    iso_finish(ctx, c, &ignored);
    if (rc == ISO_UNSUPPORTED)
        iso_skip_for(ctx, ctx->lacks, "%s", e.msg);
    else
        iso_fail_run(ctx, __FILE__, __LINE__, &e, &x->r);
    return false;
}

/* Let the exec'd process and then the init end; false (and a failure)
 * if either did not end well. */
static bool finish_both(struct iso_ctx *ctx, struct iso_container *c, struct iso_container *x)
{
    struct iso_err e = { 0, "" };
    bool ok = true;

    iso_release(x, NULL);
    if (iso_finish(ctx, x, &e) < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &e, &x->r);
        ok = false;
    } else {
        ok = iso_check_exit(ctx, __FILE__, __LINE__, &x->r);
    }
    iso_release(c, NULL);
    if (iso_finish(ctx, c, &e) < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &e, &c->r);
        return false;
    }
    return iso_check_exit(ctx, __FILE__, __LINE__, &c->r) && ok;
}

ISO_CASE(exec_caps_as_asked,
         "a process started with the runtime's exec --cap CAP_NET_ADMIN has that one effective and "
         "bounding, nothing beyond it and the spec's set, and empty inheritable and ambient sets",
         .detects = ISO_SAB_EXEC_KEEP_INHERITABLE | ISO_SAB_KEEP_INHERITABLE | ISO_SAB_NO_CAPDROP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    unsigned long long have = 0, inh = 0, amb = 0, eff = 0, prm = 0, bnd = 0, want;
    struct iso_container c, x;

    ISO_REQUIRE_OK(ctx, own_bounding(&have, &err), &err);
    s.drop_caps = true;
    s.caps_keep = DEFAULT_CAPS & have;
    want = s.caps_keep | (ISO_CAP_BIT(EXEC_CAP) & have);
    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("fds", "--wait"), &c);
    if (!exec_ready(ctx, &c, ISO_ARGV("status", "--wait"), ISO_CAP_BIT(EXEC_CAP) & have, &x) ||
        !finish_both(ctx, &c, &x))
        return;
    ISO_REQUIRE_OK(ctx, report_mask(&x.r, "cap_inh", &inh, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&x.r, "cap_amb", &amb, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&x.r, "cap_eff", &eff, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&x.r, "cap_prm", &prm, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&x.r, "cap_bnd", &bnd, &err), &err);
    /* runc adds --cap to the container's sets, crun 1.8 gives the listed
     * capabilities alone: never more than both, always the one asked */
    ISO_EXPECT_CAPS_EQ(ctx, inh, 0ull, "the exec'd process's inheritable set is empty");
    ISO_EXPECT_CAPS_EQ(ctx, amb, 0ull, "the exec'd process's ambient set is empty");
    ISO_EXPECT_CAPS_SUBSET(ctx, eff, want, "its effective set is within the spec's and --cap's");
    ISO_EXPECT_CAPS_SUBSET(ctx, prm, want, "its permitted set is within the spec's and --cap's");
    ISO_EXPECT_CAPS_SUBSET(ctx, bnd, want, "its bounding set is within the spec's and --cap's");
    ISO_EXPECT_CAPS_HAS(ctx, eff, ISO_CAP_BIT(EXEC_CAP) & have, "--cap's is effective");
    ISO_EXPECT_CAPS_HAS(ctx, bnd, ISO_CAP_BIT(EXEC_CAP) & have, "--cap's is in the bounding set");
}

ISO_CASE(exec_no_descriptor_leads_outside,
         "every descriptor of a process started with the runtime's exec, beyond stdio, leads "
         "inside the container, seen from inside and from the lab",
         .detects = ISO_SAB_EXEC_LEAK_FD)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_container c, x;

    ISO_REQUIRE_START(ctx, &s, ISO_ARGV("fds", "--wait"), &c);
    if (!exec_ready(ctx, &c, ISO_ARGV("fds", "--wait"), 0, &x))
        return;
    check_fds_outside(ctx, x.r.pid);
    if (!finish_both(ctx, &c, &x))
        return;
    ISO_EXPECT_EQ_STR(ctx, iso_get(&x.r, "fds_outside"), "",
                      "no descriptor of the exec'd process leads outside the container");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&x.r, "fds_anon"), "",
                      "the exec'd process holds no pipe or socket beyond stdio");
}

/* The descriptors of the runtime's own init, between create and start,
 * as the lab sees them: each beyond stdio must be a pipe, socket or
 * anonymous inode, lead to that object inside the container, or be the
 * runtime's own file in its state directory (runc's exec.fifo). Returns
 * how many do not. */
static int check_init_fds(struct iso_ctx *ctx, pid_t pid)
{
    char dir[64], link[96], target[512], there_path[640], state[PATH_MAX + 16];
    struct stat held, there, state_st;
    struct dirent *e;
    int bad = 0;
    DIR *d;

    snprintf(state, sizeof(state), "%s/state-%s", ctx->dir, ctx->rt->name);
    if (stat(state, &state_st) < 0)
        state_st.st_dev = (dev_t)-1; /* a runtime with no state directory */
    snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
    ISO_EXPECT_TRUE(ctx, (d = opendir(dir)) != NULL, "the lab can list the init's descriptors");
    while (d && (e = readdir(d))) {
        long long fd;
        ssize_t n;

        if (parse_ll(e->d_name, &fd, NULL) < 0 || fd <= 2)
            continue;
        snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = '\0';
        /* the runtime's exec FIFO, in its state directory */
        if (stat(link, &held) < 0 || target[0] != '/' ||
            (S_ISFIFO(held.st_mode) && held.st_dev == state_st.st_dev))
            continue;
        snprintf(there_path, sizeof(there_path), "/proc/%d/root%s", pid, target);
        if (stat(there_path, &there) == 0 && there.st_dev == held.st_dev &&
            there.st_ino == held.st_ino)
            continue;
        bad++;
        ISO_FAIL(ctx, "the runtime's init holds a descriptor to something outside the container",
                 "fd %lld -> \"%s\" (dev %u:%u ino %lu) between create and start", fd, target,
                 major(held.st_dev), minor(held.st_dev), (unsigned long)held.st_ino);
    }
    if (d)
        closedir(d);
    return bad;
}

ISO_CASE(init_descriptors_before_start,
         "between create and start, every descriptor of the runtime's own init leads inside the "
         "container or is the runtime's (a pipe, a socket, its state directory), seen from the "
         "lab; after start the probe's do too",
         .detects = ISO_SAB_INIT_LEAK_FD | ISO_SAB_LEAK_FD | ISO_SAB_EXPOSE_RUNTIME)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_container c;
    int rc;

    rc = iso_create(ctx, &s, ISO_ARGV("fds", "--wait"), &c, &err);
    if (rc == ISO_UNSUPPORTED)
        ISO_SKIP_FOR(ctx, ctx->lacks, "%s", err.msg);
    if (rc == 0) {
        iso_diag(ctx, "init", "%d", c.r.pid);
        check_init_fds(ctx, c.r.pid);
        rc = iso_start_created(ctx, &c, &err);
    }
    if (rc < 0) {
        iso_release(&c, NULL);
        iso_finish(ctx, &c, &(struct iso_err){ 0, "" });
        iso_fail_run(ctx, __FILE__, __LINE__, &err, &c.r);
        return;
    }
    if (iso_wait_ready(ctx, &c, &err) < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &err, &c.r);
        return;
    }
    check_fds_outside(ctx, c.r.pid);
    iso_release(&c, NULL);
    ISO_REQUIRE_FINISH(ctx, &c);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&c.r, "fds_outside"), "",
                      "no descriptor of the probe leads outside the container");
}

/* --- the runtime's own defaults ---------------------------------------- */

/* What `runc spec` and `crun spec` ask for, for the built-in runtime,
 * which has no spec of its own: CAP_AUDIT_WRITE, CAP_KILL,
 * CAP_NET_BIND_SERVICE, no_new_privs, the masked and read-only paths, a
 * read-only root. */
static void oci_defaults(struct iso_spec *s)
{
    s->runtime_defaults = true;
    s->drop_caps = true;
    s->caps_keep =
        ISO_CAP_BIT(CAP_AUDIT_WRITE) | ISO_CAP_BIT(CAP_KILL) | ISO_CAP_BIT(CAP_NET_BIND_SERVICE);
    s->no_new_privs = true;
    s->mask_paths = true;
    s->readonly_root = true;
}

ISO_CASE(runtime_default_spec,
         "with the runtime's own default spec (RUNTIME spec, root and args changed) the "
         "inheritable and ambient sets are empty, the others within Docker's default set, "
         "no_new_privs is set, masked paths hidden and read-only paths refuse writes",
         .detects = ISO_SAB_KEEP_INHERITABLE | ISO_SAB_NO_NNP | ISO_SAB_NO_MASK |
                    ISO_SAB_NO_CAPDROP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    unsigned long long inh = 0, amb = 0, eff = 0, prm = 0, bnd = 0;
    char *argv[24], key[128], msg[160];
    struct iso_result r;

    oci_defaults(&s);
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("status"), &r);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_inh", &inh, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_amb", &amb, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_eff", &eff, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_prm", &prm, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_bnd", &bnd, &err), &err);
    /* the defaults ask for ambient capabilities but no inheritable ones:
     * the kernel keeps ambient within inheritable, so both stay empty
     * unless the runtime fills in the inheritable set (CVE-2022-29162) */
    ISO_EXPECT_CAPS_EQ(ctx, inh, 0ull, "the inheritable set is empty");
    ISO_EXPECT_CAPS_EQ(ctx, amb, 0ull, "the ambient set is empty");
    ISO_EXPECT_CAPS_SUBSET(ctx, eff, (unsigned long long)DEFAULT_CAPS, "effective within Docker's");
    ISO_EXPECT_CAPS_SUBSET(ctx, prm, (unsigned long long)DEFAULT_CAPS, "permitted within Docker's");
    ISO_EXPECT_CAPS_SUBSET(ctx, bnd, (unsigned long long)DEFAULT_CAPS, "bounding within Docker's");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "no_new_privs"), "1", "NoNewPrivs in /proc/self/status");
    iso_diag(ctx, "seccomp", "%s", iso_get(&r, "seccomp") ? iso_get(&r, "seccomp") : "");
    path_argv(argv, ARRAY_LEN(argv), "masked", spec_masked_paths, NULL);
    ISO_REQUIRE_RUN(ctx, &s, argv, &r);
    for (int i = 0; spec_masked_paths[i]; i++) {
        const char *v = iso_get(&r, path_key("masked", spec_masked_paths[i], key, sizeof(key)));
        snprintf(msg, sizeof(msg), "%s reads empty, is refused or absent", spec_masked_paths[i]);
        ISO_EXPECT_NOT_CONTAINS(ctx, v, "data:", msg);
    }
    path_argv(argv, ARRAY_LEN(argv), "readonly", spec_readonly_paths, "/proc/sys/vm/drop_caches");
    ISO_REQUIRE_RUN(ctx, &s, argv, &r);
    for (int i = 0; argv[i + 2]; i++) {
        const char *v = iso_get(&r, path_key("readonly", argv[i + 2], key, sizeof(key)));
        if (v && (strcmp(v, "absent") == 0 || strcmp(v, "none") == 0))
            continue;
        snprintf(msg, sizeof(msg), "a writable file at or below %s refuses writing: EROFS",
                 argv[i + 2]);
        ISO_EXPECT_EQ_STR(ctx, v, "erofs", msg);
    }
}

/* --- devices ------------------------------------------------------------ */

/* The nodes a container's /dev may hold: the OCI default devices (null,
 * zero, full, random, urandom, tty), ptmx and the pty slaves. */
static bool default_device(const char *node)
{
    static const char *const allowed[] = { "c1:3", "c1:5", "c1:7", "c1:8", "c1:9", "c5:0", "c5:2" };

    if (strncmp(node, "c136:", 5) == 0)
        return true;
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
        if (strcmp(node, allowed[i]) == 0)
            return true;
    return false;
}

#define PASSED_DIR "/isocheck-dev"
#define PASSED_NODE PASSED_DIR "/kmsg" /* char 1:11: not a default device */

ISO_CASE(devices_as_spec,
         "/dev holds only the default devices; mknod of a char or block device fails without "
         "CAP_MKNOD; a device node outside the spec's rules placed in the root cannot be opened",
         .detects = ISO_SAB_HOST_DEV | ISO_SAB_NO_CAPDROP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    unsigned long long have = 0;
    char path[PATH_MAX + 32], nodes[4096], *save = NULL, extra[1024] = "";
    struct iso_result r;

    ISO_REQUIRE_OK(ctx, own_bounding(&have, &err), &err);
    s.drop_caps = true;
    s.caps_keep = DEFAULT_CAPS & have & ~ISO_CAP_BIT(CAP_MKNOD);
    snprintf(path, sizeof(path), "%s%s", ctx->root, PASSED_DIR);
    ISO_REQUIRE_SYS_PATH(ctx, mkdir(path, 0755), path, "the lab makes a directory in the root");
    snprintf(path, sizeof(path), "%s%s", ctx->root, PASSED_NODE);
    ISO_REQUIRE_SYS_PATH(ctx, mknod(path, S_IFCHR | 0444, makedev(1, 11)), path,
                         "the lab places a device node in the root");
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("devices", PASSED_NODE), &r);
    ISO_REQUIRE_PRESENT(ctx, &r, "dev_nodes", "the probe listed /dev");
    strlcpy0(nodes, iso_get(&r, "dev_nodes"), sizeof(nodes));
    for (char *n = strtok_r(nodes, ",", &save); n; n = strtok_r(NULL, ",", &save))
        if (!default_device(n))
            snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "%s%s",
                     extra[0] ? "," : "", n);
    ISO_EXPECT_EQ_STR(ctx, extra, "", "no device node in /dev but the default ones");
    ISO_EXPECT_NE_STR(ctx, iso_get(&r, "mknod_char"), "created", "mknod of a char device");
    ISO_EXPECT_NE_STR(ctx, iso_get(&r, "mknod_block"), "created", "mknod of a block device");
    if (ctx->rt->device_rules)
        ISO_EXPECT_CONTAINS(ctx, iso_get(&r, "passed_open"), "refused",
                            "the placed node (char 1:11) cannot be opened");
    else
        iso_diag(ctx, "placed_node", "not checked: runtime %s has no device rules (%s)",
                 ctx->rt->name, iso_get(&r, "passed_open") ? iso_get(&r, "passed_open") : "");
}

/* --- the working directory ---------------------------------------------- */

/* The descriptors a hostile cwd names: /proc/self/fd/FIRST_FD..LAST_FD */
#define FIRST_FD 3
#define LAST_FD 20

ISO_CASE(cwd_stays_inside,
         "the spec's working directory is inside the root; asked for /proc/self/fd/N (N 3..20) "
         "the runtime refuses, or the cwd and a walk up with .. stay inside",
         .detects = ISO_SAB_CWD_UNCHECKED)
{
    static struct iso_container cs[LAST_FD - FIRST_FD + 1];
    struct iso_spec s = iso_spec_default(ctx);
    char cwds[LAST_FD - FIRST_FD + 1][32], msg[128], refused[256] = "", failed_cwd[128] = "";
    int rcs[LAST_FD - FIRST_FD + 1];
    struct iso_result r;

    s.cwd = "/bin";
    ISO_REQUIRE_RUN(ctx, &s, ISO_ARGV("cwd"), &r);
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "cwd"), "/bin", "the process starts in the spec's cwd");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "cwd_walk"), "inside", "a walk up from it ends at /");
    /* all at once, then each read: an external runtime's start is mostly
     * waiting, and 18 of them one after another take seconds */
    for (int n = FIRST_FD; n <= LAST_FD; n++) {
        struct iso_err e = { 0, "" };

        snprintf(cwds[n - FIRST_FD], sizeof(cwds[0]), "/proc/self/fd/%d", n);
        s.cwd = cwds[n - FIRST_FD];
        rcs[n - FIRST_FD] = iso_start(ctx, &s, ISO_ARGV("cwd"), &cs[n - FIRST_FD], &e);
        if (rcs[n - FIRST_FD] == ISO_UNSUPPORTED)
            ISO_SKIP_FOR(ctx, ctx->lacks, "%s", e.msg);
    }
    for (int n = FIRST_FD; n <= LAST_FD; n++) {
        struct iso_container *c = &cs[n - FIRST_FD];
        struct iso_err e = { 0, "" };
        const char *cwd = cwds[n - FIRST_FD];

        if (rcs[n - FIRST_FD] < 0 || iso_finish(ctx, c, &e) < 0 || !WIFEXITED(c->r.status) ||
            WEXITSTATUS(c->r.status) != 0 || !iso_get(&c->r, "cwd_walk")) {
            snprintf(refused + strlen(refused), sizeof(refused) - strlen(refused), " %d", n);
            continue;
        }
        snprintf(msg, sizeof(msg), "with cwd %s the cwd is inside the root", cwd);
        ISO_EXPECT_NE_STR(ctx, iso_get(&c->r, "cwd"), "unreachable", msg);
        snprintf(msg, sizeof(msg), "with cwd %s a walk up with .. ends at the container's /", cwd);
        ISO_EXPECT_EQ_STR(ctx, iso_get(&c->r, "cwd_walk"), "inside", msg);
        if (ctx->out->nfail && !failed_cwd[0])
            snprintf(failed_cwd, sizeof(failed_cwd), "%s (the probe saw \"%s\")", cwd,
                     iso_get(&c->r, "cwd"));
    }
    if (failed_cwd[0])
        iso_diag(ctx, "cwd", "%s", failed_cwd);
    iso_diag(ctx, "refused", "%s", refused[0] ? refused + 1 : "none");
}

/* --- setuid binaries ---------------------------------------------------- */

#define SUID_DIR "/isocheck-suid"
#define SUID_COPY "/isocheck-suid/isoprobe" /* in SUID_DIR: the probe knows its name */
#define PLAIN_UID 1000u

/* A copy of the probe in the container's root, owned by the lab's root,
 * setuid: what an image may hold. */
static int place_setuid_copy(const struct iso_ctx *ctx, struct iso_err *err)
{
    char src[PATH_MAX + 16], dst[PATH_MAX + 16], buf[65536];
    autoclose int in = -1, out = -1;
    ssize_t n;

    snprintf(src, sizeof(src), "%s%s", ctx->root, ISO_PROBE);
    snprintf(dst, sizeof(dst), "%s%s", ctx->root, SUID_DIR);
    if (mkdir(dst, 0755) < 0 && errno != EEXIST)
        return iso_err_set(err, errno, "mkdir \"%s\"", dst);
    snprintf(dst, sizeof(dst), "%s%s", ctx->root, SUID_COPY);
    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return iso_err_set(err, errno, "open \"%s\"", src);
    out = open(dst, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0700);
    if (out < 0)
        return iso_err_set(err, errno, "create \"%s\"", dst);
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write_all(out, buf, (size_t)n) < 0)
            return iso_err_set(err, errno, "write \"%s\"", dst);
    if (n < 0)
        return iso_err_set(err, errno, "read \"%s\"", src);
    if (fchown(out, 0, 0) < 0 || fchmod(out, 04755) < 0)
        return iso_err_set(err, errno, "make \"%s\" setuid root", dst);
    return 0;
}

/* Run the setuid copy as PLAIN_UID in s; what it became. */
static void expect_no_gain(struct iso_ctx *ctx, struct iso_spec *s)
{
    static const char plain[] = "1000,1000,1000,1000";
    struct iso_err err = { 0, "" };
    unsigned long long eff = 0, prm = 0;
    struct iso_result r;

    ISO_REQUIRE_OK(ctx, place_setuid_copy(ctx, &err), &err);
    s->uid = s->gid = PLAIN_UID;
    ISO_REQUIRE_RUN(ctx, s, ISO_ARGV("exec", SUID_COPY, "status"), &r);
    ISO_REQUIRE_PRESENT(ctx, &r, "uid", "the setuid copy ran and reported");
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "uid"), plain, "real, effective, saved and fs uid");
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_eff", &eff, &err), &err);
    ISO_REQUIRE_OK(ctx, report_mask(&r, "cap_prm", &prm, &err), &err);
    ISO_EXPECT_CAPS_EQ(ctx, eff, 0ull, "no effective capability gained");
    ISO_EXPECT_CAPS_EQ(ctx, prm, 0ull, "no permitted capability gained");
}

ISO_CASE(setuid_gains_nothing_under_nnp,
         "under no_new_privs, a setuid-root copy of the probe run by uid 1000 stays uid 1000 "
         "with no capabilities",
         .detects = ISO_SAB_NO_NNP)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    unsigned long long have = 0;

    ISO_REQUIRE_OK(ctx, own_bounding(&have, &err), &err);
    s.drop_caps = true;
    s.caps_keep = DEFAULT_CAPS & have;
    s.no_new_privs = true;
    expect_no_gain(ctx, &s);
}

ISO_CASE(setuid_gains_nothing_across_userns,
         "in a user namespace, a setuid copy of the probe owned by the host's root (unmapped "
         "inside) run by uid 1000 stays uid 1000 with no capabilities",
         .detects = ISO_SAB_NO_USERNS)
{
    struct iso_spec s = iso_spec_default(ctx);

    spec_map_root(&s, 100000, 65536);
    expect_no_gain(ctx, &s);
}
