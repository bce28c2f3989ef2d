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
#include "port.h"

/* ---- weights in flash: a deterministic pseudo-random table built by the
   compiler (no generated file): value i is a hash of i scaled to about
   [-0.25, 0.25). */
#define BW(i) ((float)((int)((((unsigned)(i)) * 2654435761u) >> 22) - 512) * (0.25f / 512.0f))
#define BW2(i) BW(i), BW((i) + 1)
#define BW4(i) BW2(i), BW2((i) + 2)
#define BW8(i) BW4(i), BW4((i) + 4)
#define BW16(i) BW8(i), BW8((i) + 8)
#define BW32(i) BW16(i), BW16((i) + 16)
#define BW64(i) BW32(i), BW32((i) + 32)
#define BW128(i) BW64(i), BW64((i) + 64)
#define BW256(i) BW128(i), BW128((i) + 128)
#define BW512(i) BW256(i), BW256((i) + 256)
#define BW1K(i) BW512(i), BW512((i) + 512)
#define BW2K(i) BW1K(i), BW1K((i) + 1024)
#define BW4K(i) BW2K(i), BW2K((i) + 2048)
#define BW8K(i) BW4K(i), BW4K((i) + 4096)
#define BW16K(i) BW8K(i), BW8K((i) + 8192)
#define BW32K(i) BW16K(i), BW16K((i) + 16384)

/* The largest user is the (32, 64, 4, 128) layer: 4*64*64 + 2*64*128 floats
   of matrices, biases and norms reuse the start of the table. */
enum { FLASH_FLOATS = 32768 };
static const float g_wflash[FLASH_FLOATS] = {BW32K(0)};

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
    for (i = 0; i < n; i++) x[i] = g_wflash[(i * 7u + 3u) % FLASH_FLOATS] * 4.0f;
}

/* ---- the benchmarks ------------------------------------------------------ */

typedef struct {
    const char *name;
    int kind;              /* one of the B_ values                        */
    int seq, d, heads, ff; /* shape; linear: rows, in, -, out             */
    unsigned long work;    /* MACs (or elements for softmax / layer norm)  */
    const char *unit;
} bench;

enum { B_LINEAR, B_SOFTMAX, B_LAYERNORM, B_HEAD, B_LAYER };

static const bench g_benches[] = {
    {"linear 32x64 -> 64", B_LINEAR, 32, 64, 0, 64, 32ul * 64 * 64, "MAC"},
    {"linear 32x64 -> 256", B_LINEAR, 32, 64, 0, 256, 32ul * 64 * 256, "MAC"},
    {"softmax 32 rows of 32", B_SOFTMAX, 32, 32, 0, 0, 32ul * 32, "element"},
    {"layer norm 32x64", B_LAYERNORM, 32, 64, 0, 0, 32ul * 64, "element"},
    /* QK^T and PV: 2 * seq * seq * d_head MACs */
    {"attention head seq 32, d_head 16", B_HEAD, 32, 16, 1, 0, 2ul * 32 * 32 * 16, "MAC"},
    /* Q,K,V,O: 4 seq d^2; scores and PV: 2 seq^2 d; FF: 2 seq d ff */
    {"encoder layer (32, 64, 4, 128)", B_LAYER, 32, 64, 4, 128,
     4ul * 32 * 64 * 64 + 2ul * 32 * 32 * 64 + 2ul * 32 * 64 * 128, "MAC"},
    {"encoder layer (16, 32, 2, 64)", B_LAYER, 16, 32, 2, 64,
     4ul * 16 * 32 * 32 + 2ul * 16 * 16 * 32 + 2ul * 16 * 32 * 64, "MAC"},
};

static uint32_t g_cal, g_empty;

/* Instructions between two counter reads around `st = call`. */
#define MEASURE(insns, st, call)                                                 \
    do {                                                                         \
        uint32_t t0_ = port_ticks();                                             \
        st = (call);                                                             \
        insns = port_insns(port_ticks() - t0_, g_cal) - g_empty;                 \
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
        attn_mha_cfg c;
        c.seq_q = c.seq_kv = b->seq;
        c.d_model = b->d;
        c.n_heads = 1;
        c.causal = 0;
        attn_sdpa_scratch_f32(&c, &scratch);
        if (!(*fits = bench_mem_init(&m, 3 * n, n, scratch))) break;
        fill(m.x, 3 * n);
        MEASURE(*insns, st, attn_sdpa_f32(m.y, m.x, m.x + n, m.x + 2 * n, NULL, &c, &m.arena));
        break;
    }
    case B_LAYER: {
        attn_encoder_cfg c;
        attn_encoder_layer_weights_f32 lw;
        size_t dd = (size_t)b->d * (size_t)b->d, dff = (size_t)b->d * (size_t)b->ff;
        c.d_model = b->d;
        c.n_heads = b->heads;
        c.d_ff = b->ff;
        c.activation = ATTN_ACT_GELU;
        c.norm_first = 0;
        c.causal = 0;
        c.eps = 1e-5f;
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
    printf("bench: %lu ticks per 1000 instructions, empty measurement %lu instructions\n",
           (unsigned long)g_cal, (unsigned long)g_empty);
    if (g_cal == 0) {
        printf("bench: the counter does not move: run under qemu -icount shift=10,sleep=off\n");
        return 1;
    }
    for (i = 0; i < sizeof g_benches / sizeof g_benches[0]; i++) {
        const bench *b = &g_benches[i];
        uint32_t insns;
        size_t arena_bytes;
        int fits;
        attn_status st = run(b, &insns, &arena_bytes, &fits);
        if (!fits) {
            printf("| %s | does not fit %u B RAM | | |\n", b->name, (unsigned)BENCH_RAM_BYTES);
        } else if (st != ATTN_OK) {
            printf("| %s | error: %s | | |\n", b->name, attn_status_str(st));
            return 1;
        } else {
            unsigned long per100 = (unsigned long)(((uint64_t)insns * 100u + b->work / 2) / b->work);
            printf("| %s | %lu | %lu.%02lu per %s | %lu |\n", b->name, (unsigned long)insns,
                   per100 / 100, per100 % 100, b->unit, (unsigned long)arena_bytes);
        }
    }
    return 0;
}
