"""tools/byom.py - bring your own model: an ordinary PyTorch nn.Module (your
own class, your own attribute names) mapped onto tools/export.py's Classifier,
Seq2Seq or DecoderLM, its modules shared (not copied), by tracing its forward
with torch.fx. Used through tools/export.py (from_module, export_module and the
command line); the module docstring of tools/export.py (BRING YOUR OWN MODEL)
says what is traced, what is supported and what is refused.

How: torch.fx.Tracer (record_stack_traces: every node knows its source line)
runs forward once with symbolic tensors; torch.nn's modules are leaves
(nn.TransformerEncoder, nn.TransformerEncoderLayer, nn.Transformer, nn.Linear,
nn.Embedding, nn.LayerNorm, nn.Conv2d, ...), your own modules and nn.Sequential
are traced through (a loop over an nn.ModuleList becomes a chain of layer
calls). The graph is then read node by node as a pipeline of stages (input
-> embedding -> [scale] -> [CLS] -> [+ positions] -> [LayerNorm] -> layers ->
[LayerNorm] -> pooling -> head); whatever does not fit is refused with its
module path and source line. Values that do not depend on the input's data
(position rows, CLS rows, masks) are checked by value on one concrete run of
the graph (batch 2). The export is then verified in C against the wrapper AND
the wrapper's C outputs against your own forward (export_module / the command
line), so a model mapped wrongly is an error, never a silent export.
"""

import inspect
import json
import os
import sys
import traceback

import numpy as np
import torch
import torch.fx as fx
import torch.nn as nn

import export as E

_TORCH_DIR = os.path.dirname(os.path.abspath(torch.__file__))
_HERE = os.path.dirname(os.path.abspath(__file__))

MODEL_SHAPE = ("attention.h runs: input (nn.Linear of features, nn.Embedding of token ids "
               "or nn.Conv2d patches) -> [a CLS row] -> [+ positions] -> [nn.LayerNorm] -> "
               "nn.TransformerEncoderLayer stack -> [nn.LayerNorm] -> pooling (x[:, 0], "
               "mean over the rows, attention pooling) -> nn.Linear head; an nn.Transformer "
               "encoder-decoder; a causal decoder-only stack (tools/export.py: BRING YOUR "
               "OWN MODEL)")

HINTS = {
    "BatchNorm": "attention.h normalises with nn.LayerNorm(d_model) only (after the "
                 "embedding, inside the layers, after the stack)",
    "LSTM": "attention.h runs transformer layers only, no recurrent layers",
    "GRU": "attention.h runs transformer layers only, no recurrent layers",
    "RNN": "attention.h runs transformer layers only, no recurrent layers",
    "MultiheadAttention": "a hand-written attention block is not one of attention.h's "
                          "blocks: build the layers from nn.TransformerEncoderLayer",
    "Conv1d": "attention.h's only convolution is nn.Conv2d patches of an image at the input",
}
ACT_HINT = ("a hand-written feed-forward / activation outside nn.TransformerEncoderLayer is "
            "not one of attention.h's blocks; its layers are nn.TransformerEncoderLayer with "
            "activation relu, gelu or gelu(approximate='tanh')")


class Refused(ValueError):
    """The model cannot be mapped; the message names the node and why."""


# ---- tracing ---------------------------------------------------------------------


class _Proxy(fx.Proxy):
    """A proxy that answers size questions with the example input's sizes
    (the export is for one input shape): x.shape, x.size(i), x.dim(), len(x)
    and unpacking a tuple output are concrete, so forward code such as
    torch.arange(x.size(1)) or `b, n, _ = x.shape` traces."""

    def _val(self):
        return self.node.meta.get("val")

    def __getattr__(self, k):
        v = self.node.meta.get("val") if k not in ("node", "tracer") else None
        if isinstance(v, torch.Tensor):
            if k == "shape":
                return v.shape
            if k in ("ndim", "device", "dtype", "is_cuda"):
                return getattr(v, k)
            if k in ("size", "dim"):
                return getattr(v, k)
        return super().__getattr__(k)

    def __len__(self):
        v = self._val()
        if isinstance(v, (torch.Tensor, tuple, list)):
            return len(v)
        return super().__len__()

    def __iter__(self):
        v = self._val()
        if isinstance(v, (tuple, list)):
            return iter([self[i] for i in range(len(v))])
        return super().__iter__()


class _Tracer(fx.Tracer):
    """fx.Tracer with source lines (record_stack_traces) that also runs every
    node on the example inputs (node.meta["val"], batch 2)."""

    def __init__(self, example):
        super().__init__()
        self.record_stack_traces = True
        self.example = example

    def proxy(self, node):
        return _Proxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None,
                     proxy_factory_fn=None):
        p = super().create_proxy(kind, target, args, kwargs, name, type_expr, proxy_factory_fn)
        node = p.node
        val = lambda a: fx.node.map_arg(a, self._meta)  # noqa: E731
        a, kw = val(node.args), val(node.kwargs)
        if kind == "placeholder":
            v = self.example.get(target.lstrip("*"), a[0] if a else None)
        elif kind == "get_attr":
            v = _unpatched(_getattr, self.root, target)
        else:
            v = _unpatched(self._run, kind, target, a, kw)
        node.meta["val"] = v
        return p

    def _meta(self, n):
        if "val" not in n.meta and n.op == "get_attr":  # a constant made by create_arg
            n.meta["val"] = _unpatched(_getattr, self.root, n.target)
        return n.meta.get("val")

    def _run(self, kind, target, a, kw):
        if kind == "call_module":
            return self.root.get_submodule(target)(*a, **kw)
        if kind == "call_function":
            return target(*a, **kw)
        if kind == "call_method":
            return getattr(a[0], target)(*a[1:], **kw)
        return None


def _unpatched(fn, *args):
    """fn(*args) with nn.Module's __call__ / __getattr__ as they are outside
    a trace (the tracer patches them): the example run of one node."""
    from torch.fx import _symbolic_trace as st
    call, get = nn.Module.__call__, nn.Module.__getattr__
    nn.Module.__call__, nn.Module.__getattr__ = st._orig_module_call, st._orig_module_getattr
    try:
        with torch.no_grad():
            return fn(*args)
    finally:
        nn.Module.__call__, nn.Module.__getattr__ = call, get


def _user_frame(tb_frames, innermost_last=True):
    """The innermost frame outside torch's and these tools' own files."""
    best = None
    for fr in tb_frames:
        fn = os.path.abspath(fr.filename)
        if fn.startswith(_TORCH_DIR) or os.path.dirname(fn) == _HERE:
            continue
        if not innermost_last:
            return fr
        best = fr
    return best


def _loc(fr):
    if fr is None:
        return "an unknown line"
    name = fr.filename
    if not name.startswith("<"):
        rel = os.path.relpath(name)
        name = rel if not rel.startswith("..") else os.path.abspath(name)
    return "%s:%d `%s`" % (name, fr.lineno, (fr.line or "").strip())


def _where(node):
    """The user's source line that made fx node `node` (its stack trace)."""
    st = getattr(node, "stack_trace", None)
    if not st:
        return "an unknown line"
    lines = st.rstrip("\n").split("\n")
    frames = []
    for k, ln in enumerate(lines):
        s = ln.strip()
        if s.startswith("File \""):
            try:
                fname = s.split("\"")[1]
                lineno = int(s.split("line ")[1].split(",")[0])
            except (IndexError, ValueError):
                continue
            code = lines[k + 1].strip() if k + 1 < len(lines) else ""
            frames.append(traceback.FrameSummary(fname, lineno, "", line=code))
    return _loc(_user_frame(frames, innermost_last=False))  # fx lists the innermost first


