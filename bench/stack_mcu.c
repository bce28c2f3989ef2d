/* stack_mcu.c - the stack every public function of attention.h really takes
   on a Cortex-M board, measured by painting (make stack; make test runs it
   on the M0 and the M4).

   For each call: the words below the caller's stack pointer are filled with
   a pattern, the function runs on valid, realistic inputs, and the deepest
   word no longer holding the pattern gives the bytes it used. Twice, with
   two patterns (a word that happens to be written with the pattern itself
   cannot hide the depth from both), and the larger count is kept. What
   runs is counted, whoever wrote it: libgcc's division and soft-float
   helpers, libm (expf, erff, sin, ...), memcpy. The library is a separate
   translation unit (tests/impl.c), so no call is inlined into this file.

   Inputs: the digits classifier (examples/digits: its float and int8
   models, the first test image) for every kernel, layer and model, with
   more attention shapes (odd sequence, 3 queries on 8 keys, head widths 4
   to 32, masks), NaN data (accepted: libm then takes other paths) and the
   general paths of the int8 add; and three smaller models that point into
   the digits weights with other shapes and options (pre-norm, GELU, tanh
   GELU, causal, padding, sinusoidal or no positions, first-token pooling,
   two layers, no input embedding, head width 3), so that each option's path
   runs: each is quantized on the board (the quantizer measured), then run
   in float and int8. Every call must return ATTN_OK (a refused call would
   measure a shorter path).

   Prints "stack FUNCTION: N bytes" per public function (the deepest of its
   calls), the worst inference function and the worst of the quantizer's
   two model functions (tests/run_suite.sh holds them to the documented
   bounds, the Makefile's STACK_BOUND and STACK_BOUND_QUANT), then "N passed,
   N failed": a function passes if every call returned ATTN_OK. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "digits_calib.h"
#include "digits_data.h"
#include "digits_model.h"
#include "digits_model_s8.h"

/* bytes painted below the caller's stack pointer (more than any call takes) */
#ifndef STACK_WINDOW
#define STACK_WINDOW 3072
#endif

/* ---- painting ------------------------------------------------------------ */

#define PAT_A 0xA5C3E1F7u
#define PAT_B 0x5A3C1E08u

static uint32_t *g_floor; /* lowest painted word                          */
static int g_window_hit;  /* a call reached g_floor: its depth is unknown */

#if defined(__arm__)
/* top = sp; then every word from p up to below top = pat. In the function
   that makes the call, with no call in between: nothing of its own frame
   (all at or above sp) is touched. Thumb-1 instructions, the same in GCC's
   divided and clang's unified assembler syntax. */
#define PAINT(top, pat)                                                       \
    do {                                                                      \
        uint32_t *p_ = g_floor;                                               \
        uint32_t pat_ = (pat);                                                \
        __asm volatile("mov %0, sp\n\t"                                       \
                       "1:\n\t"                                               \
                       "stmia %1!, {%2}\n\t"                                 \
                       "cmp %1, %0\n\t"                                       \
                       "bcc 1b"                                               \
                       : "=&l"(top), "+&l"(p_)                                \
                       : "l"(pat_)                                            \
                       : "cc", "memory");                                     \
    } while (0)
static uint32_t *stack_pointer(void)
{
    uint32_t *sp;
    __asm volatile("mov %0, sp" : "=l"(sp));
    return sp;
}
#else /* a host build only checks that every call is valid (no painting) */
static uint32_t g_host_word;
#define PAINT(top, pat) ((top) = g_floor, (void)(pat))
static uint32_t *stack_pointer(void) { return &g_host_word + 1; }
#endif

/* Bytes between top and the deepest word that lost the pattern. */
static uint32_t used(const uint32_t *top, uint32_t pat)
{
    const uint32_t *p = g_floor;
    while (p < top && *p == pat) p++;
    if (p == g_floor && p < top) g_window_hit = 1;
    return (uint32_t)((const char *)top - (const char *)p);
}

/* ---- results ------------------------------------------------------------- */

