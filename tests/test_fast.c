/* test_fast.c - the fast float path against the portable C (float_fast.h),
   in the builds that have one (M4, M7, M33, M55). Both compute each output
   as the same sequential sum; the fast path rounds once per multiply-add
   where the C rounds twice (and Helium's layer norm sums in 4 lanes). The
   bounds checked are the ones attention.h states (FLOAT ARITHMETIC):
     long dot products: a linear layer of 5 rows x 1001 inputs -> 13 outputs
       (every block and tail of the kernels), per output
       |fast - portable| <= 2 gamma(n+1) (sum_c |w_c x_c| + |b|) with
       gamma(k) = k u / (1 - k u), u = 2^-24: the two builds' worst-case
       rounding errors added;
     every golden case (layers, stacks, attention, models):
       max |fast - portable| / max(1, |portable|) <= FAST_TOL. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "float_fast.h"

#define FAST_TOL 2e-6

#if FLOAT_FAST_PATH
static void fast_linear(void)
{
    enum { ROWS = 5, IN = 1001, OUT = 13 };
    const double u = 1.0 / 16777216.0, g = (IN + 1) * u / (1.0 - (IN + 1) * u);
    float *x, *w, *b, *yf, *yp;
    double worst = 0.0;
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
    int r, o, c, ok = 1;
    check_pool_reset();
    x = check_take_floats((size_t)ROWS * IN);
    w = check_take_floats((size_t)OUT * IN);
    b = check_take_floats(OUT);
    yf = check_take_floats((size_t)ROWS * OUT);
    yp = check_take_floats((size_t)ROWS * OUT);
    if (!x || !w || !b || !yf || !yp) {
        check_left_out("fast-vs-portable linear %dx%d -> %d: needs %lu B of RAM", ROWS, IN, OUT,
                       (unsigned long)(CHECK_FLOATS(ROWS * IN) + CHECK_FLOATS(OUT * IN) +
                                       CHECK_FLOATS(OUT) + 2 * CHECK_FLOATS(ROWS * OUT)));
        return;
    }
    check_seed(8);
    check_fill(x, (size_t)ROWS * IN, -1.0f, 1.0f);
    check_fill(w, (size_t)OUT * IN, -1.0f, 1.0f);
    check_fill(b, OUT, -1.0f, 1.0f);
    check(attn_linear_f32(yf, x, w, b, ROWS, IN, OUT) == ATTN_OK &&
              portable_linear_f32(yp, x, w, b, ROWS, IN, OUT) == ATTN_OK,
          "fast-vs-portable linear: both run");
    for (r = 0; r < ROWS; r++)
        for (o = 0; o < OUT; o++) {
            double mag = fabs((double)b[o]), diff;
            for (c = 0; c < IN; c++) mag += fabs((double)x[r * IN + c] * (double)w[o * IN + c]);
            diff = fabs((double)yf[r * OUT + o] - (double)yp[r * OUT + o]);
            if (!(diff <= 2.0 * g * mag)) ok = 0;
            if (diff / mag > worst) worst = diff / mag;
        }
    printf("  fast vs portable, linear %dx%d -> %d: worst |diff| / sum |w x| %s (bound %s)\n",
           ROWS, IN, OUT, check_e(e1, worst, 2), check_e(e2, 2.0 * g, 2));
    check(ok, "fast-vs-portable linear: every output within 2 gamma(n+1) sum |w x|");
}

static void fast_golden(void)
{
    const golden_case *cases = golden_table();
    double worst_all = 0.0;
    char e1[CHECK_E_CHARS], tol[CHECK_E_CHARS];
    size_t i;
    check_e(tol, FAST_TOL, 0);
    for (i = 0; cases[i].name != NULL; i++) {
        const golden_case *c = &cases[i];
        static golden_view v;
        size_t n_out = c->kind == GOLDEN_MODEL ? (size_t)c->n_classes
                                               : (size_t)c->seq_q * (size_t)c->d_model;
        float *yf, *yp;
        attn_arena arena;
        attn_status sf, sp;
        double err;
        if (!golden_view_of(&v, c)) continue; /* test_golden reports it */
        check_pool_reset();
        yf = check_take_floats(n_out);
        yp = check_take_floats(n_out);
        if (!yf || !yp) {
            check_left_out("fast-vs-portable %s: two outputs of %lu B", c->name,
                           (unsigned long)CHECK_FLOATS(n_out));
            continue;
        }
        check_take_rest_arena(&arena);
        sf = golden_run(c, &v, yf, &arena);
        sp = portable_golden_run(c, &v, yp, &arena);
        if (sf == ATTN_ERR_ARENA || sp == ATTN_ERR_ARENA) {
            check_left_out("fast-vs-portable %s: its scratch does not fit beside two outputs",
                           c->name);
            continue;
        }
        if (!check(sf == ATTN_OK && sp == ATTN_OK, "fast-vs-portable %s: %s / %s", c->name,
                   attn_status_str(sf), attn_status_str(sp)))
            continue;
        err = check_max_rel_err(yf, yp, n_out);
        if (err > worst_all) worst_all = err;
        check(err <= FAST_TOL, "fast-vs-portable %s: %s within %s * max(1, |portable|)",
              c->name, check_e(e1, err, 2), tol);
    }
    printf("  fast vs portable, golden cases: worst %s * max(1, |portable|) (bound %s)\n",
           check_e(e1, worst_all, 2), tol);
}

