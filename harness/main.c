/* main.c - isocheck's command line. Usage errors are one line on stderr
 * and exit 2; harness failures after the TAP header are "Bail out!". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "config.h"
#include "known.h"
#include "lab.h"
#include "netlab.h"
#include "registry.h"
#include "runner.h"
#include "runtime.h"
#include "spec.h"
#include "tap.h"

#ifndef ISO_VERSION
#define ISO_VERSION "0.1.0"
#endif

static const char usage[] =
    "Usage: isocheck [OPTION]... [PATTERN]...\n"
    "Build real Linux containers, run a probe inside them and check that they are\n"
    "isolated. Prints TAP on stdout. Needs root (CAP_SYS_ADMIN).\n"
    "\n"
    "PATTERN is a glob on case names ('pid.*', 'mount.old_root_*'); a bare family\n"
    "name such as 'pid' selects the whole family. Default: every case.\n"
    "\n"
    "  -l, --list              list the cases with their descriptions and exit\n"
    "      --list-sabotages    list the sabotages, and the cases each must fail, and exit\n"
    "      --list-runtimes     list the runtimes (NAME and binary, - when none or missing) and exit\n"
    "  -s, --sabotage NAME     apply the sabotage NAME to every container\n"
    "  -j, --jobs N            run N cases at once (default: number of CPUs)\n"
    "  -t, --timeout SECONDS   kill a case after SECONDS (default 10; decimals allowed)\n"
    "      --rootfs DIR        use DIR as the container root filesystem (not modified;\n"
    "                          the probe is overlaid at /isoprobe)\n"
    "                          (default: rootfs next to the isocheck binary)\n"
    "  -r, --runtime NAME      runtime that builds the containers: builtin (default),\n"
    "                          unshare, bwrap, crun, runc, or all of them in turn\n"
    "      --runtime-path NAME=PATH\n"
    "                          run that runtime's binary from PATH (e.g. a fresh crun)\n"
    "      --matrix FILE       with several runtimes: write the case x runtime table\n"
    "                          as Markdown to FILE (e.g. $GITHUB_STEP_SUMMARY)\n"
    "      --tap-version N     13 (default; what prove 3.44 reads) or 14\n"
    "      --net-prefix A.B.0.0/16\n"
    "                          addresses for the lab's links (default 198.18.0.0/16,\n"
    "                          the range set aside for network tests); must not\n"
    "                          overlap an address of this machine\n"
    "      --repeat N          run the selection N times (flakiness, benchmarks)\n"
    "      --bench N           measure N container spawns instead of running cases:\n"
    "                          builtin, a bare clone+pivot_root floor, unshare(1),\n"
    "                          and the drivers chosen with --runtime\n"
    "      --keep-going        run every case whatever fails (the default)\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Exit status: 0 every case ok, skipped, or a runtime difference declared in\n"
    "cases/known/NAME.known (# TODO); 1 a case failed; 2 usage error or bail-out (not\n"
    "root, no rootfs, the lab could not be made, interrupted).\n";

static __attribute__((noreturn)) void usage_error(const char *fmt, ...) ISO_PRINTF(1, 2);
static void beside_binary(char *out, size_t size, const char *name);

static void usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("isocheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see isocheck --help)\n", stderr);
    exit(2);
}

static int parse_positive_int(const char *opt, const char *s, int max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 1 || v > max)
        usage_error("%s: '%s' is not a whole number from 1 to %d", opt, s, max);
    return (int)v;
}

static double parse_seconds(const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || end == s || !(v > 0) || v > 86400)
        usage_error("--timeout: '%s' is not a number of seconds above 0", s);
    return v;
}

/* The lab's addresses live in its own namespaces, but a prefix that
 * overlaps this machine's addresses would make TAP diagnostics ambiguous
 * and is almost certainly a mistake: refuse it. */
static void set_net_prefix(struct iso_config *cfg, const char *text)
{
    struct ifaddrs *ifs, *i;
    char why[160];

    if (net_parse_prefix(text, &cfg->net_base, why, sizeof(why)) < 0)
        usage_error("--net-prefix: %s", why);
    snprintf(cfg->net_prefix, sizeof(cfg->net_prefix), "%s", text);
    if (getifaddrs(&ifs) < 0)
        return;
    for (i = ifs; i; i = i->ifa_next) {
        char addr[INET_ADDRSTRLEN];
        uint32_t a;
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
            continue;
        a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
        if ((a & 0xffff0000u) != cfg->net_base)
            continue;
        inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, addr, sizeof(addr));
        freeifaddrs(ifs);
        usage_error("--net-prefix: %s overlaps %s on this machine's interface %s", text, addr,
                    i->ifa_name);
    }
    freeifaddrs(ifs);
}

