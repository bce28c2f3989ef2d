/* attention.h - v0.2.0 - transformer encoders for microcontrollers
   No dependencies beyond libc/libm. No malloc: working memory comes from a
   caller-owned arena. Public domain or MIT, your choice (see end of file).

   attention.h runs the blocks of a transformer encoder - linear layers,
   softmax, layer norm, activations, scaled dot-product and multi-head
   attention, whole PyTorch-compatible encoder layers and stacks, positional
   encodings, pooling and a classifier head - on anything from a Cortex-M0 to
   a desktop. Weights stay where they are (flash); activations and scratch
   live in a static buffer you own. Attention never materialises the
   seq x seq score matrix: scratch grows linearly with the sequence.

   ---------------------------------------------------------------------------
   USAGE
   ---------------------------------------------------------------------------
   In exactly one C or C++ file:

       #define ATTN_IMPLEMENTATION
       #include "attention.h"

   Everywhere else just #include "attention.h". Minimal use (one head):

       static uint8_t buf[ATTN_SDPA_SCRATCH_F32(SEQ)] ATTN_ALIGNED;
       attn_arena arena;
       attn_mha_cfg cfg = { SEQ, SEQ, D, 1, 0 }; // seq_q, seq_kv, d, heads, causal
       attn_arena_init(&arena, buf, sizeof buf);
       attn_status st = attn_sdpa_f32(out, q, k, v, NULL, &cfg, &arena);
       if (st != ATTN_OK) { ... attn_status_str(st) ... }

   See examples/minimal.c and examples/demo.c.

   ---------------------------------------------------------------------------
   OPTIONS (define before the #include)
   ---------------------------------------------------------------------------
   Global (must be the same in every file that includes the header):
     ATTN_STATIC        every function gets `static` linkage (private copy per
                        translation unit; define together with ATTN_IMPLEMENTATION)
     ATTN_ALIGN         arena alignment in bytes, power of two >= 4 (default 16:
                        Helium and 64-bit loads want it). Scratch sizes depend on it.
     ATTN_NO_FLOAT      compile out every _f32 function and the quantizer (the
                        library then has no float code and needs no libm).
     ATTN_NO_INT8       compile out every _s8 function and the quantizer.
   Implementation only (matter in the ATTN_IMPLEMENTATION file):
     ATTN_NO_DSP        do not use the Cortex-M DSP extension (SXTB16/SMLAD)
                        in the int8 dot product, detected from
                        __ARM_FEATURE_DSP (M4, M7, M33, M55).
     ATTN_NO_MVE        do not use Helium (MVE), detected from
                        __ARM_FEATURE_MVE (M55). Both give the same int8
                        results as the portable C, bit for bit.
     ATTN_NO_FMA        float: no fused multiply-add (VFMA), detected from
                        __ARM_FEATURE_FMA with a hardware FPU (M4, M7, M33,
                        M55). ATTN_NO_MVE also turns off the Helium float
                        kernels; with both the float path is the portable C,
                        which the fast one matches within the bounds under
                        FLOAT ARITHMETIC.
     ATTN_ASSERT(x)     internal consistency checks; default: nothing. Define
                        it as assert(x) while debugging. Bad input never relies
                        on it: every public function checks its arguments and
                        returns a status.
     ATTN_EXPF ATTN_SQRTF ATTN_ERFF ATTN_TANHF ATTN_SIN ATTN_COS ATTN_EXP
                        the libm functions used (default expf, sqrtf, erff,
                        tanhf, sin, cos, exp). Replace them with faster versions
                        at your own risk: the golden tests measure the result.

   ---------------------------------------------------------------------------
   CONVENTIONS
   ---------------------------------------------------------------------------
   Arguments go: outputs, inputs, masks, config, weights, arena. Sizes are
   `int` and must be > 0.
   Layouts match PyTorch, so weights move without surprises:
     activations   row-major [seq][d_model], one token per row
     Linear        weight [out][in], bias [out]      (nn.Linear)
     attention     Wq, Wk, Wv, Wo each [d_model][d_model], biases [d_model];
                   head h uses columns h*d_head .. (h+1)*d_head-1 of Q/K/V.
                   The Wq/Wk/Wv (bq/bk/bv) pointers may point into PyTorch's
                   packed in_proj_weight [3*d_model][d_model] (in_proj_bias):
                   Wq = w, Wk = w + d*d, Wv = w + 2*d*d
                   (attn_mha_weights_packed_f32 fills the struct so).
     masks         key_padding: one byte per key, nonzero = ignore that key
                   (PyTorch key_padding_mask), or NULL. causal: query i sees
                   keys 0..i only (PyTorch's triu(ones, diagonal=1) mask).
   NULL parameters: weight matrices are required (NULL -> ATTN_ERR_NULL);
   bias vectors may be NULL (= zeros); a LayerNorm gamma may be NULL (= ones,
   PyTorch elementwise_affine=False).

   Defined results for awkward input:
     * A query whose keys are all masked (padding and/or causal) attends to
       nothing: its attention context is the zero vector, so the multi-head
       output row equals the output bias bo. (PyTorch returns NaN there.)
     * attn_softmax_f32 on a row whose entries are all -INFINITY writes zeros.
     * attn_pool_f32 (mean) over a sequence with every row padded writes zeros.
     * NaN and Inf in float inputs are not searched for (that would cost a
       pass over the data); they propagate as IEEE arithmetic dictates: every
       output that depends on them may be NaN or Inf. The library never
       crashes, loops or writes out of bounds because of them.

   In-place use:
     attn_softmax_*, attn_layernorm_*, attn_relu_*, attn_gelu*_f32,
     attn_lut_s8: y may equal x. attn_add_s8: y may equal a or b.
     attn_mha_*: out may equal xq or xkv. attn_sdpa_*: out may equal q.
     attn_encoder_layer_*, attn_encoder_*: always in place on x.
     attn_linear_*: y must not overlap x.
   Any other overlap between an output and an input is undefined.

   ---------------------------------------------------------------------------
   FLOAT ARITHMETIC (the _f32 functions)
   ---------------------------------------------------------------------------
   IEEE single precision; expf, erff, tanhf and sqrtf from libm (ATTN_EXPF
   ...). Every dot product - a linear layer's output, an attention score, a
   context element - is one sequential sum, s = 0, s = s + a_c * b_c for
   c = 0, 1, ..., n-1, then + bias, in every build. What differs is how each
   step rounds:
     portable C     s + a*b, two roundings. A compiler allowed to contract
                    may fuse them and then matches FMA: GCC's default
                    -ffp-contract=fast outside the ISO -std= modes, clang's
                    default -ffp-contract=on where it deems VFMA fast (M7,
                    M55); -ffp-contract=off keeps two roundings.
     FMA            M4, M7, M33 (and M55): VFMA.F32, one rounding, through
                    fmaf (for clang 14 declared const in the one function
                    that calls it: else, unless -fno-math-errno, it calls the
                    C library's fmaf). ATTN_NO_FMA: off.
     Helium         M55 (__ARM_FEATURE_MVE & 2): the same fused sums, one
                    output per lane of a 4-lane VFMA (the rows gathered a
                    column at a time, 8 outputs x 1-2 rows per pass), so
                    linear layers and attention give the FMA results bit for
                    bit; layer norm sums its row in 4 lanes. ATTN_NO_MVE: off.
   Soft-float cores (M0, M3) run the portable C; no library fmaf is called.
   With an FPU (FMA or not) the C takes a linear layer in blocks of 4 rows x
   4 outputs that share each load, a single row 4 outputs at a time; on a
   soft-float core, whose multiply-adds are library calls, one at a time.
   The fast paths against the portable C (tests/test_fast.c, on each core
   that has one; both stay within the golden tolerance, 1e-5 * max(1,
   |torch|)):
     a dot product of n terms  |fast - portable| <= 2 g(n+1) (sum |a_c b_c|
                               + |bias|), g(k) = k u / (1 - k u), u = 2^-24:
                               the two builds' worst-case rounding errors
                               (measured 3e-8 * sum |a_c b_c| at n = 1001)
     layers, stacks, models    |fast - portable| <= 2e-6 * max(1, |portable|)
                               on every PyTorch golden case (measured 9e-7)

   ---------------------------------------------------------------------------
   INT8 ARITHMETIC (the _s8 functions; bit-exact on every core)
   ---------------------------------------------------------------------------
   Tensors: real = scale * (q - zero_point), int8, per tensor. Weights:
   symmetric (zero point 0) per output channel; biases int32 at scale
   in_scale * w_scale[o]. Scales appear at run time only as attn_qmul
   factors made by the quantizer. Integer steps, all in int32/int64:

   requant(x, m)   x * m.multiplier * 2^m.shift / 2^31 rounded, in TFLite's
                   two steps (see attn_requantize): saturating left shift,
                   rounding doubling high multiply (its ties go up, toward
                   +infinity), rounding right shift (ties away from zero).
   rshift(x, n)    x / 2^n rounded, ties away from zero.
   linear          acc = sat(bias + sum (x - in_zp) * w) (in <= 32768, so the
                   sum cannot overflow), y = clamp(out_zp + requant(acc)).
                   With fused_bias f = bias - in_zp * sum w (exact, fits
                   int32): acc = sat(f + sum x * w), the same integer.
   add (residual)  r = sat(requant(a - a_zp, a_mul) + requant(b - b_zp, b_mul)),
                   y = clamp(out_zp + requant(r, out_mul)). |r| < 2^19.
   exp2(t)         t <= 0 in Q16 (t = -u): n = u >> 16, f = u & 0xFFFF,
                   i = f >> 9, r = f & 511, T[k] = round(2^30 * 2^(-k/128))
                   (k = 0..128, a table in the header),
                   v = T[i] - rshift((T[i] - T[i+1]) * r, 9),
                   (the product in int64), exp2 = n > 30 ? 0 : rshift(v, n).
                   Absolute error < 2^-18 (measured: 3.7e-6), far below
                   the 2^-15 step of the probabilities.
   softmax         over the visible entries z_j of a row: mx = max z_j,
                   e_j = exp2(requant(z_j - mx, mul)) (Q30, e = 2^30 at mx),
                   S = sum e_j (uint64), R = floor(2^61 / S),
                   p_j = (e_j * R + 2^45) >> 46: probabilities in Q15.
                   attn_softmax_s8: y = clamp(((p_j + 64) >> 7) - 128)
                   (scale 1/256, zero point -128); mul = s * log2(e) * 2^16.
   attention       z_j = sum over the head's columns (q - q_zp)(k_j - k_zp)
                   (int32), p_j as in softmax with score_mul, masked keys
                   skipped; c = sum p_j (v_j - v_zp) (|c| < 2^31: the p_j
                   sum to at most 2^15 + n/2), out = clamp(out_zp +
                   requant(c, ctx_mul)). No visible key: out = clamp(out_zp).
   layer norm      over a row x_0..x_{d-1} (int8, or the int32 residual r):
                   S1 = sum x, S2 = sum x^2 (int64), D = d*S2 - S1^2 + eps;
                   k such that D * 4^k is in [2^60, 2^62), s = isqrt(D * 4^k)
                   in [2^30, 2^31), m = min((floor(2^62 / s) + 1) >> 1,
                   2^31 - 1): 1/sqrt(D) ~ m * 2^(k-30) / 2^31;
                   z_c = requant(d * x_c - S1, {m, k - 14}) (Q16; |z| <=
                   sqrt(d-1) * 2^16, which saturates harmlessly past d 1025),
                   y_c = clamp(out_zp + rshift(sat(requant(z_c, gamma[c]) +
                   beta[c]), 16)).
                   No overflow for d <= 2048: |d*x_c - S1| <= 2(d-1) max|x|
                   < 2 * 2047 * 2^19 < 2^31 fits int32, and D <= d*S2 <=
                   2^11 * 2^11 * 2^38 = 2^60 fits int64 (int8 input:
                   |x| <= 128, far below; tests run widths 1024 and 2048).
   pool (mean)     y = zp + round(sum (x - zp) / count), ties away from zero.
   All saturation is to the type's range; clamp is to [-128, 127] (or the
   linear's act_min..act_max). Right shifts of negative numbers are
   arithmetic (every compiler we support; checked at compile time).
   The fast paths compute the same integers: Helium on the M55 (VMLADAVA:
   16 MACs per instruction, four weight rows per pass of x, an unpredicated
   main loop and one predicated tail, four outputs requantized at once with
   VQRDMULH/VRSHL; off with ATTN_NO_MVE), the DSP extension on M4/M7/M33
   (SXTB16/SXTAB16 + SMLAD: four weight rows per x word, or, for several
   rows, two x rows by two weight rows so that every unpacked word is used
   twice, 20 instructions per 16 MACs; off with ATTN_NO_DSP), portable C
   elsewhere (two rows per pass on the M0, whose 64-bit product is built
   from 16-bit halves). Results are identical on every core, which the
   tests check byte for byte. The quantizer fills fused_bias, so that no
   kernel adds an input offset per MAC; the DSP loops are inline assembly
   for GCC (clang 14 cannot allocate their registers and gets the same
   loops in ACLE intrinsics; give clang -munaligned-access on M3..M55, as
   GCC and Arm's compiler assume by default, or each 4-byte load of the
   DSP kernels becomes four byte loads).

   Approximations and their measured error (tests/test_s8.c, test_quant.c):
     attn_softmax_s8      <= 1/256 per probability against a double softmax
                          of the dequantized input (1/256 only where p = 1,
                          which the output cannot show; elsewhere 1.9e-3)
     attn_layernorm_s8    <= 1 output LSB against a double layer norm
     GELU table           exact to 1/2 output LSB at each of the 256 inputs
     attention            exp2 error < 2^-18; probabilities rounded to 2^-16
     quantized layers     cosine >= 0.9996 to PyTorch float on every golden
                          layer, >= 0.9994 for 2-layer stacks (BENCHMARKS.md)
   int8 limits (ATTN_ERR_SHAPE beyond them): a linear's in_features and
   d_model of attention <= 32768; layer norm width and an int8 encoder's
   d_model <= 2048. Zero points outside [-128, 127], shifts outside -31..30,
   multipliers equal to INT32_MIN,
   and attention zero points that disagree with the projections' are
   ATTN_ERR_RANGE (corrupt model data), found before anything is written.

   ---------------------------------------------------------------------------
   MEMORY
   ---------------------------------------------------------------------------
   attn_arena is a bump allocator over your buffer. Every call takes what it
   needs and gives it back before returning (arena->used is unchanged), so one
   arena serves every call; arena->high_water records the peak. Each block is
   rounded up to ATTN_ALIGN bytes, and attn_arena_init aligns the start: an
   unaligned buffer loses up to ATTN_ALIGN-1 bytes. So declare the buffer
   with ATTN_ALIGNED. That macro is empty on compilers other than GCC and
   clang: there define it yourself (C11 `_Alignas`, IAR `#pragma
   data_alignment`) or give the buffer ATTN_ALIGN-1 bytes more than the
   macros say. A buffer too small for one aligned block makes an arena of
   size 0.
   Each operation checks, before writing anything, that the arena holds all
   it needs, else ATTN_ERR_ARENA. The fields are yours to read; to measure
   one call's peak, set arena.high_water = arena.used before it.

   Exact scratch in bytes, with B(n) = n*sizeof(float) rounded up to ATTN_ALIGN
   (runtime query / compile-time macro, all equal to the high-water mark):
     attn_sdpa_f32          B(seq_kv)                      ATTN_SDPA_SCRATCH_F32(seq_kv)
     attn_mha_f32           2*B(seq_kv*d) + B(d) + B(seq_kv)
                                                           ATTN_MHA_SCRATCH_F32(seq_kv, d)
     attn_encoder_layer_f32 2*B(seq*d) + 2*B(d) + B(seq) + B(d_ff)
     attn_encoder_f32       same as one layer (layers run one after another)
                                                   ATTN_ENCODER_SCRATCH_F32(seq, d, heads, d_ff)
     attn_model_f32         B(seq*d) + the encoder's   ATTN_MODEL_SCRATCH_F32(seq, d, heads, d_ff)
   i.e. an encoder layer needs K and V (2*seq*d floats) plus one row of
   scores, two d-vectors and the feed-forward hidden row - never seq*seq.
   int8, with A(n) = n rounded up to ATTN_ALIGN:
     attn_sdpa_s8           A(4*seq_kv)                    ATTN_SDPA_SCRATCH_S8(seq_kv)
     attn_mha_s8            2*A(seq_kv*d) + A(d) + A(4*seq_kv)
                                                           ATTN_MHA_SCRATCH_S8(seq_kv, d)
     attn_encoder_layer_s8  2*A(seq*d) + 3*A(d) + A(4*max(seq, d)) + A(d_ff)
     attn_encoder_s8        the same   ATTN_ENCODER_SCRATCH_S8(seq, d, heads, d_ff)
     attn_model_s8          A(seq*d) + the encoder's  ATTN_MODEL_SCRATCH_S8(...)
   (K and V in bytes, a query's int32 scores that then hold the int32
   residual row, three d-byte rows, the hidden row: about 1/3.7 of float.)
   Runtime queries: attn_*_scratch_f32(cfg, ..., &bytes).

   Stack: no recursion, no arrays on the stack. The deepest inference chain,
   attn_model_f32/_s8 -> encoder -> layer -> attention row -> dot, takes at
   most 550 bytes on Cortex-M0/M4 with GCC 12 at -O2 or -Os (the quantizer,
   a host-side tool, 680), plus the libm routine at the bottom
   (per-function figures: BENCHMARKS.md, `make stack`).

   ---------------------------------------------------------------------------
   ERRORS
   ---------------------------------------------------------------------------
   Every function that computes returns attn_status; attn_status_str() names
   it. Arguments are checked in this order, and nothing is written on error:
     ATTN_OK            0  success
     ATTN_ERR_NULL      1  a required pointer is NULL
     ATTN_ERR_SHAPE     2  a size is <= 0 or sizes disagree (d_model % n_heads,
                           seq > max_seq, n_layers <= 0 ...)
     ATTN_ERR_RANGE     3  a value is outside its domain (eps <= 0 or NaN, an
                           enum value that does not exist)
     ATTN_ERR_TOO_LARGE 4  a buffer size computed from the sizes overflows size_t
     ATTN_ERR_ARENA     5  the arena has too little free space

   ---------------------------------------------------------------------------
   VERSIONS (newest first)
   ---------------------------------------------------------------------------
   0.2.0  int8 path (_s8 twins of every operation, bit-exact on every core,
          DSP kernels on M4/M7/M33/M55) and the quantizer; the float layer
          exposes its tensors to the quantizer.
   0.1.0  float core: linear, softmax, layer norm, ReLU/GELU, attention,
          encoder layer and stack, positions, pooling, classifier, arena.
*/
#ifndef ATTENTION_H
#define ATTENTION_H

#include <stddef.h>
#include <stdint.h>

#define ATTN_VERSION_MAJOR 0
#define ATTN_VERSION_MINOR 2
#define ATTN_VERSION_PATCH 0

#ifdef ATTN_STATIC
#define ATTN_DEF static
#else
#define ATTN_DEF extern
#endif

#ifndef ATTN_ALIGN
#define ATTN_ALIGN 16
#endif

/* Put after a static buffer's declarator to align it for the arena. */
#ifndef ATTN_ALIGNED
#if defined(__GNUC__) || defined(__clang__)
#define ATTN_ALIGNED __attribute__((aligned(ATTN_ALIGN)))
#else
#define ATTN_ALIGNED
#endif
#endif

/* Compile-time scratch sizes (see MEMORY above). Arguments must be > 0. */
#define ATTN_ALIGN_UP(n) ((((size_t)(n)) + (ATTN_ALIGN - 1)) / ATTN_ALIGN * ATTN_ALIGN)
#define ATTN_F32_BYTES(n) ATTN_ALIGN_UP((size_t)(n) * sizeof(float))
#define ATTN_SDPA_SCRATCH_F32(seq_kv) ATTN_F32_BYTES(seq_kv)
#define ATTN_MHA_SCRATCH_F32(seq_kv, d_model)                                  \
    (2 * ATTN_F32_BYTES((size_t)(seq_kv) * (size_t)(d_model)) +                \
     ATTN_F32_BYTES(d_model) + ATTN_F32_BYTES(seq_kv))
#define ATTN_ENCODER_SCRATCH_F32(seq, d_model, n_heads, d_ff)                  \
    (2 * ATTN_F32_BYTES((size_t)(seq) * (size_t)(d_model)) +                   \
     2 * ATTN_F32_BYTES(d_model) + ATTN_F32_BYTES(seq) + ATTN_F32_BYTES(d_ff) + \
     0 * (size_t)(n_heads))
#define ATTN_MODEL_SCRATCH_F32(seq, d_model, n_heads, d_ff)                    \
    (ATTN_F32_BYTES((size_t)(seq) * (size_t)(d_model)) +                       \
     ATTN_ENCODER_SCRATCH_F32(seq, d_model, n_heads, d_ff))

/* int8: the same for the _s8 operations (activations are bytes; scores and
   the residual row int32). */
#define ATTN__MAX(a, b) ((a) > (b) ? (a) : (b))
#define ATTN_SDPA_SCRATCH_S8(seq_kv) ATTN_ALIGN_UP((size_t)(seq_kv) * 4)
#define ATTN_MHA_SCRATCH_S8(seq_kv, d_model)                                   \
    (2 * ATTN_ALIGN_UP((size_t)(seq_kv) * (size_t)(d_model)) +                 \
     ATTN_ALIGN_UP(d_model) + ATTN_ALIGN_UP((size_t)(seq_kv) * 4))
#define ATTN_ENCODER_SCRATCH_S8(seq, d_model, n_heads, d_ff)                   \
    (2 * ATTN_ALIGN_UP((size_t)(seq) * (size_t)(d_model)) +                    \
     3 * ATTN_ALIGN_UP(d_model) +                                              \
     ATTN_ALIGN_UP((size_t)ATTN__MAX((size_t)(seq), (size_t)(d_model)) * 4) +  \
     ATTN_ALIGN_UP(d_ff) + 0 * (size_t)(n_heads))
#define ATTN_MODEL_SCRATCH_S8(seq, d_model, n_heads, d_ff)                     \
    (ATTN_ALIGN_UP((size_t)(seq) * (size_t)(d_model)) +                        \
     ATTN_ENCODER_SCRATCH_S8(seq, d_model, n_heads, d_ff))

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ATTN_OK = 0,
    ATTN_ERR_NULL = 1,
    ATTN_ERR_SHAPE = 2,
    ATTN_ERR_RANGE = 3,
    ATTN_ERR_TOO_LARGE = 4,
    ATTN_ERR_ARENA = 5
} attn_status;

/* A short English description of a status ("unknown status" if not one). */
ATTN_DEF const char *attn_status_str(attn_status status);

/* ---- arena ------------------------------------------------------------- */

typedef struct {
    unsigned char *base; /* aligned start of the usable buffer               */
    size_t size;         /* usable bytes from base                           */
    size_t used;         /* bytes currently allocated                        */
    size_t high_water;   /* the largest `used` ever reached                  */
} attn_arena;

/* Use `bytes` bytes at `buffer` (aligned up to ATTN_ALIGN first). */
ATTN_DEF attn_status attn_arena_init(attn_arena *arena, void *buffer, size_t bytes);
/* Take `bytes` (rounded up to ATTN_ALIGN), aligned. *ptr = NULL on failure. */
ATTN_DEF attn_status attn_arena_alloc(attn_arena *arena, size_t bytes, void **ptr);
/* Give back everything allocated after `mark` (a value of arena->used taken
   earlier); ATTN_ERR_RANGE if mark > arena->used. High-water is kept. */
ATTN_DEF attn_status attn_arena_release(attn_arena *arena, size_t mark);

/* ---- configuration (shared by the float and int8 paths) ---------------- */

typedef enum {
    ATTN_ACT_RELU = 0,      /* max(x, 0)                                    */
    ATTN_ACT_GELU = 1,      /* x/2 * (1 + erf(x/sqrt 2)), PyTorch "gelu"    */
    ATTN_ACT_GELU_TANH = 2  /* gelu(x, approximate="tanh")                  */
} attn_activation;

typedef enum {
    ATTN_POS_NONE = 0,
    ATTN_POS_SINUSOIDAL = 1, /* "Attention Is All You Need" sin/cos table   */
    ATTN_POS_LEARNED = 2     /* a [max_seq][d_model] table in the weights   */
} attn_position;

typedef enum {
    ATTN_POOL_MEAN = 0,  /* mean over the rows that are not padded          */
    ATTN_POOL_FIRST = 1  /* row 0 (a CLS token)                             */
} attn_pooling;

