/* test_decoder.c - the decoder half (issue 10): decoder layers and stacks,
   the KV cache, encoder-decoder and decoder-only models, float.
     golden    every decoder-side PyTorch case (golden_dec_cases[], from
               tests/golden/gen_golden.py): max |ours - torch| <= 1e-5 *
               max(1, |torch|) per element; attn_mha_f32 with separate
               query, key and value (and out aliasing each of them); the
               decoder cases once more token by token through the cache
               where PyTorch's computation is causal without target
               padding; teacher-forced logits of attn_seq2seq_step_f32 /
               attn_lm_step_f32 at every position and the greedy runs
               (stopping at eos, and at max_out) against PyTorch's loop;
               every call's scratch: query == compile-time macro ==
               high-water mark, the cache's bytes: query == macro == what
               the store's arena grows by.
     stepping  random decoder and causal encoder stacks: token by token
               through the cache equals the full-sequence causal
               computation within 1e-6 relative (head dim 5, memory
               padding, a cache larger than needed, a reused cache); in
               int8 (the stacks quantized), bit for bit.
     int8 tokens  the golden seq2seq / lm models quantized: greedy equals
               steps + attn_argmax_s8 fed back and stops at eos; the int8
               logits' error against PyTorch is printed. The seq2seq cases
               with a source front end (features, image patches, segments,
               a CLS row; issue 11): float through attn_seq2seq_encode_ex_f32
               / generate_f32 as above, the plain calls refusing their cfg;
               int8 quantized by attn_quantize_seq2seq_ex_s8 on random
               samples, teacher-forced logits' cosine >= 0.999 against
               PyTorch, generate_s8 == next_s8 fed back, their bytes in
               "checksum int8-s2s-front" (the same on every build).
     aliasing  attn_mha_f32 / _s8 with out on xq, xk or xv (and all four
               one buffer): the same bytes as into a buffer of its own.
     scratch   grows linearly with the sequence (no seq x seq buffer).
     errors    ATTN_ERR_FULL with nothing changed, a step without memory,
               a cache of the wrong shape, token ids outside the
               vocabulary, greedy's limits.
   Buffers come from the RAM pool (check_plan); a case that does not fit the
   board is listed as left out. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"
#include "golden/golden.h"
#if !defined(ATTN_NO_INT8)
#include "ref_s8.h"
#endif

#define DEC_TOL 1e-5  /* against PyTorch (the issue's figure)               */
#define STEP_TOL 1e-6 /* stepping against the full causal computation       */
#define MAX_L 4       /* layers of a stack in this file                     */
/* bytes an arena gets beyond its query, so that a call taking more than
   its query shows in the high-water mark instead of failing */
#define SLACK 64

/* ---- helpers --------------------------------------------------------------- */

static attn_activation act_of(golden_act a)
{
    return a == GOLDEN_RELU ? ATTN_ACT_RELU : a == GOLDEN_GELU ? ATTN_ACT_GELU : ATTN_ACT_GELU_TANH;
}

static attn_position pos_of(golden_pos p)
{
    return p == GOLDEN_POS_SINUSOIDAL ? ATTN_POS_SINUSOIDAL
           : p == GOLDEN_POS_LEARNED  ? ATTN_POS_LEARNED
                                      : ATTN_POS_NONE;
}

static int bytes_equal(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }

/* the worst error over rows of a case, and its check line */
static void report(const char *what, const char *name, double err, double tol, size_t hw)
{
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
    printf("  %-12s %-52s worst err %s  arena %6lu B\n", what, name, check_e(e1, err, 2),
           (unsigned long)hw);
    check(err <= tol, "decoder golden %s %s: worst error %s within %s", what, name,
          check_e(e1, err, 3), check_e(e2, tol, 0));
}

/* ---- a golden case seen through attention.h's structs ------------------------ */

typedef struct {
    attn_mha_cfg mha;
    attn_encoder_cfg enc; /* the encoder layers (LM: causal)                 */
    attn_decoder_cfg dec;
    attn_mha_weights_f32 mha_w;
    attn_encoder_layer_weights_f32 el[MAX_L];
    attn_decoder_layer_weights_f32 dl[MAX_L];
    attn_encoder_weights_f32 enc_w;
    attn_decoder_weights_f32 dec_w;
    attn_seq2seq_cfg s2s;
    attn_seq2seq_weights_f32 s2s_w;
    attn_lm_cfg lm;
    attn_lm_weights_f32 lm_w;
} dec_view;

static void packed(attn_mha_weights_f32 *w, const float *in_w, const float *in_b,
                   const float *out_w, const float *out_b, int d)
{
    attn_mha_weights_packed_f32(w, in_w, in_b, out_w, out_b, d);
}

static int dec_view_of(dec_view *v, const golden_dec_case *c)
{
    int l, d = c->d_model;
    memset(v, 0, sizeof *v);
    if (c->n_enc_layers > MAX_L || c->n_dec_layers > MAX_L) return 0;
    v->mha.seq_q = c->seq;
    v->mha.seq_kv = c->mem;
    v->mha.d_model = d;
    v->mha.n_heads = c->n_heads;
    v->mha.causal = c->causal;
    v->mha.window = c->window;
    v->enc.d_model = d;
    v->enc.n_heads = c->n_heads;
    v->enc.d_ff = c->d_ff;
    v->enc.activation = act_of(c->activation);
    v->enc.norm_first = c->norm_first;
    v->enc.causal = c->kind == GOLDEN_DEC_LM;
    v->enc.eps = c->eps;
    v->enc.window = c->kind == GOLDEN_DEC_LM ? c->window : 0;
    v->dec = v->enc;
    v->dec.causal = c->causal;
    v->dec.window = c->window;
    if (c->kind == GOLDEN_DEC_MHA) {
        const golden_layer *g = &c->enc_layers[0];
        packed(&v->mha_w, g->in_proj_w, g->in_proj_b, g->out_w, g->out_b, d);
        return 1;
    }
    for (l = 0; l < c->n_enc_layers; l++) {
        const golden_layer *g = &c->enc_layers[l];
        attn_encoder_layer_weights_f32 *w = &v->el[l];
        packed(&w->attn, g->in_proj_w, g->in_proj_b, g->out_w, g->out_b, d);
        w->ff1_w = g->ff1_w; w->ff1_b = g->ff1_b; w->ff2_w = g->ff2_w; w->ff2_b = g->ff2_b;
        w->norm1_w = g->norm1_w; w->norm1_b = g->norm1_b;
        w->norm2_w = g->norm2_w; w->norm2_b = g->norm2_b;
    }
    for (l = 0; l < c->n_dec_layers; l++) {
        const golden_dec_layer *g = &c->dec_layers[l];
        attn_decoder_layer_weights_f32 *w = &v->dl[l];
        packed(&w->self_attn, g->sa_in_w, g->sa_in_b, g->sa_out_w, g->sa_out_b, d);
        packed(&w->cross_attn, g->ca_in_w, g->ca_in_b, g->ca_out_w, g->ca_out_b, d);
        w->ff1_w = g->ff1_w; w->ff1_b = g->ff1_b; w->ff2_w = g->ff2_w; w->ff2_b = g->ff2_b;
        w->norm1_w = g->norm1_w; w->norm1_b = g->norm1_b;
        w->norm2_w = g->norm2_w; w->norm2_b = g->norm2_b;
        w->norm3_w = g->norm3_w; w->norm3_b = g->norm3_b;
    }
    v->enc_w.layers = v->el;
    v->enc_w.n_layers = c->n_enc_layers;
    v->enc_w.final_norm = c->enc_norm_w != NULL;
    v->enc_w.norm_w = c->enc_norm_w;
    v->enc_w.norm_b = c->enc_norm_b;
    v->dec_w.layers = v->dl;
    v->dec_w.n_layers = c->n_dec_layers;
    v->dec_w.final_norm = c->dec_norm_w != NULL;
    v->dec_w.norm_w = c->dec_norm_w;
    v->dec_w.norm_b = c->dec_norm_b;
    v->s2s.encoder = v->enc;
    v->s2s.decoder = v->dec;
    v->s2s.src_vocab = c->src_vocab;
    v->s2s.tgt_vocab = c->tgt_vocab;
    v->s2s.max_src = c->max_src;
    v->s2s.max_tgt = c->max_tgt;
    v->s2s.position = pos_of(c->pos);
    v->s2s.embed_scale = c->embed_scale;
    v->s2s_w.src_embed = c->src_embed;
    v->s2s_w.tgt_embed = c->tgt_embed;
    v->s2s_w.src_pos = c->src_pos;
    v->s2s_w.tgt_pos = c->tgt_pos;
    v->s2s_w.encoder = v->enc_w;
    v->s2s_w.decoder = v->dec_w;
    v->s2s_w.out_w = c->out_w;
    v->s2s_w.out_b = c->out_b;
    v->s2s.embed_norm = c->embed_norm;
    v->s2s_w.src_embed_norm_w = c->src_norm_w;
    v->s2s_w.src_embed_norm_b = c->src_norm_b;
    v->s2s_w.tgt_embed_norm_w = c->tgt_norm_w;
    v->s2s_w.tgt_embed_norm_b = c->tgt_norm_b;
    v->s2s.src_d_in = c->src_d_in;
    v->s2s.src_patch = c->src_patch;
    v->s2s.src_channels = c->src_channels;
    v->s2s.src_image_h = c->src_image_h;
    v->s2s.src_image_w = c->src_image_w;
    v->s2s.src_cls_token = c->src_cls_token;
    v->s2s.src_segments = c->src_segments;
    v->s2s_w.src_embed_w = c->src_embed_w;
    v->s2s_w.src_embed_b = c->src_embed_b;
    v->s2s_w.src_cls_token = c->src_cls;
    v->s2s_w.src_segment_embed = c->src_segment_embed;
    v->lm.layers = v->enc;
    v->lm.vocab = c->tgt_vocab;
    v->lm.max_len = c->max_tgt;
    v->lm.position = pos_of(c->pos);
    v->lm.embed_scale = c->embed_scale;
    v->lm_w.embed = c->tgt_embed;
    v->lm_w.pos = c->tgt_pos;
    v->lm_w.layers = v->enc_w;
    v->lm_w.out_w = c->out_w;
    v->lm_w.out_b = c->out_b;
    v->lm.embed_norm = c->embed_norm;
    v->lm_w.embed_norm_w = c->tgt_norm_w;
    v->lm_w.embed_norm_b = c->tgt_norm_b;
    return 1;
}

/* Nonzero: a SEQ2SEQ case whose source has a front end (features, an
   image, segments or a CLS row: attn_seq2seq_encode_ex_*). */
static int s2s_front(const golden_dec_case *c)
{
    return c->kind == GOLDEN_DEC_SEQ2SEQ &&
           (c->src_d_in != 0 || c->src_patch != 0 || c->src_cls_token != 0 || c->src_segments != 0);
}

/* The cache a case needs: layers, max_len, max_mem (0 layers: none). */
static void cache_shape(const golden_dec_case *c, int *layers, int *max_len, int *max_mem)
{
    *layers = *max_len = *max_mem = 0;
    switch (c->kind) {
    case GOLDEN_DEC_MHA: break;
    case GOLDEN_DEC_LAYER:
    case GOLDEN_DEC_STACK:
    case GOLDEN_DEC_TRANSFORMER:
        *layers = c->n_dec_layers; *max_len = c->seq; *max_mem = c->mem;
        break;
    case GOLDEN_DEC_SEQ2SEQ:
        *layers = c->n_dec_layers; *max_len = c->max_tgt; *max_mem = c->max_src;
        break;
    case GOLDEN_DEC_LM:
        *layers = c->n_enc_layers; *max_len = c->max_tgt; *max_mem = 0;
        break;
    }
}

/* The largest scratch any of the case's calls asks for (the arena gets it
   plus SLACK), or 0 if a query failed. */
static size_t case_arena(const golden_dec_case *c, const dec_view *v)
{
    size_t a = 0, b = 0, e = 0;
    attn_status st = ATTN_OK;
    switch (c->kind) {
    case GOLDEN_DEC_MHA: st = attn_mha_scratch_f32(&v->mha, &a); break;
    case GOLDEN_DEC_LAYER:
        st = attn_decoder_layer_scratch_f32(&v->dec, c->seq, c->mem, &a);
        if (st == ATTN_OK && v->dec.causal)
            st = attn_decoder_step_scratch_f32(&v->dec, c->seq, c->mem, &b);
        break;
    case GOLDEN_DEC_STACK:
    case GOLDEN_DEC_TRANSFORMER:
        st = attn_decoder_scratch_f32(&v->dec, c->seq, c->mem, &a);
        if (st == ATTN_OK && v->dec.causal)
            st = attn_decoder_step_scratch_f32(&v->dec, c->seq, c->mem, &b);
        if (st == ATTN_OK && c->kind == GOLDEN_DEC_TRANSFORMER)
            st = attn_encoder_scratch_f32(&v->enc, c->mem, &e);
        break;
    case GOLDEN_DEC_SEQ2SEQ: st = attn_seq2seq_scratch_f32(&v->s2s, &a); break;
    case GOLDEN_DEC_LM: st = attn_lm_scratch_f32(&v->lm, &a); break;
    }
    if (st != ATTN_OK) return 0;
    if (b > a) a = b;
    if (e > a) a = e;
    return a;
}

/* A cache for the case from `store` (a fresh arena over exactly the
   cache's bytes); checks query == macro == the store's growth. */
static int make_cache(attn_kv_cache *cache, const golden_dec_case *c, unsigned char *mem,
                      size_t bytes, attn_arena *store)
{
    int layers, max_len, max_mem;
    size_t macro;
    attn_status st;
    cache_shape(c, &layers, &max_len, &max_mem);
    macro = ATTN_KV_CACHE_BYTES_F32(layers, max_len, max_mem, c->d_model);
    attn_arena_init(store, mem, bytes);
    st = attn_kv_cache_init_f32(cache, layers, c->d_model, max_len, max_mem, store);
    return check(st == ATTN_OK && bytes == macro && store->used == bytes &&
                     store->high_water == bytes && cache->len == 0 && cache->mem_len == 0 &&
                     cache->max_len == max_len && cache->max_mem == max_mem,
                 "decoder golden %s: cache of %d layers x %d tokens x %d memory rows: %s, "
                 "query %lu == macro %lu == store growth %lu", c->name, layers, max_len, max_mem,
                 attn_status_str(st), (unsigned long)bytes, (unsigned long)macro,
                 (unsigned long)store->high_water);
}

static void scratch_check(const char *what, const char *name, size_t query, size_t macro,
                          const attn_arena *arena)
{
    check(query == macro && macro == arena->high_water && arena->used == 0,
          "decoder golden %s %s: scratch query %lu == macro %lu == high-water %lu, given back",
          what, name, (unsigned long)query, (unsigned long)macro,
          (unsigned long)arena->high_water);
}

/* ---- the golden runs, by kind ------------------------------------------------- */

/* nn.MultiheadAttention(query, key, value); out [max(seq, mem)][d] also
   serves the aliasing runs: out == xq, out == xk, out == xv. */
