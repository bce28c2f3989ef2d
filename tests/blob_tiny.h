/* blob_tiny.h - tiny models of each kind a model blob holds (attention.h
   MODEL BLOBS), for tests/test_blob.c, tests/test_bad_blob.c and the fuzz
   target tests/fuzz/fuzz_blob.c: a float classifier and an int8 one, a
   float encoder-decoder and an int8 one, each with most of its optional
   tensors, made from a fixed generator (the int8 parameters by hand, each
   valid for the run functions). Static functions only (include it in the
   files that use it). tiny_init fills one model of a tiny_models (kind
   1..4 as the blob's kind word); the arrays live in the struct itself
   (about 5 KB, enough for any one kind), so that a caller places it (the
   test pool, a static). */
#ifndef BLOB_TINY_H
#define BLOB_TINY_H

#include <string.h>

#include "attention.h"

/* (not every file uses every function) */
#if defined(__GNUC__) || defined(__clang__)
#define TINY_FN static __attribute__((unused))
#else
#define TINY_FN static
#endif

enum { TINY_D = 4, TINY_FF = 4, TINY_IN = 3, TINY_CLS = 3, TINY_SEQ = 3, TINY_MAX_SEQ = 4,
       TINY_SRC_V = 5, TINY_TGT_V = 6, TINY_MAX_SRC = 4, TINY_MAX_TGT = 5,
#ifdef BLOB_TINY_CLASSIFIERS_ONLY /* (a board whose RAM holds the classifiers' only) */
       TINY_NF = 200, TINY_NB = 420, TINY_NI = 60, TINY_NQ = 60
#else
       TINY_NF = 480, TINY_NB = 480, TINY_NI = 100, TINY_NQ = 100
#endif
};

typedef struct {
    attn_model_cfg mc;                     /* the float classifier            */
    attn_model_weights_f32 mw;
    attn_encoder_layer_weights_f32 ml[1];
    attn_model_cfg mc8;                    /* the int8 classifier (1 layer)   */
    attn_model_s8_params mp;
    attn_encoder_layer_s8_params mpl[1];
    attn_cls_row_s8_params mrow;           /* its CLS row at its own encoding */
    attn_cls_layer_s8_params mrowl[1];
    attn_seq2seq_cfg sc;                   /* the float encoder-decoder       */
    attn_seq2seq_weights_f32 sw;
    attn_encoder_layer_weights_f32 swe[1];
    attn_decoder_layer_weights_f32 swd[1];
    attn_seq2seq_cfg sc8;                  /* the int8 encoder-decoder        */
    attn_seq2seq_s8_params sp;
    attn_encoder_layer_s8_params spe[1];
    attn_decoder_layer_s8_params spd[1];
    float f[TINY_NF];
    int8_t b[TINY_NB];
    int32_t i[TINY_NI];
    attn_qmul q[TINY_NQ];
    int nf, nb, ni, nq, overflow;          /* used; 1 if a pool ran out       */
    unsigned rng;
} tiny_models;

static unsigned tiny_next(tiny_models *t)
{
    t->rng = t->rng * 1103515245u + 12345u;
    return t->rng >> 8;
}

/* n floats in [-0.5, 0.5) (multiples of 1/64) */
static const float *tiny_f(tiny_models *t, int n)
{
    float *p = t->f + t->nf;
    int k;
    if (t->nf + n > TINY_NF) {
        t->overflow = 1;
        return t->f;
    }
    for (k = 0; k < n; k++) p[k] = (float)((int)(tiny_next(t) % 64u) - 32) / 64.0f;
    t->nf += n;
    return p;
}

static const int8_t *tiny_b(tiny_models *t, int n)
{
    int8_t *p = t->b + t->nb;
    int k;
    if (t->nb + n > TINY_NB) {
        t->overflow = 1;
        return t->b;
    }
    for (k = 0; k < n; k++) p[k] = (int8_t)((int)(tiny_next(t) % 256u) - 128);
    t->nb += n;
    return p;
}