/* cases/known/NAME.known next to the source tree of the binary */
static int load_known(const char *rt, struct known *k, int n, int max)
{
    char path[PATH_MAX], text[16384], why[PATH_MAX + 128];
    int rc;

    beside_binary(path, sizeof(path), "../cases/known/");
    strlcpy0(path + strlen(path), rt, sizeof(path) - strlen(path));
    strlcpy0(path + strlen(path), ".known", sizeof(path) - strlen(path));
    if (read_file(path, text, sizeof(text)) < 0)
        return n;
    rc = known_parse(text, path, rt, k, n, max, why, sizeof(why));
    if (rc < 0)
        usage_error("%s", why);
    return rc;
}

static void write_matrix(const char *path, const struct runner_args *ra)
{
    static const char *const words[] = { "–", "ok", "**FAIL**", "skip", "TODO" };
    FILE *f = fopen(path, "w");

    if (!f) {
        fprintf(stderr, "isocheck: --matrix: cannot write '%s': %s\n", path, strerror(errno));
        return;
    }
    fputs("| case |", f);
    for (int r = 0; r < ra->nrt; r++)
        fprintf(f, " %s%s%s |", ra->rts[r]->name, ra->versions[r] ? " " : "",
                ra->versions[r] ? ra->versions[r] : "");
    fputs("\n|---|", f);
    for (int r = 0; r < ra->nrt; r++)
        fputs("---|", f);
    fputc('\n', f);
    for (int k = 0; k < ra->n; k++) {
        fprintf(f, "| `%s` |", registry_at(ra->sel[k])->name);
        for (int r = 0; r < ra->nrt; r++)
            fprintf(f, " %s |", words[ra->verdicts[r * ra->n + k]]);
        fputc('\n', f);
    }
    fclose(f);
}

static void list_cases(void)
{
    for (int i = 0; i < registry_count(); i++) {
        const struct iso_case *c = registry_at(i);
        printf("%-40s %s\n", c->name, c->desc);
    }
}

static void list_sabotages(void)
{
    for (int i = 0; i < spec_sabotage_count(); i++) {
        const struct iso_sabotage *s = spec_sabotage_at(i);
        bool first = true;

        printf("%s\t%s\t", s->name, s->desc);
        for (int j = 0; j < registry_count(); j++) {
            if (!(registry_at(j)->detects & s->bit))
                continue;
            printf("%s%s", first ? "" : ",", registry_at(j)->name);
            first = false;
        }
        putchar('\n');
    }
}

/* Files next to the binary: build/isocheck, build/isoprobe, build/rootfs. */
static void beside_binary(char *out, size_t size, const char *name)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n < 0) {
        snprintf(out, size, "%s", name);
        return;
    }
    exe[n] = '\0';
    snprintf(out, size, "%s/%s", dirname(exe), name);
}

static bool have_cap_sys_admin(void)
{
    cap_flag_value_t v = CAP_CLEAR;
    cap_t caps = cap_get_proc();

    if (caps) {
        cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v);
        cap_free(caps);
    }
    return v == CAP_SET;
}

