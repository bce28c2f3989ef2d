/* fuzz.h - what the fuzz targets share: a reader that turns the fuzz input
   into choices and data, guarded buffers (canaries before and after every
   output), before/after snapshots (an error leaves every output and every
   in-place input byte for byte as it was; a const input is never written),
   arenas of a chosen size, and the failure report (abort(), which libFuzzer
   and the replay driver both report as a crash).

   Each target is one C file that includes this header after attention.h
   (with ATTN_IMPLEMENTATION) and defines LLVMFuzzerTestOneInput. Built by
   clang -fsanitize=fuzzer,address,undefined (make fuzz) or linked with
   replay.c (make test: the committed corpus under ASan + UBSan, 64- and
   32-bit). Test code: malloc and stdio are fine here. */
#ifndef FUZZ_H
#define FUZZ_H

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- failure ------------------------------------------------------------- */

static const char *fz_fn = "?"; /* the public function under test */

static inline void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "fuzz: %s:%d: %s (testing %s)\n", file, line, what, fz_fn);
    fflush(stderr);
    abort();
}
#define FZ_CHECK(c, what)                                                                 \
    do {                                                                                  \
        if (!(c)) fz_fail(__FILE__, __LINE__, what);                                      \
    } while (0)

/* the status a call returned must be the documented one */
#define FZ_STATUS(got, want)                                                              \
    do {                                                                                  \
        attn_status g_ = (got), w_ = (want);                                              \
        if (g_ != w_) {                                                                   \
            fprintf(stderr, "fuzz: status %d (%s), documented %d (%s)\n", (int)g_,        \
                    attn_status_str(g_), (int)w_, attn_status_str(w_));                   \
            fz_fail(__FILE__, __LINE__, "wrong status");                                  \
        }                                                                                 \
    } while (0)

/* ---- the input: choices, then data ---------------------------------------
   Bytes are taken from the fuzz input in order; once it is used up, from a
   generator seeded by the input, so a short input still fills any buffer
   (and the same input always gives the same run). */
typedef struct {
    const uint8_t *p;
    size_t n;
    uint32_t s;
} fz_in;

static inline void fz_begin(fz_in *in, const uint8_t *data, size_t size)
{
    size_t i;
    in->p = data;
    in->n = size;
    in->s = 2166136261u;
    for (i = 0; i < size; i++) in->s = (in->s ^ data[i]) * 16777619u;
    if (in->s == 0) in->s = 1;
}

static inline uint32_t fz_u8(fz_in *in)
{
    if (in->n > 0) {
        in->n--;
        return *in->p++;
    }
    in->s ^= in->s << 13;
    in->s ^= in->s >> 17;
    in->s ^= in->s << 5;
    return in->s >> 24;
}

/* (one byte per statement: the order of operands is unspecified in C) */
static inline uint32_t fz_u16(fz_in *in)
{
    uint32_t lo = fz_u8(in);
    return lo | fz_u8(in) << 8;
}
static inline uint32_t fz_u32(fz_in *in)
{
    uint32_t lo = fz_u16(in);
    return lo | fz_u16(in) << 16;
}
/* 0..n-1 */
static inline int fz_pick(fz_in *in, int n) { return (int)(fz_u8(in) % (uint32_t)n); }
/* 1 with probability k/256 */
static inline int fz_chance(fz_in *in, int k) { return (int)fz_u8(in) < k; }

/* ---- sizes ----------------------------------------------------------------
   A size is small (1..max, buffers are allocated for it) or, rarely, wild:
   0, negative, at a documented limit or past it, near INT_MAX. A call with a
   wild size gets one-element buffers and must fail; the targets call it only
   when the documented checks say it must. */
static const int fz_wild_sizes[] = {0,         -1,           -2,          INT_MIN,    INT_MIN + 1,
                                    INT_MAX,   INT_MAX - 1,  46341,       65536,      (1 << 20),
                                    (1 << 24) + 1, (1 << 30), 2048,       2049,       32768,
                                    32769,     1 << 16,      1 << 28,     (1 << 28) + 1, 1 << 29,
                                    (1 << 28) - 1, 1 << 27,  1000000000,  16385};