/* Shape of one attention call. */
typedef struct {
    int seq_q;   /* query rows                                              */
    int seq_kv;  /* key/value rows (== seq_q for self-attention)            */
    int d_model; /* width of queries, keys, values and output               */
    int n_heads; /* d_model % n_heads == 0; d_head = d_model / n_heads      */
    int causal;  /* nonzero: query i sees keys 0..i only                    */
} attn_mha_cfg;

/* One encoder layer, PyTorch nn.TransformerEncoderLayer semantics:
     post-norm: x = LN1(x + SA(x));  x = LN2(x + FF(x))
     pre-norm:  x = x + SA(LN1(x));  x = x + FF(LN2(x))
     FF(x) = linear2(act(linear1(x))); dropout is absent (inference). */
typedef struct {
    int d_model;                /* embedding width                          */
    int n_heads;                /* d_model % n_heads == 0                   */
    int d_ff;                   /* feed-forward hidden width                */
    attn_activation activation; /* of the feed-forward block                */
    int norm_first;             /* 0: post-norm (default), 1: pre-norm      */
    int causal;                 /* nonzero: token i attends to 0..i only    */
    float eps;                  /* layer norm epsilon (PyTorch: 1e-5), > 0  */
} attn_encoder_cfg;

/* A whole classifier: embed -> + positions -> encoder -> pool -> logits. */
typedef struct {
    attn_encoder_cfg encoder;
    int d_in;              /* input features per token; 0: the input is
                              already d_model wide and is not embedded      */
    int max_seq;           /* longest sequence; rows of the position table  */
    attn_position position;
    attn_pooling pooling;
    int n_classes;
} attn_model_cfg;

#ifndef ATTN_NO_FLOAT

/* ---- float weights ------------------------------------------------------ */

typedef struct {
    const float *wq, *wk, *wv; /* [d_model][d_model] each (may be packed)   */
    const float *bq, *bk, *bv; /* [d_model] each, or NULL                   */
    const float *wo;           /* [d_model][d_model] out_proj.weight        */
    const float *bo;           /* [d_model] out_proj.bias, or NULL          */
} attn_mha_weights_f32;

typedef struct {
    attn_mha_weights_f32 attn;        /* self-attention                     */
    const float *ff1_w, *ff1_b;       /* [d_ff][d_model], [d_ff] linear1    */
    const float *ff2_w, *ff2_b;       /* [d_model][d_ff], [d_model] linear2 */
    const float *norm1_w, *norm1_b;   /* [d_model] each (attention block)   */
    const float *norm2_w, *norm2_b;   /* [d_model] each (feed-forward block)*/
} attn_encoder_layer_weights_f32;

/* A stack of layers sharing one attn_encoder_cfg (nn.TransformerEncoder). */
typedef struct {
    const attn_encoder_layer_weights_f32 *layers; /* [n_layers]             */
    int n_layers;
    int final_norm;                  /* nonzero: LayerNorm after the stack  */
    const float *norm_w, *norm_b;    /* [d_model] its gamma/beta (NULL ok)  */
} attn_encoder_weights_f32;

typedef struct {
    const float *embed_w;  /* [d_model][d_in] (unused if d_in == 0)         */
    const float *embed_b;  /* [d_model] or NULL                             */
    const float *pos;      /* [max_seq][d_model] for ATTN_POS_LEARNED       */
    attn_encoder_weights_f32 encoder;
    const float *cls_w;    /* [n_classes][d_model]                          */
    const float *cls_b;    /* [n_classes] or NULL                           */
} attn_model_weights_f32;

/* ---- leaf operations (no scratch) --------------------------------------- */

/* y[r][o] = b[o] + sum_i x[r][i] * w[o][i]   (nn.Linear)
   y [rows][out], x [rows][in], w [out][in], b [out] or NULL. */
ATTN_DEF attn_status attn_linear_f32(float *y, const float *x, const float *w,
                                     const float *b, int rows, int in, int out);

/* Numerically stable softmax over each row of x [rows][cols]. */
ATTN_DEF attn_status attn_softmax_f32(float *y, const float *x, int rows, int cols);

/* y = (x - mean) / sqrt(var + eps) * gamma + beta over each row (nn.LayerNorm);
   var is the biased variance. gamma/beta [cols] or NULL. eps > 0. */
ATTN_DEF attn_status attn_layernorm_f32(float *y, const float *x, const float *gamma,
                                        const float *beta, float eps, int rows, int cols);

/* Element-wise activations over n values. */
ATTN_DEF attn_status attn_relu_f32(float *y, const float *x, int n);
ATTN_DEF attn_status attn_gelu_f32(float *y, const float *x, int n);
ATTN_DEF attn_status attn_gelu_tanh_f32(float *y, const float *x, int n);

/* Adds the sinusoidal table to x [seq][d_model] in place:
   pe[p][2i] = sin(p * 10000^(-2i/d)), pe[p][2i+1] = cos(p * 10000^(-2i/d)).
   Angles are formed in double for accuracy at long sequences; firmware that
   cares about speed bakes the table into flash and uses attn_pos_learned_f32. */
ATTN_DEF attn_status attn_pos_sinusoidal_f32(float *x, int seq, int d_model);
/* x[p][c] += table[p][c]; table [seq][d_model] (its first seq rows). */
ATTN_DEF attn_status attn_pos_learned_f32(float *x, const float *table, int seq, int d_model);

/* out [d_model] = mean of the unpadded rows of x [seq][d_model] (zeros if
   all are padded), or row 0 for ATTN_POOL_FIRST. key_padding [seq] or NULL. */
ATTN_DEF attn_status attn_pool_f32(float *out, const float *x, const uint8_t *key_padding,
                                   attn_pooling pooling, int seq, int d_model);

/* *index = position of the largest of x[0..n-1] (the first one on ties;
   NaN entries are never chosen unless all are NaN, then 0). */
ATTN_DEF attn_status attn_argmax_f32(int *index, const float *x, int n);

/* ---- attention ---------------------------------------------------------- */

/* Scaled dot-product attention without projections, over cfg->n_heads heads:
   out[i] = softmax(q[i] k^T / sqrt(d_head) + mask) v, per head.
   out, q [seq_q][d_model]; k, v [seq_kv][d_model]. n_heads = 1 is one head. */
ATTN_DEF attn_status attn_sdpa_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_sdpa_f32(float *out, const float *q, const float *k, const float *v,
                                   const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                   attn_arena *arena);

/* Multi-head attention (nn.MultiheadAttention): queries from xq [seq_q][d],
   keys and values from xkv [seq_kv][d] (pass xq again for self-attention).
   out [seq_q][d]. key_padding [seq_kv] or NULL. */
ATTN_DEF attn_status attn_mha_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_mha_f32(float *out, const float *xq, const float *xkv,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_mha_weights_f32 *w, attn_arena *arena);

/* Fills *w from PyTorch's packed nn.MultiheadAttention parameters:
   in_proj_w [3*d_model][d_model] (Wq; Wk; Wv), in_proj_b [3*d_model] or NULL,
   out_w [d_model][d_model], out_b [d_model] or NULL. Only pointers are stored. */
ATTN_DEF attn_status attn_mha_weights_packed_f32(attn_mha_weights_f32 *w, const float *in_proj_w,
                                                 const float *in_proj_b, const float *out_w,
                                                 const float *out_b, int d_model);

/* ---- encoder ------------------------------------------------------------ */

/* One layer, in place on x [seq][d_model]. key_padding [seq] or NULL. */
ATTN_DEF attn_status attn_encoder_layer_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                                    size_t *bytes);
ATTN_DEF attn_status attn_encoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                            const attn_encoder_cfg *cfg,
                                            const attn_encoder_layer_weights_f32 *w,
                                            attn_arena *arena);

/* w->n_layers layers and the optional final norm, in place on x. */
ATTN_DEF attn_status attn_encoder_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                              size_t *bytes);
ATTN_DEF attn_status attn_encoder_f32(float *x, int seq, const uint8_t *key_padding,
                                      const attn_encoder_cfg *cfg,
                                      const attn_encoder_weights_f32 *w, attn_arena *arena);

/* The whole classifier. input [seq][d_in] (or [seq][d_model] if d_in == 0),
   logits [n_classes]. key_padding [seq] or NULL masks keys and pooling. */
ATTN_DEF attn_status attn_model_scratch_f32(const attn_model_cfg *cfg, int seq, size_t *bytes);
ATTN_DEF attn_status attn_model_f32(float *logits, const float *input, int seq,
                                    const uint8_t *key_padding, const attn_model_cfg *cfg,
                                    const attn_model_weights_f32 *w, attn_arena *arena);

#endif /* ATTN_NO_FLOAT */

#ifndef ATTN_NO_INT8

/* ---- int8: quantization conventions ------------------------------------- */

/* A real factor f as a Q31 multiplier and a power of two:
   f = multiplier * 2^shift / 2^31, |multiplier| < 2^31, shift in -31..30.
   attn_quantize_multiplier() makes one from a double. */
typedef struct {
    int32_t multiplier;
    int32_t shift;
} attn_qmul;

/* round(x * f) the way every int8 kernel rescales (bit-exact on every core):
     shift > 0: x is first multiplied by 2^shift, saturating to int32;
     then the rounding doubling high multiply:
         h = saturate((x * multiplier + (x*multiplier >= 0 ? 2^30 : 1 - 2^30)) / 2^31),
         division truncating toward zero (so ties go up: -0.5 -> 0, 0.5 -> 1);
     shift < 0: then a rounding right shift by -shift, ties away from zero.
   Returns ATTN_ERR_RANGE (and *y = 0) for a shift outside -31..30 or a
   multiplier of INT32_MIN (|multiplier| must be below 2^31). */
ATTN_DEF attn_status attn_requantize(int32_t *y, int32_t x, attn_qmul m);

/* A linear layer y = requant(x W^T + b) in int8 (nn.Linear, quantized):
     acc[o] = bias[o] + sum_i (x[i] - in_zp) * w[o][i]           (int32)
     y[o]   = clamp(out_zp + requant(acc[o], requant[o]), act_min, act_max)
   Weights symmetric per output channel (zero point 0); the bias is at scale
   in_scale * w_scale[o]; requant[o] = in_scale * w_scale[o] / out_scale.
   act_min/act_max fuse a ReLU ([out_zp, 127]) or are [-128, 127]. */
typedef struct {
    const int8_t *w;           /* [out][in]                                 */
    const int32_t *bias;       /* [out] or NULL                             */
    const attn_qmul *requant;  /* [out]                                     */
    int32_t in_zp, out_zp;     /* zero points of x and y                    */
    int32_t act_min, act_max;  /* output clamp, within [-128, 127]          */
    /* [out] or NULL: bias[o] - in_zp * sum_i w[o][i], made once by the
       quantizer or attn_linear_fuse_bias_s8. With it the kernels add no
       input offset per MAC: acc[o] = fused_bias[o] + sum_i x[i] * w[o][i],
       the same integer. It must match bias, in_zp and w (derived data). */
    const int32_t *fused_bias;
} attn_linear_s8_params;

/* Softmax of int8 logits (scale s): in_mul = s * log2(e) * 2^16 turns
   logit differences into base-2 exponents in Q16. Output probabilities are
   int8 with scale 1/256 and zero point -128 (the TFLite convention). */
typedef struct {
    attn_qmul in_mul;
} attn_softmax_s8_params;

/* Layer norm of int8 (or, inside a layer, wide int32) rows of width d:
     z[c] = (d*x[c] - sum x) / sqrt(d*d*var + eps)        (integer mean/var)
     y[c] = clamp(out_zp + round(z[c]*gamma[c]/out_scale + beta[c]/out_scale))
   eps is the epsilon in the input's own integer units, times d^2:
   round(d*d*eps / in_scale^2). The input zero point cancels out. */
typedef struct {
    const attn_qmul *gamma;    /* [d] gamma[c] / out_scale (required)        */
    const int32_t *beta;       /* [d] round(beta[c] / out_scale * 2^16), or NULL */
    int64_t eps;               /* round(d * d * eps / in_scale^2), >= 1      */
    int32_t out_zp;
} attn_layernorm_s8_params;

/* y = a + b for int8 tensors of different scales: both go exactly to a wide
   int32 sum at a common fine scale s_r (a_mul = a_scale/s_r, b_mul =
   b_scale/s_r, with s_r = max(a_scale, b_scale) / 2^9 from the quantizer),
   then y = clamp(out_zp + requant(sum, out_mul)), out_mul = s_r/out_scale. */
typedef struct {
    int32_t a_zp, b_zp;
    attn_qmul a_mul, b_mul;
    attn_qmul out_mul;
    int32_t out_zp;
} attn_add_s8_params;

/* Attention on int8 Q, K, V (scaled dot product, cfg->n_heads heads):
   scores stay int32 (sum (q-q_zp)(k-k_zp)) into a fixed-point base-2 exp;
   probabilities are kept in Q15 (15 bits) until multiplied by V; the
   context sum (int32) is rescaled once into int8:
     score_mul = s_q * s_k / sqrt(d_head) * log2(e) * 2^16
     ctx_mul   = s_v / (2^15 * s_out)                                       */
typedef struct {
    int32_t q_zp, k_zp, v_zp;
    attn_qmul score_mul;
    attn_qmul ctx_mul;
    int32_t out_zp;
} attn_sdpa_s8_params;

/* Multi-head attention: projections, then attention, then out projection.
   sdpa.q_zp/k_zp/v_zp must equal q.out_zp/k.out_zp/v.out_zp and sdpa.out_zp
   o.in_zp (the quantizer makes them so; ATTN_ERR_RANGE otherwise). */
typedef struct {
    attn_linear_s8_params q, k, v, o;
    attn_sdpa_s8_params sdpa;
} attn_mha_s8_params;

/* One quantized encoder layer (cfg as for float; eps is baked into norm1/2):
     post-norm: r = add1(x, SA(x)); x = LN1(r); r = add2(x, FF(x)); x = LN2(r)
                (LN on the wide sum r, no int8 step in between; add*.out_mul
                unused)
     pre-norm:  x = add1(x, SA(LN1(x))); x = add2(x, FF(LN2(x)))
   FF(x) = ff2(act(ff1(x))): act is ReLU fused into ff1's clamp when
   gelu_table is NULL, else the 256-entry table (a GELU built by the
   quantizer). Output replaces x, at the output scale the quantizer chose. */
typedef struct {
    attn_mha_s8_params attn;
    attn_add_s8_params add1;
    attn_layernorm_s8_params norm1;
    attn_linear_s8_params ff1;
    const int8_t *gelu_table;  /* [256], indexed by ff1 output + 128, or NULL */
    attn_linear_s8_params ff2;
    attn_add_s8_params add2;
    attn_layernorm_s8_params norm2;
} attn_encoder_layer_s8_params;

typedef struct {
    const attn_encoder_layer_s8_params *layers; /* [n_layers]              */
    int n_layers;
    int final_norm;                  /* nonzero: LayerNorm after the stack */
    attn_layernorm_s8_params norm;   /* its parameters                     */
} attn_encoder_s8_params;

/* A whole int8 classifier: input int8 [seq][d_in] (quantize floats with
   attn_quantize_s8 and in_scale/in_zp), embedding, positions added with
   pos_add (a learned or baked sinusoidal table, int8), the stack, pooling,
   classifier -> int8 logits (logit_scale, logit_zp). */
typedef struct {
    attn_linear_s8_params embed;     /* d_in -> d_model; unused if d_in == 0 */
    const int8_t *pos;               /* [max_seq][d_model] or NULL           */
    attn_add_s8_params pos_add;      /* x + pos                              */
    attn_encoder_s8_params encoder;
    attn_linear_s8_params cls;       /* d_model -> n_classes                 */
    float in_scale, logit_scale;     /* for the caller: real = scale*(q-zp)  */
    int32_t in_zp, logit_zp;
} attn_model_s8_params;

/* Element-wise int8 ops (y may equal x): */
/* y = max(x, zp): ReLU at the tensor's zero point. */
ATTN_DEF attn_status attn_relu_s8(int8_t *y, const int8_t *x, int n, int32_t zp);
/* y = table[x + 128]: any int8 -> int8 function, e.g. the quantizer's GELU. */
ATTN_DEF attn_status attn_lut_s8(int8_t *y, const int8_t *x, int n, const int8_t *table);
ATTN_DEF attn_status attn_add_s8(int8_t *y, const int8_t *a, const int8_t *b, int n,
                                 const attn_add_s8_params *p);

ATTN_DEF attn_status attn_linear_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                    int rows, int in, int out);
/* fused[o] = bias[o] (0 if NULL) - in_zp * sum_i w[o][i], for
   p->fused_bias (the quantizer does this itself). ATTN_ERR_RANGE, and
   nothing written, if a value does not fit int32 (then leave fused_bias
   NULL: the kernels add the offset themselves, at a little more cost). */
ATTN_DEF attn_status attn_linear_fuse_bias_s8(int32_t *fused, const attn_linear_s8_params *p,
                                              int in, int out);
ATTN_DEF attn_status attn_softmax_s8(int8_t *y, const int8_t *x, const attn_softmax_s8_params *p,
                                     int rows, int cols);
ATTN_DEF attn_status attn_layernorm_s8(int8_t *y, const int8_t *x,
                                       const attn_layernorm_s8_params *p, int rows, int cols);

/* Attention; cfg as for float (seq_q, seq_kv, d_model, n_heads, causal). */
ATTN_DEF attn_status attn_sdpa_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_sdpa_s8(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_sdpa_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_mha_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_mha_s8(int8_t *out, const int8_t *xq, const int8_t *xkv,
                                 const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                 const attn_mha_s8_params *p, attn_arena *arena);

ATTN_DEF attn_status attn_encoder_layer_scratch_s8(const attn_encoder_cfg *cfg, int seq,
                                                   size_t *bytes);
ATTN_DEF attn_status attn_encoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                           const attn_encoder_cfg *cfg,
                                           const attn_encoder_layer_s8_params *p,
                                           attn_arena *arena);
ATTN_DEF attn_status attn_encoder_scratch_s8(const attn_encoder_cfg *cfg, int seq, size_t *bytes);
ATTN_DEF attn_status attn_encoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                     const attn_encoder_cfg *cfg, const attn_encoder_s8_params *p,
                                     attn_arena *arena);

/* out [d_model] int8: mean of the unpadded rows (rounded; the zero point if
   all are padded; pass the tensor's zp) or row 0 (which ignores padding). */
ATTN_DEF attn_status attn_pool_s8(int8_t *out, const int8_t *x, const uint8_t *key_padding,
                                  attn_pooling pooling, int seq, int d_model, int32_t zp);

ATTN_DEF attn_status attn_model_scratch_s8(const attn_model_cfg *cfg, int seq, size_t *bytes);
ATTN_DEF attn_status attn_model_s8(int8_t *logits, const int8_t *input, int seq,
                                   const uint8_t *key_padding, const attn_model_cfg *cfg,
                                   const attn_model_s8_params *p, attn_arena *arena);

#endif /* ATTN_NO_INT8 */

#if !defined(ATTN_NO_INT8) && !defined(ATTN_NO_FLOAT)

/* ---- quantizer: float model + calibration data -> int8 parameters ------- */

/* real = scale * (q - zero_point) */
typedef struct {
    float scale;
    int32_t zero_point;
} attn_qparams;

/* The Q31 multiplier and shift closest to f (f = 0 gives 0; |f| must be
   below 2^30 and not NaN: ATTN_ERR_RANGE otherwise; factors too small for a
   shift of -31 round to 0). */
ATTN_DEF attn_status attn_quantize_multiplier(double f, attn_qmul *m);
/* Asymmetric int8 parameters covering [min, max] (widened to include 0). */
ATTN_DEF attn_status attn_choose_qparams(float min, float max, attn_qparams *q);
/* y = clamp(round(x / scale) + zp); x = scale * (y - zp). */
ATTN_DEF attn_status attn_quantize_s8(int8_t *y, const float *x, int n, attn_qparams q);
ATTN_DEF attn_status attn_dequantize_s8(float *y, const int8_t *x, int n, attn_qparams q);

/* Quantizes a float encoder stack (one layer: n_layers = 1). Calibration:
   the float stack runs on n_calib sequences calib [n_calib][seq][d_model]
   (key_padding [n_calib][seq] or NULL), and every int8 tensor's scale and
   zero point cover the minimum and maximum seen there (min/max
   calibration). Weights: symmetric per output channel; biases int32.
   All arrays the parameters point to are taken from `store` (keep it
   alive as long as the parameters); `scratch` is working memory, given
   back. *in_q / *out_q: the int8 input and output encodings of x. */
ATTN_DEF attn_status attn_quantize_encoder_s8(attn_encoder_s8_params *out, attn_qparams *in_q,
                                              attn_qparams *out_q, const attn_encoder_cfg *cfg,
                                              const attn_encoder_weights_f32 *w,
                                              const float *calib, const uint8_t *key_padding,
                                              int n_calib, int seq, attn_arena *store,
                                              attn_arena *scratch);
/* The whole classifier; calib [n_calib][seq][d_in] (or d_model if d_in is
   0). Sinusoidal positions are baked into an int8 table. */
ATTN_DEF attn_status attn_quantize_model_s8(attn_model_s8_params *out, const attn_model_cfg *cfg,
                                            const attn_model_weights_f32 *w, const float *calib,
                                            const uint8_t *key_padding, int n_calib, int seq,
                                            attn_arena *store, attn_arena *scratch);

#endif /* !ATTN_NO_INT8 && !ATTN_NO_FLOAT */

#ifdef __cplusplus
}
#endif

#endif /* ATTENTION_H */

/* ======================================================================== */
/*                              IMPLEMENTATION                              */
/* ======================================================================== */
#ifdef ATTN_IMPLEMENTATION
#ifndef ATTN__IMPLEMENTED
#define ATTN__IMPLEMENTED

#include <string.h>
#ifndef ATTN_NO_FLOAT
#include <math.h>
#endif
/* Cortex-M DSP extension (M4, M7, M33, M55): dual 16-bit MACs for int8. */
#if defined(__ARM_FEATURE_DSP) && !defined(ATTN_NO_DSP)
#define ATTN__DSP 1
#include <arm_acle.h>
#else
#define ATTN__DSP 0
#endif
/* Helium (M-profile vector extension, M55): 16 int8 MACs per instruction. */
#if defined(__ARM_FEATURE_MVE) && !defined(ATTN_NO_MVE)
#define ATTN__MVE 1
#include <arm_mve.h>
#else
#define ATTN__MVE 0
#endif

/* Helium with floating point (__ARM_FEATURE_MVE & 2, M55): 4-lane float
   VFMA in the float kernels. */
#if ATTN__MVE && defined(__ARM_FEATURE_MVE)
#if (__ARM_FEATURE_MVE & 2)
#define ATTN__MVE_F32 1
#endif
#endif
#ifndef ATTN__MVE_F32
#define ATTN__MVE_F32 0
#endif
/* An Arm core without a floating-point unit (M0, M3): float arithmetic is
   library calls. */
#if defined(__arm__) && !defined(__ARM_FP)
#define ATTN__SOFT_FLOAT 1
#else
#define ATTN__SOFT_FLOAT 0
#endif
/* Fused multiply-add in the FPU (VFMA.F32: M4, M7, M33, M55): the float
   kernels use it; soft-float cores (M0, M3) never call a library fmaf. */
#if defined(__ARM_FEATURE_FMA) && defined(__ARM_FP) && (__ARM_FP & 4) && !defined(ATTN_NO_FMA)
#define ATTN__FMA 1
#else
#define ATTN__FMA 0
#endif

#ifndef ATTN_ASSERT
#define ATTN_ASSERT(x) ((void)0)
#endif

/* Small helpers of the inner loops are inlined even at -Os. */
#if defined(__GNUC__) || defined(__clang__)
#define ATTN__INLINE static inline __attribute__((always_inline))
#define ATTN__NOINLINE static __attribute__((noinline))
#else
#define ATTN__INLINE static
#define ATTN__NOINLINE static
#endif

#if (ATTN_ALIGN < 4) || (ATTN_ALIGN & (ATTN_ALIGN - 1))
#error "ATTN_ALIGN must be a power of two >= 4"
#endif

