/* startup.c - reset and vector table for every Cortex-M board we test on.

   Reset: enable the FPU (and Helium) where the core has one, copy .data
   from flash, zero .bss, open the semihosting console, run main() and hand
   its return value to exit(), which QEMU turns into its own exit status.
   A fault prints its name and exits with 100 + the exception number, so a
   crashing test fails loudly instead of hanging. */
#include <stdint.h>
#include <stdlib.h>

#include "port.h"

/* the linker script's symbols (sections.ld), reserved names as linker
   scripts spell them */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
extern uint32_t __data_load__, __data_start__, __data_end__, __bss_start__, __bss_end__;
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
extern uint32_t __stack_top__;
extern void initialise_monitor_handles(void);
/* main may be written int main(void) or int main(int, char **); both work
   with the AAPCS when called with a valid argc/argv */
extern int main(int argc, char **argv);

void Reset_Handler(void);
void port_fault(void);
void SysTick_Handler(void);

/* newlib's exit path looks for these (so they have its reserved names);
   nothing to do here */
void _init(void); /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
void _fini(void); /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
void _init(void) {}
void _fini(void) {}

#define REG32(addr) (*(volatile uint32_t *)(addr))
#define SCB_CPACR 0xE000ED88u
#define SCB_ICSR 0xE000ED04u

void Reset_Handler(void)
{
    static char name[] = "firmware"; /* in .data: valid once it is copied */
    static char *argv[] = {name, 0};
    uint32_t *src, *dst;
    uintptr_t n;
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    /* CP10 and CP11 full access: the FPU, and on v8.1-M the MVE unit */
    REG32(SCB_CPACR) |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    /* the section bounds are distinct objects to C: their distance is
       taken from their addresses (comparing the pointers would not be
       defined) */
    n = ((uintptr_t)&__data_end__ - (uintptr_t)&__data_start__) / sizeof(uint32_t);
    for (src = &__data_load__, dst = &__data_start__; n > 0; n--) *dst++ = *src++;
    n = ((uintptr_t)&__bss_end__ - (uintptr_t)&__bss_start__) / sizeof(uint32_t);
    for (dst = &__bss_start__; n > 0; n--) *dst++ = 0;
    initialise_monitor_handles();
    exit(main(1, argv));
}

void port_fault(void)
{
    static const char *const names[] = {"?", "reset", "NMI", "HardFault", "MemManage",
                                        "BusFault", "UsageFault", "SecureFault"};
    uint32_t n = REG32(SCB_ICSR) & 0x1FFu;
    port_puts("\n*** fault: ");
    port_puts(n < 8 ? names[n] : "exception");
    port_puts(" ***\n");
    exit(100 + (int)n);
}

typedef void (*vector)(void);

__attribute__((section(".vectors"), used)) static const vector vectors[16] = {
    (vector)(uintptr_t)&__stack_top__, /* initial stack pointer */
    Reset_Handler,
    port_fault, /* NMI */
    port_fault, /* HardFault */
    port_fault, /* MemManage */
    port_fault, /* BusFault */
    port_fault, /* UsageFault */
    port_fault, /* SecureFault (v8-M) */
    0, 0, 0,
    port_fault, /* SVCall */
    port_fault, /* DebugMonitor */
    0,
    port_fault,     /* PendSV */
    SysTick_Handler /* counts SysTick wraps on boards that count with it */
};
