/* Bad-input rows of additive attention (issue 11), float, int8 and the
   quantizer: a table of the engine in bad_input.h. One fixture holds a
   valid call of each - 3 queries of width 5 against 4 keys of width 3 and
   values of width 2, hidden width 4, key 1 padded; int8 parameters made by
   qmul_near (ref_s8.h) - and each row breaks one thing. Calls that take an
   arena get exactly what the header says they need (the scratch queries;
   the quantizer: the float block's scratch and B(seq_q * d_v), its store
   ATTN_ADDITIVE_STORE_S8), or one byte less, or less than one block: the
   valid rows prove those figures are enough and what the calls use. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bad_input.h"
#include "ref_s8.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

enum { AQ = 3, AK = 4, DQ = 5, DK = 3, DV = 2, DA = 4, NQ = AQ * DQ, NK = AK * DK, NV = AK * DV,
       NO = AQ * DV, NBAD = 24 /* NaN / Inf copies: as long as the longest array they replace */ };

/* everything the calls write through a pointer (one watched buffer) */
typedef struct {
    size_t bytes;
    attn_arena arena, store;
    attn_additive_s8_params qp;
    attn_additive_qparams io;
} ax_out;

typedef struct {
    float *out;
    int8_t *out8;
    const float *q, *k, *val;
    const int8_t *q8, *k8, *v8;
    const uint8_t *pad;
    size_t *bytesp;
    attn_additive_cfg cfg, cfg_ok;
    const attn_additive_cfg *cfgp;
    attn_additive_weights_f32 w;
    const attn_additive_weights_f32 *wp;
    attn_additive_s8_params p;
    const attn_additive_s8_params *pp;
    attn_additive_s8_params *qout;
    attn_additive_qparams *io;
    attn_arena *ap, *sp;
    int n_calib;
    int arena_mode, store_mode; /* 0: exactly the need, 1: one byte short, 2: less than a block */
    size_t need, store_need;
} ax;

static ax *F;
static ax_out *g_o;
static struct {
    float *q, *k, *val, *wq, *wk, *b, *v, *nan, *inf;
    int8_t *q8, *k8, *v8, *wq8, *wk8, *tab, *vv;
    int32_t *bias;
    attn_qmul *mq, *mk, *qbad;
    uint8_t *pad, *pad_all;
    unsigned char *mem, *store;
    size_t mem_bytes, store_bytes;
    float *out;
    int8_t *out8;
} g_b;

static void ax_init(void)
{
    ax *f = F;
    memset(f, 0, sizeof *f);
    f->out = g_b.out;
    f->out8 = g_b.out8;
    f->q = g_b.q;
    f->k = g_b.k;
    f->val = g_b.val;
    f->q8 = g_b.q8;
    f->k8 = g_b.k8;
    f->v8 = g_b.v8;
    f->pad = g_b.pad;
    f->bytesp = &g_o->bytes;
    f->cfg.seq_q = AQ; f->cfg.seq_kv = AK; f->cfg.d_q = DQ; f->cfg.d_k = DK; f->cfg.d_v = DV;
    f->cfg.d_attn = DA;
    f->cfg_ok = f->cfg;
    f->cfgp = &f->cfg;
    f->w.wq = g_b.wq; f->w.wk = g_b.wk; f->w.b = g_b.b; f->w.v = g_b.v;
    f->wp = &f->w;
    f->p.q.w = g_b.wq8; f->p.q.bias = g_b.bias; f->p.q.mul = g_b.mq; f->p.q.in_zp = -3;
    f->p.k.w = g_b.wk8; f->p.k.bias = NULL; f->p.k.mul = g_b.mk; f->p.k.in_zp = 5;
    f->p.t_zp = 2; f->p.t_shift = 6; f->p.tanh_table = g_b.tab; f->p.v = g_b.vv;
    f->p.score_mul = qmul_near(10.0);
    f->p.val_zp = -7;
    f->p.ctx_mul = qmul_near(1.0 / 32768.0);
    f->p.out_zp = 4;
    f->pp = &f->p;
    f->qout = &g_o->qp;
    f->io = &g_o->io;
    f->ap = &g_o->arena;
    f->sp = &g_o->store;
    f->n_calib = 1;
}

/* ---- one call per public function --------------------------------------------- */

