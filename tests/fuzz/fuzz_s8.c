/* fuzz_s8.c - libFuzzer target for the int8 API of attention.h.

   The input picks one public function and decodes its arguments: shapes
   (small, at the documented limits - a linear's in 32768, layer norm width
   2048, attention d_model 32768 - or wild), quantization parameters inside
   the limits or at and beyond them (multipliers INT32_MIN/INT32_MAX/0/-1,
   shifts -34..33, INT32_MIN, INT32_MAX; zero points -129/128 and far out;
   eps 0, 1, INT64_MAX; act_min > act_max), either one field broken and the
   rest valid or several, int8 data at -128/127, masks, NULL pointers and
   arenas near the documented need. Checks (see fuzz_f32.c for the common
   ones: status order, canaries, nothing written on error, scratch ==
   macro == high-water):
     - requantize, relu, lut, add, linear, fused bias and mean pooling
       against int64 references of INT8 ARITHMETIC, bit for bit;
     - softmax: monotone in the input for a multiplier >= 0, probabilities
       summing to 256/256 within the roundings; layer norm of a constant
       row = clamp(out_zp + round(beta / 2^16)); attention with every key
       masked = clamp(out_zp);
     - in place == out of place, the same bytes twice, a stack == its
       layers one at a time, a pre-norm layer == its steps (layer norm,
       attention, residual add, feed-forward by the public kernels), the
       model == embed, position add, stack, pool, classifier;
     - local attention (windows as in fuzz_f32.c): a causal or windowed
       sdpa/mha row == that query alone with the unseen keys padded, a
       windowed layer's row == the layer on the rows it sees alone, bit for
       bit; the front ends (features, patches, tokens + segments), the CLS
       row, the embedding LayerNorm and attention pooling: status, scratch
       == ATTN_MODEL_SCRATCH_EX_S8, and the model == its parts by the public
       kernels; attn_pool_attention_s8 == attn_sdpa_s8 of w against x.
   Where ATTN_ERR_RANGE and ATTN_ERR_TOO_LARGE both apply to a kernel without
   arrays of parameters (softmax, pooling, attention), either is accepted;
   the others read their per-channel arrays only once the sizes are known to
   fit, and give ATTN_ERR_TOO_LARGE first. */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "fuzz.h"

/* RANGE and TOO_LARGE both apply: either */
#define FZ_STATUS2(got, want, alt)                                                        \
    do {                                                                                  \
        attn_status h_ = (got);                                                           \
        if (h_ != (alt)) FZ_STATUS(h_, want);                                             \
    } while (0)

typedef int64_t i64;

/* ---- which fields are valid ---------------------------------------------------
   Each quantization field drawn in a case has a number; in one mode exactly
   field fz_bad_field is drawn invalid (so every single missing check would
   show), in another each with probability fz_bad_rate/256. */
static int fz_field, fz_bad_field, fz_bad_rate;

static void fz_fields_begin(fz_in *in)
{
    int mode = fz_pick(in, 8);
    fz_field = 0;
    fz_bad_field = mode == 6 ? (int)(fz_u16(in) % 600u) : -1;
    fz_bad_rate = mode == 7 ? 1 + fz_pick(in, 16) : 0;
}
static int fz_v(fz_in *in)
{
    int k = fz_field++;
    if (k == fz_bad_field) return 0;
    return !(fz_bad_rate && fz_chance(in, fz_bad_rate));
}
static attn_qmul fz_q(fz_in *in)
{
    int valid = fz_v(in);
    return fz_pick(in, 2) ? fz_qmul(in, valid, -12, 2) : fz_qmul(in, valid, -31, 30);
}
static int32_t fz_z(fz_in *in) { return fz_zp(in, fz_v(in)); }

/* ---- int64 references of INT8 ARITHMETIC ------------------------------------------ */

static int32_t sat32(i64 v) { return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v; }
static int32_t clampv(i64 v, i64 lo, i64 hi) { return (int32_t)(v < lo ? lo : v > hi ? hi : v); }

/* requant(x, m): saturating left shift, rounding doubling high multiply
   (ties up), rounding right shift (ties away from zero) */
static int32_t ref_requant(int32_t x, attn_qmul m)
{
    i64 v = x, p, h;
    if (m.shift > 0) v = sat32(v * ((i64)1 << m.shift));
    p = v * m.multiplier;
    h = sat32((p + (p >= 0 ? ((i64)1 << 30) : 1 - ((i64)1 << 30))) / ((i64)1 << 31));
    if (m.shift < 0) {
        int n = -m.shift;
        i64 a = h < 0 ? -h : h;
        a = (a + ((i64)1 << (n - 1))) >> n;
        h = h < 0 ? -a : a;
    }
    return (int32_t)h;
}

static int fz_lin_ptrs(const attn_linear_s8_params *p) { return p->w && p->requant; }
static int fz_qmuls_ok(const attn_qmul *q, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (!fz_qmul_ok(q[i])) return 0;
    return 1;
}
static int fz_lin_ok(const attn_linear_s8_params *p, int out)
{
    return fz_zp_ok(p->in_zp) && fz_zp_ok(p->out_zp) && p->act_min >= -128 && p->act_max <= 127 &&
           p->act_min <= p->act_max && fz_qmuls_ok(p->requant, out);
}
static int fz_add_ok(const attn_add_s8_params *p)
{
    return fz_zp_ok(p->a_zp) && fz_zp_ok(p->b_zp) && fz_zp_ok(p->out_zp) && fz_qmul_ok(p->a_mul) &&
           fz_qmul_ok(p->b_mul) && fz_qmul_ok(p->out_mul);
}
static int fz_norm_ok(const attn_layernorm_s8_params *p, int d)
{
    return fz_zp_ok(p->out_zp) && p->eps >= 1 && fz_qmuls_ok(p->gamma, d);
}
static int fz_sdpa_ok(const attn_sdpa_s8_params *p)
{
    return fz_zp_ok(p->q_zp) && fz_zp_ok(p->k_zp) && fz_zp_ok(p->v_zp) && fz_zp_ok(p->out_zp) &&
           fz_qmul_ok(p->score_mul) && fz_qmul_ok(p->ctx_mul);
}
static int fz_mha_ptrs(const attn_mha_s8_params *p)
{
    return fz_lin_ptrs(&p->q) && fz_lin_ptrs(&p->k) && fz_lin_ptrs(&p->v) && fz_lin_ptrs(&p->o);
}
/* the projections' and attention's zero points must agree */
static int fz_mha_ok(const attn_mha_s8_params *p, int d)
{
    return fz_lin_ok(&p->q, d) && fz_lin_ok(&p->k, d) && fz_lin_ok(&p->v, d) && fz_lin_ok(&p->o, d) &&
           fz_sdpa_ok(&p->sdpa) && p->sdpa.q_zp == p->q.out_zp && p->sdpa.k_zp == p->k.out_zp &&
           p->sdpa.v_zp == p->v.out_zp && p->sdpa.out_zp == p->o.in_zp;
}
static int fz_layer_ptrs(const attn_encoder_layer_s8_params *p, attn_activation act)
{
    return fz_mha_ptrs(&p->attn) && fz_lin_ptrs(&p->ff1) && fz_lin_ptrs(&p->ff2) && p->norm1.gamma &&
           p->norm2.gamma && (act == ATTN_ACT_RELU || p->gelu_table);
}
/* INT8 ARITHMETIC: a post-norm layer's add whose wide sum can reach 2^19
   (max over int8 a of |requant(a - a_zp, a_mul)|, plus the same for b) is
   ATTN_ERR_RANGE (for a valid add) */
static i64 fz_term_bound(int32_t zp, attn_qmul m)
{
    i64 hi = ref_requant(127 - zp, m), lo = ref_requant(-128 - zp, m);
    hi = hi < 0 ? -hi : hi;
    lo = lo < 0 ? -lo : lo;
    return hi > lo ? hi : lo;
}
static int fz_wide_ok(const attn_add_s8_params *p)
{
    return fz_term_bound(p->a_zp, p->a_mul) + fz_term_bound(p->b_zp, p->b_mul) < ((i64)1 << 19);
}
static int fz_layer_ok(const attn_encoder_layer_s8_params *p, const attn_encoder_cfg *c)
{
    return fz_mha_ok(&p->attn, c->d_model) && fz_add_ok(&p->add1) && fz_add_ok(&p->add2) &&
           fz_norm_ok(&p->norm1, c->d_model) && fz_norm_ok(&p->norm2, c->d_model) &&
           fz_lin_ok(&p->ff1, c->d_ff) && fz_lin_ok(&p->ff2, c->d_model) &&
           (c->norm_first || (fz_wide_ok(&p->add1) && fz_wide_ok(&p->add2)));
}
static int fz_stack_ptrs(const attn_encoder_s8_params *p, attn_activation act)
{
    int l;
    if (!p->layers || (p->final_norm && !p->norm.gamma)) return 0;
    for (l = 0; l < p->n_layers; l++)
        if (!fz_layer_ptrs(&p->layers[l], act)) return 0;
    return 1;
}
static int fz_stack_ok(const attn_encoder_s8_params *p, const attn_encoder_cfg *c)
{
    int l;
    for (l = 0; l < p->n_layers; l++)
        if (!fz_layer_ok(&p->layers[l], c)) return 0;
    return !p->final_norm || fz_norm_ok(&p->norm, c->d_model);
}