static const int32_t *tiny_i(tiny_models *t, int n)
{
    int32_t *p = t->i + t->ni;
    int k;
    if (t->ni + n > TINY_NI) {
        t->overflow = 1;
        return t->i;
    }
    for (k = 0; k < n; k++) p[k] = (int32_t)(tiny_next(t) % 2001u) - 1000;
    t->ni += n;
    return p;
}

/* n multipliers 0.5 * 2^shift */
static const attn_qmul *tiny_q(tiny_models *t, int n, int shift)
{
    attn_qmul *p = t->q + t->nq;
    int k;
    if (t->nq + n > TINY_NQ) {
        t->overflow = 1;
        return t->q;
    }
    for (k = 0; k < n; k++) {
        p[k].multiplier = 1073741824 + (int32_t)(tiny_next(t) % 1000u);
        p[k].shift = shift;
    }
    t->nq += n;
    return p;
}

static attn_qmul tiny_qm(int shift)
{
    attn_qmul m;
    m.multiplier = 1073741824;
    m.shift = shift;
    return m;
}

static void tiny_mha_f32(tiny_models *t, attn_mha_weights_f32 *w)
{
    w->wq = tiny_f(t, TINY_D * TINY_D);
    w->wk = tiny_f(t, TINY_D * TINY_D);
    w->wv = tiny_f(t, TINY_D * TINY_D);
    w->bq = tiny_f(t, TINY_D);
    w->bk = NULL;
    w->bv = tiny_f(t, TINY_D);
    w->wo = tiny_f(t, TINY_D * TINY_D);
    w->bo = tiny_f(t, TINY_D);
}

static void tiny_enc_f32(tiny_models *t, attn_encoder_layer_weights_f32 *w)
{
    tiny_mha_f32(t, &w->attn);
    w->ff1_w = tiny_f(t, TINY_FF * TINY_D);
    w->ff1_b = tiny_f(t, TINY_FF);
    w->ff2_w = tiny_f(t, TINY_D * TINY_FF);
    w->ff2_b = NULL;
    w->norm1_w = tiny_f(t, TINY_D);
    w->norm1_b = tiny_f(t, TINY_D);
    w->norm2_w = NULL;
    w->norm2_b = tiny_f(t, TINY_D);
}

static void tiny_dec_f32(tiny_models *t, attn_decoder_layer_weights_f32 *w)
{
    tiny_mha_f32(t, &w->self_attn);
    tiny_mha_f32(t, &w->cross_attn);
    w->ff1_w = tiny_f(t, TINY_FF * TINY_D);
    w->ff1_b = tiny_f(t, TINY_FF);
    w->ff2_w = tiny_f(t, TINY_D * TINY_FF);
    w->ff2_b = tiny_f(t, TINY_D);
    w->norm1_w = tiny_f(t, TINY_D);
    w->norm1_b = NULL;
    w->norm2_w = tiny_f(t, TINY_D);
    w->norm2_b = tiny_f(t, TINY_D);
    w->norm3_w = NULL;
    w->norm3_b = NULL;
}

static void tiny_enc_cfg(attn_encoder_cfg *e, attn_activation act, int norm_first, int causal)
{
    memset(e, 0, sizeof *e);
    e->d_model = TINY_D;
    e->n_heads = 2;
    e->d_ff = TINY_FF;
    e->activation = act;
    e->norm_first = norm_first;
    e->causal = causal;
    e->eps = 1e-5f;
    e->window = 0;
}

static void tiny_lin_s8(tiny_models *t, attn_linear_s8_params *p, int in, int out)
{
    memset(p, 0, sizeof *p);
    p->w = tiny_b(t, out * in);
    p->bias = tiny_i(t, out);
    p->requant = tiny_q(t, out, -7);
    p->in_zp = 0;
    p->out_zp = 0;
    p->act_min = -128;
    p->act_max = 127;
}

