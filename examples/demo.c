/* demo.c - a small transformer encoder classifier, end to end, with attention.h.

   Embed 8 input features per token to d_model 32, add sinusoidal positions,
   run 2 post-norm encoder layers (4 heads, GELU feed-forward of 64) and a
   final layer norm, mean-pool the tokens that are not padding and classify
   into 10 classes. Weights are pseudo-random (a tiny LCG, the same on every
   machine), so the logits mean nothing; the point is the shape of a program:
   weights in static arrays (on a device: const, in flash), one static arena
   sized at compile time for all working memory, and a status for every call.

   Build and run:  make demo
   or:             cc -std=c99 -I. examples/demo.c -lm -o demo && ./demo
   On a Cortex-M board under QEMU, with the instruction count of the model
   call:           make demo-m4   (or demo-m3, -m7, -m33, -m55)
   There it is built with the board port (ports/cortex-m, -DDEMO_ON_BOARD) and
   run under qemu -icount, where the port's counter counts instructions. */
#include <math.h>
#include <stdio.h>
#define ATTN_IMPLEMENTATION
#include "attention.h"
#ifdef DEMO_ON_BOARD
#include "port.h"
#endif

/* ---- configuration (compile-time, so every buffer can be static) -------- */

#define SEQ 16       /* tokens per input; the last N_PAD are padding        */
#define N_PAD 3
#define D_IN 8       /* input features per token                           */
#define D_MODEL 32   /* embedding width                                    */
#define N_HEADS 4    /* d_head = 8                                         */
#define D_FF 64      /* feed-forward hidden width                          */
#define N_LAYERS 2
#define N_CLASSES 10

/* ---- weights (PyTorch layouts, see attention.h CONVENTIONS) ------------- */

typedef struct {
    float in_proj_w[3 * D_MODEL * D_MODEL]; /* [3*d_model][d_model] Wq; Wk; Wv */
    float in_proj_b[3 * D_MODEL];           /* [3*d_model] bq; bk; bv          */
    float out_w[D_MODEL * D_MODEL];         /* [d_model][d_model]              */
    float out_b[D_MODEL];                   /* [d_model]                       */
    float ff1_w[D_FF * D_MODEL];            /* [d_ff][d_model]                 */
    float ff1_b[D_FF];                      /* [d_ff]                          */
    float ff2_w[D_MODEL * D_FF];            /* [d_model][d_ff]                 */
    float ff2_b[D_MODEL];                   /* [d_model]                       */
    float norm1_w[D_MODEL], norm1_b[D_MODEL]; /* [d_model] each                */
    float norm2_w[D_MODEL], norm2_b[D_MODEL]; /* [d_model] each                */
} layer_params;

typedef struct {
    float embed_w[D_MODEL * D_IN];          /* [d_model][d_in]                 */
    float embed_b[D_MODEL];                 /* [d_model]                       */
    layer_params layers[N_LAYERS];
    float norm_w[D_MODEL], norm_b[D_MODEL]; /* final LayerNorm [d_model] each  */
    float cls_w[N_CLASSES * D_MODEL];       /* [n_classes][d_model]            */
    float cls_b[N_CLASSES];                 /* [n_classes]                     */
} model_params;

static model_params params;
static float input[SEQ * D_IN];    /* [seq][d_in]     */
static float x[SEQ * D_MODEL];     /* [seq][d_model]  for the single-layer call */
static uint8_t key_padding[SEQ];   /* nonzero = ignore that token */

/* All working memory of the model, sized by the compile-time macro. */
static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(SEQ, D_MODEL, N_HEADS, D_FF)] ATTN_ALIGNED;

/* ---- deterministic pseudo-random numbers -------------------------------- */