def _required_inputs(model):
    try:
        sig = inspect.signature(model.forward)
    except (TypeError, ValueError):
        return None, {}
    req, concrete = [], {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is inspect.Parameter.empty:
            req.append(p.name)
        else:
            concrete[p.name] = p.default
    return req, concrete


def trace(model, example_input=None, seq=None):
    """torch.fx graph of model.forward (arguments with defaults fixed at
    their defaults) on example_input (a batch; a tuple for two inputs;
    default: made up, batch 2, seq rows) -> (graph, the names of its
    inputs, the inputs). Refused (with the source line) when fx cannot
    trace it."""
    if isinstance(model, torch.jit.ScriptModule):
        raise Refused(
            "a TorchScript module (%s): torch.jit keeps the compiled graph but not the Python "
            "forward, and torch.fx traces Python code only. Export the nn.Module itself: "
            "torch.save(model, file) (the whole model) or torch.save(model.state_dict(), file) "
            "with --class file.py:ClassName --args '{...}'" % type(model).__name__)
    if not isinstance(model, nn.Module):
        raise Refused("not an nn.Module but %s" % type(model).__name__)
    req, concrete = _required_inputs(model)
    if req is None or not 1 <= len(req) <= 2:
        raise Refused("%s.forward takes %s inputs without a default; attention.h's models take "
                      "one (features, images or token ids) or two (an encoder-decoder's source "
                      "and target tokens)" % (type(model).__name__,
                                              "?" if req is None else len(req)))
    ex = _example(model, len(req), example_input, seq)
    tracer = _Tracer(dict(zip(req, ex)))
    before = set(model.__dict__.get("_parameters", {})) | set(model.__dict__) | \
        set(model._buffers) | set(model._modules)
    was = [m.training for m in model.modules()]
    model.eval()
    try:
        graph = tracer.trace(model, concrete_args=concrete or None)
    except Exception as e:  # noqa: BLE001 - every failure becomes a message with its line
        fr = _user_frame(traceback.extract_tb(e.__traceback__))
        text = str(e).split("\n")[0]
        if isinstance(e, fx.proxy.TraceError) or "symbolically traced variables" in text:
            raise Refused(
                "data-dependent control flow at %s: %s. torch.fx runs forward once with "
                "symbolic tensors and cannot follow a branch or loop that depends on tensor "
                "values; attention.h runs one fixed computation. Make the branch depend on "
                "sizes or flags only (or on an argument with a default, which is fixed at its "
                "default)" % (_loc(fr), text))
        raise Refused("torch.fx cannot trace %s.forward on inputs %s: %s: %s at %s (other "
                      "input sizes: example_input= / --seq)"
                      % (type(model).__name__, [list(x.shape) for x in ex], type(e).__name__,
                         text, _loc(fr)))
    finally:
        for m, w in zip(model.modules(), was):
            m.training = w
        # fx keeps tensors made in forward (torch.arange(n), masks) as attributes of the
        # root: remember them for the graph, then leave the user's module as it was
        made = [k for k in list(model.__dict__) + list(model._buffers) + list(model._parameters)
                if k not in before and k.startswith("_tensor_constant")]
        consts = {k: getattr(model, k) for k in made}
        for k in made:
            delattr(model, k)
    graph._byom_consts = consts
    return graph, req, ex


def _example(model, n, example_input, seq):
    """The inputs of the trace: example_input, or made up from the model's
    first nn.Linear / nn.Embedding (two inputs: its first two nn.Embeddings)."""
    if example_input is not None:
        ex = example_input if isinstance(example_input, (tuple, list)) else (example_input,)
        if len(ex) != n:
            raise Refused("example_input has %d tensors; forward takes %d" % (len(ex), n))
        return [torch.as_tensor(x) for x in ex]
    inside = (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer, nn.MultiheadAttention,
              nn.Transformer, nn.TransformerEncoder, nn.TransformerDecoder)
    skip = set()
    fronts = []
    for name, m in model.named_modules():
        if any(name.startswith(s + ".") for s in skip):
            continue
        if isinstance(m, inside):
            skip.add(name)
            continue
        if isinstance(m, (nn.Linear, nn.Embedding, nn.Conv2d)) and \
                not any(w in name.lower().split(".")[-1] for w in ("pos",)):
            fronts.append(m)
    fronts = [m for m in fronts if isinstance(m, nn.Embedding)] if n == 2 else fronts[:1]
    if len(fronts) < n or isinstance(fronts[0], nn.Conv2d):
        raise Refused("cannot tell %s's input shape from its modules: pass example_input= (a "
                      "batch of inputs; on the command line --seq)" % type(model).__name__)
    rows = seq or _table_rows(model)
    g = torch.Generator().manual_seed(7)
    out = []
    for m in fronts[:n]:
        if isinstance(m, nn.Embedding):
            out.append(torch.randint(0, m.num_embeddings, (2, rows), generator=g))
        else:
            out.append(torch.randn(2, rows, m.in_features, generator=g))
    return out


def _table_rows(model):
    """The default rows: the position table's (less a CLS row), else 8."""
    has_cls = any("cls" in k.lower() for k, _ in model.named_parameters())
    for k, m in model.named_modules():
        if isinstance(m, nn.Embedding) and "pos" in k.lower().split(".")[-1]:
            return int(m.num_embeddings) - has_cls
    for k, t in list(model.named_parameters()) + list(model.named_buffers()):
        last = k.lower().split(".")[-1]
        if t.dim() >= 2 and ("pos" in last or last in ("pe", "positional_encoding")):
            rows = max(t.shape[:-1])
            return int(rows) - has_cls if rows <= 64 else 16
    return 8


# ---- abstract values -------------------------------------------------------------


class _In:
    """An input placeholder (index k)."""

    def __init__(self, k, node):
        self.k, self.node = k, node


class _Aux:
    """A value computed without the input's data: from parameters, buffers,
    constants and sizes (positions, CLS rows, masks, position indices)."""

    def __init__(self, node, roots, table=None):
        self.node, self.roots, self.table = node, roots, table


class _H:
    """The rows: one input's pipeline so far."""

    def __init__(self, side, node, seq_axis, rank, st):
        self.side, self.node, self.seq_axis, self.rank, self.st = side, node, seq_axis, rank, st

    def copy(self, node, **kw):
        h = _H(self.side, node, self.seq_axis, self.rank, self.st)
        for k, v in kw.items():
            setattr(h, k, v)
        return h


class _Scores:
    """Attention pooling's scores (Linear(d, 1) of the encoded rows), or
    after a softmax over the rows the weights."""

    def __init__(self, node, h, pool, squeezed, soft=False, weighted=False):
        self.node, self.h, self.pool, self.squeezed, self.soft, self.weighted = \
            node, h, pool, squeezed, soft, weighted


_IDENTITY_MODULES = (nn.Dropout, nn.Identity)
_STAGES = ["embed", "scaled", "cls", "pos", "norm", "encoded", "final", "pooled", "logits"]


def _mod_name(m):
    return "nn.%s" % type(m).__name__ if type(m).__module__.startswith("torch.nn") \
        else type(m).__name__


class _Mapper:
    def __init__(self, model, graph, inputs):
        self.model, self.graph, self.inputs = model, graph, inputs
        self.mods = dict(model.named_modules())
        self.v = {}
        self.side = {}   # side -> dict of pieces
        self.checks = []  # deferred checks on concrete values: fn(values)
        self.out = None

    # -- helpers
    def refuse(self, node, why, hint=None):
        if node.op == "call_module":
            m = self.mods[node.target]
            what = "`%s` (%s)" % (node.target, _mod_name(m))
        elif node.op == "call_function":
            what = "`%s`" % getattr(node.target, "__name__", str(node.target))
        elif node.op == "call_method":
            what = "`.%s()`" % node.target
        else:
            what = "`%s`" % node.name
        msg = "cannot map %s at %s: %s" % (what, _where(node), why)
        if hint:
            msg += "; %s" % hint
        raise Refused(msg)

    def val(self, a):
        if isinstance(a, fx.Node):
            return self.v[a]
        return a

    def pieces(self, side):
        return self.side.setdefault(side, {})

    def stage_at_most(self, node, h, stage, what):
        if _STAGES.index(h.st) > _STAGES.index(stage):
            self.refuse(node, "%s after the %s stage; attention.h's order is embedding -> "
                        "[scale] -> [CLS] -> [+ positions] -> [LayerNorm] -> layers -> "
                        "[LayerNorm] -> pooling -> head" % (what, h.st))

    # -- the walk
    def run(self):
        for node in self.graph.nodes:
            if node.op == "placeholder":
                if node.target in self.inputs:
                    self.v[node] = _In(self.inputs.index(node.target), node)
                else:
                    self.v[node] = None  # a concrete (defaulted) argument
            elif node.op == "get_attr":
                consts = getattr(self.graph, "_byom_consts", {})
                t = consts[node.target] if node.target in consts else \
                    _getattr(self.model, node.target)
                self.v[node] = _Aux(node, [(node.target, t)])
            elif node.op == "output":
                self.out = self.val(node.args[0])
                self.out_node = node
            else:
                self.v[node] = self.step(node)
        return self

    def step(self, node):
        args = [self.val(a) for a in node.args]
        kwargs = {k: self.val(a) for k, a in node.kwargs.items()}
        flat = args + list(kwargs.values())
        for a in list(flat):
            if isinstance(a, (list, tuple)):
                flat += [self.val(x) for x in a]
        hs = [a for a in flat if isinstance(a, _H)]
        ins = [a for a in flat if isinstance(a, _In)]
        sc = [a for a in flat if isinstance(a, _Scores)]
        if node.op == "call_module":
            return self.module(node, self.mods[node.target], args, kwargs, hs, ins, sc)
        name = node.target if node.op == "call_method" else getattr(node.target, "__name__", "")
        if not hs and not ins and not sc:
            roots, table = [], None
            for a in flat:
                if isinstance(a, _Aux):
                    roots += a.roots
                    table = table or a.table
            return _Aux(node, roots, table)
        if ins and not hs:
            # input -> size queries, views before the embedding
            if name in ("size", "dim") or (name == "getattr" and len(args) > 1 and
                                          args[1] in ("shape", "device", "dtype")):
                return _Aux(node, [])
            if name == "getitem" and isinstance(args[0], _Aux):
                return _Aux(node, [])
            if name in ("long", "int", "to", "contiguous", "float") and len(ins) == 1:
                return ins[0]
            self.refuse(node, "an operation on the input itself (its data); attention.h's "
                        "input goes straight into its nn.Linear / nn.Embedding / nn.Conv2d "
                        "(padding masks computed from the tokens are not supported)")
        if sc:
            return self.scores(node, name, args, kwargs, sc[0], hs)
        return self.function(node, name, args, kwargs, hs)

    # -- modules
    def module(self, node, m, args, kwargs, hs, ins, sc):
        src = args[0] if args else None
        if isinstance(m, _IDENTITY_MODULES):
            return src
        if isinstance(m, (nn.Linear, nn.Embedding, nn.Conv2d)) and isinstance(src, _In):
            return self.front(node, m, src)
        if isinstance(m, nn.Embedding) and isinstance(src, _Aux):  # positions by index
            return _Aux(node, src.roots, table=(node.target, m))
        if isinstance(m, nn.Linear) and isinstance(src, _H):
            return self.linear(node, m, src)
        if isinstance(m, nn.LayerNorm) and isinstance(src, _H):
            return self.layernorm(node, m, src)
        if isinstance(m, (nn.TransformerEncoderLayer, nn.TransformerEncoder)) and \
                isinstance(src, _H):
            return self.encoder(node, m, src, args, kwargs)
        if isinstance(m, nn.TransformerDecoder) and isinstance(src, _H):
            return self.decoder(node, m, src, args, kwargs)
        if isinstance(m, nn.Transformer):
            return self.transformer(node, m, args, kwargs)
        if isinstance(m, nn.Softmax) and sc:
            return self.scores(node, "softmax", [sc[0]], {"dim": m.dim}, sc[0], [])
        for key, hint in HINTS.items():
            if key in type(m).__name__:
                self.refuse(node, "no such block in attention.h", hint)
        if isinstance(m, (nn.ReLU, nn.GELU, nn.SiLU, nn.Tanh, nn.Sigmoid, nn.Mish,
                          nn.LeakyReLU, nn.ELU, nn.Hardswish, nn.Softplus)):
            self.refuse(node, "an activation on the rows outside a transformer layer",
                        ACT_HINT)
        if not hs and not ins and not sc:
            roots = []
            for a in args:
                if isinstance(a, _Aux):
                    roots += a.roots
            return _Aux(node, roots)
        self.refuse(node, "%s is not one of attention.h's blocks here" % _mod_name(m),
                    MODEL_SHAPE)

    def front(self, node, m, src):
        side = "src" if src.k == 0 else "tgt"
        p = self.pieces(side)
        if "embed" in p:
            self.refuse(node, "a second front end on the same input")
        if isinstance(m, nn.Conv2d):
            p.update(embed=m, embed_name=node.target, front="patches", conv_node=node)
            return _H(side, node, None, 4, "embed")  # [b, d, h', w']: flattened next
        p.update(embed=m, embed_name=node.target,
                 front="tokens" if isinstance(m, nn.Embedding) else "features")
        return _H(side, node, 1, 3, "embed")

    def linear(self, node, m, h):
        p = self.pieces(h.side)
        if h.st in ("encoded", "final") and h.rank == 3 and m.out_features == 1:
            return _Scores(node, h, (node.target, m), squeezed=False)
        if h.st == "pooled" and h.rank == 2:
            p.update(head=m, head_name=node.target)
            return h.copy(node, st="logits")
        if h.st in ("encoded", "final", "decoded") and h.rank == 3 and "pool" not in p:
            p.update(head=m, head_name=node.target, per_row=True)
            return h.copy(node, st="logits")
        if h.st == "embed":
            self.refuse(node, "a second nn.Linear after the input's (a projection or an MLP "
                        "front end)", "attention.h's front end is one nn.Linear(d_in, d_model)")
        self.refuse(node, "an nn.Linear on the rows at the %s stage" % h.st,
                    "inside the model attention.h has nn.Linear only within its transformer "
                    "layers, as attention pooling's Linear(d_model, 1) and as the head; " +
                    ACT_HINT)

    def layernorm(self, node, m, h):
        p = self.pieces(h.side)
        if h.st in ("embed", "scaled", "cls", "pos") and "layers" not in p:
            if "embed_norm" in p:
                self.refuse(node, "a second LayerNorm before the layers")
            p.update(embed_norm=m, embed_norm_name=node.target)
            return h.copy(node, st="norm")
        if h.st == "encoded" and "final_norm" not in p:
            if p.get("stack_norm") is not None:
                self.refuse(node, "a LayerNorm after an nn.TransformerEncoder that has its "
                            "own final norm", "attention.h has one final norm")
            p.update(final_norm=m, final_norm_name=node.target)
            return h.copy(node, st="final")
        self.refuse(node, "a LayerNorm at the %s stage" % h.st,
                    "attention.h has LayerNorms after the embedding (+ positions), inside the "
                    "layers and after the stack only")

    def _layer_ok(self, node, layer, name):
        try:
            E._encoder_layer(layer, 0, name)
        except ValueError as e:
            self.refuse(node, str(e).replace("%s.layers[0]" % name, name))

    def _mask(self, node, h, mask, what):
        """Record a deferred check: the attention mask (None, all visible or
        the causal triangle). Returns "causal", None, or "check"."""
        if mask is None:
            return None
        if not isinstance(mask, _Aux):
            self.refuse(node, "the %s is computed from the input's data" % what,
                        "attention.h hides keys by a causal triangle only")
        self.checks.append(("mask", node, mask.node, h.side, what))
        return mask.node

    def encoder(self, node, m, h, args, kwargs):
        p = self.pieces(h.side)
        name = node.target
        if h.rank != 3 or h.seq_axis is None:
            self.refuse(node, "the rows are not [batch, seq, d] here")
        layers = list(m.layers) if isinstance(m, nn.TransformerEncoder) else [m]
        names = ["%s.layers.%d" % (name, i) for i in range(len(layers))] \
            if isinstance(m, nn.TransformerEncoder) else [name]
        for l, ln in zip(layers, names):
            self._layer_ok(node, l, ln)
        bf = bool(layers[0].self_attn.batch_first)
        if (1 if bf else 0) != h.seq_axis:
            self.refuse(node, "the layers have batch_first=%s but get the rows as [%s]"
                        % (bf, "seq, batch, d" if h.seq_axis == 0 else "batch, seq, d"),
                        "transpose(0, 1) around the stack, or set batch_first to match")
        keys = ["mask", "src_key_padding_mask"] if isinstance(m, nn.TransformerEncoder) \
            else ["src_mask", "src_key_padding_mask"]
        a = dict(zip(keys, args[1:]))
        a.update(kwargs)
        if a.get("src_key_padding_mask") is not None:
            self.refuse(node, "a key padding mask given to the layers",
                        "attention.h's C runs unpadded inputs (pass padding only as an "
                        "argument with a default of None)")
        mnode = self._mask(node, h, a.get("mask", a.get("src_mask")), "attention mask")
        if h.st == "encoded" and "layers" in p and p.get("stack_norm") is None and \
                p.get("last_layer_node") is not None and isinstance(m, nn.TransformerEncoderLayer) \
                and p.get("layers_from_list"):
            p["layers"].append(m)
            p["layer_names"].append(name)
            p["masks"].append(mnode)
        else:
            if "layers" in p:
                self.refuse(node, "a second encoder stack (or a layer after the stack's final "
                            "norm or after other operations)", "attention.h runs one stack of "
                            "identical layers")
            self.stage_at_most(node, h, "norm", "the encoder")
            p.update(layers=layers, layer_names=names, masks=[mnode],
                     stack_norm=m.norm if isinstance(m, nn.TransformerEncoder) else None,
                     stack=m if isinstance(m, nn.TransformerEncoder) else None,
                     layers_from_list=isinstance(m, nn.TransformerEncoderLayer))
        p["last_layer_node"] = node
        return h.copy(node, st="encoded")

    def decoder(self, node, m, h, args, kwargs):
        keys = ["tgt", "memory", "tgt_mask", "memory_mask", "tgt_key_padding_mask",
                "memory_key_padding_mask"]
        a = dict(zip(keys, args))
        a.update(kwargs)
        t, mem = a.get("tgt"), a.get("memory")
        if not (isinstance(t, _H) and t.side == "tgt" and isinstance(mem, _H) and
                mem.side == "src" and mem.st in ("encoded", "final")):
            self.refuse(node, "nn.TransformerDecoder must get the embedded target (forward's "
                        "second input) and, as memory, the encoder stack's output of the "
                        "source (its first)")
        for k in ("tgt_key_padding_mask", "memory_key_padding_mask"):
            if a.get(k) is not None:
                self.refuse(node, "%s given" % k, "attention.h's C runs one unpadded source "
                            "and target")
        if a.get("memory_mask") is not None:
            self.refuse(node, "a memory_mask", "attention.h's cross-attention sees all of the "
                        "source")
        bf = bool(m.layers[0].self_attn.batch_first)
        for x in (t, mem):
            if (1 if bf else 0) != x.seq_axis:
                self.refuse(node, "the decoder has batch_first=%s but gets the %s as [%s]"
                            % (bf, "target" if x is t else "memory",
                               "seq, batch, d" if x.seq_axis == 0 else "batch, seq, d"))
        self.stage_at_most(node, t, "norm", "the decoder")
        mk = a.get("tgt_mask")
        if mk is not None and not isinstance(mk, _Aux):
            self.refuse(node, "the tgt_mask is computed from the input's data")
        self.checks.append(("tgt_mask", node, mk.node if mk is not None else None, "tgt",
                            "tgt_mask"))
        self.pieces("tgt").update(decoder=m, decoder_name=node.target)
        return t.copy(node, st="decoded")

    def transformer(self, node, m, args, kwargs):
        keys = ["src", "tgt", "src_mask", "tgt_mask", "memory_mask", "src_key_padding_mask",
                "tgt_key_padding_mask", "memory_key_padding_mask"]
        a = dict(zip(keys, args))
        a.update(kwargs)
        s, t = a.get("src"), a.get("tgt")
        if not (isinstance(s, _H) and isinstance(t, _H) and s.side == "src" and t.side == "tgt"):
            self.refuse(node, "nn.Transformer must get the embedded source (forward's first "
                        "input) and target (its second)")
        for k in ("src_key_padding_mask", "tgt_key_padding_mask", "memory_key_padding_mask"):
            if a.get(k) is not None:
                self.refuse(node, "%s given" % k, "attention.h's C runs one unpadded source "
                            "and target (padding is for training: pass it as an argument with "
                            "a default of None)")
        if a.get("memory_mask") is not None:
            self.refuse(node, "a memory_mask", "attention.h's cross-attention sees all of the "
                        "source")
        bf = bool(m.encoder.layers[0].self_attn.batch_first)
        for h in (s, t):
            if (1 if bf else 0) != h.seq_axis:
                self.refuse(node, "nn.Transformer has batch_first=%s but gets the %s as [%s]"
                            % (bf, "source" if h is s else "target",
                               "seq, batch, d" if h.seq_axis == 0 else "batch, seq, d"))
            self.stage_at_most(node, h, "norm", "nn.Transformer")
        for k, side in (("src_mask", "src"), ("tgt_mask", "tgt")):
            mk = a.get(k)
            if mk is not None and not isinstance(mk, _Aux):
                self.refuse(node, "the %s is computed from the input's data" % k)
            self.checks.append((k, node, mk.node if mk is not None else None, side, k))
        self.pieces("tgt").update(transformer=m, transformer_name=node.target)
        return t.copy(node, st="decoded", side="tgt")

    # -- functions and methods
    def function(self, node, name, args, kwargs, hs):
        h = hs[0]
        a0 = args[0] if args else None
        if name in ("dropout",) or (name in ("contiguous", "clone", "float", "to") and
                                    a0 is h):
            return h
        if h.rank == 4 and h.st == "embed":  # Conv2d output -> patches
            if name == "flatten" and _dims(args[1:], kwargs, "start_dim") == [2]:
                return h.copy(node, rank=3, seq_axis=2, st="embed")
            self.refuse(node, "a Conv2d's output used otherwise than .flatten(2).transpose(1, 2)",
                        "attention.h cuts patches in row-major order: "
                        "conv(x).flatten(2).transpose(1, 2)")
        if name in ("transpose", "permute", "swapaxes"):
            dims = _dims(args[1:], kwargs, "dim0", "dim1")
            if name == "permute":
                dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) \
                    else dims
                dims = [d % h.rank for d in dims]
                if h.rank != 3 or sorted(dims) != [0, 1, 2] or dims[2] != 2:
                    if h.rank == 3 and h.seq_axis == 2 and dims == [0, 2, 1]:
                        return h.copy(node, seq_axis=1)
                    self.refuse(node, "a permutation that moves d_model", MODEL_SHAPE)
                perm = dims
            else:
                if len(dims) != 2:
                    self.refuse(node, "transpose of %r" % (dims,))
                d0, d1 = sorted(x % h.rank for x in dims)
                if h.rank == 3 and h.seq_axis == 2 and (d0, d1) == (1, 2):
                    return h.copy(node, seq_axis=1)  # patches: [b, d, n] -> [b, n, d]
                if h.rank != 3 or (d0, d1) != (0, 1):
                    self.refuse(node, "a transpose that moves d_model", MODEL_SHAPE)
                perm = [1, 0, 2]
            return h.copy(node, seq_axis=perm.index(h.seq_axis))
        if name in ("add", "add_", "iadd", "__add__", "__radd__") and len(hs) == 1:
            other = args[1] if args[0] is h else args[0]
            if isinstance(other, _Aux):
                return self.positions(node, h, other)
            self.refuse(node, "an addition of %r to the rows" % (other,))
        if name in ("mul", "mul_", "imul", "__mul__", "__rmul__") and len(hs) == 1:
            other = args[1] if args[0] is h else args[0]
            return self.scale(node, h, other)
        if name in ("truediv", "div") and args and args[0] is h and len(hs) == 1:
            if isinstance(args[1], (int, float)) and args[1] != 0:
                return self.scale(node, h, 1.0 / float(args[1]), divisor=args[1])
        if name == "cat":
            return self.cat(node, h, args, kwargs)
        if name in ("getitem",) and h.rank == 3 and h.st in ("encoded", "final"):
            return self.first(node, h, args[1])
        if name == "mean" and h.rank == 3 and h.st in ("encoded", "final"):
            dims = _dims(args[1:], kwargs, "dim")
            if dims and isinstance(dims[0], (list, tuple)) and len(dims[0]) == 1:
                dims = list(dims[0])
            if len(dims) >= 1 and dims[0] % 3 == h.seq_axis and \
                    not _kw(args, kwargs, 2, "keepdim", False):
                return self.pool(node, h, "mean")
            self.refuse(node, "a mean over another axis than the rows")
        if name in ("relu", "gelu", "silu", "sigmoid", "tanh", "mish", "leaky_relu", "elu",
                    "hardswish", "softplus", "relu_", "silu_"):
            self.refuse(node, "an activation (%s) on the rows outside a transformer layer"
                        % name, ACT_HINT)
        self.refuse(node, "an operation on the rows (%s) at the %s stage that attention.h does "
                    "not have" % (name, h.st), MODEL_SHAPE)

    def scale(self, node, h, other, divisor=None):
        p = self.pieces(h.side)
        if isinstance(other, _Aux):
            self.checks.append(("scalar", node, other.node, h.side, None))
            s = ("aux", other.node)
        elif isinstance(other, (int, float)) and not isinstance(other, bool):
            s = float(other)
        else:
            self.refuse(node, "the rows multiplied by %r" % (other,))
        if h.st != "embed" or "scale" in p:
            self.refuse(node, "a scale at the %s stage" % h.st, "attention.h scales the token "
                        "embeddings only (x = embed(tokens) * sqrt(d_model), before the CLS row "
                        "and the positions)")
        if p.get("front") != "tokens":
            self.refuse(node, "a scale of a %s front end" % p.get("front"),
                        "attention.h scales token embeddings only")
        p["scale"] = s
        return h.copy(node, st="scaled")

    def cat(self, node, h, args, kwargs):
        p = self.pieces(h.side)
        seqs = args[0]
        dim = _kw(args, kwargs, 1, "dim", 0)
        vals = [self.val(x) for x in seqs]
        if len(vals) != 2 or vals[1] is not h or not isinstance(vals[0], _Aux) or \
                dim % 3 != h.seq_axis:
            self.refuse(node, "a concatenation other than [a learned CLS row, the rows] along "
                        "the rows", "attention.h's only extra row is one CLS row in front")
        self.stage_at_most(node, h, "scaled", "the CLS row")
        if "cls" in p:
            self.refuse(node, "a second CLS row")
        p["cls"] = vals[0]
        self.checks.append(("cls", node, vals[0].node, h.side, h))
        return h.copy(node, st="cls")

    def positions(self, node, h, aux):
        p = self.pieces(h.side)
        self.stage_at_most(node, h, "cls", "positions added")
        if "pos" in p:
            self.refuse(node, "a second addition to the rows (positions twice?)")
        p["pos"] = aux
        self.checks.append(("pos", node, aux.node, h.side, h))
        return h.copy(node, st="pos")

    def first(self, node, h, idx):
        ok = False
        if h.seq_axis == 1 and isinstance(idx, tuple) and len(idx) in (2, 3) and \
                idx[0] == slice(None) and idx[1] == 0 and all(i == slice(None) for i in idx[2:]):
            ok = True
        if h.seq_axis == 0 and (idx == 0 or (isinstance(idx, tuple) and idx[0] == 0 and
                                             all(i == slice(None) for i in idx[1:]))):
            ok = True
        if not ok:
            self.refuse(node, "indexing the encoded rows with %r" % (idx,),
                        "attention.h pools by row 0 (x[:, 0]), the mean, or attention pooling")
        return self.pool(node, h, "first")

    def pool(self, node, h, kind):
        p = self.pieces(h.side)
        p["pool"] = kind
        return h.copy(node, st="pooled", rank=2, seq_axis=None)

    def scores(self, node, name, args, kwargs, s, hs):
        h = s.h
        if not s.soft:
            if name in ("squeeze",) and _dims(args[1:], kwargs, "dim") in ([-1], [2]):
                return _Scores(node, h, s.pool, True)
            if name in ("masked_fill",):
                self.refuse(node, "masking the pooling scores", "attention.h pools over all "
                            "rows of an unpadded input")
            if name == "softmax":
                dim = _kw(args, kwargs, 1, "dim", None)
                if dim is not None and dim % (2 if s.squeezed else 3) == h.seq_axis:
                    return _Scores(node, h, s.pool, s.squeezed, soft=True)
                self.refuse(node, "a softmax over another axis than the rows")
        elif not s.weighted:
            if name == "unsqueeze" and s.squeezed and _dims(args[1:], kwargs, "dim") in ([-1],
                                                                                        [2]):
                return _Scores(node, h, s.pool, False, soft=True)
            if name in ("mul", "__mul__", "__rmul__") and not s.squeezed and len(hs) == 1 and \
                    hs[0].st == h.st and hs[0].seq_axis == h.seq_axis:
                return _Scores(node, h, s.pool, False, soft=True, weighted=True)
        else:
            if name == "sum" and _dims(args[1:], kwargs, "dim")[:1] and \
                    _dims(args[1:], kwargs, "dim")[0] % 3 == h.seq_axis and \
                    not _kw(args, kwargs, 2, "keepdim", False):
                p = self.pieces(h.side)
                p["pool"] = "attention"
                p["pool_mod"] = s.pool
                return h.copy(node, st="pooled", rank=2, seq_axis=None)
        self.refuse(node, "attention pooling written otherwise (%s)" % name,
                    "attention.h's attention pooling: w = softmax(Linear(d, 1)(x).squeeze(-1), "
                    "dim=1); pooled = (w.unsqueeze(-1) * x).sum(dim=1)")


