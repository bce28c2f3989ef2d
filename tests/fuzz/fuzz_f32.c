/* fuzz_f32.c - libFuzzer target for the float API of attention.h.

   The input picks one public function and decodes its arguments: shapes
   (small, or wild: zero, negative, at the limits, near INT_MAX), NULL
   pointers, masks (none, all keys masked, random), causal, eps (0, tiny,
   negative, NaN, Inf, FLT_MAX), the arena's free space (generous, exactly
   the documented need, one block short, nearly none; unaligned buffers,
   blocks already taken) and data (tame, finite with denormals and FLT_MAX,
   or wild with NaN and Inf). Every call is checked against the header's
   documentation:
     - the status is the documented one (NULL, SHAPE, RANGE, TOO_LARGE,
       ARENA in that order); a wild size is only passed where the
       documented checks must refuse it;
     - canaries around every buffer intact, const inputs unchanged, and on
       an error every output, in-place input and the arena byte for byte
       as before;
     - scratch query == ATTN_*_SCRATCH_F32 macro == the MEMORY formula ==
       the arena's high-water mark, and arena->used given back;
     - results: exact where the arithmetic is exact (tame data: every
       product and sum fits float), documented properties (softmax rows sum
       to 1, layer norm within sqrt(d)|gamma| of beta, attention inside the
       hull of the visible values, all-masked rows zero / bo, argmax's
       tie and NaN rules), in-place == out-of-place, the stack == its layers
       one at a time, the model == its steps, and the same bytes twice;
     - local attention (a window 0, small, >= seq, INT_MAX or negative:
       ATTN_ERR_RANGE): a causal or windowed sdpa/mha row is, bit for bit,
       that query alone with every key it does not see padded; a windowed
       (or causal) encoder layer's row i is the layer without the window
       on the rows i sees alone; the all-masked and hull rules count the
       window's keys;
     - the model's front ends (attn_model_f32 with features or ViT patches
       of valid and broken geometries, attn_model_tokens_f32 with ids and
       segment ids in and out of range), the CLS row, the embedding
       LayerNorm and attention pooling: the documented status, scratch ==
       ATTN_MODEL_SCRATCH_EX_F32, and the model == its front end (patches
       gathered from the NCHW image as Conv2d's squares), positions,
       LayerNorm, stack, pool, head by the public functions;
     - attn_pool_attention_f32: zeros over no rows, the row itself over
       one, the mean for w = 0, inside the rows' hull, padded rows unread. */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "fuzz.h"

/* the buffer for n floats (one if the case has a wild size) */
static float *fz_fbuf_const(fz_in *in, size_t n, int cls, int *got_cls)
{
    float *p = (float *)fz_const(n * sizeof(float));
    int c = fz_fill_f32(in, p, n, cls);
    if (c > *got_cls) *got_cls = c;
    return p;
}

static float fz_eps(fz_in *in)
{
    static const float e[] = {1e-5f, 1e-5f, 1e-6f, 1e-12f, 1.4e-45f, FLT_MIN, 1.0f, 0.5f,
                              FLT_MAX, 1e30f, 0.0f, -0.0f, -1e-5f, NAN, INFINITY, -INFINITY};
    return e[fz_pick(in, (int)(sizeof e / sizeof e[0]))];
}
static int fz_eps_ok(float e) { return e > 0.0f && e <= FLT_MAX; }

/* 2 * gamma(n) for the bound on one dot product of n terms */
static double fz_g2(int n) { return 2.0 * (double)(n + 2) * (1.0 / 16777216.0); }

/* ---- leaf operations --------------------------------------------------------- */

static void t_linear(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, rows, n_in, n_out, nul = fz_pick(in, 32);
    float *y, *y2, *x, *w, *b = NULL;
    attn_status st, want;
    fz_fn = "attn_linear_f32";
    rows = fz_size(in, 6, &wild);
    n_in = fz_size(in, 16, &wild);
    n_out = fz_size(in, 16, &wild);
    if (nul < 3) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(rows) || fz_dim_bad(n_in) || fz_dim_bad(n_out)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(rows, n_in, 4).ovf || fz_bytes(rows, n_out, 4).ovf || fz_bytes(n_out, n_in, 4).ovf)
        want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return; /* would need the memory */
    /* (a wild case gets one-element buffers; the call keeps its sizes) */
    y = (float *)fz_out(wild ? 4 : (size_t)rows * (size_t)n_out * sizeof(float));
    y2 = (float *)fz_out(wild ? 4 : (size_t)rows * (size_t)n_out * sizeof(float));
    x = fz_fbuf_const(in, wild ? 1 : (size_t)rows * (size_t)n_in, cls, &got);
    w = fz_fbuf_const(in, wild ? 1 : (size_t)n_out * (size_t)n_in, cls, &got);
    if (fz_pick(in, 4)) b = fz_fbuf_const(in, wild ? 1 : (size_t)n_out, cls, &got);
    fz_snap();
    st = attn_linear_f32(nul == 0 ? NULL : y, nul == 1 ? NULL : x, nul == 2 ? NULL : w, b, rows,
                         n_in, n_out);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    fz_snap();
    FZ_STATUS(attn_linear_f32(y2, x, w, b, rows, n_in, n_out), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(y, y2, (size_t)rows * (size_t)n_out * sizeof(float)) == 0, "two calls, different bytes");
    if (got == FZ_WILD) return;
    {
        int r, o, i;
        for (r = 0; r < rows; r++)
            for (o = 0; o < n_out; o++) {
                double s = b ? (double)b[o] : 0.0, a = b ? fabs((double)b[o]) : 0.0, e;
                for (i = 0; i < n_in; i++) {
                    double p = (double)x[(size_t)r * (size_t)n_in + (size_t)i] * (double)w[(size_t)o * (size_t)n_in + (size_t)i];
                    s += p;
                    a += fabs(p);
                }
                e = fabs((double)y[(size_t)r * (size_t)n_out + (size_t)o] - s);
                if (got == FZ_TAME) /* every product and partial sum is exact in float */
                    FZ_CHECK(e == 0.0, "linear: not the exact sum on exactly representable data");
                else if (a < 1e37)
                    FZ_CHECK(e <= fz_g2(n_in) * a + 1e-37, "linear: off by more than the rounding bound");
            }
    }
}

static void t_softmax(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, rows, cols, nul = fz_pick(in, 32), r, c;
    float *y, *y2, *x;
    attn_status st, want;
    fz_fn = "attn_softmax_f32";
    rows = fz_size(in, 4, &wild);
    cols = fz_size(in, 24, &wild);
    if (nul < 2) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(rows) || fz_dim_bad(cols)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(rows, cols, 4).ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    y = (float *)fz_out(wild ? 4 : (size_t)rows * (size_t)cols * sizeof(float));
    y2 = (float *)fz_out(wild ? 4 : (size_t)rows * (size_t)cols * sizeof(float));
    x = fz_fbuf_const(in, wild ? 1 : (size_t)rows * (size_t)cols, cls, &got);
    if (!wild && cls == FZ_WILD && fz_pick(in, 4) == 0) /* a row of -inf */
        for (c = 0; c < cols; c++) x[c] = -INFINITY;
    fz_snap();
    st = attn_softmax_f32(nul == 0 ? NULL : y, nul == 1 ? NULL : x, rows, cols);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    /* in place: the same bytes */
    memcpy(y2, x, (size_t)rows * (size_t)cols * sizeof(float));
    fz_snap();
    FZ_STATUS(attn_softmax_f32(y2, y2, rows, cols), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(y, y2, (size_t)rows * (size_t)cols * sizeof(float)) == 0, "in place differs from out of place");
    for (r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * (size_t)cols, *yr = y + (size_t)r * (size_t)cols;
        int finite = 1, all_ninf = 1;
        double s = 0.0;
        for (c = 0; c < cols; c++) {
            if (xr[c] != -INFINITY) all_ninf = 0;
            if (!(xr[c] - xr[c] == 0.0f) && xr[c] != -INFINITY) finite = 0;
        }
        if (all_ninf) { /* documented: zeros */
            for (c = 0; c < cols; c++) FZ_CHECK(yr[c] == 0.0f, "softmax of an all -inf row is not zeros");
            continue;
        }
        if (!finite) continue;
        for (c = 0; c < cols; c++) {
            FZ_CHECK(yr[c] >= 0.0f && yr[c] <= 1.0f, "softmax: a probability outside [0, 1]");
            s += (double)yr[c];
        }
        FZ_CHECK(fabs(s - 1.0) <= (double)(cols + 2) * 2.4e-7, "softmax: a row does not sum to 1");
    }
}

