/* digits.c - transformers read handwritten digits: every held-out image of
   scikit-learn's 8x8 digits set, classified by two small models, each in
   float and in its int8 quantization, on the host or on a Cortex-M board.

   The rows model (examples/digits/train.py): each image is 8 tokens, its
   rows of 8 pixels; a linear embedding to 32, learned positions, one
   post-norm encoder layer (4 heads, ReLU feed-forward of 64), a final layer
   norm, mean pooling and a linear classifier.
   The ViT model (examples/digits/train_vit.py): the image [1][8][8] cut into
   4 patches of 4x4 pixels, each embedded to 32 (a Conv2d's weights), a
   learned CLS row in front, learned positions, the same kind of encoder
   layer and final norm, attention pooling (a learned score per row, a
   softmax, the weighted sum) and a linear classifier.
   Both trained in PyTorch and exported by tools/export.py: digits_model.h
   and digits_vit_model.h (float, const, in flash), digits_model_s8.h and
   digits_vit_model_s8.h (int8, made by attention.h's own quantizer).

   Prints, per model, accuracy, agreement with PyTorch's predictions,
   instructions per inference (on a board under qemu -icount), arena and
   weight bytes, and a checksum of the int8 logits (the same on every core).
   A model passes if its float version predicts exactly what PyTorch
   predicted on every image, and its int8 version is within 1 point of the
   float accuracy and agrees with it on at least 98% of the images; the last
   line counts the two models. On the micro:bit (262,144 B of flash) the
   program takes 216,452 B (text + data) with gcc, 229,460 B with clang.

   Host: make demo. Board: make digits-m4 (or -m0 ... -m55). */
#include <stdio.h>
#include <string.h>

#define ATTN_IMPLEMENTATION
#include "attention.h"

/* this file defines the models' arrays (each model header's _IMPLEMENTATION
   macro in exactly one file; other files just include the headers) */
#define DIGITS_MODEL_IMPLEMENTATION
#define DIGITS_MODEL_S8_IMPLEMENTATION
#define DIGITS_VIT_MODEL_IMPLEMENTATION
#define DIGITS_VIT_MODEL_S8_IMPLEMENTATION
#include "digits_data.h"
#include "digits_model.h"
#include "digits_model_s8.h"
#include "digits_vit_data.h"
#include "digits_vit_model.h"
#include "digits_vit_model_s8.h"

#ifdef DIGITS_ON_BOARD
#include "port.h"
#else
static void port_init(void) {}
static uint32_t port_ticks(void) { return 0; }
static uint32_t port_calibrate(void) { return 0; }
static uint32_t port_insns(uint32_t ticks, uint32_t cal) { (void)ticks; (void)cal; return 0; }
#endif

#define N_PIX 64 /* an image: 8 x 8 pixels, row by row */
#if DIGITS_SEQ * DIGITS_D_IN != N_PIX || \
    DIGITS_VIT_CHANNELS * DIGITS_VIT_IMAGE_H * DIGITS_VIT_IMAGE_W != N_PIX || \
    DIGITS_VIT_N_TEST != DIGITS_N_TEST || DIGITS_VIT_N_CLASSES != DIGITS_N_CLASSES
#error "digits.c: the models' inputs are not the test images, or their classes differ"
#endif

/* One arena for the four models, sized for the largest. */
#define ROWS_F32 ATTN_MODEL_SCRATCH_F32(DIGITS_SEQ, DIGITS_D_MODEL, DIGITS_N_HEADS, DIGITS_D_FF)
#define ROWS_S8 ATTN_MODEL_SCRATCH_S8(DIGITS_SEQ, DIGITS_D_MODEL, DIGITS_N_HEADS, DIGITS_D_FF)
#define VIT_F32                                                                          \
    ATTN_MODEL_SCRATCH_EX_F32(DIGITS_VIT_SEQ, DIGITS_VIT_D_MODEL, DIGITS_VIT_N_HEADS,    \
                              DIGITS_VIT_D_FF, DIGITS_VIT_CLS_TOKEN, DIGITS_VIT_D_IN)
#define VIT_S8                                                                           \
    ATTN_MODEL_SCRATCH_EX_S8(DIGITS_VIT_SEQ, DIGITS_VIT_D_MODEL, DIGITS_VIT_N_HEADS,     \
                             DIGITS_VIT_D_FF, DIGITS_VIT_CLS_TOKEN, DIGITS_VIT_D_IN)
#define MAX2(a, b) ((a) > (b) ? (a) : (b))
static uint8_t arena_buf[MAX2(MAX2(ROWS_F32, ROWS_S8), MAX2(VIT_F32, VIT_S8))] ATTN_ALIGNED;

typedef struct {
    int correct, agree_torch, agree_float;
    uint32_t insns_min, insns_max;
    uint64_t insns_sum;
    size_t arena;
    uint32_t hash; /* FNV-1a of the int8 logits: the same on every core */
} tally;

/* One model in float and int8. */
typedef struct {
    const char *name, *f32_label, *s8_label, *checksum;
    const attn_model_cfg *cfg;
    const attn_model_weights_f32 *f32;
    const attn_model_s8_params *s8;
    const uint8_t *torch_pred;   /* [DIGITS_N_TEST] PyTorch's classes */
    int seq;                     /* input rows */
    unsigned long f32_bytes, s8_bytes;
} model;

static void tally_init(tally *t, int with_float)
{
    memset(t, 0, sizeof *t);
    t->agree_float = with_float ? 0 : -1;
    t->insns_min = 0xFFFFFFFFu;
    t->hash = 2166136261u;
}

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

