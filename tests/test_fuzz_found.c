/* What the fuzz targets (tests/fuzz) found, each as the smallest call that
   showed it; the input that found it is in tests/fuzz/corpus/ too (named
   after the defect), which make test replays under ASan + UBSan. */
#include <limits.h>
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

/* Issue 11's front ends, found while the targets learned them. */

/* A minimal float model (d_model 4, one head, one layer) on static
   weights; cfg as given. */
static float g_fw[64];
static void tiny_model(attn_model_cfg *c, attn_model_weights_f32 *w, attn_encoder_layer_weights_f32 *lw)
{
    memset(c, 0, sizeof *c);
    memset(w, 0, sizeof *w);
    memset(lw, 0, sizeof *lw);
    lw->attn.wq = lw->attn.wk = lw->attn.wv = lw->attn.wo = g_fw;
    lw->ff1_w = lw->ff2_w = g_fw;
    w->encoder.layers = lw;
    w->encoder.n_layers = 1;
    w->cls_w = w->token_embed = w->segment_embed = w->embed_w = w->cls_token = w->pool_w = g_fw;
    c->encoder.d_model = 4;
    c->encoder.n_heads = 1;
    c->encoder.d_ff = 4;
    c->encoder.eps = 1e-5f;
    c->max_seq = 4;
    c->n_classes = 2;
    c->vocab = 3;
}

/* attn_model_tokens_f32/_s8 with vocab 0 (or patches) and, besides, a
   value out of range (activation, window, pooling): the documented order
   (every shape before any range) gives ATTN_ERR_SHAPE; the token entry's
   own shape rules came after the cfg's range checks (ATTN_ERR_RANGE). */
static void tokens_status_order(void)
{
    attn_model_cfg c;
    attn_model_weights_f32 w;
    attn_encoder_layer_weights_f32 lw;
    attn_model_s8_params p;
    attn_encoder_layer_s8_params lp;
    static int8_t w8[256];
    static attn_qmul q8[8];
    float logits[2] = {7.0f, 7.0f};
    int8_t logits8[2] = {7, 7};
    int tok[2] = {0, 1}, k, shape;
    unsigned char buf[64];
    attn_arena a;
    for (k = 0; k < 6; k++) {
        tiny_model(&c, &w, &lw);
        memset(&p, 0, sizeof p);
        memset(&lp, 0, sizeof lp);
        lp.attn.q.w = lp.attn.k.w = lp.attn.v.w = lp.attn.o.w = lp.ff1.w = lp.ff2.w = w8;
        lp.attn.q.requant = lp.attn.k.requant = lp.attn.v.requant = lp.attn.o.requant = q8;
        lp.ff1.requant = lp.ff2.requant = q8;
        lp.norm1.gamma = lp.norm2.gamma = q8;
        lp.gelu_table = w8; /* (so that no pointer is missing for any activation) */
        p.pos = w8;
        p.encoder.layers = &lp;
        p.encoder.n_layers = 1;
        p.cls.w = p.token_embed = w8;
        p.cls.requant = q8;
        for (shape = 0; shape < 2; shape++) {
            if (shape == 0) {
                c.vocab = 0;
            } else { /* an image with tokens */
                c.vocab = 3;
                c.patch = 1;
                c.channels = 1;
                c.image_h = 2;
                c.image_w = 1;
                c.d_in = 1;
            }
            if (k == 0) c.encoder.activation = (attn_activation)3;
            if (k == 1) c.encoder.window = -1;
            if (k == 2) c.pooling = (attn_pooling)7;
            if (k == 3) c.position = (attn_position)-2;
            if (k == 4) c.encoder.eps = -1.0f;
            if (k == 5) c.encoder.window = INT_MIN;
            attn_arena_init(&a, buf, sizeof buf);
            check(attn_model_tokens_f32(logits, tok, NULL, 2, NULL, &c, &w, &a) == ATTN_ERR_SHAPE &&
                      logits[0] == 7.0f && a.high_water == 0,
                  "fuzz: attn_model_tokens_f32, %s and a range error (%d): ATTN_ERR_SHAPE",
                  shape ? "patches" : "vocab 0", k);
            if (k != 4) /* (eps is not an int8 rule) */
                check(attn_model_tokens_s8(logits8, tok, NULL, 2, NULL, &c, &p, &a) == ATTN_ERR_SHAPE &&
                          logits8[0] == 7,
                      "fuzz: attn_model_tokens_s8, %s and a range error (%d): ATTN_ERR_SHAPE",
                      shape ? "patches" : "vocab 0", k);
        }
    }
}

/* One patch of 2^28 x 2^28 pixels and channels 2^8 or 2^28: the check
   d_in == channels * patch * patch multiplied out of int64 (undefined
   behaviour, which UBSan reports). Now ATTN_ERR_SHAPE, before any product
   can overflow. */
