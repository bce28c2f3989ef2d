/* ref_s8.c - attention.h's INT8 ARITHMETIC section written out again in
   int64/uint64 with exact divisions: the reference every int8 test
   (tests/test_s8.c) compares the library with, byte for byte. Written from
   the header's documentation (INT8 ARITHMETIC and the comments of the _s8
   parameter structs), never from the implementation: where the library
   may use masks, shifts, reciprocals or 32-bit tricks, this file divides
   and compares remainders exactly; it makes its own exp2 table with pow()
   and its own 1/sqrt seed table with sqrt(). Readings of the text where
   it leaves room are R1..R11 in ref_s8.h, named at the code that relies
   on them. Also here: the deterministic integers and the quantizer-style
   factors (qmul_of) that the int8 tests build their data from. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ref_s8.h"

static void *take(size_t bytes) { return check_plan_take(bytes); }
static int8_t *take8(size_t n) { return (int8_t *)take(n); }
static int32_t *take32(size_t n) { return (int32_t *)take(n * sizeof(int32_t)); }

/* ---- reference arithmetic (INT8 ARITHMETIC, in int64) -------------------- */

/* Counts breaches of a documented bound by the tests' own data ("cannot
   overflow", "fits int32", t <= 0): each group checks it stayed 0. */
int ref_breach;

int32_t sat32(i64 v) { return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v; }
/* a value the spec says fits int32 */
int32_t fit32(i64 v)
{
    if (v > INT32_MAX || v < INT32_MIN) ref_breach++;
    return sat32(v);
}
int8_t clamp8(i64 v, i64 lo, i64 hi) { return (int8_t)(v < lo ? lo : v > hi ? hi : v); }
int8_t clampq(i64 v) { return clamp8(v, -128, 127); }

/* a / b rounded to nearest, ties away from zero (b > 0): the remainder is
   compared with b exactly, no masks. */
i64 ref_div_round(i64 a, i64 b)
{
    i64 q = a / b, rem = a - q * b; /* C: q truncated toward zero, rem has a's sign */
    if (rem < 0) rem = -rem;
    if (2 * rem >= b) q += a < 0 ? -1 : 1;
    return q;
}
/* rshift(x, n) = x / 2^n rounded, ties away from zero */
i64 ref_rshift(i64 x, int n) { return n == 0 ? x : ref_div_round(x, P2(n)); }

/* requant(x, m): shift > 0: x * 2^shift saturated to int32; the doubling
   high multiply h = sat((x*m + nudge) / 2^31) with C's truncating division
   (R1); shift < 0: rshift(h, -shift). The caller keeps shift in -31..30. */
int32_t ref_requant(int32_t x, attn_qmul m)
{
    i64 v = x, ab, h;
    if (m.shift > 0) v = sat32(v * P2(m.shift));
    ab = v * (i64)m.multiplier; /* |ab| <= 2^62 */
    h = sat32((ab + (ab >= 0 ? P2(30) : 1 - P2(30))) / P2(31));
    if (m.shift < 0) h = ref_rshift(h, -m.shift);
    return (int32_t)h;
}

/* T[k] = round(2^30 * 2^(-k/128)), made here with pow() (checked below
   against the definition by exact bounds). */
int32_t ref_T[129];
u64 ref_S[24]; /* layer norm's 1/sqrt seed (R2) */
void ref_make_table(void)
{
    int k;
    for (k = 0; k <= 128; k++) ref_T[k] = (int32_t)floor(pow(2.0, 30.0 - k / 128.0) + 0.5);
    for (k = 0; k < 24; k++)
        ref_S[k] = (u64)floor(65536.0 / (sqrt((k + 8) / 8.0) + sqrt((k + 9) / 8.0)) + 0.5);
}

