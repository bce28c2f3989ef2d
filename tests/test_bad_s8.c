/* Bad-input rows of the int8 functions (a table of the engine in
   bad_input.h). One fixture holds a valid call of every int8 operation - a
   small model: seq 4, d_model 8, 2 heads, d_ff 6, 2 post-norm GELU layers
   and a final norm, 4 input features, 3 classes, parameters made by
   qmul_near (ref_s8.h) - and each row breaks one thing. Calls that take an
   arena get exactly what their scratch query says for the unbroken
   fixture (or one byte less, or less than one block): the valid rows prove
   the query is enough and is what the call uses. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "bad_input.h"
#include "ref_s8.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

enum { BS = 4, BD = 8, BH = 2, BFF = 6, BN = BS * BD, BNC = 3, BDIN = BD / 2 };

/* Everything the calls write through a pointer (one watched buffer). */
typedef struct {
    size_t bytes;     /* the scratch queries' answer         */
    int32_t ry;       /* attn_requantize's                   */
    attn_arena arena; /* the arena of every call that takes one */
} bx_out;

typedef struct {
    int8_t *y, *io;
    int32_t *fused;
    const int8_t *x, *x2, *x3, *tab; /* x3: attn_mha_s8's values (x2: its keys) */
    const uint8_t *pad;
    int32_t *ry;
    attn_qmul rm;
    int32_t zp;
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
    attn_model_cfg mdc, mdc_ok;
    const attn_model_cfg *mdcp;
    attn_model_s8_params mp;
    const attn_model_s8_params *mpp;
    attn_cls_layer_s8_params clay[2]; /* a CLS row's own encoding (cls_row) */
    attn_cls_row_s8_params crow;
    int tok[BS], seg[BS];   /* attn_model_tokens_s8's ids */
    const int *tokp, *segp;
    attn_arena *ap;
    int arena_mode; /* 0: exactly the query, 1: one byte short, 2: less than one block */
    size_t need;    /* that query */
    size_t *bytesp;
} bx;

static bx *F;
static bx_out *g_o;
static struct {
    int8_t *x, *w, *y, *io, *tab;
    int32_t *fused, *b, *bmin, *beta;
    attn_qmul *q, *qbad;
    uint8_t *pad;
    unsigned char *mem;
    size_t mem_bytes;
} g_b;

static void bx_init(void)
{
    bx *f = F;
    int l;
    g_b.q[2] = g_b.q[0]; /* chan_mid's channel as it was (every channel is the same) */
    memset(f, 0, sizeof *f);
    f->y = g_b.y;
    f->io = g_b.io;
    f->fused = g_b.fused;
    f->x = g_b.x;
    f->x2 = f->x3 = g_b.x + BN;
    f->tab = g_b.tab;
    f->pad = g_b.pad;
    f->ry = &g_o->ry;
    f->rm.multiplier = 1 << 30;
    f->rm.shift = -3;
    f->zp = 3;
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
    /* the model: embedding [BD][BDIN] and classifier [BNC][BD] share lin's
       arrays; positions: x's first BS rows */
    f->mdc.encoder = f->ecfg; f->mdc.d_in = BDIN; f->mdc.max_seq = BS;
    f->mdc.position = ATTN_POS_LEARNED; f->mdc.pooling = ATTN_POOL_MEAN; f->mdc.n_classes = BNC;
    f->mp.embed = f->lin; f->mp.pos = g_b.x; f->mp.pos_add = f->add; f->mp.encoder = f->enc;
    f->mp.cls = f->lin;
    /* the front ends: tokens [5][BD] and segments [2][BD] from x, the pool's
       query w's first row */
    f->mdc.vocab = 5; f->mdc.n_segments = 2;
    f->mp.token_embed = g_b.x; f->mp.segment_embed = g_b.x + 5 * BD; f->mp.segment_add = f->add;
    f->mp.embed_norm = f->ln; f->mp.pool = f->sd; f->mp.pool.q_zp = 0;
    for (l = 0; l < 2; l++) {
        f->clay[l].add1 = f->clay[l].add2 = f->add;
        f->clay[l].norm1 = f->clay[l].norm2 = f->ln;
    }
    f->crow.x0 = g_b.x + BN; f->crow.layers = f->clay; f->crow.norm = f->ln;
    for (l = 0; l < BS; l++) {
        f->tok[l] = (l * 3 + 1) % 5;
        f->seg[l] = l % 2;
    }
    f->tokp = f->tok; f->segp = f->seg;
    f->linp = &f->lin; f->smp = &f->sm; f->lnp = &f->ln; f->addp = &f->add; f->sdp = &f->sd;
    f->mhp = &f->mh; f->mcfgp = &f->mcfg; f->ecfgp = &f->ecfg; f->layp = &f->lay[0]; f->encp = &f->enc;
    f->mdcp = &f->mdc; f->mpp = &f->mp;
    f->mcfg_ok = f->mcfg;
    f->ecfg_ok = f->ecfg;
    f->mdc_ok = f->mdc;
    f->ap = &g_o->arena;
    f->bytesp = &g_o->bytes;
}

/* ---- one call per public function --------------------------------------------- */

static attn_status op_requant(void)
{
    static const int32_t zero = 0;
    attn_status st = attn_requantize(F->ry, 5, F->rm);
    if (st == ATTN_ERR_RANGE && F->ry) bad_expect(F->ry, &zero, sizeof zero); /* documented: *y = 0 */
    return st;
}
static attn_status op_relu(void) { return attn_relu_s8(F->y, F->x, F->n, F->zp); }
static attn_status op_lut(void) { return attn_lut_s8(F->y, F->x, F->n, F->tab); }
static attn_status op_add(void) { return attn_add_s8(F->y, F->x, F->x2, F->n, F->addp); }
static attn_status op_linear(void) { return attn_linear_s8(F->y, F->x, F->linp, F->rows, F->in, F->outn); }
static attn_status op_fuse(void) { return attn_linear_fuse_bias_s8(F->fused, F->linp, F->in, F->outn); }
static attn_status op_softmax(void) { return attn_softmax_s8(F->y, F->x, F->smp, F->rows, F->d); }
static attn_status op_layernorm(void) { return attn_layernorm_s8(F->y, F->x, F->lnp, F->rows, F->d); }
static attn_status op_pool(void) { return attn_pool_s8(F->y, F->x, F->pad, F->pool, F->seq, F->d, F->zp); }
static attn_status op_sdpa_scratch(void) { return attn_sdpa_scratch_s8(F->mcfgp, F->bytesp); }
static attn_status op_mha_scratch(void) { return attn_mha_scratch_s8(F->mcfgp, F->bytesp); }
static attn_status op_layer_scratch(void) { return attn_encoder_layer_scratch_s8(F->ecfgp, F->seq, F->bytesp); }
static attn_status op_enc_scratch(void) { return attn_encoder_scratch_s8(F->ecfgp, F->seq, F->bytesp); }
static attn_status op_model_scratch(void) { return attn_model_scratch_s8(F->mdcp, F->seq, F->bytesp); }
static attn_status op_sdpa(void) { return attn_sdpa_s8(F->y, F->x, F->x2, F->x2, F->pad, F->mcfgp, F->sdp, F->ap); }
static attn_status op_mha(void) { return attn_mha_s8(F->y, F->x, F->x2, F->x3, F->pad, F->mcfgp, F->mhp, F->ap); }
static attn_status op_layer(void) { return attn_encoder_layer_s8(F->io, F->seq, F->pad, F->ecfgp, F->layp, F->ap); }
static attn_status op_enc(void) { return attn_encoder_s8(F->io, F->seq, F->pad, F->ecfgp, F->encp, F->ap); }
static attn_status op_model(void) { return attn_model_s8(F->y, F->x, F->seq, F->pad, F->mdcp, F->mpp, F->ap); }
static attn_status op_model_tok(void)
{
    return attn_model_tokens_s8(F->y, F->tokp, F->segp, F->seq, F->pad, F->mdcp, F->mpp, F->ap);
}
static attn_status op_pool_att(void)
{
    return attn_pool_attention_s8(F->y, F->x, F->pad, F->tab, F->sdp, F->seq, F->d, F->ap);
}

/* ---- ways to break the fixture ------------------------------------------------ */

static void none(void) {}
static void out_null(void) { F->y = NULL; F->io = NULL; F->ry = NULL; F->bytesp = NULL; F->fused = NULL; }
static void x_null(void) { F->x = NULL; F->io = NULL; }
static void x2_null(void) { F->x2 = NULL; }
static void x3_null(void) { F->x3 = NULL; }
static void x3_other(void) { F->x3 = g_b.x + 3; } /* values from other rows than the keys */
static void tab_null(void) { F->tab = NULL; }
static void p_null(void)
{
    F->linp = NULL; F->smp = NULL; F->lnp = NULL; F->addp = NULL; F->sdp = NULL; F->mhp = NULL;
    F->layp = NULL; F->encp = NULL; F->mpp = NULL;
}
static void cfg_null(void) { F->mcfgp = NULL; F->ecfgp = NULL; F->mdcp = NULL; }
static void arena_null(void) { F->ap = NULL; }
static void w_null(void) { F->lin.w = NULL; F->mh.k.w = NULL; F->lay[0].attn.v.w = NULL; }
static void rq_null(void) { F->lin.requant = NULL; F->mh.o.requant = NULL; F->lay[0].ff1.requant = NULL; }
static void wo_null(void) { F->mh.o.w = NULL; F->lay[0].ff2.w = NULL; }
static void gamma_null(void) { F->ln.gamma = NULL; F->lay[0].norm2.gamma = NULL; } /* R7 */
static void layers_null(void) { F->enc.layers = NULL; }
static void layer2_null(void) { F->lay[1].attn.q.w = NULL; } /* refused before layer 0 runs */
static void final_gamma_null(void) { F->enc.norm.gamma = NULL; }
static void embed_null(void) { F->mp.embed.w = NULL; }
static void pos_null(void) { F->mp.pos = NULL; }
static void cls_null(void) { F->mp.cls.requant = NULL; }
static void rows0(void) { F->rows = 0; F->n = 0; F->seq = 0; }
static void n_neg(void) { F->rows = -1; F->n = -1; F->seq = -1; }
static void in_neg(void) { F->in = -3; F->d = -3; }
static void d0(void) { F->d = 0; }
static void outn0(void) { F->outn = 0; }
static void in_big(void) { F->in = 32769; F->rows = 1; }  /* linear: in <= 32768 */
static void cols_big(void) { F->d = 2049; F->rows = 1; }  /* layer norm: d <= 2048 */
static void dmodel_big(void) { F->ecfg.d_model = 2050; F->mcfg.d_model = 32770; } /* LN / linear limits */
static void dff_big(void) { F->ecfg.d_ff = 32769; }       /* ff2's in */
static void d_in_big(void) { F->mdc.d_in = 32769; }       /* the embedding's in */
static void seq_q0(void) { F->mcfg.seq_q = 0; }
static void seq_kv_neg(void) { F->mcfg.seq_kv = -1; }
static void heads0(void) { F->mcfg.n_heads = 0; F->ecfg.n_heads = 0; }
static void heads3(void) { F->mcfg.n_heads = 3; F->ecfg.n_heads = 3; } /* 8 % 3 */
static void d_ff0(void) { F->ecfg.d_ff = 0; }
static void nlayers0(void) { F->enc.n_layers = 0; }
static void seq_gt_max(void) { F->seq = BS + 1; }
static void classes0(void) { F->mdc.n_classes = 0; }
static void d_in_neg(void) { F->mdc.d_in = -1; }
static void pool_bad(void) { F->pool = (attn_pooling)5; F->mdc.pooling = (attn_pooling)5; }
static void act_bad(void) { F->ecfg.activation = (attn_activation)7; }
/* the front ends (issue 11) */
static void pool_att(void) { F->mdc.pooling = ATTN_POOL_ATTENTION; F->mp.pool_w = g_b.w; }
static void pool_w_null(void) { F->mdc.pooling = ATTN_POOL_ATTENTION; F->mp.pool_w = NULL; }
static void pool_mul_bad(void) { pool_att(); F->mp.pool.score_mul.shift = 31; F->sd.score_mul.shift = 31; }
static void cls_row(void) { F->mdc.cls_token = 1; F->mdc.max_seq = BS + 1; F->mp.cls_token = g_b.w; }
static void cls_no_room(void) { F->mdc.cls_token = 1; F->mp.cls_token = g_b.w; }
static void cls_row_null(void) { cls_row(); F->mp.cls_token = NULL; }
/* the CLS row at its own encoding (read with a pre-norm stack, no embed_norm) */
static void clsown_ok(void) { cls_row(); F->ecfg.norm_first = 1; F->mp.cls_row = &F->crow; }
static void clsown_x0_null(void) { clsown_ok(); F->crow.x0 = NULL; }
static void clsown_gamma_null(void) { clsown_ok(); F->clay[1].norm2.gamma = NULL; }
static void clsown_eps0(void) { clsown_ok(); F->clay[0].norm1.eps = 0; }
static void clsown_add_bad(void) { clsown_ok(); F->clay[1].add2.out_zp = 200; }
static void clsown_final_eps0(void) { clsown_ok(); F->crow.norm.eps = 0; }
static void clsown_unread(void) { cls_row(); F->mp.cls_row = &F->crow; F->crow.x0 = NULL; } /* post-norm */
static void clsown_embed_norm(void) { clsown_x0_null(); F->mdc.embed_norm = 1; }  /* unread too */
static void embed_norm_on(void) { F->mdc.embed_norm = 1; }
static void embed_norm_null(void) { F->mdc.embed_norm = 1; F->mp.embed_norm.gamma = NULL; }
static void embed_norm_eps0(void) { F->mdc.embed_norm = 1; F->mp.embed_norm.eps = 0; }
/* a 4x4 one-channel image of 2x2 patches: BS = 4 patches of BDIN = 4 values */
static void patch_ok(void)
{
    F->mdc.patch = 2; F->mdc.channels = 1; F->mdc.image_h = 4; F->mdc.image_w = 4;
}
static void patch_count(void) { patch_ok(); F->mdc.image_h = 6; }
static void tok_null(void) { F->tokp = NULL; }
static void tok_oov(void) { F->tok[1] = 5; }
static void seg_oov(void) { F->seg[2] = -1; }
static void seg_null(void) { F->segp = NULL; }
static void vocab0(void) { F->mdc.vocab = 0; }
static void tokemb_null(void) { F->mp.token_embed = NULL; }
static void segemb_null(void) { F->mp.segment_embed = NULL; }
static void segadd_bad(void) { F->mp.segment_add.a_zp = 200; }
static void win_neg(void) { F->mcfg.window = -1; F->ecfg.window = -1; }
static void win_max(void) { F->mcfg.window = INT_MAX; F->ecfg.window = INT_MAX; }
static void position_bad(void) { F->mdc.position = (attn_position)9; }
/* positions that need no table: a NULL one is fine */
static void pos_none_null(void) { F->mdc.position = ATTN_POS_NONE; F->mp.pos = NULL; }
/* the input already d_model wide: no embedding, a NULL one is fine */
static void d_in0_embed_null(void) { F->mdc.d_in = 0; F->mp.embed.w = NULL; F->mp.embed.requant = NULL; }
/* ReLU needs no GELU table */
static void relu_tab_null(void)
{
    F->ecfg.activation = ATTN_ACT_RELU;
    F->lay[0].gelu_table = F->lay[1].gelu_table = NULL;
}
static void shift_hi(void)
{
    F->rm.shift = 31; F->sm.in_mul.shift = 31; F->add.b_mul.shift = 31; F->sd.ctx_mul.shift = 31;
    F->mh.sdpa.score_mul.shift = 31; F->lay[0].add1.a_mul.shift = 31;
}
static void shift_lo(void)
{
    F->rm.shift = -32; F->sm.in_mul.shift = -32; F->add.out_mul.shift = -32; F->sd.score_mul.shift = -32;
    F->mh.sdpa.ctx_mul.shift = -32; F->lay[0].attn.sdpa.ctx_mul.shift = -32;
}
/* |multiplier| < 2^31: INT32_MIN is refused like a bad shift */
static void mul_min(void)
{
    F->rm.multiplier = INT32_MIN; F->sm.in_mul.multiplier = INT32_MIN; F->add.a_mul.multiplier = INT32_MIN;
    F->sd.score_mul.multiplier = INT32_MIN; F->mh.sdpa.ctx_mul.multiplier = INT32_MIN;
    F->lay[1].add2.out_mul.multiplier = INT32_MIN; F->mp.pos_add.b_mul.multiplier = INT32_MIN;
}
/* the last channel of a per-channel array (R8) */
static void chan_shift(void)
{
    F->lin.requant = g_b.qbad; F->ln.gamma = g_b.qbad; F->mh.v.requant = g_b.qbad;
    F->lay[0].ff2.requant = g_b.qbad; F->enc.norm.gamma = g_b.qbad;
}
/* a channel among the first four of every per-channel array (Helium checks
   four channels a step, the last four first: this one only in its loop) */
