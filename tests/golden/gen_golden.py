#!/usr/bin/python3
"""Generate tests/golden/golden_data.h: PyTorch reference outputs for attention.h.

Run from the repository root with the Debian Python (it has PyTorch and NumPy):

    /usr/bin/python3 tests/golden/gen_golden.py

Every case in CASES below is built by one function per kind (see BUILDERS),
which constructs the PyTorch module, randomises all of its parameters, runs it
on random inputs and returns a dict whose keys are the fields of `golden_case`
(tests/golden/golden.h). emit_header() then writes those dicts as C arrays plus
the `golden_cases[]` table.

Notes on the PyTorch semantics reproduced here:
  * float32, batch_first=False, batch size 1 (tensors are [seq, 1, d]);
  * modules in eval() with dropout=0.0;
  * autograd is left ENABLED (no torch.no_grad()) so PyTorch does not take its
    inference "fast path" kernels, and TransformerEncoder is built with
    enable_nested_tensor=False so outputs at padded positions are not zeroed;
  * every parameter is re-randomised after construction (PyTorch initialises
    LayerNorm weights/biases and linear biases to 1/0, which would hide bugs).

The decoder side of issue 10 (DEC_CASES: nn.MultiheadAttention with separate
query, key and value, nn.TransformerDecoderLayer / nn.TransformerDecoder,
nn.Transformer, and token models with nn.Embedding, positions and an output
nn.Linear: an encoder-decoder and a decoder-only LM, teacher-forced logits
and PyTorch greedy runs) is a second table, `golden_dec_cases[]`, of its own
schema (golden_dec_case), appended after the first, whose cases stay as
they were. Its builders are in DEC_BUILDERS.

Additive (Bahdanau) attention (issue 11: ADD_CASES, the reference in PyTorch
ops - nn.Linear, torch.tanh, torch.softmax) is a table of its own,
`golden_add_cases[]` (golden_add_case), after the other two, behind its own
GOLDEN_ADD_FLASH_LIMIT (default GOLDEN_FLASH_LIMIT).

Each case is seeded with crc32(case name), so adding or reordering cases does
not change the data of the others, and rerunning gives a byte-identical file.

Small boards: every case's arrays and its table row sit inside
`#if GOLDEN_FLASH_LIMIT >= <bytes of that case's arrays>`, so a build with
-DGOLDEN_FLASH_LIMIT=N keeps only the cases of at most N bytes each (flash is
what the micro:bit lacks: all cases together are ~334 KB). The cases left out
that way are listed, with their sizes, in `golden_left_out[]`, so the runner
can report them instead of silently running fewer cases.
"""

import math
import os
import platform
import re
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "golden.h")
OUTPUT = os.path.join(HERE, "golden_data.h")

# --------------------------------------------------------------------------
# Case table. Defaults: eps 1e-5, no padding, not causal, post-norm, relu.
#   pad     = number of trailing key positions masked by key_padding_mask
#   seq_kv  = (cross attention only) rows of the key/value sequence
# --------------------------------------------------------------------------
CASES = [
    # nn.LayerNorm
    dict(kind="layernorm", name="ln_s5_d20", seq=5, d=20),
    dict(kind="layernorm", name="ln_s37_d24_eps1e6", seq=37, d=24, eps=1e-6),
    dict(kind="layernorm", name="ln_s1_d7", seq=1, d=7),
    dict(kind="layernorm", name="ln_s3_d16_noaffine", seq=3, d=16, affine=False),
    # accuracy cases (issue 9): expected is the float64 layer norm of the
    # same float32 input; attention.h must be at least as close to it as
    # PyTorch's float32 LayerNorm (torch_err)
    dict(kind="layernorm", name="ln_acc_offset1000_s4_d64", seq=4, d=64, offset=1000.0),
    dict(kind="layernorm", name="ln_acc_offset_neg3e4_s3_d20", seq=3, d=20, offset=-3e4),
    dict(kind="layernorm", name="ln_acc_offset1e6_s2_d33_noaffine", seq=2, d=33, offset=1e6,
         affine=False),
    dict(kind="layernorm", name="ln_acc_const_rows_s4_d16", seq=4, d=16, const=True),
    dict(kind="layernorm", name="ln_acc_tiny_eps_s3_d32", seq=3, d=32, eps=1e-12, spread=1e-4,
         offset=5.0),
    dict(kind="layernorm", name="ln_acc_const_tiny_eps_s2_d8", seq=2, d=8, eps=1e-12, const=True),
    # nn.MultiheadAttention, self attention
    dict(kind="mha", name="mha_self_s7_d20_h4", seq=7, d=20, heads=4),
    dict(kind="mha", name="mha_self_s37_d24_h3_pad5", seq=37, d=24, heads=3, pad=5),
    dict(kind="mha", name="mha_self_s9_d20_h4_causal", seq=9, d=20, heads=4, causal=True),
    dict(kind="mha", name="mha_self_s1_d20_h4", seq=1, d=20, heads=4),
    dict(kind="mha", name="mha_self_s6_d21_h3", seq=6, d=21, heads=3),
    dict(kind="mha", name="mha_self_s10_d24_h3_causal_pad3", seq=10, d=24, heads=3,
         causal=True, pad=3),
    # nn.MultiheadAttention, cross attention (query x, key = value = kv)
    dict(kind="mha", name="mha_cross_q6_kv11_d24_h3_pad4", seq=6, seq_kv=11, d=24,
         heads=3, pad=4),
    dict(kind="mha", name="mha_cross_q5_kv1_d20_h4", seq=5, seq_kv=1, d=20, heads=4),
    # nn.TransformerEncoderLayer
    dict(kind="encoder_layer", name="enc_post_relu_s8_d20_h4", seq=8, d=20, heads=4,
         ff=40, act="relu"),
    dict(kind="encoder_layer", name="enc_pre_gelu_s37_d24_h3_pad6", seq=37, d=24, heads=3,
         ff=40, act="gelu", norm_first=True, pad=6),
    dict(kind="encoder_layer", name="enc_post_gelutanh_s9_d20_h4_causal", seq=9, d=20,
         heads=4, ff=40, act="gelu_tanh", causal=True),
    dict(kind="encoder_layer", name="enc_post_relu_s1_d20_h4", seq=1, d=20, heads=4,
         ff=40, act="relu"),
    dict(kind="encoder_layer", name="enc_pre_relu_s10_d21_h3_causal_pad2", seq=10, d=21,
         heads=3, ff=40, act="relu", norm_first=True, causal=True, pad=2),
    dict(kind="encoder_layer", name="enc_pre_gelutanh_s5_d20_h4", seq=5, d=20, heads=4,
         ff=40, act="gelu_tanh", norm_first=True),
    dict(kind="encoder_layer", name="enc_post_gelu_s37_d20_h4_pad7", seq=37, d=20, heads=4,
         ff=40, act="gelu", pad=7),
    # nn.TransformerEncoder
    dict(kind="encoder", name="encoder_l2_post_gelu_norm_s12_d20_h4_pad3", layers=2,
         seq=12, d=20, heads=4, ff=40, act="gelu", final_norm=True, pad=3),
    dict(kind="encoder", name="encoder_l2_pre_relu_s37_d24_h3", layers=2, seq=37, d=24,
         heads=3, ff=40, act="relu", norm_first=True, final_norm=False),
    # local (windowed) attention, issue 11: query i sees keys |i - j| <= window
    # (PyTorch: the band as a boolean attn_mask / src_mask)
    dict(part="forms", kind="mha", name="mha_self_s9_d20_h4_win1", seq=9, d=20, heads=4, window=1),
    dict(part="forms", kind="mha", name="mha_self_s7_d20_h4_win9_ge_seq", seq=7, d=20, heads=4, window=9),
    dict(part="forms", kind="mha", name="mha_self_s1_d20_h4_win1", seq=1, d=20, heads=4, window=1),
    dict(part="forms", kind="mha", name="mha_self_s12_d10_h2_causal_win3_pad3", seq=12, d=10, heads=2,
         causal=True, window=3, pad=3),
    dict(part="forms", kind="mha", name="mha_self_s10_d20_h4_win1_pad4_all_masked", seq=10, d=20, heads=4,
         window=1, pad=4, all_masked=True),
    dict(part="forms", kind="mha", name="mha_cross_q9_kv5_d20_h4_win2_all_masked", seq=9, seq_kv=5, d=20,
         heads=4, window=2, all_masked=True),
    dict(part="forms", kind="encoder_layer", name="enc_post_relu_s16_d20_h4_win2_pad2", seq=16, d=20,
         heads=4, ff=40, act="relu", window=2, pad=2),
    dict(part="forms", kind="encoder_layer", name="enc_pre_gelu_s11_d24_h3_causal_win2", seq=11, d=24,
         heads=3, ff=40, act="gelu", norm_first=True, causal=True, window=2),
    dict(part="forms", kind="encoder", name="encoder_l2_pre_relu_norm_s13_d20_h4_win4_pad2", layers=2,
         seq=13, d=20, heads=4, ff=40, act="relu", norm_first=True, final_norm=True,
         window=4, pad=2),
    # issue 11: attention pooling alone (nn.Linear(d, 1) scores, softmax over
    # the unpadded rows, the weighted sum)
    dict(part="forms", kind="pool", name="pool_att_s7_d20", seq=7, d=20),
    dict(part="forms", kind="pool", name="pool_att_s9_d12_pad4", seq=9, d=12, pad=4),
    dict(part="forms", kind="pool", name="pool_att_s1_d5", seq=1, d=5),
    dict(part="forms", kind="pool", name="pool_att_s6_d8_one_unmasked", seq=6, d=8, pad=5),
    dict(part="forms", kind="pool", name="pool_att_s4_d8_all_masked", seq=4, d=8, pad=4),
    # issue 11: the model's front ends: a CLS row, ViT patches (Conv2d,
    # stride = kernel), BERT tokens + segments + positions + LayerNorm
    dict(part="forms", kind="model", name="model_cls_attpool_l1_post_relu_s6_d20", d_in=8, d=20, heads=4,
         ff=40, layers=1, act="relu", final_norm=False, pos="learned", pool="attention",
         cls=True, seq=6, classes=5),
    dict(part="forms", kind="model", name="model_vit_p4_c1_8x8_cls_first_l2_pre_gelu_d16", patch=4,
         image=(1, 8, 8), d=16, heads=2, ff=32, layers=2, act="gelu", norm_first=True,
         final_norm=True, pos="learned", pool="first", cls=True, classes=10),
    dict(part="forms", kind="model", name="model_vit_p2_c3_4x6_cls_attpool_pad2_d10_h2", patch=2,
         image=(3, 4, 6), d=10, heads=2, ff=20, layers=1, act="gelu_tanh", final_norm=True,
         pos="learned", pool="attention", cls=True, pad=2, classes=4),
    dict(part="forms", kind="model", name="model_bert_v30_seg2_ln_first_pad2_l2_post_gelu_d16", vocab=30,
         segments=2, d=16, heads=4, ff=32, layers=2, act="gelu", final_norm=False,
         pos="learned", embed_norm=True, eps=1e-12, pool="first", pad=2, seq=9, classes=3),
    dict(part="forms", kind="model", name="model_tokens_v20_seq1_sin_mean_d12", vocab=20, d=12, heads=3,
         ff=24, layers=1, act="relu", final_norm=True, pos="sinusoidal", pool="mean", seq=1,
         classes=4),
    dict(part="forms", kind="model", name="model_tokens_v25_seg3_cls_attpool_win2_pad2_d10_h2", vocab=25,
         segments=3, d=10, heads=2, ff=16, layers=2, act="relu", norm_first=True,
         final_norm=True, pos="learned", embed_norm=True, pool="attention", cls=True,
         window=2, pad=2, seq=8, classes=6),
    dict(part="forms", kind="model", name="model_cls_attpool_seq1_nopos_d8", d_in=3, d=8, heads=2, ff=16,
         layers=1, act="relu", final_norm=False, pos="none", pool="attention", cls=True,
         seq=1, classes=3),
    # embed + positions + encoder + pool + classifier
    dict(kind="model", name="model_sin_mean_l2_post_gelu_s8_d24_pad2", d_in=8, d=24,
         heads=3, ff=40, layers=2, act="gelu", final_norm=True, pos="sinusoidal",
         pool="mean", pad=2, seq=8, classes=10),
    dict(kind="model", name="model_learned_first_l1_pre_relu_s9_d20", d_in=8, d=20,
         heads=4, ff=40, layers=1, act="relu", norm_first=True, final_norm=False,
         pos="learned", pool="first", seq=9, classes=10),
]

