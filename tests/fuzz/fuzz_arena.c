/* fuzz_arena.c - libFuzzer target for the arena API of attention.h
   (attn_arena_init, attn_arena_alloc, attn_arena_release).

   The input is a buffer (size 0..1 KB, any alignment) and a sequence of
   operations: allocations of any size (0, odd, whole blocks, exactly the
   free space and one byte more, SIZE_MAX and just below), marks taken and
   released (valid, stale, beyond used, SIZE_MAX), re-initialisation, NULL
   arguments. A model of the documented behaviour runs beside it:
     init   base = the buffer aligned up to ATTN_ALIGN, size = the whole
            blocks that fit after it (0 if none), used = high_water = 0;
     alloc  bytes rounded up to ATTN_ALIGN; ATTN_ERR_TOO_LARGE if that
            overflows, ATTN_ERR_ARENA if it exceeds size - used; else the
            block at base + used, used grows, high_water = max; *ptr = NULL
            on any failure, and the arena unchanged;
     release(mark)  ATTN_ERR_RANGE if mark > used, else used = mark; the
            high-water mark stays.
   After every operation: the struct equals the model, every live block is
   aligned, inside the buffer and still holds the bytes written into it
   (so no two live blocks overlap), and the canaries around the buffer are
   intact. */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "fuzz.h"

#define FZ_MAX_LIVE 64

typedef struct {
    unsigned char *p;
    size_t off, n; /* offset from base, rounded size */
    unsigned char tag;
} fz_block_t;

typedef struct {
    attn_arena m; /* the model's arena */
    fz_block_t live[FZ_MAX_LIVE];
    int n_live;
    size_t marks[8];
    int n_marks;
    unsigned char *buf;
    size_t buf_bytes;
} fz_state;

static void fz_model_init(fz_state *s, unsigned char *buf, size_t bytes)
{
    uintptr_t a = (uintptr_t)buf;
    size_t pad = (size_t)((ATTN_ALIGN - a % ATTN_ALIGN) % ATTN_ALIGN);
    s->m.base = pad < bytes ? buf + pad : buf + bytes;
    s->m.size = pad < bytes ? (bytes - pad) / ATTN_ALIGN * ATTN_ALIGN : 0;
    s->m.used = 0;
    s->m.high_water = 0;
    s->n_live = 0;
    s->n_marks = 0;
}

static void fz_compare(const fz_state *s, const attn_arena *a)
{
    int i;
    size_t k;
    FZ_CHECK(a->size == s->m.size && a->used == s->m.used && a->high_water == s->m.high_water,
             "arena fields differ from the documented behaviour");
    if (a->size > 0) {
        FZ_CHECK(a->base == s->m.base, "arena base is not the buffer aligned up");
        FZ_CHECK((uintptr_t)a->base % ATTN_ALIGN == 0, "arena base not aligned");
    }
    FZ_CHECK(a->base >= s->buf && a->base + a->size <= s->buf + s->buf_bytes, "arena outside its buffer");
    FZ_CHECK(a->used <= a->size && a->high_water <= a->size && a->used <= a->high_water, "arena accounting");
    for (i = 0; i < s->n_live; i++) {
        const fz_block_t *b = &s->live[i];
        FZ_CHECK((uintptr_t)b->p % ATTN_ALIGN == 0, "a block is not aligned");
        FZ_CHECK(b->p >= s->buf && b->p + b->n <= s->buf + s->buf_bytes, "a block outside the buffer");
        for (k = 0; k < b->n; k++) FZ_CHECK(b->p[k] == b->tag, "two live blocks overlap");
    }
}