/* exp2(-u) in Q30 for u >= 0 in Q16: interpolated (floored), then v / 2^n floored */
i64 ref_exp2(i64 u)
{
    i64 n, f, i, r, v;
    if (u < 0) { /* softmax exponents are clamped to >= 0 */
        ref_breach++;
        u = 0;
    }
    n = u / 65536;
    f = u % 65536;
    i = f / 512;
    r = f % 512;
    v = ref_T[i] - (((i64)ref_T[i] - ref_T[i + 1]) * r) / 512; /* floored: both >= 0 */
    return n >= 62 ? 0 : v / P2((int)n);
}

/* floor(a / 2^n), by division (n <= 62) */
i64 ref_floor_p2(i64 a, int n)
{
    i64 b = P2(n), q = a / b;
    return q * b > a ? q - 1 : q;
}

/* layer norm's m ~ 2^61 / sqrt(n) for n in [2^60, 2^62): the seed and three
   Newton steps of INT8 ARITHMETIC, in int64 */
i64 ref_rsqrt_m(u64 n)
{
    i64 a = (i64)(n / P2(30)), y = (i64)ref_S[a / P2(27) - 8] * P2(16), t, w;
    int i;
    for (i = 0; i < 3; i++) {
        t = y * y / P2(32); /* both >= 0: division is the floor */
        w = a * t / P2(32);
        y += ref_floor_p2(y * (8 * (P2(28) - w)), 32);
    }
    return y < INT32_MAX ? y : INT32_MAX;
}

/* x / 2^k rounded, an exact half up, for x >= 0 and any k >= 1 (0 when
   x < 2^(k-1)): quotient and remainder, no shift past 63 */
u64 ref_shr_round(u64 x, int k)
{
    u64 q, rem;
    if (k >= 64) return 0; /* (x < 2^63 here, so x / 2^k < 1/2) */
    q = x >> k;
    rem = x - (q << k);
    return q + (rem >= ((u64)1 << (k - 1)) ? 1 : 0);
}

/* The row normaliser of INT8 ARITHMETIC: s = floor(log2 S) - 31,
   Sn = floor(S / 2^s) (2S for s = -1), R = floor((2^63 - 1) / Sn). */
int ref_sn_min_seen, ref_sn_max_seen; /* Sn reached 2^31 / came within 2^20 of 2^32 */
void ref_normalise(u64 s, u64 *r, int *sh)
{
    int b = 0;
    u64 sn;
    if (s < ((u64)1 << 30)) ref_breach++; /* the maximum alone gives 2^30 */
    while (b < 63 && (s >> (b + 1)) != 0) b++;
    *sh = b - 31;
    sn = *sh < 0 ? s * 2 : s / P2(*sh);
    if (sn < ((u64)1 << 31) || sn >= ((u64)1 << 32)) ref_breach++;
    if (sn == ((u64)1 << 31)) ref_sn_min_seen = 1;
    if (sn >= ((u64)1 << 32) - ((u64)1 << 20)) ref_sn_max_seen = 1;
    *r = (((u64)1 << 63) - 1) / sn;
}

/* u_j = max(0, requant(sat(mx - z_j), mul)), e_j = exp2(-u_j) */
u64 ref_softmax_e(int32_t z, int32_t mx, attn_qmul mul)
{
    i64 u = ref_requant(sat32((i64)mx - z), mul);
    return (u64)ref_exp2(u < 0 ? 0 : u);
}

/* Q15 probabilities p[j] of the visible (vis[j] != 0) entries z[j];
   invisible ones get 0. Returns how many were visible. q8 (may be NULL)
   gets attn_softmax_s8's output, min(255, round(e R / 2^(55+s))) - 128. */
