/* Hardening regressions (issue 9): inputs every check used to accept and
   whose behaviour was not defined, or errors that left outputs half
   written. Each case names the defect class it pins down.
     - the quantizer: NaN/Inf weights, biases, norms, positions and
       calibration are ATTN_ERR_RANGE; a store one block short is
       ATTN_ERR_ARENA before anything is written; on every error *out,
       *in_q and *out_q are unchanged and the store keeps no block; the
       position table's max_seq * d_model is overflow-checked on 32-bit;
     - int8 post-norm layers: an add whose wide sum can reach 2^19 (the
       bound the layer norm is proven for) is ATTN_ERR_RANGE, decided
       exactly at the bound; pre-norm layers narrow any sum and accept it.
   One small float model (d_model 8, 2 heads, d_ff 12, one layer) with
   random weights; its buffers come from the RAM pool. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"

enum { D = 8, H = 2, FF = 12, SEQ = 6, D_IN = 4, NC = 3, N_CALIB = 4 };
/* the float weights, one array: offsets of each tensor */
enum {
    W_Q = 0, W_K = W_Q + D * D, W_V = W_K + D * D, W_O = W_V + D * D, B_Q = W_O + D * D,
    B_K = B_Q + D, B_V = B_K + D, B_O = B_V + D, FF1_W = B_O + D, FF1_B = FF1_W + FF * D,
    FF2_W = FF1_B + FF, FF2_B = FF2_W + D * FF, N1_W = FF2_B + D, N1_B = N1_W + D, N2_W = N1_B + D,
    N2_B = N2_W + D, EMB_W = N2_B + D, EMB_B = EMB_W + D * D_IN, POS = EMB_B + D,
    CLS_W = POS + SEQ * D, CLS_B = CLS_W + NC * D, N_W = CLS_B + NC
};
#define STORE_BYTES 2560u
#define SCRATCH_BYTES 3072u
#define CALIB_N (N_CALIB * SEQ * D_IN)

typedef struct {
    float *w;        /* [N_W] */
    float *calib;    /* [CALIB_N] model input; the encoder reads SEQ * D of it per sequence */
    unsigned char *store_buf, *scratch_buf;
    attn_encoder_layer_weights_f32 lw;
    attn_encoder_weights_f32 ew;
    attn_encoder_cfg ecfg;
    attn_model_cfg mcfg;
    attn_model_weights_f32 mw;
} hx;

static void hx_init(hx *f, int norm_first)
{
    float *w = f->w;
    check_seed(4242u);
    check_fill(w, N_W, -0.5f, 0.5f);
    {
        int c;
        for (c = 0; c < D; c++) {
            w[N1_W + c] = 1.0f + 0.1f * w[N1_W + c];
            w[N2_W + c] = 1.0f + 0.1f * w[N2_W + c];
        }
    }
    check_fill(f->calib, CALIB_N, -2.0f, 2.0f);
    memset(&f->lw, 0, sizeof f->lw);
    f->lw.attn.wq = w + W_Q; f->lw.attn.wk = w + W_K; f->lw.attn.wv = w + W_V; f->lw.attn.wo = w + W_O;
    f->lw.attn.bq = w + B_Q; f->lw.attn.bk = w + B_K; f->lw.attn.bv = w + B_V; f->lw.attn.bo = w + B_O;
    f->lw.ff1_w = w + FF1_W; f->lw.ff1_b = w + FF1_B; f->lw.ff2_w = w + FF2_W; f->lw.ff2_b = w + FF2_B;
    f->lw.norm1_w = w + N1_W; f->lw.norm1_b = w + N1_B; f->lw.norm2_w = w + N2_W; f->lw.norm2_b = w + N2_B;
    memset(&f->ew, 0, sizeof f->ew);
    f->ew.layers = &f->lw;
    f->ew.n_layers = 1;
    memset(&f->ecfg, 0, sizeof f->ecfg);
    f->ecfg.d_model = D; f->ecfg.n_heads = H; f->ecfg.d_ff = FF;
    f->ecfg.activation = ATTN_ACT_GELU; f->ecfg.norm_first = norm_first; f->ecfg.eps = 1e-5f;
    memset(&f->mcfg, 0, sizeof f->mcfg);
    f->mcfg.encoder = f->ecfg; f->mcfg.d_in = D_IN; f->mcfg.max_seq = SEQ;
    f->mcfg.position = ATTN_POS_LEARNED; f->mcfg.pooling = ATTN_POOL_MEAN; f->mcfg.n_classes = NC;
    memset(&f->mw, 0, sizeof f->mw);
    f->mw.embed_w = w + EMB_W; f->mw.embed_b = w + EMB_B; f->mw.pos = w + POS;
    f->mw.encoder = f->ew; f->mw.cls_w = w + CLS_W; f->mw.cls_b = w + CLS_B;
}

