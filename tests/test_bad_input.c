/* Bad-input tests: every public function, every way its arguments can be
   wrong, the documented status, and nothing written. One fixture holds a
   valid call for every operation; each table row breaks one thing in it.
   Its buffers (~4 KB) come from the RAM pool. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"

enum { S = 4, D = 8, H = 2, FF = 6, NC = 3, OUT_N = S * D + 16,
       IN_N = 2 * S * D, WTS_N = 8 * D * D + 4 * FF * D, IO_N = S * D };
/* The fixture's arena: exactly what its largest call, the model, needs (so
   every valid call also proves that the macro's size is enough). */
#define MEM_BYTES ATTN_MODEL_SCRATCH_F32(S, D, H, FF)

/* Carved from the RAM pool by test_bad_input(). */
static float *g_in;          /* [IN_N] inputs (x, and k/v or xkv after it)  */
static float *g_wts;         /* [WTS_N] every weight of the fixture         */
static float *g_out;         /* [OUT_N] outputs, guarded by a sentinel fill */
static float *g_io;          /* [IO_N] in-place buffer of the encoder ops   */
static float *g_io_before;   /* [IO_N] g_io before the call                 */
static unsigned char *g_mem; /* [MEM_BYTES] the arena's buffer, aligned     */

typedef struct {
    float *out, *io;
    const float *x, *x2, *w, *b, *tab;
    const uint8_t *pad;
    int rows, in, outn, n, seq, d;
    float eps;
    attn_pooling pool;
    attn_mha_cfg mcfg, *mcfgp;
    attn_mha_weights_f32 mw, *mwp;
    attn_encoder_cfg ecfg, *ecfgp;
    attn_encoder_layer_weights_f32 lw[2], *lwp;
    attn_encoder_weights_f32 ew, *ewp;
    attn_model_cfg mdc, *mdcp;
    attn_model_weights_f32 mdw, *mdwp;
    attn_arena arena, *ap;
    void *buf;
    size_t bufsize, bytes, *bytesp, mark;
    int idx, *idxp;
    void *ptr, **ptrp;
} fx;

static void fx_init(fx *f)
{
    const float *w = g_wts;
    size_t dd = (size_t)D * D;
    int l;
    memset(f, 0, sizeof *f);
    f->out = g_out; f->io = g_io; f->x = g_in; f->x2 = g_in + S * D;
    f->w = g_wts; f->b = g_wts + D * D; f->tab = g_in;
    f->pad = NULL;
    f->rows = S; f->in = D; f->outn = D; f->n = S * D; f->seq = S; f->d = D;
    f->eps = 1e-5f; f->pool = ATTN_POOL_MEAN;
    f->mcfg.seq_q = S; f->mcfg.seq_kv = S; f->mcfg.d_model = D; f->mcfg.n_heads = H;
    f->mcfg.causal = 1;
    f->mw.wq = w; f->mw.wk = w + dd; f->mw.wv = w + 2 * dd; f->mw.wo = w + 3 * dd;
    f->mw.bq = f->mw.bk = f->mw.bv = f->mw.bo = w + 4 * dd;
    f->ecfg.d_model = D; f->ecfg.n_heads = H; f->ecfg.d_ff = FF;
    f->ecfg.activation = ATTN_ACT_GELU; f->ecfg.norm_first = 0; f->ecfg.causal = 0;
    f->ecfg.eps = 1e-5f;
    for (l = 0; l < 2; l++) {
        attn_encoder_layer_weights_f32 *L = &f->lw[l];
        L->attn = f->mw;
        L->ff1_w = w + 5 * dd; L->ff2_w = w + 5 * dd + FF * D;
        L->ff1_b = L->ff2_b = w + 6 * dd;
        L->norm1_w = L->norm2_w = L->norm1_b = L->norm2_b = NULL;
    }
    f->ew.layers = f->lw; f->ew.n_layers = 2; f->ew.final_norm = 1;
    f->mdc.encoder = f->ecfg; f->mdc.d_in = D / 2; f->mdc.max_seq = S;
    f->mdc.position = ATTN_POS_LEARNED; f->mdc.pooling = ATTN_POOL_MEAN; f->mdc.n_classes = NC;
    f->mdw.embed_w = w + 7 * dd; f->mdw.embed_b = NULL; f->mdw.pos = g_in;
    f->mdw.encoder = f->ew; f->mdw.cls_w = w + 6 * dd; f->mdw.cls_b = w;
    f->mcfgp = &f->mcfg; f->mwp = &f->mw; f->ecfgp = &f->ecfg; f->lwp = &f->lw[0];
    f->ewp = &f->ew; f->mdcp = &f->mdc; f->mdwp = &f->mdw;
    f->buf = g_mem; f->bufsize = MEM_BYTES;
    attn_arena_init(&f->arena, g_mem, MEM_BYTES);
    f->ap = &f->arena;
    f->bytesp = &f->bytes; f->idxp = &f->idx; f->ptrp = &f->ptr;
    f->mark = 0;
}