static inline int fz_size(fz_in *in, int max, int *wild)
{
    uint32_t b = fz_u8(in);
    if (b < 244) return 1 + (int)(b % (uint32_t)max);
    *wild = 1;
    return fz_wild_sizes[fz_u8(in) % (sizeof fz_wild_sizes / sizeof fz_wild_sizes[0])];
}

/* ERRORS: every size must be in 1..ATTN_MAX_DIM (2^28), else ATTN_ERR_SHAPE */
static inline int fz_dim_bad(int v) { return v <= 0 || v > ATTN_MAX_DIM; }

/* a head count: 1..4 (which may not divide d_model), or rarely 0, negative,
   huge */
static inline int fz_heads(fz_in *in)
{
    static const int odd[] = {0, -1, INT_MIN, 3, 5, 7, INT_MAX, 16, 2048};
    if (fz_pick(in, 16)) return 1 + fz_pick(in, 4);
    return odd[fz_pick(in, (int)(sizeof odd / sizeof odd[0]))];
}

/* ---- local attention -------------------------------------------------------
   A window (attn_mha_cfg / attn_encoder_cfg .window): 0 (none) half the
   time, else 1, 2..3, span - 1, span, span + 1 (span: the longest side of
   the attention), INT_MAX - 1, INT_MAX, or (1 in 16) negative: -1, INT_MIN
   (ATTN_ERR_RANGE). */
static inline int fz_window(fz_in *in, int span)
{
    static const int neg[] = {-1, INT_MIN, -2, INT_MIN + 1};
    int s = span > 0 && span < 1000 ? span : 6;
    switch (fz_pick(in, 16)) {
    case 8: case 9: return 1;
    case 10: return 2 + fz_pick(in, 2);
    case 11: return s > 1 ? s - 1 : 1;
    case 12: return s;
    case 13: return s + 1;
    case 14: return fz_pick(in, 2) ? INT_MAX : INT_MAX - 1;
    case 15: return neg[fz_pick(in, 4)];
    default: return 0;
    }
}

/* MASKS: whether query i sees key j (not padded; j <= i if causal;
   |i - j| <= window if window >= 1). i, j < 2^28. */
static inline int fz_sees(const uint8_t *pad, int causal, int window, int i, int j)
{
    int dist = i > j ? i - j : j - i;
    return !(pad && pad[j]) && !(causal && j > i) && !(window > 0 && dist > window);
}

/* The rows [*lo, *hi] query i of n sees through its window and causal flag
   (padding aside). */
static inline void fz_key_span(int i, int n, int causal, int window, int *lo, int *hi)
{
    *lo = window > 0 && i > window ? i - window : 0;
    *hi = causal ? i : window > 0 && n - 1 - i > window ? i + window : n - 1;
}

/* n floats equal bit for bit, or both NaN */
static inline int fz_same_f32(const float *a, const float *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0 && !(a[i] != a[i] && b[i] != b[i])) return 0;
    return 1;
}

/* ---- guarded buffers -----------------------------------------------------
   Every buffer the targets pass is its own malloc block (so ASan sees a read
   past an input) with FZ_GUARD canary bytes before and after (so a write
   past an output is seen even inside the block). Up to FZ_MAX_BUFS per run,
   all freed by fz_free_all. */
#define FZ_GUARD 64
#define FZ_MAX_BUFS 160
#define FZ_CANARY 0xA5

typedef struct {
    unsigned char *raw;  /* malloc'd: guard, n bytes, guard               */
    size_t n;
    unsigned char *snap; /* copy of raw taken by fz_snap, or NULL          */
    int role;            /* 0: an output or in-place input, 1: const input,
                            2: free arena memory a failing call may have used
                            (canaries only; see fz_scratch) */
} fz_buf;

static fz_buf fz_bufs[FZ_MAX_BUFS];
static int fz_nbufs;

