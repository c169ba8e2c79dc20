/* reaper.c - the run's cgroup watchdog (reaper.h).
 *
 * The kernel removes everything else a killed run made (the lab's mounts
 * and processes go with its namespaces), but not cgroup directories. The
 * watchdog is a child of the run in a process group of its own, so that
 * neither the run's death nor a kill of the run's process group takes it
 * along. It waits for EOF on a pipe; the
 * write end is inherited by every process the run forks, so EOF comes when
 * the run and its lab are gone and nothing can make a new cgroup.
 *
 * It is started before cg_run_setup makes anything; the run hands it the
 * finished description of its cgroups through a shared page. */
#define _GNU_SOURCE
#include "reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

struct handover {
    int ready; /* cg is complete */
    struct cg_info cg;
};

/* Its stdio must not keep the run's output open (a reader of the run's
 * output would wait for the watchdog), nor any other descriptor; a
 * terminal's signals are not for it. */
static void detach(int keep)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    close_range(3, (unsigned)keep - 1, 0);
    close_range((unsigned)keep + 1, ~0U, 0);
    prctl(PR_SET_NAME, "isocheck-reaper");
}

/* Remove every run parent "isocheck-RUN-*" in dir with mine's hierarchies. */
static void clean_by_pid(struct cg_info *mine, const char *dir, pid_t run)
{
    char prefix[32];
    struct dirent *e;
    DIR *d = opendir(dir);

    snprintf(prefix, sizeof(prefix), "isocheck-%d-", (int)run);
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || strlen(e->d_name) >= sizeof(mine->run))
            continue;
        strlcpy0(mine->run, e->d_name, sizeof(mine->run));
        cg_run_cleanup(mine);
    }
    if (d)
        closedir(d);
}

/* The run died inside cg_run_setup: find its hierarchies as it did (that
 * makes a run parent of the watchdog's own, removed again) and remove what
 * carries its pid. */
static void clean_unfinished(pid_t run)
{
    static struct cg_info mine;
    char own[64], dir[PATH_MAX];

    cg_run_setup(&mine);
    strlcpy0(own, mine.run, sizeof(own));
    for (int i = 0; i < mine.nmounts; i++) {
        snprintf(dir, sizeof(dir), "%s/%s", mine.h[i].mount, mine.h[i].own);
        clean_by_pid(&mine, dir, run);
    }
    strlcpy0(mine.run, own, sizeof(mine.run));
    cg_run_cleanup(&mine);
}

static __attribute__((noreturn)) void watch(struct handover *h, int fd, pid_t run)
{
    char c;
    sigset_t none;

    detach(fd);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    while (read(fd, &c, 1) != 0) /* nothing is ever written: EOF or an error */
        ;
    if (__atomic_load_n(&h->ready, __ATOMIC_ACQUIRE))
        cg_run_cleanup(&h->cg); /* kills what is left, deepest first; idempotent */
    else
        clean_unfinished(run);
    _exit(0);
}

/* Fork the watchdog; returns the write end of its pipe, or -1 with err.
 * The run puts it in a process group of its own before going on: a kill
 * of the run's group either comes before the run made anything, or misses
 * the watchdog. The run does not wait for it to be scheduled. */
static int start_watchdog(struct handover *h, struct iso_err *err)
{
    int fds[2];
    pid_t run = getpid(), pid;

    if (pipe2(fds, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "reaper: pipe");
    pid = fork();
    if (pid == 0) {
        close(fds[1]);
        setpgid(0, 0);
        watch(h, fds[0], run);
    }
    close(fds[0]);
    if (pid < 0) {
        int e = errno;
        close(fds[1]);
        return iso_err_set(err, e, "reaper: fork");
    }
    setpgid(pid, pid);
    return fds[1];
}

int reaper_cg_setup(struct cg_info *cg, struct iso_err *err)
{
    struct handover *h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                              -1, 0);
    int fd = -1;

    if (h == MAP_FAILED)
        iso_err_set(err, errno, "reaper: mmap");
    else if ((fd = start_watchdog(h, err)) < 0)
        munmap(h, sizeof(*h));
    cg_run_setup(cg);
    if (fd < 0)
        return -1;
    memcpy(&h->cg, cg, sizeof(*cg));
    __atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
    munmap(h, sizeof(*h));
    /* fd stays open for the life of the run: its close is the signal */
    return 0;
}
