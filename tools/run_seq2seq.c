/* run_seq2seq.c - runs an encoder-decoder or decoder-only model exported by
   tools/export.py (float, and int8 when it is given) on sample inputs and
   prints the tokens and logits that tools/export.py compares with PyTorch
   and with each other. tools/export.py writes rs_input.h, then builds and
   runs this file; by hand:
       cc -std=c99 -O2 -I. -I<dir of rs_input.h> tools/run_seq2seq.c -lm -o run
   rs_input.h includes the model header(s) and defines:
       RS_LM            defined for a decoder-only model (attn_lm_*); else an
                        encoder-decoder (attn_seq2seq_*)
       RS_CFG, RS_W     the float model (name_cfg, name_weights)
       RS_VOCAB         logits per step
       RS_LAYERS, RS_D, RS_MAX_LEN, RS_MAX_MEM   the cache: decoder layers,
                        width, max_tgt (max_len) and max_src (0)
       RS_CACHE_F32, RS_SCRATCH_F32   the header's NAME_CACHE_BYTES and
                        NAME_SCRATCH_BYTES (the buffers are that big)
       RS_S8            (optional) the int8 parameters (name_s8), and
       RS_CACHE_S8, RS_SCRATCH_S8     NAME_S8_CACHE_BYTES, NAME_S8_SCRATCH_BYTES
       RS_N, RS_WIDTH, rs_src [RS_N][RS_WIDTH], rs_src_len [RS_N]   the
                        sources (prompts of a decoder-only model)
       RS_FRONT         (optional) defined: the encoder-decoder's source has a
                        front end (attn_seq2seq_cfg's src_*): encoded by
                        attn_seq2seq_encode_ex_*, decoded by
                        attn_seq2seq_generate_* (else attn_seq2seq_greedy_*)
       RS_INPUT         (optional) defined: the sources are float inputs, not
                        rs_src: rs_input [RS_N][RS_IN_WIDTH] features [rows]
                        [src_d_in] or one image [channels][h][w] each,
                        rs_input_n [RS_N] values, rs_src_len [RS_N] rows (an
                        image's: its patches); int8 runs quantize them at the
                        model's src_in_scale / src_in_zp (attn_quantize_s8)
       RS_SEG           (optional) defined: rs_seg [RS_N][RS_WIDTH] segment
                        ids beside rs_src
       rs_max_out [RS_N] tokens to generate at most
       RS_BOS, RS_EOS   the first decoder input (encoder-decoder) and the end
                        token (-1: none)
       RS_FED           (optional) defined: teacher-force rs_fed [RS_N]
                        [RS_FED_WIDTH] (rs_fed_len [RS_N] tokens each), e.g.
                        PyTorch's greedy path; else the float greedy path
   Output, a line each (S sample, K step):
       f32 greedy S N t1 .. tN        greedy decoding
       f32 logits S K v0 .. v(V-1)    logits after fed token K (%.9g)
       s8 greedy S N t1 .. tN         the same in int8
       s8 logits S K q0 .. q(V-1)     int8 logits along the same fed tokens
       s8 encoding SCALE ZP           real logit = SCALE * (q - ZP)
       bytes f32|s8 cache C query Q macro M / scratch: query Q high-water H macro M
   A failing call, or a cache or arena different from the size macros, is
   a line "error: ..." on stderr and exit status 1.
   The work is in tools/run_seq2seq.h, which tools/quantize_seq2seq.c
   includes too, to run its parameters in memory before they are printed. */
#ifndef RS_NO_IMPLEMENTATION
#define ATTN_IMPLEMENTATION
#endif
#include "attention.h"

#include <stdio.h>

#include "rs_input.h"
#include "run_seq2seq.h"

int main(void)
{
    return rs_main();
}