static attn_status op_scratch_f32(void) { return attn_additive_scratch_f32(F->cfgp, F->bytesp); }
static attn_status op_add_f32(void)
{
    return attn_additive_f32(F->out, F->q, F->k, F->val, F->pad, F->cfgp, F->wp, F->ap);
}
static attn_status op_scratch_s8(void) { return attn_additive_scratch_s8(F->cfgp, F->bytesp); }
static attn_status op_add_s8(void)
{
    return attn_additive_s8(F->out8, F->q8, F->k8, F->v8, F->pad, F->cfgp, F->pp, F->ap);
}
static attn_status op_quant(void)
{
    return attn_quantize_additive_s8(F->qout, F->io, F->cfgp, F->wp, F->q, F->k, F->val, F->pad,
                                     F->n_calib, F->sp, F->ap);
}

/* ---- ways to break the fixture ------------------------------------------------ */

static void none(void) {}
static void out_null(void) { F->out = NULL; F->out8 = NULL; F->bytesp = NULL; F->qout = NULL; }
static void io_null(void) { F->io = NULL; }
static void q_null(void) { F->q = NULL; F->q8 = NULL; }
static void k_null(void) { F->k = NULL; F->k8 = NULL; }
static void val_null(void) { F->val = NULL; F->v8 = NULL; }
static void cfg_null(void) { F->cfgp = NULL; }
static void w_null(void) { F->wp = NULL; F->pp = NULL; }
static void wq_null(void) { F->w.wq = NULL; F->p.q.w = NULL; }
static void wk_null(void) { F->w.wk = NULL; F->p.k.mul = NULL; }
static void v_null(void) { F->w.v = NULL; F->p.v = NULL; }
static void mq_null(void) { F->p.q.mul = NULL; }
static void tab_null(void) { F->p.tanh_table = NULL; }
static void arena_null(void) { F->ap = NULL; }
static void store_null(void) { F->sp = NULL; }
/* optional: no bias (b, q.bias, k.bias) and no padding */
static void b_null(void) { F->w.b = NULL; F->p.q.bias = NULL; }
static void k_bias(void) { F->p.k.bias = g_b.bias; }
static void pad_null(void) { F->pad = NULL; }
/* every key masked: zero rows (float), out_zp (int8) */
static void pad_all(void) { F->pad = g_b.pad_all; }
static void seq_q0(void) { F->cfg.seq_q = 0; }
static void seq_kv_neg(void) { F->cfg.seq_kv = -2; }
static void dq0(void) { F->cfg.d_q = 0; }
static void dk_neg(void) { F->cfg.d_k = -1; }
static void dv0(void) { F->cfg.d_v = 0; }
static void da0(void) { F->cfg.d_attn = 0; }
static void over_max(void) { F->cfg.seq_kv = ATTN_MAX_DIM + 1; }
static void huge_seq(void) { F->cfg.seq_q = INT_MAX; }
/* int8: the int32 sums' widths (d_q, d_k, d_attn <= 32768); float has no such limit */
static void dq_s8_big(void) { F->cfg.d_q = 32769; }
static void da_s8_big(void) { F->cfg.d_attn = 32769; }
/* sizes at ATTN_MAX_DIM: 2^58 bytes of float key projections (32-bit: no
   size_t holds them; 64-bit: more than the arena); int8: d_attn too wide */
static void max_dims(void) { F->cfg.seq_kv = ATTN_MAX_DIM; F->cfg.d_attn = ATTN_MAX_DIM; }
/* sequences at ATTN_MAX_DIM: 2^32 bytes of float key projections (32-bit:
   TOO_LARGE), 2^31 + 2^30 of int8 scratch (fits a 32-bit size_t: ARENA) */
