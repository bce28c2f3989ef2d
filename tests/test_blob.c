/* Model blobs (attention.h MODEL BLOBS): the writers and the loaders.
   - The real models: the digits classifier (float and int8), the ViT
     digits classifier (patches, a CLS row, attention pooling; float and
     int8) and the g2p encoder-decoder (float and int8), as blobs that
     tools/blob_model.c made at build time (build/blob/blob_*.h, generated
     C arrays, in flash on a board), loaded and run: the same logits byte
     for byte (classifiers) and the same greedy tokens (encoder-decoders)
     as the model headers give, on the same inputs; the loaded tensors
     point into the blob; the arena takes what ATTN_*_LOAD_BYTES_* say.
     Where RAM holds it (the host: all; a board: BLOB_ROUND_TRIP_BYTES)
     the byte-exact round trip: the library's writer on the header gives
     the tool's blob, and writing the loaded model again gives the same
     bytes. What a board cannot hold is listed as left out: a model's
     header and blob over its flash (BLOB_NO_G2P, BLOB_NO_DIGITS_VIT: the
     micro:bit's 256 KB), a round trip over BLOB_ROUND_TRIP_BYTES, a tiny
     case over the pool.
   - Tiny models of each kind (tests/blob_tiny.h), saved into RAM: the
     size query, a buffer one byte short, save -> load -> save, the same
     outputs (the int8 classifier with a CLS row at its own encoding,
     attn_model_s8_params.cls_row); then every status: NULL pointers, a
     misaligned blob, bad magic, a future version, every truncated
     length, every single byte flipped (never ATTN_OK, nothing written), a
     recorded size the buffer does not hold, a wrong kind, and with the
     CRC fixed up after the change: a shape, dtype, offset, size,
     alignment, id, table count, config value or int8 value corrupted,
     each ATTN_ERR_BLOB_CORRUPT (a future version ATTN_ERR_BLOB_VERSION);
     an arena one byte short; and on every error the outputs and the
     arena's counters as they were. */
#include <stdio.h>
#include <string.h>

#include "blob_tiny.h"
#include "check.h"

#ifndef BLOB_NO_DIGITS
#define DIGITS_MODEL_IMPLEMENTATION
#include "digits_model.h"
#define DIGITS_MODEL_S8_IMPLEMENTATION
#include "digits_model_s8.h"
#include "blob_digits_f32.h"
#include "blob_digits_s8.h"
#endif
#ifndef BLOB_NO_DIGITS_VIT
#define DIGITS_VIT_MODEL_IMPLEMENTATION
#include "digits_vit_model.h"
#define DIGITS_VIT_MODEL_S8_IMPLEMENTATION
#include "digits_vit_model_s8.h"
#include "blob_digits_vit_f32.h"
#include "blob_digits_vit_s8.h"
#endif
#ifndef BLOB_NO_G2P
#define G2P_MODEL_IMPLEMENTATION
#include "g2p_model.h"
#define G2P_MODEL_S8_IMPLEMENTATION
#include "g2p_model_s8.h"
#include "blob_g2p_f32.h"
#include "blob_g2p_s8.h"
#endif

enum { K_MODEL_F32 = 1, K_MODEL_S8 = 2, K_S2S_F32 = 3, K_S2S_S8 = 4 };
static const char *const k_kind_name[5] = {"", "classifier float", "classifier int8",
                                           "encoder-decoder float", "encoder-decoder int8"};

/* one model of any kind: its cfg and weights (or int8 parameters; one
   of them, the micro:bit's RAM is tight) */
typedef struct {
    int kind;
    attn_model_cfg mc;
    attn_seq2seq_cfg sc;
    union {
        attn_model_weights_f32 mw;
        attn_model_s8_params mp;
        attn_seq2seq_weights_f32 sw;
        attn_seq2seq_s8_params sp;
    } u;
} blob_model;

/* a loaded model (one at a time) */
static blob_model g_loaded;

static unsigned g_lcg = 1;
/* the bytes at the pool's start that must outlive a run (a loaded model's
   blob and layer structs) */
static size_t g_keep;
static void pool_reset_keep(void)
{
    check_pool_reset();
    if (g_keep) check_take(g_keep);
}
static unsigned lcg(void)
{
    g_lcg = g_lcg * 1103515245u + 12345u;
    return g_lcg >> 8;
}

static attn_status save_any(int kind, void *buf, size_t cap, size_t *n, const blob_model *m)
{
    switch (kind) {
    case K_MODEL_F32: return attn_model_save_f32(buf, cap, n, &m->mc, &m->u.mw);
    case K_MODEL_S8: return attn_model_save_s8(buf, cap, n, &m->mc, &m->u.mp);
    case K_S2S_F32: return attn_seq2seq_save_f32(buf, cap, n, &m->sc, &m->u.sw);
    default: return attn_seq2seq_save_s8(buf, cap, n, &m->sc, &m->u.sp);
    }
}

/* the loader of `kind` into m (the cfg and struct it fills) */
static attn_status load_any(int kind, blob_model *m, const void *blob, size_t n, attn_arena *a)
{
    switch (kind) {
    case K_MODEL_F32: return attn_model_load_f32(&m->mc, &m->u.mw, blob, n, a);
    case K_MODEL_S8: return attn_model_load_s8(&m->mc, &m->u.mp, blob, n, a);
    case K_S2S_F32: return attn_seq2seq_load_f32(&m->sc, &m->u.sw, blob, n, a);
    default: return attn_seq2seq_load_s8(&m->sc, &m->u.sp, blob, n, a);
    }
}

