"""tests/export/test_blob_export.py - tools/export.py's export_blob: a model
header's model as a model blob (attention.h MODEL BLOBS), made by
tools/blob_model.c with attention.h's writer.

On the example models (examples/digits: the classifier, float and int8;
examples/g2p: the encoder-decoder, float and int8) it checks, reading the
blob here in Python by the header comment's layout (not with the C code
that wrote it): the magic, version and kind; the recorded size; zlib's
CRC-32 of the bytes before the CRC word; the config words against the
header's #defines (d_model, heads, d_ff, layers); the table's entries in
bounds and aligned; and two tensors' bytes equal to the header's arrays
(float: the classifier's cls_w and a layer's ff1_w; int8: the weights of
the first layer's linear1 and the classifier's requant multipliers). Then
the refusals: a kind other than "model" / "seq2seq", a name that is not a C
identifier, a missing header (ValueError), and a header of another model
name or kind, or a compiler that does not exist (RuntimeError).

Standalone: /usr/bin/python3 tests/export/test_blob_export.py [--cc CC]
[WORKDIR]; exit status 1 on a failure; the last line "N passed, N failed".
"""
import os
import re
import struct
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import export  # noqa: E402  (tools/export.py)

PASSED = 0
FAILED = 0


def check(ok, what):
    global PASSED, FAILED
    if ok:
        PASSED += 1
    else:
        FAILED += 1
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    return ok


def words(b, off, n):
    return list(struct.unpack_from("<%dI" % n, b, off))


def parse(b):
    """the header, config words, parameter words and table entries"""
    magic, version, kind, total, n_config, n_params, n_tensors, reserved = words(b, 0, 8)
    cfg = words(b, 32, n_config)
    params = words(b, 32 + 4 * n_config, n_params)
    t0 = 32 + 4 * (n_config + n_params)
    table = [dict(zip(("id", "layer", "dtype", "rows", "cols", "offset", "size", "align"),
                      words(b, t0 + 32 * i, 8))) for i in range(n_tensors)]
    return dict(magic=magic, version=version, kind=kind, total=total, reserved=reserved,
                cfg=cfg, params=params, table=table, table_end=t0 + 32 * n_tensors)


def header_defines(path):
    with open(path) as fh:
        text = fh.read()
    return text, {k: int(v) for k, v in re.findall(r"^#define (\w+) (-?\d+)\b", text, re.M)}


def c_array(text, name):
    """the values of the definition `const T name[...] = {...};` in a header"""
    m = re.search(r"^const \w+ %s\[[^\]]*\](?:\[[^\]]*\])* = \{(.*?)\};" % re.escape(name),
                  text, re.S | re.M)
    if not m:
        return None
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    vals = []
    for v in re.split(r"[,{}\s]+", body):
        if v:
            vals.append(float(v.rstrip("f")) if re.search(r"[.eE]|f$", v) and "x" not in v
                        else int(v, 0))
    return vals


def entry(p, ident, layer=0):
    for e in p["table"]:
        if e["id"] == ident and e["layer"] == layer:
            return e
    return None


def common_checks(what, b, kind, n_config):
    p = parse(b)
    check(p["magic"] == 0x424E5441 and b[:4] == b"ATNB" and p["version"] == 1 and
          p["kind"] == kind and p["reserved"] == 0,
          "%s: magic ATNB, version 1, kind %d" % (what, kind))
    check(p["total"] == len(b) and len(b) % 4 == 0, "%s: its recorded size %d == %d bytes"
          % (what, p["total"], len(b)))
    check(zlib.crc32(b[:-4]) & 0xFFFFFFFF == struct.unpack_from("<I", b, len(b) - 4)[0],
          "%s: zlib.crc32 of the bytes before it == the CRC word" % what)
    check(len(p["cfg"]) == n_config, "%s: %d config words" % (what, n_config))
    elem = {1: 4, 2: 1, 3: 4, 4: 8}
    ok = True
    for e in p["table"]:
        ok = ok and e["dtype"] in elem and e["size"] == e["rows"] * e["cols"] * elem[e["dtype"]]
        ok = ok and e["offset"] % e["align"] == 0 and e["offset"] >= p["table_end"]
        ok = ok and e["offset"] + e["size"] <= len(b) - 4
    check(ok and len(p["table"]) > 0, "%s: %d table entries, each in bounds, aligned, its size "
          "its shape's" % (what, len(p["table"])))
    return p


def tensor_values(b, e):
    fmt = {1: "f", 2: "b", 3: "i", 4: "i"}[e["dtype"]]
    n = e["size"] // struct.calcsize(fmt)
    return list(struct.unpack_from("<%d%s" % (n, fmt), b, e["offset"]))


