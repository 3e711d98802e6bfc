#!/usr/bin/env python3
"""A clean validation split for SST-2, carved out of the shared train.tsv.

The shared SST-2 files are GLUE's: train.tsv holds phrases of the training
trees (every sub-phrase of a sentence is its own row), dev.tsv holds 872 whole
sentences with no overlap, and the shared test.tsv is a random sample of the
same training phrases (it overlaps train.tsv). To choose settings without
looking at dev.tsv, which then serves as the test split, this holds out whole
training sentences together with their sub-phrases:

  1. a sentence is a row that is no proper sub-span (in whitespace tokens) of
     another row;
  2. N sentences, drawn with a fixed seed, become the validation split;
  3. every other row is kept for training unless it is a sub-span of a held-out
     sentence and of no kept sentence (a phrase that also occurs in a kept
     sentence carries nothing of the held-out one beyond what training has).

    sst2_sentence_split.py TRAIN.tsv OUT_TRAIN.tsv OUT_VALIDATION.tsv [N] [SEED]
"""
import random
import sys


def spans(tokens):
    """Every contiguous sub-span of a token list, as a string."""
    n = len(tokens)
    return {" ".join(tokens[i:j]) for i in range(n) for j in range(i + 1, n + 1)}


def main():
    source, out_train, out_validation = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 900
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    rows = {}
    for line in open(source, encoding="utf-8"):
        text, label = line.rstrip("\n").rsplit("\t", 1)
        rows.setdefault(" ".join(text.split()), label)

    proper = set()
    for text in rows:
        tokens = text.split()
        proper |= spans(tokens) - {text}
    sentences = sorted(t for t in rows if t not in proper)
    random.Random(seed).shuffle(sentences)
    held_out, kept = sentences[:count], sentences[count:]

    inside_held_out = set().union(*(spans(t.split()) for t in held_out))
    inside_kept = set().union(*(spans(t.split()) for t in kept))
    train = [t for t in rows if t not in inside_held_out or t in inside_kept]

    with open(out_train, "w", encoding="utf-8") as f:
        f.writelines(f"{t}\t{rows[t]}\n" for t in train)
    with open(out_validation, "w", encoding="utf-8") as f:
        f.writelines(f"{t}\t{rows[t]}\n" for t in held_out)
    print(f"{len(rows)} distinct rows, {len(sentences)} sentences; validation {len(held_out)} sentences; "
          f"training {len(train)} rows ({len(rows) - len(train)} rows removed, the held-out sentences included)")


if __name__ == "__main__":
    main()
