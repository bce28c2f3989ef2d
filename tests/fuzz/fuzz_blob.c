/* fuzz_blob.c - libFuzzer target for the model-blob loaders of attention.h
   (attn_model_load_f32/_s8, attn_seq2seq_load_f32/_s8) and, on what they
   accept, the writers (attn_model_save_*, attn_seq2seq_save_*).

   The input is the blob. It is copied into a buffer of exactly its size
   (malloc: 16-byte aligned, its end the allocation's end, so ASan sees any
   read past it), and given to each of the four loaders; then the same
   again with the CRC word at the blob's recorded size fixed up (so that
   the fuzzer's changes reach the checks behind the CRC). Checked:
     - every refusal writes nothing: the cfg and struct outputs keep their
       sentinel bytes, the arena's used and high_water are unchanged;
     - at most one loader accepts a blob (its kind), and what it accepts:
       the arena's high-water mark is ATTN_*_LOAD_BYTES_* for the layer
       counts (and CLS row) loaded, the kept part the layer structs;
       every tensor pointer is NULL or inside the blob;
     - the loaded model runs (the run functions accept every blob the
       loader accepts): a classifier on a fixed small input (features, an
       image or token ids, as its config says), an encoder-decoder greedy
       on a fixed source of token ids (a source with a front end: encoded
       by attn_seq2seq_encode_ex_* on fixed features / image / ids), with
       arenas from the scratch queries (skipped above 64 MB of scratch);
     - the writer on the loaded model gives a blob the loader accepts, and
       writing that one again gives the same bytes (the canonical form). */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "fuzz.h"

enum { FB_BIG = 64 << 20 };

typedef struct {
    attn_model_cfg mc;
    attn_seq2seq_cfg sc;
    attn_model_weights_f32 mw;
    attn_model_s8_params mp;
    attn_seq2seq_weights_f32 sw;
    attn_seq2seq_s8_params sp;
} fb_out;

static uint32_t fb_crc32(const unsigned char *p, size_t n)
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

static uint32_t fb_rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static attn_status fb_load(int kind, fb_out *o, const void *b, size_t n, attn_arena *a)
{
    switch (kind) {
    case 1: return attn_model_load_f32(&o->mc, &o->mw, b, n, a);
    case 2: return attn_model_load_s8(&o->mc, &o->mp, b, n, a);
    case 3: return attn_seq2seq_load_f32(&o->sc, &o->sw, b, n, a);
    default: return attn_seq2seq_load_s8(&o->sc, &o->sp, b, n, a);
    }
}

static attn_status fb_save(int kind, const fb_out *o, void *b, size_t cap, size_t *n)
{
    switch (kind) {
    case 1: return attn_model_save_f32(b, cap, n, &o->mc, &o->mw);
    case 2: return attn_model_save_s8(b, cap, n, &o->mc, &o->mp);
    case 3: return attn_seq2seq_save_f32(b, cap, n, &o->sc, &o->sw);
    default: return attn_seq2seq_save_s8(b, cap, n, &o->sc, &o->sp);
    }
}

/* every pointer field of the loaded struct (the layer arrays apart) is NULL
   or points into [b, b + n): checked on a few that every kind has */
static int fb_inside(const void *p, const unsigned char *b, size_t n)
{
    const unsigned char *q = (const unsigned char *)p;
    return !p || (q >= b && q < b + n);
}

static void *fb_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    FZ_CHECK(p != NULL, "out of memory");
    return p;
}