static void max_seq(void) { F->cfg.seq_q = ATTN_MAX_DIM; F->cfg.seq_kv = ATTN_MAX_DIM; }
/* checked in order: NULL before shape, shape before values */
static void null_and_shape(void) { F->p.q.w = NULL; F->w.wq = NULL; F->cfg.seq_q = 0; }
static void shape_and_range(void) { F->cfg.d_attn = 32769; F->p.score_mul.shift = 31; }
static void shift_hi(void) { F->p.score_mul.shift = 31; }
static void shift_lo(void) { F->p.ctx_mul.shift = -32; }
static void mul_min(void) { F->p.ctx_mul.multiplier = INT32_MIN; }
/* the last channel of a per-channel array */
static void chan_shift(void) { F->p.k.mul = g_b.qbad; }
static void chan_shift_q(void) { F->p.q.mul = g_b.qbad; }
static void t_zp_bad(void) { F->p.t_zp = 128; }
static void in_zp_bad(void) { F->p.q.in_zp = -129; }
static void k_zp_bad(void) { F->p.k.in_zp = 200; }
static void val_zp_bad(void) { F->p.val_zp = -200; }
static void out_zp_bad(void) { F->p.out_zp = 128; }
static void t_shift_neg(void) { F->p.t_shift = -1; }
static void t_shift_17(void) { F->p.t_shift = 17; }
static void t_shift_16(void) { F->p.t_shift = 16; }
static void t_shift_0(void) { F->p.t_shift = 0; }
static void n_calib0(void) { F->n_calib = 0; }
static void n_calib_neg(void) { F->n_calib = -4; }
/* NaN / Inf: float computes with them (accepted), the quantizer refuses */
static void w_nan(void) { F->w.wq = g_b.nan; }
static void wk_inf(void) { F->w.wk = g_b.inf; }
static void b_nan(void) { F->w.b = g_b.nan + 1; }
static void v_inf(void) { F->w.v = g_b.inf + 3; }
static void calib_nan(void) { F->q = g_b.nan; }
static void calib_inf(void) { F->val = g_b.inf; }
static void arena_short(void) { F->arena_mode = 1; }
static void arena_tiny(void) { F->arena_mode = 2; }
static void store_short(void) { F->store_mode = 1; }
static void store_tiny(void) { F->store_mode = 2; }

/* ---- the table -------------------------------------------------------------------- */

#define ADD_OPS(X) X(scratch_f32, attn_additive_scratch_f32) X(add_f32, attn_additive_f32) \
    X(scratch_s8, attn_additive_scratch_s8) X(add_s8, attn_additive_s8) \
    X(quant, attn_quantize_additive_s8)
#define ADD_MUTS(X) X(none) X(out_null) X(io_null) X(q_null) X(k_null) X(val_null) X(cfg_null) \
    X(w_null) X(wq_null) X(wk_null) X(v_null) X(mq_null) X(tab_null) X(arena_null) X(store_null) \
    X(b_null) X(k_bias) X(pad_null) X(pad_all) X(seq_q0) X(seq_kv_neg) X(dq0) X(dk_neg) X(dv0) \
    X(da0) X(over_max) X(huge_seq) X(dq_s8_big) X(da_s8_big) X(max_dims) X(max_seq) X(null_and_shape) \
    X(shape_and_range) X(shift_hi) X(shift_lo) X(mul_min) X(chan_shift) X(chan_shift_q) \
    X(t_zp_bad) X(in_zp_bad) X(k_zp_bad) X(val_zp_bad) X(out_zp_bad) X(t_shift_neg) \
    X(t_shift_17) X(t_shift_16) X(t_shift_0) X(n_calib0) X(n_calib_neg) X(w_nan) X(wk_inf) \
    X(b_nan) X(v_inf) X(calib_nan) X(calib_inf) X(arena_short) X(arena_tiny) X(store_short) \
    X(store_tiny)
#define ENUM_OP(s, name) OP_##s,
#define ENUM_MUT(m) MUT_##m,
#define OP_ENTRY(s, name) {#name, op_##s},
#define MUT_ENTRY(m) {#m, m},
enum { ADD_OPS(ENUM_OP) N_ADD_OPS };
enum { ADD_MUTS(ENUM_MUT) N_ADD_MUTS };
static const bad_op k_ops[] = {ADD_OPS(OP_ENTRY)};
static const bad_mut k_muts[] = {ADD_MUTS(MUT_ENTRY)};

#define R(op, mut, want) {OP_##op, MUT_##mut, want, 0}
#define OK ATTN_OK
#define NUL ATTN_ERR_NULL
#define SHP ATTN_ERR_SHAPE
#define RNG ATTN_ERR_RANGE
#define ARN ATTN_ERR_ARENA
#define BIG ATTN_ERR_TOO_LARGE
#if SIZE_MAX <= 0xFFFFFFFFu
#define HUGE_WANT BIG
#define HUGE_QUERY BIG
#else
#define HUGE_WANT ARN
#define HUGE_QUERY OK
#endif

