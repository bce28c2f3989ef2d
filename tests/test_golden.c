/* Golden tests: attention.h against PyTorch's outputs (tests/golden/).
   Tolerance: max |ours - torch| <= 1e-5 * max(1, |torch|) per element. For
   every case the runner prints the worst error and checks the arena
   accounting: runtime query == compile-time macro == high-water mark. */
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"
#include "golden/golden_data.h"

#define GOLDEN_TOL 1e-5

#ifndef TEST_ARENA_BYTES
#define TEST_ARENA_BYTES (48 * 1024)
#endif
#ifndef TEST_MAX_FLOATS
#define TEST_MAX_FLOATS 2048
#endif

static unsigned char g_arena_buf[TEST_ARENA_BYTES] ATTN_ALIGNED;
static float g_out[TEST_MAX_FLOATS];

static attn_activation to_act(golden_act a)
{
    return a == GOLDEN_RELU ? ATTN_ACT_RELU : a == GOLDEN_GELU ? ATTN_ACT_GELU : ATTN_ACT_GELU_TANH;
}

/* Pointers straight into PyTorch's packed in_proj_weight / in_proj_bias. */
static attn_mha_weights_f32 mha_weights(const golden_layer *l, int d)
{
    attn_mha_weights_f32 w;
    memset(&w, 0, sizeof w);
    attn_mha_weights_packed_f32(&w, l->in_proj_w, l->in_proj_b, l->out_w, l->out_b, d);
    return w;
}

static attn_encoder_layer_weights_f32 layer_weights(const golden_layer *l, int d)
{
    attn_encoder_layer_weights_f32 w;
    w.attn = mha_weights(l, d);
    w.ff1_w = l->ff1_w;
    w.ff1_b = l->ff1_b;
    w.ff2_w = l->ff2_w;
    w.ff2_b = l->ff2_b;
    w.norm1_w = l->norm1_w;
    w.norm1_b = l->norm1_b;
    w.norm2_w = l->norm2_w;
    w.norm2_b = l->norm2_b;
    return w;
}

static attn_encoder_cfg encoder_cfg(const golden_case *c)
{
    attn_encoder_cfg e;
    e.d_model = c->d_model;
    e.n_heads = c->n_heads;
    e.d_ff = c->d_ff;
    e.activation = to_act(c->activation);
    e.norm_first = c->norm_first;
    e.causal = c->causal;
    e.eps = c->eps;
    return e;
}

#define MAX_LAYERS 4

/* Runs one case; fills g_out, returns the status and the scratch bytes the
   runtime query and the compile-time macro give for it. */