int ref_softmax_q15(int32_t *p, int8_t *q8, const int32_t *z, const uint8_t *vis, int n,
                    attn_qmul mul)
{
    int j, cnt = 0, sh;
    int32_t mx = 0;
    u64 s = 0, r;
    for (j = 0; j < n; j++) {
        p[j] = 0;
        if (vis[j] && (cnt++ == 0 || z[j] > mx)) mx = z[j];
    }
    if (cnt == 0) return 0;
    for (j = 0; j < n; j++)
        if (vis[j]) s += ref_softmax_e(z[j], mx, mul);
    ref_normalise(s, &r, &sh);
    for (j = 0; j < n; j++)
        if (vis[j]) {
            u64 er = ref_softmax_e(z[j], mx, mul) * r, p15 = ref_shr_round(er, 48 + sh),
                y8 = ref_shr_round(er, 55 + sh);
            p[j] = (int32_t)(p15 > 32767 ? 32767 : p15);
            if (q8) q8[j] = (int8_t)((y8 > 255 ? 255 : (int)y8) - 128);
        }
    return cnt;
}

void ref_softmax_s8(int8_t *y, const int8_t *x, attn_qmul mul, int rows, int cols,
                    int32_t *z, int32_t *p, uint8_t *vis)
{
    int r, j;
    for (r = 0; r < rows; r++) {
        for (j = 0; j < cols; j++) {
            z[j] = x[(size_t)r * (size_t)cols + (size_t)j];
            vis[j] = 1;
        }
        ref_softmax_q15(p, y + (size_t)r * (size_t)cols, z, vis, cols, mul);
    }
}

void ref_linear(int8_t *y, const int8_t *x, const attn_linear_s8_params *p, int rows,
                int in, int out)
{
    int r, o, i;
    for (r = 0; r < rows; r++)
        for (o = 0; o < out; o++) {
            const int8_t *xr = x + (size_t)r * (size_t)in, *w = p->w + (size_t)o * (size_t)in;
            i64 sum = 0;
            for (i = 0; i < in; i++) sum += ((i64)xr[i] - p->in_zp) * w[i];
            fit32(sum); /* in <= 32768: the sum itself fits */
            y[(size_t)r * (size_t)out + (size_t)o] =
                clamp8(p->out_zp + (i64)ref_requant(sat32(sum + (p->bias ? p->bias[o] : 0)), p->requant[o]),
                       p->act_min, p->act_max);
        }
}

i64 ref_max_r; /* largest |r| a residual add produced */
void ref_add_wide(int32_t *r, const int8_t *a, const int8_t *b, int n, const attn_add_s8_params *p)
{
    int i;
    for (i = 0; i < n; i++) {
        r[i] = sat32((i64)ref_requant(a[i] - p->a_zp, p->a_mul) + ref_requant(b[i] - p->b_zp, p->b_mul));
        if (r[i] > ref_max_r) ref_max_r = r[i];
        if (-(i64)r[i] > ref_max_r) ref_max_r = -(i64)r[i];
    }
}
/* y may equal a or b; r [n] is scratch */
void ref_add(int8_t *y, const int8_t *a, const int8_t *b, int n, const attn_add_s8_params *p,
             int32_t *r)
{
    int i;
    ref_add_wide(r, a, b, n, p);
    for (i = 0; i < n; i++) y[i] = clampq(p->out_zp + (i64)ref_requant(r[i], p->out_mul));
}

/* The largest intermediates a layer norm row reached (for the bounds in
   the spec): |d*x_c - S1|, D, |z_c| and |(d*x_c - S1) * 2^L|. */
ref_ln_bounds ref_ln_max;

