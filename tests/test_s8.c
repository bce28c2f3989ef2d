/* The int8 (_s8) kernels, bit for bit. Every integer step is recomputed by a
   slow reference written from attention.h's documentation (the INT8
   ARITHMETIC section and the comments of the _s8 parameter structs), never
   from the implementation: int64/uint64 throughout, divisions and exact
   remainder comparisons where the library may use masks and shifts, its own
   exp2 table made with pow(), its own 1/sqrt seed table made with sqrt().
   The library must agree byte for byte, on every core.

   Groups: the reference's own checks (exp2 table and error, the layer
   norm's 1/sqrt);
   attn_requantize edge cases; element-wise ops; linear; softmax; layer norm
   (tables, then the widest rows: overflow and UB); pooling; attention;
   multi-head attention; encoder layers and stacks; accuracy against double
   precision; bad input for every int8 function.

   Readings of the spec taken here, where its text leaves room (each also
   named at the code that relies on it):
   R1  requant: the doubling high multiply is the formula in attn_requantize's
       comment (nudge 2^30, or 1 - 2^30 for a negative product, then division
       truncating toward zero). That rounds an exact half of x*m/2^31 UP
       (-0.5 -> 0, -1.5 -> -1), as TFLite/gemmlowp do; "ties round away from
       zero" is true only of the rounding right shift that follows. The
       formula wins.
   R2  layer norm: "round(2^16 / (sqrt(i/8) + sqrt((i+1)/8)))" is of the real
       value (the reference makes its seed table with sqrt(), away from ties).
   R3  layer norm: d*S2 - S1^2 is never negative (d times a sum of squares
       about the mean), so D needs no clamp from below but eps's >= 1.
   R4  exp2's "relative error < 2^-18" is the Q30 value v before the shift
       by n; after v / 2^n (floored) the error is that plus one LSB.
   R5  causal with seq_q != seq_kv: query i sees keys j <= i (PyTorch's
       triu(ones(seq_q, seq_kv), 1)).
   R6  encoder FF: ff1's own act_min/act_max always apply; gelu_table, when
       not NULL, maps ff1's output; cfg->activation does not change the
       arithmetic. The cases keep the two consistent (ReLU: table NULL and
       ff1.act_min = ff1.out_zp; GELU: a table).
   R7  a layer norm's gamma is required (NULL -> ATTN_ERR_NULL): in int8 it
       carries 1/out_scale, so there is no "ones" default as in float.
   R8  every shift a call will use is range-checked before work starts,
       including each channel of linear requant[] and layer norm gamma[].
   R9  attn_pool_s8 with ATTN_POOL_FIRST ignores key_padding (as float).
   R10 in place: attn_layernorm_s8 (y == x) like its float twin, and
       attn_add_s8 with y == a or y == b ("element-wise ops: y may equal x").
   R11 bad input where the text is silent: a scratch query refuses what its
       call refuses (encoder d_model > 2048, MHA d_model > 32768, a
       nonexistent activation); sizes whose byte counts overflow a 32-bit
       size_t give ATTN_ERR_TOO_LARGE there (on 64-bit, ATTN_ERR_ARENA). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"

typedef int64_t i64;
typedef uint64_t u64;

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define P2(n) ((i64)1 << (n))
#define GUARD 16              /* sentinel bytes after every library output */
#define SENT ((int8_t)0x5A)

/* ---- deterministic integers (xorshift32: the same on every core) -------- */

static uint32_t g_rs = 1;
static void rs_seed(uint32_t s)
{
    g_rs = s * 2654435761u + 0x9E3779B9u;
    if (!g_rs) g_rs = 1;
}
static uint32_t rs_next(void)
{
    g_rs ^= g_rs << 13;
    g_rs ^= g_rs >> 17;
    g_rs ^= g_rs << 5;
    return g_rs;
}
/* uniform in [lo, hi], hi - lo < 2^32 */
static int32_t rs_int(i64 lo, i64 hi) { return (int32_t)(lo + (i64)((u64)rs_next() % (u64)(hi - lo + 1))); }
static double rs_unit(void) { return (double)rs_next() * (1.0 / 4294967296.0); }
/* a zero point: the extremes -128 and 127 a quarter of the time */
static int32_t rs_zp(void)
{
    uint32_t k = rs_next() % 8;
    return k == 0 ? -128 : k == 1 ? 127 : rs_int(-100, 100);
}
static void rs_fill(int8_t *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = (int8_t)rs_int(-128, 127);
}

/* ---- pool: each case's layout runs twice, counting, then for real -------- */

static int g_counting;
static size_t g_need;
static void *take(size_t bytes)
{
    if (g_counting) {
        g_need += check_block(bytes);
        return NULL;
    }
    return check_take(bytes);
}
/* pass 0 counts what the case needs, pass 1 takes it from a fresh pool */
static void plan_pass(int pass)
{
    check_pool_reset();
    g_counting = pass == 0;
    if (pass == 0) g_need = 0;
}
static int plan_fits(int pass, const char *group, int t)
{
    if (pass != 0) return 1;
    return check_fits(g_need, "int8 %s case %d", group, t);
}
static int8_t *take8(size_t n) { return (int8_t *)take(n); }
static int32_t *take32(size_t n) { return (int32_t *)take(n * sizeof(int32_t)); }
/* a library output: n bytes and GUARD sentinels after them */
static int8_t *take_out(size_t n) { return (int8_t *)take(n + GUARD); }
static void sentinel(int8_t *y, size_t n) { memset(y, SENT, n + GUARD); }

/* ---- per-group tallies --------------------------------------------------- */

static int g_cases, g_fails, g_left;
#define CASE(ok, ...) (g_cases++, check((ok), __VA_ARGS__) ? 1 : (g_fails++, 0))
static void group_begin(void) { g_cases = g_fails = g_left = 0; }
static void group_end(const char *name)
{
    printf("int8 %s: %d checks, %s", name, g_cases,
           g_fails ? "SOME DIFFER (FAIL lines above)" : "all matched");
    if (g_left) printf(", %d left out", g_left);
    printf("\n");
}

typedef struct {
    long n, at;
    int got, want;
} diff8;

/* FNV-1a over every library output compared here: printed at the end, so
   tests/run_suite.sh can check that every build (host and each core) made
   the same int8 bytes, not only bytes equal to its own reference. */
static uint32_t g_out_hash = 2166136261u;
static unsigned long g_out_bytes;

static diff8 cmp8(const int8_t *got, const int8_t *want, size_t n)
{
    diff8 d = {0, -1, 0, 0};
    size_t i;
    for (i = 0; i < n; i++) g_out_hash = (g_out_hash ^ (uint8_t)got[i]) * 16777619u;
    g_out_bytes += (unsigned long)n;
    for (i = 0; i < n; i++)
        if (got[i] != want[i] && d.n++ == 0) {
            d.at = (long)i;
            d.got = got[i];
            d.want = want[i];
        }
    return d;
}

static int guard_ok(const int8_t *p)
{
    int i;
    for (i = 0; i < GUARD; i++)
        if (p[i] != SENT) return 0;
    return 1;
}

/* One case: status OK, n bytes equal to the reference, nothing past them. */
static int expect_same(attn_status st, const int8_t *got, const int8_t *want, size_t n,
                       const char *what, int t)
{
    diff8 d = cmp8(got, want, n);
    int g = guard_ok(got + n);
    return CASE(st == ATTN_OK && d.n == 0 && g,
                "int8 %s case %d: %s, %ld of %lu bytes differ (first at %ld: got %d, want %d)%s",
                what, t, attn_status_str(st), d.n, (unsigned long)n, d.at, d.got, d.want,
                g ? "" : ", wrote past the end");
}

/* ---- reference arithmetic (INT8 ARITHMETIC, in int64) -------------------- */

/* Counts breaches of a documented bound by the tests' own data ("cannot
   overflow", "fits int32", t <= 0): each group checks it stayed 0. */
static int g_ref_breach;

static int32_t sat32(i64 v) { return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v; }
/* a value the spec says fits int32 */
static int32_t fit32(i64 v)
{
    if (v > INT32_MAX || v < INT32_MIN) g_ref_breach++;
    return sat32(v);
}
static int8_t clamp8(i64 v, i64 lo, i64 hi) { return (int8_t)(v < lo ? lo : v > hi ? hi : v); }
static int8_t clampq(i64 v) { return clamp8(v, -128, 127); }

/* a / b rounded to nearest, ties away from zero (b > 0): the remainder is
   compared with b exactly, no masks. */
static i64 ref_div_round(i64 a, i64 b)
{
    i64 q = a / b, rem = a - q * b; /* C: q truncated toward zero, rem has a's sign */
    if (rem < 0) rem = -rem;
    if (2 * rem >= b) q += a < 0 ? -1 : 1;
    return q;
}
/* rshift(x, n) = x / 2^n rounded, ties away from zero */
static i64 ref_rshift(i64 x, int n) { return n == 0 ? x : ref_div_round(x, P2(n)); }

/* requant(x, m): shift > 0: x * 2^shift saturated to int32; the doubling
   high multiply h = sat((x*m + nudge) / 2^31) with C's truncating division
   (R1); shift < 0: rshift(h, -shift). The caller keeps shift in -31..30. */
static int32_t ref_requant(int32_t x, attn_qmul m)
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
static int32_t g_T[129];
static u64 g_S[24]; /* layer norm's 1/sqrt seed (R2) */
static void ref_make_table(void)
{
    int k;
    for (k = 0; k <= 128; k++) g_T[k] = (int32_t)floor(pow(2.0, 30.0 - k / 128.0) + 0.5);
    for (k = 0; k < 24; k++)
        g_S[k] = (u64)floor(65536.0 / (sqrt((k + 8) / 8.0) + sqrt((k + 9) / 8.0)) + 0.5);
}

/* exp2(-u) in Q30 for u >= 0 in Q16: interpolated (floored), then v / 2^n floored */
static i64 ref_exp2(i64 u)
{
    i64 n, f, i, r, v;
    if (u < 0) { /* softmax exponents are clamped to >= 0 */
        g_ref_breach++;
        u = 0;
    }
    n = u / 65536;
    f = u % 65536;
    i = f / 512;
    r = f % 512;
    v = g_T[i] - (((i64)g_T[i] - g_T[i + 1]) * r) / 512; /* floored: both >= 0 */
    return n >= 62 ? 0 : v / P2((int)n);
}

/* floor(a / 2^n), by division (n <= 62) */
static i64 ref_floor_p2(i64 a, int n)
{
    i64 b = P2(n), q = a / b;
    return q * b > a ? q - 1 : q;
}

/* layer norm's m ~ 2^61 / sqrt(n) for n in [2^60, 2^62): the seed and three
   Newton steps of INT8 ARITHMETIC, in int64 */
static i64 ref_rsqrt_m(u64 n)
{
    i64 a = (i64)(n / P2(30)), y = (i64)g_S[a / P2(27) - 8] * P2(16), t, w;
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
static u64 ref_shr_round(u64 x, int k)
{
    u64 q, rem;
    if (k >= 64) return 0; /* (x < 2^63 here, so x / 2^k < 1/2) */
    q = x >> k;
    rem = x - (q << k);
    return q + (rem >= ((u64)1 << (k - 1)) ? 1 : 0);
}

/* The row normaliser of INT8 ARITHMETIC: s = floor(log2 S) - 31,
   Sn = floor(S / 2^s) (2S for s = -1), R = floor((2^63 - 1) / Sn). */
static int g_sn_min_seen, g_sn_max_seen; /* Sn reached 2^31 / came within 2^20 of 2^32 */
static void ref_normalise(u64 s, u64 *r, int *sh)
{
    int b = 0;
    u64 sn;
    if (s < ((u64)1 << 30)) g_ref_breach++; /* the maximum alone gives 2^30 */
    while (b < 63 && (s >> (b + 1)) != 0) b++;
    *sh = b - 31;
    sn = *sh < 0 ? s * 2 : s / P2(*sh);
    if (sn < ((u64)1 << 31) || sn >= ((u64)1 << 32)) g_ref_breach++;
    if (sn == ((u64)1 << 31)) g_sn_min_seen = 1;
    if (sn >= ((u64)1 << 32) - ((u64)1 << 20)) g_sn_max_seen = 1;
    *r = (((u64)1 << 63) - 1) / sn;
}

/* u_j = max(0, requant(sat(mx - z_j), mul)), e_j = exp2(-u_j) */
static u64 ref_softmax_e(int32_t z, int32_t mx, attn_qmul mul)
{
    i64 u = ref_requant(sat32((i64)mx - z), mul);
    return (u64)ref_exp2(u < 0 ? 0 : u);
}

/* Q15 probabilities p[j] of the visible (vis[j] != 0) entries z[j];
   invisible ones get 0. Returns how many were visible. q8 (may be NULL)
   gets attn_softmax_s8's output, min(255, round(e R / 2^(55+s))) - 128. */
static int ref_softmax_q15(int32_t *p, int8_t *q8, const int32_t *z, const uint8_t *vis, int n,
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

static void ref_softmax_s8(int8_t *y, const int8_t *x, attn_qmul mul, int rows, int cols,
                           int32_t *z, int32_t *p, uint8_t *vis)
{
    int r, j;
    for (r = 0; r < rows; r++) {
        for (j = 0; j < cols; j++) {
            z[j] = x[(size_t)r * cols + j];
            vis[j] = 1;
        }
        ref_softmax_q15(p, y + (size_t)r * cols, z, vis, cols, mul);
    }
}

static void ref_linear(int8_t *y, const int8_t *x, const attn_linear_s8_params *p, int rows,
                       int in, int out)
{
    int r, o, i;
    for (r = 0; r < rows; r++)
        for (o = 0; o < out; o++) {
            const int8_t *xr = x + (size_t)r * in, *w = p->w + (size_t)o * in;
            i64 sum = 0;
            for (i = 0; i < in; i++) sum += ((i64)xr[i] - p->in_zp) * w[i];
            fit32(sum); /* in <= 32768: the sum itself fits */
            y[(size_t)r * out + o] =
                clamp8(p->out_zp + (i64)ref_requant(sat32(sum + (p->bias ? p->bias[o] : 0)), p->requant[o]),
                       p->act_min, p->act_max);
        }
}

static i64 g_max_r; /* largest |r| a residual add produced */
static void ref_add_wide(int32_t *r, const int8_t *a, const int8_t *b, int n, const attn_add_s8_params *p)
{
    int i;
    for (i = 0; i < n; i++) {
        r[i] = sat32((i64)ref_requant(a[i] - p->a_zp, p->a_mul) + ref_requant(b[i] - p->b_zp, p->b_mul));
        if (r[i] > g_max_r) g_max_r = r[i];
        if (-(i64)r[i] > g_max_r) g_max_r = -(i64)r[i];
    }
}
/* y may equal a or b; r [n] is scratch */
static void ref_add(int8_t *y, const int8_t *a, const int8_t *b, int n, const attn_add_s8_params *p,
                    int32_t *r)
{
    int i;
    ref_add_wide(r, a, b, n, p);
    for (i = 0; i < n; i++) y[i] = clampq(p->out_zp + (i64)ref_requant(r[i], p->out_mul));
}

/* The largest intermediates a layer norm row reached (for the bounds in
   the spec): |d*x_c - S1|, D, |z_c| and |(d*x_c - S1) * 2^L|. */
static struct {
    i64 num, d, z, u;
} g_ln_max;

/* One layer norm row of width d over x (int8 widened, or the int32 sum). */
static void ref_ln_row(int8_t *y, const int32_t *x, int d, const attn_layernorm_s8_params *p)
{
    i64 s1 = 0, s2 = 0, big, dk, m, mm;
    int c, k = 0, L;
    for (c = 0; c < d; c++) {
        s1 += x[c];
        s2 += (i64)x[c] * x[c];
    }
    big = (i64)d * s2 - s1 * s1;           /* >= 0 */
    big = big >= P2(62) - 1 - p->eps ? P2(62) - 1 : big + p->eps; /* min(.., 2^62 - 1), >= 1 */
    if (big > g_ln_max.d) g_ln_max.d = big;
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
        if ((num < 0 ? -num : num) > g_ln_max.num) g_ln_max.num = num < 0 ? -num : num;
        if ((u < 0 ? -u : u) > g_ln_max.u) g_ln_max.u = u < 0 ? -u : u;
        if ((z < 0 ? -z : z) > g_ln_max.z) g_ln_max.z = z < 0 ? -z : z;
        y[c] = clampq(p->out_zp + t);
    }
}

/* int8 rows (y may equal x); tmp [cols] */
static void ref_ln_s8(int8_t *y, const int8_t *x, const attn_layernorm_s8_params *p, int rows,
                      int cols, int32_t *tmp)
{
    int r, c;
    for (r = 0; r < rows; r++) {
        for (c = 0; c < cols; c++) tmp[c] = x[(size_t)r * cols + c];
        ref_ln_row(y + (size_t)r * cols, tmp, cols, p);
    }
}

static void ref_pool(int8_t *out, const int8_t *x, const uint8_t *pad, attn_pooling pool, int seq,
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
                sum += x[(size_t)r * d + c] - zp;
                cnt++;
            }
        out[c] = clampq(zp + (cnt ? ref_div_round(sum, cnt) : 0));
    }
}

