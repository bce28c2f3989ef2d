/* Property tests: facts that hold for any input (softmax rows sum to 1,
   layer norm gives mean 0 / variance 1, causal rows ignore the future ...),
   in-place == out-of-place, defined results for awkward input, and arena
   accounting (query == macro == high-water, "just fits" / "one byte short"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"

#define N_MAX 4096
static float g_a[N_MAX], g_b[N_MAX], g_c[N_MAX], g_d[N_MAX], g_w[4 * N_MAX];
static unsigned char g_mem[32 * 1024 + 64] ATTN_ALIGNED;

static int all_equal(const float *x, const float *y, size_t n)
{
    return memcmp(x, y, n * sizeof(float)) == 0;
}

/* ---- softmax ------------------------------------------------------------ */

static void test_softmax(void)
{
    static const struct { int rows, cols; float lo, hi; } cases[] = {
        {1, 1, -1.0f, 1.0f}, {3, 7, -3.0f, 3.0f}, {5, 100, -10.0f, 10.0f},
        {4, 33, -1e4f, 1e4f}, /* exp would overflow without the max shift */
    };
    size_t t;
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        int r, c, rows = cases[t].rows, cols = cases[t].cols, ok = 1;
        check_seed(10u + (unsigned)t);
        check_fill(g_a, (size_t)rows * (size_t)cols, cases[t].lo, cases[t].hi);
        attn_softmax_f32(g_b, g_a, rows, cols);
        for (r = 0; r < rows; r++) {
            double sum = 0.0;
            for (c = 0; c < cols; c++) {
                float p = g_b[r * cols + c];
                if (!(p >= 0.0f && p <= 1.0f)) ok = 0;
                sum += (double)p;
            }
            if (fabs(sum - 1.0) > 1e-5) ok = 0;
        }
        check(ok, "softmax %dx%d in [%g,%g): probabilities in [0,1], rows sum to 1", rows, cols,
              (double)cases[t].lo, (double)cases[t].hi);
        /* shift invariance, in place == out of place */
        for (c = 0; c < rows * cols; c++) g_c[c] = g_a[c] + 7.0f;
        attn_softmax_f32(g_c, g_c, rows, cols);
        check(check_max_rel_err(g_c, g_b, (size_t)(rows * cols)) < 1e-5,
              "softmax %dx%d: in place and shifted by 7 gives the same rows", rows, cols);
    }
    {   /* -inf entries get probability 0; an all -inf row is zeros; NaN stays in its row */
        float x[12] = {1.0f, -INFINITY, 2.0f, -INFINITY, -INFINITY, -INFINITY,
                       -INFINITY, -INFINITY, 0.0f, NAN, 0.5f, 1.0f};
        float y[12];
        attn_softmax_f32(y, x, 4, 3);
        check(y[1] == 0.0f && fabs((double)(y[0] + y[2]) - 1.0) < 1e-6,
              "softmax: -inf entries get probability 0");
        check(y[3] == 0.0f && y[4] == 0.0f && y[5] == 0.0f,
              "softmax: a row of only -inf is all zeros (documented)");
        check(y[6] == 0.0f && y[7] == 0.0f && y[8] == 1.0f, "softmax: one finite entry gets 1");
        check(y[9] != y[9] && y[10] != y[10] && y[11] != y[11],
              "softmax: a row with NaN is NaN (documented), other rows unaffected");
    }
}

/* ---- layer norm --------------------------------------------------------- */

