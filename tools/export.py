#!/usr/bin/python3
"""tools/export.py - PyTorch transformers -> C headers for attention.h: encoder
classifiers (Classifier), encoder-decoders (Seq2Seq) and decoder-only language
models (DecoderLM), float and int8.

Run with the Debian Python, which has PyTorch and NumPy (/usr/bin/python3).
Mostly used as a module from a training script (examples/digits/train.py;
encoder-decoders and decoder-only models: see ENCODER-DECODER below):

    sys.path.insert(0, "<repo>/tools")
    from export import Classifier, export_model, export_calibration, quantize

    model = Classifier(embed=nn.Linear(8, 32),
                       pos=nn.Parameter(torch.zeros(8, 32)),      # learned positions
                       encoder=nn.TransformerEncoder(
                           nn.TransformerEncoderLayer(32, 4, 64, dropout=0.1,
                                                      batch_first=True),
                           num_layers=1, norm=nn.LayerNorm(32)),
                       pool="mean", head=nn.Linear(32, 10))
    ... train model(x [batch, seq, d_in], key_padding_mask=None) ...
    export_model(model, "digits_model.h", "digits", seq=8)          # float, const,
                                                                    # verified in C
    export_calibration(x_train[:64], None, "digits_calib.h", "digits")
    quantize("digits_model.h", "digits_calib.h", "digits_model_s8.h", "digits")  # int8

    # ViT style (examples/digits/train_vit.py): patches, a CLS row, attention pooling
    vit = Classifier(embed=nn.Conv2d(1, 32, 4, stride=4), image_size=(8, 8),
                     cls_token=nn.Parameter(torch.zeros(32)),
                     pos=nn.Parameter(torch.zeros(5, 32)), encoder=...,
                     pool=nn.Linear(32, 1), head=nn.Linear(32, 10))
    export_model(vit, "vit_model.h", "vit")                         # seq: 4 patches
    export_calibration(images[:64], None, "vit_calib.h", "vit", patch=4)

    # BERT style: token ids (and segment ids), a CLS row, embedding LayerNorm
    bert = Classifier(embed=nn.Embedding(1000, 32), segment_embed=nn.Embedding(2, 32),
                      cls_token=nn.Parameter(torch.zeros(32)),
                      pos=nn.Parameter(torch.zeros(17, 32)), embed_norm=nn.LayerNorm(32),
                      encoder=..., pool="first", head=nn.Linear(32, 2))
    export_model(bert, "bert_model.h", "bert", seq=16)
    export_calibration(id_lists, None, "bert_calib.h", "bert", segments=segment_lists)
    quantize("bert_model.h", "bert_calib.h", "bert_model_s8.h", "bert")  # int8 tables too

THE MODEL: Classifier
---------------------
Classifier (defined here; instantiate or subclass it, but do not override
forward) is the one model shape attention.h's attn_model_f32 (and, for token
ids, attn_model_tokens_f32) runs, and its forward computes exactly what they
compute:

    embed    the front end, one of
             nn.Linear(d_in, d_model): features [seq, d_in] (bias=False is
                 fine: NULL in C);
             None: the input is already d_model wide (d_in = 0 in C);
             nn.Conv2d(C, d_model, k, stride=k) (padding 0, dilation 1,
                 groups 1; bias optional): ViT patches of one image
                 [C, H, W], cut into k x k squares in row-major order (the
                 C patch, channels, image_h, image_w; needs image_size);
             nn.Embedding(vocab, d_model): token ids [seq] (BERT;
                 attn_model_tokens_f32). padding_idx, scale_grad_by_freq and
                 sparse change only gradients and are fine; max_norm is
                 refused (it rescales the rows it reads).
    pos      a [max_seq, d_model] tensor (nn.Parameter or buffer: learned
             positions), "sinusoidal" (pe[p][2i] = sin(p * 10000^(-2i/d)),
             pe[p][2i+1] = cos(...), as attn_pos_sinusoidal_f32: angles in
             double, rounded to float32), or None.
    encoder  nn.TransformerEncoder of nn.TransformerEncoderLayer(d_model,
             nhead, dim_feedforward, dropout, activation, layer_norm_eps,
             batch_first, norm_first), num_layers >= 1, norm = nn.LayerNorm
             or None. activation: "relu", "gelu", or anything that computes
             relu, gelu or gelu(approximate="tanh") (F.relu, nn.ReLU(), F.gelu,
             nn.GELU(approximate="tanh"), a lambda calling
             F.gelu(x, approximate="tanh"), ...: the function is recognised by
             evaluating it). norm_first and batch_first either way.
    pool     "mean" (over the rows that are not padded), "first" (row 0: the
             CLS row if there is one) or an nn.Linear(d_model, 1): attention
             pooling, softmax over the unpadded rows of pool(h), the rows'
             weighted sum (its bias cancels in the softmax; C's pool_w is
             its weight).
    head     nn.Linear(d_model, n_classes).
  keyword-only, all optional:
    causal   token i attends to tokens 0..i only (default False).
    window   an int w >= 1: local attention, row i attends to rows j with
             |i - j| <= w (with causal: i-w..i); or
    attn_mask  a [n, n] mask (bool, True = hidden; or float of 0 / -inf),
             as an nn.TransformerEncoder would be given: the exporter
             recognises the band |i - j| > w and the causal triangle j > i,
             alone or together, and writes window / causal; any other mask
             is refused (attention.h hides keys by those two only). Its n
             must cover the rows the encoder sees.
    cls_token  a [d_model], [1, d_model] or [1, 1, d_model] tensor (an
             nn.Parameter): a learned row concatenated in front of the
             embedded rows (never padded; max_seq counts it).
    embed_norm  nn.LayerNorm(d_model) after embedding + positions (BERT),
             with the encoder's eps.
    segment_embed  nn.Embedding(n_segments, d_model) with a token embed:
             BERT's segment (token type) embeddings, added to the tokens'.
    image_size  (H, W) (or one int) of a Conv2d model's images.
    max_seq  most rows the encoder sees (the input's, + 1 with a CLS token)
             for "sinusoidal"/None positions; for learned positions it is
             the table's length.

    forward(x, key_padding_mask=None, segments=None) -> logits [batch, n_classes]:
        x: [batch, seq, d_in] features, [batch, C, H, W] images, or
        [batch, seq] token ids (segments [batch, seq] ids or None: all 0);
        key_padding_mask [batch, seq] bool over the input rows (True =
        padded) or None.
        h = front(x) (+ segment_embed(segments));  h = [cls; h];
        h = h + pos[:rows];  h = embed_norm(h);
        h = encoder(h, mask (causal | window | attn_mask), key_padding_mask);
        pooled = mean of the unpadded rows (zeros if all are padded), h[:, 0],
        or attention pooling (zeros if all are padded);  logits = head(pooled).
    Classifier.build(d_in, d_model, nhead, ...) makes one from sizes
    (cls_token=, embed_norm=, window=, pool="attention" too).

forward always hands the encoder an attention mask (all False unless causal
or windowed). That keeps PyTorch on its reference code path: its fused
inference "fast path" (eval mode without autograd) rounds differently, zeroes
the outputs at padded positions, and in torch 1.13 runs
nn.GELU(approximate="tanh") as exact GELU. Masking with an all-False mask
changes no value.

WHAT export_model REFUSES (ValueError naming the problem)
---------------------------------------------------------
Anything the C result could differ on: a model that is not a Classifier or
overrides forward; pieces of other types (or subclasses that override
forward), forward hooks; an activation that is not relu/gelu/gelu-tanh;
d_model % nhead != 0; MultiheadAttention with kdim/vdim != d_model,
add_bias_kv or add_zero_attn; layers whose sizes, activation, norm_first,
batch_first or LayerNorm eps differ (attention.h has one config per stack),
a final norm with another eps; LayerNorm over another shape than [d_model];
sizes that do not fit together; seq outside 1..max_seq; non-finite weights.
Front ends: a Conv2d whose patches overlap or are not squares (stride !=
kernel, a non-square kernel, padding, dilation, groups, transposed), an
image that is not a whole number of patches, a seq other than the patch
count; an nn.Embedding with max_norm or of another width; segment_embed
without token ids; an embedding LayerNorm with another eps than the
encoder's; a CLS token of another width; attention pooling by anything but
nn.Linear(d_model, 1); an attn_mask that is not a band and/or the causal
triangle (a strided or random mask, one that hides a query's own key, a
window of 0, float values other than 0 / -inf) or smaller than the rows.
Accepted and written as NULL: bias=False anywhere, LayerNorm without
elementwise_affine (NULL gamma/beta), no final norm (flag 0), no embedding.

Ignored, by design: dropout (attention.h is inference only: the export is the
model in eval mode, whatever mode it is in), the module's training flag,
requires_grad. Weights are rounded to float32 (a float64 model therefore
exports with float32 rounding).

Where PyTorch and attention.h still differ (documented in attention.h): a
token whose visible keys are all padded (a sequence that is all padding,
causal attention with leading padding, or a window whose keys are all
padding) gets NaN in PyTorch and a zero attention context in C; pool="first"
of a sequence whose token 0 is padded uses the computed row 0. Pad at the
end (with a window, fewer rows than it), and keep token 0 a real token.

THE GENERATED HEADER (export_model(model, path, name, seq); name "digits")
--------------------------------------------------------------------------
    DIGITS_SEQ (the export's seq: input rows; a patch model's patches),
    DIGITS_D_IN (0: no embedding or token ids; a patch model: C * k * k),
    DIGITS_PATCH, _CHANNELS, _IMAGE_H, _IMAGE_W (patch models), DIGITS_VOCAB,
    _N_SEGMENTS (token models), DIGITS_D_MODEL, DIGITS_N_HEADS, DIGITS_D_FF,
    DIGITS_N_LAYERS, DIGITS_N_CLASSES, DIGITS_CLS_TOKEN (1, with one),
    DIGITS_WINDOW (windowed), DIGITS_WEIGHT_BYTES (bytes of the float arrays);
    const float arrays in PyTorch layouts (attention.h CONVENTIONS):
    digits_embed_w/_b (a Conv2d's weight as [d_model][C*k*k]),
    digits_token_embed, digits_segment_embed, digits_cls_token, digits_pos
    (learned only), digits_embed_norm_w/_b, digits_l<i>_in_proj_w/_b,
    _out_w/_b, _ff1_w/_b, _ff2_w/_b, _norm1_w/_b, _norm2_w/_b, digits_norm_w/_b
    (final norm), digits_pool_w, digits_cls_w/_b (absent pieces: no array,
    NULL pointer); digits_layers[DIGITS_N_LAYERS]
    (attn_encoder_layer_weights_f32), digits_cfg (attn_model_cfg),
    digits_weights (attn_model_weights_f32).
Defined once (every generated header, float and int8, classifiers and the
decoder models; define_once): the header declares the arrays and structs
(extern const) wherever it is included, and defines them (const: in flash)
in the one file that #defines DIGITS_MODEL_IMPLEMENTATION before including
it (the int8 header: DIGITS_MODEL_S8_IMPLEMENTATION). The int8 header
stands alone (an ATTN_NO_FLOAT firmware includes it without the float
one): it repeats the float header's sizes (#error if both are included and
differ) and has digits_s8_cfg and DIGITS_S8_SCRATCH_BYTES.
Use it (the header's comment says it for its own model):
    static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(DIGITS_SEQ, DIGITS_D_MODEL,
                             DIGITS_N_HEADS, DIGITS_D_FF)] ATTN_ALIGNED;
        (with a CLS token or patches: ATTN_MODEL_SCRATCH_EX_F32(..., cls, patch d_in))
    attn_arena_init(&arena, arena_buf, sizeof arena_buf);
    attn_model_f32(logits, input, DIGITS_SEQ, NULL, &digits_cfg, &digits_weights, &arena);
        (token models: attn_model_tokens_f32(logits, tokens, segments, ...))
Float literals are exact ("%.9g"); the output is deterministic (no dates).
export_model then verifies the header (verify=True, the default;
verify_model(model, header, name, samples) alone): tools/run_model.c, built
with c_compiler, runs it on samples (default random inputs, some shorter
and padded) and every logit must be within 1e-5 * max(1, |PyTorch's|),
each call's arena high-water mark equal to the scratch query and the size
macro, else RuntimeError naming the largest difference.

export_calibration(inputs, key_padding, path, name, patch=None, segments=None)
writes calibration inputs for the int8 quantizer (tools/quantize_model.c):
    DIGITS_N_CALIB, DIGITS_CALIB_SEQ, DIGITS_CALIB_WIDTH,
    static const float digits_calib[N][SEQ * WIDTH],
    static const uint8_t digits_calib_padding[N][SEQ] (only with key_padding),
    DIGITS_CALIB_PADDING: &digits_calib_padding[0][0] or NULL.
    A patch model's calibration inputs are images [n, C, H, W] with patch=k.
    A token model's are token ids: an integer [n, seq] array or tensor, or
    a list of id sequences of any lengths (the shorter ones padded at the
    end with id 0 and key-padded), segments= the segment ids in the same
    shape (or None: all 0): bert_calib_tokens[N][SEQ] (SEQ: the longest, at
    most the model's), bert_calib_segments / BERT_CALIB_SEGMENTS (or NULL),
    the padding as above, BERT_CALIB_TOKENS 1 and the largest ids
    (BERT_CALIB_MAX_TOKEN, _MAX_SEGMENT: an #error after the model header
    when one is outside its tables).
quantize(model_h, calib_h, out_h, name) writes the int8 header: tools/quantize_model.c
(attention.h's attn_quantize_model_s8; for a token model
attn_quantize_model_tokens_s8 on the calibration ids) built with a C
compiler and run; the header as written is then compiled and must give the
int8 logits of the quantizer's in-memory parameters on every calibration
sequence (RuntimeError otherwise: a defect of the printing). A token
model's header also has bert_s8_token_embed [vocab * d_model] and
bert_s8_segment_embed [n_segments * d_model], int8 tables each at the
encoding the quantizer chose for it (the min/max of the table, the CLS row
counted in the token table's without segments; segment_add rescales the
sum), run by attn_model_tokens_s8(logits, tokens, segments, seq, padding,
&bert_cfg, &bert_s8, &arena) in an arena of ATTN_MODEL_SCRATCH_EX_S8(seq,
d_model, heads, d_ff, cls_token, 0) bytes.
quantize refuses (ValueError, before any C is built) calibration data that
does not fit the model: float inputs for a token model or token ids for
another, an id outside the vocabulary or the segment table (naming the
sequence and position), sequences longer than the model's seq.
verify_model(..., s8_header_path=out_h) runs the int8 model on the same
inputs (token models: attn_model_tokens_s8 on the same ids and segments)
and reports how often its argmax is float's and the largest difference of
its dequantized logits from float's.

ENCODER-DECODER (Seq2Seq) AND DECODER-ONLY (DecoderLM) MODELS
-------------------------------------------------------------
An ordinary model (token nn.Embeddings, position nn.Embeddings added, an
nn.Transformer, an output nn.Linear; examples/g2p/train.py's G2P) is exported
as it is, its modules shared, not copied:

    from export import Seq2Seq, export_seq2seq, export_seq2seq_calibration, \
        quantize_seq2seq
    m = Seq2Seq.from_modules(src_embed=g.src_embed, tgt_embed=g.tgt_embed,
                             src_pos=g.src_pos, tgt_pos=g.tgt_pos,
                             transformer=g.transformer, out=g.out)
    export_seq2seq(m, "g2p_model.h", "g2p", bos=1, eos=2, samples=test_words,
                   max_out=15, reference=g)          # float; verified in C
    export_seq2seq_calibration(m, calib_words, calib_decoder_inputs,
                               "g2p_calib.h", "g2p")  # decoder inputs BOS first
    quantize_seq2seq("g2p_model.h", "g2p_calib.h", "g2p_model_s8.h", "g2p",
                     samples=test_words, max_out=15, min_word_agreement=0.97)

    # the source through a front end, as a Classifier's: features, a ViT's
    # patches and a CLS row, or BERT's segment ids (attn_seq2seq_encode_ex_*)
    speech = Seq2Seq(None, nn.Embedding(40, 32), src_in=nn.Linear(13, 32), ...)
    captions = Seq2Seq(None, nn.Embedding(40, 32), src_in=nn.Conv2d(3, 32, 4, stride=4),
                       src_image_size=(16, 16), src_cls=nn.Parameter(torch.zeros(32)),
                       src_pos=nn.Embedding(17, 32), ...)    # 16 patches + CLS
    export_seq2seq(speech, "asr_model.h", "asr", bos=1, eos=2, samples=features)
    export_seq2seq_calibration(speech, features, decoder_inputs, "asr_calib.h", "asr")

Seq2Seq(src_embed, tgt_embed, transformer=None, out=None, *, src_pos=None,
tgt_pos=None, encoder=None, decoder=None, embed_scale=1.0, max_src=None,
max_tgt=None, src_embed_norm=None, tgt_embed_norm=None, src_in=None,
src_image_size=None, src_cls=None, src_segment_embed=None)
(Seq2Seq.from_modules(**the same), Seq2Seq.build(sizes..., embed_norm=False,
src_d_in=None, src_patch=None, src_channels=1, src_image_size=None,
src_cls=False, src_segments=0)):
    src_embed, tgt_embed  nn.Embedding(vocab, d_model) (padding_idx is fine; no
                          max_norm). src_embed None with src_in.
    transformer           nn.Transformer, or encoder= nn.TransformerEncoder and
                          decoder= nn.TransformerDecoder (each a stack of
                          identical layers as for Classifier: relu / gelu /
                          tanh-gelu, norm_first, batch_first either way; final
                          norm or None). The two stacks share d_model, n_heads
                          and d_ff; activation, norm_first and eps may differ.
    out                   nn.Linear(d_model, tgt_vocab) (bias optional).
    src_pos, tgt_pos      both an nn.Embedding(max, d_model) of positions or a
                          [max, d_model] tensor (learned; max_src / max_tgt =
                          the rows), both "sinusoidal" (as attn_pos_sinusoidal_f32)
                          or both None; then max_src and max_tgt are required.
                          max_src counts the memory's rows: a CLS row too.
    embed_scale           the token embeddings are multiplied by it (float32;
                          1.0: none; math.sqrt(d_model) as in the paper):
                          the target's and source tokens', never features,
                          patches, segment rows or the CLS row (as
                          attention.h).
    src_in                the source's front end instead of src_embed (the
                          cfg's src_d_in, src_patch, ...; attn_seq2seq_cfg):
                          nn.Linear(d_in, d_model): features [S, d_in] (bias
                          optional); or nn.Conv2d(C, d_model, p, stride=p)
                          (padding 0, dilation 1, groups 1; bias optional):
                          one image [C, H, W] (NCHW) cut into p x p patches
                          in row-major order, S = the patch count, with
                          src_image_size=(H, W) (or one int).
    src_cls               a [d_model], [1, d_model] or [1, 1, d_model] tensor
                          (an nn.Parameter): a learned row in front of the
                          source's rows (the memory has S + 1 rows, the CLS
                          row at position 0; never padded).
    src_segment_embed     nn.Embedding(n_segments, d_model) beside a token
                          src_embed: segment (token type) ids, their rows
                          added to the (scaled) token rows.
    The source's rows, then: [CLS;] + positions over all memory rows, then
    src_embed_norm (attention.h's front end, shared with Classifier's).
    src_embed_norm, tgt_embed_norm  both nn.LayerNorm(d_model) or both None
                          (attention.h has one embed_norm flag): each side's
                          embedded rows through its own LayerNorm before its
                          stack, as BART's layernorm_embedding; the source's
                          eps must be the encoder layers', the target's the
                          decoder layers' (elementwise_affine=False is fine:
                          NULL gamma/beta). Seq2Seq.build(embed_norm=True)
                          makes both.
    forward(src [b, S], tgt [b, T], src_key_padding_mask=None,
            tgt_key_padding_mask=None, src_segments=None) -> logits [b, T, tgt_vocab]:
        memory = encoder(src_embed_norm(src_embed(src) * embed_scale + src_pos[:S]))
        (a front end: src [b, S, d_in] features or [b, C, H, W] images,
        src_segments [b, S] ids or None: all 0; rows = [src_cls;
        src_in(src) or src_embed(src) * embed_scale + src_segment_embed(src_segments)],
        memory = encoder(src_embed_norm(rows + src_pos[:rows])), the padding
        mask with a False column for the CLS row)
        logits = out(decoder(tgt_embed_norm(tgt_embed(tgt) * embed_scale +
                                            tgt_pos[:T]), memory,
                             causal self-attention, memory masked by the source's
                             padding))   (no norms given: the rows as they are)
        (encode(src) and decode(memory, tgt) are the halves.) Explicit masks
        always: PyTorch's reference path (see Classifier). The C code runs one
        unpadded source at a time: padding is for training (a source padded at
        its end computes the same as the source without its padding).
    greedy(src, bos, eos=None, max_out=None, segments=None) -> tokens: as
        attn_seq2seq_greedy_f32 (a front end: attn_seq2seq_encode_ex_f32 +
        attn_seq2seq_generate_f32): bos first, each step's argmax (the first
        on ties) fed back, until eos (not returned) or max_out (default
        max_tgt) tokens; src: token ids, features [S, d_in] or an image [C,
        H, W]; segments: its segment ids or None. step_logits(src, fed,
        segments=None) -> float32 [len(fed), tgt_vocab].
DecoderLM(embed, encoder, out, *, pos=None, embed_scale=1.0, max_len=None,
embed_norm=None) (DecoderLM.from_modules, DecoderLM.build(..., embed_norm=False)):
embed * embed_scale + positions -> embed_norm (an nn.LayerNorm(d_model) with
the layers' eps, or None; BLOOM's word_embeddings_layernorm) -> encoder (an
nn.TransformerEncoder, always causal) -> out; forward(tokens [b, L],
key_padding_mask=None) -> logits [b, L, vocab]; greedy(prompt, eos=None,
max_out=None) as attn_lm_greedy_f32 (the prompt, then each argmax fed back;
prompt_len - 1 + max_out <= max_len); step_logits(fed).

Refused (ValueError naming it), as for Classifier: other module types or
overridden forward/encode/decode/greedy/step_logits, hooks, activations other
than relu/gelu/gelu-tanh, kdim/vdim != d_model, add_bias_kv, add_zero_attn,
layers of different sizes or settings within a stack, encoder and decoder of
different d_model (or n_heads, d_ff: the header has one of each), self- and
cross-attention of different widths, a LayerNorm eps differing within a stack,
source and target positions of different kinds, embeddings with max_norm, an
output layer of another size than the target table, embed_scale 0 or not
finite, non-finite weights, bos/eos outside the vocabulary; an embedding
LayerNorm on one side only, of another eps than its stack's layers (the
message names both) or over another shape than [d_model]. The source's
front end: src_embed and src_in both (or neither); src_in that is neither
nn.Linear nor nn.Conv2d, a Linear of another width than d_model, a Conv2d
whose patches overlap or are not squares (stride != kernel, a non-square
kernel, padding, dilation, groups), without src_image_size or with an image
that is not a whole number of patches, more patches (+ CLS) than max_src;
src_cls of another shape than [d_model], [1, d_model], [1, 1, d_model] or
of another width; src_segment_embed without token ids (or with max_norm);
samples, calibration sources or segment ids that do not fit the source
(features of another width or more rows than max_src allows, images of
another shape, segment ids outside the table or of another length).

export_seq2seq(model, path, name, *, bos, eos=None, samples=None, max_out=None,
verify=True, reference=None, c_compiler="cc", segments=None) writes the header,
then verifies it (never a silently different model): tools/run_seq2seq.c,
built with c_compiler against the header, runs attn_seq2seq_greedy_f32 (a
front end: attn_seq2seq_encode_ex_f32 + attn_seq2seq_generate_f32) and,
along PyTorch's greedy path, attn_seq2seq_step_f32 on `samples` (source
sequences; default six random ones, lengths 1 to max_src; features [rows,
d_in] or images [C, H, W], default random ones; segments= their segment
ids, default random ones with default samples); PyTorch's greedy tokens must
come out identical and every logit within 1e-5 * max(1, |PyTorch's|), else
RuntimeError naming the largest difference and where. The same program checks
the cache and arena against the header's size macros. reference: the user's
own model (a callable (src, tgt) -> logits), compared with the export on the
same inputs with autograd on. export_lm(model, path, name, *, eos=None, ...)
likewise (samples are prompts; reference (tokens) -> logits).

THE GENERATED HEADERS (name "g2p"; decoder-only "lm")
    G2P_D_MODEL, G2P_N_HEADS, G2P_D_FF, G2P_N_ENC_LAYERS, G2P_N_DEC_LAYERS,
    G2P_SRC_VOCAB, G2P_TGT_VOCAB, G2P_MAX_SRC, G2P_MAX_TGT, G2P_BOS, G2P_EOS (if
    given), G2P_WEIGHT_BYTES, G2P_CACHE_BYTES (ATTN_KV_CACHE_BYTES_F32(...)),
    G2P_SCRATCH_BYTES (ATTN_SEQ2SEQ_SCRATCH_F32(...)); the float arrays
    g2p_src_embed, g2p_tgt_embed, g2p_src_pos/_tgt_pos (learned only),
    g2p_enc_l<i>_* (as a Classifier's layers), g2p_enc_norm_w/_b,
    g2p_dec_l<i>_sa_in_proj_w/_b, _sa_out_w/_b (self-attention), _ca_in_proj_w/_b,
    _ca_out_w/_b (multihead_attn), _ff1_w/_b, _ff2_w/_b, _norm1.._norm3_w/_b,
    g2p_dec_norm_w/_b, g2p_out_w/_b, g2p_src_embed_norm_w/_b and
    g2p_tgt_embed_norm_w/_b (with embedding norms); g2p_enc_layers, g2p_dec_layers,
    g2p_cfg (attn_seq2seq_cfg), g2p_weights (attn_seq2seq_weights_f32).
    A source with a front end also: G2P_SRC_D_IN (features; an image: C*p*p;
    tokens 0), G2P_SRC_PATCH, _SRC_CHANNELS, _SRC_IMAGE_H, _SRC_IMAGE_W,
    _SRC_PATCHES (images), G2P_SRC_CLS_TOKEN, G2P_SRC_SEGMENTS, G2P_SRC_VOCAB 0
    for features and images (no g2p_src_embed); g2p_src_embed_w [d_model][d_in]
    (a Conv2d's weight as [d_model][C*p*p]), g2p_src_embed_b, g2p_src_cls_token,
    g2p_src_segment_embed; the cfg's src_* fields set; G2P_SCRATCH_BYTES is
    ATTN_SEQ2SEQ_SCRATCH_EX_F32(..., G2P_SRC_D_IN for an image, else 0).
    Decoder-only: LM_D_MODEL, LM_N_HEADS, LM_D_FF, LM_N_LAYERS, LM_VOCAB,
    LM_MAX_LEN, LM_EOS, LM_WEIGHT_BYTES, LM_CACHE_BYTES, LM_SCRATCH_BYTES;
    lm_embed, lm_pos, lm_l<i>_*, lm_norm_w/_b, lm_out_w/_b, lm_embed_norm_w/_b,
    lm_layers,
    lm_cfg (attn_lm_cfg), lm_weights (attn_lm_weights_f32).
Use it from C:
    static uint8_t cache_buf[G2P_CACHE_BYTES] ATTN_ALIGNED;
    static uint8_t arena_buf[G2P_SCRATCH_BYTES] ATTN_ALIGNED;
    attn_arena_init(&store, cache_buf, sizeof cache_buf);
    attn_kv_cache_init_f32(&cache, G2P_N_DEC_LAYERS, G2P_D_MODEL, G2P_MAX_TGT,
                           G2P_MAX_SRC, &store);
    attn_arena_init(&arena, arena_buf, sizeof arena_buf);
    attn_seq2seq_greedy_f32(out, &n, max_out, src, src_len, G2P_BOS, G2P_EOS,
                            &cache, &g2p_cfg, &g2p_weights, &arena);
(a front end: attn_seq2seq_encode_ex_f32(&cache, input, NULL, NULL, src_len, ...)
or (&cache, NULL, src, segments, src_len, ...), then attn_seq2seq_generate_f32(out,
&n, max_out, G2P_BOS, G2P_EOS, &cache, &g2p_cfg, &g2p_weights, &arena);
decoder-only: attn_kv_cache_init_f32(&cache, LM_N_LAYERS, LM_D_MODEL,
LM_MAX_LEN, 0, &store); attn_lm_greedy_f32(out, &n, max_out, prompt,
prompt_len, LM_EOS, &cache, &lm_cfg, &lm_weights, &arena)).

int8: export_seq2seq_calibration(model, src, tgt, path, name) writes the
calibration header (G2P_N_CALIB; int g2p_calib_src[n][MAX_SRC] and
g2p_calib_src_len[n], g2p_calib_tgt[n][MAX_TGT] and g2p_calib_tgt_len[n]:
sources and their decoder inputs, BOS first, teacher forcing; segments=:
g2p_calib_seg[n][MAX_SRC], the token sources' segment ids; feature or image
sources: float g2p_calib_input[n][MAX_SRC * SRC_D_IN] or [n][C * H * W]
instead of g2p_calib_src, their rows in g2p_calib_src_len);
export_lm_calibration(model, seqs, path, name) the decoder-only one
(lm_calib_seq, lm_calib_seq_len). quantize_seq2seq(float_h, calib_h, out_h,
name, *, samples=None, max_out=None, min_word_agreement=0.9, c_compiler="cc",
segments=None) builds tools/quantize_seq2seq.c against both, which runs
attn_quantize_seq2seq_ex_s8 (QS_INPUT: float sources, QS_SEG: segment ids;
its store exactly
attn_quantize_seq2seq_store_bytes) and prints NAME_model_s8.h: int8 / int32 /
attn_qmul arrays g2p_s8_*, g2p_s8_enc_layers, g2p_s8_dec_layers, g2p_s8
(attn_seq2seq_s8_params), G2P_S8_WEIGHT_BYTES, G2P_S8_CACHE_BYTES,
G2P_S8_SCRATCH_BYTES (include it after g2p_model.h, whose config it uses;
deterministic; a front end: G2P_S8_SCRATCH_BYTES is
ATTN_SEQ2SEQ_SCRATCH_EX_S8, the usage attn_seq2seq_encode_ex_s8 with the float
input in int8 at g2p_s8.src_in_scale / src_in_zp). Then the header, compiled,
must decode exactly as the parameters the quantizer made in memory (the runs
of a front end: the inputs
quantized by attn_quantize_s8, attn_seq2seq_encode_ex_s8 +
attn_seq2seq_generate_s8), and its greedy outputs on `samples`
(held-out sources; default the calibration ones) are compared with the float
header's: the report (returned, and logged) gives the outputs identical to
float, the token error rate against float (Levenshtein distance / float's
tokens) and the int8 logits' error; fewer identical than min_word_agreement
is a RuntimeError. quantize_lm(...) likewise for decoder-only models
(samples: prompts; default the first half of each calibration sequence).

BRING YOUR OWN MODEL (from_module, export_module; tools/byom.py)
----------------------------------------------------------------
A model written the usual way (your own nn.Module class and attribute names)
is exported as it is when it is made of attention.h's blocks:

    from export import from_module, export_module
    wrapper = from_module(model)            # a Classifier / Seq2Seq / DecoderLM
    export_module(model, "net_model.h", "net")               # float, verified
    export_module(model, "net_model.h", "net", calib=x[:64]) # + int8
    /usr/bin/python3 tools/export.py net.pt --name net       # torch.save(model)
    /usr/bin/python3 tools/export.py net_sd.pt --name net \
        --class path/to/net.py:Net --args '{"d_model": 32}'  # a state_dict

What is traced: forward(x) (forward(src, tgt) for an encoder-decoder; other
arguments must have defaults and are fixed at them) runs once under torch.fx
on example_input= (a batch; default: made up from the first nn.Linear /
nn.Embedding, batch 2, as many rows as the position table has, else 8; --seq
on the command line). torch.nn's modules are leaves (nn.TransformerEncoder,
nn.TransformerEncoderLayer, nn.Transformer, nn.Linear, nn.Embedding,
nn.LayerNorm, nn.Conv2d, nn.Dropout, ...); your own modules and
nn.Sequential are traced through, so a loop over an nn.ModuleList is a chain
of layer calls. Sizes (x.shape, x.size(1), len(x)) are the example's: the
export is for that input shape. Every node is also run on the example, and
what does not depend on the input's data is checked by value.
What is recognised, whatever the attribute names:
    input      nn.Linear(d_in, d) of features [batch, seq, d_in]; nn.Embedding
               of token ids [batch, seq]; nn.Conv2d patches
               (conv(x).flatten(2).transpose(1, 2); needs example_input=).
    scale      token embeddings * a number (math.sqrt(d)): Seq2Seq/DecoderLM
               embed_scale; a Classifier gets a scaled copy of the table
               (attn_model_cfg has no embed_scale; the same float32 products).
    CLS        torch.cat([param.expand(b, -1, -1), x], dim=<rows>) (any
               [d]-sized parameter), before the positions.
    positions  anything added to the rows that equals the first rows of a
               parameter or buffer [max, d] / [1, max, d] / [max, 1, d] (x +
               pos, pos + x, x += ..., pos[:, :n], pos[:n], an nn.Embedding of
               torch.arange(n)): learned, that table (shared); a buffer equal
               to attention.h's sinusoidal table (the PyTorch tutorial's, in
               float64 then float32): "sinusoidal", no table in the header.
    LayerNorm  after the embedding (+ positions): embed_norm; after the stack:
               the final norm.
    layers     an nn.TransformerEncoder, or nn.TransformerEncoderLayers called
               one after the other: one stack of identical layers (post- or
               pre-norm, relu / gelu / tanh-gelu, batch_first either way,
               transpose(0, 1) / permute(1, 0, 2) around it as the layers
               expect); a mask given to them: none, all-visible or the causal
               triangle (generate_square_subsequent_mask, torch.triu(...)).
    pooling    x[:, 0] ("first"), x.mean(dim=<rows>) ("mean"), attention
               pooling: softmax over the rows of Linear(d, 1)(x) (squeezed or
               not), then (w * x).sum(dim=<rows>); then the head nn.Linear.
    no pooling a head nn.Linear on every row of a causal stack of token ids:
               DecoderLM; forward(src, tgt) through nn.Transformer(s, t,
               tgt_mask=causal) (or an nn.TransformerEncoder's memory into an
               nn.TransformerDecoder(t, memory, tgt_mask=causal): a
               transformer's .encoder and .decoder called in turn) and an
               output nn.Linear: Seq2Seq (without positions max_src = max_tgt
               = 32).
    ignored    nn.Dropout / F.dropout (the export is the eval-mode model).
Verified (never a silently different model): export_module writes the header
of the wrapper, verify_model runs it in C against the wrapper (1e-5 * max(1,
|logit|)) and against your own forward on the same inputs (reference=model:
16 random inputs of the example's shape, no padding; the same bound; a
RuntimeError naming the sample and logit otherwise). Encoder-decoders and
language models: export_seq2seq / export_lm with reference=model (greedy
tokens identical, every step's logits within the bound). verify_model(...,
reference=f) and export_model(..., reference=f) do the same for a Classifier
you built by hand. int8 (calib=, --calib): quantize, then the int8 argmax
must be your model's on at least min_agreement (--min-agreement, default 0.9)
of the samples; the report states it.
Refused (ValueError: the module path, e.g. `blocks.2.norm (nn.BatchNorm1d)`,
the source line file.py:LINE `code` that made the node, and what attention.h
would need): modules attention.h does not have (BatchNorm, LSTM/GRU, Conv1d,
a hand-written attention or feed-forward, an activation outside a
transformer layer, another activation inside one), operations on the rows
outside the shape above (a second Linear, a scale other than of token
embeddings, positions that are not a table's first rows, a concatenation
other than one CLS row in front, pooling over another axis), padding masks
computed in forward, masks other than causal, data-dependent control flow
(fx cannot trace `if x.sum() > 0`), a forward returning several outputs.
The command line never shows a traceback: a TorchScript file (torch.jit keeps
no Python forward for fx to trace: save the nn.Module or its state_dict), a
pickle whose class cannot be imported (put its file on PYTHONPATH or pass
--class file.py:Class; or save a state_dict and pass --class and --args), a
state_dict without --class or not fitting the constructor arguments.
"""