def _getattr(model, target):
    t = model
    for a in target.split("."):
        t = getattr(t, a)
    return t


def _dims(args, kwargs, *names):
    out = list(args)
    for n in names:
        if n in kwargs:
            out.append(kwargs[n])
    return out


def _kw(args, kwargs, i, name, default):
    if name in kwargs:
        return kwargs[name]
    return args[i] if len(args) > i else default


# ---- concrete checks -------------------------------------------------------------


def _causal(m):
    """'causal', 'none' or None (another mask) for a [n, n] mask value."""
    if not isinstance(m, torch.Tensor) or m.dim() != 2 or m.shape[0] != m.shape[1]:
        return None
    n = m.shape[0]
    tri = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    if m.dtype == torch.bool:
        hidden = m
    else:
        if not bool(((m == 0) | (m == float("-inf"))).all()):
            return None
        hidden = m == float("-inf")
    if not bool(hidden.any()):
        return "none"
    if torch.equal(hidden, tri):
        return "causal"
    return None


def _rows_of(value, h_value, seq_axis, what, node, mp):
    """A value added to / concatenated with the rows, broadcast to the
    rows' shape -> [rows, d] (the same for each batch entry) or refuse."""
    try:
        shape = torch.broadcast_shapes(tuple(value.shape), tuple(h_value.shape))
    except RuntimeError:
        shape = None
    if shape != tuple(h_value.shape):
        mp.refuse(node, "%s of shape %s do not broadcast to the rows' %s"
                  % (what, list(value.shape), list(h_value.shape)))
    e = value.expand(h_value.shape)
    e = e.transpose(0, 1) if seq_axis == 0 else e
    if not torch.equal(e[0], e[1]):
        mp.refuse(node, "%s differ between the batch entries" % what)
    return e[0]


