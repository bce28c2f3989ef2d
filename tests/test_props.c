/* Property tests: facts that hold for any input (softmax rows sum to 1,
   layer norm gives mean 0 / variance 1, causal rows ignore the future ...),
   in-place == out-of-place, defined results for awkward input, and arena
   accounting (query == macro == high-water, "just fits" / "one byte short").

   Every case resets the RAM pool (check.h) and takes exactly the buffers it
   needs, arenas included; a case that does not fit this board's pool is listed
   as left out. The random weights live in the pool too, so the tables include
   small shapes (d_model 8, 2 heads, d_ff 16, seq 5) that keep every property
   running on the micro:bit's ~9 KB pool; the host runs every row. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"

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
        size_t n = (size_t)rows * (size_t)cols;
        float *a, *b, *s;
        check_pool_reset();
        if (!check_fits(3 * CHECK_FLOATS(n), "softmax %dx%d", rows, cols)) continue;
        a = check_take_floats(n); b = check_take_floats(n); s = check_take_floats(n);
        check_seed(10u + (unsigned)t);
        check_fill(a, n, cases[t].lo, cases[t].hi);
        attn_softmax_f32(b, a, rows, cols);
        for (r = 0; r < rows; r++) {
            double sum = 0.0;
            for (c = 0; c < cols; c++) {
                float p = b[r * cols + c];
                if (!(p >= 0.0f && p <= 1.0f)) ok = 0;
                sum += (double)p;
            }
            if (fabs(sum - 1.0) > 1e-5) ok = 0;
        }
        check(ok, "softmax %dx%d in [%d,%d): probabilities in [0,1], rows sum to 1", rows, cols,
              (int)cases[t].lo, (int)cases[t].hi);
        /* shift invariance, in place == out of place */
        for (c = 0; c < rows * cols; c++) s[c] = a[c] + 7.0f;
        attn_softmax_f32(s, s, rows, cols);
        check(check_max_rel_err(s, b, n) < 1e-5,
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
        float *a, *b, *y, *gb; /* gb: gamma [cols] then beta [cols] */
        char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
        check_pool_reset();
        if (!check_fits(3 * CHECK_FLOATS(n) + CHECK_FLOATS(2 * cols), "layernorm %dx%d", rows,
                        cols))
            continue;
        a = check_take_floats(n); b = check_take_floats(n); y = check_take_floats(n);
        gb = check_take_floats(2 * (size_t)cols);
        check_seed(20u + (unsigned)t);
        check_fill(a, n, -1.0f, 1.0f);
        for (c = 0; c < (int)n; c++) a[c] = a[c] * cases[t].scale + cases[t].offset;
        attn_layernorm_f32(b, a, NULL, NULL, 1e-12f, rows, cols);
        for (r = 0; r < rows; r++) {
            double mean = 0.0, var = 0.0;
            for (c = 0; c < cols; c++) mean += (double)b[r * cols + c];
            mean /= cols;
            for (c = 0; c < cols; c++) var += ((double)b[r * cols + c] - mean) * ((double)b[r * cols + c] - mean);
            var /= cols;
            if (fabs(mean) > 1e-5 || fabs(var - 1.0) > 1e-4) ok = 0;
        }
        check(ok, "layernorm %dx%d (scale %s, offset %s): mean 0, variance 1 before affine",
              rows, cols, check_e(e1, (double)cases[t].scale, 0),
              check_e(e2, (double)cases[t].offset, 0));
        /* affine step, in place */
        check_fill(gb, (size_t)cols, 0.5f, 1.5f);
        check_fill(gb + cols, (size_t)cols, -0.5f, 0.5f);
        memcpy(y, a, n * sizeof(float));
        attn_layernorm_f32(y, y, gb, gb + cols, 1e-12f, rows, cols);
        ok = 1;
        for (c = 0; c < (int)n; c++)
            if (fabs((double)y[c] - ((double)b[c] * (double)gb[c % cols] + (double)gb[cols + c % cols])) > 1e-5) ok = 0;
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
    float *x, *g, *gt, *r;
    check_pool_reset();
    if (!check_fits(4 * CHECK_FLOATS(n), "activations on %d values", n)) return;
    x = check_take_floats((size_t)n); g = check_take_floats((size_t)n);
    gt = check_take_floats((size_t)n); r = check_take_floats((size_t)n);
    for (i = 0; i < n; i++) x[i] = -10.0f + 0.05f * (float)i;
    attn_gelu_f32(g, x, n);
    attn_gelu_tanh_f32(gt, x, n);
    attn_relu_f32(r, x, n);
    for (i = 0; i < n; i++) {
        double v = (double)x[i];
        if (fabs((double)g[i] - ref_gelu(v)) > 1e-6 * (fabs(v) > 1 ? fabs(v) : 1)) ok_g = 0;
        if (fabs((double)gt[i] - ref_gelu_tanh(v)) > 1e-6 * (fabs(v) > 1 ? fabs(v) : 1)) ok_t = 0;
        if (r[i] != (x[i] > 0.0f ? x[i] : 0.0f)) ok_r = 0;
    }
    check(ok_g, "gelu (erf) matches the double formula within 1e-6 on [-10, 10]");
    check(ok_t, "gelu (tanh) matches the double formula within 1e-6 on [-10, 10]");
    check(ok_r, "relu is max(x, 0)");
    memcpy(r, x, (size_t)n * sizeof(float));
    attn_gelu_f32(r, r, n);
    check(all_equal(r, g, (size_t)n), "gelu in place == out of place");
    {
        float v[3] = {NAN, INFINITY, -INFINITY}, y[3];
        attn_relu_f32(y, v, 3);
        check(y[0] != y[0] && y[1] == INFINITY && y[2] == 0.0f, "relu: NaN stays NaN, +-inf clamp");
    }
}