/* One layer norm row of width d over x (int8 widened, or the int32 sum). */
void ref_ln_row(int8_t *y, const int32_t *x, int d, const attn_layernorm_s8_params *p)
{
    i64 s1 = 0, s2 = 0, big, dk, m, mm;
    int c, k = 0, L;
    for (c = 0; c < d; c++) {
        s1 += x[c];
        s2 += (i64)x[c] * x[c];
    }
    big = (i64)d * s2 - s1 * s1;           /* >= 0 */
    big = big >= P2(62) - 1 - p->eps ? P2(62) - 1 : big + p->eps; /* min(.., 2^62 - 1), >= 1 */
    if (big > ref_ln_max.d) ref_ln_max.d = big;
    for (dk = big; dk < P2(60); dk *= 4) k++;
    m = ref_rsqrt_m((u64)dk);              /* dk in [2^60, 2^62) */
    /* M * 2^L = m * 2^(k-6) */
    L = k >= 6 ? k - 6 : 0;
    mm = k >= 6 ? m : ref_floor_p2(m + P2(5 - k), 6 - k);
    for (c = 0; c < d; c++) {
        i64 num = (i64)d * x[c] - s1, u = num * P2(L), z, h, g, t;
        z = ref_floor_p2(u * mm + P2(31), 32);
        h = ref_floor_p2(z * p->gamma[c].multiplier, 32);
        g = p->gamma[c].shift >= 6 ? sat32(h * P2(p->gamma[c].shift - 6))
                                   : ref_floor_p2(h, 6 - p->gamma[c].shift);
        t = ref_floor_p2(g + (p->beta ? p->beta[c] : 0) + P2(15), 16);
        fit32(num);
        fit32(u);
        fit32(z);
        if ((num < 0 ? -num : num) > ref_ln_max.num) ref_ln_max.num = num < 0 ? -num : num;
        if ((u < 0 ? -u : u) > ref_ln_max.u) ref_ln_max.u = u < 0 ? -u : u;
        if ((z < 0 ? -z : z) > ref_ln_max.z) ref_ln_max.z = z < 0 ? -z : z;
        y[c] = clampq(p->out_zp + t);
    }
}

/* int8 rows (y may equal x); tmp [cols] */
void ref_ln_s8(int8_t *y, const int8_t *x, const attn_layernorm_s8_params *p, int rows,
               int cols, int32_t *tmp)
{
    int r, c;
    for (r = 0; r < rows; r++) {
        for (c = 0; c < cols; c++) tmp[c] = x[(size_t)r * (size_t)cols + (size_t)c];
        ref_ln_row(y + (size_t)r * (size_t)cols, tmp, cols, p);
    }
}

void ref_pool(int8_t *out, const int8_t *x, const uint8_t *pad, attn_pooling pool, int seq,
              int d, int32_t zp)
{
    int r, c;
    for (c = 0; c < d; c++) {
        i64 sum = 0, cnt = 0;
        if (pool == ATTN_POOL_FIRST) { /* R9 */
            out[c] = x[c];
            continue;
        }
        for (r = 0; r < seq; r++)
            if (!pad || !pad[r]) {
                sum += x[(size_t)r * (size_t)d + (size_t)c] - zp;
                cnt++;
            }
        out[c] = clampq(zp + (cnt ? ref_div_round(sum, cnt) : 0));
    }
}


void lay_ws(ref_ws *w, int seq_q, int seq_kv, int d, int d_ff)
{
    size_t nq = (size_t)seq_q * (size_t)d, nkv = (size_t)seq_kv * (size_t)d;
    w->z = take32((size_t)seq_kv);
    w->p = take32((size_t)seq_kv);
    w->vis = (uint8_t *)take((size_t)seq_kv);
    w->q = take8(nq);
    w->k = take8(nkv);
    w->v = take8(nkv);
    w->ctx = take8(nq);
    w->sa = take8(nq);
    w->n1 = take8(nq);
    w->r = take32((size_t)d);
    w->h = take8((size_t)d_ff);
    w->f = take8((size_t)d);
    w->n2 = take8((size_t)d);
}