#ifdef __cplusplus
extern "C" {
#endif

ATTN_DEF const char *attn_status_str(attn_status status)
{
    switch (status) {
    case ATTN_OK: return "ok";
    case ATTN_ERR_NULL: return "a required pointer is NULL";
    case ATTN_ERR_SHAPE: return "a size is zero, negative or inconsistent";
    case ATTN_ERR_RANGE: return "a value is outside its allowed range";
    case ATTN_ERR_TOO_LARGE: return "sizes too large: byte count overflows size_t";
    case ATTN_ERR_ARENA: return "arena too small";
    }
    return "unknown status";
}

/* ---- arena -------------------------------------------------------------- */

ATTN_DEF attn_status attn_arena_init(attn_arena *arena, void *buffer, size_t bytes)
{
    size_t pad;
    if (!arena || !buffer) return ATTN_ERR_NULL;
    pad = (size_t)(-(uintptr_t)buffer & (uintptr_t)(ATTN_ALIGN - 1));
    arena->base = (unsigned char *)buffer + (pad < bytes ? pad : bytes);
    arena->size = pad < bytes ? bytes - pad : 0;
    arena->size &= ~(size_t)(ATTN_ALIGN - 1);
    arena->used = 0;
    arena->high_water = 0;
    return ATTN_OK;
}

static size_t attn__arena_free(const attn_arena *a)
{
    return a->size - a->used;
}

/* The operations check the free space first, so this cannot fail there. */
static void *attn__take(attn_arena *a, size_t bytes)
{
    void *p = a->base + a->used;
    bytes = (bytes + (ATTN_ALIGN - 1)) & ~(size_t)(ATTN_ALIGN - 1);
    ATTN_ASSERT(bytes <= attn__arena_free(a));
    a->used += bytes;
    if (a->used > a->high_water) a->high_water = a->used;
    return p;
}

ATTN_DEF attn_status attn_arena_alloc(attn_arena *arena, size_t bytes, void **ptr)
{
    if (ptr) *ptr = NULL;
    if (!arena || !ptr) return ATTN_ERR_NULL;
    if (bytes > SIZE_MAX - (ATTN_ALIGN - 1)) return ATTN_ERR_TOO_LARGE;
    if (((bytes + (ATTN_ALIGN - 1)) & ~(size_t)(ATTN_ALIGN - 1)) > attn__arena_free(arena))
        return ATTN_ERR_ARENA;
    *ptr = attn__take(arena, bytes);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_arena_release(attn_arena *arena, size_t mark)
{
    if (!arena) return ATTN_ERR_NULL;
    if (mark > arena->used) return ATTN_ERR_RANGE;
    arena->used = mark;
    return ATTN_OK;
}

/* ---- size arithmetic that cannot overflow ------------------------------- */

/* Accumulates aligned float-buffer sizes; remembers whether any step
   overflowed size_t. */
typedef struct {
    size_t bytes;
    int overflow;
} attn__size;

static void attn__size_add(attn__size *s, size_t n, size_t m, size_t elem)
{
    size_t nm, b;
    if (s->overflow) return;
    if (m != 0 && n > SIZE_MAX / m) {
        s->overflow = 1;
        return;
    }
    nm = n * m;
    if (nm != 0 && elem > SIZE_MAX / nm) {
        s->overflow = 1;
        return;
    }
    b = nm * elem;
    if (b > SIZE_MAX - (ATTN_ALIGN - 1)) {
        s->overflow = 1;
        return;
    }
    b = (b + (ATTN_ALIGN - 1)) & ~(size_t)(ATTN_ALIGN - 1);
    if (s->bytes > SIZE_MAX - b) {
        s->overflow = 1;
        return;
    }
    s->bytes += b;
}

/* The common tail of every check: sizes fit size_t, and the arena holds them. */
static attn_status attn__check_scratch(const attn__size *s, const attn_arena *arena)
{
    if (s->overflow) return ATTN_ERR_TOO_LARGE;
    if (s->bytes > attn__arena_free(arena)) return ATTN_ERR_ARENA;
    return ATTN_OK;
}

static attn_status attn__size_result(attn__size s, size_t *bytes)
{
    if (s.overflow) return ATTN_ERR_TOO_LARGE;
    *bytes = s.bytes;
    return ATTN_OK;
}

static attn_status attn__check_mha_cfg(const attn_mha_cfg *c)
{
    if (c->seq_q <= 0 || c->seq_kv <= 0 || c->d_model <= 0 || c->n_heads <= 0 ||
        c->d_model % c->n_heads != 0)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}

/* The model's own shape and enum rules (the encoder's are checked apart). */
static attn_status attn__model_shape_check(const attn_model_cfg *c, int seq, int n_layers)
{
    if (seq <= 0 || c->d_in < 0 || c->max_seq <= 0 || seq > c->max_seq || c->n_classes <= 0 ||
        n_layers <= 0)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}

static attn_status attn__model_enums_check(const attn_model_cfg *c)
{
    if (c->position != ATTN_POS_NONE && c->position != ATTN_POS_SINUSOIDAL &&
        c->position != ATTN_POS_LEARNED)
        return ATTN_ERR_RANGE;
    if (c->pooling != ATTN_POOL_MEAN && c->pooling != ATTN_POOL_FIRST) return ATTN_ERR_RANGE;
    return ATTN_OK;
}

#ifndef ATTN_NO_FLOAT

#ifndef ATTN_EXPF
#define ATTN_EXPF(x) expf(x)
#endif
#ifndef ATTN_SQRTF
#define ATTN_SQRTF(x) sqrtf(x)
#endif
#ifndef ATTN_ERFF
#define ATTN_ERFF(x) erff(x)
#endif
#ifndef ATTN_TANHF
#define ATTN_TANHF(x) tanhf(x)
#endif
#ifndef ATTN_SIN
#define ATTN_SIN(x) sin(x)
#endif
#ifndef ATTN_COS
#define ATTN_COS(x) cos(x)
#endif
#ifndef ATTN_EXP
#define ATTN_EXP(x) exp(x)
#endif

/* ---- float kernels (internal, arguments already checked) ----------------
   One loop nest per kernel, built three ways (FLOAT ARITHMETIC at the top):
   Helium (ATTN__MVE_F32: 4-lane VFMA.F32, one lane per output), the FPU's fused
   multiply-add (ATTN__FMA: VFMA.F32) and portable C (s + a*b). Each output
   is the same sequential sum in all three: s = 0, s += a[c]*b[c] for c = 0,
   1, 2, ..., then the bias. */

/* s + a*b: one rounding where the FPU fuses it, two in portable C. */
#if ATTN__FMA && !ATTN__MVE_F32 && defined(__clang__) && !defined(__NO_MATH_ERRNO__)
/* clang 14 turns fmaf into a call of the C library's (which might set
   errno) unless -fno-math-errno; declared const here, in this block only,
   it is the VFMA instruction (Helium builds use the intrinsics instead) */
static float attn__fma(float s, float a, float b)
{
    float fmaf(float, float, float) __attribute__((const));
    return fmaf(a, b, s);
}
#define ATTN__MADD(s, a, b) attn__fma((s), (a), (b))
#elif ATTN__FMA
#define ATTN__MADD(s, a, b) fmaf((a), (b), (s))
#else
#define ATTN__MADD(s, a, b) ((s) + (a) * (b))
#endif

#if ATTN__MVE_F32
/* Column j of 4 rows whose addresses are the lanes of a (j = 0..3 within a
   block of 4 columns), then ATTN__NEXT moves a on by `cols` columns. clang:
   the write-back gather (VLDRW.U32 Qd, [Qm, #4]!, a starting 4 bytes early)
   moves a itself. GCC 12's arm_mve.h cannot compile that form (it asks for
   a constant it cannot see): it gathers at offset 4j and adds after a block. */
#if defined(__clang__)
#define ATTN__GATHER(a, j) vldrwq_gather_base_wb_f32(&(a), 4)
#define ATTN__NEXT(a, cols) ((void)0)
#define ATTN__GATHER_START 4u
#else
#define ATTN__GATHER(a, j) vldrwq_gather_base_f32((a), 4 * (j))
#define ATTN__NEXT(a, cols) ((a) = vaddq_n_u32((a), 4 * (cols)))
#define ATTN__GATHER_START 0u
#endif
/* The addresses of element 0 of rows 0..3 of w (rows ws floats apart), for
   the gathering loads (VLDRW.U32 Qd, [Qm, #imm]: lane i reads row i). */
static uint32x4_t attn__rows4_f32(const float *w, size_t ws)
{
    return vmlaq_n_u32(vdupq_n_u32((uint32_t)(uintptr_t)w), vidupq_n_u32(0u, 1),
                       (uint32_t)(ws * sizeof(float)));
}
#endif

/* y[r] = w_r . x (+ b[r]) for r < rows, where w_r = w + r*ws holds n floats:
   a linear layer's outputs (ws = n), or one query's scores against keys
   (ws = the key row stride). y must not overlap x or w. */
ATTN__NOINLINE void attn__gemv_f32(float *y, const float *x, const float *w, size_t ws,
                                   const float *b, int n, int rows)
{
    int r = 0, c;
#if ATTN__MVE_F32
    /* 8 rows per pass: per column two gathers of 4 rows and two VFMAs by
       x[c]; full passes unpredicated, then one predicated pass for the rest.
       a0, a1: the rows' addresses, n floats on after a pass; `next` takes
       them to the next 8 rows. */
    uint32x4_t a0 = vsubq_n_u32(attn__rows4_f32(w, ws), ATTN__GATHER_START);
    uint32x4_t a1 = vaddq_n_u32(a0, (uint32_t)(4 * ws * sizeof(float)));
    uint32_t next = (uint32_t)((8 * ws - (size_t)n) * sizeof(float));
    float32x4_t s0, s1, g;
    const float *e;
    float u;
#define ATTN__COLUMN(j)                                                                \
    u = *e++;                                                                          \
    g = ATTN__GATHER(a0, j);                                                           \
    s0 = vfmaq_n_f32(s0, g, u);                                                        \
    g = ATTN__GATHER(a1, j);                                                           \
    s1 = vfmaq_n_f32(s1, g, u)
    for (; r + 8 <= rows; r += 8) {
        s0 = s1 = vdupq_n_f32(0.0f);
        e = x;
        for (c = 0; c + 4 <= n; c += 4) {
            ATTN__COLUMN(0);
            ATTN__COLUMN(1);
            ATTN__COLUMN(2);
            ATTN__COLUMN(3);
            ATTN__NEXT(a0, 4);
            ATTN__NEXT(a1, 4);
        }
        for (; c < n; c++) {
            ATTN__COLUMN(0);
            ATTN__NEXT(a0, 1);
            ATTN__NEXT(a1, 1);
        }
        a0 = vaddq_n_u32(a0, next);
        a1 = vaddq_n_u32(a1, next);
        if (b) {
            s0 = vaddq_f32(s0, vld1q_f32(b + r));
            s1 = vaddq_f32(s1, vld1q_f32(b + r + 4));
        }
        vst1q_f32(y + r, s0);
        vst1q_f32(y + r + 4, s1);
    }
#undef ATTN__COLUMN
    if (r < rows) {
        int left = rows - r;
        size_t o1 = left > 4 ? 4 : 0; /* where the second group goes (if any) */
        mve_pred16_t p0 = vctp32q((uint32_t)left), p1 = vctp32q(left > 4 ? (uint32_t)left - 4 : 0);
        s0 = s1 = vdupq_n_f32(0.0f);
        for (c = 0; c < n; c++) {
            s0 = vfmaq_n_f32(s0, vldrwq_gather_base_z_f32(a0, ATTN__GATHER_START, p0), x[c]);
            s1 = vfmaq_n_f32(s1, vldrwq_gather_base_z_f32(a1, ATTN__GATHER_START, p1), x[c]);
            a0 = vaddq_n_u32(a0, 4);
            a1 = vaddq_n_u32(a1, 4);
        }
        if (b) {
            s0 = vaddq_f32(s0, vldrwq_z_f32(b + r, p0));
            s1 = vaddq_f32(s1, vldrwq_z_f32(b + r + o1, p1));
        }
        vstrwq_p_f32(y + r, s0, p0);
        vstrwq_p_f32(y + r + o1, s1, p1);
    }
#else
#if !ATTN__SOFT_FLOAT
    /* 4 rows per pass: each x[c] loaded once for the four (not on soft-float
       cores, where it would save nothing beside the library calls) */
    for (; r + 4 <= rows; r += 4) {
        const float *w0 = w + (size_t)r * ws, *w1 = w0 + ws, *w2 = w1 + ws, *w3 = w2 + ws;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (c = 0; c < n; c++) {
            float xc = x[c];
            s0 = ATTN__MADD(s0, w0[c], xc);
            s1 = ATTN__MADD(s1, w1[c], xc);
            s2 = ATTN__MADD(s2, w2[c], xc);
            s3 = ATTN__MADD(s3, w3[c], xc);
        }
        y[r] = b ? s0 + b[r] : s0;
        y[r + 1] = b ? s1 + b[r + 1] : s1;
        y[r + 2] = b ? s2 + b[r + 2] : s2;
        y[r + 3] = b ? s3 + b[r + 3] : s3;
    }
#endif
    for (; r < rows; r++) {
        const float *w0 = w + (size_t)r * ws;
        float s0 = 0.0f;
        for (c = 0; c < n; c++) s0 = ATTN__MADD(s0, w0[c], x[c]);
        y[r] = b ? s0 + b[r] : s0;
    }
#endif
}

#if ATTN__MVE_F32
/* Helium, two rows at once: y0 = W x0, y1 = W x1 (+ b), 8 outputs per pass:
   a gathered column of 4 outputs serves both rows, each x[c] 8 outputs. */
static void attn__gemv2_f32(float *y0, float *y1, const float *x0, const float *x1,
                            const float *w, size_t ws, const float *b, int n, int k)
{
    /* a0, a1: the 8 rows' addresses; after a pass they point n floats on,
       `next` takes them to the next 8 rows */
    uint32x4_t a0 = vsubq_n_u32(attn__rows4_f32(w, ws), ATTN__GATHER_START);
    uint32x4_t a1 = vaddq_n_u32(a0, (uint32_t)(4 * ws * sizeof(float)));
    uint32_t next = (uint32_t)((8 * ws - (size_t)n) * sizeof(float));
    int o, c;
    for (o = 0; o + 8 <= k; o += 8) {
        float32x4_t s00 = vdupq_n_f32(0.0f), s01 = s00, s10 = s00, s11 = s00, g0, g1;
        const float *e0 = x0, *e1 = x1;
        float u0, u1;
        /* the next column of the 8 outputs, for both rows */
#define ATTN__COLUMN2(j)                                                               \
    u0 = *e0++;                                                                        \
    u1 = *e1++;                                                                        \
    g0 = ATTN__GATHER(a0, j);                                                          \
    s00 = vfmaq_n_f32(s00, g0, u0);                                                    \
    s10 = vfmaq_n_f32(s10, g0, u1);                                                    \
    g1 = ATTN__GATHER(a1, j);                                                          \
    s01 = vfmaq_n_f32(s01, g1, u0);                                                    \
    s11 = vfmaq_n_f32(s11, g1, u1)
        for (c = 0; c + 4 <= n; c += 4) {
            ATTN__COLUMN2(0);
            ATTN__COLUMN2(1);
            ATTN__COLUMN2(2);
            ATTN__COLUMN2(3);
            ATTN__NEXT(a0, 4);
            ATTN__NEXT(a1, 4);
        }
        for (; c < n; c++) {
            ATTN__COLUMN2(0);
            ATTN__NEXT(a0, 1);
            ATTN__NEXT(a1, 1);
        }
        a0 = vaddq_n_u32(a0, next);
        a1 = vaddq_n_u32(a1, next);
#undef ATTN__COLUMN2
        if (b) {
            float32x4_t b0 = vld1q_f32(b + o), b1 = vld1q_f32(b + o + 4);
            s00 = vaddq_f32(s00, b0);
            s01 = vaddq_f32(s01, b1);
            s10 = vaddq_f32(s10, b0);
            s11 = vaddq_f32(s11, b1);
        }
        vst1q_f32(y0 + o, s00);
        vst1q_f32(y0 + o + 4, s01);
        vst1q_f32(y1 + o, s10);
        vst1q_f32(y1 + o + 4, s11);
    }
    if (o < k) {
        attn__gemv_f32(y0 + o, x0, w + (size_t)o * ws, ws, b ? b + o : NULL, n, k - o);
        attn__gemv_f32(y1 + o, x1, w + (size_t)o * ws, ws, b ? b + o : NULL, n, k - o);
    }
}
#endif

#if !ATTN__MVE_F32 && !ATTN__SOFT_FLOAT
/* C, four rows at once: y0..y3 = W x0..x3 (+ b), rows ys and xs floats
   apart, 4 outputs per pass: each w load serves the 4 rows, each x load the
   4 outputs. (Not on soft-float cores, whose multiply-adds are library
   calls: there the block would only cost flash.) */
ATTN__NOINLINE void attn__gemv4_f32(float *y, size_t ys, const float *x, size_t xs,
                                    const float *w, size_t ws, const float *b, int n, int k)
{
    const float *x0 = x, *x1 = x0 + xs, *x2 = x1 + xs, *x3 = x2 + xs;
    int o, c;
    for (o = 0; o + 4 <= k; o += 4) {
        const float *w0 = w + (size_t)o * ws, *w1 = w0 + ws, *w2 = w1 + ws, *w3 = w2 + ws;
        float *y0 = y + o, *y1 = y0 + ys, *y2 = y1 + ys, *y3 = y2 + ys;
        float s00 = 0.0f, s01 = 0.0f, s02 = 0.0f, s03 = 0.0f;
        float s10 = 0.0f, s11 = 0.0f, s12 = 0.0f, s13 = 0.0f;
        float s20 = 0.0f, s21 = 0.0f, s22 = 0.0f, s23 = 0.0f;
        float s30 = 0.0f, s31 = 0.0f, s32 = 0.0f, s33 = 0.0f;
        for (c = 0; c < n; c++) {
            float e0 = x0[c], e1 = x1[c], e2 = x2[c], e3 = x3[c], t;
            t = w0[c];
            s00 = ATTN__MADD(s00, t, e0); s10 = ATTN__MADD(s10, t, e1);
            s20 = ATTN__MADD(s20, t, e2); s30 = ATTN__MADD(s30, t, e3);
            t = w1[c];
            s01 = ATTN__MADD(s01, t, e0); s11 = ATTN__MADD(s11, t, e1);
            s21 = ATTN__MADD(s21, t, e2); s31 = ATTN__MADD(s31, t, e3);
            t = w2[c];
            s02 = ATTN__MADD(s02, t, e0); s12 = ATTN__MADD(s12, t, e1);
            s22 = ATTN__MADD(s22, t, e2); s32 = ATTN__MADD(s32, t, e3);
            t = w3[c];
            s03 = ATTN__MADD(s03, t, e0); s13 = ATTN__MADD(s13, t, e1);
            s23 = ATTN__MADD(s23, t, e2); s33 = ATTN__MADD(s33, t, e3);
        }
        if (b) {
            float b0 = b[o], b1 = b[o + 1], b2 = b[o + 2], b3 = b[o + 3];
            s00 += b0; s01 += b1; s02 += b2; s03 += b3;
            s10 += b0; s11 += b1; s12 += b2; s13 += b3;
            s20 += b0; s21 += b1; s22 += b2; s23 += b3;
            s30 += b0; s31 += b1; s32 += b2; s33 += b3;
        }
        y0[0] = s00; y0[1] = s01; y0[2] = s02; y0[3] = s03;
        y1[0] = s10; y1[1] = s11; y1[2] = s12; y1[3] = s13;
        y2[0] = s20; y2[1] = s21; y2[2] = s22; y2[3] = s23;
        y3[0] = s30; y3[1] = s31; y3[2] = s32; y3[3] = s33;
    }
    for (; o < k; o++) { /* the last k % 4 outputs, one at a time for the 4 rows */
        const float *w0 = w + (size_t)o * ws;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (c = 0; c < n; c++) {
            float t = w0[c];
            s0 = ATTN__MADD(s0, t, x0[c]);
            s1 = ATTN__MADD(s1, t, x1[c]);
            s2 = ATTN__MADD(s2, t, x2[c]);
            s3 = ATTN__MADD(s3, t, x3[c]);
        }
        if (b) {
            s0 += b[o];
            s1 += b[o];
            s2 += b[o];
            s3 += b[o];
        }
        y[o] = s0;
        y[ys + o] = s1;
        y[2 * ys + o] = s2;
        y[3 * ys + o] = s3;
    }
}
#endif

/* y_i = W x_i (+ b) for the m rows x_i = x + i*xs, y_i = y + i*ys (W: k rows
   of n floats, ws apart): blocks of rows that share every load of w between
   them (and of x between outputs), the rest a row at a time. */
static void attn__gemm_f32(float *y, size_t ys, const float *x, size_t xs, int m,
                           const float *w, size_t ws, const float *b, int n, int k)
{
    int i = 0;
#if ATTN__MVE_F32
    for (; i + 2 <= m; i += 2)
        attn__gemv2_f32(y + (size_t)i * ys, y + (size_t)(i + 1) * ys, x + (size_t)i * xs,
                        x + (size_t)(i + 1) * xs, w, ws, b, n, k);
#elif !ATTN__SOFT_FLOAT
    for (; i + 4 <= m; i += 4)
        attn__gemv4_f32(y + (size_t)i * ys, ys, x + (size_t)i * xs, xs, w, ws, b, n, k);
#endif
    for (; i < m; i++)
        attn__gemv_f32(y + (size_t)i * ys, x + (size_t)i * xs, w, ws, b, n, k);
}

/* y[o] = b[o] + w[o] . x  for one row; y must not overlap x. */
static void attn__matvec_f32(float *y, const float *x, const float *w, const float *b,
                             int in, int out)
{
    attn__gemv_f32(y, x, w, (size_t)in, b, in, out);
}

/* ctx[c] += sum over j < n of p[j] * v_j[c] for c < d, where v_j = v + j*vs
   (attention's probabilities times the values), j in order. */
static void attn__pv_f32(float *ctx, const float *p, const float *v, size_t vs, int n, int d)
{
    int c = 0, j;
#if ATTN__MVE_F32
    /* 16 columns per pass (four vectors), the last columns 4 at a time,
       predicated */
    for (; c + 16 <= d; c += 16) {
        float32x4_t s0 = vld1q_f32(ctx + c), s1 = vld1q_f32(ctx + c + 4);
        float32x4_t s2 = vld1q_f32(ctx + c + 8), s3 = vld1q_f32(ctx + c + 12);
        for (j = 0; j < n; j++) {
            const float *vj = v + (size_t)j * vs + c;
            float pj = p[j];
            s0 = vfmaq_n_f32(s0, vld1q_f32(vj), pj);
            s1 = vfmaq_n_f32(s1, vld1q_f32(vj + 4), pj);
            s2 = vfmaq_n_f32(s2, vld1q_f32(vj + 8), pj);
            s3 = vfmaq_n_f32(s3, vld1q_f32(vj + 12), pj);
        }
        vst1q_f32(ctx + c, s0);
        vst1q_f32(ctx + c + 4, s1);
        vst1q_f32(ctx + c + 8, s2);
        vst1q_f32(ctx + c + 12, s3);
    }
    for (; c < d; c += 4) {
        mve_pred16_t pr = vctp32q((uint32_t)(d - c));
        float32x4_t s0 = vldrwq_z_f32(ctx + c, pr);
        for (j = 0; j < n; j++)
            s0 = vfmaq_m_n_f32(s0, vldrwq_z_f32(v + (size_t)j * vs + c, pr), p[j], pr);
        vstrwq_p_f32(ctx + c, s0, pr);
    }
#else
#if !ATTN__SOFT_FLOAT
    for (; c + 4 <= d; c += 4) { /* 4 columns per pass of the keys */
        float s0 = ctx[c], s1 = ctx[c + 1], s2 = ctx[c + 2], s3 = ctx[c + 3];
        for (j = 0; j < n; j++) {
            const float *vj = v + (size_t)j * vs + c;
            float pj = p[j];
            s0 = ATTN__MADD(s0, pj, vj[0]);
            s1 = ATTN__MADD(s1, pj, vj[1]);
            s2 = ATTN__MADD(s2, pj, vj[2]);
            s3 = ATTN__MADD(s3, pj, vj[3]);
        }
        ctx[c] = s0;
        ctx[c + 1] = s1;
        ctx[c + 2] = s2;
        ctx[c + 3] = s3;
    }
#endif
    for (; c < d; c++) {
        float s0 = ctx[c];
        for (j = 0; j < n; j++) s0 = ATTN__MADD(s0, p[j], v[(size_t)j * vs + c]);
        ctx[c] = s0;
    }
#endif
}

#if ATTN__MVE_F32
/* (v0 + v1) + (v2 + v3) */
static float attn__hsum_f32(float32x4_t v)
{
    float32x4_t t = vcaddq_rot270_f32(v, v); /* [v0+v1, v1-v0, v2+v3, v3-v2] */
    return vgetq_lane_f32(t, 0) + vgetq_lane_f32(t, 2);
}
#endif

/* y = (x - mean) / sqrt(var + eps) * gamma + beta over one row of n. The
   sums run in 4 lanes on Helium (the last n % 4 predicated), in order in C. */
static void attn__layernorm_row_f32(float *y, const float *x, const float *gamma,
                                    const float *beta, float eps, int n)
{
    float mean = 0.0f, var = 0.0f, rstd;
    int i;
#if ATTN__MVE_F32
    mve_pred16_t p = vctp32q((uint32_t)(n & 3));
    float32x4_t s = vdupq_n_f32(0.0f), q = s, vm, vr, t;
    for (i = 0; i + 4 <= n; i += 4) s = vaddq_f32(s, vld1q_f32(x + i));
    if (i < n) s = vaddq_f32(s, vldrwq_z_f32(x + i, p)); /* + 0 in the lanes past n */
    mean = attn__hsum_f32(s) / (float)n;
    vm = vdupq_n_f32(mean);
    for (i = 0; i + 4 <= n; i += 4) {
        t = vsubq_f32(vld1q_f32(x + i), vm);
        q = vfmaq_f32(q, t, t);
    }
    if (i < n) {
        t = vsubq_f32(vldrwq_z_f32(x + i, p), vm);
        q = vfmaq_m_f32(q, t, t, p);
    }
    var = attn__hsum_f32(q) / (float)n;
    rstd = 1.0f / ATTN_SQRTF(var + eps);
    vr = vdupq_n_f32(rstd);
    for (i = 0; i + 4 <= n; i += 4) {
        t = vmulq_f32(vsubq_f32(vld1q_f32(x + i), vm), vr);
        if (gamma) t = vmulq_f32(t, vld1q_f32(gamma + i));
        if (beta) t = vaddq_f32(t, vld1q_f32(beta + i));
        vst1q_f32(y + i, t);
    }
    if (i < n) {
        t = vmulq_f32(vsubq_f32(vldrwq_z_f32(x + i, p), vm), vr);
        if (gamma) t = vmulq_f32(t, vldrwq_z_f32(gamma + i, p));
        if (beta) t = vaddq_f32(t, vldrwq_z_f32(beta + i, p));
        vstrwq_p_f32(y + i, t, p);
    }
#else
    for (i = 0; i < n; i++) mean += x[i];
    mean /= (float)n;
    for (i = 0; i < n; i++) {
        float t = x[i] - mean;
        var = ATTN__MADD(var, t, t);
    }
    var /= (float)n;
    rstd = 1.0f / ATTN_SQRTF(var + eps);
    for (i = 0; i < n; i++) {
        float t = (x[i] - mean) * rstd;
        if (gamma) t *= gamma[i];
        if (beta) t += beta[i];
        y[i] = t;
    }
#endif
}

static float attn__gelu1_f32(float x)
{
    return x * 0.5f * (1.0f + ATTN_ERFF(x * 0.70710678118654752f));
}

static float attn__gelu_tanh1_f32(float x)
{
    const float beta = 0.79788456080286536f; /* sqrt(2/pi) */
    const float kappa = 0.044715f;
    float inner = beta * (x + kappa * x * x * x);
    return 0.5f * x * (1.0f + ATTN_TANHF(inner));
}

static void attn__activate_f32(float *y, const float *x, int n, attn_activation act)
{
    int i;
    switch (act) {
    case ATTN_ACT_RELU:
        for (i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i]; /* NaN stays NaN */
        break;
    case ATTN_ACT_GELU:
        for (i = 0; i < n; i++) y[i] = attn__gelu1_f32(x[i]);
        break;
    case ATTN_ACT_GELU_TANH:
        for (i = 0; i < n; i++) y[i] = attn__gelu_tanh1_f32(x[i]);
        break;
    }
}

/* x[c] *= f for c < n. */
static void attn__scale_f32(float *x, float f, int n)
{
    int c = 0;
#if ATTN__MVE_F32
    for (; c + 4 <= n; c += 4) vst1q_f32(x + c, vmulq_n_f32(vld1q_f32(x + c), f));
#endif
    for (; c < n; c++) x[c] *= f;
}

/* The largest of x[0..n-1], n >= 1 (a NaN does not win over a number;
   softmax then turns it into NaN outputs either way). */
static float attn__max_f32(const float *x, int n)
{
    float mx = x[0];
    int j = 1;
#if ATTN__MVE_F32
    if (n >= 4) {
        float32x4_t m = vld1q_f32(x);
        for (j = 4; j + 4 <= n; j += 4) m = vmaxnmq_f32(m, vld1q_f32(x + j));
        mx = vmaxnmvq_f32(mx, m);
    }
#endif
    for (; j < n; j++)
        if (x[j] > mx) mx = x[j];
    return mx;
}

/* Softmax of one row in place; a row of only -inf becomes zeros. */
static void attn__softmax_row_f32(float *y, const float *x, int n)
{
    float mx = attn__max_f32(x, n), sum = 0.0f;
    int i;
    if (mx == -INFINITY) {
        for (i = 0; i < n; i++) y[i] = 0.0f;
        return;
    }
    for (i = 0; i < n; i++) {
        y[i] = ATTN_EXPF(x[i] - mx);
        sum += y[i];
    }
    attn__scale_f32(y, 1.0f / sum, n);
}

/* One query row of one head. q [d_head] is already scaled by 1/sqrt(d_head);
   key j is row j of k/v (rows `stride` floats apart); keys j >= n_keys and
   padded keys are skipped. The context (softmax . V) overwrites ctx [d_head],
   which may be q itself. scores [n_keys] is scratch. */
static void attn__attend_row_f32(float *ctx, const float *q, const float *k, const float *v,
                                 size_t stride, const uint8_t *key_padding, int n_keys,
                                 int d_head, float *scores)
{
    float mx = 0.0f, sum = 0.0f, inv;
    int j, e, c, seen = 0;
    /* every key's score (a padded key's is computed and never used) */
    attn__gemv_f32(scores, q, k, stride, NULL, d_head, n_keys);
    if (key_padding) {
        for (j = 0; j < n_keys; j++) {
            if (key_padding[j]) continue;
            if (!seen || scores[j] > mx) mx = scores[j];
            seen = 1;
        }
    } else {
        mx = attn__max_f32(scores, n_keys);
        seen = 1;
    }
    for (c = 0; c < d_head; c++) ctx[c] = 0.0f;
    if (!seen) return; /* every key masked: defined result is a zero context */
    for (j = 0; j < n_keys; j++) {
        if (key_padding && key_padding[j]) continue;
        scores[j] = ATTN_EXPF(scores[j] - mx);
        sum += scores[j];
    }
    /* sum_j e_j v_j over the runs j..e-1 of visible keys, then / sum */
    for (j = 0; j < n_keys; j = e + 1) {
        e = key_padding ? j : n_keys;
        while (e < n_keys && !key_padding[e]) e++;
        if (e > j) attn__pv_f32(ctx, scores + j, v + (size_t)j * stride, stride, e - j, d_head);
    }
    inv = 1.0f / sum;
    attn__scale_f32(ctx, inv, d_head);
}

/* All heads of query row i: q [d_model] (unscaled) becomes the context. */
static void attn__attend_heads_f32(float *q, const float *k, const float *v,
                                   const uint8_t *key_padding, int i, int seq_kv,
                                   int d_model, int n_heads, int causal, float *scores)
{
    int d_head = d_model / n_heads, h;
    int n_keys = causal && i + 1 < seq_kv ? i + 1 : seq_kv;
    float scale = 1.0f / ATTN_SQRTF((float)d_head);
    attn__scale_f32(q, scale, d_model);
    for (h = 0; h < n_heads; h++) {
        size_t off = (size_t)h * (size_t)d_head;
        attn__attend_row_f32(q + off, q + off, k + off, v + off, (size_t)d_model,
                             key_padding, n_keys, d_head, scores);
    }
}

/* ---- argument checks ---------------------------------------------------- */

static attn_status attn__check_eps(float eps)
{
    /* finite and > 0; NaN fails both comparisons */
    return eps > 0.0f && eps <= 3.40282347e38f ? ATTN_OK : ATTN_ERR_RANGE;
}

static attn_status attn__check_encoder_cfg(const attn_encoder_cfg *c)
{
    if (c->d_model <= 0 || c->n_heads <= 0 || c->d_ff <= 0 || c->d_model % c->n_heads != 0)
        return ATTN_ERR_SHAPE;
    if (c->activation != ATTN_ACT_RELU && c->activation != ATTN_ACT_GELU &&
        c->activation != ATTN_ACT_GELU_TANH)
        return ATTN_ERR_RANGE;
    return attn__check_eps(c->eps);
}

static int attn__mha_weights_ok(const attn_mha_weights_f32 *w)
{
    return w->wq && w->wk && w->wv && w->wo;
}

static int attn__layer_weights_ok(const attn_encoder_layer_weights_f32 *w)
{
    return attn__mha_weights_ok(&w->attn) && w->ff1_w && w->ff2_w;
}

/* The stack's pointers (n_layers <= 0 is a shape error, reported later). */
static int attn__encoder_weights_ok(const attn_encoder_weights_f32 *w)
{
    int l;
    if (!w->layers) return 0;
    for (l = 0; l < w->n_layers; l++)
        if (!attn__layer_weights_ok(&w->layers[l])) return 0;
    return 1;
}

/* rows x cols floats: ATTN_ERR_SHAPE if a size is <= 0, ATTN_ERR_TOO_LARGE
   if their byte count does not fit size_t. */
static attn_status attn__check_matrix(int rows, int cols)
{
    if (rows <= 0 || cols <= 0) return ATTN_ERR_SHAPE;
    if ((size_t)rows > SIZE_MAX / sizeof(float) / (size_t)cols) return ATTN_ERR_TOO_LARGE;
    return ATTN_OK;
}

static attn__size attn__sdpa_size(const attn_mha_cfg *c)
{
    attn__size s = {0, 0};
    attn__size_add(&s, (size_t)c->seq_kv, 1, sizeof(float));                  /* scores */
    /* the inputs and output must be addressable too */
    {
        attn__size t = {0, 0};
        attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_model, sizeof(float));
        attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_model, 2 * sizeof(float));
        s.overflow |= t.overflow;
    }
    return s;
}