static void ref_linear(int8_t *y, const int8_t *x, const attn_linear_s8_params *p, int rows, int in,
                       int out)
{
    int r, o, i;
    for (r = 0; r < rows; r++)
        for (o = 0; o < out; o++) {
            const int8_t *xr = x + (size_t)r * (size_t)in, *wo = p->w + (size_t)o * (size_t)in;
            i64 acc = 0;
            if (p->fused_bias) {
                acc = p->fused_bias[o];
                for (i = 0; i < in; i++) acc += (i64)xr[i] * wo[i];
            } else {
                acc = p->bias ? p->bias[o] : 0;
                for (i = 0; i < in; i++) acc += (i64)(xr[i] - p->in_zp) * wo[i];
            }
            y[(size_t)r * (size_t)out + (size_t)o] =
                (int8_t)clampv((i64)p->out_zp + ref_requant(sat32(acc), p->requant[o]), p->act_min, p->act_max);
        }
}

static int32_t ref_add_wide(int8_t a, int8_t b, const attn_add_s8_params *p)
{
    return sat32((i64)ref_requant(a - p->a_zp, p->a_mul) + ref_requant(b - p->b_zp, p->b_mul));
}
static int8_t ref_add(int8_t a, int8_t b, const attn_add_s8_params *p)
{
    return (int8_t)clampv((i64)p->out_zp + ref_requant(ref_add_wide(a, b, p), p->out_mul), -128, 127);
}

/* ---- parameters from the input ---------------------------------------------------------- */

static int32_t fz_i32(fz_in *in)
{
    static const int32_t sp[] = {INT32_MAX, INT32_MIN, 0, 1, -1, 1 << 30, -(1 << 30), 1 << 20,
                                 -(1 << 20), 65536, -32768};
    if (fz_chance(in, 48)) return sp[fz_pick(in, (int)(sizeof sp / sizeof sp[0]))];
    return (int32_t)fz_u32(in) >> fz_pick(in, 24);
}

static attn_qmul *fz_qmuls(fz_in *in, int n)
{
    attn_qmul *q = (attn_qmul *)fz_const((size_t)n * (size_t)sizeof *q);
    int i;
    attn_qmul one = fz_q(in);
    int same = fz_pick(in, 2);
    for (i = 0; i < n; i++) {
        if (i == 0) q[i] = one;
        else if (same) q[i] = fz_v(in) ? one : fz_qmul(in, 0, -31, 30); /* a per-channel outlier */
        else q[i] = fz_q(in);
    }
    return q;
}

/* a linear layer's parameters; *mismatch: its fused_bias is not derived */
static void fz_lin(fz_in *in, attn_linear_s8_params *p, int n_in, int n_out, int *mismatch)
{
    int8_t *w = (int8_t *)fz_const((size_t)n_out * (size_t)n_in);
    int mode;
    fz_fill_s8(in, w, (size_t)n_out * (size_t)n_in);
    memset(p, 0, sizeof *p);
    p->w = w;
    if (fz_pick(in, 4)) {
        int32_t *b = (int32_t *)fz_const((size_t)n_out * sizeof(int32_t));
        int o;
        for (o = 0; o < n_out; o++) b[o] = fz_i32(in);
        p->bias = b;
    }
    p->requant = fz_qmuls(in, n_out);
    p->in_zp = fz_z(in);
    p->out_zp = fz_z(in);
    switch (fz_pick(in, 4)) {
    case 0: /* a fused ReLU */
        p->act_min = p->out_zp;
        p->act_max = 127;
        break;
    case 1:
        p->act_min = (int32_t)(int8_t)fz_u8(in);
        p->act_max = p->act_min + fz_pick(in, 128 - p->act_min);
        break;
    default:
        p->act_min = -128;
        p->act_max = 127;
        break;
    }
    if (!fz_v(in)) {
        static const int32_t bad[][2] = {{-129, 127}, {-128, 128}, {5, 4}, {INT32_MIN, INT32_MAX}, {127, -128}};
        int k = fz_pick(in, 5);
        p->act_min = bad[k][0];
        p->act_max = bad[k][1];
    }
    mode = fz_pick(in, 8);
    if (mode >= 2 && mode <= 6) { /* derived, as the quantizer does */
        int32_t *f = (int32_t *)fz_const((size_t)n_out * sizeof(int32_t));
        if (attn_linear_fuse_bias_s8(f, p, n_in, n_out) == ATTN_OK) p->fused_bias = f;
    } else if (mode == 7) { /* not derived: caller error, but still defined */
        int32_t *f = (int32_t *)fz_const((size_t)n_out * sizeof(int32_t));
        int o;
        for (o = 0; o < n_out; o++) f[o] = fz_i32(in);
        p->fused_bias = f;
        if (mismatch) *mismatch = 1;
    }
}

static void fz_add_params(fz_in *in, attn_add_s8_params *p)
{
    p->a_zp = fz_z(in);
    p->b_zp = fz_z(in);
    p->a_mul = fz_q(in);
    p->b_mul = fz_q(in);
    p->out_mul = fz_q(in);
    p->out_zp = fz_z(in);
}

/* Mostly a post-norm layer's adds are made to pass the wide-sum rule (each
   term below 2^18, so that the layer runs); the rest are left as drawn, at
   and past the limit, for the check to refuse. */
static void fz_tame_add(attn_add_s8_params *p)
{
    attn_qmul *m[2];
    int32_t zp[2];
    int i;
    m[0] = &p->a_mul;
    m[1] = &p->b_mul;
    zp[0] = p->a_zp;
    zp[1] = p->b_zp;
    for (i = 0; i < 2; i++) {
        if (!fz_qmul_ok(*m[i]) || !fz_zp_ok(zp[i])) continue;
        while (m[i]->shift > -31 && fz_term_bound(zp[i], *m[i]) >= (1 << 18)) m[i]->shift--;
    }
}

static void fz_norm_params(fz_in *in, attn_layernorm_s8_params *p, int d)
{
    static const i64 eps[] = {1, 2, 100, 1 << 20, (i64)1 << 40, ((i64)1 << 61) - 1, (i64)1 << 61,
                              ((i64)1 << 62) - 1, (i64)1 << 62, INT64_MAX};
    static const i64 bad[] = {0, -1, INT64_MIN, -((i64)1 << 40)};
    int c;
    p->gamma = fz_qmuls(in, d);
    p->beta = NULL;
    if (fz_pick(in, 3)) {
        int32_t *b = (int32_t *)fz_const((size_t)d * sizeof(int32_t));
        for (c = 0; c < d; c++) b[c] = fz_i32(in);
        p->beta = b;
    }
    p->eps = fz_pick(in, 3) ? (i64)(fz_u32(in) >> fz_pick(in, 32)) + 1 : eps[fz_pick(in, 10)];
    if (!fz_v(in)) p->eps = bad[fz_pick(in, 4)];
    p->out_zp = fz_z(in);
}

static void fz_sdpa_params(fz_in *in, attn_sdpa_s8_params *p)
{
    p->q_zp = fz_z(in);
    p->k_zp = fz_z(in);
    p->v_zp = fz_z(in);
    p->score_mul = fz_q(in);
    p->ctx_mul = fz_q(in);
    p->out_zp = fz_z(in);
}

static void fz_mha_params(fz_in *in, attn_mha_s8_params *p, int d, int *mismatch)
{
    fz_lin(in, &p->q, d, d, mismatch);
    fz_lin(in, &p->k, d, d, mismatch);
    fz_lin(in, &p->v, d, d, mismatch);
    fz_lin(in, &p->o, d, d, mismatch);
    fz_sdpa_params(in, &p->sdpa);
    /* valid: the zero points agree */
    if (fz_v(in)) p->sdpa.q_zp = p->q.out_zp;
    if (fz_v(in)) p->sdpa.k_zp = p->k.out_zp;
    if (fz_v(in)) p->sdpa.v_zp = p->v.out_zp;
    if (fz_v(in)) p->sdpa.out_zp = p->o.in_zp;
}

static void fz_layer_params(fz_in *in, attn_encoder_layer_s8_params *p, const attn_encoder_cfg *c,
                            int d, int ff, int *mismatch)
{
    memset(p, 0, sizeof *p);
    fz_mha_params(in, &p->attn, d, mismatch);
    fz_add_params(in, &p->add1);
    fz_norm_params(in, &p->norm1, d);
    fz_lin(in, &p->ff1, d, ff, mismatch);
    p->gelu_table = NULL;
    if (c->activation != ATTN_ACT_RELU || fz_pick(in, 4) == 0) {
        int8_t *t = (int8_t *)fz_const(256);
        fz_fill_s8(in, t, 256);
        p->gelu_table = t;
    }
    fz_lin(in, &p->ff2, ff, d, mismatch);
    fz_add_params(in, &p->add2);
    fz_norm_params(in, &p->norm2, d);
    if (!c->norm_first && fz_pick(in, 4)) {
        fz_tame_add(&p->add1);
        fz_tame_add(&p->add2);
    }
}

/* one of a layer's required pointers set to NULL (k = 1..13; else none) */
static void fz_layer_drop(attn_encoder_layer_s8_params *p, int k)
{
    switch (k) {
    case 1: p->attn.q.w = NULL; break;
    case 2: p->attn.k.requant = NULL; break;
    case 3: p->attn.v.w = NULL; break;
    case 4: p->attn.o.requant = NULL; break;
    case 5: p->ff1.w = NULL; break;
    case 6: p->ff1.requant = NULL; break;
    case 7: p->ff2.w = NULL; break;
    case 8: p->ff2.requant = NULL; break;
    case 9: p->norm1.gamma = NULL; break;
    case 10: p->norm2.gamma = NULL; break;
    case 11: p->gelu_table = NULL; break;
    case 12: p->attn.q.requant = NULL; break;
    case 13: p->attn.k.w = NULL; break;
    default: break;
    }
}

/* sizes: small, or at a documented limit (buffers are allocated), or wild */
static int fz_size_l(fz_in *in, int max, int limit, int *wild)
{
    if (limit && fz_pick(in, 64) == 0) return limit;
    return fz_size(in, max, wild);
}

/* ---- element-wise and leaf ops ---------------------------------------------------------- */