static void t_layernorm(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, rows, cols, nul = fz_pick(in, 32), r, c;
    float *y, *y2, *x, *g = NULL, *b = NULL, eps = fz_eps(in);
    attn_status st, want;
    fz_fn = "attn_layernorm_f32";
    rows = fz_size(in, 4, &wild);
    cols = fz_size(in, 32, &wild);
    if (nul < 2) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(rows) || fz_dim_bad(cols)) want = ATTN_ERR_SHAPE;
    else if (!fz_eps_ok(eps)) want = ATTN_ERR_RANGE;
    else if (fz_bytes(rows, cols, 4).ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    y = (float *)fz_out(wild ? 4 : (size_t)rows * (size_t)cols * sizeof(float));
    y2 = (float *)fz_out(wild ? 4 : (size_t)rows * (size_t)cols * sizeof(float));
    x = fz_fbuf_const(in, wild ? 1 : (size_t)rows * (size_t)cols, cls, &got);
    if (fz_pick(in, 3)) g = fz_fbuf_const(in, wild ? 1 : (size_t)cols, fz_pick(in, 2) ? FZ_TAME : cls, &got);
    if (fz_pick(in, 3)) b = fz_fbuf_const(in, wild ? 1 : (size_t)cols, fz_pick(in, 2) ? FZ_TAME : cls, &got);
    fz_snap();
    st = attn_layernorm_f32(nul == 0 ? NULL : y, nul == 1 ? NULL : x, g, b, eps, rows, cols);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    memcpy(y2, x, (size_t)rows * (size_t)cols * sizeof(float));
    fz_snap();
    FZ_STATUS(attn_layernorm_f32(y2, y2, g, b, eps, rows, cols), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(y, y2, (size_t)rows * (size_t)cols * sizeof(float)) == 0, "in place differs from out of place");
    if ((g && !fz_all_finite(g, (size_t)cols)) || (b && !fz_all_finite(b, (size_t)cols))) return;
    for (r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * (size_t)cols, *yr = y + (size_t)r * (size_t)cols;
        int ok = 1;
        for (c = 0; c < cols; c++)
            if (!(fabsf(xr[c]) <= 1e17f)) ok = 0; /* no sum of squares can overflow */
        if (!ok) continue;
        /* |x_c - mean| <= sqrt(d var), so |y_c - beta_c| <= sqrt(d) |gamma_c| */
        for (c = 0; c < cols; c++) {
            double gc = g ? fabs((double)g[c]) : 1.0, bc = b ? (double)b[c] : 0.0;
            double lim = (sqrt((double)cols) * 1.001 + 1e-6) * gc + fabs(bc) * 2.4e-7 + 1e-37;
            if (lim + fabs(bc) >= (double)FLT_MAX) continue; /* y may overflow */
            FZ_CHECK(fabs((double)yr[c] - bc) <= lim, "layernorm: |y - beta| above sqrt(d) |gamma|");
        }
    }
}

static void t_activation(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, n, nul = fz_pick(in, 32), i;
    int which = fz_pick(in, 3);
    float *y, *y2, *x;
    attn_status st, want;
    attn_status (*f)(float *, const float *, int) =
        which == 0 ? attn_relu_f32 : which == 1 ? attn_gelu_f32 : attn_gelu_tanh_f32;
    fz_fn = which == 0 ? "attn_relu_f32" : which == 1 ? "attn_gelu_f32" : "attn_gelu_tanh_f32";
    n = fz_size(in, 40, &wild);
    if (nul < 2) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(n)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(1, n, 4).ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    y = (float *)fz_out(wild ? 4 : (size_t)n * sizeof(float));
    y2 = (float *)fz_out(wild ? 4 : (size_t)n * sizeof(float));
    x = fz_fbuf_const(in, wild ? 1 : (size_t)n, cls, &got);
    fz_snap();
    st = f(nul == 0 ? NULL : y, nul == 1 ? NULL : x, n);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    memcpy(y2, x, (size_t)n * sizeof(float));
    fz_snap();
    FZ_STATUS(f(y2, y2, n), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(y, y2, (size_t)n * sizeof(float)) == 0, "in place differs from out of place");
    for (i = 0; i < n; i++) {
        if (x[i] != x[i]) continue;
        if (which == 0) {
            FZ_CHECK(y[i] == (x[i] < 0.0f ? 0.0f : x[i]), "relu is not max(x, 0)");
        } else if (fabsf(x[i]) <= 1e30f) {
            /* x Phi(x) (or its tanh form) lies in [-0.1701, max(x, 0)] */
            float hi = x[i] > 0.0f ? x[i] : 0.0f;
            FZ_CHECK(y[i] >= -0.1701f && y[i] <= hi + fabsf(x[i]) * 1e-6f + 1e-37f,
                     "gelu outside [-0.1701, max(x, 0)]");
            if (fabsf(x[i]) <= 8.0f) {
                double xd = (double)x[i], ref = which == 1 ? 0.5 * xd * (1.0 + erf(xd / sqrt(2.0)))
                                                   : 0.5 * xd * (1.0 + tanh(0.7978845608028654 *
                                                                            (xd + 0.044715 * xd * xd * xd)));
                FZ_CHECK(fabs((double)y[i] - ref) <= 1e-5 * (fabs(ref) > 1.0 ? fabs(ref) : 1.0), "gelu inaccurate");
            }
        }
    }
}

static void t_pos(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, seq, d, nul = fz_pick(in, 32), i, c;
    int learned = fz_pick(in, 2);
    float *x, *x0, *tab = NULL;
    attn_status st, want;
    fz_fn = learned ? "attn_pos_learned_f32" : "attn_pos_sinusoidal_f32";
    seq = fz_size(in, 12, &wild);
    d = fz_size(in, 17, &wild);
    if (nul < 1 + learned) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(seq) || fz_dim_bad(d)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(seq, d, 4).ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    {
        size_t n = wild ? 1 : (size_t)seq * (size_t)d;
        x = (float *)fz_out(n * sizeof(float));
        fz_fill_f32(in, x, n, cls);
        x0 = fz_fbuf_const(in, n, FZ_TAME, &got);
        memcpy(x0, x, n * sizeof(float));
        if (learned) tab = fz_fbuf_const(in, n, cls, &got);
    }
    fz_snap();
    if (learned) st = attn_pos_learned_f32(nul == 0 ? NULL : x, nul == 1 ? NULL : tab, seq, d);
    else st = attn_pos_sinusoidal_f32(nul == 0 ? NULL : x, seq, d);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    for (i = 0; i < seq; i++)
        for (c = 0; c < d; c++) {
            size_t k = (size_t)i * (size_t)d + (size_t)c;
            if (learned) {
                float s = x0[k] + tab[k];
                FZ_CHECK(x[k] == s || (s != s && x[k] != x[k]), "pos_learned: x + table is not one float add");
            } else if (fabsf(x0[k]) <= 1e30f) {
                /* pe[p][2i] = sin(p 10000^(-2i/d)), pe[p][2i+1] = cos(the same angle) */
                int e = c & ~1;
                double ang = (double)i * pow(10000.0, -(double)e / (double)d);
                double pe = (c & 1) ? cos(ang) : sin(ang), want_v = (double)x0[k] + pe;
                FZ_CHECK(fabs((double)x[k] - want_v) <= 1.2e-7 * (fabs(want_v) + 1.0) + 1e-6,
                         "pos_sinusoidal: not x + the documented table");
            }
        }
}

static void t_pool(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, seq, d, nul = fz_pick(in, 32), p, c, cnt = 0;
    int pooling = fz_pick(in, 8);
    float *out, *x;
    uint8_t *pad = NULL;
    attn_status st, want;
    fz_fn = "attn_pool_f32";
    pooling = pooling < 3 ? ATTN_POOL_MEAN : pooling < 6 ? ATTN_POOL_FIRST : pooling == 6 ? 2 : -1;
    seq = fz_size(in, 10, &wild);
    d = fz_size(in, 16, &wild);
    if (nul < 2) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(seq) || fz_dim_bad(d)) want = ATTN_ERR_SHAPE;
    else if (pooling != ATTN_POOL_MEAN && pooling != ATTN_POOL_FIRST) want = ATTN_ERR_RANGE;
    else if (fz_bytes(seq, d, 4).ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    out = (float *)fz_out(wild ? 4 : (size_t)d * sizeof(float));
    x = fz_fbuf_const(in, wild ? 1 : (size_t)seq * (size_t)d, cls, &got);
    if (fz_pick(in, 2)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)seq);
        fz_fill_mask(in, pad, wild ? 1 : seq);
    }
    fz_snap();
    st = attn_pool_f32(nul == 0 ? NULL : out, nul == 1 ? NULL : x, pad, (attn_pooling)pooling, seq, d);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    if (pooling == ATTN_POOL_FIRST) {
        FZ_CHECK(memcmp(out, x, (size_t)d * sizeof(float)) == 0, "pool first: not row 0");
        return;
    }
    for (p = 0; p < seq; p++) cnt += !(pad && pad[p]);
    for (c = 0; c < d; c++) {
        if (cnt == 0) {
            FZ_CHECK(out[c] == 0.0f, "pool mean over no rows is not zero");
        } else if (got == FZ_TAME) { /* the sum is exact; one division */
            float s = 0.0f, q;
            for (p = 0; p < seq; p++)
                if (!(pad && pad[p])) s += x[(size_t)p * (size_t)d + (size_t)c];
            q = s / (float)cnt; /* (a float: i386 evaluates in 80 bits) */
            FZ_CHECK(out[c] == q, "pool mean: not sum / count");
        }
    }
}