import argparse
import functools
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ATTENTION_H = os.path.join(HERE, os.pardir, "attention.h")
WIDTH = 100  # longest generated line

# C enums of attention.h
ACT_ENUM = {"relu": "ATTN_ACT_RELU", "gelu": "ATTN_ACT_GELU", "gelu_tanh": "ATTN_ACT_GELU_TANH"}
POS_ENUM = {None: "ATTN_POS_NONE", "sinusoidal": "ATTN_POS_SINUSOIDAL",
            "learned": "ATTN_POS_LEARNED"}
POOL_ENUM = {"mean": "ATTN_POOL_MEAN", "first": "ATTN_POOL_FIRST",
             "attention": "ATTN_POOL_ATTENTION"}

# Field order of the structs the header initialises positionally; checked
# against attention.h (check_schema) whenever it sits beside this directory.
SCHEMA = {
    "attn_encoder_cfg": ["d_model", "n_heads", "d_ff", "activation", "norm_first",
                         "causal", "eps", "window"],
    "attn_model_cfg": ["encoder", "d_in", "max_seq", "position", "pooling", "n_classes",
                       "cls_token", "embed_norm", "patch", "channels", "image_h", "image_w",
                       "vocab", "n_segments"],
    "attn_mha_weights_f32": ["wq", "wk", "wv", "bq", "bk", "bv", "wo", "bo"],
    "attn_encoder_layer_weights_f32": ["attn", "ff1_w", "ff1_b", "ff2_w", "ff2_b",
                                       "norm1_w", "norm1_b", "norm2_w", "norm2_b"],
    "attn_encoder_weights_f32": ["layers", "n_layers", "final_norm", "norm_w", "norm_b"],
    "attn_model_weights_f32": ["embed_w", "embed_b", "pos", "encoder", "cls_w", "cls_b",
                               "cls_token", "pool_w", "token_embed", "segment_embed",
                               "embed_norm_w", "embed_norm_b"],
    "attn_seq2seq_cfg": ["encoder", "decoder", "src_vocab", "tgt_vocab", "max_src", "max_tgt",
                         "position", "embed_scale", "embed_norm", "src_d_in", "src_patch",
                         "src_channels", "src_image_h", "src_image_w", "src_cls_token",
                         "src_segments"],
    "attn_lm_cfg": ["layers", "vocab", "max_len", "position", "embed_scale", "embed_norm"],
    "attn_decoder_layer_weights_f32": ["self_attn", "cross_attn", "ff1_w", "ff1_b", "ff2_w",
                                       "ff2_b", "norm1_w", "norm1_b", "norm2_w", "norm2_b",
                                       "norm3_w", "norm3_b"],
    "attn_decoder_weights_f32": ["layers", "n_layers", "final_norm", "norm_w", "norm_b"],
    "attn_seq2seq_weights_f32": ["src_embed", "tgt_embed", "src_pos", "tgt_pos", "encoder",
                                 "decoder", "out_w", "out_b", "src_embed_norm_w",
                                 "src_embed_norm_b", "tgt_embed_norm_w", "tgt_embed_norm_b",
                                 "src_embed_w", "src_embed_b", "src_cls_token",
                                 "src_segment_embed"],
    "attn_lm_weights_f32": ["embed", "pos", "layers", "out_w", "out_b", "embed_norm_w",
                            "embed_norm_b"],
}


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _sinusoidal_cached(seq, d_model):
    ln1e4 = 9.210340371976184  # ln(10000), the constant attention.h uses
    pe = np.zeros((seq, d_model), dtype=np.float32)
    for i in range(0, d_model, 2):
        freq = math.exp(-float(i) * (ln1e4 / float(d_model)))
        for p in range(seq):
            angle = float(p) * freq
            pe[p, i] = math.sin(angle)
            if i + 1 < d_model:
                pe[p, i + 1] = math.cos(angle)
    pe.setflags(write=False)
    return pe


def sinusoidal_table(seq, d_model):
    """The [seq, d_model] float32 table attn_pos_sinusoidal_f32 adds:
    pe[p][2i] = sin(p * 10000^(-2i/d)), pe[p][2i+1] = cos(p * 10000^(-2i/d)),
    angles in double (the same operations as the C code), then float32."""
    return _sinusoidal_cached(int(seq), int(d_model)).copy()


class Classifier(nn.Module):
    """front end -> [CLS] -> + positions -> [LayerNorm] -> encoder -> pool ->
    head: attention.h's attn_model_f32 / attn_model_tokens_f32, in PyTorch
    (see the module docstring for each piece)."""

    def __init__(self, embed, pos, encoder, pool, head, *, max_seq=None, causal=False,
                 cls_token=None, embed_norm=None, segment_embed=None, image_size=None,
                 window=None, attn_mask=None):
        super().__init__()
        self.embed = embed
        if isinstance(pos, torch.Tensor) and not isinstance(pos, nn.Parameter):
            self.register_buffer("pos", pos)
        else:
            self.pos = pos
        self.encoder = encoder
        self.pool = pool
        self.head = head
        self.causal = bool(causal)
        self._max_seq = max_seq
        if isinstance(pos, torch.Tensor):
            if pos.dim() != 2:
                raise ValueError("learned positions must be a [max_seq, d_model] tensor, not %s"
                                 % list(pos.shape))
            if max_seq is not None and max_seq != pos.shape[0]:
                raise ValueError("max_seq %d disagrees with the position table's %d rows"
                                 % (max_seq, pos.shape[0]))
        if cls_token is not None:
            if not _cls_shape_ok(cls_token):
                raise ValueError("cls_token must be a tensor of [d_model], [1, d_model] or "
                                 "[1, 1, d_model], not %s" % (list(cls_token.shape) if
                                                              isinstance(cls_token, torch.Tensor)
                                                              else type(cls_token).__name__))
            _register(self, "cls_token", cls_token)
        else:
            self.cls_token = None
        self.embed_norm = embed_norm
        self.segment_embed = segment_embed
        if segment_embed is not None and not isinstance(embed, nn.Embedding):
            raise ValueError("segment_embed needs token ids: embed must be an nn.Embedding, "
                             "not %s" % type(embed).__name__)
        image_size = _image_size(image_size, "image_size")
        if isinstance(embed, nn.Conv2d) and image_size is None:
            raise ValueError("a Conv2d (patch) embedding needs image_size=(height, width): the "
                             "C model is built for one image shape")
        self.image_size = image_size
        if window is not None and attn_mask is not None:
            raise ValueError("give window or attn_mask, not both")
        if window is not None and (isinstance(window, bool) or
                                   not isinstance(window, (int, np.integer)) or window < 1):
            raise ValueError("window must be an int >= 1 (query i sees keys j with |i - j| <= "
                             "window) or None, not %r" % (window,))
        self.window = None if window is None else int(window)
        if attn_mask is not None:
            if not isinstance(attn_mask, torch.Tensor) or attn_mask.dim() != 2 or \
                    attn_mask.shape[0] != attn_mask.shape[1]:
                raise ValueError("attn_mask must be a square [rows, rows] tensor (True = "
                                 "hidden), not %r" % (list(attn_mask.shape) if
                                                      isinstance(attn_mask, torch.Tensor)
                                                      else attn_mask,))
            self.register_buffer("attn_mask", attn_mask)
        else:
            self.attn_mask = None

    def __setstate__(self, state):
        """A Classifier pickled before the front ends existed loads with them
        absent (None)."""
        super().__setstate__(state)
        for k in ("cls_token", "embed_norm", "segment_embed", "image_size", "window",
                  "attn_mask"):
            if k not in self.__dict__ and k not in self._parameters and \
                    k not in self._buffers and k not in self._modules:
                object.__setattr__(self, k, None)

    @property
    def max_seq(self):
        """Most rows the encoder sees (the input's, + 1 with a CLS token): the
        learned table's rows, else the max_seq given (None: not fixed;
        export_model then uses its seq)."""
        if isinstance(self.pos, torch.Tensor):
            return int(self.pos.shape[0])
        return self._max_seq

    @classmethod
    def build(cls, d_in, d_model, nhead, dim_feedforward, num_layers, n_classes, max_seq,
              pos="learned", pool="mean", activation="relu", norm_first=False,
              final_norm=True, dropout=0.0, layer_norm_eps=1e-5, batch_first=True,
              causal=False, bias=True, cls_token=False, embed_norm=False, window=None):
        """A Classifier from sizes. d_in 0: no embedding. pos "learned" (a
        table initialised N(0, 0.02)), "sinusoidal" or None. pool "mean",
        "first" or "attention" (an nn.Linear(d_model, 1)). cls_token: a
        learned CLS row (max_seq then counts it); embed_norm: a LayerNorm
        after the embedding; window: local attention."""
        embed = nn.Linear(d_in, d_model, bias=bias) if d_in else None
        if pos == "learned":
            pos = nn.Parameter(torch.randn(max_seq, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=dropout,
                                           activation=activation,
                                           layer_norm_eps=layer_norm_eps,
                                           batch_first=batch_first, norm_first=norm_first)
        norm = nn.LayerNorm(d_model, eps=layer_norm_eps) if final_norm else None
        encoder = nn.TransformerEncoder(layer, num_layers, norm=norm,
                                        enable_nested_tensor=False)
        if pool == "attention":
            pool = nn.Linear(d_model, 1)
        return cls(embed, pos, encoder, pool, nn.Linear(d_model, n_classes, bias=bias),
                   max_seq=max_seq, causal=causal,
                   cls_token=nn.Parameter(torch.randn(d_model) * 0.02) if cls_token else None,
                   embed_norm=nn.LayerNorm(d_model, eps=layer_norm_eps) if embed_norm else None,
                   window=window)

    def _front(self, x, segments):
        """The embedded input rows [batch, seq, d_model]."""
        e = self.embed
        if segments is not None and self.segment_embed is None:
            raise ValueError("segments given, but the model has no segment_embed")
        if isinstance(e, nn.Conv2d):
            if x.dim() != 4 or tuple(x.shape[2:]) != tuple(self.image_size) or \
                    x.shape[1] != e.in_channels:
                raise ValueError("this Classifier's input is images [batch, %d, %d, %d], not %s"
                                 % ((e.in_channels,) + tuple(self.image_size) + (list(x.shape),)))
            return e(x).flatten(2).transpose(1, 2)  # patches in row-major order
        if isinstance(e, nn.Embedding):
            if x.dim() != 2 or x.dtype not in (torch.int32, torch.int64):
                raise ValueError("this Classifier's input is token ids [batch, seq] (an integer "
                                 "tensor), not %s %s" % (x.dtype, list(x.shape)))
            h = e(x)
            if self.segment_embed is not None:
                if segments is None:
                    segments = torch.zeros_like(x)
                if segments.shape != x.shape:
                    raise ValueError("segments %s must have the tokens' shape %s"
                                     % (list(segments.shape), list(x.shape)))
                h = h + self.segment_embed(segments)
            return h
        if x.dim() != 3:
            raise ValueError("Classifier input must be [batch, seq, features], not %s"
                             % list(x.shape))
        return e(x) if e is not None else x

    def mask(self, rows, device=None):
        """The [rows, rows] bool attention mask forward hands the encoder
        (True = hidden): causal, window and attn_mask together."""
        i = torch.arange(rows, device=device)[:, None]
        j = torch.arange(rows, device=device)[None, :]
        m = torch.zeros(rows, rows, dtype=torch.bool, device=device)
        if self.causal:
            m |= j > i
        if self.window is not None:
            m |= (i - j).abs() > self.window
        if self.attn_mask is not None:
            am = _bool_mask(self.attn_mask, "attn_mask")
            if am.shape[0] < rows:
                raise ValueError("attn_mask is %d x %d; the encoder sees %d rows"
                                 % (am.shape[0], am.shape[0], rows))
            m |= am[:rows, :rows].to(device)
        return m

    def forward(self, x, key_padding_mask=None, segments=None):
        """x: [batch, seq, d_in] features (d_model without an embedding),
        [batch, C, H, W] images (Conv2d patches) or [batch, seq] token ids
        (nn.Embedding; segments [batch, seq] ids or None: all 0).
        key_padding_mask [batch, seq] over the input rows (True/nonzero =
        padded; a CLS row is never padded) or None. Returns logits
        [batch, n_classes]."""
        h = self._front(x, segments)
        batch, seq, d_model = h.shape
        if self.cls_token is not None:
            row = self.cls_token.reshape(1, 1, -1).to(h.dtype).expand(batch, 1, d_model)
            h = torch.cat([row, h], dim=1)
        rows = h.shape[1]
        max_seq = self.max_seq
        if max_seq is not None and rows > max_seq:
            raise ValueError("the encoder would see %d rows, more than max_seq %d"
                             % (rows, max_seq))
        if isinstance(self.pos, torch.Tensor):
            h = h + self.pos[:rows]
        elif self.pos == "sinusoidal":
            h = h + torch.from_numpy(sinusoidal_table(rows, d_model)).to(h.device, h.dtype)
        elif self.pos is not None:
            raise ValueError("pos must be a tensor, 'sinusoidal' or None, not %r" % (self.pos,))
        if self.embed_norm is not None:
            h = self.embed_norm(h)
        kpm = None
        if key_padding_mask is not None:
            kpm = key_padding_mask.to(device=h.device, dtype=torch.bool)
            if kpm.shape != (batch, seq):
                raise ValueError("key_padding_mask must be [batch, seq] = %s, not %s"
                                 % ([batch, seq], list(kpm.shape)))
            if self.cls_token is not None:
                kpm = torch.cat([torch.zeros(batch, 1, dtype=torch.bool, device=h.device), kpm],
                                dim=1)
        # Always a mask (see the module docstring): PyTorch's reference path.
        mask = self.mask(rows, h.device)
        batch_first = self.encoder.layers[0].self_attn.batch_first
        if not batch_first:
            h = h.transpose(0, 1)
        h = self.encoder(h, mask=mask, src_key_padding_mask=kpm)
        if not batch_first:
            h = h.transpose(0, 1)
        if isinstance(self.pool, nn.Module):  # attention pooling: softmax of pool(h)
            scores = self.pool(h).squeeze(-1)
            if kpm is not None:
                scores = scores.masked_fill(kpm, float("-inf"))
            p = torch.softmax(scores, dim=1)
            pooled = (p.unsqueeze(-1) * h).sum(dim=1)
            if kpm is not None:  # all rows padded: zeros, as attention.h (PyTorch: NaN)
                pooled = torch.where(kpm.all(dim=1, keepdim=True), torch.zeros_like(pooled),
                                     pooled)
        elif self.pool == "mean":
            if kpm is None:
                pooled = h.mean(dim=1)
            else:
                keep = (~kpm).unsqueeze(-1)
                count = keep.sum(dim=1).clamp(min=1).to(h.dtype)
                pooled = torch.where(keep, h, torch.zeros_like(h)).sum(dim=1) / count
        elif self.pool == "first":
            pooled = h[:, 0]
        else:
            raise ValueError("pool must be 'mean', 'first' or an nn.Linear(d_model, 1) "
                             "(attention pooling), not %r" % (self.pool,))
        return self.head(pooled)


def _image_size(v, what):
    """(height, width) from a pair or one int (None stays None); ValueError else."""
    if v is None:
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = (int(v), int(v))
    if not isinstance(v, (tuple, list)) or len(v) != 2 or \
            not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) and x >= 1
                    for x in v):
        raise ValueError("%s must be (height, width) or one int, not %r" % (what, v))
    return (int(v[0]), int(v[1]))


def _cls_shape_ok(t):
    """A CLS row: a [d], [1, d] or [1, 1, d] tensor."""
    return isinstance(t, torch.Tensor) and t.dim() in (1, 2, 3) and \
        all(int(n) == 1 for n in t.shape[:-1])


def _bool_mask(m, what):
    """An attention mask as bool (True = hidden): a bool tensor as it is, a
    float one of 0 (seen) and -inf (hidden) converted; ValueError else."""
    if m.dtype == torch.bool:
        return m
    if torch.is_floating_point(m):
        seen, hidden = m == 0, m == float("-inf")
        if bool((seen | hidden).all()):
            return hidden
        raise ValueError("%s is a float mask with values other than 0 and -inf; attention.h "
                         "adds no bias to the scores, it only hides keys (a bool mask, or 0 / "
                         "-inf)" % what)
    raise ValueError("%s must be a bool tensor (True = hidden) or a float one of 0 / -inf, "
                     "not %s" % (what, m.dtype))


# --------------------------------------------------------------------------
# Checking a model: everything attention.h must be told, or a ValueError
# --------------------------------------------------------------------------


def _plain(module, cls, what):
    """`module` must be a `cls` whose forward is cls's own (subclasses that only
    rename, like MultiheadAttention's out_proj, are fine)."""
    if not isinstance(module, cls):
        raise ValueError("%s must be nn.%s, not %s" % (what, cls.__name__, type(module).__name__))
    if type(module).forward is not cls.forward:
        raise ValueError("%s is a %s that overrides forward(); attention.h computes "
                         "nn.%s.forward" % (what, type(module).__name__, cls.__name__))


def _array(t, what):
    """Parameter -> contiguous float32 numpy copy (finite), or None."""
    if t is None:
        return None
    if not torch.is_floating_point(t):
        raise ValueError("%s is not a floating-point tensor (%s)" % (what, t.dtype))
    a = np.ascontiguousarray(t.detach().to("cpu", torch.float32).numpy()).copy()
    if not np.all(np.isfinite(a)):
        raise ValueError("%s has NaN or infinite values" % what)
    return a


def _linear(m, in_f, out_f, what):
    _plain(m, nn.Linear, what)
    if m.in_features != in_f or m.out_features != out_f:
        raise ValueError("%s is Linear(%d, %d); expected Linear(%d, %d)"
                         % (what, m.in_features, m.out_features, in_f, out_f))
    w = _array(m.weight, what + ".weight")
    if w.shape != (out_f, in_f):
        raise ValueError("%s.weight has shape %s, expected %s" % (what, w.shape, (out_f, in_f)))
    b = _array(m.bias, what + ".bias")
    if b is not None and b.shape != (out_f,):
        raise ValueError("%s.bias has shape %s, expected %s" % (what, b.shape, (out_f,)))
    return w, b


def _layernorm(m, d_model, what):
    """-> (gamma or None, beta or None, eps)."""
    _plain(m, nn.LayerNorm, what)
    if tuple(m.normalized_shape) != (d_model,):
        raise ValueError("%s normalises over %s; attention.h normalises each token's "
                         "[%d] row" % (what, tuple(m.normalized_shape), d_model))
    eps = float(m.eps)
    if not eps > 0.0 or not math.isfinite(eps):
        raise ValueError("%s.eps is %r; attention.h needs eps > 0" % (what, eps))
    if np.float32(eps) <= 0.0:
        raise ValueError("%s.eps %r rounds to 0 in float32" % (what, eps))
    gamma = _array(getattr(m, "weight", None), what + ".weight")
    beta = _array(getattr(m, "bias", None), what + ".bias")
    for v, n in ((gamma, "weight"), (beta, "bias")):
        if v is not None and v.shape != (d_model,):
            raise ValueError("%s.%s has shape %s, expected (%d,)" % (what, n, v.shape, d_model))
    return gamma, beta, eps


def _activation_kind(act, what):
    """'relu', 'gelu' or 'gelu_tanh', recognised by what the function computes."""
    if isinstance(act, str):  # never stored so by PyTorch, but be kind
        names = {"relu": "relu", "gelu": "gelu"}
        if act in names:
            return names[act]
        raise ValueError("%s activation %r is not relu, gelu or gelu(approximate='tanh')"
                         % (what, act))
    if isinstance(act, nn.Module) and (act._forward_hooks or act._forward_pre_hooks):
        raise ValueError("%s activation has forward hooks" % what)
    x = torch.cat([torch.linspace(-12.0, 12.0, 24001), torch.tensor([-1e4, -60.0, 60.0, 1e4])])
    try:
        with torch.no_grad():
            y = act(x.clone())
    except Exception as e:  # noqa: BLE001 - any failure means "not representable"
        raise ValueError("%s activation %r could not be evaluated: %s" % (what, act, e))
    if not isinstance(y, torch.Tensor) or y.shape != x.shape:
        raise ValueError("%s activation %r is not element-wise" % (what, act))
    refs = [("relu", F.relu(x)), ("gelu", F.gelu(x)),
            ("gelu_tanh", F.gelu(x, approximate="tanh"))]
    for kind, ref in refs:
        if torch.equal(y.to(torch.float32), ref):
            return kind
    for kind, ref in refs:  # a hand-written formula: the same within float rounding
        if torch.allclose(y.to(torch.float32), ref, rtol=1e-6, atol=1e-6):
            return kind
    raise ValueError("%s activation %r is neither relu, gelu nor gelu(approximate='tanh'): "
                     "attention.h has only those" % (what, act))


def _mha(mha, what, layer_what):
    """One nn.MultiheadAttention (self- or cross-attention; `what` names it,
    `layer_what` its layer) -> (d_model, heads, in_w, in_b, out_w, out_b)."""
    _plain(mha, nn.MultiheadAttention, what)
    d = int(mha.embed_dim)
    if not mha._qkv_same_embed_dim or mha.kdim != d or mha.vdim != d:
        raise ValueError("%s has kdim=%s vdim=%s; attention.h needs both equal to "
                         "d_model=%d" % (what, mha.kdim, mha.vdim, d))
    if mha.bias_k is not None or mha.bias_v is not None:
        raise ValueError("%s uses add_bias_kv=True; attention.h has no bias_k/bias_v"
                         % what)
    if mha.add_zero_attn:
        raise ValueError("%s uses add_zero_attn=True; attention.h does not" % what)
    heads = int(mha.num_heads)
    if heads <= 0 or d % heads != 0:
        raise ValueError("%s: d_model %d is not divisible by nhead %d" % (layer_what, d, heads))
    in_w = _array(mha.in_proj_weight, what + ".in_proj_weight")
    if in_w.shape != (3 * d, d):
        raise ValueError("%s.in_proj_weight has shape %s, expected %s"
                         % (what, in_w.shape, (3 * d, d)))
    in_b = _array(mha.in_proj_bias, what + ".in_proj_bias")
    if in_b is not None and in_b.shape != (3 * d,):
        raise ValueError("%s.in_proj_bias has shape %s" % (what, in_b.shape))
    out_w, out_b = _linear(mha.out_proj, d, d, what + ".out_proj")
    return d, heads, in_w, in_b, out_w, out_b


def _encoder_layer(layer, i, stack="encoder"):
    """One nn.TransformerEncoderLayer (layer i of `stack`) -> dict of its
    config and arrays."""
    what = "%s.layers[%d]" % (stack, i)
    _plain(layer, nn.TransformerEncoderLayer, what)
    mha = layer.self_attn
    d, heads, in_w, in_b, out_w, out_b = _mha(mha, what + ".self_attn", what)
    d_ff = int(layer.linear1.out_features) if isinstance(layer.linear1, nn.Linear) else -1
    ff1_w, ff1_b = _linear(layer.linear1, d, d_ff, what + ".linear1")
    ff2_w, ff2_b = _linear(layer.linear2, d_ff, d, what + ".linear2")
    n1w, n1b, eps1 = _layernorm(layer.norm1, d, what + ".norm1")
    n2w, n2b, eps2 = _layernorm(layer.norm2, d, what + ".norm2")
    if eps1 != eps2:
        raise ValueError("%s: norm1.eps %r != norm2.eps %r; attention.h has one eps"
                         % (what, eps1, eps2))
    return dict(
        cfg=dict(d_model=d, n_heads=heads, d_ff=d_ff,
                 activation=_activation_kind(layer.activation, what),
                 norm_first=bool(layer.norm_first), eps=eps1,
                 batch_first=bool(mha.batch_first)),
        arrays=dict(in_proj_w=in_w, in_proj_b=in_b, out_w=out_w, out_b=out_b,
                    ff1_w=ff1_w, ff1_b=ff1_b, ff2_w=ff2_w, ff2_b=ff2_b,
                    norm1_w=n1w, norm1_b=n1b, norm2_w=n2w, norm2_b=n2b))


def _stack(enc, what, decoder=False):
    """An nn.TransformerEncoder (nn.TransformerDecoder if decoder), named
    `what` -> (layers, [described layer], the layers' cfg, final norm
    (gamma, beta) or None). One config for every layer, or ValueError."""
    _plain(enc, nn.TransformerDecoder if decoder else nn.TransformerEncoder, what)
    layers = list(enc.layers)
    if not layers:
        raise ValueError("%s has no layers; attention.h needs num_layers >= 1" % what)
    one = _decoder_layer if decoder else _encoder_layer
    described = [one(l, i, what) for i, l in enumerate(layers)]
    cfg0 = described[0]["cfg"]
    for i, dl in enumerate(described[1:], 1):
        for k in ("d_model", "n_heads", "d_ff", "activation", "norm_first", "eps",
                  "batch_first"):
            if dl["cfg"][k] != cfg0[k]:
                raise ValueError("%s.layers[%d].%s is %r but layers[0]'s is %r; "
                                 "attention.h runs one config for the whole stack"
                                 % (what, i, k, dl["cfg"][k], cfg0[k]))
    final = None
    if enc.norm is not None:
        nw, nb, neps = _layernorm(enc.norm, cfg0["d_model"], what + ".norm")
        if neps != cfg0["eps"]:
            raise ValueError("%s.norm.eps %r != the layers' eps %r; attention.h has one "
                             "eps" % (what, neps, cfg0["eps"]))
        final = (nw, nb)
    return layers, described, cfg0, final