static void chan_mid(void) { g_b.q[2].multiplier = INT32_MIN; }
/* the classifier's last channel (its requant[BNC - 1]) */
static void cls_shift(void) { F->mp.cls.requant = g_b.qbad + (BD - BNC); }
static void in_zp_bad(void) { F->lin.in_zp = 128; F->mp.embed.in_zp = 128; }
/* zero points outside [-128, 127] */
static void zp_bad(void)
{
    F->zp = -129; F->add.a_zp = 128; F->ln.out_zp = 128; F->sd.out_zp = 200; F->mh.sdpa.q_zp = -200;
    F->lay[1].norm1.out_zp = -129; F->mp.pos_add.out_zp = 128;
}
/* a clamp outside [-128, 127] or empty */
static void clamp_bad(void) { F->lin.act_min = 10; F->lin.act_max = 5; F->lay[0].ff1.act_max = 128; F->mp.cls.act_min = -129; }
static void fused_big(void) { F->lin.bias = g_b.bmin; F->lin.in_zp = 127; } /* below INT32_MIN */
static void eps0(void) { F->ln.eps = 0; F->lay[0].norm1.eps = 0; F->enc.norm.eps = 0; }
static void eps_neg(void) { F->ln.eps = -5; F->lay[1].norm2.eps = -5; }
static void zp_mismatch(void) { F->mh.sdpa.k_zp = F->mh.k.out_zp + 1; F->lay[0].attn.sdpa.v_zp = 1; }
static void ctx_zp_mismatch(void) { F->mh.sdpa.out_zp = 9; F->lay[0].attn.o.in_zp = -9; }
/* issue 9 defect 1: post-norm adds whose wide sum can reach 2^31 (each
   term up to 2^30: multiplier INT32_MAX, shift 30) overflow the layer
   norm's int64 sums; refused (the wide sum must stay below 2^19) */
static void add_wide(void)
{
    F->lay[0].add1.a_mul.multiplier = F->lay[0].add1.b_mul.multiplier = INT32_MAX;
    F->lay[0].add1.a_mul.shift = F->lay[0].add1.b_mul.shift = 30;
}
static void arena_short(void) { F->arena_mode = 1; }
static void arena_tiny(void) { F->arena_mode = 2; }
/* sizes above ATTN_MAX_DIM: shape errors on every platform */
static void huge_seq(void) { F->mcfg.seq_q = F->mcfg.seq_kv = INT_MAX; F->seq = INT_MAX; }
static void over_max(void)
{
    F->rows = F->n = F->seq = ATTN_MAX_DIM + 1;
    F->mcfg.seq_q = F->mcfg.seq_kv = ATTN_MAX_DIM + 1;
}
/* sequences at ATTN_MAX_DIM whose byte counts overflow a 32-bit size_t (on
   64-bit: far too big for the arena) */
static void max_seq(void)
{
    F->mcfg.seq_q = F->mcfg.seq_kv = ATTN_MAX_DIM;
    F->seq = ATTN_MAX_DIM;
    F->mdc.max_seq = ATTN_MAX_DIM;
}
/* 32-bit rows only: ATTN_MAX_DIM rows of 64 */
static void huge_leaf(void) { F->rows = ATTN_MAX_DIM; F->seq = ATTN_MAX_DIM; F->in = F->d = 64; }
/* both at once: the bad enum (RANGE) is reported before the byte count
   (TOO_LARGE on 32-bit; attn_pool_s8 checked them the other way round) */
static void huge_leaf_pool_bad(void) { huge_leaf(); pool_bad(); }
/* too wide and too many: the width is a shape error before any size
   (32-bit targets gave ATTN_ERR_TOO_LARGE) */
static void huge_wide(void) { F->rows = INT_MAX; F->d = 4096; }

/* ---- the table -------------------------------------------------------------------- */

#define S8_OPS(X) X(requant, attn_requantize) X(relu, attn_relu_s8) X(lut, attn_lut_s8) \
    X(add, attn_add_s8) X(linear, attn_linear_s8) X(fuse, attn_linear_fuse_bias_s8) \
    X(softmax, attn_softmax_s8) X(layernorm, attn_layernorm_s8) X(pool, attn_pool_s8) \
    X(sdpa_scratch, attn_sdpa_scratch_s8) X(sdpa, attn_sdpa_s8) X(mha_scratch, attn_mha_scratch_s8) \
    X(mha, attn_mha_s8) X(layer_scratch, attn_encoder_layer_scratch_s8) \
    X(layer, attn_encoder_layer_s8) X(enc_scratch, attn_encoder_scratch_s8) X(enc, attn_encoder_s8) \
    X(model_scratch, attn_model_scratch_s8) X(model, attn_model_s8) \
    X(model_tok, attn_model_tokens_s8) X(pool_att, attn_pool_attention_s8)
#define S8_MUTS(X) X(none) X(out_null) X(x_null) X(x2_null) X(x3_null) X(x3_other) X(tab_null) X(p_null) X(cfg_null) \
    X(arena_null) X(w_null) X(rq_null) X(wo_null) X(gamma_null) X(layers_null) X(layer2_null) \
    X(final_gamma_null) X(embed_null) X(pos_null) X(cls_null) X(rows0) X(n_neg) X(in_neg) X(d0) \
    X(outn0) X(in_big) X(cols_big) X(dmodel_big) X(dff_big) X(d_in_big) X(seq_q0) X(seq_kv_neg) \
    X(heads0) X(heads3) X(d_ff0) X(nlayers0) X(seq_gt_max) X(classes0) X(d_in_neg) X(pool_bad) \
    X(act_bad) X(win_neg) X(win_max) X(pool_att) X(pool_w_null) X(pool_mul_bad) X(cls_row) \
    X(cls_no_room) X(cls_row_null) X(clsown_ok) X(clsown_x0_null) X(clsown_gamma_null) \
    X(clsown_eps0) X(clsown_add_bad) X(clsown_final_eps0) X(clsown_unread) X(clsown_embed_norm) \
    X(embed_norm_on) X(embed_norm_null) X(embed_norm_eps0) \
    X(patch_ok) X(patch_count) X(tok_null) X(tok_oov) X(seg_oov) X(seg_null) X(vocab0) \
    X(tokemb_null) X(segemb_null) X(segadd_bad) X(position_bad) X(pos_none_null) X(d_in0_embed_null) X(relu_tab_null) X(shift_hi) \
    X(shift_lo) X(mul_min) X(chan_shift) X(chan_mid) X(cls_shift) X(in_zp_bad) X(zp_bad) X(clamp_bad) \
    X(fused_big) X(eps0) X(eps_neg) X(zp_mismatch) X(ctx_zp_mismatch) X(add_wide) X(arena_short) \
    X(arena_tiny) X(huge_seq) X(over_max) X(max_seq) X(huge_leaf) X(huge_leaf_pool_bad) X(huge_wide)
#define ENUM_OP(s, name) OP_##s,
#define ENUM_MUT(m) MUT_##m,
#define OP_ENTRY(s, name) {#name, op_##s},
#define MUT_ENTRY(m) {#m, m},
enum { S8_OPS(ENUM_OP) N_S8_OPS };
enum { S8_MUTS(ENUM_MUT) N_S8_MUTS };
static const bad_op k_ops[] = {S8_OPS(OP_ENTRY)};
static const bad_mut k_muts[] = {S8_MUTS(MUT_ENTRY)};

#define R(op, mut, want) {OP_##op, MUT_##mut, want, 0}
#define OK ATTN_OK
#define NUL ATTN_ERR_NULL
#define SHP ATTN_ERR_SHAPE
#define RNG ATTN_ERR_RANGE
#define ARN ATTN_ERR_ARENA
#define BIG ATTN_ERR_TOO_LARGE
#if SIZE_MAX <= 0xFFFFFFFFu
#define HUGE_WANT BIG
#else
#define HUGE_WANT ARN
#endif