typedef struct {
    const char *name;
    uint16_t bytes;          /* the deepest of its calls                 */
    unsigned char calls;     /* how many were measured                   */
    unsigned char bad;       /* calls that did not return ATTN_OK        */
    unsigned char quantizer; /* attn_quantize_encoder_s8 or _model_s8      */
} result;

static result g_res[56];
static int g_n_res;
static int g_bad_setup;

static size_t g_arena_max, g_store_max;
static attn_arena g_arena, g_store;
static void track_arenas(void)
{
    if (g_arena.high_water > g_arena_max) g_arena_max = g_arena.high_water;
    if (g_store.high_water > g_store_max) g_store_max = g_store.high_water;
}

static void note(const char *name, uint32_t bytes, attn_status st)
{
    int i;
    for (i = 0; i < g_n_res && strcmp(g_res[i].name, name) != 0; i++) {}
    if (i == g_n_res) {
        if (g_n_res == (int)(sizeof g_res / sizeof g_res[0])) { g_bad_setup = 1; return; }
        g_res[g_n_res].name = name;
        g_res[g_n_res].quantizer = (unsigned char)(!strcmp(name, "attn_quantize_encoder_s8") ||
                                                   !strcmp(name, "attn_quantize_model_s8"));
        g_n_res++;
    }
    if (bytes > g_res[i].bytes) g_res[i].bytes = (uint16_t)(bytes < 65535u ? bytes : 65535u);
    g_res[i].calls++;
    if (st != ATTN_OK) g_res[i].bad++;
}

/* MEASURE(fn, (args)): fn(args) twice, painted; ATTN_OK expected.
   MEASURE_WITH(setup, fn, (args)): setup runs before each of the two calls,
   outside the measurement (an arena reset, an input copy). MEASURE_AS:
   the same for an expression of type attn_status, under a given name. */
#define MEASURE_AS(name, setup, call)                                         \
    do {                                                                      \
        uint32_t d_ = 0, u_, *top_;                                           \
        attn_status st_ = ATTN_OK, s_;                                        \
        int k_;                                                               \
        for (k_ = 0; k_ < 2; k_++) {                                          \
            setup;                                                            \
            PAINT(top_, k_ ? PAT_B : PAT_A);                                  \
            s_ = call;                                                        \
            u_ = used(top_, k_ ? PAT_B : PAT_A);                              \
            if (u_ > d_) d_ = u_;                                             \
            if (s_ != ATTN_OK) st_ = s_;                                      \
        }                                                                     \
        note(name, d_, st_);                                                  \
        track_arenas();                                                       \
    } while (0)
#define MEASURE_WITH(setup, fn, args) MEASURE_AS(#fn, setup, fn args)
#define MEASURE(fn, args) MEASURE_AS(#fn, (void)0, fn args)

/* ---- memory --------------------------------------------------------------- */

#define SEQ DIGITS_SEQ
#define D DIGITS_D_MODEL
#define F32_BYTES ATTN_MODEL_SCRATCH_F32(SEQ, D, DIGITS_N_HEADS, DIGITS_D_FF)

/* The micro:bit's 16 KB hold this program's data, the C library's heap and
   the painted window below the stack: the digits activations and the store
   of the small quantized models (4,656 B on 32-bit targets) share memory;
   the small models have activations of their own. */
#ifndef STACK_STORE_BYTES
#define STACK_STORE_BYTES (sizeof(void *) > 4 ? 8192 : 4864)
#endif
#define V_MAX (SEQ * 9) /* the small models' [seq][d_model] */
static uint8_t g_scratch_buf[F32_BYTES] ATTN_ALIGNED; /* the largest need: the float model */
static union {
    struct {
        float f[2][SEQ * D]; /* float activations */
        int8_t s[5][SEQ * D]; /* int8 activations  */
    } digits;
    uint8_t store[STACK_STORE_BYTES];
} g_mem ATTN_ALIGNED;
#define g_f g_mem.digits.f
#define g_s g_mem.digits.s
#define g_store_buf g_mem.store
static float g_vf[V_MAX];
static int8_t g_vs[2][V_MAX];
#define RESET_ARENA attn_arena_init(&g_arena, g_scratch_buf, sizeof g_scratch_buf)