static void t_argmax(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, n, nul = fz_pick(in, 32), i, best = -1;
    int *idx;
    float *x;
    attn_status st, want;
    fz_fn = "attn_argmax_f32";
    n = fz_size(in, 16, &wild);
    if (nul < 2) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(n)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(1, n, 4).ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    idx = (int *)fz_out(sizeof(int));
    x = fz_fbuf_const(in, wild ? 1 : (size_t)n, cls, &got);
    if (!wild && fz_pick(in, 4) == 0) /* ties */
        for (i = 1; i < n; i += 2) x[i] = x[i - 1];
    fz_snap();
    st = attn_argmax_f32(nul == 0 ? NULL : idx, nul == 1 ? NULL : x, n);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    /* the first of the largest; NaN never chosen unless all are NaN (then 0) */
    for (i = 0; i < n; i++)
        if (x[i] == x[i] && (best < 0 || x[i] > x[best])) best = i;
    if (best < 0) best = 0;
    FZ_CHECK(*idx == best, "argmax: not the first largest non-NaN entry");
}

/* ---- attention ------------------------------------------------------------------ */

static void fz_mha_cfg(fz_in *in, attn_mha_cfg *c, int *wild, int self)
{
    c->seq_q = fz_size(in, 7, wild);
    c->seq_kv = self ? c->seq_q : fz_size(in, 7, wild);
    c->d_model = fz_size(in, 16, wild);
    c->n_heads = fz_heads(in);
    c->causal = fz_pick(in, 3) == 0 ? (fz_pick(in, 2) ? -7 : 1) : 0;
    c->window = fz_window(in, c->seq_q > c->seq_kv ? c->seq_q : c->seq_kv);
}

static attn_status fz_mha_shape(const attn_mha_cfg *c)
{
    if (fz_dim_bad(c->seq_q) || fz_dim_bad(c->seq_kv) || fz_dim_bad(c->d_model) || fz_dim_bad(c->n_heads) ||
        c->d_model % c->n_heads != 0)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}
/* ERRORS: a negative window is ATTN_ERR_RANGE (after the shapes) */
static attn_status fz_mha_range(const attn_mha_cfg *c) { return c->window < 0 ? ATTN_ERR_RANGE : ATTN_OK; }
/* the status of a query or call whose pointers are all there */
static attn_status fz_mha_status(const attn_mha_cfg *c, fz_sz need)
{
    return fz_mha_shape(c) ? ATTN_ERR_SHAPE : fz_mha_range(c) ? ATTN_ERR_RANGE
           : need.ovf ? ATTN_ERR_TOO_LARGE : ATTN_OK;
}

/* the documented scratch (MEMORY) and whether the call's buffer sizes overflow */
static fz_sz fz_sdpa_need(const attn_mha_cfg *c)
{
    /* the inputs and the output must be addressable too: their blocks'
       sum must fit size_t (as the library counts them) */
    fz_sz s = fz_block(c->seq_kv, 1, 4), t = fz_block(c->seq_q, c->d_model, 4);
    t = fz_add(t, fz_block(c->seq_kv, c->d_model, 8));
    s.ovf |= t.ovf;
    return s;
}
static fz_sz fz_mha_need(const attn_mha_cfg *c)
{
    fz_sz s = fz_sdpa_need(c), kv = fz_block(c->seq_kv, c->d_model, 4);
    return fz_add(fz_add(fz_add(s, kv), kv), fz_block(c->d_model, 1, 4));
}

/* the key padding that stands for query i's causal mask and window:
   pad_i[j] = 1 for every key i does not see */
static void fz_row_pad(uint8_t *pad_i, const uint8_t *pad, const attn_mha_cfg *c, int i)
{
    int j;
    for (j = 0; j < c->seq_kv; j++) pad_i[j] = (uint8_t)!fz_sees(pad, c->causal, c->window, i, j);
}

static void t_sdpa(fz_in *in)
{
    attn_mha_cfg cfg = {0};
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, nul = fz_pick(in, 48), inplace;
    float *out, *out2, *q, *k, *v;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    size_t qn, kvn, bytes = 0, *bp;
    attn_status st, want;
    fz_fn = "attn_sdpa_f32";
    fz_mha_cfg(in, &cfg, &wild, 0);
    inplace = fz_pick(in, 2);
    need = fz_sdpa_need(&cfg);
    want = nul < 6 ? ATTN_ERR_NULL : fz_mha_status(&cfg, need);
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    /* the query function says the same, and equals the macro */
    bp = (size_t *)fz_out(sizeof(size_t));
    fz_snap();
    st = attn_sdpa_scratch_f32(nul == 4 ? NULL : &cfg, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, nul == 4 ? ATTN_ERR_NULL : fz_mha_status(&cfg, need));
    if (st == ATTN_OK) {
        FZ_CHECK(*bp == need.v, "sdpa scratch query is not the MEMORY formula");
        FZ_CHECK(*bp == ATTN_SDPA_SCRATCH_F32(cfg.seq_kv), "sdpa scratch query != ATTN_SDPA_SCRATCH_F32");
        bytes = *bp;
    }
    qn = wild ? 1 : (size_t)cfg.seq_q * (size_t)cfg.d_model;
    kvn = wild ? 1 : (size_t)cfg.seq_kv * (size_t)cfg.d_model;
    out = (float *)fz_out(qn * sizeof(float));
    out2 = (float *)fz_out(qn * sizeof(float));
    q = fz_fbuf_const(in, qn, cls, &got);
    k = fz_fbuf_const(in, kvn, cls, &got);
    v = fz_fbuf_const(in, kvn, cls, &got);
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)cfg.seq_kv);
        fz_fill_mask(in, pad, wild ? 1 : cfg.seq_kv);
    }
    fz_snap();
    st = attn_sdpa_f32(nul == 0 ? NULL : out, nul == 1 ? NULL : q, nul == 2 ? NULL : k,
                       nul == 3 ? NULL : v, pad, nul == 4 ? NULL : &cfg, nul == 5 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    /* again, in place (out == q): the same bytes */
    memcpy(out2, q, qn * sizeof(float));
    fz_snap();
    FZ_STATUS(attn_sdpa_f32(out2, inplace ? out2 : q, k, v, pad, &cfg, &z.a), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(out, out2, qn * sizeof(float)) == 0, "sdpa: in place / second call differs");
    if (cfg.causal || cfg.window) {
        /* MASKS: the causal mask and the window are masks: row i is query i
           alone (seq_q 1, neither causal nor a window) with every key it
           does not see padded. Bit for bit: the same visible keys in the
           same order, so the same scores, maximum, sums and runs. */
        attn_mha_cfg c1 = cfg;
        uint8_t *pad_i = (uint8_t *)fz_out((size_t)cfg.seq_kv);
        float *o1 = (float *)fz_out((size_t)cfg.d_model * sizeof(float));
        int i;
        c1.seq_q = 1;
        c1.causal = 0;
        c1.window = 0;
        for (i = 0; i < cfg.seq_q; i++) {
            fz_row_pad(pad_i, pad, &cfg, i);
            fz_snap();
            FZ_STATUS(attn_sdpa_f32(o1, q + (size_t)i * (size_t)cfg.d_model, k, v, pad_i, &c1, &z.a), ATTN_OK);
            fz_after(1);
            FZ_CHECK(fz_same_f32(o1, out + (size_t)i * (size_t)cfg.d_model, (size_t)cfg.d_model),
                     "sdpa: a causal/windowed row != that query alone with the unseen keys padded");
        }
    }
    if (got == FZ_WILD) return;
    {
        int i, j, c;
        for (i = 0; i < cfg.seq_q; i++) {
            int seen = 0;
            for (j = 0; j < cfg.seq_kv; j++) seen |= fz_sees(pad, cfg.causal, cfg.window, i, j);
            for (c = 0; c < cfg.d_model; c++) {
                float o = out[(size_t)i * (size_t)cfg.d_model + (size_t)c], lo = FLT_MAX, hi = -FLT_MAX;
                if (!seen) { /* documented: the zero context */
                    FZ_CHECK(o == 0.0f, "sdpa: a query with every key masked is not zero");
                    continue;
                }
                for (j = 0; j < cfg.seq_kv; j++)
                    if (fz_sees(pad, cfg.causal, cfg.window, i, j)) {
                        float vv = v[(size_t)j * (size_t)cfg.d_model + (size_t)c];
                        if (vv < lo) lo = vv;
                        if (vv > hi) hi = vv;
                    }
                /* a convex combination of the visible values (tame data:
                   no score can overflow) */
                if (got == FZ_TAME) {
                    float tol = 1e-5f * (fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi)) + 1e-30f;
                    FZ_CHECK(o >= lo - tol && o <= hi + tol, "sdpa: output outside the hull of the visible values");
                }
            }
        }
    }
}

