/* Quantized vs float: every PyTorch golden encoder case (layers, stacks,
   whole models) is quantized with attn_quantize_encoder_s8 /
   attn_quantize_model_s8, run in int8, and compared with PyTorch's float
   output. Calibration is held out: about 1024 tokens (at least 32
   sequences) drawn from the same distribution as the golden inputs
   (N(0, 1)), never the evaluation input itself. Printed per case: max abs error relative to the output's
   range, and cosine similarity. Targets: cosine >= 0.999 for every case,
   layers, stacks and whole models (issue 4 asked 0.995 of a stack; issue
   11 0.999 of the int8 models), and for the models the same class as
   PyTorch. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"
#include "golden_view.h"

/* calibration sequences: at least 32, and at least ~CALIB_TOKENS tokens */
#ifndef CALIB_TOKENS
#define CALIB_TOKENS 1024
#endif
#define N_CALIB_OF(seq) (CALIB_TOKENS / (seq) > 32 ? CALIB_TOKENS / (seq) : 32)

/* N(0, 1) samples (Box-Muller) from the deterministic generator. The
   golden inputs are torch.randn; a lighter-tailed stand-in (a sum of
   uniforms) under-calibrates the extremes and costs accuracy. */
static void fill_gauss(float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        float u1 = check_uniform(1e-7f, 1.0f), u2 = check_uniform(0.0f, 1.0f);
        x[i] = sqrtf(-2.0f * logf(u1)) * cosf(6.2831853f * u2);
    }
}

typedef struct {
    double rel_err; /* max |int8 - float| / (max - min of float) */
    double cosine;
} accuracy;

static accuracy compare(const float *q, const float *f, size_t n)
{
    accuracy a;
    double dot = 0.0, nq = 0.0, nf = 0.0, worst = 0.0, lo = (double)f[0], hi = (double)f[0];
    size_t i;
    for (i = 0; i < n; i++) {
        double x = (double)q[i], y = (double)f[i];
        dot += x * y;
        nq += x * x;
        nf += y * y;
        if (fabs(x - y) > worst) worst = fabs(x - y);
        if (y < lo) lo = y;
        if (y > hi) hi = y;
    }
    a.rel_err = hi > lo ? worst / (hi - lo) : worst;
    /* two zero vectors agree (cosine 1); one alone does not (0) */
    a.cosine = nq > 0.0 && nf > 0.0 ? dot / sqrt(nq * nf) : nq == 0.0 && nf == 0.0 ? 1.0 : 0.0;
    return a;
}

static void report(const golden_case *c, attn_status st, accuracy a, double target, int extra_ok,
                   const char *extra)
{
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
    if (!check(st == ATTN_OK, "int8 %s: %s", c->name, attn_status_str(st))) return;
    printf("  %-44s cos %s  max err %s of range%s\n", c->name, check_e(e1, a.cosine, 6),
           check_e(e2, a.rel_err, 2), extra);
    check(a.cosine >= target && extra_ok, "int8 %s: cosine %s >= %s%s", c->name,
          check_e(e1, a.cosine, 6), check_e(e2, target, 3), extra);
}

/* One golden encoder or encoder-layer case. */
static void run_encoder_case(const golden_case *c)
{
    static golden_view v;
    const attn_encoder_cfg *cfg = &v.model.encoder;
    attn_encoder_s8_params p;
    attn_qparams qin, qout;
    attn_arena store, scratch;
    attn_status st;
    accuracy a;
    size_t n = (size_t)c->seq_q * (size_t)c->d_model, need, kp_bytes, store_bytes, work = 0;
    float *calib, *y;
    int8_t *x8;
    uint8_t *kp = NULL;
    int s, n_calib = N_CALIB_OF(c->seq_q);

    if (!check(golden_view_of(&v, c), "int8 %s: at most %d layers", c->name, GOLDEN_MAX_LAYERS))
        return;

    /* calibration set, the int8 input/output, store and scratch, all from the
       pool. store: int8 weights and their parameters, generously; scratch:
       the float stack's, the quantizer's copy of x and its observers */
    kp_bytes = c->key_padding ? (size_t)n_calib * (size_t)c->seq_q : 0;
    store_bytes = (size_t)c->n_layers * (8u * (size_t)c->d_model * (size_t)c->d_model +
                                         4u * (size_t)c->d_model * (size_t)c->d_ff + 4096u);
    attn_encoder_scratch_f32(cfg, c->seq_q, &work);
    need = CHECK_FLOATS((size_t)n_calib * n) + CHECK_FLOATS(n) + check_block(n) +
           check_block(kp_bytes) + check_block(store_bytes) + work + CHECK_FLOATS(n) + 2048u;
    check_pool_reset();
    if (!check_fits(need, "int8 %s (calibration, store and scratch)", c->name)) return;
    calib = check_take_floats((size_t)n_calib * n);
    y = check_take_floats(n);
    x8 = (int8_t *)check_take(n);
    if (kp_bytes) {
        kp = (uint8_t *)check_take(kp_bytes);
        for (s = 0; s < n_calib; s++) memcpy(kp + (size_t)s * (size_t)c->seq_q, c->key_padding, (size_t)c->seq_q);
    }
    attn_arena_init(&store, check_take(store_bytes), store_bytes);
    check_take_rest_arena(&scratch);
    check_seed(1000u + (unsigned)c->seq_q * 31u + (unsigned)c->d_model);
    fill_gauss(calib, (size_t)n_calib * n);

    st = attn_quantize_encoder_s8(&p, &qin, &qout, cfg, &v.encoder, calib, kp, n_calib,
                                  c->seq_q, &store, &scratch);
    if (st == ATTN_OK) st = attn_quantize_s8(x8, c->x, (int)n, qin);
    if (st == ATTN_OK) st = attn_encoder_s8(x8, c->seq_q, c->key_padding, cfg, &p, &scratch);
    if (st == ATTN_OK) st = attn_dequantize_s8(y, x8, (int)n, qout);
    a = st == ATTN_OK ? compare(y, c->expected, n) : compare(c->expected, c->expected, 1);
    report(c, st, a, 0.999, 1, "");
}

