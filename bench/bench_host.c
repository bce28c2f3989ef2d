/* bench_host.c - host timing of attn_encoder_layer_f32 against a textbook
   encoder layer that materialises Q, K, V and the seq x seq score matrix.

   The baseline runs twice: "naive" with the textbook dot product (one
   accumulator, so each multiply-add waits for the previous one), and
   "naive 4-acc" with four accumulators, as the library's own dot product
   has. The second isolates what the memory layout costs or saves from what
   the inner loop does.

   Build and run:  make bench-host
   or:             cc -O2 -std=c99 -I. bench/bench_host.c -lm -o build/bench_host

   For each configuration: check that the library and both baselines give
   the same output (max |difference| <= 1e-4, else exit 1), check that the
   library's scratch query, compile-time macro and measured arena high-water
   agree, then time all three, interleaved in the same run: REPS repetitions,
   each timing a batch of calls long enough to take >= MIN_BATCH_S. Reports
   median times, and ratios as the median of the per-repetition ratios.
   Prints a markdown table on stdout. */
/* clock_gettime: POSIX has the program define _POSIX_C_SOURCE (a reserved
   name, and the standard way to ask for POSIX declarations):
   NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define ATTN_IMPLEMENTATION
#include "attention.h"

#define REPS 31
#define MIN_BATCH_S 0.020
#define TOLERANCE 1e-4f

typedef struct {
    int seq, d_model, n_heads, d_ff;
    size_t macro_bytes; /* ATTN_ENCODER_SCRATCH_F32 of the same shape */
} bench_cfg;

static const bench_cfg configs[] = {
    {32, 64, 4, 128, ATTN_ENCODER_SCRATCH_F32(32, 64, 4, 128)},
    {128, 128, 4, 512, ATTN_ENCODER_SCRATCH_F32(128, 128, 4, 512)},
};
#define N_CONFIGS ((int)(sizeof configs / sizeof configs[0]))
#define MAX_ARENA ATTN_ENCODER_SCRATCH_F32(128, 128, 4, 512)

static uint8_t arena_buf[MAX_ARENA] ATTN_ALIGNED;

/* ---- one layer's parameters (PyTorch layouts) ---------------------------- */

typedef struct {
    float *wqkv, *bqkv; /* [3*d][d], [3*d]  Wq; Wk; Wv and biases */
    float *wo, *bo;     /* [d][d], [d]                           */
    float *w1, *b1;     /* [d_ff][d], [d_ff]                     */
    float *w2, *b2;     /* [d][d_ff], [d]                        */
    float *g1, *be1;    /* [d] LayerNorm 1                       */
    float *g2, *be2;    /* [d] LayerNorm 2                       */
} layer_params;

static uint32_t rng = 12345u;

