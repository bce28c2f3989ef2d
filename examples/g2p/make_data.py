#!/usr/bin/python3
"""examples/g2p/make_data.py - build the grapheme-to-phoneme data set from
Debian's word list and Debian's espeak-ng, once, so that training (train.py)
and the C tests need neither.

    /usr/bin/python3 examples/g2p/make_data.py

Needs the Debian packages wamerican (/usr/share/dict/american-english) and
espeak-ng. Writes examples/g2p/g2p_data.tsv.

Words. Every line of the word list that is 2..12 lowercase ASCII letters
(a-z only: no capitals, apostrophes, accents or hyphens), deduplicated and
sorted (Python's string order, i.e. byte order).

Phonemes. espeak-ng's own phoneme mnemonics (Kirshenbaum-like ASCII), from

    espeak-ng -q -x --sep=_ -v en WORD

(-q: no audio, -x: print the phonemes, --sep=_: put '_' between phonemes,
-v en: the default English voice, named so a changed default cannot change
the data). Starting one process per word costs ~8 ms x 60,000 words, so the
words go to espeak-ng in batches on standard input, one word per line; each
line is its own clause and gives one output line. Batching is checked, not
assumed: each batch must give exactly one output line per word, and a random
sample of words (500 by default, random.Random(1)) is run again one process
per word (the word as a command-line argument); if any of them differs from
the batched output in any byte the script stops with an error.

Tokens. An output line is stripped of surrounding white space, then:
  - a line with white space inside means espeak-ng read the word as several
    words (roman numerals such as "xiv" -> "roman fourteen", compounds such as
    "lunchroom"): the word is dropped;
  - the line is split on '_'. Empty pieces are ignored: espeak-ng writes
    '___' where it joins the two halves of a compound it keeps as one word
    ("wheelbarrow" -> w_'i:_l___b_,a_r_oU); they are not phonemes;
  - a stress mark at the start of a piece is its own token: "'" (primary
    stress) and "," (secondary stress) come before the phoneme they stress, so
    "T_'O:_t" -> T ' O: t. Stress marks are kept (espeak-ng's vowels depend on
    them, and they are most of what is hard about English) and separate (so a
    vowel is one symbol whether stressed or not: a smaller vocabulary, and
    each vowel learned from all its occurrences). Every other piece is one
    phoneme symbol exactly as espeak-ng prints it ("aI@", "dZ", "@L", "a#",
    ";", "r-", ...). A piece that is only a stress mark, or with a stress mark
    anywhere but its start, is an error (never happens with espeak-ng 1.51).
  - words of more than 14 tokens (stress marks count) are dropped, so a
    target sequence is at most 16 tokens with BOS and EOS.
Joining the tokens back with '_', a stress mark glued to the phoneme after
it, gives espeak-ng's output again (less any empty pieces).

Split. The kept words, in sorted order, are shuffled by
random.Random(0).shuffle; the first 400 are the test set, the next 1000 the
validation set, the rest the training set.

Output, g2p_data.tsv, UTF-8 (ASCII in fact), '\\n' line ends: header lines
starting with '#' (the generator, the package versions, espeak-ng --version,
the counts), then one line per kept word in sorted order:

    word <TAB> space-separated tokens <TAB> train|val|test

The output is deterministic: a rerun with the same packages gives the same
bytes.
"""

import argparse
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = "/usr/share/dict/american-english"
ESPEAK = ["espeak-ng", "-q", "-x", "--sep=_", "-v", "en"]
MIN_LETTERS, MAX_LETTERS, MAX_TOKENS = 2, 12, 14
N_TEST, N_VAL = 400, 1000
SPLIT_SEED, VERIFY_SEED = 0, 1
BATCH = 2000
STRESS = ("'", ",")


def read_words(path):
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    pat = re.compile("[a-z]{%d,%d}" % (MIN_LETTERS, MAX_LETTERS))
    return sorted(set(w for w in lines if pat.fullmatch(w)))


def espeak_batch(words):
    """Phoneme lines of many words, one espeak-ng run per BATCH words."""
    out = []
    for k in range(0, len(words), BATCH):
        chunk = words[k:k + BATCH]
        res = subprocess.run(ESPEAK, input="".join(w + "\n" for w in chunk), check=True,
                             stdout=subprocess.PIPE, text=True)
        lines = res.stdout.split("\n")
        if lines[-1] != "" or len(lines) - 1 != len(chunk):
            sys.exit("make_data.py: espeak-ng gave %d lines for a batch of %d words "
                     "(words %r..%r): batching is not one line per word"
                     % (len(lines) - 1, len(chunk), chunk[0], chunk[-1]))
        out.extend(lines[:-1])
    return out


