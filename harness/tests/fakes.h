/* fakes.h - faults the unit tests can arm in libc calls. Every unit test
 * is linked with harness/tests/fakes.c and -Wl,--wrap=NAME for each call
 * below (UNIT_LDFLAGS in the Makefile); unarmed, a call is the real one. */
#ifndef ISO_TEST_FAKES_H
#define ISO_TEST_FAKES_H

#include <stdbool.h>
#include <stddef.h>

struct fake_io {
    int eintr; /* fail this many calls with EINTR first */
    int fail;  /* then fail this many with this errno (0: none) */
    int fail_errno;
    size_t chunk; /* move at most this many bytes a call (0: no limit) */
    int calls;    /* calls seen since the last fake_reset() */
};

extern struct fake_io fake_read, fake_write;

/* Disarm every fake and zero the counters. */
void fake_reset(void);

/* Run under qemu-user (make check-arm64 sets ISO_QEMU_USER=1)? Then a
 * call the emulator does not do as the kernel does is not tested: true,
 * after printing "# qemu-user: WHY" (the caller skips). */
bool under_qemu_user(const char *why);

#endif
