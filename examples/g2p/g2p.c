/* g2p.c - a transformer spells English words as phonemes: the 400 held-out
   words of Debian's wamerican list, decoded greedily with the KV cache by
   the float encoder-decoder and by its int8 quantization, on the host or on
   a Cortex-M board.

   The model (examples/g2p/train.py, trained in PyTorch on 59,086 words and
   the phonemes espeak-ng gives them): letter and phoneme embeddings with
   learned positions, nn.Transformer (d_model 64, 4 heads, 2 + 2 post-norm
   layers, ReLU feed-forward of 128), an output Linear over 68 phoneme
   tokens (espeak-ng's mnemonics and its stress marks). Exported by
   examples/g2p/g2p_export.py through tools/export.py: g2p_model.h (float)
   and g2p_model_s8.h (int8, made by attention.h's own quantizer).
   g2p_words.h holds the words, espeak-ng's phonemes for them and PyTorch's
   own greedy outputs, so nothing here needs Python or espeak-ng.

   Prints the phoneme error rate (Levenshtein distance in tokens, stress
   marks included, over the reference length) and the words right against
   espeak-ng, the agreement with PyTorch (float) and with float (int8),
   instructions per word and per generated token (on a board under qemu
   -icount), the cache, arena and weight bytes, and a checksum of the int8
   outputs (the same on every core). Exits 0 only if the float model
   decodes every word exactly as PyTorch did, its logits along PyTorch's
   path for the first words are within G2P_LOGIT_TOL of PyTorch's, and the
   int8 model decodes at least 97% of the words as float does with a
   phoneme error rate within 1 point of float's.

   G2P_NO_FLOAT (the micro:bit: 256 KB of flash hold the int8 model only):
   the int8 model alone, against PyTorch's outputs where float would be.
   Host: make g2p. Board: make g2p-m4 (or -m0 ... -m55). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#define ATTN_IMPLEMENTATION
#include "attention.h"

#include "g2p_words.h"
/* this file defines the models' arrays (in exactly one file) */
#define G2P_MODEL_IMPLEMENTATION
#define G2P_MODEL_S8_IMPLEMENTATION
#include "g2p_model.h"
#include "g2p_model_s8.h"

#ifdef G2P_ON_BOARD
#include "port.h"
#else
static void port_init(void) {}
static uint32_t port_ticks(void) { return 0; }
static uint32_t port_calibrate(void) { return 0; }
static uint32_t port_insns(uint32_t ticks, uint32_t cal) { (void)ticks; (void)cal; return 0; }
#endif

/* logits along PyTorch's greedy path, first G2P_N_LOGIT_WORDS words: within
   G2P_LOGIT_TOL * max(1, |PyTorch's|) (the host build measures 8.3e-6; the
   boards' fused multiply-adds round differently, FLOAT ARITHMETIC) */
#define G2P_LOGIT_TOL 5e-5

#define MAXW (G2P_MAX_GEN + 1)

static uint8_t cache8_buf[G2P_S8_CACHE_BYTES] ATTN_ALIGNED;
#ifndef G2P_NO_FLOAT
static uint8_t cache_buf[G2P_CACHE_BYTES] ATTN_ALIGNED;
#define ARENA_BYTES (G2P_SCRATCH_BYTES > G2P_S8_SCRATCH_BYTES ? G2P_SCRATCH_BYTES : G2P_S8_SCRATCH_BYTES)
#else
#define ARENA_BYTES G2P_S8_SCRATCH_BYTES
#endif
static uint8_t arena_buf[ARENA_BYTES] ATTN_ALIGNED;

typedef struct {
    int words_right;      /* == espeak-ng's tokens                 */
    int same_ref;         /* == the reference decoding (PyTorch / float) */
    long edits, ref_len;  /* Levenshtein distance to espeak-ng, its length */
    long steps;           /* decoder steps (generated tokens, EOS counted) */
    uint64_t insns;
    size_t arena, cache;
} tally;

#ifndef G2P_NO_FLOAT
/* edit distance between a [n] and b [m] tokens (m, n <= G2P_MAX_GEN) */
static int levenshtein(const int *a, int n, const uint8_t *b, int m)
{
    int prev[MAXW + 1], cur[MAXW + 1], i, j;
    for (j = 0; j <= m; j++) prev[j] = j;
    for (i = 1; i <= n; i++) {
        cur[0] = i;
        for (j = 1; j <= m; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]), del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[m];
}
#endif

