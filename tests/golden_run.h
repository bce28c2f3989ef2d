/* golden_run.h - how one golden case runs: included by test_golden.c (the
   library as built) and by portable.c (its private portable-C copy), so both
   builds run the cases the same way. */
#ifndef GOLDEN_RUN_H
#define GOLDEN_RUN_H

#include <string.h>

#include "attention.h"
#include "golden_view.h"

/* Floats of a case's output buffer: the logits of a model; otherwise
   [seq_q][d_model], which the encoder kinds fill with a copy of x and then
   update in place (so the in-place copy is the output, not extra RAM). */
static size_t golden_out_floats(const golden_case *c)
{
    return c->kind == GOLDEN_MODEL  ? (size_t)c->n_classes
           : c->kind == GOLDEN_POOL ? (size_t)c->d_model
                                    : (size_t)c->seq_q * (size_t)c->d_model;
}

/* Runs one case into out [golden_out_floats(c)]. */
static attn_status golden_run_case(const golden_case *c, const golden_view *v, float *out,
                                   attn_arena *arena)
{
    size_t x_n = (size_t)c->seq_q * (size_t)c->d_model;
    switch (c->kind) {
    case GOLDEN_LAYERNORM:
        return attn_layernorm_f32(out, c->x, c->layers[0].norm1_w, c->layers[0].norm1_b,
                                  c->eps, c->seq_q, c->d_model);
    case GOLDEN_MHA:
        return attn_mha_f32(out, c->x, c->kv ? c->kv : c->x, c->kv ? c->kv : c->x, c->key_padding,
                            &v->mha,
                            &v->layers[0].attn, arena);
    case GOLDEN_ENCODER_LAYER:
        memcpy(out, c->x, x_n * sizeof(float));
        return attn_encoder_layer_f32(out, c->seq_q, c->key_padding, &v->model.encoder,
                                      &v->layers[0], arena);
    case GOLDEN_ENCODER:
        memcpy(out, c->x, x_n * sizeof(float));
        return attn_encoder_f32(out, c->seq_q, c->key_padding, &v->model.encoder, &v->encoder,
                                arena);
    case GOLDEN_MODEL:
        if (c->vocab > 0)
            return attn_model_tokens_f32(out, c->tokens, c->segments, c->seq_q, c->key_padding,
                                         &v->model, &v->weights, arena);
        return attn_model_f32(out, c->x, c->seq_q, c->key_padding, &v->model, &v->weights, arena);
    case GOLDEN_POOL:
        return attn_pool_attention_f32(out, c->x, c->key_padding, c->pool_w, c->seq_q, c->d_model,
                                       arena);
    }
    return ATTN_ERR_RANGE;
}

#endif
