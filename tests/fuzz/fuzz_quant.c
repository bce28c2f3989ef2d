/* fuzz_quant.c - libFuzzer target for the quantizer of attention.h:
   attn_quantize_multiplier, attn_choose_qparams, attn_quantize_s8,
   attn_dequantize_s8, attn_quantize_encoder_s8, attn_quantize_model_s8 and
   attn_quantize_model_tokens_s8 (with windows, the CLS row, patches, the
   embedding LayerNorm, attention pooling, token and segment ids in and
   out of the tables).

   Inputs: factors at every scale (0, denormals, 2^-94 .. 2^-31, 2^30 - 1/4,
   2^30, NaN, Inf), ranges and scales with NaN/Inf/denormals/FLT_MAX,
   calibration data that is constant, all zero, huge, denormal, NaN or
   infinite, weights that are constant, zero, tiny, large, NaN or infinite,
   shapes at the int8 limits, and store/scratch arenas from generous to
   nothing. Checks:
     - attn_quantize_multiplier: the closest Q31 multiplier and shift
       (|m| in [2^30, 2^31) unless the shift is -31, within half a step of
       f), RANGE exactly for NaN and |f| >= 2^30 with *m unchanged;
     - attn_choose_qparams: scale > 0, zero point in range, [min, max] and
       0 covered within half a step; attn_quantize_s8 within half a step
       of x / scale + zp (clamped), attn_dequantize_s8 = scale (q - zp);
     - the model quantizers: the documented status for bad arguments;
       ATTN_ERR_ARENA exactly when the store is short of its documented
       size (or the scratch of the float stack's); ATTN_ERR_RANGE for a NaN
       or infinity in anything they read; on any error the outputs and
       both arenas' used and high-water marks unchanged; after success
       the store grown by exactly its documented size, every array inside
       it, parameters that the int8 kernels accept (the same stack or model
       then runs with ATTN_OK on quantized calibration data), the scratch
       given back, and the residual adds within |r| < 2^18.
   (Found with it: the quantizers checked n_calib and the int8 width limits
   after the float checks' range errors; fixed on main.) */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "fuzz.h"

/* ---- multiplier -------------------------------------------------------------------- */