static inline void *fz_alloc(size_t n, int role)
{
    fz_buf *b;
    FZ_CHECK(fz_nbufs < FZ_MAX_BUFS, "harness: too many buffers");
    b = &fz_bufs[fz_nbufs++];
    b->raw = (unsigned char *)malloc(n + 2 * FZ_GUARD);
    FZ_CHECK(b->raw != NULL, "harness: out of memory");
    memset(b->raw, FZ_CANARY, n + 2 * FZ_GUARD);
    b->n = n;
    b->snap = NULL;
    b->role = role;
    return b->raw + FZ_GUARD;
}
/* an output (or a buffer the call may change in place) */
static inline void *fz_out(size_t n) { return fz_alloc(n, 0); }
/* an input the call must not change */
static inline void *fz_const(size_t n) { return fz_alloc(n, 1); }

static inline void fz_free_all(void)
{
    int i;
    for (i = 0; i < fz_nbufs; i++) {
        free(fz_bufs[i].raw);
        free(fz_bufs[i].snap);
    }
    fz_nbufs = 0;
}

/* Copies of every buffer as it is now (before a call). */
static inline void fz_snap(void)
{
    int i;
    for (i = 0; i < fz_nbufs; i++) {
        fz_buf *b = &fz_bufs[i];
        free(b->snap);
        b->snap = (unsigned char *)malloc(b->n + 2 * FZ_GUARD);
        FZ_CHECK(b->snap != NULL, "harness: out of memory");
        memcpy(b->snap, b->raw, b->n + 2 * FZ_GUARD);
    }
}

static inline int fz_guards_intact(const fz_buf *b)
{
    size_t i;
    for (i = 0; i < FZ_GUARD; i++)
        if (b->raw[i] != FZ_CANARY || b->raw[FZ_GUARD + b->n + i] != FZ_CANARY) return 0;
    return 1;
}

/* The buffer holding p becomes role 2 (its bytes are not compared after an
   error, its canaries are). */
static inline void fz_scratch(const void *p)
{
    int i;
    for (i = 0; i < fz_nbufs; i++)
        if ((const unsigned char *)p >= fz_bufs[i].raw &&
            (const unsigned char *)p < fz_bufs[i].raw + fz_bufs[i].n + 2 * FZ_GUARD)
            fz_bufs[i].role = 2;
}

/* After a call that returned `ok` (nonzero: ATTN_OK): every canary intact,
   every const input unchanged, and after an error every buffer unchanged. */
static inline void fz_after(int ok)
{
    int i;
    for (i = 0; i < fz_nbufs; i++) {
        const fz_buf *b = &fz_bufs[i];
        FZ_CHECK(fz_guards_intact(b), "a canary before or after a buffer was overwritten");
        if (!b->snap) continue;
        if (b->role == 1)
            FZ_CHECK(memcmp(b->snap, b->raw, b->n + 2 * FZ_GUARD) == 0, "a const input was changed");
        else if (!ok && b->role == 0)
            FZ_CHECK(memcmp(b->snap, b->raw, b->n + 2 * FZ_GUARD) == 0,
                     "an output was written by a call that returned an error");
    }
}

/* ---- arenas --------------------------------------------------------------
   fz_arena makes an arena whose free space is `free_bytes` (a multiple of
   ATTN_ALIGN) over a guarded buffer: the buffer starts at an offset 0..
   ATTN_ALIGN-1 from an aligned address, and `pre` bytes (a multiple of
   ATTN_ALIGN) are allocated from it first, so that used > 0 on entry. */
typedef struct {
    attn_arena a, before;
    unsigned char *buf; /* the buffer handed to attn_arena_init */
    size_t buf_bytes;
} fz_arena;

static inline void fz_arena_make(fz_arena *z, size_t free_bytes, size_t pre, unsigned offset,
                          unsigned tail)
{
    unsigned o = offset % ATTN_ALIGN, pad = (ATTN_ALIGN - o) % ATTN_ALIGN;
    /* pad bytes to the aligned start, then free + pre, then 0..ALIGN-1 bytes
       that rounding must drop */
    size_t bytes = pad + free_bytes + pre + tail % ATTN_ALIGN;
    void *p;
    z->buf = (unsigned char *)fz_out(bytes + ATTN_ALIGN) + o;
    z->buf_bytes = bytes;
    FZ_CHECK(attn_arena_init(&z->a, z->buf, bytes) == ATTN_OK, "attn_arena_init failed");
    FZ_CHECK(z->a.size == free_bytes + pre && z->a.used == 0 && z->a.high_water == 0 &&
                 z->a.base == z->buf + pad,
             "attn_arena_init: not the aligned start and whole blocks");
    if (pre) FZ_CHECK(attn_arena_alloc(&z->a, pre, &p) == ATTN_OK, "arena pre-allocation failed");
    z->a.high_water = z->a.used; /* MEMORY: how to measure one call's peak */
    z->before = z->a;
}

