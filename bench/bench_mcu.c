/* bench_mcu.c - instruction counts of attention.h's kernels and layers on a
   Cortex-M board under QEMU.

   Run under `qemu-system-arm -icount shift=10,sleep=off` (make bench): QEMU
   then advances virtual time by a fixed amount per instruction, so the
   board's counter (port.h) measures instructions exactly and the same
   binary gives the same counts on every run. The rate is calibrated at
   start-up with a loop of known length, and the cost of an empty measurement
   is subtracted.

   Weights live in flash (const), as in firmware; activations and the arena
   in RAM. A benchmark whose buffers do not fit this board's RAM is reported
   as such, not run. Output: one markdown table row per benchmark. */
#include <stdio.h>
#include <string.h>

#define ATTN_IMPLEMENTATION
#include "attention.h"

/* newlib's integer-only printf where there is one: every figure printed
   here is an integer, and the float formatting (about 9 KB) would not
   leave the micro:bit's clang build room in its 256 KB of flash (picolibc,
   on the RISC-V boards, defines __NEWLIB__ too and has no iprintf) */
#if defined(__NEWLIB__) && !defined(__PICOLIBC__)
int iprintf(const char *fmt, ...);
#define bench_printf iprintf
#else
#define bench_printf printf
#endif
#include "port.h"

/* ---- weights in flash: deterministic pseudo-random tables built by the
   compiler (no generated file). R<n>(F, i) lists F(i), F(i+1), ...
   F(i+n-1). */
#define R2(F, i) F(i), F((i) + 1)
#define R4(F, i) R2(F, i), R2(F, (i) + 2)
#define R8(F, i) R4(F, i), R4(F, (i) + 4)
#define R16(F, i) R8(F, i), R8(F, (i) + 8)
#define R32(F, i) R16(F, i), R16(F, (i) + 16)
#define R64(F, i) R32(F, i), R32(F, (i) + 32)
#define R128(F, i) R64(F, i), R64(F, (i) + 64)
#define R256(F, i) R128(F, i), R128(F, (i) + 128)
#define R512(F, i) R256(F, i), R256(F, (i) + 256)
#define R1K(F, i) R512(F, i), R512(F, (i) + 512)
#define R2K(F, i) R1K(F, i), R1K(F, (i) + 1024)
#define R4K(F, i) R2K(F, i), R2K(F, (i) + 2048)
#define R8K(F, i) R4K(F, i), R4K(F, (i) + 4096)
#define R16K(F, i) R8K(F, i), R8K(F, (i) + 8192)
#define R32K(F, i) R16K(F, i), R16K(F, (i) + 16384)
#define HASH(i) ((((unsigned)(i)) * 2654435761u) >> 22) /* 0..1023 */
#ifdef BENCH_LINT
/* make lint (tools/lint.sh): cppcheck and clang-tidy take many minutes
   over 32K expanded initialisers; they read the code with short tables */
#undef R32K
#define R32K(F, i) R4(F, i)
#endif

/* The largest user is the (32, 64, 4, 128) layer: 4*64*64 + 2*64*128
   weights; biases and norms reuse the start of the table. */
enum { FLASH_WEIGHTS = 32768 };
/* float weights about U[-0.25, 0.25) */
#define WF(i) ((float)((int)HASH(i) - 512) * (0.25f / 512.0f))
static const float g_wflash[FLASH_WEIGHTS] = {R32K(WF, 0)};
/* int8 weights, symmetric [-127, 127] */
#define W8(i) ((int8_t)((int)HASH(i) / 4 - 128 + ((int)HASH(i) < 4)))
static const int8_t g_w8[FLASH_WEIGHTS] = {R32K(W8, 0)};
/* int8 requantization factors: every output channel 2^-10 (a 64-term int8
   dot product back to int8 range); layer norm gammas 30 (z ~ N(0,1) to
   about 30 LSB); a GELU-like table */
