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
   models, the first calibration image) for every kernel, layer and model,
   with more attention shapes (odd sequence, 3 queries on 8 keys, head
   widths 4 to 32, masks), NaN data (accepted: libm then takes other paths)
   and the general paths of the int8 add; three smaller models that point
   into the digits weights with other shapes and options (pre-norm, GELU,
   tanh GELU, causal, padding, sinusoidal or no positions, first-token
   pooling, two layers, no input embedding, head width 3), so that each
   option's path runs: each is quantized on the board (the quantizer
   measured), then run in float and int8. And the decoder half: five
   decoder, encoder-decoder and decoder-only models in the digits weights
   (widths 32 - the digits layer itself, head widths 8 and 16 -, 8 and 6;
   post- and pre-norm, ReLU, GELU, tanh GELU, one and two layers, learned,
   sinusoidal or no positions, embedding scales, target and memory
   padding), each run in float (the decoder layer and stack, a KV cache
   stepped until it is full, encoder steps, encode / step / greedy), then
   quantized on the board by the decoder, seq2seq and LM quantizers and run
   the same way in int8 (the width-32 ones where STACK_BIG_BYTES leaves
   room: not on the micro:bit). Every call must return ATTN_OK (a refused
   call would measure a shorter path); the step after a full cache must be
   ATTN_ERR_FULL (checked, not measured).

   Prints "stack FUNCTION: N bytes" per public function (the deepest of its
   calls), the worst inference function and the worst model quantizer
   (tests/run_suite.sh holds them to the documented bounds, the Makefile's
   STACK_BOUND and STACK_BOUND_QUANT), then "N passed, N failed": a
   function passes if every call returned ATTN_OK. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "digits_calib.h"
#define DIGITS_MODEL_IMPLEMENTATION
#define DIGITS_MODEL_S8_IMPLEMENTATION
#include "digits_model.h"
#include "digits_model_s8.h"

/* The calibration and input rows the calls read: the digits examples'
   (rows 0..7: the inputs and targets; 32..41: the memories) or, on the
   micro:bit (STACK_BIG_BYTES 0: its flash), 18 rows of pixel-like values
   made here (the memories from row 8): stack depth does not depend on the
   values. */
#if !defined(STACK_BIG_BYTES) || STACK_BIG_BYTES > 0
#define CALIB (&digits_calib[0][0])
#define CALIB_MEM (&digits_calib[32][0])
#else
#define C2(F, i) F(i), F((i) + 1)
#define C4(F, i) C2(F, i), C2(F, (i) + 2)
#define C8(F, i) C4(F, i), C4(F, (i) + 4)
#define C16(F, i) C8(F, i), C8(F, (i) + 8)
#define C32(F, i) C16(F, i), C16(F, (i) + 16)
#define C64(F, i) C32(F, i), C32(F, (i) + 32)
#define C128(F, i) C64(F, i), C64(F, (i) + 64)
#define C256(F, i) C128(F, i), C128(F, (i) + 128)
#define C512(F, i) C256(F, i), C256(F, (i) + 256)
#define C1K(F, i) C512(F, i), C512(F, (i) + 512)
#define PIX(i) ((float)(((unsigned)(i) * 37u + 11u) % 17u) * 0.0625f) /* 0 .. 1 */
static const float g_calib_small[18 * 64] = {C1K(PIX, 0), C128(PIX, 1024)};
#define CALIB (&g_calib_small[0])
#define CALIB_MEM (&g_calib_small[8 * 64])
#endif

/* bytes painted below the caller's stack pointer (more than any call takes) */
#ifndef STACK_WINDOW
#define STACK_WINDOW 3072
#endif

/* ---- painting ------------------------------------------------------------ */

/* The two patterns, read from memory where they are used: a register of
   the measuring function holding a pattern across the call would reach
   the stack in the callee's push of it and hide that word (both passes). */
static volatile uint32_t g_pat[2] = {0xA5C3E1F7u, 0x5A3C1E08u};

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
/* p = the deepest word from g_floor up to below top that lost the
   pattern (top if none): right after the measured call, in the same
   function and in registers (a frame of its own would overwrite the words
   it reads). ldmia steps past the word it loads: one back if it differed. */