int main(int argc, char **argv)
{
    enum { OPT_ROOTFS = 256, OPT_TAP, OPT_LIST_SAB, OPT_KEEP, OPT_REPEAT, OPT_BENCH, OPT_NET_PREFIX, OPT_RT_PATH, OPT_MATRIX, OPT_LIST_RT };
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "list", no_argument, NULL, 'l' },
        { "list-sabotages", no_argument, NULL, OPT_LIST_SAB },
        { "list-runtimes", no_argument, NULL, OPT_LIST_RT },
        { "sabotage", required_argument, NULL, 's' },
        { "jobs", required_argument, NULL, 'j' },
        { "timeout", required_argument, NULL, 't' },
        { "rootfs", required_argument, NULL, OPT_ROOTFS },
        { "runtime", required_argument, NULL, 'r' },
        { "tap-version", required_argument, NULL, OPT_TAP },
        { "keep-going", no_argument, NULL, OPT_KEEP },
        { "repeat", required_argument, NULL, OPT_REPEAT },
        { "bench", required_argument, NULL, OPT_BENCH },
        { "net-prefix", required_argument, NULL, OPT_NET_PREFIX },
        { "runtime-path", required_argument, NULL, OPT_RT_PATH },
        { "matrix", required_argument, NULL, OPT_MATRIX },
        { NULL, 0, NULL, 0 },
    };
    struct iso_config cfg = { .timeout_s = 10, .tap_version = 13, .runtime = "builtin" };
    const char *rootfs_opt = NULL, *unmatched, *matrix_path = NULL;
    bool list = false, list_sab = false, list_rt = false;
    struct tap_writer tap;
    struct iso_err err = { 0, "" };
    struct utsname uts;
    int *sel, n, opt, rc, repeat = 1, bench = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    cfg.jobs = ncpu > 0 ? (int)ncpu : 1;
    set_net_prefix(&cfg, "198.18.0.0/16");
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":hVls:j:t:r:", opts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(usage, stdout); return 0;
        case 'V': printf("isocheck %s\n", ISO_VERSION); return 0;
        case 'l': list = true; break;
        case OPT_LIST_SAB: list_sab = true; break;
        case OPT_LIST_RT: list_rt = true; break;
        case 's':
            cfg.sabotage = spec_sabotage_lookup(optarg);
            if (!cfg.sabotage)
                usage_error("--sabotage: unknown sabotage '%s' (see --list-sabotages)", optarg);
            break;
        case 'j': cfg.jobs = parse_positive_int("--jobs", optarg, 64); break;
        case 't': cfg.timeout_s = parse_seconds(optarg); break;
        case OPT_ROOTFS: rootfs_opt = optarg; break;
        case 'r':
            if (strcmp(optarg, "all") != 0 && !rt_lookup(optarg))
                usage_error("--runtime: unknown runtime '%s' (known: %s)", optarg, rt_names());
            cfg.runtime = optarg;
            break;
        case OPT_RT_PATH: {
            char name[32], why[PATH_MAX + 80];
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof(name) || !eq[1])
                usage_error("--runtime-path: '%s' is not NAME=PATH", optarg);
            snprintf(name, sizeof(name), "%.*s", (int)(eq - optarg), optarg);
            if (rt_set_path(name, eq + 1, why, sizeof(why)) < 0)
                usage_error("--runtime-path: %s", why);
            break;
        }
        case OPT_MATRIX: matrix_path = optarg; break;
        case OPT_TAP:
            if (strcmp(optarg, "13") && strcmp(optarg, "14"))
                usage_error("--tap-version: '%s' is not 13 or 14", optarg);
            cfg.tap_version = atoi(optarg);
            break;
        case OPT_KEEP: break;
        case OPT_NET_PREFIX: set_net_prefix(&cfg, optarg); break;
        case OPT_BENCH: bench = parse_positive_int("--bench", optarg, 100000); break;
        case OPT_REPEAT: repeat = parse_positive_int("--repeat", optarg, 10000); break;
        case ':': usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = 0; list_rt && i < rt_count(); i++)
        printf("%s %s\n", rt_at(i)->name, rt_binary(rt_at(i)->name) ?: "-");
    if (list || list_sab || list_rt) {
        if (list_rt)
            return 0;
        list ? list_cases() : list_sabotages();
        return 0;
    }
    sel = calloc((size_t)registry_count() * (size_t)repeat + 1, sizeof(*sel));
    if (!sel)
        usage_error("out of memory");
    n = registry_select(argv + optind, argc - optind, sel, registry_count(), &unmatched);
    if (unmatched)
        usage_error("pattern '%s' matches no case (see --list)", unmatched);
    for (int r = 1; r < repeat; r++)
        memcpy(sel + r * n, sel, (size_t)n * sizeof(*sel));
    n *= repeat;
    if (rootfs_opt) {
        struct stat st;
        if (stat(rootfs_opt, &st) < 0)
            usage_error("--rootfs: '%s': %s", rootfs_opt, strerror(errno));
        if (!S_ISDIR(st.st_mode))
            usage_error("--rootfs: '%s' is not a directory", rootfs_opt);
        if (!realpath(rootfs_opt, cfg.rootfs))
            usage_error("--rootfs: '%s': %s", rootfs_opt, strerror(errno));
    } else {
        beside_binary(cfg.rootfs, sizeof(cfg.rootfs), "rootfs");
    }
    beside_binary(cfg.probe, sizeof(cfg.probe), "isoprobe");

    tap_begin(&tap, stdout, cfg.tap_version);
    if (!have_cap_sys_admin()) {
        tap_bail(&tap, "isocheck needs root: CAP_SYS_ADMIN is not in the effective set "
                       "(run it as root, e.g. with sudo)");
        return 2;
    }
    if (access(cfg.rootfs, X_OK) < 0) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof(msg), "no rootfs at %s (build it with 'make fixtures')", cfg.rootfs);
        tap_bail(&tap, msg);
        return 2;
    }
    if (access(cfg.probe, X_OK) < 0) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof(msg), "no probe at %s (build it with 'make')", cfg.probe);
        tap_bail(&tap, msg);
        return 2;
    }
    uname(&uts);
    cg_run_setup(&cfg.cg);
    rt_configure(&cfg);
    if (bench) {
        const struct iso_runtime *brts[8];
        int nb = 0;
        for (int i = 0; i < rt_count() && nb < 8; i++)
            if (rt_at(i)->external &&
                (strcmp(cfg.runtime, "all") == 0 || strcmp(cfg.runtime, rt_at(i)->name) == 0))
                brts[nb++] = rt_at(i);
        struct bench_args ba = { &cfg, bench, brts, nb };
        tap_plan(&tap, 0);
        rc = lab_run(&cfg, bench_main, &ba, &err);
        cg_run_cleanup(&cfg.cg);
        if (rc != 0 && err.msg[0])
            tap_bail(&tap, err.msg);
        return rc == 0 ? 0 : 2;
    }
    {
        char sab[256] = "none";
        if (cfg.sabotage)
            spec_sabotage_names(cfg.sabotage, sab, sizeof(sab));
        tap_comment(&tap, "isocheck %s on Linux %s; runtime %s; sabotage %s; jobs %d; rootfs %s",
                    ISO_VERSION, uts.release, cfg.runtime, sab, cfg.jobs, cfg.rootfs);
        if (cfg.cg.version)
            tap_comment(&tap, "cgroup v%d; memory %s, pids %s, cpu %s", cfg.cg.version,
                        cfg.cg.ctl[CG_MEMORY].ok ? "ok" : cfg.cg.ctl[CG_MEMORY].why,
                        cfg.cg.ctl[CG_PIDS].ok ? "ok" : cfg.cg.ctl[CG_PIDS].why,
                        cfg.cg.ctl[CG_CPU].ok ? "ok" : cfg.cg.ctl[CG_CPU].why);
        else
            tap_comment(&tap, "no usable cgroups: %s", cfg.cg.ctl[CG_MEMORY].why);
    }
    {
        const struct iso_runtime *rts[8];
        const char *versions[8] = { NULL };
        static char vbuf[8][32];
        static struct known known[256];
        int nrt = 0, nknown = 0;
        struct runner_args ra;

        for (int i = 0; i < rt_count() && nrt < 8; i++) {
            const struct iso_runtime *rt = rt_at(i);
            if (strcmp(cfg.runtime, "all") != 0 && strcmp(cfg.runtime, rt->name) != 0)
                continue;
            rts[nrt] = rt;
            if (rt->external && rt_binary(rt->name)) {
                rt->version(rt, vbuf[nrt], sizeof(vbuf[nrt]));
                versions[nrt] = vbuf[nrt][0] ? vbuf[nrt] : NULL;
                tap_comment(&tap, "runtime %s %s at %s", rt->name, vbuf[nrt][0] ? vbuf[nrt] : "(version unknown)",
                            rt_binary(rt->name));
                if (strcmp(rt->name, "crun") == 0 && cfg.cg.version == 1 &&
                    access("/sys/fs/cgroup/unified", F_OK) == 0)
                    tap_comment(&tap, "crun runs in a mount namespace of its own where "
                                      "/sys/fs/cgroup/unified is unmounted: crun 1.8 refuses "
                                      "cgroup v1 hosts with a cgroup2 mount");
            }
            nknown = load_known(rt->name, known, nknown, (int)ARRAY_LEN(known));
            nrt++;
        }
        ra = (struct runner_args){ .cfg = &cfg, .sel = sel, .n = n, .rts = rts, .versions = versions,
                                   .nrt = nrt, .known = known, .nknown = nknown, .tap = &tap };
        /* shared with the lab, so the matrix can be written here after it */
        ra.verdicts = mmap(NULL, sizeof(enum verdict) * (size_t)(n * nrt + 1),
                           PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (ra.verdicts == MAP_FAILED) {
            tap_bail(&tap, "cannot allocate the result matrix");
            return 2;
        }
        rc = lab_run(&cfg, runner_main, &ra, &err);
        if (matrix_path && (rc == 0 || rc == 1))
            write_matrix(matrix_path, &ra);
    }
    cg_run_cleanup(&cfg.cg);
    if (rc == -2) {
        tap_bail(&tap, "interrupted");
        return 2;
    }
    if (rc == 2 && !err.msg[0])
        return 2; /* the runner bailed out itself */
    if (rc < 0 || rc > 1) {
        tap_bail(&tap, err.msg[0] ? err.msg : "the lab ended abnormally");
        return 2;
    }
    return rc;
}