/* The outputs of one quantizer call, pre-filled with a pattern. */
typedef struct {
    attn_encoder_s8_params enc;
    attn_model_s8_params model;
    attn_qparams in_q, out_q;
} hx_out;

static void out_fill(hx_out *o) { memset(o, 0xA5, sizeof *o); }

static int out_untouched(const hx_out *o)
{
    const unsigned char *p = (const unsigned char *)o;
    size_t i;
    for (i = 0; i < sizeof *o; i++)
        if (p[i] != 0xA5) return 0;
    return 1;
}

/* which = 0: attn_quantize_encoder_s8, 1: attn_quantize_model_s8 */
static attn_status quantize(hx *f, int which, hx_out *o, attn_arena *store, size_t store_bytes)
{
    attn_arena scratch;
    attn_arena_init(store, f->store_buf, store_bytes);
    attn_arena_init(&scratch, f->scratch_buf, SCRATCH_BYTES);
    if (which == 0)
        return attn_quantize_encoder_s8(&o->enc, &o->in_q, &o->out_q, &f->ecfg, &f->ew, f->calib,
                                        NULL, N_CALIB * D_IN / D, SEQ, store, &scratch);
    return attn_quantize_model_s8(&o->model, &f->mcfg, &f->mw, f->calib, NULL, N_CALIB, SEQ, store,
                                  &scratch);
}

static const char *k_which[2] = {"attn_quantize_encoder_s8", "attn_quantize_model_s8"};

/* An error: the documented status, the outputs as they were, the store
   holding no block (and, for ATTN_ERR_ARENA, not one byte of it written). */
static void expect_refused(hx *f, int which, attn_status want, const char *what, size_t store_bytes)
{
    hx_out o;
    attn_arena store;
    attn_status st;
    size_t i, written = 0;
    out_fill(&o);
    memset(f->store_buf, 0x5A, STORE_BYTES);
    st = quantize(f, which, &o, &store, store_bytes);
    if (want == ATTN_ERR_ARENA)
        for (i = 0; i < STORE_BYTES; i++) written += f->store_buf[i] != 0x5A;
    check(st == want && out_untouched(&o) && store.used == 0 && store.high_water == 0 &&
              written == 0,
          "%s, %s: %s (want %s), outputs %s, store keeps %lu B (high-water %lu), %lu store "
          "bytes written",
          k_which[which], what, attn_status_str(st), attn_status_str(want),
          out_untouched(&o) ? "unchanged" : "WRITTEN", (unsigned long)store.used,
          (unsigned long)store.high_water, (unsigned long)written);
}