/* Attention heads of 16 columns (Helium's written-out heads, the key
   counts around its passes of 8 and 12 rows: 1 to 20 keys by window,
   causal mask and length), fast against portable within FAST_TOL; one
   padded case takes the general loops. */
static void fast_sdpa16(void)
{
    static const struct {
        int seq_q, seq_kv, d, causal, window, pad;
    } cases[] = {{12, 12, 16, 0, 0, 0}, {12, 12, 16, 0, 4, 0}, {20, 20, 16, 1, 0, 0},
                 {20, 20, 16, 0, 5, 0}, {14, 14, 32, 0, 2, 0}, {9, 20, 16, 0, 1, 0},
                 {16, 16, 16, 1, 6, 0},  {12, 12, 16, 0, 4, 1}};
    double worst = 0.0;
    char e1[CHECK_E_CHARS], tol[CHECK_E_CHARS];
    size_t t;
    check_e(tol, FAST_TOL, 0);
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        attn_mha_cfg cfg = {0};
        size_t nq, nkv;
        float *q, *k, *v, *yf, *yp;
        uint8_t pad[20];
        attn_arena arena;
        attn_status sf, sp;
        double err;
        int j;
        cfg.seq_q = cases[t].seq_q;
        cfg.seq_kv = cases[t].seq_kv;
        cfg.d_model = cases[t].d;
        cfg.n_heads = cases[t].d / 16;
        cfg.causal = cases[t].causal;
        cfg.window = cases[t].window;
        nq = (size_t)cfg.seq_q * (size_t)cfg.d_model;
        nkv = (size_t)cfg.seq_kv * (size_t)cfg.d_model;
        for (j = 0; j < cfg.seq_kv; j++) pad[j] = (uint8_t)(cases[t].pad && j % 5 == 2);
        check_pool_reset();
        q = check_take_floats(nq);
        k = check_take_floats(nkv);
        v = check_take_floats(nkv);
        yf = check_take_floats(nq);
        yp = check_take_floats(nq);
        if (!q || !k || !v || !yf || !yp) {
            check_left_out("fast-vs-portable sdpa d_head 16 case %d: needs %lu B of RAM", (int)t,
                           (unsigned long)(3 * CHECK_FLOATS(nq) + 2 * CHECK_FLOATS(nkv)));
            continue;
        }
        check_seed(40u + (unsigned)t);
        check_fill(q, nq, -2.0f, 2.0f);
        check_fill(k, nkv, -2.0f, 2.0f);
        check_fill(v, nkv, -1.0f, 1.0f);
        check_take_rest_arena(&arena);
        sf = attn_sdpa_f32(yf, q, k, v, cases[t].pad ? pad : NULL, &cfg, &arena);
        sp = portable_sdpa_f32(yp, q, k, v, cases[t].pad ? pad : NULL, &cfg, &arena);
        if (!check(sf == ATTN_OK && sp == ATTN_OK, "fast-vs-portable sdpa d_head 16 case %d: %s / %s",
                   (int)t, attn_status_str(sf), attn_status_str(sp)))
            continue;
        err = check_max_rel_err(yf, yp, nq);
        if (err > worst) worst = err;
        check(err <= FAST_TOL, "fast-vs-portable sdpa d_head 16 case %d: %s within %s * max(1, |portable|)",
              (int)t, check_e(e1, err, 2), tol);
    }
    printf("  fast vs portable, attention heads of 16 columns: worst %s * max(1, |portable|) (bound %s)\n",
           check_e(e1, worst, 2), tol);
}
#endif

void test_fast(void)
{
#if FLOAT_FAST_PATH
    printf("fast float path (fused multiply-add%s) against the portable C\n",
#if defined(__ARM_FEATURE_MVE)
           ", Helium"
#else
           ""
#endif
    );
    fast_linear();
    fast_golden();
    fast_sdpa16();
#else
    printf("fast float path: none in this build (the portable C is the library)\n");
#endif
}