/* Every test image through m's float and int8 versions: 1 if it passes,
   0 if not, -1 on an error. */
static int run_model(const model *m, uint32_t cal)
{
    attn_qparams qin;
    attn_arena arena;
    tally f, q;
    float x[N_PIX], logits[DIGITS_N_CLASSES];
    int8_t x8[N_PIX], logits8[DIGITS_N_CLASSES];
    const float pixel_scale = g_pixel_scale;
    const int n_classes = m->cfg->n_classes;
    int i, j;

    tally_init(&f, 0);
    tally_init(&q, 1);
    qin.scale = m->s8->in_scale;
    qin.zero_point = m->s8->in_zp;
    for (i = 0; i < DIGITS_N_TEST; i++) {
        uint32_t t0;
        int pf = -1, pq = 0;
        attn_status st;
        for (j = 0; j < N_PIX; j++) x[j] = (float)digits_test_pixels[i][j] * pixel_scale;

        /* float */
        attn_arena_init(&arena, arena_buf, sizeof arena_buf);
        t0 = port_ticks();
        st = attn_model_f32(logits, x, m->seq, NULL, m->cfg, m->f32, &arena);
        tally_insns(&f, port_insns(port_ticks() - t0, cal));
        if (st == ATTN_OK) st = attn_argmax_f32(&pf, logits, n_classes);
        if (st != ATTN_OK) {
            printf("image %d: %s float model: %s\n", i, m->name, attn_status_str(st));
            return -1;
        }
        f.arena = arena.high_water;
        f.correct += pf == digits_test_labels[i];
        f.agree_torch += pf == m->torch_pred[i];

        /* int8: quantize the input, run, take the largest logit */
        attn_arena_init(&arena, arena_buf, sizeof arena_buf);
        st = attn_quantize_s8(x8, x, N_PIX, qin);
        t0 = port_ticks();
        if (st == ATTN_OK) st = attn_model_s8(logits8, x8, m->seq, NULL, m->cfg, m->s8, &arena);
        tally_insns(&q, port_insns(port_ticks() - t0, cal));
        if (st != ATTN_OK) {
            printf("image %d: %s int8 model: %s\n", i, m->name, attn_status_str(st));
            return -1;
        }
        for (j = 0; j < n_classes; j++) {
            if (logits8[j] > logits8[pq]) pq = j;
            q.hash = (q.hash ^ (uint8_t)logits8[j]) * 16777619u;
        }
        q.arena = arena.high_water;
        q.correct += pq == digits_test_labels[i];
        q.agree_torch += pq == m->torch_pred[i];
        q.agree_float += pq == pf;
    }

    print_tally(m->f32_label, &f, DIGITS_N_TEST, cal);
    print_tally(m->s8_label, &q, DIGITS_N_TEST, cal);
    printf("%s weights: float %lu B, int8 %lu B (flash)\n", m->name, m->f32_bytes, m->s8_bytes);
    printf("checksum %s: %d bytes, FNV-1a %08lx\n", m->checksum, DIGITS_N_TEST * n_classes,
           (unsigned long)q.hash);
    return f.agree_torch == DIGITS_N_TEST &&                  /* float == PyTorch       */
           (q.correct - f.correct) * 100 >= -DIGITS_N_TEST && /* within 1 point         */
           q.agree_float * 100 >= 98 * DIGITS_N_TEST;         /* >= 98% agreement       */
}

int main(void)
{
    model rows, vit;
    uint32_t cal;
    int r1, r2, passed;

    port_init();
    cal = port_calibrate();
    printf("digits: %d held-out images, two models in float and int8 (attention.h %d.%d.%d)\n",
           DIGITS_N_TEST, ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH);

    memset(&rows, 0, sizeof rows);
    rows.name = "rows";
    rows.f32_label = "float";
    rows.s8_label = "int8";
    rows.checksum = "digits-int8-logits";
    rows.cfg = &digits_cfg;
    rows.f32 = &digits_weights;
    rows.s8 = &digits_s8;
    rows.torch_pred = digits_torch_pred;
    rows.seq = DIGITS_SEQ;
    rows.f32_bytes = DIGITS_WEIGHT_BYTES;
    rows.s8_bytes = DIGITS_S8_WEIGHT_BYTES;
    printf("rows model: 8 tokens (the image's rows), mean pooling\n");
    r1 = run_model(&rows, cal);

    memset(&vit, 0, sizeof vit);
    vit.name = "vit";
    vit.f32_label = "vit-float";
    vit.s8_label = "vit-int8";
    vit.checksum = "digits-vit-int8-logits";
    vit.cfg = &digits_vit_cfg;
    vit.f32 = &digits_vit_weights;
    vit.f32_bytes = DIGITS_VIT_WEIGHT_BYTES;
    vit.s8 = &digits_vit_s8;
    vit.torch_pred = digits_vit_torch_pred;
    vit.seq = DIGITS_VIT_SEQ;
    vit.s8_bytes = DIGITS_VIT_S8_WEIGHT_BYTES;
    printf("vit model: %d patches of %dx%d pixels and a CLS row, attention pooling\n",
           DIGITS_VIT_SEQ, DIGITS_VIT_PATCH, DIGITS_VIT_PATCH);
    r2 = run_model(&vit, cal);

    if (r1 < 0 || r2 < 0) return 1;
    passed = r1 + r2;
    printf("%d passed, %d failed\n", passed, 2 - passed);
    return passed == 2 ? 0 : 1;
}
