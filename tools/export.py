#!/usr/bin/python3
"""tools/export.py - PyTorch transformer-encoder classifiers -> C headers for attention.h.

Run with the Debian Python, which has PyTorch and NumPy (/usr/bin/python3).
Mostly used as a module from a training script (examples/digits/train.py):

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
    export_model(model, "digits_model.h", "digits", seq=8)          # float, const
    export_calibration(x_train[:64], None, "digits_calib.h", "digits")
    quantize("digits_model.h", "digits_calib.h", "digits_model_s8.h", "digits")  # int8

THE MODEL: Classifier
---------------------
Classifier (defined here; instantiate or subclass it, but do not override
forward) is the one model shape attention.h's attn_model_f32 runs, and its
forward computes exactly what attn_model_f32 computes:

    embed    nn.Linear(d_in, d_model), or None: the input is already d_model
             wide (d_in = 0 in C). bias=False is fine (NULL in C).
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
    pool     "mean" (over the tokens that are not padded) or "first" (token 0).
    head     nn.Linear(d_model, n_classes).
    causal   (optional, default False) token i attends to tokens 0..i only.
    max_seq  (optional) longest sequence for "sinusoidal"/None positions; for
             learned positions it is the table's length.

    forward(x [batch, seq, d_in], key_padding_mask [batch, seq] bool or None,
            True = padded) -> logits [batch, n_classes]:
        h = embed(x) + pos[:seq];  h = encoder(h, mask, key_padding_mask);
        pooled = mean of the unpadded rows of h (zeros if all are padded) or
        h[:, 0];  logits = head(pooled).
    Classifier.build(d_in, d_model, nhead, ...) makes one from sizes.

forward always hands the encoder an attention mask (all False unless causal).
That keeps PyTorch on its reference code path: its fused inference "fast
path" (eval mode without autograd) rounds differently, zeroes the outputs at
padded positions, and in torch 1.13 runs nn.GELU(approximate="tanh") as exact
GELU. Masking with an all-False mask changes no value.

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
Accepted and written as NULL: bias=False anywhere, LayerNorm without
elementwise_affine (NULL gamma/beta), no final norm (flag 0), no embedding.

Ignored, by design: dropout (attention.h is inference only: the export is the
model in eval mode, whatever mode it is in), the module's training flag,
requires_grad. Weights are rounded to float32 (a float64 model therefore
exports with float32 rounding).

Where PyTorch and attention.h still differ (documented in attention.h): a
token whose visible keys are all padded (a sequence that is all padding, or
causal attention with leading padding) gets NaN in PyTorch and a zero
attention context in C; pool="first" of a sequence whose token 0 is padded
uses the computed row 0. Pad at the end, and keep token 0 a real token.

THE GENERATED HEADER (export_model(model, path, name, seq); name "digits")
--------------------------------------------------------------------------
    DIGITS_SEQ (the export's seq), DIGITS_D_IN (0: no embedding),
    DIGITS_D_MODEL, DIGITS_N_HEADS, DIGITS_D_FF, DIGITS_N_LAYERS,
    DIGITS_N_CLASSES, DIGITS_WEIGHT_BYTES (bytes of the float arrays);
    static const float arrays in PyTorch layouts (attention.h CONVENTIONS):
    digits_embed_w/_b, digits_pos (learned only), digits_l<i>_in_proj_w/_b,
    _out_w/_b, _ff1_w/_b, _ff2_w/_b, _norm1_w/_b, _norm2_w/_b, digits_norm_w/_b
    (final norm), digits_cls_w/_b (absent pieces: no array, NULL pointer);
    digits_layers[DIGITS_N_LAYERS] (attn_encoder_layer_weights_f32),
    digits_cfg (attn_model_cfg), digits_weights (attn_model_weights_f32).
Use it:
    static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(DIGITS_SEQ, DIGITS_D_MODEL,
                             DIGITS_N_HEADS, DIGITS_D_FF)] ATTN_ALIGNED;
    attn_arena_init(&arena, arena_buf, sizeof arena_buf);
    attn_model_f32(logits, input, DIGITS_SEQ, NULL, &digits_cfg, &digits_weights, &arena);
Float literals are exact ("%.9g"); the output is deterministic (no dates).

export_calibration(inputs, key_padding, path, name) writes calibration
inputs for the int8 quantizer (tools/quantize_model.c):
    DIGITS_N_CALIB, DIGITS_CALIB_SEQ, DIGITS_CALIB_WIDTH,
    static const float digits_calib[N][SEQ * WIDTH],
    static const uint8_t digits_calib_padding[N][SEQ] (only with key_padding),
    DIGITS_CALIB_PADDING: &digits_calib_padding[0][0] or NULL.
quantize(...) (int8 header through tools/quantize_model.c) is not wired yet.
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
POOL_ENUM = {"mean": "ATTN_POOL_MEAN", "first": "ATTN_POOL_FIRST"}

# Field order of the structs the header initialises positionally; checked
# against attention.h (check_schema) whenever it sits beside this directory.
SCHEMA = {
    "attn_encoder_cfg": ["d_model", "n_heads", "d_ff", "activation", "norm_first",
                         "causal", "eps"],
    "attn_model_cfg": ["encoder", "d_in", "max_seq", "position", "pooling", "n_classes"],
    "attn_mha_weights_f32": ["wq", "wk", "wv", "bq", "bk", "bv", "wo", "bo"],
    "attn_encoder_layer_weights_f32": ["attn", "ff1_w", "ff1_b", "ff2_w", "ff2_b",
                                       "norm1_w", "norm1_b", "norm2_w", "norm2_b"],
    "attn_encoder_weights_f32": ["layers", "n_layers", "final_norm", "norm_w", "norm_b"],
    "attn_model_weights_f32": ["embed_w", "embed_b", "pos", "encoder", "cls_w", "cls_b"],
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
    """embed -> + positions -> encoder -> pool -> head: attention.h's
    attn_model_f32, in PyTorch (see the module docstring for each piece)."""

    def __init__(self, embed, pos, encoder, pool, head, *, max_seq=None, causal=False):
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

    @property
    def max_seq(self):
        """Longest sequence: the learned table's rows, else the max_seq given
        (None: not fixed; export_model then uses its seq)."""
        if isinstance(self.pos, torch.Tensor):
            return int(self.pos.shape[0])
        return self._max_seq

    @classmethod
    def build(cls, d_in, d_model, nhead, dim_feedforward, num_layers, n_classes, max_seq,
              pos="learned", pool="mean", activation="relu", norm_first=False,
              final_norm=True, dropout=0.0, layer_norm_eps=1e-5, batch_first=True,
              causal=False, bias=True):
        """A Classifier from sizes. d_in 0: no embedding. pos "learned" (a
        table initialised N(0, 0.02)), "sinusoidal" or None."""
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
        return cls(embed, pos, encoder, pool, nn.Linear(d_model, n_classes, bias=bias),
                   max_seq=max_seq, causal=causal)

    def forward(self, x, key_padding_mask=None):
        """x [batch, seq, d_in] (d_model if there is no embedding);
        key_padding_mask [batch, seq] (True/nonzero = padded) or None.
        Returns logits [batch, n_classes]."""
        if x.dim() != 3:
            raise ValueError("Classifier input must be [batch, seq, features], not %s"
                             % list(x.shape))
        h = self.embed(x) if self.embed is not None else x
        _, seq, d_model = h.shape
        max_seq = self.max_seq
        if max_seq is not None and seq > max_seq:
            raise ValueError("sequence of %d tokens is longer than max_seq %d" % (seq, max_seq))
        if isinstance(self.pos, torch.Tensor):
            h = h + self.pos[:seq]
        elif self.pos == "sinusoidal":
            h = h + torch.from_numpy(sinusoidal_table(seq, d_model)).to(h.device, h.dtype)
        elif self.pos is not None:
            raise ValueError("pos must be a tensor, 'sinusoidal' or None, not %r" % (self.pos,))
        kpm = None
        if key_padding_mask is not None:
            kpm = key_padding_mask.to(device=h.device, dtype=torch.bool)
        # Always a mask (see the module docstring): PyTorch's reference path.
        ones = torch.ones(seq, seq, dtype=torch.bool, device=h.device)
        mask = torch.triu(ones, diagonal=1) if self.causal else ~ones
        batch_first = self.encoder.layers[0].self_attn.batch_first
        if not batch_first:
            h = h.transpose(0, 1)
        h = self.encoder(h, mask=mask, src_key_padding_mask=kpm)
        if not batch_first:
            h = h.transpose(0, 1)
        if self.pool == "mean":
            if kpm is None:
                pooled = h.mean(dim=1)
            else:
                keep = (~kpm).unsqueeze(-1)
                count = keep.sum(dim=1).clamp(min=1).to(h.dtype)
                pooled = torch.where(keep, h, torch.zeros_like(h)).sum(dim=1) / count
        elif self.pool == "first":
            pooled = h[:, 0]
        else:
            raise ValueError("pool must be 'mean' or 'first', not %r" % (self.pool,))
        return self.head(pooled)


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


def _encoder_layer(layer, i):
    """One nn.TransformerEncoderLayer -> dict of its config and arrays."""
    what = "encoder.layers[%d]" % i
    _plain(layer, nn.TransformerEncoderLayer, what)
    mha = layer.self_attn
    _plain(mha, nn.MultiheadAttention, what + ".self_attn")
    d = int(mha.embed_dim)
    if not mha._qkv_same_embed_dim or mha.kdim != d or mha.vdim != d:
        raise ValueError("%s.self_attn has kdim=%s vdim=%s; attention.h needs both equal to "
                         "d_model=%d" % (what, mha.kdim, mha.vdim, d))
    if mha.bias_k is not None or mha.bias_v is not None:
        raise ValueError("%s.self_attn uses add_bias_kv=True; attention.h has no bias_k/bias_v"
                         % what)
    if mha.add_zero_attn:
        raise ValueError("%s.self_attn uses add_zero_attn=True; attention.h does not" % what)
    heads = int(mha.num_heads)
    if heads <= 0 or d % heads != 0:
        raise ValueError("%s: d_model %d is not divisible by nhead %d" % (what, d, heads))
    in_w = _array(mha.in_proj_weight, what + ".self_attn.in_proj_weight")
    if in_w.shape != (3 * d, d):
        raise ValueError("%s.self_attn.in_proj_weight has shape %s, expected %s"
                         % (what, in_w.shape, (3 * d, d)))
    in_b = _array(mha.in_proj_bias, what + ".self_attn.in_proj_bias")
    if in_b is not None and in_b.shape != (3 * d,):
        raise ValueError("%s.self_attn.in_proj_bias has shape %s" % (what, in_b.shape))
    out_w, out_b = _linear(mha.out_proj, d, d, what + ".self_attn.out_proj")
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


def describe(model, seq):
    """Check `model` against what attention.h can run and collect everything
    the header needs: dict(cfg..., arrays..., layers [...]). ValueError
    names the first problem found."""
    if not isinstance(model, Classifier):
        raise ValueError("export needs a tools/export.py Classifier (embed, pos, encoder, "
                         "pool, head), not %s" % type(model).__name__)
    if type(model).forward is not Classifier.forward:
        raise ValueError("%s overrides Classifier.forward; attention.h computes "
                         "Classifier.forward only" % type(model).__name__)
    for mname, m in model.named_modules():
        if m._forward_hooks or m._forward_pre_hooks:
            raise ValueError("module %r has forward hooks (weight_norm? remove them first); "
                             "their effect cannot be exported" % (mname or "model"))

    enc = model.encoder
    _plain(enc, nn.TransformerEncoder, "encoder")
    layers = list(enc.layers)
    if not layers:
        raise ValueError("encoder has no layers; attention.h needs num_layers >= 1")
    described = [_encoder_layer(l, i) for i, l in enumerate(layers)]
    cfg0 = described[0]["cfg"]
    for i, dl in enumerate(described[1:], 1):
        for k in ("d_model", "n_heads", "d_ff", "activation", "norm_first", "eps",
                  "batch_first"):
            if dl["cfg"][k] != cfg0[k]:
                raise ValueError("encoder.layers[%d].%s is %r but layers[0]'s is %r; "
                                 "attention.h runs one config for the whole stack"
                                 % (i, k, dl["cfg"][k], cfg0[k]))
    d = cfg0["d_model"]
    eps = cfg0["eps"]
    final = None
    if enc.norm is not None:
        nw, nb, neps = _layernorm(enc.norm, d, "encoder.norm")
        if neps != eps:
            raise ValueError("encoder.norm.eps %r != the layers' eps %r; attention.h has one "
                             "eps" % (neps, eps))
        final = (nw, nb)

    if model.embed is None:
        d_in, embed_w, embed_b = 0, None, None
    else:
        if not isinstance(model.embed, nn.Linear):
            raise ValueError("embed must be nn.Linear or None, not %s"
                             % type(model.embed).__name__)
        d_in = int(model.embed.in_features)
        embed_w, embed_b = _linear(model.embed, d_in, d, "embed")

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
    if not isinstance(seq, (int, np.integer)) or isinstance(seq, bool):
        raise ValueError("seq must be an int, not %r" % (seq,))
    seq = int(seq)
    if max_seq is None:
        max_seq = seq
    max_seq = int(max_seq)
    if not 1 <= seq <= max_seq:
        raise ValueError("seq %d is outside 1..max_seq (%d)" % (seq, max_seq))

    if not isinstance(model.pool, str) or model.pool not in POOL_ENUM:
        raise ValueError("pool must be 'mean' or 'first', not %r" % (model.pool,))
    if not isinstance(model.head, nn.Linear):
        raise ValueError("head must be nn.Linear, not %s" % type(model.head).__name__)
    n_classes = int(model.head.out_features)
    cls_w, cls_b = _linear(model.head, d, n_classes, "head")
    if not isinstance(model.causal, bool):
        raise ValueError("causal must be True or False, not %r" % (model.causal,))

    return dict(seq=seq, d_in=d_in, d_model=d, n_heads=cfg0["n_heads"], d_ff=cfg0["d_ff"],
                n_layers=len(layers), n_classes=n_classes, activation=cfg0["activation"],
                norm_first=cfg0["norm_first"], causal=model.causal, eps=eps,
                max_seq=max_seq, position=position, pooling=model.pool,
                batch_first=cfg0["batch_first"],
                embed_w=embed_w, embed_b=embed_b, pos=pos_table,
                layers=[dl["arrays"] for dl in described],
                norm=final, cls_w=cls_w, cls_b=cls_b)


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


def model_header(model, name, seq, source=None):
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
    refs["embed_w"] = add("embed_w", s["embed_w"], "embed.weight [d_model][d_in]")
    refs["embed_b"] = add("embed_b", s["embed_b"], "embed.bias [d_model]")
    refs["pos"] = add("pos", s["pos"], "pos: learned positions [max_seq][d_model]")
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
    refs["cls_w"] = add("cls_w", s["cls_w"], "head.weight [n_classes][d_model]")
    refs["cls_b"] = add("cls_b", s["cls_b"], "head.bias [n_classes]")
    weight_bytes = sum(int(a.size) * 4 for _, a, _ in arrays)

    summary = "%s%s, %d %s encoder layer%s (%d heads, d_ff %d, %s, eps %s)%s, %s pooling, " \
        "Linear(%d -> %d)%s" % (
            "Linear(%d -> %d) embedding" % (s["d_in"], d) if s["d_in"] else "no embedding",
            {"learned": ", learned positions [%d][%d]" % (s["max_seq"], d),
             "sinusoidal": ", sinusoidal positions", None: ", no positions"}[s["position"]],
            s["n_layers"], "pre-norm" if s["norm_first"] else "post-norm",
            "s" if s["n_layers"] > 1 else "", s["n_heads"], dff,
            s["activation"].replace("_", "-"), "%g" % s["eps"],
            ", final LayerNorm" if s["norm"] is not None else ", no final norm",
            s["pooling"], d, s["n_classes"], ", causal" if s["causal"] else "")
    head_comment = wrap(("Model: %s." % summary).split(" "), indent="   ", sep="")
    usage = "\n".join([
        _join(["static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(%s_SEQ" % up, "%s_D_MODEL" % up,
               "%s_N_HEADS" % up, "%s_D_FF)] ATTN_ALIGNED;" % up], "       ", "           "),
        "       attn_arena_init(&arena, arena_buf, sizeof arena_buf);",
        _join(["attn_model_f32(logits", "input", "%s_SEQ" % up, "NULL", "&%s_cfg" % name,
               "&%s_weights" % name, "&arena);"], "       ", "           ")])
    shapes = wrap(("input [%s_SEQ][%s], logits [%s_N_CLASSES]." % (
        up, ("%s_D_IN" % up) if s["d_in"] else ("%s_D_MODEL" % up), up)).split(" "),
        indent="   ", width=WIDTH - 3, sep="")
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
    macros = [
        ("SEQ", s["seq"], "the sequence length the model is used with"),
        ("D_IN", s["d_in"], "input features per token" if s["d_in"]
         else "0: no embedding, the input is D_MODEL wide"),
        ("D_MODEL", d, "embedding width"),
        ("N_HEADS", s["n_heads"], "attention heads"),
        ("D_FF", dff, "feed-forward hidden width"),
        ("N_LAYERS", s["n_layers"], "encoder layers"),
        ("N_CLASSES", s["n_classes"], "logits"),
        ("WEIGHT_BYTES", weight_bytes, "bytes of the float arrays below (flash)"),
    ]
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
               "    {%d, %d, %d, %s, %d /*norm_first*/, %d /*causal*/, %s /*eps*/},\n"
               "    %d /*d_in*/, %d /*max_seq*/, %s, %s, %d /*n_classes*/};\n"
               % (name, d, s["n_heads"], dff, ACT_ENUM[s["activation"]], int(s["norm_first"]),
                  int(s["causal"]), c_float(s["eps"]), s["d_in"], s["max_seq"],
                  POS_ENUM[s["position"]], POOL_ENUM[s["pooling"]], s["n_classes"]))
    out.append("%s\n%s,\n%s},\n%s};\n" % (
        _decl("attn_model_weights_f32", "%s_weights" % name),
        _join([refs["embed_w"], refs["embed_b"], refs["pos"]], "    ", "    "),
        _join(["%s_layers" % name, "%s_N_LAYERS" % up,
               "%d /*final norm*/" % int(s["norm"] is not None), refs["norm_w"], refs["norm_b"]],
              "    {", "     "),
        _join([refs["cls_w"], refs["cls_b"]], "    ", "    ")))
    out.append("\n#endif /* %s_MODEL_H */\n" % up)
    text = "".join(out)
    for n, line in enumerate(text.split("\n"), 1):
        assert len(line) <= WIDTH, "line %d too long: %r" % (n, line)
    return text


def _write(path, text):
    with open(path, "w", newline="\n") as fh:
        fh.write(text)


def export_model(model, path, name, seq, *, source=None):
    """Write the C header for Classifier `model` used with sequences of `seq`
    tokens to `path`; `name` prefixes every symbol (NAME_SEQ, name_cfg,
    name_weights, ...). `source`: the command that regenerates it, for the
    header's comment. Raises ValueError if attention.h cannot run the model
    exactly (see the module docstring). Returns the header text."""
    text = model_header(model, name, seq, source)
    _write(path, text)
    return text


def _as_numpy(x):
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def calibration_header(inputs, key_padding, name, source=None):
    """The text export_calibration writes."""
    name = _c_name(name)
    up = name.upper()
    x = _as_numpy(inputs)
    if x.ndim != 3 or min(x.shape) < 1:
        raise ValueError("calibration inputs must be [n, seq, features], not %s" % (x.shape,))
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
    out = ["""%s
