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
    X(model_scratch, attn_model_scratch_s8) X(model, attn_model_s8)
#define S8_MUTS(X) X(none) X(out_null) X(x_null) X(x2_null) X(x3_null) X(x3_other) X(tab_null) X(p_null) X(cfg_null) \
    X(arena_null) X(w_null) X(rq_null) X(wo_null) X(gamma_null) X(layers_null) X(layer2_null) \
    X(final_gamma_null) X(embed_null) X(pos_null) X(cls_null) X(rows0) X(n_neg) X(in_neg) X(d0) \
    X(outn0) X(in_big) X(cols_big) X(dmodel_big) X(dff_big) X(d_in_big) X(seq_q0) X(seq_kv_neg) \
    X(heads0) X(heads3) X(d_ff0) X(nlayers0) X(seq_gt_max) X(classes0) X(d_in_neg) X(pool_bad) \
    X(act_bad) X(position_bad) X(pos_none_null) X(d_in0_embed_null) X(relu_tab_null) X(shift_hi) \
    X(shift_lo) X(mul_min) X(chan_shift) X(cls_shift) X(in_zp_bad) X(zp_bad) X(clamp_bad) \
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
    R(linear, outn0, SHP), R(linear, in_big, SHP), R(linear, chan_shift, RNG), R(linear, in_zp_bad, RNG),
    R(linear, clamp_bad, RNG),
    R(fuse, none, OK), R(fuse, out_null, NUL), R(fuse, p_null, NUL), R(fuse, w_null, NUL),
    R(fuse, in_neg, SHP), R(fuse, outn0, SHP), R(fuse, in_big, SHP), R(fuse, in_zp_bad, RNG),
    R(fuse, fused_big, RNG),
    R(softmax, none, OK), R(softmax, out_null, NUL), R(softmax, x_null, NUL), R(softmax, p_null, NUL),
    R(softmax, rows0, SHP), R(softmax, in_neg, SHP), R(softmax, d0, SHP), R(softmax, shift_hi, RNG),
    R(softmax, shift_lo, RNG), R(softmax, mul_min, RNG),
    R(layernorm, none, OK), R(layernorm, out_null, NUL), R(layernorm, x_null, NUL), R(layernorm, p_null, NUL),
    R(layernorm, gamma_null, NUL), R(layernorm, rows0, SHP), R(layernorm, d0, SHP), R(layernorm, cols_big, SHP),
    R(layernorm, chan_shift, RNG), R(layernorm, eps0, RNG), R(layernorm, eps_neg, RNG),
    R(layernorm, huge_wide, SHP), R(layernorm, zp_bad, RNG),
    R(pool, none, OK), R(pool, out_null, NUL), R(pool, x_null, NUL), R(pool, rows0, SHP),
    R(pool, in_neg, SHP), R(pool, pool_bad, RNG), R(pool, zp_bad, RNG),
    R(sdpa_scratch, none, OK), R(sdpa_scratch, out_null, NUL), R(sdpa_scratch, cfg_null, NUL),
    R(sdpa_scratch, seq_q0, SHP), R(sdpa_scratch, seq_kv_neg, SHP), R(sdpa_scratch, heads0, SHP),
    R(sdpa_scratch, heads3, SHP),
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
    R(mha, shift_lo, RNG), R(mha, mul_min, RNG), R(mha, chan_shift, RNG), R(mha, zp_mismatch, RNG),
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
    attn_mha_cfg mc;
    attn_encoder_cfg ec;
    attn_model_cfg md;
    size_t q[5] = {0, 0, 0, 0, 0};
    int i;
    /* the arena: the largest query of the fixture's configuration (bx_init's) */
    mc.seq_q = mc.seq_kv = BS; mc.d_model = BD; mc.n_heads = BH; mc.causal = 1;
    ec.d_model = BD; ec.n_heads = BH; ec.d_ff = BFF; ec.activation = ATTN_ACT_GELU;
    ec.norm_first = 0; ec.causal = 0; ec.eps = 1e-5f;
    md.encoder = ec; md.d_in = BDIN; md.max_seq = BS; md.position = ATTN_POS_LEARNED;
    md.pooling = ATTN_POOL_MEAN; md.n_classes = BNC;
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
    return op == OP_sdpa || op == OP_mha || op == OP_layer || op == OP_enc || op == OP_model;
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
    if (op == OP_model) st = attn_model_scratch_s8(&F->mdc_ok, BS, &b);
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
