/* fuzz_model.c - libFuzzer target: the whole decoder models, encoder-
   decoder (attn_seq2seq_*) and decoder-only (attn_lm_*), float and int8.
   Builds a small random model (d_model = heads x width up to 12, d_ff up to
   8, 1-2 layers each side, post/pre-norm, any activation, optional biases,
   affines and final norms, positions none/sinusoidal/learned, embed_scale
   0/1/other, embed_norm on/off with or without its weights, a decoder
   self-attention window 0/1/2/.../INT_MAX, small vocabularies and lengths,
   a cache the model's size or larger or smaller) and checks what the
   header promises:
     - float greedy == encode (or, for the LM, the prompt) + steps feeding
       back the argmax of their logits, same tokens and same stop (eos or
       max_out); and the steps' logits, bit for bit, == the model written
       out with the public blocks (embedding x scale, attn_pos_*_f32,
       attn_layernorm_f32, attn_encoder_f32, attn_decoder_f32 / the causal
       attn_encoder_f32 on all the rows, attn_linear_f32), all finite;
     - every scratch query == its macro, and every call's arena high-water
       mark == the need the macros give for that call's lengths; the cache
       takes exactly ATTN_KV_CACHE_BYTES_*;
     - refusals, each with nothing written (outputs, the arena's memory and
       counters, the cache's memory and struct): a step on a full cache
       (ATTN_ERR_FULL), before any memory (seq2seq: ATTN_ERR_SHAPE), token
       ids outside the vocabulary (-1, vocab, INT_MAX, INT_MIN: ATTN_ERR_
       RANGE), src_len / prompt_len / max_out 0, negative or past their
       limits (ATTN_ERR_SHAPE), an arena one block short (ATTN_ERR_ARENA),
       a cache made for other layers, another width or the other element
       type (ATTN_ERR_SHAPE); a negative window (decoder or encoder), an
       embed_scale NaN or infinite, a position outside the enum or a
       non-causal decoder is ATTN_ERR_RANGE for every call, float and int8
       (the LM's scratch queries: the window only);
     - int8: the float model quantized on its own token sequences with a
       store of exactly *_store_bytes (one byte less: ATTN_ERR_ARENA, *out
       untouched); greedy_s8 == encode_s8 + next_s8 fed back; step_s8
       logits deterministic and next_s8's token within one int8 step of
       their maximum; the caches step_s8 and next_s8 leave identical;
       encode_s8's memory == attn_encoder_s8 + attn_decoder_memory_s8 on
       the embedded rows.
   Values are tame (multiples of 1/16 below 8, scaled down), so everything
   is finite. */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "fuzz.h"

enum { MAXV = 6, MAXL = 6 };

/* -DFM_STATS: how many inputs reach each stage (printed at exit), to see
   what a corpus exercises */
#ifdef FM_STATS
static const char *const fm_stage_name[] = {
    "seq2seq", "seq2seq config RANGE", "seq2seq eos stop", "seq2seq int8 quantized",
    "seq2seq int8 range", "seq2seq int8 done", "lm", "lm config RANGE", "lm eos stop",
    "lm int8 quantized", "lm int8 range", "lm int8 done"};
static unsigned long fm_stage_n[12];
static void fm_stats_print(void)
{
    int i;
    for (i = 0; i < 12; i++) fprintf(stderr, "%-26s %lu\n", fm_stage_name[i], fm_stage_n[i]);
}
static int fm_stats_on;
#define FM_STAGE(k)                                                                        \
    do {                                                                                   \
        if (!fm_stats_on) fm_stats_on = 1, atexit(fm_stats_print);                         \
        fm_stage_n[k]++;                                                                   \
    } while (0)
#else
#define FM_STAGE(k) ((void)0)
#endif

static float *fm_buf(fz_in *in, size_t n, float scale)
{
    float *p = (float *)fz_const(n * sizeof(float) + 1);
    size_t i;
    for (i = 0; i < n; i++) p[i] = fz_tame(in) * scale;
    return p;
}

static const float *fm_opt(fz_in *in, size_t n, float scale)
{
    return fz_pick(in, 4) ? fm_buf(in, n, scale) : NULL;
}

static void fm_mha(fz_in *in, attn_mha_weights_f32 *w, int d)
{
    size_t dd = (size_t)d * (size_t)d;
    float s = 1.0f / (float)d;
    w->wq = fm_buf(in, dd, s);
    w->wk = fm_buf(in, dd, s);
    w->wv = fm_buf(in, dd, s);
    w->wo = fm_buf(in, dd, s);
    w->bq = fm_opt(in, (size_t)d, 0.25f);
    w->bk = fm_opt(in, (size_t)d, 0.25f);
    w->bv = fm_opt(in, (size_t)d, 0.25f);
    w->bo = fm_opt(in, (size_t)d, 0.25f);
}

static void fm_ff(fz_in *in, const float **w1, const float **b1, const float **w2,
                  const float **b2, int d, int ff)
{
    *w1 = fm_buf(in, (size_t)ff * (size_t)d, 1.0f / (float)d);
    *b1 = fm_opt(in, (size_t)ff, 0.25f);
    *w2 = fm_buf(in, (size_t)ff * (size_t)d, 1.0f / (float)ff);
    *b2 = fm_opt(in, (size_t)d, 0.25f);
}

static void fm_encoder(fz_in *in, attn_encoder_weights_f32 *w, attn_encoder_layer_weights_f32 *lw,
                       int L, int d, int ff)
{
    int l;
    for (l = 0; l < L; l++) {
        fm_mha(in, &lw[l].attn, d);
        fm_ff(in, &lw[l].ff1_w, &lw[l].ff1_b, &lw[l].ff2_w, &lw[l].ff2_b, d, ff);
        lw[l].norm1_w = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm1_b = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm2_w = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm2_b = fm_opt(in, (size_t)d, 0.25f);
    }
    w->layers = lw;
    w->n_layers = L;
    w->final_norm = fz_pick(in, 2);
    w->norm_w = fm_opt(in, (size_t)d, 0.25f);
    w->norm_b = fm_opt(in, (size_t)d, 0.25f);
}

static void fm_decoder(fz_in *in, attn_decoder_weights_f32 *w, attn_decoder_layer_weights_f32 *lw,
                       int L, int d, int ff)
{
    int l;
    for (l = 0; l < L; l++) {
        fm_mha(in, &lw[l].self_attn, d);
        fm_mha(in, &lw[l].cross_attn, d);
        fm_ff(in, &lw[l].ff1_w, &lw[l].ff1_b, &lw[l].ff2_w, &lw[l].ff2_b, d, ff);
        lw[l].norm1_w = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm1_b = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm2_w = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm2_b = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm3_w = fm_opt(in, (size_t)d, 0.25f);
        lw[l].norm3_b = fm_opt(in, (size_t)d, 0.25f);
    }
    w->layers = lw;
    w->n_layers = L;
    w->final_norm = fz_pick(in, 2);
    w->norm_w = fm_opt(in, (size_t)d, 0.25f);
    w->norm_b = fm_opt(in, (size_t)d, 0.25f);
}

/* an arena of exactly `bytes` free bytes over a fresh buffer */
static void fm_arena(attn_arena *a, size_t bytes)
{
    unsigned char *p = (unsigned char *)fz_out(bytes + ATTN_ALIGN);
    p += (ATTN_ALIGN - (uintptr_t)p % ATTN_ALIGN) % ATTN_ALIGN;
    FZ_STATUS(attn_arena_init(a, p, bytes), ATTN_OK);
    FZ_CHECK(a->size == bytes / ATTN_ALIGN * ATTN_ALIGN && a->used == 0, "arena size");
}

/* Before a call that must succeed: its peak is measured from here. */
static void fm_peak_from(attn_arena *a) { a->high_water = a->used; }

/* After it: used given back, the peak exactly `need` above it. */
static void fm_peak_is(const attn_arena *a, size_t used, size_t need, const char *what)
{
    FZ_CHECK(a->used == used, "arena->used not given back");
    if (a->high_water != used + need) {
        fprintf(stderr, "fuzz: high-water %zu, need %zu (used %zu)\n", a->high_water, need, used);
        fz_fail(__FILE__, __LINE__, what);
    }
}

/* A refused call: the documented status, and nothing written - no output,
   no arena memory (fz_after: every fz_out buffer as it was), the arena's
   counters and the cache struct as they were. */
static attn_arena fm_a0;
static attn_kv_cache fm_c0;
static const attn_arena *fm_ap;
static const attn_kv_cache *fm_cp;
static void fm_refuse_begin(const attn_arena *a, const attn_kv_cache *c)
{
    fm_ap = a;
    fm_cp = c;
    fm_a0 = *a;
    fm_c0 = *c;
    fz_snap();
}
static void fm_refuse_end(const char *what)
{
    fz_after(0);
    FZ_CHECK(memcmp(&fm_a0, fm_ap, sizeof fm_a0) == 0, what);
    FZ_CHECK(memcmp(&fm_c0, fm_cp, sizeof fm_c0) == 0, what);
}
#define FM_REFUSED(call, want, a, c)                                                     \
    do {                                                                                 \
        fm_refuse_begin(a, c);                                                           \
        FZ_STATUS(call, want);                                                           \
        fm_refuse_end("a refused call changed the arena or the cache");                  \
    } while (0)

/* a token id outside 0..vocab-1 */
static int fm_bad_token(fz_in *in, int vocab)
{
    static const int far[] = {-1, INT_MAX, INT_MIN, -2};
    int k = fz_pick(in, 5);
    return k == 4 ? vocab : far[k];
}
/* a length outside 1..lim (lim >= 1) */
static int fm_bad_len(fz_in *in, int lim)
{
    static const int far[] = {0, -1, INT_MIN, INT_MAX, (1 << 28) + 1};
    int k = fz_pick(in, 7);
    return k >= 5 ? lim + k - 4 : far[k];
}
static int fm_min(int a, int b) { return a < b ? a : b; }

/* A config one RANGE rule breaks (kind 1: a negative window, set by the
   caller; 2: embed_scale NaN or infinite; 3: a position outside the enum;
   4: not causal). */
static void fm_spoil(fz_in *in, int *causal, float *scale, attn_position *pos, int kind)
{
    static const float nf[] = {NAN, INFINITY, -INFINITY};
    if (kind == 2) *scale = nf[fz_pick(in, 3)];
    if (kind == 3) *pos = (attn_position)(fz_pick(in, 2) ? 3 : 77);
    if (kind == 4) *causal = 0;
}

static float fm_scale(fz_in *in, int d)
{
    switch (fz_pick(in, 6)) {
    case 0: return 0.0f;
    case 1: return 1.0f;
    case 2: return 0.5f;
    case 3: return sqrtf((float)d);
    case 4: return -1.25f;
    default: return 2.0f;
    }
}

/* The model's embedded rows written out with the public blocks: token
   rows times scale (0 or 1: none), positions, the embedding LayerNorm. */