static void test_positions_pooling(void)
{
    int p, c, d = 7, seq = 40, ok = 1;
    size_t n = (size_t)(seq * d);
    float *pe, *x;
    check_pool_reset();
    if (check_fits(2 * CHECK_FLOATS(n), "positions %dx%d", seq, d)) {
        pe = check_take_floats(n); x = check_take_floats(n);
        memset(pe, 0, sizeof(float) * n);
        attn_pos_sinusoidal_f32(pe, seq, d);
        for (p = 0; p < seq; p++)
            for (c = 0; c < d; c++) {
                double freq = pow(10000.0, -(double)(c - c % 2) / d);
                double want = c % 2 ? cos(p * freq) : sin(p * freq);
                if (fabs((double)pe[p * d + c] - want) > 1e-6) ok = 0;
            }
        check(ok, "sinusoidal positions (odd d_model 7, 40 positions) match the double formula");
        for (c = 0; c < seq * d; c++) x[c] = (float)c;
        attn_pos_learned_f32(x, pe, seq, d);
        {   /* the float sum, rounded to float by the assignment (x87 would
               compare its 80-bit sum otherwise) */
            float want = (float)(d * 3 + 2) + pe[d * 3 + 2];
            check(x[d * 3 + 2] == want, "learned positions add the table");
        }
    }
    {   /* pooling: mean over unpadded rows, first token, all padded -> zeros */
        float xs[12] = {1, 2, 3, 4, 5, 6, 100, 200, 300, -1, -2, -3}, out[3];
        const float third4 = 4.0f / 3.0f, third5 = 5.0f / 3.0f; /* rounded to float */
        uint8_t pad[4] = {0, 0, 1, 0}, all[4] = {1, 1, 1, 1};
        attn_pool_f32(out, xs, pad, ATTN_POOL_MEAN, 4, 3);
        check(out[0] == third4 && out[1] == third5 && out[2] == 2.0f,
              "mean pooling skips padded rows");
        attn_pool_f32(out, xs, NULL, ATTN_POOL_FIRST, 4, 3);
        check(out[0] == 1.0f && out[1] == 2.0f && out[2] == 3.0f, "first-token pooling is row 0");
        attn_pool_f32(out, xs, all, ATTN_POOL_MEAN, 4, 3);
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
    size_t nx = (size_t)(rows * in), nw = (size_t)(out * in + out), ny = (size_t)(rows * out);
    float *x, *w, *y, *y0;
    check_pool_reset();
    if (!check_fits(CHECK_FLOATS(nx) + CHECK_FLOATS(nw) + 2 * CHECK_FLOATS(ny), "linear %dx%d -> %d",
                    rows, in, out))
        return;
    x = check_take_floats(nx); w = check_take_floats(nw);
    y = check_take_floats(ny); y0 = check_take_floats(ny);
    check_seed(30);
    check_fill(x, nx, -1.0f, 1.0f);
    check_fill(w, nw, -1.0f, 1.0f);
    attn_linear_f32(y, x, w, w + out * in, rows, in, out);
    for (r = 0; r < rows; r++)
        for (o = 0; o < out; o++) {
            double s = (double)w[out * in + o];
            for (i = 0; i < in; i++) s += (double)x[r * in + i] * (double)w[o * in + i];
            if (fabs((double)y[r * out + o] - s) > 1e-5) ok = 0;
        }
    check(ok, "linear 5x13 -> 9 matches a double reference (y = x W^T + b)");
    attn_linear_f32(y0, x, w, NULL, rows, in, out);
    ok = 1;
    for (r = 0; r < rows * out; r++)
        if (fabs((double)(y[r] - y0[r] - w[out * in + r % out])) > 1e-5) ok = 0;
    check(ok, "linear with NULL bias = no bias");
}

/* ---- attention ---------------------------------------------------------- */

/* Naive reference: the full score matrix s [sq][skv], in double. */
static void ref_sdpa(float *out, double *s, const float *q, const float *k, const float *v,
                     const uint8_t *pad, int sq, int skv, int d, int heads, int causal)
{
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
        size_t bytes = 0, nq = (size_t)(sq * d), nkv = (size_t)(skv * d);
        size_t n_s = (size_t)(sq * skv) * sizeof(double);
        attn_mha_cfg cfg = {0};
        attn_arena arena;
        float *qkv, *q, *k, *v, *got, *want, *inplace;
        double *s;
        uint8_t *pad;
        cfg.seq_q = sq; cfg.seq_kv = skv; cfg.d_model = d; cfg.n_heads = cases[t].heads;
        cfg.causal = cases[t].causal;
        attn_sdpa_scratch_f32(&cfg, &bytes);
        check_pool_reset();
        if (!check_fits(CHECK_FLOATS(nq + 2 * nkv) + 3 * CHECK_FLOATS(nq) + check_block(n_s) +
                            check_block((size_t)skv) + bytes,
                        "sdpa q%d kv%d d%d", sq, skv, d))
            continue;
        qkv = check_take_floats(nq + 2 * nkv);
        q = qkv; k = qkv + nq; v = qkv + nq + nkv;
        got = check_take_floats(nq); want = check_take_floats(nq); inplace = check_take_floats(nq);
        s = (double *)check_take(n_s);
        pad = (uint8_t *)check_take((size_t)skv);
        check_take_rest_arena(&arena);
        for (j = 0; j < skv; j++) pad[j] = (uint8_t)(j >= skv - cases[t].pad_last);
        check_seed(40u + (unsigned)t);
        check_fill(qkv, nq + 2 * nkv, -2.0f, 2.0f);
        attn_sdpa_f32(got, q, k, v, cases[t].pad_last ? pad : NULL, &cfg, &arena);
        ref_sdpa(want, s, q, k, v, cases[t].pad_last ? pad : NULL, sq, skv, d, cfg.n_heads,
                 cfg.causal);
        check(check_max_rel_err(got, want, nq) < 1e-5,
              "sdpa q%d kv%d d%d h%d causal%d pad%d matches the full-matrix double reference",
              sq, skv, d, cfg.n_heads, cfg.causal, cases[t].pad_last);
        check(bytes == ATTN_SDPA_SCRATCH_F32(skv) && bytes == arena.high_water && arena.used == 0,
              "sdpa q%d kv%d: scratch query == macro == high-water (%lu B)", sq, skv,
              (unsigned long)bytes);
        /* in place: out == q */
        memcpy(inplace, q, nq * sizeof(float));
        attn_sdpa_f32(inplace, inplace, k, v, cases[t].pad_last ? pad : NULL, &cfg, &arena);
        check(all_equal(inplace, got, nq), "sdpa q%d kv%d: in place (out == q) == out of place",
              sq, skv);
    }
}

