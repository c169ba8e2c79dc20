/* spec.c - default spec and the sabotage table. */
#define _GNU_SOURCE
#include "spec.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "ns.h"

void spec_init(struct iso_spec *s, const char *rootfs)
{
    memset(s, 0, sizeof(*s));
    s->ns = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET;
    s->root = ISO_ROOT_PIVOT;
    s->proc = ISO_PROC_NEW;
    s->private_mounts = true;
    s->propagation = ISO_PROP_PRIVATE;
    s->detach_old_root = true;
    s->rootfs = rootfs;
    s->net = (struct iso_net){ .mode = ISO_NET_NONE, .slot = 1, .veth = true, .masquerade = true };
    s->join_netns_fd = -1;
    s->cgroup = NULL;
}

void spec_map_root(struct iso_spec *s, unsigned outer, unsigned count)
{
    s->ns |= CLONE_NEWUSER;
    s->uid_map[0] = (struct iso_idmap){ 0, outer, count };
    s->gid_map[0] = (struct iso_idmap){ 0, outer, count };
    s->n_uid_map = s->n_gid_map = 1;
}

void spec_time_offsets(struct iso_spec *s, struct iso_clock_offset monotonic,
                       struct iso_clock_offset boottime)
{
    s->ns |= CLONE_NEWTIME;
    s->monotonic = monotonic;
    s->boottime = boottime;
}

static void drop_pidns(struct iso_spec *s) { s->ns &= ~(unsigned)CLONE_NEWPID; }
static void drop_utsns(struct iso_spec *s) { s->ns &= ~(unsigned)CLONE_NEWUTS; }
static void drop_ipcns(struct iso_spec *s) { s->ns &= ~(unsigned)CLONE_NEWIPC; }
static void drop_userns(struct iso_spec *s) { s->ns &= ~(unsigned)CLONE_NEWUSER; }
/* Without a mount namespace a pivot_root would pivot the case's own root:
 * the runtime falls back to chroot, and its proc mount lands in the
 * case's (the host's) mount table. */
static void drop_mntns(struct iso_spec *s)
{
    s->ns &= ~(unsigned)CLONE_NEWNS;
    s->root = ISO_ROOT_CHROOT;
}
/* The runtime makes every mount private whatever the spec asks. */
static void ignore_propagation(struct iso_spec *s) { s->propagation = ISO_PROP_PRIVATE; }
static void use_chroot(struct iso_spec *s) { s->root = ISO_ROOT_CHROOT; }
static void keep_shared(struct iso_spec *s) { s->private_mounts = false; }
static void host_proc(struct iso_spec *s) { s->proc = ISO_PROC_HOST; }
static void keep_old_root(struct iso_spec *s) { s->detach_old_root = false; }
static void keep_caps(struct iso_spec *s) { s->drop_caps = false; }
/* The harness still builds the topology; the container just stays in the
 * lab's network namespace instead of joining or making its own. */
static void drop_netns(struct iso_spec *s) { s->ns &= ~(unsigned)CLONE_NEWNET; }
static void no_veth(struct iso_spec *s) { s->net.veth = false; }
static void no_nat(struct iso_spec *s) { s->net.masquerade = false; }
/* The container still gets its own cgroup; only the limit is not written. */
static void no_memlimit(struct iso_spec *s)
{
    s->lim.own_cgroup |= s->lim.memory != 0;
    s->lim.memory = 0;
}
static void no_pidslimit(struct iso_spec *s)
{
    s->lim.own_cgroup |= s->lim.pids != 0;
    s->lim.pids = 0;
}
/* The cgroup is still made in the cpu hierarchy, just without a quota. */
static void no_cpulimit(struct iso_spec *s)
{
    if (s->lim.cpu_quota_us)
        s->lim.cpu_quota_us = -1;
}
static void drop_cgroupns(struct iso_spec *s) { s->ns &= ~(unsigned)CLONE_NEWCGROUP; }
static void keep_inheritable(struct iso_spec *s) { s->caps_inh |= ISO_CAPS_CVE_2022_29162; }
static void leak_fd(struct iso_spec *s) { s->leak_fd = true; }
static void no_nnp(struct iso_spec *s) { s->no_new_privs = false; }
static void no_mask(struct iso_spec *s) { s->mask_paths = false; }
static void no_seccomp(struct iso_spec *s) { s->seccomp_deny = NULL; }
static void writable_root(struct iso_spec *s) { s->readonly_root = false; }
static void expose_runtime(struct iso_spec *s) { s->expose_runtime = true; }
static void follow_image_symlinks(struct iso_spec *s) { s->follow_image_symlinks = true; }
static void exec_keep_inh(struct iso_spec *s) { s->exec_keep_inh = true; }
static void exec_leak_fd(struct iso_spec *s) { s->exec_leak_fd = true; }
static void cwd_unchecked(struct iso_spec *s) { s->cwd_unchecked = true; }
static void init_leak_fd(struct iso_spec *s) { s->init_leak_fd = true; }
static void host_dev(struct iso_spec *s) { s->host_dev = true; }
static void trust_image_proc(struct iso_spec *s) { s->trust_image_proc = true; }
static void console_joined(struct iso_spec *s) { s->console_joined = true; }
/* Read by the harness's own root preparation (lab_case_setup), not here. */
static void harness_joins_paths(struct iso_spec *s) { (void)s; }
static void no_oom_group(struct iso_spec *s) { s->lim.oom_group = false; }
static void no_memhigh(struct iso_spec *s)
{
    s->lim.own_cgroup |= s->lim.memory_high != 0;
    s->lim.memory_high = 0;
}
static void no_cgroup_join(struct iso_spec *s) { s->skip_cgroup_join = true; }
/* The soft limit written as the hard one (a runtime that confuses the
 * two): what should only be throttled is OOM-killed. */