static void t_requantize(fz_in *in)
{
    static const int32_t xs[] = {INT32_MIN, INT32_MAX, 0, 1, -1, 255, -255, 1 << 30, -(1 << 30),
                                 INT32_MIN + 1, 46341, -46341};
    int32_t *y = (int32_t *)fz_out(sizeof(int32_t)), x;
    attn_qmul m = fz_qmul(in, fz_pick(in, 4) != 0, -31, 30);
    int nul = fz_pick(in, 32) == 0;
    attn_status st;
    fz_fn = "attn_requantize";
    x = fz_pick(in, 4) == 0 ? xs[fz_pick(in, (int)(sizeof xs / sizeof xs[0]))] : (int32_t)fz_u32(in);
    *y = 12345;
    fz_snap();
    st = attn_requantize(nul ? NULL : y, x, m);
    fz_after(1); /* documented: *y = 0 on a range error */
    if (nul) {
        FZ_STATUS(st, ATTN_ERR_NULL);
        FZ_CHECK(*y == 12345, "requantize wrote through NULL?");
        return;
    }
    if (!fz_qmul_ok(m)) {
        FZ_STATUS(st, ATTN_ERR_RANGE);
        FZ_CHECK(*y == 0, "requantize: *y not 0 after ATTN_ERR_RANGE");
        return;
    }
    FZ_STATUS(st, ATTN_OK);
    FZ_CHECK(*y == ref_requant(x, m), "requantize != the INT8 ARITHMETIC reference");
}

static void t_elementwise(fz_in *in)
{
    int wild = 0, n = fz_size(in, 40, &wild), which = fz_pick(in, 3), nul = fz_pick(in, 40), i;
    int8_t *y, *y2, *x, *b = NULL, *t = NULL;
    int32_t zp = 0;
    attn_add_s8_params *ap = NULL;
    attn_status st, want;
    size_t an = wild ? 1 : (size_t)n;
    fz_fields_begin(in);
    fz_fn = which == 0 ? "attn_relu_s8" : which == 1 ? "attn_lut_s8" : "attn_add_s8";
    y = (int8_t *)fz_out(an);
    y2 = (int8_t *)fz_out(an);
    x = (int8_t *)fz_const(an);
    fz_fill_s8(in, x, an);
    if (which == 0) zp = fz_z(in);
    if (which == 1) {
        t = (int8_t *)fz_const(256);
        fz_fill_s8(in, t, 256);
    }
    if (which == 2) {
        b = (int8_t *)fz_const(an);
        fz_fill_s8(in, b, an);
        ap = (attn_add_s8_params *)fz_const(sizeof *ap);
        fz_add_params(in, ap);
    }
    if (nul < 2 || (nul == 2 && which)) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(n)) want = ATTN_ERR_SHAPE;
    else if ((which == 0 && !fz_zp_ok(zp)) || (which == 2 && !fz_add_ok(ap))) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    fz_snap();
    if (which == 0) st = attn_relu_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, n, zp);
    else if (which == 1) st = attn_lut_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, n, nul == 2 ? NULL : t);
    else st = attn_add_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, b, n, nul == 2 ? NULL : ap);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    for (i = 0; i < n; i++) {
        int8_t r = which == 0 ? (x[i] < zp ? (int8_t)zp : x[i]) : which == 1 ? t[x[i] + 128] : ref_add(x[i], b[i], ap);
        FZ_CHECK(y[i] == r, "element-wise op != the INT8 ARITHMETIC reference");
    }
    /* in place: y == x (and for add, y == b) */
    memcpy(y2, x, an);
    fz_snap();
    if (which == 0) st = attn_relu_s8(y2, y2, n, zp);
    else if (which == 1) st = attn_lut_s8(y2, y2, n, t);
    else if (fz_pick(in, 2)) st = attn_add_s8(y2, y2, b, n, ap);
    else {
        memcpy(y2, b, an);
        st = attn_add_s8(y2, x, y2, n, ap);
    }
    fz_after(1);
    FZ_STATUS(st, ATTN_OK);
    FZ_CHECK(memcmp(y, y2, an) == 0, "in place differs from out of place");
}

static void t_linear(fz_in *in)
{
    int wild = 0, rows, n_in, n_out, nul = fz_pick(in, 40), mismatch = 0;
    int8_t *y, *y2, *x, *ref;
    attn_linear_s8_params *p;
    attn_status st, want;
    size_t ax, ay, aw;
    fz_fn = "attn_linear_s8";
    fz_fields_begin(in);
    rows = fz_size(in, 5, &wild);
    n_in = fz_size_l(in, 40, 32768, &wild);
    n_out = fz_size(in, 12, &wild);
    if (n_in == 32768 && !wild) rows = n_out = 1 + fz_pick(in, 2);
    ax = wild ? 1 : (size_t)rows * (size_t)n_in;
    ay = wild ? 1 : (size_t)rows * (size_t)n_out;
    aw = wild ? 1 : (size_t)n_in;
    y = (int8_t *)fz_out(ay);
    y2 = (int8_t *)fz_out(ay);
    ref = (int8_t *)fz_out(ay);
    x = (int8_t *)fz_const(ax);
    fz_fill_s8(in, x, ax);
    p = (attn_linear_s8_params *)fz_const(sizeof *p);
    fz_lin(in, p, (int)aw, wild ? 1 : n_out, &mismatch);
    if (nul == 3) p->w = NULL;
    if (nul == 4) p->requant = NULL;
    if (nul < 5) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(rows) || fz_dim_bad(n_in) || fz_dim_bad(n_out) || n_in > 32768) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(rows, n_in, 1).ovf || fz_bytes(rows, n_out, 1).ovf || fz_bytes(n_out, n_in, 1).ovf)
        want = ATTN_ERR_TOO_LARGE;
    else if (wild) return; /* the value checks would read requant[n_out] */
    else if (!fz_lin_ok(p, n_out)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    fz_snap();
    st = attn_linear_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, nul == 2 ? NULL : p, rows, n_in, n_out);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    fz_snap();
    FZ_STATUS(attn_linear_s8(y2, x, p, rows, n_in, n_out), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(y, y2, ay) == 0, "linear: two calls, different bytes");
    ref_linear(ref, x, p, rows, n_in, n_out);
    FZ_CHECK(memcmp(y, ref, ay) == 0, "linear != the INT8 ARITHMETIC reference");
    if (p->fused_bias && !mismatch) { /* the same integers without it */
        attn_linear_s8_params q = *p;
        q.fused_bias = NULL;
        fz_snap();
        FZ_STATUS(attn_linear_s8(y2, x, &q, rows, n_in, n_out), ATTN_OK);
        fz_after(1);
        FZ_CHECK(memcmp(y, y2, ay) == 0, "linear: fused_bias changes the result");
    }
}

static void t_fuse(fz_in *in)
{
    int wild = 0, n_in, n_out, nul = fz_pick(in, 32), o, i, fits = 1;
    int32_t *f;
    attn_linear_s8_params *p;
    attn_status st, want;
    fz_fn = "attn_linear_fuse_bias_s8";
    fz_fields_begin(in);
    n_in = fz_size_l(in, 40, 32768, &wild);
    n_out = fz_size(in, 12, &wild);
    f = (int32_t *)fz_out((wild ? 1 : (size_t)n_out) * sizeof(int32_t));
    p = (attn_linear_s8_params *)fz_const(sizeof *p);
    fz_lin(in, p, wild ? 1 : n_in, wild ? 1 : n_out, NULL);
    if (nul == 2) p->w = NULL;
    if (!wild && nul >= 3 && fz_zp_ok(p->in_zp))
        for (o = 0; o < n_out; o++) {
            i64 s = 0, v;
            for (i = 0; i < n_in; i++) s += p->w[(size_t)o * (size_t)n_in + (size_t)i];
            v = (p->bias ? p->bias[o] : 0) - (i64)p->in_zp * s;
            if (v > INT32_MAX || v < INT32_MIN) fits = 0;
        }
    if (nul < 3) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(n_in) || fz_dim_bad(n_out) || n_in > 32768) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(n_out, n_in, 1).ovf) want = ATTN_ERR_TOO_LARGE;
    else if (wild) return;
    else if (!fz_zp_ok(p->in_zp) || !fits) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    fz_snap();
    st = attn_linear_fuse_bias_s8(nul == 0 ? NULL : f, nul == 1 ? NULL : p, n_in, n_out);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    for (o = 0; o < n_out; o++) {
        i64 s = 0;
        for (i = 0; i < n_in; i++) s += p->w[(size_t)o * (size_t)n_in + (size_t)i];
        FZ_CHECK(f[o] == (p->bias ? p->bias[o] : 0) - (i64)p->in_zp * s, "fused bias != bias - in_zp sum w");
    }
}

