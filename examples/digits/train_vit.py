#!/usr/bin/python3
"""examples/digits/train_vit.py - train a small vision transformer (ViT
style: patches, a CLS token, attention pooling) on scikit-learn's 8x8 digits
and export it for attention.h, beside train.py's row-token model.

Run from anywhere with the Debian Python (PyTorch, NumPy, scikit-learn):

    nice /usr/bin/python3 examples/digits/train_vit.py            # ~2 minutes
    nice /usr/bin/python3 examples/digits/train_vit.py --select   # the choice below

Each 8x8 image (pixels 0..16, scaled to [0, 1] by / 16) is one image
[1 channel][8][8]. The model, a tools/export.py Classifier:

    embed    Conv2d(1, 32, PATCH, stride=PATCH): the image cut into
             PATCH x PATCH squares, each embedded (ViT patches)
    cls      a learned CLS row in front of the patches
    pos      learned positions [patches + 1, 32]
    encoder  1 post-norm TransformerEncoderLayer (d_model 32, 4 heads,
             feed-forward 64, ReLU, layer norm eps 1e-5; dropout 0.1 while
             training only) and a final LayerNorm
    pool     attention pooling: an nn.Linear(32, 1) scores every row, a
             softmax over them weighs their sum
    head     Linear(32, 10)

PATCH is 2 (16 patches of 4 pixels) or 4 (4 patches of 16): --select trains
both on 80% of the training split and reports their accuracy on the other
20% (never the test images) and their flash; the default is the one chosen
from that run (see CHOICE below).

Data: load_digits() and the split of train.py (train_test_split(test_size=0.2,
random_state=0, stratify=labels): 1437 training, 360 test images; the test
images are digits_data.h's). Training: Adam with a one-cycle schedule, fixed
seeds, one thread, a fixed number of epochs (no early stopping).

Writes, next to this script:
    digits_vit_model.h  the float model (tools/export.py export_model,
                        verified in C against PyTorch on random images)
    digits_vit_data.h   PyTorch's prediction for every test image
    digits_vit_calib.h  64 training images, calibration data for int8
    digits_vit_model_s8.h  the int8 model (tools/quantize_model.c, what
                        `make digits-vit-s8` makes from the two headers)
Then verifies (unless --no-verify): attn_model_f32 on every test image in C
(tools/run_model.c) must predict what PyTorch predicts and agree within
1e-5 * max(1, |logit|); the int8 model's agreement with float is printed.
Deterministic: rerunning on the same software and CPU gives byte-identical
headers.
"""

import argparse
import os
import platform
import shutil
import sys
import time

import numpy as np
import sklearn
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repository
from export import (Classifier, export_calibration, export_model, quantize,  # noqa: E402
                    verify_model, wrap)
import train as rows_model  # noqa: E402  (the data, its split and the training loop)

SEED = rows_model.SEED
D_MODEL, N_HEADS, D_FF, N_CLASSES = 32, 4, 64, 10
CHOICE = 4  # PATCH, from --select (see the README's digits section for its figures)
N_CALIB = 64
EPOCHS = 150
COMMAND = "/usr/bin/python3 examples/digits/train_vit.py"
NAME = "digits_vit"