#define SCAN(top, pat, p)                                                     \
    do {                                                                      \
        uint32_t pat_ = (pat), w_ = pat_;                                     \
        (p) = g_floor;                                                        \
        __asm volatile("1:\n\t"                                               \
                       "cmp %0, %2\n\t"                                       \
                       "bcs 2f\n\t"                                           \
                       "ldmia %0!, {%1}\n\t"                                  \
                       "cmp %1, %3\n\t"                                       \
                       "beq 1b\n"                                             \
                       "2:"                                                   \
                       : "+&l"(p), "+&l"(w_)                                  \
                       : "l"(top), "l"(pat_)                                  \
                       : "cc", "memory");                                     \
        if (w_ != pat_) (p)--;                                                \
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
#define SCAN(top, pat, p) ((p) = (top), (void)(pat))
static uint32_t *stack_pointer(void) { return &g_host_word + 1; }
#endif

/* The helpers after the scan: not inlined into every call site (the M0's
   flash). */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* Bytes between top and p, the deepest word that lost the pattern. */
static NOINLINE uint32_t used(const uint32_t *top, const uint32_t *p)
{
    if (p == g_floor && p < top) g_window_hit = 1;
    return (uint32_t)((const char *)top - (const char *)p);
}

/* ---- results ------------------------------------------------------------- */

typedef struct {
    const char *name;
    uint16_t bytes;      /* the deepest of its calls                 */
    unsigned char calls; /* how many were measured (up to 255)       */
    unsigned char bad;   /* calls that did not return ATTN_OK        */
} result;

/* one per public function (93 in 0.5.0, 98 with additive attention) */
#if defined(STACK_BIG_BYTES) && STACK_BIG_BYTES == 0
static result g_res[116]; /* (the micro:bit measures no blob loader: its RAM holds no blob) */
#else
static result g_res[120]; /* (118 public functions; the micro:bit's RAM is tight) */
#endif
static int g_n_res;
static int g_bad_setup;

static size_t g_arena_max, g_store_max;
static attn_arena g_arena, g_store;
static NOINLINE void track_arenas(void)
{
    if (g_arena.high_water > g_arena_max) g_arena_max = g_arena.high_water;
    if (g_store.high_water > g_store_max) g_store_max = g_store.high_water;
}

static NOINLINE void note(const char *name, uint32_t bytes, attn_status st)
{
    int i;
    for (i = 0; i < g_n_res && strcmp(g_res[i].name, name) != 0; i++) {}
    if (i == g_n_res) {
        if (g_n_res == (int)(sizeof g_res / sizeof g_res[0])) { g_bad_setup = 1; return; }
        g_res[g_n_res].name = name;
        g_n_res++;
    }
    if (bytes > g_res[i].bytes) g_res[i].bytes = (uint16_t)(bytes < 65535u ? bytes : 65535u);
    if (g_res[i].calls < 255) g_res[i].calls++;
    if (st != ATTN_OK) g_res[i].bad++;
#ifdef STACK_DEBUG /* on the host: each call, its status and the arenas */
    printf("  %s: %lu B, %s, arena %lu/%lu, store %lu/%lu\n", name, (unsigned long)bytes,
           attn_status_str(st), (unsigned long)g_arena.high_water, (unsigned long)g_arena.size,
           (unsigned long)g_store.high_water, (unsigned long)g_store.size);
#endif
}

/* MEASURE(fn, (args)): fn(args) twice, painted; ATTN_OK expected.
   MEASURE_WITH(setup, fn, (args)): setup runs before each of the two calls,
   outside the measurement (an arena reset, an input copy). MEASURE_AS:
   the same for an expression of type attn_status, under a given name. */
#if defined(__clang__) /* two passes, not unrolled (the M0's flash) */
#define ONE_PASS_EACH _Pragma("clang loop unroll(disable)")
#else
#define ONE_PASS_EACH
#endif
#define MEASURE_AS(name, setup, call)                                         \
    do {                                                                      \
        uint32_t d_ = 0, u_, *top_, *low_;                                    \
        attn_status st_ = ATTN_OK, s_;                                        \
        int k_;                                                               \
        ONE_PASS_EACH                                                         \
        for (k_ = 0; k_ < 2; k_++) {                                          \
            setup;                                                            \
            PAINT(top_, g_pat[k_]);                                           \
            s_ = call;                                                        \
            SCAN(top_, g_pat[k_], low_);                                      \
            u_ = used(top_, low_);                                            \
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
#define N_CALIB_TOK 2   /* the token model's calibration sequences */
/* The scratch arena's buffer (the largest need of the digits part: the
   float model) and beside it the digits activations or the store; the
   decoder half splits the whole (g_ram.pool) between its scratch and its
   store (pool_split). */
static union {
    struct {
        uint8_t scratch[F32_BYTES];
        union {
            struct {
                float f[2][SEQ * D];  /* float activations */
                int8_t s[5][SEQ * D]; /* int8 activations  */
            } digits;
            uint8_t store[STACK_STORE_BYTES];
        } mem;
    } enc;
    uint8_t pool[F32_BYTES + STACK_STORE_BYTES];
} g_ram ATTN_ALIGNED;
#define g_scratch_buf g_ram.enc.scratch
#define g_f g_ram.enc.mem.digits.f
#define g_s g_ram.enc.mem.digits.s
#define g_store_buf g_ram.enc.mem.store
static float g_vf[V_MAX];
static int8_t g_vs[2][V_MAX];
/* the scratch arena's buffer (g_scratch_buf, or the decoder half's part of
   its pool) */
static uint8_t *g_scratch_at = g_scratch_buf;
static size_t g_scratch_bytes = sizeof g_scratch_buf;
#define RESET_ARENA attn_arena_init(&g_arena, g_scratch_at, g_scratch_bytes)

static float g_x[SEQ * DIGITS_D_IN]; /* the digits input */
static int32_t g_fused[DIGITS_D_FF];
static float g_logits[DIGITS_N_CLASSES];
static int8_t g_logits8[DIGITS_N_CLASSES];
static const uint8_t g_pad[SEQ] = {0, 0, 0, 0, 0, 0, 1, 1}; /* last two keys padded */
static volatile float g_zero = 0.0f;
static float g_nan; /* a quiet NaN, made at run time (0/0) */

/* ---- the digits model: every kernel, layer and model ------------------- */

/* attention shapes beside the model's: an odd sequence with one 32-wide
   head, 3 queries on 8 keys with two 16-wide heads, 8 heads of width 4 */
static const attn_mha_cfg odd = {SEQ - 1, SEQ - 1, D, 1, 0, 0};
static const attn_mha_cfg cross = {3, SEQ, D, 2, 0, 0};
static const attn_mha_cfg narrow = {SEQ, SEQ, D, 8, 1, 0};

/* (one MEASURE per call; clang-tidy counts the macro's statements:
   NOLINTNEXTLINE(readability-function-size)) */
static void digits_float(void)
{
    static const attn_mha_cfg cfg = {SEQ, SEQ, D, DIGITS_N_HEADS, 0, 0};
    static const attn_mha_cfg causal = {SEQ, SEQ, D, DIGITS_N_HEADS, 1, 0};
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
    static const attn_mha_cfg cfg = {SEQ, SEQ, D, DIGITS_N_HEADS, 0, 0};
    static const attn_mha_cfg causal = {SEQ, SEQ, D, DIGITS_N_HEADS, 1, 0};
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
static const variant g_variants[5] = {
    {{{8, 2, 16, ATTN_ACT_RELU, 0, 0, 1e-5f, 0}, 8, 8, ATTN_POS_LEARNED, ATTN_POOL_MEAN, 10, 0, 0, 0, 0, 0, 0, 0, 0},
     8, 1, 1, 0},
    {{{9, 3, 12, ATTN_ACT_GELU, 1, 1, 1e-5f, 0}, 8, 8, ATTN_POS_SINUSOIDAL, ATTN_POOL_FIRST, 10, 0, 0, 0, 0, 0, 0, 0, 0},
     7, 1, 1, 2},
    {{{8, 1, 16, ATTN_ACT_GELU_TANH, 0, 0, 1e-5f, 0}, 0, 8, ATTN_POS_NONE, ATTN_POOL_MEAN, 10, 0, 0, 0, 0, 0, 0, 0, 0},
     8, 2, 0, 1},
    /* the front ends (issue 11): a CLS row, a LayerNorm after the positions
       and attention pooling; ViT patches (a 1 x 4 x 6 image of 2 x 2
       squares: 6 patches of 4) with a CLS row and a windowed encoder */
    {{{8, 2, 16, ATTN_ACT_RELU, 0, 0, 1e-5f, 0}, 8, 8, ATTN_POS_LEARNED, ATTN_POOL_ATTENTION, 10, 1, 1, 0, 0, 0, 0, 0, 0},
     7, 1, 1, 2},
    {{{8, 2, 16, ATTN_ACT_GELU, 1, 0, 1e-5f, 2}, 4, 8, ATTN_POS_LEARNED, ATTN_POOL_FIRST, 10, 1, 0, 2, 1, 4, 6, 0, 0},
     6, 1, 1, 0},
};
/* a BERT-style token model: 20 tokens, 2 segments, positions, LayerNorm */
static const attn_model_cfg g_tok_cfg = {
    {8, 2, 16, ATTN_ACT_GELU, 0, 0, 1e-5f, 0}, 0, 8, ATTN_POS_LEARNED, ATTN_POOL_FIRST, 10,
    0, 1, 0, 0, 0, 0, 20, 2};
static int g_tok[N_CALIB_TOK * SEQ], g_seg[N_CALIB_TOK * SEQ];
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
    /* the front ends' vectors and tables: more of the digits arrays */
    g_vw.cls_token = digits_norm_w;
    g_vw.pool_w = digits_norm_b;
    g_vw.embed_norm_w = digits_l0_norm1_w;
    g_vw.embed_norm_b = digits_l0_norm1_b;
    g_vw.token_embed = digits_pos;     /* [20][8] of its [8][32] */
    g_vw.segment_embed = digits_cls_w; /* [2][8] */
}

/* The token model: float, quantized on the board, int8; then attention
   pooling alone on the variant's rows. */
static void tokens_run(void)
{
    const float *calib = CALIB;
    int i, seq = 8, d = g_tok_cfg.encoder.d_model;
    variant_weights(&g_variants[3]);
    for (i = 0; i < N_CALIB_TOK * SEQ; i++) {
        g_tok[i] = (i * 7 + 3) % g_tok_cfg.vocab;
        g_seg[i] = i % SEQ >= 4;
    }
    MEASURE_WITH(RESET_ARENA, attn_model_tokens_f32,
                 (g_logits, g_tok, g_seg, seq, NULL, &g_tok_cfg, &g_vw, &g_arena));
    MEASURE_WITH((RESET_ARENA, attn_arena_init(&g_store, g_store_buf, sizeof g_store_buf)),
                 attn_quantize_model_tokens_s8,
                 (&g_vq, &g_tok_cfg, &g_vw, g_tok, g_seg, NULL, N_CALIB_TOK, seq, &g_store,
                  &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_model_tokens_s8,
                 (g_logits8, g_tok, g_seg, seq, g_vpad, &g_tok_cfg, &g_vq, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_pool_attention_f32,
                 (g_vf, calib, g_vpad, g_vw.pool_w, seq, d, &g_arena));
}

static void variant_run(const variant *v)
{
    const attn_model_cfg *c = &v->cfg;
    const attn_encoder_cfg *e = &c->encoder;
    const float *calib = CALIB; /* [N_CALIB][seq][width], flat */
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
    {
        size_t bytes = 0;
        MEASURE(attn_quantize_model_store_bytes, (c, &g_vw, v->seq, 0, &bytes));
    }
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
    if (c->pooling == ATTN_POOL_ATTENTION) /* with the model's parameters */
        MEASURE_WITH(RESET_ARENA, attn_pool_attention_s8,
                     (g_vs[0], g_vs[1], pad, g_vq.pool_w, &g_vq.pool, v->seq, d, &g_arena));
}

/* STACK_NO_ADDITIVE (the micro:bit's clang -O2 program: its flash) leaves
   additive attention out; the other programs measure it. */
#ifndef STACK_NO_ADDITIVE
/* ---- additive attention (issue 11) ---------------------------------------- */

/* One head of additive attention on the digits' calibration images (8
   pixels per token: queries, keys and values of width 8), its weights in
   the digits model's embedding (Wq = Wk: [32][8], b its bias, v the first
   position row): hidden width 32 over all 8 keys, and 16 (the first 16
   rows) for 3 queries over the keys with the last two padded; quantized
   on the board, then in int8. */
static void additive_run(void)
{
    static const attn_additive_cfg full = {SEQ, SEQ, DIGITS_D_IN, DIGITS_D_IN, DIGITS_D_IN, D};
    static const attn_additive_cfg part = {3, SEQ, DIGITS_D_IN, DIGITS_D_IN, DIGITS_D_IN, 16};
    static const attn_additive_weights_f32 w = {digits_embed_w, digits_embed_w, digits_embed_b,
                                                digits_pos};
    const float *x = CALIB; /* [N_CALIB][SEQ][8], flat */
    attn_additive_s8_params p;
    attn_additive_qparams io;
    size_t bytes;

    MEASURE(attn_additive_scratch_f32, (&full, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_additive_f32, (g_vf, x, x, x, NULL, &full, &w, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_additive_f32, (g_vf, x, x, x, g_pad, &part, &w, &g_arena));
    MEASURE_WITH((RESET_ARENA, attn_arena_init(&g_store, g_store_buf, sizeof g_store_buf)),
                 attn_quantize_additive_s8,
                 (&p, &io, &full, &w, x, x, x, NULL, N_CALIB, &g_store, &g_arena));
    /* q, k and val saw the same calibration data: one encoding */
    if (attn_quantize_s8(g_vs[0], x, SEQ * DIGITS_D_IN, io.q) != ATTN_OK) g_bad_setup = 1;
    MEASURE(attn_additive_scratch_s8, (&full, &bytes));
    MEASURE_WITH(RESET_ARENA, attn_additive_s8,
                 (g_vs[1], g_vs[0], g_vs[0], g_vs[0], NULL, &full, &p, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_additive_s8,
                 (g_vs[1], g_vs[0], g_vs[0], g_vs[0], g_pad, &part, &p, &g_arena));
}
#endif

/* ---- the decoder half: decoders, the KV cache, generation ---------------- */

/* Decoder, encoder-decoder and decoder-only models with weights in the
   digits model's arrays: width 32 (the digits model's own: its attention,
   feed-forward and norms serve every layer) and smaller widths with the
   other options. Each runs in float - the decoder layer and stack, a cache
   stepped until it is full (the step after is ATTN_ERR_FULL, a setup
   check, not measured), encoder steps, encode / step / greedy - then is
   quantized on the board by each of the three new quantizers and run in
   int8 the same way. The width-32 models' int8 parameters (12 to 40 KB of
   store) do not fit the micro:bit: they are quantized where
   STACK_BIG_BYTES is not 0 (the M4 and the host), their float runs
   everywhere. */
typedef struct {
    attn_encoder_cfg cfg; /* the decoder's and the LM's layers (causal); the
                             encoder of the encoder-decoder: causal off */
    attn_position position;
    float embed_scale;
    int n_dec, n_lm, final_norm; /* decoder / LM layers, final norms   */
    int tgt, mem;                /* target rows (the cache's tokens),
                                    memory rows (source tokens)          */
    int tgt_pad, mem_pad;        /* rows at the end padded              */
    int big;                     /* quantized only where STACK_BIG_BYTES */
} dvariant;

/* d_model, heads, d_ff, activation, norm_first, causal, eps; positions,
   embedding scale; layers, final norm; rows, padded rows; big */
static const dvariant g_dvariants[5] = {
    {{32, 4, 64, ATTN_ACT_RELU, 0, 1, 1e-5f, 0}, ATTN_POS_LEARNED, 0.0f, 1, 1, 1, 5, 6, 1, 2, 1},
    {{32, 2, 64, ATTN_ACT_GELU, 1, 1, 1e-5f, 0}, ATTN_POS_SINUSOIDAL, 5.656854f, 2, 2, 0, 4, 3, 0, 1, 1},
    {{8, 2, 16, ATTN_ACT_RELU, 0, 1, 1e-5f, 0}, ATTN_POS_LEARNED, 0.0f, 1, 1, 1, 4, 5, 1, 1, 0},
    {{6, 3, 12, ATTN_ACT_GELU, 1, 1, 1e-5f, 0}, ATTN_POS_SINUSOIDAL, 2.4494897f, 1, 2, 1, 5, 3, 2, 0, 0},
    {{8, 1, 16, ATTN_ACT_GELU_TANH, 0, 1, 1e-5f, 0}, ATTN_POS_NONE, 0.0f, 1, 1, 0, 3, 4, 0, 1, 0},
};
#define VOCAB 10    /* both vocabularies: the classifier's 10 rows are the output layer */
#define N_DCALIB 3  /* calibration sequences of the three quantizers */
#define OBS_BYTES 256 /* a quantizer's per-layer observations (252 B), aligned */

#ifndef STACK_BIG_BYTES
#define STACK_BIG_BYTES 65536
#endif
#if STACK_BIG_BYTES > 0
static uint8_t g_big[STACK_BIG_BYTES] ATTN_ALIGNED;
#endif

/* token ids (< VOCAB): sources, targets, calibration, read with any stride */
static const int g_tokens[32] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
                                 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5};
static const int g_segs[32] = {0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0,
                               0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1}; /* segment ids */
static const int g_src_len[N_DCALIB] = {6, 2, 5}; /* clipped to the variant's rows */
static const int g_tgt_len[N_DCALIB] = {5, 3, 1};
static int g_slen[N_DCALIB], g_tlen[N_DCALIB];
static uint8_t g_mpad[N_DCALIB * SEQ]; /* [N_DCALIB][mem]: memory padding  */
static int g_out[SEQ];

static attn_decoder_layer_weights_f32 g_dlayers[2];
static attn_seq2seq_weights_f32 g_s2w;  /* its encoder and decoder also run alone */
static attn_lm_weights_f32 g_lmw;
static attn_seq2seq_cfg g_s2c;
static attn_lm_cfg g_lmc;
static attn_kv_cache g_cache, g_saved;
static union {
    struct {
        attn_decoder_s8_params p;
        attn_qparams in, mem, out;
    } dec;
    attn_seq2seq_s8_params s2s;
    attn_lm_s8_params lm;
} g_q8;

/* the pool the decoder half works in, split between the scratch arena
   (its first bytes) and the store (the rest) */
static uint8_t *g_pool;
static size_t g_pool_bytes;
static void pool_split(size_t scratch)
{
    scratch = (scratch + ATTN_ALIGN - 1) / ATTN_ALIGN * ATTN_ALIGN;
    if (scratch > g_pool_bytes) {
        g_bad_setup = 1;
        scratch = g_pool_bytes;
    }
    g_scratch_at = g_pool;
    g_scratch_bytes = scratch;
    RESET_ARENA;
    attn_arena_init(&g_store, g_pool + scratch, g_pool_bytes - scratch);
}

/* bytes from the store (kept until the next pool_split) */
static void *store_take(size_t bytes)
{
    void *p = NULL;
    if (attn_arena_alloc(&g_store, bytes, &p) != ATTN_OK) g_bad_setup = 1;
    return p;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* the attention weights of width d, in the digits model's (off: where in
   its arrays; rot: which of q, k, v takes which third) */
static attn_mha_weights_f32 mha_weights(int d, int off, int rot)
{
    attn_mha_weights_f32 a;
    const float *w = digits_l0_in_proj_w + off;
    int dd = d * d;
    a.wq = w + ((0 + rot) % 3) * dd;
    a.wk = w + ((1 + rot) % 3) * dd;
    a.wv = w + ((2 + rot) % 3) * dd;
    a.bq = digits_l0_in_proj_b + ((0 + rot) % 3) * 32;
    a.bk = digits_l0_in_proj_b + ((1 + rot) % 3) * 32;
    a.bv = digits_l0_in_proj_b + ((2 + rot) % 3) * 32;
    a.wo = digits_l0_out_w + off;
    a.bo = digits_l0_out_b;
    return a;
}

/* Float weights and configs of v: an encoder-decoder (one encoder layer,
   n_dec decoder layers) whose decoder also runs alone, and a decoder-only
   model of n_lm layers. */
static void dvariant_weights(const dvariant *v)
{
    int d = v->cfg.d_model, l;
    for (l = 0; l < 2; l++) {
        int off = d < 32 ? l * 64 : 0; /* width 32: every layer the digits layer */
        attn_encoder_layer_weights_f32 *e = &g_vlayers[l];
        attn_decoder_layer_weights_f32 *w = &g_dlayers[l];
        e->attn = mha_weights(d, off, 0);
        e->ff1_w = digits_l0_ff1_w + off;
        e->ff1_b = digits_l0_ff1_b;
        e->ff2_w = digits_l0_ff2_w + off;
        e->ff2_b = digits_l0_ff2_b;
        e->norm1_w = digits_l0_norm1_w;
        e->norm1_b = digits_l0_norm1_b;
        e->norm2_w = digits_l0_norm2_w;
        e->norm2_b = digits_l0_norm2_b;
        w->self_attn = mha_weights(d, off, l);
        w->cross_attn = mha_weights(d, off, l + 2);
        w->ff1_w = e->ff1_w;
        w->ff1_b = e->ff1_b;
        w->ff2_w = e->ff2_w;
        w->ff2_b = e->ff2_b;
        w->norm1_w = digits_l0_norm1_w;
        w->norm1_b = digits_l0_norm1_b;
        w->norm2_w = digits_l0_norm2_w;
        w->norm2_b = digits_l0_norm2_b;
        w->norm3_w = digits_norm_w;
        w->norm3_b = digits_norm_b;
    }
    /* [rows][d] tables: 64 rows of the feed-forward weights, the positions
       (8 rows at width 32), the classifier as the output layer */
    g_s2w.src_embed = digits_l0_ff1_w;
    g_s2w.tgt_embed = digits_l0_ff2_w;
    g_s2w.src_pos = digits_pos;
    g_s2w.tgt_pos = digits_pos + d;
    g_s2w.encoder.layers = g_vlayers;
    g_s2w.encoder.n_layers = 1;
    g_s2w.encoder.final_norm = 1;
    g_s2w.encoder.norm_w = digits_norm_w;
    g_s2w.encoder.norm_b = digits_norm_b;
    g_s2w.decoder.layers = g_dlayers;
    g_s2w.decoder.n_layers = v->n_dec;
    g_s2w.decoder.final_norm = v->final_norm;
    g_s2w.decoder.norm_w = digits_norm_w;
    g_s2w.decoder.norm_b = digits_norm_b;
    g_s2w.out_w = digits_cls_w;
    g_s2w.out_b = digits_cls_b;
    g_s2c.encoder = v->cfg;
    g_s2c.encoder.causal = 0;
    g_s2c.decoder = v->cfg;
    g_s2c.src_vocab = VOCAB;
    g_s2c.tgt_vocab = VOCAB;
    g_s2c.max_src = v->mem;
    g_s2c.max_tgt = v->tgt;
    g_s2c.position = v->position;
    g_s2c.embed_scale = v->embed_scale;
    /* the embeddings' LayerNorm in the variants with final norms */
    g_s2c.embed_norm = v->final_norm;
    g_s2w.src_embed_norm_w = g_s2w.tgt_embed_norm_w = digits_norm_w;
    g_s2w.src_embed_norm_b = g_s2w.tgt_embed_norm_b = digits_norm_b;

    g_lmw.embed = digits_l0_ff2_w;
    g_lmw.pos = digits_pos;
    g_lmw.layers = g_s2w.encoder;
    g_lmw.layers.n_layers = v->n_lm;
    g_lmw.layers.final_norm = v->final_norm;
    g_lmw.out_w = digits_cls_w;
    g_lmw.out_b = NULL;
    g_lmc.layers = v->cfg;
    g_lmc.vocab = VOCAB;
    g_lmc.max_len = v->tgt;
    g_lmc.position = v->position;
    g_lmc.embed_scale = v->embed_scale;
    g_lmc.embed_norm = v->final_norm;
    g_lmw.embed_norm_w = digits_norm_w;
    g_lmw.embed_norm_b = digits_norm_b;

    for (l = 0; l < N_DCALIB; l++) {
        g_slen[l] = g_src_len[l] < v->mem ? g_src_len[l] : v->mem;
        g_tlen[l] = g_tgt_len[l] < v->tgt ? g_tgt_len[l] : v->tgt;
    }
    for (l = 0; l < N_DCALIB * v->tgt; l++) g_vpad[l] = (uint8_t)(l % v->tgt >= v->tgt - v->tgt_pad);
    for (l = 0; l < N_DCALIB * v->mem; l++) g_mpad[l] = (uint8_t)(l % v->mem >= v->mem - v->mem_pad);
}

/* the rows of v: targets [N_DCALIB][tgt][d] and memories [N_DCALIB][mem][d]
   (the first of each is what the layers run on) */
#define TGT_ROWS CALIB
#define MEM_ROWS CALIB_MEM

/* steps until the cache is full: each step measured (from the cache as it
   was before, and the row as given, before each of the two calls), then
   one step more must say ATTN_ERR_FULL */
#define STEPS(n, row, src, bytes, fn, args)                                   \
    do {                                                                      \
        int t_;                                                               \
        for (t_ = 0; t_ < (n); t_++) {                                        \
            g_saved = g_cache;                                                \
            MEASURE_WITH((RESET_ARENA, g_cache = g_saved,                     \
                          memcpy(row, (const char *)(src) + (size_t)t_ * (bytes), bytes)), \
                         fn, args);                                           \
        }                                                                     \
        RESET_ARENA;                                                          \
        g_saved = g_cache;                                                    \
        if (fn args != ATTN_ERR_FULL) g_bad_setup = 1;                        \
        g_cache = g_saved;                                                    \
    } while (0)

static void blob_s2s(int int8); /* (model blobs, below) */

/* NOLINTNEXTLINE(readability-function-size): one MEASURE per call */
static void dvariant_float(const dvariant *v)
{
    const attn_decoder_cfg *c = &v->cfg;
    const attn_decoder_weights_f32 *dw = &g_s2w.decoder;
    const uint8_t *tpad = v->tgt_pad ? g_vpad : NULL, *mpad = v->mem_pad ? g_mpad : NULL;
    int d = c->d_model, T = v->tgt, S = v->mem, n;
    size_t xb = sizeof(float) * (size_t)(T * d), rb = sizeof(float) * (size_t)d;
    size_t b1 = 0, b2 = 0, b3 = 0, bytes, mark;
    float *x;

    g_pool = g_ram.pool;
    g_pool_bytes = sizeof g_ram.pool;
    MEASURE(attn_decoder_layer_scratch_f32, (c, T, S, &b1));
    MEASURE(attn_decoder_scratch_f32, (c, T, S, &b1));
    MEASURE(attn_seq2seq_scratch_f32, (&g_s2c, &b2));
    MEASURE(attn_lm_scratch_f32, (&g_lmc, &b3));
    pool_split(max_size(b1, max_size(b2, b3)));
    x = (float *)store_take(xb);
    if (!x) return;

    /* the decoder layer and stack on all the rows (target and memory padding) */
    MEASURE_WITH((RESET_ARENA, memcpy(x, TGT_ROWS, xb)), attn_decoder_layer_f32,
                 (x, T, tpad, MEM_ROWS, S, mpad, c, &g_dlayers[0], &g_arena));
    MEASURE_WITH((RESET_ARENA, memcpy(x, TGT_ROWS, xb)), attn_decoder_f32,
                 (x, T, tpad, MEM_ROWS, S, mpad, c, dw, &g_arena));

    /* a cache: the memory once, then token by token until it is full */
    mark = g_store.used;
    MEASURE(attn_kv_cache_bytes_f32, (v->n_dec, d, T, S, &bytes));
    MEASURE_WITH(attn_arena_release(&g_store, mark), attn_kv_cache_init_f32,
                 (&g_cache, v->n_dec, d, T, S, &g_store));
    MEASURE(attn_decoder_memory_f32, (&g_cache, MEM_ROWS, S, mpad, c, dw));
    MEASURE(attn_decoder_step_scratch_f32, (c, T, S, &bytes));
    STEPS(T, x, TGT_ROWS, rb, attn_decoder_step_f32, (x, &g_cache, c, dw, &g_arena));
    MEASURE(attn_kv_cache_reset, (&g_cache));

    /* the encoder-decoder: encode, steps until full, greedy */
    MEASURE(attn_seq2seq_encode_f32, (&g_cache, g_tokens, S, &g_s2c, &g_s2w, &g_arena));
    STEPS(T, g_out, g_tokens + 6, sizeof(int),
          attn_seq2seq_step_f32, (g_logits, g_out[0], &g_cache, &g_s2c, &g_s2w, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_seq2seq_greedy_f32,
                 (g_out, &n, T, g_tokens, S, 0, VOCAB - 1, &g_cache, &g_s2c, &g_s2w, &g_arena));
    /* a source with a front end (features through a Linear), then generate */
    g_s2c.src_d_in = d;
    g_s2w.src_embed_w = digits_l0_ff1_w; /* (any d x d floats) */
    MEASURE(attn_seq2seq_encode_ex_f32,
            (&g_cache, MEM_ROWS, NULL, NULL, S, &g_s2c, &g_s2w, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_seq2seq_generate_f32,
                 (g_out, &n, T, 0, VOCAB - 1, &g_cache, &g_s2c, &g_s2w, &g_arena));
    g_s2c.src_d_in = 0;
    g_s2w.src_embed_w = NULL;

    /* decoder-only: causal encoder layers stepped, the LM's steps, greedy */
    attn_arena_release(&g_store, mark);
    if (attn_kv_cache_init_f32(&g_cache, v->n_lm, d, T, 0, &g_store) != ATTN_OK) g_bad_setup = 1;
    MEASURE(attn_encoder_step_scratch_f32, (c, T, &bytes));
    STEPS(T, x, TGT_ROWS, rb, attn_encoder_step_f32, (x, &g_cache, c, &g_lmw.layers, &g_arena));
    MEASURE(attn_kv_cache_reset, (&g_cache));
    STEPS(T, g_out, g_tokens + 12, sizeof(int),
          attn_lm_step_f32, (g_logits, g_out[0], &g_cache, &g_lmc, &g_lmw, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_lm_greedy_f32,
                 (g_out, &n, T - 1, g_tokens + 3, 2, VOCAB - 1, &g_cache, &g_lmc, &g_lmw, &g_arena));
}

/* ---- model blobs ----------------------------------------------------------
   The writers (a size query, then a blob written) and the loaders (that
   blob loaded back): the digits classifier, float and int8, and each
   encoder-decoder variant, float and int8. The micro:bit (STACK_BIG_BYTES
   0) has no RAM for a blob: its size queries only (the writers' counting
   pass; their writing pass and the loaders are measured on the M4). */
#if STACK_BIG_BYTES > 0 && !defined(STACK_NO_BLOB)
static uint8_t g_blob[256 * 1024] ATTN_ALIGNED;
static uint8_t g_load_mem[4096] ATTN_ALIGNED;
static attn_arena g_load;
static attn_model_cfg g_lmc_b;
static attn_seq2seq_cfg g_lsc_b;
static union {
    attn_model_weights_f32 mw;
    attn_model_s8_params mp;
    attn_seq2seq_weights_f32 sw;
    attn_seq2seq_s8_params sp;
} g_loaded;
#define RESET_LOAD attn_arena_init(&g_load, g_load_mem, sizeof g_load_mem)
#endif

#ifndef STACK_NO_BLOB /* (clang -O2's micro:bit program: its flash) */
static void blob_digits(void)
{
    size_t n = 0;
    MEASURE(attn_model_save_f32, (NULL, 0, &n, &digits_cfg, &digits_weights));
#if STACK_BIG_BYTES > 0
    MEASURE(attn_model_save_f32, (g_blob, sizeof g_blob, &n, &digits_cfg, &digits_weights));
    MEASURE_WITH(RESET_LOAD, attn_model_load_f32, (&g_lmc_b, &g_loaded.mw, g_blob, n, &g_load));
#endif
    MEASURE(attn_model_save_s8, (NULL, 0, &n, &digits_cfg, &digits_s8));
#if STACK_BIG_BYTES > 0
    MEASURE(attn_model_save_s8, (g_blob, sizeof g_blob, &n, &digits_cfg, &digits_s8));
    MEASURE_WITH(RESET_LOAD, attn_model_load_s8, (&g_lmc_b, &g_loaded.mp, g_blob, n, &g_load));
#endif
}

static void blob_s2s(int int8)
{
    size_t n = 0;
    if (!int8) {
        MEASURE(attn_seq2seq_save_f32, (NULL, 0, &n, &g_s2c, &g_s2w));
#if STACK_BIG_BYTES > 0
        MEASURE(attn_seq2seq_save_f32, (g_blob, sizeof g_blob, &n, &g_s2c, &g_s2w));
        MEASURE_WITH(RESET_LOAD, attn_seq2seq_load_f32, (&g_lsc_b, &g_loaded.sw, g_blob, n, &g_load));
#endif
        return;
    }
    MEASURE(attn_seq2seq_save_s8, (NULL, 0, &n, &g_s2c, &g_q8.s2s));
#if STACK_BIG_BYTES > 0
    MEASURE(attn_seq2seq_save_s8, (g_blob, sizeof g_blob, &n, &g_s2c, &g_q8.s2s));
    MEASURE_WITH(RESET_LOAD, attn_seq2seq_load_s8, (&g_lsc_b, &g_loaded.sp, g_blob, n, &g_load));
#endif
}
#else
static void blob_s2s(int int8) { (void)int8; }
#endif

/* v's int8 parameters made on the board by the three quantizers, each
   then run as in float. In the pool: the quantizer's scratch (sized from
   the float model's queries), then in the store the parameters, the int8
   rows and the cache. */
/* NOLINTNEXTLINE(readability-function-size): one MEASURE per call */
static void dvariant_int8(const dvariant *v)
{
    const attn_decoder_cfg *c = &v->cfg;
    const attn_decoder_s8_params *dq = &g_q8.dec.p;
    const uint8_t *tpad = v->tgt_pad ? g_vpad : NULL, *mpad = v->mem_pad ? g_mpad : NULL;
    int d = c->d_model, T = v->tgt, S = v->mem, n, index;
    size_t xb = (size_t)(T * d), mb = (size_t)(S * d), rb = (size_t)d, b1 = 0, b2 = 0, b3 = 0, bytes;
    int8_t *x, *mem, *row;

    if (v->big) {
#if STACK_BIG_BYTES > 0
        g_pool = g_big;
        g_pool_bytes = sizeof g_big;
#else
        return;
#endif
    } else {
        g_pool = g_ram.pool;
        g_pool_bytes = sizeof g_ram.pool;
    }

    /* the decoder stack, calibrated on N_DCALIB target and memory sequences */
    if (attn_decoder_scratch_f32(c, T, S, &b1) != ATTN_OK) g_bad_setup = 1;
    pool_split(b1 + ((sizeof(float) * xb + ATTN_ALIGN - 1) & ~(size_t)(ATTN_ALIGN - 1)) +
               (size_t)(v->n_dec + 1) * OBS_BYTES);
    MEASURE_WITH((RESET_ARENA, attn_arena_release(&g_store, 0)), attn_quantize_decoder_s8,
                 (&g_q8.dec.p, &g_q8.dec.in, &g_q8.dec.mem, &g_q8.dec.out, c, &g_s2w.decoder,
                  TGT_ROWS, tpad, MEM_ROWS, mpad, N_DCALIB, T, S, &g_store, &g_arena));
    x = (int8_t *)store_take(xb);
    mem = (int8_t *)store_take(mb);
    row = (int8_t *)store_take(rb);
    if (!x || !mem || !row) return;
    if (attn_quantize_s8(mem, MEM_ROWS, S * d, g_q8.dec.mem) != ATTN_OK) g_bad_setup = 1;
    if (attn_quantize_s8(row, TGT_ROWS, d, g_q8.dec.in) != ATTN_OK) g_bad_setup = 1;
    MEASURE(attn_decoder_layer_scratch_s8, (c, T, S, &bytes));
    MEASURE(attn_decoder_scratch_s8, (c, T, S, &bytes));
    MEASURE_WITH((RESET_ARENA, attn_quantize_s8(x, TGT_ROWS, T * d, g_q8.dec.in)),
                 attn_decoder_layer_s8, (x, T, tpad, mem, S, mpad, c, &dq->layers[0], &g_arena));
    MEASURE_WITH((RESET_ARENA, attn_quantize_s8(x, TGT_ROWS, T * d, g_q8.dec.in)), attn_decoder_s8,
                 (x, T, tpad, mem, S, mpad, c, dq, &g_arena));
    MEASURE(attn_kv_cache_bytes_s8, (v->n_dec, d, T, S, &bytes));
    {
        size_t mark = g_store.used;
        MEASURE_WITH(attn_arena_release(&g_store, mark), attn_kv_cache_init_s8,
                     (&g_cache, v->n_dec, d, T, S, &g_store));
    }
    MEASURE(attn_decoder_memory_s8, (&g_cache, mem, S, mpad, c, dq));
    MEASURE(attn_decoder_step_scratch_s8, (c, T, S, &bytes));
    if (attn_quantize_s8(x, TGT_ROWS, T * d, g_q8.dec.in) != ATTN_OK) g_bad_setup = 1;
    STEPS(T, row, x, rb, attn_decoder_step_s8, (row, &g_cache, c, dq, &g_arena));

    /* the encoder-decoder, calibrated by teacher forcing */
    MEASURE(attn_quantize_seq2seq_store_bytes, (&g_s2c, &g_s2w, &bytes));
    if (attn_kv_cache_bytes_f32(v->n_dec, d, T, S, &b1) != ATTN_OK ||
        attn_seq2seq_scratch_f32(&g_s2c, &b2) != ATTN_OK)
        g_bad_setup = 1;
    pool_split(b1 + b2 + (size_t)(v->n_dec + 3) * OBS_BYTES + sizeof(float) * 16 +
               5 * 3 * sizeof(float) + sizeof(void *) + ATTN_ALIGN); /* (+ a front end's
                          observers: the ex quantizer below) */
    MEASURE_WITH((RESET_ARENA, attn_arena_release(&g_store, 0)), attn_quantize_seq2seq_s8,
                 (&g_q8.s2s, &g_s2c, &g_s2w, g_tokens, g_slen, g_tokens + 6, g_tlen, N_DCALIB,
                  &g_store, &g_arena));
    if (attn_kv_cache_init_s8(&g_cache, v->n_dec, d, T, S, &g_store) != ATTN_OK) g_bad_setup = 1;
    MEASURE(attn_seq2seq_scratch_s8, (&g_s2c, &bytes));
    MEASURE(attn_seq2seq_encode_s8, (&g_cache, g_tokens, S, &g_s2c, &g_q8.s2s, &g_arena));
    STEPS(T, g_out, g_tokens + 6, sizeof(int),
          attn_seq2seq_step_s8, (g_logits8, g_out[0], &g_cache, &g_s2c, &g_q8.s2s, &g_arena));
    MEASURE(attn_argmax_s8, (&index, g_logits8, VOCAB));
    MEASURE_WITH(RESET_ARENA, attn_seq2seq_greedy_s8,
                 (g_out, &n, T, g_tokens, S, 0, VOCAB - 1, &g_cache, &g_s2c, &g_q8.s2s, &g_arena));
    blob_s2s(1);
    MEASURE(attn_seq2seq_encode_s8, (&g_cache, g_tokens, S, &g_s2c, &g_q8.s2s, &g_arena));
    STEPS(T, g_out, g_tokens + 6, sizeof(int),
          attn_seq2seq_next_s8, (&index, g_out[0], &g_cache, &g_s2c, &g_q8.s2s, &g_arena));
    /* a source with a front end (tokens and segment ids: the store has room
       for little more than the plain model), quantized again, encoded, then
       generate */
    g_s2c.src_segments = 2;
    g_s2w.src_segment_embed = digits_pos; /* (any 2 x d floats) */
    MEASURE_WITH((RESET_ARENA, attn_arena_release(&g_store, 0)), attn_quantize_seq2seq_ex_s8,
                 (&g_q8.s2s, &g_s2c, &g_s2w, NULL, g_tokens, g_segs, g_slen, g_tokens + 6, g_tlen,
                  N_DCALIB, &g_store, &g_arena));
    if (attn_kv_cache_init_s8(&g_cache, v->n_dec, d, T, S, &g_store) != ATTN_OK) g_bad_setup = 1;
    MEASURE(attn_seq2seq_encode_ex_s8,
            (&g_cache, NULL, g_tokens, g_segs, S, &g_s2c, &g_q8.s2s, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_seq2seq_generate_s8,
                 (g_out, &n, T, 0, VOCAB - 1, &g_cache, &g_s2c, &g_q8.s2s, &g_arena));
    g_s2c.src_segments = 0;
    g_s2w.src_segment_embed = NULL;

    /* decoder-only */
    MEASURE(attn_quantize_lm_store_bytes, (&g_lmc, &g_lmw, &bytes));
    if (attn_kv_cache_bytes_f32(v->n_lm, d, T, 0, &b1) != ATTN_OK ||
        attn_lm_scratch_f32(&g_lmc, &b3) != ATTN_OK)
        g_bad_setup = 1;
    pool_split(b1 + b3 + (size_t)(v->n_lm + 2) * OBS_BYTES + sizeof(float) * 16 +
               sizeof(attn_lm_s8_params) + ATTN_ALIGN);
    MEASURE_WITH((RESET_ARENA, attn_arena_release(&g_store, 0)), attn_quantize_lm_s8,
                 (&g_q8.lm, &g_lmc, &g_lmw, g_tokens + 12, g_tlen, N_DCALIB, &g_store, &g_arena));
    if (attn_kv_cache_init_s8(&g_cache, v->n_lm, d, T, 0, &g_store) != ATTN_OK) g_bad_setup = 1;
    row = (int8_t *)store_take(rb); /* (the store was made again: a new row) */
    if (!row) return;
    MEASURE(attn_lm_scratch_s8, (&g_lmc, &bytes));
    STEPS(T, g_out, g_tokens + 12, sizeof(int),
          attn_lm_step_s8, (g_logits8, g_out[0], &g_cache, &g_lmc, &g_q8.lm, &g_arena));
    MEASURE_WITH(RESET_ARENA, attn_lm_greedy_s8,
                 (g_out, &n, T - 1, g_tokens + 3, 2, VOCAB - 1, &g_cache, &g_lmc, &g_q8.lm,
                  &g_arena));
    MEASURE(attn_kv_cache_reset, (&g_cache));
    STEPS(T, g_out, g_tokens + 12, sizeof(int),
          attn_lm_next_s8, (&index, g_out[0], &g_cache, &g_lmc, &g_q8.lm, &g_arena));
    /* its layers stepped on embedded tokens */
    MEASURE(attn_kv_cache_reset, (&g_cache));
    MEASURE(attn_encoder_step_scratch_s8, (c, T, &bytes));
    STEPS(T, row, g_q8.lm.embed, rb, attn_encoder_step_s8,
          (row, &g_cache, c, &g_q8.lm.layers, &g_arena));
}

/* The model quantizers, held to STACK_BOUND_QUANT (a host-side tool that
   runs the float model to calibrate; additive attention's builds its tanh
   table in double, libm's tanh, soft-float on every core here); everything
   else is inference. */
static int model_quantizer(const char *name)
{
    static const char *const q[] = {"attn_quantize_encoder_s8", "attn_quantize_model_s8",
                                    "attn_quantize_decoder_s8", "attn_quantize_seq2seq_s8",
                                    "attn_quantize_lm_s8", "attn_quantize_model_tokens_s8",
                                    "attn_quantize_additive_s8", "attn_quantize_seq2seq_ex_s8"};
    size_t i;
    for (i = 0; i < sizeof q / sizeof q[0]; i++)
        if (!strcmp(name, q[i])) return 1;
    return 0;
}

/* ---- main ------------------------------------------------------------------ */

int main(void)
{
    int i, failed = 0, worst = -1, worst_q = -1;
    uint32_t *sp;

#ifdef STACK_DEBUG
    setvbuf(stdout, NULL, _IONBF, 0);
#endif
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
    memcpy(g_x, CALIB, sizeof g_x);
    g_nan = g_zero;
    /* cppcheck-suppress duplicateExpression ; 0 / 0 is the point: a NaN */
    g_nan = g_nan / g_nan;

    digits_float();
    digits_int8();
#ifndef STACK_NO_BLOB
    blob_digits();
#endif
    for (i = 0; i < 5; i++) variant_run(&g_variants[i]);
    tokens_run();
#ifndef STACK_NO_ADDITIVE
    additive_run();
#endif
    for (i = 0; i < (int)(sizeof g_dvariants / sizeof g_dvariants[0]); i++) {
        dvariant_weights(&g_dvariants[i]);
        dvariant_float(&g_dvariants[i]);
        blob_s2s(0); /* (its float encoder-decoder, g_s2c and g_s2w) */
        dvariant_int8(&g_dvariants[i]);
    }

    for (i = 0; i < g_n_res; i++) {
        const result *r = &g_res[i];
        int ok = r->bad == 0 && !g_window_hit;
        printf("stack %s: %lu bytes (%d calls)%s\n", r->name, (unsigned long)r->bytes, r->calls,
               r->bad ? ", A CALL FAILED" : "");
        failed += !ok;
        if (model_quantizer(r->name)) {
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
    printf("arena high water %lu B, store %lu B (of %lu B together; %lu B for the width-32 int8 models)\n",
           (unsigned long)g_arena_max, (unsigned long)g_store_max, (unsigned long)sizeof g_ram.pool,
           (unsigned long)STACK_BIG_BYTES);
    /* one check per function, one for the setup */
    if (g_window_hit) printf("stack: a call reached the end of the %d-byte window\n", STACK_WINDOW);
    if (g_bad_setup) printf("stack: a setup call failed (not ATTN_OK)\n");
    printf("%d passed, %d failed\n", g_n_res + 1 - failed - (g_bad_setup != 0), failed + (g_bad_setup != 0));
    return failed || g_bad_setup ? 1 : 0;
}
