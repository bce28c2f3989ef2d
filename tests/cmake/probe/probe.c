/* probe.c - the flags cmake/arm-none-eabi.cmake gives for ATTN_CPU, as the
   compiler sees them: an M-profile core of the architecture EXPECT_ARCH
   (__ARM_ARCH: 6 for the M0, 7 for M3..M7, 8 for M33 and M55), Thumb, the
   hard-float ABI exactly when EXPECT_HARD is 1, DSP when EXPECT_DSP is 1,
   Helium when EXPECT_MVE is 1; and attention.h's declarations compile. */
#include "attention.h"

#if !defined(__ARM_ARCH_PROFILE) || __ARM_ARCH_PROFILE != 'M' || !defined(__thumb__)
#error "not an M-profile core in Thumb state"
#endif
#if __ARM_ARCH != EXPECT_ARCH
#error "not the architecture of ATTN_CPU"
#endif
#if defined(__ARM_PCS_VFP) != EXPECT_HARD
#error "not the float ABI of ATTN_CPU"
#endif
#if defined(__ARM_FEATURE_DSP) != EXPECT_DSP
#error "not the DSP extension of ATTN_CPU"
#endif
#if defined(__ARM_FEATURE_MVE) != EXPECT_MVE
#error "not the Helium of ATTN_CPU"
#endif

int probe_version(void);
int probe_version(void) { return ATTN_VERSION_MAJOR * 100 + ATTN_VERSION_MINOR; }