static void test_layernorm(void)
{
    static const struct { int rows, cols; float scale, offset; } cases[] = {
        {1, 2, 1.0f, 0.0f}, {4, 20, 1.0f, 0.0f}, {3, 7, 1e-2f, 0.02f}, {2, 257, 1e3f, -100.0f},
    };
    size_t t;
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        int r, c, rows = cases[t].rows, cols = cases[t].cols, ok = 1;
        size_t n = (size_t)rows * (size_t)cols;
        check_seed(20u + (unsigned)t);
        check_fill(g_a, n, -1.0f, 1.0f);
        for (c = 0; c < (int)n; c++) g_a[c] = g_a[c] * cases[t].scale + cases[t].offset;
        attn_layernorm_f32(g_b, g_a, NULL, NULL, 1e-12f, rows, cols);
        for (r = 0; r < rows; r++) {
            double mean = 0.0, var = 0.0;
            for (c = 0; c < cols; c++) mean += (double)g_b[r * cols + c];
            mean /= cols;
            for (c = 0; c < cols; c++) var += ((double)g_b[r * cols + c] - mean) * ((double)g_b[r * cols + c] - mean);
            var /= cols;
            if (fabs(mean) > 1e-5 || fabs(var - 1.0) > 1e-4) ok = 0;
        }
        check(ok, "layernorm %dx%d (scale %g, offset %g): mean 0, variance 1 before affine",
              rows, cols, (double)cases[t].scale, (double)cases[t].offset);
        /* affine step, in place */
        check_fill(g_w, (size_t)cols, 0.5f, 1.5f);
        check_fill(g_w + cols, (size_t)cols, -0.5f, 0.5f);
        memcpy(g_c, g_a, n * sizeof(float));
        attn_layernorm_f32(g_c, g_c, g_w, g_w + cols, 1e-12f, rows, cols);
        ok = 1;
        for (c = 0; c < (int)n; c++)
            if (fabs((double)g_c[c] - ((double)g_b[c] * (double)g_w[c % cols] + (double)g_w[cols + c % cols])) > 1e-5) ok = 0;
        check(ok, "layernorm %dx%d: in place with gamma/beta = normalised * gamma + beta", rows, cols);
    }
    {
        float x[8] = {3.0f, 3.0f, 3.0f, 3.0f, 1.0f, NAN, 2.0f, 0.0f}, y[8];
        attn_layernorm_f32(y, x, NULL, NULL, 1e-5f, 2, 4);
        check(y[0] == 0.0f && y[3] == 0.0f, "layernorm: a constant row gives zeros, not NaN");
        check(y[4] != y[4], "layernorm: a row with NaN is NaN (documented)");
    }
}

/* ---- activations, positions, pooling, argmax, linear ------------------- */