# Field order of the C structs (positional initialisers must follow it);
# checked against golden.h by check_schema().
LAYER_FIELDS = ["in_proj_w", "in_proj_b", "out_w", "out_b", "ff1_w", "ff1_b",
                "ff2_w", "ff2_b", "norm1_w", "norm1_b", "norm2_w", "norm2_b"]
CASE_FIELDS = ["name", "kind", "seq_q", "seq_kv", "d_model", "n_heads", "d_ff",
               "n_layers", "activation", "norm_first", "causal", "eps", "x", "kv",
               "key_padding", "layers", "final_norm_w", "final_norm_b", "d_in",
               "embed_w", "embed_b", "pos", "pos_table", "pool", "n_classes",
               "cls_w", "cls_b", "expected", "torch_err", "data_bytes", "window",
               "cls_token", "cls_row", "embed_norm", "embed_norm_w", "embed_norm_b", "patch",
               "channels", "image_h", "image_w", "pool_w", "vocab", "n_segments", "tokens",
               "segments", "token_embed", "segment_embed"]

ACTIVATIONS = {  # name -> (TransformerEncoderLayer activation, C enum)
    "relu": ("relu", "GOLDEN_RELU"),
    "gelu": ("gelu", "GOLDEN_GELU"),
    "gelu_tanh": (lambda t: F.gelu(t, approximate="tanh"), "GOLDEN_GELU_TANH"),
}

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def randomise(module):
    """Re-draw every parameter of `module` (in place) with non-trivial values.

    Matrices ~ U(+-1.5/sqrt(fan_in)), biases ~ U(+-0.2), LayerNorm weights
    ~ U(0.5, 1.5): activations stay O(1) and no value is a default 0 or 1."""
    norms = {id(m) for m in module.modules() if isinstance(m, nn.LayerNorm)}
    for sub in module.modules():
        for pname, p in sub.named_parameters(recurse=False):
            if id(sub) in norms and pname == "weight":
                p.data.uniform_(0.5, 1.5)
            elif p.dim() == 1:
                p.data.uniform_(-0.2, 0.2)
            else:
                a = 1.5 / math.sqrt(p.shape[1])
                p.data.uniform_(-a, a)


def f32(t):
    """torch tensor -> contiguous float32 numpy array (squeezing batch dim 1)."""
    a = t.detach().cpu().numpy().astype(np.float32)
    return np.ascontiguousarray(a)


def key_padding(seq_kv, pad):
    """[1, seq_kv] bool mask with the last `pad` keys True (ignored), or None."""
    if not pad:
        return None
    m = torch.zeros(1, seq_kv, dtype=torch.bool)
    m[0, seq_kv - pad:] = True
    return m


def causal_mask(seq_q, seq_kv, causal, window=0):
    """[seq_q, seq_kv] bool attn_mask, True = hidden: above the diagonal
    (causal) and, for a window w >= 1, where |i - j| > w (local
    attention, the band mask a windowed PyTorch model passes); or None."""
    if not causal and not window:
        return None
    i = torch.arange(seq_q)[:, None]
    j = torch.arange(seq_kv)[None, :]
    m = torch.zeros(seq_q, seq_kv, dtype=torch.bool)
    if causal:
        m |= j > i
    if window:
        m |= (i - j).abs() > window
    return m


def sinusoidal_table(seq, d):
    """'Attention Is All You Need' positions, computed in float64 -> float32."""
    assert d % 2 == 0, "sinusoidal positions need an even d_model"
    pos = np.arange(seq, dtype=np.float64)[:, None]
    div = np.exp(-np.arange(0, d, 2, dtype=np.float64) * math.log(10000.0) / d)
    pe = np.zeros((seq, d), dtype=np.float64)
    pe[:, 0::2] = np.sin(pos * div)
    pe[:, 1::2] = np.cos(pos * div)
    return pe.astype(np.float32)


def base_case(spec, kind_enum):
    """golden_case dict with the common fields filled and the rest zero/NULL."""
    case = {f: None for f in CASE_FIELDS}
    case.update(name=spec["name"], kind=kind_enum, seq_q=spec.get("seq", 0),
                seq_kv=spec.get("seq_kv", spec.get("seq", 0)), d_model=spec["d"],
                n_heads=spec.get("heads", 0), d_ff=spec.get("ff", 0),
                n_layers=spec.get("layers", 1), activation="GOLDEN_RELU",
                norm_first=int(spec.get("norm_first", False)),
                causal=int(spec.get("causal", False)), eps=spec.get("eps", 1e-5),
                d_in=0, pos="GOLDEN_POS_NONE", pool="GOLDEN_POOL_MEAN", n_classes=0,
                torch_err=-1.0, window=spec.get("window", 0), cls_token=0, embed_norm=0,
                patch=0, channels=0, image_h=0, image_w=0, vocab=0, n_segments=0)
    if spec.get("act"):
        case["activation"] = ACTIVATIONS[spec["act"]][1]
    return case


def layer_dict(**params):
    """golden_layer dict: given parameters as numpy arrays, the rest NULL."""
    layer = {f: None for f in LAYER_FIELDS}
    for k, v in params.items():
        assert k in layer, k
        layer[k] = None if v is None else f32(v)
    return layer


def encoder_layer_params(m):
    """golden_layer dict of an nn.TransformerEncoderLayer."""
    return layer_dict(in_proj_w=m.self_attn.in_proj_weight,
                      in_proj_b=m.self_attn.in_proj_bias,
                      out_w=m.self_attn.out_proj.weight, out_b=m.self_attn.out_proj.bias,
                      ff1_w=m.linear1.weight, ff1_b=m.linear1.bias,
                      ff2_w=m.linear2.weight, ff2_b=m.linear2.bias,
                      norm1_w=m.norm1.weight, norm1_b=m.norm1.bias,
                      norm2_w=m.norm2.weight, norm2_b=m.norm2.bias)


def padding_field(mask):
    """bool [1, seq] mask -> uint8 [seq] array for the C table (or None)."""
    return None if mask is None else mask[0].numpy().astype(np.uint8)


def make_encoder(spec):
    """nn.TransformerEncoder from spec, every layer with its own random params."""
    layer = nn.TransformerEncoderLayer(
        spec["d"], spec["heads"], spec["ff"], dropout=0.0,
        activation=ACTIVATIONS[spec["act"]][0], layer_norm_eps=spec.get("eps", 1e-5),
        norm_first=spec.get("norm_first", False))
    norm = nn.LayerNorm(spec["d"], eps=spec.get("eps", 1e-5)) if spec["final_norm"] else None
    enc = nn.TransformerEncoder(layer, spec["layers"], norm=norm,
                                enable_nested_tensor=False)
    randomise(enc)  # the deep-copied layers each get fresh values
    return enc.eval()


def encoder_fields(case, enc):
    """Fill layers / final_norm_* of `case` from an nn.TransformerEncoder."""
    case["layers"] = [encoder_layer_params(l) for l in enc.layers]
    if enc.norm is not None:
        case["final_norm_w"] = f32(enc.norm.weight)
        case["final_norm_b"] = f32(enc.norm.bias)


# --------------------------------------------------------------------------
# One builder per kind: spec dict -> golden_case dict
# --------------------------------------------------------------------------


def build_layernorm(spec):
    case = base_case(spec, "GOLDEN_LAYERNORM")
    affine = spec.get("affine", True)
    ln = nn.LayerNorm(spec["d"], eps=case["eps"], elementwise_affine=affine)
    randomise(ln)
    ln.eval()
    x = torch.randn(spec["seq"], spec["d"]) * spec.get("spread", 1.0) + spec.get("offset", 0.0)
    if spec.get("const"):  # every row one value: 0, 1000, -3.5, ...
        vals = torch.tensor([0.0, 1000.0, -3.5, 1e-20, 7.25e5, -1.0][:spec["seq"]])
        x = vals[:, None].expand(spec["seq"], spec["d"]).clone()
    case["x"] = f32(x)
    case["layers"] = [layer_dict(norm1_w=ln.weight if affine else None,
                                 norm1_b=ln.bias if affine else None)]
    if "offset" in spec or spec.get("const"):
        # the float64 layer norm of the same float32 input and parameters,
        # and how far PyTorch's float32 LayerNorm is from it
        ref = F.layer_norm(x.double(), (spec["d"],),
                           ln.weight.double() if affine else None,
                           ln.bias.double() if affine else None, case["eps"])
        mine = ln(x).double()
        err = ((mine - ref).abs() / ref.abs().clamp(min=1.0)).max().item()
        case["expected"] = f32(ref.float())
        case["torch_err"] = err
    else:
        case["expected"] = f32(ln(x))
    return case


def build_mha(spec):
    case = base_case(spec, "GOLDEN_MHA")
    sq, skv, d = case["seq_q"], case["seq_kv"], case["d_model"]
    cross = "seq_kv" in spec
    mha = nn.MultiheadAttention(d, spec["heads"], dropout=0.0, bias=True)
    randomise(mha)
    mha.eval()
    x = torch.randn(sq, 1, d)
    kv = torch.randn(skv, 1, d) if cross else x
    kpm = key_padding(skv, spec.get("pad", 0))
    fix = AllMaskedFix(mha)
    out, _ = mha(x, kv, kv, key_padding_mask=kpm,
                 attn_mask=causal_mask(sq, skv, case["causal"], case["window"]),
                 need_weights=False)
    check_all_masked(spec, fix)
    case["x"] = f32(x[:, 0])
    case["kv"] = f32(kv[:, 0]) if cross else None
    case["key_padding"] = padding_field(kpm)
    case["layers"] = [layer_dict(in_proj_w=mha.in_proj_weight, in_proj_b=mha.in_proj_bias,
                                 out_w=mha.out_proj.weight, out_b=mha.out_proj.bias)]
    case["expected"] = f32(out[:, 0])
    return case