/* Floats of random_mha's weights: Wq Wk Wv Wo [d][d], then bq bk bv bo [d]. */
static size_t mha_floats(int d) { return 4 * (size_t)d * (size_t)d + 4 * (size_t)d; }

/* Fills buf [mha_floats(d)] with random MHA weights and points w into it. */
static attn_mha_weights_f32 random_mha(float *buf, int d, unsigned seed)
{
    attn_mha_weights_f32 w;
    size_t dd = (size_t)d * (size_t)d;
    check_seed(seed);
    check_fill(buf, mha_floats(d), -0.5f, 0.5f);
    w.wq = buf; w.wk = buf + dd; w.wv = buf + 2 * dd; w.wo = buf + 3 * dd;
    w.bq = buf + 4 * dd; w.bk = w.bq + d; w.bv = w.bk + d; w.bo = w.bv + d;
    return w;
}

static void test_mha(void)
{
    /* the first row is the original shape; the second fits a ~9 KB pool */
    static const struct { int sq, skv, d, heads; } shapes[] = {{5, 8, 12, 3}, {3, 5, 8, 2}};
    size_t t;
    for (t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        int sq = shapes[t].sq, skv = shapes[t].skv, d = shapes[t].d, i, ok;
        size_t nq = (size_t)(sq * d), nall = (size_t)((sq + skv) * d), bytes = 0;
        attn_mha_cfg cfg = {0};
        attn_mha_weights_f32 w, id;
        attn_arena arena;
        float *wbuf, *eye, *x, *xq, *xkv, *got, *buf, *ref;
        uint8_t *all_pad;
        cfg.seq_q = sq; cfg.seq_kv = skv; cfg.d_model = d; cfg.n_heads = shapes[t].heads;
        cfg.causal = 0;
        attn_mha_scratch_f32(&cfg, &bytes); /* more than sdpa's B(seq_kv) */
        check_pool_reset();
        if (!check_fits(CHECK_FLOATS(mha_floats(d)) + CHECK_FLOATS(d * d) + 2 * CHECK_FLOATS(nall) +
                            2 * CHECK_FLOATS(nq) + check_block((size_t)skv) + bytes,
                        "mha q%d kv%d d%d h%d", sq, skv, d, cfg.n_heads))
            continue;
        wbuf = check_take_floats(mha_floats(d));
        eye = check_take_floats((size_t)(d * d));
        x = check_take_floats(nall); buf = check_take_floats(nall);
        got = check_take_floats(nq); ref = check_take_floats(nq);
        all_pad = (uint8_t *)check_take((size_t)skv);
        check_take_rest_arena(&arena);
        xq = x; xkv = x + nq;
        w = random_mha(wbuf, d, 50u + (unsigned)t);
        check_fill(x, nall, -1.0f, 1.0f);
        memset(all_pad, 1, (size_t)skv);

        /* cross attention: out == xq and out == xkv are both allowed */
        attn_mha_f32(got, xq, xkv, xkv, NULL, &cfg, &w, &arena);
        memcpy(buf, x, sizeof(float) * nall);
        attn_mha_f32(buf, buf, buf + nq, buf + nq, NULL, &cfg, &w, &arena);
        check(all_equal(buf, got, nq), "mha cross q%d kv%d d%d: in place on xq == out of place",
              sq, skv, d);
        memcpy(buf, x, sizeof(float) * nall);
        attn_mha_f32(buf + nq, buf, buf + nq, buf + nq, NULL, &cfg, &w, &arena);
        check(all_equal(buf + nq, got, nq), "mha cross q%d kv%d d%d: out == xkv == out of place",
              sq, skv, d);

        /* every key masked: each row equals the output bias (documented) */
        attn_mha_f32(buf, xq, xkv, xkv, all_pad, &cfg, &w, &arena);
        ok = 1;
        for (i = 0; i < (int)nq; i++)
            if (buf[i] != w.bo[i % d]) ok = 0;
        check(ok, "mha q%d kv%d d%d: a query with every key masked outputs bo (defined, no NaN)",
              sq, skv, d);

        /* identity projections, zero biases: mha == sdpa */
        memset(eye, 0, sizeof(float) * (size_t)(d * d));
        for (i = 0; i < d; i++) eye[i * d + i] = 1.0f;
        id.wq = id.wk = id.wv = id.wo = eye;
        id.bq = id.bk = id.bv = id.bo = NULL;
        attn_mha_f32(buf, xq, xkv, xkv, NULL, &cfg, &id, &arena);
        attn_sdpa_f32(ref, xq, xkv, xkv, NULL, &cfg, &arena);
        check(check_max_rel_err(buf, ref, nq) < 1e-6,
              "mha q%d kv%d d%d with identity projections == sdpa", sq, skv, d);
    }
}