/* An arena with `free_bytes` free, the rest (blocks taken first, the
   buffer's misalignment, bytes lost to rounding) from the input. */
static inline void fz_arena_from(fz_in *in, fz_arena *z, size_t free_bytes)
{
    size_t pre = (size_t)fz_pick(in, 3) * ATTN_ALIGN;
    unsigned offset = fz_u8(in);
    unsigned tail = fz_u8(in);
    fz_arena_make(z, free_bytes, pre, offset, tail);
}

/* The arena after a call: after success used is as before and the peak is
   before.used + need (need: the documented scratch, or SIZE_MAX to skip
   that check); after an error the struct is unchanged. Blocks stay inside
   the buffer: fz_after checks its canaries. */
static inline void fz_arena_after(const fz_arena *z, int ok, size_t need)
{
    FZ_CHECK(z->a.base == z->before.base && z->a.size == z->before.size, "arena base/size changed");
    FZ_CHECK(z->a.used == z->before.used, "arena->used not given back");
    if (!ok)
        FZ_CHECK(z->a.high_water == z->before.high_water, "arena high-water moved by a failing call");
    else if (need != SIZE_MAX)
        FZ_CHECK(z->a.high_water == z->before.used + need,
                 "arena high-water is not the documented scratch size");
}

/* ---- overflow-checked size arithmetic (the oracle's) --------------------- */
typedef struct {
    size_t v;
    int ovf;
} fz_sz;

static inline fz_sz fz_mul(fz_sz a, size_t b)
{
    if (!a.ovf && b != 0 && a.v > SIZE_MAX / b) a.ovf = 1;
    else a.v *= b;
    return a;
}
static inline fz_sz fz_add(fz_sz a, fz_sz b)
{
    a.ovf |= b.ovf;
    if (!a.ovf && a.v > SIZE_MAX - b.v) a.ovf = 1;
    else a.v += b.v;
    return a;
}
static inline fz_sz fz_alignup(fz_sz a)
{
    if (!a.ovf && a.v > SIZE_MAX - (ATTN_ALIGN - 1)) a.ovf = 1;
    else a.v = (a.v + (ATTN_ALIGN - 1)) / ATTN_ALIGN * ATTN_ALIGN;
    return a;
}
/* n1 * n2 * elem bytes, as an int product of positive sizes */
static inline fz_sz fz_bytes(int n1, int n2, size_t elem)
{
    fz_sz s;
    s.v = (size_t)n1;
    s.ovf = 0;
    return fz_mul(fz_mul(s, (size_t)n2), elem);
}
/* the same, rounded up to ATTN_ALIGN: one arena block */
static inline fz_sz fz_block(int n1, int n2, size_t elem) { return fz_alignup(fz_bytes(n1, n2, elem)); }

/* ---- the arena size a case asks for ---------------------------------------
   From the input: generous, exactly the documented need, one block short
   (a buffer one byte short of the need loses a whole block to rounding),
   nearly nothing. *expect_ok: whether the documented need fits. */
static inline size_t fz_arena_choose(fz_in *in, size_t need, int *expect_ok)
{
    size_t f;
    switch (fz_pick(in, 8)) {
    case 0: case 1: case 2:
        f = need + (size_t)fz_pick(in, 5) * ATTN_ALIGN;
        break;
    case 3: case 4:
        f = need;
        break;
    case 5: case 6:
        f = need >= ATTN_ALIGN ? need - ATTN_ALIGN : 0;
        break;
    default:
        f = (size_t)fz_pick(in, 3) * ATTN_ALIGN;
        break;
    }
    *expect_ok = f >= need;
    return f;
}