static double fz_factor(fz_in *in)
{
    static const double sp[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1073741824.0, -1073741824.0,
                                1073741823.75, 1073741823.875, 1073741823.5, -1073741823.75,
                                1073741823.999999, 4.656612873077393e-10 /* 2^-31 */,
                                2.3283064365386963e-10 /* 2^-32 */, 2.168404344971009e-19 /* 2^-62 */,
                                1.0097419586828951e-28 /* 2^-93 */, 5.048709793414476e-29 /* 2^-94 */,
                                7.572064689121713e-29 /* 1.5 * 2^-94 */, 4.9e-324, 2.2250738585072014e-308,
                                1.7976931348623157e308, 0.9999999999999999, 2147483647.0, 1e-300};
    int k = fz_pick(in, 8);
    if (k == 0) return sp[fz_pick(in, (int)(sizeof sp / sizeof sp[0]))];
    if (k == 1) return fz_pick(in, 2) ? (double)NAN : (double)(fz_pick(in, 2) ? INFINITY : -INFINITY);
    if (k == 2) { /* raw bits */
        uint64_t u = (uint64_t)fz_u32(in) << 32 | fz_u32(in);
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    {
        double m = 1.0 + (double)fz_u32(in) / 4294967296.0;
        int e = (int)fz_pick(in, 132) - 100; /* 2^-100 .. 2^31 */
        return (fz_pick(in, 2) ? -1.0 : 1.0) * ldexp(m, e);
    }
}

static void t_multiplier(fz_in *in)
{
    double f = fz_factor(in);
    attn_qmul *m = (attn_qmul *)fz_out(sizeof *m);
    int nul = fz_pick(in, 32) == 0;
    attn_status st;
    fz_fn = "attn_quantize_multiplier";
    m->multiplier = 777;
    m->shift = 7;
    fz_snap();
    st = attn_quantize_multiplier(f, nul ? NULL : m);
    if (nul) {
        fz_after(0);
        FZ_STATUS(st, ATTN_ERR_NULL);
        return;
    }
    if (f != f || f >= 1073741824.0 || f <= -1073741824.0) {
        FZ_STATUS(st, ATTN_ERR_RANGE);
        fz_after(0); /* documented: *m unchanged */
        return;
    }
    fz_after(1);
    FZ_STATUS(st, ATTN_OK);
    FZ_CHECK(m->multiplier != INT32_MIN && m->shift >= -31 && m->shift <= 30, "multiplier outside its limits");
    if (m->multiplier == 0) {
        FZ_CHECK(fabs(f) <= ldexp(1.0, -63), "a factor rounded to 0 that a shift of -31 can show");
        return;
    }
    FZ_CHECK((m->multiplier > 0) == (f > 0), "multiplier of the wrong sign");
    {
        double r = ldexp((double)m->multiplier, m->shift - 31), err = fabs(r - f);
        if (m->shift > -31)
            FZ_CHECK(m->multiplier >= (1 << 30) || m->multiplier <= -(1 << 30),
                     "multiplier not normalised (a finer shift would be closer)");
        if (m->multiplier == INT32_MAX || m->multiplier == -INT32_MAX) {
            if (m->shift == 30) {
                FZ_CHECK(err < 0.5, "the largest multiplier is not the closest");
                return;
            }
        }
        FZ_CHECK(err <= ldexp(1.0, m->shift - 32), "not the closest multiplier (more than half a step off)");
    }
}

/* ---- qparams, quantize, dequantize -------------------------------------------------------- */

static float fz_range_end(fz_in *in)
{
    static const float sp[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-40f, -1e-40f, 1.4e-45f, FLT_MAX, -FLT_MAX,
                               3e38f, -3e38f, 1.5e38f, -1.5e38f, 1e-12f, 255.0f, -128.0f, 127.0f,
                               1e30f, NAN, INFINITY, -INFINITY};
    if (fz_pick(in, 3) == 0) return sp[fz_pick(in, (int)(sizeof sp / sizeof sp[0]))];
    return (float)((int32_t)fz_u32(in)) / (float)(1u << fz_pick(in, 31));
}

static void t_qparams(fz_in *in)
{
    float mn = fz_range_end(in), mx = fz_range_end(in);
    attn_qparams *q = (attn_qparams *)fz_out(sizeof *q);
    double lo = mn < 0.0f ? (double)mn : 0.0, hi = mx > 0.0f ? (double)mx : 0.0;
    int nul = fz_pick(in, 32) == 0, bad;
    attn_status st;
    fz_fn = "attn_choose_qparams";
    if (fz_pick(in, 4) == 0) mx = mn; /* a constant tensor */
    lo = mn < 0.0f ? (double)mn : 0.0;
    hi = mx > 0.0f ? (double)mx : 0.0;
    bad = mn != mn || mx != mx || mn > mx || !(hi - lo <= 3e38);
    fz_snap();
    st = attn_choose_qparams(mn, mx, nul ? NULL : q);
    fz_after(st == ATTN_OK);
    if (nul) {
        FZ_STATUS(st, ATTN_ERR_NULL);
        return;
    }
    FZ_STATUS(st, bad ? ATTN_ERR_RANGE : ATTN_OK);
    if (st != ATTN_OK) return;
    FZ_CHECK(q->scale > 0.0f && q->scale <= FLT_MAX, "scale not positive and finite");
    FZ_CHECK(fz_zp_ok(q->zero_point), "zero point outside [-128, 127]");
    {
        double s = (double)q->scale, a = s * (-128 - q->zero_point), b = s * (127 - q->zero_point);
        double tol = 0.5 * s * (1.0 + 1e-6) + 1e-6 * (fabs(lo) + fabs(hi));
        FZ_CHECK(a <= lo + tol && b >= hi - tol, "[min, max] not covered within half a step");
        FZ_CHECK(a <= 0.0 && b >= 0.0, "0 not representable");
    }
}

static void t_quantize(fz_in *in)
{
    static const float scales[] = {1.0f, 0.5f, 1e-3f, 1e-12f, 1.4e-45f, FLT_MAX, 3e38f, 0.0f, -0.0f,
                                   -1.0f, NAN, INFINITY, 1e30f, 0.0078125f};
    int wild = 0, n = fz_size(in, 40, &wild), nul = fz_pick(in, 32), deq = fz_pick(in, 2), i;
    attn_qparams q;
    attn_status st, want;
    size_t an = wild ? 1 : (size_t)n;
    fz_fn = deq ? "attn_dequantize_s8" : "attn_quantize_s8";
    q.scale = fz_pick(in, 2) ? scales[fz_pick(in, (int)(sizeof scales / sizeof scales[0]))] : fz_f32(in, FZ_FINITE);
    q.zero_point = fz_zp(in, fz_pick(in, 6) != 0);
    if (nul < 2) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(n)) want = ATTN_ERR_SHAPE;
    else if (!(q.scale > 0.0f) || !fz_zp_ok(q.zero_point)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    if (deq) {
        float *y = (float *)fz_out(an * sizeof(float));
        int8_t *x = (int8_t *)fz_const(an);
        fz_fill_s8(in, x, an);
        fz_snap();
        st = attn_dequantize_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, n, q);
        fz_after(st == ATTN_OK);
        FZ_STATUS(st, want);
        if (st != ATTN_OK) return;
        for (i = 0; i < n; i++) {
            float r = q.scale * (float)(x[i] - q.zero_point);
            FZ_CHECK(memcmp(&y[i], &r, sizeof r) == 0, "dequantize != scale * (q - zp)");
        }
    } else {
        int8_t *y = (int8_t *)fz_out(an);
        float *x = (float *)fz_const(an * sizeof(float));
        fz_fill_f32(in, x, an, FZ_WILD);
        fz_snap();
        st = attn_quantize_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, n, q);
        fz_after(st == ATTN_OK);
        FZ_STATUS(st, want);
        if (st != ATTN_OK) return;
        for (i = 0; i < n; i++) {
            double v = (double)x[i] / (double)q.scale + q.zero_point;
            if (v != v) continue; /* NaN, or Inf / Inf (undocumented: the zero point) */
            if (v <= -128.0) FZ_CHECK(y[i] == -128, "quantize: not clamped to -128");
            else if (v >= 127.0) FZ_CHECK(y[i] == 127, "quantize: not clamped to 127");
            else FZ_CHECK(fabs((double)y[i] - v) <= 0.5, "quantize: not round(x / scale) + zp");
        }
    }
}

/* ---- the model quantizers ----------------------------------------------------------------- */

/* float weights: tame, or (class 1) with zeros, constant rows, 1e3, tiny and
   denormal values, or (class 2) NaN, Inf, FLT_MAX and raw bit patterns */
static float fz_w(fz_in *in, int cls)
{
    static const float sp[] = {0.0f, -0.0f, 1000.0f, -1000.0f, 1e-30f, 1e-40f, -1.4e-45f, 0.001f, 999.9f};
    if (cls == 0 || !fz_chance(in, 40)) return fz_tame(in);
    if (cls == 2 && fz_pick(in, 2)) return fz_special(in, FZ_WILD);
    return sp[fz_pick(in, (int)(sizeof sp / sizeof sp[0]))];
}
static const float *fz_wbuf(fz_in *in, size_t n, int cls)
{
    float *p = (float *)fz_const(n * sizeof(float));
    size_t i;
    int mode = fz_pick(in, 16);
    float c = fz_w(in, cls);
    for (i = 0; i < n; i++) p[i] = mode == 0 ? c : mode == 1 ? 0.0f : fz_w(in, cls);
    return p;
}
static const float *fz_wopt(fz_in *in, size_t n, int cls) { return fz_pick(in, 4) ? fz_wbuf(in, n, cls) : NULL; }

/* calibration data: tame, bounded (|x| <= 1e6, denormals, constant, zero),
   with NaN, or with Inf, FLT_MAX and raw bit patterns */
