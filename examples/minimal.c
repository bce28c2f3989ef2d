/* minimal.c - one multi-head self-attention call with attention.h.
   Build: cc -std=c99 -I. examples/minimal.c -lm -o minimal && ./minimal */
#include <stdio.h>
#define ATTN_IMPLEMENTATION
#include "attention.h"

#define SEQ 3 /* tokens                    */
#define D 4   /* d_model: 2 heads of width 2 */

/* nn.MultiheadAttention(4, 2) layout: in_proj_weight [3*D][D] packs Wq, Wk, Wv. */
static const float in_proj_w[3 * D * D] = {
     0.5f,  0.1f,  0.0f, -0.2f,   0.0f, 0.4f, 0.3f, 0.0f,  /* Wq */
    -0.1f,  0.0f,  0.6f,  0.2f,   0.2f, 0.0f, 0.1f, 0.5f,
     0.4f, -0.3f,  0.0f,  0.1f,   0.1f, 0.5f, 0.0f, 0.0f,  /* Wk */
     0.0f,  0.2f,  0.5f, -0.1f,   0.3f, 0.0f, -0.2f, 0.4f,
     1.0f,  0.0f,  0.0f,  0.0f,   0.0f, 1.0f, 0.0f, 0.0f,  /* Wv */
     0.0f,  0.0f,  1.0f,  0.0f,   0.0f, 0.0f, 0.0f, 1.0f,
};
static const float out_proj_w[D * D] = {            /* Wo [D][D] */
    0.9f, 0.1f, 0.0f, 0.0f,   0.0f, 0.9f, 0.1f, 0.0f,
    0.0f, 0.0f, 0.9f, 0.1f,   0.1f, 0.0f, 0.0f, 0.9f,
};
static const float x[SEQ * D] = {                   /* input [SEQ][D] */
    1.0f, 0.0f, -1.0f, 0.5f,   0.2f, 0.8f, 0.0f, -0.4f,   -0.6f, 0.3f, 0.9f, 0.1f,
};

/* All working memory: a static buffer sized at compile time. */
static uint8_t arena_buf[ATTN_MHA_SCRATCH_F32(SEQ, D)] ATTN_ALIGNED;

int main(void)
{
    attn_mha_cfg cfg = {SEQ, SEQ, D, 2, 0, 0}; /* seq_q, seq_kv, d_model, heads, causal, window */
    attn_mha_weights_f32 w = {in_proj_w, in_proj_w + (size_t)D * D, in_proj_w + (size_t)2 * D * D,
                              NULL, NULL, NULL, out_proj_w, NULL}; /* NULL bias = 0 */
    float out[SEQ * D];
    attn_arena arena;
    attn_status st;
    int i, c;

    attn_arena_init(&arena, arena_buf, sizeof arena_buf);
    st = attn_mha_f32(out, x, x, x, NULL, &cfg, &w, &arena); /* self-attention: xq = xk = xv = x */
    if (st != ATTN_OK) {
        printf("attn_mha_f32 failed: %s\n", attn_status_str(st));
        return 1;
    }
    for (i = 0; i < SEQ; i++) {
        printf("out[%d] =", i);
        for (c = 0; c < D; c++) printf(" %8.5f", (double)out[i * D + c]);
        printf("\n");
    }
    printf("arena: %lu of %lu bytes used at peak\n", (unsigned long)arena.high_water,
           (unsigned long)sizeof arena_buf);
    return 0;
}