static void t_softmax(fz_in *in)
{
    int wild = 0, rows, cols, nul = fz_pick(in, 32), r, c;
    int8_t *y, *y2, *x;
    attn_softmax_s8_params *p;
    attn_status st, want;
    size_t an;
    fz_fn = "attn_softmax_s8";
    fz_fields_begin(in);
    rows = fz_size(in, 4, &wild);
    cols = fz_size_l(in, 40, 4096, &wild);
    an = wild ? 1 : (size_t)rows * (size_t)cols;
    y = (int8_t *)fz_out(an);
    y2 = (int8_t *)fz_out(an);
    x = (int8_t *)fz_const(an);
    fz_fill_s8(in, x, an);
    p = (attn_softmax_s8_params *)fz_const(sizeof *p);
    p->in_mul = fz_q(in);
    if (nul < 3) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(rows) || fz_dim_bad(cols)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(rows, cols, 1).ovf) want = ATTN_ERR_TOO_LARGE;
    else if (!fz_qmul_ok(p->in_mul)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    fz_snap();
    st = attn_softmax_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, nul == 2 ? NULL : p, rows, cols);
    fz_after(st == ATTN_OK);
    if (want == ATTN_ERR_TOO_LARGE && !fz_qmul_ok(p->in_mul)) FZ_STATUS2(st, want, ATTN_ERR_RANGE);
    else FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    memcpy(y2, x, an);
    fz_snap();
    FZ_STATUS(attn_softmax_s8(y2, y2, p, rows, cols), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(y, y2, an) == 0, "softmax: in place differs");
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)cols, *yr = y + (size_t)r * (size_t)cols;
        long s = 0;
        for (c = 0; c < cols; c++) s += yr[c] + 128;
        /* probabilities at scale 1/256 sum to 1 within a rounding each */
        FZ_CHECK(labs(s - 256) <= cols / 2 + 2, "softmax: probabilities do not sum to 1");
        for (c = 1; c < cols; c++) {
            if (xr[c] == xr[c - 1]) FZ_CHECK(yr[c] == yr[c - 1], "softmax: equal logits, different probabilities");
            else if (p->in_mul.multiplier >= 0)
                FZ_CHECK(xr[c] > xr[c - 1] ? yr[c] >= yr[c - 1] : yr[c] <= yr[c - 1],
                         "softmax: not monotone in the logits");
        }
    }
}

static void t_layernorm(fz_in *in)
{
    int wild = 0, rows, cols, nul = fz_pick(in, 32), r, c;
    int8_t *y, *y2, *x;
    attn_layernorm_s8_params *p;
    attn_status st, want;
    size_t an;
    fz_fn = "attn_layernorm_s8";
    fz_fields_begin(in);
    rows = fz_size(in, 4, &wild);
    cols = fz_size_l(in, 40, 2048, &wild);
    an = wild ? 1 : (size_t)rows * (size_t)cols;
    y = (int8_t *)fz_out(an);
    y2 = (int8_t *)fz_out(an);
    x = (int8_t *)fz_const(an);
    fz_fill_s8(in, x, an);
    if (!wild && fz_pick(in, 4) == 0) /* constant rows */
        for (r = 0; r < rows; r++) memset(x + (size_t)r * (size_t)cols, (int)(fz_u8(in)), (size_t)cols);
    p = (attn_layernorm_s8_params *)fz_const(sizeof *p);
    fz_norm_params(in, p, wild ? 1 : cols);
    if (nul == 3) p->gamma = NULL;
    if (nul < 4) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(rows) || fz_dim_bad(cols) || cols > 2048) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(rows, cols, 1).ovf) want = ATTN_ERR_TOO_LARGE;
    else if (wild) return; /* the value checks would read gamma[cols] */
    else if (!fz_norm_ok(p, cols)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    fz_snap();
    st = attn_layernorm_s8(nul == 0 ? NULL : y, nul == 1 ? NULL : x, nul == 2 ? NULL : p, rows, cols);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    memcpy(y2, x, an);
    fz_snap();
    FZ_STATUS(attn_layernorm_s8(y2, y2, p, rows, cols), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(y, y2, an) == 0, "layernorm: in place differs");
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)cols, *yr = y + (size_t)r * (size_t)cols;
        int constant = 1;
        for (c = 1; c < cols; c++) constant &= xr[c] == xr[0];
        if (!constant) continue;
        /* d x_c - S1 = 0: z = 0, y = clamp(out_zp + ((beta + 2^15) >> 16)) */
        for (c = 0; c < cols; c++)
            FZ_CHECK(yr[c] == clampv((i64)p->out_zp + (((p->beta ? p->beta[c] : 0) + (i64)32768) >> 16), -128, 127),
                     "layernorm of a constant row is not clamp(out_zp + beta)");
    }
}

static void t_pool(fz_in *in)
{
    int wild = 0, seq, d, nul = fz_pick(in, 32), pooling = fz_pick(in, 8), p, c, cnt = 0;
    int8_t *out, *x;
    uint8_t *pad = NULL;
    int32_t zp;
    attn_status st, want;
    fz_fn = "attn_pool_s8";
    fz_fields_begin(in);
    pooling = pooling < 3 ? ATTN_POOL_MEAN : pooling < 6 ? ATTN_POOL_FIRST : pooling == 6 ? 2 : -1;
    seq = fz_size(in, 12, &wild);
    d = fz_size(in, 16, &wild);
    zp = fz_z(in);
    out = (int8_t *)fz_out(wild ? 1 : (size_t)d);
    x = (int8_t *)fz_const(wild ? 1 : (size_t)seq * (size_t)d);
    fz_fill_s8(in, x, wild ? 1 : (size_t)seq * (size_t)d);
    if (fz_pick(in, 2)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)seq);
        fz_fill_mask(in, pad, wild ? 1 : seq);
    }
    if (nul < 2) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(seq) || fz_dim_bad(d)) want = ATTN_ERR_SHAPE;
    else if (fz_bytes(seq, d, 1).ovf) want = ATTN_ERR_TOO_LARGE;
    else if ((pooling != ATTN_POOL_MEAN && pooling != ATTN_POOL_FIRST) || !fz_zp_ok(zp)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (wild && want == ATTN_OK) return;
    fz_snap();
    st = attn_pool_s8(nul == 0 ? NULL : out, nul == 1 ? NULL : x, pad, (attn_pooling)pooling, seq, d, zp);
    fz_after(st == ATTN_OK);
    if (want == ATTN_ERR_TOO_LARGE && ((pooling != ATTN_POOL_MEAN && pooling != ATTN_POOL_FIRST) || !fz_zp_ok(zp)))
        FZ_STATUS2(st, want, ATTN_ERR_RANGE);
    else FZ_STATUS(st, want);
    if (st != ATTN_OK) return;
    if (pooling == ATTN_POOL_FIRST) {
        FZ_CHECK(memcmp(out, x, (size_t)d) == 0, "pool first: not row 0");
        return;
    }
    for (p = 0; p < seq; p++) cnt += !(pad && pad[p]);
    for (c = 0; c < d; c++) {
        i64 s = 0, q, a;
        for (p = 0; p < seq; p++)
            if (!(pad && pad[p])) s += x[(size_t)p * (size_t)d + (size_t)c] - zp;
        /* zp + round(s / count), ties away from zero; zp if all are padded */
        a = s < 0 ? -s : s;
        q = cnt ? (2 * a + cnt) / (2 * (i64)cnt) : 0;
        if (s < 0) q = -q;
        FZ_CHECK(out[c] == clampv(zp + q, -128, 127), "pool mean != zp + round(sum / count)");
    }
}

/* ---- attention ------------------------------------------------------------------------- */

static void fz_mha_cfg(fz_in *in, attn_mha_cfg *c, int *wild, int self)
{
    c->seq_q = fz_size(in, 6, wild);
    c->seq_kv = self ? c->seq_q : fz_size(in, 6, wild);
    c->d_model = fz_size(in, 16, wild);
    c->n_heads = fz_heads(in);
    c->causal = fz_pick(in, 3) == 0 ? (fz_pick(in, 2) ? -7 : 1) : 0;
    c->window = fz_window(in, c->seq_q > c->seq_kv ? c->seq_q : c->seq_kv);
}
static attn_status fz_mha_shape(const attn_mha_cfg *c)
{
    if (fz_dim_bad(c->seq_q) || fz_dim_bad(c->seq_kv) || fz_dim_bad(c->d_model) || fz_dim_bad(c->n_heads) ||
        c->d_model % c->n_heads != 0 || c->d_model > 32768)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}
/* the status of the cfg and sizes (SHAPE, then a negative window's RANGE,
   then TOO_LARGE); the parameters' values come after */
static attn_status fz_mha_status(const attn_mha_cfg *c, fz_sz need)
{
    return fz_mha_shape(c) ? ATTN_ERR_SHAPE : c->window < 0 ? ATTN_ERR_RANGE
           : need.ovf ? ATTN_ERR_TOO_LARGE : ATTN_OK;
}
/* MEMORY: A(4 seq_kv); the inputs and output must be addressable */
static fz_sz fz_sdpa_need(const attn_mha_cfg *c)
{
    fz_sz s = fz_block(c->seq_kv, 1, 4), t = fz_block(c->seq_q, c->d_model, 1);
    t = fz_add(t, fz_block(c->seq_kv, c->d_model, 2));
    s.ovf |= t.ovf;
    return s;
}
static fz_sz fz_mha_need(const attn_mha_cfg *c)
{
    fz_sz kv = fz_block(c->seq_kv, c->d_model, 1);
    return fz_add(fz_add(fz_add(fz_sdpa_need(c), kv), kv), fz_block(c->d_model, 1, 1));
}
/* the key padding that stands for query i's causal mask and window */
static void fz_row_pad(uint8_t *pad_i, const uint8_t *pad, const attn_mha_cfg *c, int i)
{
    int j;
    for (j = 0; j < c->seq_kv; j++) pad_i[j] = (uint8_t)!fz_sees(pad, c->causal, c->window, i, j);
}

