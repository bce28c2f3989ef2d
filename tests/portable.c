/* portable.c - attention.h once more, as portable C and private to this file
   (see float_fast.h): the reference the fast float path is compared with. */
#define ATTN_STATIC
#define ATTN_NO_FMA
#define ATTN_NO_MVE
#define ATTN_IMPLEMENTATION
#define ATTN__RECIP_BOTH /* both reciprocals of the int8 softmax (portable_recip32) */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function" /* most of the copy is not called */
#endif
#if defined(__clang__)
/* clang's default -ffp-contract=on would fuse s + a*b where it deems VFMA
   fast (M7, M55): keep this copy's two roundings (GCC does not fuse in the
   ISO -std= modes the tests build with) */
#pragma STDC FP_CONTRACT OFF
#endif
#include "attention.h"
#include "float_fast.h"
#include "golden_run.h"

attn_status portable_linear_f32(float *y, const float *x, const float *w, const float *b,
                                int rows, int in, int out)
{
    return attn_linear_f32(y, x, w, b, rows, in, out);
}

attn_status portable_golden_run(const golden_case *c, const golden_view *v, float *out,
                                attn_arena *arena)
{
    return golden_run_case(c, v, out, arena);
}

void portable_recip32(uint32_t d, uint32_t *newton, uint32_t *div)
{
    *newton = attn__recip32(d);
    *div = attn__recip32_div(d);
}