#define RQ(i) {1073741824, -9}
static const attn_qmul g_rq[256] = {R256(RQ, 0)};
#define GM(i) {2013265920, 5}
static const attn_qmul g_gamma[128] = {R128(GM, 0)};
/* int8 biases (and, with the input zero point 0 of the benchmarks, the
   fused biases the quantizer would make): about +-2^11 */
#define B32(i) ((int32_t)HASH(i) * 4 - 2048)
static const int32_t g_b32[256] = {R256(B32, 0)};
#define LUT(i) ((int8_t)((i) >= 128 ? (i) - 128 : ((i) - 128) / 8))
static const int8_t g_lut[256] = {R256(LUT, 0)};

/* ---- RAM ---------------------------------------------------------------- */

#ifndef BENCH_RAM_BYTES
#define BENCH_RAM_BYTES (64 * 1024)
#endif
static unsigned char g_ram[BENCH_RAM_BYTES] ATTN_ALIGNED;

typedef struct {
    float *x, *y;      /* activations                                */
    attn_arena arena;  /* the rest of g_ram                          */
} bench_mem;

/* Carves x [nx] and y [ny] floats from g_ram, the arena from what is left;
   0 if the arena cannot hold `scratch` bytes. */
static int bench_mem_init(bench_mem *m, size_t nx, size_t ny, size_t scratch)
{
    size_t bx = ATTN_F32_BYTES(nx), by = ATTN_F32_BYTES(ny);
    if (bx + by + scratch > sizeof g_ram) return 0;
    m->x = (float *)(void *)g_ram;
    m->y = (float *)(void *)(g_ram + bx);
    attn_arena_init(&m->arena, g_ram + bx + by, sizeof g_ram - bx - by);
    return 1;
}

static void fill(float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = g_wflash[(i * 7u + 3u) % FLASH_WEIGHTS] * 4.0f;
}

static void fill_s8(int8_t *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = (int8_t)(g_w8[(i * 7u + 3u) % FLASH_WEIGHTS] / 2);
}

/* An int8 linear layer over the flash tables, with a bias and the fused
   bias the quantizer makes (so the kernels add no input offset). */
static attn_linear_s8_params linear_s8(size_t w_offset)
{
    attn_linear_s8_params p;
    p.w = g_w8 + w_offset;
    p.bias = g_b32;
    p.requant = g_rq;
    p.in_zp = 0;
    p.out_zp = 0;
    p.act_min = -128;
    p.act_max = 127;
    p.fused_bias = g_b32; /* bias - in_zp * sum w, in_zp = 0 */
    return p;
}

static attn_qmul qmul(double f)
{
    attn_qmul m;
    attn_quantize_multiplier(f, &m);
    return m;
}

/* Attention scales for int8 values of about +-40: scores of d_head
   products to a softmax exponent of a few units, Q15 sums back to int8. */
static attn_sdpa_s8_params sdpa_s8(int d_head)
{
    attn_sdpa_s8_params p;
    p.q_zp = p.k_zp = p.v_zp = p.out_zp = 0;
    p.score_mul = qmul(65536.0 / (400.0 * (double)d_head));
    p.ctx_mul = qmul(1.0 / 32768.0);
    return p;
}

static attn_add_s8_params add_s8(void)
{
    attn_add_s8_params p;
    p.a_zp = p.b_zp = p.out_zp = 0;
    p.a_mul = p.b_mul = qmul(512.0);
    p.out_mul = qmul(1.0 / 512.0);
    return p;
}

static attn_layernorm_s8_params norm_s8(int d)
{
    attn_layernorm_s8_params p;
    p.gamma = g_gamma;
    p.beta = NULL;
    p.eps = (int64_t)d * d;
    p.out_zp = 0;
    return p;
}

/* ---- the benchmarks ------------------------------------------------------ */

