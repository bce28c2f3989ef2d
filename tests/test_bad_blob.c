/* Bad-input rows of the model blobs' writers and loaders (attention.h
   MODEL BLOBS): a table of the engine in bad_input.h. The fixture is the
   tiny model of each kind (tests/blob_tiny.h), made again before each row
   in `arm` (its mutations are flags that arm applies to the model, to the
   blob the loaders get, saved then, and to the arena); the writers write
   into a watched buffer, the loaders' outputs and arena are watched: on
   every refusal nothing is written. A loader's arena holds exactly
   ATTN_*_LOAD_BYTES_* (the valid rows prove the high-water mark and the
   bytes kept), or one byte less. test_blob.c has the exhaustive cases
   (every truncation, every byte flipped, each field with the CRC fixed
   up); these rows give each function every status it documents. */
#include <string.h>

#include "bad_input.h"
#include "blob_tiny.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

enum { BLOB_CAP = 5120 }; /* more than the largest tiny blob (4,660 B) */

typedef struct {
    size_t size;
    attn_arena arena;
    attn_model_cfg mc;
    attn_model_weights_f32 mw;
    attn_model_s8_params mp;
    attn_seq2seq_cfg sc;
    attn_seq2seq_weights_f32 sw;
    attn_seq2seq_s8_params sp;
} bb_out;

typedef struct {
    int mut;                 /* the row's mutation, applied by arm      */
    void *buf;               /* the writers' buffer                     */
    size_t cap;
    size_t *sizep;
    const void *cfg, *w;     /* the writers' model (cfg, weights)       */
    void *cfg_out, *w_out;   /* the loaders' outputs                    */
    const void *blob;
    size_t n;
    attn_arena *ap;
    size_t need, keep;       /* the load's arena, and what stays        */
} bb;

static bb *F;
static bb_out *g_o;
static struct {
    tiny_models *t;
    unsigned char *buf, *blob, *mem;
} g_b;

static void bb_init(void)
{
    memset(F, 0, sizeof *F);
}

/* ---- one call per public function ------------------------------------------------ */

static attn_status op_save_model_f32(void)
{
    return attn_model_save_f32(F->buf, F->cap, F->sizep, (const attn_model_cfg *)F->cfg,
                               (const attn_model_weights_f32 *)F->w);
}
static attn_status op_save_model_s8(void)
{
    return attn_model_save_s8(F->buf, F->cap, F->sizep, (const attn_model_cfg *)F->cfg,
                              (const attn_model_s8_params *)F->w);
}
static attn_status op_save_s2s_f32(void)
{
    return attn_seq2seq_save_f32(F->buf, F->cap, F->sizep, (const attn_seq2seq_cfg *)F->cfg,
                                 (const attn_seq2seq_weights_f32 *)F->w);
}
static attn_status op_save_s2s_s8(void)
{
    return attn_seq2seq_save_s8(F->buf, F->cap, F->sizep, (const attn_seq2seq_cfg *)F->cfg,
                                (const attn_seq2seq_s8_params *)F->w);
}
static attn_status op_load_model_f32(void)
{
    return attn_model_load_f32((attn_model_cfg *)F->cfg_out, (attn_model_weights_f32 *)F->w_out,
                               F->blob, F->n, F->ap);
}
static attn_status op_load_model_s8(void)
{
    return attn_model_load_s8((attn_model_cfg *)F->cfg_out, (attn_model_s8_params *)F->w_out,
                              F->blob, F->n, F->ap);
}
static attn_status op_load_s2s_f32(void)
{
    return attn_seq2seq_load_f32((attn_seq2seq_cfg *)F->cfg_out,
                                 (attn_seq2seq_weights_f32 *)F->w_out, F->blob, F->n, F->ap);
}
static attn_status op_load_s2s_s8(void)
{
    return attn_seq2seq_load_s8((attn_seq2seq_cfg *)F->cfg_out, (attn_seq2seq_s8_params *)F->w_out,
                                F->blob, F->n, F->ap);
}

/* ---- mutations: flags, applied in arm -------------------------------------------- */

