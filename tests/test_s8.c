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
   precision. (Bad input: tests/test_bad_s8.c.)

   The reference itself is tests/ref_s8.c (ref_s8.h: the readings R1..R11
   of the spec it takes, named at the code below that relies on them). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"
#include "float_fast.h" /* portable_recip32 */
#include "ref_s8.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define GUARD 16              /* sentinel bytes after every library output */
#define SENT ((int8_t)0x5A)

/* ---- pool: each case's layout runs twice (check_plan, check.h) ----------- */

static void *take(size_t bytes) { return check_plan_take(bytes); }
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

/* Layouts take the arrays (and only store pointers; p may be NULL while
   counting); fills write them. */
static void lay_linear(attn_linear_s8_params *p, int in, int out)
{
    const int8_t *w = take8((size_t)in * (size_t)out);
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
    size_t i, n = (size_t)in * (size_t)out;
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
    ok = ref_T[0] == P2(30) && ref_T[128] == P2(29);
    for (k = 0; k <= 128; k++) {
        double lo = 128.0 * log2(ref_T[k] - 0.5), hi = 128.0 * log2(ref_T[k] + 0.5), want = 3840.0 - k;
        if (!(lo <= want && want < hi)) ok = 0;
        if (k < 128 && ref_T[k] <= ref_T[k + 1]) ok = 0;
        if ((i64)floor(exp2(30.0 - k / 128.0) + 0.5) != ref_T[k]) ok = 0;
    }
    CASE(ok, "exp2 table: T[k] = round(2^30 * 2^(-k/128)), T[0] = 2^30, T[128] = 2^29, decreasing "
             "(T[64] = %ld)", (long)ref_T[64]);
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
    int t, i;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int n = cases[t].n;
        int8_t *a = NULL, *b = NULL, *y = NULL, *want = NULL, *tab = NULL;
        int32_t *r = NULL, zp = t == 0 ? -128 : t == 1 ? 127 : rs_zp();
        attn_add_s8_params p;
        attn_status st;
        while (check_plan("int8 element-wise case %d", t)) {
            a = take8((size_t)n);
            b = take8((size_t)n);
            y = take_out((size_t)n);
            want = take8((size_t)n);
            tab = take8(256);
            r = take32((size_t)n);
        }
        if (!check_planned()) {
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
    int t;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int rows = cases[t].rows, in = cases[t].in, out = cases[t].out;
        size_t nx = (size_t)rows * (size_t)in, ny = (size_t)rows * (size_t)out;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *fused = NULL;
        attn_linear_s8_params p;
        attn_status st;
        while (check_plan("int8 linear case %d", t)) {
            lay_linear(&p, in, out);
            fused = take32((size_t)out);
            x = take8(nx);
            y = take_out(ny);
            want = take8(ny);
        }
        if (!check_planned()) {
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
    CASE(ref_breach == 0, "linear: the tests' sums stayed within int32 (in <= 32768)");
    group_end("linear");
}

/* ---- softmax ---------------------------------------------------------------- */

enum { DATA_RANDOM, DATA_CONST, DATA_EXTREME, DATA_NARROW, DATA_SPREAD };

static void fill_data(int8_t *x, size_t n, int mode)
{
    size_t i;
    int8_t c = (int8_t)rs_int(-128, 127);
    for (i = 0; i < n; i++)
        x[i] = (int8_t)(mode == DATA_CONST ? c : mode == DATA_EXTREME ? (rs_next() & 1 ? 127 : -128)
                        : mode == DATA_NARROW ? c / 2 + rs_int(-2, 2)
                        : mode == DATA_SPREAD ? c / 2 + rs_int(-30, 30) : rs_int(-128, 127));
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
    int t;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int rows = cases[t].rows, cols = cases[t].cols;
        size_t n = (size_t)rows * (size_t)cols;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *z = NULL, *pq = NULL;
        uint8_t *vis = NULL;
        attn_softmax_s8_params p;
        attn_sdpa_s8_params sp;
        attn_status st;
        while (check_plan("int8 softmax case %d", t)) {
            x = take8(n);
            y = take_out(n);
            want = take8(n);
            z = take32((size_t)cols);
            pq = take32((size_t)cols);
            vis = (uint8_t *)take((size_t)cols);
        }
        if (!check_planned()) {
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
    CASE(ref_breach == 0, "softmax: the reference's documented bounds held");
    CASE(ref_sn_min_seen && ref_sn_max_seen,
         "softmax: the normalised sums reached both ends of [2^31, 2^32) (%d, %d)", ref_sn_min_seen,
         ref_sn_max_seen);
    group_end("softmax");
}

/* The softmax normaliser's reciprocal floor((2^63 - 1) / d), d in [2^31,
   2^32), both ways the library computes it (Newton steps where the core
   cannot divide, long division where it can; portable_recip32), against a
   64-bit division: both ends, d near 2^31 + 2^k and 2^32 - 2^k, 8192 evenly
   spaced and 8192 pseudo-random d. (Every d was compared once, on the host,
   when the division was written.) On Helium also the windowed heads'
   vector normalisers (attn__test_w16_norm), with each d the normalised form of a
   sum S, the Q15 shift with it. (Their reciprocal too was compared with the
   long division for every d once, on the host, when it was written.) */
static void test_recip(void)
{
    long bad_newton = 0, bad_div = 0, bad_vec = 0, n = 0, nv = 0;
    uint32_t r = 12345u, rv = 777u, H[4], L[4], R[4], Rw[4];
    int32_t sh[4], shw[4];
    int i, k, vec = 1;
    group_begin();
    for (i = 0; i < 16384 + 4 * 31; i++) {
        uint32_t d, a, b, want, bit;
        if (i < 8192) {
            d = 0x80000000u + (uint32_t)i * 262144u + (uint32_t)i; /* spaced, and odd offsets */
        } else if (i < 16384) {
            r = r * 1664525u + 1013904223u;
            d = r | 0x80000000u;
        } else { /* 2^31 + 2^k, 2^31 + 2^k - 1, 2^32 - 2^k, 2^32 - 2^k - 1 for k < 31: the ends too */
            k = (i - 16384) >> 2;
            bit = (uint32_t)1 << k;
            d = (i & 2) ? 0u - bit - (uint32_t)(i & 1) : 0x80000000u + bit - (uint32_t)(i & 1);
        }
        want = (uint32_t)(UINT64_C(0x7FFFFFFFFFFFFFFF) / d);
        portable_recip32(d, &a, &b);
        if (a != want && bad_newton++ == 0)
            printf("    Newton: d %08lx: %08lx, want %08lx\n", (unsigned long)d, (unsigned long)a,
                   (unsigned long)want);
        if (b != want && bad_div++ == 0)
            printf("    division: d %08lx: %08lx, want %08lx\n", (unsigned long)d, (unsigned long)b,
                   (unsigned long)want);
        n++;
        /* Helium's windowed heads: d as the normalised sum of S = d 2^k
           (and low bits below; k = -1: S = d / 2, d even) for k = -1..16,
           in their form H 2^16 + X, four at a time */
        if (vec) {
            const int j = i & 3;
            uint64_t S, X;
            k = i % 18 - 1;
            rv = rv * 1664525u + 1013904223u;
            if (k < 0) {
                d &= ~1u;
                S = d >> 1;
            } else {
                S = ((uint64_t)d << k) | (rv & (((uint32_t)1 << k) - 1u));
            }
            want = (uint32_t)(UINT64_C(0x7FFFFFFFFFFFFFFF) / d);
            X = (S & 0xFFFFu) | ((uint64_t)(rv >> 16) << 16);
            if (X > S) X = S & 0xFFFFu;
            H[j] = (uint32_t)((S - X) >> 16);
            L[j] = (uint32_t)S;
            Rw[j] = want;
            shw[j] = k >= 16 ? -31 : -16 - k;
            if (j == 3) {
                int t;
                vec = attn__test_w16_norm(H, L, R, sh);
                for (t = 0; vec && t < 4; t++, nv++)
                    if ((R[t] != Rw[t] || sh[t] != shw[t]) && bad_vec++ == 0)
                        printf("    Helium's vector normaliser: H %08lx L %08lx: %08lx %ld, want %08lx %ld\n",
                               (unsigned long)H[t], (unsigned long)L[t], (unsigned long)R[t],
                               (long)sh[t], (unsigned long)Rw[t], (long)shw[t]);
            }
        }
    }
    CASE(bad_newton == 0, "reciprocal by Newton steps: %ld of %ld differ", bad_newton, n);
    CASE(bad_div == 0, "reciprocal by long division: %ld of %ld differ", bad_div, n);
    if (vec) /* (Helium's build only) */
        CASE(bad_vec == 0 && nv == n, "Helium's vector normaliser: %ld of %ld differ", bad_vec, nv);
    group_end("softmax reciprocal");
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
    int t;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int rows = cases[t].rows, cols = cases[t].cols;
        size_t n = (size_t)rows * (size_t)cols;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *tmp = NULL;
        attn_layernorm_s8_params p;
        attn_status st;
        while (check_plan("int8 layernorm case %d", t)) {
            lay_ln(&p, cols);
            x = take8(n);
            y = take_out(n);
            want = take8(n);
            tmp = take32((size_t)cols);
        }
        if (!check_planned()) {
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
    CASE(ref_breach == 0, "layernorm: the reference's documented bounds held");
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
    return ref_ln_max.u <= INT32_MAX && (double)ref_ln_max.z <= sqrt((double)(d - 1)) * 8388608.0 + 2.0;
}

static void test_layernorm_wide(void)
{
    static const int widths[] = {1024, 2048};
    enum { PATTERNS = 6 };
    int t, r, c;
    group_begin();
    for (t = 0; t < N_OF(widths); t++) {
        int d = widths[t];
        size_t n = (size_t)PATTERNS * (size_t)d;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        int32_t *tmp = NULL;
        attn_layernorm_s8_params p;
        while (check_plan("int8 layernorm wide case %d", t)) {
            lay_ln(&p, d);
            x = take8(n);
            y = take_out(n);
            want = take8(n);
            tmp = take32((size_t)d);
        }
        if (!check_planned()) {
            g_left++;
            continue;
        }
        rs_seed(500u + (unsigned)t);
        fill_ln(&p, d, 0, LN_TYPICAL);
        p.eps = 1; /* the smallest: D = eps on the constant rows, k = 30 */
        for (r = 0; r < PATTERNS; r++)
            for (c = 0; c < d; c++)
                x[(size_t)r * (size_t)d + (size_t)c] = (int8_t)(r == 0 ? 127 : r == 1 ? -128 : r == 2 ? (c % 2 ? 127 : -128)
                                                : r == 3 ? (c == d / 2 ? 127 : -128)
                                                : r == 4 ? (c == d / 3 ? -128 : 127) : rs_int(-128, 127));
        memset(&ref_ln_max, 0, sizeof ref_ln_max);
        ref_ln_s8(want, x, &p, PATTERNS, d, tmp);
        sentinel(y, n);
        if (!expect_same(attn_layernorm_s8(y, x, &p, PATTERNS, d), y, want, n, "layernorm wide", t))
            printf("    (d %d: rows 127..., -128..., alternating, one 127 in -128s, one -128 in 127s, random)\n", d);
        printf("  layernorm d %d int8 rows: largest |d*x - S1| %ld, D < 2^%d, largest |u| %ld, |z| %ld\n",
               d, (long)ref_ln_max.num, ilog2_ceil(ref_ln_max.d + 1), (long)ref_ln_max.u, (long)ref_ln_max.z);
        CASE(ln_bounds_ok(d), "layernorm spec at d %d: |u| = %ld < 2^31, |z| = %ld <= sqrt(d-1) * 2^23 + 2",
             d, (long)ref_ln_max.u, (long)ref_ln_max.z);
    }
    /* reference only: wide rows at |r| = 2^19 - 1, d = 2048 */
    {
        const int d = 2048;
        const int32_t M = (1 << 19) - 1;
        int8_t *y = NULL;
        int32_t *row = NULL;
        attn_layernorm_s8_params p;
        while (check_plan("int8 layernorm wide int32 (reference) case %d", 2)) {
            lay_ln(&p, d);
            y = take8((size_t)d);
            row = take32((size_t)d);
        }
        if (check_planned()) {
            rs_seed(510);
            fill_ln(&p, d, 0, LN_TYPICAL);
            p.eps = 1;
            memset(&ref_ln_max, 0, sizeof ref_ln_max);
            ref_breach = 0;
            for (r = 0; r < 4; r++) {
                for (c = 0; c < d; c++)
                    row[c] = r == 0 ? (c % 2 ? M : -M) : r == 1 ? (c == 0 ? M : -M)
                           : r == 2 ? (c == 0 ? -M : M) : M;
                ref_ln_row(y, row, d, &p);
            }
            CASE(ref_breach == 0 && ref_ln_max.num <= INT32_MAX && ref_ln_max.d < P2(62) && ln_bounds_ok(d),
                 "layernorm spec at d 2048, |r| = 2^19 - 1: |d*x - S1| = %ld fits int32, D < 2^%d, "
                 "|u| = %ld, |z| = %ld", (long)ref_ln_max.num, ilog2_ceil(ref_ln_max.d + 1),
                 (long)ref_ln_max.u, (long)ref_ln_max.z);
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
    int t;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int seq = cases[t].seq, d = cases[t].d;
        int8_t *x = NULL, *y = NULL, *want = NULL;
        uint8_t *padb = NULL;
        const uint8_t *pad;
        while (check_plan("int8 pool case %d", t)) {
            x = take8((size_t)seq * (size_t)d);
            y = take_out((size_t)d);
            want = take8((size_t)d);
            padb = (uint8_t *)take((size_t)seq);
        }
        if (!check_planned()) {
            g_left++;
            continue;
        }
        rs_seed(600u + (unsigned)t);
        rs_fill(x, (size_t)seq * (size_t)d);
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
    return attn_mha_s8(c->out, c->q, c->k, c->k, c->pad, c->cfg, c->mp, a);
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
    /* d_head 16 unpadded (the DSP cores' one-frame head, attn__head16_dsp):
       each key count from 1 (causal, windows), zero points at both ends */
    {12, 12, 32, 2, 0, PAD_NONE, 3, -4, 5, -6, SC_TYPICAL, CT_TYPICAL},
    {9, 9, 16, 1, 1, PAD_NONE, 0, 0, 0, 0, SC_TYPICAL, CT_TYPICAL},
    {11, 10, 48, 3, 0, PAD_NONE, -128, 127, -128, 127, SC_SHARP, CT_TYPICAL},
    /* Helium's windowed heads (attn__rows16w_mve: d_head 16 unpadded, q_zp 0,
       four rows at a time, the rest a row at a time): with k_win's windows,
       groups whole and cut by the sequence's ends, causal, several heads,
       seq_q < seq_kv and seq_q > seq_kv (rows past the keys), any score and
       context multipliers (those the groups refuse: the rows' kernel) */
    {20, 20, 16, 1, 0, PAD_NONE, 0, 5, -7, 3, SC_TYPICAL, CT_TYPICAL},
    {13, 13, 32, 2, 1, PAD_NONE, 0, -128, 127, -50, SC_TYPICAL, CT_TYPICAL},
    {10, 17, 64, 4, 0, PAD_NONE, 0, 0, 0, 0, SC_SHARP, CT_TYPICAL},
    {15, 6, 16, 1, 0, PAD_NONE, 0, 3, -3, 3, SC_TYPICAL, CT_TYPICAL},
    {7, 7, 48, 3, 1, PAD_NONE, 0, 127, -128, 127, SC_ANY, CT_ANY},
    {6, 6, 16, 1, 0, PAD_NONE, 0, 0, 0, -128, SC_TYPICAL, CT_TYPICAL},
    {5, 5, 32, 2, 0, PAD_NONE, 0, -1, 1, 0, SC_SHARP, CT_TYPICAL},
    {3, 3, 16, 1, 1, PAD_NONE, 0, 9, 9, 9, SC_TYPICAL, CT_TYPICAL},
};

/* Windowed (local) attention: cases N_OF(k_attn) + n run k_attn[k_win[n].base]
   again with a window (test_sdpa and test_mha). */
static const struct {
    int base, window;
} k_win[] = {{13, 4}, {13, 1}, {1, 1}, {3, 1}, {11, 2}, {12, 9}, {4, 3}, {16, 2}, {5, 1},
             {29, 1}, {29, 2}, {29, 4}, {30, 3}, {31, 2}, {31, 5},
             {32, 1}, {32, 2}, {32, 3}, {32, 4}, {32, 5}, {32, 19}, {32, 30},
             {33, 1}, {33, 4}, {33, 8}, {33, 9}, {34, 1}, {34, 3}, {34, 4},
             {35, 1}, {35, 2}, {35, 4}, {36, 1}, {36, 2}, {36, 4}, {37, 1}, {37, 4},
             {38, 2}, {38, 4}, {39, 1}, {39, 3}};
#define N_ATTN ((int)N_OF(k_attn) + (int)N_OF(k_win))
#define ATTN_CASE(t) ((t) < (int)N_OF(k_attn) ? (t) : k_win[(t) - (int)N_OF(k_attn)].base)
#define ATTN_WINDOW(t) ((t) < (int)N_OF(k_attn) ? 0 : k_win[(t) - (int)N_OF(k_attn)].window)

static void test_sdpa(void)
{
    int t, u;
    group_begin();
    for (u = 0; u < N_ATTN; u++) {
        attn_mha_cfg cfg = {0};
        size_t nq, nkv, bytes = 0;
        int8_t *q = NULL, *k = NULL, *v = NULL, *out = NULL, *want = NULL;
        uint8_t *padb = NULL;
        void *mem = NULL;
        attn_sdpa_s8_params p;
        attn_call call;
        ref_ws w;
        attn_status st;
        t = ATTN_CASE(u);
        cfg.seq_q = k_attn[t].seq_q;
        cfg.seq_kv = k_attn[t].seq_kv;
        cfg.d_model = k_attn[t].d;
        cfg.n_heads = k_attn[t].heads;
        cfg.causal = k_attn[t].causal;
        cfg.window = ATTN_WINDOW(u);
        nq = (size_t)cfg.seq_q * (size_t)cfg.d_model;
        nkv = (size_t)cfg.seq_kv * (size_t)cfg.d_model;
        st = attn_sdpa_scratch_s8(&cfg, &bytes);
        if (!CASE(st == ATTN_OK && bytes == ATTN_SDPA_SCRATCH_S8(cfg.seq_kv),
                  "int8 sdpa case %d: scratch query %s, %lu B == ATTN_SDPA_SCRATCH_S8 %lu B", u,
                  attn_status_str(st), (unsigned long)bytes, (unsigned long)ATTN_SDPA_SCRATCH_S8(cfg.seq_kv)))
            continue;
        while (check_plan("int8 sdpa case %d", u)) {
            q = take8(nq);
            k = take8(nkv);
            v = take8(nkv);
            out = take_out(nq);
            want = take8(nq);
            padb = (uint8_t *)take((size_t)cfg.seq_kv);
            mem = take(bytes);
            lay_ws(&w, cfg.seq_q, cfg.seq_kv, cfg.d_model, 1);
        }
        if (!check_planned()) {
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
        run_exact_arena(call_sdpa, &call, mem, bytes, out, NULL, nq, want, "sdpa", u);
    }
    CASE(ref_breach == 0, "sdpa: scores and context sums stayed within int32 (documented)");
    group_end("sdpa");
}

static void test_mha(void)
{
    int t, u;
    group_begin();
    for (u = 0; u < N_ATTN; u++) {
        attn_mha_cfg cfg = {0};
        size_t nq, nkv, bytes = 0;
        int self;
        int8_t *xq = NULL, *xkv = NULL, *out = NULL, *want = NULL;
        uint8_t *padb = NULL;
        void *mem = NULL;
        attn_mha_s8_params p;
        attn_call call;
        ref_ws w;
        attn_status st;
        t = ATTN_CASE(u);
        self = t % 3 == 0 && k_attn[t].seq_q == k_attn[t].seq_kv;
        cfg.seq_q = k_attn[t].seq_q;
        cfg.seq_kv = k_attn[t].seq_kv;
        cfg.d_model = k_attn[t].d;
        cfg.n_heads = k_attn[t].heads;
        cfg.causal = k_attn[t].causal;
        cfg.window = ATTN_WINDOW(u);
        nq = (size_t)cfg.seq_q * (size_t)cfg.d_model;
        nkv = (size_t)cfg.seq_kv * (size_t)cfg.d_model;
        st = attn_mha_scratch_s8(&cfg, &bytes);
        if (!CASE(st == ATTN_OK && bytes == ATTN_MHA_SCRATCH_S8(cfg.seq_kv, cfg.d_model),
                  "int8 mha case %d: scratch query %s, %lu B == ATTN_MHA_SCRATCH_S8 %lu B", u,
                  attn_status_str(st), (unsigned long)bytes,
                  (unsigned long)ATTN_MHA_SCRATCH_S8(cfg.seq_kv, cfg.d_model)))
            continue;
        while (check_plan("int8 mha case %d", u)) {
            lay_mha(&p, cfg.d_model);
            xq = take8(nq);
            xkv = take8(nkv);
            out = take_out(nq);
            want = take8(nq);
            padb = (uint8_t *)take((size_t)cfg.seq_kv);
            mem = take(bytes);
            lay_ws(&w, cfg.seq_q, cfg.seq_kv, cfg.d_model, 1);
        }
        if (!check_planned()) {
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
        run_exact_arena(call_mha, &call, mem, bytes, out, NULL, nq, want, "mha", u);
    }
    CASE(ref_breach == 0, "mha: the reference's documented bounds held");
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
    int t, l, c, u;
    group_begin();
    /* u >= N_OF(cases): cases 0..11 again with a window of 1 + t % 3 */
    for (u = 0; t = u % N_OF(cases), u < N_OF(cases) + 12; u++) {
        attn_encoder_cfg cfg = {0};
        attn_encoder_s8_params ep;
        attn_encoder_layer_s8_params *Ls = NULL;
        int seq = cases[t].seq, d = cases[t].d, layers = cases[t].layers;
        int use_stack = layers > 1 || cases[t].final_norm;
        size_t n = (size_t)seq * (size_t)d, bytes = 0;
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
        cfg.window = u >= N_OF(cases) ? 1 + t % 3 : 0;
        cfg.eps = 1e-5f;
        st = use_stack ? attn_encoder_scratch_s8(&cfg, seq, &bytes)
                       : attn_encoder_layer_scratch_s8(&cfg, seq, &bytes);
        if (!CASE(st == ATTN_OK && bytes == ATTN_ENCODER_SCRATCH_S8(seq, d, cfg.n_heads, cfg.d_ff),
                  "int8 encoder case %d: scratch query %s, %lu B == ATTN_ENCODER_SCRATCH_S8 %lu B", u,
                  attn_status_str(st), (unsigned long)bytes,
                  (unsigned long)ATTN_ENCODER_SCRATCH_S8(seq, d, cfg.n_heads, cfg.d_ff)))
            continue;
        while (check_plan("int8 encoder case %d", u)) {
            Ls = (attn_encoder_layer_s8_params *)take(sizeof *Ls * (size_t)layers);
            for (l = 0; l < layers; l++) lay_layer(Ls ? Ls + l : NULL, d, cfg.d_ff, cases[t].gelu);
            lay_ln(&ep.norm, d);
            x = take_out(n);
            x0 = take8(n);
            want = take8(n);
            padb = (uint8_t *)take((size_t)seq);
            mem = take(bytes);
            lay_ws(&w, seq, seq, d, cfg.d_ff);
        }
        if (!check_planned()) {
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
        ref_max_r = 0;
        for (l = 0; l < layers; l++) ref_layer(want, seq, call.pad, &cfg, &Ls[l], &w);
        if (ep.final_norm) ref_ln_s8(want, want, &ep.norm, seq, d, w.r);
        run_exact_arena(call_enc, &call, mem, bytes, x, x0, n, want, "encoder", u);
        if (cases[t].wide)
            CASE(ref_max_r > (1 << 19) - 4096 && ref_max_r < (1 << 19),
                 "int8 encoder case %d: the post-norm sums reached |r| = %ld (bound 2^19 = 524288)", u,
                 (long)ref_max_r);
    }
    CASE(ref_breach == 0, "encoder: the reference's documented bounds held");
    group_end("encoder layer / stack");
}

/* ---- attention pooling and the model's front ends (issue 11) ------------------------- */

typedef struct {
    int8_t *out;
    const int8_t *x, *w;
    const uint8_t *pad;
    const attn_sdpa_s8_params *p;
    int seq, d;
} pool_call;

static attn_status call_pool_att(const void *ctx, attn_arena *a)
{
    const pool_call *c = (const pool_call *)ctx;
    return attn_pool_attention_s8(c->out, c->x, c->pad, c->w, c->p, c->seq, c->d, a);
}

/* attn_pool_attention_s8 == one reference head whose query is w */
static void test_pool_attention(void)
{
    static const struct {
        int seq, d, pad, score;
    } cases[] = {
        {1, 1, PAD_NONE, SC_TYPICAL}, {7, 20, PAD_NONE, SC_TYPICAL}, {9, 12, PAD_SOME, SC_SHARP},
        {6, 8, PAD_ALL, SC_TYPICAL},  {5, 33, PAD_FIRST, SC_FLAT},   {32, 64, PAD_SOME, SC_ANY},
        {3, 5, PAD_ZEROS, SC_TYPICAL},
    };
    int t;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int seq = cases[t].seq, d = cases[t].d;
        size_t bytes = ATTN_POOL_SCRATCH_S8(seq, d);
        int8_t *x = NULL, *w = NULL, *y = NULL, *want = NULL;
        uint8_t *padb = NULL;
        void *mem = NULL;
        attn_sdpa_s8_params p;
        attn_mha_cfg mc = {0};
        pool_call call;
        ref_ws ws;
        while (check_plan("int8 attention pooling case %d", t)) {
            x = take8((size_t)seq * (size_t)d);
            w = take8((size_t)d);
            y = take_out((size_t)d);
            want = take8((size_t)d);
            padb = (uint8_t *)take((size_t)seq);
            mem = take(bytes);
            lay_ws(&ws, 1, seq, d, 1);
        }
        if (!check_planned()) {
            g_left++;
            continue;
        }
        rs_seed(1500u + (unsigned)t);
        rs_fill(x, (size_t)seq * (size_t)d);
        rs_fill(w, (size_t)d);
        {
            int32_t zx = rs_zp();
            fill_sdpa(&p, d, 0, zx, zx, zx, cases[t].score, CT_TYPICAL);
        }
        mc.seq_q = 1;
        mc.seq_kv = seq;
        mc.d_model = d;
        mc.n_heads = 1;
        call.out = y;
        call.x = x;
        call.w = w;
        call.pad = fill_pad(padb, seq, cases[t].pad);
        call.p = &p;
        call.seq = seq;
        call.d = d;
        ref_sdpa(want, w, x, x, call.pad, &mc, &p, &ws);
        run_exact_arena(call_pool_att, &call, mem, bytes, y, NULL, (size_t)d, want,
                        "attention pooling", t);
    }
    group_end("attention pooling");
}

/* A small int8 model with the front ends: the library's attn_model_s8 /
   attn_model_tokens_s8 == the reference composed of its parts (linear,
   adds, layer norms, layers, pooling, head), bit for bit. */
typedef struct {
    int8_t *logits;
    const int8_t *input;
    const int *tokens, *segments;
    const uint8_t *pad;
    const attn_model_cfg *cfg;
    const attn_model_s8_params *p;
    int seq;
} model_call;

static attn_status call_model(const void *ctx, attn_arena *a)
{
    const model_call *c = (const model_call *)ctx;
    return c->tokens ? attn_model_tokens_s8(c->logits, c->tokens, c->segments, c->seq, c->pad,
                                            c->cfg, c->p, a)
                     : attn_model_s8(c->logits, c->input, c->seq, c->pad, c->cfg, c->p, a);
}

static void test_model_front(void)
{
    enum { F_FEAT, F_PATCH, F_TOKENS };
    static const struct {
        int front, seq, d_in, d, heads, ff, cls, norm, pooling, pad, pos, window;
        int patch, ch, h, w, vocab, nseg, own;
    } cases[] = {
        /* front seq d_in d h ff cls norm pooling pad pos win | patch ch h w | vocab nseg |
           own: pre-norm, the CLS row at its own encoding (cls_row; 2: and a final norm) */
        {F_FEAT, 6, 8, 16, 2, 24, 1, 0, ATTN_POOL_ATTENTION, PAD_SOME, 1, 0, 0, 0, 0, 0, 0, 0, 0},
        {F_FEAT, 1, 3, 8, 2, 8, 1, 1, ATTN_POOL_FIRST, PAD_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {F_PATCH, 4, 16, 16, 4, 16, 1, 0, ATTN_POOL_FIRST, PAD_NONE, 1, 0, 4, 1, 8, 8, 0, 0, 0},
        {F_PATCH, 6, 12, 10, 2, 12, 1, 1, ATTN_POOL_ATTENTION, PAD_SOME, 1, 2, 2, 3, 4, 6, 0, 0, 0},
        {F_PATCH, 4, 4, 8, 1, 8, 0, 0, ATTN_POOL_MEAN, PAD_NONE, 0, 0, 2, 1, 4, 4, 0, 0, 0},
        {F_TOKENS, 9, 0, 16, 4, 20, 0, 1, ATTN_POOL_FIRST, PAD_SOME, 1, 0, 0, 0, 0, 0, 30, 2, 0},
        {F_TOKENS, 8, 0, 10, 2, 16, 1, 1, ATTN_POOL_ATTENTION, PAD_ALL, 1, 2, 0, 0, 0, 0, 25, 3, 0},
        {F_TOKENS, 1, 0, 12, 3, 12, 0, 0, ATTN_POOL_MEAN, PAD_NONE, 1, 0, 0, 0, 0, 0, 20, 0, 0},
        {F_PATCH, 4, 16, 16, 2, 32, 1, 0, ATTN_POOL_FIRST, PAD_NONE, 1, 0, 4, 1, 8, 8, 0, 0, 2},
        {F_FEAT, 6, 8, 16, 2, 24, 1, 0, ATTN_POOL_ATTENTION, PAD_SOME, 1, 2, 0, 0, 0, 0, 0, 0, 1},
        {F_TOKENS, 5, 0, 10, 2, 16, 1, 0, ATTN_POOL_MEAN, PAD_SOME, 1, 0, 0, 0, 0, 0, 25, 3, 2},
        {F_FEAT, 1, 3, 8, 2, 8, 1, 0, ATTN_POOL_FIRST, PAD_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 1},
    };
    enum { NC = 5 };
    int t;
    group_begin();
    for (t = 0; t < N_OF(cases); t++) {
        int seq = cases[t].seq, d = cases[t].d, rows = seq + cases[t].cls, i;
        int tokens = cases[t].front == F_TOKENS;
        size_t n = (size_t)rows * (size_t)d, nin = (size_t)seq * (size_t)(cases[t].d_in > 0 ? cases[t].d_in : 1), bytes = 0;
        attn_model_cfg cfg = {0};
        attn_model_s8_params p;
        attn_encoder_layer_s8_params *L = NULL;
        attn_cls_row_s8_params *crow = NULL;
        attn_cls_layer_s8_params *c0 = NULL;
        int own = cases[t].own;
        const int8_t *x0 = NULL;
        int8_t *in = NULL, *x = NULL, *row = NULL, *want = NULL, *out = NULL, *pooled = NULL;
        int8_t *pos = NULL, *cls = NULL, *tok = NULL, *segt = NULL, *pw = NULL;
        int *ids = NULL, *sids = NULL;
        uint8_t *padb = NULL, *rpad = NULL;
        void *mem = NULL;
        model_call call;
        ref_ws ws;
        attn_status st;
        int32_t ze, zx;
        memset(&p, 0, sizeof p);
        cfg.encoder.d_model = d;
        cfg.encoder.n_heads = cases[t].heads;
        cfg.encoder.d_ff = cases[t].ff;
        cfg.encoder.activation = ATTN_ACT_RELU;
        cfg.encoder.norm_first = own ? 1 : t % 2;
        cfg.encoder.eps = 1e-5f;
        cfg.encoder.window = cases[t].window;
        cfg.d_in = tokens ? 0 : cases[t].d_in;
        cfg.max_seq = rows + 1;
        cfg.position = cases[t].pos ? ATTN_POS_LEARNED : ATTN_POS_NONE;
        cfg.pooling = (attn_pooling)cases[t].pooling;
        cfg.n_classes = NC;
        cfg.cls_token = cases[t].cls;
        cfg.embed_norm = cases[t].norm;
        cfg.patch = cases[t].patch;
        cfg.channels = cases[t].ch;
        cfg.image_h = cases[t].h;
        cfg.image_w = cases[t].w;
        cfg.vocab = cases[t].vocab;
        cfg.n_segments = cases[t].nseg;
        st = attn_model_scratch_s8(&cfg, seq, &bytes);
        if (!CASE(st == ATTN_OK && bytes == ATTN_MODEL_SCRATCH_EX_S8(seq, d, cfg.encoder.n_heads,
                                                                     cfg.encoder.d_ff, cfg.cls_token,
                                                                     cfg.patch ? cfg.d_in : 0),
                  "int8 model front case %d: scratch query %s, %lu B == ATTN_MODEL_SCRATCH_EX_S8",
                  t, attn_status_str(st), (unsigned long)bytes))
            continue;
        while (check_plan("int8 model front case %d", t)) {
            L = (attn_encoder_layer_s8_params *)take(sizeof *L);
            lay_layer(L, d, cfg.encoder.d_ff, 0);
            lay_linear(&p.embed, cases[t].d_in > 0 ? cases[t].d_in : 1, d);
            lay_linear(&p.cls, d, NC);
            lay_ln(&p.embed_norm, d);
            lay_ln(&p.encoder.norm, d);
            crow = (attn_cls_row_s8_params *)take(sizeof *crow);
            c0 = (attn_cls_layer_s8_params *)take(sizeof *c0);
            lay_ln(crow ? &crow->norm : NULL, d);
            lay_ln(c0 ? &c0->norm1 : NULL, d);
            lay_ln(c0 ? &c0->norm2 : NULL, d);
            x0 = take8((size_t)d); /* (taken in both passes: the plan counts it) */
            if (crow) crow->x0 = x0;
            in = take8(nin);
            x = take8(n);
            row = take8((size_t)(cases[t].d_in > 0 ? cases[t].d_in : 1));
            want = take8(NC);
            out = take_out(NC);
            pooled = take8((size_t)d);
            pos = take8((size_t)(rows + 1) * (size_t)d);
            cls = take8((size_t)d);
            pw = take8((size_t)d);
            tok = take8((size_t)(cases[t].vocab + 1) * (size_t)d);
            segt = take8((size_t)(cases[t].nseg + 1) * (size_t)d);
            ids = (int *)take((size_t)seq * sizeof(int));
            sids = (int *)take((size_t)seq * sizeof(int));
            padb = (uint8_t *)take((size_t)seq);
            rpad = (uint8_t *)take((size_t)rows);
            mem = take(bytes);
            lay_ws(&ws, rows, rows, d, cfg.encoder.d_ff);
        }
        if (!check_planned()) {
            g_left++;
            continue;
        }
        rs_seed(1600u + (unsigned)t);
        ze = rs_zp();
        if (!tokens) fill_linear(&p.embed, cases[t].d_in, d, rs_zp(), ze, LIN_TYPICAL);
        rs_fill(in, nin);
        rs_fill(cls, (size_t)d);
        rs_fill(pos, (size_t)(rows + 1) * (size_t)d);
        rs_fill(tok, (size_t)(cases[t].vocab + 1) * (size_t)d);
        rs_fill(segt, (size_t)(cases[t].nseg + 1) * (size_t)d);
        rs_fill(pw, (size_t)d);
        for (i = 0; i < seq; i++) {
            ids[i] = rs_int(0, cases[t].vocab > 0 ? cases[t].vocab - 1 : 0);
            sids[i] = rs_int(0, cases[t].nseg > 0 ? cases[t].nseg - 1 : 0);
        }
        if (tokens && cases[t].nseg > 0) { /* (two draws in sequence: an argument list is not) */
            int32_t za = rs_zp(), zb = rs_zp();
            fill_add(&p.segment_add, za, zb, ze, ADD_TYPICAL);
        }
        zx = ze;
        if (cfg.position != ATTN_POS_NONE) {
            zx = rs_zp();
            fill_add(&p.pos_add, ze, rs_zp(), zx, ADD_TYPICAL);
        }
        if (cfg.embed_norm) {
            int32_t zn = rs_zp();
            fill_ln(&p.embed_norm, d, zn, LN_TYPICAL);
            zx = zn;
        }
        {
            int32_t z0 = rs_zp(), zc1 = rs_int(-40, 40), zin = zx;
            zx = fill_layer(L, &cfg.encoder, zx);
            p.encoder.final_norm = own == 2;
            p.cls_row = NULL;
            if (own) { /* row 0: x0 at its own z0, then its own adds and norms */
                rs_fill((int8_t *)crow->x0, (size_t)d);
                fill_add(&c0->add1, z0, L->attn.o.out_zp, zc1, ADD_TYPICAL);
                fill_ln(&c0->norm1, d, L->norm1.out_zp, LN_TYPICAL);
                fill_ln(&c0->norm2, d, L->norm2.out_zp, LN_TYPICAL);
                /* no final norm: row 0 ends at the stack's output encoding */
                fill_add(&c0->add2, zc1, L->ff2.out_zp, own == 2 ? rs_int(-40, 40) : zx,
                         ADD_TYPICAL);
                crow->layers = c0;
                p.cls_row = crow;
            }
            if (own == 2) {
                int32_t zn = rs_zp();
                fill_ln(&p.encoder.norm, d, zn, LN_TYPICAL);
                fill_ln(&crow->norm, d, zn, LN_TYPICAL);
                zx = zn;
            }
            (void)zin;
        }
        fill_linear(&p.cls, d, NC, zx, rs_zp(), LIN_TYPICAL);
        fill_sdpa(&p.pool, d, 0, zx, zx, zx, SC_TYPICAL, CT_TYPICAL);
        p.cls_token = cls;
        p.pos = pos;
        p.pool_w = pw;
        p.token_embed = tok;
        p.segment_embed = cases[t].nseg > 0 ? segt : NULL;
        p.encoder.layers = L;
        p.encoder.n_layers = 1;
        /* the reference, composed of the parts */
        {
            int8_t *y = x + (cfg.cls_token ? d : 0);
            const uint8_t *pad = fill_pad(padb, seq, cases[t].pad);
            if (cfg.cls_token) memcpy(x, own ? crow->x0 : cls, (size_t)d);
            for (i = 0; i < seq; i++) {
                int8_t *r = y + (size_t)i * (size_t)d;
                if (tokens) {
                    memcpy(r, tok + (size_t)ids[i] * (size_t)d, (size_t)d);
                    if (cases[t].nseg > 0)
                        ref_add(r, r, segt + (size_t)sids[i] * (size_t)d, d, &p.segment_add, ws.r);
                } else if (cfg.patch > 0) { /* the patch's pixels, channel by channel */
                    int P = cfg.patch, gw = cfg.image_w / P, ch, ky;
                    int8_t *o = row;
                    for (ch = 0; ch < cfg.channels; ch++)
                        for (ky = 0; ky < P; ky++, o += P)
                            memcpy(o, in + ((size_t)ch * (size_t)cfg.image_h +
                                            (size_t)((i / gw) * P + ky)) * (size_t)cfg.image_w +
                                           (size_t)((i % gw) * P), (size_t)P);
                    ref_linear(r, row, &p.embed, 1, cfg.d_in, d);
                } else {
                    ref_linear(r, in + (size_t)i * (size_t)cfg.d_in, &p.embed, 1, cfg.d_in, d);
                }
            }
            for (i = own ? 1 : 0; cfg.position != ATTN_POS_NONE && i < rows; i++)
                ref_add(x + (size_t)i * (size_t)d, x + (size_t)i * (size_t)d,
                        pos + (size_t)i * (size_t)d, d, &p.pos_add, ws.r);
            if (cfg.embed_norm) ref_ln_s8(x, x, &p.embed_norm, rows, d, ws.r);
            if (pad) { /* the encoder's rows: the CLS row is never padded */
                rpad[0] = 0;
                memcpy(rpad + cfg.cls_token, pad, (size_t)seq);
            }
            ref_layer_cls(x, rows, pad ? rpad : NULL, &cfg.encoder, L, own ? c0 : NULL, &ws);
            for (i = 0; p.encoder.final_norm && i < rows; i++)
                ref_ln_s8(x + (size_t)i * (size_t)d, x + (size_t)i * (size_t)d,
                          i == 0 && own ? &crow->norm : &p.encoder.norm, 1, d, ws.r);
            if (cfg.pooling == ATTN_POOL_ATTENTION) {
                attn_mha_cfg mc = {0};
                mc.seq_q = 1;
                mc.seq_kv = rows;
                mc.d_model = d;
                mc.n_heads = 1;
                ref_sdpa(pooled, pw, x, x, pad ? rpad : NULL, &mc, &p.pool, &ws);
            } else {
                ref_pool(pooled, x, pad ? rpad : NULL, cfg.pooling, rows, d, zx);
            }
            ref_linear(want, pooled, &p.cls, 1, d, NC);
            call.pad = pad;
        }
        call.logits = out;
        call.input = in;
        call.tokens = tokens ? ids : NULL;
        call.segments = tokens && cases[t].nseg > 0 ? sids : NULL;
        call.cfg = &cfg;
        call.p = &p;
        call.seq = seq;
        run_exact_arena(call_model, &call, mem, bytes, out, NULL, NC, want, "model front", t);
    }
    group_end("model front ends");
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
    int t, r, c, ok_sm = 1, ok_ln = 1;
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
    group_begin();
    for (t = 0; t < N_OF(sm); t++) {
        int rows = sm[t].rows, cols = sm[t].cols;
        size_t n = (size_t)rows * (size_t)cols;
        int8_t *x = NULL, *y = NULL;
        attn_softmax_s8_params p;
        while (check_plan("int8 softmax accuracy case %d", t)) {
            x = take8(n);
            y = take_out(n);
        }
        if (!check_planned()) {
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
        size_t n = (size_t)rows * (size_t)cols;
        int8_t *x = NULL, *y = NULL;
        double *g = NULL, *b = NULL, sx = ln[t].scale, eps = 1e-5, out_scale;
        attn_layernorm_s8_params p;
        while (check_plan("int8 layernorm accuracy case %d", t)) {
            lay_ln(&p, cols);
            x = take8(n);
            y = take_out(n);
            g = (double *)take(sizeof(double) * (size_t)cols);
            b = (double *)take(sizeof(double) * (size_t)cols);
        }
        if (!check_planned()) {
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

/* ---- the group ------------------------------------------------------------------ */

void test_s8(void)
{
    printf("int8 kernels against the reference\n");
    g_out_hash = 2166136261u;
    g_out_bytes = 0;
    ref_make_table();
    ref_breach = 0;
    test_reference();
    test_requantize();
    test_quantize_multiplier();
    test_elementwise();
    test_linear();
    ref_breach = 0;
    test_softmax();
    test_recip();
    ref_breach = 0;
    test_layernorm();
    test_layernorm_wide();
    test_pool();
    ref_breach = 0;
    test_sdpa();
    ref_breach = 0;
    test_mha();
    ref_breach = 0;
    test_encoder();
    test_accuracy();
    printf("checksum int8-kernel-outputs: %lu bytes, FNV-1a %08lx\n", g_out_bytes,
           (unsigned long)g_out_hash);
}

/* Issue 11's int8 forms: attention pooling and the model's front ends, bit
   for bit against the reference, with their own checksum (a program of
   their own on a board: tests/check.h, CHECK_PART_FORMS). */
void test_s8_forms(void)
{
    printf("int8 attention forms (issue 11) against the reference\n");
    ref_make_table();
    g_out_hash = 2166136261u;
    g_out_bytes = 0;
    ref_breach = 0;
    test_pool_attention();
    test_model_front();
    CASE(ref_breach == 0, "attention forms: the reference's documented bounds held");
    printf("checksum int8-forms-outputs: %lu bytes, FNV-1a %08lx\n", g_out_bytes,
           (unsigned long)g_out_hash);
}
