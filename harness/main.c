/* main.c - isocheck's command line, as a short sequence of named steps
 * (tini's main reads the same way):
 *
 *   parse_options     read every option; nothing is checked yet (options.c)
 *   validate          turn them into a configuration; usage errors exit 2
 *   prepare_runtimes  which runtimes, their versions, their known differences
 *   make_store        the shared result store (before the lab, so main keeps it)
 *   open_outputs      the TAP stream on stdout and the file outputs
 *   check_host        root, rootfs, probe: a failure here is "Bail out!"
 *   run_lab           the lab, with the runner (or the bench) as its PID 1
 *   sink_replay       the outputs written after the run (JUnit, matrix)
 *
 * Every usage error comes before the TAP header; anything that goes wrong
 * after it is "Bail out!" and exit 2. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "config.h"
#include "known.h"
#include "lab.h"
#include "netlab.h"
#include "options.h"
#include "reaper.h"
#include "repeat.h"
#include "preflight.h"
#include "registry.h"
#include "results.h"
#include "runner.h"
#include "runtime.h"
#include "sink.h"
#include "spec.h"

#ifndef ISO_VERSION
#define ISO_VERSION "0.1.0"
#endif

#define MAX_RUNTIMES 16

/* What the run is, once checked. */
struct run {
    struct iso_config cfg;
    int *sel, n, repeat, bench;
    bool timeout_given; /* --timeout: else a slow runtime may raise the default */
    const struct iso_runtime *rts[MAX_RUNTIMES];
    const char *names[MAX_RUNTIMES];
    const char *versions[MAX_RUNTIMES];
    char vbuf[MAX_RUNTIMES][32];
    int nrt;
    struct known known[256];
    int nknown;
    const char **case_names;
    struct sink_list sinks;
    struct iso_results res;
};

/* --- step 2: validate --------------------------------------------------- */

/* --runtime: "all", or names separated by commas, each known, none twice */
static void check_runtime_list(const char *list)
{
    char name[64];

    if (strcmp(list, "all") == 0)
        return;
    for (const char *p = list;; p++) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof(name))
            usage_error("--runtime: '%s' is not a runtime name or a list of them separated "
                        "by commas (known: %s)",
                        list, rt_names());
        memcpy(name, p, n);
        name[n] = '\0';
        if (!rt_lookup(name))
            usage_error("--runtime: unknown runtime '%s' (known: %s)", name, rt_names());
        for (const char *q = list; q < p; q += strcspn(q, ",") + 1)
            if (strncmp(q, name, n) == 0 && q[n] == ',')
                usage_error("--runtime: '%s' is named twice", name);
        p += n;
        if (*p == '\0')
            break;
    }
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

/* Does a selected case build networks (the net family, or ISO_NEEDS_NET)? */
static bool selection_uses_net(const struct run *run)
{
    for (int k = 0; k < run->n; k++) {
        const struct iso_case *c = registry_at(run->sel[k]);
        if ((c->needs & ISO_NEEDS_NET) || strncmp(c->name, "net.", 4) == 0)
            return true;
    }
    return false;
}

/* The lab's addresses live in its own namespaces, but a prefix that
 * overlaps this machine's addresses would make TAP diagnostics ambiguous
 * and is almost certainly a mistake: refuse it when a selected case builds
 * networks (asking the kernel for every address costs the others time).
 * given: from --net-prefix (else the default, which the message then
 * names as such). */
static void set_net_prefix(struct iso_config *cfg, const char *text, bool given, bool used)
{
    struct ifaddrs *ifs;
    char why[160];

    if (net_parse_prefix(text, &cfg->net_base, why, sizeof(why)) < 0)
        usage_error("--net-prefix: %s", why);
    snprintf(cfg->net_prefix, sizeof(cfg->net_prefix), "%s", text);
    if (!used || getifaddrs(&ifs) < 0)
        return;
    for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
        char addr[INET_ADDRSTRLEN], name[IFNAMSIZ + 1];
        const struct sockaddr_in *sin = (const struct sockaddr_in *)i->ifa_addr;
        if (!sin || sin->sin_family != AF_INET ||
            (ntohl(sin->sin_addr.s_addr) & 0xffff0000u) != cfg->net_base)
            continue;
        inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
        snprintf(name, sizeof(name), "%s", i->ifa_name);
        freeifaddrs(ifs);
        if (given)
            usage_error("--net-prefix: %s overlaps %s on this machine's interface %s", text, addr,
                        name);
        usage_error("the default --net-prefix %s overlaps %s on this machine's interface %s: "
                    "choose another with --net-prefix",
                    text, addr, name);
    }
    freeifaddrs(ifs);
}

