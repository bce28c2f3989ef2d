/* Bad-input rows of the float functions, the arena and the quantizer (two
   tables of the engine in bad_input.h; the int8 ones: test_bad_s8.c). One
   fixture holds a valid call of every operation: a small model (seq 4,
   d_model 8, 2 heads, d_ff 6, 2 layers, 3 classes, 4 input features) with
   random weights; each row breaks one thing in it. Calls that take an
   arena get exactly what their scratch query says for the unbroken
   fixture (or one byte less, or less than one block): the valid rows
   prove the query is enough and is what the call uses. The quantizer's
   rows have a table of their own (its store does not fit the micro:bit's
   pool beside the float buffers); both tables share the fixture and the
   mutations. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bad_input.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

enum { S = 4, D = 8, H = 2, FF = 6, NC = 3, DIN = D / 2, DD = D * D,
       IN_N = 2 * S * D, WTS_N = 8 * DD, IO_N = S * D };
/* The float arena's buffer: the largest query, the model's. */
#define MEM_BYTES ATTN_MODEL_SCRATCH_EX_F32(S, D, H, FF, 1, DIN)
enum { VOCAB = 5, NSEG = 2 }; /* attn_model_tokens_f32's tables (from g_in) */
/* The quantizer's store and scratch buffers: more than it takes (a row
   checks that: the store and the scratch one byte short). */
#define STORE_BYTES 3072
#define QSCRATCH_BYTES 2048

/* Everything the calls write through a pointer (one watched buffer). */
typedef struct {
    size_t bytes;            /* the scratch queries' answer              */
    int idx;                 /* attn_argmax_f32's                        */
    void *ptr;               /* attn_arena_alloc's                       */
    attn_arena arena;        /* the arena of every call that takes one   */
    attn_mha_weights_f32 mw; /* attn_mha_weights_packed_f32's            */
    attn_qmul m;             /* attn_quantize_multiplier's               */
    attn_qparams q, q2;      /* attn_choose_qparams'; in_q, out_q        */
    attn_encoder_s8_params enc;
    attn_model_s8_params model;
    attn_arena store, scratch; /* the quantizer's                        */
} fx_out;

typedef struct {
    fx_out *o;
    /* the float operations' arguments */
    float *out, *io;
    const float *x, *x2, *x3, *w, *b, *tab; /* x3: attn_mha_f32's values (x2: its keys) */
    const uint8_t *pad;
    int rows, in, outn, n, seq, d;
    float eps;
    attn_pooling pool;
    attn_mha_cfg mcfg, mcfg_ok;
    const attn_mha_cfg *mcfgp;
    attn_mha_weights_f32 mw;
    const attn_mha_weights_f32 *mwp;
    attn_mha_weights_f32 *mw_out;
    attn_encoder_cfg ecfg, ecfg_ok;
    const attn_encoder_cfg *ecfgp;
    attn_encoder_layer_weights_f32 lw[2];
    const attn_encoder_layer_weights_f32 *lwp;
    attn_encoder_weights_f32 ew;
    const attn_encoder_weights_f32 *ewp;
    attn_model_cfg mdc, mdc_ok;
    const attn_model_cfg *mdcp;
    attn_model_weights_f32 mdw;
    const attn_model_weights_f32 *mdwp;
    int tok[S], seg[S];      /* attn_model_tokens_f32's ids */
    const int *tokp, *segp;
    attn_arena *ap;
    int arena_mode;          /* 0: the query's bytes, 1: one short, 2: less than a block */
    int io_special;          /* the in-place data holds NaN and Inf */
    size_t need;             /* that query (0 for a call without one) */
    void *buf;
    size_t bufsize, *bytesp, mark;
    int *idxp;
    void **ptrp;
    /* the quantizer's */
    double qf;
    attn_qmul *qmp;
    float qmin, qmax;
    attn_qparams *qpp, qp, *inqp, *outqp;
    int8_t *y8;
    const int8_t *x8;
    const float *calib;
    int n_calib;
    attn_encoder_s8_params *encp;
    attn_model_s8_params *modelp;
    attn_arena *storep, *scratchp;
    int store_mode;          /* as arena_mode, for the store */
} fx;

/* The fixture and its buffers (from the pool, by the table's layout). */
static fx *F;
static float *g_in;           /* [IN_N] inputs: x, then k/v                 */
static float *g_nan, *g_inf;  /* [IN_N] the same with a NaN / +-Inf in them */
static float *g_wts;          /* [WTS_N] every weight                       */
static unsigned char *g_mem;  /* the arena's buffer (MEM_BYTES, or the quantizer's scratch) */
static size_t g_mem_bytes;
static unsigned char *g_store; /* [STORE_BYTES] the quantizer's store       */
static int g_quant;           /* the quantizer's table is running           */

/* ---- the fixture ---------------------------------------------------------- */

static void fx_init(void)
{
    fx *f = F;
    fx_out *o = f->o;
    const float *w = g_wts;
    int l;
    memset(f, 0, sizeof *f);
    f->o = o;
    f->x = g_in; f->x2 = f->x3 = g_in + S * D;
    f->w = g_wts; f->b = g_wts + DD; f->tab = g_in;
    f->rows = S; f->in = D; f->outn = D; f->n = IO_N; f->seq = S; f->d = D;
    f->eps = 1e-5f; f->pool = ATTN_POOL_MEAN;
    f->mcfg.seq_q = S; f->mcfg.seq_kv = S; f->mcfg.d_model = D; f->mcfg.n_heads = H;
    f->mcfg.causal = 1;
    f->mw.wq = w; f->mw.wk = w + DD; f->mw.wv = w + 2 * DD; f->mw.wo = w + 3 * DD;
    f->mw.bq = f->mw.bk = f->mw.bv = f->mw.bo = w + 4 * DD;
    f->ecfg.d_model = D; f->ecfg.n_heads = H; f->ecfg.d_ff = FF;
    f->ecfg.activation = ATTN_ACT_GELU; f->ecfg.norm_first = 0; f->ecfg.causal = 0;
    f->ecfg.eps = 1e-5f;
    for (l = 0; l < 2; l++) {
        attn_encoder_layer_weights_f32 *L = &f->lw[l];
        L->attn = f->mw;
        L->ff1_w = w + 5 * DD; L->ff2_w = w + 5 * DD + FF * D;
        L->ff1_b = L->ff2_b = w + 6 * DD;
        L->norm1_w = L->norm2_w = L->norm1_b = L->norm2_b = NULL;
    }
    f->ew.layers = f->lw; f->ew.n_layers = 2; f->ew.final_norm = 1;
    f->mdc.d_in = DIN; f->mdc.max_seq = S;
    f->mdc.position = ATTN_POS_LEARNED; f->mdc.pooling = ATTN_POOL_MEAN; f->mdc.n_classes = NC;
    f->mdw.embed_w = w + 7 * DD; f->mdw.embed_b = NULL; f->mdw.pos = g_in;
    f->mdw.cls_w = w + 6 * DD; f->mdw.cls_b = w;
    f->mdc.vocab = VOCAB; f->mdc.n_segments = NSEG;
    f->mdw.token_embed = g_in; f->mdw.segment_embed = g_in + VOCAB * D;
    for (l = 0; l < S; l++) {
        f->tok[l] = (l * 3 + 1) % VOCAB;
        f->seg[l] = l % NSEG;
    }
    f->tokp = f->tok; f->segp = f->seg;
    f->mcfgp = &f->mcfg; f->mwp = &f->mw; f->mw_out = &o->mw; f->ecfgp = &f->ecfg;
    f->lwp = &f->lw[0]; f->ewp = &f->ew; f->mdcp = &f->mdc; f->mdwp = &f->mdw;
    f->buf = g_mem; f->bufsize = g_mem_bytes;
    f->ap = &o->arena;
    f->bytesp = &o->bytes; f->idxp = &o->idx; f->ptrp = &o->ptr;
    f->mark = 0;
    /* the quantizer's: one layer, so that its store fits the micro:bit's pool */
    if (g_quant) f->ew.n_layers = 1;
    f->qf = 0.01; f->qmp = &o->m;
    f->qmin = -1.5f; f->qmax = 2.5f; f->qpp = &o->q;
    f->qp.scale = 0.02f; f->qp.zero_point = 3;
    f->x8 = (const int8_t *)(const void *)g_in;
    f->calib = g_in; f->n_calib = 1;
    f->inqp = &o->q; f->outqp = &o->q2;
    f->encp = &o->enc; f->modelp = &o->model;
    f->storep = &o->store; f->scratchp = &o->scratch;
    /* the unbroken configurations, for the arena queries */
    f->mdc.encoder = f->ecfg;
    f->mdw.encoder = f->ew;
    f->mcfg_ok = f->mcfg; f->ecfg_ok = f->ecfg; f->mdc_ok = f->mdc;
}

/* ---- one call per public function ------------------------------------------- */

static attn_status op_linear(void) { return attn_linear_f32(F->out, F->x, F->w, F->b, F->rows, F->in, F->outn); }
static attn_status op_softmax(void) { return attn_softmax_f32(F->out, F->x, F->rows, F->d); }
static attn_status op_layernorm(void) { return attn_layernorm_f32(F->out, F->x, F->w, F->b, F->eps, F->rows, F->d); }
static attn_status op_relu(void) { return attn_relu_f32(F->out, F->x, F->n); }
static attn_status op_gelu(void) { return attn_gelu_f32(F->out, F->x, F->n); }
static attn_status op_gelu_tanh(void) { return attn_gelu_tanh_f32(F->out, F->x, F->n); }
static attn_status op_pos_sin(void) { return attn_pos_sinusoidal_f32(F->io, F->seq, F->d); }
static attn_status op_pos_learned(void) { return attn_pos_learned_f32(F->io, F->tab, F->seq, F->d); }
static attn_status op_pool(void) { return attn_pool_f32(F->out, F->x, F->pad, F->pool, F->seq, F->d); }
static attn_status op_argmax(void) { return attn_argmax_f32(F->idxp, F->x, F->n); }
static attn_status op_sdpa_scratch(void) { return attn_sdpa_scratch_f32(F->mcfgp, F->bytesp); }
static attn_status op_sdpa(void) { return attn_sdpa_f32(F->out, F->x, F->x2, F->x2, F->pad, F->mcfgp, F->ap); }
static attn_status op_mha_scratch(void) { return attn_mha_scratch_f32(F->mcfgp, F->bytesp); }
static attn_status op_mha(void) { return attn_mha_f32(F->out, F->x, F->x2, F->x3, F->pad, F->mcfgp, F->mwp, F->ap); }
static attn_status op_mha_packed(void)
{
    return attn_mha_weights_packed_f32(F->mwp ? F->mw_out : NULL, F->w, F->b, F->x, F->b, F->d);
}
static attn_status op_layer_scratch(void) { return attn_encoder_layer_scratch_f32(F->ecfgp, F->seq, F->bytesp); }
static attn_status op_layer(void) { return attn_encoder_layer_f32(F->io, F->seq, F->pad, F->ecfgp, F->lwp, F->ap); }
static attn_status op_enc_scratch(void) { return attn_encoder_scratch_f32(F->ecfgp, F->seq, F->bytesp); }
static attn_status op_enc(void) { return attn_encoder_f32(F->io, F->seq, F->pad, F->ecfgp, F->ewp, F->ap); }
static attn_status op_model_scratch(void) { return attn_model_scratch_f32(F->mdcp, F->seq, F->bytesp); }
static attn_status op_model(void) { return attn_model_f32(F->out, F->x, F->seq, F->pad, F->mdcp, F->mdwp, F->ap); }
static attn_status op_model_tok(void)
{
    return attn_model_tokens_f32(F->out, F->tokp, F->segp, F->seq, F->pad, F->mdcp, F->mdwp, F->ap);
}
static attn_status op_pool_att(void)
{
    return attn_pool_attention_f32(F->out, F->x, F->pad, F->w, F->seq, F->d, F->ap);
}
static attn_status op_arena_init(void) { return attn_arena_init(F->ap, F->buf, F->bufsize); }
static attn_status op_arena_alloc(void)
{
    static void *const null_ptr = NULL;
    attn_status st = attn_arena_alloc(F->ap, F->bufsize, F->ptrp);
    if (st != ATTN_OK && F->ptrp) bad_expect(F->ptrp, &null_ptr, sizeof null_ptr); /* "*ptr = NULL on failure" */
    return st;
}
static attn_status op_arena_release(void) { return attn_arena_release(F->ap, F->mark); }
/* the quantizer */
static attn_status op_qmul(void) { return attn_quantize_multiplier(F->qf, F->qmp); }
static attn_status op_qparams(void) { return attn_choose_qparams(F->qmin, F->qmax, F->qpp); }
static attn_status op_quantize(void) { return attn_quantize_s8(F->y8, F->x, F->n, F->qp); }
static attn_status op_dequantize(void) { return attn_dequantize_s8(F->out, F->x8, F->n, F->qp); }
static attn_status op_quant_enc(void)
{
    return attn_quantize_encoder_s8(F->encp, F->inqp, F->outqp, F->ecfgp, F->ewp, F->calib, F->pad,
                                    F->n_calib, F->seq, F->storep, F->scratchp);
}
static attn_status op_quant_model(void)
{
    return attn_quantize_model_s8(F->modelp, F->mdcp, F->mdwp, F->calib, F->pad, F->n_calib,
                                  F->seq, F->storep, F->scratchp);
}
static attn_status op_quant_model_bytes(void)
{
    return attn_quantize_model_store_bytes(F->mdcp, F->mdwp, F->seq, 0, F->bytesp);
}
static attn_status op_quant_model_tok_bytes(void)
{
    return attn_quantize_model_store_bytes(F->mdcp, F->mdwp, F->seq, 1, F->bytesp);
}
static attn_status op_quant_model_tok(void)
{
    return attn_quantize_model_tokens_s8(F->modelp, F->mdcp, F->mdwp, F->tokp, F->segp, F->pad,
                                         F->n_calib, F->seq, F->storep, F->scratchp);
}

/* ---- ways to break the fixture ---------------------------------------------- */