static const bad_row k_rows[] = {
    R(requant, none, OK), R(requant, out_null, NUL), R(requant, shift_hi, RNG), R(requant, shift_lo, RNG),
    R(requant, mul_min, RNG),
    R(relu, none, OK), R(relu, out_null, NUL), R(relu, x_null, NUL), R(relu, rows0, SHP), R(relu, n_neg, SHP),
    R(relu, zp_bad, RNG),
    R(lut, none, OK), R(lut, out_null, NUL), R(lut, x_null, NUL), R(lut, tab_null, NUL), R(lut, rows0, SHP),
    R(add, none, OK), R(add, out_null, NUL), R(add, x_null, NUL), R(add, x2_null, NUL), R(add, p_null, NUL),
    R(add, rows0, SHP), R(add, n_neg, SHP), R(add, shift_hi, RNG), R(add, shift_lo, RNG),
    R(add, mul_min, RNG), R(add, zp_bad, RNG),
    R(linear, none, OK), R(linear, out_null, NUL), R(linear, x_null, NUL), R(linear, p_null, NUL),
    R(linear, w_null, NUL), R(linear, rq_null, NUL), R(linear, rows0, SHP), R(linear, in_neg, SHP),
    R(linear, outn0, SHP), R(linear, in_big, SHP), R(linear, chan_shift, RNG), R(linear, chan_mid, RNG), R(linear, in_zp_bad, RNG),
    R(linear, clamp_bad, RNG),
    R(fuse, none, OK), R(fuse, out_null, NUL), R(fuse, p_null, NUL), R(fuse, w_null, NUL),
    R(fuse, in_neg, SHP), R(fuse, outn0, SHP), R(fuse, in_big, SHP), R(fuse, in_zp_bad, RNG),
    R(fuse, fused_big, RNG),
    R(softmax, none, OK), R(softmax, out_null, NUL), R(softmax, x_null, NUL), R(softmax, p_null, NUL),
    R(softmax, rows0, SHP), R(softmax, in_neg, SHP), R(softmax, d0, SHP), R(softmax, shift_hi, RNG),
    R(softmax, shift_lo, RNG), R(softmax, mul_min, RNG),
    R(layernorm, none, OK), R(layernorm, out_null, NUL), R(layernorm, x_null, NUL), R(layernorm, p_null, NUL),
    R(layernorm, gamma_null, NUL), R(layernorm, rows0, SHP), R(layernorm, d0, SHP), R(layernorm, cols_big, SHP),
    R(layernorm, chan_shift, RNG), R(layernorm, chan_mid, RNG), R(layernorm, eps0, RNG), R(layernorm, eps_neg, RNG),
    R(layernorm, huge_wide, SHP), R(layernorm, zp_bad, RNG),
    R(pool, none, OK), R(pool, out_null, NUL), R(pool, x_null, NUL), R(pool, rows0, SHP),
    R(pool, in_neg, SHP), R(pool, pool_bad, RNG), R(pool, zp_bad, RNG),
    R(sdpa_scratch, none, OK), R(sdpa_scratch, out_null, NUL), R(sdpa_scratch, cfg_null, NUL),
    R(sdpa_scratch, seq_q0, SHP), R(sdpa_scratch, seq_kv_neg, SHP), R(sdpa_scratch, heads0, SHP),
    R(sdpa_scratch, heads3, SHP), R(sdpa_scratch, win_neg, RNG), R(sdpa, win_neg, RNG),
    R(sdpa, win_max, OK), R(mha_scratch, win_neg, RNG), R(mha, win_neg, RNG), R(mha, win_max, OK),
    R(layer_scratch, win_neg, RNG), R(layer, win_neg, RNG), R(layer, win_max, OK),
    R(enc_scratch, win_neg, RNG), R(enc, win_neg, RNG), R(model_scratch, win_neg, RNG),
    R(model, win_neg, RNG), R(model, win_max, OK), R(layer, chan_mid, RNG), R(model, chan_mid, RNG),
    R(sdpa, none, OK), R(sdpa, out_null, NUL), R(sdpa, x_null, NUL), R(sdpa, x2_null, NUL),
    R(sdpa, cfg_null, NUL), R(sdpa, p_null, NUL), R(sdpa, arena_null, NUL), R(sdpa, seq_q0, SHP),
    R(sdpa, seq_kv_neg, SHP), R(sdpa, heads0, SHP), R(sdpa, heads3, SHP), R(sdpa, shift_hi, RNG),
    R(sdpa, shift_lo, RNG), R(sdpa, mul_min, RNG), R(sdpa, zp_bad, RNG), R(sdpa, huge_seq, SHP),
    R(sdpa, max_seq, HUGE_WANT), R(sdpa, arena_short, ARN), R(sdpa, arena_tiny, ARN),
    R(mha_scratch, none, OK), R(mha_scratch, out_null, NUL), R(mha_scratch, cfg_null, NUL),
    R(mha_scratch, seq_q0, SHP), R(mha_scratch, heads3, SHP), R(mha_scratch, dmodel_big, SHP),
    R(mha, none, OK), R(mha, out_null, NUL), R(mha, x_null, NUL), R(mha, x2_null, NUL),
    R(mha, x3_null, NUL), R(mha, x3_other, OK),
    R(mha, cfg_null, NUL), R(mha, p_null, NUL), R(mha, w_null, NUL), R(mha, rq_null, NUL),
    R(mha, wo_null, NUL), R(mha, arena_null, NUL), R(mha, seq_q0, SHP), R(mha, seq_kv_neg, SHP),
    R(mha, heads0, SHP), R(mha, heads3, SHP), R(mha, dmodel_big, SHP), R(mha, shift_hi, RNG),
    R(mha, shift_lo, RNG), R(mha, mul_min, RNG), R(mha, chan_shift, RNG), R(mha, chan_mid, RNG), R(mha, zp_mismatch, RNG),
    R(mha, ctx_zp_mismatch, RNG), R(mha, zp_bad, RNG), R(mha, huge_seq, SHP), R(mha, max_seq, HUGE_WANT),
    R(mha, arena_short, ARN), R(mha, arena_tiny, ARN),
    R(layer_scratch, none, OK), R(layer_scratch, out_null, NUL), R(layer_scratch, cfg_null, NUL),
    R(layer_scratch, rows0, SHP), R(layer_scratch, heads0, SHP), R(layer_scratch, heads3, SHP),
    R(layer_scratch, d_ff0, SHP), R(layer_scratch, dmodel_big, SHP), R(layer_scratch, dff_big, SHP),
    R(layer_scratch, act_bad, RNG),
    R(layer, none, OK), R(layer, x_null, NUL), R(layer, cfg_null, NUL), R(layer, p_null, NUL),
    R(layer, w_null, NUL), R(layer, rq_null, NUL), R(layer, wo_null, NUL), R(layer, gamma_null, NUL),
    R(layer, arena_null, NUL), R(layer, rows0, SHP), R(layer, heads0, SHP), R(layer, heads3, SHP),
    R(layer, d_ff0, SHP), R(layer, dmodel_big, SHP), R(layer, dff_big, SHP), R(layer, act_bad, RNG),
    R(layer, shift_hi, RNG), R(layer, shift_lo, RNG), R(layer, chan_shift, RNG), R(layer, eps0, RNG),
    R(layer, zp_mismatch, RNG), R(layer, clamp_bad, RNG), R(layer, add_wide, RNG),
    R(layer, relu_tab_null, OK), R(layer, huge_seq, SHP), R(layer, max_seq, HUGE_WANT),
    R(layer, arena_short, ARN), R(layer, arena_tiny, ARN),
    R(enc_scratch, none, OK), R(enc_scratch, out_null, NUL), R(enc_scratch, cfg_null, NUL),
    R(enc_scratch, rows0, SHP), R(enc_scratch, heads3, SHP), R(enc_scratch, dmodel_big, SHP),
    R(enc, none, OK), R(enc, x_null, NUL), R(enc, cfg_null, NUL), R(enc, p_null, NUL),
    R(enc, layers_null, NUL), R(enc, layer2_null, NUL), R(enc, final_gamma_null, NUL),
    R(enc, arena_null, NUL), R(enc, rows0, SHP), R(enc, nlayers0, SHP), R(enc, heads3, SHP),
    R(enc, shift_hi, RNG), R(enc, mul_min, RNG), R(enc, chan_shift, RNG), R(enc, eps0, RNG),
    R(enc, eps_neg, RNG), R(enc, zp_bad, RNG), R(enc, add_wide, RNG), R(enc, relu_tab_null, OK),
    R(enc, huge_seq, SHP), R(enc, max_seq, HUGE_WANT), R(enc, arena_short, ARN), R(enc, arena_tiny, ARN),
    R(model_scratch, none, OK), R(model_scratch, out_null, NUL), R(model_scratch, cfg_null, NUL),
    R(model_scratch, rows0, SHP), R(model_scratch, seq_gt_max, SHP), R(model_scratch, classes0, SHP),
    R(model_scratch, d_in_neg, SHP), R(model_scratch, d_in_big, SHP), R(model_scratch, heads3, SHP),
    R(model_scratch, d_ff0, SHP), R(model_scratch, dmodel_big, SHP), R(model_scratch, act_bad, RNG),
    R(model_scratch, pool_bad, RNG), R(model_scratch, position_bad, RNG), R(model_scratch, huge_seq, SHP),
    R(model, none, OK), R(model, out_null, NUL), R(model, x_null, NUL), R(model, cfg_null, NUL),
    R(model, p_null, NUL), R(model, arena_null, NUL), R(model, embed_null, NUL), R(model, pos_null, NUL),
    R(model, cls_null, NUL), R(model, layers_null, NUL), R(model, layer2_null, NUL),
    R(model, final_gamma_null, NUL), R(model, rows0, SHP), R(model, seq_gt_max, SHP),
    R(model, classes0, SHP), R(model, d_in_neg, SHP), R(model, d_in_big, SHP), R(model, heads3, SHP),
    R(model, d_ff0, SHP), R(model, nlayers0, SHP), R(model, dmodel_big, SHP), R(model, act_bad, RNG),
    R(model, pool_bad, RNG), R(model, position_bad, RNG), R(model, shift_hi, RNG), R(model, mul_min, RNG),
    R(model, chan_shift, RNG), R(model, cls_shift, RNG), R(model, in_zp_bad, RNG), R(model, zp_bad, RNG),
    R(model, clamp_bad, RNG), R(model, eps0, RNG), R(model, add_wide, RNG),
    R(model, pos_none_null, OK), R(model, d_in0_embed_null, OK), R(model, relu_tab_null, OK),
    R(model, huge_seq, SHP), R(model, max_seq, HUGE_WANT), R(model, arena_short, ARN),
    R(model, arena_tiny, ARN),
    R(model, pool_att, OK), R(model, pool_w_null, NUL), R(model, pool_mul_bad, RNG),
    R(model, cls_row, OK), R(model, cls_no_room, SHP), R(model, cls_row_null, NUL),
    R(model, clsown_ok, OK), R(model, clsown_x0_null, NUL), R(model, clsown_gamma_null, NUL),
    R(model, clsown_eps0, RNG), R(model, clsown_add_bad, RNG), R(model, clsown_final_eps0, RNG),
    R(model, clsown_unread, OK), R(model, clsown_embed_norm, OK),
    R(model_tok, clsown_ok, OK), R(model_tok, clsown_x0_null, NUL), R(model_tok, clsown_eps0, RNG),
    R(model, embed_norm_on, OK), R(model, embed_norm_null, NUL), R(model, embed_norm_eps0, RNG),
    R(model, patch_ok, OK), R(model, patch_count, SHP), R(model, tokemb_null, OK),
    R(model_scratch, cls_row, OK), R(model_scratch, patch_ok, OK), R(model_scratch, pool_att, OK),
    R(model_tok, none, OK), R(model_tok, out_null, NUL), R(model_tok, tok_null, NUL),
    R(model_tok, cfg_null, NUL), R(model_tok, p_null, NUL), R(model_tok, arena_null, NUL),
    R(model_tok, tokemb_null, NUL), R(model_tok, segemb_null, NUL), R(model_tok, cls_row_null, NUL),
    R(model_tok, pool_w_null, NUL), R(model_tok, layers_null, NUL), R(model_tok, rows0, SHP),
    R(model_tok, seq_gt_max, SHP), R(model_tok, vocab0, SHP), R(model_tok, patch_ok, SHP),
    R(model_tok, tok_oov, RNG), R(model_tok, seg_oov, RNG), R(model_tok, segadd_bad, RNG),
    R(model_tok, act_bad, RNG), R(model_tok, shift_hi, RNG), R(model_tok, seg_null, OK),
    R(model_tok, cls_row, OK), R(model_tok, pool_att, OK), R(model_tok, embed_norm_on, OK),
    R(model_tok, embed_null, OK), R(model_tok, arena_short, ARN), R(model_tok, arena_tiny, ARN),
    R(pool_att, none, OK), R(pool_att, out_null, NUL), R(pool_att, x_null, NUL),
    R(pool_att, tab_null, NUL), R(pool_att, p_null, NUL), R(pool_att, arena_null, NUL),
    R(pool_att, rows0, SHP), R(pool_att, in_neg, SHP), R(pool_att, d0, SHP),
    R(pool_att, pool_mul_bad, RNG), R(pool_att, zp_bad, RNG), R(pool_att, arena_short, ARN),
    R(pool_att, arena_tiny, ARN),
#if SIZE_MAX <= 0xFFFFFFFFu
    R(mha_scratch, max_seq, BIG), R(layer_scratch, max_seq, BIG), R(enc_scratch, max_seq, BIG),
    R(model_scratch, max_seq, BIG), R(linear, huge_leaf, BIG), R(softmax, huge_leaf, BIG),
    R(layernorm, huge_leaf, BIG), R(pool, huge_leaf, BIG), R(pool, huge_leaf_pool_bad, RNG),
#endif
    R(sdpa_scratch, huge_seq, SHP), R(mha_scratch, huge_seq, SHP), R(layer_scratch, huge_seq, SHP),
    R(enc_scratch, huge_seq, SHP), R(relu, over_max, SHP), R(lut, over_max, SHP), R(add, over_max, SHP),
    R(linear, over_max, SHP), R(softmax, over_max, SHP), R(layernorm, over_max, SHP),
    R(pool, over_max, SHP), R(sdpa, over_max, SHP), R(mha, over_max, SHP), R(layer, over_max, SHP),
    R(enc, over_max, SHP), R(sdpa_scratch, over_max, SHP), R(layer_scratch, over_max, SHP),
    R(model, over_max, SHP), R(model_scratch, over_max, SHP),
};

/* ---- the table's hooks --------------------------------------------------------------- */

static void layout(void)
{
    attn_mha_cfg mc = {0};
    attn_encoder_cfg ec = {0};
    attn_model_cfg md = {0};
    size_t q[5] = {0, 0, 0, 0, 0};
    int i;
    /* the arena: the largest query of the fixture's configuration (bx_init's) */
    mc.seq_q = mc.seq_kv = BS; mc.d_model = BD; mc.n_heads = BH; mc.causal = 1;
    ec.d_model = BD; ec.n_heads = BH; ec.d_ff = BFF; ec.activation = ATTN_ACT_GELU;
    ec.norm_first = 0; ec.causal = 0; ec.eps = 1e-5f;
    md.encoder = ec; md.d_in = BDIN; md.max_seq = BS; md.position = ATTN_POS_LEARNED;
    md.pooling = ATTN_POOL_ATTENTION; md.n_classes = BNC;
    md.cls_token = 1; md.max_seq = BS + 1; /* the largest variant a row makes */
    attn_sdpa_scratch_s8(&mc, &q[0]);
    attn_mha_scratch_s8(&mc, &q[1]);
    attn_encoder_layer_scratch_s8(&ec, BS, &q[2]);
    attn_encoder_scratch_s8(&ec, BS, &q[3]);
    attn_model_scratch_s8(&md, BS, &q[4]);
    g_b.mem_bytes = 0;
    for (i = 0; i < 5; i++)
        if (q[i] > g_b.mem_bytes) g_b.mem_bytes = q[i];
    F = (bx *)check_plan_take(sizeof *F); /* ~1 KB: in the pool, not on a 2 KB stack */
    g_b.x = (int8_t *)check_plan_take(2 * BN);
    g_b.w = (int8_t *)check_plan_take(BD * BD);
    g_b.tab = (int8_t *)check_plan_take(256);
    g_b.b = (int32_t *)check_plan_take(BD * sizeof(int32_t));
    g_b.bmin = (int32_t *)check_plan_take(BD * sizeof(int32_t));
    g_b.beta = (int32_t *)check_plan_take(BD * sizeof(int32_t));
    g_b.q = (attn_qmul *)check_plan_take(BD * sizeof(attn_qmul));
    g_b.qbad = (attn_qmul *)check_plan_take(BD * sizeof(attn_qmul));
    g_b.pad = (uint8_t *)check_plan_take(BS);
    g_b.mem = (unsigned char *)check_plan_take(g_b.mem_bytes);
    g_b.y = (int8_t *)bad_watch(BN, BAD_OUT);
    g_b.io = (int8_t *)bad_watch(BN, BAD_KEEP);
    g_b.fused = (int32_t *)bad_watch(BD * sizeof(int32_t), BAD_OUT);
    g_o = (bx_out *)bad_watch(sizeof(bx_out), BAD_OUT);
}