#define BB_MUTS(X) X(none) X(size_null) X(cfg_null) X(w_null) X(weight_null) X(blob_null) \
    X(arena_null) X(size_query) X(cap_exact_less_1) X(arena_short) X(arena_tiny) X(magic) \
    X(version_future) X(truncated) X(truncated_head) X(crc) X(unaligned) X(other_kind) \
    X(kind_unknown) X(shape) X(dtype) X(offset) X(id) X(cfg_value) X(d_model0) X(act_bad) \
    X(zp_bad) X(trailing) X(window_neg)
#define ENUM_MUT(m) MUT_##m,
enum { BB_MUTS(ENUM_MUT) N_BB_MUTS };
#define MUT_FN(m) static void m(void) { F->mut = MUT_##m; }
BB_MUTS(MUT_FN)
#define MUT_ENTRY(m) {#m, m},
static const bad_mut k_muts[] = {BB_MUTS(MUT_ENTRY)};

#define BB_OPS(X) X(save_model_f32, attn_model_save_f32) X(save_model_s8, attn_model_save_s8) \
    X(save_s2s_f32, attn_seq2seq_save_f32) X(save_s2s_s8, attn_seq2seq_save_s8) \
    X(load_model_f32, attn_model_load_f32) X(load_model_s8, attn_model_load_s8) \
    X(load_s2s_f32, attn_seq2seq_load_f32) X(load_s2s_s8, attn_seq2seq_load_s8)
#define ENUM_OP(s, name) OP_##s,
#define OP_ENTRY(s, name) {#name, op_##s},
enum { BB_OPS(ENUM_OP) N_BB_OPS };
static const bad_op k_ops[] = {BB_OPS(OP_ENTRY)};

#define R(op, mut, want) {OP_##op, MUT_##mut, want, 0}
#define OK ATTN_OK
#define NUL ATTN_ERR_NULL
#define SHP ATTN_ERR_SHAPE
#define RNG ATTN_ERR_RANGE
#define ARN ATTN_ERR_ARENA
#define MAG ATTN_ERR_BLOB_MAGIC
#define VER ATTN_ERR_BLOB_VERSION
#define TRU ATTN_ERR_BLOB_TRUNCATED
#define COR ATTN_ERR_BLOB_CORRUPT
#define UNS ATTN_ERR_BLOB_UNSUPPORTED
/* the rows every writer and every loader has */
#define SAVE_ROWS(op) R(op, none, OK), R(op, size_query, OK), R(op, size_null, NUL), \
    R(op, cfg_null, NUL), R(op, w_null, NUL), R(op, weight_null, NUL), \
    R(op, cap_exact_less_1, ARN), R(op, d_model0, SHP), R(op, window_neg, RNG)
#define LOAD_ROWS(op) R(op, none, OK), R(op, cfg_null, NUL), R(op, w_null, NUL), \
    R(op, blob_null, NUL), R(op, arena_null, NUL), R(op, arena_short, ARN), \
    R(op, arena_tiny, ARN), R(op, magic, MAG), R(op, version_future, VER), \
    R(op, truncated, TRU), R(op, truncated_head, TRU), R(op, crc, COR), R(op, unaligned, UNS), \
    R(op, other_kind, UNS), R(op, kind_unknown, COR), R(op, shape, COR), R(op, dtype, COR), \
    R(op, offset, COR), R(op, id, COR), R(op, cfg_value, COR), R(op, trailing, OK)

static const bad_row k_rows[] = {
    SAVE_ROWS(save_model_f32), R(save_model_f32, act_bad, RNG), SAVE_ROWS(save_model_s8),
    R(save_model_s8, act_bad, RNG), R(save_model_s8, zp_bad, RNG), R(save_s2s_f32, act_bad, RNG),
    /* (the int8 encoder-decoder has no GELU tables: a bad activation is a
       NULL table first) */
    R(save_s2s_s8, act_bad, NUL),
    SAVE_ROWS(save_s2s_f32), SAVE_ROWS(save_s2s_s8), R(save_s2s_s8, zp_bad, RNG),
    LOAD_ROWS(load_model_f32), LOAD_ROWS(load_model_s8), R(load_model_s8, zp_bad, COR),
    LOAD_ROWS(load_s2s_f32), LOAD_ROWS(load_s2s_s8), R(load_s2s_s8, zp_bad, COR),
};

/* ---- the table's hooks ------------------------------------------------------------ */