static attn_status run_case(const golden_case *c, attn_arena *arena, size_t *query,
                            size_t *macro, size_t *n_out)
{
    size_t x_n = (size_t)c->seq_q * (size_t)c->d_model;
    attn_encoder_cfg ecfg = encoder_cfg(c);
    attn_status st = ATTN_OK;
    *query = *macro = 0;
    *n_out = x_n;
    switch (c->kind) {
    case GOLDEN_LAYERNORM:
        return attn_layernorm_f32(g_out, c->x, c->layers[0].norm1_w, c->layers[0].norm1_b,
                                  c->eps, c->seq_q, c->d_model);
    case GOLDEN_MHA: {
        attn_mha_cfg m;
        attn_mha_weights_f32 w = mha_weights(&c->layers[0], c->d_model);
        m.seq_q = c->seq_q;
        m.seq_kv = c->seq_kv;
        m.d_model = c->d_model;
        m.n_heads = c->n_heads;
        m.causal = c->causal;
        st = attn_mha_scratch_f32(&m, query);
        *macro = ATTN_MHA_SCRATCH_F32(c->seq_kv, c->d_model);
        if (st != ATTN_OK) return st;
        return attn_mha_f32(g_out, c->x, c->kv ? c->kv : c->x, c->key_padding, &m, &w, arena);
    }
    case GOLDEN_ENCODER_LAYER: {
        attn_encoder_layer_weights_f32 w = layer_weights(&c->layers[0], c->d_model);
        st = attn_encoder_layer_scratch_f32(&ecfg, c->seq_q, query);
        *macro = ATTN_ENCODER_SCRATCH_F32(c->seq_q, c->d_model, c->n_heads, c->d_ff);
        if (st != ATTN_OK) return st;
        memcpy(g_out, c->x, x_n * sizeof(float));
        return attn_encoder_layer_f32(g_out, c->seq_q, c->key_padding, &ecfg, &w, arena);
    }
    case GOLDEN_ENCODER:
    case GOLDEN_MODEL: {
        attn_encoder_layer_weights_f32 lw[MAX_LAYERS];
        attn_encoder_weights_f32 ew;
        int l;
        if (c->n_layers > MAX_LAYERS) return ATTN_ERR_SHAPE;
        for (l = 0; l < c->n_layers; l++) lw[l] = layer_weights(&c->layers[l], c->d_model);
        ew.layers = lw;
        ew.n_layers = c->n_layers;
        ew.final_norm = c->final_norm_w != NULL;
        ew.norm_w = c->final_norm_w;
        ew.norm_b = c->final_norm_b;
        if (c->kind == GOLDEN_ENCODER) {
            st = attn_encoder_scratch_f32(&ecfg, c->seq_q, query);
            *macro = ATTN_ENCODER_SCRATCH_F32(c->seq_q, c->d_model, c->n_heads, c->d_ff);
            if (st != ATTN_OK) return st;
            memcpy(g_out, c->x, x_n * sizeof(float));
            return attn_encoder_f32(g_out, c->seq_q, c->key_padding, &ecfg, &ew, arena);
        } else {
            attn_model_cfg mc;
            attn_model_weights_f32 mw;
            mc.encoder = ecfg;
            mc.d_in = c->d_in;
            mc.max_seq = c->seq_q;
            mc.position = c->pos == GOLDEN_POS_SINUSOIDAL ? ATTN_POS_SINUSOIDAL
                          : c->pos == GOLDEN_POS_LEARNED  ? ATTN_POS_LEARNED
                                                          : ATTN_POS_NONE;
            mc.pooling = c->pool == GOLDEN_POOL_FIRST ? ATTN_POOL_FIRST : ATTN_POOL_MEAN;
            mc.n_classes = c->n_classes;
            mw.embed_w = c->embed_w;
            mw.embed_b = c->embed_b;
            mw.pos = c->pos_table;
            mw.encoder = ew;
            mw.cls_w = c->cls_w;
            mw.cls_b = c->cls_b;
            *n_out = (size_t)c->n_classes;
            st = attn_model_scratch_f32(&mc, c->seq_q, query);
            *macro = ATTN_MODEL_SCRATCH_F32(c->seq_q, c->d_model, c->n_heads, c->d_ff);
            if (st != ATTN_OK) return st;
            return attn_model_f32(g_out, c->x, c->seq_q, c->key_padding, &mc, &mw, arena);
        }
    }
    }
    return ATTN_ERR_RANGE;
}

void test_golden(void)
{
    size_t i;
    double worst_all = 0.0;
    printf("golden: %d PyTorch cases (%s), tolerance %.0e * max(1, |ref|)\n",
           (int)GOLDEN_N_CASES, GOLDEN_STAMP, GOLDEN_TOL);
    for (i = 0; i < GOLDEN_N_CASES; i++) {
        const golden_case *c = &golden_cases[i];
        attn_arena arena;
        size_t query, macro, n_out;
        attn_status st;
        double err;
        if ((size_t)c->seq_q * (size_t)c->d_model > TEST_MAX_FLOATS) {
            check(0, "golden %s: does not fit this runner's buffers", c->name);
            continue;
        }
        attn_arena_init(&arena, g_arena_buf, sizeof g_arena_buf);
        memset(g_out, 0, sizeof g_out);
        st = run_case(c, &arena, &query, &macro, &n_out);
        if (!check(st == ATTN_OK, "golden %s: status %s", c->name, attn_status_str(st)))
            continue;
        err = check_max_rel_err(g_out, c->expected, n_out);
        if (err > worst_all) worst_all = err;
        printf("  %-44s worst err %.2e  arena %6lu B\n", c->name, err,
               (unsigned long)arena.high_water);
        check(err <= GOLDEN_TOL, "golden %s: worst error %.3e within %.0e", c->name, err,
              GOLDEN_TOL);
        check(arena.used == 0, "golden %s: arena released after the call", c->name);
        if (c->kind != GOLDEN_LAYERNORM)
            check(query == macro && macro == arena.high_water,
                  "golden %s: scratch query %lu == macro %lu == high-water %lu", c->name,
                  (unsigned long)query, (unsigned long)macro, (unsigned long)arena.high_water);
    }
    printf("golden: worst error over all cases %.2e\n", worst_all);
}
