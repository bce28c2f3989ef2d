/* The one translation unit that holds the library's implementation. */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include <stdint.h>

/* (its declaration is test-side, tests/float_fast.h; this unit may be C++ or
   built without float, so it declares it itself, with C linkage; named as
   the library's own symbols are, and static like them with ATTN_STATIC) */
#ifdef ATTN_STATIC
#define ATTN__TEST_HOOK static
#else
#define ATTN__TEST_HOOK
#ifdef __cplusplus
extern "C"
#endif
int attn__test_w16_norm(const uint32_t *H, const uint32_t *L, uint32_t *R, int32_t *nsh);
#endif

/* Helium's windowed heads' normalisers (attention.h's ATTN__W16_NORM, four
   row sums H, L at a time, as attn__w16_softmax has them) for
   test_s8.c's test_recip: 0 where the core has none. */
ATTN__TEST_HOOK int attn__test_w16_norm(const uint32_t *H, const uint32_t *L, uint32_t *R,
                                    int32_t *nsh)
{
#ifdef ATTN__W16_NORM
    attn__w16 g;
    uint32_t t0, t2, t4, t5;
    g.R0 = attn__recip_seeds;
    __asm__ volatile("vldrw.u32 q6, [%[h]]\n\t"
                     "vldrw.u32 q7, [%[l]]\n\t" ATTN__W16_NORM
                     "vstrw.32 q4, [%[r]]\n\t"
                     "vstrw.32 q1, [%[s]]\n\t"
                     : [t0] "=&r"(t0), [t2] "=&r"(t2), [t4] "=&r"(t4), [t5] "=&r"(t5)
                     : [g] "r"(&g), [h] "r"(H), [l] "r"(L), [r] "r"(R), [s] "r"(nsh)
                     : "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "memory");
    return 1;
#else
    (void)H;
    (void)L;
    (void)R;
    (void)nsh;
    return 0;
#endif
}