static attn__size attn__mha_size(const attn_mha_cfg *c)
{
    attn__size s = attn__sdpa_size(c);
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, sizeof(float)); /* K */
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, sizeof(float)); /* V */
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float));                 /* q/ctx */
    return s;
}

static attn__size attn__encoder_size(const attn_encoder_cfg *c, int seq)
{
    attn__size s = {0, 0};
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, sizeof(float)); /* K           */
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, sizeof(float)); /* V           */
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float));           /* normed row  */
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float));           /* q / context */
    attn__size_add(&s, (size_t)seq, 1, sizeof(float));                  /* scores      */
    attn__size_add(&s, (size_t)c->d_ff, 1, sizeof(float));              /* FF hidden   */
    return s;
}

static attn_status attn__model_cfg_check(const attn_model_cfg *c, int seq, int n_layers)
{
    attn_status st = attn__check_encoder_cfg(&c->encoder);
    if (st == ATTN_ERR_SHAPE) return st;
    if (attn__model_shape_check(c, seq, n_layers) != ATTN_OK) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__model_enums_check(c);
}

static attn__size attn__model_size(const attn_model_cfg *c, int seq)
{
    attn__size s = attn__encoder_size(&c->encoder, seq), t = {0, 0};
    attn__size_add(&s, (size_t)seq, (size_t)c->encoder.d_model, sizeof(float)); /* x */
    /* the input, embedding and classifier must be addressable too */
    attn__size_add(&t, (size_t)seq, (size_t)c->d_in, sizeof(float));
    attn__size_add(&t, (size_t)c->encoder.d_model, (size_t)c->d_in, sizeof(float));
    attn__size_add(&t, (size_t)c->n_classes, (size_t)c->encoder.d_model, sizeof(float));
    s.overflow |= t.overflow;
    return s;
}

/* ---- leaf operations ---------------------------------------------------- */

ATTN_DEF attn_status attn_linear_f32(float *y, const float *x, const float *w,
                                     const float *b, int rows, int in, int out)
{
    attn_status st;
    if (!y || !x || !w) return ATTN_ERR_NULL;
    if (rows <= 0 || in <= 0 || out <= 0) return ATTN_ERR_SHAPE;
    if ((st = attn__check_matrix(rows, in)) != ATTN_OK ||
        (st = attn__check_matrix(rows, out)) != ATTN_OK ||
        (st = attn__check_matrix(out, in)) != ATTN_OK)
        return st;
    attn__gemm_f32(y, (size_t)out, x, (size_t)in, rows, w, (size_t)in, b, in, out);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_softmax_f32(float *y, const float *x, int rows, int cols)
{
    attn_status st;
    int r;
    if (!y || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(rows, cols)) != ATTN_OK) return st;
    for (r = 0; r < rows; r++) {
        size_t off = (size_t)r * (size_t)cols;
        attn__softmax_row_f32(y + off, x + off, cols);
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_layernorm_f32(float *y, const float *x, const float *gamma,
                                        const float *beta, float eps, int rows, int cols)
{
    attn_status st;
    int r;
    if (!y || !x) return ATTN_ERR_NULL;
    if (rows <= 0 || cols <= 0) return ATTN_ERR_SHAPE;
    if (attn__check_eps(eps) != ATTN_OK) return ATTN_ERR_RANGE;
    if ((st = attn__check_matrix(rows, cols)) != ATTN_OK) return st;
    for (r = 0; r < rows; r++) {
        size_t off = (size_t)r * (size_t)cols;
        attn__layernorm_row_f32(y + off, x + off, gamma, beta, eps, cols);
    }
    return ATTN_OK;
}

static attn_status attn__activation_f32(float *y, const float *x, int n, attn_activation act)
{
    attn_status st;
    if (!y || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(1, n)) != ATTN_OK) return st;
    attn__activate_f32(y, x, n, act);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_relu_f32(float *y, const float *x, int n)
{
    return attn__activation_f32(y, x, n, ATTN_ACT_RELU);
}

ATTN_DEF attn_status attn_gelu_f32(float *y, const float *x, int n)
{
    return attn__activation_f32(y, x, n, ATTN_ACT_GELU);
}

ATTN_DEF attn_status attn_gelu_tanh_f32(float *y, const float *x, int n)
{
    return attn__activation_f32(y, x, n, ATTN_ACT_GELU_TANH);
}

ATTN_DEF attn_status attn_pos_sinusoidal_f32(float *x, int seq, int d_model)
{
    attn_status st;
    int p, i;
    if (!x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(seq, d_model)) != ATTN_OK) return st;
    for (i = 0; i < d_model; i += 2) {
        double freq = ATTN_EXP(-(double)i * (9.210340371976184 / (double)d_model)); /* ln 1e4 */
        for (p = 0; p < seq; p++) {
            float *row = x + (size_t)p * (size_t)d_model;
            double angle = (double)p * freq;
            row[i] += (float)ATTN_SIN(angle);
            if (i + 1 < d_model) row[i + 1] += (float)ATTN_COS(angle);
        }
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_pos_learned_f32(float *x, const float *table, int seq, int d_model)
{
    attn_status st;
    size_t i, n;
    if (!x || !table) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(seq, d_model)) != ATTN_OK) return st;
    n = (size_t)seq * (size_t)d_model;
    for (i = 0; i < n; i++) x[i] += table[i];
    return ATTN_OK;
}

ATTN_DEF attn_status attn_pool_f32(float *out, const float *x, const uint8_t *key_padding,
                                   attn_pooling pooling, int seq, int d_model)
{
    attn_status st;
    int p, c, count = 0;
    if (!out || !x) return ATTN_ERR_NULL;
    if (seq <= 0 || d_model <= 0) return ATTN_ERR_SHAPE;
    if (pooling != ATTN_POOL_MEAN && pooling != ATTN_POOL_FIRST) return ATTN_ERR_RANGE;
    if ((st = attn__check_matrix(seq, d_model)) != ATTN_OK) return st;
    if (pooling == ATTN_POOL_FIRST) {
        memmove(out, x, (size_t)d_model * sizeof(float));
        return ATTN_OK;
    }
    for (c = 0; c < d_model; c++) out[c] = 0.0f;
    for (p = 0; p < seq; p++) {
        const float *row = x + (size_t)p * (size_t)d_model;
        if (key_padding && key_padding[p]) continue;
        for (c = 0; c < d_model; c++) out[c] += row[c];
        count++;
    }
    if (count > 0)
        for (c = 0; c < d_model; c++) out[c] /= (float)count;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_argmax_f32(int *index, const float *x, int n)
{
    attn_status st;
    int i, best = 0;
    if (!index || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(1, n)) != ATTN_OK) return st;
    for (i = 1; i < n; i++)
        if (x[i] > x[best] || (x[best] != x[best] && x[i] == x[i])) best = i;
    *index = best;
    return ATTN_OK;
}

/* ---- attention ---------------------------------------------------------- */

ATTN_DEF attn_status attn_sdpa_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__sdpa_size(cfg), bytes);
}

ATTN_DEF attn_status attn_sdpa_f32(float *out, const float *q, const float *k, const float *v,
                                   const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                   attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, d;
    float *scores;
    int i;
    if (!out || !q || !k || !v || !cfg || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    need = attn__sdpa_size(cfg);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    scores = (float *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(float));
    d = (size_t)cfg->d_model;
    for (i = 0; i < cfg->seq_q; i++) {
        /* copy the query row first so out may equal q */
        float *o = out + (size_t)i * d;
        if (o != q + (size_t)i * d) memcpy(o, q + (size_t)i * d, d * sizeof(float));
        attn__attend_heads_f32(o, k, v, key_padding, i, cfg->seq_kv, cfg->d_model,
                               cfg->n_heads, cfg->causal, scores);
    }
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_mha_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__mha_size(cfg), bytes);
}

ATTN_DEF attn_status attn_mha_f32(float *out, const float *xq, const float *xkv,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_mha_weights_f32 *w, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, d;
    float *k, *v, *q, *scores;
    int i, dm;
    if (!out || !xq || !xkv || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if (!attn__mha_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    need = attn__mha_size(cfg);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    dm = cfg->d_model;
    d = (size_t)dm;
    k = (float *)attn__take(arena, (size_t)cfg->seq_kv * d * sizeof(float));
    v = (float *)attn__take(arena, (size_t)cfg->seq_kv * d * sizeof(float));
    q = (float *)attn__take(arena, d * sizeof(float));
    scores = (float *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(float));

    /* keys and values for every source row, before any output is written */
    attn__gemm_f32(k, d, xkv, d, cfg->seq_kv, w->wk, d, w->bk, dm, dm);
    attn__gemm_f32(v, d, xkv, d, cfg->seq_kv, w->wv, d, w->bv, dm, dm);
    /* one query row at a time: project, attend per head, project out */
    for (i = 0; i < cfg->seq_q; i++) {
        attn__matvec_f32(q, xq + (size_t)i * d, w->wq, w->bq, dm, dm);
        attn__attend_heads_f32(q, k, v, key_padding, i, cfg->seq_kv, dm, cfg->n_heads,
                               cfg->causal, scores);
        attn__matvec_f32(out + (size_t)i * d, q, w->wo, w->bo, dm, dm);
    }
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_mha_weights_packed_f32(attn_mha_weights_f32 *w, const float *in_proj_w,
                                                 const float *in_proj_b, const float *out_w,
                                                 const float *out_b, int d_model)
{
    attn_status st;
    size_t dd;
    if (!w || !in_proj_w || !out_w) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(d_model, d_model)) != ATTN_OK) return st;
    if ((size_t)d_model > SIZE_MAX / (3 * sizeof(float)) / (size_t)d_model)
        return ATTN_ERR_TOO_LARGE;
    dd = (size_t)d_model * (size_t)d_model;
    w->wq = in_proj_w;
    w->wk = in_proj_w + dd;
    w->wv = in_proj_w + 2 * dd;
    w->bq = in_proj_b;
    w->bk = in_proj_b ? in_proj_b + d_model : NULL;
    w->bv = in_proj_b ? in_proj_b + 2 * d_model : NULL;
    w->wo = out_w;
    w->bo = out_b;
    return ATTN_OK;
}

/* ---- encoder ------------------------------------------------------------ */

ATTN_DEF attn_status attn_encoder_layer_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                                    size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) != ATTN_OK) return st;
    if (seq <= 0) return ATTN_ERR_SHAPE;
    return attn__size_result(attn__encoder_size(cfg, seq), bytes);
}

ATTN_DEF attn_status attn_encoder_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                              size_t *bytes)
{
    return attn_encoder_layer_scratch_f32(cfg, seq, bytes);
}

/* The layer itself; arguments checked and scratch available. */
/* What the quantizer watches in a float layer: the range of each tensor the
   int8 layer keeps in int8 (normal runs pass NULL and watch nothing). */
typedef struct {
    float lo, hi;
} attn__range;

typedef struct {
    attn__range n1, q, k, v, ctx, a, x1, n2, pre, h, f, out;
} attn__layer_obs;

static void attn__see(attn__range *r, const float *x, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        if (x[i] < r->lo) r->lo = x[i];
        if (x[i] > r->hi) r->hi = x[i];
    }
}

#define ATTN__SEE(obs, field, x, n)                                                       \
    do {                                                                                  \
        if (obs) attn__see(&(obs)->field, (x), (n));                                      \
    } while (0)

/* The activation of n hidden rows of width ff in place (h [n][ff]), watched
   before (pre) and after (h). */
ATTN__NOINLINE void attn__activate_rows_f32(float *h, int n, int ff, attn_activation act,
                                            attn__layer_obs *obs)
{
    int j;
    for (j = 0; j < n; j++) {
        float *r = h + (size_t)j * (size_t)ff;
        ATTN__SEE(obs, pre, r, ff);
        attn__activate_f32(r, r, ff, act);
        ATTN__SEE(obs, h, r, ff);
    }
}

/* x[c] += t[c]: a residual connection. */
static void attn__add_row_f32(float *x, const float *t, int n)
{
    int c = 0;
#if ATTN__MVE_F32
    for (; c + 4 <= n; c += 4) vst1q_f32(x + c, vaddq_f32(vld1q_f32(x + c), vld1q_f32(t + c)));
#endif
    for (; c < n; c++) x[c] += t[c];
}

