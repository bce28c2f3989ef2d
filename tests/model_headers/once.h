/* once.h - what once_b.c (C++) gives once_a.c (C) */
#ifndef ONCE_H
#define ONCE_H
#ifdef __cplusplus
extern "C" {
#endif
enum { ONCE_N = 7 };
void once_addresses(const void *out[ONCE_N]);
attn_status once_run(float *logits, int8_t *logits8, const float *x, const int8_t *x8);
#ifdef __cplusplus
}
#endif
#endif