static void tiny_norm_s8(tiny_models *t, attn_layernorm_s8_params *p)
{
    memset(p, 0, sizeof *p);
    p->gamma = tiny_q(t, TINY_D, -1);
    p->beta = tiny_i(t, TINY_D);
    p->eps = 3;
    p->out_zp = 1;
}

static void tiny_add_s8(attn_add_s8_params *p)
{
    p->a_zp = 1;
    p->b_zp = 0;
    p->a_mul = tiny_qm(0);
    p->b_mul = tiny_qm(-1);
    p->out_mul = tiny_qm(0);
    p->out_zp = 0;
}

static void tiny_mha_s8(tiny_models *t, attn_mha_s8_params *p)
{
    tiny_lin_s8(t, &p->q, TINY_D, TINY_D);
    tiny_lin_s8(t, &p->k, TINY_D, TINY_D);
    tiny_lin_s8(t, &p->v, TINY_D, TINY_D);
    tiny_lin_s8(t, &p->o, TINY_D, TINY_D);
    p->sdpa.q_zp = p->sdpa.k_zp = p->sdpa.v_zp = 0;
    p->sdpa.score_mul = tiny_qm(2);
    p->sdpa.ctx_mul = tiny_qm(-12);
    p->sdpa.out_zp = 0;
}

static void tiny_enc_s8(tiny_models *t, attn_encoder_layer_s8_params *p, int gelu)
{
    memset(p, 0, sizeof *p);
    tiny_mha_s8(t, &p->attn);
    tiny_add_s8(&p->add1);
    tiny_norm_s8(t, &p->norm1);
    tiny_lin_s8(t, &p->ff1, TINY_D, TINY_FF);
    p->gelu_table = gelu ? tiny_b(t, 256) : NULL;
    tiny_lin_s8(t, &p->ff2, TINY_FF, TINY_D);
    tiny_add_s8(&p->add2);
    tiny_norm_s8(t, &p->norm2);
}

static void tiny_dec_s8(tiny_models *t, attn_decoder_layer_s8_params *p)
{
    memset(p, 0, sizeof *p);
    tiny_mha_s8(t, &p->self_attn);
    tiny_add_s8(&p->add1);
    tiny_norm_s8(t, &p->norm1);
    tiny_mha_s8(t, &p->cross_attn);
    tiny_add_s8(&p->add2);
    tiny_norm_s8(t, &p->norm2);
    tiny_lin_s8(t, &p->ff1, TINY_D, TINY_FF);
    p->gelu_table = NULL;
    tiny_lin_s8(t, &p->ff2, TINY_FF, TINY_D);
    tiny_add_s8(&p->add3);
    tiny_norm_s8(t, &p->norm3);
}

/* float classifier: features, learned positions, a CLS row, attention
   pooling, an embedding LayerNorm, 1 post-norm GELU layer, final norm */
static void tiny_model_f32(tiny_models *t)
{
    tiny_enc_cfg(&t->mc.encoder, ATTN_ACT_GELU, 0, 0);
    t->mc.d_in = TINY_IN;
    t->mc.max_seq = TINY_MAX_SEQ;
    t->mc.position = ATTN_POS_LEARNED;
    t->mc.pooling = ATTN_POOL_ATTENTION;
    t->mc.n_classes = TINY_CLS;
    t->mc.cls_token = 1;
    t->mc.embed_norm = 1;
    t->mw.embed_w = tiny_f(t, TINY_D * TINY_IN);
    t->mw.embed_b = tiny_f(t, TINY_D);
    t->mw.pos = tiny_f(t, TINY_MAX_SEQ * TINY_D);
    tiny_enc_f32(t, &t->ml[0]);
    t->mw.encoder.layers = t->ml;
    t->mw.encoder.n_layers = 1;
    t->mw.encoder.final_norm = 1;
    t->mw.encoder.norm_w = tiny_f(t, TINY_D);
    t->mw.encoder.norm_b = NULL;
    t->mw.cls_w = tiny_f(t, TINY_CLS * TINY_D);
    t->mw.cls_b = tiny_f(t, TINY_CLS);
    t->mw.cls_token = tiny_f(t, TINY_D);
    t->mw.pool_w = tiny_f(t, TINY_D);
    t->mw.embed_norm_w = tiny_f(t, TINY_D);
    t->mw.embed_norm_b = tiny_f(t, TINY_D);
}