void ref_sdpa(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
              const uint8_t *pad, const attn_mha_cfg *cfg, const attn_sdpa_s8_params *p,
              ref_ws *w)
{
    int d = cfg->d_model, dh = d / cfg->n_heads, i, h, j, c;
    for (i = 0; i < cfg->seq_q; i++)
        for (h = 0; h < cfg->n_heads; h++) {
            const int8_t *qi = q + (size_t)i * (size_t)d + (size_t)(h * dh);
            int8_t *oi = out + (size_t)i * (size_t)d + (size_t)(h * dh);
            for (j = 0; j < cfg->seq_kv; j++) {
                const int8_t *kj = k + (size_t)j * (size_t)d + (size_t)(h * dh);
                i64 s = 0;
                for (c = 0; c < dh; c++) s += ((i64)qi[c] - p->q_zp) * ((i64)kj[c] - p->k_zp);
                w->z[j] = fit32(s);
                w->vis[j] = (uint8_t)(!(pad && pad[j]) && !(cfg->causal && j > i) && /* R5 */
                                     !(cfg->window > 0 && (j > i + cfg->window ||
                                                           i > j + cfg->window)));
            }
            if (!ref_softmax_q15(w->p, NULL, w->z, w->vis, cfg->seq_kv, p->score_mul)) {
                for (c = 0; c < dh; c++) oi[c] = clampq(p->out_zp);
                continue;
            }
            for (c = 0; c < dh; c++) {
                i64 acc = 0;
                for (j = 0; j < cfg->seq_kv; j++)
                    acc += (i64)w->p[j] * ((i64)v[(size_t)j * (size_t)d + (size_t)(h * dh) + (size_t)c] - p->v_zp);
                oi[c] = clampq(p->out_zp + (i64)ref_requant(fit32(acc), p->ctx_mul));
            }
        }
}

void ref_mha(int8_t *out, const int8_t *xq, const int8_t *xkv, const uint8_t *pad,
             const attn_mha_cfg *cfg, const attn_mha_s8_params *p, ref_ws *w)
{
    int d = cfg->d_model;
    ref_linear(w->q, xq, &p->q, cfg->seq_q, d, d);
    ref_linear(w->k, xkv, &p->k, cfg->seq_kv, d, d);
    ref_linear(w->v, xkv, &p->v, cfg->seq_kv, d, d);
    ref_sdpa(w->ctx, w->q, w->k, w->v, pad, cfg, &p->sdpa, w);
    ref_linear(out, w->ctx, &p->o, cfg->seq_q, d, d);
}

/* FF of one row: f = ff2(act(ff1(x))) (R6) */
void ref_ff(int8_t *f, const int8_t *x, const attn_encoder_layer_s8_params *L, int d, int ff,
            ref_ws *w)
{
    int i;
    ref_linear(w->h, x, &L->ff1, 1, d, ff);
    if (L->gelu_table)
        for (i = 0; i < ff; i++) w->h[i] = L->gelu_table[w->h[i] + 128];
    ref_linear(f, w->h, &L->ff2, 1, ff, d);
}

/* One layer in place, as attn_encoder_layer_s8_params' comment says:
     post-norm: r = add1(x, SA(x)) wide; x = LN1(r); r = add2(x, FF(x)); x = LN2(r)
     pre-norm:  x = add1(x, SA(LN1(x))); x = add2(x, FF(LN2(x)))   (int8 adds)
   SA takes its keys and values from the same tensor as its queries. */
void ref_layer(int8_t *x, int seq, const uint8_t *pad, const attn_encoder_cfg *cfg,
               const attn_encoder_layer_s8_params *L, ref_ws *w)
{
    ref_layer_cls(x, seq, pad, cfg, L, NULL, w);
}