typedef struct {
    const char *name;
    int kind;              /* one of the B_ values                        */
    int seq, d, heads, ff; /* shape; linear: rows, in, -, out; attention
                              heads: ff is the window (0: none)           */
    unsigned long work;    /* MACs (or elements for softmax / layer norm)  */
    const char *unit;
} bench;

enum { B_LINEAR, B_SOFTMAX, B_LAYERNORM, B_HEAD, B_LAYER, B_STEP,
       B_LINEAR_S8, B_SOFTMAX_S8, B_LAYERNORM_S8, B_HEAD_S8, B_LAYER_S8, B_STEP_S8 };

/* The decoder step benchmarks: one layer, `seq` tokens already cached,
   STEP_MEM memory rows. MACs of the step: self-attention Q, K, V, O
   (4 d^2) and its scores and context over seq + 1 keys (2 (seq+1) d),
   cross-attention Q and O (2 d^2; the memory's K and V are made once per
   source) and its 2 * STEP_MEM * d, the feed-forward 2 d ff. */
enum { STEP_MEM = 16 };
#define STEP_MACS(seq, d, ff)                                                      \
    (6UL * (d) * (d) + 2UL * ((seq) + 1) * (d) + 2UL * STEP_MEM * (d) + 2UL * (d) * (ff))

static const bench g_benches[] = {
    {"linear 32x64 -> 64", B_LINEAR, 32, 64, 0, 64, 32UL * 64 * 64, "MAC"},
    {"linear 32x64 -> 256", B_LINEAR, 32, 64, 0, 256, 32UL * 64 * 256, "MAC"},
    {"softmax 32 rows of 32", B_SOFTMAX, 32, 32, 0, 0, 32UL * 32, "element"},
    {"layer norm 32x64", B_LAYERNORM, 32, 64, 0, 0, 32UL * 64, "element"},
    /* QK^T and PV: 2 * seq * seq * d_head MACs */
    {"attention head seq 32, d_head 16", B_HEAD, 32, 16, 1, 0, 2UL * 32 * 32 * 16, "MAC"},
    /* local attention, window 4: 268 of the 1024 query-key pairs visible
       (rows 0-3 and 28-31 see 5..8 keys, the 24 between 9) */
    {"attention head seq 32, d_head 16, window 4", B_HEAD, 32, 16, 1, 4, 2UL * 268 * 16, "MAC"},
    /* Q,K,V,O: 4 seq d^2; scores and PV: 2 seq^2 d; FF: 2 seq d ff */
    {"encoder layer (32, 64, 4, 128)", B_LAYER, 32, 64, 4, 128,
     4UL * 32 * 64 * 64 + 2UL * 32 * 32 * 64 + 2UL * 32 * 64 * 128, "MAC"},
    {"encoder layer (16, 32, 2, 64)", B_LAYER, 16, 32, 2, 64,
     4UL * 16 * 32 * 32 + 2UL * 16 * 16 * 32 + 2UL * 16 * 32 * 64, "MAC"},
    {"decoder step (64, 4 heads, ff 256; 32 cached, 16 memory)", B_STEP, 32, 64, 4, 256,
     STEP_MACS(32, 64, 256), "MAC"},
    {"int8 linear 32x64 -> 64", B_LINEAR_S8, 32, 64, 0, 64, 32UL * 64 * 64, "MAC"},
    {"int8 linear 32x64 -> 256", B_LINEAR_S8, 32, 64, 0, 256, 32UL * 64 * 256, "MAC"},
    {"int8 softmax 32 rows of 32", B_SOFTMAX_S8, 32, 32, 0, 0, 32UL * 32, "element"},
    {"int8 layer norm 32x64", B_LAYERNORM_S8, 32, 64, 0, 0, 32UL * 64, "element"},
    {"int8 attention head seq 32, d_head 16", B_HEAD_S8, 32, 16, 1, 0, 2UL * 32 * 32 * 16, "MAC"},
    {"int8 attention head seq 32, d_head 16, window 4", B_HEAD_S8, 32, 16, 1, 4, 2UL * 268 * 16,
     "MAC"},
    /* the digits model's shape (d_model 32, 4 heads: d_head 8, seq 8), and
       other small head dims */
    {"int8 attention 4 heads seq 8, d_head 8", B_HEAD_S8, 8, 32, 4, 0, 2UL * 8 * 8 * 32, "MAC"},
    {"int8 attention 4 heads seq 8, d_head 5", B_HEAD_S8, 8, 20, 4, 0, 2UL * 8 * 8 * 20, "MAC"},
    {"int8 attention 2 heads seq 16, d_head 12", B_HEAD_S8, 16, 24, 2, 0, 2UL * 16 * 16 * 24, "MAC"},
    {"int8 encoder layer (32, 64, 4, 128)", B_LAYER_S8, 32, 64, 4, 128,
     4UL * 32 * 64 * 64 + 2UL * 32 * 32 * 64 + 2UL * 32 * 64 * 128, "MAC"},
    {"int8 encoder layer (16, 32, 2, 64)", B_LAYER_S8, 16, 32, 2, 64,
     4UL * 16 * 32 * 32 + 2UL * 16 * 16 * 32 + 2UL * 16 * 32 * 64, "MAC"},
    {"int8 decoder step (64, 4 heads, ff 256; 32 cached, 16 memory)", B_STEP_S8, 32, 64, 4, 256,
     STEP_MACS(32, 64, 256), "MAC"},
};