static void list_cases(void)
{
    for (int i = 0; i < registry_count(); i++) {
        const struct iso_case *c = registry_at(i);
        printf("%-40s %s\n", c->name, c->desc);
    }
}

/* NAME and the binary it would run ("-" when it runs none or it is
 * missing): scripts ask this instead of retyping the names. */
static void list_runtimes(void)
{
    for (int i = 0; i < rt_count(); i++)
        printf("%s %s\n", rt_at(i)->name,
               rt_binary(rt_at(i)->name) ? rt_binary(rt_at(i)->name) : "-");
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
        if (spec_sabotage_points(s->bit))
            printf("%s%s", first ? "" : ",", spec_sabotage_points(s->bit));
        putchar('\n');
    }
}

static void select_cases(const struct options *o, struct run *run)
{
    const char *unmatched;

    run->sel = calloc((size_t)registry_count() * (size_t)run->repeat + 1, sizeof(*run->sel));
    if (!run->sel)
        usage_error("out of memory");
    run->n = registry_select(o->patterns, o->npatterns, run->sel, registry_count(), &unmatched);
    if (unmatched)
        usage_error("pattern '%s' matches no case (see --list)", unmatched);
    for (int r = 1; r < run->repeat; r++)
        memcpy(run->sel + (size_t)r * (size_t)run->n, run->sel, (size_t)run->n * sizeof(*run->sel));
    run->n *= run->repeat;
    run->case_names = calloc((size_t)run->n + 1, sizeof(*run->case_names));
    if (!run->case_names)
        usage_error("out of memory");
    for (int k = 0; k < run->n; k++)
        run->case_names[k] = registry_at(run->sel[k])->name;
}

static void set_rootfs(const struct options *o, struct iso_config *cfg)
{
    struct stat st;

    beside_binary(cfg->probe, sizeof(cfg->probe), "isoprobe");
    if (!o->rootfs) {
        beside_binary(cfg->rootfs, sizeof(cfg->rootfs), "rootfs");
        return;
    }
    if (stat(o->rootfs, &st) < 0)
        usage_error("--rootfs: '%s': %s", o->rootfs, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        usage_error("--rootfs: '%s' is not a directory", o->rootfs);
    if (!realpath(o->rootfs, cfg->rootfs))
        usage_error("--rootfs: '%s': %s", o->rootfs, strerror(errno));
}

static void set_runtime_path(const char *arg)
{
    char name[32], why[PATH_MAX + 80];
    const char *eq = strchr(arg, '=');

    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name) || !eq[1])
        usage_error("--runtime-path: '%s' is not NAME=PATH", arg);
    snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
    if (rt_set_path(name, eq + 1, why, sizeof(why)) < 0)
        usage_error("--runtime-path: %s", why);
}

/* Values first, in the order of --help; then what needs the host. */
static void validate(const struct options *o, struct run *run)
{
    struct iso_config *cfg = &run->cfg;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    char why[512];

    cfg->jobs = ncpu > 0 ? (int)ncpu : 1;
    if (o->sabotage && !(cfg->sabotage = spec_sabotage_lookup(o->sabotage)))
        usage_error("--sabotage: unknown sabotage '%s' (see --list-sabotages)", o->sabotage);
    if (o->jobs)
        cfg->jobs = parse_positive_int("--jobs", o->jobs, 64);
    cfg->timeout_s = o->timeout ? parse_seconds(o->timeout) : 10;
    run->timeout_given = o->timeout != NULL;
    cfg->runtime = o->runtime ? o->runtime : "builtin";
    check_runtime_list(cfg->runtime);
    cfg->tap_version = 13;
    if (o->tap_version) {
        if (strcmp(o->tap_version, "13") != 0 && strcmp(o->tap_version, "14") != 0)
            usage_error("--tap-version: '%s' is not 13 or 14", o->tap_version);
        cfg->tap_version = strcmp(o->tap_version, "14") == 0 ? 14 : 13;
    }
    if (o->require && feature_parse_list(o->require, &cfg->require, why, sizeof(why)) < 0)
        usage_error("--require: %s", why);
    run->repeat = o->repeat ? parse_positive_int("--repeat", o->repeat, 10000) : 1;
    run->bench = o->bench ? parse_positive_int("--bench", o->bench, 100000) : 0;
    select_cases(o, run);
    if (o->list || o->list_sabotages || o->list_runtimes || o->preflight)
        return; /* the lists need nothing from the host */
    set_rootfs(o, cfg);
    for (int i = 0; i < o->nrt_paths; i++)
        set_runtime_path(o->rt_paths[i]);
    set_net_prefix(cfg, o->net_prefix ? o->net_prefix : DEFAULT_NET_PREFIX, o->net_prefix != NULL,
                   selection_uses_net(run));
}