static void fz_mha_weights(fz_in *in, attn_mha_weights_f32 *w, int d, int cls, int *got,
                           int nulw, int packed)
{
    size_t dd = (size_t)d * (size_t)d;
    memset(w, 0, sizeof *w);
    if (packed) {
        float *pw = fz_fbuf_const(in, 3 * dd, cls, got), *pb = NULL, *ow, *ob = NULL;
        if (fz_pick(in, 4)) pb = fz_fbuf_const(in, 3 * (size_t)d, cls, got);
        ow = fz_fbuf_const(in, dd, cls, got);
        if (fz_pick(in, 4)) ob = fz_fbuf_const(in, (size_t)d, cls, got);
        FZ_CHECK(attn_mha_weights_packed_f32(w, pw, pb, ow, ob, d) == ATTN_OK, "packed weights refused");
    } else {
        w->wq = fz_fbuf_const(in, dd, cls, got);
        w->wk = fz_fbuf_const(in, dd, cls, got);
        w->wv = fz_fbuf_const(in, dd, cls, got);
        w->wo = fz_fbuf_const(in, dd, cls, got);
        if (fz_pick(in, 4)) w->bq = fz_fbuf_const(in, (size_t)d, cls, got);
        if (fz_pick(in, 4)) w->bk = fz_fbuf_const(in, (size_t)d, cls, got);
        if (fz_pick(in, 4)) w->bv = fz_fbuf_const(in, (size_t)d, cls, got);
        if (fz_pick(in, 4)) w->bo = fz_fbuf_const(in, (size_t)d, cls, got);
    }
    switch (nulw) { /* a required matrix missing */
    case 1: w->wq = NULL; break;
    case 2: w->wk = NULL; break;
    case 3: w->wv = NULL; break;
    case 4: w->wo = NULL; break;
    default: break;
    }
}

static void t_mha(fz_in *in)
{
    attn_mha_cfg cfg = {0};
    attn_mha_weights_f32 w;
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, nul = fz_pick(in, 64);
    int self = fz_pick(in, 2), mode = fz_pick(in, 3), nulw = fz_pick(in, 40);
    float *out, *out2, *xq, *xkv;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    size_t qn, kvn, mx, bytes = 0, *bp;
    attn_status st, want;
    fz_fn = "attn_mha_f32";
    fz_mha_cfg(in, &cfg, &wild, self);
    need = fz_mha_need(&cfg);
    want = nul < 6 || (nulw >= 1 && nulw <= 4) ? ATTN_ERR_NULL : fz_mha_status(&cfg, need);
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    bp = (size_t *)fz_out(sizeof(size_t));
    fz_snap();
    st = attn_mha_scratch_f32(&cfg, nul == 5 ? NULL : bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, nul == 5 ? ATTN_ERR_NULL : fz_mha_status(&cfg, need));
    if (st == ATTN_OK) {
        FZ_CHECK(*bp == need.v, "mha scratch query is not the MEMORY formula");
        FZ_CHECK(*bp == ATTN_MHA_SCRATCH_F32(cfg.seq_kv, cfg.d_model), "mha scratch query != ATTN_MHA_SCRATCH_F32");
        bytes = *bp;
    }
    qn = wild ? 1 : (size_t)cfg.seq_q * (size_t)cfg.d_model;
    kvn = wild ? 1 : (size_t)cfg.seq_kv * (size_t)cfg.d_model;
    mx = qn > kvn ? qn : kvn;
    out = (float *)fz_out(qn * sizeof(float));
    out2 = (float *)fz_out(mx * sizeof(float));
    xq = fz_fbuf_const(in, qn, cls, &got);
    xkv = self && fz_pick(in, 2) ? xq : fz_fbuf_const(in, kvn, cls, &got);
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)cfg.seq_kv);
        fz_fill_mask(in, pad, wild ? 1 : cfg.seq_kv);
    }
    {
        int wc = fz_pick(in, 2) ? FZ_TAME : cls, packed = fz_pick(in, 2);
        fz_mha_weights(in, &w, wild ? 1 : cfg.d_model, wc, &got, nulw, packed);
    }
    fz_snap();
    st = attn_mha_f32(nul == 0 ? NULL : out, nul == 1 ? NULL : xq, nul == 2 ? NULL : xkv, xkv, pad,
                      nul == 3 ? NULL : &cfg, nul == 4 ? NULL : &w, nul == 5 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    /* in place on xq (mode 1) or xkv (mode 2; self-attention: both) */
    if (mode == 0) {
        fz_snap();
        FZ_STATUS(attn_mha_f32(out2, xq, xkv, xkv, pad, &cfg, &w, &z.a), ATTN_OK);
    } else if (mode == 1 || self) {
        memcpy(out2, xq, qn * sizeof(float));
        fz_snap();
        FZ_STATUS(attn_mha_f32(out2, out2, xkv == xq ? out2 : xkv, xkv == xq ? out2 : xkv, pad, &cfg, &w, &z.a), ATTN_OK);
    } else {
        memcpy(out2, xkv, kvn * sizeof(float));
        fz_snap();
        FZ_STATUS(attn_mha_f32(out2, xq, out2, out2, pad, &cfg, &w, &z.a), ATTN_OK);
    }
    fz_after(1);
    FZ_CHECK(memcmp(out, out2, qn * sizeof(float)) == 0, "mha: in place / second call differs");
    if (cfg.causal || cfg.window) {
        /* as for sdpa: row i is query i alone with the keys it does not see
           padded (a linear layer's row does not depend on the other rows:
           FLOAT ARITHMETIC's one sequential sum per dot product) */
        attn_mha_cfg c1 = cfg;
        uint8_t *pad_i = (uint8_t *)fz_out((size_t)cfg.seq_kv);
        float *o1 = (float *)fz_out((size_t)cfg.d_model * sizeof(float));
        int i;
        c1.seq_q = 1;
        c1.causal = 0;
        c1.window = 0;
        for (i = 0; i < cfg.seq_q; i++) {
            fz_row_pad(pad_i, pad, &cfg, i);
            fz_snap();
            FZ_STATUS(attn_mha_f32(o1, xq + (size_t)i * (size_t)cfg.d_model, xkv, xkv, pad_i, &c1, &w, &z.a),
                      ATTN_OK);
            fz_after(1);
            FZ_CHECK(fz_same_f32(o1, out + (size_t)i * (size_t)cfg.d_model, (size_t)cfg.d_model),
                     "mha: a causal/windowed row != that query alone with the unseen keys padded");
        }
    }
    if (got != FZ_TAME) return;
    {
        int i, j, c;
        for (i = 0; i < cfg.seq_q; i++) {
            int seen = 0;
            for (j = 0; j < cfg.seq_kv; j++) seen |= fz_sees(pad, cfg.causal, cfg.window, i, j);
            if (seen) continue;
            for (c = 0; c < cfg.d_model; c++) /* documented: the output bias */
                FZ_CHECK(out[(size_t)i * (size_t)cfg.d_model + (size_t)c] == (w.bo ? w.bo[c] : 0.0f),
                         "mha: a query with every key masked is not bo");
        }
    }
}

static void t_packed(fz_in *in)
{
    int wild = 0, d, nul = fz_pick(in, 32), withb = fz_pick(in, 2);
    attn_mha_weights_f32 *w;
    float *pw, *pb = NULL, *ow;
    attn_status st, want;
    size_t dd;
    fz_fn = "attn_mha_weights_packed_f32";
    d = fz_size(in, 8, &wild);
    if (nul < 3) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(d)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(d, d, 4).ovf || fz_mul(fz_bytes(d, d, 12), 1).ovf ||
             fz_bytes(d, d, 12).v > (size_t)PTRDIFF_MAX)
        want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return; /* the pointers would leave our arrays */
    dd = wild ? 1 : (size_t)d * (size_t)d;
    w = (attn_mha_weights_f32 *)fz_out(sizeof *w);
    memset(w, 0x5A, sizeof *w);
    pw = (float *)fz_const(3 * dd * sizeof(float));
    ow = (float *)fz_const(dd * sizeof(float));
    if (withb) pb = (float *)fz_const(3 * (wild ? 1 : (size_t)d) * sizeof(float));
    fz_snap();
    st = attn_mha_weights_packed_f32(nul == 0 ? NULL : w, nul == 1 ? NULL : pw, pb,
                                     nul == 2 ? NULL : ow, NULL, d);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    FZ_CHECK(w->wq == pw && w->wk == pw + dd && w->wv == pw + 2 * dd && w->wo == ow && w->bo == NULL,
             "packed: not Wq = w, Wk = w + d*d, Wv = w + 2*d*d");
    FZ_CHECK(withb ? (w->bq == pb && w->bk == pb + d && w->bv == pb + 2 * d)
                   : (!w->bq && !w->bk && !w->bv),
             "packed: biases not in_proj_b, + d, + 2d");
}

