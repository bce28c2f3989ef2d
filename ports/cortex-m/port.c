/* port.c - console and instruction counter for the QEMU boards.

   Counters (select one with -DPORT_COUNTER_...):
     FPGAIO=<base>  the MPS2/MPS3 FPGAIO COUNTER register (base + 0x18), a
                    32-bit up-counter at the board's reference clock
     SYSTICK        the core's 24-bit SysTick down-counter on the CPU clock,
                    extended to 32 bits by counting wraps in its interrupt
                    (for boards without an FPGAIO block, e.g. the micro:bit) */
#include <stdio.h>
#include <string.h>

#include "port.h"

#define REG32(addr) (*(volatile uint32_t *)(addr))

void port_puts(const char *s)
{
    /* semihosting output: a failure has nowhere to be reported */
    (void)fputs(s, stdout);
    (void)fflush(stdout);
}

#if defined(PORT_COUNTER_FPGAIO)

void SysTick_Handler(void) {}
void port_init(void) {}
uint32_t port_ticks(void) { return REG32((PORT_COUNTER_FPGAIO) + 0x18u); }

#elif defined(PORT_COUNTER_SYSTICK)

#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
static volatile uint32_t g_wraps;

void SysTick_Handler(void) { g_wraps++; }

void port_init(void)
{
    REG32(SYST_RVR) = 0x00FFFFFFu;
    REG32(SYST_CVR) = 0;
    REG32(SYST_CSR) = 7u; /* CPU clock, interrupt on wrap, enabled */
}

uint32_t port_ticks(void)
{
    uint32_t w, v;
    do { /* read wraps and value consistently across a wrap */
        w = g_wraps;
        v = REG32(SYST_CVR);
    } while (w != g_wraps);
    return (w << 24) + (0x00FFFFFFu - v);
}

#else

void SysTick_Handler(void) {}
void port_init(void) {}
uint32_t port_ticks(void) { return 0; }

#endif

/* A loop of exactly 2 instructions per turn (subs, bne). */
static void spin(uint32_t n)
{
    __asm volatile(".syntax unified\n"
                   "1: subs %0, %0, #1\n\t"
                   "bne 1b"
                   : "+l"(n)
                   :
                   : "cc");
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
       around them cost. QEMU reads the counter to within an instruction, so
       the rate is rounded to 1/1000 tick: exact for the boards' clocks
       (25.6 ticks per instruction at 25 MHz with -icount shift=10, 20.48 at
       20 MHz, 16.384 at 16 MHz). */
    diff = (uint64_t)((t3 - t2) - (t1 - t0));
    return (uint32_t)((diff * 1000u + (1u << 20)) >> 21);
}

uint32_t port_insns(uint32_t ticks, uint32_t calibration)
{
    if (calibration == 0) return 0;
    return (uint32_t)(((uint64_t)ticks * 1000u + calibration / 2) / calibration);
}