static double ref_gelu(double x) { return 0.5 * x * (1.0 + erf(x / sqrt(2.0))); }
static double ref_gelu_tanh(double x)
{
    return 0.5 * x * (1.0 + tanh(sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
}

static void test_elementwise(void)
{
    int i, n = 401, ok_g = 1, ok_t = 1, ok_r = 1;
    for (i = 0; i < n; i++) g_a[i] = -10.0f + 0.05f * (float)i;
    attn_gelu_f32(g_b, g_a, n);
    attn_gelu_tanh_f32(g_c, g_a, n);
    attn_relu_f32(g_d, g_a, n);
    for (i = 0; i < n; i++) {
        double x = (double)g_a[i];
        if (fabs((double)g_b[i] - ref_gelu(x)) > 1e-6 * (fabs(x) > 1 ? fabs(x) : 1)) ok_g = 0;
        if (fabs((double)g_c[i] - ref_gelu_tanh(x)) > 1e-6 * (fabs(x) > 1 ? fabs(x) : 1)) ok_t = 0;
        if (g_d[i] != (g_a[i] > 0.0f ? g_a[i] : 0.0f)) ok_r = 0;
    }
    check(ok_g, "gelu (erf) matches the double formula within 1e-6 on [-10, 10]");
    check(ok_t, "gelu (tanh) matches the double formula within 1e-6 on [-10, 10]");
    check(ok_r, "relu is max(x, 0)");
    memcpy(g_d, g_a, (size_t)n * sizeof(float));
    attn_gelu_f32(g_d, g_d, n);
    check(all_equal(g_d, g_b, (size_t)n), "gelu in place == out of place");
    {
        float x[3] = {NAN, INFINITY, -INFINITY}, y[3];
        attn_relu_f32(y, x, 3);
        check(y[0] != y[0] && y[1] == INFINITY && y[2] == 0.0f, "relu: NaN stays NaN, +-inf clamp");
    }
}

static void test_positions_pooling(void)
{
    int p, c, d = 7, seq = 40, ok = 1;
    memset(g_a, 0, sizeof(float) * (size_t)(seq * d));
    attn_pos_sinusoidal_f32(g_a, seq, d);
    for (p = 0; p < seq; p++)
        for (c = 0; c < d; c++) {
            double freq = pow(10000.0, -(double)(c - c % 2) / d);
            double want = c % 2 ? cos(p * freq) : sin(p * freq);
            if (fabs((double)g_a[p * d + c] - want) > 1e-6) ok = 0;
        }
    check(ok, "sinusoidal positions (odd d_model 7, 40 positions) match the double formula");
    for (c = 0; c < seq * d; c++) g_b[c] = (float)c;
    attn_pos_learned_f32(g_b, g_a, seq, d);
    check(g_b[d * 3 + 2] == (float)(d * 3 + 2) + g_a[d * 3 + 2], "learned positions add the table");

    {   /* pooling: mean over unpadded rows, first token, all padded -> zeros */
        float x[12] = {1, 2, 3, 4, 5, 6, 100, 200, 300, -1, -2, -3}, out[3];
        uint8_t pad[4] = {0, 0, 1, 0}, all[4] = {1, 1, 1, 1};
        attn_pool_f32(out, x, pad, ATTN_POOL_MEAN, 4, 3);
        check(out[0] == 4.0f / 3.0f && out[1] == 5.0f / 3.0f && out[2] == 2.0f,
              "mean pooling skips padded rows");
        attn_pool_f32(out, x, NULL, ATTN_POOL_FIRST, 4, 3);
        check(out[0] == 1.0f && out[1] == 2.0f && out[2] == 3.0f, "first-token pooling is row 0");
        attn_pool_f32(out, x, all, ATTN_POOL_MEAN, 4, 3);
        check(out[0] == 0.0f && out[1] == 0.0f && out[2] == 0.0f,
              "mean pooling with every row padded gives zeros (documented)");
    }
    {
        float v[5] = {1.0f, 3.0f, -2.0f, 3.0f, 0.0f}, nan3[3] = {NAN, 2.0f, 1.0f};
        int idx = -1;
        attn_argmax_f32(&idx, v, 5);
        check(idx == 1, "argmax picks the first of equal maxima");
        attn_argmax_f32(&idx, nan3, 3);
        check(idx == 1, "argmax never picks NaN while a number exists");
    }
}

static void test_linear(void)
{
    int r, o, i, rows = 5, in = 13, out = 9, ok = 1;
    check_seed(30);
    check_fill(g_a, (size_t)(rows * in), -1.0f, 1.0f);
    check_fill(g_w, (size_t)(out * in + out), -1.0f, 1.0f);
    attn_linear_f32(g_b, g_a, g_w, g_w + out * in, rows, in, out);
    for (r = 0; r < rows; r++)
        for (o = 0; o < out; o++) {
            double s = (double)g_w[out * in + o];
            for (i = 0; i < in; i++) s += (double)g_a[r * in + i] * (double)g_w[o * in + i];
            if (fabs((double)g_b[r * out + o] - s) > 1e-5) ok = 0;
        }
    check(ok, "linear 5x13 -> 9 matches a double reference (y = x W^T + b)");
    attn_linear_f32(g_c, g_a, g_w, NULL, rows, in, out);
    ok = 1;
    for (r = 0; r < rows * out; r++)
        if (fabs((double)(g_b[r] - g_c[r] - g_w[out * in + r % out])) > 1e-5) ok = 0;
    check(ok, "linear with NULL bias = no bias");
}

/* ---- attention ---------------------------------------------------------- */

/* Naive reference: the full score matrix, in double. */
static void ref_sdpa(float *out, const float *q, const float *k, const float *v,
                     const uint8_t *pad, int sq, int skv, int d, int heads, int causal)
{
    static double s[64 * 64];
    int dh = d / heads, h, i, j, c;
    for (h = 0; h < heads; h++)
        for (i = 0; i < sq; i++) {
            double mx = -1e300, sum = 0.0;
            int any = 0;
            for (j = 0; j < skv; j++) {
                double t = 0.0;
                int masked = (pad && pad[j]) || (causal && j > i);
                for (c = 0; c < dh; c++) t += (double)q[i * d + h * dh + c] * (double)k[j * d + h * dh + c];
                s[i * skv + j] = masked ? -1e300 : t / sqrt((double)dh);
                if (!masked && s[i * skv + j] > mx) mx = s[i * skv + j];
                any |= !masked;
            }
            for (j = 0; j < skv; j++) {
                int masked = (pad && pad[j]) || (causal && j > i);
                s[i * skv + j] = masked ? 0.0 : exp(s[i * skv + j] - mx);
                sum += s[i * skv + j];
            }
            for (c = 0; c < dh; c++) {
                double acc = 0.0;
                for (j = 0; j < skv; j++) acc += s[i * skv + j] * (double)v[j * d + h * dh + c];
                out[i * d + h * dh + c] = any ? (float)(acc / sum) : 0.0f;
            }
        }
}

static void test_sdpa(void)
{
    static const struct { int sq, skv, d, heads, causal, pad_last; } cases[] = {
        {1, 1, 5, 1, 0, 0}, {6, 6, 16, 1, 0, 0}, {9, 9, 20, 4, 1, 0},
        {7, 12, 21, 3, 0, 4}, {10, 10, 24, 3, 1, 3}, {5, 3, 8, 2, 1, 0},
    };
    size_t t;
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        int sq = cases[t].sq, skv = cases[t].skv, d = cases[t].d, j;
        uint8_t pad[64];
        attn_mha_cfg cfg;
        attn_arena arena;
        size_t bytes = 0, nq = (size_t)(sq * d), nkv = (size_t)(skv * d);
        float *q = g_a, *k = g_a + nq, *v = g_a + nq + nkv;
        cfg.seq_q = sq; cfg.seq_kv = skv; cfg.d_model = d; cfg.n_heads = cases[t].heads;
        cfg.causal = cases[t].causal;
        for (j = 0; j < skv; j++) pad[j] = (uint8_t)(j >= skv - cases[t].pad_last);
        check_seed(40u + (unsigned)t);
        check_fill(g_a, nq + 2 * nkv, -2.0f, 2.0f);
        attn_arena_init(&arena, g_mem, sizeof g_mem);
        attn_sdpa_f32(g_b, q, k, v, cases[t].pad_last ? pad : NULL, &cfg, &arena);
        ref_sdpa(g_c, q, k, v, cases[t].pad_last ? pad : NULL, sq, skv, d, cfg.n_heads, cfg.causal);
        check(check_max_rel_err(g_b, g_c, nq) < 1e-5,
              "sdpa q%d kv%d d%d h%d causal%d pad%d matches the full-matrix double reference",
              sq, skv, d, cfg.n_heads, cfg.causal, cases[t].pad_last);
        attn_sdpa_scratch_f32(&cfg, &bytes);
        check(bytes == ATTN_SDPA_SCRATCH_F32(skv) && bytes == arena.high_water && arena.used == 0,
              "sdpa q%d kv%d: scratch query == macro == high-water (%lu B)", sq, skv,
              (unsigned long)bytes);
        /* in place: out == q */
        memcpy(g_d, q, nq * sizeof(float));
        attn_sdpa_f32(g_d, g_d, k, v, cases[t].pad_last ? pad : NULL, &cfg, &arena);
        check(all_equal(g_d, g_b, nq), "sdpa q%d kv%d: in place (out == q) == out of place", sq, skv);
    }
}

/* Fills MHA weights at g_w: Wq Wk Wv Wo [d][d] and biases. */
static attn_mha_weights_f32 random_mha(int d, unsigned seed)
{
    attn_mha_weights_f32 w;
    size_t dd = (size_t)d * (size_t)d;
    check_seed(seed);
    check_fill(g_w, 4 * dd + 4 * (size_t)d, -0.5f, 0.5f);
    w.wq = g_w; w.wk = g_w + dd; w.wv = g_w + 2 * dd; w.wo = g_w + 3 * dd;
    w.bq = g_w + 4 * dd; w.bk = w.bq + d; w.bv = w.bk + d; w.bo = w.bv + d;
    return w;
}

static void test_mha(void)
{
    int d = 12, sq = 5, skv = 8, i, ok;
    attn_mha_cfg cfg = {5, 8, 12, 3, 0};
    attn_mha_weights_f32 w = random_mha(d, 50);
    attn_arena arena;
    uint8_t all_pad[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    float *xq = g_a, *xkv = g_a + sq * d;
    attn_arena_init(&arena, g_mem, sizeof g_mem);
    check_fill(g_a, (size_t)((sq + skv) * d), -1.0f, 1.0f);

    /* cross attention: out == xq and out == xkv are both allowed */
    attn_mha_f32(g_b, xq, xkv, NULL, &cfg, &w, &arena);
    memcpy(g_c, g_a, sizeof(float) * (size_t)((sq + skv) * d));
    attn_mha_f32(g_c, g_c, g_c + sq * d, NULL, &cfg, &w, &arena);
    check(all_equal(g_c, g_b, (size_t)(sq * d)), "mha cross: in place on xq == out of place");
    memcpy(g_c, g_a, sizeof(float) * (size_t)((sq + skv) * d));
    attn_mha_f32(g_c + sq * d, g_c, g_c + sq * d, NULL, &cfg, &w, &arena);
    check(all_equal(g_c + sq * d, g_b, (size_t)(sq * d)), "mha cross: out == xkv == out of place");

    /* every key masked: each row equals the output bias (documented) */
    attn_mha_f32(g_c, xq, xkv, all_pad, &cfg, &w, &arena);
    ok = 1;
    for (i = 0; i < sq * d; i++)
        if (g_c[i] != w.bo[i % d]) ok = 0;
    check(ok, "mha: a query with every key masked outputs bo (defined, no NaN)");

    /* identity projections, zero biases: mha == sdpa */
    {
        attn_mha_weights_f32 id;
        float *eye = g_w + 2 * N_MAX;
        memset(eye, 0, sizeof(float) * (size_t)(d * d));
        for (i = 0; i < d; i++) eye[i * d + i] = 1.0f;
        id.wq = id.wk = id.wv = id.wo = eye;
        id.bq = id.bk = id.bv = id.bo = NULL;
        attn_mha_f32(g_c, xq, xkv, NULL, &cfg, &id, &arena);
        attn_sdpa_f32(g_d, xq, xkv, xkv, NULL, &cfg, &arena);
        check(check_max_rel_err(g_c, g_d, (size_t)(sq * d)) < 1e-6,
              "mha with identity projections == sdpa");
    }
}

/* ---- encoder ------------------------------------------------------------ */

typedef struct {
    attn_encoder_cfg cfg;
    attn_encoder_layer_weights_f32 layer;
} rand_layer;

static rand_layer random_layer(int d, int heads, int ff, int norm_first, int causal, unsigned seed)
{
    rand_layer r;
    size_t dd = (size_t)d * (size_t)d, at;
    r.cfg.d_model = d; r.cfg.n_heads = heads; r.cfg.d_ff = ff;
    r.cfg.activation = ATTN_ACT_GELU; r.cfg.norm_first = norm_first; r.cfg.causal = causal;
    r.cfg.eps = 1e-5f;
    r.layer.attn = random_mha(d, seed);
    at = 4 * dd + 4 * (size_t)d;
    check_fill(g_w + at, 2 * (size_t)ff * (size_t)d + (size_t)ff + 5 * (size_t)d, -0.3f, 0.3f);
    r.layer.ff1_w = g_w + at; at += (size_t)ff * (size_t)d;
    r.layer.ff2_w = g_w + at; at += (size_t)ff * (size_t)d;
    r.layer.ff1_b = g_w + at; at += (size_t)ff;
    r.layer.ff2_b = g_w + at; at += (size_t)d;
    r.layer.norm1_w = NULL; r.layer.norm1_b = g_w + at; at += (size_t)d;
    r.layer.norm2_w = g_w + at; at += (size_t)d;
    r.layer.norm2_b = NULL;
    return r;
}

static void test_encoder_properties(void)
{
    int seq = 9, d = 16, i;
    size_t n = (size_t)(seq * d);
    uint8_t pad[9] = {0, 0, 0, 0, 0, 0, 0, 1, 1};
    attn_arena arena;
    rand_layer r = random_layer(d, 4, 24, 0, 1, 60);
    attn_encoder_weights_f32 stack;
    attn_arena_init(&arena, g_mem, sizeof g_mem);
    check_fill(g_a, n, -1.0f, 1.0f);

    /* causal: row i ignores tokens after i */
    memcpy(g_b, g_a, n * sizeof(float));
    attn_encoder_layer_f32(g_b, seq, NULL, &r.cfg, &r.layer, &arena);
    memcpy(g_c, g_a, n * sizeof(float));
    for (i = 5 * d; i < (int)n; i++) g_c[i] = 9.0f;
    attn_encoder_layer_f32(g_c, seq, NULL, &r.cfg, &r.layer, &arena);
    check(all_equal(g_b, g_c, (size_t)(5 * d)) && !all_equal(g_b + 5 * d, g_c + 5 * d, (size_t)d),
          "encoder causal: rows 0..4 do not see changes to tokens 5..8");

    /* key padding: padded tokens, even NaN, never reach the unpadded rows */
    r.cfg.causal = 0;
    memcpy(g_b, g_a, n * sizeof(float));
    attn_encoder_layer_f32(g_b, seq, pad, &r.cfg, &r.layer, &arena);
    memcpy(g_c, g_a, n * sizeof(float));
    for (i = 7 * d; i < (int)n; i++) g_c[i] = NAN;
    attn_encoder_layer_f32(g_c, seq, pad, &r.cfg, &r.layer, &arena);
    check(all_equal(g_b, g_c, (size_t)(7 * d)),
          "encoder key padding: padded tokens (even NaN) do not change the other rows");
    check(g_c[8 * d] != g_c[8 * d], "encoder: a NaN token gives a NaN row (documented)");

    /* a stack of one layer without final norm == the layer */
    stack.layers = &r.layer; stack.n_layers = 1; stack.final_norm = 0;
    stack.norm_w = stack.norm_b = NULL;
    memcpy(g_c, g_a, n * sizeof(float));
    attn_encoder_f32(g_c, seq, pad, &r.cfg, &stack, &arena);
    check(all_equal(g_b, g_c, n), "encoder stack of 1 layer == encoder layer");
    /* and with the final norm == layer then layernorm */
    stack.final_norm = 1;
    memcpy(g_c, g_a, n * sizeof(float));
    attn_encoder_f32(g_c, seq, pad, &r.cfg, &stack, &arena);
    attn_layernorm_f32(g_b, g_b, NULL, NULL, r.cfg.eps, seq, d);
    check(all_equal(g_b, g_c, n), "encoder stack final_norm == layer then layernorm (no affine)");
    check(arena.used == 0, "encoder: every call gives its scratch back");
}

/* ---- arena -------------------------------------------------------------- */

static void test_arena(void)
{
    attn_arena a;
    void *p = NULL, *q = NULL;
    unsigned char *odd = g_mem + 3;
    attn_arena_init(&a, odd, 100);
    check(((uintptr_t)a.base % ATTN_ALIGN) == 0 && a.size == (100 - (ATTN_ALIGN - 3)) / ATTN_ALIGN * ATTN_ALIGN,
          "arena: an unaligned buffer is aligned up, usable size rounded down (%lu B)",
          (unsigned long)a.size);
    attn_arena_init(&a, g_mem, 64);
    check(attn_arena_alloc(&a, 1, &p) == ATTN_OK && attn_arena_alloc(&a, 20, &q) == ATTN_OK &&
              (unsigned char *)q - (unsigned char *)p == ATTN_ALIGN && a.used == ATTN_ALIGN + 32,
          "arena: allocations are rounded to ATTN_ALIGN and contiguous");
    check(attn_arena_alloc(&a, 64, &p) == ATTN_ERR_ARENA && p == NULL && a.used == ATTN_ALIGN + 32,
          "arena: too large a request fails with ATTN_ERR_ARENA, nothing taken");
    check(attn_arena_release(&a, ATTN_ALIGN) == ATTN_OK && a.used == ATTN_ALIGN &&
              a.high_water == ATTN_ALIGN + 32,
          "arena: release to a mark keeps the high-water mark");
    check(attn_arena_release(&a, 1000) == ATTN_ERR_RANGE, "arena: release past used is refused");
}

/* Every op with scratch: query == macro == high-water, the call succeeds in
   an arena of exactly that size, and fails untouched one byte short. */
typedef struct {
    const char *name;
    int kind; /* 0 sdpa, 1 mha, 2 layer, 3 stack, 4 model */
    int seq, d, heads, ff;
} arena_case;

static attn_status run_arena_case(const arena_case *c, attn_arena *arena, size_t *query,
                                  size_t *macro)
{
    static rand_layer r;
    static attn_encoder_weights_f32 stack;
    static attn_encoder_layer_weights_f32 two[2];
    attn_mha_cfg m;
    attn_model_cfg mc;
    attn_model_weights_f32 mw;
    m.seq_q = m.seq_kv = c->seq; m.d_model = c->d; m.n_heads = c->heads; m.causal = 0;
    r = random_layer(c->d, c->heads, c->ff, 1, 0, 70);
    two[0] = two[1] = r.layer;
    stack.layers = two; stack.n_layers = 2; stack.final_norm = 1;
    stack.norm_w = stack.norm_b = NULL;
    switch (c->kind) {
    case 0:
        attn_sdpa_scratch_f32(&m, query);
        *macro = ATTN_SDPA_SCRATCH_F32(c->seq);
        return attn_sdpa_f32(g_b, g_a, g_a, g_a, NULL, &m, arena);
    case 1:
        attn_mha_scratch_f32(&m, query);
        *macro = ATTN_MHA_SCRATCH_F32(c->seq, c->d);
        return attn_mha_f32(g_b, g_a, g_a, NULL, &m, &r.layer.attn, arena);
    case 2:
        attn_encoder_layer_scratch_f32(&r.cfg, c->seq, query);
        *macro = ATTN_ENCODER_SCRATCH_F32(c->seq, c->d, c->heads, c->ff);
        return attn_encoder_layer_f32(g_b, c->seq, NULL, &r.cfg, &r.layer, arena);
    case 3:
        attn_encoder_scratch_f32(&r.cfg, c->seq, query);
        *macro = ATTN_ENCODER_SCRATCH_F32(c->seq, c->d, c->heads, c->ff);
        return attn_encoder_f32(g_b, c->seq, NULL, &r.cfg, &stack, arena);
    default:
        mc.encoder = r.cfg; mc.d_in = 0; mc.max_seq = c->seq; mc.position = ATTN_POS_SINUSOIDAL;
        mc.pooling = ATTN_POOL_MEAN; mc.n_classes = 3;
        mw.embed_w = mw.embed_b = mw.pos = NULL; mw.encoder = stack;
        mw.cls_w = g_c + N_MAX / 2; mw.cls_b = NULL;
        attn_model_scratch_f32(&mc, c->seq, query);
        *macro = ATTN_MODEL_SCRATCH_F32(c->seq, c->d, c->heads, c->ff);
        return attn_model_f32(g_b, g_a, c->seq, NULL, &mc, &mw, arena);
    }
}

static void test_arena_accounting(void)
{
    static const arena_case cases[] = {
        {"sdpa", 0, 1, 4, 1, 0},          {"sdpa", 0, 37, 20, 4, 0},
        {"mha", 1, 1, 8, 2, 0},           {"mha", 1, 13, 21, 3, 0},
        {"encoder layer", 2, 1, 8, 2, 8}, {"encoder layer", 2, 33, 20, 4, 40},
        {"encoder stack", 3, 7, 12, 3, 5}, {"model", 4, 11, 16, 4, 32},
    };
    size_t t;
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const arena_case *c = &cases[t];
        attn_arena arena;
        size_t query = 0, macro = 0, n = (size_t)(c->seq * c->d);
        attn_status st;
        check_seed(80u + (unsigned)t);
        check_fill(g_a, n, -1.0f, 1.0f);
        check_fill(g_c, N_MAX, -0.3f, 0.3f);
        memcpy(g_b, g_a, n * sizeof(float));
        attn_arena_init(&arena, g_mem, sizeof g_mem);
        st = run_arena_case(c, &arena, &query, &macro);
        check(st == ATTN_OK && query == macro && macro == arena.high_water && arena.used == 0,
              "%s seq %d d %d: query %lu == macro %lu == high-water %lu", c->name, c->seq, c->d,
              (unsigned long)query, (unsigned long)macro, (unsigned long)arena.high_water);
        /* just fits */
        memcpy(g_b, g_a, n * sizeof(float));
        attn_arena_init(&arena, g_mem, query);
        st = run_arena_case(c, &arena, &query, &macro);
        check(st == ATTN_OK, "%s seq %d: an arena of exactly %lu B is enough", c->name, c->seq,
              (unsigned long)query);
        /* one byte short: refused before anything is written */
        memcpy(g_b, g_a, n * sizeof(float));
        g_b[n] = 12345.0f;
        {
            unsigned char *buf = g_mem + sizeof g_mem - query + 1 - ATTN_ALIGN;
            buf -= (uintptr_t)buf % ATTN_ALIGN; /* aligned start, end 1 byte short */
            attn_arena_init(&arena, buf, query - 1);
        }
        st = run_arena_case(c, &arena, &query, &macro);
        check(st == ATTN_ERR_ARENA && all_equal(g_b, g_a, n) && g_b[n] == 12345.0f &&
                  arena.used == 0 && arena.high_water == 0,
              "%s seq %d: one byte short -> ATTN_ERR_ARENA, output untouched", c->name, c->seq);
    }
}

void test_properties(void)
{
    printf("properties\n");
    test_softmax();
    test_layernorm();
    test_elementwise();
    test_positions_pooling();
    test_linear();
    test_sdpa();
    test_mha();
    test_encoder_properties();
    test_arena();
    test_arena_accounting();
}
