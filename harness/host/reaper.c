/* reaper.c - the run's cgroup watchdog (reaper.h).
 *
 * The kernel removes everything else a killed run made (the lab's mounts
 * and processes go with its namespaces), but not cgroup directories. The
 * watchdog is a process of its own (this binary, spawned with argv[0]
 * "isocheck-reaper" and entered from a constructor before main) in a
 * process group of its own, so that neither the run's death nor a kill of
 * the run's process group takes it along. Spawning it (vfork + exec) costs
 * the run no copy of its address space. It waits for EOF on a pipe; the
 * write end is inherited by every process the run forks, so EOF comes when
 * the run and its lab are gone and nothing can make a new cgroup.
 *
 * It is started before cg_run_setup makes anything; the run hands it the
 * finished description of its cgroups through shared memory (a memfd). */
#define _GNU_SOURCE
#include "reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define REAPER_ARGV0 "isocheck-reaper"
#define PIPE_FD 3   /* in the watchdog: the pipe's read end */
#define SHARED_FD 4 /* and the memfd of the handover */

struct handover {
    pid_t run;
    int ready; /* cg is complete */
    struct cg_info cg;
};

/* Its stdio must not keep the run's output open (a reader of the run's
 * output would wait for the watchdog), nor any other descriptor; a
 * terminal's signals are not for it. */
static void detach(unsigned keep)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    }
    close_range(keep + 1, ~0U, 0);
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
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
            strlen(e->d_name) >= sizeof(mine->run))
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

static __attribute__((noreturn)) void watch(const struct handover *h, int fd)
{
    char c;
    sigset_t none;

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
        clean_unfinished(h->run);
    _exit(0);
}

/* The watchdog's entry: before main, in the spawned copy of this binary. */
__attribute__((constructor)) static void reaper_entry(int argc, char **argv)
{
    const struct handover *h;

    if (argc != 1 || strcmp(argv[0], REAPER_ARGV0) != 0)
        return;
    detach(SHARED_FD);
    h = mmap(NULL, sizeof(*h), PROT_READ, MAP_SHARED, SHARED_FD, 0);
    if (h == MAP_FAILED)
        _exit(1);
    watch(h, PIPE_FD);
}

/* Spawn the watchdog with the pipe's read end and the handover; returns
 * the pipe's write end, or -1 with err. It is in a process group of its
 * own before the run goes on: a kill of the run's group either comes
 * before the run made anything, or misses the watchdog. */
static int spawn_watchdog(int shared, struct iso_err *err)
{
    char *argv[] = { REAPER_ARGV0, NULL }, *envp[] = { NULL };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    int fds[2], rc;
    autoclose int rd = -1, sh = -1;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0)
        return iso_err_set(err, errno, "reaper: pipe");
    /* above the targets, so that one dup2 cannot overwrite the other's source */
    rd = fcntl(fds[0], F_DUPFD_CLOEXEC, SHARED_FD + 1);
    sh = fcntl(shared, F_DUPFD_CLOEXEC, SHARED_FD + 1);
    close(fds[0]);
    if (rd < 0 || sh < 0) {
        int e = errno;
        close(fds[1]);
        return iso_err_set(err, e, "reaper: dup");
    }
    sigemptyset(&none);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, rd, PIPE_FD);
    posix_spawn_file_actions_adddup2(&fa, sh, SHARED_FD);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    rc = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        close(fds[1]);
        return iso_err_set(err, rc, "reaper: spawn \"/proc/self/exe\"");
    }
    return fds[1];
}

int reaper_cg_setup(struct cg_info *cg, struct iso_err *err)
{
    autoclose int shared = memfd_create(REAPER_ARGV0, MFD_CLOEXEC);
    struct handover *h = MAP_FAILED;
    int fd = -1;

    if (shared < 0 || ftruncate(shared, sizeof(*h)) < 0)
        iso_err_set(err, errno, "reaper: memfd");
    else if ((h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED, shared, 0)) ==
             MAP_FAILED)
        iso_err_set(err, errno, "reaper: mmap");
    else {
        h->run = getpid();
        fd = spawn_watchdog(shared, err);
    }
    cg_run_setup(cg);
    if (h != MAP_FAILED) {
        memcpy(&h->cg, cg, sizeof(*cg));
        __atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
        munmap(h, sizeof(*h));
    }
    /* fd stays open for the life of the run: its close is the signal */
    return fd < 0 ? -1 : 0;
}