/* The arena of a case whose checks before the arena's give *want (need:
   the documented scratch): on OK so far, a free space from fz_arena_choose
   (a wild case gets nearly none, and must then fail with ATTN_ERR_ARENA);
   on an earlier error, a few blocks. Returns 0 when the case cannot be run
   (it would need the memory its sizes say). */
static inline int fz_case_arena(fz_in *in, fz_arena *z, attn_status *want, fz_sz need, int wild)
{
    if (*want == ATTN_OK) {
        size_t f;
        int fits;
        if (wild) {
            f = (size_t)fz_pick(in, 3) * ATTN_ALIGN;
            fits = !need.ovf && f >= need.v;
        } else {
            f = fz_arena_choose(in, need.v, &fits);
        }
        if (!fits) *want = ATTN_ERR_ARENA;
        else if (wild) return 0;
        if (f > ((size_t)1 << 22)) return 0;
        fz_arena_from(in, z, f);
    } else {
        fz_arena_from(in, z, (size_t)fz_pick(in, 4) * ATTN_ALIGN);
    }
    return 1;
}

/* ---- the model's front ends (attn_model_cfg) -------------------------------
   fz_model_front draws cls_token (0, 1, or another nonzero), embed_norm
   and the front end of an entry: tok 0 (attn_model_*): features (d_in 0,
   1..8 or a bad d_in from bad_din[]) or, a quarter of the time, an image
   cut into patches - a valid geometry (seq = gh x gw squares of patch x
   patch, channels 1..2) or one rule broken (an image side not a multiple of
   the patch, the wrong number of squares, d_in != channels patch^2, a
   side or channels <= 0, a negative patch, patches near 2^28 whose
   channels patch^2 needs more than 64 bits); vocab and n_segments mostly 0
   (unused) and rarely bad. tok 1 (attn_model_tokens_*): vocab 1..6 (or 0,
   -1, 2^28), n_segments 0..3 (or -1, 2^28), d_in 0, and rarely patch > 0.
   A size that cannot be allocated sets *wild. */
static inline void fz_model_front(fz_in *in, attn_model_cfg *c, int seq, int tok, int bad_din,
                                  int *wild)
{
    int k = fz_pick(in, 4);
    c->cls_token = k < 2 ? 0 : k == 2 ? 1 : fz_pick(in, 2) ? 1 : -3;
    c->embed_norm = fz_pick(in, 3) == 0;
    if (tok) {
        static const int voc[] = {0, -1, 1 << 28, INT_MIN};
        static const int nseg[] = {-1, 1 << 28, INT_MAX, 0};
        c->d_in = fz_pick(in, 16) ? 0 : 1 + fz_pick(in, 3); /* not used */
        c->vocab = fz_pick(in, 24) ? 1 + fz_pick(in, 6) : voc[fz_pick(in, 4)];
        c->n_segments = fz_pick(in, 24) ? (fz_pick(in, 3) ? fz_pick(in, 4) : 0) : nseg[fz_pick(in, 4)];
        if (c->vocab == (1 << 28) || c->n_segments == (1 << 28) || c->n_segments == INT_MAX) *wild = 1;
        if (fz_pick(in, 32) == 0) { /* an image with tokens: ATTN_ERR_SHAPE */
            c->patch = 1;
            c->channels = 1;
            c->image_h = seq > 0 && seq < 64 ? seq : 1;
            c->image_w = 1;
            c->d_in = 1;
        }
        return;
    }
    c->vocab = fz_pick(in, 16) ? 0 : fz_pick(in, 2) ? 3 : -1;
    c->n_segments = fz_pick(in, 16) ? 0 : fz_pick(in, 2) ? 2 : -1;
    if (fz_pick(in, 4)) { /* features */
        c->d_in = fz_pick(in, 3) == 0 ? 0 : fz_pick(in, 24) == 0 ? bad_din : fz_size(in, 8, wild);
        c->patch = fz_pick(in, 32) ? 0 : -1;
        return;
    }
    {
        int P = 1 + fz_pick(in, 3), ch = 1 + fz_pick(in, 2), gh = 1, gw = 1, t;
        if (seq > 0 && seq < 64) { /* gh: one of seq's divisors */
            int n = 0, dv[64];
            for (t = 1; t <= seq; t++)
                if (seq % t == 0) dv[n++] = t;
            gh = dv[fz_pick(in, n)];
            gw = seq / gh;
        }
        c->patch = P;
        c->channels = ch;
        c->image_h = gh * P;
        c->image_w = gw * P;
        c->d_in = ch * P * P;
        switch (fz_pick(in, 14)) {
        case 0: c->image_h += 1; break;
        case 1: c->d_in += fz_pick(in, 2) ? 1 : -1; break;
        case 2: c->channels = fz_pick(in, 2) ? 0 : -1; break;
        case 3: c->image_w = fz_pick(in, 2) ? 0 : INT_MIN; break;
        case 4: { /* one huge square: channels * patch^2 beyond int64 */
            static const int big[] = {1 << 28, 1 << 27, 1 << 20, 46341, 1 << 14};
            static const int chs[] = {1 << 28, 1 << 8, 1, 3, 1 << 20};
            c->patch = c->image_h = c->image_w = big[fz_pick(in, 5)];
            c->channels = chs[fz_pick(in, 5)];
            c->d_in = fz_pick(in, 2) ? 1 << 28 : c->channels;
            *wild = 1;
            break;
        }
        case 5: c->image_h = (gh + 1) * P; break;
        case 6: c->patch = -1; break;
        default: break;
        }
    }
}

