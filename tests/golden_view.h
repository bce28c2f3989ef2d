/* golden_view.h - one PyTorch golden case (golden/golden.h) seen through
   attention.h's configuration and weight structs: what the golden tests and
   the quantized-vs-float tests both run. Defined in test_golden.c. */
#ifndef GOLDEN_VIEW_H
#define GOLDEN_VIEW_H

#include "attention.h"
#include "golden/golden.h"

#define GOLDEN_MAX_LAYERS 4

typedef struct {
    attn_mha_cfg mha;                     /* MHA cases                       */
    attn_model_cfg model;                 /* model.encoder: the layer config */
    attn_encoder_layer_weights_f32 layers[GOLDEN_MAX_LAYERS];
    attn_encoder_weights_f32 encoder;     /* the stack (points into layers)  */
    attn_model_weights_f32 weights;       /* the model (points into layers)  */
} golden_view;

/* Fills *v (which points into itself: fill it where it will stay). Returns 0
   if the case has more than GOLDEN_MAX_LAYERS layers. */
int golden_view_of(golden_view *v, const golden_case *c);

/* Runs case c (seen as v) into out: [n_classes] for a model, else
   [seq_q][d_model]; the library as built (test_golden.c). */
attn_status golden_run(const golden_case *c, const golden_view *v, float *out, attn_arena *arena);

#endif