/* a classifier's run on a fixed input */
static void fb_run_model(int kind, const fb_out *o)
{
    const attn_model_cfg *c = &o->mc;
    int seq, i, n_in, tokens = c->vocab > 0;
    size_t need = 0;
    attn_status st;
    attn_arena ar;
    void *mem, *in, *logits;
    int *tok = NULL, *seg = NULL;
    if (c->patch > 0) {
        seq = (c->image_h / c->patch) * (c->image_w / c->patch);
        n_in = c->channels * c->image_h * c->image_w;
    } else {
        seq = c->max_seq - (c->cls_token != 0);
        if (seq > 3) seq = 3;
        n_in = seq * (c->d_in > 0 ? c->d_in : c->encoder.d_model);
    }
    st = kind == 1 ? attn_model_scratch_f32(c, seq, &need) : attn_model_scratch_s8(c, seq, &need);
    FZ_STATUS(st, ATTN_OK);
    if (need > FB_BIG || n_in > (1 << 20)) return;
    mem = fb_alloc(need);
    in = fb_alloc((size_t)n_in * 4);
    logits = fb_alloc((size_t)c->n_classes * 4);
    for (i = 0; i < n_in; i++) {
        if (kind == 1) ((float *)in)[i] = (float)(i % 7 - 3) * 0.25f;
        else ((int8_t *)in)[i] = (int8_t)(i * 37 % 256 - 128);
    }
    if (tokens) {
        tok = (int *)fb_alloc((size_t)seq * sizeof(int));
        seg = (int *)fb_alloc((size_t)seq * sizeof(int));
        for (i = 0; i < seq; i++) {
            tok[i] = i % c->vocab;
            seg[i] = c->n_segments > 0 ? i % c->n_segments : 0;
        }
    }
    attn_arena_init(&ar, mem, need);
    if (kind == 1)
        st = tokens ? attn_model_tokens_f32((float *)logits, tok, seg, seq, NULL, c, &o->mw, &ar)
                    : attn_model_f32((float *)logits, (const float *)in, seq, NULL, c, &o->mw, &ar);
    else
        st = tokens ? attn_model_tokens_s8((int8_t *)logits, tok, seg, seq, NULL, c, &o->mp, &ar)
                    : attn_model_s8((int8_t *)logits, (const int8_t *)in, seq, NULL, c, &o->mp,
                                    &ar);
    FZ_STATUS(st, ATTN_OK);
    free(mem);
    free(in);
    free(logits);
    free(tok);
    free(seg);
}

/* an encoder-decoder's greedy run (a plain source) or encode (a front end) */
static void fb_run_s2s(int kind, const fb_out *o)
{
    const attn_seq2seq_cfg *c = &o->sc;
    int n_dec = kind == 3 ? o->sw.decoder.n_layers : o->sp.decoder.n_layers;
    int front = c->src_d_in != 0 || c->src_patch != 0 || c->src_cls_token || c->src_segments != 0;
    int src_len, i, n_out = 0, n_in = 0, max_out;
    size_t need = 0, cb = 0;
    attn_status st;
    attn_arena ar, store;
    attn_kv_cache cache;
    void *mem, *cm, *in = NULL;
    int src[3], seg[3], out[8];
    st = kind == 3 ? attn_seq2seq_scratch_f32(c, &need) : attn_seq2seq_scratch_s8(c, &need);
    FZ_STATUS(st, ATTN_OK);
    st = kind == 3 ? attn_kv_cache_bytes_f32(n_dec, c->decoder.d_model, c->max_tgt, c->max_src, &cb)
                   : attn_kv_cache_bytes_s8(n_dec, c->decoder.d_model, c->max_tgt, c->max_src, &cb);
    if (st != ATTN_OK || need > FB_BIG || cb > FB_BIG) return;
    if (c->src_patch > 0) {
        src_len = (c->src_image_h / c->src_patch) * (c->src_image_w / c->src_patch);
        n_in = c->src_channels * c->src_image_h * c->src_image_w;
    } else {
        src_len = c->max_src - (c->src_cls_token != 0);
        if (src_len > 3) src_len = 3;
        n_in = c->src_d_in * src_len;
    }
    if (n_in > (1 << 20)) return;
    for (i = 0; i < 3; i++) {
        src[i] = c->src_vocab > 0 ? i % c->src_vocab : 0;
        seg[i] = c->src_segments > 0 ? i % c->src_segments : 0;
    }
    mem = fb_alloc(need);
    cm = fb_alloc(cb);
    attn_arena_init(&ar, mem, need);
    attn_arena_init(&store, cm, cb);
    st = kind == 3 ? attn_kv_cache_init_f32(&cache, n_dec, c->decoder.d_model, c->max_tgt,
                                            c->max_src, &store)
                   : attn_kv_cache_init_s8(&cache, n_dec, c->decoder.d_model, c->max_tgt,
                                           c->max_src, &store);
    FZ_STATUS(st, ATTN_OK);
    max_out = c->max_tgt < 8 ? c->max_tgt : 8;
    if (!front) {
        st = kind == 3 ? attn_seq2seq_greedy_f32(out, &n_out, max_out, src, src_len, 0,
                                                 c->tgt_vocab - 1, &cache, c, &o->sw, &ar)
                       : attn_seq2seq_greedy_s8(out, &n_out, max_out, src, src_len, 0,
                                                c->tgt_vocab - 1, &cache, c, &o->sp, &ar);
        FZ_STATUS(st, ATTN_OK);
    } else {
        const int *ids = c->src_d_in > 0 ? NULL : src;
        in = fb_alloc((size_t)n_in * 4 + 4);
        for (i = 0; i < n_in; i++) {
            if (kind == 3) ((float *)in)[i] = (float)(i % 5 - 2) * 0.5f;
            else ((int8_t *)in)[i] = (int8_t)(i * 29 % 256 - 128);
        }
        st = kind == 3 ? attn_seq2seq_encode_ex_f32(&cache, ids ? NULL : (const float *)in, ids,
                                                    c->src_segments > 0 ? seg : NULL, src_len,
                                                    c, &o->sw, &ar)
                       : attn_seq2seq_encode_ex_s8(&cache, ids ? NULL : (const int8_t *)in, ids,
                                                   c->src_segments > 0 ? seg : NULL, src_len,
                                                   c, &o->sp, &ar);
        FZ_STATUS(st, ATTN_OK);
    }
    free(mem);
    free(cm);
    free(in);
}