static void golden_mha(const golden_dec_case *c, const dec_view *v, float *out, attn_arena *arena)
{
    size_t nq = (size_t)c->seq * (size_t)c->d_model, nkv = (size_t)c->mem * (size_t)c->d_model;
    size_t query = 0;
    attn_status st;
    double err;
    int k;
    attn_mha_scratch_f32(&v->mha, &query);
    arena->high_water = 0;
    st = attn_mha_f32(out, c->x, c->mem_x, c->v_x, c->mem_padding, &v->mha, &v->mha_w, arena);
    err = st == ATTN_OK ? check_max_rel_err(out, c->expected, nq) : HUGE_VAL;
    check(st == ATTN_OK, "decoder golden mha %s: %s", c->name, attn_status_str(st));
    report("mha", c->name, err, DEC_TOL, arena->high_water);
    scratch_check("mha", c->name, query, ATTN_MHA_SCRATCH_F32(c->mem, c->d_model), arena);
    /* out may equal xq, xk or xv: the same result */
    for (k = 0; k < 3; k++) {
        static const char *const which[] = {"xq", "xk", "xv"};
        const float *src = k == 0 ? c->x : k == 1 ? c->mem_x : c->v_x;
        memcpy(out, src, (k == 0 ? nq : nkv) * sizeof(float));
        st = attn_mha_f32(out, k == 0 ? out : c->x, k == 1 ? out : c->mem_x,
                          k == 2 ? out : c->v_x, c->mem_padding, &v->mha, &v->mha_w, arena);
        err = st == ATTN_OK ? check_max_rel_err(out, c->expected, nq) : HUGE_VAL;
        check(st == ATTN_OK && err <= DEC_TOL, "decoder golden mha %s: out == %s in place: %s, "
              "worst error within 1e-5", c->name, which[k], attn_status_str(st));
    }
}

/* The decoder token by token through the cache (PyTorch's computation was
   causal, without target padding): each row against PyTorch (DEC_TOL) and
   against the full computation `full` (STEP_TOL). */
static void golden_steps(const golden_dec_case *c, const dec_view *v, const float *memory,
                         const float *full, float *row, attn_kv_cache *cache, attn_arena *arena)
{
    size_t d = (size_t)c->d_model, query = 0, hw = 0;
    double err = 0.0, step_err = 0.0;
    attn_status st;
    int t;
    attn_decoder_step_scratch_f32(&v->dec, c->seq, c->mem, &query);
    st = attn_decoder_memory_f32(cache, memory, c->mem, c->mem_padding, &v->dec, &v->dec_w);
    if (!check(st == ATTN_OK && cache->len == 0 && cache->mem_len == c->mem,
               "decoder golden %s: memory into the cache: %s", c->name, attn_status_str(st)))
        return;
    for (t = 0; t < c->seq && st == ATTN_OK; t++) {
        double e;
        memcpy(row, c->x + (size_t)t * d, d * sizeof(float));
        arena->high_water = 0;
        st = attn_decoder_step_f32(row, cache, &v->dec, &v->dec_w, arena);
        if (arena->high_water > hw) hw = arena->high_water;
        e = check_max_rel_err(row, c->expected + (size_t)t * d, d);
        if (e > err) err = e;
        e = check_max_rel_err(row, full + (size_t)t * d, d);
        if (e > step_err) step_err = e;
    }
    check(st == ATTN_OK && cache->len == c->seq, "decoder golden %s: %d steps: %s, len %d",
          c->name, c->seq, attn_status_str(st), cache->len);
    if (st != ATTN_OK) return;
    report("steps", c->name, err, DEC_TOL, hw);
    {
        char e1[CHECK_E_CHARS];
        check(step_err <= STEP_TOL, "decoder golden %s: steps equal the full computation "
              "within 1e-6 (worst %s)", c->name, check_e(e1, step_err, 2));
    }
    check(query == ATTN_DECODER_STEP_SCRATCH_F32(c->seq, c->mem, c->d_model, c->d_ff) &&
              query == hw && arena->used == 0,
          "decoder golden %s: step scratch query %lu == macro %lu == high-water %lu", c->name,
          (unsigned long)query,
          (unsigned long)ATTN_DECODER_STEP_SCRATCH_F32(c->seq, c->mem, c->d_model, c->d_ff),
          (unsigned long)hw);
}

/* DEC_LAYER, DEC_STACK, DEC_TRANSFORMER: out [seq][d]; mem_out [mem][d] the
   encoder's output (TRANSFORMER); row [d]. */
static void golden_decoder(const golden_dec_case *c, const dec_view *v, float *out,
                           float *mem_out, float *row, unsigned char *store_mem,
                           size_t cache_bytes, attn_arena *arena)
{
    size_t n = (size_t)c->seq * (size_t)c->d_model, query = 0;
    size_t macro = ATTN_DECODER_SCRATCH_F32(c->seq, c->mem, c->d_model, c->d_ff);
    const float *memory = c->mem_x;
    const char *what = c->kind == GOLDEN_DEC_LAYER ? "layer"
                       : c->kind == GOLDEN_DEC_STACK ? "stack" : "transformer";
    attn_status st;
    attn_kv_cache cache;
    attn_arena store;
    if (c->kind == GOLDEN_DEC_TRANSFORMER) { /* the encoder stack first: the memory */
        size_t nm = (size_t)c->mem * (size_t)c->d_model;
        attn_encoder_scratch_f32(&v->enc, c->mem, &query);
        memcpy(mem_out, c->mem_x, nm * sizeof(float));
        arena->high_water = 0;
        st = attn_encoder_f32(mem_out, c->mem, c->mem_padding, &v->enc, &v->enc_w, arena);
        check(st == ATTN_OK, "decoder golden %s: encoder: %s", c->name, attn_status_str(st));
        report("memory", c->name, check_max_rel_err(mem_out, c->expected_mem, nm), DEC_TOL,
               arena->high_water);
        scratch_check("memory", c->name, query,
                      ATTN_ENCODER_SCRATCH_F32(c->mem, c->d_model, c->n_heads, c->d_ff), arena);
        memory = mem_out;
    }
    memcpy(out, c->x, n * sizeof(float));
    arena->high_water = 0;
    if (c->kind == GOLDEN_DEC_LAYER) {
        attn_decoder_layer_scratch_f32(&v->dec, c->seq, c->mem, &query);
        st = attn_decoder_layer_f32(out, c->seq, c->tgt_padding, memory, c->mem, c->mem_padding,
                                    &v->dec, &v->dl[0], arena);
    } else {
        attn_decoder_scratch_f32(&v->dec, c->seq, c->mem, &query);
        st = attn_decoder_f32(out, c->seq, c->tgt_padding, memory, c->mem, c->mem_padding,
                              &v->dec, &v->dec_w, arena);
    }
    check(st == ATTN_OK, "decoder golden %s %s: %s", what, c->name, attn_status_str(st));
    report(what, c->name, st == ATTN_OK ? check_max_rel_err(out, c->expected, n) : HUGE_VAL,
           DEC_TOL, arena->high_water);
    scratch_check(what, c->name, query, macro, arena);
    /* token by token where PyTorch's run was causal without target padding */
    if (st == ATTN_OK && c->causal && c->tgt_padding == NULL &&
        make_cache(&cache, c, store_mem, cache_bytes, &store))
        golden_steps(c, v, memory, out, row, &cache, arena);
}

/* Teacher forcing: logits at every position; then the two greedy runs.
   SEQ2SEQ and LM. */
static void golden_tokens(const golden_dec_case *c, const dec_view *v, float *logits, int *toks,
                          unsigned char *store_mem, size_t cache_bytes, attn_arena *arena)
{
    int lm = c->kind == GOLDEN_DEC_LM, front = s2s_front(c), t, run;
    size_t vocab = (size_t)c->tgt_vocab, query = 0, hw = 0, macro;
    double err = 0.0;
    attn_status st = ATTN_OK;
    attn_kv_cache cache;
    attn_arena store;
    if (lm) attn_lm_scratch_f32(&v->lm, &query);
    else attn_seq2seq_scratch_f32(&v->s2s, &query);
    if (!make_cache(&cache, c, store_mem, cache_bytes, &store)) return;
    arena->high_water = 0;
    if (front) {
        /* the plain calls refuse a front end's cfg, and change nothing */
        static const int zeros[1] = {0};
        const int *any = c->src ? c->src : zeros;
        int n_out = -1;
        toks[0] = -7;
        st = attn_seq2seq_encode_f32(&cache, any, 1, &v->s2s, &v->s2s_w, arena);
        check(st == ATTN_ERR_SHAPE && cache.mem_len == 0 && cache.len == 0,
              "decoder golden %s: the plain attn_seq2seq_encode_f32 of a front end's cfg: %s "
              "(want ATTN_ERR_SHAPE), the cache untouched", c->name, attn_status_str(st));
        st = attn_seq2seq_greedy_f32(toks, &n_out, 1, any, 1, c->bos, c->eos, &cache, &v->s2s,
                                     &v->s2s_w, arena);
        check(st == ATTN_ERR_SHAPE && n_out == -1 && toks[0] == -7 && cache.mem_len == 0,
              "decoder golden %s: the plain attn_seq2seq_greedy_f32 of a front end's cfg: %s "
              "(want ATTN_ERR_SHAPE), nothing written", c->name, attn_status_str(st));
        arena->high_water = 0;
        st = attn_seq2seq_encode_ex_f32(&cache, c->src_input, c->src_input ? NULL : c->src,
                                        c->src_seg, c->mem, &v->s2s, &v->s2s_w, arena);
        check(st == ATTN_OK && cache.len == 0 && cache.mem_len == c->mem + c->src_cls_token,
              "decoder golden %s: encode_ex (%s): %s, len %d, mem_len %d (want %d)", c->name,
              c->src_patch ? "an image" : c->src_d_in ? "features" : c->src_segments
                  ? "tokens and segments" : "tokens", attn_status_str(st), cache.len,
              cache.mem_len, c->mem + c->src_cls_token);
        hw = arena->high_water;
        if (st == ATTN_OK) { /* encode_ex needs its high-water mark exactly: in an arena of
                                that many bytes it runs, in one less it refuses */
            attn_arena exact;
            attn_status st1, st2;
            int mem_len = cache.mem_len;
            attn_arena_init(&exact, arena->base, hw);
            st1 = attn_seq2seq_encode_ex_f32(&cache, c->src_input, c->src_input ? NULL : c->src,
                                             c->src_seg, c->mem, &v->s2s, &v->s2s_w, &exact);
            attn_kv_cache_reset(&cache);
            attn_arena_init(&exact, arena->base, hw - 1);
            st2 = attn_seq2seq_encode_ex_f32(&cache, c->src_input, c->src_input ? NULL : c->src,
                                             c->src_seg, c->mem, &v->s2s, &v->s2s_w, &exact);
            check(st1 == ATTN_OK && st2 == ATTN_ERR_ARENA && cache.mem_len == 0,
                  "decoder golden %s: encode_ex in an arena of its high-water mark %lu B: %s; "
                  "of %lu B: %s (want ATTN_ERR_ARENA), the cache untouched", c->name,
                  (unsigned long)hw, attn_status_str(st1), (unsigned long)(hw - 1),
                  attn_status_str(st2));
            st = attn_seq2seq_encode_ex_f32(&cache, c->src_input, c->src_input ? NULL : c->src,
                                            c->src_seg, c->mem, &v->s2s, &v->s2s_w, arena);
            check(st == ATTN_OK && cache.mem_len == mem_len, "decoder golden %s: encode_ex "
                  "again: %s", c->name, attn_status_str(st));
        }
    } else if (!lm) {
        st = attn_seq2seq_encode_f32(&cache, c->src, c->mem, &v->s2s, &v->s2s_w, arena);
        check(st == ATTN_OK && cache.len == 0 && cache.mem_len == c->mem,
              "decoder golden %s: encode: %s, len %d, mem_len %d", c->name, attn_status_str(st),
              cache.len, cache.mem_len);
        hw = arena->high_water;
    }
    for (t = 0; t < c->seq && st == ATTN_OK; t++) {
        double e;
        arena->high_water = 0;
        st = lm ? attn_lm_step_f32(logits, c->tgt[t], &cache, &v->lm, &v->lm_w, arena)
                : attn_seq2seq_step_f32(logits, c->tgt[t], &cache, &v->s2s, &v->s2s_w, arena);
        if (arena->high_water > hw) hw = arena->high_water;
        e = check_max_rel_err(logits, c->expected + (size_t)t * vocab, vocab);
        if (e > err) err = e;
    }
    check(st == ATTN_OK && cache.len == c->seq, "decoder golden %s: %d steps: %s, len %d",
          c->name, c->seq, attn_status_str(st), cache.len);
    report(lm ? "lm logits" : front ? "front logits" : "s2s logits", c->name, st == ATTN_OK ? err : HUGE_VAL, DEC_TOL, hw);
    /* greedy: with eos (stops at n_eos, eos not stored), with one never made
       (stops at max_out); each run uses the scratch query at most */
    for (run = 0; run < 2; run++) {
        int eos = run == 0 ? c->eos : c->eos_never, want = run == 0 ? c->n_eos : c->max_out;
        int n_out = -1, i, same = 1;
        arena->high_water = 0;
        if (lm) {
            attn_kv_cache_reset(&cache);
            st = attn_lm_greedy_f32(toks, &n_out, c->max_out, c->tgt, c->prompt_len, eos, &cache,
                                    &v->lm, &v->lm_w, arena);
        } else if (front) { /* a fresh encode, then generate from the cache */
            attn_kv_cache_reset(&cache);
            st = attn_seq2seq_encode_ex_f32(&cache, c->src_input, c->src_input ? NULL : c->src,
                                            c->src_seg, c->mem, &v->s2s, &v->s2s_w, arena);
            if (st == ATTN_OK)
                st = attn_seq2seq_generate_f32(toks, &n_out, c->max_out, c->bos, eos, &cache,
                                               &v->s2s, &v->s2s_w, arena);
        } else {
            st = attn_seq2seq_greedy_f32(toks, &n_out, c->max_out, c->src, c->mem, c->bos, eos,
                                         &cache, &v->s2s, &v->s2s_w, arena);
        }
        if (arena->high_water > hw) hw = arena->high_water;
        for (i = 0; st == ATTN_OK && i < n_out && i < c->max_out; i++)
            if (toks[i] != c->greedy[i]) same = 0;
        check(st == ATTN_OK && n_out == want && same,
              "decoder golden %s: greedy with eos %d (%s): %s, %d tokens (want %d), %s", c->name,
              eos, run == 0 ? "stops at it" : "never made: max_out", attn_status_str(st), n_out,
              want, same ? "PyTorch's tokens" : "tokens differ from PyTorch's");
    }
    /* a plain token source through encode_ex and generate too (any cfg
       works there): PyTorch's greedy run to max_out */
    if (!lm && !front) {
        int n_out = -1, i, same = 1;
        attn_kv_cache_reset(&cache);
        arena->high_water = 0;
        st = attn_seq2seq_encode_ex_f32(&cache, NULL, c->src, NULL, c->mem, &v->s2s, &v->s2s_w,
                                        arena);
        if (st == ATTN_OK)
            st = attn_seq2seq_generate_f32(toks, &n_out, c->max_out, c->bos, c->eos_never,
                                           &cache, &v->s2s, &v->s2s_w, arena);
        if (arena->high_water > hw) hw = arena->high_water;
        for (i = 0; st == ATTN_OK && i < n_out && i < c->max_out; i++)
            if (toks[i] != c->greedy[i]) same = 0;
        check(st == ATTN_OK && n_out == c->max_out && same && cache.mem_len == c->mem,
              "decoder golden %s: the plain source through encode_ex and generate: %s, %d "
              "tokens (want %d), %s", c->name, attn_status_str(st), n_out, c->max_out,
              same ? "PyTorch's" : "tokens differ from PyTorch's");
    }
    /* the query is for the longest source and target (the cache's): the
       case's runs may need less (test_cache_errors measures it at the full
       lengths) */
    macro = lm ? ATTN_LM_SCRATCH_F32(c->max_tgt, c->d_model, c->d_ff, c->tgt_vocab)
          : front ? ATTN_SEQ2SEQ_SCRATCH_EX_F32(c->max_src, c->max_tgt, c->d_model, c->d_ff,
                                                c->tgt_vocab, c->src_patch ? c->src_d_in : 0)
                  : ATTN_SEQ2SEQ_SCRATCH_F32(c->max_src, c->max_tgt, c->d_model, c->d_ff,
                                             c->tgt_vocab);
    check(query == macro && hw <= query && arena->used == 0,
          "decoder golden %s: scratch query %lu == macro %lu >= high-water %lu over encode, "
          "steps and greedy", c->name, (unsigned long)query, (unsigned long)macro,
          (unsigned long)hw);
}