/* ERRORS (ATTN_ERR_SHAPE): the model's own shape rules (its encoder's and
   n_layers apart): seq, d_in (0 allowed), max_seq >= the encoder's rows
   (seq + 1 with a CLS row), n_classes, vocab and n_segments (0 allowed),
   patch (0 allowed) and, with patches, the image's geometry; the token
   entry (tok) also needs vocab >= 1 and no patches. */
static inline int fz_model_shape_bad(const attn_model_cfg *c, int seq, int tok)
{
    int64_t rows = (int64_t)seq + (c->cls_token != 0);
    if (fz_dim_bad(seq) || c->d_in < 0 || c->d_in > ATTN_MAX_DIM || fz_dim_bad(c->max_seq) ||
        rows > c->max_seq || fz_dim_bad(c->n_classes) || c->vocab < 0 || c->vocab > ATTN_MAX_DIM ||
        c->n_segments < 0 || c->n_segments > ATTN_MAX_DIM || c->patch < 0 || c->patch > ATTN_MAX_DIM)
        return 1;
    if (c->patch > 0) {
        int64_t pp = (int64_t)c->patch * c->patch;
        if (fz_dim_bad(c->channels) || fz_dim_bad(c->image_h) || fz_dim_bad(c->image_w) ||
            c->image_h % c->patch != 0 || c->image_w % c->patch != 0 ||
            (int64_t)(c->image_h / c->patch) * (c->image_w / c->patch) != seq || pp > c->d_in ||
            c->channels * pp != c->d_in)
            return 1;
    }
    return tok && (fz_dim_bad(c->vocab) || c->patch != 0);
}

/* MEMORY (ATTN_MODEL_SCRATCH_EX_*): with R = seq + (cls_token != 0) rows
   and E the element size (4 float, 1 int8): A(R d E) + A(R) with a CLS
   row + A(d_in E) with patches, then the larger of the encoder's at R rows
   (enc) and the pooling's A(d E) (+ A(4 R) for attention pooling). The
   input, embedding, classifier and tables must be addressable too:
   [seq][d_in], [d][d_in], [n_classes][d], [vocab][d], [n_segments][d]. */
