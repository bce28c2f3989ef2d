/* Golden tests: attention.h against PyTorch's outputs (tests/golden/).
   Tolerance: max |ours - torch| <= 1e-5 * max(1, |torch|) per element. The
   layer norm accuracy cases (ln_acc_*: large offsets, constant rows, tiny
   eps) hold the float64 result instead, and ours must be as close to it
   as PyTorch's float32 LayerNorm is (torch_err; 1e-6 at least). For
   every case the runner prints the worst error and checks the arena
   accounting: runtime query == compile-time macro == high-water mark.
   On a small board two limits apply, and what they exclude is listed as left
   out: GOLDEN_FLASH_LIMIT (golden.h) keeps a case's data out of the build, and
   a case whose output plus scratch does not fit the RAM pool is not run. */
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"
/* the encoder table's cases of the parts this program runs */
#ifdef CHECK_PART_ENCODER
#define GOLDEN_PART_ENCODER 1
#else
#define GOLDEN_PART_ENCODER 0
#endif
#ifdef CHECK_PART_FORMS
#define GOLDEN_PART_FORMS 1
#else
#define GOLDEN_PART_FORMS 0
#endif
#include "golden/golden_data.h"
#include "golden_view.h"

#define GOLDEN_TOL 1e-5

static attn_activation to_act(golden_act a)
{
    return a == GOLDEN_RELU ? ATTN_ACT_RELU : a == GOLDEN_GELU ? ATTN_ACT_GELU : ATTN_ACT_GELU_TANH;
}

int golden_view_of(golden_view *v, const golden_case *c)
{
    attn_encoder_cfg *e = &v->model.encoder;
    int l;
    memset(v, 0, sizeof *v);
    if (c->n_layers > GOLDEN_MAX_LAYERS) return 0;
    v->mha.seq_q = c->seq_q;
    v->mha.seq_kv = c->seq_kv;
    v->mha.d_model = c->d_model;
    v->mha.n_heads = c->n_heads;
    v->mha.causal = c->causal;
    v->mha.window = c->window;
    e->d_model = c->d_model;
    e->n_heads = c->n_heads;
    e->d_ff = c->d_ff;
    e->activation = to_act(c->activation);
    e->norm_first = c->norm_first;
    e->causal = c->causal;
    e->window = c->window;
    e->eps = c->eps;
    v->model.d_in = c->d_in;
    v->model.max_seq = c->seq_q + c->cls_token;
    v->model.position = c->pos == GOLDEN_POS_SINUSOIDAL ? ATTN_POS_SINUSOIDAL
                        : c->pos == GOLDEN_POS_LEARNED  ? ATTN_POS_LEARNED
                                                        : ATTN_POS_NONE;
    v->model.pooling = c->pool == GOLDEN_POOL_FIRST       ? ATTN_POOL_FIRST
                       : c->pool == GOLDEN_POOL_ATTENTION ? ATTN_POOL_ATTENTION
                                                          : ATTN_POOL_MEAN;
    v->model.cls_token = c->cls_token;
    v->model.embed_norm = c->embed_norm;
    v->model.patch = c->patch;
    v->model.channels = c->channels;
    v->model.image_h = c->image_h;
    v->model.image_w = c->image_w;
    v->model.vocab = c->vocab;
    v->model.n_segments = c->n_segments;
    v->model.n_classes = c->n_classes;
    for (l = 0; l < c->n_layers; l++) {
        const golden_layer *g = &c->layers[l];
        attn_encoder_layer_weights_f32 *w = &v->layers[l];
        /* pointers straight into PyTorch's packed in_proj_weight / bias */
        if (g->in_proj_w && g->out_w)
            attn_mha_weights_packed_f32(&w->attn, g->in_proj_w, g->in_proj_b, g->out_w,
                                        g->out_b, c->d_model);
        w->ff1_w = g->ff1_w;
        w->ff1_b = g->ff1_b;
        w->ff2_w = g->ff2_w;
        w->ff2_b = g->ff2_b;
        w->norm1_w = g->norm1_w;
        w->norm1_b = g->norm1_b;
        w->norm2_w = g->norm2_w;
        w->norm2_b = g->norm2_b;
    }
    v->encoder.layers = v->layers;
    v->encoder.n_layers = c->n_layers;
    v->encoder.final_norm = c->final_norm_w != NULL;
    v->encoder.norm_w = c->final_norm_w;
    v->encoder.norm_b = c->final_norm_b;
    v->weights.embed_w = c->embed_w;
    v->weights.embed_b = c->embed_b;
    v->weights.pos = c->pos_table;
    v->weights.encoder = v->encoder;
    v->weights.cls_w = c->cls_w;
    v->weights.cls_b = c->cls_b;
    v->weights.cls_token = c->cls_row;
    v->weights.pool_w = c->pool_w;
    v->weights.token_embed = c->token_embed;
    v->weights.segment_embed = c->segment_embed;
    v->weights.embed_norm_w = c->embed_norm_w;
    v->weights.embed_norm_b = c->embed_norm_b;
    return 1;
}

/* The scratch a case needs: the runtime query (what the arena must hold)
   and the compile-time macro (which must agree with it). */