static void test_decoder_golden(void)
{
    const golden_dec_case *cases = golden_dec_table();
    const golden_left_out_entry *left = golden_dec_left_out_table();
    size_t i;
    int n = 0;
    for (i = 0; cases[i].name != NULL; i++) n++;
    for (i = 0; left[i].name != NULL; i++) n++;
    printf("decoder golden: %d PyTorch cases, tolerance 1e-05 * max(1, |ref|)\n", n);
    for (i = 0; left[i].name != NULL; i++)
        check_left_out("decoder golden %s: its data takes %lu B of flash, "
                       "GOLDEN_DEC_FLASH_LIMIT is %lu B", left[i].name, left[i].data_bytes,
                       (unsigned long)GOLDEN_DEC_FLASH_LIMIT);
    for (i = 0; cases[i].name != NULL; i++) {
        const golden_dec_case *c = &cases[i];
        size_t d = (size_t)c->d_model, n_out, n_mem = 0, n_tok = 0, scratch, cache_bytes = 0;
        int layers, max_len, max_mem;
        dec_view *v;
        float *out = NULL, *mem_out = NULL, *row = NULL;
        int *toks = NULL;
        unsigned char *store_mem = NULL, *arena_mem = NULL;
        attn_arena arena;
        /* the view lives in the pool (the micro:bit has little .bss to spare):
           first for the queries, then as the first block of the plan */
        check_pool_reset();
        v = (dec_view *)check_take(sizeof *v);
        if (!v || !dec_view_of(v, c)) {
            check(v != NULL, "decoder golden %s: room for the view", c->name);
            continue;
        }
        scratch = case_arena(c, v);
        if (!check(scratch > 0, "decoder golden %s: scratch queries", c->name)) continue;
        cache_shape(c, &layers, &max_len, &max_mem);
        if (layers > 0 &&
            !check(attn_kv_cache_bytes_f32(layers, c->d_model, max_len, max_mem, &cache_bytes) ==
                       ATTN_OK, "decoder golden %s: cache bytes query", c->name))
            continue;
        switch (c->kind) {
        case GOLDEN_DEC_MHA: n_out = (size_t)(c->seq > c->mem ? c->seq : c->mem) * d; break;
        case GOLDEN_DEC_SEQ2SEQ:
        case GOLDEN_DEC_LM: n_out = (size_t)c->tgt_vocab; n_tok = (size_t)c->max_out; break;
        default:
            n_out = (size_t)c->seq * d;
            if (c->kind == GOLDEN_DEC_TRANSFORMER) n_mem = (size_t)c->mem * d;
        }
        while (check_plan("decoder golden %s", c->name)) {
            dec_view *vv = (dec_view *)check_plan_take(sizeof *v);
            if (vv) v = vv; /* the same block as before: the pool starts over */
            out = (float *)check_plan_take(n_out * sizeof(float));
            mem_out = (float *)check_plan_take(n_mem * sizeof(float));
            row = (float *)check_plan_take(d * sizeof(float));
            toks = (int *)check_plan_take(n_tok * sizeof(int));
            store_mem = (unsigned char *)check_plan_take(cache_bytes);
            arena_mem = (unsigned char *)check_plan_take(scratch + SLACK);
        }
        if (!check_planned()) continue;
        if (!dec_view_of(v, c)) continue;
        attn_arena_init(&arena, arena_mem, scratch + SLACK);
        switch (c->kind) {
        case GOLDEN_DEC_MHA: golden_mha(c, v, out, &arena); break;
        case GOLDEN_DEC_LAYER:
        case GOLDEN_DEC_STACK:
        case GOLDEN_DEC_TRANSFORMER:
            golden_decoder(c, v, out, mem_out, row, store_mem, cache_bytes, &arena);
            break;
        case GOLDEN_DEC_SEQ2SEQ:
        case GOLDEN_DEC_LM:
            golden_tokens(c, v, out, toks, store_mem, cache_bytes, &arena);
            break;
        }
    }
}

/* ---- stepping == the full computation, random stacks ------------------------- */

/* Floats of one random decoder layer (separate, unpacked projections) and of
   one encoder layer. */
static size_t dec_layer_floats(int d, int ff)
{
    size_t D = (size_t)d, F = (size_t)ff;
    return 2 * (4 * D * D + 4 * D) + 2 * F * D + F + D + 6 * D;
}

static size_t enc_layer_floats(int d, int ff)
{
    size_t D = (size_t)d, F = (size_t)ff;
    return 4 * D * D + 4 * D + 2 * F * D + F + D + 4 * D;
}

static const float *take_w(float **p, size_t n)
{
    const float *r = *p;
    *p += n;
    return r;
}

static void random_mha_w(attn_mha_weights_f32 *w, float **p, int d)
{
    size_t dd = (size_t)d * (size_t)d, D = (size_t)d;
    w->wq = take_w(p, dd); w->wk = take_w(p, dd); w->wv = take_w(p, dd); w->wo = take_w(p, dd);
    w->bq = take_w(p, D); w->bk = take_w(p, D); w->bv = take_w(p, D); w->bo = take_w(p, D);
}

/* Points L layers into buf (already random) and fills gammas near 1. */
static void random_decoder(attn_decoder_weights_f32 *w, attn_decoder_layer_weights_f32 *layers,
                           float *buf, int n_layers, int d, int ff)
{
    float *p = buf;
    size_t D = (size_t)d, F = (size_t)ff;
    int l;
    for (l = 0; l < n_layers; l++) {
        attn_decoder_layer_weights_f32 *L = &layers[l];
        random_mha_w(&L->self_attn, &p, d);
        random_mha_w(&L->cross_attn, &p, d);
        L->ff1_w = take_w(&p, F * D); L->ff1_b = take_w(&p, F);
        L->ff2_w = take_w(&p, D * F); L->ff2_b = take_w(&p, D);
        check_fill(p, 3 * D, 0.5f, 1.5f);
        L->norm1_w = take_w(&p, D); L->norm2_w = take_w(&p, D); L->norm3_w = take_w(&p, D);
        L->norm1_b = take_w(&p, D); L->norm2_b = take_w(&p, D); L->norm3_b = take_w(&p, D);
    }
    w->layers = layers;
    w->n_layers = n_layers;
    w->final_norm = 1;
    check_fill(p, D, 0.5f, 1.5f);
    w->norm_w = take_w(&p, D);
    w->norm_b = take_w(&p, D);
}

static void random_encoder(attn_encoder_weights_f32 *w, attn_encoder_layer_weights_f32 *layers,
                           float *buf, int n_layers, int d, int ff)
{
    float *p = buf;
    size_t D = (size_t)d, F = (size_t)ff;
    int l;
    for (l = 0; l < n_layers; l++) {
        attn_encoder_layer_weights_f32 *L = &layers[l];
        random_mha_w(&L->attn, &p, d);
        L->ff1_w = take_w(&p, F * D); L->ff1_b = take_w(&p, F);
        L->ff2_w = take_w(&p, D * F); L->ff2_b = take_w(&p, D);
        check_fill(p, 2 * D, 0.5f, 1.5f);
        L->norm1_w = take_w(&p, D); L->norm2_w = take_w(&p, D);
        L->norm1_b = take_w(&p, D); L->norm2_b = take_w(&p, D);
    }
    w->layers = layers;
    w->n_layers = n_layers;
    w->final_norm = 1;
    check_fill(p, D, 0.5f, 1.5f);
    w->norm_w = take_w(&p, D);
    w->norm_b = take_w(&p, D);
}

typedef struct {
    int d, heads, ff, layers, seq, mem, max_len, max_mem;
    attn_activation act;
    int norm_first;
    int pad; /* memory padding: 0 none, 1 the last two rows, 2 rows 0 and 2, 3 all */
    int window; /* the self-attention's (0: none) */
} step_case;

static void fill_padding(unsigned char *p, int n, int kind)
{
    int i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(kind == 3 || (kind == 1 && i >= n - 2) ||
                               (kind == 2 && (i == 0 || i == 2)));
}

static attn_encoder_cfg step_cfg(const step_case *s)
{
    attn_encoder_cfg c = {0};
    c.d_model = s->d; c.n_heads = s->heads; c.d_ff = s->ff; c.activation = s->act;
    c.norm_first = s->norm_first; c.causal = 1; c.eps = 1e-5f; c.window = s->window;
    return c;
}

/* worst relative error over the steps, and whether every row was the same bits */
typedef struct {
    double err;
    int identical;
    size_t step_hw;
} step_result;

/* Steps the rows of x [seq][d] one at a time through the decoder dw (or,
   NULL, the causal encoder ew) and compares each with full's. */
static attn_status run_steps(step_result *r, const float *x, const float *full, float *row,
                             int seq, int d, attn_kv_cache *cache, const attn_encoder_cfg *cfg,
                             const attn_decoder_weights_f32 *dw,
                             const attn_encoder_weights_f32 *ew, attn_arena *arena)
{
    size_t D = (size_t)d;
    attn_status st = ATTN_OK;
    int t;
    for (t = 0; t < seq && st == ATTN_OK; t++) {
        double e;
        memcpy(row, x + (size_t)t * D, D * sizeof(float));
        arena->high_water = arena->used;
        st = dw ? attn_decoder_step_f32(row, cache, cfg, dw, arena)
                : attn_encoder_step_f32(row, cache, cfg, ew, arena);
        if (arena->high_water > r->step_hw) r->step_hw = arena->high_water;
        e = check_max_rel_err(row, full + (size_t)t * D, D);
        if (e > r->err) r->err = e;
        if (!bytes_equal(row, full + (size_t)t * D, D * sizeof(float))) r->identical = 0;
        if (st == ATTN_OK && cache->len != t + 1) st = ATTN_ERR_RANGE;
    }
    return st;
}

static void test_stepping(void)
{
    static const step_case cases[] = {
        /* d, heads, ff, layers, seq, mem, max_len, max_mem, act, norm_first, pad, window */
        {10, 2, 16, 2, 7, 5, 7, 5, ATTN_ACT_RELU, 0, 1, 0},       /* head dim 5 */
        {15, 3, 20, 1, 1, 1, 1, 1, ATTN_ACT_GELU, 1, 0, 0},       /* one token, one row */
        {12, 4, 8, 3, 9, 6, 12, 8, ATTN_ACT_GELU_TANH, 1, 2, 0},  /* a larger cache */
        {20, 4, 24, 2, 6, 4, 6, 4, ATTN_ACT_GELU, 0, 3, 0},       /* every memory row padded */
        {8, 1, 8, 2, 5, 3, 5, 3, ATTN_ACT_RELU, 1, 0, 0},         /* one head */
        {4, 2, 4, 2, 4, 3, 5, 3, ATTN_ACT_GELU, 0, 1, 0},         /* small: fits the micro:bit */
        {10, 2, 16, 2, 9, 5, 9, 5, ATTN_ACT_RELU, 1, 1, 2},    /* windowed self-attention */
        {12, 4, 8, 2, 8, 6, 10, 8, ATTN_ACT_GELU, 0, 0, 1},    /* window 1 */
    };
    size_t t;
    printf("stepping through the KV cache == the full causal computation (1e-6)\n");
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const step_case *s = &cases[t];
        attn_encoder_cfg cfg = step_cfg(s);
        size_t D = (size_t)s->d, nx = (size_t)s->seq * D, nm = (size_t)s->mem * D;
        size_t nw_dec = dec_layer_floats(s->d, s->ff) * (size_t)s->layers + 2 * D;
        size_t nw_enc = enc_layer_floats(s->d, s->ff) * (size_t)s->layers + 2 * D;
        size_t q_full = 0, q_step = 0, q_efull = 0, q_estep = 0, q, c_dec = 0, c_enc = 0;
        float *x = NULL, *memory = NULL, *full = NULL, *row = NULL, *wd = NULL, *we = NULL;
        unsigned char *pad = NULL, *store_mem = NULL, *arena_mem = NULL;
        attn_decoder_layer_weights_f32 dl[MAX_L];
        attn_encoder_layer_weights_f32 el[MAX_L];
        attn_decoder_weights_f32 dw;
        attn_encoder_weights_f32 ew;
        attn_kv_cache cache;
        attn_arena arena, store;
        attn_status st;
        step_result r;
        char e1[CHECK_E_CHARS];
        if (!check(attn_decoder_scratch_f32(&cfg, s->seq, s->mem, &q_full) == ATTN_OK &&
                       attn_decoder_step_scratch_f32(&cfg, s->max_len, s->max_mem, &q_step) ==
                           ATTN_OK &&
                       attn_encoder_scratch_f32(&cfg, s->seq, &q_efull) == ATTN_OK &&
                       attn_encoder_step_scratch_f32(&cfg, s->max_len, &q_estep) == ATTN_OK &&
                       attn_kv_cache_bytes_f32(s->layers, s->d, s->max_len, s->max_mem, &c_dec) ==
                           ATTN_OK &&
                       attn_kv_cache_bytes_f32(s->layers, s->d, s->max_len, 0, &c_enc) == ATTN_OK,
                   "stepping case %d: the queries", (int)t))
            continue;
        q = q_full;
        if (q_step > q) q = q_step;
        if (q_efull > q) q = q_efull;
        if (q_estep > q) q = q_estep;
        while (check_plan("stepping case %d (d %d, %d layers, seq %d)", (int)t, s->d, s->layers,
                          s->seq)) {
            x = (float *)check_plan_take(nx * sizeof(float));
            memory = (float *)check_plan_take(nm * sizeof(float));
            full = (float *)check_plan_take(nx * sizeof(float));
            row = (float *)check_plan_take(D * sizeof(float));
            wd = (float *)check_plan_take(nw_dec * sizeof(float));
            we = (float *)check_plan_take(nw_enc * sizeof(float));
            pad = (unsigned char *)check_plan_take((size_t)s->mem);
            store_mem = (unsigned char *)check_plan_take(c_dec > c_enc ? c_dec : c_enc);
            arena_mem = (unsigned char *)check_plan_take(q + SLACK);
        }
        if (!check_planned()) continue;
        check_seed(300u + (unsigned)t);
        check_fill(x, nx, -1.0f, 1.0f);
        check_fill(memory, nm, -1.0f, 1.0f);
        check_fill(wd, nw_dec, -0.4f, 0.4f);
        check_fill(we, nw_enc, -0.4f, 0.4f);
        fill_padding(pad, s->mem, s->pad);
        random_decoder(&dw, dl, wd, s->layers, s->d, s->ff);
        random_encoder(&ew, el, we, s->layers, s->d, s->ff);
        attn_arena_init(&arena, arena_mem, q + SLACK);

        /* decoder: the full causal computation, then token by token */
        memcpy(full, x, nx * sizeof(float));
        st = attn_decoder_f32(full, s->seq, NULL, memory, s->mem, pad, &cfg, &dw, &arena);
        check(st == ATTN_OK && q_full == ATTN_DECODER_SCRATCH_F32(s->seq, s->mem, s->d, s->ff) &&
                  q_full == arena.high_water && arena.used == 0,
              "stepping case %d: decoder stack %s, scratch query %lu == macro == high-water %lu",
              (int)t, attn_status_str(st), (unsigned long)q_full, (unsigned long)arena.high_water);
        attn_arena_init(&store, store_mem, c_dec);
        st = attn_kv_cache_init_f32(&cache, s->layers, s->d, s->max_len, s->max_mem, &store);
        check(st == ATTN_OK &&
                  c_dec == ATTN_KV_CACHE_BYTES_F32(s->layers, s->max_len, s->max_mem, s->d) &&
                  store.used == c_dec && store.high_water == c_dec,
              "stepping case %d: decoder cache %s, bytes query %lu == macro == store growth %lu",
              (int)t, attn_status_str(st), (unsigned long)c_dec, (unsigned long)store.used);
        if (st == ATTN_OK)
            st = attn_decoder_memory_f32(&cache, memory, s->mem, pad, &cfg, &dw);
        memset(&r, 0, sizeof r);
        r.identical = 1;
        if (st == ATTN_OK)
            st = run_steps(&r, x, full, row, s->seq, s->d, &cache, &cfg, &dw, NULL, &arena);
        check(st == ATTN_OK && r.err <= STEP_TOL,
              "stepping case %d: decoder d %d heads %d, %d layers, %d tokens, %d memory rows "
              "(pad %d): %s, worst %s", (int)t, s->d, s->heads, s->layers, s->seq, s->mem,
              s->pad, attn_status_str(st), check_e(e1, r.err, 2));
        printf("  decoder d %2d h %d l %d seq %2d mem %2d: worst %s%s\n", s->d, s->heads, s->layers,
               s->seq, s->mem, check_e(e1, r.err, 2), r.identical ? " (bit-identical)" : "");
        check(q_step == ATTN_DECODER_STEP_SCRATCH_F32(s->max_len, s->max_mem, s->d, s->ff) &&
                  (s->seq < s->max_len || q_step == r.step_hw) && r.step_hw <= q_step &&
                  arena.used == 0,
              "stepping case %d: step scratch query %lu == macro, high-water %lu (== at a full "
              "cache)", (int)t, (unsigned long)q_step, (unsigned long)r.step_hw);
        /* the same memory again: the cache starts over and gives the same rows */
        if (st == ATTN_OK) {
            step_result r2;
            memset(&r2, 0, sizeof r2);
            r2.identical = 1;
            st = attn_decoder_memory_f32(&cache, memory, s->mem, pad, &cfg, &dw);
            check(st == ATTN_OK && cache.len == 0, "stepping case %d: memory again empties the "
                  "token cache (len %d)", (int)t, cache.len);
            if (st == ATTN_OK)
                st = run_steps(&r2, x, full, row, s->seq, s->d, &cache, &cfg, &dw, NULL, &arena);
            check(st == ATTN_OK && r2.err == r.err && r2.identical == r.identical,
                  "stepping case %d: a reused cache gives the same rows", (int)t);
        }

        /* a causal encoder stack (decoder-only models): attn_encoder_step_f32 */
        memcpy(full, x, nx * sizeof(float));
        arena.high_water = 0;
        st = attn_encoder_f32(full, s->seq, NULL, &cfg, &ew, &arena);
        check(st == ATTN_OK, "stepping case %d: causal encoder stack %s", (int)t,
              attn_status_str(st));
        attn_arena_init(&store, store_mem, c_enc);
        st = attn_kv_cache_init_f32(&cache, s->layers, s->d, s->max_len, 0, &store);
        check(st == ATTN_OK && c_enc == ATTN_KV_CACHE_BYTES_F32(s->layers, s->max_len, 0, s->d) &&
                  store.used == c_enc,
              "stepping case %d: decoder-only cache (max_mem 0) %s, %lu B == macro == store "
              "growth", (int)t, attn_status_str(st), (unsigned long)c_enc);
        memset(&r, 0, sizeof r);
        r.identical = 1;
        if (st == ATTN_OK)
            st = run_steps(&r, x, full, row, s->seq, s->d, &cache, &cfg, NULL, &ew, &arena);
        check(st == ATTN_OK && r.err <= STEP_TOL,
              "stepping case %d: causal encoder d %d, %d layers, %d tokens: %s, worst %s", (int)t,
              s->d, s->layers, s->seq, attn_status_str(st), check_e(e1, r.err, 2));
        printf("  encoder d %2d h %d l %d seq %2d       : worst %s%s\n", s->d, s->heads, s->layers,
               s->seq, check_e(e1, r.err, 2), r.identical ? " (bit-identical)" : "");
        check(q_estep == ATTN_ENCODER_STEP_SCRATCH_F32(s->max_len, s->d, s->ff) &&
                  (s->seq < s->max_len || q_estep == r.step_hw) && r.step_hw <= q_estep &&
                  arena.used == 0,
              "stepping case %d: encoder step scratch query %lu == macro, high-water %lu (== "
              "at a full cache)", (int)t, (unsigned long)q_estep, (unsigned long)r.step_hw);
    }
}