static void fz_calib(fz_in *in, float *x, size_t n, int cls)
{
    static const float sp[] = {0.0f, -0.0f, 1e6f, -1e6f, 1e-40f, 1.4e-45f, 123456.7f, -0.001f};
    size_t i;
    int mode = fz_pick(in, 8);
    float c = fz_tame(in);
    for (i = 0; i < n; i++) {
        float v = fz_tame(in);
        if (cls >= 1 && fz_chance(in, 40)) v = sp[fz_pick(in, (int)(sizeof sp / sizeof sp[0]))];
        if (cls >= 2 && fz_chance(in, 24)) v = NAN;
        if (cls >= 3 && fz_chance(in, 24)) v = fz_special(in, FZ_WILD);
        x[i] = mode == 0 ? c : mode == 1 ? 0.0f : v;
    }
}

static void fz_layer_w(fz_in *in, attn_encoder_layer_weights_f32 *w, int d, int ff, int cls)
{
    size_t dd = (size_t)d * (size_t)d;
    w->attn.wq = fz_wbuf(in, dd, cls);
    w->attn.wk = fz_wbuf(in, dd, cls);
    w->attn.wv = fz_wbuf(in, dd, cls);
    w->attn.wo = fz_wbuf(in, dd, cls);
    w->attn.bq = fz_wopt(in, (size_t)d, cls);
    w->attn.bk = fz_wopt(in, (size_t)d, cls);
    w->attn.bv = fz_wopt(in, (size_t)d, cls);
    w->attn.bo = fz_wopt(in, (size_t)d, cls);
    w->ff1_w = fz_wbuf(in, (size_t)ff * (size_t)d, cls);
    w->ff1_b = fz_wopt(in, (size_t)ff, cls);
    w->ff2_w = fz_wbuf(in, (size_t)ff * (size_t)d, cls);
    w->ff2_b = fz_wopt(in, (size_t)d, cls);
    w->norm1_w = fz_wopt(in, (size_t)d, cls);
    w->norm1_b = fz_wopt(in, (size_t)d, cls);
    w->norm2_w = fz_wopt(in, (size_t)d, cls);
    w->norm2_b = fz_wopt(in, (size_t)d, cls);
}

/* every array of the int8 parameters lies inside the store's used part */
typedef struct {
    const unsigned char *lo, *hi;
} fz_span;
static void fz_inside(const fz_span *s, const void *p, size_t bytes, int required)
{
    const unsigned char *c = (const unsigned char *)p;
    if (!p) {
        FZ_CHECK(!required, "quantizer left a required array NULL");
        return;
    }
    FZ_CHECK(c >= s->lo && c + bytes <= s->hi, "a quantized array lies outside the store");
}
static void fz_lin_inside(const fz_span *s, const attn_linear_s8_params *p, int in, int out)
{
    fz_inside(s, p->w, (size_t)out * (size_t)in, 1);
    fz_inside(s, p->bias, (size_t)out * sizeof(int32_t), 0);
    fz_inside(s, p->requant, (size_t)out * sizeof(attn_qmul), 1);
    fz_inside(s, p->fused_bias, (size_t)out * sizeof(int32_t), 0);
    FZ_CHECK(fz_zp_ok(p->in_zp) && fz_zp_ok(p->out_zp), "quantizer made a zero point out of range");
}
/* INT8 ARITHMETIC: the quantizer's residual adds keep |r| < 2^18 (max over
   int8 a of |requant(a - a_zp, a_mul)|, plus the same for b) */
static long fz_term_bound(int32_t zp, attn_qmul m)
{
    int32_t hi = 0, lo = 0;
    FZ_CHECK(attn_requantize(&hi, 127 - zp, m) == ATTN_OK && attn_requantize(&lo, -128 - zp, m) == ATTN_OK,
             "quantizer made an add multiplier the kernels refuse");
    return labs((long)hi) > labs((long)lo) ? labs((long)hi) : labs((long)lo);
}
static void fz_add_bound(const attn_add_s8_params *p)
{
    FZ_CHECK(fz_term_bound(p->a_zp, p->a_mul) + fz_term_bound(p->b_zp, p->b_mul) < (1L << 18),
             "a quantized residual add can reach 2^18");
}
static void fz_stack_inside(const fz_span *s, const attn_encoder_s8_params *p, const attn_encoder_cfg *c)
{
    int l, d = c->d_model, ff = c->d_ff;
    fz_inside(s, p->layers, (size_t)p->n_layers * (size_t)sizeof *p->layers, 1);
    for (l = 0; l < p->n_layers; l++) {
        const attn_encoder_layer_s8_params *L = &p->layers[l];
        fz_lin_inside(s, &L->attn.q, d, d);
        fz_lin_inside(s, &L->attn.k, d, d);
        fz_lin_inside(s, &L->attn.v, d, d);
        fz_lin_inside(s, &L->attn.o, d, d);
        fz_lin_inside(s, &L->ff1, d, ff);
        fz_lin_inside(s, &L->ff2, ff, d);
        fz_inside(s, L->gelu_table, 256, c->activation != ATTN_ACT_RELU);
        fz_inside(s, L->norm1.gamma, (size_t)d * sizeof(attn_qmul), 1);
        fz_inside(s, L->norm2.gamma, (size_t)d * sizeof(attn_qmul), 1);
        fz_inside(s, L->norm1.beta, (size_t)d * sizeof(int32_t), 0);
        fz_inside(s, L->norm2.beta, (size_t)d * sizeof(int32_t), 0);
        if (!c->norm_first) {
            fz_add_bound(&L->add1);
            fz_add_bound(&L->add2);
        }
    }
    if (p->final_norm) fz_inside(s, p->norm.gamma, (size_t)d * sizeof(attn_qmul), 1);
}