static void attn__encoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                    const attn_encoder_cfg *cfg,
                                    const attn_encoder_layer_weights_f32 *w, attn_arena *arena,
                                            attn__layer_obs *obs)
{
    const attn_mha_weights_f32 *a = &w->attn;
    int dm = cfg->d_model, i, j, n, t;
    size_t d = (size_t)dm, ff = (size_t)cfg->d_ff, mark = arena->used;
    float *k = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));   /* [seq][d] */
    float *v = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));   /* [seq][d] */
    float *nrm = (float *)attn__take(arena, d * sizeof(float));               /* [d]      */
    float *q = (float *)attn__take(arena, d * sizeof(float));                 /* [d]      */
    float *scores = (float *)attn__take(arena, (size_t)seq * sizeof(float));  /* [seq]    */
    float *hid = (float *)attn__take(arena, (size_t)cfg->d_ff * sizeof(float)); /* [d_ff] */

    /* keys and values from the whole input (pre-norm: from LN1(x), a row at
       a time; post-norm: all rows in one call, in blocks of rows) */
    if (cfg->norm_first) {
        for (i = 0; i < seq; i++) {
            attn__layernorm_row_f32(nrm, x + (size_t)i * d, w->norm1_w, w->norm1_b, cfg->eps,
                                    dm);
            ATTN__SEE(obs, n1, nrm, dm);
            attn__matvec_f32(k + (size_t)i * d, nrm, a->wk, a->bk, dm, dm);
            attn__matvec_f32(v + (size_t)i * d, nrm, a->wv, a->bv, dm, dm);
        }
    } else {
        attn__gemm_f32(k, d, x, d, seq, a->wk, d, a->bk, dm, dm);
        attn__gemm_f32(v, d, x, d, seq, a->wv, d, a->bv, dm, dm);
    }
    for (i = 0; obs && i < seq; i++) {
        ATTN__SEE(obs, k, k + (size_t)i * d, dm);
        ATTN__SEE(obs, v, v + (size_t)i * d, dm);
    }

    /* the self-attention block, a token at a time: K and V hold all it
       needs of the other tokens, so row i is updated in place */
    for (i = 0; i < seq; i++) {
        float *row = x + (size_t)i * d;
        const float *src = row;
        if (cfg->norm_first) {
            attn__layernorm_row_f32(nrm, row, w->norm1_w, w->norm1_b, cfg->eps, dm);
            src = nrm;
        }
        attn__matvec_f32(q, src, a->wq, a->bq, dm, dm);
        ATTN__SEE(obs, q, q, dm);
        attn__attend_heads_f32(q, k, v, key_padding, i, seq, dm, cfg->n_heads, cfg->causal,
                               scores);
        ATTN__SEE(obs, ctx, q, dm);
        attn__matvec_f32(nrm, q, a->wo, a->bo, dm, dm); /* nrm is free again */
        ATTN__SEE(obs, a, nrm, dm);
        attn__add_row_f32(row, nrm, dm); /* residual */
        if (!cfg->norm_first)
            attn__layernorm_row_f32(row, row, w->norm1_w, w->norm1_b, cfg->eps, dm);
        ATTN__SEE(obs, x1, row, dm);
    }

    /* the feed-forward block, t tokens at a time. K and V are free now: the
       hidden rows go where K was (t*d_ff <= seq*d), the inputs of linear2
       (pre-norm) and its outputs where V was; t = 1 uses hid and nrm. */
    t = (size_t)seq * d / ff >= (size_t)seq ? seq : (int)((size_t)seq * d / ff);
    if (t >= 2) {
        hid = k;
        nrm = v;
    } else {
        t = 1;
    }
    for (i = 0; i < seq; i += n) {
        float *rows = x + (size_t)i * d;
        const float *src = rows;
        n = seq - i < t ? seq - i : t;
        if (cfg->norm_first) {
            for (j = 0; j < n; j++) {
                attn__layernorm_row_f32(nrm + (size_t)j * d, rows + (size_t)j * d, w->norm2_w,
                                        w->norm2_b, cfg->eps, dm);
                ATTN__SEE(obs, n2, nrm + (size_t)j * d, dm);
            }
            src = nrm;
        }
        attn__gemm_f32(hid, ff, src, d, n, w->ff1_w, d, w->ff1_b, dm, cfg->d_ff);
        attn__activate_rows_f32(hid, n, cfg->d_ff, cfg->activation, obs);
        attn__gemm_f32(nrm, d, hid, ff, n, w->ff2_w, ff, w->ff2_b, cfg->d_ff, dm);
        for (j = 0; j < n; j++) {
            float *row = rows + (size_t)j * d;
            ATTN__SEE(obs, f, nrm + (size_t)j * d, dm);
            attn__add_row_f32(row, nrm + (size_t)j * d, dm); /* residual */
            if (!cfg->norm_first)
                attn__layernorm_row_f32(row, row, w->norm2_w, w->norm2_b, cfg->eps, dm);
            ATTN__SEE(obs, out, row, dm);
        }
    }
    arena->used = mark;
}

static attn_status attn__encoder_check(const float *x, int seq, int n_layers,
                                       const attn_encoder_cfg *cfg, const void *w,
                                       const attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!x || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return st;
    if (seq <= 0 || n_layers <= 0) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    need = attn__encoder_size(cfg, seq);
    return attn__check_scratch(&need, arena);
}

ATTN_DEF attn_status attn_encoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                            const attn_encoder_cfg *cfg,
                                            const attn_encoder_layer_weights_f32 *w,
                                            attn_arena *arena)
{
    attn_status st;
    if (w && !attn__layer_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check(x, seq, 1, cfg, w, arena)) != ATTN_OK) return st;
    attn__encoder_layer_f32(x, seq, key_padding, cfg, w, arena, NULL);
    return ATTN_OK;
}

/* The stack; arguments checked and scratch available. */
/* obs: NULL, or one observer per layer and one more for the final norm. */
static void attn__encoder_f32(float *x, int seq, const uint8_t *key_padding,
                              const attn_encoder_cfg *cfg, const attn_encoder_weights_f32 *w,
                              attn_arena *arena, attn__layer_obs *obs)
{
    int l;
    for (l = 0; l < w->n_layers; l++)
        attn__encoder_layer_f32(x, seq, key_padding, cfg, &w->layers[l], arena,
                                obs ? &obs[l] : NULL);
    if (w->final_norm) {
        attn__layer_obs *fo = obs ? &obs[w->n_layers] : NULL;
        for (l = 0; l < seq; l++) {
            float *row = x + (size_t)l * (size_t)cfg->d_model;
            attn__layernorm_row_f32(row, row, w->norm_w, w->norm_b, cfg->eps, cfg->d_model);
            ATTN__SEE(fo, out, row, cfg->d_model);
        }
    }
}

ATTN_DEF attn_status attn_encoder_f32(float *x, int seq, const uint8_t *key_padding,
                                      const attn_encoder_cfg *cfg,
                                      const attn_encoder_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    /* every layer is checked before the first one runs: no half-done stack */
    if (w && !attn__encoder_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check(x, seq, w ? w->n_layers : 1, cfg, w, arena)) != ATTN_OK)
        return st;
    attn__encoder_f32(x, seq, key_padding, cfg, w, arena, NULL);
    return ATTN_OK;
}

/* ---- whole model -------------------------------------------------------- */

ATTN_DEF attn_status attn_model_scratch_f32(const attn_model_cfg *cfg, int seq, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__model_cfg_check(cfg, seq, 1)) != ATTN_OK) return st;
    return attn__size_result(attn__model_size(cfg, seq), bytes);
}

/* What the quantizer watches in a float model (see attn__layer_obs). */
typedef struct {
    attn__range e, x0, logits;  /* embedding, + positions, classifier   */
    attn__layer_obs *layers;    /* [n_layers + 1]: the stack's          */
} attn__model_obs;

/* The model; arguments checked and scratch available. */
static void attn__model_f32(float *logits, const float *input, int seq,
                            const uint8_t *key_padding, const attn_model_cfg *cfg,
                            const attn_model_weights_f32 *w, attn_arena *arena,
                            attn__model_obs *obs)
{
    int dm = cfg->encoder.d_model;
    size_t mark = arena->used, n = (size_t)seq * (size_t)dm;
    float *x = (float *)attn__take(arena, n * sizeof(float)), *pooled;

    /* token embedding */
    if (cfg->d_in > 0)
        attn_linear_f32(x, input, w->embed_w, w->embed_b, seq, cfg->d_in, dm);
    else
        memcpy(x, input, n * sizeof(float));
    ATTN__SEE(obs, e, x, (int)n);
    /* positions */
    if (cfg->position == ATTN_POS_SINUSOIDAL) attn_pos_sinusoidal_f32(x, seq, dm);
    if (cfg->position == ATTN_POS_LEARNED) attn_pos_learned_f32(x, w->pos, seq, dm);
    ATTN__SEE(obs, x0, x, (int)n);
    /* encoder stack */
    attn__encoder_f32(x, seq, key_padding, &cfg->encoder, &w->encoder, arena,
                      obs ? obs->layers : NULL);
    /* pooling (its vector reuses the encoder's released scratch) and head */
    pooled = (float *)attn__take(arena, (size_t)dm * sizeof(float));
    attn_pool_f32(pooled, x, key_padding, cfg->pooling, seq, dm);
    attn__matvec_f32(logits, pooled, w->cls_w, w->cls_b, dm, cfg->n_classes);
    ATTN__SEE(obs, logits, logits, cfg->n_classes);
    arena->used = mark;
}

ATTN_DEF attn_status attn_model_f32(float *logits, const float *input, int seq,
                                    const uint8_t *key_padding, const attn_model_cfg *cfg,
                                    const attn_model_weights_f32 *w, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    if (!logits || !input || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if (!w->cls_w || (cfg->d_in > 0 && !w->embed_w) ||
        (cfg->position == ATTN_POS_LEARNED && !w->pos) || !attn__encoder_weights_ok(&w->encoder))
        return ATTN_ERR_NULL;
    if ((st = attn__model_cfg_check(cfg, seq, w->encoder.n_layers)) != ATTN_OK) return st;
    need = attn__model_size(cfg, seq);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__model_f32(logits, input, seq, key_padding, cfg, w, arena, NULL);
    return ATTN_OK;
}

#endif /* ATTN_NO_FLOAT */

#ifndef ATTN_NO_INT8

/* Right shifts of negative numbers must be arithmetic (they are on GCC,
   clang, armcc, IAR, MSVC); the int8 arithmetic is defined with them. */
typedef char attn__arithmetic_shift_check[(-8 >> 1) == -4 ? 1 : -1];

#define ATTN__S8_MAX_IN 32768 /* linear in_features: the int32 sum cannot overflow */
#define ATTN__S8_MAX_D 2048   /* layer norm width: see INT8 ARITHMETIC              */

/* ---- integer building blocks --------------------------------------------- */

static int32_t attn__sat32(int64_t v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

static int32_t attn__clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* x / 2^n rounded, ties away from zero; n in 0..31. */
static int32_t attn__rshift(int32_t x, int n)
{
    uint32_t mask = (uint32_t)(((uint64_t)1 << n) - 1);
    uint32_t rem = (uint32_t)x & mask;
    uint32_t threshold = (mask >> 1) + (x < 0 ? 1u : 0u);
    return (int32_t)((x >> n) + (rem > threshold ? 1 : 0));
}

/* round(a * b / 2^31), an exact half rounded up: the rounding doubling high
   multiply, (a*b + 2^30) >> 31, one SMLAL-class multiply-add (VQRDMULH on
   Helium). b is a checked multiplier (> INT32_MIN, see attn__qmul_ok), so
   the result always fits and there is nothing to saturate. */
ATTN__INLINE int32_t attn__srdhm(int32_t a, int32_t b)
{
#if defined(__ARM_ARCH_6M__)
    /* ARMv6-M (M0/M0+) has no 32x32->64 multiply (GCC would call a 64x64
       routine): the same 64-bit sum from four 16-bit products, carries by
       hand. hi:lo = a*b + 2^30 exactly; the result is bits 31..62. */
    uint32_t al = (uint32_t)a & 0xFFFFu, bl = (uint32_t)b & 0xFFFFu, lo = al * bl, t;
    int32_t ah = a >> 16, bh = b >> 16, p1 = ah * (int32_t)bl, p2 = (int32_t)al * bh;
    int32_t hi = ah * bh + (p1 >> 16) + (p2 >> 16);
    t = lo + ((uint32_t)p1 << 16);
    hi += t < lo;
    lo = t;
    t = lo + ((uint32_t)p2 << 16);
    hi += t < lo;
    lo = t;
    t = lo + (1u << 30);
    hi += t < lo;
    return (int32_t)(((uint32_t)hi << 1) | (t >> 31));
#else
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 30)) >> 31);
#endif
}

/* rshift(x, n) for n in 1..31 and x > INT32_MIN (what attn__srdhm returns):
   x / 2^n rounded, ties away from zero, as (x - 1 for negative x) rounded
   half up. t = that >> (n - 1) holds the result and the rounding bit; no add
   before the shift, so nothing can overflow. */
ATTN__INLINE int32_t attn__rshift_rq(int32_t x, int n)
{
    int32_t t = (x + (x >> 31)) >> (n - 1);
    return (t >> 1) + (t & 1);
}

/* x * 2^s saturated to int32, s in 1..30, in 32-bit arithmetic. */
ATTN__INLINE int32_t attn__shl_sat(int32_t x, int s)
{
    int32_t y = (int32_t)((uint32_t)x << s);
    return (y >> s) == x ? y : x < 0 ? INT32_MIN : INT32_MAX;
}

/* requant(x, m) for a checked m (attn__qmul_ok). */
ATTN__INLINE int32_t attn__requant(int32_t x, attn_qmul m)
{
    if (m.shift > 0) x = attn__shl_sat(x, m.shift);
    x = attn__srdhm(x, m.multiplier);
    return m.shift < 0 ? attn__rshift_rq(x, -m.shift) : x;
}

/* |multiplier| < 2^31 (so INT32_MIN is refused) and shift in -31..30. */
static int attn__qmul_ok(attn_qmul m)
{
    return m.multiplier != INT32_MIN && m.shift >= -31 && m.shift <= 30;
}

static int attn__zp_ok(int32_t zp)
{
    return zp >= -128 && zp <= 127;
}

static int8_t attn__to_s8(int32_t zp, int32_t v)
{
    return (int8_t)attn__clamp(attn__sat32((int64_t)zp + v), -128, 127);
}

ATTN_DEF attn_status attn_requantize(int32_t *y, int32_t x, attn_qmul m)
{
    if (!y) return ATTN_ERR_NULL;
    *y = 0;
    if (!attn__qmul_ok(m)) return ATTN_ERR_RANGE;
    *y = attn__requant(x, m);
    return ATTN_OK;
}

/* 2^t for t <= 0 in Q16, as Q30 (see INT8 ARITHMETIC). */
static int32_t attn__exp2_q16(int32_t t)
{
    static const int32_t T[129] = {
    1073741824, 1067942999, 1062175491, 1056439131, 1050733751, 1045059183, 1039415261,
    1033801819, 1028218693, 1022665720, 1017142735, 1011649578, 1006186087, 1000752102,
    995347464, 989972014, 984625594, 979308048, 974019220, 968758955, 963527098, 958323496,
    953147997, 948000448, 942880699, 937788600, 932724001, 927686753, 922676710, 917693724,
    912737649, 907808339, 902905651, 898029440, 893179563, 888355878, 883558244, 878786521,
    874040567, 869320244, 864625413, 859955938, 855311680, 850692504, 846098274, 841528855,
    836984114, 832463917, 827968132, 823496627, 819049271, 814625932, 810226483, 805850792,
    801498734, 797170178, 792865000, 788583072, 784324269, 780088465, 775875538, 771685363,
    767517817, 763372778, 759250125, 755149737, 751071493, 747015274, 742980960, 738968435,
    734977579, 731008277, 727060411, 723133865, 719228525, 715344277, 711481005, 707638598,
    703816941, 700015924, 696235434, 692475362, 688735596, 685016026, 681316545, 677637043,
    673977412, 670337545, 666717336, 663116678, 659535466, 655973594, 652430958, 648907455,
    645402981, 641917433, 638450708, 635002706, 631573326, 628162466, 624770026, 621395908,
    618040012, 614702239, 611382493, 608080675, 604796689, 601530438, 598281827, 595050760,
    591837143, 588640881, 585461881, 582300049, 579155293, 576027521, 572916640, 569822560,
    566745190, 563684439, 560640218, 557612438, 554601009, 551605844, 548626854, 545663953,
    542717053, 539786068, 536870912
    };
    uint32_t u = (uint32_t)(-(int64_t)t), n = u >> 16, f = u & 0xFFFFu, i = f >> 9, r = f & 511u;
    int32_t v;
    if (n > 30) return 0;
    v = T[i] - (int32_t)(((int64_t)(T[i] - T[i + 1]) * r + 256) >> 9); /* >= 0: rshift */
    return attn__rshift(v, (int)n);
}

/* The pieces of the int8 softmax (INT8 ARITHMETIC): e = 2^(mul * diff) in
   Q30 for diff = z - mx <= 0 (saturated by the caller where it could
   overflow), the reciprocal of the row's sum, a probability in Q15. */
static uint32_t attn__softmax_e(int32_t diff, attn_qmul mul)
{
    return (uint32_t)attn__exp2_q16(attn__requant(diff, mul));
}

static uint64_t attn__softmax_recip(uint64_t sum) /* sum >= 2^30: the max gives 2^30 */
{
    return ((uint64_t)1 << 61) / sum;
}

static int32_t attn__softmax_q15(uint32_t e, uint64_t recip)
{
    return (int32_t)(((uint64_t)e * recip + ((uint64_t)1 << 45)) >> 46);
}

/* Softmax of the visible entries of z (Q15 probabilities into z itself);
   z[j] for hidden j is left alone. Returns 0 if nothing is visible. */
static int attn__softmax_row_q15(int32_t *z, const uint8_t *hidden, int n, attn_qmul mul)
{
    int32_t mx = 0;
    uint64_t sum = 0, recip;
    int j, seen = 0;
    for (j = 0; j < n; j++)
        if (!(hidden && hidden[j]) && (!seen || z[j] > mx)) {
            mx = z[j];
            seen = 1;
        }
    if (!seen) return 0;
    for (j = 0; j < n; j++) {
        if (hidden && hidden[j]) continue;
        z[j] = (int32_t)attn__softmax_e(attn__sat32((int64_t)z[j] - mx), mul);
        sum += (uint32_t)z[j];
    }
    recip = attn__softmax_recip(sum);
    for (j = 0; j < n; j++)
        if (!(hidden && hidden[j])) z[j] = attn__softmax_q15((uint32_t)z[j], recip);
    return 1;
}

static uint32_t attn__isqrt64(uint64_t n)
{
    uint64_t root = 0, bit = (uint64_t)1 << 62;
    while (bit > n) bit >>= 2;
    while (bit) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return (uint32_t)root;
}

/* Layer norm of one row (x8 int8 or x32 int32, the other NULL). */
static void attn__layernorm_row_s8(int8_t *y, const int8_t *x8, const int32_t *x32, int d,
                                   const attn_layernorm_s8_params *p)
{
    int64_t s1 = 0, s2 = 0, dd;
    uint64_t D, N, q;
    attn_qmul rstd;
    int c, b = 0, k;
    for (c = 0; c < d; c++) {
        int32_t v = x8 ? x8[c] : x32[c];
        s1 += v;
        s2 += (int64_t)v * v;
    }
    /* D = d*S2 - S1^2 + eps, at least 1, below 2^62 */
    dd = (int64_t)d * s2 - s1 * s1;
    D = (uint64_t)(dd > 0 ? dd : 0);
    D = p->eps >= (int64_t)(((uint64_t)1 << 62) - 1 - D) ? ((uint64_t)1 << 62) - 1
                                                           : D + (uint64_t)p->eps;
    if (D == 0) D = 1;
    /* 1/sqrt(D) = m * 2^(k-30) / 2^31 with D*4^k in [2^60, 2^62) */
    while (b < 61 && (D >> (b + 1)) != 0) b++;
    k = (61 - b) / 2;
    N = D << (2 * k);
    q = ((uint64_t)1 << 62) / attn__isqrt64(N);
    rstd.multiplier = (int32_t)((q + 1) >> 1 > 0x7FFFFFFF ? 0x7FFFFFFF : (q + 1) >> 1);
    rstd.shift = k - 14; /* z in Q16 */
    for (c = 0; c < d; c++) {
        int32_t v = x8 ? x8[c] : x32[c];
        int32_t z = attn__requant(attn__sat32((int64_t)d * v - s1), rstd);
        int32_t g = attn__requant(z, p->gamma[c]);
        int32_t t = attn__sat32((int64_t)g + (p->beta ? p->beta[c] : 0));
        y[c] = attn__to_s8(p->out_zp, attn__rshift(t, 16));
    }
}

#if ATTN__DSP && !ATTN__MVE
/* SXTB16 of x rotated right by 8: bytes 1 and 3 sign-extended to halves. */
static uint32_t attn__sxtb16_ror8(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return __sxtb16(__ror(x, 8));
#endif
}

/* SXTAB16 of x rotated right by 8: a's halves plus bytes 1 and 3 of x. */
static uint32_t attn__sxtab16_ror8(uint32_t a, uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
#else
    return __sxtab16(a, __ror(x, 8));
#endif
}
#endif

/* sum (x[i] + off) * w[i] over n int8 pairs (|sum| < 2^31 for n <= 32768). */
static int32_t attn__dot_s8(const int8_t *x, const int8_t *w, int n, int32_t off)
{
    int32_t acc = 0;
    int i = 0;
#if ATTN__MVE
    {
        /* sum x*w + off * sum w, 16 lanes at a time, the tail predicated:
           the same integer (|each sum| < 2^29, no overflow) */
        int32_t xw = 0, sw = 0;
        for (; i < n; i += 16) {
            mve_pred16_t pr = vctp8q((uint32_t)(n - i));
            int8x16_t xv = vldrbq_z_s8(x + i, pr), wv = vldrbq_z_s8(w + i, pr);
            xw = vmladavaq_p_s8(xw, xv, wv, pr);
            sw = vaddvaq_p_s8(sw, wv, pr);
        }
        return xw + off * sw;
    }
#elif ATTN__DSP
    {
        /* four at a time: SXTAB16 sign-extends bytes 0,2 and (rotated) 1,3
           into 16-bit lanes and adds the offset (|x + off| <= 255), SMLAD
           multiplies and adds both lanes. Same integers as the C loop. */
        const uint32_t off2 = ((uint32_t)(uint16_t)off << 16) | (uint16_t)off;
        for (; i + 4 <= n; i += 4) {
            uint32_t xv, wv;
            memcpy(&xv, x + i, 4); /* unaligned 32-bit loads are fine on v7-M/v8-M */
            memcpy(&wv, w + i, 4);
            acc = __smlad(__sxtab16(off2, xv), __sxtb16(wv), acc);
            acc = __smlad(attn__sxtab16_ror8(off2, xv), attn__sxtb16_ror8(wv), acc);
        }
    }
#endif
    for (; i < n; i++) acc += (x[i] + off) * w[i];
    return acc;
}

/* A linear layer's constants for one call, read once: the bias the sums
   start from (the fused one when the parameters carry it, and then no
   input offset), the offset added to each x, the output clamp. */
typedef struct {
    const int8_t *w;
    const int32_t *bias;
    const attn_qmul *rq;
    int32_t off, zp, lo, hi;
    int top; /* hi == 127 */
} attn__lin;

static void attn__lin_init(attn__lin *L, const attn_linear_s8_params *p)
{
    L->w = p->w;
    L->rq = p->requant;
    L->bias = p->fused_bias ? p->fused_bias : p->bias;
    L->off = p->fused_bias ? 0 : -p->in_zp;
    L->zp = p->out_zp;
    L->lo = p->act_min;
    L->hi = p->act_max;
    L->top = p->act_max == 127;
}

ATTN__INLINE int32_t attn__qadd(int32_t a, int32_t b)
{
#if ATTN__DSP
    return __qadd(a, b);
#else
    /* in 32 bits: the sum wraps exactly when a and b share a sign that s
       does not have */
    int32_t s = (int32_t)((uint32_t)a + (uint32_t)b);
    return ((a ^ s) & (b ^ s)) < 0 ? (a < 0 ? INT32_MIN : INT32_MAX) : s;
#endif
}

/* One output: bias (saturating), requantization, zero point, clamp. The
   requantized value is clamped to [-256, 255] first: with |zp| <= 128
   that is the same as adding zp in int32 and clamping, without a 64-bit
   add (SSAT on the DSP cores). With act_max = 127 (decided once per call)
   a saturating add and SSAT to 8 bits, then the lower bound. */
