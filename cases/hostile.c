/* hostile.c - images that fight back: a root filesystem whose directories
 * or device nodes are symlinks out of it must never make the runtime write
 * or mount outside the container. Each case builds its image from the
 * fixture, next to a directory standing for the host that the symlinks
 * point into, and compares that directory before and after: every entry's
 * type, inode, mode, contents or link target, and the mounts on it.
 *
 * Refusing such an image is a right answer: the case then passes with the
 * runtime's message in its diagnostics. The same runtime must start a
 * container on the plain fixture in the same case, so a refusal is not
 * mistaken for a runtime that cannot start anything. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define ISO_FAMILY "hostile"
#include "case.h"
#include "config.h"
#include "hostile.h"
#include "lab.h"

static const char *const kind_names[] = { "absolute", "relative", "dev-nodes", "fake-proc" };

/* The image run_image built last: s->rootfs and the binds' sources point
 * into it, the case compares what the probe saw with its canaries. */
static struct hostile_root image;

/* A runtime's message on one line, without its trailing newline. */
static void one_line(char *text)
{
    size_t n = strlen(text);

    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    for (char *p = text; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

/* Run argv on an image of kind with spec s (its rootfs is replaced).
 * *ran says the probe ran and exited 0, so the case may look at r; false
 * when the runtime refused the image (recorded as a note) or the case
 * failed. The host directory is checked either way. */
/* run_image, and with harness: the container's root is prepared from the
 * image by isocheck's own setup for a case (lab_prepare_root, as for
 * --rootfs), whose paths must stay inside it too. */
static void run_prepared(struct iso_ctx *ctx, enum hostile_kind kind, const char *top, bool harness,
                         struct iso_spec *s, char *const argv[], struct iso_result *r, bool *ran)
{
    static struct hostile_snap before, after;
    struct iso_err err = { 0, "" };
    struct hostile_root *h = &image;
    char changes[4096], mounts_before[1024], mounts_after[1024];
    int rc;

    *ran = false;
    ISO_REQUIRE_OK(ctx, hostile_make(ctx->dir, kind, top, h, &err), &err);
    ISO_REQUIRE_OK(ctx, hostile_snapshot(h->host, &before, &err), &err);
    ISO_REQUIRE_OK(ctx, hostile_mounts_under(h->host, mounts_before, sizeof(mounts_before), &err),
                   &err);
    s->rootfs = h->root;
    if (harness) {
        static char prep[PATH_MAX + 8], root[PATH_MAX + 16];
        snprintf(prep, sizeof(prep), "%s-prep", h->root);
        ISO_REQUIRE_OK(ctx,
                       lab_prepare_root(prep, h->root,
                                        ctx->cfg->sabotage & ISO_SAB_HARNESS_JOINS_PATHS, root,
                                        sizeof(root), &err),
                       &err);
        s->rootfs = root;
    }
    for (int i = 0; i < s->n_mounts; i++)
        if (s->mounts[i].kind == ISO_MOUNT_BIND)
            s->mounts[i].source = s->mounts[i].source[0] == 'f' ? h->src_file : h->src_dir;
    rc = iso_run(ctx, s, argv, r, &err);
    if (rc == ISO_UNSUPPORTED && (s->mask_paths || s->n_mounts)) {
        /* bwrap and unshare(1) have no masked paths, unshare(1) no mounts,
         * bwrap no sysfs: the canaries still count */
        iso_diag(ctx, s->mask_paths ? "masked_paths" : "mounts", "not asked for: %s", err.msg);
        s->mask_paths = false;
        s->n_mounts = 0;
        rc = iso_run(ctx, s, argv, r, &err);
    }
    if (rc == ISO_UNSUPPORTED)
        ISO_SKIP(ctx, "%s", err.msg);

    iso_diag(ctx, "host", "%s", h->host);
    ISO_REQUIRE_OK(ctx, hostile_snapshot(h->host, &after, &err), &err);
    if (hostile_diff(&before, &after, changes, sizeof(changes)) > 0)
        for (char *line = strtok(changes, "\n"); line; line = strtok(NULL, "\n"))
            ISO_FAIL(ctx, "the host directory changed through the image's symlinks", "%s: %s",
                     kind_names[kind], line);
    ISO_REQUIRE_OK(ctx, hostile_mounts_under(h->host, mounts_after, sizeof(mounts_after), &err),
                   &err);
    ISO_EXPECT_EQ_STR(ctx, mounts_after, mounts_before,
                      "nothing is mounted on the host directory in the case's mount table");

    if (r->report.n == 0 && (rc < 0 || !WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0)) {
        /* the probe never ran, and the fixture ran in this case: the
         * runtime refused the image */
        if (!err.msg[0] && r->err_len)
            one_line(r->err);
        iso_diag(ctx, "refused", "%s: %s", kind_names[kind],
                 err.msg[0]   ? err.msg
                 : r->err_len ? r->err
                              : "(no message)");
        return;
    }
    if (rc < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &err, r);
        return;
    }
    *ran = iso_check_exit(ctx, __FILE__, __LINE__, r);
}

static void run_image(struct iso_ctx *ctx, enum hostile_kind kind, const char *top,
                      struct iso_spec *s, char *const argv[], struct iso_result *r, bool *ran)
{
    run_prepared(ctx, kind, top, false, s, argv, r, ran);
}

/* A container that ran has a procfs of its own at /proc. */
static void expect_own_proc(struct iso_ctx *ctx, const struct iso_result *r)
{
    ISO_EXPECT_PRESENT(ctx, r, "pid", "the probe reported its pid");
    ISO_EXPECT_EQ_STR(ctx, iso_get(r, "proc_self"), iso_get(r, "pid"),
                      "/proc/self inside names the probe: the container's own proc");
}

/* The fixture first (the runtime starts a container here and now, so a
 * refusal below is about the image), then top as an absolute and as a
 * relative symlink to a host directory. */
static void top_symlink(struct iso_ctx *ctx, const char *top)
{
    static const enum hostile_kind kinds[] = { HOSTILE_TOP_ABSOLUTE, HOSTILE_TOP_RELATIVE };
    struct iso_spec plain = iso_spec_default(ctx);
    struct iso_result r;
    bool ran;

    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("pid"), &r);
    for (size_t i = 0; i < ARRAY_LEN(kinds) && ctx->out->status != ISO_ST_SKIP; i++) {
        struct iso_spec s = iso_spec_default(ctx);
        run_image(ctx, kinds[i], top, &s, ISO_ARGV("pid"), &r, &ran);
        if (ran)
            expect_own_proc(ctx, &r);
    }
}