static void setup(void)
{
    int i;
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
}

static int is_arena_call(int op)
{
    return op == OP_sdpa || op == OP_mha || op == OP_layer || op == OP_enc || op == OP_model ||
           op == OP_model_tok || op == OP_pool_att;
}

/* the bytes the unbroken fixture's call needs: its scratch query */
static size_t query(int op)
{
    size_t b = 0;
    attn_status st = ATTN_ERR_RANGE;
    if (op == OP_sdpa) st = attn_sdpa_scratch_s8(&F->mcfg_ok, &b);
    if (op == OP_mha) st = attn_mha_scratch_s8(&F->mcfg_ok, &b);
    if (op == OP_layer) st = attn_encoder_layer_scratch_s8(&F->ecfg_ok, BS, &b);
    if (op == OP_enc) st = attn_encoder_scratch_s8(&F->ecfg_ok, BS, &b);
    /* a model: the configuration as mutated when valid, else the unbroken one */
    if (op == OP_model || op == OP_model_tok) {
        st = attn_model_scratch_s8(&F->mdc, BS, &b);
        if (st != ATTN_OK) st = attn_model_scratch_s8(&F->mdc_ok, BS, &b);
    }
    if (op == OP_pool_att) {
        b = ATTN_POOL_SCRATCH_S8(BS, BD);
        st = ATTN_OK;
    }
    return st == ATTN_OK && b <= g_b.mem_bytes ? b : g_b.mem_bytes;
}

static void arm(int op)
{
    size_t n;
    /* the model sees the layer configuration and parameters as mutated */
    F->mdc.encoder = F->ecfg;
    F->mp.encoder = F->enc;
    F->need = is_arena_call(op) ? query(op) : g_b.mem_bytes;
    n = F->arena_mode == 1 && F->need > 0 ? F->need - 1 : F->arena_mode == 2 ? ATTN_ALIGN - 1 : F->need;
    attn_arena_init(&g_o->arena, g_b.mem, n);
    rs_fill(g_b.io, BN);
}

/* an exact arena just fits, and is all given back */
static int ok_extra(int op)
{
    return !is_arena_call(op) || (g_o->arena.used == 0 && g_o->arena.high_water == F->need);
}

const bad_table bad_table_s8 = {
    "int8", k_ops, N_S8_OPS, k_muts, N_S8_MUTS, k_rows, N_OF(k_rows),
    layout, setup, bx_init, arm, ok_extra};

/* ==== the decoder half (issue 10), int8 ====================================
   A fixture of its own, the int8 twin of the float decoder table's
   (test_bad_input.c): a decoder of 2 post-norm GELU layers, d_model 4, 2
   heads, d_ff 4, on 3 target rows and 2 memory rows; a causal encoder stack
   of 2 layers; a seq2seq model (vocabularies 5 and 6, max_src = max_tgt = 3,
   learned positions) and an LM (vocabulary 6, max_len 3) from them; a cache
   of 2 layers x 3 tokens x 3 memory rows. Parameters made by qmul_near as in
   the table above. The arm hook makes each call's cache with the unbroken
   parameters (a pristine copy at another address), so that a value error
   is the call's own. The "late" rows follow DECODER AND GENERATION's rule
   for parameters changed while a cache uses them (the cache records which
   it checked, kv_cache.checked): they set the cache up with the very
   parameters the call gets, break those in place, call attn_kv_cache_reset
   as the header says, and the call must then refuse them. */

enum { YS = 3, YM = 2, YD = 4, YH = 2, YF = 4, YL = 2, YSV = 5, YTV = 6, YMAX = 3, YBIG = 8,
       YW = 8, YX = 64 };

typedef struct {
    size_t bytes;
    int n_out, idx;
    attn_arena arena, store;
    attn_kv_cache cache;
} ds_out;

/* the parameters (one copy broken by the rows, one kept pristine) */
typedef struct {
    attn_decoder_layer_s8_params dl[YL];
    attn_decoder_s8_params dp;
    attn_encoder_layer_s8_params el[YL];
    attn_encoder_s8_params ep;
    attn_seq2seq_s8_params sp;
    attn_lm_s8_params lp;
} ds_params;

typedef struct {
    ds_out *o;
    ds_params p, ok;
    int8_t *io, *out;
    int *toks;
    const int8_t *mem, *ax;
    const uint8_t *tpad, *mpad;
    int seq, mem_len, an;
    attn_encoder_cfg cfg, cfg_ok;
    const attn_encoder_cfg *cfgp;
    const attn_decoder_layer_s8_params *lpp;
    const attn_decoder_s8_params *dpp;
    const attn_encoder_s8_params *epp;
    attn_seq2seq_cfg s2s, s2s_ok;
    const attn_seq2seq_cfg *s2sp;
    const attn_seq2seq_s8_params *spp;
    attn_lm_cfg lm, lm_ok;
    const attn_lm_cfg *lmp;
    const attn_lm_s8_params *lmpp;
    attn_kv_cache *cachep;
    attn_arena *storep;
    int n_layers, d, max_len, max_mem;
    int c_layers, c_d, c_len, c_mem, c_f32, c_state;
    int late; /* the "late" rows: break in place after the cache saw them, then reset */
    void (*late_break)(void);
    int token, bos, eos, max_out, lm_out, src_len, prompt_len;
    const int *src, *prompt;
    const int8_t *input;  /* encode_ex's features / image */
    const int *segs;      /* encode_ex's segment ids      */
    int *n_outp, *idxp;
    size_t *bytesp;
    attn_arena *ap;
    int arena_mode, store_mode;
    size_t need;
} ds;

static ds *Y;
static ds_out *g_yo;
static struct {
    int8_t *x, *w, *tab, *io, *out;
    int32_t *b, *beta;
    attn_qmul *q, *qbad;
    int *toks;
    unsigned char *cbuf, *mem;
    size_t cbytes, mem_bytes;
} g_y;
static uint8_t g_ypad[YMAX], g_ypad_all[YMAX];
static const int g_ysrc[YMAX + 1] = {1, 4, 0, 2}, g_ysrc_bad[YMAX] = {1, YSV, 0};
static const int g_yprompt[YMAX] = {3, 5, 1}, g_yprompt_bad[YMAX] = {3, -1, 1};
static const int g_ysegs[YMAX] = {0, 1, 1}, g_ysegs_bad[YMAX] = {0, 1, -1};

static void ds_params_init(ds_params *p)
{
    attn_linear_s8_params lin;
    attn_mha_s8_params mh;
    attn_add_s8_params add;
    attn_layernorm_s8_params ln;
    int l;
    memset(p, 0, sizeof *p);
    memset(&lin, 0, sizeof lin);
    lin.w = g_y.w; lin.bias = g_y.b; lin.requant = g_y.q; lin.act_min = -128; lin.act_max = 127;
    memset(&mh, 0, sizeof mh);
    mh.q = mh.k = mh.v = mh.o = lin;
    mh.sdpa.score_mul = g_y.q[2];
    mh.sdpa.ctx_mul = qmul_of(1.0 / 32768.0);
    memset(&add, 0, sizeof add);
    add.a_mul = add.b_mul = g_y.q[0];
    add.out_mul = g_y.q[1];
    memset(&ln, 0, sizeof ln);
    ln.gamma = g_y.q; ln.beta = g_y.beta; ln.eps = 1000;
    for (l = 0; l < YL; l++) {
        attn_decoder_layer_s8_params *L = &p->dl[l];
        attn_encoder_layer_s8_params *E = &p->el[l];
        L->self_attn = L->cross_attn = mh;
        L->add1 = L->add2 = L->add3 = add;
        L->norm1 = L->norm2 = L->norm3 = ln;
        L->ff1 = L->ff2 = lin;
        L->gelu_table = g_y.tab;
        E->attn = mh; E->add1 = E->add2 = add; E->norm1 = E->norm2 = ln;
        E->ff1 = E->ff2 = lin; E->gelu_table = g_y.tab;
    }
    p->dp.layers = p->dl; p->dp.n_layers = YL; p->dp.final_norm = 1; p->dp.norm = ln;
    p->ep.layers = p->el; p->ep.n_layers = YL; p->ep.final_norm = 1; p->ep.norm = ln;
    p->sp.src_embed = g_y.x; p->sp.tgt_embed = g_y.x + YSV * YD;
    p->sp.src_pos = p->sp.tgt_pos = g_y.x + 2 * YW * YD;
    p->sp.src_pos_add = p->sp.tgt_pos_add = add;
    p->sp.encoder = p->ep; p->sp.decoder = p->dp; p->sp.out = lin;
    p->sp.logit_scale = 0.1f; p->sp.logit_zp = 0;
    p->lp.embed = p->sp.tgt_embed; p->lp.pos = p->sp.tgt_pos; p->lp.pos_add = add;
    p->lp.layers = p->ep; p->lp.out = lin; p->lp.logit_scale = 0.1f;
    /* the embeddings' LayerNorms (read only with cfg.embed_norm) */
    p->sp.src_embed_norm = p->sp.tgt_embed_norm = p->lp.embed_norm = ln;
}

/* the stacks inside the models point at their own layer arrays */
static void ds_params_link(ds_params *p)
{
    p->dp.layers = p->dl;
    p->ep.layers = p->el;
    p->sp.encoder.layers = p->el;
    p->sp.decoder.layers = p->dl;
    p->lp.layers.layers = p->el;
}

static void ds_init(void)
{
    ds *f = Y;
    memset(f, 0, sizeof *f);
    f->o = g_yo;
    ds_params_init(&f->p);
    f->ok = f->p;
    ds_params_link(&f->p);
    ds_params_link(&f->ok);
    f->io = g_y.io; f->out = g_y.out; f->toks = g_y.toks;
    f->mem = g_y.x + 3 * YD; f->ax = g_y.x; f->an = YTV;
    f->tpad = NULL; f->mpad = g_ypad;
    f->seq = YS; f->mem_len = YM;
    f->cfg.d_model = YD; f->cfg.n_heads = YH; f->cfg.d_ff = YF;
    f->cfg.activation = ATTN_ACT_GELU; f->cfg.norm_first = 0; f->cfg.causal = 1;
    f->cfg.eps = 1e-5f;
    f->s2s.encoder = f->cfg; f->s2s.encoder.causal = 0; f->s2s.decoder = f->cfg;
    f->s2s.src_vocab = YSV; f->s2s.tgt_vocab = YTV; f->s2s.max_src = YMAX; f->s2s.max_tgt = YMAX;
    f->s2s.position = ATTN_POS_LEARNED; f->s2s.embed_scale = 1.0f;
    f->lm.layers = f->cfg; f->lm.vocab = YTV; f->lm.max_len = YMAX;
    f->lm.position = ATTN_POS_LEARNED; f->lm.embed_scale = 1.0f;
    f->cfgp = &f->cfg; f->lpp = &f->p.dl[0]; f->dpp = &f->p.dp; f->epp = &f->p.ep;
    f->s2sp = &f->s2s; f->spp = &f->p.sp; f->lmp = &f->lm; f->lmpp = &f->p.lp;
    f->cachep = &g_yo->cache; f->storep = &g_yo->store;
    f->n_layers = YL; f->d = YD; f->max_len = YMAX; f->max_mem = YMAX;
    f->c_layers = YL; f->c_d = YD; f->c_len = YMAX; f->c_mem = YMAX;
    f->token = 2; f->bos = 2; f->eos = -1; f->max_out = YMAX; f->lm_out = YMAX - 1;
    f->src_len = YMAX; f->prompt_len = 2; f->src = g_ysrc; f->prompt = g_yprompt;
    f->n_outp = &g_yo->n_out; f->idxp = &g_yo->idx; f->bytesp = &g_yo->bytes; f->ap = &g_yo->arena;
    f->cfg_ok = f->cfg; f->s2s_ok = f->s2s; f->lm_ok = f->lm;
}

/* ---- one call per public function ------------------------------------------- */

