#!/usr/bin/python3
"""examples/digits/train.py - train a tiny transformer on scikit-learn's 8x8
digits and export it for attention.h.

Run from anywhere with the Debian Python (PyTorch, NumPy, scikit-learn):

    /usr/bin/python3 examples/digits/train.py

Each 8x8 image (pixels 0..16) is a sequence of 8 tokens, its rows, each of 8
pixel values scaled to [0, 1] (divided by 16). The model, a
tools/export.py Classifier:

    embed    Linear(8, 32)
    pos      learned positions [8, 32]
    encoder  1 post-norm TransformerEncoderLayer (d_model 32, 4 heads,
             feed-forward 64, ReLU, layer norm eps 1e-5; dropout 0.1 while
             training only) and a final LayerNorm
    pool     mean over the 8 tokens
    head     Linear(32, 10)

Data: load_digits() (1797 images, shipped with scikit-learn, no download),
split by train_test_split(test_size=0.2, random_state=0, stratify=labels):
1437 training and 360 test images. Training: Adam, fixed seeds, one thread,
a fixed number of epochs (no early stopping on the test set).

Writes, next to this script:
    digits_model.h  the float model (tools/export.py export_model)
    digits_data.h   the test images (raw 0..16 pixels) and labels, PyTorch's
                    prediction for each, and 64 training images for int8
                    calibration
Then verifies the export (unless --no-verify): a C program built from
attention.h, digits_model.h and digits_data.h runs attn_model_f32 on every
test image; its predictions must equal PyTorch's on every image and its
logits must agree within 1e-5 * max(1, |logit|). Needs a C compiler (cc).

The outputs are deterministic: rerunning on the same software and CPU gives
byte-identical headers (a different PyTorch build or CPU may round the
training differently).
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import sklearn
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.dont_write_bytecode = True  # no tools/__pycache__ in the repository
from export import Classifier, export_calibration, export_model, quantize, wrap  # noqa: E402

SEED = 0
SEQ, D_IN, D_MODEL, N_HEADS, D_FF, N_CLASSES = 8, 8, 32, 4, 64, 10
N_CALIB = 64
COMMAND = "/usr/bin/python3 examples/digits/train.py"
TOL = 1e-5  # |C - PyTorch| <= TOL * max(1, |PyTorch|), as tests/test_golden.c


def make_model():
    layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, D_FF, dropout=0.1, activation="relu",
                                       layer_norm_eps=1e-5, batch_first=True, norm_first=False)
    encoder = nn.TransformerEncoder(layer, num_layers=1, norm=nn.LayerNorm(D_MODEL, eps=1e-5),
                                    enable_nested_tensor=False)
    return Classifier(embed=nn.Linear(D_IN, D_MODEL),
                      pos=nn.Parameter(torch.randn(SEQ, D_MODEL) * 0.02),
                      encoder=encoder, pool="mean", head=nn.Linear(D_MODEL, N_CLASSES))


def load():
    """-> pixels uint8 [n, 64] (0..16), labels uint8 [n], train and test indices."""
    digits = load_digits()
    data = digits.data
    assert np.all(data == np.round(data)) and data.min() >= 0 and data.max() <= 16
    pixels = data.astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    idx = np.arange(len(labels))
    train_idx, test_idx = train_test_split(idx, test_size=0.2, random_state=SEED,
                                           stratify=labels)
    return pixels, labels, train_idx, test_idx


def as_input(pixels):
    """uint8 [n, 64] -> float32 tensor [n, 8 tokens, 8 features] in [0, 1]
    (x / 16 is exact in float32, as (float)p / 16.0f in C)."""
    return torch.from_numpy(pixels.astype(np.float32).reshape(-1, SEQ, D_IN) / np.float32(16.0))


def train(model, x, y, epochs, batch=32, lr=3e-3):
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs *
                                                ((len(y) + batch - 1) // batch))
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(y), generator=gen)
        total = 0.0
        for k in range(0, len(y), batch):
            sel = order[k:k + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[sel]), y[sel])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(sel)
        if (epoch + 1) % 25 == 0 or epoch + 1 == epochs:
            print("  epoch %3d: training loss %.4f" % (epoch + 1, total / len(y)), flush=True)
    model.eval()


def c_u8_rows(name, rows, comment):
    """static const uint8_t name[n][k] = {...} with one row per line group."""
    rows = np.asarray(rows, dtype=np.uint8)
    body = "\n".join("    {" + wrap([str(int(v)) for v in r], indent="     ")[5:].rstrip(",")
                     + "}," for r in rows)
    return "/* %s */\nstatic const uint8_t %s[%d][%d] = {\n%s\n};\n\n" % (
        comment, name, rows.shape[0], rows.shape[1], body)


def c_u8(name, values, comment):
    values = np.asarray(values, dtype=np.uint8)
    return "/* %s */\nstatic const uint8_t %s[%d] = {\n%s\n};\n\n" % (
        comment, name, values.size, wrap([str(int(v)) for v in values]))


def data_header(pixels, labels, pred, calib, stamp):
    n = len(labels)
    return ("""/* digits_data.h - generated by examples/digits/train.py; do not edit.
%s
   Test images: scikit-learn load_digits(), 8x8 pixels 0..16 row by row (the model's
   input is pixel / 16.0f as [8 tokens][8 features]); digits_torch_pred is the float
   PyTorch model's class for each (eval mode, float32). digits_calib_pixels: the first
   %d images of the training split, calibration data for the int8 model.
   Regenerate: %s */