static void fm_embed_ref(float *x, const int *tok, int n, const float *table, float scale,
                         attn_position pos, const float *pos_table, int norm, const float *g,
                         const float *b, float eps, int d)
{
    int i, c;
    for (i = 0; i < n; i++)
        for (c = 0; c < d; c++) {
            float e = table[(size_t)tok[i] * (size_t)d + (size_t)c];
            x[(size_t)i * (size_t)d + (size_t)c] = scale == 0.0f || scale == 1.0f ? e : e * scale;
        }
    if (pos == ATTN_POS_SINUSOIDAL) FZ_STATUS(attn_pos_sinusoidal_f32(x, n, d), ATTN_OK);
    if (pos == ATTN_POS_LEARNED) FZ_STATUS(attn_pos_learned_f32(x, pos_table, n, d), ATTN_OK);
    if (norm) FZ_STATUS(attn_layernorm_f32(x, x, g, b, eps, n, d), ATTN_OK);
}

/* int8 embedded rows: table rows, + positions through pos_add, the
   embedding LayerNorm. */
static void fm_embed_ref_s8(int8_t *x, const int *tok, int n, const int8_t *table,
                            const int8_t *pos, const attn_add_s8_params *pos_add, int norm,
                            const attn_layernorm_s8_params *np, int d)
{
    int i;
    for (i = 0; i < n; i++) {
        int8_t *r = x + (size_t)i * (size_t)d;
        memcpy(r, table + (size_t)tok[i] * (size_t)d, (size_t)d);
        if (pos) FZ_STATUS(attn_add_s8(r, r, pos + (size_t)i * (size_t)d, d, pos_add), ATTN_OK);
    }
    if (norm) FZ_STATUS(attn_layernorm_s8(x, x, np, n, d), ATTN_OK);
}

/* rows 0..n-1 of each layer's [max][d] block of int8 cache rows equal */
static int fm_rows_same(const void *a, const void *b, int layers, int max, int n, int d)
{
    int l;
    for (l = 0; l < layers; l++) {
        size_t o = (size_t)l * (size_t)max * (size_t)d;
        if (memcmp((const int8_t *)a + o, (const int8_t *)b + o, (size_t)n * (size_t)d) != 0) return 0;
    }
    return 1;
}

static void fm_int8_next_near(const int8_t *logits, int next, int n)
{
    int i, mx = -128;
    FZ_CHECK(next >= 0 && next < n, "next_s8: token outside the vocabulary");
    for (i = 0; i < n; i++)
        if (logits[i] > mx) mx = logits[i];
    FZ_CHECK(logits[next] >= mx - 1, "next_s8's token more than one int8 step below the top logit");
}

/* ======================================================================== */
/* encoder-decoder                                                          */
/* ======================================================================== */

