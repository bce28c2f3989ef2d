/* nofloat_b.c - the second translation unit of the int8-only build (see
   nofloat_a.c), compiled as C++98: digits_model_s8.h's declarations only. */
#define ATTN_NO_FLOAT
#include "attention.h"
#include "digits_model_s8.h"

#include "nofloat.h"

static uint8_t arena_buf[DIGITS_S8_SCRATCH_BYTES] ATTN_ALIGNED;

attn_status nofloat_classify(int8_t *logits, const int8_t *x)
{
    attn_arena arena;
    attn_status st = attn_arena_init(&arena, arena_buf, sizeof arena_buf);
    if (st != ATTN_OK) return st;
    st = attn_model_s8(logits, x, DIGITS_SEQ, NULL, &digits_s8_cfg, &digits_s8, &arena);
    /* the header's scratch size is exactly what the model takes */
    if (st == ATTN_OK && arena.high_water != sizeof arena_buf - (size_t)(arena.base - arena_buf))
        return ATTN_ERR_ARENA;
    return st;
}

const attn_model_s8_params *nofloat_params(void) { return &digits_s8; }
const attn_model_cfg *nofloat_cfg(void) { return &digits_s8_cfg; }
const int8_t *nofloat_embed(void) { return digits_s8_embed_w; }