/* ---- encoder ------------------------------------------------------------------------ */

static void fz_enc_cfg(fz_in *in, attn_encoder_cfg *c, int *wild)
{
    int a = fz_pick(in, 32);
    c->d_model = fz_size(in, 12, wild);
    c->n_heads = fz_heads(in);
    c->d_ff = fz_size(in, 24, wild);
    c->activation = (attn_activation)(a < 30 ? a % 3 : a == 30 ? 3 : -1);
    c->norm_first = fz_pick(in, 2) ? (fz_pick(in, 8) ? 1 : 255) : 0;
    c->causal = fz_pick(in, 3) == 0;
    c->eps = fz_pick(in, 4) ? 1e-5f : fz_eps(in);
}

static attn_status fz_enc_shape(const attn_encoder_cfg *c)
{
    if (fz_dim_bad(c->d_model) || fz_dim_bad(c->n_heads) || fz_dim_bad(c->d_ff) || c->d_model % c->n_heads != 0)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}
static attn_status fz_enc_range(const attn_encoder_cfg *c)
{
    if ((c->activation != ATTN_ACT_RELU && c->activation != ATTN_ACT_GELU &&
         c->activation != ATTN_ACT_GELU_TANH) || c->window < 0)
        return ATTN_ERR_RANGE;
    return fz_eps_ok(c->eps) ? ATTN_OK : ATTN_ERR_RANGE;
}
/* MEMORY: 2*B(seq*d) + 2*B(d) + B(seq) + B(d_ff) */
static fz_sz fz_enc_need(const attn_encoder_cfg *c, int seq)
{
    fz_sz kv = fz_block(seq, c->d_model, 4), dv = fz_block(c->d_model, 1, 4);
    return fz_add(fz_add(fz_add(fz_add(fz_add(kv, kv), dv), dv), fz_block(seq, 1, 4)),
                  fz_block(c->d_ff, 1, 4));
}

/* One layer's weights (d, ff small); nulw 1..6 drops a required matrix. */
static void fz_layer_weights(fz_in *in, attn_encoder_layer_weights_f32 *w, int d, int ff, int cls,
                             int *got, int nulw)
{
    size_t df = (size_t)d * (size_t)ff;
    int packed = fz_pick(in, 2);
    fz_mha_weights(in, &w->attn, d, cls, got, nulw <= 4 ? nulw : 0, packed);
    w->ff1_w = nulw == 5 ? NULL : fz_fbuf_const(in, df, cls, got);
    w->ff1_b = fz_pick(in, 4) ? fz_fbuf_const(in, (size_t)ff, cls, got) : NULL;
    w->ff2_w = nulw == 6 ? NULL : fz_fbuf_const(in, df, cls, got);
    w->ff2_b = fz_pick(in, 4) ? fz_fbuf_const(in, (size_t)d, cls, got) : NULL;
    w->norm1_w = fz_pick(in, 4) ? fz_fbuf_const(in, (size_t)d, cls, got) : NULL;
    w->norm1_b = fz_pick(in, 4) ? fz_fbuf_const(in, (size_t)d, cls, got) : NULL;
    w->norm2_w = fz_pick(in, 4) ? fz_fbuf_const(in, (size_t)d, cls, got) : NULL;
    w->norm2_b = fz_pick(in, 4) ? fz_fbuf_const(in, (size_t)d, cls, got) : NULL;
}

/* the post-norm bound of a layer-norm output row (see t_layernorm) */
static void fz_ln_bound(const float *row, const float *g, const float *b, int d, const char *what)
{
    int c;
    if ((g && !fz_all_finite(g, (size_t)d)) || (b && !fz_all_finite(b, (size_t)d))) return;
    for (c = 0; c < d; c++) {
        double gc = g ? fabs((double)g[c]) : 1.0, bc = b ? (double)b[c] : 0.0;
        double lim = (sqrt((double)d) * 1.001 + 1e-6) * gc + fabs(bc) * 2.4e-7 + 1e-37;
        if (lim + fabs(bc) >= (double)FLT_MAX) continue; /* y may overflow */
        FZ_CHECK(fabs((double)row[c] - bc) <= lim, what);
    }
}

/* layers: 1 for attn_encoder_layer_f32, else a stack of n_layers (which may
   be wild) */