static void test_quantizer_inputs(hx *f)
{
    static const struct {
        const char *name;
        int at, model_only;
    } poison[] = {
        {"in_proj weight", W_Q + 3, 0}, {"k bias", B_K, 0}, {"out_proj weight", W_O + 63, 0},
        {"linear1 weight", FF1_W + 7, 0}, {"linear1 bias", FF1_B + 11, 0},
        {"linear2 bias", FF2_B + 1, 0}, {"norm1 gamma", N1_W + 2, 0}, {"norm2 beta", N2_B + 5, 0},
        {"embedding weight", EMB_W + 1, 1}, {"embedding bias", EMB_B, 1},
        {"learned positions", POS + 5, 1}, {"classifier weight", CLS_W + 2, 1},
        {"classifier bias", CLS_B + 1, 1},
    };
    const float bad[3] = {NAN, INFINITY, -INFINITY};
    const char *bad_name[3] = {"NaN", "+Inf", "-Inf"};
    int which, k, b;
    for (which = 0; which < 2; which++) {
        hx_out o;
        attn_arena store;
        attn_status st;
        size_t used;
        char what[80];
        /* the store: exactly what it needs works and is all used; one block
           less is refused before anything is written */
        out_fill(&o);
        st = quantize(f, which, &o, &store, STORE_BYTES);
        used = store.used;
        if (!check(st == ATTN_OK && used > 0, "%s: the fixture quantizes (%s, %lu B of store)",
                   k_which[which], attn_status_str(st), (unsigned long)used))
            continue;
        out_fill(&o);
        st = quantize(f, which, &o, &store, used);
        check(st == ATTN_OK && store.used == used && !out_untouched(&o),
              "%s: a store of exactly %lu B is enough and all of it is used (%s, %lu B)",
              k_which[which], (unsigned long)used, attn_status_str(st), (unsigned long)store.used);
        expect_refused(f, which, ATTN_ERR_ARENA, "a store one block short", used - ATTN_ALIGN);
        expect_refused(f, which, ATTN_ERR_ARENA, "an empty store", 0);
        /* NaN and infinities anywhere in the float model */
        for (k = 0; k < (int)(sizeof poison / sizeof poison[0]); k++) {
            float keep;
            if (poison[k].model_only && which == 0) continue;
            keep = f->w[poison[k].at];
            for (b = 0; b < 3; b++) {
                f->w[poison[k].at] = bad[b];
                sprintf(what, "%s in a %s", bad_name[b], poison[k].name);
                expect_refused(f, which, ATTN_ERR_RANGE, what, STORE_BYTES);
            }
            f->w[poison[k].at] = keep;
        }
        /* ... and in the calibration data (the uninitialised encodings of
           an ignored failure fed every later scale) */
        for (b = 0; b < 3; b++) {
            float keep = f->calib[17];
            f->calib[17] = bad[b];
            sprintf(what, "%s in the calibration data", bad_name[b]);
            expect_refused(f, which, ATTN_ERR_RANGE, what, STORE_BYTES);
            f->calib[17] = keep;
        }
        /* calibration values so large that the float model overflows to
           infinity inside: refused the same way */
        {
            float keep[CALIB_N];
            memcpy(keep, f->calib, sizeof keep);
            for (k = 0; k < CALIB_N; k++) f->calib[k] *= 3e37f;
            expect_refused(f, which, ATTN_ERR_RANGE, "calibration that overflows float inside",
                           STORE_BYTES);
            memcpy(f->calib, keep, sizeof keep);
        }
    }
    /* a position table too big for size_t on 32-bit targets (a 4-byte table
       used to come back with ATTN_OK), far too big for scratch on 64-bit */
    {
        attn_model_cfg keep = f->mcfg;
        f->mcfg.max_seq = ATTN_MAX_DIM;
        f->mcfg.position = ATTN_POS_SINUSOIDAL;
        expect_refused(f, 1, sizeof(size_t) < 8 ? ATTN_ERR_TOO_LARGE : ATTN_ERR_ARENA,
                       "max_seq = ATTN_MAX_DIM (the baked position table)", STORE_BYTES);
        f->mcfg.max_seq = ATTN_MAX_DIM + 1;
        expect_refused(f, 1, ATTN_ERR_SHAPE, "max_seq = ATTN_MAX_DIM + 1", STORE_BYTES);
        f->mcfg = keep;
    }
    /* constant calibration (every value 0): defined encodings that run */
    {
        float keep[CALIB_N];
        hx_out o;
        attn_arena store, scratch;
        attn_status st;
        int8_t x[SEQ * D_IN], logits[NC];
        memcpy(keep, f->calib, sizeof keep);
        memset(f->calib, 0, sizeof keep);
        st = quantize(f, 1, &o, &store, STORE_BYTES);
        memset(x, 0, sizeof x);
        attn_arena_init(&scratch, f->scratch_buf, SCRATCH_BYTES);
        if (st == ATTN_OK) st = attn_model_s8(logits, x, SEQ, NULL, &f->mcfg, &o.model, &scratch);
        check(st == ATTN_OK, "constant calibration: the model quantizes and runs (%s)",
              attn_status_str(st));
        memcpy(f->calib, keep, sizeof keep);
    }
}

/* |requant(x - zp, m)| at its largest over int8 x, by the public call */
static int64_t wide_bound(int32_t zp, attn_qmul m)
{
    int32_t hi = 0, lo = 0;
    attn_requantize(&hi, 127 - zp, m);
    attn_requantize(&lo, -128 - zp, m);
    int64_t a = hi < 0 ? -(int64_t)hi : hi, b = lo < 0 ? -(int64_t)lo : lo;
    return a > b ? a : b;
}