def espeak_one(word):
    res = subprocess.run(ESPEAK + [word], check=True, stdout=subprocess.PIPE, text=True)
    if not res.stdout.endswith("\n") or res.stdout.count("\n") != 1:
        sys.exit("make_data.py: espeak-ng %r gave %r, not one line" % (word, res.stdout))
    return res.stdout[:-1]


def tokenise(line):
    """espeak-ng's output line -> list of tokens, or None for several words."""
    line = line.strip()
    if not line or re.search(r"\s", line):
        return None
    tokens = []
    for piece in line.split("_"):
        if piece == "":
            continue
        if piece[0] in STRESS:
            tokens.append(piece[0])
            piece = piece[1:]
        if piece == "" or any(s in piece for s in STRESS):
            raise ValueError("unexpected phoneme piece in %r" % line)
        tokens.append(piece)
    return tokens


def version_lines():
    ver = subprocess.run(["espeak-ng", "--version"], check=True, stdout=subprocess.PIPE,
                         text=True).stdout.strip()
    pkgs = []
    for p in ("wamerican", "espeak-ng", "espeak-ng-data"):
        res = subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        pkgs.append("%s %s" % (p, res.stdout.strip() if res.returncode == 0 else "?"))
    return ver, ", ".join(pkgs)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verify", type=int, default=500,
                    help="words checked one process per word (default 500, at least 500)")
    ap.add_argument("--out", default=os.path.join(HERE, "g2p_data.tsv"))
    args = ap.parse_args()
    if args.verify < 500:
        sys.exit("make_data.py: --verify must be at least 500")

    words = read_words(WORDS)
    print("%d words of %d..%d lowercase letters in %s" % (len(words), MIN_LETTERS, MAX_LETTERS,
                                                           WORDS), flush=True)
    lines = espeak_batch(words)
    sample = sorted(random.Random(VERIFY_SEED).sample(range(len(words)),
                                                      min(args.verify, len(words))))
    alone = [(words[i], lines[i], espeak_one(words[i])) for i in sample]
    bad = [t for t in alone if t[1] != t[2]]
    if bad:
        for w, b, o in bad[:20]:
            print("  %r: batched %r, alone %r" % (w, b, o))
        sys.exit("make_data.py: batched espeak-ng differs from one call per word on %d of %d "
                 "sampled words" % (len(bad), len(sample)))
    print("batched espeak-ng output identical to one call per word on %d sampled words"
          % len(sample), flush=True)

    kept, n_multi, n_long = [], 0, 0
    for w, line in zip(words, lines):
        tokens = tokenise(line)
        if tokens is None:
            n_multi += 1
        elif len(tokens) > MAX_TOKENS:
            n_long += 1
        else:
            kept.append((w, tokens))
    order = list(range(len(kept)))
    random.Random(SPLIT_SEED).shuffle(order)
    split = {}
    for rank, i in enumerate(order):
        split[i] = "test" if rank < N_TEST else "val" if rank < N_TEST + N_VAL else "train"
    n_train = len(kept) - N_TEST - N_VAL
    symbols = sorted(set(t for _, ts in kept for t in ts))

    ver, pkgs = version_lines()
    head = [
        "# g2p_data.tsv - generated by examples/g2p/make_data.py; do not edit.",
        "# %s" % ver,
        "# Debian packages: %s" % pkgs,
        "# Command: %s WORD (batched one word per line on stdin; checked against one call "
        "per word on %d random words)" % (" ".join(ESPEAK), len(sample)),
        "# %d words of %d..%d letters a-z from %s; dropped %d that espeak-ng reads as several "
        "words and %d of more than %d tokens; kept %d"
        % (len(words), MIN_LETTERS, MAX_LETTERS, WORDS, n_multi, n_long, MAX_TOKENS, len(kept)),
        "# Split random.Random(%d).shuffle of the sorted words: %d test, %d val, %d train"
        % (SPLIT_SEED, N_TEST, N_VAL, n_train),
        "# %d distinct tokens (stress marks ' and , are tokens of their own): %s"
        % (len(symbols), " ".join(symbols)),
        "# word<TAB>tokens separated by spaces<TAB>train|val|test",
    ]
    body = ["%s\t%s\t%s" % (w, " ".join(ts), split[i]) for i, (w, ts) in enumerate(kept)]
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(head + body) + "\n")
    for h in head[1:-1]:
        print(h[2:])
    print("wrote %s" % os.path.relpath(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
