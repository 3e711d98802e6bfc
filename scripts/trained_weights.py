#!/usr/bin/python3
"""Writes the weights a run trained with --ema as a checkpoint of their own.

A checkpoint of a run with --ema holds the moving average of the weights under
the model's names and the trained weights as "trained.<name>"
(docs/checkpoint-format.md). This copy holds the trained weights under the
model's names, so that `recur ... eval` measures them: the average against the
weights it averaged, at the same iteration of the same run.

    scripts/trained_weights.py RUN/last.safetensors OUT.safetensors
"""
import sys

import safetensors_file


def main(source, target):
    metadata, tensors = safetensors_file.read(source)
    trained = {name[len("trained."):]: tensor for name, tensor in tensors.items() if name.startswith("trained.")}
    if not trained:
        sys.exit(f"{source}: no trained.* tensors (was the run trained with --ema?)")
    model = {name: trained.get(name, tensor) for name, tensor in tensors.items() if not name.startswith("trained.")}
    safetensors_file.write(target, metadata, model)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