/* ---- int8: stepping == the full computation, bit for bit ------------------------ */

#if !defined(ATTN_NO_INT8)
/* Random float stacks as in test_stepping, quantized (attn_quantize_decoder_s8 /
   attn_quantize_encoder_s8, calibrated on the same rows); the int8 full
   causal computation against token-by-token steps through an int8 cache:
   every output byte identical. Buffers: check_take, the rest of the pool is
   the scratch arena (the quantizer's store and working memory too). */
static void test_stepping_s8(void)
{
    static const step_case cases[] = {
        /* d, heads, ff, layers, seq, mem, max_len, max_mem, act, norm_first, pad, window */
        {10, 2, 16, 2, 7, 5, 7, 5, ATTN_ACT_RELU, 0, 1, 0},      /* head dim 5, post-norm */
        {12, 4, 8, 2, 6, 4, 9, 7, ATTN_ACT_GELU, 1, 2, 0},       /* a larger cache, pre-norm */
        {8, 1, 8, 1, 1, 1, 1, 1, ATTN_ACT_GELU_TANH, 0, 0, 0},   /* one token, one row */
        {8, 2, 8, 2, 5, 3, 5, 3, ATTN_ACT_RELU, 1, 3, 0},        /* every memory row padded */
        {4, 2, 4, 2, 4, 3, 4, 3, ATTN_ACT_GELU, 0, 1, 0},        /* small: fits the micro:bit */
        {10, 2, 16, 2, 9, 5, 9, 5, ATTN_ACT_RELU, 0, 1, 2},   /* windowed self-attention */
        {8, 2, 8, 2, 6, 3, 6, 3, ATTN_ACT_GELU, 1, 0, 1},     /* window 1 */
    };
    size_t t;
    printf("int8: stepping through the KV cache == the full causal computation, bit for bit\n");
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const step_case *s = &cases[t];
        attn_encoder_cfg cfg = step_cfg(s);
        size_t D = (size_t)s->d, nx = (size_t)s->seq * D, nm = (size_t)s->mem * D;
        size_t nw_dec = dec_layer_floats(s->d, s->ff) * (size_t)s->layers + 2 * D;
        size_t nw_enc = enc_layer_floats(s->d, s->ff) * (size_t)s->layers + 2 * D;
        /* the quantizer's store: int8 weights and, per output channel, 16 B of
           bias, multiplier and fused bias; norms 12 B per element (attention.h) */
        size_t store_bytes = nw_dec + nw_enc + 16 * (nw_dec + nw_enc) / D + 1024;
        size_t c_dec = 0, c_enc = 0;
        size_t q_full = 0, q_step = 0, q_efull = 0, q_estep = 0, hw = 0, need;
        float *x, *memory, *wd, *we;
        int8_t *x8, *m8, *full8, *row8;
        unsigned char *pad, *qstore, *cstore;
        attn_decoder_layer_weights_f32 dl[MAX_L];
        attn_encoder_layer_weights_f32 el[MAX_L];
        attn_decoder_weights_f32 dw;
        attn_encoder_weights_f32 ew;
        attn_decoder_s8_params dp;
        attn_encoder_s8_params ep;
        attn_qparams in_q, mem_q, out_q, ein_q, eout_q;
        attn_kv_cache cache;
        attn_arena arena, store, cs;
        attn_status st;
        int r, same = 1, enc_same = 1;
        if (!check(attn_kv_cache_bytes_s8(s->layers, s->d, s->max_len, s->max_mem, &c_dec) ==
                       ATTN_OK &&
                       attn_kv_cache_bytes_s8(s->layers, s->d, s->max_len, 0, &c_enc) == ATTN_OK,
                   "int8 stepping case %d: cache queries", (int)t))
            continue;
        need = 2 * CHECK_FLOATS(nx) + CHECK_FLOATS(nm) + CHECK_FLOATS(nw_dec) +
               CHECK_FLOATS(nw_enc) + 3 * check_block(nx) + check_block(nm) + check_block(D) +
               check_block((size_t)s->mem) + check_block(store_bytes) +
               check_block(c_dec > c_enc ? c_dec : c_enc) + 1024;
        check_pool_reset();
        if (!check_fits(need, "int8 stepping case %d (d %d, %d layers, seq %d)", (int)t, s->d,
                        s->layers, s->seq))
            continue;
        x = check_take_floats(nx);
        memory = check_take_floats(nm);
        wd = check_take_floats(nw_dec);
        we = check_take_floats(nw_enc);
        x8 = (int8_t *)check_take(nx);
        full8 = (int8_t *)check_take(nx);
        m8 = (int8_t *)check_take(nm);
        row8 = (int8_t *)check_take(D);
        pad = (unsigned char *)check_take((size_t)s->mem);
        qstore = (unsigned char *)check_take(store_bytes);
        cstore = (unsigned char *)check_take(c_dec > c_enc ? c_dec : c_enc);
        check_take_rest_arena(&arena);
        check_seed(700u + (unsigned)t);
        check_fill(x, nx, -1.0f, 1.0f);
        check_fill(memory, nm, -1.0f, 1.0f);
        check_fill(wd, nw_dec, -0.4f, 0.4f);
        check_fill(we, nw_enc, -0.4f, 0.4f);
        fill_padding(pad, s->mem, s->pad);
        random_decoder(&dw, dl, wd, s->layers, s->d, s->ff);
        random_encoder(&ew, el, we, s->layers, s->d, s->ff);

        /* the decoder */
        attn_arena_init(&store, qstore, store_bytes);
        st = attn_quantize_decoder_s8(&dp, &in_q, &mem_q, &out_q, &cfg, &dw, x, NULL, memory, pad,
                                      1, s->seq, s->mem, &store, &arena);
        if (st == ATTN_OK) st = attn_quantize_s8(x8, x, (int)nx, in_q);
        if (st == ATTN_OK) st = attn_quantize_s8(m8, memory, (int)nm, mem_q);
        if (!check(st == ATTN_OK && arena.used == 0, "int8 stepping case %d: quantized the "
                   "decoder: %s", (int)t, attn_status_str(st)))
            continue;
        attn_decoder_scratch_s8(&cfg, s->seq, s->mem, &q_full);
        attn_decoder_step_scratch_s8(&cfg, s->max_len, s->max_mem, &q_step);
        memcpy(full8, x8, nx);
        arena.high_water = 0;
        st = attn_decoder_s8(full8, s->seq, NULL, m8, s->mem, pad, &cfg, &dp, &arena);
        {   /* the outputs carry information: not one repeated byte */
            size_t k, distinct = 0;
            for (k = 1; k < nx; k++) distinct += full8[k] != full8[0];
            check(nx == D || distinct > nx / 2, "int8 stepping case %d: the decoder's outputs "
                  "vary (%lu of %lu differ from the first)", (int)t, (unsigned long)distinct,
                  (unsigned long)nx);
        }
        check(st == ATTN_OK && q_full == arena.high_water && arena.used == 0,
              "int8 stepping case %d: decoder stack %s, scratch query %lu == high-water %lu",
              (int)t, attn_status_str(st), (unsigned long)q_full,
              (unsigned long)arena.high_water);
#ifdef ATTN_DECODER_SCRATCH_S8
        check(q_full == ATTN_DECODER_SCRATCH_S8(s->seq, s->mem, s->d, s->ff),
              "int8 stepping case %d: decoder scratch query == macro", (int)t);
#endif
        attn_arena_init(&cs, cstore, c_dec);
        st = attn_kv_cache_init_s8(&cache, s->layers, s->d, s->max_len, s->max_mem, &cs);
        check(st == ATTN_OK &&
                  c_dec == ATTN_KV_CACHE_BYTES_S8(s->layers, s->max_len, s->max_mem, s->d) &&
                  cs.used == c_dec && cs.high_water == c_dec && cache.elem == 1,
              "int8 stepping case %d: cache %s, bytes query %lu == macro == store growth %lu",
              (int)t, attn_status_str(st), (unsigned long)c_dec, (unsigned long)cs.used);
        if (st == ATTN_OK) st = attn_decoder_memory_s8(&cache, m8, s->mem, pad, &cfg, &dp);
        for (r = 0; r < s->seq && st == ATTN_OK; r++) {
            memcpy(row8, x8 + (size_t)r * D, D);
            arena.high_water = 0;
            st = attn_decoder_step_s8(row8, &cache, &cfg, &dp, &arena);
            if (arena.high_water > hw) hw = arena.high_water;
            if (!bytes_equal(row8, full8 + (size_t)r * D, D)) same = 0;
        }
        check(st == ATTN_OK && same && cache.len == s->seq,
              "int8 stepping case %d: decoder d %d heads %d, %d layers, %d tokens, %d memory rows "
              "(pad %d): %s, steps %s the full computation", (int)t, s->d, s->heads, s->layers,
              s->seq, s->mem, s->pad, attn_status_str(st), same ? "bit-identical to" : "DIFFER from");
        check((s->seq < s->max_len || q_step == hw) && hw <= q_step && arena.used == 0,
              "int8 stepping case %d: step scratch query %lu, high-water %lu (== at a full cache)",
              (int)t, (unsigned long)q_step, (unsigned long)hw);
#ifdef ATTN_DECODER_STEP_SCRATCH_S8
        check(q_step == ATTN_DECODER_STEP_SCRATCH_S8(s->max_len, s->max_mem, s->d, s->ff),
              "int8 stepping case %d: step scratch query == macro", (int)t);
#endif

        /* a causal encoder stack */
        attn_arena_init(&store, qstore, store_bytes);
        st = attn_quantize_encoder_s8(&ep, &ein_q, &eout_q, &cfg, &ew, x, NULL, 1, s->seq, &store,
                                      &arena);
        if (st == ATTN_OK) st = attn_quantize_s8(x8, x, (int)nx, ein_q);
        if (!check(st == ATTN_OK, "int8 stepping case %d: quantized the causal encoder: %s",
                   (int)t, attn_status_str(st)))
            continue;
        attn_encoder_scratch_s8(&cfg, s->seq, &q_efull);
        attn_encoder_step_scratch_s8(&cfg, s->max_len, &q_estep);
        memcpy(full8, x8, nx);
        st = attn_encoder_s8(full8, s->seq, NULL, &cfg, &ep, &arena);
        attn_arena_init(&cs, cstore, c_enc);
        if (st == ATTN_OK) st = attn_kv_cache_init_s8(&cache, s->layers, s->d, s->max_len, 0, &cs);
        hw = 0;
        for (r = 0; r < s->seq && st == ATTN_OK; r++) {
            memcpy(row8, x8 + (size_t)r * D, D);
            arena.high_water = 0;
            st = attn_encoder_step_s8(row8, &cache, &cfg, &ep, &arena);
            if (arena.high_water > hw) hw = arena.high_water;
            if (!bytes_equal(row8, full8 + (size_t)r * D, D)) enc_same = 0;
        }
        check(st == ATTN_OK && enc_same && cs.used == c_enc &&
                  c_enc == ATTN_KV_CACHE_BYTES_S8(s->layers, s->max_len, 0, s->d),
              "int8 stepping case %d: causal encoder d %d, %d layers, %d tokens: %s, steps %s the "
              "full computation", (int)t, s->d, s->layers, s->seq, attn_status_str(st),
              enc_same ? "bit-identical to" : "DIFFER from");
        check((s->seq < s->max_len || q_estep == hw) && hw <= q_estep && arena.used == 0,
              "int8 stepping case %d: encoder step scratch query %lu, high-water %lu", (int)t,
              (unsigned long)q_estep, (unsigned long)hw);
        printf("  d %2d h %d l %d seq %d mem %d: decoder %s, causal encoder %s\n", s->d, s->heads,
               s->layers, s->seq, s->mem, same ? "bit-identical" : "DIFFERS",
               enc_same ? "bit-identical" : "DIFFERS");
        (void)q_efull;
    }
}