/* --- step 3: runtimes, their versions and known differences ------------- */

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

/* Is the runtime name in want: "all", or a comma-separated list of names? */
static bool runtime_wanted(const char *want, const char *name)
{
    size_t n = strlen(name);

    if (strcmp(want, "all") == 0)
        return true;
    for (const char *p = want; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return true;
    }
    return false;
}

static void prepare_runtimes(struct run *run)
{
    const char *want = run->cfg.runtime;

    if (rt_count() > MAX_RUNTIMES) /* a driver past the room would vanish from "all" */
    {
        fprintf(stderr, "isocheck: internal: %d runtime drivers, room for %d\n", rt_count(),
                MAX_RUNTIMES);
        exit(2);
    }
    for (int i = 0; i < rt_count(); i++) {
        const struct iso_runtime *rt = rt_at(i);
        if (!runtime_wanted(want, rt->name))
            continue;
        run->rts[run->nrt] = rt;
        run->names[run->nrt] = rt->name;
        if (!run->bench && rt->external && rt_binary(rt->name)) {
            rt->version(rt, run->vbuf[run->nrt], sizeof(run->vbuf[0]));
            run->versions[run->nrt] = run->vbuf[run->nrt][0] ? run->vbuf[run->nrt] : NULL;
        }
        run->nknown = load_known(rt->name, run->known, run->nknown, (int)ARRAY_LEN(run->known));
        run->nrt++;
        if (!run->timeout_given && rt->default_timeout_s > run->cfg.timeout_s)
            run->cfg.timeout_s = rt->default_timeout_s;
    }
}

/* The shared store the outputs read, mapped before the lab is cloned so
 * that main still has it after the lab is gone. */
static void make_store(struct run *run)
{
    struct iso_err err = { 0, "" };

    if (results_alloc(&run->res, run->bench ? 0 : run->nrt, run->n, &err) < 0)
        usage_error("%s", err.msg);
    run->res.runtimes = run->names;
    run->res.versions = run->versions;
    run->res.cases = run->case_names;
}

/* --- step 4: outputs ---------------------------------------------------- */

static void open_outputs(const struct options *o, struct run *run)
{
    struct iso_err err = { 0, "" };
    struct iso_sink *s;

    for (int i = 0; i < sink_kind_count(); i++) {
        const struct sink_kind *k = sink_kind_at(i);
        if (!o->outputs[i])
            continue;
        s = k->open(
            &(struct sink_opts){ .path = o->outputs[i], .tap_version = run->cfg.tap_version },
            &err);
        if (!s || sink_add(&run->sinks, s, &err) < 0)
            usage_error("--%s: %s", k->option, err.msg);
    }
    /* last: its header is the first byte on stdout */
    s = tap_sink_open(&(struct sink_opts){ .f = stdout, .tap_version = run->cfg.tap_version },
                      &err);
    if (!s || sink_add(&run->sinks, s, &err) < 0)
        usage_error("%s", err.msg);
}

/* --- step 5: the host --------------------------------------------------- */

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

/* Returns -1 with err when the run cannot start here. */
static int check_host(const struct iso_config *cfg, struct iso_err *err)
{
    if (!have_cap_sys_admin())
        return iso_err_set(err, 0,
                           "isocheck needs root: CAP_SYS_ADMIN is not in the effective set "
                           "(run it as root, e.g. with sudo)");
    if (access(cfg->rootfs, X_OK) < 0)
        return iso_err_set(err, 0, "no rootfs at %s (build it with 'make fixtures')", cfg->rootfs);
    if (access(cfg->probe, X_OK) < 0)
        return iso_err_set(err, 0, "no probe at %s (build it with 'make')", cfg->probe);
    return 0;
}