static void layout(void)
{
    F = (bb *)check_plan_take(sizeof *F);
    g_b.t = (tiny_models *)check_plan_take(sizeof *g_b.t);
    g_b.blob = (unsigned char *)check_plan_take(BLOB_CAP + 8);
    g_b.mem = (unsigned char *)check_plan_take(ATTN_SEQ2SEQ_LOAD_BYTES_S8(1, 1) +
                                                ATTN_MODEL_LOAD_BYTES_S8(1, 1));
    g_b.buf = (unsigned char *)bad_watch(BLOB_CAP, BAD_OUT);
    g_o = (bb_out *)bad_watch(sizeof(bb_out), BAD_OUT);
}

static void setup(void) {}

static int kind_of(int op) { return op % 4 + 1; }

/* the entry of the table's tensor i */
static unsigned char *entry(unsigned char *b, int i)
{
    return b + 32 + 4 * (tiny_rd32(b + 16) + tiny_rd32(b + 20)) + 32 * (size_t)i;
}

static void arm(int op)
{
    int kind = kind_of(op), save = op < OP_load_model_f32, nl, nd;
    tiny_models *t = g_b.t;
    attn_encoder_cfg *e;
    size_t n = 0;
    attn_status st;
    tiny_init(t, kind);
    e = kind == 1 ? &t->mc.encoder : kind == 2 ? &t->mc8.encoder : kind == 3 ? &t->sc.encoder
                                                                             : &t->sc8.encoder;
    /* the writers' model */
    F->cfg = kind == 1 ? (const void *)&t->mc : kind == 2 ? (const void *)&t->mc8
             : kind == 3                      ? (const void *)&t->sc
                                              : (const void *)&t->sc8;
    F->w = kind == 1 ? (const void *)&t->mw : kind == 2 ? (const void *)&t->mp
           : kind == 3                      ? (const void *)&t->sw
                                            : (const void *)&t->sp;
    F->buf = g_b.buf;
    F->cap = BLOB_CAP;
    F->sizep = &g_o->size;
    /* the loaders' blob: the model saved now */
    if (kind == 1) st = attn_model_save_f32(g_b.blob, BLOB_CAP, &n, &t->mc, &t->mw);
    else if (kind == 2) st = attn_model_save_s8(g_b.blob, BLOB_CAP, &n, &t->mc8, &t->mp);
    else if (kind == 3) st = attn_seq2seq_save_f32(g_b.blob, BLOB_CAP, &n, &t->sc, &t->sw);
    else st = attn_seq2seq_save_s8(g_b.blob, BLOB_CAP, &n, &t->sc8, &t->sp);
    if (st != ATTN_OK) n = 0; /* (then the valid row fails) */
    F->blob = g_b.blob;
    F->n = n;
    F->cfg_out = kind <= 2 ? (void *)&g_o->mc : (void *)&g_o->sc;
    F->w_out = kind == 1 ? (void *)&g_o->mw : kind == 2 ? (void *)&g_o->mp
               : kind == 3                      ? (void *)&g_o->sw
                                                : (void *)&g_o->sp;
    F->ap = &g_o->arena;
    nl = kind == 1 ? t->mw.encoder.n_layers : kind == 2 ? t->mp.encoder.n_layers
         : kind == 3                        ? t->sw.encoder.n_layers
                                            : t->sp.encoder.n_layers;
    nd = kind == 3 ? t->sw.decoder.n_layers : kind == 4 ? t->sp.decoder.n_layers : 0;
    F->need = kind == 1 ? ATTN_MODEL_LOAD_BYTES_F32(nl) : kind == 2 ? ATTN_MODEL_LOAD_BYTES_S8(nl, 1)
              : kind == 3 ? ATTN_SEQ2SEQ_LOAD_BYTES_F32(nl, nd) : ATTN_SEQ2SEQ_LOAD_BYTES_S8(nl, nd);
    F->keep = F->need - ATTN_ALIGN_UP(kind == 1 ? sizeof(attn_model_weights_f32)
                                      : kind == 2 ? sizeof(attn_model_s8_params)
                                      : kind == 3 ? sizeof(attn_seq2seq_weights_f32)
                                                  : sizeof(attn_seq2seq_s8_params));
    attn_arena_init(&g_o->arena, g_b.mem, F->need);
    switch (F->mut) {
    case MUT_size_null: F->sizep = NULL; break;
    case MUT_cfg_null: F->cfg = NULL; F->cfg_out = NULL; break;
    case MUT_w_null: F->w = NULL; F->w_out = NULL; break;
    case MUT_weight_null: /* a required tensor */
        if (kind == 1) t->ml[0].ff1_w = NULL;
        else if (kind == 2) t->mpl[0].ff2.requant = NULL;
        else if (kind == 3) t->swd[0].cross_attn.wk = NULL;
        else t->sp.tgt_embed = NULL;
        break;
    case MUT_blob_null: F->blob = NULL; break;
    case MUT_arena_null: F->ap = NULL; break;
    case MUT_size_query: F->buf = NULL; F->cap = 0; break;
    case MUT_cap_exact_less_1: F->cap = n - 1; break;
    case MUT_arena_short: attn_arena_init(&g_o->arena, g_b.mem, F->need - 1); break;
    case MUT_arena_tiny: attn_arena_init(&g_o->arena, g_b.mem, ATTN_ALIGN - 1); break;
    case MUT_magic: g_b.blob[3] = 'X'; break;
    case MUT_version_future: tiny_wr32(g_b.blob + 4, 2); tiny_fix_crc(g_b.blob, n); break;
    case MUT_truncated: F->n = n - 1; break;
    case MUT_truncated_head: F->n = 31; break;
    case MUT_crc: g_b.blob[n / 2] ^= 0x10; break;
    case MUT_unaligned: memmove(g_b.blob + 2, g_b.blob, n); F->blob = g_b.blob + 2; break;
    case MUT_other_kind: tiny_wr32(g_b.blob + 8, (uint32_t)(kind % 4 + 1)); tiny_fix_crc(g_b.blob, n); break;
    case MUT_kind_unknown: tiny_wr32(g_b.blob + 8, 99); tiny_fix_crc(g_b.blob, n); break;
    case MUT_shape: { unsigned char *en = entry(g_b.blob, 1);
        tiny_wr32(en + 12, tiny_rd32(en + 12) + 1); tiny_fix_crc(g_b.blob, n); } break;
    case MUT_dtype: { unsigned char *en = entry(g_b.blob, 2);
        tiny_wr32(en + 8, tiny_rd32(en + 8) % 4 + 1); tiny_fix_crc(g_b.blob, n); } break;
    case MUT_offset: { unsigned char *en = entry(g_b.blob, 0);
        tiny_wr32(en + 20, (uint32_t)n); tiny_fix_crc(g_b.blob, n); } break;
    case MUT_id: { unsigned char *en = entry(g_b.blob, 0);
        tiny_wr32(en, 0x7777u); tiny_fix_crc(g_b.blob, n); } break;
    case MUT_cfg_value: tiny_wr32(g_b.blob + 32 + 8, 0); tiny_fix_crc(g_b.blob, n); break; /* d_ff 0 */
    case MUT_d_model0: e->d_model = 0; break;
    case MUT_act_bad: e->activation = (attn_activation)9; break;
    case MUT_window_neg: e->window = -1; break;
    case MUT_zp_bad:
        if (save) {
            if (kind == 2) t->mp.cls.out_zp = 300;
            else t->sp.out.in_zp = -200;
        } else { /* the first parameter word: an int8 zero point, read */
            tiny_wr32(g_b.blob + 32 + 4 * tiny_rd32(g_b.blob + 16), 300);
            tiny_fix_crc(g_b.blob, n);
        }
        break;
    case MUT_trailing: F->n = n + 8; break;
    default: break;
    }
}

/* a valid writer's row: its size (the query's) and the blob (the loaders'
   blob, saved the same way); a loader's: the arena's high-water mark is
   ATTN_*_LOAD_BYTES_* and what stays the layer structs */
static int ok_extra(int op)
{
    if (op < OP_load_model_f32)
        return g_o->size == F->n && (F->buf == NULL || memcmp(g_b.buf, g_b.blob, F->n) == 0);
    return g_o->arena.high_water == F->need && g_o->arena.used == F->keep;
}

const bad_table bad_table_blob = {
    "model blobs", k_ops, N_BB_OPS, k_muts, N_BB_MUTS, k_rows, N_OF(k_rows),
    layout, setup, bb_init, arm, ok_extra};