#define TOP_CASE(name, what)                                                                       \
    ISO_CASE(                                                                                      \
        name##_symlink,                                                                            \
        "/" #name " of the image is an absolute, then a relative symlink to a host "               \
        "directory: the runtime refuses or stays inside, the host directory is unchanged " what,   \
        .detects = ISO_SAB_FOLLOW_IMAGE_SYMLINKS)                                                  \
    {                                                                                              \
        top_symlink(ctx, #name);                                                                   \
    }

/* What every runtime prepares there for the default spec: /dev (its
 * links, a tmpfs for OCI runtimes) and /proc. */
TOP_CASE(dev, "(CVE-2026-41579: /dev/fd, std* and ptmx made on the host)")
TOP_CASE(proc, "(CVE-2019-16884: procfs mounted outside, a /proc that is not procfs)")

/* A mount the spec asks for through a symlinked top-level entry, and
 * what the probe must see at look inside when the container ran: a
 * filesystem (statfs magic) or the first line of the bind's source.
 * source "file" or "dir" picks the lab's bind source. */
struct mount_image {
    const char *top;
    struct iso_mount m;
    const char *look, *want_fs, *want_text;
};

static void expect_mounted(struct iso_ctx *ctx, const struct mount_image *mi,
                           const struct iso_result *r, const char *msg)
{
    if (mi->want_fs)
        ISO_EXPECT_EQ_STR(ctx, iso_get(r, "look.0.fs"), mi->want_fs, msg);
    else
        ISO_EXPECT_EQ_STR(ctx, iso_get(r, "look.0.text"), mi->want_text, msg);
}

/* The same mount on the plain fixture (the images' bind sources): the
 * runtime makes it, destination created inside where missing, so the
 * refusals above are about the images. */
static void plain_mount(struct iso_ctx *ctx, const struct mount_image *mi)
{
    struct iso_spec s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_result r;
    char msg[160];
    int rc;

    s.mounts[0] = mi->m;
    s.n_mounts = 1;
    if (s.mounts[0].kind == ISO_MOUNT_BIND)
        s.mounts[0].source = s.mounts[0].source[0] == 'f' ? image.src_file : image.src_dir;
    rc = iso_run(ctx, &s, ISO_ARGV("look", (char *)mi->look), &r, &err);
    if (rc == ISO_UNSUPPORTED) {
        iso_diag(ctx, "plain_mount", "not asked for: %s", err.msg);
        return;
    }
    if (rc < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &err, &r);
        return;
    }
    if (!iso_check_exit(ctx, __FILE__, __LINE__, &r))
        return;
    snprintf(msg, sizeof(msg), "plain fixture: the mount the spec asked for is at %s inside",
             mi->m.dest);
    expect_mounted(ctx, mi, &r, msg);
}