ATTN__INLINE int8_t attn__lin_out(int32_t acc, const int32_t *bias, const attn_qmul *m,
                                  int32_t zp, int32_t lo, int32_t hi, int top)
{
    int32_t v = attn__requant(bias ? attn__qadd(acc, *bias) : acc, *m);
#if ATTN__DSP
    if (top) { /* hi == 127: saturate to int8, then the lower bound */
        v = __ssat(attn__qadd(v, zp), 8);
        return (int8_t)(v < lo ? lo : v);
    }
    v = __ssat(v, 9) + zp;
#else
    (void)top;
    v = attn__clamp(v, -256, 255) + zp;
#endif
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

#if ATTN__MVE
/* requant of four lanes (per-lane multiplier and shift): the saturating
   left shift, VQRDMULH (= attn__srdhm), then the rounding right shift with
   ties away from zero: VRSHL rounds half up, so a negative value is first
   made one smaller (as attn__rshift_rq). Bit-identical to attn__requant. */
ATTN__INLINE int32x4_t attn__requant_mve(int32x4_t a, int32x4_t mul, int32x4_t shift)
{
    int32x4_t zero = vdupq_n_s32(0), right = vminq_s32(shift, zero);
    a = vqrdmulhq_s32(vqshlq_s32(a, vmaxq_s32(shift, zero)), mul);
    a = vaddq_s32(a, vshrq_n_s32(vandq_s32(a, right), 31));
    return vrshlq_s32(a, right);
}

/* Four outputs y[0..3] from their int32 sums, as attn__lin_out each
   (VQADD of the zero point saturates exactly where the scalar clamp
   does). m: their {multiplier, shift} pairs, bias: theirs or NULL. */
ATTN__INLINE void attn__lin_out4_mve(int8_t *y, int32x4_t acc, const attn_qmul *m,
                                     const int32_t *bias, int32x4_t zp, int32x4_t lo, int32x4_t hi)
{
    int32x4x2_t mv = vld2q_s32(&m->multiplier); /* deinterleaved: multipliers, shifts */
    int32x4_t v;
    if (bias) acc = vqaddq_s32(acc, vldrwq_s32(bias));
    v = vqaddq_s32(attn__requant_mve(acc, mv.val[0], mv.val[1]), zp);
    vstrbq_s32(y, vmaxq_s32(vminq_s32(v, hi), lo));
}
#endif

#if ATTN__DSP && !ATTN__MVE && defined(__GNUC__) && !defined(__clang__)
#define ATTN__DOT4_ASM 1
/* The DSP inner loops, written out so that GCC and clang both keep every
   value in a register (thirteen of them; the end pointer is read from
   memory once per pass). GCC only: clang 14 keeps r7 as its frame pointer
   and its allocator gives up on thirteen operands, so clang builds use the
   same loops written with ACLE intrinsics below.
   x has no offset (a fused bias, or in_zp 0). SXTB16 sign-extends bytes
   0,2 (and, rotated, 1,3) of a word into 16-bit lanes; SMLAD multiplies
   both lanes and adds. count is a positive multiple of 8, stride the
   length of a weight row (and of an x row).

   attn__dot1x4_asm: one x row, four weight rows (acc[k] for w + k*stride):
   per x word 1 load + 2 SXTB16, then per weight row 1 load, 2 SXTB16,
   2 SMLAD: 23 instructions per 16 MACs.
   attn__dot2x2_asm: two x rows (x, x + stride) and two weight rows (w,
   w + stride), acc[2*r + k]: per word 4 loads, 8 extends, 8 SMLAD: 20
   instructions per 16 MACs, every unpacked word used twice; four words
   per pass, so count is a multiple of 16 there. */
#define ATTN__ASM_W1x4(W, S)                                                    \
    "ldr %[t], [%[" W "]], #4\n\t"                                              \
    "sxtb16 %[u], %[t]\n\t"                                                     \
    "sxtb16 %[t], %[t], ror #8\n\t"                                             \
    "smlad %[" S "], %[a], %[u], %[" S "]\n\t"                                  \
    "smlad %[" S "], %[b], %[t], %[" S "]\n\t"
#define ATTN__ASM_WORD1x4                                                       \
    "ldr %[b], [%[x]], #4\n\t"                                                  \
    "sxtb16 %[a], %[b]\n\t"                                                     \
    "sxtb16 %[b], %[b], ror #8\n\t"                                             \
    ATTN__ASM_W1x4("w0", "s0") ATTN__ASM_W1x4("w1", "s1")                       \
    ATTN__ASM_W1x4("w2", "s2") ATTN__ASM_W1x4("w3", "s3")
static void attn__dot1x4_asm(int32_t *acc, const int8_t *x, const int8_t *w, int stride, int count)
{
    const int8_t *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride, *end = x + count;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    uint32_t a, b, t, u;
    __asm__("1:\n\t" ATTN__ASM_WORD1x4 ATTN__ASM_WORD1x4
            "ldr %[t], %[end]\n\t"
            "cmp %[x], %[t]\n\t"
            "bne 1b\n\t"
            : [x] "+r"(x), [w0] "+r"(w), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3),
              [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [a] "=&r"(a),
              [b] "=&r"(b), [t] "=&r"(t), [u] "=&r"(u)
            : [end] "m"(end)
            : "cc", "memory");
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
}

#define ATTN__DOT2X2_ASM 1
#define ATTN__ASM_W2x2(LD, S0, S1)                                              \
    LD                                                                          \
    "sxtb16 %[u], %[t]\n\t"                                                     \
    "sxtb16 %[t], %[t], ror #8\n\t"                                             \
    "smlad %[" S0 "], %[a0], %[u], %[" S0 "]\n\t"                               \
    "smlad %[" S0 "], %[b0], %[t], %[" S0 "]\n\t"                               \
    "smlad %[" S1 "], %[a1], %[u], %[" S1 "]\n\t"                               \
    "smlad %[" S1 "], %[b1], %[t], %[" S1 "]\n\t"
#define ATTN__ASM_WORD2x2                                                       \
    "ldr %[b1], [%[x], %[n]]\n\t"                                               \
    "ldr %[b0], [%[x]], #4\n\t"                                                 \
    "sxtb16 %[a1], %[b1]\n\t"                                                   \
    "sxtb16 %[b1], %[b1], ror #8\n\t"                                           \
    "sxtb16 %[a0], %[b0]\n\t"                                                   \
    "sxtb16 %[b0], %[b0], ror #8\n\t"                                           \
    ATTN__ASM_W2x2("ldr %[t], [%[w], %[n]]\n\t", "s01", "s11")                  \
    ATTN__ASM_W2x2("ldr %[t], [%[w]], #4\n\t", "s00", "s10")
static void attn__dot2x2_asm(int32_t *acc, const int8_t *x, const int8_t *w, int stride, int count)
{
    const int8_t *end = x + count;
    int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0;
    uint32_t a0, b0, a1, b1, t, u;
    __asm__("1:\n\t" ATTN__ASM_WORD2x2 ATTN__ASM_WORD2x2 ATTN__ASM_WORD2x2 ATTN__ASM_WORD2x2
            "ldr %[t], %[end]\n\t"
            "cmp %[x], %[t]\n\t"
            "bne 1b\n\t"
            : [x] "+r"(x), [w] "+r"(w), [s00] "+r"(s00), [s01] "+r"(s01), [s10] "+r"(s10),
              [s11] "+r"(s11), [a0] "=&r"(a0), [b0] "=&r"(b0), [a1] "=&r"(a1), [b1] "=&r"(b1),
              [t] "=&r"(t), [u] "=&r"(u)
            : [end] "m"(end), [n] "r"(stride)
            : "cc", "memory");
    acc[0] = s00;
    acc[1] = s01;
    acc[2] = s10;
    acc[3] = s11;
}
#else
#define ATTN__DOT4_ASM 0
#endif
#ifndef ATTN__DOT2X2_ASM
#define ATTN__DOT2X2_ASM 0
#endif

#if ATTN__MVE
/* Four weight rows (w, w + n, w + 2n, w + 3n) against x, as one vector of
   sums: 16 lanes per step, unpredicated, one predicated tail. Small
   functions of their own, so that both compilers keep the loops in
   registers. With an offset, sum (x + off) w = sum x w + off sum w (each
   |sum| < 2^29). */
ATTN__INLINE int32x4_t attn__dot4_mve(const int8_t *x, const int8_t *w, int n)
{
    const int8_t *w1 = w + n, *w2 = w1 + n, *w3 = w2 + n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int32x4_t a;
    int k = n >> 4;
    while (k-- > 0) {
        int8x16_t xv = vldrbq_s8(x);
        s0 = vmladavaq_s8(s0, xv, vldrbq_s8(w));
        s1 = vmladavaq_s8(s1, xv, vldrbq_s8(w1));
        s2 = vmladavaq_s8(s2, xv, vldrbq_s8(w2));
        s3 = vmladavaq_s8(s3, xv, vldrbq_s8(w3));
        x += 16;
        w += 16;
        w1 += 16;
        w2 += 16;
        w3 += 16;
    }
    if (n & 15) {
        mve_pred16_t pr = vctp8q((uint32_t)(n & 15));
        int8x16_t xv = vldrbq_z_s8(x, pr); /* zeroed lanes add nothing */
        s0 = vmladavaq_s8(s0, xv, vldrbq_z_s8(w, pr));
        s1 = vmladavaq_s8(s1, xv, vldrbq_z_s8(w1, pr));
        s2 = vmladavaq_s8(s2, xv, vldrbq_z_s8(w2, pr));
        s3 = vmladavaq_s8(s3, xv, vldrbq_z_s8(w3, pr));
    }
    a = vdupq_n_s32(s0);
    a = vsetq_lane_s32(s1, a, 1);
    a = vsetq_lane_s32(s2, a, 2);
    return vsetq_lane_s32(s3, a, 3);
}

/* The same as a call of its own: the one-row loop stays simple. */
ATTN__NOINLINE int32x4_t attn__dot4_call_mve(const int8_t *x, const int8_t *w, int n)
{
    return attn__dot4_mve(x, w, n);
}

/* The weights' four row sums, for an offset without a fused bias. */
ATTN__NOINLINE int32x4_t attn__wsum4_mve(const int8_t *w, int n)
{
    const int8_t *w1 = w + n, *w2 = w1 + n, *w3 = w2 + n;
    int32_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    int32x4_t a;
    int i;
    for (i = 0; i < n; i += 16) {
        mve_pred16_t pr = vctp8q((uint32_t)(n - i));
        t0 = vaddvaq_p_s8(t0, vldrbq_z_s8(w + i, pr), pr);
        t1 = vaddvaq_p_s8(t1, vldrbq_z_s8(w1 + i, pr), pr);
        t2 = vaddvaq_p_s8(t2, vldrbq_z_s8(w2 + i, pr), pr);
        t3 = vaddvaq_p_s8(t3, vldrbq_z_s8(w3 + i, pr), pr);
    }
    a = vdupq_n_s32(t0);
    a = vsetq_lane_s32(t1, a, 1);
    a = vsetq_lane_s32(t2, a, 2);
    return vsetq_lane_s32(t3, a, 3);
}
#endif

/* Four output channels o..o+3 of one row: their four weight rows against
   x, each x load (and, on the DSP cores, its unpacking) shared by the four.
   acc[k] = sum_i (x[i] + off) * w[o+k][i], exactly as attn__dot_s8. */
ATTN__INLINE void attn__dot4_s8(int32_t *acc, const int8_t *x, const int8_t *w, int n, int32_t off)
{
    const int8_t *w0 = w, *w1 = w0 + n, *w2 = w1 + n, *w3 = w2 + n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
#if ATTN__DSP && !ATTN__MVE
    {
        /* per 4 inputs: 1 load + 2 SXTAB16 for x, then per row 1 load,
           2 SXTB16, 2 SMLAD: 23 instructions per 16 MACs */
        const uint32_t off2 = ((uint32_t)(uint16_t)off << 16) | (uint16_t)off;
#if ATTN__DOT4_ASM
        if (off == 0 && n >= 8) {
            i = n & ~7;
            attn__dot1x4_asm(acc, x, w, n, i);
            s0 = acc[0];
            s1 = acc[1];
            s2 = acc[2];
            s3 = acc[3];
        }
#endif
        for (; i + 4 <= n; i += 4) {
            uint32_t xv, v, x02, x13;
            memcpy(&xv, x + i, 4);
            x02 = __sxtab16(off2, xv);
            x13 = attn__sxtab16_ror8(off2, xv);
            memcpy(&v, w0 + i, 4);
            s0 = __smlad(x13, attn__sxtb16_ror8(v), __smlad(x02, __sxtb16(v), s0));
            memcpy(&v, w1 + i, 4);
            s1 = __smlad(x13, attn__sxtb16_ror8(v), __smlad(x02, __sxtb16(v), s1));
            memcpy(&v, w2 + i, 4);
            s2 = __smlad(x13, attn__sxtb16_ror8(v), __smlad(x02, __sxtb16(v), s2));
            memcpy(&v, w3 + i, 4);
            s3 = __smlad(x13, attn__sxtb16_ror8(v), __smlad(x02, __sxtb16(v), s3));
        }
    }
#elif defined(__ARM_ARCH_6M__)
    /* Cortex-M0/M0+: eight low registers hold two rows' sums, not four;
       with no offset (a fused bias) two inputs per pass */
    if (off == 0) {
        int k;
        for (k = 0; k < 4; k += 2) {
            const int8_t *u0 = w + (size_t)k * (size_t)n, *u1 = u0 + n;
            int32_t t0 = 0, t1 = 0;
            for (i = 0; i + 2 <= n; i += 2) {
                int32_t xa = x[i], xb = x[i + 1];
                t0 += xa * u0[i] + xb * u0[i + 1];
                t1 += xa * u1[i] + xb * u1[i + 1];
            }
            if (i < n) {
                t0 += x[i] * u0[i];
                t1 += x[i] * u1[i];
            }
            acc[k] = t0;
            acc[k + 1] = t1;
        }
        return;
    }
#endif
    for (; i < n; i++) {
        int32_t xi = x[i] + off;
        s0 += xi * w0[i];
        s1 += xi * w1[i];
        s2 += xi * w2[i];
        s3 += xi * w3[i];
    }
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
}

#if !ATTN__MVE
/* Outputs y[0..n) of channels o..o+n-1 from their sums acc[0..n): the
   call's constants in registers (y may alias nothing of L, but the
   compiler cannot know: int8 stores alias everything), the bias test
   outside the loop, the requantization inlined. */
ATTN__INLINE void attn__lin_outs(int8_t *y, const int32_t *acc, int n, const attn__lin *L, int o)
{
    const attn_qmul *m = L->rq + o;
    const int32_t *b = L->bias ? L->bias + o : NULL;
    const int32_t zp = L->zp, lo = L->lo, hi = L->hi;
    const int top = L->top;
    int k;
    if (b)
        for (k = 0; k < n; k++) y[k] = attn__lin_out(acc[k], b + k, m + k, zp, lo, hi, top);
    else
        for (k = 0; k < n; k++) y[k] = attn__lin_out(acc[k], NULL, m + k, zp, lo, hi, top);
}
#endif

#if ATTN__DOT2X2_ASM
/* attn__lin_out when the shift is negative, act_max is 127 and there is a
   bias (all decided once per call): no test left. */
ATTN__INLINE int8_t attn__lin_out_r(int32_t acc, int32_t bias, const attn_qmul *m, int32_t zp,
                                    int32_t lo)
{
    int32_t v = attn__srdhm(__qadd(acc, bias), m->multiplier);
    v = __ssat(__qadd(attn__rshift_rq(v, -m->shift), zp), 8);
    return (int8_t)(v < lo ? lo : v);
}
#endif

/* y[o] = clamp(out_zp + requant(bias + sum (x - in_zp) w)) for one row:
   four output channels per pass, then the rest one at a time. */
static void attn__linear_row_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                int in, int out)
{
    attn__lin L;
    int o = 0;
    attn__lin_init(&L, p);
#if ATTN__MVE
    {
        /* the block loop keeps little alive: pointers step, constants in
           vector registers */
        const int32x4_t zp = vdupq_n_s32(L.zp), lo = vdupq_n_s32(L.lo), hi = vdupq_n_s32(L.hi);
        const int8_t *w = L.w;
        for (; o + 4 <= out; o += 4, w += 4 * (size_t)in) {
            int32x4_t a = attn__dot4_call_mve(x, w, in);
            if (L.off) a = vmlaq_n_s32(a, attn__wsum4_mve(w, in), L.off);
            attn__lin_out4_mve(y + o, a, L.rq + o, L.bias ? L.bias + o : NULL, zp, lo, hi);
        }
    }
#else
#if ATTN__DOT2X2_ASM
    {
        /* the quantizer's layers (fused bias, act_max 127, right shifts):
           the straight-line outputs; the check costs one compare per
           channel */
        int fast = L.off == 0 && L.bias && L.top && in >= 8, k;
        for (k = 0; k < out && fast; k++) fast = L.rq[k].shift < 0;
        if (fast) {
            const int32_t zp = L.zp, lo = L.lo, n8 = in & ~7;
            const int8_t *w = L.w;
            const attn_qmul *m = L.rq;
            const int32_t *b = L.bias;
            for (; o + 4 <= out; o += 4, w += 4 * in, m += 4, b += 4) {
                int32_t acc[4], i;
                attn__dot1x4_asm(acc, x, w, in, n8);
                for (i = n8; i < in; i++)
                    for (k = 0; k < 4; k++) acc[k] += x[i] * w[(size_t)k * (size_t)in + (size_t)i];
                for (k = 0; k < 4; k++) y[o + k] = attn__lin_out_r(acc[k], b[k], m + k, zp, lo);
            }
        }
    }
#endif
    for (; o + 4 <= out; o += 4) {
        int32_t acc[4];
        attn__dot4_s8(acc, x, L.w + (size_t)o * (size_t)in, in, L.off);
        attn__lin_outs(y + o, acc, 4, &L, o);
    }
#endif
    for (; o < out; o++) {
        int32_t acc = attn__dot_s8(x, L.w + (size_t)o * (size_t)in, in, L.off);
        y[o] = attn__lin_out(acc, L.bias ? L.bias + o : NULL, L.rq + o, L.zp, L.lo, L.hi, L.top);
    }
}

/* rows rows of x through the layer. On the DSP cores, rows in pairs
   against output channels in pairs (attn__dot2x2_asm: each unpacked word
   used twice) when in is a multiple of 16, x needs no offset, every shift
   is negative, act_max is 127 and there is a bias (the quantizer's layers,
   with their fused bias); otherwise, and for a last
   odd row, one row at a time as above. */
static void attn__linear_rows_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                 int rows, int in, int out)
{
    int r = 0;
#if ATTN__MVE
    if (rows >= 2) {
        /* weight rows in fours against every x row: each block's
           multipliers, shifts, bias and (without a fused bias) weight sums
           loaded once, not once per row */
        attn__lin L;
        const int32x4_t zero = vdupq_n_s32(0);
        int32x4_t zp, lo, hi;
        int o;
        attn__lin_init(&L, p);
        zp = vdupq_n_s32(L.zp);
        lo = vdupq_n_s32(L.lo);
        hi = vdupq_n_s32(L.hi);
        for (o = 0; o + 4 <= out; o += 4) {
            const int8_t *w = L.w + (size_t)o * (size_t)in;
            int32x4x2_t mv = vld2q_s32(&L.rq[o].multiplier);
            int32x4_t left = vmaxq_s32(mv.val[1], zero), right = vminq_s32(mv.val[1], zero);
            int32x4_t base = L.bias ? vldrwq_s32(L.bias + o) : zero;
            int32x4_t ws;
            if (L.off == 0 && L.lo == -128 && L.hi == 127) {
                /* the usual case (fused bias, no clamp but int8's): the
                   clamp is a saturating shift up and back */
                for (r = 0; r < rows; r++) {
                    int32x4_t a = attn__dot4_mve(x + (size_t)r * (size_t)in, w, in);
                    a = vqrdmulhq_s32(vqshlq_s32(vqaddq_s32(a, base), left), mv.val[0]);
                    a = vrshlq_s32(vaddq_s32(a, vshrq_n_s32(vandq_s32(a, right), 31)), right);
                    a = vshrq_n_s32(vqshlq_n_s32(vqaddq_s32(a, zp), 24), 24);
                    vstrbq_s32(y + (size_t)r * (size_t)out + o, a);
                }
                continue;
            }
            ws = L.off ? vmulq_n_s32(attn__wsum4_mve(w, in), L.off) : zero;
            for (r = 0; r < rows; r++) {
                int32x4_t a = vaddq_s32(attn__dot4_mve(x + (size_t)r * (size_t)in, w, in), ws);
                a = vqrdmulhq_s32(vqshlq_s32(vqaddq_s32(a, base), left), mv.val[0]);
                a = vrshlq_s32(vaddq_s32(a, vshrq_n_s32(vandq_s32(a, right), 31)), right);
                a = vmaxq_s32(vminq_s32(vqaddq_s32(a, zp), hi), lo);
                vstrbq_s32(y + (size_t)r * (size_t)out + o, a);
            }
        }
        for (; o < out; o++)
            for (r = 0; r < rows; r++) {
                const int8_t *xr = x + (size_t)r * (size_t)in;
                int32_t acc = attn__dot_s8(xr, L.w + (size_t)o * (size_t)in, in, L.off);
                y[(size_t)r * (size_t)out + o] =
                    attn__lin_out(acc, L.bias ? L.bias + o : NULL, L.rq + o, L.zp, L.lo, L.hi, L.top);
            }
        return;
    }
#endif
#if ATTN__DOT2X2_ASM
    attn__lin L;
    int o, fast;
    attn__lin_init(&L, p);
    fast = rows >= 2 && in % 16 == 0 && out % 2 == 0 && L.off == 0 && L.bias && L.top;
    for (o = 0; o < out && fast; o++) fast = L.rq[o].shift < 0;
    if (fast) {
        const int32_t zp = L.zp, lo = L.lo;
        for (; r + 2 <= rows; r += 2) {
            const int8_t *x0 = x + (size_t)r * (size_t)in, *w = L.w;
            const attn_qmul *m = L.rq;
            const int32_t *b = L.bias;
            int8_t *y0 = y + (size_t)r * (size_t)out, *end = y0 + out;
            for (; y0 < end; y0 += 2, w += 2 * in, m += 2, b += 2) {
                int32_t acc[4];
                attn__dot2x2_asm(acc, x0, w, in, in);
                y0[0] = attn__lin_out_r(acc[0], b[0], m, zp, lo);
                y0[1] = attn__lin_out_r(acc[1], b[1], m + 1, zp, lo);
                y0[out] = attn__lin_out_r(acc[2], b[0], m, zp, lo);
                y0[out + 1] = attn__lin_out_r(acc[3], b[1], m + 1, zp, lo);
            }
        }
    }
#endif
    for (; r < rows; r++)
        attn__linear_row_s8(y + (size_t)r * (size_t)out, x + (size_t)r * (size_t)in, p, in, out);
}

/* r = a and b at the common wide scale (the residual sum, int32). */
static void attn__add_wide_s8(int32_t *r, const int8_t *a, const int8_t *b, int n,
                              const attn_add_s8_params *p)
{
    const attn_qmul am = p->a_mul, bm = p->b_mul;
    const int32_t az = p->a_zp, bz = p->b_zp;
    int i = 0;
#if ATTN__MVE
    {
        /* four lanes: widen, subtract the zero point, requantize, add
           saturating (VQADD is sat(int64 sum)) */
        const int32x4_t amul = vdupq_n_s32(am.multiplier), ash = vdupq_n_s32(am.shift);
        const int32x4_t bmul = vdupq_n_s32(bm.multiplier), bsh = vdupq_n_s32(bm.shift);
        for (; i + 4 <= n; i += 4) {
            int32x4_t va = vsubq_s32(vldrbq_s32(a + i), vdupq_n_s32(az));
            int32x4_t vb = vsubq_s32(vldrbq_s32(b + i), vdupq_n_s32(bz));
            vstrwq_s32(r + i, vqaddq_s32(attn__requant_mve(va, amul, ash),
                                         attn__requant_mve(vb, bmul, bsh)));
        }
    }
#endif
    for (; i < n; i++)
        r[i] = attn__qadd(attn__requant(a[i] - az, am), attn__requant(b[i] - bz, bm));
}

static void attn__narrow_s8(int8_t *y, const int32_t *r, int n, attn_qmul m, int32_t zp)
{
    int i = 0;
#if ATTN__MVE
    {
        const int32x4_t mul = vdupq_n_s32(m.multiplier), sh = vdupq_n_s32(m.shift);
        const int32x4_t z = vdupq_n_s32(zp), lo = vdupq_n_s32(-128), hi = vdupq_n_s32(127);
        for (; i + 4 <= n; i += 4) {
            int32x4_t v = vqaddq_s32(attn__requant_mve(vldrwq_s32(r + i), mul, sh), z);
            vstrbq_s32(y + i, vmaxq_s32(vminq_s32(v, hi), lo));
        }
    }
#endif
    for (; i < n; i++) y[i] = attn__to_s8(zp, attn__requant(r[i], m));
}

/* One query row, all heads: q [d] int8 (zero point p->q_zp) is replaced by
   the int8 context. k, v rows are d apart. scores [n_keys] is scratch. */
