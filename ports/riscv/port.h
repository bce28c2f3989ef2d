/* port.h - the little a test or benchmark program needs from a RISC-V board
   under QEMU: text out (semihosting), and an instruction counter. The same
   interface as ports/cortex-m/port.h, so the same programs build for both.

   A board provides (port.c):
     port_init()        set up the counter (nothing to do: instret runs)
     port_puts(s)       write a string to the host console
     port_ticks()       the low 32 bits of the instret counter (rdinstret):
                        exact under `qemu -icount shift=0`, not without it
   port_calibrate() measures the rate once (1000 ticks per 1000 instructions
   under -icount), and port_insns() turns a tick difference into
   instructions. */
#ifndef PORT_H
#define PORT_H

#include <stdint.h>

void port_init(void);
void port_puts(const char *s);
uint32_t port_ticks(void);

/* Ticks per 1000 instructions, measured with a loop of known length; 0 when
   the counter does not move. */
uint32_t port_calibrate(void);
/* Instructions in a tick difference, given the calibration (rounded). */
uint32_t port_insns(uint32_t ticks, uint32_t calibration);

#endif