/* ---- one call per public function -------------------------------------- */

typedef attn_status (*op_fn)(fx *f);

static attn_status op_linear(fx *f) { return attn_linear_f32(f->out, f->x, f->w, f->b, f->rows, f->in, f->outn); }
static attn_status op_softmax(fx *f) { return attn_softmax_f32(f->out, f->x, f->rows, f->d); }
static attn_status op_layernorm(fx *f) { return attn_layernorm_f32(f->out, f->x, f->w, f->b, f->eps, f->rows, f->d); }
static attn_status op_relu(fx *f) { return attn_relu_f32(f->out, f->x, f->n); }
static attn_status op_gelu(fx *f) { return attn_gelu_f32(f->out, f->x, f->n); }
static attn_status op_gelu_tanh(fx *f) { return attn_gelu_tanh_f32(f->out, f->x, f->n); }
static attn_status op_pos_sin(fx *f) { return attn_pos_sinusoidal_f32(f->io, f->seq, f->d); }
static attn_status op_pos_learned(fx *f) { return attn_pos_learned_f32(f->io, f->tab, f->seq, f->d); }
static attn_status op_pool(fx *f) { return attn_pool_f32(f->out, f->x, f->pad, f->pool, f->seq, f->d); }
static attn_status op_argmax(fx *f) { return attn_argmax_f32(f->idxp, f->x, f->n); }
static attn_status op_sdpa_scratch(fx *f) { return attn_sdpa_scratch_f32(f->mcfgp, f->bytesp); }
static attn_status op_sdpa(fx *f) { return attn_sdpa_f32(f->out, f->x, f->x2, f->x2, f->pad, f->mcfgp, f->ap); }
static attn_status op_mha_scratch(fx *f) { return attn_mha_scratch_f32(f->mcfgp, f->bytesp); }
static attn_status op_mha(fx *f) { return attn_mha_f32(f->out, f->x, f->x2, f->pad, f->mcfgp, f->mwp, f->ap); }
static attn_status op_mha_packed(fx *f) { return attn_mha_weights_packed_f32(f->mwp, f->w, f->b, f->x, f->b, f->d); }
static attn_status op_layer_scratch(fx *f) { return attn_encoder_layer_scratch_f32(f->ecfgp, f->seq, f->bytesp); }
static attn_status op_layer(fx *f) { return attn_encoder_layer_f32(f->io, f->seq, f->pad, f->ecfgp, f->lwp, f->ap); }
static attn_status op_enc_scratch(fx *f) { return attn_encoder_scratch_f32(f->ecfgp, f->seq, f->bytesp); }
static attn_status op_enc(fx *f) { return attn_encoder_f32(f->io, f->seq, f->pad, f->ecfgp, f->ewp, f->ap); }
static attn_status op_model_scratch(fx *f) { return attn_model_scratch_f32(f->mdcp, f->seq, f->bytesp); }
static attn_status op_model(fx *f) { return attn_model_f32(f->out, f->x, f->seq, f->pad, f->mdcp, f->mdwp, f->ap); }
static attn_status op_arena_init(fx *f) { return attn_arena_init(f->ap, f->buf, f->bufsize); }
static attn_status op_arena_alloc(fx *f) { return attn_arena_alloc(f->ap, f->bufsize, f->ptrp); }
static attn_status op_arena_release(fx *f) { return attn_arena_release(f->ap, f->mark); }