/* --- step 6: run -------------------------------------------------------- */

static void note_run(const struct run *run)
{
    const struct iso_config *cfg = &run->cfg;
    char sab[256] = "none";
    struct utsname uts;

    uname(&uts);
    if (cfg->sabotage)
        spec_sabotage_names(cfg->sabotage, sab, sizeof(sab));
    sinks_note(&run->sinks,
               "isocheck %s on Linux %s; runtime %s; sabotage %s; jobs %d; timeout %g s; rootfs %s",
               ISO_VERSION, uts.release, cfg->runtime, sab, cfg->jobs, cfg->timeout_s, cfg->rootfs);
    if (!cfg->cg.set_up)
        sinks_note(&run->sinks, "cgroups not set up: no selected case needs one");
    else if (cfg->cg.version)
        sinks_note(&run->sinks, "cgroup v%d; memory %s, pids %s, cpu %s", cfg->cg.version,
                   cfg->cg.ctl_ok[CG_MEMORY] ? "ok" : cfg->cg.ctl_why[CG_MEMORY],
                   cfg->cg.ctl_ok[CG_PIDS] ? "ok" : cfg->cg.ctl_why[CG_PIDS],
                   cfg->cg.ctl_ok[CG_CPU] ? "ok" : cfg->cg.ctl_why[CG_CPU]);
    else
        sinks_note(&run->sinks, "no usable cgroups: %s", cfg->cg.ctl_why[CG_MEMORY]);
    if (cfg->cg.how[0])
        sinks_note(&run->sinks, "%s", cfg->cg.how);
    for (int r = 0; r < run->nrt; r++) {
        const struct iso_runtime *rt = run->rts[r];
        if (!rt->external || !rt_binary(rt->name))
            continue;
        sinks_note(&run->sinks, "runtime %s %s at %s", rt->name,
                   run->versions[r] ? run->versions[r] : "(version unknown)", rt_binary(rt->name));
        if (strcmp(rt->name, "crun") == 0 && cfg->cg.version == 1 &&
            access("/sys/fs/cgroup/unified", F_OK) == 0)
            sinks_note(&run->sinks, "crun runs in a mount namespace of its own where "
                                    "/sys/fs/cgroup/unified is unmounted: crun 1.8 refuses "
                                    "cgroup v1 hosts with a cgroup2 mount");
    }
}

/* Finding the cgroups, reaping stale runs' parents and making this run's
 * cost milliseconds while other runs make and remove cgroups (the kernel
 * serialises that): only a run that may use a cgroup pays. OCI runtimes
 * always get a cgroupsPath; the builtin, unshare and bwrap only for a case
 * that declares it needs one. */
static void setup_cgroups(const struct run *run, struct cg_info *cg)
{
    bool need = false;

    for (int r = 0; r < run->nrt; r++)
        need |= run->rts[r]->external;
    for (int k = 0; k < run->n; k++)
        need |= (registry_at(run->sel[k])->needs & ISO_NEEDS_CGROUP) != 0;
    if (need) {
        /* with a watchdog that removes them if the run is killed; without
         * one (it could not start) the next run reaps them */
        reaper_cg_setup(cg, &(struct iso_err){ 0, "" });
        return;
    }
    cg_run_none(cg, "cgroups are not set up: no selected case declares .needs = ISO_NEEDS_CGROUP");
}

/* --- the host's facts: every run's first comments, or --preflight --- */

static void note_line(void *arg, const char *line) { sinks_note(arg, "%s", line); }

static void print_line(void *arg, const char *line) { fprintf(arg, "# %s\n", line); }

static void note_preflight(struct run *run)
{
    char req[256];

    feature_names(run->cfg.require, req, sizeof(req));
    sinks_note(&run->sinks, "required features: %s", req[0] ? req : "none");
    preflight_host(note_line, &run->sinks);
    preflight_runtimes(run->rts, run->versions, run->nrt, note_line, &run->sinks);
}