static void fz_qenc_cfg(fz_in *in, attn_encoder_cfg *c, int *wild)
{
    static const float eps[] = {1e-5f, 1e-5f, 1e-6f, 1e-12f, 1.4e-45f, 1.0f, FLT_MAX, 0.0f, -1e-5f, NAN, INFINITY};
    int a = fz_pick(in, 32);
    c->d_model = fz_pick(in, 48) == 0 ? 2049 : fz_size(in, 8, wild);
    c->n_heads = fz_heads(in);
    c->d_ff = fz_pick(in, 48) == 0 ? 32769 : fz_size(in, 12, wild);
    c->activation = (attn_activation)(a < 30 ? a % 3 : a == 30 ? 3 : -1);
    c->norm_first = fz_pick(in, 2);
    c->causal = fz_pick(in, 3) == 0;
    c->eps = fz_pick(in, 3) ? 1e-5f : eps[fz_pick(in, (int)(sizeof eps / sizeof eps[0]))];
    c->window = fz_window(in, 4);
}
static int fz_qenc_shape(const attn_encoder_cfg *c) /* the float rules */
{
    return fz_dim_bad(c->d_model) || fz_dim_bad(c->n_heads) || fz_dim_bad(c->d_ff) || c->d_model % c->n_heads != 0;
}
static int fz_qenc_shape8(const attn_encoder_cfg *c) { return c->d_model > 2048 || c->d_ff > 32768; }
static int fz_qenc_range(const attn_encoder_cfg *c)
{
    return (c->activation != ATTN_ACT_RELU && c->activation != ATTN_ACT_GELU &&
            c->activation != ATTN_ACT_GELU_TANH) ||
           !(c->eps > 0.0f && c->eps <= FLT_MAX) || c->window < 0;
}
/* the float encoder's scratch (MEMORY), which the calibration runs need */
static fz_sz fz_enc_need(const attn_encoder_cfg *c, int seq)
{
    fz_sz kv = fz_block(seq, c->d_model, 4), dv = fz_block(c->d_model, 1, 4);
    return fz_add(fz_add(fz_add(fz_add(fz_add(kv, kv), dv), dv), fz_block(seq, 1, 4)), fz_block(c->d_ff, 1, 4));
}
/* The documented store (attn_quantize_encoder_s8): in ATTN_ALIGN blocks,
   per linear layer out*in + 4 out (bias, if any) + 8 out + 4 out bytes,
   per LayerNorm 12 d (8 d + 4 d), per GELU table 256, and the layer array. */
static fz_sz fz_qlin(fz_sz s, int in, int out, const float *b)
{
    s = fz_add(s, fz_block(out, in, 1));
    if (b) s = fz_add(s, fz_block(out, 1, 4));
    return fz_add(fz_add(s, fz_block(out, 1, 8)), fz_block(out, 1, 4));
}
static fz_sz fz_qnorm(fz_sz s, int d) { return fz_add(fz_add(s, fz_block(d, 1, 8)), fz_block(d, 1, 4)); }
static fz_sz fz_qstack(fz_sz s, const attn_encoder_cfg *c, const attn_encoder_weights_f32 *w)
{
    int l, d = c->d_model;
    s = fz_add(s, fz_block(w->n_layers, 1, sizeof(attn_encoder_layer_s8_params)));
    for (l = 0; l < w->n_layers; l++) {
        const attn_encoder_layer_weights_f32 *L = &w->layers[l];
        s = fz_qlin(s, d, d, L->attn.bq);
        s = fz_qlin(s, d, d, L->attn.bk);
        s = fz_qlin(s, d, d, L->attn.bv);
        s = fz_qlin(s, d, d, L->attn.bo);
        s = fz_qnorm(fz_qnorm(s, d), d);
        s = fz_qlin(s, d, c->d_ff, L->ff1_b);
        if (c->activation != ATTN_ACT_RELU) s = fz_add(s, fz_block(256, 1, 1));
        s = fz_qlin(s, c->d_ff, d, L->ff2_b);
    }
    return w->final_norm ? fz_qnorm(s, d) : s;
}

/* any NaN or infinity in n floats (NULL: none) */
static int fz_nf(const float *p, size_t n)
{
    size_t i;
    if (!p) return 0;
    for (i = 0; i < n; i++)
        if (!(p[i] - p[i] == 0.0f)) return 1;
    return 0;
}
/* ... in what a stack uses */
static int fz_nf_stack(const attn_encoder_weights_f32 *w, int d, int ff)
{
    int l, bad = 0;
    size_t dd = (size_t)d * (size_t)d, df = (size_t)d * (size_t)ff;
    for (l = 0; l < w->n_layers; l++) {
        const attn_encoder_layer_weights_f32 *L = &w->layers[l];
        bad |= fz_nf(L->attn.wq, dd) | fz_nf(L->attn.wk, dd) | fz_nf(L->attn.wv, dd) | fz_nf(L->attn.wo, dd);
        bad |= fz_nf(L->attn.bq, (size_t)d) | fz_nf(L->attn.bk, (size_t)d) | fz_nf(L->attn.bv, (size_t)d) |
               fz_nf(L->attn.bo, (size_t)d);
        bad |= fz_nf(L->ff1_w, df) | fz_nf(L->ff1_b, (size_t)ff) | fz_nf(L->ff2_w, df) | fz_nf(L->ff2_b, (size_t)d);
        bad |= fz_nf(L->norm1_w, (size_t)d) | fz_nf(L->norm1_b, (size_t)d) | fz_nf(L->norm2_w, (size_t)d) |
               fz_nf(L->norm2_b, (size_t)d);
    }
    if (w->final_norm) bad |= fz_nf(w->norm_w, (size_t)d) | fz_nf(w->norm_b, (size_t)d);
    return bad;
}

/* An arena for a quantizer: the store from its documented need (more,
   exactly, one block short, less, none), the scratch from the float
   stack's documented need (generous; or below it; its exact need also
   holds the quantizer's own ranges, undocumented). *lvl: the choice. */
static size_t fz_q_free(fz_in *in, size_t need, size_t generous, int *lvl)
{
    *lvl = fz_pick(in, 8);
    if (generous > ((size_t)1 << 24)) *lvl = 7;
    switch (*lvl) {
    case 0: case 1: case 2: return fz_alignup(fz_add((fz_sz){generous, 0}, (fz_sz){(size_t)fz_pick(in, 4) * ATTN_ALIGN, 0})).v;
    case 3: case 4: return need;
    case 5: return need >= ATTN_ALIGN ? need - ATTN_ALIGN : 0;
    case 6: return need ? (size_t)(fz_u32(in) % need) / ATTN_ALIGN * ATTN_ALIGN : 0;
    default: return (size_t)fz_pick(in, 3) * ATTN_ALIGN;
    }
}

/* What a structurally valid quantizer call must return: ATTN_ERR_ARENA
   when the store or scratch is short of its documented need, else
   ATTN_ERR_RANGE for a NaN or infinity in what it reads, else OK (or
   RANGE: the float stack can make an infinity, or a scale no multiplier
   can express). Scratch between the float stack's need and the generous
   size may be either. */