/* ---- ways to break the fixture ----------------------------------------- */

typedef void (*mut_fn)(fx *f);

static void none(fx *f) { (void)f; }
static void out_null(fx *f) { f->out = NULL; f->io = NULL; f->idxp = NULL; f->bytesp = NULL; f->ptrp = NULL; }
static void x_null(fx *f) { f->x = NULL; f->io = NULL; }
static void kv_null(fx *f) { f->x2 = NULL; }
static void w_null(fx *f) { f->w = NULL; f->tab = NULL; }
static void cfg_null(fx *f) { f->mcfgp = NULL; f->ecfgp = NULL; f->mdcp = NULL; }
static void weights_null(fx *f) { f->mwp = NULL; f->lwp = NULL; f->ewp = NULL; f->mdwp = NULL; }
static void arena_null(fx *f) { f->ap = NULL; }
static void buf_null(fx *f) { f->buf = NULL; }
static void wq_null(fx *f) { f->mw.wq = NULL; f->lw[0].attn.wq = NULL; f->mdw.encoder = f->ew; }
static void wo_null(fx *f) { f->mw.wo = NULL; f->lw[0].attn.wo = NULL; }
static void ff2_null(fx *f) { f->lw[0].ff2_w = NULL; }
static void layer2_wv_null(fx *f) { f->lw[1].attn.wv = NULL; } /* the stack must refuse before layer 1 runs */
static void layers_null(fx *f) { f->ew.layers = NULL; f->mdw.encoder.layers = NULL; }
static void embed_null(fx *f) { f->mdw.embed_w = NULL; }
static void pos_null(fx *f) { f->mdw.pos = NULL; }
static void cls_null(fx *f) { f->mdw.cls_w = NULL; }
static void rows0(fx *f) { f->rows = 0; f->n = 0; f->seq = 0; }
static void in_neg(fx *f) { f->in = -3; f->d = -3; }
static void d0(fx *f) { f->d = 0; }
static void d_huge(fx *f) { f->d = INT_MAX; }
/* [3 d][d] floats larger than any object (PTRDIFF_MAX bytes) on 64-bit too */
static void d_packed_huge(fx *f) { f->d = 1100000000; }
#if SIZE_MAX <= 0xFFFFFFFFu
/* [3d][d] floats over PTRDIFF_MAX bytes though [d][d] fit size_t */
static void d_packed_32(fx *f) { f->d = 16384; }
#endif
static void outn0(fx *f) { f->outn = 0; }
static void seq_q0(fx *f) { f->mcfg.seq_q = 0; }
static void seq_kv_neg(fx *f) { f->mcfg.seq_kv = -1; }
static void heads0(fx *f) { f->mcfg.n_heads = 0; f->ecfg.n_heads = 0; f->mdc.encoder.n_heads = 0; }
static void heads3(fx *f) { f->mcfg.n_heads = 3; f->ecfg.n_heads = 3; f->mdc.encoder.n_heads = 3; } /* 8 % 3 */
static void d_ff0(fx *f) { f->ecfg.d_ff = 0; f->mdc.encoder.d_ff = 0; }
static void nlayers0(fx *f) { f->ew.n_layers = 0; f->mdw.encoder.n_layers = 0; }
static void seq_gt_max(fx *f) { f->seq = S + 1; }
static void classes0(fx *f) { f->mdc.n_classes = 0; }
static void d_in_neg(fx *f) { f->mdc.d_in = -1; }
static void eps0(fx *f) { f->eps = 0.0f; f->ecfg.eps = 0.0f; f->mdc.encoder.eps = 0.0f; }
static void eps_nan(fx *f) { f->eps = NAN; f->ecfg.eps = NAN; f->mdc.encoder.eps = NAN; }
static void eps_inf(fx *f) { f->eps = INFINITY; f->ecfg.eps = INFINITY; }
static void act_bad(fx *f) { f->ecfg.activation = (attn_activation)7; f->mdc.encoder.activation = (attn_activation)7; }
static void pool_bad(fx *f) { f->pool = (attn_pooling)5; f->mdc.pooling = (attn_pooling)5; }
static void position_bad(fx *f) { f->mdc.position = (attn_position)9; }
static void arena_small(fx *f) { attn_arena_init(&f->arena, g_mem, ATTN_ALIGN - 1); }
static void mark_past_used(fx *f) { f->mark = f->arena.used + 1; }
static void alloc_huge(fx *f) { f->bufsize = SIZE_MAX; }
static void alloc_big(fx *f) { f->bufsize = MEM_BYTES + 1; }
/* Sizes above ATTN_MAX_DIM: shape errors on any platform. */
static void huge(fx *f)
{
    f->mcfg.seq_q = f->mcfg.seq_kv = f->mcfg.d_model = INT_MAX; f->mcfg.n_heads = 1;
    f->ecfg.d_model = INT_MAX; f->ecfg.n_heads = 1; f->seq = INT_MAX;
    f->mdc.encoder = f->ecfg; f->mdc.max_seq = INT_MAX;
}
static void over_max(fx *f) { f->rows = f->n = f->seq = f->d = ATTN_MAX_DIM + 1; }
#if SIZE_MAX <= 0xFFFFFFFFu
/* On 32-bit targets two sizes at ATTN_MAX_DIM overflow size_t. */
static void huge_leaf(fx *f) { f->rows = ATTN_MAX_DIM; f->n = ATTN_MAX_DIM; f->seq = ATTN_MAX_DIM; f->in = 64; }
#endif