static void t_sdpa(fz_in *in)
{
    attn_mha_cfg cfg = {0};
    attn_sdpa_s8_params *p;
    int wild = 0, nul = fz_pick(in, 48), i, j, c;
    int8_t *out, *out2, *q, *k, *v;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    size_t qn, kvn, bytes = 0, *bp;
    attn_status st, want;
    fz_fn = "attn_sdpa_s8";
    fz_fields_begin(in);
    fz_mha_cfg(in, &cfg, &wild, 0);
    if (!wild && fz_pick(in, 64) == 0) { /* d_model at the limit: the int32 scores at their bound */
        cfg.d_model = 32768;
        cfg.seq_q = cfg.seq_kv = 1 + fz_pick(in, 2);
        cfg.n_heads = fz_pick(in, 2) ? 1 : 2;
    }
    p = (attn_sdpa_s8_params *)fz_const(sizeof *p);
    fz_sdpa_params(in, p);
    need = fz_sdpa_need(&cfg);
    if (nul < 7) want = ATTN_ERR_NULL;
    else if ((want = fz_mha_status(&cfg, need)) != ATTN_OK) (void)0;
    else if (!fz_sdpa_ok(p)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    bp = (size_t *)fz_out(sizeof(size_t));
    fz_snap();
    st = attn_sdpa_scratch_s8(&cfg, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, fz_mha_status(&cfg, need));
    if (st == ATTN_OK) {
        FZ_CHECK(*bp == need.v && *bp == ATTN_SDPA_SCRATCH_S8(cfg.seq_kv), "sdpa_s8 scratch query");
        bytes = *bp;
    }
    qn = wild ? 1 : (size_t)cfg.seq_q * (size_t)cfg.d_model;
    kvn = wild ? 1 : (size_t)cfg.seq_kv * (size_t)cfg.d_model;
    out = (int8_t *)fz_out(qn);
    out2 = (int8_t *)fz_out(qn);
    q = (int8_t *)fz_const(qn);
    k = (int8_t *)fz_const(kvn);
    v = (int8_t *)fz_const(kvn);
    fz_fill_s8(in, q, qn);
    fz_fill_s8(in, k, kvn);
    fz_fill_s8(in, v, kvn);
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)cfg.seq_kv);
        fz_fill_mask(in, pad, wild ? 1 : cfg.seq_kv);
    }
    fz_snap();
    st = attn_sdpa_s8(nul == 0 ? NULL : out, nul == 1 ? NULL : q, nul == 2 ? NULL : k, nul == 3 ? NULL : v,
                      pad, nul == 4 ? NULL : &cfg, nul == 5 ? NULL : p, nul == 6 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    if (want == ATTN_ERR_TOO_LARGE && !fz_sdpa_ok(p)) FZ_STATUS2(st, want, ATTN_ERR_RANGE);
    else FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    memcpy(out2, q, qn);
    fz_snap();
    FZ_STATUS(attn_sdpa_s8(out2, fz_pick(in, 2) ? out2 : q, k, v, pad, &cfg, p, &z.a), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(out, out2, qn) == 0, "sdpa_s8: in place / second call differs");
    if (cfg.causal || cfg.window) {
        /* MASKS: row i is query i alone (seq_q 1, neither causal nor a
           window) with every key it does not see padded, bit for bit */
        attn_mha_cfg c1 = cfg;
        uint8_t *pad_i = (uint8_t *)fz_out((size_t)cfg.seq_kv);
        int8_t *o1 = (int8_t *)fz_out((size_t)cfg.d_model);
        c1.seq_q = 1;
        c1.causal = 0;
        c1.window = 0;
        for (i = 0; i < cfg.seq_q; i++) {
            fz_row_pad(pad_i, pad, &cfg, i);
            fz_snap();
            FZ_STATUS(attn_sdpa_s8(o1, q + (size_t)i * (size_t)cfg.d_model, k, v, pad_i, &c1, p, &z.a), ATTN_OK);
            fz_after(1);
            FZ_CHECK(memcmp(o1, out + (size_t)i * (size_t)cfg.d_model, (size_t)cfg.d_model) == 0,
                     "sdpa_s8: a causal/windowed row != that query alone with the unseen keys padded");
        }
    }
    for (i = 0; i < cfg.seq_q; i++) {
        int seen = 0;
        for (j = 0; j < cfg.seq_kv; j++) seen |= fz_sees(pad, cfg.causal, cfg.window, i, j);
        if (seen) continue;
        for (c = 0; c < cfg.d_model; c++) /* documented: no visible key, out = clamp(out_zp) */
            FZ_CHECK(out[(size_t)i * (size_t)cfg.d_model + (size_t)c] == clampv(p->out_zp, -128, 127),
                     "sdpa_s8: a query with every key masked is not out_zp");
    }
}

static void t_mha(fz_in *in)
{
    attn_mha_cfg cfg = {0};
    attn_mha_s8_params *p;
    int wild = 0, nul = fz_pick(in, 48), self = fz_pick(in, 2), mode = fz_pick(in, 3), drop = fz_pick(in, 32);
    int8_t *out, *out2, *xq, *xkv;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    size_t qn, kvn, mx, bytes = 0, *bp;
    attn_status st, want;
    fz_fn = "attn_mha_s8";
    fz_fields_begin(in);
    fz_mha_cfg(in, &cfg, &wild, self);
    need = fz_mha_need(&cfg);
    if (wild && fz_mha_status(&cfg, need) == ATTN_OK) return; /* values would read arrays [d] */
    p = (attn_mha_s8_params *)fz_const(sizeof *p);
    fz_mha_params(in, p, wild ? 1 : cfg.d_model, NULL);
    if (drop == 1) p->q.w = NULL;
    if (drop == 2) p->k.requant = NULL;
    if (drop == 3) p->v.w = NULL;
    if (drop == 4) p->o.requant = NULL;
    if (nul < 6 || !fz_mha_ptrs(p)) want = ATTN_ERR_NULL;
    else if ((want = fz_mha_status(&cfg, need)) != ATTN_OK) (void)0;
    else if (!fz_mha_ok(p, cfg.d_model)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    bp = (size_t *)fz_out(sizeof(size_t));
    fz_snap();
    st = attn_mha_scratch_s8(&cfg, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, fz_mha_status(&cfg, need));
    if (st == ATTN_OK) {
        FZ_CHECK(*bp == need.v && *bp == ATTN_MHA_SCRATCH_S8(cfg.seq_kv, cfg.d_model), "mha_s8 scratch query");
        bytes = *bp;
    }
    qn = wild ? 1 : (size_t)cfg.seq_q * (size_t)cfg.d_model;
    kvn = wild ? 1 : (size_t)cfg.seq_kv * (size_t)cfg.d_model;
    mx = qn > kvn ? qn : kvn;
    out = (int8_t *)fz_out(qn);
    out2 = (int8_t *)fz_out(mx);
    xq = (int8_t *)fz_const(qn);
    fz_fill_s8(in, xq, qn);
    if (self && fz_pick(in, 2)) {
        xkv = xq;
    } else {
        xkv = (int8_t *)fz_const(kvn);
        fz_fill_s8(in, xkv, kvn);
    }
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)cfg.seq_kv);
        fz_fill_mask(in, pad, wild ? 1 : cfg.seq_kv);
    }
    fz_snap();
    st = attn_mha_s8(nul == 0 ? NULL : out, nul == 1 ? NULL : xq, nul == 2 ? NULL : xkv, xkv, pad,
                     nul == 3 ? NULL : &cfg, nul == 4 ? NULL : p, nul == 5 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    if (mode == 0) {
        fz_snap();
        FZ_STATUS(attn_mha_s8(out2, xq, xkv, xkv, pad, &cfg, p, &z.a), ATTN_OK);
    } else if (mode == 1 || self) {
        memcpy(out2, xq, qn);
        fz_snap();
        FZ_STATUS(attn_mha_s8(out2, out2, xkv == xq ? out2 : xkv, xkv == xq ? out2 : xkv, pad, &cfg, p, &z.a), ATTN_OK);
    } else {
        memcpy(out2, xkv, kvn);
        fz_snap();
        FZ_STATUS(attn_mha_s8(out2, xq, out2, out2, pad, &cfg, p, &z.a), ATTN_OK);
    }
    fz_after(1);
    FZ_CHECK(memcmp(out, out2, qn) == 0, "mha_s8: in place / second call differs");
    if (cfg.causal || cfg.window) { /* as for sdpa_s8 */
        attn_mha_cfg c1 = cfg;
        uint8_t *pad_i = (uint8_t *)fz_out((size_t)cfg.seq_kv);
        int8_t *o1 = (int8_t *)fz_out((size_t)cfg.d_model);
        int i;
        c1.seq_q = 1;
        c1.causal = 0;
        c1.window = 0;
        for (i = 0; i < cfg.seq_q; i++) {
            fz_row_pad(pad_i, pad, &cfg, i);
            fz_snap();
            FZ_STATUS(attn_mha_s8(o1, xq + (size_t)i * (size_t)cfg.d_model, xkv, xkv, pad_i, &c1, p, &z.a), ATTN_OK);
            fz_after(1);
            FZ_CHECK(memcmp(o1, out + (size_t)i * (size_t)cfg.d_model, (size_t)cfg.d_model) == 0,
                     "mha_s8: a causal/windowed row != that query alone with the unseen keys padded");
        }
    }
}

/* ---- encoder ---------------------------------------------------------------------------- */

static void fz_enc_cfg(fz_in *in, attn_encoder_cfg *c, int *wild)
{
    int a = fz_pick(in, 32);
    c->d_model = fz_size(in, 12, wild);
    c->n_heads = fz_heads(in);
    c->d_ff = fz_size(in, 20, wild);
    c->activation = (attn_activation)(a < 30 ? a % 3 : a == 30 ? 3 : -1);
    c->norm_first = fz_pick(in, 2);
    c->causal = fz_pick(in, 3) == 0;
    c->eps = fz_pick(in, 8) ? 1e-5f : NAN; /* unused by the int8 layers */
}
static attn_status fz_enc_shape(const attn_encoder_cfg *c)
{
    if (fz_dim_bad(c->d_model) || fz_dim_bad(c->n_heads) || fz_dim_bad(c->d_ff) || c->d_model % c->n_heads != 0 ||
        c->d_model > 2048 || c->d_ff > 32768)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}
