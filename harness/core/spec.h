/* spec.h - what a case needs from a container, runtime-neutral, and the
 * sabotages: named spec transformations that must make cases fail. */
#ifndef ISO_SPEC_H
#define ISO_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "idmap.h"

enum iso_root {
    ISO_ROOT_PIVOT,  /* pivot_root into the rootfs, old root detached */
    ISO_ROOT_CHROOT, /* chroot only: the old root stays in the namespace */
    ISO_ROOT_HOST,   /* no root switch */
};

enum iso_proc {
    ISO_PROC_NEW,  /* a fresh proc mounted for the container's PID namespace */
    ISO_PROC_HOST, /* the lab's /proc bound in (a broken runtime) */
    ISO_PROC_NONE,
};

/* How the container's mounts propagate to and from the lab's (the mode
 * of its root tree, OCI's rootfsPropagation). */
enum iso_prop {
    ISO_PROP_PRIVATE,    /* neither way */
    ISO_PROP_SLAVE,      /* the lab's new mounts appear inside, none the other way */
    ISO_PROP_SHARED,     /* both ways, wherever the lab's mount is shared */
    ISO_PROP_UNBINDABLE, /* private, and no mount may be bound elsewhere */
};

#define ISO_MAX_IDMAP 4

enum iso_net_mode {
    ISO_NET_NONE, /* the runtime's own network namespace: only lo, down */
    ISO_NET_VETH, /* a veth to the lab (the router), addresses, default route */
    ISO_NET_NAT,  /* VETH plus an upstream host reached through masquerade */
};

struct iso_net {
    enum iso_net_mode mode;
    int slot;        /* the container link's subnet: PREFIX.slot.0/24 (1..250) */
    bool ipv6;       /* also fd15:c0c:4ec:slot::/64 on the link */
    bool veth;       /* the link is made (false: the no-veth sabotage) */
    bool masquerade; /* the NAT rule is made (false: the no-nat sabotage) */
};

/* A clock's offset in a time namespace: sec may be negative, nsec is
 * 0..999999999. */
struct iso_clock_offset {
    int64_t sec;
    long nsec;
};

/* A mount the spec asks for at dest inside the container (an absolute
 * path), made after proc: a bind of source (a lab path), a tmpfs or a
 * sysfs. A missing destination is created (a directory, or an empty file
 * for the bind of a file), inside the root. */
enum iso_mount_kind { ISO_MOUNT_BIND, ISO_MOUNT_TMPFS, ISO_MOUNT_SYSFS };

struct iso_mount {
    enum iso_mount_kind kind;
    const char *source; /* ISO_MOUNT_BIND only */
    const char *dest;
};

#define ISO_MAX_MOUNTS 4