/* Working memory of the attention and encoder references. */
typedef struct {
    int32_t *z, *p;            /* [seq_kv] scores, Q15 probabilities */
    uint8_t *vis;              /* [seq_kv] 1 = key visible */
    int8_t *q, *k, *v, *ctx;   /* projections [seq][d] */
    int8_t *sa, *n1;           /* [seq][d] attention output, LN1(x) */
    int32_t *r;                /* [d] a wide row */
    int8_t *h, *f, *n2;        /* [d_ff], [d], [d] one feed-forward row */
} ref_ws;

static void lay_ws(ref_ws *w, int seq_q, int seq_kv, int d, int d_ff)
{
    size_t nq = (size_t)seq_q * d, nkv = (size_t)seq_kv * d;
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

static void ref_sdpa(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
                     const uint8_t *pad, const attn_mha_cfg *cfg, const attn_sdpa_s8_params *p,
                     ref_ws *w)
{
    int d = cfg->d_model, dh = d / cfg->n_heads, i, h, j, c;
    for (i = 0; i < cfg->seq_q; i++)
        for (h = 0; h < cfg->n_heads; h++) {
            const int8_t *qi = q + (size_t)i * d + h * dh;
            int8_t *oi = out + (size_t)i * d + h * dh;
            for (j = 0; j < cfg->seq_kv; j++) {
                const int8_t *kj = k + (size_t)j * d + h * dh;
                i64 s = 0;
                for (c = 0; c < dh; c++) s += ((i64)qi[c] - p->q_zp) * ((i64)kj[c] - p->k_zp);
                w->z[j] = fit32(s);
                w->vis[j] = (uint8_t)(!(pad && pad[j]) && !(cfg->causal && j > i)); /* R5 */
            }
            if (!ref_softmax_q15(w->p, NULL, w->z, w->vis, cfg->seq_kv, p->score_mul)) {
                for (c = 0; c < dh; c++) oi[c] = clampq(p->out_zp);
                continue;
            }
            for (c = 0; c < dh; c++) {
                i64 acc = 0;
                for (j = 0; j < cfg->seq_kv; j++)
                    acc += (i64)w->p[j] * ((i64)v[(size_t)j * d + h * dh + c] - p->v_zp);
                oi[c] = clampq(p->out_zp + (i64)ref_requant(fit32(acc), p->ctx_mul));
            }
        }
}

static void ref_mha(int8_t *out, const int8_t *xq, const int8_t *xkv, const uint8_t *pad,
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
static void ref_ff(int8_t *f, const int8_t *x, const attn_encoder_layer_s8_params *L, int d, int ff,
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
static void ref_layer(int8_t *x, int seq, const uint8_t *pad, const attn_encoder_cfg *cfg,
                      const attn_encoder_layer_s8_params *L, ref_ws *w)
{
    int d = cfg->d_model, ff = cfg->d_ff, i;
    attn_mha_cfg mc;
    mc.seq_q = mc.seq_kv = seq;
    mc.d_model = d;
    mc.n_heads = cfg->n_heads;
    mc.causal = cfg->causal;
    if (!cfg->norm_first) {
        ref_mha(w->sa, x, x, pad, &mc, &L->attn, w);
        for (i = 0; i < seq; i++) {
            int8_t *xi = x + (size_t)i * d;
            ref_add_wide(w->r, xi, w->sa + (size_t)i * d, d, &L->add1);
            ref_ln_row(xi, w->r, d, &L->norm1);
            ref_ff(w->f, xi, L, d, ff, w);
            ref_add_wide(w->r, xi, w->f, d, &L->add2);
            ref_ln_row(xi, w->r, d, &L->norm2);
        }
    } else {
        ref_ln_s8(w->n1, x, &L->norm1, seq, d, w->r);
        ref_mha(w->sa, w->n1, w->n1, pad, &mc, &L->attn, w);
        for (i = 0; i < seq; i++) {
            int8_t *xi = x + (size_t)i * d;
            ref_add(xi, xi, w->sa + (size_t)i * d, d, &L->add1, w->r);
            ref_ln_s8(w->n2, xi, &L->norm2, 1, d, w->r);
            ref_ff(w->f, w->n2, L, d, ff, w);
            ref_add(xi, xi, w->f, d, &L->add2, w->r);
        }
    }
}

/* ---- parameters as a quantizer would make them --------------------------- */

/* f as m * 2^shift / 2^31, |m| in [2^30, 2^31) (written here, not the library's) */
static attn_qmul qmul_of(double f)
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
static attn_qmul qmul_near(double f) { return qmul_of(f * pow(2.0, 2.0 * rs_unit() - 1.0)); }
/* anything in the documented range */
static attn_qmul qmul_any(void)
{
    attn_qmul q;
    q.multiplier = rs_int(-INT32_MAX, INT32_MAX);
    q.shift = rs_int(-31, 30);
    return q;
}

/* Layouts take the arrays (and only store pointers; p may be NULL while
   counting); fills write them. */
static void lay_linear(attn_linear_s8_params *p, int in, int out)
{
    const int8_t *w = take8((size_t)in * out);
    const int32_t *b = take32((size_t)out);
    const attn_qmul *q = (const attn_qmul *)take((size_t)out * sizeof(attn_qmul));
    if (!p) return;
    p->w = w;
    p->bias = b;
    p->requant = q;
    p->fused_bias = NULL;
}

enum { LIN_TYPICAL, LIN_ANY_QMUL, LIN_BIAS_EXTREME, LIN_NO_BIAS, LIN_EXTREME_DATA };

static void fill_linear(attn_linear_s8_params *p, int in, int out, int32_t in_zp, int32_t out_zp,
                        int mode)
{
    int8_t *w = (int8_t *)p->w;
    int32_t *b = (int32_t *)p->bias;
    attn_qmul *rq = (attn_qmul *)p->requant;
    /* x uniform int8 (sd 74) less in_zp, w uniform int8: the sum's spread */
    double acc_sd = sqrt((double)in) * 74.0 * sqrt(74.0 * 74.0 + (double)in_zp * in_zp);
    size_t i, n = (size_t)in * out;
    int o;
    p->in_zp = in_zp;
    p->out_zp = out_zp;
    p->act_min = -128;
    p->act_max = 127;
    for (i = 0; i < n; i++)
        w[i] = (int8_t)(mode == LIN_EXTREME_DATA ? (i / (size_t)in % 2 ? 127 : -128) : rs_int(-128, 127));
    for (o = 0; o < out; o++) {
        b[o] = rs_int((i64)-acc_sd, (i64)acc_sd);
        if (mode == LIN_BIAS_EXTREME || mode == LIN_EXTREME_DATA)
            b[o] = o % 3 == 0 ? INT32_MAX : o % 3 == 1 ? INT32_MIN : INT32_MAX - rs_int(0, 100000);
        rq[o] = mode == LIN_ANY_QMUL ? qmul_any() : qmul_near(40.0 / acc_sd);
    }
    if (mode == LIN_NO_BIAS) p->bias = NULL;
}

enum { SC_TYPICAL, SC_SHARP, SC_FLAT, SC_ZERO, SC_ANY };
enum { CT_TYPICAL, CT_ANY };

static void fill_sdpa(attn_sdpa_s8_params *p, int d_head, int32_t zq, int32_t zk, int32_t zv,
                      int32_t zo, int score, int ctx)
{
    p->q_zp = zq;
    p->k_zp = zk;
    p->v_zp = zv;
    p->out_zp = zo;
    /* typical: scores of std ~5500 sqrt(d_head) become exponents of ~1.5 */
    p->score_mul = score == SC_SHARP ? qmul_near(5000.0) : score == SC_FLAT ? qmul_near(0.01)
                 : score == SC_TYPICAL ? qmul_near(18.0 / sqrt((double)d_head)) : qmul_of(0.0);
    if (score == SC_ANY) { /* any non-negative multiplier and shift */
        p->score_mul.multiplier = rs_int(0, INT32_MAX);
        p->score_mul.shift = rs_int(-31, 30);
    }
    p->ctx_mul = ctx == CT_ANY ? qmul_any() : qmul_near(0.7 / 32768.0);
}

static void lay_mha(attn_mha_s8_params *p, int d)
{
    lay_linear(p ? &p->q : NULL, d, d);
    lay_linear(p ? &p->k : NULL, d, d);
    lay_linear(p ? &p->v : NULL, d, d);
    lay_linear(p ? &p->o : NULL, d, d);
}

/* zero points consistent as the quantizer makes them */
static void fill_mha(attn_mha_s8_params *p, int d, int heads, int32_t zq_in, int32_t zkv_in)
{
    int32_t zq = rs_zp(), zk = rs_zp(), zv = rs_zp(), zc = rs_zp();
    fill_linear(&p->q, d, d, zq_in, zq, LIN_TYPICAL);
    fill_linear(&p->k, d, d, zkv_in, zk, LIN_TYPICAL);
    fill_linear(&p->v, d, d, zkv_in, zv, LIN_TYPICAL);
    fill_sdpa(&p->sdpa, d / heads, zq, zk, zv, zc, SC_TYPICAL, CT_TYPICAL);
    fill_linear(&p->o, d, d, zc, rs_zp(), LIN_TYPICAL);
}

static void lay_ln(attn_layernorm_s8_params *p, int d)
{
    const attn_qmul *g = (const attn_qmul *)take((size_t)d * sizeof(attn_qmul));
    const int32_t *b = take32((size_t)d);
    if (!p) return;
    p->gamma = g;
    p->beta = b;
}

enum { LN_TYPICAL, LN_ANY_GAMMA, LN_NEG_GAMMA, LN_HUGE_EPS, LN_NO_BETA, LN_WILD };

/* z is the normalised value in Q16: gamma/out_scale ~ 32 maps +-4 onto the
   int8 range, beta/out_scale * 2^16 ~ +-16 LSB; LN_WILD: any gamma, any int32 beta
   (every shift direction and saturation of the spec) */
static void fill_ln(attn_layernorm_s8_params *p, int d, int32_t out_zp, int mode)
{
    attn_qmul *g = (attn_qmul *)p->gamma;
    int32_t *b = (int32_t *)p->beta;
    int c;
    for (c = 0; c < d; c++) {
        g[c] = mode == LN_ANY_GAMMA || mode == LN_WILD ? qmul_any()
             : qmul_near(mode == LN_NEG_GAMMA || rs_next() % 8 == 0 ? -32.0 : 32.0);
        b[c] = mode == LN_WILD ? rs_int(INT32_MIN, INT32_MAX) : rs_int(-(1 << 20), 1 << 20);
    }
    p->eps = mode == LN_HUGE_EPS ? P2(62) + rs_int(0, 1 << 30) : (i64)rs_int(1, 1 << 20);
    p->out_zp = out_zp;
    if (mode == LN_NO_BETA) p->beta = NULL;
}

enum { ADD_TYPICAL, ADD_ANY, ADD_SAT };

/* the larger scale maps to 2^9 (s_r = max scale / 2^9), the other below */
static void fill_add(attn_add_s8_params *p, int32_t a_zp, int32_t b_zp, int32_t out_zp, int mode)
{
    attn_qmul big = qmul_of(512.0), small = qmul_of(512.0 * (0.1 + 0.9 * rs_unit()));
    int a_big = (int)(rs_next() & 1);
    p->a_zp = a_zp;
    p->b_zp = b_zp;
    p->out_zp = out_zp;
    p->a_mul = a_big ? big : small;
    p->b_mul = a_big ? small : big;
    p->out_mul = qmul_near(0.5 / 512.0);
    if (mode == ADD_ANY) {
        p->a_mul = qmul_any();
        p->b_mul = qmul_any();
        p->out_mul = qmul_any();
    }
    if (mode == ADD_SAT) { /* each term near +-2^30: their sum saturates int32, then / 2^25 */
        p->a_mul.multiplier = p->b_mul.multiplier = p->out_mul.multiplier = 1 << 30;
        p->a_mul.shift = p->b_mul.shift = 30;
        p->out_mul.shift = -24;
    }
}

/* the quantizer's GELU: input scale 0.05 around in_zp, output scale 0.04 */
static void fill_gelu_table(int8_t *t, int32_t in_zp, int32_t out_zp)
{
    int i;
    for (i = 0; i < 256; i++) {
        double x = (i - 128 - in_zp) * 0.05, g = 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
        t[i] = clampq((i64)floor(g / 0.04 + 0.5) + out_zp);
    }
}

static void lay_layer(attn_encoder_layer_s8_params *L, int d, int ff, int gelu)
{
    const int8_t *tab;
    lay_mha(L ? &L->attn : NULL, d);
    lay_linear(L ? &L->ff1 : NULL, d, ff);
    lay_linear(L ? &L->ff2 : NULL, ff, d);
    lay_ln(L ? &L->norm1 : NULL, d);
    lay_ln(L ? &L->norm2 : NULL, d);
    tab = gelu ? take8(256) : NULL;
    if (L) L->gelu_table = tab;
}

/* Fills a layer whose input has zero point x_zp; returns the output's. */
static int32_t fill_layer(attn_encoder_layer_s8_params *L, const attn_encoder_cfg *cfg, int32_t x_zp)
{
    int d = cfg->d_model, ff = cfg->d_ff, post = !cfg->norm_first;
    /* norms and adds centre their outputs; linears may sit at an extreme */
    int32_t zn1 = rs_int(-40, 40), zn2 = rs_int(-40, 40), za1 = rs_int(-40, 40),
            za2 = rs_int(-40, 40), zh = rs_zp(), zt = rs_zp(), zf = rs_zp();
    fill_mha(&L->attn, d, cfg->n_heads, post ? x_zp : zn1, post ? x_zp : zn1);
    fill_add(&L->add1, x_zp, L->attn.o.out_zp, za1, ADD_TYPICAL);
    fill_ln(&L->norm1, d, zn1, LN_TYPICAL);
    fill_linear(&L->ff1, d, ff, post ? zn1 : zn2, zh, LIN_TYPICAL);
    if (L->gelu_table) {
        fill_gelu_table((int8_t *)L->gelu_table, zh, zt);
    } else { /* ReLU fused into ff1's clamp (R6) */
        L->ff1.act_min = zh;
        zt = zh;
    }
    fill_linear(&L->ff2, ff, d, zt, zf, LIN_TYPICAL);
    fill_add(&L->add2, post ? zn1 : za1, zf, za2, ADD_TYPICAL);
    fill_ln(&L->norm2, d, zn2, LN_TYPICAL);
    return post ? zn2 : za2;
}

/* ---- the reference's own checks ----------------------------------------- */

static void test_reference(void)
{
    int k, ok = 1, n, i;
    double worst = 0.0, worst_shifted = 0.0;
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
    group_begin();
    /* T[k] = round(2^(30 - k/128)) exactly when
       T - 1/2 <= 2^(30 - k/128) < T + 1/2: compare logarithms (margin ~1e-7) */
    ok = g_T[0] == P2(30) && g_T[128] == P2(29);
    for (k = 0; k <= 128; k++) {
        double lo = 128.0 * log2(g_T[k] - 0.5), hi = 128.0 * log2(g_T[k] + 0.5), want = 3840.0 - k;
        if (!(lo <= want && want < hi)) ok = 0;
        if (k < 128 && g_T[k] <= g_T[k + 1]) ok = 0;
        if ((i64)floor(exp2(30.0 - k / 128.0) + 0.5) != g_T[k]) ok = 0;
    }
    CASE(ok, "exp2 table: T[k] = round(2^30 * 2^(-k/128)), T[0] = 2^30, T[128] = 2^29, decreasing "
             "(T[64] = %ld)", (long)g_T[64]);
    /* exp2 error: each segment's ends and middle, then every n with a few f */
    rs_seed(1);
    for (n = 0; n <= 32; n++)
        for (i = 0; i < (n == 0 ? 128 * 4 : 8); i++) {
            i64 f = n == 0 ? (i64)(i / 4) * 512 + (i % 4 == 0 ? 0 : i % 4 == 1 ? 1 : i % 4 == 2 ? 256 : 511)
                           : rs_int(0, 65535);
            i64 u = (i64)n * 65536 + f;
            double exact = pow(2.0, 30.0 - (double)u / 65536.0), got = (double)ref_exp2(u);
            double rel = fabs(got - exact) / exact, excess = fabs(got - exact) - 1.0 - exact / 262144.0;
            if (n == 0 && rel > worst) worst = rel;
            if (excess > worst_shifted) worst_shifted = excess;
        }
    CASE(worst < 1.0 / 262144.0, "exp2: relative error of the Q30 value %s < 2^-18 = %s (R4)",
         check_e(e1, worst, 3), check_e(e2, 1.0 / 262144.0, 3));
    CASE(worst_shifted <= 0.0, "exp2 after the floored shift by n: error <= 2^-18 relative + 1 LSB");
    /* layer norm's seed (R2: no entry near a tie) and m against 2^61 / sqrt(n):
       the ends of [2^60, 2^62), each seed interval's ends, random n */
    ok = 1;
    for (k = 0; k < 24; k++) {
        double v = 65536.0 / (sqrt((k + 8) / 8.0) + sqrt((k + 9) / 8.0));
        if (fabs(v - floor(v) - 0.5) < 1e-6) ok = 0;
    }
    worst = 0.0;
    worst_shifted = 0.0; /* here: the most negative error */
    for (i = 0; i < 400; i++) {
        u64 a = i == 0 ? (u64)1 << 60 : i == 1 ? ((u64)1 << 62) - 1
              : i < 48 ? ((u64)(i / 2 + 8) << 57) - (u64)(i % 2) /* 9..31 * 2^57, and 1 below */
              : ((u64)rs_next() << 30 ^ rs_next()) % ((u64)3 << 60) + ((u64)1 << 60);
        double exact = ldexp(1.0, 61) / sqrt((double)a), err;
        err = (double)ref_rsqrt_m(a) - (exact < 2147483647.0 ? exact : 2147483647.0);
        if (err > worst) worst = err;
        if (err < worst_shifted) worst_shifted = err;
    }
    CASE(ok && worst_shifted > -1.0 && worst < 6.0,
         "layer norm's m - 2^61/sqrt(n) in [%.3f, %.3f] (INT8 ARITHMETIC: -1..+6) on [2^60, 2^62)",
         worst_shifted, worst);
    printf("  layer norm's m: m - 2^61/sqrt(n) in [%.3f, %.3f]\n", worst_shifted, worst);
    group_end("reference self-checks");
}

/* ---- attn_requantize ----------------------------------------------------- */

/* Worked by hand from the formula (each line: x * m / 2^31 * 2^shift). */
static const struct {
    int32_t x, m, shift, want;
} k_rq_known[] = {
    {1, 1 << 30, 0, 1},                      /* +0.5 -> 1 */
    {-1, 1 << 30, 0, 0},                     /* -0.5 -> 0: the nudge rounds a tie up (R1) */
    {3, 1 << 30, 0, 2},                      /* +1.5 -> 2 */
    {-3, 1 << 30, 0, -1},                    /* -1.5 -> -1 (R1) */
    {1 << 30, 1, 0, 1},                      /* +0.5 */
    {-(1 << 30), 1, 0, 0},                   /* -0.5 (R1) */
    {1, -(1 << 30), 0, 0},                   /* negative multiplier: -0.5 -> 0 */
    {-1, -(1 << 30), 0, 1},                  /* +0.5 -> 1 */
    {INT32_MAX, 1, 0, 1},                    /* 1.4999... */
    {INT32_MIN, 1, 0, -1},                   /* -1.5 + 2^-31: -1 */
    {6, 1 << 30, -1, 2},                     /* h = 3, 3/2 -> 2 */
    {-6, 1 << 30, -1, -2},                   /* h = -3, -3/2 -> -2: ties away from zero */
    {2, 1 << 30, -1, 1},                     /* h = 1, 1/2 -> 1 */
    {-2, 1 << 30, -1, -1},                   /* h = -1, -1/2 -> -1 */
    {48, INT32_MAX, -5, 2},                  /* h = 48, 1.5 -> 2 */
    {-48, INT32_MAX, -5, -2},
    {47, INT32_MAX, -5, 1},                  /* 1.46875 */
    {-47, INT32_MAX, -5, -1},
    {7, 1518500250, -1, 3},                  /* h = round(4.9497) = 5, 5/2 -> 3 (two steps) */
    {100, -INT32_MAX, -2, -25},              /* h = -100 */
    {INT32_MIN, INT32_MAX, 0, -INT32_MAX},
    {INT32_MAX, INT32_MAX, 0, INT32_MAX - 1},
    {INT32_MAX, INT32_MAX, -31, 1},          /* 0.99999... */
    {INT32_MIN, INT32_MAX, -31, -1},
    {INT32_MAX, 1 << 30, 1, 1 << 30},        /* 2x saturates to 2^31-1, then /2 rounds up */
    {INT32_MIN, 1 << 30, 1, -(1 << 30)},     /* 2x saturates to -2^31 */
    {5, 1 << 30, 30, 1 << 30},               /* 5 * 2^30 saturates */
    {-5, 1 << 30, 30, -(1 << 30)},
    {1000, 1 << 30, 20, 524288000},          /* 1000 * 2^20 fits: exact */
    {3000, 1 << 30, 20, 1 << 30},            /* 3000 * 2^20 saturates */
    {1, 1, 30, 1},                           /* 2^30 / 2^31 = +0.5 -> 1 */
    {-1, 1, 30, 0},                          /* -0.5 -> 0 (R1) */
    {123456, 0, 7, 0},
    {INT32_MIN, 0, -31, 0},
};

/* attn_quantize_multiplier: the nearest representable factor at both ends
   of its range (issue 9: just below 2^30 it returned shift 31, which every
   kernel refuses; below 2^-31 it rounded twice) */
static void test_quantize_multiplier(void)
{
    attn_qmul m;
    attn_status st;
    int i, bad = 0;
    group_begin();
    for (i = -1; i <= 1; i += 2) {
        st = attn_quantize_multiplier(i * (1073741824.0 - 0.1), &m);
        CASE(st == ATTN_OK && m.shift == 30 && m.multiplier == i * INT32_MAX,
             "qmul(%d(2^30-0.1)): {%ld, %ld}", i, (long)m.multiplier, (long)m.shift);
    }
    /* (i + 1/2 - 2^-23) * 2^-62: nearest multiplier i at shift -31; a double
       rounding (to 2^-52 first, then the shift) gives i + 1 */
    for (i = 1000; i < 1100; i++) {
        double f = ldexp((double)i + 0.5 - ldexp(1.0, -23), -62);
        st = attn_quantize_multiplier(f, &m);
        if (st != ATTN_OK || m.shift != -31 || m.multiplier != i) bad++;
    }
    CASE(bad == 0, "qmul below 2^-31: %d of 100 not the nearest", bad);
    group_end("quantize_multiplier ends");
}

static void test_requantize(void)
{
    static const int32_t xs[] = {
        INT32_MIN, INT32_MIN + 1, -(1 << 30) - 1, -(1 << 30), -805306368 /* -(2^29+2^28) */,
        -3145728 /* -(2^21+2^20) */, -98304 /* -(2^16+2^15) */, -1000001, -384, -6, -3, -2, -1,
        0, 1, 2, 3, 6, 24, 384, 98304, 3145728, 12345, 805306368, 1 << 30, INT32_MAX - 1, INT32_MAX};
    static const int32_t ms[] = {INT32_MAX, 1 << 30, 1518500250, 1073741825, 1431655765, 1, 0,
                                 -1, -(1 << 30), -INT32_MAX};
    static const int32_t bad_shifts[] = {-32, 31, -1000, 1000, INT32_MIN, INT32_MAX};
    int t, i, s, nx = N_OF(xs) + 6;
    group_begin();
    for (t = 0; t < N_OF(k_rq_known); t++) {
        attn_qmul m;
        int32_t y = 777, r;
        attn_status st;
        m.multiplier = k_rq_known[t].m;
        m.shift = k_rq_known[t].shift;
        st = attn_requantize(&y, k_rq_known[t].x, m);
        r = ref_requant(k_rq_known[t].x, m);
        CASE(st == ATTN_OK && y == k_rq_known[t].want && r == y,
             "requantize(%ld, {%ld, %ld}) = %ld (reference %ld), want %ld: %s", (long)k_rq_known[t].x,
             (long)m.multiplier, (long)m.shift, (long)y, (long)r, (long)k_rq_known[t].want,
             attn_status_str(st));
    }
    /* every shift -31..30, for each multiplier, over the x table and some random x */
    rs_seed(2);
    for (t = 0; t < N_OF(ms) + 3; t++) {
        int bad = 0;
        long bx = 0, bs = 0, by = 0, br = 0;
        attn_qmul m;
        m.multiplier = t < N_OF(ms) ? ms[t] : rs_int(-INT32_MAX, INT32_MAX);
        for (i = 0; i < nx; i++) {
            int32_t x = i < N_OF(xs) ? xs[i] : rs_int(INT32_MIN, INT32_MAX);
            for (s = -31; s <= 30; s++) {
                int32_t y = 777, r;
                attn_status st;
                m.shift = s;
                st = attn_requantize(&y, x, m);
                r = ref_requant(x, m);
                if ((st != ATTN_OK || y != r) && bad++ == 0) {
                    bx = (long)x;
                    bs = s;
                    by = (long)y;
                    br = (long)r;
                }
            }
        }
        m.shift = 0;
        CASE(bad == 0, "requantize, multiplier %ld, every shift -31..30 x %d values: %d differ "
                       "(first: x %ld shift %ld: got %ld, want %ld)",
             (long)m.multiplier, nx, bad, bx, bs, by, br);
    }
    for (t = 0; t < N_OF(bad_shifts); t++) {
        attn_qmul m;
        int32_t y = 777;
        attn_status st;
        m.multiplier = 1 << 30;
        m.shift = bad_shifts[t];
        st = attn_requantize(&y, 5, m);
        CASE(st == ATTN_ERR_RANGE && y == 0, "requantize with shift %ld: %s and *y = %ld (want %s, 0)",
             (long)bad_shifts[t], attn_status_str(st), (long)y, attn_status_str(ATTN_ERR_RANGE));
    }
    {   /* |multiplier| < 2^31: INT32_MIN is refused like a bad shift */
        attn_qmul m;
        int32_t y = 777;
        attn_status st;
        m.multiplier = INT32_MIN;
        m.shift = 0;
        st = attn_requantize(&y, 5, m);
        CASE(st == ATTN_ERR_RANGE && y == 0, "requantize with multiplier INT32_MIN: %s and *y = %ld",
             attn_status_str(st), (long)y);
    }
    group_end("requantize (known values, all shifts, bad shifts and multiplier)");
}

/* ---- element-wise: ReLU, table, add --------------------------------------- */

static void test_elementwise(void)
{
    static const struct {
        unsigned short n;
        int32_t a_zp, b_zp, out_zp;
        int mode;
    } cases[] = {
        {1, 0, 0, 0, ADD_TYPICAL},       {7, -128, 127, 5, ADD_TYPICAL},
        {64, 127, -128, -128, ADD_TYPICAL}, {255, -40, 40, 127, ADD_TYPICAL},
        {33, 3, -9, 0, ADD_ANY},         {100, -128, -128, 127, ADD_ANY},
        {40, 0, 0, 0, ADD_SAT},
    };
    int t, i, pass;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int n = cases[t].n;
        int8_t *a = NULL, *b = NULL, *y = NULL, *want = NULL, *tab = NULL;
        int32_t *r = NULL, zp = t == 0 ? -128 : t == 1 ? 127 : rs_zp();
        attn_add_s8_params p;
        attn_status st;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            a = take8((size_t)n);
            b = take8((size_t)n);
            y = take_out((size_t)n);
            want = take8((size_t)n);
            tab = take8(256);
            r = take32((size_t)n);
            if (!plan_fits(pass, "element-wise", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(100u + (unsigned)t);
        rs_fill(a, (size_t)n);
        rs_fill(b, (size_t)n);
        rs_fill(tab, 256);
        if (n >= 2) { a[0] = -128; a[1] = 127; }
        /* ReLU at the zero point */
        for (i = 0; i < n; i++) want[i] = a[i] > zp ? a[i] : (int8_t)zp;
        sentinel(y, (size_t)n);
        expect_same(attn_relu_s8(y, a, n, zp), y, want, (size_t)n, "relu", t);
        memcpy(y, a, (size_t)n);
        expect_same(attn_relu_s8(y, y, n, zp), y, want, (size_t)n, "relu in place", t);
        /* table: every index when n >= 256 */
        for (i = 0; i < n; i++) {
            if (n >= 255) a[i] = (int8_t)(i - 128);
            want[i] = tab[a[i] + 128];
        }
        sentinel(y, (size_t)n);
        expect_same(attn_lut_s8(y, a, n, tab), y, want, (size_t)n, "lut", t);
        memcpy(y, a, (size_t)n);
        expect_same(attn_lut_s8(y, y, n, tab), y, want, (size_t)n, "lut in place", t);
        /* add */
        fill_add(&p, cases[t].a_zp, cases[t].b_zp, cases[t].out_zp, cases[t].mode);
        ref_add(want, a, b, n, &p, r);
        sentinel(y, (size_t)n);
        st = attn_add_s8(y, a, b, n, &p);
        if (!expect_same(st, y, want, (size_t)n, "add", t))
            printf("    (n %d, zp a %ld b %ld out %ld, a_mul {%ld, %ld} b_mul {%ld, %ld} out_mul {%ld, %ld})\n",
                   n, (long)p.a_zp, (long)p.b_zp, (long)p.out_zp, (long)p.a_mul.multiplier,
                   (long)p.a_mul.shift, (long)p.b_mul.multiplier, (long)p.b_mul.shift,
                   (long)p.out_mul.multiplier, (long)p.out_mul.shift);
        memcpy(y, a, (size_t)n);
        expect_same(attn_add_s8(y, y, b, n, &p), y, want, (size_t)n, "add in place (y == a)", t);
        memcpy(y, b, (size_t)n);
        expect_same(attn_add_s8(y, a, y, n, &p), y, want, (size_t)n, "add in place (y == b)", t);
    }
    group_end("relu / lut / add");
}

/* ---- linear ----------------------------------------------------------------- */

/* whether every bias[o] - in_zp * sum_i w[o][i] fits int32 */
static int fused_fits(const attn_linear_s8_params *p, int in, int out)
{
    int o, i;
    for (o = 0; o < out; o++) {
        i64 f = p->bias ? p->bias[o] : 0;
        for (i = 0; i < in; i++) f -= (i64)p->in_zp * p->w[(size_t)o * (size_t)in + (size_t)i];
        if (f > INT32_MAX || f < INT32_MIN) return 0;
    }
    return 1;
}

static void test_linear(void)
{
    static const struct {
        int rows, in, out;
        int32_t in_zp, out_zp, act_min, act_max;
        int mode;
    } cases[] = {
        {1, 1, 1, 0, 0, -128, 127, LIN_TYPICAL},
        {3, 5, 7, -128, 127, -128, 127, LIN_TYPICAL},
        {4, 17, 9, 127, -128, -128, 127, LIN_TYPICAL},
        {2, 33, 16, 5, -3, -3, 127, LIN_TYPICAL},   /* ReLU fused at out_zp */
        {3, 12, 5, 64, -64, -100, 50, LIN_TYPICAL}, /* a narrower clamp */
        {5, 8, 3, -20, 10, -128, 127, LIN_ANY_QMUL},
        {2, 9, 6, 0, 0, -128, 127, LIN_BIAS_EXTREME}, /* sat(bias + sum) */
        {3, 7, 4, -7, 7, -128, 127, LIN_NO_BIAS},
        {1, 300, 4, -128, 0, -128, 127, LIN_TYPICAL},
        {1, 2048, 3, 127, 0, -128, 127, LIN_EXTREME_DATA},
        {1, 32768, 2, 127, 0, -128, 127, LIN_EXTREME_DATA}, /* in at its limit: |sum| ~ 2^30 */
        /* the DSP cores' two-rows-by-two-channels path (in % 16 == 0, even
           out, act_max 127, a bias, every shift negative) and its edges */
        {5, 64, 6, -9, 4, -128, 127, LIN_TYPICAL},
        {4, 32, 10, 3, 3, 3, 127, LIN_TYPICAL},      /* ReLU at out_zp */
        {2, 16, 4, -128, 127, -128, 127, LIN_BIAS_EXTREME},
        {3, 48, 8, 0, 0, -128, 127, LIN_ANY_QMUL},  /* shifts of both signs: the other path */
        {6, 80, 7, 11, -2, -128, 127, LIN_TYPICAL},  /* odd out */
        {2, 128, 4, -128, 127, -128, 127, LIN_EXTREME_DATA},
    };
    int t, pass;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int rows = cases[t].rows, in = cases[t].in, out = cases[t].out;
        size_t nx = (size_t)rows * in, ny = (size_t)rows * out;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *fused = NULL;
        attn_linear_s8_params p;
        attn_status st;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            lay_linear(&p, in, out);
            fused = take32((size_t)out);
            x = take8(nx);
            y = take_out(ny);
            want = take8(ny);
            if (!plan_fits(pass, "linear", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(200u + (unsigned)t);
        fill_linear(&p, in, out, cases[t].in_zp, cases[t].out_zp, cases[t].mode);
        p.act_min = cases[t].act_min;
        p.act_max = cases[t].act_max;
        if (cases[t].mode == LIN_EXTREME_DATA) memset(x, 0x80, nx); /* all -128 */
        else rs_fill(x, nx);
        ref_linear(want, x, &p, rows, in, out);
        sentinel(y, ny);
        st = attn_linear_s8(y, x, &p, rows, in, out);
        if (!expect_same(st, y, want, ny, "linear", t))
            printf("    (rows %d, in %d, out %d, in_zp %ld, out_zp %ld, clamp [%ld, %ld])\n", rows, in,
                   out, (long)p.in_zp, (long)p.out_zp, (long)p.act_min, (long)p.act_max);
        /* the same layer with its fused bias (bias - in_zp * sum w): the same
           bytes, or ATTN_ERR_RANGE from the fuser exactly when a fused value
           leaves int32 */
        if (fused_fits(&p, in, out)) {
            st = attn_linear_fuse_bias_s8(fused, &p, in, out);
            CASE(st == ATTN_OK, "linear %d: fuse_bias: %s", t, attn_status_str(st));
            p.fused_bias = fused;
            sentinel(y, ny);
            st = attn_linear_s8(y, x, &p, rows, in, out);
            expect_same(st, y, want, ny, "linear with fused bias", t);
            p.fused_bias = NULL;
        } else {
            fused[0] = 777;
            st = attn_linear_fuse_bias_s8(fused, &p, in, out);
            CASE(st == ATTN_ERR_RANGE && fused[0] == 777, "linear %d: fuse_bias out of int32: %s", t,
                 attn_status_str(st));
        }
    }
    CASE(g_ref_breach == 0, "linear: the tests' sums stayed within int32 (in <= 32768)");
    group_end("linear");
}

/* ---- softmax ---------------------------------------------------------------- */

enum { DATA_RANDOM, DATA_CONST, DATA_EXTREME, DATA_NARROW, DATA_SPREAD };

static void fill_data(int8_t *x, size_t n, int mode)
{
    size_t i;
    int8_t c = (int8_t)rs_int(-128, 127);
    for (i = 0; i < n; i++)
        x[i] = mode == DATA_CONST ? c : mode == DATA_EXTREME ? (int8_t)(rs_next() & 1 ? 127 : -128)
             : mode == DATA_NARROW ? (int8_t)(c / 2 + rs_int(-2, 2))
             : mode == DATA_SPREAD ? (int8_t)(c / 2 + rs_int(-30, 30)) : (int8_t)rs_int(-128, 127);
}

static void test_softmax(void)
{
    static const struct {
        int rows, cols, score, data;
    } cases[] = {
        {1, 1, SC_TYPICAL, DATA_SPREAD},  {3, 7, SC_TYPICAL, DATA_SPREAD},
        {4, 10, SC_TYPICAL, DATA_RANDOM}, {2, 64, SC_TYPICAL, DATA_SPREAD},
        {1, 300, SC_TYPICAL, DATA_SPREAD}, {2, 5, SC_ZERO, DATA_RANDOM},
        {3, 9, SC_SHARP, DATA_SPREAD},    {2, 16, SC_FLAT, DATA_RANDOM},
        {4, 12, SC_ANY, DATA_SPREAD},     {5, 13, SC_ANY, DATA_EXTREME},
        {3, 8, SC_TYPICAL, DATA_CONST},   {2, 200, SC_TYPICAL, DATA_EXTREME},
        {1, 600, SC_TYPICAL, DATA_SPREAD}, {6, 33, SC_TYPICAL, DATA_NARROW},
        {4, 32, SC_TYPICAL, DATA_RANDOM}, {3, 31, SC_SHARP, DATA_RANDOM},
    };
    int t, pass;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int rows = cases[t].rows, cols = cases[t].cols;
        size_t n = (size_t)rows * cols;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *z = NULL, *pq = NULL;
        uint8_t *vis = NULL;
        attn_softmax_s8_params p;
        attn_sdpa_s8_params sp;
        attn_status st;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            x = take8(n);
            y = take_out(n);
            want = take8(n);
            z = take32((size_t)cols);
            pq = take32((size_t)cols);
            vis = (uint8_t *)take((size_t)cols);
            if (!plan_fits(pass, "softmax", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(300u + (unsigned)t);
        fill_data(x, n, cases[t].data);
        /* mul = s * log2(e) * 2^16 for s in 0.05..0.2: about 4700..19000 */
        fill_sdpa(&sp, 1, 0, 0, 0, 0, cases[t].score, CT_TYPICAL);
        p.in_mul = cases[t].score == SC_TYPICAL ? qmul_near(9000.0) : sp.score_mul;
        ref_softmax_s8(want, x, p.in_mul, rows, cols, z, pq, vis);
        sentinel(y, n);
        st = attn_softmax_s8(y, x, &p, rows, cols);
        if (!expect_same(st, y, want, n, "softmax", t))
            printf("    (rows %d, cols %d, in_mul {%ld, %ld})\n", rows, cols,
                   (long)p.in_mul.multiplier, (long)p.in_mul.shift);
        memcpy(y, x, n);
        expect_same(attn_softmax_s8(y, y, &p, rows, cols), y, want, n, "softmax in place", t);
    }
    CASE(g_ref_breach == 0, "softmax: the reference's documented bounds held");
    CASE(g_sn_min_seen && g_sn_max_seen,
         "softmax: the normalised sums reached both ends of [2^31, 2^32) (%d, %d)", g_sn_min_seen,
         g_sn_max_seen);
    group_end("softmax");
}

/* ---- layer norm -------------------------------------------------------------- */

static void test_layernorm(void)
{
    static const struct {
        int rows, cols, mode, data;
    } cases[] = {
        {1, 1, LN_TYPICAL, DATA_RANDOM},   {2, 2, LN_TYPICAL, DATA_RANDOM},
        {3, 7, LN_TYPICAL, DATA_RANDOM},   {4, 20, LN_TYPICAL, DATA_RANDOM},
        {2, 64, LN_TYPICAL, DATA_RANDOM},  {1, 257, LN_TYPICAL, DATA_RANDOM},
        {3, 16, LN_TYPICAL, DATA_CONST},   {2, 33, LN_TYPICAL, DATA_EXTREME},
        {3, 10, LN_TYPICAL, DATA_NARROW},  {2, 10, LN_HUGE_EPS, DATA_RANDOM},
        {2, 9, LN_NEG_GAMMA, DATA_RANDOM}, {3, 12, LN_ANY_GAMMA, DATA_RANDOM},
        {2, 8, LN_NO_BETA, DATA_RANDOM},   {4, 64, LN_WILD, DATA_RANDOM},
        {3, 13, LN_WILD, DATA_EXTREME},    {2, 67, LN_NO_BETA, DATA_RANDOM},
    };
    int t, pass;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int rows = cases[t].rows, cols = cases[t].cols;
        size_t n = (size_t)rows * cols;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *tmp = NULL;
        attn_layernorm_s8_params p;
        attn_status st;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            lay_ln(&p, cols);
            x = take8(n);
            y = take_out(n);
            want = take8(n);
            tmp = take32((size_t)cols);
            if (!plan_fits(pass, "layernorm", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(400u + (unsigned)t);
        fill_ln(&p, cols, rs_zp(), cases[t].mode);
        fill_data(x, n, cases[t].data);
        ref_ln_s8(want, x, &p, rows, cols, tmp);
        sentinel(y, n);
        st = attn_layernorm_s8(y, x, &p, rows, cols);
        if (!expect_same(st, y, want, n, "layernorm", t))
            printf("    (rows %d, cols %d, eps %ld * 2^31 + %ld, out_zp %ld)\n", rows, cols,
                   (long)(p.eps >> 31), (long)(p.eps & 0x7FFFFFFF), (long)p.out_zp);
        memcpy(y, x, n);
        expect_same(attn_layernorm_s8(y, y, &p, rows, cols), y, want, n, "layernorm in place", t);
    }
    CASE(g_ref_breach == 0, "layernorm: the reference's documented bounds held");
    group_end("layernorm");
}

/* The widest rows (d = 1024 and the 2048 maximum): patterns that maximise
   S2, |S1| and |d*x - S1|. The host build runs them under ASan/UBSan. Then
   the wide int32 rows at the documented |r| < 2^19, which no public
   function takes directly (only the post-norm layer, whose d x d weights
   would not fit the pool at d = 2048): reference only, checking the spec's
   own overflow argument. */
static int ilog2_ceil(i64 v)
{
    int k = 0;
    while (k < 63 && P2(k) < v) k++;
    return k;
}

/* INT8 ARITHMETIC's bounds on u = (d*x - S1) * 2^L (int32) and z (Q23) */
static int ln_bounds_ok(int d)
{
    return g_ln_max.u <= INT32_MAX && (double)g_ln_max.z <= sqrt((double)(d - 1)) * 8388608.0 + 2.0;
}

static void test_layernorm_wide(void)
{
    static const int widths[] = {1024, 2048};
    enum { PATTERNS = 6 };
    int t, pass, r, c;
    group_begin();
    for (t = 0; t < N_OF(widths); t++) {
        int d = widths[t];
        size_t n = (size_t)PATTERNS * d;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *tmp = NULL;
        attn_layernorm_s8_params p;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            lay_ln(&p, d);
            x = take8(n);
            y = take_out(n);
            want = take8(n);
            tmp = take32((size_t)d);
            if (!plan_fits(pass, "layernorm wide", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(500u + (unsigned)t);
        fill_ln(&p, d, 0, LN_TYPICAL);
        p.eps = 1; /* the smallest: D = eps on the constant rows, k = 30 */
        for (r = 0; r < PATTERNS; r++)
            for (c = 0; c < d; c++)
                x[(size_t)r * d + c] = (int8_t)(r == 0 ? 127 : r == 1 ? -128 : r == 2 ? (c % 2 ? 127 : -128)
                                                : r == 3 ? (c == d / 2 ? 127 : -128)
                                                : r == 4 ? (c == d / 3 ? -128 : 127) : rs_int(-128, 127));
        memset(&g_ln_max, 0, sizeof g_ln_max);
        ref_ln_s8(want, x, &p, PATTERNS, d, tmp);
        sentinel(y, n);
        if (!expect_same(attn_layernorm_s8(y, x, &p, PATTERNS, d), y, want, n, "layernorm wide", t))
            printf("    (d %d: rows 127..., -128..., alternating, one 127 in -128s, one -128 in 127s, random)\n", d);
        printf("  layernorm d %d int8 rows: largest |d*x - S1| %ld, D < 2^%d, largest |u| %ld, |z| %ld\n",
               d, (long)g_ln_max.num, ilog2_ceil(g_ln_max.d + 1), (long)g_ln_max.u, (long)g_ln_max.z);
        CASE(ln_bounds_ok(d), "layernorm spec at d %d: |u| = %ld < 2^31, |z| = %ld <= sqrt(d-1) * 2^23 + 2",
             d, (long)g_ln_max.u, (long)g_ln_max.z);
    }
    /* reference only: wide rows at |r| = 2^19 - 1, d = 2048 */
    {
        const int d = 2048;
        const int32_t M = (1 << 19) - 1;
        int8_t *y = NULL;
        int32_t *row = NULL;
        attn_layernorm_s8_params p;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            lay_ln(&p, d);
            y = take8((size_t)d);
            row = take32((size_t)d);
            if (!plan_fits(pass, "layernorm wide int32 (reference)", 2)) break;
        }
        if (pass == 2) {
            rs_seed(510);
            fill_ln(&p, d, 0, LN_TYPICAL);
            p.eps = 1;
            memset(&g_ln_max, 0, sizeof g_ln_max);
            g_ref_breach = 0;
            for (r = 0; r < 4; r++) {
                for (c = 0; c < d; c++)
                    row[c] = r == 0 ? (c % 2 ? M : -M) : r == 1 ? (c == 0 ? M : -M)
                           : r == 2 ? (c == 0 ? -M : M) : M;
                ref_ln_row(y, row, d, &p);
            }
            CASE(g_ref_breach == 0 && g_ln_max.num <= INT32_MAX && g_ln_max.d < P2(62) && ln_bounds_ok(d),
                 "layernorm spec at d 2048, |r| = 2^19 - 1: |d*x - S1| = %ld fits int32, D < 2^%d, "
                 "|u| = %ld, |z| = %ld", (long)g_ln_max.num, ilog2_ceil(g_ln_max.d + 1),
                 (long)g_ln_max.u, (long)g_ln_max.z);
        } else {
            g_left++;
        }
    }
    group_end("layernorm at d 1024 / 2048");
}

/* ---- pooling -------------------------------------------------------------------- */

enum { PAD_NONE, PAD_ZEROS, PAD_SOME, PAD_ALL, PAD_FIRST };

/* padding flags; any nonzero byte means padded, so some are 7 */
static const uint8_t *fill_pad(uint8_t *pad, int n, int mode)
{
    int j, any = 0;
    if (mode == PAD_NONE) return NULL;
    for (j = 0; j < n; j++) {
        int on = mode == PAD_ALL || (mode == PAD_FIRST && j == 0) || (mode == PAD_SOME && rs_next() % 3 == 0);
        pad[j] = (uint8_t)(on ? (j % 2 ? 7 : 1) : 0);
        any |= !on;
    }
    if (mode == PAD_SOME && !any) pad[0] = 0;
    return pad;
}

static void test_pool(void)
{
    static const struct {
        int seq, d;
        int32_t zp;
        attn_pooling pooling;
        int pad;
    } cases[] = {
        {1, 1, 0, ATTN_POOL_MEAN, PAD_NONE},    {2, 15, -128, ATTN_POOL_MEAN, PAD_NONE}, /* ties */
        {5, 7, 127, ATTN_POOL_MEAN, PAD_SOME},  {4, 3, 10, ATTN_POOL_MEAN, PAD_ALL},
        {6, 9, -7, ATTN_POOL_FIRST, PAD_SOME},  {3, 4, 0, ATTN_POOL_MEAN, PAD_FIRST},
        {37, 11, 50, ATTN_POOL_MEAN, PAD_SOME}, {2, 16, 0, ATTN_POOL_MEAN, PAD_ZEROS},
        {4, 6, -128, ATTN_POOL_MEAN, PAD_ALL},  {4, 8, 127, ATTN_POOL_FIRST, PAD_ALL},
    };
    int t, pass;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int seq = cases[t].seq, d = cases[t].d;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        uint8_t *padb = NULL;
        const uint8_t *pad;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            x = take8((size_t)seq * d);
            y = take_out((size_t)d);
            want = take8((size_t)d);
            padb = (uint8_t *)take((size_t)seq);
            if (!plan_fits(pass, "pool", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(600u + (unsigned)t);
        rs_fill(x, (size_t)seq * d);
        pad = fill_pad(padb, seq, cases[t].pad);
        ref_pool(want, x, pad, cases[t].pooling, seq, d, cases[t].zp);
        sentinel(y, (size_t)d);
        if (!expect_same(attn_pool_s8(y, x, pad, cases[t].pooling, seq, d, cases[t].zp), y, want,
                         (size_t)d, "pool", t))
            printf("    (seq %d, d %d, zp %ld, pooling %d, padding mode %d)\n", seq, d,
                   (long)cases[t].zp, (int)cases[t].pooling, cases[t].pad);
    }
    group_end("pool");
}

/* ---- attention --------------------------------------------------------------------- */

/* The library call with an arena of exactly the queried size (which must
   equal the compile-time macro), first one byte short (ATTN_ERR_ARENA,
   nothing written), then exact (the result, high-water == the query,
   everything given back). */
typedef attn_status (*arena_call)(const void *ctx, attn_arena *arena);

static int all_sent(const int8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != SENT) return 0;
    return 1;
}

/* out: n bytes and GUARD sentinels; before: its contents for an in-place
   call, or NULL (then it starts as sentinels) */
static void prep_out(int8_t *out, const int8_t *before, size_t n)
{
    sentinel(out, n);
    if (before) memcpy(out, before, n);
}

static void run_exact_arena(arena_call call, const void *ctx, void *mem, size_t bytes,
                            int8_t *out, const int8_t *before, size_t n, const int8_t *want,
                            const char *what, int t)
{
    attn_arena ar;
    attn_status st;
    if (bytes > 0) {
        attn_arena_init(&ar, mem, bytes - 1);
        prep_out(out, before, n);
        st = call(ctx, &ar);
        CASE(st == ATTN_ERR_ARENA && ar.used == 0 && ar.high_water == 0 &&
                 (before ? memcmp(out, before, n) == 0 && guard_ok(out + n) : all_sent(out, n + GUARD)),
             "int8 %s case %d, arena one byte short of the query (%lu B): %s, nothing written", what, t,
             (unsigned long)bytes, attn_status_str(st));
    }
    attn_arena_init(&ar, mem, bytes);
    prep_out(out, before, n);
    st = call(ctx, &ar);
    expect_same(st, out, want, n, what, t);
    CASE(ar.used == 0 && ar.high_water == bytes,
         "int8 %s case %d: arena high-water %lu B == query %lu B, all given back", what, t,
         (unsigned long)ar.high_water, (unsigned long)bytes);
}

typedef struct {
    int8_t *out;
    const int8_t *q, *k, *v;
    const uint8_t *pad;
    const attn_mha_cfg *cfg;
    const attn_sdpa_s8_params *p;
    const attn_mha_s8_params *mp;
} attn_call;

static attn_status call_sdpa(const void *ctx, attn_arena *a)
{
    const attn_call *c = (const attn_call *)ctx;
    return attn_sdpa_s8(c->out, c->q, c->k, c->v, c->pad, c->cfg, c->p, a);
}
static attn_status call_mha(const void *ctx, attn_arena *a)
{
    const attn_call *c = (const attn_call *)ctx;
    return attn_mha_s8(c->out, c->q, c->k, c->pad, c->cfg, c->mp, a);
}

static const struct {
    int seq_q, seq_kv, d, heads, causal, pad;
    int32_t q_zp, k_zp, v_zp, out_zp;
    int score, ctx;
} k_attn[] = {
    {1, 1, 5, 1, 0, PAD_NONE, 0, 0, 0, 0, SC_TYPICAL, CT_TYPICAL},
    {4, 4, 15, 3, 1, PAD_NONE, -128, 127, 0, 5, SC_TYPICAL, CT_TYPICAL}, /* d_head 5 */
    {3, 7, 14, 2, 0, PAD_SOME, 127, -128, -128, -9, SC_TYPICAL, CT_TYPICAL}, /* d_head 7 */
    {6, 3, 21, 3, 1, PAD_SOME, 3, -3, 127, 127, SC_TYPICAL, CT_TYPICAL},  /* seq_q > seq_kv */
    {2, 9, 21, 3, 1, PAD_ZEROS, -50, 20, 0, -128, SC_TYPICAL, CT_TYPICAL},
    {5, 5, 8, 2, 1, PAD_ALL, 0, 0, 0, 77, SC_TYPICAL, CT_TYPICAL},        /* nothing visible */
    {4, 4, 6, 1, 1, PAD_FIRST, 10, 10, 10, -3, SC_TYPICAL, CT_TYPICAL},   /* row 0 sees nothing */
    {2, 9, 12, 4, 0, PAD_NONE, 0, 0, 0, 0, SC_SHARP, CT_TYPICAL},
    {3, 5, 10, 5, 0, PAD_NONE, 1, 2, 3, 4, SC_FLAT, CT_TYPICAL},          /* d_head 2 */
    {3, 6, 6, 3, 0, PAD_NONE, 0, 0, 0, 0, SC_ZERO, CT_TYPICAL},
    {4, 6, 14, 2, 1, PAD_SOME, -7, 9, -11, 13, SC_ANY, CT_ANY},
    {3, 37, 7, 1, 0, PAD_SOME, 20, -20, 40, -40, SC_TYPICAL, CT_TYPICAL},
    {8, 8, 16, 1, 0, PAD_SOME, -128, -128, -128, -128, SC_TYPICAL, CT_TYPICAL},
    /* the fast kernels' shapes: d_head 16 (one Helium vector, four DSP words),
       the tails around it, odd key counts, q_zp 0 (a folded term dropped) */
    {32, 32, 64, 4, 1, PAD_SOME, 5, -7, 9, -3, SC_TYPICAL, CT_TYPICAL}, /* the encoder's heads */
    {5, 11, 17, 1, 0, PAD_NONE, 0, 12, -5, 0, SC_TYPICAL, CT_TYPICAL},   /* d_head 17 */
    {4, 7, 38, 2, 1, PAD_SOME, -1, 0, 1, 2, SC_TYPICAL, CT_TYPICAL},     /* d_head 19 */
    {3, 9, 33, 1, 0, PAD_ZEROS, 100, -100, 50, 0, SC_TYPICAL, CT_TYPICAL}, /* d_head 33 */
    {6, 6, 64, 2, 1, PAD_NONE, 0, 0, 0, 0, SC_SHARP, CT_TYPICAL},        /* d_head 32 */
    {2, 40, 48, 3, 0, PAD_SOME, -128, 127, -128, 127, SC_ANY, CT_ANY},   /* d_head 16 */
    {3, 13, 6, 2, 0, PAD_SOME, 0, 0, 0, 0, SC_FLAT, CT_TYPICAL},         /* d_head 3 */
    /* small heads, few keys (the digits model: d_head 8, 4 heads, 8 keys):
       whole words of columns held in registers, the tails after them */
    {8, 8, 32, 4, 0, PAD_NONE, 0, 0, 0, 0, SC_TYPICAL, CT_TYPICAL},      /* d_head 8 */
    {8, 8, 32, 4, 1, PAD_SOME, -100, 90, -128, 7, SC_ANY, CT_ANY},       /* d_head 8 */
    {5, 7, 32, 4, 0, PAD_NONE, 127, -128, 127, -128, SC_SHARP, CT_TYPICAL}, /* odd keys */
    {6, 5, 16, 4, 1, PAD_NONE, 3, -5, 7, -9, SC_TYPICAL, CT_TYPICAL},    /* d_head 4 */
    {4, 3, 24, 2, 0, PAD_SOME, -2, 4, -6, 8, SC_TYPICAL, CT_ANY},        /* d_head 12 */
    {3, 6, 26, 2, 0, PAD_NONE, 11, -13, 0, 1, SC_TYPICAL, CT_TYPICAL},   /* d_head 13 */
    {4, 9, 48, 2, 1, PAD_SOME, 60, -70, 80, -90, SC_TYPICAL, CT_TYPICAL}, /* d_head 24 */
    {2, 2, 32, 1, 0, PAD_NONE, -128, -128, 127, 0, SC_TYPICAL, CT_TYPICAL}, /* d_head 32 */
    {1, 1, 8, 1, 0, PAD_NONE, 0, 0, 0, 0, SC_TYPICAL, CT_TYPICAL},       /* one key */
};

static void test_sdpa(void)
{
    int t, pass;
    group_begin();
    for (t = 0; t < N_OF(k_attn); t++) {
        attn_mha_cfg cfg;
        size_t nq, nkv, bytes = 0;
        int8_t *q = NULL, *k = NULL, *v = NULL, *out = NULL, *want = NULL;
        uint8_t *padb = NULL;
        void *mem = NULL;
        attn_sdpa_s8_params p;
        attn_call call;
        ref_ws w;
        attn_status st;
        cfg.seq_q = k_attn[t].seq_q;
        cfg.seq_kv = k_attn[t].seq_kv;
        cfg.d_model = k_attn[t].d;
        cfg.n_heads = k_attn[t].heads;
        cfg.causal = k_attn[t].causal;
        nq = (size_t)cfg.seq_q * cfg.d_model;
        nkv = (size_t)cfg.seq_kv * cfg.d_model;
        st = attn_sdpa_scratch_s8(&cfg, &bytes);
        if (!CASE(st == ATTN_OK && bytes == ATTN_SDPA_SCRATCH_S8(cfg.seq_kv),
                  "int8 sdpa case %d: scratch query %s, %lu B == ATTN_SDPA_SCRATCH_S8 %lu B", t,
                  attn_status_str(st), (unsigned long)bytes, (unsigned long)ATTN_SDPA_SCRATCH_S8(cfg.seq_kv)))
            continue;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            q = take8(nq);
            k = take8(nkv);
            v = take8(nkv);
            out = take_out(nq);
            want = take8(nq);
            padb = (uint8_t *)take((size_t)cfg.seq_kv);
            mem = take(bytes);
            lay_ws(&w, cfg.seq_q, cfg.seq_kv, cfg.d_model, 1);
            if (!plan_fits(pass, "sdpa", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(700u + (unsigned)t);
        rs_fill(q, nq);
        rs_fill(k, nkv);
        rs_fill(v, nkv);
        fill_sdpa(&p, cfg.d_model / cfg.n_heads, k_attn[t].q_zp, k_attn[t].k_zp, k_attn[t].v_zp,
                  k_attn[t].out_zp, k_attn[t].score, k_attn[t].ctx);
        call.out = out;
        call.q = q;
        call.k = k;
        call.v = v;
        call.pad = fill_pad(padb, cfg.seq_kv, k_attn[t].pad);
        call.cfg = &cfg;
        call.p = &p;
        ref_sdpa(want, q, k, v, call.pad, &cfg, &p, &w);
        run_exact_arena(call_sdpa, &call, mem, bytes, out, NULL, nq, want, "sdpa", t);
    }
    CASE(g_ref_breach == 0, "sdpa: scores and context sums stayed within int32 (documented)");
    group_end("sdpa");
}

static void test_mha(void)
{
    int t, pass;
    group_begin();
    for (t = 0; t < N_OF(k_attn); t++) {
        attn_mha_cfg cfg;
        size_t nq, nkv, bytes = 0;
        int self = t % 3 == 0 && k_attn[t].seq_q == k_attn[t].seq_kv;
        int8_t *xq = NULL, *xkv = NULL, *out = NULL, *want = NULL;
        uint8_t *padb = NULL;
        void *mem = NULL;
        attn_mha_s8_params p;
        attn_call call;
        ref_ws w;
        attn_status st;
        cfg.seq_q = k_attn[t].seq_q;
        cfg.seq_kv = k_attn[t].seq_kv;
        cfg.d_model = k_attn[t].d;
        cfg.n_heads = k_attn[t].heads;
        cfg.causal = k_attn[t].causal;
        nq = (size_t)cfg.seq_q * cfg.d_model;
        nkv = (size_t)cfg.seq_kv * cfg.d_model;
        st = attn_mha_scratch_s8(&cfg, &bytes);
        if (!CASE(st == ATTN_OK && bytes == ATTN_MHA_SCRATCH_S8(cfg.seq_kv, cfg.d_model),
                  "int8 mha case %d: scratch query %s, %lu B == ATTN_MHA_SCRATCH_S8 %lu B", t,
                  attn_status_str(st), (unsigned long)bytes,
                  (unsigned long)ATTN_MHA_SCRATCH_S8(cfg.seq_kv, cfg.d_model)))
            continue;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            lay_mha(&p, cfg.d_model);
            xq = take8(nq);
            xkv = take8(nkv);
            out = take_out(nq);
            want = take8(nq);
            padb = (uint8_t *)take((size_t)cfg.seq_kv);
            mem = take(bytes);
            lay_ws(&w, cfg.seq_q, cfg.seq_kv, cfg.d_model, 1);
            if (!plan_fits(pass, "mha", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(800u + (unsigned)t);
        rs_fill(xq, nq);
        rs_fill(xkv, nkv);
        {
            int32_t zq = k_attn[t].q_zp, zkv = self ? zq : k_attn[t].k_zp;
            fill_mha(&p, cfg.d_model, cfg.n_heads, zq, zkv);
        }
        call.out = out;
        call.q = xq;
        call.k = self ? xq : xkv;
        call.pad = fill_pad(padb, cfg.seq_kv, k_attn[t].pad);
        call.cfg = &cfg;
        call.mp = &p;
        ref_mha(want, call.q, call.k, call.pad, &cfg, &p, &w);
        run_exact_arena(call_mha, &call, mem, bytes, out, NULL, nq, want, "mha", t);
    }
    CASE(g_ref_breach == 0, "mha: the reference's documented bounds held");
    group_end("mha");
}

/* ---- encoder layers and stacks --------------------------------------------------------- */

typedef struct {
    int8_t *x;
    int seq;
    const uint8_t *pad;
    const attn_encoder_cfg *cfg;
    const attn_encoder_layer_s8_params *layer; /* one layer, or NULL: the stack */
    const attn_encoder_s8_params *stack;
} enc_call;

static attn_status call_enc(const void *ctx, attn_arena *a)
{
    const enc_call *c = (const enc_call *)ctx;
    return c->layer ? attn_encoder_layer_s8(c->x, c->seq, c->pad, c->cfg, c->layer, a)
                    : attn_encoder_s8(c->x, c->seq, c->pad, c->cfg, c->stack, a);
}

static void test_encoder(void)
{
    static const struct {
        int seq, d, heads, ff, layers, norm_first, gelu, causal, pad, final_norm, wide;
    } cases[] = {
        {4, 15, 3, 9, 1, 0, 0, 0, PAD_NONE, 0, 0},
        {4, 15, 3, 9, 1, 1, 0, 1, PAD_NONE, 0, 0},
        {5, 14, 2, 11, 1, 0, 1, 0, PAD_SOME, 0, 0},
        {5, 14, 2, 11, 1, 1, 1, 1, PAD_SOME, 0, 0},
        {1, 7, 1, 4, 1, 0, 1, 0, PAD_NONE, 0, 0},
        {3, 12, 4, 6, 1, 1, 0, 0, PAD_ALL, 0, 0},
        {6, 21, 3, 8, 1, 0, 0, 1, PAD_SOME, 0, 0},
        {2, 128, 1, 4, 1, 0, 0, 0, PAD_NONE, 0, 1}, /* post-norm sums near |r| = 2^19 */
        {4, 8, 2, 6, 2, 0, 1, 0, PAD_SOME, 1, 0},   /* stacks: 2 layers, final norm */
        {3, 15, 3, 9, 2, 1, 0, 1, PAD_NONE, 1, 0},
        {5, 10, 5, 7, 2, 1, 1, 0, PAD_FIRST, 0, 0},
        {4, 8, 2, 6, 1, 0, 1, 1, PAD_SOME, 1, 0},   /* attn_encoder_s8 with one layer */
        {3, 16, 2, 9, 1, 0, 0, 0, PAD_NONE, 0, 0},  /* post-norm, the norms' other parameters: */
        {3, 13, 1, 5, 1, 0, 1, 0, PAD_NONE, 0, 0},  /* (from case 12 on) no beta, any gamma/beta */
    };
    int t, pass, l, c;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        attn_encoder_cfg cfg;
        attn_encoder_s8_params ep;
        attn_encoder_layer_s8_params *Ls = NULL;
        int seq = cases[t].seq, d = cases[t].d, layers = cases[t].layers;
        int use_stack = layers > 1 || cases[t].final_norm;
        size_t n = (size_t)seq * d, bytes = 0;
        int8_t *x = NULL, *x0 = NULL, *want = NULL;
        uint8_t *padb = NULL;
        void *mem = NULL;
        enc_call call;
        ref_ws w;
        attn_status st;
        int32_t zp;
        cfg.d_model = d;
        cfg.n_heads = cases[t].heads;
        cfg.d_ff = cases[t].ff;
        cfg.activation = cases[t].gelu ? ATTN_ACT_GELU : ATTN_ACT_RELU;
        cfg.norm_first = cases[t].norm_first;
        cfg.causal = cases[t].causal;
        cfg.eps = 1e-5f;
        st = use_stack ? attn_encoder_scratch_s8(&cfg, seq, &bytes)
                       : attn_encoder_layer_scratch_s8(&cfg, seq, &bytes);
        if (!CASE(st == ATTN_OK && bytes == ATTN_ENCODER_SCRATCH_S8(seq, d, cfg.n_heads, cfg.d_ff),
                  "int8 encoder case %d: scratch query %s, %lu B == ATTN_ENCODER_SCRATCH_S8 %lu B", t,
                  attn_status_str(st), (unsigned long)bytes,
                  (unsigned long)ATTN_ENCODER_SCRATCH_S8(seq, d, cfg.n_heads, cfg.d_ff)))
            continue;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            Ls = (attn_encoder_layer_s8_params *)take(sizeof *Ls * (size_t)layers);
            for (l = 0; l < layers; l++) lay_layer(Ls ? Ls + l : NULL, d, cfg.d_ff, cases[t].gelu);
            lay_ln(&ep.norm, d);
            x = take_out(n);
            x0 = take8(n);
            want = take8(n);
            padb = (uint8_t *)take((size_t)seq);
            mem = take(bytes);
            lay_ws(&w, seq, seq, d, cfg.d_ff);
            if (!plan_fits(pass, "encoder", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(900u + (unsigned)t);
        zp = rs_zp();
        for (l = 0; l < layers; l++) zp = fill_layer(&Ls[l], &cfg, zp);
        if (t >= 12) { /* the wide int32 rows without beta and with any gamma and beta */
            fill_ln(&Ls[0].norm1, d, Ls[0].norm1.out_zp, t == 12 ? LN_NO_BETA : LN_WILD);
            fill_ln(&Ls[0].norm2, d, Ls[0].norm2.out_zp, t == 12 ? LN_WILD : LN_NO_BETA);
        }
        fill_ln(&ep.norm, d, rs_zp(), LN_TYPICAL);
        ep.layers = Ls;
        ep.n_layers = layers;
        ep.final_norm = cases[t].final_norm;
        rs_fill(x0, n);
        if (cases[t].wide) {
            /* x alternating -128/127, the attention and FF outputs forced to
               the same extremes, both adds at 2040: |r| = 255 * 2040 = 522240 */
            attn_encoder_layer_s8_params *L = &Ls[0];
            attn_add_s8_params *adds[2];
            attn_linear_s8_params *lin[2];
            adds[0] = &L->add1;
            adds[1] = &L->add2;
            lin[0] = &L->attn.o;
            lin[1] = &L->ff2;
            for (c = 0; c < (int)n; c++) x0[c] = (int8_t)(c % 2 ? 127 : -128);
            for (l = 0; l < 2; l++) {
                adds[l]->a_zp = adds[l]->b_zp = 0;
                adds[l]->a_mul = adds[l]->b_mul = qmul_of(2040.0);
                for (c = 0; c < d; c++) {
                    ((int32_t *)lin[l]->bias)[c] = c % 2 ? 1 << 30 : -(1 << 30);
                    ((attn_qmul *)lin[l]->requant)[c] = qmul_of(0.5);
                }
            }
        }
        memcpy(want, x0, n);
        call.x = x;
        call.seq = seq;
        call.pad = fill_pad(padb, seq, cases[t].pad);
        call.cfg = &cfg;
        call.layer = use_stack ? NULL : &Ls[0];
        call.stack = &ep;
        g_max_r = 0;
        for (l = 0; l < layers; l++) ref_layer(want, seq, call.pad, &cfg, &Ls[l], &w);
        if (ep.final_norm) ref_ln_s8(want, want, &ep.norm, seq, d, w.r);
        run_exact_arena(call_enc, &call, mem, bytes, x, x0, n, want, "encoder", t);
        if (cases[t].wide)
            CASE(g_max_r > (1 << 19) - 4096 && g_max_r < (1 << 19),
                 "int8 encoder case %d: the post-norm sums reached |r| = %ld (bound 2^19 = 524288)", t,
                 (long)g_max_r);
    }
    CASE(g_ref_breach == 0, "encoder: the reference's documented bounds held");
    group_end("encoder layer / stack");
}

/* ---- accuracy against double precision ----------------------------------------------------- */

static void test_accuracy(void)
{
    static const struct {
        int rows, cols;
        double scale;
    } sm[] = {{8, 10, 0.05}, {4, 64, 0.1}, {2, 300, 0.2}, {8, 3, 0.2}, {1, 1, 0.1}, {6, 20, 0.12}};
    /* out: the output range in units of gamma * z: 5 maps +-3.3 sigma onto
       int8 (gamma/out_scale ~ 12..38), 1.2 (~ 50..160: its gamma shifts reach
       the left shift) and 20 (~ 3..10) */
    static const struct {
        int rows, cols;
        double scale;
        int32_t zp;
        int narrow;
        double out;
    } ln[] = {{4, 8, 0.05, 3, 0, 5.0},     {3, 64, 0.1, -20, 0, 5.0},  {2, 240, 0.2, 100, 0, 5.0},
              {4, 32, 0.05, 0, 1, 5.0},    {3, 20, 0.15, -128, 0, 5.0}, {16, 64, 0.1, 7, 0, 1.2},
              {8, 128, 0.03, -60, 0, 20.0}, {12, 48, 0.08, 30, 1, 1.2}};
    double worst_p = 0.0, worst_free = 0.0, worst_lsb = 0.0;
    long ln_off = 0, ln_outputs = 0;
    int t, pass, r, c, ok_sm = 1, ok_ln = 1;
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
    group_begin();
    for (t = 0; t < N_OF(sm); t++) {
        int rows = sm[t].rows, cols = sm[t].cols;
        size_t n = (size_t)rows * cols;
        int8_t *x = NULL, *y = NULL;
        attn_softmax_s8_params p;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            x = take8(n);
            y = take_out(n);
            if (!plan_fits(pass, "softmax accuracy", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(1000u + (unsigned)t);
        rs_fill(x, n);
        p.in_mul = qmul_of(sm[t].scale * 1.4426950408889634 * 65536.0);
        if (attn_softmax_s8(y, x, &p, rows, cols) != ATTN_OK) ok_sm = 0;
        for (r = 0; r < rows; r++) {
            double mx = -1e300, sum = 0.0;
            for (c = 0; c < cols; c++)
                if (x[r * cols + c] * sm[t].scale > mx) mx = x[r * cols + c] * sm[t].scale;
            for (c = 0; c < cols; c++) sum += exp(x[r * cols + c] * sm[t].scale - mx);
            for (c = 0; c < cols; c++) {
                double want = exp(x[r * cols + c] * sm[t].scale - mx) / sum;
                double got = (y[r * cols + c] + 128) / 256.0, e = fabs(got - want);
                if (e > worst_p) worst_p = e;
                if (y[r * cols + c] < 127 && e > worst_free) worst_free = e; /* p = 1 shows as 255/256 */
            }
        }
    }
    CASE(ok_sm && worst_p <= 1.0 / 256.0,
         "softmax_s8 vs double softmax of the dequantized logits: max error %s per probability (<= 1/256)",
         check_e(e1, worst_p, 3));
    printf("  softmax_s8 accuracy: largest error per probability %s (target 1/256 = 3.906e-03; "
           "below the clamp at 127: %s)\n", check_e(e1, worst_p, 3), check_e(e2, worst_free, 3));
    for (t = 0; t < N_OF(ln); t++) {
        int rows = ln[t].rows, cols = ln[t].cols;
        size_t n = (size_t)rows * cols;
        int8_t *x = NULL, *y = NULL;
        double *g = NULL, *b = NULL, sx = ln[t].scale, eps = 1e-5, out_scale;
        attn_layernorm_s8_params p;
        for (pass = 0; pass < 2; pass++) {
            plan_pass(pass);
            lay_ln(&p, cols);
            x = take8(n);
            y = take_out(n);
            g = (double *)take(sizeof(double) * (size_t)cols);
            b = (double *)take(sizeof(double) * (size_t)cols);
            if (!plan_fits(pass, "layernorm accuracy", t)) break;
        }
        if (pass < 2) {
            g_left++;
            continue;
        }
        rs_seed(1100u + (unsigned)t);
        for (c = 0; c < (int)n; c++)
            x[c] = clampq(ln[t].narrow ? ln[t].zp + rs_int(-3, 3) : rs_int(-128, 127));
        for (c = 0; c < cols; c++) {
            g[c] = 0.5 + rs_unit();
            b[c] = rs_unit() - 0.5;
        }
        out_scale = ln[t].out / 127.0;
        for (c = 0; c < cols; c++) {
            ((attn_qmul *)p.gamma)[c] = qmul_of(g[c] / out_scale);
            ((int32_t *)p.beta)[c] = (int32_t)floor(b[c] / out_scale * 65536.0 + 0.5);
        }
        p.eps = (i64)floor((double)cols * cols * eps / (sx * sx) + 0.5);
        if (p.eps < 1) p.eps = 1;
        p.out_zp = rs_int(-10, 10);
        if (attn_layernorm_s8(y, x, &p, rows, cols) != ATTN_OK) ok_ln = 0;
        for (r = 0; r < rows; r++) {
            double mean = 0.0, var = 0.0;
            for (c = 0; c < cols; c++) mean += (x[r * cols + c] - ln[t].zp) * sx;
            mean /= cols;
            for (c = 0; c < cols; c++) {
                double v = (x[r * cols + c] - ln[t].zp) * sx - mean;
                var += v * v;
            }
            var /= cols;
            for (c = 0; c < cols; c++) {
                double v = ((x[r * cols + c] - ln[t].zp) * sx - mean) / sqrt(var + eps) * g[c] + b[c];
                double q = floor(v / out_scale + 0.5) + p.out_zp, e;
                q = q < -128 ? -128 : q > 127 ? 127 : q;
                e = fabs(y[r * cols + c] - q);
                if (e > worst_lsb) worst_lsb = e;
                ln_off += e > 0.0;
                ln_outputs++;
            }
        }
    }
    CASE(ok_ln && worst_lsb <= 1.0,
         "layernorm_s8 vs double layer norm of the dequantized input, quantized: max error %d LSB (<= 1)",
         (int)worst_lsb);
    printf("  layernorm_s8 accuracy: largest error %d output LSB (INT8 ARITHMETIC: <= 1), %ld of %ld "
           "outputs off\n", (int)worst_lsb, ln_off, ln_outputs);
    group_end("accuracy vs double");
}

/* ---- bad input ---------------------------------------------------------------------------------- */

/* One fixture holds a valid call of every int8 operation; each row breaks
   one thing. Calls that take an arena get exactly what their scratch query
   says (or one byte less): the OK rows prove the query is enough. */
enum { BS = 4, BD = 8, BH = 2, BFF = 6, BN = BS * BD };

typedef struct {
    int8_t *y, *io;
    const int8_t *x, *x2, *tab;
    const uint8_t *pad;
    int32_t *ry;
    attn_qmul rm;
    int rows, in, outn, n, seq, d;
    attn_pooling pool;
    attn_linear_s8_params lin;
    const attn_linear_s8_params *linp;
    attn_softmax_s8_params sm;
    const attn_softmax_s8_params *smp;
    attn_layernorm_s8_params ln;
    const attn_layernorm_s8_params *lnp;
    attn_add_s8_params add;
    const attn_add_s8_params *addp;
    attn_sdpa_s8_params sd;
    const attn_sdpa_s8_params *sdp;
    attn_mha_s8_params mh;
    const attn_mha_s8_params *mhp;
    attn_mha_cfg mcfg, mcfg_ok;
    const attn_mha_cfg *mcfgp;
    attn_encoder_cfg ecfg, ecfg_ok;
    const attn_encoder_cfg *ecfgp;
    attn_encoder_layer_s8_params lay[2];
    const attn_encoder_layer_s8_params *layp;
    attn_encoder_s8_params enc;
    const attn_encoder_s8_params *encp;
    attn_arena arena;
    attn_arena *ap;
    int arena_mode; /* 0: exactly the query, 1: one byte short, 2: as the mutation left it */
    size_t need;    /* that query */
    size_t bytes, *bytesp;
} bx;

static struct {
    int8_t *x, *w, *y, *io, *io_before, *tab;
    int32_t *b, *bmin, *beta, ry;
    attn_qmul *q, *qbad;
    uint8_t *pad;
    unsigned char *mem;
    size_t mem_bytes;
} g_b;

static void bx_init(bx *f)
{
    int l;
    memset(f, 0, sizeof *f);
    f->y = g_b.y;
    f->io = g_b.io;
    f->x = g_b.x;
    f->x2 = g_b.x + BN;
    f->tab = g_b.tab;
    f->pad = g_b.pad;
    f->ry = &g_b.ry;
    f->rm.multiplier = 1 << 30;
    f->rm.shift = -3;
    f->rows = BS; f->in = BD; f->outn = BD; f->n = BN; f->seq = BS; f->d = BD;
    f->pool = ATTN_POOL_MEAN;
    f->lin.w = g_b.w; f->lin.bias = g_b.b; f->lin.requant = g_b.q;
    f->lin.act_min = -128; f->lin.act_max = 127; f->lin.fused_bias = NULL;
    f->sm.in_mul = g_b.q[0];
    f->ln.gamma = g_b.q; f->ln.beta = g_b.beta; f->ln.eps = 1000;
    f->add.a_mul = f->add.b_mul = g_b.q[0];
    f->add.out_mul = g_b.q[1];
    f->sd.score_mul = g_b.q[2];
    f->sd.ctx_mul = qmul_of(1.0 / 32768.0);
    f->mh.q = f->mh.k = f->mh.v = f->mh.o = f->lin;
    f->mh.sdpa = f->sd;
    f->mcfg.seq_q = f->mcfg.seq_kv = BS; f->mcfg.d_model = BD; f->mcfg.n_heads = BH; f->mcfg.causal = 1;
    f->ecfg.d_model = BD; f->ecfg.n_heads = BH; f->ecfg.d_ff = BFF;
    f->ecfg.activation = ATTN_ACT_GELU; f->ecfg.norm_first = 0; f->ecfg.causal = 0; f->ecfg.eps = 1e-5f;
    for (l = 0; l < 2; l++) {
        attn_encoder_layer_s8_params *L = &f->lay[l];
        L->attn = f->mh;
        L->add1 = L->add2 = f->add;
        L->norm1 = L->norm2 = f->ln;
        L->ff1 = L->ff2 = f->lin; /* w [BD][BD] covers [BFF][BD] and [BD][BFF] */
        L->gelu_table = g_b.tab;
    }
    f->enc.layers = f->lay; f->enc.n_layers = 2; f->enc.final_norm = 1; f->enc.norm = f->ln;
    f->linp = &f->lin; f->smp = &f->sm; f->lnp = &f->ln; f->addp = &f->add; f->sdp = &f->sd;
    f->mhp = &f->mh; f->mcfgp = &f->mcfg; f->ecfgp = &f->ecfg; f->layp = &f->lay[0]; f->encp = &f->enc;
    f->mcfg_ok = f->mcfg;
    f->ecfg_ok = f->ecfg;
    f->ap = &f->arena;
    f->bytesp = &f->bytes;
}

/* the arena for an arena call: f->need, its query on the unbroken configuration */
static void bx_arena(bx *f, attn_status qst)
{
    size_t need = qst == ATTN_OK ? f->need : g_b.mem_bytes;
    if (f->arena_mode == 2) return;
    attn_arena_init(&f->arena, g_b.mem, f->arena_mode == 1 && need > 0 ? need - 1 : need);
}

typedef attn_status (*bx_op)(bx *f);
typedef void (*bx_mut)(bx *f);

static attn_status op_requant(bx *f) { return attn_requantize(f->ry, 5, f->rm); }
static attn_status op_relu(bx *f) { return attn_relu_s8(f->y, f->x, f->n, 3); }
static attn_status op_lut(bx *f) { return attn_lut_s8(f->y, f->x, f->n, f->tab); }
static attn_status op_add(bx *f) { return attn_add_s8(f->y, f->x, f->x2, f->n, f->addp); }
static attn_status op_linear(bx *f) { return attn_linear_s8(f->y, f->x, f->linp, f->rows, f->in, f->outn); }
/* the fused biases go to a local array, copied to y only on success, and
   over y (so that the untouched check sees it) if an error wrote anything */
static attn_status op_fuse(bx *f)
{
    int32_t tmp[BD];
    attn_status st;
    memset(tmp, 0x5A, sizeof tmp);
    st = attn_linear_fuse_bias_s8(f->y ? tmp : NULL, f->linp, f->in, f->outn);
    if (f->y && (st == ATTN_OK || !all_sent((const int8_t *)(const void *)tmp, sizeof tmp)))
        memcpy(f->y, tmp, sizeof tmp);
    return st;
}
static attn_status op_softmax(bx *f) { return attn_softmax_s8(f->y, f->x, f->smp, f->rows, f->d); }
static attn_status op_layernorm(bx *f) { return attn_layernorm_s8(f->y, f->x, f->lnp, f->rows, f->d); }
static attn_status op_pool(bx *f) { return attn_pool_s8(f->y, f->x, f->pad, f->pool, f->seq, f->d, -5); }
static attn_status op_sdpa_scratch(bx *f) { return attn_sdpa_scratch_s8(f->mcfgp, f->bytesp); }
static attn_status op_mha_scratch(bx *f) { return attn_mha_scratch_s8(f->mcfgp, f->bytesp); }
static attn_status op_layer_scratch(bx *f) { return attn_encoder_layer_scratch_s8(f->ecfgp, f->seq, f->bytesp); }
static attn_status op_enc_scratch(bx *f) { return attn_encoder_scratch_s8(f->ecfgp, f->seq, f->bytesp); }
static attn_status op_sdpa(bx *f)
{
    bx_arena(f, attn_sdpa_scratch_s8(&f->mcfg_ok, &f->need));
    return attn_sdpa_s8(f->y, f->x, f->x2, f->x2, f->pad, f->mcfgp, f->sdp, f->ap);
}
static attn_status op_mha(bx *f)
{
    bx_arena(f, attn_mha_scratch_s8(&f->mcfg_ok, &f->need));
    return attn_mha_s8(f->y, f->x, f->x2, f->pad, f->mcfgp, f->mhp, f->ap);
}
static attn_status op_layer(bx *f)
{
    bx_arena(f, attn_encoder_layer_scratch_s8(&f->ecfg_ok, BS, &f->need));
    return attn_encoder_layer_s8(f->io, f->seq, f->pad, f->ecfgp, f->layp, f->ap);
}
static attn_status op_enc(bx *f)
{
    bx_arena(f, attn_encoder_scratch_s8(&f->ecfg_ok, BS, &f->need));
    return attn_encoder_s8(f->io, f->seq, f->pad, f->ecfgp, f->encp, f->ap);
}

static void none(bx *f) { (void)f; }
static void out_null(bx *f) { f->y = NULL; f->io = NULL; f->ry = NULL; f->bytesp = NULL; }
static void x_null(bx *f) { f->x = NULL; f->io = NULL; }
static void x2_null(bx *f) { f->x2 = NULL; }
static void tab_null(bx *f) { f->tab = NULL; }
static void p_null(bx *f) { f->linp = NULL; f->smp = NULL; f->lnp = NULL; f->addp = NULL; f->sdp = NULL; f->mhp = NULL; f->layp = NULL; f->encp = NULL; }
static void cfg_null(bx *f) { f->mcfgp = NULL; f->ecfgp = NULL; }
static void arena_null(bx *f) { f->ap = NULL; }
static void w_null(bx *f) { f->lin.w = NULL; f->mh.k.w = NULL; f->lay[0].attn.v.w = NULL; }
static void rq_null(bx *f) { f->lin.requant = NULL; f->mh.o.requant = NULL; f->lay[0].ff1.requant = NULL; }
static void wo_null(bx *f) { f->mh.o.w = NULL; f->lay[0].ff2.w = NULL; }
static void gamma_null(bx *f) { f->ln.gamma = NULL; f->lay[0].norm2.gamma = NULL; } /* R7 */
static void layers_null(bx *f) { f->enc.layers = NULL; }
static void layer2_null(bx *f) { f->lay[1].attn.q.w = NULL; } /* refused before layer 0 runs */
static void final_gamma_null(bx *f) { f->enc.norm.gamma = NULL; }
static void rows0(bx *f) { f->rows = 0; f->n = 0; f->seq = 0; }
static void n_neg(bx *f) { f->rows = -1; f->n = -1; f->seq = -1; }
static void in_neg(bx *f) { f->in = -3; f->d = -3; }
static void d0(bx *f) { f->d = 0; }
static void outn0(bx *f) { f->outn = 0; }
static void in_big(bx *f) { f->in = 32769; f->rows = 1; }  /* linear: in <= 32768 */
static void cols_big(bx *f) { f->d = 2049; f->rows = 1; }  /* layer norm: d <= 2048 */
static void dmodel_big(bx *f) { f->ecfg.d_model = 2050; f->mcfg.d_model = 32770; } /* LN / linear limits */
static void dff_big(bx *f) { f->ecfg.d_ff = 32769; }       /* ff2's in */
static void seq_q0(bx *f) { f->mcfg.seq_q = 0; }
static void seq_kv_neg(bx *f) { f->mcfg.seq_kv = -1; }
static void heads0(bx *f) { f->mcfg.n_heads = 0; f->ecfg.n_heads = 0; }
static void heads3(bx *f) { f->mcfg.n_heads = 3; f->ecfg.n_heads = 3; } /* 8 % 3 */
static void d_ff0(bx *f) { f->ecfg.d_ff = 0; }
static void nlayers0(bx *f) { f->enc.n_layers = 0; }
static void pool_bad(bx *f) { f->pool = (attn_pooling)5; }
static void act_bad(bx *f) { f->ecfg.activation = (attn_activation)7; }
static void shift_hi(bx *f)
{
    f->rm.shift = 31; f->sm.in_mul.shift = 31; f->add.b_mul.shift = 31; f->sd.ctx_mul.shift = 31;
    f->mh.sdpa.score_mul.shift = 31; f->lay[0].add1.a_mul.shift = 31;
}
static void shift_lo(bx *f)
{
    f->rm.shift = -32; f->sm.in_mul.shift = -32; f->add.out_mul.shift = -32; f->sd.score_mul.shift = -32;
    f->mh.sdpa.ctx_mul.shift = -32; f->lay[0].attn.sdpa.ctx_mul.shift = -32;
}
/* the last channel of a per-channel array (R8) */
static void chan_shift(bx *f)
{
    f->lin.requant = g_b.qbad; f->ln.gamma = g_b.qbad; f->mh.v.requant = g_b.qbad;
    f->lay[0].ff2.requant = g_b.qbad; f->enc.norm.gamma = g_b.qbad;
}
static void in_zp_bad(bx *f) { f->lin.in_zp = 128; }
static void fused_big(bx *f) { f->lin.bias = g_b.bmin; f->lin.in_zp = 127; } /* below INT32_MIN */
static void eps0(bx *f) { f->ln.eps = 0; f->lay[0].norm1.eps = 0; f->enc.norm.eps = 0; }
static void eps_neg(bx *f) { f->ln.eps = -5; f->lay[1].norm2.eps = -5; }
static void zp_mismatch(bx *f) { f->mh.sdpa.k_zp = f->mh.k.out_zp + 1; f->lay[0].attn.sdpa.v_zp = 1; }
static void ctx_zp_mismatch(bx *f) { f->mh.sdpa.out_zp = 9; f->lay[0].attn.o.in_zp = -9; }
static void arena_short(bx *f) { f->arena_mode = 1; }
static void arena_tiny(bx *f) { f->arena_mode = 2; attn_arena_init(&f->arena, g_b.mem, ATTN_ALIGN - 1); }
/* sizes above ATTN_MAX_DIM: shape errors on every platform */
static void huge_seq(bx *f) { f->mcfg.seq_q = f->mcfg.seq_kv = INT_MAX; f->seq = INT_MAX; }
static void over_max(bx *f)
{
    f->rows = f->n = f->seq = ATTN_MAX_DIM + 1;
    f->mcfg.seq_q = f->mcfg.seq_kv = ATTN_MAX_DIM + 1;
}
/* sequences at ATTN_MAX_DIM whose byte counts overflow a 32-bit size_t (on
   64-bit: far too big for the arena) */
static void max_seq(bx *f) { f->mcfg.seq_q = f->mcfg.seq_kv = ATTN_MAX_DIM; f->seq = ATTN_MAX_DIM; }
/* 32-bit rows only: ATTN_MAX_DIM rows of 64 */
static void huge_leaf(bx *f) { f->rows = ATTN_MAX_DIM; f->seq = ATTN_MAX_DIM; f->in = f->d = 64; }
/* too wide and too many: the width is a shape error before any size
   (32-bit targets gave ATTN_ERR_TOO_LARGE) */
static void huge_wide(bx *f) { f->rows = INT_MAX; f->d = 4096; }
#if SIZE_MAX <= 0xFFFFFFFFu
#define HUGE_WANT ATTN_ERR_TOO_LARGE
#else
#define HUGE_WANT ATTN_ERR_ARENA
#endif

/* operations and mutations by index: each table row is three bytes */
#define BX_OPS(X) X(requant) X(relu) X(lut) X(add) X(linear) X(fuse) X(softmax) X(layernorm) X(pool) \
    X(sdpa_scratch) X(sdpa) X(mha_scratch) X(mha) X(layer_scratch) X(layer) X(enc_scratch) X(enc)
#define BX_MUTS(X) X(none) X(out_null) X(x_null) X(x2_null) X(tab_null) X(p_null) X(cfg_null) \
    X(arena_null) X(w_null) X(rq_null) X(wo_null) X(gamma_null) X(layers_null) X(layer2_null) \
    X(final_gamma_null) X(rows0) X(n_neg) X(in_neg) X(d0) X(outn0) X(in_big) X(cols_big) \
    X(dmodel_big) X(dff_big) X(seq_q0) X(seq_kv_neg) X(heads0) X(heads3) X(d_ff0) X(nlayers0) \
    X(pool_bad) X(act_bad) X(shift_hi) X(shift_lo) X(chan_shift) X(eps0) X(eps_neg) X(zp_mismatch) \
    X(ctx_zp_mismatch) X(arena_short) X(arena_tiny) X(huge_seq) X(huge_leaf) X(in_zp_bad) \
    X(fused_big) X(huge_wide) X(over_max) X(max_seq)
#define BX_ENUM_OP(n) OP_##n,
#define BX_ENUM_MUT(n) MUT_##n,
#define BX_OP(n) {#n, op_##n},
#define BX_MUT(n) {#n, n},
enum { BX_OPS(BX_ENUM_OP) N_BX_OPS };
enum { BX_MUTS(BX_ENUM_MUT) N_BX_MUTS };
static const struct {
    const char *name;
    bx_op fn;
} k_bx_ops[] = {BX_OPS(BX_OP)};
static const struct {
    const char *name;
    bx_mut fn;
} k_bx_muts[] = {BX_MUTS(BX_MUT)};

#define R(op, mut, want) {OP_##op, MUT_##mut, want}
#define OK ATTN_OK
#define NUL ATTN_ERR_NULL
#define SHP ATTN_ERR_SHAPE
#define RNG ATTN_ERR_RANGE
#define ARN ATTN_ERR_ARENA
#define BIG ATTN_ERR_TOO_LARGE

static const unsigned char g_rows[][3] = {
    R(requant, none, OK), R(requant, out_null, NUL), R(requant, shift_hi, RNG), R(requant, shift_lo, RNG),
    R(relu, none, OK), R(relu, out_null, NUL), R(relu, x_null, NUL), R(relu, rows0, SHP), R(relu, n_neg, SHP),
    R(lut, none, OK), R(lut, out_null, NUL), R(lut, x_null, NUL), R(lut, tab_null, NUL), R(lut, rows0, SHP),
    R(add, none, OK), R(add, out_null, NUL), R(add, x_null, NUL), R(add, x2_null, NUL), R(add, p_null, NUL),
    R(add, rows0, SHP), R(add, n_neg, SHP), R(add, shift_hi, RNG), R(add, shift_lo, RNG),
    R(linear, none, OK), R(linear, out_null, NUL), R(linear, x_null, NUL), R(linear, p_null, NUL),
    R(linear, w_null, NUL), R(linear, rq_null, NUL), R(linear, rows0, SHP), R(linear, in_neg, SHP),
    R(linear, outn0, SHP), R(linear, in_big, SHP), R(linear, chan_shift, RNG), R(linear, in_zp_bad, RNG),
    R(fuse, none, OK), R(fuse, out_null, NUL), R(fuse, p_null, NUL), R(fuse, w_null, NUL),
    R(fuse, in_neg, SHP), R(fuse, outn0, SHP), R(fuse, in_big, SHP), R(fuse, in_zp_bad, RNG),
    R(fuse, fused_big, RNG),
    R(softmax, none, OK), R(softmax, out_null, NUL), R(softmax, x_null, NUL), R(softmax, p_null, NUL),
    R(softmax, rows0, SHP), R(softmax, in_neg, SHP), R(softmax, d0, SHP), R(softmax, shift_hi, RNG),
    R(softmax, shift_lo, RNG),
    R(layernorm, none, OK), R(layernorm, out_null, NUL), R(layernorm, x_null, NUL), R(layernorm, p_null, NUL),
    R(layernorm, gamma_null, NUL), R(layernorm, rows0, SHP), R(layernorm, d0, SHP), R(layernorm, cols_big, SHP),
    R(layernorm, chan_shift, RNG), R(layernorm, eps0, RNG), R(layernorm, eps_neg, RNG),
    R(layernorm, huge_wide, SHP),
    R(pool, none, OK), R(pool, out_null, NUL), R(pool, x_null, NUL), R(pool, rows0, SHP),
    R(pool, in_neg, SHP), R(pool, pool_bad, RNG),
    R(sdpa_scratch, none, OK), R(sdpa_scratch, out_null, NUL), R(sdpa_scratch, cfg_null, NUL),
    R(sdpa_scratch, seq_q0, SHP), R(sdpa_scratch, seq_kv_neg, SHP), R(sdpa_scratch, heads0, SHP),
    R(sdpa_scratch, heads3, SHP),
    R(sdpa, none, OK), R(sdpa, out_null, NUL), R(sdpa, x_null, NUL), R(sdpa, x2_null, NUL),
    R(sdpa, cfg_null, NUL), R(sdpa, p_null, NUL), R(sdpa, arena_null, NUL), R(sdpa, seq_q0, SHP),
    R(sdpa, seq_kv_neg, SHP), R(sdpa, heads0, SHP), R(sdpa, heads3, SHP), R(sdpa, shift_hi, RNG),
    R(sdpa, shift_lo, RNG), R(sdpa, huge_seq, SHP), R(sdpa, max_seq, HUGE_WANT), R(sdpa, arena_short, ARN), R(sdpa, arena_tiny, ARN),
    R(mha_scratch, none, OK), R(mha_scratch, out_null, NUL), R(mha_scratch, cfg_null, NUL),
    R(mha_scratch, seq_q0, SHP), R(mha_scratch, heads3, SHP), R(mha_scratch, dmodel_big, SHP),
    R(mha, none, OK), R(mha, out_null, NUL), R(mha, x_null, NUL), R(mha, x2_null, NUL),
    R(mha, cfg_null, NUL), R(mha, p_null, NUL), R(mha, w_null, NUL), R(mha, rq_null, NUL),
    R(mha, wo_null, NUL), R(mha, arena_null, NUL), R(mha, seq_q0, SHP), R(mha, seq_kv_neg, SHP),
    R(mha, heads0, SHP), R(mha, heads3, SHP), R(mha, dmodel_big, SHP), R(mha, shift_hi, RNG),
    R(mha, shift_lo, RNG), R(mha, chan_shift, RNG), R(mha, zp_mismatch, RNG), R(mha, ctx_zp_mismatch, RNG),
    R(mha, huge_seq, SHP), R(mha, max_seq, HUGE_WANT), R(mha, arena_short, ARN), R(mha, arena_tiny, ARN),
    R(layer_scratch, none, OK), R(layer_scratch, out_null, NUL), R(layer_scratch, cfg_null, NUL),
    R(layer_scratch, rows0, SHP), R(layer_scratch, heads0, SHP), R(layer_scratch, heads3, SHP),
    R(layer_scratch, d_ff0, SHP), R(layer_scratch, dmodel_big, SHP), R(layer_scratch, dff_big, SHP),
    R(layer_scratch, act_bad, RNG),
    R(layer, none, OK), R(layer, x_null, NUL), R(layer, cfg_null, NUL), R(layer, p_null, NUL),
    R(layer, w_null, NUL), R(layer, rq_null, NUL), R(layer, wo_null, NUL), R(layer, gamma_null, NUL),
    R(layer, arena_null, NUL), R(layer, rows0, SHP), R(layer, heads0, SHP), R(layer, heads3, SHP),
    R(layer, d_ff0, SHP), R(layer, dmodel_big, SHP), R(layer, dff_big, SHP), R(layer, act_bad, RNG),
    R(layer, shift_hi, RNG), R(layer, shift_lo, RNG), R(layer, chan_shift, RNG), R(layer, eps0, RNG),
    R(layer, zp_mismatch, RNG), R(layer, huge_seq, SHP), R(layer, max_seq, HUGE_WANT), R(layer, arena_short, ARN),
    R(layer, arena_tiny, ARN),
    R(enc_scratch, none, OK), R(enc_scratch, out_null, NUL), R(enc_scratch, cfg_null, NUL),
    R(enc_scratch, rows0, SHP), R(enc_scratch, heads3, SHP), R(enc_scratch, dmodel_big, SHP),
    R(enc, none, OK), R(enc, x_null, NUL), R(enc, cfg_null, NUL), R(enc, p_null, NUL),
    R(enc, layers_null, NUL), R(enc, layer2_null, NUL), R(enc, final_gamma_null, NUL),
    R(enc, arena_null, NUL), R(enc, rows0, SHP), R(enc, nlayers0, SHP), R(enc, heads3, SHP),
    R(enc, shift_hi, RNG), R(enc, chan_shift, RNG), R(enc, eps0, RNG), R(enc, eps_neg, RNG),
    R(enc, huge_seq, SHP), R(enc, max_seq, HUGE_WANT), R(enc, arena_short, ARN), R(enc, arena_tiny, ARN),
#if SIZE_MAX <= 0xFFFFFFFFu
    R(mha_scratch, max_seq, BIG), R(layer_scratch, max_seq, BIG),
    R(enc_scratch, max_seq, BIG), R(linear, huge_leaf, BIG), R(softmax, huge_leaf, BIG),
    R(layernorm, huge_leaf, BIG), R(pool, huge_leaf, BIG),
#endif
    R(sdpa_scratch, huge_seq, SHP), R(mha_scratch, huge_seq, SHP), R(layer_scratch, huge_seq, SHP),
    R(enc_scratch, huge_seq, SHP), R(relu, over_max, SHP), R(lut, over_max, SHP), R(add, over_max, SHP),
    R(linear, over_max, SHP), R(softmax, over_max, SHP), R(layernorm, over_max, SHP),
    R(pool, over_max, SHP), R(sdpa, over_max, SHP), R(mha, over_max, SHP), R(layer, over_max, SHP),
    R(enc, over_max, SHP), R(sdpa_scratch, over_max, SHP), R(layer_scratch, over_max, SHP),
};

#undef R
#undef OK
#undef NUL
#undef SHP
#undef RNG
#undef ARN
#undef BIG

static int is_arena_op(int op) { return op == OP_sdpa || op == OP_mha || op == OP_layer || op == OP_enc; }

static void test_bad_input_s8(void)
{
    int i, pass;
    size_t q[4] = {0, 0, 0, 0};
    attn_mha_cfg mc;
    attn_encoder_cfg ec;
    bx *f = NULL;
    group_begin();
    /* the arena: the largest query of the fixture's configuration (bx_init's) */
    mc.seq_q = mc.seq_kv = BS; mc.d_model = BD; mc.n_heads = BH; mc.causal = 1;
    ec.d_model = BD; ec.n_heads = BH; ec.d_ff = BFF; ec.activation = ATTN_ACT_GELU;
    ec.norm_first = 0; ec.causal = 0; ec.eps = 1e-5f;
    attn_sdpa_scratch_s8(&mc, &q[0]);
    attn_mha_scratch_s8(&mc, &q[1]);
    attn_encoder_layer_scratch_s8(&ec, BS, &q[2]);
    attn_encoder_scratch_s8(&ec, BS, &q[3]);
    g_b.mem_bytes = 0;
    for (i = 0; i < 4; i++)
        if (q[i] > g_b.mem_bytes) g_b.mem_bytes = q[i];
    for (pass = 0; pass < 2; pass++) {
        plan_pass(pass);
        f = (bx *)take(sizeof *f); /* ~1 KB: in the pool, not on a 2 KB stack */
        g_b.x = take8(2 * BN);
        g_b.w = take8(BD * BD);
        g_b.y = take_out(BN);
        g_b.io = take8(BN);
        g_b.io_before = take8(BN);
        g_b.tab = take8(256);
        g_b.b = take32(BD);
        g_b.bmin = take32(BD);
        g_b.beta = take32(BD);
        g_b.q = (attn_qmul *)take(BD * sizeof(attn_qmul));
        g_b.qbad = (attn_qmul *)take(BD * sizeof(attn_qmul));
        g_b.pad = (uint8_t *)take(BS);
        g_b.mem = (unsigned char *)take(g_b.mem_bytes);
        if (!plan_fits(pass, "bad input, all rows", 0)) break;
    }
    if (pass < 2) {
        g_left++;
        group_end("bad input");
        return;
    }
    rs_seed(1200);
    rs_fill(g_b.x, 2 * BN);
    rs_fill(g_b.w, BD * BD);
    rs_fill(g_b.tab, 256);
    for (i = 0; i < BD; i++) {
        g_b.b[i] = rs_int(-1000, 1000);
        g_b.bmin[i] = INT32_MIN;
        g_b.beta[i] = rs_int(-1000, 1000);
        g_b.q[i] = g_b.qbad[i] = qmul_near(0.01);
    }
    g_b.qbad[BD - 1].shift = 31;
    memset(g_b.pad, 0, BS);
    g_b.pad[2] = 1;
    for (i = 0; i < N_OF(g_rows); i++) {
        int op = g_rows[i][0], mut = g_rows[i][1];
        attn_status want = (attn_status)g_rows[i][2], got;
        int untouched;
        bx_init(f);
        k_bx_muts[mut].fn(f);
        sentinel(g_b.y, BN);
        rs_fill(g_b.io, BN);
        memcpy(g_b.io_before, g_b.io, BN);
        f->bytes = 777;
        g_b.ry = 12345;
        got = k_bx_ops[op].fn(f);
        if (want != ATTN_OK) {
            untouched = all_sent(g_b.y, BN + GUARD) && memcmp(g_b.io, g_b.io_before, BN) == 0 &&
                        f->bytes == 777 && g_b.ry == (op == OP_requant && want == ATTN_ERR_RANGE ? 0 : 12345);
            if (f->ap) untouched &= f->arena.used == 0 && f->arena.high_water == 0;
        } else { /* no overrun; an exact arena just fits */
            untouched = guard_ok(g_b.y + BN);
            if (is_arena_op(op)) untouched &= f->arena.used == 0 && f->arena.high_water == f->need;
        }
        CASE(got == want && untouched, "int8 bad input %s / %s: %s (want %s)%s", k_bx_ops[op].name,
             k_bx_muts[mut].name, attn_status_str(got), attn_status_str(want),
             untouched ? "" : want == ATTN_OK ? ", but the arena or the output is off" : ", but output was written");
    }
    group_end("bad input");
}

/* ---- the group ------------------------------------------------------------------ */

void test_s8(void)
{
    printf("int8 kernels against the reference (%d bad-input rows)\n", N_OF(g_rows));
    ref_make_table();
    g_ref_breach = 0;
    test_reference();
    test_requantize();
    test_quantize_multiplier();
    test_elementwise();
    test_linear();
    g_ref_breach = 0;
    test_softmax();
    g_ref_breach = 0;
    test_layernorm();
    test_layernorm_wide();
    test_pool();
    g_ref_breach = 0;
    test_sdpa();
    g_ref_breach = 0;
    test_mha();
    g_ref_breach = 0;
    test_encoder();
    test_accuracy();
    test_bad_input_s8();
    printf("checksum int8-kernel-outputs: %lu bytes, FNV-1a %08lx\n", g_out_bytes,
           (unsigned long)g_out_hash);
}