/* Uniform in [-1, 1): a 32-bit LCG (Numerical Recipes constants). */
static float rand_pm1(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return (float)(*state >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

/* n values ~ center + U(-scale, scale) */
static void fill(float *p, int n, float center, float scale, uint32_t *state)
{
    int i;
    for (i = 0; i < n; i++) p[i] = center + scale * rand_pm1(state);
}

/* nn.Linear-style init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) */
static void fill_linear(float *w, float *b, int out, int in, uint32_t *state)
{
    float bound = 1.0f / sqrtf((float)in);
    fill(w, out * in, 0.0f, bound, state);
    fill(b, out, 0.0f, bound, state);
}

static void init_params(model_params *p, uint32_t seed)
{
    int l;
    fill_linear(p->embed_w, p->embed_b, D_MODEL, D_IN, &seed);
    for (l = 0; l < N_LAYERS; l++) {
        layer_params *lp = &p->layers[l];
        fill_linear(lp->in_proj_w, lp->in_proj_b, 3 * D_MODEL, D_MODEL, &seed);
        fill_linear(lp->out_w, lp->out_b, D_MODEL, D_MODEL, &seed);
        fill_linear(lp->ff1_w, lp->ff1_b, D_FF, D_MODEL, &seed);
        fill_linear(lp->ff2_w, lp->ff2_b, D_MODEL, D_FF, &seed);
        fill(lp->norm1_w, D_MODEL, 1.0f, 0.1f, &seed); /* gamma ~ 1 */
        fill(lp->norm1_b, D_MODEL, 0.0f, 0.1f, &seed); /* beta ~ 0  */
        fill(lp->norm2_w, D_MODEL, 1.0f, 0.1f, &seed);
        fill(lp->norm2_b, D_MODEL, 0.0f, 0.1f, &seed);
    }
    fill(p->norm_w, D_MODEL, 1.0f, 0.1f, &seed);
    fill(p->norm_b, D_MODEL, 0.0f, 0.1f, &seed);
    fill_linear(p->cls_w, p->cls_b, N_CLASSES, D_MODEL, &seed);
}

/* The library's view of one layer: pointers into the static block. */
static attn_encoder_layer_weights_f32 layer_view(const layer_params *lp)
{
    attn_encoder_layer_weights_f32 w;
    attn_mha_weights_packed_f32(&w.attn, lp->in_proj_w, lp->in_proj_b, lp->out_w, lp->out_b,
                                D_MODEL);
    w.ff1_w = lp->ff1_w;
    w.ff1_b = lp->ff1_b;
    w.ff2_w = lp->ff2_w;
    w.ff2_b = lp->ff2_b;
    w.norm1_w = lp->norm1_w;
    w.norm1_b = lp->norm1_b;
    w.norm2_w = lp->norm2_w;
    w.norm2_b = lp->norm2_b;
    return w;
}

/* Print the failing call and its status, then leave main with 1. */
#define CHECK(call)                                                                     \
    do {                                                                                \
        attn_status st_ = (call);                                                       \
        if (st_ != ATTN_OK) {                                                           \
            printf("error: %s -> %s (line %d)\n", #call, attn_status_str(st_), __LINE__); \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

static unsigned long ul(size_t n) { return (unsigned long)n; }

int main(void)
{
    attn_model_cfg cfg = {0};
    attn_model_weights_f32 w;
    attn_encoder_layer_weights_f32 layers[N_LAYERS];
    attn_arena arena;
    float logits[N_CLASSES];
    size_t model_bytes, layer_bytes, naive_floats;
    uint32_t seed = 42u;
    int i, l, best;

    /* model configuration */
    cfg.encoder.d_model = D_MODEL;
    cfg.encoder.n_heads = N_HEADS;
    cfg.encoder.d_ff = D_FF;
    cfg.encoder.activation = ATTN_ACT_GELU;
    cfg.encoder.norm_first = 0; /* post-norm, PyTorch's default */
    cfg.encoder.causal = 0;
    cfg.encoder.eps = 1e-5f;
    cfg.d_in = D_IN;
    cfg.max_seq = SEQ;
    cfg.position = ATTN_POS_SINUSOIDAL;
    cfg.pooling = ATTN_POOL_MEAN;
    cfg.n_classes = N_CLASSES;

    /* weights: generated into the static block, then pointed at */
    init_params(&params, 1234u);
    for (l = 0; l < N_LAYERS; l++) layers[l] = layer_view(&params.layers[l]);
    w.embed_w = params.embed_w;
    w.embed_b = params.embed_b;
    w.pos = NULL; /* sinusoidal positions are computed, not stored */
    w.encoder.layers = layers;
    w.encoder.n_layers = N_LAYERS;
    w.encoder.final_norm = 1;
    w.encoder.norm_w = params.norm_w;
    w.encoder.norm_b = params.norm_b;
    w.cls_w = params.cls_w;
    w.cls_b = params.cls_b;

    /* input: random features, the last N_PAD tokens marked as padding */
    fill(input, SEQ * D_IN, 0.0f, 1.0f, &seed);
    for (i = 0; i < SEQ; i++) key_padding[i] = (uint8_t)(i >= SEQ - N_PAD);

    printf("attention.h %d.%d.%d demo: encoder classifier\n", ATTN_VERSION_MAJOR,
           ATTN_VERSION_MINOR, ATTN_VERSION_PATCH);
    printf("  seq %d (last %d padded), d_in %d, d_model %d, heads %d, d_ff %d, layers %d,\n",
           SEQ, N_PAD, D_IN, D_MODEL, N_HEADS, D_FF, N_LAYERS);
    printf("  post-norm, GELU, final norm, sinusoidal positions, mean pooling, %d classes\n\n",
           N_CLASSES);

    /* the whole model: embed, positions, 2 layers, final norm, pool, classify */
    CHECK(attn_arena_init(&arena, arena_buf, sizeof arena_buf));
    CHECK(attn_model_scratch_f32(&cfg, SEQ, &model_bytes));
#ifdef DEMO_ON_BOARD
    {
        uint32_t cal, t0, insns;
        port_init();
        cal = port_calibrate();
        t0 = port_ticks();
        CHECK(attn_model_f32(logits, input, SEQ, key_padding, &cfg, &w, &arena));
        insns = port_insns(port_ticks() - t0, cal);
        if (cal) printf("instructions for attn_model_f32: %lu\n", (unsigned long)insns);
        else printf("instructions: run under qemu -icount to count them\n");
    }
#else
    CHECK(attn_model_f32(logits, input, SEQ, key_padding, &cfg, &w, &arena));
#endif
    CHECK(attn_argmax_f32(&best, logits, N_CLASSES));

    printf("logits:");
    for (i = 0; i < N_CLASSES; i++) printf(" %.4f", (double)logits[i]);
    printf("\nclass: %d\n\n", best);

    /* memory: what the call used, what the query and the macro promised, and
       what the textbook way (x, Q, K, V, a seq x seq score matrix for one head
       at a time, context, attention/FF output, FF hidden) would hold */
    naive_floats = (size_t)SEQ * D_MODEL * 6 + (size_t)SEQ * SEQ + (size_t)SEQ * D_FF;
    printf("arena used (high-water)   %6lu bytes\n", ul(arena.high_water));
    printf("attn_model_scratch_f32    %6lu bytes\n", ul(model_bytes));
    printf("ATTN_MODEL_SCRATCH_F32    %6lu bytes\n", ul(sizeof arena_buf));
    printf("naive (scores + Q,K,V...) %6lu bytes  (6*seq*d_model + seq*seq + seq*d_ff floats)\n",
           ul(naive_floats * sizeof(float)));
    printf("weights                   %6lu bytes  (%lu parameters)\n\n", ul(sizeof params),
           ul(sizeof params / sizeof(float)));
    if (arena.high_water != model_bytes || model_bytes != sizeof arena_buf) {
        printf("error: arena high-water, runtime query and macro disagree\n");
        return 1;
    }

    /* one arena, many calls: run the layers one at a time on the same arena;
       each call gives its scratch back, so arena.used returns to 0 */
    CHECK(attn_encoder_layer_scratch_f32(&cfg.encoder, SEQ, &layer_bytes));
    printf("attn_encoder_layer_f32 on the same arena (needs %lu bytes per call):\n",
           ul(layer_bytes));
    fill(x, SEQ * D_MODEL, 0.0f, 1.0f, &seed);
    for (l = 0; l < N_LAYERS; l++) {
        CHECK(attn_encoder_layer_f32(x, SEQ, key_padding, &cfg.encoder, &layers[l], &arena));
        printf("  layer %d: x[0][0..3] = %.4f %.4f %.4f %.4f, arena.used = %lu\n", l,
               (double)x[0], (double)x[1], (double)x[2], (double)x[3], ul(arena.used));
        if (arena.used != 0) {
            printf("error: the layer call did not give its scratch back\n");
            return 1;
        }
    }
    printf("  arena.high_water is still %lu: the model call was the peak\n",
           ul(arena.high_water));
    return 0;
}