static void mount_symlink(struct iso_ctx *ctx, const struct mount_image *mi)
{
    static const enum hostile_kind kinds[] = { HOSTILE_TOP_ABSOLUTE, HOSTILE_TOP_RELATIVE };
    struct iso_spec plain = iso_spec_default(ctx);
    struct iso_result r;
    char msg[160];
    bool ran;

    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("pid"), &r);
    for (size_t i = 0; i < ARRAY_LEN(kinds) && ctx->out->status != ISO_ST_SKIP; i++) {
        struct iso_spec s = iso_spec_default(ctx);
        s.mounts[0] = mi->m;
        s.n_mounts = 1;
        run_image(ctx, kinds[i], mi->top, &s, ISO_ARGV("look", (char *)mi->look), &r, &ran);
        if (!ran || !s.n_mounts)
            continue;
        snprintf(msg, sizeof(msg), "%s: the %s mount the spec asked for is at %s inside",
                 kind_names[kinds[i]], mi->want_fs ? "filesystem" : "bind", mi->m.dest);
        expect_mounted(ctx, mi, &r, msg);
    }
    plain_mount(ctx, mi);
}

#define MOUNT_CASE(name, desc, ...)                                                                \
    ISO_CASE(name, desc, .detects = ISO_SAB_FOLLOW_IMAGE_SYMLINKS)                                 \
    {                                                                                              \
        static const struct mount_image mi = { __VA_ARGS__ };                                      \
        mount_symlink(ctx, &mi);                                                                   \
    }

/* A runtime that follows the symlink mounts outside (the mount is then
 * missing inside) or makes the missing destination in the host directory. */
MOUNT_CASE(sys_symlink,
           "/sys of the image is an absolute, then a relative symlink to a host directory and "
           "the spec mounts sysfs there: the runtime refuses or mounts it inside, the host "
           "directory is unchanged (sysfs mounted outside the root)",
           "sys", { ISO_MOUNT_SYSFS, NULL, "/sys" }, "/sys", "0x62656572", NULL)
MOUNT_CASE(etc_symlink,
           "/etc of the image is an absolute, then a relative symlink to a host directory and "
           "the spec binds a file on /etc/hostname: the runtime refuses or binds it inside, "
           "no file is made in the host directory (CVE-2021-30465's class)",
           "etc", { ISO_MOUNT_BIND, "file", "/etc/hostname" }, "/etc/hostname", NULL,
           HOSTILE_SRC_TEXT)
MOUNT_CASE(tmp_symlink,
           "/tmp of the image is an absolute, then a relative symlink to a host directory and "
           "the spec mounts a tmpfs there: the runtime refuses or mounts it inside, the host "
           "directory is unchanged",
           "tmp", { ISO_MOUNT_TMPFS, NULL, "/tmp" }, "/tmp", "0x1021994", NULL)
MOUNT_CASE(run_symlink,
           "/run of the image is an absolute, then a relative symlink to a host directory and "
           "the spec mounts a tmpfs there: the runtime refuses or mounts it inside, the host "
           "directory is unchanged",
           "run", { ISO_MOUNT_TMPFS, NULL, "/run" }, "/run", "0x1021994", NULL)