static void high_as_max(struct iso_spec *s)
{
    if (!s->lim.memory_high)
        return;
    s->lim.memory = s->lim.memory_high;
    s->lim.memory_high = 0;
}

const char *const spec_masked_paths[] = {
    "/proc/acpi",        "/proc/kcore",
    "/proc/keys",        "/proc/latency_stats",
    "/proc/timer_list",  "/proc/timer_stats",
    "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware",     NULL,
};
const char *const spec_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};
/* The offsets stay in the spec; without the namespace nothing applies them. */
static void drop_timens(struct iso_spec *s) { s->ns &= ~(unsigned)CLONE_NEWTIME; }
static void leak_process(struct iso_spec *s) { s->leak_process = true; }
static void leak_lab(struct iso_spec *s) { s->leak_lab = true; }

static const struct iso_sabotage sabotages[] = {
    { ISO_SAB_NO_PIDNS, "no-pidns", "no new PID namespace", drop_pidns },
    { ISO_SAB_NO_UTSNS, "no-utsns", "no new UTS namespace (the hostname is still set)",
      drop_utsns },
    { ISO_SAB_NO_IPCNS, "no-ipcns", "no new IPC namespace", drop_ipcns },
    { ISO_SAB_NO_USERNS, "no-userns", "no user namespace: no uid/gid maps, real root inside",
      drop_userns },
    { ISO_SAB_NO_MNTNS, "no-mntns",
      "no new mount namespace; the root switch falls back to chroot in the lab's mount table",
      drop_mntns },
    { ISO_SAB_CHROOT, "chroot-not-pivot", "chroot into the rootfs instead of pivot_root",
      use_chroot },
    { ISO_SAB_SHARED_PROP, "shared-propagation",
      "mounts are not made private, so shared mounts keep propagating", keep_shared },
    { ISO_SAB_NO_NEWPROC, "no-newproc", "proc is not remounted: the lab's /proc is bound in",
      host_proc },
    { ISO_SAB_KEEP_OLD_ROOT, "keep-old-root", "pivot_root without detaching the old root",
      keep_old_root },
    { ISO_SAB_NO_CAPDROP, "no-capdrop", "capabilities the spec drops are kept", keep_caps },
    { ISO_SAB_NO_NETNS, "no-netns", "no network namespace: the container shares the lab's",
      drop_netns },
    { ISO_SAB_NO_VETH, "no-veth", "the container's veth is never made", no_veth },
    { ISO_SAB_NO_NAT, "no-nat", "no masquerade rule on the lab's upstream link", no_nat },
    { ISO_SAB_NO_MEMLIMIT, "no-memory-limit", "the container's cgroup gets no memory limit",
      no_memlimit },
    { ISO_SAB_NO_PIDSLIMIT, "no-pids-limit", "the container's cgroup gets no pids.max",
      no_pidslimit },
    { ISO_SAB_NO_CGROUPNS, "no-cgroupns", "no cgroup namespace", drop_cgroupns },
    { ISO_SAB_NO_CPULIMIT, "no-cpu-limit", "the container's cgroup gets no CPU quota",
      no_cpulimit },
    { ISO_SAB_NO_TIMENS, "no-timens", "no time namespace: the clock offsets are never applied",
      drop_timens },
    { ISO_SAB_KEEP_INHERITABLE, "keep-inheritable",
      "the inheritable set keeps CAP_KILL, CAP_NET_BIND_SERVICE and CAP_AUDIT_WRITE "
      "(CVE-2022-29162)",
      keep_inheritable },
    { ISO_SAB_LEAK_FD, "leak-fd",
      "a descriptor to a lab directory stays open across exec (CVE-2024-21626)", leak_fd },
    { ISO_SAB_NO_NNP, "no-nnp", "no_new_privs is not set when the spec asks for it", no_nnp },
    { ISO_SAB_NO_MASK, "no-mask", "the masked and read-only paths are left as they are", no_mask },
    { ISO_SAB_NO_SECCOMP, "no-seccomp", "the spec's seccomp filter is not loaded", no_seccomp },
    { ISO_SAB_WRITABLE_ROOT, "writable-root",
      "the root is left writable when the spec asks for it read-only", writable_root },
    { ISO_SAB_EXPOSE_RUNTIME, "expose-runtime",
      "a descriptor to the runtime's own binary stays open across exec (CVE-2019-5736)",
      expose_runtime },
    { ISO_SAB_FOLLOW_IMAGE_SYMLINKS, "follow-image-symlinks",
      "the built-in runtime mounts proc, creates /dev entries and binds masked paths from "
      "/dev/null through the image's own paths, following its symlinks (CVE-2026-41579, "
      "CVE-2025-31133)",
      follow_image_symlinks },
    { ISO_SAB_TRUST_IMAGE_PROC, "trust-image-proc",
      "the built-in runtime keeps an image's /proc holding self/attr/current instead of mounting "
      "procfs over it, as if a path check proved it procfs (CVE-2019-16884)",
      trust_image_proc },
    { ISO_SAB_HARNESS_JOINS_PATHS, "harness-joins-paths",
      "isocheck prepares a case's root (its exchange directory and mount points) through the "
      "image's own paths, following its symlinks, instead of in its own layer, inside the root",
      harness_joins_paths },
    { ISO_SAB_CONSOLE_JOINS_PATHS, "console-joins-paths",
      "the built-in runtime mounts a terminal's devpts on the image's /dev/pts and binds "
      "/dev/pts/N onto /dev/console through the image's own paths, following its symlinks "
      "(CVE-2025-52565)",
      console_joined },
    { ISO_SAB_EXEC_KEEP_INHERITABLE, "exec-keep-inheritable",
      "a process started in a running container keeps CAP_KILL, CAP_NET_BIND_SERVICE, "
      "CAP_AUDIT_WRITE and the capabilities asked with --cap inheritable (CVE-2022-29162)",
      exec_keep_inh },
    { ISO_SAB_EXEC_LEAK_FD, "exec-leak-fd",
      "a process started in a running container gets a descriptor to a lab directory",
      exec_leak_fd },
    { ISO_SAB_CWD_UNCHECKED, "cwd-unchecked",
      "the working directory is entered with a lab directory still open and never checked to "
      "be inside the root (CVE-2024-21626)",
      cwd_unchecked },
    { ISO_SAB_INIT_LEAK_FD, "init-leak-fd",
      "the container's init holds a lab directory until it runs the probe (close-on-exec: gone "
      "after exec, as runc 1.1.11's leaked /sys/fs/cgroup, CVE-2024-21626)",
      init_leak_fd },
    { ISO_SAB_HOST_DEV, "host-dev", "the lab's /dev, every device node of the host, is bound in",
      host_dev },
    { ISO_SAB_PROP_IGNORED, "propagation-ignored",
      "the propagation the spec asks for (shared, slave, unbindable) is ignored: every mount is "
      "made private",
      ignore_propagation },
    { ISO_SAB_NO_OOM_GROUP, "no-oom-group", "memory.oom.group is not set when the spec asks for it",
      no_oom_group },
    { ISO_SAB_NO_MEMHIGH, "no-memory-high", "the container's cgroup gets no memory.high",
      no_memhigh },
    { ISO_SAB_NO_CGROUP_JOIN, "no-cgroup-join",
      "the container's cgroup is made with its limits but the container is never put in it",
      no_cgroup_join },
    { ISO_SAB_HIGH_AS_MAX, "memory-high-as-max",
      "the memory.high asked for is written as memory.max: a soft limit becomes a hard one",
      high_as_max },
    { ISO_SAB_LEAK_PROCESS, "leak-process",
      "the built-in runtime leaves a process of its own session behind in the lab", leak_process },
    { ISO_SAB_LEAK_LAB, "leak-lab",
      "the built-in runtime leaves a SysV shared memory segment and a mount in the lab", leak_lab },
};

