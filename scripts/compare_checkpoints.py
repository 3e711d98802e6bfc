#!/usr/bin/env python3
"""Exits 0 when two recur checkpoints hold bit-identical tensors and the same
training position (every recur.training field but the wall-clock time), else
prints the first difference and exits 1. Used by scripts/kill_trials.sh.

    python3 scripts/compare_checkpoints.py A.safetensors B.safetensors
"""
import json
import sys

import safetensors_file


def read(path):
    metadata, tensors = safetensors_file.read(path)
    training = json.loads(metadata.get("recur.training", "{}"))
    training.pop("elapsed_seconds", None)  # wall-clock time: the one field that may differ
    return tensors, training, metadata.get("recur.model")


def main(a_path, b_path):
    a, b = read(a_path), read(b_path)
    if sorted(a[0]) != sorted(b[0]):
        print(f"tensor names differ: {sorted(set(a[0]) ^ set(b[0]))}")
        return 1
    for name in sorted(a[0]):
        if a[0][name] != b[0][name]:
            print(f"tensor {name} differs")
            return 1
    if a[1] != b[1]:
        diff = [k for k in set(a[1]) | set(b[1]) if a[1].get(k) != b[1].get(k)]
        print(f"recur.training differs in {sorted(diff)}")
        return 1
    if a[2] != b[2]:
        print("recur.model differs")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
