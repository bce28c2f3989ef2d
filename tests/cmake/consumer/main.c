/* main.c - attention.h as a CMake target sees it (tests/cmake/check.sh):
   the options the build asked for reached the compile (EXPECT_OPTS), the
   version CMake reports is the header's, attn_linear_f32 computes y = x W^T
   + b, and the digits classifier (examples/digits) gives PyTorch's class on
   every test image in float, and int8's agrees with it on >= 98% of them.
   Ends "N passed, N failed". */
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "digits_model.h"
#ifndef ATTN_NO_INT8
#include "digits_model_s8.h"
#endif
#include "digits_data.h"

static int g_pass, g_fail;

static void check(int ok, const char *what)
{
    if (ok) g_pass++;
    else g_fail++;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

#ifdef ATTN_NO_BLOB
#define SEEN_BLOB "0"
#else
#define SEEN_BLOB "1"
#endif
#ifdef ATTN_NO_INT8
#define SEEN_INT8 "0"
#else
#define SEEN_INT8 "1"
#endif
#ifdef ATTN_NO_FMA
#define SEEN_FMA "0"
#else
#define SEEN_FMA "1"
#endif

static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(DIGITS_SEQ, DIGITS_D_MODEL, DIGITS_N_HEADS,
                                                DIGITS_D_FF) + 4096] ATTN_ALIGNED;

int main(void)
{
    char seen[96], version[32];
    static const float x[2 * 3] = { 1.0f, -2.0f, 0.5f, 3.0f, 0.25f, -1.0f };
    static const float w[4 * 3] = { 0.5f, 1.0f, -1.0f, 2.0f, 0.0f, 1.5f,
                                    -0.25f, 0.75f, 1.0f, 1.0f, 1.0f, 1.0f };
    static const float b[4] = { 0.1f, -0.2f, 0.3f, 0.0f };
    float y[2 * 4], in[64], logits[DIGITS_N_CLASSES];
    attn_arena arena;
    int i, j, k, agree = 0, ok = 1;

    sprintf(seen, "align=%d float=1 int8=%s blob=%s fma=%s", (int)ATTN_ALIGN, SEEN_INT8,
            SEEN_BLOB, SEEN_FMA);
    printf("options seen: %s (expected: %s)\n", seen, EXPECT_OPTS);
    check(strcmp(seen, EXPECT_OPTS) == 0, "the build's ATTN_ options reached the compile");
    sprintf(version, "%d.%d.%d", ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH);
    printf("version: attention.h %s, CMake %s\n", version, CMAKE_ATTN_VERSION);
    check(strcmp(version, CMAKE_ATTN_VERSION) == 0, "CMake's attention_VERSION is the header's");
    check(((size_t)arena_buf & (size_t)(ATTN_ALIGN - 1)) == 0, "ATTN_ALIGNED aligns to ATTN_ALIGN");

    /* attn_linear_f32 against the sum written out */
    ok = attn_linear_f32(y, x, w, b, 2, 3, 4) == ATTN_OK;
    for (i = 0; i < 2; i++)
        for (j = 0; j < 4; j++) {
            float r = b[j];
            for (k = 0; k < 3; k++) r += x[i * 3 + k] * w[j * 3 + k];
            ok = ok && y[i * 4 + j] - r < 1e-5f && r - y[i * 4 + j] < 1e-5f;
        }
    check(ok, "attn_linear_f32: y = x W^T + b (2 x 3 by 4)");

    /* the digits classifier, float: PyTorch's class on every image */
    ok = 1;
    for (i = 0; i < DIGITS_N_TEST && ok; i++) {
        int cls = -1;
        for (j = 0; j < 64; j++) in[j] = (float)digits_test_pixels[i][j] * (1.0f / 16.0f);
        ok = attn_arena_init(&arena, arena_buf, sizeof arena_buf) == ATTN_OK &&
             attn_model_f32(logits, in, DIGITS_SEQ, NULL, &digits_cfg, &digits_weights, &arena) ==
                 ATTN_OK &&
             attn_argmax_f32(&cls, logits, DIGITS_N_CLASSES) == ATTN_OK;
        agree += ok && cls == (int)digits_torch_pred[i];
    }
    printf("digits float: %d of %d images give PyTorch's class\n", agree, DIGITS_N_TEST);
    check(ok && agree == DIGITS_N_TEST, "attn_model_f32 (examples/digits): PyTorch's class on every image");

#ifndef ATTN_NO_INT8
    {
        int8_t x8[64], q[DIGITS_N_CLASSES];
        attn_qparams qin;
        qin.scale = digits_s8.in_scale;
        qin.zero_point = digits_s8.in_zp;
        ok = 1;
        agree = 0;
        for (i = 0; i < DIGITS_N_TEST && ok; i++) {
            int cf = -1, cq = -2;
            for (j = 0; j < 64; j++) in[j] = (float)digits_test_pixels[i][j] * (1.0f / 16.0f);
            ok = attn_arena_init(&arena, arena_buf, sizeof arena_buf) == ATTN_OK &&
                 attn_model_f32(logits, in, DIGITS_SEQ, NULL, &digits_cfg, &digits_weights,
                                &arena) == ATTN_OK &&
                 attn_argmax_f32(&cf, logits, DIGITS_N_CLASSES) == ATTN_OK &&
                 attn_quantize_s8(x8, in, 64, qin) == ATTN_OK &&
                 attn_model_s8(q, x8, DIGITS_SEQ, NULL, &digits_s8_cfg, &digits_s8, &arena) ==
                     ATTN_OK &&
                 attn_argmax_s8(&cq, q, DIGITS_N_CLASSES) == ATTN_OK;
            agree += ok && cf == cq;
        }
        printf("digits int8: %d of %d images give float's class\n", agree, DIGITS_N_TEST);
        check(ok && agree * 100 >= 98 * DIGITS_N_TEST,
              "attn_model_s8 (examples/digits): float's class on >= 98% of the images");
    }
#endif
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail != 0;
}