static float rand_pm1(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

static float *new_floats(size_t n)
{
    float *p = (float *)calloc(n, sizeof(float)); /* zeros: nothing is read unwritten */
    if (!p) {
        (void)fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static float *new_random(size_t n, float center, float scale)
{
    float *p = new_floats(n);
    size_t i;
    for (i = 0; i < n; i++) p[i] = center + scale * rand_pm1();
    return p;
}

static void init_params(layer_params *p, int d, int d_ff)
{
    float bd = 1.0f / sqrtf((float)d), bff = 1.0f / sqrtf((float)d_ff);
    size_t dd = (size_t)d, ff = (size_t)d_ff;
    p->wqkv = new_random(3 * dd * dd, 0.0f, bd);
    p->bqkv = new_random(3 * dd, 0.0f, bd);
    p->wo = new_random(dd * dd, 0.0f, bd);
    p->bo = new_random(dd, 0.0f, bd);
    p->w1 = new_random(ff * dd, 0.0f, bd);
    p->b1 = new_random(ff, 0.0f, bd);
    p->w2 = new_random(dd * ff, 0.0f, bff);
    p->b2 = new_random(dd, 0.0f, bff);
    p->g1 = new_random(dd, 1.0f, 0.1f);
    p->be1 = new_random(dd, 0.0f, 0.1f);
    p->g2 = new_random(dd, 1.0f, 0.1f);
    p->be2 = new_random(dd, 0.0f, 0.1f);
}

static void free_params(layer_params *p)
{
    free(p->wqkv); free(p->bqkv); free(p->wo); free(p->bo); free(p->w1); free(p->b1);
    free(p->w2); free(p->b2); free(p->g1); free(p->be1); free(p->g2); free(p->be2);
}

/* ---- the baseline: a textbook encoder layer ------------------------------ */

/* Working memory, allocated once: everything a straightforward
   implementation holds at the same time. */
typedef struct {
    float *q, *k, *v; /* [seq][d]    projections                          */
    float *scores;    /* [seq][seq]  one head at a time                   */
    float *ctx;       /* [seq][d]    attention context, all heads         */
    float *out;       /* [seq][d]    attention output, then FF output     */
    float *hid;       /* [seq][d_ff] FF hidden                            */
} naive_ws;

static size_t naive_ws_floats(int seq, int d, int d_ff)
{
    size_t s = (size_t)seq, dd = (size_t)d;
    return 5 * s * dd + s * s + s * (size_t)d_ff;
}

/* a . b over n values, with one accumulator (acc4 = 0) or four */
static float naive_dot(const float *a, const float *b, int n, int acc4)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    int i = 0;
    if (acc4)
        for (; i + 4 <= n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

/* y [rows][out] = x [rows][in] W^T + b, W [out][in] */
static void naive_linear(float *y, const float *x, const float *w, const float *b,
                         int rows, int in, int out, int acc4)
{
    int r, o;
    for (r = 0; r < rows; r++)
        for (o = 0; o < out; o++)
            y[(size_t)r * (size_t)out + (size_t)o] =
                b[o] + naive_dot(x + (size_t)r * (size_t)in, w + (size_t)o * (size_t)in, in, acc4);
}

/* x = LayerNorm(x + y) over each row of [rows][n] */
static void naive_add_norm(float *x, const float *y, const float *g, const float *b,
                           int rows, int n)
{
    int r, i;
    for (r = 0; r < rows; r++) {
        float *xr = x + (size_t)r * (size_t)n;
        float mean = 0.0f, var = 0.0f, rstd;
        for (i = 0; i < n; i++) xr[i] += y[(size_t)r * (size_t)n + (size_t)i];
        for (i = 0; i < n; i++) mean += xr[i];
        mean /= (float)n;
        for (i = 0; i < n; i++) var += (xr[i] - mean) * (xr[i] - mean);
        var /= (float)n;
        rstd = 1.0f / sqrtf(var + 1e-5f);
        for (i = 0; i < n; i++) xr[i] = (xr[i] - mean) * rstd * g[i] + b[i];
    }
}

/* Post-norm, ReLU: x = LN1(x + MHA(x)); x = LN2(x + W2 relu(W1 x + b1) + b2) */
static void naive_layer(float *x, int seq, int d, int n_heads, int d_ff,
                        const layer_params *p, const naive_ws *ws, int acc4)
{
    int dh = d / n_heads, h, i, j, c;
    float scale = 1.0f / sqrtf((float)dh);

    /* Q, K, V projections */
    naive_linear(ws->q, x, p->wqkv, p->bqkv, seq, d, d, acc4);
    naive_linear(ws->k, x, p->wqkv + (size_t)d * (size_t)d, p->bqkv + d, seq, d, d, acc4);
    naive_linear(ws->v, x, p->wqkv + 2 * (size_t)d * (size_t)d, p->bqkv + 2 * (size_t)d, seq, d, d,
                 acc4);

    for (h = 0; h < n_heads; h++) {
        int off = h * dh;
        /* scores = Q_h K_h^T / sqrt(d_head) */
        for (i = 0; i < seq; i++)
            for (j = 0; j < seq; j++)
                ws->scores[i * seq + j] = naive_dot(ws->q + (size_t)i * (size_t)d + off,
                                                    ws->k + (size_t)j * (size_t)d + off, dh, acc4) *
                                          scale;
        /* row softmax */
        for (i = 0; i < seq; i++) {
            float *row = ws->scores + (size_t)i * (size_t)seq, mx = row[0], sum = 0.0f;
            for (j = 1; j < seq; j++)
                if (row[j] > mx) mx = row[j];
            for (j = 0; j < seq; j++) {
                row[j] = expf(row[j] - mx);
                sum += row[j];
            }
            for (j = 0; j < seq; j++) row[j] /= sum;
        }
        /* context_h = scores V_h */
        for (i = 0; i < seq; i++) {
            float *o = ws->ctx + (size_t)i * (size_t)d + off;
            for (c = 0; c < dh; c++) o[c] = 0.0f;
            for (j = 0; j < seq; j++) {
                float pij = ws->scores[i * seq + j];
                for (c = 0; c < dh; c++) o[c] += pij * ws->v[j * d + off + c];
            }
        }
    }
    /* output projection, residual, norm */
    naive_linear(ws->out, ws->ctx, p->wo, p->bo, seq, d, d, acc4);
    naive_add_norm(x, ws->out, p->g1, p->be1, seq, d);

    /* feed-forward, residual, norm */
    naive_linear(ws->hid, x, p->w1, p->b1, seq, d, d_ff, acc4);
    for (i = 0; i < seq * d_ff; i++)
        if (ws->hid[i] < 0.0f) ws->hid[i] = 0.0f;
    naive_linear(ws->out, ws->hid, p->w2, p->b2, seq, d_ff, d, acc4);
    naive_add_norm(x, ws->out, p->g2, p->be2, seq, d);
}

/* ---- timing ------------------------------------------------------------- */

typedef struct {
    const bench_cfg *bc;
    const attn_encoder_cfg *cfg;
    const attn_encoder_layer_weights_f32 *w;
    const layer_params *p;
    const naive_ws *ws;
    attn_arena *arena;
    float *x;
} bench_ctx;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Seconds for n calls of the library (which = 0), the naive baseline (1) or
   the naive baseline with a 4-accumulator dot product (2). */
static double run_batch(const bench_ctx *b, int which, long n)
{
    double t0 = now_s();
    long i;
    for (i = 0; i < n; i++) {
        if (which == 0) {
            if (attn_encoder_layer_f32(b->x, b->bc->seq, NULL, b->cfg, b->w, b->arena) !=
                ATTN_OK) {
                (void)fprintf(stderr, "attn_encoder_layer_f32 failed while timing\n");
                exit(1);
            }
        } else {
            naive_layer(b->x, b->bc->seq, b->bc->d_model, b->bc->n_heads, b->bc->d_ff, b->p,
                        b->ws, which == 2);
        }
    }
    return now_s() - t0;
}

/* Calls per batch so that one batch takes >= MIN_BATCH_S. */
static long calibrate(const bench_ctx *b, int which)
{
    long n = 1;
    while (run_batch(b, which, n) < MIN_BATCH_S) n *= 2;
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int all_finite(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* ---- one configuration -------------------------------------------------- */

typedef struct {
    double lib_us, base_us, base4_us; /* medians                        */
    double ratio, ratio4;              /* medians of per-repetition ratios */
    double max_diff;
    size_t lib_bytes, naive_bytes;
} bench_result;

static int bench_one(const bench_cfg *bc, bench_result *res)
{
    attn_encoder_cfg cfg = {0};
    attn_encoder_layer_weights_f32 w;
    layer_params p;
    naive_ws ws;
    attn_arena arena;
    bench_ctx b;
    attn_status st;
    size_t n = (size_t)bc->seq * (size_t)bc->d_model, i, query_bytes;
    int d = bc->d_model, s = bc->seq, r;
    float *x0, *xa, *xb, *xc;
    double t_lib[REPS], t_base[REPS], t_base4[REPS], q[REPS], q4[REPS];
    long n_lib, n_base, n_base4;
    int rc = 1;

    cfg.d_model = d;
    cfg.n_heads = bc->n_heads;
    cfg.d_ff = bc->d_ff;
    cfg.activation = ATTN_ACT_RELU;
    cfg.norm_first = 0;
    cfg.causal = 0;
    cfg.eps = 1e-5f;

    init_params(&p, d, bc->d_ff);
    w.attn.wq = p.wqkv;
    w.attn.wk = p.wqkv + (size_t)d * (size_t)d;
    w.attn.wv = p.wqkv + 2 * (size_t)d * (size_t)d;
    w.attn.bq = p.bqkv;
    w.attn.bk = p.bqkv + d;
    w.attn.bv = p.bqkv + 2 * (size_t)d;
    w.attn.wo = p.wo;
    w.attn.bo = p.bo;
    w.ff1_w = p.w1;
    w.ff1_b = p.b1;
    w.ff2_w = p.w2;
    w.ff2_b = p.b2;
    w.norm1_w = p.g1;
    w.norm1_b = p.be1;
    w.norm2_w = p.g2;
    w.norm2_b = p.be2;

    ws.q = new_floats(n);
    ws.k = new_floats(n);
    ws.v = new_floats(n);
    ws.scores = new_floats((size_t)s * (size_t)s);
    ws.ctx = new_floats(n);
    ws.out = new_floats(n);
    ws.hid = new_floats((size_t)s * (size_t)bc->d_ff);
    res->naive_bytes = naive_ws_floats(s, d, bc->d_ff) * sizeof(float);

    x0 = new_random(n, 0.0f, 1.0f);
    xa = new_floats(n);
    xb = new_floats(n);
    xc = new_floats(n);
    memcpy(xa, x0, n * sizeof(float));
    memcpy(xb, x0, n * sizeof(float));
    memcpy(xc, x0, n * sizeof(float));

    /* arena: exactly what the query says; one byte short must be refused */
    st = attn_encoder_layer_scratch_f32(&cfg, s, &query_bytes);
    if (st != ATTN_OK) {
        (void)fprintf(stderr, "attn_encoder_layer_scratch_f32: %s\n", attn_status_str(st));
        goto done;
    }
    if (query_bytes != bc->macro_bytes || query_bytes > sizeof arena_buf) {
        (void)fprintf(stderr, "scratch query %lu != ATTN_ENCODER_SCRATCH_F32 %lu\n",
                (unsigned long)query_bytes, (unsigned long)bc->macro_bytes);
        goto done;
    }
    attn_arena_init(&arena, arena_buf, query_bytes - 1);
    st = attn_encoder_layer_f32(xa, s, NULL, &cfg, &w, &arena);
    if (st != ATTN_ERR_ARENA || memcmp(xa, x0, n * sizeof(float)) != 0) {
        (void)fprintf(stderr, "an arena one byte short was not refused cleanly (%s)\n",
                attn_status_str(st));
        goto done;
    }
    attn_arena_init(&arena, arena_buf, query_bytes);

    /* correctness: library vs baseline on the same input */
    st = attn_encoder_layer_f32(xa, s, NULL, &cfg, &w, &arena);
    if (st != ATTN_OK) {
        (void)fprintf(stderr, "attn_encoder_layer_f32: %s\n", attn_status_str(st));
        goto done;
    }
    if (arena.high_water != query_bytes || arena.used != 0) {
        (void)fprintf(stderr, "arena high-water %lu != query %lu (used %lu)\n",
                (unsigned long)arena.high_water, (unsigned long)query_bytes,
                (unsigned long)arena.used);
        goto done;
    }
    res->lib_bytes = arena.high_water;
    naive_layer(xb, s, d, bc->n_heads, bc->d_ff, &p, &ws, 0);
    naive_layer(xc, s, d, bc->n_heads, bc->d_ff, &p, &ws, 1);
    res->max_diff = 0.0;
    for (i = 0; i < n; i++) {
        double d1 = fabs((double)xa[i] - (double)xb[i]);
        double d2 = fabs((double)xa[i] - (double)xc[i]);
        if (!(d1 <= res->max_diff)) res->max_diff = d1; /* NaN is caught too */
        if (!(d2 <= res->max_diff)) res->max_diff = d2;
    }
    if (!(res->max_diff <= (double)TOLERANCE)) {
        (void)fprintf(stderr, "seq %d d_model %d: library and baseline differ by %g (> %g)\n", s, d,
                res->max_diff, (double)TOLERANCE);
        goto done;
    }

    /* timing: all three in the same run, interleaved repetition by repetition */
    b.bc = bc;
    b.cfg = &cfg;
    b.w = &w;
    b.p = &p;
    b.ws = &ws;
    b.arena = &arena;
    b.x = xa;
    n_lib = calibrate(&b, 0);
    n_base = calibrate(&b, 1);
    n_base4 = calibrate(&b, 2);
    for (r = 0; r < REPS; r++) {
        t_lib[r] = run_batch(&b, 0, n_lib) / (double)n_lib;
        t_base[r] = run_batch(&b, 1, n_base) / (double)n_base;
        t_base4[r] = run_batch(&b, 2, n_base4) / (double)n_base4;
        q[r] = t_lib[r] / t_base[r]; /* neighbours in time: load drifts cancel */
        q4[r] = t_lib[r] / t_base4[r];
    }
    if (!all_finite(xa, n)) {
        (void)fprintf(stderr, "non-finite values after timing\n");
        goto done;
    }
    res->lib_us = median(t_lib, REPS) * 1e6;
    res->base_us = median(t_base, REPS) * 1e6;
    res->base4_us = median(t_base4, REPS) * 1e6;
    res->ratio = median(q, REPS);
    res->ratio4 = median(q4, REPS);
    rc = 0;
done: /* every buffer freed, on success and on each failure */
    free(x0); free(xa); free(xb); free(xc);
    free(ws.q); free(ws.k); free(ws.v); free(ws.scores); free(ws.ctx); free(ws.out);
    free(ws.hid);
    free_params(&p);
    return rc;
}

int main(void)
{
    bench_result res[sizeof configs / sizeof configs[0]];
    int c;

    for (c = 0; c < N_CONFIGS; c++)
        if (bench_one(&configs[c], &res[c]) != 0) return 1;

    printf("| seq | d_model | heads | d_ff | library µs | naive µs "
           "| library/naive | naive 4-acc µs | library/naive 4-acc "
           "| library arena bytes | naive working bytes | naive/library memory "
           "| max abs diff |\n");
    printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (c = 0; c < N_CONFIGS; c++) {
        const bench_cfg *bc = &configs[c];
        const bench_result *r = &res[c];
        printf("| %d | %d | %d | %d | %.1f | %.1f | %.2f | %.1f | %.2f | %lu | %lu | %.1fx "
               "| %.1e |\n",
               bc->seq, bc->d_model, bc->n_heads, bc->d_ff, r->lib_us, r->base_us,
               r->ratio, r->base4_us, r->ratio4,
               (unsigned long)r->lib_bytes, (unsigned long)r->naive_bytes,
               (double)r->naive_bytes / (double)r->lib_bytes, r->max_diff);
    }
    printf("\nEncoder layer, post-norm, ReLU, float32, no mask; x updated in place by all.\n"
           "Times: median of %d repetitions, each a batch of calls lasting >= %.0f ms;\n"
           "library and both baselines interleaved in the same run; a ratio is the\n"
           "median over repetitions of library time / baseline time in that repetition.\n"
           "naive: textbook layer, Q, K, V and the seq x seq scores materialised, one-\n"
           "accumulator dot products. naive 4-acc: the same layer with a 4-accumulator\n"
           "dot product like the library's.\n"
           "Library arena = attn_encoder_layer_scratch_f32 = ATTN_ENCODER_SCRATCH_F32 =\n"
           "arena.high_water (all checked equal).\n"
           "Naive working memory = Q, K, V, context, attention/FF output (5 x seq*d_model)\n"
           "+ scores seq*seq (one head at a time) + FF hidden seq*d_ff floats; x and the\n"
           "weights are not counted for either.\n"
           "max abs diff: library vs both baselines, after one layer (limit %.0e).\n",
           REPS, MIN_BATCH_S * 1e3, (double)TOLERANCE);
    return 0;
}