/* ---- int8 seq2seq models with a source front end ----------------------------- */

/* calibration samples of a front end's model (N(0, 1) features / images or
   random ids, bos-first random targets) */
#define FRONT_N_CALIB 64
#define FRONT_COS 0.999 /* teacher-forced int8 logits against PyTorch (issue 11) */

/* FNV-1a over the int8 front-end outputs (logits and greedy tokens): the
   same bytes on the host and every board (tests/run_suite.sh) */
typedef struct {
    uint32_t h;
    unsigned long bytes;
} front_hash;

static void front_hash_add(front_hash *fh, const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) fh->h = (fh->h ^ b[i]) * 16777619u;
    fh->bytes += (unsigned long)n;
}

/* N(0, 1) (Box-Muller) from the deterministic generator, as test_quant.c's */
static void front_gauss(float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        float u1 = check_uniform(1e-7f, 1.0f), u2 = check_uniform(0.0f, 1.0f);
        x[i] = sqrtf(-2.0f * logf(u1)) * cosf(6.2831853f * u2);
    }
}

static int front_id(int n)
{
    int k = (int)check_uniform(0.0f, (float)n);
    return k < 0 ? 0 : k >= n ? n - 1 : k;
}

/* A golden seq2seq with a front end quantized by attn_quantize_seq2seq_ex_s8
   (calibrated on FRONT_N_CALIB random sources and targets, not the case's):
   the store query exact, the plain calls refusing the cfg, encode_ex_s8 of
   the case's source (features / image at src_in_scale / src_in_zp), the
   teacher-forced int8 logits' cosine against PyTorch's >= FRONT_COS,
   generate_s8 == next_s8 fed back and stopping at eos, scratch query ==
   macro >= high-water. */
static void front_tokens_s8(const golden_dec_case *c, front_hash *fh)
{
    int N = FRONT_N_CALIB, max_src = c->max_src, max_tgt = c->max_tgt, layers, max_len, max_mem;
    int image = c->src_patch > 0, ids = c->src_d_in == 0, t, s, k, n_out = -1, eos_at = 0;
    int agree = 0, same = 1, *csrc, *cseg, *ctgt, *lsrc, *ltgt, *want, *toks;
    size_t V = (size_t)c->tgt_vocab, n_in = 0, stride = 0, sb = 0, cb = 0, q = 0, macro, need;
    size_t hw = 0, i;
    dec_view *v;
    float *cin = NULL;
    int8_t *x8 = NULL, *l8;
    unsigned char *qstore, *cstore;
    attn_seq2seq_s8_params sp;
    attn_kv_cache cache;
    attn_arena store, cs, arena;
    attn_qparams qin;
    attn_status st;
    double dot = 0.0, nq = 0.0, nf = 0.0, worst = 0.0, range = 0.0, cosine;
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS], e3[CHECK_E_CHARS];
    if (!ids) {
        n_in = image ? (size_t)c->src_channels * (size_t)c->src_image_h * (size_t)c->src_image_w
                     : (size_t)c->mem * (size_t)c->src_d_in;
        stride = image ? n_in : (size_t)max_src * (size_t)c->src_d_in;
    }
    check_pool_reset();
    v = (dec_view *)check_take(sizeof *v);
    if (!v || !dec_view_of(v, c)) {
        check_left_out("int8 %s: no room for its view", c->name);
        return;
    }
    st = attn_quantize_seq2seq_store_bytes(&v->s2s, &v->s2s_w, &sb);
    cache_shape(c, &layers, &max_len, &max_mem);
    if (st == ATTN_OK) st = attn_kv_cache_bytes_s8(layers, c->d_model, max_len, max_mem, &cb);
    if (st == ATTN_OK) st = attn_seq2seq_scratch_s8(&v->s2s, &q);
    if (!check(st == ATTN_OK, "int8 %s: store, cache and scratch queries: %s", c->name,
               attn_status_str(st)))
        return;
    macro = ATTN_SEQ2SEQ_SCRATCH_EX_S8(max_src, max_tgt, c->d_model, c->d_ff, c->tgt_vocab,
                                       image ? c->src_d_in : 0);
    check(q == macro, "int8 %s: scratch query %lu == ATTN_SEQ2SEQ_SCRATCH_EX_S8 %lu", c->name,
          (unsigned long)q, (unsigned long)macro);
    need = check_block(sizeof *v) + CHECK_FLOATS((size_t)N * stride) +
           2 * check_block((size_t)N * (size_t)max_src * sizeof(int)) +
           check_block((size_t)N * (size_t)max_tgt * sizeof(int)) +
           2 * check_block((size_t)N * sizeof(int)) +
           2 * check_block((size_t)(c->max_out + 1) * sizeof(int)) + check_block(n_in) +
           check_block((size_t)c->seq * V) + check_block(sb) + check_block(cb) + q + 8192;
    if (!check_fits(need, "int8 %s (calibration %d samples, store %lu B, cache %lu B)", c->name,
                    N, (unsigned long)sb, (unsigned long)cb))
        return;
    if (stride) cin = check_take_floats((size_t)N * stride);
    csrc = (int *)check_take((size_t)N * (size_t)max_src * sizeof(int));
    cseg = (int *)check_take((size_t)N * (size_t)max_src * sizeof(int));
    ctgt = (int *)check_take((size_t)N * (size_t)max_tgt * sizeof(int));
    lsrc = (int *)check_take((size_t)N * sizeof(int));
    ltgt = (int *)check_take((size_t)N * sizeof(int));
    want = (int *)check_take((size_t)(c->max_out + 1) * sizeof(int));
    toks = (int *)check_take((size_t)(c->max_out + 1) * sizeof(int));
    if (n_in) x8 = (int8_t *)check_take(n_in);
    l8 = (int8_t *)check_take((size_t)c->seq * V);
    qstore = (unsigned char *)check_take(sb);
    cstore = (unsigned char *)check_take(cb);
    check_take_rest_arena(&arena);
    /* the calibration set */
    check_seed(7000u + (unsigned)c->mem * 131u + (unsigned)c->d_model * 17u + (unsigned)c->seq);
    memset(csrc, 0, (size_t)N * (size_t)max_src * sizeof(int));
    memset(cseg, 0, (size_t)N * (size_t)max_src * sizeof(int));
    memset(ctgt, 0, (size_t)N * (size_t)max_tgt * sizeof(int));
    if (cin) memset(cin, 0, (size_t)N * stride * sizeof(float));
    for (s = 0; s < N; s++) {
        lsrc[s] = c->mem;
        ltgt[s] = c->seq;
        if (cin) front_gauss(cin + (size_t)s * stride, image ? n_in : (size_t)c->mem * (size_t)c->src_d_in);
        for (k = 0; ids && k < c->mem; k++) {
            csrc[(size_t)s * (size_t)max_src + (size_t)k] = front_id(c->src_vocab);
            if (c->src_segments > 0)
                cseg[(size_t)s * (size_t)max_src + (size_t)k] = front_id(c->src_segments);
        }
        ctgt[(size_t)s * (size_t)max_tgt] = c->bos;
        for (k = 1; k < c->seq; k++)
            ctgt[(size_t)s * (size_t)max_tgt + (size_t)k] = front_id(c->tgt_vocab);
    }
    /* the plain quantizer refuses a front end's cfg, taking nothing */
    attn_arena_init(&store, qstore, sb);
    st = attn_quantize_seq2seq_s8(&sp, &v->s2s, &v->s2s_w, csrc, lsrc, ctgt, ltgt, 1, &store,
                                  &arena);
    check(st == ATTN_ERR_SHAPE && store.used == 0 && arena.used == 0,
          "int8 %s: the plain attn_quantize_seq2seq_s8 of a front end's cfg: %s (want "
          "ATTN_ERR_SHAPE), nothing taken", c->name, attn_status_str(st));
    st = attn_quantize_seq2seq_ex_s8(&sp, &v->s2s, &v->s2s_w, cin, ids ? csrc : NULL,
                                     c->src_segments > 0 ? cseg : NULL, lsrc, ctgt, ltgt, N,
                                     &store, &arena);
    if (!check(st == ATTN_OK && store.used == sb && store.high_water == sb && arena.used == 0,
               "int8 %s: attn_quantize_seq2seq_ex_s8 on %d random samples: %s, its store %lu B "
               "== the query %lu B", c->name, N, attn_status_str(st), (unsigned long)store.used,
               (unsigned long)sb))
        return;
    attn_arena_init(&cs, cstore, cb);
    st = attn_kv_cache_init_s8(&cache, layers, c->d_model, max_len, max_mem, &cs);
    if (!check(st == ATTN_OK, "int8 %s: cache: %s", c->name, attn_status_str(st))) return;
    /* the plain encode and greedy refuse it too */
    {
        int n0 = -1;
        toks[0] = -7;
        st = attn_seq2seq_encode_s8(&cache, csrc, 1, &v->s2s, &sp, &arena);
        check(st == ATTN_ERR_SHAPE && cache.mem_len == 0,
              "int8 %s: the plain attn_seq2seq_encode_s8 of a front end's cfg: %s (want "
              "ATTN_ERR_SHAPE)", c->name, attn_status_str(st));
        st = attn_seq2seq_greedy_s8(toks, &n0, 1, csrc, 1, c->bos, -1, &cache, &v->s2s, &sp,
                                    &arena);
        check(st == ATTN_ERR_SHAPE && n0 == -1 && toks[0] == -7 && cache.mem_len == 0,
              "int8 %s: the plain attn_seq2seq_greedy_s8 of a front end's cfg: %s (want "
              "ATTN_ERR_SHAPE), nothing written", c->name, attn_status_str(st));
    }
    /* the case's source, int8 at the quantizer's input encoding */
    qin.scale = sp.src_in_scale;
    qin.zero_point = sp.src_in_zp;
    st = x8 ? attn_quantize_s8(x8, c->src_input, (int)n_in, qin) : ATTN_OK;
    arena.high_water = 0;
    if (st == ATTN_OK)
        st = attn_seq2seq_encode_ex_s8(&cache, x8, x8 ? NULL : c->src, c->src_seg, c->mem,
                                       &v->s2s, &sp, &arena);
    check(st == ATTN_OK && cache.len == 0 && cache.mem_len == c->mem + c->src_cls_token,
          "int8 %s: encode_ex_s8: %s, mem_len %d (want %d)", c->name, attn_status_str(st),
          cache.mem_len, c->mem + c->src_cls_token);
    if (st == ATTN_OK) { /* its high-water mark exactly: runs in that, refuses one byte less */
        attn_arena exact;
        attn_status st1, st2;
        size_t enc = arena.high_water;
        attn_arena_init(&exact, arena.base, enc);
        st1 = attn_seq2seq_encode_ex_s8(&cache, x8, x8 ? NULL : c->src, c->src_seg, c->mem,
                                        &v->s2s, &sp, &exact);
        attn_kv_cache_reset(&cache);
        attn_arena_init(&exact, arena.base, enc - 1);
        st2 = attn_seq2seq_encode_ex_s8(&cache, x8, x8 ? NULL : c->src, c->src_seg, c->mem,
                                        &v->s2s, &sp, &exact);
        check(st1 == ATTN_OK && st2 == ATTN_ERR_ARENA && cache.mem_len == 0,
              "int8 %s: encode_ex_s8 in an arena of its high-water mark %lu B: %s; of %lu B: %s "
              "(want ATTN_ERR_ARENA), the cache untouched", c->name, (unsigned long)enc,
              attn_status_str(st1), (unsigned long)(enc - 1), attn_status_str(st2));
        st = attn_seq2seq_encode_ex_s8(&cache, x8, x8 ? NULL : c->src, c->src_seg, c->mem,
                                       &v->s2s, &sp, &arena);
    }
    /* teacher forcing: the int8 logits against PyTorch's */
    for (t = 0; t < c->seq && st == ATTN_OK; t++) {
        const float *ref = c->expected + (size_t)t * V;
        int8_t *row = l8 + (size_t)t * V;
        int a8 = 0, af = 0;
        st = attn_seq2seq_step_s8(row, c->tgt[t], &cache, &v->s2s, &sp, &arena);
        for (i = 0; st == ATTN_OK && i < V; i++) {
            double x = (double)sp.logit_scale * (double)(row[i] - sp.logit_zp), y = (double)ref[i];
            dot += x * y;
            nq += x * x;
            nf += y * y;
            if (fabs(x - y) > worst) worst = fabs(x - y);
            if (fabs(y) > range) range = fabs(y);
        }
        attn_argmax_s8(&a8, row, (int)V);
        attn_argmax_f32(&af, ref, (int)V);
        agree += a8 == af;
    }
    if (arena.high_water > hw) hw = arena.high_water;
    cosine = nq > 0.0 && nf > 0.0 ? dot / sqrt(nq * nf) : 0.0;
    check(st == ATTN_OK && cache.len == c->seq, "int8 %s: %d teacher-forced steps: %s", c->name,
          c->seq, attn_status_str(st));
    printf("  %-44s int8 logits: cos %s, max |err| %s (max |logit| %s), argmax = PyTorch's at "
           "%d of %d\n", c->name, check_e(e1, cosine, 6), check_e(e2, worst, 2),
           check_e(e3, range, 2), agree, c->seq);
    check(st == ATTN_OK && cosine >= FRONT_COS, "int8 %s: teacher-forced logits' cosine %s >= "
          "%s against PyTorch", c->name, check_e(e1, cosine, 6), check_e(e2, FRONT_COS, 3));
    if (st != ATTN_OK) return;
    front_hash_add(fh, l8, (size_t)c->seq * V);
    /* greedy by hand: next's choice fed back from bos (the memory stays) */
    cache.len = 0;
    arena.high_water = 0;
    for (t = 0, k = c->bos; t < c->max_out && st == ATTN_OK; t++) {
        st = attn_seq2seq_next_s8(&want[t], k, &cache, &v->s2s, &sp, &arena);
        k = want[t];
    }
    if (arena.high_water > hw) hw = arena.high_water;
    arena.high_water = 0;
    st = st == ATTN_OK ? attn_seq2seq_generate_s8(toks, &n_out, c->max_out, c->bos, -1, &cache,
                                                 &v->s2s, &sp, &arena)
                       : st;
    if (arena.high_water > hw) hw = arena.high_water;
    for (t = 0; st == ATTN_OK && t < n_out && t < c->max_out; t++)
        if (toks[t] != want[t]) same = 0;
    check(st == ATTN_OK && n_out == c->max_out && same,
          "int8 %s: generate_s8 (eos -1) = next_s8 fed back: %s, %d tokens (want %d)", c->name,
          attn_status_str(st), n_out, c->max_out);
    for (t = 0; t < c->max_out; t++) { /* eos: the latest first appearance */
        int first = 1;
        for (k = 0; k < t; k++)
            if (want[k] == want[t]) first = 0;
        if (first) eos_at = t;
    }
    n_out = -1;
    st = attn_seq2seq_generate_s8(toks, &n_out, c->max_out, c->bos, want[eos_at], &cache,
                                  &v->s2s, &sp, &arena);
    check(st == ATTN_OK && n_out == eos_at, "int8 %s: generate_s8 with eos %d stops at %d "
          "tokens: %s, %d", c->name, want[eos_at], eos_at, attn_status_str(st), n_out);
    check(hw <= q && arena.used == 0, "int8 %s: scratch query %lu >= high-water %lu", c->name,
          (unsigned long)q, (unsigned long)hw);
    front_hash_add(fh, want, (size_t)c->max_out * sizeof(int));
    for (t = 0; t < c->max_out; t++) /* the int8 greedy against PyTorch's (printed) */
        if (want[t] != c->greedy[t]) break;
    printf("  %-44s int8 greedy = PyTorch's for the first %d of %d tokens\n", c->name, t,
           c->max_out);
}