#ifndef DIGITS_DATA_H
#define DIGITS_DATA_H

#include <stdint.h>

#define DIGITS_N_TEST %d
#define DIGITS_N_CALIB_PIXELS %d

""" % (wrap(stamp.split(" "), indent="   ", sep=""), N_CALIB, COMMAND, n, len(calib))
            + c_u8_rows("digits_test_pixels", pixels, "[DIGITS_N_TEST][64] raw pixels 0..16")
            + c_u8("digits_test_labels", labels, "[DIGITS_N_TEST] true classes")
            + c_u8("digits_torch_pred", pred, "[DIGITS_N_TEST] PyTorch's argmax")
            + c_u8_rows("digits_calib_pixels", calib,
                        "[%d][64] training images for int8 calibration" % len(calib))
            + "#endif /* DIGITS_DATA_H */\n")


VERIFY_C = r"""/* throwaway: attn_model_f32 on every test image, logits printed exactly */
#include <stdio.h>
#define ATTN_IMPLEMENTATION
#include "attention.h"
#define DIGITS_MODEL_IMPLEMENTATION
#include "digits_model.h"
#include "digits_data.h"

static uint8_t arena_buf[ATTN_MODEL_SCRATCH_F32(8, 32, 4, 64)] ATTN_ALIGNED;