static int fb_layers(int kind, const fb_out *o, int *n_dec, int *cls_row)
{
    *n_dec = 0;
    *cls_row = 0;
    switch (kind) {
    case 1: return o->mw.encoder.n_layers;
    case 2: *cls_row = o->mp.cls_row != NULL; return o->mp.encoder.n_layers;
    case 3: *n_dec = o->sw.decoder.n_layers; return o->sw.encoder.n_layers;
    default: *n_dec = o->sp.decoder.n_layers; return o->sp.encoder.n_layers;
    }
}

static size_t fb_need(int kind, int n, int d, int cls_row, size_t *keep)
{
    size_t all;
    switch (kind) {
    case 1: all = ATTN_MODEL_LOAD_BYTES_F32(n); *keep = all - ATTN_ALIGN_UP(sizeof(attn_model_weights_f32)); break;
    case 2: all = ATTN_MODEL_LOAD_BYTES_S8(n, cls_row); *keep = all - ATTN_ALIGN_UP(sizeof(attn_model_s8_params)); break;
    case 3: all = ATTN_SEQ2SEQ_LOAD_BYTES_F32(n, d); *keep = all - ATTN_ALIGN_UP(sizeof(attn_seq2seq_weights_f32)); break;
    default: all = ATTN_SEQ2SEQ_LOAD_BYTES_S8(n, d); *keep = all - ATTN_ALIGN_UP(sizeof(attn_seq2seq_s8_params)); break;
    }
    return all;
}

/* the loaded model's writer, then loader and writer again */
static void fb_resave(int kind, const fb_out *o)
{
    size_t n = 0, n2 = 0, i;
    unsigned char *b, *b2, *mem;
    attn_arena ar;
    fb_out *o2 = (fb_out *)fb_alloc(sizeof *o2);
    attn_status st = fb_save(kind, o, NULL, 0, &n);
    FZ_STATUS(st, ATTN_OK);
    b = (unsigned char *)fb_alloc(n);
    b2 = (unsigned char *)fb_alloc(n);
    FZ_STATUS(fb_save(kind, o, b, n, &n2), ATTN_OK);
    FZ_CHECK(n2 == n, "the size query differs from the size written");
    mem = (unsigned char *)fb_alloc(1 << 16);
    attn_arena_init(&ar, mem, 1 << 16);
    st = fb_load(kind, o2, b, n, &ar);
    if (st == ATTN_ERR_ARENA) goto done; /* (many layers) */
    FZ_STATUS(st, ATTN_OK);
    FZ_STATUS(fb_save(kind, o2, b2, n, &n2), ATTN_OK);
    FZ_CHECK(n2 == n, "the canonical blob's size changed");
    for (i = 0; i < n; i++) FZ_CHECK(b[i] == b2[i], "save -> load -> save changed a byte");
done:
    free(b);
    free(b2);
    free(mem);
    free(o2);
}