%s
   %d sequences of %d tokens x %d features (float32)%s. */
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
       _regen_note(source), n, seq, width,
       ", with key padding" if pad is not None else "", up, up, up, n, up, seq, up, width,
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


def export_calibration(inputs, key_padding, path, name, *, source=None):
    """Write calibration inputs for the int8 quantizer to `path`:
    inputs [n, seq, d_in] (d_model without an embedding; tensor or array) and
    key_padding [n, seq] (nonzero = padded) or None. Symbols: NAME_N_CALIB,
    NAME_CALIB_SEQ, NAME_CALIB_WIDTH, name_calib[n][seq * width],
    name_calib_padding[n][seq] (with padding), NAME_CALIB_PADDING (pointer or
    NULL). Returns the header text."""
    text = calibration_header(inputs, key_padding, name, source)
    _write(path, text)
    return text


def quantize(model_header_path, calib_header_path, out_path, name, c_compiler="cc",
             repo=os.path.join(HERE, os.pardir)):
    """Write NAME_model_s8.h to out_path: the int8 model made by attention.h's
    own quantizer (attn_quantize_model_s8, min/max calibration), so a device
    runs exactly the parameters the library's quantizer chooses. Builds
    tools/quantize_model.c with a C compiler (c_compiler, e.g. "cc") against
    the float model header (export_model) and the calibration header
    (export_calibration), runs it and keeps its output. Returns the text;
    raises RuntimeError with the compiler's or the quantizer's message when
    either fails."""
    import subprocess
    import tempfile
    name = _c_name(name)
    up = name.upper()
    repo = os.path.abspath(repo)
    with tempfile.TemporaryDirectory(prefix="attn_quant_") as tmp:
        shim = os.path.join(tmp, "quant_input.h")
        with open(shim, "w", newline="\n") as fh:
            fh.write('#include "%s"\n#include "%s"\n'
                     '#define QM_NAME "%s"\n#define QM_CFG %s_cfg\n#define QM_WEIGHTS %s_weights\n'
                     '#define QM_CALIB %s_calib\n#define QM_N_CALIB %s_N_CALIB\n'
                     '#define QM_SEQ %s_CALIB_SEQ\n#define QM_PADDING %s_CALIB_PADDING\n'
                     % (os.path.abspath(model_header_path), os.path.abspath(calib_header_path),
                        name, name, name, name, up, up, up))
        exe = os.path.join(tmp, "quantize_model")
        cmd = [c_compiler, "-std=c99", "-O2", "-I" + repo, "-I" + tmp,
               os.path.join(repo, "tools", "quantize_model.c"), "-lm", "-o", exe]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("building tools/quantize_model.c failed:\n%s" % r.stderr)
        r = subprocess.run([exe], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("the quantizer failed: %s" % r.stderr.strip())
    text = r.stdout
    _write(out_path, text)
    return text


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def main(argv=None):
    # A model pickled by a training script refers to "export.Classifier":
    # make that this very module, also when it runs as __main__.
    sys.modules.setdefault("export", sys.modules[__name__])
    ap = argparse.ArgumentParser(
        prog="tools/export.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__,
        epilog="Command line: export a Classifier saved whole with torch.save(model, file) "
               "(and, optionally, calibration inputs saved with torch.save or numpy.save).")
    ap.add_argument("model", help="file written by torch.save(model) (a Classifier)")
    ap.add_argument("--name", required=True, help="C prefix of every symbol, e.g. digits")
    ap.add_argument("--seq", type=int, required=True, help="sequence length the C code uses")
    ap.add_argument("-o", "--out", help="model header (default NAME_model.h)")
    ap.add_argument("--calib", help="calibration inputs [n, seq, d_in] (.pt or .npy): also "
                    "write NAME_calib.h and the int8 model NAME_model_s8.h")
    ap.add_argument("--cc", default="cc", help="C compiler for the int8 step (default cc)")
    ap.add_argument("--calib-padding", help="key padding [n, seq] for --calib (.pt or .npy)")
    args = ap.parse_args(argv)

    def load(path):
        if path.endswith(".npy"):
            return np.load(path)
        return torch.load(path, map_location="cpu")

    model = load(args.model)
    try:
        text = export_model(model, args.out or "%s_model.h" % args.name, args.name, args.seq,
                            source="/usr/bin/python3 tools/export.py %s"
                            % " ".join(sys.argv[1:] if argv is None else argv))
        print("wrote %s (%d bytes)" % (args.out or "%s_model.h" % args.name, len(text)))
        if args.calib:
            pad = load(args.calib_padding) if args.calib_padding else None
            path = "%s_calib.h" % args.name
            text = export_calibration(load(args.calib), pad, path, args.name)
            print("wrote %s (%d bytes)" % (path, len(text)))
            s8 = "%s_model_s8.h" % args.name
            text = quantize(args.out or "%s_model.h" % args.name, path, s8, args.name,
                            c_compiler=args.cc)
            print("wrote %s (%d bytes)" % (s8, len(text)))
    except (ValueError, RuntimeError) as e:
        print("tools/export.py: cannot export: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
