/* ref_s8.h - the int8 reference (ref_s8.c): attention.h's INT8 ARITHMETIC
   section in int64/uint64 with exact divisions, written from the header's
   text and never from its implementation; tests/test_s8.c compares every
   _s8 function with it byte for byte.

   Readings of the spec taken here, where its text leaves room (each also
   named at the code that relies on it):
   R1  requant: the doubling high multiply is the formula in attn_requantize's
       comment (nudge 2^30, or 1 - 2^30 for a negative product, then division
       truncating toward zero). That rounds an exact half of x*m/2^31 UP
       (-0.5 -> 0, -1.5 -> -1), as TFLite/gemmlowp do; "ties round away from
       zero" is true only of the rounding right shift that follows. The
       formula wins.
   R2  layer norm: "round(2^16 / (sqrt(i/8) + sqrt((i+1)/8)))" is of the real
       value (the reference makes its seed table with sqrt(), away from ties).
   R3  layer norm: d*S2 - S1^2 is never negative (d times a sum of squares
       about the mean), so D needs no clamp from below but eps's >= 1.
   R4  exp2's "relative error < 2^-18" is the Q30 value v before the shift
       by n; after v / 2^n (floored) the error is that plus one LSB.
   R5  causal with seq_q != seq_kv: query i sees keys j <= i (PyTorch's
       triu(ones(seq_q, seq_kv), 1)).
   R6  encoder FF: ff1's own act_min/act_max always apply; gelu_table, when
       not NULL, maps ff1's output; cfg->activation does not change the
       arithmetic. The cases keep the two consistent (ReLU: table NULL and
       ff1.act_min = ff1.out_zp; GELU: a table).
   R7  a layer norm's gamma is required (NULL -> ATTN_ERR_NULL): in int8 it
       carries 1/out_scale, so there is no "ones" default as in float.
   R8  every shift a call will use is range-checked before work starts,
       including each channel of linear requant[] and layer norm gamma[].
   R9  attn_pool_s8 with ATTN_POOL_FIRST ignores key_padding (as float).
   R10 in place: attn_layernorm_s8 (y == x) like its float twin, and
       attn_add_s8 with y == a or y == b ("element-wise ops: y may equal x").
   R11 bad input where the text is silent: a scratch query refuses what its
       call refuses (encoder d_model > 2048, MHA d_model > 32768, a
       nonexistent activation); sizes whose byte counts overflow a 32-bit
       size_t give ATTN_ERR_TOO_LARGE there (on 64-bit, ATTN_ERR_ARENA). */
#ifndef REF_S8_H
#define REF_S8_H

#include <stddef.h>
#include <stdint.h>

#include "attention.h"
#include "check.h"

typedef int64_t i64;
typedef uint64_t u64;

#define P2(n) ((i64)1 << (n))

/* ---- reference arithmetic ------------------------------------------------ */

/* Breaches of a documented bound by the tests' own data ("cannot overflow",
   "fits int32", u >= 0): each group checks it stayed 0. */
extern int ref_breach;

int32_t sat32(i64 v);
int32_t fit32(i64 v);                      /* sat32, counting a breach if it saturates */
int8_t clamp8(i64 v, i64 lo, i64 hi);
int8_t clampq(i64 v);                      /* clamp8 to [-128, 127] */
i64 ref_div_round(i64 a, i64 b);           /* a / b rounded, ties away from zero (b > 0) */
i64 ref_rshift(i64 x, int n);              /* rshift(x, n) */
i64 ref_floor_p2(i64 a, int n);            /* floor(a / 2^n) */
u64 ref_shr_round(u64 x, int k);           /* x / 2^k rounded, a half up */
int32_t ref_requant(int32_t x, attn_qmul m); /* requant(x, m), shift in -31..30 */

/* exp2's table T[0..128] and layer norm's 1/sqrt seeds S[0..23], made by
   ref_make_table() with pow() and sqrt() (call it once first). */
extern int32_t ref_T[129];
extern u64 ref_S[24];
void ref_make_table(void);
i64 ref_exp2(i64 u);                       /* exp2(-u) in Q30, u in Q16 */
i64 ref_rsqrt_m(u64 n);                    /* layer norm's m ~ 2^61 / sqrt(n), n in [2^60, 2^62) */

/* softmax's row normaliser: S -> R and the shift; the ends of [2^31, 2^32)
   that the normalised sums reached */