/* Every runtime, versions included. */
static int print_preflight(void)
{
    const struct iso_runtime *rts[MAX_RUNTIMES];
    const char *versions[MAX_RUNTIMES];
    char vbuf[MAX_RUNTIMES][32];
    int n = 0;

    preflight_host(print_line, stdout);
    for (int i = 0; i < rt_count() && n < MAX_RUNTIMES; i++, n++) {
        rts[n] = rt_at(i);
        vbuf[n][0] = '\0';
        if (rts[n]->external && rt_binary(rts[n]->name))
            rts[n]->version(rts[n], vbuf[n], sizeof(vbuf[n]));
        versions[n] = vbuf[n][0] ? vbuf[n] : NULL;
    }
    preflight_runtimes(rts, versions, n, print_line, stdout);
    return 0;
}

/* The lab's exit code: 0/1 from the runner, -1/-2/2 for the harness. */
static int run_lab(struct run *run, struct iso_err *err)
{
    if (run->bench) {
        const struct iso_runtime *brts[MAX_RUNTIMES];
        int nb = 0;
        for (int r = 0; r < run->nrt; r++)
            if (run->rts[r]->external)
                brts[nb++] = run->rts[r];
        struct bench_args ba = { &run->cfg, run->bench, brts, nb };
        *run->res.ready = 1;
        sinks_plan(&run->sinks, &run->res); /* 1..0: no results, only the bench's comments */
        return lab_run(&run->cfg, bench_main, &ba, err) == 0 ? 0 : -1;
    }
    note_run(run);
    note_preflight(run);
    struct runner_args ra = { .cfg = &run->cfg,
                              .sel = run->sel,
                              .n = run->n,
                              .rts = run->rts,
                              .versions = run->versions,
                              .nrt = run->nrt,
                              .known = run->known,
                              .nknown = run->nknown,
                              .sinks = &run->sinks,
                              .res = &run->res };
    return lab_run(&run->cfg, runner_main, &ra, err);
}

/* --- step 7: post-run outputs, exit status ------------------------------ */

/* --repeat N: the cases that both passed and failed, as comments; any
 * makes the run fail. */
static int report_flakes(struct run *run, int rc)
{
    struct flake f[64];
    int n;

    if (run->repeat < 2 || (rc != 0 && rc != 1))
        return rc;
    n = flake_table(&run->res, f, (int)ARRAY_LEN(f));
    flake_lines(&run->res, f, n < (int)ARRAY_LEN(f) ? n : (int)ARRAY_LEN(f), run->repeat, note_line,
                &run->sinks);
    return n > 0 ? 1 : rc;
}

static int bail(struct run *run, const char *reason)
{
    sinks_bail(&run->sinks, reason);
    return 2;
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    static struct run run;
    struct iso_err err = { 0, "" };
    int rc;

    parse_options(argc, argv, &o);
    if (o.help) {
        print_usage();
        return 0;
    }
    if (o.version) {
        printf("isocheck %s\n", ISO_VERSION);
        return 0;
    }
    validate(&o, &run);
    if (o.preflight)
        return print_preflight();
    if (o.list || o.list_sabotages || o.list_runtimes) {
        o.list ? list_cases() : o.list_sabotages ? list_sabotages() : list_runtimes();
        return 0;
    }
    prepare_runtimes(&run);
    make_store(&run);
    open_outputs(&o, &run);

    if (check_host(&run.cfg, &err) < 0)
        rc = bail(&run, err.msg);
    else {
        setup_cgroups(&run, &run.cfg.cg);
        rt_configure(&run.cfg);
        rc = run_lab(&run, &err);
        cg_run_cleanup(&run.cfg.cg);
        if (rc == -2)
            rc = bail(&run, "interrupted");
        else if (rc == 2 && !err.msg[0])
            rc = 2; /* the runner bailed out itself */
        else if (rc < 0 || rc > 1)
            rc = bail(&run, err.msg[0] ? err.msg : "the lab ended abnormally");
        rc = report_flakes(&run, rc);
    }
    if (sink_replay(&run.sinks, &run.res, &err) < 0 && rc != 2)
        rc = bail(&run, err.msg);
    sinks_destroy(&run.sinks);
    results_free(&run.res);
    free(run.case_names);
    free(run.sel);
    return rc;
}