static void none(void) {}
static void out_null(void)
{
    F->out = NULL; F->io = NULL; F->idxp = NULL; F->bytesp = NULL; F->ptrp = NULL;
    F->qmp = NULL; F->qpp = NULL; F->y8 = NULL; F->encp = NULL; F->modelp = NULL;
}
static void x_null(void) { F->x = NULL; F->io = NULL; F->x8 = NULL; F->calib = NULL; }
static void kv_null(void) { F->x2 = NULL; }
static void v_null(void) { F->x3 = NULL; }
/* keys and values from different rows (nn.MultiheadAttention(q, k, v)) */
static void v_other(void) { F->x3 = g_in + 4; }
static void w_null(void) { F->w = NULL; F->tab = NULL; }
static void cfg_null(void) { F->mcfgp = NULL; F->ecfgp = NULL; F->mdcp = NULL; }
static void weights_null(void) { F->mwp = NULL; F->lwp = NULL; F->ewp = NULL; F->mdwp = NULL; }
static void arena_null(void) { F->ap = NULL; F->scratchp = NULL; }
static void buf_null(void) { F->buf = NULL; }
static void wq_null(void) { F->mw.wq = NULL; F->lw[0].attn.wq = NULL; }
static void wo_null(void) { F->mw.wo = NULL; F->lw[0].attn.wo = NULL; }
static void ff2_null(void) { F->lw[0].ff2_w = NULL; }
/* the stack (of two layers) must refuse before layer 1 runs */
static void layer2_wv_null(void)
{
    F->lw[1].attn.wv = NULL;
    F->ew.n_layers = 2;
}
static void layers_null(void) { F->ew.layers = NULL; }
static void embed_null(void) { F->mdw.embed_w = NULL; }
static void pos_null(void) { F->mdw.pos = NULL; }
static void cls_null(void) { F->mdw.cls_w = NULL; }
static void inq_null(void) { F->inqp = NULL; }
static void outq_null(void) { F->outqp = NULL; }
static void store_null(void) { F->storep = NULL; }
static void rows0(void) { F->rows = 0; F->n = 0; F->seq = 0; }
static void n_neg(void) { F->n = -1; }
static void in_neg(void) { F->in = -3; F->d = -3; }
static void d0(void) { F->d = 0; }
static void d_huge(void) { F->d = INT_MAX; }
/* [3 d][d] floats larger than any object (PTRDIFF_MAX bytes) on 64-bit too */
static void d_packed_huge(void) { F->d = 1100000000; }
#if SIZE_MAX <= 0xFFFFFFFFu
/* [3d][d] floats over PTRDIFF_MAX bytes though [d][d] fit size_t */
static void d_packed_32(void) { F->d = 16384; }
#endif
static void outn0(void) { F->outn = 0; }
static void seq_q0(void) { F->mcfg.seq_q = 0; }
static void seq_kv_neg(void) { F->mcfg.seq_kv = -1; }
static void heads0(void) { F->mcfg.n_heads = 0; F->ecfg.n_heads = 0; }
static void heads3(void) { F->mcfg.n_heads = 3; F->ecfg.n_heads = 3; } /* 8 % 3 */
static void d_ff0(void) { F->ecfg.d_ff = 0; }
static void nlayers0(void) { F->ew.n_layers = 0; }
static void seq_gt_max(void) { F->seq = S + 1; }
static void classes0(void) { F->mdc.n_classes = 0; }
static void d_in_neg(void) { F->mdc.d_in = -1; }
static void n_calib0(void) { F->n_calib = 0; }
static void n_calib_neg(void) { F->n_calib = -2; }
/* beyond what the int8 path is proven for (the float checks pass) */
static void dmodel_s8_big(void) { F->ecfg.d_model = 2050; }
static void dff_s8_big(void) { F->ecfg.d_ff = 32769; }
static void d_in_s8_big(void) { F->mdc.d_in = 32769; }
static void eps0(void) { F->eps = 0.0f; F->ecfg.eps = 0.0f; }
static void eps_nan(void) { F->eps = NAN; F->ecfg.eps = NAN; }
/* a shape error and a range error at once: the shape error is reported */
static void calib0_eps_nan(void) { F->n_calib = 0; F->ecfg.eps = NAN; }
static void s8_big_eps_nan(void) { F->ecfg.d_model = 2050; F->ecfg.eps = NAN; }
static void eps_inf(void) { F->eps = INFINITY; F->ecfg.eps = INFINITY; }
static void act_bad(void) { F->ecfg.activation = (attn_activation)7; }
/* a window below 0 is out of range; the largest is no window at all */
static void win_neg(void) { F->mcfg.window = -1; F->ecfg.window = -1; }
static void win_max(void) { F->mcfg.window = INT_MAX; F->ecfg.window = INT_MAX; }
static void pool_bad(void) { F->pool = (attn_pooling)5; F->mdc.pooling = (attn_pooling)5; }
/* the front ends (issue 11) */
static void pool_att(void)
{
    F->pool = ATTN_POOL_ATTENTION; F->mdc.pooling = ATTN_POOL_ATTENTION; F->mdw.pool_w = g_wts;
}
static void pool_w_null(void) { F->mdc.pooling = ATTN_POOL_ATTENTION; F->mdw.pool_w = NULL; }
static void cls_row(void) { F->mdc.cls_token = 1; F->mdc.max_seq = S + 1; F->mdw.cls_token = g_in; }
static void cls_no_room(void) { F->mdc.cls_token = 1; F->mdw.cls_token = g_in; } /* max_seq S */
static void cls_row_null(void) { F->mdc.cls_token = 1; F->mdc.max_seq = S + 1; F->mdw.cls_token = NULL; }
static void embed_norm_on(void) { F->mdc.embed_norm = 1; } /* NULL gamma/beta: ones/zeros */
/* a 4x4 one-channel image of 2x2 patches: S = 4 patches of DIN = 4 values */
static void patch_ok(void)
{
    F->mdc.patch = 2; F->mdc.channels = 1; F->mdc.image_h = 4; F->mdc.image_w = 4;
}
static void patch_indivisible(void) { patch_ok(); F->mdc.patch = 3; }
static void patch_count(void) { patch_ok(); F->mdc.image_w = 6; }  /* 6 patches, seq 4 */
static void patch_d_in(void) { patch_ok(); F->mdc.channels = 2; } /* d_in would be 8 */
static void patch_neg(void) { F->mdc.patch = -1; }
static void tok_null(void) { F->tokp = NULL; }
static void tok_oov(void) { F->tok[2] = VOCAB; }
static void tok_neg(void) { F->tok[0] = -1; }
static void seg_oov(void) { F->seg[3] = NSEG; }
static void seg_null(void) { F->segp = NULL; } /* all segment 0 */
static void vocab0(void) { F->mdc.vocab = 0; }
static void vocab_neg(void) { F->mdc.vocab = -1; F->mdc.n_segments = -1; }
static void tokemb_null(void) { F->mdw.token_embed = NULL; }
static void segemb_null(void) { F->mdw.segment_embed = NULL; }
static void nseg0_segemb_null(void) { F->mdc.n_segments = 0; F->mdw.segment_embed = NULL; }
static void tok_patch(void) { patch_ok(); }
static void position_bad(void) { F->mdc.position = (attn_position)9; }
/* positions that need no table: a NULL one is fine */
static void pos_none_null(void) { F->mdc.position = ATTN_POS_NONE; F->mdw.pos = NULL; }
/* the input already d_model wide: no embedding, a NULL one is fine */
static void d_in0_embed_null(void) { F->mdc.d_in = 0; F->mdw.embed_w = NULL; }
static void arena_short(void) { F->arena_mode = 1; }
static void arena_tiny(void) { F->arena_mode = 2; }
static void store_short(void) { F->store_mode = 1; }
static void store_tiny(void) { F->store_mode = 2; }
static void mark_past_used(void) { F->mark = 1; } /* the arena's used is 0 */
static void alloc_huge(void) { F->bufsize = SIZE_MAX; }
static void alloc_big(void) { F->bufsize = MEM_BYTES + 1; }
/* Sizes above ATTN_MAX_DIM: shape errors on any platform. */
static void huge(void)
{
    F->mcfg.seq_q = F->mcfg.seq_kv = F->mcfg.d_model = INT_MAX; F->mcfg.n_heads = 1;
    F->ecfg.d_model = INT_MAX; F->ecfg.n_heads = 1; F->seq = INT_MAX;
    F->mdc.max_seq = INT_MAX;
}
static void over_max(void) { F->rows = F->n = F->seq = F->d = ATTN_MAX_DIM + 1; }
#if SIZE_MAX <= 0xFFFFFFFFu
/* On 32-bit targets two sizes at ATTN_MAX_DIM overflow size_t. */
static void huge_leaf(void) { F->rows = ATTN_MAX_DIM; F->n = ATTN_MAX_DIM; F->seq = ATTN_MAX_DIM; F->in = 64; }
#endif
/* a position table of ATTN_MAX_DIM rows: 2^31 bytes of floats for the
   quantizer's copy (on 32-bit, [max_seq][d_model] floats overflow size_t) */
static void max_seq_big(void) { F->mdc.max_seq = ATTN_MAX_DIM; }
/* NaN and Inf: float data propagates them (documented, status OK); the
   quantizer refuses them in weights, biases, norms, positions and
   calibration (ATTN_ERR_RANGE) */
static void x_nan(void) { F->x = F->x2 = g_nan; F->io_special = 1; }
static void x_inf(void) { F->x = F->x2 = g_inf; }
static void qf_nan(void) { F->qf = (double)NAN; }
static void qf_inf(void) { F->qf = -(double)INFINITY; }
static void qf_2p30(void) { F->qf = 1073741824.0; }
static void qf_tiny(void) { F->qf = 1e-300; } /* rounds to 0: documented, OK */
static void min_nan(void) { F->qmin = NAN; }
static void max_nan(void) { F->qmax = NAN; }
static void min_inf(void) { F->qmin = -INFINITY; }
static void min_gt_max(void) { F->qmin = 3.0f; F->qmax = 2.0f; }
static void range_huge(void) { F->qmin = -3e38f; F->qmax = 3e38f; }
static void scale0(void) { F->qp.scale = 0.0f; }
static void scale_neg(void) { F->qp.scale = -0.5f; }
static void scale_nan(void) { F->qp.scale = NAN; }
static void zp_hi(void) { F->qp.zero_point = 128; }
static void zp_lo(void) { F->qp.zero_point = -129; }
static void w_nan(void) { F->lw[0].attn.wq = g_nan; }
static void w_inf(void) { F->lw[0].ff1_w = g_inf; }
static void bias_nan(void) { F->lw[0].attn.bo = g_nan; }
static void gamma_inf(void) { F->lw[0].norm1_w = g_inf; }
static void beta_nan(void) { F->lw[0].norm2_b = g_nan; }
static void final_beta_nan(void) { F->ew.norm_b = g_nan; }
static void calib_nan(void) { F->calib = g_nan; }
static void calib_inf(void) { F->calib = g_inf; }
static void embed_nan(void) { F->mdw.embed_w = g_nan; }
static void pos_inf(void) { F->mdw.pos = g_inf; }
static void cls_nan(void) { F->mdw.cls_w = g_nan; }

/* ---- the tables ------------------------------------------------------------- */

/* operations: short name, the public function */
#define F32_OPS(X) X(linear, attn_linear_f32) X(softmax, attn_softmax_f32) \
    X(layernorm, attn_layernorm_f32) X(relu, attn_relu_f32) X(gelu, attn_gelu_f32) \
    X(gelu_tanh, attn_gelu_tanh_f32) X(pos_sin, attn_pos_sinusoidal_f32) \
    X(pos_learned, attn_pos_learned_f32) X(pool, attn_pool_f32) X(argmax, attn_argmax_f32) \
    X(sdpa_scratch, attn_sdpa_scratch_f32) X(sdpa, attn_sdpa_f32) \
    X(mha_scratch, attn_mha_scratch_f32) X(mha, attn_mha_f32) \
    X(mha_packed, attn_mha_weights_packed_f32) X(layer_scratch, attn_encoder_layer_scratch_f32) \
    X(layer, attn_encoder_layer_f32) X(enc_scratch, attn_encoder_scratch_f32) \
    X(enc, attn_encoder_f32) X(model_scratch, attn_model_scratch_f32) X(model, attn_model_f32) \
    X(model_tok, attn_model_tokens_f32) X(pool_att, attn_pool_attention_f32) \
    X(arena_init, attn_arena_init) X(arena_alloc, attn_arena_alloc) \
    X(arena_release, attn_arena_release)
#define Q_OPS(X) X(qmul, attn_quantize_multiplier) X(qparams, attn_choose_qparams) \
    X(quantize, attn_quantize_s8) X(dequantize, attn_dequantize_s8) \
    X(quant_enc, attn_quantize_encoder_s8) X(quant_model, attn_quantize_model_s8) \
    X(quant_model_tok, attn_quantize_model_tokens_s8) \
    X(quant_model_bytes, attn_quantize_model_store_bytes) \
    X(quant_model_tok_bytes, attn_quantize_model_store_bytes)
#if SIZE_MAX <= 0xFFFFFFFFu
#define MUTS_32(X) X(d_packed_32) X(huge_leaf)
#else
#define MUTS_32(X)
#endif
#define MUTS(X) X(none) X(out_null) X(x_null) X(kv_null) X(v_null) X(v_other) X(w_null) X(cfg_null) X(weights_null) \
    X(arena_null) X(buf_null) X(wq_null) X(wo_null) X(ff2_null) X(layer2_wv_null) X(layers_null) \
    X(embed_null) X(pos_null) X(cls_null) X(inq_null) X(outq_null) X(store_null) X(rows0) \
    X(n_neg) X(in_neg) X(d0) X(d_huge) X(d_packed_huge) X(outn0) X(seq_q0) X(seq_kv_neg) \
    X(heads0) X(heads3) X(d_ff0) X(nlayers0) X(seq_gt_max) X(classes0) X(d_in_neg) X(n_calib0) \
    X(n_calib_neg) X(calib0_eps_nan) X(s8_big_eps_nan) X(dmodel_s8_big) X(dff_s8_big) X(d_in_s8_big) X(eps0) X(eps_nan) X(eps_inf) \
    X(act_bad) X(win_neg) X(win_max) X(pool_bad) X(pool_att) X(pool_w_null) X(cls_row) \
    X(cls_no_room) X(cls_row_null) X(embed_norm_on) X(patch_ok) X(patch_indivisible) \
    X(patch_count) X(patch_d_in) X(patch_neg) X(tok_null) X(tok_oov) X(tok_neg) X(seg_oov) \
    X(seg_null) X(vocab0) X(vocab_neg) X(tokemb_null) X(segemb_null) X(nseg0_segemb_null) \
    X(tok_patch) X(position_bad) X(pos_none_null) X(d_in0_embed_null) X(arena_short) \
    X(arena_tiny) X(store_short) X(store_tiny) X(mark_past_used) X(alloc_huge) X(alloc_big) \
    X(huge) X(over_max) X(max_seq_big) X(x_nan) X(x_inf) X(qf_nan) X(qf_inf) X(qf_2p30) \
    X(qf_tiny) X(min_nan) X(max_nan) X(min_inf) X(min_gt_max) X(range_huge) X(scale0) \
    X(scale_neg) X(scale_nan) X(zp_hi) X(zp_lo) X(w_nan) X(w_inf) X(bias_nan) X(gamma_inf) \
    X(beta_nan) X(final_beta_nan) X(calib_nan) X(calib_inf) X(embed_nan) X(pos_inf) X(cls_nan) \
    MUTS_32(X)

#define ENUM_OP(s, name) OP_##s,
#define ENUM_MUT(m) MUT_##m,
#define OP_ENTRY(s, name) {#name, op_##s},
#define MUT_ENTRY(m) {#m, m},
enum { F32_OPS(ENUM_OP) N_F32_OPS };
enum { Q_OPS(ENUM_OP) N_Q_OPS };
enum { MUTS(ENUM_MUT) N_MUTS };
static const bad_op k_f32_ops[] = {F32_OPS(OP_ENTRY)};
static const bad_op k_q_ops[] = {Q_OPS(OP_ENTRY)};
static const bad_mut k_muts[] = {MUTS(MUT_ENTRY)};

#define R(op, mut, want) {OP_##op, MUT_##mut, want, 0}
#define OK ATTN_OK
#define NUL ATTN_ERR_NULL
#define SHP ATTN_ERR_SHAPE
#define RNG ATTN_ERR_RANGE
#define BIG ATTN_ERR_TOO_LARGE
#define ARN ATTN_ERR_ARENA
/* on 32-bit a byte count that overflows size_t; on 64-bit more than the arena */
#if SIZE_MAX <= 0xFFFFFFFFu
#define HUGE_WANT BIG
#else
#define HUGE_WANT ARN
#endif
/* A known defect of attention.h: listed as left out until fixed (-k runs
   it). None today: the rows these found (issue 9: attn_quantize_multiplier
   wrote *m on a refusal; the quantizers left a high-water mark raised on an
   error) run as ordinary rows. */
#define K(op, mut, want) {OP_##op, MUT_##mut, want, BAD_KNOWN}