MOUNT_CASE(mnt_symlink,
           "/mnt of the image is an absolute, then a relative symlink to a host directory and "
           "the spec binds a lab directory on /mnt/data: the runtime refuses or binds it "
           "inside, no directory is made in the host directory (CVE-2021-30465's class)",
           "mnt", { ISO_MOUNT_BIND, "dir", "/mnt/data" }, "/mnt/data/marker", NULL,
           HOSTILE_SRC_TEXT)
MOUNT_CASE(mount_target_symlink,
           "the destination of a bind the spec asks for (/vol) is itself an absolute, then a "
           "relative symlink to a host directory: the bind lands inside the root or the "
           "runtime refuses, the host directory is unchanged (CVE-2018-15664, CVE-2021-30465)",
           "vol", { ISO_MOUNT_BIND, "dir", "/vol" }, "/vol/marker", NULL, HOSTILE_SRC_TEXT)

ISO_CASE(fake_proc_replaced,
         "an image whose /proc is a directory of regular files (self/attr/current, "
         "sys/kernel/core_pattern): the runtime mounts a real procfs over it, the probe sees "
         "procfs there (CVE-2019-16884)",
         .detects = ISO_SAB_TRUST_IMAGE_PROC)
{
    struct iso_spec plain = iso_spec_default(ctx), s = iso_spec_default(ctx);
    struct iso_result r;
    bool ran;

    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("pid"), &r);
    run_image(ctx, HOSTILE_FAKE_PROC, NULL, &s,
              ISO_ARGV("look", "/proc", "/proc/self/attr/current"), &r, &ran);
    if (!ran)
        return;
    ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "look.0.fs"), "0x9fa0",
                      "/proc inside is procfs (PROC_SUPER_MAGIC), not the image's directory");
    ISO_EXPECT_NOT_CONTAINS(ctx, iso_get(&r, "look.1.text"), HOSTILE_FAKE_PROC_TEXT,
                            "/proc/self/attr/current is the kernel's, not the image's file");
}

/* "MAJOR:MINOR:INODE" of a host file, as the probe's look reports it. */
static void file_id(const char *dir, const char *name, char *out, size_t size)
{
    char path[PATH_MAX];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (stat(path, &st) < 0)
        snprintf(out, size, "(none)");
    else
        snprintf(out, size, "%u:%u:%llu", major(st.st_dev), minor(st.st_dev),
                 (unsigned long long)st.st_ino);
}

ISO_CASE(dev_nodes_symlinked,
         "an image whose /dev/null, /dev/ptmx, /dev/console and /dev/pts are symlinks to host "
         "files (one stands for /proc/sys/kernel/core_pattern): no masked path, console or "
         "device inside is bound from a symlink's target, masked paths read nothing and the "
         "host files are unchanged (CVE-2025-31133, CVE-2025-52565)",
         .detects = ISO_SAB_FOLLOW_IMAGE_SYMLINKS | ISO_SAB_NO_MASK)
{
    static char *const paths[] = { "/proc/timer_list", "/proc/keys", "/dev/null", "/dev/ptmx",
                                   "/dev/console",     "/dev/pts",   "/dev/pts/0" };
    static const char *const canaries[] = { "core_pattern", "ptmx", "console", "pts", "pts/0" };
    char ids[ARRAY_LEN(canaries)][64], key[32], msg[192];
    struct iso_spec plain = iso_spec_default(ctx), s = iso_spec_default(ctx);
    struct iso_result r;
    bool ran;

    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("pid"), &r);
    s.mask_paths = true;
    run_image(
        ctx, HOSTILE_DEV_NODES, NULL, &s,
        ISO_ARGV("look", paths[0], paths[1], paths[2], paths[3], paths[4], paths[5], paths[6]), &r,
        &ran);
    if (!ran)
        return;
    for (size_t c = 0; c < ARRAY_LEN(canaries); c++)
        file_id(image.host, canaries[c], ids[c], sizeof(ids[c]));
    for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
        char wkey[32];
        const char *id;

        snprintf(key, sizeof(key), "look.%zu.id", i);
        snprintf(wkey, sizeof(wkey), "look.%zu.writable", i);
        id = iso_get(&r, key);
        if (!id) /* absent, or a symlink leading nowhere inside */
            continue;
        for (size_t c = 0; c < ARRAY_LEN(canaries); c++) {
            snprintf(msg, sizeof(msg),
                     "%s inside is not the host's %s, bound from the symlink's target (opens for "
                     "writing: %s)",
                     paths[i], canaries[c], iso_get(&r, wkey) ? iso_get(&r, wkey) : "-");
            ISO_EXPECT_NE_STR(ctx, id, ids[c], msg);
        }
    }
    if (!s.mask_paths)
        return;
    for (size_t i = 0; i < 2; i++) {
        snprintf(key, sizeof(key), "look.%zu.text", i);
        snprintf(msg, sizeof(msg), "%s (masked) reads nothing, is refused or absent", paths[i]);
        if (iso_get(&r, key) && strncmp(iso_get(&r, key), "error:", 6) != 0)
            ISO_EXPECT_EQ_STR(ctx, iso_get(&r, key), "", msg);
    }
}

