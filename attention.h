/* attention.h - v0.1.0 - transformer encoders for microcontrollers
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
     ATTN_NO_FLOAT      compile out every _f32 function (the library then has
                        no float code and needs no libm).
   Implementation only (matter in the ATTN_IMPLEMENTATION file):
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
     attn_softmax_f32, attn_layernorm_f32, attn_relu/gelu*_f32: y may equal x.
     attn_mha_f32: out may equal xq or xkv. attn_sdpa_f32: out may equal q.
     attn_encoder_layer_f32, attn_encoder_f32: always in place on x.
     attn_linear_f32: y must not overlap x.
   Any other overlap between an output and an input is undefined.

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
   Runtime queries: attn_*_scratch_f32(cfg, ..., &bytes).

   Stack: no recursion, no arrays on the stack. The deepest call chain,
   attn_model_f32 -> encoder -> layer -> attention row -> dot, takes at most
   400 bytes on Cortex-M0/M4 with GCC 12 at -O2 or -Os, plus the libm routine
   at its bottom (per-function figures: BENCHMARKS.md, `make stack`).

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
   0.1.0  float core: linear, softmax, layer norm, ReLU/GELU, attention,
          encoder layer and stack, positions, pooling, classifier, arena.
*/
#ifndef ATTENTION_H
#define ATTENTION_H

#include <stddef.h>
#include <stdint.h>

#define ATTN_VERSION_MAJOR 0
#define ATTN_VERSION_MINOR 1
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

#ifndef ATTN_NO_FLOAT

/* ---- configuration and weights ----------------------------------------- */

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

typedef struct {
    const float *wq, *wk, *wv; /* [d_model][d_model] each (may be packed)   */
    const float *bq, *bk, *bv; /* [d_model] each, or NULL                   */
    const float *wo;           /* [d_model][d_model] out_proj.weight        */
    const float *bo;           /* [d_model] out_proj.bias, or NULL          */
} attn_mha_weights_f32;

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

#ifndef ATTN_ASSERT
#define ATTN_ASSERT(x) ((void)0)
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

/* ---- float kernels (internal, arguments already checked) ---------------- */

static float attn__dot_f32(const float *a, const float *b, int n)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

/* y[o] = b[o] + w[o] . x  for one row; y must not overlap x. */
static void attn__matvec_f32(float *y, const float *x, const float *w, const float *b,
                             int in, int out)
{
    int o;
    for (o = 0; o < out; o++) {
        float s = attn__dot_f32(w + (size_t)o * (size_t)in, x, in);
        y[o] = b ? s + b[o] : s;
    }
}

/* y[o] += b[o] + w[o] . x  (a linear layer added onto a residual row). */
static void attn__matvec_add_f32(float *y, const float *x, const float *w, const float *b,
                                 int in, int out)
{
    int o;
    for (o = 0; o < out; o++) {
        float s = attn__dot_f32(w + (size_t)o * (size_t)in, x, in);
        y[o] += b ? s + b[o] : s;
    }
}