def _table_for(rows, aux, d):
    """(kind, table, max_rows, source) of position rows [n, d] added at the
    rows: a learned table whose first n rows they are, or the sinusoidal
    table of attention.h."""
    n = rows.shape[0]
    cands = []
    if aux.table is not None:
        cands.append((aux.table[0], aux.table[1].weight))
    cands += [(name, t) for name, t in aux.roots if isinstance(t, torch.Tensor)]
    for name, t in cands:
        if t.dim() >= 2 and t.shape[-1] == d and t.numel() % d == 0 and \
                all(s == 1 for s in t.shape[:-1] if s != max(t.shape[:-1])):
            tab = t.detach().reshape(-1, d)
            if tab.shape[0] >= n and torch.equal(tab[:n].to(rows.dtype), rows):
                sin = torch.from_numpy(E.sinusoidal_table(tab.shape[0], d))
                if not isinstance(t, nn.Parameter) and torch.equal(tab.float(), sin):
                    return "sinusoidal", None, tab.shape[0], name
                if aux.table is not None and t is aux.table[1].weight:
                    return "learned", aux.table[1], tab.shape[0], name
                return "learned", (t if t.dim() == 2 and isinstance(t, nn.Parameter)
                                   else tab), tab.shape[0], name
    if torch.equal(rows.float(), torch.from_numpy(E.sinusoidal_table(n, d))):
        return "sinusoidal", None, None, "a computed table"
    return None


