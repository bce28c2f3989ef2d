/* port.h - the little a test or benchmark program needs from a Cortex-M board
   under QEMU: text out (semihosting), and an instruction counter.

   A board provides (in port.c, selected by PORT_COUNTER_*):
     port_init()        set up the counter
     port_puts(s)       write a string to the host console
     port_ticks()       a free-running counter: under `qemu -icount shift=N`
                        it advances a fixed number of ticks per instruction
   port_calibrate() measures that rate once, and port_insns() turns a tick
   difference into instructions. */
#ifndef PORT_H
#define PORT_H

#include <stdint.h>

void port_init(void);
void port_puts(const char *s);
uint32_t port_ticks(void);

/* Ticks per 1000 instructions, measured with a loop of known length; 0 when
   the counter does not move (QEMU run without -icount). */
uint32_t port_calibrate(void);
/* Instructions in a tick difference, given the calibration (rounded). */
uint32_t port_insns(uint32_t ticks, uint32_t calibration);

#endif
