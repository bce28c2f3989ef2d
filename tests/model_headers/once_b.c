/* once_b.c - the second file of tests/model_headers/once_a.c's firmware,
   compiled as C++98: the model headers' declarations only. */
#include "attention.h"
#include "digits_model.h"
#include "digits_model_s8.h"
#include "digits_vit_model.h"
#include "digits_vit_model_s8.h"

#include "once.h"

static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(DIGITS_SEQ, DIGITS_D_MODEL, DIGITS_N_HEADS,
                                                DIGITS_D_FF)] ATTN_ALIGNED;

void once_addresses(const void *out[ONCE_N])
{
    out[0] = digits_embed_w;
    out[1] = &digits_weights;
    out[2] = &digits_cfg;
    out[3] = digits_s8_l0_q_w;
    out[4] = &digits_s8;
    out[5] = &digits_vit_weights;
    out[6] = &digits_vit_s8;
}

attn_status once_run(float *logits, int8_t *logits8, const float *x, const int8_t *x8)
{
    attn_arena arena;
    attn_status st = attn_arena_init(&arena, arena_buf, sizeof arena_buf);
    if (st == ATTN_OK)
        st = attn_model_f32(logits, x, DIGITS_SEQ, NULL, &digits_cfg, &digits_weights, &arena);
    if (st == ATTN_OK) st = attn_arena_init(&arena, arena_buf, sizeof arena_buf);
    if (st == ATTN_OK)
        st = attn_model_s8(logits8, x8, DIGITS_SEQ, NULL, &digits_s8_cfg, &digits_s8, &arena);
    return st;
}