static const bad_row k_f32_rows[] = {
    R(linear, none, OK), R(linear, out_null, NUL), R(linear, x_null, NUL), R(linear, w_null, NUL),
    R(linear, rows0, SHP), R(linear, in_neg, SHP), R(linear, outn0, SHP), R(linear, x_nan, OK),
    R(softmax, none, OK), R(softmax, out_null, NUL), R(softmax, x_null, NUL), R(softmax, rows0, SHP),
    R(softmax, in_neg, SHP), R(softmax, x_nan, OK), R(softmax, x_inf, OK),
    R(layernorm, none, OK), R(layernorm, out_null, NUL), R(layernorm, x_null, NUL),
    R(layernorm, w_null, OK) /* gamma NULL = ones */, R(layernorm, rows0, SHP), R(layernorm, in_neg, SHP),
    R(layernorm, eps0, RNG), R(layernorm, eps_nan, RNG), R(layernorm, eps_inf, RNG), R(layernorm, x_nan, OK),
    R(relu, none, OK), R(relu, out_null, NUL), R(relu, x_null, NUL), R(relu, rows0, SHP), R(relu, n_neg, SHP),
    R(gelu, none, OK), R(gelu, out_null, NUL), R(gelu, x_null, NUL), R(gelu, rows0, SHP), R(gelu, x_nan, OK),
    R(gelu_tanh, none, OK), R(gelu_tanh, out_null, NUL), R(gelu_tanh, x_null, NUL), R(gelu_tanh, rows0, SHP),
    R(gelu_tanh, x_inf, OK),
    R(pos_sin, none, OK), R(pos_sin, x_null, NUL), R(pos_sin, rows0, SHP), R(pos_sin, in_neg, SHP),
    R(pos_learned, none, OK), R(pos_learned, x_null, NUL), R(pos_learned, w_null, NUL),
    R(pos_learned, rows0, SHP), R(pos_learned, in_neg, SHP),
    R(pool, none, OK), R(pool, out_null, NUL), R(pool, x_null, NUL), R(pool, rows0, SHP), R(pool, in_neg, SHP),
    R(pool, pool_bad, RNG), R(pool, x_nan, OK),
    R(argmax, none, OK), R(argmax, out_null, NUL), R(argmax, x_null, NUL), R(argmax, rows0, SHP),
    R(argmax, x_nan, OK),
    R(sdpa_scratch, none, OK), R(sdpa_scratch, out_null, NUL), R(sdpa_scratch, cfg_null, NUL),
    R(sdpa_scratch, seq_q0, SHP), R(sdpa_scratch, heads3, SHP), R(sdpa_scratch, huge, SHP),
    R(sdpa, none, OK), R(sdpa, out_null, NUL), R(sdpa, x_null, NUL), R(sdpa, kv_null, NUL),
    R(sdpa, cfg_null, NUL), R(sdpa, arena_null, NUL), R(sdpa, seq_q0, SHP), R(sdpa, seq_kv_neg, SHP),
    R(sdpa, heads0, SHP), R(sdpa, heads3, SHP), R(sdpa, huge, SHP), R(sdpa, arena_short, ARN),
    R(sdpa, arena_tiny, ARN), R(sdpa, x_nan, OK), R(sdpa, win_neg, RNG), R(sdpa, win_max, OK),
    R(sdpa_scratch, win_neg, RNG), R(mha_scratch, win_neg, RNG), R(mha, win_neg, RNG),
    R(mha, win_max, OK), R(layer_scratch, win_neg, RNG), R(layer, win_neg, RNG),
    R(layer, win_max, OK), R(enc_scratch, win_neg, RNG), R(enc, win_neg, RNG),
    R(model_scratch, win_neg, RNG), R(model, win_neg, RNG), R(model, win_max, OK),
    R(mha_scratch, none, OK), R(mha_scratch, out_null, NUL), R(mha_scratch, cfg_null, NUL),
    R(mha_scratch, seq_kv_neg, SHP), R(mha_scratch, heads3, SHP), R(mha_scratch, huge, SHP),
    R(mha, none, OK), R(mha, out_null, NUL), R(mha, x_null, NUL), R(mha, kv_null, NUL),
    R(mha, v_null, NUL), R(mha, v_other, OK),
    R(mha, cfg_null, NUL), R(mha, weights_null, NUL), R(mha, wq_null, NUL), R(mha, wo_null, NUL),
    R(mha, arena_null, NUL), R(mha, seq_q0, SHP), R(mha, seq_kv_neg, SHP), R(mha, heads0, SHP),
    R(mha, heads3, SHP), R(mha, huge, SHP), R(mha, arena_short, ARN), R(mha, arena_tiny, ARN),
    R(mha, x_nan, OK),
    R(mha_packed, none, OK), R(mha_packed, weights_null, NUL), R(mha_packed, w_null, NUL),
    R(mha_packed, x_null, NUL), R(mha_packed, in_neg, SHP), R(mha_packed, d0, SHP),
    R(mha_packed, d_huge, SHP), R(mha_packed, d_packed_huge, SHP),
    R(layer_scratch, none, OK), R(layer_scratch, out_null, NUL), R(layer_scratch, cfg_null, NUL),
    R(layer_scratch, rows0, SHP), R(layer_scratch, heads3, SHP), R(layer_scratch, d_ff0, SHP),
    R(layer_scratch, act_bad, RNG), R(layer_scratch, eps_nan, RNG), R(layer_scratch, huge, SHP),
    R(layer, none, OK), R(layer, x_null, NUL), R(layer, cfg_null, NUL), R(layer, weights_null, NUL),
    R(layer, wq_null, NUL), R(layer, ff2_null, NUL), R(layer, arena_null, NUL), R(layer, rows0, SHP),
    R(layer, heads0, SHP), R(layer, heads3, SHP), R(layer, d_ff0, SHP), R(layer, act_bad, RNG),
    R(layer, eps0, RNG), R(layer, eps_nan, RNG), R(layer, huge, SHP), R(layer, arena_short, ARN),
    R(layer, arena_tiny, ARN), R(layer, x_nan, OK),
    R(enc_scratch, none, OK), R(enc_scratch, out_null, NUL), R(enc_scratch, cfg_null, NUL),
    R(enc_scratch, rows0, SHP), R(enc_scratch, huge, SHP),
    R(enc, none, OK), R(enc, x_null, NUL), R(enc, cfg_null, NUL), R(enc, weights_null, NUL),
    R(enc, layers_null, NUL), R(enc, wq_null, NUL), R(enc, layer2_wv_null, NUL), R(enc, arena_null, NUL),
    R(enc, rows0, SHP), R(enc, nlayers0, SHP), R(enc, heads3, SHP), R(enc, act_bad, RNG),
    R(enc, eps_nan, RNG), R(enc, huge, SHP), R(enc, arena_short, ARN), R(enc, arena_tiny, ARN),
    R(enc, x_nan, OK),
    R(model_scratch, none, OK), R(model_scratch, out_null, NUL), R(model_scratch, cfg_null, NUL),
    R(model_scratch, seq_gt_max, SHP), R(model_scratch, classes0, SHP), R(model_scratch, position_bad, RNG),
    R(model_scratch, huge, SHP), R(model_scratch, d_in_neg, SHP), R(model_scratch, pool_bad, RNG),
    R(model, none, OK), R(model, out_null, NUL), R(model, x_null, NUL), R(model, cfg_null, NUL),
    R(model, weights_null, NUL), R(model, arena_null, NUL), R(model, embed_null, NUL),
    R(model, pos_null, NUL), R(model, cls_null, NUL), R(model, layers_null, NUL),
    R(model, layer2_wv_null, NUL), R(model, rows0, SHP), R(model, seq_gt_max, SHP),
    R(model, classes0, SHP), R(model, d_in_neg, SHP), R(model, heads3, SHP), R(model, d_ff0, SHP),
    R(model, nlayers0, SHP), R(model, act_bad, RNG), R(model, eps0, RNG), R(model, pool_bad, RNG),
    R(model, position_bad, RNG), R(model, huge, SHP), R(model, arena_short, ARN),
    R(model, arena_tiny, ARN), R(model, pos_none_null, OK), R(model, d_in0_embed_null, OK),
    R(model, x_nan, OK),
    R(model, pool_att, OK), R(model, pool_w_null, NUL), R(model, cls_row, OK),
    R(model, cls_no_room, SHP), R(model, cls_row_null, NUL), R(model, embed_norm_on, OK),
    R(model, patch_ok, OK), R(model, patch_indivisible, SHP), R(model, patch_count, SHP),
    R(model, patch_d_in, SHP), R(model, patch_neg, SHP), R(model, vocab_neg, SHP),
    R(model, tokemb_null, OK), R(model, arena_short, ARN),
    R(model_scratch, cls_row, OK), R(model_scratch, cls_no_room, SHP), R(model_scratch, patch_ok, OK),
    R(model_scratch, patch_count, SHP), R(model_scratch, pool_att, OK),
    R(model_tok, none, OK), R(model_tok, out_null, NUL), R(model_tok, tok_null, NUL),
    R(model_tok, cfg_null, NUL), R(model_tok, weights_null, NUL), R(model_tok, arena_null, NUL),
    R(model_tok, tokemb_null, NUL), R(model_tok, segemb_null, NUL), R(model_tok, cls_row_null, NUL),
    R(model_tok, pool_w_null, NUL), R(model_tok, layers_null, NUL), R(model_tok, rows0, SHP),
    R(model_tok, seq_gt_max, SHP), R(model_tok, vocab0, SHP), R(model_tok, vocab_neg, SHP),
    R(model_tok, tok_patch, SHP), R(model_tok, heads3, SHP), R(model_tok, tok_oov, RNG),
    R(model_tok, tok_neg, RNG), R(model_tok, seg_oov, RNG), R(model_tok, act_bad, RNG),
    R(model_tok, pool_bad, RNG), R(model_tok, win_neg, RNG), R(model_tok, seg_null, OK),
    R(model_tok, nseg0_segemb_null, OK), R(model_tok, cls_row, OK), R(model_tok, pool_att, OK),
    R(model_tok, embed_norm_on, OK), R(model_tok, embed_null, OK), R(model_tok, arena_short, ARN),
    R(model_tok, arena_tiny, ARN),
    R(pool_att, none, OK), R(pool_att, out_null, NUL), R(pool_att, x_null, NUL),
    R(pool_att, w_null, NUL), R(pool_att, arena_null, NUL), R(pool_att, rows0, SHP),
    R(pool_att, in_neg, SHP), R(pool_att, over_max, SHP), R(pool_att, arena_short, ARN),
    R(pool_att, arena_tiny, ARN), R(pool_att, x_nan, OK), R(pool, pool_att, RNG),
    R(arena_init, none, OK), R(arena_init, arena_null, NUL), R(arena_init, buf_null, NUL),
    R(arena_alloc, none, OK), R(arena_alloc, arena_null, NUL), R(arena_alloc, out_null, NUL),
    R(arena_alloc, alloc_big, ARN), R(arena_alloc, alloc_huge, BIG),
    R(arena_release, none, OK), R(arena_release, arena_null, NUL), R(arena_release, mark_past_used, RNG),
#if SIZE_MAX <= 0xFFFFFFFFu
    R(mha_packed, d_packed_32, BIG), R(linear, huge_leaf, BIG), R(softmax, huge_leaf, BIG),
    R(layernorm, huge_leaf, BIG), R(pos_sin, huge_leaf, BIG), R(pool, huge_leaf, BIG),
#endif
    R(linear, over_max, SHP), R(softmax, over_max, SHP), R(layernorm, over_max, SHP),
    R(relu, over_max, SHP), R(gelu, over_max, SHP), R(pos_sin, over_max, SHP), R(pool, over_max, SHP),
    R(argmax, over_max, SHP),
};

static const bad_row k_q_rows[] = {
    R(qmul, none, OK), R(qmul, out_null, NUL), R(qmul, qf_tiny, OK), R(qmul, qf_nan, RNG),
    R(qmul, qf_inf, RNG), R(qmul, qf_2p30, RNG),
    R(qparams, none, OK), R(qparams, out_null, NUL), R(qparams, min_nan, RNG), R(qparams, max_nan, RNG),
    R(qparams, min_inf, RNG), R(qparams, min_gt_max, RNG), R(qparams, range_huge, RNG),
    R(quantize, none, OK), R(quantize, out_null, NUL), R(quantize, x_null, NUL), R(quantize, rows0, SHP),
    R(quantize, n_neg, SHP), R(quantize, over_max, SHP), R(quantize, scale0, RNG),
    R(quantize, scale_neg, RNG), R(quantize, scale_nan, RNG), R(quantize, zp_hi, RNG),
    R(quantize, zp_lo, RNG), R(quantize, x_nan, OK), R(quantize, x_inf, OK),
    R(dequantize, none, OK), R(dequantize, out_null, NUL), R(dequantize, x_null, NUL),
    R(dequantize, rows0, SHP), R(dequantize, n_neg, SHP), R(dequantize, over_max, SHP),
    R(dequantize, scale0, RNG), R(dequantize, scale_nan, RNG), R(dequantize, zp_hi, RNG),
    R(dequantize, zp_lo, RNG),
    R(quant_enc, none, OK), R(quant_enc, out_null, NUL), R(quant_enc, inq_null, NUL),
    R(quant_enc, outq_null, NUL), R(quant_enc, cfg_null, NUL), R(quant_enc, weights_null, NUL),
    R(quant_enc, x_null, NUL), R(quant_enc, store_null, NUL), R(quant_enc, arena_null, NUL),
    R(quant_enc, layers_null, NUL), R(quant_enc, wq_null, NUL), R(quant_enc, layer2_wv_null, NUL),
    R(quant_enc, rows0, SHP), R(quant_enc, n_calib0, SHP), R(quant_enc, n_calib_neg, SHP),
    R(quant_enc, heads3, SHP), R(quant_enc, d_ff0, SHP), R(quant_enc, nlayers0, SHP),
    R(quant_enc, huge, SHP), R(quant_enc, dmodel_s8_big, SHP), R(quant_enc, dff_s8_big, SHP),
    R(quant_enc, act_bad, RNG), R(quant_enc, eps0, RNG), R(quant_enc, eps_nan, RNG),
    R(quant_enc, calib0_eps_nan, SHP), R(quant_enc, s8_big_eps_nan, SHP),
    R(quant_enc, arena_short, ARN), R(quant_enc, arena_tiny, ARN), R(quant_enc, store_short, ARN),
    R(quant_enc, store_tiny, ARN), R(quant_enc, w_nan, RNG), R(quant_enc, w_inf, RNG),
    R(quant_enc, bias_nan, RNG), R(quant_enc, gamma_inf, RNG), R(quant_enc, beta_nan, RNG),
    R(quant_enc, final_beta_nan, RNG), R(quant_enc, calib_nan, RNG), R(quant_enc, calib_inf, RNG),
    R(quant_model_tok, none, OK), R(quant_model_tok, out_null, NUL), R(quant_model_tok, cfg_null, NUL),
    R(quant_model_tok, weights_null, NUL), R(quant_model_tok, tok_null, NUL),
    R(quant_model_tok, store_null, NUL), R(quant_model_tok, arena_null, NUL),
    R(quant_model_tok, tokemb_null, NUL), R(quant_model_tok, segemb_null, NUL),
    R(quant_model_tok, n_calib0, SHP), R(quant_model_tok, vocab0, SHP),
    R(quant_model_tok, tok_patch, SHP), R(quant_model_tok, tok_oov, RNG),
    R(quant_model_tok, seg_oov, RNG), R(quant_model_tok, eps_nan, RNG),
    R(quant_model_tok, seg_null, OK), R(quant_model_tok, cls_row, OK),
    R(quant_model_tok, pool_att, OK), R(quant_model_tok, embed_norm_on, OK),
    R(quant_model_tok, store_short, ARN), R(quant_model_tok, store_tiny, ARN),
    R(quant_model_tok, arena_short, ARN), R(quant_model_tok, arena_tiny, ARN),
    R(quant_model, cls_row, OK), R(quant_model, pool_att, OK), R(quant_model, embed_norm_on, OK),
    R(quant_model, patch_ok, OK), R(quant_model, patch_count, SHP), R(quant_model, pool_w_null, NUL),
    R(quant_model, cls_row_null, NUL),
    R(quant_model, none, OK), R(quant_model, out_null, NUL), R(quant_model, cfg_null, NUL),
    R(quant_model, weights_null, NUL), R(quant_model, x_null, NUL), R(quant_model, store_null, NUL),
    R(quant_model, arena_null, NUL), R(quant_model, embed_null, NUL), R(quant_model, pos_null, NUL),
    R(quant_model, cls_null, NUL), R(quant_model, layers_null, NUL), R(quant_model, layer2_wv_null, NUL),
    R(quant_model, rows0, SHP), R(quant_model, seq_gt_max, SHP), R(quant_model, classes0, SHP),
    R(quant_model, d_in_neg, SHP), R(quant_model, n_calib0, SHP), R(quant_model, heads3, SHP),
    R(quant_model, nlayers0, SHP), R(quant_model, huge, SHP), R(quant_model, dmodel_s8_big, SHP),
    R(quant_model, d_in_s8_big, SHP), R(quant_model, act_bad, RNG), R(quant_model, eps_nan, RNG),
    R(quant_model, calib0_eps_nan, SHP), R(quant_model, s8_big_eps_nan, SHP),
    R(quant_model, pool_bad, RNG), R(quant_model, position_bad, RNG),
    R(quant_model, pos_none_null, OK), R(quant_model, d_in0_embed_null, OK),
    R(quant_model, max_seq_big, HUGE_WANT), R(quant_model, arena_short, ARN),
    R(quant_model, arena_tiny, ARN), R(quant_model, store_short, ARN), R(quant_model, store_tiny, ARN),
    R(quant_model, w_nan, RNG), R(quant_model, bias_nan, RNG), R(quant_model, beta_nan, RNG),
    R(quant_model, calib_nan, RNG), R(quant_model, calib_inf, RNG), R(quant_model, embed_nan, RNG),
    R(quant_model, pos_inf, RNG), R(quant_model, cls_nan, RNG),
    /* the store query: the quantizer's checks of cfg and w, no values read */
    R(quant_model_bytes, none, OK), R(quant_model_bytes, out_null, NUL),
    R(quant_model_bytes, cfg_null, NUL), R(quant_model_bytes, weights_null, NUL),
    R(quant_model_bytes, embed_null, NUL), R(quant_model_bytes, pos_null, NUL),
    R(quant_model_bytes, cls_null, NUL), R(quant_model_bytes, layers_null, NUL),
    R(quant_model_bytes, layer2_wv_null, NUL), R(quant_model_bytes, pool_w_null, NUL),
    R(quant_model_bytes, cls_row_null, NUL), R(quant_model_bytes, seq_gt_max, SHP),
    R(quant_model_bytes, classes0, SHP), R(quant_model_bytes, d_in_neg, SHP),
    R(quant_model_bytes, heads3, SHP), R(quant_model_bytes, nlayers0, SHP),
    R(quant_model_bytes, huge, SHP), R(quant_model_bytes, dmodel_s8_big, SHP),
    R(quant_model_bytes, d_in_s8_big, SHP), R(quant_model_bytes, patch_count, SHP),
    R(quant_model_bytes, act_bad, RNG), R(quant_model_bytes, eps_nan, RNG),
    R(quant_model_bytes, pool_bad, RNG), R(quant_model_bytes, position_bad, RNG),
    R(quant_model_bytes, pos_none_null, OK), R(quant_model_bytes, d_in0_embed_null, OK),
    R(quant_model_bytes, cls_row, OK), R(quant_model_bytes, pool_att, OK),
    R(quant_model_bytes, embed_norm_on, OK), R(quant_model_bytes, patch_ok, OK),
    R(quant_model_bytes, n_calib0, OK), R(quant_model_bytes, w_nan, OK),
    R(quant_model_tok_bytes, none, OK), R(quant_model_tok_bytes, out_null, NUL),
    R(quant_model_tok_bytes, tokemb_null, NUL), R(quant_model_tok_bytes, segemb_null, NUL),
    R(quant_model_tok_bytes, vocab0, SHP), R(quant_model_tok_bytes, tok_patch, SHP),
    R(quant_model_tok_bytes, eps_nan, RNG), R(quant_model_tok_bytes, embed_null, OK),
    R(quant_model_tok_bytes, cls_row, OK), R(quant_model_tok_bytes, embed_norm_on, OK),
    R(quant_model_tok_bytes, store_short, OK),
};

/* ---- the tables' hooks ------------------------------------------------------- */

static void take_common(void)
{
    F = (fx *)check_plan_take(sizeof *F);
    g_in = (float *)check_plan_take(IN_N * sizeof(float));
    g_nan = (float *)check_plan_take(IN_N * sizeof(float));
    g_inf = (float *)check_plan_take(IN_N * sizeof(float));
    g_wts = (float *)check_plan_take(WTS_N * sizeof(float));
}

static float *g_out_buf, *g_io_buf;
static int8_t *g_y8_buf;
static fx_out *g_o;

static void f32_layout(void)
{
    g_quant = 0;
    take_common();
    g_mem_bytes = MEM_BYTES;
    g_mem = (unsigned char *)check_plan_take(g_mem_bytes);
    g_store = NULL;
    g_out_buf = (float *)bad_watch(IO_N * sizeof(float), BAD_OUT);
    g_io_buf = (float *)bad_watch(IO_N * sizeof(float), BAD_KEEP);
    g_y8_buf = NULL;
    g_o = (fx_out *)bad_watch(sizeof(fx_out), BAD_OUT);
}