static void attn__layernorm_row_f32(float *y, const float *x, const float *gamma,
                                    const float *beta, float eps, int n)
{
    float mean = 0.0f, var = 0.0f, rstd;
    int i;
    for (i = 0; i < n; i++) mean += x[i];
    mean /= (float)n;
    for (i = 0; i < n; i++) {
        float t = x[i] - mean;
        var += t * t;
    }
    var /= (float)n;
    rstd = 1.0f / ATTN_SQRTF(var + eps);
    for (i = 0; i < n; i++) {
        float t = (x[i] - mean) * rstd;
        if (gamma) t *= gamma[i];
        if (beta) t += beta[i];
        y[i] = t;
    }
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

/* Softmax of one row in place; a row of only -inf becomes zeros. */
static void attn__softmax_row_f32(float *y, const float *x, int n)
{
    float mx = x[0], sum = 0.0f, inv;
    int i;
    for (i = 1; i < n; i++)
        if (x[i] > mx) mx = x[i];
    if (mx == -INFINITY) {
        for (i = 0; i < n; i++) y[i] = 0.0f;
        return;
    }
    for (i = 0; i < n; i++) {
        y[i] = ATTN_EXPF(x[i] - mx);
        sum += y[i];
    }
    inv = 1.0f / sum;
    for (i = 0; i < n; i++) y[i] *= inv;
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
    int j, c, seen = 0;
    for (j = 0; j < n_keys; j++) {
        float s;
        if (key_padding && key_padding[j]) continue;
        s = attn__dot_f32(q, k + (size_t)j * stride, d_head);
        scores[j] = s;
        if (!seen || s > mx) mx = s;
        seen = 1;
    }
    for (c = 0; c < d_head; c++) ctx[c] = 0.0f;
    if (!seen) return; /* every key masked: defined result is a zero context */
    for (j = 0; j < n_keys; j++) {
        if (key_padding && key_padding[j]) continue;
        scores[j] = ATTN_EXPF(scores[j] - mx);
        sum += scores[j];
    }
    inv = 1.0f / sum;
    for (j = 0; j < n_keys; j++) {
        const float *vj = v + (size_t)j * stride;
        float p;
        if (key_padding && key_padding[j]) continue;
        p = scores[j] * inv;
        for (c = 0; c < d_head; c++) ctx[c] += p * vj[c];
    }
}

/* All heads of query row i: q [d_model] (unscaled) becomes the context. */
static void attn__attend_heads_f32(float *q, const float *k, const float *v,
                                   const uint8_t *key_padding, int i, int seq_kv,
                                   int d_model, int n_heads, int causal, float *scores)
{
    int d_head = d_model / n_heads, h, c;
    int n_keys = causal && i + 1 < seq_kv ? i + 1 : seq_kv;
    float scale = 1.0f / ATTN_SQRTF((float)d_head);
    for (c = 0; c < d_model; c++) q[c] *= scale;
    for (h = 0; h < n_heads; h++) {
        size_t off = (size_t)h * (size_t)d_head;
        attn__attend_row_f32(q + off, q + off, k + off, v + off, (size_t)d_model,
                             key_padding, n_keys, d_head, scores);
    }
}

/* ---- argument checks ---------------------------------------------------- */

static attn_status attn__check_mha_cfg(const attn_mha_cfg *c)
{
    if (c->seq_q <= 0 || c->seq_kv <= 0 || c->d_model <= 0 || c->n_heads <= 0 ||
        c->d_model % c->n_heads != 0)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}

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
    if (seq <= 0 || c->d_in < 0 || c->max_seq <= 0 || seq > c->max_seq || c->n_classes <= 0 ||
        n_layers <= 0)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (c->position != ATTN_POS_NONE && c->position != ATTN_POS_SINUSOIDAL &&
        c->position != ATTN_POS_LEARNED)
        return ATTN_ERR_RANGE;
    if (c->pooling != ATTN_POOL_MEAN && c->pooling != ATTN_POOL_FIRST) return ATTN_ERR_RANGE;
    return ATTN_OK;
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

static attn_status attn__size_result(attn__size s, size_t *bytes)
{
    if (s.overflow) return ATTN_ERR_TOO_LARGE;
    *bytes = s.bytes;
    return ATTN_OK;
}

/* ---- leaf operations ---------------------------------------------------- */

ATTN_DEF attn_status attn_linear_f32(float *y, const float *x, const float *w,
                                     const float *b, int rows, int in, int out)
{
    int r;
    attn_status st;
    if (!y || !x || !w) return ATTN_ERR_NULL;
    if (rows <= 0 || in <= 0 || out <= 0) return ATTN_ERR_SHAPE;
    if ((st = attn__check_matrix(rows, in)) != ATTN_OK ||
        (st = attn__check_matrix(rows, out)) != ATTN_OK ||
        (st = attn__check_matrix(out, in)) != ATTN_OK)
        return st;
    for (r = 0; r < rows; r++)
        attn__matvec_f32(y + (size_t)r * (size_t)out, x + (size_t)r * (size_t)in, w, b, in, out);
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
    for (i = 0; i < cfg->seq_kv; i++) {
        const float *src = xkv + (size_t)i * d;
        attn__matvec_f32(k + (size_t)i * d, src, w->wk, w->bk, dm, dm);
        attn__matvec_f32(v + (size_t)i * d, src, w->wv, w->bv, dm, dm);
    }
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
static void attn__encoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                    const attn_encoder_cfg *cfg,
                                    const attn_encoder_layer_weights_f32 *w, attn_arena *arena)
{
    const attn_mha_weights_f32 *a = &w->attn;
    int dm = cfg->d_model, i;
    size_t d = (size_t)dm, mark = arena->used;
    float *k = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));   /* [seq][d] */
    float *v = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));   /* [seq][d] */
    float *nrm = (float *)attn__take(arena, d * sizeof(float));               /* [d]      */
    float *q = (float *)attn__take(arena, d * sizeof(float));                 /* [d]      */
    float *scores = (float *)attn__take(arena, (size_t)seq * sizeof(float));  /* [seq]    */
    float *hid = (float *)attn__take(arena, (size_t)cfg->d_ff * sizeof(float)); /* [d_ff] */

    /* keys and values from the whole input (pre-norm: from LN1(x)) */
    for (i = 0; i < seq; i++) {
        const float *src = x + (size_t)i * d;
        if (cfg->norm_first) {
            attn__layernorm_row_f32(nrm, src, w->norm1_w, w->norm1_b, cfg->eps, dm);
            src = nrm;
        }
        attn__matvec_f32(k + (size_t)i * d, src, a->wk, a->bk, dm, dm);
        attn__matvec_f32(v + (size_t)i * d, src, a->wv, a->bv, dm, dm);
    }

    /* each token on its own from here: K and V hold all the layer needs of
       the other tokens, so row i is updated in place */
    for (i = 0; i < seq; i++) {
        float *row = x + (size_t)i * d;
        const float *src = row;

        /* self-attention block */
        if (cfg->norm_first) {
            attn__layernorm_row_f32(nrm, row, w->norm1_w, w->norm1_b, cfg->eps, dm);
            src = nrm;
        }
        attn__matvec_f32(q, src, a->wq, a->bq, dm, dm);
        attn__attend_heads_f32(q, k, v, key_padding, i, seq, dm, cfg->n_heads, cfg->causal,
                               scores);
        attn__matvec_add_f32(row, q, a->wo, a->bo, dm, dm); /* residual */
        if (!cfg->norm_first)
            attn__layernorm_row_f32(row, row, w->norm1_w, w->norm1_b, cfg->eps, dm);

        /* feed-forward block */
        src = row;
        if (cfg->norm_first) {
            attn__layernorm_row_f32(nrm, row, w->norm2_w, w->norm2_b, cfg->eps, dm);
            src = nrm;
        }
        attn__matvec_f32(hid, src, w->ff1_w, w->ff1_b, dm, cfg->d_ff);
        attn__activate_f32(hid, hid, cfg->d_ff, cfg->activation);
        attn__matvec_add_f32(row, hid, w->ff2_w, w->ff2_b, cfg->d_ff, dm); /* residual */
        if (!cfg->norm_first)
            attn__layernorm_row_f32(row, row, w->norm2_w, w->norm2_b, cfg->eps, dm);
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
    attn__encoder_layer_f32(x, seq, key_padding, cfg, w, arena);
    return ATTN_OK;
}

