#!/usr/bin/python3
"""Writes the weights a run trained with --ema as a checkpoint of their own.

A checkpoint of a run with --ema holds the moving average of the weights under
the model's names and the trained weights as "trained.<name>"
(docs/checkpoint-format.md). This copy holds the trained weights under the
model's names, so that `recur ... eval` measures them: the average against the
weights it averaged, at the same iteration of the same run.

    docs/results/trained_weights.py RUN/last.safetensors OUT.safetensors
"""
import json
import struct
import sys


def main(source, target):
    with open(source, "rb") as f:
        header_size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(header_size))
        data = f.read()
    trained = {name[len("trained."):]: entry for name, entry in header.items() if name.startswith("trained.")}
    if not trained:
        sys.exit(f"{source}: no trained.* tensors (was the run trained with --ema?)")
    entries = {}
    for name, entry in header.items():
        if name == "__metadata__" or name.startswith("trained."):
            continue
        entries[name] = trained.get(name, entry)
    # Rebuilt contiguously in the order of the names, as safetensors writers do.
    out_header, chunks, offset = {"__metadata__": header.get("__metadata__", {})}, [], 0
    for name in sorted(entries):
        begin, end = entries[name]["data_offsets"]
        chunks.append(data[begin:end])
        out_header[name] = dict(entries[name], data_offsets=[offset, offset + end - begin])
        offset += end - begin
    encoded = json.dumps(out_header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(target, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
