/* attention.h - v0.6.0 - transformers for microcontrollers
   No dependencies beyond libc/libm. No malloc: working memory comes from a
   caller-owned arena. Public domain or MIT, your choice (see end of file,
   or LICENSE).

   attention.h runs the blocks of a transformer - linear layers, softmax,
   layer norm, activations, scaled dot-product, multi-head, local
   (windowed) and additive (Bahdanau) attention, whole PyTorch-compatible
   encoder and decoder layers and stacks, positional encodings, embeddings
   (linear, ViT patches, BERT tokens + segments, a learned CLS row),
   pooling (mean, first, attention pooling) and a classifier head,
   encoder-decoder and decoder-only models generating with a key/value
   cache - on anything from a Cortex-M0 to a desktop. Weights stay where
   they are (flash); activations and scratch live in a static buffer you
   own. Attention never materialises the seq x seq score matrix: scratch
   grows linearly with the sequence.

   ---------------------------------------------------------------------------
   USAGE
   ---------------------------------------------------------------------------
   In exactly one C or C++ file:

       #define ATTN_IMPLEMENTATION
       #include "attention.h"

   Everywhere else just #include "attention.h". Minimal use (one head):

       static uint8_t buf[ATTN_SDPA_SCRATCH_F32(SEQ)] ATTN_ALIGNED;
       attn_arena arena;
       attn_mha_cfg cfg = { SEQ, SEQ, D, 1, 0, 0 }; // seq_q, seq_kv, d, heads, causal, window
       attn_arena_init(&arena, buf, sizeof buf);
       attn_status st = attn_sdpa_f32(out, q, k, v, NULL, &cfg, &arena);
       if (st != ATTN_OK) { ... attn_status_str(st) ... }

   See examples/minimal.c and examples/demo.c.

   ---------------------------------------------------------------------------
   OPTIONS (define before the #include)
   ---------------------------------------------------------------------------
   Global (must be the same in every file that includes the header):
     ATTN_STATIC        every function gets `static` linkage (private copy per
                        translation unit; define together with ATTN_IMPLEMENTATION)
     ATTN_ALIGN         arena alignment in bytes, power of two >= 4 (default 16:
                        Helium and 64-bit loads want it). Scratch sizes depend on it.
     ATTN_NO_FLOAT      compile out every _f32 function and the quantizer (the
                        library then has no float code and needs no libm).
     ATTN_NO_INT8       compile out every _s8 function and the quantizer.
     ATTN_NO_BLOB       compile out the model blobs' writers and loaders
                        (MODEL BLOBS) and the names of their five status
                        codes in attn_status_str ("unknown status" then): a
                        program that calls none of them links none of their
                        code anyway (--gc-sections), but those names are
                        about 120 bytes of flash (the micro:bit's g2p
                        firmware, built with it, has no more to spare).
   Implementation only (matter in the ATTN_IMPLEMENTATION file):
     ATTN_NO_DSP        do not use the Cortex-M DSP extension (SXTB16/SMLAD,
                        SMMULR, QADD, SSAT) in the int8 kernels, detected
                        from __ARM_FEATURE_DSP (M4, M7, M33, M55). The DSP
                        loops are inline assembly when GCC optimises (clang
                        gets narrower ones); with clang give
                        -munaligned-access on M3..M55 (GCC's default).
     ATTN_NO_MVE        do not use Helium (MVE), detected from
                        __ARM_FEATURE_MVE (M55). Both give the same int8
                        results as the portable C, bit for bit.
     ATTN_NO_RISCV      do not use the RISC-V int8 linear loop (inline
                        assembly for RV32 with the M extension: lb, mul,
                        add, four inputs by four outputs per pass), detected
                        from __riscv, __riscv_mul and __riscv_xlen 32 (GCC
                        and clang). The same int8 results as the portable C,
                        bit for bit.
     ATTN_NO_FMA        float: no fused multiply-add (VFMA), detected from
                        __ARM_FEATURE_FMA with a hardware FPU (M4, M7, M33,
                        M55). ATTN_NO_MVE also turns off the Helium float
                        kernels; with both the float path is the portable C,
                        which the fast one matches within the bounds under
                        FLOAT ARITHMETIC.
     ATTN_ASSERT(x)     internal consistency checks; default: nothing. Define
                        it as assert(x) while debugging. Bad input never relies
                        on it: every public function checks its arguments and
                        returns a status.
     ATTN_EXPF ATTN_SQRTF ATTN_ERFF ATTN_TANHF ATTN_SIN ATTN_COS ATTN_EXP
                        the libm functions used (default expf, sqrtf, erff,
                        tanhf, sin, cos, exp). Replace them with faster versions
                        at your own risk: the golden tests measure the result.

   ---------------------------------------------------------------------------
   CONVENTIONS
   ---------------------------------------------------------------------------
   Arguments go: outputs, inputs, masks, config, weights, arena. Sizes are
   `int` and must be > 0.
   Layouts match PyTorch, so weights move without surprises:
     activations   row-major [seq][d_model], one token per row
     Linear        weight [out][in], bias [out]      (nn.Linear)
     attention     Wq, Wk, Wv, Wo each [d_model][d_model], biases [d_model];
                   head h uses columns h*d_head .. (h+1)*d_head-1 of Q/K/V.
                   The Wq/Wk/Wv (bq/bk/bv) pointers may point into PyTorch's
                   packed in_proj_weight [3*d_model][d_model] (in_proj_bias):
                   Wq = w, Wk = w + d*d, Wv = w + 2*d*d
                   (attn_mha_weights_packed_f32 fills the struct so).
     masks         key_padding: one byte per key, nonzero = ignore that key
                   (PyTorch key_padding_mask), or NULL. causal: query i sees
                   keys 0..i only (PyTorch's triu(ones, diagonal=1) mask).
                   window w >= 1 (local attention): query i sees keys j
                   with |i - j| <= w only (PyTorch: a boolean attn_mask
                   that is True where |i - j| > w); with causal, i-w..i.
                   All three combine; the keys out of sight are never
                   read, so a window costs what it sees, and scratch
                   stays linear in the sequence. In a KV-cache step the
                   query's position is cache->len.
     additive      attn_additive_* (one head, Bahdanau's "concat" form):
                   score[i][j] = v . tanh(Wq q_i + b + Wk k_j), softmax over
                   the unmasked keys j, out_i = sum_j p_ij val_j. Queries
                   [seq_q][d_q], keys [seq_kv][d_k], values [seq_kv][d_v]
                   each of its own width (attn_additive_cfg); Wq [d_attn][d_q]
                   and b [d_attn] as nn.Linear(d_q, d_attn), Wk [d_attn][d_k]
                   as nn.Linear(d_k, d_attn, bias=False), v [d_attn]. The
                   keys are projected once; each query row's projection,
                   then its scores a row at a time (never seq_q x seq_kv).
   NULL parameters: weight matrices are required (NULL -> ATTN_ERR_NULL);
   bias vectors may be NULL (= zeros); a LayerNorm gamma may be NULL (= ones,
   PyTorch elementwise_affine=False).

   Defined results for awkward input:
     * A query whose keys are all masked (padding, causal and/or window)
       attends to nothing: its attention context is the zero vector, so the multi-head
       output row equals the output bias bo. (PyTorch returns NaN there.)
       In additive attention, whose output is that context, the row is
       zeros (int8: the output zero point).
     * attn_softmax_f32 on a row whose entries are all -INFINITY writes zeros.
     * attn_pool_f32 (mean) over a sequence with every row padded writes zeros.
     * NaN and Inf in float inputs are not searched for (that would cost a
       pass over the data); they propagate as IEEE arithmetic dictates: every
       output that depends on them may be NaN or Inf. The library never
       crashes, loops or writes out of bounds because of them.

   In-place use:
     attn_softmax_*, attn_layernorm_*, attn_relu_*, attn_gelu*_f32,
     attn_lut_s8: y may equal x. attn_add_s8: y may equal a or b.
     attn_mha_*: out may equal xq, xk or xv. attn_sdpa_*: out may equal q.
     attn_additive_*: out may equal q when d_v <= d_q.
     attn_encoder_layer_*, attn_encoder_*, attn_decoder_layer_*,
     attn_decoder_*, the _step functions: always in place on x (the
     decoder's memory must not overlap x).
     attn_linear_*: y must not overlap x.
   Any other overlap between an output and an input is undefined.

   ---------------------------------------------------------------------------
   DECODER AND GENERATION
   ---------------------------------------------------------------------------
   Every layer is made of the same row blocks (the paper's sublayers):
     attention block     x = x + MHA(LN(x), keys/values)   (or post-norm
                         x = LN(x + MHA(x, keys/values)))
     feed-forward block  x = x + FF(LN(x))                 (or post-norm)
   An encoder layer is SA then FF; a decoder layer (nn.TransformerDecoderLayer)
   is SA (causal), CA (keys and values from the encoder's memory) then FF.
   Generation runs one token at a time through a key/value cache
   (attn_kv_cache, in arena memory): a step appends the token's keys and
   values and attends over the cache, so each token costs one token's
   work; the memory's cross-attention keys and values are projected once
   per source sequence (attn_decoder_memory_*, attn_seq2seq_encode_*).
   Stepping token by token gives what the full causal computation gives:
   bit for bit in int8; in float the same sums in the same order (bit for
   bit on the host builds the fuzz target checks; the tests hold every
   build to 1e-6 relative).
   Encoder-decoder (attn_seq2seq_*: nn.Transformer with nn.Embedding
   tokens, positions and an output nn.Linear) in a few lines:

       static uint8_t cache_buf[ATTN_KV_CACHE_BYTES_F32(N_DEC, MAX_TGT, MAX_SRC, D)]
           ATTN_ALIGNED;
       static uint8_t buf[ATTN_SEQ2SEQ_SCRATCH_F32(MAX_SRC, MAX_TGT, D, D_FF, VOCAB)]
           ATTN_ALIGNED;
       attn_arena store, arena;
       attn_kv_cache cache;
       int out[MAX_TGT], n;
       attn_arena_init(&store, cache_buf, sizeof cache_buf);
       attn_arena_init(&arena, buf, sizeof buf);
       attn_kv_cache_init_f32(&cache, N_DEC, D, MAX_TGT, MAX_SRC, &store);
       st = attn_seq2seq_greedy_f32(out, &n, MAX_TGT, src, src_len, BOS, EOS,
                                    &cache, &cfg, &weights, &arena);

   or attn_seq2seq_encode_f32 once and attn_seq2seq_step_f32 per token
   for your own search (attn_seq2seq_next_s8 / attn_lm_next_s8: the token
   int8 greedy decoding feeds back, a step at a time). A step on a full cache is ATTN_ERR_FULL and
   changes nothing. Decoder-only models (attn_lm_*) step causal encoder
   layers with the same cache (max_mem 0).
   The int8 steps check their parameters' values (per channel) the first
   time a cache meets them and record which they were (cache.checked):
   later steps with the same parameters skip that pass, which would cost
   more than the attention of a short sequence. Keep the parameters
   unchanged while a cache uses them (they are normally const, in flash),
   or call attn_kv_cache_reset.

   ---------------------------------------------------------------------------
   FLOAT ARITHMETIC (the _f32 functions)
   ---------------------------------------------------------------------------
   IEEE single precision; expf, erff, tanhf and sqrtf from libm (ATTN_EXPF
   ...). Every dot product - a linear layer's output, an attention score, a
   context element - is one sequential sum, s = 0, s = s + a_c * b_c for
   c = 0, 1, ..., n-1, then + bias, in every build. What differs is how each
   step rounds:
     portable C     s + a*b, two roundings. A compiler allowed to contract
                    may fuse them and then matches FMA: GCC's default
                    -ffp-contract=fast outside the ISO -std= modes, clang's
                    default -ffp-contract=on where it deems VFMA fast (M7,
                    M55); -ffp-contract=off keeps two roundings.
     FMA            M4, M7, M33 (and M55): VFMA.F32, one rounding, through
                    fmaf (for clang 14 declared const in the one function
                    that calls it: else, unless -fno-math-errno, it calls the
                    C library's fmaf). ATTN_NO_FMA: off.
     Helium         M55 (__ARM_FEATURE_MVE & 2): the same fused sums, one
                    output per lane of a 4-lane VFMA (the rows gathered a
                    column at a time, 8 outputs x 1-2 rows per pass, the
                    last 9 to 12 outputs of a row in one pass), so
                    linear layers and attention give the FMA results bit for
                    bit; layer norm sums its row in 4 lanes. ATTN_NO_MVE: off.
   Soft-float cores (M0, M3) run the portable C; no library fmaf is called.
   With an FPU (FMA or not) the C takes a linear layer in blocks of 4 rows x
   4 outputs that share each load, a single row 4 outputs at a time; on a
   soft-float core, whose multiply-adds are library calls, one at a time.
   The fast paths against the portable C (tests/test_fast.c, on each core
   that has one; both stay within the golden tolerance, 1e-5 * max(1,
   |torch|)):
     a dot product of n terms  |fast - portable| <= 2 g(n+1) (sum |a_c b_c|
                               + |bias|), g(k) = k u / (1 - k u), u = 2^-24:
                               the two builds' worst-case rounding errors
                               (measured 3e-8 * sum |a_c b_c| at n = 1001)
     layers, stacks, models    |fast - portable| <= 2e-6 * max(1, |portable|)
                               on every PyTorch golden case (measured 9e-7)

   ---------------------------------------------------------------------------
   INT8 ARITHMETIC (the _s8 functions; bit-exact on every core)
   ---------------------------------------------------------------------------
   Tensors: real = scale * (q - zero_point), int8, per tensor. Weights:
   symmetric (zero point 0) per output channel; biases int32 at scale
   in_scale * w_scale[o]. Scales appear at run time only as attn_qmul
   factors made by the quantizer. Integer steps, all in int32/int64:

   requant(x, m)   x * m.multiplier * 2^m.shift / 2^31 rounded, in TFLite's
                   two steps (see attn_requantize): saturating left shift,
                   rounding doubling high multiply (its ties go up, toward
                   +infinity), rounding right shift (ties away from zero).
   rshift(x, n)    x / 2^n rounded, ties away from zero.
   linear          acc = sat(bias + sum (x - in_zp) * w) (in <= 32768, so the
                   sum cannot overflow), y = clamp(out_zp + requant(acc)).
                   With fused_bias f = bias - in_zp * sum w (exact, fits
                   int32): acc = sat(f + sum x * w), the same integer.
   add (residual)  r = sat(requant(a - a_zp, a_mul) + requant(b - b_zp, b_mul)),
                   y = clamp(out_zp + requant(r, out_mul)). In a post-norm
                   layer r goes into layer norm unnarrowed and the checks
                   require |r| < 2^19 for every input (the quantizer's
                   adds: < 2^18); attn_add_s8 narrows any int32 r.
   exp2(u)         2^-u for u >= 0 in Q16: n = u >> 16, f = u & 0xFFFF,
                   i = f >> 9, r = f & 511, T[k] = round(2^30 * 2^(-k/128))
                   (k = 0..128, a table in the header),
                   v = T[i] - floor((T[i] - T[i+1]) * r / 2^9) (uint32),
                   exp2 = floor(v / 2^n) (0 from n = 31 on), in Q30.
                   Absolute error < 2^-18 (measured: 3.7e-6), far below
                   the 2^-15 step of the probabilities.
   softmax         over the visible entries z_j of a row: mx = max z_j,
                   u_j = max(0, requant(sat(mx - z_j), mul)) (Q16),
                   e_j = exp2(u_j) (Q30, e = 2^30 at mx), S = sum e_j
                   (uint64, >= 2^30), k = floor(log2 S) - 31 (>= -1),
                   Sn = floor(S / 2^k) (2S if k = -1), in [2^31, 2^32),
                   R = floor((2^63 - 1) / Sn), in [2^31, 2^32): a 32-bit
                   reciprocal, found without any division (a table
                   estimate, Newton steps, then the exact remainder),
                   p_j = min(32767, round(e_j * R / 2^(48+k))): Q15, ties
                   up, clamped so it fits a signed 16-bit operand.
                   attn_softmax_s8: y = min(255, round(e_j * R / 2^(55+k)))
                   - 128 (scale 1/256, zero point -128; one rounding);
                   mul = s * log2(e) * 2^16 for logits of scale s.
   attention       z_j = sum over the head's columns (q - q_zp)(k_j - k_zp)
                   (int32), p_j as in softmax with score_mul, 0 for masked
                   keys; c = sum p_j (v_j - v_zp), computed as
                   sum p_j v_j - v_zp * sum p_j (the same integer; |c| <
                   2^31: the p_j sum to at most 2^15 + n/2), out =
                   clamp(out_zp + requant(c, ctx_mul)). No visible key:
                   out = clamp(out_zp).
                   The fast paths compute these integers: on the DSP
                   cores Q.K^T takes two keys per pass (SXTAB16 folds both
                   zero points into the unpacking), the probabilities are
                   stored as 16-bit pairs so that one SMLAD does two keys
                   of P.V (PKHBT/PKHTB pair up two rows of V), and u_j is
                   one SMMULR of (mx - z_j) * 2^(shift+1) wherever that is
                   exact (shift >= 0, multiplier >= 0); on Helium one
                   VMLADAV per key (zero points folded: sum q k - q_zp
                   sum k - k_zp sum q + d q_zp k_zp, in uint32), the
                   softmax four keys per vector (the table gathered), P.V
                   by VMLA over 16 columns. Their d_head 16 loops and the
                   DSP softmax loops are inline assembly for GCC and clang.
   additive        attn_additive_s8, the keys once: Kp[j][a] = clamp(requant(
                   sat(kb[a] + sum_c (k_j[c] - k.in_zp) wk[a][c]), k.mul[a]),
                   -32768, 32767), int16 (kb = k.bias, 0 if NULL); each
                   query: Qp[a] the same of q_i with Wq, q.bias and q.mul,
                   clamped to [-2^30, 2^30]; for each visible key j and a:
                   u = Qp[a] + Kp[j][a] (|u| < 2^30 + 2^15, the common wide
                   scale s_u), t = clamp(t_zp + rshift(u, t_shift)) (t_shift
                   0: u itself), z_j = sum_a v[a] * tanh_table[t + 128]
                   (|z_j| <= 2^14 d_attn <= 2^29, int32); p_j as in softmax
                   with score_mul; c = sum_j p_j (val_j - val_zp) (the p_j
                   sum to less than 2^17: |c| < 2^25), out = clamp(out_zp +
                   requant(c, ctx_mul)). No visible key: out = clamp(out_zp).
                   The same C on every core (the projections' sums through
                   the linear layers' dot products: DSP, Helium, the same
                   integers).
   layer norm      over a row x_0..x_{d-1} (int8, or the int32 residual r):
                   S1 = sum x, S2 = sum x^2 (int64), D = min(d*S2 - S1^2 +
                   eps, 2^62 - 1); k in 0..30 such that N = D * 4^k is in
                   [2^60, 2^62); m ~ 2^61 / sqrt(N) by Newton's iteration for
                   1/sqrt (no division): a = N >> 30, y = T[(a >> 27) - 8] *
                   2^16 (T: 24 entries in the header, round(2^16 / (sqrt(i/8)
                   + sqrt((i+1)/8))), i = 8..31), then three times
                   t = (y*y) >> 32, w = (a*t) >> 32, y += (y * 8(2^28 - w)) >> 32,
                   and m = min(y, 2^31 - 1) (measured: within -1..+6 of
                   2^61 / sqrt(N), 5.5e-9 relative); then
                   M * 2^L = m * 2^(k-6) ~ 2^55 / sqrt(D): L = k - 6, M = m
                   if k >= 6, else L = 0, M = (m + 2^(5-k)) >> (6-k).
                   Each element (>> is floor, also on negative numbers):
                   u_c = (d * x_c - S1) * 2^L,
                   z_c = (u_c * M + 2^31) >> 32     (Q23: 2^23 (x - mean)/sigma)
                   h_c = (z_c * gamma[c].multiplier) >> 32,
                   g_c = sat(h_c * 2^(gamma[c].shift - 6))   (Q16 output LSB;
                         a floor for a negative exponent),
                   y_c = clamp(out_zp + ((g_c + beta[c] + 2^15) >> 16)).
                   No overflow for d <= 2048: |d*x_c - S1| <= 2(d-1) max|x|
                   < 2 * 2047 * 2^19 < 2^31; sum_c (d*x_c - S1)^2 = d (d*S2 -
                   S1^2), so with L > 0 (D * 4^L = N / 4^6 < 2^50) |u_c|^2 <=
                   (d-1) 2^50 < 2^61: u fits int32; |z| <= sqrt(d-1) 2^23
                   (1 + 2^-24) + 1 < 2^29, |h| < 2^28; D <= d*S2 <= 2^11 *
                   2^11 * 2^38 = 2^60 fits int64 (int8 input: |x| <= 128, far
                   below; tests run widths 1024 and 2048). Fast paths: one
                   inline-assembly loop on M4/M7/M33 (GCC and clang; 15
                   instructions per element, 17 with beta), four lanes on
                   Helium (VRMULH, VMULH, VQSHL by each lane's shift, VQADD).
   pool (mean)     y = zp + round(sum (x - zp) / count), ties away from zero.
   CLS row         a model with a CLS row and a pre-norm stack (no
                   embed_norm) keeps row 0 at encodings of its own
                   (attn_model_s8_params.cls_row; the quantizer sets them
                   from row 0's own ranges): row 0 enters as x0, the CLS
                   row plus its position rounded once (no pos_add), and
                   its residual adds and layer norms (their eps) are its
                   own; every tensor between (norm outputs, Q, K, V, the
                   blocks' outputs) is at the layer's encodings, so the
                   other rows see its keys and values as before. The same
                   integer steps, row 0 alone (the rows after it in pairs).
                   A learned CLS row can be several times smaller than
                   the embedded rows (the ViT golden case: |x| <= 4.3
                   against 15.5), and one per-tensor encoding of the
                   residual stream left it few steps (cosine of the logits
                   0.99625 there; 0.99993 so).
   All saturation is to the type's range; clamp is to [-128, 127] (or the
   linear's act_min..act_max). Right shifts of negative numbers are
   arithmetic (every compiler we support; checked at compile time).
   The fast paths compute the same integers: Helium on the M55 (VMLADAVA:
   16 MACs per instruction, four weight rows per pass of x, an unpredicated
   main loop and one predicated tail, four outputs requantized at once with
   VQRDMULH/VRSHL; off with ATTN_NO_MVE), the DSP extension on M4/M7/M33
   (SXTB16/SXTAB16 + SMLAD: four weight rows per x word, or, for several
   rows, two x rows by two weight rows so that every unpacked word is used
   twice, 20 instructions per 16 MACs; off with ATTN_NO_DSP), on RV32IM
   (RISC-V with the M extension, e.g. rv32imac) a loop in inline assembly of
   four inputs by four weight rows, lb/mul/add, 62 instructions per 16 MACs
   (off with ATTN_NO_RISCV), portable C elsewhere (two rows per pass on the
   M0, whose 64-bit product is built from 16-bit halves). Results are identical on every core, which the
   tests check byte for byte. The quantizer fills fused_bias, so that no
   kernel adds an input offset per MAC; the DSP loops and the M55's
   many-rows block are inline assembly for GCC (clang 14 cannot allocate
   their registers and gets narrower loops, or the same in intrinsics; give
   clang -munaligned-access on M3..M55, as GCC and Arm's compiler assume by
   default, or each 4-byte load of the DSP kernels becomes four byte
   loads).

   Approximations and their measured error (tests/test_s8.c, test_quant.c):
     attn_softmax_s8      <= 1/256 per probability against a double softmax
                          of the dequantized input (1/256 only where p = 1,
                          which the output cannot show; elsewhere 1.9e-3)
     attn_layernorm_s8    <= 1 output LSB against a double layer norm, and
                          only where y's own rounding is that close (2.3e-5
                          of random outputs; 1 of the tests' 3516)
     GELU table           exact to 1/2 output LSB at each of the 256 inputs
     attention            exp2 error < 2^-18 (+ 2^-30 from the floor);
                          probabilities rounded to 2^-16, R to 2^-31
                          relative; p = 1 clamped to 1 - 2^-15
     quantized layers     cosine >= 0.9996 to PyTorch float on every golden
                          layer, >= 0.9994 for 2-layer stacks and whole
                          models (tests/test_quant.c asserts >= 0.999 of
                          each; BENCHMARKS.md)
     additive attention   the quantizer's tanh table round(127 tanh(x)) at
                          the 256 index values, an index of 8 bits over at
                          most [-4, 4] (tanh within 7e-4 of +-1 beyond);
                          cosine >= 0.9996 to PyTorch on every golden case
                          (calibrated on its own input; tests/test_additive.c)
   int8 limits (ATTN_ERR_SHAPE beyond them): a linear's in_features and
   d_model of attention <= 32768; layer norm width and an int8 encoder's
   d_model <= 2048; additive attention's d_q, d_k and d_attn <= 32768.
   Zero points outside [-128, 127], shifts outside -31..30 (additive
   attention's t_shift outside 0..16),
   multipliers equal to INT32_MIN, a post-norm layer's add whose wide sum
   can reach 2^19 (max over int8 a of |requant(a - a_zp, a_mul)|, plus the
   same for b, must be < 2^19: the layer norm that reads the sum is proven
   for that; the quantizer's adds stay below 2^18),
   and attention zero points that disagree with the projections' are
   ATTN_ERR_RANGE (corrupt model data), found before anything is written.

   ---------------------------------------------------------------------------
   MEMORY
   ---------------------------------------------------------------------------
   attn_arena is a bump allocator over your buffer. Every call takes what it
   needs and gives it back before returning (arena->used is unchanged), so one
   arena serves every call; arena->high_water records the peak. Each block is
   rounded up to ATTN_ALIGN bytes, and attn_arena_init aligns the start: an
   unaligned buffer loses up to ATTN_ALIGN-1 bytes. So declare the buffer
   with ATTN_ALIGNED. That macro is empty on compilers other than GCC and
   clang: there define it yourself (C11 `_Alignas`, IAR `#pragma
   data_alignment`) or give the buffer ATTN_ALIGN-1 bytes more than the
   macros say. A buffer too small for one aligned block makes an arena of
   size 0.
   Each operation checks, before writing anything, that the arena holds all
   it needs, else ATTN_ERR_ARENA. The fields are yours to read; to measure
   one call's peak, set arena.high_water = arena.used before it.

   Exact scratch in bytes, with B(n) = n*sizeof(float) rounded up to ATTN_ALIGN
   (runtime query / compile-time macro, all equal to the high-water mark):
     attn_sdpa_f32          B(seq_kv)                      ATTN_SDPA_SCRATCH_F32(seq_kv)
     attn_mha_f32           2*B(seq_kv*d) + B(d) + B(seq_kv)
                                                           ATTN_MHA_SCRATCH_F32(seq_kv, d)
     attn_encoder_layer_f32 2*B(seq*d) + 2*B(d) + B(seq) + B(d_ff)
     attn_encoder_f32       same as one layer (layers run one after another)
                                                   ATTN_ENCODER_SCRATCH_F32(seq, d, heads, d_ff)
     attn_model_f32         B(seq*d) + the encoder's   ATTN_MODEL_SCRATCH_F32(seq, d, heads, d_ff)
     attn_model_f32 / attn_model_tokens_f32 with the front ends (R = seq +
                            cls_token rows): B(R*d) + A(R) with a CLS row + B(d_in)
                            for patches + the encoder's at R rows
                            ATTN_MODEL_SCRATCH_EX_F32(seq, d, heads, d_ff, cls_token, patch_d_in)
     attn_pool_attention_f32 B(seq)                        ATTN_POOL_SCRATCH_F32(seq)
     attn_additive_f32      B(seq_kv*d_attn) + B(d_attn) + B(seq_kv)
                                               ATTN_ADDITIVE_SCRATCH_F32(seq_kv, d_attn)
   i.e. an encoder layer needs K and V (2*seq*d floats) plus one row of
   scores, two d-vectors and the feed-forward hidden row - never seq*seq.
   int8, with A(n) = n rounded up to ATTN_ALIGN:
     attn_sdpa_s8           A(4*seq_kv)                    ATTN_SDPA_SCRATCH_S8(seq_kv)
     attn_mha_s8            2*A(seq_kv*d) + A(d) + A(4*seq_kv)
                                                           ATTN_MHA_SCRATCH_S8(seq_kv, d)
     attn_encoder_layer_s8  2*A(seq*d) + 3*A(P*d) + A(4*max(seq, P*d)) + A(P*d_ff),
                            P = 2 (two tokens at a time), or 1 if seq is 1
     attn_encoder_s8        the same   ATTN_ENCODER_SCRATCH_S8(seq, d, heads, d_ff)
     attn_model_s8          A(seq*d) + the encoder's  ATTN_MODEL_SCRATCH_S8(...)
                            (front ends: ATTN_MODEL_SCRATCH_EX_S8, as for float)
     attn_pool_attention_s8 A(4*seq) + A(d)               ATTN_POOL_SCRATCH_S8(seq, d)
     attn_additive_s8       A(2*seq_kv*d_attn) + A(4*d_attn) + A(4*seq_kv)
                                               ATTN_ADDITIVE_SCRATCH_S8(seq_kv, d_attn)
   (K and V in bytes, a query's int32 scores that then hold the int32
   residual rows, three d-byte rows and the hidden row for each of two
   tokens - the projections and the feed-forward run two tokens per call -:
   about 1/3.3 of float.)
   The decoder and generation (T target rows, S memory rows; a step for a
   cache of L tokens and M memory rows; F = max(d, d_ff)):
     attn_decoder_layer_f32 2*B(T*d) + 2*B(S*d) + 2*B(d) + B(max(T, S)) + B(d_ff)
     attn_decoder_f32       the same     ATTN_DECODER_SCRATCH_F32(T, S, d, d_ff)
     attn_decoder_step_f32  2*B(d) + B(max(L, M)) + B(d_ff)
                                         ATTN_DECODER_STEP_SCRATCH_F32(L, M, d, d_ff)
     attn_encoder_step_f32  2*B(d) + B(L) + B(d_ff)
                                         ATTN_ENCODER_STEP_SCRATCH_F32(L, d, d_ff)
     attn_seq2seq_*_f32     max(B(max_src*d) + the encoder's at max_src,
                                B(tgt_vocab) + B(d) + a step's at (max_tgt, max_src))
                                         ATTN_SEQ2SEQ_SCRATCH_F32(max_src, max_tgt, d, d_ff, V)
     attn_lm_*_f32          B(vocab) + B(d) + an encoder step's at max_len
                                         ATTN_LM_SCRATCH_F32(max_len, d, d_ff, vocab)
     attn_decoder_layer_s8  2*A(T*d) + 2*A(S*d) + 3*A(P*d) + A(4*max(T, S, P*d))
                            + A(P*d_ff)  ATTN_DECODER_SCRATCH_S8(T, S, d, d_ff)
     attn_decoder_step_s8   3*A(d) + A(4*max(L, M, d)) + A(d_ff) + A(2*F)
                                         ATTN_DECODER_STEP_SCRATCH_S8(L, M, d, d_ff)
     (encoder steps, seq2seq and lm _s8 as for float with these and A():
      ATTN_ENCODER_STEP_SCRATCH_S8, ATTN_SEQ2SEQ_SCRATCH_S8, ATTN_LM_SCRATCH_S8)
   The KV cache, from the arena given to attn_kv_cache_init_* (it keeps
   it), with E the element size (4 float, 1 int8):
     2*A(layers*L*d*E) + 2*A(layers*M*d*E) + A(M)
         ATTN_KV_CACHE_BYTES_F32(layers, L, M, d) / _S8 == attn_kv_cache_bytes_*
   (per layer the self-attention keys and values of every token and the
   memory's keys and values, and the memory's padding).
   Runtime queries: attn_*_scratch_f32(cfg, ..., &bytes).

   Stack: no recursion, no arrays on the stack beyond a few words. Measured
   by painting under QEMU (libgcc, soft-float and libm included), every
   inference function takes at most 1,044 bytes on the M0 and the M4F: the
   deepest chains, attn_model_f32 -> encoder -> layer -> attention block ->
   one head's row, and a generation step (attn_seq2seq_greedy_* -> step ->
   stack step -> attention block -> row), 1,044 with clang 14 -O2 (M0,
   attn_model_s8 with a pre-norm CLS row at its own encodings; 976 for
   attn_seq2seq_greedy_f32; 840 before issue 11's local attention, front
   ends and attention kernels); the model quantizers, host-side tools,
   1,432 (attn_quantize_seq2seq_ex_s8 with clang -O2 on the M0; 1,276
   before the seq2seq source front ends; the additive attention's, 956
   with clang -O2 on the M4F, is held to the same bound; per-function and
   per-build
   figures: BENCHMARKS.md, `make stack`).

   ---------------------------------------------------------------------------
   ERRORS
   ---------------------------------------------------------------------------
   Every function that computes returns attn_status; attn_status_str() names
   it. Arguments are checked in this order, and nothing is written on error:
     ATTN_OK            0  success
     ATTN_ERR_NULL      1  a required pointer is NULL
     ATTN_ERR_SHAPE     2  a size is <= 0 or above its maximum (ATTN_MAX_DIM,
                           2^28, for every size; the int8 limits below) or
                           sizes disagree (d_model % n_heads, seq > max_seq,
                           n_layers <= 0 ...)
     ATTN_ERR_RANGE     3  a value is outside its domain (eps <= 0 or NaN, an
                           enum value that does not exist)
     ATTN_ERR_TOO_LARGE 4  a buffer size computed from the sizes overflows size_t
     ATTN_ERR_ARENA     5  the arena has too little free space
     ATTN_ERR_FULL      6  a KV cache holds all the tokens it can (a step
                           checks it after RANGE, before the int8 values,
                           TOO_LARGE and ARENA)
   The model-blob loaders (MODEL BLOBS: their own order of checks):
     ATTN_ERR_BLOB_MAGIC        7  not a model blob (its first 4 bytes)
     ATTN_ERR_BLOB_VERSION      8  a format version this build does not know
                                   (a newer one)
     ATTN_ERR_BLOB_TRUNCATED    9  the size given is shorter than the header
                                   or than the blob's own recorded size
     ATTN_ERR_BLOB_CORRUPT     10  the CRC does not match, or a field is bad
                                   (a count, a config value, a tensor's id,
                                   dtype, shape, offset, size or alignment,
                                   an int8 parameter)
     ATTN_ERR_BLOB_UNSUPPORTED 11  this build or loader cannot use it: another
                                   kind (the float kinds in an ATTN_NO_FLOAT
                                   build, ...), a big-endian host, a blob not
                                   at a multiple of 4 bytes
   One exception to the order: the int8 functions check the values inside
   their parameter structs (multipliers, shifts, zero points, per channel)
   after ATTN_ERR_TOO_LARGE, because those arrays are read only once the
   sizes are known to be sane; such an ATTN_ERR_RANGE still comes before
   ATTN_ERR_ARENA and before anything is written.

   ---------------------------------------------------------------------------
   MODEL BLOBS
   ---------------------------------------------------------------------------
   A model blob is a whole model in one little-endian byte string - its
   config, a table of its tensors and their bytes, and (int8) its
   quantization parameters - that firmware can receive at run time (over
   the air, into a data partition) instead of compiling a model header in.
   The loader checks every byte of it, then fills the model's structs with
   pointers into it: zero copy, so the blob may sit in flash, and it must
   stay where it is, unchanged, while the model is used. Kinds:
     1 classifier float      attn_model_cfg + attn_model_weights_f32
     2 classifier int8       attn_model_cfg + attn_model_s8_params
     3 encoder-decoder float attn_seq2seq_cfg + attn_seq2seq_weights_f32
     4 encoder-decoder int8  attn_seq2seq_cfg + attn_seq2seq_s8_params
     (5 and 6, decoder-only LMs float and int8, are reserved: no loader yet)
   Writers (in the library, so the format lives in one place; firmware can
   save too), buf NULL for the size only:
       attn_model_save_f32(buf, cap, &size, &cfg, &weights)   (and _s8,
       attn_seq2seq_save_f32 / _s8)
   tools/blob_model.c writes a model header's model to a file with them
   (tools/export.py: export_blob). Loaders:
       static uint8_t lbuf[ATTN_MODEL_LOAD_BYTES_F32(MAX_LAYERS)] ATTN_ALIGNED;
       attn_arena la;
       attn_model_cfg cfg;
       attn_model_weights_f32 w;
       attn_arena_init(&la, lbuf, sizeof lbuf);
       st = attn_model_load_f32(&cfg, &w, part, part_bytes, &la);
       if (st != ATTN_OK) { ...keep using the old model... }
       attn_model_f32(logits, input, seq, NULL, &cfg, &w, &arena);
   The arena gives the layer structs (kept: arena->used grows by them) and,
   for the duration of the call, the candidate struct checked before it is
   copied out: ATTN_MODEL_LOAD_BYTES_F32(n_layers), _S8(n_layers, cls_row),
   ATTN_SEQ2SEQ_LOAD_BYTES_F32(n_enc, n_dec), _S8 are its high-water mark
   (n_layers: config word 21, n_enc/n_dec: words 30 and 32; cls_row: word
   23). A model update: write the new blob to a partition that is not in
   use, load it from there, and switch only on ATTN_OK (keep the old blob
   and its structs, with their own arena, until then; erase the old
   partition only after the switch). The CRC catches a torn or corrupted
   write; it is no signature: authenticate what you receive yourself.
   Layout (words: 32 bits, little-endian):
     offset       bytes        field
     0            4            magic "ATNB" (bytes 41 54 4E 42)
     4            4            format version, 1
     8            4            kind, 1..4 above
     12           4            total: the blob's bytes, CRC included, a
                               multiple of 4 (a longer buffer is fine: the
                               loader reads `total` bytes)
     16           4            n_config: config words (23 kind 1, 24 kind 2,
                               34 kinds 3 and 4)
     20           4            n_params: parameter words (0 for float)
     24           4            n_tensors: table entries
     28           4            0 (reserved)
     32           4 n_config   the config words
                  4 n_params   the parameter words
                  32 n_tensors the tensor table
                  ...          the tensors' bytes, where the table says (the
                               writer puts each at a multiple of 16 bytes
                               and zeroes the gaps)
     total - 4    4            CRC-32 of bytes 0 .. total-5 (IEEE 802.3, as
                               zlib's crc32: reflected polynomial
                               0xEDB88320, initial value and final xor
                               0xFFFFFFFF)
   The blob must start at a multiple of 4 bytes (a tensor of 4-byte
   elements is then aligned; the writer's are at multiples of 16 from the
   start). A word holds an int or int32_t (two's complement), a float (its
   IEEE-754 binary32 bits, finite), an enum (its value), a flag (a field
   read as nonzero = yes: 0 or 1); an int64 takes two words, low first.
   Config words, kinds 1 and 2 (attn_model_cfg, then the stack's):
     0..7    encoder: d_model, n_heads, d_ff, activation, norm_first,
             causal, eps (float), window
     8..20   d_in, max_seq, position, pooling, n_classes, cls_token,
             embed_norm, patch, channels, image_h, image_w, vocab, n_segments
     21, 22  encoder.n_layers, encoder.final_norm
     23      kind 2: 1 if the blob has a CLS row at its own encoding
             (attn_model_s8_params.cls_row; only where the model reads one:
             cls_token, norm_first, no embed_norm)
   A classifier with vocab > 0 is a token model (attn_model_tokens_*: its
   embed_w / embed are then not in the blob). Kinds 3 and 4
   (attn_seq2seq_cfg, then the stacks'):
     0..7    encoder (as above); 8..15 decoder
     16..29  src_vocab, tgt_vocab, max_src, max_tgt, position, embed_scale
             (float), embed_norm, src_d_in, src_patch, src_channels,
             src_image_h, src_image_w, src_cls_token, src_segments
     30..33  encoder.n_layers, encoder.final_norm, decoder.n_layers,
             decoder.final_norm
   A tensor entry, 8 words: id, layer, dtype, rows, cols, offset, size,
   align. dtype 1 f32 (4-byte elements), 2 s8 (1), 3 s32 (4), 4 qmul (8:
   multiplier, shift, int32 each); a vector [n] has rows n and cols 1;
   size = rows * cols * element bytes; align a power of two from the
   element's own (4, s8 1) to 16, offset a multiple of it; the bytes
   [offset, offset + size) lie after the table and before the CRC (tensors
   may share bytes). The entries come in the order of the lists below
   (the model's own tensors, layer 0; then each encoder layer's, layer 0,
   1, ...; then each decoder layer's; then the CLS row's, layer 0, and its
   layers'): a tensor marked opt may be left out (its pointer is then NULL,
   as in a header), a tensor the config does not use must be left out,
   every other one must be there, and nothing else may be. d is d_model, F
   the stack's d_ff, (n) a vector of n.
   Float classifier (kind 1):
     1 embed_w [d][d_in] (d_in > 0, vocab 0)   2 embed_b (d) opt (the same)
     3 pos [max_seq][d] (ATTN_POS_LEARNED)     4 cls_w [n_classes][d]
     5 cls_b (n_classes) opt    6 cls_token (d) (cls_token)
     7 pool_w (d) (ATTN_POOL_ATTENTION)        8 token_embed [vocab][d] (vocab > 0)
     9 segment_embed [n_segments][d] (vocab > 0, n_segments > 0)
     10, 11 embed_norm_w, _b (d) opt (embed_norm)
     12, 13 encoder.norm_w, _b (d) opt (final_norm)
     each layer: 0x100..0x107 attn wq, wk, wv [d][d], bq, bk, bv (d) opt,
     wo [d][d], bo (d) opt; 0x108 ff1_w [F][d], 0x109 ff1_b (F) opt,
     0x10A ff2_w [d][F], 0x10B ff2_b (d) opt, 0x10C..0x10F norm1_w,
     norm1_b, norm2_w, norm2_b (d) opt
   Float encoder-decoder (kind 3):
     1 src_embed [src_vocab][d] (src_d_in 0)   2 tgt_embed [tgt_vocab][d]
     3 src_pos [max_src][d], 4 tgt_pos [max_tgt][d] (ATTN_POS_LEARNED)
     5 out_w [tgt_vocab][d]     6 out_b (tgt_vocab) opt
     7..10 src_embed_norm_w, _b, tgt_embed_norm_w, _b (d) opt (embed_norm)
     11 src_embed_w [d][src_d_in] (src_d_in > 0), 12 src_embed_b (d) opt (the same)
     13 src_cls_token (d) (src_cls_token)
     14 src_segment_embed [src_segments][d] (src_segments > 0)
     15, 16 encoder.norm_w, _b; 17, 18 decoder.norm_w, _b (d) opt (final_norm)
     each encoder layer as kind 1's; each decoder layer: 0x200..0x207
     self_attn, 0x208..0x20F cross_attn (each as attn above), 0x210..0x213
     ff1_w, ff1_b, ff2_w, ff2_b, 0x214..0x219 norm1_w, norm1_b, norm2_w,
     norm2_b, norm3_w, norm3_b (d) opt
   int8 tensors: a linear at id i (in -> out) is i w s8 [out][in], i+1 bias
   s32 (out) opt, i+2 requant qmul (out), i+3 fused_bias s32 (out) opt; a
   layer norm at i: i gamma qmul (d), i+1 beta s32 (d) opt; a table s8.
   int8 classifier (kind 2):
     1..4 embed (d_in -> d; d_in > 0, vocab 0)   5 pos [max_seq][d] (a position)
     6..9 cls (d -> n_classes)   10 cls_token (d) (cls_token)
     11 token_embed [vocab][d] (vocab > 0)   12 segment_embed [n_segments][d]
     13, 14 embed_norm (embed_norm)   15 pool_w (d) (ATTN_POOL_ATTENTION)
     16, 17 encoder.norm (final_norm)
     each layer: 0x100..0x10F attn q, k, v, o (d -> d), 0x110, 0x111 norm1,
     0x112..0x115 ff1 (d -> F), 0x116 gelu_table (256) (opt with ReLU),
     0x117..0x11A ff2 (F -> d), 0x11B, 0x11C norm2
     the CLS row (config word 23): 0x300 x0 (d), 0x301, 0x302 norm
     (final_norm); each of its layers: 0x400, 0x401 norm1, 0x402, 0x403 norm2
   int8 encoder-decoder (kind 4):
     1 src_embed [src_vocab][d] (src_d_in 0)   2 tgt_embed [tgt_vocab][d]
     3 src_pos [max_src][d], 4 tgt_pos [max_tgt][d] (a position)
     5, 6 encoder.norm; 7, 8 decoder.norm (final_norm)
     9..12 out (d -> tgt_vocab)   13, 14 src_embed_norm; 15, 16
     tgt_embed_norm (embed_norm)   17..20 src_in (src_d_in -> d; src_d_in > 0)
     21 src_cls_token (d)   22 src_segment_embed [src_segments][d]
     each encoder layer as kind 2's; each decoder layer: 0x200..0x20F
     self_attn, 0x210, 0x211 norm1, 0x212..0x221 cross_attn, 0x222, 0x223
     norm2, 0x224..0x227 ff1, 0x228 gelu_table, 0x229..0x22C ff2, 0x22D,
     0x22E norm3
   int8 parameter words, in this order. A linear's 4: in_zp, out_zp,
   act_min, act_max; a layer norm's 3: eps (int64), out_zp; an add's 9:
   a_zp, b_zp, a_mul, b_mul, out_mul (multiplier, shift each), out_zp; an
   attention's (sdpa) 8: q_zp, k_zp, v_zp, score_mul, ctx_mul, out_zp; a
   multi-head attention's 24: its q, k, v, o linears, its sdpa.
     kind 2 (44, + 56 a layer, + with a CLS row 3 + 24 a layer): embed,
     pos_add, cls, in_scale (float), logit_scale (float), in_zp, logit_zp,
     segment_add, embed_norm, pool, encoder.norm; each layer: attn, add1,
     norm1, ff1, ff2, add2, norm2; the CLS row's norm; each of its layers:
     add1, add2, norm1, norm2
     kind 4 (51, + 56 an encoder layer, + 92 a decoder layer): src_pos_add,
     tgt_pos_add, encoder.norm, decoder.norm, out, logit_scale (float),
     logit_zp, src_embed_norm, tgt_embed_norm, src_in, src_in_scale
     (float), src_in_zp, src_segment_add; each encoder layer as kind 2's;
     each decoder layer: self_attn, add1, norm1, cross_attn, add2, norm2,
     ff1, ff2, add3, norm3
   Every struct's words are there even where the config does not read them
   (carried as they are, not checked). A fused_bias is used as it is (not
   recomputed): one that does not match bias, in_zp and w gives other
   logits, never undefined behaviour.
   The loaders' checks, in this order (the first that fails is the status;
   nothing is written, arena->used and high_water stay as they were):
     1  cfg, weights (params), blob or arena NULL: ATTN_ERR_NULL
     2  a big-endian host, or the blob not at a multiple of 4 bytes:
        ATTN_ERR_BLOB_UNSUPPORTED
     3  size < 32: ATTN_ERR_BLOB_TRUNCATED
     4  the magic: ATTN_ERR_BLOB_MAGIC
     5  a version other than 1 (a newer one too): ATTN_ERR_BLOB_VERSION
     6  a kind outside 1..6: ATTN_ERR_BLOB_CORRUPT; another loader's (or 5,
        6): ATTN_ERR_BLOB_UNSUPPORTED (an ATTN_NO_FLOAT build has no float
        loader, an ATTN_NO_INT8 build no int8 one)
     7  total > size: ATTN_ERR_BLOB_TRUNCATED; total < 36 or not a
        multiple of 4: ATTN_ERR_BLOB_CORRUPT
     8  the CRC: ATTN_ERR_BLOB_CORRUPT
     9  the header (n_config the kind's, the sections within total, the
        reserved word 0), every config word (the run functions' shape and
        enum rules for that model, int8 limits included, or stricter:
        flags 0 or 1, floats finite, eps > 0 for int8 too), n_params the
        count the layers give, the layer counts at most n_tensors:
        ATTN_ERR_BLOB_CORRUPT
     10 the arena (ATTN_*_LOAD_BYTES_*): ATTN_ERR_ARENA
     11 each table entry (its place in the order, id, layer, dtype, shape,
        size, alignment, bounds), every parameter word (floats finite),
        every word and every entry used: ATTN_ERR_BLOB_CORRUPT
     12 the model as the run functions check it (the required tensors;
        int8: every parameter value, per channel too): ATTN_ERR_BLOB_CORRUPT
   The writers check the model as the run functions do (NULL:
   ATTN_ERR_NULL; shapes ATTN_ERR_SHAPE; values, and for int8 a float scale
   not finite or an eps <= 0, ATTN_ERR_RANGE); a blob of 4 GB or more is
   ATTN_ERR_TOO_LARGE, cap below its size ATTN_ERR_ARENA. Their blob is
   canonical: the same model gives the same bytes, and a blob a writer
   made, loaded and written again, gives the same bytes.

   ---------------------------------------------------------------------------
   VERSIONS (newest first)
   ---------------------------------------------------------------------------
   (next) bring your own model (issue 12, in progress): model blobs (MODEL
          BLOBS): a documented little-endian format with a CRC-32, writers
          (attn_model_save_f32 / _s8, attn_seq2seq_save_f32 / _s8) and
          loaders that check every field and use the tensors in place
          (attn_model_load_*, attn_seq2seq_load_*, ATTN_*_LOAD_BYTES_*),
          status codes 7..11 (ATTN_ERR_BLOB_*), tools/blob_model.c;
          attn_quantize_model_store_bytes (the classifier quantizer's
          store, exact); tools/export.py's and the quantizers' headers
          define their data once (NAME_MODEL_IMPLEMENTATION in one file)
          and the int8 ones stand alone (NAME_s8_cfg, the sizes:
          ATTN_NO_FLOAT firmware).
   0.6.0  embeddings and the other attention forms:
          a `window` field in attn_mha_cfg and attn_encoder_cfg (local
          attention, float and int8, steps too); the model's front ends
          (cls_token, ViT patches, BERT tokens + segments with
          attn_model_tokens_*, an embedding LayerNorm) and
          ATTN_POOL_ATTENTION (attn_pool_attention_*), quantized by
          attn_quantize_model_s8 / attn_quantize_model_tokens_s8;
          ATTN_MODEL_SCRATCH_EX_*; the decoder models' embedding
          LayerNorm (embed_norm of attn_seq2seq_cfg and attn_lm_cfg: BART's
          layernorm_embedding); an int8 pre-norm model's CLS row at its own
          encodings (attn_cls_row_s8_params, attn_model_s8_params.cls_row;
          INT8 ARITHMETIC); the encoder-decoder's source front ends
          (features, patches, segment ids, a CLS row: the src_* fields,
          attn_seq2seq_encode_ex_* / generate_*,
          attn_quantize_seq2seq_ex_s8, ATTN_SEQ2SEQ_SCRATCH_EX_*). API
          change: attn_mha_cfg,
          attn_encoder_cfg, attn_model_cfg, attn_model_weights_f32,
          attn_model_s8_params, attn_seq2seq_cfg, attn_lm_cfg,
          attn_seq2seq_weights_f32, attn_lm_weights_f32,
          attn_seq2seq_s8_params and attn_lm_s8_params have new fields at
          their ends: zero them
          (= {0}, or memset) and positional initialisers keep meaning what
          they meant (but -Wextra then asks for the new fields).
   0.5.0  the decoder half: attn_mha_* take separate key and value inputs
          (an API change: pass xkv twice for the old behaviour); layers
          built from shared row blocks; decoder layers and stacks,
          KV-cache steps, encoder-decoder and decoder-only models with
          token embeddings and greedy decoding, float and int8, their
          quantizers (with store-size queries), attn_argmax_s8,
          ATTN_ERR_FULL; one-row int8 linear kernels for the steps.
   0.4.0  hardening: every size at most ATTN_MAX_DIM (2^28, ATTN_ERR_SHAPE
          beyond); post-norm int8 adds whose wide sum can reach 2^19
          refused (ATTN_ERR_RANGE); the quantizers refuse NaN/Inf weights
          and calibration, check the store before writing and leave outputs
          and arenas untouched on any error; shape errors before range
          errors everywhere; float layer norm two-pass around a shift (at
          least PyTorch float32's accuracy far from zero). Fuzzed
          (tests/fuzz), analysed (make lint), stack painted (make stack).
   0.3.0  speed: int8 linear layers with a fused bias (fused_bias,
          attn_linear_fuse_bias_s8) and DSP/Helium kernels that share each
          unpacked word across rows and channels; int8 softmax, attention and
          layer norm without 64-bit division, on DSP and Helium; the float
          path with fused multiply-add, row blocks and Helium (FLOAT
          ARITHMETIC states the tolerance); GCC 12 and clang 14 both fast.
          The int8 recipes of softmax, attention and layer norm changed
          (INT8 ARITHMETIC; same accuracy), a multiplier of INT32_MIN is
          refused, and the int8 encoder layer's scratch holds two tokens.
   0.2.0  int8 path (_s8 twins of every operation, bit-exact on every core,
          DSP kernels on M4/M7/M33/M55) and the quantizer; the float layer
          exposes its tensors to the quantizer.
   0.1.0  float core: linear, softmax, layer norm, ReLU/GELU, attention,
          encoder layer and stack, positions, pooling, classifier, arena.
*/
#ifndef ATTENTION_H
#define ATTENTION_H

#include <stddef.h>
#include <stdint.h>

#define ATTN_VERSION_MAJOR 0
#define ATTN_VERSION_MINOR 6
#define ATTN_VERSION_PATCH 0

#ifdef ATTN_STATIC
#define ATTN_DEF static
#else
#define ATTN_DEF extern
#endif

/* The largest size any argument or config field may have (a count of
   rows, columns, elements, tokens, heads, layers, classes or calibration
   sequences): 2^28. Beyond it: ATTN_ERR_SHAPE. It keeps every int
   computation on sizes (loop bounds, 2 * count, ...) far from overflow. */
#define ATTN_MAX_DIM (1 << 28)

#ifndef ATTN_ALIGN
#define ATTN_ALIGN 16
#endif

/* Put after a static buffer's declarator to align it for the arena. */
#ifndef ATTN_ALIGNED
#if defined(__GNUC__) || defined(__clang__)
#define ATTN_ALIGNED __attribute__((aligned(ATTN_ALIGN)))
#else
#define ATTN_ALIGNED
#endif
#endif

/* Compile-time scratch sizes (see MEMORY above). Arguments must be > 0. */
#define ATTN_ALIGN_UP(n) ((((size_t)(n)) + (ATTN_ALIGN - 1)) / ATTN_ALIGN * ATTN_ALIGN)
#define ATTN_F32_BYTES(n) ATTN_ALIGN_UP((size_t)(n) * sizeof(float))
#define ATTN_SDPA_SCRATCH_F32(seq_kv) ATTN_F32_BYTES(seq_kv)
#define ATTN_MHA_SCRATCH_F32(seq_kv, d_model)                                  \
    (2 * ATTN_F32_BYTES((size_t)(seq_kv) * (size_t)(d_model)) +                \
     ATTN_F32_BYTES(d_model) + ATTN_F32_BYTES(seq_kv))
#define ATTN_ENCODER_SCRATCH_F32(seq, d_model, n_heads, d_ff)                  \
    (2 * ATTN_F32_BYTES((size_t)(seq) * (size_t)(d_model)) +                   \
     2 * ATTN_F32_BYTES(d_model) + ATTN_F32_BYTES(seq) + ATTN_F32_BYTES(d_ff) + \
     0 * (size_t)(n_heads))
#define ATTN_MODEL_SCRATCH_F32(seq, d_model, n_heads, d_ff)                    \
    ATTN_MODEL_SCRATCH_EX_F32(seq, d_model, n_heads, d_ff, 0, 0)
/* with the front ends: cls_token 0 or 1, patch_in = d_in for patches
   (else 0); seq is the input's rows (the encoder sees seq + cls_token) */
#define ATTN_MODEL_SCRATCH_EX_F32(seq, d_model, n_heads, d_ff, cls_token, patch_in) \
    (ATTN_F32_BYTES(((size_t)(seq) + (size_t)(cls_token)) * (size_t)(d_model)) + \
     ((cls_token) ? ATTN_ALIGN_UP((size_t)(seq) + 1) : 0) + ATTN_F32_BYTES(patch_in) + \
     ATTN_ENCODER_SCRATCH_F32((size_t)(seq) + (size_t)(cls_token), d_model, n_heads, d_ff))
#define ATTN_POOL_SCRATCH_F32(seq) ATTN_F32_BYTES(seq)

/* The decoder (a layer or the stack; mem_len memory rows), one generation
   step (for a cache of max_len tokens and max_mem memory rows; an encoder
   stack's step reads no memory), and the KV cache itself. */
#define ATTN__MAXZ(a, b) ((size_t)(a) > (size_t)(b) ? (size_t)(a) : (size_t)(b))
#define ATTN_DECODER_SCRATCH_F32(seq, mem_len, d_model, d_ff)                 \
    (2 * ATTN_F32_BYTES((size_t)(seq) * (size_t)(d_model)) +                   \
     2 * ATTN_F32_BYTES((size_t)(mem_len) * (size_t)(d_model)) +               \
     2 * ATTN_F32_BYTES(d_model) + ATTN_F32_BYTES(ATTN__MAXZ(seq, mem_len)) +    \
     ATTN_F32_BYTES(d_ff))
#define ATTN_DECODER_STEP_SCRATCH_F32(max_len, max_mem, d_model, d_ff)        \
    (2 * ATTN_F32_BYTES(d_model) + ATTN_F32_BYTES(ATTN__MAXZ(max_len, max_mem)) + \
     ATTN_F32_BYTES(d_ff))
#define ATTN_ENCODER_STEP_SCRATCH_F32(max_len, d_model, d_ff)                 \
    ATTN_DECODER_STEP_SCRATCH_F32(max_len, 0, d_model, d_ff)
/* bytes = 2 * layers * max_len * d_model * elem (self-attention K and V)
         + 2 * layers * max_mem * d_model * elem (the memory's K and V)
         + max_mem (its padding), each of the five rounded up to ATTN_ALIGN */
#define ATTN__KV_PART(n_layers, rows, d_model, elem)                           \
    ATTN_ALIGN_UP((size_t)(n_layers) * (size_t)(rows) * (size_t)(d_model) * (elem))
#define ATTN_KV_CACHE_BYTES_F32(n_layers, max_len, max_mem, d_model)          \
    (2 * ATTN__KV_PART(n_layers, max_len, d_model, 4) +                         \
     2 * ATTN__KV_PART(n_layers, max_mem, d_model, 4) + ATTN_ALIGN_UP(max_mem))
#define ATTN_KV_CACHE_BYTES_S8(n_layers, max_len, max_mem, d_model)           \
    (2 * ATTN__KV_PART(n_layers, max_len, d_model, 1) +                         \
     2 * ATTN__KV_PART(n_layers, max_mem, d_model, 1) + ATTN_ALIGN_UP(max_mem))
/* Encoder-decoder and decoder-only models: encode, step and greedy (one
   arena for all three; the cache apart), at their longest sequences. */
#define ATTN_SEQ2SEQ_SCRATCH_F32(max_src, max_tgt, d_model, d_ff, tgt_vocab)   \
    ATTN__MAXZ(ATTN_F32_BYTES((size_t)(max_src) * (size_t)(d_model)) +          \
                   ATTN_ENCODER_SCRATCH_F32(max_src, d_model, 1, d_ff),          \
               ATTN_F32_BYTES(tgt_vocab) + ATTN_F32_BYTES(d_model) +             \
                   ATTN_DECODER_STEP_SCRATCH_F32(max_tgt, max_src, d_model, d_ff))
/* A source with a front end (attn_seq2seq_cfg's src_*): patch_in is
   src_d_in for an image source (one patch's values), else 0. */
#define ATTN_SEQ2SEQ_SCRATCH_EX_F32(max_src, max_tgt, d_model, d_ff, tgt_vocab, patch_in) \
    ATTN__MAXZ(ATTN_SEQ2SEQ_SCRATCH_F32(max_src, max_tgt, d_model, d_ff, tgt_vocab), \
               ATTN_F32_BYTES((size_t)(max_src) * (size_t)(d_model)) +          \
                   ATTN_F32_BYTES(patch_in) +                                    \
                   ATTN_ENCODER_SCRATCH_F32(max_src, d_model, 1, d_ff))
#define ATTN_LM_SCRATCH_F32(max_len, d_model, d_ff, vocab)                    \
    (ATTN_F32_BYTES(vocab) + ATTN_F32_BYTES(d_model) +                         \
     ATTN_ENCODER_STEP_SCRATCH_F32(max_len, d_model, d_ff))

/* int8: the same for the _s8 operations (activations are bytes; scores and
   the residual row int32). */
#define ATTN__MAX(a, b) ((a) > (b) ? (a) : (b))
#define ATTN_SDPA_SCRATCH_S8(seq_kv) ATTN_ALIGN_UP((size_t)(seq_kv) * 4)
#define ATTN_MHA_SCRATCH_S8(seq_kv, d_model)                                   \
    (2 * ATTN_ALIGN_UP((size_t)(seq_kv) * (size_t)(d_model)) +                 \
     ATTN_ALIGN_UP(d_model) + ATTN_ALIGN_UP((size_t)(seq_kv) * 4))
#define ATTN__PAIR(seq) ((size_t)((seq) >= 2 ? 2 : 1))
#define ATTN_ENCODER_SCRATCH_S8(seq, d_model, n_heads, d_ff)                   \
    (2 * ATTN_ALIGN_UP((size_t)(seq) * (size_t)(d_model)) +                    \
     3 * ATTN_ALIGN_UP(ATTN__PAIR(seq) * (size_t)(d_model)) +                  \
     ATTN_ALIGN_UP((size_t)ATTN__MAX((size_t)(seq),                            \
                                     ATTN__PAIR(seq) * (size_t)(d_model)) * 4) + \
     ATTN_ALIGN_UP(ATTN__PAIR(seq) * (size_t)(d_ff)) + 0 * (size_t)(n_heads))
#define ATTN_MODEL_SCRATCH_S8(seq, d_model, n_heads, d_ff)                     \
    ATTN_MODEL_SCRATCH_EX_S8(seq, d_model, n_heads, d_ff, 0, 0)
#define ATTN_MODEL_SCRATCH_EX_S8(seq, d_model, n_heads, d_ff, cls_token, patch_in) \
    (ATTN_ALIGN_UP(((size_t)(seq) + (size_t)(cls_token)) * (size_t)(d_model)) + \
     ((cls_token) ? ATTN_ALIGN_UP((size_t)(seq) + 1) : 0) + ATTN_ALIGN_UP(patch_in) + \
     ATTN_ENCODER_SCRATCH_S8((size_t)(seq) + (size_t)(cls_token), d_model, n_heads, d_ff))
#define ATTN_POOL_SCRATCH_S8(seq, d_model)                                     \
    (ATTN_ALIGN_UP((size_t)(seq) * 4) + ATTN_ALIGN_UP(d_model))
/* The int8 decoder, steps and models (P tokens at a time as for the
   encoder: P = 2, or 1 for a step or a sequence of one). */
#define ATTN__ROWS_S8(P, d_model, n_keys, d_ff)                                \
    (3 * ATTN_ALIGN_UP((size_t)(P) * (size_t)(d_model)) +                      \
     ATTN_ALIGN_UP(ATTN__MAXZ(n_keys, (size_t)(P) * (size_t)(d_model)) * 4) +    \
     ATTN_ALIGN_UP((size_t)(P) * (size_t)(d_ff)))
#define ATTN_DECODER_SCRATCH_S8(seq, mem_len, d_model, d_ff)                  \
    (2 * ATTN_ALIGN_UP((size_t)(seq) * (size_t)(d_model)) +                    \
     2 * ATTN_ALIGN_UP((size_t)(mem_len) * (size_t)(d_model)) +                \
     ATTN__ROWS_S8(ATTN__PAIR(seq), d_model, ATTN__MAXZ(seq, mem_len), d_ff))
#define ATTN_DECODER_STEP_SCRATCH_S8(max_len, max_mem, d_model, d_ff)         \
    (ATTN__ROWS_S8(1, d_model, ATTN__MAXZ(max_len, max_mem), d_ff) +            \
     ATTN_ALIGN_UP(2 * ATTN__MAXZ(d_model, d_ff)))
#define ATTN_ENCODER_STEP_SCRATCH_S8(max_len, d_model, d_ff)                  \
    ATTN_DECODER_STEP_SCRATCH_S8(max_len, 0, d_model, d_ff)
#define ATTN_SEQ2SEQ_SCRATCH_S8(max_src, max_tgt, d_model, d_ff, tgt_vocab)    \
    ATTN__MAXZ(ATTN_ALIGN_UP((size_t)(max_src) * (size_t)(d_model)) +           \
                   ATTN_ENCODER_SCRATCH_S8(max_src, d_model, 1, d_ff),           \
               ATTN_ALIGN_UP(tgt_vocab) + ATTN_ALIGN_UP(d_model) +               \
                   ATTN_DECODER_STEP_SCRATCH_S8(max_tgt, max_src, d_model, d_ff))
#define ATTN_SEQ2SEQ_SCRATCH_EX_S8(max_src, max_tgt, d_model, d_ff, tgt_vocab, patch_in) \
    ATTN__MAXZ(ATTN_SEQ2SEQ_SCRATCH_S8(max_src, max_tgt, d_model, d_ff, tgt_vocab), \
               ATTN_ALIGN_UP((size_t)(max_src) * (size_t)(d_model)) +           \
                   ATTN_ALIGN_UP(patch_in) +                                     \
                   ATTN_ENCODER_SCRATCH_S8(max_src, d_model, 1, d_ff))
#define ATTN_LM_SCRATCH_S8(max_len, d_model, d_ff, vocab)                     \
    (ATTN_ALIGN_UP(vocab) + ATTN_ALIGN_UP(d_model) +                           \
     ATTN_ENCODER_STEP_SCRATCH_S8(max_len, d_model, d_ff))

/* ---- model blobs (MODEL BLOBS above) ------------------------------------ */

/* The arena a load takes: the layer structs it keeps (and gives the
   loaded structs pointers to) and the candidate struct it checks before
   copying it out (given back). High-water mark: the whole; arena->used
   grows by the part kept. cls_row: 1 if the int8 classifier blob has a
   CLS row at its own encoding (its config word 23), else 0. */
#define ATTN__LOAD_PART(n, T) ATTN_ALIGN_UP((size_t)(n) * sizeof(T))
#define ATTN_MODEL_LOAD_BYTES_F32(n_layers)                                    \
    (ATTN__LOAD_PART(n_layers, attn_encoder_layer_weights_f32) +               \
     ATTN__LOAD_PART(1, attn_model_weights_f32))
#define ATTN_SEQ2SEQ_LOAD_BYTES_F32(n_enc, n_dec)                              \
    (ATTN__LOAD_PART(n_enc, attn_encoder_layer_weights_f32) +                  \
     ATTN__LOAD_PART(n_dec, attn_decoder_layer_weights_f32) +                  \
     ATTN__LOAD_PART(1, attn_seq2seq_weights_f32))
#define ATTN_MODEL_LOAD_BYTES_S8(n_layers, cls_row)                            \
    (ATTN__LOAD_PART(n_layers, attn_encoder_layer_s8_params) +                 \
     ((cls_row) ? ATTN__LOAD_PART(1, attn_cls_row_s8_params) +                 \
                      ATTN__LOAD_PART(n_layers, attn_cls_layer_s8_params)      \
                : 0) +                                                         \
     ATTN__LOAD_PART(1, attn_model_s8_params))
#define ATTN_SEQ2SEQ_LOAD_BYTES_S8(n_enc, n_dec)                               \
    (ATTN__LOAD_PART(n_enc, attn_encoder_layer_s8_params) +                    \
     ATTN__LOAD_PART(n_dec, attn_decoder_layer_s8_params) +                    \
     ATTN__LOAD_PART(1, attn_seq2seq_s8_params))

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ATTN_OK = 0,
    ATTN_ERR_NULL = 1,
    ATTN_ERR_SHAPE = 2,
    ATTN_ERR_RANGE = 3,
    ATTN_ERR_TOO_LARGE = 4,
    ATTN_ERR_ARENA = 5,
    ATTN_ERR_FULL = 6,
    ATTN_ERR_BLOB_MAGIC = 7,
    ATTN_ERR_BLOB_VERSION = 8,
    ATTN_ERR_BLOB_TRUNCATED = 9,
    ATTN_ERR_BLOB_CORRUPT = 10,
    ATTN_ERR_BLOB_UNSUPPORTED = 11
} attn_status;

/* A short English description of a status ("unknown status" if not one). */
ATTN_DEF const char *attn_status_str(attn_status status);

/* ---- arena ------------------------------------------------------------- */

typedef struct {
    unsigned char *base; /* aligned start of the usable buffer               */
    size_t size;         /* usable bytes from base                           */
    size_t used;         /* bytes currently allocated                        */
    size_t high_water;   /* the largest `used` ever reached                  */
} attn_arena;

/* Use `bytes` bytes at `buffer` (aligned up to ATTN_ALIGN first). */
ATTN_DEF attn_status attn_arena_init(attn_arena *arena, void *buffer, size_t bytes);
/* Take `bytes` (rounded up to ATTN_ALIGN), aligned. *ptr = NULL on failure. */
ATTN_DEF attn_status attn_arena_alloc(attn_arena *arena, size_t bytes, void **ptr);
/* Give back everything allocated after `mark` (a value of arena->used taken
   earlier); ATTN_ERR_RANGE if mark > arena->used. High-water is kept. */
ATTN_DEF attn_status attn_arena_release(attn_arena *arena, size_t mark);

/* ---- configuration (shared by the float and int8 paths) ---------------- */

typedef enum {
    ATTN_ACT_RELU = 0,      /* max(x, 0)                                    */
    ATTN_ACT_GELU = 1,      /* x/2 * (1 + erf(x/sqrt 2)), PyTorch "gelu"    */
    ATTN_ACT_GELU_TANH = 2  /* gelu(x, approximate="tanh")                  */
} attn_activation;

typedef enum {
    ATTN_POS_NONE = 0,
    ATTN_POS_SINUSOIDAL = 1, /* "Attention Is All You Need" sin/cos table   */
    ATTN_POS_LEARNED = 2     /* a [max_seq][d_model] table in the weights   */
} attn_position;

typedef enum {
    ATTN_POOL_MEAN = 0,  /* mean over the rows that are not padded          */
    ATTN_POOL_FIRST = 1, /* row 0 (a CLS token)                             */
    ATTN_POOL_ATTENTION = 2 /* attention pooling: p = softmax over the
                            unpadded rows j of w . x_j, out = sum p_j x_j
                            (w: the weights' pool_w, nn.Linear(d_model, 1);
                            its bias adds the same to every score and so
                            cancels in the softmax)                        */
} attn_pooling;

/* Shape of one attention call. */
typedef struct {
    int seq_q;   /* query rows                                              */
    int seq_kv;  /* key/value rows (== seq_q for self-attention)            */
    int d_model; /* width of queries, keys, values and output               */
    int n_heads; /* d_model % n_heads == 0; d_head = d_model / n_heads      */
    int causal;  /* nonzero: query i sees keys 0..i only                    */
    int window;  /* 0: no window; w >= 1: query i sees keys j with
                    |i - j| <= w only (local attention; with causal:
                    i-w..i). Costs what it sees. < 0: ATTN_ERR_RANGE       */
} attn_mha_cfg;

/* One encoder layer, PyTorch nn.TransformerEncoderLayer semantics:
     post-norm: x = LN1(x + SA(x));  x = LN2(x + FF(x))
     pre-norm:  x = x + SA(LN1(x));  x = x + FF(LN2(x))
     FF(x) = linear2(act(linear1(x))); dropout is absent (inference). */
typedef struct {
    int d_model;                /* embedding width                          */
    int n_heads;                /* d_model % n_heads == 0                   */
    int d_ff;                   /* feed-forward hidden width                */
    attn_activation activation; /* of the feed-forward block                */
    int norm_first;             /* 0: post-norm (default), 1: pre-norm      */
    int causal;                 /* nonzero: token i attends to 0..i only    */
    float eps;                  /* layer norm epsilon (PyTorch: 1e-5), > 0  */
    int window;                 /* self-attention window (attn_mha_cfg's);
                                   a decoder's cross-attention has none     */
} attn_encoder_cfg;

/* A whole classifier: embed -> [CLS] -> + positions -> [LayerNorm] ->
   encoder -> pool -> logits. The front end (the embedding of the input
   rows) is one of:
     features  attn_model_*: input [seq][d_in] through a Linear (embed_w),
               or [seq][d_model] as it is (d_in 0);
     patches   attn_model_* with patch > 0 (ViT): input is one image
               [channels][image_h][image_w] (NCHW, batch 1), cut into
               non-overlapping patch x patch squares in row-major order,
               each embedded by embed_w = nn.Conv2d(channels, d_model,
               patch, stride=patch).weight ([d_model][channels][patch]
               [patch] = [d_model][d_in]) and embed_b; then
               seq = (image_h / patch) * (image_w / patch) and d_in =
               channels * patch * patch (ATTN_ERR_SHAPE otherwise);
     tokens    attn_model_tokens_* (BERT): token ids through token_embed
               [vocab][d_model] plus, with n_segments > 0, segment ids
               through segment_embed [n_segments][d_model].
   Then cls_token puts a learned row in front (the encoder sees seq + 1
   rows; it is never padded), positions are added to every row the
   encoder sees (row 0 is the CLS row), and embed_norm applies a LayerNorm
   (embed_norm_w/b, encoder.eps) to each row: BERT's embeddings are
   tokens + segments + learned positions -> LayerNorm. Pooling and the
   padding mask cover the encoder's rows (the CLS row included). */
typedef struct {
    attn_encoder_cfg encoder;
    int d_in;              /* input features per token; 0: the input is
                              already d_model wide and is not embedded      */
    int max_seq;           /* most rows the encoder sees (seq, + 1 with a
                              CLS token): rows of the position table        */
    attn_position position;
    attn_pooling pooling;
    int n_classes;
    int cls_token;         /* nonzero: weights' cls_token goes in front     */
    int embed_norm;        /* nonzero: LayerNorm after embedding+positions  */
    int patch;             /* > 0: image input cut into patch x patch squares */
    int channels, image_h, image_w; /* the image's shape (patch > 0)        */
    int vocab;             /* attn_model_tokens_*: rows of token_embed      */
    int n_segments;        /* attn_model_tokens_*: rows of segment_embed (0:
                              no segments)                                  */
} attn_model_cfg;

/* One decoder layer, PyTorch nn.TransformerDecoderLayer semantics, with
   the encoder's fields (causal masks the self-attention: tgt_mask =
   generate_square_subsequent_mask; the cross-attention over the memory
   is masked by the memory's padding only):
     post-norm: x = LN1(x + SA(x)); x = LN2(x + CA(x, mem)); x = LN3(x + FF(x))
     pre-norm:  x = x + SA(LN1(x)); x = x + CA(LN2(x), mem); x = x + FF(LN3(x)) */
typedef attn_encoder_cfg attn_decoder_cfg;

/* A key/value cache for generation, in memory taken from an arena (see
   attn_kv_cache_init_f32): for each layer the self-attention keys and
   values of every token so far, and the cross-attention keys and values
   of the memory, projected once per source sequence. The fields are yours
   to read; change them only through the functions. */
typedef struct {
    void *k, *v;          /* [n_layers][max_len][d_model] elements          */
    void *mem_k, *mem_v;  /* [n_layers][max_mem][d_model], NULL if max_mem 0 */
    uint8_t *mem_padding; /* [max_mem]: the memory's key padding, or NULL   */
    int n_layers, d_model;
    int max_len;          /* tokens it can hold                             */
    int max_mem;          /* memory rows it can hold (0: decoder-only)      */
    int elem;             /* bytes per element: 4 (_f32) or 1 (_s8)         */
    int len;              /* tokens cached = the next token's position      */
    int mem_len;          /* memory rows projected (0 until a memory is set) */
    int mem_padded;       /* nonzero: some memory row is padding            */
    const void *checked;  /* _s8: the parameters whose values were checked
                             with this cache (see attn_decoder_step_s8)     */
    int plain;            /* _s8: their linear layers all take the DSP
                             kernels' straight-line path (derived)          */
} attn_kv_cache;

/* An encoder-decoder (nn.Transformer) with token embeddings and an output
   projection: src tokens -> embedding (* embed_scale) + positions ->
   encoder stack (+ norm) = memory; target tokens -> embedding + positions
   -> decoder stack (+ norm) -> linear -> logits over the target vocabulary.
   decoder.causal must be nonzero (generation). Both stacks share d_model.
   With embed_norm, each side's embedded rows (embedding * embed_scale +
   positions) go through a LayerNorm of their own before the stack (BART's
   layernorm_embedding): src_embed_norm_w/b with encoder.eps, and
   tgt_embed_norm_w/b with decoder.eps. */
typedef struct {
    attn_encoder_cfg encoder;
    attn_decoder_cfg decoder;
    int src_vocab, tgt_vocab;  /* rows of the embedding tables              */
    int max_src, max_tgt;      /* longest source / target (position rows)   */
    attn_position position;    /* for both sides                            */
    float embed_scale;         /* embeddings times this; 0 or 1: none
                                  (the paper uses sqrt(d_model))            */
    int embed_norm;            /* nonzero: LayerNorm after embedding +
                                  positions, each side its own (above)      */
    /* The source's front end, as attn_model_cfg's (all 0: token ids, the
       plain nn.Transformer above). Such a source is encoded by
       attn_seq2seq_encode_ex_* (and decoded by attn_seq2seq_generate_*):
         src_d_in > 0   features [src_len][src_d_in] through a Linear
                        (src_embed_w, src_embed_b);
         src_patch > 0  an image [src_channels][src_image_h][src_image_w]
                        (NCHW) cut into src_patch squares, row-major, each
                        through src_embed_w = nn.Conv2d(channels, d_model,
                        patch, stride=patch).weight; src_len = the number of
                        squares, src_d_in = channels * patch * patch;
         src_segments   token ids with segment ids: + src_segment_embed
                        [src_segments][d_model] rows (BERT's token types);
         src_cls_token  a learned row (src_cls_token) in front: the memory
                        has src_len + 1 rows, at most max_src (the position
                        rows), the CLS row at position 0.
       embed_scale multiplies token embeddings only (never features,
       patches, segments or the CLS row). src_vocab is not read for a
       feature or image source (0 is fine). */
    int src_d_in;
    int src_patch, src_channels, src_image_h, src_image_w;
    int src_cls_token;
    int src_segments;
} attn_seq2seq_cfg;

/* A decoder-only (GPT-style) language model built from causal encoder
   layers: tokens -> embedding (* embed_scale) + positions [-> LayerNorm]
   -> stack (+ norm) -> linear -> logits. layers.causal must be nonzero.
   embed_norm: the embedded row through embed_norm_w/b (layers.eps) before
   the stack, as BLOOM's word_embeddings_layernorm. */
typedef struct {
    attn_encoder_cfg layers;
    int vocab, max_len;
    attn_position position;
    float embed_scale;         /* 0 or 1: none                              */
    int embed_norm;            /* nonzero: LayerNorm after embedding +
                                  positions                                 */
} attn_lm_cfg;

/* ---- additive attention (configuration and scratch sizes) ---------------- */

/* Additive (Bahdanau, "concat") attention, one head:
     score[i][j] = v . tanh(Wq q_i + Wk k_j + b)
     out_i = sum_j softmax_j(score[i][j]) val_j   (over the unmasked keys)
   q [seq_q][d_q], k [seq_kv][d_k], val [seq_kv][d_v], out [seq_q][d_v];
   Wq [d_attn][d_q], Wk [d_attn][d_k], b and v [d_attn]. */
typedef struct {
    int seq_q, seq_kv;   /* query rows; key (and value) rows                */
    int d_q, d_k, d_v;   /* widths of queries, keys, values (and output)    */
    int d_attn;          /* the hidden width: rows of Wq and Wk, length of v */
} attn_additive_cfg;

/* Exact scratch (MEMORY below): the keys' projections [seq_kv][d_attn],
   one query's projection [d_attn] and one row of scores [seq_kv]; the
   int8 block keeps the key projections as int16 and the scores int32. */
#define ATTN_ADDITIVE_SCRATCH_F32(seq_kv, d_attn)                              \
    (ATTN_F32_BYTES((size_t)(seq_kv) * (size_t)(d_attn)) + ATTN_F32_BYTES(d_attn) + \
     ATTN_F32_BYTES(seq_kv))
#define ATTN_ADDITIVE_SCRATCH_S8(seq_kv, d_attn)                               \
    (ATTN_ALIGN_UP((size_t)(seq_kv) * (size_t)(d_attn) * 2) +                  \
     ATTN_ALIGN_UP((size_t)(d_attn) * 4) + ATTN_ALIGN_UP((size_t)(seq_kv) * 4))
/* The store attn_quantize_additive_s8 takes: Wq, its bias, its multipliers,
   Wk, its multipliers, the tanh table and v (sizeof(attn_qmul) is 8). */
#define ATTN_ADDITIVE_STORE_S8(d_q, d_k, d_attn)                               \
    (ATTN_ALIGN_UP((size_t)(d_attn) * (size_t)(d_q)) + ATTN_ALIGN_UP((size_t)(d_attn) * 4) + \
     2 * ATTN_ALIGN_UP((size_t)(d_attn) * 8) + ATTN_ALIGN_UP((size_t)(d_attn) * (size_t)(d_k)) + \
     ATTN_ALIGN_UP(256) + ATTN_ALIGN_UP(d_attn))

#ifndef ATTN_NO_FLOAT

/* ---- float weights ------------------------------------------------------ */

typedef struct {
    const float *wq, *wk, *wv; /* [d_model][d_model] each (may be packed)   */
    const float *bq, *bk, *bv; /* [d_model] each, or NULL                   */
    const float *wo;           /* [d_model][d_model] out_proj.weight        */
    const float *bo;           /* [d_model] out_proj.bias, or NULL          */
} attn_mha_weights_f32;

typedef struct {
    attn_mha_weights_f32 attn;        /* self-attention                     */
    const float *ff1_w, *ff1_b;       /* [d_ff][d_model], [d_ff] linear1    */
    const float *ff2_w, *ff2_b;       /* [d_model][d_ff], [d_model] linear2 */
    const float *norm1_w, *norm1_b;   /* [d_model] each (attention block)   */
    const float *norm2_w, *norm2_b;   /* [d_model] each (feed-forward block)*/
} attn_encoder_layer_weights_f32;

/* A stack of layers sharing one attn_encoder_cfg (nn.TransformerEncoder). */
typedef struct {
    const attn_encoder_layer_weights_f32 *layers; /* [n_layers]             */
    int n_layers;
    int final_norm;                  /* nonzero: LayerNorm after the stack  */
    const float *norm_w, *norm_b;    /* [d_model] its gamma/beta (NULL ok)  */
} attn_encoder_weights_f32;

typedef struct {
    const float *embed_w;  /* [d_model][d_in] (unused if d_in == 0)         */
    const float *embed_b;  /* [d_model] or NULL                             */
    const float *pos;      /* [max_seq][d_model] for ATTN_POS_LEARNED       */
    attn_encoder_weights_f32 encoder;
    const float *cls_w;    /* [n_classes][d_model]                          */
    const float *cls_b;    /* [n_classes] or NULL                           */
    const float *cls_token;      /* [d_model] the learned CLS row (cfg.cls_token) */
    const float *pool_w;         /* [d_model] ATTN_POOL_ATTENTION's scores    */
    const float *token_embed;    /* [vocab][d_model] (attn_model_tokens_f32)  */
    const float *segment_embed;  /* [n_segments][d_model] (n_segments > 0)    */
    const float *embed_norm_w, *embed_norm_b; /* [d_model] each, or NULL     */
} attn_model_weights_f32;

typedef struct {
    attn_mha_weights_f32 self_attn;   /* self_attn                          */
    attn_mha_weights_f32 cross_attn;  /* multihead_attn (keys from memory)  */
    const float *ff1_w, *ff1_b;       /* [d_ff][d_model], [d_ff] linear1    */
    const float *ff2_w, *ff2_b;       /* [d_model][d_ff], [d_model] linear2 */
    const float *norm1_w, *norm1_b;   /* [d_model] each (self-attention)    */
    const float *norm2_w, *norm2_b;   /* [d_model] each (cross-attention)   */
    const float *norm3_w, *norm3_b;   /* [d_model] each (feed-forward)      */
} attn_decoder_layer_weights_f32;

/* A stack of decoder layers sharing one cfg (nn.TransformerDecoder). */
typedef struct {
    const attn_decoder_layer_weights_f32 *layers; /* [n_layers]             */
    int n_layers;
    int final_norm;                  /* nonzero: LayerNorm after the stack  */
    const float *norm_w, *norm_b;    /* [d_model] its gamma/beta (NULL ok)  */
} attn_decoder_weights_f32;

typedef struct {
    const float *src_embed;          /* [src_vocab][d_model] nn.Embedding   */
    const float *tgt_embed;          /* [tgt_vocab][d_model]                */
    const float *src_pos, *tgt_pos;  /* [max_src|max_tgt][d_model] (LEARNED) */
    attn_encoder_weights_f32 encoder;
    attn_decoder_weights_f32 decoder;
    const float *out_w, *out_b;      /* [tgt_vocab][d_model], [tgt_vocab]|NULL */
    const float *src_embed_norm_w, *src_embed_norm_b; /* [d_model] each or
                                        NULL (cfg.embed_norm; NULL: 1 / 0)  */
    const float *tgt_embed_norm_w, *tgt_embed_norm_b;
    /* the source's front end (attn_seq2seq_cfg): */
    const float *src_embed_w;        /* [d_model][src_d_in] (features, patches) */
    const float *src_embed_b;        /* [d_model] or NULL                    */
    const float *src_cls_token;      /* [d_model] (src_cls_token)            */
    const float *src_segment_embed;  /* [src_segments][d_model]              */
} attn_seq2seq_weights_f32;

typedef struct {
    const float *embed;              /* [vocab][d_model]                    */
    const float *pos;                /* [max_len][d_model] (LEARNED)        */
    attn_encoder_weights_f32 layers;
    const float *out_w, *out_b;      /* [vocab][d_model], [vocab] or NULL   */
    const float *embed_norm_w, *embed_norm_b; /* [d_model] each or NULL
                                        (cfg.embed_norm; NULL: 1 / 0)       */
} attn_lm_weights_f32;

/* ---- leaf operations (no scratch) --------------------------------------- */

/* y[r][o] = b[o] + sum_i x[r][i] * w[o][i]   (nn.Linear)
   y [rows][out], x [rows][in], w [out][in], b [out] or NULL. */
ATTN_DEF attn_status attn_linear_f32(float *y, const float *x, const float *w,
                                     const float *b, int rows, int in, int out);

/* Numerically stable softmax over each row of x [rows][cols]. */
ATTN_DEF attn_status attn_softmax_f32(float *y, const float *x, int rows, int cols);

/* y = (x - mean) / sqrt(var + eps) * gamma + beta over each row (nn.LayerNorm);
   var is the biased variance. gamma/beta [cols] or NULL. eps > 0. */
ATTN_DEF attn_status attn_layernorm_f32(float *y, const float *x, const float *gamma,
                                        const float *beta, float eps, int rows, int cols);

/* Element-wise activations over n values. */
ATTN_DEF attn_status attn_relu_f32(float *y, const float *x, int n);
ATTN_DEF attn_status attn_gelu_f32(float *y, const float *x, int n);
ATTN_DEF attn_status attn_gelu_tanh_f32(float *y, const float *x, int n);

/* Adds the sinusoidal table to x [seq][d_model] in place:
   pe[p][2i] = sin(p * 10000^(-2i/d)), pe[p][2i+1] = cos(p * 10000^(-2i/d)).
   Angles are formed in double for accuracy at long sequences; firmware that
   cares about speed bakes the table into flash and uses attn_pos_learned_f32. */
ATTN_DEF attn_status attn_pos_sinusoidal_f32(float *x, int seq, int d_model);
/* x[p][c] += table[p][c]; table [seq][d_model] (its first seq rows). */
ATTN_DEF attn_status attn_pos_learned_f32(float *x, const float *table, int seq, int d_model);

/* out [d_model] = mean of the unpadded rows of x [seq][d_model] (zeros if
   all are padded), or row 0 for ATTN_POOL_FIRST. key_padding [seq] or NULL. */
ATTN_DEF attn_status attn_pool_f32(float *out, const float *x, const uint8_t *key_padding,
                                   attn_pooling pooling, int seq, int d_model);
/* Attention pooling (ATTN_POOL_ATTENTION; attn_pool_f32 returns
   ATTN_ERR_RANGE for it): out [d_model] = sum_j p_j x[j], p = softmax over
   the unpadded rows of w . x[j], w [d_model]. All rows padded: zeros.
   Scratch: ATTN_POOL_SCRATCH_F32(seq) (the scores). */
ATTN_DEF attn_status attn_pool_attention_f32(float *out, const float *x,
                                             const uint8_t *key_padding, const float *w, int seq,
                                             int d_model, attn_arena *arena);

/* *index = position of the largest of x[0..n-1] (the first one on ties;
   NaN entries are never chosen unless all are NaN, then 0). */
ATTN_DEF attn_status attn_argmax_f32(int *index, const float *x, int n);

/* ---- attention ---------------------------------------------------------- */

/* Scaled dot-product attention without projections, over cfg->n_heads heads:
   out[i] = softmax(q[i] k^T / sqrt(d_head) + mask) v, per head.
   out, q [seq_q][d_model]; k, v [seq_kv][d_model]. n_heads = 1 is one head. */
ATTN_DEF attn_status attn_sdpa_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_sdpa_f32(float *out, const float *q, const float *k, const float *v,
                                   const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                   attn_arena *arena);

/* Multi-head attention, nn.MultiheadAttention(query, key, value): queries
   from xq [seq_q][d], keys from xk and values from xv [seq_kv][d] (pass xq
   three times for self-attention, the memory twice for cross-attention).
   out [seq_q][d]. key_padding [seq_kv] or NULL. */
ATTN_DEF attn_status attn_mha_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_mha_f32(float *out, const float *xq, const float *xk, const float *xv,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_mha_weights_f32 *w, attn_arena *arena);

/* Fills *w from PyTorch's packed nn.MultiheadAttention parameters:
   in_proj_w [3*d_model][d_model] (Wq; Wk; Wv), in_proj_b [3*d_model] or NULL,
   out_w [d_model][d_model], out_b [d_model] or NULL. Only pointers are stored.
   ATTN_ERR_TOO_LARGE when [3*d_model][d_model] floats could not be one
   object (more than PTRDIFF_MAX bytes). */
ATTN_DEF attn_status attn_mha_weights_packed_f32(attn_mha_weights_f32 *w, const float *in_proj_w,
                                                 const float *in_proj_b, const float *out_w,
                                                 const float *out_b, int d_model);

/* ---- additive attention ---- */

/* Its weights (attn_additive_cfg): PyTorch's nn.Linear(d_q, d_attn) for Wq
   and b, nn.Linear(d_k, d_attn, bias=False) for Wk, v a [d_attn] vector. */
typedef struct {
    const float *wq;  /* [d_attn][d_q]                                     */
    const float *wk;  /* [d_attn][d_k]                                     */
    const float *b;   /* [d_attn] or NULL                                  */
    const float *v;   /* [d_attn]                                          */
} attn_additive_weights_f32;

/* out [seq_q][d_v] = additive attention of the queries q over the keys k
   and values val; key_padding [seq_kv] or NULL (nonzero hides a key). A
   query that sees no key gets a zero row. out may equal q when d_v <= d_q
   (each query row is read before its output row is written); no other
   overlap. Scratch: ATTN_ADDITIVE_SCRATCH_F32(seq_kv, d_attn). */
ATTN_DEF attn_status attn_additive_scratch_f32(const attn_additive_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_additive_f32(float *out, const float *q, const float *k,
                                       const float *val, const uint8_t *key_padding,
                                       const attn_additive_cfg *cfg,
                                       const attn_additive_weights_f32 *w, attn_arena *arena);

/* ---- encoder ------------------------------------------------------------ */

/* One layer, in place on x [seq][d_model]. key_padding [seq] or NULL. */
ATTN_DEF attn_status attn_encoder_layer_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                                    size_t *bytes);
ATTN_DEF attn_status attn_encoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                            const attn_encoder_cfg *cfg,
                                            const attn_encoder_layer_weights_f32 *w,
                                            attn_arena *arena);

/* w->n_layers layers and the optional final norm, in place on x. */
ATTN_DEF attn_status attn_encoder_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                              size_t *bytes);
ATTN_DEF attn_status attn_encoder_f32(float *x, int seq, const uint8_t *key_padding,
                                      const attn_encoder_cfg *cfg,
                                      const attn_encoder_weights_f32 *w, attn_arena *arena);

/* The whole classifier. input [seq][d_in] (or [seq][d_model] if d_in == 0),
   logits [n_classes]. key_padding [seq] or NULL masks keys and pooling. */
ATTN_DEF attn_status attn_model_scratch_f32(const attn_model_cfg *cfg, int seq, size_t *bytes);
ATTN_DEF attn_status attn_model_f32(float *logits, const float *input, int seq,
                                    const uint8_t *key_padding, const attn_model_cfg *cfg,
                                    const attn_model_weights_f32 *w, attn_arena *arena);
/* The classifier on token ids (BERT's front end): tokens [seq] in
   0..vocab-1, segments [seq] in 0..n_segments-1 or NULL (all 0; ignored
   if n_segments is 0), else ATTN_ERR_RANGE. key_padding [seq] or NULL.
   cfg->patch must be 0; d_in is not used. Scratch: as attn_model_f32's
   query says (attn_model_scratch_f32 serves both). */
ATTN_DEF attn_status attn_model_tokens_f32(float *logits, const int *tokens, const int *segments,
                                           int seq, const uint8_t *key_padding,
                                           const attn_model_cfg *cfg,
                                           const attn_model_weights_f32 *w, attn_arena *arena);

/* ---- decoder ------------------------------------------------------------ */

/* One decoder layer / the stack (+ final norm), in place on x [seq][d]:
   memory [mem_len][d] (the encoder's output), key_padding [seq] (target
   padding, PyTorch tgt_key_padding_mask) and memory_padding [mem_len]
   (memory_key_padding_mask) each NULL or one byte per row. */
ATTN_DEF attn_status attn_decoder_layer_scratch_f32(const attn_decoder_cfg *cfg, int seq,
                                                    int mem_len, size_t *bytes);
ATTN_DEF attn_status attn_decoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                            const float *memory, int mem_len,
                                            const uint8_t *memory_padding,
                                            const attn_decoder_cfg *cfg,
                                            const attn_decoder_layer_weights_f32 *w,
                                            attn_arena *arena);
ATTN_DEF attn_status attn_decoder_scratch_f32(const attn_decoder_cfg *cfg, int seq, int mem_len,
                                              size_t *bytes);
ATTN_DEF attn_status attn_decoder_f32(float *x, int seq, const uint8_t *key_padding,
                                      const float *memory, int mem_len,
                                      const uint8_t *memory_padding, const attn_decoder_cfg *cfg,
                                      const attn_decoder_weights_f32 *w, attn_arena *arena);

/* ---- KV cache and generation -------------------------------------------- */

/* A cache for n_layers layers of width d_model, max_len tokens and max_mem
   memory rows (0 for decoder-only models), its arrays taken from `store`
   (which keeps them: take the cache first, then use the same arena for
   scratch, or two arenas). Bytes: attn_kv_cache_bytes_f32 ==
   ATTN_KV_CACHE_BYTES_F32(...) == what the store's high-water mark grows by. */
ATTN_DEF attn_status attn_kv_cache_bytes_f32(int n_layers, int d_model, int max_len, int max_mem,
                                             size_t *bytes);
ATTN_DEF attn_status attn_kv_cache_init_f32(attn_kv_cache *cache, int n_layers, int d_model,
                                            int max_len, int max_mem, attn_arena *store);
/* Forgets the tokens and the memory (len = mem_len = 0). */
ATTN_DEF attn_status attn_kv_cache_reset(attn_kv_cache *cache);

/* Projects each layer's cross-attention keys and values of memory
   [mem_len][d] into the cache (once per source sequence) and empties the
   token cache (len = 0). memory_padding [mem_len] or NULL is copied. */
ATTN_DEF attn_status attn_decoder_memory_f32(attn_kv_cache *cache, const float *memory,
                                             int mem_len, const uint8_t *memory_padding,
                                             const attn_decoder_cfg *cfg,
                                             const attn_decoder_weights_f32 *w);
/* One token through the decoder stack, in place on x [d_model] (its
   embedding + position in, the stack's output row out): appends its keys
   and values to the cache (len + 1). Equals row `len` of attn_decoder_f32
   on all the tokens so far with cfg->causal set (which it requires).
   ATTN_ERR_FULL when the cache holds max_len tokens (nothing changes);
   ATTN_ERR_SHAPE when no memory is set or the cache's layers or width
   differ from w's and cfg's. The scratch query takes the cache's max_len
   and max_mem (both >= 1: a decoder reads a memory). */
ATTN_DEF attn_status attn_decoder_step_scratch_f32(const attn_decoder_cfg *cfg, int max_len,
                                                   int max_mem, size_t *bytes);
ATTN_DEF attn_status attn_decoder_step_f32(float *x, attn_kv_cache *cache,
                                           const attn_decoder_cfg *cfg,
                                           const attn_decoder_weights_f32 *w, attn_arena *arena);
/* The same for a decoder-only stack of causal encoder layers (a cache with
   max_mem 0 or any; its memory is not used). */
ATTN_DEF attn_status attn_encoder_step_scratch_f32(const attn_encoder_cfg *cfg, int max_len,
                                                   size_t *bytes);
ATTN_DEF attn_status attn_encoder_step_f32(float *x, attn_kv_cache *cache,
                                           const attn_encoder_cfg *cfg,
                                           const attn_encoder_weights_f32 *w, attn_arena *arena);

/* Encoder-decoder models. encode: src [src_len] token ids -> memory ->
   the cache (len = 0). step: token (the previous output, or BOS first) at
   position cache->len -> logits [tgt_vocab]. greedy: encode, then steps
   from bos, each feeding back the argmax, until eos (not stored) or
   max_out tokens; out [max_out], *n_out tokens. max_out <= cache max_len.
   Token ids outside the vocabulary: ATTN_ERR_RANGE. The cache must have
   been made for n_layers = decoder.n_layers, max_mem >= src_len. Scratch
   for all three: attn_seq2seq_scratch_f32 (at max_src, max_tgt). */
ATTN_DEF attn_status attn_seq2seq_scratch_f32(const attn_seq2seq_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_seq2seq_encode_f32(attn_kv_cache *cache, const int *src, int src_len,
                                             const attn_seq2seq_cfg *cfg,
                                             const attn_seq2seq_weights_f32 *w,
                                             attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_step_f32(float *logits, int token, attn_kv_cache *cache,
                                           const attn_seq2seq_cfg *cfg,
                                           const attn_seq2seq_weights_f32 *w, attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_greedy_f32(int *out, int *n_out, int max_out, const int *src,
                                             int src_len, int bos, int eos, attn_kv_cache *cache,
                                             const attn_seq2seq_cfg *cfg,
                                             const attn_seq2seq_weights_f32 *w,
                                             attn_arena *arena);
/* Sources with a front end (attn_seq2seq_cfg's src_d_in, src_patch,
   src_cls_token, src_segments; the plain encode and greedy above refuse
   such a cfg with ATTN_ERR_SHAPE). encode_ex: the source is `input`
   (features [src_len][src_d_in], or one image, src_len its squares; src
   NULL) or token ids src [src_len] with segment ids segments [src_len]
   (NULL: all 0; not read without src_segments); input and src: exactly
   one of them non-NULL (else ATTN_ERR_NULL). The memory, src_len rows
   (+ 1 with a CLS row), goes into the cache as encode's does (the cache's
   max_mem must hold it). Any cfg works here, the plain one too.
   generate: the greedy loop of attn_seq2seq_greedy_* on a cache that
   holds an encoded source (ATTN_ERR_SHAPE if none): the tokens from bos
   until eos or max_out. Scratch: attn_seq2seq_scratch_f32, or
   ATTN_SEQ2SEQ_SCRATCH_EX_F32. */
ATTN_DEF attn_status attn_seq2seq_encode_ex_f32(attn_kv_cache *cache, const float *input,
                                                const int *src, const int *segments, int src_len,
                                                const attn_seq2seq_cfg *cfg,
                                                const attn_seq2seq_weights_f32 *w,
                                                attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_generate_f32(int *out, int *n_out, int max_out, int bos, int eos,
                                               attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                               const attn_seq2seq_weights_f32 *w,
                                               attn_arena *arena);

/* Decoder-only models: step as above (the cache's memory unused); greedy
   empties the cache, feeds prompt [prompt_len] (>= 1) and then its own
   argmax, writing up to max_out new tokens (eos not stored).
   prompt_len + max_out - 1 <= the cache's and cfg's max_len. A cache
   larger than the model's lengths works with the scratch the queries
   name (a step never sees more than max_len / max_tgt tokens and max_src
   memory rows). */
ATTN_DEF attn_status attn_lm_scratch_f32(const attn_lm_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_lm_step_f32(float *logits, int token, attn_kv_cache *cache,
                                      const attn_lm_cfg *cfg, const attn_lm_weights_f32 *w,
                                      attn_arena *arena);
ATTN_DEF attn_status attn_lm_greedy_f32(int *out, int *n_out, int max_out, const int *prompt,
                                        int prompt_len, int eos, attn_kv_cache *cache,
                                        const attn_lm_cfg *cfg, const attn_lm_weights_f32 *w,
                                        attn_arena *arena);

#ifndef ATTN_NO_BLOB
/* ---- model blobs: float (MODEL BLOBS) ---- */

/* Write the model as a blob into buf [cap] and its size into *size; buf
   NULL: only *size (the size query). The model is checked as the run
   functions check it (ATTN_ERR_NULL, _SHAPE, _RANGE; a blob of 4 GB or
   more: ATTN_ERR_TOO_LARGE); cap < the size: ATTN_ERR_ARENA. Nothing is
   written on error. */
ATTN_DEF attn_status attn_model_save_f32(void *buf, size_t cap, size_t *size,
                                         const attn_model_cfg *cfg,
                                         const attn_model_weights_f32 *w);
ATTN_DEF attn_status attn_seq2seq_save_f32(void *buf, size_t cap, size_t *size,
                                           const attn_seq2seq_cfg *cfg,
                                           const attn_seq2seq_weights_f32 *w);
/* Check the blob [size] completely, then fill *cfg and *w with pointers
   into it (zero copy: keep the blob where it is while the model is used)
   and into the arena (the layer structs: ATTN_MODEL_LOAD_BYTES_F32).
   Statuses and their order: MODEL BLOBS. On error nothing is written and
   arena->used and high_water are as they were. */
ATTN_DEF attn_status attn_model_load_f32(attn_model_cfg *cfg, attn_model_weights_f32 *w,
                                         const void *blob, size_t size, attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_load_f32(attn_seq2seq_cfg *cfg, attn_seq2seq_weights_f32 *w,
                                           const void *blob, size_t size, attn_arena *arena);
#endif

#endif /* ATTN_NO_FLOAT */

#ifndef ATTN_NO_INT8

/* ---- int8: quantization conventions ------------------------------------- */

/* A real factor f as a Q31 multiplier and a power of two:
   f = multiplier * 2^shift / 2^31, |multiplier| < 2^31, shift in -31..30.
   attn_quantize_multiplier() makes one from a double. */
typedef struct {
    int32_t multiplier;
    int32_t shift;
} attn_qmul;

/* round(x * f) the way every int8 kernel rescales (bit-exact on every core):
     shift > 0: x is first multiplied by 2^shift, saturating to int32;
     then the rounding doubling high multiply:
         h = saturate((x * multiplier + (x*multiplier >= 0 ? 2^30 : 1 - 2^30)) / 2^31),
         division truncating toward zero (so ties go up: -0.5 -> 0, 0.5 -> 1);
     shift < 0: then a rounding right shift by -shift, ties away from zero.
   Returns ATTN_ERR_RANGE (and *y = 0) for a shift outside -31..30 or a
   multiplier of INT32_MIN (|multiplier| must be below 2^31). */
ATTN_DEF attn_status attn_requantize(int32_t *y, int32_t x, attn_qmul m);

/* A linear layer y = requant(x W^T + b) in int8 (nn.Linear, quantized):
     acc[o] = bias[o] + sum_i (x[i] - in_zp) * w[o][i]           (int32)
     y[o]   = clamp(out_zp + requant(acc[o], requant[o]), act_min, act_max)
   Weights symmetric per output channel (zero point 0); the bias is at scale
   in_scale * w_scale[o]; requant[o] = in_scale * w_scale[o] / out_scale.
   act_min/act_max fuse a ReLU ([out_zp, 127]) or are [-128, 127]. */
typedef struct {
    const int8_t *w;           /* [out][in]                                 */
    const int32_t *bias;       /* [out] or NULL                             */
    const attn_qmul *requant;  /* [out]                                     */
    int32_t in_zp, out_zp;     /* zero points of x and y                    */
    int32_t act_min, act_max;  /* output clamp, within [-128, 127]          */
    /* [out] or NULL: bias[o] - in_zp * sum_i w[o][i], made once by the
       quantizer or attn_linear_fuse_bias_s8. With it the kernels add no
       input offset per MAC: acc[o] = fused_bias[o] + sum_i x[i] * w[o][i],
       the same integer. It must match bias, in_zp and w (derived data). */
    const int32_t *fused_bias;
} attn_linear_s8_params;

/* Softmax of int8 logits (scale s): in_mul = s * log2(e) * 2^16 turns
   logit differences into base-2 exponents in Q16. Output probabilities are
   int8 with scale 1/256 and zero point -128 (the TFLite convention). */
typedef struct {
    attn_qmul in_mul;
} attn_softmax_s8_params;

/* Layer norm of int8 (or, inside a layer, wide int32) rows of width d:
     z[c] = (d*x[c] - sum x) / sqrt(d*d*var + eps)        (integer mean/var)
     y[c] = clamp(out_zp + round(z[c]*gamma[c]/out_scale + beta[c]/out_scale))
   eps is the epsilon in the input's own integer units, times d^2:
   round(d*d*eps / in_scale^2). The input zero point cancels out. */
typedef struct {
    const attn_qmul *gamma;    /* [d] gamma[c] / out_scale (required)        */
    const int32_t *beta;       /* [d] round(beta[c] / out_scale * 2^16), or NULL */
    int64_t eps;               /* round(d * d * eps / in_scale^2), >= 1      */
    int32_t out_zp;
} attn_layernorm_s8_params;

/* y = a + b for int8 tensors of different scales: both go exactly to a wide
   int32 sum at a common fine scale s_r (a_mul = a_scale/s_r, b_mul =
   b_scale/s_r, with s_r = max(a_scale, b_scale) / 2^9 from the quantizer),
   then y = clamp(out_zp + requant(sum, out_mul)), out_mul = s_r/out_scale. */
typedef struct {
    int32_t a_zp, b_zp;
    attn_qmul a_mul, b_mul;
    attn_qmul out_mul;
    int32_t out_zp;
} attn_add_s8_params;

/* Attention on int8 Q, K, V (scaled dot product, cfg->n_heads heads):
   scores stay int32 (sum (q-q_zp)(k-k_zp)) into a fixed-point base-2 exp;
   probabilities are kept in Q15 (15 bits) until multiplied by V; the
   context sum (int32) is rescaled once into int8:
     score_mul = s_q * s_k / sqrt(d_head) * log2(e) * 2^16
     ctx_mul   = s_v / (2^15 * s_out)                                       */
typedef struct {
    int32_t q_zp, k_zp, v_zp;
    attn_qmul score_mul;
    attn_qmul ctx_mul;
    int32_t out_zp;
} attn_sdpa_s8_params;

/* Multi-head attention: projections, then attention, then out projection.
   sdpa.q_zp/k_zp/v_zp must equal q.out_zp/k.out_zp/v.out_zp and sdpa.out_zp
   o.in_zp (the quantizer makes them so; ATTN_ERR_RANGE otherwise). */
typedef struct {
    attn_linear_s8_params q, k, v, o;
    attn_sdpa_s8_params sdpa;
} attn_mha_s8_params;

/* One quantized encoder layer (cfg as for float; eps is baked into norm1/2):
     post-norm: r = add1(x, SA(x)); x = LN1(r); r = add2(x, FF(x)); x = LN2(r)
                (LN on the wide sum r, no int8 step in between; add*.out_mul
                unused; |r| < 2^19 for every int8 input is required of add1
                and add2, ATTN_ERR_RANGE otherwise: see "int8 limits")
     pre-norm:  x = add1(x, SA(LN1(x))); x = add2(x, FF(LN2(x)))
   FF(x) = ff2(act(ff1(x))): act is ReLU fused into ff1's clamp when
   gelu_table is NULL, else the 256-entry table (a GELU built by the
   quantizer). Output replaces x, at the output scale the quantizer chose. */
typedef struct {
    attn_mha_s8_params attn;
    attn_add_s8_params add1;
    attn_layernorm_s8_params norm1;
    attn_linear_s8_params ff1;
    const int8_t *gelu_table;  /* [256], indexed by ff1 output + 128, or NULL */
    attn_linear_s8_params ff2;
    attn_add_s8_params add2;
    attn_layernorm_s8_params norm2;
} attn_encoder_layer_s8_params;

typedef struct {
    const attn_encoder_layer_s8_params *layers; /* [n_layers]              */
    int n_layers;
    int final_norm;                  /* nonzero: LayerNorm after the stack */
    attn_layernorm_s8_params norm;   /* its parameters                     */
} attn_encoder_s8_params;

/* A pre-norm model's CLS row at an encoding of its own (attn_model_s8_params
   .cls_row): the learned row is often much smaller than the embedded rows
   (a ViT's patches), and the residual stream's one per-tensor encoding,
   set by the largest rows, would give it few steps. Row 0 is then x0 (the
   CLS row plus its position, quantized once at its own encoding: no
   cls_token, no pos_add); in layer l its two residual adds are layers[l]
   .add1/add2 and its two layer norms layers[l].norm1/norm2 in place of the
   layer's (the same gamma, beta and out_zp: only eps, at row 0's input
   scale, differs); every other tensor of row 0 (the norms' outputs, Q, K,
   V, context, the blocks' outputs before the adds) stays at the layer's
   encodings. norm: row 0's final norm (final_norm; else unused: the last
   layer's add2 then returns row 0 to the stack's output encoding). */
typedef struct {
    attn_add_s8_params add1, add2;         /* row 0's residual adds         */
    attn_layernorm_s8_params norm1, norm2; /* row 0's layer norms           */
} attn_cls_layer_s8_params;

typedef struct {
    const int8_t *x0;                         /* [d_model] row 0 entering the stack */
    const attn_cls_layer_s8_params *layers;   /* [n_layers]                         */
    attn_layernorm_s8_params norm;            /* row 0's final norm                 */
} attn_cls_row_s8_params;

/* A whole int8 classifier: input int8 [seq][d_in] (quantize floats with
   attn_quantize_s8 and in_scale/in_zp), embedding, positions added with
   pos_add (a learned or baked sinusoidal table, int8), the stack, pooling,
   classifier -> int8 logits (logit_scale, logit_zp). */
typedef struct {
    attn_linear_s8_params embed;     /* d_in -> d_model; unused if d_in == 0 */
    const int8_t *pos;               /* [max_seq][d_model] or NULL           */
    attn_add_s8_params pos_add;      /* x + pos                              */
    attn_encoder_s8_params encoder;
    attn_linear_s8_params cls;       /* d_model -> n_classes                 */
    float in_scale, logit_scale;     /* for the caller: real = scale*(q-zp)  */
    int32_t in_zp, logit_zp;
    /* the front ends and attention pooling (see attn_model_cfg) */
    const int8_t *cls_token;         /* [d_model] at the embedded rows' scale */
    const int8_t *token_embed;       /* [vocab][d_model] (attn_model_tokens_s8) */
    const int8_t *segment_embed;     /* [n_segments][d_model] or NULL         */
    attn_add_s8_params segment_add;  /* token row + segment row              */
    attn_layernorm_s8_params embed_norm; /* cfg.embed_norm: after positions  */
    const int8_t *pool_w;            /* [d_model] ATTN_POOL_ATTENTION: w     */
    attn_sdpa_s8_params pool;        /* its scores (q_zp 0: w is symmetric),
                                        softmax and weighted sum, as one
                                        head of d_model columns with no
                                        1/sqrt(d) in score_mul               */
    const attn_cls_row_s8_params *cls_row; /* NULL, or the CLS row at its own
                                        encoding (read only with cls_token,
                                        a pre-norm stack and no embed_norm;
                                        the quantizer makes it then)        */
} attn_model_s8_params;

/* One quantized decoder layer (cfg as for float): the encoder layer's
   blocks and a cross-attention block between them, each block's residual
   add and norm as in attn_encoder_layer_s8_params (add1/norm1 self-
   attention, add2/norm2 cross-attention, add3/norm3 feed-forward). The
   cross-attention's k and v linears read the memory (their in_zp is the
   memory's zero point). */
typedef struct {
    attn_mha_s8_params self_attn;
    attn_add_s8_params add1;
    attn_layernorm_s8_params norm1;
    attn_mha_s8_params cross_attn;
    attn_add_s8_params add2;
    attn_layernorm_s8_params norm2;
    attn_linear_s8_params ff1;
    const int8_t *gelu_table;  /* [256] or NULL (ReLU fused into ff1)       */
    attn_linear_s8_params ff2;
    attn_add_s8_params add3;
    attn_layernorm_s8_params norm3;
} attn_decoder_layer_s8_params;

typedef struct {
    const attn_decoder_layer_s8_params *layers; /* [n_layers]              */
    int n_layers;
    int final_norm;
    attn_layernorm_s8_params norm;
} attn_decoder_s8_params;

/* int8 encoder-decoder: embedding tables in int8 (embed_scale folded in),
   positions added with *_pos_add (NULL tables for ATTN_POS_NONE, then
   the tables are at the stacks' input scales), int8 logits. */
typedef struct {
    const int8_t *src_embed, *tgt_embed; /* [vocab][d_model]                */
    const int8_t *src_pos, *tgt_pos;     /* [max_src|max_tgt][d_model] or NULL */
    attn_add_s8_params src_pos_add, tgt_pos_add;
    attn_encoder_s8_params encoder;
    attn_decoder_s8_params decoder;
    attn_linear_s8_params out;           /* d_model -> tgt_vocab            */
    float logit_scale;                   /* real logit = scale * (q - zp)   */
    int32_t logit_zp;
    attn_layernorm_s8_params src_embed_norm, tgt_embed_norm; /* cfg.embed_norm:
                                            after the positions (gamma set) */
    /* the source's front end (attn_seq2seq_cfg; as attn_model_s8_params'):
       features and images come in int8 at src_in_scale / src_in_zp */
    attn_linear_s8_params src_in;        /* src_d_in -> d_model             */
    float src_in_scale;
    int32_t src_in_zp;
    const int8_t *src_cls_token;         /* [d_model] at the embedded rows' scale */
    const int8_t *src_segment_embed;     /* [src_segments][d_model]         */
    attn_add_s8_params src_segment_add;  /* token row + segment row         */
} attn_seq2seq_s8_params;

typedef struct {
    const int8_t *embed;                 /* [vocab][d_model]                */
    const int8_t *pos;                   /* [max_len][d_model] or NULL      */
    attn_add_s8_params pos_add;
    attn_encoder_s8_params layers;
    attn_linear_s8_params out;           /* d_model -> vocab                */
    float logit_scale;
    int32_t logit_zp;
    attn_layernorm_s8_params embed_norm; /* cfg.embed_norm: after positions */
} attn_lm_s8_params;

/* Element-wise int8 ops (y may equal x): */
/* y = max(x, zp): ReLU at the tensor's zero point. */
ATTN_DEF attn_status attn_relu_s8(int8_t *y, const int8_t *x, int n, int32_t zp);
/* y = table[x + 128]: any int8 -> int8 function, e.g. the quantizer's GELU. */
ATTN_DEF attn_status attn_lut_s8(int8_t *y, const int8_t *x, int n, const int8_t *table);
ATTN_DEF attn_status attn_add_s8(int8_t *y, const int8_t *a, const int8_t *b, int n,
                                 const attn_add_s8_params *p);

ATTN_DEF attn_status attn_linear_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                    int rows, int in, int out);
/* fused[o] = bias[o] (0 if NULL) - in_zp * sum_i w[o][i], for
   p->fused_bias (the quantizer does this itself). ATTN_ERR_RANGE, and
   nothing written, if a value does not fit int32 (then leave fused_bias
   NULL: the kernels add the offset themselves, at a little more cost). */
ATTN_DEF attn_status attn_linear_fuse_bias_s8(int32_t *fused, const attn_linear_s8_params *p,
                                              int in, int out);
ATTN_DEF attn_status attn_softmax_s8(int8_t *y, const int8_t *x, const attn_softmax_s8_params *p,
                                     int rows, int cols);
ATTN_DEF attn_status attn_layernorm_s8(int8_t *y, const int8_t *x,
                                       const attn_layernorm_s8_params *p, int rows, int cols);

/* Attention; cfg as for float (seq_q, seq_kv, d_model, n_heads, causal). */
ATTN_DEF attn_status attn_sdpa_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_sdpa_s8(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_sdpa_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_mha_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_mha_s8(int8_t *out, const int8_t *xq, const int8_t *xk,
                                 const int8_t *xv, const uint8_t *key_padding,
                                 const attn_mha_cfg *cfg, const attn_mha_s8_params *p,
                                 attn_arena *arena);

/* ---- additive attention ---- */

/* One projection of int8 additive attention (Wq with b, or Wk): output
   channel a's int32 sum, rescaled to the block's common fine scale s_u
   and kept wide:
     P[a] = requant(sat(bias[a] + sum_c (x[c] - in_zp) * w[a][c]), mul[a])
   Weights symmetric per output channel (w_scale[a]); bias at in_scale *
   w_scale[a]; mul[a] = in_scale * w_scale[a] / s_u. */
typedef struct {
    const int8_t *w;       /* [d_attn][d_in]                                 */
    const int32_t *bias;   /* [d_attn] or NULL                               */
    const attn_qmul *mul;  /* [d_attn]                                       */
    int32_t in_zp;         /* zero point of the input rows                   */
} attn_additive_proj_s8;

/* Additive attention in int8 (INT8 ARITHMETIC, additive attention): the
   keys' projections Kp once (int16), each query's Qp (int32); for query
   i, key j and hidden unit a the wide sum Qp[a] + Kp[j][a] becomes an
   index of the tanh table, t = clamp(t_zp + rshift(sum, t_shift)), and
   score z_j = sum_a v[a] * tanh_table[t + 128] stays int32 into the
   attention's fixed-point softmax (Q15 probabilities), whose context over
   the int8 values is rescaled once:
     s_u       = s_t / 2^t_shift, s_t the scale of the table's index
     score_mul = s_v * s_tanh * log2(e) * 2^16   (s_tanh: the table's values)
     ctx_mul   = s_val / (2^15 * s_out)                                     */
typedef struct {
    attn_additive_proj_s8 q;     /* Wq and b (d_attn x d_q)                 */
    attn_additive_proj_s8 k;     /* Wk (d_attn x d_k)                       */
    int32_t t_zp;                /* the table index's zero point            */
    int32_t t_shift;             /* 0..16                                   */
    const int8_t *tanh_table;    /* [256]: tanh of index t at [t + 128], in
                                    int8 of zero point 0 (scale s_tanh)     */
    const int8_t *v;             /* [d_attn], symmetric (scale s_v)         */
    attn_qmul score_mul;
    int32_t val_zp;              /* zero point of the values                */
    attn_qmul ctx_mul;
    int32_t out_zp;
} attn_additive_s8_params;

/* out [seq_q][d_v] int8 as attn_additive_f32 (the same shapes, masks,
   in-place rule and zero row, here out_zp), on int8 q, k, val at the
   scales the parameters were made for. Scratch:
   ATTN_ADDITIVE_SCRATCH_S8(seq_kv, d_attn). */
ATTN_DEF attn_status attn_additive_scratch_s8(const attn_additive_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_additive_s8(int8_t *out, const int8_t *q, const int8_t *k,
                                      const int8_t *val, const uint8_t *key_padding,
                                      const attn_additive_cfg *cfg,
                                      const attn_additive_s8_params *p, attn_arena *arena);

ATTN_DEF attn_status attn_encoder_layer_scratch_s8(const attn_encoder_cfg *cfg, int seq,
                                                   size_t *bytes);
ATTN_DEF attn_status attn_encoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                           const attn_encoder_cfg *cfg,
                                           const attn_encoder_layer_s8_params *p,
                                           attn_arena *arena);
ATTN_DEF attn_status attn_encoder_scratch_s8(const attn_encoder_cfg *cfg, int seq, size_t *bytes);
ATTN_DEF attn_status attn_encoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                     const attn_encoder_cfg *cfg, const attn_encoder_s8_params *p,
                                     attn_arena *arena);

/* out [d_model] int8: mean of the unpadded rows (rounded; the zero point if
   all are padded; pass the tensor's zp) or row 0 (which ignores padding). */
ATTN_DEF attn_status attn_pool_s8(int8_t *out, const int8_t *x, const uint8_t *key_padding,
                                  attn_pooling pooling, int seq, int d_model, int32_t zp);
/* Attention pooling in int8: the query w [d_model] (zero point p->q_zp)
   against keys = values = x [seq][d_model] (zero point p->k_zp ==
   p->v_zp), as attn_sdpa_s8 computes one head; out [d_model] at p's
   output scale (p->out_zp everywhere when every row is padded).
   Scratch: ATTN_POOL_SCRATCH_S8(seq, d_model). */
ATTN_DEF attn_status attn_pool_attention_s8(int8_t *out, const int8_t *x,
                                            const uint8_t *key_padding, const int8_t *w,
                                            const attn_sdpa_s8_params *p, int seq, int d_model,
                                            attn_arena *arena);

ATTN_DEF attn_status attn_model_scratch_s8(const attn_model_cfg *cfg, int seq, size_t *bytes);
ATTN_DEF attn_status attn_model_s8(int8_t *logits, const int8_t *input, int seq,
                                   const uint8_t *key_padding, const attn_model_cfg *cfg,
                                   const attn_model_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_model_tokens_s8(int8_t *logits, const int *tokens, const int *segments,
                                          int seq, const uint8_t *key_padding,
                                          const attn_model_cfg *cfg,
                                          const attn_model_s8_params *p, attn_arena *arena);

/* *index = position of the largest of x[0..n-1] (the first one on ties). */
ATTN_DEF attn_status attn_argmax_s8(int *index, const int8_t *x, int n);

/* The decoder, the cache and generation in int8: as the _f32 functions,
   on int8 rows at the scales the quantizer chose (memory at the encoder
   output's). */
ATTN_DEF attn_status attn_decoder_layer_scratch_s8(const attn_decoder_cfg *cfg, int seq,
                                                   int mem_len, size_t *bytes);
ATTN_DEF attn_status attn_decoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                           const int8_t *memory, int mem_len,
                                           const uint8_t *memory_padding,
                                           const attn_decoder_cfg *cfg,
                                           const attn_decoder_layer_s8_params *p,
                                           attn_arena *arena);
ATTN_DEF attn_status attn_decoder_scratch_s8(const attn_decoder_cfg *cfg, int seq, int mem_len,
                                             size_t *bytes);
ATTN_DEF attn_status attn_decoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                     const int8_t *memory, int mem_len,
                                     const uint8_t *memory_padding, const attn_decoder_cfg *cfg,
                                     const attn_decoder_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_kv_cache_bytes_s8(int n_layers, int d_model, int max_len, int max_mem,
                                            size_t *bytes);
ATTN_DEF attn_status attn_kv_cache_init_s8(attn_kv_cache *cache, int n_layers, int d_model,
                                           int max_len, int max_mem, attn_arena *store);
ATTN_DEF attn_status attn_decoder_memory_s8(attn_kv_cache *cache, const int8_t *memory,
                                            int mem_len, const uint8_t *memory_padding,
                                            const attn_decoder_cfg *cfg,
                                            const attn_decoder_s8_params *p);
ATTN_DEF attn_status attn_decoder_step_scratch_s8(const attn_decoder_cfg *cfg, int max_len,
                                                  int max_mem, size_t *bytes);
ATTN_DEF attn_status attn_decoder_step_s8(int8_t *x, attn_kv_cache *cache,
                                          const attn_decoder_cfg *cfg,
                                          const attn_decoder_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_encoder_step_scratch_s8(const attn_encoder_cfg *cfg, int max_len,
                                                  size_t *bytes);
ATTN_DEF attn_status attn_encoder_step_s8(int8_t *x, attn_kv_cache *cache,
                                          const attn_encoder_cfg *cfg,
                                          const attn_encoder_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_scratch_s8(const attn_seq2seq_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_seq2seq_encode_s8(attn_kv_cache *cache, const int *src, int src_len,
                                            const attn_seq2seq_cfg *cfg,
                                            const attn_seq2seq_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_step_s8(int8_t *logits, int token, attn_kv_cache *cache,
                                          const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p, attn_arena *arena);
/* One greedy step in int8: feeds token (at position cache->len) and sets
   *next to the argmax of the output projection's sums requantized with 8
   more fraction bits than the int8 logits have (the first on ties; the
   int8 logits would tie wherever two differ by less than one step of
   their scale): the token attn_seq2seq_greedy_s8 / attn_lm_greedy_s8 feed
   back. Checks and scratch as for the step and greedy. */
ATTN_DEF attn_status attn_seq2seq_next_s8(int *next, int token, attn_kv_cache *cache,
                                          const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_lm_next_s8(int *next, int token, attn_kv_cache *cache,
                                     const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                                     attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_greedy_s8(int *out, int *n_out, int max_out, const int *src,
                                            int src_len, int bos, int eos, attn_kv_cache *cache,
                                            const attn_seq2seq_cfg *cfg,
                                            const attn_seq2seq_s8_params *p, attn_arena *arena);
/* As for float: input int8 at p->src_in_scale / src_in_zp. */
ATTN_DEF attn_status attn_seq2seq_encode_ex_s8(attn_kv_cache *cache, const int8_t *input,
                                               const int *src, const int *segments, int src_len,
                                               const attn_seq2seq_cfg *cfg,
                                               const attn_seq2seq_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_generate_s8(int *out, int *n_out, int max_out, int bos, int eos,
                                              attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                              const attn_seq2seq_s8_params *p, attn_arena *arena);
ATTN_DEF attn_status attn_lm_scratch_s8(const attn_lm_cfg *cfg, size_t *bytes);
ATTN_DEF attn_status attn_lm_step_s8(int8_t *logits, int token, attn_kv_cache *cache,
                                     const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                                     attn_arena *arena);
ATTN_DEF attn_status attn_lm_greedy_s8(int *out, int *n_out, int max_out, const int *prompt,
                                       int prompt_len, int eos, attn_kv_cache *cache,
                                       const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                                       attn_arena *arena);

#ifndef ATTN_NO_BLOB
/* ---- model blobs: int8 (MODEL BLOBS) ---- */

/* As attn_model_save_f32 / attn_model_load_f32, for the int8 models (the
   parameters' values checked as the run functions check them, and the
   float scales finite). */
ATTN_DEF attn_status attn_model_save_s8(void *buf, size_t cap, size_t *size,
                                        const attn_model_cfg *cfg, const attn_model_s8_params *p);
ATTN_DEF attn_status attn_seq2seq_save_s8(void *buf, size_t cap, size_t *size,
                                          const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p);
ATTN_DEF attn_status attn_model_load_s8(attn_model_cfg *cfg, attn_model_s8_params *params,
                                        const void *blob, size_t size, attn_arena *arena);
ATTN_DEF attn_status attn_seq2seq_load_s8(attn_seq2seq_cfg *cfg, attn_seq2seq_s8_params *params,
                                          const void *blob, size_t size, attn_arena *arena);
#endif

#endif /* ATTN_NO_INT8 */

#if !defined(ATTN_NO_INT8) && !defined(ATTN_NO_FLOAT)

/* ---- quantizer: float model + calibration data -> int8 parameters ------- */

/* real = scale * (q - zero_point) */
typedef struct {
    float scale;
    int32_t zero_point;
} attn_qparams;

/* The Q31 multiplier and shift closest to f (f = 0 gives 0; |f| must be
   below 2^30 and not NaN: ATTN_ERR_RANGE otherwise, *m unchanged; factors
   too small for a shift of -31 round to 0). */
ATTN_DEF attn_status attn_quantize_multiplier(double f, attn_qmul *m);
/* Asymmetric int8 parameters covering [min, max] (widened to include 0). */
ATTN_DEF attn_status attn_choose_qparams(float min, float max, attn_qparams *q);
/* y = clamp(round(x / scale) + zp); x = scale * (y - zp). */
ATTN_DEF attn_status attn_quantize_s8(int8_t *y, const float *x, int n, attn_qparams q);
ATTN_DEF attn_status attn_dequantize_s8(float *y, const int8_t *x, int n, attn_qparams q);

/* Quantizes a float encoder stack (one layer: n_layers = 1). Calibration:
   the float stack runs on n_calib sequences calib [n_calib][seq][d_model]
   (key_padding [n_calib][seq] or NULL), and every int8 tensor's scale and
   zero point cover the minimum and maximum seen there (min/max
   calibration). Weights: symmetric per output channel; biases int32.
   All arrays the parameters point to are taken from `store` (keep it
   alive as long as the parameters); `scratch` is working memory, given
   back. *in_q / *out_q: the int8 input and output encodings of x.
   Errors: a NaN or infinity in any weight, bias, LayerNorm parameter,
   position table or calibration value, or one the float stack makes from
   them while calibrating, is ATTN_ERR_RANGE, as is a scale no multiplier
   can express; a store too small is ATTN_ERR_ARENA, found before anything
   is written (the store takes, in ATTN_ALIGN blocks, per linear layer
   out*in + 4 out (bias, if any) + 8 out + 4 out bytes, per LayerNorm
   12 d, per GELU table 256, and the layer array). On any error *out,
   *in_q and *out_q are unchanged and both arenas' used and high_water are
   what they were. */
ATTN_DEF attn_status attn_quantize_encoder_s8(attn_encoder_s8_params *out, attn_qparams *in_q,
                                              attn_qparams *out_q, const attn_encoder_cfg *cfg,
                                              const attn_encoder_weights_f32 *w,
                                              const float *calib, const uint8_t *key_padding,
                                              int n_calib, int seq, attn_arena *store,
                                              attn_arena *scratch);
/* The whole classifier; calib [n_calib][seq][d_in] (or d_model if d_in is
   0). Sinusoidal positions are baked into an int8 table (max_seq * d_model
   bytes of store). A CLS row in a pre-norm stack (no embed_norm) gets its
   own encodings (cls_row: attn_cls_row_s8_params, d_model bytes and the
   structs of store). Errors as for attn_quantize_encoder_s8; *out is
   written only on success. The store it takes, exactly:
   attn_quantize_model_store_bytes (below). */
ATTN_DEF attn_status attn_quantize_model_s8(attn_model_s8_params *out, const attn_model_cfg *cfg,
                                            const attn_model_weights_f32 *w, const float *calib,
                                            const uint8_t *key_padding, int n_calib, int seq,
                                            attn_arena *store, attn_arena *scratch);
/* The same for attn_model_tokens_s8: calibration token ids calib_tokens
   [n_calib][seq] and segment ids calib_segments [n_calib][seq] or NULL
   (ids outside the tables: ATTN_ERR_RANGE). The token and segment tables
   are quantized at their own min/max encodings (vocab * d_model and
   n_segments * d_model bytes of store). */
ATTN_DEF attn_status attn_quantize_model_tokens_s8(attn_model_s8_params *out,
                                                   const attn_model_cfg *cfg,
                                                   const attn_model_weights_f32 *w,
                                                   const int *calib_tokens,
                                                   const int *calib_segments,
                                                   const uint8_t *key_padding, int n_calib,
                                                   int seq, attn_arena *store,
                                                   attn_arena *scratch);
/* *bytes = the store the classifier's quantizer takes for this model,
   exactly (the store arena's used grows by it): attn_quantize_model_s8's
   (tokens 0) or attn_quantize_model_tokens_s8's (tokens nonzero), seq as
   given to it. Errors: NULL, SHAPE, RANGE as the quantizer checks cfg and
   w (no weight values are read), ATTN_ERR_TOO_LARGE if it overflows
   size_t; *bytes is written only on success. */
ATTN_DEF attn_status attn_quantize_model_store_bytes(const attn_model_cfg *cfg,
                                                     const attn_model_weights_f32 *w, int seq,
                                                     int tokens, size_t *bytes);

/* A float decoder stack: calib [n_calib][seq][d_model] target rows
   (key_padding [n_calib][seq] or NULL) against memory
   [n_calib][mem_len][d_model] (memory_padding [n_calib][mem_len] or NULL);
   *in_q, *mem_q, *out_q: the encodings of x, the memory and the output.
   Errors and store as for attn_quantize_encoder_s8 (per layer two
   attention blocks). */
ATTN_DEF attn_status attn_quantize_decoder_s8(attn_decoder_s8_params *out, attn_qparams *in_q,
                                              attn_qparams *mem_q, attn_qparams *out_q,
                                              const attn_decoder_cfg *cfg,
                                              const attn_decoder_weights_f32 *w,
                                              const float *calib, const uint8_t *key_padding,
                                              const float *memory, const uint8_t *memory_padding,
                                              int n_calib, int seq, int mem_len,
                                              attn_arena *store, attn_arena *scratch);
/* An encoder-decoder model. Calibration: n_calib source sequences
   calib_src [n_calib][max_src] of src_len[s] tokens each, and their
   decoder inputs calib_tgt [n_calib][max_tgt] (BOS first, teacher
   forcing) of tgt_len[s] tokens; the float model encodes each and steps
   through its target. Embedding and position tables become int8 at their
   own encodings (sinusoidal positions baked). The store it takes:
   attn_quantize_seq2seq_store_bytes (exact). Errors as for the other
   quantizers; a length outside 1..max is ATTN_ERR_SHAPE, a token outside
   the vocabulary ATTN_ERR_RANGE. */
ATTN_DEF attn_status attn_quantize_seq2seq_store_bytes(const attn_seq2seq_cfg *cfg,
                                                       const attn_seq2seq_weights_f32 *w,
                                                       size_t *bytes);
ATTN_DEF attn_status attn_quantize_seq2seq_s8(attn_seq2seq_s8_params *out,
                                              const attn_seq2seq_cfg *cfg,
                                              const attn_seq2seq_weights_f32 *w,
                                              const int *calib_src, const int *src_len,
                                              const int *calib_tgt, const int *tgt_len,
                                              int n_calib, attn_arena *store, attn_arena *scratch);
/* Any source (the plain function above takes plain token sources only):
   calib_input [n_calib][max_src][src_d_in] features (src_len[s] rows
   each) or [n_calib][src_channels][src_image_h][src_image_w] images
   (src_len[s] = the squares), or token ids calib_src [n_calib][max_src]
   with segment ids calib_seg (same shape, or NULL: all 0); exactly one of
   calib_input and calib_src. src_len[s] counts the input's rows (the
   memory has one more with a CLS row). The store: as the plain one's
   (attn_quantize_seq2seq_store_bytes covers every source). */
ATTN_DEF attn_status attn_quantize_seq2seq_ex_s8(attn_seq2seq_s8_params *out,
                                                 const attn_seq2seq_cfg *cfg,
                                                 const attn_seq2seq_weights_f32 *w,
                                                 const float *calib_input, const int *calib_src,
                                                 const int *calib_seg, const int *src_len,
                                                 const int *calib_tgt, const int *tgt_len,
                                                 int n_calib, attn_arena *store,
                                                 attn_arena *scratch);
/* A decoder-only model: calib [n_calib][max_len] token sequences of
   calib_len[s] tokens, stepped through the float model. */
ATTN_DEF attn_status attn_quantize_lm_store_bytes(const attn_lm_cfg *cfg,
                                                  const attn_lm_weights_f32 *w, size_t *bytes);
ATTN_DEF attn_status attn_quantize_lm_s8(attn_lm_s8_params *out, const attn_lm_cfg *cfg,
                                         const attn_lm_weights_f32 *w, const int *calib,
                                         const int *calib_len, int n_calib, attn_arena *store,
                                         attn_arena *scratch);

/* Additive attention: the float block runs on n_calib samples, calib_q
   [n_calib][seq_q][d_q] queries against calib_k [n_calib][seq_kv][d_k]
   keys and calib_val [n_calib][seq_kv][d_v] values (key_padding
   [n_calib][seq_kv] or NULL), and every int8 tensor covers what it saw
   (min/max): the inputs and the output (*io), the projections (one wide
   scale s_u for both, fine enough for the keys' int16) and the table's
   index (the sums Wq q + b + Wk k of the visible pairs, clipped to
   [-4, 4], where tanh is within 7e-4 of +-1). The table holds
   round(127 tanh) (s_tanh = 1/127); v is symmetric per tensor. Store:
   exactly ATTN_ADDITIVE_STORE_S8(d_q, d_k, d_attn) bytes (the bias too
   when b is NULL: zeros). Scratch: the float block's and B(seq_q * d_v).
   Errors as for attn_quantize_encoder_s8: NaN or infinite weights or
   calibration data, or a scale no multiplier can express, are
   ATTN_ERR_RANGE; on any error *out, *io and both arenas are unchanged. */
typedef struct {
    attn_qparams q, k, val, out;
} attn_additive_qparams;
ATTN_DEF attn_status attn_quantize_additive_s8(attn_additive_s8_params *out,
                                               attn_additive_qparams *io,
                                               const attn_additive_cfg *cfg,
                                               const attn_additive_weights_f32 *w,
                                               const float *calib_q, const float *calib_k,
                                               const float *calib_val,
                                               const uint8_t *key_padding, int n_calib,
                                               attn_arena *store, attn_arena *scratch);

#endif /* !ATTN_NO_INT8 && !ATTN_NO_FLOAT */

#ifdef __cplusplus
}
#endif

#endif /* ATTENTION_H */

/* ======================================================================== */
/*                              IMPLEMENTATION                              */
/* ======================================================================== */
#ifdef ATTN_IMPLEMENTATION
#ifndef ATTN__IMPLEMENTED
#define ATTN__IMPLEMENTED

#include <string.h>
#ifndef ATTN_NO_FLOAT
#include <math.h>
#endif
/* Cortex-M DSP extension (M4, M7, M33, M55): dual 16-bit MACs for int8. */
#if defined(__ARM_FEATURE_DSP) && !defined(ATTN_NO_DSP)
#define ATTN__DSP 1
#include <arm_acle.h>
/* The ACLE intrinsics on packed lanes take and return int8x4_t and
   int16x2_t (int32_t); the kernels keep packed words in uint32_t, whose
   shifts and ors act on bits. These macros convert between the two
   explicitly and compute nothing else: the same 32 bits read as signed or
   unsigned (two's complement on every Arm compiler, intended to wrap).
   GCC's __builtin_arm_ssat returns unsigned int, which GCC 12's __ssat
   macro stores into an int32_t in the caller's code (-Wsign-conversion):
   ATTN__SSAT is that macro with the conversion written out (the saturated
   value is in -2^(n-1)..2^(n-1)-1 and the same code results). __usat's
   result is below 2^n, n <= 15 here: its int32_t is the same value. */
#define ATTN__SXTB16(x) ((uint32_t)__sxtb16((int8x4_t)(x)))
#define ATTN__SXTAB16(a, x) ((uint32_t)__sxtab16((int16x2_t)(a), (int8x4_t)(x)))
#define ATTN__SADD16(a, b) ((uint32_t)__sadd16((int16x2_t)(a), (int16x2_t)(b)))
#define ATTN__SSUB8(a, b) __ssub8((int8x4_t)(a), (int8x4_t)(b))
#define ATTN__SMLAD(a, b, acc) __smlad((int16x2_t)(a), (int16x2_t)(b), (acc))
#define ATTN__SMUAD(a, b) __smuad((int16x2_t)(a), (int16x2_t)(b))
#define ATTN__USAT(x, n) ((int32_t)__usat((x), (n)))
#if defined(__GNUC__) && !defined(__clang__)
#define ATTN__SSAT(x, n)                                                                   \
    __extension__({                                                                        \
        int32_t attn__ssat_x = (x);                                                        \
        __builtin_sat_imm_check(n, 1, 32);                                                 \
        int32_t attn__ssat_r = (int32_t)__builtin_arm_ssat(attn__ssat_x, n);               \
        attn__ssat_r;                                                                      \
    })
#else
#define ATTN__SSAT(x, n) __ssat((x), (n))
#endif
#else
#define ATTN__DSP 0
#endif
/* RISC-V RV32 with the M extension (rv32imac, rv32imafc, ...): the int8
   linear kernel's inner loop in assembly (attn__dot4_s8), GCC and clang;
   ATTN_NO_RISCV builds the portable C. The same integers either way. */
#if defined(__riscv) && defined(__riscv_mul) && defined(__riscv_xlen) && !defined(ATTN_NO_RISCV) && \
    (defined(__GNUC__) || defined(__clang__))
#if __riscv_xlen == 32
#define ATTN__RISCV 1
#endif
#endif
#ifndef ATTN__RISCV
#define ATTN__RISCV 0
#endif
/* Helium (M-profile vector extension, M55): 16 int8 MACs per instruction. */
#if defined(__ARM_FEATURE_MVE) && !defined(ATTN_NO_MVE)
#define ATTN__MVE 1
#include <arm_mve.h>
#else
#define ATTN__MVE 0
#endif

/* Helium with floating point (__ARM_FEATURE_MVE & 2, M55): 4-lane float
   VFMA in the float kernels. */
#if ATTN__MVE && defined(__ARM_FEATURE_MVE)
#if (__ARM_FEATURE_MVE & 2)
#define ATTN__MVE_F32 1
#endif
#endif
#ifndef ATTN__MVE_F32
#define ATTN__MVE_F32 0
#endif
/* An Arm core without a floating-point unit (M0, M3): float arithmetic is
   library calls. */
#if defined(__arm__) && !defined(__ARM_FP)
#define ATTN__SOFT_FLOAT 1
#else
#define ATTN__SOFT_FLOAT 0
#endif
/* Fused multiply-add in the FPU (VFMA.F32: M4, M7, M33, M55): the float
   kernels use it; soft-float cores (M0, M3) never call a library fmaf. */
#if defined(__ARM_FEATURE_FMA) && defined(__ARM_FP) && (__ARM_FP & 4) && !defined(ATTN_NO_FMA)
#define ATTN__FMA 1
#else
#define ATTN__FMA 0
#endif

#ifndef ATTN_ASSERT
#define ATTN_ASSERT(x) ((void)0)
#endif

/* The int8 attention and softmax kernels for the DSP extension and Helium
   (ATTN__SM_DSP, ATTN__SM_MVE), and their loops written out in inline
   assembly for GCC and clang (ATTN__ATT_ASM), are left out when
   optimising for size (__OPTIMIZE_SIZE__, -Os): the portable loops
   compute the same integers in a fraction of the code. */
#if defined(__OPTIMIZE_SIZE__)
#define ATTN__SM_DSP 0
#define ATTN__SM_MVE 0
#else
#define ATTN__SM_DSP ATTN__DSP
#define ATTN__SM_MVE ATTN__MVE
#endif
#if ATTN__SM_DSP && (defined(__GNUC__) || defined(__clang__)) && defined(__OPTIMIZE__)
#define ATTN__ATT_ASM 1 /* (not at -O0, where GCC cannot find their registers) */
#else
#define ATTN__ATT_ASM 0
#endif

/* Small helpers of the inner loops are always inlined when optimising for
   speed; at -Os the compiler chooses (code size first). */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__OPTIMIZE_SIZE__)
#define ATTN__INLINE static inline __attribute__((always_inline))
#define ATTN__NOINLINE static __attribute__((noinline))
#elif defined(__GNUC__) || defined(__clang__)
#define ATTN__INLINE static inline
#define ATTN__NOINLINE static __attribute__((noinline))
#else
#define ATTN__INLINE static
#define ATTN__NOINLINE static
#endif
/* a loop clang should not unroll: its remainder (an odd key count) would
   cost a little per column, per query (nothing elsewhere) */
#if defined(__clang__)
#define ATTN__NO_UNROLL _Pragma("clang loop unroll(disable)")
#else
#define ATTN__NO_UNROLL
#endif
/* out of line and not specialised (GCC's constant-propagating clones), so
   that a caller with the same arguments can jump to it (a sibling call,
   no frame of its own) */
#if defined(__GNUC__) && !defined(__clang__)
#define ATTN__NOCLONE static __attribute__((noinline, noclone))
#else
#define ATTN__NOCLONE ATTN__NOINLINE
#endif

#if (ATTN_ALIGN < 4) || (ATTN_ALIGN & (ATTN_ALIGN - 1))
#error "ATTN_ALIGN must be a power of two >= 4"
#endif

#ifdef __cplusplus
extern "C" {
#endif

ATTN_DEF const char *attn_status_str(attn_status status)
{
    switch (status) {
    case ATTN_OK: return "ok";
    case ATTN_ERR_NULL: return "a required pointer is NULL";
    case ATTN_ERR_SHAPE: return "a size is zero, negative or inconsistent";
    case ATTN_ERR_RANGE: return "a value is outside its allowed range";
    case ATTN_ERR_TOO_LARGE: return "sizes too large: byte count overflows size_t";
    case ATTN_ERR_ARENA: return "arena too small";
    case ATTN_ERR_FULL: return "the KV cache is full";
#ifndef ATTN_NO_BLOB
    case ATTN_ERR_BLOB_MAGIC: return "not a model blob";
    case ATTN_ERR_BLOB_VERSION: return "model blob version unknown";
    case ATTN_ERR_BLOB_TRUNCATED: return "model blob truncated";
    case ATTN_ERR_BLOB_CORRUPT: return "model blob corrupt";
    case ATTN_ERR_BLOB_UNSUPPORTED: return "model blob not usable here";
#else
    default: break; /* (no function returns the blob codes) */
#endif
    }
    return "unknown status";
}

/* ---- arena -------------------------------------------------------------- */

ATTN_DEF attn_status attn_arena_init(attn_arena *arena, void *buffer, size_t bytes)
{
    size_t pad;
    if (!arena || !buffer) return ATTN_ERR_NULL;
    pad = (size_t)(-(uintptr_t)buffer & (uintptr_t)(ATTN_ALIGN - 1));
    arena->base = (unsigned char *)buffer + (pad < bytes ? pad : bytes);
    arena->size = pad < bytes ? bytes - pad : 0;
    arena->size &= ~(size_t)(ATTN_ALIGN - 1);
    arena->used = 0;
    arena->high_water = 0;
    return ATTN_OK;
}

static size_t attn__arena_free(const attn_arena *a)
{
    return a->size - a->used;
}

/* The operations check the free space first, so this cannot fail there. */
static void *attn__take(attn_arena *a, size_t bytes)
{
    void *p = a->base + a->used;
    bytes = (bytes + (ATTN_ALIGN - 1)) & ~(size_t)(ATTN_ALIGN - 1);
    ATTN_ASSERT(bytes <= attn__arena_free(a));
    a->used += bytes;
    if (a->used > a->high_water) a->high_water = a->used;
    return p;
}

ATTN_DEF attn_status attn_arena_alloc(attn_arena *arena, size_t bytes, void **ptr)
{
    if (ptr) *ptr = NULL;
    if (!arena || !ptr) return ATTN_ERR_NULL;
    if (bytes > SIZE_MAX - (ATTN_ALIGN - 1)) return ATTN_ERR_TOO_LARGE;
    if (((bytes + (ATTN_ALIGN - 1)) & ~(size_t)(ATTN_ALIGN - 1)) > attn__arena_free(arena))
        return ATTN_ERR_ARENA;
    *ptr = attn__take(arena, bytes);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_arena_release(attn_arena *arena, size_t mark)
{
    if (!arena) return ATTN_ERR_NULL;
    if (mark > arena->used) return ATTN_ERR_RANGE;
    arena->used = mark;
    return ATTN_OK;
}

/* ---- size arithmetic that cannot overflow ------------------------------- */

/* Accumulates aligned float-buffer sizes; remembers whether any step
   overflowed size_t. */
typedef struct {
    size_t bytes;
    int overflow;
} attn__size;

static void attn__size_add(attn__size *s, size_t n, size_t m, size_t elem)
{
    size_t nm, b;
    if (s->overflow) return;
    if (m != 0 && n > SIZE_MAX / m) {
        s->overflow = 1;
        return;
    }
    nm = n * m;
    if (nm != 0 && elem > SIZE_MAX / nm) {
        s->overflow = 1;
        return;
    }
    b = nm * elem;
    if (b > SIZE_MAX - (ATTN_ALIGN - 1)) {
        s->overflow = 1;
        return;
    }
    b = (b + (ATTN_ALIGN - 1)) & ~(size_t)(ATTN_ALIGN - 1);
    if (s->bytes > SIZE_MAX - b) {
        s->overflow = 1;
        return;
    }
    s->bytes += b;
}

static attn__size attn__size_max(attn__size a, attn__size b)
{
    attn__size s;
    s.overflow = a.overflow | b.overflow;
    s.bytes = a.bytes > b.bytes ? a.bytes : b.bytes;
    return s;
}

/* The common tail of every check: sizes fit size_t, and the arena holds them. */
static attn_status attn__check_scratch(const attn__size *s, const attn_arena *arena)
{
    if (s->overflow) return ATTN_ERR_TOO_LARGE;
    if (s->bytes > attn__arena_free(arena)) return ATTN_ERR_ARENA;
    return ATTN_OK;
}

static attn_status attn__size_result(attn__size s, size_t *bytes)
{
    if (s.overflow) return ATTN_ERR_TOO_LARGE;
    *bytes = s.bytes;
    return ATTN_OK;
}

/* A size outside 1..ATTN_MAX_DIM (a shape error). */
static int attn__dim_bad(int v)
{
    return v <= 0 || v > ATTN_MAX_DIM;
}

static attn_status attn__check_mha_cfg(const attn_mha_cfg *c)
{
    if (attn__dim_bad(c->seq_q) || attn__dim_bad(c->seq_kv) || attn__dim_bad(c->d_model) ||
        attn__dim_bad(c->n_heads) || c->d_model % c->n_heads != 0)
        return ATTN_ERR_SHAPE;
    return c->window < 0 ? ATTN_ERR_RANGE : ATTN_OK;
}

/* The keys query i sees among n: lo..*n_keys+lo-1, returns lo and sets
   *n_keys (<= 0: none). causal: j <= i; window w >= 1: |i - j| <= w. */
static int attn__key_range(int i, int n, int causal, int window, int *n_keys)
{
    int lo = 0, hi = n;
    if (causal && i < hi) hi = i + 1;
    if (window > 0) { /* (i - window and window < hi - i: no overflow) */
        if (i > window) lo = i - window;
        if (i < hi && window < hi - i) hi = i + window + 1;
    }
    *n_keys = hi - lo;
    return lo;
}

/* The rows a model's encoder sees: the input's, and the CLS row. */
static int attn__model_rows(const attn_model_cfg *c, int seq)
{
    return seq + (c->cls_token != 0);
}

static int attn__count_bad(int v)
{
    return v < 0 || v > ATTN_MAX_DIM;
}

/* The model's own shape and enum rules (the encoder's are checked apart);
   seq is checked before the rows are formed (seq + 1 cannot overflow). */
static attn_status attn__model_shape_check(const attn_model_cfg *c, int seq, int n_layers)
{
    if (attn__dim_bad(seq) || attn__count_bad(c->d_in) || attn__dim_bad(c->max_seq) ||
        attn__model_rows(c, seq) > c->max_seq || attn__dim_bad(c->n_classes) ||
        attn__dim_bad(n_layers) || attn__count_bad(c->vocab) || attn__count_bad(c->n_segments) ||
        attn__count_bad(c->patch))
        return ATTN_ERR_SHAPE;
    if (c->patch > 0) { /* the image is cut into exactly seq squares of d_in values */
        if (attn__dim_bad(c->channels) || attn__dim_bad(c->image_h) || attn__dim_bad(c->image_w) ||
            c->image_h % c->patch != 0 || c->image_w % c->patch != 0 ||
            (int64_t)(c->image_h / c->patch) * (c->image_w / c->patch) != seq ||
            (int64_t)c->patch * c->patch > c->d_in || /* (then channels * patch^2 fits) */
            (int64_t)c->channels * ((int64_t)c->patch * c->patch) != c->d_in)
            return ATTN_ERR_SHAPE;
    }
    return ATTN_OK;
}

static attn_status attn__model_enums_check(const attn_model_cfg *c)
{
    if (c->position != ATTN_POS_NONE && c->position != ATTN_POS_SINUSOIDAL &&
        c->position != ATTN_POS_LEARNED)
        return ATTN_ERR_RANGE;
    if (c->pooling != ATTN_POOL_MEAN && c->pooling != ATTN_POOL_FIRST &&
        c->pooling != ATTN_POOL_ATTENTION)
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

/* The token entry's own rules: tokens, no image; ids in range. */
static attn_status attn__model_tokens_check(const attn_model_cfg *c, const int *tokens,
                                            const int *segments, int seq)
{
    int i;
    if (attn__dim_bad(c->vocab) || c->patch != 0) return ATTN_ERR_SHAPE;
    for (i = 0; i < seq; i++)
        if (tokens[i] < 0 || tokens[i] >= c->vocab ||
            (c->n_segments > 0 && segments && (segments[i] < 0 || segments[i] >= c->n_segments)))
            return ATTN_ERR_RANGE;
    return ATTN_OK;
}

/* a + b (the overflow of either) */
static attn__size attn__size_plus(attn__size a, attn__size b)
{
    if (!a.overflow && !b.overflow && a.bytes <= SIZE_MAX - b.bytes) {
        a.bytes += b.bytes;
        return a;
    }
    a.overflow = 1;
    return a;
}

/* x (the encoder's rows), the padding of those rows (with a CLS row) and
   a patch row (patches), then the larger of the encoder's scratch and the
   pooling's; elem: 4 (float) or 1 (int8).
   The tables that must be addressable too are checked here. */
static attn__size attn__model_front_size(const attn_model_cfg *c, int seq, size_t elem,
                                         attn__size enc)
{
    size_t rows = (size_t)attn__model_rows(c, seq), d = (size_t)c->encoder.d_model;
    attn__size x = {0, 0}, t = {0, 0};
    attn__size_add(&x, rows, d, elem);
    if (c->cls_token) attn__size_add(&x, rows, 1, 1);
    if (c->patch > 0) attn__size_add(&x, (size_t)c->d_in, 1, elem); /* a patch (kept) */
    { /* after the encoder: the pooled row (int8 attention pooling: w's copy,
         which becomes it) and attention pooling's scores */
        attn__size p = {0, 0};
        attn__size_add(&p, d, 1, elem);
        if (c->pooling == ATTN_POOL_ATTENTION) attn__size_add(&p, rows, 1, 4);
        enc = attn__size_max(enc, p);
    }
    /* the input, embedding and classifier must be addressable too */
    attn__size_add(&t, (size_t)seq, (size_t)c->d_in, elem);
    attn__size_add(&t, d, (size_t)c->d_in, elem);
    attn__size_add(&t, (size_t)c->n_classes, d, elem);
    attn__size_add(&t, (size_t)c->vocab, d, elem);
    attn__size_add(&t, (size_t)c->n_segments, d, elem); /* (an image: seq * d_in values) */
    x = attn__size_plus(x, enc);
    x.overflow |= t.overflow;
    return x;
}


/* ---- KV cache (shared by _f32 and _s8) -------------------------------------- */

static attn_status attn__cache_dims(int n_layers, int d_model, int max_len, int max_mem)
{
    if (attn__dim_bad(n_layers) || attn__dim_bad(d_model) || attn__dim_bad(max_len) ||
        max_mem < 0 || max_mem > ATTN_MAX_DIM)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}

static attn__size attn__cache_size(int n_layers, int d_model, int max_len, int max_mem,
                                   size_t elem)
{
    attn__size s = {0, 0};
    size_t row = (size_t)d_model * elem; /* <= 2^30: fits */
    attn__size_add(&s, (size_t)n_layers, (size_t)max_len, row); /* K              */
    attn__size_add(&s, (size_t)n_layers, (size_t)max_len, row); /* V              */
    attn__size_add(&s, (size_t)n_layers, (size_t)max_mem, row); /* memory K       */
    attn__size_add(&s, (size_t)n_layers, (size_t)max_mem, row); /* memory V       */
    attn__size_add(&s, (size_t)max_mem, 1, 1);                  /* memory padding */
    return s;
}

static attn_status attn__cache_bytes(int n_layers, int d_model, int max_len, int max_mem,
                                     size_t elem, size_t *bytes)
{
    attn_status st;
    if (!bytes) return ATTN_ERR_NULL;
    if ((st = attn__cache_dims(n_layers, d_model, max_len, max_mem)) != ATTN_OK) return st;
    return attn__size_result(attn__cache_size(n_layers, d_model, max_len, max_mem, elem), bytes);
}

static attn_status attn__cache_init(attn_kv_cache *c, int n_layers, int d_model, int max_len,
                                    int max_mem, attn_arena *store, size_t elem)
{
    attn_status st;
    attn__size need;
    size_t lk, lm;
    if (!c || !store) return ATTN_ERR_NULL;
    if ((st = attn__cache_dims(n_layers, d_model, max_len, max_mem)) != ATTN_OK) return st;
    need = attn__cache_size(n_layers, d_model, max_len, max_mem, elem);
    if ((st = attn__check_scratch(&need, store)) != ATTN_OK) return st;
    lk = (size_t)n_layers * (size_t)max_len * (size_t)d_model * elem;
    lm = (size_t)n_layers * (size_t)max_mem * (size_t)d_model * elem;
    c->k = attn__take(store, lk);
    c->v = attn__take(store, lk);
    c->mem_k = max_mem ? attn__take(store, lm) : NULL;
    c->mem_v = max_mem ? attn__take(store, lm) : NULL;
    c->mem_padding = max_mem ? (uint8_t *)attn__take(store, (size_t)max_mem) : NULL;
    c->n_layers = n_layers;
    c->d_model = d_model;
    c->max_len = max_len;
    c->max_mem = max_mem;
    c->elem = (int)elem;
    c->len = 0;
    c->mem_len = 0;
    c->mem_padded = 0;
    c->checked = NULL;
    c->plain = 0;
    return ATTN_OK;
}

#ifndef ATTN_NO_FLOAT
ATTN_DEF attn_status attn_kv_cache_bytes_f32(int n_layers, int d_model, int max_len, int max_mem,
                                             size_t *bytes)
{
    return attn__cache_bytes(n_layers, d_model, max_len, max_mem, sizeof(float), bytes);
}

ATTN_DEF attn_status attn_kv_cache_init_f32(attn_kv_cache *cache, int n_layers, int d_model,
                                            int max_len, int max_mem, attn_arena *store)
{
    return attn__cache_init(cache, n_layers, d_model, max_len, max_mem, store, sizeof(float));
}
#endif

#ifndef ATTN_NO_INT8
ATTN_DEF attn_status attn_kv_cache_bytes_s8(int n_layers, int d_model, int max_len, int max_mem,
                                            size_t *bytes)
{
    return attn__cache_bytes(n_layers, d_model, max_len, max_mem, 1, bytes);
}

ATTN_DEF attn_status attn_kv_cache_init_s8(attn_kv_cache *cache, int n_layers, int d_model,
                                           int max_len, int max_mem, attn_arena *store)
{
    return attn__cache_init(cache, n_layers, d_model, max_len, max_mem, store, 1);
}
#endif

ATTN_DEF attn_status attn_kv_cache_reset(attn_kv_cache *cache)
{
    if (!cache) return ATTN_ERR_NULL;
    cache->len = 0;
    cache->mem_len = 0;
    cache->mem_padded = 0;
    cache->checked = NULL;
    cache->plain = 0;
    return ATTN_OK;
}

/* A cache as attn__cache_init made it, for elem-byte rows of n_layers
   layers of width d (fields changed by hand: NULL or SHAPE). */
static attn_status attn__cache_check(const attn_kv_cache *c, int elem, int n_layers, int d)
{
    if (!c->k || !c->v || (c->max_mem > 0 && (!c->mem_k || !c->mem_v || !c->mem_padding)))
        return ATTN_ERR_NULL;
    if (attn__cache_dims(c->n_layers, c->d_model, c->max_len, c->max_mem) != ATTN_OK ||
        c->elem != elem || c->n_layers != n_layers || c->d_model != d || c->len < 0 ||
        c->len > c->max_len || c->mem_len < 0 || c->mem_len > c->max_mem)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}

/* s is finite: its exponent bits are not all ones (read as bits, so that
   an int8-only build does no float arithmetic for it) */
static int attn__scale_ok(float s)
{
    uint32_t u;
    memcpy(&u, &s, sizeof u);
    return (u & 0x7F800000u) != 0x7F800000u;
}

static int attn__tokens_ok(const int *t, int n, int vocab)
{
    int i;
    for (i = 0; i < n; i++)
        if (t[i] < 0 || t[i] >= vocab) return 0;
    return 1;
}


/* The seq2seq config, given the two stacks' own checks (se, sd: float or
   int8 rules): SHAPE (the stacks, their widths, the vocabularies and
   lengths) before RANGE (the stacks' values, position, scale, causal). */
static attn_status attn__s2s_rules(const attn_seq2seq_cfg *c, int n_enc, int n_dec,
                                   attn_status se, attn_status sd)
{
    if (se == ATTN_ERR_SHAPE || sd == ATTN_ERR_SHAPE || c->encoder.d_model != c->decoder.d_model ||
        (c->src_d_in == 0 ? attn__dim_bad(c->src_vocab) : attn__count_bad(c->src_vocab)) ||
        attn__dim_bad(c->tgt_vocab) || attn__dim_bad(c->max_src) ||
        attn__dim_bad(c->max_tgt) || attn__dim_bad(n_enc) || attn__dim_bad(n_dec))
        return ATTN_ERR_SHAPE; /* (a front end's counts: attn__s2s_counts_bad) */
    if (se != ATTN_OK) return se;
    if (sd != ATTN_OK) return sd;
    if ((c->position != ATTN_POS_NONE && c->position != ATTN_POS_SINUSOIDAL &&
         c->position != ATTN_POS_LEARNED) ||
        !attn__scale_ok(c->embed_scale) || !c->decoder.causal)
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

/* Nonzero: a front end's count is negative or too large (the plain
   encode and greedy refuse any front end). */
static int attn__s2s_counts_bad(const attn_seq2seq_cfg *c)
{
    return attn__count_bad(c->src_d_in) || attn__count_bad(c->src_patch) ||
           attn__count_bad(c->src_segments);
}

/* Nonzero: the seq2seq's source has a front end (attn_seq2seq_cfg). */
static int attn__s2s_front(const attn_seq2seq_cfg *c)
{
    return c->src_d_in != 0 || c->src_patch != 0 || c->src_cls_token != 0 || c->src_segments != 0;
}

/* The source side as a model cfg: the front end's fields (the head's are
   placeholders that no source path reads). */
static void attn__s2s_src_cfg(attn_model_cfg *m, const attn_seq2seq_cfg *c)
{
    memset(m, 0, sizeof *m);
    m->encoder = c->encoder;
    m->d_in = c->src_d_in;
    m->max_seq = c->max_src;
    m->position = c->position;
    m->pooling = ATTN_POOL_MEAN;
    m->n_classes = 1;
    m->cls_token = c->src_cls_token;
    m->embed_norm = c->embed_norm;
    m->patch = c->src_patch;
    m->channels = c->src_channels;
    m->image_h = c->src_image_h;
    m->image_w = c->src_image_w;
    m->vocab = c->src_vocab;
    m->n_segments = c->src_segments;
}

/* The source's rules for src_len input rows, as a model's (out of line,
   with its cfg): ids 0, the shapes (token ids: no features, no image, a
   vocabulary); ids 1, the ids' ranges. */
ATTN__NOINLINE attn_status attn__s2s_src_rules(const attn_seq2seq_cfg *c, const int *src,
                                               const int *segments, int src_len, int n_enc,
                                               int ids)
{
    attn_model_cfg m;
    attn__s2s_src_cfg(&m, c);
    if (!ids) {
        if (attn__model_shape_check(&m, src_len, n_enc) != ATTN_OK ||
            (src && (m.d_in != 0 || attn__dim_bad(m.vocab) || m.patch != 0)))
            return ATTN_ERR_SHAPE;
        return ATTN_OK;
    }
    return src ? attn__model_tokens_check(&m, src, segments, src_len) : ATTN_OK;
}

/* A source with a front end: encode's bytes s (the rows and the
   encoder's: attn__s2s_encode_size*) with an image's patch, marked as
   overflowing if the sizes its tensors must have do not fit a size_t. */
static attn__size attn__s2s_front_size(attn__size s, const attn_seq2seq_cfg *c, int src_len,
                                       size_t elem)
{
    attn__size t = {0, 0};
    size_t d = (size_t)c->encoder.d_model;
    if (c->src_patch > 0) attn__size_add(&s, (size_t)c->src_d_in, 1, elem);
    attn__size_add(&t, (size_t)src_len, (size_t)c->src_d_in, elem);
    attn__size_add(&t, d, (size_t)c->src_d_in, elem);
    attn__size_add(&t, (size_t)c->src_segments, d, elem);
    s.overflow |= t.overflow;
    return s;
}

/* The keys a step can see: of the tokens (len < max_len, and < the
   model's own limit lim_len) and of the memory (dec), whichever is more. */
static int attn__step_keys(const attn_kv_cache *c, int dec, int lim_len, int lim_mem)
{
    int nl = c->max_len < lim_len ? c->max_len : lim_len;
    int nm = c->max_mem < lim_mem ? c->max_mem : lim_mem;
    return dec && nm > nl ? nm : nl;
}

/* Records a memory of mem_len rows (its padding copied) and empties the
   token cache. */
static void attn__cache_set_memory(attn_kv_cache *c, int mem_len, const uint8_t *memory_padding)
{
    int j, any = 0;
    for (j = 0; j < mem_len; j++) {
        /* (every caller checked mem_len <= max_mem: mem_padding holds it) */
        /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
        c->mem_padding[j] = (uint8_t)(memory_padding && memory_padding[j] ? 1 : 0);
        any |= c->mem_padding[j];
    }
    c->mem_padded = any;
    c->mem_len = mem_len;
    c->len = 0;
}


#ifndef ATTN_NO_FLOAT

#ifndef ATTN_EXPF
#define ATTN_EXPF(x) expf(x)
#endif
#ifndef ATTN_SQRTF
#define ATTN_SQRTF(x) sqrtf(x)
#endif
#ifndef ATTN_ERFF
#define ATTN_ERFF(x) erff(x)
#endif
#ifndef ATTN_TANHF
#define ATTN_TANHF(x) tanhf(x)
#endif
#ifndef ATTN_SIN
#define ATTN_SIN(x) sin(x)
#endif
#ifndef ATTN_COS
#define ATTN_COS(x) cos(x)
#endif
#ifndef ATTN_EXP
#define ATTN_EXP(x) exp(x)
#endif

/* ---- float kernels (internal, arguments already checked) ----------------
   One loop nest per kernel, built three ways (FLOAT ARITHMETIC at the top):
   Helium (ATTN__MVE_F32: 4-lane VFMA.F32, one lane per output), the FPU's fused
   multiply-add (ATTN__FMA: VFMA.F32) and portable C (s + a*b). Each output
   is the same sequential sum in all three: s = 0, s += a[c]*b[c] for c = 0,
   1, 2, ..., then the bias. */

/* s + a*b: one rounding where the FPU fuses it, two in portable C. */
#if ATTN__FMA && !ATTN__MVE_F32 && defined(__clang__) && !defined(__NO_MATH_ERRNO__)
/* clang 14 turns fmaf into a call of the C library's (which might set
   errno) unless -fno-math-errno; declared const here, in this block only,
   it is the VFMA instruction (Helium builds use the intrinsics instead) */
static float attn__fma(float s, float a, float b)
{
    /* (math.h declares it too: this one adds the attribute)
       NOLINTNEXTLINE(readability-redundant-declaration) */
    float fmaf(float, float, float) __attribute__((const));
    return fmaf(a, b, s);
}
#define ATTN__MADD(s, a, b) attn__fma((s), (a), (b))
#elif ATTN__FMA
#define ATTN__MADD(s, a, b) fmaf((a), (b), (s))
#else
#define ATTN__MADD(s, a, b) ((s) + (a) * (b))
#endif

#if ATTN__MVE_F32
/* s + a*b fused, one VFMA.F32 (the lanes' arithmetic; clang would call the
   C library's fmaf) */
ATTN__INLINE float attn__vfma1(float s, float a, float b)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__("vfma.f32 %0, %1, %2" : "+t"(s) : "t"(a), "t"(b));
    return s;
#else
    return fmaf(a, b, s);
#endif
}

/* Column j of 4 rows whose addresses are the lanes of a (j = 0..3 within a
   block of 4 columns), then ATTN__NEXT moves a on by `cols` columns. clang:
   the write-back gather (VLDRW.U32 Qd, [Qm, #4]!, a starting 4 bytes early)
   moves a itself. GCC 12's arm_mve.h cannot compile that form (it asks for
   a constant it cannot see): it gathers at offset 4j and adds after a block. */
#if defined(__clang__)
#define ATTN__GATHER(a, j) vldrwq_gather_base_wb_f32(&(a), 4)
#define ATTN__GATHER_Z(a, j, p) vldrwq_gather_base_wb_z_f32(&(a), 4, (p))
#define ATTN__NEXT(a, cols) ((void)0)
#define ATTN__GATHER_START 4u
#else
#define ATTN__GATHER(a, j) vldrwq_gather_base_f32((a), 4 * (j))
#define ATTN__GATHER_Z(a, j, p) vldrwq_gather_base_z_f32((a), 4 * (j), (p))
#define ATTN__NEXT(a, cols) ((a) = vaddq_n_u32((a), 4 * (cols)))
#define ATTN__GATHER_START 0u
#endif
/* The addresses of element 0 of rows 0..3 of w (rows ws floats apart), for
   the gathering loads (VLDRW.U32 Qd, [Qm, #imm]: lane i reads row i). */
static uint32x4_t attn__rows4_f32(const float *w, size_t ws)
{
    return vmlaq_n_u32(vdupq_n_u32((uint32_t)(uintptr_t)w), vidupq_n_u32(0u, 1),
                       (uint32_t)(ws * sizeof(float)));
}

/* The same for left (1..4) rows, the lanes from left on at the last row
   again (read, not stored: no predicate on the gathers), less
   ATTN__GATHER_START as the passes start. */
ATTN__INLINE uint32x4_t attn__rows4c_f32(const float *w, size_t ws, int left)
{
    return vsubq_n_u32(vmlaq_n_u32(vdupq_n_u32((uint32_t)(uintptr_t)w),
                                   vminq_u32(vidupq_n_u32(0u, 1), vdupq_n_u32((uint32_t)left - 1u)),
                                   (uint32_t)(ws * sizeof(float))),
                       ATTN__GATHER_START);
}
#endif

/* y[r] = w_r . x (+ b[r]) for r < rows, where w_r = w + r*ws holds n floats:
   a linear layer's outputs (ws = n), or one query's scores against keys
   (ws = the key row stride). y must not overlap x or w. */
ATTN__INLINE void attn__gemv_body_f32(float *y, const float *x, const float *w, size_t ws,
                                      const float *b, int n, int rows)
{
    int r = 0, c;
#if ATTN__MVE_F32
    /* 8 rows per pass: per column two gathers of 4 rows and two VFMAs by
       x[c]; full passes unpredicated, then one predicated pass for the rest.
       a0, a1: the rows' addresses, n floats on after a pass; `next` takes
       them to the next 8 rows. */
    uint32x4_t a0 = vsubq_n_u32(attn__rows4_f32(w, ws), ATTN__GATHER_START);
    uint32x4_t a1 = vaddq_n_u32(a0, (uint32_t)(4 * ws * sizeof(float)));
    uint32_t next = (uint32_t)((8 * ws - (size_t)n) * sizeof(float));
    float32x4_t s0, s1, g;
    const float *e;
    float u;
#define ATTN__COLUMN(j)                                                                \
    u = *e++;                                                                          \
    g = ATTN__GATHER(a0, j);                                                           \
    s0 = vfmaq_n_f32(s0, g, u);                                                        \
    g = ATTN__GATHER(a1, j);                                                           \
    s1 = vfmaq_n_f32(s1, g, u)
    for (; rows - r >= 8; r += 8) {
        if (rows - r > 8 && rows - r <= 12) { /* the last 9 to 12 rows: one pass of three groups */
            const int left = rows - r - 8;
            const mve_pred16_t p2 = vctp32q((uint32_t)left);
            /* the third group's lanes past the rows read the last row again
               (read, never stored): its gathers need no predicate */
            uint32x4_t a2 = attn__rows4c_f32(w + (size_t)(r + 8) * ws, ws, left);
            float32x4_t s2 = vdupq_n_f32(0.0f);
            s0 = s1 = s2;
            e = x;
#define ATTN__COLUMN3(j)                                                               \
    u = *e++;                                                                          \
    g = ATTN__GATHER(a0, j);                                                           \
    s0 = vfmaq_n_f32(s0, g, u);                                                        \
    g = ATTN__GATHER(a1, j);                                                           \
    s1 = vfmaq_n_f32(s1, g, u);                                                        \
    g = ATTN__GATHER(a2, j);                                                           \
    s2 = vfmaq_n_f32(s2, g, u)
            for (c = 0; n - c >= 4; c += 4) {
                ATTN__COLUMN3(0);
                ATTN__COLUMN3(1);
                ATTN__COLUMN3(2);
                ATTN__COLUMN3(3);
                ATTN__NEXT(a0, 4);
                ATTN__NEXT(a1, 4);
                ATTN__NEXT(a2, 4);
            }
            for (; c < n; c++) {
                ATTN__COLUMN3(0);
                ATTN__NEXT(a0, 1);
                ATTN__NEXT(a1, 1);
                ATTN__NEXT(a2, 1);
            }
#undef ATTN__COLUMN3
            if (b) {
                s0 = vaddq_f32(s0, vld1q_f32(b + r));
                s1 = vaddq_f32(s1, vld1q_f32(b + r + 4));
                s2 = vaddq_f32(s2, vldrwq_z_f32(b + r + 8, p2));
            }
            vst1q_f32(y + r, s0);
            vst1q_f32(y + r + 4, s1);
            vstrwq_p_f32(y + r + 8, s2, p2);
            r = rows;
            break;
        }
        s0 = s1 = vdupq_n_f32(0.0f);
        e = x;
        for (c = 0; n - c >= 4; c += 4) {
            ATTN__COLUMN(0);
            ATTN__COLUMN(1);
            ATTN__COLUMN(2);
            ATTN__COLUMN(3);
            ATTN__NEXT(a0, 4);
            ATTN__NEXT(a1, 4);
        }
        for (; c < n; c++) {
            ATTN__COLUMN(0);
            ATTN__NEXT(a0, 1);
            ATTN__NEXT(a1, 1);
        }
        a0 = vaddq_n_u32(a0, next);
        a1 = vaddq_n_u32(a1, next);
        if (b) {
            s0 = vaddq_f32(s0, vld1q_f32(b + r));
            s1 = vaddq_f32(s1, vld1q_f32(b + r + 4));
        }
        vst1q_f32(y + r, s0);
        vst1q_f32(y + r + 4, s1);
    }
#undef ATTN__COLUMN
    if (r < rows) { /* 1 to 7 rows left: one or two groups, their lanes past the rows on the
                       last row again (read, never stored), so the gathers need no predicate */
        const int left = rows - r;
        const size_t o1 = left > 4 ? 4 : 0; /* where the second group goes (if any) */
        const mve_pred16_t p0 = vctp32q((uint32_t)left);
        const mve_pred16_t p1 = vctp32q(left > 4 ? (uint32_t)left - 4 : 0);
        a0 = attn__rows4c_f32(w + (size_t)r * ws, ws, left);
        a1 = left > 4 ? attn__rows4c_f32(w + (size_t)(r + 4) * ws, ws, left - 4) : a0;
        s0 = s1 = vdupq_n_f32(0.0f);
        e = x;
        if (left > 4) {
#define ATTN__COLUMN(j)                                                                \
    u = *e++;                                                                          \
    g = ATTN__GATHER(a0, j);                                                           \
    s0 = vfmaq_n_f32(s0, g, u);                                                        \
    g = ATTN__GATHER(a1, j);                                                           \
    s1 = vfmaq_n_f32(s1, g, u)
            for (c = 0; n - c >= 4; c += 4) {
                ATTN__COLUMN(0);
                ATTN__COLUMN(1);
                ATTN__COLUMN(2);
                ATTN__COLUMN(3);
                ATTN__NEXT(a0, 4);
                ATTN__NEXT(a1, 4);
            }
            for (; c < n; c++) {
                ATTN__COLUMN(0);
                ATTN__NEXT(a0, 1);
                ATTN__NEXT(a1, 1);
            }
#undef ATTN__COLUMN
        } else {
#define ATTN__COLUMN(j)                                                                \
    u = *e++;                                                                          \
    g = ATTN__GATHER(a0, j);                                                           \
    s0 = vfmaq_n_f32(s0, g, u)
            for (c = 0; n - c >= 4; c += 4) {
                ATTN__COLUMN(0);
                ATTN__COLUMN(1);
                ATTN__COLUMN(2);
                ATTN__COLUMN(3);
                ATTN__NEXT(a0, 4);
            }
            for (; c < n; c++) {
                ATTN__COLUMN(0);
                ATTN__NEXT(a0, 1);
            }
#undef ATTN__COLUMN
        }
        if (b) {
            s0 = vaddq_f32(s0, vldrwq_z_f32(b + r, p0));
            s1 = vaddq_f32(s1, vldrwq_z_f32(b + r + o1, p1));
        }
        vstrwq_p_f32(y + r, s0, p0);
        if (left > 4) vstrwq_p_f32(y + r + o1, s1, p1);
    }
#else
#if !ATTN__SOFT_FLOAT
    /* 4 rows per pass: each x[c] loaded once for the four (not on soft-float
       cores, where it would save nothing beside the library calls) */
    for (; rows - r >= 4; r += 4) {
        const float *w0 = w + (size_t)r * ws, *w1 = w0 + ws, *w2 = w1 + ws, *w3 = w2 + ws;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (c = 0; c < n; c++) {
            float xc = x[c];
            s0 = ATTN__MADD(s0, w0[c], xc);
            s1 = ATTN__MADD(s1, w1[c], xc);
            s2 = ATTN__MADD(s2, w2[c], xc);
            s3 = ATTN__MADD(s3, w3[c], xc);
        }
        y[r] = b ? s0 + b[r] : s0;
        y[r + 1] = b ? s1 + b[r + 1] : s1;
        y[r + 2] = b ? s2 + b[r + 2] : s2;
        y[r + 3] = b ? s3 + b[r + 3] : s3;
    }
#endif
    for (; r < rows; r++) {
        const float *w0 = w + (size_t)r * ws;
        float s0 = 0.0f;
        for (c = 0; c < n; c++) s0 = ATTN__MADD(s0, w0[c], x[c]);
        y[r] = b ? s0 + b[r] : s0;
    }
#endif
}

ATTN__NOINLINE void attn__gemv_f32(float *y, const float *x, const float *w, size_t ws,
                                   const float *b, int n, int rows)
{
    attn__gemv_body_f32(y, x, w, ws, b, n, rows);
}

#if ATTN__MVE_F32
/* Helium, two rows at once: y0 = W x0, y1 = W x1 (+ b), 8 outputs per pass:
   a gathered column of 4 outputs serves both rows, each x[c] 8 outputs. */
static void attn__gemv2_f32(float *y0, float *y1, const float *x0, const float *x1,
                            const float *w, size_t ws, const float *b, int n, int k)
{
    /* a0, a1: the 8 rows' addresses; after a pass they point n floats on,
       `next` takes them to the next 8 rows */
    uint32x4_t a0 = vsubq_n_u32(attn__rows4_f32(w, ws), ATTN__GATHER_START);
    uint32x4_t a1 = vaddq_n_u32(a0, (uint32_t)(4 * ws * sizeof(float)));
    uint32_t next = (uint32_t)((8 * ws - (size_t)n) * sizeof(float));
    int o, c;
    for (o = 0; k - o >= 8; o += 8) {
        float32x4_t s00 = vdupq_n_f32(0.0f), s01 = s00, s10 = s00, s11 = s00, g0, g1;
        const float *e0 = x0, *e1 = x1;
        float u0, u1;
        /* the next column of the 8 outputs, for both rows */
#define ATTN__COLUMN2(j)                                                               \
    u0 = *e0++;                                                                        \
    u1 = *e1++;                                                                        \
    g0 = ATTN__GATHER(a0, j);                                                          \
    s00 = vfmaq_n_f32(s00, g0, u0);                                                    \
    s10 = vfmaq_n_f32(s10, g0, u1);                                                    \
    g1 = ATTN__GATHER(a1, j);                                                          \
    s01 = vfmaq_n_f32(s01, g1, u0);                                                    \
    s11 = vfmaq_n_f32(s11, g1, u1)
        for (c = 0; n - c >= 4; c += 4) {
            ATTN__COLUMN2(0);
            ATTN__COLUMN2(1);
            ATTN__COLUMN2(2);
            ATTN__COLUMN2(3);
            ATTN__NEXT(a0, 4);
            ATTN__NEXT(a1, 4);
        }
        for (; c < n; c++) {
            ATTN__COLUMN2(0);
            ATTN__NEXT(a0, 1);
            ATTN__NEXT(a1, 1);
        }
        a0 = vaddq_n_u32(a0, next);
        a1 = vaddq_n_u32(a1, next);
#undef ATTN__COLUMN2
        if (b) {
            float32x4_t b0 = vld1q_f32(b + o), b1 = vld1q_f32(b + o + 4);
            s00 = vaddq_f32(s00, b0);
            s01 = vaddq_f32(s01, b1);
            s10 = vaddq_f32(s10, b0);
            s11 = vaddq_f32(s11, b1);
        }
        vst1q_f32(y0 + o, s00);
        vst1q_f32(y0 + o + 4, s01);
        vst1q_f32(y1 + o, s10);
        vst1q_f32(y1 + o + 4, s11);
    }
    if (o < k) {
        attn__gemv_f32(y0 + o, x0, w + (size_t)o * ws, ws, b ? b + o : NULL, n, k - o);
        attn__gemv_f32(y1 + o, x1, w + (size_t)o * ws, ws, b ? b + o : NULL, n, k - o);
    }
}
#endif

#if !ATTN__MVE_F32 && !ATTN__SOFT_FLOAT
/* C, four rows at once: y0..y3 = W x0..x3 (+ b), rows ys and xs floats
   apart, 4 outputs per pass: each w load serves the 4 rows, each x load the
   4 outputs. (Not on soft-float cores, whose multiply-adds are library
   calls: there the block would only cost flash.) */
ATTN__NOINLINE void attn__gemv4_f32(float *y, size_t ys, const float *x, size_t xs,
                                    const float *w, size_t ws, const float *b, int n, int k)
{
    const float *x0 = x, *x1 = x0 + xs, *x2 = x1 + xs, *x3 = x2 + xs;
    int o, c;
    for (o = 0; k - o >= 4; o += 4) {
        const float *w0 = w + (size_t)o * ws, *w1 = w0 + ws, *w2 = w1 + ws, *w3 = w2 + ws;
        float *y0 = y + o, *y1 = y0 + ys, *y2 = y1 + ys, *y3 = y2 + ys;
        float s00 = 0.0f, s01 = 0.0f, s02 = 0.0f, s03 = 0.0f;
        float s10 = 0.0f, s11 = 0.0f, s12 = 0.0f, s13 = 0.0f;
        float s20 = 0.0f, s21 = 0.0f, s22 = 0.0f, s23 = 0.0f;
        float s30 = 0.0f, s31 = 0.0f, s32 = 0.0f, s33 = 0.0f;
        for (c = 0; c < n; c++) {
            float e0 = x0[c], e1 = x1[c], e2 = x2[c], e3 = x3[c], t;
            t = w0[c];
            s00 = ATTN__MADD(s00, t, e0); s10 = ATTN__MADD(s10, t, e1);
            s20 = ATTN__MADD(s20, t, e2); s30 = ATTN__MADD(s30, t, e3);
            t = w1[c];
            s01 = ATTN__MADD(s01, t, e0); s11 = ATTN__MADD(s11, t, e1);
            s21 = ATTN__MADD(s21, t, e2); s31 = ATTN__MADD(s31, t, e3);
            t = w2[c];
            s02 = ATTN__MADD(s02, t, e0); s12 = ATTN__MADD(s12, t, e1);
            s22 = ATTN__MADD(s22, t, e2); s32 = ATTN__MADD(s32, t, e3);
            t = w3[c];
            s03 = ATTN__MADD(s03, t, e0); s13 = ATTN__MADD(s13, t, e1);
            s23 = ATTN__MADD(s23, t, e2); s33 = ATTN__MADD(s33, t, e3);
        }
        if (b) {
            float b0 = b[o], b1 = b[o + 1], b2 = b[o + 2], b3 = b[o + 3];
            s00 += b0; s01 += b1; s02 += b2; s03 += b3;
            s10 += b0; s11 += b1; s12 += b2; s13 += b3;
            s20 += b0; s21 += b1; s22 += b2; s23 += b3;
            s30 += b0; s31 += b1; s32 += b2; s33 += b3;
        }
        y0[0] = s00; y0[1] = s01; y0[2] = s02; y0[3] = s03;
        y1[0] = s10; y1[1] = s11; y1[2] = s12; y1[3] = s13;
        y2[0] = s20; y2[1] = s21; y2[2] = s22; y2[3] = s23;
        y3[0] = s30; y3[1] = s31; y3[2] = s32; y3[3] = s33;
    }
    for (; o < k; o++) { /* the last k % 4 outputs, one at a time for the 4 rows */
        const float *w0 = w + (size_t)o * ws;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (c = 0; c < n; c++) {
            float t = w0[c];
            s0 = ATTN__MADD(s0, t, x0[c]);
            s1 = ATTN__MADD(s1, t, x1[c]);
            s2 = ATTN__MADD(s2, t, x2[c]);
            s3 = ATTN__MADD(s3, t, x3[c]);
        }
        if (b) {
            s0 += b[o];
            s1 += b[o];
            s2 += b[o];
            s3 += b[o];
        }
        y[o] = s0;
        y[ys + (size_t)o] = s1;
        y[2 * ys + (size_t)o] = s2;
        y[3 * ys + (size_t)o] = s3;
    }
}
#endif

/* y_i = W x_i (+ b) for the m rows x_i = x + i*xs, y_i = y + i*ys (W: k rows
   of n floats, ws apart): blocks of rows that share every load of w between
   them (and of x between outputs), the rest a row at a time. */
static void attn__gemm_f32(float *y, size_t ys, const float *x, size_t xs, int m,
                           const float *w, size_t ws, const float *b, int n, int k)
{
    int i = 0;
#if ATTN__MVE_F32
    for (; m - i >= 2; i += 2)
        attn__gemv2_f32(y + (size_t)i * ys, y + (size_t)(i + 1) * ys, x + (size_t)i * xs,
                        x + (size_t)(i + 1) * xs, w, ws, b, n, k);
#elif !ATTN__SOFT_FLOAT
    for (; m - i >= 4; i += 4)
        attn__gemv4_f32(y + (size_t)i * ys, ys, x + (size_t)i * xs, xs, w, ws, b, n, k);
#endif
    for (; i < m; i++)
        attn__gemv_f32(y + (size_t)i * ys, x + (size_t)i * xs, w, ws, b, n, k);
}

/* y[o] = b[o] + w[o] . x  for one row; y must not overlap x. */
static void attn__matvec_f32(float *y, const float *x, const float *w, const float *b,
                             int in, int out)
{
    attn__gemv_f32(y, x, w, (size_t)in, b, in, out);
}

/* ctx[c] += sum over j < n of p[j] * v_j[c] for c < d, where v_j = v + j*vs
   (attention's probabilities times the values), j in order; zero: the sums
   start from 0, not from ctx (the same sums, ctx not read). */
#if ATTN__MVE_F32 /* inlined into attn__attend_row_f32: a Helium call costs several keys */
ATTN__INLINE
#else
static
#endif
void attn__pv_zf32(float *ctx, const float *p, const float *v, size_t vs, int n, int d, int zero)
{
    int c = 0, j;
#if ATTN__MVE_F32
    /* 16 columns per pass (four vectors), the last columns 4 at a time,
       predicated */
    for (; d - c >= 16; c += 16) {
        float32x4_t s0 = zero ? vdupq_n_f32(0.0f) : vld1q_f32(ctx + c);
        float32x4_t s1 = zero ? s0 : vld1q_f32(ctx + c + 4);
        float32x4_t s2 = zero ? s0 : vld1q_f32(ctx + c + 8);
        float32x4_t s3 = zero ? s0 : vld1q_f32(ctx + c + 12);
        for (j = 0; j < n; j++) {
            const float *vj = v + (size_t)j * vs + c;
            float pj = p[j];
            s0 = vfmaq_n_f32(s0, vld1q_f32(vj), pj);
            s1 = vfmaq_n_f32(s1, vld1q_f32(vj + 4), pj);
            s2 = vfmaq_n_f32(s2, vld1q_f32(vj + 8), pj);
            s3 = vfmaq_n_f32(s3, vld1q_f32(vj + 12), pj);
        }
        vst1q_f32(ctx + c, s0);
        vst1q_f32(ctx + c + 4, s1);
        vst1q_f32(ctx + c + 8, s2);
        vst1q_f32(ctx + c + 12, s3);
    }
    for (; c < d; c += 4) {
        mve_pred16_t pr = vctp32q((uint32_t)(d - c));
        float32x4_t s0 = zero ? vdupq_n_f32(0.0f) : vldrwq_z_f32(ctx + c, pr);
        for (j = 0; j < n; j++)
            s0 = vfmaq_m_n_f32(s0, vldrwq_z_f32(v + (size_t)j * vs + c, pr), p[j], pr);
        vstrwq_p_f32(ctx + c, s0, pr);
    }
#else
#if !ATTN__SOFT_FLOAT
    for (; d - c >= 4; c += 4) { /* 4 columns per pass of the keys */
        float s0 = zero ? 0.0f : ctx[c], s1 = zero ? 0.0f : ctx[c + 1];
        float s2 = zero ? 0.0f : ctx[c + 2], s3 = zero ? 0.0f : ctx[c + 3];
        for (j = 0; j < n; j++) {
            const float *vj = v + (size_t)j * vs + c;
            float pj = p[j];
            s0 = ATTN__MADD(s0, pj, vj[0]);
            s1 = ATTN__MADD(s1, pj, vj[1]);
            s2 = ATTN__MADD(s2, pj, vj[2]);
            s3 = ATTN__MADD(s3, pj, vj[3]);
        }
        ctx[c] = s0;
        ctx[c + 1] = s1;
        ctx[c + 2] = s2;
        ctx[c + 3] = s3;
    }
#endif
    for (; c < d; c++) {
        float s0 = zero ? 0.0f : ctx[c];
        for (j = 0; j < n; j++) s0 = ATTN__MADD(s0, p[j], v[(size_t)j * vs + (size_t)c]);
        ctx[c] = s0;
    }
#endif
}

static void attn__pv_f32(float *ctx, const float *p, const float *v, size_t vs, int n, int d)
{
    attn__pv_zf32(ctx, p, v, vs, n, d, 0);
}

#if ATTN__MVE_F32
/* (v0 + v1) + (v2 + v3) */
static float attn__hsum_f32(float32x4_t v)
{
    float32x4_t t = vcaddq_rot270_f32(v, v); /* [v0+v1, v1-v0, v2+v3, v3-v2] */
    return vgetq_lane_f32(t, 0) + vgetq_lane_f32(t, 2);
}
#endif

/* y = (x - mean) / sqrt(var + eps) * gamma + beta over one row of n, two
   passes around a shift: with c = x[0] and d_i = x_i - c (exact whenever
   x_i is within a factor 2 of c: a large common offset cancels without
   rounding), m = sum d_i / n, t_i = d_i - m = x_i - mean, var = sum t_i^2 /
   n. So mean and variance keep their accuracy when the row sits far from
   zero (1000 + N(0, 1) at d 64: 1e-6 against float64; one pass over x
   loses ~4e-4 there, PyTorch's float32 4.5e-5), and a constant row gives
   t = 0 exactly. The sums run in 4 lanes on Helium (the last n % 4
   predicated), in order in C. */
static void attn__layernorm_row_f32(float *y, const float *x, const float *gamma,
                                    const float *beta, float eps, int n)
{
    const float c = x[0];
    float m = 0.0f, var = 0.0f, rstd;
    int i;
#if ATTN__MVE_F32
    mve_pred16_t p = vctp32q((uint32_t)(n & 3));
    const float32x4_t vc = vdupq_n_f32(c);
    float32x4_t s = vdupq_n_f32(0.0f), q = s, vm, vr, t;
    for (i = 0; n - i >= 4; i += 4) s = vaddq_f32(s, vsubq_f32(vld1q_f32(x + i), vc));
    if (i < n) s = vaddq_m_f32(s, s, vsubq_f32(vldrwq_z_f32(x + i, p), vc), p); /* lanes past n: + 0 */
    m = attn__hsum_f32(s) / (float)n;
    vm = vdupq_n_f32(m);
    for (i = 0; n - i >= 4; i += 4) {
        t = vsubq_f32(vsubq_f32(vld1q_f32(x + i), vc), vm);
        q = vfmaq_f32(q, t, t);
    }
    if (i < n) {
        t = vsubq_f32(vsubq_f32(vldrwq_z_f32(x + i, p), vc), vm);
        q = vfmaq_m_f32(q, t, t, p);
    }
    var = attn__hsum_f32(q) / (float)n;
    rstd = 1.0f / ATTN_SQRTF(var + eps);
    vr = vdupq_n_f32(rstd);
    for (i = 0; n - i >= 4; i += 4) {
        t = vmulq_f32(vsubq_f32(vsubq_f32(vld1q_f32(x + i), vc), vm), vr);
        if (gamma) t = vmulq_f32(t, vld1q_f32(gamma + i));
        if (beta) t = vaddq_f32(t, vld1q_f32(beta + i));
        vst1q_f32(y + i, t);
    }
    if (i < n) {
        t = vmulq_f32(vsubq_f32(vsubq_f32(vldrwq_z_f32(x + i, p), vc), vm), vr);
        if (gamma) t = vmulq_f32(t, vldrwq_z_f32(gamma + i, p));
        if (beta) t = vaddq_f32(t, vldrwq_z_f32(beta + i, p));
        vstrwq_p_f32(y + i, t, p);
    }
#else
    for (i = 0; i < n; i++) m += x[i] - c;
    m /= (float)n;
    for (i = 0; i < n; i++) {
        float t = (x[i] - c) - m;
        var = ATTN__MADD(var, t, t);
    }
    var /= (float)n;
    rstd = 1.0f / ATTN_SQRTF(var + eps);
    for (i = 0; i < n; i++) {
        float t = ((x[i] - c) - m) * rstd;
        if (gamma) t *= gamma[i];
        if (beta) t += beta[i];
        y[i] = t;
    }
#endif
}

static float attn__gelu1_f32(float x)
{
    return x * 0.5f * (1.0f + ATTN_ERFF(x * 0.70710678118654752f));
}

static float attn__gelu_tanh1_f32(float x)
{
    const float beta = 0.79788456080286536f; /* sqrt(2/pi) */
    const float kappa = 0.044715f;
    float inner = beta * (x + kappa * x * x * x);
    return 0.5f * x * (1.0f + ATTN_TANHF(inner));
}

static void attn__activate_f32(float *y, const float *x, int n, attn_activation act)
{
    int i;
    switch (act) {
    case ATTN_ACT_RELU:
        for (i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i]; /* NaN stays NaN */
        break;
    case ATTN_ACT_GELU:
        for (i = 0; i < n; i++) y[i] = attn__gelu1_f32(x[i]);
        break;
    case ATTN_ACT_GELU_TANH:
        for (i = 0; i < n; i++) y[i] = attn__gelu_tanh1_f32(x[i]);
        break;
    }
}

/* y[c] = x[c] * f for c < n (y may be x). */
ATTN__NOINLINE void attn__scale2_f32(float *y, const float *x, float f, int n)
{
    int c = 0;
#if ATTN__MVE_F32
    for (; n - c >= 4; c += 4) vst1q_f32(y + c, vmulq_n_f32(vld1q_f32(x + c), f));
#endif
    for (; c < n; c++) y[c] = x[c] * f;
}

/* x[c] *= f for c < n. */
static void attn__scale_f32(float *x, float f, int n)
{
    int c = 0;
#if ATTN__MVE_F32
    for (; n - c >= 4; c += 4) vst1q_f32(x + c, vmulq_n_f32(vld1q_f32(x + c), f));
#endif
    for (; c < n; c++) x[c] *= f;
}

/* The largest of x[0..n-1], n >= 1 (a NaN does not win over a number;
   softmax then turns it into NaN outputs either way). */
static float attn__max_f32(const float *x, int n)
{
    float mx = x[0];
    int j = 1;
#if ATTN__MVE_F32
    if (n >= 4) { /* the last 4 first, then 4 at a time up to them (a maximum may see an
                     element twice: no scalar tail) */
        float32x4_t m = vld1q_f32(x + n - 4);
        for (j = 0; n - j > 4; j += 4) m = vmaxnmq_f32(m, vld1q_f32(x + j));
        return vmaxnmvq_f32(mx, m);
    }
#endif
    for (; j < n; j++)
        if (x[j] > mx) mx = x[j];
    return mx;
}

/* Softmax of one row in place; a row of only -inf becomes zeros. */
static void attn__softmax_row_f32(float *y, const float *x, int n)
{
    float mx = attn__max_f32(x, n), sum = 0.0f;
    int i;
    if (mx == -INFINITY) {
        for (i = 0; i < n; i++) y[i] = 0.0f;
        return;
    }
    for (i = 0; i < n; i++) {
        y[i] = ATTN_EXPF(x[i] - mx);
        sum += y[i];
    }
    attn__scale_f32(y, 1.0f / sum, n);
}

/* One query row of one head. q [d_head] is already scaled by 1/sqrt(d_head);
   key j is row j of k/v (rows `stride` floats apart); keys j >= n_keys and
   padded keys are skipped. The context (softmax . V) overwrites ctx [d_head],
   which may be q itself. scores [n_keys] is scratch. Out of line: its
   frame and gemv's are the deepest of a layer, which stays shallow above. */
ATTN__INLINE void attn__attend_row_body_f32(float *ctx, const float *q, const float *k,
                                            const float *v, size_t stride,
                                            const uint8_t *key_padding, int n_keys, int d_head,
                                            float *scores)
{
    float mx = 0.0f, sum = 0.0f, inv;
    int j, e, c, seen = 0;
    /* every key's score (a padded key's is computed and never used); on
       Helium in this frame (a call and its saved vector registers cost
       several keys there) */
#if ATTN__MVE_F32
    attn__gemv_body_f32(scores, q, k, stride, NULL, d_head, n_keys);
#else
    attn__gemv_f32(scores, q, k, stride, NULL, d_head, n_keys);
#endif
    if (key_padding) {
        for (j = 0; j < n_keys; j++) {
            if (key_padding[j]) continue;
            if (!seen || scores[j] > mx) mx = scores[j];
            seen = 1;
        }
    } else {
        mx = attn__max_f32(scores, n_keys);
        seen = 1;
    }
    if (!seen) { /* every key masked: defined result is a zero context */
        for (c = 0; c < d_head; c++) ctx[c] = 0.0f;
        return;
    }
    for (j = 0; j < n_keys; j++) {
        if (key_padding && key_padding[j]) continue;
        scores[j] = ATTN_EXPF(scores[j] - mx);
        sum += scores[j];
    }
#if ATTN__MVE_F32
    if (d_head == 16 && !key_padding) { /* the four sums times 1 / sum before they are stored */
        float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
        for (j = 0; j < n_keys; j++) {
            const float *vj = v + (size_t)j * stride;
            const float pj = scores[j];
            s0 = vfmaq_n_f32(s0, vld1q_f32(vj), pj);
            s1 = vfmaq_n_f32(s1, vld1q_f32(vj + 4), pj);
            s2 = vfmaq_n_f32(s2, vld1q_f32(vj + 8), pj);
            s3 = vfmaq_n_f32(s3, vld1q_f32(vj + 12), pj);
        }
        inv = 1.0f / sum;
        vst1q_f32(ctx, vmulq_n_f32(s0, inv));
        vst1q_f32(ctx + 4, vmulq_n_f32(s1, inv));
        vst1q_f32(ctx + 8, vmulq_n_f32(s2, inv));
        vst1q_f32(ctx + 12, vmulq_n_f32(s3, inv));
        (void)e;
        return;
    }
#endif
    /* sum_j e_j v_j over the runs j..e-1 of visible keys (the first from
       zero: there is one, as a key is seen), then / sum */
    for (j = 0, c = 1; j < n_keys; j = e + 1) {
        e = key_padding ? j : n_keys;
        while (e < n_keys && !key_padding[e]) e++;
        if (e > j) {
            attn__pv_zf32(ctx, scores + j, v + (size_t)j * stride, stride, e - j, d_head, c);
            c = 0;
        }
    }
    inv = 1.0f / sum;
    attn__scale_f32(ctx, inv, d_head);
}

ATTN__NOINLINE void attn__attend_row_f32(float *ctx, const float *q, const float *k,
                                         const float *v, size_t stride,
                                         const uint8_t *key_padding, int n_keys, int d_head,
                                         float *scores)
{
#if ATTN__MVE_F32
    /* Helium: heads of 16 columns without padding, the same loops with the
       width a constant (the passes written out, no tails) */
    if (d_head == 16 && !key_padding) {
        attn__attend_row_body_f32(ctx, q, k, v, stride, NULL, n_keys, 16, scores);
        return;
    }
#endif
    attn__attend_row_body_f32(ctx, q, k, v, stride, key_padding, n_keys, d_head, scores);
}

#if ATTN__MVE_F32
/* attn__attend_heads_f32 on Helium for heads of 16 columns without key
   padding: the loops over the rows and heads, each head's query scaled
   into out (four vectors) and attn__attend_row_body_f32 in one frame, with
   no call per row and head (their frames and arguments cost about as much
   as three keys per row). The same operations, so the same results. */
ATTN__NOINLINE void attn__attend_rows16_f32(float *out, const float *q, int m, int i0,
                                            const float *k, const float *v, int seq_kv,
                                            int d_model, int n_heads, int causal, int window,
                                            float *scores)
{
    const float scale = 1.0f / ATTN_SQRTF(16.0f); /* attn__attend_heads_any_f32's */
    const size_t d = (size_t)d_model;
    int t, h;
    for (t = 0; t < m; t++, out += d, q += d) {
        int n_keys, lo = attn__key_range(i0 + t, seq_kv, causal, window, &n_keys);
        const size_t at = (size_t)lo * d;
        if (n_keys <= 0) { /* no key in sight: a zero context */
            for (h = 0; h < d_model; h++) out[h] = 0.0f;
            continue;
        }
        for (h = 0; h < n_heads; h++) {
            const size_t off = (size_t)h * 16u;
            float *o = out + off;
            const float *qh = q + off;
            vst1q_f32(o, vmulq_n_f32(vld1q_f32(qh), scale));
            vst1q_f32(o + 4, vmulq_n_f32(vld1q_f32(qh + 4), scale));
            vst1q_f32(o + 8, vmulq_n_f32(vld1q_f32(qh + 8), scale));
            vst1q_f32(o + 12, vmulq_n_f32(vld1q_f32(qh + 12), scale));
            attn__attend_row_body_f32(o, o, k + at + off, v + at + off, d, NULL, n_keys, 16,
                                      scores);
        }
    }
}
#endif

/* All heads of the query rows i0 .. i0+m-1: each row of q [d_model]
   (unscaled, rows d_model apart) times 1 / sqrt(d_head) into out (rows
   d_model apart), which then becomes the context (out may be q). window/causal (attn__key_range) select the keys each row
   sees. */
#if ATTN__MVE_F32
#define ATTN__HEADS_ANY_F32 attn__attend_heads_any_f32 /* (Helium: the test below first) */
#else
#define ATTN__HEADS_ANY_F32 attn__attend_heads_f32
#endif
static void ATTN__HEADS_ANY_F32(float *out, const float *q, int m, int i0, const float *k,
                                const float *v, const uint8_t *key_padding, int seq_kv,
                                int d_model, int n_heads, int causal, int window, float *scores)
{
    const int d_head = d_model / n_heads;
    const float scale = 1.0f / ATTN_SQRTF((float)d_head);
    const size_t d = (size_t)d_model;
    int t, h;
    for (t = 0; t < m; t++, out += d, q += d) {
        int n_keys, lo = attn__key_range(i0 + t, seq_kv, causal, window, &n_keys);
        const size_t at = (size_t)lo * d;
        if (n_keys <= 0) { /* no key in sight: a zero context */
            for (h = 0; h < d_model; h++) out[h] = 0.0f;
            continue;
        }
        attn__scale2_f32(out, q, scale, d_model);
        for (h = 0; h < n_heads; h++) {
            size_t off = (size_t)h * (size_t)d_head;
            attn__attend_row_f32(out + off, out + off, k + at + off, v + at + off, d,
                                 key_padding ? key_padding + lo : NULL, n_keys, d_head, scores);
        }
    }
}

#if ATTN__MVE_F32
/* The same, on Helium with heads of 16 columns and no padding through
   attn__attend_rows16_f32 (the test here, at the call: the general
   function's code stays as it is). */
ATTN__INLINE void attn__attend_heads_f32(float *out, const float *q, int m, int i0,
                                         const float *k, const float *v,
                                         const uint8_t *key_padding, int seq_kv, int d_model,
                                         int n_heads, int causal, int window, float *scores)
{
    if (!key_padding && d_model == 16 * n_heads) {
        attn__attend_rows16_f32(out, q, m, i0, k, v, seq_kv, d_model, n_heads, causal, window,
                                scores);
        return;
    }
    attn__attend_heads_any_f32(out, q, m, i0, k, v, key_padding, seq_kv, d_model, n_heads, causal,
                               window, scores);
}
#endif
#undef ATTN__HEADS_ANY_F32

/* ---- argument checks ---------------------------------------------------- */

static attn_status attn__check_eps(float eps)
{
    /* finite and > 0; NaN fails both comparisons */
    return eps > 0.0f && eps <= 3.40282347e38f ? ATTN_OK : ATTN_ERR_RANGE;
}

static attn_status attn__check_encoder_cfg(const attn_encoder_cfg *c)
{
    if (attn__dim_bad(c->d_model) || attn__dim_bad(c->n_heads) || attn__dim_bad(c->d_ff) ||
        c->d_model % c->n_heads != 0)
        return ATTN_ERR_SHAPE;
    if ((c->activation != ATTN_ACT_RELU && c->activation != ATTN_ACT_GELU &&
         c->activation != ATTN_ACT_GELU_TANH) || c->window < 0)
        return ATTN_ERR_RANGE;
    return attn__check_eps(c->eps);
}

static int attn__mha_weights_ok(const attn_mha_weights_f32 *w)
{
    return w->wq && w->wk && w->wv && w->wo;
}

static int attn__layer_weights_ok(const attn_encoder_layer_weights_f32 *w)
{
    return attn__mha_weights_ok(&w->attn) && w->ff1_w && w->ff2_w;
}

/* The stack's pointers (n_layers <= 0 is a shape error, reported later). */
static int attn__encoder_weights_ok(const attn_encoder_weights_f32 *w)
{
    int l;
    if (!w->layers) return 0;
    for (l = 0; l < w->n_layers; l++)
        if (!attn__layer_weights_ok(&w->layers[l])) return 0;
    return 1;
}

/* rows x cols floats: ATTN_ERR_SHAPE if a size is <= 0, ATTN_ERR_TOO_LARGE
   if their byte count does not fit size_t. */
static attn_status attn__check_matrix(int rows, int cols)
{
    if (attn__dim_bad(rows) || attn__dim_bad(cols)) return ATTN_ERR_SHAPE;
    if ((size_t)rows > SIZE_MAX / sizeof(float) / (size_t)cols) return ATTN_ERR_TOO_LARGE;
    return ATTN_OK;
}

static attn__size attn__sdpa_size(const attn_mha_cfg *c)
{
    attn__size s = {0, 0};
    attn__size_add(&s, (size_t)c->seq_kv, 1, sizeof(float));                  /* scores */
    /* the inputs and output must be addressable too */
    {
        attn__size t = {0, 0};
        attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_model, sizeof(float));
        attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_model, 2 * sizeof(float));
        s.overflow |= t.overflow;
    }
    return s;
}

static attn__size attn__mha_size(const attn_mha_cfg *c)
{
    attn__size s = attn__sdpa_size(c);
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, sizeof(float)); /* K */
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, sizeof(float)); /* V */
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float));                 /* q/ctx */
    return s;
}

static attn__size attn__encoder_size(const attn_encoder_cfg *c, int seq)
{
    attn__size s = {0, 0};
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, sizeof(float)); /* K           */
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, sizeof(float)); /* V           */
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float));           /* normed row  */
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float));           /* q / context */
    attn__size_add(&s, (size_t)seq, 1, sizeof(float));                  /* scores      */
    attn__size_add(&s, (size_t)c->d_ff, 1, sizeof(float));              /* FF hidden   */
    return s;
}

static attn_status attn__model_cfg_check(const attn_model_cfg *c, int seq, int n_layers)
{
    attn_status st = attn__check_encoder_cfg(&c->encoder);
    if (st == ATTN_ERR_SHAPE) return st;
    if (attn__model_shape_check(c, seq, n_layers) != ATTN_OK) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__model_enums_check(c);
}

static attn__size attn__model_size(const attn_model_cfg *c, int seq)
{
    return attn__model_front_size(c, seq, sizeof(float),
                                  attn__encoder_size(&c->encoder, attn__model_rows(c, seq)));
}

/* ---- leaf operations ---------------------------------------------------- */

ATTN_DEF attn_status attn_linear_f32(float *y, const float *x, const float *w,
                                     const float *b, int rows, int in, int out)
{
    attn_status st;
    if (!y || !x || !w) return ATTN_ERR_NULL;
    if (attn__dim_bad(rows) || attn__dim_bad(in) || attn__dim_bad(out)) return ATTN_ERR_SHAPE;
    if ((st = attn__check_matrix(rows, in)) != ATTN_OK ||
        (st = attn__check_matrix(rows, out)) != ATTN_OK ||
        (st = attn__check_matrix(out, in)) != ATTN_OK)
        return st;
    attn__gemm_f32(y, (size_t)out, x, (size_t)in, rows, w, (size_t)in, b, in, out);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_softmax_f32(float *y, const float *x, int rows, int cols)
{
    attn_status st;
    int r;
    if (!y || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(rows, cols)) != ATTN_OK) return st;
    for (r = 0; r < rows; r++) {
        size_t off = (size_t)r * (size_t)cols;
        attn__softmax_row_f32(y + off, x + off, cols);
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_layernorm_f32(float *y, const float *x, const float *gamma,
                                        const float *beta, float eps, int rows, int cols)
{
    attn_status st;
    int r;
    if (!y || !x) return ATTN_ERR_NULL;
    if (attn__dim_bad(rows) || attn__dim_bad(cols)) return ATTN_ERR_SHAPE;
    if (attn__check_eps(eps) != ATTN_OK) return ATTN_ERR_RANGE;
    if ((st = attn__check_matrix(rows, cols)) != ATTN_OK) return st;
    for (r = 0; r < rows; r++) {
        size_t off = (size_t)r * (size_t)cols;
        attn__layernorm_row_f32(y + off, x + off, gamma, beta, eps, cols);
    }
    return ATTN_OK;
}

static attn_status attn__activation_f32(float *y, const float *x, int n, attn_activation act)
{
    attn_status st;
    if (!y || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(1, n)) != ATTN_OK) return st;
    attn__activate_f32(y, x, n, act);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_relu_f32(float *y, const float *x, int n)
{
    return attn__activation_f32(y, x, n, ATTN_ACT_RELU);
}

ATTN_DEF attn_status attn_gelu_f32(float *y, const float *x, int n)
{
    return attn__activation_f32(y, x, n, ATTN_ACT_GELU);
}

ATTN_DEF attn_status attn_gelu_tanh_f32(float *y, const float *x, int n)
{
    return attn__activation_f32(y, x, n, ATTN_ACT_GELU_TANH);
}

ATTN_DEF attn_status attn_pos_sinusoidal_f32(float *x, int seq, int d_model)
{
    attn_status st;
    int p, i;
    if (!x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(seq, d_model)) != ATTN_OK) return st;
    for (i = 0; i < d_model; i += 2) {
        double freq = ATTN_EXP(-(double)i * (9.210340371976184 / (double)d_model)); /* ln 1e4 */
        for (p = 0; p < seq; p++) {
            float *row = x + (size_t)p * (size_t)d_model;
            double angle = (double)p * freq;
            row[i] += (float)ATTN_SIN(angle);
            if (i + 1 < d_model) row[i + 1] += (float)ATTN_COS(angle);
        }
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_pos_learned_f32(float *x, const float *table, int seq, int d_model)
{
    attn_status st;
    size_t i, n;
    if (!x || !table) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(seq, d_model)) != ATTN_OK) return st;
    n = (size_t)seq * (size_t)d_model;
    for (i = 0; i < n; i++) x[i] += table[i];
    return ATTN_OK;
}

ATTN_DEF attn_status attn_pool_f32(float *out, const float *x, const uint8_t *key_padding,
                                   attn_pooling pooling, int seq, int d_model)
{
    attn_status st;
    int p, c, count = 0;
    if (!out || !x) return ATTN_ERR_NULL;
    if (attn__dim_bad(seq) || attn__dim_bad(d_model)) return ATTN_ERR_SHAPE;
    if (pooling != ATTN_POOL_MEAN && pooling != ATTN_POOL_FIRST) return ATTN_ERR_RANGE;
    if ((st = attn__check_matrix(seq, d_model)) != ATTN_OK) return st;
    if (pooling == ATTN_POOL_FIRST) {
        memmove(out, x, (size_t)d_model * sizeof(float));
        return ATTN_OK;
    }
    for (c = 0; c < d_model; c++) out[c] = 0.0f;
    for (p = 0; p < seq; p++) {
        const float *row = x + (size_t)p * (size_t)d_model;
        if (key_padding && key_padding[p]) continue;
        for (c = 0; c < d_model; c++) out[c] += row[c];
        count++;
    }
    if (count > 0)
        for (c = 0; c < d_model; c++) out[c] /= (float)count;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_pool_attention_f32(float *out, const float *x,
                                             const uint8_t *key_padding, const float *w, int seq,
                                             int d_model, attn_arena *arena)
{
    attn__size need = {0, 0};
    attn_status st;
    size_t mark;
    if (!out || !x || !w || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(seq, d_model)) != ATTN_OK) return st;
    attn__size_add(&need, (size_t)seq, 1, sizeof(float));
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    mark = arena->used;
    attn__attend_row_f32(out, w, x, x, (size_t)d_model, key_padding, seq, d_model,
                         (float *)attn__take(arena, (size_t)seq * sizeof(float)));
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_argmax_f32(int *index, const float *x, int n)
{
    attn_status st;
    int i, best = 0;
    if (!index || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(1, n)) != ATTN_OK) return st;
    for (i = 1; i < n; i++)
        if (x[i] > x[best] || (x[best] != x[best] && x[i] == x[i])) best = i;
    *index = best;
    return ATTN_OK;
}

/* ---- attention ---------------------------------------------------------- */

ATTN_DEF attn_status attn_sdpa_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__sdpa_size(cfg), bytes);
}

ATTN_DEF attn_status attn_sdpa_f32(float *out, const float *q, const float *k, const float *v,
                                   const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                   attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark;
    float *scores;
    if (!out || !q || !k || !v || !cfg || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    need = attn__sdpa_size(cfg);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    scores = (float *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(float));
    /* each row read (scaled into out) before it is written */
    attn__attend_heads_f32(out, q, cfg->seq_q, 0, k, v, key_padding, cfg->seq_kv, cfg->d_model,
                           cfg->n_heads, cfg->causal, cfg->window, scores);
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_mha_scratch_f32(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__mha_size(cfg), bytes);
}

ATTN_DEF attn_status attn_mha_f32(float *out, const float *xq, const float *xk, const float *xv,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_mha_weights_f32 *w, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, d;
    float *k, *v, *q, *scores;
    int i, dm;
    if (!out || !xq || !xk || !xv || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if (!attn__mha_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg(cfg)) != ATTN_OK) return st;
    need = attn__mha_size(cfg);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    dm = cfg->d_model;
    d = (size_t)dm;
    k = (float *)attn__take(arena, (size_t)cfg->seq_kv * d * sizeof(float));
    v = (float *)attn__take(arena, (size_t)cfg->seq_kv * d * sizeof(float));
    q = (float *)attn__take(arena, d * sizeof(float));
    scores = (float *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(float));

    /* keys and values for every source row, before any output is written */
    attn__gemm_f32(k, d, xk, d, cfg->seq_kv, w->wk, d, w->bk, dm, dm);
    attn__gemm_f32(v, d, xv, d, cfg->seq_kv, w->wv, d, w->bv, dm, dm);
    /* one query row at a time: project, attend per head, project out */
    for (i = 0; i < cfg->seq_q; i++) {
        attn__matvec_f32(q, xq + (size_t)i * d, w->wq, w->bq, dm, dm);
        attn__attend_heads_f32(q, q, 1, i, k, v, key_padding, cfg->seq_kv, dm, cfg->n_heads,
                               cfg->causal, cfg->window, scores);
        attn__matvec_f32(out + (size_t)i * d, q, w->wo, w->bo, dm, dm);
    }
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_mha_weights_packed_f32(attn_mha_weights_f32 *w, const float *in_proj_w,
                                                 const float *in_proj_b, const float *out_w,
                                                 const float *out_b, int d_model)
{
    attn_status st;
    size_t dd;
    if (!w || !in_proj_w || !out_w) return ATTN_ERR_NULL;
    if ((st = attn__check_matrix(d_model, d_model)) != ATTN_OK) return st;
    /* the packed array [3 d][d] floats must be a possible object (at most
       PTRDIFF_MAX bytes), or the pointers below would leave it */
    if ((size_t)d_model > (size_t)PTRDIFF_MAX / (3 * sizeof(float)) / (size_t)d_model)
        return ATTN_ERR_TOO_LARGE;
    dd = (size_t)d_model * (size_t)d_model;
    w->wq = in_proj_w;
    w->wk = in_proj_w + dd;
    w->wv = in_proj_w + 2 * dd;
    w->bq = in_proj_b;
    w->bk = in_proj_b ? in_proj_b + d_model : NULL;
    w->bv = in_proj_b ? in_proj_b + 2 * (size_t)d_model : NULL;
    w->wo = out_w;
    w->bo = out_b;
    return ATTN_OK;
}

/* ---- encoder ------------------------------------------------------------ */

ATTN_DEF attn_status attn_encoder_layer_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                                    size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__encoder_size(cfg, seq), bytes);
}

ATTN_DEF attn_status attn_encoder_scratch_f32(const attn_encoder_cfg *cfg, int seq,
                                              size_t *bytes)
{
    return attn_encoder_layer_scratch_f32(cfg, seq, bytes);
}

/* What the quantizer watches in a float layer: the range of each tensor the
   int8 layer keeps in int8 (normal runs pass NULL and watch nothing). */
typedef struct {
    float lo, hi;
    float bad; /* 0 while every value seen is finite (a float, like lo and hi) */
} attn__range;

/* The tap a block reports through: one range per tensor it makes. An
   attention block: its norm, Q, K, V, the context, the out projection
   and the block's output row; a feed-forward block: its norm, linear1's
   output, the activation, linear2's output and the block's output row. */
enum { ATTN__T_NORM, ATTN__T_Q, ATTN__T_K, ATTN__T_V, ATTN__T_CTX, ATTN__T_ATT, ATTN__T_OUT,
       ATTN__T_N };
enum { ATTN__T_PRE = 1, ATTN__T_HID = 2, ATTN__T_FF = 3 };
typedef struct {
    attn__range r[ATTN__T_N];
} attn__tap;

/* A layer's taps, one per block; a stack has one per layer and one more
   whose t[0].r[ATTN__T_OUT] watches the final norm. An encoder layer has
   no cross-attention: its CA tap watches row 0 after the attention block
   (r[ATTN__T_ROW0_SA]) and after the feed-forward block (r[ATTN__T_ROW0_FF]),
   for a CLS row's own encoding. */
enum { ATTN__B_SA, ATTN__B_CA, ATTN__B_FF, ATTN__B_N };
enum { ATTN__T_ROW0_SA = 0, ATTN__T_ROW0_FF = 1 };
typedef struct {
    attn__tap t[ATTN__B_N];
} attn__layer_obs;

static void attn__see1(attn__range *r, float v)
{
    if (v < r->lo) r->lo = v;
    if (v > r->hi) r->hi = v;
    if (!(v - v == 0.0f)) r->bad = 1.0f; /* NaN or +-Inf */
}

static void attn__see(attn__range *r, const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) attn__see1(r, x[i]);
}

/* Out of line (a normal run passes NULL and returns at once): the blocks'
   frames stay small for the attention below them. */
ATTN__NOINLINE void attn__tap_see(attn__tap *tap, int i, const float *x, size_t n)
{
    if (tap) attn__see(&tap->r[i], x, n);
}
#define ATTN__TAP(tap, i, x, n) attn__tap_see((tap), (i), (x), (size_t)(n))
#define ATTN__SEE(obs, field, x, n)                                                       \
    do {                                                                                  \
        if (obs) attn__see(&(obs)->field, (x), (size_t)(n));                              \
    } while (0)

/* x[c] += t[c]: a residual connection. */
static void attn__add_row_f32(float *x, const float *t, int n)
{
    int c = 0;
#if ATTN__MVE_F32
    for (; n - c >= 4; c += 4) vst1q_f32(x + c, vaddq_f32(vld1q_f32(x + c), vld1q_f32(t + c)));
#endif
    for (; c < n; c++) x[c] += t[c];
}

/* ---- the blocks every layer is made of ------------------------------------ */

/* An attention block's keys and values and its own weights. Keys k and
   values v are rows of stride d_model; query position i sees keys
   0..min(i, n_keys-1) when causal, else all n_keys. */
typedef struct {
    const attn_mha_weights_f32 *w;
    const float *g, *b;     /* its LayerNorm (before, pre-norm; after, post-norm) */
    const float *k, *v;
    const uint8_t *pad;     /* key padding [n_keys] or NULL */
    int n_keys, causal;
    int window;             /* 0 or w: keys i-w..i+w only */
} attn__att_f32;

/* Keys and values of n rows of x (stride d) into k, v (stride d): from
   LN(x) with g, b when norm (pre-norm self-attention), else from x itself
   (post-norm, or a memory for cross-attention), all rows in one call. */
static void attn__kv_rows_f32(float *k, float *v, const float *x, int n, const attn__att_f32 *A,
                              int norm, const attn_encoder_cfg *cfg, float *nrm, attn__tap *tap)
{
    const attn_mha_weights_f32 *a = A->w;
    int dm = cfg->d_model, i;
    size_t d = (size_t)dm;
    if (norm) {
        for (i = 0; i < n; i++) {
            attn__layernorm_row_f32(nrm, x + (size_t)i * d, A->g, A->b, cfg->eps, dm);
            ATTN__TAP(tap, ATTN__T_NORM, nrm, dm);
            attn__matvec_f32(k + (size_t)i * d, nrm, a->wk, a->bk, dm, dm);
            attn__matvec_f32(v + (size_t)i * d, nrm, a->wv, a->bv, dm, dm);
        }
    } else {
        attn__gemm_f32(k, d, x, d, n, a->wk, d, a->bk, dm, dm);
        attn__gemm_f32(v, d, x, d, n, a->wv, d, a->bv, dm, dm);
    }
    for (i = 0; tap && i < n; i++) {
        ATTN__TAP(tap, ATTN__T_K, k + (size_t)i * d, dm);
        ATTN__TAP(tap, ATTN__T_V, v + (size_t)i * d, dm);
    }
}

/* The attention block on one row, in place (post-norm: row = LN(row +
   MHA(row)); pre-norm: row = row + MHA(LN(row))), query position i. With
   kv_new (a step), the row's own key and value are made first, from the
   same input, into kv_new[0] / kv_new[1] (which A->k / A->v must hold at
   key i). nrm, q [d], scores [n_keys] scratch. */
static void attn__att_block_f32(float *row, int i, const attn__att_f32 *A, float *const *kv_new,
                                const attn_encoder_cfg *cfg, float *nrm, float *q, float *scores,
                                attn__tap *tap)
{
    const attn_mha_weights_f32 *a = A->w;
    int dm = cfg->d_model;
    const float *src = row;
    if (cfg->norm_first) {
        attn__layernorm_row_f32(nrm, row, A->g, A->b, cfg->eps, dm);
        ATTN__TAP(tap, ATTN__T_NORM, nrm, dm);
        src = nrm;
    }
    if (kv_new) {
        attn__matvec_f32(kv_new[0], src, a->wk, a->bk, dm, dm);
        attn__matvec_f32(kv_new[1], src, a->wv, a->bv, dm, dm);
        ATTN__TAP(tap, ATTN__T_K, kv_new[0], dm);
        ATTN__TAP(tap, ATTN__T_V, kv_new[1], dm);
    }
    attn__matvec_f32(q, src, a->wq, a->bq, dm, dm);
    ATTN__TAP(tap, ATTN__T_Q, q, dm);
    attn__attend_heads_f32(q, q, 1, i, A->k, A->v, A->pad, A->n_keys, dm, cfg->n_heads,
                           A->causal, A->window, scores);
    ATTN__TAP(tap, ATTN__T_CTX, q, dm);
    attn__matvec_f32(nrm, q, a->wo, a->bo, dm, dm); /* nrm is free again */
    ATTN__TAP(tap, ATTN__T_ATT, nrm, dm);
    attn__add_row_f32(row, nrm, dm); /* residual */
    if (!cfg->norm_first) attn__layernorm_row_f32(row, row, A->g, A->b, cfg->eps, dm);
    ATTN__TAP(tap, ATTN__T_OUT, row, dm);
}

/* A feed-forward block's weights and its LayerNorm. */
typedef struct {
    const float *w1, *b1, *w2, *b2, *g, *b;
} attn__ff_f32;

/* The feed-forward block on n rows in place (post-norm: row = LN(row +
   FF(row)); pre-norm: row = row + FF(LN(row))). nrm [n][d] and hid
   [n][d_ff] scratch. */
static void attn__ff_block_f32(float *rows, int n, const attn__ff_f32 *F,
                               const attn_encoder_cfg *cfg, float *nrm, float *hid, attn__tap *tap)
{
    int dm = cfg->d_model, j;
    size_t d = (size_t)dm, ff = (size_t)cfg->d_ff;
    const float *src = rows;
    if (cfg->norm_first) {
        for (j = 0; j < n; j++) {
            attn__layernorm_row_f32(nrm + (size_t)j * d, rows + (size_t)j * d, F->g, F->b,
                                    cfg->eps, dm);
            ATTN__TAP(tap, ATTN__T_NORM, nrm + (size_t)j * d, dm);
        }
        src = nrm;
    }
    attn__gemm_f32(hid, ff, src, d, n, F->w1, d, F->b1, dm, cfg->d_ff);
    for (j = 0; j < n; j++) {
        float *r = hid + (size_t)j * ff;
        ATTN__TAP(tap, ATTN__T_PRE, r, cfg->d_ff);
        attn__activate_f32(r, r, cfg->d_ff, cfg->activation);
        ATTN__TAP(tap, ATTN__T_HID, r, cfg->d_ff);
    }
    attn__gemm_f32(nrm, d, hid, ff, n, F->w2, ff, F->b2, cfg->d_ff, dm);
    for (j = 0; j < n; j++) {
        float *row = rows + (size_t)j * d;
        ATTN__TAP(tap, ATTN__T_FF, nrm + (size_t)j * d, dm);
        attn__add_row_f32(row, nrm + (size_t)j * d, dm); /* residual */
        if (!cfg->norm_first) attn__layernorm_row_f32(row, row, F->g, F->b, cfg->eps, dm);
        ATTN__TAP(tap, ATTN__T_OUT, row, dm);
    }
}

/* The feed-forward block over all seq rows, t rows at a time in the
   space of the finished attention's K and V (hid in k: t*d_ff <= seq*d;
   linear2's inputs and outputs in v); t = 1 uses nrm and hid. */
static void attn__ff_rows_f32(float *x, int seq, const attn__ff_f32 *F,
                              const attn_encoder_cfg *cfg, float *k, float *v, float *nrm,
                              float *hid, attn__tap *tap)
{
    size_t d = (size_t)cfg->d_model, ff = (size_t)cfg->d_ff;
    int i, n, t = (size_t)seq * d / ff >= (size_t)seq ? seq : (int)((size_t)seq * d / ff);
    if (t >= 2) {
        hid = k;
        nrm = v;
    } else {
        t = 1;
    }
    for (i = 0; i < seq; i += n) {
        n = seq - i < t ? seq - i : t;
        attn__ff_block_f32(x + (size_t)i * d, n, F, cfg, nrm, hid, tap);
    }
}

static attn__att_f32 attn__att_of_f32(const attn_mha_weights_f32 *w, const float *g,
                                      const float *b, const float *k, const float *v,
                                      const uint8_t *pad, int n_keys, int causal, int window)
{
    attn__att_f32 A;
    A.w = w;
    A.g = g;
    A.b = b;
    A.k = k;
    A.v = v;
    A.pad = pad;
    A.n_keys = n_keys;
    A.causal = causal;
    A.window = window;
    return A;
}

static attn__ff_f32 attn__ff_of_f32(const float *w1, const float *b1, const float *w2,
                                    const float *b2, const float *g, const float *b)
{
    attn__ff_f32 F;
    F.w1 = w1;
    F.b1 = b1;
    F.w2 = w2;
    F.b2 = b2;
    F.g = g;
    F.b = b;
    return F;
}

/* ---- encoder layer ---------------------------------------------------------- */

/* The layer; arguments checked and scratch available:
   x = x + SA(LN1(x)); x = x + FF(LN2(x))  (or post-norm). */
static void attn__encoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                    const attn_encoder_cfg *cfg,
                                    const attn_encoder_layer_weights_f32 *w, attn_arena *arena,
                                    attn__layer_obs *obs)
{
    size_t d = (size_t)cfg->d_model, mark = arena->used;
    float *k = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));   /* [seq][d] */
    float *v = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));   /* [seq][d] */
    float *nrm = (float *)attn__take(arena, d * sizeof(float));               /* [d]      */
    float *q = (float *)attn__take(arena, d * sizeof(float));                 /* [d]      */
    float *scores = (float *)attn__take(arena, (size_t)seq * sizeof(float));  /* [seq]    */
    float *hid = (float *)attn__take(arena, (size_t)cfg->d_ff * sizeof(float)); /* [d_ff] */
    attn__tap *sa = obs ? &obs->t[ATTN__B_SA] : NULL, *ft = obs ? &obs->t[ATTN__B_FF] : NULL;
    attn__att_f32 A = attn__att_of_f32(&w->attn, w->norm1_w, w->norm1_b, k, v, key_padding, seq,
                                       cfg->causal, cfg->window);
    attn__ff_f32 F = attn__ff_of_f32(w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, w->norm2_w,
                                     w->norm2_b);
    int i;
    /* keys and values of every token first, then each row in place */
    attn__kv_rows_f32(k, v, x, seq, &A, cfg->norm_first, cfg, nrm, sa);
    for (i = 0; i < seq; i++)
        attn__att_block_f32(x + (size_t)i * d, i, &A, NULL, cfg, nrm, q, scores, sa);
    if (obs) attn__see(&obs->t[ATTN__B_CA].r[ATTN__T_ROW0_SA], x, d);
    attn__ff_rows_f32(x, seq, &F, cfg, k, v, nrm, hid, ft);
    if (obs) attn__see(&obs->t[ATTN__B_CA].r[ATTN__T_ROW0_FF], x, d);
    arena->used = mark;
}

static attn_status attn__encoder_check(const float *x, int seq, int n_layers,
                                       const attn_encoder_cfg *cfg, const void *w,
                                       const attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!x || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq) || attn__dim_bad(n_layers)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    need = attn__encoder_size(cfg, seq);
    return attn__check_scratch(&need, arena);
}

ATTN_DEF attn_status attn_encoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                            const attn_encoder_cfg *cfg,
                                            const attn_encoder_layer_weights_f32 *w,
                                            attn_arena *arena)
{
    attn_status st;
    if (w && !attn__layer_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check(x, seq, 1, cfg, w, arena)) != ATTN_OK) return st;
    attn__encoder_layer_f32(x, seq, key_padding, cfg, w, arena, NULL);
    return ATTN_OK;
}

/* A final norm over n rows (tap: NULL, or the stack's last). */
static void attn__final_norm_f32(float *x, int n, const float *g, const float *b,
                                 const attn_encoder_cfg *cfg, attn__layer_obs *fo)
{
    int l;
    for (l = 0; l < n; l++) {
        float *row = x + (size_t)l * (size_t)cfg->d_model;
        attn__layernorm_row_f32(row, row, g, b, cfg->eps, cfg->d_model);
        if (fo) attn__see(&fo->t[0].r[ATTN__T_OUT], row, (size_t)cfg->d_model);
    }
}

/* The stack; arguments checked and scratch available. */
/* obs: NULL, or one observer per layer and one more for the final norm. */
static void attn__encoder_f32(float *x, int seq, const uint8_t *key_padding,
                              const attn_encoder_cfg *cfg, const attn_encoder_weights_f32 *w,
                              attn_arena *arena, attn__layer_obs *obs)
{
    int l;
    for (l = 0; l < w->n_layers; l++)
        attn__encoder_layer_f32(x, seq, key_padding, cfg, &w->layers[l], arena,
                                obs ? &obs[l] : NULL);
    if (w->final_norm)
        attn__final_norm_f32(x, seq, w->norm_w, w->norm_b, cfg, obs ? &obs[w->n_layers] : NULL);
}

ATTN_DEF attn_status attn_encoder_f32(float *x, int seq, const uint8_t *key_padding,
                                      const attn_encoder_cfg *cfg,
                                      const attn_encoder_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    /* every layer is checked before the first one runs: no half-done stack */
    if (w && !attn__encoder_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check(x, seq, w ? w->n_layers : 1, cfg, w, arena)) != ATTN_OK)
        return st;
    attn__encoder_f32(x, seq, key_padding, cfg, w, arena, NULL);
    return ATTN_OK;
}

/* ---- whole model -------------------------------------------------------- */

ATTN_DEF attn_status attn_model_scratch_f32(const attn_model_cfg *cfg, int seq, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__model_cfg_check(cfg, seq, 1)) != ATTN_OK) return st;
    return attn__size_result(attn__model_size(cfg, seq), bytes);
}

/* What the quantizer watches in a float model (see attn__layer_obs). */
typedef struct {
    attn__range e, x0, xn, logits; /* embedding (with the CLS row), +
                                      positions, their LayerNorm, classifier */
    attn__range pool;              /* attention pooling's scores          */
    attn__layer_obs *layers;       /* [n_layers + 1]: the stack's          */
} attn__model_obs;

/* A front end's tensors (attn_model_weights_f32's, or a seq2seq's
   source): token embeddings times scale (0 or 1: none). */
typedef struct {
    const float *embed_w, *embed_b, *cls, *tokens, *segments, *pos, *norm_w, *norm_b;
    float scale;
} attn__front_f32;

/* The front end (see attn_model_cfg): x [rows][d] from input (features or
   an image) or tokens/segments (ids), the CLS row, positions, LayerNorm. */
ATTN__NOINLINE void attn__front_run_f32(float *x, const float *input, const int *tokens,
                                        const int *segments, int seq, const attn_model_cfg *cfg,
                                        const attn__front_f32 *w, attn_arena *arena,
                                        attn__model_obs *obs)
{
    int dm = cfg->encoder.d_model, rows = attn__model_rows(cfg, seq), i;
    size_t d = (size_t)dm, n = (size_t)rows * d;
    float *y = x + (cfg->cls_token ? d : 0); /* the input's rows */
    if (cfg->cls_token) memcpy(x, w->cls, d * sizeof(float));
    if (tokens) {
        for (i = 0; i < seq; i++) {
            float *r = y + (size_t)i * d;
            memcpy(r, w->tokens + (size_t)tokens[i] * d, d * sizeof(float));
            if (w->scale != 0.0f && w->scale != 1.0f) {
                int c;
                for (c = 0; c < dm; c++) r[c] *= w->scale;
            }
            if (cfg->n_segments > 0)
                attn__add_row_f32(r, w->segments + (size_t)(segments ? segments[i] : 0) * d, dm);
        }
    } else if (cfg->patch > 0) { /* patch i: row i / gw, column i % gw of squares */
        size_t P = (size_t)cfg->patch, H = (size_t)cfg->image_h, W = (size_t)cfg->image_w;
        float *pr = (float *)attn__take(arena, (size_t)cfg->d_in * sizeof(float));
        int gw = cfg->image_w / cfg->patch;
        for (i = 0; i < seq; i++) {
            size_t py = (size_t)(i / gw) * P, px = (size_t)(i % gw) * P, ch, ky;
            float *o = pr;
            for (ch = 0; ch < (size_t)cfg->channels; ch++)
                for (ky = 0; ky < P; ky++, o += P)
                    memcpy(o, input + (ch * H + py + ky) * W + px, P * sizeof(float));
            attn__matvec_f32(y + (size_t)i * d, pr, w->embed_w, w->embed_b, cfg->d_in, dm);
        } /* pr stays taken until the model returns (its scratch says so) */
    } else if (cfg->d_in > 0) {
        attn_linear_f32(y, input, w->embed_w, w->embed_b, seq, cfg->d_in, dm);
    } else {
        memcpy(y, input, (size_t)seq * d * sizeof(float));
    }
    ATTN__SEE(obs, e, x, n);
    if (cfg->position == ATTN_POS_SINUSOIDAL) attn_pos_sinusoidal_f32(x, rows, dm);
    if (cfg->position == ATTN_POS_LEARNED) attn_pos_learned_f32(x, w->pos, rows, dm);
    ATTN__SEE(obs, x0, x, n);
    if (cfg->embed_norm) {
        for (i = 0; i < rows; i++)
            attn__layernorm_row_f32(x + (size_t)i * d, x + (size_t)i * d, w->norm_w, w->norm_b,
                                    cfg->encoder.eps, dm);
        ATTN__SEE(obs, xn, x, n);
    }
}

/* The model's front end (out of line, with its table of tensors: the
   frame is gone before the encoder runs). */
ATTN__NOINLINE void attn__model_front_f32(float *x, const float *input, const int *tokens,
                                  const int *segments, int seq, const attn_model_cfg *cfg,
                                  const attn_model_weights_f32 *w, attn_arena *arena,
                                  attn__model_obs *obs)
{
    attn__front_f32 f;
    f.embed_w = w->embed_w;
    f.embed_b = w->embed_b;
    f.cls = w->cls_token;
    f.tokens = w->token_embed;
    f.segments = w->segment_embed;
    f.pos = w->pos;
    f.norm_w = w->embed_norm_w;
    f.norm_b = w->embed_norm_b;
    f.scale = 1.0f;
    attn__front_run_f32(x, input, tokens, segments, seq, cfg, &f, arena, obs);
}

/* The model; arguments checked and scratch available. */
static void attn__model_f32(float *logits, const float *input, const int *tokens,
                            const int *segments, int seq, const uint8_t *key_padding,
                            const attn_model_cfg *cfg, const attn_model_weights_f32 *w,
                            attn_arena *arena, attn__model_obs *obs)
{
    int dm = cfg->encoder.d_model, rows = attn__model_rows(cfg, seq);
    size_t mark = arena->used, d = (size_t)dm, n = (size_t)rows * d;
    float *x = (float *)attn__take(arena, n * sizeof(float)), *pooled;
    const uint8_t *pad = key_padding;
    if (cfg->cls_token) { /* the padding of the encoder's rows: row 0 never */
        uint8_t *p = (uint8_t *)attn__take(arena, (size_t)rows);
        p[0] = 0;
        if (key_padding) memcpy(p + 1, key_padding, (size_t)seq);
        pad = key_padding ? p : NULL;
    }
    attn__model_front_f32(x, input, tokens, segments, seq, cfg, w, arena, obs);
    /* encoder stack */
    attn__encoder_f32(x, rows, pad, &cfg->encoder, &w->encoder, arena, obs ? obs->layers : NULL);
    /* pooling (its vectors reuse the encoder's released scratch) and head */
    pooled = (float *)attn__take(arena, d * sizeof(float));
    if (cfg->pooling == ATTN_POOL_ATTENTION) {
        float *sc = (float *)attn__take(arena, (size_t)rows * sizeof(float));
        attn__attend_row_f32(pooled, w->pool_w, x, x, d, pad, rows, dm, sc);
        ATTN__SEE(obs, pool, pooled, dm);
    } else {
        attn_pool_f32(pooled, x, pad, cfg->pooling, rows, dm);
    }
    attn__matvec_f32(logits, pooled, w->cls_w, w->cls_b, dm, cfg->n_classes);
    ATTN__SEE(obs, logits, logits, cfg->n_classes);
    arena->used = mark;
}

/* The weights a model's cfg needs (tokens: the token entry's). */
static int attn__model_weights_ok(const attn_model_cfg *c, const attn_model_weights_f32 *w,
                                  int tokens)
{
    if (!w->cls_w || (c->position == ATTN_POS_LEARNED && !w->pos) ||
        !attn__encoder_weights_ok(&w->encoder) || (c->cls_token && !w->cls_token) ||
        (c->pooling == ATTN_POOL_ATTENTION && !w->pool_w))
        return 0;
    if (tokens) return w->token_embed && (c->n_segments == 0 || w->segment_embed);
    return c->d_in == 0 || w->embed_w;
}

ATTN__NOINLINE attn_status attn__model_checks_f32(const float *logits, const float *input,
                                                  const int *tokens, const int *segments,
                                                  int seq, const attn_model_cfg *cfg,
                                                  const attn_model_weights_f32 *w,
                                                  const attn_arena *arena)
{
    attn__size need;
    attn_status st;
    if (!logits || !(input || tokens) || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if (!attn__model_weights_ok(cfg, w, tokens != NULL)) return ATTN_ERR_NULL;
    st = attn__model_cfg_check(cfg, seq, w->encoder.n_layers);
    if (st != ATTN_ERR_SHAPE && tokens && (attn__dim_bad(cfg->vocab) || cfg->patch != 0))
        st = ATTN_ERR_SHAPE; /* the token entry's shapes, before any range error */
    if (st != ATTN_OK) return st;
    if (tokens && (st = attn__model_tokens_check(cfg, tokens, segments, seq)) != ATTN_OK)
        return st;
    need = attn__model_size(cfg, seq);
    return attn__check_scratch(&need, arena);
}

static attn_status attn__model_entry_f32(float *logits, const float *input, const int *tokens,
                                         const int *segments, int seq,
                                         const uint8_t *key_padding, const attn_model_cfg *cfg,
                                         const attn_model_weights_f32 *w, attn_arena *arena)
{
    attn_status st = attn__model_checks_f32(logits, input, tokens, segments, seq, cfg, w, arena);
    if (st == ATTN_OK)
        attn__model_f32(logits, input, tokens, segments, seq, key_padding, cfg, w, arena, NULL);
    return st;
}

ATTN_DEF attn_status attn_model_f32(float *logits, const float *input, int seq,
                                    const uint8_t *key_padding, const attn_model_cfg *cfg,
                                    const attn_model_weights_f32 *w, attn_arena *arena)
{
    if (!input) return ATTN_ERR_NULL;
    return attn__model_entry_f32(logits, input, NULL, NULL, seq, key_padding, cfg, w, arena);
}

ATTN_DEF attn_status attn_model_tokens_f32(float *logits, const int *tokens, const int *segments,
                                           int seq, const uint8_t *key_padding,
                                           const attn_model_cfg *cfg,
                                           const attn_model_weights_f32 *w, attn_arena *arena)
{
    if (!tokens) return ATTN_ERR_NULL;
    return attn__model_entry_f32(logits, NULL, tokens, segments, seq, key_padding, cfg, w, arena);
}

/* ---- additive attention ---------------------------------------------------- */

/* The shape rules: every size in 1..ATTN_MAX_DIM. */
static attn_status attn__check_additive_cfg(const attn_additive_cfg *c)
{
    if (attn__dim_bad(c->seq_q) || attn__dim_bad(c->seq_kv) || attn__dim_bad(c->d_q) ||
        attn__dim_bad(c->d_k) || attn__dim_bad(c->d_v) || attn__dim_bad(c->d_attn))
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}

static attn__size attn__additive_size(const attn_additive_cfg *c)
{
    attn__size s = {0, 0}, t = {0, 0};
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_attn, sizeof(float)); /* key projections */
    attn__size_add(&s, (size_t)c->d_attn, 1, sizeof(float));                 /* a query's       */
    attn__size_add(&s, (size_t)c->seq_kv, 1, sizeof(float));                 /* scores          */
    /* the inputs, output and weights must be addressable too */
    attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_q, sizeof(float));
    attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_k, sizeof(float));
    attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_v, sizeof(float));
    attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_v, sizeof(float));
    attn__size_add(&t, (size_t)c->d_attn, (size_t)c->d_q, sizeof(float));
    attn__size_add(&t, (size_t)c->d_attn, (size_t)c->d_k, sizeof(float));
    s.overflow |= t.overflow;
    return s;
}

/* What the quantizer watches in a float run (normal runs: NULL): the
   projections, the sums Wq q + b + Wk k of the visible pairs (the tanh
   table's input) and the output. */
typedef struct {
    attn__range qp, kp, h, out;
} attn__add_obs;

/* The visible pairs' sums of one query (qp [d_attn]) and every key. */
ATTN__NOINLINE void attn__add_see_h(attn__add_obs *obs, const float *qp, const float *kp,
                                    const uint8_t *pad, int n_keys, int d_attn)
{
    int j, a;
    for (j = 0; j < n_keys; j++) {
        const float *kj = kp + (size_t)j * (size_t)d_attn;
        if (pad && pad[j]) continue;
        for (a = 0; a < d_attn; a++) {
            attn__see1(&obs->h, qp[a] + kj[a]);
        }
    }
}

/* One query row: out [d_v] = softmax_j(v . tanh(qp + kp_j)) . val over the
   visible keys (rows of kp d_attn apart, of val d_v apart), zeros if none
   is. scores [n_keys] is scratch. Each score is the sequential sum
   s += v[a] * tanh(qp[a] + kp_j[a]), a = 0, 1, ...; the context as
   attention's (sum of e_j val_j over runs of visible keys, then / sum). */
ATTN__NOINLINE void attn__additive_row_f32(float *out, const float *qp, const float *kp,
                                           const float *val, const uint8_t *pad, int n_keys,
                                           int d_attn, int d_v, const float *v, float *scores)
{
    float mx = 0.0f, sum = 0.0f;
    int j, e, a, c, seen = 0;
    for (j = 0; j < n_keys; j++) {
        const float *kj = kp + (size_t)j * (size_t)d_attn;
        float s = 0.0f;
        if (pad && pad[j]) continue;
        for (a = 0; a < d_attn; a++) s = ATTN__MADD(s, v[a], ATTN_TANHF(qp[a] + kj[a]));
        scores[j] = s;
        if (!seen || s > mx) mx = s;
        seen = 1;
    }
    for (c = 0; c < d_v; c++) out[c] = 0.0f;
    if (!seen) return; /* every key masked: a zero row */
    for (j = 0; j < n_keys; j++) {
        if (pad && pad[j]) continue;
        scores[j] = ATTN_EXPF(scores[j] - mx);
        sum += scores[j];
    }
    for (j = 0; j < n_keys; j = e + 1) {
        e = pad ? j : n_keys;
        while (e < n_keys && !pad[e]) e++;
        if (e > j) attn__pv_f32(out, scores + j, val + (size_t)j * (size_t)d_v, (size_t)d_v, e - j, d_v);
    }
    attn__scale_f32(out, 1.0f / sum, d_v);
}

/* The block, arguments checked (the arena holds attn__additive_size). */
static void attn__additive_f32(float *out, const float *q, const float *k, const float *val,
                               const uint8_t *pad, const attn_additive_cfg *c,
                               const attn_additive_weights_f32 *w, attn_arena *arena,
                               attn__add_obs *obs)
{
    size_t mark = arena->used, da = (size_t)c->d_attn;
    float *kp = (float *)attn__take(arena, (size_t)c->seq_kv * da * sizeof(float));
    float *qp = (float *)attn__take(arena, da * sizeof(float));
    float *scores = (float *)attn__take(arena, (size_t)c->seq_kv * sizeof(float));
    int i;
    /* the keys' projections, once (before any output is written) */
    attn__gemm_f32(kp, da, k, (size_t)c->d_k, c->seq_kv, w->wk, (size_t)c->d_k, NULL, c->d_k,
                   c->d_attn);
    if (obs) attn__see(&obs->kp, kp, (size_t)c->seq_kv * da);
    for (i = 0; i < c->seq_q; i++) {
        /* query row i is read whole before output row i is written */
        attn__matvec_f32(qp, q + (size_t)i * (size_t)c->d_q, w->wq, w->b, c->d_q, c->d_attn);
        if (obs) {
            attn__see(&obs->qp, qp, da);
            attn__add_see_h(obs, qp, kp, pad, c->seq_kv, c->d_attn);
        }
        attn__additive_row_f32(out + (size_t)i * (size_t)c->d_v, qp, kp, val, pad, c->seq_kv,
                               c->d_attn, c->d_v, w->v, scores);
        if (obs) attn__see(&obs->out, out + (size_t)i * (size_t)c->d_v, (size_t)c->d_v);
    }
    arena->used = mark;
}

ATTN_DEF attn_status attn_additive_scratch_f32(const attn_additive_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_additive_cfg(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__additive_size(cfg), bytes);
}

ATTN_DEF attn_status attn_additive_f32(float *out, const float *q, const float *k,
                                       const float *val, const uint8_t *key_padding,
                                       const attn_additive_cfg *cfg,
                                       const attn_additive_weights_f32 *w, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    if (!out || !q || !k || !val || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if (!w->wq || !w->wk || !w->v) return ATTN_ERR_NULL;
    if ((st = attn__check_additive_cfg(cfg)) != ATTN_OK) return st;
    need = attn__additive_size(cfg);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__additive_f32(out, q, k, val, key_padding, cfg, w, arena, NULL);
    return ATTN_OK;
}

/* ---- decoder layer ---------------------------------------------------------- */

static int attn__dec_layer_weights_ok(const attn_decoder_layer_weights_f32 *w)
{
    return attn__mha_weights_ok(&w->self_attn) && attn__mha_weights_ok(&w->cross_attn) &&
           w->ff1_w && w->ff2_w;
}

static int attn__decoder_weights_ok(const attn_decoder_weights_f32 *w)
{
    int l;
    if (!w->layers) return 0;
    for (l = 0; l < w->n_layers; l++)
        if (!attn__dec_layer_weights_ok(&w->layers[l])) return 0;
    return 1;
}

static attn__size attn__decoder_size(const attn_decoder_cfg *c, int seq, int mem_len)
{
    attn__size s = {0, 0};
    size_t d = (size_t)c->d_model;
    attn__size_add(&s, (size_t)seq, d, sizeof(float));     /* self K            */
    attn__size_add(&s, (size_t)seq, d, sizeof(float));     /* self V            */
    attn__size_add(&s, (size_t)mem_len, d, sizeof(float)); /* memory K          */
    attn__size_add(&s, (size_t)mem_len, d, sizeof(float)); /* memory V          */
    attn__size_add(&s, d, 1, sizeof(float));               /* normed row        */
    attn__size_add(&s, d, 1, sizeof(float));               /* q / context       */
    attn__size_add(&s, (size_t)(seq > mem_len ? seq : mem_len), 1, sizeof(float)); /* scores */
    attn__size_add(&s, (size_t)c->d_ff, 1, sizeof(float)); /* FF hidden         */
    return s;
}

/* x = x + SA(LN1(x)); x = x + CA(LN2(x), memory); x = x + FF(LN3(x))
   (or post-norm); arguments checked and scratch available. */
static void attn__decoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                    const float *memory, int mem_len,
                                    const uint8_t *memory_padding, const attn_decoder_cfg *cfg,
                                    const attn_decoder_layer_weights_f32 *w, attn_arena *arena,
                                    attn__layer_obs *obs)
{
    size_t d = (size_t)cfg->d_model, mark = arena->used, mem = (size_t)mem_len;
    int i, ns = seq > mem_len ? seq : mem_len;
    float *k = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));  /* [seq][d] */
    float *v = (float *)attn__take(arena, (size_t)seq * d * sizeof(float));  /* [seq][d] */
    float *mk = (float *)attn__take(arena, mem * d * sizeof(float));         /* [mem][d] */
    float *mv = (float *)attn__take(arena, mem * d * sizeof(float));         /* [mem][d] */
    float *nrm = (float *)attn__take(arena, d * sizeof(float));
    float *q = (float *)attn__take(arena, d * sizeof(float));
    float *scores = (float *)attn__take(arena, (size_t)ns * sizeof(float));
    float *hid = (float *)attn__take(arena, (size_t)cfg->d_ff * sizeof(float));
    attn__tap *sa = obs ? &obs->t[ATTN__B_SA] : NULL, *ca = obs ? &obs->t[ATTN__B_CA] : NULL,
              *ft = obs ? &obs->t[ATTN__B_FF] : NULL;
    attn__att_f32 A = attn__att_of_f32(&w->self_attn, w->norm1_w, w->norm1_b, k, v, key_padding,
                                       seq, cfg->causal, cfg->window);
    attn__att_f32 C = attn__att_of_f32(&w->cross_attn, w->norm2_w, w->norm2_b, mk, mv,
                                       memory_padding, mem_len, 0, 0);
    attn__ff_f32 F = attn__ff_of_f32(w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, w->norm3_w,
                                     w->norm3_b);
    attn__kv_rows_f32(k, v, x, seq, &A, cfg->norm_first, cfg, nrm, sa);
    for (i = 0; i < seq; i++)
        attn__att_block_f32(x + (size_t)i * d, i, &A, NULL, cfg, nrm, q, scores, sa);
    attn__kv_rows_f32(mk, mv, memory, mem_len, &C, 0, cfg, nrm, ca);
    for (i = 0; i < seq; i++)
        attn__att_block_f32(x + (size_t)i * d, i, &C, NULL, cfg, nrm, q, scores, ca);
    attn__ff_rows_f32(x, seq, &F, cfg, k, v, nrm, hid, ft);
    arena->used = mark;
}

static attn_status attn__decoder_check(const float *x, int seq, const float *memory, int mem_len,
                                       int n_layers, const attn_decoder_cfg *cfg, const void *w,
                                       const attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!x || !memory || !cfg || !w || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq) || attn__dim_bad(mem_len) || attn__dim_bad(n_layers))
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    need = attn__decoder_size(cfg, seq, mem_len);
    return attn__check_scratch(&need, arena);
}

ATTN_DEF attn_status attn_decoder_layer_scratch_f32(const attn_decoder_cfg *cfg, int seq,
                                                    int mem_len, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq) || attn__dim_bad(mem_len)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__decoder_size(cfg, seq, mem_len), bytes);
}

ATTN_DEF attn_status attn_decoder_scratch_f32(const attn_decoder_cfg *cfg, int seq, int mem_len,
                                              size_t *bytes)
{
    return attn_decoder_layer_scratch_f32(cfg, seq, mem_len, bytes);
}

ATTN_DEF attn_status attn_decoder_layer_f32(float *x, int seq, const uint8_t *key_padding,
                                            const float *memory, int mem_len,
                                            const uint8_t *memory_padding,
                                            const attn_decoder_cfg *cfg,
                                            const attn_decoder_layer_weights_f32 *w,
                                            attn_arena *arena)
{
    attn_status st;
    if (w && !attn__dec_layer_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__decoder_check(x, seq, memory, mem_len, 1, cfg, w, arena)) != ATTN_OK)
        return st;
    attn__decoder_layer_f32(x, seq, key_padding, memory, mem_len, memory_padding, cfg, w, arena,
                            NULL);
    return ATTN_OK;
}

static void attn__decoder_f32(float *x, int seq, const uint8_t *key_padding, const float *memory,
                              int mem_len, const uint8_t *memory_padding,
                              const attn_decoder_cfg *cfg, const attn_decoder_weights_f32 *w,
                              attn_arena *arena, attn__layer_obs *obs)
{
    int l;
    for (l = 0; l < w->n_layers; l++)
        attn__decoder_layer_f32(x, seq, key_padding, memory, mem_len, memory_padding, cfg,
                                &w->layers[l], arena, obs ? &obs[l] : NULL);
    if (w->final_norm)
        attn__final_norm_f32(x, seq, w->norm_w, w->norm_b, cfg, obs ? &obs[w->n_layers] : NULL);
}

ATTN_DEF attn_status attn_decoder_f32(float *x, int seq, const uint8_t *key_padding,
                                      const float *memory, int mem_len,
                                      const uint8_t *memory_padding, const attn_decoder_cfg *cfg,
                                      const attn_decoder_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    if (w && !attn__decoder_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__decoder_check(x, seq, memory, mem_len, w ? w->n_layers : 1, cfg, w,
                                  arena)) != ATTN_OK)
        return st;
    attn__decoder_f32(x, seq, key_padding, memory, mem_len, memory_padding, cfg, w, arena, NULL);
    return ATTN_OK;
}

/* ---- generation: the cache and one token at a time ---------------------------- */

static attn__size attn__step_size_f32(const attn_encoder_cfg *c, int max_len, int max_mem)
{
    attn__size s = {0, 0};
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float)); /* normed row  */
    attn__size_add(&s, (size_t)c->d_model, 1, sizeof(float)); /* q / context */
    attn__size_add(&s, (size_t)(max_len > max_mem ? max_len : max_mem), 1, sizeof(float));
    attn__size_add(&s, (size_t)c->d_ff, 1, sizeof(float));    /* FF hidden   */
    return s;
}

/* The layers' cross-attention keys and values of memory into the cache. */
static void attn__memory_f32(attn_kv_cache *c, const float *memory, int mem_len,
                             const uint8_t *memory_padding, const attn_decoder_weights_f32 *w,
                             attn__layer_obs *obs)
{
    size_t d = (size_t)c->d_model, lm = (size_t)c->max_mem * d;
    int dm = c->d_model, l, j;
    for (l = 0; l < w->n_layers; l++) {
        const attn_mha_weights_f32 *a = &w->layers[l].cross_attn;
        float *k = (float *)c->mem_k + (size_t)l * lm, *v = (float *)c->mem_v + (size_t)l * lm;
        attn__gemm_f32(k, d, memory, d, mem_len, a->wk, d, a->bk, dm, dm);
        attn__gemm_f32(v, d, memory, d, mem_len, a->wv, d, a->bv, dm, dm);
        for (j = 0; obs && j < mem_len; j++) {
            ATTN__TAP(&obs[l].t[ATTN__B_CA], ATTN__T_K, k + (size_t)j * d, dm);
            ATTN__TAP(&obs[l].t[ATTN__B_CA], ATTN__T_V, v + (size_t)j * d, dm);
        }
    }
    attn__cache_set_memory(c, mem_len, memory_padding);
}

ATTN_DEF attn_status attn_decoder_memory_f32(attn_kv_cache *cache, const float *memory,
                                             int mem_len, const uint8_t *memory_padding,
                                             const attn_decoder_cfg *cfg,
                                             const attn_decoder_weights_f32 *w)
{
    attn_status st, sc;
    if (!cache || !memory || !cfg || !w) return ATTN_ERR_NULL;
    if (!attn__decoder_weights_ok(w)) return ATTN_ERR_NULL;
    if ((sc = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return sc;
    if (attn__dim_bad(mem_len) || attn__dim_bad(w->n_layers)) return ATTN_ERR_SHAPE;
    if ((st = attn__cache_check(cache, 4, w->n_layers, cfg->d_model)) != ATTN_OK) return st;
    if (mem_len > cache->max_mem) return ATTN_ERR_SHAPE;
    if (sc != ATTN_OK) return sc;
    attn__memory_f32(cache, memory, mem_len, memory_padding, w, NULL);
    return ATTN_OK;
}

/* One token through a stack of layers (decoder: dec, else the encoder
   stack enc), the row x in place; checked, scratch available. */
static void attn__step_f32(float *x, attn_kv_cache *c, const attn_encoder_cfg *cfg,
                           const attn_decoder_weights_f32 *dec, const attn_encoder_weights_f32 *enc,
                           int ns, attn_arena *arena, attn__layer_obs *obs)
{
    size_t d = (size_t)cfg->d_model, mark = arena->used, lk = (size_t)c->max_len * d,
           lm = (size_t)c->max_mem * d, at = (size_t)c->len * d;
    int l, n_layers, final_norm;
    const float *ng, *nb;
    float *nrm, *q, *scores, *hid;
    attn__att_f32 A; /* one block's at a time (a small frame above the attention) */
    attn__ff_f32 F;
    if (dec) {
        n_layers = dec->n_layers;
        final_norm = dec->final_norm;
        ng = dec->norm_w;
        nb = dec->norm_b;
    } else if (enc) {
        n_layers = enc->n_layers;
        final_norm = enc->final_norm;
        ng = enc->norm_w;
        nb = enc->norm_b;
    } else {
        return;
    }
    nrm = (float *)attn__take(arena, d * sizeof(float));
    q = (float *)attn__take(arena, d * sizeof(float));
    scores = (float *)attn__take(arena, (size_t)ns * sizeof(float));
    hid = (float *)attn__take(arena, (size_t)cfg->d_ff * sizeof(float));
    for (l = 0; l < n_layers; l++) {
        attn__layer_obs *o = obs ? &obs[l] : NULL;
        float *kc = (float *)c->k + (size_t)l * lk, *vc = (float *)c->v + (size_t)l * lk;
        float *kv[2];
        kv[0] = kc + at;
        kv[1] = vc + at;
        if (dec) {
            const attn_decoder_layer_weights_f32 *w = &dec->layers[l];
            A = attn__att_of_f32(&w->self_attn, w->norm1_w, w->norm1_b, kc, vc, NULL, c->len + 1,
                                 0, cfg->window);
            attn__att_block_f32(x, c->len, &A, kv, cfg, nrm, q, scores,
                                o ? &o->t[ATTN__B_SA] : NULL);
            A = attn__att_of_f32(&w->cross_attn, w->norm2_w, w->norm2_b,
                                 (const float *)c->mem_k + (size_t)l * lm,
                                 (const float *)c->mem_v + (size_t)l * lm,
                                 c->mem_padded ? c->mem_padding : NULL, c->mem_len, 0, 0);
            attn__att_block_f32(x, 0, &A, NULL, cfg, nrm, q, scores, o ? &o->t[ATTN__B_CA] : NULL);
            F = attn__ff_of_f32(w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, w->norm3_w, w->norm3_b);
        } else {
            const attn_encoder_layer_weights_f32 *w = &enc->layers[l];
            A = attn__att_of_f32(&w->attn, w->norm1_w, w->norm1_b, kc, vc, NULL, c->len + 1, 0,
                                 cfg->window);
            attn__att_block_f32(x, c->len, &A, kv, cfg, nrm, q, scores,
                                o ? &o->t[ATTN__B_SA] : NULL);
            F = attn__ff_of_f32(w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, w->norm2_w, w->norm2_b);
        }
        attn__ff_block_f32(x, 1, &F, cfg, nrm, hid, o ? &o->t[ATTN__B_FF] : NULL);
    }
    if (final_norm) attn__final_norm_f32(x, 1, ng, nb, cfg, obs ? &obs[n_layers] : NULL);
    c->len++;
    arena->used = mark;
}

/* The checks of a step (dec: a decoder with memory, else a causal
   encoder stack): NULL, SHAPE, RANGE, FULL, TOO_LARGE, ARENA. */
static attn_status attn__step_check(const float *x, const attn_kv_cache *c,
                                    const attn_encoder_cfg *cfg, int n_layers, int dec,
                                    const attn_arena *arena)
{
    attn_status st, sc;
    attn__size need;
    if (!x || !c || !cfg || !arena) return ATTN_ERR_NULL;
    if ((sc = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return sc;
    if (attn__dim_bad(n_layers)) return ATTN_ERR_SHAPE;
    if ((st = attn__cache_check(c, 4, n_layers, cfg->d_model)) != ATTN_OK) return st;
    if (dec && c->mem_len == 0) return ATTN_ERR_SHAPE;
    if (sc != ATTN_OK) return sc;
    if (!cfg->causal) return ATTN_ERR_RANGE;
    if (c->len >= c->max_len) return ATTN_ERR_FULL;
    need = attn__step_size_f32(cfg, c->max_len, dec ? c->max_mem : 0);
    return attn__check_scratch(&need, arena);
}

ATTN_DEF attn_status attn_decoder_step_scratch_f32(const attn_decoder_cfg *cfg, int max_len,
                                                   int max_mem, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(max_len) || attn__dim_bad(max_mem)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__step_size_f32(cfg, max_len, max_mem), bytes);
}

ATTN_DEF attn_status attn_decoder_step_f32(float *x, attn_kv_cache *cache,
                                           const attn_decoder_cfg *cfg,
                                           const attn_decoder_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    if (!w || !attn__decoder_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__step_check(x, cache, cfg, w->n_layers, 1, arena)) != ATTN_OK) return st;
    attn__step_f32(x, cache, cfg, w, NULL, attn__step_keys(cache, 1, ATTN_MAX_DIM, ATTN_MAX_DIM),
                   arena, NULL);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_encoder_step_scratch_f32(const attn_encoder_cfg *cfg, int max_len,
                                                   size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(max_len)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__step_size_f32(cfg, max_len, 0), bytes);
}

ATTN_DEF attn_status attn_encoder_step_f32(float *x, attn_kv_cache *cache,
                                           const attn_encoder_cfg *cfg,
                                           const attn_encoder_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    if (!w || !attn__encoder_weights_ok(w)) return ATTN_ERR_NULL;
    if ((st = attn__step_check(x, cache, cfg, w->n_layers, 0, arena)) != ATTN_OK) return st;
    attn__step_f32(x, cache, cfg, NULL, w, attn__step_keys(cache, 0, ATTN_MAX_DIM, 0), arena,
                   NULL);
    return ATTN_OK;
}

/* ---- encoder-decoder and decoder-only models -------------------------------- */

/* Sinusoidal position p added to one row (the same values as
   attn_pos_sinusoidal_f32 gives row p). */
static void attn__pos_row_f32(float *row, int p, int d_model)
{
    int i;
    for (i = 0; i < d_model; i += 2) {
        double freq = ATTN_EXP(-(double)i * (9.210340371976184 / (double)d_model)); /* ln 1e4 */
        double angle = (double)p * freq;
        row[i] += (float)ATTN_SIN(angle);
        if (i + 1 < d_model) row[i + 1] += (float)ATTN_COS(angle);
    }
}

/* x [d] = table[token] * scale (0: 1) + position p. */
static void attn__embed_row_f32(float *x, const float *table, int token, int p, float scale,
                                attn_position pos, const float *pos_table, int d)
{
    const float *e = table + (size_t)token * (size_t)d;
    if (scale == 0.0f || scale == 1.0f) {
        memcpy(x, e, (size_t)d * sizeof(float));
    } else {
        int c;
        for (c = 0; c < d; c++) x[c] = e[c] * scale;
    }
    if (pos == ATTN_POS_SINUSOIDAL) attn__pos_row_f32(x, p, d);
    if (pos == ATTN_POS_LEARNED) attn__add_row_f32(x, pos_table + (size_t)p * (size_t)d, d);
}

/* The decoder models' embedding LayerNorm (cfg.embed_norm) of one row
   (out of line: its frame is not under the stack's). */
ATTN__NOINLINE void attn__embed_norm_f32(float *x, int on, const float *g, const float *b,
                                         float eps, int d)
{
    if (on) attn__layernorm_row_f32(x, x, g, b, eps, d);
}

/* The seq2seq config with the float layer rules. */
static attn_status attn__s2s_cfg_check(const attn_seq2seq_cfg *c, int n_enc, int n_dec)
{
    attn_status st = attn__s2s_rules(c, n_enc, n_dec, attn__check_encoder_cfg(&c->encoder),
                                     attn__check_encoder_cfg(&c->decoder));
    return st != ATTN_ERR_SHAPE && attn__s2s_counts_bad(c) ? ATTN_ERR_SHAPE : st;
}

static int attn__s2s_weights_ok(const attn_seq2seq_cfg *c, const attn_seq2seq_weights_f32 *w)
{
    return (c->src_d_in > 0 ? w->src_embed_w != NULL : w->src_embed != NULL) &&
           (!c->src_cls_token || w->src_cls_token) &&
           (c->src_segments == 0 || w->src_segment_embed) && w->tgt_embed && w->out_w &&
           (c->position != ATTN_POS_LEARNED || (w->src_pos && w->tgt_pos)) &&
           attn__encoder_weights_ok(&w->encoder) && attn__decoder_weights_ok(&w->decoder);
}

/* Scratch of encode (`rows` memory rows: src_len tokens, + 1 with a CLS
   row) and of one step with logits in the arena too (greedy), for a cache
   of max_len tokens and max_mem rows. */
static attn__size attn__s2s_encode_size(const attn_seq2seq_cfg *c, int rows)
{
    attn__size s = attn__encoder_size(&c->encoder, rows);
    attn__size_add(&s, (size_t)rows, (size_t)c->encoder.d_model, sizeof(float)); /* x */
    return s; /* (an image's patch: attn__s2s_front_size) */
}

static attn__size attn__s2s_step_size(const attn_seq2seq_cfg *c, int max_len, int max_mem,
                                      int logits)
{
    attn__size s = attn__step_size_f32(&c->decoder, max_len, max_mem);
    attn__size_add(&s, (size_t)c->decoder.d_model, 1, sizeof(float)); /* x row */
    if (logits) attn__size_add(&s, (size_t)c->tgt_vocab, 1, sizeof(float));
    return s;
}

ATTN_DEF attn_status attn_seq2seq_scratch_f32(const attn_seq2seq_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__s2s_cfg_check(cfg, 1, 1)) != ATTN_OK) return st;
    return attn__size_result(attn__size_max(attn__s2s_front_size(attn__s2s_encode_size(cfg,
                                                                                  cfg->max_src),
                                                                 cfg, cfg->max_src, sizeof(float)),
                                            attn__s2s_step_size(cfg, cfg->max_tgt, cfg->max_src, 1)),
                             bytes);
}

/* NULL, SHAPE, RANGE of the model and its cache (made for the decoder). */
static attn_status attn__s2s_check(const attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                   const attn_seq2seq_weights_f32 *w)
{
    attn_status st, sc;
    if (!cache || !cfg || !w) return ATTN_ERR_NULL;
    if (!attn__s2s_weights_ok(cfg, w)) return ATTN_ERR_NULL;
    sc = attn__s2s_cfg_check(cfg, w->encoder.n_layers, w->decoder.n_layers);
    if (sc == ATTN_ERR_SHAPE) return sc;
    if ((st = attn__cache_check(cache, 4, w->decoder.n_layers, cfg->decoder.d_model)) != ATTN_OK)
        return st;
    return sc;
}

/* The source through its front end (attn_seq2seq_cfg's src_*): x
   [rows][d] (out of line, with the source's cfg and tensors: the frame is
   gone before the encoder runs). */
ATTN__NOINLINE void attn__s2s_front_f32(float *x, const float *input, const int *src,
                                        const int *segments, int src_len,
                                        const attn_seq2seq_cfg *cfg,
                                        const attn_seq2seq_weights_f32 *w, attn_arena *arena,
                                        attn__model_obs *obs)
{
    attn_model_cfg m;
    attn__front_f32 f;
    attn__s2s_src_cfg(&m, cfg);
    f.embed_w = w->src_embed_w;
    f.embed_b = w->src_embed_b;
    f.cls = w->src_cls_token;
    f.tokens = w->src_embed;
    f.segments = w->src_segment_embed;
    f.pos = w->src_pos;
    f.norm_w = w->src_embed_norm_w;
    f.norm_b = w->src_embed_norm_b;
    f.scale = cfg->embed_scale;
    attn__front_run_f32(x, input, src, segments, src_len, &m, &f, arena, obs);
}

/* Encode, checked: embeddings (or the front end), positions, the encoder
   stack, the memory's keys and values into the cache. */
static void attn__s2s_encode_f32(attn_kv_cache *cache, const float *input, const int *src,
                                 const int *segments, int src_len, const attn_seq2seq_cfg *cfg,
                                 const attn_seq2seq_weights_f32 *w, attn_arena *arena)
{
    int d = cfg->encoder.d_model, rows = src_len + (cfg->src_cls_token != 0);
    size_t mark = arena->used;
    float *x = (float *)attn__take(arena, (size_t)rows * (size_t)d * sizeof(float));
    if (input || attn__s2s_front(cfg)) {
        attn__s2s_front_f32(x, input, src, segments, src_len, cfg, w, arena, NULL);
    } else {
        int i;
        for (i = 0; i < src_len; i++) {
            float *r = x + (size_t)i * (size_t)d;
            attn__embed_row_f32(r, w->src_embed, src[i], i, cfg->embed_scale, cfg->position,
                                w->src_pos, d);
            attn__embed_norm_f32(r, cfg->embed_norm, w->src_embed_norm_w, w->src_embed_norm_b,
                                 cfg->encoder.eps, d);
        }
    }
    attn__encoder_f32(x, rows, NULL, &cfg->encoder, &w->encoder, arena, NULL);
    attn__memory_f32(cache, x, rows, NULL, &w->decoder, NULL);
    arena->used = mark;
}

ATTN_DEF attn_status attn_seq2seq_encode_f32(attn_kv_cache *cache, const int *src, int src_len,
                                             const attn_seq2seq_cfg *cfg,
                                             const attn_seq2seq_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!src || !arena) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check(cache, cfg, w)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(src_len) || src_len > cfg->max_src || src_len > cache->max_mem ||
        attn__s2s_front(cfg))
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (!attn__tokens_ok(src, src_len, cfg->src_vocab)) return ATTN_ERR_RANGE;
    need = attn__s2s_encode_size(cfg, src_len);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__s2s_encode_f32(cache, NULL, src, NULL, src_len, cfg, w, arena);
    return ATTN_OK;
}

/* encode_ex's checks, in the documented order (out of line). */
ATTN__NOINLINE attn_status attn__s2s_ex_check_f32(const attn_kv_cache *cache, const float *input,
                                                  const int *src, const int *segments,
                                                  int src_len, const attn_seq2seq_cfg *cfg,
                                                  const attn_seq2seq_weights_f32 *w,
                                                  const attn_arena *arena)
{
    attn_status st;
    attn__size need;
    int rows;
    if (!arena || !input == !src) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check(cache, cfg, w)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(src_len) ||
        attn__s2s_src_rules(cfg, src, segments, src_len, w->encoder.n_layers, 0) != ATTN_OK ||
        (input && cfg->src_d_in == 0))
        return ATTN_ERR_SHAPE;
    rows = src_len + (cfg->src_cls_token != 0); /* (<= max_src: the rules) */
    if (rows > cache->max_mem) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if ((st = attn__s2s_src_rules(cfg, src, segments, src_len, 0, 1)) != ATTN_OK) return st;
    need = attn__s2s_front_size(attn__s2s_encode_size(cfg, rows), cfg, src_len, sizeof(float));
    return attn__check_scratch(&need, arena);
}

ATTN_DEF attn_status attn_seq2seq_encode_ex_f32(attn_kv_cache *cache, const float *input,
                                                const int *src, const int *segments, int src_len,
                                                const attn_seq2seq_cfg *cfg,
                                                const attn_seq2seq_weights_f32 *w,
                                                attn_arena *arena)
{
    attn_status st = attn__s2s_ex_check_f32(cache, input, src, segments, src_len, cfg, w, arena);
    if (st != ATTN_OK) return st;
    attn__s2s_encode_f32(cache, input, src, segments, src_len, cfg, w, arena);
    return ATTN_OK;
}

/* One step, checked: the token's row through the decoder, then logits. */
static void attn__s2s_step_f32(float *logits, int token, attn_kv_cache *cache,
                               const attn_seq2seq_cfg *cfg, const attn_seq2seq_weights_f32 *w,
                               attn_arena *arena)
{
    int d = cfg->decoder.d_model;
    size_t mark = arena->used;
    float *x = (float *)attn__take(arena, (size_t)d * sizeof(float));
    attn__embed_row_f32(x, w->tgt_embed, token, cache->len, cfg->embed_scale, cfg->position,
                        w->tgt_pos, d);
    attn__embed_norm_f32(x, cfg->embed_norm, w->tgt_embed_norm_w, w->tgt_embed_norm_b,
                         cfg->decoder.eps, d);
    attn__step_f32(x, cache, &cfg->decoder, &w->decoder, NULL,
                   attn__step_keys(cache, 1, cfg->max_tgt, cfg->max_src), arena, NULL);
    attn__matvec_f32(logits, x, w->out_w, w->out_b, d, cfg->tgt_vocab);
    arena->used = mark;
}

/* The step's checks after attn__s2s_check: a memory set, the token, room. */
static attn_status attn__s2s_step_check(const attn_kv_cache *cache, int token,
                                        const attn_seq2seq_cfg *cfg, const attn_arena *arena,
                                        int logits)
{
    attn__size need;
    if (cache->mem_len == 0) return ATTN_ERR_SHAPE;
    if (token < 0 || token >= cfg->tgt_vocab) return ATTN_ERR_RANGE;
    if (cache->len >= cache->max_len || cache->len >= cfg->max_tgt) return ATTN_ERR_FULL;
    need = attn__s2s_step_size(cfg, attn__step_keys(cache, 0, cfg->max_tgt, 0),
                               attn__step_keys(cache, 1, 0, cfg->max_src), logits);
    return attn__check_scratch(&need, arena);
}

ATTN_DEF attn_status attn_seq2seq_step_f32(float *logits, int token, attn_kv_cache *cache,
                                           const attn_seq2seq_cfg *cfg,
                                           const attn_seq2seq_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    if (!logits || !arena) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check(cache, cfg, w)) != ATTN_OK) return st;
    if ((st = attn__s2s_step_check(cache, token, cfg, arena, 0)) != ATTN_OK) return st;
    attn__s2s_step_f32(logits, token, cache, cfg, w, arena);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_seq2seq_greedy_f32(int *out, int *n_out, int max_out, const int *src,
                                             int src_len, int bos, int eos, attn_kv_cache *cache,
                                             const attn_seq2seq_cfg *cfg,
                                             const attn_seq2seq_weights_f32 *w, attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!out || !n_out || !src || !arena) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check(cache, cfg, w)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(src_len) || src_len > cfg->max_src || src_len > cache->max_mem ||
        attn__dim_bad(max_out) || max_out > cache->max_len || max_out > cfg->max_tgt ||
        attn__s2s_front(cfg))
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (!attn__tokens_ok(src, src_len, cfg->src_vocab) || bos < 0 || bos >= cfg->tgt_vocab)
        return ATTN_ERR_RANGE;
    need = attn__size_max(attn__s2s_encode_size(cfg, src_len),
                          attn__s2s_step_size(cfg, attn__step_keys(cache, 0, cfg->max_tgt, 0),
                                              attn__step_keys(cache, 1, 0, cfg->max_src), 1));
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    attn__s2s_encode_f32(cache, NULL, src, NULL, src_len, cfg, w, arena);
    { /* the loop, in this frame (the stack bound) */
        size_t mark = arena->used;
        float *logits = (float *)attn__take(arena, (size_t)cfg->tgt_vocab * sizeof(float));
        int n = 0, tok = bos, next = 0;
        while (n < max_out) {
            attn__s2s_step_f32(logits, tok, cache, cfg, w, arena);
            attn_argmax_f32(&next, logits, cfg->tgt_vocab);
            if (next == eos) break;
            out[n++] = next;
            tok = next;
        }
        *n_out = n;
        arena->used = mark;
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_seq2seq_generate_f32(int *out, int *n_out, int max_out, int bos, int eos,
                                               attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                               const attn_seq2seq_weights_f32 *w,
                                               attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!out || !n_out || !arena) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check(cache, cfg, w)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(max_out) || max_out > cache->max_len || max_out > cfg->max_tgt ||
        cache->mem_len == 0)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (bos < 0 || bos >= cfg->tgt_vocab) return ATTN_ERR_RANGE;
    need = attn__s2s_step_size(cfg, attn__step_keys(cache, 0, cfg->max_tgt, 0),
                               attn__step_keys(cache, 1, 0, cfg->max_src), 1);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    cache->len = 0; /* (the memory stays) */
    { /* greedy's loop, in this frame (the stack bound) */
        size_t mark = arena->used;
        float *logits = (float *)attn__take(arena, (size_t)cfg->tgt_vocab * sizeof(float));
        int n = 0, tok = bos, next = 0;
        while (n < max_out) {
            attn__s2s_step_f32(logits, tok, cache, cfg, w, arena);
            attn_argmax_f32(&next, logits, cfg->tgt_vocab);
            if (next == eos) break;
            out[n++] = next;
            tok = next;
        }
        *n_out = n;
        arena->used = mark;
    }
    return ATTN_OK;
}

/* Decoder-only models. */
static attn_status attn__lm_check(const attn_kv_cache *cache, const attn_lm_cfg *cfg,
                                  const attn_lm_weights_f32 *w)
{
    attn_status st, sc;
    if (!cache || !cfg || !w) return ATTN_ERR_NULL;
    if (!w->embed || !w->out_w || (cfg->position == ATTN_POS_LEARNED && !w->pos) ||
        !attn__encoder_weights_ok(&w->layers))
        return ATTN_ERR_NULL;
    sc = attn__check_encoder_cfg(&cfg->layers);
    if (sc == ATTN_ERR_SHAPE || attn__dim_bad(cfg->vocab) || attn__dim_bad(cfg->max_len) ||
        attn__dim_bad(w->layers.n_layers))
        return ATTN_ERR_SHAPE;
    if ((st = attn__cache_check(cache, 4, w->layers.n_layers, cfg->layers.d_model)) != ATTN_OK)
        return st;
    if (sc != ATTN_OK) return sc;
    if ((cfg->position != ATTN_POS_NONE && cfg->position != ATTN_POS_SINUSOIDAL &&
         cfg->position != ATTN_POS_LEARNED) ||
        !attn__scale_ok(cfg->embed_scale) || !cfg->layers.causal)
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

static attn__size attn__lm_step_size(const attn_lm_cfg *c, int max_len, int logits)
{
    attn__size s = attn__step_size_f32(&c->layers, max_len, 0);
    attn__size_add(&s, (size_t)c->layers.d_model, 1, sizeof(float)); /* x row */
    if (logits) attn__size_add(&s, (size_t)c->vocab, 1, sizeof(float));
    return s;
}

ATTN_DEF attn_status attn_lm_scratch_f32(const attn_lm_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg(&cfg->layers)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(cfg->vocab) || attn__dim_bad(cfg->max_len)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__lm_step_size(cfg, cfg->max_len, 1), bytes);
}

static void attn__lm_step_f32(float *logits, int token, attn_kv_cache *cache,
                              const attn_lm_cfg *cfg, const attn_lm_weights_f32 *w,
                              attn_arena *arena)
{
    int d = cfg->layers.d_model;
    size_t mark = arena->used;
    float *x = (float *)attn__take(arena, (size_t)d * sizeof(float));
    attn__embed_row_f32(x, w->embed, token, cache->len, cfg->embed_scale, cfg->position, w->pos, d);
    attn__embed_norm_f32(x, cfg->embed_norm, w->embed_norm_w, w->embed_norm_b, cfg->layers.eps, d);
    attn__step_f32(x, cache, &cfg->layers, NULL, &w->layers,
                   attn__step_keys(cache, 0, cfg->max_len, 0), arena, NULL);
    attn__matvec_f32(logits, x, w->out_w, w->out_b, d, cfg->vocab);
    arena->used = mark;
}

ATTN_DEF attn_status attn_lm_step_f32(float *logits, int token, attn_kv_cache *cache,
                                      const attn_lm_cfg *cfg, const attn_lm_weights_f32 *w,
                                      attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!logits || !arena) return ATTN_ERR_NULL;
    if ((st = attn__lm_check(cache, cfg, w)) != ATTN_OK) return st;
    if (token < 0 || token >= cfg->vocab) return ATTN_ERR_RANGE;
    if (cache->len >= cache->max_len || cache->len >= cfg->max_len) return ATTN_ERR_FULL;
    need = attn__lm_step_size(cfg, attn__step_keys(cache, 0, cfg->max_len, 0), 0);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__lm_step_f32(logits, token, cache, cfg, w, arena);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_lm_greedy_f32(int *out, int *n_out, int max_out, const int *prompt,
                                        int prompt_len, int eos, attn_kv_cache *cache,
                                        const attn_lm_cfg *cfg, const attn_lm_weights_f32 *w,
                                        attn_arena *arena)
{
    attn_status st;
    attn__size need;
    size_t mark;
    float *logits;
    int n = 0, i, next = 0;
    if (!out || !n_out || !prompt || !arena) return ATTN_ERR_NULL;
    if ((st = attn__lm_check(cache, cfg, w)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(prompt_len) || attn__dim_bad(max_out) ||
        prompt_len - 1 > cache->max_len - max_out || prompt_len - 1 > cfg->max_len - max_out)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (!attn__tokens_ok(prompt, prompt_len, cfg->vocab)) return ATTN_ERR_RANGE;
    need = attn__lm_step_size(cfg, attn__step_keys(cache, 0, cfg->max_len, 0), 1);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    cache->len = 0;
    mark = arena->used;
    logits = (float *)attn__take(arena, (size_t)cfg->vocab * sizeof(float));
    for (i = 0; i < prompt_len; i++) attn__lm_step_f32(logits, prompt[i], cache, cfg, w, arena);
    for (;;) {
        attn_argmax_f32(&next, logits, cfg->vocab);
        if (next == eos) break;
        out[n++] = next;
        if (n == max_out) break;
        attn__lm_step_f32(logits, next, cache, cfg, w, arena);
    }
    *n_out = n;
    arena->used = mark;
    return ATTN_OK;
}

#endif /* ATTN_NO_FLOAT */

#ifndef ATTN_NO_INT8

/* Right shifts of negative numbers must be arithmetic (they are on GCC,
   clang, armcc, IAR, MSVC); the int8 arithmetic is defined with them. */
typedef char attn__arithmetic_shift_check[(-8 >> 1) == -4 ? 1 : -1];

#define ATTN__S8_MAX_IN 32768 /* linear in_features: the int32 sum cannot overflow */
#define ATTN__S8_MAX_D 2048   /* layer norm width: see INT8 ARITHMETIC              */
#define ATTN__S8_MAX_WIDE (1 << 19) /* |wide residual| bound of layer norm's proof    */

/* ---- integer building blocks --------------------------------------------- */

ATTN__INLINE int32_t attn__clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* round(a * b / 2^31), an exact half rounded up: the rounding doubling high
   multiply, (a*b + 2^30) >> 31, one SMLAL-class multiply-add (VQRDMULH on
   Helium). b is a checked multiplier (> INT32_MIN, see attn__qmul_ok), so
   the result always fits and there is nothing to saturate. */
ATTN__INLINE int32_t attn__srdhm(int32_t a, int32_t b)
{
#if defined(__ARM_ARCH_6M__)
    /* ARMv6-M (M0/M0+) has no 32x32->64 multiply (GCC would call a 64x64
       routine): the same 64-bit sum from four 16-bit products, carries by
       hand. hi:lo = a*b + 2^30 exactly; the result is bits 31..62. */
    uint32_t al = (uint32_t)a & 0xFFFFu, bl = (uint32_t)b & 0xFFFFu, lo = al * bl, t;
    int32_t ah = a >> 16, bh = b >> 16, p1 = ah * (int32_t)bl, p2 = (int32_t)al * bh;
    int32_t hi = ah * bh + (p1 >> 16) + (p2 >> 16);
    t = lo + ((uint32_t)p1 << 16);
    hi += t < lo;
    lo = t;
    t = lo + ((uint32_t)p2 << 16);
    hi += t < lo;
    lo = t;
    t = lo + (1u << 30);
    hi += t < lo;
    return (int32_t)(((uint32_t)hi << 1) | (t >> 31));
#else
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 30)) >> 31);
#endif
}

/* hi(a * b + 2^31), rounded high word, = attn__srdhm(a / 2, b) for even a:
   SMMULR on the DSP cores. */
ATTN__INLINE int32_t attn__mulhr(int32_t a, int32_t b)
{
#if ATTN__DSP && (defined(__GNUC__) || defined(__clang__))
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return attn__srdhm(a >> 1, b);
#endif
}

/* rshift(x, n) for n in 1..31 and x > INT32_MIN (what attn__srdhm returns):
   x / 2^n rounded, ties away from zero, as (x - 1 for negative x) rounded
   half up. t = that >> (n - 1) holds the result and the rounding bit; no add
   before the shift, so nothing can overflow. */
ATTN__INLINE int32_t attn__rshift_rq(int32_t x, int n)
{
    int32_t t = (x + (x >> 31)) >> (n - 1);
    return (t >> 1) + (t & 1);
}

/* x * 2^s saturated to int32, s in 1..30, in 32-bit arithmetic. */
ATTN__INLINE int32_t attn__shl_sat(int32_t x, int s)
{
    int32_t y = (int32_t)((uint32_t)x << s);
    return (y >> s) == x ? y : x < 0 ? INT32_MIN : INT32_MAX;
}

/* requant(x, m) for a checked m (attn__qmul_ok). */
ATTN__INLINE int32_t attn__requant(int32_t x, attn_qmul m)
{
    if (m.shift > 0) x = attn__shl_sat(x, m.shift);
    x = attn__srdhm(x, m.multiplier);
    return m.shift < 0 ? attn__rshift_rq(x, -m.shift) : x;
}

/* |multiplier| < 2^31 (so INT32_MIN is refused) and shift in -31..30. */
static int attn__qmul_ok(attn_qmul m)
{
    return m.multiplier != INT32_MIN && m.shift >= -31 && m.shift <= 30;
}

static int attn__zp_ok(int32_t zp)
{
    return zp >= -128 && zp <= 127;
}

/* sat(a + b) to int32: QADD on the DSP cores */
ATTN__INLINE int32_t attn__qadd(int32_t a, int32_t b)
{
#if ATTN__DSP
    return __qadd(a, b);
#else
    /* in 32 bits: the sum wraps exactly when a and b share a sign that s
       does not have */
    int32_t s = (int32_t)((uint32_t)a + (uint32_t)b);
    return ((a ^ s) & (b ^ s)) < 0 ? (a < 0 ? INT32_MIN : INT32_MAX) : s;
#endif
}

/* clamp(sat(zp + v)) to int8: QADD and SSAT on the DSP cores */
ATTN__INLINE int8_t attn__to_s8(int32_t zp, int32_t v)
{
#if ATTN__DSP
    return (int8_t)ATTN__SSAT(attn__qadd(zp, v), 8);
#else
    return (int8_t)attn__clamp(attn__qadd(zp, v), -128, 127);
#endif
}

ATTN_DEF attn_status attn_requantize(int32_t *y, int32_t x, attn_qmul m)
{
    if (!y) return ATTN_ERR_NULL;
    *y = 0;
    if (!attn__qmul_ok(m)) return ATTN_ERR_RANGE;
    *y = attn__requant(x, m);
    return ATTN_OK;
}

/* exp2's table (INT8 ARITHMETIC), T[k] = round(2^30 * 2^(-k/128)) for
   k = 0..128. ATTN__EXP2_PAIRS: stored as the pairs {T[k], T[k] - T[k+1]}
   (k = 0..127, 1 KB; one LDRD, or one gather each on Helium, fetches
   both, one subtraction less per exponential); when optimising for size,
   T itself (516 B). */
#define ATTN__EXP2_PAIRS ATTN__ATT_ASM
#define ATTN__EXP2_WORDS (ATTN__EXP2_PAIRS ? 256 : 129)
static const int32_t *attn__exp2_table(void)
{
#if ATTN__EXP2_PAIRS
    static const int32_t TD[256] = {
    1073741824, 5798825, 1067942999, 5767508, 1062175491, 5736360, 1056439131, 5705380,
    1050733751, 5674568, 1045059183, 5643922, 1039415261, 5613442, 1033801819, 5583126,
    1028218693, 5552973, 1022665720, 5522985, 1017142735, 5493157, 1011649578, 5463491,
    1006186087, 5433985, 1000752102, 5404638, 995347464, 5375450, 989972014, 5346420,
    984625594, 5317546, 979308048, 5288828, 974019220, 5260265, 968758955, 5231857, 963527098,
    5203602, 958323496, 5175499, 953147997, 5147549, 948000448, 5119749, 942880699, 5092099,
    937788600, 5064599, 932724001, 5037248, 927686753, 5010043, 922676710, 4982986, 917693724,
    4956075, 912737649, 4929310, 907808339, 4902688, 902905651, 4876211, 898029440, 4849877,
    893179563, 4823685, 888355878, 4797634, 883558244, 4771723, 878786521, 4745954, 874040567,
    4720323, 869320244, 4694831, 864625413, 4669475, 859955938, 4644258, 855311680, 4619176,
    850692504, 4594230, 846098274, 4569419, 841528855, 4544741, 836984114, 4520197, 832463917,
    4495785, 827968132, 4471505, 823496627, 4447356, 819049271, 4423339, 814625932, 4399449,
    810226483, 4375691, 805850792, 4352058, 801498734, 4328556, 797170178, 4305178, 792865000,
    4281928, 788583072, 4258803, 784324269, 4235804, 780088465, 4212927, 775875538, 4190175,
    771685363, 4167546, 767517817, 4145039, 763372778, 4122653, 759250125, 4100388, 755149737,
    4078244, 751071493, 4056219, 747015274, 4034314, 742980960, 4012525, 738968435, 3990856,
    734977579, 3969302, 731008277, 3947866, 727060411, 3926546, 723133865, 3905340, 719228525,
    3884248, 715344277, 3863272, 711481005, 3842407, 707638598, 3821657, 703816941, 3801017,
    700015924, 3780490, 696235434, 3760072, 692475362, 3739766, 688735596, 3719570, 685016026,
    3699481, 681316545, 3679502, 677637043, 3659631, 673977412, 3639867, 670337545, 3620209,
    666717336, 3600658, 663116678, 3581212, 659535466, 3561872, 655973594, 3542636, 652430958,
    3523503, 648907455, 3504474, 645402981, 3485548, 641917433, 3466725, 638450708, 3448002,
    635002706, 3429380, 631573326, 3410860, 628162466, 3392440, 624770026, 3374118, 621395908,
    3355896, 618040012, 3337773, 614702239, 3319746, 611382493, 3301818, 608080675, 3283986,
    604796689, 3266251, 601530438, 3248611, 598281827, 3231067, 595050760, 3213617, 591837143,
    3196262, 588640881, 3179000, 585461881, 3161832, 582300049, 3144756, 579155293, 3127772,
    576027521, 3110881, 572916640, 3094080, 569822560, 3077370, 566745190, 3060751, 563684439,
    3044221, 560640218, 3027780, 557612438, 3011429, 554601009, 2995165, 551605844, 2978990,
    548626854, 2962901, 545663953, 2946900, 542717053, 2930985, 539786068, 2915156
    };
    return TD;
#else
    static const int32_t T[129] = {
    1073741824, 1067942999, 1062175491, 1056439131, 1050733751, 1045059183, 1039415261,
    1033801819, 1028218693, 1022665720, 1017142735, 1011649578, 1006186087, 1000752102,
    995347464, 989972014, 984625594, 979308048, 974019220, 968758955, 963527098, 958323496,
    953147997, 948000448, 942880699, 937788600, 932724001, 927686753, 922676710, 917693724,
    912737649, 907808339, 902905651, 898029440, 893179563, 888355878, 883558244, 878786521,
    874040567, 869320244, 864625413, 859955938, 855311680, 850692504, 846098274, 841528855,
    836984114, 832463917, 827968132, 823496627, 819049271, 814625932, 810226483, 805850792,
    801498734, 797170178, 792865000, 788583072, 784324269, 780088465, 775875538, 771685363,
    767517817, 763372778, 759250125, 755149737, 751071493, 747015274, 742980960, 738968435,
    734977579, 731008277, 727060411, 723133865, 719228525, 715344277, 711481005, 707638598,
    703816941, 700015924, 696235434, 692475362, 688735596, 685016026, 681316545, 677637043,
    673977412, 670337545, 666717336, 663116678, 659535466, 655973594, 652430958, 648907455,
    645402981, 641917433, 638450708, 635002706, 631573326, 628162466, 624770026, 621395908,
    618040012, 614702239, 611382493, 608080675, 604796689, 601530438, 598281827, 595050760,
    591837143, 588640881, 585461881, 582300049, 579155293, 576027521, 572916640, 569822560,
    566745190, 563684439, 560640218, 557612438, 554601009, 551605844, 548626854, 545663953,
    542717053, 539786068, 536870912
    };
    return T;
#endif
}

/* 2^(-u / 2^16) in Q30 for 0 <= u < 2^31 (exp2 of INT8 ARITHMETIC): the
   table, interpolated in uint32 ((T[i] - T[i+1]) * 511 < 2^32), then
   floored by 2^n (0 from n = 31 on: v < 2^31). The DSP cores saturate n
   to 63 (USAT) and let the register shift give 0 from 32 on: eight
   instructions. */
#if ATTN__SM_DSP
ATTN__INLINE
#else
static
#endif
uint32_t attn__exp2_q16(uint32_t u, const int32_t *T)
{
#if ATTN__SM_DSP && (defined(__GNUC__) || defined(__clang__))
    uint32_t e, t1, t2, t3;
    __asm__("ubfx   %[t1], %[u], #9, #7\n\t"
#if ATTN__EXP2_PAIRS
            "add    %[t1], %[T], %[t1], lsl #3\n\t"
            "ldrd   %[t2], %[t3], [%[t1]]\n\t"
#else
            "add    %[t1], %[T], %[t1], lsl #2\n\t"
            "ldrd   %[t2], %[t3], [%[t1]]\n\t"
            "sub    %[t3], %[t2], %[t3]\n\t"
#endif
            "ubfx   %[t1], %[u], #0, #9\n\t"
            "mul    %[t3], %[t3], %[t1]\n\t"
            "sub    %[t2], %[t2], %[t3], lsr #9\n\t"
            "usat   %[t1], #6, %[u], asr #16\n\t"
            "lsr    %[e], %[t2], %[t1]"
            : [e] "=&r"(e), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
            : [u] "r"(u), [T] "r"(T), "m"(*(const int32_t(*)[ATTN__EXP2_WORDS])T));
    return e;
#else
    uint32_t n = u >> 16, i = (u >> 9) & 127u, r = u & 511u;
#if ATTN__EXP2_PAIRS
    uint32_t v = (uint32_t)T[2 * i] - (((uint32_t)T[2 * i + 1] * r) >> 9);
#else
    uint32_t a = (uint32_t)T[i], v = a - (((a - (uint32_t)T[i + 1]) * r) >> 9);
#endif
    return n > 31 ? 0 : v >> n;
#endif
}

#if !ATTN__SM_MVE
/* The exponent of one softmax entry: u = max(0, requant(a, mul)) for
   a = mx - z >= 0 (saturated by the caller), in Q16. */
static uint32_t attn__softmax_u(int32_t a, attn_qmul mul)
{
    int32_t t = attn__requant(a, mul);
    return t > 0 ? (uint32_t)t : 0;
}
#endif

/* The same exponent, fast, when mul.shift >= 0 and mul.multiplier >= 0:
   requant(a) = srdhm(a * 2^shift, M) = hi(a * 2^(shift+1) * M + 2^31)
   (one SMMULR) while a * 2^(shift+1) < 2^31, i.e. a <= amax. */
#if !ATTN__SM_MVE
typedef struct {
    int small;     /* set by the caller: every a the call meets is <= amax            */
    int ok;        /* shift >= 0, multiplier >= 0: the form below is exact up to amax */
    int sh;        /* shift + 1                                                       */
    int32_t m;     /* the multiplier                                                  */
    uint32_t amax; /* (2^31 - 1) >> sh                                                */
} attn__expo;

static attn__expo attn__expo_init(attn_qmul mul)
{
    attn__expo x;
    x.ok = ATTN__SM_DSP && mul.multiplier >= 0 && mul.shift >= 0 && mul.shift <= 29;
    x.sh = mul.shift + 1;
    x.m = mul.multiplier;
    x.amax = x.ok ? 0x7FFFFFFFu >> x.sh : 0;
    x.small = 0;
    return x;
}
#endif

#if ATTN__SM_DSP
/* hi(a * b + 2^31) = srdhm(a / 2, b) for even a: one SMMULR on the DSP
   cores (GCC would build it from SMLAL and two constants) */
ATTN__INLINE uint32_t attn__smmulr_even(int32_t a, int32_t b)
{
#if ATTN__SM_DSP && (defined(__GNUC__) || defined(__clang__))
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return (uint32_t)r;
#else
    return (uint32_t)attn__srdhm(a >> 1, b);
#endif
}

/* u = hi((mxk - x * k) * m + 2^31) for int8 x (mxk = mx * k, k = 2^sh):
   the fast exponent of a = mx - x, one MLS and one SMMULR on the DSP
   cores */
ATTN__INLINE uint32_t attn__expo_x8(int32_t x, int32_t k, int32_t mxk, int32_t m)
{
#if ATTN__SM_DSP && (defined(__GNUC__) || defined(__clang__))
    int32_t r;
    __asm__("mls    %0, %1, %2, %3\n\t"
            "smmulr %0, %0, %4"
            : "=&r"(r) : "r"(x), "r"(k), "r"(mxk), "r"(m));
    return (uint32_t)r;
#else
    return attn__smmulr_even(mxk - x * k, m);
#endif
}

#endif /* ATTN__SM_DSP */

/* hi(a * b) for uint32 (UMULL; the M0 builds it from 16-bit products) */
#if defined(__ARM_ARCH_6M__)
static uint32_t attn__mulhi_u32(uint32_t a, uint32_t b)
#else
ATTN__INLINE uint32_t attn__mulhi_u32(uint32_t a, uint32_t b)
#endif
{
#if defined(__ARM_ARCH_6M__)
    uint32_t al = a & 0xFFFFu, ah = a >> 16, bl = b & 0xFFFFu, bh = b >> 16;
    uint32_t mid1 = ah * bl, mid2 = al * bh, lo = al * bl;
    uint32_t t = (lo >> 16) + (mid1 & 0xFFFFu) + (mid2 & 0xFFFFu); /* < 3 * 2^16 */
    return ah * bh + (mid1 >> 16) + (mid2 >> 16) + (t >> 16);
#else
    return (uint32_t)(((uint64_t)a * b) >> 32);
#endif
}

/* floor((2^63 - 1) / d) for d in [2^31, 2^32), without a division: an
   estimate below the quotient from the top bits of d (relative error
   <= 1/17), two Newton steps x += x * (2^31 - d*x/2^32) / 2^31 kept below
   the quotient by the -2 (error ~2^-16), one on the exact residual (error
   a few units), then the remainder settles the last units. Where the core
   divides, attn__recip32_div below computes it instead (ATTN__RECIP32);
   ATTN__RECIP_BOTH (tests/portable.c) keeps both for the tests. */
#if !defined(__ARM_FEATURE_IDIV) || defined(ATTN__RECIP_BOTH)
static uint32_t attn__recip32(uint32_t d)
{
    static const uint16_t R0[16] = {61680, 58254, 55188, 52428, 49932, 47662, 45590, 43690,
                                    41943, 40329, 38836, 37449, 36157, 34952, 33825, 32768};
    uint32_t x = (uint32_t)R0[(d >> 27) & 15u] << 16;
    uint64_t rem;
    int it;
    for (it = 0; it < 2; it++) {
        uint32_t t = 0x80000000u - attn__mulhi_u32(d, x);               /* 2^31 (1 - x/X) > 0 */
        x = x + ((attn__mulhi_u32(x, t) << 1) | ((x * t) >> 31)) - 2u; /* stays below X */
    }
    rem = ((uint64_t)1 << 63) - (((uint64_t)attn__mulhi_u32(d, x) << 32) | (uint32_t)(d * x));
    x += attn__mulhi_u32(x, (uint32_t)(rem >> 16)) >> 15;              /* rem < 2^48 */
    rem = (((uint64_t)1 << 63) - 1) - (((uint64_t)attn__mulhi_u32(d, x) << 32) | (uint32_t)(d * x));
    while (rem >= d) { /* x is still below: at most two more */
        rem -= d;
        x++;
    }
    return x;
}
#endif

/* The same floor((2^63 - 1) / d), d in [2^31, 2^32), where the core divides
   (__ARM_FEATURE_IDIV: M3, M4, M7, M33, M55; UDIV is one instruction):
   long division by d in two 16-bit digits (d's top bit is set), each
   estimated from d's high half and corrected at most twice by its low
   half (Knuth's algorithm D). The same integer as attn__recip32: both were
   compared with a 64-bit division for every d (tests/test_s8.c compares
   them on a sample, on every core). */
#if defined(__ARM_FEATURE_IDIV) || defined(ATTN__RECIP_BOTH)
static uint32_t attn__recip32_div(uint32_t d)
{
    const uint32_t dh = d >> 16, dl = d & 0xFFFFu;
    /* the high digit: (2^47 - 1) / d, from (2^31 - 1) / dh (< 2^16) */
    uint32_t q1 = 0x7FFFFFFFu / dh, r = 0x7FFFFFFFu - q1 * dh, u, q0;
    while (r < 0x10000u && q1 * dl > ((r << 16) | 0xFFFFu)) {
        q1--;
        r += dh;
    }
    u = 0xFFFFFFFFu - q1 * d; /* (2^47 - 1) - q1 d < d, modulo 2^32 */
    q0 = u / dh;              /* the low digit: (u 2^16 + 2^16 - 1) / d */
    r = u - q0 * dh;
    while (r < 0x10000u && (q0 > 0xFFFFu || q0 * dl > ((r << 16) | 0xFFFFu))) {
        q0--;
        r += dh;
    }
    return (q1 << 16) + q0;
}
#endif
#if defined(__ARM_FEATURE_IDIV)
#define ATTN__RECIP32(d) attn__recip32_div(d)
#else
#define ATTN__RECIP32(d) attn__recip32(d)
#endif

/* The row's normaliser (INT8 ARITHMETIC softmax): R and k from the sum S
   of the exponentials (S >= 2^30: the maximum contributes 2^30), folded
   into a rounding constant and a shift for the Q15 probability and for
   attn_softmax_s8's 8-bit output: round(e * R / 2^(48+k)) is
   (hi(e * R) + 2^(15+k)) >> (16+k), as hi(e * R) < 2^30 and 48 + k > 32. */
typedef struct {
    uint32_t r;       /* R, in [2^31, 2^32)                                   */
    uint32_t round15; /* 2^(15+k)                                             */
    int shift15;      /* 16 + k; from k = 16 on, 31 and round15 = 0 (p = 0)    */
    uint32_t round8;  /* the same for the 8-bit output: 2^(22+k), shift 23 + k */
    int shift8;
} attn__softmax_norm;

static attn__softmax_norm attn__softmax_normalise(uint64_t sum)
{
    attn__softmax_norm nm;
    uint32_t hi = (uint32_t)(sum >> 32), lo = (uint32_t)sum;
    int b; /* floor(log2 sum), 30..63 */
#if defined(__GNUC__) || defined(__clang__)
    b = hi ? 63 - __builtin_clz(hi) : 31 - __builtin_clz(lo);
#else
    (void)hi;
    for (b = 30; b < 63 && (sum >> (b + 1)) != 0; b++) {}
#endif
    nm.r = ATTN__RECIP32(b < 31 ? lo << 1 : (uint32_t)(sum >> (b - 31)));
    b -= 31; /* k */
    nm.shift15 = b >= 16 ? 31 : 16 + b;
    nm.round15 = b >= 16 ? 0u : (uint32_t)1 << (15 + b);
    nm.shift8 = b >= 9 ? 31 : 23 + b;
    nm.round8 = b >= 9 ? 0u : (uint32_t)1 << (22 + b);
    return nm;
}

/* p = min(32767, round(e * R / 2^(48+k))): Q15, fits a signed 16-bit lane */
ATTN__INLINE int32_t attn__softmax_q15(uint32_t e, const attn__softmax_norm *nm)
{
    uint32_t p = (attn__mulhi_u32(e, nm->r) + nm->round15) >> nm->shift15;
#if ATTN__SM_DSP
    return ATTN__USAT((int32_t)p, 15);
#else
    return (int32_t)(p > 32767u ? 32767u : p);
#endif
}

/* y = min(255, round(e * R / 2^(55+k))) - 128 (attn_softmax_s8) */
ATTN__INLINE int8_t attn__softmax_y8(uint32_t e, const attn__softmax_norm *nm)
{
    uint32_t q = (attn__mulhi_u32(e, nm->r) + nm->round8) >> nm->shift8;
#if ATTN__SM_DSP
    return (int8_t)(ATTN__USAT((int32_t)q, 8) - 128);
#else
    return (int8_t)((int32_t)(q > 255u ? 255u : q) - 128);
#endif
}

/* The attention softmax in three steps (INT8 ARITHMETIC softmax, with
   score_mul): the visible maximum, the exponentials (into z, 0 for hidden
   entries) and their sum, then the probabilities. */

#if !ATTN__SM_MVE
/* max of the visible z[j]; 0 with *seen = 0 if none is */
static int32_t attn__softmax_max(const int32_t *z, const uint8_t *hidden, int n, int *seen)
{
    int32_t mx = INT32_MIN;
    int j;
    *seen = !hidden && n > 0;
    for (j = 0; j < n; j++)
        if (!(hidden && hidden[j]) && z[j] >= mx) {
            mx = z[j];
            *seen = 1;
        }
    return mx;
}

#if ATTN__SM_DSP && !ATTN__SM_MVE && ATTN__ATT_ASM
/* The exponential of t0 (an entry just loaded) into t2, as attn__expo_x8
   then attn__exp2_q16: MLS, SMMULR, then exp2 in eight instructions
   (t1, t3 scratch). Shared with attn_softmax_s8's written-out passes. */
#define ATTN__EXPO_BODY_R(t0, t1, t2, t3, k, mxk, m, T)                     \
    "mls    " t0 ", " t0 ", " k ", " mxk "\n\t"                             \
    "smmulr " t0 ", " t0 ", " m "\n\t"                                      \
    "ubfx   " t1 ", " t0 ", #9, #7\n\t"                                     \
    "add    " t1 ", " T ", " t1 ", lsl #3\n\t"                              \
    "ldrd   " t2 ", " t3 ", [" t1 "]\n\t"                                   \
    "ubfx   " t1 ", " t0 ", #0, #9\n\t"                                     \
    "mul    " t3 ", " t3 ", " t1 "\n\t"                                     \
    "sub    " t2 ", " t2 ", " t3 ", lsr #9\n\t"                             \
    "usat   " t1 ", #6, " t0 ", asr #16\n\t"                                \
    "lsr    " t2 ", " t2 ", " t1 "\n\t"
#define ATTN__EXPO_BODY                                                      \
    ATTN__EXPO_BODY_R("%[t0]", "%[t1]", "%[t2]", "%[t3]", "%[k]", "%[mxk]", "%[m]", "%[T]")
/* The exponentials of the scores z[0..n2-1] (n2 even, >= 2) in place,
   their sum returned (the fast exponent without padding): twelve
   registers. */
#define ATTN__ATT_EXPO                                                       \
    "ldr    %[t0], [%[z]]\n\t" ATTN__EXPO_BODY                              \
    "str    %[t2], [%[z]], #4\n\t"                                         \
    "adds   %[lo], %[lo], %[t2]\n\t"                                       \
    "adc    %[hi], %[hi], #0\n\t"
/* (the assembly writes z[]: NOLINTNEXTLINE(readability-non-const-parameter)) */
ATTN__INLINE uint64_t attn__att_exps_asm(int32_t *z, const int32_t *ze, int32_t k, int32_t mxk,
                                         int32_t m, const int32_t *T)
{
    uint32_t lo = 0, hi = 0, t0, t1, t2, t3;
    __asm__("1:\n\t" ATTN__ATT_EXPO ATTN__ATT_EXPO
            "cmp    %[z], %[ze]\n\t"
            "bne    1b"
            : [z] "+r"(z), [lo] "+r"(lo), [hi] "+r"(hi), [t0] "=&r"(t0), [t1] "=&r"(t1),
              [t2] "=&r"(t2), [t3] "=&r"(t3)
            : [ze] "r"(ze), [k] "r"(k), [mxk] "r"(mxk), [m] "r"(m), [T] "r"(T)
            : "cc", "memory");
    return ((uint64_t)hi << 32) | lo;
}
#define ATTN__ATT_EXPS_ASM 1
#endif

/* e_j = exp2(u(mx - z_j)) into z (0 for hidden j), returns S. x->small:
   every |z| <= d_head * 255^2, so mx - z (mx: the visible maximum) fits
   amax for every key and (mx - z) * 2^sh is one MLS; else requant
   itself. */
ATTN__NOINLINE uint64_t attn__softmax_exps(int32_t *z, const uint8_t *hidden, int n, int32_t mx,
                                   attn_qmul mul, const attn__expo *x)
{
    const int32_t *T = attn__exp2_table();
    uint64_t sum = 0;
    int j;
#if ATTN__SM_DSP
    if (x->small) { /* every key (mx - z stays in range for hidden ones too) */
        const int32_t k = (int32_t)1 << x->sh, mxk = mx * k, m = x->m;
        j = 0;
#ifdef ATTN__ATT_EXPS_ASM
        if (n >= 2) {
            j = n & ~1;
            sum = attn__att_exps_asm(z, z + j, k, mxk, m, T);
        }
#endif
        for (; j + 2 <= n; j += 2) { /* two at a time: e0 + e1 fits */
            uint32_t e0 = attn__exp2_q16(attn__expo_x8(z[j], k, mxk, m), T);
            uint32_t e1 = attn__exp2_q16(attn__expo_x8(z[j + 1], k, mxk, m), T);
            sum += e0 + e1;
            z[j] = (int32_t)e0;
            z[j + 1] = (int32_t)e1;
        }
        if (j < n) {
            uint32_t e = attn__exp2_q16(attn__expo_x8(z[j], k, mxk, m), T);
            sum += e;
            z[j] = (int32_t)e;
        }
        if (hidden) /* then the hidden ones out of the sum (exact in uint64) */
            for (j = 0; j < n; j++)
                if (hidden[j]) {
                    sum -= (uint32_t)z[j];
                    z[j] = 0;
                }
    } else
#else
    (void)x;
#endif
    {
        for (j = 0; j < n; j++) {
            uint32_t a = (uint32_t)mx - (uint32_t)z[j], e = 0;
            if (!(hidden && hidden[j])) {
                e = attn__exp2_q16(attn__softmax_u(a > INT32_MAX ? INT32_MAX : (int32_t)a, mul), T);
                sum += e;
            }
            z[j] = (int32_t)e;
        }
    }
    return sum;
}
#endif

#if !ATTN__SM_DSP
/* Q15 probabilities from the exponentials, in place; returns their sum */
ATTN__NOINLINE int32_t attn__softmax_probs(int32_t *z, int n, uint64_t sum)
{
    const attn__softmax_norm nm = attn__softmax_normalise(sum);
    int32_t psum = 0;
    int j;
    for (j = 0; j < n; j++) {
        z[j] = attn__softmax_q15((uint32_t)z[j], &nm);
        psum += z[j];
    }
    return psum;
}
#endif

#if ATTN__SM_DSP && !ATTN__SM_MVE
#if ATTN__ATT_ASM
/* attn__softmax_probs_pairs's pair loop written out over z[0..n2-1] (n2
   even, >= 2): 15 instructions per two keys, eleven registers. Returns the
   pairs' sum of probabilities. */
ATTN__INLINE uint32_t attn__probs_pairs_asm(int32_t *z, int n2, uint32_t r, uint32_t rnd, int sh)
{
    const int32_t *rp = z, *end = z + n2;
    uint32_t t0, t1, t2, psum = 0, *w = (uint32_t *)z;
    __asm__("1:\n\t"
            "ldrd    %[t0], %[t1], [%[rp]], #8\n\t"
            "umull   %[t2], %[t0], %[t0], %[R]\n\t"
            "add     %[t0], %[t0], %[rnd]\n\t"
            "lsr     %[t0], %[t0], %[sh]\n\t"
            "usat    %[t0], #15, %[t0]\n\t"
            "umull   %[t2], %[t1], %[t1], %[R]\n\t"
            "add     %[t1], %[t1], %[rnd]\n\t"
            "lsr     %[t1], %[t1], %[sh]\n\t"
            "usat    %[t1], #15, %[t1]\n\t"
            "orr     %[t0], %[t0], %[t1], lsl #16\n\t"
            "smlad   %[ps], %[t0], %[one], %[ps]\n\t"
            "str     %[t0], [%[wp]], #4\n\t"
            "cmp     %[rp], %[end]\n\t"
            "bne     1b"
            : [rp] "+r"(rp), [wp] "+r"(w), [ps] "+r"(psum), [t0] "=&r"(t0), [t1] "=&r"(t1),
              [t2] "=&r"(t2)
            : [end] "r"(end), [R] "r"(r), [rnd] "r"(rnd), [sh] "r"(sh), [one] "r"(0x10001u)
            : "cc", "memory");
    return psum;
}
#endif

/* the same as 16-bit pairs: word j/2 of z becomes p_j | p_{j+1} << 16
   (p_n = 0 for odd n); written behind the reads (the pair loop written
   out: attn__probs_pairs_asm). */
static int32_t attn__softmax_probs_pairs(int32_t *z, int n, uint64_t sum)
{
    const attn__softmax_norm nm = attn__softmax_normalise(sum);
    uint32_t psum = 0;
    int j = 0;
#if ATTN__ATT_ASM
    if (n >= 2) {
        psum = attn__probs_pairs_asm(z, n & ~1, nm.r, nm.round15, nm.shift15);
        j = n & ~1;
    }
#endif
    for (; j < n; j += 2) {
        uint32_t p0 = (uint32_t)attn__softmax_q15((uint32_t)z[j], &nm);
        uint32_t p1 = j + 1 < n ? (uint32_t)attn__softmax_q15((uint32_t)z[j + 1], &nm) : 0;
        uint32_t pp = p0 | (p1 << 16);
        psum = (uint32_t)ATTN__SMLAD(pp, 0x10001u, (int32_t)psum);
        z[j >> 1] = (int32_t)pp;
    }
    return (int32_t)psum;
}
#endif

/* ---- layer norm (INT8 ARITHMETIC) ------------------------------------------ */

/* M4/M7/M33 run a row's outputs in inline assembly (attn__ln_outs_dsp);
   not at -O0, where GCC cannot find its twelve registers */
#if ATTN__DSP && !ATTN__MVE && (defined(__GNUC__) || defined(__clang__)) && defined(__OPTIMIZE__)
#define ATTN__LN_DSP_ASM 1
#else
#define ATTN__LN_DSP_ASM 0
#endif

/* v read as a two's-complement int32, without an implementation-defined
   conversion (compiles to nothing) */
static int32_t attn__s32(uint32_t v)
{
    return v < 0x80000000u ? (int32_t)v : -(int32_t)~v - 1;
}

static int attn__bitlen64(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return v ? 64 - __builtin_clzll(v) : 0;
#else
    int n = 0;
    if (v >> 32) { n += 32; v >>= 32; }
    if (v >> 16) { n += 16; v >>= 16; }
    if (v >> 8) { n += 8; v >>= 8; }
    if (v >> 4) { n += 4; v >>= 4; }
    if (v >> 2) { n += 2; v >>= 2; }
    if (v >> 1) { n += 1; v >>= 1; }
    return n + (int)v;
#endif
}

/* m ~ 2^61 / sqrt(n) for n in [2^60, 2^62) (INT8 ARITHMETIC, layer norm):
   Newton's iteration for 1/sqrt(x), x = a / 2^30 in [1, 4), in 32-bit
   steps from a 24-entry seed; no division. */
static uint32_t attn__rsqrt61(uint64_t n)
{
    /* round(2^16 / (sqrt(i/8) + sqrt((i+1)/8))), i = 8..31: 2^15 / sqrt(x)
       with the same relative error (< 0.03) at both ends of [i/8, (i+1)/8) */
    static const uint16_t seed[24] = {
        31803, 30080, 28610, 27337, 26220, 25229, 24343, 23544, 22819, 22157, 21550, 20990,
        20472, 19990, 19540, 19120, 18726, 18355, 18005, 17674, 17362, 17065, 16783, 16514
    };
    /* n >= 2^60, so a >> 27 is 8..31 (the one caller shifts D into [2^60,
       2^62)); the analyzer cannot follow that, a false positive:
       NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
    uint32_t a = (uint32_t)(n >> 30), y = (uint32_t)seed[(a >> 27) - 8] << 16;
    int i;
    for (i = 0; i < 3; i++) { /* y = 2^31 Y: Y += Y (1 - x Y^2) / 2 */
        uint32_t t = (uint32_t)(((uint64_t)y * y) >> 32), w = (uint32_t)(((uint64_t)a * t) >> 32);
        /* (the same false positive, the seed's index, seen here:
           NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)) */
        int32_t e = attn__s32(((1u << 28) - w) << 3); /* 2^31 (1 - x Y^2), small */
        y = (uint32_t)((int64_t)y + (((int64_t)y * e) >> 32));
    }
    return y > 0x7FFFFFFFu ? 0x7FFFFFFFu : y;
}

#if !ATTN__LN_DSP_ASM
/* (a b + r) >> 32 for r = 0 (SMMUL) or 2^31 (SMMULR) */
ATTN__INLINE int32_t attn__mulhi(int32_t a, int32_t b, uint32_t r)
{
#if defined(__ARM_ARCH_6M__)
    /* no 32x32->64 multiply on the M0: four 16-bit products, as attn__srdhm */
    uint32_t al = (uint32_t)a & 0xFFFFu, bl = (uint32_t)b & 0xFFFFu, lo = al * bl, t;
    int32_t ah = a >> 16, bh = b >> 16, p1 = ah * (int32_t)bl, p2 = (int32_t)al * bh;
    int32_t hi = ah * bh + (p1 >> 16) + (p2 >> 16);
    t = lo + ((uint32_t)p1 << 16);
    hi += t < lo;
    lo = t;
    t = lo + ((uint32_t)p2 << 16);
    hi += t < lo;
    return hi + (t + r < t);
#else
    return (int32_t)(((int64_t)a * b + r) >> 32);
#endif
}

/* One output of a layer norm row from u = (d x - S1) 2^L (see INT8
   ARITHMETIC); rz = 2^15 + out_zp 2^16. */
static int8_t attn__ln_out_s8(int32_t u, int32_t m, attn_qmul g, int32_t beta, int32_t rz)
{
    int32_t h = attn__mulhi(attn__mulhi(u, m, 1u << 31), g.multiplier, 0), v; /* z: Q23 */
    int e = 6 - g.shift;
    if (e >= 0) v = h >> (e < 31 ? e : 31);
    else v = attn__shl_sat(h, -e);
#if ATTN__DSP
    /* each saturation here lands past the int8 clamp: the same result */
    return (int8_t)ATTN__SSAT(__qadd(__qadd(v, beta), rz) >> 16, 8);
#else
    return (int8_t)attn__clamp((int32_t)(((int64_t)v + beta + rz) >> 16), -128, 127);
#endif
}
#endif

#if ATTN__LN_DSP_ASM
/* The outputs of a row on M4/M7/M33: attn__ln_out_s8 in 15 instructions
   per element, 17 with beta (both compilers spill the C version). LOAD
   reads x (int8 or int32), BETA adds beta or nothing. ASR takes e = 6 -
   gamma.shift as it is (>= 32 gives the sign: the floor); e < 0 (gammas of
   64 output LSB or more) goes to the saturating left shift out of line.
   At most twelve registers. */
#define ATTN__LN_TEXT(LOAD, BETA)                                                          \
                     "1: " LOAD "\n"                                                    \
                     "ldrd %[t1], %[t2], [%[gp]], #8\n"                                  \
                     "mla %[t0], %[t0], %[dl], %[ns]\n"                                  \
                     "smmulr %[t0], %[t0], %[m]\n"                                       \
                     "smmul %[t0], %[t0], %[t1]\n"                                       \
                     "rsbs %[t2], %[t2], #6\n"                                           \
                     "bmi 3f\n"                                                          \
                     "asr %[t0], %[t0], %[t2]\n"                                         \
                     "2: " BETA "\n"                                                     \
                     "qadd %[t0], %[t0], %[rz]\n"                                        \
                     "ssat %[t0], #8, %[t0], asr #16\n"                                  \
                     "strb %[t0], [%[yp]], #1\n"                                         \
                     "cmp %[yp], %[ye]\n"                                                \
                     "bne 1b\n"                                                          \
                     "b 4f\n"                                                            \
                     "3: rsb %[t2], %[t2], #0\n"                                         \
                     "lsl %[t1], %[t0], %[t2]\n"                                         \
                     "asr %[t2], %[t1], %[t2]\n"                                         \
                     "cmp %[t2], %[t0]\n"                                                \
                     "itee eq\n"                                                         \
                     "moveq %[t0], %[t1]\n"                                              \
                     "mvnne %[t1], #0x80000000\n"                                        \
                     "eorne %[t0], %[t1], %[t0], asr #31\n"                              \
                     "b 2b\n"                                                            \
                     "4:\n"
#define ATTN__LN_OUTS [xp] "+r"(xp), [yp] "+r"(y), [gp] "+r"(gm), [t0] "=&r"(t0), [t1] "=&r"(t1), \
                      [t2] "=&r"(t2)
#define ATTN__LN_INS [ye] "r"(ye), [dl] "r"(dl), [ns] "r"(ns), [m] "r"(m), [rz] "r"(rz)
#define ATTN__LN_BETA "ldr %[t1], [%[bp]], #4\nqadd %[t0], %[t0], %[t1]"

static void attn__ln_outs_dsp(int8_t *y, const void *x, int wide, int d, const attn_qmul *gm,
                              const int32_t *beta, uint32_t dl, uint32_t ns, int32_t m,
                              int32_t rz)
{
    const char *xp = (const char *)x;
    int8_t *ye = y + d;
    uint32_t t0, t1, t2;
    if (!wide && beta)
        __asm__ volatile(ATTN__LN_TEXT("ldrsb %[t0], [%[xp]], #1", ATTN__LN_BETA)
                         : ATTN__LN_OUTS, [bp] "+r"(beta) : ATTN__LN_INS : "cc", "memory");
    else if (!wide)
        __asm__ volatile(ATTN__LN_TEXT("ldrsb %[t0], [%[xp]], #1", "")
                         : ATTN__LN_OUTS : ATTN__LN_INS : "cc", "memory");
    else if (beta)
        __asm__ volatile(ATTN__LN_TEXT("ldr %[t0], [%[xp]], #4", ATTN__LN_BETA)
                         : ATTN__LN_OUTS, [bp] "+r"(beta) : ATTN__LN_INS : "cc", "memory");
    else
        __asm__ volatile(ATTN__LN_TEXT("ldr %[t0], [%[xp]], #4", "")
                         : ATTN__LN_OUTS : ATTN__LN_INS : "cc", "memory");
}
#undef ATTN__LN_TEXT
#undef ATTN__LN_OUTS
#undef ATTN__LN_INS
#undef ATTN__LN_BETA
#endif

#if ATTN__MVE
/* Four outputs of a layer norm row at once: the same integers as
   attn__ln_out_s8 (VRMULH and VMULH are its two multiplies; VQSHL by a
   signed per-lane amount is its shift by gamma.shift - 6: floor to the
   right, saturating to the left; sat(t 2^8) >> 24 is clamp(t >> 16)). */
ATTN__INLINE void attn__ln_out4_s8(int8_t *y, int32x4_t u, int32x4_t m, const attn_qmul *gm,
                                   const int32_t *beta, int32_t rz)
{
    int32x4x2_t g = vld2q_s32((const int32_t *)gm); /* multipliers, shifts */
    int32x4_t v = vqshlq_s32(vmulhq_s32(vrmulhq_s32(u, m), g.val[0]), vsubq_n_s32(g.val[1], 6));
    if (beta) v = vqaddq_s32(v, vldrwq_s32(beta)); /* (no beta: + 0) */
    v = vqshlq_n_s32(vqaddq_n_s32(v, rz), 8);
    vstrbq_s32(y, vshrq_n_s32(v, 24));
}
#endif

/* Layer norm of one row, x: d int8 values, or int32 when wide. */
static void attn__layernorm_row_s8(int8_t *y, const void *x, int wide, int d,
                                   const attn_layernorm_s8_params *p)
{
    const int8_t *x8 = (const int8_t *)x; /* (an int32 pointer only when wide) */
    const uint64_t lim = ((uint64_t)1 << 62) - 1;
    const attn_qmul *gm = p->gamma;
    const int32_t *beta = p->beta;
    uint32_t s1 = 0, dl, ns, m;
    uint64_t s2 = 0, dv;
    int32_t mr, rz = p->out_zp * 65536 + 32768;
    int c = 0, k, sl;

    /* S1 (mod 2^32: exact within the documented bounds) and S2 */
    if (!wide) {
        int32_t a1 = 0, a2 = 0; /* |S1| <= 2^18, S2 <= 2^25 */
#if ATTN__MVE
        for (; c + 16 <= d; c += 16) {
            int8x16_t v = vldrbq_s8(x8 + c);
            a1 = vaddvaq_s8(a1, v);
            a2 = vmladavaq_s8(a2, v, v);
        }
        if (c < d) {
            mve_pred16_t pr = vctp8q((uint32_t)(d - c));
            int8x16_t v = vldrbq_z_s8(x8 + c, pr);
            a1 = vaddvaq_p_s8(a1, v, pr);
            a2 = vmladavaq_p_s8(a2, v, v, pr);
            c = d;
        }
#elif ATTN__DSP
        for (; c + 4 <= d; c += 4) {
            uint32_t w, lo, hi;
            memcpy(&w, x8 + c, 4);
            lo = ATTN__SXTB16(w);
            hi = ATTN__SXTB16((w >> 8) | (w << 24)); /* bytes 1 and 3 */
            a2 = ATTN__SMLAD(lo, lo, a2);
            a2 = ATTN__SMLAD(hi, hi, a2);
            a1 = ATTN__SMLAD(ATTN__SADD16(lo, hi), 0x00010001u, a1);
        }
#endif
        for (; c < d; c++) {
            a1 += x8[c];
            a2 += x8[c] * x8[c];
        }
        s1 = (uint32_t)a1;
        s2 = (uint32_t)a2;
    } else {
        const int32_t *x32 = (const int32_t *)x;
#if ATTN__MVE
        int32_t a1 = 0; /* both wrap as the C sums do */
        int64_t a2 = 0;
        for (; c + 4 <= d; c += 4) {
            int32x4_t v = vldrwq_s32(x32 + c);
            a1 = vaddvaq_s32(a1, v);
            a2 = vmlaldavaq_s32(a2, v, v);
        }
        if (c < d) {
            mve_pred16_t pr = vctp32q((uint32_t)(d - c));
            int32x4_t v = vldrwq_z_s32(x32 + c, pr);
            a1 = vaddvaq_p_s32(a1, v, pr);
            a2 = vmlaldavaq_p_s32(a2, v, v, pr);
            c = d;
        }
        s1 = (uint32_t)a1;
        s2 = (uint64_t)a2;
#elif defined(__ARM_ARCH_6M__)
        { /* no 32x32->64 multiply on the M0: v^2 from three 16-bit products */
            uint32_t lo = 0, hi = 0;
            for (; c < d; c++) {
                int32_t v = x32[c], vh = v >> 16, mid;
                uint32_t vl = (uint32_t)v & 0xFFFFu, q = vl * vl, t;
                mid = vh * (int32_t)vl; /* v^2 = vh^2 2^32 + mid 2^17 + q */
                hi += (uint32_t)(vh * vh) + (uint32_t)(mid >> 15);
                t = q + ((uint32_t)mid << 17);
                hi += t < q;
                lo += t;
                hi += lo < t;
                s1 += (uint32_t)v;
            }
            s2 = (uint64_t)hi << 32 | lo;
        }
#else
        for (; c + 4 <= d; c += 4) { /* four at a time: LDM-class loads, one SMLAL each */
            int32_t v0 = x32[c], v1 = x32[c + 1], v2 = x32[c + 2], v3 = x32[c + 3];
            s1 += (uint32_t)v0 + (uint32_t)v1 + (uint32_t)v2 + (uint32_t)v3;
            s2 += (uint64_t)((int64_t)v0 * v0);
            s2 += (uint64_t)((int64_t)v1 * v1);
            s2 += (uint64_t)((int64_t)v2 * v2);
            s2 += (uint64_t)((int64_t)v3 * v3);
        }
#endif
        for (; c < d; c++) {
            s1 += (uint32_t)x32[c];
            s2 += (uint64_t)((int64_t)x32[c] * x32[c]);
        }
    }

    /* D = d S2 - S1^2 + eps, saturated to 2^62 - 1; N = D 4^k in [2^60, 2^62) */
    dv = (uint64_t)d * s2 - (uint64_t)((int64_t)attn__s32(s1) * attn__s32(s1));
    dv = dv >= lim || (uint64_t)p->eps >= lim - dv ? lim : dv + (uint64_t)p->eps;
    k = (62 - attn__bitlen64(dv)) >> 1;
    m = attn__rsqrt61(dv << (2 * k));
    /* 2^55 / sqrt(D) ~ m 2^(k-6) = M 2^L (mr, sl); u = x * (d 2^L) + ns */
    if (k >= 6) {
        sl = k - 6;
        mr = (int32_t)m;
    } else {
        sl = 0;
        mr = (int32_t)((m + (1u << (5 - k))) >> (6 - k));
    }
    dl = (uint32_t)d << sl;
    ns = 0u - (s1 << sl);

#if ATTN__LN_DSP_ASM
    attn__ln_outs_dsp(y, x, wide, d, gm, beta, dl, ns, mr, rz);
#else
#if ATTN__MVE
    {
        /* with and without beta apart (no beta: nothing added) */
        const int32_t *bp = beta;
        const attn_qmul *gp = gm;
        int8_t *yp = y;
        int32x4_t vdl = vdupq_n_s32(attn__s32(dl)), vm = vdupq_n_s32(mr);
        int32_t vns = attn__s32(ns);
        int n4 = d >> 2;
        if (!wide) {
            const int8_t *xp = x8;
            if (bp)
                for (; n4 > 0; n4--, xp += 4, yp += 4, gp += 4, bp += 4)
                    attn__ln_out4_s8(yp, vmlasq_n_s32(vldrbq_s32(xp), vdl, vns), vm, gp, bp, rz);
            else
                for (; n4 > 0; n4--, xp += 4, yp += 4, gp += 4)
                    attn__ln_out4_s8(yp, vmlasq_n_s32(vldrbq_s32(xp), vdl, vns), vm, gp, NULL, rz);
        } else {
            const int32_t *xp = (const int32_t *)x;
            if (bp)
                for (; n4 > 0; n4--, xp += 4, yp += 4, gp += 4, bp += 4)
                    attn__ln_out4_s8(yp, vmlasq_n_s32(vldrwq_s32(xp), vdl, vns), vm, gp, bp, rz);
            else
                for (; n4 > 0; n4--, xp += 4, yp += 4, gp += 4)
                    attn__ln_out4_s8(yp, vmlasq_n_s32(vldrwq_s32(xp), vdl, vns), vm, gp, NULL, rz);
        }
        c = d & ~3;
    }
#else
    c = 0;
#endif
    for (; c < d; c++) {
        uint32_t xc = wide ? (uint32_t)((const int32_t *)x)[c] : (uint32_t)x8[c];
        y[c] = attn__ln_out_s8(attn__s32(xc * dl + ns), mr, gm[c], beta ? beta[c] : 0, rz);
    }
#endif
}

#if ATTN__DSP && !ATTN__MVE
/* SXTB16 of x rotated right by 8: bytes 1 and 3 sign-extended to halves. */
static uint32_t attn__sxtb16_ror8(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return ATTN__SXTB16(__ror(x, 8));
#endif
}

/* SXTAB16 of x rotated right by 8: a's halves plus bytes 1 and 3 of x. */
static uint32_t attn__sxtab16_ror8(uint32_t a, uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
#else
    return ATTN__SXTAB16(a, __ror(x, 8));
#endif
}
#endif

/* sum (x[i] + off) * w[i] over n int8 pairs (|sum| < 2^31 for n <= 32768). */
static int32_t attn__dot_s8(const int8_t *x, const int8_t *w, int n, int32_t off)
{
#if ATTN__MVE
    /* sum x*w + off * sum w, 16 lanes at a time, the tail predicated: the
       same integer (|each sum| < 2^29, no overflow) */
    int32_t xw = 0, sw = 0;
    int i;
    for (i = 0; i < n; i += 16) {
        mve_pred16_t pr = vctp8q((uint32_t)(n - i));
        int8x16_t xv = vldrbq_z_s8(x + i, pr), wv = vldrbq_z_s8(w + i, pr);
        xw = vmladavaq_p_s8(xw, xv, wv, pr);
        sw = vaddvaq_p_s8(sw, wv, pr);
    }
    return xw + off * sw;
#else
    int32_t acc = 0;
    int i = 0;
#if ATTN__DSP
    {
        /* four at a time: SXTAB16 sign-extends bytes 0,2 and (rotated) 1,3
           into 16-bit lanes and adds the offset (|x + off| <= 255), SMLAD
           multiplies and adds both lanes. Same integers as the C loop. */
        const uint32_t off2 = ((uint32_t)(uint16_t)off << 16) | (uint16_t)off;
        for (; i + 4 <= n; i += 4) {
            uint32_t xv, wv;
            memcpy(&xv, x + i, 4); /* unaligned 32-bit loads are fine on v7-M/v8-M */
            memcpy(&wv, w + i, 4);
            acc = ATTN__SMLAD(ATTN__SXTAB16(off2, xv), ATTN__SXTB16(wv), acc);
            acc = ATTN__SMLAD(attn__sxtab16_ror8(off2, xv), attn__sxtb16_ror8(wv), acc);
        }
    }
#endif
    for (; i < n; i++) acc += (x[i] + off) * w[i];
    return acc;
#endif
}

/* A linear layer's constants for one call, read once: the bias the sums
   start from (the fused one when the parameters carry it, and then no
   input offset), the offset added to each x, the output clamp. */
typedef struct {
    const int8_t *w;
    const int32_t *bias;
    const attn_qmul *rq;
    int32_t off, zp, lo, hi;
    int top; /* hi == 127 */
} attn__lin;

static void attn__lin_init(attn__lin *L, const attn_linear_s8_params *p)
{
    L->w = p->w;
    L->rq = p->requant;
    L->bias = p->fused_bias ? p->fused_bias : p->bias;
    L->off = p->fused_bias ? 0 : -p->in_zp;
    L->zp = p->out_zp;
    L->lo = p->act_min;
    L->hi = p->act_max;
    L->top = p->act_max == 127;
}

/* One output: bias (saturating), requantization, zero point, clamp. The
   requantized value is clamped to [-256, 255] first: with |zp| <= 128
   that is the same as adding zp in int32 and clamping, without a 64-bit
   add (SSAT on the DSP cores). With act_max = 127 (decided once per call)
   a saturating add and SSAT to 8 bits, then the lower bound. */
ATTN__INLINE int8_t attn__lin_out(int32_t acc, const int32_t *bias, const attn_qmul *m,
                                  int32_t zp, int32_t lo, int32_t hi, int top)
{
    int32_t v = attn__requant(bias ? attn__qadd(acc, *bias) : acc, *m);
#if ATTN__DSP
    if (top) { /* hi == 127: saturate to int8, then the lower bound */
        v = ATTN__SSAT(attn__qadd(v, zp), 8);
        return (int8_t)(v < lo ? lo : v);
    }
    v = ATTN__SSAT(v, 9) + zp;
#else
    (void)top;
    v = attn__clamp(v, -256, 255) + zp;
#endif
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

#if ATTN__MVE
/* requant of four lanes (per-lane multiplier and shift): the saturating
   left shift, VQRDMULH (= attn__srdhm), then the rounding right shift with
   ties away from zero: VRSHL rounds half up, so a negative value is first
   made one smaller (as attn__rshift_rq). Bit-identical to attn__requant. */
ATTN__INLINE int32x4_t attn__requant_mve(int32x4_t a, int32x4_t mul, int32x4_t shift)
{
    int32x4_t zero = vdupq_n_s32(0), right = vminq_s32(shift, zero);
    a = vqrdmulhq_s32(vqshlq_s32(a, vmaxq_s32(shift, zero)), mul);
    a = vaddq_s32(a, vshrq_n_s32(vandq_s32(a, right), 31));
    return vrshlq_s32(a, right);
}

/* Four outputs y[0..3] from their int32 sums, as attn__lin_out each
   (VQADD of the zero point saturates exactly where the scalar clamp
   does). m: their {multiplier, shift} pairs, bias: theirs or NULL. */
ATTN__INLINE void attn__lin_out4_mve(int8_t *y, int32x4_t acc, const attn_qmul *m,
                                     const int32_t *bias, int32x4_t zp, int32x4_t lo, int32x4_t hi)
{
    int32x4x2_t mv = vld2q_s32(&m->multiplier); /* deinterleaved: multipliers, shifts */
    int32x4_t v;
    if (bias) acc = vqaddq_s32(acc, vldrwq_s32(bias));
    v = vqaddq_s32(attn__requant_mve(acc, mv.val[0], mv.val[1]), zp);
    vstrbq_s32(y, vmaxq_s32(vminq_s32(v, hi), lo));
}
#endif

#if ATTN__DSP && !ATTN__MVE && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__)
#define ATTN__DOT4_ASM 1
/* The DSP inner loops, written out so that GCC and clang both keep every
   value in a register (thirteen of them; the end pointer is read from
   memory once per pass). GCC only, and only when optimising (at -O0 GCC
   cannot allocate them either): clang 14 keeps r7 as its frame pointer and
   its allocator gives up on thirteen operands, so clang builds use the same
   loops written with ACLE intrinsics below.
   x has no offset (a fused bias, or in_zp 0). SXTB16 sign-extends bytes
   0,2 (and, rotated, 1,3) of a word into 16-bit lanes; SMLAD multiplies
   both lanes and adds. count is a positive multiple of 8, stride the
   length of a weight row (and of an x row).

   attn__dot1x4_asm: one x row, four weight rows (acc[k] for w + k*stride):
   per x word 1 load + 2 SXTB16, then per weight row 1 load, 2 SXTB16,
   2 SMLAD: 23 instructions per 16 MACs.
   The two-by-two words (ATTN__ASM_WORD2x2, for attn__block2x2_asm below):
   two x rows (x, x + stride) and two weight rows (w, w + stride): per word
   4 loads, 8 extends, 8 SMLAD: 20 instructions per 16 MACs, every unpacked
   word used twice. */
#define ATTN__ASM_W1x4(W, S)                                                    \
    "ldr %[t], [%[" W "]], #4\n\t"                                              \
    "sxtb16 %[u], %[t]\n\t"                                                     \
    "sxtb16 %[t], %[t], ror #8\n\t"                                             \
    "smlad %[" S "], %[a], %[u], %[" S "]\n\t"                                  \
    "smlad %[" S "], %[b], %[t], %[" S "]\n\t"
#define ATTN__ASM_WORD1x4                                                       \
    "ldr %[b], [%[x]], #4\n\t"                                                  \
    "sxtb16 %[a], %[b]\n\t"                                                     \
    "sxtb16 %[b], %[b], ror #8\n\t"                                             \
    ATTN__ASM_W1x4("w0", "s0") ATTN__ASM_W1x4("w1", "s1")                       \
    ATTN__ASM_W1x4("w2", "s2") ATTN__ASM_W1x4("w3", "s3")
static void attn__dot1x4_asm(int32_t *acc, const int8_t *x, const int8_t *w, int stride, int count)
{
    const int8_t *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride, *end = x + count;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    uint32_t a, b, t, u;
    __asm__("1:\n\t" ATTN__ASM_WORD1x4 ATTN__ASM_WORD1x4
            "ldr %[t], %[end]\n\t"
            "cmp %[x], %[t]\n\t"
            "bne 1b\n\t"
            : [x] "+r"(x), [w0] "+r"(w), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3),
              [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [a] "=&r"(a),
              [b] "=&r"(b), [t] "=&r"(t), [u] "=&r"(u)
            : [end] "m"(end)
            : "cc", "memory");
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
}

#define ATTN__DOT2X2_ASM 1
#define ATTN__ASM_W2x2(LD, S0, S1)                                              \
    LD                                                                          \
    "sxtb16 %[u], %[t]\n\t"                                                     \
    "sxtb16 %[t], %[t], ror #8\n\t"                                             \
    "smlad %[" S0 "], %[a0], %[u], %[" S0 "]\n\t"                               \
    "smlad %[" S0 "], %[b0], %[t], %[" S0 "]\n\t"                               \
    "smlad %[" S1 "], %[a1], %[u], %[" S1 "]\n\t"                               \
    "smlad %[" S1 "], %[b1], %[t], %[" S1 "]\n\t"
#define ATTN__ASM_WORD2x2                                                       \
    "ldr %[b1], [%[x], %[n]]\n\t"                                               \
    "ldr %[b0], [%[x]], #4\n\t"                                                 \
    "sxtb16 %[a1], %[b1]\n\t"                                                   \
    "sxtb16 %[b1], %[b1], ror #8\n\t"                                           \
    "sxtb16 %[a0], %[b0]\n\t"                                                   \
    "sxtb16 %[b0], %[b0], ror #8\n\t"                                           \
    ATTN__ASM_W2x2("ldr %[t], [%[w], %[n]]\n\t", "s01", "s11")                  \
    ATTN__ASM_W2x2("ldr %[t], [%[w]], #4\n\t", "s00", "s10")
/* The requantization of one sum S, in registers: (t:u) = S * M + 2^30,
   S = bits 31..62 (attn__srdhm), the rounding right shift by -shift
   (N1 = -shift - 1, attn__rshift_rq), + zp saturating, SSAT to int8, the
   lower bound: attn__lin_out_r. */
#define ATTN__ASM_REQ_CORE(S, M, N1)                                            \
    "mov %[t], #0x40000000\n\t"                                                 \
    "mov %[u], #0\n\t"                                                          \
    "smlal %[t], %[u], %[" S "], %[" M "]\n\t"                                  \
    "lsr %[t], %[t], #31\n\t"                                                   \
    "orr %[" S "], %[t], %[u], lsl #1\n\t"                                      \
    "add %[" S "], %[" S "], %[" S "], asr #31\n\t"                             \
    "asr %[" S "], %[" S "], %[" N1 "]\n\t"                                     \
    "and %[t], %[" S "], #1\n\t"                                                \
    "add %[" S "], %[t], %[" S "], asr #1\n\t"                                  \
    "qadd %[" S "], %[" S "], %[w]\n\t"                                         \
    "ssat %[" S "], #8, %[" S "]\n\t"
/* with act_min above -128 (a fused ReLU) the lower bound too */
#define ATTN__ASM_REQ(S, M, N1)                                                 \
    ATTN__ASM_REQ_CORE(S, M, N1)                                                \
    "cmp %[" S "], %[n]\n\t"                                                    \
    "it lt\n\t"                                                                 \
    "movlt %[" S "], %[n]\n\t"
/* Two x rows (x, x + in) by two channels (w, w + in), in % 8 == 0, and
   their four outputs y[0], y[1], y[out], y[out + 1], for channels whose
   shifts are negative, act_max 127, a bias b[0..1] and multipliers m[0..1]
   (attn__linear_pairs_dsp checks that): the sums never leave registers. */
/* The state the block loop walks: the asm reads it and advances b, m and
   y itself, so that the compiler keeps nothing of it in registers. */
typedef struct {
    const int32_t *b;     /* the pair's biases                      */
    const attn_qmul *m;   /* the pair's multipliers and shifts       */
    int8_t *y;            /* the outputs of the first row            */
    const int8_t *end;    /* x + in                                  */
    int32_t out, zp, lo;  /* y's row length, zero point, lower bound */
} attn__blk;
#define ATTN__BLOCK2X2_FN(NAME, REQ)                                                       \
static void NAME(attn__blk *c, const int8_t *x, const int8_t *w, int in)                   \
{                                                                                          \
    int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0, n = in;                                    \
    uint32_t a0, b0, a1, b1, t, u;                                                         \
    /* volatile: its results are the stores, which the compiler cannot see */              \
    __asm__ volatile(/* in % 16 == 8: two words first; then four per pass */               \
            "tst %[n], #8\n\t"                                                             \
            "beq 2f\n\t"                                                                   \
            ATTN__ASM_WORD2x2 ATTN__ASM_WORD2x2                                            \
            "2:\n\t"                                                                       \
            "ldr %[t], %[end]\n\t"                                                         \
            "cmp %[x], %[t]\n\t"                                                           \
            "beq 3f\n\t"                                                                   \
            "1:\n\t" ATTN__ASM_WORD2x2 ATTN__ASM_WORD2x2 ATTN__ASM_WORD2x2 ATTN__ASM_WORD2x2 \
            "ldr %[t], %[end]\n\t"                                                         \
            "cmp %[x], %[t]\n\t"                                                           \
            "bne 1b\n\t"                                                                   \
            "3:\n\t"                                                                       \
            /* biases (saturating), multipliers and shifts, zp and lo */                   \
            "ldr %[x], %[bp]\n\t"                                                          \
            "ldrd %[t], %[u], [%[x]], #8\n\t"                                              \
            "str %[x], %[bp]\n\t"                                                          \
            "qadd %[s00], %[s00], %[t]\n\t"                                                \
            "qadd %[s10], %[s10], %[t]\n\t"                                                \
            "qadd %[s01], %[s01], %[u]\n\t"                                                \
            "qadd %[s11], %[s11], %[u]\n\t"                                                \
            "ldr %[x], %[mp]\n\t"                                                          \
            "ldrd %[a0], %[b0], [%[x]]\n\t"                                                \
            "ldrd %[a1], %[b1], [%[x], #8]\n\t"                                            \
            "add %[x], %[x], #16\n\t"                                                      \
            "str %[x], %[mp]\n\t"                                                          \
            "mvn %[b0], %[b0]\n\t"                                                         \
            "mvn %[b1], %[b1]\n\t"                                                         \
            "ldr %[w], %[zp]\n\t"                                                          \
            "ldr %[n], %[lo]\n\t"                                                          \
            REQ("s00", "a0", "b0") REQ("s10", "a0", "b0")                                  \
            REQ("s01", "a1", "b1") REQ("s11", "a1", "b1")                                  \
            "ldr %[x], %[yp]\n\t"                                                          \
            "ldr %[t], %[outp]\n\t"                                                        \
            "strb %[s01], [%[x], #1]\n\t"                                                  \
            "strb %[s00], [%[x]], #2\n\t"                                                  \
            "str %[x], %[yp]\n\t"                                                          \
            "add %[x], %[x], %[t]\n\t"                                                     \
            "strb %[s11], [%[x], #-1]\n\t"                                                 \
            "strb %[s10], [%[x], #-2]\n\t"                                                 \
            : [x] "+r"(x), [w] "+r"(w), [n] "+r"(n), [s00] "+r"(s00), [s01] "+r"(s01),     \
              [s10] "+r"(s10), [s11] "+r"(s11), [a0] "=&r"(a0), [b0] "=&r"(b0), [a1] "=&r"(a1), \
              [b1] "=&r"(b1), [t] "=&r"(t), [u] "=&r"(u), [bp] "+m"(c->b), [mp] "+m"(c->m), \
              [yp] "+m"(c->y)                                                              \
            : [end] "m"(c->end), [zp] "m"(c->zp), [lo] "m"(c->lo), [outp] "m"(c->out)        \
            : "cc", "memory");                                                             \
}
ATTN__BLOCK2X2_FN(attn__block2x2_asm, ATTN__ASM_REQ)
#if !defined(__OPTIMIZE_SIZE__)
/* act_min -128: no lower bound to apply (SSAT did it); at -Os the one
   function above serves both, three instructions more per output */
ATTN__BLOCK2X2_FN(attn__block2x2_full_asm, ATTN__ASM_REQ_CORE)
#else
#define attn__block2x2_full_asm attn__block2x2_asm
#endif
/* One x row (a generation step) by four channels (w, w + in, w + 2 in,
   w + 3 in), in % 16 == 0, their outputs y[0..3] requantized in registers
   as above, c->b, c->m and c->y advanced by four: the loop of
   attn__dot1x4_asm (23 instructions per 16 MACs) without leaving
   registers for the outputs. The operands are named so that the REQ
   macros find zp in [w] and lo in [n] (two weight pointers, free then). */
#define ATTN__BLOCK1X4_FN(NAME, REQ, WORD)                                                 \
static void NAME(attn__blk *c, const int8_t *x, const int8_t *w, int in)                   \
{                                                                                          \
    const int8_t *n = w + in, *w2 = n + in, *w3 = w2 + in;                                 \
    int32_t s0, s1, s2, s3;                                                                \
    uint32_t a, b, t, u;                                                                   \
    __asm__ volatile("movs %[s0], #0\n\t"                                                   \
            "movs %[s1], #0\n\t"                                                           \
            "movs %[s2], #0\n\t"                                                           \
            "movs %[s3], #0\n\t"                                                           \
            "1:\n\t" WORD WORD WORD WORD                                                     \
            "ldr %[t], %[end]\n\t"                                                         \
            "cmp %[x], %[t]\n\t"                                                           \
            "bne 1b\n\t"                                                                   \
            "ldr %[x], %[bp]\n\t"                                                          \
            "ldrd %[t], %[u], [%[x]], #8\n\t"                                              \
            "qadd %[s0], %[s0], %[t]\n\t"                                                  \
            "qadd %[s1], %[s1], %[u]\n\t"                                                  \
            "ldrd %[t], %[u], [%[x]], #8\n\t"                                              \
            "qadd %[s2], %[s2], %[t]\n\t"                                                  \
            "qadd %[s3], %[s3], %[u]\n\t"                                                  \
            "str %[x], %[bp]\n\t"                                                          \
            "ldr %[x], %[mp]\n\t"                                                          \
            "ldrd %[a], %[b], [%[x]], #8\n\t"                                              \
            "ldrd %[w2], %[w3], [%[x]], #8\n\t"                                            \
            "mvn %[b], %[b]\n\t"                                                           \
            "mvn %[w3], %[w3]\n\t"                                                         \
            "ldr %[w], %[zp]\n\t"                                                          \
            "ldr %[n], %[lo]\n\t"                                                          \
            REQ("s0", "a", "b") REQ("s1", "w2", "w3")                                      \
            "ldrd %[a], %[b], [%[x]], #8\n\t"                                              \
            "ldrd %[w2], %[w3], [%[x]], #8\n\t"                                            \
            "str %[x], %[mp]\n\t"                                                          \
            "mvn %[b], %[b]\n\t"                                                           \
            "mvn %[w3], %[w3]\n\t"                                                         \
            REQ("s2", "a", "b") REQ("s3", "w2", "w3")                                      \
            "ldr %[x], %[yp]\n\t"                                                          \
            "strb %[s1], [%[x], #1]\n\t"                                                   \
            "strb %[s2], [%[x], #2]\n\t"                                                   \
            "strb %[s3], [%[x], #3]\n\t"                                                   \
            "strb %[s0], [%[x]], #4\n\t"                                                   \
            "str %[x], %[yp]\n\t"                                                          \
            : [x] "+r"(x), [w] "+r"(w), [n] "+r"(n), [w2] "+r"(w2), [w3] "+r"(w3),         \
              [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3), [a] "=&r"(a), \
              [b] "=&r"(b), [t] "=&r"(t), [u] "=&r"(u), [bp] "+m"(c->b), [mp] "+m"(c->m),  \
              [yp] "+m"(c->y)                                                              \
            : [end] "m"(c->end), [zp] "m"(c->zp), [lo] "m"(c->lo)                          \
            : "cc", "memory");                                                             \
}
#define ATTN__ASM_WORD1x4R                                                      \
    "ldr %[b], [%[x]], #4\n\t"                                                  \
    "sxtb16 %[a], %[b]\n\t"                                                     \
    "sxtb16 %[b], %[b], ror #8\n\t"                                             \
    ATTN__ASM_W1x4("w", "s0") ATTN__ASM_W1x4("n", "s1")                         \
    ATTN__ASM_W1x4("w2", "s2") ATTN__ASM_W1x4("w3", "s3")
ATTN__BLOCK1X4_FN(attn__block1x4_asm, ATTN__ASM_REQ, ATTN__ASM_WORD1x4R)
#if !defined(__OPTIMIZE_SIZE__)
ATTN__BLOCK1X4_FN(attn__block1x4_full_asm, ATTN__ASM_REQ_CORE, ATTN__ASM_WORD1x4R)
#else
#define attn__block1x4_full_asm attn__block1x4_asm
#endif
/* The same over x already unpacked (attn__unpack_x16: per x word its two
   SXTB16 words, so one LDRD replaces a load and two extends): 21
   instructions per 16 MACs, in % 16 == 0. x is the unpacked row, c->end
   its end. */
#define ATTN__ASM_WORD1x4X                                                      \
    "ldrd %[a], %[b], [%[x]], #8\n\t"                                           \
    ATTN__ASM_W1x4("w", "s0") ATTN__ASM_W1x4("n", "s1")                         \
    ATTN__ASM_W1x4("w2", "s2") ATTN__ASM_W1x4("w3", "s3")
ATTN__BLOCK1X4_FN(attn__block1x4x_asm, ATTN__ASM_REQ, ATTN__ASM_WORD1x4X)
#if !defined(__OPTIMIZE_SIZE__)
ATTN__BLOCK1X4_FN(attn__block1x4x_full_asm, ATTN__ASM_REQ_CORE, ATTN__ASM_WORD1x4X)
#else
#define attn__block1x4x_full_asm attn__block1x4x_asm
#endif
#else
#define ATTN__DOT4_ASM 0
#endif
#ifndef ATTN__DOT2X2_ASM
#define ATTN__DOT2X2_ASM 0
#endif

#if ATTN__DSP && !ATTN__MVE && defined(__clang__) && defined(__OPTIMIZE__)
#define ATTN__DOT1X2_ASM 1
/* clang's DSP loop: one x row against two weight rows in ten registers
   (clang 14 allocates that much beside its frame pointer); two passes make
   the four rows of attn__dot4_s8. Per x word 1 load + 2 SXTB16, per weight
   row 1 load, 2 SXTB16, 2 SMLAD: 13 instructions per 8 MACs, two words per
   pass; count a positive multiple of 8, x without offset. */
#define ATTN__ASM_WORD1x2                                                       \
    "ldr %[b], [%[x]], #4\n\t"                                                  \
    "sxtb16 %[a], %[b]\n\t"                                                     \
    "sxtb16 %[b], %[b], ror #8\n\t"                                             \
    "ldr %[t], [%[w0]], #4\n\t"                                                 \
    "sxtb16 %[u], %[t]\n\t"                                                     \
    "sxtb16 %[t], %[t], ror #8\n\t"                                             \
    "smlad %[s0], %[a], %[u], %[s0]\n\t"                                        \
    "smlad %[s0], %[b], %[t], %[s0]\n\t"                                        \
    "ldr %[t], [%[w1]], #4\n\t"                                                 \
    "sxtb16 %[u], %[t]\n\t"                                                     \
    "sxtb16 %[t], %[t], ror #8\n\t"                                             \
    "smlad %[s1], %[a], %[u], %[s1]\n\t"                                        \
    "smlad %[s1], %[b], %[t], %[s1]\n\t"
static void attn__dot1x2_asm(int32_t *acc, const int8_t *x, const int8_t *w, int stride, int count)
{
    const int8_t *w1 = w + stride, *end = x + count;
    int32_t s0 = 0, s1 = 0;
    uint32_t a, b, t, u;
    __asm__("1:\n\t" ATTN__ASM_WORD1x2 ATTN__ASM_WORD1x2
            "cmp %[x], %[end]\n\t"
            "bne 1b\n\t"
            : [x] "+r"(x), [w0] "+r"(w), [w1] "+r"(w1), [s0] "+r"(s0), [s1] "+r"(s1),
              [a] "=&r"(a), [b] "=&r"(b), [t] "=&r"(t), [u] "=&r"(u)
            : [end] "r"(end)
            : "cc", "memory");
    acc[0] = s0;
    acc[1] = s1;
}
#else
#define ATTN__DOT1X2_ASM 0
#endif

#if ATTN__MVE
/* Four weight rows (w, w + n, w + 2n, w + 3n) against x, as one vector of
   sums: 16 lanes per step, unpredicated, one predicated tail. Small
   functions of their own, so that both compilers keep the loops in
   registers. With an offset, sum (x + off) w = sum x w + off sum w (each
   |sum| < 2^29). */
ATTN__INLINE int32x4_t attn__dot4_mve(const int8_t *x, const int8_t *w, int n)
{
    const int8_t *w1 = w + n, *w2 = w1 + n, *w3 = w2 + n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int32x4_t a;
    int k = n >> 4;
    while (k-- > 0) {
        int8x16_t xv = vldrbq_s8(x);
        s0 = vmladavaq_s8(s0, xv, vldrbq_s8(w));
        s1 = vmladavaq_s8(s1, xv, vldrbq_s8(w1));
        s2 = vmladavaq_s8(s2, xv, vldrbq_s8(w2));
        s3 = vmladavaq_s8(s3, xv, vldrbq_s8(w3));
        x += 16;
        w += 16;
        w1 += 16;
        w2 += 16;
        w3 += 16;
    }
    if (n & 15) {
        mve_pred16_t pr = vctp8q((uint32_t)(n & 15));
        int8x16_t xv = vldrbq_z_s8(x, pr); /* zeroed lanes add nothing */
        s0 = vmladavaq_s8(s0, xv, vldrbq_z_s8(w, pr));
        s1 = vmladavaq_s8(s1, xv, vldrbq_z_s8(w1, pr));
        s2 = vmladavaq_s8(s2, xv, vldrbq_z_s8(w2, pr));
        s3 = vmladavaq_s8(s3, xv, vldrbq_z_s8(w3, pr));
    }
    a = vdupq_n_s32(s0);
    a = vsetq_lane_s32(s1, a, 1);
    a = vsetq_lane_s32(s2, a, 2);
    return vsetq_lane_s32(s3, a, 3);
}

/* The same as a call of its own: the one-row loop stays simple. */
ATTN__NOINLINE int32x4_t attn__dot4_call_mve(const int8_t *x, const int8_t *w, int n)
{
    return attn__dot4_mve(x, w, n);
}

/* The weights' four row sums, for an offset without a fused bias. */
ATTN__NOINLINE int32x4_t attn__wsum4_mve(const int8_t *w, int n)
{
    const int8_t *w1 = w + n, *w2 = w1 + n, *w3 = w2 + n;
    int32_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    int32x4_t a;
    int i;
    for (i = 0; i < n; i += 16) {
        mve_pred16_t pr = vctp8q((uint32_t)(n - i));
        t0 = vaddvaq_p_s8(t0, vldrbq_z_s8(w + i, pr), pr);
        t1 = vaddvaq_p_s8(t1, vldrbq_z_s8(w1 + i, pr), pr);
        t2 = vaddvaq_p_s8(t2, vldrbq_z_s8(w2 + i, pr), pr);
        t3 = vaddvaq_p_s8(t3, vldrbq_z_s8(w3 + i, pr), pr);
    }
    a = vdupq_n_s32(t0);
    a = vsetq_lane_s32(t1, a, 1);
    a = vsetq_lane_s32(t2, a, 2);
    return vsetq_lane_s32(t3, a, 3);
}
#endif

/* Four output channels o..o+3 of one row: their four weight rows against
   x, each x load (and, on the DSP cores, its unpacking) shared by the four.
   acc[k] = sum_i (x[i] + off) * w[o+k][i], exactly as attn__dot_s8. */
ATTN__INLINE void attn__dot4_s8(int32_t *acc, const int8_t *x, const int8_t *w, int n, int32_t off)
{
    const int8_t *w0 = w, *w1 = w0 + n, *w2 = w1 + n, *w3 = w2 + n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
#if ATTN__DSP && !ATTN__MVE
    {
        /* per 4 inputs: 1 load + 2 SXTAB16 for x, then per row 1 load,
           2 SXTB16, 2 SMLAD: 23 instructions per 16 MACs */
        const uint32_t off2 = ((uint32_t)(uint16_t)off << 16) | (uint16_t)off;
#if ATTN__DOT4_ASM
        if (off == 0 && n >= 8) {
            i = n & ~7;
            attn__dot1x4_asm(acc, x, w, n, i);
            s0 = acc[0];
            s1 = acc[1];
            s2 = acc[2];
            s3 = acc[3];
        }
#elif ATTN__DOT1X2_ASM
        if (off == 0 && n >= 8) {
            i = n & ~7;
            attn__dot1x2_asm(acc, x, w, n, i);
            attn__dot1x2_asm(acc + 2, x, w2, n, i);
            s0 = acc[0];
            s1 = acc[1];
            s2 = acc[2];
            s3 = acc[3];
        }
#endif
        for (; i + 4 <= n; i += 4) {
            uint32_t xv, v, x02, x13;
            memcpy(&xv, x + i, 4);
            x02 = ATTN__SXTAB16(off2, xv);
            x13 = attn__sxtab16_ror8(off2, xv);
            memcpy(&v, w0 + i, 4);
            s0 = ATTN__SMLAD(x13, attn__sxtb16_ror8(v), ATTN__SMLAD(x02, ATTN__SXTB16(v), s0));
            memcpy(&v, w1 + i, 4);
            s1 = ATTN__SMLAD(x13, attn__sxtb16_ror8(v), ATTN__SMLAD(x02, ATTN__SXTB16(v), s1));
            memcpy(&v, w2 + i, 4);
            s2 = ATTN__SMLAD(x13, attn__sxtb16_ror8(v), ATTN__SMLAD(x02, ATTN__SXTB16(v), s2));
            memcpy(&v, w3 + i, 4);
            s3 = ATTN__SMLAD(x13, attn__sxtb16_ror8(v), ATTN__SMLAD(x02, ATTN__SXTB16(v), s3));
        }
    }
#elif ATTN__RISCV
    if (n >= 4) {
        /* RV32IM, which has no packed SIMD: lb loads and sign-extends a byte
           in one instruction (word loads would need two more to unpack
           each byte), so four inputs per pass at constant offsets from the
           five pointers, each stepped once: per 16 MACs 4 lb + 4 add (the
           offset) for x, 16 lb + 16 mul + 16 add for the four weight rows,
           6 for the loop, 62 instructions. Written out because GCC 12
           hoists the pass's 20 loads and spills. Same integers as the C
           loop (|each sum| < 2^31). */
        const int8_t *xp = x, *p0 = w0, *p1 = w1, *p2 = w2, *p3 = w3;
        const int8_t *const xe = x + (n & ~3);
        int32_t a, b, c, e, t, u;
#define ATTN__RV_ROW(p, s)                                                                 \
    "lb %[t], 0(%[" p "])\n\tmul %[t], %[t], %[a]\n\tadd %[" s "], %[" s "], %[t]\n\t"    \
    "lb %[u], 1(%[" p "])\n\tmul %[u], %[u], %[b]\n\tadd %[" s "], %[" s "], %[u]\n\t"    \
    "lb %[t], 2(%[" p "])\n\tmul %[t], %[t], %[c]\n\tadd %[" s "], %[" s "], %[t]\n\t"    \
    "lb %[u], 3(%[" p "])\n\tmul %[u], %[u], %[e]\n\tadd %[" s "], %[" s "], %[u]\n\t"    \
    "addi %[" p "], %[" p "], 4\n\t"
        __asm__("1:\n\t"
                "lb %[a], 0(%[xp])\n\tlb %[b], 1(%[xp])\n\t"
                "lb %[c], 2(%[xp])\n\tlb %[e], 3(%[xp])\n\t"
                "add %[a], %[a], %[off]\n\tadd %[b], %[b], %[off]\n\t"
                "add %[c], %[c], %[off]\n\tadd %[e], %[e], %[off]\n\t"
                ATTN__RV_ROW("p0", "s0") ATTN__RV_ROW("p1", "s1")
                ATTN__RV_ROW("p2", "s2") ATTN__RV_ROW("p3", "s3")
                "addi %[xp], %[xp], 4\n\t"
                "bne %[xp], %[xe], 1b"
                : [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [xp] "+r"(xp),
                  [p0] "+r"(p0), [p1] "+r"(p1), [p2] "+r"(p2), [p3] "+r"(p3), [a] "=&r"(a),
                  [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e), [t] "=&r"(t), [u] "=&r"(u)
                : [xe] "r"(xe), [off] "r"(off)
                : "memory");
#undef ATTN__RV_ROW
        i = n & ~3;
    }
#elif defined(__ARM_ARCH_6M__)
    /* Cortex-M0/M0+: eight low registers hold two rows' sums, not four;
       with no offset (a fused bias) two inputs per pass */
    if (off == 0) {
        int k;
        for (k = 0; k < 4; k += 2) {
            const int8_t *u0 = w + (size_t)k * (size_t)n, *u1 = u0 + n;
            int32_t t0 = 0, t1 = 0;
            for (i = 0; i + 2 <= n; i += 2) {
                int32_t xa = x[i], xb = x[i + 1];
                t0 += xa * u0[i] + xb * u0[i + 1];
                t1 += xa * u1[i] + xb * u1[i + 1];
            }
            if (i < n) {
                t0 += x[i] * u0[i];
                t1 += x[i] * u1[i];
            }
            acc[k] = t0;
            acc[k + 1] = t1;
        }
        return;
    }
#endif
    for (; i < n; i++) {
        int32_t xi = x[i] + off;
        s0 += xi * w0[i];
        s1 += xi * w1[i];
        s2 += xi * w2[i];
        s3 += xi * w3[i];
    }
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
}

#if !ATTN__MVE
/* Outputs y[0..n) of channels o..o+n-1 from their sums acc[0..n): the
   call's constants in registers (y may alias nothing of L, but the
   compiler cannot know: int8 stores alias everything), the bias test
   outside the loop, the requantization inlined. */
ATTN__INLINE void attn__lin_outs(int8_t *y, const int32_t *acc, int n, const attn__lin *L, int o)
{
    const attn_qmul *m = L->rq + o;
    const int32_t *b = L->bias ? L->bias + o : NULL;
    const int32_t zp = L->zp, lo = L->lo, hi = L->hi;
    const int top = L->top;
    int k;
    if (b)
        for (k = 0; k < n; k++) y[k] = attn__lin_out(acc[k], b + k, m + k, zp, lo, hi, top);
    else
        for (k = 0; k < n; k++) y[k] = attn__lin_out(acc[k], NULL, m + k, zp, lo, hi, top);
}
#endif

#if ATTN__DOT2X2_ASM
/* The quantizer's layers, which the straight-line DSP outputs take: no
   input offset (a fused bias), a bias, act_max 127 and every channel's
   shift negative (one compare per channel). */
static int attn__lin_plain(const attn__lin *L, int out)
{
    int o;
    if (L->off != 0 || !L->bias || !L->top) return 0;
    for (o = 0; o < out; o++)
        if (L->rq[o].shift >= 0) return 0;
    return 1;
}

/* attn__lin_out when the shift is negative, act_max is 127 and there is a
   bias (all decided once per call): no test left. */
ATTN__INLINE int8_t attn__lin_out_r(int32_t acc, int32_t bias, const attn_qmul *m, int32_t zp,
                                    int32_t lo)
{
    int32_t v = attn__srdhm(__qadd(acc, bias), m->multiplier);
    v = ATTN__SSAT(__qadd(attn__rshift_rq(v, -m->shift), zp), 8);
    return (int8_t)(v < lo ? lo : v);
}
#endif

#if ATTN__MVE
static int attn__linear_short_mve(int8_t *y, const int8_t *x, const attn__lin *L, int rows,
                                  int in, int out);

/* The layer's attn__lin has no input offset and the int8 range (the
   quantizer's layers, with their fused bias): the short-row blocks take it. */
ATTN__INLINE int attn__lin_short_ok(const attn_linear_s8_params *p)
{
    return (p->fused_bias || p->in_zp == 0) && p->act_min == -128 && p->act_max == 127;
}
#endif

/* y[o] = clamp(out_zp + requant(bias + sum (x - in_zp) w)) for one row:
   four output channels per pass, then the rest one at a time. */
static void attn__linear_row_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                int in, int out)
{
    attn__lin L;
    int o = 0;
    attn__lin_init(&L, p);
#if ATTN__MVE
    {
        /* the block loop keeps little alive: pointers step, constants in
           vector registers */
        const int32x4_t zp = vdupq_n_s32(L.zp), lo = vdupq_n_s32(L.lo), hi = vdupq_n_s32(L.hi);
        const int8_t *w;
        if ((in % 16 == 0 || in == 8) && in <= 64 && attn__lin_short_ok(p))
            o = attn__linear_short_mve(y, x, &L, 1, in, out);
        w = L.w + (size_t)o * (size_t)in;
        for (; o + 4 <= out; o += 4, w += 4 * (size_t)in) {
            int32x4_t a = attn__dot4_call_mve(x, w, in);
            if (L.off) a = vmlaq_n_s32(a, attn__wsum4_mve(w, in), L.off);
            attn__lin_out4_mve(y + o, a, L.rq + o, L.bias ? L.bias + o : NULL, zp, lo, hi);
        }
    }
#else
#if ATTN__DOT2X2_ASM
    {
        /* the quantizer's layers: the straight-line outputs */
        if (in % 16 == 0 && out >= 4 && attn__lin_plain(&L, out)) {
            /* whole blocks of four channels in registers (attn__block1x4_asm) */
            attn__blk c;
            const int8_t *w = L.w;
            c.b = L.bias;
            c.m = L.rq;
            c.y = y;
            c.end = x + in;
            c.zp = L.zp;
            c.lo = L.lo;
            c.out = out;
            if (L.lo == -128)
                for (; o + 4 <= out; o += 4, w += 4 * in) attn__block1x4_full_asm(&c, x, w, in);
            else
                for (; o + 4 <= out; o += 4, w += 4 * in) attn__block1x4_asm(&c, x, w, in);
        } else if (in >= 8 && attn__lin_plain(&L, out)) {
            const int32_t zp = L.zp, lo = L.lo, n8 = in & ~7;
            const int8_t *w = L.w;
            const attn_qmul *m = L.rq;
            const int32_t *b = L.bias;
            for (; o + 4 <= out; o += 4, w += 4 * in, m += 4, b += 4) {
                int32_t acc[4], i;
                int k;
                attn__dot1x4_asm(acc, x, w, in, n8);
                for (i = n8; i < in; i++)
                    for (k = 0; k < 4; k++) acc[k] += x[i] * w[(size_t)k * (size_t)in + (size_t)i];
                for (k = 0; k < 4; k++) y[o + k] = attn__lin_out_r(acc[k], b[k], m + k, zp, lo);
            }
        }
    }
#endif
    for (; o + 4 <= out; o += 4) {
        int32_t acc[4];
        attn__dot4_s8(acc, x, L.w + (size_t)o * (size_t)in, in, L.off);
        attn__lin_outs(y + o, acc, 4, &L, o);
    }
#endif
    for (; o < out; o++) {
        int32_t acc = attn__dot_s8(x, L.w + (size_t)o * (size_t)in, in, L.off);
        y[o] = attn__lin_out(acc, L.bias ? L.bias + o : NULL, L.rq + o, L.zp, L.lo, L.hi, L.top);
    }
}

/* One row through the layer with x16 (NULL, or x unpacked by
   attn__unpack_x16 on the GCC DSP builds: the rows of a generation step,
   whose input feeds up to three layers): the same integers as
   attn__linear_row_s8. */
#if ATTN__DOT2X2_ASM
static void attn__unpack_x16(uint32_t *x16, const int8_t *x, int in)
{
    int i;
    for (i = 0; i + 4 <= in; i += 4) {
        uint32_t wd;
        memcpy(&wd, x + i, 4);
        x16[i / 2] = ATTN__SXTB16(wd);
        x16[i / 2 + 1] = attn__sxtb16_ror8(wd);
    }
}
#endif

static void attn__linear_row_x16(int8_t *y, const int8_t *x, const uint32_t *x16,
                                 const attn_linear_s8_params *p, int in, int out, int plain)
{
#if ATTN__DOT2X2_ASM
    if (x16 && in >= 16 && in % 16 == 0 && out % 4 == 0) {
        attn__lin L;
        attn__lin_init(&L, p);
        if (plain || attn__lin_plain(&L, out)) {
            attn__blk c;
            const int8_t *w = L.w;
            int o;
            c.b = L.bias;
            c.m = L.rq;
            c.y = y;
            c.end = (const int8_t *)(const void *)(x16 + in / 2);
            c.zp = L.zp;
            c.lo = L.lo;
            c.out = out;
            if (L.lo == -128)
                for (o = 0; o < out; o += 4, w += 4 * in)
                    attn__block1x4x_full_asm(&c, (const int8_t *)(const void *)x16, w, in);
            else
                for (o = 0; o < out; o += 4, w += 4 * in)
                    attn__block1x4x_asm(&c, (const int8_t *)(const void *)x16, w, in);
            return;
        }
    }
#else
    (void)x16;
    (void)plain;
#endif
    attn__linear_row_s8(y, x, p, in, out);
}

/* attn__lin_plain of the parameters themselves (for a cache's plain). */
static int attn__lin_params_plain(const attn_linear_s8_params *p, int out)
{
    int o;
    if (!(p->fused_bias || p->in_zp == 0) || !(p->fused_bias || p->bias) || p->act_max != 127)
        return 0;
    for (o = 0; o < out; o++)
        if (p->requant[o].shift >= 0) return 0;
    return 1;
}

/* rows rows of x through the layer. On the DSP cores, rows in pairs
   against output channels in pairs (attn__block2x2_asm: each unpacked word
   used twice) when in is a multiple of 8, x needs no offset, every shift
   is negative, act_max is 127 and there is a bias (the quantizer's layers,
   with their fused bias); otherwise, and for a last
   odd row, one row at a time as above. */
#if ATTN__MVE
#if ATTN__MVE && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__)
#define ATTN__ROWS4_MVE_ASM 1
#define ATTN__ASM_MVE_W(W, S)                                                   \
    "vldrb.u8 %q[t], [%[" W "]], #16\n\t"                                       \
    "vmlava.s8 %[" S "], %q[xv], %q[t]\n\t"
/* The usual Helium block (fused bias, act range -128..127, in % 16 == 0)
   over every x row, written out so that nothing leaves registers between
   the rows: per row 4 accumulators zeroed, the four weight pointers set,
   the low-overhead loop (1 + 4 VLDRB and 4 VMLADAVA per 16 inputs), the
   four sums into one vector, the requantization of attn__requant_mve, zero
   point, the int8 clamp as a saturating shift up and back, the store. The
   same integers as the intrinsic loop below. GCC only (clang 14 cannot
   allocate the pinned even registers VMLADAVA needs beside its frame
   pointer; it runs the intrinsics). */
static void attn__rows4_mve_asm(int8_t *y, const int8_t *x, const int8_t *w, int in, int rows,
                                int out, int32x4_t base, int32x4_t left, int32x4_t right,
                                int32x4_t mult, int32_t zp)
{
    struct {
        int8_t *y;
        const int8_t *w;
        int32_t in, nk, out, rows, zp;
    } c;
    /* VMLADAVA accumulates only into even registers: the four sums pinned */
    register int32_t s0 __asm__("r0"), s1 __asm__("r2"), s2 __asm__("r4"), s3 __asm__("r8");
    const int8_t *w0, *w1, *w2, *w3;
    int32x4_t a, t, xv;
    c.y = y;
    c.w = w;
    c.in = in;
    c.nk = in >> 4;
    c.out = out;
    c.rows = rows;
    c.zp = zp;
    __asm__ volatile("1:\n\t"
                     "mov %[s0], #0\n\t"
                     "mov %[s1], #0\n\t"
                     "mov %[s2], #0\n\t"
                     "mov %[s3], #0\n\t"
                     "ldr %[w0], %[cw]\n\t"
                     "ldr %[w3], %[cin]\n\t"
                     "add %[w1], %[w0], %[w3]\n\t"
                     "add %[w2], %[w1], %[w3]\n\t"
                     "add %[w3], %[w2], %[w3]\n\t"
                     "ldr lr, %[cnk]\n\t"
                     "dls lr, lr\n\t"
                     "2:\n\t"
                     "vldrb.u8 %q[xv], [%[x]], #16\n\t"
                     ATTN__ASM_MVE_W("w0", "s0") ATTN__ASM_MVE_W("w1", "s1")
                     ATTN__ASM_MVE_W("w2", "s2") ATTN__ASM_MVE_W("w3", "s3")
                     "le lr, 2b\n\t"
                     "vmov %q[a][2], %q[a][0], %[s0], %[s2]\n\t"
                     "vmov %q[a][3], %q[a][1], %[s1], %[s3]\n\t"
                     "vqadd.s32 %q[a], %q[a], %q[base]\n\t"
                     "vqshl.s32 %q[a], %q[a], %q[left]\n\t"
                     "vqrdmulh.s32 %q[a], %q[a], %q[mult]\n\t"
                     "vand %q[t], %q[a], %q[right]\n\t"
                     "vshr.s32 %q[t], %q[t], #31\n\t"
                     "vadd.i32 %q[a], %q[a], %q[t]\n\t"
                     "vrshl.s32 %q[a], %q[a], %q[right]\n\t"
                     "ldr %[s0], %[czp]\n\t"
                     "vqadd.s32 %q[a], %q[a], %[s0]\n\t"
                     "vqshl.s32 %q[a], %q[a], #24\n\t"
                     "vshr.s32 %q[a], %q[a], #24\n\t"
                     "ldr %[s0], %[cy]\n\t"
                     "vstrb.32 %q[a], [%[s0]]\n\t"
                     "ldr %[s1], %[cout]\n\t"
                     "add %[s0], %[s0], %[s1]\n\t"
                     "str %[s0], %[cy]\n\t"
                     "ldr %[s0], %[crows]\n\t"
                     "subs %[s0], %[s0], #1\n\t"
                     "str %[s0], %[crows]\n\t"
                     "bne 1b\n\t"
                     : [x] "+r"(x), [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2),
                       [s3] "=&r"(s3), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2),
                       [w3] "=&r"(w3), [a] "=&w"(a), [t] "=&w"(t), [xv] "=&w"(xv),
                       [cy] "+m"(c.y), [crows] "+m"(c.rows)
                     : [cw] "m"(c.w), [cin] "m"(c.in), [cnk] "m"(c.nk), [cout] "m"(c.out),
                       [czp] "m"(c.zp), [base] "w"(base), [left] "w"(left), [right] "w"(right),
                       [mult] "w"(mult)
                     : "lr", "cc", "memory");
}

/* The same block for a short row of IN = 16, 32, 48 or 64 inputs (GCC:
   its intrinsic code hoists the weights out of the row loop into more
   vector registers than there are): per row the IN / 16 steps written
   out, the weight rows at immediate offsets from w (rows 0, 1) and w + 2 IN
   (rows 2, 3), the first step's VMLADAV starting the sums; then the same
   requantization as above. The same integers. rows >= 1; y in r0-r7 ("l":
   VSTRB.32, a narrowing store, takes a low base register). */
#define ATTN__ASM_S16(IN, J, OP)                                                \
    "vldrb.u8 %q[xv], [%[x]], #16\n\t"                                          \
    "vldrb.u8 %q[t], [%[w0], #" #J "]\n\t"                                      \
    OP " %[s0], %q[xv], %q[t]\n\t"                                              \
    "vldrb.u8 %q[t], [%[w0], #(" #IN "+" #J ")]\n\t"                            \
    OP " %[s1], %q[xv], %q[t]\n\t"                                              \
    "vldrb.u8 %q[t], [%[w2], #" #J "]\n\t"                                      \
    OP " %[s2], %q[xv], %q[t]\n\t"                                              \
    "vldrb.u8 %q[t], [%[w2], #(" #IN "+" #J ")]\n\t"                            \
    OP " %[s3], %q[xv], %q[t]\n\t"
#define ATTN__ASM_S16_1(IN) ATTN__ASM_S16(IN, 0, "vmladav.s8")
#define ATTN__ASM_S16_2(IN) ATTN__ASM_S16_1(IN) ATTN__ASM_S16(IN, 16, "vmladava.s8")
#define ATTN__ASM_S16_3(IN) ATTN__ASM_S16_2(IN) ATTN__ASM_S16(IN, 32, "vmladava.s8")
#define ATTN__ASM_S16_4(IN) ATTN__ASM_S16_3(IN) ATTN__ASM_S16(IN, 48, "vmladava.s8")
#define ATTN__ROWS4S_MVE_ASM(IN, STEPS)                                             \
    static void attn__rows4s##IN##_mve_asm(int8_t *y, const int8_t *x, const int8_t *w,      \
                                            int rows, int out, int32x4_t base,              \
                                            int32x4_t left, int32x4_t right,                \
                                            int32x4_t mult, int32_t zp)                     \
    {                                                                                       \
        register int32_t s0 __asm__("r0"), s1 __asm__("r2"), s2 __asm__("r4"),              \
            s3 __asm__("r8");                                                               \
        const int8_t *w2 = w + 2 * (IN);                                                    \
        int32x4_t a, t, xv;                                                                 \
        __asm__ volatile("dls lr, %[rows]\n\t"                                              \
                         "1:\n\t" STEPS                                                     \
                         "vmov %q[a][2], %q[a][0], %[s0], %[s2]\n\t"                        \
                         "vmov %q[a][3], %q[a][1], %[s1], %[s3]\n\t"                        \
                         "vqadd.s32 %q[a], %q[a], %q[base]\n\t"                             \
                         "vqshl.s32 %q[a], %q[a], %q[left]\n\t"                             \
                         "vqrdmulh.s32 %q[a], %q[a], %q[mult]\n\t"                          \
                         "vand %q[t], %q[a], %q[right]\n\t"                                 \
                         "vshr.s32 %q[t], %q[t], #31\n\t"                                   \
                         "vadd.i32 %q[a], %q[a], %q[t]\n\t"                                 \
                         "vrshl.s32 %q[a], %q[a], %q[right]\n\t"                            \
                         "vqadd.s32 %q[a], %q[a], %[zp]\n\t"                                \
                         "vqshl.s32 %q[a], %q[a], #24\n\t"                                  \
                         "vshr.s32 %q[a], %q[a], #24\n\t"                                   \
                         "vstrb.32 %q[a], [%[y]]\n\t"                                       \
                         "add %[y], %[y], %[out]\n\t"                                       \
                         "le lr, 1b\n\t"                                                    \
                         : [x] "+r"(x), [y] "+l"(y), [s0] "=&r"(s0), [s1] "=&r"(s1),         \
                           [s2] "=&r"(s2), [s3] "=&r"(s3), [a] "=&w"(a), [t] "=&w"(t),        \
                           [xv] "=&w"(xv)                                                   \
                         : [rows] "r"(rows), [w0] "r"(w), [w2] "r"(w2), [out] "r"(out),     \
                           [zp] "r"(zp), [base] "w"(base), [left] "w"(left),                \
                           [right] "w"(right), [mult] "w"(mult)                             \
                         : "lr", "cc", "memory");                                           \
    }
ATTN__ROWS4S_MVE_ASM(16, ATTN__ASM_S16_1(16))
ATTN__ROWS4S_MVE_ASM(32, ATTN__ASM_S16_2(32))
ATTN__ROWS4S_MVE_ASM(48, ATTN__ASM_S16_3(48))
ATTN__ROWS4S_MVE_ASM(64, ATTN__ASM_S16_4(64))
#undef ATTN__ROWS4S_MVE_ASM
#undef ATTN__ASM_S16_4
#undef ATTN__ASM_S16_3
#undef ATTN__ASM_S16_2
#undef ATTN__ASM_S16_1
#undef ATTN__ASM_S16
#else
#define ATTN__ROWS4_MVE_ASM 0
#endif

/* The usual Helium block (fused bias, the int8 range: see below) over
   every x row when a row is short, n = 8, 16, 32, 48 or 64 inputs given
   as a constant: the dot products written out (the four weight rows at
   immediate offsets, no loop to set up per row; n = 8: one predicated
   step, its zeroed lanes adding nothing), then the same requantization as
   below, so the same integers. */
ATTN__INLINE void attn__rows4_short_mve(int8_t *y, const int8_t *x, const int8_t *w, int n,
                                        int rows, int out, int32x4_t base, int32x4_t left,
                                        int32x4_t right, int32x4_t mult, int32x4_t zp)
{
    int r;
    for (r = 0; r < rows; r++, x += n, y += out) {
        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int32x4_t a;
#if defined(__GNUC__) && !defined(__clang__)
        /* the weights are loaded again for each row: GCC (-Os; its -O2
           builds take the assembly) would hoist them out of the loop, into
           more vector registers than there are */
        __asm__("" : "+r"(w));
#endif
#define ATTN__D16(j)                                                                   \
    do {                                                                               \
        const int8x16_t xv = vldrbq_s8(x + 16 * (j));                                  \
        s0 = vmladavaq_s8(s0, xv, vldrbq_s8(w + 16 * (j)));                            \
        s1 = vmladavaq_s8(s1, xv, vldrbq_s8(w + n + 16 * (j)));                        \
        s2 = vmladavaq_s8(s2, xv, vldrbq_s8(w + 2 * n + 16 * (j)));                    \
        s3 = vmladavaq_s8(s3, xv, vldrbq_s8(w + 3 * n + 16 * (j)));                    \
    } while (0)
        if (n < 16) {
            const mve_pred16_t pr = vctp8q((uint32_t)n);
            const int8x16_t xv = vldrbq_z_s8(x, pr);
            s0 = vmladavq_s8(xv, vldrbq_z_s8(w, pr));
            s1 = vmladavq_s8(xv, vldrbq_z_s8(w + n, pr));
            s2 = vmladavq_s8(xv, vldrbq_z_s8(w + 2 * n, pr));
            s3 = vmladavq_s8(xv, vldrbq_z_s8(w + 3 * n, pr));
        } else {
            ATTN__D16(0);
        }
        if (n > 16) ATTN__D16(1);
        if (n > 32) ATTN__D16(2);
        if (n > 48) ATTN__D16(3);
#undef ATTN__D16
        a = vdupq_n_s32(s0);
        a = vsetq_lane_s32(s1, a, 1);
        a = vsetq_lane_s32(s2, a, 2);
        a = vsetq_lane_s32(s3, a, 3);
        a = vqrdmulhq_s32(vqshlq_s32(vqaddq_s32(a, base), left), mult);
        a = vrshlq_s32(vaddq_s32(a, vshrq_n_s32(vandq_s32(a, right), 31)), right);
        a = vshrq_n_s32(vqshlq_n_s32(vqaddq_s32(a, zp), 24), 24);
        vstrbq_s32(y, a);
    }
}

/* The blocks of four output channels of the short-row case above (n = 8,
   16, 32, 48 or 64, a constant), each block's multipliers, shifts and bias
   loaded once for every row; returns the channels done (out & ~3). */
ATTN__INLINE int attn__blocks_short_mve(int8_t *y, const int8_t *x, const attn__lin *L, int rows,
                                        int n, int out)
{
    const int32x4_t zero = vdupq_n_s32(0), zp = vdupq_n_s32(L->zp);
    const int8_t *w = L->w;
    const attn_qmul *rq = L->rq;
    const int32_t *b = L->bias;
    int o;
    for (o = 0; o + 4 <= out; o += 4, w += 4 * n, rq += 4) {
        const int32x4x2_t mv = vld2q_s32(&rq->multiplier);
        const int32x4_t left = vmaxq_s32(mv.val[1], zero), right = vminq_s32(mv.val[1], zero);
        const int32x4_t base = b ? vldrwq_s32(b + o) : zero, m = mv.val[0];
        int8_t *yo = y + o;
#if ATTN__ROWS4_MVE_ASM
        switch (n) {
        case 8: attn__rows4_short_mve(yo, x, w, 8, rows, out, base, left, right, m, zp); break;
        case 16: attn__rows4s16_mve_asm(yo, x, w, rows, out, base, left, right, m, L->zp); break;
        case 32: attn__rows4s32_mve_asm(yo, x, w, rows, out, base, left, right, m, L->zp); break;
        case 48: attn__rows4s48_mve_asm(yo, x, w, rows, out, base, left, right, m, L->zp); break;
        default: attn__rows4s64_mve_asm(yo, x, w, rows, out, base, left, right, m, L->zp); break;
        }
#else
        attn__rows4_short_mve(yo, x, w, n, rows, out, base, left, right, m, zp);
#endif
    }
    (void)zp;
    return o;
}

/* The usual layer with short rows (fused bias, the int8 range, in = 8,
   16, 32, 48 or 64): its blocks of four channels over the rows, the width
   a constant; returns the channels done (out & ~3). */
ATTN__NOINLINE int attn__linear_short_mve(int8_t *y, const int8_t *x, const attn__lin *L,
                                          int rows, int in, int out)
{
    switch (in) {
    case 8: return attn__blocks_short_mve(y, x, L, rows, 8, out);
    case 16: return attn__blocks_short_mve(y, x, L, rows, 16, out);
    case 32: return attn__blocks_short_mve(y, x, L, rows, 32, out);
    case 48: return attn__blocks_short_mve(y, x, L, rows, 48, out);
    default: return attn__blocks_short_mve(y, x, L, rows, 64, out);
    }
}

/* attn__linear_rows_s8's Helium part (a function of its own, so that its
   frame is not on the stack below the one-row path): weight rows in fours
   against every x row, each block's multipliers, shifts, bias and (without
   a fused bias) weight sums loaded once, not once per row. */
ATTN__NOINLINE void attn__linear_blocks_mve(int8_t *y, const int8_t *x,
                                            const attn_linear_s8_params *p, int rows, int in,
                                            int out)
{
    attn__lin L;
    const int32x4_t zero = vdupq_n_s32(0);
    int32x4_t zp, lo, hi;
    int o, r;
    attn__lin_init(&L, p);
    zp = vdupq_n_s32(L.zp);
    lo = vdupq_n_s32(L.lo);
    hi = vdupq_n_s32(L.hi);
    o = 0;
    if (L.off == 0 && L.lo == -128 && L.hi == 127 && (in % 16 == 0 || in == 8) && in <= 64) {
#if defined(__OPTIMIZE_SIZE__) || ATTN__ROWS4_MVE_ASM
        o = attn__linear_short_mve(y, x, &L, rows, in, out); /* short rows */
#else
        switch (in) { /* short rows, in this frame (no call) */
        case 8: o = attn__blocks_short_mve(y, x, &L, rows, 8, out); break;
        case 16: o = attn__blocks_short_mve(y, x, &L, rows, 16, out); break;
        case 32: o = attn__blocks_short_mve(y, x, &L, rows, 32, out); break;
        case 48: o = attn__blocks_short_mve(y, x, &L, rows, 48, out); break;
        default: o = attn__blocks_short_mve(y, x, &L, rows, 64, out); break;
        }
#endif
    }
    for (; o + 4 <= out; o += 4) {
        const int8_t *w = L.w + (size_t)o * (size_t)in;
        int32x4x2_t mv = vld2q_s32(&L.rq[o].multiplier);
        int32x4_t left = vmaxq_s32(mv.val[1], zero), right = vminq_s32(mv.val[1], zero);
        int32x4_t base = L.bias ? vldrwq_s32(L.bias + o) : zero;
        int32x4_t ws;
#if ATTN__ROWS4_MVE_ASM
        if (L.off == 0 && L.lo == -128 && L.hi == 127 && in % 16 == 0) {
            attn__rows4_mve_asm(y + o, x, w, in, rows, out, base, left, right, mv.val[0], L.zp);
            continue;
        }
#endif
        if (L.off == 0 && L.lo == -128 && L.hi == 127) {
            /* the usual case (fused bias, no clamp but int8's): the
               clamp is a saturating shift up and back */
            for (r = 0; r < rows; r++) {
                int32x4_t a = attn__dot4_mve(x + (size_t)r * (size_t)in, w, in);
                a = vqrdmulhq_s32(vqshlq_s32(vqaddq_s32(a, base), left), mv.val[0]);
                a = vrshlq_s32(vaddq_s32(a, vshrq_n_s32(vandq_s32(a, right), 31)), right);
                a = vshrq_n_s32(vqshlq_n_s32(vqaddq_s32(a, zp), 24), 24);
                vstrbq_s32(y + (size_t)r * (size_t)out + o, a);
            }
            continue;
        }
        ws = L.off ? vmulq_n_s32(attn__wsum4_mve(w, in), L.off) : zero;
        for (r = 0; r < rows; r++) {
            int32x4_t a = vaddq_s32(attn__dot4_mve(x + (size_t)r * (size_t)in, w, in), ws);
            a = vqrdmulhq_s32(vqshlq_s32(vqaddq_s32(a, base), left), mv.val[0]);
            a = vrshlq_s32(vaddq_s32(a, vshrq_n_s32(vandq_s32(a, right), 31)), right);
            a = vmaxq_s32(vminq_s32(vqaddq_s32(a, zp), hi), lo);
            vstrbq_s32(y + (size_t)r * (size_t)out + o, a);
        }
    }
    for (; o < out; o++)
        for (r = 0; r < rows; r++) {
            const int8_t *xr = x + (size_t)r * (size_t)in;
            int32_t acc = attn__dot_s8(xr, L.w + (size_t)o * (size_t)in, in, L.off);
            y[(size_t)r * (size_t)out + (size_t)o] =
                attn__lin_out(acc, L.bias ? L.bias + o : NULL, L.rq + o, L.zp, L.lo, L.hi, L.top);
        }
}
#endif

#if ATTN__DOT2X2_ASM
/* attn__linear_rows_s8's DSP part, its own frame as above: rows in pairs
   against channels in pairs. Returns how many rows it did (0 when the
   layer is not of the kind it takes). */
ATTN__NOINLINE int attn__linear_pairs_dsp(int8_t *y, const int8_t *x,
                                          const attn_linear_s8_params *p, int rows, int in,
                                          int out)
{
    int r = 0;
    attn__lin L;
    attn__lin_init(&L, p);
    if (rows >= 2 && in >= 8 && in % 8 == 0 && out % 2 == 0 && attn__lin_plain(&L, out)) {
        attn__blk c;
        c.out = out;
        c.zp = L.zp;
        c.lo = L.lo;
        for (; r + 2 <= rows; r += 2) {
            const int8_t *x0 = x + (size_t)r * (size_t)in, *w = L.w;
            int o2;
            c.b = L.bias;
            c.m = L.rq;
            c.y = y + (size_t)r * (size_t)out;
            c.end = x0 + in;
            if (L.lo == -128)
                for (o2 = 0; o2 < out; o2 += 2, w += 2 * in) attn__block2x2_full_asm(&c, x0, w, in);
            else
                for (o2 = 0; o2 < out; o2 += 2, w += 2 * in) attn__block2x2_asm(&c, x0, w, in);
        }
    }
    return r;
}
#endif

static void attn__linear_rows_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                 int rows, int in, int out)
{
    int r = 0;
#if ATTN__MVE
#if ATTN__ROWS4_MVE_ASM
    /* GCC: the usual layer with short rows straight to its blocks (in
       attn__linear_blocks_mve's frame GCC's code for them costs more) */
    if (out % 4 == 0 && (in % 16 == 0 || in == 8) && in <= 64 && attn__lin_short_ok(p)) {
        attn__lin L;
        attn__lin_init(&L, p);
        attn__linear_short_mve(y, x, &L, rows, in, out);
        return;
    }
#endif
    if (rows >= 3 || (rows == 2 && in <= 64)) { /* (two longer rows: one row at a time is as fast) */
        attn__linear_blocks_mve(y, x, p, rows, in, out);
        return;
    }
#endif
#if ATTN__DOT2X2_ASM
    r = attn__linear_pairs_dsp(y, x, p, rows, in, out);
#endif
    for (; r < rows; r++)
        attn__linear_row_s8(y + (size_t)r * (size_t)out, x + (size_t)r * (size_t)in, p, in, out);
}

/* r = a and b at the common wide scale (the residual sum, int32). */
/* The quantizer's adds (factors of about 2^9 into the fine common scale):
   both shifts in 1..22. Then |x - zp| <= 255, so x * 2^shift cannot
   saturate and requant(x - zp) is the doubling high multiply of
   (x - zp) << shift alone, which is hi(((x - zp) << (shift + 1)) * m +
   2^31): attn__add_term, one SMMULR on the DSP cores. */
static int attn__add_plain(const attn_add_s8_params *p)
{
    return p->a_mul.shift >= 1 && p->a_mul.shift <= 22 && p->b_mul.shift >= 1 &&
           p->b_mul.shift <= 22;
}

ATTN__INLINE int32_t attn__add_term(int32_t x, int32_t shift1, int32_t m)
{
    return attn__mulhr((int32_t)((uint32_t)x << shift1), m);
}

static void attn__add_wide_s8(int32_t *r, const int8_t *a, const int8_t *b, int n,
                              const attn_add_s8_params *p)
{
    const attn_qmul am = p->a_mul, bm = p->b_mul;
    const int32_t az = p->a_zp, bz = p->b_zp;
    int i = 0;
#if ATTN__MVE
    /* four lanes: widen, subtract the zero point, requantize, add
       saturating (VQADD is sat(int64 sum)) */
    {
        if (am.shift > 0 && bm.shift > 0) { /* (the quantizer's adds) no right shift: */
            const int8_t *ap = a, *bp = b;   /* attn__requant_mve's left half only */
            int32_t *rp = r;
            for (; i + 4 <= n; i += 4, ap += 4, bp += 4, rp += 4) {
                int32x4_t va = vsubq_s32(vldrbq_s32(ap), vdupq_n_s32(az));
                int32x4_t vb = vsubq_s32(vldrbq_s32(bp), vdupq_n_s32(bz));
                va = vqrdmulhq_n_s32(vqshlq_r_s32(va, am.shift), am.multiplier);
                vb = vqrdmulhq_n_s32(vqshlq_r_s32(vb, bm.shift), bm.multiplier);
                vstrwq_s32(rp, vqaddq_s32(va, vb));
            }
        }
    }
    {
        const int32x4_t amul = vdupq_n_s32(am.multiplier), ash = vdupq_n_s32(am.shift);
        const int32x4_t bmul = vdupq_n_s32(bm.multiplier), bsh = vdupq_n_s32(bm.shift);
        for (; i + 4 <= n; i += 4) {
            int32x4_t va = vsubq_s32(vldrbq_s32(a + i), vdupq_n_s32(az));
            int32x4_t vb = vsubq_s32(vldrbq_s32(b + i), vdupq_n_s32(bz));
            vstrwq_s32(r + i, vqaddq_s32(attn__requant_mve(va, amul, ash),
                                         attn__requant_mve(vb, bmul, bsh)));
        }
    }
#endif
    if (attn__add_plain(p)) {
        const int32_t as = am.shift + 1, bs = bm.shift + 1, ma = am.multiplier, mb = bm.multiplier;
        for (; i < n; i++)
            r[i] = attn__qadd(attn__add_term(a[i] - az, as, ma), attn__add_term(b[i] - bz, bs, mb));
        return;
    }
    for (; i < n; i++)
        r[i] = attn__qadd(attn__requant(a[i] - az, am), attn__requant(b[i] - bz, bm));
}

static void attn__narrow_s8(int8_t *y, const int32_t *r, int n, attn_qmul m, int32_t zp)
{
    int i = 0;
#if ATTN__MVE
    {
        const int32x4_t mul = vdupq_n_s32(m.multiplier), sh = vdupq_n_s32(m.shift);
        const int32x4_t z = vdupq_n_s32(zp), lo = vdupq_n_s32(-128), hi = vdupq_n_s32(127);
        for (; i + 4 <= n; i += 4) {
            int32x4_t v = vqaddq_s32(attn__requant_mve(vldrwq_s32(r + i), mul, sh), z);
            vstrbq_s32(y + i, vmaxq_s32(vminq_s32(v, hi), lo));
        }
    }
#endif
    if (m.shift < 0) { /* the usual narrowing: no shift test left per element */
        const int32_t mul = m.multiplier, sh = -m.shift;
        for (; i < n; i++) y[i] = attn__to_s8(zp, attn__rshift_rq(attn__srdhm(r[i], mul), sh));
        return;
    }
    for (; i < n; i++) y[i] = attn__to_s8(zp, attn__requant(r[i], m));
}

/* y = narrow(add_wide(a, b)) in one pass, for attn_add_s8 and the model's
   position add (y may equal a or b: each element is read before it is
   written); the quantizer's parameters without any shift test per element. */
static void attn__add_row_s8(int8_t *y, const int8_t *a, const int8_t *b, int n,
                             const attn_add_s8_params *p)
{
    const attn_qmul am = p->a_mul, bm = p->b_mul, om = p->out_mul;
    const int32_t az = p->a_zp, bz = p->b_zp, zp = p->out_zp;
    int i = 0;
#if ATTN__MVE
    /* four lanes: both operands requantized, added saturating, the sum
       requantized to the output, all as the scalar steps */
    {
        if (am.shift > 0 && bm.shift > 0 && om.shift < 0) { /* the quantizer's: as above, */
            const int8_t *ap = a, *bp = b; /* each requantization's half that does anything */
            int8_t *yp = y;
            for (; i + 4 <= n; i += 4, ap += 4, bp += 4, yp += 4) {
                int32x4_t va = vsubq_s32(vldrbq_s32(ap), vdupq_n_s32(az));
                int32x4_t vb = vsubq_s32(vldrbq_s32(bp), vdupq_n_s32(bz));
                int32x4_t r;
                va = vqrdmulhq_n_s32(vqshlq_r_s32(va, am.shift), am.multiplier);
                vb = vqrdmulhq_n_s32(vqshlq_r_s32(vb, bm.shift), bm.multiplier);
                r = vqrdmulhq_n_s32(vqaddq_s32(va, vb), om.multiplier);
                r = vrshlq_n_s32(vaddq_s32(r, vshrq_n_s32(r, 31)), om.shift);
                vstrbq_s32(yp, vshrq_n_s32(vqshlq_n_s32(vqaddq_n_s32(r, zp), 24), 24));
            }
        }
    }
    {
        const int32x4_t amul = vdupq_n_s32(am.multiplier), ash = vdupq_n_s32(am.shift);
        const int32x4_t bmul = vdupq_n_s32(bm.multiplier), bsh = vdupq_n_s32(bm.shift);
        const int32x4_t omul = vdupq_n_s32(om.multiplier), osh = vdupq_n_s32(om.shift);
        const int32x4_t z = vdupq_n_s32(zp);
        for (; i + 4 <= n; i += 4) {
            int32x4_t va = vsubq_s32(vldrbq_s32(a + i), vdupq_n_s32(az));
            int32x4_t vb = vsubq_s32(vldrbq_s32(b + i), vdupq_n_s32(bz));
            int32x4_t r = vqaddq_s32(attn__requant_mve(va, amul, ash), attn__requant_mve(vb, bmul, bsh));
            r = vqaddq_s32(attn__requant_mve(r, omul, osh), z);
            vstrbq_s32(y + i, vshrq_n_s32(vqshlq_n_s32(r, 24), 24));
        }
    }
#endif
    if (attn__add_plain(p) && om.shift < 0) {
        const int32_t as = am.shift + 1, bs = bm.shift + 1, os = -om.shift;
        for (; i < n; i++) {
            int32_t r = attn__qadd(attn__add_term(a[i] - az, as, am.multiplier),
                                   attn__add_term(b[i] - bz, bs, bm.multiplier));
            y[i] = attn__to_s8(zp, attn__rshift_rq(attn__srdhm(r, om.multiplier), os));
        }
        return;
    }
    for (; i < n; i++) {
        int32_t r;
        attn__add_wide_s8(&r, a + i, b + i, 1, p);
        y[i] = attn__to_s8(zp, attn__requant(r, om));
    }
}

#if !ATTN__SM_DSP
/* Scores of one head: s[j] = sum_c (q[c] - qz)(k_j[c] - kz), c < dh, for
   every key j < n (rows of k are d apart; masked keys too: the softmax
   ignores them). */
ATTN__NOINLINE void attn__scores_s8(int32_t *s, const int8_t *q, const int8_t *k, int n, int d, int dh,
                            int32_t qz, int32_t kz)
{
    int j, c;
    for (j = 0; j < n; j++) {
        const int8_t *kj = k + (size_t)j * (size_t)d;
        int32_t acc = 0;
        for (c = 0; c < dh; c++) acc += (q[c] - qz) * (kj[c] - kz);
        s[j] = acc;
    }
}

/* The context of one head: out[c] = clamp(out_zp + requant(sum_j p_j
   (v_j[c] - v_zp))), as sum_j p_j v_j[c] - v_zp * psum (p_j = 0 for masked
   keys, psum = sum p_j: the same integer, |each term| < 2^31). Four
   columns per pass over the keys (each p_j loaded once for the four),
   the last dh % 4 one at a time. sh > 0 (attn__ctx_fast): the rounding
   shift, the zero point and the clamp folded, clamp((y - (y < 0) + rnd)
   >> sh) for y = srdhm(acc, m). */

#if !defined(__OPTIMIZE_SIZE__)
/* One output of attn__context_s8: folded when sh > 0 (attn__ctx_fast),
   else requant itself (out of line: one copy). On ARMv6-M (the micro:bit),
   whose srdhm is built from 16-bit products, out of line as a whole: one
   copy of it, not one per column, its constants by pointer. */
typedef struct {
    attn_qmul m;
    int32_t zp, rnd;
    int sh;
} attn__ctxo;

ATTN__NOINLINE int8_t attn__ctx_any_s8(int32_t acc, const attn__ctxo *o)
{
    return attn__to_s8(o->zp, attn__requant(acc, o->m));
}
#if defined(__ARM_ARCH_6M__)
ATTN__NOINLINE
#else
ATTN__INLINE
#endif
int8_t attn__ctx_out_s8(int32_t acc, const attn__ctxo *o)
{
    if (o->sh) {
        const int32_t y = attn__srdhm(acc, o->m.multiplier);
        return (int8_t)attn__clamp((y + (y >> 31) + o->rnd) >> o->sh, -128, 127);
    }
    return attn__ctx_any_s8(acc, o);
}
#endif

ATTN__NOINLINE void attn__context_s8(int8_t *out, const int32_t *pr, int32_t psum, const int8_t *v,
                                     int n, int d, int dh, const attn_sdpa_s8_params *p, int sh,
                                     int32_t rnd)
{
    const int32_t off = -p->v_zp * psum, zp = p->out_zp;
    const attn_qmul m = p->ctx_mul;
    const int32_t *pe = pr + n;
    int c = 0;
#if defined(__OPTIMIZE_SIZE__) /* code size first: a column at a time, requant itself */
    (void)sh;
    (void)rnd;
    for (; c < dh; c++) {
        const int8_t *vj = v + c;
        const int32_t *pj;
        int32_t acc = off;
        for (pj = pr; pj != pe; pj++, vj += d) acc += *pj * vj[0];
        out[c] = attn__to_s8(zp, attn__requant(acc, m));
    }
#else
    attn__ctxo o;
    o.m = m;
    o.zp = zp;
    o.rnd = rnd;
    o.sh = sh;
    for (; c + 4 <= dh; c += 4) {
        const int8_t *vj = v + c;
        const int32_t *pj;
        int32_t a0 = off, a1 = off, a2 = off, a3 = off;
        for (pj = pr; pj != pe; pj++, vj += d) {
            const int32_t pv = *pj;
            a0 += pv * vj[0];
            a1 += pv * vj[1];
            a2 += pv * vj[2];
            a3 += pv * vj[3];
        }
        out[c] = attn__ctx_out_s8(a0, &o);
        out[c + 1] = attn__ctx_out_s8(a1, &o);
        out[c + 2] = attn__ctx_out_s8(a2, &o);
        out[c + 3] = attn__ctx_out_s8(a3, &o);
    }
    for (; c < dh; c++) {
        const int8_t *vj = v + c;
        const int32_t *pj;
        int32_t acc = off;
        for (pj = pr; pj != pe; pj++, vj += d) acc += *pj * vj[0];
        out[c] = attn__ctx_out_s8(acc, &o);
    }
#endif
}
#endif

#if ATTN__SM_DSP && !ATTN__SM_MVE && ATTN__ATT_ASM
/* attn__ctx_groups_asm's arguments, in memory: the context of one head,
   the groups of four columns written out (attn__context_dsp). */
typedef struct {
    const uint32_t *pw, *pend; /* the pair words; pw + n / 2  (bytes 0, 4)  */
    uintptr_t vd;              /* v - out (modulo 2^32): v at a column (8)  */
    int8_t *out, *oend;        /* the first output; the last + 1  (12, 16) */
    int32_t off, m, rnd, sh;   /* -v_zp psum, ctx_mul's multiplier, crnd,
                                  csh                          (20 .. 32) */
    int32_t np, odd;           /* n / 2, n % 2                     (36, 40) */
} attn__ctxg;
/* (the offsets above are the assembly's: 4-byte fields on these cores) */
typedef char attn__ctxg_layout[offsetof(attn__ctxg, odd) == 40 ? 1 : -1];
#endif

/* The constants of the int8 attention kernels, worked out once per call
   (attn__att8_init: an sdpa or MHA call, a layer's attention block), not
   once per query. */
typedef struct {
    const attn_sdpa_s8_params *p;
    int d, dh, nh; /* row stride (d_model), d_head, heads */
#if ATTN__SM_MVE
    int fast; /* the softmax's fast exponent (attn__exp4_mve) */
#else
    attn__expo ex; /* the exponent (attn__softmax_exps), small included */
#endif
#if !ATTN__SM_MVE
    /* the context's folded output (attn__ctx_fast): cfast, its shift (0 if
       not) and its constant */
    int cfast, csh;
    int32_t crnd;
#endif
#if ATTN__SM_DSP && !ATTN__SM_MVE
    uint32_t nq, nk; /* -q_zp, -k_zp in both 16-bit lanes */
#endif
} attn__att8;

#if ATTN__SM_DSP && !ATTN__SM_MVE
/* A 32-bit load from any address (v7-M and v8-M load unaligned words;
   clang assumes they cannot and would build it from four bytes). */
ATTN__INLINE uint32_t attn__att_ld32(const int8_t *p)
{
    uint32_t r;
#if defined(__clang__)
    __asm__("ldr %0, %1" : "=r"(r) : "m"(*(const uint32_t *)(const void *)p));
#else
    memcpy(&r, p, 4);
#endif
    return r;
}

/* SXTAB16 / SXTB16 of x rotated right by 8 (bytes 1 and 3) */
ATTN__INLINE uint32_t attn__att_sxtab16_r8(uint32_t a, uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
#else
    return ATTN__SXTAB16(a, __ror(x, 8));
#endif
}

ATTN__INLINE uint32_t attn__att_sxtb16_r8(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return ATTN__SXTB16(__ror(x, 8));
#endif
}

#if ATTN__ATT_ASM
/* Scores of n2 (even) keys with d_head 16, two keys per pass, written out:
   per 4 bytes the q word is unpacked once for both keys (SXTAB16 folds
   -q_zp in), each k word by SXTAB16 with -k_zp (|q - q_zp|, |k - k_zp| <=
   255 fit the 16-bit lanes), SMLAD adds two products: 13 instructions per
   8 MACs, twelve registers (row stride and end in memory). clang 14 keeps
   a frame pointer and has eleven: there k is unpacked without its zero
   point (SXTB16) and k_zp * sum (q - q_zp), the same for every key, is
   subtracted per key (corr): the same integers. */
#if defined(__clang__)
#define ATTN__QK_K(dst, src) "sxtb16  %[" dst "], %[" src "]\n\t"
#define ATTN__QK_KR(dst, src) "sxtb16  %[" dst "], %[" src "], ror #8\n\t"
#define ATTN__QK_FIX                                                            \
    "ldr     %[t0], [%[cx], #8]\n\t"                                           \
    "sub     %[a0], %[a0], %[t0]\n\t"                                          \
    "sub     %[a1], %[a1], %[t0]\n\t"
#define ATTN__QK_D "[%[cx]]"
#define ATTN__QK_END "[%[cx], #4]"
#define ATTN__QK_IN [cx] "r"(cx)
#else
#define ATTN__QK_K(dst, src) "sxtab16 %[" dst "], %[nk], %[" src "]\n\t"
#define ATTN__QK_KR(dst, src) "sxtab16 %[" dst "], %[nk], %[" src "], ror #8\n\t"
#define ATTN__QK_FIX
#define ATTN__QK_D "%[d]"
#define ATTN__QK_END "%[end]"
#define ATTN__QK_IN [nk] "r"(nk), [d] "m"(cx[0]), [end] "m"(cx[1])
#endif
/* GCC has a thirteenth register: the running maximum */
#if defined(__clang__)
#define ATTN__QK_MAX
#define ATTN__QK_MXOUT
#else
#define ATTN__QK_MAX                                                            \
    "cmp     %[a0], %[mx]\n\t"                                                 \
    "it      gt\n\t"                                                           \
    "movgt   %[mx], %[a0]\n\t"                                                 \
    "cmp     %[a1], %[mx]\n\t"                                                 \
    "it      gt\n\t"                                                           \
    "movgt   %[mx], %[a1]\n\t"
#define ATTN__QK_MXOUT , [mx] "+r"(mx)
#endif
#define ATTN__QK_WORD(o, op0, op1)                                              \
    "ldr     %[t0], [%[q], #" o "]\n\t"                                        \
    "ldr     %[t1], [%[k0], #" o "]\n\t"                                       \
    "sxtab16 %[t2], %[nq], %[t0]\n\t"                                          \
    ATTN__QK_K("t3", "t1")                                                     \
    op0 "\n\t"                                                                 \
    "sxtab16 %[t0], %[nq], %[t0], ror #8\n\t"                                  \
    ATTN__QK_KR("t1", "t1")                                                    \
    "smlad   %[a0], %[t0], %[t1], %[a0]\n\t"                                   \
    "ldr     %[t1], [%[k1], #" o "]\n\t"                                       \
    ATTN__QK_K("t3", "t1")                                                     \
    op1 "\n\t"                                                                 \
    ATTN__QK_KR("t1", "t1")                                                    \
    "smlad   %[a1], %[t0], %[t1], %[a1]\n\t"
#define ATTN__QK_ACC0 "smlad   %[a0], %[t2], %[t3], %[a0]"
#define ATTN__QK_ACC1 "smlad   %[a1], %[t2], %[t3], %[a1]"
#if defined(__clang__)
__attribute__((noinline)) static /* its own registers */
#else
ATTN__INLINE
#endif
int32_t attn__scores16_asm(int32_t *s, const int8_t *q, const int8_t *k, int n2, int d,
                                  uint32_t nq, uint32_t nk, int32_t corr)
{
    int32_t mx = INT32_MIN; /* GCC: the largest score */
    /* the row stride, the end of s and (clang) the correction, in memory */
    const int32_t cx[3] = {d, (int32_t)(intptr_t)(s + n2), corr};
    const int8_t *k1;
    int32_t a0, a1;
    uint32_t t0, t1, t2, t3;
    (void)nk;
    __asm__ volatile("1:\n\t"
                     "ldr     %[t0], " ATTN__QK_D "\n\t"
                     "add     %[k1], %[k0], %[t0]\n\t"
                     ATTN__QK_WORD("0", "smuad   %[a0], %[t2], %[t3]", "smuad   %[a1], %[t2], %[t3]")
                     ATTN__QK_WORD("4", ATTN__QK_ACC0, ATTN__QK_ACC1)
                     ATTN__QK_WORD("8", ATTN__QK_ACC0, ATTN__QK_ACC1)
                     ATTN__QK_WORD("12", ATTN__QK_ACC0, ATTN__QK_ACC1)
                     ATTN__QK_FIX
                     "strd    %[a0], %[a1], [%[s]], #8\n\t"
                     ATTN__QK_MAX
                     "ldr     %[t0], " ATTN__QK_D "\n\t"
                     "add     %[k0], %[k1], %[t0]\n\t"
                     "ldr     %[t0], " ATTN__QK_END "\n\t"
                     "cmp     %[s], %[t0]\n\t"
                     "bne     1b"
                     : [s] "+r"(s), [k0] "+r"(k), [k1] "=&r"(k1), [a0] "=&r"(a0), [a1] "=&r"(a1),
                       [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3) ATTN__QK_MXOUT
                     : [q] "r"(q), [nq] "r"(nq), ATTN__QK_IN
                     : "cc", "memory");
    return mx;
}
#define ATTN__SCORES16_ASM 1
#endif

/* Scores of nw (1..3) words of columns (q, k at that column) for every key,
   the q words unpacked once into registers (SXTAB16 folds -q_zp in), each
   k word unpacked without its zero point (SXTB16), -k_zp times the sum of
   these q - q_zp added once per key: LDR, two SXTB16, two SMLAD per 4
   MACs. add: s[j] += the sum, else s[j] = the sum. Returns the largest
   s[j]. Inlined with constant nw and add. */
ATTN__INLINE int32_t attn__qk_words_dsp(int32_t *s, const int8_t *q, const int8_t *k, int n, int d,
                                        int nw, int add, uint32_t nq, int32_t kz)
{
    const int32_t *end = s + n;
    uint32_t qa0 = 0, qa1 = 0, qb0 = 0, qb1 = 0, qc0 = 0, qc1 = 0, w;
    int32_t mx = INT32_MIN, corr;
    w = attn__att_ld32(q);
    qa0 = ATTN__SXTAB16(nq, w);
    qa1 = attn__att_sxtab16_r8(nq, w);
    if (nw >= 2) {
        w = attn__att_ld32(q + 4);
        qb0 = ATTN__SXTAB16(nq, w);
        qb1 = attn__att_sxtab16_r8(nq, w);
    }
    if (nw >= 3) {
        w = attn__att_ld32(q + 8);
        qc0 = ATTN__SXTAB16(nq, w);
        qc1 = attn__att_sxtab16_r8(nq, w);
    }
    /* -k_zp sum (q - q_zp): |.| <= 128 * 255 * 12 */
    corr = -kz * ATTN__SMLAD(qa0, 0x10001u, ATTN__SMLAD(qa1, 0x10001u, ATTN__SMLAD(qb0, 0x10001u,
                         ATTN__SMLAD(qb1, 0x10001u, ATTN__SMUAD(qc0, 0x10001u) + ATTN__SMUAD(qc1, 0x10001u)))));
    for (; s != end; s++, k += d) {
        int32_t acc = add ? *s + corr : corr;
        w = attn__att_ld32(k);
        acc = ATTN__SMLAD(qa0, ATTN__SXTB16(w), acc);
        acc = ATTN__SMLAD(qa1, attn__att_sxtb16_r8(w), acc);
        if (nw >= 2) {
            w = attn__att_ld32(k + 4);
            acc = ATTN__SMLAD(qb0, ATTN__SXTB16(w), acc);
            acc = ATTN__SMLAD(qb1, attn__att_sxtb16_r8(w), acc);
        }
        if (nw >= 3) {
            w = attn__att_ld32(k + 8);
            acc = ATTN__SMLAD(qc0, ATTN__SXTB16(w), acc);
            acc = ATTN__SMLAD(qc1, attn__att_sxtb16_r8(w), acc);
        }
        *s = acc;
        if (acc > mx) mx = acc;
    }
    return mx;
}

/* Scores of one head, as attn__scores_s8: sum (q - q_zp)(k - k_zp) as
   sum (q - q_zp) k - k_zp sum (q - q_zp) (the same integer; the partial
   sums wrap nowhere), d_head 16 with two keys per pass written out, else
   up to three words of columns per pass over the keys
   (attn__qk_words_dsp) and the last d_head % 4 columns one by one.
   Returns the largest score. */
ATTN__NOINLINE int32_t attn__scores_dsp(int32_t *s, const int8_t *q, const int8_t *k, int n, int d,
                                        int dh, int32_t qz, int32_t kz)
{
    const uint32_t nq = (uint32_t)(uint16_t)-qz * 0x10001u;
    int32_t mx = INT32_MIN, sq = 0;
    int j, c, add = 0;
#ifdef ATTN__SCORES16_ASM
    if (dh == 16) {
        const uint32_t nk = (uint32_t)(uint16_t)-kz * 0x10001u;
        j = n & ~1;
        if (j) {
#if defined(__clang__)
            if (kz) { /* k_zp * sum (q - q_zp), by words */
                for (c = 0; c < 16; c += 4) {
                    uint32_t w = attn__att_ld32(q + c);
                    sq = ATTN__SMLAD(ATTN__SXTAB16(nq, w), 0x10001u, sq);
                    sq = ATTN__SMLAD(attn__att_sxtab16_r8(nq, w), 0x10001u, sq);
                }
            }
#endif
            mx = attn__scores16_asm(s, q, k, j, d, nq, nk, kz * sq);
#if defined(__clang__)
            for (c = 0; c < j; c++)
                if (s[c] > mx) mx = s[c];
#endif
        }
        if (j < n) { /* the last key: four words, q and k unpacked with their zero points */
            const int8_t *kj = k + (size_t)j * (size_t)d;
            int32_t a = 0;
            for (c = 0; c < 16; c += 4) {
                uint32_t wq = attn__att_ld32(q + c), wk = attn__att_ld32(kj + c);
                a = ATTN__SMLAD(ATTN__SXTAB16(nq, wq), ATTN__SXTAB16(nk, wk), a);
                a = ATTN__SMLAD(attn__att_sxtab16_r8(nq, wq), attn__att_sxtab16_r8(nk, wk), a);
            }
            s[j] = a;
            if (a > mx) mx = a;
        }
        return mx;
    }
#endif
    switch (dh) { /* one pass */
    case 4: return attn__qk_words_dsp(s, q, k, n, d, 1, 0, nq, kz);
    case 8: return attn__qk_words_dsp(s, q, k, n, d, 2, 0, nq, kz);
    case 12: return attn__qk_words_dsp(s, q, k, n, d, 3, 0, nq, kz);
    default: break;
    }
    for (c = 0; c + 4 <= dh; c += 4 * 3) {
        const int w = (dh - c) >> 2;
        if (w >= 3) {
            mx = add ? attn__qk_words_dsp(s, q + c, k + c, n, d, 3, 1, nq, kz)
                     : attn__qk_words_dsp(s, q + c, k + c, n, d, 3, 0, nq, kz);
        } else if (w == 2) {
            mx = add ? attn__qk_words_dsp(s, q + c, k + c, n, d, 2, 1, nq, kz)
                     : attn__qk_words_dsp(s, q + c, k + c, n, d, 2, 0, nq, kz);
        } else {
            mx = add ? attn__qk_words_dsp(s, q + c, k + c, n, d, 1, 1, nq, kz)
                     : attn__qk_words_dsp(s, q + c, k + c, n, d, 1, 0, nq, kz);
        }
        add = 1;
    }
    c = dh & ~3;
    if (c < dh) { /* the last columns */
        const int8_t *kj = k + c;
        int t;
        for (t = c; t < dh; t++) sq += q[t] - qz;
        sq *= -kz; /* |.| <= 128 * 255 * 3 */
        mx = INT32_MIN;
        for (j = 0; j < n; j++, kj += d) {
            int32_t a = add ? s[j] + sq : sq;
            for (t = 0; t < dh - c; t++) a += (q[c + t] - qz) * kj[t];
            s[j] = a;
            if (a > mx) mx = a;
        }
    }
    return mx;
}

/* The context of one head, as attn__context_s8, from the probabilities as
   16-bit pairs pw[j/2] = p_j | p_{j+1} << 16 (p_n = 0 for odd n): four
   columns per pass, two keys per step. The two rows' words are repacked
   (PKHBT/PKHTB) so that SXTB16 gives (v_j[c], v_j+1[c]) and SMLAD adds
   p_j v_j[c] + p_j+1 v_j+1[c]: 13 instructions per 8 MACs. */
#if ATTN__ATT_ASM
/* The pair loop of attn__context_dsp written out (n4 a multiple of 4, >= 4
   keys): 14 instructions per 8 MACs, eleven registers. */
#define ATTN__CTX_PAIR_R(P, A, B, t, pw, vp, d, a0, a1, a2, a3)                 \
    "ldr     " P ", [" pw "], #4\n\t"                                          \
    "ldr     " A ", [" vp "]\n\t"                                              \
    "ldr     " B ", [" vp ", " d "]\n\t"                                       \
    "add     " vp ", " vp ", " d ", lsl #1\n\t"                                \
    "pkhbt   " t ", " A ", " B ", lsl #16\n\t"                                 \
    "pkhtb   " A ", " B ", " A ", asr #16\n\t"                                 \
    "sxtb16  " B ", " t "\n\t"                                                 \
    "smlad   " a0 ", " B ", " P ", " a0 "\n\t"                                 \
    "sxtb16  " t ", " t ", ror #8\n\t"                                         \
    "smlad   " a1 ", " t ", " P ", " a1 "\n\t"                                 \
    "sxtb16  " B ", " A "\n\t"                                                 \
    "smlad   " a2 ", " B ", " P ", " a2 "\n\t"                                 \
    "sxtb16  " A ", " A ", ror #8\n\t"                                         \
    "smlad   " a3 ", " A ", " P ", " a3 "\n\t"
#define ATTN__CTX_PAIR                                                          \
    ATTN__CTX_PAIR_R("%[P]", "%[A]", "%[B]", "%[t]", "%[pw]", "%[vp]", "%[d]", "%[a0]",  \
                     "%[a1]", "%[a2]", "%[a3]")
#if defined(__clang__)
__attribute__((noinline)) static
#else
ATTN__INLINE
#endif
void attn__ctx4_asm(int32_t *acc, const uint32_t *pw, const int8_t *vp, int n4, int d)
{
    const uint32_t *end = pw + n4 / 2;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    uint32_t P, A, B, t;
    __asm__("1:\n\t" ATTN__CTX_PAIR ATTN__CTX_PAIR
            "ldr     %[t], %[end]\n\t"
            "cmp     %[pw], %[t]\n\t"
            "bne     1b"
            : [pw] "+r"(pw), [vp] "+r"(vp), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2),
              [a3] "+r"(a3), [P] "=&r"(P), [A] "=&r"(A), [B] "=&r"(B), [t] "=&r"(t)
            : [d] "r"(d), [end] "m"(end)
            : "cc", "memory");
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#define ATTN__CTX4_ASM 1
#endif

/* out[0..3] = clamp(zp + requant(a_i, m)): the shift's case decided once,
   QADD + SSAT for the zero point and the clamp */
ATTN__INLINE void attn__ctx_out4(int8_t *out, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                 attn_qmul m, int32_t zp)
{
    if (m.shift < 0) {
        const int n = -m.shift;
        a0 = attn__rshift_rq(attn__srdhm(a0, m.multiplier), n);
        a1 = attn__rshift_rq(attn__srdhm(a1, m.multiplier), n);
        a2 = attn__rshift_rq(attn__srdhm(a2, m.multiplier), n);
        a3 = attn__rshift_rq(attn__srdhm(a3, m.multiplier), n);
    } else {
        a0 = attn__requant(a0, m);
        a1 = attn__requant(a1, m);
        a2 = attn__requant(a2, m);
        a3 = attn__requant(a3, m);
    }
    out[0] = (int8_t)ATTN__SSAT(attn__qadd(a0, zp), 8);
    out[1] = (int8_t)ATTN__SSAT(attn__qadd(a1, zp), 8);
    out[2] = (int8_t)ATTN__SSAT(attn__qadd(a2, zp), 8);
    out[3] = (int8_t)ATTN__SSAT(attn__qadd(a3, zp), 8);
}

#if ATTN__ATT_ASM
/* The whole context of attn__context_dsp's folded case written out: for
   each of the column groups (out..oend, four columns each) the four sums
   over the keys, two pairs of keys per step (ATTN__CTX_PAIR, entered at
   the second for an odd number of pairs), then the last key of an odd n
   alone (its pair word's upper half is 0: the upper lanes add nothing),
   then the four outputs. There SMMLAR adds the constant and the sign:
   (y - (y < 0) + crnd) >> csh with y = hi(2 a m + 2^31), where y < 0
   only for a < 0 (m >= 0), and y = 0 gives out_zp with or without the
   -1 (csh >= 1), so the sign is a's. Eleven registers, the rest in
   memory (the struct). */
#define ATTN__CTX_OUT(a)                                                        \
    "add     %[t], %[A], %[" a "], asr #31\n\t"                                \
    "lsl     %[" a "], %[" a "], #1\n\t"                                       \
    "smmlar  %[" a "], %[" a "], %[P], %[t]\n\t"                               \
    "asr     %[" a "], %[" a "], %[B]\n\t"                                     \
    "ssat    %[" a "], #8, %[" a "]\n\t"                                       \
    "strb    %[" a "], [%[o]], #1\n\t"
/* the last key of an odd n, into the four sums */
#define ATTN__CTX_ODD                                                           \
    "ldr     %[P], [%[pw]]\n\t"                                                \
    "ldr     %[A], [%[vp]]\n\t"                                                \
    "sxtb16  %[B], %[A]\n\t"                                                   \
    "smlad   %[a0], %[B], %[P], %[a0]\n\t"                                     \
    "sxtb16  %[B], %[A], ror #8\n\t"                                           \
    "smlad   %[a1], %[B], %[P], %[a1]\n\t"                                     \
    "sxtb16  %[B], %[A], ror #16\n\t"                                          \
    "smlad   %[a2], %[B], %[P], %[a2]\n\t"                                     \
    "sxtb16  %[B], %[A], ror #24\n\t"                                          \
    "smlad   %[a3], %[B], %[P], %[a3]\n\t"
/* the group loop, with `odd` after the pairs (nothing, or ATTN__CTX_ODD) */
#define ATTN__CTX_GROUPS(odd)                                                   \
    __asm__ volatile("1:\n\t"                                                   \
                     "ldr     %[a0], [%[g], #20]\n\t"                          \
                     "mov     %[a1], %[a0]\n\t"                                \
                     "mov     %[a2], %[a0]\n\t"                                \
                     "mov     %[a3], %[a0]\n\t"                                \
                     "ldr     %[pw], [%[g]]\n\t"                               \
                     "ldr     %[vp], [%[g], #8]\n\t"                           \
                     "add     %[vp], %[vp], %[o]\n\t"                          \
                     "ldr     %[t], [%[g], #36]\n\t"                           \
                     "lsrs    %[t], %[t], #1\n\t" /* C: an odd number of pairs */ \
                     "bcs     3f\n\t"                                          \
                     "beq     4f\n\t"                                          \
                     "2:\n\t" ATTN__CTX_PAIR                                   \
                     "3:\n\t" ATTN__CTX_PAIR                                   \
                     "ldr     %[t], [%[g], #4]\n\t"                            \
                     "cmp     %[pw], %[t]\n\t"                                 \
                     "bne     2b\n\t"                                          \
                     "4:\n\t" odd                                              \
                     "ldr     %[P], [%[g], #24]\n\t"                           \
                     "ldr     %[A], [%[g], #28]\n\t"                           \
                     "ldr     %[B], [%[g], #32]\n\t"                           \
                     ATTN__CTX_OUT("a0") ATTN__CTX_OUT("a1") ATTN__CTX_OUT("a2")  \
                     ATTN__CTX_OUT("a3")                                       \
                     "ldr     %[t], [%[g], #16]\n\t"                           \
                     "cmp     %[o], %[t]\n\t"                                  \
                     "bne     1b"                                              \
                     : [pw] "=&r"(pw), [vp] "=&r"(vp), [a0] "=&r"(a0), [a1] "=&r"(a1), \
                       [a2] "=&r"(a2), [a3] "=&r"(a3), [P] "=&r"(P), [A] "=&r"(A),      \
                       [B] "=&r"(B), [t] "=&r"(t), [o] "+r"(o)                           \
                     : [g] "r"(g), [d] "r"(d)                                            \
                     : "cc", "memory")
#if defined(__clang__)
__attribute__((noinline)) static /* its own thirteen registers */
#else
ATTN__INLINE
#endif
void attn__ctx_groups_asm(attn__ctxg *g, int d)
{
    int8_t *o = g->out;
    const uint32_t *pw;
    const int8_t *vp;
    int32_t a0, a1, a2, a3;
    uint32_t P, A, B, t;
    if (g->odd)
        ATTN__CTX_GROUPS(ATTN__CTX_ODD);
    else
        ATTN__CTX_GROUPS("");
}
#undef ATTN__CTX_GROUPS
#undef ATTN__CTX_ODD
#undef ATTN__CTX_OUT
#define ATTN__CTXG_ASM 1
#endif

#ifdef ATTN__CTXG_ASM
/* attn__context_dsp's folded case, columns 0 .. dh & ~3 (K->cfast, dh >= 4):
   attn__ctx_groups_asm in its own frame */
ATTN__NOINLINE void attn__context_fast_dsp(int8_t *out, const uint32_t *pw, int32_t psum,
                                           const int8_t *v, int n, const attn__att8 *K)
{
    attn__ctxg g;
    g.pw = pw;
    g.pend = pw + (n >> 1);
    g.vd = (uintptr_t)v - (uintptr_t)out;
    g.out = out;
    g.oend = out + (K->dh & ~3);
    g.off = -K->p->v_zp * psum;
    g.m = K->p->ctx_mul.multiplier;
    g.rnd = K->crnd;
    g.sh = K->csh;
    g.np = n >> 1;
    g.odd = n & 1;
    attn__ctx_groups_asm(&g, K->d);
}
#endif

/* The context of one head from column c on (attn__context_fast_dsp took
   the columns before c). */
ATTN__NOINLINE void attn__context_dsp(int8_t *out, const uint32_t *pw, int32_t psum,
                                      const int8_t *v, int n, const attn__att8 *K, int c)
{
    const attn_sdpa_s8_params *p = K->p;
    const int d = K->d, dh = K->dh, fast = K->cfast, sh = K->csh;
    const int32_t off = -p->v_zp * psum, out_zp = p->out_zp, rnd = K->crnd;
    const attn_qmul m = p->ctx_mul;
    int j;
    for (; c + 4 <= dh; c += 4) {
        const int8_t *vp = v + c;
        int32_t a0 = off, a1 = off, a2 = off, a3 = off;
        j = 0;
#ifdef ATTN__CTX4_ASM
        if (n >= 4) {
            int32_t acc[4];
            acc[0] = acc[1] = acc[2] = acc[3] = off;
            j = n & ~3;
            attn__ctx4_asm(acc, pw, vp, j, d);
            a0 = acc[0];
            a1 = acc[1];
            a2 = acc[2];
            a3 = acc[3];
            vp += (size_t)j * (size_t)d;
        }
#endif
        for (; j + 2 <= n; j += 2, vp += 2 * (size_t)d) {
            uint32_t P = pw[j >> 1], A = attn__att_ld32(vp), B = attn__att_ld32(vp + d), L, H;
            L = (A & 0xFFFFu) | (B << 16);         /* v_j[c], v_j[c+1], v_j+1[c], v_j+1[c+1] */
            H = (B & 0xFFFF0000u) | (A >> 16);     /* the same for c+2, c+3 */
            a0 = ATTN__SMLAD(ATTN__SXTB16(L), P, a0);
            a1 = ATTN__SMLAD(attn__att_sxtb16_r8(L), P, a1);
            a2 = ATTN__SMLAD(ATTN__SXTB16(H), P, a2);
            a3 = ATTN__SMLAD(attn__att_sxtb16_r8(H), P, a3);
        }
        if (j < n) { /* the last key alone: its pair's upper half is 0 */
            uint32_t P = pw[j >> 1], A = attn__att_ld32(vp);
            a0 = ATTN__SMLAD(ATTN__SXTB16(A & 0xFFFFu), P, a0);
            a1 = ATTN__SMLAD(attn__att_sxtb16_r8(A & 0xFFFFu), P, a1);
            a2 = ATTN__SMLAD(ATTN__SXTB16(A >> 16), P, a2);
            a3 = ATTN__SMLAD(attn__att_sxtb16_r8(A >> 16), P, a3);
        }
        if (fast) {
            a0 = attn__mulhr(a0 * 2, m.multiplier);
            a1 = attn__mulhr(a1 * 2, m.multiplier);
            a2 = attn__mulhr(a2 * 2, m.multiplier);
            a3 = attn__mulhr(a3 * 2, m.multiplier);
            out[c] = (int8_t)ATTN__SSAT((a0 + (a0 >> 31) + rnd) >> sh, 8);
            out[c + 1] = (int8_t)ATTN__SSAT((a1 + (a1 >> 31) + rnd) >> sh, 8);
            out[c + 2] = (int8_t)ATTN__SSAT((a2 + (a2 >> 31) + rnd) >> sh, 8);
            out[c + 3] = (int8_t)ATTN__SSAT((a3 + (a3 >> 31) + rnd) >> sh, 8);
        } else {
            attn__ctx_out4(out + c, a0, a1, a2, a3, m, out_zp);
        }
    }
    for (; c < dh; c++) {
        const int8_t *vc = v + c;
        int32_t acc = off;
        for (j = 0; j < n; j++)
            acc += (int16_t)(pw[j >> 1] >> (16 * (j & 1))) * vc[(size_t)j * (size_t)d];
        out[c] = attn__to_s8(out_zp, attn__requant(acc, m));
    }
}
#endif

#if ATTN__SM_DSP && !ATTN__SM_MVE && ATTN__ATT_ASM
#define ATTN__HEAD16_DSP 1
/* One unpadded head of d_head 16 with the fast exponent (attn__expo_small)
   and the folded context output (attn__ctx_fast), the DSP cores: every
   step of attn__head_s8 written out in one block, the constants and the
   head's pointers in memory (attn__h16), no C between the steps:
     1. the scores: q - q_zp unpacked once into g->qw (16-bit lanes), then
        two keys per step, each k word unpacked with -k_zp (SXTAB16) and
        multiplied by q's two lane words (SMLAD): 11 instructions per 8
        MACs, the largest score kept; an odd last key alone;
     2. the exponentials (ATTN__EXPO_BODY_R) two per step, their 64-bit sum;
     3. the normaliser (attn__softmax_normalise): k, the Q15 shift and
        rounding, the reciprocal by long division as attn__recip32_div (two
        UDIV, at most two corrections each; q dl > (r << 16) | 0xFFFF tested
        as (q dl) >> 16 > r);
     4. the Q15 probabilities as pairs (attn__softmax_probs_pairs), their sum;
     5. the context: four groups of four columns (attn__context_dsp's
        folded case, as attn__ctx_groups_asm).
   Thirteen registers (g and x0..x11, whose roles change by step). */
typedef struct {
    const int8_t *q, *k, *v; /* the head's query, first key and value rows (0, 4, 8) */
    int8_t *out;             /* its 16 outputs                            (12) */
    int32_t n;               /* keys, >= 1                                (16) */
    int32_t *s;              /* the scores scratch [n]                    (20) */
    int32_t d;               /* the row stride                            (24) */
    uint32_t nq, nk;         /* -q_zp, -k_zp in both 16-bit lanes     (28, 32) */
    int32_t vzn;             /* -v_zp                                     (36) */
    const int32_t *T;        /* the exp2 table; 2^sh, the multiplier (40 .. 48) */
    int32_t ek, em;
    int32_t cm, crnd, csh;   /* ctx_mul's multiplier; crnd, csh    (52 .. 60) */
    /* (the assembly reads and writes the next three by their offsets) */
    /* cppcheck-suppress unusedStructMember */
    uint32_t qw[8];          /* q - q_zp: bytes 0, 2 and 1, 3 per word (64 .. 92) */
    /* cppcheck-suppress unusedStructMember */
    int32_t off;             /* -v_zp psum                                (96) */
    /* cppcheck-suppress unusedStructMember */
    const uint32_t *pend;    /* the end of the pair words                (100) */
} attn__h16;
typedef char attn__h16_layout[offsetof(attn__h16, pend) == 100 ? 1 : -1];
#define ATTN__X(i) "%[x" #i "]"
/* q's word w (bytes 4w..4w+3) unpacked into g->qw[2w], g->qw[2w+1] */
#define ATTN__H16_Q(w, o)                                                       \
    "ldr     %[x5], [%[x8], #" #w "*4]\n\t"                                    \
    "sxtab16 %[x6], %[x9], %[x5]\n\t"                                         \
    "sxtab16 %[x7], %[x9], %[x5], ror #8\n\t"                                 \
    "strd    %[x6], %[x7], [%[g], #" o "]\n\t"
/* key row kp's word w against q's (g->qw at qo) into acc: op is smuad for
   the first word (x8 and x6 scratch, x5 and x7 q's lane words) */
#define ATTN__H16_K(kp, w, acc, first)                                          \
    "ldr     %[x6], [" kp ", #" #w "*4]\n\t"                                   \
    "sxtab16 %[x8], %[x9], %[x6]\n\t"                                         \
    first                                                                      \
    "sxtab16 %[x6], %[x9], %[x6], ror #8\n\t"                                 \
    "smlad   " acc ", %[x5], %[x6], " acc "\n\t"
#define ATTN__H16_FIRST(acc) "smuad   " acc ", %[x7], %[x8]\n\t"
#define ATTN__H16_NEXT(acc) "smlad   " acc ", %[x7], %[x8], " acc "\n\t"
/* both keys (x1, x2) against q's word w: into x3, x4 */
#define ATTN__H16_QK2(w, qo, op)                                                \
    "ldrd    %[x7], %[x5], [%[g], #" qo "]\n\t"                                \
    ATTN__H16_K("%[x1]", w, "%[x3]", op("%[x3]"))                             \
    ATTN__H16_K("%[x2]", w, "%[x4]", op("%[x4]"))
#define ATTN__H16_QK1(w, qo, op)                                                \
    "ldrd    %[x7], %[x5], [%[g], #" qo "]\n\t"                                \
    ATTN__H16_K("%[x1]", w, "%[x3]", op("%[x3]"))
/* x10 = max(x10, r) */
#define ATTN__H16_MAX(r)                                                        \
    "cmp     " r ", %[x10]\n\t"                                               \
    "it      gt\n\t"                                                           \
    "movgt   %[x10], " r "\n\t"
/* the exponential of the entry at x0 (ATTN__EXPO_BODY_R), added to x4:x3 */
#define ATTN__H16_E(post)                                                       \
    "ldr     %[x5], [%[x0]]\n\t"                                               \
    ATTN__EXPO_BODY_R("%[x5]", "%[x6]", "%[x7]", "%[x8]", "%[x1]", "%[x10]", "%[x2]", "%[x9]") \
    "str     %[x7], [%[x0]]" post "\n\t"                                       \
    "adds    %[x3], %[x3], %[x7]\n\t"                                          \
    "adc     %[x4], %[x4], #0\n\t"
/* r = min(32767, (hi(r R) + rounding) >> shift): R x4, rounding x2, shift x1 */
#define ATTN__H16_P(r)                                                          \
    "umull   %[x7], " r ", " r ", %[x4]\n\t"                                   \
    "add     " r ", " r ", %[x2]\n\t"                                          \
    "lsr     " r ", " r ", %[x1]\n\t"                                          \
    "usat    " r ", #15, " r "\n\t"
/* the output of sum r (attn__ctx_groups_asm's ATTN__CTX_OUT) */
#define ATTN__H16_OUT(r)                                                        \
    "add     %[x10], %[x8], " r ", asr #31\n\t"                                \
    "lsl     " r ", " r ", #1\n\t"                                             \
    "smmlar  " r ", " r ", %[x7], %[x10]\n\t"                                  \
    "asr     " r ", " r ", %[x9]\n\t"                                          \
    "ssat    " r ", #8, " r "\n\t"                                             \
    "strb    " r ", [%[x11]], #1\n\t"
#define ATTN__H16_PAIR                                                          \
    ATTN__CTX_PAIR_R("%[x7]", "%[x8]", "%[x9]", "%[x10]", "%[x0]", "%[x1]", "%[x2]", "%[x3]", \
                     "%[x4]", "%[x5]", "%[x6]")
/* one group of four columns at column col of v: the sums x3..x6 from off
   over the pairs (pw x0, v x1, d x2; entered at the second of the two per
   step for an odd number of pairs), the odd last key, the four outputs at
   x11 (m x7, crnd x8, csh x9) */
#define ATTN__H16_GROUP(col)                                                    \
    "ldr     %[x3], [%[g], #96]\n\t"                                           \
    "mov     %[x4], %[x3]\n\t"                                                 \
    "mov     %[x5], %[x3]\n\t"                                                 \
    "mov     %[x6], %[x3]\n\t"                                                 \
    "ldr     %[x0], [%[g], #20]\n\t"                                           \
    "ldr     %[x1], [%[g], #8]\n\t"                                            \
    "add     %[x1], %[x1], #" col "\n\t"                                       \
    "ldr     %[x10], [%[g], #16]\n\t"                                          \
    "lsrs    %[x10], %[x10], #2\n\t" /* C: an odd number of pairs; Z: no two */ \
    "bcs     2f\n\t"                                                           \
    "beq     3f\n\t"                                                           \
    "1:\n\t" ATTN__H16_PAIR                                                    \
    "2:\n\t" ATTN__H16_PAIR                                                    \
    "ldr     %[x10], [%[g], #100]\n\t"                                         \
    "cmp     %[x0], %[x10]\n\t"                                                \
    "bne     1b\n\t"                                                           \
    "3:\n\t"                                                                   \
    "ldr     %[x10], [%[g], #16]\n\t"                                          \
    "tst     %[x10], #1\n\t"                                                   \
    "beq     4f\n\t"                                                           \
    "ldr     %[x7], [%[x0]]\n\t"                                               \
    "ldr     %[x8], [%[x1]]\n\t"                                               \
    "sxtb16  %[x9], %[x8]\n\t"                                                 \
    "smlad   %[x3], %[x9], %[x7], %[x3]\n\t"                                   \
    "sxtb16  %[x9], %[x8], ror #8\n\t"                                         \
    "smlad   %[x4], %[x9], %[x7], %[x4]\n\t"                                   \
    "sxtb16  %[x9], %[x8], ror #16\n\t"                                        \
    "smlad   %[x5], %[x9], %[x7], %[x5]\n\t"                                   \
    "sxtb16  %[x9], %[x8], ror #24\n\t"                                        \
    "smlad   %[x6], %[x9], %[x7], %[x6]\n\t"                                   \
    "4:\n\t"                                                                   \
    "ldr     %[x7], [%[g], #52]\n\t"                                           \
    "ldr     %[x8], [%[g], #56]\n\t"                                           \
    "ldr     %[x9], [%[g], #60]\n\t"                                           \
    ATTN__H16_OUT("%[x3]") ATTN__H16_OUT("%[x4]") ATTN__H16_OUT("%[x5]") ATTN__H16_OUT("%[x6]")
/* the operands of each block: x2 (the row stride) and x11 (the next
   output) carried between the context's groups */
#define ATTN__H16_OPS                                                           \
    : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "+r"(x2), [x3] "=&r"(x3), [x4] "=&r"(x4),      \
      [x5] "=&r"(x5), [x6] "=&r"(x6), [x7] "=&r"(x7), [x8] "=&r"(x8), [x9] "=&r"(x9),    \
      [x10] "+r"(x10), [x11] "+r"(x11)                                                   \
    : [g] "r"(g)                                                                         \
    : "cc", "memory"
ATTN__NOINLINE void attn__head16_asm(attn__h16 *g) /* its own thirteen registers */
{
    /* five blocks (each string within C99's 4095 characters), carrying
       from one to the next the largest score x10 and the pairs' end x11,
       the sum x4:x3, the normaliser x1, x2, x4, then the sum of the
       probabilities x10 */
    uint32_t x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = 0, x11;
    __asm__ volatile(
        /* 1. the scores into s (x0; x11 the end of the pairs), keys x1, x2,
           sums x3, x4, the largest x10, -k_zp lanes x9 */
        "ldr     %[x8], [%[g]]\n\t"
        "ldr     %[x9], [%[g], #28]\n\t"
        ATTN__H16_Q(0, "64") ATTN__H16_Q(1, "72") ATTN__H16_Q(2, "80") ATTN__H16_Q(3, "88")
        "ldr     %[x9], [%[g], #32]\n\t"
        "ldr     %[x0], [%[g], #20]\n\t"
        "ldr     %[x1], [%[g], #4]\n\t"
        "ldr     %[x5], [%[g], #16]\n\t"
        "bic     %[x5], %[x5], #1\n\t"
        "add     %[x11], %[x0], %[x5], lsl #2\n\t"
        "mov     %[x10], #0x80000000\n\t"
        "cmp     %[x0], %[x11]\n\t"
        "beq     2f\n\t"
        "1:\n\t"
        "ldr     %[x5], [%[g], #24]\n\t"
        "add     %[x2], %[x1], %[x5]\n\t"
        ATTN__H16_QK2(0, "64", ATTN__H16_FIRST) ATTN__H16_QK2(1, "72", ATTN__H16_NEXT)
        ATTN__H16_QK2(2, "80", ATTN__H16_NEXT) ATTN__H16_QK2(3, "88", ATTN__H16_NEXT)
        "strd    %[x3], %[x4], [%[x0]], #8\n\t"
        ATTN__H16_MAX("%[x3]") ATTN__H16_MAX("%[x4]")
        "ldr     %[x5], [%[g], #24]\n\t"
        "add     %[x1], %[x2], %[x5]\n\t"
        "cmp     %[x0], %[x11]\n\t"
        "bne     1b\n\t"
        "2:\n\t"
        "ldr     %[x5], [%[g], #16]\n\t"
        "tst     %[x5], #1\n\t"
        "beq     3f\n\t"
        ATTN__H16_QK1(0, "64", ATTN__H16_FIRST) ATTN__H16_QK1(1, "72", ATTN__H16_NEXT)
        ATTN__H16_QK1(2, "80", ATTN__H16_NEXT) ATTN__H16_QK1(3, "88", ATTN__H16_NEXT)
        "str     %[x3], [%[x0]]\n\t"
        ATTN__H16_MAX("%[x3]")
        "3:\n\t"
        : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [x4] "=&r"(x4),
          [x5] "=&r"(x5), [x6] "=&r"(x6), [x7] "=&r"(x7), [x8] "=&r"(x8), [x9] "=&r"(x9),
          [x10] "+r"(x10), [x11] "=&r"(x11)
        : [g] "r"(g)
        : "cc", "memory");
    __asm__ volatile(
        /* 2. the exponentials: k x1, m x2, T x9, mx * k x10, the sum x4:x3 */
        "ldr     %[x0], [%[g], #20]\n\t"
        "ldr     %[x1], [%[g], #44]\n\t"
        "ldr     %[x2], [%[g], #48]\n\t"
        "ldr     %[x9], [%[g], #40]\n\t"
        "mul     %[x10], %[x10], %[x1]\n\t"
        "movs    %[x3], #0\n\t"
        "movs    %[x4], #0\n\t"
        "cmp     %[x0], %[x11]\n\t"
        "beq     5f\n\t"
        "4:\n\t" ATTN__H16_E(", #4") ATTN__H16_E(", #4")
        "cmp     %[x0], %[x11]\n\t"
        "bne     4b\n\t"
        "5:\n\t"
        "ldr     %[x5], [%[g], #16]\n\t"
        "tst     %[x5], #1\n\t"
        "beq     6f\n\t"
        ATTN__H16_E("")
        "6:\n\t"
        : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [x4] "=&r"(x4),
          [x5] "=&r"(x5), [x6] "=&r"(x6), [x7] "=&r"(x7), [x8] "=&r"(x8), [x9] "=&r"(x9),
          [x10] "+r"(x10), [x11] "+r"(x11)
        : [g] "r"(g)
        : "cc", "memory");
    __asm__ volatile(
        /* 3. the normaliser of S = x4:x3 (2^30 <= S < 2^61): the shift x1
           (16 + k; 31 from k = 16 on), the rounding x2 (2^(15+k), 0),
           D = S's top 32 bits x7, then R = floor((2^63 - 1) / D) into x4
           (dh x8, dl x9, the digit x10, its remainder x11, q1 << 16 x3) */
        "cmp     %[x4], #0\n\t"
        "bne     7f\n\t"
        "lsrs    %[x5], %[x3], #31\n\t" /* S < 2^32: k = x5 - 1 */
        "ite     eq\n\t"
        "lsleq   %[x7], %[x3], #1\n\t"
        "movne   %[x7], %[x3]\n\t"
        "add     %[x1], %[x5], #15\n\t"
        "movs    %[x2], #1\n\t"
        "add     %[x5], %[x5], #14\n\t"
        "lsl     %[x2], %[x2], %[x5]\n\t"
        "b       9f\n\t"
        "7:\n\t"
        "clz     %[x5], %[x4]\n\t"
        "lsl     %[x7], %[x4], %[x5]\n\t"
        "rsb     %[x6], %[x5], #32\n\t" /* k, 1..29 */
        "lsr     %[x8], %[x3], %[x6]\n\t"
        "orr     %[x7], %[x7], %[x8]\n\t"
        "cmp     %[x6], #16\n\t"
        "bge     8f\n\t"
        "add     %[x1], %[x6], #16\n\t"
        "movs    %[x2], #1\n\t"
        "add     %[x6], %[x6], #15\n\t"
        "lsl     %[x2], %[x2], %[x6]\n\t"
        "b       9f\n\t"
        "8:\n\t"
        "movs    %[x1], #31\n\t"
        "movs    %[x2], #0\n\t"
        "9:\n\t"
        "lsr     %[x8], %[x7], #16\n\t"
        "uxth    %[x9], %[x7]\n\t"
        "mvn     %[x5], #0x80000000\n\t"
        "udiv    %[x10], %[x5], %[x8]\n\t" /* q1 = (2^31 - 1) / dh */
        "mls     %[x11], %[x10], %[x8], %[x5]\n\t"
        "10:\n\t"
        "cmp     %[x11], #0x10000\n\t"
        "bhs     11f\n\t"
        "mul     %[x6], %[x10], %[x9]\n\t"
        "cmp     %[x11], %[x6], lsr #16\n\t"
        "bhs     11f\n\t"
        "sub     %[x10], %[x10], #1\n\t"
        "add     %[x11], %[x11], %[x8]\n\t"
        "b       10b\n\t"
        "11:\n\t"
        "mul     %[x6], %[x10], %[x7]\n\t"
        "mvn     %[x6], %[x6]\n\t" /* (2^47 - 1) - q1 D */
        "lsl     %[x3], %[x10], #16\n\t"
        "udiv    %[x10], %[x6], %[x8]\n\t" /* q0 */
        "mls     %[x11], %[x10], %[x8], %[x6]\n\t"
        "12:\n\t"
        "cmp     %[x11], #0x10000\n\t"
        "bhs     14f\n\t"
        "cmp     %[x10], #0x10000\n\t"
        "bhs     13f\n\t"
        "mul     %[x6], %[x10], %[x9]\n\t"
        "cmp     %[x11], %[x6], lsr #16\n\t"
        "bhs     14f\n\t"
        "13:\n\t"
        "sub     %[x10], %[x10], #1\n\t"
        "add     %[x11], %[x11], %[x8]\n\t"
        "b       12b\n\t"
        "14:\n\t"
        "add     %[x4], %[x3], %[x10]\n\t"
        : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "+r"(x3), [x4] "+r"(x4),
          [x5] "=&r"(x5), [x6] "=&r"(x6), [x7] "=&r"(x7), [x8] "=&r"(x8), [x9] "=&r"(x9),
          [x10] "+r"(x10), [x11] "=&r"(x11)
        : [g] "r"(g)
        : "cc", "memory");
    __asm__ volatile(
        /* 4. the Q15 pairs: read at x0, written at x3, their sum x10 (x9
           = 0x10001 for SMLAD), x11 the end of the pairs */
        "ldr     %[x0], [%[g], #20]\n\t"
        "mov     %[x3], %[x0]\n\t"
        "ldr     %[x5], [%[g], #16]\n\t"
        "bic     %[x5], %[x5], #1\n\t"
        "add     %[x11], %[x0], %[x5], lsl #2\n\t"
        "movs    %[x10], #0\n\t"
        "mov     %[x9], #0x10001\n\t"
        "cmp     %[x0], %[x11]\n\t"
        "beq     16f\n\t"
        "15:\n\t"
        "ldrd    %[x5], %[x6], [%[x0]], #8\n\t"
        ATTN__H16_P("%[x5]") ATTN__H16_P("%[x6]")
        "orr     %[x5], %[x5], %[x6], lsl #16\n\t"
        "smlad   %[x10], %[x5], %[x9], %[x10]\n\t"
        "str     %[x5], [%[x3]], #4\n\t"
        "cmp     %[x0], %[x11]\n\t"
        "bne     15b\n\t"
        "16:\n\t"
        "ldr     %[x5], [%[g], #16]\n\t"
        "tst     %[x5], #1\n\t"
        "beq     17f\n\t"
        "ldr     %[x5], [%[x0]]\n\t"
        ATTN__H16_P("%[x5]")
        "str     %[x5], [%[x3]]\n\t"
        "add     %[x10], %[x10], %[x5]\n\t"
        "17:\n\t"
        : [x0] "=&r"(x0), [x1] "+r"(x1), [x2] "+r"(x2), [x3] "=&r"(x3), [x4] "+r"(x4),
          [x5] "=&r"(x5), [x6] "=&r"(x6), [x7] "=&r"(x7), [x8] "=&r"(x8), [x9] "=&r"(x9),
          [x10] "+r"(x10), [x11] "=&r"(x11)
        : [g] "r"(g)
        : "cc", "memory");
    __asm__ volatile(
        /* 5. the context: off and the pairs' end into g, then each group
           of four columns (ATTN__H16_GROUP) its own block */
        "ldr     %[x5], [%[g], #36]\n\t"
        "mul     %[x10], %[x10], %[x5]\n\t"
        "str     %[x10], [%[g], #96]\n\t"
        "ldr     %[x11], [%[g], #12]\n\t"
        "ldr     %[x0], [%[g], #20]\n\t"
        "ldr     %[x5], [%[g], #16]\n\t"
        "lsr     %[x5], %[x5], #1\n\t"
        "add     %[x5], %[x0], %[x5], lsl #2\n\t"
        "str     %[x5], [%[g], #100]\n\t"
        "ldr     %[x2], [%[g], #24]\n\t"
        ATTN__H16_GROUP("0")
        ATTN__H16_OPS);
    __asm__ volatile(ATTN__H16_GROUP("4") ATTN__H16_OPS);
    __asm__ volatile(ATTN__H16_GROUP("8") ATTN__H16_OPS);
    __asm__ volatile(ATTN__H16_GROUP("12") ATTN__H16_OPS);
}
#undef ATTN__H16_Q
#undef ATTN__H16_K
#undef ATTN__H16_FIRST
#undef ATTN__H16_NEXT
#undef ATTN__H16_QK2
#undef ATTN__H16_QK1
#undef ATTN__H16_MAX
#undef ATTN__H16_E
#undef ATTN__H16_P
#undef ATTN__H16_OUT
#undef ATTN__H16_PAIR
#undef ATTN__H16_GROUP
#undef ATTN__H16_OPS
#undef ATTN__X

/* attn__attend_rows_s8 for unpadded heads of d_head 16 when
   attn__head16_ok: the rows and heads looped over here, the head by
   attn__head16_asm. */
ATTN__NOCLONE void attn__rows16_dsp(int8_t *out, const int8_t *q, int m, int i0, const int8_t *k,
                                     const int8_t *v, const uint8_t *key_padding, int seq_kv,
                                     int dm, int n_heads, int causal, int window,
                                     const attn_sdpa_s8_params *p, int32_t *s)
{
    const size_t d = (size_t)dm; /* n_heads * 16 */
    /* attn__key_range, a row at a time: query i sees lo = max(0, i - lo_off)
       .. min(seq_kv, i + hi_off) - 1 (the window clamped: i + hi_off stays
       far below 2^31) */
    const int w = window > 0 && window < seq_kv + m + i0 ? window : 0;
    const int lo_off = w ? w : (1 << 30), hi_off = causal ? 1 : w ? w + 1 : seq_kv;
    attn__h16 g;
    int i, h, c;
    (void)key_padding; /* NULL */
    g.s = s;
    g.d = (int32_t)d;
    g.nq = (uint32_t)(uint16_t)-p->q_zp * 0x10001u;
    g.nk = (uint32_t)(uint16_t)-p->k_zp * 0x10001u;
    g.vzn = -p->v_zp;
    g.T = attn__exp2_table();
    g.ek = (int32_t)1 << (p->score_mul.shift + 1);
    g.em = p->score_mul.multiplier;
    g.cm = p->ctx_mul.multiplier;
    g.csh = -p->ctx_mul.shift;
    g.crnd = (int32_t)(((uint32_t)1 << (g.csh - 1)) + (uint32_t)p->out_zp * ((uint32_t)1 << g.csh));
    for (i = i0; i < i0 + m; i++, out += d, q += d) {
        int lo = i - lo_off, hi = i + hi_off;
        size_t at;
        if (lo < 0) lo = 0;
        if (hi > seq_kv) hi = seq_kv;
        if (hi <= lo) { /* no key in sight: a zero context */
            for (c = 0; c < (int)d; c++) out[c] = attn__to_s8(p->out_zp, 0);
            continue;
        }
        g.n = hi - lo;
        at = (size_t)lo * d;
        g.q = q;
        g.k = k + at;
        g.v = v + at;
        g.out = out;
        attn__head16_asm(&g);
        for (h = 1; h < n_heads; h++) {
            g.q += 16;
            g.k += 16;
            g.v += 16;
            g.out += 16;
            attn__head16_asm(&g);
        }
    }
}
#endif

#if ATTN__SM_MVE
/* ---- Helium (M55): the attention softmax four keys per vector ---------- */

/* exp2 of four exponents u >= 0 (as attn__exp2_q16): u clamped to 32 * 2^16
   (from n = 31 on the result is 0 either way), the pair table gathered at
   2i and 2i + 1 (or T at i and i + 1), the floor by 2^n as VSHL by -n (0
   for n = 32). */
ATTN__INLINE uint32x4_t attn__exp2_mve(uint32x4_t u, const int32_t *TD)
{
    const uint32x4_t uc = vminq_u32(u, vdupq_n_u32(32u << 16));
    const uint32x4_t r = vshrq_n_u32(vshlq_n_u32(uc, 23), 23);
#if ATTN__EXP2_PAIRS
    const uint32x4_t i2 = vbicq_n_u32(vshrq_n_u32(vshlq_n_u32(uc, 16), 24), 1); /* 2i */
    const uint32x4_t t = vldrwq_gather_shifted_offset_u32((const uint32_t *)TD, i2);
    const uint32x4_t dd = vldrwq_gather_shifted_offset_u32((const uint32_t *)TD + 1, i2);
#else
    const uint32x4_t i = vshrq_n_u32(vshlq_n_u32(uc, 16), 25);
    const uint32x4_t t = vldrwq_gather_shifted_offset_u32((const uint32_t *)TD, i);
    const uint32x4_t dd = vsubq_u32(t, vldrwq_gather_shifted_offset_u32((const uint32_t *)TD + 1, i));
#endif
    const uint32x4_t v = vsubq_u32(t, vshrq_n_u32(vmulq_u32(dd, r), 9));
    return vshlq_u32(v, vnegq_s32(vreinterpretq_s32_u32(vshrq_n_u32(uc, 16))));
}

/* e = exp2(max(0, requant(sat(mx - z), mul))) for four entries z, 0 where
   hidden (h: their padding bytes, or NULL). The exponent with VQSUB, VQSHL
   (shift > 0), VQRDMULH (= attn__srdhm) and VRSHL (shift < 0: the value
   is >= 0 or, for a negative multiplier, ends at 0 anyway, so rounding
   half up is attn__rshift_rq's rounding). fast (shift >= 0, multiplier
   >= 0) leaves out what is then the identity: VRSHL by 0 and the max with
   0. */
ATTN__INLINE uint32x4_t attn__exp4_mve(int32x4_t z, const uint8_t *h, mve_pred16_t pr,
                                       int32x4_t mxv, int lsh, int32_t m, int rsh,
                                       const int32_t *TD, int fast)
{
    int32x4_t a = vqrdmulhq_n_s32(vqshlq_r_s32(vqsubq_s32(mxv, z), lsh), m);
    uint32x4_t e;
    if (!fast) a = vmaxq_s32(vrshlq_n_s32(a, -rsh), vdupq_n_s32(0));
    e = attn__exp2_mve(vreinterpretq_u32_s32(a), TD);
    if (h) e = vpselq_u32(e, vdupq_n_u32(0), vcmpeqq_m_n_u32(vldrbq_z_u32(h, pr), 0, pr));
    return e;
}

/* The loops over n entries, four per vector: clang 14 turns a loop
   predicated by VCTP into a tail-predicated low-overhead loop (DLSTP/LETP,
   no counter, no tail); GCC 12 would move that predicate through a core
   register every pass, so there an unpredicated main loop runs over whole
   vectors and one predicated pass takes the tail. */
#if defined(__clang__)
#define ATTN__MVE_TAILPRED 1
#else
#define ATTN__MVE_TAILPRED 0
#endif

/* The exponentials of z[0..n-1] into z, their sum returned. Written once,
   inlined for the fast case and the general one. */
ATTN__INLINE uint64_t attn__exps_mve(int32_t *z, const uint8_t *hidden, int n, int32_t mx,
                                     attn_qmul mul, const int32_t *TD, int fast)
{
    const int lsh = mul.shift > 0 ? mul.shift : 0, rsh = mul.shift < 0 ? -mul.shift : 0;
    const int32x4_t mxv = vdupq_n_s32(mx);
    uint64_t sum = 0;
    int j = 0;
#if !ATTN__MVE_TAILPRED
    const mve_pred16_t all = vctp32q(4);
    for (; j + 4 <= n; j += 4) {
        uint32x4_t e = attn__exp4_mve(vldrwq_s32(z + j), hidden ? hidden + j : NULL, all, mxv, lsh,
                                      mul.multiplier, rsh, TD, fast);
        vstrwq_u32((uint32_t *)z + j, e);
        sum = vaddlvaq_u32(sum, e);
    }
#endif
    for (; j < n; j += 4) {
        const mve_pred16_t pr = vctp32q((uint32_t)(n - j));
        uint32x4_t e = attn__exp4_mve(vldrwq_z_s32(z + j, pr), hidden ? hidden + j : NULL, pr, mxv,
                                      lsh, mul.multiplier, rsh, TD, fast);
        vstrwq_p_u32((uint32_t *)z + j, e, pr);
        sum = vaddlvaq_p_u32(sum, e, pr);
    }
    return sum;
}

/* The attention softmax of z[0..n-1] (hidden as in attn__softmax_max),
   in place: Q15 probabilities (int32), 0 for hidden entries. Returns their
   sum, or -1 if nothing is visible. fast: see attn__exp4_mve. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline)) /* its own registers and constants */
#endif
static int32_t attn__softmax_row_mve(int32_t *z, const uint8_t *hidden, int n, attn_qmul mul,
                                     int fast)
{
    const int32_t *TD = attn__exp2_table();
    const uint32x4_t top = vdupq_n_u32(32767);
    int32x4_t mxv = vdupq_n_s32(INT32_MIN);
    attn__softmax_norm nm;
    uint32x4_t rv;
    uint64_t sum;
    uint32_t psum = 0;
    int32_t mx;
    int j;
    if (hidden) {
        for (j = 0; j < n; j += 4) {
            mve_pred16_t pr = vctp32q((uint32_t)(n - j));
            pr = vcmpeqq_m_n_u32(vldrbq_z_u32(hidden + j, pr), 0, pr);
            mxv = vmaxq_m_s32(mxv, mxv, vldrwq_z_s32(z + j, pr), pr);
        }
    } else {
        j = 0;
#if !ATTN__MVE_TAILPRED
        for (; j + 4 <= n; j += 4) mxv = vmaxq_s32(mxv, vldrwq_s32(z + j));
#endif
        for (; j < n; j += 4) {
            mve_pred16_t pr = vctp32q((uint32_t)(n - j));
            mxv = vmaxq_m_s32(mxv, mxv, vldrwq_z_s32(z + j, pr), pr);
        }
    }
    /* |score| <= d_head * 255^2 < 2^31: INT32_MIN means nothing was visible */
    mx = vmaxvq_s32(INT32_MIN, mxv);
    if (mx == INT32_MIN) return -1;
    sum = fast && !hidden ? attn__exps_mve(z, NULL, n, mx, mul, TD, 1)
                          : attn__exps_mve(z, hidden, n, mx, mul, TD, 0);
    nm = attn__softmax_normalise(sum);
    rv = vdupq_n_u32(nm.r);
    /* (hi + 2^(sh-1)) >> sh is VRSHL; with shift 31 the rounding adds 2^30
       where attn__softmax_q15 adds 0: hi < 2^30 gives 0 both ways */
    j = 0;
#if !ATTN__MVE_TAILPRED
    for (; j + 4 <= n; j += 4) {
        uint32x4_t p = vminq_u32(vrshlq_n_u32(vmulhq_u32(vldrwq_u32((const uint32_t *)z + j), rv),
                                              -nm.shift15), top);
        vstrwq_u32((uint32_t *)z + j, p);
        psum = vaddvaq_u32(psum, p);
    }
#endif
    for (; j < n; j += 4) {
        mve_pred16_t pr = vctp32q((uint32_t)(n - j));
        uint32x4_t p = vminq_u32(vrshlq_n_u32(vmulhq_u32(vldrwq_z_u32((const uint32_t *)z + j, pr), rv),
                                              -nm.shift15), top);
        vstrwq_p_u32((uint32_t *)z + j, p, pr);
        psum = vaddvaq_p_u32(psum, p, pr);
    }
    return (int32_t)psum;
}

/* Scores of one head, as attn__scores_s8: one VMLADAV per key and 16
   columns, the zero points folded in, in uint32 (exact modulo 2^32, and
   the true sum fits int32): sum (q - q_zp)(k - k_zp) = sum q k
   - q_zp sum k - k_zp sum q + d_head q_zp k_zp. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline)) /* its own registers and constants */
#endif
static void attn__scores_mve(int32_t *s, const int8_t *q, const int8_t *k, int n, int d, int dh,
                             int32_t qz, int32_t kz)
{
    uint32_t sq = 0, c0;
    int j, c;
    for (c = 0; c < dh; c += 16)
        sq += (uint32_t)vaddvq_p_s8(vldrbq_z_s8(q + c, vctp8q((uint32_t)(dh - c))),
                                    vctp8q((uint32_t)(dh - c)));
    c0 = (uint32_t)dh * (uint32_t)qz * (uint32_t)kz - (uint32_t)kz * sq;
#if ATTN__ATT_ASM
    if (dh == 16 && qz == 0 && n >= 2) { /* two keys per step, written out */
        const int8x16_t qv = vldrbq_s8(q);
        int8x16_t k0, k1;
        register int32_t s0 __asm__("r4"); /* VMLADAV writes even registers only */
        register int32_t s1 __asm__("r6");
        const int8_t *kb;
        int np = n >> 1;
        __asm__("dls     lr, %[np]\n\t"
                "1:\n\t"
                "add     %[kb], %[k], %[d]\n\t"
                "vldrb.u8 %q[k0], [%[k]]\n\t"
                "vldrb.u8 %q[k1], [%[kb]]\n\t"
                "vmladav.s8 %[s0], %q[qv], %q[k0]\n\t"
                "vmladav.s8 %[s1], %q[qv], %q[k1]\n\t"
                "add     %[s0], %[s0], %[c0]\n\t"
                "add     %[s1], %[s1], %[c0]\n\t"
                "add     %[k], %[kb], %[d]\n\t"
                "strd    %[s0], %[s1], [%[s]], #8\n\t"
                "le      lr, 1b"
                : [s] "+r"(s), [k] "+r"(k), [kb] "=&r"(kb), [s0] "=&r"(s0), [s1] "=&r"(s1),
                  [k0] "=&w"(k0), [k1] "=&w"(k1)
                : [np] "r"(np), [d] "r"(d), [c0] "r"(c0), [qv] "w"(qv)
                : "lr", "memory");
        if (n & 1) *s = (int32_t)((uint32_t)vmladavq_s8(qv, vldrbq_s8(k)) + c0);
        return;
    }
#endif
    if (dh <= 16) {
        const mve_pred16_t pr = vctp8q((uint32_t)dh);
        const int8x16_t qv = vldrbq_z_s8(q, pr);
        if (qz == 0) {
            for (j = 0; j < n; j++, k += d) s[j] = (int32_t)((uint32_t)vmladavq_s8(qv, vldrbq_z_s8(k, pr)) + c0);
        } else {
            for (j = 0; j < n; j++, k += d) {
                int8x16_t kv = vldrbq_z_s8(k, pr);
                s[j] = (int32_t)((uint32_t)vmladavq_s8(qv, kv) - (uint32_t)qz * (uint32_t)vaddvq_s8(kv) + c0);
            }
        }
        return;
    }
    for (j = 0; j < n; j++, k += d) {
        int32_t qk = 0, sk = 0;
        for (c = 0; c < dh; c += 16) {
            mve_pred16_t pr = vctp8q((uint32_t)(dh - c));
            int8x16_t kv = vldrbq_z_s8(k + c, pr);
            qk = vmladavaq_p_s8(qk, vldrbq_z_s8(q + c, pr), kv, pr);
            sk = vaddvaq_p_s8(sk, kv, pr);
        }
        s[j] = (int32_t)((uint32_t)qk - (uint32_t)qz * (uint32_t)sk + c0);
    }
}

/* clamp(zp + requant(a, m)) of four lanes, one multiplier and shift (this
   file's own, per tensor; attn__requant_mve takes them per lane): VQSHL
   or VQRDMULH then the rounding right shift with ties away from zero
   (VRSHL rounds half up, so a negative value is first made one smaller,
   as attn__rshift_rq), VQADD of the zero point, the int8 range (a
   saturating shift up by 24 and back: no vector constants, which the
   compilers would keep on the stack). */
ATTN__INLINE int32x4_t attn__ctx_out_mve(int32x4_t a, attn_qmul m, int32_t zp)
{
    if (m.shift > 0) a = vqshlq_r_s32(a, m.shift);
    a = vqrdmulhq_n_s32(a, m.multiplier);
    if (m.shift < 0) a = vrshlq_n_s32(vaddq_s32(a, vshrq_n_s32(a, 31)), m.shift);
    return vshrq_n_s32(vqshlq_n_s32(vqaddq_n_s32(a, zp), 24), 24);
}

/* The context of one head, as attn__context_s8: sixteen columns per pass in
   four int32 vectors, VMLA by each key's probability; the sums requantized
   four at a time (attn__requant_mve) and stored with their predicate. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline)) /* its own registers and constants */
#endif
static void attn__context_mve(int8_t *out, const int32_t *pr32, int32_t psum, const int8_t *v,
                              int n, int d, int dh, const attn_sdpa_s8_params *p)
{
    const int32x4_t off = vdupq_n_s32(-p->v_zp * psum);
    const attn_qmul m = p->ctx_mul;
    const int32_t zp = p->out_zp;
    int c, j;
    for (c = 0; c < dh; c += 16) {
        const uint32_t rem = (uint32_t)(dh - c); /* columns left, > 0 */
        const int8_t *v0 = v + c;
        int32x4_t a0 = off, a1 = off, a2 = off, a3 = off;
        if (rem >= 16) { /* a whole block: no predicates */
            j = 0;
#if ATTN__ATT_ASM
            if (n >= 2) { /* two keys per step, written out (both compilers' loops cost more;
                             the widening loads want a base in r0-r7: "l") */
                const int8_t *v1;
                int32_t p0, p1;
                int np = n >> 1;
                int32x4_t t0, t1;
                const int32_t *pp = pr32;
                __asm__("dls     lr, %[np]\n\t"
                        "1:\n\t"
                        "ldrd    %[p0], %[p1], [%[pp]], #8\n\t"
                        "add     %[v1], %[v0], %[d]\n\t"
                        "vldrb.s32 %q[t0], [%[v0]]\n\t"
                        "vldrb.s32 %q[t1], [%[v0], #4]\n\t"
                        "vmla.s32 %q[a0], %q[t0], %[p0]\n\t"
                        "vmla.s32 %q[a1], %q[t1], %[p0]\n\t"
                        "vldrb.s32 %q[t0], [%[v0], #8]\n\t"
                        "vldrb.s32 %q[t1], [%[v0], #12]\n\t"
                        "vmla.s32 %q[a2], %q[t0], %[p0]\n\t"
                        "vmla.s32 %q[a3], %q[t1], %[p0]\n\t"
                        "vldrb.s32 %q[t0], [%[v1]]\n\t"
                        "vldrb.s32 %q[t1], [%[v1], #4]\n\t"
                        "vmla.s32 %q[a0], %q[t0], %[p1]\n\t"
                        "vmla.s32 %q[a1], %q[t1], %[p1]\n\t"
                        "vldrb.s32 %q[t0], [%[v1], #8]\n\t"
                        "vldrb.s32 %q[t1], [%[v1], #12]\n\t"
                        "vmla.s32 %q[a2], %q[t0], %[p1]\n\t"
                        "vmla.s32 %q[a3], %q[t1], %[p1]\n\t"
                        "add     %[v0], %[v0], %[d], lsl #1\n\t"
                        "le      lr, 1b"
                        : [pp] "+r"(pp), [v0] "+l"(v0), [v1] "=&l"(v1), [p0] "=&r"(p0),
                          [p1] "=&r"(p1), [a0] "+w"(a0), [a1] "+w"(a1), [a2] "+w"(a2),
                          [a3] "+w"(a3), [t0] "=&w"(t0), [t1] "=&w"(t1)
                        : [np] "r"(np), [d] "r"(d)
                        : "lr", "memory");
                j = 2 * np;
            }
#endif
            for (; j < n; j++, v0 += d) {
                const int32_t p0 = pr32[j];
                a0 = vmlaq_n_s32(a0, vldrbq_s32(v0), p0);
                a1 = vmlaq_n_s32(a1, vldrbq_s32(v0 + 4), p0);
                a2 = vmlaq_n_s32(a2, vldrbq_s32(v0 + 8), p0);
                a3 = vmlaq_n_s32(a3, vldrbq_s32(v0 + 12), p0);
            }
            vstrbq_s32(out + c, attn__ctx_out_mve(a0, m, zp));
            vstrbq_s32(out + c + 4, attn__ctx_out_mve(a1, m, zp));
            vstrbq_s32(out + c + 8, attn__ctx_out_mve(a2, m, zp));
            vstrbq_s32(out + c + 12, attn__ctx_out_mve(a3, m, zp));
        } else { /* the last columns: eight at a time, then four, the last loads predicated */
            int c4 = 0;
            if (rem >= 8) {
                const int8_t *vq = v0;
                for (j = 0; j < n; j++, vq += d) {
                    const int32_t p0 = pr32[j];
                    a0 = vmlaq_n_s32(a0, vldrbq_s32(vq), p0);
                    a1 = vmlaq_n_s32(a1, vldrbq_s32(vq + 4), p0);
                }
                vstrbq_s32(out + c, attn__ctx_out_mve(a0, m, zp));
                vstrbq_s32(out + c + 4, attn__ctx_out_mve(a1, m, zp));
                c4 = 8;
            }
            for (; (uint32_t)c4 < rem; c4 += 4) {
                const mve_pred16_t pr = vctp32q(rem - (uint32_t)c4);
                const int8_t *vq = v0 + c4;
                a0 = off;
                for (j = 0; j < n; j++, vq += d) a0 = vmlaq_n_s32(a0, vldrbq_z_s32(vq, pr), pr32[j]);
                vstrbq_p_s32(out + c + c4, attn__ctx_out_mve(a0, m, zp), pr);
            }
        }
    }
}

#if ATTN__ATT_ASM
#define ATTN__ROWS16_MVE 1
/* Windowed heads (attn__rows16_mve's groups): four consecutive query rows
   of a head at once, whose windows lie in one union of at most
   ATTN__WIN_KEYS keys (2w + 4 for a window w, w + 4 causal). Their scores
   go to a block S[key][row] (the rows in the lanes), so that the softmax's
   max, exponentials, sums, normalisers and Q15 probabilities are vector
   operations over the union's keys, with no reduction across lanes:
     - a key outside a row's window gets the score INT32_MIN, whose
       exponential is exactly 0: mx - z saturates at or above 2^31 - 2^18
       (|mx| <= 16 * 128^2), VQSHL keeps it there and VQRDMULH by a
       multiplier >= 2^22 (the caller's condition) gives more than
       32 * 2^16, where attn__exp2_mve's result is 0;
     - the scores are the dot products without k_zp's term -k_zp sum q: a
       constant of the row, it cancels in mx - z (|mx - z| < 2^20 either
       way: nothing saturates);
     - the exponentials as attn__exp2_mve's, (T[i] - T[i+1]) r >> 9 as
       VMULH by r << 23, the table's index and r taken from u itself (not
       from u clamped: where they differ, n = 32 gives 0 anyway);
     - each row's 64-bit sum S in two 32-bit lanes: H = sum (e >> 16) and
       L = sum e modulo 2^32, S = H 2^16 + sum (e & 0xFFFF), whose low word
       is L and high word H >> 16 plus the carry L < (H << 16 modulo 2^32)
       (sum (e & 0xFFFF) < 2^32: fewer than 2^16 keys);
     - its normaliser as attn__softmax_normalise: c = clz of S (64 bits,
       1..33), D = (S << c) >> 32, the Q15 shift 48 - c (31 from 32 on),
       R = floor((2^63 - 1) / D) as attn__recip32 step by step (its two
       Newton steps, the third on the residual 2^63 - D x, whose bits 16..47
       are those of -(D x) modulo 2^64), then its last corrections x + 1
       while D (x + 1) <= 2^63 - 1, i.e. while the high word of D (x + 1)
       is below 2^31 (x + 1 saturated: x = 2^32 - 1 is the quotient itself,
       D = 2^31); the same integer as attn__recip32_div for every D (both
       checked against each other for all 2^31 of them when this was
       written);
   then each row's context over its own keys as attn__rows16_mve's. rows
   (2..4): the rows that exist; the lanes past them repeat the last (their
   outputs are not written). The per-head part in one block of assembly
   (both compilers' code spilled), reading its arguments from the struct. */
#define ATTN__WIN_KEYS 12
typedef struct {
    /* (the assembly reads these by their offsets) */
    /* cppcheck-suppress unusedStructMember */
    const int8_t *q[4];   /* the rows' queries at the head's column   (0 .. 12) */
    /* cppcheck-suppress unusedStructMember */
    const int8_t *k;      /* the union's first key at the column        (16) */
    int32_t d;            /* the row stride                             (20) */
    /* cppcheck-suppress unusedStructMember */
    int32_t n;            /* keys in the union, 1..ATTN__WIN_KEYS       (24) */
    int32_t *s;           /* the block S [n][4]                         (28) */
    const int32_t *T;     /* the exp2 pairs (attn__exp2_table)          (32) */
    int32_t lsh, em;      /* score_mul's shift (>= 0) and multiplier (36, 40) */
    const uint32_t *R0;   /* attn__recip32's seeds << 16                (44) */
    /* cppcheck-suppress unusedStructMember */
    uint32_t dv[4];       /* key 0 - each row's first key        (48 .. 60) */
    /* cppcheck-suppress unusedStructMember */
    uint32_t nk[4];       /* each row's number of keys           (64 .. 76) */
    /* (the assembly reads and writes the rest by their offsets) */
    /* cppcheck-suppress unusedStructMember */
    uint32_t ps[4];       /* each row's sum of probabilities     (80 .. 92) */
    /* cppcheck-suppress unusedStructMember */
    const int32_t *pp[4]; /* each row's first probability in s  (96 .. 108) */
    /* cppcheck-suppress unusedStructMember */
    const int8_t *vr[4];  /* each row's first value row, at the column (112 .. 124) */
    /* cppcheck-suppress unusedStructMember */
    int8_t *out;          /* the first row's outputs at the column     (128) */
    /* cppcheck-suppress unusedStructMember */
    int32_t rows;         /* rows written, 2..4                        (132) */
    /* cppcheck-suppress unusedStructMember */
    int32_t cm, csh, zp;  /* ctx_mul (its shift < 0), out_zp    (136 .. 144) */
    /* cppcheck-suppress unusedStructMember */
    int32_t vzn;          /* -v_zp                                     (148) */
    /* cppcheck-suppress unusedStructMember */
    const int8_t *vb, *kb; /* v and k                             (152, 156) */
    /* cppcheck-suppress unusedStructMember */
    int32_t seq_kv, lo_off, hi_off; /* the keys; attn__rows16_mve's (160 .. 168) */
    /* cppcheck-suppress unusedStructMember */
    uint32_t lane[4];     /* 0, 1, 2, 3                         (172 .. 184) */
} attn__w16;
typedef char attn__w16_layout[offsetof(attn__w16, lane) == 172 ? 1 : -1];

/* A group's rows i..i + rows - 1 (q: the first one's queries, o: its
   outputs; the lanes past them repeat the last row) into g: each row's
   keys a..b-1 (a = max(0, i - lo_off), b = min(seq_kv, i + hi_off)), the
   union's first key (a of the first row) and size, the rows' queries,
   first values and first probabilities, as vectors of the four lanes. */
/* (the assembly writes through o: NOLINTNEXTLINE(readability-non-const-parameter)) */
ATTN__INLINE void attn__w16_group(attn__w16 *g, int i, int rows, const int8_t *q, int8_t *o)
{
    uint32_t t1, t2, t3, t4;
    __asm__ volatile(
        "add     %[t1], %[g], #172\n\t"
        "vldrw.u32 q0, [%[t1]]\n\t"
        "subs    %[t1], %[rows], #1\n\t"
        "vdup.32 q1, %[t1]\n\t"
        "vmin.u32 q1, q0, q1\n\t"          /* the row of each lane */
        "vadd.i32 q2, q1, %[i]\n\t"
        "ldrd    %[t1], %[t2], [%[g], #164]\n\t"
        "vsub.i32 q3, q2, %[t1]\n\t"
        "vmov.i32 q4, #0\n\t"
        "vmax.s32 q3, q3, q4\n\t"          /* a */
        "vadd.i32 q2, q2, %[t2]\n\t"
        "ldr     %[t1], [%[g], #160]\n\t"
        "vdup.32 q4, %[t1]\n\t"
        "vmin.s32 q2, q2, q4\n\t"          /* b */
        "vsub.i32 q4, q2, q3\n\t"
        "add     %[t2], %[g], #64\n\t"
        "vstrw.32 q4, [%[t2]]\n\t"         /* nk */
        "ldr     %[t1], [%[g], #20]\n\t"
        "vmul.i32 q1, q1, %[t1]\n\t"
        "vadd.i32 q1, q1, %[q]\n\t"
        "vstrw.32 q1, [%[g]]\n\t"          /* q */
        "ldr     %[t2], [%[g], #152]\n\t"
        "vmul.i32 q4, q3, %[t1]\n\t"
        "vadd.i32 q4, q4, %[t2]\n\t"
        "add     %[t2], %[g], #112\n\t"
        "vstrw.32 q4, [%[t2]]\n\t"         /* vr */
        "vmov    %[t3], %[t2], q3[2], q3[0]\n\t" /* the union's first key t3 */
        "vsub.i32 q4, q3, %[t3]\n\t"
        "vneg.s32 q5, q4\n\t"
        "add     %[t2], %[g], #48\n\t"
        "vstrw.32 q5, [%[t2]]\n\t"         /* dv */
        "vshl.i32 q4, q4, #4\n\t"
        "vshl.i32 q0, q0, #2\n\t"
        "vadd.i32 q4, q4, q0\n\t"
        "ldr     %[t2], [%[g], #28]\n\t"
        "vadd.i32 q4, q4, %[t2]\n\t"
        "add     %[t2], %[g], #96\n\t"
        "vstrw.32 q4, [%[t2]]\n\t"         /* pp */
        "vmov    %[t4], %[t2], q2[3], q2[1]\n\t" /* (the first register: the lower lane) */
        "sub     %[t2], %[t2], %[t3]\n\t"
        "str     %[t2], [%[g], #24]\n\t"   /* n */
        "ldr     %[t4], [%[g], #156]\n\t"
        "mla     %[t4], %[t3], %[t1], %[t4]\n\t"
        "str     %[t4], [%[g], #16]\n\t"   /* k */
        "str     %[o], [%[g], #128]\n\t"
        "str     %[rows], [%[g], #132]\n\t"
        : [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4)
        : [g] "r"(g), [i] "r"(i), [rows] "r"(rows), [q] "r"(q), [o] "r"(o)
        : "q0", "q1", "q2", "q3", "q4", "q5", "memory");
}

/* The next head's columns: each row's queries and values, the keys and the
   outputs 16 columns on. */
ATTN__INLINE void attn__w16_next(attn__w16 *g)
{
    uint32_t t1, t2;
    __asm__ volatile("movs    %[t1], #16\n\t"
                     "vldrw.u32 q0, [%[g]]\n\t"
                     "vadd.i32 q0, q0, %[t1]\n\t"
                     "vstrw.32 q0, [%[g]]\n\t"
                     "add     %[t2], %[g], #112\n\t"
                     "vldrw.u32 q0, [%[t2]]\n\t"
                     "vadd.i32 q0, q0, %[t1]\n\t"
                     "vstrw.32 q0, [%[t2]]\n\t"
                     "ldr     %[t2], [%[g], #16]\n\t"
                     "add     %[t2], %[t2], %[t1]\n\t"
                     "str     %[t2], [%[g], #16]\n\t"
                     "ldr     %[t2], [%[g], #128]\n\t"
                     "add     %[t2], %[t2], %[t1]\n\t"
                     "str     %[t2], [%[g], #128]\n\t"
                     : [t1] "=&r"(t1), [t2] "=&r"(t2)
                     : [g] "r"(g)
                     : "q0", "memory");
}

/* attn__recip32's sixteen seeds, << 16 */
static const uint32_t attn__recip_seeds[16] = {
    61680u << 16, 58254u << 16, 55188u << 16, 52428u << 16, 49932u << 16, 47662u << 16,
    45590u << 16, 43690u << 16, 41943u << 16, 40329u << 16, 38836u << 16, 37449u << 16,
    36157u << 16, 34952u << 16, 33825u << 16, 32768u << 16};

/* The normalisers of attn__w16_softmax (step 3): from H q6 and L q7 to R q4
   and the Q15 shift q1 (negated), with q0, q2, q3, q5..q7 and %[t0], %[t2],
   %[t4], %[t5] as scratch (%[g]: an attn__w16, its R0). Its own macro for
   tests/impl.c, which runs it on sums of the tests' choosing. */
#define ATTN__W16_NORM \
    "vshr.u32 q0, q6, #16\n\t"                                                  \
    "vshl.i32 q1, q6, #16\n\t"                                                  \
    "movs    %[t5], #1\n\t"                                                     \
    "vpt.u32 hi, q1, q7\n\t"                                                    \
    "vaddt.i32 q0, q0, %[t5]\n\t"                                               \
    "vclz.i32 q1, q0\n\t"                                                       \
    "vclz.i32 q2, q7\n\t"                                                       \
    "movs    %[t2], #32\n\t"                                                    \
    "vpt.i32 eq, q1, %[t2]\n\t"                                                 \
    "vaddt.i32 q1, q1, q2\n\t"                                                  \
    "vshl.u32 q2, q0, q1\n\t"                                                   \
    "vsub.i32 q3, q1, %[t2]\n\t"                                                \
    "vshl.u32 q3, q7, q3\n\t"                                                   \
    "vorr    q2, q2, q3\n\t"                                                    \
    "movs    %[t2], #48\n\t"                                                    \
    "vsub.i32 q1, q1, %[t2]\n\t"                                                \
    "mvn     %[t2], #30\n\t"                                                    \
    "vpt.s32 lt, q1, %[t2]\n\t"                                                 \
    "vmvnt.i32 q1, #30\n\t"                                                     \
    "vshr.u32 q3, q2, #27\n\t"                                                  \
    "ldr     %[t0], [%[g], #44]\n\t"                                            \
    "sub     %[t0], %[t0], #64\n\t"                                             \
    "vldrw.u32 q4, [%[t0], q3, uxtw #2]\n\t"                                    \
    "vmov.i32 q5, #0x80000000\n\t"                                              \
    "movs    %[t4], #2\n\t"                                                     \
    "vmulh.u32 q3, q2, q4\n\t"                                                  \
    "vsub.i32 q3, q5, q3\n\t"                                                   \
    "vmulh.u32 q6, q4, q3\n\t"                                                  \
    "vmul.i32 q7, q4, q3\n\t"                                                   \
    "vshl.i32 q6, q6, #1\n\t"                                                   \
    "vsri.32 q6, q7, #31\n\t"                                                   \
    "vadd.i32 q4, q4, q6\n\t"                                                   \
    "vsub.i32 q4, q4, %[t4]\n\t"                                                \
    "vmulh.u32 q3, q2, q4\n\t"                                                  \
    "vsub.i32 q3, q5, q3\n\t"                                                   \
    "vmulh.u32 q6, q4, q3\n\t"                                                  \
    "vmul.i32 q7, q4, q3\n\t"                                                   \
    "vshl.i32 q6, q6, #1\n\t"                                                   \
    "vsri.32 q6, q7, #31\n\t"                                                   \
    "vadd.i32 q4, q4, q6\n\t"                                                   \
    "vsub.i32 q4, q4, %[t4]\n\t"                                                \
    "vmulh.u32 q3, q2, q4\n\t"                                                  \
    "vmul.i32 q6, q2, q4\n\t"                                                   \
    "vneg.s32 q7, q6\n\t"                                                       \
    "vmvn    q3, q3\n\t"                                                        \
    "movs    %[t2], #0\n\t"                                                     \
    "vpt.i32 eq, q6, %[t2]\n\t"                                                 \
    "vaddt.i32 q3, q3, %[t5]\n\t"                                               \
    "vshl.i32 q3, q3, #16\n\t"                                                  \
    "vsri.32 q3, q7, #16\n\t"                                                   \
    "vmulh.u32 q6, q4, q3\n\t"                                                  \
    "vshr.u32 q6, q6, #15\n\t"                                                  \
    "vadd.i32 q4, q4, q6\n\t"                                                   \
    "vqadd.u32 q3, q4, %[t5]\n\t"                                               \
    "vmulh.u32 q6, q2, q3\n\t"                                                  \
    "vpt.s32 ge, q6, %[t2]\n\t"                                                 \
    "vmovt   q4, q3\n\t"                                                        \
    "vqadd.u32 q3, q4, %[t5]\n\t"                                               \
    "vmulh.u32 q6, q2, q3\n\t"                                                  \
    "vpt.s32 ge, q6, %[t2]\n\t"                                                 \
    "vmovt   q4, q3\n\t"

/* The scores, their max (q5), the exponentials, sums, normalisers and the
   Q15 probabilities of one head into g->s; each row's probability sum
   into g->ps. */
ATTN__INLINE void attn__w16_softmax(attn__w16 *g)
{
    register int32_t s0 __asm__("r4"); /* VMLADAV writes even registers only */
    register int32_t s1 __asm__("r6");
    register int32_t s2 __asm__("r8");
    register int32_t s3 __asm__("r10");
    uint32_t t0, t1, t2, t3, t4, t5;
    __asm__ volatile(
        /* 1. the scores: the queries q0..q3, the key q4, the max q5,
           key - first keys q6 (invisible from nk q7 on) */
        "ldr     %[t0], [%[g]]\n\t"
        "vldrb.u8 q0, [%[t0]]\n\t"
        "ldr     %[t0], [%[g], #4]\n\t"
        "vldrb.u8 q1, [%[t0]]\n\t"
        "ldr     %[t0], [%[g], #8]\n\t"
        "vldrb.u8 q2, [%[t0]]\n\t"
        "ldr     %[t0], [%[g], #12]\n\t"
        "vldrb.u8 q3, [%[t0]]\n\t"
        "ldrd    %[t1], %[t2], [%[g], #16]\n\t"
        "ldrd    %[t4], %[t3], [%[g], #24]\n\t"
        "add     %[t0], %[g], #48\n\t"
        "vldrw.u32 q6, [%[t0]]\n\t"
        "vldrw.u32 q7, [%[t0], #16]\n\t"
        "vmov.i32 q5, #0x80000000\n\t"
        "movs    %[t5], #1\n\t"
        "dls     lr, %[t4]\n\t"
        "1:\n\t"
        "vldrb.u8 q4, [%[t1]]\n\t"
        "add     %[t1], %[t1], %[t2]\n\t"
        "vmladav.s8 %[s0], q0, q4\n\t"
        "vmladav.s8 %[s1], q1, q4\n\t"
        "vmladav.s8 %[s2], q2, q4\n\t"
        "vmladav.s8 %[s3], q3, q4\n\t"
        "vmov    q4[2], q4[0], %[s0], %[s2]\n\t" /* (the first register: the lower lane) */
        "vmov    q4[3], q4[1], %[s1], %[s3]\n\t"
        "vpt.u32 cs, q6, q7\n\t"
        "vmovt.i32 q4, #0x80000000\n\t"
        "vadd.i32 q6, q6, %[t5]\n\t"
        "vmax.s32 q5, q5, q4\n\t"
        "vstrw.32 q4, [%[t3]], #16\n\t"
        "le      lr, 1b\n\t"
        /* 2. the exponentials: T t0, T + 1 t1, the sums H q6 and L q7,
           32 << 16 q4 */
        "ldr     %[t3], [%[g], #28]\n\t"
        "ldr     %[t0], [%[g], #32]\n\t"
        "add     %[t1], %[t0], #4\n\t"
        "ldrd    %[t2], %[t5], [%[g], #36]\n\t"
        "vmov.i32 q4, #0x200000\n\t"
        "vmov.i32 q6, #0\n\t"
        "vmov.i32 q7, #0\n\t"
        "dls     lr, %[t4]\n\t"
        "2:\n\t"
        "vldrw.u32 q0, [%[t3]]\n\t"
        "vqsub.s32 q0, q5, q0\n\t"
        "vqshl.s32 q0, %[t2]\n\t"
        "vqrdmulh.s32 q0, q0, %[t5]\n\t"
        "vshl.i32 q1, q0, #16\n\t"
        "vshr.u32 q1, q1, #24\n\t"
        "vbic.i32 q1, #1\n\t"
        "vldrw.u32 q2, [%[t0], q1, uxtw #2]\n\t"
        "vldrw.u32 q3, [%[t1], q1, uxtw #2]\n\t"
        "vshl.i32 q1, q0, #23\n\t"
        "vmulh.u32 q3, q3, q1\n\t"
        "vsub.i32 q2, q2, q3\n\t"
        "vmin.u32 q0, q0, q4\n\t"
        "vshr.u32 q0, q0, #16\n\t"
        "vneg.s32 q0, q0\n\t"
        "vshl.u32 q2, q2, q0\n\t"
        "vstrw.32 q2, [%[t3]], #16\n\t"
        "vshr.u32 q1, q2, #16\n\t"
        "vadd.i32 q6, q6, q1\n\t"
        "vadd.i32 q7, q7, q2\n\t"
        "le      lr, 2b\n\t"
        /* 3. the normalisers: S's high word q0, c q1, D q2, the Q15
           shift q1, R q4 (t5 1, t2 32 then 48, -31, 0; t4 2) */
        ATTN__W16_NORM
        /* 4. the Q15 probabilities min(32767, (hi(e R) rounded) >> shift)
           (as attn__rows16_mve's), their sums q5 */
        "vmov.i32 q7, #0x7FFF\n\t"
        "vmov.i32 q5, #0\n\t"
        "ldrd    %[t4], %[t3], [%[g], #24]\n\t"
        "dls     lr, %[t4]\n\t"
        "3:\n\t"
        "vldrw.u32 q0, [%[t3]]\n\t"
        "vmulh.u32 q0, q0, q4\n\t"
        "vrshl.u32 q0, q0, q1\n\t"
        "vmin.u32 q0, q0, q7\n\t"
        "vstrw.32 q0, [%[t3]], #16\n\t"
        "vadd.i32 q5, q5, q0\n\t"
        "le      lr, 3b\n\t"
        "add     %[t0], %[g], #80\n\t"
        "vstrw.32 q5, [%[t0]]\n\t"
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
          [t5] "=&r"(t5), [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3)
        : [g] "r"(g)
        : "lr", "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "cc", "memory");
}

/* The contexts of g->rows rows of one head (after attn__w16_softmax): for
   each, its keys two per step as attn__rows16_mve's, then its outputs
   (attn__ctx_out_mve with a negative shift). */
#define ATTN__W16_KEY(vp, off, p)                                               \
    "vldrb.s32 q4, [" vp ", #" off "]\n\t"                                     \
    "vldrb.s32 q5, [" vp ", #" off "+4]\n\t"                                   \
    "vmla.s32 q0, q4, " p "\n\t"                                               \
    "vmla.s32 q1, q5, " p "\n\t"                                               \
    "vldrb.s32 q4, [" vp ", #" off "+8]\n\t"                                   \
    "vldrb.s32 q5, [" vp ", #" off "+12]\n\t"                                  \
    "vmla.s32 q2, q4, " p "\n\t"                                               \
    "vmla.s32 q3, q5, " p "\n\t"
#define ATTN__W16_OUT(a, off)                                                   \
    "vqrdmulh.s32 " a ", " a ", %[p0]\n\t"                                     \
    "vshr.s32 q4, " a ", #31\n\t"                                              \
    "vadd.i32 " a ", " a ", q4\n\t"                                            \
    "vrshl.s32 " a ", %[p1]\n\t"                                               \
    "vqadd.s32 " a ", " a ", %[pp]\n\t"                                        \
    "vmin.s32 " a ", " a ", q6\n\t"                                            \
    "vmax.s32 " a ", " a ", q7\n\t"                                            \
    "vstrb.32 " a ", [%[o], #" off "]\n\t"
ATTN__INLINE void attn__w16_context(attn__w16 *g)
{
    uint32_t pp, v0, v1, p0, p1, n, o, r, t;
    __asm__ volatile(
        "vmov.i32 q6, #127\n\t"
        "vmvn.i32 q7, #127\n\t"
        "ldr     %[o], [%[g], #128]\n\t"
        "movs    %[r], #0\n\t"
        "1:\n\t"
        "add     %[t], %[g], %[r], lsl #2\n\t"
        "ldr     %[n], [%[t], #64]\n\t"
        "ldr     %[p0], [%[t], #80]\n\t"
        "ldr     %[pp], [%[t], #96]\n\t"
        "ldr     %[v0], [%[t], #112]\n\t"
        "ldr     %[p1], [%[g], #148]\n\t"
        "mul     %[p0], %[p0], %[p1]\n\t"
        "vdup.32 q0, %[p0]\n\t"
        "vmov    q1, q0\n\t"
        "vmov    q2, q0\n\t"
        "vmov    q3, q0\n\t"
        "ldr     %[t], [%[g], #20]\n\t"
        "lsrs    %[p1], %[n], #1\n\t"
        "wls     lr, %[p1], 3f\n\t"
        "2:\n\t"
        "ldr     %[p0], [%[pp]], #16\n\t"
        "ldr     %[p1], [%[pp]], #16\n\t"
        "add     %[v1], %[v0], %[t]\n\t"
        ATTN__W16_KEY("%[v0]", "0", "%[p0]") ATTN__W16_KEY("%[v1]", "0", "%[p1]")
        "add     %[v0], %[v0], %[t], lsl #1\n\t"
        "le      lr, 2b\n\t"
        "3:\n\t"
        "lsls    %[n], %[n], #31\n\t"
        "beq     4f\n\t"
        "ldr     %[p0], [%[pp]]\n\t"
        ATTN__W16_KEY("%[v0]", "0", "%[p0]")
        "4:\n\t"
        "ldrd    %[p0], %[p1], [%[g], #136]\n\t"
        "ldr     %[pp], [%[g], #144]\n\t"
        ATTN__W16_OUT("q0", "0") ATTN__W16_OUT("q1", "4") ATTN__W16_OUT("q2", "8")
        ATTN__W16_OUT("q3", "12")
        "add     %[o], %[o], %[t]\n\t"
        "adds    %[r], %[r], #1\n\t"
        "ldr     %[n], [%[g], #132]\n\t"
        "cmp     %[r], %[n]\n\t"
        "bne     1b\n\t"
        : [pp] "=&r"(pp), [v0] "=&l"(v0), [v1] "=&l"(v1), [p0] "=&r"(p0), [p1] "=&r"(p1),
          [n] "=&r"(n), [o] "=&l"(o), [r] "=&r"(r), [t] "=&r"(t)
        : [g] "r"(g)
        : "lr", "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "cc", "memory");
}
#undef ATTN__W16_KEY
#undef ATTN__W16_OUT

/* attn__attend_rows_s8 on Helium for the windowed heads that
   attn__win16_ok accepts: four rows at a time (attn__w16_softmax,
   attn__w16_context). Returns the rows done: the rest (a last row alone,
   rows past the keys) are the caller's, for attn__rows16_mve (not called
   from here: the two frames are not stacked). */
/* (s: the scores' scratch, written by the assembly)
   NOLINTBEGIN(readability-non-const-parameter) */
ATTN__NOCLONE void attn__rows16_mve(int8_t *out, const int8_t *q, int m, int i0, const int8_t *k,
                                    const int8_t *v, const uint8_t *key_padding, int seq_kv,
                                    int n_heads, int causal, int window,
                                    const attn_sdpa_s8_params *p, int32_t *s);
ATTN__NOCLONE int attn__rows16w_mve(int8_t *out, const int8_t *q, int m, int i0,
                                     const int8_t *k, const int8_t *v, int seq_kv, int n_heads,
                                     int causal, int window, const attn_sdpa_s8_params *p,
                                     int32_t *s)
/* NOLINTEND(readability-non-const-parameter) */
{
    int32_t blk[4 * ATTN__WIN_KEYS];
    attn__w16 g;
    const size_t d = 16 * (size_t)n_heads;
    int i = i0, h;
    g.d = (int32_t)d;
    g.s = blk;
    g.T = attn__exp2_table();
    g.lsh = p->score_mul.shift;
    g.em = p->score_mul.multiplier;
    g.R0 = attn__recip_seeds;
    g.cm = p->ctx_mul.multiplier;
    g.csh = p->ctx_mul.shift;
    g.zp = p->out_zp;
    g.vzn = -p->v_zp;
    g.vb = v;
    g.kb = k;
    g.seq_kv = seq_kv;
    g.lo_off = window;
    g.hi_off = causal ? 1 : window + 1;
    for (h = 0; h < 4; h++) g.lane[h] = (uint32_t)h;
    while (i < i0 + m) {
        const int rows = i0 + m - i >= 4 ? 4 : i0 + m - i;
        /* cppcheck-suppress knownConditionTrueFalse */
        if (rows < 2 || i + rows - 1 - window >= seq_kv) break; /* the last row sees no key */
        attn__w16_group(&g, i, rows, q, out);
        for (h = 0;;) {
            attn__w16_softmax(&g);
            attn__w16_context(&g);
            if (++h == n_heads) break;
            attn__w16_next(&g);
        }
        i += rows;
        out += (size_t)rows * d;
        q += (size_t)rows * d;
    }
    (void)s;
    return i - i0;
}

/* attn__rows16w_mve's conditions beyond attn__rows16_mve's: a window whose
   four rows' union fits the block, a score multiplier of at least 2^22
   (its masking: attn__w16_softmax) and a negative context shift. */
static int attn__win16_ok(const attn_sdpa_s8_params *p, int causal, int window)
{
    return window > 0 && (causal ? window : 2 * window) + 4 <= ATTN__WIN_KEYS &&
           p->score_mul.multiplier >= (1 << 22) && p->ctx_mul.shift < 0;
}


/* attn__attend_rows_s8 on Helium for unpadded heads of d_head 16 with
   q_zp 0 and the fast exponent (attn__exp4_mve): the rows and heads looped
   over in one frame, each head's steps back to back (attn__head_s8's,
   bit for bit: the scores two keys per step as attn__scores_mve, the
   softmax of attn__softmax_row_mve with its normaliser inline, the context
   two keys per step as attn__context_mve), the per-call constants once. */
ATTN__NOCLONE void attn__rows16_mve(int8_t *out, const int8_t *q, int m, int i0, const int8_t *k,
                                    const int8_t *v, const uint8_t *key_padding, int seq_kv,
                                    int n_heads, int causal, int window,
                                    const attn_sdpa_s8_params *p, int32_t *s)
{
    const int dm = 16 * n_heads; /* the row stride */
    const size_t d = (size_t)dm;
    const int32_t *TD = attn__exp2_table();
#if defined(__clang__) /* (clang's code for the rest is the better with the choice here, and
                          first; GCC's with its caller's) */
    if (__builtin_expect(window > 0, 0) && m >= 2 && attn__win16_ok(p, causal, window)) {
        const int done = attn__rows16w_mve(out, q, m, i0, k, v, seq_kv, n_heads, causal, window, p, s);
        out += (size_t)done * d;
        q += (size_t)done * d;
        i0 += done;
        m -= done;
    }
#endif
    const int lsh = p->score_mul.shift, kz = p->k_zp, zp = p->out_zp;
    const int32_t mult = p->score_mul.multiplier, vzn = -p->v_zp;
    const attn_qmul cm = p->ctx_mul;
    const uint32x4_t top = vdupq_n_u32(32767);
    /* attn__key_range, a row at a time (as attn__rows16_dsp) */
    const int w = window > 0 && window < seq_kv + m + i0 ? window : 0;
    const int lo_off = w ? w : (1 << 30), hi_off = causal ? 1 : w ? w + 1 : seq_kv;
    int i, h, c, j;
    (void)key_padding; /* NULL */
    for (i = i0; i < i0 + m; i++, out += d, q += d) {
        int lo = i - lo_off, hi = i + hi_off, n;
        if (lo < 0) lo = 0;
        if (hi > seq_kv) hi = seq_kv;
        if (hi <= lo) { /* no key in sight: a zero context */
            for (c = 0; c < dm; c++) out[c] = attn__to_s8(zp, 0);
            continue;
        }
        n = hi - lo;
        for (h = 0; h < n_heads; h++) {
            const int8_t *kh = k + (size_t)lo * d + 16 * (size_t)h;
            const int8_t *vh = v + (size_t)lo * d + 16 * (size_t)h;
            int8_t *oh = out + 16 * h;
            const int8x16_t qv = vldrbq_s8(q + 16 * h);
            const uint32_t c0 = kz ? (uint32_t)-kz * (uint32_t)vaddvq_s8(qv) : 0u;
            int32x4_t mxv = vdupq_n_s32(INT32_MIN), a0, a1, a2, a3;
            uint64_t sum = 0;
            uint32_t psum = 0, r, hs, ls;
            int32_t mx, bk, sh;
            /* the scores (attn__scores_mve's loop) */
            {
                int32_t *sp = s;
                const int8_t *kp = kh;
                int8x16_t k0, k1;
                register int32_t s0 __asm__("r4"); /* VMLADAV writes even registers only */
                register int32_t s1 __asm__("r6");
                const int8_t *kb;
                const int np = n >> 1;
                if (np) {
                    __asm__("dls     lr, %[np]\n\t"
                            "1:\n\t"
                            "add     %[kb], %[k], %[d]\n\t"
                            "vldrb.u8 %q[k0], [%[k]]\n\t"
                            "vldrb.u8 %q[k1], [%[kb]]\n\t"
                            "vmladav.s8 %[s0], %q[qv], %q[k0]\n\t"
                            "vmladav.s8 %[s1], %q[qv], %q[k1]\n\t"
                            "add     %[s0], %[s0], %[c0]\n\t"
                            "add     %[s1], %[s1], %[c0]\n\t"
                            "add     %[k], %[kb], %[d]\n\t"
                            "strd    %[s0], %[s1], [%[s]], #8\n\t"
                            "le      lr, 1b"
                            : [s] "+r"(sp), [k] "+r"(kp), [kb] "=&r"(kb), [s0] "=&r"(s0),
                              [s1] "=&r"(s1), [k0] "=&w"(k0), [k1] "=&w"(k1)
                            : [np] "r"(np), [d] "r"(d), [c0] "r"(c0), [qv] "w"(qv)
                            : "lr", "memory");
                }
                if (n & 1) *sp = (int32_t)((uint32_t)vmladavq_s8(qv, vldrbq_s8(kp)) + c0);
            }
            /* the largest, the exponentials and their sum, then the Q15
               probabilities (attn__softmax_row_mve without padding, fast) */
            j = 0;
#if !ATTN__MVE_TAILPRED
            for (; j + 4 <= n; j += 4) mxv = vmaxq_s32(mxv, vldrwq_s32(s + j));
#endif
            for (; j < n; j += 4) {
                const mve_pred16_t pr = vctp32q((uint32_t)(n - j));
                mxv = vmaxq_m_s32(mxv, mxv, vldrwq_z_s32(s + j, pr), pr);
            }
            mx = vmaxvq_s32(INT32_MIN, mxv);
            mxv = vdupq_n_s32(mx);
            j = 0;
#if !ATTN__MVE_TAILPRED
            {
                const mve_pred16_t all = vctp32q(4);
                for (; j + 4 <= n; j += 4) {
                    uint32x4_t e = attn__exp4_mve(vldrwq_s32(s + j), NULL, all, mxv, lsh, mult, 0, TD, 1);
                    vstrwq_u32((uint32_t *)s + j, e);
                    sum = vaddlvaq_u32(sum, e);
                }
            }
#endif
            for (; j < n; j += 4) {
                const mve_pred16_t pr = vctp32q((uint32_t)(n - j));
                uint32x4_t e = attn__exp4_mve(vldrwq_z_s32(s + j, pr), NULL, pr, mxv, lsh, mult, 0, TD, 1);
                vstrwq_p_u32((uint32_t *)s + j, e, pr);
                sum = vaddlvaq_p_u32(sum, e, pr);
            }
            /* the normaliser (attn__softmax_normalise: S >= 2^30, < 2^61) */
            hs = (uint32_t)(sum >> 32);
            ls = (uint32_t)sum;
            if (hs) {
                bk = __builtin_clz(hs); /* 3..31 */
                r = ATTN__RECIP32((hs << bk) | (ls >> (32 - bk)));
                bk = 32 - bk; /* k */
            } else {
                bk = ls >> 31 ? 0 : -1;
                r = ATTN__RECIP32(bk ? ls << 1 : ls);
            }
            sh = bk >= 16 ? 31 : 16 + bk;
            {
                const uint32x4_t rv = vdupq_n_u32(r);
                j = 0;
#if !ATTN__MVE_TAILPRED
                for (; j + 4 <= n; j += 4) {
                    uint32x4_t pv = vminq_u32(vrshlq_n_u32(vmulhq_u32(vldrwq_u32((const uint32_t *)s + j), rv), -sh), top);
                    vstrwq_u32((uint32_t *)s + j, pv);
                    psum = vaddvaq_u32(psum, pv);
                }
#endif
                for (; j < n; j += 4) {
                    const mve_pred16_t pr = vctp32q((uint32_t)(n - j));
                    uint32x4_t pv = vminq_u32(vrshlq_n_u32(vmulhq_u32(vldrwq_z_u32((const uint32_t *)s + j, pr), rv), -sh), top);
                    vstrwq_p_u32((uint32_t *)s + j, pv, pr);
                    psum = vaddvaq_p_u32(psum, pv, pr);
                }
            }
            /* the context (attn__context_mve's loop) */
            a0 = a1 = a2 = a3 = vdupq_n_s32(vzn * (int32_t)psum);
            {
                const int8_t *v0 = vh, *v1;
                const int32_t *pp = s;
                int32_t p0, p1;
                const int np = n >> 1;
                int32x4_t t0, t1;
                if (np) {
                    __asm__("dls     lr, %[np]\n\t"
                            "1:\n\t"
                            "ldrd    %[p0], %[p1], [%[pp]], #8\n\t"
                            "add     %[v1], %[v0], %[d]\n\t"
                            "vldrb.s32 %q[t0], [%[v0]]\n\t"
                            "vldrb.s32 %q[t1], [%[v0], #4]\n\t"
                            "vmla.s32 %q[a0], %q[t0], %[p0]\n\t"
                            "vmla.s32 %q[a1], %q[t1], %[p0]\n\t"
                            "vldrb.s32 %q[t0], [%[v0], #8]\n\t"
                            "vldrb.s32 %q[t1], [%[v0], #12]\n\t"
                            "vmla.s32 %q[a2], %q[t0], %[p0]\n\t"
                            "vmla.s32 %q[a3], %q[t1], %[p0]\n\t"
                            "vldrb.s32 %q[t0], [%[v1]]\n\t"
                            "vldrb.s32 %q[t1], [%[v1], #4]\n\t"
                            "vmla.s32 %q[a0], %q[t0], %[p1]\n\t"
                            "vmla.s32 %q[a1], %q[t1], %[p1]\n\t"
                            "vldrb.s32 %q[t0], [%[v1], #8]\n\t"
                            "vldrb.s32 %q[t1], [%[v1], #12]\n\t"
                            "vmla.s32 %q[a2], %q[t0], %[p1]\n\t"
                            "vmla.s32 %q[a3], %q[t1], %[p1]\n\t"
                            "add     %[v0], %[v0], %[d], lsl #1\n\t"
                            "le      lr, 1b"
                            : [pp] "+r"(pp), [v0] "+l"(v0), [v1] "=&l"(v1), [p0] "=&r"(p0),
                              [p1] "=&r"(p1), [a0] "+w"(a0), [a1] "+w"(a1), [a2] "+w"(a2),
                              [a3] "+w"(a3), [t0] "=&w"(t0), [t1] "=&w"(t1)
                            : [np] "r"(np), [d] "r"(d)
                            : "lr", "memory");
                }
                if (n & 1) {
                    const int32_t pl = *pp;
                    a0 = vmlaq_n_s32(a0, vldrbq_s32(v0), pl);
                    a1 = vmlaq_n_s32(a1, vldrbq_s32(v0 + 4), pl);
                    a2 = vmlaq_n_s32(a2, vldrbq_s32(v0 + 8), pl);
                    a3 = vmlaq_n_s32(a3, vldrbq_s32(v0 + 12), pl);
                }
            }
            vstrbq_s32(oh, attn__ctx_out_mve(a0, cm, zp));
            vstrbq_s32(oh + 4, attn__ctx_out_mve(a1, cm, zp));
            vstrbq_s32(oh + 8, attn__ctx_out_mve(a2, cm, zp));
            vstrbq_s32(oh + 12, attn__ctx_out_mve(a3, cm, zp));
        }
    }
}
#endif
#endif

#if !ATTN__SM_MVE
/* The fast exponent for heads of dh columns (attn__expo: ok and small):
   |score| <= d_head * 255^2, so mx - z <= 2 d_head 255^2 within amax. */
static attn__expo attn__expo_of(attn_qmul mul, int dh)
{
    attn__expo x = attn__expo_init(mul);
    x.small = x.ok && (uint32_t)dh <= x.amax / (2u * 65025u);
    return x;
}
#endif

#if !ATTN__SM_MVE && !defined(__OPTIMIZE_SIZE__)
/* The context's folded output (attn__context_dsp, attn__ctx_groups_asm):
   |acc| <= psum * 255 < 2^25 (psum <= 32767 + n), so srdhm(acc, m) is
   SMMULR(2 acc, m), and with a right shift n the rounding and the zero
   point fold into one constant, (y - (y < 0) + 2^(n-1) + zp 2^n) >> n,
   when that cannot overflow (the QADD then saturates nothing); m >= 0 for
   the written-out form. */
static int attn__ctx_fast(const attn_sdpa_s8_params *p, int seq_kv)
{
    /* |zp| 2^n + 2^(n-1) < 2^30 is (2 |zp| + 1) < 2^(31-n), n = -shift in 1..31 */
    const attn_qmul m = p->ctx_mul;
    const uint32_t z2 = 2u * (uint32_t)(p->out_zp < 0 ? -p->out_zp : p->out_zp) + 1u;
    return m.shift < 0 && m.multiplier >= 0 && seq_kv <= 32767 && (z2 >> (31 + m.shift)) == 0;
}
#endif

static attn__att8 attn__att8_init(const attn_sdpa_s8_params *p, int d, int n_heads, int seq_kv)
{
    attn__att8 K;
    K.p = p;
    K.d = d;
    K.nh = n_heads;
    K.dh = d / n_heads;
    (void)seq_kv;
#if ATTN__SM_MVE
    K.fast = p->score_mul.multiplier >= 0 && p->score_mul.shift >= 0;
#else
    K.ex = attn__expo_of(p->score_mul, K.dh);
#endif
#if !ATTN__SM_MVE && !defined(__OPTIMIZE_SIZE__)
    K.cfast = attn__ctx_fast(p, seq_kv);
    K.csh = K.cfast ? -p->ctx_mul.shift : 0;
    K.crnd = K.cfast ? (int32_t)(((uint32_t)1 << (K.csh - 1)) + (uint32_t)p->out_zp * ((uint32_t)1 << K.csh)) : 0;
#elif !ATTN__SM_MVE /* code size first: attn__context_s8 requantizes itself */
    K.cfast = K.csh = 0;
    K.crnd = 0;
#endif
#if ATTN__SM_DSP && !ATTN__SM_MVE
    K.nq = (uint32_t)(uint16_t)-p->q_zp * 0x10001u;
    K.nk = (uint32_t)(uint16_t)-p->k_zp * 0x10001u;
#endif
    return K;
}

/* One head of one query: q, k, v at the head's first column (rows K->d
   apart), n >= 1 keys (pad: theirs or NULL); the int8 context into out
   (K->dh bytes; out may be q). s [n] is scratch. */
ATTN__NOINLINE void attn__head_s8(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
                                  const uint8_t *pad, int n, const attn__att8 *K, int32_t *s)
{
    const attn_sdpa_s8_params *p = K->p;
    int32_t psum;
    int c;
#if ATTN__SM_MVE
    attn__scores_mve(s, q, k, n, K->d, K->dh, p->q_zp, p->k_zp);
    psum = attn__softmax_row_mve(s, pad, n, p->score_mul, K->fast);
    if (psum < 0) { /* every key masked: a zero context */
        for (c = 0; c < K->dh; c++) out[c] = attn__to_s8(p->out_zp, 0);
        return;
    }
    attn__context_mve(out, s, psum, v, n, K->d, K->dh, p);
#else
    int32_t mx;
    int seen = 1;
#if ATTN__SM_DSP
    mx = attn__scores_dsp(s, q, k, n, K->d, K->dh, p->q_zp, p->k_zp);
#else
    attn__scores_s8(s, q, k, n, K->d, K->dh, p->q_zp, p->k_zp);
    mx = attn__softmax_max(s, NULL, n, &seen);
#endif
    if (pad) mx = attn__softmax_max(s, pad, n, &seen);
    if (!seen) { /* every key masked: a zero context */
        for (c = 0; c < K->dh; c++) out[c] = attn__to_s8(p->out_zp, 0);
        return;
    }
#if ATTN__SM_DSP
    psum = attn__softmax_probs_pairs(s, n, attn__softmax_exps(s, pad, n, mx, p->score_mul, &K->ex));
    c = 0;
#ifdef ATTN__CTXG_ASM
    if (K->cfast && K->dh >= 4) {
        attn__context_fast_dsp(out, (const uint32_t *)s, psum, v, n, K);
        c = K->dh & ~3;
    }
#endif
    if (c < K->dh) attn__context_dsp(out, (const uint32_t *)s, psum, v, n, K, c);
#else
    psum = attn__softmax_probs(s, n, attn__softmax_exps(s, pad, n, mx, p->score_mul, &K->ex));
    attn__context_s8(out, s, psum, v, n, K->d, K->dh, p, K->csh, K->crnd);
#endif
#endif
}

/* attn__attend_rows_s8 in general: the constants in this frame, a head
   at a time (attn__head_s8). */
ATTN__NOCLONE void attn__rows_any_s8(int8_t *out, const int8_t *q, int m, int i0,
                                      const int8_t *k, const int8_t *v,
                                      const uint8_t *key_padding, int seq_kv, int d, int n_heads,
                                      int causal, int window, const attn_sdpa_s8_params *p,
                                      int32_t *scores)
{
    attn__att8 K = attn__att8_init(p, d, n_heads, seq_kv);
    int t, h, c;
    for (t = 0; t < m; t++) {
        int8_t *o = out + (size_t)t * (size_t)d;
        const int8_t *qt = q + (size_t)t * (size_t)d;
        int n, lo = attn__key_range(i0 + t, seq_kv, causal, window, &n);
        size_t at = (size_t)lo * (size_t)d;
        if (n <= 0) { /* no key in sight: a zero context */
            for (c = 0; c < d; c++) o[c] = attn__to_s8(p->out_zp, 0);
            continue;
        }
        for (h = 0; h < n_heads; h++) {
            size_t off = (size_t)h * (size_t)K.dh;
            attn__head_s8(o + off, qt + off, k + at + off, v + at + off,
                          key_padding ? key_padding + lo : NULL, n, &K, scores);
        }
    }
}

/* m query rows q (int8, zero point p->q_zp; rows d apart), the queries
   i0..i0+m-1 of the sequence: their int8 contexts into out (rows d apart;
   out may be q: each head's columns are read before they are written).
   window/causal (attn__key_range) select the keys each sees among the
   seq_kv rows of k, v (d apart). scores [seq_kv] is scratch. */
static void attn__attend_rows_s8(int8_t *out, const int8_t *q, int m, int i0, const int8_t *k,
                                 const int8_t *v, const uint8_t *key_padding, int seq_kv, int d,
                                 int n_heads, int causal, int window, const attn_sdpa_s8_params *p,
                                 int32_t *scores)
{
#ifdef ATTN__HEAD16_DSP
    if (!key_padding && d == 16 * n_heads && attn__expo_of(p->score_mul, 16).small &&
        attn__ctx_fast(p, seq_kv)) {
        attn__rows16_dsp(out, q, m, i0, k, v, key_padding, seq_kv, d, n_heads, causal, window, p,
                         scores);
        return;
    }
#endif
#ifdef ATTN__ROWS16_MVE
    if (__builtin_expect(!key_padding && d == 16 * n_heads && p->q_zp == 0 &&
                         p->score_mul.multiplier >= 0 && p->score_mul.shift >= 0, 1)) {
#if !defined(__clang__)
        if (window > 0 && m >= 2 && attn__win16_ok(p, causal, window)) {
            const int done = attn__rows16w_mve(out, q, m, i0, k, v, seq_kv, n_heads, causal,
                                               window, p, scores);
            if (done == m) return;
            out += (size_t)done * (size_t)d;
            q += (size_t)done * (size_t)d;
            i0 += done;
            m -= done;
        }
#endif
        attn__rows16_mve(out, q, m, i0, k, v, key_padding, seq_kv, n_heads, causal, window, p,
                         scores);
        return;
    }
#endif
    attn__rows_any_s8(out, q, m, i0, k, v, key_padding, seq_kv, d, n_heads, causal, window, p,
                      scores);
}

/* ---- argument checks ------------------------------------------------------ */

static int attn__linear_ptrs_ok(const attn_linear_s8_params *p)
{
    return p->w && p->requant;
}

/* attn__qmul_ok for each of q[0..n): pointer stepping, one pair load each
   (every call checks every channel; this is on the inference path). The
   shift is offset in unsigned arithmetic: a shift near INT32_MAX is
   corrupt data to refuse, not a signed overflow. */
static int attn__qmuls_ok(const attn_qmul *q, int n)
{
    const attn_qmul *e = q + n;
#if ATTN__MVE
    if (n >= 4) {
        /* Helium: 4 channels per step (VLD2: multipliers and shifts apart),
           the last 4 first (a channel may be seen twice); the largest
           shift + 31 (unsigned) and the smallest multiplier decide */
        int32x4x2_t v = vld2q_s32(&e[-4].multiplier);
        uint32x4_t sh = vaddq_n_u32(vreinterpretq_u32_s32(v.val[1]), 31u);
        int32x4_t mn = v.val[0];
        for (e -= 4; q < e; q += 4) {
            v = vld2q_s32(&q->multiplier);
            sh = vmaxq_u32(sh, vaddq_n_u32(vreinterpretq_u32_s32(v.val[1]), 31u));
            mn = vminq_s32(mn, v.val[0]);
        }
        return vmaxvq_u32(0u, sh) <= 61u && vminvq_s32(INT32_MAX, mn) != INT32_MIN;
    }
#endif
    for (; q < e; q++)
        if ((uint32_t)q->shift + 31u > 61u || q->multiplier == INT32_MIN) return 0;
    return 1;
}

static int attn__linear_values_ok(const attn_linear_s8_params *p, int out)
{
    if (!attn__zp_ok(p->in_zp) || !attn__zp_ok(p->out_zp) || p->act_min < -128 ||
        p->act_max > 127 || p->act_min > p->act_max)
        return 0;
    return attn__qmuls_ok(p->requant, out);
}

static int attn__add_values_ok(const attn_add_s8_params *p)
{
    return attn__zp_ok(p->a_zp) && attn__zp_ok(p->b_zp) && attn__zp_ok(p->out_zp) &&
           attn__qmul_ok(p->a_mul) && attn__qmul_ok(p->b_mul) && attn__qmul_ok(p->out_mul);
}

/* The largest |requant(x - zp, m)| over int8 x: requant is monotone in x,
   so x = 127 or x = -128. */
static int64_t attn__requant_bound(int32_t zp, attn_qmul m)
{
    int64_t hi = attn__requant(127 - zp, m), lo = attn__requant(-128 - zp, m);
    hi = hi < 0 ? -hi : hi;
    lo = lo < 0 ? -lo : lo;
    return hi > lo ? hi : lo;
}

/* A post-norm layer's wide sum r goes into layer norm, whose integer steps
   are proven for |r| < 2^19 (INT8 ARITHMETIC, layer norm): the add's two
   terms must keep it there for every int8 input. The quantizer's adds give
   at most 2 * 255 * 2^9 < 2^18. */
static int attn__add_wide_ok(const attn_add_s8_params *p)
{
    return attn__requant_bound(p->a_zp, p->a_mul) + attn__requant_bound(p->b_zp, p->b_mul) <
           ATTN__S8_MAX_WIDE;
}

static int attn__norm_values_ok(const attn_layernorm_s8_params *p, int d)
{
    if (!attn__zp_ok(p->out_zp) || p->eps < 1) return 0;
    return attn__qmuls_ok(p->gamma, d);
}

static int attn__sdpa_values_ok(const attn_sdpa_s8_params *p)
{
    return attn__zp_ok(p->q_zp) && attn__zp_ok(p->k_zp) && attn__zp_ok(p->v_zp) &&
           attn__zp_ok(p->out_zp) && attn__qmul_ok(p->score_mul) && attn__qmul_ok(p->ctx_mul);
}

static int attn__mha_ptrs_ok(const attn_mha_s8_params *p)
{
    return attn__linear_ptrs_ok(&p->q) && attn__linear_ptrs_ok(&p->k) &&
           attn__linear_ptrs_ok(&p->v) && attn__linear_ptrs_ok(&p->o);
}

static int attn__mha_values_ok(const attn_mha_s8_params *p, int d)
{
    return attn__linear_values_ok(&p->q, d) && attn__linear_values_ok(&p->k, d) &&
           attn__linear_values_ok(&p->v, d) && attn__linear_values_ok(&p->o, d) &&
           attn__sdpa_values_ok(&p->sdpa) && p->sdpa.q_zp == p->q.out_zp &&
           p->sdpa.k_zp == p->k.out_zp && p->sdpa.v_zp == p->v.out_zp &&
           p->sdpa.out_zp == p->o.in_zp;
}

static int attn__layer_ptrs_ok(const attn_encoder_layer_s8_params *p, attn_activation act)
{
    return attn__mha_ptrs_ok(&p->attn) && attn__linear_ptrs_ok(&p->ff1) &&
           attn__linear_ptrs_ok(&p->ff2) && p->norm1.gamma && p->norm2.gamma &&
           (act == ATTN_ACT_RELU || p->gelu_table);
}

static int attn__layer_values_ok(const attn_encoder_layer_s8_params *p,
                                 const attn_encoder_cfg *c)
{
    return attn__mha_values_ok(&p->attn, c->d_model) && attn__add_values_ok(&p->add1) &&
           attn__add_values_ok(&p->add2) &&
           (c->norm_first || (attn__add_wide_ok(&p->add1) && attn__add_wide_ok(&p->add2))) &&
           attn__norm_values_ok(&p->norm1, c->d_model) &&
           attn__norm_values_ok(&p->norm2, c->d_model) &&
           attn__linear_values_ok(&p->ff1, c->d_ff) && attn__linear_values_ok(&p->ff2, c->d_model);
}

static int attn__stack_ptrs_ok(const attn_encoder_s8_params *p, attn_activation act)
{
    int l;
    if (!p->layers || (p->final_norm && !p->norm.gamma)) return 0;
    for (l = 0; l < p->n_layers; l++)
        if (!attn__layer_ptrs_ok(&p->layers[l], act)) return 0;
    return 1;
}

static int attn__stack_values_ok(const attn_encoder_s8_params *p, const attn_encoder_cfg *c)
{
    int l;
    for (l = 0; l < p->n_layers; l++)
        if (!attn__layer_values_ok(&p->layers[l], c)) return 0;
    return !p->final_norm || attn__norm_values_ok(&p->norm, c->d_model);
}

/* The shape rules of the int8 encoder (the float ones, plus the widths the
   integer arithmetic is proven for). */
static attn_status attn__check_encoder_cfg_s8(const attn_encoder_cfg *c)
{
    if (attn__dim_bad(c->d_model) || attn__dim_bad(c->n_heads) || attn__dim_bad(c->d_ff) ||
        c->d_model % c->n_heads != 0 ||
        c->d_model > ATTN__S8_MAX_D || c->d_ff > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    if ((c->activation != ATTN_ACT_RELU && c->activation != ATTN_ACT_GELU &&
         c->activation != ATTN_ACT_GELU_TANH) || c->window < 0)
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

/* The float rules plus the width the int32 scores are proven for. */
static attn_status attn__check_mha_cfg_s8(const attn_mha_cfg *c)
{
    attn_status st = attn__check_mha_cfg(c);
    if (st != ATTN_ERR_SHAPE && c->d_model > ATTN__S8_MAX_IN) return ATTN_ERR_SHAPE;
    return st;
}

static attn__size attn__sdpa_size_s8(const attn_mha_cfg *c)
{
    attn__size s = {0, 0}, t = {0, 0};
    attn__size_add(&s, (size_t)c->seq_kv, 1, sizeof(int32_t)); /* scores */
    attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_model, 1);
    attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_model, 2);
    s.overflow |= t.overflow;
    return s;
}

static attn__size attn__mha_size_s8(const attn_mha_cfg *c)
{
    attn__size s = attn__sdpa_size_s8(c);
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, 1); /* K */
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_model, 1); /* V */
    attn__size_add(&s, (size_t)c->d_model, 1, 1);                 /* q / context */
    return s;
}

static attn__size attn__encoder_size_s8(const attn_encoder_cfg *c, int seq)
{
    attn__size s = {0, 0};
    size_t P = seq >= 2 ? 2 : 1, pd = P * (size_t)c->d_model; /* two tokens at a time */
    size_t wide = (size_t)seq > pd ? (size_t)seq : pd;
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, 1); /* K                           */
    attn__size_add(&s, (size_t)seq, (size_t)c->d_model, 1); /* V                           */
    attn__size_add(&s, pd, 1, 1);                           /* normed rows                 */
    attn__size_add(&s, pd, 1, 1);                           /* q / context                 */
    attn__size_add(&s, pd, 1, 1);                           /* block outputs               */
    attn__size_add(&s, wide, 1, sizeof(int32_t));           /* scores, then wide residuals */
    attn__size_add(&s, P, (size_t)c->d_ff, 1);              /* FF hidden                   */
    return s;
}

static attn__size attn__model_size_s8(const attn_model_cfg *c, int seq)
{
    return attn__model_front_size(c, seq, 1,
                                  attn__encoder_size_s8(&c->encoder, attn__model_rows(c, seq)));
}

/* rows x cols bytes: SHAPE if a size is <= 0, TOO_LARGE if it overflows. */
static attn_status attn__check_bytes(int rows, int cols)
{
    if (attn__dim_bad(rows) || attn__dim_bad(cols)) return ATTN_ERR_SHAPE;
    if ((size_t)rows > SIZE_MAX / (size_t)cols) return ATTN_ERR_TOO_LARGE;
    return ATTN_OK;
}

/* ---- element-wise and leaf operations ------------------------------------ */

ATTN_DEF attn_status attn_relu_s8(int8_t *y, const int8_t *x, int n, int32_t zp)
{
    attn_status st;
    int i;
    if (!y || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(1, n)) != ATTN_OK) return st;
    if (!attn__zp_ok(zp)) return ATTN_ERR_RANGE;
    for (i = 0; i < n; i++) y[i] = (int8_t)(x[i] < zp ? zp : x[i]); /* zp in int8 range (checked) */
    return ATTN_OK;
}

ATTN_DEF attn_status attn_lut_s8(int8_t *y, const int8_t *x, int n, const int8_t *table)
{
    attn_status st;
    int i;
    if (!y || !x || !table) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(1, n)) != ATTN_OK) return st;
    for (i = 0; i < n; i++) y[i] = table[x[i] + 128];
    return ATTN_OK;
}

ATTN_DEF attn_status attn_add_s8(int8_t *y, const int8_t *a, const int8_t *b, int n,
                                 const attn_add_s8_params *p)
{
    attn_status st;
    if (!y || !a || !b || !p) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(1, n)) != ATTN_OK) return st;
    if (!attn__add_values_ok(p)) return ATTN_ERR_RANGE;
    attn__add_row_s8(y, a, b, n, p);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_linear_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                    int rows, int in, int out)
{
    attn_status st;
    if (!y || !x || !p || !attn__linear_ptrs_ok(p)) return ATTN_ERR_NULL;
    if (attn__dim_bad(rows) || attn__dim_bad(in) || attn__dim_bad(out) || in > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    if ((st = attn__check_bytes(rows, in)) != ATTN_OK || (st = attn__check_bytes(rows, out)) != ATTN_OK ||
        (st = attn__check_bytes(out, in)) != ATTN_OK)
        return st;
    if (!attn__linear_values_ok(p, out)) return ATTN_ERR_RANGE;
    attn__linear_rows_s8(y, x, p, rows, in, out);
    return ATTN_OK;
}

/* The fused bias of output o, exact in int64 (|in_zp * sum w| < 2^29). */
static int64_t attn__fused_bias(const attn_linear_s8_params *p, int in, int o)
{
    const int8_t *w = p->w + (size_t)o * (size_t)in;
    int64_t sum = 0;
    int i;
    for (i = 0; i < in; i++) sum += w[i];
    return (p->bias ? p->bias[o] : 0) - (int64_t)p->in_zp * sum;
}

ATTN_DEF attn_status attn_linear_fuse_bias_s8(int32_t *fused, const attn_linear_s8_params *p,
                                              int in, int out)
{
    attn_status st;
    int o;
    if (!fused || !p || !p->w) return ATTN_ERR_NULL;
    if (attn__dim_bad(in) || attn__dim_bad(out) || in > ATTN__S8_MAX_IN) return ATTN_ERR_SHAPE;
    if ((st = attn__check_bytes(out, in)) != ATTN_OK) return st;
    if (!attn__zp_ok(p->in_zp)) return ATTN_ERR_RANGE;
    for (o = 0; o < out; o++) {
        int64_t f = attn__fused_bias(p, in, o);
        if (f > INT32_MAX || f < INT32_MIN) return ATTN_ERR_RANGE;
    }
    for (o = 0; o < out; o++) fused[o] = (int32_t)attn__fused_bias(p, in, o);
    return ATTN_OK;
}

#if !ATTN__SM_MVE
/* max of n >= 1 int8 values (SSUB8 + SEL: four lanes at a time on the DSP
   cores, then the lanes folded the same way) */
static int32_t attn__max_s8(const int8_t *x, int n)
{
    int32_t mx = x[0];
    int c = 1;
#if ATTN__SM_DSP
    if (n >= 8) {
        uint32_t m4, w;
        memcpy(&m4, x, 4);
        for (c = 4; c + 4 <= n; c += 4) {
            memcpy(&w, x + c, 4);
            (void)ATTN__SSUB8(w, m4); /* GE flags: w >= m4, per byte */
            m4 = __sel(w, m4);
        }
        w = (m4 >> 16) | (m4 << 16);
        (void)ATTN__SSUB8(w, m4);
        m4 = __sel(w, m4);
        w = m4 >> 8;
        (void)ATTN__SSUB8(w, m4);
        mx = (int8_t)__sel(w, m4);
    }
#endif
    for (; c < n; c++)
        if (x[c] > mx) mx = x[c];
    return mx;
}
#endif

#if ATTN__SM_DSP && !ATTN__SM_MVE && ATTN__ATT_ASM
/* The two passes of attn__softmax_s8_row over n2 pairs, written out: the
   exponent (MLS, SMMULR), exp2 (as attn__exp2_q16) and then the sum
   (pass 1) or the 8-bit probability (pass 2) of each entry. Pass 1 needs
   twelve registers (clang keeps its frame pointer beside them), pass 2
   thirteen: GCC only. */
#define ATTN__SM8_EXPO(x) "ldrsb  %[t0], [%[" x "]], #1\n\t" ATTN__EXPO_BODY
#define ATTN__SM8_SUM                                                        \
    "adds   %[lo], %[lo], %[t2]\n\t"                                       \
    "adc    %[hi], %[hi], #0\n\t"
#define ATTN__SM8_OUT                                                        \
    "umull  %[t1], %[t2], %[t2], %[R]\n\t"                                 \
    "add    %[t2], %[t2], %[rnd]\n\t"                                      \
    "lsr    %[t2], %[t2], %[sh]\n\t"                                       \
    "usat   %[t2], #8, %[t2]\n\t"                                          \
    "sub    %[t2], %[t2], #128\n\t"                                        \
    "strb   %[t2], [%[x], #-1]\n\t"
ATTN__INLINE uint64_t attn__sm8_pass1(const int8_t *x, const int8_t *xe, int32_t k, int32_t mxk,
                                      int32_t m, const int32_t *T)
{
    uint32_t lo = 0, hi = 0, t0, t1, t2, t3;
    __asm__("1:\n\t" ATTN__SM8_EXPO("x") ATTN__SM8_SUM ATTN__SM8_EXPO("x") ATTN__SM8_SUM
            "cmp    %[x], %[xe]\n\t"
            "bne    1b"
            : [x] "+r"(x), [lo] "+r"(lo), [hi] "+r"(hi), [t0] "=&r"(t0), [t1] "=&r"(t1),
              [t2] "=&r"(t2), [t3] "=&r"(t3)
            : [xe] "r"(xe), [k] "r"(k), [mxk] "r"(mxk), [m] "r"(m), [T] "r"(T),
              "m"(*(const int32_t(*)[256])T)
            : "cc", "memory");
    return ((uint64_t)hi << 32) | lo;
}
#if !defined(__clang__)
#define ATTN__SM8_PASS2_ASM 1
ATTN__INLINE void attn__sm8_pass2(int8_t *x, const int8_t *xe, int32_t k, int32_t mxk,
                                  int32_t m, const int32_t *T, const attn__softmax_norm *nm)
{
    uint32_t t0, t1, t2, t3;
    __asm__ volatile("1:\n\t" ATTN__SM8_EXPO("x") ATTN__SM8_OUT ATTN__SM8_EXPO("x") ATTN__SM8_OUT
                     "cmp    %[x], %[xe]\n\t"
                     "bne    1b"
                     : [x] "+r"(x), [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
                       [t3] "=&r"(t3)
                     : [xe] "r"(xe), [k] "r"(k), [mxk] "r"(mxk), [m] "r"(m), [T] "r"(T),
                       [R] "r"(nm->r), [rnd] "r"(nm->round8), [sh] "r"(nm->shift8)
                     : "cc", "memory");
}
#endif
#define ATTN__SM8_PASS1_ASM 1
#endif

#if ATTN__SM_DSP && !ATTN__SM_MVE
/* One row of attn_softmax_s8 with the fast exponent (mx - x <= 255 <= amax):
   u = hi((mx - x) * 2^sh * m + 2^31), made as mx * k - x * k (k = 2^sh);
   the row's exponentials one at a time, twice (no scratch), two per step
   (their sum fits 32 bits). y may equal x. */
static void attn__softmax_s8_row(int8_t *y, const int8_t *x, int n, int32_t k, int32_t m,
                                 const int32_t *T)
{
    const int32_t mxk = attn__max_s8(x, n) * k;
    const int n2 = n & ~1;
    attn__softmax_norm nm;
    uint64_t sum = 0;
    int c;
#if defined(__clang__)
    __asm__("" : "+r"(T)); /* keep the table's address in a register */
#endif
#ifdef ATTN__SM8_PASS2_ASM
    if (y != x) { /* the written-out pass 2 works in place */
        memcpy(y, x, (size_t)n);
        x = y;
    }
#endif
#ifdef ATTN__SM8_PASS1_ASM
    if (n2) sum = attn__sm8_pass1(x, x + n2, k, mxk, m, T);
#else
    for (c = 0; c < n2; c += 2) {
        uint32_t e0 = attn__exp2_q16(attn__expo_x8(x[c], k, mxk, m), T);
        uint32_t e1 = attn__exp2_q16(attn__expo_x8(x[c + 1], k, mxk, m), T);
        sum += e0 + e1;
    }
#endif
    if (n & 1) sum += attn__exp2_q16(attn__expo_x8(x[n2], k, mxk, m), T);
    nm = attn__softmax_normalise(sum);
#ifdef ATTN__SM8_PASS2_ASM
    if (n2) attn__sm8_pass2(y, y + n2, k, mxk, m, T, &nm);
    c = n2;
#else
    for (c = 0; c < n2; c += 2) {
        uint32_t e0 = attn__exp2_q16(attn__expo_x8(x[c], k, mxk, m), T);
        uint32_t e1 = attn__exp2_q16(attn__expo_x8(x[c + 1], k, mxk, m), T);
        y[c] = attn__softmax_y8(e0, &nm);
        y[c + 1] = attn__softmax_y8(e1, &nm);
    }
#endif
    if (c < n) y[c] = attn__softmax_y8(attn__exp2_q16(attn__expo_x8(x[c], k, mxk, m), T), &nm);
}
#endif

#if ATTN__SM_MVE
/* exp2 of the exponents of four int8 logits x (four lanes, int32) */
#define ATTN__SM8_E4(xv) \
    attn__exp4_mve(xv, NULL, pr, mxv, lsh, mul.multiplier, rsh, TD, fast)
/* One row of attn_softmax_s8 on Helium, any multiplier (the vector
   exponent is requant itself): the max sixteen lanes at a time, the
   exponentials four at a time, twice (no scratch). y may equal x: each
   group of four is read before it is written. */
static void attn__softmax_s8_row_mve(int8_t *y, const int8_t *x, int n, attn_qmul mul,
                                     const int32_t *TD)
{
    const int lsh = mul.shift > 0 ? mul.shift : 0, rsh = mul.shift < 0 ? -mul.shift : 0;
    const int fast = mul.multiplier >= 0 && mul.shift >= 0;
    const uint32x4_t top = vdupq_n_u32(255);
    int8x16_t m16 = vdupq_n_s8(-128);
    attn__softmax_norm nm;
    int32x4_t mxv;
    uint32x4_t rv;
    uint64_t sum = 0;
    mve_pred16_t pr;
    int j;
    for (j = 0; j < n; j += 16) {
        pr = vctp8q((uint32_t)(n - j));
        m16 = vmaxq_m_s8(m16, m16, vldrbq_z_s8(x + j, pr), pr);
    }
    mxv = vdupq_n_s32(vmaxvq_s8(-128, m16));
    j = 0;
#if !ATTN__MVE_TAILPRED
    pr = vctp32q(4);
    for (; j + 4 <= n; j += 4) sum = vaddlvaq_u32(sum, ATTN__SM8_E4(vldrbq_s32(x + j)));
#endif
    for (; j < n; j += 4) {
        pr = vctp32q((uint32_t)(n - j));
        sum = vaddlvaq_p_u32(sum, ATTN__SM8_E4(vldrbq_z_s32(x + j, pr)), pr);
    }
    nm = attn__softmax_normalise(sum);
    rv = vdupq_n_u32(nm.r);
    /* min(255, round(e R / 2^(55+k))) - 128: VMULH, VRSHL (see the Q15 case
       in attn__softmax_row_mve), then the store keeps the low byte */
    j = 0;
#if !ATTN__MVE_TAILPRED
    pr = vctp32q(4);
    for (; j + 4 <= n; j += 4) {
        uint32x4_t q = vminq_u32(vrshlq_n_u32(vmulhq_u32(ATTN__SM8_E4(vldrbq_s32(x + j)), rv), -nm.shift8), top);
        vstrbq_s32(y + j, vsubq_n_s32(vreinterpretq_s32_u32(q), 128));
    }
#endif
    for (; j < n; j += 4) {
        uint32x4_t q;
        pr = vctp32q((uint32_t)(n - j));
        q = vminq_u32(vrshlq_n_u32(vmulhq_u32(ATTN__SM8_E4(vldrbq_z_s32(x + j, pr)), rv), -nm.shift8), top);
        vstrbq_p_s32(y + j, vsubq_n_s32(vreinterpretq_s32_u32(q), 128), pr);
    }
}
#undef ATTN__SM8_E4
#endif

ATTN_DEF attn_status attn_softmax_s8(int8_t *y, const int8_t *x, const attn_softmax_s8_params *p,
                                     int rows, int cols)
{
    const int32_t *T = attn__exp2_table();
#if ATTN__SM_DSP && !ATTN__SM_MVE
    attn__expo ex;
#endif
    attn_status st;
    int r;
    if (!y || !x || !p) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(rows, cols)) != ATTN_OK) return st;
    if (!attn__qmul_ok(p->in_mul)) return ATTN_ERR_RANGE;
#if ATTN__SM_DSP && !ATTN__SM_MVE
    ex = attn__expo_init(p->in_mul);
#endif
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)cols;
        int8_t *yr = y + (size_t)r * (size_t)cols;
#if ATTN__SM_MVE
        attn__softmax_s8_row_mve(yr, xr, cols, p->in_mul, T);
#else
        attn__softmax_norm nm;
        int32_t mx;
        uint64_t sum = 0;
        int c;
#if ATTN__SM_DSP
        if (ex.ok && ex.amax >= 255) {
            attn__softmax_s8_row(yr, xr, cols, (int32_t)1 << ex.sh, ex.m, T);
            continue;
        }
#endif
        /* any other multiplier: the exponent by requant itself */
        mx = attn__max_s8(xr, cols);
        for (c = 0; c < cols; c++) sum += attn__exp2_q16(attn__softmax_u(mx - xr[c], p->in_mul), T);
        nm = attn__softmax_normalise(sum);
        for (c = 0; c < cols; c++)
            yr[c] = attn__softmax_y8(attn__exp2_q16(attn__softmax_u(mx - xr[c], p->in_mul), T), &nm);
#endif
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_layernorm_s8(int8_t *y, const int8_t *x,
                                       const attn_layernorm_s8_params *p, int rows, int cols)
{
    attn_status st;
    int r;
    if (!y || !x || !p || !p->gamma) return ATTN_ERR_NULL;
    /* shapes (the width limit included) before sizes, as documented */
    if (attn__dim_bad(rows) || attn__dim_bad(cols) || cols > ATTN__S8_MAX_D) return ATTN_ERR_SHAPE;
    if ((st = attn__check_bytes(rows, cols)) != ATTN_OK) return st;
    if (!attn__norm_values_ok(p, cols)) return ATTN_ERR_RANGE;
    for (r = 0; r < rows; r++) {
        size_t off = (size_t)r * (size_t)cols;
        attn__layernorm_row_s8(y + off, x + off, 0, cols, p);
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_pool_s8(int8_t *out, const int8_t *x, const uint8_t *key_padding,
                                  attn_pooling pooling, int seq, int d_model, int32_t zp)
{
    attn_status st;
    int p, c, count = 0;
    if (!out || !x) return ATTN_ERR_NULL;
    if ((st = attn__check_bytes(seq, d_model)) == ATTN_ERR_SHAPE) return st;
    if ((pooling != ATTN_POOL_MEAN && pooling != ATTN_POOL_FIRST) || !attn__zp_ok(zp))
        return ATTN_ERR_RANGE;
    if (st != ATTN_OK) return st;
    if (pooling == ATTN_POOL_FIRST) {
        memmove(out, x, (size_t)d_model);
        return ATTN_OK;
    }
    for (p = 0; p < seq; p++) count += !(key_padding && key_padding[p]);
    for (c = 0; c < d_model; c++) {
        int64_t s = 0, q;
        if (!key_padding && seq < (1 << 22)) { /* the sum of the x fits int32; zp once */
            int32_t s32 = 0;
            for (p = 0; p < seq; p++) s32 += x[(size_t)p * (size_t)d_model + (size_t)c];
            s = (int64_t)s32 - (int64_t)zp * seq;
        } else
            for (p = 0; p < seq; p++)
                if (!(key_padding && key_padding[p])) s += x[(size_t)p * (size_t)d_model + (size_t)c] - zp;
        /* round(s / count), ties away from zero; |s| <= 255 * count, so
           below 2^22 rows the sums fit 32 bits (no 64-bit division) */
        if (count == 0)
            q = 0;
        else if (count < (1 << 22)) {
            uint32_t a = (uint32_t)(s >= 0 ? s : -s), c2 = 2u * (uint32_t)count;
            q = (int64_t)((2u * a + (uint32_t)count) / c2);
            if (s < 0) q = -q;
        } else {
            int64_t c2 = 2 * (int64_t)count;
            q = s >= 0 ? (2 * s + count) / c2 : -((-2 * s + count) / c2);
        }
        out[c] = attn__to_s8(zp, (int32_t)q);
    }
    return ATTN_OK;
}

/* ---- attention ------------------------------------------------------------- */

ATTN_DEF attn_status attn_sdpa_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__sdpa_size_s8(cfg), bytes);
}

ATTN_DEF attn_status attn_sdpa_s8(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *v,
                                  const uint8_t *key_padding, const attn_mha_cfg *cfg,
                                  const attn_sdpa_s8_params *p, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark;
    int32_t *scores;
    if (!out || !q || !k || !v || !cfg || !p || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    need = attn__sdpa_size_s8(cfg);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    if (!attn__sdpa_values_ok(p)) return ATTN_ERR_RANGE;
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    scores = (int32_t *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(int32_t));
    attn__attend_rows_s8(out, q, cfg->seq_q, 0, k, v, key_padding, cfg->seq_kv, cfg->d_model,
                         cfg->n_heads, cfg->causal, cfg->window, p, scores);
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_mha_scratch_s8(const attn_mha_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__mha_size_s8(cfg), bytes);
}

ATTN_DEF attn_status attn_mha_s8(int8_t *out, const int8_t *xq, const int8_t *xk,
                                 const int8_t *xv, const uint8_t *key_padding,
                                 const attn_mha_cfg *cfg, const attn_mha_s8_params *p,
                                 attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, d;
    int8_t *k, *v, *q;
    int32_t *scores;
    int i, dm;
    if (!out || !xq || !xk || !xv || !cfg || !p || !arena || !attn__mha_ptrs_ok(p))
        return ATTN_ERR_NULL;
    if ((st = attn__check_mha_cfg_s8(cfg)) != ATTN_OK) return st;
    need = attn__mha_size_s8(cfg);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    if (!attn__mha_values_ok(p, cfg->d_model)) return ATTN_ERR_RANGE;
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    dm = cfg->d_model;
    d = (size_t)dm;
    k = (int8_t *)attn__take(arena, (size_t)cfg->seq_kv * d);
    v = (int8_t *)attn__take(arena, (size_t)cfg->seq_kv * d);
    q = (int8_t *)attn__take(arena, d);
    scores = (int32_t *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(int32_t));
    attn__linear_rows_s8(k, xk, &p->k, cfg->seq_kv, dm, dm);
    attn__linear_rows_s8(v, xv, &p->v, cfg->seq_kv, dm, dm);
    for (i = 0; i < cfg->seq_q; i++) {
        attn__linear_row_s8(q, xq + (size_t)i * d, &p->q, dm, dm);
        attn__attend_rows_s8(q, q, 1, i, k, v, key_padding, cfg->seq_kv, dm, cfg->n_heads,
                             cfg->causal, cfg->window, &p->sdpa, scores);
        attn__linear_row_s8(out + (size_t)i * d, q, &p->o, dm, dm);
    }
    arena->used = mark;
    return ATTN_OK;
}

/* ---- additive attention (int8) ----------------------------------------------- */

#define ATTN__ADD_MAX_SHIFT 16 /* t_shift: 0..16 */
#define ATTN__ADD_QP_MAX (1 << 30) /* |Qp| clamp: the wide sum fits int32 */

/* The float rules plus the widths the int32 sums are proven for. */
static attn_status attn__check_additive_cfg_s8(const attn_additive_cfg *c)
{
    if (attn__dim_bad(c->seq_q) || attn__dim_bad(c->seq_kv) || attn__dim_bad(c->d_q) ||
        attn__dim_bad(c->d_k) || attn__dim_bad(c->d_v) || attn__dim_bad(c->d_attn) ||
        c->d_q > ATTN__S8_MAX_IN || c->d_k > ATTN__S8_MAX_IN || c->d_attn > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    return ATTN_OK;
}

static attn__size attn__additive_size_s8(const attn_additive_cfg *c)
{
    attn__size s = {0, 0}, t = {0, 0};
    attn__size_add(&s, (size_t)c->seq_kv, (size_t)c->d_attn, sizeof(int16_t)); /* Kp     */
    attn__size_add(&s, (size_t)c->d_attn, 1, sizeof(int32_t));                 /* Qp     */
    attn__size_add(&s, (size_t)c->seq_kv, 1, sizeof(int32_t));                 /* scores */
    attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_q, 1);
    attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_k, 1);
    attn__size_add(&t, (size_t)c->seq_kv, (size_t)c->d_v, 1);
    attn__size_add(&t, (size_t)c->seq_q, (size_t)c->d_v, 1);
    attn__size_add(&t, (size_t)c->d_attn, (size_t)c->d_q, 1);
    attn__size_add(&t, (size_t)c->d_attn, (size_t)c->d_k, 1);
    s.overflow |= t.overflow;
    return s;
}

static int attn__additive_ptrs_ok(const attn_additive_s8_params *p)
{
    return p->q.w && p->q.mul && p->k.w && p->k.mul && p->tanh_table && p->v;
}

static int attn__additive_values_ok(const attn_additive_s8_params *p, int d_attn)
{
    return attn__zp_ok(p->q.in_zp) && attn__zp_ok(p->k.in_zp) && attn__zp_ok(p->t_zp) &&
           attn__zp_ok(p->val_zp) && attn__zp_ok(p->out_zp) && p->t_shift >= 0 &&
           p->t_shift <= ATTN__ADD_MAX_SHIFT && attn__qmul_ok(p->score_mul) &&
           attn__qmul_ok(p->ctx_mul) && attn__qmuls_ok(p->q.mul, d_attn) &&
           attn__qmuls_ok(p->k.mul, d_attn);
}

/* y[a] = requant(sat(bias[a] + sum_c (x[c] - in_zp) w[a][c]), mul[a]) for
   a < d_attn: one row's projection, wide (|the sum| < 2^31: d_in <= 32768). */
static void attn__add_proj_s8(int32_t *y, const int8_t *x, const attn_additive_proj_s8 *P,
                              int d_in, int d_attn)
{
    int a;
    for (a = 0; a < d_attn; a++) {
        int32_t acc = attn__dot_s8(x, P->w + (size_t)a * (size_t)d_in, d_in, -P->in_zp);
        if (P->bias) acc = attn__qadd(acc, P->bias[a]);
        y[a] = attn__requant(acc, P->mul[a]);
    }
}

/* One query row (qp [d_attn], clamped to +-2^30): out [d_v] int8 from the
   keys' projections kp (rows d_attn apart), the values val (rows d_v
   apart) and the visible keys; z [n_keys] is scratch. */
ATTN__NOINLINE void attn__additive_row_s8(int8_t *out, const int32_t *qp, const int16_t *kp,
                                          const int8_t *val, const uint8_t *pad, int n_keys,
                                          int d_attn, int d_v, const attn_additive_s8_params *p,
                                          int32_t *z)
{
    const int8_t *T = p->tanh_table + 128, *v = p->v;
    const int32_t tz = p->t_zp, vz = p->val_zp, oz = p->out_zp;
    const int sh = (int)p->t_shift;
    const int32_t *E = attn__exp2_table();
    attn__softmax_norm nm;
    uint64_t sum = 0;
    int32_t mx = 0, psum = 0;
    int j, a, c, seen = 0;
    /* scores: |z| <= d_attn * 128 * 128 <= 2^29 */
    for (j = 0; j < n_keys; j++) {
        const int16_t *kj = kp + (size_t)j * (size_t)d_attn;
        int32_t acc = 0;
        if (pad && pad[j]) continue;
        for (a = 0; a < d_attn; a++) {
            int32_t u = qp[a] + kj[a]; /* |u| < 2^30 + 2^15 */
            int32_t t = tz + (sh > 0 ? attn__rshift_rq(u, sh) : u);
            acc += v[a] * T[attn__clamp(t, -128, 127)];
        }
        z[j] = acc;
        if (!seen || acc > mx) mx = acc;
        seen = 1;
    }
    if (!seen) { /* every key masked: a zero row */
        for (c = 0; c < d_v; c++) out[c] = attn__to_s8(oz, 0);
        return;
    }
    /* the attention softmax (INT8 ARITHMETIC) of the visible scores */
    for (j = 0; j < n_keys; j++) {
        uint32_t d;
        int32_t u;
        if (pad && pad[j]) continue;
        d = (uint32_t)mx - (uint32_t)z[j]; /* <= 2^30 */
        u = attn__requant(d > 0x7FFFFFFFu ? INT32_MAX : (int32_t)d, p->score_mul);
        z[j] = (int32_t)attn__exp2_q16(u > 0 ? (uint32_t)u : 0u, E);
        sum += (uint32_t)z[j];
    }
    nm = attn__softmax_normalise(sum);
    for (j = 0; j < n_keys; j++) {
        if (pad && pad[j]) continue;
        z[j] = attn__softmax_q15((uint32_t)z[j], &nm);
        psum += z[j]; /* <= 2^16 */
    }
    /* the context: sum_j p_j val_j[c] - val_zp * psum, |.| < 2^24 */
    for (c = 0; c < d_v; c++) {
        const int8_t *vc = val + c;
        int32_t acc = -vz * psum;
        for (j = 0; j < n_keys; j++)
            if (!(pad && pad[j])) acc += z[j] * vc[(size_t)j * (size_t)d_v];
        out[c] = attn__to_s8(oz, attn__requant(acc, p->ctx_mul));
    }
}

ATTN_DEF attn_status attn_additive_scratch_s8(const attn_additive_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_additive_cfg_s8(cfg)) != ATTN_OK) return st;
    return attn__size_result(attn__additive_size_s8(cfg), bytes);
}

ATTN_DEF attn_status attn_additive_s8(int8_t *out, const int8_t *q, const int8_t *k,
                                      const int8_t *val, const uint8_t *key_padding,
                                      const attn_additive_cfg *cfg,
                                      const attn_additive_s8_params *p, attn_arena *arena)
{
    attn__size need;
    attn_status st;
    size_t mark, da;
    int16_t *kp;
    int32_t *qp, *z;
    int i, j, a;
    if (!out || !q || !k || !val || !cfg || !p || !arena || !attn__additive_ptrs_ok(p))
        return ATTN_ERR_NULL;
    if ((st = attn__check_additive_cfg_s8(cfg)) != ATTN_OK) return st;
    need = attn__additive_size_s8(cfg);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    if (!attn__additive_values_ok(p, cfg->d_attn)) return ATTN_ERR_RANGE;
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    mark = arena->used;
    da = (size_t)cfg->d_attn;
    kp = (int16_t *)attn__take(arena, (size_t)cfg->seq_kv * da * sizeof(int16_t));
    qp = (int32_t *)attn__take(arena, da * sizeof(int32_t));
    z = (int32_t *)attn__take(arena, (size_t)cfg->seq_kv * sizeof(int32_t));
    /* the keys' projections, once, saturated to int16 (qp as a row buffer) */
    for (j = 0; j < cfg->seq_kv; j++) {
        int16_t *kj = kp + (size_t)j * da;
        attn__add_proj_s8(qp, k + (size_t)j * (size_t)cfg->d_k, &p->k, cfg->d_k, cfg->d_attn);
        for (a = 0; a < cfg->d_attn; a++) kj[a] = (int16_t)attn__clamp(qp[a], -32768, 32767);
    }
    for (i = 0; i < cfg->seq_q; i++) {
        /* query row i is read whole before output row i is written */
        attn__add_proj_s8(qp, q + (size_t)i * (size_t)cfg->d_q, &p->q, cfg->d_q, cfg->d_attn);
        for (a = 0; a < cfg->d_attn; a++)
            qp[a] = attn__clamp(qp[a], -ATTN__ADD_QP_MAX, ATTN__ADD_QP_MAX);
        attn__additive_row_s8(out + (size_t)i * (size_t)cfg->d_v, qp, kp, val, key_padding,
                              cfg->seq_kv, cfg->d_attn, cfg->d_v, p, z);
    }
    arena->used = mark;
    return ATTN_OK;
}

/* ---- the int8 blocks every layer is made of ---------------------------------- */

/* An attention block: its weights, residual add and norm, its keys and
   values (rows of stride d_model) as for float (attn__att_f32). */
typedef struct {
    const attn_mha_s8_params *p;
    const attn_add_s8_params *add;
    const attn_layernorm_s8_params *norm;
    const int8_t *k, *v;
    const uint8_t *pad;
    int n_keys, causal, window;
} attn__att_s8;

static attn__att_s8 attn__att_of_s8(const attn_mha_s8_params *p, const attn_add_s8_params *add,
                                    const attn_layernorm_s8_params *norm, const int8_t *k,
                                    const int8_t *v, const uint8_t *pad, int n_keys, int causal,
                                    int window)
{
    attn__att_s8 A;
    A.p = p;
    A.add = add;
    A.norm = norm;
    A.k = k;
    A.v = v;
    A.pad = pad;
    A.n_keys = n_keys;
    A.causal = causal;
    A.window = window;
    return A;
}

/* Keys and values of n rows of x: from LN(x) a row at a time (norm, pre-
   norm self-attention), else all rows in one call (rows in pairs). */
static void attn__kv_rows_s8(int8_t *k, int8_t *v, const int8_t *x, int n, const attn__att_s8 *A,
                             int norm, int dm, int8_t *nrm)
{
    size_t d = (size_t)dm;
    if (norm) {
        int i;
        for (i = 0; i < n; i++) {
            attn__layernorm_row_s8(nrm, x + (size_t)i * d, 0, dm, A->norm);
            attn__linear_row_s8(k + (size_t)i * d, nrm, &A->p->k, dm, dm);
            attn__linear_row_s8(v + (size_t)i * d, nrm, &A->p->v, dm, dm);
        }
    } else {
        attn__linear_rows_s8(k, x, &A->p->k, n, dm, dm);
        attn__linear_rows_s8(v, x, &A->p->v, n, dm, dm);
    }
}

/* The residual of m rows: r = add(row, blk) wide, then the norm of the
   sum (post-norm) or its int8 narrowing (pre-norm), into the rows. */
static void attn__residual_s8(int8_t *rows, const int8_t *blk, int32_t *r, int m,
                              const attn_add_s8_params *add, const attn_layernorm_s8_params *norm,
                              int dm, int norm_first)
{
    size_t d = (size_t)dm;
    int t;
    for (t = 0; t < m; t++) {
        int8_t *row = rows + (size_t)t * d;
        int32_t *rt = r + (size_t)t * d;
        attn__add_wide_s8(rt, row, blk + (size_t)t * d, dm, add);
        if (norm_first)
            attn__narrow_s8(row, rt, dm, add->out_mul, add->out_zp);
        else
            attn__layernorm_row_s8(row, rt, 1, dm, norm);
    }
}

/* The scratch rows of a layer working on P tokens at a time; x16 (a step
   only, else NULL): a row unpacked for attn__linear_row_x16. */
typedef struct {
    int8_t *nrm, *q, *blk, *hid;
    int32_t *scores;
    uint32_t *x16;
    int plain; /* every linear layer is plain (attn__lin_params_plain) */
} attn__rows_s8;

/* x16 for one row x of n bytes (NULL where it is not used). */
static const uint32_t *attn__x16_of(const attn__rows_s8 *R, const int8_t *x, int n)
{
#if ATTN__DOT2X2_ASM
    if (R->x16 && n % 8 == 0) {
        attn__unpack_x16(R->x16, x, n);
        return R->x16;
    }
#else
    (void)x;
    (void)n;
#endif
    (void)R;
    return NULL;
}

/* The attention block on m rows (1 or 2: tokens i, i+1) in place. With
   kv_new (a step, m = 1) the row's key and value are made first. R: nrm,
   q, blk [m][d]; scores [max(n_keys, m*d)] int32 (the residuals' too). */
static void attn__att_block_s8(int8_t *rows, int m, int i, const attn__att_s8 *A,
                               int8_t *const *kv_new, const attn_encoder_cfg *cfg,
                               const attn__rows_s8 *R)
{
    int dm = cfg->d_model;
    size_t d = (size_t)dm;
    const int8_t *src = rows;
    if (cfg->norm_first) {
        int t;
        for (t = 0; t < m; t++)
            attn__layernorm_row_s8(R->nrm + (size_t)t * d, rows + (size_t)t * d, 0, dm, A->norm);
        src = R->nrm;
    }
    if (m == 1) {
        const uint32_t *x16 = attn__x16_of(R, src, dm);
        if (kv_new) {
            attn__linear_row_x16(kv_new[0], src, x16, &A->p->k, dm, dm, R->plain);
            attn__linear_row_x16(kv_new[1], src, x16, &A->p->v, dm, dm, R->plain);
        }
        attn__linear_row_x16(R->q, src, x16, &A->p->q, dm, dm, R->plain);
    } else {
        attn__linear_rows_s8(R->q, src, &A->p->q, m, dm, dm);
    }
    attn__attend_rows_s8(R->q, R->q, m, i, A->k, A->v, A->pad, A->n_keys, dm, cfg->n_heads,
                         A->causal, A->window, &A->p->sdpa, R->scores);
    if (m == 1)
        attn__linear_row_x16(R->blk, R->q, attn__x16_of(R, R->q, dm), &A->p->o, dm, dm, R->plain);
    else
        attn__linear_rows_s8(R->blk, R->q, &A->p->o, m, dm, dm);
    attn__residual_s8(rows, R->blk, R->scores, m, A->add, A->norm, dm, cfg->norm_first);
}

/* A feed-forward block's parameters. */
typedef struct {
    const attn_linear_s8_params *ff1, *ff2;
    const int8_t *gelu_table;
    const attn_add_s8_params *add;
    const attn_layernorm_s8_params *norm;
} attn__ff_s8;

static attn__ff_s8 attn__ff_of_s8(const attn_linear_s8_params *ff1, const int8_t *gelu_table,
                                  const attn_linear_s8_params *ff2, const attn_add_s8_params *add,
                                  const attn_layernorm_s8_params *norm)
{
    attn__ff_s8 F;
    F.ff1 = ff1;
    F.ff2 = ff2;
    F.gelu_table = gelu_table;
    F.add = add;
    F.norm = norm;
    return F;
}

/* The feed-forward block on m rows in place (R as for the attention
   block; hid [m][d_ff]). */
static void attn__ff_block_s8(int8_t *rows, int m, const attn__ff_s8 *F,
                              const attn_encoder_cfg *cfg, const attn__rows_s8 *R)
{
    int dm = cfg->d_model, ff = cfg->d_ff;
    size_t d = (size_t)dm;
    const int8_t *src = rows;
    if (cfg->norm_first) {
        int t;
        for (t = 0; t < m; t++)
            attn__layernorm_row_s8(R->nrm + (size_t)t * d, rows + (size_t)t * d, 0, dm, F->norm);
        src = R->nrm;
    }
    if (m == 1)
        attn__linear_row_x16(R->hid, src, attn__x16_of(R, src, dm), F->ff1, dm, ff, R->plain);
    else
        attn__linear_rows_s8(R->hid, src, F->ff1, m, dm, ff);
    if (cfg->activation != ATTN_ACT_RELU) attn_lut_s8(R->hid, R->hid, m * ff, F->gelu_table);
    if (m == 1)
        attn__linear_row_x16(R->blk, R->hid, attn__x16_of(R, R->hid, ff), F->ff2, ff, dm,
                             R->plain);
    else
        attn__linear_rows_s8(R->blk, R->hid, F->ff2, m, ff, dm);
    attn__residual_s8(rows, R->blk, R->scores, m, F->add, F->norm, dm, cfg->norm_first);
}

/* Takes the rows (x16 for a step: 2 bytes per input of its widest row). */
static attn__rows_s8 attn__take_rows_s8(attn_arena *arena, size_t P, size_t d, size_t n_keys,
                                        size_t ff, int step)
{
    attn__rows_s8 R;
    size_t pd = P * d;
    R.nrm = (int8_t *)attn__take(arena, pd);
    R.q = (int8_t *)attn__take(arena, pd);
    R.blk = (int8_t *)attn__take(arena, pd);
    R.scores = (int32_t *)attn__take(arena, (n_keys > pd ? n_keys : pd) * sizeof(int32_t));
    R.hid = (int8_t *)attn__take(arena, P * ff);
    R.x16 = step ? (uint32_t *)attn__take(arena, 2 * (d > ff ? d : ff)) : NULL;
    R.plain = 0;
    return R;
}

static void attn__size_rows_s8(attn__size *s, size_t P, size_t d, size_t n_keys, size_t ff,
                               int step)
{
    size_t pd = P * d;
    attn__size_add(s, pd, 1, 1);                                       /* normed rows   */
    attn__size_add(s, pd, 1, 1);                                       /* q / context   */
    attn__size_add(s, pd, 1, 1);                                       /* block outputs */
    attn__size_add(s, n_keys > pd ? n_keys : pd, 1, sizeof(int32_t)); /* scores, then residuals */
    attn__size_add(s, P, ff, 1);                                       /* FF hidden     */
    if (step) attn__size_add(s, 2, d > ff ? d : ff, 1);                /* unpacked row  */
}

/* ---- encoder ----------------------------------------------------------------- */

/* The layer itself; arguments checked and scratch available. Two tokens
   at a time (one if seq is 1): the projections and the feed-forward then
   take two rows per call, which the DSP cores run as two rows by two
   channels. */
static void attn__encoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                   const attn_encoder_cfg *cfg,
                                   const attn_encoder_layer_s8_params *p, attn_arena *arena)
{
    int dm = cfg->d_model, i;
    size_t d = (size_t)dm, mark = arena->used, P = seq >= 2 ? 2 : 1;
    int8_t *k = (int8_t *)attn__take(arena, (size_t)seq * d);              /* [seq][d] */
    int8_t *v = (int8_t *)attn__take(arena, (size_t)seq * d);              /* [seq][d] */
    attn__rows_s8 R = attn__take_rows_s8(arena, P, d, (size_t)seq, (size_t)cfg->d_ff, 0);
    attn__att_s8 A = attn__att_of_s8(&p->attn, &p->add1, &p->norm1, k, v, key_padding, seq,
                                     cfg->causal, cfg->window);
    attn__ff_s8 F = attn__ff_of_s8(&p->ff1, p->gelu_table, &p->ff2, &p->add2, &p->norm2);
    attn__kv_rows_s8(k, v, x, seq, &A, cfg->norm_first, dm, R.nrm);
    for (i = 0; i < seq; i += (int)P) {
        int8_t *rows = x + (size_t)i * d; /* tokens i .. i + m - 1 */
        int m = seq - i < (int)P ? seq - i : (int)P;
        attn__att_block_s8(rows, m, i, &A, NULL, cfg, &R);
        attn__ff_block_s8(rows, m, &F, cfg, &R);
    }
    arena->used = mark;
}

/* The same for a pre-norm layer whose row 0 has its own adds and norms
   (c0, attn_cls_layer_s8_params): every key and value first (row 0's LN1
   its own), then row 0 alone, then the other rows in pairs. (Its own
   function: the plain layer's code stays as it was.) */
ATTN__NOINLINE void attn__encoder_layer_cls_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                               const attn_encoder_cfg *cfg,
                                               const attn_encoder_layer_s8_params *p,
                                               const attn_cls_layer_s8_params *c0,
                                               attn_arena *arena)
{
    int dm = cfg->d_model, i;
    size_t d = (size_t)dm, mark = arena->used, P = seq >= 2 ? 2 : 1;
    int8_t *k = (int8_t *)attn__take(arena, (size_t)seq * d);              /* [seq][d] */
    int8_t *v = (int8_t *)attn__take(arena, (size_t)seq * d);              /* [seq][d] */
    attn__rows_s8 R = attn__take_rows_s8(arena, P, d, (size_t)seq, (size_t)cfg->d_ff, 0);
    attn__att_s8 A = attn__att_of_s8(&p->attn, &p->add1, &p->norm1, k, v, key_padding, seq,
                                     cfg->causal, cfg->window);
    attn__ff_s8 F = attn__ff_of_s8(&p->ff1, p->gelu_table, &p->ff2, &p->add2, &p->norm2);
    attn__att_s8 A0 = A;
    attn__ff_s8 F0 = F;
    A0.add = &c0->add1;
    A0.norm = &c0->norm1;
    F0.add = &c0->add2;
    F0.norm = &c0->norm2;
    attn__kv_rows_s8(k, v, x, 1, &A0, 1, dm, R.nrm);
    attn__kv_rows_s8(k + d, v + d, x + d, seq - 1, &A, 1, dm, R.nrm);
    attn__att_block_s8(x, 1, 0, &A0, NULL, cfg, &R);
    attn__ff_block_s8(x, 1, &F0, cfg, &R);
    for (i = 1; i < seq; i += (int)P) {
        int8_t *rows = x + (size_t)i * d; /* tokens i .. i + m - 1 */
        int m = seq - i < (int)P ? seq - i : (int)P;
        attn__att_block_s8(rows, m, i, &A, NULL, cfg, &R);
        attn__ff_block_s8(rows, m, &F, cfg, &R);
    }
    arena->used = mark;
}

/* NULL, SHAPE, RANGE (enums), TOO_LARGE: everything before the parameter
   values, which are read only once the sizes are known to be sane. */
static attn_status attn__encoder_check_s8(const int8_t *x, int seq, int n_layers,
                                          const attn_encoder_cfg *cfg, const attn_arena *arena)
{
    attn_status st;
    if (!x || !cfg || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq) || attn__dim_bad(n_layers)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__encoder_size_s8(cfg, seq).overflow ? ATTN_ERR_TOO_LARGE : ATTN_OK;
}

ATTN_DEF attn_status attn_encoder_layer_scratch_s8(const attn_encoder_cfg *cfg, int seq,
                                                   size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__encoder_size_s8(cfg, seq), bytes);
}

ATTN_DEF attn_status attn_encoder_scratch_s8(const attn_encoder_cfg *cfg, int seq, size_t *bytes)
{
    return attn_encoder_layer_scratch_s8(cfg, seq, bytes);
}

ATTN_DEF attn_status attn_encoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                           const attn_encoder_cfg *cfg,
                                           const attn_encoder_layer_s8_params *p,
                                           attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!p || (cfg && !attn__layer_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check_s8(x, seq, 1, cfg, arena)) != ATTN_OK) return st;
    if (!attn__layer_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    need = attn__encoder_size_s8(cfg, seq);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__encoder_layer_s8(x, seq, key_padding, cfg, p, arena);
    return ATTN_OK;
}

static void attn__encoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                             const attn_encoder_cfg *cfg, const attn_encoder_s8_params *p,
                             attn_arena *arena)
{
    int l;
    for (l = 0; l < p->n_layers; l++)
        attn__encoder_layer_s8(x, seq, key_padding, cfg, &p->layers[l], arena);
    if (p->final_norm)
        for (l = 0; l < seq; l++) {
            int8_t *row = x + (size_t)l * (size_t)cfg->d_model;
            attn__layernorm_row_s8(row, row, 0, cfg->d_model, &p->norm);
        }
}

/* The same with row 0 at its own encoding (a pre-norm model's CLS row, c:
   attn_cls_row_s8_params). */
ATTN__NOINLINE void attn__encoder_cls_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                         const attn_encoder_cfg *cfg,
                                         const attn_encoder_s8_params *p,
                                         const attn_cls_row_s8_params *c, attn_arena *arena)
{
    int l;
    for (l = 0; l < p->n_layers; l++)
        attn__encoder_layer_cls_s8(x, seq, key_padding, cfg, &p->layers[l], &c->layers[l], arena);
    if (p->final_norm)
        for (l = 0; l < seq; l++) {
            int8_t *row = x + (size_t)l * (size_t)cfg->d_model;
            attn__layernorm_row_s8(row, row, 0, cfg->d_model, l == 0 ? &c->norm : &p->norm);
        }
}

ATTN_DEF attn_status attn_encoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                     const attn_encoder_cfg *cfg, const attn_encoder_s8_params *p,
                                     attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!p || (cfg && !attn__stack_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__encoder_check_s8(x, seq, p->n_layers, cfg, arena)) != ATTN_OK) return st;
    if (!attn__stack_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    need = attn__encoder_size_s8(cfg, seq);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__encoder_s8(x, seq, key_padding, cfg, p, arena);
    return ATTN_OK;
}

/* ---- whole model --------------------------------------------------------------- */

/* The zero point of the stack's output (what pooling and the head read). */
static int32_t attn__encoder_out_zp_s8(const attn_encoder_s8_params *p, int norm_first)
{
    const attn_encoder_layer_s8_params *last = &p->layers[p->n_layers - 1];
    if (p->final_norm) return p->norm.out_zp;
    return norm_first ? last->add2.out_zp : last->norm2.out_zp;
}

/* The model's shape and enum rules with the int8 encoder's (NULL, SHAPE,
   RANGE in that order). */
static attn_status attn__model_check_s8(const attn_model_cfg *c, int seq, int n_layers)
{
    attn_status st = attn__check_encoder_cfg_s8(&c->encoder);
    if (st == ATTN_ERR_SHAPE) return st;
    if (attn__model_shape_check(c, seq, n_layers) != ATTN_OK || c->d_in > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__model_enums_check(c);
}

ATTN_DEF attn_status attn_model_scratch_s8(const attn_model_cfg *cfg, int seq, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__model_check_s8(cfg, seq, 1)) != ATTN_OK) return st;
    return attn__size_result(attn__model_size_s8(cfg, seq), bytes);
}

static void attn__final_norm_s8(int8_t *x, int n, int d, const attn_layernorm_s8_params *norm)
{
    int l;
    for (l = 0; l < n; l++) {
        int8_t *row = x + (size_t)l * (size_t)d;
        attn__layernorm_row_s8(row, row, 0, d, norm);
    }
}

/* The CLS row's own encoding if the model has one and reads it (see
   attn_cls_row_s8_params), else NULL. */
static const attn_cls_row_s8_params *attn__cls_row_s8(const attn_model_cfg *cfg,
                                                      const attn_model_s8_params *p)
{
    return p->cls_row && cfg->cls_token && cfg->encoder.norm_first && !cfg->embed_norm ? p->cls_row
                                                                                      : NULL;
}

/* An int8 front end's tensors (attn_model_s8_params', or a seq2seq's
   source). */
typedef struct {
    const attn_linear_s8_params *embed;
    const int8_t *cls, *tokens, *segments, *pos;
    const attn_add_s8_params *seg_add, *pos_add;
    const attn_layernorm_s8_params *norm;
    const attn_cls_row_s8_params *cls_row; /* a model's CLS row at its own
                                              encoding (x0 has its position), or NULL */
} attn__front_s8;

/* The front end in int8 (as attn__front_run_f32): x [rows][d]. */
ATTN__NOINLINE void attn__front_run_s8(int8_t *x, const int8_t *input, const int *tokens,
                                       const int *segments, int seq, const attn_model_cfg *cfg,
                                       const attn__front_s8 *p, attn_arena *arena)
{
    int dm = cfg->encoder.d_model, rows = attn__model_rows(cfg, seq), i;
    size_t d = (size_t)dm;
    int8_t *y = x + (cfg->cls_token ? d : 0);
    const attn_cls_row_s8_params *c = p->cls_row;
    if (cfg->cls_token) memcpy(x, c ? c->x0 : p->cls, d);
    if (tokens) {
        for (i = 0; i < seq; i++) {
            int8_t *r = y + (size_t)i * d;
            memcpy(r, p->tokens + (size_t)tokens[i] * d, d);
            if (cfg->n_segments > 0)
                attn__add_row_s8(r, r, p->segments + (size_t)(segments ? segments[i] : 0) * d,
                                 dm, p->seg_add);
        }
    } else if (cfg->patch > 0) {
        size_t P = (size_t)cfg->patch, H = (size_t)cfg->image_h, W = (size_t)cfg->image_w;
        int8_t *pr = (int8_t *)attn__take(arena, (size_t)cfg->d_in);
        int gw = cfg->image_w / cfg->patch;
        for (i = 0; i < seq; i++) {
            size_t py = (size_t)(i / gw) * P, px = (size_t)(i % gw) * P, ch, ky;
            int8_t *o = pr;
            for (ch = 0; ch < (size_t)cfg->channels; ch++)
                for (ky = 0; ky < P; ky++, o += P) memcpy(o, input + (ch * H + py + ky) * W + px, P);
            attn__linear_row_s8(y + (size_t)i * d, pr, p->embed, cfg->d_in, dm);
        } /* pr stays taken (the scratch query counts it) */
    } else if (cfg->d_in > 0) {
        attn__linear_rows_s8(y, input, p->embed, seq, cfg->d_in, dm); /* all rows in one call */
    } else {
        memcpy(y, input, (size_t)seq * d);
    }
    /* positions: a table of int8 rows added with pos_add (not to an own
       encoding's CLS row: x0 holds its position) */
    if (cfg->position != ATTN_POS_NONE)
        for (i = c ? 1 : 0; i < rows; i++)
            attn__add_row_s8(x + (size_t)i * d, x + (size_t)i * d, p->pos + (size_t)i * d, dm,
                             p->pos_add);
    if (cfg->embed_norm) attn__final_norm_s8(x, rows, dm, p->norm);
}

/* The model's (out of line, with its table of tensors). */
ATTN__NOINLINE void attn__model_front_s8(int8_t *x, const int8_t *input, const int *tokens,
                                 const int *segments, int seq, const attn_model_cfg *cfg,
                                 const attn_model_s8_params *p, attn_arena *arena)
{
    attn__front_s8 f;
    f.embed = &p->embed;
    f.cls = p->cls_token;
    f.tokens = p->token_embed;
    f.segments = p->segment_embed;
    f.pos = p->pos;
    f.seg_add = &p->segment_add;
    f.pos_add = &p->pos_add;
    f.norm = &p->embed_norm;
    f.cls_row = attn__cls_row_s8(cfg, p);
    attn__front_run_s8(x, input, tokens, segments, seq, cfg, &f, arena);
}

/* The CLS row's own encoding (NULL: none), its pointers (values 0) or its
   values (values 1) sound. */
static int attn__cls_row_ok(const attn_cls_row_s8_params *r, const attn_encoder_s8_params *e,
                            int dm, int values)
{
    int l;
    if (!r) return 1;
    if (!values && (!r->x0 || !r->layers || (e->final_norm && !r->norm.gamma))) return 0;
    if (values && e->final_norm && !attn__norm_values_ok(&r->norm, dm)) return 0;
    for (l = 0; l < e->n_layers; l++) {
        const attn_cls_layer_s8_params *t = &r->layers[l];
        if (!values && (!t->norm1.gamma || !t->norm2.gamma)) return 0;
        if (values && !(attn__add_values_ok(&t->add1) && attn__add_values_ok(&t->add2) &&
                        attn__norm_values_ok(&t->norm1, dm) && attn__norm_values_ok(&t->norm2, dm)))
            return 0;
    }
    return 1;
}

/* The pointers and values an int8 model's cfg needs. */
static attn_status attn__model_params_s8(const attn_model_cfg *c, const attn_model_s8_params *p,
                                         int tokens, int check_values)
{
    int dm = c->encoder.d_model;
    if (!check_values) {
        if (!attn__linear_ptrs_ok(&p->cls) || (c->position != ATTN_POS_NONE && !p->pos) ||
            !attn__stack_ptrs_ok(&p->encoder, c->encoder.activation) ||
            !attn__cls_row_ok(attn__cls_row_s8(c, p), &p->encoder, dm, 0) ||
            (c->cls_token && !p->cls_token) || (c->pooling == ATTN_POOL_ATTENTION && !p->pool_w) ||
            (c->embed_norm && !p->embed_norm.gamma))
            return ATTN_ERR_NULL;
        if (tokens)
            return p->token_embed && (c->n_segments == 0 || p->segment_embed) ? ATTN_OK
                                                                                : ATTN_ERR_NULL;
        return c->d_in == 0 || attn__linear_ptrs_ok(&p->embed) ? ATTN_OK : ATTN_ERR_NULL;
    }
    if (!attn__stack_values_ok(&p->encoder, &c->encoder) ||
        !attn__linear_values_ok(&p->cls, c->n_classes) ||
        (!tokens && c->d_in > 0 && !attn__linear_values_ok(&p->embed, dm)) ||
        (c->position != ATTN_POS_NONE && !attn__add_values_ok(&p->pos_add)) ||
        (tokens && c->n_segments > 0 && !attn__add_values_ok(&p->segment_add)) ||
        (c->embed_norm && !attn__norm_values_ok(&p->embed_norm, dm)) ||
        (c->pooling == ATTN_POOL_ATTENTION && !attn__sdpa_values_ok(&p->pool)) ||
        !attn__cls_row_ok(attn__cls_row_s8(c, p), &p->encoder, dm, 1))
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

/* Every check of an int8 model call, in the documented order (out of line:
   its frame is gone before the model runs). */
ATTN__NOINLINE attn_status attn__model_checks_s8(const int8_t *logits, const int8_t *input,
                                                 const int *tokens, const int *segments, int seq,
                                                 const attn_model_cfg *cfg,
                                                 const attn_model_s8_params *p,
                                                 const attn_arena *arena)
{
    attn__size need;
    attn_status st;
    if (!logits || !(input || tokens) || !cfg || !p || !arena) return ATTN_ERR_NULL;
    if ((st = attn__model_params_s8(cfg, p, tokens != NULL, 0)) != ATTN_OK) return st;
    st = attn__model_check_s8(cfg, seq, p->encoder.n_layers);
    if (st != ATTN_ERR_SHAPE && tokens && (attn__dim_bad(cfg->vocab) || cfg->patch != 0))
        st = ATTN_ERR_SHAPE; /* the token entry's shapes, before any range error */
    if (st != ATTN_OK) return st;
    if (tokens && (st = attn__model_tokens_check(cfg, tokens, segments, seq)) != ATTN_OK)
        return st;
    need = attn__model_size_s8(cfg, seq);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    if ((st = attn__model_params_s8(cfg, p, tokens != NULL, 1)) != ATTN_OK) return st;
    return attn__check_scratch(&need, arena);
}

ATTN__NOINLINE void attn__model_s8(int8_t *logits, const int8_t *input, const int *tokens,
                                   const int *segments, int seq, const uint8_t *key_padding,
                                   const attn_model_cfg *cfg, const attn_model_s8_params *p,
                                   attn_arena *arena)
{
    size_t mark, d;
    int8_t *x, *pooled;
    const uint8_t *pad = key_padding;
    int dm, rows;
    mark = arena->used;
    dm = cfg->encoder.d_model;
    d = (size_t)dm;
    rows = attn__model_rows(cfg, seq);
    x = (int8_t *)attn__take(arena, (size_t)rows * d);
    if (cfg->cls_token) { /* the padding of the encoder's rows: row 0 never */
        uint8_t *pp = (uint8_t *)attn__take(arena, (size_t)rows);
        pp[0] = 0;
        if (key_padding) memcpy(pp + 1, key_padding, (size_t)seq);
        pad = key_padding ? pp : NULL;
    }
    attn__model_front_s8(x, input, tokens, segments, seq, cfg, p, arena);
    /* encoder stack */
    if (attn__cls_row_s8(cfg, p))
        attn__encoder_cls_s8(x, rows, pad, &cfg->encoder, &p->encoder, p->cls_row, arena);
    else
        attn__encoder_s8(x, rows, pad, &cfg->encoder, &p->encoder, arena);
    /* pooling and head */
    pooled = (int8_t *)attn__take(arena, d);
    if (cfg->pooling == ATTN_POOL_ATTENTION) {
        memcpy(pooled, p->pool_w, d); /* the query, replaced by the pooled row */
        attn__attend_rows_s8(pooled, pooled, 1, 0, x, x, pad, rows, dm, 1, 0, 0, &p->pool,
                             (int32_t *)attn__take(arena, (size_t)rows * 4));
    } else {
        attn_pool_s8(pooled, x, pad, cfg->pooling, rows, dm,
                     attn__encoder_out_zp_s8(&p->encoder, cfg->encoder.norm_first));
    }
    attn__linear_row_s8(logits, pooled, &p->cls, dm, cfg->n_classes);
    arena->used = mark;
}

static attn_status attn__model_entry_s8(int8_t *logits, const int8_t *input, const int *tokens,
                                        const int *segments, int seq, const uint8_t *key_padding,
                                        const attn_model_cfg *cfg, const attn_model_s8_params *p,
                                        attn_arena *arena)
{
    attn_status st = attn__model_checks_s8(logits, input, tokens, segments, seq, cfg, p, arena);
    if (st == ATTN_OK) attn__model_s8(logits, input, tokens, segments, seq, key_padding, cfg, p, arena);
    return st;
}

ATTN_DEF attn_status attn_model_s8(int8_t *logits, const int8_t *input, int seq,
                                   const uint8_t *key_padding, const attn_model_cfg *cfg,
                                   const attn_model_s8_params *p, attn_arena *arena)
{
    if (!input) return ATTN_ERR_NULL;
    return attn__model_entry_s8(logits, input, NULL, NULL, seq, key_padding, cfg, p, arena);
}

ATTN_DEF attn_status attn_model_tokens_s8(int8_t *logits, const int *tokens, const int *segments,
                                          int seq, const uint8_t *key_padding,
                                          const attn_model_cfg *cfg,
                                          const attn_model_s8_params *p, attn_arena *arena)
{
    if (!tokens) return ATTN_ERR_NULL;
    return attn__model_entry_s8(logits, NULL, tokens, segments, seq, key_padding, cfg, p, arena);
}

ATTN_DEF attn_status attn_pool_attention_s8(int8_t *out, const int8_t *x,
                                            const uint8_t *key_padding, const int8_t *w,
                                            const attn_sdpa_s8_params *p, int seq, int d_model,
                                            attn_arena *arena)
{
    attn__size need = {0, 0};
    attn_status st;
    size_t mark;
    int8_t *q;
    if (!out || !x || !w || !p || !arena) return ATTN_ERR_NULL;
    if (d_model > ATTN__S8_MAX_IN) return ATTN_ERR_SHAPE; /* (a shape, before TOO_LARGE) */
    if ((st = attn__check_bytes(seq, d_model)) != ATTN_OK) return st;
    if (!attn__sdpa_values_ok(p)) return ATTN_ERR_RANGE;
    attn__size_add(&need, (size_t)d_model, 1, 1);
    attn__size_add(&need, (size_t)seq, 1, 4);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    mark = arena->used;
    q = (int8_t *)attn__take(arena, (size_t)d_model);
    memcpy(q, w, (size_t)d_model);
    attn__attend_rows_s8(q, q, 1, 0, x, x, key_padding, seq, d_model, 1, 0, 0, p,
                         (int32_t *)attn__take(arena, (size_t)seq * 4));
    memcpy(out, q, (size_t)d_model);
    arena->used = mark;
    return ATTN_OK;
}


/* ---- int8 decoder -------------------------------------------------------------- */

static int attn__dec_layer_ptrs_ok(const attn_decoder_layer_s8_params *p, attn_activation act)
{
    return attn__mha_ptrs_ok(&p->self_attn) && attn__mha_ptrs_ok(&p->cross_attn) &&
           attn__linear_ptrs_ok(&p->ff1) && attn__linear_ptrs_ok(&p->ff2) && p->norm1.gamma &&
           p->norm2.gamma && p->norm3.gamma && (act == ATTN_ACT_RELU || p->gelu_table);
}

static int attn__dec_layer_values_ok(const attn_decoder_layer_s8_params *p,
                                     const attn_decoder_cfg *c)
{
    int d = c->d_model;
    return attn__mha_values_ok(&p->self_attn, d) && attn__mha_values_ok(&p->cross_attn, d) &&
           attn__add_values_ok(&p->add1) && attn__add_values_ok(&p->add2) &&
           attn__add_values_ok(&p->add3) &&
           (c->norm_first || (attn__add_wide_ok(&p->add1) && attn__add_wide_ok(&p->add2) &&
                              attn__add_wide_ok(&p->add3))) &&
           attn__norm_values_ok(&p->norm1, d) && attn__norm_values_ok(&p->norm2, d) &&
           attn__norm_values_ok(&p->norm3, d) && attn__linear_values_ok(&p->ff1, c->d_ff) &&
           attn__linear_values_ok(&p->ff2, d);
}

static int attn__dec_stack_ptrs_ok(const attn_decoder_s8_params *p, attn_activation act)
{
    int l;
    if (!p->layers || (p->final_norm && !p->norm.gamma)) return 0;
    for (l = 0; l < p->n_layers; l++)
        if (!attn__dec_layer_ptrs_ok(&p->layers[l], act)) return 0;
    return 1;
}

static int attn__dec_stack_values_ok(const attn_decoder_s8_params *p, const attn_decoder_cfg *c)
{
    int l;
    for (l = 0; l < p->n_layers; l++)
        if (!attn__dec_layer_values_ok(&p->layers[l], c)) return 0;
    return !p->final_norm || attn__norm_values_ok(&p->norm, c->d_model);
}

static attn__size attn__decoder_size_s8(const attn_decoder_cfg *c, int seq, int mem_len)
{
    attn__size s = {0, 0};
    size_t d = (size_t)c->d_model, P = seq >= 2 ? 2 : 1;
    attn__size_add(&s, (size_t)seq, d, 1);     /* self K   */
    attn__size_add(&s, (size_t)seq, d, 1);     /* self V   */
    attn__size_add(&s, (size_t)mem_len, d, 1); /* memory K */
    attn__size_add(&s, (size_t)mem_len, d, 1); /* memory V */
    attn__size_rows_s8(&s, P, d, (size_t)(seq > mem_len ? seq : mem_len), (size_t)c->d_ff, 0);
    return s;
}

static void attn__decoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                   const int8_t *memory, int mem_len,
                                   const uint8_t *memory_padding, const attn_decoder_cfg *cfg,
                                   const attn_decoder_layer_s8_params *p, attn_arena *arena)
{
    int dm = cfg->d_model, i;
    size_t d = (size_t)dm, mark = arena->used, P = seq >= 2 ? 2 : 1, mem = (size_t)mem_len;
    int8_t *k = (int8_t *)attn__take(arena, (size_t)seq * d);
    int8_t *v = (int8_t *)attn__take(arena, (size_t)seq * d);
    int8_t *mk = (int8_t *)attn__take(arena, mem * d);
    int8_t *mv = (int8_t *)attn__take(arena, mem * d);
    attn__rows_s8 R = attn__take_rows_s8(arena, P, d, (size_t)(seq > mem_len ? seq : mem_len),
                                         (size_t)cfg->d_ff, 0);
    attn__att_s8 A = attn__att_of_s8(&p->self_attn, &p->add1, &p->norm1, k, v, key_padding, seq,
                                     cfg->causal, cfg->window);
    attn__att_s8 C = attn__att_of_s8(&p->cross_attn, &p->add2, &p->norm2, mk, mv, memory_padding,
                                     mem_len, 0, 0);
    attn__ff_s8 F = attn__ff_of_s8(&p->ff1, p->gelu_table, &p->ff2, &p->add3, &p->norm3);
    attn__kv_rows_s8(k, v, x, seq, &A, cfg->norm_first, dm, R.nrm);
    attn__kv_rows_s8(mk, mv, memory, mem_len, &C, 0, dm, R.nrm);
    for (i = 0; i < seq; i += (int)P) {
        int8_t *rows = x + (size_t)i * d;
        int m = seq - i < (int)P ? seq - i : (int)P;
        attn__att_block_s8(rows, m, i, &A, NULL, cfg, &R);
        attn__att_block_s8(rows, m, i, &C, NULL, cfg, &R);
        attn__ff_block_s8(rows, m, &F, cfg, &R);
    }
    arena->used = mark;
}

static attn_status attn__decoder_check_s8(const int8_t *x, int seq, const int8_t *memory,
                                          int mem_len, int n_layers, const attn_decoder_cfg *cfg,
                                          const attn_arena *arena)
{
    attn_status st;
    if (!x || !memory || !cfg || !arena) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq) || attn__dim_bad(mem_len) || attn__dim_bad(n_layers))
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__decoder_size_s8(cfg, seq, mem_len).overflow ? ATTN_ERR_TOO_LARGE : ATTN_OK;
}

ATTN_DEF attn_status attn_decoder_layer_scratch_s8(const attn_decoder_cfg *cfg, int seq,
                                                   int mem_len, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(seq) || attn__dim_bad(mem_len)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__decoder_size_s8(cfg, seq, mem_len), bytes);
}

ATTN_DEF attn_status attn_decoder_scratch_s8(const attn_decoder_cfg *cfg, int seq, int mem_len,
                                             size_t *bytes)
{
    return attn_decoder_layer_scratch_s8(cfg, seq, mem_len, bytes);
}

ATTN_DEF attn_status attn_decoder_layer_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                           const int8_t *memory, int mem_len,
                                           const uint8_t *memory_padding,
                                           const attn_decoder_cfg *cfg,
                                           const attn_decoder_layer_s8_params *p,
                                           attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!p || (cfg && !attn__dec_layer_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__decoder_check_s8(x, seq, memory, mem_len, 1, cfg, arena)) != ATTN_OK)
        return st;
    if (!attn__dec_layer_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    need = attn__decoder_size_s8(cfg, seq, mem_len);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__decoder_layer_s8(x, seq, key_padding, memory, mem_len, memory_padding, cfg, p, arena);
    return ATTN_OK;
}


ATTN_DEF attn_status attn_decoder_s8(int8_t *x, int seq, const uint8_t *key_padding,
                                     const int8_t *memory, int mem_len,
                                     const uint8_t *memory_padding, const attn_decoder_cfg *cfg,
                                     const attn_decoder_s8_params *p, attn_arena *arena)
{
    attn_status st;
    attn__size need;
    int l;
    if (!p || (cfg && !attn__dec_stack_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__decoder_check_s8(x, seq, memory, mem_len, p->n_layers, cfg, arena)) !=
        ATTN_OK)
        return st;
    if (!attn__dec_stack_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    need = attn__decoder_size_s8(cfg, seq, mem_len);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    for (l = 0; l < p->n_layers; l++)
        attn__decoder_layer_s8(x, seq, key_padding, memory, mem_len, memory_padding, cfg,
                               &p->layers[l], arena);
    if (p->final_norm) attn__final_norm_s8(x, seq, cfg->d_model, &p->norm);
    return ATTN_OK;
}

/* ---- int8 generation ------------------------------------------------------------ */

static int attn__att_plain_s8(const attn_mha_s8_params *p, int d)
{
    return attn__lin_params_plain(&p->q, d) && attn__lin_params_plain(&p->k, d) &&
           attn__lin_params_plain(&p->v, d) && attn__lin_params_plain(&p->o, d);
}

/* Whether every linear layer a step of the stack runs is plain. */
static int attn__stack_plain_s8(const attn_encoder_s8_params *p, const attn_encoder_cfg *c)
{
    int l;
    for (l = 0; l < p->n_layers; l++) {
        const attn_encoder_layer_s8_params *q = &p->layers[l];
        if (!attn__att_plain_s8(&q->attn, c->d_model) || !attn__lin_params_plain(&q->ff1, c->d_ff) ||
            !attn__lin_params_plain(&q->ff2, c->d_model))
            return 0;
    }
    return 1;
}

static int attn__dec_plain_s8(const attn_decoder_s8_params *p, const attn_decoder_cfg *c)
{
    int l;
    for (l = 0; l < p->n_layers; l++) {
        const attn_decoder_layer_s8_params *q = &p->layers[l];
        if (!attn__att_plain_s8(&q->self_attn, c->d_model) ||
            !attn__att_plain_s8(&q->cross_attn, c->d_model) ||
            !attn__lin_params_plain(&q->ff1, c->d_ff) || !attn__lin_params_plain(&q->ff2, c->d_model))
            return 0;
    }
    return 1;
}

static attn__size attn__step_size_s8(const attn_encoder_cfg *c, int max_len, int max_mem)
{
    attn__size s = {0, 0};
    attn__size_rows_s8(&s, 1, (size_t)c->d_model,
                       (size_t)(max_len > max_mem ? max_len : max_mem), (size_t)c->d_ff, 1);
    return s;
}

static void attn__memory_s8(attn_kv_cache *c, const int8_t *memory, int mem_len,
                            const uint8_t *memory_padding, const attn_decoder_s8_params *p)
{
    size_t lm = (size_t)c->max_mem * (size_t)c->d_model;
    int l;
    for (l = 0; l < p->n_layers; l++) {
        const attn_mha_s8_params *a = &p->layers[l].cross_attn;
        attn__linear_rows_s8((int8_t *)c->mem_k + (size_t)l * lm, memory, &a->k, mem_len,
                             c->d_model, c->d_model);
        attn__linear_rows_s8((int8_t *)c->mem_v + (size_t)l * lm, memory, &a->v, mem_len,
                             c->d_model, c->d_model);
    }
    attn__cache_set_memory(c, mem_len, memory_padding);
}

ATTN_DEF attn_status attn_decoder_memory_s8(attn_kv_cache *cache, const int8_t *memory,
                                            int mem_len, const uint8_t *memory_padding,
                                            const attn_decoder_cfg *cfg,
                                            const attn_decoder_s8_params *p)
{
    attn_status st, sc;
    if (!cache || !memory || !cfg || !p) return ATTN_ERR_NULL;
    if (!attn__dec_stack_ptrs_ok(p, cfg->activation)) return ATTN_ERR_NULL;
    if ((sc = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return sc;
    if (attn__dim_bad(mem_len) || attn__dim_bad(p->n_layers)) return ATTN_ERR_SHAPE;
    if ((st = attn__cache_check(cache, 1, p->n_layers, cfg->d_model)) != ATTN_OK) return st;
    if (mem_len > cache->max_mem) return ATTN_ERR_SHAPE;
    if (sc != ATTN_OK) return sc;
    if (!attn__dec_stack_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    attn__memory_s8(cache, memory, mem_len, memory_padding, p);
    cache->checked = p;
    cache->plain = attn__dec_plain_s8(p, cfg);
    return ATTN_OK;
}

/* One token through a stack (dec, else the encoder stack enc), in place. */
static void attn__step_s8(int8_t *x, attn_kv_cache *c, const attn_encoder_cfg *cfg,
                          const attn_decoder_s8_params *dec, const attn_encoder_s8_params *enc,
                          int ns, attn_arena *arena)
{
    size_t d = (size_t)cfg->d_model, mark = arena->used, lk = (size_t)c->max_len * d,
           lm = (size_t)c->max_mem * d, at = (size_t)c->len * d;
    int l, n_layers;
    const attn_layernorm_s8_params *fin;
    attn__rows_s8 R;
    attn__att_s8 A; /* one block's at a time */
    attn__ff_s8 F;
    if (dec) {
        n_layers = dec->n_layers;
        fin = dec->final_norm ? &dec->norm : NULL;
    } else if (enc) {
        n_layers = enc->n_layers;
        fin = enc->final_norm ? &enc->norm : NULL;
    } else {
        return;
    }
    R = attn__take_rows_s8(arena, 1, d, (size_t)ns, (size_t)cfg->d_ff, 1);
    R.plain = c->plain;
    for (l = 0; l < n_layers; l++) {
        int8_t *kc = (int8_t *)c->k + (size_t)l * lk, *vc = (int8_t *)c->v + (size_t)l * lk;
        int8_t *kv[2];
        kv[0] = kc + at;
        kv[1] = vc + at;
        if (dec) {
            const attn_decoder_layer_s8_params *p = &dec->layers[l];
            A = attn__att_of_s8(&p->self_attn, &p->add1, &p->norm1, kc, vc, NULL, c->len + 1, 0,
                                cfg->window);
            attn__att_block_s8(x, 1, c->len, &A, kv, cfg, &R);
            A = attn__att_of_s8(&p->cross_attn, &p->add2, &p->norm2,
                                (const int8_t *)c->mem_k + (size_t)l * lm,
                                (const int8_t *)c->mem_v + (size_t)l * lm,
                                c->mem_padded ? c->mem_padding : NULL, c->mem_len, 0, 0);
            attn__att_block_s8(x, 1, 0, &A, NULL, cfg, &R);
            F = attn__ff_of_s8(&p->ff1, p->gelu_table, &p->ff2, &p->add3, &p->norm3);
        } else {
            const attn_encoder_layer_s8_params *p = &enc->layers[l];
            A = attn__att_of_s8(&p->attn, &p->add1, &p->norm1, kc, vc, NULL, c->len + 1, 0,
                                cfg->window);
            attn__att_block_s8(x, 1, c->len, &A, kv, cfg, &R);
            F = attn__ff_of_s8(&p->ff1, p->gelu_table, &p->ff2, &p->add2, &p->norm2);
        }
        attn__ff_block_s8(x, 1, &F, cfg, &R);
    }
    if (fin) attn__final_norm_s8(x, 1, cfg->d_model, fin);
    c->len++;
    arena->used = mark;
}

/* NULL, SHAPE, RANGE, FULL; then the caller checks the values (RANGE)
   unless the cache trusts them, then attn__step_room_s8. */
static attn_status attn__step_check_s8(const int8_t *x, const attn_kv_cache *c,
                                       const attn_encoder_cfg *cfg, int n_layers, int dec,
                                       const attn_arena *arena)
{
    attn_status st, sc;
    if (!x || !c || !cfg || !arena) return ATTN_ERR_NULL;
    if ((sc = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return sc;
    if (attn__dim_bad(n_layers)) return ATTN_ERR_SHAPE;
    if ((st = attn__cache_check(c, 1, n_layers, cfg->d_model)) != ATTN_OK) return st;
    if (dec && c->mem_len == 0) return ATTN_ERR_SHAPE;
    if (sc != ATTN_OK) return sc;
    if (!cfg->causal) return ATTN_ERR_RANGE;
    if (c->len >= c->max_len) return ATTN_ERR_FULL;
    return ATTN_OK;
}

/* After the values: TOO_LARGE, ARENA. */
static attn_status attn__step_room_s8(const attn_kv_cache *c, const attn_encoder_cfg *cfg, int dec,
                                      const attn_arena *arena)
{
    attn__size need = attn__step_size_s8(cfg, c->max_len, dec ? c->max_mem : 0);
    return attn__check_scratch(&need, arena);
}


ATTN_DEF attn_status attn_decoder_step_scratch_s8(const attn_decoder_cfg *cfg, int max_len,
                                                  int max_mem, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(max_len) || attn__dim_bad(max_mem)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__step_size_s8(cfg, max_len, max_mem), bytes);
}

ATTN_DEF attn_status attn_decoder_step_s8(int8_t *x, attn_kv_cache *cache,
                                          const attn_decoder_cfg *cfg,
                                          const attn_decoder_s8_params *p, attn_arena *arena)
{
    attn_status st;
    if (!p || (cfg && !attn__dec_stack_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__step_check_s8(x, cache, cfg, p->n_layers, 1, arena)) != ATTN_OK) return st;
    if (cache->checked != p && !attn__dec_stack_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    if ((st = attn__step_room_s8(cache, cfg, 1, arena)) != ATTN_OK) return st;
    if (cache->checked != p) cache->plain = attn__dec_plain_s8(p, cfg);
    cache->checked = p;
    attn__step_s8(x, cache, cfg, p, NULL, attn__step_keys(cache, 1, ATTN_MAX_DIM, ATTN_MAX_DIM),
                  arena);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_encoder_step_scratch_s8(const attn_encoder_cfg *cfg, int max_len,
                                                  size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(max_len)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__step_size_s8(cfg, max_len, 0), bytes);
}

ATTN_DEF attn_status attn_encoder_step_s8(int8_t *x, attn_kv_cache *cache,
                                          const attn_encoder_cfg *cfg,
                                          const attn_encoder_s8_params *p, attn_arena *arena)
{
    attn_status st;
    if (!p || (cfg && !attn__stack_ptrs_ok(p, cfg->activation))) return ATTN_ERR_NULL;
    if ((st = attn__step_check_s8(x, cache, cfg, p->n_layers, 0, arena)) != ATTN_OK) return st;
    if (cache->checked != p && !attn__stack_values_ok(p, cfg)) return ATTN_ERR_RANGE;
    if ((st = attn__step_room_s8(cache, cfg, 0, arena)) != ATTN_OK) return st;
    if (cache->checked != p) cache->plain = attn__stack_plain_s8(p, cfg);
    cache->checked = p;
    attn__step_s8(x, cache, cfg, NULL, p, attn__step_keys(cache, 0, ATTN_MAX_DIM, 0), arena);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_argmax_s8(int *index, const int8_t *x, int n)
{
    int i, best = 0;
    if (!index || !x) return ATTN_ERR_NULL;
    if (attn__dim_bad(n)) return ATTN_ERR_SHAPE;
    for (i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    *index = best;
    return ATTN_OK;
}

/* The index of the largest output of a linear layer on one row, from its
   int32 sums requantized with 8 more fraction bits than the int8 outputs
   have (the first on ties): greedy decoding's argmax, which int8 logits
   would tie wherever two differ by less than one step of their scale.
   With a channel whose shift is above 22 (no room for 8 more bits), the
   argmax of the int8 outputs (into y [out]). */
static int attn__linear_argmax_s8(int8_t *y, const int8_t *x, const attn_linear_s8_params *p,
                                  int in, int out)
{
    attn__lin L;
    int o, best = 0;
    int32_t bv = 0;
    attn__lin_init(&L, p);
    for (o = 0; o < out; o++)
        if (L.rq[o].shift > 22) break;
    if (o < out) {
        attn__linear_row_s8(y, x, p, in, out);
        attn_argmax_s8(&best, y, out);
        return best;
    }
    for (o = 0; o < out; o++) {
        int32_t acc = attn__dot_s8(x, L.w + (size_t)o * (size_t)in, in, L.off), v;
        attn_qmul m = L.rq[o];
        if (L.bias) acc = attn__qadd(acc, L.bias[o]);
        m.shift += 8;
        v = attn__requant(acc, m);
        if (o == 0 || v > bv) {
            bv = v;
            best = o;
        }
    }
    return best;
}

/* ---- int8 encoder-decoder and decoder-only models ------------------------------- */

/* x [d] = table[token] (+ position p through pos_add). */
static void attn__embed_row_s8(int8_t *x, const int8_t *table, int token, int p,
                               const int8_t *pos, const attn_add_s8_params *pos_add, int d)
{
    memcpy(x, table + (size_t)token * (size_t)d, (size_t)d);
    if (pos) attn__add_row_s8(x, x, pos + (size_t)p * (size_t)d, d, pos_add);
}

/* The int8 shape rules of both stacks as well as the float ones. */
static attn_status attn__s2s_cfg_check_s8(const attn_seq2seq_cfg *c, int n_enc, int n_dec)
{
    return attn__s2s_rules(c, n_enc, n_dec, attn__check_encoder_cfg_s8(&c->encoder),
                           attn__check_encoder_cfg_s8(&c->decoder));
}

/* The pointers and values of a model, but of a source's front end (the
   plain encode and greedy refuse one; the rest check it apart: their
   code stays out of a plain-source firmware). */
static int attn__s2s_ptrs_ok_s8(const attn_seq2seq_cfg *c, const attn_seq2seq_s8_params *p)
{
    return (c->src_d_in > 0 || p->src_embed != NULL) && p->tgt_embed &&
           attn__linear_ptrs_ok(&p->out) &&
           (c->position == ATTN_POS_NONE || (p->src_pos && p->tgt_pos)) &&
           (!c->embed_norm || (p->src_embed_norm.gamma && p->tgt_embed_norm.gamma)) &&
           attn__stack_ptrs_ok(&p->encoder, c->encoder.activation) &&
           attn__dec_stack_ptrs_ok(&p->decoder, c->decoder.activation);
}

static int attn__s2s_values_ok_s8(const attn_seq2seq_cfg *c, const attn_seq2seq_s8_params *p)
{
    return attn__stack_values_ok(&p->encoder, &c->encoder) &&
           attn__dec_stack_values_ok(&p->decoder, &c->decoder) &&
           attn__linear_values_ok(&p->out, c->tgt_vocab) &&
           (c->position == ATTN_POS_NONE ||
            (attn__add_values_ok(&p->src_pos_add) && attn__add_values_ok(&p->tgt_pos_add))) &&
           (!c->embed_norm || (attn__norm_values_ok(&p->src_embed_norm, c->encoder.d_model) &&
                               attn__norm_values_ok(&p->tgt_embed_norm, c->decoder.d_model)));
}

/* A source front end's pointers (values 0) or values (values 1). */
ATTN__NOINLINE int attn__s2s_front_ok_s8(const attn_seq2seq_cfg *c, const attn_seq2seq_s8_params *p,
                                         int values)
{
    if (!values)
        return (c->src_d_in == 0 || attn__linear_ptrs_ok(&p->src_in)) &&
               (!c->src_cls_token || p->src_cls_token) &&
               (c->src_segments == 0 || p->src_segment_embed);
    return (c->src_d_in == 0 || attn__linear_values_ok(&p->src_in, c->encoder.d_model)) &&
           (c->src_segments == 0 || attn__add_values_ok(&p->src_segment_add)) &&
           attn__s2s_values_ok_s8(c, p);
}

/* After the pointers: SHAPE and RANGE of the cfg and the cache. */
static attn_status attn__s2s_check_rest_s8(const attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                           const attn_seq2seq_s8_params *p)
{
    attn_status st, sc;
    sc = attn__s2s_cfg_check_s8(cfg, p->encoder.n_layers, p->decoder.n_layers);
    if (sc == ATTN_ERR_SHAPE) return sc;
    if ((st = attn__cache_check(cache, 1, p->decoder.n_layers, cfg->decoder.d_model)) != ATTN_OK)
        return st;
    return sc;
}

static attn_status attn__s2s_check_s8(const attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                      const attn_seq2seq_s8_params *p)
{
    if (!cache || !cfg || !p) return ATTN_ERR_NULL;
    if (!attn__s2s_ptrs_ok_s8(cfg, p)) return ATTN_ERR_NULL;
    return attn__s2s_check_rest_s8(cache, cfg, p);
}

/* The same with a source's front end (every call but the plain encode and
   greedy). */
static attn_status attn__s2s_check_any_s8(const attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p)
{
    if (!cache || !cfg || !p) return ATTN_ERR_NULL;
    if (!attn__s2s_ptrs_ok_s8(cfg, p) || !attn__s2s_front_ok_s8(cfg, p, 0)) return ATTN_ERR_NULL;
    if (attn__s2s_counts_bad(cfg)) return ATTN_ERR_SHAPE;
    return attn__s2s_check_rest_s8(cache, cfg, p);
}

static attn__size attn__s2s_encode_size_s8(const attn_seq2seq_cfg *c, int rows)
{
    attn__size s = attn__encoder_size_s8(&c->encoder, rows);
    attn__size_add(&s, (size_t)rows, (size_t)c->encoder.d_model, 1); /* x */
    return s; /* (an image's patch: attn__s2s_front_size) */
}

static attn__size attn__s2s_step_size_s8(const attn_seq2seq_cfg *c, int max_len, int max_mem,
                                         int logits)
{
    attn__size s = attn__step_size_s8(&c->decoder, max_len, max_mem);
    attn__size_add(&s, (size_t)c->decoder.d_model, 1, 1); /* x row */
    if (logits) attn__size_add(&s, (size_t)c->tgt_vocab, 1, 1);
    return s;
}

ATTN_DEF attn_status attn_seq2seq_scratch_s8(const attn_seq2seq_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    st = attn__s2s_cfg_check_s8(cfg, 1, 1);
    if (st != ATTN_ERR_SHAPE && attn__s2s_counts_bad(cfg)) st = ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(
        attn__size_max(attn__s2s_front_size(attn__s2s_encode_size_s8(cfg, cfg->max_src), cfg,
                                            cfg->max_src, 1),
                       attn__s2s_step_size_s8(cfg, cfg->max_tgt, cfg->max_src, 1)),
        bytes);
}

static void attn__s2s_encode_s8(attn_kv_cache *cache, const int *src, int src_len,
                                const attn_seq2seq_cfg *cfg, const attn_seq2seq_s8_params *p,
                                attn_arena *arena)
{
    int d = cfg->encoder.d_model, i;
    size_t mark = arena->used;
    int8_t *x = (int8_t *)attn__take(arena, (size_t)src_len * (size_t)d);
    for (i = 0; i < src_len; i++)
        attn__embed_row_s8(x + (size_t)i * (size_t)d, p->src_embed, src[i], i, p->src_pos,
                           &p->src_pos_add, d);
    if (cfg->embed_norm) attn__final_norm_s8(x, src_len, d, &p->src_embed_norm);
    attn__encoder_s8(x, src_len, NULL, &cfg->encoder, &p->encoder, arena);
    attn__memory_s8(cache, x, src_len, NULL, &p->decoder);
    arena->used = mark;
}

/* The checks shared by encode and greedy after attn__s2s_check_s8. */
static attn_status attn__s2s_src_check_s8(const attn_kv_cache *cache, const int *src, int src_len,
                                          const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p)
{
    if (!attn__tokens_ok(src, src_len, cfg->src_vocab)) return ATTN_ERR_RANGE;
    (void)cache;
    return attn__s2s_values_ok_s8(cfg, p) ? ATTN_OK : ATTN_ERR_RANGE;
}

ATTN_DEF attn_status attn_seq2seq_encode_s8(attn_kv_cache *cache, const int *src, int src_len,
                                            const attn_seq2seq_cfg *cfg,
                                            const attn_seq2seq_s8_params *p, attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!src || !arena) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check_s8(cache, cfg, p)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE)
        return st;
    if (attn__dim_bad(src_len) || src_len > cfg->max_src || src_len > cache->max_mem ||
        attn__s2s_front(cfg))
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if ((st = attn__s2s_src_check_s8(cache, src, src_len, cfg, p)) != ATTN_OK) return st;
    need = attn__s2s_encode_size_s8(cfg, src_len);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    attn__s2s_encode_s8(cache, src, src_len, cfg, p, arena);
    cache->checked = p;
    cache->plain = attn__dec_plain_s8(&p->decoder, &cfg->decoder);
    return ATTN_OK;
}

/* One step: the int8 logits, or (next != NULL) the wide argmax of them
   (attn__linear_argmax_s8; logits then [tgt_vocab] scratch). */
static void attn__s2s_step_s8(int8_t *logits, int *next, int token, attn_kv_cache *cache,
                              const attn_seq2seq_cfg *cfg, const attn_seq2seq_s8_params *p,
                              attn_arena *arena)
{
    int d = cfg->decoder.d_model;
    size_t mark = arena->used;
    int8_t *x = (int8_t *)attn__take(arena, (size_t)d);
    attn__embed_row_s8(x, p->tgt_embed, token, cache->len, p->tgt_pos, &p->tgt_pos_add, d);
    if (cfg->embed_norm) attn__final_norm_s8(x, 1, d, &p->tgt_embed_norm);
    attn__step_s8(x, cache, &cfg->decoder, &p->decoder, NULL,
                  attn__step_keys(cache, 1, cfg->max_tgt, cfg->max_src), arena);
    if (next)
        *next = attn__linear_argmax_s8(logits, x, &p->out, d, cfg->tgt_vocab);
    else
        attn__linear_row_s8(logits, x, &p->out, d, cfg->tgt_vocab);
    arena->used = mark;
}

/* attn_seq2seq_step_s8 (next NULL: logits) and attn_seq2seq_next_s8
   (next: its logits row taken from the arena): the checks, then the step. */
static attn_status attn__s2s_one_s8(int8_t *logits, int *next, int token, attn_kv_cache *cache,
                                    const attn_seq2seq_cfg *cfg, const attn_seq2seq_s8_params *p,
                                    attn_arena *arena)
{
    attn_status st;
    attn__size need;
    size_t mark;
    if (!arena) return ATTN_ERR_NULL; /* (logits or next checked by the caller) */
    if ((st = attn__s2s_check_any_s8(cache, cfg, p)) != ATTN_OK) return st;
    if (cache->mem_len == 0) return ATTN_ERR_SHAPE;
    if (token < 0 || token >= cfg->tgt_vocab) return ATTN_ERR_RANGE;
    if (cache->len >= cache->max_len || cache->len >= cfg->max_tgt) return ATTN_ERR_FULL;
    if (cache->checked != p && !attn__s2s_front_ok_s8(cfg, p, 1)) return ATTN_ERR_RANGE;
    need = attn__s2s_step_size_s8(cfg, attn__step_keys(cache, 0, cfg->max_tgt, 0),
                                  attn__step_keys(cache, 1, 0, cfg->max_src), next != NULL);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    if (cache->checked != p) cache->plain = attn__dec_plain_s8(&p->decoder, &cfg->decoder);
    cache->checked = p;
    mark = arena->used;
    if (next) logits = (int8_t *)attn__take(arena, (size_t)cfg->tgt_vocab);
    attn__s2s_step_s8(logits, next, token, cache, cfg, p, arena);
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_seq2seq_step_s8(int8_t *logits, int token, attn_kv_cache *cache,
                                          const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p, attn_arena *arena)
{
    if (!logits) return ATTN_ERR_NULL;
    return attn__s2s_one_s8(logits, NULL, token, cache, cfg, p, arena);
}

ATTN_DEF attn_status attn_seq2seq_next_s8(int *next, int token, attn_kv_cache *cache,
                                          const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p, attn_arena *arena)
{
    if (!next) return ATTN_ERR_NULL;
    return attn__s2s_one_s8(NULL, next, token, cache, cfg, p, arena);
}

ATTN_DEF attn_status attn_seq2seq_greedy_s8(int *out, int *n_out, int max_out, const int *src,
                                            int src_len, int bos, int eos, attn_kv_cache *cache,
                                            const attn_seq2seq_cfg *cfg,
                                            const attn_seq2seq_s8_params *p, attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!out || !n_out || !src || !arena) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check_s8(cache, cfg, p)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE)
        return st;
    if (attn__dim_bad(src_len) || src_len > cfg->max_src || src_len > cache->max_mem ||
        attn__dim_bad(max_out) || max_out > cache->max_len || max_out > cfg->max_tgt ||
        attn__s2s_front(cfg))
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (bos < 0 || bos >= cfg->tgt_vocab) return ATTN_ERR_RANGE;
    if ((st = attn__s2s_src_check_s8(cache, src, src_len, cfg, p)) != ATTN_OK) return st;
    need = attn__size_max(attn__s2s_encode_size_s8(cfg, src_len),
                          attn__s2s_step_size_s8(cfg, attn__step_keys(cache, 0, cfg->max_tgt, 0),
                                                 attn__step_keys(cache, 1, 0, cfg->max_src), 1));
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    attn__s2s_encode_s8(cache, src, src_len, cfg, p, arena);
    cache->checked = p;
    cache->plain = attn__dec_plain_s8(&p->decoder, &cfg->decoder);
    { /* the loop, in this frame (the stack bound) */
        size_t mark = arena->used;
        int8_t *logits = (int8_t *)attn__take(arena, (size_t)cfg->tgt_vocab);
        int n = 0, tok = bos, next = 0;
        while (n < max_out) {
            attn__s2s_step_s8(logits, &next, tok, cache, cfg, p, arena);
            if (next == eos) break;
            out[n++] = next;
            tok = next;
        }
        *n_out = n;
        arena->used = mark;
    }
    return ATTN_OK;
}

/* The source through its front end in int8 (out of line, with the
   source's cfg and tensors). */
ATTN__NOINLINE void attn__s2s_front_s8(int8_t *x, const int8_t *input, const int *src,
                                       const int *segments, int src_len,
                                       const attn_seq2seq_cfg *cfg,
                                       const attn_seq2seq_s8_params *p, attn_arena *arena)
{
    attn_model_cfg m;
    attn__front_s8 f;
    attn__s2s_src_cfg(&m, cfg);
    f.embed = &p->src_in;
    f.cls = p->src_cls_token;
    f.tokens = p->src_embed;
    f.segments = p->src_segment_embed;
    f.pos = p->src_pos;
    f.seg_add = &p->src_segment_add;
    f.pos_add = &p->src_pos_add;
    f.norm = &p->src_embed_norm;
    f.cls_row = NULL; /* (the model's; a memory's CLS row is one of its rows) */
    attn__front_run_s8(x, input, src, segments, src_len, &m, &f, arena);
}

/* encode_ex's checks, in the documented order (out of line). */
ATTN__NOINLINE attn_status attn__s2s_ex_check_s8(const attn_kv_cache *cache, const int8_t *input,
                                                 const int *src, const int *segments,
                                                 int src_len, const attn_seq2seq_cfg *cfg,
                                                 const attn_seq2seq_s8_params *p,
                                                 const attn_arena *arena)
{
    attn_status st;
    attn__size need;
    int rows;
    if (!arena || !input == !src) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check_any_s8(cache, cfg, p)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE)
        return st;
    if (attn__dim_bad(src_len) ||
        attn__s2s_src_rules(cfg, src, segments, src_len, p->encoder.n_layers, 0) != ATTN_OK ||
        (input && cfg->src_d_in == 0) || cfg->src_d_in > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    rows = src_len + (cfg->src_cls_token != 0); /* (<= max_src: the rules) */
    if (rows > cache->max_mem) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if ((st = attn__s2s_src_rules(cfg, src, segments, src_len, 0, 1)) != ATTN_OK) return st;
    need = attn__s2s_front_size(attn__s2s_encode_size_s8(cfg, rows), cfg, src_len, 1);
    if (need.overflow) return ATTN_ERR_TOO_LARGE;
    if (!attn__s2s_front_ok_s8(cfg, p, 1)) return ATTN_ERR_RANGE;
    return attn__check_scratch(&need, arena);
}

ATTN_DEF attn_status attn_seq2seq_encode_ex_s8(attn_kv_cache *cache, const int8_t *input,
                                               const int *src, const int *segments, int src_len,
                                               const attn_seq2seq_cfg *cfg,
                                               const attn_seq2seq_s8_params *p, attn_arena *arena)
{
    attn_status st = attn__s2s_ex_check_s8(cache, input, src, segments, src_len, cfg, p, arena);
    int d, rows;
    size_t mark;
    int8_t *x;
    if (st != ATTN_OK) return st;
    d = cfg->encoder.d_model;
    rows = src_len + (cfg->src_cls_token != 0);
    mark = arena->used;
    x = (int8_t *)attn__take(arena, (size_t)rows * (size_t)d);
    attn__s2s_front_s8(x, input, src, segments, src_len, cfg, p, arena);
    attn__encoder_s8(x, rows, NULL, &cfg->encoder, &p->encoder, arena);
    attn__memory_s8(cache, x, rows, NULL, &p->decoder);
    arena->used = mark;
    cache->checked = p;
    cache->plain = attn__dec_plain_s8(&p->decoder, &cfg->decoder);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_seq2seq_generate_s8(int *out, int *n_out, int max_out, int bos, int eos,
                                              attn_kv_cache *cache, const attn_seq2seq_cfg *cfg,
                                              const attn_seq2seq_s8_params *p, attn_arena *arena)
{
    attn_status st;
    attn__size need;
    if (!out || !n_out || !arena) return ATTN_ERR_NULL;
    if ((st = attn__s2s_check_any_s8(cache, cfg, p)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE)
        return st;
    if (attn__dim_bad(max_out) || max_out > cache->max_len || max_out > cfg->max_tgt ||
        cache->mem_len == 0)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (bos < 0 || bos >= cfg->tgt_vocab) return ATTN_ERR_RANGE;
    if (cache->checked != p && !attn__s2s_front_ok_s8(cfg, p, 1)) return ATTN_ERR_RANGE;
    need = attn__s2s_step_size_s8(cfg, attn__step_keys(cache, 0, cfg->max_tgt, 0),
                                  attn__step_keys(cache, 1, 0, cfg->max_src), 1);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    cache->len = 0; /* (the memory stays) */
    cache->checked = p;
    cache->plain = attn__dec_plain_s8(&p->decoder, &cfg->decoder);
    { /* greedy's loop, in this frame (the stack bound) */
        size_t mark = arena->used;
        int8_t *logits = (int8_t *)attn__take(arena, (size_t)cfg->tgt_vocab);
        int n = 0, tok = bos, next = 0;
        while (n < max_out) {
            attn__s2s_step_s8(logits, &next, tok, cache, cfg, p, arena);
            if (next == eos) break;
            out[n++] = next;
            tok = next;
        }
        *n_out = n;
        arena->used = mark;
    }
    return ATTN_OK;
}

static attn_status attn__lm_check_s8(const attn_kv_cache *cache, const attn_lm_cfg *cfg,
                                     const attn_lm_s8_params *p)
{
    attn_status st, sc;
    if (!cache || !cfg || !p) return ATTN_ERR_NULL;
    if (!p->embed || !attn__linear_ptrs_ok(&p->out) || (cfg->position != ATTN_POS_NONE && !p->pos) ||
        (cfg->embed_norm && !p->embed_norm.gamma) ||
        !attn__stack_ptrs_ok(&p->layers, cfg->layers.activation))
        return ATTN_ERR_NULL;
    sc = attn__check_encoder_cfg_s8(&cfg->layers);
    if (sc == ATTN_ERR_SHAPE || attn__dim_bad(cfg->vocab) || attn__dim_bad(cfg->max_len) ||
        attn__dim_bad(p->layers.n_layers))
        return ATTN_ERR_SHAPE;
    if ((st = attn__cache_check(cache, 1, p->layers.n_layers, cfg->layers.d_model)) != ATTN_OK)
        return st;
    if (sc != ATTN_OK) return sc;
    if ((cfg->position != ATTN_POS_NONE && cfg->position != ATTN_POS_SINUSOIDAL &&
         cfg->position != ATTN_POS_LEARNED) ||
        !attn__scale_ok(cfg->embed_scale) || !cfg->layers.causal)
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

static int attn__lm_values_ok_s8(const attn_lm_cfg *c, const attn_lm_s8_params *p)
{
    return attn__stack_values_ok(&p->layers, &c->layers) &&
           attn__linear_values_ok(&p->out, c->vocab) &&
           (c->position == ATTN_POS_NONE || attn__add_values_ok(&p->pos_add)) &&
           (!c->embed_norm || attn__norm_values_ok(&p->embed_norm, c->layers.d_model));
}

static attn__size attn__lm_step_size_s8(const attn_lm_cfg *c, int max_len, int logits)
{
    attn__size s = attn__step_size_s8(&c->layers, max_len, 0);
    attn__size_add(&s, (size_t)c->layers.d_model, 1, 1);
    if (logits) attn__size_add(&s, (size_t)c->vocab, 1, 1);
    return s;
}

ATTN_DEF attn_status attn_lm_scratch_s8(const attn_lm_cfg *cfg, size_t *bytes)
{
    attn_status st;
    if (!cfg || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__check_encoder_cfg_s8(&cfg->layers)) == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(cfg->vocab) || attn__dim_bad(cfg->max_len)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    return attn__size_result(attn__lm_step_size_s8(cfg, cfg->max_len, 1), bytes);
}

static void attn__lm_step_s8(int8_t *logits, int *next, int token, attn_kv_cache *cache,
                             const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                             attn_arena *arena)
{
    int d = cfg->layers.d_model;
    size_t mark = arena->used;
    int8_t *x = (int8_t *)attn__take(arena, (size_t)d);
    attn__embed_row_s8(x, p->embed, token, cache->len,
                       cfg->position != ATTN_POS_NONE ? p->pos : NULL, &p->pos_add, d);
    if (cfg->embed_norm) attn__final_norm_s8(x, 1, d, &p->embed_norm);
    attn__step_s8(x, cache, &cfg->layers, NULL, &p->layers,
                  attn__step_keys(cache, 0, cfg->max_len, 0), arena);
    if (next)
        *next = attn__linear_argmax_s8(logits, x, &p->out, d, cfg->vocab);
    else
        attn__linear_row_s8(logits, x, &p->out, d, cfg->vocab);
    arena->used = mark;
}

/* attn_lm_step_s8 and attn_lm_next_s8, as attn__s2s_one_s8. */
static attn_status attn__lm_one_s8(int8_t *logits, int *next, int token, attn_kv_cache *cache,
                                   const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                                   attn_arena *arena)
{
    attn_status st;
    attn__size need;
    size_t mark;
    if (!arena) return ATTN_ERR_NULL; /* (logits or next checked by the caller) */
    if ((st = attn__lm_check_s8(cache, cfg, p)) != ATTN_OK) return st;
    if (token < 0 || token >= cfg->vocab) return ATTN_ERR_RANGE;
    if (cache->len >= cache->max_len || cache->len >= cfg->max_len) return ATTN_ERR_FULL;
    if (cache->checked != p && !attn__lm_values_ok_s8(cfg, p)) return ATTN_ERR_RANGE;
    need = attn__lm_step_size_s8(cfg, attn__step_keys(cache, 0, cfg->max_len, 0), next != NULL);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;
    if (cache->checked != p) cache->plain = attn__stack_plain_s8(&p->layers, &cfg->layers);
    cache->checked = p;
    mark = arena->used;
    if (next) logits = (int8_t *)attn__take(arena, (size_t)cfg->vocab);
    attn__lm_step_s8(logits, next, token, cache, cfg, p, arena);
    arena->used = mark;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_lm_step_s8(int8_t *logits, int token, attn_kv_cache *cache,
                                     const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                                     attn_arena *arena)
{
    if (!logits) return ATTN_ERR_NULL;
    return attn__lm_one_s8(logits, NULL, token, cache, cfg, p, arena);
}

ATTN_DEF attn_status attn_lm_next_s8(int *next, int token, attn_kv_cache *cache,
                                     const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                                     attn_arena *arena)
{
    if (!next) return ATTN_ERR_NULL;
    return attn__lm_one_s8(NULL, next, token, cache, cfg, p, arena);
}

ATTN_DEF attn_status attn_lm_greedy_s8(int *out, int *n_out, int max_out, const int *prompt,
                                       int prompt_len, int eos, attn_kv_cache *cache,
                                       const attn_lm_cfg *cfg, const attn_lm_s8_params *p,
                                       attn_arena *arena)
{
    attn_status st;
    attn__size need;
    size_t mark;
    int8_t *logits;
    int n = 0, i, next = 0;
    if (!out || !n_out || !prompt || !arena) return ATTN_ERR_NULL;
    if ((st = attn__lm_check_s8(cache, cfg, p)) == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE)
        return st;
    if (attn__dim_bad(prompt_len) || attn__dim_bad(max_out) ||
        prompt_len - 1 > cache->max_len - max_out || prompt_len - 1 > cfg->max_len - max_out)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (!attn__tokens_ok(prompt, prompt_len, cfg->vocab) || !attn__lm_values_ok_s8(cfg, p))
        return ATTN_ERR_RANGE;
    need = attn__lm_step_size_s8(cfg, attn__step_keys(cache, 0, cfg->max_len, 0), 1);
    if ((st = attn__check_scratch(&need, arena)) != ATTN_OK) return st;

    cache->len = 0;
    cache->checked = p;
    cache->plain = attn__stack_plain_s8(&p->layers, &cfg->layers);
    mark = arena->used;
    logits = (int8_t *)attn__take(arena, (size_t)cfg->vocab);
    for (i = 0; i < prompt_len; i++)
        attn__lm_step_s8(logits, i + 1 == prompt_len ? &next : NULL, prompt[i], cache, cfg, p,
                         arena);
    for (;;) {
        if (next == eos) break;
        out[n++] = next;
        if (n == max_out) break;
        attn__lm_step_s8(logits, &next, next, cache, cfg, p, arena);
    }
    *n_out = n;
    arena->used = mark;
    return ATTN_OK;
}

#endif /* ATTN_NO_INT8 */

#if !defined(ATTN_NO_INT8) && !defined(ATTN_NO_FLOAT)

/* ---- quantizer --------------------------------------------------------------- */

static double attn__round_d(double x)
{
    return x >= 0.0 ? floor(x + 0.5) : -floor(-x + 0.5);
}

ATTN_DEF attn_status attn_quantize_multiplier(double f, attn_qmul *m)
{
    int e;
    double fr;
    int64_t q;
    if (!m) return ATTN_ERR_NULL;
    if (f != f || f >= 1073741824.0 || f <= -1073741824.0) return ATTN_ERR_RANGE;
    m->multiplier = 0;
    m->shift = 0;
    if (f == 0.0) return ATTN_OK;
    fr = frexp(f, &e); /* f = fr * 2^e, 0.5 <= |fr| < 1 */
    if (e < -31) {
        /* below the smallest shift: fewer bits of multiplier, f * 2^62
           rounded once (not fr * 2^31 rounded and then shifted) */
        q = e < -93 ? 0 : (int64_t)attn__round_d(ldexp(f, 62));
        e = -31;
    } else {
        q = (int64_t)attn__round_d(fr * 2147483648.0);
        if (q == ((int64_t)1 << 31) || q == -((int64_t)1 << 31)) {
            q /= 2;
            e++;
        }
        if (e > 30) { /* 2^30 - 1/4 <= |f| < 2^30: the closest is the largest */
            q = q > 0 ? INT32_MAX : -INT32_MAX;
            e = 30;
        }
    }
    if (q == 0) return ATTN_OK;
    m->multiplier = (int32_t)q;
    m->shift = e;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_choose_qparams(float min, float max, attn_qparams *q)
{
    double lo = min < 0.0f ? (double)min : 0.0, hi = max > 0.0f ? (double)max : 0.0, scale;
    if (!q) return ATTN_ERR_NULL;
    if (min != min || max != max || min > max || hi - lo > 3e38) return ATTN_ERR_RANGE;
    scale = (hi - lo) / 255.0;
    if (scale < 1e-12) scale = 1e-12; /* an all-zero tensor: any scale will do */
    q->scale = (float)scale;
    q->zero_point = (int32_t)attn__round_d(-128.0 - lo / (double)q->scale);
    if (q->zero_point < -128) q->zero_point = -128;
    if (q->zero_point > 127) q->zero_point = 127;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_quantize_s8(int8_t *y, const float *x, int n, attn_qparams q)
{
    int i;
    if (!y || !x) return ATTN_ERR_NULL;
    if (attn__dim_bad(n)) return ATTN_ERR_SHAPE;
    if (!(q.scale > 0.0f) || !attn__zp_ok(q.zero_point)) return ATTN_ERR_RANGE;
    for (i = 0; i < n; i++) {
        double v = attn__round_d((double)x[i] / (double)q.scale) + q.zero_point;
        y[i] = (int8_t)(v < -128.0 ? -128 : v > 127.0 ? 127 : (v == v ? (int)v : q.zero_point));
    }
    return ATTN_OK;
}

ATTN_DEF attn_status attn_dequantize_s8(float *y, const int8_t *x, int n, attn_qparams q)
{
    int i;
    if (!y || !x) return ATTN_ERR_NULL;
    if (attn__dim_bad(n)) return ATTN_ERR_SHAPE;
    if (!(q.scale > 0.0f) || !attn__zp_ok(q.zero_point)) return ATTN_ERR_RANGE;
    for (i = 0; i < n; i++) y[i] = q.scale * (float)(x[i] - q.zero_point);
    return ATTN_OK;
}

/* Chains the steps below: the first error sticks. */
typedef struct {
    attn_status st;
    attn_arena *store;
} attn__quant;

/* The encoding of a watched tensor: ATTN_ERR_RANGE (sticking in z) if the
   calibration saw a NaN or an infinity there or a range wider than float;
   the result is then defined all the same (scale 1, zero point 0) and
   unused. A tensor never seen (lo > hi) is taken as all zero. */
static attn_qparams attn__qparams_of(attn__quant *z, attn__range r)
{
    attn_qparams q;
    attn_status st = r.bad != 0.0f ? ATTN_ERR_RANGE
                                   : attn_choose_qparams(r.lo <= r.hi ? r.lo : 0.0f,
                                                         r.lo <= r.hi ? r.hi : 0.0f, &q);
    if (st != ATTN_OK) {
        q.scale = 1.0f;
        q.zero_point = 0;
        if (z->st == ATTN_OK) z->st = st;
    }
    return q;
}

/* |x| finite for each of x[0..n) (NULL: nothing to check) */
static int attn__finite_all(const float *x, size_t n)
{
    size_t i;
    if (!x) return 1;
    for (i = 0; i < n; i++)
        if (!(x[i] - x[i] == 0.0f)) return 0;
    return 1;
}

static void attn__qfinite(attn__quant *z, const float *x, size_t n)
{
    if (z->st == ATTN_OK && !attn__finite_all(x, n)) z->st = ATTN_ERR_RANGE;
}

/* The store bytes the steps below take, in the same aligned blocks. */
static void attn__qsize_linear(attn__size *s, int in, int out, const float *b)
{
    attn__size_add(s, (size_t)out, (size_t)in, 1);                 /* weights    */
    if (b) attn__size_add(s, (size_t)out, 1, sizeof(int32_t));      /* bias       */
    attn__size_add(s, (size_t)out, 1, sizeof(attn_qmul));           /* requant    */
    attn__size_add(s, (size_t)out, 1, sizeof(int32_t));             /* fused bias */
}

static void attn__qsize_norm(attn__size *s, int d)
{
    attn__size_add(s, (size_t)d, 1, sizeof(attn_qmul));
    attn__size_add(s, (size_t)d, 1, sizeof(int32_t));
}

static void attn__qsize_stack(attn__size *s, const attn_encoder_cfg *c,
                              const attn_encoder_weights_f32 *w)
{
    int l, d = c->d_model;
    attn__size_add(s, (size_t)w->n_layers, 1, sizeof(attn_encoder_layer_s8_params));
    for (l = 0; l < w->n_layers && !s->overflow; l++) {
        const attn_encoder_layer_weights_f32 *lw = &w->layers[l];
        attn__qsize_linear(s, d, d, lw->attn.bq);
        attn__qsize_linear(s, d, d, lw->attn.bk);
        attn__qsize_linear(s, d, d, lw->attn.bv);
        attn__qsize_linear(s, d, d, lw->attn.bo);
        attn__qsize_norm(s, d);
        attn__qsize_norm(s, d);
        attn__qsize_linear(s, d, c->d_ff, lw->ff1_b);
        if (c->activation != ATTN_ACT_RELU) attn__size_add(s, 256, 1, 1);
        attn__qsize_linear(s, c->d_ff, d, lw->ff2_b);
    }
    if (w->final_norm) attn__qsize_norm(s, d);
}

/* Where a quantizer's two arenas stood when it began. */
typedef struct {
    size_t scratch_used, scratch_hw, store_used, store_hw;
} attn__quant_marks;

static attn__quant_marks attn__quant_begin(const attn_arena *scratch, const attn_arena *store)
{
    attn__quant_marks m;
    m.scratch_used = scratch->used;
    m.scratch_hw = scratch->high_water;
    m.store_used = store->used;
    m.store_hw = store->high_water;
    return m;
}

/* A quantizer's end: its scratch given back; on an error both arenas as
   they were when it began (used and high-water marks). Returns st. */
static attn_status attn__quant_done(attn_status st, attn_arena *scratch, attn_arena *store,
                                    const attn__quant_marks *m)
{
    scratch->used = m->scratch_used;
    if (st != ATTN_OK) {
        scratch->high_water = m->scratch_hw;
        store->used = m->store_used;
        store->high_water = m->store_hw;
    }
    return st;
}

/* ATTN_ERR_TOO_LARGE / ATTN_ERR_ARENA before anything is written */
static attn_status attn__check_store(const attn__size *s, const attn_arena *store)
{
    if (s->overflow) return ATTN_ERR_TOO_LARGE;
    return s->bytes > attn__arena_free(store) ? ATTN_ERR_ARENA : ATTN_OK;
}

static void *attn__qtake(attn__quant *z, size_t bytes)
{
    void *p = NULL;
    if (z->st == ATTN_OK) z->st = attn_arena_alloc(z->store, bytes, &p);
    return p;
}

static void attn__qmul_of(attn__quant *z, double f, attn_qmul *m)
{
    attn_status st = attn_quantize_multiplier(f, m);
    if (z->st == ATTN_OK) z->st = st;
}

/* A float nn.Linear (w [out][in], b [out] or NULL) as int8: weights
   symmetric per output channel, bias at in_scale * w_scale, requantization
   to qout; relu fuses max(., 0) into the output clamp. */
static void attn__quant_linear(attn__quant *z, attn_linear_s8_params *p, const float *w,
                               const float *b, int in, int out, attn_qparams qin,
                               attn_qparams qout, int relu)
{
    int8_t *wq = (int8_t *)attn__qtake(z, (size_t)out * (size_t)in);
    int32_t *bq = b ? (int32_t *)attn__qtake(z, (size_t)out * sizeof(int32_t)) : NULL;
    attn_qmul *rq = (attn_qmul *)attn__qtake(z, (size_t)out * sizeof(attn_qmul));
    int o, i;
    attn__qfinite(z, w, (size_t)out * (size_t)in);
    attn__qfinite(z, b, (size_t)out);
    if (z->st != ATTN_OK) return;
    for (o = 0; o < out; o++) {
        const float *wo = w + (size_t)o * (size_t)in;
        double mx = 0.0, ws;
        for (i = 0; i < in; i++)
            if (fabs((double)wo[i]) > mx) mx = fabs((double)wo[i]);
        ws = mx > 0.0 ? mx / 127.0 : 1.0;
        for (i = 0; i < in; i++) {
            double v = attn__round_d((double)wo[i] / ws);
            wq[(size_t)o * (size_t)in + (size_t)i] = (int8_t)(v > 127.0 ? 127 : v < -127.0 ? -127 : (int)v);
        }
        if (bq) {
            double v = attn__round_d((double)b[o] / ((double)qin.scale * ws));
            bq[o] = v > 2147483647.0 ? INT32_MAX : v < -2147483648.0 ? INT32_MIN : (int32_t)v;
        }
        attn__qmul_of(z, (double)qin.scale * ws / (double)qout.scale, &rq[o]);
    }
    p->w = wq;
    p->bias = bq;
    p->requant = rq;
    p->in_zp = qin.zero_point;
    p->out_zp = qout.zero_point;
    p->act_min = relu ? qout.zero_point : -128;
    p->act_max = 127;
    /* the fused bias, once, so that the kernels add no offset per MAC
       (left NULL in the rare case a value does not fit int32) */
    p->fused_bias = NULL;
    {
        int32_t *fb = (int32_t *)attn__qtake(z, (size_t)out * sizeof(int32_t));
        if (z->st == ATTN_OK && attn_linear_fuse_bias_s8(fb, p, in, out) == ATTN_OK) p->fused_bias = fb;
    }
}

/* A layer norm's eps for its input at in_scale (attn_layernorm_s8_params). */
static int64_t attn__norm_eps(float eps, int d, double in_scale)
{
    double e = (double)d * (double)d * (double)eps / (in_scale * in_scale);
    return e >= 4.0e18 ? ((int64_t)1 << 61) : e < 1.0 ? 1 : (int64_t)attn__round_d(e);
}

/* LayerNorm (gamma/beta [d] or NULL) for input at in_scale, output qout. */
static void attn__quant_norm(attn__quant *z, attn_layernorm_s8_params *p, const float *gamma,
                             const float *beta, float eps, int d, double in_scale,
                             attn_qparams qout)
{
    attn_qmul *g = (attn_qmul *)attn__qtake(z, (size_t)d * sizeof(attn_qmul));
    int32_t *bq = (int32_t *)attn__qtake(z, (size_t)d * sizeof(int32_t));
    int c;
    attn__qfinite(z, gamma, (size_t)d);
    attn__qfinite(z, beta, (size_t)d);
    if (z->st != ATTN_OK) return;
    for (c = 0; c < d; c++) {
        double v = attn__round_d((beta ? (double)beta[c] : 0.0) / (double)qout.scale * 65536.0);
        attn__qmul_of(z, (gamma ? (double)gamma[c] : 1.0) / (double)qout.scale, &g[c]);
        bq[c] = v > 2147483647.0 ? INT32_MAX : v < -2147483648.0 ? INT32_MIN : (int32_t)v;
    }
    p->gamma = g;
    p->beta = bq;
    p->eps = attn__norm_eps(eps, d, in_scale);
    p->out_zp = qout.zero_point;
}

/* a + b to a wide sum at max(scale)/2^9, narrowed to qout; returns that
   wide scale (the layer norm that may read the sum needs it). */
static double attn__quant_add(attn__quant *z, attn_add_s8_params *p, attn_qparams a,
                              attn_qparams b, attn_qparams qout)
{
    double sr = (a.scale > b.scale ? (double)a.scale : (double)b.scale) / 512.0;
    p->a_zp = a.zero_point;
    p->b_zp = b.zero_point;
    attn__qmul_of(z, (double)a.scale / sr, &p->a_mul);
    attn__qmul_of(z, (double)b.scale / sr, &p->b_mul);
    attn__qmul_of(z, sr / (double)qout.scale, &p->out_mul);
    p->out_zp = qout.zero_point;
    return sr;
}

static double attn__gelu_d(double x, attn_activation act)
{
    if (act == ATTN_ACT_GELU) return 0.5 * x * (1.0 + erf(x * 0.70710678118654752));
    return 0.5 * x * (1.0 + tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)));
}

/* An attention block (weights a, LayerNorm g, b) from its taps r: x is its
   input's encoding, kv (NULL: the block's own, normed, input) the encoding
   its keys and values are made from; returns its output's encoding. */
static attn_qparams attn__quant_att(attn__quant *z, attn_mha_s8_params *p,
                                    attn_add_s8_params *add, attn_layernorm_s8_params *norm,
                                    const attn_mha_weights_f32 *a, const float *g, const float *b,
                                    const attn_encoder_cfg *cfg, attn_qparams x,
                                    const attn_qparams *kv, const attn__range *r)
{
    int d = cfg->d_model;
    attn_qparams qn = attn__qparams_of(z, r[ATTN__T_NORM]), qq = attn__qparams_of(z, r[ATTN__T_Q]),
                 qk = attn__qparams_of(z, r[ATTN__T_K]), qv = attn__qparams_of(z, r[ATTN__T_V]),
                 qctx = attn__qparams_of(z, r[ATTN__T_CTX]), qa = attn__qparams_of(z, r[ATTN__T_ATT]),
                 qo = attn__qparams_of(z, r[ATTN__T_OUT]);
    attn_qparams src = cfg->norm_first ? qn : x, ksrc = kv ? *kv : src;
    double sr;
    if (cfg->norm_first) attn__quant_norm(z, norm, g, b, cfg->eps, d, (double)x.scale, qn);
    attn__quant_linear(z, &p->q, a->wq, a->bq, d, d, src, qq, 0);
    attn__quant_linear(z, &p->k, a->wk, a->bk, d, d, ksrc, qk, 0);
    attn__quant_linear(z, &p->v, a->wv, a->bv, d, d, ksrc, qv, 0);
    p->sdpa.q_zp = qq.zero_point;
    p->sdpa.k_zp = qk.zero_point;
    p->sdpa.v_zp = qv.zero_point;
    p->sdpa.out_zp = qctx.zero_point;
    attn__qmul_of(z, (double)qq.scale * (double)qk.scale * 1.4426950408889634 * 65536.0 /
                         sqrt((double)d / (double)cfg->n_heads), &p->sdpa.score_mul);
    attn__qmul_of(z, (double)qv.scale / (32768.0 * (double)qctx.scale), &p->sdpa.ctx_mul);
    attn__quant_linear(z, &p->o, a->wo, a->bo, d, d, qctx, qa, 0);
    sr = attn__quant_add(z, add, x, qa, qo);
    if (!cfg->norm_first) attn__quant_norm(z, norm, g, b, cfg->eps, d, sr, qo);
    return qo;
}

/* A feed-forward block: ReLU fused into ff1's clamp, GELU as a table. */
static attn_qparams attn__quant_ff(attn__quant *z, attn_linear_s8_params *ff1,
                                   const int8_t **gelu_table, attn_linear_s8_params *ff2,
                                   attn_add_s8_params *add, attn_layernorm_s8_params *norm,
                                   const attn__ff_f32 *F, const attn_encoder_cfg *cfg,
                                   attn_qparams x, const attn__range *r)
{
    int d = cfg->d_model, ff = cfg->d_ff, relu = cfg->activation == ATTN_ACT_RELU;
    attn_qparams qn = attn__qparams_of(z, r[ATTN__T_NORM]), qpre = attn__qparams_of(z, r[ATTN__T_PRE]),
                 qh = attn__qparams_of(z, r[ATTN__T_HID]), qf = attn__qparams_of(z, r[ATTN__T_FF]),
                 qo = attn__qparams_of(z, r[ATTN__T_OUT]);
    attn_qparams src = cfg->norm_first ? qn : x;
    double sr;
    if (cfg->norm_first) attn__quant_norm(z, norm, F->g, F->b, cfg->eps, d, (double)x.scale, qn);
    attn__quant_linear(z, ff1, F->w1, F->b1, d, ff, src, relu ? qh : qpre, relu);
    *gelu_table = NULL;
    if (!relu) {
        int8_t *t = (int8_t *)attn__qtake(z, 256);
        int i;
        for (i = 0; z->st == ATTN_OK && i < 256; i++) {
            double gv = attn__gelu_d((double)qpre.scale * (i - 128 - qpre.zero_point),
                                     cfg->activation);
            double v = attn__round_d(gv / (double)qh.scale) + qh.zero_point;
            t[i] = (int8_t)(v < -128.0 ? -128 : v > 127.0 ? 127 : (int)v);
        }
        *gelu_table = t;
    }
    attn__quant_linear(z, ff2, F->w2, F->b2, ff, d, qh, qf, 0);
    sr = attn__quant_add(z, add, x, qf, qo);
    if (!cfg->norm_first) attn__quant_norm(z, norm, F->g, F->b, cfg->eps, d, sr, qo);
    return qo;
}

/* One layer: *xq is the input's encoding on entry, the output's on return. */
static void attn__quant_layer(attn__quant *z, attn_encoder_layer_s8_params *p,
                              attn_qparams *xq, const attn_encoder_cfg *cfg,
                              const attn_encoder_layer_weights_f32 *w, const attn__layer_obs *o)
{
    attn__ff_f32 F = attn__ff_of_f32(w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, w->norm2_w,
                                     w->norm2_b);
    attn_qparams x = attn__quant_att(z, &p->attn, &p->add1, &p->norm1, &w->attn, w->norm1_w,
                                     w->norm1_b, cfg, *xq, NULL, o->t[ATTN__B_SA].r);
    *xq = attn__quant_ff(z, &p->ff1, &p->gelu_table, &p->ff2, &p->add2, &p->norm2, &F, cfg, x,
                         o->t[ATTN__B_FF].r);
}

/* One decoder layer; mq: the memory's encoding. */
static void attn__quant_dec_layer(attn__quant *z, attn_decoder_layer_s8_params *p,
                                  attn_qparams *xq, attn_qparams mq, const attn_decoder_cfg *cfg,
                                  const attn_decoder_layer_weights_f32 *w,
                                  const attn__layer_obs *o)
{
    attn__ff_f32 F = attn__ff_of_f32(w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, w->norm3_w,
                                     w->norm3_b);
    attn_qparams x = attn__quant_att(z, &p->self_attn, &p->add1, &p->norm1, &w->self_attn,
                                     w->norm1_w, w->norm1_b, cfg, *xq, NULL, o->t[ATTN__B_SA].r);
    x = attn__quant_att(z, &p->cross_attn, &p->add2, &p->norm2, &w->cross_attn, w->norm2_w,
                        w->norm2_b, cfg, x, &mq, o->t[ATTN__B_CA].r);
    *xq = attn__quant_ff(z, &p->ff1, &p->gelu_table, &p->ff2, &p->add3, &p->norm3, &F, cfg, x,
                         o->t[ATTN__B_FF].r);
}

/* The stack; *xq as in attn__quant_layer. obs [n_layers + 1]. */
static void attn__quant_stack(attn__quant *z, attn_encoder_s8_params *p, attn_qparams *xq,
                              const attn_encoder_cfg *cfg, const attn_encoder_weights_f32 *w,
                              const attn__layer_obs *obs)
{
    attn_encoder_layer_s8_params *layers = (attn_encoder_layer_s8_params *)attn__qtake(
        z, (size_t)w->n_layers * sizeof(attn_encoder_layer_s8_params));
    int l;
    if (!layers || !obs) return; /* (a failed take: z->st says so; obs never NULL) */
    memset(layers, 0, (size_t)w->n_layers * sizeof(*layers));
    for (l = 0; l < w->n_layers; l++) attn__quant_layer(z, &layers[l], xq, cfg, &w->layers[l], &obs[l]);
    memset(&p->norm, 0, sizeof p->norm);
    if (w->final_norm) {
        attn_qparams qo = attn__qparams_of(z, obs[w->n_layers].t[0].r[ATTN__T_OUT]);
        attn__quant_norm(z, &p->norm, w->norm_w, w->norm_b, cfg->eps, cfg->d_model, (double)xq->scale, qo);
        *xq = qo;
    }
    p->layers = layers;
    p->n_layers = w->n_layers;
    p->final_norm = w->final_norm;
}

static void attn__obs_reset(attn__range *r, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        r[i].lo = 3.4e38f;
        r[i].hi = -3.4e38f;
        r[i].bad = 0.0f;
    }
}

ATTN_DEF attn_status attn_quantize_encoder_s8(attn_encoder_s8_params *out, attn_qparams *in_q,
                                              attn_qparams *out_q, const attn_encoder_cfg *cfg,
                                              const attn_encoder_weights_f32 *w,
                                              const float *calib, const uint8_t *key_padding,
                                              int n_calib, int seq, attn_arena *store,
                                              attn_arena *scratch)
{
    attn__quant z;
    attn__size need, sneed = {0, 0};
    attn__layer_obs *obs;
    attn__range in_r;
    attn_encoder_s8_params res;
    attn_qparams qi, qo;
    attn_status st, st8;
    attn__quant_marks marks;
    size_t n, s;
    float *x;
    if (!out || !in_q || !out_q || !calib || !store) return ATTN_ERR_NULL;
    if (w && !attn__encoder_weights_ok(w)) return ATTN_ERR_NULL;
    /* the documented order: every shape rule (the float stack's, the int8
       limits, n_calib) before any range or size error */
    st = attn__encoder_check(calib, seq, w ? w->n_layers : 1, cfg, w, scratch);
    if (st == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if ((st8 = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st8;
    if (attn__dim_bad(n_calib)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK && st != ATTN_ERR_ARENA) return st;
    if (st8 != ATTN_OK) return st8;
    n = (size_t)seq * (size_t)cfg->d_model;
    need = attn__encoder_size(cfg, seq);
    attn__size_add(&need, n, 1, sizeof(float));
    attn__size_add(&need, (size_t)w->n_layers + 1, 1, sizeof(attn__layer_obs));
    attn__qsize_stack(&sneed, cfg, w);
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;
    if ((st = attn__check_store(&sneed, store)) != ATTN_OK) return st;

    /* calibration: every tensor's range over the float stack's runs */
    marks = attn__quant_begin(scratch, store);
    obs = (attn__layer_obs *)attn__take(scratch, ((size_t)w->n_layers + 1) * sizeof(attn__layer_obs));
    x = (float *)attn__take(scratch, n * sizeof(float));
    attn__obs_reset((attn__range *)(void *)obs,
                    ((size_t)w->n_layers + 1) * sizeof(attn__layer_obs) / sizeof(attn__range));
    attn__obs_reset(&in_r, 1);
    for (s = 0; s < (size_t)n_calib; s++) {
        memcpy(x, calib + s * n, n * sizeof(float));
        attn__see(&in_r, x, n);
        attn__encoder_f32(x, seq, key_padding ? key_padding + s * (size_t)seq : NULL, cfg, w,
                          scratch, obs);
    }

    /* the parameters, into res and the store; *out, *in_q and *out_q only
       once all of it succeeded (on an error the store gives its blocks
       back) */
    z.st = ATTN_OK;
    z.store = store;
    memset(&res, 0, sizeof res);
    qi = attn__qparams_of(&z, in_r);
    qo = qi;
    attn__quant_stack(&z, &res, &qo, cfg, w, obs);
    if ((st = attn__quant_done(z.st, scratch, store, &marks)) != ATTN_OK) return st;
    *out = res;
    *in_q = qi;
    *out_q = qo;
    return ATTN_OK;
}

/* rows x d float rows (and `extra` [d], or NULL) into int8 at their own
   min/max encoding *q: the table's int8 copy in the store. */
ATTN__NOINLINE int8_t *attn__quant_rows(attn__quant *z, attn_qparams *q, const float *t, int rows, int d,
                                const float *extra)
{
    size_t n = (size_t)rows * (size_t)d, done = 0, most = (size_t)1 << 30;
    int8_t *y = (int8_t *)attn__qtake(z, n);
    attn__range r;
    attn__obs_reset(&r, 1);
    attn__see(&r, t, n);
    if (extra) attn__see(&r, extra, (size_t)d);
    *q = attn__qparams_of(z, r);
    if (z->st != ATTN_OK) return NULL;
    while (done < n) { /* in pieces of at most 2^30 values (attn_quantize_s8 counts in int) */
        size_t k = n - done < most ? n - done : most;
        attn_quantize_s8(y + done, t + done, (int)k, *q);
        done += k;
    }
    return y;
}

/* One vector into int8 at encoding q (store). */
static const int8_t *attn__quant_vec(attn__quant *z, const float *v, int d, attn_qparams q)
{
    int8_t *y = (int8_t *)attn__qtake(z, (size_t)d);
    attn__qfinite(z, v, (size_t)d);
    if (z->st == ATTN_OK) attn_quantize_s8(y, v, d, q);
    return y;
}

/* Attention pooling: w symmetric per tensor; the pooled row at the stack's
   output encoding x (a convex combination of its rows). */
ATTN__NOINLINE void attn__quant_pool(attn__quant *z, attn_model_s8_params *res, const float *w, int d,
                             attn_qparams x)
{
    float amax = 0.0f;
    attn_qparams qw;
    int c;
    attn__qfinite(z, w, (size_t)d);
    if (z->st != ATTN_OK) return;
    for (c = 0; c < d; c++) amax = w[c] > amax ? w[c] : -w[c] > amax ? -w[c] : amax;
    qw.scale = amax > 0.0f ? amax / 127.0f : 1.0f;
    qw.zero_point = 0;
    res->pool_w = attn__quant_vec(z, w, d, qw);
    res->pool.q_zp = 0;
    res->pool.k_zp = res->pool.v_zp = res->pool.out_zp = x.zero_point;
    attn__qmul_of(z, (double)qw.scale * (double)x.scale * 1.4426950408889634 * 65536.0,
                  &res->pool.score_mul);
    attn__qmul_of(z, 1.0 / 32768.0, &res->pool.ctx_mul);
}

/* Whether the quantizer gives a model's CLS row its own encoding (see
   attn_cls_row_s8_params): a CLS row in a pre-norm stack, no embed_norm. */
static int attn__cls_own(const attn_model_cfg *cfg)
{
    return cfg->cls_token && cfg->encoder.norm_first && !cfg->embed_norm;
}

/* The CLS row's own encoding (attn_cls_row_s8_params) once the stack is
   quantized into res: x0 = cls + pos0 (pos0 [d] the position table's row
   0, or NULL) at its own min/max, then each layer's row-0 ranges (obs);
   the last add goes to the stack's output encoding qout if there is no
   final norm. */
ATTN__NOINLINE void attn__quant_cls_row(attn__quant *z, attn_model_s8_params *res,
                                        const attn_model_cfg *cfg, const attn_model_weights_f32 *w,
                                        const attn__model_obs *obs, const float *pos0,
                                        attn_qparams qout)
{
    int dm = cfg->encoder.d_model, n = w->encoder.n_layers, l, c;
    float eps = cfg->encoder.eps;
    attn_cls_row_s8_params *r = (attn_cls_row_s8_params *)attn__qtake(z, sizeof *r);
    attn_cls_layer_s8_params *t =
        (attn_cls_layer_s8_params *)attn__qtake(z, (size_t)n * sizeof(attn_cls_layer_s8_params));
    int8_t *x0 = (int8_t *)attn__qtake(z, (size_t)dm);
    attn__range r0;
    attn_qparams q;
    if (z->st != ATTN_OK) return;
    attn__obs_reset(&r0, 1);
    for (c = 0; c < dm; c++) attn__see1(&r0, w->cls_token[c] + (pos0 ? pos0[c] : 0.0f));
    q = attn__qparams_of(z, r0);
    if (z->st != ATTN_OK) return;
    for (c = 0; c < dm; c++) {
        float v = w->cls_token[c] + (pos0 ? pos0[c] : 0.0f);
        attn_quantize_s8(x0 + c, &v, 1, q);
    }
    for (l = 0; l < n; l++) {
        const attn_encoder_layer_s8_params *lp = &res->encoder.layers[l];
        const attn__layer_obs *o = &obs->layers[l];
        attn_qparams qa = attn__qparams_of(z, o->t[ATTN__B_SA].r[ATTN__T_ATT]),
                     qf = attn__qparams_of(z, o->t[ATTN__B_FF].r[ATTN__T_FF]),
                     q1 = attn__qparams_of(z, o->t[ATTN__B_CA].r[ATTN__T_ROW0_SA]),
                     q2 = l == n - 1 && !w->encoder.final_norm
                              ? qout
                              : attn__qparams_of(z, o->t[ATTN__B_CA].r[ATTN__T_ROW0_FF]);
        t[l].norm1 = lp->norm1;
        t[l].norm1.eps = attn__norm_eps(eps, dm, (double)q.scale);
        attn__quant_add(z, &t[l].add1, q, qa, q1);
        t[l].norm2 = lp->norm2;
        t[l].norm2.eps = attn__norm_eps(eps, dm, (double)q1.scale);
        attn__quant_add(z, &t[l].add2, q1, qf, q2);
        q = q2;
    }
    r->x0 = x0;
    r->layers = t;
    r->norm = res->encoder.norm;
    if (w->encoder.final_norm) r->norm.eps = attn__norm_eps(eps, dm, (double)q.scale);
    res->cls_row = r;
}

/* The int8 parameters of a calibrated model (out of line: the result
   struct's frame does not sit on the calibration's float model): *out
   only if every step succeeded; returns the first error. pos [n_pos]: the
   float position table seen as pos_r. */
ATTN__NOINLINE attn_status attn__qmodel_build(attn_model_s8_params *out, attn_model_s8_params *rp,
                                              const attn_model_cfg *cfg,
                                              const attn_model_weights_f32 *w,
                                              const attn__model_obs *obs_p, attn__range in_r,
                                              attn__range pos_r, const float *pos, size_t n_pos,
                                              int tok, attn_arena *store)
{
    attn__quant z;
    attn_model_s8_params *res = rp; /* (in the scratch arena, not on the stack) */
    attn_qparams qin, qx, qe;
    const attn__model_obs *obs = obs_p;
    int dm = cfg->encoder.d_model;
    /* the parameters, into res and the store; *out only once all of it
       succeeded (on an error the store gives its blocks back) */
    z.st = ATTN_OK;
    z.store = store;
    memset(res, 0, sizeof *res);
    if (tok) { /* tables at their own encodings; the sum with segments at e's */
        attn_qparams qt, qs;
        res->token_embed = attn__quant_rows(&z, &qt, w->token_embed, cfg->vocab, dm,
                                           cfg->n_segments > 0 ? NULL : w->cls_token);
        qe = qt;
        if (cfg->n_segments > 0) {
            res->segment_embed = attn__quant_rows(&z, &qs, w->segment_embed, cfg->n_segments, dm,
                                                 NULL);
            qe = attn__qparams_of(&z, obs->e);
            attn__quant_add(&z, &res->segment_add, qt, qs, qe);
        }
        qin = qe;
    } else { /* no embedding: the input is the embedded rows (the CLS row too) */
        if (cfg->d_in == 0) attn__see(&in_r, w->cls_token, cfg->cls_token ? (size_t)dm : 0);
        qin = attn__qparams_of(&z, in_r);
        qe = cfg->d_in > 0 ? attn__qparams_of(&z, obs->e) : qin;
        if (cfg->d_in > 0)
            attn__quant_linear(&z, &res->embed, w->embed_w, w->embed_b, cfg->d_in, dm, qin, qe, 0);
    }
    if (cfg->cls_token) res->cls_token = attn__quant_vec(&z, w->cls_token, dm, qe);
    qx = qe;
    if (n_pos) {
        int8_t *tq = (int8_t *)attn__qtake(&z, n_pos);
        attn_qparams qpos = attn__qparams_of(&z, pos_r);
        qx = attn__qparams_of(&z, obs->x0);
        if (z.st == ATTN_OK) {
            /* in pieces of at most 2^30 values (attn_quantize_s8 counts
               in int) */
            size_t done = 0, most = (size_t)1 << 30;
            while (done < n_pos) {
                size_t k = n_pos - done < most ? n_pos - done : most;
                attn_quantize_s8(tq + done, pos + done, (int)k, qpos);
                done += k;
            }
        }
        res->pos = tq;
        attn__quant_add(&z, &res->pos_add, qe, qpos, qx);
    }
    if (cfg->embed_norm) {
        attn_qparams qn = attn__qparams_of(&z, obs->xn);
        attn__quant_norm(&z, &res->embed_norm, w->embed_norm_w, w->embed_norm_b, cfg->encoder.eps,
                         dm, (double)qx.scale, qn);
        qx = qn;
    }
    attn__quant_stack(&z, &res->encoder, &qx, &cfg->encoder, &w->encoder, obs->layers);
    if (attn__cls_own(cfg)) attn__quant_cls_row(&z, res, cfg, w, obs, n_pos ? pos : NULL, qx);
    if (cfg->pooling == ATTN_POOL_ATTENTION) attn__quant_pool(&z, res, w->pool_w, dm, qx);
    {
        attn_qparams ql = attn__qparams_of(&z, obs->logits);
        attn__quant_linear(&z, &res->cls, w->cls_w, w->cls_b, dm, cfg->n_classes, qx, ql, 0);
        res->logit_scale = ql.scale;
        res->logit_zp = ql.zero_point;
    }
    res->in_scale = qin.scale;
    res->in_zp = qin.zero_point;
    if (z.st == ATTN_OK) *out = *res;
    return z.st;
}


/* The model quantizer: calib [n_calib][seq][d_in] floats (features or
   images), or token ids tok [n_calib][seq] (and segments seg or NULL). */
/* The store attn__quantize_model takes (tok: token ids) */
static void attn__qsize_model(attn__size *sneed, const attn_model_cfg *cfg,
                              const attn_model_weights_f32 *w, int tok)
{
    int dm = cfg->encoder.d_model, din = cfg->d_in > 0 ? cfg->d_in : dm;
    if (cfg->position != ATTN_POS_NONE) attn__size_add(sneed, (size_t)cfg->max_seq, (size_t)dm, 1);
    if (!tok && cfg->d_in > 0) attn__qsize_linear(sneed, din, dm, w->embed_b);
    if (tok) {
        attn__size_add(sneed, (size_t)cfg->vocab, (size_t)dm, 1);
        if (cfg->n_segments > 0) attn__size_add(sneed, (size_t)cfg->n_segments, (size_t)dm, 1);
    }
    if (cfg->cls_token) attn__size_add(sneed, (size_t)dm, 1, 1);
    if (attn__cls_own(cfg)) { /* attn__quant_cls_row's three blocks */
        attn__size_add(sneed, 1, sizeof(attn_cls_row_s8_params), 1);
        attn__size_add(sneed, (size_t)w->encoder.n_layers, sizeof(attn_cls_layer_s8_params), 1);
        attn__size_add(sneed, (size_t)dm, 1, 1);
    }
    if (cfg->embed_norm) attn__qsize_norm(sneed, dm);
    if (cfg->pooling == ATTN_POOL_ATTENTION) attn__size_add(sneed, (size_t)dm, 1, 1);
    attn__qsize_stack(sneed, &cfg->encoder, &w->encoder);
    attn__qsize_linear(sneed, dm, cfg->n_classes, w->cls_b);
}

static attn_status attn__quantize_model(attn_model_s8_params *out, const attn_model_cfg *cfg,
                                        const attn_model_weights_f32 *w, const float *calib,
                                        const int *tok, const int *seg,
                                        const uint8_t *key_padding, int n_calib, int seq,
                                        attn_arena *store, attn_arena *scratch)
{
    attn__size need, sneed = {0, 0};
    attn__model_obs obs;
    attn__range in_r, pos_r;
    attn_status st, st8;
    attn__quant_marks marks;
    size_t n_in, n_pos = 0, nl, s;
    float *logits, *pos = NULL;
    int dm, din, rows;
    if (!out || !cfg || !w || !(calib || tok) || !store || !scratch) return ATTN_ERR_NULL;
    if (!attn__model_weights_ok(cfg, w, tok != NULL)) return ATTN_ERR_NULL;
    /* every shape rule (the int8 ones include the float ones) and n_calib
       before the float model's range rules (eps) and the int8 ones */
    if ((st8 = attn__model_check_s8(cfg, seq, w->encoder.n_layers)) == ATTN_ERR_SHAPE) return st8;
    if (attn__dim_bad(n_calib)) return ATTN_ERR_SHAPE;
    if (tok && (attn__dim_bad(cfg->vocab) || cfg->patch != 0)) return ATTN_ERR_SHAPE;
    if ((st = attn__model_cfg_check(cfg, seq, w->encoder.n_layers)) != ATTN_OK) return st;
    if (st8 != ATTN_OK) return st8;
    dm = cfg->encoder.d_model;
    din = cfg->d_in > 0 ? cfg->d_in : dm;
    rows = attn__model_rows(cfg, seq);
    n_in = (size_t)seq * (size_t)(tok ? 1 : din);
    if (tok && (size_t)n_calib > SIZE_MAX / n_in) return ATTN_ERR_TOO_LARGE;
    for (s = 0; tok && s < (size_t)n_calib; s++)
        if ((st = attn__model_tokens_check(cfg, tok + s * n_in, seg ? seg + s * n_in : NULL,
                                           seq)) != ATTN_OK)
            return st;
    nl = (size_t)w->encoder.n_layers + 1;
    need = attn__model_size(cfg, seq);
    attn__size_add(&need, nl, 1, sizeof(attn__layer_obs));
    attn__size_add(&need, (size_t)cfg->n_classes, 1, sizeof(float));
    attn__size_add(&need, 1, sizeof(attn_model_s8_params), 1); /* the result, built */
    /* the position table, [max_seq][d_model] floats in scratch and int8 in
       the store (max_seq * d_model may not fit size_t on a 32-bit target:
       attn__size_add finds that) */
    if (cfg->position != ATTN_POS_NONE)
        attn__size_add(&need, (size_t)cfg->max_seq, (size_t)dm, sizeof(float));
    attn__qsize_model(&sneed, cfg, w, tok != NULL);
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;
    if ((st = attn__check_store(&sneed, store)) != ATTN_OK) return st;
    if (cfg->position != ATTN_POS_NONE) n_pos = (size_t)cfg->max_seq * (size_t)dm;

    marks = attn__quant_begin(scratch, store);
    obs.layers = (attn__layer_obs *)attn__take(scratch, nl * sizeof(attn__layer_obs));
    logits = (float *)attn__take(scratch, (size_t)cfg->n_classes * sizeof(float));
    attn__obs_reset((attn__range *)(void *)obs.layers, nl * sizeof(attn__layer_obs) / sizeof(attn__range));
    attn__obs_reset(&obs.e, 1);
    attn__obs_reset(&obs.x0, 1);
    attn__obs_reset(&obs.xn, 1);
    attn__obs_reset(&obs.pool, 1);
    attn__obs_reset(&obs.logits, 1);
    attn__obs_reset(&in_r, 1);
    attn__obs_reset(&pos_r, 1);
    for (s = 0; s < (size_t)n_calib; s++) {
        if (!tok) attn__see(&in_r, calib + s * n_in, n_in);
        attn__model_f32(logits, tok ? NULL : calib + s * n_in, tok ? tok + s * n_in : NULL,
                        seg ? seg + s * n_in : NULL, seq,
                        key_padding ? key_padding + s * (size_t)seq : NULL, cfg, w, scratch, &obs);
    }
    (void)rows;
    /* the position table (sinusoidal ones are computed and baked in) */
    if (n_pos) {
        pos = (float *)attn__take(scratch, n_pos * sizeof(float));
        if (cfg->position == ATTN_POS_LEARNED) {
            memcpy(pos, w->pos, n_pos * sizeof(float));
        } else {
            memset(pos, 0, n_pos * sizeof(float));
            attn_pos_sinusoidal_f32(pos, cfg->max_seq, dm);
        }
        attn__see(&pos_r, pos, n_pos);
    }

    st = attn__qmodel_build(out,
                            (attn_model_s8_params *)attn__take(scratch, sizeof(attn_model_s8_params)),
                            cfg, w, &obs, in_r, pos_r, pos, n_pos, tok != NULL, store);
    return attn__quant_done(st, scratch, store, &marks);
}

ATTN_DEF attn_status attn_quantize_model_store_bytes(const attn_model_cfg *cfg,
                                                     const attn_model_weights_f32 *w, int seq,
                                                     int tokens, size_t *bytes)
{
    attn_status st, st8;
    attn__size s = {0, 0};
    int tok = tokens != 0;
    if (!cfg || !w || !bytes) return ATTN_ERR_NULL;
    if (!attn__model_weights_ok(cfg, w, tok)) return ATTN_ERR_NULL;
    if ((st8 = attn__model_check_s8(cfg, seq, w->encoder.n_layers)) == ATTN_ERR_SHAPE) return st8;
    if (tok && (attn__dim_bad(cfg->vocab) || cfg->patch != 0)) return ATTN_ERR_SHAPE;
    if ((st = attn__model_cfg_check(cfg, seq, w->encoder.n_layers)) != ATTN_OK) return st;
    if (st8 != ATTN_OK) return st8;
    attn__qsize_model(&s, cfg, w, tok);
    return attn__size_result(s, bytes);
}

ATTN_DEF attn_status attn_quantize_model_s8(attn_model_s8_params *out, const attn_model_cfg *cfg,
                                            const attn_model_weights_f32 *w, const float *calib,
                                            const uint8_t *key_padding, int n_calib, int seq,
                                            attn_arena *store, attn_arena *scratch)
{
    if (!calib) return ATTN_ERR_NULL;
    return attn__quantize_model(out, cfg, w, calib, NULL, NULL, key_padding, n_calib, seq, store,
                                scratch);
}

ATTN_DEF attn_status attn_quantize_model_tokens_s8(attn_model_s8_params *out,
                                                   const attn_model_cfg *cfg,
                                                   const attn_model_weights_f32 *w,
                                                   const int *calib_tokens,
                                                   const int *calib_segments,
                                                   const uint8_t *key_padding, int n_calib,
                                                   int seq, attn_arena *store,
                                                   attn_arena *scratch)
{
    if (!calib_tokens) return ATTN_ERR_NULL;
    return attn__quantize_model(out, cfg, w, NULL, calib_tokens, calib_segments, key_padding,
                                n_calib, seq, store, scratch);
}


/* ---- quantizing decoders and generation models --------------------------------- */

static void attn__qsize_dec_stack(attn__size *s, const attn_decoder_cfg *c,
                                  const attn_decoder_weights_f32 *w)
{
    int l, d = c->d_model;
    attn__size_add(s, (size_t)w->n_layers, 1, sizeof(attn_decoder_layer_s8_params));
    for (l = 0; l < w->n_layers && !s->overflow; l++) {
        const attn_decoder_layer_weights_f32 *lw = &w->layers[l];
        const attn_mha_weights_f32 *a[2];
        int k;
        a[0] = &lw->self_attn;
        a[1] = &lw->cross_attn;
        for (k = 0; k < 2; k++) {
            attn__qsize_linear(s, d, d, a[k]->bq);
            attn__qsize_linear(s, d, d, a[k]->bk);
            attn__qsize_linear(s, d, d, a[k]->bv);
            attn__qsize_linear(s, d, d, a[k]->bo);
            attn__qsize_norm(s, d);
        }
        attn__qsize_linear(s, d, c->d_ff, lw->ff1_b);
        if (c->activation != ATTN_ACT_RELU) attn__size_add(s, 256, 1, 1);
        attn__qsize_linear(s, c->d_ff, d, lw->ff2_b);
        attn__qsize_norm(s, d);
    }
    if (w->final_norm) attn__qsize_norm(s, d);
}

/* The decoder stack; *xq as in attn__quant_layer, mq the memory's. */
static void attn__quant_dec_stack(attn__quant *z, attn_decoder_s8_params *p, attn_qparams *xq,
                                  attn_qparams mq, const attn_decoder_cfg *cfg,
                                  const attn_decoder_weights_f32 *w, const attn__layer_obs *obs)
{
    attn_decoder_layer_s8_params *layers = (attn_decoder_layer_s8_params *)attn__qtake(
        z, (size_t)w->n_layers * sizeof(attn_decoder_layer_s8_params));
    int l;
    if (!layers || !obs) return; /* (a failed take: z->st says so; obs never NULL) */
    memset(layers, 0, (size_t)w->n_layers * sizeof(*layers));
    for (l = 0; l < w->n_layers; l++)
        attn__quant_dec_layer(z, &layers[l], xq, mq, cfg, &w->layers[l], &obs[l]);
    memset(&p->norm, 0, sizeof p->norm);
    if (w->final_norm) {
        attn_qparams qo = attn__qparams_of(z, obs[w->n_layers].t[0].r[ATTN__T_OUT]);
        attn__quant_norm(z, &p->norm, w->norm_w, w->norm_b, cfg->eps, cfg->d_model,
                         (double)xq->scale, qo);
        *xq = qo;
    }
    p->layers = layers;
    p->n_layers = w->n_layers;
    p->final_norm = w->final_norm;
}

ATTN_DEF attn_status attn_quantize_decoder_s8(attn_decoder_s8_params *out, attn_qparams *in_q,
                                              attn_qparams *mem_q, attn_qparams *out_q,
                                              const attn_decoder_cfg *cfg,
                                              const attn_decoder_weights_f32 *w,
                                              const float *calib, const uint8_t *key_padding,
                                              const float *memory, const uint8_t *memory_padding,
                                              int n_calib, int seq, int mem_len,
                                              attn_arena *store, attn_arena *scratch)
{
    attn__quant z;
    attn__size need, sneed = {0, 0};
    attn__layer_obs *obs;
    attn__range in_r, mem_r;
    attn_decoder_s8_params res;
    attn_qparams qi, qm, qo;
    attn_status st, st8;
    attn__quant_marks marks;
    size_t n, nm, s;
    float *x;
    if (!out || !in_q || !mem_q || !out_q || !calib || !memory || !store) return ATTN_ERR_NULL;
    if (w && !attn__decoder_weights_ok(w)) return ATTN_ERR_NULL;
    st = attn__decoder_check(calib, seq, memory, mem_len, w ? w->n_layers : 1, cfg, w, scratch);
    if (st == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if ((st8 = attn__check_encoder_cfg_s8(cfg)) == ATTN_ERR_SHAPE) return st8;
    if (attn__dim_bad(n_calib)) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK && st != ATTN_ERR_ARENA) return st;
    if (st8 != ATTN_OK) return st8;
    n = (size_t)seq * (size_t)cfg->d_model;
    nm = (size_t)mem_len * (size_t)cfg->d_model;
    need = attn__decoder_size(cfg, seq, mem_len);
    attn__size_add(&need, n, 1, sizeof(float));
    attn__size_add(&need, (size_t)w->n_layers + 1, 1, sizeof(attn__layer_obs));
    attn__qsize_dec_stack(&sneed, cfg, w);
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;
    if ((st = attn__check_store(&sneed, store)) != ATTN_OK) return st;

    marks = attn__quant_begin(scratch, store);
    obs = (attn__layer_obs *)attn__take(scratch, ((size_t)w->n_layers + 1) * sizeof(attn__layer_obs));
    x = (float *)attn__take(scratch, n * sizeof(float));
    if (!obs || !x) return attn__quant_done(ATTN_ERR_ARENA, scratch, store, &marks); /* (never) */
    attn__obs_reset((attn__range *)(void *)obs,
                    ((size_t)w->n_layers + 1) * sizeof(attn__layer_obs) / sizeof(attn__range));
    attn__obs_reset(&in_r, 1);
    attn__obs_reset(&mem_r, 1);
    for (s = 0; s < (size_t)n_calib; s++) {
        const float *m = memory + s * nm;
        memcpy(x, calib + s * n, n * sizeof(float));
        attn__see(&in_r, x, n);
        attn__see(&mem_r, m, nm);
        attn__decoder_f32(x, seq, key_padding ? key_padding + s * (size_t)seq : NULL, m, mem_len,
                          memory_padding ? memory_padding + s * (size_t)mem_len : NULL, cfg, w,
                          scratch, obs);
    }
    z.st = ATTN_OK;
    z.store = store;
    memset(&res, 0, sizeof res);
    qi = attn__qparams_of(&z, in_r);
    qm = attn__qparams_of(&z, mem_r);
    qo = qi;
    attn__quant_dec_stack(&z, &res, &qo, qm, cfg, w, obs);
    if ((st = attn__quant_done(z.st, scratch, store, &marks)) != ATTN_OK) return st;
    *out = res;
    *in_q = qi;
    *mem_q = qm;
    *out_q = qo;
    return ATTN_OK;
}

/* Row r of an embedding table times scale (0: 1), or of the sinusoidal
   table (table NULL), into row [d]. */
static void attn__table_row_f32(float *row, const float *table, int r, int d, float scale)
{
    int c;
    if (!table) {
        for (c = 0; c < d; c++) row[c] = 0.0f;
        attn__pos_row_f32(row, r, d);
    } else if (scale == 0.0f || scale == 1.0f) {
        memcpy(row, table + (size_t)r * (size_t)d, (size_t)d * sizeof(float));
    } else {
        for (c = 0; c < d; c++) row[c] = table[(size_t)r * (size_t)d + (size_t)c] * scale;
    }
}

/* A table of rows x d as int8 at its own encoding *q (its range, and
   extra's [d] if not NULL), in the store; row [d] is scratch. NULL after
   an error. */
static int8_t *attn__quant_table_x(attn__quant *z, attn_qparams *q, const float *table, int rows,
                                   int d, float scale, float *row, const float *extra)
{
    int8_t *t = (int8_t *)attn__qtake(z, (size_t)rows * (size_t)d);
    attn__range r;
    int i;
    attn__obs_reset(&r, 1);
    if (extra) attn__see(&r, extra, (size_t)d);
    for (i = 0; i < rows; i++) {
        attn__table_row_f32(row, table, i, d, scale);
        attn__see(&r, row, (size_t)d);
    }
    *q = attn__qparams_of(z, r);
    if (z->st != ATTN_OK) return NULL;
    for (i = 0; i < rows; i++) {
        attn__table_row_f32(row, table, i, d, scale);
        attn_quantize_s8(t + (size_t)i * (size_t)d, row, d, *q);
    }
    return t;
}

static int8_t *attn__quant_table(attn__quant *z, attn_qparams *q, const float *table, int rows,
                                 int d, float scale, float *row)
{
    return attn__quant_table_x(z, q, table, rows, d, scale, row, NULL);
}

/* Token table + positions: the int8 tables and the add, given the sum's
   observed range x0; returns the encoding of the stack's input. */
static attn_qparams attn__quant_embed(attn__quant *z, const int8_t **tq, const int8_t **pq,
                                      attn_add_s8_params *add, const float *table, int vocab,
                                      const float *pos, int max_pos, attn_position position,
                                      float scale, int d, attn__range x0, float *row)
{
    attn_qparams qe, qp, qx;
    *tq = attn__quant_table(z, &qe, table, vocab, d, scale, row);
    *pq = NULL;
    memset(add, 0, sizeof *add);
    if (position == ATTN_POS_NONE) return qe;
    *pq = attn__quant_table(z, &qp, position == ATTN_POS_LEARNED ? pos : NULL, max_pos, d, 1.0f,
                            row);
    qx = attn__qparams_of(z, x0);
    attn__quant_add(z, add, qe, qp, qx);
    return qx;
}

static void attn__qsize_embed(attn__size *s, int vocab, int max_pos, attn_position position,
                              int d)
{
    attn__size_add(s, (size_t)vocab, (size_t)d, 1);
    if (position != ATTN_POS_NONE) attn__size_add(s, (size_t)max_pos, (size_t)d, 1);
}

/* Token ids in calib [n][width] with lengths len [n] (1..width), all in
   the vocabulary: SHAPE for a length, RANGE for a token. */
static attn_status attn__calib_tokens(const int *calib, const int *len, int n, int width,
                                      int vocab, int range)
{
    int s;
    for (s = 0; s < n; s++) {
        if (len[s] < 1 || len[s] > width) return ATTN_ERR_SHAPE;
        if (range && !attn__tokens_ok(calib + (size_t)s * (size_t)width, len[s], vocab))
            return ATTN_ERR_RANGE;
    }
    return ATTN_OK;
}

static void attn__qsize_s2s(attn__size *s, const attn_seq2seq_cfg *c,
                            const attn_seq2seq_weights_f32 *w)
{
    int d = c->encoder.d_model;
    /* the source's tables: tokens (and segments), or the features'
       Linear; the CLS row; positions */
    attn__qsize_embed(s, c->src_d_in > 0 ? 0 : c->src_vocab, c->max_src, c->position, d);
    if (c->src_segments > 0) attn__size_add(s, (size_t)c->src_segments, (size_t)d, 1);
    if (c->src_d_in > 0) attn__qsize_linear(s, c->src_d_in, d, w->src_embed_b);
    if (c->src_cls_token) attn__size_add(s, (size_t)d, 1, 1);
    if (c->embed_norm) attn__qsize_norm(s, d);
    attn__qsize_stack(s, &c->encoder, &w->encoder);
    attn__qsize_embed(s, c->tgt_vocab, c->max_tgt, c->position, d);
    if (c->embed_norm) attn__qsize_norm(s, d);
    attn__qsize_dec_stack(s, &c->decoder, &w->decoder);
    attn__qsize_linear(s, d, c->tgt_vocab, w->out_b);
}

/* The calibration sources of a front end: SHAPE for a length or a shape
   (ids 0), RANGE for an id (ids 1); each sample's token row (or NULL). */
static attn_status attn__calib_front(const attn_seq2seq_cfg *cfg, const int *src, const int *seg,
                                     const int *src_len, int n_calib, int n_enc, int ids)
{
    int s;
    for (s = 0; s < n_calib; s++) {
        size_t o = (size_t)s * (size_t)cfg->max_src;
        attn_status st;
        if (!ids && (src_len[s] < 1 || src_len[s] > cfg->max_src)) return ATTN_ERR_SHAPE;
        if ((st = attn__s2s_src_rules(cfg, src ? src + o : NULL, seg ? seg + o : NULL, src_len[s],
                                      n_enc, ids)) != ATTN_OK)
            return st;
    }
    return ATTN_OK;
}

/* All the checks of attn_quantize_seq2seq_s8 / _ex_s8 up to the arenas
   (*sneed: the store it takes, *need the scratch). in: the ex entry's
   features or images (then src NULL); ex: that entry (any source). */
static attn_status attn__quant_s2s_check(const attn_seq2seq_cfg *cfg,
                                         const attn_seq2seq_weights_f32 *w, const float *in,
                                         const int *src, const int *seg, const int *src_len,
                                         const int *tgt, const int *tgt_len, int n_calib, int ex,
                                         attn__size *need, attn__size *sneed)
{
    attn_status st, st8;
    int d, nl, ne = w->encoder.n_layers;
    if (!attn__s2s_weights_ok(cfg, w)) return ATTN_ERR_NULL;
    st8 = attn__s2s_cfg_check_s8(cfg, w->encoder.n_layers, w->decoder.n_layers);
    st = attn__s2s_cfg_check(cfg, w->encoder.n_layers, w->decoder.n_layers);
    if (st8 == ATTN_ERR_SHAPE || st == ATTN_ERR_SHAPE || attn__dim_bad(n_calib) ||
        (!ex && attn__s2s_front(cfg)) || (in && cfg->src_d_in == 0) ||
        cfg->src_d_in > ATTN__S8_MAX_IN)
        return ATTN_ERR_SHAPE;
    if ((st8 = ex ? attn__calib_front(cfg, src, seg, src_len, n_calib, ne, 0)
                  : attn__calib_tokens(src, src_len, n_calib, cfg->max_src, 0, 0)) != ATTN_OK ||
        (st8 = attn__calib_tokens(tgt, tgt_len, n_calib, cfg->max_tgt, 0, 0)) != ATTN_OK)
        return st8;
    if (st != ATTN_OK) return st;
    if ((st = attn__s2s_cfg_check_s8(cfg, w->encoder.n_layers, w->decoder.n_layers)) != ATTN_OK)
        return st;
    if ((st = ex ? attn__calib_front(cfg, src, seg, src_len, n_calib, ne, 1)
                 : attn__calib_tokens(src, src_len, n_calib, cfg->max_src, cfg->src_vocab, 1)) !=
            ATTN_OK ||
        (st = attn__calib_tokens(tgt, tgt_len, n_calib, cfg->max_tgt, cfg->tgt_vocab, 1)) != ATTN_OK)
        return st;
    d = cfg->encoder.d_model;
    nl = w->encoder.n_layers + w->decoder.n_layers + 2;
    need->bytes = 0;
    need->overflow = 0;
    attn__size_add(need, (size_t)nl, 1, sizeof(attn__layer_obs));
    attn__size_add(need, (size_t)cfg->tgt_vocab, 1, sizeof(float)); /* logits */
    if (in || attn__s2s_front(cfg)) attn__size_add(need, 1, 1, sizeof(attn__model_obs));
    { /* then the calibration (the cache, an encode or a step) or, after
         it, the parameters' build (the result and a row) */
        attn__size a = attn__s2s_front_size(attn__s2s_encode_size(cfg, cfg->max_src), cfg,
                                            cfg->max_src, sizeof(float)),
                   b = attn__s2s_step_size(cfg, cfg->max_tgt, cfg->max_src, 0),
                   c = attn__cache_size(w->decoder.n_layers, d, cfg->max_tgt, cfg->max_src,
                                        sizeof(float)),
                   r = {0, 0}, m = attn__size_max(a, b);
        c.overflow |= m.overflow;
        attn__size_add(&c, m.bytes, 1, 1);
        attn__size_add(&r, 1, 1, sizeof(attn_seq2seq_s8_params));
        attn__size_add(&r, (size_t)d, 1, sizeof(float));
        m = attn__size_max(c, r);
        need->overflow |= m.overflow;
        attn__size_add(need, m.bytes, 1, 1);
    }
    attn__qsize_s2s(sneed, cfg, w);
    return ATTN_OK;
}

ATTN_DEF attn_status attn_quantize_seq2seq_store_bytes(const attn_seq2seq_cfg *cfg,
                                                       const attn_seq2seq_weights_f32 *w,
                                                       size_t *bytes)
{
    attn_status st, st8;
    attn__size s = {0, 0};
    if (!cfg || !w || !bytes) return ATTN_ERR_NULL;
    if (!attn__s2s_weights_ok(cfg, w)) return ATTN_ERR_NULL;
    st8 = attn__s2s_cfg_check_s8(cfg, w->encoder.n_layers, w->decoder.n_layers);
    st = attn__s2s_cfg_check(cfg, w->encoder.n_layers, w->decoder.n_layers);
    if (st8 == ATTN_ERR_SHAPE || st == ATTN_ERR_SHAPE) return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (st8 != ATTN_OK) return st8;
    attn__qsize_s2s(&s, cfg, w);
    return attn__size_result(s, bytes);
}

/* The calibration run of attn_quantize_seq2seq_s8 (out of line, with its
   cache: the caller's frame stays small above the float model's steps):
   each source encoded, its target stepped through teacher-forced, every
   tensor watched (eo: the encoder's observers, then the decoder's; r: the
   source and target inputs, the logits, the two inputs after their
   embed_norm). */
ATTN__NOINLINE attn_status attn__s2s_calibrate(const attn_seq2seq_cfg *cfg,
                                               const attn_seq2seq_weights_f32 *w,
                                               const float *calib_in, const int *calib_src,
                                               const int *calib_seg, const int *src_len,
                                               const int *calib_tgt, const int *tgt_len,
                                               int n_calib, attn__layer_obs *eo, attn__range *r,
                                               attn__model_obs *mo, float *logits,
                                               attn_arena *scratch)
{
    attn_kv_cache cache;
    attn__layer_obs *dobs;
    int d = cfg->encoder.d_model, ne = w->encoder.n_layers, nd = w->decoder.n_layers, s, t, i;
    int front = calib_in || attn__s2s_front(cfg), cls = cfg->src_cls_token != 0;
    size_t in_n = cfg->src_patch > 0
                      ? (size_t)cfg->src_channels * (size_t)cfg->src_image_h * (size_t)cfg->src_image_w
                      : (size_t)cfg->max_src * (size_t)cfg->src_d_in; /* an input's stride */
    /* (checked by the caller: the cache fits the scratch) */
    if (attn__cache_init(&cache, nd, d, cfg->max_tgt, cfg->max_src, scratch, sizeof(float)) !=
        ATTN_OK)
        return ATTN_ERR_ARENA;
    dobs = eo + ne + 1;
    attn__obs_reset((attn__range *)(void *)eo,
                    (size_t)(ne + nd + 2) * sizeof(attn__layer_obs) / sizeof(attn__range));
    attn__obs_reset(r, 7);
    if (front) { /* (mo: the caller's for a front end) */
        attn__obs_reset(&mo->e, 1);
        attn__obs_reset(&mo->x0, 1);
        attn__obs_reset(&mo->xn, 1);
    }
    for (s = 0; s < n_calib; s++) {
        const int *src = calib_src ? calib_src + (size_t)s * (size_t)cfg->max_src : NULL;
        const int *tgt = calib_tgt + (size_t)s * (size_t)cfg->max_tgt;
        size_t mark = scratch->used;
        int rows = src_len[s] + (front && cls);
        float *x = (float *)attn__take(scratch, (size_t)rows * (size_t)d * sizeof(float));
        if (front) { /* the model's observers: e, x0, xn */
            const float *in = calib_in ? calib_in + (size_t)s * in_n : NULL;
            if (in)
                attn__see(&r[6], in, cfg->src_patch > 0 ? in_n
                                                        : (size_t)src_len[s] * (size_t)cfg->src_d_in);
            attn__s2s_front_f32(x, in, src, calib_seg ? calib_seg + (size_t)s * (size_t)cfg->max_src
                                                      : NULL,
                                src_len[s], cfg, w, scratch, mo);
        } else if (src) { /* (a plain source: token ids, checked) */
            for (i = 0; i < src_len[s]; i++) {
                float *row = x + (size_t)i * (size_t)d;
                attn__embed_row_f32(row, w->src_embed, src[i], i, cfg->embed_scale, cfg->position,
                                    w->src_pos, d);
                attn__see(&r[0], row, (size_t)d);
                attn__embed_norm_f32(row, cfg->embed_norm, w->src_embed_norm_w,
                                     w->src_embed_norm_b, cfg->encoder.eps, d);
                attn__see(&r[3], row, (size_t)d);
            }
        }
        attn__encoder_f32(x, rows, NULL, &cfg->encoder, &w->encoder, scratch, eo);
        attn__memory_f32(&cache, x, rows, NULL, &w->decoder, dobs);
        scratch->used = mark;
        x = (float *)attn__take(scratch, (size_t)d * sizeof(float));
        for (t = 0; t < tgt_len[s]; t++) {
            attn__embed_row_f32(x, w->tgt_embed, tgt[t], t, cfg->embed_scale, cfg->position,
                                w->tgt_pos, d);
            attn__see(&r[1], x, (size_t)d);
            attn__embed_norm_f32(x, cfg->embed_norm, w->tgt_embed_norm_w, w->tgt_embed_norm_b,
                                 cfg->decoder.eps, d);
            attn__see(&r[4], x, (size_t)d);
            attn__step_f32(x, &cache, &cfg->decoder, &w->decoder, NULL,
                           attn__step_keys(&cache, 1, cfg->max_tgt, cfg->max_src), scratch, dobs);
            attn__matvec_f32(logits, x, w->out_w, w->out_b, d, cfg->tgt_vocab);
            attn__see(&r[2], logits, (size_t)cfg->tgt_vocab);
        }
        scratch->used = mark;
    }
    if (front) {
        r[0] = mo->x0;
        r[3] = mo->xn;
        r[5] = mo->e;
    }
    return ATTN_OK;
}

/* A source's front end (attn_seq2seq_cfg's src_*) in int8, as a model's
   (attn__qmodel_build): tables at their own encodings (token rows times
   embed_scale), the sum with segments and the features' Linear at the
   embedded rows' (r[5]), positions added at r[0]'s, the LayerNorm at
   r[3]'s; r[6] the features' range. Returns the stack's input encoding. */
ATTN__NOINLINE attn_qparams attn__qs2s_front(attn__quant *z, attn_seq2seq_s8_params *res,
                                     const attn_seq2seq_cfg *cfg,
                                     const attn_seq2seq_weights_f32 *w, const attn__range *r,
                                     float *row)
{
    int d = cfg->encoder.d_model;
    attn_qparams qin, qe, qx;
    if (cfg->src_d_in == 0) { /* token ids */
        attn_qparams qt, qs;
        res->src_embed = attn__quant_table_x(z, &qt, w->src_embed, cfg->src_vocab, d,
                                             cfg->embed_scale, row,
                                             cfg->src_segments > 0 || !cfg->src_cls_token
                                                 ? NULL
                                                 : w->src_cls_token);
        qe = qt;
        if (cfg->src_segments > 0) {
            res->src_segment_embed = attn__quant_rows(z, &qs, w->src_segment_embed,
                                                      cfg->src_segments, d, NULL);
            qe = attn__qparams_of(z, r[5]);
            attn__quant_add(z, &res->src_segment_add, qt, qs, qe);
        }
        qin = qe;
    } else { /* features or patches through the Linear */
        qin = attn__qparams_of(z, r[6]);
        qe = attn__qparams_of(z, r[5]);
        attn__quant_linear(z, &res->src_in, w->src_embed_w, w->src_embed_b, cfg->src_d_in, d, qin,
                           qe, 0);
    }
    if (cfg->src_cls_token) res->src_cls_token = attn__quant_vec(z, w->src_cls_token, d, qe);
    qx = qe;
    if (cfg->position != ATTN_POS_NONE) {
        attn_qparams qp;
        res->src_pos = attn__quant_table(z, &qp, cfg->position == ATTN_POS_LEARNED ? w->src_pos
                                                                                   : NULL,
                                         cfg->max_src, d, 1.0f, row);
        qx = attn__qparams_of(z, r[0]);
        attn__quant_add(z, &res->src_pos_add, qe, qp, qx);
    }
    res->src_in_scale = qin.scale;
    res->src_in_zp = qin.zero_point;
    return qx;
}

/* The int8 parameters from the calibration's ranges, into *out only when
   all of it succeeded (attn__quant_done ends the quantizer either way);
   out of line; the result is built in rp (scratch, not the stack). */
ATTN__NOINLINE attn_status attn__s2s_build(attn_seq2seq_s8_params *out,
                                           attn_seq2seq_s8_params *rp,
                                           const attn_seq2seq_cfg *cfg,
                                           const attn_seq2seq_weights_f32 *w,
                                           const attn__layer_obs *eo, const attn__range *r,
                                           int front, attn_arena *store, attn_arena *scratch,
                                           const attn__quant_marks *marks)
{
    attn__quant z;
    attn_seq2seq_s8_params *res = rp;
    attn_qparams qx, qm;
    attn_status st;
    int d = cfg->encoder.d_model;
    float *row = (float *)attn__take(scratch, (size_t)d * sizeof(float));
    z.st = ATTN_OK;
    z.store = store;
    memset(res, 0, sizeof *res);
    if (front)
        qx = attn__qs2s_front(&z, res, cfg, w, r, row);
    else
        qx = attn__quant_embed(&z, &res->src_embed, &res->src_pos, &res->src_pos_add,
                               w->src_embed, cfg->src_vocab, w->src_pos, cfg->max_src,
                               cfg->position, cfg->embed_scale, d, r[0], row);
    if (cfg->embed_norm) {
        attn_qparams qn = attn__qparams_of(&z, r[3]);
        attn__quant_norm(&z, &res->src_embed_norm, w->src_embed_norm_w, w->src_embed_norm_b,
                         cfg->encoder.eps, d, (double)qx.scale, qn);
        qx = qn;
    }
    attn__quant_stack(&z, &res->encoder, &qx, &cfg->encoder, &w->encoder, eo);
    qm = qx;
    qx = attn__quant_embed(&z, &res->tgt_embed, &res->tgt_pos, &res->tgt_pos_add, w->tgt_embed,
                           cfg->tgt_vocab, w->tgt_pos, cfg->max_tgt, cfg->position,
                           cfg->embed_scale, d, r[1], row);
    if (cfg->embed_norm) {
        attn_qparams qn = attn__qparams_of(&z, r[4]);
        attn__quant_norm(&z, &res->tgt_embed_norm, w->tgt_embed_norm_w, w->tgt_embed_norm_b,
                         cfg->decoder.eps, d, (double)qx.scale, qn);
        qx = qn;
    }
    attn__quant_dec_stack(&z, &res->decoder, &qx, qm, &cfg->decoder, &w->decoder,
                          eo + w->encoder.n_layers + 1);
    {
        attn_qparams ql = attn__qparams_of(&z, r[2]);
        attn__quant_linear(&z, &res->out, w->out_w, w->out_b, d, cfg->tgt_vocab, qx, ql, 0);
        res->logit_scale = ql.scale;
        res->logit_zp = ql.zero_point;
    }
    if ((st = attn__quant_done(z.st, scratch, store, marks)) != ATTN_OK) return st;
    *out = *res;
    return ATTN_OK;
}

/* Both seq2seq quantizers: the checks, calibration, parameters. */
static attn_status attn__quantize_s2s(attn_seq2seq_s8_params *out, const attn_seq2seq_cfg *cfg,
                                      const attn_seq2seq_weights_f32 *w, const float *calib_in,
                                      const int *calib_src, const int *calib_seg,
                                      const int *src_len, const int *calib_tgt,
                                      const int *tgt_len, int n_calib, int ex, attn_arena *store,
                                      attn_arena *scratch)
{
    attn__size need = {0, 0}, sneed = {0, 0};
    attn__layer_obs *eo;
    attn__range r[7]; /* the source and target inputs, the logits, the inputs
                         after their embed_norm, a front end's embedded rows
                         and its features */
    attn__model_obs *mo = NULL; /* a front end's observers */
    attn_seq2seq_s8_params *res;
    attn_status st;
    attn__quant_marks marks;
    size_t mark;
    float *logits;
    if (!out || !cfg || !w || !src_len || !calib_tgt || !tgt_len || !store || !scratch)
        return ATTN_ERR_NULL;
    if ((st = attn__quant_s2s_check(cfg, w, calib_in, calib_src, calib_seg, src_len, calib_tgt,
                                    tgt_len, n_calib, ex, &need, &sneed)) != ATTN_OK)
        return st;
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;
    if ((st = attn__check_store(&sneed, store)) != ATTN_OK) return st;

    marks = attn__quant_begin(scratch, store);
    eo = (attn__layer_obs *)attn__take(
        scratch, (size_t)(w->encoder.n_layers + w->decoder.n_layers + 2) * sizeof(attn__layer_obs));
    logits = (float *)attn__take(scratch, (size_t)cfg->tgt_vocab * sizeof(float));
    if (calib_in || attn__s2s_front(cfg)) {
        mo = (attn__model_obs *)attn__take(scratch, sizeof(attn__model_obs));
        if (!mo) return attn__quant_done(ATTN_ERR_ARENA, scratch, store, &marks); /* (never) */
    }
    if (!eo) return attn__quant_done(ATTN_ERR_ARENA, scratch, store, &marks); /* (never) */
    mark = scratch->used;
    st = attn__s2s_calibrate(cfg, w, calib_in, calib_src, calib_seg, src_len, calib_tgt, tgt_len,
                             n_calib, eo, r, mo, logits, scratch);
    if (st != ATTN_OK) return attn__quant_done(st, scratch, store, &marks);
    scratch->used = mark; /* the calibration's cache given back: the result there */
    res = (attn_seq2seq_s8_params *)attn__take(scratch, sizeof(attn_seq2seq_s8_params));
    return attn__s2s_build(out, res, cfg, w, eo, r, calib_in || attn__s2s_front(cfg), store,
                           scratch, &marks);
}

ATTN_DEF attn_status attn_quantize_seq2seq_s8(attn_seq2seq_s8_params *out,
                                              const attn_seq2seq_cfg *cfg,
                                              const attn_seq2seq_weights_f32 *w,
                                              const int *calib_src, const int *src_len,
                                              const int *calib_tgt, const int *tgt_len,
                                              int n_calib, attn_arena *store, attn_arena *scratch)
{
    if (!calib_src) return ATTN_ERR_NULL;
    return attn__quantize_s2s(out, cfg, w, NULL, calib_src, NULL, src_len, calib_tgt, tgt_len,
                              n_calib, 0, store, scratch);
}

ATTN_DEF attn_status attn_quantize_seq2seq_ex_s8(attn_seq2seq_s8_params *out,
                                                 const attn_seq2seq_cfg *cfg,
                                                 const attn_seq2seq_weights_f32 *w,
                                                 const float *calib_input, const int *calib_src,
                                                 const int *calib_seg, const int *src_len,
                                                 const int *calib_tgt, const int *tgt_len,
                                                 int n_calib, attn_arena *store,
                                                 attn_arena *scratch)
{
    if (!calib_input == !calib_src) return ATTN_ERR_NULL;
    return attn__quantize_s2s(out, cfg, w, calib_input, calib_src, calib_seg, src_len, calib_tgt,
                              tgt_len, n_calib, 1, store, scratch);
}

static void attn__qsize_lm(attn__size *s, const attn_lm_cfg *c, const attn_lm_weights_f32 *w)
{
    attn__qsize_embed(s, c->vocab, c->max_len, c->position, c->layers.d_model);
    if (c->embed_norm) attn__qsize_norm(s, c->layers.d_model);
    attn__qsize_stack(s, &c->layers, &w->layers);
    attn__qsize_linear(s, c->layers.d_model, c->vocab, w->out_b);
}

/* The float LM's NULL / SHAPE / RANGE rules with the int8 ones. */
static attn_status attn__quant_lm_rules(const attn_lm_cfg *cfg, const attn_lm_weights_f32 *w)
{
    attn_status st, st8;
    if (!w->embed || !w->out_w || (cfg->position == ATTN_POS_LEARNED && !w->pos) ||
        !attn__encoder_weights_ok(&w->layers))
        return ATTN_ERR_NULL;
    st = attn__check_encoder_cfg(&cfg->layers);
    st8 = attn__check_encoder_cfg_s8(&cfg->layers);
    if (st == ATTN_ERR_SHAPE || st8 == ATTN_ERR_SHAPE || attn__dim_bad(cfg->vocab) ||
        attn__dim_bad(cfg->max_len) || attn__dim_bad(w->layers.n_layers))
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (st8 != ATTN_OK) return st8;
    if ((cfg->position != ATTN_POS_NONE && cfg->position != ATTN_POS_SINUSOIDAL &&
         cfg->position != ATTN_POS_LEARNED) ||
        !attn__scale_ok(cfg->embed_scale) || !cfg->layers.causal)
        return ATTN_ERR_RANGE;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_quantize_lm_store_bytes(const attn_lm_cfg *cfg,
                                                  const attn_lm_weights_f32 *w, size_t *bytes)
{
    attn_status st;
    attn__size s = {0, 0};
    if (!cfg || !w || !bytes) return ATTN_ERR_NULL;
    if ((st = attn__quant_lm_rules(cfg, w)) != ATTN_OK) return st;
    attn__qsize_lm(&s, cfg, w);
    return attn__size_result(s, bytes);
}

/* The LM quantizer's calibration (out of line, with its cache: as
   attn__s2s_calibrate): r[0] the embedded rows, r[1] after embed_norm,
   r[2] the logits; x [d] and logits scratch. */
ATTN__NOINLINE attn_status attn__lm_calibrate(const attn_lm_cfg *cfg, const attn_lm_weights_f32 *w,
                                              const int *calib, const int *calib_len, int n_calib,
                                              attn__layer_obs *obs, attn__range *r, float *x,
                                              float *logits, attn_arena *scratch)
{
    attn_kv_cache cache;
    int d = cfg->layers.d_model, nl = w->layers.n_layers, s, t;
    /* (checked by the caller: the cache fits the scratch) */
    if (attn__cache_init(&cache, nl, d, cfg->max_len, 0, scratch, sizeof(float)) != ATTN_OK)
        return ATTN_ERR_ARENA;
    attn__obs_reset((attn__range *)(void *)obs,
                    ((size_t)nl + 1) * sizeof(attn__layer_obs) / sizeof(attn__range));
    attn__obs_reset(r, 3);
    for (s = 0; s < n_calib; s++) {
        const int *tok = calib + (size_t)s * (size_t)cfg->max_len;
        cache.len = 0;
        for (t = 0; t < calib_len[s]; t++) {
            attn__embed_row_f32(x, w->embed, tok[t], t, cfg->embed_scale, cfg->position, w->pos, d);
            attn__see(&r[0], x, (size_t)d);
            attn__embed_norm_f32(x, cfg->embed_norm, w->embed_norm_w, w->embed_norm_b,
                                 cfg->layers.eps, d);
            attn__see(&r[1], x, (size_t)d);
            attn__step_f32(x, &cache, &cfg->layers, NULL, &w->layers,
                           attn__step_keys(&cache, 0, cfg->max_len, 0), scratch, obs);
            attn__matvec_f32(logits, x, w->out_w, w->out_b, d, cfg->vocab);
            attn__see(&r[2], logits, (size_t)cfg->vocab);
        }
    }
    return ATTN_OK;
}

/* The LM's int8 parameters from the calibration (out of line; its result
   struct in the scratch arena, not on the stack): *out when all of it
   succeeded. */
ATTN__NOINLINE attn_status attn__lm_build(attn_lm_s8_params *out, const attn_lm_cfg *cfg,
                                          const attn_lm_weights_f32 *w,
                                          const attn__layer_obs *obs, const attn__range *r,
                                          float *x, attn_arena *store, attn_arena *scratch,
                                          const attn__quant_marks *marks)
{
    attn__quant z;
    attn_lm_s8_params *res = (attn_lm_s8_params *)attn__take(scratch, sizeof *res);
    attn_qparams qx;
    attn_status st;
    int d = cfg->layers.d_model;
    z.st = ATTN_OK;
    z.store = store;
    memset(res, 0, sizeof *res);
    qx = attn__quant_embed(&z, &res->embed, &res->pos, &res->pos_add, w->embed, cfg->vocab,
                           w->pos, cfg->max_len, cfg->position, cfg->embed_scale, d, r[0], x);
    if (cfg->embed_norm) {
        attn_qparams qn = attn__qparams_of(&z, r[1]);
        attn__quant_norm(&z, &res->embed_norm, w->embed_norm_w, w->embed_norm_b,
                         cfg->layers.eps, d, (double)qx.scale, qn);
        qx = qn;
    }
    attn__quant_stack(&z, &res->layers, &qx, &cfg->layers, &w->layers, obs);
    {
        attn_qparams ql = attn__qparams_of(&z, r[2]);
        attn__quant_linear(&z, &res->out, w->out_w, w->out_b, d, cfg->vocab, qx, ql, 0);
        res->logit_scale = ql.scale;
        res->logit_zp = ql.zero_point;
    }
    if ((st = attn__quant_done(z.st, scratch, store, marks)) != ATTN_OK) return st;
    *out = *res;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_quantize_lm_s8(attn_lm_s8_params *out, const attn_lm_cfg *cfg,
                                         const attn_lm_weights_f32 *w, const int *calib,
                                         const int *calib_len, int n_calib, attn_arena *store,
                                         attn_arena *scratch)
{
    attn__size need, sneed = {0, 0};
    attn__layer_obs *obs;
    attn__range r[3]; /* the embedded rows, after embed_norm, the logits */
    attn_status st;
    attn__quant_marks marks;
    float *logits, *x;
    int d, nl;
    if (!out || !cfg || !w || !calib || !calib_len || !store || !scratch) return ATTN_ERR_NULL;
    st = attn__quant_lm_rules(cfg, w);
    if (st == ATTN_ERR_NULL || st == ATTN_ERR_SHAPE) return st;
    if (attn__dim_bad(n_calib)) return ATTN_ERR_SHAPE;
    if (attn__calib_tokens(calib, calib_len, n_calib, cfg->max_len, 0, 0) != ATTN_OK)
        return ATTN_ERR_SHAPE;
    if (st != ATTN_OK) return st;
    if (attn__calib_tokens(calib, calib_len, n_calib, cfg->max_len, cfg->vocab, 1) != ATTN_OK)
        return ATTN_ERR_RANGE;
    d = cfg->layers.d_model;
    nl = w->layers.n_layers;
    need = attn__cache_size(nl, d, cfg->max_len, 0, sizeof(float));
    attn__size_add(&need, (size_t)nl + 1, 1, sizeof(attn__layer_obs));
    attn__size_add(&need, (size_t)cfg->vocab, 1, sizeof(float));
    attn__size_add(&need, 1, sizeof(attn_lm_s8_params), 1); /* the result, built */
    {
        attn__size b = attn__lm_step_size(cfg, cfg->max_len, 0);
        need.overflow |= b.overflow;
        attn__size_add(&need, b.bytes, 1, 1);
    }
    attn__qsize_lm(&sneed, cfg, w);
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;
    if ((st = attn__check_store(&sneed, store)) != ATTN_OK) return st;

    marks = attn__quant_begin(scratch, store);
    obs = (attn__layer_obs *)attn__take(scratch, ((size_t)nl + 1) * sizeof(attn__layer_obs));
    logits = (float *)attn__take(scratch, (size_t)cfg->vocab * sizeof(float));
    x = (float *)attn__take(scratch, (size_t)d * sizeof(float));
    if (!obs || !x) return attn__quant_done(ATTN_ERR_ARENA, scratch, store, &marks); /* (never) */
    st = attn__lm_calibrate(cfg, w, calib, calib_len, n_calib, obs, r, x, logits, scratch);
    if (st != ATTN_OK) return attn__quant_done(st, scratch, store, &marks);
    return attn__lm_build(out, cfg, w, obs, r, x, store, scratch, &marks);
}


/* ---- quantizing additive attention --------------------------------------------- */

/* Wq (with b) or Wk as an int8 projection to the wide scale su: weights
   symmetric per output channel, the bias (if `bias`: b, or zeros if b is
   NULL) at in_scale * w_scale[a]. */
static void attn__quant_add_proj(attn__quant *z, attn_additive_proj_s8 *P, const float *w,
                                 const float *b, int bias, int d_in, int d_attn,
                                 attn_qparams qin, double su)
{
    int8_t *wq = (int8_t *)attn__qtake(z, (size_t)d_attn * (size_t)d_in);
    int32_t *bq = bias ? (int32_t *)attn__qtake(z, (size_t)d_attn * sizeof(int32_t)) : NULL;
    attn_qmul *m = (attn_qmul *)attn__qtake(z, (size_t)d_attn * sizeof(attn_qmul));
    int a, i;
    attn__qfinite(z, w, (size_t)d_attn * (size_t)d_in);
    attn__qfinite(z, b, (size_t)d_attn);
    if (z->st != ATTN_OK) return;
    for (a = 0; a < d_attn; a++) {
        const float *wa = w + (size_t)a * (size_t)d_in;
        double mx = 0.0, ws;
        for (i = 0; i < d_in; i++)
            if (fabs((double)wa[i]) > mx) mx = fabs((double)wa[i]);
        ws = mx > 0.0 ? mx / 127.0 : 1.0;
        for (i = 0; i < d_in; i++) {
            double v = attn__round_d((double)wa[i] / ws);
            wq[(size_t)a * (size_t)d_in + (size_t)i] = (int8_t)(v > 127.0 ? 127 : v < -127.0 ? -127 : (int)v);
        }
        if (bq) {
            double v = b ? attn__round_d((double)b[a] / ((double)qin.scale * ws)) : 0.0;
            bq[a] = v > 2147483647.0 ? INT32_MAX : v < -2147483648.0 ? INT32_MIN : (int32_t)v;
        }
        attn__qmul_of(z, (double)qin.scale * ws / su, &m[a]);
    }
    P->w = wq;
    P->bias = bq;
    P->mul = m;
    P->in_zp = qin.zero_point;
}

/* The parameters from the calibration's ranges (the inputs' rq, rk, rv
   and the float block's obs) into *res and the store; *io the encodings. */
ATTN__NOINLINE void attn__quant_additive_build(attn__quant *z, attn_additive_s8_params *res,
                                               attn_additive_qparams *io,
                                               const attn_additive_cfg *cfg,
                                               const attn_additive_weights_f32 *w,
                                               const attn__range *rin, const attn__add_obs *obs)
{
    attn__range rh = obs->h;
    attn_qparams qt;
    double rk, su, sv = 0.0;
    int8_t *table, *v;
    int a, i, n;
    io->q = attn__qparams_of(z, rin[0]);
    io->k = attn__qparams_of(z, rin[1]);
    io->val = attn__qparams_of(z, rin[2]);
    io->out = attn__qparams_of(z, obs->out);
    /* the table's index: the visible sums, within [-4, 4] (all of it if
       calibration saw no visible key) */
    if (rh.lo > rh.hi) {
        rh.lo = -4.0f;
        rh.hi = 4.0f;
    }
    rh.lo = rh.lo < -4.0f ? -4.0f : rh.lo > 4.0f ? 4.0f : rh.lo;
    rh.hi = rh.hi < -4.0f ? -4.0f : rh.hi > 4.0f ? 4.0f : rh.hi;
    qt = attn__qparams_of(z, rh);
    if (z->st == ATTN_OK && (obs->qp.bad != 0.0f || obs->kp.bad != 0.0f)) z->st = ATTN_ERR_RANGE;
    if (z->st != ATTN_OK) return;
    /* the wide scale: the finest s_t / 2^n (n <= 16) at which the keys'
       projections seen stay within 2^14 (half of int16) */
    rk = fabs((double)obs->kp.lo) > fabs((double)obs->kp.hi) ? fabs((double)obs->kp.lo)
                                                              : fabs((double)obs->kp.hi);
    for (n = ATTN__ADD_MAX_SHIFT; n > 0 && rk * ldexp(1.0, n) / (double)qt.scale > 16384.0; n--) {}
    su = ldexp((double)qt.scale, -n);
    attn__quant_add_proj(z, &res->q, w->wq, w->b, 1, cfg->d_q, cfg->d_attn, io->q, su);
    attn__quant_add_proj(z, &res->k, w->wk, NULL, 0, cfg->d_k, cfg->d_attn, io->k, su);
    table = (int8_t *)attn__qtake(z, 256);
    v = (int8_t *)attn__qtake(z, (size_t)cfg->d_attn);
    attn__qfinite(z, w->v, (size_t)cfg->d_attn);
    if (z->st != ATTN_OK) return;
    for (i = 0; i < 256; i++) {
        double t = attn__round_d(127.0 * tanh((double)qt.scale * (double)(i - 128 - qt.zero_point)));
        table[i] = (int8_t)(t > 127.0 ? 127 : t < -127.0 ? -127 : (int)t);
    }
    for (a = 0; a < cfg->d_attn; a++)
        if (fabs((double)w->v[a]) > sv) sv = fabs((double)w->v[a]);
    sv = sv > 0.0 ? sv / 127.0 : 1.0;
    for (a = 0; a < cfg->d_attn; a++) {
        double t = attn__round_d((double)w->v[a] / sv);
        v[a] = (int8_t)(t > 127.0 ? 127 : t < -127.0 ? -127 : (int)t);
    }
    res->t_zp = qt.zero_point;
    res->t_shift = n;
    res->tanh_table = table;
    res->v = v;
    attn__qmul_of(z, sv / 127.0 * 1.4426950408889634 * 65536.0, &res->score_mul);
    res->val_zp = io->val.zero_point;
    attn__qmul_of(z, (double)io->val.scale / (32768.0 * (double)io->out.scale), &res->ctx_mul);
    res->out_zp = io->out.zero_point;
}

ATTN_DEF attn_status attn_quantize_additive_s8(attn_additive_s8_params *out,
                                               attn_additive_qparams *io,
                                               const attn_additive_cfg *cfg,
                                               const attn_additive_weights_f32 *w,
                                               const float *calib_q, const float *calib_k,
                                               const float *calib_val,
                                               const uint8_t *key_padding, int n_calib,
                                               attn_arena *store, attn_arena *scratch)
{
    attn__quant z;
    attn__size need, sneed = {0, 0}, t = {0, 0};
    attn__add_obs obs;
    attn__range rin[3];
    attn_additive_s8_params res;
    attn_additive_qparams qio;
    attn_status st;
    attn__quant_marks marks;
    size_t nq, nk, nv, s;
    float *y;
    if (!out || !io || !cfg || !w || !calib_q || !calib_k || !calib_val || !store || !scratch)
        return ATTN_ERR_NULL;
    if (!w->wq || !w->wk || !w->v) return ATTN_ERR_NULL;
    if ((st = attn__check_additive_cfg_s8(cfg)) != ATTN_OK) return st;
    if (attn__dim_bad(n_calib)) return ATTN_ERR_SHAPE;
    need = attn__additive_size(cfg);
    attn__size_add(&need, (size_t)cfg->seq_q, (size_t)cfg->d_v, sizeof(float)); /* outputs */
    /* the calibration arrays must be addressable */
    attn__size_add(&t, (size_t)n_calib, (size_t)cfg->seq_q * (size_t)cfg->d_q, sizeof(float));
    attn__size_add(&t, (size_t)n_calib, (size_t)cfg->seq_kv * (size_t)cfg->d_k, sizeof(float));
    attn__size_add(&t, (size_t)n_calib, (size_t)cfg->seq_kv * (size_t)cfg->d_v, sizeof(float));
    attn__size_add(&t, (size_t)n_calib, (size_t)cfg->seq_kv, 1);
    need.overflow |= t.overflow;
    attn__size_add(&sneed, (size_t)cfg->d_attn, (size_t)cfg->d_q, 1);                 /* Wq    */
    attn__size_add(&sneed, (size_t)cfg->d_attn, 1, sizeof(int32_t));                  /* bias  */
    attn__size_add(&sneed, (size_t)cfg->d_attn, 1, sizeof(attn_qmul));                /* q.mul */
    attn__size_add(&sneed, (size_t)cfg->d_attn, (size_t)cfg->d_k, 1);                 /* Wk    */
    attn__size_add(&sneed, (size_t)cfg->d_attn, 1, sizeof(attn_qmul));                /* k.mul */
    attn__size_add(&sneed, 256, 1, 1);                                                 /* tanh  */
    attn__size_add(&sneed, (size_t)cfg->d_attn, 1, 1);                                 /* v     */
    if ((st = attn__check_scratch(&need, scratch)) != ATTN_OK) return st;
    if ((st = attn__check_store(&sneed, store)) != ATTN_OK) return st;

    /* calibration: the ranges over the float block's runs */
    marks = attn__quant_begin(scratch, store);
    nq = (size_t)cfg->seq_q * (size_t)cfg->d_q;
    nk = (size_t)cfg->seq_kv * (size_t)cfg->d_k;
    nv = (size_t)cfg->seq_kv * (size_t)cfg->d_v;
    y = (float *)attn__take(scratch, (size_t)cfg->seq_q * (size_t)cfg->d_v * sizeof(float));
    attn__obs_reset(rin, 3);
    attn__obs_reset((attn__range *)(void *)&obs, sizeof obs / sizeof(attn__range));
    for (s = 0; s < (size_t)n_calib; s++) {
        attn__see(&rin[0], calib_q + s * nq, nq);
        attn__see(&rin[1], calib_k + s * nk, nk);
        attn__see(&rin[2], calib_val + s * nv, nv);
        attn__additive_f32(y, calib_q + s * nq, calib_k + s * nk, calib_val + s * nv,
                           key_padding ? key_padding + s * (size_t)cfg->seq_kv : NULL, cfg, w,
                           scratch, &obs);
    }

    /* the parameters, into res and the store; *out and *io only once all
       of it succeeded (on an error the store gives its blocks back) */
    z.st = ATTN_OK;
    z.store = store;
    memset(&res, 0, sizeof res);
    memset(&qio, 0, sizeof qio);
    attn__quant_additive_build(&z, &res, &qio, cfg, w, rin, &obs);
    if ((st = attn__quant_done(z.st, scratch, store, &marks)) != ATTN_OK) return st;
    *out = res;
    *io = qio;
    return ATTN_OK;
}

#endif /* !ATTN_NO_INT8 && !ATTN_NO_FLOAT */

#if (!defined(ATTN_NO_FLOAT) || !defined(ATTN_NO_INT8)) && !defined(ATTN_NO_BLOB)
/* ---- model blobs (MODEL BLOBS) -------------------------------------------- */

/* Little-endian words of a blob, byte by byte (any host, any alignment). */
static uint32_t attn__rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void attn__wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xFFu);
    p[1] = (unsigned char)(v >> 8 & 0xFFu);
    p[2] = (unsigned char)(v >> 16 & 0xFFu);
    p[3] = (unsigned char)(v >> 24);
}

/* CRC-32 of IEEE 802.3 (zlib's crc32: reflected polynomial 0xEDB88320,
   initial and final value 0xFFFFFFFF), four bits at a time. */
static uint32_t attn__crc32(const unsigned char *p, size_t n)
{
    static const uint32_t T[16] = {0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
                                   0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
                                   0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
                                   0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        c = (c >> 4) ^ T[c & 15u];
        c = (c >> 4) ^ T[c & 15u];
    }
    return c ^ 0xFFFFFFFFu;
}

/* 1 on a little-endian host (the blob's tensors are used in place). */
static int attn__little_endian(void)
{
    uint32_t one = 1;
    unsigned char b[4];
    memcpy(b, &one, 4);
    return b[0] == 1;
}

#define ATTN__BLOB_MAGIC 0x424E5441u /* "ATNB" */
#define ATTN__BLOB_HEAD 32u          /* the fixed header                    */
#define ATTN__BLOB_ENTRY 32u         /* one tensor-table entry              */
#define ATTN__BLOB_DATA_ALIGN 16u    /* where the writer puts each tensor   */
enum { ATTN__BK_MODEL_F32 = 1, ATTN__BK_MODEL_S8 = 2, ATTN__BK_S2S_F32 = 3, ATTN__BK_S2S_S8 = 4,
       ATTN__BK_LM_F32 = 5, ATTN__BK_LM_S8 = 6 };
/* tensor dtypes: code, and bytes per element = natural alignment */
enum { ATTN__BT_F32 = 1, ATTN__BT_S8 = 2, ATTN__BT_S32 = 3, ATTN__BT_QMUL = 4 };
/* a tensor's need under the config: absent, may be absent, required */
enum { ATTN__BN_NONE = 0, ATTN__BN_OPT = 1, ATTN__BN_REQ = 2 };

/* The cursor of one pass over a blob: counting (out NULL) or writing
   (save), or reading and checking (load). Scalars are words at `word`,
   tensors entries at `entry`, their bytes (save) at `data`. */
typedef struct {
    int load;
    const unsigned char *in;  /* load: the blob                            */
    unsigned char *out;       /* save: the blob being written, or NULL     */
    size_t word, word_end;    /* the next scalar word, the end of the words */
    size_t entry, entry_end;  /* the next table entry, the table's end      */
    size_t data;              /* save: the next tensor's offset; load: the
                                 first byte a tensor may use                */
    size_t end;               /* load: the bytes before the CRC             */
    uint32_t part_layer;      /* the layer of the entries being visited     */
    uint32_t n_tensors;       /* save: entries so far                       */
    attn_status st;           /* the first error                            */
} attn__bc;

static void attn__bc_u32(attn__bc *c, uint32_t *v)
{
    if (c->st != ATTN_OK) return;
    if (c->load) {
        if (c->word_end - c->word < 4) {
            c->st = ATTN_ERR_BLOB_CORRUPT;
            return;
        }
        *v = attn__rd32(c->in + c->word);
    } else if (c->out) {
        attn__wr32(c->out + c->word, *v);
    }
    c->word += 4;
}

static int32_t attn__u32_to_i32(uint32_t u)
{
    return u <= 0x7FFFFFFFu ? (int32_t)u : -(int32_t)(~u) - 1;
}

static void attn__bc_i32(attn__bc *c, int32_t *v)
{
    uint32_t u = (uint32_t)*v;
    attn__bc_u32(c, &u);
    if (c->load && c->st == ATTN_OK) *v = attn__u32_to_i32(u);
}

static void attn__bc_int(attn__bc *c, int *v)
{
    int32_t t = (int32_t)*v;
    attn__bc_i32(c, &t);
    if (c->load) *v = (int)t;
}

/* a flag (saved as 0 or 1; a loaded one must be 0 or 1) */
static void attn__bc_flag(attn__bc *c, int *v)
{
    uint32_t u = *v != 0;
    attn__bc_u32(c, &u);
    if (!c->load || c->st != ATTN_OK) return;
    if (u > 1) c->st = ATTN_ERR_BLOB_CORRUPT;
    else *v = (int)u;
}

/* an enum's value in 0..max (loaded: checked before it is converted) */
static int attn__bc_enum(attn__bc *c, int v, int max)
{
    uint32_t u = (uint32_t)v;
    attn__bc_u32(c, &u);
    if (!c->load || c->st != ATTN_OK) return v;
    if (u > (uint32_t)max) {
        c->st = ATTN_ERR_BLOB_CORRUPT;
        return 0;
    }
    return (int)u;
}

/* a float's bits (a loaded one must be finite) */
static void attn__bc_float(attn__bc *c, float *v)
{
    uint32_t u;
    memcpy(&u, v, 4);
    attn__bc_u32(c, &u);
    if (!c->load || c->st != ATTN_OK) return;
    if ((u & 0x7F800000u) == 0x7F800000u) c->st = ATTN_ERR_BLOB_CORRUPT;
    else memcpy(v, &u, 4);
}

static void attn__bc_enc_cfg(attn__bc *c, attn_encoder_cfg *e)
{
    attn__bc_int(c, &e->d_model);
    attn__bc_int(c, &e->n_heads);
    attn__bc_int(c, &e->d_ff);
    e->activation = (attn_activation)attn__bc_enum(c, (int)e->activation, 2);
    attn__bc_flag(c, &e->norm_first);
    attn__bc_flag(c, &e->causal);
    attn__bc_float(c, &e->eps);
    attn__bc_int(c, &e->window);
}

/* One tensor: save writes its entry and bytes (when present and needed),
   load finds its entry (the next one in the table, if its id and layer
   are this tensor's) and checks it; returns the tensor (load: in the
   blob, or NULL when absent). rows x cols elements of dtype t. */
static const void *attn__bc_tensor(attn__bc *c, const void *p, uint32_t id, uint32_t t, int rows,
                                   int cols, int need)
{
    static const unsigned char elem[5] = {0, 4, 1, 4, 8}, align[5] = {0, 4, 1, 4, 4};
    const unsigned char *e;
    uint64_t bytes;
    uint32_t off, size, al;
    if (c->st != ATTN_OK) return p;
    if (!c->load) {
        if (need == ATTN__BN_NONE || (!p && need == ATTN__BN_OPT)) return p;
        if (!p) {
            c->st = ATTN_ERR_NULL;
            return p;
        }
        bytes = (uint64_t)(uint32_t)rows * (uint32_t)cols * elem[t];
        c->data = (c->data + (ATTN__BLOB_DATA_ALIGN - 1)) & ~(size_t)(ATTN__BLOB_DATA_ALIGN - 1);
        if (c->out) {
            unsigned char *o = c->out + c->entry;
            attn__wr32(o, id);
            attn__wr32(o + 4, c->part_layer);
            attn__wr32(o + 8, t);
            attn__wr32(o + 12, (uint32_t)rows);
            attn__wr32(o + 16, (uint32_t)cols);
            attn__wr32(o + 20, (uint32_t)c->data);
            attn__wr32(o + 24, (uint32_t)bytes);
            attn__wr32(o + 28, ATTN__BLOB_DATA_ALIGN);
            memcpy(c->out + c->data, p, (size_t)bytes);
        }
        c->entry += ATTN__BLOB_ENTRY;
        c->data += (size_t)bytes;
        c->n_tensors++;
        return p;
    }
    e = c->in + c->entry;
    if (c->entry == c->entry_end || attn__rd32(e) != id || attn__rd32(e + 4) != c->part_layer) {
        if (need == ATTN__BN_REQ) c->st = ATTN_ERR_BLOB_CORRUPT; /* a required one absent */
        return NULL;
    }
    c->entry += ATTN__BLOB_ENTRY;
    bytes = (uint64_t)(uint32_t)rows * (uint32_t)cols * elem[t];
    off = attn__rd32(e + 20);
    size = attn__rd32(e + 24);
    al = attn__rd32(e + 28);
    if (need == ATTN__BN_NONE || attn__rd32(e + 8) != t || attn__rd32(e + 12) != (uint32_t)rows ||
        attn__rd32(e + 16) != (uint32_t)cols || bytes != size || al < align[t] || al > 16 ||
        (al & (al - 1)) != 0 || off % al != 0 || off < c->data || off > c->end ||
        size > c->end - off) {
        c->st = ATTN_ERR_BLOB_CORRUPT;
        return NULL;
    }
    return c->in + off;
}

static void attn__bc_layer(attn__bc *c, uint32_t layer)
{
    c->part_layer = layer;
}

/* The header's fields (offsets 0..31). */
typedef struct {
    uint32_t kind, total, n_config, n_params, n_tensors;
} attn__bhead;

/* The checks every loader makes first, in the documented order: the host,
   the blob's place, its size, magic, version, kind, recorded size, CRC,
   the sections' bounds. Fills *h. */
static attn_status attn__blob_open(attn__bhead *h, const void *blob, size_t size, uint32_t kind,
                                   uint32_t n_config)
{
    const unsigned char *b = (const unsigned char *)blob;
    uint32_t k, total;
    size_t words;
    if (!attn__little_endian() || ((uintptr_t)blob & 3u) != 0) return ATTN_ERR_BLOB_UNSUPPORTED;
    if (size < ATTN__BLOB_HEAD) return ATTN_ERR_BLOB_TRUNCATED;
    if (attn__rd32(b) != ATTN__BLOB_MAGIC) return ATTN_ERR_BLOB_MAGIC;
    if (attn__rd32(b + 4) != 1) return ATTN_ERR_BLOB_VERSION;
    k = attn__rd32(b + 8);
    if (k < ATTN__BK_MODEL_F32 || k > ATTN__BK_LM_S8) return ATTN_ERR_BLOB_CORRUPT;
    if (k != kind) return ATTN_ERR_BLOB_UNSUPPORTED;
    total = attn__rd32(b + 12);
    if (total > size) return ATTN_ERR_BLOB_TRUNCATED;
    if (total < ATTN__BLOB_HEAD + 4 || total % 4 != 0) return ATTN_ERR_BLOB_CORRUPT;
    if (attn__crc32(b, (size_t)total - 4) != attn__rd32(b + total - 4)) return ATTN_ERR_BLOB_CORRUPT;
    h->kind = k;
    h->total = total;
    h->n_config = attn__rd32(b + 16);
    h->n_params = attn__rd32(b + 20);
    h->n_tensors = attn__rd32(b + 24);
    /* the words and the table within the bytes before the CRC */
    words = ((size_t)total - 4 - ATTN__BLOB_HEAD) / 4;
    if (attn__rd32(b + 28) != 0 || h->n_config != n_config || words < n_config ||
        h->n_params > words - n_config ||
        h->n_tensors > (words - n_config - h->n_params) / (ATTN__BLOB_ENTRY / 4))
        return ATTN_ERR_BLOB_CORRUPT;
    return ATTN_OK;
}

/* A load's cursor after the header: the config words first. */
static void attn__blob_cursor(attn__bc *c, const void *blob, const attn__bhead *h)
{
    memset(c, 0, sizeof *c);
    c->load = 1;
    c->in = (const unsigned char *)blob;
    c->word = ATTN__BLOB_HEAD;
    c->word_end = ATTN__BLOB_HEAD + 4 * ((size_t)h->n_config + h->n_params);
    c->entry = c->word_end;
    c->entry_end = c->entry + (size_t)h->n_tensors * ATTN__BLOB_ENTRY;
    c->data = c->entry_end;
    c->end = (size_t)h->total - 4;
    c->st = ATTN_OK;
}

/* After the params pass: every word and every entry used. */
static attn_status attn__blob_done(const attn__bc *c)
{
    if (c->st != ATTN_OK) return c->st;
    return c->word == c->word_end && c->entry == c->entry_end ? ATTN_OK : ATTN_ERR_BLOB_CORRUPT;
}

/* The arena for a load: `keep` bytes that stay (the layer structs) and a
   temporary `tmp` (the candidate struct, given back). Sizes overflowing
   are ATTN_ERR_ARENA (no arena holds them). */
static attn_status attn__blob_arena(attn_arena *arena, const attn__size *keep, size_t tmp)
{
    attn__size s = *keep;
    attn__size_add(&s, tmp, 1, 1);
    return s.overflow || s.bytes > attn__arena_free(arena) ? ATTN_ERR_ARENA : ATTN_OK;
}

/* Save's framing around a kind's two passes: the header, then `visit`
   counts (out NULL) and writes. */
typedef struct {
    size_t n_config, n_params;
    uint32_t n_tensors;
    size_t data_end;
} attn__blayout;

static void attn__bc_save_init(attn__bc *c, unsigned char *out, const attn__blayout *L)
{
    memset(c, 0, sizeof *c);
    c->out = out;
    c->word = ATTN__BLOB_HEAD;
    c->entry = ATTN__BLOB_HEAD + 4 * (L ? L->n_config + L->n_params : 0);
    c->data = L ? c->entry + (size_t)L->n_tensors * ATTN__BLOB_ENTRY : 0;
    c->st = ATTN_OK;
}

/* The blob's size from the counting pass (the table, then the data from
   an aligned offset), or 0 if it would not fit 32 bits of size. */
static size_t attn__blob_size(attn__blayout *L, const attn__bc *count, size_t n_config)
{
    uint64_t table, data, total;
    L->n_config = n_config;
    L->n_params = (count->word - ATTN__BLOB_HEAD) / 4 - n_config;
    L->n_tensors = count->n_tensors;
    table = ATTN__BLOB_HEAD + 4 * (uint64_t)(L->n_config + L->n_params) +
            (uint64_t)L->n_tensors * ATTN__BLOB_ENTRY;
    /* count->data: the data's bytes laid out from 0 with each tensor at a
       multiple of 16: from an aligned start they stay where they are */
    data = (table + 15u) / 16u * 16u;
    total = (data + count->data + 3u) / 4u * 4u + 4u;
    if (total > 0xFFFFFFFFu) return 0;
#if SIZE_MAX < 0xFFFFFFFFu
    if (total > (uint64_t)SIZE_MAX) return 0;
#endif
    L->data_end = (size_t)(data + count->data);
    return (size_t)total;
}

/* The header and CRC around the written words, table and data. */
static void attn__blob_seal(unsigned char *b, size_t total, uint32_t kind, const attn__blayout *L)
{
    attn__wr32(b, ATTN__BLOB_MAGIC);
    attn__wr32(b + 4, 1);
    attn__wr32(b + 8, kind);
    attn__wr32(b + 12, (uint32_t)total);
    attn__wr32(b + 16, (uint32_t)L->n_config);
    attn__wr32(b + 20, (uint32_t)L->n_params);
    attn__wr32(b + 24, L->n_tensors);
    attn__wr32(b + 28, 0);
    attn__wr32(b + total - 4, attn__crc32(b, total - 4));
}

/* A classifier's config words: attn_model_cfg, then the stack's n_layers
   and final_norm (st[0], st[1]). */
static void attn__bc_model_cfg(attn__bc *c, attn_model_cfg *m, int *st, int n_st)
{
    int k;
    attn__bc_enc_cfg(c, &m->encoder);
    attn__bc_int(c, &m->d_in);
    attn__bc_int(c, &m->max_seq);
    m->position = (attn_position)attn__bc_enum(c, (int)m->position, 2);
    m->pooling = (attn_pooling)attn__bc_enum(c, (int)m->pooling, 2);
    attn__bc_int(c, &m->n_classes);
    attn__bc_flag(c, &m->cls_token);
    attn__bc_flag(c, &m->embed_norm);
    attn__bc_int(c, &m->patch);
    attn__bc_int(c, &m->channels);
    attn__bc_int(c, &m->image_h);
    attn__bc_int(c, &m->image_w);
    attn__bc_int(c, &m->vocab);
    attn__bc_int(c, &m->n_segments);
    attn__bc_int(c, &st[0]);
    for (k = 1; k < n_st; k++) attn__bc_flag(c, &st[k]);
}

/* the rows the model is checked with: an image's squares, else 1 */
static int attn__blob_model_seq(const attn_model_cfg *m)
{
    int64_t n;
    if (m->patch <= 0 || m->image_h <= 0 || m->image_w <= 0) return 1;
    n = (int64_t)(m->image_h / m->patch) * (m->image_w / m->patch);
    return n > 0 && n <= ATTN_MAX_DIM ? (int)n : 0;
}

/* the token entry's shapes (a model with a vocabulary is a token model) */
static int attn__blob_tokens_bad(const attn_model_cfg *m)
{
    return m->vocab > 0 && m->patch != 0;
}

#define ATTN__BLOB_MODEL_WORDS 23

/* An encoder-decoder's config words: attn_seq2seq_cfg, then the stacks'
   n_layers and final_norm (encoder, decoder). */
static void attn__bc_s2s_cfg(attn__bc *c, attn_seq2seq_cfg *m, int *st)
{
    attn__bc_enc_cfg(c, &m->encoder);
    attn__bc_enc_cfg(c, &m->decoder);
    attn__bc_int(c, &m->src_vocab);
    attn__bc_int(c, &m->tgt_vocab);
    attn__bc_int(c, &m->max_src);
    attn__bc_int(c, &m->max_tgt);
    m->position = (attn_position)attn__bc_enum(c, (int)m->position, 2);
    attn__bc_float(c, &m->embed_scale);
    attn__bc_flag(c, &m->embed_norm);
    attn__bc_int(c, &m->src_d_in);
    attn__bc_int(c, &m->src_patch);
    attn__bc_int(c, &m->src_channels);
    attn__bc_int(c, &m->src_image_h);
    attn__bc_int(c, &m->src_image_w);
    attn__bc_flag(c, &m->src_cls_token);
    attn__bc_int(c, &m->src_segments);
    attn__bc_int(c, &st[0]);
    attn__bc_flag(c, &st[1]);
    attn__bc_int(c, &st[2]);
    attn__bc_flag(c, &st[3]);
}

#define ATTN__BLOB_S2S_WORDS 34

/* the source's front-end shapes as the _ex calls check them (an image's
   squares, + the CLS row, within max_src) */
static int attn__blob_s2s_src_bad(const attn_seq2seq_cfg *m, int n_enc)
{
    attn_model_cfg t;
    attn__s2s_src_cfg(&t, m);
    return attn__s2s_src_rules(m, NULL, NULL, attn__blob_model_seq(&t), n_enc, 0) != ATTN_OK;
}


#endif /* blobs */

#if !defined(ATTN_NO_FLOAT) && !defined(ATTN_NO_BLOB)
/* ---- model blobs: float -------------------------------------------------- */

static void attn__bc_f32(attn__bc *c, const float **p, uint32_t id, int rows, int cols, int need)
{
    const void *r = attn__bc_tensor(c, *p, id, ATTN__BT_F32, rows, cols, need);
    if (c->load) *p = (const float *)r;
}

static void attn__bc_mha_f32(attn__bc *c, attn_mha_weights_f32 *w, uint32_t id, int d)
{
    attn__bc_f32(c, &w->wq, id, d, d, ATTN__BN_REQ);
    attn__bc_f32(c, &w->wk, id + 1, d, d, ATTN__BN_REQ);
    attn__bc_f32(c, &w->wv, id + 2, d, d, ATTN__BN_REQ);
    attn__bc_f32(c, &w->bq, id + 3, d, 1, ATTN__BN_OPT);
    attn__bc_f32(c, &w->bk, id + 4, d, 1, ATTN__BN_OPT);
    attn__bc_f32(c, &w->bv, id + 5, d, 1, ATTN__BN_OPT);
    attn__bc_f32(c, &w->wo, id + 6, d, d, ATTN__BN_REQ);
    attn__bc_f32(c, &w->bo, id + 7, d, 1, ATTN__BN_OPT);
}

/* a feed-forward block's four tensors, then n_norms LayerNorms' */
static void attn__bc_ff_f32(attn__bc *c, const float **ff, const float **norms, int n_norms,
                            uint32_t id, const attn_encoder_cfg *e)
{
    int d = e->d_model, k;
    attn__bc_f32(c, &ff[0], id, e->d_ff, d, ATTN__BN_REQ);
    attn__bc_f32(c, &ff[1], id + 1, e->d_ff, 1, ATTN__BN_OPT);
    attn__bc_f32(c, &ff[2], id + 2, d, e->d_ff, ATTN__BN_REQ);
    attn__bc_f32(c, &ff[3], id + 3, d, 1, ATTN__BN_OPT);
    for (k = 0; k < 2 * n_norms; k++)
        attn__bc_f32(c, &norms[k], id + 4 + (uint32_t)k, d, 1, ATTN__BN_OPT);
}

static void attn__bc_enc_layer_f32(attn__bc *c, attn_encoder_layer_weights_f32 *w,
                                   const attn_encoder_cfg *e)
{
    const float *ff[4], *nm[4];
    ff[0] = w->ff1_w; ff[1] = w->ff1_b; ff[2] = w->ff2_w; ff[3] = w->ff2_b;
    nm[0] = w->norm1_w; nm[1] = w->norm1_b; nm[2] = w->norm2_w; nm[3] = w->norm2_b;
    attn__bc_mha_f32(c, &w->attn, 0x100, e->d_model);
    attn__bc_ff_f32(c, ff, nm, 2, 0x108, e);
    if (!c->load) return;
    w->ff1_w = ff[0]; w->ff1_b = ff[1]; w->ff2_w = ff[2]; w->ff2_b = ff[3];
    w->norm1_w = nm[0]; w->norm1_b = nm[1]; w->norm2_w = nm[2]; w->norm2_b = nm[3];
}

static void attn__bc_dec_layer_f32(attn__bc *c, attn_decoder_layer_weights_f32 *w,
                                   const attn_encoder_cfg *e)
{
    const float *ff[4], *nm[6];
    ff[0] = w->ff1_w; ff[1] = w->ff1_b; ff[2] = w->ff2_w; ff[3] = w->ff2_b;
    nm[0] = w->norm1_w; nm[1] = w->norm1_b; nm[2] = w->norm2_w; nm[3] = w->norm2_b;
    nm[4] = w->norm3_w; nm[5] = w->norm3_b;
    attn__bc_mha_f32(c, &w->self_attn, 0x200, e->d_model);
    attn__bc_mha_f32(c, &w->cross_attn, 0x208, e->d_model);
    attn__bc_ff_f32(c, ff, nm, 3, 0x210, e);
    if (!c->load) return;
    w->ff1_w = ff[0]; w->ff1_b = ff[1]; w->ff2_w = ff[2]; w->ff2_b = ff[3];
    w->norm1_w = nm[0]; w->norm1_b = nm[1]; w->norm2_w = nm[2]; w->norm2_b = nm[3];
    w->norm3_w = nm[4]; w->norm3_b = nm[5];
}

static void attn__bc_model_f32(attn__bc *c, const attn_model_cfg *m, attn_model_weights_f32 *w,
                               attn_encoder_layer_weights_f32 *layers)
{
    int d = m->encoder.d_model, l, emb = m->vocab == 0 && m->d_in > 0;
    int tok = m->vocab > 0, fin = w->encoder.final_norm ? ATTN__BN_OPT : ATTN__BN_NONE;
    attn__bc_layer(c, 0);
    attn__bc_f32(c, &w->embed_w, 1, d, m->d_in, emb ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->embed_b, 2, d, 1, emb ? ATTN__BN_OPT : ATTN__BN_NONE);
    attn__bc_f32(c, &w->pos, 3, m->max_seq, d,
                 m->position == ATTN_POS_LEARNED ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->cls_w, 4, m->n_classes, d, ATTN__BN_REQ);
    attn__bc_f32(c, &w->cls_b, 5, m->n_classes, 1, ATTN__BN_OPT);
    attn__bc_f32(c, &w->cls_token, 6, d, 1, m->cls_token ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->pool_w, 7, d, 1,
                 m->pooling == ATTN_POOL_ATTENTION ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->token_embed, 8, m->vocab, d, tok ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->segment_embed, 9, m->n_segments, d,
                 tok && m->n_segments > 0 ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->embed_norm_w, 10, d, 1, m->embed_norm ? ATTN__BN_OPT : ATTN__BN_NONE);
    attn__bc_f32(c, &w->embed_norm_b, 11, d, 1, m->embed_norm ? ATTN__BN_OPT : ATTN__BN_NONE);
    attn__bc_f32(c, &w->encoder.norm_w, 12, d, 1, fin);
    attn__bc_f32(c, &w->encoder.norm_b, 13, d, 1, fin);
    for (l = 0; l < w->encoder.n_layers && c->st == ATTN_OK; l++) {
        attn__bc_layer(c, (uint32_t)l);
        attn__bc_enc_layer_f32(c, &layers[l], &m->encoder);
    }
}

ATTN_DEF attn_status attn_model_save_f32(void *buf, size_t cap, size_t *size,
                                         const attn_model_cfg *cfg,
                                         const attn_model_weights_f32 *w)
{
    attn__bc c;
    attn__blayout L;
    attn_model_cfg m;
    attn_status st;
    size_t total;
    int s[2], pass;
    if (!size || !cfg || !w) return ATTN_ERR_NULL;
    if (!attn__model_weights_ok(cfg, w, cfg->vocab > 0)) return ATTN_ERR_NULL;
    if ((st = attn__model_cfg_check(cfg, attn__blob_model_seq(cfg), w->encoder.n_layers)) != ATTN_OK)
        return st;
    if (attn__blob_tokens_bad(cfg)) return ATTN_ERR_SHAPE;
    m = *cfg; /* (the visitors read a saved struct and never write it: the
                 cfg's enums are assigned back, so it is copied) */
    total = 0;
    for (pass = 0; pass < 2; pass++) {
        attn__bc_save_init(&c, pass ? (unsigned char *)buf : NULL, pass ? &L : NULL);
        s[0] = w->encoder.n_layers;
        s[1] = w->encoder.final_norm;
        attn__bc_model_cfg(&c, &m, s, 2);
        attn__bc_model_f32(&c, &m, (attn_model_weights_f32 *)w,
                           (attn_encoder_layer_weights_f32 *)w->encoder.layers);
        if (c.st != ATTN_OK) return c.st;
        if (pass) break;
        if ((total = attn__blob_size(&L, &c, ATTN__BLOB_MODEL_WORDS)) == 0) return ATTN_ERR_TOO_LARGE;
        if (!buf) {
            *size = total;
            return ATTN_OK;
        }
        if (cap < total) return ATTN_ERR_ARENA;
        memset(buf, 0, total);
    }
    attn__blob_seal((unsigned char *)buf, total, ATTN__BK_MODEL_F32, &L);
    *size = total;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_model_load_f32(attn_model_cfg *cfg, attn_model_weights_f32 *w,
                                         const void *blob, size_t size, attn_arena *arena)
{
    attn__bhead h;
    attn__bc c;
    attn_model_cfg m;
    attn__size keep = {0, 0};
    attn_encoder_layer_weights_f32 *layers;
    attn_model_weights_f32 *v;
    size_t used, hw;
    attn_status st;
    int s[2];
    if (!cfg || !w || !blob || !arena) return ATTN_ERR_NULL;
    if ((st = attn__blob_open(&h, blob, size, ATTN__BK_MODEL_F32, ATTN__BLOB_MODEL_WORDS)) != ATTN_OK)
        return st;
    /* the config */
    attn__blob_cursor(&c, blob, &h);
    memset(&m, 0, sizeof m);
    s[0] = s[1] = 0;
    attn__bc_model_cfg(&c, &m, s, 2);
    if (c.st != ATTN_OK || attn__model_cfg_check(&m, attn__blob_model_seq(&m), s[0]) != ATTN_OK ||
        attn__blob_tokens_bad(&m) || (uint32_t)s[0] > h.n_tensors || h.n_params != 0)
        return ATTN_ERR_BLOB_CORRUPT;
    /* the arena: the layers stay, the candidate struct is given back */
    attn__size_add(&keep, (size_t)s[0], sizeof *layers, 1);
    if ((st = attn__blob_arena(arena, &keep, sizeof *v)) != ATTN_OK) return st;
    used = arena->used;
    hw = arena->high_water;
    layers = (attn_encoder_layer_weights_f32 *)attn__take(arena, keep.bytes);
    v = (attn_model_weights_f32 *)attn__take(arena, sizeof *v);
    memset(layers, 0, keep.bytes);
    memset(v, 0, sizeof *v);
    v->encoder.n_layers = s[0];
    v->encoder.final_norm = s[1];
    /* the tensors */
    attn__bc_model_f32(&c, &m, v, layers);
    v->encoder.layers = layers;
    if (attn__blob_done(&c) != ATTN_OK || !attn__model_weights_ok(&m, v, m.vocab > 0)) {
        arena->used = used;
        arena->high_water = hw;
        return ATTN_ERR_BLOB_CORRUPT;
    }
    *cfg = m;
    *w = *v;
    arena->used = used + ATTN_ALIGN_UP(keep.bytes);
    return ATTN_OK;
}

static void attn__bc_s2s_f32(attn__bc *c, const attn_seq2seq_cfg *m, attn_seq2seq_weights_f32 *w,
                             attn_encoder_layer_weights_f32 *enc,
                             attn_decoder_layer_weights_f32 *dec)
{
    int d = m->encoder.d_model, l, lrn = m->position == ATTN_POS_LEARNED ? ATTN__BN_REQ : ATTN__BN_NONE;
    int nm = m->embed_norm ? ATTN__BN_OPT : ATTN__BN_NONE, fe = w->encoder.final_norm ? ATTN__BN_OPT : ATTN__BN_NONE;
    int fd = w->decoder.final_norm ? ATTN__BN_OPT : ATTN__BN_NONE, din = m->src_d_in > 0;
    attn__bc_layer(c, 0);
    attn__bc_f32(c, &w->src_embed, 1, m->src_vocab, d, din ? ATTN__BN_NONE : ATTN__BN_REQ);
    attn__bc_f32(c, &w->tgt_embed, 2, m->tgt_vocab, d, ATTN__BN_REQ);
    attn__bc_f32(c, &w->src_pos, 3, m->max_src, d, lrn);
    attn__bc_f32(c, &w->tgt_pos, 4, m->max_tgt, d, lrn);
    attn__bc_f32(c, &w->out_w, 5, m->tgt_vocab, d, ATTN__BN_REQ);
    attn__bc_f32(c, &w->out_b, 6, m->tgt_vocab, 1, ATTN__BN_OPT);
    attn__bc_f32(c, &w->src_embed_norm_w, 7, d, 1, nm);
    attn__bc_f32(c, &w->src_embed_norm_b, 8, d, 1, nm);
    attn__bc_f32(c, &w->tgt_embed_norm_w, 9, d, 1, nm);
    attn__bc_f32(c, &w->tgt_embed_norm_b, 10, d, 1, nm);
    attn__bc_f32(c, &w->src_embed_w, 11, d, m->src_d_in, din ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->src_embed_b, 12, d, 1, din ? ATTN__BN_OPT : ATTN__BN_NONE);
    attn__bc_f32(c, &w->src_cls_token, 13, d, 1, m->src_cls_token ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->src_segment_embed, 14, m->src_segments, d,
                 m->src_segments > 0 ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_f32(c, &w->encoder.norm_w, 15, d, 1, fe);
    attn__bc_f32(c, &w->encoder.norm_b, 16, d, 1, fe);
    attn__bc_f32(c, &w->decoder.norm_w, 17, d, 1, fd);
    attn__bc_f32(c, &w->decoder.norm_b, 18, d, 1, fd);
    for (l = 0; l < w->encoder.n_layers && c->st == ATTN_OK; l++) {
        attn__bc_layer(c, (uint32_t)l);
        attn__bc_enc_layer_f32(c, &enc[l], &m->encoder);
    }
    for (l = 0; l < w->decoder.n_layers && c->st == ATTN_OK; l++) {
        attn__bc_layer(c, (uint32_t)l);
        attn__bc_dec_layer_f32(c, &dec[l], &m->decoder);
    }
}

ATTN_DEF attn_status attn_seq2seq_save_f32(void *buf, size_t cap, size_t *size,
                                           const attn_seq2seq_cfg *cfg,
                                           const attn_seq2seq_weights_f32 *w)
{
    attn__bc c;
    attn__blayout L;
    attn_seq2seq_cfg m;
    attn_status st;
    size_t total;
    int s[4], pass;
    if (!size || !cfg || !w) return ATTN_ERR_NULL;
    if (!attn__s2s_weights_ok(cfg, w)) return ATTN_ERR_NULL;
    if ((st = attn__s2s_cfg_check(cfg, w->encoder.n_layers, w->decoder.n_layers)) != ATTN_OK)
        return st;
    if (attn__blob_s2s_src_bad(cfg, w->encoder.n_layers)) return ATTN_ERR_SHAPE;
    m = *cfg;
    total = 0;
    for (pass = 0; pass < 2; pass++) {
        attn__bc_save_init(&c, pass ? (unsigned char *)buf : NULL, pass ? &L : NULL);
        s[0] = w->encoder.n_layers;
        s[1] = w->encoder.final_norm;
        s[2] = w->decoder.n_layers;
        s[3] = w->decoder.final_norm;
        attn__bc_s2s_cfg(&c, &m, s);
        attn__bc_s2s_f32(&c, &m, (attn_seq2seq_weights_f32 *)w,
                         (attn_encoder_layer_weights_f32 *)w->encoder.layers,
                         (attn_decoder_layer_weights_f32 *)w->decoder.layers);
        if (c.st != ATTN_OK) return c.st;
        if (pass) break;
        if ((total = attn__blob_size(&L, &c, ATTN__BLOB_S2S_WORDS)) == 0) return ATTN_ERR_TOO_LARGE;
        if (!buf) {
            *size = total;
            return ATTN_OK;
        }
        if (cap < total) return ATTN_ERR_ARENA;
        memset(buf, 0, total);
    }
    attn__blob_seal((unsigned char *)buf, total, ATTN__BK_S2S_F32, &L);
    *size = total;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_seq2seq_load_f32(attn_seq2seq_cfg *cfg, attn_seq2seq_weights_f32 *w,
                                           const void *blob, size_t size, attn_arena *arena)
{
    attn__bhead h;
    attn__bc c;
    attn_seq2seq_cfg m;
    attn__size keep = {0, 0};
    attn_encoder_layer_weights_f32 *enc;
    attn_decoder_layer_weights_f32 *dec;
    attn_seq2seq_weights_f32 *v;
    size_t used, hw, ne;
    attn_status st;
    int s[4];
    if (!cfg || !w || !blob || !arena) return ATTN_ERR_NULL;
    if ((st = attn__blob_open(&h, blob, size, ATTN__BK_S2S_F32, ATTN__BLOB_S2S_WORDS)) != ATTN_OK)
        return st;
    attn__blob_cursor(&c, blob, &h);
    memset(&m, 0, sizeof m);
    s[0] = s[1] = s[2] = s[3] = 0;
    attn__bc_s2s_cfg(&c, &m, s);
    if (c.st != ATTN_OK || attn__s2s_cfg_check(&m, s[0], s[2]) != ATTN_OK ||
        attn__blob_s2s_src_bad(&m, s[0]) || (uint32_t)s[0] > h.n_tensors ||
        (uint32_t)s[2] > h.n_tensors || h.n_params != 0)
        return ATTN_ERR_BLOB_CORRUPT;
    attn__size_add(&keep, (size_t)s[0], sizeof *enc, 1);
    ne = ATTN_ALIGN_UP(keep.bytes);
    attn__size_add(&keep, (size_t)s[2], sizeof *dec, 1);
    if ((st = attn__blob_arena(arena, &keep, sizeof *v)) != ATTN_OK) return st;
    used = arena->used;
    hw = arena->high_water;
    enc = (attn_encoder_layer_weights_f32 *)attn__take(arena, (size_t)s[0] * sizeof *enc);
    dec = (attn_decoder_layer_weights_f32 *)attn__take(arena, (size_t)s[2] * sizeof *dec);
    v = (attn_seq2seq_weights_f32 *)attn__take(arena, sizeof *v);
    memset(enc, 0, (size_t)s[0] * sizeof *enc);
    memset(dec, 0, (size_t)s[2] * sizeof *dec);
    memset(v, 0, sizeof *v);
    v->encoder.n_layers = s[0];
    v->encoder.final_norm = s[1];
    v->decoder.n_layers = s[2];
    v->decoder.final_norm = s[3];
    attn__bc_s2s_f32(&c, &m, v, enc, dec);
    v->encoder.layers = enc;
    v->decoder.layers = dec;
    if (attn__blob_done(&c) != ATTN_OK || !attn__s2s_weights_ok(&m, v)) {
        arena->used = used;
        arena->high_water = hw;
        return ATTN_ERR_BLOB_CORRUPT;
    }
    *cfg = m;
    *w = *v;
    arena->used = used + ne + ATTN_ALIGN_UP((size_t)s[2] * sizeof *dec);
    return ATTN_OK;
}
#endif /* ATTN_NO_FLOAT */

#if !defined(ATTN_NO_INT8) && !defined(ATTN_NO_BLOB)
/* ---- model blobs: int8 --------------------------------------------------- */

/* an int8 model's cfg eps (its layer norms carry their own): > 0 as a
   float model's, so that a blob's config is one a float model could have */
static int attn__blob_eps_bad(const attn_encoder_cfg *e)
{
    return !(e->eps > 0.0f);
}

static void attn__bc_i64(attn__bc *c, int64_t *v)
{
    uint64_t u = (uint64_t)*v;
    uint32_t lo = (uint32_t)(u & 0xFFFFFFFFu), hi = (uint32_t)(u >> 32);
    attn__bc_u32(c, &lo);
    attn__bc_u32(c, &hi);
    if (c->load && c->st == ATTN_OK) {
        u = (uint64_t)hi << 32 | lo;
        *v = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    }
}

static void attn__bc_s8(attn__bc *c, const int8_t **p, uint32_t id, int rows, int cols, int need)
{
    const void *r = attn__bc_tensor(c, *p, id, ATTN__BT_S8, rows, cols, need);
    if (c->load) *p = (const int8_t *)r;
}

static void attn__bc_s32(attn__bc *c, const int32_t **p, uint32_t id, int n, int need)
{
    const void *r = attn__bc_tensor(c, *p, id, ATTN__BT_S32, n, 1, need);
    if (c->load) *p = (const int32_t *)r;
}

static void attn__bc_qmuls(attn__bc *c, const attn_qmul **p, uint32_t id, int n, int need)
{
    const void *r = attn__bc_tensor(c, *p, id, ATTN__BT_QMUL, n, 1, need);
    if (c->load) *p = (const attn_qmul *)r;
}

static void attn__bc_qmul(attn__bc *c, attn_qmul *q)
{
    attn__bc_i32(c, &q->multiplier);
    attn__bc_i32(c, &q->shift);
}

/* an optional tensor of a needed block (bias, beta, fused_bias) */
static int attn__bn_opt(int need)
{
    return need == ATTN__BN_NONE ? ATTN__BN_NONE : ATTN__BN_OPT;
}

/* a linear's 4 words and 4 tensors (ids id..id+3): w [out][in], bias,
   requant, fused_bias [out] */
static void attn__bc_linear_s8(attn__bc *c, attn_linear_s8_params *p, uint32_t id, int in, int out,
                               int need)
{
    attn__bc_i32(c, &p->in_zp);
    attn__bc_i32(c, &p->out_zp);
    attn__bc_i32(c, &p->act_min);
    attn__bc_i32(c, &p->act_max);
    attn__bc_s8(c, &p->w, id, out, in, need);
    attn__bc_s32(c, &p->bias, id + 1, out, attn__bn_opt(need));
    attn__bc_qmuls(c, &p->requant, id + 2, out, need);
    attn__bc_s32(c, &p->fused_bias, id + 3, out, attn__bn_opt(need));
}

/* a layer norm's 3 words (eps low, high, out_zp) and 2 tensors (gamma, beta) */
static void attn__bc_norm_s8(attn__bc *c, attn_layernorm_s8_params *p, uint32_t id, int d, int need)
{
    attn__bc_i64(c, &p->eps);
    attn__bc_i32(c, &p->out_zp);
    attn__bc_qmuls(c, &p->gamma, id, d, need);
    attn__bc_s32(c, &p->beta, id + 1, d, attn__bn_opt(need));
}

/* an add's 9 words: a_zp, b_zp, a_mul, b_mul, out_mul, out_zp */
static void attn__bc_add_s8(attn__bc *c, attn_add_s8_params *p)
{
    attn__bc_i32(c, &p->a_zp);
    attn__bc_i32(c, &p->b_zp);
    attn__bc_qmul(c, &p->a_mul);
    attn__bc_qmul(c, &p->b_mul);
    attn__bc_qmul(c, &p->out_mul);
    attn__bc_i32(c, &p->out_zp);
}

/* attention's 8 words: q_zp, k_zp, v_zp, score_mul, ctx_mul, out_zp */
static void attn__bc_sdpa_s8(attn__bc *c, attn_sdpa_s8_params *p)
{
    attn__bc_i32(c, &p->q_zp);
    attn__bc_i32(c, &p->k_zp);
    attn__bc_i32(c, &p->v_zp);
    attn__bc_qmul(c, &p->score_mul);
    attn__bc_qmul(c, &p->ctx_mul);
    attn__bc_i32(c, &p->out_zp);
}

/* multi-head attention: q, k, v, o (ids id..id+15), then its sdpa */
static void attn__bc_mha_s8(attn__bc *c, attn_mha_s8_params *p, uint32_t id, int d)
{
    attn__bc_linear_s8(c, &p->q, id, d, d, ATTN__BN_REQ);
    attn__bc_linear_s8(c, &p->k, id + 4, d, d, ATTN__BN_REQ);
    attn__bc_linear_s8(c, &p->v, id + 8, d, d, ATTN__BN_REQ);
    attn__bc_linear_s8(c, &p->o, id + 12, d, d, ATTN__BN_REQ);
    attn__bc_sdpa_s8(c, &p->sdpa);
}

/* the feed-forward block: ff1 (id..id+3), the GELU table (id+4), ff2 */
static void attn__bc_ff_s8(attn__bc *c, attn_linear_s8_params *ff1, const int8_t **gelu,
                           attn_linear_s8_params *ff2, uint32_t id, const attn_encoder_cfg *e)
{
    attn__bc_linear_s8(c, ff1, id, e->d_model, e->d_ff, ATTN__BN_REQ);
    attn__bc_s8(c, gelu, id + 4, 256, 1,
                e->activation == ATTN_ACT_RELU ? ATTN__BN_OPT : ATTN__BN_REQ);
    attn__bc_linear_s8(c, ff2, id + 5, e->d_ff, e->d_model, ATTN__BN_REQ);
}

static void attn__bc_enc_layer_s8(attn__bc *c, attn_encoder_layer_s8_params *p,
                                  const attn_encoder_cfg *e)
{
    int d = e->d_model;
    attn__bc_mha_s8(c, &p->attn, 0x100, d);
    attn__bc_add_s8(c, &p->add1);
    attn__bc_norm_s8(c, &p->norm1, 0x110, d, ATTN__BN_REQ);
    attn__bc_ff_s8(c, &p->ff1, &p->gelu_table, &p->ff2, 0x112, e);
    attn__bc_add_s8(c, &p->add2);
    attn__bc_norm_s8(c, &p->norm2, 0x11B, d, ATTN__BN_REQ);
}

static void attn__bc_dec_layer_s8(attn__bc *c, attn_decoder_layer_s8_params *p,
                                  const attn_encoder_cfg *e)
{
    int d = e->d_model;
    attn__bc_mha_s8(c, &p->self_attn, 0x200, d);
    attn__bc_add_s8(c, &p->add1);
    attn__bc_norm_s8(c, &p->norm1, 0x210, d, ATTN__BN_REQ);
    attn__bc_mha_s8(c, &p->cross_attn, 0x212, d);
    attn__bc_add_s8(c, &p->add2);
    attn__bc_norm_s8(c, &p->norm2, 0x222, d, ATTN__BN_REQ);
    attn__bc_ff_s8(c, &p->ff1, &p->gelu_table, &p->ff2, 0x224, e);
    attn__bc_add_s8(c, &p->add3);
    attn__bc_norm_s8(c, &p->norm3, 0x22D, d, ATTN__BN_REQ);
}

/* the CLS row's layer: add1, add2 (words), norm1, norm2 */
static void attn__bc_cls_layer_s8(attn__bc *c, attn_cls_layer_s8_params *p, int d)
{
    attn__bc_add_s8(c, &p->add1);
    attn__bc_add_s8(c, &p->add2);
    attn__bc_norm_s8(c, &p->norm1, 0x400, d, ATTN__BN_REQ);
    attn__bc_norm_s8(c, &p->norm2, 0x402, d, ATTN__BN_REQ);
}

#define ATTN__BLOB_MODEL_S8_WORDS 24

/* An int8 classifier's tensors and words (st: n_layers, final_norm, a CLS
   row at its own encoding). */
static void attn__bc_model_s8(attn__bc *c, const attn_model_cfg *m, attn_model_s8_params *p,
                              attn_encoder_layer_s8_params *layers, attn_cls_row_s8_params *row,
                              attn_cls_layer_s8_params *rows)
{
    int d = m->encoder.d_model, l, tok = m->vocab > 0;
    int emb = !tok && m->d_in > 0 ? ATTN__BN_REQ : ATTN__BN_NONE;
    int fin = p->encoder.final_norm ? ATTN__BN_REQ : ATTN__BN_NONE;
    attn__bc_layer(c, 0);
    attn__bc_linear_s8(c, &p->embed, 1, m->d_in, d, emb);
    attn__bc_s8(c, &p->pos, 5, m->max_seq, d,
                m->position != ATTN_POS_NONE ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_add_s8(c, &p->pos_add);
    attn__bc_linear_s8(c, &p->cls, 6, d, m->n_classes, ATTN__BN_REQ);
    attn__bc_float(c, &p->in_scale);
    attn__bc_float(c, &p->logit_scale);
    attn__bc_i32(c, &p->in_zp);
    attn__bc_i32(c, &p->logit_zp);
    attn__bc_s8(c, &p->cls_token, 10, d, 1, m->cls_token ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_s8(c, &p->token_embed, 11, m->vocab, d, tok ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_s8(c, &p->segment_embed, 12, m->n_segments, d,
                tok && m->n_segments > 0 ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_add_s8(c, &p->segment_add);
    attn__bc_norm_s8(c, &p->embed_norm, 13, d, m->embed_norm ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_s8(c, &p->pool_w, 15, d, 1,
                m->pooling == ATTN_POOL_ATTENTION ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_sdpa_s8(c, &p->pool);
    attn__bc_norm_s8(c, &p->encoder.norm, 16, d, fin);
    for (l = 0; l < p->encoder.n_layers && c->st == ATTN_OK; l++) {
        attn__bc_layer(c, (uint32_t)l);
        attn__bc_enc_layer_s8(c, &layers[l], &m->encoder);
    }
    if (!row) return;
    attn__bc_layer(c, 0);
    attn__bc_s8(c, &row->x0, 0x300, d, 1, ATTN__BN_REQ);
    attn__bc_norm_s8(c, &row->norm, 0x301, d, fin);
    for (l = 0; l < p->encoder.n_layers && c->st == ATTN_OK; l++) {
        attn__bc_layer(c, (uint32_t)l);
        attn__bc_cls_layer_s8(c, &rows[l], d);
    }
}

/* the words a blob of this kind has, from its stacks: the model's, each
   encoder layer's (decoder layer's), the CLS row's and each of its
   layers' (as attn__bc_model_s8 and attn__bc_s2s_s8 visit them) */
#define ATTN__BLOB_MODEL_S8_TOP 44
#define ATTN__BLOB_ENC_S8 56
#define ATTN__BLOB_DEC_S8 92
#define ATTN__BLOB_CLS_S8 3
#define ATTN__BLOB_CLS_LAYER_S8 24
#define ATTN__BLOB_S2S_S8_TOP 51

/* a classifier's CLS row is kept (saved) only where the model reads it */
static int attn__blob_has_cls_row(const attn_model_cfg *m)
{
    return m->cls_token && m->encoder.norm_first && !m->embed_norm;
}

ATTN_DEF attn_status attn_model_save_s8(void *buf, size_t cap, size_t *size,
                                        const attn_model_cfg *cfg, const attn_model_s8_params *p)
{
    attn__bc c;
    attn__blayout L;
    attn_model_cfg m;
    const attn_cls_row_s8_params *row;
    attn_status st;
    size_t total;
    int s[3], pass, tok;
    if (!size || !cfg || !p) return ATTN_ERR_NULL;
    tok = cfg->vocab > 0;
    if ((st = attn__model_params_s8(cfg, p, tok, 0)) != ATTN_OK) return st;
    if ((st = attn__model_check_s8(cfg, attn__blob_model_seq(cfg), p->encoder.n_layers)) != ATTN_OK)
        return st;
    if (attn__blob_tokens_bad(cfg)) return ATTN_ERR_SHAPE;
    if ((st = attn__model_params_s8(cfg, p, tok, 1)) != ATTN_OK) return st;
    if (!attn__scale_ok(p->in_scale) || !attn__scale_ok(p->logit_scale) ||
        attn__blob_eps_bad(&cfg->encoder))
        return ATTN_ERR_RANGE;
    m = *cfg;
    row = attn__cls_row_s8(cfg, p);
    total = 0;
    for (pass = 0; pass < 2; pass++) {
        attn__bc_save_init(&c, pass ? (unsigned char *)buf : NULL, pass ? &L : NULL);
        s[0] = p->encoder.n_layers;
        s[1] = p->encoder.final_norm;
        s[2] = row != NULL;
        attn__bc_model_cfg(&c, &m, s, 3);
        attn__bc_model_s8(&c, &m, (attn_model_s8_params *)p,
                          (attn_encoder_layer_s8_params *)p->encoder.layers,
                          (attn_cls_row_s8_params *)row,
                          row ? (attn_cls_layer_s8_params *)row->layers : NULL);
        if (c.st != ATTN_OK) return c.st;
        if (pass) break;
        if ((total = attn__blob_size(&L, &c, ATTN__BLOB_MODEL_S8_WORDS)) == 0)
            return ATTN_ERR_TOO_LARGE;
        if (!buf) {
            *size = total;
            return ATTN_OK;
        }
        if (cap < total) return ATTN_ERR_ARENA;
        memset(buf, 0, total);
    }
    attn__blob_seal((unsigned char *)buf, total, ATTN__BK_MODEL_S8, &L);
    *size = total;
    return ATTN_OK;
}

/* the expected parameter words: top + n * per (+ row + n * row_per), or
   UINT32_MAX if the count would not fit */
static uint32_t attn__blob_words(uint32_t top, uint32_t n, uint32_t per)
{
    uint64_t w = (uint64_t)top + (uint64_t)n * per;
    return w < 0xFFFFFFFFu ? (uint32_t)w : 0xFFFFFFFFu;
}

ATTN_DEF attn_status attn_model_load_s8(attn_model_cfg *cfg, attn_model_s8_params *params,
                                        const void *blob, size_t size, attn_arena *arena)
{
    attn__bhead h;
    attn__bc c;
    attn_model_cfg m;
    attn__size keep = {0, 0};
    attn_encoder_layer_s8_params *layers;
    attn_cls_row_s8_params *row = NULL;
    attn_cls_layer_s8_params *rows = NULL;
    attn_model_s8_params *v;
    size_t used, hw, nl, kept;
    attn_status st;
    uint32_t want;
    int s[3];
    if (!cfg || !params || !blob || !arena) return ATTN_ERR_NULL;
    if ((st = attn__blob_open(&h, blob, size, ATTN__BK_MODEL_S8, ATTN__BLOB_MODEL_S8_WORDS)) != ATTN_OK)
        return st;
    attn__blob_cursor(&c, blob, &h);
    memset(&m, 0, sizeof m);
    s[0] = s[1] = s[2] = 0;
    attn__bc_model_cfg(&c, &m, s, 3);
    if (c.st != ATTN_OK || attn__model_check_s8(&m, attn__blob_model_seq(&m), s[0]) != ATTN_OK ||
        attn__blob_tokens_bad(&m) || (uint32_t)s[0] > h.n_tensors ||
        (s[2] && !attn__blob_has_cls_row(&m)) || attn__blob_eps_bad(&m.encoder))
        return ATTN_ERR_BLOB_CORRUPT;
    want = attn__blob_words(ATTN__BLOB_MODEL_S8_TOP, (uint32_t)s[0], ATTN__BLOB_ENC_S8);
    if (s[2])
        want = attn__blob_words(attn__blob_words(want, 1, ATTN__BLOB_CLS_S8), (uint32_t)s[0],
                                ATTN__BLOB_CLS_LAYER_S8);
    if (h.n_params != want) return ATTN_ERR_BLOB_CORRUPT;
    nl = (size_t)s[0];
    attn__size_add(&keep, nl, sizeof *layers, 1);
    if (s[2]) {
        attn__size_add(&keep, 1, sizeof *row, 1);
        attn__size_add(&keep, nl, sizeof *rows, 1);
    }
    if ((st = attn__blob_arena(arena, &keep, sizeof *v)) != ATTN_OK) return st;
    used = arena->used;
    hw = arena->high_water;
    layers = (attn_encoder_layer_s8_params *)attn__take(arena, nl * sizeof *layers);
    memset(layers, 0, nl * sizeof *layers);
    if (s[2]) {
        row = (attn_cls_row_s8_params *)attn__take(arena, sizeof *row);
        rows = (attn_cls_layer_s8_params *)attn__take(arena, nl * sizeof *rows);
        memset(row, 0, sizeof *row);
        memset(rows, 0, nl * sizeof *rows);
        row->layers = rows;
    }
    kept = arena->used;
    v = (attn_model_s8_params *)attn__take(arena, sizeof *v);
    memset(v, 0, sizeof *v);
    v->encoder.n_layers = s[0];
    v->encoder.final_norm = s[1];
    attn__bc_model_s8(&c, &m, v, layers, row, rows);
    v->encoder.layers = layers;
    v->cls_row = row;
    if (attn__blob_done(&c) != ATTN_OK || !attn__scale_ok(v->in_scale) ||
        attn__model_params_s8(&m, v, m.vocab > 0, 0) != ATTN_OK ||
        attn__model_params_s8(&m, v, m.vocab > 0, 1) != ATTN_OK) {
        arena->used = used;
        arena->high_water = hw;
        return ATTN_ERR_BLOB_CORRUPT;
    }
    *cfg = m;
    *params = *v;
    arena->used = kept;
    return ATTN_OK;
}

#define ATTN__BLOB_S2S_S8_WORDS ATTN__BLOB_S2S_WORDS

static void attn__bc_s2s_s8(attn__bc *c, const attn_seq2seq_cfg *m, attn_seq2seq_s8_params *p,
                            attn_encoder_layer_s8_params *enc, attn_decoder_layer_s8_params *dec)
{
    int d = m->encoder.d_model, l, din = m->src_d_in > 0;
    int pos = m->position != ATTN_POS_NONE ? ATTN__BN_REQ : ATTN__BN_NONE;
    int nm = m->embed_norm ? ATTN__BN_REQ : ATTN__BN_NONE;
    attn__bc_layer(c, 0);
    attn__bc_s8(c, &p->src_embed, 1, m->src_vocab, d, din ? ATTN__BN_NONE : ATTN__BN_REQ);
    attn__bc_s8(c, &p->tgt_embed, 2, m->tgt_vocab, d, ATTN__BN_REQ);
    attn__bc_s8(c, &p->src_pos, 3, m->max_src, d, pos);
    attn__bc_s8(c, &p->tgt_pos, 4, m->max_tgt, d, pos);
    attn__bc_add_s8(c, &p->src_pos_add);
    attn__bc_add_s8(c, &p->tgt_pos_add);
    attn__bc_norm_s8(c, &p->encoder.norm, 5, d, p->encoder.final_norm ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_norm_s8(c, &p->decoder.norm, 7, d, p->decoder.final_norm ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_linear_s8(c, &p->out, 9, d, m->tgt_vocab, ATTN__BN_REQ);
    attn__bc_float(c, &p->logit_scale);
    attn__bc_i32(c, &p->logit_zp);
    attn__bc_norm_s8(c, &p->src_embed_norm, 13, d, nm);
    attn__bc_norm_s8(c, &p->tgt_embed_norm, 15, d, nm);
    attn__bc_linear_s8(c, &p->src_in, 17, m->src_d_in, d, din ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_float(c, &p->src_in_scale);
    attn__bc_i32(c, &p->src_in_zp);
    attn__bc_s8(c, &p->src_cls_token, 21, d, 1, m->src_cls_token ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_s8(c, &p->src_segment_embed, 22, m->src_segments, d,
                m->src_segments > 0 ? ATTN__BN_REQ : ATTN__BN_NONE);
    attn__bc_add_s8(c, &p->src_segment_add);
    for (l = 0; l < p->encoder.n_layers && c->st == ATTN_OK; l++) {
        attn__bc_layer(c, (uint32_t)l);
        attn__bc_enc_layer_s8(c, &enc[l], &m->encoder);
    }
    for (l = 0; l < p->decoder.n_layers && c->st == ATTN_OK; l++) {
        attn__bc_layer(c, (uint32_t)l);
        attn__bc_dec_layer_s8(c, &dec[l], &m->decoder);
    }
}

ATTN_DEF attn_status attn_seq2seq_save_s8(void *buf, size_t cap, size_t *size,
                                          const attn_seq2seq_cfg *cfg,
                                          const attn_seq2seq_s8_params *p)
{
    attn__bc c;
    attn__blayout L;
    attn_seq2seq_cfg m;
    attn_status st;
    size_t total;
    int s[4], pass;
    if (!size || !cfg || !p) return ATTN_ERR_NULL;
    if (!attn__s2s_ptrs_ok_s8(cfg, p) || !attn__s2s_front_ok_s8(cfg, p, 0)) return ATTN_ERR_NULL;
    if (attn__s2s_counts_bad(cfg) || attn__blob_s2s_src_bad(cfg, p->encoder.n_layers))
        return ATTN_ERR_SHAPE;
    if ((st = attn__s2s_cfg_check_s8(cfg, p->encoder.n_layers, p->decoder.n_layers)) != ATTN_OK)
        return st;
    if (!attn__s2s_front_ok_s8(cfg, p, 1) || !attn__scale_ok(p->logit_scale) ||
        !attn__scale_ok(p->src_in_scale) || attn__blob_eps_bad(&cfg->encoder) ||
        attn__blob_eps_bad(&cfg->decoder))
        return ATTN_ERR_RANGE;
    m = *cfg;
    total = 0;
    for (pass = 0; pass < 2; pass++) {
        attn__bc_save_init(&c, pass ? (unsigned char *)buf : NULL, pass ? &L : NULL);
        s[0] = p->encoder.n_layers;
        s[1] = p->encoder.final_norm;
        s[2] = p->decoder.n_layers;
        s[3] = p->decoder.final_norm;
        attn__bc_s2s_cfg(&c, &m, s);
        attn__bc_s2s_s8(&c, &m, (attn_seq2seq_s8_params *)p,
                        (attn_encoder_layer_s8_params *)p->encoder.layers,
                        (attn_decoder_layer_s8_params *)p->decoder.layers);
        if (c.st != ATTN_OK) return c.st;
        if (pass) break;
        if ((total = attn__blob_size(&L, &c, ATTN__BLOB_S2S_S8_WORDS)) == 0)
            return ATTN_ERR_TOO_LARGE;
        if (!buf) {
            *size = total;
            return ATTN_OK;
        }
        if (cap < total) return ATTN_ERR_ARENA;
        memset(buf, 0, total);
    }
    attn__blob_seal((unsigned char *)buf, total, ATTN__BK_S2S_S8, &L);
    *size = total;
    return ATTN_OK;
}

ATTN_DEF attn_status attn_seq2seq_load_s8(attn_seq2seq_cfg *cfg, attn_seq2seq_s8_params *params,
                                          const void *blob, size_t size, attn_arena *arena)
{
    attn__bhead h;
    attn__bc c;
    attn_seq2seq_cfg m;
    attn__size keep = {0, 0};
    attn_encoder_layer_s8_params *enc;
    attn_decoder_layer_s8_params *dec;
    attn_seq2seq_s8_params *v;
    size_t used, hw, kept;
    attn_status st;
    int s[4];
    if (!cfg || !params || !blob || !arena) return ATTN_ERR_NULL;
    if ((st = attn__blob_open(&h, blob, size, ATTN__BK_S2S_S8, ATTN__BLOB_S2S_S8_WORDS)) != ATTN_OK)
        return st;
    attn__blob_cursor(&c, blob, &h);
    memset(&m, 0, sizeof m);
    s[0] = s[1] = s[2] = s[3] = 0;
    attn__bc_s2s_cfg(&c, &m, s);
    if (c.st != ATTN_OK || attn__s2s_counts_bad(&m) ||
        attn__s2s_cfg_check_s8(&m, s[0], s[2]) != ATTN_OK || attn__blob_s2s_src_bad(&m, s[0]) ||
        attn__blob_eps_bad(&m.encoder) || attn__blob_eps_bad(&m.decoder) ||
        (uint32_t)s[0] > h.n_tensors || (uint32_t)s[2] > h.n_tensors ||
        h.n_params != attn__blob_words(attn__blob_words(ATTN__BLOB_S2S_S8_TOP, (uint32_t)s[0],
                                                        ATTN__BLOB_ENC_S8),
                                       (uint32_t)s[2], ATTN__BLOB_DEC_S8))
        return ATTN_ERR_BLOB_CORRUPT;
    attn__size_add(&keep, (size_t)s[0], sizeof *enc, 1);
    attn__size_add(&keep, (size_t)s[2], sizeof *dec, 1);
    if ((st = attn__blob_arena(arena, &keep, sizeof *v)) != ATTN_OK) return st;
    used = arena->used;
    hw = arena->high_water;
    enc = (attn_encoder_layer_s8_params *)attn__take(arena, (size_t)s[0] * sizeof *enc);
    dec = (attn_decoder_layer_s8_params *)attn__take(arena, (size_t)s[2] * sizeof *dec);
    kept = arena->used;
    v = (attn_seq2seq_s8_params *)attn__take(arena, sizeof *v);
    memset(enc, 0, (size_t)s[0] * sizeof *enc);
    memset(dec, 0, (size_t)s[2] * sizeof *dec);
    memset(v, 0, sizeof *v);
    v->encoder.n_layers = s[0];
    v->encoder.final_norm = s[1];
    v->decoder.n_layers = s[2];
    v->decoder.final_norm = s[3];
    attn__bc_s2s_s8(&c, &m, v, enc, dec);
    v->encoder.layers = enc;
    v->decoder.layers = dec;
    if (attn__blob_done(&c) != ATTN_OK || !attn__s2s_ptrs_ok_s8(&m, v) ||
        !attn__s2s_front_ok_s8(&m, v, 0) || !attn__s2s_front_ok_s8(&m, v, 1)) {
        arena->used = used;
        arena->high_water = hw;
        return ATTN_ERR_BLOB_CORRUPT;
    }
    *cfg = m;
    *params = *v;
    arena->used = kept;
    return ATTN_OK;
}
#endif /* ATTN_NO_INT8 */

#ifdef __cplusplus
}
#endif

#endif /* ATTN__IMPLEMENTED */
#endif /* ATTN_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
This software is available under 2 licenses -- choose whichever you prefer.
------------------------------------------------------------------------------
ALTERNATIVE A - MIT License
Copyright (c) 2026 the attention.h authors
Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
ALTERNATIVE B - Public Domain (www.unlicense.org)
This is free and unencumbered software released into the public domain.
Anyone is free to copy, modify, publish, use, compile, sell, or distribute this
software, either in source code form or as a compiled binary, for any purpose,
commercial or non-commercial, and by any means.
------------------------------------------------------------------------------
*/