static void t_encoder(fz_in *in, int stack)
{
    attn_encoder_cfg cfg = {0};
    attn_encoder_layer_weights_f32 *lw;
    attn_encoder_weights_f32 sw;
    int wild = 0, cls = fz_pick(in, 3), wcls, got = FZ_TAME, nul = fz_pick(in, 48), seq;
    int nl = 1, nl_alloc, nulw = fz_pick(in, 48), bad_layer = 0, l, i, as, ad;
    float *x, *x0, *x2;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    size_t n, bytes = 0, *bp;
    attn_status st, want;
    fz_fn = stack ? "attn_encoder_f32" : "attn_encoder_layer_f32";
    wcls = fz_pick(in, 3) ? FZ_TAME : cls;
    fz_enc_cfg(in, &cfg, &wild);
    seq = fz_size(in, 6, &wild);
    cfg.window = fz_window(in, seq);
    if (stack) nl = fz_pick(in, 16) ? 1 + fz_pick(in, 3) : fz_pick(in, 2) - 1; /* 0 or -1 */
    nl_alloc = nl > 0 ? nl : 1;
    if (nulw >= 1 && nulw <= 6) bad_layer = fz_pick(in, nl_alloc);
    need = fz_enc_need(&cfg, seq);
    /* a layer with a NULL matrix: ATTN_ERR_NULL, if it is one of the
       n_layers (a stack of n_layers <= 0 has none, and is a shape error) */
    if (nul < 4 || (nulw >= 1 && nulw <= 6 && bad_layer < nl) || (stack && nulw == 7))
        want = ATTN_ERR_NULL;
    else if (fz_enc_shape(&cfg) != ATTN_OK || fz_dim_bad(seq) || fz_dim_bad(nl)) want = ATTN_ERR_SHAPE;
    else if (fz_enc_range(&cfg) != ATTN_OK) want = ATTN_ERR_RANGE;
    else if (need.ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    /* the scratch queries (layer and stack are the same) and the macro */
    bp = (size_t *)fz_out(sizeof(size_t));
    fz_snap();
    st = stack ? attn_encoder_scratch_f32(&cfg, seq, bp) : attn_encoder_layer_scratch_f32(&cfg, seq, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, fz_enc_shape(&cfg) != ATTN_OK || fz_dim_bad(seq) ? ATTN_ERR_SHAPE
                  : fz_enc_range(&cfg) != ATTN_OK ? ATTN_ERR_RANGE
                  : need.ovf ? ATTN_ERR_TOO_LARGE : ATTN_OK);
    if (st == ATTN_OK) {
        FZ_CHECK(*bp == need.v, "encoder scratch query is not the MEMORY formula");
        FZ_CHECK(*bp == ATTN_ENCODER_SCRATCH_F32(seq, cfg.d_model, cfg.n_heads, cfg.d_ff),
                 "encoder scratch query != ATTN_ENCODER_SCRATCH_F32");
        bytes = *bp;
    }
    /* buffer sizes (one element each in a wild case, whose call keeps its sizes) */
    as = wild ? 1 : seq;
    ad = wild ? 1 : cfg.d_model;
    n = (size_t)as * (size_t)ad;
    x = (float *)fz_out(n * sizeof(float));
    fz_fill_f32(in, x, n, cls);
    x0 = (float *)fz_const(n * sizeof(float));
    memcpy(x0, x, n * sizeof(float));
    x2 = (float *)fz_out(n * sizeof(float));
    lw = (attn_encoder_layer_weights_f32 *)fz_const((size_t)nl_alloc * (size_t)sizeof *lw);
    for (l = 0; l < nl_alloc; l++)
        fz_layer_weights(in, &lw[l], ad, wild ? 1 : cfg.d_ff, wcls, &got, l == bad_layer ? nulw : 0);
    sw.layers = stack && nulw == 7 ? NULL : lw;
    sw.n_layers = nl;
    sw.final_norm = fz_pick(in, 2);
    sw.norm_w = fz_pick(in, 3) ? fz_fbuf_const(in, (size_t)ad, wcls, &got) : NULL;
    sw.norm_b = fz_pick(in, 3) ? fz_fbuf_const(in, (size_t)ad, wcls, &got) : NULL;
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const((size_t)as);
        fz_fill_mask(in, pad, as);
    }
    if (fz_class_of(x, n) > got) got = fz_class_of(x, n);
    fz_snap();
    if (stack)
        st = attn_encoder_f32(nul == 0 ? NULL : x, seq, pad, nul == 1 ? NULL : &cfg,
                              nul == 2 ? NULL : &sw, nul == 3 ? NULL : &z.a);
    else
        st = attn_encoder_layer_f32(nul == 0 ? NULL : x, seq, pad, nul == 1 ? NULL : &cfg,
                                    nul == 2 ? NULL : lw, nul == 3 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    /* the same again; a stack equals its layers one at a time, then the norm */
    memcpy(x2, x0, n * sizeof(float));
    fz_snap();
    if (stack) {
        for (l = 0; l < nl; l++) FZ_STATUS(attn_encoder_layer_f32(x2, seq, pad, &cfg, &lw[l], &z.a), ATTN_OK);
        if (sw.final_norm)
            FZ_STATUS(attn_layernorm_f32(x2, x2, sw.norm_w, sw.norm_b, cfg.eps, seq, cfg.d_model), ATTN_OK);
    } else {
        FZ_STATUS(attn_encoder_layer_f32(x2, seq, pad, &cfg, lw, &z.a), ATTN_OK);
    }
    fz_after(1);
    FZ_CHECK(memcmp(x, x2, n * sizeof(float)) == 0,
             stack ? "encoder stack != its layers one at a time" : "encoder layer: a second call differs");
    if (!stack && (cfg.window > 0 || cfg.causal)) {
        /* MASKS: with a window (and/or causal) row i of a layer is row i of
           the same layer without the window run on the rows i sees alone
           (lo..hi, their padding): nothing else reaches it, bit for bit */
        attn_encoder_cfg c1 = cfg;
        int lo, hi;
        c1.window = 0;
        for (i = 0; i < seq; i++) {
            size_t d = (size_t)cfg.d_model;
            fz_key_span(i, seq, cfg.causal, cfg.window, &lo, &hi);
            memcpy(x2, x0 + (size_t)lo * d, (size_t)(hi - lo + 1) * d * sizeof(float));
            fz_snap();
            FZ_STATUS(attn_encoder_layer_f32(x2, hi - lo + 1, pad ? pad + lo : NULL, &c1, lw, &z.a), ATTN_OK);
            fz_after(1);
            FZ_CHECK(fz_same_f32(x2 + (size_t)(i - lo) * d, x + (size_t)i * d, d),
                     "encoder layer: a windowed/causal row != the layer on the rows it sees alone");
        }
    }
    if (got != FZ_TAME) return;
    FZ_CHECK(fz_all_finite(x, n), "encoder: non-finite output from finite input and weights");
    for (i = 0; i < seq; i++) {
        const float *row = x + (size_t)i * (size_t)cfg.d_model;
        if (stack && sw.final_norm)
            fz_ln_bound(row, sw.norm_w, sw.norm_b, cfg.d_model, "encoder: final norm output out of bound");
        else if (!cfg.norm_first)
            fz_ln_bound(row, lw[nl - 1].norm2_w, lw[nl - 1].norm2_b, cfg.d_model,
                        "encoder: post-norm output out of the layer norm's bound");
    }
}

/* ---- model ------------------------------------------------------------------------- */

/* the float model's entries: tok 0 attn_model_f32 (features or patches),
   tok 1 attn_model_tokens_f32 */
static void t_model(fz_in *in, int tok)
{
    attn_model_cfg cfg = {0};
    attn_model_weights_f32 w;
    attn_encoder_layer_weights_f32 *lw;
    int wild = 0, wseq = 0, cls = fz_pick(in, 3), wcls, got = FZ_TAME, nul = fz_pick(in, 64), seq;
    int nl = 1 + fz_pick(in, 2), nulw = fz_pick(in, 64), bad = 0, l, dm, pe, ids_ok = 1, rows;
    float *logits, *logits2, *input = NULL, *x, *pooled;
    int *tokens = NULL, *segs = NULL;
    uint8_t *pad = NULL, *pad2 = NULL;
    fz_arena z;
    fz_sz need;
    size_t bytes = 0, *bp;
    attn_status st, want, shape, range;
    fz_fn = tok ? "attn_model_tokens_f32" : "attn_model_f32";
    wcls = fz_pick(in, 3) ? FZ_TAME : cls;
    fz_enc_cfg(in, &cfg.encoder, &wild);
    seq = fz_size(in, 6, &wseq);
    /* (the token entry reads seq ids before its size checks) */
    if (tok && wseq && seq > 0) return;
    wild |= wseq;
    fz_model_front(in, &cfg, seq, tok, fz_pick(in, 2) ? -1 : INT_MIN, &wild);
    rows = seq + (cfg.cls_token != 0 && seq < INT_MAX);
    pe = fz_pick(in, 8);
    cfg.max_seq = pe == 0 ? fz_size(in, 6, &wild) : pe == 1 ? seq : seq > 0 && seq < 64 ? rows + fz_pick(in, 3) : 8;
    cfg.encoder.window = fz_window(in, rows);
    pe = fz_pick(in, 32);
    cfg.position = (attn_position)(pe < 30 ? pe % 3 : pe == 30 ? 3 : -2);
    pe = fz_pick(in, 32);
    cfg.pooling = (attn_pooling)(pe < 30 ? pe % 3 : pe == 30 ? 3 : -1);
    cfg.n_classes = fz_size(in, 5, &wild);
    if (nulw >= 1 && nulw <= 6) bad = fz_pick(in, nl);
    dm = cfg.encoder.d_model;
    need = fz_model_need(&cfg, seq, 4, fz_enc_need(&cfg.encoder, rows));
    shape = fz_enc_shape(&cfg.encoder) != ATTN_OK || fz_model_shape_bad(&cfg, seq, 0) ? ATTN_ERR_SHAPE : ATTN_OK;
    range = fz_enc_range(&cfg.encoder) != ATTN_OK ||
                    (cfg.position != ATTN_POS_NONE && cfg.position != ATTN_POS_SINUSOIDAL &&
                     cfg.position != ATTN_POS_LEARNED) ||
                    (cfg.pooling != ATTN_POOL_MEAN && cfg.pooling != ATTN_POOL_FIRST &&
                     cfg.pooling != ATTN_POOL_ATTENTION)
                ? ATTN_ERR_RANGE
                : ATTN_OK;
    /* the weights this cfg needs (one missing: nulw), as the header lists them */
    if (nul < 5 || nulw == 7 || (nulw >= 1 && nulw <= 6) || nulw == 10 || (!tok && nulw == 8 && cfg.d_in != 0) ||
        (nulw == 9 && cfg.position == ATTN_POS_LEARNED) || (nulw == 11 && cfg.cls_token) ||
        (nulw == 12 && cfg.pooling == ATTN_POOL_ATTENTION) || (tok && nulw == 13) ||
        (tok && nulw == 14 && cfg.n_segments != 0))
        want = ATTN_ERR_NULL;
    else if (shape != ATTN_OK || (tok && fz_model_shape_bad(&cfg, seq, 1))) want = ATTN_ERR_SHAPE;
    else if (range != ATTN_OK) want = ATTN_ERR_RANGE;
    else want = ATTN_OK; /* (token ids: below) */
    {
        /* buffer sizes: one element each in a wild case (whose call keeps its sizes) */
        int as = wild ? 1 : seq, ad = wild ? 1 : dm, ain = wild ? 1 : cfg.d_in > 0 ? cfg.d_in : dm;
        int amax = wild ? 1 : cfg.max_seq, acls = wild ? 1 : cfg.n_classes, aff = wild ? 1 : cfg.encoder.d_ff;
        int avoc = wild || cfg.vocab <= 0 ? 1 : cfg.vocab, aseg = wild || cfg.n_segments <= 0 ? 1 : cfg.n_segments;
        int ast = seq > 0 && !wseq ? seq : 1;
        if (tok) {
            tokens = (int *)fz_const((size_t)ast * sizeof(int));
            ids_ok = fz_ids(in, tokens, ast, cfg.vocab);
            if (fz_pick(in, 3)) {
                segs = (int *)fz_const((size_t)ast * sizeof(int));
                if (!fz_ids(in, segs, ast, cfg.n_segments) && cfg.n_segments > 0) ids_ok = 0;
            }
            if (want == ATTN_OK && !ids_ok) want = ATTN_ERR_RANGE;
        }
        if (want == ATTN_OK && need.ovf) want = ATTN_ERR_TOO_LARGE;
        if (!fz_case_arena(in, &z, &want, need, wild)) return;
        bp = (size_t *)fz_out(sizeof(size_t));
        fz_snap();
        st = attn_model_scratch_f32(&cfg, seq, bp);
        fz_after(st == ATTN_OK);
        FZ_STATUS(st, shape != ATTN_OK ? ATTN_ERR_SHAPE : range != ATTN_OK ? ATTN_ERR_RANGE
                      : need.ovf ? ATTN_ERR_TOO_LARGE : ATTN_OK);
        if (st == ATTN_OK) {
            FZ_CHECK(*bp == need.v, "model scratch query is not the MEMORY formula");
            FZ_CHECK(*bp == ATTN_MODEL_SCRATCH_EX_F32(seq, dm, cfg.encoder.n_heads, cfg.encoder.d_ff,
                                                      cfg.cls_token != 0, cfg.patch > 0 ? cfg.d_in : 0),
                     "model scratch query != ATTN_MODEL_SCRATCH_EX_F32");
            if (!cfg.cls_token && cfg.patch <= 0)
                FZ_CHECK(*bp == ATTN_MODEL_SCRATCH_F32(seq, dm, cfg.encoder.n_heads, cfg.encoder.d_ff),
                         "model scratch query != ATTN_MODEL_SCRATCH_F32");
            bytes = *bp;
        }
        logits = (float *)fz_out((size_t)acls * sizeof(float));
        logits2 = (float *)fz_out((size_t)acls * sizeof(float));
        if (!tok) input = fz_fbuf_const(in, (size_t)as * (size_t)ain, cls, &got); /* (an image: seq d_in values) */
        memset(&w, 0, sizeof w);
        if (nulw != 8) {
            w.embed_w = fz_fbuf_const(in, cfg.d_in > 0 ? (size_t)ad * (size_t)ain : 1, wcls, &got);
            if (fz_pick(in, 3)) w.embed_b = fz_fbuf_const(in, (size_t)ad, wcls, &got);
        }
        if (nulw != 9) w.pos = fz_fbuf_const(in, (size_t)amax * (size_t)ad, wcls, &got);
        lw = (attn_encoder_layer_weights_f32 *)fz_const((size_t)nl * (size_t)sizeof *lw);
        for (l = 0; l < nl; l++) fz_layer_weights(in, &lw[l], ad, aff, wcls, &got, l == bad ? nulw : 0);
        w.encoder.layers = nulw == 10 ? NULL : lw;
        w.encoder.n_layers = nl;
        w.encoder.final_norm = fz_pick(in, 2);
        w.encoder.norm_w = fz_pick(in, 3) ? fz_fbuf_const(in, (size_t)ad, wcls, &got) : NULL;
        w.encoder.norm_b = fz_pick(in, 3) ? fz_fbuf_const(in, (size_t)ad, wcls, &got) : NULL;
        if (nulw != 7) w.cls_w = fz_fbuf_const(in, (size_t)acls * (size_t)ad, wcls, &got);
        if (fz_pick(in, 3)) w.cls_b = fz_fbuf_const(in, (size_t)acls, wcls, &got);
        if (nulw != 11 && (cfg.cls_token || fz_pick(in, 4) == 0))
            w.cls_token = fz_fbuf_const(in, (size_t)ad, cls, &got);
        if (nulw != 12 && (cfg.pooling == ATTN_POOL_ATTENTION || fz_pick(in, 4) == 0)) {
            float *pw = fz_fbuf_const(in, (size_t)ad, wcls, &got);
            if (fz_pick(in, 8) == 0) memset(pw, 0, (size_t)ad * sizeof(float)); /* w = 0: the mean */
            w.pool_w = pw;
        }
        if (tok && nulw != 13) w.token_embed = fz_fbuf_const(in, (size_t)avoc * (size_t)ad, cls, &got);
        if (tok && nulw != 14) w.segment_embed = fz_fbuf_const(in, (size_t)aseg * (size_t)ad, cls, &got);
        if (cfg.embed_norm || fz_pick(in, 4) == 0) {
            if (fz_pick(in, 3)) w.embed_norm_w = fz_fbuf_const(in, (size_t)ad, wcls, &got);
            if (fz_pick(in, 3)) w.embed_norm_b = fz_fbuf_const(in, (size_t)ad, wcls, &got);
        }
        if (fz_pick(in, 3)) {
            pad = (uint8_t *)fz_const((size_t)as);
            fz_fill_mask(in, pad, as);
        }
    }
    fz_snap();
    if (tok)
        st = attn_model_tokens_f32(nul == 0 ? NULL : logits, nul == 1 ? NULL : tokens, segs, seq, pad,
                                   nul == 2 ? NULL : &cfg, nul == 3 ? NULL : &w, nul == 4 ? NULL : &z.a);
    else
        st = attn_model_f32(nul == 0 ? NULL : logits, nul == 1 ? NULL : input, seq, pad,
                            nul == 2 ? NULL : &cfg, nul == 3 ? NULL : &w, nul == 4 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    /* the model is its documented steps: the front end (the CLS row, then
       the input's rows: embedded features, each patch gathered from the
       NCHW image and embedded as one Conv2d output, or token rows + their
       segment rows), + positions over every row, the LayerNorm, the stack
       (the CLS row never padded), pool (attention pooling: the public
       function), head */
    {
        size_t d = (size_t)dm;
        float *y;
        int i;
        x = (float *)fz_out((size_t)rows * d * sizeof(float));
        pooled = (float *)fz_out(d * sizeof(float));
        if (pad) {
            pad2 = (uint8_t *)fz_out((size_t)rows);
            pad2[0] = 0;
            memcpy(pad2 + rows - seq, pad, (size_t)seq);
        }
        y = x + (cfg.cls_token ? d : 0);
        fz_snap();
        if (cfg.cls_token) memcpy(x, w.cls_token, d * sizeof(float));
        if (tok) {
            for (i = 0; i < seq; i++) {
                memcpy(y + (size_t)i * d, w.token_embed + (size_t)tokens[i] * d, d * sizeof(float));
                if (cfg.n_segments > 0) /* (x += table: one float add each) */
                    FZ_STATUS(attn_pos_learned_f32(y + (size_t)i * d, w.segment_embed + (size_t)(segs ? segs[i] : 0) * d,
                                                   1, dm),
                              ATTN_OK);
            }
        } else if (cfg.patch > 0) {
            int P = cfg.patch, gw = cfg.image_w / P, ch, ky;
            float *pr = (float *)fz_out((size_t)cfg.d_in * sizeof(float));
            for (i = 0; i < seq; i++) {
                int py = i / gw * P, px = i % gw * P;
                for (ch = 0; ch < cfg.channels; ch++)
                    for (ky = 0; ky < P; ky++)
                        memcpy(pr + ((size_t)ch * (size_t)P + (size_t)ky) * (size_t)P,
                               input + ((size_t)ch * (size_t)cfg.image_h + (size_t)(py + ky)) * (size_t)cfg.image_w + (size_t)px,
                               (size_t)P * sizeof(float));
                FZ_STATUS(attn_linear_f32(y + (size_t)i * d, pr, w.embed_w, w.embed_b, 1, cfg.d_in, dm), ATTN_OK);
            }
        } else if (cfg.d_in > 0) {
            FZ_STATUS(attn_linear_f32(y, input, w.embed_w, w.embed_b, seq, cfg.d_in, dm), ATTN_OK);
        } else {
            memcpy(y, input, (size_t)seq * d * sizeof(float));
        }
        if (cfg.position == ATTN_POS_SINUSOIDAL) FZ_STATUS(attn_pos_sinusoidal_f32(x, rows, dm), ATTN_OK);
        if (cfg.position == ATTN_POS_LEARNED) FZ_STATUS(attn_pos_learned_f32(x, w.pos, rows, dm), ATTN_OK);
        if (cfg.embed_norm)
            FZ_STATUS(attn_layernorm_f32(x, x, w.embed_norm_w, w.embed_norm_b, cfg.encoder.eps, rows, dm), ATTN_OK);
        FZ_STATUS(attn_encoder_f32(x, rows, pad2, &cfg.encoder, &w.encoder, &z.a), ATTN_OK);
        if (cfg.pooling == ATTN_POOL_ATTENTION)
            FZ_STATUS(attn_pool_attention_f32(pooled, x, pad2, w.pool_w, rows, dm, &z.a), ATTN_OK);
        else
            FZ_STATUS(attn_pool_f32(pooled, x, pad2, cfg.pooling, rows, dm), ATTN_OK);
        FZ_STATUS(attn_linear_f32(logits2, pooled, w.cls_w, w.cls_b, 1, dm, cfg.n_classes), ATTN_OK);
        fz_after(1);
    }
    FZ_CHECK(memcmp(logits, logits2, (size_t)cfg.n_classes * sizeof(float)) == 0,
             "model != front end, positions, LayerNorm, encoder, pool, classifier");
    if (got == FZ_TAME)
        FZ_CHECK(fz_all_finite(logits, (size_t)cfg.n_classes), "model: non-finite logits from finite data");
}

/* attn_pool_attention_f32 */
static void t_pool_attention(fz_in *in)
{
    int wild = 0, cls = fz_pick(in, 3), got = FZ_TAME, seq, d, nul = fz_pick(in, 32), p, c, cnt = 0, last = -1;
    float *out, *out2, *x, *wq;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    size_t bytes;
    attn_status st, want;
    fz_fn = "attn_pool_attention_f32";
    seq = fz_size(in, 10, &wild);
    d = fz_size(in, 16, &wild);
    /* MEMORY: B(seq), the scores; [seq][d] must be addressable */
    need = fz_block(seq, 1, 4);
    need.ovf |= fz_bytes(seq, d, 4).ovf;
    if (nul < 4) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(seq) || fz_dim_bad(d)) want = ATTN_ERR_SHAPE;
    else if (need.ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    bytes = need.v;
    if (!fz_dim_bad(seq) && !need.ovf)
        FZ_CHECK(bytes == ATTN_POOL_SCRATCH_F32(seq), "attention pooling: MEMORY != ATTN_POOL_SCRATCH_F32");
    out = (float *)fz_out(wild ? 4 : (size_t)d * sizeof(float));
    out2 = (float *)fz_out(wild ? 4 : (size_t)d * sizeof(float));
    x = fz_fbuf_const(in, wild ? 1 : (size_t)seq * (size_t)d, cls, &got);
    wq = fz_fbuf_const(in, wild ? 1 : (size_t)d, fz_pick(in, 2) ? FZ_TAME : cls, &got);
    if (!wild && fz_pick(in, 6) == 0) memset(wq, 0, (size_t)d * sizeof(float));
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)seq);
        fz_fill_mask(in, pad, wild ? 1 : seq);
    }
    fz_snap();
    st = attn_pool_attention_f32(nul == 0 ? NULL : out, nul == 1 ? NULL : x, pad, nul == 2 ? NULL : wq, seq, d,
                                 nul == 3 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    /* a padded row is never read: changing it changes nothing */
    if (pad) {
        float *x2 = (float *)fz_const((size_t)seq * (size_t)d * sizeof(float));
        memcpy(x2, x, (size_t)seq * (size_t)d * sizeof(float));
        for (p = 0; p < seq; p++)
            if (pad[p])
                for (c = 0; c < d; c++) x2[(size_t)p * (size_t)d + (size_t)c] = (float)(p + c) * 0.75f - 3.0f;
        fz_snap();
        FZ_STATUS(attn_pool_attention_f32(out2, x2, pad, wq, seq, d, &z.a), ATTN_OK);
        fz_after(1);
        FZ_CHECK(memcmp(out, out2, (size_t)d * sizeof(float)) == 0, "attention pooling read a padded row");
    }
    for (p = 0; p < seq; p++)
        if (!(pad && pad[p])) cnt++, last = p;
    if (cnt == 0) { /* documented: zeros */
        for (c = 0; c < d; c++) FZ_CHECK(out[c] == 0.0f, "attention pooling over no rows is not zeros");
        return;
    }
    if (got != FZ_TAME) return;
    if (cnt == 1) { /* p = 1 exactly: the row itself (0 + 1 * -0 is +0) */
        for (c = 0; c < d; c++)
            FZ_CHECK(out[c] == x[(size_t)last * (size_t)d + (size_t)c], "attention pooling over one row is not that row");
        return;
    }
    for (c = 0; c < d; c++) {
        float lo = FLT_MAX, hi = -FLT_MAX, tol, s = 0.0f;
        int allz = 1;
        for (p = 0; p < seq; p++) {
            float v = x[(size_t)p * (size_t)d + (size_t)c];
            if (pad && pad[p]) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
            s += v; /* (exact: tame values, few rows) */
        }
        for (p = 0; p < d; p++) allz &= wq[p] == 0.0f;
        tol = 1e-5f * (fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi)) + 1e-30f;
        FZ_CHECK(out[c] >= lo - tol && out[c] <= hi + tol, "attention pooling: outside the hull of the rows");
        if (allz) { /* every score 0: p_j = 1 / cnt, sum p_j x_j = (sum x_j) * (1 / cnt) */
            float inv = 1.0f / (float)cnt, q = s * inv;
            FZ_CHECK(out[c] == q, "attention pooling with w = 0 is not the mean (sum * (1 / count))");
        }
    }
}

