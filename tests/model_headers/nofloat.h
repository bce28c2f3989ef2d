/* nofloat.h - what nofloat_b.c (C++) gives nofloat_a.c (C) */
#ifndef NOFLOAT_H
#define NOFLOAT_H
#ifdef __cplusplus
extern "C" {
#endif
attn_status nofloat_classify(int8_t *logits, const int8_t *x);
const attn_model_s8_params *nofloat_params(void);
const attn_model_cfg *nofloat_cfg(void);
const int8_t *nofloat_embed(void);
#ifdef __cplusplus
}
#endif
#endif
