/* float_fast.h - the library's fast float kernels (fused multiply-add on
   M4/M7/M33, Helium on the M55) against its portable C. portable.c builds a
   private copy of attention.h as portable C (ATTN_STATIC, ATTN_NO_FMA,
   ATTN_NO_MVE) behind the functions below; test_fast.c compares the two. */
#ifndef FLOAT_FAST_H
#define FLOAT_FAST_H

#include "attention.h"
#include "golden_view.h"

/* 1 where the library's float kernels are not the portable C: the FPU fuses
   multiply-adds (attention.h's ATTN__FMA; Helium builds have it too). */
#if defined(__ARM_FEATURE_FMA) && defined(__ARM_FP)
#if (__ARM_FP & 4)
#define FLOAT_FAST_PATH 1
#endif
#endif
#ifndef FLOAT_FAST_PATH
#define FLOAT_FAST_PATH 0
#endif

/* The portable C copy of attn_linear_f32 and of golden_run. */
attn_status portable_linear_f32(float *y, const float *x, const float *w, const float *b,
                                int rows, int in, int out);
attn_status portable_golden_run(const golden_case *c, const golden_view *v, float *out,
                                attn_arena *arena);

/* The portable C copy of attn_sdpa_f32. */
attn_status portable_sdpa_f32(float *out, const float *q, const float *k, const float *v,
                              const uint8_t *key_padding, const attn_mha_cfg *cfg,
                              attn_arena *arena);

/* attention.h's two reciprocals of the int8 softmax's normaliser,
   floor((2^63 - 1) / d) for d in [2^31, 2^32): by Newton steps (cores
   without a divide instruction) and by long division (the others). */
void portable_recip32(uint32_t d, uint32_t *newton, uint32_t *div);

/* Helium's windowed heads' vector normalisers (tests/impl.c): for four sums
   S = H 2^16 + X (X < 2^32, L = S modulo 2^32), R = floor((2^63 - 1) / D)
   and -min(16 + k, 31) (attn__softmax_normalise's r and shift15). Returns 0
   where the core has none. */
int attn__test_w16_norm(const uint32_t *H, const uint32_t *L, uint32_t *R, int32_t *nsh);

#endif
