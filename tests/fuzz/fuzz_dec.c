/* fuzz_dec.c - the decoder and generation (issue 10) under libFuzzer.

   Each input builds a small random model (d_model = heads x head width
   1..6 x 1..3, d_ff 1..12, one or two layers, post- or pre-norm, any
   activation, optional biases and LayerNorm affines, an optional final
   norm) and checks the properties the header promises:
     - attn_decoder_f32 (causal) and attn_encoder_f32 (causal) on T rows
       equal, bit for bit, attn_decoder_step_f32 / attn_encoder_step_f32 on
       the same rows one at a time (memory with any padding, every key
       masked included);
     - every scratch query equals its macro and the arena's high-water
       mark; the cache takes exactly ATTN_KV_CACHE_BYTES_* of its store;
     - a step on a full cache is ATTN_ERR_FULL and changes neither the row
       nor one byte of the cache;
     - local attention (cfg.window: 0, 1, 2..3, T - 1, T, T + 1, INT_MAX):
       the full windowed decoder and encoder equal their steps too, and
       row t of a windowed stack of L layers is row t of the same stack run
       on rows t - L w .. t alone (nothing further reaches it); a negative
       window is ATTN_ERR_RANGE for every call, nothing written;
     - the same in int8: the float decoder quantized on its own input
       (attn_quantize_decoder_s8), its full and stepped runs bit-identical,
       a windowed row t the stack's on rows t - L w .. t alone.
   Values are tame (multiples of 1/16 below 8), so everything is finite. */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "fuzz.h"

enum { MAXT = 8, MAXS = 8 };

static float *fd_buf(fz_in *in, size_t n, float scale)
{
    float *p = (float *)fz_const(n * sizeof(float) + 1);
    size_t i;
    for (i = 0; i < n; i++) p[i] = fz_tame(in) * scale;
    return p;
}

static const float *fd_opt(fz_in *in, size_t n, float scale)
{
    return fz_pick(in, 4) ? fd_buf(in, n, scale) : NULL;
}

static void fd_mha(fz_in *in, attn_mha_weights_f32 *w, int d)
{
    size_t dd = (size_t)d * (size_t)d;
    float s = 1.0f / (float)d;
    w->wq = fd_buf(in, dd, s);
    w->wk = fd_buf(in, dd, s);
    w->wv = fd_buf(in, dd, s);
    w->wo = fd_buf(in, dd, s);
    w->bq = fd_opt(in, (size_t)d, 0.25f);
    w->bk = fd_opt(in, (size_t)d, 0.25f);
    w->bv = fd_opt(in, (size_t)d, 0.25f);
    w->bo = fd_opt(in, (size_t)d, 0.25f);
}

