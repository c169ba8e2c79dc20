/* vm-exit N - end the guest with status N through qemu's isa-debug-exit
 * device (iobase 0xf4): qemu then exits with (N << 1) | 1. Works on
 * kernels without /dev/port. The device and port I/O are x86's (glibc has
 * <sys/io.h> only there): built elsewhere, it says so and fails. */
#include <stdio.h>
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#endif

int main(int argc, char **argv)
{
    char *end = NULL;
    long n = argc > 1 ? strtol(argv[1], &end, 10) : 2;

    if (argc > 1 && (*argv[1] == '\0' || *end != '\0' || n < 0 || n > 255))
        n = 2; /* a status that is not a number 0..255 reports a harness failure */

#if defined(__x86_64__) || defined(__i386__)
    if (ioperm(0xf4, 4, 1) < 0) {
        perror("vm-exit: ioperm 0xf4");
        return 1;
    }
    outb((unsigned char)n, 0xf4);
#else
    fprintf(stderr, "vm-exit: status %ld not sent: isa-debug-exit is an x86 device\n", n);
#endif
    return 1; /* not reached when the device exists */
}