static size_t fz_alloc_size(fz_in *in, const attn_arena *a)
{
    size_t fr = a->size - a->used;
    switch (fz_pick(in, 12)) {
    case 0: return 0;
    case 1: return SIZE_MAX;
    case 2: return SIZE_MAX - (size_t)fz_pick(in, 2 * ATTN_ALIGN);
    case 3: return fr;
    case 4: return fr + 1;
    case 5: return fr > 0 ? fr - 1 : 0;
    case 6: return fr + ATTN_ALIGN - (size_t)fz_pick(in, ATTN_ALIGN);
    case 7: return (size_t)fz_pick(in, 8) * ATTN_ALIGN;
    case 8: return (SIZE_MAX / 2) + (size_t)fz_pick(in, 3);
    default: return (size_t)fz_pick(in, 200);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_state s;
    attn_arena a, before;
    unsigned char *raw;
    size_t raw_bytes;
    unsigned offset;
    int ops, op;
    unsigned char tag = 1;
    attn_status st;
    fz_begin(&in, data, size);
    fz_fn = "attn_arena_*";
    raw_bytes = (size_t)fz_u16(&in) % 1100;
    raw = (unsigned char *)fz_out(raw_bytes + ATTN_ALIGN);
    offset = fz_u8(&in) % ATTN_ALIGN;
    s.buf = raw + offset;
    s.buf_bytes = raw_bytes;
    memset(&a, 0x3C, sizeof a);
    /* init: NULL arguments first */
    before = a;
    fz_fn = "attn_arena_init";
    FZ_CHECK(attn_arena_init(NULL, s.buf, s.buf_bytes) == ATTN_ERR_NULL, "init(NULL arena)");
    FZ_CHECK(attn_arena_init(&a, NULL, s.buf_bytes) == ATTN_ERR_NULL, "init(NULL buffer)");
    FZ_CHECK(memcmp(&a, &before, sizeof a) == 0, "init wrote the arena after an error");
    FZ_CHECK(attn_arena_init(&a, s.buf, s.buf_bytes) == ATTN_OK, "init failed");
    fz_model_init(&s, s.buf, s.buf_bytes);
    fz_compare(&s, &a);
    for (ops = 0; ops < 48 && in.n > 0; ops++) {
        op = fz_pick(&in, 16);
        before = a;
        if (op < 7) { /* alloc */
            size_t n = fz_alloc_size(&in, &a), r;
            void *p = (void *)&s;
            fz_fn = "attn_arena_alloc";
            st = attn_arena_alloc(&a, n, &p);
            if (n > SIZE_MAX - (ATTN_ALIGN - 1)) {
                FZ_CHECK(st == ATTN_ERR_TOO_LARGE, "alloc of a size whose rounding overflows: not ATTN_ERR_TOO_LARGE");
                FZ_CHECK(p == NULL, "*ptr not NULL after a failed alloc");
            } else if ((r = (n + ATTN_ALIGN - 1) / ATTN_ALIGN * ATTN_ALIGN) > s.m.size - s.m.used) {
                FZ_CHECK(st == ATTN_ERR_ARENA, "alloc past the free space: not ATTN_ERR_ARENA");
                FZ_CHECK(p == NULL, "*ptr not NULL after a failed alloc");
            } else {
                FZ_CHECK(st == ATTN_OK, "alloc within the free space failed");
                FZ_CHECK(p == s.m.base + s.m.used, "alloc: not the next block");
                if (r > 0 && s.n_live < FZ_MAX_LIVE) {
                    fz_block_t *b = &s.live[s.n_live++];
                    b->p = (unsigned char *)p;
                    b->off = s.m.used;
                    b->n = r;
                    b->tag = tag;
                    memset(p, tag, r);
                    tag = (unsigned char)(tag == 255 ? 1 : tag + 1);
                }
                s.m.used += r;
                if (s.m.used > s.m.high_water) s.m.high_water = s.m.used;
            }
            if (st != ATTN_OK) FZ_CHECK(memcmp(&a, &before, sizeof a) == 0, "alloc changed the arena on an error");
        } else if (op < 9) { /* take a mark */
            if (s.n_marks < 8) s.marks[s.n_marks++] = a.used;
        } else if (op < 12) { /* release */
            size_t mark;
            int k = fz_pick(&in, 6), i, j;
            fz_fn = "attn_arena_release";
            mark = k < 3 && s.n_marks ? s.marks[fz_pick(&in, s.n_marks)]
                   : k == 3 ? s.m.used + 1 + (size_t)fz_pick(&in, 64)
                   : k == 4 ? SIZE_MAX : (size_t)fz_pick(&in, 4) * ATTN_ALIGN;
            st = attn_arena_release(&a, mark);
            if (mark > s.m.used) {
                FZ_CHECK(st == ATTN_ERR_RANGE, "release past used: not ATTN_ERR_RANGE");
                FZ_CHECK(memcmp(&a, &before, sizeof a) == 0, "release changed the arena on an error");
            } else {
                FZ_CHECK(st == ATTN_OK, "release of a valid mark failed");
                s.m.used = mark;
                /* blocks that end past the mark are free again; so are the marks past it */
                for (i = j = 0; i < s.n_live; i++)
                    if (s.live[i].off + s.live[i].n <= mark) s.live[j++] = s.live[i];
                s.n_live = j;
                for (i = j = 0; i < s.n_marks; i++)
                    if (s.marks[i] <= mark) s.marks[j++] = s.marks[i];
                s.n_marks = j;
            }
        } else if (op == 12) { /* NULL arguments */
            void *p = (void *)&s;
            fz_fn = "attn_arena_alloc(NULL)";
            FZ_CHECK(attn_arena_alloc(NULL, 16, &p) == ATTN_ERR_NULL && p == NULL, "alloc(NULL arena)");
            FZ_CHECK(attn_arena_alloc(&a, 16, NULL) == ATTN_ERR_NULL, "alloc(NULL ptr)");
            FZ_CHECK(attn_arena_release(NULL, 0) == ATTN_ERR_NULL, "release(NULL)");
            FZ_CHECK(memcmp(&a, &before, sizeof a) == 0, "a NULL call changed the arena");
        } else if (op == 13) { /* re-init over a part of the buffer */
            size_t off = s.buf_bytes ? (size_t)fz_pick(&in, 40) % (s.buf_bytes + 1) : 0;
            fz_fn = "attn_arena_init";
            FZ_CHECK(attn_arena_init(&a, s.buf + off, s.buf_bytes - off) == ATTN_OK, "re-init failed");
            fz_model_init(&s, s.buf + off, s.buf_bytes - off);
        } else { /* release everything */
            fz_fn = "attn_arena_release";
            FZ_CHECK(attn_arena_release(&a, 0) == ATTN_OK, "release(0) failed");
            s.m.used = 0;
            s.n_live = 0;
            s.n_marks = 0;
        }
        fz_compare(&s, &a);
        fz_after(1); /* the canaries around the buffer */
    }
    fz_free_all();
    return 0;
}