static const bad_row k_rows[] = {
    R(scratch_f32, none, OK), R(scratch_f32, out_null, NUL), R(scratch_f32, cfg_null, NUL),
    R(scratch_f32, seq_q0, SHP), R(scratch_f32, seq_kv_neg, SHP), R(scratch_f32, dq0, SHP),
    R(scratch_f32, dk_neg, SHP), R(scratch_f32, dv0, SHP), R(scratch_f32, da0, SHP),
    R(scratch_f32, over_max, SHP), R(scratch_f32, huge_seq, SHP), R(scratch_f32, dq_s8_big, OK),
    R(scratch_f32, max_dims, HUGE_QUERY), R(scratch_f32, max_seq, HUGE_QUERY),
    R(add_f32, none, OK), R(add_f32, out_null, NUL), R(add_f32, q_null, NUL), R(add_f32, k_null, NUL),
    R(add_f32, val_null, NUL), R(add_f32, cfg_null, NUL), R(add_f32, w_null, NUL),
    R(add_f32, wq_null, NUL), R(add_f32, wk_null, NUL), R(add_f32, v_null, NUL),
    R(add_f32, arena_null, NUL), R(add_f32, b_null, OK), R(add_f32, pad_null, OK),
    R(add_f32, pad_all, OK), R(add_f32, seq_q0, SHP), R(add_f32, seq_kv_neg, SHP),
    R(add_f32, dq0, SHP), R(add_f32, dk_neg, SHP), R(add_f32, dv0, SHP), R(add_f32, da0, SHP),
    R(add_f32, over_max, SHP), R(add_f32, huge_seq, SHP), R(add_f32, max_dims, HUGE_WANT),
    R(add_f32, max_seq, HUGE_WANT),    R(add_f32, null_and_shape, NUL), R(add_f32, w_nan, OK), R(add_f32, wk_inf, OK),
    R(add_f32, b_nan, OK), R(add_f32, v_inf, OK), R(add_f32, calib_nan, OK),
    R(add_f32, calib_inf, OK), R(add_f32, arena_short, ARN), R(add_f32, arena_tiny, ARN),
    R(scratch_s8, none, OK), R(scratch_s8, out_null, NUL), R(scratch_s8, cfg_null, NUL),
    R(scratch_s8, seq_q0, SHP), R(scratch_s8, dv0, SHP), R(scratch_s8, da0, SHP),
    R(scratch_s8, over_max, SHP), R(scratch_s8, dq_s8_big, SHP), R(scratch_s8, da_s8_big, SHP),
    R(scratch_s8, huge_seq, SHP), R(scratch_s8, max_dims, SHP), R(scratch_s8, max_seq, OK),
    R(add_s8, none, OK), R(add_s8, out_null, NUL), R(add_s8, q_null, NUL), R(add_s8, k_null, NUL),
    R(add_s8, val_null, NUL), R(add_s8, cfg_null, NUL), R(add_s8, w_null, NUL),
    R(add_s8, wq_null, NUL), R(add_s8, wk_null, NUL), R(add_s8, v_null, NUL),
    R(add_s8, mq_null, NUL), R(add_s8, tab_null, NUL), R(add_s8, arena_null, NUL),
    R(add_s8, b_null, OK), R(add_s8, k_bias, OK), R(add_s8, pad_null, OK), R(add_s8, pad_all, OK),
    R(add_s8, seq_q0, SHP), R(add_s8, seq_kv_neg, SHP), R(add_s8, dq0, SHP), R(add_s8, dk_neg, SHP),
    R(add_s8, dv0, SHP), R(add_s8, da0, SHP), R(add_s8, over_max, SHP), R(add_s8, huge_seq, SHP),
    R(add_s8, dq_s8_big, SHP), R(add_s8, da_s8_big, SHP), R(add_s8, max_dims, SHP),
    R(add_s8, max_seq, ARN), R(add_s8, null_and_shape, NUL),
    R(add_s8, shape_and_range, SHP), R(add_s8, shift_hi, RNG), R(add_s8, shift_lo, RNG),
    R(add_s8, mul_min, RNG), R(add_s8, chan_shift, RNG), R(add_s8, chan_shift_q, RNG),
    R(add_s8, t_zp_bad, RNG), R(add_s8, in_zp_bad, RNG), R(add_s8, k_zp_bad, RNG),
    R(add_s8, val_zp_bad, RNG), R(add_s8, out_zp_bad, RNG), R(add_s8, t_shift_neg, RNG),
    R(add_s8, t_shift_17, RNG), R(add_s8, t_shift_16, OK), R(add_s8, t_shift_0, OK),
    R(add_s8, arena_short, ARN), R(add_s8, arena_tiny, ARN),
    R(quant, none, OK), R(quant, out_null, NUL), R(quant, io_null, NUL), R(quant, q_null, NUL),
    R(quant, k_null, NUL), R(quant, val_null, NUL), R(quant, cfg_null, NUL), R(quant, w_null, NUL),
    R(quant, wq_null, NUL), R(quant, wk_null, NUL), R(quant, v_null, NUL),
    R(quant, arena_null, NUL), R(quant, store_null, NUL), R(quant, b_null, OK),
    R(quant, pad_null, OK), R(quant, pad_all, OK), R(quant, seq_q0, SHP), R(quant, seq_kv_neg, SHP),
    R(quant, dq0, SHP), R(quant, dv0, SHP), R(quant, da0, SHP), R(quant, over_max, SHP),
    R(quant, dq_s8_big, SHP), R(quant, da_s8_big, SHP), R(quant, null_and_shape, NUL),
    R(quant, n_calib0, SHP), R(quant, n_calib_neg, SHP), R(quant, max_dims, SHP),
    R(quant, max_seq, HUGE_WANT),
    R(quant, w_nan, RNG), R(quant, wk_inf, RNG), R(quant, b_nan, RNG), R(quant, v_inf, RNG),
    R(quant, calib_nan, RNG), R(quant, calib_inf, RNG), R(quant, arena_short, ARN),
    R(quant, arena_tiny, ARN), R(quant, store_short, ARN), R(quant, store_tiny, ARN),
};