static attn_status yop_argmax(void) { return attn_argmax_s8(Y->idxp, Y->ax, Y->an); }
static attn_status yop_dl_scratch(void) { return attn_decoder_layer_scratch_s8(Y->cfgp, Y->seq, Y->mem_len, Y->bytesp); }
static attn_status yop_dl(void)
{
    return attn_decoder_layer_s8(Y->io, Y->seq, Y->tpad, Y->mem, Y->mem_len, Y->mpad, Y->cfgp, Y->lpp, Y->ap);
}
static attn_status yop_dec_scratch(void) { return attn_decoder_scratch_s8(Y->cfgp, Y->seq, Y->mem_len, Y->bytesp); }
static attn_status yop_dec(void)
{
    return attn_decoder_s8(Y->io, Y->seq, Y->tpad, Y->mem, Y->mem_len, Y->mpad, Y->cfgp, Y->dpp, Y->ap);
}
static attn_status yop_kv_bytes(void) { return attn_kv_cache_bytes_s8(Y->n_layers, Y->d, Y->max_len, Y->max_mem, Y->bytesp); }
static attn_status yop_kv_init(void) { return attn_kv_cache_init_s8(Y->cachep, Y->n_layers, Y->d, Y->max_len, Y->max_mem, Y->storep); }
static attn_status yop_dec_memory(void) { return attn_decoder_memory_s8(Y->cachep, Y->mem, Y->mem_len, Y->mpad, Y->cfgp, Y->dpp); }
static attn_status yop_step_scratch(void) { return attn_decoder_step_scratch_s8(Y->cfgp, Y->max_len, Y->max_mem, Y->bytesp); }
static attn_status yop_step(void) { return attn_decoder_step_s8(Y->io, Y->cachep, Y->cfgp, Y->dpp, Y->ap); }
static attn_status yop_estep_scratch(void) { return attn_encoder_step_scratch_s8(Y->cfgp, Y->max_len, Y->bytesp); }
static attn_status yop_estep(void) { return attn_encoder_step_s8(Y->io, Y->cachep, Y->cfgp, Y->epp, Y->ap); }
static attn_status yop_s2s_scratch(void) { return attn_seq2seq_scratch_s8(Y->s2sp, Y->bytesp); }
static attn_status yop_s2s_encode(void) { return attn_seq2seq_encode_s8(Y->cachep, Y->src, Y->src_len, Y->s2sp, Y->spp, Y->ap); }
static attn_status yop_s2s_step(void) { return attn_seq2seq_step_s8(Y->out, Y->token, Y->cachep, Y->s2sp, Y->spp, Y->ap); }
static attn_status yop_s2s_next(void) { return attn_seq2seq_next_s8(Y->idxp, Y->token, Y->cachep, Y->s2sp, Y->spp, Y->ap); }
static attn_status yop_s2s_greedy(void)
{
    return attn_seq2seq_greedy_s8(Y->toks, Y->n_outp, Y->max_out, Y->src, Y->src_len, Y->bos, Y->eos,
                                  Y->cachep, Y->s2sp, Y->spp, Y->ap);
}
static attn_status yop_s2s_encode_ex(void)
{
    return attn_seq2seq_encode_ex_s8(Y->cachep, Y->input, Y->src, Y->segs, Y->src_len, Y->s2sp,
                                     Y->spp, Y->ap);
}
static attn_status yop_s2s_generate(void)
{
    return attn_seq2seq_generate_s8(Y->toks, Y->n_outp, Y->max_out, Y->bos, Y->eos, Y->cachep,
                                    Y->s2sp, Y->spp, Y->ap);
}
static attn_status yop_lm_scratch(void) { return attn_lm_scratch_s8(Y->lmp, Y->bytesp); }
static attn_status yop_lm_step(void) { return attn_lm_step_s8(Y->out, Y->token, Y->cachep, Y->lmp, Y->lmpp, Y->ap); }
static attn_status yop_lm_next(void) { return attn_lm_next_s8(Y->idxp, Y->token, Y->cachep, Y->lmp, Y->lmpp, Y->ap); }
static attn_status yop_lm_greedy(void)
{
    return attn_lm_greedy_s8(Y->toks, Y->n_outp, Y->lm_out, Y->prompt, Y->prompt_len, Y->eos,
                             Y->cachep, Y->lmp, Y->lmpp, Y->ap);
}

/* ---- ways to break the fixture ---------------------------------------------- */

static void ym_none(void) {}
static void ym_out_null(void) { Y->out = NULL; Y->toks = NULL; Y->bytesp = NULL; Y->idxp = NULL; }
static void ym_nout_null(void) { Y->n_outp = NULL; }
static void ym_x_null(void) { Y->io = NULL; Y->ax = NULL; }
static void ym_mem_null(void) { Y->mem = NULL; }
static void ym_cfg_null(void) { Y->cfgp = NULL; Y->s2sp = NULL; Y->lmp = NULL; }
static void ym_p_null(void) { Y->lpp = NULL; Y->dpp = NULL; Y->epp = NULL; Y->spp = NULL; Y->lmpp = NULL; }
static void ym_cache_null(void) { Y->cachep = NULL; }
static void ym_store_null(void) { Y->storep = NULL; }
static void ym_arena_null(void) { Y->ap = NULL; }
static void ym_src_null(void) { Y->src = NULL; }
static void ym_prompt_null(void) { Y->prompt = NULL; }
static void ym_sa_w_null(void) { Y->p.dl[0].self_attn.q.w = NULL; Y->p.el[0].attn.q.w = NULL; }
static void ym_ca_rq_null(void) { Y->p.dl[0].cross_attn.k.requant = NULL; }
static void ym_ff2_null(void) { Y->p.dl[0].ff2.w = NULL; Y->p.el[0].ff2.w = NULL; }
static void ym_layer2_null(void) { Y->p.dl[1].cross_attn.v.w = NULL; Y->p.el[1].attn.v.w = NULL; }
static void ym_layers_null(void)
{
    Y->p.dp.layers = NULL; Y->p.ep.layers = NULL; Y->p.sp.encoder.layers = NULL;
    Y->p.sp.decoder.layers = NULL; Y->p.lp.layers.layers = NULL;
}
static void ym_gamma_null(void)
{
    Y->p.dp.norm.gamma = NULL; Y->p.ep.norm.gamma = NULL; Y->p.sp.decoder.norm.gamma = NULL;
    Y->p.sp.encoder.norm.gamma = NULL; Y->p.lp.layers.norm.gamma = NULL;
}
static void ym_gelu_null(void) { Y->p.dl[0].gelu_table = NULL; Y->p.el[1].gelu_table = NULL; }
static void ym_relu_tab_null(void) /* ReLU needs no table: fine */
{
    int l;
    Y->cfg.activation = ATTN_ACT_RELU; Y->s2s.encoder.activation = Y->s2s.decoder.activation = ATTN_ACT_RELU;
    Y->lm.layers.activation = ATTN_ACT_RELU;
    for (l = 0; l < YL; l++) Y->p.dl[l].gelu_table = Y->p.el[l].gelu_table = NULL;
}
static void ym_embed_null(void) { Y->p.sp.src_embed = NULL; Y->p.lp.embed = NULL; }
static void ym_tgt_embed_null(void) { Y->p.sp.tgt_embed = NULL; }
static void ym_pos_null(void) { Y->p.sp.tgt_pos = NULL; Y->p.lp.pos = NULL; }
static void ym_outw_null(void) { Y->p.sp.out.w = NULL; Y->p.lp.out.requant = NULL; }
static void ym_nopos_null(void)
{
    Y->s2s.position = ATTN_POS_NONE; Y->lm.position = ATTN_POS_NONE;
    Y->p.sp.src_pos = Y->p.sp.tgt_pos = NULL; Y->p.lp.pos = NULL;
}
static void ym_seq0(void) { Y->seq = 0; Y->an = 0; }
static void ym_seq_neg(void) { Y->seq = -2; Y->an = -1; }
static void ym_mem0(void) { Y->mem_len = 0; }
static void ym_over_max(void)
{
    Y->seq = Y->mem_len = Y->an = ATTN_MAX_DIM + 1;
    Y->n_layers = Y->d = Y->max_len = Y->max_mem = ATTN_MAX_DIM + 1;
}
static void ym_int_max(void) { Y->seq = Y->mem_len = INT_MAX; Y->n_layers = Y->max_len = Y->max_mem = INT_MAX; }
static void ym_heads3(void) { Y->cfg.n_heads = 3; Y->s2s.decoder.n_heads = 3; Y->lm.layers.n_heads = 3; }
static void ym_dff0(void) { Y->cfg.d_ff = 0; Y->s2s.encoder.d_ff = 0; Y->lm.layers.d_ff = 0; }
/* beyond the int8 limits (layer norm width 2048) */
static void ym_dmodel_big(void)
{
    Y->cfg.d_model = 2052; Y->s2s.encoder.d_model = Y->s2s.decoder.d_model = 2052;
    Y->lm.layers.d_model = 2052;
}
static void ym_nlayers0(void)
{
    Y->p.dp.n_layers = 0; Y->p.ep.n_layers = 0; Y->p.sp.decoder.n_layers = 0; Y->p.lp.layers.n_layers = 0;
}
static void ym_act_bad(void)
{
    Y->cfg.activation = (attn_activation)7; Y->s2s.decoder.activation = (attn_activation)7;
    Y->lm.layers.activation = (attn_activation)7;
}
static void ym_win_neg(void)
{
    Y->cfg.window = -1; Y->s2s.decoder.window = -1; Y->s2s.encoder.window = -1;
    Y->lm.layers.window = -1;
}
static void ym_win_max(void)
{
    Y->cfg.window = INT_MAX; Y->s2s.decoder.window = INT_MAX; Y->s2s.encoder.window = INT_MAX;
    Y->lm.layers.window = INT_MAX;
}
static void ym_causal0(void) { Y->cfg.causal = 0; Y->s2s.decoder.causal = 0; Y->lm.layers.causal = 0; }
static void ym_position_bad(void) { Y->s2s.position = (attn_position)9; Y->lm.position = (attn_position)9; }
static void ym_vocab0(void) { Y->s2s.tgt_vocab = 0; Y->lm.vocab = 0; }
static void ym_max0(void) { Y->s2s.max_src = 0; Y->lm.max_len = 0; }
/* values, in each kind of block the calls use */
static void ym_shift_hi(void)
{
    Y->p.dl[0].self_attn.q.requant = g_y.qbad; Y->p.dl[1].ff1.requant = g_y.qbad;
    Y->p.el[0].attn.o.requant = g_y.qbad; Y->p.sp.out.requant = g_y.qbad;
    Y->p.lp.out.requant = g_y.qbad;
}
static void ym_ca_shift(void) { Y->p.dl[0].cross_attn.k.requant = g_y.qbad; } /* the memory's keys */
static void ym_mul_min(void)
{
    Y->p.dl[1].add2.a_mul.multiplier = INT32_MIN; Y->p.el[1].add1.b_mul.multiplier = INT32_MIN;
    Y->p.sp.tgt_pos_add.a_mul.multiplier = INT32_MIN; Y->p.lp.pos_add.a_mul.multiplier = INT32_MIN;
}
static void ym_src_pos_add_bad(void) { Y->p.sp.src_pos_add.out_mul.shift = -32; }
static void ym_zp_bad(void)
{
    Y->p.dl[0].norm3.out_zp = 128; Y->p.el[0].norm1.out_zp = -129; Y->p.sp.logit_zp = 200;
    Y->p.lp.out.out_zp = 128;
}
static void ym_zp_mismatch(void) { Y->p.dl[0].cross_attn.sdpa.k_zp = 1; Y->p.el[1].attn.sdpa.v_zp = 1; }
static void ym_eps0(void) { Y->p.dl[1].norm2.eps = 0; Y->p.el[1].norm2.eps = 0; }
/* the decoder models' embedding LayerNorm (cfg.embed_norm): valid, without
   its gamma, with an epsilon below 1 or an output zero point out of range */
static void ym_embnorm(void) { Y->s2s.embed_norm = Y->lm.embed_norm = 1; }
static void ym_embnorm_null(void)
{
    ym_embnorm();
    Y->p.sp.src_embed_norm.gamma = Y->p.sp.tgt_embed_norm.gamma = NULL;
    Y->p.lp.embed_norm.gamma = NULL;
}
static void ym_embnorm_eps0(void)
{
    ym_embnorm();
    Y->p.sp.tgt_embed_norm.eps = 0; Y->p.lp.embed_norm.eps = 0;
}
static void ym_embnorm_zp(void)
{
    ym_embnorm();
    Y->p.sp.src_embed_norm.out_zp = 128; Y->p.sp.tgt_embed_norm.out_zp = 128;
    Y->p.lp.embed_norm.out_zp = -129;
}
static void ym_add_wide(void)
{
    Y->p.dl[0].add2.a_mul.multiplier = Y->p.dl[0].add2.b_mul.multiplier = INT32_MAX;
    Y->p.dl[0].add2.a_mul.shift = Y->p.dl[0].add2.b_mul.shift = 30;
    Y->p.el[0].add1.a_mul = Y->p.dl[0].add2.a_mul;
    Y->p.el[0].add1.b_mul = Y->p.dl[0].add2.a_mul;
}
/* the source's front ends (encode_ex; as the float table's) */
static void ym_front_feat(void)
{
    Y->s2s.src_d_in = YD; Y->p.sp.src_in = Y->p.sp.out; Y->input = g_y.x; Y->src = NULL;
}
static void ym_front_patch(void)
{
    Y->s2s.src_d_in = 4; Y->s2s.src_patch = 2; Y->s2s.src_channels = 1;
    Y->s2s.src_image_h = 2; Y->s2s.src_image_w = 6;
    Y->p.sp.src_in = Y->p.sp.out; Y->input = g_y.x; Y->src = NULL;
}
static void ym_patch_bad(void) { ym_front_patch(); Y->s2s.src_image_h = 3; } /* 3 % 2 */
static void ym_in_null(void) { ym_front_feat(); Y->p.sp.src_in.w = NULL; }
static void ym_in_shift(void) { ym_front_feat(); Y->p.sp.src_in.requant = g_y.qbad; }
static void ym_in_big(void) { ym_front_feat(); Y->s2s.src_d_in = 40000; } /* > 32768 */
static void ym_front_cls(void)
{
    Y->s2s.src_cls_token = 1; Y->p.sp.src_cls_token = g_y.x + YD; Y->src_len = YMAX - 1;
}
static void ym_cls_null(void) { ym_front_cls(); Y->p.sp.src_cls_token = NULL; }
static void ym_cls_long(void) { ym_front_cls(); Y->src_len = YMAX; }
static void ym_front_seg(void)
{
    Y->s2s.src_segments = 2; Y->p.sp.src_segment_embed = g_y.x + 2 * YD;
    Y->p.sp.src_segment_add = Y->p.sp.src_pos_add; Y->segs = g_ysegs;
}
static void ym_seg_null(void) { ym_front_seg(); Y->p.sp.src_segment_embed = NULL; }
static void ym_seg_oov(void) { ym_front_seg(); Y->segs = g_ysegs_bad; }
static void ym_seg_add_bad(void) { ym_front_seg(); Y->p.sp.src_segment_add.out_mul.shift = -32; }
static void ym_front_all(void) { ym_front_cls(); ym_front_seg(); ym_embnorm(); }
static void ym_both_inputs(void) { ym_front_feat(); Y->src = g_ysrc; }
static void ym_input_plain(void) { Y->input = g_y.x; Y->src = NULL; }
static void ym_kv_layers0(void) { Y->n_layers = 0; }
static void ym_kv_d_neg(void) { Y->d = -4; }
static void ym_kv_len0(void) { Y->max_len = 0; }
static void ym_kv_mem_neg(void) { Y->max_mem = -1; }
static void ym_kv_mem0(void) { Y->max_mem = 0; }
static void ym_kv_huge(void) { Y->n_layers = Y->d = Y->max_len = ATTN_MAX_DIM; }
static void ym_store_short(void) { Y->store_mode = 1; }
static void ym_store_tiny(void) { Y->store_mode = 2; }
static void ym_arena_short(void) { Y->arena_mode = 1; }
static void ym_arena_tiny(void) { Y->arena_mode = 2; }
static void ym_cache_full(void) { Y->c_state = 1; }
static void ym_no_memory(void) { Y->c_state = 2; }
static void ym_cache_layers(void) { Y->c_layers = YL - 1; }
static void ym_cache_width(void) { Y->c_d = YD / 2; }
static void ym_cache_f32(void) { Y->c_f32 = 1; }
static void ym_cache_mem_small(void) { Y->c_mem = 1; }
static void ym_cache_len_small(void) { Y->c_len = YMAX - 1; }
static void ym_cache_big(void) { Y->c_len = Y->c_mem = YBIG; }
static void ym_token_oov(void) { Y->token = YTV; }
static void ym_token_neg(void) { Y->token = -1; }
static void ym_src_oov(void) { Y->src = g_ysrc_bad; }
static void ym_bos_oov(void) { Y->bos = -1; }
static void ym_prompt_oov(void) { Y->prompt = g_yprompt_bad; }
static void ym_src_len0(void) { Y->src_len = 0; }
static void ym_src_len_big(void) { Y->src_len = YMAX + 1; }
static void ym_max_out0(void) { Y->max_out = 0; Y->lm_out = 0; }
static void ym_max_out_big(void) { Y->max_out = YMAX + 1; }
static void ym_prompt_len0(void) { Y->prompt_len = 0; }
static void ym_prompt_long(void) { Y->prompt_len = YMAX; }
static void ym_eos_first(void) { Y->eos = 0; }
static void ym_pad_all(void) { Y->mpad = g_ypad_all; Y->tpad = g_ypad_all; }
/* the "late" rows */
static void ym_late_shift(void) { Y->late = 1; Y->late_break = ym_shift_hi; }
static void ym_late_ca_shift(void) { Y->late = 1; Y->late_break = ym_ca_shift; }
static void ym_late_zp(void) { Y->late = 1; Y->late_break = ym_zp_bad; }