/* Random ids in 0..n-1 (n >= 1). */
static void fill_ids(int *t, size_t count, int n)
{
    size_t i;
    for (i = 0; i < count; i++) {
        int v = (int)check_uniform(0.0f, (float)n);
        t[i] = v < n ? v : n - 1;
    }
}

/* One golden whole-model case: logits and the predicted class. Features
   and images calibrate on N(0,1) values, token models on random ids. */
static void run_model_case(const golden_case *c)
{
    static golden_view v;
    const attn_model_cfg *cfg = &v.model;
    attn_model_s8_params p;
    attn_qparams qin, qlog;
    attn_arena store, scratch;
    attn_status st;
    accuracy a;
    int tokens = c->vocab > 0;
    size_t n_in = (size_t)c->seq_q * (size_t)(tokens ? 1 : c->d_in), nc = (size_t)c->n_classes,
           store_bytes, need, kp_bytes, work = 0;
    float *calib = NULL, *logits;
    int *tcal = NULL, *scal = NULL;
    int8_t *x8, *l8;
    uint8_t *kp = NULL;
    int s, cls_f = 0, cls_q = 0, n_calib = N_CALIB_OF(c->seq_q);

    if (!check(golden_view_of(&v, c), "int8 %s: at most %d layers", c->name, GOLDEN_MAX_LAYERS))
        return;
    /* the store as the quantizer's query gives it; checked exact below */
    st = attn_quantize_model_store_bytes(cfg, &v.weights, c->seq_q, tokens, &store_bytes);
    if (!check(st == ATTN_OK, "int8 %s: attn_quantize_model_store_bytes: %s", c->name,
               attn_status_str(st)))
        return;
    kp_bytes = c->key_padding ? (size_t)n_calib * (size_t)c->seq_q : 0;
    attn_model_scratch_f32(cfg, c->seq_q, &work);
    need = (tokens ? 2u * check_block((size_t)n_calib * n_in * sizeof(int))
                   : CHECK_FLOATS((size_t)n_calib * n_in)) +
           CHECK_FLOATS(nc) + check_block(n_in) + check_block(nc) + check_block(kp_bytes) +
           check_block(store_bytes) + work +
           CHECK_FLOATS(((size_t)c->seq_q + 1u) * (size_t)c->d_model) + 4096u;
    check_pool_reset();
    if (!check_fits(need, "int8 %s (calibration, store and scratch)", c->name)) return;
    if (tokens) {
        tcal = (int *)check_take((size_t)n_calib * n_in * sizeof(int));
        scal = (int *)check_take((size_t)n_calib * n_in * sizeof(int));
    } else {
        calib = check_take_floats((size_t)n_calib * n_in);
    }
    logits = check_take_floats(nc);
    x8 = (int8_t *)check_take(n_in);
    l8 = (int8_t *)check_take(nc);
    if (kp_bytes) {
        kp = (uint8_t *)check_take(kp_bytes);
        for (s = 0; s < n_calib; s++) memcpy(kp + (size_t)s * (size_t)c->seq_q, c->key_padding, (size_t)c->seq_q);
    }
    attn_arena_init(&store, check_take(store_bytes), store_bytes);
    check_take_rest_arena(&scratch);
    check_seed(2000u + (unsigned)c->seq_q * 31u + (unsigned)c->d_model);
    if (tokens) {
        fill_ids(tcal, (size_t)n_calib * n_in, c->vocab);
        fill_ids(scal, (size_t)n_calib * n_in, c->n_segments > 0 ? c->n_segments : 1);
        st = attn_quantize_model_tokens_s8(&p, cfg, &v.weights, tcal, scal, kp, n_calib,
                                           c->seq_q, &store, &scratch);
    } else {
        fill_gauss(calib, (size_t)n_calib * n_in);
        st = attn_quantize_model_s8(&p, cfg, &v.weights, calib, kp, n_calib, c->seq_q, &store,
                                    &scratch);
    }
    if (st == ATTN_OK)
        check(store.used == store_bytes, "int8 %s: the quantizer's store: %lu bytes used, "
              "attn_quantize_model_store_bytes %lu", c->name, (unsigned long)store.used,
              (unsigned long)store_bytes);
    qin.scale = p.in_scale;
    qin.zero_point = p.in_zp;
    qlog.scale = p.logit_scale;
    qlog.zero_point = p.logit_zp;
    if (st == ATTN_OK && !tokens) st = attn_quantize_s8(x8, c->x, (int)n_in, qin);
    if (st == ATTN_OK)
        st = tokens ? attn_model_tokens_s8(l8, c->tokens, c->segments, c->seq_q, c->key_padding,
                                           cfg, &p, &scratch)
                    : attn_model_s8(l8, x8, c->seq_q, c->key_padding, cfg, &p, &scratch);
    if (st == ATTN_OK) st = attn_dequantize_s8(logits, l8, (int)nc, qlog);
    if (st == ATTN_OK) st = attn_argmax_f32(&cls_f, c->expected, (int)nc);
    if (st == ATTN_OK) st = attn_argmax_f32(&cls_q, logits, (int)nc);
    a = st == ATTN_OK ? compare(logits, c->expected, nc) : compare(c->expected, c->expected, 1);
    report(c, st, a, 0.999, cls_f == cls_q,
           cls_f == cls_q ? ", same class" : ", OTHER CLASS");
}

