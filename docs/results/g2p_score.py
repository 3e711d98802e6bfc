#!/usr/bin/python3
"""Scores `recur seq2seq translate` output of a g2p split with and without stress.

  g2p_score.py SPLIT.tsv WORDS.txt OUTPUT.txt

WORDS.txt holds the split's distinct words, one a line, in the order
translated; OUTPUT.txt the phonemes recur wrote for each. A word is right
when its output equals one of its pronunciations; the phoneme error rate is
the edit distance to the closest pronunciation over that pronunciation's
length, summed over words (as `recur seq2seq eval`). "stress kept" must
reproduce recur's own eval figures; "stress removed" strips the digits 0-2
from outputs and references (how much of the error is stress alone).
"""
import json
import re
import sys


def distance(a, b):
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(b) + 1):
            up = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]))
            diagonal = up
    return row[len(b)]


def score(words, outputs, references, strip):
    def norm(phones):
        return [re.sub(r"[0-2]$", "", p) for p in phones] if strip else phones
    right = edits = length = 0
    for word, output in zip(words, outputs):
        out = norm(output.split())
        refs = [norm(r) for r in references[word]]
        best = min(refs, key=lambda r: distance(out, r))  # the first closest, as recur
        d = distance(out, best)
        right += d == 0
        edits += d
        length += len(best)
    return {"words": len(words), "word_error_rate": 1 - right / len(words), "phoneme_error_rate": edits / length}


def main():
    split, words_file, output_file = sys.argv[1:4]
    references = {}
    for line in open(split, encoding="utf-8"):
        if line.strip():
            word, pron = line.rstrip("\n").split("\t")
            references.setdefault(word, []).append(pron.split())
    words = [w.rstrip("\n") for w in open(words_file, encoding="utf-8")]
    outputs = [o.rstrip("\n") for o in open(output_file, encoding="utf-8")]
    assert len(words) == len(outputs) == len(references), (len(words), len(outputs), len(references))
    print(json.dumps({"stress kept": score(words, outputs, references, False),
                      "stress removed": score(words, outputs, references, True)}))


if __name__ == "__main__":
    main()