def float_equal(a, b):
    return len(a) == len(b) and all(struct.pack("<f", x) == struct.pack("<f", y) for x, y in zip(a, b))


def cli_blob(work, cc):
    """The command line's --blob: a small Classifier saved whole, exported
    with --calib and --blob: exit 0, the float and int8 blobs written, each
    the bytes export_blob makes of the headers the same run wrote; a
    decoder-only model's --blob: exit 1 with a message, no traceback."""
    import subprocess
    import numpy as np
    import torch
    torch.manual_seed(3)
    m = export.Classifier.build(4, 16, 2, 32, 1, 3, 6)
    torch.save(m, os.path.join(work, "cb.pt"))
    np.save(os.path.join(work, "cb_calib.npy"), np.random.RandomState(0).randn(16, 6, 4)
            .astype(np.float32))
    tool = os.path.join(ROOT, "tools", "export.py")
    r = subprocess.run([sys.executable, tool, "cb.pt", "--name", "cb", "--seq", "6", "--cc", cc,
                        "--calib", "cb_calib.npy", "--blob", "cb.blob"], cwd=work,
                       capture_output=True, text=True)
    check(r.returncode == 0 and "wrote cb.blob" in r.stdout and "wrote cb_s8.blob" in r.stdout,
          "command line --blob with --calib: exit %d, %s" % (r.returncode,
                                                            (r.stdout + r.stderr).strip()[-200:]))
    ok = r.returncode == 0
    for blob, s8 in (("cb.blob", None), ("cb_s8.blob", "cb_model_s8.h")):
        path = os.path.join(work, blob)
        if not ok or not os.path.exists(path):
            check(False, "command line --blob: %s written" % blob)
            continue
        with open(path, "rb") as fh:
            got = fh.read()
        want = export.export_blob(os.path.join(work, "cb_model.h"), os.path.join(work, "x.blob"),
                                  "cb", s8_header_path=os.path.join(work, s8) if s8 else None,
                                  c_compiler=cc)
        check(got == want and got[:4] == b"ATNB",
              "command line --blob: %s (%d bytes) is export_blob's blob of the headers it wrote"
              % (blob, len(got)))
    lm = export.DecoderLM.build(11, 16, 2, 1, 32, 8)
    torch.save(lm, os.path.join(work, "lb.pt"))
    r = subprocess.run([sys.executable, tool, "lb.pt", "--name", "lb", "--cc", cc, "--blob",
                        "lb.blob"], cwd=work, capture_output=True, text=True)
    check(r.returncode == 1 and "not supported yet" in r.stderr and "Traceback" not in r.stderr,
          "command line --blob of a decoder-only model: exit %d, %s" % (
              r.returncode, r.stderr.strip()[-160:]))