static void fm_seq2seq(fz_in *in)
{
    attn_seq2seq_cfg cfg, good, badc;
    attn_seq2seq_weights_f32 w;
    attn_encoder_layer_weights_f32 ew[2];
    attn_decoder_layer_weights_f32 dw[2];
    attn_arena a, store, ra;
    attn_kv_cache cache;
    int dh, H, d, ff, Le, Ld, Vs, Vt, MS, MT, cl, cm, Lk, Mk, src_len, max_out, bos, eos, n, ns,
        i, t, dwin, ewin, bad;
    int *src, *out, *n_out, *tgt;
    float *logits, *ref, *mem, *rows;
    size_t q, qc, need_enc, need_step, need_greedy;
    unsigned char *snap;

    memset(&cfg, 0, sizeof cfg);
    FM_STAGE(0);
    memset(&w, 0, sizeof w);
    dh = 1 + fz_pick(in, 4);
    H = 1 + fz_pick(in, 3);
    d = dh * H;
    ff = 1 + fz_pick(in, 8);
    Le = 1 + fz_pick(in, 2);
    Ld = 1 + fz_pick(in, 2);
    Vs = 1 + fz_pick(in, MAXV);
    Vt = 1 + fz_pick(in, MAXV);
    MS = 1 + fz_pick(in, MAXL);
    MT = 1 + fz_pick(in, MAXL);
    cfg.encoder.d_model = cfg.decoder.d_model = d;
    cfg.encoder.n_heads = H;
    cfg.decoder.n_heads = fz_pick(in, 4) ? H : 1 + fz_pick(in, 4); /* a divisor of d */
    while (d % cfg.decoder.n_heads) cfg.decoder.n_heads--;
    cfg.encoder.d_ff = ff;
    cfg.decoder.d_ff = ff;
    cfg.encoder.activation = (attn_activation)fz_pick(in, 3);
    cfg.decoder.activation = (attn_activation)fz_pick(in, 3);
    cfg.encoder.norm_first = fz_pick(in, 2);
    cfg.decoder.norm_first = fz_pick(in, 2);
    cfg.encoder.eps = 1e-5f;
    cfg.decoder.eps = fz_pick(in, 2) ? 1e-5f : 1e-3f;
    cfg.decoder.causal = 1;
    dwin = fz_window(in, MT);
    ewin = fz_pick(in, 4) ? 0 : fz_window(in, MS);
    bad = dwin < 0 || ewin < 0 ? 1 : fz_pick(in, 24) == 0 ? 2 + fz_pick(in, 3) : 0;
    cfg.decoder.window = dwin < 0 ? 0 : dwin; /* (badc has them, for the RANGE checks) */
    cfg.encoder.window = ewin < 0 ? 0 : ewin;
    cfg.src_vocab = Vs;
    cfg.tgt_vocab = Vt;
    cfg.max_src = MS;
    cfg.max_tgt = MT;
    cfg.position = (attn_position)fz_pick(in, 3);
    cfg.embed_scale = fm_scale(in, d);
    cfg.embed_norm = fz_pick(in, 3) == 0;
    good = badc = cfg;
    fm_spoil(in, &badc.decoder.causal, &badc.embed_scale, &badc.position, bad);
    badc.decoder.window = dwin;
    badc.encoder.window = ewin;

    w.src_embed = fm_buf(in, (size_t)Vs * (size_t)d, 0.5f);
    w.tgt_embed = fm_buf(in, (size_t)Vt * (size_t)d, 0.5f);
    if (cfg.position == ATTN_POS_LEARNED) {
        w.src_pos = fm_buf(in, (size_t)MS * (size_t)d, 0.25f);
        w.tgt_pos = fm_buf(in, (size_t)MT * (size_t)d, 0.25f);
    }
    fm_encoder(in, &w.encoder, ew, Le, d, ff);
    fm_decoder(in, &w.decoder, dw, Ld, d, ff);
    w.out_w = fm_buf(in, (size_t)Vt * (size_t)d, 1.0f / (float)d);
    w.out_b = fm_opt(in, (size_t)Vt, 0.25f);
    if (cfg.embed_norm || fz_pick(in, 4) == 0) { /* (unused without embed_norm) */
        w.src_embed_norm_w = fm_opt(in, (size_t)d, 0.25f);
        w.src_embed_norm_b = fm_opt(in, (size_t)d, 0.25f);
        w.tgt_embed_norm_w = fm_opt(in, (size_t)d, 0.25f);
        w.tgt_embed_norm_b = fm_opt(in, (size_t)d, 0.25f);
    }

    /* the cache: the model's lengths, or larger, or rarely smaller */
    cl = MT;
    cm = MS;
    switch (fz_pick(in, 8)) {
    case 0: cl += 1 + fz_pick(in, 2); break;
    case 1: cm += 1 + fz_pick(in, 2); break;
    case 2: if (cl > 1) cl--; break;
    case 3: if (cm > 1) cm--; break;
    default: break;
    }
    Lk = fm_min(cl, MT);
    Mk = fm_min(cm, MS);

    /* the sequences */
    src_len = 1 + fz_pick(in, cm < MS ? cm : MS);
    src = (int *)fz_const((size_t)MS * sizeof(int));
    for (i = 0; i < MS; i++) src[i] = fz_pick(in, Vs);
    bos = fz_pick(in, Vt);
    eos = fz_pick(in, 4) ? fz_pick(in, Vt) : -1;
    max_out = 1 + fz_pick(in, Lk);
    out = (int *)fz_out((size_t)MT * sizeof(int));
    n_out = (int *)fz_out(sizeof(int));
    logits = (float *)fz_out((size_t)Vt * sizeof(float));

    /* queries and macros */
    FZ_STATUS(attn_seq2seq_scratch_f32(&cfg, &q), ATTN_OK);
    FZ_CHECK(q == ATTN_SEQ2SEQ_SCRATCH_F32(MS, MT, d, ff, Vt), "seq2seq query != macro");
    FZ_STATUS(attn_kv_cache_bytes_f32(Ld, d, cl, cm, &qc), ATTN_OK);
    FZ_CHECK(qc == ATTN_KV_CACHE_BYTES_F32(Ld, cl, cm, d), "cache bytes != macro");
    fm_arena(&store, qc);
    FZ_STATUS(attn_kv_cache_init_f32(&cache, Ld, d, cl, cm, &store), ATTN_OK);
    FZ_CHECK(store.used == qc && store.high_water == qc, "cache took other than its bytes");
    need_enc = ATTN_F32_BYTES((size_t)src_len * (size_t)d) + ATTN_ENCODER_SCRATCH_F32(src_len, d, 1, ff);
    need_step = ATTN_F32_BYTES(d) + ATTN_DECODER_STEP_SCRATCH_F32(Lk, Mk, d, ff);
    need_greedy = ATTN__MAXZ(need_enc, need_step + ATTN_F32_BYTES(Vt));
    FZ_CHECK(need_greedy <= q, "a call's need above the query");
    fm_arena(&a, q + (size_t)fz_pick(in, 3) * ATTN_ALIGN);
    fm_arena(&ra, 1u << 16);

    if (bad) { /* ATTN_ERR_RANGE everywhere, nothing written */
        FM_STAGE(1);
        attn_seq2seq_s8_params p8;
        attn_arena qstore, qscr;
        size_t sb;
        int tl = 1, nx;
        int8_t *l8 = (int8_t *)fz_out((size_t)Vt);
        int p8ok;
        FZ_STATUS(attn_seq2seq_encode_f32(&cache, src, src_len, &cfg, &w, &a), ATTN_OK);
        FZ_STATUS(attn_quantize_seq2seq_store_bytes(&cfg, &w, &sb), ATTN_OK);
        fm_arena(&qstore, sb);
        fm_arena(&qscr, 1u << 18);
        p8ok = attn_quantize_seq2seq_s8(&p8, &cfg, &w, src, &src_len, &bos, &tl, 1, &qstore, &qscr) ==
               ATTN_OK;
        cfg = badc;
        FM_REFUSED(attn_seq2seq_scratch_f32(&cfg, &q), ATTN_ERR_RANGE, &a, &cache);
        FM_REFUSED(attn_seq2seq_scratch_s8(&cfg, &q), ATTN_ERR_RANGE, &a, &cache);
        FM_REFUSED(attn_quantize_seq2seq_store_bytes(&cfg, &w, &q), ATTN_ERR_RANGE, &a, &cache);
        FM_REFUSED(attn_seq2seq_encode_f32(&cache, src, src_len, &cfg, &w, &a), ATTN_ERR_RANGE, &a,
                   &cache);
        FM_REFUSED(attn_seq2seq_step_f32(logits, bos, &cache, &cfg, &w, &a), ATTN_ERR_RANGE, &a,
                   &cache);
        FM_REFUSED(attn_seq2seq_greedy_f32(out, n_out, max_out, src, src_len, bos, eos, &cache, &cfg,
                                           &w, &a),
                   ATTN_ERR_RANGE, &a, &cache);
        {
            attn_seq2seq_s8_params p9;
            memset(&p9, 0x5A, sizeof p9);
            FM_REFUSED(attn_quantize_seq2seq_s8(&p9, &cfg, &w, src, &src_len, &bos, &tl, 1, &qstore,
                                                &qscr),
                       ATTN_ERR_RANGE, &qscr, &cache);
        }
        if (p8ok) {
            attn_arena s8store;
            attn_kv_cache c8;
            FZ_STATUS(attn_kv_cache_bytes_s8(Ld, d, cl, cm, &qc), ATTN_OK);
            fm_arena(&s8store, qc);
            FZ_STATUS(attn_kv_cache_init_s8(&c8, Ld, d, cl, cm, &s8store), ATTN_OK);
            /* (int8 tables are NULL for ATTN_POS_NONE: another position
               is first a NULL error) */
            attn_status want8 = bad == 3 && good.position == ATTN_POS_NONE ? ATTN_ERR_NULL : ATTN_ERR_RANGE;
            cfg = good;
            FZ_STATUS(attn_seq2seq_encode_s8(&c8, src, src_len, &cfg, &p8, &ra), ATTN_OK);
            cfg = badc;
            FM_REFUSED(attn_seq2seq_encode_s8(&c8, src, src_len, &cfg, &p8, &a), want8, &a,
                       &c8);
            FM_REFUSED(attn_seq2seq_step_s8(l8, bos, &c8, &cfg, &p8, &a), want8, &a, &c8);
            FM_REFUSED(attn_seq2seq_next_s8(&nx, bos, &c8, &cfg, &p8, &a), want8, &a, &c8);
            FM_REFUSED(attn_seq2seq_greedy_s8(out, n_out, max_out, src, src_len, bos, eos, &c8, &cfg,
                                              &p8, &a),
                       want8, &a, &c8);
        }
        return;
    }

    /* refusals before any memory */
    { /* a cache made for other layers or another width */
        attn_arena ws;
        attn_kv_cache wc;
        size_t wq;
        int wl = fz_pick(in, 2) ? (Ld == 1 ? 2 : 1) : Ld, wd = wl == Ld ? d + 1 : d;
        FZ_STATUS(attn_kv_cache_bytes_f32(wl, wd, cl, cm, &wq), ATTN_OK);
        fm_arena(&ws, wq);
        FZ_STATUS(attn_kv_cache_init_f32(&wc, wl, wd, cl, cm, &ws), ATTN_OK);
        FM_REFUSED(attn_seq2seq_encode_f32(&wc, src, src_len, &cfg, &w, &a), ATTN_ERR_SHAPE, &a, &wc);
        FM_REFUSED(attn_seq2seq_step_f32(logits, bos, &wc, &cfg, &w, &a), ATTN_ERR_SHAPE, &a, &wc);
        FM_REFUSED(attn_seq2seq_greedy_f32(out, n_out, max_out, src, src_len, bos, eos, &wc, &cfg, &w,
                                           &a),
                   ATTN_ERR_SHAPE, &a, &wc);
    }
    FM_REFUSED(attn_seq2seq_step_f32(logits, bos, &cache, &cfg, &w, &a), ATTN_ERR_SHAPE, &a, &cache);
    {
        int *badt = (int *)fz_const((size_t)MS * sizeof(int)), k = fz_pick(in, src_len);
        memcpy(badt, src, (size_t)MS * sizeof(int));
        badt[k] = fm_bad_token(in, Vs);
        FM_REFUSED(attn_seq2seq_encode_f32(&cache, badt, src_len, &cfg, &w, &a), ATTN_ERR_RANGE, &a,
                   &cache);
        FM_REFUSED(attn_seq2seq_greedy_f32(out, n_out, max_out, badt, src_len, bos, eos, &cache, &cfg,
                                           &w, &a),
                   ATTN_ERR_RANGE, &a, &cache);
    }
    FM_REFUSED(attn_seq2seq_encode_f32(&cache, src, fm_bad_len(in, fm_min(MS, cm)), &cfg, &w, &a),
               ATTN_ERR_SHAPE, &a, &cache);
    FM_REFUSED(attn_seq2seq_greedy_f32(out, n_out, max_out, src, fm_bad_len(in, fm_min(MS, cm)), bos,
                                       eos, &cache, &cfg, &w, &a),
               ATTN_ERR_SHAPE, &a, &cache);
    FM_REFUSED(attn_seq2seq_greedy_f32(out, n_out, fm_bad_len(in, Lk), src, src_len, bos, eos,
                                       &cache, &cfg, &w, &a),
               ATTN_ERR_SHAPE, &a, &cache);
    FM_REFUSED(attn_seq2seq_greedy_f32(out, n_out, max_out, src, src_len, fm_bad_token(in, Vt), eos,
                                       &cache, &cfg, &w, &a),
               ATTN_ERR_RANGE, &a, &cache);
    {
        attn_arena sa;
        fm_arena(&sa, need_greedy - ATTN_ALIGN);
        FM_REFUSED(attn_seq2seq_greedy_f32(out, n_out, max_out, src, src_len, bos, eos, &cache, &cfg,
                                           &w, &sa),
                   ATTN_ERR_ARENA, &sa, &cache);
        fm_arena(&sa, need_enc - ATTN_ALIGN);
        FM_REFUSED(attn_seq2seq_encode_f32(&cache, src, src_len, &cfg, &w, &sa), ATTN_ERR_ARENA, &sa,
                   &cache);
    }

    /* greedy, its arena exactly what this call needs (or the query) */
    {
        attn_arena ga;
        fm_arena(&ga, fz_pick(in, 2) ? need_greedy : q);
        fm_peak_from(&ga);
        FZ_STATUS(attn_seq2seq_greedy_f32(out, n_out, max_out, src, src_len, bos, eos, &cache, &cfg,
                                          &w, &ga),
                  ATTN_OK);
        fm_peak_is(&ga, 0, need_greedy, "seq2seq greedy high-water != its need");
    }
    n = *n_out;
    FZ_CHECK(n >= 0 && n <= max_out, "greedy: n_out outside 0..max_out");
    for (i = 0; i < n; i++) FZ_CHECK(out[i] >= 0 && out[i] < Vt && out[i] != eos, "greedy: a bad token");
    ns = n < max_out ? n + 1 : n; /* the steps greedy made */
    if (n < max_out) FM_STAGE(2);
    tgt = (int *)fz_out((size_t)(ns + 1) * sizeof(int));
    tgt[0] = bos;
    for (i = 1; i < ns; i++) tgt[i] = out[i - 1];

    /* the model written out: encoder on the embedded source, decoder on
       the embedded targets, the output linear on each row */
    mem = (float *)fz_out((size_t)src_len * (size_t)d * sizeof(float));
    fm_embed_ref(mem, src, src_len, w.src_embed, cfg.embed_scale, cfg.position, w.src_pos,
                 cfg.embed_norm, w.src_embed_norm_w, w.src_embed_norm_b, cfg.encoder.eps, d);
    FZ_STATUS(attn_encoder_f32(mem, src_len, NULL, &cfg.encoder, &w.encoder, &ra), ATTN_OK);
    rows = (float *)fz_out((size_t)ns * (size_t)d * sizeof(float));
    fm_embed_ref(rows, tgt, ns, w.tgt_embed, cfg.embed_scale, cfg.position, w.tgt_pos,
                 cfg.embed_norm, w.tgt_embed_norm_w, w.tgt_embed_norm_b, cfg.decoder.eps, d);
    FZ_STATUS(attn_decoder_f32(rows, ns, NULL, mem, src_len, NULL, &cfg.decoder, &w.decoder, &ra),
              ATTN_OK);
    ref = (float *)fz_out((size_t)ns * (size_t)Vt * sizeof(float));
    FZ_STATUS(attn_linear_f32(ref, rows, w.out_w, w.out_b, ns, d, Vt), ATTN_OK);
    FZ_CHECK(fz_all_finite(ref, (size_t)ns * (size_t)Vt), "seq2seq: logits not finite");
    for (t = 0; t < ns; t++) {
        int am;
        FZ_STATUS(attn_argmax_f32(&am, ref + (size_t)t * (size_t)Vt, Vt), ATTN_OK);
        FZ_CHECK(am == (t < n ? out[t] : eos), "seq2seq greedy != the argmax of the model's logits");
    }

    /* encode + steps: the same logits, bit for bit */
    fm_peak_from(&a);
    FZ_STATUS(attn_seq2seq_encode_f32(&cache, src, src_len, &cfg, &w, &a), ATTN_OK);
    fm_peak_is(&a, 0, need_enc, "seq2seq encode high-water != its need");
    FZ_CHECK(cache.len == 0 && cache.mem_len == src_len, "encode: cache lengths");
    fm_peak_from(&a);
    for (t = 0; t < ns; t++) {
        FZ_STATUS(attn_seq2seq_step_f32(logits, tgt[t], &cache, &cfg, &w, &a), ATTN_OK);
        FZ_CHECK(memcmp(logits, ref + (size_t)t * (size_t)Vt, (size_t)Vt * sizeof(float)) == 0,
                 "seq2seq step logits != the model written out");
    }
    fm_peak_is(&a, 0, need_step, "seq2seq step high-water != its need");
    FM_REFUSED(attn_seq2seq_step_f32(logits, fm_bad_token(in, Vt), &cache, &cfg, &w, &a),
               ATTN_ERR_RANGE, &a, &cache);
    if (cache.len < Lk) {
        attn_arena sa;
        fm_arena(&sa, need_step - ATTN_ALIGN);
        FM_REFUSED(attn_seq2seq_step_f32(logits, bos, &cache, &cfg, &w, &sa), ATTN_ERR_ARENA, &sa,
                   &cache);
    }
    while (cache.len < Lk) {
        FZ_STATUS(attn_seq2seq_step_f32(logits, fz_pick(in, Vt), &cache, &cfg, &w, &a), ATTN_OK);
        FZ_CHECK(fz_all_finite(logits, (size_t)Vt), "seq2seq: step logits not finite");
    }
    snap = (unsigned char *)fz_out(qc);
    memcpy(snap, store.base, qc);
    FM_REFUSED(attn_seq2seq_step_f32(logits, bos, &cache, &cfg, &w, &a), ATTN_ERR_FULL, &a, &cache);
    FZ_CHECK(memcmp(snap, store.base, qc) == 0, "a full cache's step changed it");

    /* int8 */
    {
        attn_seq2seq_s8_params p, p9;
        attn_arena a8, qstore, qscr, s8store, s8b;
        attn_kv_cache c8, c8b;
        size_t sb, q8, qc8, e8, st8, g8;
        int cal_src[2 * MAXL], cal_tgt[2 * MAXL], cal_sl[2], cal_tl[2], nc, st, nx, k, n8;
        int *out8, *n8p, *nxt;
        int8_t *l8, *l8b, *x8;
        attn_status qs;
        nc = 1 + fz_pick(in, 2);
        memset(cal_src, 0, sizeof cal_src);
        memset(cal_tgt, 0, sizeof cal_tgt);
        memcpy(cal_src, src, (size_t)src_len * sizeof(int));
        cal_sl[0] = src_len;
        cal_tl[0] = fm_min(ns, MT);
        memcpy(cal_tgt, tgt, (size_t)cal_tl[0] * sizeof(int));
        cal_sl[1] = 1 + fz_pick(in, MS);
        cal_tl[1] = 1 + fz_pick(in, MT);
        for (i = 0; i < MS; i++) cal_src[MS + i] = fz_pick(in, Vs);
        for (i = 0; i < MT; i++) cal_tgt[MT + i] = fz_pick(in, Vt);
        FZ_STATUS(attn_quantize_seq2seq_store_bytes(&cfg, &w, &sb), ATTN_OK);
        fm_arena(&qscr, 1u << 18);
        fm_arena(&qstore, sb - 1);
        memset(&p9, 0x5A, sizeof p9);
        p = p9;
        qs = attn_quantize_seq2seq_s8(&p, &cfg, &w, cal_src, cal_sl, cal_tgt, cal_tl, nc, &qstore,
                                      &qscr);
        if (qs == ATTN_ERR_RANGE) { /* a scale no multiplier can express */
            FM_STAGE(4);
            return;
        }
        FZ_STATUS(qs, ATTN_ERR_ARENA);
        FZ_CHECK(memcmp(&p, &p9, sizeof p) == 0, "a refused quantizer wrote *out");
        FZ_CHECK(qstore.used == 0 && qstore.high_water == 0 && qscr.used == 0 && qscr.high_water == 0,
                 "a refused quantizer used an arena");
        fm_arena(&qstore, sb);
        qs = attn_quantize_seq2seq_s8(&p, &cfg, &w, cal_src, cal_sl, cal_tgt, cal_tl, nc, &qstore,
                                      &qscr);
        if (qs == ATTN_ERR_RANGE) { /* (found while calibrating: after the store's check) */
            FZ_CHECK(memcmp(&p, &p9, sizeof p) == 0 && qstore.used == 0 && qstore.high_water == 0,
                     "a refused quantizer wrote *out or kept store");
            return;
        }
        FZ_STATUS(qs, ATTN_OK);
        FM_STAGE(3);
        FZ_CHECK(qstore.used == sb && qstore.high_water == sb, "quantizer store != store_bytes");
        FZ_CHECK(qscr.used == 0, "quantizer scratch not given back");

        FZ_STATUS(attn_seq2seq_scratch_s8(&cfg, &q8), ATTN_OK);
        FZ_CHECK(q8 == ATTN_SEQ2SEQ_SCRATCH_S8(MS, MT, d, ff, Vt), "int8 seq2seq query != macro");
        fm_arena(&a8, q8 + (size_t)fz_pick(in, 3) * ATTN_ALIGN);
        FZ_STATUS(attn_kv_cache_bytes_s8(Ld, d, cl, cm, &qc8), ATTN_OK);
        FZ_CHECK(qc8 == ATTN_KV_CACHE_BYTES_S8(Ld, cl, cm, d), "int8 cache bytes != macro");
        fm_arena(&s8store, qc8);
        FZ_STATUS(attn_kv_cache_init_s8(&c8, Ld, d, cl, cm, &s8store), ATTN_OK);
        FZ_CHECK(s8store.high_water == qc8, "int8 cache took other than its bytes");
        fm_arena(&s8b, qc8);
        FZ_STATUS(attn_kv_cache_init_s8(&c8b, Ld, d, cl, cm, &s8b), ATTN_OK);
        e8 = ATTN_ALIGN_UP((size_t)src_len * (size_t)d) + ATTN_ENCODER_SCRATCH_S8(src_len, d, 1, ff);
        st8 = ATTN_ALIGN_UP(d) + ATTN_DECODER_STEP_SCRATCH_S8(Lk, Mk, d, ff);
        g8 = ATTN__MAXZ(e8, st8 + ATTN_ALIGN_UP(Vt));
        FZ_CHECK(g8 <= q8, "an int8 call's need above the query");

        out8 = (int *)fz_out((size_t)MT * sizeof(int));
        n8p = (int *)fz_out(sizeof(int));
        l8 = (int8_t *)fz_out((size_t)Vt);
        l8b = (int8_t *)fz_out((size_t)Vt * (size_t)(Lk + 1));
        nxt = (int *)fz_out((size_t)(Lk + 1) * sizeof(int));

        FM_REFUSED(attn_seq2seq_step_s8(l8, bos, &c8, &cfg, &p, &a8), ATTN_ERR_SHAPE, &a8, &c8);
        /* a float cache for int8 and an int8 one for float: ATTN_ERR_SHAPE */
        FM_REFUSED(attn_seq2seq_encode_s8(&cache, src, src_len, &cfg, &p, &a8), ATTN_ERR_SHAPE, &a8,
                   &cache);
        FM_REFUSED(attn_seq2seq_greedy_s8(out8, n8p, max_out, src, src_len, bos, eos, &cache, &cfg, &p,
                                          &a8),
                   ATTN_ERR_SHAPE, &a8, &cache);
        FM_REFUSED(attn_seq2seq_encode_f32(&c8, src, src_len, &cfg, &w, &a), ATTN_ERR_SHAPE, &a, &c8);
        {
            attn_arena sa;
            fm_arena(&sa, g8 - ATTN_ALIGN);
            FM_REFUSED(attn_seq2seq_greedy_s8(out8, n8p, max_out, src, src_len, bos, eos, &c8, &cfg, &p,
                                              &sa),
                       ATTN_ERR_ARENA, &sa, &c8);
        }
        FM_REFUSED(attn_seq2seq_greedy_s8(out8, n8p, fm_bad_len(in, Lk), src, src_len, bos, eos, &c8,
                                          &cfg, &p, &a8),
                   ATTN_ERR_SHAPE, &a8, &c8);
        FM_REFUSED(attn_seq2seq_greedy_s8(out8, n8p, max_out, src, src_len, fm_bad_token(in, Vt), eos,
                                          &c8, &cfg, &p, &a8),
                   ATTN_ERR_RANGE, &a8, &c8);
        {
            attn_arena ga;
            fm_arena(&ga, fz_pick(in, 2) ? g8 : q8);
            fm_peak_from(&ga);
            FZ_STATUS(attn_seq2seq_greedy_s8(out8, n8p, max_out, src, src_len, bos, eos, &c8, &cfg, &p,
                                             &ga),
                      ATTN_OK);
            fm_peak_is(&ga, 0, g8, "int8 seq2seq greedy high-water != its need");
        }
        n8 = *n8p;
        FZ_CHECK(n8 >= 0 && n8 <= max_out, "int8 greedy: n_out outside 0..max_out");

        /* encode + next fed back: the same tokens, the same stop */
        fm_peak_from(&a8);
        FZ_STATUS(attn_seq2seq_encode_s8(&c8, src, src_len, &cfg, &p, &a8), ATTN_OK);
        fm_peak_is(&a8, 0, e8, "int8 seq2seq encode high-water != its need");
        /* its memory == the encoder stack's output projected by the decoder */
        x8 = (int8_t *)fz_out((size_t)src_len * (size_t)d);
        fm_embed_ref_s8(x8, src, src_len, p.src_embed, p.src_pos, &p.src_pos_add, cfg.embed_norm,
                        &p.src_embed_norm, d);
        FZ_STATUS(attn_encoder_s8(x8, src_len, NULL, &cfg.encoder, &p.encoder, &ra), ATTN_OK);
        FZ_STATUS(attn_decoder_memory_s8(&c8b, x8, src_len, NULL, &cfg.decoder, &p.decoder), ATTN_OK);
        FZ_CHECK(c8b.mem_len == c8.mem_len && fm_rows_same(c8b.mem_k, c8.mem_k, Ld, cm, src_len, d) &&
                     fm_rows_same(c8b.mem_v, c8.mem_v, Ld, cm, src_len, d),
                 "int8 encode's memory != attn_encoder_s8 + attn_decoder_memory_s8");
        fm_peak_from(&a8);
        k = 0;
        st = bos;
        for (;;) {
            FZ_STATUS(attn_seq2seq_next_s8(&nx, st, &c8, &cfg, &p, &a8), ATTN_OK);
            nxt[c8.len - 1] = nx;
            if (nx == eos) break;
            FZ_CHECK(k < n8 && out8[k] == nx, "int8 greedy != encode + next fed back");
            k++;
            if (k == max_out) break;
            st = nx;
        }
        FZ_CHECK(k == n8, "int8 greedy stopped elsewhere than encode + next fed back");
        fm_peak_is(&a8, 0, st8 + ATTN_ALIGN_UP(Vt), "int8 next high-water != its need");
        /* step_s8 through the same tokens: deterministic, the same cache,
           next's token near the top of its logits */
        ns = c8.len;
        FZ_STATUS(attn_seq2seq_encode_s8(&c8b, src, src_len, &cfg, &p, &a8), ATTN_OK);
        fm_peak_from(&a8);
        for (t = 0; t < ns; t++) {
            int tok = t == 0 ? bos : out8[t - 1];
            FZ_STATUS(attn_seq2seq_step_s8(l8b + (size_t)t * (size_t)Vt, tok, &c8b, &cfg, &p, &a8),
                      ATTN_OK);
            fm_int8_next_near(l8b + (size_t)t * (size_t)Vt, nxt[t], Vt);
        }
        fm_peak_is(&a8, 0, st8, "int8 step high-water != its need");
        { /* the step logits == the full int8 decoder on the embedded rows */
            int8_t *r8 = (int8_t *)fz_out((size_t)ns * (size_t)d), *f8 = (int8_t *)fz_out((size_t)ns * (size_t)Vt);
            int *tk = (int *)fz_out((size_t)ns * sizeof(int));
            for (t = 0; t < ns; t++) tk[t] = t == 0 ? bos : out8[t - 1];
            fm_embed_ref_s8(r8, tk, ns, p.tgt_embed, p.tgt_pos, &p.tgt_pos_add, cfg.embed_norm,
                            &p.tgt_embed_norm, d);
            FZ_STATUS(attn_decoder_s8(r8, ns, NULL, x8, src_len, NULL, &cfg.decoder, &p.decoder, &ra),
                      ATTN_OK);
            FZ_STATUS(attn_linear_s8(f8, r8, &p.out, ns, d, Vt), ATTN_OK);
            FZ_CHECK(memcmp(f8, l8b, (size_t)ns * (size_t)Vt) == 0,
                     "int8 seq2seq step logits != the model written out");
        }
        FZ_CHECK(c8b.len == c8.len && fm_rows_same(c8b.k, c8.k, Ld, cl, ns, d) &&
                     fm_rows_same(c8b.v, c8.v, Ld, cl, ns, d),
                 "int8: step_s8 and next_s8 left different caches");
        FZ_STATUS(attn_seq2seq_encode_s8(&c8b, src, src_len, &cfg, &p, &a8), ATTN_OK);
        for (t = 0; t < ns; t++) {
            FZ_STATUS(attn_seq2seq_step_s8(l8, t == 0 ? bos : out8[t - 1], &c8b, &cfg, &p, &a8), ATTN_OK);
            FZ_CHECK(memcmp(l8, l8b + (size_t)t * (size_t)Vt, (size_t)Vt) == 0,
                     "int8 step logits differ between two runs");
        }
        FM_REFUSED(attn_seq2seq_step_s8(l8, fm_bad_token(in, Vt), &c8b, &cfg, &p, &a8), ATTN_ERR_RANGE,
                   &a8, &c8b);
        FM_REFUSED(attn_seq2seq_next_s8(&nx, fm_bad_token(in, Vt), &c8b, &cfg, &p, &a8), ATTN_ERR_RANGE,
                   &a8, &c8b);
        while (c8b.len < Lk) FZ_STATUS(attn_seq2seq_next_s8(&nx, fz_pick(in, Vt), &c8b, &cfg, &p, &a8), ATTN_OK);
        snap = (unsigned char *)fz_out(qc8);
        memcpy(snap, s8b.base, qc8);
        FM_REFUSED(attn_seq2seq_step_s8(l8, bos, &c8b, &cfg, &p, &a8), ATTN_ERR_FULL, &a8, &c8b);
        FM_REFUSED(attn_seq2seq_next_s8(&nx, bos, &c8b, &cfg, &p, &a8), ATTN_ERR_FULL, &a8, &c8b);
        FZ_CHECK(memcmp(snap, s8b.base, qc8) == 0, "a full int8 cache's step changed it");
        FM_STAGE(5);
    }
}

