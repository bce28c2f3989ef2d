#!/usr/bin/python3
"""examples/g2p/g2p_export.py - the trained grapheme-to-phoneme model as C headers
for attention.h, float and int8, each verified before it is kept.

Run with the Debian Python (PyTorch) after examples/g2p/train.py:

    /usr/bin/python3 examples/g2p/g2p_export.py

Reads g2p_model.pt (the state_dict of train.py's G2P) and g2p_data.tsv, and
writes, next to this script:

    g2p_model.h     the float model (tools/export.py export_seq2seq): the
                    user's modules as they are (Seq2Seq.from_modules), then
                    verified in C against PyTorch on every one of the 400
                    held-out words: greedy outputs identical, logits along the
                    greedy path within 1e-5 * max(1, |PyTorch's|), and against
                    G2P's own forward (the padding masks it passes change
                    nothing for one unpadded word)
    g2p_calib.h     int8 calibration: train.py's fixed sample of 64 training
                    words, source and teacher-forced decoder input (the same
                    words as g2p_words.h's g2p_calib_*)
    g2p_model_s8.h  the int8 model made by attention.h's own quantizer
                    (attn_quantize_seq2seq_s8, tools/quantize_seq2seq.c),
                    checked bit-identical to the quantizer's parameters and
                    required to decode at least 97% of the held-out words
                    exactly as the float model does

The outputs are deterministic. Needs a C compiler (cc).
"""

import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repository

import train  # noqa: E402  (examples/g2p/train.py: G2P, the data, the vocabularies)
from export import (Seq2Seq, export_seq2seq, export_seq2seq_calibration,  # noqa: E402
                    quantize_seq2seq)

COMMAND = "/usr/bin/python3 examples/g2p/g2p_export.py"


def main():
    torch.set_num_threads(1)
    rows, _ = train.load_data()
    src_names, tgt_names = train.build_vocab(rows)
    src_index = {c: i for i, c in enumerate(src_names)}
    tgt_index = {t: i for i, t in enumerate(tgt_names)}
    test = [r for r in rows if r[2] == "test"]
    # the calibration words: train.py's fixed sample (g2p_words.h's g2p_calib_*)
    calib = train.random.Random(train.SEED).sample([r for r in rows if r[2] == "train"],
                                                   train.N_CALIB)

    g = train.G2P(len(src_names), len(tgt_names))
    g.load_state_dict(torch.load(os.path.join(HERE, "g2p_model.pt"), map_location="cpu"))
    g.eval()
    model = Seq2Seq.from_modules(src_embed=g.src_embed, tgt_embed=g.tgt_embed,
                                 src_pos=g.src_pos, tgt_pos=g.tgt_pos,
                                 transformer=g.transformer, out=g.out)

    samples = [[src_index[c] for c in w] for w, _, _ in test]
    out = os.path.join(HERE, "g2p_model.h")
    export_seq2seq(model, out, "g2p", bos=train.BOS, eos=train.EOS, samples=samples,
                   max_out=train.MAX_GEN, reference=g, source=COMMAND)
    print("wrote %s (verified on %d held-out words)" % (out, len(samples)))

    src = [[src_index[c] for c in w] for w, _, _ in calib]
    tgt = [[train.BOS] + [tgt_index[t] for t in ts] for _, ts, _ in calib]
    cal = os.path.join(HERE, "g2p_calib.h")
    export_seq2seq_calibration(model, src, tgt, cal, "g2p")
    print("wrote %s (%d training words)" % (cal, len(src)))

    s8 = os.path.join(HERE, "g2p_model_s8.h")
    report = quantize_seq2seq(out, cal, s8, "g2p", samples=samples, max_out=train.MAX_GEN,
                              min_word_agreement=0.97)
    print("wrote %s: %d of %d held-out words decoded as float (%.2f%%), token agreement %.2f%%"
          % (s8, report["words_identical"], len(samples), 100.0 * report["word_agreement"],
             100.0 * report["token_agreement"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