/* Attention pooling alone in int8: x at its own min/max encoding, w
   symmetric, the pooled row at x's encoding (what the model quantizer
   does), against PyTorch's float result. */
static void run_pool_case(const golden_case *c)
{
    size_t n = (size_t)c->seq_q * (size_t)c->d_model, d = (size_t)c->d_model, i;
    float lo = 0.0f, hi = 0.0f, amax = 0.0f, *out;
    attn_qparams qx, qw;
    attn_sdpa_s8_params p;
    attn_arena arena;
    attn_status st;
    accuracy a;
    int8_t *x8, *w8, *o8;
    check_pool_reset();
    if (!check_fits(check_block(n) + 2 * check_block(d) + CHECK_FLOATS(d) +
                        ATTN_POOL_SCRATCH_S8(c->seq_q, c->d_model) + 64u,
                    "int8 %s", c->name))
        return;
    x8 = (int8_t *)check_take(n);
    w8 = (int8_t *)check_take(d);
    o8 = (int8_t *)check_take(d);
    out = check_take_floats(d);
    check_take_rest_arena(&arena);
    for (i = 0; i < n; i++) {
        lo = c->x[i] < lo ? c->x[i] : lo;
        hi = c->x[i] > hi ? c->x[i] : hi;
    }
    for (i = 0; i < d; i++) amax = fabsf(c->pool_w[i]) > amax ? fabsf(c->pool_w[i]) : amax;
    st = attn_choose_qparams(lo, hi, &qx);
    qw.scale = amax / 127.0f;
    qw.zero_point = 0;
    if (st == ATTN_OK) st = attn_quantize_s8(x8, c->x, (int)n, qx);
    if (st == ATTN_OK) st = attn_quantize_s8(w8, c->pool_w, (int)d, qw);
    p.q_zp = 0;
    p.k_zp = p.v_zp = p.out_zp = qx.zero_point;
    if (st == ATTN_OK)
        st = attn_quantize_multiplier((double)qw.scale * (double)qx.scale * 1.4426950408889634 *
                                          65536.0, &p.score_mul);
    if (st == ATTN_OK) st = attn_quantize_multiplier(1.0 / 32768.0, &p.ctx_mul);
    if (st == ATTN_OK)
        st = attn_pool_attention_s8(o8, x8, c->key_padding, w8, &p, c->seq_q, c->d_model, &arena);
    if (st == ATTN_OK) st = attn_dequantize_s8(out, o8, (int)d, qx);
    a = st == ATTN_OK ? compare(out, c->expected, d) : compare(c->expected, c->expected, 1);
    /* every row padded: zeros both ways (the cosine of two zero vectors is 1) */
    report(c, st, a, 0.999, 1, "");
}

void test_quant(void)
{
    const golden_case *cases = golden_table();
    size_t i;
    printf("int8 vs float (quantizer; held-out calibration: max(32, %d / seq) N(0,1) sequences)\n",
           CALIB_TOKENS);
    for (i = 0; cases[i].name != NULL; i++) {
        const golden_case *c = &cases[i];
        if (c->kind == GOLDEN_ENCODER_LAYER || c->kind == GOLDEN_ENCODER) run_encoder_case(c);
        if (c->kind == GOLDEN_MODEL) run_model_case(c);
        if (c->kind == GOLDEN_POOL) run_pool_case(c);
    }
}