/* ---- encoder ------------------------------------------------------------ */

typedef struct {
    attn_encoder_cfg cfg;
    attn_encoder_layer_weights_f32 layer;
} rand_layer;

/* Floats of random_layer's weights: the MHA's, then ff1_w ff2_w [d_ff][d]
   [d][d_ff], ff1_b [d_ff], ff2_b, norm1_b, norm2_w and two spare [d]. */
static size_t layer_floats(int d, int ff)
{
    return mha_floats(d) + 2 * (size_t)ff * (size_t)d + (size_t)ff + 5 * (size_t)d;
}

static attn_encoder_cfg layer_cfg(int d, int heads, int ff, int norm_first, int causal)
{
    attn_encoder_cfg c = {0};
    c.d_model = d; c.n_heads = heads; c.d_ff = ff;
    c.activation = ATTN_ACT_GELU; c.norm_first = norm_first; c.causal = causal;
    c.eps = 1e-5f;
    return c;
}

/* Fills buf [layer_floats(d, ff)] with a random GELU layer and points into it. */
static rand_layer random_layer(float *buf, int d, int heads, int ff, int norm_first, int causal,
                               unsigned seed)
{
    rand_layer r;
    size_t at = mha_floats(d);
    r.cfg = layer_cfg(d, heads, ff, norm_first, causal);
    r.layer.attn = random_mha(buf, d, seed);
    check_fill(buf + at, layer_floats(d, ff) - at, -0.3f, 0.3f);
    r.layer.ff1_w = buf + at; at += (size_t)ff * (size_t)d;
    r.layer.ff2_w = buf + at; at += (size_t)ff * (size_t)d;
    r.layer.ff1_b = buf + at; at += (size_t)ff;
    r.layer.ff2_b = buf + at; at += (size_t)d;
    r.layer.norm1_w = NULL; r.layer.norm1_b = buf + at; at += (size_t)d;
    r.layer.norm2_w = buf + at;
    r.layer.norm2_b = NULL;
    return r;
}

