#!/usr/bin/python3
"""The 1,797 8x8 handwritten digits of scikit-learn (Debian's python3-sklearn)
as caption JSONL for `recur caption`.

Each line is {"vector": [64 pixel values 0..16], "text": CAPTION}. The caption
is built from the image and its label:
    [a] [thick|thin] DIGIT-NAME [leaning left|leaning right]
  - "thick" / "thin": the image's ink (sum of its pixels) is in the top / bottom
    third of its digit's training images; otherwise no width word;
  - "leaning right" / "leaning left": the ink's slant, -cov(x, y) / var(y) over
    pixel coordinates weighted by ink (y down; positive = the top is further
    right), is above +0.2 / below -0.2; otherwise nothing.
  e.g. "a seven", "a thick seven leaning right", "a thin one leaning left".
The thirds are fitted on the training part only. Split with a fixed seed: a
held-out fifth is test; of the rest, a tenth is dev (model selection), the
remainder train.

usage: digits_captions.py OUTDIR   (writes OUTDIR/{train,dev,test}.jsonl)
"""
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SLANT = 0.2


def slant(image):
    w = image.reshape(8, 8)
    y, x = np.mgrid[0:8, 0:8]
    total = w.sum()
    mx, my = (w * x).sum() / total, (w * y).sum() / total
    cov = (w * (x - mx) * (y - my)).sum() / total
    var_y = (w * (y - my) ** 2).sum() / total
    return -cov / var_y


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    digits = load_digits()
    X, y = digits.data, digits.target
    order = np.random.RandomState(2024).permutation(len(y))
    n_test = len(y) // 5
    test, rest = order[:n_test], order[n_test:]
    n_dev = len(rest) // 10
    parts = {"train": rest[n_dev:], "dev": rest[:n_dev], "test": test}
    ink = X.sum(axis=1)
    thirds = {d: np.percentile(ink[parts["train"]][y[parts["train"]] == d], [100 / 3, 200 / 3]) for d in range(10)}

    def caption(i):
        words = ["a"]
        low, high = thirds[y[i]]
        if ink[i] > high:
            words.append("thick")
        elif ink[i] < low:
            words.append("thin")
        words.append(NAMES[y[i]])
        s = slant(X[i])
        if s > SLANT:
            words += ["leaning", "right"]
        elif s < -SLANT:
            words += ["leaning", "left"]
        return " ".join(words)

    for name, idx in parts.items():
        with open(out / f"{name}.jsonl", "w") as f:
            for i in idx:
                f.write(json.dumps({"vector": [float(v) for v in X[i]], "text": caption(i)}) + "\n")
        captions = [caption(i) for i in idx]
        print(f"{name}: {len(idx)} images, {len(set(captions))} distinct captions", file=sys.stderr)


if __name__ == "__main__":
    main()
