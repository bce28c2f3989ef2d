/* digits.c - a transformer reads handwritten digits: every held-out image of
   scikit-learn's 8x8 digits set, classified by the float model and by its
   int8 quantization, on the host or on a Cortex-M board.

   The model (examples/digits/train.py): each image is 8 tokens, its rows of
   8 pixels; a linear embedding to 32, learned positions, one post-norm
   encoder layer (4 heads, ReLU feed-forward of 64), a final layer norm, mean
   pooling and a linear classifier. Trained in PyTorch, exported by
   tools/export.py: digits_model.h (float, const, in flash) and
   digits_model_s8.h (int8, made by attention.h's own quantizer).

   Prints accuracy, agreement with PyTorch's predictions, instructions per
   inference (on a board under qemu -icount), arena and weight bytes. Exits
   0 only if the float model predicts exactly what PyTorch predicted on every
   image, and the int8 model is within 1 point of the float accuracy and
   agrees with it on at least 98% of the images.

   Host: make demo. Board: make digits-m4 (or -m0 ... -m55). */
#include <stdio.h>
#include <string.h>

#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "digits_data.h"
#include "digits_model.h"
#include "digits_model_s8.h"

#ifdef DIGITS_ON_BOARD
#include "port.h"
#else
static void port_init(void) {}
static uint32_t port_ticks(void) { return 0; }
static uint32_t port_calibrate(void) { return 0; }
static uint32_t port_insns(uint32_t ticks, uint32_t cal) { (void)ticks; (void)cal; return 0; }
#endif

#define SEQ DIGITS_SEQ
#define N_PIX (DIGITS_SEQ * DIGITS_D_IN)

/* One arena for both models, sized for the larger. */
#define F32_BYTES ATTN_MODEL_SCRATCH_F32(SEQ, DIGITS_D_MODEL, DIGITS_N_HEADS, DIGITS_D_FF)
#define S8_BYTES ATTN_MODEL_SCRATCH_S8(SEQ, DIGITS_D_MODEL, DIGITS_N_HEADS, DIGITS_D_FF)
static uint8_t arena_buf[F32_BYTES > S8_BYTES ? F32_BYTES : S8_BYTES] ATTN_ALIGNED;

typedef struct {
    int correct, agree_torch, agree_float;
    uint32_t insns_min, insns_max;
    uint64_t insns_sum;
    size_t arena;
    uint32_t hash; /* FNV-1a of the int8 logits: the same on every core */
} tally;

static void tally_insns(tally *t, uint32_t insns)
{
    if (insns < t->insns_min) t->insns_min = insns;
    if (insns > t->insns_max) t->insns_max = insns;
    t->insns_sum += insns;
}

static void print_tally(const char *name, const tally *t, int n, uint32_t cal)
{
    printf("%-6s accuracy %d/%d = %d.%02d%%, same as PyTorch %d/%d", name, t->correct, n,
           t->correct * 100 / n, (t->correct * 10000 / n) % 100, t->agree_torch, n);
    if (t->agree_float >= 0) printf(", same as float %d/%d", t->agree_float, n);
    printf(", arena %lu B", (unsigned long)t->arena);
    if (cal)
        printf(", %lu instructions per inference (%lu..%lu)",
               (unsigned long)(t->insns_sum / (uint64_t)n), (unsigned long)t->insns_min,
               (unsigned long)t->insns_max);
    printf("\n");
}

/* The model's input is pixel / 16. The factor is read at run time, not a
   constant: clang 14 vectorises "(float)pixel / 16.0f" for Helium into
   VCVT.F32.U32 with 4 fraction bits and encodes a wrong fraction-bit count
   (the M55 then saw pixel / 1024). A multiply by 1/16 gives the same floats. */
static volatile float g_pixel_scale = 1.0f / 16.0f;

int main(void)
{
    static const attn_qparams in_q = {0.0f, 0};
    attn_qparams qin = in_q;
    attn_arena arena;
    tally f = {0, 0, -1, 0xFFFFFFFFu, 0, 0, 0, 0}, q = {0, 0, 0, 0xFFFFFFFFu, 0, 0, 0, 0};
    float x[N_PIX], logits[DIGITS_N_CLASSES];
    int8_t x8[N_PIX], logits8[DIGITS_N_CLASSES];
    uint32_t cal;
    const float pixel_scale = g_pixel_scale;
    int i, j, ok;

    port_init();
    cal = port_calibrate();
    qin.scale = digits_s8.in_scale;
    qin.zero_point = digits_s8.in_zp;
    q.hash = 2166136261u;
    printf("digits: %d held-out images, float and int8 models (attention.h %d.%d.%d)\n",
           DIGITS_N_TEST, ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH);

    for (i = 0; i < DIGITS_N_TEST; i++) {
        uint32_t t0;
        int pf = -1, pq = -1;
        attn_status st;
        for (j = 0; j < N_PIX; j++) x[j] = (float)digits_test_pixels[i][j] * pixel_scale;

        /* float */
        attn_arena_init(&arena, arena_buf, sizeof arena_buf);
        t0 = port_ticks();
        st = attn_model_f32(logits, x, SEQ, NULL, &digits_cfg, &digits_weights, &arena);
        tally_insns(&f, port_insns(port_ticks() - t0, cal));
        if (st == ATTN_OK) st = attn_argmax_f32(&pf, logits, DIGITS_N_CLASSES);
        if (st != ATTN_OK) {
            printf("image %d: float model: %s\n", i, attn_status_str(st));
            return 1;
        }
        f.arena = arena.high_water;

        /* int8: quantize the input, run, take the largest logit */
        attn_arena_init(&arena, arena_buf, sizeof arena_buf);
        st = attn_quantize_s8(x8, x, N_PIX, qin);
        t0 = port_ticks();
        if (st == ATTN_OK) st = attn_model_s8(logits8, x8, SEQ, NULL, &digits_cfg, &digits_s8, &arena);
        tally_insns(&q, port_insns(port_ticks() - t0, cal));
        if (st != ATTN_OK) {
            printf("image %d: int8 model: %s\n", i, attn_status_str(st));
            return 1;
        }
        for (j = 0, pq = 0; j < DIGITS_N_CLASSES; j++) {
            if (logits8[j] > logits8[pq]) pq = j;
            q.hash = (q.hash ^ (uint8_t)logits8[j]) * 16777619u;
        }
        q.arena = arena.high_water;

        f.correct += pf == digits_test_labels[i];
        f.agree_torch += pf == digits_torch_pred[i];
        q.correct += pq == digits_test_labels[i];
        q.agree_torch += pq == digits_torch_pred[i];
        q.agree_float += pq == pf;
    }

    print_tally("float", &f, DIGITS_N_TEST, cal);
    print_tally("int8", &q, DIGITS_N_TEST, cal);
    printf("weights: float %lu B, int8 %lu B (flash)\n", (unsigned long)DIGITS_WEIGHT_BYTES,
           (unsigned long)DIGITS_S8_WEIGHT_BYTES);
    printf("checksum digits-int8-logits: %d bytes, FNV-1a %08lx\n",
           DIGITS_N_TEST * DIGITS_N_CLASSES, (unsigned long)q.hash);

    ok = f.agree_torch == DIGITS_N_TEST &&                     /* float == PyTorch       */
         (q.correct - f.correct) * 100 >= -DIGITS_N_TEST &&    /* within 1 point         */
         q.agree_float * 100 >= 98 * DIGITS_N_TEST;            /* >= 98% agreement       */
    printf("%d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