static int same_tokens(const int *a, int n, const uint8_t *b, int m)
{
    int i;
    if (n != m) return 0;
    for (i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static void count(tally *t, int w, const int *out, int n, uint32_t insns)
{
#ifndef G2P_NO_FLOAT
    int m = g2p_test_ref_len[w];
    t->edits += levenshtein(out, n, g2p_test_ref[w], m);
    t->ref_len += m;
    t->words_right += same_tokens(out, n, g2p_test_ref[w], m);
#else
    (void)w; /* the micro:bit's flash: no espeak-ng reference (its rate is float's cores') */
    (void)out;
#endif
    t->steps += n < G2P_MAX_GEN ? n + 1 : n; /* the step that made EOS counted */
    t->insns += insns;
}

/* rate in hundredths of a percent */
static long per_10k(long num, long den) { return den ? (num * 10000 + den / 2) / den : 0; }

static void print_tally(const char *name, const tally *t, const char *ref, uint32_t cal)
{
    long per = per_10k(t->edits, t->ref_len);
    printf("%-6s ", name);
    if (t->ref_len)
        printf("phoneme error rate %ld.%02ld%% (%ld edits / %ld), words right %d/%d, ", per / 100,
               per % 100, t->edits, t->ref_len, t->words_right, G2P_N_TEST);
    printf("same as %s %d/%d, cache %lu B, arena %lu B", ref, t->same_ref, G2P_N_TEST,
           (unsigned long)t->cache, (unsigned long)t->arena);
    if (cal)
        printf(", %lu instructions per word, %lu per generated token",
               (unsigned long)(t->insns / G2P_N_TEST), (unsigned long)(t->insns / (uint64_t)t->steps));
    printf("\n");
}

/* The first words' decodings (G2P_NO_NAMES, the micro:bit: none, its
   flash has no room for the spelling tables, nor now for the printing). */
static void print_word(int w, const int *out, int n)
{
    int i;
#ifdef G2P_NO_NAMES
    (void)w;
    (void)out;
    (void)n;
    (void)i;
    return;
#else
    printf("  ");
    for (i = 0; i < g2p_test_src_len[w]; i++) printf("%s", g2p_src_names[g2p_test_src[w][i]]);
    printf(" ");
    for (i = 0; i < n; i++) printf("%s", g2p_tgt_names[out[i]]);
    printf("\n");
#endif
}

int main(void)
{
    attn_arena store, arena;
    attn_kv_cache c8;
    tally q;
    uint32_t cal, hash = 2166136261u;
    long hashed = 0;
    int w, i, passed = 0, failed = 0;
    attn_status st;
#ifndef G2P_NO_FLOAT
    attn_arena fstore;
    attn_kv_cache cf;
    tally f;
    double worst = 0.0;
    float logits[G2P_TGT_VOCAB];
#endif
    port_init();
    cal = port_calibrate();
    printf("g2p: %d held-out words, greedy decoding with the KV cache, %s (attention.h %d.%d.%d)\n",
           G2P_N_TEST,
#ifndef G2P_NO_FLOAT
           "float and int8",
#else
           "int8",
#endif
           ATTN_VERSION_MAJOR, ATTN_VERSION_MINOR, ATTN_VERSION_PATCH);
    memset(&q, 0, sizeof q);
    attn_arena_init(&store, cache8_buf, sizeof cache8_buf);
    st = attn_kv_cache_init_s8(&c8, G2P_N_DEC_LAYERS, G2P_D_MODEL, G2P_MAX_TGT, G2P_MAX_SRC, &store);
    q.cache = store.high_water;
#ifndef G2P_NO_FLOAT
    memset(&f, 0, sizeof f);
    attn_arena_init(&fstore, cache_buf, sizeof cache_buf);
    if (st == ATTN_OK)
        st = attn_kv_cache_init_f32(&cf, G2P_N_DEC_LAYERS, G2P_D_MODEL, G2P_MAX_TGT, G2P_MAX_SRC,
                                    &fstore);
    f.cache = fstore.high_water;
#endif
    if (st != ATTN_OK) {
        printf("cache: %s\n", attn_status_str(st));
        return 1;
    }

    for (w = 0; w < G2P_N_TEST; w++) {
        int src[G2P_SRC_MAX], o8[MAXW], n8 = 0, n = g2p_test_src_len[w];
        uint32_t t0, insns;
        for (i = 0; i < n; i++) src[i] = g2p_test_src[w][i];
#ifndef G2P_NO_FLOAT
        {
            int of[MAXW], nf = 0;
            attn_arena_init(&arena, arena_buf, sizeof arena_buf);
            t0 = port_ticks();
            st = attn_seq2seq_greedy_f32(of, &nf, G2P_MAX_GEN, src, n, G2P_BOS, G2P_EOS, &cf,
                                         &g2p_cfg, &g2p_weights, &arena);
            insns = port_insns(port_ticks() - t0, cal);
            if (st != ATTN_OK) {
                printf("word %d: float: %s\n", w, attn_status_str(st));
                return 1;
            }
            if (arena.high_water > f.arena) f.arena = arena.high_water;
            count(&f, w, of, nf, insns);
            f.same_ref += same_tokens(of, nf, g2p_test_torch[w], g2p_test_torch_len[w]);
            if (w < 3) print_word(w, of, nf);

            /* int8 */
            attn_arena_init(&arena, arena_buf, sizeof arena_buf);
            t0 = port_ticks();
            st = attn_seq2seq_greedy_s8(o8, &n8, G2P_MAX_GEN, src, n, G2P_BOS, G2P_EOS, &c8,
                                        &g2p_cfg, &g2p_s8, &arena);
            insns = port_insns(port_ticks() - t0, cal);
            q.same_ref += nf == n8 && (n8 == 0 || memcmp(of, o8, (size_t)n8 * sizeof(int)) == 0);
        }
#else
        attn_arena_init(&arena, arena_buf, sizeof arena_buf);
        t0 = port_ticks();
        st = attn_seq2seq_greedy_s8(o8, &n8, G2P_MAX_GEN, src, n, G2P_BOS, G2P_EOS, &c8, &g2p_cfg,
                                    &g2p_s8, &arena);
        insns = port_insns(port_ticks() - t0, cal);
        q.same_ref += same_tokens(o8, n8, g2p_test_torch[w], g2p_test_torch_len[w]);
        if (w < 3) print_word(w, o8, n8);
#endif
        if (st != ATTN_OK) {
            printf("word %d: int8: %s\n", w, attn_status_str(st));
            return 1;
        }
        if (arena.high_water > q.arena) q.arena = arena.high_water;
        count(&q, w, o8, n8, insns);
        for (i = 0; i < n8; i++) hash = (hash ^ (uint32_t)o8[i]) * 16777619u;
        hash = (hash ^ 0xFFu) * 16777619u; /* word end */
        hashed += n8 + 1;
    }

#ifndef G2P_NO_FLOAT
    /* float logits along PyTorch's greedy path */
    for (w = 0; w < G2P_N_LOGIT_WORDS; w++) {
        int src[G2P_SRC_MAX], n = g2p_test_src_len[w], t, tok = G2P_BOS;
        for (i = 0; i < n; i++) src[i] = g2p_test_src[w][i];
        attn_arena_init(&arena, arena_buf, sizeof arena_buf);
        st = attn_seq2seq_encode_f32(&cf, src, n, &g2p_cfg, &g2p_weights, &arena);
        for (t = 0; st == ATTN_OK && t < g2p_logit_steps[w]; t++) {
            st = attn_seq2seq_step_f32(logits, tok, &cf, &g2p_cfg, &g2p_weights, &arena);
            for (i = 0; i < G2P_TGT_VOCAB; i++) {
                double ref = (double)g2p_logits[w][t][i];
                double e = fabs((double)logits[i] - ref) / (fabs(ref) > 1.0 ? fabs(ref) : 1.0);
                if (e > worst) worst = e;
            }
            tok = t < g2p_test_torch_len[w] ? g2p_test_torch[w][t] : G2P_EOS;
        }
        if (st != ATTN_OK) {
            printf("logits of word %d: %s\n", w, attn_status_str(st));
            return 1;
        }
    }
    print_tally("float", &f, "PyTorch", cal);
    printf("float  logits of the first %d words along PyTorch's path: within %.2e * max(1, |ref|)\n",
           G2P_N_LOGIT_WORDS, worst);
    print_tally("int8", &q, "float", cal);
    printf("weights: float %lu B, int8 %lu B (flash)\n", (unsigned long)G2P_WEIGHT_BYTES,
           (unsigned long)G2P_S8_WEIGHT_BYTES);
#else
    print_tally("int8", &q, "PyTorch", cal);
    printf("weights: int8 %lu B (flash)\n", (unsigned long)G2P_S8_WEIGHT_BYTES);
#endif
    printf("checksum g2p-int8-outputs: %ld bytes, FNV-1a %08lx\n", hashed, (unsigned long)hash);

#define G2P_CHECK(c, what)                                                                  \
    do {                                                                                    \
        int c_ = (c);                                                                       \
        printf("%s %s\n", c_ ? "ok  " : "FAIL", what);                                      \
        if (c_) passed++; else failed++;                                                    \
    } while (0)
#ifndef G2P_NO_FLOAT
    G2P_CHECK(f.same_ref == G2P_N_TEST, "float greedy outputs == PyTorch's on every word");
    G2P_CHECK(worst <= G2P_LOGIT_TOL, "float logits within G2P_LOGIT_TOL of PyTorch's");
    G2P_CHECK(q.same_ref * 100 >= 97 * G2P_N_TEST, "int8 outputs == float's on >= 97% of words");
    G2P_CHECK(per_10k(q.edits, q.ref_len) - per_10k(f.edits, f.ref_len) <= 100,
              "int8 phoneme error rate within 1 point of float's");
#else
    /* float runs on the other cores, where it equals PyTorch on every word */
    G2P_CHECK(q.same_ref * 100 >= 97 * G2P_N_TEST,
              "int8 outputs == PyTorch's (= float's) on >= 97% of words");
#endif
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