/* The stack; arguments checked and scratch available. */
static void attn__encoder_f32(float *x, int seq, const uint8_t *key_padding,
                              const attn_encoder_cfg *cfg, const attn_encoder_weights_f32 *w,
                              attn_arena *arena)
{
    int l;
    for (l = 0; l < w->n_layers; l++)
        attn__encoder_layer_f32(x, seq, key_padding, cfg, &w->layers[l], arena);
    if (w->final_norm) {
        for (l = 0; l < seq; l++) {
            float *row = x + (size_t)l * (size_t)cfg->d_model;
            attn__layernorm_row_f32(row, row, w->norm_w, w->norm_b, cfg->eps, cfg->d_model);
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
    attn__encoder_f32(x, seq, key_padding, cfg, w, arena);
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

ATTN_DEF attn_status attn_model_f32(float *logits, const float *input, int seq,
                                    const uint8_t *key_padding, const attn_model_cfg *cfg,
                                    const attn_model_weights_f32 *w, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark;
    float *x, *pooled;
    int dm;
    if (!logits || !input || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if (!w->cls_w || (cfg->d_in > 0 && !w->embed_w) ||
        (cfg->position == ATTN_POS_LEARNED && !w->pos) || !attn__encoder_weights_ok(&w->encoder))
        return ATTN_ERR_NULL;
    if ((st = attn__model_cfg_check(cfg, seq, w->encoder.n_layers)) != ATTN_OK) return st;
    need = attn__model_size(cfg, seq);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    dm = cfg->encoder.d_model;
    x = (float *)attn__take(arena, (size_t)seq * (size_t)dm * sizeof(float));

    /* token embedding */
    if (cfg->d_in > 0)
        attn_linear_f32(x, input, w->embed_w, w->embed_b, seq, cfg->d_in, dm);
    else
        memcpy(x, input, (size_t)seq * (size_t)dm * sizeof(float));
    /* positions */
    if (cfg->position == ATTN_POS_SINUSOIDAL) attn_pos_sinusoidal_f32(x, seq, dm);
    if (cfg->position == ATTN_POS_LEARNED) attn_pos_learned_f32(x, w->pos, seq, dm);
    /* encoder stack */
    attn__encoder_f32(x, seq, key_padding, &cfg->encoder, &w->encoder, arena);
    /* pooling (its vector reuses the encoder's released scratch) and head */
    pooled = (float *)attn__take(arena, (size_t)dm * sizeof(float));
    attn_pool_f32(pooled, x, key_padding, cfg->pooling, seq, dm);
    attn__matvec_f32(logits, pooled, w->cls_w, w->cls_b, dm, cfg->n_classes);
    arena->used = mark;
    return ATTN_OK;
}

#endif /* ATTN_NO_FLOAT */

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