static void q_layout(void)
{
    g_quant = 1;
    take_common();
    g_mem_bytes = QSCRATCH_BYTES;
    g_mem = (unsigned char *)check_plan_take(g_mem_bytes);
    g_store = (unsigned char *)check_plan_take(STORE_BYTES);
    g_out_buf = (float *)bad_watch(IO_N * sizeof(float), BAD_OUT);
    g_io_buf = NULL;
    g_y8_buf = (int8_t *)bad_watch(IO_N, BAD_OUT);
    g_o = (fx_out *)bad_watch(sizeof(fx_out), BAD_OUT);
}

static void setup(void)
{
    int i;
    check_seed(99);
    check_fill(g_in, IN_N, -1.0f, 1.0f);
    check_fill(g_wts, WTS_N, -0.5f, 0.5f);
    memcpy(g_nan, g_in, IN_N * sizeof(float));
    memcpy(g_inf, g_in, IN_N * sizeof(float));
    for (i = 3; i < IN_N; i += 11) g_nan[i] = NAN;
    for (i = 5; i < IN_N; i += 13) g_inf[i] = i % 2 ? INFINITY : -INFINITY;
}

static void init(void)
{
    F->o = g_o;
    fx_init();
    F->out = g_out_buf;
    F->io = g_io_buf;
    F->y8 = g_y8_buf;
}

static int is_arena_call(int op)
{
    return !g_quant && (op == OP_sdpa || op == OP_mha || op == OP_layer || op == OP_enc ||
                        op == OP_model || op == OP_model_tok || op == OP_pool_att);
}

/* The bytes the unbroken fixture's call needs: its scratch query. */
static size_t query(int op)
{
    size_t b = 0;
    attn_status st = ATTN_ERR_RANGE;
    if (op == OP_sdpa) st = attn_sdpa_scratch_f32(&F->mcfg_ok, &b);
    if (op == OP_mha) st = attn_mha_scratch_f32(&F->mcfg_ok, &b);
    if (op == OP_layer) st = attn_encoder_layer_scratch_f32(&F->ecfg_ok, S, &b);
    if (op == OP_enc) st = attn_encoder_scratch_f32(&F->ecfg_ok, S, &b);
    /* a model: the configuration as mutated when valid (a CLS row, patches,
       attention pooling need more), else the unbroken one */
    if (op == OP_model || op == OP_model_tok) {
        st = attn_model_scratch_f32(&F->mdc, S, &b);
        if (st != ATTN_OK) st = attn_model_scratch_f32(&F->mdc_ok, S, &b);
    }
    if (op == OP_pool_att) {
        b = ATTN_POOL_SCRATCH_F32(S);
        st = ATTN_OK;
    }
    return st == ATTN_OK && b <= g_mem_bytes ? b : g_mem_bytes;
}

static size_t shorten(size_t need, int mode)
{
    return mode == 1 && need > 0 ? need - 1 : mode == 2 ? ATTN_ALIGN - 1 : need;
}

/* The quantizer has no scratch query: what the unbroken call takes, from a
   call into copies (the watched outputs are not touched). */
static void quant_needs(int op, size_t *scratch, size_t *store)
{
    fx_out o;
    attn_status st;
    attn_arena_init(&o.store, g_store, STORE_BYTES);
    attn_arena_init(&o.scratch, g_mem, g_mem_bytes);
    if (op == OP_quant_enc)
        st = attn_quantize_encoder_s8(&o.enc, &o.q, &o.q2, &F->ecfg_ok, &F->ew, g_in, NULL, 1, S,
                                      &o.store, &o.scratch);
    else if (op == OP_quant_model_tok)
        st = attn_quantize_model_tokens_s8(&o.model, &F->mdc_ok, &F->mdw, F->tok, F->seg, NULL, 1,
                                           S, &o.store, &o.scratch);
    else
        st = attn_quantize_model_s8(&o.model, &F->mdc_ok, &F->mdw, g_in, NULL, 1, S, &o.store,
                                    &o.scratch);
    *scratch = st == ATTN_OK ? o.scratch.high_water : g_mem_bytes;
    *store = st == ATTN_OK ? o.store.used : STORE_BYTES;
}

static void arm(int op)
{
    /* the model sees the layer configuration and weights as mutated */
    F->mdc.encoder = F->ecfg;
    F->mdw.encoder = F->ew;
    F->need = 0;
    if (g_quant && (op == OP_quant_enc || op == OP_quant_model || op == OP_quant_model_tok)) {
        size_t scratch = g_mem_bytes, store = STORE_BYTES;
        if (F->arena_mode || F->store_mode) quant_needs(op, &scratch, &store);
        attn_arena_init(&F->o->scratch, g_mem, F->arena_mode ? shorten(scratch, F->arena_mode) : g_mem_bytes);
        attn_arena_init(&F->o->store, g_store, F->store_mode ? shorten(store, F->store_mode) : STORE_BYTES);
    } else if (is_arena_call(op)) {
        F->need = query(op);
        attn_arena_init(&F->o->arena, g_mem, shorten(F->need, F->arena_mode));
    } else {
        attn_arena_init(&F->o->arena, g_mem, g_mem_bytes);
    }
    if (F->io) {
        check_fill(F->io, IO_N, -1.0f, 1.0f);
        if (F->io_special) {
            F->io[1] = NAN;
            F->io[2] = INFINITY;
        }
    }
}

static int ok_extra(int op)
{
    if (g_quant && (op == OP_quant_enc || op == OP_quant_model || op == OP_quant_model_tok))
        return F->o->scratch.used == 0 && F->o->store.used > 0; /* scratch given back */
    if (is_arena_call(op)) return F->o->arena.used == 0 && F->o->arena.high_water == F->need;
    return 1;
}

const bad_table bad_table_f32 = {
    "float and arena", k_f32_ops, N_F32_OPS, k_muts, N_MUTS, k_f32_rows, N_OF(k_f32_rows),
    f32_layout, setup, init, arm, ok_extra};

const bad_table bad_table_quant = {
    "quantizer", k_q_ops, N_Q_OPS, k_muts, N_MUTS, k_q_rows, N_OF(k_q_rows),
    q_layout, setup, init, arm, ok_extra};

/* ==== the decoder half (issue 10): decoder layers and stacks, the KV cache,
   steps, encoder-decoder and decoder-only models, float ====================
   A fixture of its own (fits the micro:bit's pool): a decoder of 2 layers,
   d_model 4, 2 heads, d_ff 4, on 3 target rows and 2 memory rows; a causal
   encoder stack of 2 layers of the same shape; a seq2seq model (source
   vocabulary 5, target 6, max_src = max_tgt = 3, learned positions) and an
   LM (vocabulary 6, max_len 3) built from them; a cache of 2 layers x 3
   tokens x 3 memory rows. Before each row the arm hook makes the cache the
   call needs (memory set for a decoder step, a source encoded for a seq2seq
   step, filled to max_len for the "full" rows, of another shape for the
   "cache_*" rows); the cache struct and its arrays are watched, so "nothing
   written" covers them. Calls that take an arena get exactly their scratch
   query (attn_seq2seq_scratch_f32 / attn_lm_scratch_f32 for the models:
   a step alone needs less than that query, which also holds greedy's
   logits, so only the encode and greedy rows have "one byte short"). */

enum { XS = 3, XM = 2, XD = 4, XH = 2, XF = 4, XL = 2, XSV = 5, XTV = 6, XMAX = 3,
       XBIG = 8, XIN_N = 32 };

typedef struct {
    size_t bytes;          /* the queries' answer          */
    int n_out;             /* greedy's                     */
    attn_arena arena;      /* every call's scratch         */
    attn_arena store;      /* attn_kv_cache_init_f32's     */
    attn_kv_cache cache;   /* every cache call's           */
} dx_out;

typedef struct {
    dx_out *o;
    float *io, *out;
    int *toks;
    const float *mem;
    const uint8_t *tpad, *mpad;
    int seq, mem_len;
    attn_encoder_cfg cfg, cfg_ok;
    const attn_encoder_cfg *cfgp;
    attn_decoder_layer_weights_f32 dl[XL];
    const attn_decoder_layer_weights_f32 *lwp;
    attn_decoder_weights_f32 dw;
    const attn_decoder_weights_f32 *dwp;
    attn_encoder_layer_weights_f32 el[XL];
    attn_encoder_weights_f32 ew;
    const attn_encoder_weights_f32 *ewp;
    attn_seq2seq_cfg s2s, s2s_ok;
    const attn_seq2seq_cfg *s2sp;
    attn_seq2seq_weights_f32 sw;
    const attn_seq2seq_weights_f32 *swp;
    attn_lm_cfg lm, lm_ok;
    const attn_lm_cfg *lmp;
    attn_lm_weights_f32 lw;
    const attn_lm_weights_f32 *lmwp;
    attn_kv_cache *cachep;
    attn_arena *storep;
    int n_layers, d, max_len, max_mem; /* attn_kv_cache_bytes/init_f32's  */
    int c_layers, c_d, c_len, c_mem;   /* the cache the arm hook makes    */
    int c_s8;                          /* ... with attn_kv_cache_init_s8  */
    int c_state;                       /* 0 ready, 1 full, 2 no memory    */
    int token, bos, eos, max_out, lm_out, src_len, prompt_len;
    const int *src, *prompt;
    const float *input;                /* encode_ex's features / image    */
    const int *segs;                   /* encode_ex's segment ids         */
    int *n_outp;
    size_t *bytesp;
    attn_arena *ap;
    int arena_mode, store_mode;
    size_t need;
    /* the decoder quantizers' (their own table, below) */
    struct dxq_out *qo;
    attn_decoder_s8_params *dec8p;
    attn_seq2seq_s8_params *s2s8p;
    attn_lm_s8_params *lm8p;
    attn_qparams *inqp, *memqp, *outqp;
    const float *calib, *calib_mem;
    const uint8_t *calib_pad;
    int n_calib, q_seq, q_mem;
    const int *csrc, *csrc_len, *ctgt, *ctgt_len;
    const float *cin;                  /* _ex: calibration features      */
    const int *cseg;                   /* _ex: calibration segment ids   */
    attn_arena *qstorep, *qscratchp;
    int scratch_mode;
} dx;

static dx *X;
static dx_out *g_xo;
static float *g_xw;             /* every weight of the fixture              */
static float *g_xin, *g_xnan;   /* [XIN_N] inputs, the same with NaNs       */
static float *g_xio, *g_xout;   /* watched: [XS][XD] in place, [XTV] logits */
static int *g_xtoks;            /* watched: [XMAX + 1] greedy's output      */
static unsigned char *g_xcbuf;  /* watched: the cache's arrays              */
static size_t g_xcbytes;
static unsigned char *g_xmem;   /* the scratch arena's buffer               */
static size_t g_xmem_bytes;
static uint8_t g_xpad[XMAX], g_xpad_all[XMAX];
static const int g_xsrc[XMAX + 1] = {1, 4, 0, 2}, g_xsrc_bad[XMAX] = {1, XSV, 0};
static const int g_xprompt[XMAX] = {3, 5, 1}, g_xprompt_bad[XMAX] = {3, XTV, 1};
static const int g_xsegs[XMAX] = {0, 1, 1}, g_xsegs_bad[XMAX] = {0, 2, 1};

static size_t dx_dec_layer_floats(void) { return 2 * (4 * XD * XD + 4 * XD) + 2 * XF * XD + XF + XD + 6 * XD; }
/* the encoder layers share the decoder layers' arrays (self-attention,
   feed-forward, norms 1 and 3): less RAM on the micro:bit */
static size_t dx_weight_floats(void)
{
    return XL * dx_dec_layer_floats() + 4 * XD + (size_t)(XSV + XTV + 2 * XMAX + XTV) * XD + XTV;
}

static const float *dx_take(const float **p, size_t n)
{
    const float *r = *p;
    *p += n;
    return r;
}

static void dx_mha(attn_mha_weights_f32 *w, const float **p)
{
    w->wq = dx_take(p, XD * XD); w->wk = dx_take(p, XD * XD);
    w->wv = dx_take(p, XD * XD); w->wo = dx_take(p, XD * XD);
    w->bq = dx_take(p, XD); w->bk = dx_take(p, XD); w->bv = dx_take(p, XD); w->bo = dx_take(p, XD);
}

static void dx_init(void)
{
    dx *f = X;
    const float *p = g_xw;
    int l;
    memset(f, 0, sizeof *f);
    f->o = g_xo;
    f->io = g_xio; f->out = g_xout; f->toks = g_xtoks;
    f->mem = g_xin; f->tpad = NULL; f->mpad = g_xpad;
    f->seq = XS; f->mem_len = XM;
    f->cfg.d_model = XD; f->cfg.n_heads = XH; f->cfg.d_ff = XF;
    f->cfg.activation = ATTN_ACT_GELU; f->cfg.norm_first = 0; f->cfg.causal = 1;
    f->cfg.eps = 1e-5f;
    for (l = 0; l < XL; l++) {
        attn_decoder_layer_weights_f32 *L = &f->dl[l];
        dx_mha(&L->self_attn, &p);
        dx_mha(&L->cross_attn, &p);
        L->ff1_w = dx_take(&p, XF * XD); L->ff1_b = dx_take(&p, XF);
        L->ff2_w = dx_take(&p, XD * XF); L->ff2_b = dx_take(&p, XD);
        L->norm1_w = dx_take(&p, XD); L->norm2_w = dx_take(&p, XD); L->norm3_w = dx_take(&p, XD);
        L->norm1_b = dx_take(&p, XD); L->norm2_b = dx_take(&p, XD); L->norm3_b = dx_take(&p, XD);
    }
    for (l = 0; l < XL; l++) {
        attn_encoder_layer_weights_f32 *L = &f->el[l];
        const attn_decoder_layer_weights_f32 *Y = &f->dl[l];
        L->attn = Y->self_attn;
        L->ff1_w = Y->ff1_w; L->ff1_b = Y->ff1_b; L->ff2_w = Y->ff2_w; L->ff2_b = Y->ff2_b;
        L->norm1_w = Y->norm1_w; L->norm1_b = Y->norm1_b;
        L->norm2_w = Y->norm3_w; L->norm2_b = Y->norm3_b;
    }
    f->dw.layers = f->dl; f->dw.n_layers = XL; f->dw.final_norm = 1;
    f->dw.norm_w = dx_take(&p, XD); f->dw.norm_b = dx_take(&p, XD);
    f->ew.layers = f->el; f->ew.n_layers = XL; f->ew.final_norm = 1;
    f->ew.norm_w = dx_take(&p, XD); f->ew.norm_b = dx_take(&p, XD);
    f->s2s.encoder = f->cfg; f->s2s.encoder.causal = 0; f->s2s.decoder = f->cfg;
    f->s2s.src_vocab = XSV; f->s2s.tgt_vocab = XTV; f->s2s.max_src = XMAX; f->s2s.max_tgt = XMAX;
    f->s2s.position = ATTN_POS_LEARNED; f->s2s.embed_scale = 2.0f;
    f->sw.src_embed = dx_take(&p, XSV * XD); f->sw.tgt_embed = dx_take(&p, XTV * XD);
    f->sw.src_pos = dx_take(&p, XMAX * XD); f->sw.tgt_pos = dx_take(&p, XMAX * XD);
    f->sw.encoder = f->ew; f->sw.decoder = f->dw;
    f->sw.out_w = dx_take(&p, XTV * XD); f->sw.out_b = dx_take(&p, XTV);
    f->lm.layers = f->cfg; f->lm.vocab = XTV; f->lm.max_len = XMAX;
    f->lm.position = ATTN_POS_LEARNED; f->lm.embed_scale = 0.0f;
    f->lw.embed = f->sw.tgt_embed; f->lw.pos = f->sw.tgt_pos; f->lw.layers = f->ew;
    f->lw.out_w = f->sw.out_w; f->lw.out_b = f->sw.out_b;
    f->cfgp = &f->cfg; f->lwp = &f->dl[0]; f->dwp = &f->dw; f->ewp = &f->ew;
    f->s2sp = &f->s2s; f->swp = &f->sw; f->lmp = &f->lm; f->lmwp = &f->lw;
    f->cachep = &g_xo->cache; f->storep = &g_xo->store;
    f->n_layers = XL; f->d = XD; f->max_len = XMAX; f->max_mem = XMAX;
    f->c_layers = XL; f->c_d = XD; f->c_len = XMAX; f->c_mem = XMAX;
    f->token = 2; f->bos = 2; f->eos = -1; f->max_out = XMAX; f->lm_out = XMAX - 1;
    f->src_len = XMAX;
    f->prompt_len = 2; f->src = g_xsrc; f->prompt = g_xprompt;
    f->n_outp = &g_xo->n_out; f->bytesp = &g_xo->bytes; f->ap = &g_xo->arena;
    f->cfg_ok = f->cfg; f->s2s_ok = f->s2s; f->lm_ok = f->lm;
}

/* ---- one call per public function ------------------------------------------- */

