#!/usr/bin/python3
"""Which parts of the digit captions `recur caption generate` got right.

  digits_score.py TEST.jsonl CAPTIONS.txt

Prints the fraction of exact captions, and of captions whose digit name,
width word (thick / thin / none) and lean (left / right / none) each equal
the reference's.
"""
import json
import sys

NAMES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}


def part(text, words):
    return [w for w in text.split() if w in words]


refs = [json.loads(line)["text"] for line in open(sys.argv[1]) if line.strip()]
outs = [line.rstrip("\n") for line in open(sys.argv[2])]
assert len(refs) == len(outs)
n = len(refs)
print(json.dumps({"images": n,
                  "exact_match": sum(a == b for a, b in zip(refs, outs)) / n,
                  "digit": sum(part(a, NAMES) == part(b, NAMES) for a, b in zip(refs, outs)) / n,
                  "width": sum(part(a, {"thick", "thin"}) == part(b, {"thick", "thin"}) for a, b in zip(refs, outs)) / n,
                  "lean": sum(part(a, {"left", "right"}) == part(b, {"left", "right"}) for a, b in zip(refs, outs)) / n}))