static int fz_act_ok(attn_activation a)
{
    return a == ATTN_ACT_RELU || a == ATTN_ACT_GELU || a == ATTN_ACT_GELU_TANH;
}
/* ERRORS (RANGE, after the shapes): the activation, a negative window */
static int fz_enc_range_ok(const attn_encoder_cfg *c) { return fz_act_ok(c->activation) && c->window >= 0; }
/* MEMORY: 2 A(seq d) + 3 A(P d) + A(4 max(seq, P d)) + A(P d_ff) */
static fz_sz fz_enc_need(const attn_encoder_cfg *c, int seq)
{
    int P = seq >= 2 ? 2 : 1;
    fz_sz kv = fz_block(seq, c->d_model, 1), pd = fz_block(P, c->d_model, 1), wide;
    fz_sz pdv = fz_bytes(P, c->d_model, 1);
    if (!pdv.ovf && pdv.v < (size_t)seq) pdv.v = (size_t)seq;
    wide = fz_alignup(fz_mul(pdv, 4));
    return fz_add(fz_add(fz_add(fz_add(fz_add(kv, kv), pd), fz_add(pd, pd)), wide), fz_block(P, c->d_ff, 1));
}

/* A pre-norm layer by the public kernels: x = add1(x, SA(LN1(x)));
   x = add2(x, ff2(act(ff1(LN2(x))))). */
static void fz_prenorm_steps(int8_t *x, int seq, const uint8_t *pad, const attn_encoder_cfg *c,
                             const attn_encoder_layer_s8_params *p, attn_arena *a)
{
    int d = c->d_model, ff = c->d_ff;
    size_t n = (size_t)seq * (size_t)d;
    int8_t *t1 = (int8_t *)fz_out(n), *t2 = (int8_t *)fz_out(n), *h = (int8_t *)fz_out((size_t)seq * (size_t)ff);
    attn_mha_cfg m = {0};
    m.seq_q = m.seq_kv = seq;
    m.d_model = d;
    m.n_heads = c->n_heads;
    m.causal = c->causal;
    m.window = c->window;
    FZ_STATUS(attn_layernorm_s8(t1, x, &p->norm1, seq, d), ATTN_OK);
    FZ_STATUS(attn_mha_s8(t2, t1, t1, t1, pad, &m, &p->attn, a), ATTN_OK);
    FZ_STATUS(attn_add_s8(x, x, t2, (int)n, &p->add1), ATTN_OK);
    FZ_STATUS(attn_layernorm_s8(t1, x, &p->norm2, seq, d), ATTN_OK);
    FZ_STATUS(attn_linear_s8(h, t1, &p->ff1, seq, d, ff), ATTN_OK);
    if (c->activation != ATTN_ACT_RELU) FZ_STATUS(attn_lut_s8(h, h, seq * ff, p->gelu_table), ATTN_OK);
    FZ_STATUS(attn_linear_s8(t2, h, &p->ff2, seq, ff, d), ATTN_OK);
    FZ_STATUS(attn_add_s8(x, x, t2, (int)n, &p->add2), ATTN_OK);
}

