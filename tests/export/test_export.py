#!/usr/bin/python3
"""tests/export/test_export.py - tools/export.py's encoder-decoder (Seq2Seq),
decoder-only (DecoderLM) and classifier (Classifier) export, checked end to
end.

    /usr/bin/python3 tests/export/test_export.py [--cc CC] [WORK_DIR]

Small random models (post-norm and pre-norm, ReLU, GELU and tanh-GELU,
learned and sinusoidal positions or none, embed_scale 1 and sqrt(d_model),
batch_first either way, biases and LayerNorm affines absent, head width 5,
an ordinary nn.Transformer model exported as it is) are exported; each
export builds a C program against the header and fails unless its greedy
tokens equal PyTorch's and every logit is within 1e-5 * max(1, |PyTorch's|).
int8: quantized through tools/quantize_seq2seq.c, the header must run
bit-identically to the quantizer's own parameters and agree with float.
Then the checks must be able to fail (a changed weight, an impossible
agreement threshold, a changed int8 header) and every model attention.h
would compute differently must be refused with a ValueError naming it (and
the command line must exit 1). The generated C compiles warning-free as C99
(the project's warning flags) and as C++98.

Embedding LayerNorms of the decoder models (BART's layernorm_embedding,
attn_seq2seq_cfg / attn_lm_cfg embed_norm): two encoder-decoders with both
sides' norms (post-norm with learned positions and embed_scale sqrt(16),
random affines; pre-norm GELU with an encoder eps of 1e-5, a decoder eps of
0.1 and a target norm without affine) and a decoder-only model with one,
float against PyTorch and int8 (>= 50% of held-out outputs identical to
float); the header with its embed_norm flag cleared must fail the
verification; one side's norm alone, another eps than the stack's, another
shape and a NaN are refused (the command line: exit 1, a message, no
traceback); models pickled before the norms existed load and export.

Classifiers (attn_model_f32 / attn_model_tokens_f32, tools/run_model.c):
the digits shape (Linear rows), a ViT (Conv2d patches, a CLS row, learned
positions, attention pooling), a BERT-style token model (token + segment
embeddings, positions, LayerNorm, first pooling; lengths 1..9, padding,
segments NULL) and windowed models (a band attn_mask, with the causal
triangle, with a CLS row; window=), each within 1e-5 * max(1, |PyTorch's|);
the ViT in int8 too (calibrated on images). The verification must fail on
a header without its window or with one value changed, and every front end
attention.h computes otherwise (Conv2d with padding, stride or dilation,
non-band masks, Embedding with max_norm, ...) must be refused.

int8 token models (tools/quantize_model.c's token mode: attn_quantize_model_
tokens_s8, run by attn_model_tokens_s8): two small BERT-like models trained
for a second on a toy task (tokens + segments + learned positions +
embedding LayerNorm + CLS, 2 post-norm layers, first pooling; and without
segments, 1 pre-norm layer, attention pooling) calibrated on token ids
(ragged lists; an [n, seq] tensor with padding): each table at its own
encoding, >= 95% of the held-out argmaxes as PyTorch's, logits within 15% of
their span, cosine >= 0.999; quantize's check of the printed header must
catch a changed table; calibration data that does not fit (an id >= vocab,
...) is refused in Python, by the calibration header's #error and by the C
quantizer alone, and on the command line (exit 1, no traceback).

Source front ends of encoder-decoders (attn_seq2seq_cfg's src_*: Seq2Seq's
src_in, src_cls, src_segment_embed): features through a Linear (no bias,
embed_scale on the target's tokens only), a 2x4x6 image in Conv2d 2x2
patches with a CLS row and embedding LayerNorms, and tokens with segment
ids and a CLS row: each float against PyTorch through
attn_seq2seq_encode_ex_f32 + attn_seq2seq_generate_f32 (given and default
samples), each in int8 (calibrated on float features, images, token and
segment ids; attn_seq2seq_encode_ex_s8 on inputs quantized at the model's
src_in_scale / zp), >= 50% of held-out outputs identical to float; headers
without their CLS row or segments must fail the verification; Conv2d
sources whose patches overlap or are not squares (stride != kernel,
padding, dilation, groups), CLS rows of the wrong shape or width, and
sources that do not fit are refused, on the command line too (exit 1).

Bring your own model (tests/export/test_byom.py, run from here, its checks
counted in the last line): ordinary nn.Modules (tests/export/byom_models.py)
through from_module and the command line, verified against their own forward;
refusals with module path and source line.

Needs PyTorch (Debian's python3-torch) and a C compiler. Prints a line per
check and ends with "N passed, N failed"; exit status 0 only if none failed.
Deterministic (fixed seeds); takes about half a minute.
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.dont_write_bytecode = True  # no tools/__pycache__ in the repository

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import export as E  # noqa: E402

WARN = ("-Wall -Wextra -Wpedantic -Werror -Wshadow -Wdouble-promotion -Wcast-align "
        "-Wstrict-prototypes -Wundef -Wconversion -Wsign-conversion").split()
CXXWARN = "-Wall -Wextra -Wpedantic -Werror -Wshadow -Wcast-align -Wundef".split()

results = []


def check(name, fn):
    """Run one check: ok, or FAIL with the exception."""
    try:
        fn()
        results.append(True)
        print("ok   %s" % name, flush=True)
    except Exception:  # noqa: BLE001 - every failure is reported, none stops the rest
        results.append(False)
        print("FAIL %s\n%s" % (name, "".join("     " + ln + "\n" for ln in
                                           traceback.format_exc().rstrip().split("\n"))),
              flush=True)


def quiet(*_):
    pass


def refuses(fn, *needles, exc=ValueError):
    """fn() must raise exc whose message contains every needle."""
    try:
        fn()
    except exc as e:
        msg = str(e)
        for n in needles:
            assert n in msg, "message %r lacks %r" % (msg, n)
        return msg
    raise AssertionError("no %s raised" % exc.__name__)


def peaked(model, factor=4.0):
    """Scale the output layer: clearer argmax decisions (fewer near-ties)."""
    with torch.no_grad():
        model.out.weight.mul_(factor)
    return model


def seq2seq_models():
    """(label, model, bos, eos, export kwargs) of the float cases."""
    torch.manual_seed(1)
    out = []
    m = peaked(E.Seq2Seq.build(11, 13, 16, 2, 2, 2, 24, max_src=7, max_tgt=9))
    out.append(("post-norm relu, learned nn.Embedding positions, embed_scale 1", m, 1, 2, {}))
    m = peaked(E.Seq2Seq.build(9, 10, 12, 3, 1, 2, 20, max_src=6, max_tgt=8, pos="sinusoidal",
                               activation="gelu", norm_first=True, final_norm=False,
                               embed_scale=math.sqrt(12), batch_first=False))
    out.append(("pre-norm gelu, sinusoidal, embed_scale sqrt(12), no final norms, 3 heads, "
                "batch_first=False", m, 0, 9, {}))
    # by hand: tanh GELU (a lambda), [max, d] tensors as positions, head width 5,
    # no biases and no LayerNorm affine in the decoder, no EOS
    d = 10
    gelu_tanh = lambda x: F.gelu(x, approximate="tanh")  # noqa: E731
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, 2, 16, dropout=0.0,
                                                           activation=gelu_tanh,
                                                           batch_first=True), 2,
                                norm=nn.LayerNorm(d), enable_nested_tensor=False)
    dl = nn.TransformerDecoderLayer(d, 2, 16, dropout=0.0, activation=gelu_tanh,
                                    batch_first=True)
    dl.self_attn = nn.MultiheadAttention(d, 2, bias=False, batch_first=True)
    dl.linear1, dl.linear2 = nn.Linear(d, 16, bias=False), nn.Linear(16, d, bias=False)
    dl.norm2 = nn.LayerNorm(d, elementwise_affine=False)
    dec = nn.TransformerDecoder(dl, 1, norm=nn.LayerNorm(d))
    m = peaked(E.Seq2Seq(nn.Embedding(8, d), nn.Embedding(12, d), encoder=enc, decoder=dec,
                         out=nn.Linear(d, 12, bias=False),
                         src_pos=nn.Parameter(torch.randn(5, d) * 0.5),
                         tgt_pos=torch.randn(11, d) * 0.5))
    out.append(("tanh-gelu (lambda), tensor positions, head width 5, biases and an affine "
                "absent, no EOS", m, 3, None, dict(max_out=7)))
    return out


class G2PLike(nn.Module):
    """An ordinary model written without tools/export.py (as
    examples/g2p/train.py writes its own): exported as it is."""

    def __init__(self):
        super().__init__()
        self.src_embed = nn.Embedding(9, 16, padding_idx=0)
        self.src_pos = nn.Embedding(6, 16)
        self.tgt_embed = nn.Embedding(11, 16, padding_idx=0)
        self.tgt_pos = nn.Embedding(8, 16)
        self.transformer = nn.Transformer(d_model=16, nhead=4, num_encoder_layers=2,
                                          num_decoder_layers=2, dim_feedforward=32,
                                          dropout=0.1, batch_first=True)
        self.out = nn.Linear(16, 11)

    def forward(self, src, tgt):
        x = self.src_embed(src) + self.src_pos(torch.arange(src.shape[1]))
        y = self.tgt_embed(tgt) + self.tgt_pos(torch.arange(tgt.shape[1]))
        causal = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1])
        pad = src == 0
        h = self.transformer(x, y, tgt_mask=causal, src_key_padding_mask=pad,
                             tgt_key_padding_mask=tgt == 0, memory_key_padding_mask=pad)
        return self.out(h)


def lm_models():
    torch.manual_seed(2)
    out = []
    out.append(("post-norm relu, learned, embed_scale 1",
                peaked(E.DecoderLM.build(10, 16, 2, 2, 24, max_len=9)), 3, {}))
    out.append(("pre-norm gelu, sinusoidal, embed_scale sqrt(12), no final norm, "
                "batch_first=False",
                peaked(E.DecoderLM.build(9, 12, 3, 1, 20, max_len=7, pos="sinusoidal",
                                         activation="gelu", norm_first=True, final_norm=False,
                                         embed_scale=math.sqrt(12), batch_first=False)),
                None, {}))
    out.append(("no positions (max_len given), one layer",
                peaked(E.DecoderLM(nn.Embedding(7, 8),
                                   nn.TransformerEncoder(nn.TransformerEncoderLayer(
                                       8, 2, 12, dropout=0.0, batch_first=True), 1,
                                       enable_nested_tensor=False),
                                   nn.Linear(8, 7), pos=None, max_len=6)), 0, {}))
    return out


# ---- Classifier (attn_model_*): the issue-11 front ends ------------------------------

def _enc(d, heads, d_ff, layers=1, eps=1e-5, **kw):
    layer = nn.TransformerEncoderLayer(d, heads, d_ff, dropout=0.0, batch_first=True,
                                       layer_norm_eps=eps, **kw)
    return nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d, eps=eps),
                                 enable_nested_tensor=False)


def vit_model(d=16, image=(2, 6, 4), patch=2, seed=11, norm_first=False):
    """ViT style: Conv2d patches, a CLS row, learned positions, attention pooling."""
    torch.manual_seed(seed)
    c, h, w = image
    rows = (h // patch) * (w // patch) + 1
    m = E.Classifier(nn.Conv2d(c, d, patch, stride=patch),
                     nn.Parameter(torch.randn(rows, d) * 0.5),
                     _enc(d, 2, 24, layers=2, norm_first=norm_first),
                     nn.Linear(d, 1), nn.Linear(d, 5),
                     cls_token=nn.Parameter(torch.randn(1, 1, d)), image_size=(h, w))
    with torch.no_grad():
        m.pool.weight.mul_(3.0)  # peaked attention pooling: the test means something
        m.head.weight.mul_(4.0)  # clearer argmax decisions (fewer near-ties)
    return m


def bert_model(d=12, vocab=13, segments=3, max_seq=9, seed=12):
    """BERT style: token + segment embeddings + learned positions + LayerNorm, first pooling."""
    torch.manual_seed(seed)
    return E.Classifier(nn.Embedding(vocab, d, padding_idx=0),
                        nn.Parameter(torch.randn(max_seq, d) * 0.5),
                        _enc(d, 3, 20, layers=2, activation="gelu", norm_first=True),
                        "first", nn.Linear(d, 4), segment_embed=nn.Embedding(segments, d),
                        embed_norm=nn.LayerNorm(d))


def token_task(rng, n, vocab, seq, segments=True):
    """The token models' toy task: ids [n, seq] and segment ids (0 up to a
    random split, then 1); the label is the most frequent id % 4 among the
    segment-0 tokens (all tokens without segments; ties: the smallest)."""
    x = rng.randint(0, vocab, size=(n, seq))
    seg = (np.arange(seq)[None] >= rng.randint(1, seq, size=(n, 1))).astype(np.int64)
    if not segments:
        seg[:] = 0
    y = np.array([np.bincount(x[i][seg[i] == 0] % 4, minlength=4).argmax() for i in range(n)])
    return x, seg, y


def trained_token_model(seed, segments=True, steps=300, **kw):
    """A small BERT-like Classifier (ids 0..19, a CLS row, learned positions
    for 10 tokens + CLS, an embedding LayerNorm, GELU layers) trained on
    token_task for `steps` Adam steps (about a second): a model whose
    decisions depend on its input, as a real one's do."""
    torch.manual_seed(seed)
    d, vocab = 16, 20
    layers, norm_first, pool = kw.get("layers", 2), kw.get("norm_first", False), \
        kw.get("pool", "first")
    m = E.Classifier(nn.Embedding(vocab, d), nn.Parameter(torch.randn(11, d) * 0.5),
                     _enc(d, 2, 32, layers=layers, activation="gelu", norm_first=norm_first),
                     nn.Linear(d, 1) if pool == "attention" else pool, nn.Linear(d, 4),
                     segment_embed=nn.Embedding(2, d) if segments else None,
                     embed_norm=nn.LayerNorm(d), cls_token=nn.Parameter(torch.randn(d)))
    rng = np.random.RandomState(seed)
    opt = torch.optim.Adam(m.parameters(), 3e-3)
    for _ in range(steps):
        x, seg, y = token_task(rng, 32, vocab, 10, segments)
        loss = F.cross_entropy(m(torch.from_numpy(x), None,
                                 torch.from_numpy(seg) if segments else None),
                               torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return m


def band(n, w, causal=False):
    i = torch.arange(n)[:, None]
    j = torch.arange(n)[None, :]
    m = (i - j).abs() > w
    return m | (j > i) if causal else m


def window_model(mask, pos="sinusoidal", d=16, seed=13, cls_token=False, pool="mean"):
    torch.manual_seed(seed)
    n = mask.shape[0]
    return E.Classifier(nn.Linear(5, d), pos, _enc(d, 4, 24), pool, nn.Linear(d, 3),
                        max_seq=n, attn_mask=mask,
                        cls_token=nn.Parameter(torch.randn(d)) if cls_token else None)


def task_samples(rng, n, segments=True, padded=0):
    """n sequences for a token model: the first third 10 tokens long, the
    rest 1..10; `padded` of the long ones with their last 2 rows padded.
    Returns (token lists, segment lists or None, padding lists or None,
    the task's labels over the unpadded rows)."""
    x, seg, _ = token_task(rng, n, 20, 10, segments)
    lens = [10] * (n // 3) + [int(k) for k in rng.randint(1, 11, size=n - n // 3)]
    toks = [[int(v) for v in x[i][:k]] for i, k in enumerate(lens)]
    segs = [[int(v) for v in seg[i][:k]] for i, k in enumerate(lens)]
    pads = [[0] * 8 + [1, 1] if i < padded else None for i in range(n)]
    labels = []
    for i, k in enumerate(lens):
        seen = k - (2 if pads[i] else 0)
        t, sg = np.array(toks[i][:seen]), np.array(segs[i][:seen])
        labels.append(int(np.bincount(t[sg == 0] % 4, minlength=4).argmax()))
    return toks, segs if segments else None, pads if padded else None, labels


def _s8_array(text, name):
    """The values of `const int8_t name[n] = {...};` in a header."""
    m = re.search(r"^const int8_t %s\[(\d+)\] = \{(.*?)\n\};" % name, text, re.S | re.M)
    assert m, "no int8 array %s in the header" % name
    vals = [int(v) for v in m.group(2).replace("\n", " ").split(",") if v.strip()]
    assert len(vals) == int(m.group(1)), (name, len(vals), m.group(1))
    return np.array(vals)


def negate_row(text, array, row, d):
    """The header text with row `row` (d values) of int8 array `array`
    ("name[n]") negated (-128 -> 127)."""
    k = text.index("%s = {" % array)
    start, end = text.index("{", k) + 1, text.index("\n};", k)
    vals = [v.strip() for v in text[start:end].split(",") if v.strip()]
    vals[row * d:(row + 1) * d] = [str(min(127, -int(v))) for v in vals[row * d:(row + 1) * d]]
    bad = text[:start] + "\n    " + ", ".join(vals) + "," + text[end:]
    assert bad != text
    return bad


def _int8_report(r, labels=None):
    """(argmax agreement with PyTorch, largest |dequantized int8 - PyTorch|
    logit error, PyTorch's largest logit span, cosine, float and int8
    accuracies on labels) of a verify_model report with s8."""
    f = np.array(r["torch"])
    q = r["s8_scale"] * (np.array(r["s8"]) - r["s8_zp"])
    agree = float(np.mean(np.argmax(q, 1) == np.argmax(f, 1)))
    cos = float(np.sum(f * q) / np.sqrt(np.sum(f * f) * np.sum(q * q)))
    acc = (None, None) if labels is None else (float(np.mean(np.argmax(f, 1) == labels)),
                                               float(np.mean(np.argmax(q, 1) == labels)))
    return agree, float(np.max(np.abs(q - f))), float(np.ptp(f, axis=1).max()), cos, acc


def token_int8_checks(check, P, cc, cxx):
    """int8 token models: export_calibration of ids, quantize (tools/
    quantize_model.c's token mode: attn_quantize_model_tokens_s8), and
    verify_model with the int8 header (attn_model_tokens_s8)."""
    kw = dict(c_compiler=cc, log=quiet)
    bert = trained_token_model(21)

    def bert_int8():
        E.export_model(bert, P("tq_model.h"), "tq", 10, **kw)
        ct, cs, _, _ = task_samples(np.random.RandomState(23), 64)
        calib = E.export_calibration(ct, None, P("tq_calib.h"), "tq", segments=cs)
        assert "#define TQ_CALIB_TOKENS 1" in calib and "#define TQ_CALIB_SEQ 10" in calib
        assert "tq_calib_tokens[64][10]" in calib and "tq_calib_segments[64][10]" in calib
        # the shorter sequences padded at the end and key-padded there
        assert "#define TQ_CALIB_PADDING (&tq_calib_padding[0][0])" in calib
        text = E.quantize(P("tq_model.h"), P("tq_calib.h"), P("tq_model_s8.h"), "tq",
                          c_compiler=cc)
        assert "tq_s8_cls_token, tq_s8_token_embed, tq_s8_segment_embed," in text, text[-1500:]
        assert "64 token sequences" in text and "Input: token ids 0..19 and segment ids" in text
        tok, seg = _s8_array(text, "tq_s8_token_embed"), _s8_array(text, "tq_s8_segment_embed")
        assert tok.size == 20 * 16 and seg.size == 2 * 16
        # each table at its own min/max encoding (both ends of int8 used), not
        # at the encoding of their sum
        assert tok.min() <= -127 and tok.max() >= 126, (tok.min(), tok.max())
        assert seg.min() <= -127 and seg.max() >= 126, (seg.min(), seg.max())
        ht, hs, hp, labels = task_samples(np.random.RandomState(24), 90, padded=10)
        r = E.verify_model(bert, P("tq_model.h"), "tq", ht, segments=hs, key_padding=hp,
                           s8_header_path=P("tq_model_s8.h"), **kw)
        agree, err, span, cos, (acc_f, acc_q) = _int8_report(r, labels)
        print("     int8 BERT-like (segments, CLS, 2 post-norm layers, first pooling): argmax "
              "as PyTorch's on %d of 90 held-out sequences, logits within %.3g (%.1f%% of "
              "their largest span %.3g), cosine %.5f; task accuracy float %.3f, int8 %.3f"
              % (round(90 * agree), err, 100 * err / span, span, cos, acc_f, acc_q))
        assert agree >= 0.95, agree
        assert err <= 0.15 * span, (err, span)
        assert cos >= 0.999, cos
        # the int8 tables are what runs: token 1's row negated changes the logits
        bad = negate_row(text, "tq_s8_token_embed[320]", 1, 16)
        with open(P("tq_bad_s8.h"), "w") as fh:
            fh.write(bad)
        sample = [[1, 5, 1, 7]]
        a = E.verify_model(bert, P("tq_model.h"), "tq", sample, s8_header_path=P("tq_model_s8.h"),
                           **kw)["s8"][0]
        b = E.verify_model(bert, P("tq_model.h"), "tq", sample, s8_header_path=P("tq_bad_s8.h"),
                           **kw)["s8"][0]
        assert not np.array_equal(a, b), (a, b)
    check("classifier int8: a BERT-like token model (token + 2 segment embeddings, learned "
          "positions, embedding LayerNorm, CLS row, 2 post-norm GELU layers, first pooling; "
          "trained on a toy task) quantized from calibration ids (tools/quantize_model.c, "
          "attn_quantize_model_tokens_s8): tables at their own encodings, >= 95% of 90 "
          "held-out argmaxes as PyTorch's (attn_model_tokens_s8), logits within 15% of their "
          "span, cosine >= 0.999", bert_int8)

    def s8_tampered():
        real = E._write

        def bad_write(path, text):  # the printed header with token 1's int8 row negated
            real(path, negate_row(text, "tq_s8_token_embed[320]", 1, 16)
                 if path.endswith("_s8.h") else text)
        E._write = bad_write
        try:
            refuses(lambda: E.quantize(P("tq_model.h"), P("tq_calib.h"), P("tq_y_s8.h"), "tq",
                                       c_compiler=cc),
                    "runs differently from the parameters the quantizer made",
                    "the printed int8 model gives other logits", "calibration sequence",
                    exc=RuntimeError)
        finally:
            E._write = real
    check("an int8 token classifier header that differs from the quantizer's parameters is "
          "caught (quantize's check build: printed == in memory on the calibration ids)",
          s8_tampered)

    tp = trained_token_model(25, segments=False, layers=1, norm_first=True, pool="attention")

    def pooled_int8():
        E.export_model(tp, P("tp_model.h"), "tp", 10, **kw)
        x, _, _ = token_task(np.random.RandomState(26), 48, 20, 10, segments=False)
        pad = np.zeros((48, 10), dtype=np.uint8)
        pad[::3, 7:] = 1  # an [n, seq] array with key padding
        calib = E.export_calibration(torch.from_numpy(x), torch.from_numpy(pad), P("tp_calib.h"),
                                     "tp")
        assert "#define TP_CALIB_SEGMENTS NULL" in calib and "tp_calib_segments" not in calib
        text = E.quantize(P("tp_model.h"), P("tp_calib.h"), P("tp_model_s8.h"), "tp",
                          c_compiler=cc)
        assert "tp_s8_cls_token, tp_s8_token_embed, NULL," in text and "tp_s8_pool_w" in text
        # no segments: the table's encoding is the embedded rows' (in_scale, in_zp),
        # covering the CLS row too: each value within half a step of the float one
        scale = float(re.search(r"the embedded rows: scale (\S+),", text).group(1))
        zp = int(re.search(r"the embedded rows: scale \S+, zero point (-?\d+)", text).group(1))
        for arr, ref in (("tp_s8_token_embed", tp.embed.weight), ("tp_s8_cls_token",
                                                                  tp.cls_token)):
            deq = scale * (_s8_array(text, arr) - zp)
            want = ref.detach().numpy().reshape(-1).astype(np.float64)
            assert np.max(np.abs(deq - want)) <= scale * 0.5001, (arr, np.max(np.abs(deq - want)))
        ht, _, hp, labels = task_samples(np.random.RandomState(27), 60, segments=False,
                                         padded=6)
        r = E.verify_model(tp, P("tp_model.h"), "tp", ht, key_padding=hp,
                           s8_header_path=P("tp_model_s8.h"), **kw)
        agree, err, span, cos, (acc_f, acc_q) = _int8_report(r, labels)
        print("     int8 token model (no segments, CLS, 1 pre-norm layer, attention pooling): "
              "argmax as PyTorch's on %d of 60, logits within %.3g (%.1f%% of their largest "
              "span %.3g), cosine %.5f; task accuracy float %.3f, int8 %.3f"
              % (round(60 * agree), err, 100 * err / span, span, cos, acc_f, acc_q))
        assert agree >= 0.95, agree
        assert err <= 0.15 * span, (err, span)
        assert cos >= 0.999, cos
    check("classifier int8: a token model without segments (CLS row in the token table's "
          "encoding, attention pooling, pre-norm), calibrated on an [n, seq] id tensor with "
          "padding: >= 95% of 60 held-out argmaxes as PyTorch's, logits within 15% of their "
          "span", pooled_int8)

    def cxx98_tokens():
        src = P("cxx_tok.cc")
        with open(src, "w") as fh:
            fh.write('#define ATTN_IMPLEMENTATION\n#include "attention.h"\n'
                     '#define TQ_MODEL_IMPLEMENTATION\n#include "tq_model.h"\n#define TQ_MODEL_S8_IMPLEMENTATION\n#include "tq_model_s8.h"\n'
                     '#define TP_MODEL_IMPLEMENTATION\n#include "tp_model.h"\n#define TP_MODEL_S8_IMPLEMENTATION\n#include "tp_model_s8.h"\n'
                     'int main(void) { return tq_s8.logit_zp + tp_s8.logit_zp + '
                     '(int)sizeof tq_weights + (int)sizeof tp_weights == 0; }\n')
        r = subprocess.run([cxx, "-std=c++98", "-x", "c++"] + CXXWARN +
                           ["-I" + REPO, "-I" + os.path.dirname(src), "-c", src,
                            "-o", P("cxx_tok.o")], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
    check("the int8 token model headers compile as C++98 (-Wall -Wextra -Wpedantic -Werror)",
          cxx98_tokens)

    def token_refusals():
        calib = lambda toks, segs=None, path="tq_r_calib.h": E.export_calibration(  # noqa: E731
            toks, None, P(path), "tq", segments=segs)
        quant = lambda model="tq_model.h", c="tq_r_calib.h", name="tq": E.quantize(  # noqa: E731
            P(model), P(c), P("r_s8.h"), name, c_compiler=cc)
        calib([[1, 2, 3, 4], [5, 6, 7, 8, 20, 1]])
        refuses(quant, "calibration token id 20 (sequence 1, position 4) is outside "
                "tq_model.h's vocabulary (0..19)")
        calib([[1, 2, 3], [4, 5, 6]], [[0, 0, 1], [0, 2, 1]])
        refuses(quant, "calibration segment id 2 (sequence 1, position 1)",
                "segment table (0..1)")
        calib([list(range(11))])
        refuses(quant, "calibration sequences of 11 tokens", "at most 10 (TQ_SEQ)")
        E.export_calibration(np.float32(np.random.RandomState(0).randn(4, 10, 16)), None,
                             P("tq_f_calib.h"), "tq")
        refuses(lambda: quant(c="tq_f_calib.h"), "is a token model",
                "must be token ids", "float inputs")
        E.export_calibration([[1, 2, 3, 0, 0, 0]], None, P("v_t_calib.h"), "v")
        refuses(lambda: quant("v_model.h", "v_t_calib.h", "v"), "holds calibration token ids",
                "not a token model (its input is patches)")
        # export_calibration itself
        refuses(lambda: calib([[1, 2, 3]], [[0, 1]]), "must have the tokens' shape")
        refuses(lambda: calib([[1, -2, 3]]), "calibration tokens[0] has a negative id (-2)")
        refuses(lambda: calib(np.float32([[1, 2, 3]])), "calibration inputs must be",
                "integer ids [n, seq]")
        refuses(lambda: E.export_calibration(np.float32(np.zeros((2, 3, 4))), None,
                                             P("x.h"), "tq", segments=[[0, 0, 0]] * 2),
                "segments= is for token ids")
    check("refused (ValueError naming it): a calibration token id >= vocab, a segment id "
          "outside its table, longer sequences, float inputs for a token model and ids for "
          "another, segments of another shape, negative ids", token_refusals)

    def c_side_refuses():
        # without Python's check: the calibration header stops the compiler ...
        text = E.calibration_header([[1, 2, 20]], None, "tq")
        with open(P("tq_c_calib.h"), "w") as fh:
            fh.write(text)
        src = P("tq_c.c")
        with open(src, "w") as fh:
            fh.write('#define TQ_MODEL_IMPLEMENTATION\n#include "tq_model.h"\n#include "tq_c_calib.h"\nint main(void) '
                     '{ return tq_calib_tokens[0][0]; }\n')
        r = subprocess.run([cc, "-std=c99", "-fsyntax-only", "-I" + REPO, src],
                           capture_output=True, text=True)
        assert r.returncode != 0 and "outside tq_model.h's vocabulary" in r.stderr, r.stderr
        # ... and tools/quantize_model.c itself refuses an id the header hides
        with open(P("tq_c_calib.h"), "w") as fh:
            fh.write(text.replace("#define TQ_CALIB_MAX_TOKEN 20", "#define TQ_CALIB_MAX_TOKEN 19"))
        with open(P("quant_input.h"), "w") as fh:
            fh.write('#define TQ_MODEL_IMPLEMENTATION\n#include "tq_model.h"\n#include "tq_c_calib.h"\n#define QM_NAME "tq"\n'
                     '#define QM_CFG tq_cfg\n#define QM_WEIGHTS tq_weights\n'
                     '#define QM_N_CALIB TQ_N_CALIB\n#define QM_SEQ TQ_CALIB_SEQ\n'
                     '#define QM_PADDING TQ_CALIB_PADDING\n#define QM_TOKENS 1\n'
                     '#define QM_CALIB tq_calib_tokens\n#define QM_SEGMENTS TQ_CALIB_SEGMENTS\n')
        exe = P("qm_tokens")
        r = subprocess.run([cc, "-std=c99", "-O0"] + WARN + ["-I" + REPO, "-I" + P(""),
                            os.path.join(REPO, "tools", "quantize_model.c"), "-lm", "-o", exe],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
        r = subprocess.run([exe], capture_output=True, text=True)
        assert r.returncode == 1 and r.stdout == "", (r.returncode, r.stdout[:200])
        assert "attn_quantize_model_tokens_s8: a value is outside its allowed range" in r.stderr \
            and "token or segment id outside its table" in r.stderr, r.stderr
    check("the C side alone refuses an id outside the vocabulary: the calibration header's "
          "#error after the model header, tools/quantize_model.c's exit 1 with the quantizer's "
          "status (no output)", c_side_refuses)

    def cli_tokens():
        torch.save(bert, P("tq.pt"))
        toks, segs, _, _ = task_samples(np.random.RandomState(28), 30)
        torch.save(toks, P("tq_tok.pt"))
        torch.save(segs, P("tq_seg.pt"))
        cmd = [sys.executable, os.path.join(REPO, "tools", "export.py"), P("tq.pt"), "--name",
               "ct", "--seq", "10", "--calib", P("tq_tok.pt"), "--calib-segments",
               P("tq_seg.pt"), "--cc", cc, "-o", P("ct_model.h")]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=P(""))
        assert r.returncode == 0, r.stderr
        assert "verified ct_model.h" in r.stdout and "ct_model_s8.h" in r.stdout, r.stdout
        with open(P("ct_model_s8.h")) as fh:
            assert "ct_s8_token_embed, ct_s8_segment_embed," in fh.read()
        toks[3][2] = 20
        torch.save(toks, P("tq_tok.pt"))
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=P(""))
        assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
        assert "cannot export" in r.stderr and "token id 20 (sequence 3, position 2)" in r.stderr \
            and "Traceback" not in r.stderr, r.stderr
    check("command line: a pickled token Classifier with --calib ids and --calib-segments "
          "exports, verifies and quantizes; an id >= vocab in --calib exits 1 with the "
          "message (no traceback)", cli_tokens)


def classifier_checks(check, P, cc, cxx):
    kw = dict(c_compiler=cc, log=quiet)

    def rows_model():  # the old Classifier (examples/digits/train.py's shape)
        torch.manual_seed(10)
        m = E.Classifier.build(8, 16, 4, 32, 1, 10, 8)
        text = E.export_model(m, P("c_model.h"), "c", 8, **kw)
        assert "ATTN_MODEL_SCRATCH_F32(C_SEQ" in text and "0 /*cls_token*/" in text
        assert E.model_header(m, "c", 8) == E.model_header(m, "c", 8), "not deterministic"
    check("classifier float == PyTorch: Linear rows (the digits shape), verified in C", rows_model)

    vit = vit_model()
    reports = {}

    def vit_float():
        text = E.export_model(vit, P("v_model.h"), "v", **kw)
        assert "#define V_SEQ 6 " in text and "#define V_D_IN 8 " in text, text[:2000]
        assert "ATTN_POOL_ATTENTION" in text and "1 /*cls_token*/" in text
        assert "2 /*patch*/, 2, 6, 4 /*channels, image_h, image_w*/" in text
        rng = np.random.RandomState(3)
        r = E.verify_model(vit, P("v_model.h"), "v", list(rng.randn(8, 2, 6, 4) * 2.0), **kw)
        assert r["samples"] == 8 and r["max_rel_err"] <= 1e-5, r
        # the pooling weights matter: uniform weights (mean of the rows) give other logits
        with torch.no_grad():
            base = vit(torch.from_numpy(np.float32(rng.randn(1, 2, 6, 4))))
            h = vit.pool.weight.clone()
            vit.pool.weight.zero_()
            other = vit(torch.from_numpy(np.float32(rng.randn(1, 2, 6, 4))))
            vit.pool.weight.copy_(h)
        assert float((base - other).abs().max()) > 1e-3
    check("classifier float == PyTorch: ViT (Conv2d 2x2 patches of a 2x6x4 image, CLS token, "
          "learned positions, attention pooling, 2 layers)", vit_float)

    def vit_int8():
        rng = np.random.RandomState(4)
        imgs = torch.from_numpy(np.float32(rng.randn(32, 2, 6, 4)))
        calib = E.export_calibration(imgs, None, P("v_calib.h"), "v", patch=2)
        assert "32 images of 2 x 6 x 4" in calib and "#define V_CALIB_SEQ 6" in calib
        E.quantize(P("v_model.h"), P("v_calib.h"), P("v_model_s8.h"), "v", c_compiler=cc)
        held = list(np.float32(rng.randn(40, 2, 6, 4)))
        r = E.verify_model(vit, P("v_model.h"), "v", held, s8_header_path=P("v_model_s8.h"),
                           **kw)
        reports["vit"] = r
        f = np.array(r["f32"])
        q = r["s8_scale"] * (np.array(r["s8"]) - r["s8_zp"])
        cos = float(np.sum(f * q) / np.sqrt(np.sum(f * f) * np.sum(q * q)))
        print("     int8 ViT: argmax as float's on %d of 40 held-out images, logits within "
              "%.3g (float logits span %.3g), cosine %.4f"
              % (round(40 * r["s8_agreement"]), r["s8_max_logit_error"],
                 float(np.ptp(f, axis=1).max()), cos))
        assert r["s8_agreement"] >= 0.9, r["s8_agreement"]
        assert cos >= 0.99, cos
    check("classifier int8: the ViT quantized from calibration images (tools/quantize_model.c): "
          ">= 90% of held-out argmaxes as float's, logits' cosine >= 0.99", vit_int8)

    def vit_pre_int8():  # pre-norm: the CLS row at its own encoding (attn_cls_row_s8_params)
        vp = vit_model(seed=14, norm_first=True)
        E.export_model(vp, P("vp_model.h"), "vp", **kw)
        rng = np.random.RandomState(6)
        imgs = torch.from_numpy(np.float32(rng.randn(32, 2, 6, 4)))
        E.export_calibration(imgs, None, P("vp_calib.h"), "vp", patch=2)
        text = E.quantize(P("vp_model.h"), P("vp_calib.h"), P("vp_model_s8.h"), "vp",
                          c_compiler=cc)
        assert "\nconst attn_cls_row_s8_params vp_s8_cls_row" in text, text[-1500:]
        assert "&vp_s8_cls_row};" in text and "vp_s8_cls_x0[16]" in text
        held = list(np.float32(rng.randn(40, 2, 6, 4)))
        r = E.verify_model(vp, P("vp_model.h"), "vp", held, s8_header_path=P("vp_model_s8.h"),
                           **kw)
        f = np.array(r["f32"])
        q = r["s8_scale"] * (np.array(r["s8"]) - r["s8_zp"])
        cos = float(np.sum(f * q) / np.sqrt(np.sum(f * f) * np.sum(q * q)))
        print("     int8 pre-norm ViT: argmax as float's on %d of 40 held-out images, cosine %.4f"
              % (round(40 * r["s8_agreement"]), cos))
        assert r["s8_agreement"] >= 0.9, r["s8_agreement"]
        assert cos >= 0.99, cos
    check("classifier int8: a pre-norm ViT, its CLS row at its own encoding (printed as "
          "attn_cls_row_s8_params, checked == in memory): >= 90% of held-out argmaxes as "
          "float's, logits' cosine >= 0.99", vit_pre_int8)

    bert = bert_model()

    def bert_float():
        text = E.export_model(bert, P("b_model.h"), "b", 9, **kw)
        assert "attn_model_tokens_f32(logits, tokens, segments, B_SEQ" in text
        assert "#define B_VOCAB 13 " in text and "#define B_N_SEGMENTS 3 " in text
        assert "1 /*embed_norm*/" in text and "ATTN_POOL_FIRST" in text
        assert "13 /*vocab*/, 3 /*n_segments*/" in text
        rng = np.random.RandomState(5)
        lens = [9, 9, 9, 1, 4, 7]
        toks = [list(rng.randint(0, 13, size=k)) for k in lens]
        segs = [[0] * 4 + [1] * 3 + [2] * 2, list(rng.randint(0, 3, size=9)), [2] * 9, [1],
                [0, 2, 1, 0], list(rng.randint(0, 3, size=7))]
        pads = [None, [0] * 7 + [1, 1], None, None, [0, 0, 0, 1], None]
        r = E.verify_model(bert, P("b_model.h"), "b", toks, segments=segs, key_padding=pads,
                           **kw)
        assert r["max_rel_err"] <= 1e-5
        # segments left out: attn_model_tokens_f32 with NULL (all segment 0) == PyTorch's default
        E.verify_model(bert, P("b_model.h"), "b", toks[:3], **kw)
        # and the segment ids change the logits (the check can tell)
        with torch.no_grad():
            a = bert(torch.tensor([toks[0]]), None, torch.tensor([segs[0]]))
            b = bert(torch.tensor([toks[0]]))
        assert float((a - b).abs().max()) > 1e-3
    check("classifier float == PyTorch: BERT (token + 3 segment embeddings mixed, learned "
          "positions, LayerNorm, pre-norm GELU, first pooling) through attn_model_tokens_f32, "
          "lengths 1..9, padding, segments NULL", bert_float)

    def windowed():
        for label, mask, extra in (("window 2", band(10, 2), {}),
                                   ("window 1 + causal", band(7, 1, True), {}),
                                   ("window 3, CLS token, attention pooling",
                                    band(8, 3), dict(cls_token=True, pool=nn.Linear(16, 1))),
                                   ("window >= seq (a band that hides nothing)",
                                    torch.zeros(6, 6, dtype=torch.bool), {})):
            m = window_model(mask, **extra)
            s = E.describe(m, mask.shape[0] - (1 if extra.get("cls_token") else 0))
            w = {"window 2": 2, "window 1 + causal": 1}.get(label, 3 if "CLS" in label else 0)
            assert (s["window"], s["causal"]) == (w, "causal" in label), (label, s["window"],
                                                                          s["causal"])
            E.export_model(m, P("w_model.h"), "w", mask.shape[0] - s["cls_token"], **kw)
        # a float mask of 0 / -inf is the same mask
        fm = torch.zeros(10, 10).masked_fill(band(10, 2), float("-inf"))
        assert E.describe(window_model(fm), 10)["window"] == 2
        # window= as a number: the same model as its band mask
        torch.manual_seed(13)
        m = E.Classifier(nn.Linear(5, 16), "sinusoidal", _enc(16, 4, 24), "mean",
                         nn.Linear(16, 3), max_seq=10, window=2)
        E.export_model(m, P("w2_model.h"), "w2", 10, **kw)
        x = torch.randn(2, 10, 5)
        with torch.no_grad():
            assert torch.equal(m(x), window_model(band(10, 2))(x))
    check("classifier float == PyTorch: a window given as an attn_mask (band |i-j| > w; with "
          "the causal triangle; with a CLS token and attention pooling; all False), window=",
          windowed)

    def verify_fails():
        # a windowed model exported without its window: verification must notice
        m = window_model(band(10, 2))
        text = E.model_header(m, "w", 10)
        bad = text.replace("2 /*window*/", "0 /*window*/")
        assert bad != text
        with open(P("w_bad.h"), "w") as fh:
            fh.write(bad)
        refuses(lambda: E.verify_model(m, P("w_bad.h"), "w", **kw), "largest difference",
                exc=RuntimeError)
        # the CLS row changed by 0.01
        text = open(P("v_model.h")).read()
        k = text.index("v_cls_token[16] = {\n    ") + len("v_cls_token[16] = {\n    ")
        end = text.index(",", k)
        bad = text[:k] + E.c_float(float(text[k:end].rstrip("f")) + 0.01) + text[end:]
        with open(P("v_bad.h"), "w") as fh:
            fh.write(bad)
        refuses(lambda: E.verify_model(vit, P("v_bad.h"), "v", **kw), "largest difference",
                "sample", exc=RuntimeError)
        # a segment table row changed: the token model's check sees it too
        text = open(P("b_model.h")).read()
        head = "b_segment_embed[3 * 12] = {\n    "
        k = text.index(head) + len(head)
        end = text.index(",", k)
        bad = text[:k] + E.c_float(float(text[k:end].rstrip("f")) + 0.01) + text[end:]
        with open(P("b_bad.h"), "w") as fh:
            fh.write(bad)
        refuses(lambda: E.verify_model(bert, P("b_bad.h"), "b", [[1, 2, 3]], segments=[[0, 0, 0]],
                                       **kw), "largest difference", exc=RuntimeError)
    check("classifier verification fails on a header without its window, with the CLS row or "
          "a segment row changed by 0.01", verify_fails)

    def cxx98_cls():
        src = P("cxx_cls.cc")
        with open(src, "w") as fh:
            fh.write('#define ATTN_IMPLEMENTATION\n#include "attention.h"\n'
                     '#define V_MODEL_IMPLEMENTATION\n#include "v_model.h"\n#define V_MODEL_S8_IMPLEMENTATION\n#include "v_model_s8.h"\n#define B_MODEL_IMPLEMENTATION\n#include "b_model.h"\n'
                     '#define W2_MODEL_IMPLEMENTATION\n#include "w2_model.h"\n'
                     'int main(void) { return v_s8.logit_zp + (int)sizeof v_weights + '
                     '(int)sizeof b_weights + w2_cfg.encoder.window == 0; }\n')
        r = subprocess.run([cxx, "-std=c++98", "-x", "c++"] + CXXWARN +
                           ["-I" + REPO, "-I" + os.path.dirname(src), "-c", src,
                            "-o", P("cxx_cls.o")], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
    check("the ViT / BERT / windowed headers compile as C++98 (-Wall -Wextra -Wpedantic -Werror)",
          cxx98_cls)

    # ---- refusals ----------------------------------------------------------------------
    def refused(make, *needles, seq=None):
        return lambda: refuses(lambda: E.model_header(make(), "r", seq), *needles)

    def vit_with(conv=None, image=(6, 4), **kw2):
        torch.manual_seed(14)
        return E.Classifier(conv, nn.Parameter(torch.randn(7, 16)), _enc(16, 2, 24), "mean",
                            nn.Linear(16, 5), image_size=image,
                            cls_token=nn.Parameter(torch.randn(16)), **kw2)
    check("refused: Conv2d patches with padding",
          refused(lambda: vit_with(nn.Conv2d(2, 16, 2, stride=2, padding=1)), "embed has padding",
                  "padding=0"))
    check("refused: Conv2d with a stride other than its kernel (overlapping patches)",
          refused(lambda: vit_with(nn.Conv2d(2, 16, 2, stride=1)), "stride (1, 1)",
                  "non-overlapping"))
    check("refused: a non-square Conv2d kernel, dilation, groups",
          lambda: (refuses(lambda: E.model_header(vit_with(nn.Conv2d(2, 16, (2, 1),
                                                                     stride=(2, 1))), "r"),
                           "2x1 kernel"),
                   refuses(lambda: E.model_header(vit_with(nn.Conv2d(2, 16, 2, stride=2,
                                                                     dilation=2)), "r"),
                           "dilation (2, 2)"),
                   refuses(lambda: E.model_header(vit_with(nn.Conv2d(2, 16, 2, stride=2,
                                                                     groups=2)), "r"),
                           "groups=2")))
    check("refused: an image that is not a whole number of patches",
          refused(lambda: vit_with(nn.Conv2d(2, 16, 2, stride=2), image=(5, 4)),
                  "5x4 is not a whole number of 2x2 patches"))
    check("refused: a patch model exported with another seq than its patch count",
          refused(lambda: vit_with(nn.Conv2d(2, 16, 2, stride=2)), "seq 5", "is 6 rows", seq=5))

    def non_band():
        m = band(8, 2)
        m[5, 1] = False  # one more key seen: no longer a band
        return window_model(m)
    check("refused: an attn_mask that is not a band / causal mask (naming attention.h's masks)",
          refused(non_band, "not a causal and/or band mask", "entry [5, 1]",
                  "causal flag", "window w >= 1", seq=8))

    def strided():
        i = torch.arange(8)[:, None]
        j = torch.arange(8)[None, :]
        return window_model((i - j) % 2 == 1)
    check("refused: a strided (dilated) attention mask",
          refused(strided, "not a causal and/or band mask", seq=8))
    check("refused: a mask that hides a query's own key",
          refused(lambda: window_model(torch.eye(6, dtype=torch.bool)), "hides query 0 from its "
                  "own key", seq=6))
    check("refused: a mask of window 0 (each query sees only itself)",
          refused(lambda: window_model(band(6, 0)), "window of 0", seq=6))
    check("refused: a float mask with values other than 0 and -inf (an additive bias)",
          refused(lambda: window_model(torch.zeros(6, 6).masked_fill(band(6, 1), -1.0)),
                  "other than 0 and -inf", seq=6))
    check("refused: an attn_mask smaller than the rows the encoder sees",
          refused(lambda: E.Classifier(nn.Linear(5, 16), None, _enc(16, 4, 24), "mean",
                                       nn.Linear(16, 3), max_seq=8, attn_mask=band(6, 1)),
                  "attn_mask is 6 x 6", "8 rows", seq=8))

    def embedding_with(**kw2):
        torch.manual_seed(15)
        return E.Classifier(nn.Embedding(9, 12, **kw2), nn.Parameter(torch.randn(6, 12)),
                            _enc(12, 2, 16), "first", nn.Linear(12, 3))
    check("refused: an nn.Embedding with max_norm (it rescales the rows it reads)",
          refused(lambda: embedding_with(max_norm=1.0), "embed uses max_norm", seq=6))
    check("refused: a segment embedding with max_norm",
          refused(lambda: E.Classifier(nn.Embedding(9, 12), nn.Parameter(torch.randn(6, 12)),
                                       _enc(12, 2, 16), "first", nn.Linear(12, 3),
                                       segment_embed=nn.Embedding(2, 12, max_norm=2.0)),
                  "segment_embed uses max_norm", seq=6))
    check("refused: a token embedding of another width than the encoder",
          refused(lambda: E.Classifier(nn.Embedding(9, 10), nn.Parameter(torch.randn(6, 12)),
                                       _enc(12, 2, 16), "first", nn.Linear(12, 3)),
                  "embed.weight has shape [9, 10]; expected [n, 12]", seq=6))
    check("refused: segment embeddings without token ids",
          lambda: refuses(lambda: E.Classifier(nn.Linear(4, 12), None, _enc(12, 2, 16), "first",
                                               nn.Linear(12, 3),
                                               segment_embed=nn.Embedding(2, 12)),
                          "segment_embed needs token ids"))
    check("refused: an embedding LayerNorm with another eps than the encoder's",
          refused(lambda: E.Classifier(nn.Linear(4, 12), None, _enc(12, 2, 16), "first",
                                       nn.Linear(12, 3), max_seq=6,
                                       embed_norm=nn.LayerNorm(12, eps=1e-6)),
                  "embed_norm.eps", "encoder's eps", seq=6))
    check("refused: a CLS token of another width; one whose row would not fit max_seq",
          lambda: (refuses(lambda: E.model_header(E.Classifier(
              nn.Linear(4, 12), None, _enc(12, 2, 16), "first", nn.Linear(12, 3), max_seq=6,
              cls_token=nn.Parameter(torch.randn(1, 10))), "r", 5), "cls_token has 10 values"),
                   refuses(lambda: E.model_header(E.Classifier(
                       nn.Linear(4, 12), nn.Parameter(torch.randn(6, 12)), _enc(12, 2, 16),
                       "first", nn.Linear(12, 3), cls_token=nn.Parameter(torch.randn(12))),
                       "r", 6), "seq 6 is outside 1..5", "CLS token"),
                   refuses(lambda: E.Classifier(nn.Linear(4, 12), None, _enc(12, 2, 16), "first",
                                                nn.Linear(12, 3),
                                                cls_token=nn.Parameter(torch.randn(2, 12))),
                           "cls_token must be a tensor of [d_model]")))
    check("refused: attention pooling by nn.Linear(d, 2) / another module",
          lambda: (refuses(lambda: E.model_header(E.Classifier(
              nn.Linear(4, 12), None, _enc(12, 2, 16), nn.Linear(12, 2), nn.Linear(12, 3),
              max_seq=6), "r", 6), "pool is Linear(12, 2); expected Linear(12, 1)"),
                   refuses(lambda: E.model_header(E.Classifier(
                       nn.Linear(4, 12), None, _enc(12, 2, 16), nn.Tanh(), nn.Linear(12, 3),
                       max_seq=6), "r", 6), "an nn.Linear(d_model, 1)")))
    check("refused: a Conv2d without image_size; window and attn_mask together; window 0",
          lambda: (refuses(lambda: E.Classifier(nn.Conv2d(1, 12, 2, stride=2), None,
                                                _enc(12, 2, 16), "mean", nn.Linear(12, 3)),
                           "needs image_size"),
                   refuses(lambda: E.Classifier(nn.Linear(4, 12), None, _enc(12, 2, 16), "mean",
                                                nn.Linear(12, 3), window=2,
                                                attn_mask=band(6, 2)), "not both"),
                   refuses(lambda: E.Classifier(nn.Linear(4, 12), None, _enc(12, 2, 16), "mean",
                                                nn.Linear(12, 3), window=0),
                           "window must be an int >= 1")))

    def old_pickle():  # a Classifier saved before the front ends existed
        torch.manual_seed(16)
        m = E.Classifier.build(4, 8, 2, 16, 1, 3, 5)
        for k in ("cls_token", "embed_norm", "segment_embed", "image_size", "window",
                  "attn_mask"):
            del m.__dict__[k]
        torch.save(m, P("old.pt"))
        m2 = torch.load(P("old.pt"))
        assert m2.cls_token is None and m2.attn_mask is None and m2.window is None
        E.export_model(m2, P("old_model.h"), "old", 5, **kw)
    check("a Classifier pickled by the previous tools/export.py loads and exports", old_pickle)

    def cli_vit():
        torch.save(vit, P("vit.pt"))
        torch.save(torch.from_numpy(np.float32(np.random.RandomState(6).randn(8, 2, 6, 4))),
                   P("vit_calib.pt"))
        r = subprocess.run([sys.executable, os.path.join(REPO, "tools", "export.py"), P("vit.pt"),
                            "--name", "cv", "--calib", P("vit_calib.pt"), "--cc", cc,
                            "-o", P("cv_model.h")], capture_output=True, text=True, cwd=P(""))
        assert r.returncode == 0, r.stderr
        assert "verified cv_model.h" in r.stdout and "cv_model_s8.h" in r.stdout, r.stdout
        assert os.path.exists(P("cv_model_s8.h"))
    check("command line: a pickled ViT Classifier exports (no --seq), verified, with "
          "calibration images and its int8 model", cli_vit)

    token_int8_checks(check, P, cc, cxx)


# ---- the decoder models' embedding LayerNorm (BART's layernorm_embedding) -----------

def _randomise_norm(norm, seed):
    """A LayerNorm's affine away from 1 / 0: the export must carry it."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        norm.weight.copy_(1.0 + 0.5 * torch.randn(norm.weight.shape, generator=g))
        norm.bias.copy_(0.3 * torch.randn(norm.bias.shape, generator=g))


def embed_norm_models():
    """(label, model, bos, eos) of encoder-decoders with embedding LayerNorms."""
    torch.manual_seed(21)
    out = []
    m = peaked(E.Seq2Seq.build(11, 13, 16, 2, 2, 2, 24, max_src=7, max_tgt=9, embed_norm=True,
                               embed_scale=math.sqrt(16)))
    _randomise_norm(m.src_embed_norm, 1)
    _randomise_norm(m.tgt_embed_norm, 2)
    out.append(("post-norm relu, learned positions, embed_scale sqrt(16), both norms affine",
                m, 1, 2))
    # each side's norm takes its stack's eps: the encoder 1e-5, the decoder 0.1 (a
    # value that changes the result, so a norm run with the other side's eps fails)
    d = 12
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, 3, 20, dropout=0.0,
                                                           activation="gelu", norm_first=True,
                                                           batch_first=True), 2,
                                norm=nn.LayerNorm(d), enable_nested_tensor=False)
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(d, 3, 20, dropout=0.0,
                                                           activation="gelu", norm_first=True,
                                                           layer_norm_eps=0.1, batch_first=True),
                                2, norm=nn.LayerNorm(d, eps=0.1))
    m = peaked(E.Seq2Seq.from_modules(src_embed=nn.Embedding(9, d), tgt_embed=nn.Embedding(10, d),
                                      encoder=enc, decoder=dec, out=nn.Linear(d, 10),
                                      src_pos="sinusoidal", tgt_pos="sinusoidal", max_src=6,
                                      max_tgt=8, src_embed_norm=nn.LayerNorm(d),
                                      tgt_embed_norm=nn.LayerNorm(d, eps=0.1,
                                                                  elementwise_affine=False)))
    _randomise_norm(m.src_embed_norm, 3)
    out.append(("pre-norm gelu, sinusoidal, encoder eps 1e-5 and decoder eps 0.1, the target "
                "norm without affine (NULL)", m, 0, 9))
    return out


def embed_norm_lm():
    torch.manual_seed(22)
    m = peaked(E.DecoderLM.build(10, 16, 2, 2, 24, max_len=9, embed_norm=True,
                                 embed_scale=math.sqrt(16)))
    _randomise_norm(m.embed_norm, 4)
    return m


def embed_norm_checks(check, P, cc, cxx):
    kw = dict(c_compiler=cc, log=quiet)
    s2s = embed_norm_models()
    lm = embed_norm_lm()
    reports = {}

    def float_s2s(i, m, bos, eos):
        r = E.export_seq2seq(m, P("en%d_model.h" % i), "en%d" % i, bos=bos, eos=eos,
                             log=lambda s: reports.__setitem__("en%d" % i, s),
                             c_compiler=cc)
        assert "1 /*embed_norm*/,\n" in r, "the cfg's embed_norm flag is not set"
        assert ("en%d_src_embed_norm_w[" % i) in r, "no source norm array"
        assert (("en%d_tgt_embed_norm_w[" % i) in r) == (i == 0), "target affine"
        print("     " + reports["en%d" % i])
    for i, (label, m, bos, eos) in enumerate(s2s):
        check("seq2seq with embedding LayerNorms, float == PyTorch: %s" % label,
              lambda i=i, m=m, bos=bos, eos=eos: float_s2s(i, m, bos, eos))

    def float_lm():
        r = E.export_lm(lm, P("enl_model.h"), "enl", eos=3,
                        log=lambda s: reports.__setitem__("enl", s), c_compiler=cc)
        assert "1 /*embed_norm*/}" in r and "enl_embed_norm_w[16]" in r, "no embed_norm"
        print("     " + reports["enl"])
    check("decoder-only with an embedding LayerNorm (post-norm, learned, embed_scale sqrt(16)), "
          "float == PyTorch", float_lm)

    def norms_matter():
        # the same headers with the flag off must fail the verification: the norm is applied
        for path, flag, run in (
                (P("en0_model.h"), "1 /*embed_norm*/,\n", lambda p: E._verify_float(
                    "seq2seq", s2s[0][1], p, "en0", [[3, 4, 5], [6, 1]], 1, 2, None, None, cc,
                    REPO, quiet)),
                (P("enl_model.h"), "1 /*embed_norm*/}", lambda p: E._verify_float(
                    "lm", lm, p, "enl", [[3, 4], [5]], None, 3, None, None, cc, REPO, quiet))):
            text = open(path).read()
            assert text.count(flag) == 1
            bad = path.replace("_model.h", "_off_model.h")
            with open(bad, "w") as fh:
                fh.write(text.replace(flag, "0" + flag[1:]))
            refuses(lambda: run(bad), "largest difference", exc=RuntimeError)
        # and without it in PyTorch the model computes something else
        m = s2s[0][1]
        with E._eval_mode(m), torch.no_grad():
            src, tgt = torch.tensor([[3, 4, 5]]), torch.tensor([[1, 6, 7]])
            a = m(src, tgt)
            keep = m.src_embed_norm, m.tgt_embed_norm
            m.src_embed_norm = m.tgt_embed_norm = None
            try:
                b = m(src, tgt)
            finally:
                m.src_embed_norm, m.tgt_embed_norm = keep
        assert float((a - b).abs().max()) > 1e-2
        # the second model's target norm with the encoder's eps (1e-5, not 0.1) computes
        # other logits, far beyond the 1e-5 bound: its verification tells the eps apart
        m = s2s[1][1]
        with E._eval_mode(m), torch.no_grad():
            src, tgt = torch.tensor([[3, 4, 5]]), torch.tensor([[0, 6, 7]])
            a = m(src, tgt)
            m.tgt_embed_norm.eps = 1e-5
            try:
                b = m(src, tgt)
            finally:
                m.tgt_embed_norm.eps = 0.1
        assert float(((a - b).abs() / a.abs().clamp(min=1)).max()) > 1e-3
    check("the embedding norms matter: a header with embed_norm 0 fails the verification; "
          "another eps changes the logits",
          norms_matter)

    rng = np.random.RandomState(23)

    def s8_s2s(i):
        m, bos, eos = s2s[i][1], s2s[i][2], s2s[i][3]
        vocab, max_src = int(m.src_embed.num_embeddings), m.max_src
        calib = [list(rng.randint(0, vocab, size=rng.randint(1, max_src + 1))) for _ in range(24)]
        held = [list(rng.randint(0, vocab, size=rng.randint(1, max_src + 1))) for _ in range(12)]
        E.export_seq2seq_calibration(m, calib, [[bos] + m.greedy(s, bos, eos, m.max_tgt - 1)
                                                for s in calib], P("en%d_calib.h" % i),
                                     "en%d" % i)
        r = E.quantize_seq2seq(P("en%d_model.h" % i), P("en%d_calib.h" % i),
                               P("en%d_model_s8.h" % i), "en%d" % i, samples=held,
                               min_word_agreement=0.5, **kw)
        assert r["samples"] == 12 and 0.5 <= r["word_agreement"] <= 1.0, r
        assert 0.0 <= r["token_error_rate"] <= 1.0 and r["max_logit_error"] > 0.0, r
        for side in ("src", "tgt"):
            assert "en%d_s8_%s_embed_norm_gamma[" % (i, side) in r["text"], "no int8 %s norm" % side
        print("     int8 seq2seq %d: %d of %d outputs identical to float, token error rate "
              "%.1f%%, logits within %.3g (span %.3g)" % (
                  i, r["words_identical"], r["samples"], 100 * r["token_error_rate"],
                  r["max_logit_error"], r["logit_span"]))
    for i in range(len(s2s)):
        check("int8 seq2seq with embedding LayerNorms (%d): bit-identical to the quantizer's "
              "parameters, >= 50%% of held-out outputs identical to float" % i,
              lambda i=i: s8_s2s(i))

    def s8_lm():
        seqs = [list(rng.randint(0, 10, size=rng.randint(1, 10))) for _ in range(24)]
        E.export_lm_calibration(lm, seqs, P("enl_calib.h"), "enl")
        r = E.quantize_lm(P("enl_model.h"), P("enl_calib.h"), P("enl_model_s8.h"), "enl",
                          min_word_agreement=0.5, **kw)
        assert r["samples"] == 24 and "enl_s8_embed_norm_gamma[" in r["text"], r["samples"]
        print("     int8 decoder-only: %d of %d outputs identical to float, token error rate "
              "%.1f%%, logits within %.3g (span %.3g)" % (
                  r["words_identical"], r["samples"], 100 * r["token_error_rate"],
                  r["max_logit_error"], r["logit_span"]))
    check("int8 decoder-only with an embedding LayerNorm: bit-identical header, >= 50% "
          "identical to float", s8_lm)

    def cxx98():
        src = P("en_cxx.cc")
        with open(src, "w") as fh:
            fh.write('#define ATTN_IMPLEMENTATION\n#include "attention.h"\n'
                     '#define EN0_MODEL_IMPLEMENTATION\n#include "en0_model.h"\n#define EN0_MODEL_S8_IMPLEMENTATION\n#include "en0_model_s8.h"\n'
                     '#define ENL_MODEL_IMPLEMENTATION\n#include "enl_model.h"\n#define ENL_MODEL_S8_IMPLEMENTATION\n#include "enl_model_s8.h"\n'
                     'int main(void) { return en0_cfg.embed_norm + enl_cfg.embed_norm + '
                     'en0_s8.logit_zp + enl_s8.logit_zp == 0; }\n')
        r = subprocess.run([cxx, "-std=c++98", "-x", "c++"] + CXXWARN +
                           ["-I" + REPO, "-I" + P(""), "-c", src, "-o", P("en_cxx.o")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
    check("the embedding-norm headers (float and int8) compile as C++98", cxx98)

    # ---- refusals
    def small(**kw2):
        torch.manual_seed(24)
        a = dict(src_vocab=7, tgt_vocab=8, d_model=8, nhead=2, num_encoder_layers=1,
                 num_decoder_layers=1, dim_feedforward=12, max_src=5, max_tgt=6,
                 embed_norm=True)
        a.update(kw2)
        return E.Seq2Seq.build(**a)

    def one_side():
        b = small(embed_norm=False)
        parts = dict(src_embed=b.src_embed, tgt_embed=b.tgt_embed, encoder=b.encoder,
                     decoder=b.decoder, out=b.out, src_pos=b.src_pos, tgt_pos=b.tgt_pos)
        refuses(lambda: E.Seq2Seq.from_modules(src_embed_norm=nn.LayerNorm(8), **parts),
                "src_embed_norm is given but tgt_embed_norm is None", "one embed_norm flag")
        refuses(lambda: E.Seq2Seq(tgt_embed_norm=nn.LayerNorm(8), **parts),
                "tgt_embed_norm is given but src_embed_norm is None")
        refuses(lambda: E.Seq2Seq(src_embed_norm=nn.Linear(8, 8), tgt_embed_norm=nn.LayerNorm(8),
                                  **parts), "src_embed_norm must be an nn.LayerNorm")
        refuses(lambda: E.DecoderLM(nn.Embedding(5, 8), b.encoder, nn.Linear(8, 5), max_len=4,
                                    embed_norm=nn.BatchNorm1d(8)),
                "embed_norm must be an nn.LayerNorm")
        m = small()
        m.tgt_embed_norm = None  # removed after construction: the export refuses it too
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "src_embed_norm is given but "
                "tgt_embed_norm is None")
    check("refused: one side's embedding LayerNorm without the other's (and not a LayerNorm)",
          one_side)

    def other_eps():
        m = small()
        m.src_embed_norm = nn.LayerNorm(8, eps=1e-6)
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "src_embed_norm.eps is 1e-06",
                "encoder's layer eps is 1e-05")
        m = small(layer_norm_eps=1e-6)
        m.tgt_embed_norm = nn.LayerNorm(8)
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "tgt_embed_norm.eps is 1e-05",
                "decoder's layer eps is 1e-06")
        lm2 = E.DecoderLM.build(5, 8, 2, 1, 8, 4, embed_norm=True)
        lm2.embed_norm = nn.LayerNorm(8, eps=1e-3)
        refuses(lambda: E.lm_header(lm2, "r"), "embed_norm.eps is 0.001",
                "encoder's layer eps is 1e-05")
    check("refused: an embedding LayerNorm whose eps is not its stack's, naming both", other_eps)

    def other_shape():
        m = small()
        m.src_embed_norm = nn.LayerNorm((2, 4))
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "src_embed_norm normalises over (2, 4)")
        m = small()
        m.tgt_embed_norm = nn.LayerNorm(12)
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "tgt_embed_norm normalises over (12,)")
        lm2 = E.DecoderLM.build(5, 8, 2, 1, 8, 4, embed_norm=True)
        with torch.no_grad():
            lm2.embed_norm.bias[2] = float("nan")
        refuses(lambda: E.lm_header(lm2, "r"), "embed_norm.bias has NaN")
    check("refused: an embedding LayerNorm over another shape, or with a NaN", other_shape)

    def old_pickle():  # saved by the tools/export.py before the embedding norms
        m = small(embed_norm=False)
        for k in ("src_embed_norm", "tgt_embed_norm"):
            del m.__dict__[k]
        torch.save(m, P("old_s2s.pt"))
        m2 = torch.load(P("old_s2s.pt"))
        assert m2.src_embed_norm is None and m2.tgt_embed_norm is None
        lm2 = E.DecoderLM.build(5, 8, 2, 1, 8, 4)
        del lm2.__dict__["embed_norm"]
        torch.save(lm2, P("old_lm.pt"))
        assert torch.load(P("old_lm.pt")).embed_norm is None
        E.export_seq2seq(m2, P("old_s2s_model.h"), "olds", bos=1, **kw)
    check("a Seq2Seq / DecoderLM pickled before the embedding norms loads (None) and exports",
          old_pickle)

    def cli():
        exe = [sys.executable, os.path.join(REPO, "tools", "export.py")]
        m = small()
        m.tgt_embed_norm = None
        torch.save(m, P("en_one.pt"))
        m = small()
        m.src_embed_norm = nn.LayerNorm(8, eps=1e-3)
        torch.save(m, P("en_eps.pt"))
        for f, needles in (("en_one.pt", ["src_embed_norm is given but tgt_embed_norm is None"]),
                           ("en_eps.pt", ["src_embed_norm.eps is 0.001", "eps is 1e-05"])):
            r = subprocess.run(exe + [P(f), "--name", "bad", "--bos", "1", "-o",
                                      P("en_bad_model.h")], capture_output=True, text=True)
            assert r.returncode == 1, (r.returncode, r.stderr)
            assert "Traceback" not in r.stderr, r.stderr
            assert "cannot export" in r.stderr, r.stderr
            for n in needles:
                assert n in r.stderr, (n, r.stderr)
        m = s2s[0][1]
        torch.save(m, P("en_good.pt"))
        rng2 = np.random.RandomState(25)
        src = [list(rng2.randint(0, 11, size=rng2.randint(1, 8))) for _ in range(16)]
        torch.save({"src": src, "tgt": [[1] + m.greedy(s, 1, 2, 8) for s in src]},
                   P("en_good_calib.pt"))
        r = subprocess.run(exe + [P("en_good.pt"), "--name", "eng", "--bos", "1", "--eos", "2",
                                  "--cc", cc, "-o", P("eng_model.h"), "--calib",
                                  P("en_good_calib.pt"), "--min-word-agreement", "0.5"],
                           capture_output=True, text=True, cwd=P(""))
        assert r.returncode == 0, r.stderr
        assert "verified eng_model.h" in r.stdout and "eng_model_s8.h" in r.stdout, r.stdout
        assert "eng_s8_src_embed_norm_gamma[" in open(P("eng_model_s8.h")).read()
    check("command line: embedding-norm refusals exit 1 with a message and no traceback; a "
          "Seq2Seq with both norms exports, verified, with its int8 model", cli)


def front_models():
    """(label, model, bos, eos) of the encoder-decoders whose source has a
    front end (attn_seq2seq_cfg's src_*)."""
    out = []
    torch.manual_seed(31)
    d = 16
    b = E.Seq2Seq.build(5, 12, d, 2, 2, 1, 24, max_src=7, max_tgt=8)
    m = peaked(E.Seq2Seq(None, b.tgt_embed, encoder=b.encoder, decoder=b.decoder, out=b.out,
                         src_in=nn.Linear(6, d, bias=False), src_pos=b.src_pos,
                         tgt_pos=b.tgt_pos, embed_scale=math.sqrt(d)))
    out.append(("features through Linear(6, 16, bias=False), learned positions, embed_scale "
                "sqrt(16) (the target's tokens only), post-norm relu", m, 1, 11))
    m = peaked(E.Seq2Seq.build(0, 10, 12, 3, 1, 2, 20, max_src=7, max_tgt=8, activation="gelu",
                               norm_first=True, embed_norm=True, src_patch=2, src_channels=2,
                               src_image_size=(4, 6), src_cls=True))
    with torch.no_grad():
        m.src_cls.normal_(0.0, 1.0)
    _randomise_norm(m.src_embed_norm, 32)
    out.append(("a 2x4x6 image in 2x2 Conv2d patches (6) + a CLS row, learned positions, "
                "embedding LayerNorms, pre-norm gelu", m, 0, 8))
    m = peaked(E.Seq2Seq.build(9, 10, 12, 2, 1, 1, 20, max_src=8, max_tgt=8, pos="sinusoidal",
                               embed_scale=math.sqrt(12), src_segments=3, src_cls=True,
                               batch_first=False))
    with torch.no_grad():
        m.src_cls.normal_(0.0, 1.0)
    out.append(("tokens + 3 segment ids + a CLS row, sinusoidal, embed_scale sqrt(12), "
                "batch_first=False", m, 1, 2))
    return out


def front_checks(check, P, cc, cxx):
    kw = dict(c_compiler=cc, log=quiet)
    models = front_models()
    rng = np.random.RandomState(33)
    reports = {}

    def sources(m, n):
        spec = E._src_spec(E.describe_seq2seq(m))
        if spec["front"] == "features":
            return [rng.randn(rng.randint(1, spec["max_rows"] + 1), spec["d_in"]).astype(
                np.float32) for _ in range(n)], None
        if spec["front"] == "patches":
            return [rng.randn(*spec["image"]).astype(np.float32) for _ in range(n)], None
        src = [list(rng.randint(0, spec["vocab"], size=rng.randint(1, spec["max_rows"] + 1)))
               for _ in range(n)]
        return src, [list(rng.randint(0, spec["segments"], size=len(x))) for x in src]

    needles = [
        ["6, 0, 0, 0, 0 /*src_d_in", "0 /*src_cls_token*/, 0 /*src_segments*/}",
         "0 /*src_vocab*/", "    NULL, fr0_tgt_embed,", "fr0_src_embed_w[16 * 6]",
         "NULL /*src_embed_b*/", "#define FR0_SRC_D_IN 6 ",
         "ATTN_SEQ2SEQ_SCRATCH_EX_F32(FR0_MAX_SRC, FR0_MAX_TGT, FR0_D_MODEL, FR0_D_FF, "
         "FR0_TGT_VOCAB, 0)", "attn_seq2seq_encode_ex_f32(&cache, input, NULL, NULL"],
        ["8, 2, 2, 4, 6 /*src_d_in", "1 /*src_cls_token*/, 0 /*src_segments*/}",
         "fr1_src_embed_w[12 * 8]", "fr1_src_embed_b[12]", "fr1_src_cls_token[12]",
         "#define FR1_SRC_PATCHES 6 ", "ATTN_SEQ2SEQ_SCRATCH_EX_F32(FR1_MAX_SRC",
         " FR1_SRC_D_IN)\n"],
        ["0, 0, 0, 0, 0 /*src_d_in", "1 /*src_cls_token*/, 3 /*src_segments*/}",
         "fr2_src_embed[9 * 12]", "fr2_src_segment_embed[3 * 12]", "fr2_src_cls_token[12]",
         "FR2_TGT_VOCAB, 0)", "attn_seq2seq_encode_ex_f32(&cache, NULL, src, segments"]]

    def float_one(i, m, bos, eos, default):
        src, segs = (None, None) if default else sources(m, 8)
        text = E.export_seq2seq(m, P("fr%d_model.h" % i), "fr%d" % i, bos=bos, eos=eos,
                                samples=src, segments=segs, c_compiler=cc,
                                log=lambda s: reports.__setitem__(i, s))
        for n in needles[i]:
            assert n in text, "the header lacks %r" % n
        print("     " + reports[i])
    for i, (label, m, bos, eos) in enumerate(models):
        check("seq2seq with a source front end, float == PyTorch (encode_ex + generate): %s"
              % label, lambda i=i, m=m, bos=bos, eos=eos: float_one(i, m, bos, eos, False))
    check("the same with the default samples (random images; random tokens and segments)",
          lambda: [float_one(i, models[i][1], models[i][2], models[i][3], True)
                   for i in (1, 2)])

    def front_matters():
        # the headers without their CLS row / segments must fail the verification
        for i, flag, off in ((1, "1 /*src_cls_token*/", "0 /*src_cls_token*/"),
                             (2, "3 /*src_segments*/", "0 /*src_segments*/")):
            m, bos, eos = models[i][1:]
            src, segs = sources(m, 4)
            text = open(P("fr%d_model.h" % i)).read()
            assert text.count(flag) == 1
            with open(P("fr%d_off_model.h" % i), "w") as fh:
                fh.write(text.replace(flag, off))
            refuses(lambda: E._verify_float("seq2seq", m, P("fr%d_off_model.h" % i), "fr%d" % i,
                                            src, bos, eos, None, None, cc, REPO, quiet,
                                            segments=segs),
                    "largest difference", exc=RuntimeError)
        # PyTorch: the segments and the CLS row change the logits
        m = models[2][1]
        with E._eval_mode(m), torch.no_grad():
            src, tgt = torch.tensor([[3, 4, 5]]), torch.tensor([[1, 6, 7]])
            a = m(src, tgt)
            b = m(src, tgt, src_segments=torch.tensor([[0, 1, 2]]))
        assert float((a - b).abs().max()) > 1e-2
    check("the front end matters: a header without its CLS row or segments fails the "
          "verification", front_matters)

    def s8_one(i):
        m, bos, eos = models[i][1:]
        calib, csegs = sources(m, 24)
        held, hsegs = sources(m, 12)
        tgt = [[bos] + m.greedy(x, bos, eos, m.max_tgt - 1,
                                segments=None if csegs is None else csegs[k])
               for k, x in enumerate(calib)]
        ctext = E.export_seq2seq_calibration(m, calib, tgt, P("fr%d_calib.h" % i), "fr%d" % i,
                                             segments=csegs)
        assert ("fr%d_calib_input[24]" % i in ctext) == (i < 2), "float calibration inputs"
        assert ("fr%d_calib_seg[24][8]" % i in ctext) == (i == 2), "calibration segments"
        r = E.quantize_seq2seq(P("fr%d_model.h" % i), P("fr%d_calib.h" % i),
                               P("fr%d_model_s8.h" % i), "fr%d" % i, samples=held,
                               segments=hsegs, min_word_agreement=0.5, **kw)
        assert r["samples"] == 12 and 0.5 <= r["word_agreement"] <= 1.0, r
        assert r["max_logit_error"] > 0.0, r
        for n in (["fr%d_s8_src_in_w[" % i] if i < 2 else
                  ["fr2_s8_src_segment_embed[36]", "fr2_s8_src_cls_token[12]"]) + \
                (["fr1_s8_src_cls_token[12]"] if i == 1 else []) + \
                ["ATTN_SEQ2SEQ_SCRATCH_EX_S8(", "attn_seq2seq_encode_ex_s8("]:
            assert n in r["text"], "the int8 header lacks %r" % n
        print("     int8 front end %d: %d of %d held-out outputs identical to float, token error "
              "rate %.1f%%, logits within %.3g (span %.3g)" % (
                  i, r["words_identical"], r["samples"], 100 * r["token_error_rate"],
                  r["max_logit_error"], r["logit_span"]))
    for i, (label, m, bos, eos) in enumerate(models):
        check("int8 seq2seq with a source front end (%d): quantized on %s, the header "
              "bit-identical to the quantizer's parameters (attn_seq2seq_encode_ex_s8), >= 50%% "
              "of held-out outputs identical to float" % (i, ("float features", "float images",
                                                             "token and segment ids")[i]),
              lambda i=i: s8_one(i))

    def s8_default():  # samples=None: the calibration header's own inputs, read back
        r = E.quantize_seq2seq(P("fr0_model.h"), P("fr0_calib.h"), P("fr0_again_s8.h"), "fr0",
                               min_word_agreement=0.5, **kw)
        assert r["samples"] == 24 and r["on"] == "calibration sources", r
    check("int8 front end: the calibration header's float inputs as the samples", s8_default)

    def cxx98():
        src = P("fr_cxx.cc")
        with open(src, "w") as fh:
            fh.write('#define ATTN_IMPLEMENTATION\n#include "attention.h"\n' +
                     "".join('#define FR%d_MODEL_IMPLEMENTATION\n#include "fr%d_model.h"\n'
                                     '#define FR%d_MODEL_S8_IMPLEMENTATION\n'
                                     '#include "fr%d_model_s8.h"\n' % (i, i, i, i)
                             for i in range(3)) +
                     'int main(void) { return fr0_cfg.src_d_in + fr1_cfg.src_patch + '
                     'fr2_cfg.src_segments + fr0_s8.src_in_zp + fr1_s8.logit_zp == 0; }\n')
        r = subprocess.run([cxx, "-std=c++98", "-x", "c++"] + CXXWARN +
                           ["-I" + REPO, "-I" + P(""), "-c", src, "-o", P("fr_cxx.o")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
    check("the front-end headers (float and int8) compile as C++98", cxx98)

    # ---- refusals
    def parts():
        torch.manual_seed(34)
        b = E.Seq2Seq.build(5, 8, 8, 2, 1, 1, 12, max_src=6, max_tgt=6)
        return dict(tgt_embed=b.tgt_embed, encoder=b.encoder, decoder=b.decoder, out=b.out,
                    src_pos=b.src_pos, tgt_pos=b.tgt_pos)

    def conv(*a, **k):
        return lambda: E.Seq2Seq(None, src_in=nn.Conv2d(*a, **k), src_image_size=(4, 4),
                                 **parts())

    def conv_refused():
        refuses(conv(1, 8, 2, stride=1), "src_in has stride (1, 1) with a 2x2 kernel",
                "non-overlapping")
        refuses(conv(1, 8, 2, stride=2, padding=1), "src_in has padding (1, 1)")
        refuses(conv(1, 8, 2, stride=2, dilation=2), "src_in has dilation (2, 2)")
        refuses(conv(2, 8, 2, stride=2, groups=2), "src_in has groups=2")
        refuses(conv(1, 8, (2, 1), stride=(2, 1)), "src_in has a 2x1 kernel")
        m = E.Seq2Seq(None, src_in=nn.Conv2d(1, 8, 2, stride=2), src_image_size=(4, 4), **parts())
        m.src_in = nn.Conv2d(1, 8, 2, stride=1)  # after construction: the export refuses it
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "src_in has stride (1, 1)")
        refuses(lambda: E.Seq2Seq(None, src_in=nn.Conv2d(1, 8, 2, stride=2), **parts()),
                "give src_image_size")
        refuses(lambda: E.Seq2Seq(None, src_in=nn.Conv2d(1, 8, 2, stride=2),
                                  src_image_size=(4, 5), **parts()),
                "not a whole number of 2x2 patches")
        m = E.Seq2Seq(None, src_in=nn.Conv2d(1, 8, 2, stride=2), src_image_size=(4, 6),
                      src_cls=nn.Parameter(torch.zeros(8)), **parts())
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2),
                "a 4x6 image is 6 patches + the CLS row: more than max_src 6")
        m = E.Seq2Seq(None, src_in=nn.Conv2d(1, 6, 2, stride=2), src_image_size=(4, 4), **parts())
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "src_in has 6 output channels; the "
                "encoder is 8 wide")
    check("refused: a Conv2d source whose patches overlap or are not squares (stride != kernel, "
          "padding, dilation, groups), without an image size, of another width, too many "
          "patches", conv_refused)

    def cls_refused():
        refuses(lambda: E.Seq2Seq(nn.Embedding(5, 8), src_cls=nn.Parameter(torch.zeros(2, 8)),
                                  **parts()),
                "src_cls must be a tensor of [d_model], [1, d_model] or [1, 1, d_model]",
                "not [2, 8]")
        m = E.Seq2Seq(nn.Embedding(5, 8), src_cls=nn.Parameter(torch.zeros(1, 1, 6)), **parts())
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2),
                "src_cls has 6 values; the encoder is 8 wide")
        m = E.Seq2Seq(nn.Embedding(5, 8), **parts())
        m.src_cls = nn.Parameter(torch.zeros(3, 8))
        refuses(lambda: E.seq2seq_header(m, "r", 1, 2), "src_cls must be a tensor")
        m = E.Seq2Seq(nn.Embedding(5, 8), src_cls=nn.Parameter(torch.zeros(8)), **parts(),
                      max_src=None)
        assert m.max_src == 6
    check("refused: a CLS row of the wrong shape or width", cls_refused)

    def others_refused():
        p = parts()
        refuses(lambda: E.Seq2Seq(nn.Embedding(5, 8), src_in=nn.Linear(4, 8), **p),
                "give src_embed", "not both")
        refuses(lambda: E.Seq2Seq(None, **p), "needs src_embed=", "or src_in=")
        refuses(lambda: E.Seq2Seq(None, src_in=nn.Conv1d(1, 8, 2), **p),
                "src_in must be an nn.Linear(d_in, d_model)")
        refuses(lambda: E.Seq2Seq(None, src_in=nn.Linear(4, 8),
                                  src_segment_embed=nn.Embedding(2, 8), **p),
                "src_segment_embed needs token ids")
        refuses(lambda: E.Seq2Seq(None, src_in=nn.Linear(4, 8), src_image_size=(4, 4), **p),
                "src_image_size is for an nn.Conv2d src_in")
        refuses(lambda: E.Seq2Seq(nn.Embedding(5, 8), src_segment_embed=nn.Embedding(
            2, 8, max_norm=1.0), **p), "src_segment_embed uses max_norm")
        refuses(lambda: E.seq2seq_header(E.Seq2Seq(None, src_in=nn.Linear(4, 6), **p), "r", 1, 2),
                "src_in is Linear(4, 6); the encoder is 8 wide")
        fm, bos, eos = models[0][1:]
        refuses(lambda: E.export_seq2seq(fm, P("r_model.h"), "r", bos=bos, eos=eos,
                                         samples=[np.zeros((2, 5))], **kw),
                "samples[0] is [2, 5]; the model's source is features [rows, 6], 1..7 rows")
        refuses(lambda: E.export_seq2seq(fm, P("r_model.h"), "r", bos=bos, eos=eos,
                                         samples=[np.zeros((8, 6))], **kw),
                "samples[0] is [8, 6]")
        refuses(lambda: E.seq2seq_calibration_header(fm, [[1, 2]], [[1]], "r"),
                "src[0] is [2]; the model's source is features")
        refuses(lambda: E.seq2seq_calibration_header(fm, [np.zeros((1, 6))], [[1]], "r",
                                                     segments=[[0]]),
                "segments= are for token sources")
        tm, bos, eos = models[2][1:]
        refuses(lambda: E.export_seq2seq(tm, P("r_model.h"), "r", bos=bos, eos=eos,
                                         samples=[[1, 2]], segments=[[0, 3]], **kw),
                "segments[0] has segment 3 outside the segment table (0..2)")
        refuses(lambda: E.seq2seq_calibration_header(tm, [[1, 2]], [[1]], "r",
                                                     segments=[[0]]),
                "segments[0] has 1 ids for a source of 2 tokens")
        refuses(lambda: E.seq2seq_calibration_header(tm, [[1] * 8], [[1]], "r"),
                "src[0] has 8 tokens; at most 7")
        with E._eval_mode(tm), torch.no_grad():
            refuses(lambda: tm(torch.zeros(1, 3, 4), torch.tensor([[1]])),
                    "source is token ids [batch, length]")
            refuses(lambda: models[1][1](torch.zeros(1, 2, 4, 4), torch.tensor([[1]])),
                    "source is images [batch, 2, 4, 6]")
    check("refused: src_embed and src_in together, other src_in types, segments without "
          "tokens, samples / calibration / segment ids that do not fit the source",
          others_refused)

    def cli():
        exe = [sys.executable, os.path.join(REPO, "tools", "export.py")]
        m = E.Seq2Seq(None, src_in=nn.Conv2d(1, 8, 2, stride=2), src_image_size=(4, 4), **parts())
        m.src_in = nn.Conv2d(1, 8, 3, stride=2)
        torch.save(m, P("fr_stride.pt"))
        m = E.Seq2Seq(nn.Embedding(5, 8), **parts())
        m.src_cls = nn.Parameter(torch.zeros(2, 8))
        torch.save(m, P("fr_cls.pt"))
        for f, needle in (("fr_stride.pt", "src_in has stride (2, 2) with a 3x3 kernel"),
                          ("fr_cls.pt", "src_cls must be a tensor of [d_model]")):
            r = subprocess.run(exe + [P(f), "--name", "bad", "--bos", "1", "-o",
                                      P("fr_bad_model.h")], capture_output=True, text=True)
            assert r.returncode == 1, (r.returncode, r.stderr)
            assert "Traceback" not in r.stderr and "cannot export" in r.stderr, r.stderr
            assert needle in r.stderr, (needle, r.stderr)
        m, bos, eos = models[2][1:]
        torch.save(m, P("fr_good.pt"))
        src, segs = sources(m, 16)
        torch.save({"src": src, "tgt": [[bos] + m.greedy(s, bos, eos, 7, segments=g)
                                        for s, g in zip(src, segs)], "segments": segs},
                   P("fr_good_calib.pt"))
        r = subprocess.run(exe + [P("fr_good.pt"), "--name", "frc", "--bos", str(bos), "--eos",
                                  str(eos), "--cc", cc, "--calib", P("fr_good_calib.pt"),
                                  "--min-word-agreement", "0.5"],
                           capture_output=True, text=True, cwd=P(""))
        assert r.returncode == 0, r.stderr
        assert "verified" in r.stdout and "frc_model_s8.h" in r.stdout, r.stdout
        assert "frc_calib_seg[16][8]" in open(P("frc_calib.h")).read()
    check("command line: a stride-3 Conv2d source and a [2, 8] CLS are refused (exit 1, a "
          "message, no traceback); a tokens + segments + CLS model exports and quantizes with "
          "calibration segments (exit 0)", cli)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cc", default="cc", help="C compiler (default cc)")
    ap.add_argument("--cxx", default="g++", help="C++ compiler for the C++98 check (g++)")
    ap.add_argument("work", nargs="?", help="directory for the generated files (default: a "
                    "temporary one)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    E.C_WARN = WARN  # the runner and the quantizer hold the generated C to these
    tmpdir = None
    if args.work:
        work = os.path.abspath(args.work)  # (the command-line checks change directory)
        os.makedirs(work, exist_ok=True)
    else:
        tmpdir = tempfile.TemporaryDirectory(prefix="test_export_")
        work = tmpdir.name
    cc = args.cc
    P = lambda f: os.path.join(work, f)  # noqa: E731
    kw = dict(c_compiler=cc, log=quiet)

    # ---- float: every variant exports and verifies (C == PyTorch) -----------------
    s2s = seq2seq_models()
    for i, (label, m, bos, eos, extra) in enumerate(s2s):
        check("seq2seq float == PyTorch: %s" % label,
              lambda m=m, i=i, bos=bos, eos=eos, extra=extra: E.export_seq2seq(
                  m, P("s%d_model.h" % i), "s%d" % i, bos=bos, eos=eos, **dict(kw, **extra)))
    lms = lm_models()
    for i, (label, m, eos, extra) in enumerate(lms):
        check("decoder-only float == PyTorch: %s" % label,
              lambda m=m, i=i, eos=eos, extra=extra: E.export_lm(
                  m, P("l%d_model.h" % i), "l%d" % i, eos=eos, **dict(kw, **extra)))

    def g2p_like():
        torch.manual_seed(3)
        user = peaked(G2PLike())
        with torch.no_grad():  # never PAD, as a trained model (its forward masks fed PADs)
            user.out.bias[0] = -100.0
        user.train()  # still training: the export is the eval-mode model, modes untouched
        m = E.Seq2Seq.from_modules(src_embed=user.src_embed, tgt_embed=user.tgt_embed,
                                   src_pos=user.src_pos, tgt_pos=user.tgt_pos,
                                   transformer=user.transformer, out=user.out)
        rng = np.random.RandomState(5)
        samples = [list(rng.randint(1, 9, size=k)) for k in (1, 3, 6, 4)]  # no pad tokens
        E.export_seq2seq(m, P("g_model.h"), "g", bos=1, eos=2, samples=samples,
                         reference=user, **kw)
        assert all(mod.training for mod in user.modules()), "training flags changed"
        # shared, not copied: a change to the user's weights is the exported model's
        with torch.no_grad():
            user.out.bias.add_(1.0)
        assert torch.equal(m.out.bias, user.out.bias)
        # and the check sees a model that differs from the reference
        other = G2PLike()
        refuses(lambda: E.export_seq2seq(m, P("g_bad.h"), "g", bos=1, eos=2, samples=samples,
                                         reference=other, **kw),
                "reference computes other logits", exc=RuntimeError)
    check("an ordinary nn.Transformer model exported as it is (Seq2Seq.from_modules, shared "
          "modules, reference=the user's model in training mode)", g2p_like)

    def padding():
        m = s2s[0][1]
        src = torch.tensor([[3, 4, 5, 0, 0]])
        pad = torch.tensor([[False, False, False, True, True]])
        tgt = torch.tensor([[1, 6, 7, 8]])
        with E._eval_mode(m), torch.no_grad():
            a = m(src, tgt, src_key_padding_mask=pad)
            b = m(src[:, :3], tgt)
        err = float(((a - b).abs() / b.abs().clamp(min=1)).max())
        assert err <= 1e-5, err
    check("forward with trailing source padding masked == the unpadded source (what C runs)",
          padding)

    def deterministic():
        m, bos, eos = s2s[0][1], s2s[0][2], s2s[0][3]
        a = E.seq2seq_header(m, "s0", bos, eos)
        assert a == open(P("s0_model.h")).read()
        assert E.lm_header(lms[0][1], "l0", lms[0][2]) == open(P("l0_model.h")).read()
    check("headers are deterministic (the same text again)", deterministic)

    def tampered_float():
        m = s2s[0][1]
        text = open(P("s0_model.h")).read()
        k = text.index("s0_out_w[13 * 16] = {\n    ") + len("s0_out_w[13 * 16] = {\n    ")
        end = text.index(",", k)
        bad = text[:k] + E.c_float(float(text[k:end].rstrip("f")) + 0.01) + text[end:]
        with open(P("s0_bad.h"), "w") as fh:
            fh.write(bad)
        msg = refuses(lambda: E._verify_float("seq2seq", m, P("s0_bad.h"), "s0",
                                              [[3, 4, 5], [6]], 1, 2, None, None, cc,
                                              REPO, quiet),
                      "largest difference", "logit 0", exc=RuntimeError)
        assert "sample" in msg and "step" in msg, msg
    check("float verification fails on a header with one weight changed by 0.01, naming "
          "where", tampered_float)

    # ---- int8 --------------------------------------------------------------------
    rng = np.random.RandomState(7)
    m0 = s2s[0][1]
    calib_src = [list(rng.randint(0, 11, size=rng.randint(1, 8))) for _ in range(24)]
    calib_tgt = [[1] + m0.greedy(s, 1, 2, 8) for s in calib_src]  # BOS + the model's own outputs
    held_out = [list(rng.randint(0, 11, size=rng.randint(1, 8))) for _ in range(12)]
    reports = {}

    def s8_seq2seq():
        E.export_seq2seq_calibration(m0, calib_src, calib_tgt, P("s0_calib.h"), "s0")
        r = E.quantize_seq2seq(P("s0_model.h"), P("s0_calib.h"), P("s0_model_s8.h"), "s0",
                               samples=held_out, min_word_agreement=0.5, **kw)
        reports["s2s"] = r
        assert r["samples"] == 12 and 0.5 <= r["word_agreement"] <= 1.0, r
        assert 0.0 <= r["token_error_rate"] <= 1.0 and r["max_logit_error"] > 0.0, r
        print("     int8 seq2seq: %d of %d outputs identical to float, token error rate %.1f%%, "
              "logits within %.3g (span %.3g)" % (r["words_identical"], r["samples"],
                                                  100 * r["token_error_rate"],
                                                  r["max_logit_error"], r["logit_span"]))
        assert "\nconst attn_seq2seq_s8_params s0_s8 = {" in r["text"]
        assert "#define S0_S8_WEIGHT_BYTES " in r["text"]
    check("int8 seq2seq: quantized, the header bit-identical to the quantizer's parameters, "
          ">= 50% of held-out outputs identical to float", s8_seq2seq)

    lm0 = lms[0][1]

    def s8_lm():
        seqs = [list(rng.randint(0, 10, size=rng.randint(1, 10))) for _ in range(24)]
        E.export_lm_calibration(lm0, seqs, P("l0_calib.h"), "l0")
        r = E.quantize_lm(P("l0_model.h"), P("l0_calib.h"), P("l0_model_s8.h"), "l0",
                          min_word_agreement=0.5, **kw)
        reports["lm"] = r
        assert r["samples"] == 24, r
        print("     int8 decoder-only: %d of %d outputs identical to float, token error rate "
              "%.1f%%" % (r["words_identical"], r["samples"], 100 * r["token_error_rate"]))
    check("int8 decoder-only: quantized, bit-identical to the quantizer's parameters, "
          ">= 50% identical to float", s8_lm)

    def s8_gelu():
        m, bos, eos = s2s[1][1], s2s[1][2], s2s[1][3]
        src = [list(rng.randint(0, 9, size=rng.randint(1, 7))) for _ in range(16)]
        E.export_seq2seq_calibration(m, src, [[bos] + m.greedy(s, bos, eos, 7) for s in src],
                                     P("s1_calib.h"), "s1")
        r = E.quantize_seq2seq(P("s1_model.h"), P("s1_calib.h"), P("s1_model_s8.h"), "s1",
                               min_word_agreement=0.0, **kw)
        assert "s1_s8_enc_l0_gelu[256]" in r["text"], "no GELU table"
        assert "s1_s8_src_pos" in r["text"], "sinusoidal positions not baked"
        E.export_lm_calibration(lms[1][1], [[1, 2, 3], [4, 5, 6, 7, 8]], P("l1_calib.h"), "l1")
        E.quantize_lm(P("l1_model.h"), P("l1_calib.h"), P("l1_model_s8.h"), "l1",
                      min_word_agreement=0.0, **kw)
    check("int8 of the pre-norm GELU sinusoidal models (GELU tables, baked positions): "
          "bit-identical header", s8_gelu)

    def s8_deterministic():
        r = E.quantize_seq2seq(P("s0_model.h"), P("s0_calib.h"), P("s0_again_s8.h"), "s0",
                               samples=held_out, min_word_agreement=0.5, **kw)
        assert r["text"] == reports["s2s"]["text"]
    check("int8 header deterministic (quantized twice: the same text)", s8_deterministic)

    def s8_threshold():
        refuses(lambda: E.quantize_seq2seq(P("s0_model.h"), P("s0_calib.h"), P("s0_x_s8.h"),
                                           "s0", samples=held_out, min_word_agreement=1.01,
                                           **kw),
                "min_word_agreement 101.0%", exc=RuntimeError)
    check("int8 agreement below min_word_agreement fails", s8_threshold)

    def s8_tampered():
        real = E._write

        def bad_write(path, text):  # the printed header with one int8 weight changed
            if path.endswith("_s8.h"):
                d = "\nconst int8_t s0_s8_out_w[208] = {\n    "  # (the definition)
                k = text.index(d) + len(d)
                end = text.index(",", k)
                v = int(text[k:end])
                text = text[:k] + str(v + 1 if v < 127 else v - 1) + text[end:]
            real(path, text)
        E._write = bad_write
        try:
            refuses(lambda: E.quantize_seq2seq(P("s0_model.h"), P("s0_calib.h"),
                                               P("s0_y_s8.h"), "s0", samples=held_out,
                                               min_word_agreement=0.0, **kw),
                    "runs differently from the parameters the quantizer made", exc=RuntimeError)
        finally:
            E._write = real
    check("an int8 header that differs from the quantizer's parameters is caught", s8_tampered)

    def cxx98():
        src = P("cxx.cc")
        with open(src, "w") as fh:
            fh.write('#define ATTN_IMPLEMENTATION\n#include "attention.h"\n'
                     '#define S0_MODEL_IMPLEMENTATION\n#include "s0_model.h"\n#define S0_MODEL_S8_IMPLEMENTATION\n#include "s0_model_s8.h"\n'
                     '#define L0_MODEL_IMPLEMENTATION\n#include "l0_model.h"\n#define L0_MODEL_S8_IMPLEMENTATION\n#include "l0_model_s8.h"\n'
                     '#define S1_MODEL_IMPLEMENTATION\n#include "s1_model.h"\n#define S1_MODEL_S8_IMPLEMENTATION\n#include "s1_model_s8.h"\n'
                     'int main(void) { return s0_cfg.max_src + s0_s8.logit_zp + '
                     'l0_s8.logit_zp + s1_s8.logit_zp + (int)sizeof s0_weights + '
                     '(int)sizeof l0_weights + (int)sizeof s1_weights == 0; }\n')
        r = subprocess.run([args.cxx, "-std=c++98", "-x", "c++"] + CXXWARN +
                           ["-I" + REPO, "-I" + work, "-c", src, "-o", P("cxx.o")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
    check("the float and int8 headers compile as C++98 (-Wall -Wextra -Wpedantic -Werror)", cxx98)

    # ---- refusals: what attention.h would compute differently -------------------
    def fresh(**kw2):
        torch.manual_seed(4)
        a = dict(src_vocab=7, tgt_vocab=8, d_model=8, nhead=2, num_encoder_layers=1,
                 num_decoder_layers=2, dim_feedforward=12, max_src=5, max_tgt=6)
        a.update(kw2)
        return E.Seq2Seq.build(**a)

    def refused_export(m, *needles):
        return lambda: refuses(lambda: E.seq2seq_header(m, "r", 1, 2), *needles)

    m = fresh()
    m.decoder.layers[1].activation = F.silu
    check("refused: a SiLU activation", refused_export(m, "decoder.layers[1]", "neither relu"))
    m = fresh()
    m.decoder.layers[0].multihead_attn = nn.MultiheadAttention(8, 2, kdim=6, vdim=6,
                                                               batch_first=True)
    check("refused: cross-attention with kdim/vdim != d_model",
          refused_export(m, "decoder.layers[0].multihead_attn has kdim=6 vdim=6"))
    m = fresh()
    m.decoder.layers[0].self_attn = nn.MultiheadAttention(8, 2, add_bias_kv=True,
                                                          batch_first=True)
    check("refused: add_bias_kv", refused_export(m, "decoder.layers[0].self_attn uses "
                                                    "add_bias_kv=True"))
    m = fresh()
    m.decoder.layers[1].multihead_attn = nn.MultiheadAttention(8, 2, add_zero_attn=True,
                                                               batch_first=True)
    check("refused: add_zero_attn", refused_export(m, "add_zero_attn=True"))
    m = fresh()
    m.decoder.layers[1].linear1, m.decoder.layers[1].linear2 = nn.Linear(8, 10), nn.Linear(10, 8)
    check("refused: a different d_ff in one decoder layer",
          refused_export(m, "decoder.layers[1].d_ff is 10", "one config"))
    m = fresh()
    m.decoder.layers[0].norm3 = nn.LayerNorm(8, eps=1e-6)
    check("refused: norm3 with another eps", refused_export(m, "norm3.eps"))
    m = fresh()
    m.decoder = fresh(d_model=12, nhead=2).decoder
    check("refused: encoder and decoder of different widths",
          refused_export(m, "the encoder is 8 wide, the decoder 12"))
    m = fresh()
    m.decoder = fresh(nhead=4).decoder
    check("refused: encoder and decoder with different head counts",
          refused_export(m, "n_heads is 2, the decoder's 4"))
    m = fresh()
    with torch.no_grad():
        m.tgt_embed.weight[3, 1] = float("nan")
    check("refused: a NaN in an embedding table", refused_export(m, "tgt_embed.weight has NaN"))
    m = fresh()
    with torch.no_grad():
        m.src_pos.weight[0, 0] = float("inf")
    check("refused: an infinite position", refused_export(m, "src_pos has NaN or infinite"))
    m = fresh()
    m.out = nn.Linear(8, 9)
    check("refused: an output layer of another size than the target vocabulary",
          refused_export(m, "out is Linear(8, 9); expected Linear(8, 8)"))

    class Custom(E.Seq2Seq):
        def forward(self, src, tgt, src_key_padding_mask=None, tgt_key_padding_mask=None):
            return super().forward(src, tgt) * 2

    m = fresh()
    m.__class__ = Custom
    check("refused: a subclass overriding forward", refused_export(m, "overrides Seq2Seq.forward"))
    m = fresh()
    m.decoder.layers[0].linear2.register_forward_hook(lambda mod, i, o: o * 2)
    check("refused: a forward hook", refused_export(m, "forward hooks"))
    check("refused: not a Seq2Seq",
          lambda: refuses(lambda: E.seq2seq_header(nn.Transformer(8, 2), "r", 1, 2),
                          "needs a tools/export.py Seq2Seq"))
    check("refused: learned source and sinusoidal target positions",
          lambda: refuses(lambda: E.Seq2Seq(nn.Embedding(5, 8), nn.Embedding(5, 8),
                                             encoder=fresh().decoder, decoder=fresh().decoder,
                                             out=nn.Linear(8, 5),
                                             src_pos=nn.Embedding(4, 8), tgt_pos="sinusoidal"),
                          "one kind of positions"))
    check("refused: an embedding with max_norm",
          lambda: refuses(lambda: E.Seq2Seq(nn.Embedding(5, 8, max_norm=1.0),
                                             nn.Embedding(5, 8), transformer=nn.Transformer(8, 2),
                                             out=nn.Linear(8, 5), max_src=4, max_tgt=4),
                          "src_embed uses max_norm"))
    check("refused: sinusoidal positions without max_src",
          lambda: refuses(lambda: E.Seq2Seq(nn.Embedding(5, 8), nn.Embedding(5, 8),
                                             transformer=nn.Transformer(8, 2),
                                             out=nn.Linear(8, 5), src_pos="sinusoidal",
                                             tgt_pos="sinusoidal", max_tgt=4),
                          "max_src (an int >= 1) is needed"))
    check("refused: bos outside the target vocabulary",
          lambda: refuses(lambda: E.seq2seq_header(fresh(), "r", 8, 2), "bos 8 is outside"))
    check("refused: verification samples outside the source vocabulary / too long",
          lambda: (refuses(lambda: E.export_seq2seq(fresh(), P("r_model.h"), "r", bos=1,
                                                    samples=[[1, 2], [7]], **kw),
                           "samples[1] has token 7 outside"),
                   refuses(lambda: E.export_lm(E.DecoderLM.build(5, 8, 2, 1, 8, 4),
                                               P("r_model.h"), "r", samples=[[1] * 5], **kw),
                           "samples[0] has 5 tokens; at most 4")))
    check("refused: embed_scale 0",
          lambda: refuses(lambda: E.DecoderLM.build(5, 8, 2, 1, 8, 4, embed_scale=0.0),
                          "embed_scale must be finite and not 0"))
    check("refused: a decoder-only model of decoder layers",
          lambda: refuses(lambda: E.DecoderLM(nn.Embedding(5, 8), fresh().decoder,
                                              nn.Linear(8, 5), max_len=4),
                          "encoder must be nn.TransformerEncoder"))
    m = E.DecoderLM.build(5, 8, 2, 1, 8, 4)
    m.encoder.layers[0].activation = torch.tanh
    check("refused: decoder-only with a tanh activation",
          lambda: refuses(lambda: E.lm_header(m, "r", None), "encoder.layers[0]",
                          "neither relu"))
    check("refused: calibration tokens outside the vocabulary / too long",
          lambda: (refuses(lambda: E.seq2seq_calibration_header(fresh(), [[1, 7]], [[1]], "r"),
                           "src[0] has token 7 outside"),
                   refuses(lambda: E.seq2seq_calibration_header(fresh(), [[1]], [[1] * 7], "r"),
                           "tgt[0] has 7 tokens; at most 6")))

    def cli():
        m = fresh()
        m.encoder.layers[0].activation = F.silu
        torch.save(m, P("bad.pt"))
        r = subprocess.run([sys.executable, os.path.join(REPO, "tools", "export.py"), P("bad.pt"),
                            "--name", "bad", "--bos", "1", "-o", P("bad_model.h")],
                           capture_output=True, text=True)
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert "cannot export" in r.stderr and "neither relu" in r.stderr, r.stderr
        torch.save(s2s[0][1], P("good.pt"))
        r = subprocess.run([sys.executable, os.path.join(REPO, "tools", "export.py"),
                            P("good.pt"), "--name", "good", "--bos", "1", "--eos", "2",
                            "--cc", cc, "-o", P("good_model.h")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "verified" in r.stdout, r.stdout
    check("command line: a Seq2Seq pickle exports (exit 0), a SiLU one is refused (exit 1)", cli)

    embed_norm_checks(check, P, cc, args.cxx)
    front_checks(check, P, cc, args.cxx)
    classifier_checks(check, P, cc, args.cxx)
    import test_byom  # bring your own model (tools/byom.py): ordinary nn.Modules
    test_byom.run(check, P, cc)

    n_fail = results.count(False)
    print("%d passed, %d failed" % (results.count(True), n_fail))
    if tmpdir is not None:
        tmpdir.cleanup()
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