ISO_CASE(harness_setup_inside,
         "isocheck's own preparation of a root (as for --rootfs) on images whose /mnt, /tmp and "
         "/proc are absolute, then relative symlinks to host directories: the exchange "
         "directory, mount points and probe are made and mounted inside the root, the host "
         "directories are unchanged",
         .detects = ISO_SAB_HARNESS_JOINS_PATHS)
{
    static const char *const tops[] = { "mnt", "tmp", "proc" };
    static const enum hostile_kind kinds[] = { HOSTILE_TOP_ABSOLUTE, HOSTILE_TOP_RELATIVE };
    struct iso_spec plain = iso_spec_default(ctx);
    struct iso_result r;
    char msg[160];
    bool ran;

    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("pid"), &r);
    for (size_t t = 0; t < ARRAY_LEN(tops); t++) {
        for (size_t k = 0; k < ARRAY_LEN(kinds) && ctx->out->status != ISO_ST_SKIP; k++) {
            struct iso_spec s = iso_spec_default(ctx);
            run_prepared(ctx, kinds[k], tops[t], true, &s,
                         ISO_ARGV("look", ISO_XCHG, ISO_PROBE, "/proc"), &r, &ran);
            if (!ran)
                continue;
            snprintf(msg, sizeof(msg), "%s /%s: the exchange tmpfs is at %s inside",
                     kind_names[kinds[k]], tops[t], ISO_XCHG);
            ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "look.0.fs"), "0x1021994", msg);
            snprintf(msg, sizeof(msg), "%s /%s: /proc inside is procfs", kind_names[kinds[k]],
                     tops[t]);
            ISO_EXPECT_EQ_STR(ctx, iso_get(&r, "look.2.fs"), "0x9fa0", msg);
        }
    }
}

/* A pty slave: UNIX98_PTY_SLAVE_MAJOR, 136 to 143. */
static bool pty_slave(const char *rdev)
{
    char *end;
    unsigned long maj;

    if (!rdev)
        return false;
    errno = 0;
    maj = strtoul(rdev, &end, 10);
    return errno == 0 && end != rdev && *end == ':' && maj >= 136 && maj <= 143;
}

/* What the probe saw at /dev/console (look.0): a pty of the container's
 * own devpts (DEVPTS_SUPER_MAGIC), never a file. */
static void expect_console(struct iso_ctx *ctx, const struct iso_result *r, const char *what)
{
    char msg[192];

    snprintf(msg, sizeof(msg), "%s: /dev/console inside is a character device", what);
    ISO_EXPECT_EQ_STR(ctx, iso_get(r, "look.0.type"), "char", msg);
    snprintf(msg, sizeof(msg), "%s: /dev/console inside is on a devpts", what);
    ISO_EXPECT_EQ_STR(ctx, iso_get(r, "look.0.fs"), "0x1cd1", msg);
    snprintf(msg, sizeof(msg), "%s: /dev/console inside is a pty (major 136-143, is %s)", what,
             iso_get(r, "look.0.rdev") ? iso_get(r, "look.0.rdev") : "-");
    ISO_EXPECT_TRUE(ctx, pty_slave(iso_get(r, "look.0.rdev")), msg);
}