static void t_encoder(fz_in *in, int stack)
{
    attn_encoder_cfg cfg = {0};
    attn_encoder_layer_s8_params *lp;
    attn_encoder_s8_params sp;
    int wild = 0, nul = fz_pick(in, 48), seq, nl = 1, nl_alloc, drop = fz_pick(in, 48), bad = 0, l;
    int8_t *x, *x0, *x2;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    size_t n, bytes = 0, *bp;
    attn_status st, want, shape;
    int as, ad, af;
    fz_fn = stack ? "attn_encoder_s8" : "attn_encoder_layer_s8";
    fz_fields_begin(in);
    fz_enc_cfg(in, &cfg, &wild);
    seq = fz_size(in, 6, &wild);
    cfg.window = fz_window(in, seq);
    if (stack) nl = fz_pick(in, 16) ? 1 + fz_pick(in, 3) : fz_pick(in, 2) - 1;
    nl_alloc = nl > 0 ? nl : 1;
    bad = fz_pick(in, nl_alloc);
    need = fz_enc_need(&cfg, seq);
    shape = fz_enc_shape(&cfg) != ATTN_OK || fz_dim_bad(seq) || fz_dim_bad(nl) ? ATTN_ERR_SHAPE : ATTN_OK;
    if (wild && !shape && fz_enc_range_ok(&cfg) && !need.ovf) return; /* values would read arrays */
    as = wild ? 1 : seq;
    ad = wild ? 1 : cfg.d_model;
    af = wild ? 1 : cfg.d_ff;
    lp = (attn_encoder_layer_s8_params *)fz_const((size_t)nl_alloc * (size_t)sizeof *lp);
    for (l = 0; l < nl_alloc; l++) fz_layer_params(in, &lp[l], &cfg, ad, af, NULL);
    fz_layer_drop(&lp[bad], drop);
    memset(&sp, 0, sizeof sp);
    sp.layers = stack && drop == 14 ? NULL : lp;
    sp.n_layers = nl;
    sp.final_norm = fz_pick(in, 2);
    if (sp.final_norm || fz_pick(in, 2)) fz_norm_params(in, &sp.norm, ad);
    if (stack && drop == 15) sp.norm.gamma = NULL;
    if (nul < 4 || (stack ? !fz_stack_ptrs(&sp, cfg.activation) : !fz_layer_ptrs(lp, cfg.activation)))
        want = ATTN_ERR_NULL;
    else if (shape != ATTN_OK) want = ATTN_ERR_SHAPE;
    else if (!fz_enc_range_ok(&cfg)) want = ATTN_ERR_RANGE;
    else if (need.ovf) want = ATTN_ERR_TOO_LARGE;
    else if (stack ? !fz_stack_ok(&sp, &cfg) : !fz_layer_ok(lp, &cfg)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    bp = (size_t *)fz_out(sizeof(size_t));
    fz_snap();
    st = stack ? attn_encoder_scratch_s8(&cfg, seq, bp) : attn_encoder_layer_scratch_s8(&cfg, seq, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, fz_enc_shape(&cfg) || fz_dim_bad(seq) ? ATTN_ERR_SHAPE : !fz_enc_range_ok(&cfg) ? ATTN_ERR_RANGE
                  : need.ovf ? ATTN_ERR_TOO_LARGE : ATTN_OK);
    if (st == ATTN_OK) {
        FZ_CHECK(*bp == need.v, "encoder_s8 scratch query is not the MEMORY formula");
        FZ_CHECK(*bp == ATTN_ENCODER_SCRATCH_S8(seq, cfg.d_model, cfg.n_heads, cfg.d_ff),
                 "encoder_s8 scratch query != ATTN_ENCODER_SCRATCH_S8");
        bytes = *bp;
    }
    n = (size_t)as * (size_t)ad;
    x = (int8_t *)fz_out(n);
    fz_fill_s8(in, x, n);
    x0 = (int8_t *)fz_const(n);
    memcpy(x0, x, n);
    x2 = (int8_t *)fz_out(n);
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const((size_t)as);
        fz_fill_mask(in, pad, as);
    }
    fz_snap();
    if (stack)
        st = attn_encoder_s8(nul == 0 ? NULL : x, seq, pad, nul == 1 ? NULL : &cfg, nul == 2 ? NULL : &sp,
                             nul == 3 ? NULL : &z.a);
    else
        st = attn_encoder_layer_s8(nul == 0 ? NULL : x, seq, pad, nul == 1 ? NULL : &cfg, nul == 2 ? NULL : lp,
                                   nul == 3 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    /* again, a layer at a time, then the final norm */
    memcpy(x2, x0, n);
    fz_snap();
    for (l = 0; l < nl; l++) FZ_STATUS(attn_encoder_layer_s8(x2, seq, pad, &cfg, &lp[l], &z.a), ATTN_OK);
    if (stack && sp.final_norm) FZ_STATUS(attn_layernorm_s8(x2, x2, &sp.norm, seq, cfg.d_model), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(x, x2, n) == 0, stack ? "encoder_s8 != its layers one at a time" : "encoder_layer_s8: a second call differs");
    if (!stack && (cfg.window > 0 || cfg.causal)) {
        /* MASKS: row i of a windowed (and/or causal) layer is row i of the
           layer without the window on the rows i sees alone */
        attn_encoder_cfg c1 = cfg;
        int i, lo, hi;
        size_t d = (size_t)cfg.d_model;
        c1.window = 0;
        for (i = 0; i < seq; i++) {
            fz_key_span(i, seq, cfg.causal, cfg.window, &lo, &hi);
            memcpy(x2, x0 + (size_t)lo * d, (size_t)(hi - lo + 1) * d);
            fz_snap();
            FZ_STATUS(attn_encoder_layer_s8(x2, hi - lo + 1, pad ? pad + lo : NULL, &c1, lp, &z.a), ATTN_OK);
            fz_after(1);
            FZ_CHECK(memcmp(x2 + (size_t)(i - lo) * d, x + (size_t)i * d, d) == 0,
                     "encoder_layer_s8: a windowed/causal row != the layer on the rows it sees alone");
        }
    }
    if (!stack && cfg.norm_first) { /* and by the public kernels */
        memcpy(x2, x0, n);
        fz_snap();
        fz_prenorm_steps(x2, seq, pad, &cfg, lp, &z.a);
        fz_after(1);
        FZ_CHECK(memcmp(x, x2, n) == 0, "pre-norm encoder_layer_s8 != layer norm, attention, add, feed-forward");
    }
}

/* ---- model --------------------------------------------------------------------------------- */

/* the int8 model's entries: tok 0 attn_model_s8 (features or patches),
   tok 1 attn_model_tokens_s8 */
static void t_model(fz_in *in, int tok)
{
    attn_model_cfg cfg = {0};
    attn_model_s8_params *p;
    attn_encoder_layer_s8_params *lp;
    int wild = 0, wseq = 0, nul = fz_pick(in, 64), seq, nl = 1 + fz_pick(in, 2), drop = fz_pick(in, 64), bad, l, pe, dm;
    int rows, ids_ok = 1, nulp;
    int8_t *logits, *logits2, *input = NULL, *x, *pooled;
    int *tokens = NULL, *segs = NULL;
    uint8_t *pad = NULL, *pad2 = NULL;
    fz_arena z;
    fz_sz need;
    size_t bytes = 0, *bp;
    attn_status st, want, shape, erange;
    int as, ad, ain, amax, acls, aff, avoc, aseg, ast;
    fz_fn = tok ? "attn_model_tokens_s8" : "attn_model_s8";
    fz_fields_begin(in);
    fz_enc_cfg(in, &cfg.encoder, &wild);
    seq = fz_size(in, 6, &wseq);
    if (tok && wseq && seq > 0) return; /* (the token entry reads seq ids before its size checks) */
    wild |= wseq;
    fz_model_front(in, &cfg, seq, tok, fz_pick(in, 2) ? -1 : 32769, &wild);
    rows = seq + (cfg.cls_token != 0 && seq < INT_MAX);
    pe = fz_pick(in, 8);
    cfg.max_seq = pe == 0 ? fz_size(in, 6, &wild) : pe == 1 ? seq : seq > 0 && seq < 64 ? rows + fz_pick(in, 3) : 8;
    cfg.encoder.window = fz_window(in, rows);
    pe = fz_pick(in, 32);
    cfg.position = (attn_position)(pe < 30 ? pe % 3 : pe == 30 ? 3 : -2);
    pe = fz_pick(in, 32);
    cfg.pooling = (attn_pooling)(pe < 30 ? pe % 3 : pe == 30 ? 3 : -1);
    cfg.n_classes = fz_size(in, 5, &wild);
    bad = fz_pick(in, nl);
    dm = cfg.encoder.d_model;
    /* MEMORY: ATTN_MODEL_SCRATCH_EX_S8 (fuzz.h) */
    need = fz_model_need(&cfg, seq, 1, fz_enc_need(&cfg.encoder, rows));
    shape = fz_enc_shape(&cfg.encoder) || fz_model_shape_bad(&cfg, seq, 0) || cfg.d_in > 32768 ? ATTN_ERR_SHAPE
                                                                                             : ATTN_OK;
    erange = !fz_enc_range_ok(&cfg.encoder) || (unsigned)cfg.position > 2u || (unsigned)cfg.pooling > 2u
                 ? ATTN_ERR_RANGE
                 : ATTN_OK;
    as = wild ? 1 : seq;
    ad = wild ? 1 : dm;
    ain = wild ? 1 : cfg.d_in > 0 ? cfg.d_in : dm;
    amax = wild ? 1 : cfg.max_seq;
    acls = wild ? 1 : cfg.n_classes;
    aff = wild ? 1 : cfg.encoder.d_ff;
    avoc = wild || cfg.vocab <= 0 ? 1 : cfg.vocab;
    aseg = wild || cfg.n_segments <= 0 ? 1 : cfg.n_segments;
    ast = seq > 0 && !wseq ? seq : 1;
    p = (attn_model_s8_params *)fz_const(sizeof *p);
    memset(p, 0, sizeof *p);
    if (cfg.d_in != 0 || fz_pick(in, 4) == 0) fz_lin(in, &p->embed, cfg.d_in > 0 ? ain : 1, ad, NULL);
    if (cfg.position != ATTN_POS_NONE || fz_pick(in, 4) == 0) {
        int8_t *pos = (int8_t *)fz_const((size_t)amax * (size_t)ad);
        fz_fill_s8(in, pos, (size_t)amax * (size_t)ad);
        p->pos = pos;
        fz_add_params(in, &p->pos_add);
    }
    lp = (attn_encoder_layer_s8_params *)fz_const((size_t)nl * (size_t)sizeof *lp);
    for (l = 0; l < nl; l++) fz_layer_params(in, &lp[l], &cfg.encoder, ad, aff, NULL);
    fz_layer_drop(&lp[bad], drop);
    p->encoder.layers = drop == 14 ? NULL : lp;
    p->encoder.n_layers = nl;
    p->encoder.final_norm = fz_pick(in, 2);
    if (p->encoder.final_norm) fz_norm_params(in, &p->encoder.norm, ad);
    fz_lin(in, &p->cls, ad, acls, NULL);
    if (cfg.cls_token || fz_pick(in, 4) == 0) {
        int8_t *t = (int8_t *)fz_const((size_t)ad);
        fz_fill_s8(in, t, (size_t)ad);
        p->cls_token = t;
    }
    if (tok) {
        int8_t *t = (int8_t *)fz_const((size_t)avoc * (size_t)ad), *g = (int8_t *)fz_const((size_t)aseg * (size_t)ad);
        fz_fill_s8(in, t, (size_t)avoc * (size_t)ad);
        fz_fill_s8(in, g, (size_t)aseg * (size_t)ad);
        p->token_embed = t;
        p->segment_embed = g;
        fz_add_params(in, &p->segment_add);
    }
    if (cfg.embed_norm || fz_pick(in, 4) == 0) fz_norm_params(in, &p->embed_norm, ad);
    if (cfg.pooling == ATTN_POOL_ATTENTION || fz_pick(in, 4) == 0) {
        int8_t *t = (int8_t *)fz_const((size_t)ad);
        fz_fill_s8(in, t, (size_t)ad);
        p->pool_w = t;
        fz_sdpa_params(in, &p->pool);
        if (fz_v(in)) p->pool.q_zp = 0; /* (as the quantizer makes it: w symmetric) */
    }
    if (drop == 15) p->cls.w = NULL;
    if (drop == 16) p->pos = NULL;
    if (drop == 17) p->embed.requant = NULL;
    if (drop == 18) p->cls_token = NULL;
    if (drop == 19) p->pool_w = NULL;
    if (drop == 20) p->embed_norm.gamma = NULL;
    if (drop == 21) p->token_embed = NULL;
    if (drop == 22) p->segment_embed = NULL;
    /* the pointers this cfg needs, as attn_model_s8_params lists them */
    nulp = !fz_lin_ptrs(&p->cls) || (cfg.position != ATTN_POS_NONE && !p->pos) ||
           !fz_stack_ptrs(&p->encoder, cfg.encoder.activation) || (cfg.cls_token && !p->cls_token) ||
           (cfg.pooling == ATTN_POOL_ATTENTION && !p->pool_w) || (cfg.embed_norm && !p->embed_norm.gamma) ||
           (tok ? !p->token_embed || (cfg.n_segments != 0 && !p->segment_embed)
                : cfg.d_in != 0 && !fz_lin_ptrs(&p->embed));
    if (tok) {
        tokens = (int *)fz_const((size_t)ast * sizeof(int));
        ids_ok = fz_ids(in, tokens, ast, cfg.vocab);
        if (fz_pick(in, 3)) {
            segs = (int *)fz_const((size_t)ast * sizeof(int));
            if (!fz_ids(in, segs, ast, cfg.n_segments) && cfg.n_segments > 0) ids_ok = 0;
        }
    }
    if (nul < 5 || nulp) want = ATTN_ERR_NULL;
    else if (shape || (tok && fz_model_shape_bad(&cfg, seq, 1))) want = ATTN_ERR_SHAPE;
    else if (erange || !ids_ok) want = ATTN_ERR_RANGE;
    else if (need.ovf) want = ATTN_ERR_TOO_LARGE;
    else if (wild) return; /* the value checks would read arrays of the wild sizes */
    else if (!fz_stack_ok(&p->encoder, &cfg.encoder) || !fz_lin_ok(&p->cls, cfg.n_classes) ||
             (!tok && cfg.d_in > 0 && !fz_lin_ok(&p->embed, dm)) ||
             (cfg.position != ATTN_POS_NONE && !fz_add_ok(&p->pos_add)) ||
             (tok && cfg.n_segments > 0 && !fz_add_ok(&p->segment_add)) ||
             (cfg.embed_norm && !fz_norm_ok(&p->embed_norm, dm)) ||
             (cfg.pooling == ATTN_POOL_ATTENTION && !fz_sdpa_ok(&p->pool)))
        want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    bp = (size_t *)fz_out(sizeof(size_t));
    fz_snap();
    st = attn_model_scratch_s8(&cfg, seq, bp);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, shape ? ATTN_ERR_SHAPE : erange ? ATTN_ERR_RANGE : need.ovf ? ATTN_ERR_TOO_LARGE : ATTN_OK);
    if (st == ATTN_OK) {
        FZ_CHECK(*bp == need.v, "model_s8 scratch query is not the MEMORY formula");
        FZ_CHECK(*bp == ATTN_MODEL_SCRATCH_EX_S8(seq, dm, cfg.encoder.n_heads, cfg.encoder.d_ff, cfg.cls_token != 0,
                                                 cfg.patch > 0 ? cfg.d_in : 0),
                 "model_s8 scratch query != ATTN_MODEL_SCRATCH_EX_S8");
        if (!cfg.cls_token && cfg.patch <= 0)
            FZ_CHECK(*bp == ATTN_MODEL_SCRATCH_S8(seq, dm, cfg.encoder.n_heads, cfg.encoder.d_ff),
                     "model_s8 scratch query != ATTN_MODEL_SCRATCH_S8");
        bytes = *bp;
    }
    logits = (int8_t *)fz_out((size_t)acls);
    logits2 = (int8_t *)fz_out((size_t)acls);
    if (!tok) { /* (an image: seq d_in values) */
        input = (int8_t *)fz_const((size_t)as * (size_t)ain);
        fz_fill_s8(in, input, (size_t)as * (size_t)ain);
    }
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const((size_t)as);
        fz_fill_mask(in, pad, as);
    }
    fz_snap();
    if (tok)
        st = attn_model_tokens_s8(nul == 0 ? NULL : logits, nul == 1 ? NULL : tokens, segs, seq, pad,
                                  nul == 2 ? NULL : &cfg, nul == 3 ? NULL : p, nul == 4 ? NULL : &z.a);
    else
        st = attn_model_s8(nul == 0 ? NULL : logits, nul == 1 ? NULL : input, seq, pad, nul == 2 ? NULL : &cfg,
                           nul == 3 ? NULL : p, nul == 4 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, bytes);
    if (st != ATTN_OK) return;
    /* the front end (the CLS row, then embedded features, patches gathered
       from the NCHW image and embedded one by one, or token rows + segment
       rows by segment_add), + positions (pos_add per row, the CLS row
       too), the LayerNorm, the stack (the CLS row never padded), pool at
       the stack's output zero point or by attn_pool_attention_s8,
       classifier */
    {
        size_t d = (size_t)dm;
        int8_t *y;
        int i;
        x = (int8_t *)fz_out((size_t)rows * d);
        pooled = (int8_t *)fz_out(d);
        if (pad) {
            pad2 = (uint8_t *)fz_out((size_t)rows);
            pad2[0] = 0;
            memcpy(pad2 + rows - seq, pad, (size_t)seq);
        }
        y = x + (cfg.cls_token ? d : 0);
        fz_snap();
        if (cfg.cls_token) memcpy(x, p->cls_token, d);
        if (tok) {
            for (i = 0; i < seq; i++) {
                memcpy(y + (size_t)i * d, p->token_embed + (size_t)tokens[i] * d, d);
                if (cfg.n_segments > 0)
                    FZ_STATUS(attn_add_s8(y + (size_t)i * d, y + (size_t)i * d,
                                          p->segment_embed + (size_t)(segs ? segs[i] : 0) * d, dm, &p->segment_add),
                              ATTN_OK);
            }
        } else if (cfg.patch > 0) {
            int P = cfg.patch, gw = cfg.image_w / P, ch, ky;
            int8_t *pr = (int8_t *)fz_out((size_t)cfg.d_in);
            for (i = 0; i < seq; i++) {
                int py = i / gw * P, px = i % gw * P;
                for (ch = 0; ch < cfg.channels; ch++)
                    for (ky = 0; ky < P; ky++)
                        memcpy(pr + ((size_t)ch * (size_t)P + (size_t)ky) * (size_t)P,
                               input + ((size_t)ch * (size_t)cfg.image_h + (size_t)(py + ky)) * (size_t)cfg.image_w + (size_t)px,
                               (size_t)P);
                FZ_STATUS(attn_linear_s8(y + (size_t)i * d, pr, &p->embed, 1, cfg.d_in, dm), ATTN_OK);
            }
        } else if (cfg.d_in > 0) {
            FZ_STATUS(attn_linear_s8(y, input, &p->embed, seq, cfg.d_in, dm), ATTN_OK);
        } else {
            memcpy(y, input, (size_t)seq * d);
        }
        if (cfg.position != ATTN_POS_NONE) FZ_STATUS(attn_add_s8(x, x, p->pos, rows * dm, &p->pos_add), ATTN_OK);
        if (cfg.embed_norm) FZ_STATUS(attn_layernorm_s8(x, x, &p->embed_norm, rows, dm), ATTN_OK);
        FZ_STATUS(attn_encoder_s8(x, rows, pad2, &cfg.encoder, &p->encoder, &z.a), ATTN_OK);
        if (cfg.pooling == ATTN_POOL_ATTENTION) {
            FZ_STATUS(attn_pool_attention_s8(pooled, x, pad2, p->pool_w, &p->pool, rows, dm, &z.a), ATTN_OK);
        } else {
            const attn_encoder_layer_s8_params *last = &lp[nl - 1];
            int32_t zp = p->encoder.final_norm ? p->encoder.norm.out_zp
                         : cfg.encoder.norm_first ? last->add2.out_zp : last->norm2.out_zp;
            FZ_STATUS(attn_pool_s8(pooled, x, pad2, cfg.pooling, rows, dm, zp), ATTN_OK);
        }
        FZ_STATUS(attn_linear_s8(logits2, pooled, &p->cls, 1, dm, cfg.n_classes), ATTN_OK);
        fz_after(1);
    }
    FZ_CHECK(memcmp(logits, logits2, (size_t)cfg.n_classes) == 0,
             "model_s8 != front end, position add, LayerNorm, encoder, pool, classifier");
}