static void attn__attend_heads_s8(int8_t *q, const int8_t *k, const int8_t *v,
                                  const uint8_t *key_padding, int i, int seq_kv, int d,
                                  int n_heads, int causal, const attn_sdpa_s8_params *p,
                                  int32_t *scores)
{
    int d_head = d / n_heads, h, j, c;
    int n_keys = causal && i + 1 < seq_kv ? i + 1 : seq_kv;
    for (h = 0; h < n_heads; h++) {
        int8_t *qh = q + (size_t)h * (size_t)d_head;
        const int8_t *kh = k + (size_t)h * (size_t)d_head, *vh = v + (size_t)h * (size_t)d_head;
        for (j = 0; j < n_keys; j++) {
            const int8_t *kj = kh + (size_t)j * (size_t)d;
            int32_t s = 0;
            if (key_padding && key_padding[j]) continue;
            for (c = 0; c < d_head; c++) s += (qh[c] - p->q_zp) * (kj[c] - p->k_zp);
            scores[j] = s;
        }
        if (!attn__softmax_row_q15(scores, key_padding, n_keys, p->score_mul)) {
            for (c = 0; c < d_head; c++) qh[c] = attn__to_s8(p->out_zp, 0);
            continue; /* every key masked: a zero context */
        }
        for (c = 0; c < d_head; c++) {
            int32_t acc = 0;
            for (j = 0; j < n_keys; j++)
                if (!(key_padding && key_padding[j]))
                    acc += scores[j] * (vh[(size_t)j * (size_t)d + (size_t)c] - p->v_zp);
            qh[c] = attn__to_s8(p->out_zp, attn__requant(acc, p->ctx_mul));
        }
    }
}

/* ---- argument checks ------------------------------------------------------ */

static int attn__linear_ptrs_ok(const attn_linear_s8_params *p)
{
    return p->w && p->requant;
}

static int attn__linear_values_ok(const attn_linear_s8_params *p, int out)
{
    int o;
    if (!attn__zp_ok(p->in_zp) || !attn__zp_ok(p->out_zp) || p->act_min < -128 ||
        p->act_max > 127 || p->act_min > p->act_max)
        return 0;
    for (o = 0; o < out; o++)
        if (!attn__qmul_ok(p->requant[o])) return 0;
    return 1;
}

static int attn__add_values_ok(const attn_add_s8_params *p)
{
    return attn__zp_ok(p->a_zp) && attn__zp_ok(p->b_zp) && attn__zp_ok(p->out_zp) &&
           attn__qmul_ok(p->a_mul) && attn__qmul_ok(p->b_mul) && attn__qmul_ok(p->out_mul);
}

static int attn__norm_values_ok(const attn_layernorm_s8_params *p, int d)
{
    int c;
    if (!attn__zp_ok(p->out_zp) || p->eps < 1) return 0;
    for (c = 0; c < d; c++)
        if (!attn__qmul_ok(p->gamma[c])) return 0;
    return 1;
}

static int attn__sdpa_values_ok(const attn_sdpa_s8_params *p)
{
    return attn__zp_ok(p->q_zp) && attn__zp_ok(p->k_zp) && attn__zp_ok(p->v_zp) &&
           attn__zp_ok(p->out_zp) && attn__qmul_ok(p->score_mul) && attn__qmul_ok(p->ctx_mul);
}

static int attn__mha_ptrs_ok(const attn_mha_s8_params *p)
{
    return attn__linear_ptrs_ok(&p->q) && attn__linear_ptrs_ok(&p->k) &&
           attn__linear_ptrs_ok(&p->v) && attn__linear_ptrs_ok(&p->o);
}

static int attn__mha_values_ok(const attn_mha_s8_params *p, int d)
{
    return attn__linear_values_ok(&p->q, d) && attn__linear_values_ok(&p->k, d) &&
           attn__linear_values_ok(&p->v, d) && attn__linear_values_ok(&p->o, d) &&
           attn__sdpa_values_ok(&p->sdpa) && p->sdpa.q_zp == p->q.out_zp &&
           p->sdpa.k_zp == p->k.out_zp && p->sdpa.v_zp == p->v.out_zp &&
           p->sdpa.out_zp == p->o.in_zp;
}

static int attn__layer_ptrs_ok(const attn_encoder_layer_s8_params *p, attn_activation act)
{
    return attn__mha_ptrs_ok(&p->attn) && attn__linear_ptrs_ok(&p->ff1) &&
           attn__linear_ptrs_ok(&p->ff2) && p->norm1.gamma && p->norm2.gamma &&
           (act == ATTN_ACT_RELU || p->gelu_table);
}

static int attn__layer_values_ok(const attn_encoder_layer_s8_params *p,
                                 const attn_encoder_cfg *c)
{
    return attn__mha_values_ok(&p->attn, c->d_model) && attn__add_values_ok(&p->add1) &&
           attn__add_values_ok(&p->add2) && attn__norm_values_ok(&p->norm1, c->d_model) &&
           attn__norm_values_ok(&p->norm2, c->d_model) &&
           attn__linear_values_ok(&p->ff1, c->d_ff) && attn__linear_values_ok(&p->ff2, c->d_model);
}

static int attn__stack_ptrs_ok(const attn_encoder_s8_params *p, attn_activation act)
{
    int l;
    if (!p->layers || (p->final_norm && !p->norm.gamma)) return 0;
    for (l = 0; l < p->n_layers; l++)
        if (!attn__layer_ptrs_ok(&p->layers[l], act)) return 0;
    return 1;
}

static int attn__stack_values_ok(const attn_encoder_s8_params *p, const attn_encoder_cfg *c)
{
    int l;
    for (l = 0; l < p->n_layers; l++)
        if (!attn__layer_values_ok(&p->layers[l], c)) return 0;
    return !p->final_norm || attn__norm_values_ok(&p->norm, c->d_model);
}

/* The shape rules of the int8 encoder (the float ones, plus the widths the
   integer arithmetic is proven for). */
static attn_status attn__check_encoder_cfg_s8(const attn_encoder_cfg *c)
{
    if (c->d_model <= 0 || c->n_heads <= 0 || c->d_ff <= 0 || c->d_model % c->n_heads != 0 ||
        c->d_model > ATTN__S8_MAX_D || c->d_ff > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    if (c->activation != ATTN_ACT_RELU && c->activation != ATTN_ACT_GELU &&
        c->activation != ATTN_ACT_GELU_TANH)
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

/* The float rules plus the width the int32 scores are proven for. */
static attn_status attn__check_mha_cfg_s8(const attn_mha_cfg *c)
{
    attn_status st = attn__check_mha_cfg(c);
    if (st == ATTN_OK && c->d_model > ATTN__S8_MAX_IN) return ATTN_ERR_SHAPE;
    return st;
}

static attn__size attn__sdpa_size_s8(const attn_mha_cfg *c)
{
    attn__size s = {0, 0}, t = {0, 0};
    attn__size_add(&s, (size_t)c->seq_kv, 1, sizeof(int32_t)); /* scores */
    attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_model, 1);
    attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_model, 2);
    s.overflow |= t.overflow;
    return s;
}

static attn__size attn__mha_size_s8(const attn_mha_cfg *c)
{
    attn__size s = attn__sdpa_size_s8(c);
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, 1); /* K */
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, 1); /* V */
    attn__size_add(&s, (size_t)c->d_model, 1, 1);                 /* q / context */
    return s;
}

static attn__size attn__encoder_size_s8(const attn_encoder_cfg *c, int seq)
{
    attn__size s = {0, 0};
    size_t wide = (size_t)seq > (size_t)c->d_model ? (size_t)seq : (size_t)c->d_model;
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, 1); /* K                          */
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, 1); /* V                          */
    attn__size_add(&s, (size_t)c->d_model, 1, 1);           /* normed row                 */
    attn__size_add(&s, (size_t)c->d_model, 1, 1);           /* q / context                */
    attn__size_add(&s, (size_t)c->d_model, 1, 1);           /* block output               */
    attn__size_add(&s, wide, 1, sizeof(int32_t));           /* scores, then wide residual */
    attn__size_add(&s, (size_t)c->d_ff, 1, 1);             /* FF hidden                  */
    return s;
}

static attn__size attn__model_size_s8(const attn_model_cfg *c, int seq)
{
    attn__size s = attn__encoder_size_s8(&c->encoder, seq), t = {0, 0};
    attn__size_add(&s, (size_t)seq, (size_t)c->encoder.d_model, 1); /* x */
    attn__size_add(&t, (size_t)seq, (size_t)c->d_in, 1);
    attn__size_add(&t, (size_t)c->encoder.d_model, (size_t)c->d_in, 1);
    attn__size_add(&t, (size_t)c->n_classes, (size_t)c->encoder.d_model, 1);
    s.overflow |= t.overflow;
    return s;
}

/* rows x cols bytes: SHAPE if a size is <= 0, TOO_LARGE if it overflows. */
static attn_status attn__check_bytes(int rows, int cols)
{
    if (rows <= 0 || cols <= 0) return ATTN_ERR_SHAPE;
    if ((size_t)rows > SIZE_MAX / (size_t)cols) return ATTN_ERR_TOO_LARGE;
    return ATTN_OK;
}

/* ---- element-wise and leaf operations ------------------------------------ */

ATTN_DEF attn_status attn_relu_s8(int8_t *y, const int8_t *x, int n, int32_t zp)
{
    attn_status st;
    int i;
    if (!y || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(1, n)) != ATTN_OK) return st;
    if (!attn__zp_ok(zp)) return ATTN_ERR_RANGE;
    for (i = 0; i < n; i++) y[i] = x[i] < zp ? (int8_t)zp : x[i];
    return ATTN_OK;
}

ATTN_DEF attn_status attn_lut_s8(int8_t *y, const int8_t *x, int n, const int8_t *table)
{
    attn_status st;
    int i;
    if (!y || !x || !table) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(1, n)) != ATTN_OK) return st;
    for (i = 0; i < n; i++) y[i] = table[x[i] + 128];
    return ATTN_OK;
}

ATTN_DEF attn_status attn_add_s8(int8_t *y, const int8_t *a, const int8_t *b, int n,
                                 const attn_add_s8_params *p)
{
    attn_status st;
    int i;
    if (!y || !a || !b || !p) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(1, n)) != ATTN_OK) return st;
    if (!attn__add_values_ok(p)) return ATTN_ERR_RANGE;
    for (i = 0; i < n; i++) {
        int32_t r;
        attn__add_wide_s8(&r, a + i, b + i, 1, p);
        y[i] = attn__to_s8(p->out_zp, attn__requant(r, p->out_mul));
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_linear_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                    int rows, int in, int out)
{
    attn_status st;
    if (!y || !x || !p || !attn__linear_ptrs_ok(p)) return ATTN_ERR_NULL;
    if (rows <= 0 || in <= 0 || out <= 0 || in > ATTN__S8_MAX_IN) return ATTN_ERR_SHAPE;
    if ((st = attn__check_bytes(rows, in)) != ATTN_OK || (st = attn__check_bytes(rows, out)) != ATTN_OK ||
        (st = attn__check_bytes(out, in)) != ATTN_OK)
        return st;
    if (!attn__linear_values_ok(p, out)) return ATTN_ERR_RANGE;
    attn__linear_rows_s8(y, x, p, rows, in, out);
    return ATTN_OK;
}

/* The fused bias of output o, exact in int64 (|in_zp * sum w| < 2^29). */
static int64_t attn__fused_bias(const attn_linear_s8_params *p, int in, int o)
{
    const int8_t *w = p->w + (size_t)o * (size_t)in;
    int64_t sum = 0;
    int i;
    for (i = 0; i < in; i++) sum += w[i];
    return (p->bias ? p->bias[o] : 0) - (int64_t)p->in_zp * sum;
}

ATTN_DEF attn_status attn_linear_fuse_bias_s8(int32_t *fused, const attn_linear_s8_params *p,
                                              int in, int out)
{
    attn_status st;
    int o;
    if (!fused || !p || !p->w) return ATTN_ERR_NULL;
    if (in <= 0 || out <= 0 || in > ATTN__S8_MAX_IN) return ATTN_ERR_SHAPE;
    if ((st = attn__check_bytes(out, in)) != ATTN_OK) return st;
    if (!attn__zp_ok(p->in_zp)) return ATTN_ERR_RANGE;
    for (o = 0; o < out; o++) {
        int64_t f = attn__fused_bias(p, in, o);
        if (f > INT32_MAX || f < INT32_MIN) return ATTN_ERR_RANGE;
    }
    for (o = 0; o < out; o++) fused[o] = (int32_t)attn__fused_bias(p, in, o);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_softmax_s8(int8_t *y, const int8_t *x, const attn_softmax_s8_params *p,
                                     int rows, int cols)
{
    attn_status st;
    int r, c;
    if (!y || !x || !p) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(rows, cols)) != ATTN_OK) return st;
    if (!attn__qmul_ok(p->in_mul)) return ATTN_ERR_RANGE;
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)cols;
        int8_t *yr = y + (size_t)r * (size_t)cols;
        /* the row's exponents one at a time: no scratch; the max first */
        int32_t mx = xr[0];
        uint64_t sum = 0, recip;
        for (c = 1; c < cols; c++)
            if (xr[c] > mx) mx = xr[c];
        for (c = 0; c < cols; c++) sum += attn__softmax_e(xr[c] - mx, p->in_mul);
        recip = attn__softmax_recip(sum);
        for (c = 0; c < cols; c++) {
            int32_t q15 = attn__softmax_q15(attn__softmax_e(xr[c] - mx, p->in_mul), recip);
            yr[c] = (int8_t)attn__clamp(((q15 + 64) >> 7) - 128, -128, 127);
        }
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_layernorm_s8(int8_t *y, const int8_t *x,
                                       const attn_layernorm_s8_params *p, int rows, int cols)
{
    attn_status st;
    int r;
    if (!y || !x || !p || !p->gamma) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(rows, cols)) != ATTN_OK) return st;
    if (cols > ATTN__S8_MAX_D) return ATTN_ERR_SHAPE;
    if (!attn__norm_values_ok(p, cols)) return ATTN_ERR_RANGE;
    for (r = 0; r < rows; r++) {
        size_t off = (size_t)r * (size_t)cols;
        attn__layernorm_row_s8(y + off, x + off, NULL, cols, p);
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_pool_s8(int8_t *out, const int8_t *x, const uint8_t *key_padding,
                                  attn_pooling pooling, int seq, int d_model, int32_t zp)
{
    attn_status st;
    int p, c, count = 0;
    if (!out || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(seq, d_model)) != ATTN_OK) return st;
    if ((pooling != ATTN_POOL_MEAN && pooling != ATTN_POOL_FIRST) || !attn__zp_ok(zp))
        return ATTN_ERR_RANGE;
    if (pooling == ATTN_POOL_FIRST) {
        memmove(out, x, (size_t)d_model);
        return ATTN_OK;
    }
    for (p = 0; p < seq; p++) count += !(key_padding && key_padding[p]);
    for (c = 0; c < d_model; c++) {
        int64_t s = 0, q;
        for (p = 0; p < seq; p++)
            if (!(key_padding && key_padding[p])) s += x[(size_t)p * (size_t)d_model + (size_t)c] - zp;
        /* round(s / count), ties away from zero */
        q = count ? (s >= 0 ? (2 * s + count) / (2 * count) : -((-2 * s + count) / (2 * count))) : 0;
        out[c] = attn__to_s8(zp, (int32_t)q);
    }
    return ATTN_OK;
}

/* ---- attention ------------------------------------------------------------- */

ATTN_DEF attn_status attn_sdpa_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__sdpa_size_s8(cfg), bytes);
}

ATTN_DEF attn_status attn_sdpa_s8(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_sdpa_s8_params *p, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, d;
    int32_t *scores;
    int i;
    if (!out || !q || !k || !v || !cfg || !p || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    need = attn__sdpa_size_s8(cfg);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    if (!attn__sdpa_values_ok(p)) return ATTN_ERR_RANGE;
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    scores = (int32_t *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(int32_t));
    d = (size_t)cfg->d_model;
    for (i = 0; i < cfg->seq_q; i++) {
        int8_t *o = out + (size_t)i * d;
        if (o != q + (size_t)i * d) memcpy(o, q + (size_t)i * d, d);
        attn__attend_heads_s8(o, k, v, key_padding, i, cfg->seq_kv, cfg->d_model, cfg->n_heads,
                              cfg->causal, p, scores);
    }
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_mha_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__mha_size_s8(cfg), bytes);
}

ATTN_DEF attn_status attn_mha_s8(int8_t *out, const int8_t *xq, const int8_t *xkv,
                                 const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                 const attn_mha_s8_params *p, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, d;
    int8_t *k, *v, *q;
    int32_t *scores;
    int i, dm;
    if (!out || !xq || !xkv || !cfg || !p || !arena || !attn__mha_ptrs_ok(p)) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    need = attn__mha_size_s8(cfg);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    if (!attn__mha_values_ok(p, cfg->d_model)) return ATTN_ERR_RANGE;
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    dm = cfg->d_model;
    d = (size_t)dm;
    k = (int8_t *)attn__take(arena, (size_t)cfg->seq_kv * d);
    v = (int8_t *)attn__take(arena, (size_t)cfg->seq_kv * d);
    q = (int8_t *)attn__take(arena, d);
    scores = (int32_t *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(int32_t));
    attn__linear_rows_s8(k, xkv, &p->k, cfg->seq_kv, dm, dm);
    attn__linear_rows_s8(v, xkv, &p->v, cfg->seq_kv, dm, dm);
    for (i = 0; i < cfg->seq_q; i++) {
        attn__linear_row_s8(q, xq + (size_t)i * d, &p->q, dm, dm);
        attn__attend_heads_s8(q, k, v, key_padding, i, cfg->seq_kv, dm, cfg->n_heads,
                              cfg->causal, &p->sdpa, scores);
        attn__linear_row_s8(out + (size_t)i * d, q, &p->o, dm, dm);
    }
    arena->used = mark;
    return ATTN_OK;
}

/* ---- encoder ----------------------------------------------------------------- */

/* The layer itself; arguments checked and scratch available. */
static void attn__encoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                   const attn_encoder_cfg *cfg,
                                   const attn_encoder_layer_s8_params *p, attn_arena *arena)
{
    const attn_mha_s8_params *a = &p->attn;
    int dm = cfg->d_model, ff = cfg->d_ff, i;
    size_t d = (size_t)dm, mark = arena->used;
    int8_t *k = (int8_t *)attn__take(arena, (size_t)seq * d);              /* [seq][d] */
    int8_t *v = (int8_t *)attn__take(arena, (size_t)seq * d);              /* [seq][d] */
    int8_t *nrm = (int8_t *)attn__take(arena, d);                          /* [d]      */
    int8_t *q = (int8_t *)attn__take(arena, d);                            /* [d]      */
    int8_t *blk = (int8_t *)attn__take(arena, d);                          /* [d]      */
    /* a query's scores [seq] and, once they are used, the residual row [d] */
    int32_t *scores = (int32_t *)attn__take(arena, ((size_t)seq > d ? (size_t)seq : d) * sizeof(int32_t));
    int32_t *r = scores;
    int8_t *hid = (int8_t *)attn__take(arena, (size_t)ff);                 /* [d_ff]   */

    /* keys and values from the whole input (pre-norm: from LN1(x), a row
       at a time; post-norm: all rows in one call, rows in pairs) */
    if (cfg->norm_first) {
        for (i = 0; i < seq; i++) {
            attn__layernorm_row_s8(nrm, x + (size_t)i * d, NULL, dm, &p->norm1);
            attn__linear_row_s8(k + (size_t)i * d, nrm, &a->k, dm, dm);
            attn__linear_row_s8(v + (size_t)i * d, nrm, &a->v, dm, dm);
        }
    } else {
        attn__linear_rows_s8(k, x, &a->k, seq, dm, dm);
        attn__linear_rows_s8(v, x, &a->v, seq, dm, dm);
    }

    for (i = 0; i < seq; i++) {
        int8_t *row = x + (size_t)i * d;
        const int8_t *src = row;

        /* self-attention block; the residual sum stays wide (int32) */
        if (cfg->norm_first) {
            attn__layernorm_row_s8(nrm, row, NULL, dm, &p->norm1);
            src = nrm;
        }
        attn__linear_row_s8(q, src, &a->q, dm, dm);
        attn__attend_heads_s8(q, k, v, key_padding, i, seq, dm, cfg->n_heads, cfg->causal,
                              &a->sdpa, scores);
        attn__linear_row_s8(blk, q, &a->o, dm, dm);
        attn__add_wide_s8(r, row, blk, dm, &p->add1);
        if (cfg->norm_first)
            attn__narrow_s8(row, r, dm, p->add1.out_mul, p->add1.out_zp);
        else
            attn__layernorm_row_s8(row, NULL, r, dm, &p->norm1);

        /* feed-forward block */
        src = row;
        if (cfg->norm_first) {
            attn__layernorm_row_s8(nrm, row, NULL, dm, &p->norm2);
            src = nrm;
        }
        attn__linear_row_s8(hid, src, &p->ff1, dm, ff);
        if (cfg->activation != ATTN_ACT_RELU) attn_lut_s8(hid, hid, ff, p->gelu_table);
        attn__linear_row_s8(blk, hid, &p->ff2, ff, dm);
        attn__add_wide_s8(r, row, blk, dm, &p->add2);
        if (cfg->norm_first)
            attn__narrow_s8(row, r, dm, p->add2.out_mul, p->add2.out_zp);
        else
            attn__layernorm_row_s8(row, NULL, r, dm, &p->norm2);
    }
    arena->used = mark;
}

/* NULL, SHAPE, RANGE (enums), TOO_LARGE: everything before the parameter
   values, which are read only once the sizes are known to be sane. */
static attn_status attn__encoder_check_s8(const int8_t *x, int seq, int n_layers,
                                          const attn_encoder_cfg *cfg, const attn_arena *arena)
{
    attn_status st;
    if (!x || !cfg || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (seq <= 0 || n_layers <= 0) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__encoder_size_s8(cfg, seq).overflow ? ATTN_ERR_TOO_LARGE : ATTN_OK;
}

ATTN_DEF attn_status attn_encoder_layer_scratch_s8(const attn_encoder_cfg *cfg, int seq,
                                                   size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (seq <= 0) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__encoder_size_s8(cfg, seq), bytes);
}

ATTN_DEF attn_status attn_encoder_scratch_s8(const attn_encoder_cfg *cfg, int seq, size_t *bytes)
{
    return attn_encoder_layer_scratch_s8(cfg, seq, bytes);
}

ATTN_DEF attn_status attn_encoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                           const attn_encoder_cfg *cfg,
                                           const attn_encoder_layer_s8_params *p,
                                           attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!p || (cfg && !attn__layer_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check_s8(x, seq, 1, cfg, arena)) != ATTN_OK) return st;
    if (!attn__layer_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    need = attn__encoder_size_s8(cfg, seq);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__encoder_layer_s8(x, seq, key_padding, cfg, p, arena);
    return ATTN_OK;
}

static void attn__encoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                             const attn_encoder_cfg *cfg, const attn_encoder_s8_params *p,
                             attn_arena *arena)
{
    int l;
    for (l = 0; l < p->n_layers; l++)
        attn__encoder_layer_s8(x, seq, key_padding, cfg, &p->layers[l], arena);
    if (p->final_norm)
        for (l = 0; l < seq; l++) {
            int8_t *row = x + (size_t)l * (size_t)cfg->d_model;
            attn__layernorm_row_s8(row, row, NULL, cfg->d_model, &p->norm);
        }
}

ATTN_DEF attn_status attn_encoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                     const attn_encoder_cfg *cfg, const attn_encoder_s8_params *p,
                                     attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!p || (cfg && !attn__stack_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check_s8(x, seq, p->n_layers, cfg, arena)) != ATTN_OK) return st;
    if (!attn__stack_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    need = attn__encoder_size_s8(cfg, seq);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__encoder_s8(x, seq, key_padding, cfg, p, arena);
    return ATTN_OK;
}

/* ---- whole model --------------------------------------------------------------- */

/* The zero point of the stack's output (what pooling and the head read). */
static int32_t attn__encoder_out_zp_s8(const attn_encoder_s8_params *p, int norm_first)
{
    const attn_encoder_layer_s8_params *last = &p->layers[p->n_layers - 1];
    if (p->final_norm) return p->norm.out_zp;
    return norm_first ? last->add2.out_zp : last->norm2.out_zp;
}

/* The model's shape and enum rules with the int8 encoder's (NULL, SHAPE,
   RANGE in that order). */
static attn_status attn__model_check_s8(const attn_model_cfg *c, int seq, int n_layers)
{
    attn_status st = attn__check_encoder_cfg_s8(&c->encoder);
    if (st == ATTN_ERR_SHAPE) return st;
    if (attn__model_shape_check(c, seq, n_layers) != ATTN_OK || c->d_in > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__model_enums_check(c);
}

ATTN_DEF attn_status attn_model_scratch_s8(const attn_model_cfg *cfg, int seq, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__model_check_s8(cfg, seq, 1)) != ATTN_OK) return st;
    return attn__size_result(attn__model_size_s8(cfg, seq), bytes);
}