static inline fz_sz fz_model_need(const attn_model_cfg *c, int seq, size_t elem, fz_sz enc)
{
    size_t rows = (size_t)seq + (c->cls_token != 0), d = (size_t)c->encoder.d_model;
    fz_sz x = {0, 0}, p, t, one = {1, 0};
    x = fz_add(x, fz_alignup(fz_mul(fz_mul(one, rows), d * elem)));
    if (c->cls_token) x = fz_add(x, fz_alignup(fz_mul(one, rows)));
    if (c->patch > 0) x = fz_add(x, fz_block(c->d_in, 1, elem));
    p = fz_block(c->encoder.d_model, 1, elem);
    if (c->pooling == ATTN_POOL_ATTENTION) p = fz_add(p, fz_alignup(fz_mul(fz_mul(one, rows), 4)));
    if (!p.ovf && !enc.ovf && p.v > enc.v) enc.v = p.v;
    enc.ovf |= p.ovf;
    t = fz_add(fz_add(fz_block(seq, c->d_in, elem), fz_block(c->encoder.d_model, c->d_in, elem)),
               fz_block(c->n_classes, c->encoder.d_model, elem));
    t = fz_add(fz_add(t, fz_block(c->vocab, c->encoder.d_model, elem)),
               fz_block(c->n_segments, c->encoder.d_model, elem));
    x = fz_add(x, enc);
    x.ovf |= t.ovf;
    return x;
}

/* Token ids [n] in 0..lim-1 (lim >= 1; else 0), one of them (1 in 8)
   outside: -1, lim, INT_MAX or INT_MIN. Returns 1 if all are inside. */
static inline int fz_ids(fz_in *in, int *t, int n, int lim)
{
    static const int far[] = {-1, INT_MAX, INT_MIN, -2};
    int i;
    for (i = 0; i < n; i++) t[i] = lim > 0 ? (int)(fz_u16(in) % (uint32_t)lim) : 0;
    if (fz_pick(in, 8) == 0) {
        int k = fz_pick(in, 5);
        t[fz_pick(in, n)] = k == 4 ? lim : far[k];
        return 0;
    }
    return lim > 0;
}

/* ---- float data -----------------------------------------------------------
   Classes: tame (|x| <= 8, multiples of 1/16), finite (also 0, -0, denormals,
   FLT_MIN, 1e30, FLT_MAX), wild (also NaN and +-Inf, and raw bit patterns).
   fz_fill_f32 returns the class really used: a wild buffer that came out
   finite counts as finite. */
enum { FZ_TAME = 0, FZ_FINITE = 1, FZ_WILD = 2 };

static inline float fz_special(fz_in *in, int cls)
{
    static const float fin[] = {0.0f, -0.0f, 1.0f, -1.0f, 1.4e-45f, -1.4e-45f, 1e-40f, FLT_MIN,
                                -FLT_MIN, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 1e-30f, 3e38f,
                                16777216.0f, 1000.5f, 65504.0f, 2.5e-8f, -7e37f};
    uint32_t u;
    float f;
    if (cls == FZ_WILD) {
        switch (fz_pick(in, 8)) {
        case 0: return NAN;
        case 1: return INFINITY;
        case 2: return -INFINITY;
        case 3:
            u = fz_u32(in);
            memcpy(&f, &u, sizeof f);
            return f;
        default: break;
        }
    }
    return fin[fz_pick(in, (int)(sizeof fin / sizeof fin[0]))];
}

static inline float fz_tame(fz_in *in) { return (float)(int8_t)fz_u8(in) / 16.0f; }

/* One value of class cls (specials 1 in 8 for finite and wild). */
static inline float fz_f32(fz_in *in, int cls)
{
    if (cls != FZ_TAME && fz_chance(in, 32)) return fz_special(in, cls);
    return fz_tame(in);
}

static inline int fz_class_of(const float *x, size_t n)
{
    size_t i;
    int c = FZ_TAME;
    for (i = 0; i < n; i++) {
        if (x[i] != x[i] || x[i] - x[i] != 0.0f) return FZ_WILD;
        if (fabsf(x[i]) > 8.0f || x[i] * 16.0f != floorf(x[i] * 16.0f)) c = FZ_FINITE;
    }
    return c;
}

static inline int fz_fill_f32(fz_in *in, float *x, size_t n, int cls)
{
    size_t i;
    int pattern = fz_pick(in, 16);
    if (pattern == 0 && n > 0) { /* a constant buffer */
        float v = fz_f32(in, cls);
        for (i = 0; i < n; i++) x[i] = v;
    } else if (pattern == 1 && cls != FZ_TAME) { /* a large common offset */
        float off = fz_pick(in, 2) ? 1000.0f : -3e5f;
        for (i = 0; i < n; i++) x[i] = off + fz_tame(in);
    } else {
        for (i = 0; i < n; i++) x[i] = fz_f32(in, cls);
    }
    return fz_class_of(x, n);
}