def _decoder_layer(layer, i, stack="decoder"):
    """One nn.TransformerDecoderLayer (layer i of `stack`) -> dict of its
    config and arrays (as _encoder_layer; sa_/ca_ self- and cross-attention)."""
    what = "%s.layers[%d]" % (stack, i)
    _plain(layer, nn.TransformerDecoderLayer, what)
    d, heads, in_w, in_b, out_w, out_b = _mha(layer.self_attn, what + ".self_attn", what)
    d2, heads2, c_in_w, c_in_b, c_out_w, c_out_b = _mha(layer.multihead_attn,
                                                        what + ".multihead_attn", what)
    if (d2, heads2) != (d, heads):
        raise ValueError("%s.multihead_attn is %d wide with %d heads, self_attn %d with %d; "
                         "attention.h's decoder layer has one d_model and n_heads"
                         % (what, d2, heads2, d, heads))
    if layer.self_attn.batch_first != layer.multihead_attn.batch_first:
        raise ValueError("%s: self_attn and multihead_attn disagree on batch_first" % what)
    d_ff = int(layer.linear1.out_features) if isinstance(layer.linear1, nn.Linear) else -1
    ff1_w, ff1_b = _linear(layer.linear1, d, d_ff, what + ".linear1")
    ff2_w, ff2_b = _linear(layer.linear2, d_ff, d, what + ".linear2")
    norms = [_layernorm(getattr(layer, "norm%d" % k), d, what + ".norm%d" % k)
             for k in (1, 2, 3)]
    for k in (1, 2):
        if norms[k][2] != norms[0][2]:
            raise ValueError("%s: norm%d.eps %r != norm1.eps %r; attention.h has one eps"
                             % (what, k + 1, norms[k][2], norms[0][2]))
    return dict(
        cfg=dict(d_model=d, n_heads=heads, d_ff=d_ff,
                 activation=_activation_kind(layer.activation, what),
                 norm_first=bool(layer.norm_first), eps=norms[0][2],
                 batch_first=bool(layer.self_attn.batch_first)),
        arrays=dict(sa_in_proj_w=in_w, sa_in_proj_b=in_b, sa_out_w=out_w, sa_out_b=out_b,
                    ca_in_proj_w=c_in_w, ca_in_proj_b=c_in_b, ca_out_w=c_out_w,
                    ca_out_b=c_out_b, ff1_w=ff1_w, ff1_b=ff1_b, ff2_w=ff2_w, ff2_b=ff2_b,
                    norm1_w=norms[0][0], norm1_b=norms[0][1], norm2_w=norms[1][0],
                    norm2_b=norms[1][1], norm3_w=norms[2][0], norm3_b=norms[2][1]))


def _conv_patches(conv, d, image_size, what="embed"):
    """nn.Conv2d(C, d, k, stride=k) cutting an image into k x k patches ->
    (channels, patch, weight [d][C*k*k], bias or None); ValueError for any
    other convolution."""
    _plain(conv, nn.Conv2d, what)
    k = tuple(int(v) for v in conv.kernel_size)
    need = ("attention.h's patches are nn.Conv2d(channels, d_model, k, stride=k, padding=0, "
            "dilation=1, groups=1): non-overlapping k x k squares")
    if k[0] != k[1]:
        raise ValueError("%s has a %dx%d kernel; %s" % (what, k[0], k[1], need))
    if tuple(int(v) for v in conv.stride) != k:
        raise ValueError("%s has stride %s with a %dx%d kernel; %s"
                         % (what, tuple(conv.stride), k[0], k[1], need))
    pad = conv.padding
    if isinstance(pad, str):
        if pad != "valid":
            raise ValueError("%s has padding=%r; %s" % (what, pad, need))
    elif any(int(v) != 0 for v in pad):
        raise ValueError("%s has padding %s; %s" % (what, tuple(pad), need))
    if any(int(v) != 1 for v in conv.dilation):
        raise ValueError("%s has dilation %s; %s" % (what, tuple(conv.dilation), need))
    if int(conv.groups) != 1:
        raise ValueError("%s has groups=%d; %s" % (what, conv.groups, need))
    if getattr(conv, "transposed", False):
        raise ValueError("%s is transposed; %s" % (what, need))
    if int(conv.out_channels) != d:
        raise ValueError("%s has %d output channels; the encoder is %d wide"
                         % (what, conv.out_channels, d))
    h, w = image_size
    if h % k[0] or w % k[0]:
        raise ValueError("image_size %dx%d is not a whole number of %dx%d patches (PyTorch "
                         "would drop the remainder; attention.h needs image_h and image_w "
                         "multiples of the patch)" % (h, w, k[0], k[0]))
    c = int(conv.in_channels)
    weight = _array(conv.weight, what + ".weight")
    if weight.shape != (d, c, k[0], k[0]):
        raise ValueError("%s.weight has shape %s, expected %s"
                         % (what, weight.shape, (d, c, k[0], k[0])))
    bias = _array(conv.bias, what + ".bias")
    return c, k[0], weight.reshape(d, c * k[0] * k[0]), bias


def _embedding(m, d, what):
    """A plain nn.Embedding(n, d) -> its table [n][d]."""
    _check_embedding(m, what)
    table = _array(m.weight, what + ".weight")
    if table.ndim != 2 or table.shape[1] != d or table.shape[0] < 1:
        raise ValueError("%s.weight has shape %s; expected [n, %d] (the encoder's width)"
                         % (what, list(table.shape), d))
    return table


def _band(mask, what):
    """A [n, n] attention mask (True = hidden) -> (causal, window): what
    attention.h can hide is the causal triangle (j > i), a band (|i - j| >
    w, w >= 1), or both; ValueError naming the first entry that fits none."""
    m = _bool_mask(mask.detach().cpu(), what).numpy().astype(bool)
    n = m.shape[0]
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    diff = i - j
    supported = ("attention.h hides keys by a causal flag (key j > query i) and a window w >= 1 "
                 "(|i - j| > w), alone or together; other masks it cannot run")
    if m[np.arange(n), np.arange(n)].any():
        k = int(np.argmax(m[np.arange(n), np.arange(n)]))
        raise ValueError("%s hides query %d from its own key; %s" % (what, k, supported))
    causal = n > 1 and bool(m[diff < 0].all())
    below = diff[m & (diff > 0)]
    above = -diff[m & (diff < 0)]
    w_below = int(below.min()) - 1 if below.size else None
    w_above = int(above.min()) - 1 if above.size else None
    window = w_below if (causal or w_below is not None) else w_above
    want = np.zeros((n, n), dtype=bool)
    if causal:
        want |= diff < 0
    if window is not None:
        want |= np.abs(diff) > window
    if window == 0 and np.array_equal(want, m):
        raise ValueError("%s lets each query see only its own key (a window of 0); "
                         "attention.h's window is >= 1 (0 means no window)" % what)
    if not np.array_equal(want, m):
        bad = np.argwhere(want != m)[0]
        near = " + ".join((["causal"] if causal else []) +
                          (["window %d" % window] if window else [])) or "no mask"
        raise ValueError("%s is not a causal and/or band mask: entry [%d, %d] is %s, the "
                         "nearest such mask (%s) has %s there; %s"
                         % (what, bad[0], bad[1], bool(m[bad[0], bad[1]]), near,
                            bool(want[bad[0], bad[1]]), supported))
    return causal, window or 0