def make_model(patch):
    layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, D_FF, dropout=0.1, activation="relu",
                                       layer_norm_eps=1e-5, batch_first=True, norm_first=False)
    encoder = nn.TransformerEncoder(layer, num_layers=1, norm=nn.LayerNorm(D_MODEL, eps=1e-5),
                                    enable_nested_tensor=False)
    patches = (8 // patch) ** 2
    return Classifier(embed=nn.Conv2d(1, D_MODEL, patch, stride=patch),
                      cls_token=nn.Parameter(torch.randn(D_MODEL) * 0.02),
                      pos=nn.Parameter(torch.randn(patches + 1, D_MODEL) * 0.02),
                      encoder=encoder, pool=nn.Linear(D_MODEL, 1),
                      head=nn.Linear(D_MODEL, N_CLASSES), image_size=(8, 8))


def as_images(pixels):
    """uint8 [n, 64] -> float32 tensor [n, 1, 8, 8] in [0, 1] (x / 16 is exact)."""
    return torch.from_numpy(pixels.astype(np.float32).reshape(-1, 1, 8, 8) / np.float32(16.0))


def fit(patch, x, y, epochs):
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    model = make_model(patch)
    rows_model.train(model, x, y, epochs)
    return model


def accuracy(model, x, labels):
    with torch.no_grad():
        logits = model(x).numpy().astype(np.float32)
    pred = logits.argmax(axis=1).astype(np.uint8)
    return float(np.mean(pred == labels)), pred, logits


def n_params(model):
    return sum(int(p.numel()) for p in model.parameters())


def select(pixels, labels, train_idx, epochs):
    """Both patch sizes on 80% of the training split, scored on the rest."""
    fit_idx, val_idx = train_test_split(train_idx, test_size=0.2, random_state=SEED,
                                        stratify=labels[train_idx])
    x_fit, y_fit = as_images(pixels[fit_idx]), torch.from_numpy(labels[fit_idx]).long()
    x_val = as_images(pixels[val_idx])
    print("selection: %d images to train on, %d to validate (all from the training split)"
          % (len(fit_idx), len(val_idx)))
    for patch in (2, 4):
        t0 = time.time()
        model = fit(patch, x_fit, y_fit, epochs)
        acc, _, _ = accuracy(model, x_val, labels[val_idx])
        model.eval()
        print("patch %d (%d patches of %d): validation accuracy %.2f%% (%d/%d), %d parameters "
              "(%d float bytes), %.0f s" % (patch, (8 // patch) ** 2, patch * patch, 100 * acc,
                                            round(acc * len(val_idx)), len(val_idx),
                                            n_params(model), 4 * n_params(model),
                                            time.time() - t0), flush=True)
    return 0


def data_header(pred, stamp):
    return ("""/* digits_vit_data.h - generated by examples/digits/train_vit.py; do not edit.
%s
   digits_vit_torch_pred: the float PyTorch ViT model's class for each test image of
   digits_data.h (eval mode, float32; input pixel / 16.0f as one image [1][8][8]).
   Regenerate: %s */
#ifndef DIGITS_VIT_DATA_H
#define DIGITS_VIT_DATA_H

#include <stdint.h>

#define DIGITS_VIT_N_TEST %d

""" % (wrap(stamp.split(" "), indent="   ", sep=""), COMMAND, len(pred))
            + rows_model.c_u8("digits_vit_torch_pred", pred,
                              "[DIGITS_VIT_N_TEST] PyTorch's argmax")
            + "#endif /* DIGITS_VIT_DATA_H */\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=EPOCHS, help="training epochs (default %d)"
                    % EPOCHS)
    ap.add_argument("--patch", type=int, choices=(2, 4), default=CHOICE,
                    help="patch side (default %d, the --select choice)" % CHOICE)
    ap.add_argument("--select", action="store_true", help="compare the patch sizes on a "
                    "validation part of the training split, write nothing")
    ap.add_argument("--no-verify", action="store_true", help="skip the C checks")
    ap.add_argument("--cc", default="cc", help="C compiler for the checks (default cc)")
    args = ap.parse_args()

    torch.set_num_threads(1)  # reproducible float sums
    pixels, labels, train_idx, test_idx = rows_model.load()
    if args.select:
        return select(pixels, labels, train_idx, args.epochs)
    x_train, y_train = as_images(pixels[train_idx]), torch.from_numpy(labels[train_idx]).long()
    x_test = as_images(pixels[test_idx])
    print("training on %d images, testing on %d (%d epochs, %dx%d patches)"
          % (len(train_idx), len(test_idx), args.epochs, args.patch, args.patch), flush=True)
    t0 = time.time()
    model = fit(args.patch, x_train, y_train, args.epochs)
    seconds = time.time() - t0
    acc, pred, logits = accuracy(model, x_test, labels[test_idx])
    n_ok = int(np.sum(pred == labels[test_idx]))
    print("test accuracy %.2f%% (%d/%d), training took %.1f s"
          % (100 * acc, n_ok, len(test_idx), seconds))

    verify = not args.no_verify and shutil.which(args.cc) is not None
    model_h = os.path.join(HERE, NAME + "_model.h")
    text = export_model(model, model_h, NAME, source=COMMAND, verify=verify, c_compiler=args.cc)
    print("wrote %s (%d bytes)" % (os.path.relpath(model_h), len(text)))
    stamp = ("Generator: examples/digits/train_vit.py; torch %s, scikit-learn %s, numpy %s, "
             "python %s. Split as train.py's: %d train, %d test images. Seed %d, %d epochs, "
             "%dx%d patches. The float model's test accuracy: %.2f%% (%d/%d)."
             % (torch.__version__, sklearn.__version__, np.__version__,
                platform.python_version(), len(train_idx), len(test_idx), SEED, args.epochs,
                args.patch, args.patch, 100 * acc, n_ok, len(test_idx)))
    data_h = os.path.join(HERE, NAME + "_data.h")
    text = data_header(pred, stamp)
    with open(data_h, "w", newline="\n") as fh:
        fh.write(text)
    print("wrote %s (%d bytes)" % (os.path.relpath(data_h), len(text)))
    # the int8 model: calibrated on N_CALIB training images (never test ones)
    calib_h = os.path.join(HERE, NAME + "_calib.h")
    s8_h = os.path.join(HERE, NAME + "_model_s8.h")
    export_calibration(as_images(pixels[train_idx[:N_CALIB]]), None, calib_h, NAME,
                       source=COMMAND, patch=args.patch)
    text = quantize(model_h, calib_h, s8_h, NAME, c_compiler=args.cc)
    print("wrote %s (%d bytes)" % (os.path.relpath(s8_h), len(text)))
    if not verify:
        print("verify: skipped")
        return 0
    r = verify_model(model, model_h, NAME, list(x_test.numpy()), s8_header_path=s8_h,
                     c_compiler=args.cc)
    c_pred = np.array([int(np.argmax(v)) for v in r["f32"]])
    same = int(np.sum(c_pred == pred))
    q_pred = np.array([int(np.argmax(v)) for v in r["s8"]])
    q_ok = int(np.sum(q_pred == labels[test_idx]))
    print("verify: C attn_model_f32 predicts the same class as PyTorch on %d/%d test images"
          % (same, len(pred)))
    print("verify: int8 accuracy %.2f%% (%d/%d), the same class as float on %d/%d"
          % (100.0 * q_ok / len(pred), q_ok, len(pred), int(np.sum(q_pred == c_pred)),
             len(pred)))
    ok = same == len(pred)
    print("verify: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
