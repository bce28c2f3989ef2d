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
    attn_encoder_cfg c = {8, 2, 16, ATTN_ACT_RELU, 0, 0, 1e-5f};
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

void test_fuzz_found(void)
{
    scratch_f32_status_order();
}