void ref_layer_cls(int8_t *x, int seq, const uint8_t *pad, const attn_encoder_cfg *cfg,
                   const attn_encoder_layer_s8_params *L, const attn_cls_layer_s8_params *c0,
                   ref_ws *w)
{
    int d = cfg->d_model, ff = cfg->d_ff, i;
    attn_mha_cfg mc = {0};
    mc.seq_q = mc.seq_kv = seq;
    mc.d_model = d;
    mc.n_heads = cfg->n_heads;
    mc.causal = cfg->causal;
    mc.window = cfg->window;
    if (!cfg->norm_first) {
        ref_mha(w->sa, x, x, pad, &mc, &L->attn, w);
        for (i = 0; i < seq; i++) {
            int8_t *xi = x + (size_t)i * (size_t)d;
            ref_add_wide(w->r, xi, w->sa + (size_t)i * (size_t)d, d, &L->add1);
            ref_ln_row(xi, w->r, d, &L->norm1);
            ref_ff(w->f, xi, L, d, ff, w);
            ref_add_wide(w->r, xi, w->f, d, &L->add2);
            ref_ln_row(xi, w->r, d, &L->norm2);
        }
    } else {
        /* row 0 with c0: its own adds and norms (attn_cls_row_s8_params) */
        for (i = 0; i < seq; i++)
            ref_ln_s8(w->n1 + (size_t)i * (size_t)d, x + (size_t)i * (size_t)d,
                      i == 0 && c0 ? &c0->norm1 : &L->norm1, 1, d, w->r);
        ref_mha(w->sa, w->n1, w->n1, pad, &mc, &L->attn, w);
        for (i = 0; i < seq; i++) {
            int8_t *xi = x + (size_t)i * (size_t)d;
            int own = i == 0 && c0;
            ref_add(xi, xi, w->sa + (size_t)i * (size_t)d, d, own ? &c0->add1 : &L->add1, w->r);
            ref_ln_s8(w->n2, xi, own ? &c0->norm2 : &L->norm2, 1, d, w->r);
            ref_ff(w->f, w->n2, L, d, ff, w);
            ref_add(xi, xi, w->f, d, own ? &c0->add2 : &L->add2, w->r);
        }
    }
}

/* ---- test data: not the reference, shared by the int8 groups ------------- */

/* ---- deterministic integers (xorshift32: the same on every core) -------- */

static uint32_t g_rs = 1;
void rs_seed(uint32_t s)
{
    g_rs = s * 2654435761u + 0x9E3779B9u;
    if (!g_rs) g_rs = 1;
}
uint32_t rs_next(void)
{
    g_rs ^= g_rs << 13;
    g_rs ^= g_rs >> 17;
    g_rs ^= g_rs << 5;
    return g_rs;
}
/* uniform in [lo, hi], hi - lo < 2^32 */
int32_t rs_int(i64 lo, i64 hi) { return (int32_t)(lo + (i64)((u64)rs_next() % (u64)(hi - lo + 1))); }
double rs_unit(void) { return (double)rs_next() * (1.0 / 4294967296.0); }
/* a zero point: the extremes -128 and 127 a quarter of the time */
int32_t rs_zp(void)
{
    uint32_t k = rs_next() % 8;
    return k == 0 ? -128 : k == 1 ? 127 : rs_int(-100, 100);
}
void rs_fill(int8_t *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = (int8_t)rs_int(-128, 127);
}

/* ---- parameters as a quantizer would make them --------------------------- */

/* f as m * 2^shift / 2^31, |m| in [2^30, 2^31) (written here, not the library's) */
attn_qmul qmul_of(double f)
{
    attn_qmul q = {0, 0};
    int e;
    i64 m;
    if (f == 0.0) return q;
    m = (i64)floor(frexp(fabs(f), &e) * 2147483648.0 + 0.5);
    if (m == P2(31)) {
        m /= 2;
        e++;
    }
    for (; e < -31; e++) m = (m + 1) / 2;
    if (e > 30) {
        m = INT32_MAX;
        e = 30;
    }
    q.multiplier = (int32_t)(f < 0 ? -m : m);
    q.shift = e;
    return q;
}
/* f times a random factor in [1/2, 2) */
attn_qmul qmul_near(double f) { return qmul_of(f * pow(2.0, 2.0 * rs_unit() - 1.0)); }
/* anything in the documented range */
attn_qmul qmul_any(void)
{
    attn_qmul q;
    q.multiplier = rs_int(-INT32_MAX, INT32_MAX);
    q.shift = rs_int(-31, 30);
    return q;
}