def _check(mp, values):
    """The deferred checks on the concrete values; fills pieces."""
    for kind, node, vnode, side, extra in mp.checks:
        p = mp.pieces(side)
        if kind == "mask" or kind in ("src_mask", "tgt_mask"):
            if vnode is None:
                c = "none"
            else:
                c = _causal(values[vnode])
            if c is None:
                mp.refuse(node, "its %s is neither the causal triangle nor empty" % extra,
                          "attention.h hides keys by the causal triangle only (a window: "
                          "export the Classifier with window=)")
            if kind == "src_mask" and c != "none":
                mp.refuse(node, "a causal src_mask", "attention.h's encoder sees all of the "
                          "source")
            if kind == "tgt_mask" and c != "causal":
                mp.refuse(node, "tgt_mask is not the causal triangle "
                          "(generate_square_subsequent_mask)", "attention.h's decoder is "
                          "causal; give tgt_mask=nn.Transformer.generate_square_subsequent_mask"
                          "(T)")
            if kind == "mask":
                p.setdefault("causal", set()).add(c == "causal")
        elif kind == "scalar":
            v = values[vnode]
            if not isinstance(v, torch.Tensor) or v.numel() != 1:
                mp.refuse(node, "the rows multiplied by a tensor that is not one number")
            p["scale"] = float(v.reshape(-1)[0])
        elif kind == "cls":
            h = extra
            hv = values[h.node]
            c = values[vnode]
            bshape = list(hv.shape)
            bshape[h.seq_axis] = 1
            if list(c.shape) != bshape:
                mp.refuse(node, "the concatenated row has shape %s; a CLS row is [batch, 1, d] "
                          "(in front of the rows)" % list(c.shape))
            e = c.transpose(0, 1) if h.seq_axis == 0 else c
            row = e[0, 0]
            if not torch.equal(e[0], e[1]):
                mp.refuse(node, "the CLS row differs between batch entries")
            for name, t in p["cls"].roots:
                if isinstance(t, torch.Tensor) and t.numel() == row.numel() and \
                        torch.equal(t.detach().reshape(-1), row):
                    p["cls_token"] = t
                    p["cls_name"] = name
                    break
            else:
                mp.refuse(node, "the row in front is not a parameter's value")
        elif kind == "pos":
            h = extra
            hv = values[h.node]
            rows = _rows_of(values[vnode], hv, h.seq_axis, "the positions", node, mp)
            d = hv.shape[-1]
            t = _table_for(rows, p["pos"], d)
            if t is None:
                mp.refuse(node, "the values added to the rows are neither the first rows of a "
                          "position table (a parameter/buffer [max_len, d_model], an "
                          "nn.Embedding of arange) nor the sinusoidal table",
                          "attention.h adds learned or sinusoidal positions (pe[p][2i] = "
                          "sin(p * 10000^(-2i/d)), pe[p][2i+1] = cos(...), float32)")
            p["pos_kind"], p["pos_table"], p["pos_rows"], p["pos_name"] = t