static attn_status dop_dl_scratch(void) { return attn_decoder_layer_scratch_f32(X->cfgp, X->seq, X->mem_len, X->bytesp); }
static attn_status dop_dl(void)
{
    return attn_decoder_layer_f32(X->io, X->seq, X->tpad, X->mem, X->mem_len, X->mpad, X->cfgp, X->lwp, X->ap);
}
static attn_status dop_dec_scratch(void) { return attn_decoder_scratch_f32(X->cfgp, X->seq, X->mem_len, X->bytesp); }
static attn_status dop_dec(void)
{
    return attn_decoder_f32(X->io, X->seq, X->tpad, X->mem, X->mem_len, X->mpad, X->cfgp, X->dwp, X->ap);
}
static attn_status dop_kv_bytes(void) { return attn_kv_cache_bytes_f32(X->n_layers, X->d, X->max_len, X->max_mem, X->bytesp); }
static attn_status dop_kv_init(void) { return attn_kv_cache_init_f32(X->cachep, X->n_layers, X->d, X->max_len, X->max_mem, X->storep); }
static attn_status dop_kv_reset(void) { return attn_kv_cache_reset(X->cachep); }
static attn_status dop_dec_memory(void) { return attn_decoder_memory_f32(X->cachep, X->mem, X->mem_len, X->mpad, X->cfgp, X->dwp); }
static attn_status dop_step_scratch(void) { return attn_decoder_step_scratch_f32(X->cfgp, X->max_len, X->max_mem, X->bytesp); }
static attn_status dop_step(void) { return attn_decoder_step_f32(X->io, X->cachep, X->cfgp, X->dwp, X->ap); }
static attn_status dop_estep_scratch(void) { return attn_encoder_step_scratch_f32(X->cfgp, X->max_len, X->bytesp); }
static attn_status dop_estep(void) { return attn_encoder_step_f32(X->io, X->cachep, X->cfgp, X->ewp, X->ap); }
static attn_status dop_s2s_scratch(void) { return attn_seq2seq_scratch_f32(X->s2sp, X->bytesp); }
static attn_status dop_s2s_encode(void) { return attn_seq2seq_encode_f32(X->cachep, X->src, X->src_len, X->s2sp, X->swp, X->ap); }
static attn_status dop_s2s_step(void) { return attn_seq2seq_step_f32(X->out, X->token, X->cachep, X->s2sp, X->swp, X->ap); }
static attn_status dop_s2s_greedy(void)
{
    return attn_seq2seq_greedy_f32(X->toks, X->n_outp, X->max_out, X->src, X->src_len, X->bos, X->eos,
                                   X->cachep, X->s2sp, X->swp, X->ap);
}
static attn_status dop_s2s_encode_ex(void)
{
    return attn_seq2seq_encode_ex_f32(X->cachep, X->input, X->src, X->segs, X->src_len, X->s2sp,
                                      X->swp, X->ap);
}
static attn_status dop_s2s_generate(void)
{
    return attn_seq2seq_generate_f32(X->toks, X->n_outp, X->max_out, X->bos, X->eos, X->cachep,
                                     X->s2sp, X->swp, X->ap);
}
static attn_status dop_lm_scratch(void) { return attn_lm_scratch_f32(X->lmp, X->bytesp); }
static attn_status dop_lm_step(void) { return attn_lm_step_f32(X->out, X->token, X->cachep, X->lmp, X->lmwp, X->ap); }
static attn_status dop_lm_greedy(void)
{
    return attn_lm_greedy_f32(X->toks, X->n_outp, X->lm_out, X->prompt, X->prompt_len, X->eos,
                              X->cachep, X->lmp, X->lmwp, X->ap);
}

/* ---- ways to break the fixture ---------------------------------------------- */

static void dm_none(void) {}
static void dm_out_null(void) { X->out = NULL; X->toks = NULL; X->bytesp = NULL; }
static void dm_nout_null(void) { X->n_outp = NULL; }
static void dm_x_null(void) { X->io = NULL; }
static void dm_mem_null(void) { X->mem = NULL; }
static void dm_cfg_null(void) { X->cfgp = NULL; X->s2sp = NULL; X->lmp = NULL; }
static void dm_w_null(void) { X->lwp = NULL; X->dwp = NULL; X->ewp = NULL; X->swp = NULL; X->lmwp = NULL; }
static void dm_cache_null(void) { X->cachep = NULL; }
static void dm_store_null(void) { X->storep = NULL; }
static void dm_arena_null(void) { X->ap = NULL; }
static void dm_src_null(void) { X->src = NULL; }
static void dm_prompt_null(void) { X->prompt = NULL; }
static void dm_sa_wq_null(void) { X->dl[0].self_attn.wq = NULL; X->el[0].attn.wq = NULL; }
static void dm_ca_wk_null(void) { X->dl[0].cross_attn.wk = NULL; }
static void dm_ff2_null(void) { X->dl[0].ff2_w = NULL; X->el[0].ff2_w = NULL; }
/* the stack's second layer: refused before the first runs */
static void dm_layer2_null(void) { X->dl[1].cross_attn.wv = NULL; X->el[1].attn.wv = NULL; }
static void dm_layers_null(void)
{
    X->dw.layers = NULL; X->ew.layers = NULL; X->sw.encoder.layers = NULL;
    X->sw.decoder.layers = NULL; X->lw.layers.layers = NULL;
}
static void dm_embed_null(void) { X->sw.src_embed = NULL; X->lw.embed = NULL; }
static void dm_tgt_embed_null(void) { X->sw.tgt_embed = NULL; }
static void dm_pos_null(void) { X->sw.tgt_pos = NULL; X->lw.pos = NULL; }
static void dm_outw_null(void) { X->sw.out_w = NULL; X->lw.out_w = NULL; }
/* positions that need no table, no output bias, no norm gammas: fine */
static void dm_nopos_null(void)
{
    X->s2s.position = ATTN_POS_NONE; X->lm.position = ATTN_POS_NONE;
    X->sw.src_pos = X->sw.tgt_pos = NULL; X->lw.pos = NULL;
}
static void dm_sinpos_null(void)
{
    X->s2s.position = ATTN_POS_SINUSOIDAL; X->lm.position = ATTN_POS_SINUSOIDAL;
    X->sw.src_pos = X->sw.tgt_pos = NULL; X->lw.pos = NULL;
}
static void dm_optional_null(void)
{
    X->sw.out_b = NULL; X->lw.out_b = NULL; X->dl[0].norm2_w = NULL; X->dl[1].cross_attn.bk = NULL;
    X->dw.norm_w = NULL; X->el[0].norm1_b = NULL;
}
static void dm_seq0(void) { X->seq = 0; }
static void dm_seq_neg(void) { X->seq = -2; }
static void dm_mem0(void) { X->mem_len = 0; }
static void dm_mem_neg(void) { X->mem_len = -1; }
static void dm_over_max(void)
{
    X->seq = X->mem_len = ATTN_MAX_DIM + 1;
    X->n_layers = X->d = X->max_len = X->max_mem = ATTN_MAX_DIM + 1;
}
static void dm_int_max(void)
{
    X->seq = X->mem_len = INT_MAX;
    X->n_layers = X->max_len = X->max_mem = INT_MAX;
}
static void dm_heads3(void)
{
    X->cfg.n_heads = 3; X->s2s.decoder.n_heads = 3; X->s2s.encoder.n_heads = 3;
    X->lm.layers.n_heads = 3;
}
static void dm_dff0(void) { X->cfg.d_ff = 0; X->s2s.decoder.d_ff = 0; X->lm.layers.d_ff = 0; }
static void dm_dmodel_mismatch(void) { X->s2s.encoder.d_model = 2 * XD; }
static void dm_nlayers0(void) { X->dw.n_layers = 0; X->ew.n_layers = 0; X->sw.decoder.n_layers = 0; X->lw.layers.n_layers = 0; }
static void dm_act_bad(void)
{
    X->cfg.activation = (attn_activation)7; X->s2s.decoder.activation = (attn_activation)7;
    X->lm.layers.activation = (attn_activation)7;
}
static void dm_win_neg(void)
{
    X->cfg.window = -1; X->s2s.decoder.window = -1; X->s2s.encoder.window = -1;
    X->lm.layers.window = -1;
}
static void dm_win_max(void)
{
    X->cfg.window = INT_MAX; X->s2s.decoder.window = INT_MAX; X->s2s.encoder.window = INT_MAX;
    X->lm.layers.window = INT_MAX;
}
static void dm_eps0(void) { X->cfg.eps = 0.0f; X->s2s.encoder.eps = 0.0f; X->lm.layers.eps = 0.0f; }
static void dm_eps_nan(void) { X->cfg.eps = NAN; X->s2s.decoder.eps = NAN; X->lm.layers.eps = NAN; }
/* generation needs a causal self-attention */
static void dm_causal0(void) { X->cfg.causal = 0; X->s2s.decoder.causal = 0; X->lm.layers.causal = 0; }
static void dm_position_bad(void) { X->s2s.position = (attn_position)9; X->lm.position = (attn_position)9; }
static void dm_scale_nan(void) { X->s2s.embed_scale = NAN; X->lm.embed_scale = NAN; }
static void dm_scale_inf(void) { X->s2s.embed_scale = INFINITY; X->lm.embed_scale = -INFINITY; }
/* the embeddings' LayerNorm (cfg.embed_norm): with its weights, and with
   none (documented: gamma 1, beta 0) */
static void dm_embnorm(void)
{
    X->s2s.embed_norm = X->lm.embed_norm = 1;
    X->sw.src_embed_norm_w = X->sw.tgt_embed_norm_w = X->lw.embed_norm_w = X->ew.norm_w;
    X->sw.src_embed_norm_b = X->sw.tgt_embed_norm_b = X->lw.embed_norm_b = X->ew.norm_b;
}
static void dm_embnorm_nullw(void) { X->s2s.embed_norm = X->lm.embed_norm = 1; }
static void dm_vocab0(void) { X->s2s.tgt_vocab = 0; X->lm.vocab = 0; }
static void dm_src_vocab_neg(void) { X->s2s.src_vocab = -1; }
static void dm_max0(void) { X->s2s.max_src = 0; X->lm.max_len = 0; }
static void dm_max_tgt_neg(void) { X->s2s.max_tgt = -3; X->lm.max_len = -3; }
static void dm_kv_layers0(void) { X->n_layers = 0; }
static void dm_kv_d_neg(void) { X->d = -4; }
static void dm_kv_len0(void) { X->max_len = 0; }
static void dm_kv_mem_neg(void) { X->max_mem = -1; }
static void dm_kv_mem0(void) { X->max_mem = 0; } /* a decoder-only cache: fine */
/* ATTN_MAX_DIM each: 2^86 bytes, more than any size_t */
static void dm_kv_huge(void) { X->n_layers = X->d = X->max_len = ATTN_MAX_DIM; }
static void dm_store_short(void) { X->store_mode = 1; }
static void dm_store_tiny(void) { X->store_mode = 2; }
static void dm_arena_short(void) { X->arena_mode = 1; }
static void dm_arena_tiny(void) { X->arena_mode = 2; }
static void dm_cache_full(void) { X->c_state = 1; }
static void dm_no_memory(void) { X->c_state = 2; }
static void dm_cache_layers(void) { X->c_layers = XL - 1; }
static void dm_cache_width(void) { X->c_d = XD / 2; }
static void dm_cache_s8(void) { X->c_s8 = 1; }
static void dm_cache_mem_small(void) { X->c_mem = 1; }
static void dm_cache_len_small(void) { X->c_len = XMAX - 1; }
/* a cache larger than the model's max_tgt / max_src (and than the step's
   max_len / max_mem): the models' queries must still be enough */
static void dm_cache_big(void) { X->c_len = X->c_mem = XBIG; }
static void dm_token_oov(void) { X->token = XTV; }
static void dm_token_neg(void) { X->token = -1; }
static void dm_src_oov(void) { X->src = g_xsrc_bad; }
static void dm_bos_oov(void) { X->bos = XTV; }
static void dm_prompt_oov(void) { X->prompt = g_xprompt_bad; }
static void dm_src_len0(void) { X->src_len = 0; }
static void dm_src_len_big(void) { X->src_len = XMAX + 1; } /* > max_src */
static void dm_max_out0(void) { X->max_out = 0; X->lm_out = 0; }
static void dm_max_out_big(void) { X->max_out = XMAX + 1; }
static void dm_prompt_len0(void) { X->prompt_len = 0; }
static void dm_prompt_long(void) { X->prompt_len = XMAX; } /* 3 + 2 - 1 > max_len 3 */
static void dm_eos_first(void) { X->eos = 0; } /* any eos: fine */
static void dm_pad_all(void) { X->mpad = g_xpad_all; X->tpad = g_xpad_all; } /* defined: OK */
static void dm_x_nan(void) { X->mem = g_xnan; } /* propagates: OK */
/* the source's front ends (encode_ex): features [3][4], a 1x2x6 image
   cut into three 2x2 squares, a CLS row, segment ids */
static void dm_front_feat(void)
{
    X->s2s.src_d_in = XD; X->sw.src_embed_w = X->dl[0].self_attn.wq; X->sw.src_embed_b = g_xin;
    X->input = g_xin; X->src = NULL;
}
static void dm_front_patch(void)
{
    X->s2s.src_d_in = 4; X->s2s.src_patch = 2; X->s2s.src_channels = 1;
    X->s2s.src_image_h = 2; X->s2s.src_image_w = 6;
    X->sw.src_embed_w = X->dl[0].self_attn.wk; X->input = g_xin; X->src = NULL;
}
static void dm_patch_bad(void) { dm_front_patch(); X->s2s.src_image_w = 5; } /* 5 % 2 */
static void dm_patch_count(void) { dm_front_patch(); X->src_len = 2; } /* the image has 3 */
static void dm_front_w_null(void) { dm_front_feat(); X->sw.src_embed_w = NULL; }
static void dm_front_cls(void)
{
    X->s2s.src_cls_token = 1; X->sw.src_cls_token = g_xin + 4; X->src_len = XMAX - 1;
}
static void dm_cls_null(void) { dm_front_cls(); X->sw.src_cls_token = NULL; }
static void dm_cls_long(void) { dm_front_cls(); X->src_len = XMAX; } /* 4 rows > max_src 3 */
static void dm_front_seg(void)
{
    X->s2s.src_segments = 2; X->sw.src_segment_embed = g_xin + 8; X->segs = g_xsegs;
}
static void dm_seg_null(void) { dm_front_seg(); X->sw.src_segment_embed = NULL; }
static void dm_segs_ids_null(void) { dm_front_seg(); X->segs = NULL; } /* all 0: fine */
static void dm_seg_oov(void) { dm_front_seg(); X->segs = g_xsegs_bad; }
static void dm_seg_neg(void) { X->s2s.src_segments = -1; }
static void dm_front_all(void) { dm_front_cls(); dm_front_seg(); X->s2s.embed_norm = 1; }
static void dm_both_inputs(void) { dm_front_feat(); X->src = g_xsrc; }
static void dm_input_plain(void) { X->input = g_xin; X->src = NULL; } /* no src_d_in */
static void dm_tokens_feat(void) { dm_front_feat(); X->input = NULL; X->src = g_xsrc; }
static void dm_feat_nan(void) { dm_front_feat(); X->input = g_xnan; } /* propagates: OK */

/* ---- the table ---------------------------------------------------------------- */

#define DX_OPS(X_) X_(dl_scratch, attn_decoder_layer_scratch_f32) X_(dl, attn_decoder_layer_f32) \
    X_(dec_scratch, attn_decoder_scratch_f32) X_(dec, attn_decoder_f32) \
    X_(kv_bytes, attn_kv_cache_bytes_f32) X_(kv_init, attn_kv_cache_init_f32) \
    X_(kv_reset, attn_kv_cache_reset) X_(dec_memory, attn_decoder_memory_f32) \
    X_(step_scratch, attn_decoder_step_scratch_f32) X_(step, attn_decoder_step_f32) \
    X_(estep_scratch, attn_encoder_step_scratch_f32) X_(estep, attn_encoder_step_f32) \
    X_(s2s_scratch, attn_seq2seq_scratch_f32) X_(s2s_encode, attn_seq2seq_encode_f32) \
    X_(s2s_step, attn_seq2seq_step_f32) X_(s2s_greedy, attn_seq2seq_greedy_f32) \
    X_(s2s_encode_ex, attn_seq2seq_encode_ex_f32) X_(s2s_generate, attn_seq2seq_generate_f32) \
    X_(lm_scratch, attn_lm_scratch_f32) X_(lm_step, attn_lm_step_f32) \
    X_(lm_greedy, attn_lm_greedy_f32)
#define DX_MUTS(X_) X_(none) X_(out_null) X_(nout_null) X_(x_null) X_(mem_null) X_(cfg_null) \
    X_(w_null) X_(cache_null) X_(store_null) X_(arena_null) X_(src_null) X_(prompt_null) \
    X_(sa_wq_null) X_(ca_wk_null) X_(ff2_null) X_(layer2_null) X_(layers_null) X_(embed_null) \
    X_(tgt_embed_null) X_(pos_null) X_(outw_null) X_(nopos_null) X_(sinpos_null) \
    X_(optional_null) X_(seq0) X_(seq_neg) X_(mem0) X_(mem_neg) X_(over_max) X_(int_max) \
    X_(heads3) X_(dff0) X_(dmodel_mismatch) X_(nlayers0) X_(act_bad) X_(eps0) X_(eps_nan) \
    X_(win_neg) X_(win_max) X_(causal0) X_(position_bad) X_(scale_nan) X_(scale_inf) X_(embnorm) X_(embnorm_nullw) X_(vocab0) X_(src_vocab_neg) \
    X_(max0) X_(max_tgt_neg) X_(kv_layers0) X_(kv_d_neg) X_(kv_len0) X_(kv_mem_neg) \
    X_(kv_mem0) X_(kv_huge) X_(store_short) X_(store_tiny) X_(arena_short) X_(arena_tiny) \
    X_(cache_full) X_(no_memory) X_(cache_layers) X_(cache_width) X_(cache_s8) \
    X_(cache_mem_small) X_(cache_len_small) X_(cache_big) X_(token_oov) X_(token_neg) \
    X_(src_oov) X_(bos_oov) X_(prompt_oov) X_(src_len0) X_(src_len_big) X_(max_out0) \
    X_(max_out_big) X_(prompt_len0) X_(prompt_long) X_(eos_first) X_(pad_all) X_(x_nan) \
    X_(front_feat) X_(front_patch) X_(patch_bad) X_(patch_count) X_(front_w_null) \
    X_(front_cls) X_(cls_null) X_(cls_long) X_(front_seg) X_(seg_null) X_(segs_ids_null) \
    X_(seg_oov) X_(seg_neg) X_(front_all) X_(both_inputs) X_(input_plain) X_(tokens_feat) \
    X_(feat_nan)