/* attn_pool_attention_s8 */
static void t_pool_attention(fz_in *in)
{
    attn_sdpa_s8_params *p;
    attn_mha_cfg c1 = {0};
    int wild = 0, seq, d, nul = fz_pick(in, 40), r, c, cnt = 0;
    int8_t *out, *out2, *x, *wq;
    uint8_t *pad = NULL;
    fz_arena z;
    fz_sz need;
    attn_status st, want;
    fz_fn = "attn_pool_attention_s8";
    fz_fields_begin(in);
    seq = fz_size(in, 10, &wild);
    d = fz_size_l(in, 16, 32768, &wild);
    if (d == 32768) seq = 1 + fz_pick(in, 2);
    p = (attn_sdpa_s8_params *)fz_const(sizeof *p);
    fz_sdpa_params(in, p);
    if (fz_v(in)) p->k_zp = p->v_zp; /* (keys and values are the same rows) */
    /* MEMORY: A(d) (the query's copy) + A(4 seq) (the scores) */
    need = fz_add(fz_block(d, 1, 1), fz_block(seq, 1, 4));
    need.ovf |= fz_bytes(seq, d, 1).ovf;
    /* the documented order: every shape rule (d <= 32768 too) first */
    if (nul < 5) want = ATTN_ERR_NULL;
    else if (fz_dim_bad(seq) || fz_dim_bad(d) || d > 32768) want = ATTN_ERR_SHAPE;
    else if (need.ovf) want = ATTN_ERR_TOO_LARGE;
    else if (!fz_sdpa_ok(p)) want = ATTN_ERR_RANGE;
    else want = ATTN_OK;
    if (!fz_case_arena(in, &z, &want, need, wild)) return;
    if (want != ATTN_ERR_SHAPE && !need.ovf)
        FZ_CHECK(need.v == ATTN_POOL_SCRATCH_S8(seq, d), "attention pooling: MEMORY != ATTN_POOL_SCRATCH_S8");
    out = (int8_t *)fz_out(wild ? 1 : (size_t)d);
    out2 = (int8_t *)fz_out(wild ? 1 : (size_t)d);
    x = (int8_t *)fz_const(wild ? 1 : (size_t)seq * (size_t)d);
    fz_fill_s8(in, x, wild ? 1 : (size_t)seq * (size_t)d);
    wq = (int8_t *)fz_const(wild ? 1 : (size_t)d);
    fz_fill_s8(in, wq, wild ? 1 : (size_t)d);
    if (fz_pick(in, 3)) {
        pad = (uint8_t *)fz_const(wild ? 1 : (size_t)seq);
        fz_fill_mask(in, pad, wild ? 1 : seq);
    }
    fz_snap();
    st = attn_pool_attention_s8(nul == 0 ? NULL : out, nul == 1 ? NULL : x, pad, nul == 2 ? NULL : wq,
                                nul == 3 ? NULL : p, seq, d, nul == 4 ? NULL : &z.a);
    fz_after(st == ATTN_OK);
    FZ_STATUS(st, want);
    fz_arena_after(&z, st == ATTN_OK, need.v);
    if (st != ATTN_OK) return;
    /* documented: one head of attn_sdpa_s8 with the query w and keys =
       values = x (seq_q 1, d_model d, no mask but the padding) */
    c1.seq_q = 1;
    c1.seq_kv = seq;
    c1.d_model = d;
    c1.n_heads = 1;
    fz_snap();
    FZ_STATUS(attn_sdpa_s8(out2, wq, x, x, pad, &c1, p, &z.a), ATTN_OK);
    fz_after(1);
    FZ_CHECK(memcmp(out, out2, (size_t)d) == 0, "attn_pool_attention_s8 != attn_sdpa_s8 of w against x");
    for (r = 0; r < seq; r++) cnt += !(pad && pad[r]);
    if (cnt == 0)
        for (c = 0; c < d; c++) FZ_CHECK(out[c] == clampv(p->out_zp, -128, 127), "attention pooling over no rows is not out_zp");
    if (pad && cnt < seq) { /* a padded row is never read */
        int8_t *x2 = (int8_t *)fz_const((size_t)seq * (size_t)d);
        memcpy(x2, x, (size_t)seq * (size_t)d);
        for (r = 0; r < seq; r++)
            if (pad[r]) memset(x2 + (size_t)r * (size_t)d, (int)(r * 37 + 11) & 0xFF, (size_t)d);
        fz_snap();
        FZ_STATUS(attn_pool_attention_s8(out2, x2, pad, wq, p, seq, d, &z.a), ATTN_OK);
        fz_after(1);
        FZ_CHECK(memcmp(out, out2, (size_t)d) == 0, "attn_pool_attention_s8 read a padded row");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_begin(&in, data, size);
    switch (fz_pick(&in, 15)) {
    case 0: t_requantize(&in); break;
    case 1: t_elementwise(&in); break;
    case 2: t_linear(&in); break;
    case 3: t_fuse(&in); break;
    case 4: t_softmax(&in); break;
    case 5: t_layernorm(&in); break;
    case 6: t_pool(&in); break;
    case 7: t_sdpa(&in); break;
    case 8: t_mha(&in); break;
    case 9: t_encoder(&in, 0); break;
    case 10: t_encoder(&in, 1); break;
    case 11: t_model(&in, 1); break;
    case 12: t_pool_attention(&in); break;
    default: t_model(&in, 0); break;
    }
    fz_free_all();
    return 0;
}