/* ---- the table's hooks --------------------------------------------------------------- */

static void layout(void)
{
    attn_additive_cfg c;
    size_t f = 0, s = 0;
    c.seq_q = AQ; c.seq_kv = AK; c.d_q = DQ; c.d_k = DK; c.d_v = DV; c.d_attn = DA;
    attn_additive_scratch_f32(&c, &f);
    attn_additive_scratch_s8(&c, &s);
    /* the quantizer's: the float block's and its outputs */
    f += ATTN_ALIGN_UP((size_t)NO * sizeof(float));
    g_b.mem_bytes = f > s ? f : s;
    g_b.store_bytes = ATTN_ADDITIVE_STORE_S8(DQ, DK, DA);
    F = (ax *)check_plan_take(sizeof *F);
    g_b.q = (float *)check_plan_take(NQ * sizeof(float));
    g_b.k = (float *)check_plan_take(NK * sizeof(float));
    g_b.val = (float *)check_plan_take(NV * sizeof(float));
    g_b.wq = (float *)check_plan_take(DA * DQ * sizeof(float));
    g_b.wk = (float *)check_plan_take(DA * DK * sizeof(float));
    g_b.b = (float *)check_plan_take(DA * sizeof(float));
    g_b.v = (float *)check_plan_take(DA * sizeof(float));
    g_b.nan = (float *)check_plan_take(NBAD * sizeof(float));
    g_b.inf = (float *)check_plan_take(NBAD * sizeof(float));
    g_b.q8 = (int8_t *)check_plan_take(NQ);
    g_b.k8 = (int8_t *)check_plan_take(NK);
    g_b.v8 = (int8_t *)check_plan_take(NV);
    g_b.wq8 = (int8_t *)check_plan_take(DA * DQ);
    g_b.wk8 = (int8_t *)check_plan_take(DA * DK);
    g_b.tab = (int8_t *)check_plan_take(256);
    g_b.vv = (int8_t *)check_plan_take(DA);
    g_b.bias = (int32_t *)check_plan_take(DA * sizeof(int32_t));
    g_b.mq = (attn_qmul *)check_plan_take(DA * sizeof(attn_qmul));
    g_b.mk = (attn_qmul *)check_plan_take(DA * sizeof(attn_qmul));
    g_b.qbad = (attn_qmul *)check_plan_take(DA * sizeof(attn_qmul));
    g_b.pad = (uint8_t *)check_plan_take(AK);
    g_b.pad_all = (uint8_t *)check_plan_take(AK);
    g_b.mem = (unsigned char *)check_plan_take(g_b.mem_bytes);
    g_b.store = (unsigned char *)check_plan_take(g_b.store_bytes);
    g_b.out = (float *)bad_watch(NO * sizeof(float), BAD_OUT);
    g_b.out8 = (int8_t *)bad_watch(NO, BAD_OUT);
    g_o = (ax_out *)bad_watch(sizeof(ax_out), BAD_OUT);
}