static float g_x[SEQ * DIGITS_D_IN]; /* the digits input */
static int32_t g_fused[DIGITS_D_FF];
static float g_logits[DIGITS_N_CLASSES];
static int8_t g_logits8[DIGITS_N_CLASSES];
static const uint8_t g_pad[SEQ] = {0, 0, 0, 0, 0, 0, 1, 1}; /* last two keys padded */
static volatile float g_pixel_scale = 1.0f / 16.0f;
static float g_nan; /* a quiet NaN, made at run time (0/0) */

/* ---- the digits model: every kernel, layer and model ------------------- */

/* attention shapes beside the model's: an odd sequence with one 32-wide
   head, 3 queries on 8 keys with two 16-wide heads, 8 heads of width 4 */
static const attn_mha_cfg odd = {SEQ - 1, SEQ - 1, D, 1, 0};
static const attn_mha_cfg cross = {3, SEQ, D, 2, 0};
static const attn_mha_cfg narrow = {SEQ, SEQ, D, 8, 1};

/* (one MEASURE per call; clang-tidy counts the macro's statements:
   NOLINTNEXTLINE(readability-function-size)) */
static void digits_float(void)
{
    static const attn_mha_cfg cfg = {SEQ, SEQ, D, DIGITS_N_HEADS, 0};
    static const attn_mha_cfg causal = {SEQ, SEQ, D, DIGITS_N_HEADS, 1};
    const attn_encoder_layer_weights_f32 *lw = &digits_layers[0];
    attn_mha_weights_f32 packed;
    size_t bytes, mark;
    void *ptr;
    int index;

    MEASURE(attn_arena_init, (&g_arena, g_scratch_buf, sizeof g_scratch_buf));
    MEASURE_WITH(RESET_ARENA, attn_arena_alloc, (&g_arena, 100, &ptr));
    mark = g_arena.used;
    MEASURE_WITH(attn_arena_alloc(&g_arena, 64, &ptr), attn_arena_release, (&g_arena, mark));
    MEASURE_AS("attn_status_str", (void)0, attn_status_str(ATTN_ERR_ARENA)[0] ? ATTN_OK : ATTN_ERR_NULL);

    /* embedding, positions, norm, activations, softmax, pooling: g_f[1]
       becomes the position-added embedding, the input of everything else */
    MEASURE(attn_linear_f32, (g_f[0], g_x, digits_embed_w, digits_embed_b, SEQ, DIGITS_D_IN, D));
    MEASURE_WITH(memcpy(g_f[1], g_f[0], sizeof g_f[1]), attn_pos_learned_f32,
                 (g_f[1], digits_pos, SEQ, D));
    MEASURE(attn_pos_sinusoidal_f32, (g_f[0], SEQ, D));
    MEASURE(attn_layernorm_f32, (g_f[0], g_f[1], lw->norm1_w, lw->norm1_b, 1e-5f, SEQ, D));
    /* a NaN row (accepted: NaN out): sqrtf of a NaN takes libm's own path */
    MEASURE_WITH(g_f[0][0] = g_nan, attn_layernorm_f32,
                 (g_f[0], g_f[0], lw->norm1_w, lw->norm1_b, 1e-5f, 1, D));
    MEASURE(attn_linear_f32, (g_f[0], g_f[1], lw->ff2_w, lw->ff2_b, SEQ / 2, DIGITS_D_FF, D));
    MEASURE(attn_linear_f32, (g_f[0], g_f[1], lw->attn.wq, NULL, 1, D, D));
    MEASURE(attn_relu_f32, (g_f[0], g_f[1], SEQ * D));
    MEASURE(attn_gelu_f32, (g_f[0], g_f[1], SEQ * D));
    MEASURE(attn_gelu_tanh_f32, (g_f[0], g_f[1], SEQ * D));
    MEASURE(attn_softmax_f32, (g_f[0], g_f[1], SEQ, D));
    MEASURE(attn_pool_f32, (g_f[0], g_f[1], g_pad, ATTN_POOL_MEAN, SEQ, D));
    MEASURE(attn_pool_f32, (g_f[0], g_f[1], NULL, ATTN_POOL_MEAN, SEQ, D));
    MEASURE(attn_pool_f32, (g_f[0], g_f[1], NULL, ATTN_POOL_FIRST, SEQ, D));
    MEASURE(attn_argmax_f32, (&index, g_f[1], D));

    /* attention: the position-added embedding as q, k, v */
    MEASURE(attn_sdpa_scratch_f32, (&cfg, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_f32, (g_f[0], g_f[1], g_f[1], g_f[1], NULL, &cfg, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_f32,
                 (g_f[0], g_f[1], g_f[1], g_f[1], g_pad, &causal, &g_arena));
    MEASURE(attn_mha_scratch_f32, (&cfg, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_mha_f32,
                 (g_f[0], g_f[1], g_f[1], g_f[1], NULL, &cfg, &lw->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_f32,
                 (g_f[0], g_f[1], g_f[1], g_f[1], g_pad, &causal, &lw->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_f32, (g_f[0], g_f[1], g_f[1], g_f[1], NULL, &odd, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_f32, (g_f[0], g_f[1], g_f[1], g_f[1], g_pad, &cross, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_f32, (g_f[0], g_f[1], g_f[1], g_f[1], NULL, &narrow, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_f32, (g_f[0], g_f[1], g_f[1], g_f[1], NULL, &odd, &lw->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_f32,
                 (g_f[0], g_f[1], g_f[1], g_f[1], g_pad, &cross, &lw->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_f32,
                 (g_f[0], g_f[1], g_f[1], g_f[1], NULL, &narrow, &lw->attn, &g_arena));
    MEASURE(attn_mha_weights_packed_f32, (&packed, digits_l0_in_proj_w, digits_l0_in_proj_b,
                                          digits_l0_out_w, digits_l0_out_b, D));

    /* the layer, the encoder, the model */
    MEASURE(attn_encoder_layer_scratch_f32, (&digits_cfg.encoder, SEQ, &bytes));
    MEASURE_WITH((RESET_ARENA, memcpy(g_f[0], g_f[1], sizeof g_f[0])), attn_encoder_layer_f32,
                 (g_f[0], SEQ, NULL, &digits_cfg.encoder, lw, &g_arena));
    MEASURE(attn_encoder_scratch_f32, (&digits_cfg.encoder, SEQ, &bytes));
    MEASURE_WITH((RESET_ARENA, memcpy(g_f[0], g_f[1], sizeof g_f[0])), attn_encoder_f32,
                 (g_f[0], SEQ, g_pad, &digits_cfg.encoder, &digits_weights.encoder, &g_arena));
    MEASURE(attn_model_scratch_f32, (&digits_cfg, SEQ, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_model_f32,
                 (g_logits, g_x, SEQ, NULL, &digits_cfg, &digits_weights, &g_arena));
    /* NaN input pixels (accepted: NaN logits) */
    memcpy(g_f[1], g_x, sizeof g_x);
    g_f[1][3] = g_nan;
    MEASURE_WITH(RESET_ARENA, attn_model_f32,
                 (g_logits, g_f[1], SEQ, NULL, &digits_cfg, &digits_weights, &g_arena));
}

/* NOLINTNEXTLINE(readability-function-size): as digits_float */
static void digits_int8(void)
{
    static const attn_mha_cfg cfg = {SEQ, SEQ, D, DIGITS_N_HEADS, 0};
    static const attn_mha_cfg causal = {SEQ, SEQ, D, DIGITS_N_HEADS, 1};
    const attn_encoder_layer_s8_params *lp = &digits_s8_layers[0];
    attn_qparams in_q;
    attn_linear_s8_params plain;
    attn_add_s8_params add;
    attn_softmax_s8_params sm;
    attn_qmul m;
    int32_t r;
    size_t bytes;

    in_q.scale = digits_s8.in_scale;
    in_q.zero_point = digits_s8.in_zp;
    /* the quantizer's small functions */
    MEASURE(attn_quantize_multiplier, (0.0625 * 1.4426950408889634 * 65536.0, &m));
    sm.in_mul = m;
    MEASURE(attn_quantize_multiplier, (3.1e-5, &m));
    MEASURE(attn_choose_qparams, (-1.5f, 2.25f, &in_q));
    in_q.scale = digits_s8.in_scale;
    in_q.zero_point = digits_s8.in_zp;
    MEASURE(attn_quantize_s8, (g_s[0], g_x, SEQ * DIGITS_D_IN, in_q));
    MEASURE(attn_dequantize_s8, (g_f[0], g_s[0], SEQ * DIGITS_D_IN, in_q));

    /* embedding (fused bias, and the plain path without it), positions */
    MEASURE(attn_linear_s8, (g_s[1], g_s[0], &digits_s8.embed, SEQ, DIGITS_D_IN, D));
    plain = digits_s8.embed;
    plain.fused_bias = NULL;
    MEASURE(attn_linear_s8, (g_s[1], g_s[0], &plain, SEQ, DIGITS_D_IN, D));
    MEASURE(attn_linear_s8, (g_s[1], g_s[0], &plain, 1, DIGITS_D_IN, D));
    MEASURE(attn_add_s8, (g_s[1], g_s[1], digits_s8.pos, SEQ * D, &digits_s8.pos_add));
    add = digits_s8.pos_add; /* shifts outside the quantizer's: the general path */
    add.a_mul.shift = 0;
    add.b_mul.shift = -1;
    add.out_mul.shift = 0;
    MEASURE(attn_add_s8, (g_s[0], g_s[1], digits_s8.pos, SEQ * D, &add));
    MEASURE(attn_linear_fuse_bias_s8, (g_fused, &lp->ff1, D, DIGITS_D_FF));

    /* q, k, v of the layer, attention, the block's norm */
    MEASURE(attn_linear_s8, (g_s[2], g_s[1], &lp->attn.q, SEQ, D, D));
    MEASURE(attn_linear_s8, (g_s[3], g_s[1], &lp->attn.k, SEQ, D, D));
    MEASURE(attn_linear_s8, (g_s[4], g_s[1], &lp->attn.v, SEQ - 1, D, D));
    MEASURE(attn_sdpa_scratch_s8, (&cfg, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_s8,
                 (g_s[0], g_s[2], g_s[3], g_s[4], NULL, &cfg, &lp->attn.sdpa, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_s8,
                 (g_s[0], g_s[2], g_s[3], g_s[4], g_pad, &causal, &lp->attn.sdpa, &g_arena));
    MEASURE(attn_mha_scratch_s8, (&cfg, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_mha_s8,
                 (g_s[0], g_s[1], g_s[1], g_s[1], NULL, &cfg, &lp->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_s8,
                 (g_s[0], g_s[1], g_s[1], g_s[1], g_pad, &causal, &lp->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_s8,
                 (g_s[0], g_s[2], g_s[3], g_s[4], NULL, &odd, &lp->attn.sdpa, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_s8,
                 (g_s[0], g_s[2], g_s[3], g_s[4], g_pad, &cross, &lp->attn.sdpa, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_sdpa_s8,
                 (g_s[0], g_s[2], g_s[3], g_s[4], NULL, &narrow, &lp->attn.sdpa, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_s8, (g_s[0], g_s[1], g_s[1], g_s[1], NULL, &odd, &lp->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_s8,
                 (g_s[0], g_s[1], g_s[1], g_s[1], g_pad, &cross, &lp->attn, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_mha_s8,
                 (g_s[0], g_s[1], g_s[1], g_s[1], NULL, &narrow, &lp->attn, &g_arena));
    MEASURE(attn_layernorm_s8, (g_s[2], g_s[1], &lp->norm1, SEQ, D));
    MEASURE(attn_layernorm_s8, (g_s[2], g_s[1], &lp->norm1, 1, D));
    MEASURE(attn_softmax_s8, (g_s[3], g_s[2], &sm, SEQ, D));
    MEASURE(attn_relu_s8, (g_s[3], g_s[2], SEQ * D, lp->ff1.out_zp));
    MEASURE(attn_lut_s8, (g_s[3], g_s[2], SEQ * D, digits_s8_pos));
    MEASURE(attn_requantize, (&r, 123456, lp->ff1.requant[0]));
    MEASURE(attn_pool_s8, (g_s[3], g_s[2], g_pad, ATTN_POOL_MEAN, SEQ, D, lp->norm1.out_zp));
    MEASURE(attn_pool_s8, (g_s[3], g_s[2], NULL, ATTN_POOL_MEAN, SEQ, D, lp->norm1.out_zp));
    MEASURE(attn_pool_s8, (g_s[3], g_s[2], NULL, ATTN_POOL_FIRST, SEQ, D, lp->norm1.out_zp));

    /* the layer, the encoder, the model */
    MEASURE(attn_encoder_layer_scratch_s8, (&digits_cfg.encoder, SEQ, &bytes));
    MEASURE_WITH((RESET_ARENA, memcpy(g_s[0], g_s[1], sizeof g_s[0])), attn_encoder_layer_s8,
                 (g_s[0], SEQ, NULL, &digits_cfg.encoder, lp, &g_arena));
    MEASURE(attn_encoder_scratch_s8, (&digits_cfg.encoder, SEQ, &bytes));
    MEASURE_WITH((RESET_ARENA, memcpy(g_s[0], g_s[1], sizeof g_s[0])), attn_encoder_s8,
                 (g_s[0], SEQ, g_pad, &digits_cfg.encoder, &digits_s8.encoder, &g_arena));
    MEASURE(attn_model_scratch_s8, (&digits_cfg, SEQ, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_model_s8,
                 (g_logits8, g_s[0], SEQ, NULL, &digits_cfg, &digits_s8, &g_arena));
}

/* ---- smaller models with the other options, quantized here -------------- */

typedef struct {
    attn_model_cfg cfg;
    int seq, n_layers, final_norm, padded; /* padded: keys at the end masked */
} variant;

/* d_model, heads, d_ff, activation, norm_first, causal, eps; d_in, max_seq,
   position, pooling, classes; seq, layers, final norm, padded keys */
static const variant g_variants[3] = {
    {{{8, 2, 16, ATTN_ACT_RELU, 0, 0, 1e-5f}, 8, 8, ATTN_POS_LEARNED, ATTN_POOL_MEAN, 10},
     8, 1, 1, 0},
    {{{9, 3, 12, ATTN_ACT_GELU, 1, 1, 1e-5f}, 8, 8, ATTN_POS_SINUSOIDAL, ATTN_POOL_FIRST, 10},
     7, 1, 1, 2},
    {{{8, 1, 16, ATTN_ACT_GELU_TANH, 0, 0, 1e-5f}, 0, 8, ATTN_POS_NONE, ATTN_POOL_MEAN, 10},
     8, 2, 0, 1},
};
#define N_CALIB 4

static attn_encoder_layer_weights_f32 g_vlayers[2];
static attn_model_weights_f32 g_vw;
static attn_model_s8_params g_vq;
static attn_encoder_s8_params g_veq;
static uint8_t g_vpad[N_CALIB * SEQ];

/* Float weights of the shapes of v, pointing into the digits model's
   arrays (each holds at least what the smaller shape reads). */
static void variant_weights(const variant *v)
{
    int d = v->cfg.encoder.d_model, l;
    for (l = 0; l < 2; l++) {
        attn_encoder_layer_weights_f32 *w = &g_vlayers[l];
        w->attn.wq = digits_l0_in_proj_w + l * 64;
        w->attn.wk = digits_l0_in_proj_w + d * d + l * 64;
        w->attn.wv = digits_l0_in_proj_w + 2 * d * d + l * 64;
        w->attn.bq = digits_l0_in_proj_b;
        w->attn.bk = digits_l0_in_proj_b + 32;
        w->attn.bv = digits_l0_in_proj_b + 64;
        w->attn.wo = digits_l0_out_w + l * 64;
        w->attn.bo = digits_l0_out_b;
        w->ff1_w = digits_l0_ff1_w + l * 64;
        w->ff1_b = digits_l0_ff1_b;
        w->ff2_w = digits_l0_ff2_w + l * 64;
        w->ff2_b = digits_l0_ff2_b;
        w->norm1_w = digits_l0_norm1_w;
        w->norm1_b = digits_l0_norm1_b;
        w->norm2_w = digits_l0_norm2_w;
        w->norm2_b = digits_l0_norm2_b;
    }
    g_vw.embed_w = digits_embed_w;
    g_vw.embed_b = digits_embed_b;
    g_vw.pos = digits_pos;
    g_vw.encoder.layers = g_vlayers;
    g_vw.encoder.n_layers = v->n_layers;
    g_vw.encoder.final_norm = v->final_norm;
    g_vw.encoder.norm_w = digits_norm_w;
    g_vw.encoder.norm_b = digits_norm_b;
    g_vw.cls_w = digits_cls_w;
    g_vw.cls_b = digits_cls_b;
}

static void variant_run(const variant *v)
{
    const attn_model_cfg *c = &v->cfg;
    const attn_encoder_cfg *e = &c->encoder;
    const float *calib = &digits_calib[0][0]; /* [N_CALIB][seq][width], flat */
    const uint8_t *pad = v->padded ? g_vpad : NULL;
    int d = e->d_model, width = c->d_in ? c->d_in : d, i;
    size_t x_bytes = sizeof(float) * (size_t)(v->seq * d);
    attn_qparams in_q, out_q;

    if (v->seq * (d > width ? d : width) > V_MAX || v->seq > SEQ) {
        g_bad_setup = 1;
        return;
    }
    variant_weights(v);
    for (i = 0; i < N_CALIB * v->seq; i++) g_vpad[i] = (uint8_t)(i % v->seq >= v->seq - v->padded);

    /* float: the layer, the encoder and the model on the first sequence */
    MEASURE_WITH((RESET_ARENA, memcpy(g_vf, calib, x_bytes)), attn_encoder_layer_f32,
                 (g_vf, v->seq, pad, e, &g_vlayers[0], &g_arena));
    MEASURE_WITH((RESET_ARENA, memcpy(g_vf, calib, x_bytes)), attn_encoder_f32,
                 (g_vf, v->seq, pad, e, &g_vw.encoder, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_model_f32, (g_logits, calib, v->seq, pad, c, &g_vw, &g_arena));

    /* the quantizer makes the model's int8 parameters, which then run */
    MEASURE_WITH((RESET_ARENA, attn_arena_init(&g_store, g_store_buf, sizeof g_store_buf)),
                 attn_quantize_model_s8,
                 (&g_vq, c, &g_vw, calib, pad, N_CALIB, v->seq, &g_store, &g_arena));
    in_q.scale = g_vq.in_scale;
    in_q.zero_point = g_vq.in_zp;
    if (attn_quantize_s8(g_vs[1], calib, v->seq * width, in_q) != ATTN_OK) g_bad_setup = 1;
    MEASURE_WITH(RESET_ARENA, attn_model_s8, (g_logits8, g_vs[1], v->seq, pad, c, &g_vq, &g_arena));

    /* the encoder alone, quantized (the model's store is given back), run */
    MEASURE_WITH((RESET_ARENA, attn_arena_init(&g_store, g_store_buf, sizeof g_store_buf)),
                 attn_quantize_encoder_s8, (&g_veq, &in_q, &out_q, e, &g_vw.encoder, calib, pad,
                                            N_CALIB, v->seq, &g_store, &g_arena));
    if (attn_quantize_s8(g_vs[1], calib, v->seq * d, in_q) != ATTN_OK) g_bad_setup = 1;
    MEASURE_WITH((RESET_ARENA, memcpy(g_vs[0], g_vs[1], sizeof g_vs[0])), attn_encoder_layer_s8,
                 (g_vs[0], v->seq, pad, e, &g_veq.layers[0], &g_arena));
    MEASURE_WITH((RESET_ARENA, memcpy(g_vs[0], g_vs[1], sizeof g_vs[0])), attn_encoder_s8,
                 (g_vs[0], v->seq, pad, e, &g_veq, &g_arena));
    if (g_veq.layers[0].gelu_table)
        MEASURE(attn_lut_s8, (g_vs[0], g_vs[1], v->seq * d, g_veq.layers[0].gelu_table));
}

/* ---- main ------------------------------------------------------------------ */

int main(void)
{
    int i, failed = 0, worst = -1, worst_q = -1;
    uint32_t *sp;

    /* every printf comes before the painting starts or after it ends: the
       C library's buffers (in the heap, below the painted window) are in
       place first */
    printf("stack: painted-stack depth of every public function (attention.h %d.%d.%d)\n",
           ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH);
    (void)fflush(stdout); /* (nothing to do if it fails) */
    sp = stack_pointer();
    g_floor = sp - STACK_WINDOW / 4;
#if defined(__arm__)
    {
        extern char end; /* sections.ld: the first byte after .bss (the heap) */
        /* newlib's heap break (a reserved name, the C library's):
           NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
        extern void *_sbrk(ptrdiff_t incr);
        char *brk = (char *)_sbrk(0);
        if ((char *)g_floor < &end || (char *)g_floor < brk) {
            printf("stack: the %d-byte window below %p reaches the heap or .bss (%p, break %p)\n",
                   STACK_WINDOW, (void *)sp, (void *)&end, (void *)brk);
            return 1;
        }
    }
#endif
    for (i = 0; i < SEQ * DIGITS_D_IN; i++) g_x[i] = (float)digits_test_pixels[0][i] * g_pixel_scale;
    g_nan = g_pixel_scale * 0.0f;
    /* cppcheck-suppress duplicateExpression ; 0 / 0 is the point: a NaN */
    g_nan = g_nan / g_nan;

    digits_float();
    digits_int8();
    for (i = 0; i < 3; i++) variant_run(&g_variants[i]);

    for (i = 0; i < g_n_res; i++) {
        const result *r = &g_res[i];
        int ok = r->bad == 0 && !g_window_hit;
        printf("stack %s: %lu bytes (%d calls)%s\n", r->name, (unsigned long)r->bytes, r->calls,
               r->bad ? ", A CALL FAILED" : "");
        failed += !ok;
        if (r->quantizer) {
            if (worst_q < 0 || r->bytes > g_res[worst_q].bytes) worst_q = i;
        } else if (worst < 0 || r->bytes > g_res[worst].bytes) {
            worst = i;
        }
    }
#if !defined(__arm__)
    printf("stack: a host build paints nothing (every figure 0): it checks the calls only\n");
#endif
    if (worst >= 0)
        printf("stack worst inference: %s %lu bytes\n", g_res[worst].name,
               (unsigned long)g_res[worst].bytes);
    if (worst_q >= 0)
        printf("stack worst quantizer: %s %lu bytes\n", g_res[worst_q].name,
               (unsigned long)g_res[worst_q].bytes);
    printf("arena high water %lu of %lu B, store %lu of %lu B\n", (unsigned long)g_arena_max,
           (unsigned long)sizeof g_scratch_buf, (unsigned long)g_store_max,
           (unsigned long)sizeof g_store_buf);
    /* one check per function, one for the setup */
    if (g_window_hit) printf("stack: a call reached the end of the %d-byte window\n", STACK_WINDOW);
    if (g_bad_setup) printf("stack: a setup call failed (not ATTN_OK)\n");
    printf("%d passed, %d failed\n", g_n_res + 1 - failed - (g_bad_setup != 0), failed + (g_bad_setup != 0));
    return failed || g_bad_setup ? 1 : 0;
}
