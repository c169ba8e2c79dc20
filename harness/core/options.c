/* options.c - isocheck's command line: --help and the parsing of every
 * option into strings. File outputs come from the sink table (sink.h): a
 * new one adds its option and its --help line there. */
#define _GNU_SOURCE
#include "options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "feature.h"
#include "sink.h"

static const char usage_head[] =
    "Usage: isocheck [OPTION]... [PATTERN]...\n"
    "Build real Linux containers, run a probe inside them and check that they are\n"
    "isolated. Prints TAP on stdout. Needs root (CAP_SYS_ADMIN).\n"
    "\n"
    "PATTERN is a glob on case names ('pid.*', 'mount.old_root_*'); a bare family\n"
    "name such as 'pid' selects the whole family. Default: every case.\n"
    "\n"
    "  -l, --list              list the cases with their descriptions and exit\n"
    "      --list-sabotages    list the sabotages, and the cases each must fail, and exit\n"
    "      --list-runtimes     list the runtimes (NAME and binary, - when none or missing) and "
    "exit\n"
    "      --preflight         print what this host is (kernel, distribution, cgroups,\n"
    "                          systemd, AppArmor, KVM, each runtime and the one sudo\n"
    "                          would run) and exit; every run starts with these lines\n"
    "  -s, --sabotage NAME     apply the sabotage NAME to every container\n"
    "  -j, --jobs N            run N cases at once, 1 to 64 (default: number of CPUs)\n"
    "  -t, --timeout SECONDS   kill a case after SECONDS (default 10, 60 when podman or\n"
    "                          docker runs; decimals allowed)\n"
    "      --rootfs DIR        use DIR as the container root filesystem (not modified;\n"
    "                          the probe is overlaid at /isoprobe)\n"
    "                          (default: rootfs next to the isocheck binary)\n"
    "  -r, --runtime NAME      runtime that builds the containers: builtin (default),\n"
    "                          unshare, bwrap, crun, runc, podman, lxc, nspawn,\n"
    "                          docker; several separated by commas (crun,runc), or\n"
    "                          all of them, in turn\n"
    "      --runtime-path NAME=PATH\n"
    "                          run that runtime's binary from PATH (e.g. a fresh crun)\n";
static const char usage_tail[] =
    "      --tap-version N     13 (default; what prove 3.44 reads) or 14\n"
    "      --net-prefix A.B.0.0/16\n"
    "                          addresses for the lab's links (default " DEFAULT_NET_PREFIX ",\n"
    "                          the range set aside for network tests); when a\n"
    "                          selected case builds networks, it must not overlap\n"
    "                          an address of this machine\n"
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
    "root, no rootfs, the lab could not be made, an output could not be written,\n"
    "interrupted).\n";

void usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("isocheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see isocheck --help)\n", stderr);
    exit(2);
}

/* "      --junit FILE        text", continuation lines under the text. */
void print_usage(void)
{
    char names[256];

    fputs(usage_head, stdout);
    for (int i = 0; i < sink_kind_count(); i++) {
        const struct sink_kind *k = sink_kind_at(i);
        char opt[32];
        snprintf(opt, sizeof(opt), "--%s FILE", k->option);
        printf("      %-20s", opt);
        for (const char *p = k->help; *p; p++) {
            putchar(*p);
            if (*p == '\n')
                printf("%26s", "");
        }
        putchar('\n');
    }
    feature_names(~0u, names, sizeof(names));
    printf("      --require FEATURES  a case skipped for want of one of these features fails\n"
           "                          instead, so CI cannot pass with the cases it needs\n"
           "                          skipped; comma-separated, of: %s\n",
           names);
    fputs(usage_tail, stdout);
}

enum {
    OPT_ROOTFS = 256,
    OPT_TAP,
    OPT_LIST_SAB,
    OPT_LIST_RT,
    OPT_KEEP,
    OPT_REPEAT,
    OPT_BENCH,
    OPT_NET_PREFIX,
    OPT_RT_PATH,
    OPT_PREFLIGHT,
    OPT_REQUIRE,
    OPT_SINK /* + sink kind index */
};

void parse_options(int argc, char **argv, struct options *o)
{
    static const struct option fixed[] = {
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
        { "preflight", no_argument, NULL, OPT_PREFLIGHT },
        { "require", required_argument, NULL, OPT_REQUIRE },
    };
    struct option opts[ARRAY_LEN(fixed) + ARRAY_LEN(o->outputs) + 1] = { { 0 } };
    int nopt = 0, opt;

    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        opts[nopt++] = fixed[i];
    for (int i = 0; i < sink_kind_count() && i < (int)ARRAY_LEN(o->outputs); i++)
        opts[nopt++] =
            (struct option){ sink_kind_at(i)->option, required_argument, NULL, OPT_SINK + i };
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":hVls:j:t:r:", opts, NULL)) != -1) {
        switch (opt) {
        case 'h': o->help = true; break;
        case 'V': o->version = true; break;
        case 'l': o->list = true; break;
        case OPT_LIST_RT: o->list_runtimes = true; break;
        case OPT_PREFLIGHT: o->preflight = true; break;
        case OPT_REQUIRE: o->require = optarg; break;
        case OPT_LIST_SAB: o->list_sabotages = true; break;
        case 's': o->sabotage = optarg; break;
        case 'j': o->jobs = optarg; break;
        case 't': o->timeout = optarg; break;
        case OPT_ROOTFS: o->rootfs = optarg; break;
        case 'r': o->runtime = optarg; break;
        case OPT_TAP: o->tap_version = optarg; break;
        case OPT_KEEP: break;
        case OPT_NET_PREFIX: o->net_prefix = optarg; break;
        case OPT_BENCH: o->bench = optarg; break;
        case OPT_REPEAT: o->repeat = optarg; break;
        case OPT_RT_PATH:
            if (o->nrt_paths >= (int)ARRAY_LEN(o->rt_paths))
                usage_error("--runtime-path: more than %d given", (int)ARRAY_LEN(o->rt_paths));
            o->rt_paths[o->nrt_paths++] = optarg;
            break;
        case ':': usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            if (opt >= OPT_SINK && opt < OPT_SINK + sink_kind_count()) {
                o->outputs[opt - OPT_SINK] = optarg;
                break;
            }
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    o->patterns = argv + optind;
    o->npatterns = argc - optind;
}