typedef struct {
    const char *op_name;
    op_fn op;
    const char *mut_name;
    mut_fn mut;
    attn_status want;
} bad_case;

#define ROW(op, mut, want) {#op, op_##op, #mut, mut, want}

static const bad_case g_cases[] = {
    ROW(linear, none, ATTN_OK), ROW(linear, out_null, ATTN_ERR_NULL), ROW(linear, x_null, ATTN_ERR_NULL),
    ROW(linear, w_null, ATTN_ERR_NULL), ROW(linear, rows0, ATTN_ERR_SHAPE), ROW(linear, in_neg, ATTN_ERR_SHAPE),
    ROW(linear, outn0, ATTN_ERR_SHAPE),
    ROW(softmax, none, ATTN_OK), ROW(softmax, out_null, ATTN_ERR_NULL), ROW(softmax, x_null, ATTN_ERR_NULL),
    ROW(softmax, rows0, ATTN_ERR_SHAPE), ROW(softmax, in_neg, ATTN_ERR_SHAPE),
    ROW(layernorm, none, ATTN_OK), ROW(layernorm, out_null, ATTN_ERR_NULL), ROW(layernorm, x_null, ATTN_ERR_NULL),
    ROW(layernorm, w_null, ATTN_OK) /* gamma NULL = ones */, ROW(layernorm, rows0, ATTN_ERR_SHAPE),
    ROW(layernorm, in_neg, ATTN_ERR_SHAPE), ROW(layernorm, eps0, ATTN_ERR_RANGE),
    ROW(layernorm, eps_nan, ATTN_ERR_RANGE), ROW(layernorm, eps_inf, ATTN_ERR_RANGE),
    ROW(relu, none, ATTN_OK), ROW(relu, out_null, ATTN_ERR_NULL), ROW(relu, x_null, ATTN_ERR_NULL), ROW(relu, rows0, ATTN_ERR_SHAPE),
    ROW(gelu, none, ATTN_OK), ROW(gelu, out_null, ATTN_ERR_NULL), ROW(gelu, x_null, ATTN_ERR_NULL), ROW(gelu, rows0, ATTN_ERR_SHAPE),
    ROW(gelu_tanh, none, ATTN_OK), ROW(gelu_tanh, out_null, ATTN_ERR_NULL), ROW(gelu_tanh, x_null, ATTN_ERR_NULL),
    ROW(gelu_tanh, rows0, ATTN_ERR_SHAPE),
    ROW(pos_sin, none, ATTN_OK), ROW(pos_sin, x_null, ATTN_ERR_NULL), ROW(pos_sin, rows0, ATTN_ERR_SHAPE),
    ROW(pos_sin, in_neg, ATTN_ERR_SHAPE),
    ROW(pos_learned, none, ATTN_OK), ROW(pos_learned, x_null, ATTN_ERR_NULL), ROW(pos_learned, w_null, ATTN_ERR_NULL),
    ROW(pos_learned, rows0, ATTN_ERR_SHAPE), ROW(pos_learned, in_neg, ATTN_ERR_SHAPE),
    ROW(pool, none, ATTN_OK), ROW(pool, out_null, ATTN_ERR_NULL), ROW(pool, x_null, ATTN_ERR_NULL),
    ROW(pool, rows0, ATTN_ERR_SHAPE), ROW(pool, in_neg, ATTN_ERR_SHAPE), ROW(pool, pool_bad, ATTN_ERR_RANGE),
    ROW(argmax, none, ATTN_OK), ROW(argmax, out_null, ATTN_ERR_NULL), ROW(argmax, x_null, ATTN_ERR_NULL),
    ROW(argmax, rows0, ATTN_ERR_SHAPE),
    ROW(sdpa_scratch, none, ATTN_OK), ROW(sdpa_scratch, out_null, ATTN_ERR_NULL), ROW(sdpa_scratch, cfg_null, ATTN_ERR_NULL),
    ROW(sdpa_scratch, seq_q0, ATTN_ERR_SHAPE), ROW(sdpa_scratch, heads3, ATTN_ERR_SHAPE), ROW(sdpa_scratch, huge, ATTN_ERR_SHAPE),
    ROW(sdpa, none, ATTN_OK), ROW(sdpa, out_null, ATTN_ERR_NULL), ROW(sdpa, x_null, ATTN_ERR_NULL),
    ROW(sdpa, kv_null, ATTN_ERR_NULL), ROW(sdpa, cfg_null, ATTN_ERR_NULL), ROW(sdpa, arena_null, ATTN_ERR_NULL),
    ROW(sdpa, seq_q0, ATTN_ERR_SHAPE), ROW(sdpa, seq_kv_neg, ATTN_ERR_SHAPE), ROW(sdpa, heads0, ATTN_ERR_SHAPE),
    ROW(sdpa, heads3, ATTN_ERR_SHAPE), ROW(sdpa, huge, ATTN_ERR_SHAPE), ROW(sdpa, arena_small, ATTN_ERR_ARENA),
    ROW(mha_scratch, none, ATTN_OK), ROW(mha_scratch, out_null, ATTN_ERR_NULL), ROW(mha_scratch, cfg_null, ATTN_ERR_NULL),
    ROW(mha_scratch, seq_kv_neg, ATTN_ERR_SHAPE), ROW(mha_scratch, heads3, ATTN_ERR_SHAPE), ROW(mha_scratch, huge, ATTN_ERR_SHAPE),
    ROW(mha, none, ATTN_OK), ROW(mha, out_null, ATTN_ERR_NULL), ROW(mha, x_null, ATTN_ERR_NULL),
    ROW(mha, kv_null, ATTN_ERR_NULL), ROW(mha, cfg_null, ATTN_ERR_NULL), ROW(mha, weights_null, ATTN_ERR_NULL),
    ROW(mha, wq_null, ATTN_ERR_NULL), ROW(mha, wo_null, ATTN_ERR_NULL), ROW(mha, arena_null, ATTN_ERR_NULL),
    ROW(mha, seq_q0, ATTN_ERR_SHAPE), ROW(mha, seq_kv_neg, ATTN_ERR_SHAPE), ROW(mha, heads0, ATTN_ERR_SHAPE),
    ROW(mha, heads3, ATTN_ERR_SHAPE), ROW(mha, huge, ATTN_ERR_SHAPE), ROW(mha, arena_small, ATTN_ERR_ARENA),
    ROW(mha_packed, none, ATTN_OK), ROW(mha_packed, weights_null, ATTN_ERR_NULL), ROW(mha_packed, w_null, ATTN_ERR_NULL),
    ROW(mha_packed, x_null, ATTN_ERR_NULL), ROW(mha_packed, in_neg, ATTN_ERR_SHAPE), ROW(mha_packed, d0, ATTN_ERR_SHAPE),
    ROW(mha_packed, d_huge, ATTN_ERR_SHAPE), ROW(mha_packed, d_packed_huge, ATTN_ERR_SHAPE),
    ROW(layer_scratch, none, ATTN_OK), ROW(layer_scratch, out_null, ATTN_ERR_NULL), ROW(layer_scratch, cfg_null, ATTN_ERR_NULL),
    ROW(layer_scratch, rows0, ATTN_ERR_SHAPE), ROW(layer_scratch, heads3, ATTN_ERR_SHAPE), ROW(layer_scratch, d_ff0, ATTN_ERR_SHAPE),
    ROW(layer_scratch, act_bad, ATTN_ERR_RANGE), ROW(layer_scratch, eps_nan, ATTN_ERR_RANGE),
    ROW(layer_scratch, huge, ATTN_ERR_SHAPE),
    ROW(layer, none, ATTN_OK), ROW(layer, x_null, ATTN_ERR_NULL), ROW(layer, cfg_null, ATTN_ERR_NULL),
    ROW(layer, weights_null, ATTN_ERR_NULL), ROW(layer, wq_null, ATTN_ERR_NULL), ROW(layer, ff2_null, ATTN_ERR_NULL),
    ROW(layer, arena_null, ATTN_ERR_NULL), ROW(layer, rows0, ATTN_ERR_SHAPE), ROW(layer, heads0, ATTN_ERR_SHAPE),
    ROW(layer, heads3, ATTN_ERR_SHAPE), ROW(layer, d_ff0, ATTN_ERR_SHAPE), ROW(layer, act_bad, ATTN_ERR_RANGE),
    ROW(layer, eps0, ATTN_ERR_RANGE), ROW(layer, eps_nan, ATTN_ERR_RANGE), ROW(layer, huge, ATTN_ERR_SHAPE),
    ROW(layer, arena_small, ATTN_ERR_ARENA),
    ROW(enc_scratch, none, ATTN_OK), ROW(enc_scratch, out_null, ATTN_ERR_NULL), ROW(enc_scratch, cfg_null, ATTN_ERR_NULL),
    ROW(enc_scratch, rows0, ATTN_ERR_SHAPE), ROW(enc_scratch, huge, ATTN_ERR_SHAPE),
    ROW(enc, none, ATTN_OK), ROW(enc, x_null, ATTN_ERR_NULL), ROW(enc, cfg_null, ATTN_ERR_NULL),
    ROW(enc, weights_null, ATTN_ERR_NULL), ROW(enc, layers_null, ATTN_ERR_NULL), ROW(enc, wq_null, ATTN_ERR_NULL),
    ROW(enc, layer2_wv_null, ATTN_ERR_NULL), ROW(enc, arena_null, ATTN_ERR_NULL), ROW(enc, rows0, ATTN_ERR_SHAPE),
    ROW(enc, nlayers0, ATTN_ERR_SHAPE), ROW(enc, heads3, ATTN_ERR_SHAPE), ROW(enc, act_bad, ATTN_ERR_RANGE),
    ROW(enc, eps_nan, ATTN_ERR_RANGE), ROW(enc, huge, ATTN_ERR_SHAPE), ROW(enc, arena_small, ATTN_ERR_ARENA),
    ROW(model_scratch, none, ATTN_OK), ROW(model_scratch, out_null, ATTN_ERR_NULL), ROW(model_scratch, cfg_null, ATTN_ERR_NULL),
    ROW(model_scratch, seq_gt_max, ATTN_ERR_SHAPE), ROW(model_scratch, classes0, ATTN_ERR_SHAPE),
    ROW(model_scratch, position_bad, ATTN_ERR_RANGE), ROW(model_scratch, huge, ATTN_ERR_SHAPE),
    ROW(model, none, ATTN_OK), ROW(model, out_null, ATTN_ERR_NULL), ROW(model, x_null, ATTN_ERR_NULL),
    ROW(model, cfg_null, ATTN_ERR_NULL), ROW(model, weights_null, ATTN_ERR_NULL), ROW(model, arena_null, ATTN_ERR_NULL),
    ROW(model, embed_null, ATTN_ERR_NULL), ROW(model, pos_null, ATTN_ERR_NULL), ROW(model, cls_null, ATTN_ERR_NULL),
    ROW(model, layers_null, ATTN_ERR_NULL), ROW(model, layer2_wv_null, ATTN_ERR_NULL),
    ROW(model, rows0, ATTN_ERR_SHAPE), ROW(model, seq_gt_max, ATTN_ERR_SHAPE), ROW(model, classes0, ATTN_ERR_SHAPE),
    ROW(model, d_in_neg, ATTN_ERR_SHAPE), ROW(model, heads3, ATTN_ERR_SHAPE), ROW(model, d_ff0, ATTN_ERR_SHAPE),
    ROW(model, nlayers0, ATTN_ERR_SHAPE), ROW(model, act_bad, ATTN_ERR_RANGE), ROW(model, eps0, ATTN_ERR_RANGE),
    ROW(model, pool_bad, ATTN_ERR_RANGE), ROW(model, position_bad, ATTN_ERR_RANGE), ROW(model, huge, ATTN_ERR_SHAPE),
    ROW(model, arena_small, ATTN_ERR_ARENA),
    ROW(arena_init, none, ATTN_OK), ROW(arena_init, arena_null, ATTN_ERR_NULL), ROW(arena_init, buf_null, ATTN_ERR_NULL),
    ROW(arena_alloc, none, ATTN_OK), ROW(arena_alloc, arena_null, ATTN_ERR_NULL), ROW(arena_alloc, out_null, ATTN_ERR_NULL),
    ROW(arena_alloc, alloc_big, ATTN_ERR_ARENA), ROW(arena_alloc, alloc_huge, ATTN_ERR_TOO_LARGE),
    ROW(arena_release, none, ATTN_OK), ROW(arena_release, arena_null, ATTN_ERR_NULL),
    ROW(arena_release, mark_past_used, ATTN_ERR_RANGE),
#if SIZE_MAX <= 0xFFFFFFFFu
    ROW(mha_packed, d_packed_32, ATTN_ERR_TOO_LARGE),
    ROW(linear, huge_leaf, ATTN_ERR_TOO_LARGE), ROW(softmax, huge_leaf, ATTN_ERR_TOO_LARGE),
    ROW(layernorm, huge_leaf, ATTN_ERR_TOO_LARGE),
    ROW(pos_sin, huge_leaf, ATTN_ERR_TOO_LARGE), ROW(pool, huge_leaf, ATTN_ERR_TOO_LARGE),
#endif
    ROW(linear, over_max, ATTN_ERR_SHAPE), ROW(softmax, over_max, ATTN_ERR_SHAPE),
    ROW(layernorm, over_max, ATTN_ERR_SHAPE), ROW(relu, over_max, ATTN_ERR_SHAPE),
    ROW(gelu, over_max, ATTN_ERR_SHAPE), ROW(pos_sin, over_max, ATTN_ERR_SHAPE),
    ROW(pool, over_max, ATTN_ERR_SHAPE), ROW(argmax, over_max, ATTN_ERR_SHAPE),
};

