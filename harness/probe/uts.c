/* uts.c - the hostname a UTS namespace shows, and setting it. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"

static int cmd_hostname(int argc, char **argv)
{
    char name[256] = "";

    if (argc > 1) {
        if (sethostname(argv[1], strlen(argv[1])) < 0)
            probe_kv("set", "%s", probe_errname(errno));
        else
            probe_kv("set", "ok");
    }
    gethostname(name, sizeof(name) - 1);
    probe_kv("hostname", "%s", name);
    return 0;
}

const struct probe_cmd probe_uts_cmds[] = {
    { "hostname", cmd_hostname, "[NAME]  set NAME first, then report the hostname" },
    { 0 },
};