ATTN_DEF attn_status attn_model_s8(int8_t *logits, const int8_t *input, int seq,
                                   const uint8_t *key_padding, const attn_model_cfg *cfg,
                                   const attn_model_s8_params *p, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, d;
    int8_t *x, *pooled;
    int dm, i;
    if (!logits || !input || !cfg || !p || !arena) return ATTN_ERR_NULL;
    if (!attn__linear_ptrs_ok(&p->cls) || (cfg->d_in > 0 && !attn__linear_ptrs_ok(&p->embed)) ||
        (cfg->position != ATTN_POS_NONE && !p->pos) ||
        !attn__stack_ptrs_ok(&p->encoder, cfg->encoder.activation))
        return ATTN_ERR_NULL;
    if ((st = attn__model_check_s8(cfg, seq, p->encoder.n_layers)) != ATTN_OK) return st;
    need = attn__model_size_s8(cfg, seq);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    dm = cfg->encoder.d_model;
    if (!attn__stack_values_ok(&p->encoder, &cfg->encoder) ||
        !attn__linear_values_ok(&p->cls, cfg->n_classes) ||
        (cfg->d_in > 0 && !attn__linear_values_ok(&p->embed, dm)) ||
        (cfg->position != ATTN_POS_NONE && !attn__add_values_ok(&p->pos_add)))
        return ATTN_ERR_RANGE;
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    d = (size_t)dm;
    x = (int8_t *)attn__take(arena, (size_t)seq * d);
    /* token embedding */
    for (i = 0; i < seq; i++) {
        if (cfg->d_in > 0)
            attn__linear_row_s8(x + (size_t)i * d, input + (size_t)i * (size_t)cfg->d_in,
                                &p->embed, cfg->d_in, dm);
        else
            memcpy(x + (size_t)i * d, input + (size_t)i * d, d);
    }
    /* positions: a table of int8 rows added with pos_add */
    if (cfg->position != ATTN_POS_NONE)
        for (i = 0; i < seq; i++) {
            int8_t *row = x + (size_t)i * d;
            int c2;
            for (c2 = 0; c2 < dm; c2++) {
                int32_t r;
                attn__add_wide_s8(&r, row + c2, p->pos + (size_t)i * d + (size_t)c2, 1, &p->pos_add);
                row[c2] = attn__to_s8(p->pos_add.out_zp, attn__requant(r, p->pos_add.out_mul));
            }
        }
    /* encoder stack */
    attn__encoder_s8(x, seq, key_padding, &cfg->encoder, &p->encoder, arena);
    /* pooling and head */
    pooled = (int8_t *)attn__take(arena, d);
    attn_pool_s8(pooled, x, key_padding, cfg->pooling, seq, dm,
                 attn__encoder_out_zp_s8(&p->encoder, cfg->encoder.norm_first));
    attn__linear_row_s8(logits, pooled, &p->cls, dm, cfg->n_classes);
    arena->used = mark;
    return ATTN_OK;
}

#endif /* ATTN_NO_INT8 */

#if !defined(ATTN_NO_INT8) && !defined(ATTN_NO_FLOAT)

/* ---- quantizer --------------------------------------------------------------- */

static double attn__round_d(double x)
{
    return x >= 0.0 ? floor(x + 0.5) : -floor(-x + 0.5);
}

ATTN_DEF attn_status attn_quantize_multiplier(double f, attn_qmul *m)
{
    int e;
    double fr;
    int64_t q;
    if (!m) return ATTN_ERR_NULL;
    m->multiplier = 0;
    m->shift = 0;
    if (f != f || f >= 1073741824.0 || f <= -1073741824.0) return ATTN_ERR_RANGE;
    if (f == 0.0) return ATTN_OK;
    fr = frexp(f, &e); /* f = fr * 2^e, 0.5 <= |fr| < 1 */
    q = (int64_t)attn__round_d(fr * 2147483648.0);
    if (q == ((int64_t)1 << 31) || q == -((int64_t)1 << 31)) {
        q /= 2;
        e++;
    }
    if (e < -31) { /* below the smallest shift: fewer bits of multiplier */
        int drop = -31 - e;
        q = drop > 62 ? 0 : (int64_t)attn__round_d((double)q / (double)((int64_t)1 << drop));
        e = -31;
    }
    if (q == 0) return ATTN_OK;
    m->multiplier = (int32_t)q;
    m->shift = e;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_choose_qparams(float min, float max, attn_qparams *q)
{
    double lo = min < 0.0f ? (double)min : 0.0, hi = max > 0.0f ? (double)max : 0.0, scale;
    if (!q) return ATTN_ERR_NULL;
    if (min != min || max != max || min > max || hi - lo > 3e38) return ATTN_ERR_RANGE;
    scale = (hi - lo) / 255.0;
    if (scale < 1e-12) scale = 1e-12; /* an all-zero tensor: any scale will do */
    q->scale = (float)scale;
    q->zero_point = (int32_t)attn__round_d(-128.0 - lo / (double)q->scale);
    if (q->zero_point < -128) q->zero_point = -128;
    if (q->zero_point > 127) q->zero_point = 127;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_quantize_s8(int8_t *y, const float *x, int n, attn_qparams q)
{
    int i;
    if (!y || !x) return ATTN_ERR_NULL;
    if (n <= 0) return ATTN_ERR_SHAPE;
    if (!(q.scale > 0.0f) || !attn__zp_ok(q.zero_point)) return ATTN_ERR_RANGE;
    for (i = 0; i < n; i++) {
        double v = attn__round_d((double)x[i] / (double)q.scale) + q.zero_point;
        y[i] = (int8_t)(v < -128.0 ? -128 : v > 127.0 ? 127 : (v == v ? (int)v : q.zero_point));
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_dequantize_s8(float *y, const int8_t *x, int n, attn_qparams q)
{
    int i;
    if (!y || !x) return ATTN_ERR_NULL;
    if (n <= 0) return ATTN_ERR_SHAPE;
    if (!(q.scale > 0.0f) || !attn__zp_ok(q.zero_point)) return ATTN_ERR_RANGE;
    for (i = 0; i < n; i++) y[i] = q.scale * (float)(x[i] - q.zero_point);
    return ATTN_OK;
}

static attn_qparams attn__qparams_of(attn__range r)
{
    attn_qparams q;
    attn_choose_qparams(r.lo <= r.hi ? r.lo : 0.0f, r.lo <= r.hi ? r.hi : 0.0f, &q);
    return q;
}

/* Chains the steps below: the first error sticks. */
typedef struct {
    attn_status st;
    attn_arena *store;
} attn__quant;

static void *attn__qtake(attn__quant *z, size_t bytes)
{
    void *p = NULL;
    if (z->st == ATTN_OK) z->st = attn_arena_alloc(z->store, bytes, &p);
    return p;
}

static void attn__qmul_of(attn__quant *z, double f, attn_qmul *m)
{
    attn_status st = attn_quantize_multiplier(f, m);
    if (z->st == ATTN_OK) z->st = st;
}

/* A float nn.Linear (w [out][in], b [out] or NULL) as int8: weights
   symmetric per output channel, bias at in_scale * w_scale, requantization
   to qout; relu fuses max(., 0) into the output clamp. */
static void attn__quant_linear(attn__quant *z, attn_linear_s8_params *p, const float *w,
                               const float *b, int in, int out, attn_qparams qin,
                               attn_qparams qout, int relu)
{
    int8_t *wq = (int8_t *)attn__qtake(z, (size_t)out * (size_t)in);
    int32_t *bq = b ? (int32_t *)attn__qtake(z, (size_t)out * sizeof(int32_t)) : NULL;
    attn_qmul *rq = (attn_qmul *)attn__qtake(z, (size_t)out * sizeof(attn_qmul));
    int o, i;
    if (z->st != ATTN_OK) return;
    for (o = 0; o < out; o++) {
        const float *wo = w + (size_t)o * (size_t)in;
        double mx = 0.0, ws;
        for (i = 0; i < in; i++)
            if (fabs((double)wo[i]) > mx) mx = fabs((double)wo[i]);
        ws = mx > 0.0 ? mx / 127.0 : 1.0;
        for (i = 0; i < in; i++) {
            double v = attn__round_d((double)wo[i] / ws);
            wq[(size_t)o * (size_t)in + (size_t)i] = (int8_t)(v > 127.0 ? 127 : v < -127.0 ? -127 : (int)v);
        }
        if (bq) {
            double v = attn__round_d((double)b[o] / ((double)qin.scale * ws));
            bq[o] = v > 2147483647.0 ? INT32_MAX : v < -2147483648.0 ? INT32_MIN : (int32_t)v;
        }
        attn__qmul_of(z, (double)qin.scale * ws / (double)qout.scale, &rq[o]);
    }
    p->w = wq;
    p->bias = bq;
    p->requant = rq;
    p->in_zp = qin.zero_point;
    p->out_zp = qout.zero_point;
    p->act_min = relu ? qout.zero_point : -128;
    p->act_max = 127;
    /* the fused bias, once, so that the kernels add no offset per MAC
       (left NULL in the rare case a value does not fit int32) */
    p->fused_bias = NULL;
    {
        int32_t *fb = (int32_t *)attn__qtake(z, (size_t)out * sizeof(int32_t));
        if (z->st == ATTN_OK && attn_linear_fuse_bias_s8(fb, p, in, out) == ATTN_OK) p->fused_bias = fb;
    }
}

/* LayerNorm (gamma/beta [d] or NULL) for input at in_scale, output qout. */
static void attn__quant_norm(attn__quant *z, attn_layernorm_s8_params *p, const float *gamma,
                             const float *beta, float eps, int d, double in_scale,
                             attn_qparams qout)
{
    attn_qmul *g = (attn_qmul *)attn__qtake(z, (size_t)d * sizeof(attn_qmul));
    int32_t *bq = (int32_t *)attn__qtake(z, (size_t)d * sizeof(int32_t));
    double e = (double)d * (double)d * (double)eps / (in_scale * in_scale);
    int c;
    if (z->st != ATTN_OK) return;
    for (c = 0; c < d; c++) {
        double v = attn__round_d((beta ? (double)beta[c] : 0.0) / (double)qout.scale * 65536.0);
        attn__qmul_of(z, (gamma ? (double)gamma[c] : 1.0) / (double)qout.scale, &g[c]);
        bq[c] = v > 2147483647.0 ? INT32_MAX : v < -2147483648.0 ? INT32_MIN : (int32_t)v;
    }
    p->gamma = g;
    p->beta = bq;
    p->eps = e >= 4.0e18 ? ((int64_t)1 << 61) : e < 1.0 ? 1 : (int64_t)attn__round_d(e);
    p->out_zp = qout.zero_point;
}

/* a + b to a wide sum at max(scale)/2^9, narrowed to qout; returns that
   wide scale (the layer norm that may read the sum needs it). */
static double attn__quant_add(attn__quant *z, attn_add_s8_params *p, attn_qparams a,
                              attn_qparams b, attn_qparams qout)
{
    double sr = (a.scale > b.scale ? (double)a.scale : (double)b.scale) / 512.0;
    p->a_zp = a.zero_point;
    p->b_zp = b.zero_point;
    attn__qmul_of(z, (double)a.scale / sr, &p->a_mul);
    attn__qmul_of(z, (double)b.scale / sr, &p->b_mul);
    attn__qmul_of(z, sr / (double)qout.scale, &p->out_mul);
    p->out_zp = qout.zero_point;
    return sr;
}

static double attn__gelu_d(double x, attn_activation act)
{
    if (act == ATTN_ACT_GELU) return 0.5 * x * (1.0 + erf(x * 0.70710678118654752));
    return 0.5 * x * (1.0 + tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)));
}

/* One layer: *xq is the input's encoding on entry, the output's on return. */
static void attn__quant_layer(attn__quant *z, attn_encoder_layer_s8_params *p,
                              attn_qparams *xq, const attn_encoder_cfg *cfg,
                              const attn_encoder_layer_weights_f32 *w, const attn__layer_obs *o)
{
    const attn_mha_weights_f32 *a = &w->attn;
    int d = cfg->d_model, ff = cfg->d_ff, relu = cfg->activation == ATTN_ACT_RELU, i;
    attn_qparams x = *xq, qn1 = attn__qparams_of(o->n1), qq = attn__qparams_of(o->q),
                 qk = attn__qparams_of(o->k), qv = attn__qparams_of(o->v),
                 qctx = attn__qparams_of(o->ctx), qa = attn__qparams_of(o->a),
                 qx1 = attn__qparams_of(o->x1), qn2 = attn__qparams_of(o->n2),
                 qpre = attn__qparams_of(o->pre), qh = attn__qparams_of(o->h),
                 qf = attn__qparams_of(o->f), qout = attn__qparams_of(o->out);
    attn_qparams src1 = cfg->norm_first ? qn1 : x, src2 = cfg->norm_first ? qn2 : qx1;
    double sr;

    /* attention block */
    if (cfg->norm_first)
        attn__quant_norm(z, &p->norm1, w->norm1_w, w->norm1_b, cfg->eps, d, (double)x.scale, qn1);
    attn__quant_linear(z, &p->attn.q, a->wq, a->bq, d, d, src1, qq, 0);
    attn__quant_linear(z, &p->attn.k, a->wk, a->bk, d, d, src1, qk, 0);
    attn__quant_linear(z, &p->attn.v, a->wv, a->bv, d, d, src1, qv, 0);
    p->attn.sdpa.q_zp = qq.zero_point;
    p->attn.sdpa.k_zp = qk.zero_point;
    p->attn.sdpa.v_zp = qv.zero_point;
    p->attn.sdpa.out_zp = qctx.zero_point;
    attn__qmul_of(z, (double)qq.scale * (double)qk.scale * 1.4426950408889634 * 65536.0 /
                         sqrt((double)(d / cfg->n_heads)), &p->attn.sdpa.score_mul);
    attn__qmul_of(z, (double)qv.scale / (32768.0 * (double)qctx.scale), &p->attn.sdpa.ctx_mul);
    attn__quant_linear(z, &p->attn.o, a->wo, a->bo, d, d, qctx, qa, 0);
    sr = attn__quant_add(z, &p->add1, x, qa, qx1);
    if (!cfg->norm_first)
        attn__quant_norm(z, &p->norm1, w->norm1_w, w->norm1_b, cfg->eps, d, sr, qx1);

    /* feed-forward block: ReLU fused into ff1's clamp, GELU as a table */
    if (cfg->norm_first)
        attn__quant_norm(z, &p->norm2, w->norm2_w, w->norm2_b, cfg->eps, d, (double)qx1.scale, qn2);
    attn__quant_linear(z, &p->ff1, w->ff1_w, w->ff1_b, d, ff, src2, relu ? qh : qpre, relu);
    p->gelu_table = NULL;
    if (!relu) {
        int8_t *t = (int8_t *)attn__qtake(z, 256);
        if (t)
            for (i = 0; i < 256; i++) {
                double g = attn__gelu_d((double)qpre.scale * (i - 128 - qpre.zero_point),
                                        cfg->activation);
                double v = attn__round_d(g / (double)qh.scale) + qh.zero_point;
                t[i] = (int8_t)(v < -128.0 ? -128 : v > 127.0 ? 127 : (int)v);
            }
        p->gelu_table = t;
    }
    attn__quant_linear(z, &p->ff2, w->ff2_w, w->ff2_b, ff, d, qh, qf, 0);
    sr = attn__quant_add(z, &p->add2, qx1, qf, qout);
    if (!cfg->norm_first)
        attn__quant_norm(z, &p->norm2, w->norm2_w, w->norm2_b, cfg->eps, d, sr, qout);
    *xq = qout;
}

/* The stack; *xq as in attn__quant_layer. obs [n_layers + 1]. */
static void attn__quant_stack(attn__quant *z, attn_encoder_s8_params *p, attn_qparams *xq,
                              const attn_encoder_cfg *cfg, const attn_encoder_weights_f32 *w,
                              const attn__layer_obs *obs)
{
    attn_encoder_layer_s8_params *layers = (attn_encoder_layer_s8_params *)attn__qtake(
        z, (size_t)w->n_layers * sizeof(attn_encoder_layer_s8_params));
    int l;
    if (!layers) return;
    memset(layers, 0, (size_t)w->n_layers * sizeof(*layers));
    for (l = 0; l < w->n_layers; l++) attn__quant_layer(z, &layers[l], xq, cfg, &w->layers[l], &obs[l]);
    memset(&p->norm, 0, sizeof p->norm);
    if (w->final_norm) {
        attn_qparams qo = attn__qparams_of(obs[w->n_layers].out);
        attn__quant_norm(z, &p->norm, w->norm_w, w->norm_b, cfg->eps, cfg->d_model, (double)xq->scale, qo);
        *xq = qo;
    }
    p->layers = layers;
    p->n_layers = w->n_layers;
    p->final_norm = w->final_norm;
}

static void attn__obs_reset(attn__range *r, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        r[i].lo = 3.4e38f;
        r[i].hi = -3.4e38f;
    }
}

ATTN_DEF attn_status attn_quantize_encoder_s8(attn_encoder_s8_params *out, attn_qparams *in_q,
                                              attn_qparams *out_q, const attn_encoder_cfg *cfg,
                                              const attn_encoder_weights_f32 *w,
                                              const float *calib, const uint8_t *key_padding,
                                              int n_calib, int seq, attn_arena *store,
                                              attn_arena *scratch)
{
    attn__quant z;
    attn__size need;
    attn__layer_obs *obs;
    attn__range in_r;
    attn_status st;
    size_t mark, n;
    float *x;
    int s;
    if (!out || !in_q || !out_q || !calib || !store) return ATTN_ERR_NULL;
    if (w && !attn__encoder_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check(calib, seq, w ? w->n_layers : 1, cfg, w, scratch)) != ATTN_OK &&
        st != ATTN_ERR_ARENA)
        return st;
    if ((st = attn__check_encoder_cfg_s8(cfg)) != ATTN_OK) return st;
    if (n_calib <= 0) return ATTN_ERR_SHAPE;
    n = (size_t)seq * (size_t)cfg->d_model;
    need = attn__encoder_size(cfg, seq);
    attn__size_add(&need, n, 1, sizeof(float));
    attn__size_add(&need, (size_t)w->n_layers + 1, 1, sizeof(attn__layer_obs));
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;

    /* calibration: every tensor's range over the float stack's runs */
    mark = scratch->used;
    obs = (attn__layer_obs *)attn__take(scratch, ((size_t)w->n_layers + 1) * sizeof(attn__layer_obs));
    x = (float *)attn__take(scratch, n * sizeof(float));
    attn__obs_reset((attn__range *)(void *)obs,
                    ((size_t)w->n_layers + 1) * sizeof(attn__layer_obs) / sizeof(attn__range));
    attn__obs_reset(&in_r, 1);
    for (s = 0; s < n_calib; s++) {
        memcpy(x, calib + (size_t)s * n, n * sizeof(float));
        attn__see(&in_r, x, (int)n);
        attn__encoder_f32(x, seq, key_padding ? key_padding + (size_t)s * (size_t)seq : NULL,
                          cfg, w, scratch, obs);
    }

    z.st = ATTN_OK;
    z.store = store;
    *in_q = attn__qparams_of(in_r);
    *out_q = *in_q;
    attn__quant_stack(&z, out, out_q, cfg, w, obs);
    scratch->used = mark;
    return z.st;
}

ATTN_DEF attn_status attn_quantize_model_s8(attn_model_s8_params *out, const attn_model_cfg *cfg,
                                            const attn_model_weights_f32 *w, const float *calib,
                                            const uint8_t *key_padding, int n_calib, int seq,
                                            attn_arena *store, attn_arena *scratch)
{
    attn__quant z;
    attn__size need;
    attn__model_obs obs;
    attn__range in_r, pos_r;
    attn_qparams qin, qx, qe, qpos;
    attn_status st;
    size_t mark, n_in, n_pos = 0, nl;
    float *logits, *pos = NULL;
    int s, dm, din;
    if (!out || !cfg || !w || !calib || !store || !scratch) return ATTN_ERR_NULL;
    if (!w->cls_w || (cfg->d_in > 0 && !w->embed_w) ||
        (cfg->position == ATTN_POS_LEARNED && !w->pos) || !attn__encoder_weights_ok(&w->encoder))
        return ATTN_ERR_NULL;
    if ((st = attn__model_cfg_check(cfg, seq, w->encoder.n_layers)) != ATTN_OK) return st;
    if ((st = attn__model_check_s8(cfg, seq, w->encoder.n_layers)) != ATTN_OK) return st;
    if (n_calib <= 0) return ATTN_ERR_SHAPE;
    dm = cfg->encoder.d_model;
    din = cfg->d_in > 0 ? cfg->d_in : dm;
    n_in = (size_t)seq * (size_t)din;
    nl = (size_t)w->encoder.n_layers + 1;
    if (cfg->position != ATTN_POS_NONE) n_pos = (size_t)cfg->max_seq * (size_t)dm;
    need = attn__model_size(cfg, seq);
    attn__size_add(&need, nl, 1, sizeof(attn__layer_obs));
    attn__size_add(&need, (size_t)cfg->n_classes, 1, sizeof(float));
    attn__size_add(&need, n_pos, 1, sizeof(float));
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;

    mark = scratch->used;
    obs.layers = (attn__layer_obs *)attn__take(scratch, nl * sizeof(attn__layer_obs));
    logits = (float *)attn__take(scratch, (size_t)cfg->n_classes * sizeof(float));
    attn__obs_reset((attn__range *)(void *)obs.layers, nl * sizeof(attn__layer_obs) / sizeof(attn__range));
    attn__obs_reset(&obs.e, 1);
    attn__obs_reset(&obs.x0, 1);
    attn__obs_reset(&obs.logits, 1);
    attn__obs_reset(&in_r, 1);
    attn__obs_reset(&pos_r, 1);
    for (s = 0; s < n_calib; s++) {
        attn__see(&in_r, calib + (size_t)s * n_in, (int)n_in);
        attn__model_f32(logits, calib + (size_t)s * n_in, seq,
                        key_padding ? key_padding + (size_t)s * (size_t)seq : NULL, cfg, w,
                        scratch, &obs);
    }
    /* the position table (sinusoidal ones are computed and baked in) */
    if (n_pos) {
        pos = (float *)attn__take(scratch, n_pos * sizeof(float));
        if (cfg->position == ATTN_POS_LEARNED) {
            memcpy(pos, w->pos, n_pos * sizeof(float));
        } else {
            memset(pos, 0, n_pos * sizeof(float));
            attn_pos_sinusoidal_f32(pos, cfg->max_seq, dm);
        }
        attn__see(&pos_r, pos, (int)n_pos);
    }

    z.st = ATTN_OK;
    z.store = store;
    memset(out, 0, sizeof *out);
    qin = attn__qparams_of(in_r);
    qe = cfg->d_in > 0 ? attn__qparams_of(obs.e) : qin;
    if (cfg->d_in > 0)
        attn__quant_linear(&z, &out->embed, w->embed_w, w->embed_b, cfg->d_in, dm, qin, qe, 0);
    qx = qe;
    if (n_pos) {
        int8_t *tq = (int8_t *)attn__qtake(&z, n_pos);
        qpos = attn__qparams_of(pos_r);
        qx = attn__qparams_of(obs.x0);
        if (tq) attn_quantize_s8(tq, pos, (int)n_pos, qpos);
        out->pos = tq;
        attn__quant_add(&z, &out->pos_add, qe, qpos, qx);
    }
    attn__quant_stack(&z, &out->encoder, &qx, &cfg->encoder, &w->encoder, obs.layers);
    {
        attn_qparams ql = attn__qparams_of(obs.logits);
        attn__quant_linear(&z, &out->cls, w->cls_w, w->cls_b, dm, cfg->n_classes, qx, ql, 0);
        out->logit_scale = ql.scale;
        out->logit_zp = ql.zero_point;
    }
    out->in_scale = qin.scale;
    out->in_zp = qin.zero_point;
    scratch->used = mark;
    return z.st;
}

#endif /* !ATTN_NO_INT8 && !ATTN_NO_FLOAT */

#ifdef __cplusplus
}
#endif

#endif /* ATTN__IMPLEMENTED */
#endif /* ATTN_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
This software is available under 2 licenses -- choose whichever you prefer.
------------------------------------------------------------------------------
ALTERNATIVE A - MIT License
Copyright (c) 2026 the attention.h authors
Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
ALTERNATIVE B - Public Domain (www.unlicense.org)
This is free and unencumbered software released into the public domain.
Anyone is free to copy, modify, publish, use, compile, sell, or distribute this
software, either in source code form or as a compiled binary, for any purpose,
commercial or non-commercial, and by any means.
------------------------------------------------------------------------------
*/