#define SENTINEL 1234.5f

void test_bad_input(void)
{
    size_t i;
    int statuses_seen[6] = {0};
    printf("bad input: %d cases\n", (int)(sizeof g_cases / sizeof g_cases[0]));
    check_pool_reset();
    if (!check_fits(CHECK_FLOATS(IN_N) + CHECK_FLOATS(WTS_N) + CHECK_FLOATS(OUT_N) +
                        2 * CHECK_FLOATS(IO_N) + check_block(MEM_BYTES),
                    "bad input: all %d cases", (int)(sizeof g_cases / sizeof g_cases[0])))
        return;
    g_in = check_take_floats(IN_N);
    g_wts = check_take_floats(WTS_N);
    g_out = check_take_floats(OUT_N);
    g_io = check_take_floats(IO_N);
    g_io_before = check_take_floats(IO_N);
    g_mem = (unsigned char *)check_take(MEM_BYTES);
    check_seed(99);
    check_fill(g_in, IN_N, -1.0f, 1.0f);
    check_fill(g_wts, WTS_N, -0.5f, 0.5f);
    for (i = 0; i < sizeof g_cases / sizeof g_cases[0]; i++) {
        const bad_case *c = &g_cases[i];
        attn_mha_weights_f32 mw_before;
        fx f;
        attn_status got;
        int untouched = 1, j;
        fx_init(&f);
        c->mut(&f);
        for (j = 0; j < OUT_N; j++) g_out[j] = SENTINEL;
        check_fill(g_io, S * D, -1.0f, 1.0f);
        memcpy(g_io_before, g_io, IO_N * sizeof(float));
        f.bytes = 777;
        f.idx = -7;
        mw_before = f.mw;
        got = c->op(&f);
        if ((unsigned)got < 6u) statuses_seen[got] = 1;
        if (c->want != ATTN_OK) {
            for (j = 0; j < OUT_N; j++) untouched &= g_out[j] == SENTINEL;
            untouched &= memcmp(g_io_before, g_io, IO_N * sizeof(float)) == 0;
            untouched &= f.bytes == 777 && f.idx == -7;
            untouched &= memcmp(&mw_before, &f.mw, sizeof mw_before) == 0;
            if (c->op != op_arena_init && c->op != op_arena_alloc && c->op != op_arena_release)
                untouched &= f.arena.used == 0 && f.arena.high_water == 0;
        } else {
            for (j = S * D; j < OUT_N; j++) untouched &= g_out[j] == SENTINEL; /* no overrun */
        }
        check(got == c->want && untouched, "%s / %s: %s (want %s)%s", c->op_name, c->mut_name,
              attn_status_str(got), attn_status_str(c->want),
              untouched ? "" : ", but output was written");
    }
    for (i = 0; i < 6; i++)
        check(statuses_seen[i], "status %d (%s) is produced by some bad input", (int)i,
              attn_status_str((attn_status)i));
    check(strcmp(attn_status_str((attn_status)42), "unknown status") == 0,
          "attn_status_str names an unknown code");
}