extern int ref_sn_min_seen, ref_sn_max_seen;
void ref_normalise(u64 s, u64 *r, int *sh);
u64 ref_softmax_e(int32_t z, int32_t mx, attn_qmul mul);
/* Q15 probabilities of the visible entries (q8: attn_softmax_s8's bytes, or
   NULL); returns how many were visible */
int ref_softmax_q15(int32_t *p, int8_t *q8, const int32_t *z, const uint8_t *vis, int n,
                    attn_qmul mul);
/* z, p [cols], vis [cols]: scratch */
void ref_softmax_s8(int8_t *y, const int8_t *x, attn_qmul mul, int rows, int cols,
                    int32_t *z, int32_t *p, uint8_t *vis);

void ref_linear(int8_t *y, const int8_t *x, const attn_linear_s8_params *p, int rows,
                int in, int out);
extern i64 ref_max_r;                      /* the largest |r| a residual add produced */
void ref_add_wide(int32_t *r, const int8_t *a, const int8_t *b, int n, const attn_add_s8_params *p);
void ref_add(int8_t *y, const int8_t *a, const int8_t *b, int n, const attn_add_s8_params *p,
             int32_t *r);

/* The largest intermediates a layer norm row reached (for the bounds in the
   spec): |d*x_c - S1|, D, |z_c| and |(d*x_c - S1) * 2^L|. */
typedef struct {
    i64 num, d, z, u;
} ref_ln_bounds;
extern ref_ln_bounds ref_ln_max;
void ref_ln_row(int8_t *y, const int32_t *x, int d, const attn_layernorm_s8_params *p);
void ref_ln_s8(int8_t *y, const int8_t *x, const attn_layernorm_s8_params *p, int rows,
               int cols, int32_t *tmp);
void ref_pool(int8_t *out, const int8_t *x, const uint8_t *pad, attn_pooling pool, int seq,
              int d, int32_t zp);

/* Working memory of the attention and encoder references, taken by lay_ws
   inside a check_plan loop (check.h). */
typedef struct {
    int32_t *z, *p;            /* [seq_kv] scores, Q15 probabilities */
    uint8_t *vis;              /* [seq_kv] 1 = key visible */
    int8_t *q, *k, *v, *ctx;   /* projections [seq][d] */
    int8_t *sa, *n1;           /* [seq][d] attention output, LN1(x) */
    int32_t *r;                /* [d] a wide row */
    int8_t *h, *f, *n2;        /* [d_ff], [d], [d] one feed-forward row */
} ref_ws;
void lay_ws(ref_ws *w, int seq_q, int seq_kv, int d, int d_ff);
void ref_sdpa(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
              const uint8_t *pad, const attn_mha_cfg *cfg, const attn_sdpa_s8_params *p,
              ref_ws *w);
void ref_mha(int8_t *out, const int8_t *xq, const int8_t *xkv, const uint8_t *pad,
             const attn_mha_cfg *cfg, const attn_mha_s8_params *p, ref_ws *w);
void ref_ff(int8_t *f, const int8_t *x, const attn_encoder_layer_s8_params *L, int d, int ff,
            ref_ws *w);
void ref_layer(int8_t *x, int seq, const uint8_t *pad, const attn_encoder_cfg *cfg,
               const attn_encoder_layer_s8_params *L, ref_ws *w);
/* the same, c0 NULL or (pre-norm) row 0's own adds and norms (a model's CLS
   row at its own encoding, attn_cls_row_s8_params) */
void ref_layer_cls(int8_t *x, int seq, const uint8_t *pad, const attn_encoder_cfg *cfg,
                   const attn_encoder_layer_s8_params *L, const attn_cls_layer_s8_params *c0,
                   ref_ws *w);

/* ---- test data: deterministic integers (xorshift32, the same on every core) */

void rs_seed(uint32_t s);
uint32_t rs_next(void);
int32_t rs_int(i64 lo, i64 hi);            /* uniform in [lo, hi], hi - lo < 2^32 */
double rs_unit(void);                      /* uniform in [0, 1) */
int32_t rs_zp(void);                       /* a zero point, -128 or 127 a quarter of the time */
void rs_fill(int8_t *x, size_t n);         /* uniform int8 */

/* ---- factors as a quantizer makes them ----------------------------------- */

attn_qmul qmul_of(double f);               /* the nearest m * 2^shift / 2^31 */
attn_qmul qmul_near(double f);             /* f times a random factor in [1/2, 2) */
attn_qmul qmul_any(void);                  /* anything in the documented range */

#endif