#define DX_ENUM_OP(s, name) DOP_##s,
#define DX_ENUM_MUT(m) DMUT_##m,
#define DX_OP_ENTRY(s, name) {#name, dop_##s},
#define DX_MUT_ENTRY(m) {#m, dm_##m},
enum { DX_OPS(DX_ENUM_OP) N_DX_OPS };
enum { DX_MUTS(DX_ENUM_MUT) N_DX_MUTS };
static const bad_op k_dx_ops[] = {DX_OPS(DX_OP_ENTRY)};
static const bad_mut k_dx_muts[] = {DX_MUTS(DX_MUT_ENTRY)};

#define DR(op, mut, want) {DOP_##op, DMUT_##mut, want, 0}
#define DK(op, mut, want) {DOP_##op, DMUT_##mut, want, BAD_KNOWN}
#define FUL ATTN_ERR_FULL

static const bad_row k_dx_rows[] = {
    /* attn_decoder_layer_scratch_f32 / attn_decoder_scratch_f32 */
    DR(dl_scratch, none, OK), DR(dl_scratch, out_null, NUL), DR(dl_scratch, cfg_null, NUL),
    DR(dl_scratch, seq0, SHP), DR(dl_scratch, mem0, SHP), DR(dl_scratch, mem_neg, SHP),
    DR(dl_scratch, heads3, SHP), DR(dl_scratch, dff0, SHP), DR(dl_scratch, over_max, SHP),
    DR(dl_scratch, int_max, SHP), DR(dl_scratch, act_bad, RNG), DR(dl_scratch, eps_nan, RNG),
    DR(dec_scratch, none, OK), DR(dec_scratch, out_null, NUL), DR(dec_scratch, cfg_null, NUL),
    DR(dec_scratch, seq_neg, SHP), DR(dec_scratch, mem0, SHP), DR(dec_scratch, heads3, SHP),
    DR(dec_scratch, over_max, SHP), DR(dec_scratch, int_max, SHP), DR(dec_scratch, eps0, RNG),
    /* attn_decoder_layer_f32 / attn_decoder_f32 */
    DR(dl, none, OK), DR(dl, x_null, NUL), DR(dl, mem_null, NUL), DR(dl, cfg_null, NUL),
    DR(dl, w_null, NUL), DR(dl, arena_null, NUL), DR(dl, sa_wq_null, NUL), DR(dl, ca_wk_null, NUL),
    DR(dl, ff2_null, NUL), DR(dl, seq0, SHP), DR(dl, seq_neg, SHP), DR(dl, mem0, SHP),
    DR(dl, heads3, SHP), DR(dl, dff0, SHP), DR(dl, over_max, SHP), DR(dl, int_max, SHP),
    DR(dl, act_bad, RNG), DR(dl, eps0, RNG), DR(dl, eps_nan, RNG), DR(dl, arena_short, ARN),
    DR(dl, arena_tiny, ARN), DR(dl, optional_null, OK), DR(dl, causal0, OK), DR(dl, pad_all, OK),
    DR(dl, x_nan, OK),
    DR(dec, none, OK), DR(dec, x_null, NUL), DR(dec, mem_null, NUL), DR(dec, cfg_null, NUL),
    DR(dec, w_null, NUL), DR(dec, arena_null, NUL), DR(dec, layers_null, NUL),
    DR(dec, sa_wq_null, NUL), DR(dec, layer2_null, NUL), DR(dec, seq0, SHP), DR(dec, mem_neg, SHP),
    DR(dec, heads3, SHP), DR(dec, nlayers0, SHP), DR(dec, over_max, SHP), DR(dec, int_max, SHP),
    DR(dec, act_bad, RNG), DR(dec, eps_nan, RNG), DR(dec, arena_short, ARN),
    DR(dec, arena_tiny, ARN), DR(dec, optional_null, OK), DR(dec, causal0, OK),
    DR(dec, pad_all, OK), DR(dec, x_nan, OK),
    /* the cache */
    DR(kv_bytes, none, OK), DR(kv_bytes, out_null, NUL), DR(kv_bytes, kv_layers0, SHP),
    DR(kv_bytes, kv_d_neg, SHP), DR(kv_bytes, kv_len0, SHP), DR(kv_bytes, kv_mem_neg, SHP),
    DR(kv_bytes, kv_mem0, OK), DR(kv_bytes, over_max, SHP), DR(kv_bytes, int_max, SHP),
    DR(kv_bytes, kv_huge, BIG),
    DR(kv_init, none, OK), DR(kv_init, cache_null, NUL), DR(kv_init, store_null, NUL),
    DR(kv_init, kv_layers0, SHP), DR(kv_init, kv_d_neg, SHP), DR(kv_init, kv_len0, SHP),
    DR(kv_init, kv_mem_neg, SHP), DR(kv_init, kv_mem0, OK), DR(kv_init, over_max, SHP),
    DR(kv_init, int_max, SHP), DR(kv_init, kv_huge, BIG), DR(kv_init, store_short, ARN),
    DR(kv_init, store_tiny, ARN),
    DR(kv_reset, none, OK), DR(kv_reset, cache_null, NUL),
    DR(dec_memory, none, OK), DR(dec_memory, cache_null, NUL), DR(dec_memory, mem_null, NUL),
    DR(dec_memory, cfg_null, NUL), DR(dec_memory, w_null, NUL), DR(dec_memory, ca_wk_null, NUL),
    DR(dec_memory, layer2_null, NUL), DR(dec_memory, mem0, SHP), DR(dec_memory, mem_neg, SHP),
    DR(dec_memory, over_max, SHP), DR(dec_memory, heads3, SHP), DR(dec_memory, nlayers0, SHP),
    DR(dec_memory, cache_layers, SHP), DR(dec_memory, cache_width, SHP),
    DR(dec_memory, cache_s8, SHP), DR(dec_memory, cache_mem_small, SHP),
    DR(dec_memory, eps_nan, RNG), DR(dec_memory, pad_all, OK), DR(dec_memory, x_nan, OK),
    /* steps */
    DR(step_scratch, none, OK), DR(step_scratch, out_null, NUL), DR(step_scratch, cfg_null, NUL),
    DR(step_scratch, kv_len0, SHP), DR(step_scratch, kv_mem_neg, SHP),
    DR(step_scratch, kv_mem0, SHP) /* a decoder reads a memory */, DR(step_scratch, heads3, SHP), DR(step_scratch, over_max, SHP),
    DR(step_scratch, int_max, SHP), DR(step_scratch, act_bad, RNG),
    DR(step, none, OK), DR(step, x_null, NUL), DR(step, cache_null, NUL), DR(step, cfg_null, NUL),
    DR(step, w_null, NUL), DR(step, arena_null, NUL), DR(step, sa_wq_null, NUL),
    DR(step, layer2_null, NUL), DR(step, heads3, SHP), DR(step, nlayers0, SHP),
    DR(step, no_memory, SHP), DR(step, cache_layers, SHP), DR(step, cache_width, SHP),
    DR(step, cache_s8, SHP), DR(step, act_bad, RNG), DR(step, eps0, RNG),
    DR(step, causal0, RNG), DR(step, cache_full, FUL), DR(step, arena_short, ARN),
    DR(step, arena_tiny, ARN), DR(step, optional_null, OK), DR(step, pad_all, OK),
    DR(estep_scratch, none, OK), DR(estep_scratch, out_null, NUL), DR(estep_scratch, cfg_null, NUL),
    DR(estep_scratch, kv_len0, SHP), DR(estep_scratch, heads3, SHP),
    DR(estep_scratch, over_max, SHP), DR(estep_scratch, eps_nan, RNG),
    DR(dl, win_neg, RNG), DR(dl, win_max, OK), DR(dec, win_neg, RNG), DR(dec, win_max, OK),
    DR(step, win_neg, RNG), DR(step, win_max, OK), DR(estep, win_neg, RNG), DR(estep, win_max, OK),
    DR(estep, none, OK), DR(estep, x_null, NUL), DR(estep, cache_null, NUL), DR(estep, cfg_null, NUL),
    DR(estep, w_null, NUL), DR(estep, arena_null, NUL), DR(estep, sa_wq_null, NUL),
    DR(estep, layer2_null, NUL), DR(estep, layers_null, NUL), DR(estep, heads3, SHP),
    DR(estep, nlayers0, SHP), DR(estep, cache_layers, SHP), DR(estep, cache_width, SHP),
    DR(estep, cache_s8, SHP), DR(estep, act_bad, RNG), DR(estep, causal0, RNG),
    DR(estep, cache_full, FUL), DR(estep, arena_short, ARN), DR(estep, arena_tiny, ARN),
    DR(estep, cache_mem_small, OK), DR(estep, optional_null, OK),
    /* encoder-decoder */
    DR(s2s_scratch, none, OK), DR(s2s_scratch, out_null, NUL), DR(s2s_scratch, cfg_null, NUL),
    DR(s2s_scratch, heads3, SHP), DR(s2s_scratch, dmodel_mismatch, SHP),
    DR(s2s_scratch, vocab0, SHP), DR(s2s_scratch, src_vocab_neg, SHP), DR(s2s_scratch, max0, SHP),
    DR(s2s_scratch, max_tgt_neg, SHP), DR(s2s_scratch, act_bad, RNG),
    DR(s2s_scratch, causal0, RNG), DR(s2s_scratch, position_bad, RNG),
    DR(s2s_scratch, scale_nan, RNG),
    DR(s2s_encode, none, OK), DR(s2s_encode, embnorm, OK), DR(s2s_encode, embnorm_nullw, OK), DR(s2s_encode, cache_null, NUL), DR(s2s_encode, src_null, NUL),
    DR(s2s_encode, cfg_null, NUL), DR(s2s_encode, w_null, NUL), DR(s2s_encode, arena_null, NUL),
    DR(s2s_encode, embed_null, NUL), DR(s2s_encode, layer2_null, NUL),
    DR(s2s_encode, outw_null, NUL), DR(s2s_encode, pos_null, NUL),
    DR(s2s_encode, heads3, SHP), DR(s2s_encode, dmodel_mismatch, SHP),
    DR(s2s_encode, nlayers0, SHP), DR(s2s_encode, src_len0, SHP),
    DR(s2s_encode, src_len_big, SHP), DR(s2s_encode, cache_layers, SHP),
    DR(s2s_encode, cache_width, SHP), DR(s2s_encode, cache_s8, SHP),
    DR(s2s_encode, cache_mem_small, SHP), DR(s2s_encode, causal0, RNG),
    DR(s2s_encode, position_bad, RNG), DR(s2s_encode, scale_inf, RNG),
    DR(s2s_encode, src_oov, RNG), DR(s2s_encode, arena_short, ARN),
    DR(s2s_encode, arena_tiny, ARN), DR(s2s_encode, nopos_null, OK),
    DR(s2s_encode, sinpos_null, OK), DR(s2s_encode, optional_null, OK),
    DR(s2s_encode, cache_big, OK),
    DR(s2s_step, none, OK), DR(s2s_step, embnorm, OK), DR(s2s_step, embnorm_nullw, OK), DR(s2s_step, out_null, NUL), DR(s2s_step, cache_null, NUL),
    DR(s2s_step, cfg_null, NUL), DR(s2s_step, w_null, NUL), DR(s2s_step, arena_null, NUL),
    DR(s2s_step, tgt_embed_null, NUL), DR(s2s_step, outw_null, NUL),
    DR(s2s_step, heads3, SHP), DR(s2s_step, vocab0, SHP), DR(s2s_step, no_memory, SHP),
    DR(s2s_step, cache_layers, SHP), DR(s2s_step, cache_s8, SHP), DR(s2s_step, causal0, RNG),
    DR(s2s_step, token_oov, RNG), DR(s2s_step, token_neg, RNG), DR(s2s_step, cache_full, FUL),
    DR(s2s_step, arena_tiny, ARN), DR(s2s_step, optional_null, OK),
    DR(s2s_step, cache_big, OK),
    DR(s2s_greedy, none, OK), DR(s2s_greedy, embnorm, OK), DR(s2s_greedy, embnorm_nullw, OK), DR(s2s_greedy, out_null, NUL), DR(s2s_greedy, nout_null, NUL),
    DR(s2s_greedy, src_null, NUL), DR(s2s_greedy, cache_null, NUL), DR(s2s_greedy, cfg_null, NUL),
    DR(s2s_greedy, w_null, NUL), DR(s2s_greedy, arena_null, NUL),
    DR(s2s_greedy, layer2_null, NUL), DR(s2s_greedy, heads3, SHP), DR(s2s_greedy, src_len0, SHP),
    DR(s2s_greedy, src_len_big, SHP), DR(s2s_greedy, max_out0, SHP),
    DR(s2s_greedy, max_out_big, SHP), DR(s2s_greedy, cache_len_small, SHP),
    DR(s2s_greedy, cache_mem_small, SHP), DR(s2s_greedy, cache_layers, SHP),
    DR(s2s_greedy, eps_nan, RNG), DR(s2s_greedy, causal0, RNG), DR(s2s_greedy, src_oov, RNG),
    DR(s2s_greedy, bos_oov, RNG), DR(s2s_greedy, arena_short, ARN),
    DR(s2s_greedy, arena_tiny, ARN), DR(s2s_greedy, eos_first, OK),
    DR(s2s_greedy, cache_big, OK),
    /* decoder-only */
    DR(lm_scratch, none, OK), DR(lm_scratch, out_null, NUL), DR(lm_scratch, cfg_null, NUL),
    DR(lm_scratch, heads3, SHP), DR(lm_scratch, vocab0, SHP), DR(lm_scratch, max0, SHP),
    DR(lm_scratch, act_bad, RNG),
    DR(lm_step, none, OK), DR(lm_step, embnorm, OK), DR(lm_step, embnorm_nullw, OK), DR(lm_step, out_null, NUL), DR(lm_step, cache_null, NUL),
    DR(lm_step, cfg_null, NUL), DR(lm_step, w_null, NUL), DR(lm_step, arena_null, NUL),
    DR(lm_step, embed_null, NUL), DR(lm_step, pos_null, NUL), DR(lm_step, outw_null, NUL),
    DR(lm_step, layers_null, NUL), DR(lm_step, heads3, SHP), DR(lm_step, vocab0, SHP),
    DR(lm_step, max0, SHP), DR(lm_step, nlayers0, SHP), DR(lm_step, cache_layers, SHP),
    DR(lm_step, cache_width, SHP), DR(lm_step, cache_s8, SHP), DR(lm_step, causal0, RNG),
    DR(lm_step, position_bad, RNG), DR(lm_step, scale_nan, RNG), DR(lm_step, token_oov, RNG),
    DR(lm_step, token_neg, RNG), DR(lm_step, cache_full, FUL), DR(lm_step, arena_tiny, ARN),
    DR(lm_step, nopos_null, OK), DR(lm_step, sinpos_null, OK), DR(lm_step, optional_null, OK),
    DR(lm_step, cache_big, OK),
    DR(s2s_greedy, win_neg, RNG), DR(s2s_greedy, win_max, OK), DR(lm_greedy, win_neg, RNG),
    DR(lm_greedy, win_max, OK), DR(lm_step, win_neg, RNG), DR(s2s_step, win_neg, RNG),
    DR(lm_greedy, none, OK), DR(lm_greedy, embnorm, OK), DR(lm_greedy, embnorm_nullw, OK), DR(lm_greedy, out_null, NUL), DR(lm_greedy, nout_null, NUL),
    DR(lm_greedy, prompt_null, NUL), DR(lm_greedy, cache_null, NUL), DR(lm_greedy, cfg_null, NUL),
    DR(lm_greedy, w_null, NUL), DR(lm_greedy, arena_null, NUL), DR(lm_greedy, heads3, SHP),
    DR(lm_greedy, prompt_len0, SHP), DR(lm_greedy, prompt_long, SHP),
    DR(lm_greedy, max_out0, SHP), DR(lm_greedy, cache_len_small, SHP),
    DR(lm_greedy, cache_layers, SHP), DR(lm_greedy, causal0, RNG),
    DR(lm_greedy, prompt_oov, RNG), DR(lm_greedy, arena_short, ARN),
    DR(lm_greedy, arena_tiny, ARN), DR(lm_greedy, eos_first, OK), DR(lm_greedy, cache_full, OK),
    DR(lm_greedy, cache_big, OK),
    /* the source's front ends: encode_ex takes any source, the plain
       encode and greedy refuse a front end, a step runs after any */
    DR(s2s_encode_ex, none, OK), DR(s2s_encode_ex, front_feat, OK),
    DR(s2s_encode_ex, front_patch, OK), DR(s2s_encode_ex, front_cls, OK),
    DR(s2s_encode_ex, front_seg, OK), DR(s2s_encode_ex, segs_ids_null, OK),
    DR(s2s_encode_ex, front_all, OK), DR(s2s_encode_ex, feat_nan, OK),
    DR(s2s_encode_ex, embnorm, OK), DR(s2s_encode_ex, cache_big, OK),
    DR(s2s_encode_ex, cache_null, NUL), DR(s2s_encode_ex, src_null, NUL),
    DR(s2s_encode_ex, both_inputs, NUL), DR(s2s_encode_ex, cfg_null, NUL),
    DR(s2s_encode_ex, w_null, NUL), DR(s2s_encode_ex, arena_null, NUL),
    DR(s2s_encode_ex, front_w_null, NUL), DR(s2s_encode_ex, cls_null, NUL),
    DR(s2s_encode_ex, seg_null, NUL), DR(s2s_encode_ex, embed_null, NUL),
    DR(s2s_encode_ex, layer2_null, NUL), DR(s2s_encode_ex, heads3, SHP),
    DR(s2s_encode_ex, src_len0, SHP), DR(s2s_encode_ex, src_len_big, SHP),
    DR(s2s_encode_ex, cls_long, SHP), DR(s2s_encode_ex, patch_bad, SHP),
    DR(s2s_encode_ex, patch_count, SHP), DR(s2s_encode_ex, seg_neg, NUL) /* no table */,
    DR(s2s_encode_ex, input_plain, SHP), DR(s2s_encode_ex, tokens_feat, SHP),
    DR(s2s_encode_ex, cache_mem_small, SHP), DR(s2s_encode_ex, cache_layers, SHP),
    DR(s2s_encode_ex, causal0, RNG), DR(s2s_encode_ex, src_oov, RNG),
    DR(s2s_encode_ex, seg_oov, RNG), DR(s2s_encode_ex, scale_nan, RNG),
    DR(s2s_encode_ex, arena_short, ARN), DR(s2s_encode_ex, arena_tiny, ARN),
    DR(s2s_encode, front_cls, SHP), DR(s2s_encode, front_seg, SHP),
    DR(s2s_greedy, front_seg, SHP), DR(s2s_greedy, front_cls, SHP),
    DR(s2s_scratch, front_patch, OK), DR(s2s_scratch, seg_neg, SHP),
    DR(s2s_step, front_feat, OK), DR(s2s_step, front_all, OK), DR(s2s_step, front_w_null, NUL),
    DR(s2s_generate, none, OK), DR(s2s_generate, front_patch, OK),
    DR(s2s_generate, eos_first, OK), DR(s2s_generate, cache_full, OK),
    DR(s2s_generate, cache_big, OK), DR(s2s_generate, out_null, NUL),
    DR(s2s_generate, nout_null, NUL), DR(s2s_generate, cache_null, NUL),
    DR(s2s_generate, cfg_null, NUL), DR(s2s_generate, w_null, NUL),
    DR(s2s_generate, arena_null, NUL), DR(s2s_generate, cls_null, NUL),
    DR(s2s_generate, heads3, SHP), DR(s2s_generate, no_memory, SHP),
    DR(s2s_generate, max_out0, SHP), DR(s2s_generate, max_out_big, SHP),
    DR(s2s_generate, cache_len_small, SHP), DR(s2s_generate, cache_s8, SHP),
    DR(s2s_generate, causal0, RNG), DR(s2s_generate, bos_oov, RNG),
    DR(s2s_generate, arena_tiny, ARN),
};