/* the arena a load of the kind takes (the macros), for these layer counts */
static size_t load_bytes(int kind, int n_enc, int n_dec, int cls_row)
{
    switch (kind) {
    case K_MODEL_F32: return ATTN_MODEL_LOAD_BYTES_F32(n_enc);
    case K_MODEL_S8: return ATTN_MODEL_LOAD_BYTES_S8(n_enc, cls_row);
    case K_S2S_F32: return ATTN_SEQ2SEQ_LOAD_BYTES_F32(n_enc, n_dec);
    default: return ATTN_SEQ2SEQ_LOAD_BYTES_S8(n_enc, n_dec);
    }
}

static void layers_of(const blob_model *m, int *n_enc, int *n_dec)
{
    *n_dec = 0;
    switch (m->kind) {
    case K_MODEL_F32: *n_enc = m->u.mw.encoder.n_layers; break;
    case K_MODEL_S8: *n_enc = m->u.mp.encoder.n_layers; break;
    case K_S2S_F32: *n_enc = m->u.sw.encoder.n_layers; *n_dec = m->u.sw.decoder.n_layers; break;
    default: *n_enc = m->u.sp.encoder.n_layers; *n_dec = m->u.sp.decoder.n_layers; break;
    }
}

/* A tensor of the loaded model that must point into the blob. */
static const void *some_tensor(const blob_model *m)
{
    switch (m->kind) {
    case K_MODEL_F32: return m->u.mw.encoder.layers[0].ff1_w;
    case K_MODEL_S8: return m->u.mp.encoder.layers[0].ff1.w;
    case K_S2S_F32: return m->u.sw.decoder.layers[0].cross_attn.wv;
    default: return m->u.sp.decoder.layers[0].cross_attn.v.requant;
    }
}

/* The model's outputs on input sample s into out [cap] bytes: a
   classifier's logits, an encoder-decoder's greedy tokens and their count.
   The buffers come from the pool (taken and given back by the caller). */
static attn_status run_any(const blob_model *m, int s, unsigned char *out, size_t *n_out)
{
    enum { MAX_ROWS = 16, MAX_IN = 64 }; /* (the digits model's 8 x 8) */
    static float xf[MAX_IN];
    static int8_t x8[MAX_IN];
    static int src[16], toks[32];
    attn_arena arena, store;
    attn_kv_cache cache;
    attn_status st = ATTN_OK;
    size_t need = 0, cache_bytes = 0;
    int i, seq, n_in = 0, n_tok = 0, max_out;
    unsigned char *mem;
    g_lcg = 1000u + (unsigned)s;
    if (m->kind == K_MODEL_F32 || m->kind == K_MODEL_S8) {
        seq = m->mc.max_seq - (m->mc.cls_token != 0);
        if (m->mc.patch > 0) /* an image: its squares (n_in below: its values) */
            seq = (m->mc.image_h / m->mc.patch) * (m->mc.image_w / m->mc.patch);
        if (seq > MAX_ROWS) seq = MAX_ROWS;
        n_in = seq * (m->mc.d_in > 0 ? m->mc.d_in : m->mc.encoder.d_model);
        if (n_in > MAX_IN) return ATTN_ERR_SHAPE;
        for (i = 0; i < n_in; i++) {
            xf[i] = (float)((int)(lcg() % 200u) - 100) / 50.0f;
            x8[i] = (int8_t)((int)(lcg() % 256u) - 128);
        }
        if (m->kind == K_MODEL_F32)
            st = attn_model_scratch_f32(&m->mc, seq, &need);
        else
            st = attn_model_scratch_s8(&m->mc, seq, &need);
        if (st != ATTN_OK) return st;
        mem = (unsigned char *)check_take(need);
        if (!mem) return ATTN_ERR_ARENA;
        attn_arena_init(&arena, mem, need);
        if (m->kind == K_MODEL_F32) {
            st = attn_model_f32((float *)(void *)out, xf, seq, NULL, &m->mc, &m->u.mw, &arena);
            *n_out = (size_t)m->mc.n_classes * sizeof(float);
        } else {
            st = attn_model_s8((int8_t *)out, x8, seq, NULL, &m->mc, &m->u.mp, &arena);
            *n_out = (size_t)m->mc.n_classes;
        }
        return st;
    }
    /* an encoder-decoder: greedy decoding of a source of random tokens
       (never the bos or eos ids 1 and 2 of the g2p model) */
    seq = m->sc.max_src < 6 ? m->sc.max_src : 6;
    for (i = 0; i < seq; i++) src[i] = 3 + (int)(lcg() % (unsigned)(m->sc.src_vocab - 3));
    max_out = m->sc.max_tgt < 32 ? m->sc.max_tgt : 32;
    if (m->kind == K_S2S_F32) {
        attn_kv_cache_bytes_f32(m->u.sw.decoder.n_layers, m->sc.decoder.d_model, m->sc.max_tgt,
                                m->sc.max_src, &cache_bytes);
        st = attn_seq2seq_scratch_f32(&m->sc, &need);
    } else {
        attn_kv_cache_bytes_s8(m->u.sp.decoder.n_layers, m->sc.decoder.d_model, m->sc.max_tgt,
                               m->sc.max_src, &cache_bytes);
        st = attn_seq2seq_scratch_s8(&m->sc, &need);
    }
    if (st != ATTN_OK) return st;
    mem = (unsigned char *)check_take(cache_bytes + need);
    if (!mem) return ATTN_ERR_ARENA;
    attn_arena_init(&store, mem, cache_bytes);
    attn_arena_init(&arena, mem + check_block(cache_bytes), need);
    if (m->kind == K_S2S_F32) {
        st = attn_kv_cache_init_f32(&cache, m->u.sw.decoder.n_layers, m->sc.decoder.d_model,
                                    m->sc.max_tgt, m->sc.max_src, &store);
        if (st == ATTN_OK)
            st = attn_seq2seq_greedy_f32(toks, &n_tok, max_out, src, seq, 1, 2, &cache, &m->sc,
                                         &m->u.sw, &arena);
    } else {
        st = attn_kv_cache_init_s8(&cache, m->u.sp.decoder.n_layers, m->sc.decoder.d_model,
                                   m->sc.max_tgt, m->sc.max_src, &store);
        if (st == ATTN_OK)
            st = attn_seq2seq_greedy_s8(toks, &n_tok, max_out, src, seq, 1, 2, &cache, &m->sc,
                                        &m->u.sp, &arena);
    }
    memcpy(out, &n_tok, sizeof n_tok);
    memcpy(out + sizeof n_tok, toks, (size_t)n_tok * sizeof(int));
    *n_out = sizeof n_tok + (size_t)n_tok * sizeof(int);
    return st;
}

