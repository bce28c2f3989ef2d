/* nofloat_a.c, nofloat_b.c - an int8-only firmware: built with ATTN_NO_FLOAT,
   it includes digits_model_s8.h without digits_model.h (whose float arrays
   and types it could not compile), in two translation units: this one
   defines the model (DIGITS_MODEL_S8_IMPLEMENTATION), nofloat_b.c (built as
   C++98 by tests/model_headers/check.sh) only declares it and runs it. The
   int8 digits model classifies the 360 test images; the checksum of its
   logits must be the one examples/digits prints on every build
   (tests/run_suite.sh compares them), and both files must see one model: the
   same addresses. */
#include <stdio.h>

#define ATTN_NO_FLOAT
#define ATTN_IMPLEMENTATION
#include "attention.h"

#define DIGITS_MODEL_S8_IMPLEMENTATION
#include "digits_model_s8.h"
#include "digits_data.h"

#include "nofloat.h"

static int g_pass, g_fail;

static void check(int ok, const char *what)
{
    if (ok) g_pass++;
    else g_fail++;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

int main(void)
{
    int8_t table[17], x[64], logits[DIGITS_N_CLASSES];
    uint32_t hash = 2166136261u;
    int i, j, bad = 0, right = 0;
    /* the input encoding of pixel / 16 as attn_quantize_s8 computes it
       (round half away from zero, clamped), which this build compiles out */
    for (i = 0; i <= 16; i++) {
        double v = (double)((float)i * (1.0f / 16.0f)) / (double)digits_s8.in_scale;
        v = (v >= 0.0 ? (double)(long)(v + 0.5) : -(double)(long)(-v + 0.5)) + digits_s8.in_zp;
        table[i] = (int8_t)(v < -128.0 ? -128 : v > 127.0 ? 127 : (int)v);
    }
    for (i = 0; i < DIGITS_N_TEST; i++) {
        int best = 0;
        for (j = 0; j < 64; j++) x[j] = table[digits_test_pixels[i][j]];
        if (nofloat_classify(logits, x) != ATTN_OK) bad++;
        for (j = 0; j < DIGITS_N_CLASSES; j++) {
            if (logits[j] > logits[best]) best = j;
            hash = (hash ^ (uint8_t)logits[j]) * 16777619u;
        }
        right += best == digits_test_labels[i];
    }
    check(bad == 0, "attn_model_s8 with digits_s8_cfg in an ATTN_NO_FLOAT build: ATTN_OK on all "
                    "360 images");
    check(right * 100 >= 90 * DIGITS_N_TEST, "the int8-only build classifies >= 90% right");
    check(nofloat_params() == &digits_s8 && nofloat_cfg() == &digits_s8_cfg &&
              nofloat_embed() == digits_s8_embed_w,
          "one copy: both translation units see the same digits_s8, digits_s8_cfg, arrays");
    printf("int8-only digits: %d of %d right\n", right, DIGITS_N_TEST);
    printf("checksum digits-int8-logits: %d bytes, FNV-1a %08lx\n",
           DIGITS_N_TEST * DIGITS_N_CLASSES, (unsigned long)hash);
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail != 0;
}