/* ======================================================================== */
/* decoder-only                                                              */
/* ======================================================================== */

static void fm_lm(fz_in *in)
{
    attn_lm_cfg cfg, badc;
    attn_lm_weights_f32 w;
    attn_encoder_layer_weights_f32 lw[2];
    attn_arena a, store, ra;
    attn_kv_cache cache;
    int dh, H, d, ff, L, V, ML, cl, cm, Lk, P, max_out, eos, n, nr, i, t, win, bad;
    int *prompt, *out, *n_out, *seq;
    float *logits, *ref, *rows;
    size_t q, qc, need_step, need_greedy;
    unsigned char *snap;

    memset(&cfg, 0, sizeof cfg);
    FM_STAGE(6);
    memset(&w, 0, sizeof w);
    dh = 1 + fz_pick(in, 4);
    H = 1 + fz_pick(in, 3);
    d = dh * H;
    ff = 1 + fz_pick(in, 8);
    L = 1 + fz_pick(in, 2);
    V = 1 + fz_pick(in, MAXV);
    ML = 1 + fz_pick(in, MAXL + 2);
    cfg.layers.d_model = d;
    cfg.layers.n_heads = H;
    cfg.layers.d_ff = ff;
    cfg.layers.activation = (attn_activation)fz_pick(in, 3);
    cfg.layers.norm_first = fz_pick(in, 2);
    cfg.layers.eps = fz_pick(in, 2) ? 1e-5f : 1e-3f;
    cfg.layers.causal = 1;
    win = fz_window(in, ML);
    cfg.layers.window = win < 0 ? 0 : win;
    cfg.vocab = V;
    cfg.max_len = ML;
    cfg.position = (attn_position)fz_pick(in, 3);
    cfg.embed_scale = fm_scale(in, d);
    cfg.embed_norm = fz_pick(in, 3) == 0;
    bad = win < 0 ? 1 : fz_pick(in, 24) == 0 ? 2 + fz_pick(in, 3) : 0;
    badc = cfg;
    fm_spoil(in, &badc.layers.causal, &badc.embed_scale, &badc.position, bad);
    badc.layers.window = win;
    w.embed = fm_buf(in, (size_t)V * (size_t)d, 0.5f);
    if (cfg.position == ATTN_POS_LEARNED) w.pos = fm_buf(in, (size_t)ML * (size_t)d, 0.25f);
    fm_encoder(in, &w.layers, lw, L, d, ff);
    w.out_w = fm_buf(in, (size_t)V * (size_t)d, 1.0f / (float)d);
    w.out_b = fm_opt(in, (size_t)V, 0.25f);
    if (cfg.embed_norm || fz_pick(in, 4) == 0) {
        w.embed_norm_w = fm_opt(in, (size_t)d, 0.25f);
        w.embed_norm_b = fm_opt(in, (size_t)d, 0.25f);
    }
    cl = ML;
    switch (fz_pick(in, 6)) {
    case 0: cl += 1 + fz_pick(in, 2); break;
    case 1: if (cl > 1) cl--; break;
    default: break;
    }
    cm = fz_pick(in, 4) ? 0 : 1 + fz_pick(in, 2); /* (not used) */
    Lk = fm_min(cl, ML);
    P = 1 + fz_pick(in, Lk);
    max_out = 1 + fz_pick(in, Lk - P + 1); /* P - 1 + max_out <= Lk */
    prompt = (int *)fz_const((size_t)P * sizeof(int));
    for (i = 0; i < P; i++) prompt[i] = fz_pick(in, V);
    eos = fz_pick(in, 4) ? fz_pick(in, V) : -1;
    out = (int *)fz_out((size_t)ML * sizeof(int));
    n_out = (int *)fz_out(sizeof(int));
    logits = (float *)fz_out((size_t)V * sizeof(float));

    FZ_STATUS(attn_lm_scratch_f32(&cfg, &q), ATTN_OK);
    FZ_CHECK(q == ATTN_LM_SCRATCH_F32(ML, d, ff, V), "lm query != macro");
    FZ_STATUS(attn_kv_cache_bytes_f32(L, d, cl, cm, &qc), ATTN_OK);
    FZ_CHECK(qc == ATTN_KV_CACHE_BYTES_F32(L, cl, cm, d), "cache bytes != macro");
    fm_arena(&store, qc);
    FZ_STATUS(attn_kv_cache_init_f32(&cache, L, d, cl, cm, &store), ATTN_OK);
    need_step = ATTN_F32_BYTES(d) + ATTN_ENCODER_STEP_SCRATCH_F32(Lk, d, ff);
    need_greedy = need_step + ATTN_F32_BYTES(V);
    FZ_CHECK(need_greedy <= q, "a call's need above the query");
    fm_arena(&a, q + (size_t)fz_pick(in, 3) * ATTN_ALIGN);
    fm_arena(&ra, 1u << 16);

    if (bad) {
        FM_STAGE(7);
        attn_lm_s8_params p8;
        attn_arena qstore, qscr;
        size_t sb;
        int nx, p8ok;
        attn_status want8;
        int8_t *l8 = (int8_t *)fz_out((size_t)V);
        FZ_STATUS(attn_quantize_lm_store_bytes(&cfg, &w, &sb), ATTN_OK);
        fm_arena(&qstore, sb);
        fm_arena(&qscr, 1u << 18);
        p8ok = attn_quantize_lm_s8(&p8, &cfg, &w, prompt, &P, 1, &qstore, &qscr) == ATTN_OK;
        want8 = bad == 3 && cfg.position == ATTN_POS_NONE ? ATTN_ERR_NULL : ATTN_ERR_RANGE;
        cfg = badc;
        /* (the LM's scratch queries check the layers' rules - the window -
           but not position, embed_scale or causal, unlike attn_seq2seq_
           scratch_*: those they answer) */
        if (bad == 1) {
            FM_REFUSED(attn_lm_scratch_f32(&cfg, &q), ATTN_ERR_RANGE, &a, &cache);
            FM_REFUSED(attn_lm_scratch_s8(&cfg, &q), ATTN_ERR_RANGE, &a, &cache);
        }
        FM_REFUSED(attn_quantize_lm_store_bytes(&cfg, &w, &q), ATTN_ERR_RANGE, &a, &cache);
        FM_REFUSED(attn_lm_step_f32(logits, prompt[0], &cache, &cfg, &w, &a), ATTN_ERR_RANGE, &a,
                   &cache);
        FM_REFUSED(attn_lm_greedy_f32(out, n_out, max_out, prompt, P, eos, &cache, &cfg, &w, &a),
                   ATTN_ERR_RANGE, &a, &cache);
        {
            attn_lm_s8_params p9;
            memset(&p9, 0x5A, sizeof p9);
            FM_REFUSED(attn_quantize_lm_s8(&p9, &cfg, &w, prompt, &P, 1, &qstore, &qscr),
                       ATTN_ERR_RANGE, &qscr, &cache);
        }
        if (p8ok) {
            attn_arena s8store;
            attn_kv_cache c8;
            FZ_STATUS(attn_kv_cache_bytes_s8(L, d, cl, cm, &qc), ATTN_OK);
            fm_arena(&s8store, qc);
            FZ_STATUS(attn_kv_cache_init_s8(&c8, L, d, cl, cm, &s8store), ATTN_OK);
            FM_REFUSED(attn_lm_step_s8(l8, prompt[0], &c8, &cfg, &p8, &a), want8, &a, &c8);
            FM_REFUSED(attn_lm_next_s8(&nx, prompt[0], &c8, &cfg, &p8, &a), want8, &a, &c8);
            FM_REFUSED(attn_lm_greedy_s8(out, n_out, max_out, prompt, P, eos, &c8, &cfg, &p8, &a),
                       want8, &a, &c8);
        }
        return;
    }

    /* refusals */
    { /* a cache made for other layers or another width */
        attn_arena ws;
        attn_kv_cache wc;
        size_t wq;
        int wl = fz_pick(in, 2) ? (L == 1 ? 2 : 1) : L, wd = wl == L ? d + 1 : d;
        FZ_STATUS(attn_kv_cache_bytes_f32(wl, wd, cl, cm, &wq), ATTN_OK);
        fm_arena(&ws, wq);
        FZ_STATUS(attn_kv_cache_init_f32(&wc, wl, wd, cl, cm, &ws), ATTN_OK);
        FM_REFUSED(attn_lm_step_f32(logits, prompt[0], &wc, &cfg, &w, &a), ATTN_ERR_SHAPE, &a, &wc);
        FM_REFUSED(attn_lm_greedy_f32(out, n_out, max_out, prompt, P, eos, &wc, &cfg, &w, &a),
                   ATTN_ERR_SHAPE, &a, &wc);
    }
    {
        int *badt = (int *)fz_const((size_t)P * sizeof(int));
        memcpy(badt, prompt, (size_t)P * sizeof(int));
        badt[fz_pick(in, P)] = fm_bad_token(in, V);
        FM_REFUSED(attn_lm_greedy_f32(out, n_out, max_out, badt, P, eos, &cache, &cfg, &w, &a),
                   ATTN_ERR_RANGE, &a, &cache);
    }
    FM_REFUSED(attn_lm_step_f32(logits, fm_bad_token(in, V), &cache, &cfg, &w, &a), ATTN_ERR_RANGE,
               &a, &cache);
    FM_REFUSED(attn_lm_greedy_f32(out, n_out, max_out, prompt, fm_bad_len(in, Lk - max_out + 1), eos,
                                  &cache, &cfg, &w, &a),
               ATTN_ERR_SHAPE, &a, &cache);
    FM_REFUSED(attn_lm_greedy_f32(out, n_out, fm_bad_len(in, Lk - P + 1), prompt, P, eos, &cache,
                                  &cfg, &w, &a),
               ATTN_ERR_SHAPE, &a, &cache);
    {
        attn_arena sa;
        fm_arena(&sa, need_greedy - ATTN_ALIGN);
        FM_REFUSED(attn_lm_greedy_f32(out, n_out, max_out, prompt, P, eos, &cache, &cfg, &w, &sa),
                   ATTN_ERR_ARENA, &sa, &cache);
        fm_arena(&sa, need_step - ATTN_ALIGN);
        FM_REFUSED(attn_lm_step_f32(logits, prompt[0], &cache, &cfg, &w, &sa), ATTN_ERR_ARENA, &sa,
                   &cache);
    }

    {
        attn_arena ga;
        fm_arena(&ga, fz_pick(in, 2) ? need_greedy : q);
        fm_peak_from(&ga);
        FZ_STATUS(attn_lm_greedy_f32(out, n_out, max_out, prompt, P, eos, &cache, &cfg, &w, &ga),
                  ATTN_OK);
        fm_peak_is(&ga, 0, need_greedy, "lm greedy high-water != its need");
    }
    n = *n_out;
    FZ_CHECK(n >= 0 && n <= max_out, "lm greedy: n_out outside 0..max_out");
    for (i = 0; i < n; i++) FZ_CHECK(out[i] >= 0 && out[i] < V && out[i] != eos, "lm greedy: a bad token");
    nr = P + (n == max_out ? n - 1 : n); /* the rows greedy stepped */
    if (n < max_out) FM_STAGE(8);
    FZ_CHECK(cache.len == nr, "lm greedy: cache.len != the tokens it stepped");
    seq = (int *)fz_out((size_t)nr * sizeof(int));
    memcpy(seq, prompt, (size_t)P * sizeof(int));
    for (i = P; i < nr; i++) seq[i] = out[i - P];

    /* the model written out: the causal stack on all the rows */
    rows = (float *)fz_out((size_t)nr * (size_t)d * sizeof(float));
    fm_embed_ref(rows, seq, nr, w.embed, cfg.embed_scale, cfg.position, w.pos, cfg.embed_norm,
                 w.embed_norm_w, w.embed_norm_b, cfg.layers.eps, d);
    FZ_STATUS(attn_encoder_f32(rows, nr, NULL, &cfg.layers, &w.layers, &ra), ATTN_OK);
    ref = (float *)fz_out((size_t)nr * (size_t)V * sizeof(float));
    FZ_STATUS(attn_linear_f32(ref, rows, w.out_w, w.out_b, nr, d, V), ATTN_OK);
    FZ_CHECK(fz_all_finite(ref, (size_t)nr * (size_t)V), "lm: logits not finite");
    for (t = P - 1; t < nr; t++) {
        int am;
        FZ_STATUS(attn_argmax_f32(&am, ref + (size_t)t * (size_t)V, V), ATTN_OK);
        FZ_CHECK(am == (t - P + 1 < n ? out[t - P + 1] : eos), "lm greedy != the argmax of the model's logits");
    }

    /* steps: the same logits, bit for bit */
    FZ_STATUS(attn_kv_cache_reset(&cache), ATTN_OK);
    fm_peak_from(&a);
    for (t = 0; t < nr; t++) {
        FZ_STATUS(attn_lm_step_f32(logits, seq[t], &cache, &cfg, &w, &a), ATTN_OK);
        FZ_CHECK(memcmp(logits, ref + (size_t)t * (size_t)V, (size_t)V * sizeof(float)) == 0,
                 "lm step logits != the model written out");
    }
    fm_peak_is(&a, 0, need_step, "lm step high-water != its need");
    while (cache.len < Lk) {
        FZ_STATUS(attn_lm_step_f32(logits, fz_pick(in, V), &cache, &cfg, &w, &a), ATTN_OK);
        FZ_CHECK(fz_all_finite(logits, (size_t)V), "lm: step logits not finite");
    }
    snap = (unsigned char *)fz_out(qc);
    memcpy(snap, store.base, qc);
    FM_REFUSED(attn_lm_step_f32(logits, prompt[0], &cache, &cfg, &w, &a), ATTN_ERR_FULL, &a, &cache);
    FZ_CHECK(memcmp(snap, store.base, qc) == 0, "a full cache's step changed it");
    /* greedy on a full cache: it empties it first */
    FZ_STATUS(attn_lm_greedy_f32(out, n_out, max_out, prompt, P, eos, &cache, &cfg, &w, &a), ATTN_OK);
    FZ_CHECK(*n_out == n && cache.len == nr, "lm greedy from a full cache differs");
    for (i = 0; i < n; i++) FZ_CHECK(i >= nr - P || out[i] == seq[P + i], "lm greedy from a full cache differs");

    /* int8 */
    {
        attn_lm_s8_params p, p9;
        attn_arena a8, qstore, qscr, s8store, s8b;
        attn_kv_cache c8, c8b;
        size_t sb, q8, qc8, st8, g8;
        int cal[2 * (MAXL + 2)], cal_len[2], nc, nx, k, n8, ns;
        int *out8, *n8p, *nxt, *seq8;
        int8_t *l8, *l8b;
        attn_status qs;
        nc = 1 + fz_pick(in, 2);
        memset(cal, 0, sizeof cal);
        memcpy(cal, seq, (size_t)nr * sizeof(int));
        cal_len[0] = nr;
        cal_len[1] = 1 + fz_pick(in, ML);
        for (i = 0; i < ML; i++) cal[ML + i] = fz_pick(in, V);
        FZ_STATUS(attn_quantize_lm_store_bytes(&cfg, &w, &sb), ATTN_OK);
        fm_arena(&qscr, 1u << 18);
        fm_arena(&qstore, sb - 1);
        memset(&p9, 0x5A, sizeof p9);
        p = p9;
        qs = attn_quantize_lm_s8(&p, &cfg, &w, cal, cal_len, nc, &qstore, &qscr);
        if (qs == ATTN_ERR_RANGE) {
            FM_STAGE(10);
            return;
        }
        FZ_STATUS(qs, ATTN_ERR_ARENA);
        FZ_CHECK(memcmp(&p, &p9, sizeof p) == 0, "a refused quantizer wrote *out");
        FZ_CHECK(qstore.used == 0 && qstore.high_water == 0 && qscr.used == 0 && qscr.high_water == 0,
                 "a refused quantizer used an arena");
        fm_arena(&qstore, sb);
        qs = attn_quantize_lm_s8(&p, &cfg, &w, cal, cal_len, nc, &qstore, &qscr);
        if (qs == ATTN_ERR_RANGE) { /* (found while calibrating: after the store's check) */
            FZ_CHECK(memcmp(&p, &p9, sizeof p) == 0 && qstore.used == 0 && qstore.high_water == 0,
                     "a refused quantizer wrote *out or kept store");
            return;
        }
        FZ_STATUS(qs, ATTN_OK);
        FM_STAGE(9);
        FZ_CHECK(qstore.used == sb && qstore.high_water == sb, "quantizer store != store_bytes");
        FZ_CHECK(qscr.used == 0, "quantizer scratch not given back");

        FZ_STATUS(attn_lm_scratch_s8(&cfg, &q8), ATTN_OK);
        FZ_CHECK(q8 == ATTN_LM_SCRATCH_S8(ML, d, ff, V), "int8 lm query != macro");
        fm_arena(&a8, q8 + (size_t)fz_pick(in, 3) * ATTN_ALIGN);
        FZ_STATUS(attn_kv_cache_bytes_s8(L, d, cl, cm, &qc8), ATTN_OK);
        FZ_CHECK(qc8 == ATTN_KV_CACHE_BYTES_S8(L, cl, cm, d), "int8 cache bytes != macro");
        fm_arena(&s8store, qc8);
        FZ_STATUS(attn_kv_cache_init_s8(&c8, L, d, cl, cm, &s8store), ATTN_OK);
        fm_arena(&s8b, qc8);
        FZ_STATUS(attn_kv_cache_init_s8(&c8b, L, d, cl, cm, &s8b), ATTN_OK);
        st8 = ATTN_ALIGN_UP(d) + ATTN_ENCODER_STEP_SCRATCH_S8(Lk, d, ff);
        g8 = st8 + ATTN_ALIGN_UP(V);
        FZ_CHECK(g8 <= q8, "an int8 call's need above the query");
        out8 = (int *)fz_out((size_t)ML * sizeof(int));
        n8p = (int *)fz_out(sizeof(int));
        l8 = (int8_t *)fz_out((size_t)V);
        l8b = (int8_t *)fz_out((size_t)V * (size_t)(Lk + 1));
        nxt = (int *)fz_out((size_t)(Lk + 1) * sizeof(int));
        seq8 = (int *)fz_out((size_t)(Lk + 1) * sizeof(int));
        FM_REFUSED(attn_lm_step_s8(l8, prompt[0], &cache, &cfg, &p, &a8), ATTN_ERR_SHAPE, &a8, &cache);
        FM_REFUSED(attn_lm_greedy_s8(out8, n8p, max_out, prompt, P, eos, &cache, &cfg, &p, &a8),
                   ATTN_ERR_SHAPE, &a8, &cache);
        FM_REFUSED(attn_lm_step_f32(logits, prompt[0], &c8, &cfg, &w, &a), ATTN_ERR_SHAPE, &a, &c8);
        {
            attn_arena sa;
            fm_arena(&sa, g8 - ATTN_ALIGN);
            FM_REFUSED(attn_lm_greedy_s8(out8, n8p, max_out, prompt, P, eos, &c8, &cfg, &p, &sa),
                       ATTN_ERR_ARENA, &sa, &c8);
        }
        FM_REFUSED(attn_lm_greedy_s8(out8, n8p, fm_bad_len(in, Lk - P + 1), prompt, P, eos, &c8, &cfg,
                                     &p, &a8),
                   ATTN_ERR_SHAPE, &a8, &c8);
        {
            attn_arena ga;
            fm_arena(&ga, fz_pick(in, 2) ? g8 : q8);
            fm_peak_from(&ga);
            FZ_STATUS(attn_lm_greedy_s8(out8, n8p, max_out, prompt, P, eos, &c8, &cfg, &p, &ga), ATTN_OK);
            fm_peak_is(&ga, 0, g8, "int8 lm greedy high-water != its need");
        }
        n8 = *n8p;
        FZ_CHECK(n8 >= 0 && n8 <= max_out, "int8 lm greedy: n_out outside 0..max_out");

        /* the prompt through next, then next fed back */
        FZ_STATUS(attn_kv_cache_reset(&c8), ATTN_OK);
        fm_peak_from(&a8);
        for (i = 0; i < P; i++) {
            FZ_STATUS(attn_lm_next_s8(&nx, prompt[i], &c8, &cfg, &p, &a8), ATTN_OK);
            nxt[i] = nx;
            seq8[i] = prompt[i];
        }
        k = 0;
        for (;;) {
            if (nx == eos) break;
            FZ_CHECK(k < n8 && out8[k] == nx, "int8 lm greedy != next fed back");
            k++;
            if (k == max_out) break;
            seq8[c8.len] = nx;
            FZ_STATUS(attn_lm_next_s8(&nx, nx, &c8, &cfg, &p, &a8), ATTN_OK);
            nxt[c8.len - 1] = nx;
        }
        FZ_CHECK(k == n8, "int8 lm greedy stopped elsewhere than next fed back");
        fm_peak_is(&a8, 0, g8, "int8 lm next high-water != its need");
        ns = c8.len;
        fm_peak_from(&a8);
        for (t = 0; t < ns; t++) {
            FZ_STATUS(attn_lm_step_s8(l8b + (size_t)t * (size_t)V, seq8[t], &c8b, &cfg, &p, &a8), ATTN_OK);
            fm_int8_next_near(l8b + (size_t)t * (size_t)V, nxt[t], V);
        }
        fm_peak_is(&a8, 0, st8, "int8 lm step high-water != its need");
        { /* the step logits == the causal int8 stack on the embedded rows */
            int8_t *r8 = (int8_t *)fz_out((size_t)ns * (size_t)d), *f8 = (int8_t *)fz_out((size_t)ns * (size_t)V);
            fm_embed_ref_s8(r8, seq8, ns, p.embed, cfg.position != ATTN_POS_NONE ? p.pos : NULL,
                            &p.pos_add, cfg.embed_norm, &p.embed_norm, d);
            FZ_STATUS(attn_encoder_s8(r8, ns, NULL, &cfg.layers, &p.layers, &ra), ATTN_OK);
            FZ_STATUS(attn_linear_s8(f8, r8, &p.out, ns, d, V), ATTN_OK);
            FZ_CHECK(memcmp(f8, l8b, (size_t)ns * (size_t)V) == 0,
                     "int8 lm step logits != the model written out");
        }
        FZ_CHECK(c8b.len == c8.len && fm_rows_same(c8b.k, c8.k, L, cl, ns, d) &&
                     fm_rows_same(c8b.v, c8.v, L, cl, ns, d),
                 "int8 lm: step_s8 and next_s8 left different caches");
        FZ_STATUS(attn_kv_cache_reset(&c8b), ATTN_OK);
        for (t = 0; t < ns; t++) {
            FZ_STATUS(attn_lm_step_s8(l8, seq8[t], &c8b, &cfg, &p, &a8), ATTN_OK);
            FZ_CHECK(memcmp(l8, l8b + (size_t)t * (size_t)V, (size_t)V) == 0,
                     "int8 lm step logits differ between two runs");
        }
        FM_REFUSED(attn_lm_step_s8(l8, fm_bad_token(in, V), &c8b, &cfg, &p, &a8), ATTN_ERR_RANGE, &a8, &c8b);
        FM_REFUSED(attn_lm_next_s8(&nx, fm_bad_token(in, V), &c8b, &cfg, &p, &a8), ATTN_ERR_RANGE, &a8, &c8b);
        {
            int *badt = (int *)fz_const((size_t)P * sizeof(int));
            memcpy(badt, prompt, (size_t)P * sizeof(int));
            badt[fz_pick(in, P)] = fm_bad_token(in, V);
            FM_REFUSED(attn_lm_greedy_s8(out8, n8p, max_out, badt, P, eos, &c8b, &cfg, &p, &a8),
                       ATTN_ERR_RANGE, &a8, &c8b);
        }
        while (c8b.len < Lk) FZ_STATUS(attn_lm_next_s8(&nx, fz_pick(in, V), &c8b, &cfg, &p, &a8), ATTN_OK);
        snap = (unsigned char *)fz_out(qc8);
        memcpy(snap, s8b.base, qc8);
        FM_REFUSED(attn_lm_step_s8(l8, prompt[0], &c8b, &cfg, &p, &a8), ATTN_ERR_FULL, &a8, &c8b);
        FM_REFUSED(attn_lm_next_s8(&nx, prompt[0], &c8b, &cfg, &p, &a8), ATTN_ERR_FULL, &a8, &c8b);
        FZ_CHECK(memcmp(snap, s8b.base, qc8) == 0, "a full int8 cache's step changed it");
        FM_STAGE(11);
    }
}