/* the pool run_any takes for m (SIZE_MAX if a query fails) */
static size_t run_bytes(const blob_model *m)
{
    size_t need = 0, cache = 0;
    attn_status st;
    int seq;
    if (m->kind == K_MODEL_F32 || m->kind == K_MODEL_S8) {
        seq = m->mc.max_seq - (m->mc.cls_token != 0);
        if (m->mc.patch > 0) seq = (m->mc.image_h / m->mc.patch) * (m->mc.image_w / m->mc.patch);
        st = m->kind == K_MODEL_F32 ? attn_model_scratch_f32(&m->mc, seq, &need)
                                    : attn_model_scratch_s8(&m->mc, seq, &need);
        return st == ATTN_OK ? check_block(need) : SIZE_MAX;
    }
    if (m->kind == K_S2S_F32)
        st = attn_kv_cache_bytes_f32(m->u.sw.decoder.n_layers, m->sc.decoder.d_model, m->sc.max_tgt,
                                     m->sc.max_src, &cache) == ATTN_OK
                 ? attn_seq2seq_scratch_f32(&m->sc, &need)
                 : ATTN_ERR_SHAPE;
    else
        st = attn_kv_cache_bytes_s8(m->u.sp.decoder.n_layers, m->sc.decoder.d_model, m->sc.max_tgt,
                                    m->sc.max_src, &cache) == ATTN_OK
                 ? attn_seq2seq_scratch_s8(&m->sc, &need)
                 : ATTN_ERR_SHAPE;
    return st == ATTN_OK ? check_block(check_block(cache) + need) : SIZE_MAX;
}

/* a and b (the header's model and the loaded one) give the same outputs,
   byte for byte, on 3 samples */
static void same_outputs(const char *name, const blob_model *a, const blob_model *b)
{
    static unsigned char oa[160], ob[160];
    size_t na = 0, nb = 0;
    int s;
    attn_status sa, sb;
    for (s = 0; s < 3; s++) {
        pool_reset_keep();
        memset(oa, 0x11, sizeof oa);
        memset(ob, 0x22, sizeof ob);
        sa = run_any(a, s, oa, &na);
        pool_reset_keep();
        sb = run_any(b, s, ob, &nb);
        check(sa == ATTN_OK && sb == ATTN_OK && na == nb && memcmp(oa, ob, na) == 0,
              "blob %s, sample %d: the loaded model's outputs (%s) == the header's (%s), %lu "
              "bytes",
              name, s, attn_status_str(sb), attn_status_str(sa), (unsigned long)na);
    }
}

/* Load a blob, check the arena and zero copy; 1 if loaded (its arena
   then stays: g_keep). */
static int load_checked(const char *name, int kind, blob_model *m, const unsigned char *blob,
                        size_t n, int n_enc, int n_dec, int cls_row)
{
    attn_arena arena;
    size_t need = load_bytes(kind, n_enc, n_dec, cls_row), keep;
    unsigned char *mem;
    const unsigned char *t;
    attn_status st;
    int ne = 0, nd = 0;
    pool_reset_keep();
    mem = (unsigned char *)check_take(need);
    if (!check(mem != NULL, "blob %s: %lu B of pool for the load", name, (unsigned long)need))
        return 0;
    memset(m, 0, sizeof *m);
    m->kind = kind;
    attn_arena_init(&arena, mem, need);
    st = load_any(kind, m, blob, n, &arena);
    if (!check(st == ATTN_OK, "blob %s: loads (%s)", name, attn_status_str(st))) return 0;
    g_keep += check_block(need);
    keep = need - ATTN_ALIGN_UP(kind == K_MODEL_F32   ? sizeof(attn_model_weights_f32)
                                : kind == K_MODEL_S8  ? sizeof(attn_model_s8_params)
                                : kind == K_S2S_F32   ? sizeof(attn_seq2seq_weights_f32)
                                                      : sizeof(attn_seq2seq_s8_params));
    check(arena.high_water == need && arena.used == keep,
          "blob %s: the load's arena high-water %lu == ATTN_*_LOAD_BYTES_* %lu, %lu kept",
          name, (unsigned long)arena.high_water, (unsigned long)need, (unsigned long)arena.used);
    layers_of(m, &ne, &nd);
    t = (const unsigned char *)some_tensor(m);
    check(ne == n_enc && nd == n_dec && t >= blob && t < blob + n,
          "blob %s: %d + %d layers, the tensors point into the blob (zero copy)", name, ne, nd);
    return 1;
}

