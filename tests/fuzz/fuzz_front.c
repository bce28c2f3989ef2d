/* fuzz_front.c - libFuzzer target: the encoder-decoder's source front ends
   (attn_seq2seq_encode_ex_*, attn_seq2seq_generate_*,
   attn_quantize_seq2seq_ex_s8): fm_front in fuzz_model.c, which this file
   builds on its own (see there for what it checks). */
#define FM_FRONT 1
#include "fuzz_model.c"