#ifdef FM_FRONT
/* The seq2seq source front ends (fuzz_front.c builds this file with
   FM_FRONT): a small model whose source is token ids (with segment ids),
   features through a Linear or an image cut into patches, a CLS row or
   none; checks that
     - the scratch query == ATTN_SEQ2SEQ_SCRATCH_EX_F32, and encode_ex's
       arena peak is within it and given back;
     - encode_ex's memory == the model written with the public blocks
       (the rows by hand, attn_linear_f32, attn_pos_*_f32,
       attn_layernorm_f32, attn_encoder_f32, attn_decoder_memory_f32):
       every step's logits within 1e-4 * max(1, |x|) of the reference's;
     - generate_f32 stops within max_out; refusals write nothing: both
       inputs or neither (ATTN_ERR_NULL), the plain encode on a front end
       (ATTN_ERR_SHAPE), a segment id outside the table (ATTN_ERR_RANGE);
     - int8: attn_quantize_seq2seq_ex_s8 with a store of exactly its
       store_bytes, then encode_ex_s8 twice gives identical caches and
       generate_s8 runs. */
static void fm_front(fz_in *in)
{
    attn_seq2seq_cfg cfg;
    attn_seq2seq_weights_f32 w;
    attn_encoder_layer_weights_f32 ew[2];
    attn_decoder_layer_weights_f32 dw[2];
    attn_arena a, store, sb;
    attn_kv_cache ca, cb;
    int dh, H, d, ff, Vs, Vt, MS, MT, kind, cls, src_len, rows, din = 0, P = 0, C = 0, gh = 0,
        gw = 0, i, t, n = 0, max_out, *src = NULL, *seg = NULL, *out;
    float *in_x = NULL, *R, *la, *lb, *pr;
    size_t q, qc, in_n = 0;

    memset(&cfg, 0, sizeof cfg);
    memset(&w, 0, sizeof w);
    dh = 1 + fz_pick(in, 3);
    H = 1 + fz_pick(in, 3);
    d = dh * H;
    ff = 1 + fz_pick(in, 6);
    Vs = 1 + fz_pick(in, MAXV);
    Vt = 2 + fz_pick(in, MAXV);
    cfg.encoder.d_model = cfg.decoder.d_model = d;
    cfg.encoder.n_heads = cfg.decoder.n_heads = H;
    cfg.encoder.d_ff = cfg.decoder.d_ff = ff;
    cfg.encoder.activation = (attn_activation)fz_pick(in, 3);
    cfg.decoder.activation = (attn_activation)fz_pick(in, 3);
    cfg.encoder.norm_first = fz_pick(in, 2);
    cfg.decoder.norm_first = fz_pick(in, 2);
    cfg.encoder.eps = cfg.decoder.eps = 1e-5f;
    cfg.decoder.causal = 1;
    cfg.position = (attn_position)fz_pick(in, 3);
    cfg.embed_scale = fm_scale(in, d);
    cfg.embed_norm = fz_pick(in, 3) == 0;
    kind = fz_pick(in, 3); /* 0 tokens (+ segments), 1 features, 2 an image */
    cls = fz_pick(in, 2);
    if (kind == 0) {
        src_len = 1 + fz_pick(in, MAXL);
        cfg.src_segments = fz_pick(in, 3);
    } else if (kind == 1) {
        src_len = 1 + fz_pick(in, MAXL);
        din = 1 + fz_pick(in, 6);
    } else {
        P = 1 + fz_pick(in, 2);
        C = 1 + fz_pick(in, 2);
        gh = 1 + fz_pick(in, 2);
        gw = 1 + fz_pick(in, 3);
        src_len = gh * gw;
        din = C * P * P;
        cfg.src_patch = P;
        cfg.src_channels = C;
        cfg.src_image_h = gh * P;
        cfg.src_image_w = gw * P;
    }
    cfg.src_d_in = din;
    cfg.src_cls_token = cls;
    rows = src_len + cls;
    MS = rows + fz_pick(in, 2);
    MT = 1 + fz_pick(in, MAXL);
    cfg.src_vocab = kind == 0 ? Vs : 0;
    cfg.tgt_vocab = Vt;
    cfg.max_src = MS;
    cfg.max_tgt = MT;

    if (kind == 0) w.src_embed = fm_buf(in, (size_t)Vs * (size_t)d, 0.5f);
    else w.src_embed = fz_pick(in, 2) ? fm_buf(in, (size_t)d, 0.5f) : NULL; /* (not read) */
    if (din) {
        w.src_embed_w = fm_buf(in, (size_t)d * (size_t)din, 1.0f / (float)din);
        w.src_embed_b = fm_opt(in, (size_t)d, 0.25f);
    }
    if (cls) w.src_cls_token = fm_buf(in, (size_t)d, 0.5f);
    if (cfg.src_segments) w.src_segment_embed = fm_buf(in, (size_t)cfg.src_segments * (size_t)d, 0.5f);
    w.tgt_embed = fm_buf(in, (size_t)Vt * (size_t)d, 0.5f);
    if (cfg.position == ATTN_POS_LEARNED) {
        w.src_pos = fm_buf(in, (size_t)MS * (size_t)d, 0.25f);
        w.tgt_pos = fm_buf(in, (size_t)MT * (size_t)d, 0.25f);
    }
    fm_encoder(in, &w.encoder, ew, 1 + fz_pick(in, 2), d, ff);
    fm_decoder(in, &w.decoder, dw, 1 + fz_pick(in, 2), d, ff);
    w.out_w = fm_buf(in, (size_t)Vt * (size_t)d, 1.0f / (float)d);
    w.out_b = fm_opt(in, (size_t)Vt, 0.25f);
    if (cfg.embed_norm) {
        w.src_embed_norm_w = fm_opt(in, (size_t)d, 0.25f);
        w.src_embed_norm_b = fm_opt(in, (size_t)d, 0.25f);
    }
    if (kind == 0) {
        src = (int *)fz_const((size_t)MS * sizeof(int));
        seg = (int *)fz_const((size_t)MS * sizeof(int));
        for (i = 0; i < MS; i++) {
            src[i] = fz_pick(in, Vs);
            seg[i] = cfg.src_segments ? fz_pick(in, cfg.src_segments) : 0;
        }
    } else {
        in_n = kind == 1 ? (size_t)src_len * (size_t)din : (size_t)C * (size_t)(gh * P) * (size_t)(gw * P);
        in_x = fm_buf(in, (size_t)MS * (size_t)(din > 0 ? din : 1) + in_n, 1.0f);
    }

    /* the query, the caches, encode_ex */
    FZ_STATUS(attn_seq2seq_scratch_f32(&cfg, &q), ATTN_OK);
    FZ_CHECK(q == ATTN_SEQ2SEQ_SCRATCH_EX_F32(MS, MT, d, ff, Vt, kind == 2 ? din : 0),
             "front query != macro");
    FZ_STATUS(attn_kv_cache_bytes_f32(w.decoder.n_layers, d, MT, MS, &qc), ATTN_OK);
    fm_arena(&store, qc);
    fm_arena(&sb, qc);
    FZ_STATUS(attn_kv_cache_init_f32(&ca, w.decoder.n_layers, d, MT, MS, &store), ATTN_OK);
    FZ_STATUS(attn_kv_cache_init_f32(&cb, w.decoder.n_layers, d, MT, MS, &sb), ATTN_OK);
    fm_arena(&a, q);
    FM_REFUSED(attn_seq2seq_encode_ex_f32(&ca, NULL, NULL, NULL, src_len, &cfg, &w, &a),
               ATTN_ERR_NULL, &a, &ca);
    if (kind == 0) {
        FM_REFUSED(attn_seq2seq_encode_ex_f32(&ca, w.tgt_embed, src, seg, src_len, &cfg, &w, &a),
                   ATTN_ERR_NULL, &a, &ca);
        if (cls || cfg.src_segments)
            FM_REFUSED(attn_seq2seq_encode_f32(&ca, src, src_len, &cfg, &w, &a), ATTN_ERR_SHAPE,
                       &a, &ca);
        if (cfg.src_segments) {
            int *bad = (int *)fz_const((size_t)MS * sizeof(int));
            memcpy(bad, seg, (size_t)MS * sizeof(int));
            bad[fz_pick(in, src_len)] = fz_pick(in, 2) ? cfg.src_segments : -1;
            FM_REFUSED(attn_seq2seq_encode_ex_f32(&ca, NULL, src, bad, src_len, &cfg, &w, &a),
                       ATTN_ERR_RANGE, &a, &ca);
        }
    }
    fm_peak_from(&a);
    FZ_STATUS(attn_seq2seq_encode_ex_f32(&ca, in_x, src, seg, src_len, &cfg, &w, &a), ATTN_OK);
    FZ_CHECK(a.used == 0 && a.high_water <= q, "encode_ex above its query or kept scratch");
    FZ_CHECK(ca.mem_len == rows && ca.len == 0, "encode_ex: memory rows");

    /* the reference: the rows by hand, then the public blocks */
    R = (float *)fz_out((size_t)rows * (size_t)d * sizeof(float));
    if (cls) memcpy(R, w.src_cls_token, (size_t)d * sizeof(float));
    if (kind == 0) {
        for (i = 0; i < src_len; i++) {
            float *r = R + (size_t)(i + cls) * (size_t)d, sc = cfg.embed_scale;
            int c;
            for (c = 0; c < d; c++) {
                float e = w.src_embed[(size_t)src[i] * (size_t)d + (size_t)c];
                r[c] = sc != 0.0f && sc != 1.0f ? e * sc : e;
                if (cfg.src_segments) r[c] += w.src_segment_embed[(size_t)seg[i] * (size_t)d + (size_t)c];
            }
        }
    } else if (kind == 1) {
        FZ_STATUS(attn_linear_f32(R + (size_t)cls * (size_t)d, in_x, w.src_embed_w, w.src_embed_b,
                                  src_len, din, d), ATTN_OK);
    } else {
        pr = (float *)fz_out((size_t)din * sizeof(float));
        for (i = 0; i < src_len; i++) {
            int ch, ky, kx, py = (i / gw) * P, px = (i % gw) * P;
            for (ch = 0; ch < C; ch++)
                for (ky = 0; ky < P; ky++)
                    for (kx = 0; kx < P; kx++)
                        pr[(ch * P + ky) * P + kx] =
                            in_x[((size_t)ch * (size_t)(gh * P) + (size_t)(py + ky)) * (size_t)(gw * P) +
                                 (size_t)(px + kx)];
            FZ_STATUS(attn_linear_f32(R + (size_t)(i + cls) * (size_t)d, pr, w.src_embed_w,
                                      w.src_embed_b, 1, din, d), ATTN_OK);
        }
    }
    if (cfg.position == ATTN_POS_SINUSOIDAL) FZ_STATUS(attn_pos_sinusoidal_f32(R, rows, d), ATTN_OK);
    if (cfg.position == ATTN_POS_LEARNED) FZ_STATUS(attn_pos_learned_f32(R, w.src_pos, rows, d), ATTN_OK);
    if (cfg.embed_norm)
        FZ_STATUS(attn_layernorm_f32(R, R, w.src_embed_norm_w, w.src_embed_norm_b, 1e-5f, rows, d),
                  ATTN_OK);
    {
        attn_arena ra;
        size_t qe;
        FZ_STATUS(attn_encoder_scratch_f32(&cfg.encoder, rows, &qe), ATTN_OK);
        fm_arena(&ra, qe);
        FZ_STATUS(attn_encoder_f32(R, rows, NULL, &cfg.encoder, &w.encoder, &ra), ATTN_OK);
    }
    FZ_STATUS(attn_decoder_memory_f32(&cb, R, rows, NULL, &cfg.decoder, &w.decoder), ATTN_OK);
    la = (float *)fz_out((size_t)Vt * sizeof(float));
    lb = (float *)fz_out((size_t)Vt * sizeof(float));
    for (t = 0; t < MT; t++) {
        int tok = fz_pick(in, Vt), c;
        FZ_STATUS(attn_seq2seq_step_f32(la, tok, &ca, &cfg, &w, &a), ATTN_OK);
        FZ_STATUS(attn_seq2seq_step_f32(lb, tok, &cb, &cfg, &w, &a), ATTN_OK);
        for (c = 0; c < Vt; c++) {
            float m = fabsf(lb[c]) > 1.0f ? fabsf(lb[c]) : 1.0f;
            FZ_CHECK(fabsf(la[c] - lb[c]) <= 1e-4f * m, "front: logits != the public blocks'");
        }
    }
    out = (int *)fz_out((size_t)MT * sizeof(int));
    max_out = 1 + fz_pick(in, MT);
    FZ_STATUS(attn_seq2seq_generate_f32(out, &n, max_out, fz_pick(in, Vt), fz_pick(in, Vt), &ca,
                                        &cfg, &w, &a), ATTN_OK);
    FZ_CHECK(n >= 0 && n <= max_out && a.used == 0, "generate: length or scratch");

    /* int8 */
    if (fz_pick(in, 2)) {
        attn_seq2seq_s8_params p;
        attn_arena qs, qx, a8, s1, s2;
        attn_kv_cache c1, c2;
        size_t sbytes, q8, qc8;
        int nc = 1 + fz_pick(in, 3), *lens = (int *)fz_const((size_t)nc * sizeof(int)), *tl, *tg,
            *csrc = NULL, *cseg = NULL;
        float *cin = NULL;
        attn_status st;
        int8_t *x8 = NULL;
        tl = (int *)fz_const((size_t)nc * sizeof(int));
        tg = (int *)fz_const((size_t)nc * (size_t)MT * sizeof(int));
        for (i = 0; i < nc; i++) {
            lens[i] = kind == 2 ? src_len : 1 + fz_pick(in, src_len);
            tl[i] = 1 + fz_pick(in, MT);
        }
        for (i = 0; i < nc * MT; i++) tg[i] = fz_pick(in, Vt);
        if (kind == 0) {
            csrc = (int *)fz_const((size_t)nc * (size_t)MS * sizeof(int));
            cseg = (int *)fz_const((size_t)nc * (size_t)MS * sizeof(int));
            for (i = 0; i < nc * MS; i++) {
                csrc[i] = fz_pick(in, Vs);
                cseg[i] = cfg.src_segments ? fz_pick(in, cfg.src_segments) : 0;
            }
        } else {
            size_t per = kind == 1 ? (size_t)MS * (size_t)din : in_n;
            cin = fm_buf(in, (size_t)nc * per, 1.0f);
        }
        FZ_STATUS(attn_quantize_seq2seq_store_bytes(&cfg, &w, &sbytes), ATTN_OK);
        fm_arena(&qs, sbytes);
        fm_arena(&qx, (size_t)1 << 16);
        st = attn_quantize_seq2seq_ex_s8(&p, &cfg, &w, cin, csrc, cseg, lens, tg, tl, nc, &qs, &qx);
        if (st == ATTN_ERR_RANGE) return; /* a scale no multiplier can express */
        FZ_STATUS(st, ATTN_OK);
        FZ_CHECK(qs.used == sbytes && qx.used == 0, "ex quantizer: store != store_bytes");
        FZ_STATUS(attn_seq2seq_scratch_s8(&cfg, &q8), ATTN_OK);
        FZ_CHECK(q8 == ATTN_SEQ2SEQ_SCRATCH_EX_S8(MS, MT, d, ff, Vt, kind == 2 ? din : 0),
                 "int8 front query != macro");
        fm_arena(&a8, q8);
        FZ_STATUS(attn_kv_cache_bytes_s8(w.decoder.n_layers, d, MT, MS, &qc8), ATTN_OK);
        fm_arena(&s1, qc8);
        fm_arena(&s2, qc8);
        FZ_STATUS(attn_kv_cache_init_s8(&c1, w.decoder.n_layers, d, MT, MS, &s1), ATTN_OK);
        FZ_STATUS(attn_kv_cache_init_s8(&c2, w.decoder.n_layers, d, MT, MS, &s2), ATTN_OK);
        if (kind != 0) {
            attn_qparams qi;
            qi.scale = p.src_in_scale;
            qi.zero_point = p.src_in_zp;
            x8 = (int8_t *)fz_out(in_n);
            FZ_STATUS(attn_quantize_s8(x8, in_x, (int)in_n, qi), ATTN_OK);
        }
        FZ_STATUS(attn_seq2seq_encode_ex_s8(&c1, x8, src, seg, src_len, &cfg, &p, &a8), ATTN_OK);
        FZ_STATUS(attn_seq2seq_encode_ex_s8(&c2, x8, src, seg, src_len, &cfg, &p, &a8), ATTN_OK);
        FZ_CHECK(memcmp(c1.mem_k, c2.mem_k, (size_t)w.decoder.n_layers * (size_t)MS * (size_t)d) == 0 &&
                     memcmp(c1.mem_v, c2.mem_v, (size_t)w.decoder.n_layers * (size_t)MS * (size_t)d) == 0,
                 "encode_ex_s8 not deterministic");
        FZ_STATUS(attn_seq2seq_generate_s8(out, &n, max_out, fz_pick(in, Vt), -1, &c1, &cfg, &p, &a8),
                  ATTN_OK);
        FZ_CHECK(n == max_out && a8.used == 0, "generate_s8: length (no eos) or scratch");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    (void)fm_seq2seq; /* (the other target's) */
    (void)fm_lm;
    fz_begin(&in, data, size);
    fz_fn = "attn_seq2seq_*_ex / generate";
    fm_front(&in);
    fz_free_all();
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_begin(&in, data, size);
    if (fz_pick(&in, 2)) {
        fz_fn = "attn_seq2seq_*";
        fm_seq2seq(&in);
    } else {
        fz_fn = "attn_lm_*";
        fm_lm(&in);
    }
    fz_free_all();
    return 0;
}
#endif