/* The golden token models quantized (attn_quantize_seq2seq_s8 /
   attn_quantize_lm_s8, calibrated on the case's own source and target):
   int8 greedy equals attn_*_next_s8 fed back, and stops at eos; next's
   choice (the wide argmax) is consistent with the int8 logits of the same
   step (their argmax when it leads by 2 steps or more, never a logit more
   than one step below the largest); the int8 logits against PyTorch's are
   measured (printed: the accuracy figure is the g2p model's, issue 10, not
   these random ones). */
static void test_tokens_s8(void)
{
    const golden_dec_case *cases = golden_dec_table();
    size_t i;
    front_hash fh = {2166136261u, 0};
    printf("int8 token models (the golden seq2seq / lm cases quantized)\n");
    for (i = 0; cases[i].name != NULL; i++) {
        const golden_dec_case *c = &cases[i];
        int lm = c->kind == GOLDEN_DEC_LM, layers, max_len, max_mem, t, n_out = -1, same = 1;
        int agree = 0, eos_at = -1, lens[2] = {0, 0}, *calib_src, *calib_tgt, *want, *toks;
        int consistent = 1, tok;
        int8_t lead1[64], lead2[64], chosen[64]; /* per teacher-forced step: the int8 max,
                                                     the runner-up, next's logit */
        size_t V, sb = 0, cb = 0, q = 0, need, hw = 0;
        dec_view *v;
        int8_t *l8, *lbuf;
        unsigned char *qstore, *cstore;
        attn_seq2seq_s8_params sp;
        attn_lm_s8_params lp;
        attn_kv_cache cache;
        attn_arena store, cs, arena;
        attn_status st;
        double worst = 0.0, range = 0.0;
        char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
        if (c->kind != GOLDEN_DEC_SEQ2SEQ && !lm) continue;
        if (s2s_front(c)) {
            front_tokens_s8(c, &fh);
            continue;
        }
        V = (size_t)c->tgt_vocab;
        check_pool_reset();
        v = (dec_view *)check_take(sizeof *v);
        if (!v || !dec_view_of(v, c)) {
            check_left_out("int8 %s: no room for its view", c->name);
            continue;
        }
        st = lm ? attn_quantize_lm_store_bytes(&v->lm, &v->lm_w, &sb)
                : attn_quantize_seq2seq_store_bytes(&v->s2s, &v->s2s_w, &sb);
        cache_shape(c, &layers, &max_len, &max_mem);
        if (st == ATTN_OK) st = attn_kv_cache_bytes_s8(layers, c->d_model, max_len, max_mem, &cb);
        if (st == ATTN_OK)
            st = lm ? attn_lm_scratch_s8(&v->lm, &q) : attn_seq2seq_scratch_s8(&v->s2s, &q);
        if (!check(st == ATTN_OK, "int8 %s: store, cache and scratch queries: %s", c->name,
                   attn_status_str(st)))
            continue;
        need = check_block(sizeof *v) + 4 * check_block((size_t)(c->max_src + c->max_tgt + 1) *
                                                        sizeof(int)) +
               check_block(V) + check_block(64 * V) + check_block(sb) + check_block(cb) + q + 8192;
        if (!check_fits(need, "int8 %s (store %lu B, cache %lu B)", c->name, (unsigned long)sb,
                        (unsigned long)cb))
            continue;
        calib_src = (int *)check_take((size_t)(c->max_src + 1) * sizeof(int));
        calib_tgt = (int *)check_take((size_t)(c->max_tgt + 1) * sizeof(int));
        want = (int *)check_take((size_t)(c->max_tgt + 1) * sizeof(int));
        toks = (int *)check_take((size_t)(c->max_tgt + 1) * sizeof(int));
        l8 = (int8_t *)check_take(V);
        lbuf = (int8_t *)check_take(64 * V);
        qstore = (unsigned char *)check_take(sb);
        cstore = (unsigned char *)check_take(cb);
        check_take_rest_arena(&arena);
        memset(calib_src, 0, (size_t)(c->max_src + 1) * sizeof(int));
        memset(calib_tgt, 0, (size_t)(c->max_tgt + 1) * sizeof(int));
        if (!lm) memcpy(calib_src, c->src, (size_t)c->mem * sizeof(int));
        memcpy(calib_tgt, c->tgt, (size_t)c->seq * sizeof(int));
        lens[0] = c->mem;
        lens[1] = c->seq;
        attn_arena_init(&store, qstore, sb);
        st = lm ? attn_quantize_lm_s8(&lp, &v->lm, &v->lm_w, calib_tgt, &lens[1], 1, &store, &arena)
                : attn_quantize_seq2seq_s8(&sp, &v->s2s, &v->s2s_w, calib_src, &lens[0], calib_tgt,
                                           &lens[1], 1, &store, &arena);
        if (!check(st == ATTN_OK && store.used == sb && arena.used == 0,
                   "int8 %s: quantized (%s), its store %lu B == the query %lu B", c->name,
                   attn_status_str(st), (unsigned long)store.used, (unsigned long)sb))
            continue;
        attn_arena_init(&cs, cstore, cb);
        st = attn_kv_cache_init_s8(&cache, layers, c->d_model, max_len, max_mem, &cs);
        arena.high_water = 0;
        if (st == ATTN_OK && !lm)
            st = attn_seq2seq_encode_s8(&cache, c->src, c->mem, &v->s2s, &sp, &arena);
        /* teacher forcing: the int8 logits against PyTorch's */
        for (t = 0; t < c->seq && st == ATTN_OK; t++) {
            const float *ref = c->expected + (size_t)t * V;
            float scale = lm ? lp.logit_scale : sp.logit_scale;
            int32_t zp = lm ? lp.logit_zp : sp.logit_zp;
            int a8 = 0, af = 0;
            size_t k;
            st = lm ? attn_lm_step_s8(l8, c->tgt[t], &cache, &v->lm, &lp, &arena)
                    : attn_seq2seq_step_s8(l8, c->tgt[t], &cache, &v->s2s, &sp, &arena);
            for (k = 0; k < V; k++) {
                double e = fabs((double)scale * (double)(l8[k] - zp) - (double)ref[k]);
                if (e > worst) worst = e;
                if (fabs((double)ref[k]) > range) range = fabs((double)ref[k]);
            }
            attn_argmax_s8(&a8, l8, (int)V);
            attn_argmax_f32(&af, ref, (int)V);
            agree += a8 == af;
            if (t < 64) {
                lead1[t] = l8[a8];
                lead2[t] = -128;
                for (k = 0; k < V; k++)
                    if ((int)k != a8 && l8[k] > lead2[t]) lead2[t] = l8[k];
                chosen[t] = (int8_t)a8; /* the int8 argmax, for the second pass */
            }
            if (t < 64) memcpy(lbuf + (size_t)t * V, l8, V);
        }
        /* the same steps through next: its choice against those logits */
        if (st == ATTN_OK) {
            if (lm) attn_kv_cache_reset(&cache);
            else st = attn_seq2seq_encode_s8(&cache, c->src, c->mem, &v->s2s, &sp, &arena);
        }
        for (t = 0; t < c->seq && t < 64 && st == ATTN_OK; t++) {
            int nx = -1;
            st = lm ? attn_lm_next_s8(&nx, c->tgt[t], &cache, &v->lm, &lp, &arena)
                    : attn_seq2seq_next_s8(&nx, c->tgt[t], &cache, &v->s2s, &sp, &arena);
            if (st != ATTN_OK || nx < 0 || (size_t)nx >= V) {
                consistent = 0;
                break;
            }
            if (lead1[t] - lead2[t] >= 2 && nx != chosen[t]) consistent = 0;
            if (lbuf[(size_t)t * V + (size_t)nx] < lead1[t] - 1) consistent = 0;
        }
        check(st == ATTN_OK && consistent,
              "int8 %s: next's choices consistent with the int8 logits of the same steps: %s",
              c->name, attn_status_str(st));
        check(st == ATTN_OK && cache.len == c->seq, "int8 %s: %d teacher-forced steps: %s",
              c->name, c->seq, attn_status_str(st));
        printf("  %-44s int8 logits: max |err| %s (max |logit| %s), argmax = PyTorch's at "
               "%d of %d\n", c->name, check_e(e1, worst, 2), check_e(e2, range, 2), agree,
               c->seq);
        /* greedy by hand: next's choice fed back */
        if (lm) {
            attn_kv_cache_reset(&cache);
            for (t = 0; t + 1 < c->prompt_len && st == ATTN_OK; t++)
                st = attn_lm_step_s8(l8, c->tgt[t], &cache, &v->lm, &lp, &arena);
            tok = c->tgt[c->prompt_len - 1];
        } else {
            st = attn_seq2seq_encode_s8(&cache, c->src, c->mem, &v->s2s, &sp, &arena);
            tok = c->bos;
        }
        for (t = 0; t < c->max_out && st == ATTN_OK; t++) {
            st = lm ? attn_lm_next_s8(&want[t], tok, &cache, &v->lm, &lp, &arena)
                    : attn_seq2seq_next_s8(&want[t], tok, &cache, &v->s2s, &sp, &arena);
            tok = want[t];
        }
        if (arena.high_water > hw) hw = arena.high_water;
        /* greedy itself, without an eos it makes (-1 is never an argmax) */
        if (lm) attn_kv_cache_reset(&cache);
        arena.high_water = 0;
        st = lm ? attn_lm_greedy_s8(toks, &n_out, c->max_out, c->tgt, c->prompt_len, -1, &cache,
                                    &v->lm, &lp, &arena)
                : attn_seq2seq_greedy_s8(toks, &n_out, c->max_out, c->src, c->mem, c->bos, -1,
                                         &cache, &v->s2s, &sp, &arena);
        if (arena.high_water > hw) hw = arena.high_water;
        for (t = 0; st == ATTN_OK && t < n_out && t < c->max_out; t++)
            if (toks[t] != want[t]) same = 0;
        check(st == ATTN_OK && n_out == c->max_out && same,
              "int8 %s: greedy (eos -1) = next fed back: %s, %d tokens (want %d)",
              c->name, attn_status_str(st), n_out, c->max_out);
        /* and with eos = the token whose first appearance is the latest: stops there */
        for (t = 0; t < c->max_out; t++) {
            int k, first = 1;
            for (k = 0; k < t; k++)
                if (want[k] == want[t]) first = 0;
            if (first) eos_at = t;
        }
        if (lm) attn_kv_cache_reset(&cache);
        n_out = -1;
        st = lm ? attn_lm_greedy_s8(toks, &n_out, c->max_out, c->tgt, c->prompt_len,
                                    want[eos_at], &cache, &v->lm, &lp, &arena)
                : attn_seq2seq_greedy_s8(toks, &n_out, c->max_out, c->src, c->mem, c->bos,
                                         want[eos_at], &cache, &v->s2s, &sp, &arena);
        check(st == ATTN_OK && n_out == eos_at, "int8 %s: greedy with eos %d stops at %d "
              "tokens: %s, %d", c->name, want[eos_at], eos_at, attn_status_str(st), n_out);
        check(hw <= q && arena.used == 0, "int8 %s: scratch query %lu >= high-water %lu",
              c->name, (unsigned long)q, (unsigned long)hw);
        for (t = 0; t < c->max_out; t++) /* the int8 greedy against PyTorch's (printed) */
            if (want[t] != c->greedy[t]) break;
        printf("  %-44s int8 greedy = PyTorch's for the first %d of %d tokens\n", c->name, t,
               c->max_out);
    }
    /* the front-end models' int8 logits and tokens: the same bytes on every build */
    if (fh.bytes > 0)
        printf("checksum int8-s2s-front: %lu bytes, FNV-1a %08lx\n", fh.bytes,
               (unsigned long)fh.h);
}
#endif

/* ---- attn_mha_*: out may equal xq, xk or xv ------------------------------------- */

#if !defined(ATTN_NO_INT8)
static void mha_linear_s8(attn_linear_s8_params *p, int8_t *w, int32_t *b, attn_qmul *q, int d,
                          int32_t in_zp, int32_t out_zp)
{
    int i;
    rs_fill(w, (size_t)d * (size_t)d);
    for (i = 0; i < d; i++) {
        b[i] = rs_int(-3000, 3000);
        q[i] = qmul_near(40.0 / (sqrt((double)d) * 74.0 * 74.0));
    }
    memset(p, 0, sizeof *p);
    p->w = w; p->bias = b; p->requant = q; p->in_zp = in_zp; p->out_zp = out_zp;
    p->act_min = -128; p->act_max = 127;
}
#endif

/* Separate query, key and value inputs; the output in place on each of
   them (the buffer holds max(seq_q, seq_kv) rows) equals the output into
   its own buffer, byte for byte; and self-attention with all four the same
   buffer. Float with random weights; int8 with random parameters (zero
   points consistent as the quantizer makes them). */
