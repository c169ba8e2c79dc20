/* systemd.c - a delegated scope from systemd over sd-bus.
 *
 * StartTransientUnit only queues a job; the unit's cgroup exists and holds
 * the process once the job is removed with the result "done". So: subscribe
 * to the manager's signals, match JobRemoved for the unit, make the call,
 * then dispatch until that signal arrives (what systemd-run --scope does). */
#include "systemd.h"

#include <stdint.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "dl.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* a loaded machine, or a guest under TCG, can take seconds */
#define SCOPE_TIMEOUT_US (30ULL * 1000 * 1000)

/* libsystemd, loaded on first use (dl.h says why). */
static struct {
    __typeof__(sd_booted) *booted;
    __typeof__(sd_bus_open_system) *bus_open_system;
    __typeof__(sd_bus_match_signal) *bus_match_signal;
    __typeof__(sd_bus_call_method) *bus_call_method;
    __typeof__(sd_bus_message_new_method_call) *bus_message_new_method_call;
    __typeof__(sd_bus_message_append) *bus_message_append;
    __typeof__(sd_bus_call) *bus_call;
    __typeof__(sd_bus_message_unref) *bus_message_unref;
    __typeof__(sd_bus_process) *bus_process;
    __typeof__(sd_bus_wait) *bus_wait;
    __typeof__(sd_bus_error_free) *bus_error_free;
    __typeof__(sd_bus_slot_unref) *bus_slot_unref;
    __typeof__(sd_bus_flush_close_unref) *bus_flush_close_unref;
    __typeof__(sd_bus_message_read) *bus_message_read;
    __typeof__(sd_bus_error_is_set) *bus_error_is_set;
} sd;

static int load_libsystemd(struct iso_err *err)
{
    static struct dl_lib lib = { "libsystemd.so.0", NULL };
    const struct dl_sym syms[] = {
        { "sd_booted", &sd.booted },
        { "sd_bus_open_system", &sd.bus_open_system },
        { "sd_bus_match_signal", &sd.bus_match_signal },
        { "sd_bus_call_method", &sd.bus_call_method },
        { "sd_bus_message_new_method_call", &sd.bus_message_new_method_call },
        { "sd_bus_message_append", &sd.bus_message_append },
        { "sd_bus_call", &sd.bus_call },
        { "sd_bus_message_unref", &sd.bus_message_unref },
        { "sd_bus_process", &sd.bus_process },
        { "sd_bus_wait", &sd.bus_wait },
        { "sd_bus_error_free", &sd.bus_error_free },
        { "sd_bus_slot_unref", &sd.bus_slot_unref },
        { "sd_bus_flush_close_unref", &sd.bus_flush_close_unref },
        { "sd_bus_message_read", &sd.bus_message_read },
        { "sd_bus_error_is_set", &sd.bus_error_is_set },
    };

    return dl_load(&lib, syms, ARRAY_LEN(syms), err);
}

bool sysd_booted(void)
{
    struct iso_err err = { 0, "" };

    /* without libsystemd there is no way to ask systemd for anything */
    return load_libsystemd(&err) == 0 && sd.booted() > 0;
}

struct job_wait {
    const char *unit;
    bool removed;
    char result[32];
};

/* JobRemoved(u id, o job, s unit, s result) */
static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
    struct job_wait *w = data;
    uint32_t id;
    const char *job, *unit, *result;

    (void)ret_error;
    if (sd.bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0 || strcmp(unit, w->unit) != 0)
        return 0;
    w->removed = true;
    strlcpy0(w->result, result, sizeof(w->result));
    return 0;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The StartTransientUnit call: name, mode, properties, no auxiliary units. */
static int call_start(sd_bus *bus, const char *unit, pid_t pid, sd_bus_error *e)
{
    sd_bus_message *m = NULL, *reply = NULL;
    int r;

    r = sd.bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
    if (r >= 0)
        r = sd.bus_message_append(m, "ss", unit, "fail");
    if (r >= 0)
        r = sd.bus_message_append(m, "a(sv)", 3, "Description", "s",
                                  "isocheck: the run's delegated cgroup", "Delegate", "b", 1,
                                  "PIDs", "au", 1, (uint32_t)pid);
    if (r >= 0)
        r = sd.bus_message_append(m, "a(sa(sv))", 0);
    if (r >= 0)
        r = sd.bus_call(bus, m, SCOPE_TIMEOUT_US, e, &reply);
    sd.bus_message_unref(reply);
    sd.bus_message_unref(m);
    return r;
}

/* Dispatch until JobRemoved for w->unit, or the deadline. */
static int wait_job(sd_bus *bus, struct job_wait *w)
{
    uint64_t end = now_us() + SCOPE_TIMEOUT_US;

    while (!w->removed) {
        int r = sd.bus_process(bus, NULL);
        uint64_t now = now_us();
        if (r < 0)
            return r;
        if (r > 0)
            continue;
        if (now >= end)
            return -ETIMEDOUT;
        r = sd.bus_wait(bus, end - now);
        if (r < 0)
            return r;
    }
    return 0;
}

int sysd_start_scope(const char *unit, pid_t pid, struct iso_err *err)
{
    sd_bus *bus = NULL;
    sd_bus_slot *slot = NULL;
    sd_bus_error e = SD_BUS_ERROR_NULL;
    struct job_wait w = { unit, false, "" };
    const char *what = "connect to the system bus";
    int r;

    if (load_libsystemd(err) < 0)
        return iso_err_wrap(err, "systemd scope \"%s\"", unit);
    r = sd.bus_open_system(&bus);
    if (r >= 0) {
        what = "match JobRemoved";
        r = sd.bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                                on_job_removed, &w);
    }
    if (r >= 0) {
        what = "Subscribe";
        r = sd.bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &e, NULL, "");
    }
    if (r >= 0) {
        what = "StartTransientUnit";
        r = call_start(bus, unit, pid, &e);
    }
    if (r >= 0) {
        what = "wait for its job";
        r = wait_job(bus, &w);
    }
    if (r < 0)
        iso_err_set(err, sd.bus_error_is_set(&e) ? 0 : -r, "systemd scope \"%s\": %s%s%s", unit,
                    what, sd.bus_error_is_set(&e) ? ": " : "",
                    sd.bus_error_is_set(&e) ? e.message : "");
    else if (strcmp(w.result, "done") != 0)
        r = iso_err_set(err, 0, "systemd scope \"%s\": its start job ended \"%s\"", unit, w.result);
    sd.bus_error_free(&e);
    sd.bus_slot_unref(slot);
    sd.bus_flush_close_unref(bus);
    return r < 0 ? -1 : 0;
}
