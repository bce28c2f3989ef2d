/* port.c - console and instruction counter for the RISC-V QEMU boards.

   Console and exit status: picolibc's semihosting (--oslib=semihost; QEMU
   run with -semihosting). Counter: the unprivileged instret CSR (rdinstret,
   the Zicntr counter every RV32 core QEMU models has), which under
   `-icount shift=0` counts retired instructions exactly. Startup is
   picolibc's crt0 (--crt0=semihost): it copies .data, zeroes .bss, sets up
   TLS, calls main and exit(), and its trap handler prints the fault's
   registers and exits non-zero, so a crashing test fails instead of
   hanging. */
#include <stdio.h>

#include "port.h"

void port_puts(const char *s)
{
    /* semihosting output: a failure has nowhere to be reported */
    (void)fputs(s, stdout);
    (void)fflush(stdout);
}

void port_init(void) {}

uint32_t port_ticks(void)
{
    uint32_t v;
    __asm volatile("rdinstret %0" : "=r"(v));
    return v;
}

/* A loop of exactly 2 instructions per turn (addi, bnez). */
static void spin(uint32_t n)
{
    __asm volatile("1: addi %0, %0, -1\n\t"
                   "bnez %0, 1b"
                   : "+r"(n));
}

uint32_t port_calibrate(void)
{
    uint32_t t0, t1, t2, t3;
    uint64_t diff;
    t0 = port_ticks();
    spin(1u << 20);
    t1 = port_ticks();
    t2 = port_ticks();
    spin(1u << 21);
    t3 = port_ticks();
    /* The two runs differ by exactly 2^21 instructions, whatever the calls
       around them cost: 1000 ticks per 1000 instructions when instret is
       exact. */
    diff = (uint64_t)((t3 - t2) - (t1 - t0));
    return (uint32_t)((diff * 1000u + (1u << 20)) >> 21);
}

uint32_t port_insns(uint32_t ticks, uint32_t calibration)
{
    if (calibration == 0) return 0;
    return (uint32_t)(((uint64_t)ticks * 1000u + calibration / 2) / calibration);
}