static void test_mha_aliasing(void)
{
    enum { AQ = 5, AKV = 7, AD = 10, AH = 2, AN = (AQ > AKV ? AQ : AKV) * AD };
    size_t nw = 4 * AD * AD + 4 * AD, q32 = 0, qs = 0, q8 = 0;
    attn_mha_cfg cfg = {AQ, AKV, AD, AH, 1, 0}, self = {AKV, AKV, AD, AH, 1, 0};
    float *w = NULL, *xq = NULL, *xk = NULL, *xv = NULL, *ref = NULL, *buf = NULL;
    unsigned char *mem = NULL;
    const float *pw;
    attn_mha_weights_f32 mw;
    attn_arena arena;
    attn_status st;
    uint8_t pad[AKV] = {0, 0, 1, 0, 0, 0, 1};
    int k;
#if !defined(ATTN_NO_INT8)
    int8_t *w8 = NULL, *x8 = NULL, *ref8 = NULL, *buf8 = NULL;
    int32_t *b8 = NULL;
    attn_qmul *qm = NULL;
    attn_mha_s8_params p8;
#endif
    attn_mha_scratch_f32(&cfg, &q32);
    attn_mha_scratch_f32(&self, &qs);
    if (qs > q32) q32 = qs;
#if !defined(ATTN_NO_INT8)
    attn_mha_scratch_s8(&cfg, &q8);
    attn_mha_scratch_s8(&self, &qs);
    if (qs > q8) q8 = qs;
#endif
    if (q8 > q32) q32 = q8;
    printf("attn_mha_*: out in place on xq, xk or xv\n");
    while (check_plan("mha aliasing (q %d, kv %d, d %d)", AQ, AKV, AD)) {
        w = (float *)check_plan_take(nw * sizeof(float));
        xq = (float *)check_plan_take(AN * sizeof(float));
        xk = (float *)check_plan_take(AN * sizeof(float));
        xv = (float *)check_plan_take(AN * sizeof(float));
        ref = (float *)check_plan_take(AN * sizeof(float));
        buf = (float *)check_plan_take(AN * sizeof(float));
        mem = (unsigned char *)check_plan_take(q32);
#if !defined(ATTN_NO_INT8)
        w8 = (int8_t *)check_plan_take(4 * AD * AD);
        b8 = (int32_t *)check_plan_take(4 * AD * sizeof(int32_t));
        qm = (attn_qmul *)check_plan_take(4 * AD * sizeof(attn_qmul));
        x8 = (int8_t *)check_plan_take(3 * AN);
        ref8 = (int8_t *)check_plan_take(AN);
        buf8 = (int8_t *)check_plan_take(AN);
#endif
    }
    if (!check_planned()) return;
    check_seed(900);
    check_fill(w, nw, -0.5f, 0.5f);
    check_fill(xq, AN, -1.0f, 1.0f);
    check_fill(xk, AN, -1.0f, 1.0f);
    check_fill(xv, AN, -1.0f, 1.0f);
    pw = w;
    mw.wq = pw; mw.wk = pw + AD * AD; mw.wv = pw + 2 * AD * AD; mw.wo = pw + 3 * AD * AD;
    pw += 4 * AD * AD;
    mw.bq = pw; mw.bk = pw + AD; mw.bv = pw + 2 * AD; mw.bo = pw + 3 * AD;
    attn_arena_init(&arena, mem, q32);
    st = attn_mha_f32(ref, xq, xk, xv, pad, &cfg, &mw, &arena);
    check(st == ATTN_OK, "mha aliasing: float reference %s", attn_status_str(st));
    for (k = 0; k < 3; k++) {
        static const char *const which[] = {"xq", "xk", "xv"};
        const float *src = k == 0 ? xq : k == 1 ? xk : xv;
        memcpy(buf, src, AN * sizeof(float));
        st = attn_mha_f32(buf, k == 0 ? buf : xq, k == 1 ? buf : xk, k == 2 ? buf : xv, pad, &cfg,
                          &mw, &arena);
        check(st == ATTN_OK && bytes_equal(buf, ref, AQ * AD * sizeof(float)),
              "float mha q %d kv %d: out == %s gives the same bytes", AQ, AKV, which[k]);
    }
    st = attn_mha_f32(ref, xk, xk, xk, pad, &self, &mw, &arena);
    memcpy(buf, xk, AN * sizeof(float));
    if (st == ATTN_OK) st = attn_mha_f32(buf, buf, buf, buf, pad, &self, &mw, &arena);
    check(st == ATTN_OK && bytes_equal(buf, ref, AKV * AD * sizeof(float)),
          "float self-attention: out == xq == xk == xv gives the same bytes");
#if !defined(ATTN_NO_INT8)
    rs_seed(901);
    rs_fill(x8, 3 * AN);
    mha_linear_s8(&p8.q, w8, b8, qm, AD, 1, 3);
    mha_linear_s8(&p8.k, w8 + AD * AD, b8 + AD, qm + AD, AD, -2, -5);
    mha_linear_s8(&p8.v, w8 + 2 * AD * AD, b8 + 2 * AD, qm + 2 * AD, AD, 4, 7);
    mha_linear_s8(&p8.o, w8 + 3 * AD * AD, b8 + 3 * AD, qm + 3 * AD, AD, 2, -1);
    p8.sdpa.q_zp = 3; p8.sdpa.k_zp = -5; p8.sdpa.v_zp = 7; p8.sdpa.out_zp = 2;
    p8.sdpa.score_mul = qmul_near(18.0 / sqrt((double)(AD / AH)));
    p8.sdpa.ctx_mul = qmul_near(0.7 / 32768.0);
    st = attn_mha_s8(ref8, x8, x8 + AN, x8 + 2 * AN, pad, &cfg, &p8, &arena);
    {
        int distinct = 0, i;
        for (i = 1; i < AQ * AD; i++) distinct += ref8[i] != ref8[0];
        check(st == ATTN_OK && distinct > AQ * AD / 2, "mha aliasing: int8 reference %s, its "
              "outputs vary (%d of %d differ from the first)", attn_status_str(st), distinct,
              AQ * AD);
    }
    for (k = 0; k < 3; k++) {
        static const char *const which[] = {"xq", "xk", "xv"};
        memcpy(buf8, x8 + (size_t)k * AN, AN);
        st = attn_mha_s8(buf8, k == 0 ? buf8 : x8, k == 1 ? buf8 : x8 + AN,
                         k == 2 ? buf8 : x8 + 2 * AN, pad, &cfg, &p8, &arena);
        check(st == ATTN_OK && bytes_equal(buf8, ref8, AQ * AD),
              "int8 mha q %d kv %d: out == %s gives the same bytes", AQ, AKV, which[k]);
    }
    /* self-attention: one input (the k and v linears read its zero point too) */
    p8.k.in_zp = p8.v.in_zp = p8.q.in_zp;
    st = attn_mha_s8(ref8, x8 + AN, x8 + AN, x8 + AN, pad, &self, &p8, &arena);
    memcpy(buf8, x8 + AN, AN);
    if (st == ATTN_OK) st = attn_mha_s8(buf8, buf8, buf8, buf8, pad, &self, &p8, &arena);
    check(st == ATTN_OK && bytes_equal(buf8, ref8, AKV * AD),
          "int8 self-attention: out == xq == xk == xv gives the same bytes");
#endif
}

/* ---- scratch grows linearly (no seq x seq buffer) ----------------------------- */

typedef attn_status (*size_query)(int n, size_t *bytes);
static attn_encoder_cfg g_lin_cfg;
static attn_status q_layer(int n, size_t *b) { return attn_decoder_layer_scratch_f32(&g_lin_cfg, n, n, b); }
static attn_status q_stack(int n, size_t *b) { return attn_decoder_scratch_f32(&g_lin_cfg, n, n, b); }
static attn_status q_step(int n, size_t *b) { return attn_decoder_step_scratch_f32(&g_lin_cfg, n, n, b); }
static attn_status q_estep(int n, size_t *b) { return attn_encoder_step_scratch_f32(&g_lin_cfg, n, b); }
static attn_status q_cache(int n, size_t *b) { return attn_kv_cache_bytes_f32(2, g_lin_cfg.d_model, n, n, b); }
static attn_status q_s2s(int n, size_t *b)
{
    attn_seq2seq_cfg c = {0};
    memset(&c, 0, sizeof c);
    c.encoder = g_lin_cfg;
    c.encoder.causal = 0;
    c.decoder = g_lin_cfg;
    c.src_vocab = c.tgt_vocab = 50;
    c.max_src = c.max_tgt = n;
    c.position = ATTN_POS_LEARNED;
    return attn_seq2seq_scratch_f32(&c, b);
}
static attn_status q_lm(int n, size_t *b)
{
    attn_lm_cfg c = {0};
    memset(&c, 0, sizeof c);
    c.layers = g_lin_cfg;
    c.vocab = 50;
    c.max_len = n;
    c.position = ATTN_POS_SINUSOIDAL;
    return attn_lm_scratch_f32(&c, b);
}

static void test_scratch_growth(void)
{
    static const struct { const char *name; size_query q; } qs[] = {
        {"decoder layer (seq = mem_len = n)", q_layer}, {"decoder stack", q_stack},
        {"decoder step (max_len = max_mem = n)", q_step}, {"encoder step (max_len n)", q_estep},
        {"KV cache (2 layers, n tokens, n memory rows)", q_cache},
        {"seq2seq (max_src = max_tgt = n)", q_s2s}, {"lm (max_len n)", q_lm},
    };
    enum { N = 128 };
    size_t i;
    g_lin_cfg.d_model = 8; g_lin_cfg.n_heads = 2; g_lin_cfg.d_ff = 16;
    g_lin_cfg.activation = ATTN_ACT_GELU; g_lin_cfg.norm_first = 0; g_lin_cfg.causal = 1;
    g_lin_cfg.eps = 1e-5f;
    printf("scratch and cache bytes grow linearly with the sequence\n");
    for (i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        size_t f1 = 0, f2 = 0, f4 = 0;
        attn_status st = qs[i].q(N, &f1);
        if (st == ATTN_OK) st = qs[i].q(2 * N, &f2);
        if (st == ATTN_OK) st = qs[i].q(4 * N, &f4);
        /* f(n) = a n + b, up to ATTN_ALIGN per block: f(4n) - f(2n) = 2 (f(2n) - f(n)) within
           the rounding; a seq x seq float buffer would add 6 * 4 * n^2 = 393,216 B here */
        check(st == ATTN_OK && f2 > f1 && f4 > f2 &&
                  f4 - f2 <= 2 * (f2 - f1) + 32 * ATTN_ALIGN &&
                  f4 - f2 + 32 * ATTN_ALIGN >= 2 * (f2 - f1),
              "%s: %lu, %lu, %lu B at n = %d, %d, %d: linear", qs[i].name, (unsigned long)f1,
              (unsigned long)f2, (unsigned long)f4, N, 2 * N, 4 * N);
        printf("  %-46s %7lu %7lu %7lu B at n = %d, %d, %d\n", qs[i].name, (unsigned long)f1,
               (unsigned long)f2, (unsigned long)f4, N, 2 * N, 4 * N);
    }
}

/* ---- errors of the cache and of generation -------------------------------------- */

/* A small fixture (fits the micro:bit's pool): a 2-layer decoder d 4, a
   cache of 2 tokens and 3 memory rows; a seq2seq model and an LM of the same
   layers with vocabularies of 5 and 6. */
enum { ED = 4, EH = 2, EFF = 4, EL = 2, EMEM = 3, ELEN = 2, SV = 5, TV = 6, EMAX = 3 };

typedef struct {
    attn_encoder_cfg cfg;
    attn_decoder_layer_weights_f32 dl[EL];
    attn_encoder_layer_weights_f32 el[EL];
    attn_decoder_weights_f32 dw;
    attn_encoder_weights_f32 ew;
    attn_seq2seq_cfg s2s;
    attn_seq2seq_weights_f32 s2s_w;
    attn_lm_cfg lm;
    attn_lm_weights_f32 lm_w;
} err_fx;

#define ERR_STORE 512  /* the caches' arrays (the largest: 400 B)   */
#define ERR_ARENA 1024 /* scratch (the largest query: 208 B)       */

/* What a refused call must leave as it was: the row, the cache, its arrays. */
typedef struct {
    attn_kv_cache cache;
    unsigned char store[ERR_STORE];
    float row[TV > ED ? TV : ED];
    size_t store_bytes;
} err_snap;

static void snap(err_snap *s, const attn_kv_cache *c, const unsigned char *store, size_t n,
                 const float *row, size_t row_n)
{
    s->cache = *c;
    s->store_bytes = n < sizeof s->store ? n : sizeof s->store;
    memcpy(s->store, store, s->store_bytes);
    memcpy(s->row, row, row_n * sizeof(float));
}

static int unchanged(const err_snap *s, const attn_kv_cache *c, const unsigned char *store,
                     const float *row, size_t row_n)
{
    return bytes_equal(&s->cache, c, sizeof *c) && bytes_equal(s->store, store, s->store_bytes) &&
           bytes_equal(s->row, row, row_n * sizeof(float));
}