#define DS_OPS(X_) X_(argmax, attn_argmax_s8) X_(dl_scratch, attn_decoder_layer_scratch_s8) \
    X_(dl, attn_decoder_layer_s8) X_(dec_scratch, attn_decoder_scratch_s8) X_(dec, attn_decoder_s8) \
    X_(kv_bytes, attn_kv_cache_bytes_s8) X_(kv_init, attn_kv_cache_init_s8) \
    X_(dec_memory, attn_decoder_memory_s8) X_(step_scratch, attn_decoder_step_scratch_s8) \
    X_(step, attn_decoder_step_s8) X_(estep_scratch, attn_encoder_step_scratch_s8) \
    X_(estep, attn_encoder_step_s8) X_(s2s_scratch, attn_seq2seq_scratch_s8) \
    X_(s2s_encode, attn_seq2seq_encode_s8) X_(s2s_step, attn_seq2seq_step_s8) \
    X_(s2s_greedy, attn_seq2seq_greedy_s8) X_(lm_scratch, attn_lm_scratch_s8) \
    X_(s2s_encode_ex, attn_seq2seq_encode_ex_s8) X_(s2s_generate, attn_seq2seq_generate_s8) \
    X_(lm_step, attn_lm_step_s8) X_(lm_greedy, attn_lm_greedy_s8) \
    X_(s2s_next, attn_seq2seq_next_s8) X_(lm_next, attn_lm_next_s8)
#define DS_MUTS(X_) X_(none) X_(out_null) X_(nout_null) X_(x_null) X_(mem_null) X_(cfg_null) \
    X_(p_null) X_(cache_null) X_(store_null) X_(arena_null) X_(src_null) X_(prompt_null) \
    X_(sa_w_null) X_(ca_rq_null) X_(ff2_null) X_(layer2_null) X_(layers_null) X_(gamma_null) \
    X_(gelu_null) X_(relu_tab_null) X_(embed_null) X_(tgt_embed_null) X_(pos_null) \
    X_(outw_null) X_(nopos_null) X_(seq0) X_(seq_neg) X_(mem0) X_(over_max) X_(int_max) \
    X_(heads3) X_(dff0) X_(dmodel_big) X_(nlayers0) X_(act_bad) X_(win_neg) X_(win_max) X_(causal0) X_(position_bad) \
    X_(vocab0) X_(max0) X_(shift_hi) X_(ca_shift) X_(mul_min) X_(src_pos_add_bad) X_(zp_bad) \
    X_(zp_mismatch) X_(eps0) X_(add_wide) X_(kv_layers0) X_(kv_d_neg) X_(kv_len0) \
    X_(kv_mem_neg) X_(kv_mem0) X_(kv_huge) X_(store_short) X_(store_tiny) X_(arena_short) \
    X_(arena_tiny) X_(cache_full) X_(no_memory) X_(cache_layers) X_(cache_width) X_(cache_f32) \
    X_(cache_mem_small) X_(cache_len_small) X_(cache_big) X_(token_oov) X_(token_neg) \
    X_(src_oov) X_(bos_oov) X_(prompt_oov) X_(src_len0) X_(src_len_big) X_(max_out0) \
    X_(max_out_big) X_(prompt_len0) X_(prompt_long) X_(eos_first) X_(pad_all) X_(late_shift) \
    X_(late_ca_shift) X_(late_zp) X_(embnorm) X_(embnorm_null) X_(embnorm_eps0) X_(embnorm_zp) \
    X_(front_feat) X_(front_patch) X_(patch_bad) X_(in_null) X_(in_shift) X_(in_big) \
    X_(front_cls) X_(cls_null) X_(cls_long) X_(front_seg) X_(seg_null) X_(seg_oov) \
    X_(seg_add_bad) X_(front_all) X_(both_inputs) X_(input_plain)
#define DS_ENUM_OP(s, name) YOP_##s,
#define DS_ENUM_MUT(m) YMUT_##m,
#define DS_OP_ENTRY(s, name) {#name, yop_##s},
#define DS_MUT_ENTRY(m) {#m, ym_##m},
enum { DS_OPS(DS_ENUM_OP) N_DS_OPS };
enum { DS_MUTS(DS_ENUM_MUT) N_DS_MUTS };
static const bad_op k_ds_ops[] = {DS_OPS(DS_OP_ENTRY)};
static const bad_mut k_ds_muts[] = {DS_MUTS(DS_MUT_ENTRY)};

#define YR(op, mut, want) {YOP_##op, YMUT_##mut, want, 0}
#define YK(op, mut, want) {YOP_##op, YMUT_##mut, want, BAD_KNOWN}
#define FUL ATTN_ERR_FULL