/* an arena of exactly `bytes` free bytes over a fresh buffer */
static void fd_arena(attn_arena *a, size_t bytes)
{
    void *buf = fz_out(bytes + ATTN_ALIGN);
    unsigned char *p = (unsigned char *)buf;
    p += (ATTN_ALIGN - (uintptr_t)p % ATTN_ALIGN) % ATTN_ALIGN;
    FZ_STATUS(attn_arena_init(a, p, bytes), ATTN_OK);
    FZ_CHECK(a->size == bytes, "arena size");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    attn_decoder_cfg cfg = {0};
    attn_decoder_layer_weights_f32 lw[2];
    attn_encoder_layer_weights_f32 ew[2];
    attn_decoder_weights_f32 w;
    attn_encoder_weights_f32 enc;
    attn_arena a, store;
    attn_kv_cache cache;
    int dh, H, d, ff, L, T, S, l, t, all;
    size_t q, q2;
    float *x, *mem, *full, *efull, *row;
    uint8_t *mpad = NULL;
    unsigned char *snap;
    fz_begin(&in, data, size);
    fz_fn = "decoder / generation";
    dh = 1 + fz_pick(&in, 6);
    H = 1 + fz_pick(&in, 3);
    d = dh * H;
    ff = 1 + fz_pick(&in, 12);
    L = 1 + fz_pick(&in, 2);
    T = 1 + fz_pick(&in, MAXT);
    S = 1 + fz_pick(&in, MAXS);
    cfg.d_model = d;
    cfg.n_heads = H;
    cfg.d_ff = ff;
    cfg.activation = (attn_activation)fz_pick(&in, 3);
    cfg.norm_first = fz_pick(&in, 2);
    cfg.causal = 1;
    cfg.eps = 1e-5f;
    cfg.window = fz_window(&in, T);
    for (l = 0; l < L; l++) {
        fd_mha(&in, &lw[l].self_attn, d);
        fd_mha(&in, &lw[l].cross_attn, d);
        lw[l].ff1_w = fd_buf(&in, (size_t)ff * (size_t)d, 1.0f / (float)d);
        lw[l].ff1_b = fd_opt(&in, (size_t)ff, 0.25f);
        lw[l].ff2_w = fd_buf(&in, (size_t)ff * (size_t)d, 1.0f / (float)ff);
        lw[l].ff2_b = fd_opt(&in, (size_t)d, 0.25f);
        lw[l].norm1_w = fd_opt(&in, (size_t)d, 0.25f);
        lw[l].norm1_b = fd_opt(&in, (size_t)d, 0.25f);
        lw[l].norm2_w = fd_opt(&in, (size_t)d, 0.25f);
        lw[l].norm2_b = fd_opt(&in, (size_t)d, 0.25f);
        lw[l].norm3_w = fd_opt(&in, (size_t)d, 0.25f);
        lw[l].norm3_b = fd_opt(&in, (size_t)d, 0.25f);
        ew[l].attn = lw[l].self_attn;
        ew[l].ff1_w = lw[l].ff1_w;
        ew[l].ff1_b = lw[l].ff1_b;
        ew[l].ff2_w = lw[l].ff2_w;
        ew[l].ff2_b = lw[l].ff2_b;
        ew[l].norm1_w = lw[l].norm1_w;
        ew[l].norm1_b = lw[l].norm1_b;
        ew[l].norm2_w = lw[l].norm3_w;
        ew[l].norm2_b = lw[l].norm3_b;
    }
    w.layers = lw;
    w.n_layers = L;
    w.final_norm = fz_pick(&in, 2);
    w.norm_w = fd_opt(&in, (size_t)d, 0.25f);
    w.norm_b = fd_opt(&in, (size_t)d, 0.25f);
    enc.layers = ew;
    enc.n_layers = L;
    enc.final_norm = w.final_norm;
    enc.norm_w = w.norm_w;
    enc.norm_b = w.norm_b;
    x = fd_buf(&in, (size_t)T * (size_t)d, 1.0f);
    mem = fd_buf(&in, (size_t)S * (size_t)d, 1.0f);
    if (fz_pick(&in, 2)) {
        mpad = (uint8_t *)fz_const((size_t)S);
        all = fz_pick(&in, 8) == 0;
        for (t = 0; t < S; t++) mpad[t] = (uint8_t)(all || fz_pick(&in, 3) == 0);
    }

    if (cfg.window < 0) { /* ATTN_ERR_RANGE (after the shapes), nothing written */
        attn_decoder_s8_params p8;
        attn_qparams iq1, mq1, oq1;
        float *x2 = (float *)fz_out((size_t)T * (size_t)d * sizeof(float));
        memcpy(x2, x, (size_t)T * (size_t)d * sizeof(float));
        fd_arena(&a, 1u << 16);
        fd_arena(&store, 1u << 16);
        fz_snap();
        FZ_STATUS(attn_decoder_scratch_f32(&cfg, T, S, &q), ATTN_ERR_RANGE);
        FZ_STATUS(attn_decoder_step_scratch_f32(&cfg, T, S, &q), ATTN_ERR_RANGE);
        FZ_STATUS(attn_encoder_scratch_f32(&cfg, T, &q), ATTN_ERR_RANGE);
        FZ_STATUS(attn_decoder_f32(x2, T, NULL, mem, S, mpad, &cfg, &w, &a), ATTN_ERR_RANGE);
        FZ_STATUS(attn_encoder_f32(x2, T, NULL, &cfg, &enc, &a), ATTN_ERR_RANGE);
        FZ_STATUS(attn_decoder_scratch_s8(&cfg, T, S, &q), ATTN_ERR_RANGE);
        FZ_STATUS(attn_quantize_decoder_s8(&p8, &iq1, &mq1, &oq1, &cfg, &w, x, NULL, mem, mpad, 1, T, S, &store, &a),
                  ATTN_ERR_RANGE);
        fz_after(0);
        FZ_CHECK(a.used == 0 && a.high_water == 0 && store.used == 0, "a refused call used an arena");
        FZ_STATUS(attn_kv_cache_bytes_f32(L, d, T, S, &q), ATTN_OK);
        fd_arena(&store, q);
        FZ_STATUS(attn_kv_cache_init_f32(&cache, L, d, T, S, &store), ATTN_OK);
        FZ_STATUS(attn_decoder_memory_f32(&cache, mem, S, mpad, &cfg, &w), ATTN_ERR_RANGE);
        cfg.window = 0;
        FZ_STATUS(attn_decoder_memory_f32(&cache, mem, S, mpad, &cfg, &w), ATTN_OK);
        cfg.window = -1;
        row = (float *)fz_out((size_t)d * sizeof(float));
        memcpy(row, x, (size_t)d * sizeof(float));
        fz_snap();
        FZ_STATUS(attn_decoder_step_f32(row, &cache, &cfg, &w, &a), ATTN_ERR_RANGE);
        FZ_STATUS(attn_encoder_step_f32(row, &cache, &cfg, &enc, &a), ATTN_ERR_RANGE);
        fz_after(0);
        FZ_CHECK(cache.len == 0, "a refused step moved the cache");
        goto done;
    }

    /* the full causal decoder */
    FZ_STATUS(attn_decoder_scratch_f32(&cfg, T, S, &q), ATTN_OK);
    FZ_CHECK(q == ATTN_DECODER_SCRATCH_F32(T, S, d, ff), "decoder query != macro");
    fd_arena(&a, q);
    full = (float *)fz_out((size_t)T * (size_t)d * sizeof(float));
    memcpy(full, x, (size_t)T * (size_t)d * sizeof(float));
    FZ_STATUS(attn_decoder_f32(full, T, NULL, mem, S, mpad, &cfg, &w, &a), ATTN_OK);
    FZ_CHECK(a.high_water == q && a.used == 0, "decoder high-water != query");
    efull = (float *)fz_out((size_t)T * (size_t)d * sizeof(float));
    memcpy(efull, x, (size_t)T * (size_t)d * sizeof(float));
    FZ_STATUS(attn_encoder_scratch_f32(&cfg, T, &q2), ATTN_OK);
    fd_arena(&a, q2);
    FZ_STATUS(attn_encoder_f32(efull, T, NULL, &cfg, &enc, &a), ATTN_OK);
    if (cfg.window > 0 && cfg.window < T) {
        /* row t of a stack of L layers with window w sees the input rows
           t - L w .. t only (causal): the stack on those rows alone gives
           it bit for bit (the decoder's memory as it is) */
        float *sub = (float *)fz_out((size_t)T * (size_t)d * sizeof(float));
        attn_arena a2;
        size_t q3;
        FZ_STATUS(attn_decoder_scratch_f32(&cfg, T, S, &q3), ATTN_OK);
        fd_arena(&a2, q3);
        for (t = 0; t < T; t++) {
            int lo = t - L * cfg.window > 0 ? t - L * cfg.window : 0, n = t - lo + 1;
            memcpy(sub, x + (size_t)lo * (size_t)d, (size_t)n * (size_t)d * sizeof(float));
            FZ_STATUS(attn_decoder_f32(sub, n, NULL, mem, S, mpad, &cfg, &w, &a2), ATTN_OK);
            FZ_CHECK(memcmp(sub + (size_t)(n - 1) * (size_t)d, full + (size_t)t * (size_t)d, (size_t)d * sizeof(float)) == 0,
                     "windowed decoder: row t != the stack on rows t - L w .. t alone");
            memcpy(sub, x + (size_t)lo * (size_t)d, (size_t)n * (size_t)d * sizeof(float));
            FZ_STATUS(attn_encoder_f32(sub, n, NULL, &cfg, &enc, &a2), ATTN_OK);
            FZ_CHECK(memcmp(sub + (size_t)(n - 1) * (size_t)d, efull + (size_t)t * (size_t)d, (size_t)d * sizeof(float)) == 0,
                     "windowed causal encoder: row t != the stack on rows t - L w .. t alone");
        }
    }

    /* the cache and the steps */
    FZ_STATUS(attn_kv_cache_bytes_f32(L, d, T, S, &q), ATTN_OK);
    FZ_CHECK(q == ATTN_KV_CACHE_BYTES_F32(L, T, S, d), "cache bytes != macro");
    fd_arena(&store, q);
    FZ_STATUS(attn_kv_cache_init_f32(&cache, L, d, T, S, &store), ATTN_OK);
    FZ_CHECK(store.used == q && store.high_water == q, "cache took other than its bytes");
    FZ_STATUS(attn_decoder_step_scratch_f32(&cfg, T, S, &q2), ATTN_OK);
    FZ_CHECK(q2 == ATTN_DECODER_STEP_SCRATCH_F32(T, S, d, ff), "step query != macro");
    fd_arena(&a, q2);
    row = (float *)fz_out((size_t)d * sizeof(float));
    FZ_STATUS(attn_decoder_step_f32(row, &cache, &cfg, &w, &a), ATTN_ERR_SHAPE); /* no memory */
    FZ_STATUS(attn_decoder_memory_f32(&cache, mem, S, mpad, &cfg, &w), ATTN_OK);
    for (t = 0; t < T; t++) {
        memcpy(row, x + (size_t)t * (size_t)d, (size_t)d * sizeof(float));
        FZ_STATUS(attn_decoder_step_f32(row, &cache, &cfg, &w, &a), ATTN_OK);
        FZ_CHECK(memcmp(row, full + (size_t)t * (size_t)d, (size_t)d * sizeof(float)) == 0,
                 "decoder step != full causal decoder");
    }
    FZ_CHECK(a.high_water == q2, "step high-water != query");
    snap = (unsigned char *)fz_out(q + (size_t)d * sizeof(float));
    memcpy(snap, store.base, q);
    memcpy(snap + q, row, (size_t)d * sizeof(float));
    FZ_STATUS(attn_decoder_step_f32(row, &cache, &cfg, &w, &a), ATTN_ERR_FULL);
    FZ_CHECK(memcmp(snap, store.base, q) == 0 && memcmp(snap + q, row, (size_t)d * sizeof(float)) == 0 &&
                 cache.len == T,
             "a full cache's step changed something");

    /* decoder-only: causal encoder layers stepped */
    FZ_STATUS(attn_kv_cache_reset(&cache), ATTN_OK);
    FZ_STATUS(attn_encoder_step_scratch_f32(&cfg, T, &q2), ATTN_OK);
    FZ_CHECK(q2 == ATTN_ENCODER_STEP_SCRATCH_F32(T, d, ff), "encoder step query != macro");
    fd_arena(&a, q2);
    for (t = 0; t < T; t++) {
        memcpy(row, x + (size_t)t * (size_t)d, (size_t)d * sizeof(float));
        FZ_STATUS(attn_encoder_step_f32(row, &cache, &cfg, &enc, &a), ATTN_OK);
        FZ_CHECK(memcmp(row, efull + (size_t)t * (size_t)d, (size_t)d * sizeof(float)) == 0,
                 "encoder step != full causal encoder");
    }
    FZ_CHECK(a.high_water == q2, "encoder step high-water != query");

    /* int8: quantize on this very input, then full == steps */
    {
        attn_decoder_s8_params p;
        attn_qparams iq, mq, oq;
        attn_arena qstore, qscr;
        int8_t *x8 = (int8_t *)fz_out((size_t)T * (size_t)d), *m8 = (int8_t *)fz_out((size_t)S * (size_t)d);
        int8_t *f8 = (int8_t *)fz_out((size_t)T * (size_t)d), *r8 = (int8_t *)fz_out((size_t)d);
        attn_status st;
        fd_arena(&qstore, 1u << 16);
        fd_arena(&qscr, 1u << 16);
        st = attn_quantize_decoder_s8(&p, &iq, &mq, &oq, &cfg, &w, x, NULL, mem, mpad, 1, T, S,
                                      &qstore, &qscr);
        /* a scale no multiplier can express is the one refusal tame data may meet */
        if (st == ATTN_ERR_RANGE) goto done;
        FZ_STATUS(st, ATTN_OK);
        FZ_STATUS(attn_quantize_s8(x8, x, T * d, iq), ATTN_OK);
        FZ_STATUS(attn_quantize_s8(m8, mem, S * d, mq), ATTN_OK);
        memcpy(f8, x8, (size_t)T * (size_t)d);
        FZ_STATUS(attn_decoder_scratch_s8(&cfg, T, S, &q), ATTN_OK);
        FZ_CHECK(q == ATTN_DECODER_SCRATCH_S8(T, S, d, ff), "int8 decoder query != macro");
        fd_arena(&a, q);
        FZ_STATUS(attn_decoder_s8(f8, T, NULL, m8, S, mpad, &cfg, &p, &a), ATTN_OK);
        FZ_CHECK(a.high_water == q, "int8 decoder high-water != query");
        if (cfg.window > 0 && cfg.window < T) { /* as for float: row t from rows t - L w .. t alone */
            int8_t *sub8 = (int8_t *)fz_out((size_t)T * (size_t)d);
            for (t = 0; t < T; t++) {
                int lo = t - L * cfg.window > 0 ? t - L * cfg.window : 0, n = t - lo + 1;
                memcpy(sub8, x8 + (size_t)lo * (size_t)d, (size_t)n * (size_t)d);
                FZ_STATUS(attn_decoder_s8(sub8, n, NULL, m8, S, mpad, &cfg, &p, &a), ATTN_OK);
                FZ_CHECK(memcmp(sub8 + (size_t)(n - 1) * (size_t)d, f8 + (size_t)t * (size_t)d, (size_t)d) == 0,
                         "windowed int8 decoder: row t != the stack on rows t - L w .. t alone");
            }
        }
        FZ_STATUS(attn_kv_cache_bytes_s8(L, d, T, S, &q), ATTN_OK);
        FZ_CHECK(q == ATTN_KV_CACHE_BYTES_S8(L, T, S, d), "int8 cache bytes != macro");
        fd_arena(&store, q);
        FZ_STATUS(attn_kv_cache_init_s8(&cache, L, d, T, S, &store), ATTN_OK);
        FZ_CHECK(store.high_water == q, "int8 cache took other than its bytes");
        FZ_STATUS(attn_decoder_memory_s8(&cache, m8, S, mpad, &cfg, &p), ATTN_OK);
        FZ_STATUS(attn_decoder_step_scratch_s8(&cfg, T, S, &q2), ATTN_OK);
        FZ_CHECK(q2 == ATTN_DECODER_STEP_SCRATCH_S8(T, S, d, ff), "int8 step query != macro");
        fd_arena(&a, q2);
        for (t = 0; t < T; t++) {
            memcpy(r8, x8 + (size_t)t * (size_t)d, (size_t)d);
            FZ_STATUS(attn_decoder_step_s8(r8, &cache, &cfg, &p, &a), ATTN_OK);
            FZ_CHECK(memcmp(r8, f8 + (size_t)t * (size_t)d, (size_t)d) == 0,
                     "int8 decoder step != full causal decoder");
        }
        FZ_CHECK(a.high_water == q2, "int8 step high-water != query");
        memcpy(snap, store.base, q);
        FZ_STATUS(attn_decoder_step_s8(r8, &cache, &cfg, &p, &a), ATTN_ERR_FULL);
        FZ_CHECK(memcmp(snap, store.base, q) == 0, "a full int8 cache's step changed something");
    }
done:
    fz_free_all();
    return 0;
}