static void fz_q_expect(attn_status st, size_t store_free, size_t store_need, size_t scr_free,
                        size_t scr_need, int scr_lvl, int nonfinite)
{
    if (store_free < store_need || scr_free < scr_need) {
        FZ_STATUS(st, ATTN_ERR_ARENA);
        return;
    }
    if (st == ATTN_ERR_ARENA && scr_lvl >= 3) return; /* (scratch below the generous size) */
    if (nonfinite) {
        FZ_STATUS(st, ATTN_ERR_RANGE);
        return;
    }
    if (st != ATTN_ERR_RANGE) FZ_STATUS(st, ATTN_OK);
}

static void t_qencoder(fz_in *in)
{
    attn_encoder_cfg cfg = {0};
    attn_encoder_weights_f32 w;
    attn_encoder_layer_weights_f32 *lw;
    attn_encoder_s8_params *out;
    attn_qparams *in_q, *out_q;
    int wild = 0, seq, n_calib, nl, nla, l, nul = fz_pick(in, 48), cls, ccls, store_lvl, scr_lvl, d, ff, ok;
    float *calib;
    uint8_t *pad = NULL;
    fz_arena store, scr;
    fz_sz enc, sneed = {0, 0};
    size_t n, nc, scr_need = 0, store_free, scr_free;
    attn_status st, want;
    fz_fn = "attn_quantize_encoder_s8";
    cls = fz_pick(in, 3);
    ccls = fz_pick(in, 4);
    fz_qenc_cfg(in, &cfg, &wild);
    seq = fz_size(in, 4, &wild);
    n_calib = fz_pick(in, 24) ? 1 + fz_pick(in, 3) : fz_pick(in, 2) - 1;
    nl = fz_pick(in, 24) ? 1 + fz_pick(in, 2) : fz_pick(in, 2) - 1;
    enc = fz_enc_need(&cfg, seq);
    /* the documented order: every shape error (the int8 limits and n_calib
       too) before a range error */
    if (nul < 6) want = ATTN_ERR_NULL;
    else if (fz_qenc_shape(&cfg) || fz_qenc_shape8(&cfg) || fz_dim_bad(seq) || fz_dim_bad(nl) || fz_dim_bad(n_calib))
        want = ATTN_ERR_SHAPE;
    else if (fz_qenc_range(&cfg)) want = ATTN_ERR_RANGE;
    else if (enc.ovf) want = ATTN_ERR_TOO_LARGE;
    else want = ATTN_OK;
    if (want == ATTN_OK && wild) return;
    ok = want == ATTN_OK;
    d = ok ? cfg.d_model : 1;
    ff = ok ? cfg.d_ff : 1;
    n = ok ? (size_t)seq * (size_t)d : 1;
    nla = nl > 0 ? nl : 1;
    nc = (size_t)(n_calib > 0 ? n_calib : 1);
    lw = (attn_encoder_layer_weights_f32 *)fz_const((size_t)nla * (size_t)sizeof *lw);
    for (l = 0; l < nla; l++) fz_layer_w(in, &lw[l], d, ff, cls);
    w.layers = lw;
    w.n_layers = nl;
    w.final_norm = fz_pick(in, 2);
    w.norm_w = fz_wopt(in, (size_t)d, cls);
    w.norm_b = fz_wopt(in, (size_t)d, cls);
    calib = (float *)fz_const(nc * n * sizeof(float));
    fz_calib(in, calib, nc * n, ccls);
    if (fz_pick(in, 3) == 0) {
        pad = (uint8_t *)fz_const(nc * (ok ? (size_t)seq : 1));
        fz_fill_mask(in, pad, (int)(nc * (ok ? (size_t)seq : 1)));
    }
    if (ok) {
        sneed = fz_qstack(sneed, &cfg, &w);
        scr_need = fz_add(enc, fz_block((int)n, 1, 4)).v;
    }
    store_free = ok ? fz_q_free(in, sneed.v, sneed.v, &store_lvl) : (size_t)fz_pick(in, 3) * ATTN_ALIGN;
    scr_free = ok ? fz_q_free(in, scr_need, scr_need + (size_t)(nla + 2) * 256, &scr_lvl)
                  : (size_t)fz_pick(in, 3) * ATTN_ALIGN;
    fz_arena_from(in, &store, store_free);
    fz_arena_from(in, &scr, scr_free);
    out = (attn_encoder_s8_params *)fz_out(sizeof *out);
    in_q = (attn_qparams *)fz_out(sizeof *in_q);
    out_q = (attn_qparams *)fz_out(sizeof *out_q);
    if (nul == 6 && nl > 0) lw[0].ff2_w = NULL, want = ATTN_ERR_NULL;
    fz_snap();
    st = attn_quantize_encoder_s8(nul == 0 ? NULL : out, nul == 1 ? NULL : in_q, nul == 2 ? NULL : out_q,
                                  nul == 3 ? NULL : &cfg, nul == 4 ? NULL : &w, calib, pad, n_calib, seq,
                                  nul == 5 ? NULL : &store.a, &scr.a);
    /* on an error: *out, *in_q, *out_q and both arenas' used and high_water
       unchanged; the arenas' free memory too, unless the error came from
       the data (found while quantizing) */
    if (st == ATTN_ERR_RANGE && want == ATTN_OK) {
        fz_scratch(store.buf);
        fz_scratch(scr.buf);
    }
    fz_after(st == ATTN_OK);
    FZ_CHECK(scr.a.used == scr.before.used, "quantizer did not give the scratch back");
    if (st != ATTN_OK)
        FZ_CHECK(memcmp(&store.a, &store.before, sizeof store.a) == 0 && scr.a.high_water == scr.before.high_water,
                 "quantizer: an arena's used or high-water moved on an error");
    if (want != ATTN_OK) {
        FZ_STATUS(st, want);
        return;
    }
    fz_q_expect(st, store_free, sneed.v, scr_free, scr_need, scr_lvl,
                fz_nf_stack(&w, d, ff) || fz_nf(calib, nc * n));
    if (st != ATTN_OK) return;
    FZ_CHECK(store.a.used - store.before.used == sneed.v, "quantizer: store used is not the documented size");
    {
        fz_span s;
        size_t need;
        fz_arena run;
        int8_t *x;
        s.lo = store.a.base;
        s.hi = store.a.base + store.a.used;
        fz_stack_inside(&s, out, &cfg);
        FZ_CHECK(out->n_layers == nl && out->final_norm == w.final_norm, "quantized stack shape");
        FZ_CHECK(in_q->scale > 0.0f && fz_zp_ok(in_q->zero_point) && out_q->scale > 0.0f && fz_zp_ok(out_q->zero_point),
                 "quantizer made invalid input/output qparams");
        /* the int8 stack accepts them: quantized calibration sequence 0 */
        FZ_STATUS(attn_encoder_scratch_s8(&cfg, seq, &need), ATTN_OK);
        fz_arena_from(in, &run, need);
        x = (int8_t *)fz_out(n);
        FZ_STATUS(attn_quantize_s8(x, calib, (int)n, *in_q), ATTN_OK);
        fz_snap();
        FZ_STATUS(attn_encoder_s8(x, seq, pad, &cfg, out, &run.a), ATTN_OK);
        fz_after(1);
        fz_arena_after(&run, 1, need);
    }
}

