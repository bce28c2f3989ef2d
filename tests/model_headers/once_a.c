/* once_a.c, once_b.c - a float and int8 firmware whose two files include the
   same model headers: this one defines the models (the _IMPLEMENTATION
   macros), once_b.c (built as C++98 by tests/model_headers/check.sh) only
   declares them. check.sh also reads the objects' symbols: the arrays are
   defined in once_a.o alone. Here: one copy (the same addresses from both
   files), and the models run from either file give the same logits. */
#include <stdio.h>
#include <string.h>

#define ATTN_IMPLEMENTATION
#include "attention.h"

#define DIGITS_MODEL_IMPLEMENTATION
#define DIGITS_MODEL_S8_IMPLEMENTATION
#define DIGITS_VIT_MODEL_IMPLEMENTATION
#define DIGITS_VIT_MODEL_S8_IMPLEMENTATION
#include "digits_model.h"
#include "digits_model_s8.h"
#include "digits_vit_model.h"
#include "digits_vit_model_s8.h"
/* a second include of each: nothing is defined twice */
#include "digits_model.h"
#include "digits_model_s8.h"
#include "digits_data.h"

#include "once.h"

static int g_pass, g_fail;

static void check(int ok, const char *what)
{
    if (ok) g_pass++;
    else g_fail++;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

static uint8_t arena_buf[DIGITS_S8_SCRATCH_BYTES + ATTN_MODEL_SCRATCH_F32(DIGITS_SEQ,
                         DIGITS_D_MODEL, DIGITS_N_HEADS, DIGITS_D_FF)] ATTN_ALIGNED;

int main(void)
{
    const void *b[ONCE_N];
    float x[64], fa[DIGITS_N_CLASSES], fb[DIGITS_N_CLASSES];
    int8_t x8[64], qa[DIGITS_N_CLASSES], qb[DIGITS_N_CLASSES];
    attn_qparams qin;
    attn_arena arena;
    int i, j, same = 1, ok = 1;
    once_addresses(b);
    check(b[0] == (const void *)digits_embed_w && b[1] == (const void *)&digits_weights &&
              b[2] == (const void *)&digits_cfg && b[3] == (const void *)digits_s8_l0_q_w &&
              b[4] == (const void *)&digits_s8 && b[5] == (const void *)&digits_vit_weights &&
              b[6] == (const void *)&digits_vit_s8,
          "one copy of each model: the same addresses from both files");
    check(memcmp(&digits_cfg, &digits_s8_cfg, sizeof digits_cfg) == 0,
          "digits_s8_cfg (the int8 header's) is digits_cfg");
    qin.scale = digits_s8.in_scale;
    qin.zero_point = digits_s8.in_zp;
    for (i = 0; i < 40 && ok; i++) {
        for (j = 0; j < 64; j++) x[j] = (float)digits_test_pixels[i][j] * (1.0f / 16.0f);
        ok = attn_arena_init(&arena, arena_buf, sizeof arena_buf) == ATTN_OK &&
             attn_model_f32(fa, x, DIGITS_SEQ, NULL, &digits_cfg, &digits_weights, &arena) ==
                 ATTN_OK &&
             attn_quantize_s8(x8, x, 64, qin) == ATTN_OK &&
             attn_model_s8(qa, x8, DIGITS_SEQ, NULL, &digits_cfg, &digits_s8, &arena) == ATTN_OK &&
             once_run(fb, qb, x, x8) == ATTN_OK;
        same = same && ok && memcmp(fa, fb, sizeof fa) == 0 && memcmp(qa, qb, sizeof qa) == 0;
    }
    check(ok && same, "40 images: the models run from once_b.c (C++) give the same float and "
                      "int8 logits");
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail != 0;
}
