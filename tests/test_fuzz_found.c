/* What the fuzz targets (tests/fuzz) found, each as the smallest call that
   showed it; the input that found it is in tests/fuzz/corpus/ too (named
   after the defect), which make test replays under ASan + UBSan. */
#include <stdint.h>
#include <string.h>

#include "attention.h"
#include "check.h"

/* attn_encoder_layer_scratch_f32 / attn_encoder_scratch_f32 with seq 0 and
   an activation or eps out of range: the documented order (shapes first)
   gives ATTN_ERR_SHAPE; the query returned ATTN_ERR_RANGE, as the layer
   itself did not. */
static void scratch_f32_status_order(void)
{
    attn_encoder_cfg c = {8, 2, 16, ATTN_ACT_RELU, 0, 0, 1e-5f, 0};
    size_t bytes = 12345;
    int k;
    for (k = 0; k < 2; k++) {
        attn_encoder_cfg b = c;
        if (k == 0) b.activation = (attn_activation)3;
        else b.eps = -1.0f;
        check(attn_encoder_layer_scratch_f32(&b, 0, &bytes) == ATTN_ERR_SHAPE && bytes == 12345,
              "fuzz: layer scratch query, seq 0 and a bad %s: ATTN_ERR_SHAPE", k ? "eps" : "activation");
        check(attn_encoder_scratch_f32(&b, -3, &bytes) == ATTN_ERR_SHAPE && bytes == 12345,
              "fuzz: stack scratch query, seq -3 and a bad %s: ATTN_ERR_SHAPE", k ? "eps" : "activation");
    }
}

/* A per-channel shift near INT32_MAX (corrupt model data) in the int8
   kernels' channel check: shift + 31 overflowed int (undefined behaviour,
   which UBSan reports; the builds without it happened to refuse). Now
   ATTN_ERR_RANGE, nothing written. */
static void qmul_shift_overflow(void)
{
    static const int32_t shifts[] = {INT32_MAX, INT32_MAX - 30, INT32_MAX - 31, INT32_MIN, 31, -32};
    int8_t x[4] = {1, -2, 3, -128}, w[4] = {1, 2, 3, 4}, y[4];
    attn_qmul q[4], g[4];
    attn_linear_s8_params lp;
    attn_layernorm_s8_params np;
    size_t i;
    int c;
    memset(&lp, 0, sizeof lp);
    lp.w = w;
    lp.requant = q;
    lp.act_min = -128;
    lp.act_max = 127;
    np.gamma = g;
    np.beta = NULL;
    np.eps = 1;
    np.out_zp = 0;
    for (i = 0; i < sizeof shifts / sizeof shifts[0]; i++) {
        for (c = 0; c < 4; c++) {
            q[c].multiplier = g[c].multiplier = 1 << 30;
            q[c].shift = g[c].shift = -3;
        }
        q[1].shift = g[3].shift = shifts[i];
        memset(y, 0x5A, sizeof y);
        check(attn_linear_s8(y, x, &lp, 1, 4, 1) == ATTN_OK, "fuzz: linear, channel 0 valid");
        memset(y, 0x5A, sizeof y);
        check(attn_linear_s8(y, x, &lp, 1, 4, 2) == ATTN_ERR_RANGE && y[0] == 0x5A && y[1] == 0x5A,
              "fuzz: linear, a channel's shift %ld: ATTN_ERR_RANGE, nothing written", (long)shifts[i]);
        memset(y, 0x5A, sizeof y);
        check(attn_layernorm_s8(y, x, &np, 1, 4) == ATTN_ERR_RANGE && y[0] == 0x5A && y[3] == 0x5A,
              "fuzz: layer norm, a gamma's shift %ld: ATTN_ERR_RANGE, nothing written", (long)shifts[i]);
    }
}

void test_fuzz_found(void)
{
    scratch_f32_status_order();
    qmul_shift_overflow();
}