/* ---- the table's hooks ----------------------------------------------------------- */

static void dx_layout(void)
{
    attn_encoder_cfg c = {0};
    attn_seq2seq_cfg s = {0};
    attn_lm_cfg m = {0};
    size_t q[6] = {0, 0, 0, 0, 0, 0};
    int i;
    memset(&c, 0, sizeof c);
    c.d_model = XD; c.n_heads = XH; c.d_ff = XF; c.activation = ATTN_ACT_GELU; c.causal = 1;
    c.eps = 1e-5f;
    memset(&s, 0, sizeof s);
    s.encoder = c; s.encoder.causal = 0; s.decoder = c; s.src_vocab = XSV; s.tgt_vocab = XTV;
    s.max_src = s.max_tgt = XMAX; s.position = ATTN_POS_LEARNED; s.embed_scale = 2.0f;
    memset(&m, 0, sizeof m);
    m.layers = c; m.vocab = XTV; m.max_len = XMAX; m.position = ATTN_POS_LEARNED;
    attn_decoder_scratch_f32(&c, XS, XM, &q[0]);
    attn_decoder_step_scratch_f32(&c, XBIG, XBIG, &q[1]);
    attn_encoder_step_scratch_f32(&c, XBIG, &q[2]);
    attn_seq2seq_scratch_f32(&s, &q[3]);
    attn_lm_scratch_f32(&m, &q[4]);
    attn_decoder_layer_scratch_f32(&c, XS, XM, &q[5]);
    /* every query, and the arm hook's own calls (steps in the "big" caches) */
    g_xmem_bytes = 0;
    for (i = 0; i < 6; i++)
        if (q[i] > g_xmem_bytes) g_xmem_bytes = q[i];
    g_xmem_bytes += 128;
    attn_kv_cache_bytes_f32(XL, XD, XBIG, XBIG, &g_xcbytes);
    X = (dx *)check_plan_take(sizeof *X);
    g_xw = (float *)check_plan_take(dx_weight_floats() * sizeof(float));
    g_xin = (float *)check_plan_take(XIN_N * sizeof(float));
    g_xnan = (float *)check_plan_take(XIN_N * sizeof(float));
    g_xmem = (unsigned char *)check_plan_take(g_xmem_bytes);
    g_xio = (float *)bad_watch(XS * XD * sizeof(float), BAD_KEEP);
    g_xout = (float *)bad_watch(XTV * sizeof(float), BAD_OUT);
    g_xtoks = (int *)bad_watch((XMAX + 1) * sizeof(int), BAD_OUT);
    g_xcbuf = (unsigned char *)bad_watch(g_xcbytes, BAD_KEEP);
    g_xo = (dx_out *)bad_watch(sizeof(dx_out), BAD_OUT);
}

static void dx_setup(void)
{
    int i;
    check_seed(1010);
    check_fill(g_xw, dx_weight_floats(), -0.5f, 0.5f);
    check_fill(g_xin, XIN_N, -1.0f, 1.0f);
    memcpy(g_xnan, g_xin, XIN_N * sizeof(float));
    g_xnan[1] = NAN;
    for (i = 0; i < XMAX; i++) {
        g_xpad[i] = (uint8_t)(i == 1);
        g_xpad_all[i] = 1;
    }
}

static int dx_is_arena_call(int op)
{
    return op == DOP_dl || op == DOP_dec || op == DOP_step || op == DOP_estep ||
           op == DOP_s2s_encode || op == DOP_s2s_step || op == DOP_s2s_greedy ||
           op == DOP_s2s_encode_ex || op == DOP_s2s_generate || op == DOP_lm_step ||
           op == DOP_lm_greedy;
}

/* calls whose need is their query exactly (the models' steps need less) */
static int dx_exact(int op)
{
    return op != DOP_s2s_step && op != DOP_lm_step && op != DOP_s2s_generate;
}

static size_t dx_query(int op)
{
    size_t b = 0;
    attn_status st = ATTN_ERR_RANGE;
    if (op == DOP_dl) st = attn_decoder_layer_scratch_f32(&X->cfg_ok, XS, XM, &b);
    if (op == DOP_dec) st = attn_decoder_scratch_f32(&X->cfg_ok, XS, XM, &b);
    if (op == DOP_step) st = attn_decoder_step_scratch_f32(&X->cfg_ok, XMAX, XMAX, &b);
    if (op == DOP_estep) st = attn_encoder_step_scratch_f32(&X->cfg_ok, XMAX, &b);
    if (op == DOP_s2s_encode || op == DOP_s2s_step || op == DOP_s2s_greedy ||
        op == DOP_s2s_encode_ex || op == DOP_s2s_generate) {
        /* the row's own source (a patch buffer), else the unbroken one's */
        st = X->s2sp ? attn_seq2seq_scratch_f32(X->s2sp, &b) : ATTN_ERR_NULL;
        if (st != ATTN_OK) st = attn_seq2seq_scratch_f32(&X->s2s_ok, &b);
    }
    if (op == DOP_lm_step || op == DOP_lm_greedy) st = attn_lm_scratch_f32(&X->lm_ok, &b);
    return st == ATTN_OK && b <= g_xmem_bytes ? b : g_xmem_bytes;
}

/* The cache the call finds: X->c_* shape; for a decoder step its memory
   set, for a seq2seq step a source encoded (unless no_memory); filled to
   max_len for cache_full. Made with the unbroken configuration and
   weights (of the cache's layer count). */
static void dx_make_cache(int op)
{
    dx_out *o = g_xo;
    attn_arena *a = &o->arena;
    attn_decoder_weights_f32 dw = X->dw;
    attn_encoder_weights_f32 ew = X->ew;
    attn_seq2seq_weights_f32 sw = X->sw;
    attn_lm_weights_f32 lw = X->lw;
    int i, c_layers = X->c_layers;
    attn_status st;
    attn_arena_init(&o->store, g_xcbuf, g_xcbytes);
    attn_arena_init(a, g_xmem, g_xmem_bytes);
    st = X->c_s8 ? attn_kv_cache_init_s8(&o->cache, c_layers, X->c_d, X->c_len, X->c_mem, &o->store)
                 : attn_kv_cache_init_f32(&o->cache, c_layers, X->c_d, X->c_len, X->c_mem, &o->store);
    memset(g_xcbuf, 0, g_xcbytes);
    if (st != ATTN_OK || X->c_s8 || X->c_d != XD) return;
    /* the unbroken fixture's weights, cut to the cache's layers */
    dw.n_layers = ew.n_layers = c_layers;
    sw.decoder.n_layers = c_layers;
    lw.layers.n_layers = c_layers;
    if (op == DOP_step || op == DOP_kv_reset) {
        if (X->c_state != 2)
            st = attn_decoder_memory_f32(&o->cache, g_xin, XM, g_xpad, &X->cfg_ok, &dw);
        if (X->c_state == 1 || op == DOP_kv_reset)
            for (i = 0; i < o->cache.max_len && st == ATTN_OK; i++) {
                memcpy(g_xio, g_xin + 8, XD * sizeof(float));
                st = attn_decoder_step_f32(g_xio, &o->cache, &X->cfg_ok, &dw, a);
            }
    } else if (op == DOP_estep && X->c_state == 1) {
        for (i = 0; i < o->cache.max_len && st == ATTN_OK; i++) {
            memcpy(g_xio, g_xin + 8, XD * sizeof(float));
            st = attn_encoder_step_f32(g_xio, &o->cache, &X->cfg_ok, &ew, a);
        }
    } else if (op == DOP_s2s_step || op == DOP_s2s_generate) {
        if (X->c_state != 2) st = attn_seq2seq_encode_f32(&o->cache, g_xsrc, XM, &X->s2s_ok, &sw, a);
        if (X->c_state == 1)
            for (i = 0; i < XMAX && st == ATTN_OK; i++)
                st = attn_seq2seq_step_f32(g_xout, 1, &o->cache, &X->s2s_ok, &sw, a);
    } else if ((op == DOP_lm_step || op == DOP_lm_greedy) && X->c_state == 1) {
        for (i = 0; i < XMAX && st == ATTN_OK; i++)
            st = attn_lm_step_f32(g_xout, 1, &o->cache, &X->lm_ok, &lw, a);
    }
    (void)st;
}

static void dx_arm(int op)
{
    size_t n;
    X->need = 0;
    if (op != DOP_kv_init && op != DOP_kv_bytes) dx_make_cache(op);
    if (op == DOP_kv_init) {
        size_t b = 0; /* what the call should take: its bytes query (0 if it fails) */
        attn_kv_cache_bytes_f32(X->n_layers, X->d, X->max_len, X->max_mem, &b);
        X->need = b;
        n = X->store_mode == 1 ? b - 1 : X->store_mode == 2 ? ATTN_ALIGN - 1 : g_xcbytes;
        attn_arena_init(&g_xo->store, g_xcbuf, n);
    }
    if (dx_is_arena_call(op)) X->need = dx_query(op);
    n = !dx_is_arena_call(op) ? g_xmem_bytes
        : X->arena_mode == 1 ? X->need - 1
        : X->arena_mode == 2 ? ATTN_ALIGN - 1 : X->need;
    attn_arena_init(&g_xo->arena, g_xmem, n);
    check_fill(g_xio, XS * XD, -1.0f, 1.0f);
    if (X->mem == g_xnan) g_xio[2] = NAN;
}

static int dx_ok_extra(int op)
{
    const attn_arena *a = &g_xo->arena;
    if (op == DOP_kv_init)
        return X->store_mode != 0 || (g_xo->store.used == X->need && g_xo->store.high_water == X->need);
    if (!dx_is_arena_call(op)) return 1;
    return a->used == 0 && (dx_exact(op) ? a->high_water == X->need : a->high_water <= X->need);
}

const bad_table bad_table_dec_f32 = {
    "decoder, KV cache and generation, float", k_dx_ops, N_DX_OPS, k_dx_muts, N_DX_MUTS,
    k_dx_rows, N_OF(k_dx_rows), dx_layout, dx_setup, dx_init, dx_arm, dx_ok_extra};

/* ==== the decoder half's quantizers ===========================================
   attn_quantize_decoder_s8, attn_quantize_seq2seq_store_bytes /
   attn_quantize_seq2seq_s8, attn_quantize_lm_store_bytes /
   attn_quantize_lm_s8 on the float decoder table's fixture (its weights,
   configurations, NaN data and mutations), calibrated on one sequence. The
   store and scratch each call needs are measured by an unbroken call into
   copies (the seq2seq and lm stores are also their exact queries); the
   rows give exactly that, or one byte less. On any error every output
   (the parameters, the qparams) and both arenas are unchanged. */

typedef struct dxq_out {
    size_t bytes;
    attn_decoder_s8_params dec8;
    attn_seq2seq_s8_params s2s8;
    attn_lm_s8_params lm8;
    attn_qparams in_q, mem_q, out_q;
    attn_arena store, scratch;
} dxq_out;

/* more than the calls take (measured: seq2seq 6,880 B of store and 2,160 B
   of scratch on a 64-bit host); the valid rows check that they were enough */
#define DXQ_STORE 7680
#define DXQ_SCRATCH 4096
static dxq_out *g_dqo;
static unsigned char *g_dqstore, *g_dqscratch;
static const int g_dq_src[XMAX] = {1, 4, 0}, g_dq_src_len[1] = {XMAX}, g_dq_src_len0[1] = {0};
static const int g_dq_tgt[XMAX] = {2, 5, 3}, g_dq_tgt_len[1] = {XMAX}, g_dq_tgt_big[1] = {XMAX + 1};
static const int g_dq_bad_tok[XMAX] = {1, 9, 0};
static const int g_dq_src_len2[1] = {XMAX - 1}, g_dq_seg[XMAX] = {1, 0, 1}, g_dq_seg_bad[XMAX] = {0, 3, 0};

static void dxq_init(void)
{
    dx_init();
    X->qo = g_dqo;
    X->dec8p = &g_dqo->dec8; X->s2s8p = &g_dqo->s2s8; X->lm8p = &g_dqo->lm8;
    X->inqp = &g_dqo->in_q; X->memqp = &g_dqo->mem_q; X->outqp = &g_dqo->out_q;
    X->calib = g_xin; X->calib_mem = g_xin + XS * XD; X->calib_pad = NULL;
    X->n_calib = 1; X->q_seq = XS; X->q_mem = XM;
    X->csrc = g_dq_src; X->csrc_len = g_dq_src_len; X->ctgt = g_dq_tgt; X->ctgt_len = g_dq_tgt_len;
    X->qstorep = &g_dqo->store; X->qscratchp = &g_dqo->scratch;
}

static attn_status dqop_dec(void)
{
    return attn_quantize_decoder_s8(X->dec8p, X->inqp, X->memqp, X->outqp, X->cfgp, X->dwp, X->calib,
                                    X->calib_pad, X->calib_mem, X->mpad, X->n_calib, X->q_seq,
                                    X->q_mem, X->qstorep, X->qscratchp);
}
static attn_status dqop_s2s_bytes(void) { return attn_quantize_seq2seq_store_bytes(X->s2sp, X->swp, X->bytesp ? &g_dqo->bytes : NULL); }
static attn_status dqop_s2s(void)
{
    return attn_quantize_seq2seq_s8(X->s2s8p, X->s2sp, X->swp, X->csrc, X->csrc_len, X->ctgt,
                                    X->ctgt_len, X->n_calib, X->qstorep, X->qscratchp);
}
static attn_status dqop_s2s_ex(void)
{
    return attn_quantize_seq2seq_ex_s8(X->s2s8p, X->s2sp, X->swp, X->cin, X->csrc, X->cseg,
                                       X->csrc_len, X->ctgt, X->ctgt_len, X->n_calib, X->qstorep,
                                       X->qscratchp);
}
static attn_status dqop_lm_bytes(void) { return attn_quantize_lm_store_bytes(X->lmp, X->lmwp, X->bytesp ? &g_dqo->bytes : NULL); }
static attn_status dqop_lm(void)
{
    return attn_quantize_lm_s8(X->lm8p, X->lmp, X->lmwp, X->ctgt, X->ctgt_len, X->n_calib,
                               X->qstorep, X->qscratchp);
}