def main(argv):
    cc = "cc"
    args = list(argv)
    if "--cc" in args:
        i = args.index("--cc")
        cc = args[i + 1]
        del args[i:i + 2]
    args = [a for a in args if not a.startswith("--")]
    work = args[0] if args else tempfile.mkdtemp(prefix="attn_blob_export_")
    os.makedirs(work, exist_ok=True)
    dg = os.path.join(ROOT, "examples", "digits")
    gp = os.path.join(ROOT, "examples", "g2p")
    digits, digits_s8 = os.path.join(dg, "digits_model.h"), os.path.join(dg, "digits_model_s8.h")
    g2p, g2p_s8 = os.path.join(gp, "g2p_model.h"), os.path.join(gp, "g2p_model_s8.h")

    # the digits classifier, float
    text, defs = header_defines(digits)
    out = os.path.join(work, "digits_f32.blob")
    b = export.export_blob(digits, out, "digits", c_compiler=cc)
    with open(out, "rb") as fh:
        check(fh.read() == b, "digits float: the file holds the bytes returned")
    p = common_checks("digits float", b, 1, 23)
    check(p["cfg"][0] == defs["DIGITS_D_MODEL"] and p["cfg"][1] == defs["DIGITS_N_HEADS"] and
          p["cfg"][2] == defs["DIGITS_D_FF"] and p["cfg"][8] == defs["DIGITS_D_IN"] and
          p["cfg"][12] == defs["DIGITS_N_CLASSES"] and p["cfg"][21] == defs["DIGITS_N_LAYERS"],
          "digits float: config words d_model, n_heads, d_ff, d_in, n_classes, n_layers == the "
          "header's")
    check(len(p["params"]) == 0, "digits float: no parameter words")
    e = entry(p, 4)
    cls_w = c_array(text, "digits_cls_w")
    check(e is not None and cls_w is not None and e["rows"] == defs["DIGITS_N_CLASSES"] and
          float_equal(tensor_values(b, e), cls_w),
          "digits float: tensor 4 (cls_w) holds the header's digits_cls_w, bit for bit")
    e = entry(p, 0x108, 0)
    ff1 = c_array(text, "digits_l0_ff1_w")
    check(e is not None and ff1 is not None and float_equal(tensor_values(b, e), ff1),
          "digits float: tensor 0x108 of layer 0 (ff1_w) holds digits_l0_ff1_w")

    # the digits classifier, int8
    text8, defs8 = header_defines(digits_s8)
    b = export.export_blob(digits, os.path.join(work, "digits_s8.blob"), "digits",
                           s8_header_path=digits_s8, c_compiler=cc)
    p = common_checks("digits int8", b, 2, 24)
    n_l = defs["DIGITS_N_LAYERS"]
    check(len(p["params"]) == 44 + 56 * n_l + (3 + 24 * n_l if p["cfg"][23] else 0),
          "digits int8: 44 + 56 per layer parameter words (%d)" % len(p["params"]))
    e = entry(p, 0x112, 0)
    w = c_array(text8, "digits_s8_l0_ff1_w")
    check(e is not None and e["dtype"] == 2 and w is not None and tensor_values(b, e) == w,
          "digits int8: tensor 0x112 of layer 0 (ff1.w) holds digits_s8_l0_ff1_w")
    e = entry(p, 8)
    rq = c_array(text8, "digits_s8_cls_rq")
    check(e is not None and e["dtype"] == 4 and rq is not None and tensor_values(b, e) == rq,
          "digits int8: tensor 8 (cls.requant) holds digits_s8_cls_rq (multiplier, shift pairs)")

    # the g2p encoder-decoder, float and int8
    gtext, gdefs = header_defines(g2p)
    b = export.export_blob(g2p, os.path.join(work, "g2p_f32.blob"), "g2p", kind="seq2seq",
                           c_compiler=cc)
    p = common_checks("g2p float", b, 3, 34)
    check(p["cfg"][0] == gdefs["G2P_D_MODEL"] and p["cfg"][16] == gdefs["G2P_SRC_VOCAB"] and
          p["cfg"][17] == gdefs["G2P_TGT_VOCAB"] and p["cfg"][30] == gdefs["G2P_N_ENC_LAYERS"] and
          p["cfg"][32] == gdefs["G2P_N_DEC_LAYERS"],
          "g2p float: config words d_model, vocabularies, layer counts == the header's")
    b8 = export.export_blob(g2p, os.path.join(work, "g2p_s8.blob"), "g2p", kind="seq2seq",
                            s8_header_path=g2p_s8, c_compiler=cc)
    p = common_checks("g2p int8", b8, 4, 34)
    check(len(p["params"]) == 51 + 56 * gdefs["G2P_N_ENC_LAYERS"] + 92 * gdefs["G2P_N_DEC_LAYERS"],
          "g2p int8: 51 + 56 per encoder layer + 92 per decoder layer parameter words")

    # refusals
    def raises(exc, what, fn):
        try:
            fn()
        except exc as e:
            return check(True, "%s -> %s: %s" % (what, exc.__name__, str(e).splitlines()[0][:100]))
        except Exception as e:  # noqa: BLE001
            return check(False, "%s -> %s (want %s)" % (what, type(e).__name__, exc.__name__))
        return check(False, "%s -> no error (want %s)" % (what, exc.__name__))

    o = os.path.join(work, "x.blob")
    raises(ValueError, 'kind="lm"', lambda: export.export_blob(digits, o, "digits", kind="lm"))
    raises(ValueError, 'name "9digits"', lambda: export.export_blob(digits, o, "9digits"))
    raises(ValueError, "a missing header",
           lambda: export.export_blob(os.path.join(work, "none.h"), o, "digits"))
    raises(ValueError, "a missing int8 header",
           lambda: export.export_blob(digits, o, "digits", s8_header_path=os.path.join(work, "no.h")))
    raises(RuntimeError, "the digits header under the name g2p",
           lambda: export.export_blob(digits, o, "g2p"))
    raises(RuntimeError, 'the digits classifier as kind="seq2seq"',
           lambda: export.export_blob(digits, o, "digits", kind="seq2seq"))
    raises(RuntimeError, "a C compiler that does not exist",
           lambda: export.export_blob(digits, o, "digits", c_compiler="no-such-cc-attn"))
    cli_blob(work, cc)
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