#if !defined(BLOB_NO_DIGITS) || !defined(BLOB_NO_DIGITS_VIT) || !defined(BLOB_NO_G2P)
/* the round trip's buffer: on the host the largest blob (g2p float, 723
   KB); a board build gives BLOB_ROUND_TRIP_BYTES (its RAM: 64 KB holds
   the digits blobs; 0 none) and lists the blobs above it as left out */
#ifndef BLOB_ROUND_TRIP_BYTES
#ifndef BLOB_NO_G2P
#define BLOB_ROUND_TRIP_BYTES (BLOB_G2P_F32_SIZE + 16)
#else
#define BLOB_ROUND_TRIP_BYTES 65536
#endif
#endif
#if BLOB_ROUND_TRIP_BYTES > 0
static unsigned char g_round[BLOB_ROUND_TRIP_BYTES] ATTN_ALIGNED;
#define ROUND_BYTES sizeof g_round
#else
#define ROUND_BYTES 0
#endif

/* A real model: header model h, its blob from the tool. */
static void real_model(const char *name, int kind, const blob_model *h, const unsigned char *blob,
                       size_t n, int n_enc, int n_dec, int cls_row)
{
#define m g_loaded
    size_t q = 0;
    attn_status st = save_any(kind, NULL, 0, &q, h);
    g_keep = 0;
    check(st == ATTN_OK && q == n, "blob %s: the writer's size query %lu == the tool's blob %lu",
          name, (unsigned long)q, (unsigned long)n);
    if (!load_checked(name, kind, &m, blob, n, n_enc, n_dec, cls_row)) return;
    check(kind <= K_MODEL_S8 ? memcmp(&m.mc, &h->mc, sizeof m.mc) == 0
                             : memcmp(&m.sc, &h->sc, sizeof m.sc) == 0,
          "blob %s: the loaded config == the header's", name);
    same_outputs(name, h, &m);
    /* the round trip: header -> blob == the tool's; loaded -> blob == the same */
    if (n > ROUND_BYTES) {
        check_left_out("blob %s: the round trip needs %lu B of RAM, BLOB_ROUND_TRIP_BYTES is %lu",
                       name, (unsigned long)n, (unsigned long)ROUND_BYTES);
        g_keep = 0;
        return;
    }
#if BLOB_ROUND_TRIP_BYTES > 0
    memset(g_round, 0x5A, ROUND_BYTES);
    st = save_any(kind, g_round, ROUND_BYTES, &q, h);
    check(st == ATTN_OK && q == n && memcmp(g_round, blob, n) == 0,
          "blob %s: the writer on the header's model gives the tool's blob byte for byte", name);
    memset(g_round, 0x5A, ROUND_BYTES);
    st = save_any(kind, g_round, ROUND_BYTES, &q, &m);
    check(st == ATTN_OK && q == n && memcmp(g_round, blob, n) == 0,
          "blob %s: save -> load -> save gives the same %lu bytes", name, (unsigned long)n);
#endif
    g_keep = 0;
#undef m
}
#endif

static void real_models(void)
{
    static blob_model h;
#ifndef BLOB_NO_DIGITS
    memset(&h, 0, sizeof h);
    h.kind = K_MODEL_F32;
    h.mc = digits_cfg;
    h.u.mw = digits_weights;
    real_model("digits float", K_MODEL_F32, &h, blob_digits_f32, BLOB_DIGITS_F32_SIZE,
               DIGITS_N_LAYERS, 0, 0);
    h.kind = K_MODEL_S8;
    h.u.mp = digits_s8;
    real_model("digits int8", K_MODEL_S8, &h, blob_digits_s8, BLOB_DIGITS_S8_SIZE,
               DIGITS_N_LAYERS, 0, digits_s8.cls_row != NULL);
#else
    check_left_out("blob digits float and int8: BLOB_NO_DIGITS (this board's flash)");
#endif
#ifndef BLOB_NO_DIGITS_VIT
    /* the ViT digits classifier: patches, a CLS row, attention pooling */
    memset(&h, 0, sizeof h);
    h.kind = K_MODEL_F32;
    h.mc = digits_vit_cfg;
    h.u.mw = digits_vit_weights;
    real_model("digits ViT float", K_MODEL_F32, &h, blob_digits_vit_f32, BLOB_DIGITS_VIT_F32_SIZE,
               DIGITS_VIT_N_LAYERS, 0, 0);
    h.kind = K_MODEL_S8;
    h.u.mp = digits_vit_s8;
    real_model("digits ViT int8", K_MODEL_S8, &h, blob_digits_vit_s8, BLOB_DIGITS_VIT_S8_SIZE,
               DIGITS_VIT_N_LAYERS, 0, digits_vit_s8.cls_row != NULL);
#else
    check_left_out("blob digits ViT float and int8: BLOB_NO_DIGITS_VIT (their headers and blobs: "
                   "108 KB of flash more than this board has)");
#endif
#ifndef BLOB_NO_G2P
    memset(&h, 0, sizeof h);
    h.kind = K_S2S_F32;
    h.sc = g2p_cfg;
    h.u.sw = g2p_weights;
    real_model("g2p float", K_S2S_F32, &h, blob_g2p_f32, BLOB_G2P_F32_SIZE, G2P_N_ENC_LAYERS,
               G2P_N_DEC_LAYERS, 0);
    h.kind = K_S2S_S8;
    h.u.sp = g2p_s8;
    real_model("g2p int8", K_S2S_S8, &h, blob_g2p_s8, BLOB_G2P_S8_SIZE, G2P_N_ENC_LAYERS,
               G2P_N_DEC_LAYERS, 0);
#else
    check_left_out("blob g2p float and int8: BLOB_NO_G2P (the model header and its blob: "
                   "1,443 KB and 460 KB of flash, more than the micro:bit has; their "
                   "arenas, more than the SiFive E's RAM)");
#endif
}