static void fb_try(const unsigned char *b, size_t n)
{
    fb_out *o = (fb_out *)fb_alloc(sizeof *o), *sent = (fb_out *)fb_alloc(sizeof *sent);
    unsigned char *mem = (unsigned char *)fb_alloc(1 << 16);
    attn_arena ar;
    int kind, ok = 0;
    memset(sent, 0xA5, sizeof *sent);
    for (kind = 1; kind <= 4; kind++) {
        attn_status st;
        int n_enc, n_dec, cls_row;
        size_t need, keep;
        memcpy(o, sent, sizeof *o);
        attn_arena_init(&ar, mem, 1 << 16);
        st = fb_load(kind, o, b, n, &ar);
        if (st != ATTN_OK) {
            FZ_CHECK(memcmp(o, sent, sizeof *o) == 0, "a refused blob wrote an output");
            FZ_CHECK(ar.used == 0 && ar.high_water == 0, "a refused blob changed the arena");
            FZ_CHECK(st == ATTN_ERR_ARENA || (st >= ATTN_ERR_BLOB_MAGIC && st <= ATTN_ERR_BLOB_UNSUPPORTED),
                     "a status a loader does not document");
            continue;
        }
        ok++;
        n_enc = fb_layers(kind, o, &n_dec, &cls_row);
        need = fb_need(kind, n_enc, n_dec, cls_row, &keep);
        FZ_CHECK(ar.high_water == need && ar.used == keep, "the load's arena is not its macro's");
        FZ_CHECK(fb_rd32(b + 8) == (uint32_t)kind, "a loader accepted another kind");
        if (kind == 1)
            FZ_CHECK(fb_inside(o->mw.cls_w, b, n) && fb_inside(o->mw.embed_w, b, n) &&
                         fb_inside(o->mw.encoder.layers[0].attn.wq, b, n),
                     "a tensor outside the blob");
        if (kind == 2)
            FZ_CHECK(fb_inside(o->mp.cls.w, b, n) && fb_inside(o->mp.cls.requant, b, n) &&
                         fb_inside(o->mp.encoder.layers[0].attn.q.w, b, n),
                     "a tensor outside the blob");
        if (kind == 3)
            FZ_CHECK(fb_inside(o->sw.out_w, b, n) && fb_inside(o->sw.decoder.layers[0].ff2_w, b, n),
                     "a tensor outside the blob");
        if (kind == 4)
            FZ_CHECK(fb_inside(o->sp.out.w, b, n) &&
                         fb_inside(o->sp.decoder.layers[0].cross_attn.k.requant, b, n),
                     "a tensor outside the blob");
        if (kind <= 2) fb_run_model(kind, o);
        else fb_run_s2s(kind, o);
        fb_resave(kind, o);
    }
    FZ_CHECK(ok <= 1, "two loaders accepted one blob");
    free(o);
    free(sent);
    free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *b = (unsigned char *)fb_alloc(size);
    uint32_t total;
    fz_fn = "attn_*_load_*";
    if (size) memcpy(b, data, size);
    fb_try(b, size);
    /* the CRC fixed up at the recorded size */
    if (size >= 36) {
        total = fb_rd32(b + 12);
        if (total >= 36 && total <= size && total % 4 == 0) {
            uint32_t c = fb_crc32(b, total - 4);
            b[total - 4] = (unsigned char)(c & 0xFFu);
            b[total - 3] = (unsigned char)(c >> 8 & 0xFFu);
            b[total - 2] = (unsigned char)(c >> 16 & 0xFFu);
            b[total - 1] = (unsigned char)(c >> 24);
            fb_try(b, size);
        }
    }
    free(b);
    return 0;
}