# ---- building the wrapper --------------------------------------------------------


def _stack_of(p, final_norm):
    layers = p["layers"]
    stack = p.get("stack")
    if stack is not None and (final_norm is None or stack.norm is final_norm) and \
            len(list(stack.layers)) == len(layers):
        return stack
    enc = nn.TransformerEncoder(layers[0], 1, norm=None, enable_nested_tensor=False)
    enc.layers = nn.ModuleList(layers)  # shared, not copied
    enc.num_layers = len(layers)
    enc.norm = final_norm if final_norm is not None else (stack.norm if stack is not None
                                                          else None)
    return enc


def _scale_of(p):
    s = p.get("scale", 1.0)
    return 1.0 if isinstance(s, tuple) else float(s)


def from_module(model, example_input=None, seq=None):
    """An equivalent Classifier / Seq2Seq / DecoderLM of tools/export.py built
    from `model`'s own submodules (shared, not copied; a Classifier whose
    token embeddings are scaled gets a scaled copy of the table, as
    attn_model_cfg has no embed_scale). example_input: one input batch (a
    tensor; a Seq2Seq: (src, tgt)), else made up from the front end (seq
    rows: default the position table's length). Returns the wrapper, with
    `.byom` = dict(kind, seq, max_rows, notes). Refused (a ValueError naming
    the node, its module path and source line) when the model is not made of
    attention.h's blocks."""
    graph, inputs, used = trace(model, example_input, seq)
    mp = _Mapper(model, graph, inputs).run()
    out = mp.out
    if not isinstance(out, _H) or out.st != "logits":
        what = "a tuple or dict" if isinstance(out, (tuple, list, dict)) else \
            ("the rows at the %s stage" % out.st if isinstance(out, _H) else "something else")
        raise Refused("%s.forward returns %s at %s; attention.h's models return the head's "
                      "logits (a Classifier's [batch, classes], a language model's or "
                      "encoder-decoder's [batch, len, vocab])"
                      % (type(model).__name__, what, _where(mp.out_node)))
    if out.rank == 3 and out.seq_axis != 1:
        raise Refused("%s.forward returns logits as [seq, batch, vocab]; return them as "
                      "[batch, seq, vocab] (transpose(0, 1) before the output Linear)"
                      % type(model).__name__)
    two = len(inputs) == 2
    src = mp.pieces("src")
    kind = "seq2seq" if two else ("lm" if src.get("per_row") else "classifier")
    for side in (["src", "tgt"] if two else ["src"]):
        if "embed" not in mp.pieces(side):
            raise Refused("forward's input %r never reaches an nn.Linear / nn.Embedding / "
                          "nn.Conv2d" % inputs[0 if side == "src" else 1])
    _check(mp, {n: n.meta.get("val") for n in graph.nodes})
    notes = []
    for side in (["src", "tgt"] if two else ["src"]):
        p = mp.pieces(side)
        if p.get("pos_kind") == "learned" and \
                not isinstance(p["pos_table"], (nn.Parameter, nn.Embedding)):
            name = p["pos_name"]
            name = "(a plain tensor attribute or one made in forward)" \
                if name.startswith("_tensor_constant") else "`%s`" % name
            notes.append("positions %s: not attention.h's sinusoidal table bit for bit (or not "
                         "a parameter): exported as a learned table, its values in the header"
                         % name)
    if kind == "classifier":
        w = _classifier(mp, src, used, notes)
    elif kind == "lm":
        w = _lm(mp, src, notes)
    else:
        w = _seq2seq(mp, notes)
    n_rows = int(used[0].shape[1]) if kind != "classifier" or src["front"] != "patches" \
        else None
    w.byom = dict(kind=kind, seq=n_rows, notes=notes,
                  source_type=type(model).__name__,
                  input_shape=[list(x.shape) for x in used])
    return w