static inline int fz_all_finite(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!(x[i] - x[i] == 0.0f)) return 0;
    return 1;
}

/* ---- int8 quantization parameters -----------------------------------------
   valid: 1 = inside every documented limit; 0 = anything, at and past the
   limits (zero points -129/128 and far out, shifts -33..33 and far out,
   multipliers INT32_MIN/INT32_MAX/0/-1). fz_qmul_ok / fz_zp_ok are the
   documented rules (INT8 ARITHMETIC: shifts -31..30, multiplier >
   INT32_MIN, zero points in [-128, 127]). */
static inline int fz_qmul_ok(attn_qmul m)
{
    return m.multiplier != INT32_MIN && m.shift >= -31 && m.shift <= 30;
}
static inline int fz_zp_ok(int32_t zp) { return zp >= -128 && zp <= 127; }

static inline int32_t fz_mult(fz_in *in)
{
    static const int32_t sp[] = {INT32_MAX,     INT32_MIN + 1, 0,          1,
                                 -1,            1 << 30,       -(1 << 30), 1518500250,
                                 (1 << 30) + 1, INT32_MAX - 1, -INT32_MAX, 2147483600};
    if (fz_chance(in, 64)) return sp[fz_pick(in, (int)(sizeof sp / sizeof sp[0]))];
    /* a normalised multiplier, |m| in [2^30, 2^31), either sign */
    {
        int32_t m = (int32_t)((1u << 30) | (fz_u32(in) & 0x3FFFFFFFu));
        return fz_chance(in, 40) ? -m : m;
    }
}

static inline attn_qmul fz_qmul(fz_in *in, int valid, int lo_shift, int hi_shift)
{
    attn_qmul m;
    m.multiplier = fz_mult(in);
    m.shift = lo_shift + fz_pick(in, hi_shift - lo_shift + 1);
    if (!valid) {
        static const int32_t bad_shift[] = {-32, 31, -33, 32, 33, -34, 64, -64, INT32_MIN,
                                            INT32_MAX, -31, 30, 0, 100};
        if (fz_chance(in, 128)) m.multiplier = INT32_MIN;
        if (fz_chance(in, 128))
            m.shift = bad_shift[fz_pick(in, (int)(sizeof bad_shift / sizeof bad_shift[0]))];
    }
    return m;
}

static inline int32_t fz_zp(fz_in *in, int valid)
{
    static const int32_t sp[] = {-128, 127, 0, -1, 1, -127, 126};
    static const int32_t bad[] = {-129, 128, 255, -256, INT32_MIN, INT32_MAX, 1 << 16, -65536};
    if (!valid && fz_chance(in, 96)) return bad[fz_pick(in, (int)(sizeof bad / sizeof bad[0]))];
    if (fz_chance(in, 96)) return sp[fz_pick(in, (int)(sizeof sp / sizeof sp[0]))];
    return (int32_t)(int8_t)fz_u8(in);
}

/* int8 data: random, or the extremes -128 / 127, or constant */
static inline void fz_fill_s8(fz_in *in, int8_t *x, size_t n)
{
    size_t i;
    int mode = fz_pick(in, 8);
    int8_t c = (int8_t)fz_u8(in);
    for (i = 0; i < n; i++) {
        switch (mode) {
        case 0: x[i] = c; break;
        case 1: x[i] = (int8_t)(fz_u8(in) & 1 ? 127 : -128); break;
        case 2: x[i] = -128; break;
        case 3: x[i] = 127; break;
        default: x[i] = (int8_t)fz_u8(in); break;
        }
    }
}

static inline void fz_fill_mask(fz_in *in, uint8_t *m, int n)
{
    int i, mode = fz_pick(in, 4);
    for (i = 0; i < n; i++)
        m[i] = (uint8_t)(mode == 0 ? 1 : mode == 1 ? (i == 0) : mode == 2 ? (i != 0)
                                                             : (fz_u8(in) & 1));
}

#endif /* FUZZ_H */