/* int8 classifier: features, a CLS row at its own encoding (cls_row),
   learned positions, mean pooling, 1 pre-norm GELU layer (its table),
   final norm */
static void tiny_model_s8(tiny_models *t)
{
    tiny_enc_cfg(&t->mc8.encoder, ATTN_ACT_GELU, 1, 0);
    t->mc8.d_in = TINY_IN;
    t->mc8.max_seq = TINY_MAX_SEQ;
    t->mc8.position = ATTN_POS_LEARNED;
    t->mc8.pooling = ATTN_POOL_MEAN;
    t->mc8.n_classes = TINY_CLS;
    t->mc8.cls_token = 1;
    tiny_lin_s8(t, &t->mp.embed, TINY_IN, TINY_D);
    t->mp.pos = tiny_b(t, TINY_MAX_SEQ * TINY_D);
    tiny_add_s8(&t->mp.pos_add);
    tiny_enc_s8(t, &t->mpl[0], 1);
    t->mp.encoder.layers = t->mpl;
    t->mp.encoder.n_layers = 1;
    t->mp.encoder.final_norm = 1;
    tiny_norm_s8(t, &t->mp.encoder.norm);
    tiny_lin_s8(t, &t->mp.cls, TINY_D, TINY_CLS);
    t->mp.cls_token = tiny_b(t, TINY_D);
    t->mrow.x0 = tiny_b(t, TINY_D);
    tiny_add_s8(&t->mrowl[0].add1);
    tiny_add_s8(&t->mrowl[0].add2);
    tiny_norm_s8(t, &t->mrowl[0].norm1);
    tiny_norm_s8(t, &t->mrowl[0].norm2);
    t->mrow.layers = t->mrowl;
    tiny_norm_s8(t, &t->mrow.norm);
    t->mp.cls_row = &t->mrow;
    t->mp.in_scale = 0.05f;
    t->mp.logit_scale = 0.125f;
    t->mp.in_zp = 3;
    t->mp.logit_zp = -2;
}

/* float encoder-decoder: tokens, learned positions, embed_scale 2 and
   embedding norms, 1 + 1 pre-norm ReLU layers, final norms */
static void tiny_s2s_f32(tiny_models *t)
{
    tiny_enc_cfg(&t->sc.encoder, ATTN_ACT_RELU, 1, 0);
    tiny_enc_cfg(&t->sc.decoder, ATTN_ACT_RELU, 1, 1);
    t->sc.src_vocab = TINY_SRC_V;
    t->sc.tgt_vocab = TINY_TGT_V;
    t->sc.max_src = TINY_MAX_SRC;
    t->sc.max_tgt = TINY_MAX_TGT;
    t->sc.position = ATTN_POS_LEARNED;
    t->sc.embed_scale = 2.0f;
    t->sc.embed_norm = 1;
    t->sw.src_embed = tiny_f(t, TINY_SRC_V * TINY_D);
    t->sw.tgt_embed = tiny_f(t, TINY_TGT_V * TINY_D);
    t->sw.src_pos = tiny_f(t, TINY_MAX_SRC * TINY_D);
    t->sw.tgt_pos = tiny_f(t, TINY_MAX_TGT * TINY_D);
    tiny_enc_f32(t, &t->swe[0]);
    tiny_dec_f32(t, &t->swd[0]);
    t->sw.encoder.layers = t->swe;
    t->sw.encoder.n_layers = 1;
    t->sw.encoder.final_norm = 1;
    t->sw.encoder.norm_w = tiny_f(t, TINY_D);
    t->sw.encoder.norm_b = tiny_f(t, TINY_D);
    t->sw.decoder.layers = t->swd;
    t->sw.decoder.n_layers = 1;
    t->sw.decoder.final_norm = 1;
    t->sw.decoder.norm_w = NULL;
    t->sw.decoder.norm_b = tiny_f(t, TINY_D);
    t->sw.out_w = tiny_f(t, TINY_TGT_V * TINY_D);
    t->sw.out_b = tiny_f(t, TINY_TGT_V);
    t->sw.src_embed_norm_w = tiny_f(t, TINY_D);
    t->sw.src_embed_norm_b = NULL;
    t->sw.tgt_embed_norm_w = tiny_f(t, TINY_D);
    t->sw.tgt_embed_norm_b = tiny_f(t, TINY_D);
}