def _classifier(mp, p, used, notes):
    if "layers" not in p:
        raise Refused("no transformer layers between the input and the output")
    if "pool" not in p or "head" not in p:
        raise Refused("no pooling + head Linear found after the layers")
    causal = p.get("causal", {False})
    if len(causal) != 1:
        raise Refused("the layers get different masks")
    embed = p["embed"]
    scale = _scale_of(p)
    if scale != 1.0:
        w = embed.weight.detach() * scale
        embed = nn.Embedding(embed.num_embeddings, embed.embedding_dim, _weight=w.clone())
        notes.append("token embeddings scaled by %r: a scaled copy of %s (attn_model_cfg has no "
                     "embed_scale)" % (scale, p["embed_name"]))
    cls_token = p.get("cls_token")
    rows = int(used[0].shape[1]) + (1 if cls_token is not None else 0)
    kind = p.get("pos_kind")
    if kind == "learned":
        pos = p["pos_table"]
        if isinstance(pos, nn.Embedding):
            pos = pos.weight
        max_seq = None
    else:
        pos = "sinusoidal" if kind == "sinusoidal" else None
        max_seq = p.get("pos_rows") or rows
    if p["front"] == "patches":
        image = tuple(int(s) for s in used[0].shape[2:])
    else:
        image = None
    pool = p["pool"]
    if pool == "attention":
        pool = p["pool_mod"][1]
    enc = _stack_of(p, p.get("final_norm"))
    return E.Classifier(embed, pos, enc, pool, p["head"], max_seq=max_seq,
                        causal=causal.pop(), cls_token=cls_token, embed_norm=p.get("embed_norm"),
                        image_size=image)


def _pos_arg(p):
    kind = p.get("pos_kind")
    if kind == "learned":
        t = p["pos_table"]
        return t, None
    if kind == "sinusoidal":
        return "sinusoidal", p.get("pos_rows")
    return None, None


def _lm(mp, p, notes):
    if p.get("front") != "tokens":
        raise Refused("a model that returns logits per row needs token ids (an nn.Embedding) "
                      "in front: attention.h's decoder-only models are language models")
    if "layers" not in p:
        raise Refused("no transformer layers between the input and the output")
    if p.get("causal") != {True}:
        raise Refused("logits per row from a stack without the causal mask: attention.h's "
                      "decoder-only models are causal (mask=generate_square_subsequent_mask)")
    if "cls" in p:
        raise Refused("a CLS row in a language model")
    pos, rows = _pos_arg(p)
    enc = _stack_of(p, p.get("final_norm"))
    return E.DecoderLM(p["embed"], enc, p["head"], pos=pos, embed_scale=_scale_of(p),
                       max_len=rows if pos is None or isinstance(pos, str) else None,
                       embed_norm=p.get("embed_norm"))


def _seq2seq(mp, notes):
    s, t = mp.pieces("src"), mp.pieces("tgt")
    if ("transformer" not in t and "decoder" not in t) or "head" not in t:
        raise Refused("an encoder-decoder needs nn.Transformer(src, tgt, tgt_mask=...) (or "
                      "its .encoder and .decoder called in turn) and an output nn.Linear")
    for side, p in (("source", s), ("target", t)):
        if p.get("front") != "tokens":
            raise Refused("the %s is not token ids through an nn.Embedding (front ends of "
                          "features or images: use export.Seq2Seq(src_in=...))" % side)
        if "cls" in p or ("layers" in p and (side == "target" or "transformer" in t)):
            raise Refused("the %s has a CLS row or its own layers" % side)
    if True in s.get("causal", set()):
        raise Refused("the encoder stack gets a causal mask; attention.h's encoder sees all of "
                      "the source")
    if _scale_of(s) != _scale_of(t):
        raise Refused("the source's embeddings are scaled by %r, the target's by %r; "
                      "attention.h has one embed_scale" % (_scale_of(s), _scale_of(t)))
    sp, srows = _pos_arg(s)
    tp, trows = _pos_arg(t)
    if "transformer" in t:
        stacks = dict(transformer=t["transformer"])
    else:
        stacks = dict(encoder=_stack_of(s, s.get("final_norm")), decoder=t["decoder"])
    return E.Seq2Seq(s["embed"], t["embed"], out=t["head"], src_pos=sp, tgt_pos=tp, **stacks,
                     embed_scale=_scale_of(s),
                     max_src=srows or (32 if sp is None else None),
                     max_tgt=trows or (32 if tp is None else None),
                     src_embed_norm=s.get("embed_norm"), tgt_embed_norm=t.get("embed_norm"))


# ---- export and verification against the user's model ----------------------------


def _random_samples(w, n=16, seed=0):
    """n random inputs (without a batch dimension) of the export's shape."""
    info = w.byom
    shape = info["input_shape"][0][1:]
    g = torch.Generator().manual_seed(seed)
    emb = w.embed
    if isinstance(emb, nn.Embedding):
        return [torch.randint(0, emb.num_embeddings, tuple(shape), generator=g)
                for _ in range(n)]
    return [torch.randn(*shape, generator=g) for _ in range(n)]


def _quantize_decoder(w, kind, path, name, calib, calib_path, s8_path, samples, min_agreement,
                      bos, eos, c_compiler, log):
    """int8 of an exported encoder-decoder / decoder-only wrapper w: calib
    holds token sequences (sources; a language model's whole sequences).
    An encoder-decoder's decoder inputs for calibration (teacher forcing) are
    the float model's own greedy outputs, BOS first, which the export has
    just shown to be the user's model's. The int8 header's greedy outputs on
    `samples` (default the calibration sequences) must equal float's on at
    least min_agreement of them (quantize_seq2seq / quantize_lm)."""
    up = E._c_name(name)
    calib_path = calib_path or "%s_calib.h" % up
    s8_path = s8_path or "%s_model_s8.h" % up
    seqs = [[int(t) for t in np.asarray(s).reshape(-1)] for s in calib]
    if not seqs:
        raise ValueError("calib holds no sequences")
    if kind == "seq2seq":
        if w.max_tgt < 2:
            raise ValueError("max_tgt %d leaves no room for a decoder input after BOS" % w.max_tgt)
        tgts = [[int(bos)] + w.greedy(s, bos, eos, max_out=w.max_tgt - 1) for s in seqs]
        E.export_seq2seq_calibration(w, seqs, tgts, calib_path, name)
        return E.quantize_seq2seq(path, calib_path, s8_path, name, samples=samples,
                                  min_word_agreement=min_agreement, c_compiler=c_compiler,
                                  log=log)
    E.export_lm_calibration(w, seqs, calib_path, name)
    return E.quantize_lm(path, calib_path, s8_path, name, samples=samples,
                         min_word_agreement=min_agreement, c_compiler=c_compiler, log=log)