static void setup(void)
{
    int i;
    check_seed(1100);
    check_fill(g_b.q, NQ, -1.0f, 1.0f);
    check_fill(g_b.k, NK, -1.0f, 1.0f);
    check_fill(g_b.val, NV, -1.0f, 1.0f);
    check_fill(g_b.wq, DA * DQ, -0.8f, 0.8f);
    check_fill(g_b.wk, DA * DK, -0.8f, 0.8f);
    check_fill(g_b.b, DA, -0.2f, 0.2f);
    check_fill(g_b.v, DA, -1.0f, 1.0f);
    check_fill(g_b.nan, NBAD, -0.5f, 0.5f);
    memcpy(g_b.inf, g_b.nan, NBAD * sizeof(float));
    g_b.nan[2] = NAN;
    g_b.nan[4] = NAN;
    g_b.inf[3] = INFINITY;
    g_b.inf[NBAD - 1] = -INFINITY;
    rs_seed(1101);
    rs_fill(g_b.q8, NQ);
    rs_fill(g_b.k8, NK);
    rs_fill(g_b.v8, NV);
    rs_fill(g_b.wq8, DA * DQ);
    rs_fill(g_b.wk8, DA * DK);
    rs_fill(g_b.tab, 256);
    rs_fill(g_b.vv, DA);
    for (i = 0; i < DA; i++) {
        g_b.bias[i] = rs_int(-3000, 3000);
        g_b.mq[i] = qmul_near(0.05);
        g_b.mk[i] = qmul_near(0.05);
        g_b.qbad[i] = qmul_near(0.05);
    }
    g_b.qbad[DA - 1].shift = 31;
    memset(g_b.pad, 0, AK);
    g_b.pad[1] = 1;
    memset(g_b.pad_all, 1, AK);
}

static int is_arena_call(int op) { return op == OP_add_f32 || op == OP_add_s8 || op == OP_quant; }

static size_t shorten(size_t need, int mode)
{
    return mode == 1 && need > 0 ? need - 1 : mode == 2 ? ATTN_ALIGN - 1 : need;
}

/* what the header says the unbroken fixture's call needs */
static size_t need_of(int op)
{
    size_t b = 0;
    attn_status st = ATTN_ERR_RANGE;
    if (op == OP_add_f32 || op == OP_quant) st = attn_additive_scratch_f32(&F->cfg_ok, &b);
    if (op == OP_add_s8) st = attn_additive_scratch_s8(&F->cfg_ok, &b);
    if (op == OP_quant) b += ATTN_ALIGN_UP((size_t)NO * sizeof(float));
    return st == ATTN_OK && b <= g_b.mem_bytes ? b : g_b.mem_bytes;
}

static void arm(int op)
{
    F->need = is_arena_call(op) ? need_of(op) : g_b.mem_bytes;
    F->store_need = ATTN_ADDITIVE_STORE_S8(DQ, DK, DA);
    attn_arena_init(&g_o->arena, g_b.mem, shorten(F->need, F->arena_mode));
    attn_arena_init(&g_o->store, g_b.store, shorten(F->store_need, F->store_mode));
}

/* an exact arena just fits and is all given back; the quantizer's store
   holds exactly ATTN_ADDITIVE_STORE_S8 */
static int ok_extra(int op)
{
    if (!is_arena_call(op)) return 1;
    if (g_o->arena.used != 0 || g_o->arena.high_water != F->need) return 0;
    return op != OP_quant || g_o->store.used == F->store_need;
}

const bad_table bad_table_add = {
    "additive attention", k_ops, N_ADD_OPS, k_muts, N_ADD_MUTS, k_rows, N_OF(k_rows),
    layout, setup, ax_init, arm, ok_extra};
