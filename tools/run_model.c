/* run_model.c - runs a classifier exported by tools/export.py (export_model:
   features, ViT patches or token ids; float, and int8 when it is given) on
   sample inputs and prints the logits that tools/export.py compares with
   PyTorch's. tools/export.py writes rm_input.h, then builds and runs this
   file; by hand:
       cc -std=c99 -O2 -I. -I<dir of rm_input.h> tools/run_model.c -lm -o run
   rm_input.h includes the model header(s) and defines:
       RM_CFG, RM_W     the float model (name_cfg, name_weights)
       RM_S8            (optional) its int8 parameters (name_s8)
       RM_CLASSES       logits per sample
       RM_TOKENS        defined for a token model (attn_model_tokens_*):
                        rm_tok [RM_N][RM_WIDTH] ids, and with RM_SEGMENTS
                        defined rm_seg [RM_N][RM_WIDTH] segment ids
                        else rm_in [RM_N][RM_WIDTH] floats (features [seq]
                        [d_in], or one image [C][H][W])
       RM_N, RM_WIDTH   samples, and the longest one's values
       rm_len [RM_N]    each sample's input rows (seq)
       RM_PADDING       (optional) defined: rm_pad [RM_N][RM_ROWS] key
                        padding of the input rows (rm_padded [RM_N]: 0 for
                        a sample without)
       RM_MAX_LEN       the longest sample's rows
       RM_SCRATCH_F32, RM_SCRATCH_S8   ATTN_MODEL_SCRATCH_EX_F32 / _S8 for
                        RM_MAX_LEN rows (the arena is the larger)
   Output, a line each (S sample):
       f32 S v0 .. v(K-1)      float logits (%.9g)
       s8 S q0 .. q(K-1)       int8 logits (with RM_S8)
       s8 encoding SCALE ZP    real logit = SCALE * (q - ZP)
       bytes f32|s8 S query Q high-water H macro M
   A failing call, an arena whose high-water mark differs from the scratch
   query, or a query for RM_MAX_LEN rows other than the size macro's, is a
   line "error: ..." on stderr and exit status 1. */
#ifndef RM_NO_IMPLEMENTATION
#define ATTN_IMPLEMENTATION
#endif
#include "attention.h"

#include <stdio.h>

#include "rm_input.h"

#define RM_SCRATCH (RM_SCRATCH_F32 > RM_SCRATCH_S8 ? RM_SCRATCH_F32 : RM_SCRATCH_S8)
static uint8_t rm_arena_buf[RM_SCRATCH] ATTN_ALIGNED;

static int rm_check(attn_status st, const char *what, int s)
{
    if (st == ATTN_OK) return 0;
    (void)fprintf(stderr, "error: %s (sample %d): %s\n", what, s, attn_status_str(st));
    return 1;
}

/* the query against the arena's high-water mark (and, for the longest
   sample, against the size macro) */
static int rm_bytes(const char *tag, int s, int seq, const attn_arena *arena)
{
    size_t query = 0, macro = RM_SCRATCH_F32;
    if (tag[0] == 'f') {
        if (rm_check(attn_model_scratch_f32(&RM_CFG, seq, &query), "attn_model_scratch_f32", s))
            return 1;
    } else {
#ifdef RM_S8
        if (rm_check(attn_model_scratch_s8(&RM_CFG, seq, &query), "attn_model_scratch_s8", s))
            return 1;
#endif
        macro = RM_SCRATCH_S8;
    }
    printf("bytes %s %d query %lu high-water %lu macro %lu\n", tag, s, (unsigned long)query,
           (unsigned long)arena->high_water, (unsigned long)macro);
    if (query != arena->high_water || (seq == RM_MAX_LEN && query != macro)) {
        (void)fprintf(stderr, "error: %s sample %d (%d rows): the scratch query says %lu bytes, "
                      "the arena's high-water mark is %lu, the size macro for %d rows %lu\n",
                      tag, s, seq, (unsigned long)query, (unsigned long)arena->high_water,
                      RM_MAX_LEN, (unsigned long)macro);
        return 1;
    }
    return 0;
}

static const uint8_t *rm_padding(int s)
{
#ifdef RM_PADDING
    return rm_padded[s] ? rm_pad[s] : NULL;
#else
    (void)s;
    return NULL;
#endif
}

int main(void)
{
    attn_arena arena;
    float logits[RM_CLASSES];
    int s, j;
    for (s = 0; s < RM_N; s++) {
        attn_status st;
        attn_arena_init(&arena, rm_arena_buf, sizeof rm_arena_buf);
#ifdef RM_TOKENS
#ifdef RM_SEGMENTS
        st = attn_model_tokens_f32(logits, rm_tok[s], rm_seg[s], rm_len[s], rm_padding(s),
                                   &RM_CFG, &RM_W, &arena);
#else
        st = attn_model_tokens_f32(logits, rm_tok[s], NULL, rm_len[s], rm_padding(s), &RM_CFG,
                                   &RM_W, &arena);
#endif
        if (rm_check(st, "attn_model_tokens_f32", s)) return 1;
#else
        st = attn_model_f32(logits, rm_in[s], rm_len[s], rm_padding(s), &RM_CFG, &RM_W, &arena);
        if (rm_check(st, "attn_model_f32", s)) return 1;
#endif
        printf("f32 %d", s);
        for (j = 0; j < RM_CLASSES; j++) printf(" %.9g", (double)logits[j]);
        printf("\n");
        if (rm_bytes("f32", s, rm_len[s], &arena)) return 1;
    }
#ifdef RM_S8
    for (s = 0; s < RM_N; s++) {
        int8_t q[RM_CLASSES];
        attn_status st;
        attn_arena_init(&arena, rm_arena_buf, sizeof rm_arena_buf);
#ifdef RM_TOKENS
#ifdef RM_SEGMENTS
        st = attn_model_tokens_s8(q, rm_tok[s], rm_seg[s], rm_len[s], rm_padding(s), &RM_CFG,
                                  &RM_S8, &arena);
#else
        st = attn_model_tokens_s8(q, rm_tok[s], NULL, rm_len[s], rm_padding(s), &RM_CFG, &RM_S8,
                                  &arena);
#endif
        if (rm_check(st, "attn_model_tokens_s8", s)) return 1;
#else
        {
            static int8_t x8[RM_WIDTH];
            attn_qparams qin;
            qin.scale = RM_S8.in_scale;
            qin.zero_point = RM_S8.in_zp;
            st = attn_quantize_s8(x8, rm_in[s], RM_WIDTH, qin);
            if (rm_check(st, "attn_quantize_s8", s)) return 1;
            st = attn_model_s8(q, x8, rm_len[s], rm_padding(s), &RM_CFG, &RM_S8, &arena);
            if (rm_check(st, "attn_model_s8", s)) return 1;
        }
#endif
        printf("s8 %d", s);
        for (j = 0; j < RM_CLASSES; j++) printf(" %d", q[j]);
        printf("\n");
        if (rm_bytes("s8", s, rm_len[s], &arena)) return 1;
    }
    printf("s8 encoding %.9g %ld\n", (double)RM_S8.logit_scale, (long)RM_S8.logit_zp);
#endif
    return 0;
}