/* The benchmark layers: post-norm, GELU, no mask. */
static attn_encoder_cfg layer_cfg(const bench *b)
{
    attn_encoder_cfg c = {0};
    c.d_model = b->d;
    c.n_heads = b->heads;
    c.d_ff = b->ff;
    c.activation = ATTN_ACT_GELU;
    c.norm_first = 0;
    c.causal = 0;
    c.eps = 1e-5f;
    return c;
}

static uint32_t g_cal, g_empty;

/* Instructions between two counter reads around `st = call`. */
#define MEASURE(insns, st, call)                                                 \
    do {                                                                         \
        uint32_t t0_ = port_ticks();                                             \
        (st) = (call);                                                           \
        (insns) = port_insns(port_ticks() - t0_, g_cal) - g_empty;               \
    } while (0)

static attn_status run(const bench *b, uint32_t *insns, size_t *arena_bytes, int *fits)
{
    const float *w = g_wflash;
    attn_status st = ATTN_OK;
    bench_mem m;
    size_t n = (size_t)b->seq * (size_t)b->d, scratch = 0;
    memset(&m, 0, sizeof m);
    *fits = 1;
    *insns = 0;
    switch (b->kind) {
    case B_LINEAR:
        if (!(*fits = bench_mem_init(&m, n, (size_t)b->seq * (size_t)b->ff, 0))) break;
        fill(m.x, n);
        MEASURE(*insns, st, attn_linear_f32(m.y, m.x, w, w + b->ff * b->d, b->seq, b->d, b->ff));
        break;
    case B_SOFTMAX:
        if (!(*fits = bench_mem_init(&m, n, 0, 0))) break;
        fill(m.x, n);
        MEASURE(*insns, st, attn_softmax_f32(m.x, m.x, b->seq, b->d));
        break;
    case B_LAYERNORM:
        if (!(*fits = bench_mem_init(&m, n, 0, 0))) break;
        fill(m.x, n);
        MEASURE(*insns, st, attn_layernorm_f32(m.x, m.x, w, w + b->d, 1e-5f, b->seq, b->d));
        break;
    case B_HEAD: {
        attn_mha_cfg c = {0};
        c.seq_q = c.seq_kv = b->seq;
        c.d_model = b->d;
        c.n_heads = 1;
        c.causal = 0;
        c.window = b->ff;
        attn_sdpa_scratch_f32(&c, &scratch);
        if (!(*fits = bench_mem_init(&m, 3 * n, n, scratch))) break;
        fill(m.x, 3 * n);
        MEASURE(*insns, st, attn_sdpa_f32(m.y, m.x, m.x + n, m.x + 2 * n, NULL, &c, &m.arena));
        break;
    }
    case B_LAYER: {
        attn_encoder_cfg c = layer_cfg(b);
        attn_encoder_layer_weights_f32 lw;
        size_t dd = (size_t)b->d * (size_t)b->d, dff = (size_t)b->d * (size_t)b->ff;
        attn_mha_weights_packed_f32(&lw.attn, w, w + 5 * dd, w + 3 * dd, w + 7 * dd, b->d);
        lw.ff1_w = w + 4 * dd;
        lw.ff2_w = w + 4 * dd + dff;
        lw.ff1_b = lw.ff2_b = w + 9 * dd / 2;
        lw.norm1_w = lw.norm2_w = NULL; /* gamma 1: keeps activations in range */
        lw.norm1_b = lw.norm2_b = w + 11 * dd / 2;
        attn_encoder_layer_scratch_f32(&c, b->seq, &scratch);
        if (!(*fits = bench_mem_init(&m, n, 0, scratch))) break;
        fill(m.x, n);
        MEASURE(*insns, st, attn_encoder_layer_f32(m.x, b->seq, NULL, &c, &lw, &m.arena));
        break;
    }
    case B_STEP: { /* weights: self-attention at 0, cross at 4 d^2, FF over both */
        attn_encoder_cfg c = layer_cfg(b);
        attn_decoder_layer_weights_f32 lw;
        attn_decoder_weights_f32 dw;
        attn_kv_cache cache;
        size_t dd = (size_t)b->d * (size_t)b->d, dff = (size_t)b->d * (size_t)b->ff, cb = 0;
        int t;
        c.causal = 1;
        attn_mha_weights_packed_f32(&lw.self_attn, w, w + 5 * dd, w + 3 * dd, w + 7 * dd, b->d);
        attn_mha_weights_packed_f32(&lw.cross_attn, w + 4 * dd, w + 6 * dd, w + 3 * dd,
                                    w + 2 * dd, b->d);
        lw.ff1_w = w;
        lw.ff2_w = w + dff;
        lw.ff1_b = lw.ff2_b = w + 9 * dd / 2;
        lw.norm1_w = lw.norm2_w = lw.norm3_w = NULL;
        lw.norm1_b = lw.norm2_b = lw.norm3_b = w + 11 * dd / 2;
        dw.layers = &lw;
        dw.n_layers = 1;
        dw.final_norm = 0;
        dw.norm_w = dw.norm_b = NULL;
        attn_kv_cache_bytes_f32(1, b->d, b->seq + 1, STEP_MEM, &cb);
        attn_decoder_step_scratch_f32(&c, b->seq + 1, STEP_MEM, &scratch);
        scratch += cb;
        if (!(*fits = bench_mem_init(&m, (size_t)STEP_MEM * (size_t)b->d, (size_t)b->d, scratch)))
            break;
        fill(m.x, (size_t)STEP_MEM * (size_t)b->d);
        st = attn_kv_cache_init_f32(&cache, 1, b->d, b->seq + 1, STEP_MEM, &m.arena);
        if (st == ATTN_OK) st = attn_decoder_memory_f32(&cache, m.x, STEP_MEM, NULL, &c, &dw);
        for (t = 0; st == ATTN_OK && t <= b->seq; t++) {
            fill(m.y, (size_t)b->d);
            if (t < b->seq)
                st = attn_decoder_step_f32(m.y, &cache, &c, &dw, &m.arena);
            else
                MEASURE(*insns, st, attn_decoder_step_f32(m.y, &cache, &c, &dw, &m.arena));
        }
        break;
    }
    case B_LINEAR_S8: {
        attn_linear_s8_params p = linear_s8(0);
        if (!(*fits = bench_mem_init(&m, n / 4 + 1, ((size_t)b->seq * (size_t)b->ff) / 4 + 1, 0)))
            break;
        fill_s8((int8_t *)m.x, n);
        MEASURE(*insns, st, attn_linear_s8((int8_t *)m.y, (const int8_t *)m.x, &p, b->seq, b->d, b->ff));
        break;
    }
    case B_SOFTMAX_S8: {
        attn_softmax_s8_params p;
        p.in_mul = qmul(0.1 * 1.4426950408889634 * 65536.0); /* logits at scale 0.1 */
        if (!(*fits = bench_mem_init(&m, n / 4 + 1, 0, 0))) break;
        fill_s8((int8_t *)m.x, n);
        MEASURE(*insns, st, attn_softmax_s8((int8_t *)m.x, (const int8_t *)m.x, &p, b->seq, b->d));
        break;
    }
    case B_LAYERNORM_S8: {
        attn_layernorm_s8_params p = norm_s8(b->d);
        if (!(*fits = bench_mem_init(&m, n / 4 + 1, 0, 0))) break;
        fill_s8((int8_t *)m.x, n);
        MEASURE(*insns, st, attn_layernorm_s8((int8_t *)m.x, (const int8_t *)m.x, &p, b->seq, b->d));
        break;
    }
    case B_HEAD_S8: { /* b->heads heads of b->d / b->heads columns */
        attn_sdpa_s8_params p = sdpa_s8(b->d / b->heads);
        attn_mha_cfg c = {0};
        int8_t *x8;
        c.seq_q = c.seq_kv = b->seq;
        c.d_model = b->d;
        c.n_heads = b->heads;
        c.causal = 0;
        c.window = b->ff;
        attn_sdpa_scratch_s8(&c, &scratch);
        if (!(*fits = bench_mem_init(&m, 3 * n / 4 + 1, n / 4 + 1, scratch))) break;
        x8 = (int8_t *)m.x;
        fill_s8(x8, 3 * n);
        MEASURE(*insns, st, attn_sdpa_s8((int8_t *)m.y, x8, x8 + n, x8 + 2 * n, NULL, &c, &p, &m.arena));
        break;
    }
    case B_LAYER_S8: {
        attn_encoder_cfg c = layer_cfg(b);
        attn_encoder_layer_s8_params lp;
        size_t dd = (size_t)b->d * (size_t)b->d, dff = (size_t)b->d * (size_t)b->ff;
        lp.attn.q = linear_s8(0);
        lp.attn.k = linear_s8(dd);
        lp.attn.v = linear_s8(2 * dd);
        lp.attn.o = linear_s8(3 * dd);
        lp.attn.sdpa = sdpa_s8(b->d / b->heads);
        lp.add1 = lp.add2 = add_s8();
        lp.norm1 = lp.norm2 = norm_s8(b->d);
        lp.ff1 = linear_s8(4 * dd);
        lp.ff2 = linear_s8(4 * dd + dff);
        lp.gelu_table = g_lut;
        attn_encoder_layer_scratch_s8(&c, b->seq, &scratch);
        if (!(*fits = bench_mem_init(&m, n / 4 + 1, 0, scratch))) break;
        fill_s8((int8_t *)m.x, n);
        MEASURE(*insns, st, attn_encoder_layer_s8((int8_t *)m.x, b->seq, NULL, &c, &lp, &m.arena));
        break;
    }
    case B_STEP_S8: {
        attn_encoder_cfg c = layer_cfg(b);
        attn_decoder_layer_s8_params lp;
        attn_decoder_s8_params dp;
        attn_kv_cache cache;
        size_t dd = (size_t)b->d * (size_t)b->d, dff = (size_t)b->d * (size_t)b->ff, cb = 0;
        int8_t *mem, *row;
        int t;
        c.causal = 1;
        lp.self_attn.q = linear_s8(0);
        lp.self_attn.k = linear_s8(dd);
        lp.self_attn.v = linear_s8(2 * dd);
        lp.self_attn.o = linear_s8(3 * dd);
        lp.self_attn.sdpa = sdpa_s8(b->d / b->heads);
        lp.cross_attn.q = linear_s8(4 * dd);
        lp.cross_attn.k = linear_s8(5 * dd);
        lp.cross_attn.v = linear_s8(6 * dd);
        lp.cross_attn.o = linear_s8(7 * dd);
        lp.cross_attn.sdpa = sdpa_s8(b->d / b->heads);
        lp.add1 = lp.add2 = lp.add3 = add_s8();
        lp.norm1 = lp.norm2 = lp.norm3 = norm_s8(b->d);
        lp.ff1 = linear_s8(0);
        lp.ff2 = linear_s8(dff);
        lp.gelu_table = g_lut;
        dp.layers = &lp;
        dp.n_layers = 1;
        dp.final_norm = 0;
        dp.norm = norm_s8(b->d);
        attn_kv_cache_bytes_s8(1, b->d, b->seq + 1, STEP_MEM, &cb);
        attn_decoder_step_scratch_s8(&c, b->seq + 1, STEP_MEM, &scratch);
        scratch += cb;
        if (!(*fits = bench_mem_init(&m, (size_t)STEP_MEM * (size_t)b->d / 4 + 1,
                                     (size_t)b->d / 4 + 1, scratch)))
            break;
        mem = (int8_t *)m.x;
        row = (int8_t *)m.y;
        fill_s8(mem, (size_t)STEP_MEM * (size_t)b->d);
        st = attn_kv_cache_init_s8(&cache, 1, b->d, b->seq + 1, STEP_MEM, &m.arena);
        if (st == ATTN_OK) st = attn_decoder_memory_s8(&cache, mem, STEP_MEM, NULL, &c, &dp);
        for (t = 0; st == ATTN_OK && t <= b->seq; t++) {
            fill_s8(row, (size_t)b->d);
            if (t < b->seq)
                st = attn_decoder_step_s8(row, &cache, &c, &dp, &m.arena);
            else
                MEASURE(*insns, st, attn_decoder_step_s8(row, &cache, &c, &dp, &m.arena));
        }
        break;
    }
    }
    *arena_bytes = *fits ? m.arena.high_water : scratch;
    return st;
}