def build_encoder_layer(spec):
    case = base_case(spec, "GOLDEN_ENCODER_LAYER")
    layer = nn.TransformerEncoderLayer(
        spec["d"], spec["heads"], spec["ff"], dropout=0.0,
        activation=ACTIVATIONS[spec["act"]][0], layer_norm_eps=case["eps"],
        norm_first=bool(case["norm_first"]))
    randomise(layer)
    layer.eval()
    x = torch.randn(spec["seq"], 1, spec["d"])
    kpm = key_padding(spec["seq"], spec.get("pad", 0))
    fix = AllMaskedFix(layer)
    out = layer(x, src_mask=causal_mask(spec["seq"], spec["seq"], case["causal"], case["window"]),
                src_key_padding_mask=kpm)
    check_all_masked(spec, fix)
    case["x"] = f32(x[:, 0])
    case["key_padding"] = padding_field(kpm)
    case["layers"] = [encoder_layer_params(layer)]
    case["expected"] = f32(out[:, 0])
    return case


def build_encoder(spec):
    case = base_case(spec, "GOLDEN_ENCODER")
    enc = make_encoder(spec)
    x = torch.randn(spec["seq"], 1, spec["d"])
    kpm = key_padding(spec["seq"], spec.get("pad", 0))
    fix = AllMaskedFix(enc)
    out = enc(x, mask=causal_mask(spec["seq"], spec["seq"], case["causal"], case["window"]),
              src_key_padding_mask=kpm)
    check_all_masked(spec, fix)
    case["x"] = f32(x[:, 0])
    case["key_padding"] = padding_field(kpm)
    encoder_fields(case, enc)
    case["expected"] = f32(out[:, 0])
    return case


def attention_pool(h, w, keep):
    """Attention pooling in PyTorch ops: scores h @ w^T + b (an nn.Linear(d,
    1)), -inf where padded, softmax over the rows, the weighted sum. All
    rows padded: attention.h's defined zeros (PyTorch: NaN)."""
    scores = w(h)[:, 0]                                             # [rows]
    if not bool(keep.any()):
        return torch.zeros(h.shape[1])
    scores = scores.masked_fill(~keep, float("-inf"))
    p = torch.softmax(scores, dim=0)
    return (p[:, None] * h).sum(dim=0)


def build_pool(spec):
    """Attention pooling alone: nn.Linear(d, 1) scores over x [seq, d]."""
    case = base_case(spec, "GOLDEN_POOL")
    seq, d = spec["seq"], spec["d"]
    w = nn.Linear(d, 1)
    randomise(w)
    x = torch.randn(seq, d)
    kpm = key_padding(seq, spec.get("pad", 0))
    keep = torch.ones(seq, dtype=torch.bool) if kpm is None else ~kpm[0]
    out = attention_pool(x, w, keep)
    case.update(x=f32(x), key_padding=padding_field(kpm), pool="GOLDEN_POOL_ATTENTION",
                pool_w=f32(w.weight[0]), expected=f32(out), layers=[], n_layers=0)
    return case