static const bad_row k_ds_rows[] = {
    YR(argmax, none, OK), YR(argmax, out_null, NUL), YR(argmax, x_null, NUL), YR(argmax, seq0, SHP),
    YR(argmax, seq_neg, SHP), YR(argmax, over_max, SHP),
    /* decoder layer / stack */
    YR(dl_scratch, none, OK), YR(dl_scratch, out_null, NUL), YR(dl_scratch, cfg_null, NUL),
    YR(dl_scratch, seq0, SHP), YR(dl_scratch, mem0, SHP), YR(dl_scratch, heads3, SHP),
    YR(dl_scratch, dff0, SHP), YR(dl_scratch, dmodel_big, SHP), YR(dl_scratch, over_max, SHP),
    YR(dl_scratch, int_max, SHP), YR(dl_scratch, act_bad, RNG),
    YR(dl, none, OK), YR(dl, x_null, NUL), YR(dl, mem_null, NUL), YR(dl, cfg_null, NUL),
    YR(dl, p_null, NUL), YR(dl, arena_null, NUL), YR(dl, sa_w_null, NUL), YR(dl, ca_rq_null, NUL),
    YR(dl, ff2_null, NUL), YR(dl, gelu_null, NUL), YR(dl, seq0, SHP), YR(dl, seq_neg, SHP),
    YR(dl, mem0, SHP), YR(dl, heads3, SHP), YR(dl, dmodel_big, SHP), YR(dl, over_max, SHP),
    YR(dl, act_bad, RNG), YR(dl, shift_hi, RNG), YR(dl, ca_shift, RNG), YR(dl, zp_bad, RNG),
    YR(dl, zp_mismatch, RNG), YR(dl, add_wide, RNG), YR(dl, arena_short, ARN),
    YR(dl, arena_tiny, ARN), YR(dl, relu_tab_null, OK), YR(dl, pad_all, OK),
    YR(dec_scratch, none, OK), YR(dec_scratch, out_null, NUL), YR(dec_scratch, cfg_null, NUL),
    YR(dec_scratch, seq_neg, SHP), YR(dec_scratch, mem0, SHP), YR(dec_scratch, dmodel_big, SHP),
    YR(dec_scratch, over_max, SHP), YR(dec_scratch, act_bad, RNG),
    YR(dec, none, OK), YR(dec, x_null, NUL), YR(dec, mem_null, NUL), YR(dec, cfg_null, NUL),
    YR(dec, p_null, NUL), YR(dec, arena_null, NUL), YR(dec, layers_null, NUL),
    YR(dec, layer2_null, NUL), YR(dec, gamma_null, NUL), YR(dec, seq0, SHP), YR(dec, heads3, SHP),
    YR(dec, nlayers0, SHP), YR(dec, dmodel_big, SHP), YR(dec, over_max, SHP), YR(dec, int_max, SHP),
    YR(dec, act_bad, RNG), YR(dec, shift_hi, RNG), YR(dec, mul_min, RNG), YR(dec, eps0, RNG),
    YR(dec, zp_bad, RNG), YR(dec, add_wide, RNG), YR(dec, arena_short, ARN),
    YR(dec, arena_tiny, ARN), YR(dec, relu_tab_null, OK), YR(dec, pad_all, OK),
    /* the cache */
    YR(kv_bytes, none, OK), YR(kv_bytes, out_null, NUL), YR(kv_bytes, kv_layers0, SHP),
    YR(kv_bytes, kv_d_neg, SHP), YR(kv_bytes, kv_len0, SHP), YR(kv_bytes, kv_mem_neg, SHP),
    YR(kv_bytes, kv_mem0, OK), YR(kv_bytes, over_max, SHP), YR(kv_bytes, int_max, SHP),
    YR(kv_bytes, kv_huge, BIG),
    YR(kv_init, none, OK), YR(kv_init, cache_null, NUL), YR(kv_init, store_null, NUL),
    YR(kv_init, kv_layers0, SHP), YR(kv_init, kv_len0, SHP), YR(kv_init, kv_mem_neg, SHP),
    YR(kv_init, kv_mem0, OK), YR(kv_init, over_max, SHP), YR(kv_init, kv_huge, BIG),
    YR(kv_init, store_short, ARN), YR(kv_init, store_tiny, ARN),
    YR(dec_memory, none, OK), YR(dec_memory, cache_null, NUL), YR(dec_memory, mem_null, NUL),
    YR(dec_memory, cfg_null, NUL), YR(dec_memory, p_null, NUL), YR(dec_memory, ca_rq_null, NUL),
    YR(dec_memory, layer2_null, NUL), YR(dec_memory, mem0, SHP), YR(dec_memory, over_max, SHP),
    YR(dec_memory, dmodel_big, SHP), YR(dec_memory, nlayers0, SHP),
    YR(dec_memory, cache_layers, SHP), YR(dec_memory, cache_width, SHP),
    YR(dec_memory, cache_f32, SHP), YR(dec_memory, cache_mem_small, SHP),
    YR(dec_memory, ca_shift, RNG), YR(dec_memory, shift_hi, RNG), YR(dec_memory, pad_all, OK),
    /* steps */
    YR(step_scratch, none, OK), YR(step_scratch, out_null, NUL), YR(step_scratch, cfg_null, NUL),
    YR(step_scratch, kv_len0, SHP), YR(step_scratch, kv_mem0, SHP), YR(step_scratch, heads3, SHP),
    YR(step_scratch, dmodel_big, SHP), YR(step_scratch, over_max, SHP),
    YR(step_scratch, act_bad, RNG),
    YR(step, none, OK), YR(step, x_null, NUL), YR(step, cache_null, NUL), YR(step, cfg_null, NUL),
    YR(step, p_null, NUL), YR(step, arena_null, NUL), YR(step, sa_w_null, NUL),
    YR(step, layer2_null, NUL), YR(step, gamma_null, NUL), YR(step, gelu_null, NUL),
    YR(step, heads3, SHP), YR(step, nlayers0, SHP), YR(step, dmodel_big, SHP),
    YR(step, no_memory, SHP), YR(step, cache_layers, SHP), YR(step, cache_width, SHP),
    YR(step, cache_f32, SHP), YR(step, act_bad, RNG), YR(step, causal0, RNG),
    YR(step, shift_hi, RNG), YR(step, ca_shift, RNG), YR(step, mul_min, RNG), YR(step, zp_bad, RNG),
    YR(step, eps0, RNG), YR(step, add_wide, RNG), YR(step, cache_full, FUL),
    YR(step, arena_short, ARN), YR(step, arena_tiny, ARN), YR(step, relu_tab_null, OK),
    YR(step, pad_all, OK), YR(dec_memory, late_shift, RNG), YR(dec_memory, late_ca_shift, RNG),
    YR(estep_scratch, none, OK), YR(estep_scratch, out_null, NUL), YR(estep_scratch, cfg_null, NUL),
    YR(estep_scratch, kv_len0, SHP), YR(estep_scratch, dmodel_big, SHP),
    YR(estep_scratch, act_bad, RNG),
    YR(dl, win_neg, RNG), YR(dl, win_max, OK), YR(dec, win_neg, RNG), YR(dec, win_max, OK),
    YR(step, win_neg, RNG), YR(step, win_max, OK), YR(estep, win_neg, RNG), YR(estep, win_max, OK),
    YR(estep, none, OK), YR(estep, x_null, NUL), YR(estep, cache_null, NUL), YR(estep, cfg_null, NUL),
    YR(estep, p_null, NUL), YR(estep, arena_null, NUL), YR(estep, sa_w_null, NUL),
    YR(estep, layer2_null, NUL), YR(estep, layers_null, NUL), YR(estep, heads3, SHP),
    YR(estep, nlayers0, SHP), YR(estep, cache_layers, SHP), YR(estep, cache_width, SHP),
    YR(estep, cache_f32, SHP), YR(estep, causal0, RNG), YR(estep, shift_hi, RNG),
    YR(estep, mul_min, RNG), YR(estep, zp_mismatch, RNG), YR(estep, add_wide, RNG),
    YR(estep, cache_full, FUL), YR(estep, arena_short, ARN), YR(estep, arena_tiny, ARN),
    YR(estep, cache_mem_small, OK), YR(estep, late_shift, RNG), YR(estep, late_zp, RNG),
    /* encoder-decoder */
    YR(s2s_scratch, none, OK), YR(s2s_scratch, out_null, NUL), YR(s2s_scratch, cfg_null, NUL),
    YR(s2s_scratch, heads3, SHP), YR(s2s_scratch, dmodel_big, SHP), YR(s2s_scratch, vocab0, SHP),
    YR(s2s_scratch, max0, SHP), YR(s2s_scratch, act_bad, RNG), YR(s2s_scratch, causal0, RNG),
    YR(s2s_scratch, position_bad, RNG),
    YR(s2s_encode, none, OK), YR(s2s_encode, cache_null, NUL), YR(s2s_encode, src_null, NUL),
    YR(s2s_encode, cfg_null, NUL), YR(s2s_encode, p_null, NUL), YR(s2s_encode, arena_null, NUL),
    YR(s2s_encode, embed_null, NUL), YR(s2s_encode, layer2_null, NUL),
    YR(s2s_encode, outw_null, NUL), YR(s2s_encode, pos_null, NUL), YR(s2s_encode, heads3, SHP),
    YR(s2s_encode, nlayers0, SHP), YR(s2s_encode, src_len0, SHP), YR(s2s_encode, src_len_big, SHP),
    YR(s2s_encode, cache_layers, SHP), YR(s2s_encode, cache_width, SHP),
    YR(s2s_encode, cache_f32, SHP), YR(s2s_encode, cache_mem_small, SHP),
    YR(s2s_encode, causal0, RNG), YR(s2s_encode, position_bad, RNG), YR(s2s_encode, src_oov, RNG),
    YR(s2s_encode, shift_hi, RNG), YR(s2s_encode, src_pos_add_bad, RNG),
    YR(s2s_encode, arena_short, ARN), YR(s2s_encode, arena_tiny, ARN),
    YR(s2s_encode, nopos_null, OK), YR(s2s_encode, cache_big, OK),
    YR(s2s_encode, late_shift, RNG),
    YR(s2s_encode, embnorm, OK), YR(s2s_encode, embnorm_null, NUL),
    YR(s2s_encode, embnorm_eps0, RNG), YR(s2s_encode, embnorm_zp, RNG),
    YR(s2s_step, none, OK), YR(s2s_step, out_null, NUL), YR(s2s_step, cache_null, NUL),
    YR(s2s_step, cfg_null, NUL), YR(s2s_step, p_null, NUL), YR(s2s_step, arena_null, NUL),
    YR(s2s_step, tgt_embed_null, NUL), YR(s2s_step, outw_null, NUL), YR(s2s_step, heads3, SHP),
    YR(s2s_step, vocab0, SHP), YR(s2s_step, no_memory, SHP), YR(s2s_step, cache_layers, SHP),
    YR(s2s_step, cache_f32, SHP), YR(s2s_step, causal0, RNG), YR(s2s_step, token_oov, RNG),
    YR(s2s_step, token_neg, RNG), YR(s2s_step, shift_hi, RNG), YR(s2s_step, mul_min, RNG),
    YR(s2s_step, zp_bad, RNG), YR(s2s_step, cache_full, FUL), YR(s2s_step, arena_tiny, ARN),
    YR(s2s_step, cache_big, OK),
    YR(s2s_step, embnorm, OK), YR(s2s_step, embnorm_null, NUL), YR(s2s_step, embnorm_eps0, RNG),
    YR(s2s_step, embnorm_zp, RNG),
    YR(s2s_greedy, none, OK), YR(s2s_greedy, out_null, NUL), YR(s2s_greedy, nout_null, NUL),
    YR(s2s_greedy, src_null, NUL), YR(s2s_greedy, cache_null, NUL), YR(s2s_greedy, cfg_null, NUL),
    YR(s2s_greedy, p_null, NUL), YR(s2s_greedy, arena_null, NUL), YR(s2s_greedy, heads3, SHP),
    YR(s2s_greedy, src_len0, SHP), YR(s2s_greedy, src_len_big, SHP),
    YR(s2s_greedy, max_out0, SHP), YR(s2s_greedy, max_out_big, SHP),
    YR(s2s_greedy, cache_len_small, SHP), YR(s2s_greedy, cache_mem_small, SHP),
    YR(s2s_greedy, causal0, RNG), YR(s2s_greedy, src_oov, RNG), YR(s2s_greedy, bos_oov, RNG),
    YR(s2s_greedy, shift_hi, RNG), YR(s2s_greedy, arena_short, ARN),
    YR(s2s_greedy, arena_tiny, ARN), YR(s2s_greedy, eos_first, OK), YR(s2s_greedy, cache_big, OK),
    YR(s2s_greedy, embnorm, OK), YR(s2s_greedy, embnorm_null, NUL),
    YR(s2s_greedy, embnorm_eps0, RNG), YR(s2s_greedy, embnorm_zp, RNG),
    /* decoder-only */
    YR(lm_scratch, none, OK), YR(lm_scratch, out_null, NUL), YR(lm_scratch, cfg_null, NUL),
    YR(lm_scratch, heads3, SHP), YR(lm_scratch, vocab0, SHP), YR(lm_scratch, max0, SHP),
    YR(lm_scratch, dmodel_big, SHP), YR(lm_scratch, act_bad, RNG),
    YR(lm_step, none, OK), YR(lm_step, out_null, NUL), YR(lm_step, cache_null, NUL),
    YR(lm_step, cfg_null, NUL), YR(lm_step, p_null, NUL), YR(lm_step, arena_null, NUL),
    YR(lm_step, embed_null, NUL), YR(lm_step, pos_null, NUL), YR(lm_step, outw_null, NUL),
    YR(lm_step, layers_null, NUL), YR(lm_step, heads3, SHP), YR(lm_step, vocab0, SHP),
    YR(lm_step, nlayers0, SHP), YR(lm_step, cache_layers, SHP), YR(lm_step, cache_f32, SHP),
    YR(lm_step, causal0, RNG), YR(lm_step, position_bad, RNG), YR(lm_step, token_oov, RNG),
    YR(lm_step, token_neg, RNG), YR(lm_step, shift_hi, RNG), YR(lm_step, mul_min, RNG),
    YR(lm_step, cache_full, FUL), YR(lm_step, arena_tiny, ARN), YR(lm_step, nopos_null, OK),
    YR(lm_step, cache_big, OK), YR(lm_step, late_shift, RNG),
    YR(lm_step, embnorm, OK), YR(lm_step, embnorm_null, NUL), YR(lm_step, embnorm_eps0, RNG),
    YR(lm_step, embnorm_zp, RNG),
    YR(s2s_next, none, OK),
    YR(s2s_next, embnorm, OK), YR(s2s_next, embnorm_null, NUL), YR(s2s_next, embnorm_eps0, RNG),
    YR(s2s_next, embnorm_zp, RNG),
    YR(s2s_next, out_null, NUL),
    YR(s2s_next, cache_null, NUL),
    YR(s2s_next, cfg_null, NUL),
    YR(s2s_next, p_null, NUL),
    YR(s2s_next, arena_null, NUL),
    YR(s2s_next, tgt_embed_null, NUL),
    YR(s2s_next, outw_null, NUL),
    YR(s2s_next, heads3, SHP),
    YR(s2s_next, vocab0, SHP),
    YR(s2s_next, no_memory, SHP),
    YR(s2s_next, cache_layers, SHP),
    YR(s2s_next, cache_f32, SHP),
    YR(s2s_next, causal0, RNG),
    YR(s2s_next, token_oov, RNG),
    YR(s2s_next, token_neg, RNG),
    YR(s2s_next, shift_hi, RNG),
    YR(s2s_next, mul_min, RNG),
    YR(s2s_next, zp_bad, RNG),
    YR(s2s_next, cache_full, FUL),
    YR(s2s_next, arena_tiny, ARN),
    YR(s2s_next, cache_big, OK),
    YR(lm_next, none, OK),
    YR(lm_next, embnorm, OK), YR(lm_next, embnorm_null, NUL), YR(lm_next, embnorm_eps0, RNG),
    YR(lm_next, embnorm_zp, RNG),
    YR(lm_next, out_null, NUL),
    YR(lm_next, cache_null, NUL),
    YR(lm_next, cfg_null, NUL),
    YR(lm_next, p_null, NUL),
    YR(lm_next, arena_null, NUL),
    YR(lm_next, embed_null, NUL),
    YR(lm_next, pos_null, NUL),
    YR(lm_next, outw_null, NUL),
    YR(lm_next, layers_null, NUL),
    YR(lm_next, heads3, SHP),
    YR(lm_next, vocab0, SHP),
    YR(lm_next, nlayers0, SHP),
    YR(lm_next, cache_layers, SHP),
    YR(lm_next, cache_f32, SHP),
    YR(lm_next, causal0, RNG),
    YR(lm_next, position_bad, RNG),
    YR(lm_next, token_oov, RNG),
    YR(lm_next, token_neg, RNG),
    YR(lm_next, shift_hi, RNG),
    YR(lm_next, mul_min, RNG),
    YR(lm_next, cache_full, FUL),
    YR(lm_next, arena_tiny, ARN),
    YR(lm_next, nopos_null, OK),
    YR(lm_next, cache_big, OK),
    YR(lm_next, late_shift, RNG),
    /* the source's front ends */
    YR(s2s_encode_ex, none, OK), YR(s2s_encode_ex, front_feat, OK),
    YR(s2s_encode_ex, front_patch, OK), YR(s2s_encode_ex, front_cls, OK),
    YR(s2s_encode_ex, front_seg, OK), YR(s2s_encode_ex, front_all, OK),
    YR(s2s_encode_ex, cache_big, OK), YR(s2s_encode_ex, cache_null, NUL),
    YR(s2s_encode_ex, src_null, NUL), YR(s2s_encode_ex, both_inputs, NUL),
    YR(s2s_encode_ex, cfg_null, NUL), YR(s2s_encode_ex, p_null, NUL),
    YR(s2s_encode_ex, arena_null, NUL), YR(s2s_encode_ex, in_null, NUL),
    YR(s2s_encode_ex, cls_null, NUL), YR(s2s_encode_ex, seg_null, NUL),
    YR(s2s_encode_ex, embnorm_null, NUL), YR(s2s_encode_ex, layer2_null, NUL),
    YR(s2s_encode_ex, heads3, SHP), YR(s2s_encode_ex, src_len0, SHP),
    YR(s2s_encode_ex, src_len_big, SHP), YR(s2s_encode_ex, cls_long, SHP),
    YR(s2s_encode_ex, patch_bad, SHP), YR(s2s_encode_ex, in_big, SHP),
    YR(s2s_encode_ex, input_plain, SHP), YR(s2s_encode_ex, cache_mem_small, SHP),
    YR(s2s_encode_ex, cache_f32, SHP), YR(s2s_encode_ex, causal0, RNG),
    YR(s2s_encode_ex, src_oov, RNG), YR(s2s_encode_ex, seg_oov, RNG),
    YR(s2s_encode_ex, seg_add_bad, RNG), YR(s2s_encode_ex, in_shift, RNG),
    YR(s2s_encode_ex, shift_hi, RNG), YR(s2s_encode_ex, embnorm_zp, RNG),
    YR(s2s_encode_ex, arena_short, ARN), YR(s2s_encode_ex, arena_tiny, ARN),
    YR(s2s_encode, front_cls, SHP), YR(s2s_greedy, front_seg, SHP),
    YR(s2s_scratch, front_patch, OK), YR(s2s_step, front_feat, OK),
    YR(s2s_step, in_null, NUL), YR(s2s_next, front_all, OK),
    YR(s2s_generate, none, OK), YR(s2s_generate, front_patch, OK),
    YR(s2s_generate, eos_first, OK), YR(s2s_generate, cache_full, OK),
    YR(s2s_generate, cache_big, OK), YR(s2s_generate, out_null, NUL),
    YR(s2s_generate, nout_null, NUL), YR(s2s_generate, cache_null, NUL),
    YR(s2s_generate, cfg_null, NUL), YR(s2s_generate, p_null, NUL),
    YR(s2s_generate, arena_null, NUL), YR(s2s_generate, heads3, SHP),
    YR(s2s_generate, no_memory, SHP), YR(s2s_generate, max_out0, SHP),
    YR(s2s_generate, max_out_big, SHP), YR(s2s_generate, cache_f32, SHP),
    YR(s2s_generate, causal0, RNG), YR(s2s_generate, bos_oov, RNG),
    YR(s2s_generate, shift_hi, RNG), YR(s2s_generate, arena_tiny, ARN),
    YR(s2s_greedy, win_neg, RNG), YR(s2s_greedy, win_max, OK), YR(lm_greedy, win_neg, RNG),
    YR(lm_greedy, win_max, OK), YR(lm_step, win_neg, RNG), YR(s2s_step, win_neg, RNG),
    YR(lm_greedy, none, OK),
    YR(lm_greedy, embnorm, OK), YR(lm_greedy, embnorm_null, NUL), YR(lm_greedy, embnorm_eps0, RNG),
    YR(lm_greedy, embnorm_zp, RNG), YR(lm_greedy, out_null, NUL), YR(lm_greedy, nout_null, NUL),
    YR(lm_greedy, prompt_null, NUL), YR(lm_greedy, cache_null, NUL), YR(lm_greedy, cfg_null, NUL),
    YR(lm_greedy, p_null, NUL), YR(lm_greedy, arena_null, NUL), YR(lm_greedy, heads3, SHP),
    YR(lm_greedy, prompt_len0, SHP), YR(lm_greedy, prompt_long, SHP),
    YR(lm_greedy, max_out0, SHP), YR(lm_greedy, cache_len_small, SHP),
    YR(lm_greedy, cache_layers, SHP), YR(lm_greedy, causal0, RNG), YR(lm_greedy, prompt_oov, RNG),
    YR(lm_greedy, shift_hi, RNG), YR(lm_greedy, arena_short, ARN), YR(lm_greedy, arena_tiny, ARN),
    YR(lm_greedy, eos_first, OK), YR(lm_greedy, cache_full, OK),
    YR(lm_greedy, cache_big, OK),
};