int main(void)
{
    size_t i;
    uint32_t t0;
    port_init();
    g_cal = port_calibrate();
    t0 = port_ticks();
    g_empty = port_insns(port_ticks() - t0, g_cal);
    bench_printf("bench: %lu ticks per 1000 instructions, empty measurement %lu instructions\n",
           (unsigned long)g_cal, (unsigned long)g_empty);
    if (g_cal == 0) {
        bench_printf("bench: the counter does not move: run under qemu -icount shift=10,sleep=off\n");
        return 1;
    }
    for (i = 0; i < sizeof g_benches / sizeof g_benches[0]; i++) {
        const bench *b = &g_benches[i];
        uint32_t insns;
        size_t arena_bytes;
        int fits;
        attn_status st = run(b, &insns, &arena_bytes, &fits);
        if (!fits) {
            bench_printf("| %s | does not fit %u B RAM | | |\n", b->name, (unsigned)BENCH_RAM_BYTES);
        } else if (st != ATTN_OK) {
            bench_printf("| %s | error: %s | | |\n", b->name, attn_status_str(st));
            return 1;
        } else {
            unsigned long per100 = (unsigned long)(((uint64_t)insns * 100u + b->work / 2) / b->work);
            bench_printf("| %s | %lu | %lu.%02lu per %s | %lu |\n", b->name, (unsigned long)insns,
                   per100 / 100, per100 % 100, b->unit, (unsigned long)arena_bytes);
        }
    }
    return 0;
}
