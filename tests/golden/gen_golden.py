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
               "cls_w", "cls_b", "expected", "torch_err", "data_bytes"]

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


def causal_mask(seq_q, seq_kv, causal):
    """[seq_q, seq_kv] bool mask, True above the diagonal, or None."""
    if not causal:
        return None
    return torch.triu(torch.ones(seq_q, seq_kv, dtype=torch.bool), diagonal=1)


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
    case.update(name=spec["name"], kind=kind_enum, seq_q=spec["seq"],
                seq_kv=spec.get("seq_kv", spec["seq"]), d_model=spec["d"],
                n_heads=spec.get("heads", 0), d_ff=spec.get("ff", 0),
                n_layers=spec.get("layers", 1), activation="GOLDEN_RELU",
                norm_first=int(spec.get("norm_first", False)),
                causal=int(spec.get("causal", False)), eps=spec.get("eps", 1e-5),
                d_in=0, pos="GOLDEN_POS_NONE", pool="GOLDEN_POOL_MEAN", n_classes=0,
                torch_err=-1.0)
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
    out, _ = mha(x, kv, kv, key_padding_mask=kpm,
                 attn_mask=causal_mask(sq, skv, case["causal"]), need_weights=False)
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
    out = layer(x, src_mask=causal_mask(spec["seq"], spec["seq"], case["causal"]),
                src_key_padding_mask=kpm)
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
    out = enc(x, mask=causal_mask(spec["seq"], spec["seq"], case["causal"]),
              src_key_padding_mask=kpm)
    case["x"] = f32(x[:, 0])
    case["key_padding"] = padding_field(kpm)
    encoder_fields(case, enc)
    case["expected"] = f32(out[:, 0])
    return case


def build_model(spec):
    case = base_case(spec, "GOLDEN_MODEL")
    seq, d = spec["seq"], spec["d"]
    embed = nn.Linear(spec["d_in"], d)
    cls = nn.Linear(d, spec["classes"])
    randomise(embed)
    randomise(cls)
    enc = make_encoder(spec)
    if spec["pos"] == "sinusoidal":
        pos = torch.from_numpy(sinusoidal_table(seq, d))
        case["pos"] = "GOLDEN_POS_SINUSOIDAL"
    else:
        pos = torch.randn(seq, d)
        case["pos"] = "GOLDEN_POS_LEARNED"
        case["pos_table"] = f32(pos)
    x = torch.randn(seq, 1, spec["d_in"])
    kpm = key_padding(seq, spec.get("pad", 0))

    h = embed(x) + pos[:, None, :]                                  # [seq, 1, d]
    h = enc(h, mask=causal_mask(seq, seq, case["causal"]), src_key_padding_mask=kpm)
    h = h[:, 0]                                                     # [seq, d]
    if spec["pool"] == "mean":
        keep = torch.ones(seq, dtype=torch.bool) if kpm is None else ~kpm[0]
        pooled = h[keep].mean(dim=0)
        case["pool"] = "GOLDEN_POOL_MEAN"
    else:
        pooled = h[0]
        case["pool"] = "GOLDEN_POOL_FIRST"
    logits = cls(pooled)

    case.update(x=f32(x[:, 0]), key_padding=padding_field(kpm), d_in=spec["d_in"],
                embed_w=f32(embed.weight), embed_b=f32(embed.bias),
                n_classes=spec["classes"], cls_w=f32(cls.weight), cls_b=f32(cls.bias),
                expected=f32(logits))
    encoder_fields(case, enc)
    return case


BUILDERS = {"layernorm": build_layernorm, "mha": build_mha,
            "encoder_layer": build_encoder_layer, "encoder": build_encoder,
            "model": build_model}


def build_case(spec):
    torch.manual_seed(zlib.crc32(spec["name"].encode()))
    case = BUILDERS[spec["kind"]](spec)
    for k, v in case.items():
        if isinstance(v, np.ndarray):
            assert np.all(np.isfinite(v)), (spec["name"], k)
    return case