/* ---- the table's hooks ----------------------------------------------------------- */

static void ds_layout(void)
{
    attn_encoder_cfg c = {0};
    attn_seq2seq_cfg s = {0};
    attn_lm_cfg m = {0};
    size_t q[6] = {0, 0, 0, 0, 0, 0};
    int i;
    memset(&c, 0, sizeof c);
    c.d_model = YD; c.n_heads = YH; c.d_ff = YF; c.activation = ATTN_ACT_GELU; c.causal = 1;
    c.eps = 1e-5f;
    memset(&s, 0, sizeof s);
    s.encoder = c; s.encoder.causal = 0; s.decoder = c; s.src_vocab = YSV; s.tgt_vocab = YTV;
    s.max_src = s.max_tgt = YMAX; s.position = ATTN_POS_LEARNED; s.embed_scale = 1.0f;
    memset(&m, 0, sizeof m);
    m.layers = c; m.vocab = YTV; m.max_len = YMAX; m.position = ATTN_POS_LEARNED;
    attn_decoder_scratch_s8(&c, YS, YM, &q[0]);
    attn_decoder_step_scratch_s8(&c, YBIG, YBIG, &q[1]);
    attn_encoder_step_scratch_s8(&c, YBIG, &q[2]);
    attn_seq2seq_scratch_s8(&s, &q[3]);
    attn_lm_scratch_s8(&m, &q[4]);
    attn_decoder_layer_scratch_s8(&c, YS, YM, &q[5]);
    g_y.mem_bytes = 0;
    for (i = 0; i < 6; i++)
        if (q[i] > g_y.mem_bytes) g_y.mem_bytes = q[i];
    g_y.mem_bytes += 128;
    {   /* the largest cache the rows make: int8 of YBIG tokens, or float of YMAX */
        size_t b8 = 0, b32 = 0;
        attn_kv_cache_bytes_s8(YL, YD, YBIG, YBIG, &b8);
        attn_kv_cache_bytes_f32(YL, YD, YMAX, YMAX, &b32);
        g_y.cbytes = b8 > b32 ? b8 : b32;
    }
    Y = (ds *)check_plan_take(sizeof *Y);
    g_y.x = (int8_t *)check_plan_take(YX);
    g_y.w = (int8_t *)check_plan_take(YW * YW);
    g_y.tab = (int8_t *)check_plan_take(256);
    g_y.b = (int32_t *)check_plan_take(YW * sizeof(int32_t));
    g_y.beta = (int32_t *)check_plan_take(YW * sizeof(int32_t));
    g_y.q = (attn_qmul *)check_plan_take(YW * sizeof(attn_qmul));
    g_y.qbad = (attn_qmul *)check_plan_take(YW * sizeof(attn_qmul));
    g_y.mem = (unsigned char *)check_plan_take(g_y.mem_bytes);
    g_y.io = (int8_t *)bad_watch(YS * YD, BAD_KEEP);
    g_y.out = (int8_t *)bad_watch(YTV, BAD_OUT);
    g_y.toks = (int *)bad_watch((YMAX + 1) * sizeof(int), BAD_OUT);
    g_y.cbuf = (unsigned char *)bad_watch(g_y.cbytes, BAD_KEEP);
    g_yo = (ds_out *)bad_watch(sizeof(ds_out), BAD_OUT);
}

static void ds_setup(void)
{
    int i;
    rs_seed(1300);
    rs_fill(g_y.x, YX);
    rs_fill(g_y.w, YW * YW);
    rs_fill(g_y.tab, 256);
    for (i = 0; i < YW; i++) {
        g_y.b[i] = rs_int(-1000, 1000);
        g_y.beta[i] = rs_int(-1000, 1000);
        g_y.q[i] = g_y.qbad[i] = qmul_near(0.01);
    }
    g_y.qbad[YD - 1].shift = 31; /* a channel every linear of width 4 uses */
    for (i = 0; i < YMAX; i++) {
        g_ypad[i] = (uint8_t)(i == 1);
        g_ypad_all[i] = 1;
    }
}

static int ds_is_arena_call(int op)
{
    return op == YOP_dl || op == YOP_dec || op == YOP_step || op == YOP_estep ||
           op == YOP_s2s_encode || op == YOP_s2s_step || op == YOP_s2s_greedy ||
           op == YOP_lm_step || op == YOP_lm_greedy || op == YOP_s2s_next || op == YOP_lm_next ||
           op == YOP_s2s_encode_ex || op == YOP_s2s_generate;
}

static int ds_exact(int op)
{
    return op != YOP_s2s_step && op != YOP_lm_step && op != YOP_s2s_next && op != YOP_lm_next &&
           op != YOP_s2s_generate;
}

static size_t ds_query(int op)
{
    size_t b = 0;
    attn_status st = ATTN_ERR_RANGE;
    if (op == YOP_dl) st = attn_decoder_layer_scratch_s8(&Y->cfg_ok, YS, YM, &b);
    if (op == YOP_dec) st = attn_decoder_scratch_s8(&Y->cfg_ok, YS, YM, &b);
    if (op == YOP_step) st = attn_decoder_step_scratch_s8(&Y->cfg_ok, YMAX, YMAX, &b);
    if (op == YOP_estep) st = attn_encoder_step_scratch_s8(&Y->cfg_ok, YMAX, &b);
    if (op == YOP_s2s_encode || op == YOP_s2s_step || op == YOP_s2s_greedy || op == YOP_s2s_next ||
        op == YOP_s2s_encode_ex || op == YOP_s2s_generate) {
        /* the row's own source (a patch buffer), else the unbroken one's */
        st = Y->s2sp ? attn_seq2seq_scratch_s8(Y->s2sp, &b) : ATTN_ERR_NULL;
        if (st != ATTN_OK) st = attn_seq2seq_scratch_s8(&Y->s2s_ok, &b);
    }
    if (op == YOP_lm_step || op == YOP_lm_greedy || op == YOP_lm_next)
        st = attn_lm_scratch_s8(&Y->lm_ok, &b);
    return st == ATTN_OK && b <= g_y.mem_bytes ? b : g_y.mem_bytes;
}

/* The cache the call finds (see the float table's dx_make_cache), made with
   the pristine parameters - or, for the "late" rows, with the call's own
   (still unbroken), which are then broken in place. */
static void ds_make_cache(int op)
{
    ds_out *o = g_yo;
    attn_arena *a = &o->arena;
    ds_params *use = Y->late ? &Y->p : &Y->ok;
    attn_decoder_s8_params dp;
    attn_encoder_s8_params ep;
    attn_seq2seq_s8_params sp;
    attn_lm_s8_params lp;
    int i, n = Y->c_layers;
    attn_status st;
    attn_arena_init(&o->store, g_y.cbuf, g_y.cbytes);
    attn_arena_init(a, g_y.mem, g_y.mem_bytes);
    st = Y->c_f32 ? attn_kv_cache_init_f32(&o->cache, n, Y->c_d, Y->c_len, Y->c_mem, &o->store)
                  : attn_kv_cache_init_s8(&o->cache, n, Y->c_d, Y->c_len, Y->c_mem, &o->store);
    memset(g_y.cbuf, 0, g_y.cbytes);
    if (st != ATTN_OK || Y->c_f32 || Y->c_d != YD) return;
    if (n != YL) { /* the pristine parameters cut to the cache's layers (another address) */
        use = &Y->ok;
        dp = use->dp; ep = use->ep; sp = use->sp; lp = use->lp;
        dp.n_layers = ep.n_layers = sp.decoder.n_layers = lp.layers.n_layers = n;
    }
#define DS_P(x) (n != YL ? &x : &use->x)
    if (op == YOP_step) {
        if (Y->c_state != 2)
            st = attn_decoder_memory_s8(&o->cache, g_y.x + 3 * YD, YM, g_ypad, &Y->cfg_ok, DS_P(dp));
        if (Y->c_state == 1)
            for (i = 0; i < o->cache.max_len && st == ATTN_OK; i++) {
                memcpy(g_y.io, g_y.x + 5 * YD, YD);
                st = attn_decoder_step_s8(g_y.io, &o->cache, &Y->cfg_ok, DS_P(dp), a);
            }
    } else if (op == YOP_dec_memory && Y->late) {
        st = attn_decoder_memory_s8(&o->cache, g_y.x + 3 * YD, YM, g_ypad, &Y->cfg_ok, &use->dp);
    } else if (op == YOP_s2s_encode && Y->late) {
        st = attn_seq2seq_encode_s8(&o->cache, g_ysrc, YM, &Y->s2s_ok, &use->sp, a);
    } else if (op == YOP_estep) {
        for (i = 0; i < (Y->c_state == 1 ? o->cache.max_len : Y->late) && st == ATTN_OK; i++) {
            memcpy(g_y.io, g_y.x + 5 * YD, YD);
            st = attn_encoder_step_s8(g_y.io, &o->cache, &Y->cfg_ok, DS_P(ep), a);
        }
    } else if (op == YOP_s2s_step || op == YOP_s2s_next || op == YOP_s2s_generate) {
        if (Y->c_state != 2)
            st = attn_seq2seq_encode_s8(&o->cache, g_ysrc, YM, &Y->s2s_ok, DS_P(sp), a);
        if (Y->c_state == 1)
            for (i = 0; i < YMAX && st == ATTN_OK; i++)
                st = attn_seq2seq_step_s8(g_y.out, 1, &o->cache, &Y->s2s_ok, DS_P(sp), a);
    } else if (op == YOP_lm_step || op == YOP_lm_greedy || op == YOP_lm_next) {
        for (i = 0; i < (Y->c_state == 1 ? YMAX : Y->late) && st == ATTN_OK; i++)
            st = attn_lm_step_s8(g_y.out, 1, &o->cache, &Y->lm_ok, DS_P(lp), a);
    }
#undef DS_P
    (void)st;
}

static void ds_arm(int op)
{
    size_t n;
    Y->need = 0;
    if (op != YOP_kv_init && op != YOP_kv_bytes) ds_make_cache(op);
    if (Y->late && Y->late_break) { /* now break the parameters in place, and reset */
        Y->late_break();
        attn_kv_cache_reset(&g_yo->cache);
    }
    if (op == YOP_kv_init) {
        size_t b = 0;
        attn_kv_cache_bytes_s8(Y->n_layers, Y->d, Y->max_len, Y->max_mem, &b);
        Y->need = b;
        n = Y->store_mode == 1 ? b - 1 : Y->store_mode == 2 ? ATTN_ALIGN - 1 : g_y.cbytes;
        attn_arena_init(&g_yo->store, g_y.cbuf, n);
    }
    if (ds_is_arena_call(op)) Y->need = ds_query(op);
    n = !ds_is_arena_call(op) ? g_y.mem_bytes
        : Y->arena_mode == 1 ? Y->need - 1
        : Y->arena_mode == 2 ? ATTN_ALIGN - 1 : Y->need;
    attn_arena_init(&g_yo->arena, g_y.mem, n);
    rs_fill(g_y.io, YS * YD);
}

static int ds_ok_extra(int op)
{
    const attn_arena *a = &g_yo->arena;
    if (op == YOP_kv_init)
        return Y->store_mode != 0 || (g_yo->store.used == Y->need && g_yo->store.high_water == Y->need);
    if (!ds_is_arena_call(op)) return 1;
    return a->used == 0 && (ds_exact(op) ? a->high_water == Y->need : a->high_water <= Y->need);
}

const bad_table bad_table_dec_s8 = {
    "decoder, KV cache and generation, int8", k_ds_ops, N_DS_OPS, k_ds_muts, N_DS_MUTS,
    k_ds_rows, N_OF(k_ds_rows), ds_layout, ds_setup, ds_init, ds_arm, ds_ok_extra};