int main(void)
{
    attn_arena arena;
    float x[8 * 8], logits[DIGITS_N_CLASSES];
    int i, j, pred;
    for (i = 0; i < DIGITS_N_TEST; i++) {
        attn_status st;
        for (j = 0; j < 64; j++) x[j] = (float)digits_test_pixels[i][j] / 16.0f;
        attn_arena_init(&arena, arena_buf, sizeof arena_buf);
        st = attn_model_f32(logits, x, DIGITS_SEQ, NULL, &digits_cfg, &digits_weights, &arena);
        if (st == ATTN_OK) st = attn_argmax_f32(&pred, logits, DIGITS_N_CLASSES);
        if (st != ATTN_OK) {
            printf("image %d: %s\n", i, attn_status_str(st));
            return 1;
        }
        printf("%d", pred);
        for (j = 0; j < DIGITS_N_CLASSES; j++) printf(" %.9g", logits[j]);
        printf("\n");
    }
    return 0;
}
"""


def verify(torch_logits, torch_pred, cc):
    """Build and run the C check; returns True if every prediction and logit agrees."""
    tmp = tempfile.mkdtemp(prefix="digits_verify_")
    try:
        src = os.path.join(tmp, "verify.c")
        exe = os.path.join(tmp, "verify")
        with open(src, "w") as fh:
            fh.write(VERIFY_C)
        cmd = [cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
               "-I" + REPO, "-I" + HERE, src, "-lm", "-o", exe]
        subprocess.run(cmd, check=True)
        out = subprocess.run([exe], check=True, stdout=subprocess.PIPE, text=True).stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [line.split() for line in out.strip().split("\n")]
    c_pred = np.array([int(r[0]) for r in rows])
    c_logits = np.array([[float(v) for v in r[1:]] for r in rows], dtype=np.float64)
    t = torch_logits.astype(np.float64)
    diff = np.abs(c_logits - t)
    scaled = diff / np.maximum(1.0, np.abs(t))
    same = int(np.sum(c_pred == torch_pred))
    n = len(torch_pred)
    print("verify: C attn_model_f32 predicts the same class as PyTorch on %d/%d test images"
          % (same, n))
    print("verify: max |C - PyTorch| logit difference %.3g (%.3g relative to max(1, |logit|); "
          "tolerance %g)" % (diff.max(), scaled.max(), TOL))
    top2 = np.sort(t, axis=1)[:, -2:]
    gap = top2[:, 1] - top2[:, 0]
    print("verify: smallest gap between an image's two largest PyTorch logits: %.3g (image %d)"
          % (gap.min(), int(gap.argmin())))
    for i in np.nonzero(c_pred != torch_pred)[0]:
        top = np.sort(t[i])[-2:]
        print("verify: image %d differs: C %d, PyTorch %d (PyTorch's two largest logits %.9g, "
              "%.9g)" % (i, c_pred[i], torch_pred[i], top[1], top[0]))
    ok = same == n and scaled.max() <= TOL
    print("verify: %s" % ("PASS" if ok else "FAIL"))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=150, help="training epochs (default 150)")
    ap.add_argument("--no-verify", action="store_true", help="skip the C check")
    ap.add_argument("--cc", default="cc", help="C compiler for the check (default cc)")
    args = ap.parse_args()

    torch.set_num_threads(1)  # reproducible float sums
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    pixels, labels, train_idx, test_idx = load()
    x_train, y_train = as_input(pixels[train_idx]), torch.from_numpy(labels[train_idx]).long()
    x_test = as_input(pixels[test_idx])

    model = make_model()
    print("training on %d images, testing on %d (%d epochs)" % (len(train_idx), len(test_idx),
                                                                 args.epochs), flush=True)
    t0 = time.time()
    train(model, x_train, y_train, args.epochs)
    seconds = time.time() - t0
    with torch.no_grad():
        logits = model(x_test).numpy().astype(np.float32)
    pred = logits.argmax(axis=1).astype(np.uint8)
    acc = float(np.mean(pred == labels[test_idx]))
    print("test accuracy %.2f%% (%d/%d), training took %.1f s"
          % (100 * acc, int(np.sum(pred == labels[test_idx])), len(test_idx), seconds))

    model_h = os.path.join(HERE, "digits_model.h")
    text = export_model(model, model_h, "digits", seq=SEQ, source=COMMAND,
                        verify=not args.no_verify and shutil.which(args.cc) is not None,
                        c_compiler=args.cc)
    print("wrote %s (%d bytes)" % (os.path.relpath(model_h), len(text)))

    stamp = ("Generator: examples/digits/train.py; torch %s, scikit-learn %s, numpy %s, "
             "python %s. Split: train_test_split(test_size=0.2, random_state=%d, "
             "stratify=labels): %d train, %d test images. Seed %d, %d epochs. The float "
             "model's test accuracy: %.2f%% (%d/%d)."
             % (torch.__version__, sklearn.__version__, np.__version__,
                platform.python_version(), SEED, len(train_idx), len(test_idx), SEED,
                args.epochs, 100 * acc, int(np.sum(pred == labels[test_idx])), len(test_idx)))
    data_h = os.path.join(HERE, "digits_data.h")
    text = data_header(pixels[test_idx], labels[test_idx], pred, pixels[train_idx[:N_CALIB]],
                       stamp)
    with open(data_h, "w", newline="\n") as fh:
        fh.write(text)
    print("wrote %s (%d bytes)" % (os.path.relpath(data_h), len(text)))
    # the int8 model: calibrated on N_CALIB training images (never test ones)
    calib_h = os.path.join(HERE, "digits_calib.h")
    s8_h = os.path.join(HERE, "digits_model_s8.h")
    export_calibration(as_input(pixels[train_idx[:N_CALIB]]), None, calib_h, "digits",
                       source=COMMAND)
    text = quantize(model_h, calib_h, s8_h, "digits", c_compiler=args.cc)
    print("wrote %s (%d bytes)" % (os.path.relpath(s8_h), len(text)))

    if args.no_verify:
        return 0
    if shutil.which(args.cc) is None:
        print("verify: skipped, no C compiler %r" % args.cc)
        return 0
    return 0 if verify(logits, pred, args.cc) else 1


if __name__ == "__main__":
    sys.exit(main())