/* ---- tiny blobs: every status ------------------------------------------------- */

/* where the tiny blob's state lives: from the pool */
typedef struct {
    tiny_models t;
    blob_model h;                 /* the tiny model (pointers into t)         */
    blob_model *out;              /* the loader's outputs (0xA5 before a call):
                                     g_loaded, once the loaded model is done with */
    unsigned char *blob, *work;   /* the blob; a copy to corrupt (+ 4 bytes)  */
    size_t n;                     /* its size                                 */
    unsigned char *mem;           /* the arena's buffer                       */
    size_t need;                  /* what the load takes                      */
    size_t roomy;                 /* the corruption tests' arena: for 1 more
                                     layer each side, so that a corrupt layer
                                     count of 2 is not ATTN_ERR_ARENA */
    int n_enc, n_dec;
} tiny_case;

static tiny_case *g_t;

/* every byte of m still 0xA5 */
static int sentinel_kept(const blob_model *m)
{
    const unsigned char *p = (const unsigned char *)m;
    size_t i;
    for (i = 0; i < sizeof *m; i++)
        if (p[i] != 0xA5) return 0;
    return 1;
}

/* load work [n] with an exact arena; the status, and whether on error
   nothing was written (outputs, arena counters) */
static attn_status try_load(int kind, const void *blob, size_t n, int *untouched)
{
    attn_arena a;
    attn_status st;
    size_t used, hw;
    attn_arena_init(&a, g_t->mem, g_t->roomy);
    used = a.used;
    hw = a.high_water;
    memset(g_t->out, 0xA5, sizeof *g_t->out);
    st = load_any(kind, g_t->out, blob, n, &a);
    *untouched = sentinel_kept(g_t->out) && a.used == used && a.high_water == hw;
    return st;
}

static unsigned char *table_entry(unsigned char *b, int i)
{
    uint32_t words = tiny_rd32(b + 16) + tiny_rd32(b + 20);
    return b + 32 + 4 * words + 32 * (size_t)i;
}

/* work = blob with word `off` (bytes) set to v and the CRC fixed up:
   the load's status must be `want` with nothing written */
static void corrupt_word(int kind, const char *what, size_t off, uint32_t v, attn_status want)
{
    int un = 0;
    attn_status st;
    memcpy(g_t->work, g_t->blob, g_t->n);
    tiny_wr32(g_t->work + off, v);
    tiny_fix_crc(g_t->work, g_t->n);
    st = try_load(kind, g_t->work, g_t->n, &un);
    check(st == want && (un || want == ATTN_OK),
          "blob tiny %s: %s (CRC fixed up) -> %s (want %s)%s", k_kind_name[kind], what,
          attn_status_str(st), attn_status_str(want), want == ATTN_OK ? "" : ", nothing written");
}

