/* rt_version.c - a runtime's version, from its own --version output. */
#define _GNU_SOURCE
#include "rt_version.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

void rt_version_parse(const char *text, char *out, size_t size)
{
    out[0] = '\0';
    for (const char *c = text; *c; c++) {
        size_t len = strspn(c, "0123456789.");
        const char *dot = memchr(c, '.', len);
        if (*c >= '0' && *c <= '9' && (c == text || c[-1] == ' ') && len > 2 && dot) {
            snprintf(out, size, "%.*s", (int)len, c);
            return;
        }
    }
}

void rt_version_read(const char *bin, char *out, size_t size)
{
    char text[1024] = "";
    size_t len = 0;
    int p[2];
    pid_t pid;
    double deadline = now_ms() + 3000;

    out[0] = '\0';
    if (pipe2(p, O_CLOEXEC) < 0)
        return;
    pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        execl(bin, bin, "--version", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    while (pid > 0 && len < sizeof(text) - 1) {
        struct pollfd pf = {p[0], POLLIN, 0};
        double left = deadline - now_ms();
        ssize_t n;
        if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
            break;
        n = read(p[0], text + len, sizeof(text) - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(p[0]);
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    text[len] = '\0';
    rt_version_parse(text, out, size);
}
