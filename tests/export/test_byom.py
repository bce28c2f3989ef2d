#!/usr/bin/python3
"""tests/export/test_byom.py - bring your own model: ordinary PyTorch models
(tests/export/byom_models.py: the user's own classes, attribute names and
forward code) exported by tools/export.py's from_module / export_module and
by the command line, each verified in C against the wrapper and against the
user's own forward.

    /usr/bin/python3 tests/export/test_byom.py [--cc CC] [WORK_DIR]

Styles: (a) own class, Linear input, learned positions [1, max, d] sliced,
nn.TransformerEncoder, mean pooling (batch_first=True, post-norm ReLU); (b) a
CLS token by torch.cat of an expanded parameter, pos + x, an embedding
LayerNorm, x[:, 0]; (c) nn.Embedding tokens * sqrt(d) and the tutorial's
sinusoidal buffer, (g) batch_first=False with transposes; (d) layers in an
nn.ModuleList run by a loop, (h) pre-norm GELU, a final LayerNorm, (j)
attention pooling, positions by nn.Embedding(arange); a ViT (nn.Conv2d
patches, a CLS row; example_input / --example); (e) a state_dict with
--class and --args; (i) an encoder-decoder on nn.Transformer; a decoder-only
language model (a causal stack); int8 (argmax agreement with the user's model
stated and asserted). Refusals, each a message naming the module path and
source line (command line: exit 1, no traceback): nn.BatchNorm1d, nn.LSTM, a
hand-written SiLU feed-forward, activation=F.silu, data-dependent control
flow, positions that are not a table's first rows, a TorchScript file, a
pickle whose class cannot be imported, a state_dict without --class or with
other constructor arguments; and a CLS model rewrapped by hand as a Classifier
with pool="first" (no CLS row) must fail its verification against the
user's model.

Run alone or from tests/export/test_export.py (run(check, P, cc): its checks
count in that file's "N passed, N failed" line). Ends with "N passed, N
failed"; exit status 0 only if none failed.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import byom_models as M  # noqa: E402
import export as E  # noqa: E402

EXPORT = os.path.join(REPO, "tools", "export.py")
MODELS = os.path.join(HERE, "byom_models.py")


def quiet(*_):
    pass


def refuses(fn, *needles, exc=ValueError):
    try:
        fn()
    except exc as e:
        msg = str(e)
        for n in needles:
            assert n in msg, "message %r lacks %r" % (msg, n)
        return msg
    raise AssertionError("no %s raised" % exc.__name__)


def cli(args, cwd, pythonpath=True):
    env = dict(os.environ)
    env["PYTHONPATH"] = HERE if pythonpath else ""
    return subprocess.run([sys.executable, EXPORT] + args, capture_output=True, text=True,
                          cwd=cwd, env=env)


def cli_ok(args, cwd, *needles):
    r = cli(args, cwd)
    assert r.returncode == 0, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr
    for n in needles:
        assert n in r.stdout, (n, r.stdout)
    return r


def cli_refuses(args, cwd, *needles, pythonpath=True):
    r = cli(args, cwd, pythonpath)
    assert r.returncode == 1, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr
    assert "cannot export" in r.stderr, r.stderr
    for n in needles:
        assert n in r.stderr, (n, r.stderr)
    return r.stderr


def styles():
    """(label, model, kind, extra kwargs, a check of the mapping)."""
    torch.manual_seed(1)
    out = []
    a = M.MeanNet()
    out.append(("(a)(f)(h) own class, Linear, learned [1, max, d] positions, "
                "TransformerEncoder batch_first, post-norm ReLU, mean pool", a, "Classifier", {},
                lambda w, m=a: (w.encoder is m.enc and w.pool == "mean" and w.embed is m.proj
                                and w.pos.shape == (8, 16))))
    b = M.ClsNet()
    out.append(("(b) CLS by torch.cat of an expanded parameter, pos + x, embedding "
                "LayerNorm, x[:, 0]", b, "Classifier", {},
                lambda w, m=b: (w.cls_token is m.cls and w.pool == "first" and
                                w.embed_norm is m.ln and w.pos is m.pos_embedding)))
    c = M.TokenNet()
    out.append(("(c)(g) Embedding * sqrt(d), tutorial sinusoidal buffer, batch_first=False "
                "with transposes", c, "Classifier", {},
                lambda w, m=c: (w.pos == "sinusoidal" and w.encoder is m.encoder and
                                torch.equal(w.embed.weight, m.embedding.weight * 4.0))))
    d = M.ListNet()
    out.append(("(d)(h)(j) ModuleList loop, pre-norm GELU, final LayerNorm, attention "
                "pooling, nn.Embedding(arange) positions", d, "Classifier", {},
                lambda w, m=d: (w.encoder.layers[1] is m.blocks[1] and
                                w.encoder.norm is m.norm and w.pool is m.attn_pool and
                                w.pos is m.positions.weight)))
    i = M.TinyTranslator()
    out.append(("(i) encoder-decoder on nn.Transformer, generate_square_subsequent_mask",
                i, "Seq2Seq", dict(bos=1, eos=2),
                lambda w, m=i: (w.transformer is m.transformer and w.out is m.generator and
                                w.embed_scale == 4.0)))
    v = M.PatchNet()
    out.append(("ViT: nn.Conv2d patches, a CLS row, positions on all rows (example_input)", v,
                "Classifier", dict(example_input=torch.randn(2, 1, 8, 8)),
                lambda w, m=v: w.embed is m.patch and w.cls_token is m.cls and
                w.image_size == (8, 8)))
    i2 = M.SplitTranslator()
    out.append(("(i)(g) encoder-decoder: transformer.encoder then .decoder, sequence first, "
                "sinusoidal positions", i2, "Seq2Seq", dict(bos=1, eos=2),
                lambda w, m=i2: (w.encoder is m.transformer.encoder and
                                 w.decoder is m.transformer.decoder and
                                 w.position == "sinusoidal")))
    lm = M.TinyLM()
    out.append(("decoder-only: a causal TransformerEncoder stack", lm, "DecoderLM", {},
                lambda w, m=lm: w.encoder is m.body and w.out is m.lm_head))
    return out


def run(check, P, cc):
    kw = dict(c_compiler=cc, log=quiet)
    cases = styles()
    for k, (label, m, kind, extra, mapped) in enumerate(cases):
        def api(m=m, kind=kind, extra=extra, mapped=mapped, k=k):
            was = m.training
            attrs = set(m.__dict__)
            r = E.export_module(m, P("b%d_model.h" % k), "b%d" % k, **dict(kw, **extra))
            w = r["wrapper"]
            assert type(w).__name__ == kind, type(w).__name__
            assert mapped(w), "the wrapper is not made of the model's own modules"
            assert m.training == was and set(m.__dict__) == attrs, "the model was changed"
            if kind == "Classifier":
                rep = r["report"]
                assert rep["reference_samples"] == 16, rep["reference_samples"]
                assert rep["reference_max_rel_err"] <= 1e-5, rep["reference_max_rel_err"]
        check("byom from_module -> C == the user's model: %s" % label, api)

        def cmd(m=m, extra=extra, k=k):
            torch.save(m, P("b%d.pt" % k))
            args = [P("b%d.pt" % k), "--name", "c%d" % k, "--cc", cc, "-o", P("c%d_model.h" % k)]
            if "bos" in extra:
                args += ["--bos", str(extra["bos"]), "--eos", str(extra["eos"])]
            if "example_input" in extra:
                torch.save(extra["example_input"], P("b%d_example.pt" % k))
                args += ["--example", P("b%d_example.pt" % k)]
            cli_ok(args, P("."), "verified", "as an export.")
        check("byom command line (model saved whole) exports and verifies: %s"
              % label.split(" ")[0], cmd)

    def state_dict():
        torch.manual_seed(2)
        m = M.MeanNet(d_model=16, layers=1, n_classes=3)
        torch.save(m.state_dict(), P("sd.pt"))
        cli_ok([P("sd.pt"), "--name", "sd", "--cc", cc, "-o", P("sd_model.h"), "--class",
                "%s:MeanNet" % MODELS, "--args", '{"layers": 1, "n_classes": 3}'], P("."),
               "your model (MeanNet)")
        cli_refuses([P("sd.pt"), "--name", "sd", "-o", P("sd_model.h")], P("."),
                    "is a state_dict", "--class")
        cli_refuses([P("sd.pt"), "--name", "sd", "-o", P("sd_model.h"), "--class",
                     "%s:MeanNet" % MODELS, "--args", '{"layers": 2}'], P("."),
                    "does not fit MeanNet")
        cli_refuses([P("sd.pt"), "--name", "sd", "--class", "%s:NoSuch" % MODELS], P("."),
                    "has no class NoSuch")
    check("(e) byom command line: a state_dict with --class and --args exports; without "
          "--class, with other args or another class: refused", state_dict)

    def int8():
        torch.manual_seed(4)
        m = M.MeanNet(d_model=16, layers=1, n_classes=4)
        with torch.no_grad():
            m.fc.weight.mul_(6.0)   # clearer argmax decisions
        calib = torch.randn(64, 8, 6)
        samples = [torch.randn(8, 6) for _ in range(40)]
        r = E.export_module(m, P("q_model.h"), "q", calib=calib, calib_path=P("q_calib.h"),
                            s8_path=P("q_model_s8.h"), samples=samples, min_agreement=0.85,
                            **kw)
        a = r["report_s8"]["s8_reference_agreement"]
        assert 0.85 <= a <= 1.0, a
        print("     int8: argmax as the user's model's on %.0f%% of 40 samples" % (100 * a))
        refuses(lambda: E.export_module(m, P("q_model.h"), "q", calib=calib,
                                        calib_path=P("q_calib.h"), s8_path=P("q_model_s8.h"),
                                        samples=samples, min_agreement=1.01, **kw),
                "below the 101% required", exc=RuntimeError)
        torch.save(m, P("q.pt"))
        torch.save(calib, P("q_calib.pt"))
        r = cli_ok([P("q.pt"), "--name", "qc", "--cc", cc, "-o", P("qc_model.h"), "--calib",
                    P("q_calib.pt"), "--min-agreement", "0.75"], P("."),
                   "argmax as your model's", "qc_model_s8.h")
    check("byom int8: quantized, argmax agreement with the user's model >= 85% (and an "
          "impossible threshold fails), the command line too", int8)

    def int8_decoders():
        torch.manual_seed(5)
        t = M.TinyTranslator()
        g = torch.Generator().manual_seed(6)
        srcs = [torch.randint(0, 12, (int(n),), generator=g).tolist()
                for n in torch.randint(1, 9, (48,), generator=g)]
        r = E.export_module(t, P("tq8_model.h"), "tq8", bos=1, eos=2, calib=srcs,
                            calib_path=P("tq8_calib.h"), s8_path=P("tq8_model_s8.h"),
                            min_agreement=0.5, **kw)
        a = r["report_s8"]["word_agreement"]
        assert 0.5 <= a <= 1.0, a
        print("     int8 encoder-decoder: %.0f%% of %d outputs identical to float's (the "
              "user's model's)" % (100 * a, len(srcs)))
        refuses(lambda: E.export_module(t, P("tq8_model.h"), "tq8", bos=1, eos=2, calib=srcs,
                                        calib_path=P("tq8_calib.h"),
                                        s8_path=P("tq8_model_s8.h"), min_agreement=1.01, **kw),
                "min_word_agreement", exc=RuntimeError)
        lm = M.TinyLM()
        seqs = [torch.randint(0, 13, (int(n),), generator=g).tolist()
                for n in torch.randint(2, 11, (48,), generator=g)]
        r = E.export_module(lm, P("lq8_model.h"), "lq8", eos=2, calib=seqs,
                            calib_path=P("lq8_calib.h"), s8_path=P("lq8_model_s8.h"),
                            min_agreement=0.5, **kw)
        a = r["report_s8"]["word_agreement"]
        assert 0.5 <= a <= 1.0, a
        print("     int8 language model: %.0f%% of the outputs identical to float's" % (100 * a))
        torch.save(t, P("tq8.pt"))
        torch.save(srcs, P("tq8_srcs.pt"))
        cli_ok([P("tq8.pt"), "--name", "tq8c", "--cc", cc, "-o", P("tq8c_model.h"), "--bos", "1",
                "--eos", "2", "--calib", P("tq8_srcs.pt"), "--min-agreement", "0.5"], P("."),
               "tq8c_model_s8.h")
    check("byom int8 of your own encoder-decoder and language model: calibrated on the float "
          "model's own greedy outputs, >= 50% of outputs identical to float (an impossible "
          "threshold fails), the command line too", int8_decoders)

    # ---- refusals -------------------------------------------------------------
    def refusals():
        refuses(lambda: E.from_module(M.BatchNormNet()), "`bn` (nn.BatchNorm1d)",
                "byom_models.py:176", "LayerNorm")
        refuses(lambda: E.from_module(M.LstmNet()), "`lstm` (nn.LSTM)", "byom_models.py:187",
                "no recurrent layers")
        refuses(lambda: E.from_module(M.SiluFFNet()), "silu", "byom_models.py:201",
                "nn.TransformerEncoderLayer")
        m = M.MeanNet()
        m.enc.layers[0].activation = F.silu
        m.enc.layers[1].activation = F.silu
        refuses(lambda: E.from_module(m), "`enc` (nn.TransformerEncoder)", "neither relu")
        refuses(lambda: E.from_module(M.BranchyNet()), "data-dependent control flow",
                "byom_models.py:210", "if h.sum() > 0")

        class Shifted(M.MeanNet):
            def forward(self, x):
                h = self.proj(x) + self.pos[:, 1:x.size(1) + 1]
                return self.fc(self.enc(h).mean(dim=1))
        refuses(lambda: E.from_module(Shifted(), seq=6), "neither the first rows")
    check("byom refuses BatchNorm1d, LSTM, a SiLU feed-forward, activation=F.silu, "
          "data-dependent control flow, shifted positions: module path and source line", refusals)

    def cli_refusals():
        torch.save(M.BatchNormNet(), P("bn.pt"))
        cli_refuses([P("bn.pt"), "--name", "bn", "--cc", cc], P("."), "`bn` (nn.BatchNorm1d)",
                    "byom_models.py:176")
        torch.save(M.BranchyNet(), P("br.pt"))
        cli_refuses([P("br.pt"), "--name", "br", "--cc", cc], P("."),
                    "data-dependent control flow")
        torch.jit.save(torch.jit.script(nn.Sequential(nn.Linear(6, 16), nn.ReLU(),
                                                      nn.Linear(16, 5))), P("ts.pt"))
        cli_refuses([P("ts.pt"), "--name", "ts"], P("."), "TorchScript", "torch.fx",
                    "state_dict")
        # a model pickled whole whose class cannot be imported
        d = tempfile.mkdtemp(dir=P("."))
        with open(os.path.join(d, "gesture_lib.py"), "w") as fh:
            fh.write("from byom_models import MeanNet\n\nclass GestureNet(MeanNet):\n"
                     "    pass\n")
        sys.path.insert(0, d)
        try:
            import gesture_lib
            torch.save(gesture_lib.GestureNet(), P("gesture.pt"))
        finally:
            sys.path.remove(d)
            sys.modules.pop("gesture_lib", None)
        cli_refuses([P("gesture.pt"), "--name", "g"], P("."), "'gesture_lib'",
                    "PYTHONPATH", "--class")
        cli_ok([P("gesture.pt"), "--name", "g", "--cc", cc, "-o", P("g_model.h"), "--class",
                "%s:GestureNet" % os.path.join(d, "gesture_lib.py")], P("."),
               "your model (GestureNet)")
        r = cli(["--help"], P("."))
        assert r.returncode == 0 and "BRING YOUR OWN MODEL" in r.stdout and \
            "--class" in r.stdout and "not wired" not in r.stdout, r.stdout[-500:]
    check("byom command line refusals: exit 1, a message, no traceback (BatchNorm1d, control "
          "flow, TorchScript, an unimportable pickled class; --class fixes that); --help",
          cli_refusals)

    def f32_table():
        torch.manual_seed(6)
        m = M.TokenNet()
        m.pos_encoder = M.PositionalEncoding32(16)
        r = E.export_module(m, P("p_model.h"), "p", seq=12, **kw)
        w = r["wrapper"]
        assert isinstance(w.pos, torch.Tensor) and w.pos.shape == (12, 16), w.pos
        assert any("not attention.h's sinusoidal table bit for bit" in n for n in r["notes"])
        assert r["report"]["reference_max_rel_err"] <= 1e-5
    check("byom: a float32 sinusoidal table (not attention.h's bit for bit) exports as a "
          "learned table, with a note, verified against the model", f32_table)

    def cls_rewrap():
        torch.manual_seed(5)
        m = M.ClsNet()
        wrong = E.Classifier(m.inp, m.pos_embedding, m.transformer, "first", m.classifier,
                             embed_norm=m.ln)       # the CLS row left out
        refuses(lambda: E.export_model(wrong, P("w_model.h"), "w", 6, reference=m, **kw),
                "the export is not your model (ClsNet)", "sample", "logit", exc=RuntimeError)
        E.export_model(wrong, P("w_model.h"), "w", 6, **kw)   # C == the (wrong) wrapper
        right = E.from_module(m)
        E.export_model(right, P("w_model.h"), "w", 6, reference=m, **kw)
    check("byom: a CLS model rewrapped as pool='first' without its CLS row fails the "
          "verification against the user's model (from_module's mapping passes)", cls_rewrap)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cc", default="cc")
    ap.add_argument("work", nargs="?")
    args = ap.parse_args()
    torch.set_num_threads(1)
    tmp = None
    if args.work:
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="test_byom_")
        work = tmp.name
    results = []

    def check(name, fn):
        try:
            fn()
            results.append(True)
            print("ok   %s" % name, flush=True)
        except Exception:  # noqa: BLE001
            results.append(False)
            print("FAIL %s\n%s" % (name, "".join("     " + ln + "\n" for ln in
                                               traceback.format_exc().rstrip().split("\n"))),
                  flush=True)
    run(check, lambda f: os.path.join(work, f), args.cc)
    n_fail = results.count(False)
    print("%d passed, %d failed" % (results.count(True), n_fail))
    if tmp is not None:
        tmp.cleanup()
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