static void test_wide_residual(hx *f)
{
    /* factors around 2^19 / 128 = 4096 (zero point 0: |x| <= 128), and the
       reported reproducer's INT32_MAX * 2^30 / 2^31 */
    static const double fac[] = {4094.0, 4095.0, 4095.99, 4096.0, 4096.01, 8000.0, 1073741823.0};
    int norm_first, k;
    for (norm_first = 0; norm_first < 2; norm_first++) {
        hx_out o;
        attn_arena store, scratch;
        attn_status st;
        size_t bytes = 0;
        int8_t x[SEQ * D], x0[SEQ * D];
        hx_init(f, norm_first);
        st = quantize(f, 0, &o, &store, STORE_BYTES);
        if (st == ATTN_OK) st = attn_encoder_layer_scratch_s8(&f->ecfg, SEQ, &bytes);
        if (!check(st == ATTN_OK && bytes <= SCRATCH_BYTES, "wide residual (%s): fixture %s",
                   norm_first ? "pre-norm" : "post-norm", attn_status_str(st)))
            continue;
        for (k = 0; k < SEQ * D; k++) x0[k] = (int8_t)(k % 2 ? 127 : -128);
        for (k = 0; k < (int)(sizeof fac / sizeof fac[0]); k++) {
            attn_encoder_layer_s8_params L = o.enc.layers[0];
            attn_encoder_s8_params stack = o.enc;
            attn_status want, st2;
            int64_t bound;
            char e[CHECK_E_CHARS];
            L.add1.a_zp = 0;
            attn_quantize_multiplier(fac[k], &L.add1.a_mul);
            L.add1.b_mul.multiplier = 0;
            L.add1.b_mul.shift = 0;
            if (k == 6) { /* the reproducer: INT32_MAX at shift 30 on both sides */
                L.add1.a_mul.multiplier = INT32_MAX;
                L.add1.a_mul.shift = 30;
                L.add1.b_mul = L.add1.a_mul;
            }
            bound = wide_bound(L.add1.a_zp, L.add1.a_mul) + wide_bound(L.add1.b_zp, L.add1.b_mul);
            want = norm_first || bound < ((int64_t)1 << 19) ? ATTN_OK : ATTN_ERR_RANGE;
            memcpy(x, x0, sizeof x);
            attn_arena_init(&scratch, f->scratch_buf, SCRATCH_BYTES);
            st = attn_encoder_layer_s8(x, SEQ, NULL, &f->ecfg, &L, &scratch);
            check(st == want && (st == ATTN_OK || memcmp(x, x0, sizeof x) == 0),
                  "wide residual (%s), add1 factor %s (|r| up to %lu, bound 2^19): "
                  "attn_encoder_layer_s8 %s (want %s)%s",
                  norm_first ? "pre-norm" : "post-norm", check_e(e, fac[k], 6), (unsigned long)bound, attn_status_str(st),
                  attn_status_str(want), st != ATTN_OK && memcmp(x, x0, sizeof x) ? ", x WRITTEN" : "");
            /* the stack checks every layer the same way */
            stack.layers = &L;
            memcpy(x, x0, sizeof x);
            attn_arena_init(&scratch, f->scratch_buf, SCRATCH_BYTES);
            st2 = attn_encoder_s8(x, SEQ, NULL, &f->ecfg, &stack, &scratch);
            check(st2 == want, "wide residual (%s), add1 factor %s: attn_encoder_s8 %s (want %s)",
                  norm_first ? "pre-norm" : "post-norm", check_e(e, fac[k], 6), attn_status_str(st2),
                  attn_status_str(want));
        }
    }
}

void test_hardening(void)
{
    hx f;
    size_t need = CHECK_FLOATS(N_W) + CHECK_FLOATS(CALIB_N) + check_block(STORE_BYTES) +
                  check_block(SCRATCH_BYTES);
    printf("hardening (issue 9 regressions)\n");
    check_pool_reset();
    if (!check_fits(need, "hardening group")) return;
    f.w = check_take_floats(N_W);
    f.calib = check_take_floats(CALIB_N);
    f.store_buf = (unsigned char *)check_take(STORE_BYTES);
    f.scratch_buf = (unsigned char *)check_take(SCRATCH_BYTES);
    hx_init(&f, 0);
    test_quantizer_inputs(&f);
    test_wide_residual(&f);
}