struct iso_spec {
    unsigned ns; /* CLONE_NEW* set */
    char hostname[65];
    struct iso_idmap uid_map[ISO_MAX_IDMAP], gid_map[ISO_MAX_IDMAP];
    int n_uid_map, n_gid_map;
    enum iso_root root;
    enum iso_proc proc;
    bool private_mounts;      /* apply propagation before the root switch (else: as is) */
    bool detach_old_root;     /* unmount the old root after pivot_root */
    bool drop_caps;           /* reduce the bounding set to caps_keep */
    uint64_t caps_keep;       /* bit per CAP_* number */
    uint64_t caps_inh;        /* the inheritable set asked for (normally empty) */
    uint64_t caps_amb;        /* the ambient set asked for (normally empty) */
    bool no_new_privs;        /* PR_SET_NO_NEW_PRIVS before exec */
    bool mask_paths;          /* the OCI default masked and read-only paths */
    const char *seccomp_deny; /* a syscall the filter denies, or NULL for no filter */
    int seccomp_errno;        /* ... with this errno */
    bool leak_fd;             /* builtin only: a lab directory stays open across exec */
    bool readonly_root;       /* the container's / is mounted read-only */
    bool expose_runtime; /* builtin only: a descriptor to its own binary stays open across exec */
    bool follow_image_symlinks; /* builtin only: setup through joined paths, not in the root */
    const char *cwd;            /* the process's working directory inside, NULL for / */
    unsigned uid, gid;          /* the process's user and group inside (0: root) */
    bool exec_keep_inh; /* builtin only: exec leaves the CVE-2022-29162 set and --cap inheritable */
    bool exec_leak_fd;  /* builtin only: exec hands a lab directory to the process */
    bool cwd_unchecked; /* builtin only: a lab directory open while cwd is entered, unchecked */
    bool init_leak_fd;  /* builtin only: a lab directory open in the init until its exec */
    bool host_dev;      /* builtin only: the lab's /dev bound onto the container's */
    /* the runtime's own default spec ("RUNTIME spec") with only the root,
     * the args and what the lab must set changed; the built-in runtime
     * has none and takes the fields above (the case fills in the OCI
     * defaults) */
    bool runtime_defaults;
    bool created;              /* set by iso_create: the init waits before it runs the probe */
    enum iso_prop propagation; /* of the container's mounts, when private_mounts */
    bool setgroups_deny;       /* the case relies on "deny" in /proc/PID/setgroups (the built-in
                                  runtime always writes it; OCI has no way to ask) */
    bool skip_cgroup_join;     /* builtin only: the cgroup is made, the container not put in it */
    bool leak_process;     /* builtin only: a process of its own session outlives the container */
    bool leak_lab;         /* builtin only: an IPC object and a mount are left in the lab */
    const char *rootfs;    /* container root as the lab sees it */
    bool trust_image_proc; /* builtin only: an image's /proc that looks like procfs is kept */
    /* the process has a terminal (OCI process.terminal): /dev/console
     * inside is a pty of the container's own devpts, whose master the lab
     * holds (OCI: received over a console socket) */
    bool terminal;
    bool console_joined; /* builtin only: the terminal set up through joined paths */
    struct iso_mount mounts[ISO_MAX_MOUNTS];
    int n_mounts;
    struct iso_net net;
    struct iso_limits lim;
    /* with CLONE_NEWTIME: written to the time namespace before its first
     * process runs in it */
    struct iso_clock_offset monotonic, boottime;
    int join_netns_fd;        /* set by iso_start: a prepared namespace to join, or -1 */
    struct cg_handle *cgroup; /* set by iso_start: the cgroup to attach to, or NULL */
    char id[32];              /* set by iso_start: unique container name in the run */
    const char *workdir;      /* set by iso_start: the case's directory for bundles and state */
    const char *cgroups_path; /* set by iso_start for runtimes that make their own cgroup */
};

/* Sabotage bits; a case's .detects is a set of these (64 bits: each
 * family keeps a range of its own). */
#define ISO_SAB_BIT(n) (UINT64_C(1) << (n))
#define ISO_SAB_NO_PIDNS ISO_SAB_BIT(0)
#define ISO_SAB_NO_UTSNS ISO_SAB_BIT(1)
#define ISO_SAB_NO_IPCNS ISO_SAB_BIT(2)
#define ISO_SAB_NO_USERNS ISO_SAB_BIT(3)
#define ISO_SAB_NO_MNTNS ISO_SAB_BIT(4)
#define ISO_SAB_CHROOT ISO_SAB_BIT(5)
#define ISO_SAB_SHARED_PROP ISO_SAB_BIT(6)
#define ISO_SAB_NO_NEWPROC ISO_SAB_BIT(7)
#define ISO_SAB_KEEP_OLD_ROOT ISO_SAB_BIT(8)
#define ISO_SAB_NO_CAPDROP ISO_SAB_BIT(9)
#define ISO_SAB_NO_NETNS ISO_SAB_BIT(10)
#define ISO_SAB_NO_VETH ISO_SAB_BIT(11)
#define ISO_SAB_NO_NAT ISO_SAB_BIT(12)
#define ISO_SAB_NO_MEMLIMIT ISO_SAB_BIT(13)
#define ISO_SAB_NO_PIDSLIMIT ISO_SAB_BIT(14)
#define ISO_SAB_NO_CGROUPNS ISO_SAB_BIT(15)
#define ISO_SAB_NO_CPULIMIT ISO_SAB_BIT(16)
#define ISO_SAB_NO_TIMENS ISO_SAB_BIT(17)
/* bits 18-21 free */
#define ISO_SAB_KEEP_INHERITABLE ISO_SAB_BIT(22)
#define ISO_SAB_LEAK_FD ISO_SAB_BIT(23)
#define ISO_SAB_NO_NNP ISO_SAB_BIT(24)
#define ISO_SAB_NO_MASK ISO_SAB_BIT(25)
#define ISO_SAB_NO_SECCOMP ISO_SAB_BIT(26)
#define ISO_SAB_WRITABLE_ROOT ISO_SAB_BIT(27)
#define ISO_SAB_EXPOSE_RUNTIME ISO_SAB_BIT(28)
/* bits 29-31 free */
#define ISO_SAB_FOLLOW_IMAGE_SYMLINKS ISO_SAB_BIT(32)
#define ISO_SAB_TRUST_IMAGE_PROC ISO_SAB_BIT(33)
#define ISO_SAB_HARNESS_JOINS_PATHS ISO_SAB_BIT(34)
#define ISO_SAB_CONSOLE_JOINS_PATHS ISO_SAB_BIT(35)
/* bits 36-37 free (hostile images) */
#define ISO_SAB_EXEC_KEEP_INHERITABLE ISO_SAB_BIT(38)
#define ISO_SAB_EXEC_LEAK_FD ISO_SAB_BIT(39)
#define ISO_SAB_CWD_UNCHECKED ISO_SAB_BIT(40)
#define ISO_SAB_INIT_LEAK_FD ISO_SAB_BIT(41)
#define ISO_SAB_HOST_DEV ISO_SAB_BIT(42)
/* bits 46-53: namespace semantics */
#define ISO_SAB_PROP_IGNORED ISO_SAB_BIT(46)
/* cgroup v2 events, OOM groups, memory.high, cgroup.kill */
#define ISO_SAB_NO_OOM_GROUP ISO_SAB_BIT(54)
#define ISO_SAB_NO_MEMHIGH ISO_SAB_BIT(55)
#define ISO_SAB_NO_CGROUP_JOIN ISO_SAB_BIT(56)
#define ISO_SAB_HIGH_AS_MAX ISO_SAB_BIT(57)
/* The leak check's own controls (leak.h): no case fails, the block's
 * leak point does. */