/* attn_quantize_model_s8 (tok 0: features or patches) and
   attn_quantize_model_tokens_s8 (tok 1) */
static void t_qmodel(fz_in *in, int tok)
{
    attn_model_cfg cfg = {0};
    attn_model_weights_f32 w;
    attn_encoder_layer_weights_f32 *lw;
    attn_model_s8_params *out;
    int wild = 0, wseq = 0, seq, n_calib, nl, nla, l, nul = fz_pick(in, 64), cls, ccls, store_lvl, scr_lvl, d, ff, din, pe, ms, ok;
    int ncls, mseq, nf, rows, ids_ok = 1, avoc, aseg;
    float *calib = NULL;
    int *ctok = NULL, *cseg = NULL;
    uint8_t *pad = NULL;
    fz_arena store, scr;
    fz_sz need, sneed = {0, 0};
    size_t nin, nc, store_free, scr_free, k;
    attn_status st, want, shape, shape8, range;
    fz_fn = tok ? "attn_quantize_model_tokens_s8" : "attn_quantize_model_s8";
    cls = fz_pick(in, 3);
    ccls = fz_pick(in, 4);
    fz_qenc_cfg(in, &cfg.encoder, &wild);
    seq = fz_size(in, 4, &wseq);
    if (tok && wseq && seq > 0) return; /* (the ids are read before the sizes' checks) */
    wild |= wseq;
    n_calib = fz_pick(in, 24) ? 1 + fz_pick(in, 3) : fz_pick(in, 2) - 1;
    nl = fz_pick(in, 24) ? 1 + fz_pick(in, 2) : 0;
    fz_model_front(in, &cfg, seq, tok, fz_pick(in, 2) ? -1 : 32769, &wild);
    rows = seq + (cfg.cls_token != 0 && seq < INT_MAX);
    ms = fz_pick(in, 16);
    cfg.max_seq = ms == 0 ? fz_size(in, 6, &wild) : ms == 1 ? (1 << 28) : seq > 0 && seq < 64 ? rows + fz_pick(in, 3) : 8;
    cfg.encoder.window = fz_window(in, rows);
    pe = fz_pick(in, 32);
    cfg.position = (attn_position)(pe < 30 ? pe % 3 : pe == 30 ? 3 : -2);
    pe = fz_pick(in, 32);
    cfg.pooling = (attn_pooling)(pe < 30 ? pe % 3 : pe == 30 ? 3 : -1);
    cfg.n_classes = fz_size(in, 4, &wild);
    d = cfg.encoder.d_model;
    /* the float model's scratch (MEMORY, ATTN_MODEL_SCRATCH_EX_F32) + the
       classifier's logits + the position table (floats) */
    need = fz_model_need(&cfg, seq, 4, fz_enc_need(&cfg.encoder, rows));
    need = fz_add(need, fz_block(cfg.n_classes, 1, 4));
    if (cfg.position != ATTN_POS_NONE) need = fz_add(need, fz_block(cfg.max_seq, d, 4));
    shape = fz_qenc_shape(&cfg.encoder) || fz_model_shape_bad(&cfg, seq, tok) || fz_dim_bad(nl) ? ATTN_ERR_SHAPE
                                                                                               : ATTN_OK;
    shape8 = fz_qenc_shape8(&cfg.encoder) || cfg.d_in > 32768 ? ATTN_ERR_SHAPE : ATTN_OK;
    range = fz_qenc_range(&cfg.encoder) || (unsigned)cfg.position > 2u || (unsigned)cfg.pooling > 2u ? ATTN_ERR_RANGE
                                                                                                   : ATTN_OK;
    if (nul < 4) want = ATTN_ERR_NULL;
    else if (shape || shape8 || fz_dim_bad(n_calib)) want = ATTN_ERR_SHAPE;
    else if (range) want = ATTN_ERR_RANGE;
    else want = ATTN_OK; /* (then the ids, TOO_LARGE) */
    if (want == ATTN_OK && wild && !need.ovf) return;
    /* a long position table (max_seq 2^28): the scratch check must refuse
       it before reading anything */
    if (want == ATTN_OK && !need.ovf && cfg.position != ATTN_POS_NONE && (size_t)cfg.max_seq * (size_t)d > 4096) wild = 1;
    ok = want == ATTN_OK && !need.ovf && !wild;
    ff = ok ? cfg.encoder.d_ff : 1;
    din = ok ? (cfg.d_in > 0 ? cfg.d_in : d) : 1;
    ncls = ok ? cfg.n_classes : 1;
    mseq = ok ? cfg.max_seq : 1;
    avoc = ok && cfg.vocab > 0 ? cfg.vocab : 1;
    aseg = ok && cfg.n_segments > 0 ? cfg.n_segments : 1;
    if (!ok) d = 1;
    nin = ok ? (size_t)seq * (size_t)din : 1;
    nla = nl > 0 ? nl : 1;
    nc = (size_t)(n_calib > 0 ? n_calib : 1);
    memset(&w, 0, sizeof w);
    if (!tok && cfg.d_in > 0) {
        w.embed_w = fz_wbuf(in, (size_t)d * (size_t)din, cls);
        w.embed_b = fz_wopt(in, (size_t)d, cls);
    }
    if (cfg.position == ATTN_POS_LEARNED) w.pos = fz_wbuf(in, (size_t)mseq * (size_t)d, cls);
    lw = (attn_encoder_layer_weights_f32 *)fz_const((size_t)nla * (size_t)sizeof *lw);
    for (l = 0; l < nla; l++) fz_layer_w(in, &lw[l], d, ff, cls);
    w.encoder.layers = lw;
    w.encoder.n_layers = nl;
    w.encoder.final_norm = fz_pick(in, 2);
    w.encoder.norm_w = fz_wopt(in, (size_t)d, cls);
    w.encoder.norm_b = fz_wopt(in, (size_t)d, cls);
    w.cls_w = fz_wbuf(in, (size_t)ncls * (size_t)d, cls);
    w.cls_b = fz_wopt(in, (size_t)ncls, cls);
    if (cfg.cls_token) w.cls_token = fz_wbuf(in, (size_t)d, cls);
    if (cfg.pooling == ATTN_POOL_ATTENTION) w.pool_w = fz_wbuf(in, (size_t)d, cls);
    if (cfg.embed_norm) {
        w.embed_norm_w = fz_wopt(in, (size_t)d, cls);
        w.embed_norm_b = fz_wopt(in, (size_t)d, cls);
    }
    if (tok) {
        w.token_embed = fz_wbuf(in, (size_t)avoc * (size_t)d, cls);
        if (cfg.n_segments != 0) w.segment_embed = fz_wbuf(in, (size_t)aseg * (size_t)d, cls);
        k = nc * (size_t)(seq > 0 && !wseq ? seq : 1);
        ctok = (int *)fz_const(k * sizeof(int));
        ids_ok = fz_ids(in, ctok, (int)k, cfg.vocab);
        if (fz_pick(in, 3)) {
            cseg = (int *)fz_const(k * sizeof(int));
            if (!fz_ids(in, cseg, (int)k, cfg.n_segments) && cfg.n_segments > 0) ids_ok = 0;
        }
    } else {
        calib = (float *)fz_const(nc * nin * sizeof(float));
        fz_calib(in, calib, nc * nin, ccls);
    }
    if (want == ATTN_OK && !ids_ok) want = ATTN_ERR_RANGE;
    if (want == ATTN_OK && need.ovf) want = ATTN_ERR_TOO_LARGE;
    if (fz_pick(in, 3) == 0) {
        k = nc * (ok ? (size_t)seq : 1);
        pad = (uint8_t *)fz_const(k);
        fz_fill_mask(in, pad, (int)k);
    }
    if (ok) { /* the store, in the documented blocks */
        if (cfg.position != ATTN_POS_NONE) sneed = fz_add(sneed, fz_block(cfg.max_seq, d, 1));
        if (!tok && cfg.d_in > 0) sneed = fz_qlin(sneed, din, d, w.embed_b);
        if (tok) {
            sneed = fz_add(sneed, fz_block(cfg.vocab, d, 1));
            if (cfg.n_segments > 0) sneed = fz_add(sneed, fz_block(cfg.n_segments, d, 1));
        }
        if (cfg.cls_token) sneed = fz_add(sneed, fz_block(d, 1, 1));
        if (cfg.cls_token && cfg.encoder.norm_first && !cfg.embed_norm) /* its own encoding */
            sneed = fz_add(fz_add(fz_add(sneed, fz_block(1, sizeof(attn_cls_row_s8_params), 1)),
                                  fz_block(w.encoder.n_layers, sizeof(attn_cls_layer_s8_params), 1)),
                           fz_block(d, 1, 1));
        if (cfg.embed_norm) sneed = fz_qnorm(sneed, d);
        if (cfg.pooling == ATTN_POOL_ATTENTION) sneed = fz_add(sneed, fz_block(d, 1, 1));
        sneed = fz_qstack(sneed, &cfg.encoder, &w.encoder);
        sneed = fz_qlin(sneed, d, cfg.n_classes, w.cls_b);
    }
    store_free = ok ? fz_q_free(in, sneed.v, sneed.v, &store_lvl) : (size_t)fz_pick(in, 3) * ATTN_ALIGN;
    /* (generous: the float model's need, the quantizer's ranges and the
       result it builds in the scratch) */
    scr_free = ok ? fz_q_free(in, need.v, need.v + (size_t)(nla + 2) * 256 + ATTN_ALIGN_UP(sizeof(attn_model_s8_params)),
                              &scr_lvl)
                  : (size_t)fz_pick(in, 8) * ATTN_ALIGN;
    fz_arena_from(in, &store, store_free);
    fz_arena_from(in, &scr, scr_free);
    if (want == ATTN_OK && wild) want = ATTN_ERR_ARENA; /* (the long table's scratch) */
    /* a required weight missing */
    if (nul == 4) w.cls_w = NULL, want = ATTN_ERR_NULL;
    if (nul == 5 && cfg.position == ATTN_POS_LEARNED) w.pos = NULL, want = ATTN_ERR_NULL;
    if (nul == 6 && !tok && cfg.d_in != 0) w.embed_w = NULL, want = ATTN_ERR_NULL;
    if (nul == 7 && cfg.cls_token) w.cls_token = NULL, want = ATTN_ERR_NULL;
    if (nul == 8 && cfg.pooling == ATTN_POOL_ATTENTION) w.pool_w = NULL, want = ATTN_ERR_NULL;
    if (nul == 9 && tok) w.token_embed = NULL, want = ATTN_ERR_NULL;
    if (nul == 10 && tok && cfg.n_segments != 0) w.segment_embed = NULL, want = ATTN_ERR_NULL;
    if (!tok && cfg.d_in < 0) want = ATTN_ERR_NULL; /* (embed_w, required for d_in != 0, is not there) */
    if (nul == 11) calib = NULL, ctok = NULL, want = ATTN_ERR_NULL;
    out = (attn_model_s8_params *)fz_out(sizeof *out);
    fz_snap();
    if (tok)
        st = attn_quantize_model_tokens_s8(nul == 0 ? NULL : out, nul == 1 ? NULL : &cfg, nul == 2 ? NULL : &w, ctok,
                                           cseg, pad, n_calib, seq, nul == 3 ? NULL : &store.a, &scr.a);
    else
        st = attn_quantize_model_s8(nul == 0 ? NULL : out, nul == 1 ? NULL : &cfg, nul == 2 ? NULL : &w, calib, pad,
                                    n_calib, seq, nul == 3 ? NULL : &store.a, &scr.a);
    if (st == ATTN_ERR_RANGE && want == ATTN_OK) {
        fz_scratch(store.buf);
        fz_scratch(scr.buf);
    }
    fz_after(st == ATTN_OK);
    FZ_CHECK(scr.a.used == scr.before.used, "quantizer did not give the scratch back");
    if (st != ATTN_OK)
        FZ_CHECK(memcmp(&store.a, &store.before, sizeof store.a) == 0 && scr.a.high_water == scr.before.high_water,
                 "quantizer: an arena's used or high-water moved on an error");
    if (want != ATTN_OK) {
        FZ_STATUS(st, want);
        return;
    }
    nf = fz_nf_stack(&w.encoder, d, ff) || fz_nf(calib, calib ? nc * nin : 0) || fz_nf(w.cls_w, (size_t)ncls * (size_t)d) ||
         fz_nf(w.cls_b, (size_t)ncls) ||
         (!tok && cfg.d_in > 0 && (fz_nf(w.embed_w, (size_t)d * (size_t)din) || fz_nf(w.embed_b, (size_t)d))) ||
         (cfg.position == ATTN_POS_LEARNED && fz_nf(w.pos, (size_t)mseq * (size_t)d)) || fz_nf(w.cls_token, (size_t)d) ||
         fz_nf(w.pool_w, (size_t)d) || fz_nf(w.embed_norm_w, (size_t)d) || fz_nf(w.embed_norm_b, (size_t)d) ||
         fz_nf(w.token_embed, (size_t)avoc * (size_t)d) || (cfg.n_segments > 0 && fz_nf(w.segment_embed, (size_t)aseg * (size_t)d));
    fz_q_expect(st, store_free, sneed.v, scr_free, need.v, scr_lvl, nf);
    if (st != ATTN_OK) return;
    FZ_CHECK(store.a.used - store.before.used == sneed.v, "quantizer: store used is not the documented size");
    {
        fz_span sp;
        size_t rneed;
        fz_arena run;
        int8_t *x = NULL, *logits;
        attn_qparams q;
        sp.lo = store.a.base;
        sp.hi = store.a.base + store.a.used;
        fz_stack_inside(&sp, &out->encoder, &cfg.encoder);
        fz_lin_inside(&sp, &out->cls, d, cfg.n_classes);
        if (!tok && cfg.d_in > 0) fz_lin_inside(&sp, &out->embed, cfg.d_in, d);
        if (cfg.position != ATTN_POS_NONE) fz_inside(&sp, out->pos, (size_t)cfg.max_seq * (size_t)d, 1);
        fz_inside(&sp, out->cls_token, (size_t)d, cfg.cls_token != 0);
        {
            int own = cfg.cls_token && cfg.encoder.norm_first && !cfg.embed_norm;
            FZ_CHECK(own || !out->cls_row, "quantizer made a CLS row encoding the model does not read");
            fz_inside(&sp, out->cls_row, sizeof(attn_cls_row_s8_params), own);
            if (own && out->cls_row) {
                fz_inside(&sp, out->cls_row->x0, (size_t)d, 1);
                fz_inside(&sp, out->cls_row->layers,
                          (size_t)w.encoder.n_layers * sizeof(attn_cls_layer_s8_params), 1);
            }
        }
        fz_inside(&sp, out->pool_w, (size_t)d, cfg.pooling == ATTN_POOL_ATTENTION);
        if (cfg.pooling == ATTN_POOL_ATTENTION)
            FZ_CHECK(fz_zp_ok(out->pool.q_zp) && fz_zp_ok(out->pool.k_zp) && fz_zp_ok(out->pool.v_zp) &&
                         fz_zp_ok(out->pool.out_zp),
                     "quantizer made attention pooling zero points out of range");
        if (cfg.embed_norm) {
            fz_inside(&sp, out->embed_norm.gamma, (size_t)d * sizeof(attn_qmul), 1);
            fz_inside(&sp, out->embed_norm.beta, (size_t)d * sizeof(int32_t), 0);
        }
        fz_inside(&sp, out->token_embed, (size_t)cfg.vocab * (size_t)d, tok);
        fz_inside(&sp, out->segment_embed, (size_t)cfg.n_segments * (size_t)d, tok && cfg.n_segments > 0);
        FZ_CHECK(out->in_scale > 0.0f && fz_zp_ok(out->in_zp) && out->logit_scale > 0.0f && fz_zp_ok(out->logit_zp),
                 "quantizer made invalid input/logit qparams");
        /* the int8 model accepts them, on calibration sequence 0 */
        FZ_STATUS(attn_model_scratch_s8(&cfg, seq, &rneed), ATTN_OK);
        fz_arena_from(in, &run, rneed);
        logits = (int8_t *)fz_out((size_t)cfg.n_classes);
        if (!tok) {
            x = (int8_t *)fz_out(nin);
            q.scale = out->in_scale;
            q.zero_point = out->in_zp;
            FZ_STATUS(attn_quantize_s8(x, calib, (int)nin, q), ATTN_OK);
        }
        fz_snap();
        if (tok) FZ_STATUS(attn_model_tokens_s8(logits, ctok, cseg, seq, pad, &cfg, out, &run.a), ATTN_OK);
        else FZ_STATUS(attn_model_s8(logits, x, seq, pad, &cfg, out, &run.a), ATTN_OK);
        fz_after(1);
        fz_arena_after(&run, 1, rneed);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_begin(&in, data, size);
    switch (fz_pick(&in, 8)) {
    case 0: t_multiplier(&in); break;
    case 1: t_qparams(&in); break;
    case 2: t_quantize(&in); break;
    case 3: case 4: t_qencoder(&in); break;
    case 5: case 6: t_qmodel(&in, 0); break;
    default: t_qmodel(&in, 1); break;
    }
    fz_free_all();
    return 0;
}