/* int8 encoder-decoder: tokens, sinusoidal positions (int8 tables), 1 + 1
   pre-norm ReLU layers, a final norm on the encoder */
static void tiny_s2s_s8(tiny_models *t)
{
    tiny_enc_cfg(&t->sc8.encoder, ATTN_ACT_RELU, 1, 0);
    tiny_enc_cfg(&t->sc8.decoder, ATTN_ACT_RELU, 1, 1);
    t->sc8.src_vocab = TINY_SRC_V;
    t->sc8.tgt_vocab = TINY_TGT_V;
    t->sc8.max_src = TINY_MAX_SRC;
    t->sc8.max_tgt = TINY_MAX_TGT;
    t->sc8.position = ATTN_POS_SINUSOIDAL;
    t->sp.src_embed = tiny_b(t, TINY_SRC_V * TINY_D);
    t->sp.tgt_embed = tiny_b(t, TINY_TGT_V * TINY_D);
    t->sp.src_pos = tiny_b(t, TINY_MAX_SRC * TINY_D);
    t->sp.tgt_pos = tiny_b(t, TINY_MAX_TGT * TINY_D);
    tiny_add_s8(&t->sp.src_pos_add);
    tiny_add_s8(&t->sp.tgt_pos_add);
    tiny_enc_s8(t, &t->spe[0], 0);
    tiny_dec_s8(t, &t->spd[0]);
    t->sp.encoder.layers = t->spe;
    t->sp.encoder.n_layers = 1;
    t->sp.encoder.final_norm = 1;
    tiny_norm_s8(t, &t->sp.encoder.norm);
    t->sp.decoder.layers = t->spd;
    t->sp.decoder.n_layers = 1;
    t->sp.decoder.final_norm = 0;
    tiny_lin_s8(t, &t->sp.out, TINY_D, TINY_TGT_V);
    t->sp.logit_scale = 0.25f;
    t->sp.logit_zp = 0;
}

/* The model of kind 1..4 (classifier float, int8, encoder-decoder
   float, int8; the others' structs zero); returns 0 if the struct's
   arrays ran out (a bug) or for another kind. */
TINY_FN int tiny_init(tiny_models *t, int kind)
{
    memset(t, 0, sizeof *t);
    t->rng = 12345u + (unsigned)kind;
    if (kind == 1) tiny_model_f32(t);
    else if (kind == 2) tiny_model_s8(t);
    else if (kind == 3) tiny_s2s_f32(t);
    else if (kind == 4) tiny_s2s_s8(t);
    else return 0;
    return !t->overflow;
}

/* CRC-32 (zlib's), bit by bit: the tests' own, to fix up a blob they
   change */
TINY_FN uint32_t tiny_crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

TINY_FN uint32_t tiny_rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

TINY_FN void tiny_wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xFFu);
    p[1] = (unsigned char)(v >> 8 & 0xFFu);
    p[2] = (unsigned char)(v >> 16 & 0xFFu);
    p[3] = (unsigned char)(v >> 24);
}

/* the CRC of a blob of n bytes written again (its recorded size: n) */
TINY_FN void tiny_fix_crc(unsigned char *b, size_t n)
{
    tiny_wr32(b + n - 4, tiny_crc32(b, n - 4));
}

#endif