static void test_encoder_properties(void)
{
    /* `changed`: first token the causal test changes; `n_pad`: padded tokens.
       The first row is the original shape; the second fits a ~9 KB pool. */
    static const struct { int seq, d, heads, ff, changed, n_pad; } shapes[] = {
        {9, 16, 4, 24, 5, 2}, {5, 8, 2, 16, 3, 1},
    };
    size_t t;
    for (t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        int seq = shapes[t].seq, d = shapes[t].d, ff = shapes[t].ff, i;
        int changed = shapes[t].changed, kept = seq - shapes[t].n_pad;
        size_t n = (size_t)(seq * d), q_layer = 0, q_stack = 0;
        attn_encoder_cfg cfg = layer_cfg(d, shapes[t].heads, ff, 0, 1);
        attn_arena arena;
        attn_encoder_weights_f32 stack;
        rand_layer r;
        float *wbuf, *x, *a, *b;
        uint8_t *pad;
        attn_encoder_layer_scratch_f32(&cfg, seq, &q_layer);
        attn_encoder_scratch_f32(&cfg, seq, &q_stack);
        check_pool_reset();
        if (!check_fits(CHECK_FLOATS(layer_floats(d, ff)) + 3 * CHECK_FLOATS(n) +
                            check_block((size_t)seq) + (q_layer > q_stack ? q_layer : q_stack),
                        "encoder properties seq %d d %d h %d ff %d", seq, d, cfg.n_heads, ff))
            continue;
        wbuf = check_take_floats(layer_floats(d, ff));
        x = check_take_floats(n); a = check_take_floats(n); b = check_take_floats(n);
        pad = (uint8_t *)check_take((size_t)seq);
        check_take_rest_arena(&arena);
        for (i = 0; i < seq; i++) pad[i] = (uint8_t)(i >= kept);
        r = random_layer(wbuf, d, cfg.n_heads, ff, 0, 1, 60u + (unsigned)t);
        check_fill(x, n, -1.0f, 1.0f);

        /* causal: row i ignores tokens after i */
        memcpy(a, x, n * sizeof(float));
        attn_encoder_layer_f32(a, seq, NULL, &r.cfg, &r.layer, &arena);
        memcpy(b, x, n * sizeof(float));
        for (i = changed * d; i < (int)n; i++) b[i] = 9.0f;
        attn_encoder_layer_f32(b, seq, NULL, &r.cfg, &r.layer, &arena);
        check(all_equal(a, b, (size_t)(changed * d)) &&
                  !all_equal(a + changed * d, b + changed * d, (size_t)d),
              "encoder seq %d d %d causal: rows 0..%d do not see changes to tokens %d..%d", seq,
              d, changed - 1, changed, seq - 1);

        /* key padding: padded tokens, even NaN, never reach the unpadded rows */
        r.cfg.causal = 0;
        memcpy(a, x, n * sizeof(float));
        attn_encoder_layer_f32(a, seq, pad, &r.cfg, &r.layer, &arena);
        memcpy(b, x, n * sizeof(float));
        for (i = kept * d; i < (int)n; i++) b[i] = NAN;
        attn_encoder_layer_f32(b, seq, pad, &r.cfg, &r.layer, &arena);
        check(all_equal(a, b, (size_t)(kept * d)),
              "encoder seq %d d %d key padding: padded tokens (even NaN) do not change the "
              "other rows", seq, d);
        check(b[(seq - 1) * d] != b[(seq - 1) * d],
              "encoder seq %d d %d: a NaN token gives a NaN row (documented)", seq, d);

        /* a stack of one layer without final norm == the layer */
        stack.layers = &r.layer; stack.n_layers = 1; stack.final_norm = 0;
        stack.norm_w = stack.norm_b = NULL;
        memcpy(b, x, n * sizeof(float));
        attn_encoder_f32(b, seq, pad, &r.cfg, &stack, &arena);
        check(all_equal(a, b, n), "encoder seq %d d %d: stack of 1 layer == encoder layer", seq, d);
        /* and with the final norm == layer then layernorm */
        stack.final_norm = 1;
        memcpy(b, x, n * sizeof(float));
        attn_encoder_f32(b, seq, pad, &r.cfg, &stack, &arena);
        attn_layernorm_f32(a, a, NULL, NULL, r.cfg.eps, seq, d);
        check(all_equal(a, b, n),
              "encoder seq %d d %d: stack final_norm == layer then layernorm (no affine)", seq, d);
        check(arena.used == 0, "encoder seq %d d %d: every call gives its scratch back", seq, d);
    }
}

