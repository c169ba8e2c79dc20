/* vm-exit N - end the guest with status N through qemu's isa-debug-exit
 * device (iobase 0xf4): qemu then exits with (N << 1) | 1. Works on
 * kernels without /dev/port. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

int main(int argc, char **argv)
{
    char *end = NULL;
    long n = argc > 1 ? strtol(argv[1], &end, 10) : 2;

    if (argc > 1 && (*argv[1] == '\0' || *end != '\0' || n < 0 || n > 255))
        n = 2; /* a status that is not a number 0..255 reports a harness failure */

    if (ioperm(0xf4, 4, 1) < 0) {
        perror("vm-exit: ioperm 0xf4");
        return 1;
    }
    outb((unsigned char)n, 0xf4);
    return 1; /* not reached when the device exists */
}