static void patch_product_overflow(void)
{
    static const int chans[] = {1 << 8, 1 << 28, 1 << 20, 1};
    attn_model_cfg c;
    attn_model_weights_f32 w;
    attn_encoder_layer_weights_f32 lw;
    float logits[2] = {7.0f, 7.0f}, img[4] = {0};
    size_t bytes = 12345;
    unsigned char buf[64];
    attn_arena a;
    size_t i;
    for (i = 0; i < sizeof chans / sizeof chans[0]; i++) {
        tiny_model(&c, &w, &lw);
        c.patch = c.image_h = c.image_w = 1 << 28;
        c.channels = chans[i];
        c.d_in = 1 << 28;
        attn_arena_init(&a, buf, sizeof buf);
        check(attn_model_f32(logits, img, 1, NULL, &c, &w, &a) == ATTN_ERR_SHAPE && logits[0] == 7.0f,
              "fuzz: attn_model_f32, one 2^28-pixel square, channels %d: ATTN_ERR_SHAPE", chans[i]);
        check(attn_model_scratch_f32(&c, 1, &bytes) == ATTN_ERR_SHAPE && bytes == 12345,
              "fuzz: attn_model_scratch_f32, the same: ATTN_ERR_SHAPE");
        check(attn_model_scratch_s8(&c, 1, &bytes) == ATTN_ERR_SHAPE && bytes == 12345,
              "fuzz: attn_model_scratch_s8, the same: ATTN_ERR_SHAPE");
    }
}

/* attn_sdpa_s8 / attn_mha_s8 and their queries with d_model above the int8
   limit (32768) and a negative window: ATTN_ERR_SHAPE (shapes first); it
   was ATTN_ERR_RANGE. */
static void s8_width_before_window(void)
{
    attn_mha_cfg c = {1, 1, 32769, 1, 0, -1};
    attn_sdpa_s8_params sp;
    attn_mha_s8_params mp;
    static int8_t v8[4], w8[4];
    static attn_qmul q8[4];
    int8_t out[4] = {7, 7, 7, 7};
    size_t bytes = 12345;
    unsigned char buf[64];
    attn_arena a;
    memset(&sp, 0, sizeof sp);
    memset(&mp, 0, sizeof mp);
    mp.q.w = mp.k.w = mp.v.w = mp.o.w = w8;
    mp.q.requant = mp.k.requant = mp.v.requant = mp.o.requant = q8;
    attn_arena_init(&a, buf, sizeof buf);
    check(attn_sdpa_scratch_s8(&c, &bytes) == ATTN_ERR_SHAPE && bytes == 12345,
          "fuzz: attn_sdpa_scratch_s8, d_model 32769 and window -1: ATTN_ERR_SHAPE");
    check(attn_mha_scratch_s8(&c, &bytes) == ATTN_ERR_SHAPE && bytes == 12345,
          "fuzz: attn_mha_scratch_s8, d_model 32769 and window -1: ATTN_ERR_SHAPE");
    check(attn_sdpa_s8(out, v8, v8, v8, NULL, &c, &sp, &a) == ATTN_ERR_SHAPE && out[0] == 7,
          "fuzz: attn_sdpa_s8, d_model 32769 and window -1: ATTN_ERR_SHAPE");
    check(attn_mha_s8(out, v8, v8, v8, NULL, &c, &mp, &a) == ATTN_ERR_SHAPE && out[0] == 7,
          "fuzz: attn_mha_s8, d_model 32769 and window -1: ATTN_ERR_SHAPE");
}

/* attn_pool_attention_s8 with d_model above 32768 and seq x d_model bytes
   beyond a 32-bit size_t: ATTN_ERR_SHAPE (shapes before TOO_LARGE); on a
   32-bit target it was ATTN_ERR_TOO_LARGE. */
static void pool_attention_s8_width_first(void)
{
    attn_sdpa_s8_params sp;
    int8_t out[4] = {7, 7, 7, 7}, x[4] = {0}, w8[4] = {0};
    unsigned char buf[64];
    attn_arena a;
    memset(&sp, 0, sizeof sp);
    attn_arena_init(&a, buf, sizeof buf);
    check(attn_pool_attention_s8(out, x, NULL, w8, &sp, 1 << 16, 1 << 17, &a) == ATTN_ERR_SHAPE && out[0] == 7,
          "fuzz: attn_pool_attention_s8, seq 2^16, d_model 2^17: ATTN_ERR_SHAPE");
}

void test_fuzz_found(void)
{
    scratch_f32_status_order();
    qmul_shift_overflow();
    tokens_status_order();
    patch_product_overflow();
    s8_width_before_window();
    pool_attention_s8_width_first();
}