def export_module(model, path, name, *, example_input=None, seq=None, samples=None,
                  calib=None, calib_path=None, s8_path=None, min_agreement=0.9, bos=None,
                  eos=None, c_compiler="cc", source=None, log=print):
    """from_module(model) exported to `path` (symbols `name`) and verified:
    the header in C against the wrapper (1e-5 * max(1, |logit|)) and C's
    logits against `model`'s own forward on the same inputs (the same bound;
    RuntimeError naming the sample and logit: never a silently different
    model). A Classifier: samples (inputs without a batch dimension; default
    16 random ones of the example's shape); with calib (calibration inputs
    [n, ...]) also calib_path (default NAME_calib.h) and the int8 s8_path
    (default NAME_model_s8.h), whose argmax must agree with `model`'s on at
    least min_agreement of the samples (RuntimeError otherwise). A Seq2Seq
    (bos required) / DecoderLM: export_seq2seq / export_lm with reference=
    model (greedy tokens and every step's logits); with calib (token
    sequences: sources, or a language model's sequences) also the int8
    header (_quantize_decoder: calibrated teacher-forced on the float
    model's own greedy outputs; its greedy outputs must equal float's on at
    least min_agreement of the samples). Returns dict(kind, wrapper, report,
    notes; report_s8 with int8)."""
    w = from_module(model, example_input=example_input, seq=seq)
    info = w.byom
    for n in info["notes"]:
        log("note: %s" % n)
    kind = info["kind"]
    if kind == "seq2seq":
        if bos is None:
            raise ValueError("an encoder-decoder needs bos= (--bos: the first decoder input)")
        text = E.export_seq2seq(w, path, name, bos=bos, eos=eos, reference=model,
                                samples=samples, c_compiler=c_compiler, source=source, log=log)
        out = dict(kind=kind, wrapper=w, report=None, text=text, notes=info["notes"])
        if calib is not None:
            out["report_s8"] = _quantize_decoder(w, kind, path, name, calib, calib_path, s8_path,
                                                 samples, min_agreement, bos, eos, c_compiler,
                                                 log)
        return out
    if kind == "lm":
        text = E.export_lm(w, path, name, eos=eos, reference=model, samples=samples,
                           c_compiler=c_compiler, source=source, log=log)
        out = dict(kind=kind, wrapper=w, report=None, text=text, notes=info["notes"])
        if calib is not None:
            out["report_s8"] = _quantize_decoder(w, kind, path, name, calib, calib_path, s8_path,
                                                 samples, min_agreement, bos, eos, c_compiler,
                                                 log)
        return out
    if samples is None:
        samples = _random_samples(w)
    text = E.model_header(w, name, info["seq"], source)
    E._write(path, text)
    rep = E.verify_model(w, path, name, samples, c_compiler=c_compiler, log=log,
                         reference=model)
    out = dict(kind=kind, wrapper=w, report=rep, text=text, notes=info["notes"])
    if calib is not None:
        up = E._c_name(name)
        calib_path = calib_path or "%s_calib.h" % up
        s8_path = s8_path or "%s_model_s8.h" % up
        patch = int(w.embed.kernel_size[0]) if isinstance(w.embed, nn.Conv2d) else None
        E.export_calibration(calib, None, calib_path, name, patch=patch)
        E.quantize(path, calib_path, s8_path, name, c_compiler=c_compiler)
        rep8 = E.verify_model(w, path, name, samples, s8_header_path=s8_path,
                              c_compiler=c_compiler, log=log, reference=model)
        a = rep8["s8_reference_agreement"]
        log("int8 %s: argmax as your model's on %.0f%% of %d samples (at least %.0f%% needed)"
            % (os.path.basename(s8_path), 100 * a, rep8["reference_samples"],
               100 * min_agreement))
        if a < min_agreement:
            raise RuntimeError("the int8 model's argmax agrees with your model's on %.0f%% of "
                               "%d samples, below the %.0f%% required (--min-agreement): "
                               "calibrate on more representative inputs, or accept less"
                               % (100 * a, rep8["reference_samples"], 100 * min_agreement))
        out["report_s8"] = rep8
    return out


# ---- the command line's loading --------------------------------------------------


def _import_class(spec):
    """'path/to/file.py:ClassName' or 'package.module:ClassName' (or
    'package.module.ClassName') -> the class. Its module is registered in
    sys.modules (and the class on __main__), so pickles that name it load."""
    import importlib
    import importlib.util
    if ":" in spec:
        mod_part, cls_name = spec.rsplit(":", 1)
    elif "." in spec and not spec.endswith(".py"):
        mod_part, cls_name = spec.rsplit(".", 1)
    else:
        raise ValueError("--class %r: give file.py:ClassName or package.module:ClassName" % spec)
    try:
        if mod_part.endswith(".py") or os.path.sep in mod_part:
            path = os.path.abspath(mod_part)
            if not os.path.isfile(path):
                raise ValueError("--class %r: no file %s" % (spec, path))
            modname = os.path.splitext(os.path.basename(path))[0]
            sys.path.insert(0, os.path.dirname(path))
            mspec = importlib.util.spec_from_file_location(modname, path)
            mod = importlib.util.module_from_spec(mspec)
            sys.modules[modname] = mod
            mspec.loader.exec_module(mod)
        else:
            sys.path.insert(0, os.getcwd())
            mod = importlib.import_module(mod_part)
    except ValueError:
        raise
    except BaseException as e:  # noqa: BLE001 - the user's file failed to import
        if isinstance(e, KeyboardInterrupt):
            raise
        fr = _user_frame(traceback.extract_tb(e.__traceback__))
        raise ValueError("--class %r: importing %s failed: %s: %s at %s"
                         % (spec, mod_part, type(e).__name__, str(e).split("\n")[0], _loc(fr)))
    cls = getattr(mod, cls_name, None)
    if not isinstance(cls, type):
        raise ValueError("--class %r: %s has no class %s" % (spec, mod_part, cls_name))
    main = sys.modules.get("__main__")
    if main is not None and not hasattr(main, cls_name):
        setattr(main, cls_name, cls)  # a model pickled from a training script's __main__
    return cls


def load_model(path, class_spec=None, args_json=None):
    """What the command line exports: torch.load(path) -> an nn.Module (a
    model saved whole), or a state_dict loaded into class_spec(**args_json).
    ValueError (never a traceback) for what cannot be loaded: a pickled
    class that cannot be imported, a TorchScript file, a state_dict without
    --class, keys that do not fit."""
    import warnings
    cls = _import_class(class_spec) if class_spec else None
    kwargs = {}
    if args_json:
        try:
            kwargs = json.loads(args_json)
        except ValueError as e:
            raise ValueError("--args is not JSON: %s (e.g. --args '{\"d_model\": 32}')" % e)
        if not isinstance(kwargs, dict):
            raise ValueError("--args must be a JSON object of the constructor's keyword "
                             "arguments, not %r" % (kwargs,))
    if path.endswith(".npy"):
        raise ValueError("%s is a NumPy array, not a model" % path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = torch.load(path, map_location="cpu")
    except (ModuleNotFoundError, AttributeError, ImportError) as e:
        text = str(e)
        mod = getattr(e, "name", None)
        what = ("module %r" % mod) if isinstance(e, ModuleNotFoundError) and mod else text
        raise ValueError(
            "%s holds a model pickled whole (torch.save(model, file)), and unpickling it needs "
            "its class importable: %s (%s). Either make the class importable (run from the "
            "directory of the file that defines it, or put that directory on PYTHONPATH; a "
            "class defined in the training script's __main__: pass --class "
            "path/to/train.py:ClassName), or save model.state_dict() instead and pass --class "
            "path/to/file.py:ClassName --args '{...its constructor arguments...}'"
            % (path, what, type(e).__name__))
    except FileNotFoundError:
        raise ValueError("no file %s" % path)
    except Exception as e:  # noqa: BLE001 - not a torch file at all
        raise ValueError("%s could not be read by torch.load: %s: %s"
                         % (path, type(e).__name__, str(e).split("\n")[0]))
    if isinstance(obj, torch.jit.ScriptModule):
        raise ValueError(
            "%s is a TorchScript module (torch.jit.script/trace + save): torch.jit.load reads "
            "it, but its Python forward is gone and torch.fx traces Python code only, so what "
            "it computes cannot be mapped onto attention.h's blocks. Export the nn.Module "
            "itself: torch.save(model, file), or torch.save(model.state_dict(), file) with "
            "--class file.py:ClassName --args '{...}'" % path)
    if isinstance(obj, dict) and not isinstance(obj, nn.Module):
        sd = obj
        if not all(isinstance(v, torch.Tensor) for v in obj.values()):
            sd = obj.get("state_dict", obj.get("model_state_dict"))
        if not isinstance(sd, dict) or not sd or \
                not all(isinstance(v, torch.Tensor) for v in sd.values()):
            raise ValueError("%s holds a dict that is not a state_dict (keys %s)"
                             % (path, sorted(obj)[:8]))
        if cls is None:
            raise ValueError("%s is a state_dict (%d tensors): pass the model's class and "
                             "constructor arguments, --class path/to/file.py:ClassName --args "
                             "'{\"d_model\": 32, ...}'" % (path, len(sd)))
        try:
            model = cls(**kwargs)
        except Exception as e:  # noqa: BLE001
            raise ValueError("%s(**%s) failed: %s: %s" % (cls.__name__, json.dumps(kwargs),
                                                          type(e).__name__,
                                                          str(e).split("\n")[0]))
        try:
            model.load_state_dict(sd, strict=True)
        except Exception as e:  # noqa: BLE001
            raise ValueError("the state_dict in %s does not fit %s(**%s) (other constructor "
                             "arguments? --args): %s" % (path, cls.__name__, json.dumps(kwargs),
                                                         " ".join(str(e).split())[:600]))
        return model
    if not isinstance(obj, nn.Module):
        raise ValueError("%s holds a %s, not a model (torch.save(model) or a state_dict with "
                         "--class)" % (path, type(obj).__name__))
    if args_json:
        raise ValueError("--args goes with a state_dict; %s holds a whole model" % path)
    return obj