def build_all():
    torch.set_num_threads(1)
    names = [s["name"] for s in CASES]
    assert len(set(names)) == len(names), "duplicate case names"
    return [build_case(s) for s in CASES]


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


def flash_guard(nbytes):
    """Preprocessor condition that keeps a case of `nbytes` bytes of data."""
    return "#if GOLDEN_FLASH_LIMIT >= %d\n" % nbytes


def emit_case(case, out):
    """Emit a case's arrays and layers; return its golden_cases[] initialiser."""
    name = case["name"]
    ref = {}  # field -> C expression
    for f in CASE_FIELDS:
        v = case[f]
        if isinstance(v, np.ndarray):
            ref[f] = c_array("%s_%s" % (name, f), v, out)

    layer_inits = []
    for i, layer in enumerate(case["layers"]):
        vals = [c_array("%s_l%d_%s" % (name, i, f), layer[f], out)
                if layer[f] is not None else "NULL" for f in LAYER_FIELDS]
        layer_inits.append("    { /* layer %d */\n%s\n    }" % (i, wrap(vals, indent="      ")))
    ref["layers"] = name + "_layers"
    out.append("static const golden_layer %s_layers[%d] = {\n%s\n};\n\n"
               % (name, len(layer_inits), ",\n".join(layer_inits)))
    return case_initialiser(case, ref)


def case_initialiser(case, ref):
    """golden_cases[] row of `case`; `ref` maps array fields to C names."""
    vals = []
    for f in CASE_FIELDS:
        v = case[f]
        if f in ref:
            vals.append(ref[f])
        elif f == "name":
            vals.append("NULL" if v is None else '"%s"' % v)
        elif f in ("eps", "torch_err"):
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


def check_schema():
    """Assert the struct field order in golden.h matches LAYER_FIELDS/CASE_FIELDS."""
    with open(SCHEMA) as fh:
        text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
    for fields, tag in ((LAYER_FIELDS, "golden_layer"), (CASE_FIELDS, "golden_case")):
        body = re.search(r"typedef struct \{([^{}]*)\}\s*%s;" % tag, text, re.S).group(1)
        found = [m.group(1) for m in re.finditer(r"(\w+)\s*(?:\[[^\]]*\])?;", body)]
        assert found == fields, (tag, found)


def stamp():
    return "tests/golden/gen_golden.py; torch %s; numpy %s; python %s" % (
        torch.__version__, np.__version__, platform.python_version())


def emit_header(cases):
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
        out.append(flash_guard(nbytes) + "\n")
        inits.append(flash_guard(nbytes) + emit_case(case, out) + ",\n#endif\n")
        out.append("#endif\n\n")
        left_out.append("#if GOLDEN_FLASH_LIMIT < %d\n    {\"%s\", %d},\n#endif\n"
                        % (nbytes, case["name"], nbytes))
    out.append("/* Every case that fits GOLDEN_FLASH_LIMIT, then the sentinel (name NULL). */\n"
               "static const golden_case golden_cases[] = {\n%s%s\n};\n\n"
               % ("".join(inits), case_initialiser(sentinel_case(), {})))
    out.append("#define GOLDEN_N_CASES (sizeof golden_cases / sizeof golden_cases[0] - 1)\n\n")
    out.append("/* The cases GOLDEN_FLASH_LIMIT leaves out, then the sentinel (name NULL). */\n"
               "static const golden_left_out_entry golden_left_out[] = {\n%s    {NULL, 0}\n};\n\n"
               % "".join(left_out))
    out.append("#define GOLDEN_N_LEFT_OUT "
               "(sizeof golden_left_out / sizeof golden_left_out[0] - 1)\n\n"
               "#endif /* GOLDEN_DATA_H */\n")
    return "".join(out)


def main():
    check_schema()
    cases = build_all()
    text = emit_header(cases)
    with open(OUTPUT, "w", newline="\n") as fh:
        fh.write(text)
    print("wrote %s: %d cases, %d bytes" % (os.path.relpath(OUTPUT), len(cases), len(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