def build_model(spec):
    """embed (Linear, Conv2d patches or nn.Embedding tokens + segments) ->
    [CLS] -> + positions -> [LayerNorm] -> nn.TransformerEncoder -> pool ->
    Linear, written as a ViT / BERT-style PyTorch model does it. (The
    random draws of a features model come in the order they always did, so
    the older cases keep their data.)"""
    case = base_case(spec, "GOLDEN_MODEL")
    d = spec["d"]
    cls_tok = spec.get("cls", False)
    patch, vocab = spec.get("patch", 0), spec.get("vocab", 0)
    embed = nn.Linear(spec["d_in"], d) if not patch and not vocab else None
    head = nn.Linear(d, spec["classes"])
    if embed is not None:
        randomise(embed)
    randomise(head)
    enc = make_encoder(spec)
    if patch:
        ch, ih, iw = spec["image"]
        seq = (ih // patch) * (iw // patch)
    else:
        seq = spec["seq"]
    rows = seq + (1 if cls_tok else 0)
    if spec["pos"] == "sinusoidal":
        pos = torch.from_numpy(sinusoidal_table(rows, d))
        case["pos"] = "GOLDEN_POS_SINUSOIDAL"
    elif spec["pos"] == "none":
        pos = torch.zeros(rows, d)
    else:
        pos = torch.randn(rows, d)
        case["pos"] = "GOLDEN_POS_LEARNED"
        case["pos_table"] = f32(pos)
    if patch:
        conv = nn.Conv2d(ch, d, patch, stride=patch)
        randomise(conv)
        img = torch.randn(1, ch, ih, iw)
        h = conv(img).flatten(2).transpose(1, 2)[0]                 # [seq, d]
        case.update(x=f32(img[0]), d_in=ch * patch * patch, patch=patch, channels=ch,
                    image_h=ih, image_w=iw, embed_w=f32(conv.weight.reshape(d, -1)),
                    embed_b=f32(conv.bias))
    elif vocab:
        tok_emb = nn.Embedding(vocab, d)
        toks = torch.randint(0, vocab, (seq,))
        h = tok_emb(toks)
        case.update(vocab=vocab, tokens=toks.numpy().astype(np.int32),
                    token_embed=f32(tok_emb.weight))
        nseg = spec.get("segments", 0)
        if nseg:
            seg_emb = nn.Embedding(nseg, d)
            segs = torch.randint(0, nseg, (seq,))
            segs[0], segs[-1] = 0, nseg - 1                         # mixed
            h = h + seg_emb(segs)
            case.update(n_segments=nseg, segments=segs.numpy().astype(np.int32),
                        segment_embed=f32(seg_emb.weight))
    else:
        x = torch.randn(seq, spec["d_in"])
        h = embed(x)
        case.update(x=f32(x), d_in=spec["d_in"], embed_w=f32(embed.weight),
                    embed_b=f32(embed.bias))
    case["seq_q"] = case["seq_kv"] = seq
    if cls_tok:
        cls_p = torch.randn(1, d)                                   # the learned [CLS] row
        h = torch.cat([cls_p, h], dim=0)                            # [rows, d]
        case.update(cls_token=1, cls_row=f32(cls_p[0]))
    h = h + pos
    if spec.get("embed_norm"):
        ln = nn.LayerNorm(d, eps=spec.get("eps", 1e-5))
        randomise(ln)
        h = ln(h)
        case.update(embed_norm=1, embed_norm_w=f32(ln.weight), embed_norm_b=f32(ln.bias))
    kpm = key_padding(seq, spec.get("pad", 0))
    rows_kpm = None
    if kpm is not None:
        rows_kpm = torch.cat([torch.zeros(1, 1, dtype=torch.bool), kpm], dim=1) if cls_tok else kpm
    fix = AllMaskedFix(enc)
    h = enc(h[:, None, :], mask=causal_mask(rows, rows, case["causal"], case["window"]),
            src_key_padding_mask=rows_kpm)[:, 0]                    # [rows, d]
    check_all_masked(spec, fix)
    keep = torch.ones(rows, dtype=torch.bool) if rows_kpm is None else ~rows_kpm[0]
    if spec["pool"] == "mean":
        pooled = h[keep].mean(dim=0)
        case["pool"] = "GOLDEN_POOL_MEAN"
    elif spec["pool"] == "attention":
        wpool = nn.Linear(d, 1)
        randomise(wpool)
        pooled = attention_pool(h, wpool, keep)
        case.update(pool="GOLDEN_POOL_ATTENTION", pool_w=f32(wpool.weight[0]))
    else:
        pooled = h[0]
        case["pool"] = "GOLDEN_POOL_FIRST"
    logits = head(pooled)
    case.update(key_padding=padding_field(kpm), n_classes=spec["classes"],
                cls_w=f32(head.weight), cls_b=f32(head.bias), expected=f32(logits))
    encoder_fields(case, enc)
    return case


BUILDERS = {"layernorm": build_layernorm, "mha": build_mha,
            "encoder_layer": build_encoder_layer, "encoder": build_encoder,
            "model": build_model, "pool": build_pool}


def build_case(spec):
    torch.manual_seed(zlib.crc32(spec["name"].encode()))
    case = BUILDERS[spec["kind"]](spec)
    for k, v in case.items():
        if isinstance(v, np.ndarray):
            assert np.all(np.isfinite(v)), (spec["name"], k)
    case["part"] = spec.get("part", "encoder")
    return case


def build_all():
    torch.set_num_threads(1)
    names = [s["name"] for s in CASES]
    assert len(set(names)) == len(names), "duplicate case names"
    return [build_case(s) for s in CASES]


# --------------------------------------------------------------------------
# Decoder-side cases (issue 10): a second table, golden_dec_cases[], with a
# schema of its own (golden_dec_case in golden.h), so that the encoder table
# above stays as it was. Same seeding (crc32 of the name), same randomise().
#   seq   = target rows (dmha: query rows; lm: tokens)
#   mem   = memory rows (dmha: key/value rows; transformer, seq2seq: source)
#   tpad / mpad = target / memory key padding: an int (that many trailing
#           rows) or a list of row indices
#   all_masked: some query sees no key at all (PyTorch: NaN; attention.h's
#           documented result: zero context, i.e. the attention output row
#           is out_proj.bias); the reference applies that definition and
#           the generator checks that such rows occurred
#   batch_first: the PyTorch module is built batch_first (tensors [1, seq,
#           d]); the C layout is [seq][d] either way
# seq2seq / lm: teacher-forced logits at every position, and a greedy run
# of max_out tokens (a PyTorch loop that recomputes the whole prefix each
# step); eos is then chosen as a token that first appears at index n_eos
# of that run (so greedy with eos must stop there), eos_never as one that
# never appears (so greedy must stop at max_out).
# --------------------------------------------------------------------------
DEC_CASES = [
    # nn.MultiheadAttention(query, key, value): three different inputs
    dict(kind="dmha", name="dmha_q5_k7_d10_h2", seq=5, mem=7, d=10, heads=2),
    dict(kind="dmha", name="dmha_q6_k4_d15_h3_causal_kpad0", seq=6, mem=4, d=15, heads=3,
         causal=True, mpad=[0], all_masked=True),
    dict(kind="dmha", name="dmha_q1_k9_d10_h2_kpad3_bf", seq=1, mem=9, d=10, heads=2, mpad=3,
         batch_first=True),
    dict(kind="dmha", name="dmha_q4_k1_d8_h4_causal", seq=4, mem=1, d=8, heads=4,
         causal=True),
    dict(kind="dmha", name="dmha_q3_k5_d10_h2_allpad", seq=3, mem=5, d=10, heads=2, mpad=5,
         all_masked=True),
    dict(kind="dmha", name="dmha_q8_k6_d10_h2_causal_kpad24", seq=8, mem=6, d=10, heads=2,
         causal=True, mpad=[2, 4]),
    # nn.TransformerDecoderLayer
    dict(kind="dlayer", name="dlayer_post_relu_t6_m9_d10_h2_causal", seq=6, mem=9, d=10,
         heads=2, ff=16, act="relu", causal=True),
    dict(kind="dlayer", name="dlayer_pre_gelu_t7_m5_d10_h2_causal_tpad2_mpad2_bf", seq=7,
         mem=5, d=10, heads=2, ff=24, act="gelu", norm_first=True, causal=True, tpad=2, mpad=2,
         batch_first=True),
    dict(kind="dlayer", name="dlayer_post_gelutanh_t5_m8_d15_h3_mpad3", seq=5, mem=8, d=15,
         heads=3, ff=8, act="gelu_tanh", mpad=3),
    dict(kind="dlayer", name="dlayer_pre_relu_t1_m4_d10_h2_causal", seq=1, mem=4, d=10,
         heads=2, ff=12, act="relu", norm_first=True, causal=True),
    dict(kind="dlayer", name="dlayer_post_gelu_t4_m1_d8_h4_causal", seq=4, mem=1, d=8,
         heads=4, ff=16, act="gelu", causal=True),
    dict(kind="dlayer", name="dlayer_pre_gelutanh_t6_m6_d12_h3_causal_tpad0_bf", seq=6, mem=6,
         d=12, heads=3, ff=10, act="gelu_tanh", norm_first=True, causal=True, tpad=[0],
         batch_first=True, all_masked=True),
    dict(kind="dlayer", name="dlayer_post_relu_t5_m4_d10_h2_causal_mallpad", seq=5, mem=4,
         d=10, heads=2, ff=16, act="relu", causal=True, mpad=4, all_masked=True),
    dict(kind="dlayer", name="dlayer_pre_gelu_t8_m3_d10_h2_tpad3_eps1e6", seq=8, mem=3, d=10,
         heads=2, ff=16, act="gelu", norm_first=True, tpad=3, eps=1e-6),
    dict(kind="dlayer", name="dlayer_post_gelutanh_t1_m1_d10_h2", seq=1, mem=1, d=10, heads=2,
         ff=8, act="gelu_tanh"),
    # windowed self-attention (issue 11): tgt_mask = causal + band
    dict(kind="dlayer", name="dlayer_post_relu_t9_m5_d10_h2_causal_win2_mpad1", seq=9, mem=5,
         d=10, heads=2, ff=12, act="relu", causal=True, window=2, mpad=1),
    dict(kind="dlayer", name="dlayer_pre_gelu_t6_m4_d10_h2_win1_tpad2_all_masked", seq=6, mem=4,
         d=10, heads=2, ff=12, act="gelu", norm_first=True, window=1, tpad=2,
         all_masked=True),
    # nn.TransformerDecoder
    dict(kind="decoder", name="decoder_l2_post_gelu_norm_t7_m6_d10_h2_causal_tpad1_mpad2",
         layers=2, seq=7, mem=6, d=10, heads=2, ff=20, act="gelu", final_norm=True,
         causal=True, tpad=1, mpad=2),
    dict(kind="decoder", name="decoder_l3_pre_relu_norm_t5_m9_d10_h2_causal_bf", layers=3,
         seq=5, mem=9, d=10, heads=2, ff=12, act="relu", norm_first=True, final_norm=True,
         causal=True, batch_first=True),
    dict(kind="decoder", name="decoder_l2_pre_relu_norm_t10_m6_d12_h3_causal_win3", layers=2,
         seq=10, mem=6, d=12, heads=3, ff=16, act="relu", norm_first=True, final_norm=True,
         causal=True, window=3),
    dict(kind="decoder", name="decoder_l2_pre_gelutanh_t6_m4_d12_h3_mpad1", layers=2, seq=6,
         mem=4, d=12, heads=3, ff=8, act="gelu_tanh", norm_first=True, final_norm=False,
         mpad=[1]),
    # nn.Transformer (encoder stack + norm, decoder stack + norm)
    dict(kind="transformer", name="transformer_e2d2_post_relu_s7_t5_d10_h2_spad2_tpad1",
         enc_layers=2, layers=2, mem=7, seq=5, d=10, heads=2, ff=12, act="relu", causal=True,
         mpad=2, tpad=1),
    dict(kind="transformer", name="transformer_e3d1_pre_gelutanh_s4_t6_d8_h2_bf",
         enc_layers=3, layers=1, mem=4, seq=6, d=8, heads=2, ff=8, act="gelu_tanh",
         norm_first=True, causal=True, batch_first=True),
    # tokens: nn.Embedding + positions + nn.Transformer + nn.Linear
    dict(kind="seq2seq", name="s2s_e2d2_post_relu_d10_h2_learned", enc_layers=2, layers=2,
         d=10, heads=2, ff=12, act="relu", src_vocab=13, tgt_vocab=11, max_src=9, max_tgt=10,
         pos="learned", embed_scale=math.sqrt(10.0), mem=7, seq=6, max_out=9, bos=1),
    dict(kind="seq2seq", name="s2s_e1d2_pre_gelu_d8_h2_sin_src1", enc_layers=1, layers=2,
         d=8, heads=2, ff=12, act="gelu", norm_first=True, src_vocab=7, tgt_vocab=9,
         max_src=5, max_tgt=8, pos="sinusoidal", embed_scale=0.0, mem=1, seq=8, max_out=8,
         bos=0),
    dict(kind="seq2seq", name="s2s_e2d1_post_gelutanh_d9_h3_nopos", enc_layers=2, layers=1,
         d=9, heads=3, ff=12, act="gelu_tanh", src_vocab=10, tgt_vocab=12, max_src=6,
         max_tgt=7, pos="none", embed_scale=2.0, mem=6, seq=3, max_out=7, bos=9),
    # the embeddings' LayerNorm (issue 11: BART's layernorm_embedding, BLOOM's
    # word_embeddings_layernorm)
    dict(kind="seq2seq", name="s2s_e1d1_post_relu_d8_h2_learned_embnorm", enc_layers=1,
         layers=1, d=8, heads=2, ff=12, act="relu", src_vocab=9, tgt_vocab=8, max_src=6,
         max_tgt=7, pos="learned", embed_scale=math.sqrt(8.0), mem=5, seq=5, max_out=6, bos=1,
         embed_norm=True),
    # the source's front ends (issue 11: attn_seq2seq_cfg's src_*, the model's
    # front end before the encoder): features through an nn.Linear, an image
    # through nn.Conv2d(stride=patch) patches, token ids with nn.Embedding
    # segments; a learned CLS row in front; positions over every memory row
    # (the CLS row's too); the embeddings' LayerNorm. mem = the source's
    # rows before the CLS row; max_src counts the memory's rows.
    dict(kind="seq2seq", front="features", name="s2s_front_feat6_s5_e2d1_post_relu_d8_h2_learned",
         enc_layers=2, layers=1, d=8, heads=2, ff=12, act="relu", d_in=6, tgt_vocab=9,
         max_src=6, max_tgt=7, pos="learned", embed_scale=0.0, mem=5, seq=6, max_out=7, bos=1),
    dict(kind="seq2seq", front="image", name="s2s_front_img1x6x6_p3_cls_e1d2_pre_gelu_d8_h2_sin",
         enc_layers=1, layers=2, d=8, heads=2, ff=16, act="gelu", norm_first=True, image=(1, 6, 6),
         patch=3, cls=True, tgt_vocab=10, max_src=5, max_tgt=8, pos="sinusoidal",
         embed_scale=0.0, mem=4, seq=7, max_out=8, bos=0),
    dict(kind="seq2seq", front="image",
         name="s2s_front_img3x4x6_p2_cls_embnorm_e1d1_post_gelutanh_d10_h2_learned", enc_layers=1,
         layers=1, d=10, heads=2, ff=12, act="gelu_tanh", image=(3, 4, 6), patch=2, cls=True,
         embed_norm=True, tgt_vocab=11, max_src=8, max_tgt=7, pos="learned", embed_scale=0.0,
         mem=6, seq=5, max_out=7, bos=2),
    dict(kind="seq2seq", front="tokens",
         name="s2s_front_tok_seg3_mixed_cls_embnorm_e1d1_pre_relu_d8_h2_learned", enc_layers=1,
         layers=1, d=8, heads=2, ff=12, act="relu", norm_first=True, src_vocab=11, segments=3,
         cls=True, embed_norm=True, tgt_vocab=9, max_src=8, max_tgt=6, pos="learned",
         embed_scale=0.0, mem=6, seq=6, max_out=6, bos=1),
    dict(kind="seq2seq", front="features", name="s2s_front_feat4_seq1_e1d1_post_relu_d8_h2_learned",
         enc_layers=1, layers=1, d=8, heads=2, ff=12, act="relu", d_in=4, tgt_vocab=8, max_src=3,
         max_tgt=6, pos="learned", embed_scale=0.0, mem=1, seq=5, max_out=6, bos=0),
    dict(kind="seq2seq", front="image", name="s2s_front_img2x3x3_p3_seq1_e1d1_pre_gelu_d8_h2_sin",
         enc_layers=1, layers=1, d=8, heads=2, ff=12, act="gelu", norm_first=True, image=(2, 3, 3),
         patch=3, tgt_vocab=8, max_src=2, max_tgt=6, pos="sinusoidal", embed_scale=0.0, mem=1, seq=4,
         max_out=6, bos=3),
    dict(kind="seq2seq", front="tokens", name="s2s_front_tok_cls_scaled_e2d1_post_gelu_d8_h2_sin",
         enc_layers=2, layers=1, d=8, heads=2, ff=12, act="gelu", src_vocab=12, cls=True,
         tgt_vocab=10, max_src=7, max_tgt=8, pos="sinusoidal", embed_scale=math.sqrt(8.0), mem=5,
         seq=6, max_out=8, bos=1),
    dict(kind="lm", name="lm_l1_pre_gelu_norm_d8_h2_sin_embnorm", layers=1, d=8, heads=2,
         ff=12, act="gelu", norm_first=True, final_norm=True, vocab=10, max_len=8,
         pos="sinusoidal", embed_scale=1.0, seq=7, prompt=2, max_out=6, embed_norm=True),
    # decoder-only: nn.Embedding + positions + causal nn.TransformerEncoder + nn.Linear
    dict(kind="lm", name="lm_l2_pre_gelu_norm_d10_h2_learned", layers=2, d=10, heads=2, ff=20,
         act="gelu", norm_first=True, final_norm=True, vocab=12, max_len=10, pos="learned",
         embed_scale=1.0, seq=9, prompt=3, max_out=8),
    dict(kind="lm", name="lm_l1_post_relu_d8_h2_sin_scaled", layers=1, d=8, heads=2, ff=16,
         act="relu", final_norm=False, vocab=15, max_len=12, pos="sinusoidal",
         embed_scale=math.sqrt(8.0), seq=8, prompt=4, max_out=8),
    dict(kind="lm", name="lm_l3_post_gelutanh_norm_d6_h2_nopos_seq1", layers=3, d=6,
         heads=2, ff=8, act="gelu_tanh", final_norm=True, vocab=9, max_len=6, pos="none",
         embed_scale=0.0, seq=1, prompt=1, max_out=5),
]

DEC_LAYER_FIELDS = ["sa_in_w", "sa_in_b", "sa_out_w", "sa_out_b", "ca_in_w", "ca_in_b",
                    "ca_out_w", "ca_out_b", "ff1_w", "ff1_b", "ff2_w", "ff2_b", "norm1_w",
                    "norm1_b", "norm2_w", "norm2_b", "norm3_w", "norm3_b"]
DEC_CASE_FIELDS = ["name", "kind", "seq", "mem", "d_model", "n_heads", "d_ff",
                   "n_enc_layers", "n_dec_layers", "activation", "norm_first", "causal", "eps",
                   "x", "mem_x", "v_x", "tgt_padding", "mem_padding", "enc_layers",
                   "enc_norm_w", "enc_norm_b", "dec_layers", "dec_norm_w", "dec_norm_b",
                   "src_vocab", "tgt_vocab", "max_src", "max_tgt", "pos", "embed_scale",
                   "src_embed", "tgt_embed", "src_pos", "tgt_pos", "out_w", "out_b", "src",
                   "tgt", "prompt_len", "bos", "eos", "eos_never", "n_eos", "max_out",
                   "greedy", "expected", "expected_mem", "data_bytes", "window", "embed_norm",
                   "src_norm_w", "src_norm_b", "tgt_norm_w", "tgt_norm_b", "src_d_in",
                   "src_patch", "src_channels", "src_image_h", "src_image_w", "src_cls_token",
                   "src_segments", "src_input", "src_embed_w", "src_embed_b", "src_cls",
                   "src_segment_embed", "src_seg"]
DEC_KINDS = {"dmha": "GOLDEN_DEC_MHA", "dlayer": "GOLDEN_DEC_LAYER",
             "decoder": "GOLDEN_DEC_STACK", "transformer": "GOLDEN_DEC_TRANSFORMER",
             "seq2seq": "GOLDEN_DEC_SEQ2SEQ", "lm": "GOLDEN_DEC_LM"}
POS_ENUM = {"none": "GOLDEN_POS_NONE", "sinusoidal": "GOLDEN_POS_SINUSOIDAL",
            "learned": "GOLDEN_POS_LEARNED"}
# greedy runs: the best logit must beat the second by this much at every
# step (relative to max(1, |best|)), so that 1e-5 differences cannot flip
# an argmax
GREEDY_MARGIN = 1e-3


def row_mask(n, pad):
    """[1, n] bool mask: pad an int (that many trailing rows) or a list of
    row indices; None for no padding."""
    if not pad:
        return None
    m = torch.zeros(1, n, dtype=torch.bool)
    if isinstance(pad, int):
        m[0, n - pad:] = True
    else:
        m[0, list(pad)] = True
    return m


class AllMaskedFix:
    """attention.h's definition for a query that sees no key: its context is
    zero, so the attention output row is out_proj.bias (PyTorch computes
    NaN there: a softmax over nothing). A forward hook on every
    nn.MultiheadAttention of a module replaces such rows (the only NaN an
    attention can produce from finite inputs) by the bias, and counts them."""

    def __init__(self, module):
        self.rows = 0
        self.handles = [m.register_forward_hook(self.hook) for m in module.modules()
                        if isinstance(m, nn.MultiheadAttention)]

    def hook(self, mod, inputs, output):
        out, weights = output
        bad = torch.isnan(out).any(dim=-1, keepdim=True)
        if bool(bad.any()):
            self.rows += int(bad.sum())
            out = torch.where(bad, mod.out_proj.bias.expand_as(out), out)
        return out, weights


def seq_in(t, batch_first):
    """[seq, d] -> the module's batched layout."""
    return t[None, :, :] if batch_first else t[:, None, :]


def seq_out(t, batch_first):
    """the module's batched output -> [seq, d]."""
    return t[0] if batch_first else t[:, 0]


def dec_base_case(spec):
    case = {f: None for f in DEC_CASE_FIELDS}
    case.update(name=spec["name"], kind=DEC_KINDS[spec["kind"]], seq=spec["seq"],
                mem=spec.get("mem", 0), d_model=spec["d"], n_heads=spec["heads"],
                d_ff=spec.get("ff", 0), n_enc_layers=0, n_dec_layers=0,
                activation=ACTIVATIONS[spec.get("act", "relu")][1],
                norm_first=int(spec.get("norm_first", False)),
                causal=int(spec.get("causal", False)), eps=spec.get("eps", 1e-5),
                src_vocab=0, tgt_vocab=0, max_src=0, max_tgt=0, pos="GOLDEN_POS_NONE",
                embed_scale=0.0, prompt_len=0, bos=0, eos=0, eos_never=0, n_eos=0, max_out=0,
                window=spec.get("window", 0), embed_norm=int(spec.get("embed_norm", False)),
                src_d_in=0, src_patch=0, src_channels=0, src_image_h=0, src_image_w=0,
                src_cls_token=0, src_segments=0)
    return case


def decoder_layer_params(m):
    """golden_dec_layer dict of an nn.TransformerDecoderLayer."""
    p = dict(sa_in_w=m.self_attn.in_proj_weight, sa_in_b=m.self_attn.in_proj_bias,
             sa_out_w=m.self_attn.out_proj.weight, sa_out_b=m.self_attn.out_proj.bias,
             ca_in_w=m.multihead_attn.in_proj_weight, ca_in_b=m.multihead_attn.in_proj_bias,
             ca_out_w=m.multihead_attn.out_proj.weight,
             ca_out_b=m.multihead_attn.out_proj.bias,
             ff1_w=m.linear1.weight, ff1_b=m.linear1.bias, ff2_w=m.linear2.weight,
             ff2_b=m.linear2.bias, norm1_w=m.norm1.weight, norm1_b=m.norm1.bias,
             norm2_w=m.norm2.weight, norm2_b=m.norm2.bias, norm3_w=m.norm3.weight,
             norm3_b=m.norm3.bias)
    return {f: f32(p[f]) for f in DEC_LAYER_FIELDS}


def dec_layer_module(spec):
    return nn.TransformerDecoderLayer(
        spec["d"], spec["heads"], spec["ff"], dropout=0.0,
        activation=ACTIVATIONS[spec["act"]][0], layer_norm_eps=spec.get("eps", 1e-5),
        batch_first=spec.get("batch_first", False), norm_first=spec.get("norm_first", False))


def decoder_fields(case, dec):
    case["dec_layers"] = [decoder_layer_params(l) for l in dec.layers]
    case["n_dec_layers"] = len(dec.layers)
    if dec.norm is not None:
        case["dec_norm_w"] = f32(dec.norm.weight)
        case["dec_norm_b"] = f32(dec.norm.bias)


def stack_fields(case, enc):
    case["enc_layers"] = [encoder_layer_params(l) for l in enc.layers]
    case["n_enc_layers"] = len(enc.layers)
    if enc.norm is not None:
        case["enc_norm_w"] = f32(enc.norm.weight)
        case["enc_norm_b"] = f32(enc.norm.bias)


def check_all_masked(spec, fix):
    """all_masked cases must have had such rows; the others none."""
    if spec.get("all_masked"):
        assert fix.rows > 0, (spec["name"], "no query without keys")
    else:
        assert fix.rows == 0, (spec["name"], "unexpected query without keys")


def build_dmha(spec):
    case = dec_base_case(spec)
    sq, skv, d, bf = spec["seq"], spec["mem"], spec["d"], spec.get("batch_first", False)
    mha = nn.MultiheadAttention(d, spec["heads"], dropout=0.0, bias=True, batch_first=bf)
    randomise(mha)
    mha.eval()
    fix = AllMaskedFix(mha)
    q, k, v = torch.randn(sq, d), torch.randn(skv, d), torch.randn(skv, d)
    kpm = row_mask(skv, spec.get("mpad"))
    out, _ = mha(seq_in(q, bf), seq_in(k, bf), seq_in(v, bf), key_padding_mask=kpm,
                 attn_mask=causal_mask(sq, skv, case["causal"]), need_weights=False)
    check_all_masked(spec, fix)
    case.update(x=f32(q), mem_x=f32(k), v_x=f32(v), mem_padding=padding_field(kpm),
                expected=f32(seq_out(out, bf)), n_enc_layers=1)
    case["enc_layers"] = [layer_dict(in_proj_w=mha.in_proj_weight, in_proj_b=mha.in_proj_bias,
                                     out_w=mha.out_proj.weight, out_b=mha.out_proj.bias)]
    return case


def run_decoder(spec, module, tgt, memory, tpm, mpm):
    """module (a decoder layer or stack) on [seq, d] tgt and [mem, d] memory."""
    bf = spec.get("batch_first", False)
    out = module(seq_in(tgt, bf), seq_in(memory, bf),
                 tgt_mask=causal_mask(spec["seq"], spec["seq"], spec.get("causal", False),
                                      spec.get("window", 0)),
                 tgt_key_padding_mask=tpm, memory_key_padding_mask=mpm)
    return seq_out(out, bf)


def build_dlayer(spec):
    case = dec_base_case(spec)
    layer = dec_layer_module(spec)
    randomise(layer)
    layer.eval()
    fix = AllMaskedFix(layer)
    tgt, memory = torch.randn(spec["seq"], spec["d"]), torch.randn(spec["mem"], spec["d"])
    tpm, mpm = row_mask(spec["seq"], spec.get("tpad")), row_mask(spec["mem"], spec.get("mpad"))
    out = run_decoder(spec, layer, tgt, memory, tpm, mpm)
    check_all_masked(spec, fix)
    case.update(x=f32(tgt), mem_x=f32(memory), tgt_padding=padding_field(tpm),
                mem_padding=padding_field(mpm), expected=f32(out), n_dec_layers=1)
    case["dec_layers"] = [decoder_layer_params(layer)]
    return case


def make_decoder(spec):
    norm = nn.LayerNorm(spec["d"], eps=spec.get("eps", 1e-5)) if spec["final_norm"] else None
    dec = nn.TransformerDecoder(dec_layer_module(spec), spec["layers"], norm=norm)
    randomise(dec)  # the deep-copied layers each get fresh values
    return dec.eval()


def build_decoder(spec):
    case = dec_base_case(spec)
    dec = make_decoder(spec)
    fix = AllMaskedFix(dec)
    tgt, memory = torch.randn(spec["seq"], spec["d"]), torch.randn(spec["mem"], spec["d"])
    tpm, mpm = row_mask(spec["seq"], spec.get("tpad")), row_mask(spec["mem"], spec.get("mpad"))
    out = run_decoder(spec, dec, tgt, memory, tpm, mpm)
    check_all_masked(spec, fix)
    case.update(x=f32(tgt), mem_x=f32(memory), tgt_padding=padding_field(tpm),
                mem_padding=padding_field(mpm), expected=f32(out))
    decoder_fields(case, dec)
    return case


def make_transformer(spec):
    bf = spec.get("batch_first", False)
    tf = nn.Transformer(spec["d"], spec["heads"], spec["enc_layers"], spec["layers"],
                        spec["ff"], dropout=0.0, activation=ACTIVATIONS[spec["act"]][0],
                        layer_norm_eps=spec.get("eps", 1e-5), batch_first=bf,
                        norm_first=spec.get("norm_first", False))
    tf.encoder.enable_nested_tensor = False  # padded rows are not zeroed
    randomise(tf)
    return tf.eval()


def build_transformer(spec):
    case = dec_base_case(spec)
    bf = spec.get("batch_first", False)
    tf = make_transformer(spec)
    fix = AllMaskedFix(tf)
    src, tgt = torch.randn(spec["mem"], spec["d"]), torch.randn(spec["seq"], spec["d"])
    spm, tpm = row_mask(spec["mem"], spec.get("mpad")), row_mask(spec["seq"], spec.get("tpad"))
    out = tf(seq_in(src, bf), seq_in(tgt, bf),
             tgt_mask=causal_mask(spec["seq"], spec["seq"], spec.get("causal", False)),
             src_key_padding_mask=spm, tgt_key_padding_mask=tpm, memory_key_padding_mask=spm)
    memory = tf.encoder(seq_in(src, bf), src_key_padding_mask=spm)
    check_all_masked(spec, fix)
    case.update(x=f32(tgt), mem_x=f32(src), tgt_padding=padding_field(tpm),
                mem_padding=padding_field(spm), expected=f32(seq_out(out, bf)),
                expected_mem=f32(seq_out(memory, bf)))
    stack_fields(case, tf.encoder)
    decoder_fields(case, tf.decoder)
    return case


def position_table(spec, rows):
    """[rows, d] positions added after the embedding (zeros for none)."""
    if spec["pos"] == "sinusoidal":
        return torch.from_numpy(sinusoidal_table(rows, spec["d"]))
    if spec["pos"] == "learned":
        return torch.randn(rows, spec["d"])
    return torch.zeros(rows, spec["d"])


def embed(table, pos, tokens, scale):
    """nn.Embedding lookup, times scale (0 or 1: none), + positions."""
    h = table(torch.tensor(tokens, dtype=torch.long))
    if scale not in (0.0, 1.0):
        h = h * scale
    return h + pos[:len(tokens)]


def embed_norms(spec, n):
    """n embedding LayerNorms (spec's eps, randomised) if spec["embed_norm"],
    else n identities."""
    if not spec.get("embed_norm"):
        return [lambda h: h] * n
    out = []
    for _ in range(n):
        ln = nn.LayerNorm(spec["d"], eps=spec.get("eps", 1e-5))
        randomise(ln)
        out.append(ln)
    return out


def top_margin(logits):
    """(argmax, (best - second) / max(1, |best|)) of a 1-D tensor."""
    v, i = torch.sort(logits.double(), descending=True)
    return int(i[0]), float((v[0] - v[1]) / max(1.0, abs(float(v[0]))))


def greedy_fields(case, spec, step_logits, first_inputs):
    """A greedy run of max_out tokens (step_logits(tokens so far) -> the
    last position's logits), then eos / n_eos / eos_never from it."""
    seq, out = list(first_inputs), []
    for _ in range(spec["max_out"]):
        t, margin = top_margin(step_logits(seq))
        assert margin >= GREEDY_MARGIN, (spec["name"], "greedy step too close", len(out), margin)
        out.append(t)
        seq.append(t)
    # eos: a token whose first appearance is as late as possible, at index >= 1
    first = {}
    for i, t in enumerate(out):
        first.setdefault(t, i)
    n_eos = max(first.values())
    assert n_eos >= 1, (spec["name"], "greedy run of one repeated token", out)
    vocab = case["tgt_vocab"]
    never = [t for t in range(vocab) if t not in first]
    assert never, (spec["name"], "greedy run uses every token", out)
    case.update(max_out=spec["max_out"], greedy=np.array(out, dtype=np.int32),
                eos=out[n_eos], n_eos=n_eos, eos_never=never[len(never) // 2])


def build_seq2seq(spec):
    if spec.get("front"):
        return build_seq2seq_front(spec)
    case = dec_base_case(spec)
    d, scale = spec["d"], spec["embed_scale"]
    sv, tv = spec["src_vocab"], spec["tgt_vocab"]
    tf = make_transformer(dict(spec, causal=True))
    src_emb, tgt_emb, out_lin = nn.Embedding(sv, d), nn.Embedding(tv, d), nn.Linear(d, tv)
    for m in (src_emb, tgt_emb, out_lin):
        randomise(m)
    src_emb.weight.data.normal_()
    tgt_emb.weight.data.normal_()
    src_pos, tgt_pos = position_table(spec, spec["max_src"]), position_table(spec, spec["max_tgt"])
    # embed_norm (issue 11): BART's layernorm_embedding, one per side, with
    # that side's layer eps (attention.h: encoder.eps / decoder.eps)
    src_ln, tgt_ln = embed_norms(spec, 2)
    fix = AllMaskedFix(tf)
    src = [int(t) for t in torch.randint(0, sv, (spec["mem"],))]
    tgt = [spec["bos"]] + [int(t) for t in torch.randint(0, tv, (spec["seq"] - 1,))]
    memory = tf.encoder(src_ln(embed(src_emb, src_pos, src, scale))[:, None, :])

    def logits_of(tokens):
        n = len(tokens)
        h = tf.decoder(tgt_ln(embed(tgt_emb, tgt_pos, tokens, scale))[:, None, :], memory,
                       tgt_mask=causal_mask(n, n, True))
        return out_lin(h[:, 0])

    case.update(src_vocab=sv, tgt_vocab=tv, max_src=spec["max_src"], max_tgt=spec["max_tgt"],
                pos=POS_ENUM[spec["pos"]], embed_scale=scale, bos=spec["bos"], causal=1,
                src_embed=f32(src_emb.weight), tgt_embed=f32(tgt_emb.weight),
                out_w=f32(out_lin.weight), out_b=f32(out_lin.bias),
                src=np.array(src, dtype=np.int32), tgt=np.array(tgt, dtype=np.int32),
                expected=f32(logits_of(tgt)))
    if spec["pos"] == "learned":
        case.update(src_pos=f32(src_pos), tgt_pos=f32(tgt_pos))
    if spec.get("embed_norm"):
        case.update(src_norm_w=f32(src_ln.weight), src_norm_b=f32(src_ln.bias),
                    tgt_norm_w=f32(tgt_ln.weight), tgt_norm_b=f32(tgt_ln.bias))
    greedy_fields(case, spec, lambda toks: logits_of(toks)[-1], [spec["bos"]])
    check_all_masked(spec, fix)
    stack_fields(case, tf.encoder)
    decoder_fields(case, tf.decoder)
    return case


def build_seq2seq_front(spec):
    """A seq2seq whose source has a front end (attn_seq2seq_cfg's src_*),
    written as a PyTorch model does it: features through an nn.Linear, an
    image through nn.Conv2d(stride=patch) (patches row-major), or token ids
    through nn.Embedding (* embed_scale) + an nn.Embedding of segment ids;
    a learned CLS nn.Parameter concatenated in front; positions over every
    memory row; [nn.LayerNorm]; nn.Transformer's encoder -> memory. The
    target side is build_seq2seq's (nn.Embedding * embed_scale + positions
    [+ LayerNorm], the decoder, an output nn.Linear), teacher-forced logits
    at every position and a greedy run."""
    case = dec_base_case(spec)
    d, scale, tv, front = spec["d"], spec["embed_scale"], spec["tgt_vocab"], spec["front"]
    tf = make_transformer(dict(spec, causal=True))
    tgt_emb, out_lin = nn.Embedding(tv, d), nn.Linear(d, tv)
    for m in (tgt_emb, out_lin):
        randomise(m)
    tgt_emb.weight.data.normal_()
    if front == "features":
        lin = nn.Linear(spec["d_in"], d)
        randomise(lin)
        x = torch.randn(spec["mem"], spec["d_in"])
        h = lin(x)
        case.update(src_d_in=spec["d_in"], src_input=f32(x), src_embed_w=f32(lin.weight),
                    src_embed_b=f32(lin.bias))
    elif front == "image":
        (ch, ih, iw), p = spec["image"], spec["patch"]
        conv = nn.Conv2d(ch, d, p, stride=p)
        randomise(conv)
        img = torch.randn(1, ch, ih, iw)
        h = conv(img).flatten(2).transpose(1, 2)[0]                  # [patches, d]
        case.update(src_d_in=ch * p * p, src_patch=p, src_channels=ch, src_image_h=ih,
                    src_image_w=iw, src_input=f32(img[0]),
                    src_embed_w=f32(conv.weight.reshape(d, -1)), src_embed_b=f32(conv.bias))
    else:
        sv, nseg = spec["src_vocab"], spec.get("segments", 0)
        src_emb = nn.Embedding(sv, d)
        randomise(src_emb)
        src_emb.weight.data.normal_()
        toks = torch.randint(0, sv, (spec["mem"],))
        h = src_emb(toks)
        if scale not in (0.0, 1.0):
            h = h * scale                                            # tokens only
        case.update(src_vocab=sv, src_embed=f32(src_emb.weight),
                    src=toks.numpy().astype(np.int32))
        if nseg:
            seg_emb = nn.Embedding(nseg, d)
            randomise(seg_emb)
            seg_emb.weight.data.normal_()
            segs = torch.randint(0, nseg, (spec["mem"],))
            segs[0], segs[-1] = 0, nseg - 1                          # mixed
            assert len(set(segs.tolist())) == nseg, (spec["name"], "segments not mixed", segs)
            h = h + seg_emb(segs)
            case.update(src_segments=nseg, src_segment_embed=f32(seg_emb.weight),
                        src_seg=segs.numpy().astype(np.int32))
    assert h.shape[0] == spec["mem"], (spec["name"], h.shape)
    if spec.get("cls"):
        cls_p = nn.Parameter(torch.randn(1, d))                      # the learned [CLS] row
        h = torch.cat([cls_p, h], dim=0)
        case.update(src_cls_token=1, src_cls=f32(cls_p[0]))
    rows = h.shape[0]
    assert rows <= spec["max_src"], spec["name"]
    src_pos, tgt_pos = position_table(spec, spec["max_src"]), position_table(spec, spec["max_tgt"])
    src_ln, tgt_ln = embed_norms(spec, 2)
    fix = AllMaskedFix(tf)
    tgt = [spec["bos"]] + [int(t) for t in torch.randint(0, tv, (spec["seq"] - 1,))]
    memory = tf.encoder(src_ln(h + src_pos[:rows])[:, None, :])

    def logits_of(tokens):
        n = len(tokens)
        h = tf.decoder(tgt_ln(embed(tgt_emb, tgt_pos, tokens, scale))[:, None, :], memory,
                       tgt_mask=causal_mask(n, n, True))
        return out_lin(h[:, 0])

    case.update(tgt_vocab=tv, max_src=spec["max_src"], max_tgt=spec["max_tgt"],
                pos=POS_ENUM[spec["pos"]], embed_scale=scale, bos=spec["bos"], causal=1,
                tgt_embed=f32(tgt_emb.weight), out_w=f32(out_lin.weight),
                out_b=f32(out_lin.bias), tgt=np.array(tgt, dtype=np.int32),
                expected=f32(logits_of(tgt)))
    if spec["pos"] == "learned":
        case.update(src_pos=f32(src_pos), tgt_pos=f32(tgt_pos))
    if spec.get("embed_norm"):
        case.update(src_norm_w=f32(src_ln.weight), src_norm_b=f32(src_ln.bias),
                    tgt_norm_w=f32(tgt_ln.weight), tgt_norm_b=f32(tgt_ln.bias))
    greedy_fields(case, spec, lambda toks: logits_of(toks)[-1], [spec["bos"]])
    check_all_masked(spec, fix)
    stack_fields(case, tf.encoder)
    decoder_fields(case, tf.decoder)
    return case


def build_lm(spec):
    case = dec_base_case(spec)
    d, scale, vocab = spec["d"], spec["embed_scale"], spec["vocab"]
    enc = make_encoder(dict(spec, causal=True))
    emb, out_lin = nn.Embedding(vocab, d), nn.Linear(d, vocab)
    randomise(emb)
    randomise(out_lin)
    emb.weight.data.normal_()
    pos = position_table(spec, spec["max_len"])
    ln, = embed_norms(spec, 1)  # embed_norm: BLOOM's word_embeddings_layernorm
    fix = AllMaskedFix(enc)
    tokens = [int(t) for t in torch.randint(0, vocab, (spec["seq"],))]

    def logits_of(toks):
        n = len(toks)
        h = enc(ln(embed(emb, pos, toks, scale))[:, None, :], mask=causal_mask(n, n, True))
        return out_lin(h[:, 0])

    case.update(tgt_vocab=vocab, max_tgt=spec["max_len"], pos=POS_ENUM[spec["pos"]],
                embed_scale=scale, causal=1, tgt_embed=f32(emb.weight),
                out_w=f32(out_lin.weight), out_b=f32(out_lin.bias),
                tgt=np.array(tokens, dtype=np.int32), expected=f32(logits_of(tokens)),
                prompt_len=spec["prompt"])
    if spec["pos"] == "learned":
        case["tgt_pos"] = f32(pos)
    if spec.get("embed_norm"):
        case.update(tgt_norm_w=f32(ln.weight), tgt_norm_b=f32(ln.bias))
    assert spec["prompt"] <= spec["seq"] and spec["prompt"] + spec["max_out"] - 1 <= spec["max_len"]
    greedy_fields(case, spec, lambda toks: logits_of(toks)[-1], tokens[:spec["prompt"]])
    check_all_masked(spec, fix)
    stack_fields(case, enc)
    return case


DEC_BUILDERS = {"dmha": build_dmha, "dlayer": build_dlayer, "decoder": build_decoder,
                "transformer": build_transformer, "seq2seq": build_seq2seq, "lm": build_lm}


def build_dec_case(spec):
    torch.manual_seed(zlib.crc32(spec["name"].encode()))
    case = DEC_BUILDERS[spec["kind"]](spec)
    arrays = [v for v in case.values() if isinstance(v, np.ndarray)]
    for group in ("enc_layers", "dec_layers"):
        arrays += [v for layer in (case[group] or []) for v in layer.values() if v is not None]
    for a in arrays:
        assert np.all(np.isfinite(a)), spec["name"]
    return case


def build_dec_all():
    names = [s["name"] for s in CASES + DEC_CASES]
    assert len(set(names)) == len(names), "duplicate case names"
    return [build_dec_case(s) for s in DEC_CASES]


# --------------------------------------------------------------------------
# Additive (Bahdanau) attention cases (issue 11): a table of its own,
# golden_add_cases[] (golden_add_case in golden.h), after the others.
#   score[i][j] = v . tanh(Wq q_i + b + Wk k_j), softmax over the unmasked
#   keys j, out_i = sum_j p_ij val_j.
# The reference is written in PyTorch ops (nn.Linear, torch.tanh,
# torch.softmax). A query that sees no key (every key padded) gets
# attention.h's documented zero row (PyTorch: NaN); the generator counts
# those rows and checks that exactly the all_masked cases have them.
#   pad    = an int (that many trailing keys) or a list of key indices
#   nobias = Wq without its bias (b NULL in C)
#   wscale = the projections' weights times this (tanh saturates)
# Seeded with crc32(name) as the other tables.
# --------------------------------------------------------------------------
ADD_CASES = [
    dict(name="add_q1_k1_d4_a5", sq=1, skv=1, dq=4, dk=4, dv=4, da=5),
    dict(name="add_q5_k8_dq7_dk5_dv3_a6", sq=5, skv=8, dq=7, dk=5, dv=3, da=6),
    dict(name="add_q6_k11_d8_a16_pad4", sq=6, skv=11, dq=8, dk=8, dv=8, da=16, pad=4),
    dict(name="add_q4_k7_d6_a5_allbut1", sq=4, skv=7, dq=6, dk=6, dv=6, da=5,
         pad=[0, 1, 2, 4, 5, 6]),
    dict(name="add_q3_k5_dq6_dk4_dv5_a5_allmasked", sq=3, skv=5, dq=6, dk=4, dv=5, da=5, pad=5,
         all_masked=True),
    dict(name="add_q9_k37_dq12_dk10_dv8_a12_pad5", sq=9, skv=37, dq=12, dk=10, dv=8, da=12,
         pad=5),
    dict(name="add_q7_k7_d10_a9_nobias", sq=7, skv=7, dq=10, dk=10, dv=10, da=9, nobias=True),
    dict(name="add_q2_k6_d8_a5_pad135", sq=2, skv=6, dq=8, dk=8, dv=8, da=5, pad=[1, 3, 5]),
    dict(name="add_q4_k6_dq8_dk6_dv4_a8_saturated", sq=4, skv=6, dq=8, dk=6, dv=4, da=8,
         wscale=4.0),
]

ADD_CASE_FIELDS = ["name", "seq_q", "seq_kv", "d_q", "d_k", "d_v", "d_attn", "q", "k", "val",
                   "key_padding", "wq", "wk", "b", "v", "expected", "all_masked_rows",
                   "data_bytes"]


def build_add_case(spec):
    torch.manual_seed(zlib.crc32(spec["name"].encode()))
    sq, skv, dq, dk, dv, da = (spec[f] for f in ("sq", "skv", "dq", "dk", "dv", "da"))
    lin_q = nn.Linear(dq, da, bias=not spec.get("nobias", False))
    lin_k = nn.Linear(dk, da, bias=False)
    randomise(lin_q)
    randomise(lin_k)
    ws = spec.get("wscale", 1.0)
    lin_q.weight.data.mul_(ws)
    lin_k.weight.data.mul_(ws)
    v = torch.empty(da).uniform_(-1.5, 1.5)
    q, k, val = torch.randn(sq, dq), torch.randn(skv, dk), torch.randn(skv, dv)
    mask = row_mask(skv, spec.get("pad"))
    h = torch.tanh(lin_q(q)[:, None, :] + lin_k(k)[None, :, :])  # [sq, skv, da]
    scores = torch.matmul(h, v)                                   # [sq, skv]
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    p = torch.softmax(scores, dim=-1)
    out = torch.matmul(p, val)                                    # [sq, dv]
    dead = torch.isnan(out).any(dim=1)
    rows = int(dead.sum())
    assert (rows > 0) == bool(spec.get("all_masked")), (spec["name"], rows)
    out = torch.where(dead[:, None], torch.zeros_like(out), out)
    case = {f: None for f in ADD_CASE_FIELDS}
    case.update(name=spec["name"], seq_q=sq, seq_kv=skv, d_q=dq, d_k=dk, d_v=dv, d_attn=da,
                q=f32(q), k=f32(k), val=f32(val), key_padding=padding_field(mask),
                wq=f32(lin_q.weight), wk=f32(lin_k.weight),
                b=None if lin_q.bias is None else f32(lin_q.bias), v=f32(v),
                expected=f32(out), all_masked_rows=rows)
    for f, a in case.items():
        if isinstance(a, np.ndarray):
            assert np.all(np.isfinite(a)), (spec["name"], f)
    return case


def build_add_all():
    names = [s["name"] for s in CASES + DEC_CASES + ADD_CASES]
    assert len(set(names)) == len(names), "duplicate case names"
    return [build_add_case(s) for s in ADD_CASES]


def add_data_bytes(case):
    return sum(int(v.nbytes) for v in case.values() if isinstance(v, np.ndarray))


def add_flash_guard(nbytes):
    """flash_guard() of an additive-attention case (its own limit)."""
    return "#if GOLDEN_ADD_FLASH_LIMIT >= %d\n" % nbytes


def emit_add_section(add_cases):
    """The additive-attention table, appended to golden_data.h."""
    out = ["""/* ==== additive attention (issue 11): golden_add_cases[] (golden_add_case,
 * golden.h): %d cases, %d bytes of data in all. Each is kept only if its data
 * fits GOLDEN_ADD_FLASH_LIMIT (golden.h; default GOLDEN_FLASH_LIMIT); the
 * others are listed in golden_add_left_out[].
 * ==== */

""" % (len(add_cases), sum(add_data_bytes(c) for c in add_cases))]
    inits, left_out = [], []
    for case in add_cases:
        nbytes = add_data_bytes(case)
        case["data_bytes"] = nbytes
        out.append("/* ---- %s: %d bytes ---- */\n\n" % (case["name"], nbytes))
        out.append(add_flash_guard(nbytes) + "\n")
        ref = {f: c_array("%s_%s" % (case["name"], f), case[f], out)
               for f in ADD_CASE_FIELDS if isinstance(case[f], np.ndarray)}
        out.append("#endif\n\n")
        inits.append(add_flash_guard(nbytes) + case_initialiser(case, ref, ADD_CASE_FIELDS)
                     + ",\n#endif\n")
        left_out.append("#if GOLDEN_ADD_FLASH_LIMIT < %d\n    {\"%s\", %d},\n#endif\n"
                        % (nbytes, case["name"], nbytes))
    end = {f: None for f in ADD_CASE_FIELDS}
    end.update({f: 0 for f in ("seq_q", "seq_kv", "d_q", "d_k", "d_v", "d_attn",
                               "all_masked_rows", "data_bytes")})
    out.append("/* Every additive-attention case that fits GOLDEN_ADD_FLASH_LIMIT, then the "
               "sentinel. */\nstatic const golden_add_case golden_add_cases[] = {\n%s%s\n};\n\n"
               % ("".join(inits), case_initialiser(end, {}, ADD_CASE_FIELDS)))
    out.append("#define GOLDEN_N_ADD_CASES "
               "(sizeof golden_add_cases / sizeof golden_add_cases[0] - 1)\n\n")
    out.append("/* The additive-attention cases GOLDEN_ADD_FLASH_LIMIT leaves out, then the "
               "sentinel. */\nstatic const golden_left_out_entry golden_add_left_out[] = {\n%s"
               "    {NULL, 0}\n};\n\n" % "".join(left_out))
    out.append("#define GOLDEN_N_ADD_LEFT_OUT "
               "(sizeof golden_add_left_out / sizeof golden_add_left_out[0] - 1)\n\n")
    return "".join(out)


# --------------------------------------------------------------------------
# C emission
# --------------------------------------------------------------------------


def c_float(v):
    """float32 -> C float literal that round-trips exactly (9 significant digits)."""
    s = "%.9g" % float(v)
    if "." not in s and "e" not in s:
        s += "."
    return s + "f"


def wrap(items, indent="    ", width=100):
    """Join `items` with ', ' into lines of at most `width` characters."""
    lines, cur = [], indent
    for it in items:
        piece = it + ","
        if cur != indent and len(cur) + 1 + len(piece) > width:
            lines.append(cur)
            cur = indent
        cur += ("" if cur == indent else " ") + piece
    lines.append(cur)
    return "\n".join(lines)


def c_array(name, arr, out):
    """Emit `arr` as a static const C array; return its name."""
    flat = np.asarray(arr).reshape(-1)
    if flat.dtype == np.uint8:
        ctype, items = "unsigned char", [str(int(v)) for v in flat]
    elif flat.dtype == np.int32:
        ctype, items = "int", [str(int(v)) for v in flat]
    else:
        assert flat.dtype == np.float32
        ctype, items = "float", [c_float(v) for v in flat]
    shape = "x".join(str(n) for n in np.asarray(arr).shape)
    out.append("/* [%s] */\nstatic const %s %s[%d] = {\n%s\n};\n\n"
               % (shape, ctype, name, flat.size, wrap(items)))
    return name


def data_bytes(case):
    """Bytes of every array a case emits (its flash cost; the tables of
    pointers around them are not counted: their size depends on the target)."""
    arrays = [v for v in case.values() if isinstance(v, np.ndarray)]
    arrays += [v for layer in case["layers"] for v in layer.values() if v is not None]
    return sum(int(np.asarray(a).nbytes) for a in arrays)


def flash_guard(nbytes, part=None):
    """Preprocessor condition that keeps a case of `nbytes` bytes of data
    (an encoder-table case: in its part of the suite, golden.h)."""
    if part is None:
        return "#if GOLDEN_FLASH_LIMIT >= %d\n" % nbytes
    return "#if GOLDEN_FLASH_LIMIT >= %d && %s\n" % (nbytes, PART_MACROS[part])


# The encoder table's cases belong to a part of the suite (tests/check.h):
# a board builds each part as a program of its own (flash), golden.h's
# GOLDEN_PART_* say which parts a build holds.
PART_MACROS = {"encoder": "GOLDEN_PART_ENCODER", "forms": "GOLDEN_PART_FORMS"}


def emit_case(case, out):
    """Emit a case's arrays and layers; return its golden_cases[] initialiser."""
    name = case["name"]
    ref = {}  # field -> C expression
    for f in CASE_FIELDS:
        v = case[f]
        if isinstance(v, np.ndarray):
            ref[f] = c_array("%s_%s" % (name, f), v, out)

    layer_inits = []
    if not case["layers"]:  # attention pooling alone: no layers
        return case_initialiser(case, dict(ref, layers="NULL"))
    for i, layer in enumerate(case["layers"]):
        vals = [c_array("%s_l%d_%s" % (name, i, f), layer[f], out)
                if layer[f] is not None else "NULL" for f in LAYER_FIELDS]
        layer_inits.append("    { /* layer %d */\n%s\n    }" % (i, wrap(vals, indent="      ")))
    ref["layers"] = name + "_layers"
    out.append("static const golden_layer %s_layers[%d] = {\n%s\n};\n\n"
               % (name, len(layer_inits), ",\n".join(layer_inits)))
    return case_initialiser(case, ref)


def case_initialiser(case, ref, fields=CASE_FIELDS):
    """golden_cases[] row of `case`; `ref` maps array fields to C names."""
    vals = []
    for f in fields:
        v = case[f]
        if f in ref:
            vals.append(ref[f])
        elif f == "name":
            vals.append("NULL" if v is None else '"%s"' % v)
        elif f in ("eps", "torch_err", "embed_scale"):
            vals.append(c_float(np.float32(v)))
        elif v is None:
            vals.append("NULL")
        else:
            vals.append(str(v))
    return "    { /* %s */\n%s\n    }" % (case["name"] or "end of table",
                                          wrap(vals, indent="      "))


def sentinel_case():
    """The all-zero row that ends golden_cases[] (name NULL). It also keeps the
    array non-empty when GOLDEN_FLASH_LIMIT leaves every case out (a C array
    of zero elements is not valid C)."""
    case = base_case(dict(name=None, seq=0, d=0, layers=0), "GOLDEN_LAYERNORM")
    case.update(eps=0.0, data_bytes=0)
    return case


def dec_data_bytes(case):
    """data_bytes() of a decoder-side case (two lists of layers)."""
    arrays = [v for v in case.values() if isinstance(v, np.ndarray)]
    for group in ("enc_layers", "dec_layers"):
        arrays += [v for layer in (case[group] or []) for v in layer.values() if v is not None]
    return sum(int(np.asarray(a).nbytes) for a in arrays)


def emit_layers(name, layers, fields, ctype, out):
    """Emit a table of layer structs (and their arrays); return its name."""
    inits = []
    for i, layer in enumerate(layers):
        vals = [c_array("%s_%d_%s" % (name, i, f), layer[f], out)
                if layer[f] is not None else "NULL" for f in fields]
        inits.append("    { /* layer %d */\n%s\n    }" % (i, wrap(vals, indent="      ")))
    out.append("static const %s %s[%d] = {\n%s\n};\n\n"
               % (ctype, name, len(inits), ",\n".join(inits)))
    return name


def emit_dec_case(case, out):
    """Emit a decoder-side case's arrays; return its golden_dec_cases[] row."""
    name = case["name"]
    ref = {}
    for f in DEC_CASE_FIELDS:
        if isinstance(case[f], np.ndarray):
            ref[f] = c_array("%s_%s" % (name, f), case[f], out)
    if case["enc_layers"]:
        ref["enc_layers"] = emit_layers(name + "_enc", case["enc_layers"], LAYER_FIELDS,
                                        "golden_layer", out)
    if case["dec_layers"]:
        ref["dec_layers"] = emit_layers(name + "_dec", case["dec_layers"], DEC_LAYER_FIELDS,
                                        "golden_dec_layer", out)
    return case_initialiser(case, ref, DEC_CASE_FIELDS)


def dec_sentinel_case():
    """The all-zero row that ends golden_dec_cases[] (name NULL)."""
    case = {f: None for f in DEC_CASE_FIELDS}
    for f in ("seq", "mem", "d_model", "n_heads", "d_ff", "n_enc_layers", "n_dec_layers",
              "norm_first", "causal", "src_vocab", "tgt_vocab", "max_src", "max_tgt",
              "prompt_len", "bos", "eos", "eos_never", "n_eos", "max_out", "data_bytes", "window",
              "embed_norm", "src_d_in", "src_patch", "src_channels", "src_image_h", "src_image_w",
              "src_cls_token", "src_segments"):
        case[f] = 0
    case.update(kind="GOLDEN_DEC_MHA", activation="GOLDEN_RELU", pos="GOLDEN_POS_NONE",
                eps=0.0, embed_scale=0.0)
    return case


def dec_flash_guard(nbytes):
    """flash_guard() of a decoder-side case (its own limit)."""
    return "#if GOLDEN_DEC_FLASH_LIMIT >= %d\n" % nbytes


def emit_dec_section(dec_cases):
    """The decoder-side table, appended to golden_data.h."""
    out = ["""/* ==== decoder-side cases (issue 10): golden_dec_cases[] (golden_dec_case,
 * golden.h): %d cases, %d bytes of data in all. Each is kept only if its data
 * fits GOLDEN_DEC_FLASH_LIMIT (golden.h; default GOLDEN_FLASH_LIMIT); the
 * others are listed in golden_dec_left_out[].
 * ==== */

""" % (len(dec_cases), sum(dec_data_bytes(c) for c in dec_cases))]
    inits, left_out = [], []
    for case in dec_cases:
        nbytes = dec_data_bytes(case)
        case["data_bytes"] = nbytes
        out.append("/* ---- %s: %d bytes ---- */\n\n" % (case["name"], nbytes))
        out.append(dec_flash_guard(nbytes) + "\n")
        inits.append(dec_flash_guard(nbytes) + emit_dec_case(case, out) + ",\n#endif\n")
        out.append("#endif\n\n")
        left_out.append("#if GOLDEN_DEC_FLASH_LIMIT < %d\n    {\"%s\", %d},\n#endif\n"
                        % (nbytes, case["name"], nbytes))
    out.append("/* Every decoder-side case that fits GOLDEN_DEC_FLASH_LIMIT, then the sentinel. */\n"
               "static const golden_dec_case golden_dec_cases[] = {\n%s%s\n};\n\n"
               % ("".join(inits), case_initialiser(dec_sentinel_case(), {}, DEC_CASE_FIELDS)))
    out.append("#define GOLDEN_N_DEC_CASES "
               "(sizeof golden_dec_cases / sizeof golden_dec_cases[0] - 1)\n\n")
    out.append("/* The decoder-side cases GOLDEN_DEC_FLASH_LIMIT leaves out, then the sentinel. */\n"
               "static const golden_left_out_entry golden_dec_left_out[] = {\n%s    {NULL, 0}\n};"
               "\n\n" % "".join(left_out))
    out.append("#define GOLDEN_N_DEC_LEFT_OUT "
               "(sizeof golden_dec_left_out / sizeof golden_dec_left_out[0] - 1)\n\n")
    return "".join(out)


def check_schema():
    """Assert the struct field order in golden.h matches the *_FIELDS lists."""
    with open(SCHEMA) as fh:
        text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
    for fields, tag in ((LAYER_FIELDS, "golden_layer"), (CASE_FIELDS, "golden_case"),
                        (DEC_LAYER_FIELDS, "golden_dec_layer"),
                        (DEC_CASE_FIELDS, "golden_dec_case"),
                        (ADD_CASE_FIELDS, "golden_add_case")):
        body = re.search(r"typedef struct \{([^{}]*)\}\s*%s;" % tag, text, re.S).group(1)
        found = [m.group(1) for m in re.finditer(r"(\w+)\s*(?:\[[^\]]*\])?;", body)]
        assert found == fields, (tag, found)


def stamp():
    return "tests/golden/gen_golden.py; torch %s; numpy %s; python %s" % (
        torch.__version__, np.__version__, platform.python_version())


def emit_header(cases, dec_cases, add_cases):
    out = ["""/* golden_data.h - GENERATED FILE, DO NOT EDIT.
 *
 * Generated by tests/golden/gen_golden.py from PyTorch reference modules
 * (float32, eval mode, dropout 0, autograd enabled so no fast path).
 * Versions: torch %s, numpy %s, python %s.
 * Regenerate from the repository root with:
 *
 *     /usr/bin/python3 tests/golden/gen_golden.py
 *
 * Schema: golden.h. %d cases, %d bytes of data in all. Each case is kept only
 * if its data fits GOLDEN_FLASH_LIMIT (golden.h); the others are listed in
 * golden_left_out[].
 */
#ifndef GOLDEN_DATA_H
#define GOLDEN_DATA_H

#include <stddef.h>

#include "golden.h"

#define GOLDEN_STAMP "%s"

""" % (torch.__version__, np.__version__, platform.python_version(), len(cases),
       sum(data_bytes(c) for c in cases), stamp())]
    inits, left_out = [], []
    for case in cases:
        nbytes = data_bytes(case)
        case["data_bytes"] = nbytes
        out.append("/* ---- %s: %d bytes ---- */\n\n" % (case["name"], nbytes))
        part = case.pop("part")
        out.append(flash_guard(nbytes, part) + "\n")
        inits.append(flash_guard(nbytes, part) + emit_case(case, out) + ",\n#endif\n")
        out.append("#endif\n\n")
        left_out.append("#if GOLDEN_FLASH_LIMIT < %d && %s\n    {\"%s\", %d},\n#endif\n"
                        % (nbytes, PART_MACROS[part], case["name"], nbytes))
    out.append("/* Every case that fits GOLDEN_FLASH_LIMIT, then the sentinel (name NULL). */\n"
               "static const golden_case golden_cases[] = {\n%s%s\n};\n\n"
               % ("".join(inits), case_initialiser(sentinel_case(), {})))
    out.append("#define GOLDEN_N_CASES (sizeof golden_cases / sizeof golden_cases[0] - 1)\n\n")
    out.append("/* The cases GOLDEN_FLASH_LIMIT leaves out, then the sentinel (name NULL). */\n"
               "static const golden_left_out_entry golden_left_out[] = {\n%s    {NULL, 0}\n};\n\n"
               % "".join(left_out))
    out.append("#define GOLDEN_N_LEFT_OUT "
               "(sizeof golden_left_out / sizeof golden_left_out[0] - 1)\n\n")
    out.append(emit_dec_section(dec_cases))
    out.append(emit_add_section(add_cases))
    out.append("#endif /* GOLDEN_DATA_H */\n")
    return "".join(out)


def main():
    check_schema()
    cases = build_all()
    dec_cases = build_dec_all()
    add_cases = build_add_all()
    text = emit_header(cases, dec_cases, add_cases)
    with open(OUTPUT, "w", newline="\n") as fh:
        fh.write(text)
    print("wrote %s: %d + %d + %d cases, %d bytes" % (os.path.relpath(OUTPUT), len(cases),
                                                      len(dec_cases), len(add_cases), len(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