/* ---- arena -------------------------------------------------------------- */

static void test_arena(void)
{
    enum { BUF = 3 + 100 }; /* an odd start, then 100 bytes */
    attn_arena a;
    void *p = NULL, *q = NULL;
    unsigned char *mem, *odd;
    check_pool_reset();
    if (!check_fits(check_block(BUF), "arena bookkeeping")) return;
    mem = (unsigned char *)check_take(BUF); /* aligned to CHECK_ALIGN == ATTN_ALIGN */
    odd = mem + 3;
    attn_arena_init(&a, odd, 100);
    check(((uintptr_t)a.base % ATTN_ALIGN) == 0 && a.size == (100 - (ATTN_ALIGN - 3)) / ATTN_ALIGN * ATTN_ALIGN,
          "arena: an unaligned buffer is aligned up, usable size rounded down (%lu B)",
          (unsigned long)a.size);
    attn_arena_init(&a, mem, 64);
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
typedef enum { OP_SDPA, OP_MHA, OP_LAYER, OP_STACK, OP_MODEL } arena_op;

typedef struct {
    const char *name;
    arena_op op;
    int seq, d, heads, ff;
} arena_case;

enum { N_CLASSES = 3 };

/* The configuration, weights and buffers of one arena case. */
typedef struct {
    attn_mha_cfg mha;
    attn_encoder_cfg enc;          /* pre-norm, GELU, not causal            */
    attn_model_cfg model;          /* d_in 0, sinusoidal, mean pool, 3 classes */
    attn_mha_weights_f32 mha_w;
    attn_encoder_layer_weights_f32 two[2]; /* one random layer, twice       */
    attn_encoder_weights_f32 stack;        /* two layers + final norm       */
    attn_model_weights_f32 model_w;
    const float *x;                /* [seq][d]                              */
    float *out;                    /* [seq][d] (+1 guard float); in place   */
} arena_fx;

static void arena_cfgs(arena_fx *f, const arena_case *c)
{
    f->mha.seq_q = f->mha.seq_kv = c->seq; f->mha.d_model = c->d; f->mha.n_heads = c->heads;
    f->mha.causal = 0;
    f->enc = layer_cfg(c->d, c->heads, c->ff, 1, 0);
    f->model.encoder = f->enc; f->model.d_in = 0; f->model.max_seq = c->seq;
    f->model.position = ATTN_POS_SINUSOIDAL; f->model.pooling = ATTN_POOL_MEAN;
    f->model.n_classes = N_CLASSES;
}

/* Scratch of the case: runtime query and compile-time macro. */
static void arena_scratch(const arena_fx *f, const arena_case *c, size_t *query, size_t *macro)
{
    *query = 0;
    switch (c->op) {
    case OP_SDPA:
        attn_sdpa_scratch_f32(&f->mha, query);
        *macro = ATTN_SDPA_SCRATCH_F32(c->seq);
        break;
    case OP_MHA:
        attn_mha_scratch_f32(&f->mha, query);
        *macro = ATTN_MHA_SCRATCH_F32(c->seq, c->d);
        break;
    case OP_LAYER:
        attn_encoder_layer_scratch_f32(&f->enc, c->seq, query);
        *macro = ATTN_ENCODER_SCRATCH_F32(c->seq, c->d, c->heads, c->ff);
        break;
    case OP_STACK:
        attn_encoder_scratch_f32(&f->enc, c->seq, query);
        *macro = ATTN_ENCODER_SCRATCH_F32(c->seq, c->d, c->heads, c->ff);
        break;
    case OP_MODEL:
        attn_model_scratch_f32(&f->model, c->seq, query);
        *macro = ATTN_MODEL_SCRATCH_F32(c->seq, c->d, c->heads, c->ff);
        break;
    }
}

/* Floats of the random weights the case needs (sdpa has none; the
   classifier's [3][d] comes on top for the model). */
static size_t arena_weight_floats(const arena_case *c)
{
    switch (c->op) {
    case OP_SDPA: return 0;
    case OP_MHA: return mha_floats(c->d);
    case OP_MODEL: return layer_floats(c->d, c->ff) + (size_t)N_CLASSES * (size_t)c->d;
    default: return layer_floats(c->d, c->ff);
    }
}

/* Fills wbuf [arena_weight_floats(c)] and points the fixture's weights into it. */
static void arena_weights(arena_fx *f, const arena_case *c, float *wbuf)
{
    rand_layer r;
    if (c->op == OP_SDPA) return;
    if (c->op == OP_MHA) {
        f->mha_w = random_mha(wbuf, c->d, 70);
        return;
    }
    r = random_layer(wbuf, c->d, c->heads, c->ff, 1, 0, 70);
    f->two[0] = f->two[1] = r.layer;
    f->stack.layers = f->two; f->stack.n_layers = 2; f->stack.final_norm = 1;
    f->stack.norm_w = f->stack.norm_b = NULL;
    f->model_w.embed_w = f->model_w.embed_b = f->model_w.pos = NULL;
    f->model_w.encoder = f->stack;
    if (c->op == OP_MODEL) { /* the classifier [3][d] after the layer */
        float *cls = wbuf + layer_floats(c->d, c->ff);
        check_fill(cls, (size_t)N_CLASSES * (size_t)c->d, -0.3f, 0.3f);
        f->model_w.cls_w = cls;
    }
    f->model_w.cls_b = NULL;
}

static attn_status run_arena_case(const arena_fx *f, const arena_case *c, attn_arena *arena)
{
    switch (c->op) {
    case OP_SDPA: return attn_sdpa_f32(f->out, f->x, f->x, f->x, NULL, &f->mha, arena);
    case OP_MHA: return attn_mha_f32(f->out, f->x, f->x, f->x, NULL, &f->mha, &f->mha_w, arena);
    case OP_LAYER:
        return attn_encoder_layer_f32(f->out, c->seq, NULL, &f->enc, &f->two[0], arena);
    case OP_STACK: return attn_encoder_f32(f->out, c->seq, NULL, &f->enc, &f->stack, arena);
    case OP_MODEL:
        return attn_model_f32(f->out, f->x, c->seq, NULL, &f->model, &f->model_w, arena);
    }
    return ATTN_ERR_RANGE;
}

static void test_arena_accounting(void)
{
    /* The rows of d 8 / seq 5 run on a ~9 KB pool; the larger ones on the host. */
    static const arena_case cases[] = {
        {"sdpa", OP_SDPA, 1, 4, 1, 0},           {"sdpa", OP_SDPA, 37, 20, 4, 0},
        {"sdpa", OP_SDPA, 5, 8, 2, 0},
        {"mha", OP_MHA, 1, 8, 2, 0},             {"mha", OP_MHA, 13, 21, 3, 0},
        {"mha", OP_MHA, 5, 8, 2, 0},
        {"encoder layer", OP_LAYER, 1, 8, 2, 8}, {"encoder layer", OP_LAYER, 33, 20, 4, 40},
        {"encoder layer", OP_LAYER, 5, 8, 2, 16},
        {"encoder stack", OP_STACK, 7, 12, 3, 5}, {"encoder stack", OP_STACK, 5, 8, 2, 16},
        {"model", OP_MODEL, 11, 16, 4, 32},      {"model", OP_MODEL, 5, 8, 2, 16},
    };
    size_t t;
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const arena_case *c = &cases[t];
        arena_fx f;
        attn_arena arena;
        size_t query = 0, macro = 0, n = (size_t)(c->seq * c->d), nw = arena_weight_floats(c);
        float *x, *wbuf;
        unsigned char *mem;
        attn_status st;
        memset(&f, 0, sizeof f);
        arena_cfgs(&f, c);
        arena_scratch(&f, c, &query, &macro);
        check_pool_reset();
        if (!check_fits(CHECK_FLOATS(n) + CHECK_FLOATS(n + 1) + CHECK_FLOATS(nw) + query,
                        "%s seq %d d %d", c->name, c->seq, c->d))
            continue;
        x = check_take_floats(n);
        f.x = x;
        f.out = check_take_floats(n + 1);
        wbuf = check_take_floats(nw);
        check_take_rest_arena(&arena); /* more than the query: the high-water mark tells */
        mem = arena.base;
        check_seed(80u + (unsigned)t);
        check_fill(x, n, -1.0f, 1.0f);
        arena_weights(&f, c, wbuf);
        memcpy(f.out, x, n * sizeof(float));
        st = run_arena_case(&f, c, &arena);
        check(st == ATTN_OK && query == macro && macro == arena.high_water && arena.used == 0,
              "%s seq %d d %d: query %lu == macro %lu == high-water %lu", c->name, c->seq, c->d,
              (unsigned long)query, (unsigned long)macro, (unsigned long)arena.high_water);
        /* just fits */
        memcpy(f.out, x, n * sizeof(float));
        attn_arena_init(&arena, mem, query);
        st = run_arena_case(&f, c, &arena);
        check(st == ATTN_OK, "%s seq %d: an arena of exactly %lu B is enough", c->name, c->seq,
              (unsigned long)query);
        /* one byte short: refused before anything is written */
        memcpy(f.out, x, n * sizeof(float));
        f.out[n] = 12345.0f;
        attn_arena_init(&arena, mem, query - 1);
        st = run_arena_case(&f, c, &arena);
        check(st == ATTN_ERR_ARENA && all_equal(f.out, x, n) && f.out[n] == 12345.0f &&
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