const char *spec_propagation_name(enum iso_prop p)
{
    static const char *const names[] = { "private", "slave", "shared", "unbindable" };
    return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "?";
}

void spec_apply_sabotage(struct iso_spec *s, uint64_t set)
{
    for (size_t i = 0; i < sizeof(sabotages) / sizeof(sabotages[0]); i++)
        if (set & sabotages[i].bit)
            sabotages[i].apply(s);
}

const char *spec_sabotage_points(uint64_t bit)
{
    return bit & (ISO_SAB_LEAK_PROCESS | ISO_SAB_LEAK_LAB) ? "leak.*" : NULL;
}

int spec_sabotage_count(void) { return (int)(sizeof(sabotages) / sizeof(sabotages[0])); }

const struct iso_sabotage *spec_sabotage_at(int i)
{
    return (i >= 0 && i < spec_sabotage_count()) ? &sabotages[i] : NULL;
}

uint64_t spec_sabotage_lookup(const char *name)
{
    for (int i = 0; i < spec_sabotage_count(); i++)
        if (strcmp(sabotages[i].name, name) == 0)
            return sabotages[i].bit;
    return 0;
}

void spec_sabotage_names(uint64_t set, char *buf, unsigned long size)
{
    size_t off = 0;

    if (size == 0)
        return;
    buf[0] = '\0';
    for (int i = 0; i < spec_sabotage_count(); i++) {
        if (!(set & sabotages[i].bit))
            continue;
        int n = snprintf(buf + off, size - off, "%s%s", off ? "," : "", sabotages[i].name);
        if (n < 0 || (size_t)n >= size - off)
            return;
        off += (size_t)n;
    }
}