/* ---- the scratch queries alone, any sizes --------------------------------------- */

static void t_queries(fz_in *in)
{
    attn_mha_cfg m = {0};
    attn_encoder_cfg e = {0};
    int wild = 0, seq;
    size_t *bp = (size_t *)fz_out(sizeof(size_t));
    fz_sz need;
    attn_status st, want;
    fz_mha_cfg(in, &m, &wild, 0);
    fz_enc_cfg(in, &e, &wild);
    seq = fz_size(in, 8, &wild);
    e.window = fz_window(in, seq);
    fz_fn = "attn_sdpa_scratch_f32";
    need = fz_sdpa_need(&m);
    want = fz_mha_status(&m, need);
    fz_snap();
    st = attn_sdpa_scratch_f32(&m, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st == ATTN_OK) FZ_CHECK(*bp == need.v && *bp == ATTN_SDPA_SCRATCH_F32(m.seq_kv), "sdpa query");
    fz_fn = "attn_mha_scratch_f32";
    need = fz_mha_need(&m);
    want = fz_mha_status(&m, need);
    fz_snap();
    st = attn_mha_scratch_f32(&m, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st == ATTN_OK) FZ_CHECK(*bp == need.v && *bp == ATTN_MHA_SCRATCH_F32(m.seq_kv, m.d_model), "mha query");
    fz_fn = "attn_encoder_layer_scratch_f32";
    need = fz_enc_need(&e, seq);
    want = fz_enc_shape(&e) || fz_dim_bad(seq) ? ATTN_ERR_SHAPE : fz_enc_range(&e) ? ATTN_ERR_RANGE
           : need.ovf ? ATTN_ERR_TOO_LARGE : ATTN_OK;
    fz_snap();
    st = attn_encoder_layer_scratch_f32(&e, seq, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st == ATTN_OK)
        FZ_CHECK(*bp == need.v && *bp == ATTN_ENCODER_SCRATCH_F32(seq, e.d_model, e.n_heads, e.d_ff), "encoder query");
    fz_fn = "attn_*_scratch_f32 (NULL)";
    fz_snap();
    FZ_STATUS(attn_sdpa_scratch_f32(NULL, bp), ATTN_ERR_NULL);
    FZ_STATUS(attn_mha_scratch_f32(&m, NULL), ATTN_ERR_NULL);
    FZ_STATUS(attn_encoder_scratch_f32(NULL, seq, bp), ATTN_ERR_NULL);
    FZ_STATUS(attn_encoder_layer_scratch_f32(&e, seq, NULL), ATTN_ERR_NULL);
    FZ_STATUS(attn_model_scratch_f32(NULL, seq, bp), ATTN_ERR_NULL);
    fz_after(0);
    fz_fn = "attn_status_str";
    {
        int s = (int)(int8_t)fz_u8(in);
        const char *txt = attn_status_str((attn_status)s);
        FZ_CHECK(txt != NULL && txt[0] != '\0', "attn_status_str: empty");
        if (s < 0 || s > 6) FZ_CHECK(strcmp(txt, "unknown status") == 0, "attn_status_str of no status");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_begin(&in, data, size);
    switch (fz_pick(&in, 17)) {
    case 0: t_linear(&in); break;
    case 1: t_softmax(&in); break;
    case 2: t_layernorm(&in); break;
    case 3: t_activation(&in); break;
    case 4: t_pos(&in); break;
    case 5: t_pool(&in); break;
    case 6: t_argmax(&in); break;
    case 7: t_sdpa(&in); break;
    case 8: t_mha(&in); break;
    case 9: t_packed(&in); break;
    case 10: t_encoder(&in, 0); break;
    case 11: t_encoder(&in, 1); break;
    case 12: t_model(&in, 0); break;
    case 13: t_queries(&in); break;
    case 14: t_model(&in, 1); break;
    case 15: t_pool_attention(&in); break;
    default: t_model(&in, 0); break;
    }
    fz_free_all();
    return 0;
}