#define ISO_SAB_LEAK_PROCESS ISO_SAB_BIT(58)
#define ISO_SAB_LEAK_LAB ISO_SAB_BIT(59)

/* The inheritable set runc 1.1.1 and crun 1.4.3 left in their containers
 * (CVE-2022-29162, CVE-2022-27650): CAP_KILL, CAP_NET_BIND_SERVICE,
 * CAP_AUDIT_WRITE, from the runtimes' own default spec. */
#define ISO_CAPS_CVE_2022_29162 0x20000420ull

/* The OCI defaults (what `runc spec` writes): paths hidden from the
 * container, and paths it may read but not write. NULL-terminated. */
extern const char *const spec_masked_paths[];
extern const char *const spec_readonly_paths[];

struct iso_sabotage {
    uint64_t bit;
    const char *name;
    const char *desc;
    void (*apply)(struct iso_spec *s);
};

/* TAP points a sabotage must fail besides the cases that declare it: a
 * prefix ending in ".*" ("leak.*" for the leak check's controls), or NULL. */
const char *spec_sabotage_points(uint64_t bit);

/* The default container: pid+uts+ipc+mnt+net namespaces, pivot_root, a
 * fresh /proc, private mounts. No user namespace, no hostname set (the
 * UTS cases set one). */
void spec_init(struct iso_spec *s, const char *rootfs);
/* Add a user namespace mapping inner 0..count-1 to outer..outer+count-1. */
void spec_map_root(struct iso_spec *s, unsigned outer, unsigned count);
/* Add a time namespace whose CLOCK_MONOTONIC and CLOCK_BOOTTIME run
 * ahead of the lab's by these offsets. */
void spec_time_offsets(struct iso_spec *s, struct iso_clock_offset monotonic,
                       struct iso_clock_offset boottime);
/* "private", "slave", "shared", "unbindable" */
const char *spec_propagation_name(enum iso_prop p);
/* Apply every sabotage whose bit is in set. */
void spec_apply_sabotage(struct iso_spec *s, uint64_t set);

int spec_sabotage_count(void);
const struct iso_sabotage *spec_sabotage_at(int i);
/* Bit for a name, 0 when unknown. */
uint64_t spec_sabotage_lookup(const char *name);
/* "no-pidns,chroot-not-pivot" for a set (for --list). */
void spec_sabotage_names(uint64_t set, char *buf, unsigned long size);

#endif