static void test_cache_errors(void)
{
    size_t nw_dec = dec_layer_floats(ED, EFF) * EL + 2 * ED;
    size_t nw_enc = enc_layer_floats(ED, EFF) * EL + 2 * ED;
    size_t n_emb = (size_t)(SV + TV + EMAX + EMAX + TV) * ED + TV;
    size_t c_bytes = 0, c_enc = 0, c_s2s = 0, c_lm = 0, q = 0, q2 = 0;
    float *wd = NULL, *we = NULL, *emb = NULL, *memory = NULL, *row = NULL;
    unsigned char *store_mem = NULL, *arena_mem = NULL;
    err_fx *f = NULL;
    err_snap *sn = NULL;
    attn_kv_cache cache, small;
    attn_arena store, arena;
    attn_status st;
    int t, toks[EMAX + 1], n_out, src[EMAX] = {1, 4, 0}, bad_src[EMAX] = {1, SV, 0};
    int prompt[2] = {3, 5}, want[EMAX], eos_never = -1;
    printf("cache and generation errors\n");
    while (check_plan("cache errors fixture")) {
        f = (err_fx *)check_plan_take(sizeof *f);
        sn = (err_snap *)check_plan_take(sizeof *sn);
        wd = (float *)check_plan_take(nw_dec * sizeof(float));
        we = (float *)check_plan_take(nw_enc * sizeof(float));
        emb = (float *)check_plan_take(n_emb * sizeof(float));
        memory = (float *)check_plan_take((size_t)EMEM * ED * sizeof(float));
        row = (float *)check_plan_take((size_t)TV * sizeof(float));
        store_mem = (unsigned char *)check_plan_take(ERR_STORE);
        arena_mem = (unsigned char *)check_plan_take(ERR_ARENA);
    }
    if (!check_planned()) return;
    memset(f, 0, sizeof *f);
    check_seed(500);
    check_fill(wd, nw_dec, -0.5f, 0.5f);
    check_fill(we, nw_enc, -0.5f, 0.5f);
    check_fill(emb, n_emb, -1.0f, 1.0f);
    check_fill(memory, (size_t)EMEM * ED, -1.0f, 1.0f);
    f->cfg.d_model = ED; f->cfg.n_heads = EH; f->cfg.d_ff = EFF;
    f->cfg.activation = ATTN_ACT_RELU; f->cfg.norm_first = 1; f->cfg.causal = 1;
    f->cfg.eps = 1e-5f;
    random_decoder(&f->dw, f->dl, wd, EL, ED, EFF);
    random_encoder(&f->ew, f->el, we, EL, ED, EFF);
    attn_arena_init(&arena, arena_mem, ERR_ARENA);
    st = attn_kv_cache_bytes_f32(EL, ED, ELEN, EMEM, &c_bytes);
    check(st == ATTN_OK && c_bytes <= ERR_STORE, "cache errors: the cache fits the fixture (%lu B)",
          (unsigned long)c_bytes);
    if (c_bytes > ERR_STORE) return;

    /* a step before any memory is set: ATTN_ERR_SHAPE, nothing changed */
    attn_arena_init(&store, store_mem, c_bytes);
    st = attn_kv_cache_init_f32(&cache, EL, ED, ELEN, EMEM, &store);
    check(st == ATTN_OK && cache.len == 0 && cache.mem_len == 0, "cache errors: init %s",
          attn_status_str(st));
    check_fill(row, ED, -1.0f, 1.0f);
    snap(sn, &cache, store_mem, c_bytes, row, ED);
    st = attn_decoder_step_f32(row, &cache, &f->cfg, &f->dw, &arena);
    check(st == ATTN_ERR_SHAPE && unchanged(sn, &cache, store_mem, row, ED) && arena.used == 0,
          "decoder step before any memory: %s (want ATTN_ERR_SHAPE), nothing changed",
          attn_status_str(st));
    /* memory longer than the cache holds: ATTN_ERR_SHAPE */
    st = attn_decoder_memory_f32(&cache, memory, EMEM + 1, NULL, &f->cfg, &f->dw);
    check(st == ATTN_ERR_SHAPE && unchanged(sn, &cache, store_mem, row, ED),
          "decoder memory of %d rows into a cache of %d: %s (want ATTN_ERR_SHAPE), nothing "
          "changed", EMEM + 1, EMEM, attn_status_str(st));
    /* the cache's layers differ from the weights': ATTN_ERR_SHAPE */
    f->dw.n_layers = 1;
    st = attn_decoder_memory_f32(&cache, memory, EMEM, NULL, &f->cfg, &f->dw);
    check(st == ATTN_ERR_SHAPE && unchanged(sn, &cache, store_mem, row, ED),
          "decoder memory of 1 layer into a cache of %d: %s (want ATTN_ERR_SHAPE)", EL,
          attn_status_str(st));
    f->dw.n_layers = EL;

    /* fill the cache: two steps, then ATTN_ERR_FULL with nothing changed */
    st = attn_decoder_memory_f32(&cache, memory, EMEM, NULL, &f->cfg, &f->dw);
    check(st == ATTN_OK && cache.len == 0 && cache.mem_len == EMEM,
          "cache errors: memory %s", attn_status_str(st));
    for (t = 0; t < ELEN && st == ATTN_OK; t++) {
        check_fill(row, ED, -1.0f, 1.0f);
        st = attn_decoder_step_f32(row, &cache, &f->cfg, &f->dw, &arena);
    }
    check(st == ATTN_OK && cache.len == ELEN, "cache errors: %d steps fill the cache: %s", ELEN,
          attn_status_str(st));
    check_fill(row, ED, -1.0f, 1.0f);
    snap(sn, &cache, store_mem, c_bytes, row, ED);
    arena.high_water = 0;
    st = attn_decoder_step_f32(row, &cache, &f->cfg, &f->dw, &arena);
    check(st == ATTN_ERR_FULL && unchanged(sn, &cache, store_mem, row, ED) && arena.used == 0 &&
              arena.high_water == 0,
          "decoder step into a full cache: %s (want ATTN_ERR_FULL), nothing changed",
          attn_status_str(st));
    /* a step whose cfg is wider than the cache: ATTN_ERR_SHAPE (after reset + memory) */
    st = attn_decoder_memory_f32(&cache, memory, EMEM, NULL, &f->cfg, &f->dw);
    snap(sn, &cache, store_mem, c_bytes, row, ED);
    f->cfg.d_model = 2 * ED;
    st = attn_decoder_step_f32(row, &cache, &f->cfg, &f->dw, &arena);
    f->cfg.d_model = ED;
    check(st == ATTN_ERR_SHAPE && unchanged(sn, &cache, store_mem, row, ED),
          "decoder step with d_model %d on a cache of %d: %s (want ATTN_ERR_SHAPE)", 2 * ED, ED,
          attn_status_str(st));
    /* weights of one layer on a cache of two */
    f->dw.n_layers = 1;
    st = attn_decoder_step_f32(row, &cache, &f->cfg, &f->dw, &arena);
    f->dw.n_layers = EL;
    check(st == ATTN_ERR_SHAPE && unchanged(sn, &cache, store_mem, row, ED),
          "decoder step with 1 layer on a cache of %d: %s (want ATTN_ERR_SHAPE)", EL,
          attn_status_str(st));
    /* reset forgets the memory too: a step is refused again */
    st = attn_kv_cache_reset(&cache);
    check(st == ATTN_OK && cache.len == 0 && cache.mem_len == 0, "kv cache reset: %s, len %d, "
          "mem_len %d", attn_status_str(st), cache.len, cache.mem_len);
    st = attn_decoder_step_f32(row, &cache, &f->cfg, &f->dw, &arena);
    check(st == ATTN_ERR_SHAPE, "decoder step after a reset (no memory): %s (want "
          "ATTN_ERR_SHAPE)", attn_status_str(st));

    /* the causal encoder's step: full after max_len, and the wrong layer count */
    attn_kv_cache_bytes_f32(EL, ED, ELEN, 0, &c_enc);
    attn_arena_init(&store, store_mem, c_enc);
    st = attn_kv_cache_init_f32(&small, EL, ED, ELEN, 0, &store);
    for (t = 0; t < ELEN && st == ATTN_OK; t++) {
        check_fill(row, ED, -1.0f, 1.0f);
        st = attn_encoder_step_f32(row, &small, &f->cfg, &f->ew, &arena);
    }
    check(st == ATTN_OK && small.len == ELEN, "encoder steps fill a cache of %d: %s", ELEN,
          attn_status_str(st));
    snap(sn, &small, store_mem, c_enc, row, ED);
    st = attn_encoder_step_f32(row, &small, &f->cfg, &f->ew, &arena);
    check(st == ATTN_ERR_FULL && unchanged(sn, &small, store_mem, row, ED) && arena.used == 0,
          "encoder step into a full cache: %s (want ATTN_ERR_FULL), nothing changed",
          attn_status_str(st));
    attn_kv_cache_reset(&small);
    snap(sn, &small, store_mem, c_enc, row, ED);
    f->ew.n_layers = 1;
    st = attn_encoder_step_f32(row, &small, &f->cfg, &f->ew, &arena);
    f->ew.n_layers = EL;
    check(st == ATTN_ERR_SHAPE && unchanged(sn, &small, store_mem, row, ED),
          "encoder step with 1 layer on a cache of %d: %s (want ATTN_ERR_SHAPE)", EL,
          attn_status_str(st));

    /* seq2seq: tokens outside the vocabularies, a full cache, greedy's limits */
    f->s2s.encoder = f->cfg;
    f->s2s.encoder.causal = 0;
    f->s2s.decoder = f->cfg;
    f->s2s.src_vocab = SV; f->s2s.tgt_vocab = TV; f->s2s.max_src = EMAX; f->s2s.max_tgt = EMAX;
    f->s2s.position = ATTN_POS_LEARNED; f->s2s.embed_scale = 2.0f;
    f->s2s_w.src_embed = emb; f->s2s_w.tgt_embed = emb + SV * ED;
    f->s2s_w.src_pos = emb + (SV + TV) * ED; f->s2s_w.tgt_pos = emb + (SV + TV + EMAX) * ED;
    f->s2s_w.encoder = f->ew; f->s2s_w.decoder = f->dw;
    f->s2s_w.out_w = emb + (SV + TV + 2 * EMAX) * ED; f->s2s_w.out_b = f->s2s_w.out_w + TV * ED;
    st = attn_seq2seq_scratch_f32(&f->s2s, &q);
    attn_kv_cache_bytes_f32(EL, ED, EMAX, EMAX, &c_s2s);
    if (!check(st == ATTN_OK && q <= ERR_ARENA && c_s2s <= ERR_STORE, "seq2seq fixture: scratch %lu B, "
               "cache %lu B", (unsigned long)q, (unsigned long)c_s2s))
        return;
    attn_arena_init(&store, store_mem, c_s2s);
    st = attn_kv_cache_init_f32(&cache, EL, ED, EMAX, EMAX, &store);
    snap(sn, &cache, store_mem, c_s2s, row, TV);
    st = attn_seq2seq_encode_f32(&cache, bad_src, EMAX, &f->s2s, &f->s2s_w, &arena);
    check(st == ATTN_ERR_RANGE && unchanged(sn, &cache, store_mem, row, TV),
          "seq2seq encode of source token %d (vocabulary %d): %s (want ATTN_ERR_RANGE), nothing "
          "changed", SV, SV, attn_status_str(st));
    bad_src[1] = -1;
    st = attn_seq2seq_encode_f32(&cache, bad_src, EMAX, &f->s2s, &f->s2s_w, &arena);
    check(st == ATTN_ERR_RANGE && unchanged(sn, &cache, store_mem, row, TV),
          "seq2seq encode of source token -1: %s (want ATTN_ERR_RANGE)", attn_status_str(st));
    arena.high_water = 0; /* from here: at the longest source and target */
    st = attn_seq2seq_encode_f32(&cache, src, EMAX, &f->s2s, &f->s2s_w, &arena);
    check(st == ATTN_OK && cache.mem_len == EMAX && cache.len == 0, "seq2seq encode: %s",
          attn_status_str(st));
    /* the greedy tokens by hand: steps and argmax */
    for (t = 0; t < EMAX && st == ATTN_OK; t++) {
        st = attn_seq2seq_step_f32(row, t == 0 ? 2 : want[t - 1], &cache, &f->s2s, &f->s2s_w,
                                   &arena);
        if (st == ATTN_OK) st = attn_argmax_f32(&want[t], row, TV);
    }
    check(st == ATTN_OK && cache.len == EMAX, "seq2seq: %d steps by hand: %s", EMAX,
          attn_status_str(st));
    check(q == ATTN_SEQ2SEQ_SCRATCH_F32(EMAX, EMAX, ED, EFF, TV) && q == arena.high_water &&
              arena.used == 0,
          "seq2seq at max_src and max_tgt: scratch query %lu == macro == high-water %lu",
          (unsigned long)q, (unsigned long)arena.high_water);
    for (t = 0; t < TV; t++)
        if (t != want[0] && t != want[1] && t != want[2]) eos_never = t;
    snap(sn, &cache, store_mem, c_s2s, row, TV);
    st = attn_seq2seq_step_f32(row, 0, &cache, &f->s2s, &f->s2s_w, &arena);
    check(st == ATTN_ERR_FULL && unchanged(sn, &cache, store_mem, row, TV),
          "seq2seq step into a full cache: %s (want ATTN_ERR_FULL), nothing changed",
          attn_status_str(st));
    attn_seq2seq_encode_f32(&cache, src, EMAX, &f->s2s, &f->s2s_w, &arena);
    snap(sn, &cache, store_mem, c_s2s, row, TV);
    st = attn_seq2seq_step_f32(row, TV, &cache, &f->s2s, &f->s2s_w, &arena);
    check(st == ATTN_ERR_RANGE && unchanged(sn, &cache, store_mem, row, TV),
          "seq2seq step of token %d (vocabulary %d): %s (want ATTN_ERR_RANGE), nothing changed",
          TV, TV, attn_status_str(st));
    st = attn_seq2seq_step_f32(row, -1, &cache, &f->s2s, &f->s2s_w, &arena);
    check(st == ATTN_ERR_RANGE && unchanged(sn, &cache, store_mem, row, TV),
          "seq2seq step of token -1: %s (want ATTN_ERR_RANGE)", attn_status_str(st));
    /* greedy = steps + argmax; stops at max_out, and at eos (not stored) */
    n_out = -1;
    st = attn_seq2seq_greedy_f32(toks, &n_out, EMAX, src, EMAX, 2, eos_never, &cache, &f->s2s,
                                 &f->s2s_w, &arena);
    check(st == ATTN_OK && n_out == EMAX && toks[0] == want[0] && toks[1] == want[1] &&
              toks[2] == want[2],
          "seq2seq greedy without eos: %s, %d tokens (want %d), the steps' argmaxes", 
          attn_status_str(st), n_out, EMAX);
    n_out = -1;
    toks[1] = -7;
    st = attn_seq2seq_greedy_f32(toks, &n_out, 1, src, EMAX, 2, eos_never, &cache, &f->s2s,
                                 &f->s2s_w, &arena);
    check(st == ATTN_OK && n_out == 1 && toks[0] == want[0] && toks[1] == -7,
          "seq2seq greedy with max_out 1: %s, %d token, nothing past it", attn_status_str(st),
          n_out);
    n_out = -1;
    st = attn_seq2seq_greedy_f32(toks, &n_out, EMAX, src, EMAX, 2, want[0], &cache, &f->s2s,
                                 &f->s2s_w, &arena);
    check(st == ATTN_OK && n_out == 0, "seq2seq greedy whose first token is eos: %s, %d tokens "
          "(want 0)", attn_status_str(st), n_out);
    n_out = -1;
    toks[0] = -7;
    st = attn_seq2seq_greedy_f32(toks, &n_out, EMAX, src, EMAX, TV, eos_never, &cache, &f->s2s,
                                 &f->s2s_w, &arena);
    check(st == ATTN_ERR_RANGE && n_out == -1 && toks[0] == -7,
          "seq2seq greedy with bos %d (vocabulary %d): %s (want ATTN_ERR_RANGE), nothing written",
          TV, TV, attn_status_str(st));
    st = attn_seq2seq_greedy_f32(toks, &n_out, EMAX + 1, src, EMAX, 2, eos_never, &cache,
                                 &f->s2s, &f->s2s_w, &arena);
    check(st == ATTN_ERR_SHAPE && n_out == -1 && toks[0] == -7,
          "seq2seq greedy with max_out %d > the cache's %d tokens: %s (want ATTN_ERR_SHAPE)",
          EMAX + 1, EMAX, attn_status_str(st));

    /* lm: the same */
    f->lm.layers = f->cfg;
    f->lm.vocab = TV; f->lm.max_len = EMAX; f->lm.position = ATTN_POS_SINUSOIDAL;
    f->lm.embed_scale = 0.0f;
    f->lm_w.embed = f->s2s_w.tgt_embed; f->lm_w.pos = NULL; f->lm_w.layers = f->ew;
    f->lm_w.out_w = f->s2s_w.out_w; f->lm_w.out_b = f->s2s_w.out_b;
    st = attn_lm_scratch_f32(&f->lm, &q2);
    attn_kv_cache_bytes_f32(EL, ED, EMAX, 0, &c_lm);
    attn_arena_init(&store, store_mem, c_lm);
    if (st == ATTN_OK) st = attn_kv_cache_init_f32(&small, EL, ED, EMAX, 0, &store);
    if (!check(st == ATTN_OK && q2 <= ERR_ARENA && c_lm <= ERR_STORE, "lm fixture: scratch %lu B, cache %lu B: %s",
               (unsigned long)q2, (unsigned long)c_lm, attn_status_str(st)))
        return;
    snap(sn, &small, store_mem, c_lm, row, TV);
    st = attn_lm_step_f32(row, TV, &small, &f->lm, &f->lm_w, &arena);
    check(st == ATTN_ERR_RANGE && unchanged(sn, &small, store_mem, row, TV),
          "lm step of token %d (vocabulary %d): %s (want ATTN_ERR_RANGE), nothing changed", TV,
          TV, attn_status_str(st));
    arena.high_water = 0;
    for (t = 0; t < EMAX && st != ATTN_ERR_FULL; t++) {
        st = attn_lm_step_f32(row, t == 0 ? prompt[0] : t == 1 ? prompt[1] : want[0], &small,
                              &f->lm, &f->lm_w, &arena);
        if (st == ATTN_OK && t > 0) attn_argmax_f32(&want[t - 1], row, TV);
    }
    check(st == ATTN_OK && small.len == EMAX, "lm: %d steps: %s", EMAX, attn_status_str(st));

    snap(sn, &small, store_mem, c_lm, row, TV);
    st = attn_lm_step_f32(row, 0, &small, &f->lm, &f->lm_w, &arena);
    check(st == ATTN_ERR_FULL && unchanged(sn, &small, store_mem, row, TV),
          "lm step into a full cache: %s (want ATTN_ERR_FULL), nothing changed",
          attn_status_str(st));
    /* greedy from a prompt of 2: writes up to max_out = 2 new tokens (2 + 2 - 1 = max_len) */
    for (t = 0; t < TV; t++)
        if (t != want[0] && t != want[1]) eos_never = t;
    attn_kv_cache_reset(&small);
    n_out = -1;
    st = attn_lm_greedy_f32(toks, &n_out, 2, prompt, 2, eos_never, &small, &f->lm, &f->lm_w,
                            &arena);
    check(st == ATTN_OK && n_out == 2 && toks[0] == want[0] && toks[1] == want[1],
          "lm greedy from a prompt of 2: %s, %d tokens (want 2), the steps' argmaxes",
          attn_status_str(st), n_out);
    /* steps and greedy, both to max_len */
    check(q2 == ATTN_LM_SCRATCH_F32(EMAX, ED, EFF, TV) && q2 == arena.high_water &&
              arena.used == 0,
          "lm at max_len: scratch query %lu == macro == high-water %lu over steps and greedy",
          (unsigned long)q2, (unsigned long)arena.high_water);
    attn_kv_cache_reset(&small);
    n_out = -1;
    st = attn_lm_greedy_f32(toks, &n_out, 2, prompt, 2, want[0], &small, &f->lm, &f->lm_w,
                            &arena);
    check(st == ATTN_OK && n_out == 0, "lm greedy whose first new token is eos: %s, %d tokens",
          attn_status_str(st), n_out);
    attn_kv_cache_reset(&small);
    n_out = -1;
    toks[0] = -7;
    st = attn_lm_greedy_f32(toks, &n_out, 3, prompt, 2, eos_never, &small, &f->lm, &f->lm_w,
                            &arena);
    check(st == ATTN_ERR_SHAPE && n_out == -1 && toks[0] == -7,
          "lm greedy with prompt 2 + max_out 3 - 1 > max_len %d: %s (want ATTN_ERR_SHAPE), "
          "nothing written", EMAX, attn_status_str(st));
    prompt[1] = TV;
    st = attn_lm_greedy_f32(toks, &n_out, 2, prompt, 2, eos_never, &small, &f->lm, &f->lm_w,
                            &arena);
    check(st == ATTN_ERR_RANGE && n_out == -1 && toks[0] == -7,
          "lm greedy with a prompt token %d (vocabulary %d): %s (want ATTN_ERR_RANGE), nothing "
          "written", TV, TV, attn_status_str(st));
    check(arena.used == 0, "cache errors: every call gave its scratch back");
}

void test_decoder(void)
{
    printf("decoder (issue 10)\n");
    test_decoder_golden();
    test_stepping();
#if !defined(ATTN_NO_INT8)
    test_stepping_s8();
    test_tokens_s8();
#endif
    test_mha_aliasing();
    test_scratch_growth();
    test_cache_errors();
}