def describe(model, seq=None):
    """Check `model` against what attention.h can run and collect everything
    the header needs: dict(cfg..., arrays..., layers [...]). ValueError
    names the first problem found."""
    if not isinstance(model, Classifier):
        raise ValueError("export needs a tools/export.py Classifier (embed, pos, encoder, "
                         "pool, head), not %s; for your own nn.Module: export_module(model, "
                         "path, name) or from_module(model) (BRING YOUR OWN MODEL)"
                         % type(model).__name__)
    for meth in ("forward", "_front", "mask"):
        if getattr(type(model), meth) is not getattr(Classifier, meth):
            raise ValueError("%s overrides Classifier.%s; attention.h computes "
                             "Classifier.forward only" % (type(model).__name__, meth))
    for mname, m in model.named_modules():
        if m._forward_hooks or m._forward_pre_hooks:
            raise ValueError("module %r has forward hooks (weight_norm? remove them first); "
                             "their effect cannot be exported" % (mname or "model"))

    layers, described, cfg0, final = _stack(model.encoder, "encoder")
    d = cfg0["d_model"]
    eps = cfg0["eps"]

    s = dict(front="features", patch=0, channels=0, image_h=0, image_w=0, vocab=0,
             n_segments=0, token_embed=None, segment_embed=None)
    embed = model.embed
    embed_w = embed_b = None
    if embed is None:
        d_in = 0
    elif isinstance(embed, nn.Linear):
        d_in = int(embed.in_features)
        embed_w, embed_b = _linear(embed, d_in, d, "embed")
    elif isinstance(embed, nn.Conv2d):
        if model.image_size is None:
            raise ValueError("a Conv2d (patch) embedding needs the model's image_size")
        c, k, embed_w, embed_b = _conv_patches(embed, d, model.image_size)
        d_in = c * k * k
        patches = (model.image_size[0] // k) * (model.image_size[1] // k)
        if seq is not None and seq != patches:
            raise ValueError("seq %r: a %dx%d image cut into %dx%d patches is %d rows"
                             % (seq, model.image_size[0], model.image_size[1], k, k, patches))
        seq = patches
        s.update(front="patches", patch=k, channels=c, image_h=model.image_size[0],
                 image_w=model.image_size[1])
    elif isinstance(embed, nn.Embedding):
        d_in = 0
        s.update(front="tokens", token_embed=_embedding(embed, d, "embed"))
        s["vocab"] = s["token_embed"].shape[0]
        if model.segment_embed is not None:
            s["segment_embed"] = _embedding(model.segment_embed, d, "segment_embed")
            s["n_segments"] = s["segment_embed"].shape[0]
    else:
        raise ValueError("embed must be nn.Linear (features), nn.Conv2d (ViT patches), "
                         "nn.Embedding (token ids) or None, not %s" % type(embed).__name__)
    if model.segment_embed is not None and s["front"] != "tokens":
        raise ValueError("segment_embed needs an nn.Embedding embed (token ids)")
    if model.image_size is not None and s["front"] != "patches":
        raise ValueError("image_size is for a Conv2d (patch) embedding; embed is %s"
                         % type(embed).__name__)

    cls_row = None
    if model.cls_token is not None:
        cls_row = _array(model.cls_token, "cls_token").reshape(-1)
        if cls_row.shape != (d,):
            raise ValueError("cls_token has %d values; the encoder is %d wide"
                             % (cls_row.size, d))
    norm_w = norm_b = None
    if model.embed_norm is not None:
        norm_w, norm_b, neps = _layernorm(model.embed_norm, d, "embed_norm")
        if neps != eps:
            raise ValueError("embed_norm.eps %r != the encoder's eps %r; attention.h's "
                             "embedding LayerNorm uses the encoder's eps" % (neps, eps))

    pos = model.pos
    pos_table = None
    if isinstance(pos, torch.Tensor):
        position = "learned"
        pos_table = _array(pos, "pos")
        if pos_table.ndim != 2 or pos_table.shape[1] != d or pos_table.shape[0] < 1:
            raise ValueError("learned positions have shape %s; expected [max_seq, %d]"
                             % (list(pos_table.shape), d))
        max_seq = pos_table.shape[0]
    elif isinstance(pos, str) and pos == "sinusoidal":
        position = "sinusoidal"
        max_seq = model.max_seq
    elif pos is None:
        position = None
        max_seq = model.max_seq
    else:
        raise ValueError("pos must be a [max_seq, d_model] tensor, 'sinusoidal' or None, "
                         "not %r" % (pos,))
    if seq is None:
        raise ValueError("seq (the input rows the C code runs) is needed")
    if not isinstance(seq, (int, np.integer)) or isinstance(seq, bool):
        raise ValueError("seq must be an int, not %r" % (seq,))
    seq = int(seq)
    cls_token = int(cls_row is not None)
    rows = seq + cls_token
    if max_seq is None:
        max_seq = rows
    max_seq = int(max_seq)
    if seq < 1 or rows > max_seq:
        if cls_token:
            raise ValueError("seq %d is outside 1..%d (max_seq %d rows, one the CLS token)"
                             % (seq, max_seq - 1, max_seq))
        raise ValueError("seq %d is outside 1..max_seq (%d)" % (seq, max_seq))

    pool_w = None
    if isinstance(model.pool, nn.Module):
        if not isinstance(model.pool, nn.Linear):
            raise ValueError("pool must be 'mean', 'first' or an nn.Linear(d_model, 1) "
                             "(attention pooling), not %s" % type(model.pool).__name__)
        w, _ = _linear(model.pool, d, 1, "pool")  # its bias cancels in the softmax
        pool_w = w.reshape(d)
        pooling = "attention"
    elif isinstance(model.pool, str) and model.pool in ("mean", "first"):
        pooling = model.pool
    else:
        raise ValueError("pool must be 'mean', 'first' or an nn.Linear(d_model, 1) (attention "
                         "pooling), not %r" % (model.pool,))
    if not isinstance(model.head, nn.Linear):
        raise ValueError("head must be nn.Linear, not %s" % type(model.head).__name__)
    n_classes = int(model.head.out_features)
    cls_w, cls_b = _linear(model.head, d, n_classes, "head")
    if not isinstance(model.causal, bool):
        raise ValueError("causal must be True or False, not %r" % (model.causal,))
    causal, window = model.causal, model.window or 0
    if model.attn_mask is not None:
        mc, window = _band(model.attn_mask, "attn_mask")
        n = int(model.attn_mask.shape[0])
        if n < rows:
            raise ValueError("attn_mask is %d x %d; the encoder sees %d rows (seq %d%s)"
                             % (n, n, rows, seq, " + the CLS token" if cls_token else ""))
        causal = causal or mc

    s.update(seq=seq, d_in=d_in, d_model=d, n_heads=cfg0["n_heads"], d_ff=cfg0["d_ff"],
             n_layers=len(layers), n_classes=n_classes, activation=cfg0["activation"],
             norm_first=cfg0["norm_first"], causal=causal, window=window, eps=eps,
             max_seq=max_seq, position=position, pooling=pooling,
             batch_first=cfg0["batch_first"],
             embed_w=embed_w, embed_b=embed_b, pos=pos_table,
             layers=[dl["arrays"] for dl in described],
             norm=final, cls_w=cls_w, cls_b=cls_b, cls_token=cls_token, cls_row=cls_row,
             embed_norm=int(model.embed_norm is not None), embed_norm_w=norm_w,
             embed_norm_b=norm_b, pool_w=pool_w)
    return s


# --------------------------------------------------------------------------
# C text
# --------------------------------------------------------------------------


def c_float(v):
    """float32 -> C float literal that converts back to exactly the same float."""
    v = float(np.float32(v))
    if not math.isfinite(v):
        raise ValueError("non-finite value %r cannot be a C literal" % v)
    s = "%.9g" % v
    if "." not in s and "e" not in s:
        s += "."
    return s + "f"


def wrap(items, indent="    ", width=WIDTH, sep=","):
    """Join `items` (each followed by `sep`) into lines of at most `width`."""
    lines, cur = [], indent
    for it in items:
        piece = it + sep
        if cur != indent and len(cur) + 1 + len(piece) > width:
            lines.append(cur)
            cur = indent
        cur += ("" if cur == indent else " ") + piece
    lines.append(cur)
    return "\n".join(lines)


def _join(items, first, indent, width=WIDTH):
    """items joined by ", " after `first`, continuation lines start with
    `indent`; no line longer than width - 2 (room for a closing "},")."""
    lines, cur = [], first
    for k, it in enumerate(items):
        piece = it + ("," if k + 1 < len(items) else "")
        if cur.strip() and len(cur) + 1 + len(piece) > width - 2:
            lines.append(cur)
            cur = indent
        cur += ("" if cur in (first, indent) else " ") + piece
    lines.append(cur)
    return "\n".join(lines)


def _c_name(name):
    if not isinstance(name, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise ValueError("name %r is not a C identifier" % (name,))
    if len(name) > 32:
        raise ValueError("name %r is longer than 32 characters" % (name,))
    return name


def _dims(shape):
    return " * ".join(str(int(n)) for n in shape)


def _para(text, first="   "):
    """Comment text wrapped to WIDTH: the first line starts with `first`, the
    others with three spaces."""
    lines, cur = [], first
    for word in text.split(" "):
        if cur.strip() and len(cur) + 1 + len(word) > WIDTH:
            lines.append(cur)
            cur = "   "
        cur += ("" if cur in (first, "   ") else " ") + word
    lines.append(cur)
    return "\n".join(lines)


def _decl(ctype, declarator):
    """`static const ctype declarator = {`, broken after the type if too long."""
    line = "static const %s %s = {" % (ctype, declarator)
    if len(line) <= WIDTH:
        return line
    return "static const %s\n    %s = {" % (ctype, declarator)


def _float_array(out, cname, arr, comment):
    out.append("\n/* %s */\n%s\n%s\n};\n"
               % (comment, _decl("float", "%s[%s]" % (cname, _dims(arr.shape))),
                  wrap([c_float(v) for v in arr.reshape(-1)])))


def check_schema(path=ATTENTION_H):
    """Assert that the struct fields in attention.h come in the order the
    generated initialisers assume (SCHEMA). Skipped if there is no header."""
    if not os.path.exists(path):
        return False
    with open(path) as fh:
        text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
    for tag, fields in SCHEMA.items():
        m = re.search(r"typedef struct \{([^{}]*)\}\s*%s;" % tag, text, re.S)
        if not m:
            raise RuntimeError("attention.h: struct %s not found; tools/export.py is out of date"
                               % tag)
        found = []
        for decl in m.group(1).split(";"):
            if decl.strip():
                found += [re.findall(r"\w+", piece)[-1] for piece in decl.split(",")]
        if found != fields:
            raise RuntimeError("attention.h: %s fields are %s, export.py writes %s"
                               % (tag, found, fields))
    return True


def _versions():
    return "torch %s, numpy %s" % (torch.__version__, np.__version__)


def _regen_note(source):
    """Comment lines (indented 3) naming the versions and how to regenerate."""
    note = "Made with %s. Regenerate: %s." % (
        _versions(), source or "re-run the script that called tools/export.py")
    return wrap(note.split(" "), indent="   ", sep="")


def model_header(model, name, seq=None, source=None):
    """The text export_model writes (see the module docstring)."""
    check_schema()
    name = _c_name(name)
    s = describe(model, seq)
    up = name.upper()
    d, dff = s["d_model"], s["d_ff"]
    arrays = []  # (C name, numpy array, comment)

    def add(suffix, arr, comment):
        if arr is None:
            return "NULL"
        cname = "%s_%s" % (name, suffix)
        arrays.append((cname, arr, comment))
        return cname

    refs = {}
    patches = s["front"] == "patches"
    refs["embed_w"] = add("embed_w", s["embed_w"], "embed.weight [d_model][channels][patch][patch] "
                          "= [d_model][d_in] (Conv2d)" if patches else
                          "embed.weight [d_model][d_in]")
    refs["embed_b"] = add("embed_b", s["embed_b"], "embed.bias [d_model]")
    refs["token_embed"] = add("token_embed", s["token_embed"], "embed.weight [vocab][d_model] "
                              "(token embeddings)")
    refs["segment_embed"] = add("segment_embed", s["segment_embed"],
                                "segment_embed.weight [n_segments][d_model]")
    refs["cls_token"] = add("cls_token", s["cls_row"], "cls_token [d_model] (the learned CLS row "
                            "in front)")
    refs["pos"] = add("pos", s["pos"], "pos: learned positions [max_seq][d_model]")
    refs["embed_norm_w"] = add("embed_norm_w", s["embed_norm_w"], "embed_norm.weight [d_model]")
    refs["embed_norm_b"] = add("embed_norm_b", s["embed_norm_b"], "embed_norm.bias [d_model]")
    layer_inits = []
    for i, L in enumerate(s["layers"]):
        p = "encoder.layers.%d." % i
        r = {}
        for key, comment in (
                ("in_proj_w", "self_attn.in_proj_weight [3*d_model][d_model] (Wq; Wk; Wv)"),
                ("in_proj_b", "self_attn.in_proj_bias [3*d_model] (bq; bk; bv)"),
                ("out_w", "self_attn.out_proj.weight [d_model][d_model]"),
                ("out_b", "self_attn.out_proj.bias [d_model]"),
                ("ff1_w", "linear1.weight [d_ff][d_model]"),
                ("ff1_b", "linear1.bias [d_ff]"),
                ("ff2_w", "linear2.weight [d_model][d_ff]"),
                ("ff2_b", "linear2.bias [d_model]"),
                ("norm1_w", "norm1.weight [d_model]"), ("norm1_b", "norm1.bias [d_model]"),
                ("norm2_w", "norm2.weight [d_model]"), ("norm2_b", "norm2.bias [d_model]")):
            r[key] = add("l%d_%s" % (i, key), L[key], p + comment)
        w = r["in_proj_w"]
        b = r["in_proj_b"]
        # the offsets as numbers: an int product as a pointer offset is a
        # clang-tidy finding (bugprone-implicit-widening-of-multiplication-result)
        mha = [w, "%s + %d" % (w, d * d), "%s + %d" % (w, 2 * d * d)]
        mha += ["NULL"] * 3 if b == "NULL" else [b, "%s + %d" % (b, d), "%s + %d" % (b, 2 * d)]
        mha += [r["out_w"], r["out_b"]]
        rest = [r[k] for k in ("ff1_w", "ff1_b", "ff2_w", "ff2_b",
                               "norm1_w", "norm1_b", "norm2_w", "norm2_b")]
        layer_inits.append(_join(mha, "    {{", "      ") + "},\n" +
                           _join(rest, "     ", "     ") + "},")
    if s["norm"] is not None:
        refs["norm_w"] = add("norm_w", s["norm"][0], "encoder.norm.weight [d_model] (final)")
        refs["norm_b"] = add("norm_b", s["norm"][1], "encoder.norm.bias [d_model] (final)")
    else:
        refs["norm_w"] = refs["norm_b"] = "NULL"
    refs["pool_w"] = add("pool_w", s["pool_w"], "pool.weight [1][d_model] (attention pooling; "
                         "its bias cancels in the softmax)")
    refs["cls_w"] = add("cls_w", s["cls_w"], "head.weight [n_classes][d_model]")
    refs["cls_b"] = add("cls_b", s["cls_b"], "head.bias [n_classes]")
    weight_bytes = sum(int(a.size) * 4 for _, a, _ in arrays)

    front = s["front"]
    if front == "patches":
        front_text = "Conv2d(%d -> %d, %dx%d patches, stride %d) embedding of a %dx%dx%d image " \
            "(%d patches)" % (s["channels"], d, s["patch"], s["patch"], s["patch"], s["channels"],
                              s["image_h"], s["image_w"], s["seq"])
    elif front == "tokens":
        front_text = "token embedding [%d][%d]%s" % (
            s["vocab"], d, ", segment embedding [%d][%d]" % (s["n_segments"], d)
            if s["n_segments"] else "")
    elif s["d_in"]:
        front_text = "Linear(%d -> %d) embedding" % (s["d_in"], d)
    else:
        front_text = "no embedding"
    summary = "%s%s%s%s, %d %s encoder layer%s (%d heads, d_ff %d, %s, eps %s%s)%s, %s " \
        "pooling, Linear(%d -> %d)%s" % (
            front_text, ", a learned CLS token" if s["cls_token"] else "",
            {"learned": ", learned positions [%d][%d]" % (s["max_seq"], d),
             "sinusoidal": ", sinusoidal positions", None: ", no positions"}[s["position"]],
            ", embedding LayerNorm" if s["embed_norm"] else "",
            s["n_layers"], "pre-norm" if s["norm_first"] else "post-norm",
            "s" if s["n_layers"] > 1 else "", s["n_heads"], dff,
            s["activation"].replace("_", "-"), "%g" % s["eps"],
            ", window %d" % s["window"] if s["window"] else "",
            ", final LayerNorm" if s["norm"] is not None else ", no final norm",
            s["pooling"], d, s["n_classes"], ", causal" if s["causal"] else "")
    head_comment = wrap(("Model: %s." % summary).split(" "), indent="   ", sep="")
    if s["cls_token"] or patches:
        scratch = ["static uint8_t arena_buf[ATTN_MODEL_SCRATCH_EX_F32(%s_SEQ" % up,
                   "%s_D_MODEL" % up, "%s_N_HEADS" % up, "%s_D_FF" % up,
                   "%d" % s["cls_token"],
                   "%s)] ATTN_ALIGNED;" % ("%s_D_IN" % up if patches else "0")]
    else:
        scratch = ["static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(%s_SEQ" % up,
                   "%s_D_MODEL" % up, "%s_N_HEADS" % up, "%s_D_FF)] ATTN_ALIGNED;" % up]
    if front == "tokens":
        call = ["attn_model_tokens_f32(logits", "tokens",
                "segments" if s["n_segments"] else "NULL", "%s_SEQ" % up, "NULL"]
        shapes = "tokens [%s_SEQ] (ids 0..%s_VOCAB-1)%s, logits [%s_N_CLASSES]." % (
            up, up, ", segments [%s_SEQ] (ids 0..%s_N_SEGMENTS-1, or NULL: all 0)" % (up, up)
            if s["n_segments"] else "", up)
    else:
        call = ["attn_model_f32(logits", "input", "%s_SEQ" % up, "NULL"]
        if patches:
            shapes = "input [%s_CHANNELS][%s_IMAGE_H][%s_IMAGE_W] (one image), logits " \
                "[%s_N_CLASSES]." % (up, up, up, up)
        else:
            shapes = "input [%s_SEQ][%s], logits [%s_N_CLASSES]." % (
                up, ("%s_D_IN" % up) if s["d_in"] else ("%s_D_MODEL" % up), up)
    usage = "\n".join([
        _join(scratch, "       ", "           "),
        "       attn_arena_init(&arena, arena_buf, sizeof arena_buf);",
        _join(call + ["&%s_cfg" % name, "&%s_weights" % name, "&arena);"], "       ",
              "           ")])
    shapes = wrap(shapes.split(" "), indent="   ", width=WIDTH - 3, sep="")
    out = []
    out.append("""%s
%s
%s
   Use it:
%s
%s */
#ifndef %s_MODEL_H
#define %s_MODEL_H

#include "attention.h"

""" % (_para("%s_model.h - generated by tools/export.py from a PyTorch model; do not edit."
             % name, "/* "), _regen_note(source), head_comment, usage, shapes, up, up))
    if patches:
        macros = [("SEQ", s["seq"], "patches per image: the input rows"),
                  ("D_IN", s["d_in"], "values per patch (channels * patch * patch)"),
                  ("PATCH", s["patch"], "patch side (the Conv2d's kernel and stride)"),
                  ("CHANNELS", s["channels"], "image channels"),
                  ("IMAGE_H", s["image_h"], "image height"),
                  ("IMAGE_W", s["image_w"], "image width")]
    elif front == "tokens":
        macros = [("SEQ", s["seq"], "the sequence length the model is used with"),
                  ("D_IN", 0, "0: the input is token ids"),
                  ("VOCAB", s["vocab"], "rows of the token embedding")]
        if s["n_segments"]:
            macros.append(("N_SEGMENTS", s["n_segments"], "rows of the segment embedding"))
    else:
        macros = [("SEQ", s["seq"], "the sequence length the model is used with"),
                  ("D_IN", s["d_in"], "input features per token" if s["d_in"]
                   else "0: no embedding, the input is D_MODEL wide")]
    macros += [
        ("D_MODEL", d, "embedding width"),
        ("N_HEADS", s["n_heads"], "attention heads"),
        ("D_FF", dff, "feed-forward hidden width"),
        ("N_LAYERS", s["n_layers"], "encoder layers"),
        ("N_CLASSES", s["n_classes"], "logits"),
    ]
    if s["cls_token"]:
        macros.append(("CLS_TOKEN", 1, "a learned CLS row in front: the encoder sees SEQ + 1"))
    if s["window"]:
        macros.append(("WINDOW", s["window"], "local attention: query i sees keys |i - j| <= it"))
    macros.append(("WEIGHT_BYTES", weight_bytes, "bytes of the float arrays below (flash)"))
    for key, val, comment in macros:
        line = "#define %s_%s %d" % (up, key, val)
        full = "%-34s /* %s */" % (line, comment)
        out.append((full if len(full) <= WIDTH else "/* %s */\n%s" % (comment, line)) + "\n")
    out.append("\n/* PyTorch layouts (attention.h CONVENTIONS); const, so in flash */\n")
    for cname, arr, comment in arrays:
        _float_array(out, cname, arr, comment)
    out.append("\n%s\n%s\n};\n" % (_decl("attn_encoder_layer_weights_f32",
                                           "%s_layers[%s_N_LAYERS]" % (name, up)),
                                     "\n".join(layer_inits)))
    out.append("static const attn_model_cfg %s_cfg = {\n"
               "    {%d, %d, %d, %s, %d /*norm_first*/, %d /*causal*/, %s /*eps*/,\n"
               "     %d /*window*/},\n"
               "    %d /*d_in*/, %d /*max_seq*/, %s, %s, %d /*n_classes*/,\n"
               "    %d /*cls_token*/, %d /*embed_norm*/, %d /*patch*/, %d, %d, %d"
               " /*channels, image_h, image_w*/,\n"
               "    %d /*vocab*/, %d /*n_segments*/};\n"
               % (name, d, s["n_heads"], dff, ACT_ENUM[s["activation"]], int(s["norm_first"]),
                  int(s["causal"]), c_float(s["eps"]), int(s.get("window", 0)), s["d_in"],
                  s["max_seq"],
                  POS_ENUM[s["position"]], POOL_ENUM[s["pooling"]], s["n_classes"],
                  int(s.get("cls_token", 0)), int(s.get("embed_norm", 0)), int(s.get("patch", 0)),
                  int(s.get("channels", 0)), int(s.get("image_h", 0)), int(s.get("image_w", 0)),
                  int(s.get("vocab", 0)), int(s.get("n_segments", 0))))
    out.append("%s\n%s,\n%s},\n%s,\n%s,\n%s};\n" % (
        _decl("attn_model_weights_f32", "%s_weights" % name),
        _join([refs["embed_w"], refs["embed_b"], refs["pos"]], "    ", "    "),
        _join(["%s_layers" % name, "%s_N_LAYERS" % up,
               "%d /*final norm*/" % int(s["norm"] is not None), refs["norm_w"], refs["norm_b"]],
              "    {", "     "),
        _join([refs["cls_w"], refs["cls_b"]], "    ", "    "),
        _join(["%s /*%s*/" % (refs.get(k, "NULL"), k)
               for k in ("cls_token", "pool_w", "token_embed", "segment_embed")], "    ", "    "),
        "    %s, %s /*embed_norm_w, embed_norm_b*/" % (refs.get("embed_norm_w", "NULL"),
                                                     refs.get("embed_norm_b", "NULL"))))
    out.append("\n#endif /* %s_MODEL_H */\n" % up)
    return _finish("".join(out), once=True)


def _write(path, text):
    with open(path, "w", newline="\n") as fh:
        fh.write(text)


def export_model(model, path, name, seq=None, *, source=None, verify=True, samples=None,
                 segments=None, key_padding=None, c_compiler="cc",
                 repo=os.path.join(HERE, os.pardir), log=print, reference=None):
    """Write the C header for Classifier `model` used with sequences of `seq`
    input rows (a patch model: None or its patch count) to `path`; `name`
    prefixes every symbol (NAME_SEQ, name_cfg, name_weights, ...).
    `source`: the command that regenerates it, for the header's comment.
    Raises ValueError if attention.h cannot run the model exactly (see the
    module docstring). Then (verify=True, the default) the header is run
    in C against PyTorch (verify_model, with samples / segments /
    key_padding; default random inputs): RuntimeError unless every logit is
    within 1e-5 * max(1, |PyTorch's|). reference: the user's own model
    (verify_model's reference=). Returns the header text."""
    text = model_header(model, name, seq, source)
    _write(path, text)
    if verify:
        verify_model(model, path, name, samples, segments=segments, key_padding=key_padding,
                     c_compiler=c_compiler, repo=repo, log=log, reference=reference)
    return text


def _default_model_samples(s, seed=0):
    """Random inputs for verify_model: (samples, segments, key_padding) as
    lists, one entry per sample. Features and tokens: the export's seq
    three times, one of them with its last row padded, then shorter
    sequences (1 and seq / 2) when the model allows them; images: three."""
    rng = np.random.RandomState(seed)
    seq = s["seq"]
    if s["front"] == "patches":
        shape = (s["channels"], s["image_h"], s["image_w"])
        return [rng.randn(*shape).astype(np.float32) for _ in range(3)], None, None
    lens = [seq, seq, seq] + sorted(set(k for k in (1, seq // 2) if 1 <= k < seq))
    pads = [None] * len(lens)
    if seq >= 2:
        pads[1] = [0] * (seq - 1) + [1]
    if s["front"] == "tokens":
        x = [[int(t) for t in rng.randint(0, s["vocab"], size=k)] for k in lens]
        seg = None
        if s["n_segments"]:
            seg = [[int(t) for t in rng.randint(0, s["n_segments"], size=k)] for k in lens]
            seg[0] = [0] * (lens[0] // 2) + [s["n_segments"] - 1] * (lens[0] - lens[0] // 2)
        return x, seg, pads
    width = s["d_in"] or s["d_model"]
    return [rng.randn(k, width).astype(np.float32) for k in lens], None, pads


def _sample_list(v, n, what):
    if v is None:
        return [None] * n
    v = list(v)
    if len(v) != n:
        raise ValueError("%s has %d entries for %d samples" % (what, len(v), n))
    return v


def verify_model(model, header_path, name, samples=None, *, segments=None, key_padding=None,
                 s8_header_path=None, c_compiler="cc", repo=os.path.join(HERE, os.pardir),
                 log=print, reference=None):
    """Run the Classifier header `header_path` (export_model's, symbols
    `name`) in C (tools/run_model.c: attn_model_f32, or attn_model_tokens_f32
    for a token model) on `samples` and compare with the PyTorch model:
    RuntimeError naming the largest difference unless every logit is within
    1e-5 * max(1, |PyTorch's|). samples: a list (or a batch tensor) of
    inputs, each as forward takes one without its batch dimension (features
    [seq, d_in], an image [C, H, W], token ids [seq]; seq may vary up to the
    model's); segments / key_padding: as many [seq] id / padding lists or
    None; default: random inputs. The C program also checks that each
    call's arena high-water mark equals attn_model_scratch_f32's query.
    With s8_header_path (quantize's output) the int8 model runs on the same
    inputs too (attn_model_s8 on the inputs quantized at its in_scale /
    in_zp; a token model: attn_model_tokens_s8 on the same ids, segments
    and padding) and the report tells how often its argmax is float's and
    the largest difference of its dequantized logits from float's.
    reference: the user's own model (a callable of one input batch ->
    logits [1, n_classes]; an nn.Module runs in eval mode, autograd on),
    run on the samples without padding or segments and whose length is
    the export's seq; its logits must be within 1e-5 * max(1, |its|) of
    C's (RuntimeError naming the sample and logit: the export is not the
    user's model), and with s8_header_path the report also has
    s8_reference_agreement (int8 argmax as the reference's).
    Returns dict(samples, max_rel_err, f32 (C logits), torch (PyTorch's),
    s8 (int8 logits or None), s8_agreement, s8_max_logit_error,
    reference_samples, reference_max_rel_err)."""
    import tempfile
    name = _c_name(name)
    up = name.upper()
    s = describe(model, _header_macros(header_path, up).get("SEQ"))
    tokens = s["front"] == "tokens"
    if samples is None:
        samples, segments, key_padding = _default_model_samples(s)
    elif isinstance(samples, (torch.Tensor, np.ndarray)):
        samples = [samples[i] for i in range(samples.shape[0])]
    else:
        samples = list(samples)
    n = len(samples)
    if n < 1:
        raise ValueError("verify_model needs at least one sample")
    segments = _sample_list(segments, n, "segments")
    key_padding = _sample_list(key_padding, n, "key_padding")
    if segments[0] is not None and not s["n_segments"]:
        raise ValueError("segments given for a model without segment_embed")
    rows_max = s["max_seq"] - s["cls_token"]
    xs, lens, want, refs = [], [], [], []
    with _eval_mode(model), torch.enable_grad():  # autograd on: PyTorch's reference path
        for i in range(n):
            x = _as_numpy(samples[i])
            if tokens:
                x = np.asarray(x).reshape(-1)
                if not np.issubdtype(x.dtype, np.integer):
                    raise ValueError("samples[%d]: a token model's samples are integer ids"
                                     % i)
                if x.size and (x.min() < 0 or x.max() >= s["vocab"]):
                    raise ValueError("samples[%d] has an id outside 0..%d" % (i, s["vocab"] - 1))
                seq = x.size
                inp = torch.from_numpy(x.astype(np.int64))[None]
            else:
                x = np.asarray(x, dtype=np.float32)
                if s["front"] == "patches":
                    shape = (s["channels"], s["image_h"], s["image_w"])
                    if x.shape != shape:
                        raise ValueError("samples[%d] has shape %s; the model takes one image "
                                         "%s" % (i, list(x.shape), list(shape)))
                    seq = s["seq"]
                else:
                    width = s["d_in"] or s["d_model"]
                    if x.ndim != 2 or x.shape[1] != width:
                        raise ValueError("samples[%d] has shape %s; expected [seq, %d]"
                                         % (i, list(x.shape), width))
                    seq = x.shape[0]
                inp = torch.from_numpy(x)[None]
            if not 1 <= seq <= rows_max:
                raise ValueError("samples[%d] has %d rows; 1..%d fit" % (i, seq, rows_max))
            seg = None
            if segments[i] is not None:
                seg = np.asarray(_as_numpy(segments[i])).reshape(-1).astype(np.int64)
                if seg.size != seq or seg.min() < 0 or seg.max() >= s["n_segments"]:
                    raise ValueError("segments[%d] must be %d ids in 0..%d"
                                     % (i, seq, s["n_segments"] - 1))
                segments[i] = [int(v) for v in seg]
                seg = torch.from_numpy(seg)[None]
            kpm = None
            if key_padding[i] is not None:
                pad = (np.asarray(_as_numpy(key_padding[i])).reshape(-1) != 0)
                if pad.size != seq:
                    raise ValueError("key_padding[%d] has %d entries for %d rows"
                                     % (i, pad.size, seq))
                key_padding[i] = [int(v) for v in pad]
                kpm = torch.from_numpy(pad)[None]
            y = model(inp, kpm, seg) if tokens else model(inp, kpm)
            want.append(y.detach().to(torch.float32).numpy()[0].astype(np.float64))
            if reference is not None:
                refs.append(_reference_logits(reference, inp, kpm, seg, seq, s["seq"],
                                               s["n_classes"], i))
            xs.append(x)
            lens.append(seq)
    k = s["n_classes"]
    width = max(int(np.asarray(x).size) for x in xs)
    lines = [_include(header_path)]
    if s8_header_path is not None:  # (its configuration runs both: it must be the float one's)
        lines += [_include(s8_header_path), "#define RM_S8 %s_s8" % name]
    lines += ["#define RM_CFG %s_%scfg" % (name, "s8_" if s8_header_path is not None else ""),
              "#define RM_W %s_weights" % name,
              "#define RM_CLASSES %d" % k, "#define RM_N %d" % n, "#define RM_WIDTH %d" % width]
    sizes = "%s_SEQ, %s_D_MODEL, %s_N_HEADS, %s_D_FF, %d, %s" % (
        up, up, up, up, s["cls_token"], "%s_D_IN" % up if s["front"] == "patches" else "0")
    lines += ["#define RM_MAX_LEN %d" % max(lens),
              "#define RM_SCRATCH_F32 ATTN_MODEL_SCRATCH_EX_F32(%s)" % sizes.replace(
                  "%s_SEQ" % up, "RM_MAX_LEN"),
              "#define RM_SCRATCH_S8 ATTN_MODEL_SCRATCH_EX_S8(%s)" % sizes.replace(
                  "%s_SEQ" % up, "RM_MAX_LEN")]
    if tokens:
        lines.append("#define RM_TOKENS 1")
        lines.append("static const int rm_tok[RM_N][RM_WIDTH] = {\n%s\n};"
                     % _int_rows([list(x) for x in xs], width))
        if segments[0] is not None or any(v is not None for v in segments):
            lines.append("#define RM_SEGMENTS 1")
            lines.append("static const int rm_seg[RM_N][RM_WIDTH] = {\n%s\n};" % _int_rows(
                [v if v is not None else [0] * lens[i] for i, v in enumerate(segments)], width))
    else:
        body = []
        for x in xs:
            flat = [c_float(v) for v in np.asarray(x, dtype=np.float32).reshape(-1)]
            flat += ["0.0f"] * (width - len(flat))
            body.append("    {\n%s\n    }," % wrap(flat, indent="        "))
        lines.append("static const float rm_in[RM_N][RM_WIDTH] = {\n%s\n};" % "\n".join(body))
    lines.append("static const int rm_len[RM_N] = {\n%s\n};" % _int_list(lens))
    if any(p is not None for p in key_padding):
        w = max(lens)
        lines.append("#define RM_PADDING 1")
        lines.append("static const uint8_t rm_pad[RM_N][%d] = {\n%s\n};"
                     % (w, _int_rows([p or [0] for p in key_padding], w)))
        lines.append("static const int rm_padded[RM_N] = {\n%s\n};"
                     % _int_list([int(p is not None) for p in key_padding]))
    with tempfile.TemporaryDirectory(prefix="attn_verify_") as tmp:
        with open(os.path.join(tmp, "rm_input.h"), "w") as fh:
            fh.write("\n".join(lines) + "\n")
        exe = os.path.join(tmp, "run")
        _build(c_compiler, repo, tmp, "run_model.c", exe, ["RM_NO_IMPLEMENTATION"])
        out = _run([exe], "the C runner (tools/run_model.c) on %s" % header_path)
    got = {"f32": {}, "s8": {}}
    encoding = None
    for line in out.splitlines():
        p = line.split()
        if len(p) >= 2 and p[0] in ("f32", "s8") and p[1] != "encoding":
            got[p[0]][int(p[1])] = np.array([float(v) for v in p[2:]], dtype=np.float64)
        elif p[:2] == ["s8", "encoding"]:
            encoding = (float(p[2]), int(p[3]))
    worst = (-1.0, None)
    for i in range(n):
        c = got["f32"].get(i)
        if c is None or c.shape != (k,):
            raise RuntimeError("the C runner printed no %d logits for sample %d:\n%s"
                               % (k, i, out[-2000:]))
        err = np.abs(c - want[i]) / np.maximum(1.0, np.abs(want[i]))
        j = int(np.argmax(err))
        if err[j] > worst[0]:
            worst = (float(err[j]), (i, j, float(c[j]), float(want[i][j])))
    if worst[0] > 1e-5:
        i, j, cv, pv = worst[1]
        raise RuntimeError("the C model's logits differ from PyTorch's: largest difference %.3g "
                           "(relative to max(1, |logit|)) at sample %d, logit %d: C %.9g, "
                           "PyTorch %.9g; the bound is 1e-5" % (worst[0], i, j, cv, pv))
    report = dict(samples=n, max_rel_err=worst[0], f32=[got["f32"][i] for i in range(n)],
                  torch=want, s8=None, s8_agreement=None, s8_max_logit_error=None,
                  reference_samples=None, reference_max_rel_err=None)
    msg = ("verified %s: %d samples, logits within %.2g of PyTorch's (relative to max(1, "
           "|logit|); bound 1e-5)" % (os.path.basename(header_path), n, worst[0]))
    if reference is not None:
        msg += _check_model_reference(reference, refs, report)
    if s8_header_path is not None:
        q = [got["s8"].get(i) for i in range(n)]
        if any(v is None or v.shape != (k,) for v in q) or encoding is None:
            raise RuntimeError("the C runner printed no int8 logits:\n%s" % out[-2000:])
        scale, zp = encoding
        same = sum(int(np.argmax(q[i]) == np.argmax(report["f32"][i])) for i in range(n))
        err = max(float(np.max(np.abs(scale * (q[i] - zp) - report["f32"][i])))
                  for i in range(n))
        report.update(s8=q, s8_agreement=same / float(n), s8_max_logit_error=err,
                      s8_scale=scale, s8_zp=zp)
        msg += "; int8 %s: argmax as float's on %d of %d, logits within %.3g" % (
            os.path.basename(s8_header_path), same, n, err)
        if reference is not None:
            used = [i for i in range(n) if refs[i] is not None]
            agree = sum(int(np.argmax(q[i]) == np.argmax(refs[i])) for i in used)
            report["s8_reference_agreement"] = agree / float(len(used))
            msg += ", as the reference's on %d of %d" % (agree, len(used))
    log(msg)
    return report


def _reference_logits(reference, inp, kpm, seg, seq, export_seq, k, i):
    """verify_model's reference run on sample i: its logits (float64 [k]),
    or None for a sample it is not compared on (padded, with segments, or
    shorter than the export's seq)."""
    if kpm is not None or seg is not None or (export_seq is not None and seq != export_seq):
        return None
    ref_mod = reference if isinstance(reference, nn.Module) else None
    with (_eval_mode(ref_mod) if ref_mod is not None else _nullcontext()):
        r = reference(inp)
    r = r.detach().to(torch.float32).numpy().astype(np.float64)
    if r.shape not in ((1, k), (k,)):
        raise RuntimeError("the reference model returned logits of shape %s for sample %d; "
                           "expected [1, %d]" % (list(r.shape), i, k))
    return r.reshape(k)


def _check_model_reference(reference, refs, report):
    """C's logits against the reference's (the user's own model): RuntimeError
    beyond 1e-5 * max(1, |reference's|); the report's text otherwise."""
    used = [i for i, r in enumerate(refs) if r is not None]
    if not used:
        raise ValueError("no sample to compare with the reference: it is run on unpadded "
                         "samples of the export's seq (without segments)")
    worst = (-1.0, None)
    for i in used:
        c, r = report["f32"][i], refs[i]
        err = np.abs(c - r) / np.maximum(1.0, np.abs(r))
        j = int(np.argmax(err))
        if err[j] > worst[0]:
            worst = (float(err[j]), (i, j, float(c[j]), float(r[j])))
    report.update(reference_samples=len(used), reference_max_rel_err=worst[0],
                  reference=[refs[i] for i in range(len(refs))])
    if worst[0] > 1e-5:
        i, j, cv, rv = worst[1]
        same = sum(int(np.argmax(report["f32"][u]) == np.argmax(refs[u])) for u in used)
        name = type(reference).__name__
        raise RuntimeError("the export is not your model (%s): its logits differ from your "
                           "model's by %.3g (relative to max(1, |logit|)) at sample %d, logit "
                           "%d: C %.9g, %s %.9g; the bound is 1e-5 (argmax the same on %d of "
                           "%d samples). The wrapper computes something else than %s.forward: "
                           "a piece left out or mapped wrongly (a CLS row, positions, the "
                           "pooling, a norm?)" % (name, worst[0], i, j, cv, name, rv, same,
                                                 len(used), name))
    return "; your model (%s) on %d samples: within %.2g (bound 1e-5)" % (
        type(reference).__name__, len(used), worst[0])


def _as_numpy(x):
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _id_rows(v, what):
    """Token or segment id sequences (an integer [n, seq] array or tensor,
    or a list of 1-D id sequences, lengths free) -> list of lists of int."""
    if isinstance(v, (torch.Tensor, np.ndarray)):
        a = _as_numpy(v)
        if a.ndim != 2 or min(a.shape) < 1 or not np.issubdtype(a.dtype, np.integer):
            raise ValueError("%s must be integer ids [n, seq] (or a list of id sequences), not "
                             "%s %s" % (what, a.dtype, list(a.shape)))
        v = list(a)
    if not isinstance(v, (list, tuple)) or not v:
        raise ValueError("%s must be a non-empty list of id sequences or an integer [n, seq] "
                         "array" % what)
    rows = [_token_list(r, "%s[%d]" % (what, i)) for i, r in enumerate(v)]
    for i, r in enumerate(rows):
        if min(r) < 0:
            raise ValueError("%s[%d] has a negative id (%d)" % (what, i, min(r)))
    return rows


def _is_token_input(x):
    """Token calibration inputs: an integer [n, seq] array or tensor, or a
    list whose first entry is a 1-D integer sequence."""
    if isinstance(x, (torch.Tensor, np.ndarray)):
        a = _as_numpy(x)
        return a.ndim == 2 and np.issubdtype(a.dtype, np.integer)
    if isinstance(x, (list, tuple)) and x:
        a = _as_numpy(x[0]) if isinstance(x[0], torch.Tensor) else np.asarray(x[0])
        return a.ndim == 1 and a.size > 0 and np.issubdtype(a.dtype, np.integer)
    return False


def _token_calibration_header(inputs, key_padding, segments, name, source):
    """calibration_header for a token model: ids [n][seq] (ragged lists
    padded at the end with id 0, those positions key-padded)."""
    up = name.upper()
    toks = _id_rows(inputs, "calibration tokens")
    n, seq = len(toks), max(len(r) for r in toks)
    lens = [len(r) for r in toks]
    segs = None
    if segments is not None:
        segs = _id_rows(segments, "calibration segments")
        if len(segs) != n or any(len(a) != b for a, b in zip(segs, lens)):
            raise ValueError("calibration segments must have the tokens' shape: %d sequences "
                             "of %s ids" % (n, lens if len(set(lens)) > 1 else lens[0]))
    pad = None
    if key_padding is not None:
        if isinstance(key_padding, (torch.Tensor, np.ndarray)):
            key_padding = list(_as_numpy(key_padding))
        pad = [[int(v != 0) for v in np.asarray(_as_numpy(p)).reshape(-1)] for p in key_padding]
        if len(pad) != n or any(len(a) != b for a, b in zip(pad, lens)):
            raise ValueError("key_padding must have the tokens' shape: %d sequences of %s "
                             "entries" % (n, lens if len(set(lens)) > 1 else lens[0]))
    if len(set(lens)) > 1 or pad is not None:
        pad = [(pad[i] if pad is not None else [0] * lens[i]) + [1] * (seq - lens[i])
               for i in range(n)]
    max_tok = max(max(r) for r in toks)
    max_seg = max(max(r) for r in segs) if segs is not None else 0
    what = "%d sequences of %d token ids%s%s%s. */" % (
        n, seq, " (shorter ones padded at the end: id 0, key-padded)" if len(set(lens)) > 1
        else "", ", segment ids" if segs is not None else "",
        ", with key padding" if pad is not None else "")
    out = ["""%s
%s
%s
#ifndef %s_CALIB_H
#define %s_CALIB_H

#include <stddef.h>
#include <stdint.h>

#define %s_N_CALIB %d
#define %s_CALIB_SEQ %d
#define %s_CALIB_TOKENS 1 /* token ids: tools/quantize_model.c's token mode */
#define %s_CALIB_MAX_TOKEN %d
#define %s_CALIB_MAX_SEGMENT %d

/* Included after %s_model.h: the shapes and ids must fit it. */
#if defined(%s_SEQ) && %s_CALIB_SEQ > %s_SEQ
#error "%s_calib.h: calibration sequences are longer than %s_SEQ"
#endif
#if defined(%s_D_MODEL) && !defined(%s_VOCAB)
#error "%s_calib.h: token ids, but %s_model.h is not a token model"
#endif
#if defined(%s_VOCAB) && %s_CALIB_MAX_TOKEN >= %s_VOCAB
#error "%s_calib.h: a calibration token id is outside %s_model.h's vocabulary"
#endif
#if defined(%s_N_SEGMENTS) && %s_CALIB_MAX_SEGMENT > 0 && %s_CALIB_MAX_SEGMENT >= %s_N_SEGMENTS
#error "%s_calib.h: a calibration segment id is outside %s_model.h's segment table"
#endif

""" % (_para("%s_calib.h - generated by tools/export.py: calibration token ids for the int8 "
             "quantizer (tools/quantize_model.c); do not edit." % name, "/* "),
       _regen_note(source), _para(what), up, up, up, n, up, seq, up, up, max_tok, up, max_seg,
       name, up, up, up, name, up, up, up, name, name, up, up, up, name, name,
       up, up, up, up, name, name)]
    padded = [r + [0] * (seq - len(r)) for r in toks]
    out.append("static const int %s_calib_tokens[%d][%d] = {\n%s\n};\n"
               % (name, n, seq, _int_rows(padded, seq)))
    if segs is not None:
        out.append("static const int %s_calib_segments[%d][%d] = {\n%s\n};\n"
                   % (name, n, seq, _int_rows(segs, seq)))
        out.append("#define %s_CALIB_SEGMENTS (&%s_calib_segments[0][0])\n" % (up, name))
    else:
        out.append("#define %s_CALIB_SEGMENTS NULL\n" % up)
    if pad is not None:
        out.append("static const uint8_t %s_calib_padding[%d][%d] = {\n%s\n};\n"
                   % (name, n, seq, _int_rows(pad, seq)))
        out.append("#define %s_CALIB_PADDING (&%s_calib_padding[0][0])\n" % (up, name))
    else:
        out.append("#define %s_CALIB_PADDING NULL\n" % up)
    out.append("\n#endif /* %s_CALIB_H */\n" % up)
    return _finish("".join(out))


def calibration_header(inputs, key_padding, name, source=None, patch=None, segments=None):
    """The text export_calibration writes."""
    name = _c_name(name)
    up = name.upper()
    if _is_token_input(inputs):
        if patch is not None:
            raise ValueError("patch= is for calibration images, not token ids")
        return _token_calibration_header(inputs, key_padding, segments, name, source)
    if segments is not None:
        raise ValueError("segments= is for token ids (an integer [n, seq] array or a list of "
                         "id sequences), not float inputs")
    x = _as_numpy(inputs)
    image = None
    if patch is not None:
        if isinstance(patch, bool) or not isinstance(patch, (int, np.integer)) or patch < 1:
            raise ValueError("patch must be an int >= 1, not %r" % (patch,))
        if x.ndim != 4 or min(x.shape) < 1:
            raise ValueError("calibration images must be [n, channels, height, width], not %s"
                             % (x.shape,))
        n, c, h, w = (int(v) for v in x.shape)
        if h % patch or w % patch:
            raise ValueError("calibration images of %dx%d are not a whole number of %dx%d "
                             "patches" % (h, w, patch, patch))
        image = (c, h, w)
        # an image's values in their C order [C][H][W]: as many as seq rows of d_in
        x = x.reshape(n, (h // patch) * (w // patch), c * patch * patch)
    elif x.ndim != 3 or min(x.shape) < 1:
        raise ValueError("calibration inputs must be [n, seq, features] (images [n, C, H, W] "
                         "with patch=; a token model's: integer ids [n, seq]), not %s %s"
                         % (x.dtype, x.shape))
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise ValueError("calibration inputs must be real numbers, not %s" % x.dtype)
    x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise ValueError("calibration inputs have NaN or infinite values")
    n, seq, width = (int(v) for v in x.shape)
    pad = None
    if key_padding is not None:
        pad = _as_numpy(key_padding)
        if pad.shape != (n, seq):
            raise ValueError("key_padding must be [n, seq] = %s, not %s" % ((n, seq), pad.shape))
        pad = (pad != 0).astype(np.uint8)
    what = "%d sequences of %d tokens x %d features (float32)" % (n, seq, width) \
        if image is None else "%d images of %d x %d x %d (channels, height, width; float32), " \
        "each [%d patches][%d values] to the model" % ((n,) + image + (seq, width))
    what += "%s. */" % (", with key padding" if pad is not None else "")
    out = ["""%s
%s
%s
#ifndef %s_CALIB_H
#define %s_CALIB_H

#include <stddef.h>
#include <stdint.h>

#define %s_N_CALIB %d
#define %s_CALIB_SEQ %d
#define %s_CALIB_WIDTH %d

/* Included after %s_model.h: the shapes must agree. */
#if defined(%s_SEQ) && %s_SEQ != %d
#error "%s_calib.h: calibration sequences have another length than %s_SEQ"
#endif
#if defined(%s_D_IN) && defined(%s_D_MODEL) && \\
    (%s_D_IN > 0 ? %s_D_IN : %s_D_MODEL) != %d
#error "%s_calib.h: calibration tokens have another width than the model's input"
#endif

""" % (_para("%s_calib.h - generated by tools/export.py: calibration inputs for the int8 "
             "quantizer (tools/quantize_model.c); do not edit." % name, "/* "),
       _regen_note(source), _para(what), up, up, up, n, up, seq, up, width,
       name, up, up, seq, name, up, up, up, up, up, up, width, name)]
    rows = []
    for i in range(n):
        rows.append("    { /* %d */\n%s\n    }," % (i, wrap([c_float(v) for v in x[i].reshape(-1)],
                                                      indent="        ")))
    out.append("static const float %s_calib[%d][%d * %d] = {\n%s\n};\n"
               % (name, n, seq, width, "\n".join(rows)))
    if pad is not None:
        body = wrap(["{%s}" % ", ".join(str(int(v)) for v in pad[i]) for i in range(n)])
        out.append("static const uint8_t %s_calib_padding[%d][%d] = {\n%s\n};\n"
                   % (name, n, seq, body))
        out.append("#define %s_CALIB_PADDING (&%s_calib_padding[0][0])\n" % (up, name))
    else:
        out.append("#define %s_CALIB_PADDING NULL\n" % up)
    out.append("\n#endif /* %s_CALIB_H */\n" % up)
    text = "".join(out)
    for k, line in enumerate(text.split("\n"), 1):
        assert len(line) <= WIDTH, "line %d too long: %r" % (k, line)
    return text


def export_calibration(inputs, key_padding, path, name, *, source=None, patch=None,
                       segments=None):
    """Write calibration inputs for the int8 quantizer to `path`:
    inputs [n, seq, d_in] (d_model without an embedding; tensor or array),
    or for a patch model (patch = its Conv2d's kernel) images [n, C, H, W],
    and key_padding [n, seq] (nonzero = padded) or None. Symbols: NAME_N_CALIB,
    NAME_CALIB_SEQ, NAME_CALIB_WIDTH, name_calib[n][seq * width],
    name_calib_padding[n][seq] (with padding), NAME_CALIB_PADDING (pointer or
    NULL).
    A token model's inputs are token ids: an integer [n, seq] array or
    tensor, or a list of n id sequences of any lengths (the shorter ones
    padded at the end with id 0 and key-padded there); segments (its
    segment ids, the tokens' shape) or None (all segment 0); key_padding
    as many [len] lists, or [n, seq], or None. Symbols: NAME_N_CALIB,
    NAME_CALIB_SEQ (the longest; at most the model's NAME_SEQ),
    NAME_CALIB_TOKENS, NAME_CALIB_MAX_TOKEN, NAME_CALIB_MAX_SEGMENT,
    name_calib_tokens[n][seq], name_calib_segments[n][seq] and
    NAME_CALIB_SEGMENTS (pointer or NULL), name_calib_padding /
    NAME_CALIB_PADDING; included after the model header it stops the
    compiler (#error) on an id outside the model's tables (quantize checks
    that first, naming the sequence). Returns the header text."""
    text = calibration_header(inputs, key_padding, name, source, patch, segments)
    _write(path, text)
    return text


def _token_calib_check(model_header_path, calib_header_path, name, model, calib):
    """A token model's calibration header against the model header: token
    ids, each id inside the model's tables (ValueError naming the first
    one outside, else the C compiler's #error or the quantizer would)."""
    up = name.upper()
    if not calib.get("CALIB_TOKENS"):
        raise ValueError("%s is a token model (nn.Embedding): its calibration data must be "
                         "token ids (export_calibration of integer ids [n, seq] or a list of "
                         "id sequences), but %s holds float inputs"
                         % (model_header_path, calib_header_path))
    with open(calib_header_path) as fh:
        text = fh.read()
    vocab, n_seg = model["VOCAB"], model.get("N_SEGMENTS", 0)
    for what, limit, table in (("tokens", vocab, "vocabulary"),
                               ("segments", n_seg, "segment table")):
        m = re.search(r"static const int %s_calib_%s\[(\d+)\]\[(\d+)\] = \{(.*?)\n\};"
                      % (name, what), text, re.S)
        if m is None:
            if what == "tokens":
                raise ValueError("%s has no %s_calib_tokens array" % (calib_header_path, name))
            continue
        if what == "segments" and not n_seg:
            raise ValueError("%s has segment ids, but %s has no segment embedding"
                             % (calib_header_path, model_header_path))
        rows = [[int(v) for v in r.split(",")] for r in re.findall(r"\{([^{}]*)\}", m.group(3))]
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if not 0 <= v < limit:
                    raise ValueError("%s: calibration %s id %d (sequence %d, position %d) is "
                                     "outside %s's %s (0..%d)"
                                     % (calib_header_path, what[:-1], v, i, j,
                                        os.path.basename(model_header_path), table, limit - 1))
    if calib["CALIB_SEQ"] > model["SEQ"]:
        raise ValueError("%s: calibration sequences of %d tokens; %s is made for at most %d "
                         "(%s_SEQ)" % (calib_header_path, calib["CALIB_SEQ"],
                                       os.path.basename(model_header_path), model["SEQ"], up))


def quantize(model_header_path, calib_header_path, out_path, name, c_compiler="cc",
             repo=os.path.join(HERE, os.pardir)):
    """Write NAME_model_s8.h to out_path: the int8 model made by attention.h's
    own quantizer (attn_quantize_model_s8, min/max calibration), so a device
    runs exactly the parameters the library's quantizer chooses. Builds
    tools/quantize_model.c with a C compiler (c_compiler, e.g. "cc") against
    the float model header (export_model) and the calibration header
    (export_calibration), runs it and keeps its output. A token model
    (nn.Embedding front end) needs token calibration ids (export_calibration
    of integer ids); the tool then runs attn_quantize_model_tokens_s8 and
    the header has name_s8_token_embed (and name_s8_segment_embed), int8
    tables at the encodings the quantizer chose, for attn_model_tokens_s8.
    Then the header as written is compiled and run on every calibration
    sequence against the quantizer's parameters in memory: RuntimeError
    unless every int8 logit is the same (a defect of the printing).
    Returns the text; raises ValueError when the calibration data does not
    fit the model (float inputs for a token model or ids for a feature
    model, an id outside the model's tables, longer sequences), and
    RuntimeError with the compiler's or the quantizer's message when either
    fails."""
    import subprocess
    import tempfile
    name = _c_name(name)
    up = name.upper()
    repo = os.path.abspath(repo)
    model = _header_macros(model_header_path, up)
    calib = _header_macros(calib_header_path, up)
    if "N_CALIB" not in calib:
        raise ValueError("%s is not a calibration header of %s (no %s_N_CALIB)"
                         % (calib_header_path, name, up))
    tokens = "VOCAB" in model
    if tokens:
        _token_calib_check(model_header_path, calib_header_path, name, model, calib)
    elif calib.get("CALIB_TOKENS"):
        raise ValueError("%s holds calibration token ids, but %s is not a token model (its "
                         "input is %s)" % (calib_header_path, model_header_path,
                                           "patches" if "PATCH" in model else "feature rows"))
    with tempfile.TemporaryDirectory(prefix="attn_quant_") as tmp:
        shim = os.path.join(tmp, "quant_input.h")
        with open(shim, "w", newline="\n") as fh:
            fh.write('%s%s'
                     '#define QM_NAME "%s"\n#define QM_CFG %s_cfg\n#define QM_WEIGHTS %s_weights\n'
                     '#define QM_N_CALIB %s_N_CALIB\n#define QM_MODEL_SEQ %s_SEQ\n'
                     '#define QM_SEQ %s_CALIB_SEQ\n#define QM_PADDING %s_CALIB_PADDING\n'
                     % (_include(model_header_path), _include(calib_header_path),
                        name, name, name, up, up, up, up))
            if tokens:
                fh.write('#define QM_TOKENS 1\n#define QM_CALIB %s_calib_tokens\n'
                         '#define QM_SEGMENTS %s_CALIB_SEGMENTS\n' % (name, up))
            else:
                fh.write('#define QM_CALIB %s_calib\n' % name)
        exe = os.path.join(tmp, "quantize_model")
        _build(c_compiler, repo, tmp, "quantize_model.c", exe, ["QM_NO_IMPLEMENTATION"])
        r = subprocess.run([exe], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("the quantizer failed: %s" % r.stderr.strip())
        text = r.stdout
        _write(out_path, text)
        # the header as written, compiled, against the parameters in memory
        with open(shim, "a", newline="\n") as fh:
            fh.write('%s#define QM_CHECK_S8 %s_s8\n#define QM_CHECK_S8_CFG %s_s8_cfg\n'
                     % (_include(out_path), name, name))
        _build(c_compiler, repo, tmp, "quantize_model.c", exe + "_check",
               ["QM_NO_IMPLEMENTATION"])
        r = subprocess.run([exe + "_check"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("%s runs differently from the parameters the quantizer made (a "
                               "defect of tools/quantize_model.c's printing): %s"
                               % (out_path, r.stderr.strip()))
    return text


# --------------------------------------------------------------------------
# Encoder-decoder (Seq2Seq) and decoder-only (DecoderLM) models
# --------------------------------------------------------------------------


class _eval_mode:
    """with _eval_mode(module): every submodule in eval mode, each one's own
    training flag restored afterwards (modules shared with a training script
    get back exactly the mode they had)."""

    def __init__(self, module):
        self.module = module

    def __enter__(self):
        self.flags = [(m, m.training) for m in self.module.modules()]
        self.module.eval()
        return self.module

    def __exit__(self, *exc):
        for m, flag in self.flags:
            m.training = flag
        return False


def _check_embedding(m, what):
    """`m` must be a plain nn.Embedding that reads its table as it is."""
    _plain(m, nn.Embedding, what)
    if m.max_norm is not None:
        raise ValueError("%s uses max_norm=%r: nn.Embedding then rescales the rows it reads "
                         "(in place); attention.h reads the table as it is" % (what, m.max_norm))


def _pos_kind(pos, what):
    """'learned' (nn.Embedding of positions or a [max, d_model] tensor),
    'sinusoidal' or None; ValueError for anything else."""
    if isinstance(pos, nn.Embedding):
        _check_embedding(pos, what)
        return "learned"
    if isinstance(pos, torch.Tensor):
        if pos.dim() != 2:
            raise ValueError("%s must be a [max, d_model] table, not %s" % (what, list(pos.shape)))
        return "learned"
    if isinstance(pos, str) and pos == "sinusoidal":
        return "sinusoidal"
    if pos is None:
        return None
    raise ValueError("%s must be an nn.Embedding of positions, a [max, d_model] tensor, "
                     "'sinusoidal' or None, not %r" % (what, pos))


def _pos_weight(pos):
    return pos.weight if isinstance(pos, nn.Embedding) else pos


def _register(module, attr, value):
    """A plain tensor becomes a buffer; modules, parameters and the rest are
    set as they are (shared, not copied)."""
    if isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter):
        module.register_buffer(attr, value)
    else:
        setattr(module, attr, value)


def _embed_scale(scale):
    """embed_scale as the float32 attention.h multiplies by (1.0: none)."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)):
        raise ValueError("embed_scale must be a number (1.0: no scaling), not %r" % (scale,))
    s = float(np.float32(scale))
    if not math.isfinite(s) or s == 0.0:
        raise ValueError("embed_scale must be finite and not 0 in float32 (1.0: no scaling), "
                         "not %r" % (scale,))
    return s


def _max_rows(pos, kind, given, what):
    """The longest sequence: the learned table's rows, else `given`."""
    if kind == "learned":
        rows = int(_pos_weight(pos).shape[0])
        if given is not None and given != rows:
            raise ValueError("%s %r disagrees with the position table's %d rows"
                             % (what, given, rows))
        return rows
    if isinstance(given, bool) or not isinstance(given, (int, np.integer)) or given < 1:
        raise ValueError("%s (an int >= 1) is needed with %s positions, not %r"
                         % (what, kind or "no", given))
    return int(given)


def _embed_tokens(emb, tokens, scale, pos, kind, max_len, what):
    """emb(tokens) * scale + positions 0..L-1: [batch, L, d]."""
    if tokens.dim() != 2:
        raise ValueError("%s must be [batch, length] token ids, not %s"
                         % (what, list(tokens.shape)))
    length = tokens.shape[1]
    if not 1 <= length <= max_len:
        raise ValueError("%s has %d tokens; 1..%d fit" % (what, length, max_len))
    h = emb(tokens)
    if scale != 1.0:
        h = h * scale
    if kind == "learned":
        h = h + _pos_weight(pos)[:length]
    elif kind == "sinusoidal":
        h = h + torch.from_numpy(sinusoidal_table(length, h.shape[-1])).to(h.device, h.dtype)
    return h


def _token_list(x, what):
    """One sequence of token ids (list, tuple, 1-D array or tensor) -> list of int."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    a = np.asarray(x)
    if a.ndim != 1 or a.size < 1 or not np.issubdtype(a.dtype, np.integer):
        raise ValueError("%s must be a non-empty 1-D sequence of int token ids, not %r"
                         % (what, x))
    return [int(v) for v in a]


def _kpm(mask, device):
    return None if mask is None else mask.to(device=device, dtype=torch.bool)


def _embed_norm_pair(src_norm, tgt_norm):
    """A Seq2Seq's embedding LayerNorms: both nn.LayerNorm or both None."""
    for v, what in ((src_norm, "src_embed_norm"), (tgt_norm, "tgt_embed_norm")):
        if v is not None and not isinstance(v, nn.LayerNorm):
            raise ValueError("%s must be an nn.LayerNorm(d_model) or None, not %s"
                             % (what, type(v).__name__))
    if (src_norm is None) != (tgt_norm is None):
        raise ValueError("%s is given but %s is None: attention.h has one embed_norm flag for "
                         "both sides (give both embedding LayerNorms, or neither)"
                         % (("src_embed_norm", "tgt_embed_norm") if tgt_norm is None
                            else ("tgt_embed_norm", "src_embed_norm")))


def _absent_as_none(module, names):
    """Attributes a module pickled before they existed did not save: None."""
    for k in names:
        if k not in module.__dict__ and k not in module._parameters and \
                k not in module._buffers and k not in module._modules:
            object.__setattr__(module, k, None)


def _side_norm(norm, d, eps, what, stack):
    """A decoder model's embedding LayerNorm `norm` (named `what`) -> (gamma,
    beta) (None for absent affines), checked against the stack it feeds."""
    g, b, neps = _layernorm(norm, d, what)
    if neps != eps:
        raise ValueError("%s.eps is %r but %s's layer eps is %r; attention.h normalises the "
                         "embedded rows with the eps of the stack they enter"
                         % (what, neps, stack, eps))
    return g, b


def _src_front(src_embed, src_in, src_image_size, src_cls, src_segment_embed):
    """A Seq2Seq's source front end checked as far as it goes without the
    encoder (describe_seq2seq checks the rest) -> the image size or None."""
    if src_in is not None:
        if src_embed is not None:
            raise ValueError("give src_embed (an nn.Embedding: token ids) or src_in (an "
                             "nn.Linear of features or an nn.Conv2d of image patches), not both: "
                             "attention.h's source is one or the other")
        if isinstance(src_in, nn.Conv2d):
            if src_image_size is None:
                raise ValueError("src_in is an nn.Conv2d (patches): give src_image_size=(height, "
                                 "width), the C model is built for one image shape")
            src_image_size = _image_size(src_image_size, "src_image_size")
            _conv_patches(src_in, int(src_in.out_channels), src_image_size, "src_in")
        elif isinstance(src_in, nn.Linear):
            _plain(src_in, nn.Linear, "src_in")
        else:
            raise ValueError("src_in must be an nn.Linear(d_in, d_model) (features [S, d_in]) or "
                             "an nn.Conv2d(channels, d_model, p, stride=p) (the patches of an "
                             "image), not %s" % type(src_in).__name__)
        if src_segment_embed is not None:
            raise ValueError("src_segment_embed needs token ids: a src_embed (nn.Embedding), not "
                             "src_in (%s)" % type(src_in).__name__)
    elif src_embed is None:
        raise ValueError("Seq2Seq needs src_embed= (an nn.Embedding of source tokens) or src_in= "
                         "(an nn.Linear of features or an nn.Conv2d of image patches)")
    else:
        _check_embedding(src_embed, "src_embed")
    if src_image_size is not None and not isinstance(src_in, nn.Conv2d):
        raise ValueError("src_image_size is for an nn.Conv2d src_in (patches), and src_in is %s"
                         % type(src_in).__name__)
    if src_segment_embed is not None:
        _check_embedding(src_segment_embed, "src_segment_embed")
    if src_cls is not None and not _cls_shape_ok(src_cls):
        raise ValueError("src_cls must be a tensor of [d_model], [1, d_model] or [1, 1, d_model] "
                         "(an nn.Parameter: the learned CLS row in front of the source), not %s"
                         % (list(src_cls.shape) if isinstance(src_cls, torch.Tensor)
                            else type(src_cls).__name__))
    return src_image_size


class Seq2Seq(nn.Module):
    """source -> its front end: token embedding * embed_scale (+ the segment
    embedding), or src_in: a Linear of features or Conv2d patches of an image
    (-> a CLS row in front) + positions (-> src_embed_norm) -> encoder stack
    (+ norm) = memory; target tokens the same with their own table,
    positions (and tgt_embed_norm) -> decoder stack (causal; + norm) -> out
    -> logits: attention.h's attn_seq2seq_* functions, in PyTorch (see the
    module docstring)."""

    def __init__(self, src_embed, tgt_embed, transformer=None, out=None, *, src_pos=None,
                 tgt_pos=None, encoder=None, decoder=None, embed_scale=1.0, max_src=None,
                 max_tgt=None, src_embed_norm=None, tgt_embed_norm=None, src_in=None,
                 src_image_size=None, src_cls=None, src_segment_embed=None):
        super().__init__()
        _embed_norm_pair(src_embed_norm, tgt_embed_norm)
        src_image_size = _src_front(src_embed, src_in, src_image_size, src_cls,
                                    src_segment_embed)
        if transformer is not None:
            if encoder is not None or decoder is not None:
                raise ValueError("give Seq2Seq transformer= or encoder= and decoder=, not both")
            if not isinstance(transformer, nn.Transformer):
                raise ValueError("transformer must be nn.Transformer, not %s"
                                 % type(transformer).__name__)
            self.transformer = transformer
        elif encoder is None or decoder is None:
            raise ValueError("Seq2Seq needs transformer= (an nn.Transformer) or encoder= (an "
                             "nn.TransformerEncoder) and decoder= (an nn.TransformerDecoder)")
        else:
            self.encoder = encoder
            self.decoder = decoder
        if out is None:
            raise ValueError("Seq2Seq needs out= (the nn.Linear(d_model, tgt_vocab) of the logits)")
        _check_embedding(tgt_embed, "tgt_embed")
        self.src_embed = src_embed
        self.tgt_embed = tgt_embed
        self.out = out
        self.src_in = src_in
        self.src_image_size = src_image_size
        _register(self, "src_cls", src_cls)
        self.src_segment_embed = src_segment_embed
        kind = _pos_kind(src_pos, "src_pos")
        if _pos_kind(tgt_pos, "tgt_pos") != kind:
            raise ValueError("src_pos is %s, tgt_pos %s: attention.h has one kind of positions "
                             "for both sides" % (kind or "None", _pos_kind(tgt_pos, "tgt_pos")
                                                 or "None"))
        _register(self, "src_pos", src_pos)
        _register(self, "tgt_pos", tgt_pos)
        self.position = kind
        self.embed_scale = _embed_scale(embed_scale)
        self.max_src = _max_rows(src_pos, kind, max_src, "max_src")
        self.max_tgt = _max_rows(tgt_pos, kind, max_tgt, "max_tgt")
        self.src_embed_norm = src_embed_norm
        self.tgt_embed_norm = tgt_embed_norm

    def __setstate__(self, state):
        """A Seq2Seq pickled before the embedding norms or the source front
        ends existed loads without them (None)."""
        super().__setstate__(state)
        _absent_as_none(self, ("src_embed_norm", "tgt_embed_norm", "src_in", "src_image_size",
                               "src_cls", "src_segment_embed"))

    @classmethod
    def from_modules(cls, **modules):
        """A Seq2Seq made of the modules of an existing model, shared (not
        copied): src_embed, tgt_embed, transformer (or encoder and decoder),
        out, src_pos, tgt_pos, embed_scale, max_src, max_tgt, src_embed_norm,
        tgt_embed_norm, src_in, src_image_size, src_cls, src_segment_embed as
        for the constructor (BART: src_embed_norm=
        model.encoder.layernorm_embedding, tgt_embed_norm=
        model.decoder.layernorm_embedding). The model keeps training and
        saving as before."""
        return cls(**modules)

    @classmethod
    def build(cls, src_vocab, tgt_vocab, d_model, nhead, num_encoder_layers, num_decoder_layers,
              dim_feedforward, max_src, max_tgt, pos="learned", activation="relu",
              norm_first=False, final_norm=True, embed_scale=1.0, dropout=0.0,
              layer_norm_eps=1e-5, batch_first=True, embed_norm=False, src_d_in=None,
              src_patch=None, src_channels=1, src_image_size=None, src_cls=False,
              src_segments=0):
        """A Seq2Seq from sizes: nn.Embedding tables, pos "learned"
        (nn.Embedding of positions), "sinusoidal" or None, an encoder and a
        decoder stack with final norms (final_norm) and an output Linear;
        embed_norm: a LayerNorm of each side's embedded rows (BART's
        layernorm_embedding). The source's front end: src_d_in (features
        through nn.Linear(src_d_in, d_model); src_vocab is then not used),
        src_patch with src_channels and src_image_size (an image through
        nn.Conv2d(src_channels, d_model, src_patch, stride=src_patch)),
        src_cls (a learned CLS row, N(0, 0.02)), src_segments (an
        nn.Embedding(src_segments, d_model) of segment ids). max_src counts
        the memory's rows (the CLS row too)."""
        if pos == "learned":
            src_pos, tgt_pos = nn.Embedding(max_src, d_model), nn.Embedding(max_tgt, d_model)
        else:
            src_pos = tgt_pos = pos
        kw = dict(dropout=dropout, activation=activation, layer_norm_eps=layer_norm_eps,
                  batch_first=batch_first, norm_first=norm_first)
        enc = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, **kw), num_encoder_layers,
            norm=nn.LayerNorm(d_model, eps=layer_norm_eps) if final_norm else None,
            enable_nested_tensor=False)
        dec = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, **kw), num_decoder_layers,
            norm=nn.LayerNorm(d_model, eps=layer_norm_eps) if final_norm else None)
        src_in = None
        if src_patch:
            src_in = nn.Conv2d(src_channels, d_model, src_patch, stride=src_patch)
        elif src_d_in:
            src_in = nn.Linear(src_d_in, d_model)
        return cls(None if src_in is not None else nn.Embedding(src_vocab, d_model),
                   nn.Embedding(tgt_vocab, d_model),
                   encoder=enc, decoder=dec, out=nn.Linear(d_model, tgt_vocab), src_pos=src_pos,
                   tgt_pos=tgt_pos, embed_scale=embed_scale, max_src=max_src, max_tgt=max_tgt,
                   src_embed_norm=nn.LayerNorm(d_model, eps=layer_norm_eps) if embed_norm
                   else None,
                   tgt_embed_norm=nn.LayerNorm(d_model, eps=layer_norm_eps) if embed_norm
                   else None, src_in=src_in, src_image_size=src_image_size,
                   src_cls=nn.Parameter(torch.randn(d_model) * 0.02) if src_cls else None,
                   src_segment_embed=nn.Embedding(src_segments, d_model) if src_segments
                   else None)

    def stacks(self):
        """(encoder, decoder, their names in messages)."""
        if "transformer" in self._modules:
            return (self.transformer.encoder, self.transformer.decoder, "transformer.encoder",
                    "transformer.decoder")
        return self.encoder, self.decoder, "encoder", "decoder"

    def front(self):
        """What the source is: "tokens" (src_embed), "features" (an
        nn.Linear src_in) or "patches" (an nn.Conv2d src_in)."""
        if getattr(self, "src_in", None) is None:
            return "tokens"
        return "patches" if isinstance(self.src_in, nn.Conv2d) else "features"

    def plain_source(self):
        """True: token ids alone (no CLS row, no segments), attn_seq2seq_encode_*."""
        return self.front() == "tokens" and getattr(self, "src_cls", None) is None and \
            getattr(self, "src_segment_embed", None) is None

    def _src_rows(self, src, segments):
        """The source's rows through its front end, the CLS row in front,
        positions over all of them: [batch, rows, d_model] (before
        src_embed_norm), as attention.h's front end."""
        front = self.front()
        if segments is not None and self.src_segment_embed is None:
            raise ValueError("segments given, but the model has no src_segment_embed")
        if front == "tokens":
            if src.dim() != 2 or src.dtype not in (torch.int32, torch.int64):
                raise ValueError("this Seq2Seq's source is token ids [batch, length] (an integer "
                                 "tensor), not %s %s" % (src.dtype, list(src.shape)))
            h = self.src_embed(src)
            if self.embed_scale != 1.0:  # token embeddings only
                h = h * self.embed_scale
            if self.src_segment_embed is not None:
                if segments is None:
                    segments = torch.zeros_like(src)
                if segments.shape != src.shape:
                    raise ValueError("segments %s must have the tokens' shape %s"
                                     % (list(segments.shape), list(src.shape)))
                h = h + self.src_segment_embed(segments)
        elif front == "features":
            d_in = int(self.src_in.in_features)
            if src.dim() != 3 or src.shape[2] != d_in or not torch.is_floating_point(src):
                raise ValueError("this Seq2Seq's source is features [batch, length, %d] (float), "
                                 "not %s %s" % (d_in, src.dtype, list(src.shape)))
            h = self.src_in(src)
        else:
            shape = (int(self.src_in.in_channels),) + tuple(self.src_image_size)
            if src.dim() != 4 or tuple(src.shape[1:]) != shape or not torch.is_floating_point(src):
                raise ValueError("this Seq2Seq's source is images [batch, %d, %d, %d] (float), not "
                                 "%s %s" % (shape + (src.dtype, list(src.shape))))
            h = self.src_in(src).flatten(2).transpose(1, 2)  # patches in row-major order
        if h.shape[1] < 1:
            raise ValueError("the source has no rows; attention.h needs src_len >= 1")
        if self.src_cls is not None:
            row = self.src_cls.reshape(1, 1, -1).to(h.dtype).expand(h.shape[0], 1, h.shape[2])
            h = torch.cat([row, h], dim=1)
        rows = h.shape[1]
        if rows > self.max_src:
            raise ValueError("the source is %d memory rows%s; max_src is %d"
                             % (rows, " (one the CLS row)" if self.src_cls is not None else "",
                                self.max_src))
        if self.position == "learned":
            h = h + _pos_weight(self.src_pos)[:rows]
        elif self.position == "sinusoidal":
            h = h + torch.from_numpy(sinusoidal_table(rows, h.shape[-1])).to(h.device, h.dtype)
        return h

    def memory_padding(self, src_key_padding_mask, batch=None):
        """The memory's padding mask for a source's [batch, S] one (True:
        padded): a False column in front for the CLS row; None stays None."""
        if src_key_padding_mask is None:
            return None
        kpm = src_key_padding_mask.to(dtype=torch.bool)
        if self.src_cls is not None:
            kpm = torch.cat([torch.zeros(kpm.shape[0], 1, dtype=torch.bool, device=kpm.device),
                             kpm], dim=1)
        return kpm

    def encode(self, src, src_key_padding_mask=None, src_segments=None):
        """src [batch, S] token ids ([batch, S, d_in] features, [batch, C, H,
        W] images; src_segments [batch, S] segment ids or None) -> memory
        [batch, rows, d_model] (rows: S, + 1 with a CLS row)."""
        enc = self.stacks()[0]
        if self.plain_source():
            if src_segments is not None:
                raise ValueError("segments given, but the model has no src_segment_embed")
            x = _embed_tokens(self.src_embed, src, self.embed_scale, self.src_pos, self.position,
                              self.max_src, "src")
        else:
            x = self._src_rows(src, src_segments)
        if self.src_embed_norm is not None:
            x = self.src_embed_norm(x)
        seq = x.shape[1]
        # always a mask: PyTorch's reference path (see the Classifier docstring)
        mask = torch.zeros(seq, seq, dtype=torch.bool, device=x.device)
        bf = enc.layers[0].self_attn.batch_first
        if not bf:
            x = x.transpose(0, 1)
        m = enc(x, mask=mask, src_key_padding_mask=_kpm(self.memory_padding(src_key_padding_mask),
                                                        x.device))
        return m if bf else m.transpose(0, 1)

    def decode(self, memory, tgt, tgt_key_padding_mask=None, memory_key_padding_mask=None):
        """memory [batch, S, d_model], tgt [batch, T] decoder inputs (BOS
        first) -> logits [batch, T, tgt_vocab]; the self-attention causal."""
        dec = self.stacks()[1]
        y = _embed_tokens(self.tgt_embed, tgt, self.embed_scale, self.tgt_pos, self.position,
                          self.max_tgt, "tgt")
        if self.tgt_embed_norm is not None:
            y = self.tgt_embed_norm(y)
        t = y.shape[1]
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool, device=y.device), diagonal=1)
        bf = dec.layers[0].self_attn.batch_first
        if not bf:
            y, memory = y.transpose(0, 1), memory.transpose(0, 1)
        h = dec(y, memory, tgt_mask=causal,
                tgt_key_padding_mask=_kpm(tgt_key_padding_mask, y.device),
                memory_key_padding_mask=_kpm(memory_key_padding_mask, y.device))
        if not bf:
            h = h.transpose(0, 1)
        return self.out(h)

    def forward(self, src, tgt, src_key_padding_mask=None, tgt_key_padding_mask=None,
                src_segments=None):
        """src [batch, S], tgt [batch, T] token ids (True in a padding mask:
        padded; the source's also masks the memory) -> logits
        [batch, T, tgt_vocab]. A source with a front end: src [batch, S,
        d_in] features or [batch, C, H, W] images, src_segments [batch, S]
        segment ids (None: all 0)."""
        memory = self.encode(src, src_key_padding_mask, src_segments)
        return self.decode(memory, tgt, tgt_key_padding_mask,
                           self.memory_padding(src_key_padding_mask))

    def source_tensors(self, src, segments=None):
        """One source (token ids; a [S, d_in] features array; a [C, H, W]
        image) and its segment ids (or None) -> the batch-of-one tensors
        encode takes."""
        front = self.front()
        if front == "tokens":
            x = torch.tensor([_token_list(src, "src")], dtype=torch.long)
        else:
            a = np.asarray(src.detach().cpu().numpy() if isinstance(src, torch.Tensor) else src)
            if not np.issubdtype(a.dtype, np.number) or a.ndim != (2 if front == "features"
                                                                   else 3):
                raise ValueError("src must be one %s (float), not %s %s"
                                 % ("[length, d_in] features array" if front == "features"
                                    else "[channels, height, width] image", a.dtype,
                                    list(a.shape)))
            x = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))[None].to(
                self.src_in.weight.dtype)
        seg = None
        if segments is not None:
            if self.src_segment_embed is None:
                raise ValueError("segments given, but the model has no src_segment_embed")
            seg = torch.tensor([_token_list(segments, "segments")], dtype=torch.long)
        return x, seg

    def greedy(self, src, bos, eos=None, max_out=None, segments=None):
        """Greedy decoding of one source sequence (ids, no padding; features
        [S, d_in]; an image [C, H, W]; segments: its segment ids or None), as
        attn_seq2seq_greedy_f32 (attn_seq2seq_encode_ex_f32 +
        attn_seq2seq_generate_f32): BOS first, then each step's argmax (the
        first index on ties) fed back, until eos (not returned; None: no end
        token) or max_out tokens (default max_tgt). Eval mode, no autograd.
        Returns the list of tokens."""
        x, seg = self.source_tensors(src, segments)
        max_out = self.max_tgt if max_out is None else int(max_out)
        if not 1 <= max_out <= self.max_tgt:
            raise ValueError("max_out %d is outside 1..max_tgt (%d)" % (max_out, self.max_tgt))
        out = []
        with _eval_mode(self), torch.no_grad():
            memory = self.encode(x, src_segments=seg)
            fed = [int(bos)]
            while len(out) < max_out:
                logits = self.decode(memory, torch.tensor([fed], dtype=torch.long))[0, -1]
                nxt = int(np.argmax(logits.to(torch.float32).numpy()))
                if eos is not None and nxt == eos:
                    break
                out.append(nxt)
                fed.append(nxt)
        return out

    def step_logits(self, src, fed, segments=None):
        """The logits after each of the decoder inputs `fed` (BOS first) for
        source `src` (and its segments; as for greedy) (eval mode, no
        autograd): float32 [len(fed), tgt_vocab]."""
        x, seg = self.source_tensors(src, segments)
        fed = _token_list(fed, "fed")
        with _eval_mode(self), torch.no_grad():
            out = self(x, torch.tensor([fed], dtype=torch.long), src_segments=seg)
        return out[0].to(torch.float32).numpy().copy()


class DecoderLM(nn.Module):
    """tokens -> embedding * embed_scale + positions (-> embed_norm) -> causal
    encoder stack (+ norm) -> out -> logits: attention.h's attn_lm_* functions,
    in PyTorch (see the module docstring)."""

    def __init__(self, embed, encoder, out, *, pos=None, embed_scale=1.0, max_len=None,
                 embed_norm=None):
        super().__init__()
        _check_embedding(embed, "embed")
        if embed_norm is not None and not isinstance(embed_norm, nn.LayerNorm):
            raise ValueError("embed_norm must be an nn.LayerNorm(d_model) or None, not %s"
                             % type(embed_norm).__name__)
        if not isinstance(encoder, nn.TransformerEncoder):
            raise ValueError("encoder must be nn.TransformerEncoder, not %s"
                             % type(encoder).__name__)
        self.embed = embed
        self.encoder = encoder
        self.out = out
        kind = _pos_kind(pos, "pos")
        _register(self, "pos", pos)
        self.position = kind
        self.embed_scale = _embed_scale(embed_scale)
        self.max_len = _max_rows(pos, kind, max_len, "max_len")
        self.embed_norm = embed_norm

    def __setstate__(self, state):
        """A DecoderLM pickled before embed_norm existed loads without it."""
        super().__setstate__(state)
        _absent_as_none(self, ("embed_norm",))

    @classmethod
    def from_modules(cls, **modules):
        """A DecoderLM made of an existing model's modules, shared: embed,
        encoder, out, pos, embed_scale, max_len, embed_norm as for the
        constructor (BLOOM: embed_norm=model.word_embeddings_layernorm)."""
        return cls(**modules)

    @classmethod
    def build(cls, vocab, d_model, nhead, num_layers, dim_feedforward, max_len, pos="learned",
              activation="relu", norm_first=False, final_norm=True, embed_scale=1.0,
              dropout=0.0, layer_norm_eps=1e-5, batch_first=True, embed_norm=False):
        """A DecoderLM from sizes (pos "learned": an nn.Embedding of positions;
        embed_norm: a LayerNorm of the embedded rows)."""
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=dropout,
                                           activation=activation, layer_norm_eps=layer_norm_eps,
                                           batch_first=batch_first, norm_first=norm_first)
        enc = nn.TransformerEncoder(
            layer, num_layers, norm=nn.LayerNorm(d_model, eps=layer_norm_eps) if final_norm
            else None, enable_nested_tensor=False)
        return cls(nn.Embedding(vocab, d_model), enc, nn.Linear(d_model, vocab),
                   pos=nn.Embedding(max_len, d_model) if pos == "learned" else pos,
                   embed_scale=embed_scale, max_len=max_len,
                   embed_norm=nn.LayerNorm(d_model, eps=layer_norm_eps) if embed_norm
                   else None)

    def forward(self, tokens, key_padding_mask=None):
        """tokens [batch, L] -> logits [batch, L, vocab]; token i sees 0..i."""
        x = _embed_tokens(self.embed, tokens, self.embed_scale, self.pos, self.position,
                          self.max_len, "tokens")
        if self.embed_norm is not None:
            x = self.embed_norm(x)
        n = x.shape[1]
        causal = torch.triu(torch.ones(n, n, dtype=torch.bool, device=x.device), diagonal=1)
        bf = self.encoder.layers[0].self_attn.batch_first
        if not bf:
            x = x.transpose(0, 1)
        h = self.encoder(x, mask=causal, src_key_padding_mask=_kpm(key_padding_mask, x.device))
        if not bf:
            h = h.transpose(0, 1)
        return self.out(h)

    def greedy(self, prompt, eos=None, max_out=None):
        """As attn_lm_greedy_f32: the prompt (>= 1 token), then each argmax
        fed back until eos (not returned; None: none) or max_out new tokens
        (default: as many as max_len allows). Returns the new tokens."""
        prompt = _token_list(prompt, "prompt")
        room = self.max_len - len(prompt) + 1
        max_out = room if max_out is None else int(max_out)
        if not 1 <= max_out <= room:
            raise ValueError("max_out %d is outside 1..%d (max_len %d, a prompt of %d)"
                             % (max_out, room, self.max_len, len(prompt)))
        out = []
        with _eval_mode(self), torch.no_grad():
            seq = list(prompt)
            while True:
                logits = self(torch.tensor([seq], dtype=torch.long))[0, -1]
                nxt = int(np.argmax(logits.to(torch.float32).numpy()))
                if eos is not None and nxt == eos:
                    break
                out.append(nxt)
                if len(out) == max_out:
                    break
                seq.append(nxt)
        return out

    def step_logits(self, fed):
        """The logits after each token of `fed`: float32 [len(fed), vocab]."""
        fed = _token_list(fed, "fed")
        with _eval_mode(self), torch.no_grad():
            out = self(torch.tensor([fed], dtype=torch.long))
        return out[0].to(torch.float32).numpy().copy()


# --------------------------------------------------------------------------
# Bring your own model (tools/byom.py: torch.fx tracing of an ordinary nn.Module)
# --------------------------------------------------------------------------


def _byom():
    sys.modules.setdefault("export", sys.modules[__name__])
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import byom
    return byom


def from_module(model, example_input=None, seq=None):
    """The Classifier / Seq2Seq / DecoderLM equivalent to `model` (an ordinary
    nn.Module made of attention.h's blocks), its submodules shared; see
    BRING YOUR OWN MODEL in the module docstring and tools/byom.py."""
    return _byom().from_module(model, example_input=example_input, seq=seq)


def export_module(model, path, name, **kw):
    """from_module(model) exported and verified in C against the wrapper and
    against `model` itself (tools/byom.py export_module)."""
    return _byom().export_module(model, path, name, **kw)


def _no_overrides(model, cls, methods):
    if not isinstance(model, cls):
        raise ValueError("this export needs a tools/export.py %s (see %s.from_modules), not %s; "
                         "for your own nn.Module: export_module(model, path, name, ...) or "
                         "from_module(model) (BRING YOUR OWN MODEL)"
                         % (cls.__name__, cls.__name__, type(model).__name__))
    for meth in methods:
        if getattr(type(model), meth) is not getattr(cls, meth):
            raise ValueError("%s overrides %s.%s; attention.h computes %s.%s only"
                             % (type(model).__name__, cls.__name__, meth, cls.__name__, meth))
    for mname, m in model.named_modules():
        if m._forward_hooks or m._forward_pre_hooks:
            raise ValueError("module %r has forward hooks (weight_norm? remove them first); "
                             "their effect cannot be exported" % (mname or "model"))


def _table(emb, d, what):
    """An nn.Embedding's [rows, d] float32 table."""
    _check_embedding(emb, what)
    t = _array(emb.weight, what + ".weight")
    if t.ndim != 2 or t.shape[1] != d or t.shape[0] < 1:
        raise ValueError("%s.weight has shape %s; expected [vocab, %d] (d_model)"
                         % (what, list(t.shape), d))
    return t


def _positions(model, attr, d, max_rows, what):
    kind = _pos_kind(getattr(model, attr), what)
    if kind != model.position:
        raise ValueError("%s is %s now, %s when the model was made" % (what, kind, model.position))
    if kind != "learned":
        return None
    t = _array(_pos_weight(getattr(model, attr)), what)
    if t.shape != (max_rows, d):
        raise ValueError("%s has shape %s; expected [%d, %d]" % (what, list(t.shape), max_rows, d))
    return t


def _int_attr(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError("%s must be an int >= 1, not %r" % (what, v))
    return int(v)


def describe_seq2seq(model):
    """Check a Seq2Seq against what attn_seq2seq_* computes and collect what
    the header needs (dict); ValueError names the first problem."""
    _no_overrides(model, Seq2Seq, ("forward", "encode", "decode", "greedy", "step_logits",
                                   "stacks", "front", "plain_source", "_src_rows",
                                   "memory_padding", "source_tensors"))
    enc, dec, ew, dw = model.stacks()
    if "transformer" in model._modules:
        _plain(model.transformer, nn.Transformer, "transformer")
    _, edesc, ecfg, efinal = _stack(enc, ew)
    _, ddesc, dcfg, dfinal = _stack(dec, dw, decoder=True)
    d = ecfg["d_model"]
    if dcfg["d_model"] != d:
        raise ValueError("the encoder is %d wide, the decoder %d; attention.h needs one d_model"
                         % (d, dcfg["d_model"]))
    for k in ("n_heads", "d_ff"):
        if ecfg[k] != dcfg[k]:
            raise ValueError("the encoder's %s is %d, the decoder's %d; the generated header "
                             "has one %s (NAME_%s) for its size macros"
                             % (k, ecfg[k], dcfg[k], k, k.upper()))
    src = _describe_src(model, d)
    tgt_t = _table(model.tgt_embed, d, "tgt_embed")
    max_src = _int_attr(model.max_src, "max_src")
    cls = src["src_cls_token"]
    if max_src < 1 + cls:
        raise ValueError("max_src %d leaves no room for a source row beside the CLS row"
                         % max_src)
    if src["src_patch"] and src["src_patches"] + cls > max_src:
        raise ValueError("a %dx%d image is %d patches%s: more than max_src %d memory rows"
                         % (src["src_image_h"], src["src_image_w"], src["src_patches"],
                            " + the CLS row" if cls else "", max_src))
    max_tgt = _int_attr(model.max_tgt, "max_tgt")
    if not isinstance(model.out, nn.Linear):
        raise ValueError("out must be nn.Linear, not %s" % type(model.out).__name__)
    out_w, out_b = _linear(model.out, d, tgt_t.shape[0], "out")
    sn = getattr(model, "src_embed_norm", None)
    tn = getattr(model, "tgt_embed_norm", None)
    _embed_norm_pair(sn, tn)
    src_norm = None if sn is None else _side_norm(sn, d, ecfg["eps"], "src_embed_norm", ew)
    tgt_norm = None if tn is None else _side_norm(tn, d, dcfg["eps"], "tgt_embed_norm", dw)
    return dict(kind="seq2seq", d_model=d, enc=ecfg, dec=dcfg, n_heads=ecfg["n_heads"],
                d_ff=ecfg["d_ff"], tgt_vocab=tgt_t.shape[0],
                max_src=max_src, max_tgt=max_tgt, position=model.position,
                embed_scale=_embed_scale(model.embed_scale), tgt_embed=tgt_t, **src,
                src_pos=_positions(model, "src_pos", d, max_src, "src_pos"),
                tgt_pos=_positions(model, "tgt_pos", d, max_tgt, "tgt_pos"),
                enc_layers=[x["arrays"] for x in edesc], dec_layers=[x["arrays"] for x in ddesc],
                enc_norm=efinal, dec_norm=dfinal, out_w=out_w, out_b=out_b, enc_what=ew,
                dec_what=dw, src_embed_norm=src_norm, tgt_embed_norm=tgt_norm)


def _describe_src(model, d):
    """A Seq2Seq's source front end -> the describe_seq2seq fields: src_front
    ("tokens", "features", "patches"), src_vocab, src_embed (the token
    table or None), src_d_in, src_patch, src_channels, src_image_h/_w,
    src_patches, src_embed_w/_b, src_cls_token (0/1) and src_cls_row,
    src_segments and src_segment_embed."""
    src_embed = getattr(model, "src_embed", None)
    src_in = getattr(model, "src_in", None)
    image_size = getattr(model, "src_image_size", None)
    cls_t = getattr(model, "src_cls", None)
    seg_m = getattr(model, "src_segment_embed", None)
    _src_front(src_embed, src_in, image_size, cls_t, seg_m)
    s = dict(src_front="tokens", src_vocab=0, src_embed=None, src_d_in=0, src_patch=0,
             src_channels=0, src_image_h=0, src_image_w=0, src_patches=0, src_embed_w=None,
             src_embed_b=None, src_cls_token=0, src_cls_row=None, src_segments=0,
             src_segment_embed=None)
    if src_in is None:
        s["src_embed"] = _table(src_embed, d, "src_embed")
        s["src_vocab"] = s["src_embed"].shape[0]
        if seg_m is not None:
            s["src_segment_embed"] = _table(seg_m, d, "src_segment_embed")
            s["src_segments"] = s["src_segment_embed"].shape[0]
    elif isinstance(src_in, nn.Conv2d):
        c, k, w, b = _conv_patches(src_in, d, image_size, "src_in")
        s.update(src_front="patches", src_d_in=c * k * k, src_patch=k, src_channels=c,
                 src_image_h=image_size[0], src_image_w=image_size[1],
                 src_patches=(image_size[0] // k) * (image_size[1] // k), src_embed_w=w,
                 src_embed_b=b)
    else:
        d_in = int(src_in.in_features)
        if src_in.out_features != d:
            raise ValueError("src_in is Linear(%d, %d); the encoder is %d wide: expected "
                             "Linear(%d, %d)" % (d_in, src_in.out_features, d, d_in, d))
        w, b = _linear(src_in, d_in, d, "src_in")
        s.update(src_front="features", src_d_in=d_in, src_embed_w=w, src_embed_b=b)
    if cls_t is not None:
        row = _array(cls_t, "src_cls").reshape(-1)
        if row.shape != (d,):
            raise ValueError("src_cls has %d values; the encoder is %d wide (a CLS row is [%d], "
                             "[1, %d] or [1, 1, %d])" % (row.size, d, d, d, d))
        s.update(src_cls_token=1, src_cls_row=row)
    return s


def describe_lm(model):
    """The same for a DecoderLM (attn_lm_*)."""
    _no_overrides(model, DecoderLM, ("forward", "greedy", "step_logits"))
    _, desc, cfg, final = _stack(model.encoder, "encoder")
    d = cfg["d_model"]
    table = _table(model.embed, d, "embed")
    max_len = _int_attr(model.max_len, "max_len")
    if not isinstance(model.out, nn.Linear):
        raise ValueError("out must be nn.Linear, not %s" % type(model.out).__name__)
    out_w, out_b = _linear(model.out, d, table.shape[0], "out")
    en = getattr(model, "embed_norm", None)
    embed_norm = None if en is None else _side_norm(en, d, cfg["eps"], "embed_norm", "encoder")
    return dict(kind="lm", d_model=d, cfg=cfg, n_heads=cfg["n_heads"], d_ff=cfg["d_ff"],
                vocab=table.shape[0], max_len=max_len, position=model.position,
                embed_scale=_embed_scale(model.embed_scale), embed=table,
                pos=_positions(model, "pos", d, max_len, "pos"),
                layers=[x["arrays"] for x in desc], norm=final, out_w=out_w, out_b=out_b,
                embed_norm=embed_norm)


# ---- their headers -----------------------------------------------------------


def _mha_refs(w, b, out_w, out_b, d):
    """The 8 pointers of an attn_mha_weights_f32 into a packed in_proj."""
    # the offsets as numbers (see model_header)
    mha = [w, "%s + %d" % (w, d * d), "%s + %d" % (w, 2 * d * d)]
    mha += ["NULL"] * 3 if b == "NULL" else [b, "%s + %d" % (b, d), "%s + %d" % (b, 2 * d)]
    return mha + [out_w, out_b]


_ENC_PARTS = (
    ("in_proj_w", "self_attn.in_proj_weight [3*d_model][d_model] (Wq; Wk; Wv)"),
    ("in_proj_b", "self_attn.in_proj_bias [3*d_model] (bq; bk; bv)"),
    ("out_w", "self_attn.out_proj.weight [d_model][d_model]"),
    ("out_b", "self_attn.out_proj.bias [d_model]"))
_DEC_PARTS = (
    ("sa_in_proj_w", "self_attn.in_proj_weight [3*d_model][d_model] (Wq; Wk; Wv)"),
    ("sa_in_proj_b", "self_attn.in_proj_bias [3*d_model] (bq; bk; bv)"),
    ("sa_out_w", "self_attn.out_proj.weight [d_model][d_model]"),
    ("sa_out_b", "self_attn.out_proj.bias [d_model]"),
    ("ca_in_proj_w", "multihead_attn.in_proj_weight [3*d_model][d_model] (Wq; Wk; Wv)"),
    ("ca_in_proj_b", "multihead_attn.in_proj_bias [3*d_model] (bq; bk; bv)"),
    ("ca_out_w", "multihead_attn.out_proj.weight [d_model][d_model]"),
    ("ca_out_b", "multihead_attn.out_proj.bias [d_model]"))
_FF_PARTS = (
    ("ff1_w", "linear1.weight [d_ff][d_model]"), ("ff1_b", "linear1.bias [d_ff]"),
    ("ff2_w", "linear2.weight [d_model][d_ff]"), ("ff2_b", "linear2.bias [d_model]"))


def _norm_parts(n):
    return tuple(p for k in range(1, n + 1) for p in (
        ("norm%d_w" % k, "norm%d.weight [d_model]" % k),
        ("norm%d_b" % k, "norm%d.bias [d_model]" % k)))


def _stack_arrays(add, prefix, torch_what, layers, final, d, decoder):
    """Arrays of a stack's layers and final norm through add(); returns the
    layer initialisers and the final norm's (gamma, beta) references."""
    inits = []
    parts = (_DEC_PARTS if decoder else _ENC_PARTS) + _FF_PARTS + _norm_parts(3 if decoder else 2)
    for i, L in enumerate(layers):
        r = {}
        for key, comment in parts:
            r[key] = add("%sl%d_%s" % (prefix, i, key), L[key],
                         "%s.layers.%d.%s" % (torch_what, i, comment))
        rest = [r[k] for k in ("ff1_w", "ff1_b", "ff2_w", "ff2_b")]
        rest += [r["norm%d_%s" % (k, wb)] for k in range(1, 4 if decoder else 3) for wb in "wb"]
        if decoder:
            sa = _mha_refs(r["sa_in_proj_w"], r["sa_in_proj_b"], r["sa_out_w"], r["sa_out_b"], d)
            ca = _mha_refs(r["ca_in_proj_w"], r["ca_in_proj_b"], r["ca_out_w"], r["ca_out_b"], d)
            inits.append(_join(sa, "    {{", "      ") + "},\n" + _join(ca, "     {", "      ") +
                         "},\n" + _join(rest, "     ", "     ") + "},")
        else:
            mha = _mha_refs(r["in_proj_w"], r["in_proj_b"], r["out_w"], r["out_b"], d)
            inits.append(_join(mha, "    {{", "      ") + "},\n" +
                         _join(rest, "     ", "     ") + "},")
    if final is None:
        return inits, ("NULL", "NULL")
    return inits, (add("%snorm_w" % prefix, final[0], "%s.norm.weight [d_model] (final)"
                       % torch_what),
                   add("%snorm_b" % prefix, final[1], "%s.norm.bias [d_model] (final)"
                       % torch_what))


def _enc_cfg_init(c, causal):
    return "{%d, %d, %d, %s, %d /*norm_first*/, %d /*causal*/, %s /*eps*/,\n     %d /*window*/}" % (
        c["d_model"], c["n_heads"], c["d_ff"], ACT_ENUM[c["activation"]], int(c["norm_first"]),
        int(causal), c_float(c["eps"]), int(c.get("window", 0)))


def _macro_block(up, macros):
    out = []
    for key, val, comment in macros:
        line = "#define %s_%s %s" % (up, key, val)
        full = "%-34s /* %s */" % (line, comment)
        if len(full) <= WIDTH:
            out.append(full + "\n")
        elif len(line) <= WIDTH:
            out.append("/* %s */\n%s\n" % (comment, line))
        else:  # a long expression: continued on the next line (or two)
            head, expr = line.split(" ", 2)[:2], line.split(" ", 2)[2]
            expr = "    " + expr
            if len(expr) > WIDTH:  # broken after the last argument that fits
                k = expr.rindex(", ", 0, WIDTH - 2) + 1
                expr = "%s \\\n%s%s" % (expr[:k], " " * (expr.index("(") + 1), expr[k + 1:])
            out.append("/* %s */\n%s \\\n%s\n" % (comment, " ".join(head), expr))
    return "".join(out)


def _stack_summary(c, n, final, what):
    return "%d %s %s layer%s (%d heads, d_ff %d, %s, eps %s)%s" % (
        n, "pre-norm" if c["norm_first"] else "post-norm", what, "s" if n > 1 else "",
        c["n_heads"], c["d_ff"], c["activation"].replace("_", "-"), "%g" % c["eps"],
        ", final LayerNorm" if final is not None else ", no final norm")


def _finish(text, once=False):
    """The header text checked for line lengths (once: a model header, its
    data defined once: define_once)."""
    if once:
        text = define_once(text)
    for n, line in enumerate(text.split("\n"), 1):
        assert len(line) <= WIDTH, "line %d too long: %r" % (n, line)
    return text


CPP_OPEN = ["#ifdef __cplusplus", 'extern "C" {', "#endif"]
CPP_CLOSE = ["#ifdef __cplusplus", "}", "#endif"]


def define_once(text):
    """A model header whose data is defined once however many files include
    it: `text` (a header guarded by #ifndef G / #define G ... #endif /* G */
    whose data are `static const` definitions) becomes one whose guarded part
    declares the data (extern const) and keeps its macros, and whose
    definitions (const: in flash) are compiled only where G's
    _IMPLEMENTATION macro (DIGITS_MODEL_H: DIGITS_MODEL_IMPLEMENTATION) is
    defined. tools/define_once.h does the same for the C tools' int8
    headers."""
    lines = text.split("\n")
    guard = next(l.split()[1] for l in lines if l.startswith("#ifndef ") and l.endswith("_H"))
    impl = guard[:-2] + "_IMPLEMENTATION"
    end = max(k for k, l in enumerate(lines) if l == "#endif /* %s */" % guard)
    first = next(k for k, l in enumerate(lines) if l.startswith("static const "))
    while first > 0 and not lines[first - 1].startswith("#") and \
            not (first > 1 and lines[first - 2].endswith("\\")):  # (a macro's continuation)
        first -= 1
    head, body, tail = lines[:first], lines[first:end], lines[end + 1:]
    decls, defs, macros, k = [], [], [], 0
    while k < len(body):
        line = body[k]
        if line.startswith("#"):  # a macro (and its continuation lines): for every file
            macros.append(line)
            while line.endswith("\\"):
                k += 1
                line = body[k]
                macros.append(line)
            k += 1
            continue
        if line.startswith("static const "):
            line = line[len("static "):]
            if line.endswith(" = {"):
                decls.append("extern %s;" % line[:-len(" = {")])
            elif body[k + 1].endswith(" = {"):
                decls += ["extern %s" % line, body[k + 1][:-len(" = {")] + ";"]
            else:
                raise AssertionError("define_once: %r" % line)
        defs.append(line)
        k += 1
    note = _para("In exactly one C or C++ file, #define %s before including this header: that "
                 "file defines the arrays and structs (const: in flash); every other file that "
                 "includes it sees their declarations." % impl, "/* ") + " */"
    head.insert(next(k for k, l in enumerate(head) if l == "#define " + guard) + 1,
                "\n" + note)
    while defs and not defs[-1]:
        defs.pop()
    out = head + CPP_OPEN + decls + CPP_CLOSE + ([""] + macros if macros else []) + \
        ["", "#endif /* %s */" % guard, "",
         "#if defined(%s) && !defined(%s_DEFINED)" % (impl, guard[:-2]),
         "#define %s_DEFINED" % guard[:-2]] + CPP_OPEN + defs + [""] + CPP_CLOSE + \
        ["#endif /* %s */" % impl] + tail
    return "\n".join(out)


def _head_block(name, up, kind_text, summary, usage, source):
    return """%s
%s
%s
   Use it:
%s */
#ifndef %s_MODEL_H
#define %s_MODEL_H

#include "attention.h"

""" % (_para("%s_model.h - generated by tools/export.py from a PyTorch %s; do not edit."
             % (name, kind_text), "/* "), _regen_note(source),
       wrap(("Model: %s." % summary).split(" "), indent="   ", sep=""), usage, up, up)


def _token_macro(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise ValueError("%s must be an int token id, not %r" % (what, v))
    return int(v)


def seq2seq_header(model, name, bos, eos=None, source=None):
    """The text export_seq2seq writes (see the module docstring)."""
    check_schema()
    name = _c_name(name)
    s = describe_seq2seq(model)
    up = name.upper()
    d = s["d_model"]
    bos = _token_macro(bos, "bos")
    if not 0 <= bos < s["tgt_vocab"]:
        raise ValueError("bos %d is outside the target vocabulary (0..%d)"
                         % (bos, s["tgt_vocab"] - 1))
    if eos is not None:
        eos = _token_macro(eos, "eos")
        if not 0 <= eos < s["tgt_vocab"]:
            raise ValueError("eos %d is outside the target vocabulary (0..%d)"
                             % (eos, s["tgt_vocab"] - 1))
    arrays = []

    def add(suffix, arr, comment):
        if arr is None:
            return "NULL"
        cname = "%s_%s" % (name, suffix)
        arrays.append((cname, arr, comment))
        return cname

    ref = {}
    front = s["src_front"] != "tokens" or s["src_cls_token"] or s["src_segments"]
    ref["src_embed"] = add("src_embed", s["src_embed"], "src_embed.weight [src_vocab][d_model]")
    ref["src_embed_w"] = add("src_embed_w", s["src_embed_w"], (
        "src_in.weight [d_model][src_d_in]" if s["src_front"] == "features" else
        "src_in.weight [d_model][channels][patch][patch] as [d_model][src_d_in]"))
    ref["src_embed_b"] = add("src_embed_b", s["src_embed_b"], "src_in.bias [d_model]")
    ref["src_cls_token"] = add("src_cls_token", s["src_cls_row"],
                               "src_cls: the CLS row in front of the source [d_model]")
    ref["src_segment_embed"] = add("src_segment_embed", s["src_segment_embed"],
                                   "src_segment_embed.weight [src_segments][d_model]")
    ref["tgt_embed"] = add("tgt_embed", s["tgt_embed"], "tgt_embed.weight [tgt_vocab][d_model]")
    ref["src_pos"] = add("src_pos", s["src_pos"], "src_pos: learned positions [max_src][d_model]")
    ref["tgt_pos"] = add("tgt_pos", s["tgt_pos"], "tgt_pos: learned positions [max_tgt][d_model]")
    enc_inits, enc_norm = _stack_arrays(add, "enc_", s["enc_what"], s["enc_layers"], s["enc_norm"],
                                        d, False)
    dec_inits, dec_norm = _stack_arrays(add, "dec_", s["dec_what"], s["dec_layers"], s["dec_norm"],
                                        d, True)
    ref["out_w"] = add("out_w", s["out_w"], "out.weight [tgt_vocab][d_model]")
    ref["out_b"] = add("out_b", s["out_b"], "out.bias [tgt_vocab]")
    for side in ("src", "tgt"):  # (gamma, beta) of the embedding LayerNorm, or None
        g, b = s.get(side + "_embed_norm") or (None, None)
        ref[side + "_norm_w"] = add(side + "_embed_norm_w", g,
                                    side + "_embed_norm.weight [d_model]")
        ref[side + "_norm_b"] = add(side + "_embed_norm_b", b,
                                    side + "_embed_norm.bias [d_model]")
    weight_bytes = sum(int(a.size) * 4 for _, a, _ in arrays)

    pos_text = {"learned": "learned positions [%d] and [%d]" % (s["max_src"], s["max_tgt"]),
                "sinusoidal": "sinusoidal positions", None: "no positions"}[s["position"]]
    if s.get("src_embed_norm") is not None:
        pos_text += ", then an embedding LayerNorm on each side"
    if s["src_front"] == "features":
        src_text = "a source of features through Linear(%d -> %d)" % (s["src_d_in"], d)
    elif s["src_front"] == "patches":
        src_text = ("a source image [%d][%d][%d] cut into %d %dx%d patches through "
                    "Conv2d(%d, %d, %d, stride=%d)" % (
                        s["src_channels"], s["src_image_h"], s["src_image_w"], s["src_patches"],
                        s["src_patch"], s["src_patch"], s["src_channels"], d, s["src_patch"],
                        s["src_patch"]))
    else:
        src_text = "nn.Embedding(%d) source tokens%s" % (
            s["src_vocab"], " with nn.Embedding(%d) segments" % s["src_segments"]
            if s["src_segments"] else "")
    if s["src_cls_token"]:
        src_text += " (a CLS row in front)"
    summary = ("encoder-decoder, d_model %d; %s and nn.Embedding(%d) target "
               "tokens%s, %s (max_src %d, max_tgt %d); encoder: %s; decoder (causal): %s; "
               "Linear(%d -> %d)%s" % (
                   d, "nn.Embedding(%d) source" % s["src_vocab"] if not front else src_text + ",",
                   s["tgt_vocab"],
                   "" if s["embed_scale"] == 1.0 else " times %.9g" % s["embed_scale"], pos_text,
                   s["max_src"], s["max_tgt"],
                   _stack_summary(s["enc"], len(s["enc_layers"]), s["enc_norm"], "encoder"),
                   _stack_summary(s["dec"], len(s["dec_layers"]), s["dec_norm"], "decoder"),
                   d, s["tgt_vocab"], ", BOS %d, EOS %s" % (bos, eos)))
    usage = [
        "       static uint8_t cache_buf[%s_CACHE_BYTES] ATTN_ALIGNED;" % up,
        "       static uint8_t arena_buf[%s_SCRATCH_BYTES] ATTN_ALIGNED;" % up,
        "       attn_arena store, arena; attn_kv_cache cache; int out[%s_MAX_TGT], n;" % up,
        "       attn_arena_init(&store, cache_buf, sizeof cache_buf);",
        "       attn_kv_cache_init_f32(&cache, %s_N_DEC_LAYERS, %s_D_MODEL, %s_MAX_TGT, "
        "%s_MAX_SRC," % (up, up, up, up),
        "                              &store);",
        "       attn_arena_init(&arena, arena_buf, sizeof arena_buf);"]
    eos_c = "%s_EOS" % up if eos is not None else "-1"
    if not front:
        usage += [
            "       attn_seq2seq_greedy_f32(out, &n, %s_MAX_TGT, src, src_len, %s_BOS, %s,"
            % (up, up, eos_c),
            "                               &cache, &%s_cfg, &%s_weights, &arena);" % (name, name),
            "   src: int [src_len] token ids (1..%s_MAX_SRC of them); out: the tokens, EOS not"
            % up,
            "   stored. One step at a time: attn_seq2seq_encode_f32, then attn_seq2seq_step_f32",
            "   (logits [%s_TGT_VOCAB]) from %s_BOS." % (up, up)]
    else:
        tok = s["src_front"] == "tokens"
        usage += [
            "       attn_seq2seq_encode_ex_f32(&cache, %s, src_len, &%s_cfg,"
            % ("NULL, src, %s" % ("segments" if s["src_segments"] else "NULL") if tok
               else "input, NULL, NULL", name),
            "                                  &%s_weights, &arena);" % name,
            "       attn_seq2seq_generate_f32(out, &n, %s_MAX_TGT, %s_BOS, %s, &cache, &%s_cfg,"
            % (up, up, eos_c, name),
            "                                 &%s_weights, &arena);" % name]
        if s["src_front"] == "features":
            usage.append("   input: float [src_len][%s_SRC_D_IN] features" % up)
        elif s["src_front"] == "patches":
            usage.append("   input: one float image [%s_SRC_CHANNELS][%s_SRC_IMAGE_H][%s_SRC_IMAGE_W]"
                         % (up, up, up))
            usage.append("   (NCHW), src_len = %s_SRC_PATCHES" % up)
        else:
            usage.append("   src: int [src_len] token ids%s" % (
                ", segments: int [src_len] segment ids (or NULL: all 0)" if s["src_segments"]
                else ""))
        usage += [
            "   (src_len + %s_SRC_CLS_TOKEN <= %s_MAX_SRC memory rows); out: the tokens, EOS not"
            % (up, up),
            "   stored. One step at a time: attn_seq2seq_step_f32 (logits [%s_TGT_VOCAB]) from"
            % up,
            "   %s_BOS after the encode." % up]
    usage = "\n".join(usage)
    out = [_head_block(name, up, "encoder-decoder model (tools/export.py Seq2Seq)", summary,
                       usage, source)]
    macros = [
        ("D_MODEL", d, "embedding width"),
        ("N_HEADS", s["n_heads"], "attention heads"),
        ("D_FF", s["d_ff"], "feed-forward hidden width"),
        ("N_ENC_LAYERS", len(s["enc_layers"]), "encoder layers"),
        ("N_DEC_LAYERS", len(s["dec_layers"]), "decoder layers"),
        ("SRC_VOCAB", s["src_vocab"], "source tokens" if s["src_front"] == "tokens" else
         "source tokens (none: a %s source)" % ("feature" if s["src_front"] == "features"
                                                else "image")),
        ("TGT_VOCAB", s["tgt_vocab"], "target tokens (logits per step)"),
        ("MAX_SRC", s["max_src"], "longest source" if not front else
         "the most memory rows (the CLS row counted)"),
        ("MAX_TGT", s["max_tgt"], "longest decoder input (steps)"),
        ("BOS", bos, "the first decoder input")]
    if front:
        i = [k for k, _, _ in macros].index("MAX_SRC") + 1
        fm = [("SRC_D_IN", s["src_d_in"], "source features (an image: one patch's values; "
               "tokens: 0)")]
        if s["src_patch"]:
            fm += [("SRC_PATCH", s["src_patch"], "patch side"),
                   ("SRC_CHANNELS", s["src_channels"], "image channels"),
                   ("SRC_IMAGE_H", s["src_image_h"], "image height"),
                   ("SRC_IMAGE_W", s["src_image_w"], "image width"),
                   ("SRC_PATCHES", s["src_patches"], "source rows: the image's patches")]
        fm += [("SRC_CLS_TOKEN", s["src_cls_token"], "1: a CLS row in front of the source"),
               ("SRC_SEGMENTS", s["src_segments"], "segment ids (0: none)")]
        macros[i:i] = fm
    if eos is not None:
        macros.append(("EOS", eos, "the end token"))
    macros += [
        ("WEIGHT_BYTES", weight_bytes, "bytes of the float arrays below (flash)"),
        ("CACHE_BYTES", "ATTN_KV_CACHE_BYTES_F32(%s_N_DEC_LAYERS, %s_MAX_TGT, %s_MAX_SRC, "
         "%s_D_MODEL)" % (up, up, up, up), "the KV cache (attn_kv_cache_init_f32)"),
        ("SCRATCH_BYTES", "ATTN_SEQ2SEQ_SCRATCH_F32(%s_MAX_SRC, %s_MAX_TGT, %s_D_MODEL, %s_D_FF, "
         "%s_TGT_VOCAB)" % (up, up, up, up, up) if not front else
         "ATTN_SEQ2SEQ_SCRATCH_EX_F32(%s_MAX_SRC, %s_MAX_TGT, %s_D_MODEL, %s_D_FF, "
         "%s_TGT_VOCAB, %s)" % (up, up, up, up, up, "%s_SRC_D_IN" % up if s["src_patch"]
                                else "0"), "the arena of attn_seq2seq_*_f32")]
    out.append(_macro_block(up, macros))
    out.append("\n/* PyTorch layouts (attention.h CONVENTIONS); const, so in flash */\n")
    for cname, arr, comment in arrays:
        _float_array(out, cname, arr, comment)
    out.append("\n%s\n%s\n};\n" % (_decl("attn_encoder_layer_weights_f32",
                                           "%s_enc_layers[%s_N_ENC_LAYERS]" % (name, up)),
                                     "\n".join(enc_inits)))
    out.append("\n%s\n%s\n};\n" % (_decl("attn_decoder_layer_weights_f32",
                                           "%s_dec_layers[%s_N_DEC_LAYERS]" % (name, up)),
                                     "\n".join(dec_inits)))
    out.append("static const attn_seq2seq_cfg %s_cfg = {\n    %s,\n    %s,\n"
               "    %d /*src_vocab*/, %d /*tgt_vocab*/, %d /*max_src*/, %d /*max_tgt*/, %s,\n"
               "    %s /*embed_scale*/, %d /*embed_norm*/,\n"
               "    %d, %d, %d, %d, %d /*src_d_in, src_patch, src_channels, src_image_h, "
               "src_image_w*/,\n    %d /*src_cls_token*/, %d /*src_segments*/};\n" % (
                   name, _enc_cfg_init(s["enc"], 0), _enc_cfg_init(s["dec"], 1), s["src_vocab"],
                   s["tgt_vocab"], s["max_src"], s["max_tgt"], POS_ENUM[s["position"]],
                   c_float(s["embed_scale"]), int(s.get("src_embed_norm") is not None),
                   s["src_d_in"], s["src_patch"], s["src_channels"], s["src_image_h"],
                   s["src_image_w"], s["src_cls_token"], s["src_segments"]))
    out.append("%s\n%s,\n%s},\n%s},\n%s};\n" % (
        _decl("attn_seq2seq_weights_f32", "%s_weights" % name),
        _join([ref["src_embed"], ref["tgt_embed"], ref["src_pos"], ref["tgt_pos"]], "    ",
              "    "),
        _join(["%s_enc_layers" % name, "%s_N_ENC_LAYERS" % up,
               "%d /*final norm*/" % int(s["enc_norm"] is not None), enc_norm[0], enc_norm[1]],
              "    {", "     "),
        _join(["%s_dec_layers" % name, "%s_N_DEC_LAYERS" % up,
               "%d /*final norm*/" % int(s["dec_norm"] is not None), dec_norm[0], dec_norm[1]],
              "    {", "     "),
        _join([ref["out_w"], ref["out_b"], ref["src_norm_w"], ref["src_norm_b"],
               ref["tgt_norm_w"], ref["tgt_norm_b"]] +
              [ref[k] if ref[k] != "NULL" else "NULL /*%s*/" % k
               for k in ("src_embed_w", "src_embed_b", "src_cls_token", "src_segment_embed")],
              "    ", "    ")))
    out.append("\n#endif /* %s_MODEL_H */\n" % up)
    return _finish("".join(out), once=True)


def lm_header(model, name, eos=None, source=None):
    """The text export_lm writes (see the module docstring)."""
    check_schema()
    name = _c_name(name)
    s = describe_lm(model)
    up = name.upper()
    d = s["d_model"]
    if eos is not None:
        eos = _token_macro(eos, "eos")
        if not 0 <= eos < s["vocab"]:
            raise ValueError("eos %d is outside the vocabulary (0..%d)" % (eos, s["vocab"] - 1))
    arrays = []

    def add(suffix, arr, comment):
        if arr is None:
            return "NULL"
        cname = "%s_%s" % (name, suffix)
        arrays.append((cname, arr, comment))
        return cname

    embed = add("embed", s["embed"], "embed.weight [vocab][d_model]")
    pos = add("pos", s["pos"], "pos: learned positions [max_len][d_model]")
    inits, norm = _stack_arrays(add, "", "encoder", s["layers"], s["norm"], d, False)
    out_w = add("out_w", s["out_w"], "out.weight [vocab][d_model]")
    out_b = add("out_b", s["out_b"], "out.bias [vocab]")
    norm_g, norm_b = s.get("embed_norm") or (None, None)  # the embedding LayerNorm
    norm_g = add("embed_norm_w", norm_g, "embed_norm.weight [d_model]")
    norm_b = add("embed_norm_b", norm_b, "embed_norm.bias [d_model]")
    weight_bytes = sum(int(a.size) * 4 for _, a, _ in arrays)
    summary = ("decoder-only, d_model %d; nn.Embedding(%d) tokens%s, %s (max_len %d); %s, "
               "causal; Linear(%d -> %d), EOS %s" % (
                   d, s["vocab"], "" if s["embed_scale"] == 1.0
                   else " times %.9g" % s["embed_scale"],
                   {"learned": "learned positions", "sinusoidal": "sinusoidal positions",
                    None: "no positions"}[s["position"]] +
                   (", then an embedding LayerNorm" if s.get("embed_norm") is not None else ""),
                   s["max_len"],
                   _stack_summary(s["cfg"], len(s["layers"]), s["norm"], "encoder"), d,
                   s["vocab"], eos))
    usage = "\n".join([
        "       static uint8_t cache_buf[%s_CACHE_BYTES] ATTN_ALIGNED;" % up,
        "       static uint8_t arena_buf[%s_SCRATCH_BYTES] ATTN_ALIGNED;" % up,
        "       attn_arena store, arena; attn_kv_cache cache; int out[%s_MAX_LEN], n;" % up,
        "       attn_arena_init(&store, cache_buf, sizeof cache_buf);",
        "       attn_kv_cache_init_f32(&cache, %s_N_LAYERS, %s_D_MODEL, %s_MAX_LEN, 0, &store);"
        % (up, up, up),
        "       attn_arena_init(&arena, arena_buf, sizeof arena_buf);",
        "       attn_lm_greedy_f32(out, &n, max_out, prompt, prompt_len, %s, &cache,"
        % ("%s_EOS" % up if eos is not None else "-1"),
        "                          &%s_cfg, &%s_weights, &arena);" % (name, name),
        "   prompt: int [prompt_len] token ids (>= 1); at most max_out new tokens (EOS not",
        "   stored), prompt_len - 1 + max_out <= %s_MAX_LEN. One token at a time:" % up,
        "   attn_lm_step_f32 (logits [%s_VOCAB])." % up])
    out = [_head_block(name, up, "decoder-only model (tools/export.py DecoderLM)", summary, usage,
                       source)]
    macros = [
        ("D_MODEL", d, "embedding width"),
        ("N_HEADS", s["n_heads"], "attention heads"),
        ("D_FF", s["d_ff"], "feed-forward hidden width"),
        ("N_LAYERS", len(s["layers"]), "layers (causal)"),
        ("VOCAB", s["vocab"], "tokens (logits per step)"),
        ("MAX_LEN", s["max_len"], "longest sequence (cache)")]
    if eos is not None:
        macros.append(("EOS", eos, "the end token"))
    macros += [
        ("WEIGHT_BYTES", weight_bytes, "bytes of the float arrays below (flash)"),
        ("CACHE_BYTES", "ATTN_KV_CACHE_BYTES_F32(%s_N_LAYERS, %s_MAX_LEN, 0, %s_D_MODEL)"
         % (up, up, up), "the KV cache (attn_kv_cache_init_f32)"),
        ("SCRATCH_BYTES", "ATTN_LM_SCRATCH_F32(%s_MAX_LEN, %s_D_MODEL, %s_D_FF, %s_VOCAB)"
         % (up, up, up, up), "the arena of attn_lm_*_f32")]
    out.append(_macro_block(up, macros))
    out.append("\n/* PyTorch layouts (attention.h CONVENTIONS); const, so in flash */\n")
    for cname, arr, comment in arrays:
        _float_array(out, cname, arr, comment)
    out.append("\n%s\n%s\n};\n" % (_decl("attn_encoder_layer_weights_f32",
                                           "%s_layers[%s_N_LAYERS]" % (name, up)),
                                     "\n".join(inits)))
    out.append("static const attn_lm_cfg %s_cfg = {\n    %s,\n"
               "    %d /*vocab*/, %d /*max_len*/, %s, %s /*embed_scale*/, %d /*embed_norm*/};\n" % (
                   name, _enc_cfg_init(s["cfg"], 1), s["vocab"], s["max_len"],
                   POS_ENUM[s["position"]], c_float(s["embed_scale"]),
                   int(s.get("embed_norm") is not None)))
    out.append("%s\n%s,\n%s},\n%s};\n" % (
        _decl("attn_lm_weights_f32", "%s_weights" % name),
        _join([embed, pos], "    ", "    "),
        _join(["%s_layers" % name, "%s_N_LAYERS" % up,
               "%d /*final norm*/" % int(s["norm"] is not None), norm[0], norm[1]],
              "    {", "     "),
        _join([out_w, out_b, norm_g, norm_b], "    ", "    ")))
    out.append("\n#endif /* %s_MODEL_H */\n" % up)
    return _finish("".join(out), once=True)


# ---- building and running the C side -------------------------------------------

# Flags of every C build below (the library object, the runner, the
# quantizer); C_WARN is added to the runner's and the quantizer's (the tests
# set it to -Wall -Wextra -Wpedantic -Werror ... to hold the generated C to them).
C_FLAGS = ["-std=c99", "-O2"]
C_WARN = []
_IMPL_CACHE = {}


def _run(cmd, what, cwd=None):
    import subprocess
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s%s" % (what, r.returncode, r.stderr,
                                                           r.stdout[-2000:]))
    return r.stdout


def _impl_object(c_compiler, repo):
    """attention.h's implementation compiled once per process (and per
    compiler and attention.h version): the object file's path."""
    import atexit
    import shutil
    import tempfile
    h = os.path.join(repo, "attention.h")
    st = os.stat(h)
    key = (c_compiler, os.path.abspath(repo), st.st_mtime_ns, st.st_size, tuple(C_FLAGS))
    if key not in _IMPL_CACHE or not os.path.exists(_IMPL_CACHE[key]):
        tmp = tempfile.mkdtemp(prefix="attn_impl_")
        atexit.register(shutil.rmtree, tmp, True)
        src = os.path.join(tmp, "impl.c")
        with open(src, "w") as fh:
            fh.write('#define ATTN_IMPLEMENTATION\n#include "attention.h"\n')
        obj = os.path.join(tmp, "impl.o")
        _run([c_compiler] + C_FLAGS + ["-I" + repo, "-c", src, "-o", obj],
             "compiling attention.h with %s" % c_compiler)
        _IMPL_CACHE[key] = obj
    return _IMPL_CACHE[key]


def _build(c_compiler, repo, tmp, source, exe, defines=()):
    """source (tools/...) + the library object -> exe, with tmp on the include path."""
    obj = _impl_object(c_compiler, repo)
    cmd = ([c_compiler] + C_FLAGS + C_WARN + ["-D" + x for x in defines] +
           ["-I" + repo, "-I" + tmp, os.path.join(repo, "tools", source), obj, "-lm", "-o", exe])
    _run(cmd, "building tools/%s" % source)


def _int_rows(rows, width):
    """C initialiser rows of ints, padded with 0 to width."""
    return wrap(["{%s}" % ", ".join(str(v) for v in (list(r) + [0] * (width - len(r))))
                 for r in rows])


def _int_list(vals):
    return wrap([str(int(v)) for v in vals])


def _samples_header(src, max_out, bos, eos, fed=None, inputs=None, segments=None):
    """rs_samples.h for tools/run_seq2seq.c: src, token id lists; or with
    inputs (float arrays, features or images, one per sample) their rows;
    segments: segment id lists beside token ids, or None."""
    n = len(src)
    lens = [len(r) for r in src] if inputs is None else [int(k) for k in src]
    width = max(lens)
    out = ["#define RS_N %d\n#define RS_WIDTH %d\n#define RS_BOS %d\n#define RS_EOS %d\n"
           % (n, width, bos, -1 if eos is None else eos)]
    if inputs is None:
        out.append("static const int rs_src[RS_N][RS_WIDTH] = {\n%s\n};\n" % _int_rows(src, width))
    else:
        flat = [np.asarray(a, dtype=np.float32).reshape(-1) for a in inputs]
        iw = max(a.size for a in flat)
        out.append("#define RS_INPUT 1\n#define RS_IN_WIDTH %d\n" % iw)
        out.append("static const float rs_input[RS_N][RS_IN_WIDTH] = {\n%s\n};\n" % "\n".join(
            "    {\n%s\n    }," % wrap([c_float(v) for v in a], indent="        ") for a in flat))
        out.append("static const int rs_input_n[RS_N] = {\n%s\n};\n"
                   % _int_list([a.size for a in flat]))
    if segments is not None:
        out.append("#define RS_SEG 1\nstatic const int rs_seg[RS_N][RS_WIDTH] = {\n%s\n};\n"
                   % _int_rows(segments, width))
    out += ["static const int rs_src_len[RS_N] = {\n%s\n};\n" % _int_list(lens),
            "static const int rs_max_out[RS_N] = {\n%s\n};\n" % _int_list(max_out)]
    if fed is not None:
        fw = max(len(r) for r in fed)
        out.append("#define RS_FED 1\n#define RS_FED_WIDTH %d\n" % fw)
        out.append("static const int rs_fed[RS_N][RS_FED_WIDTH] = {\n%s\n};\n" % _int_rows(fed, fw))
        out.append("static const int rs_fed_len[RS_N] = {\n%s\n};\n"
                   % _int_list([len(r) for r in fed]))
    return "".join(out)


def _include(path):
    """#include of a generated header, in the file that defines its data
    (NAME_MODEL_IMPLEMENTATION, from its include guard; see define_once)."""
    with open(path) as fh:
        m = re.search(r"^#ifndef (\w+)_H$", fh.read(), re.M)
    impl = "#define %s_IMPLEMENTATION\n" % m.group(1) if m else ""
    return '%s#include "%s"\n' % (impl, os.path.abspath(path))


def _model_macros(kind, name, up, front=False, cfg=None):
    """The rs_input.h / qs_input.h macros naming the float model (front: an
    encoder-decoder whose source has a front end; cfg: the configuration's
    name, default the float header's)."""
    m = ["#define RS_FRONT 1"] if front else []
    m += ["#define RS_CFG %s" % (cfg or name + "_cfg"), "#define RS_W %s_weights" % name,
         "#define RS_D %s_D_MODEL" % up,
         "#define RS_CACHE_F32 %s_CACHE_BYTES" % up, "#define RS_SCRATCH_F32 %s_SCRATCH_BYTES" % up]
    if kind == "lm":
        m += ["#define RS_LM 1", "#define RS_VOCAB %s_VOCAB" % up,
              "#define RS_LAYERS %s_N_LAYERS" % up, "#define RS_MAX_LEN %s_MAX_LEN" % up,
              "#define RS_MAX_MEM 0"]
    else:
        m += ["#define RS_VOCAB %s_TGT_VOCAB" % up, "#define RS_LAYERS %s_N_DEC_LAYERS" % up,
              "#define RS_MAX_LEN %s_MAX_TGT" % up, "#define RS_MAX_MEM %s_MAX_SRC" % up]
    return "\n".join(m) + "\n"


def _parse_run(text):
    """tools/run_seq2seq.c's output -> dict."""
    res = {"f32": {"greedy": {}, "logits": {}}, "s8": {"greedy": {}, "logits": {}},
           "encoding": None, "bytes": [], "lines": {"f32": [], "s8": []}}
    for line in text.splitlines():
        p = line.split()
        if len(p) >= 4 and p[0] in ("f32", "s8") and p[1] in ("greedy", "logits"):
            res["lines"][p[0]].append(line)
            s, k = int(p[2]), int(p[3])
            if p[1] == "greedy":
                res[p[0]]["greedy"][s] = [int(t) for t in p[4:4 + k]]
            else:
                conv = float if p[0] == "f32" else int
                res[p[0]]["logits"].setdefault(s, []).append(
                    np.array([conv(v) for v in p[4:]], dtype=np.float64))
        elif p[:2] == ["s8", "encoding"]:
            res["encoding"] = (float(p[2]), int(p[3]))
            res["lines"]["s8"].append(line)
        elif p and p[0] == "bytes":
            res["bytes"].append(line)
    return res


def _default_sources(n, max_len, vocab, seed, longest=None):
    """n source sequences: lengths from 1 to `longest` (max_len), random ids."""
    rng = np.random.RandomState(seed)
    longest = max_len if longest is None else min(longest, max_len)
    lens = sorted(set([1, longest] + [int(v) for v in np.linspace(1, longest, n)]))
    while len(lens) < n:
        lens.append(int(rng.randint(1, longest + 1)))
    return [[int(t) for t in rng.randint(0, vocab, size=k)] for k in lens[:n]]


def _src_spec(s):
    """What a Seq2Seq's sources look like, from describe_seq2seq's dict or a
    float header's macros: front ("tokens", "features", "patches"), max_rows
    (input rows: max_src less the CLS row), vocab, d_in, image (C, H, W) or
    None, patches, segments (the segment table's rows), cls, front_end (the
    source has any front end: attn_seq2seq_encode_ex_*)."""
    if "src_front" in s:  # describe_seq2seq
        front, cls, segs = s["src_front"], s["src_cls_token"], s["src_segments"]
        image = (s["src_channels"], s["src_image_h"], s["src_image_w"]) if s["src_patch"] else None
        spec = dict(front=front, max_rows=s["max_src"] - cls, vocab=s["src_vocab"],
                    d_in=s["src_d_in"], image=image, patches=s["src_patches"], segments=segs,
                    cls=cls)
    else:  # the header's macros (the front-end ones only with a front end)
        cls, segs, d_in = s.get("SRC_CLS_TOKEN", 0), s.get("SRC_SEGMENTS", 0), s.get("SRC_D_IN", 0)
        image = (s["SRC_CHANNELS"], s["SRC_IMAGE_H"], s["SRC_IMAGE_W"]) if s.get("SRC_PATCH") \
            else None
        spec = dict(front="patches" if image else "features" if d_in else "tokens",
                    max_rows=s["MAX_SRC"] - cls, vocab=s["SRC_VOCAB"], d_in=d_in, image=image,
                    patches=s.get("SRC_PATCHES", 0), segments=segs, cls=cls)
    spec["front_end"] = spec["front"] != "tokens" or bool(cls) or bool(segs)
    return spec


def _float_sources(xs, what, spec):
    """Feature ([rows, d_in], 1..max_rows rows) or image ([C, H, W]) sources
    -> a list of float32 arrays; ValueError naming the first that does not fit."""
    if xs is None:
        raise ValueError("%s: no sources given" % what)
    out = []
    for i, x in enumerate(xs):
        a = np.asarray(x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x)
        if not np.issubdtype(a.dtype, np.number) or np.issubdtype(a.dtype, np.complexfloating):
            raise ValueError("%s[%d] must be real numbers, not %s" % (what, i, a.dtype))
        a = a.astype(np.float32)
        if spec["front"] == "patches":
            if a.shape != tuple(spec["image"]):
                raise ValueError("%s[%d] is %s; the model's source is one image %s (channels, "
                                 "height, width)" % (what, i, list(a.shape), list(spec["image"])))
        elif a.ndim != 2 or a.shape[1] != spec["d_in"] or not 1 <= a.shape[0] <= spec["max_rows"]:
            raise ValueError("%s[%d] is %s; the model's source is features [rows, %d], 1..%d rows"
                             % (what, i, list(a.shape), spec["d_in"], spec["max_rows"]))
        if not np.all(np.isfinite(a)):
            raise ValueError("%s[%d] has NaN or infinite values" % (what, i))
        out.append(a)
    if not out:
        raise ValueError("%s is empty" % what)
    return out


def _segment_rows(segments, srcs, n_segments, what):
    """Segment id lists, one per token source and as long, each id in
    0..n_segments-1; ValueError else."""
    if n_segments == 0:
        raise ValueError("%s given, but the model has no src_segment_embed" % what)
    rows = [_token_list(x, "%s[%d]" % (what, i)) for i, x in enumerate(segments)]
    if len(rows) != len(srcs):
        raise ValueError("%d %s lists for %d sources" % (len(rows), what, len(srcs)))
    for i, (r, x) in enumerate(zip(rows, srcs)):
        if len(r) != len(x):
            raise ValueError("%s[%d] has %d ids for a source of %d tokens"
                             % (what, i, len(r), len(x)))
        bad = [v for v in r if not 0 <= v < n_segments]
        if bad:
            raise ValueError("%s[%d] has segment %d outside the segment table (0..%d)"
                             % (what, i, bad[0], n_segments - 1))
    return rows


def _default_seq2seq_sources(spec, seed=0):
    """Verification sources for a Seq2Seq: (sources, segments or None)."""
    rng = np.random.RandomState(seed)
    if spec["front"] == "tokens":
        src = _default_sources(6, spec["max_rows"], spec["vocab"], seed)
        segs = [[int(v) for v in rng.randint(0, spec["segments"], size=len(x))] for x in src] \
            if spec["segments"] else None
        return src, segs
    if spec["front"] == "patches":
        return [rng.randn(*spec["image"]).astype(np.float32) for _ in range(4)], None
    lens = sorted(set([1, spec["max_rows"]] + [int(v) for v in
                                               np.linspace(1, spec["max_rows"], 6)]))
    return [rng.randn(k, spec["d_in"]).astype(np.float32) for k in lens], None


def _first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def _verify_float(kind, model, header_path, name, samples, bos, eos, max_out, reference,
                  c_compiler, repo, log, segments=None):
    """Runs the float header's greedy decoding and step logits in C on the
    samples (a Seq2Seq's: token id lists, with segments= their segment ids;
    features [rows, d_in] or images [C, H, W]) and compares them with the
    PyTorch model: RuntimeError unless the tokens are identical and every
    logit within 1e-5 * max(1, |PyTorch's|). Returns a summary dict."""
    import tempfile
    name = _c_name(name)
    up = name.upper()
    src, fed, want, outs = [], [], [], []
    spec = _src_spec(describe_seq2seq(model)) if kind == "seq2seq" else None
    segs = None
    if kind == "lm":
        xs = _calib_rows(samples, "samples", model.max_len, int(model.embed.num_embeddings))
    elif spec["front"] == "tokens":
        xs = _calib_rows(samples, "samples", spec["max_rows"], spec["vocab"])
        if segments is not None:
            segs = _segment_rows(segments, xs, spec["segments"], "segments")
    else:
        if segments is not None:
            raise ValueError("segments= are for token sources; this model's are %s"
                             % spec["front"])
        xs = _float_sources(samples, "samples", spec)
    for i, x in enumerate(xs):
        if kind == "seq2seq":
            seg = segs[i] if segs is not None else None
            mo = model.max_tgt if max_out is None else int(max_out)
            tokens = model.greedy(x, bos, eos, mo, segments=seg)
            path = ([bos] + tokens)[:mo]
            logits = model.step_logits(x, path, segments=seg)
        else:
            room = model.max_len - len(x) + 1
            if room < 1:
                raise ValueError("samples[%d] has %d tokens; max_len is %d" % (i, len(x),
                                                                               model.max_len))
            mo = room if max_out is None else min(int(max_out), room)
            tokens = model.greedy(x, eos, mo)
            path = (x + tokens)[:len(x) + mo - 1]
            logits = model.step_logits(path)
        if reference is not None:
            _check_reference(kind, reference, x, path, logits, i,
                             model if kind == "seq2seq" else None,
                             segs[i] if segs is not None else None)
        src.append(x)
        fed.append(path)
        want.append((tokens, logits))
        outs.append(mo)
    with tempfile.TemporaryDirectory(prefix="attn_verify_") as tmp:
        with open(os.path.join(tmp, "rs_samples.h"), "w") as fh:
            if spec is not None and spec["front"] != "tokens":
                rows = [spec["patches"] if spec["front"] == "patches" else a.shape[0]
                        for a in src]
                fh.write(_samples_header(rows, outs, bos, eos, fed, inputs=src))
            else:
                fh.write(_samples_header(src, outs, bos if bos is not None else 0, eos, fed,
                                         segments=segs))
        with open(os.path.join(tmp, "rs_input.h"), "w") as fh:
            fh.write('%s#include "rs_samples.h"\n%s'
                     % (_include(header_path),
                        _model_macros(kind, name, up, spec is not None and spec["front_end"])))
        exe = os.path.join(tmp, "run")
        _build(c_compiler, repo, tmp, "run_seq2seq.c", exe, ["RS_NO_IMPLEMENTATION"])
        got = _parse_run(_run([exe], "the C runner (tools/run_seq2seq.c)"))
    worst = (0.0, None)
    n_logits = 0
    for i, (tokens, logits) in enumerate(want):
        c = got["f32"]["logits"].get(i, [])
        if len(c) != len(logits):
            raise RuntimeError("sample %d: the C runner printed %d steps of logits, expected %d"
                               % (i, len(c), len(logits)))
        for k, (cl, pl) in enumerate(zip(c, logits)):
            err = np.abs(cl - pl) / np.maximum(1.0, np.abs(pl))
            j = int(np.argmax(err))
            n_logits += err.size
            if err[j] > worst[0] or worst[1] is None:
                worst = (float(err[j]), (i, k, j, float(cl[j]), float(pl[j])))
    if worst[0] > 1e-5:
        i, k, j, cv, pv = worst[1]
        raise RuntimeError("the C model's logits differ from PyTorch's: largest difference %.3g "
                           "(relative to max(1, |logit|)) at sample %d, step %d, logit %d: C "
                           "%.9g, PyTorch %.9g; the bound is 1e-5" % (worst[0], i, k, j, cv, pv))
    for i, (tokens, logits) in enumerate(want):
        c = got["f32"]["greedy"].get(i)
        if c != tokens:
            k = _first_difference(c or [], tokens)
            step = k + (len(src[i]) - 1 if kind == "lm" else 0)
            note = ""
            if c is not None and step < len(logits):
                top = np.argsort(-logits[step])[:2]
                note = " (PyTorch's logits there: %d %.9g, %d %.9g)" % (
                    top[0], logits[step][top[0]], top[1], logits[step][top[1]])
            raise RuntimeError("sample %d: C's greedy tokens %s differ from PyTorch's %s from "
                               "token %d%s" % (i, c, tokens, k, note))
    summary = dict(samples=len(src), steps=sum(len(f) for f in fed), logits=n_logits,
                   max_rel_err=worst[0], tokens=[t for t, _ in want], bytes=got["bytes"])
    log("verified %s: %d samples, %d steps: greedy tokens identical to PyTorch's, logits within "
        "%.2g of PyTorch's (relative to max(1, |logit|); bound 1e-5)"
        % (os.path.basename(header_path), summary["samples"], summary["steps"], worst[0]))
    return summary


def _check_reference(kind, reference, src, path, logits, i, model=None, segments=None):
    """The user's own model (callable) against the exported computation."""
    ref_mod = reference if isinstance(reference, nn.Module) else None
    ctx = _eval_mode(ref_mod) if ref_mod is not None else _nullcontext()
    with ctx, torch.enable_grad():  # autograd on: PyTorch's reference path
        if kind == "seq2seq":
            x, seg = model.source_tensors(src, segments)
            tgt = torch.tensor([path], dtype=torch.long)
            r = reference(x, tgt) if seg is None else reference(x, tgt, seg)
        else:
            r = reference(torch.tensor([path], dtype=torch.long))
    r = r.detach().to(torch.float32).numpy()[0]
    if r.shape != logits.shape:
        raise RuntimeError("reference returned logits of shape %s, expected %s"
                           % (list(r.shape), list(logits.shape)))
    err = np.abs(r - logits) / np.maximum(1.0, np.abs(logits))
    k, j = np.unravel_index(int(np.argmax(err)), err.shape)
    if err[k, j] > 1e-5:
        raise RuntimeError("the model given as reference computes other logits than the "
                           "exported one: %.3g at sample %d, step %d, logit %d (reference %.9g, "
                           "export %.9g)" % (err[k, j], i, k, j, r[k, j], logits[k, j]))


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def export_seq2seq(model, path, name, *, bos, eos=None, samples=None, max_out=None,
                   verify=True, reference=None, c_compiler="cc", source=None,
                   repo=os.path.join(HERE, os.pardir), log=print, segments=None):
    """Write the C header of Seq2Seq `model` to `path` (symbols prefixed
    `name`), then verify it: a C program built with c_compiler runs the
    header's greedy decoding (bos first; eos or None) and step logits on
    `samples` (source sequences; default: 6 random ones of lengths 1 to
    max_src; a source with a front end: features [rows, d_in] or images [C,
    H, W], default random ones; segments= the samples' segment ids, None:
    all 0 (default samples: random ones)) and compares them with the
    model's greedy() and logits: tokens identical, logits within 1e-5 *
    max(1, |PyTorch's|), else RuntimeError; a front end runs as
    attn_seq2seq_encode_ex_f32 + attn_seq2seq_generate_f32.
    reference: optionally the user's own model (a callable (src [1, S], tgt
    [1, T]) -> logits [1, T, tgt_vocab]; with segments (src, tgt,
    segments)), compared with the export on the
    samples and their greedy paths within the same bound (with autograd on:
    PyTorch's reference path; an nn.Module in eval mode, its modes restored);
    a reference that masks padding tokens differs where one is fed (keep
    them out of the samples). ValueError if attention.h cannot run the model
    exactly. Returns the header text."""
    text = seq2seq_header(model, name, bos, eos, source)
    _write(path, text)
    if verify:
        if samples is None:
            if segments is not None:
                raise ValueError("segments= go with samples=")
            samples, segments = _default_seq2seq_sources(_src_spec(describe_seq2seq(model)))
        _verify_float("seq2seq", model, path, name, samples, bos, eos, max_out, reference,
                      c_compiler, os.path.abspath(repo), log, segments=segments)
    return text


def export_lm(model, path, name, *, eos=None, samples=None, max_out=None, verify=True,
              reference=None, c_compiler="cc", source=None, repo=os.path.join(HERE, os.pardir),
              log=print):
    """The same for DecoderLM `model`: samples are prompts (default: random
    ones of 1 to 3 tokens), reference a callable (tokens) -> logits."""
    text = lm_header(model, name, eos, source)
    _write(path, text)
    if verify:
        if samples is None:
            samples = _default_sources(4, model.max_len, int(model.embed.num_embeddings), 0,
                                       longest=3)
        _verify_float("lm", model, path, name, samples, None, eos, max_out, reference,
                      c_compiler, os.path.abspath(repo), log)
    return text


# ---- int8 ----------------------------------------------------------------------


def _calib_rows(seqs, what, width, vocab):
    rows = []
    for i, x in enumerate(seqs):
        r = _token_list(x, "%s[%d]" % (what, i))
        if len(r) > width:
            raise ValueError("%s[%d] has %d tokens; at most %d fit" % (what, i, len(r), width))
        bad = [t for t in r if not 0 <= t < vocab]
        if bad:
            raise ValueError("%s[%d] has token %d outside the vocabulary (0..%d)"
                             % (what, i, bad[0], vocab - 1))
        rows.append(r)
    if not rows:
        raise ValueError("%s is empty" % what)
    return rows


def _calib_text(name, up, what, arrays, checks, floats=None):
    """arrays: (c name, rows, width, comment[, False: no _len array]);
    checks: (macro, value); floats: a seq2seq's float sources (arrays, their
    rows, width): name_calib_input [n][width] and name_calib_src_len [n]."""
    out = ["""%s
   %s
#ifndef %s_CALIB_H
#define %s_CALIB_H

#define %s_N_CALIB %d
""" % (_para("%s_calib.h - generated by tools/export.py: calibration data for the int8 "
             "quantizer (tools/quantize_seq2seq.c); do not edit." % name, "/* "),
       _para(what + " */")[3:], up, up, up, len(arrays[0][1]))]
    for macro, val in checks:
        out.append("#define %s_CALIB_%s %d\n#if defined(%s_%s) && %s_%s != %d\n"
                   "#error \"%s_calib.h: made for another %s_%s\"\n#endif\n"
                   % (up, macro, val, up, macro, up, macro, val, name, up, macro))
    if floats is not None:
        xs, lens, width = floats
        body = "\n".join("    { /* %d */\n%s\n    }," % (
            i, wrap([c_float(v) for v in np.concatenate(
                [a.reshape(-1), np.zeros(width - a.size, np.float32)])], indent="        "))
            for i, a in enumerate(xs))
        out.append("\n/* %s */\nstatic const float %s_calib_input[%d][%d] = {\n%s\n};\n"
                   % ("source features [n][max_src * src_d_in] (rows past src_len: 0)"
                      if len(xs[0].shape) == 2 else "source images [n][channels * height * width]",
                      name, len(xs), width, body))
        out.append("static const int %s_calib_src_len[%d] = {\n%s\n};\n"
                   % (name, len(xs), _int_list(lens)))
    for entry in arrays:
        cname, rows, width, comment = entry[:4]
        out.append("\n/* %s */\nstatic const int %s_calib_%s[%d][%d] = {\n%s\n};\n"
                   % (comment, name, cname, len(rows), width, _int_rows(rows, width)))
        if len(entry) < 5 or entry[4]:
            out.append("static const int %s_calib_%s_len[%d] = {\n%s\n};\n"
                       % (name, cname, len(rows), _int_list([len(r) for r in rows])))
    out.append("\n#endif /* %s_CALIB_H */\n" % up)
    return _finish("".join(out))


def seq2seq_calibration_header(model, src, tgt, name, segments=None):
    """The text export_seq2seq_calibration writes."""
    name = _c_name(name)
    s = describe_seq2seq(model)
    spec = _src_spec(s)
    trows = _calib_rows(tgt, "tgt", s["max_tgt"], s["tgt_vocab"])
    checks = [("MAX_SRC", s["max_src"]), ("MAX_TGT", s["max_tgt"])]
    if spec["front_end"]:
        checks += [("SRC_D_IN", s["src_d_in"]), ("SRC_CLS_TOKEN", s["src_cls_token"]),
                   ("SRC_SEGMENTS", s["src_segments"])]
    tgt_array = ("tgt", trows, s["max_tgt"], "decoder inputs [n][max_tgt], BOS first")
    if spec["front"] == "tokens":
        srows = _calib_rows(src, "src", spec["max_rows"], s["src_vocab"])
        arrays = [("src", srows, s["max_src"], "source tokens [n][max_src]"), tgt_array]
        if segments is not None:
            arrays.insert(1, ("seg", _segment_rows(segments, srows, spec["segments"], "segments"),
                              s["max_src"], "source segment ids [n][max_src]", False))
        floats, what = None, "token ids"
    else:
        if segments is not None:
            raise ValueError("segments= are for token sources; this model's are %s"
                             % spec["front"])
        srows = _float_sources(src, "src", spec)
        if spec["front"] == "patches":
            floats = (srows, [spec["patches"]] * len(srows), int(np.prod(spec["image"])))
            what = "images [%d][%d][%d] (float32) and target token ids" % tuple(spec["image"])
        else:
            floats = (srows, [a.shape[0] for a in srows], s["max_src"] * s["src_d_in"])
            what = "features [rows][%d] (float32) and target token ids" % s["src_d_in"]
        arrays = [tgt_array]
    if len(srows) != len(trows):
        raise ValueError("%d source sequences but %d decoder inputs" % (len(srows), len(trows)))
    return _calib_text(name, name.upper(), "%d source sequences and their decoder inputs (BOS "
                       "first: teacher forcing), %s." % (len(srows), what), arrays, checks,
                       floats)


def export_seq2seq_calibration(model, src, tgt, path, name, segments=None):
    """Write calibration data for quantize_seq2seq: src, a list of source
    sequences (token ids, no padding), and tgt, their decoder inputs (BOS
    first, then the target tokens: teacher forcing), each a list, tuple, 1-D
    array or tensor. Symbols: NAME_N_CALIB, name_calib_src[n][max_src],
    name_calib_src_len[n], name_calib_tgt[n][max_tgt], name_calib_tgt_len[n].
    A source with a front end: segments= the token sources' segment ids
    (name_calib_seg[n][max_src]; None: all 0); features [rows, d_in] or
    images [C, H, W] as src: float name_calib_input[n][max_src * d_in]
    (or [n][C * H * W]) instead of name_calib_src (their rows in
    name_calib_src_len: an image's patches). Returns the text."""
    text = seq2seq_calibration_header(model, src, tgt, name, segments)
    _write(path, text)
    return text


def lm_calibration_header(model, seqs, name):
    """The text export_lm_calibration writes."""
    name = _c_name(name)
    s = describe_lm(model)
    rows = _calib_rows(seqs, "seqs", s["max_len"], s["vocab"])
    return _calib_text(name, name.upper(), "%d token sequences." % len(rows),
                       [("seq", rows, s["max_len"], "token sequences [n][max_len]")],
                       [("MAX_LEN", s["max_len"])])


def export_lm_calibration(model, seqs, path, name):
    """Calibration data for quantize_lm: token sequences (1..max_len tokens
    each). Symbols: NAME_N_CALIB, name_calib_seq[n][max_len],
    name_calib_seq_len[n]. Returns the text."""
    text = lm_calibration_header(model, seqs, name)
    _write(path, text)
    return text


def _header_macros(path, up):
    with open(path) as fh:
        text = fh.read()
    return {k: int(v) for k, v in re.findall(r"^#define %s_(\w+) (-?\d+)\b" % up, text, re.M)}


def _calib_arrays(path, name):
    """name_calib_X[n][w] and name_calib_X_len[n] of a calibration header
    written by export_*_calibration -> {X: list of sequences}."""
    with open(path) as fh:
        text = fh.read()
    found = {}
    for cname, body in re.findall(r"static const int %s_calib_(\w+)\[\d+\]\[\d+\] = \{(.*?)\n\};"
                                  % name, text, re.S):
        rows = [[int(v) for v in r.split(",")] for r in re.findall(r"\{([^{}]*)\}", body)]
        lm = re.search(r"static const int %s_calib_%s_len\[\d+\] = \{(.*?)\};" % (name, cname),
                       text, re.S)
        if lm is None:  # (segment ids: as long as the sources)
            found[cname] = rows
            continue
        lens = [int(v) for v in lm.group(1).replace("\n", " ").split(",") if v.strip()]
        found[cname] = [r[:k] for r, k in zip(rows, lens)]
    fm = re.search(r"static const float %s_calib_input\[\d+\]\[\d+\] = \{(.*?)\n\};" % name,
                   text, re.S)
    if fm is not None:  # float sources: [values of the row] each, and their rows
        body = re.sub(r"/\*.*?\*/", "", fm.group(1), flags=re.S)
        found["input"] = [np.array([float(v.strip().rstrip("f")) for v in r.split(",")
                                    if v.strip()], dtype=np.float32)
                          for r in re.findall(r"\{([^{}]*)\}", body)]
        lm = re.search(r"static const int %s_calib_src_len\[\d+\] = \{(.*?)\};" % name, text,
                       re.S)
        found["input_len"] = [int(v) for v in lm.group(1).replace("\n", " ").split(",")
                              if v.strip()]
    return found


def _levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _quantize_tokens(kind, model_header_path, calib_header_path, out_path, name, samples,
                     max_out, min_word_agreement, c_compiler, repo, log, segments=None):
    import tempfile
    name = _c_name(name)
    up = name.upper()
    repo = os.path.abspath(repo)
    macros = _header_macros(model_header_path, up)
    need = "SRC_VOCAB" if kind == "seq2seq" else "VOCAB"
    if need not in macros or ("TGT_VOCAB" in macros) != (kind == "seq2seq"):
        raise ValueError("%s is not the header of an exported %s model named %r"
                         % (model_header_path, "encoder-decoder" if kind == "seq2seq"
                            else "decoder-only", name))
    calib = _calib_arrays(calib_header_path, name)
    spec, inputs, segs = None, None, None
    if kind == "seq2seq":
        spec = _src_spec(macros)
        tokens = spec["front"] == "tokens"
        if ("src" if tokens else "input") not in calib or "tgt" not in calib:
            raise ValueError("%s has no %s_calib_%s / _tgt arrays (a model with %s sources)"
                             % (calib_header_path, name, "src" if tokens else "input",
                                spec["front"]))
        what = "calibration sources" if samples is None else "samples"
        if tokens:
            src = calib["src"] if samples is None else _calib_rows(samples, "samples",
                                                                    spec["max_rows"],
                                                                    spec["vocab"])
            if samples is None and "seg" in calib:
                segs = [r[:len(x)] for r, x in zip(calib["seg"], src)]
            elif samples is not None and segments is not None:
                segs = _segment_rows(segments, src, spec["segments"], "segments")
        else:
            if segments is not None:
                raise ValueError("segments= are for token sources; this model's are %s"
                                 % spec["front"])
            if samples is None:
                if spec["front"] == "patches":
                    inputs = [a.reshape(spec["image"]) for a in calib["input"]]
                else:
                    inputs = [a[:k * spec["d_in"]].reshape(k, spec["d_in"])
                              for a, k in zip(calib["input"], calib["input_len"])]
            else:
                inputs = _float_sources(samples, "samples", spec)
            src = [spec["patches"] if spec["front"] == "patches" else a.shape[0] for a in inputs]
        mo = macros["MAX_TGT"] if max_out is None else int(max_out)
        outs = [mo] * len(src)
        if "BOS" not in macros:
            raise ValueError("%s has no %s_BOS (export_seq2seq writes it)"
                             % (model_header_path, up))
        bos, eos = macros["BOS"], macros.get("EOS")
        qs = ["#define QS_SRC %s_calib_src" % name if tokens else
              "#define QS_INPUT %s_calib_input" % name,
              "#define QS_SRC_LEN %s_calib_src_len" % name,
              "#define QS_TGT %s_calib_tgt" % name, "#define QS_TGT_LEN %s_calib_tgt_len" % name]
        if "seg" in calib:
            qs.append("#define QS_SEG %s_calib_seg" % name)
        s8_sizes = ["#define RS_CACHE_S8 ATTN_KV_CACHE_BYTES_S8(%s_N_DEC_LAYERS, %s_MAX_TGT, "
                    "%s_MAX_SRC, %s_D_MODEL)" % (up, up, up, up),
                    "#define RS_SCRATCH_S8 ATTN_SEQ2SEQ_SCRATCH_S8(%s_MAX_SRC, %s_MAX_TGT, "
                    "%s_D_MODEL, %s_D_FF, %s_TGT_VOCAB)" % (up, up, up, up, up)
                    if not spec["front_end"] else
                    "#define RS_SCRATCH_S8 ATTN_SEQ2SEQ_SCRATCH_EX_S8(%s_MAX_SRC, %s_MAX_TGT, "
                    "%s_D_MODEL, %s_D_FF, %s_TGT_VOCAB, %s)"
                    % (up, up, up, up, up, "%s_SRC_D_IN" % up if spec["image"] else "0")]
    else:
        if "seq" not in calib:
            raise ValueError("%s has no %s_calib_seq array" % (calib_header_path, name))
        what = "prompts from the calibration sequences (their first halves)" \
            if samples is None else "samples"
        src = [s[:max(1, len(s) // 2)] for s in calib["seq"]] if samples is None else \
            _calib_rows(samples, "samples", macros["MAX_LEN"], macros["VOCAB"])
        outs = []
        for x in src:
            room = macros["MAX_LEN"] - len(x) + 1
            if room < 1:
                raise ValueError("a prompt of %d tokens leaves no room in MAX_LEN %d"
                                 % (len(x), macros["MAX_LEN"]))
            outs.append(room if max_out is None else min(room, int(max_out)))
        bos, eos = 0, macros.get("EOS")
        qs = ["#define QS_LM 1", "#define QS_SEQ %s_calib_seq" % name,
              "#define QS_SEQ_LEN %s_calib_seq_len" % name]
        s8_sizes = ["#define RS_CACHE_S8 ATTN_KV_CACHE_BYTES_S8(%s_N_LAYERS, %s_MAX_LEN, 0, "
                    "%s_D_MODEL)" % (up, up, up),
                    "#define RS_SCRATCH_S8 ATTN_LM_SCRATCH_S8(%s_MAX_LEN, %s_D_MODEL, %s_D_FF, "
                    "%s_VOCAB)" % (up, up, up, up)]
    front = spec is not None and spec["front_end"]
    with tempfile.TemporaryDirectory(prefix="attn_quant_") as tmp:
        with open(os.path.join(tmp, "rs_samples.h"), "w") as fh:
            fh.write(_samples_header(src, outs, bos, eos, inputs=inputs, segments=segs))
        with open(os.path.join(tmp, "qs_input.h"), "w") as fh:
            fh.write('%s%s#include "rs_samples.h"\n'
                     '#define QS_NAME "%s"\n#define QS_CFG %s_cfg\n#define QS_W %s_weights\n'
                     '#define QS_N_CALIB %s_N_CALIB\n#define QS_RUN 1\n%s\n%s%s\n%s'
                     % (_include(model_header_path), _include(calib_header_path),
                        name, name, name, up, "\n".join(qs), _model_macros(kind, name, up, front),
                        "\n".join(s8_sizes),
                        "".join("#ifdef %s_%s\n#define QS_%s %s_%s\n#endif\n" % (up, k, k, up, k)
                                for k in ("BOS", "EOS"))))
        exe = os.path.join(tmp, "quantize_seq2seq")
        _build(c_compiler, repo, tmp, "quantize_seq2seq.c", exe, ["QS_NO_IMPLEMENTATION"])
        text = _run([exe], "the quantizer (tools/quantize_seq2seq.c)")
        _write(out_path, text)
        made = _parse_run(_run([exe, "--run"], "the quantizer's run (tools/quantize_seq2seq.c)"))
        with open(os.path.join(tmp, "rs_input.h"), "w") as fh:
            # (the int8 header's configuration runs both: it must be the float one's)
            fh.write('%s%s#include "rs_samples.h"\n%s'
                     '#define RS_S8 %s_s8\n#define RS_CACHE_S8 %s_S8_CACHE_BYTES\n'
                     '#define RS_SCRATCH_S8 %s_S8_SCRATCH_BYTES\n'
                     % (_include(model_header_path), _include(out_path),
                        _model_macros(kind, name, up, front, name + "_s8_cfg"), name, up, up))
        run = os.path.join(tmp, "run")
        _build(c_compiler, repo, tmp, "run_seq2seq.c", run, ["RS_NO_IMPLEMENTATION"])
        got = _parse_run(_run([run], "the C runner (tools/run_seq2seq.c) on %s" % out_path))
    if got["lines"] != made["lines"]:
        a, b = got["lines"]["f32"] + got["lines"]["s8"], made["lines"]["f32"] + made["lines"]["s8"]
        k = _first_difference(a, b)
        raise RuntimeError("%s runs differently from the parameters the quantizer made (a defect "
                           "of tools/quantize_seq2seq.c's printing): first difference at output "
                           "line %d: %r, in memory %r" % (out_path, k, a[k] if k < len(a) else None,
                                                          b[k] if k < len(b) else None))
    n = len(src)
    same = sum(got["s8"]["greedy"][i] == got["f32"]["greedy"][i] for i in range(n))
    ref_tokens = sum(len(got["f32"]["greedy"][i]) for i in range(n))
    dist = sum(_levenshtein(got["s8"]["greedy"][i], got["f32"]["greedy"][i]) for i in range(n))
    scale, zp = got["encoding"]
    worst, span = 0.0, 0.0
    for i in range(n):
        for fl, ql in zip(got["f32"]["logits"][i], got["s8"]["logits"][i]):
            worst = max(worst, float(np.max(np.abs(scale * (ql - zp) - fl))))
            span = max(span, float(np.max(fl) - np.min(fl)))
    report = dict(text=text, samples=n, on=what, words_identical=same,
                  word_agreement=same / float(n),
                  token_error_rate=dist / float(max(1, ref_tokens)),
                  token_agreement=1.0 - dist / float(max(1, ref_tokens)),
                  max_logit_error=worst, logit_span=span, logit_scale=scale, logit_zp=zp,
                  bytes=got["bytes"], min_word_agreement=min_word_agreement)
    log("int8 %s against float on the %d %s: %d identical (%.1f%%), token error rate %.2f%% "
        "(Levenshtein / float tokens); logits within %.3g (the float logits span %.3g); the header "
        "runs bit-identically to the quantizer's parameters"
        % (os.path.basename(out_path), n, what, same, 100.0 * same / n,
           100.0 * report["token_error_rate"], worst, span))
    if report["word_agreement"] < min_word_agreement:
        raise RuntimeError("int8 %s: only %d of %d outputs (%.1f%%) identical to float's, below "
                           "min_word_agreement %.1f%%" % (out_path, same, n, 100.0 * same / n,
                                                          100.0 * min_word_agreement))
    return report


def quantize_seq2seq(model_header_path, calib_header_path, out_path, name, *, samples=None,
                     max_out=None, min_word_agreement=0.9, c_compiler="cc",
                     repo=os.path.join(HERE, os.pardir), log=print, segments=None):
    """Write the int8 header NAME_model_s8.h of an exported encoder-decoder
    to out_path: tools/quantize_seq2seq.c, built with c_compiler against the
    float header (export_seq2seq) and the calibration header
    (export_seq2seq_calibration), runs attn_quantize_seq2seq_s8 and prints
    it. Then checks it: the header, compiled, must decode bit-identically
    to the parameters the quantizer made in memory; and its greedy outputs
    on `samples` (source sequences, held-out data; default: the calibration
    sources) are compared with the float header's: RuntimeError when fewer
    than min_word_agreement of them are identical. A source with a front
    end: samples as export_seq2seq's (features, images; segments= beside
    token ids), the quantizer attn_quantize_seq2seq_ex_s8 (on the
    calibration header's float inputs or segment ids), the int8 runs
    attn_seq2seq_encode_ex_s8 (float inputs quantized at the model's
    src_in_scale / src_in_zp) + attn_seq2seq_generate_s8. Returns a report dict:
    text, samples, words_identical, word_agreement, token_error_rate
    (Levenshtein distance to float's tokens / float's tokens),
    token_agreement (1 - that), max_logit_error (dequantized int8 logits
    against float along float's path), logit_scale, logit_zp, bytes."""
    return _quantize_tokens("seq2seq", model_header_path, calib_header_path, out_path, name,
                            samples, max_out, min_word_agreement, c_compiler, repo, log,
                            segments)


def quantize_lm(model_header_path, calib_header_path, out_path, name, *, samples=None,
                max_out=None, min_word_agreement=0.9, c_compiler="cc",
                repo=os.path.join(HERE, os.pardir), log=print):
    """The same for an exported decoder-only model (attn_quantize_lm_s8;
    export_lm, export_lm_calibration); samples are prompts (default: the
    first half of each calibration sequence)."""
    return _quantize_tokens("lm", model_header_path, calib_header_path, out_path, name,
                            samples, max_out, min_word_agreement, c_compiler, repo, log)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def export_blob(model_header_path, out_path, name, *, s8_header_path=None, kind="model",
                c_compiler="cc"):
    """Write the model of a header as a model blob (attention.h MODEL BLOBS) to
    out_path, and return its bytes. The blob is made by attention.h's own
    writer: tools/blob_model.c is built with c_compiler against the float
    model header (export_model: a classifier, kind="model"; export_seq2seq:
    an encoder-decoder, kind="seq2seq") and, when s8_header_path is given,
    its int8 header (quantize / quantize_seq2seq), whose int8 model is then
    the blob's; the tool loads the blob back with the library's loader
    before writing it. name is the model's C name (name_cfg, name_weights,
    name_s8). Raises ValueError for a kind other than "model" or "seq2seq",
    a name that is not a C identifier, or a header that does not exist;
    RuntimeError with the compiler's or the tool's message when building or
    running fails (a header that is not of this name or kind, a model the
    writer or loader refuses)."""
    import subprocess
    import tempfile
    kinds = {"model": (1, 2), "seq2seq": (3, 4)}
    if kind not in kinds:
        raise ValueError('kind must be "model" (a classifier) or "seq2seq" (an encoder-decoder), '
                         'not %r' % (kind,))
    if not isinstance(name, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise ValueError("name must be the model's C name (an identifier), not %r" % (name,))
    headers = [model_header_path] + ([s8_header_path] if s8_header_path is not None else [])
    for h in headers:
        if not os.path.isfile(h):
            raise ValueError("no such model header: %s" % h)
    up = name.upper()
    code = kinds[kind][1 if s8_header_path is not None else 0]
    repo = os.path.abspath(os.path.join(HERE, os.pardir))
    with tempfile.TemporaryDirectory(prefix="attn_blob_") as tmp:
        with open(os.path.join(tmp, "bm_input.h"), "w", newline="\n") as fh:
            fh.write('#define %s_MODEL_IMPLEMENTATION\n#include "%s"\n'
                     % (up, os.path.abspath(model_header_path)))
            if s8_header_path is not None:
                fh.write('#define %s_MODEL_S8_IMPLEMENTATION\n#include "%s"\n'
                         % (up, os.path.abspath(s8_header_path)))
            fh.write("#define BM_KIND %d\n#define BM_CFG %s_cfg\n#define BM_W %s_%s\n"
                     % (code, name, name, "s8" if s8_header_path is not None else "weights"))
        exe = os.path.join(tmp, "blob_model")
        out = os.path.join(tmp, "model.blob")
        # (-Werror: the compiler's default warnings, a struct of another
        # kind among them, are errors)
        cmd = ([c_compiler] + C_FLAGS + ["-Werror", "-I" + repo, "-I" + tmp,
                                         os.path.join(repo, "tools", "blob_model.c"), "-lm",
                                         "-o", exe])
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            raise RuntimeError("cannot run the C compiler %r: %s" % (c_compiler, e))
        if r.returncode != 0:
            raise RuntimeError("building tools/blob_model.c against %s failed (exit %d):\n%s"
                               % (", ".join(headers), r.returncode, r.stderr[-4000:]))
        r = subprocess.run([exe, out], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("tools/blob_model.c could not write %s's blob: %s"
                               % (name, r.stderr.strip()))
        with open(out, "rb") as fh:
            blob = fh.read()
    with open(out_path, "wb") as fh:
        fh.write(blob)
    return blob


def main(argv=None):
    """The command line; never a traceback: every failure is one line on
    stderr and exit status 1."""
    try:
        return _main(argv)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("tools/export.py: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - a message, not a traceback
        print("tools/export.py: cannot export: %s: %s (an unexpected error: please report "
              "it with the model)" % (type(e).__name__, " ".join(str(e).split())[:800]),
              file=sys.stderr)
        return 1


def _main(argv=None):
    # A model pickled by a training script refers to "export.Classifier":
    # make that this very module, also when it runs as __main__.
    sys.modules.setdefault("export", sys.modules[__name__])
    ap = argparse.ArgumentParser(
        prog="tools/export.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__,
        epilog="Command line: export a model saved whole with torch.save(model, file) (a "
               "Classifier, Seq2Seq or DecoderLM, or your own nn.Module made of attention.h's "
               "blocks: BRING YOUR OWN MODEL above), or a state_dict with --class and --args; "
               "the header is verified in C against PyTorch (and against your own model's "
               "forward). With --calib the int8 model is written too (NAME_calib.h, "
               "NAME_model_s8.h: quantized, checked and compared with float). Exit status 0 "
               "only if everything was written and verified; 1 with one line on stderr "
               "otherwise.")
    ap.add_argument("model", help="file written by torch.save(model) (a Classifier, Seq2Seq, "
                    "DecoderLM or your own nn.Module) or by torch.save(model.state_dict()) "
                    "(then with --class and --args)")
    ap.add_argument("--name", required=True, help="C prefix of every symbol, e.g. digits")
    ap.add_argument("--class", dest="class_spec", metavar="FILE.py:CLASS",
                    help="your model's class: path/to/file.py:ClassName or "
                    "package.module:ClassName; needed for a state_dict, and it makes a model "
                    "pickled from a script's __main__ loadable")
    ap.add_argument("--args", metavar="JSON", help="with a state_dict: the class's constructor "
                    "keyword arguments as a JSON object, e.g. '{\"d_model\": 32}'")
    ap.add_argument("--seq", type=int, help="Classifier: sequence length the C code uses (a "
                    "patch model: its patch count, the default; your own model: default the "
                    "length of its position table)")
    ap.add_argument("--example", metavar="FILE", help="your own model: one input batch "
                    "(.pt or .npy) to trace it with (needed for an image model; default: made "
                    "up from its first nn.Linear / nn.Embedding, --seq rows)")
    ap.add_argument("-o", "--out", help="model header (default NAME_model.h)")
    ap.add_argument("--calib", help="calibration inputs [n, seq, d_in] (images [n, C, H, W] "
                    "for a patch model; integer token ids [n, seq] or a list of id sequences "
                    "for a token model; .pt or .npy): also "
                    "write NAME_calib.h and the int8 model NAME_model_s8.h; for a Seq2Seq a "
                    ".pt of {'src': [...], 'tgt': [...]} (the sources: token id sequences, "
                    "features [rows, d_in] or images [C, H, W], as the model's src_in; decoder "
                    "inputs BOS first; 'segments': [...] optional, the token sources' segment "
                    "ids), for a DecoderLM of {'seqs': [...]}")
    ap.add_argument("--cc", default="cc", help="C compiler for the int8 step and the checks "
                    "(default cc)")
    ap.add_argument("--calib-padding", help="key padding [n, seq] for --calib (.pt or .npy)")
    ap.add_argument("--calib-segments", help="a token model's segment ids for --calib, in its "
                    "shape (.pt or .npy; default all 0)")
    ap.add_argument("--bos", type=int, help="Seq2Seq: the first decoder input (required)")
    ap.add_argument("--eos", type=int, help="Seq2Seq, DecoderLM: the end token (default none)")
    ap.add_argument("--min-word-agreement", type=float, default=0.9,
                    help="Seq2Seq, DecoderLM: the int8 outputs identical to float's at least "
                    "this often on the calibration sources (default 0.9)")
    ap.add_argument("--blob", metavar="FILE",
                    help="also write the model as a model blob (attention.h MODEL BLOBS: "
                    "loaded at run time by attn_model_load_* / attn_seq2seq_load_*) to FILE; "
                    "with --calib the int8 model's too, to FILE with _s8 before its extension")
    ap.add_argument("--min-agreement", type=float, default=0.9,
                    help="your own classifier with --calib: the int8 argmax must be your "
                    "model's on at least this fraction of the verification samples (default "
                    "0.9)")
    args = ap.parse_args(argv)
    if args.calib_segments and not args.calib:
        ap.error("--calib-segments goes with --calib")

    def load(path):
        try:
            if path.endswith(".npy"):
                return np.load(path)
            return torch.load(path, map_location="cpu")
        except Exception as e:  # noqa: BLE001 - a message, not a traceback
            raise ValueError("cannot read %s: %s: %s" % (path, type(e).__name__,
                                                         str(e).split("\n")[0]))

    command = "/usr/bin/python3 tools/export.py %s" % " ".join(sys.argv[1:] if argv is None
                                                               else argv)
    try:
        model = _byom().load_model(args.model, args.class_spec, args.args)
    except ValueError as e:
        print("tools/export.py: cannot export: %s" % e, file=sys.stderr)
        return 1
    rc = _main_export(model, args, ap, load, command)
    if rc != 0 or not args.blob:
        return rc
    try:
        _main_blobs(args)
    except (ValueError, RuntimeError) as e:
        print("tools/export.py: cannot write the blob: %s" % e, file=sys.stderr)
        return 1
    return 0


def _main_blobs(args):
    """--blob: the headers just written as model blobs (float, and int8 with
    --calib), each made and loaded back by attention.h (export_blob)."""
    header = args.out or "%s_model.h" % args.name
    with open(header) as fh:
        macros = re.findall(r"^#define %s_(\w+) " % args.name.upper(), fh.read(), re.M)
    if "N_DEC_LAYERS" in macros:
        kind = "seq2seq"
    elif "MAX_LEN" in macros:
        raise ValueError("model blobs hold classifiers and encoder-decoders; a decoder-only "
                         "model's (kinds 5 and 6 of MODEL BLOBS) are not supported yet: use its "
                         "headers")
    else:
        kind = "model"
    data = export_blob(header, args.blob, args.name, kind=kind, c_compiler=args.cc)
    print("wrote %s (%d bytes, a model blob)" % (args.blob, len(data)))
    if args.calib:
        stem, ext = os.path.splitext(args.blob)
        path = stem + "_s8" + ext
        data = export_blob(header, path, args.name, s8_header_path="%s_model_s8.h" % args.name,
                           kind=kind, c_compiler=args.cc)
        print("wrote %s (%d bytes, the int8 model's blob)" % (path, len(data)))


def _main_export(model, args, ap, load, command):
    """The headers (and their checks) for the model the command line loaded."""
    if isinstance(model, (Seq2Seq, DecoderLM)):
        if isinstance(model, Seq2Seq) and args.bos is None:
            ap.error("--bos is needed for a Seq2Seq")
        return _main_tokens(model, args, load, command)
    if not isinstance(model, Classifier):
        return _main_module(model, args, load, command)
    patch = int(model.embed.kernel_size[0]) if isinstance(getattr(model, "embed", None),
                                                           nn.Conv2d) else None
    if args.seq is None and patch is None:
        ap.error("--seq is needed for a Classifier (but for a Conv2d patch model)")
    try:
        text = export_model(model, args.out or "%s_model.h" % args.name, args.name, args.seq,
                            source=command, c_compiler=args.cc)
        print("wrote %s (%d bytes)" % (args.out or "%s_model.h" % args.name, len(text)))
        if args.calib:
            pad = load(args.calib_padding) if args.calib_padding else None
            segs = load(args.calib_segments) if args.calib_segments else None
            path = "%s_calib.h" % args.name
            text = export_calibration(load(args.calib), pad, path, args.name, patch=patch,
                                      segments=segs)
            print("wrote %s (%d bytes)" % (path, len(text)))
            s8 = "%s_model_s8.h" % args.name
            text = quantize(args.out or "%s_model.h" % args.name, path, s8, args.name,
                            c_compiler=args.cc)
            print("wrote %s (%d bytes)" % (s8, len(text)))
    except (ValueError, RuntimeError) as e:
        print("tools/export.py: cannot export: %s" % e, file=sys.stderr)
        return 1
    return 0


def _main_module(model, args, load, command):
    """The command line for your own nn.Module: from_module, export, verify
    against the wrapper and against the model itself (and with --calib the
    int8 model, its argmax agreement with the model stated and checked)."""
    out = args.out or "%s_model.h" % args.name
    try:
        calib = load(args.calib) if args.calib else None
        if calib is not None and not isinstance(calib, (torch.Tensor, np.ndarray, list)):
            raise ValueError("--calib holds inputs [n, ...] (a classifier's) or token sequences "
                             "(an encoder-decoder's sources, a language model's sequences): "
                             "a tensor, an array or a list, not %s" % type(calib).__name__)
        example = load(args.example) if args.example else None
        if isinstance(example, np.ndarray):
            example = torch.from_numpy(example)
        r = export_module(model, out, args.name, seq=args.seq, calib=calib, bos=args.bos,
                          example_input=example,
                          eos=args.eos, c_compiler=args.cc, source=command,
                          min_agreement=args.min_agreement,
                          calib_path="%s_calib.h" % args.name,
                          s8_path="%s_model_s8.h" % args.name)
        print("wrote %s (%d bytes): %s as an export.%s" % (out, len(r["text"]),
                                                           type(model).__name__,
                                                           type(r["wrapper"]).__name__))
        if calib is not None:
            print("wrote %s_calib.h and %s_model_s8.h" % (args.name, args.name))
    except (ValueError, RuntimeError) as e:
        print("tools/export.py: cannot export: %s" % e, file=sys.stderr)
        return 1
    return 0


def _main_tokens(model, args, load, command):
    """The command line for a Seq2Seq or DecoderLM: export, verify, and with
    --calib the int8 model."""
    out = args.out or "%s_model.h" % args.name
    seq2seq = isinstance(model, Seq2Seq)
    try:
        if seq2seq:
            text = export_seq2seq(model, out, args.name, bos=args.bos, eos=args.eos,
                                  c_compiler=args.cc, source=command)
        else:
            text = export_lm(model, out, args.name, eos=args.eos, c_compiler=args.cc,
                             source=command)
        print("wrote %s (%d bytes)" % (out, len(text)))
        if args.calib:
            data = load(args.calib)
            path = "%s_calib.h" % args.name
            s8 = "%s_model_s8.h" % args.name
            if not isinstance(data, dict) or not (
                    set(data) in ({"src", "tgt"}, {"src", "tgt", "segments"}) if seq2seq
                    else set(data) == {"seqs"}):
                raise ValueError("--calib must hold a dict %s" % (
                    "{'src': [...], 'tgt': [...]} (and 'segments': [...] beside token sources)"
                    if seq2seq else "{'seqs': [...]}"))
            if seq2seq:
                export_seq2seq_calibration(model, data["src"], data["tgt"], path, args.name,
                                           segments=data.get("segments"))
                r = quantize_seq2seq(out, path, s8, args.name, c_compiler=args.cc,
                                     min_word_agreement=args.min_word_agreement)
            else:
                export_lm_calibration(model, data["seqs"], path, args.name)
                r = quantize_lm(out, path, s8, args.name, c_compiler=args.cc,
                                min_word_agreement=args.min_word_agreement)
            print("wrote %s and %s (%d bytes)" % (path, s8, len(r["text"])))
    except (ValueError, RuntimeError) as e:
        print("tools/export.py: cannot export: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