static void dqm_none(void) {}
static void dqm_out_null(void) { X->dec8p = NULL; X->s2s8p = NULL; X->lm8p = NULL; X->bytesp = NULL; }
static void dqm_inq_null(void) { X->inqp = NULL; }
static void dqm_memq_null(void) { X->memqp = NULL; }
static void dqm_outq_null(void) { X->outqp = NULL; }
static void dqm_calib_null(void) { X->calib = NULL; X->csrc = NULL; X->ctgt = NULL; }
static void dqm_calib_mem_null(void) { X->calib_mem = NULL; }
static void dqm_len_null(void) { X->csrc_len = NULL; X->ctgt_len = NULL; }
static void dqm_store_null(void) { X->qstorep = NULL; }
static void dqm_scratch_null(void) { X->qscratchp = NULL; }
static void dqm_n_calib0(void) { X->n_calib = 0; }
static void dqm_n_calib_neg(void) { X->n_calib = -1; }
static void dqm_q_seq0(void) { X->q_seq = 0; }
static void dqm_q_mem_neg(void) { X->q_mem = -2; }
static void dqm_src_len0(void) { X->csrc_len = g_dq_src_len0; }
static void dqm_tgt_len_big(void) { X->ctgt_len = g_dq_tgt_big; } /* > max_tgt / max_len */
static void dqm_tok_oov(void) { X->csrc = g_dq_bad_tok; X->ctgt = g_dq_bad_tok; } /* 9 >= 5, 6 */
static void dqm_w_nan(void)
{
    X->dl[0].cross_attn.wk = g_xnan; X->dl[1].self_attn.wq = g_xnan; X->el[1].attn.wq = g_xnan;
}
static void dqm_bias_nan(void) { X->dl[1].ff2_b = g_xnan; }
static void dqm_embed_nan(void) { X->sw.src_embed = g_xnan; X->lw.embed = g_xnan; }
static void dqm_pos_nan(void) { X->sw.tgt_pos = g_xnan; X->lw.pos = g_xnan; }
static void dqm_out_nan(void) { X->sw.out_w = g_xnan; X->lw.out_w = g_xnan; }
static void dqm_calib_nan(void) { X->calib = g_xnan; }
static void dqm_mem_nan(void) { X->calib_mem = g_xnan; }
static void dqm_store_short(void) { X->store_mode = 1; }
static void dqm_store_tiny(void) { X->store_mode = 2; }
static void dqm_scratch_short(void) { X->scratch_mode = 1; }
static void dqm_scratch_tiny(void) { X->scratch_mode = 2; }
/* the source's front ends (attn_quantize_seq2seq_ex_s8): features [3][4]
   or a 1x2x6 image in g_xin, a CLS row, segment ids */
static void dqm_qfeat(void)
{
    X->s2s.src_d_in = XD; X->sw.src_embed_w = X->dl[0].self_attn.wq; X->sw.src_embed_b = g_xin + 20;
    X->cin = g_xin; X->csrc = NULL;
}
static void dqm_qpatch(void)
{
    X->s2s.src_d_in = 4; X->s2s.src_patch = 2; X->s2s.src_channels = 1;
    X->s2s.src_image_h = 2; X->s2s.src_image_w = 6;
    X->sw.src_embed_w = X->dl[0].self_attn.wk; X->cin = g_xin; X->csrc = NULL;
}
static void dqm_qpatch_count(void) { dqm_qpatch(); X->csrc_len = g_dq_src_len2; }
static void dqm_qcls(void)
{
    X->s2s.src_cls_token = 1; X->sw.src_cls_token = g_xin + 24; X->csrc_len = g_dq_src_len2;
}
static void dqm_qcls_long(void) { dqm_qcls(); X->csrc_len = g_dq_src_len; }
static void dqm_qcls_nan(void) { dqm_qcls(); X->sw.src_cls_token = g_xnan; }
static void dqm_qseg(void)
{
    X->s2s.src_segments = 2; X->sw.src_segment_embed = g_xin + 8; X->cseg = g_dq_seg;
}
static void dqm_qseg_oov(void) { dqm_qseg(); X->cseg = g_dq_seg_bad; }
static void dqm_qall(void) { dqm_qcls(); dqm_qseg(); X->s2s.embed_norm = 1; }
static void dqm_qboth(void) { dqm_qfeat(); X->csrc = g_dq_src; }
static void dqm_qnone(void) { X->csrc = NULL; } /* neither features nor tokens */
static void dqm_qtok_feat(void) { dqm_qfeat(); X->cin = NULL; X->csrc = g_dq_src; }
static void dqm_qin_nan(void) { dqm_qfeat(); X->cin = g_xnan; }
static void dqm_qfeat_w_nan(void) { dqm_qfeat(); X->sw.src_embed_w = g_xnan; }
static void dqm_qpatch_store_short(void) { dqm_qpatch(); X->store_mode = 1; }
static void dqm_qpatch_scratch_short(void) { dqm_qpatch(); X->scratch_mode = 1; }
static void dqm_qall_store_short(void) { dqm_qall(); X->store_mode = 1; }
static void dqm_dmodel_s8_big(void) { X->cfg.d_model = 2052; X->s2s.decoder.d_model = X->s2s.encoder.d_model = 2052; X->lm.layers.d_model = 2052; }

#define DQ_OPS(X_) X_(dec, attn_quantize_decoder_s8) \
    X_(s2s_bytes, attn_quantize_seq2seq_store_bytes) X_(s2s, attn_quantize_seq2seq_s8) \
    X_(s2s_ex, attn_quantize_seq2seq_ex_s8) X_(lm_bytes, attn_quantize_lm_store_bytes) X_(lm, attn_quantize_lm_s8)
/* the quantizers' own ways to break things, then the float table's (dm_) */
#define DQ_MUTS(X_) X_(none) X_(out_null) X_(inq_null) X_(memq_null) X_(outq_null) X_(calib_null) \
    X_(calib_mem_null) X_(len_null) X_(store_null) X_(scratch_null) X_(n_calib0) \
    X_(n_calib_neg) X_(q_seq0) X_(q_mem_neg) X_(src_len0) X_(tgt_len_big) X_(tok_oov) \
    X_(w_nan) X_(bias_nan) X_(embed_nan) X_(pos_nan) X_(out_nan) X_(calib_nan) X_(mem_nan) \
    X_(store_short) X_(store_tiny) X_(scratch_short) X_(scratch_tiny) X_(dmodel_s8_big) \
    X_(qfeat) X_(qpatch) X_(qpatch_count) X_(qcls) X_(qcls_long) X_(qcls_nan) X_(qseg) \
    X_(qseg_oov) X_(qall) X_(qboth) X_(qnone) X_(qtok_feat) X_(qin_nan) X_(qfeat_w_nan) \
    X_(qpatch_store_short) X_(qpatch_scratch_short) X_(qall_store_short)
#define DQ_DMUTS(X_) X_(cfg_null) X_(w_null) X_(sa_wq_null) X_(layer2_null) X_(embed_null) \
    X_(pos_null) X_(outw_null) X_(heads3) X_(nlayers0) X_(act_bad) X_(eps_nan) X_(causal0) \
    X_(position_bad) X_(scale_nan) X_(vocab0) X_(max0) X_(dmodel_mismatch) X_(nopos_null) \
    X_(sinpos_null) X_(pad_all)
#define DQ_ENUM_OP(s, name) DQOP_##s,
#define DQ_ENUM_MUT(m) DQMUT_##m,
#define DQ_OP_ENTRY(s, name) {#name, dqop_##s},
#define DQ_MUT_ENTRY(m) {#m, dqm_##m},
#define DQ_DMUT_ENTRY(m) {#m, dm_##m},
enum { DQ_OPS(DQ_ENUM_OP) N_DQ_OPS };
enum { DQ_MUTS(DQ_ENUM_MUT) DQ_DMUTS(DQ_ENUM_MUT) N_DQ_MUTS };
static const bad_op k_dq_ops[] = {DQ_OPS(DQ_OP_ENTRY)};
static const bad_mut k_dq_muts[] = {DQ_MUTS(DQ_MUT_ENTRY) DQ_DMUTS(DQ_DMUT_ENTRY)};

#define QR(op, mut, want) {DQOP_##op, DQMUT_##mut, want, 0}

static const bad_row k_dq_rows[] = {
    QR(dec, none, OK), QR(dec, out_null, NUL), QR(dec, inq_null, NUL), QR(dec, memq_null, NUL),
    QR(dec, outq_null, NUL), QR(dec, calib_null, NUL), QR(dec, calib_mem_null, NUL),
    QR(dec, store_null, NUL), QR(dec, scratch_null, NUL), QR(dec, cfg_null, NUL),
    QR(dec, w_null, NUL), QR(dec, sa_wq_null, NUL), QR(dec, layer2_null, NUL),
    QR(dec, n_calib0, SHP), QR(dec, n_calib_neg, SHP), QR(dec, q_seq0, SHP), QR(dec, q_mem_neg, SHP),
    QR(dec, heads3, SHP), QR(dec, nlayers0, SHP), QR(dec, dmodel_s8_big, SHP),
    QR(dec, act_bad, RNG), QR(dec, eps_nan, RNG), QR(dec, w_nan, RNG), QR(dec, bias_nan, RNG),
    QR(dec, calib_nan, RNG), QR(dec, mem_nan, RNG), QR(dec, store_short, ARN),
    QR(dec, store_tiny, ARN), QR(dec, scratch_short, ARN), QR(dec, scratch_tiny, ARN),
    QR(dec, pad_all, OK),
    QR(s2s_bytes, none, OK), QR(s2s_bytes, out_null, NUL), QR(s2s_bytes, cfg_null, NUL),
    QR(s2s_bytes, w_null, NUL), QR(s2s_bytes, embed_null, NUL), QR(s2s_bytes, pos_null, NUL),
    QR(s2s_bytes, heads3, SHP), QR(s2s_bytes, vocab0, SHP), QR(s2s_bytes, dmodel_mismatch, SHP),
    QR(s2s_bytes, dmodel_s8_big, SHP), QR(s2s_bytes, causal0, RNG),
    QR(s2s_bytes, position_bad, RNG), QR(s2s_bytes, nopos_null, OK), QR(s2s_bytes, sinpos_null, OK),
    QR(s2s, none, OK), QR(s2s, out_null, NUL), QR(s2s, calib_null, NUL), QR(s2s, len_null, NUL),
    QR(s2s, store_null, NUL), QR(s2s, scratch_null, NUL), QR(s2s, cfg_null, NUL),
    QR(s2s, w_null, NUL), QR(s2s, layer2_null, NUL), QR(s2s, outw_null, NUL),
    QR(s2s, n_calib0, SHP), QR(s2s, src_len0, SHP), QR(s2s, tgt_len_big, SHP),
    QR(s2s, heads3, SHP), QR(s2s, max0, SHP), QR(s2s, dmodel_s8_big, SHP), QR(s2s, causal0, RNG),
    QR(s2s, scale_nan, RNG), QR(s2s, tok_oov, RNG), QR(s2s, w_nan, RNG), QR(s2s, embed_nan, RNG),
    QR(s2s, pos_nan, RNG), QR(s2s, out_nan, RNG), QR(s2s, store_short, ARN),
    QR(s2s, store_tiny, ARN), QR(s2s, scratch_short, ARN), QR(s2s, scratch_tiny, ARN),
    QR(s2s, nopos_null, OK), QR(s2s, sinpos_null, OK),
    /* any source: features, an image, a CLS row, segment ids */
    QR(s2s_ex, none, OK), QR(s2s_ex, qfeat, OK), QR(s2s_ex, qpatch, OK), QR(s2s_ex, qcls, OK),
    QR(s2s_ex, qseg, OK), QR(s2s_ex, qall, OK), QR(s2s_ex, sinpos_null, OK),
    QR(s2s_ex, out_null, NUL), QR(s2s_ex, qboth, NUL), QR(s2s_ex, qnone, NUL),
    QR(s2s_ex, len_null, NUL), QR(s2s_ex, store_null, NUL), QR(s2s_ex, scratch_null, NUL),
    QR(s2s_ex, cfg_null, NUL), QR(s2s_ex, w_null, NUL), QR(s2s_ex, layer2_null, NUL),
    QR(s2s_ex, n_calib0, SHP), QR(s2s_ex, src_len0, SHP), QR(s2s_ex, qpatch_count, SHP),
    QR(s2s_ex, qcls_long, SHP), QR(s2s_ex, qtok_feat, SHP), QR(s2s_ex, heads3, SHP),
    QR(s2s_ex, dmodel_s8_big, SHP), QR(s2s_ex, causal0, RNG), QR(s2s_ex, tok_oov, RNG),
    QR(s2s_ex, qseg_oov, RNG), QR(s2s_ex, qcls_nan, RNG), QR(s2s_ex, qin_nan, RNG),
    QR(s2s_ex, qfeat_w_nan, RNG), QR(s2s_ex, w_nan, RNG), QR(s2s_ex, store_short, ARN),
    QR(s2s_ex, scratch_short, ARN), QR(s2s_ex, qpatch_store_short, ARN),
    QR(s2s_ex, qpatch_scratch_short, ARN), QR(s2s_ex, qall_store_short, ARN),
    QR(s2s_ex, store_tiny, ARN), QR(s2s_ex, scratch_tiny, ARN),
    QR(s2s, qcls, SHP), QR(s2s, qfeat, NUL) /* no tokens */, QR(s2s_bytes, qpatch, OK),
    QR(s2s_bytes, qall, OK),
    QR(lm_bytes, none, OK), QR(lm_bytes, out_null, NUL), QR(lm_bytes, cfg_null, NUL),
    QR(lm_bytes, w_null, NUL), QR(lm_bytes, embed_null, NUL), QR(lm_bytes, heads3, SHP),
    QR(lm_bytes, vocab0, SHP), QR(lm_bytes, act_bad, RNG), QR(lm_bytes, causal0, RNG),
    QR(lm_bytes, sinpos_null, OK),
    QR(lm, none, OK), QR(lm, out_null, NUL), QR(lm, calib_null, NUL), QR(lm, len_null, NUL),
    QR(lm, store_null, NUL), QR(lm, scratch_null, NUL), QR(lm, cfg_null, NUL), QR(lm, w_null, NUL),
    QR(lm, outw_null, NUL), QR(lm, n_calib_neg, SHP), QR(lm, tgt_len_big, SHP),
    QR(lm, heads3, SHP), QR(lm, max0, SHP), QR(lm, causal0, RNG), QR(lm, position_bad, RNG),
    QR(lm, tok_oov, RNG), QR(lm, w_nan, RNG), QR(lm, embed_nan, RNG), QR(lm, pos_nan, RNG),
    QR(lm, out_nan, RNG), QR(lm, store_short, ARN), QR(lm, store_tiny, ARN),
    QR(lm, scratch_short, ARN), QR(lm, scratch_tiny, ARN), QR(lm, nopos_null, OK),
};

static void dxq_layout(void)
{
    dx_layout();
    g_dqstore = (unsigned char *)check_plan_take(DXQ_STORE);
    g_dqscratch = (unsigned char *)check_plan_take(DXQ_SCRATCH);
    g_dqo = (dxq_out *)bad_watch(sizeof(dxq_out), BAD_OUT);
}

/* the store and scratch the unbroken call takes (a call into copies) */
static void dxq_needs(int op, size_t *store, size_t *scratch)
{
    dxq_out o;
    attn_status st = ATTN_ERR_RANGE;
    attn_arena_init(&o.store, g_dqstore, DXQ_STORE);
    attn_arena_init(&o.scratch, g_dqscratch, DXQ_SCRATCH);
    if (op == DQOP_dec)
        st = attn_quantize_decoder_s8(&o.dec8, &o.in_q, &o.mem_q, &o.out_q, &X->cfg_ok, &X->dw,
                                      g_xin, NULL, g_xin + XS * XD, g_xpad, 1, XS, XM, &o.store,
                                      &o.scratch);
    if (op == DQOP_s2s)
        st = attn_quantize_seq2seq_s8(&o.s2s8, &X->s2s_ok, &X->sw, g_dq_src, g_dq_src_len, g_dq_tgt,
                                      g_dq_tgt_len, 1, &o.store, &o.scratch);
    if (op == DQOP_s2s_ex) /* the row's own source */
        st = attn_quantize_seq2seq_ex_s8(&o.s2s8, &X->s2s, &X->sw, X->cin, X->csrc, X->cseg,
                                         X->csrc_len, g_dq_tgt, g_dq_tgt_len, 1, &o.store,
                                         &o.scratch);
    if (op == DQOP_lm)
        st = attn_quantize_lm_s8(&o.lm8, &X->lm_ok, &X->lw, g_dq_tgt, g_dq_tgt_len, 1, &o.store,
                                 &o.scratch);
    *store = st == ATTN_OK ? o.store.used : DXQ_STORE;
    *scratch = st == ATTN_OK ? o.scratch.high_water : DXQ_SCRATCH;
}

static void dxq_arm(int op)
{
    size_t store = DXQ_STORE, scratch = DXQ_SCRATCH;
    X->need = 0;
    if (op == DQOP_dec || op == DQOP_s2s || op == DQOP_lm || op == DQOP_s2s_ex) {
        if (X->store_mode || X->scratch_mode) dxq_needs(op, &store, &scratch);
        attn_arena_init(&g_dqo->store, g_dqstore,
                        X->store_mode == 1 ? store - 1 : X->store_mode == 2 ? ATTN_ALIGN - 1 : DXQ_STORE);
        attn_arena_init(&g_dqo->scratch, g_dqscratch,
                        X->scratch_mode == 1 ? scratch - 1
                        : X->scratch_mode == 2 ? ATTN_ALIGN - 1 : DXQ_SCRATCH);
    }
}

/* valid rows: the scratch given back, a store taken (for seq2seq and lm:
   exactly the store query) */
static int dxq_ok_extra(int op)
{
    size_t q = 0;
    if (op == DQOP_s2s || op == DQOP_s2s_ex) attn_quantize_seq2seq_store_bytes(&X->s2s, &X->sw, &q);
    if (op == DQOP_lm) attn_quantize_lm_store_bytes(&X->lm, &X->lw, &q);
    if (op == DQOP_dec) return g_dqo->scratch.used == 0 && g_dqo->store.used > 0;
    if (op == DQOP_s2s || op == DQOP_lm || op == DQOP_s2s_ex)
        return g_dqo->scratch.used == 0 && g_dqo->store.used == q;
    return 1;
}

const bad_table bad_table_dec_quant = {
    "decoder quantizers", k_dq_ops, N_DQ_OPS, k_dq_muts, N_DQ_MUTS, k_dq_rows, N_OF(k_dq_rows),
    dxq_layout, dx_setup, dxq_init, dxq_arm, dxq_ok_extra};