static void tiny_statuses(int kind)
{
    const char *name = k_kind_name[kind];
    unsigned char *b = g_t->blob, *w = g_t->work, *e;
    size_t n = g_t->n, i, flips_ok = 0, flips_written = 0, trunc_bad = 0;
    size_t total_off = 12;
    int un = 0, other = kind == K_MODEL_F32 ? K_S2S_S8 : K_MODEL_F32, k, n_tab;
    attn_status st;
    attn_arena a;
    /* NULL pointers */
    {
        blob_model *o = g_t->out;
        attn_arena_init(&a, g_t->mem, g_t->need);
        switch (kind) {
        case K_MODEL_F32:
            st = attn_model_load_f32(NULL, &o->u.mw, b, n, &a);
            k = st == ATTN_ERR_NULL && attn_model_load_f32(&o->mc, NULL, b, n, &a) == ATTN_ERR_NULL &&
                attn_model_load_f32(&o->mc, &o->u.mw, NULL, n, &a) == ATTN_ERR_NULL &&
                attn_model_load_f32(&o->mc, &o->u.mw, b, n, NULL) == ATTN_ERR_NULL;
            break;
        case K_MODEL_S8:
            st = attn_model_load_s8(NULL, &o->u.mp, b, n, &a);
            k = st == ATTN_ERR_NULL && attn_model_load_s8(&o->mc, NULL, b, n, &a) == ATTN_ERR_NULL &&
                attn_model_load_s8(&o->mc, &o->u.mp, NULL, n, &a) == ATTN_ERR_NULL &&
                attn_model_load_s8(&o->mc, &o->u.mp, b, n, NULL) == ATTN_ERR_NULL;
            break;
        case K_S2S_F32:
            st = attn_seq2seq_load_f32(NULL, &o->u.sw, b, n, &a);
            k = st == ATTN_ERR_NULL && attn_seq2seq_load_f32(&o->sc, NULL, b, n, &a) == ATTN_ERR_NULL &&
                attn_seq2seq_load_f32(&o->sc, &o->u.sw, NULL, n, &a) == ATTN_ERR_NULL &&
                attn_seq2seq_load_f32(&o->sc, &o->u.sw, b, n, NULL) == ATTN_ERR_NULL;
            break;
        default:
            st = attn_seq2seq_load_s8(NULL, &o->u.sp, b, n, &a);
            k = st == ATTN_ERR_NULL && attn_seq2seq_load_s8(&o->sc, NULL, b, n, &a) == ATTN_ERR_NULL &&
                attn_seq2seq_load_s8(&o->sc, &o->u.sp, NULL, n, &a) == ATTN_ERR_NULL &&
                attn_seq2seq_load_s8(&o->sc, &o->u.sp, b, n, NULL) == ATTN_ERR_NULL;
            break;
        }
        check(k && a.used == 0 && a.high_water == 0,
              "blob tiny %s: each NULL pointer of the loader -> ATTN_ERR_NULL", name);
        k = save_any(kind, NULL, 0, NULL, &g_t->h) == ATTN_ERR_NULL;
        memset(g_t->out, 0, sizeof *g_t->out);
        g_t->out->kind = kind;
        k = k && save_any(kind, NULL, 0, &i, g_t->out) == ATTN_ERR_NULL; /* cfg/weights zero */
        check(k, "blob tiny %s: the writer's NULL size pointer or weights -> ATTN_ERR_NULL", name);
    }
    /* the arena: exact fits (above), one byte short does not */
    attn_arena_init(&a, g_t->mem, g_t->need - 1);
    memset(g_t->out, 0xA5, sizeof *g_t->out);
    st = load_any(kind, g_t->out, b, n, &a);
    check(st == ATTN_ERR_ARENA && a.used == 0 && a.high_water == 0 && sentinel_kept(g_t->out),
          "blob tiny %s: an arena one byte short -> %s, nothing written", name,
          attn_status_str(st));
    /* a blob not 4-byte aligned */
    memcpy(w + 1, b, n);
    st = try_load(kind, w + 1, n, &un);
    check(st == ATTN_ERR_BLOB_UNSUPPORTED && un, "blob tiny %s: at an odd address -> %s", name,
          attn_status_str(st));
    /* another kind's loader */
    st = try_load(other, b, n, &un);
    check(st == ATTN_ERR_BLOB_UNSUPPORTED && un, "blob tiny %s: to the %s loader -> %s", name,
          k_kind_name[other], attn_status_str(st));
    /* magic, version (CRC fixed up or not: these come first) */
    memcpy(w, b, n);
    w[0] ^= 0x20;
    st = try_load(kind, w, n, &un);
    check(st == ATTN_ERR_BLOB_MAGIC && un, "blob tiny %s: bad magic -> %s", name,
          attn_status_str(st));
    corrupt_word(kind, "version 2 (a future version)", 4, 2, ATTN_ERR_BLOB_VERSION);
    corrupt_word(kind, "version 0", 4, 0, ATTN_ERR_BLOB_VERSION);
    corrupt_word(kind, "kind 7 (unknown)", 8, 7, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "kind 5 (a decoder-only LM, not this loader's)", 8, 5,
                 ATTN_ERR_BLOB_UNSUPPORTED);
    /* every truncation; a recorded size beyond the buffer; trailing bytes */
    for (i = 0; i < n; i++) {
        st = try_load(kind, b, i, &un);
        if (st != ATTN_ERR_BLOB_TRUNCATED || !un) trunc_bad++;
    }
    check(trunc_bad == 0, "blob tiny %s: each of the %lu truncated lengths -> "
          "ATTN_ERR_BLOB_TRUNCATED, nothing written (%lu not)", name, (unsigned long)n,
          (unsigned long)trunc_bad);
    corrupt_word(kind, "a recorded size 4 bytes beyond the buffer", total_off,
                 (uint32_t)n + 4, ATTN_ERR_BLOB_TRUNCATED);
    memcpy(w, b, n);
    memset(w + n, 0xEE, 4);
    st = try_load(kind, w, n + 4, &un);
    check(st == ATTN_OK, "blob tiny %s: 4 bytes after the blob are not read (%s)", name,
          attn_status_str(st));
    /* every byte flipped */
    for (i = 0; i < n; i++) {
        memcpy(w, b, n);
        w[i] ^= 0xFF;
        st = try_load(kind, w, n, &un);
        if (st == ATTN_OK) flips_ok++;
        if (!un) flips_written++;
    }
    check(flips_ok == 0 && flips_written == 0,
          "blob tiny %s: each of the %lu bytes flipped -> never ATTN_OK (%lu were), nothing "
          "written (%lu were)", name, (unsigned long)n, (unsigned long)flips_ok,
          (unsigned long)flips_written);
    /* the header's counts and framing, CRC fixed up */
    corrupt_word(kind, "the reserved word 1", 28, 1, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "n_config + 1", 16, tiny_rd32(b + 16) + 1, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "n_params + 1", 20, tiny_rd32(b + 20) + 1, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "n_tensors + 1", 24, tiny_rd32(b + 24) + 1, ATTN_ERR_BLOB_CORRUPT);
    /* (the last entry of each tiny blob is an optional tensor: without it
       the blob is valid, that tensor NULL) */
    corrupt_word(kind, "n_tensors - 1 (the last, optional, tensor absent)", 24,
                 tiny_rd32(b + 24) - 1, ATTN_OK);
    corrupt_word(kind, "n_tensors 2^30", 24, 1u << 30, ATTN_ERR_BLOB_CORRUPT);
    /* the config (words 8.. ): d_model 0, an enum value, a flag 2, eps
       NaN, n_layers 0 and huge */
    corrupt_word(kind, "d_model 0", 32, 0, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "d_model 6 (heads 2, tensors of 4)", 32, 6, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "activation 3", 32 + 12, 3, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "norm_first 2", 32 + 16, 2, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "eps NaN", 32 + 24, 0x7FC00000u, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "eps -1", 32 + 24, 0xBF800000u, ATTN_ERR_BLOB_CORRUPT);
    corrupt_word(kind, "window -1", 32 + 28, 0xFFFFFFFFu, ATTN_ERR_BLOB_CORRUPT);
    if (kind <= K_MODEL_S8) {
        corrupt_word(kind, "position 3", 32 + 40, 3, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "pooling 9", 32 + 44, 9, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "n_classes + 1 (its tensors' shapes then differ)", 32 + 48,
                     TINY_CLS + 1, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "n_layers 0", 32 + 84, 0, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "n_layers 2 (one layer's tensors)", 32 + 84, 2, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "n_layers 2^28", 32 + 84, 1u << 28, ATTN_ERR_BLOB_CORRUPT);
    } else {
        corrupt_word(kind, "decoder causal 0", 32 + 32 + 20, 0, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "tgt_vocab 0", 32 + 68, 0, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "embed_scale Inf", 32 + 84, 0x7F800000u, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "decoder n_layers 2", 32 + 128, 2, ATTN_ERR_BLOB_CORRUPT);
    }
    /* the table: each entry's fields, CRC fixed up */
    n_tab = (int)tiny_rd32(b + 24);
    e = table_entry(b, n_tab / 2);
    {
        size_t eo = (size_t)(e - b);
        uint32_t off = tiny_rd32(e + 20), dt = tiny_rd32(e + 8);
        corrupt_word(kind, "a tensor's id 999 (unknown)", eo, 999, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's layer + 1", eo + 4, tiny_rd32(e + 4) + 1,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's dtype + 1", eo + 8, dt + 1, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's dtype 0", eo + 8, 0, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's rows + 1", eo + 12, tiny_rd32(e + 12) + 1,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's cols + 1", eo + 16, tiny_rd32(e + 16) + 1,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's offset + 4 * 16 past the data (its end out)", eo + 20,
                     (uint32_t)n - 4 - tiny_rd32(e + 24) + 16, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's offset 0 (over the header)", eo + 20, 0,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's offset into the table", eo + 20, (uint32_t)eo,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's offset 0xFFFFFFF0 (overflow)", eo + 20, 0xFFFFFFF0u,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's offset + 1 (misaligned)", eo + 20, off + 1,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's size + 4", eo + 24, tiny_rd32(e + 24) + 4,
                     ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's alignment 3", eo + 28, 3, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's alignment 32", eo + 28, 32, ATTN_ERR_BLOB_CORRUPT);
        corrupt_word(kind, "a tensor's alignment 0", eo + 28, 0, ATTN_ERR_BLOB_CORRUPT);
        /* a smaller alignment the dtype allows is fine: 4 for f32 / s32 /
           qmul, 1 for s8 */
        corrupt_word(kind, "a tensor's alignment its dtype's (4 or 1)", eo + 28,
                     dt == 2 ? 1u : 4u, ATTN_OK);
    }
    /* a duplicated entry (the next one a copy of this one) and a required
       one left out (its id changed to the next id in order is a bad shape,
       to an id of the same part that comes later: out of order) */
    memcpy(w, b, n);
    e = table_entry(w, 0);
    memcpy(e + 32, e, 32);
    tiny_fix_crc(w, n);
    st = try_load(kind, w, n, &un);
    check(st == ATTN_ERR_BLOB_CORRUPT && un, "blob tiny %s: a duplicated entry -> %s", name,
          attn_status_str(st));
    memcpy(w, b, n);
    e = table_entry(w, n_tab - 1);
    memcpy(table_entry(w, n_tab - 2) + 32, table_entry(w, 0), 32); /* the last = the first */
    (void)e;
    tiny_fix_crc(w, n);
    st = try_load(kind, w, n, &un);
    check(st == ATTN_ERR_BLOB_CORRUPT && un, "blob tiny %s: the last entry replaced by the first "
          "(out of order, the last one missing) -> %s", name, attn_status_str(st));
    /* int8: a value the run functions refuse, inside a parameter word and
       inside a tensor (a multiplier's shift) */
    if (kind == K_MODEL_S8 || kind == K_S2S_S8) {
        uint32_t nc = tiny_rd32(b + 16);
        size_t p0 = 32 + 4 * (size_t)nc, qe;
        /* the first words of the params: the model's first linear's in_zp
           (classifier: embed, used; seq2seq: src_pos_add's a_zp) */
        corrupt_word(kind, "an int8 zero point 300", p0, 300, ATTN_ERR_BLOB_CORRUPT);
        /* the first qmul tensor's first shift -> 40 */
        for (k = 0; k < n_tab; k++)
            if (tiny_rd32(table_entry(w, k) + 8) == 4) break;
        qe = tiny_rd32(table_entry(b, k) + 20);
        corrupt_word(kind, "a requant shift of 40 in a tensor", qe + 4, 40, ATTN_ERR_BLOB_CORRUPT);
    }
    /* the f32 classifier: its CRC word itself */
    memcpy(w, b, n);
    w[n - 1] ^= 1;
    st = try_load(kind, w, n, &un);
    check(st == ATTN_ERR_BLOB_CORRUPT && un, "blob tiny %s: the CRC -> %s", name,
          attn_status_str(st));
}

static void tiny_kind(int kind)
{
    const char *name = k_kind_name[kind];
    blob_model *mp = &g_loaded;
    size_t n = 0, q = 0, cap;
    attn_status st;
    int ok, cls_row;
    g_keep = 0;
    check_pool_reset();
    g_t = (tiny_case *)check_take(sizeof *g_t);
    if (!g_t) {
        check_left_out("blob tiny %s: needs %lu B of pool for its case", name,
                       (unsigned long)sizeof *g_t);
        return;
    }
    memset(g_t, 0, sizeof *g_t);
    if (!check(tiny_init(&g_t->t, kind), "blob tiny %s: the model fits blob_tiny.h's arrays", name))
        return;
    g_t->h.kind = kind;
    g_t->h.mc = kind == K_MODEL_F32 ? g_t->t.mc : g_t->t.mc8;
    g_t->h.sc = kind == K_S2S_F32 ? g_t->t.sc : g_t->t.sc8;
    if (kind == K_MODEL_F32) g_t->h.u.mw = g_t->t.mw;
    else if (kind == K_MODEL_S8) g_t->h.u.mp = g_t->t.mp;
    else if (kind == K_S2S_F32) g_t->h.u.sw = g_t->t.sw;
    else g_t->h.u.sp = g_t->t.sp;
    st = save_any(kind, NULL, 0, &n, &g_t->h);
    if (!check(st == ATTN_OK && n > 0, "blob tiny %s: size query %lu (%s)", name,
               (unsigned long)n, attn_status_str(st)))
        return;
    layers_of(&g_t->h, &g_t->n_enc, &g_t->n_dec);
    cls_row = kind == K_MODEL_S8 && g_t->t.mp.cls_row != NULL;
    g_t->need = load_bytes(kind, g_t->n_enc, g_t->n_dec, cls_row);
    g_t->roomy = load_bytes(kind, g_t->n_enc + 1, g_t->n_dec + (g_t->n_dec > 0), 1);
    cap = n + 8;
    {
        /* the case's pool: its blobs, the loads' arenas, a run's buffers */
        size_t rb = run_bytes(&g_t->h), all;
        all = 2 * check_block(cap) + check_block(g_t->roomy) + check_block(g_t->need);
        if (rb == SIZE_MAX || !check_fits(all + rb, "blob tiny %s (after its %lu B case)", name,
                                          (unsigned long)check_block(sizeof *g_t)))
            return;
    }
    g_t->blob = (unsigned char *)check_take(cap);
    g_t->work = (unsigned char *)check_take(cap);
    g_t->mem = (unsigned char *)check_take(g_t->roomy);
    if (!g_t->blob || !g_t->work || !g_t->mem) {
        check_left_out("blob tiny %s: needs %lu B of pool", name,
                       (unsigned long)(sizeof *g_t + 2 * cap + g_t->roomy));
        return;
    }
    g_t->n = n;
    g_keep = check_block(sizeof *g_t) + 2 * check_block(cap) + check_block(g_t->roomy);
    /* the writer: one byte short writes nothing; exact: the query's size */
    memset(g_t->blob, 0x5A, cap);
    st = save_any(kind, g_t->blob, n - 1, &q, &g_t->h);
    ok = st == ATTN_ERR_ARENA && q == 0;
    for (q = 0; q < cap && ok; q++) ok = g_t->blob[q] == 0x5A;
    check(ok, "blob tiny %s: a buffer one byte short -> %s, nothing written", name,
          attn_status_str(st));
    st = save_any(kind, g_t->blob, n, &q, &g_t->h);
    check(st == ATTN_OK && q == n && g_t->blob[n] == 0x5A && tiny_rd32(g_t->blob + 12) == n &&
              tiny_crc32(g_t->blob, n - 4) == tiny_rd32(g_t->blob + n - 4),
          "blob tiny %s: %lu bytes, its recorded size and zlib's CRC-32 of the bytes before it",
          name, (unsigned long)n);
    /* load, the same outputs, the round trip */
    if (!load_checked(name, kind, mp, g_t->blob, n, g_t->n_enc, g_t->n_dec, cls_row)) return;
    check(kind != K_MODEL_S8 ||
              (mp->u.mp.cls_row &&
               (const unsigned char *)mp->u.mp.cls_row->x0 >= g_t->blob &&
               (const unsigned char *)mp->u.mp.cls_row->x0 < g_t->blob + n),
          "blob tiny %s: the CLS row at its own encoding loaded (x0 in the blob)", name);
    memset(g_t->work, 0x5A, cap);
    st = save_any(kind, g_t->work, cap, &q, mp);
    check(st == ATTN_OK && q == n && memcmp(g_t->work, g_t->blob, n) == 0,
          "blob tiny %s: save -> load -> save gives the same bytes", name);
    same_outputs(name, &g_t->h, mp);
    pool_reset_keep();
    g_t->out = mp;
    tiny_statuses(kind);
    g_keep = 0;
}

void test_blob(void)
{
    int k;
    printf("model blobs\n");
    real_models();
    for (k = K_MODEL_F32; k <= K_S2S_S8; k++) {
#ifdef BLOB_TINY_CLASSIFIERS_ONLY
        if (k > K_MODEL_S8) {
            check_left_out("blob tiny %s: BLOB_TINY_CLASSIFIERS_ONLY (this board's RAM)",
                           k_kind_name[k]);
            continue;
        }
#endif
        tiny_kind(k);
    }
}