ISO_CASE(console_symlink,
         "a process with a terminal (OCI process.terminal, the pty's master handed to the lab "
         "over a console socket) on an image whose /dev/console and /dev/pts are symlinks to "
         "host files (one stands for /proc/sys/kernel/core_pattern): the runtime refuses, or "
         "/dev/console inside is a pty of the container's own devpts, never a host file bound "
         "from or onto a symlink's target; the host files are unchanged and nothing is mounted "
         "on them in any mount namespace while the container runs (CVE-2025-52565)",
         .detects = ISO_SAB_CONSOLE_JOINS_PATHS)
{
    static const char *const canaries[] = { "core_pattern", "ptmx", "console", "pts", "pts/0" };
    static struct hostile_snap before, after;
    static struct iso_container c;
    struct iso_spec plain = iso_spec_default(ctx), s = iso_spec_default(ctx);
    struct iso_err err = { 0, "" };
    struct iso_result r;
    char mounts_before[1024], mounts_during[1024], changes[4096], id[64], msg[192];
    int rc;

    /* the terminal on the plain fixture: the runtime gives one here */
    plain.terminal = true;
    ISO_REQUIRE_RUN(ctx, &plain, ISO_ARGV("look", "/dev/console"), &r);
    expect_console(ctx, &r, "plain fixture");

    s.terminal = true;
    ISO_REQUIRE_OK(ctx, hostile_make(ctx->dir, HOSTILE_DEV_NODES, "console", &image, &err), &err);
    ISO_REQUIRE_OK(ctx, hostile_snapshot(image.host, &before, &err), &err);
    ISO_REQUIRE_OK(
        ctx, hostile_mounts_under(image.host, mounts_before, sizeof(mounts_before), &err), &err);
    iso_diag(ctx, "host", "%s", image.host);
    s.rootfs = image.root;
    rc = iso_start(ctx, &s, ISO_ARGV("look-hold", "/dev/console", "/dev/pts"), &c, &err);
    if (rc == ISO_UNSUPPORTED)
        ISO_SKIP(ctx, "%s", err.msg);
    if (rc < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &err, &c.r);
        return;
    }
    rc = iso_wait_ready(ctx, &c, &err);
    if (rc == 0) {
        /* while it runs: its mount namespace is one of those looked at */
        ISO_REQUIRE_OK(ctx,
                       hostile_mounts_under(image.host, mounts_during, sizeof(mounts_during), &err),
                       &err);
        ISO_EXPECT_EQ_STR(ctx, mounts_during, mounts_before,
                          "nothing is mounted on the host files in any mount namespace the lab "
                          "can see while the container runs");
        iso_release(&c, NULL);
    }
    if (iso_finish(ctx, &c, rc == 0 ? &err : &(struct iso_err){ 0, "" }) < 0 && rc == 0)
        rc = -1;
    r = c.r;
    ISO_REQUIRE_OK(ctx, hostile_snapshot(image.host, &after, &err), &err);
    if (hostile_diff(&before, &after, changes, sizeof(changes)) > 0)
        for (char *line = strtok(changes, "\n"); line; line = strtok(NULL, "\n"))
            ISO_FAIL(ctx, "the host files changed through the image's symlinks", "%s", line);
    if (r.report.n == 0 || !iso_get(&r, "look.0.path")) {
        /* the probe never ran, and the fixture ran in this case: the
         * runtime refused the image */
        if (r.err_len)
            one_line(r.err);
        iso_diag(ctx, "refused", "%s", r.err_len ? r.err : err.msg[0] ? err.msg : "(no message)");
        return;
    }
    if (rc < 0) {
        iso_fail_run(ctx, __FILE__, __LINE__, &err, &r);
        return;
    }
    if (!iso_check_exit(ctx, __FILE__, __LINE__, &r))
        return;
    expect_console(ctx, &r, "hostile image");
    for (size_t i = 0; i < ARRAY_LEN(canaries); i++) {
        file_id(image.host, canaries[i], id, sizeof(id));
        snprintf(msg, sizeof(msg), "/dev/console inside is not the host's %s (writable: %s)",
                 canaries[i],
                 iso_get(&r, "look.0.writable") ? iso_get(&r, "look.0.writable") : "-");
        ISO_EXPECT_NE_STR(ctx, iso_get(&r, "look.0.id") ? iso_get(&r, "look.0.id") : "", id, msg);
    }
}