static attn_status case_scratch(const golden_case *c, const golden_view *v, size_t *query,
                                size_t *macro)
{
    *query = *macro = 0;
    switch (c->kind) {
    case GOLDEN_LAYERNORM:
        return ATTN_OK;
    case GOLDEN_MHA:
        *macro = ATTN_MHA_SCRATCH_F32(c->seq_kv, c->d_model);
        return attn_mha_scratch_f32(&v->mha, query);
    case GOLDEN_ENCODER_LAYER:
        *macro = ATTN_ENCODER_SCRATCH_F32(c->seq_q, c->d_model, c->n_heads, c->d_ff);
        return attn_encoder_layer_scratch_f32(&v->model.encoder, c->seq_q, query);
    case GOLDEN_ENCODER:
        *macro = ATTN_ENCODER_SCRATCH_F32(c->seq_q, c->d_model, c->n_heads, c->d_ff);
        return attn_encoder_scratch_f32(&v->model.encoder, c->seq_q, query);
    case GOLDEN_MODEL:
        *macro = ATTN_MODEL_SCRATCH_EX_F32(c->seq_q, c->d_model, c->n_heads, c->d_ff,
                                           c->cls_token, c->patch ? c->d_in : 0);
        return attn_model_scratch_f32(&v->model, c->seq_q, query);
    case GOLDEN_POOL:
        *macro = ATTN_POOL_SCRATCH_F32(c->seq_q);
        *query = *macro; /* (no runtime query: the scratch is the scores) */
        return ATTN_OK;
    }
    return ATTN_ERR_RANGE;
}

#include "golden_run.h"

attn_status golden_run(const golden_case *c, const golden_view *v, float *out, attn_arena *arena)
{
    return golden_run_case(c, v, out, arena);
}

const golden_case *golden_table(void)
{
    return golden_cases;
}

/* the decoder-side table, for test_decoder.c (one copy of the data) */
const golden_dec_case *golden_dec_table(void)
{
    return golden_dec_cases;
}

const golden_left_out_entry *golden_dec_left_out_table(void)
{
    return golden_dec_left_out;
}

/* the additive-attention table, for test_additive.c (one copy of the data) */
const golden_add_case *golden_add_table(void)
{
    return golden_add_cases;
}

const golden_left_out_entry *golden_add_left_out_table(void)
{
    return golden_add_left_out;
}

void test_golden(void)
{
    size_t i;
    unsigned long flash = 0;
    double worst_all = 0.0;
    char tol[CHECK_E_CHARS], e1[CHECK_E_CHARS];
    check_e(tol, GOLDEN_TOL, 0);
    for (i = 0; golden_cases[i].name != NULL; i++) flash += golden_cases[i].data_bytes;
    printf("golden: %d of %d PyTorch cases in this build, %lu B of data (%s), "
           "tolerance %s * max(1, |ref|)\n",
           (int)GOLDEN_N_CASES, (int)(GOLDEN_N_CASES + GOLDEN_N_LEFT_OUT), flash, GOLDEN_STAMP,
           tol);
    for (i = 0; golden_left_out[i].name != NULL; i++)
        check_left_out("golden %s: its data takes %lu B of flash, GOLDEN_FLASH_LIMIT is %lu B",
                       golden_left_out[i].name, golden_left_out[i].data_bytes,
                       (unsigned long)GOLDEN_FLASH_LIMIT);
    for (i = 0; golden_cases[i].name != NULL; i++) {
        const golden_case *c = &golden_cases[i];
        static golden_view v;
        size_t query, macro, n_out = golden_out_floats(c);
        attn_arena arena;
        attn_status st = golden_view_of(&v, c) ? case_scratch(c, &v, &query, &macro)
                                                : ATTN_ERR_SHAPE;
        float *out;
        double err;
        if (st != ATTN_OK) {
            check(0, "golden %s: scratch query: %s", c->name, attn_status_str(st));
            continue;
        }
        check_pool_reset();
        if (!check_fits(CHECK_FLOATS(n_out) + query, "golden %s (output %lu B + scratch %lu B)",
                        c->name, (unsigned long)CHECK_FLOATS(n_out), (unsigned long)query))
            continue;
        out = check_take_floats(n_out);
        check_take_rest_arena(&arena); /* more than the query: the high-water mark tells */
        memset(out, 0, n_out * sizeof(float));
        st = golden_run(c, &v, out, &arena);
        if (!check(st == ATTN_OK, "golden %s: status %s", c->name, attn_status_str(st)))
            continue;
        err = check_max_rel_err(out, c->expected, n_out);
        if (err > worst_all) worst_all = err;
        printf("  %-44s worst err %s  arena %6lu B\n", c->name, check_e(e1, err, 2),
               (unsigned long)arena.high_water);
        check(err <= GOLDEN_TOL, "golden %s: worst error %s within %s", c->name,
              check_e(e1, err, 3), tol);
        if (c->torch_err >= 0.0f) { /* an accuracy case: expected is float64 */
            char e2[CHECK_E_CHARS];
            double bound = (double)c->torch_err > 1e-6 ? (double)c->torch_err : 1e-6;
            check(err <= bound,
                  "golden %s: error %s against float64 is within PyTorch float32's own %s "
                  "(or 1e-6)", c->name, check_e(e1, err, 3), check_e(e2, (double)c->torch_err, 3));
        }
        check(arena.used == 0, "golden %s: arena released after the call", c->name);
        if (c->kind != GOLDEN_LAYERNORM)
            check(query == macro && macro == arena.high_water,
                  "golden %s: scratch query %lu == macro %lu == high-water %lu", c->name,
                  (unsigned long)query, (unsigned long)macro, (unsigned long)arena.high_water);
    }
    printf("golden: worst error over all cases %s\n", check_e(e1, worst_all, 2));
}
