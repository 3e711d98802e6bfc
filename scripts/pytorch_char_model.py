#!/usr/bin/env python3
"""Loads a character model saved by `recur train` into PyTorch and prints the
next-character distribution after a prime: the proof that a checkpoint written
by recur is a plain PyTorch state_dict (design.md, "Files").

Usage:
    python3 scripts/pytorch_char_model.py CHECKPOINT PRIME [CHECKPOINT PRIME ...]

CHECKPOINT is a .safetensors file or a run folder (its best.safetensors, else
last.safetensors), as for `recur sample`. For each pair one JSON line is
printed:

    {"checkpoint": ..., "prime": ..., "unit": "codepoint", "symbols": [10, 32, ...],
     "probabilities": [p_0, p_1, ...]}

where probabilities[i] is the probability that the character after PRIME is
symbols[i] (the vocabulary's code points, or byte values for a --bytes model),
starting from a zero hidden state, as `recur sample --prime PRIME` does. Several
pairs share one start of Python and torch.

The checkpoint is read with the standard library only (struct + json; the
safetensors package is not needed). The module is
    nn.Embedding(V, E)        -- or one-hot input when embedding_size is 0
    nn.LSTM / nn.GRU / nn.RNN(input, H, L)   (time-major, as recur)
    nn.Linear(H, V)
with the state_dict names recur writes: embedding.weight, rnn.weight_ih_l0,
rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, ..., decoder.weight,
decoder.bias. Other tensors in the file (optimizer buffers "optimizer.*", the
carried state "state.*", with --ema the trained weights "trained.*" beside the
average the model's names hold) are not part of the model and are ignored.

Options: --float64 runs the model in double precision (default: float32, as
saved).
"""
import argparse
import json
import os
import struct
import sys

import torch
from torch import nn
import torch.nn.functional as F

CHECKPOINT_FORMAT = "recur-checkpoint-1"


class CheckpointError(Exception):
    pass


def resolve_checkpoint(target):
    if os.path.isdir(target):
        for name in ("best.safetensors", "last.safetensors"):
            path = os.path.join(target, name)
            if os.path.isfile(path):
                return path
        raise CheckpointError(f"{target} is a folder without best.safetensors or last.safetensors")
    if not os.path.exists(target):
        raise CheckpointError(f"{target} does not exist")
    return target


def read_safetensors(path):
    """Returns ({name: float32 tensor}, {metadata key: string})."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise CheckpointError(f"{path}: too short for a safetensors file")
    (header_bytes,) = struct.unpack("<Q", data[:8])
    if 8 + header_bytes > len(data):
        raise CheckpointError(f"{path}: header length {header_bytes} exceeds the file (truncated?)")
    header = json.loads(data[8:8 + header_bytes].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    base = 8 + header_bytes
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise CheckpointError(f"{path}: tensor '{name}' is {entry['dtype']}, recur checkpoints hold F32")
        begin, end = entry["data_offsets"]
        if not (0 <= begin <= end <= len(data) - base):
            raise CheckpointError(f"{path}: tensor '{name}' lies outside the file (truncated?)")
        shape = [int(d) for d in entry["shape"]]
        raw = bytearray(data[base + begin:base + end])  # writable copy: frombuffer shares it
        if len(raw) == 0:
            tensor = torch.zeros(shape, dtype=torch.float32)
        else:
            tensor = torch.frombuffer(raw, dtype=torch.float32)
            if sys.byteorder != "little":
                tensor = tensor.byteswap()  # safetensors is little-endian
            tensor = tensor.reshape(shape)
        tensors[name] = tensor
    return tensors, metadata


class CharModel(nn.Module):
    """The PyTorch twin of recur::LanguageModel (include/recur/language_model.h)."""

    def __init__(self, config):
        super().__init__()
        cell = config["cell"]
        self.vocab_size = int(config["vocab_size"])
        embedding_size = int(config["embedding_size"])
        hidden = int(config["hidden_size"])
        layers = int(config["num_layers"])
        if cell == "gru" and config.get("gru_reset", "after") != "after":
            raise CheckpointError("the GRU applies the reset before the recurrent product (--gru-reset before); "
                                  "PyTorch's nn.GRU only has the reset after it")
        self.embedding = nn.Embedding(self.vocab_size, embedding_size) if embedding_size > 0 else None
        input_size = embedding_size if embedding_size > 0 else self.vocab_size
        # Dropout acts in training only; this module is only evaluated.
        if cell == "lstm":
            self.rnn = nn.LSTM(input_size, hidden, layers)
        elif cell == "gru":
            self.rnn = nn.GRU(input_size, hidden, layers)
        elif cell in ("rnn_tanh", "rnn_relu"):
            self.rnn = nn.RNN(input_size, hidden, layers, nonlinearity=cell[4:])
        else:
            raise CheckpointError(f"unknown cell '{cell}'")
        self.decoder = nn.Linear(hidden, self.vocab_size)

    def forward(self, ids, state=None):
        """ids: [T, B] token ids -> logits [T, B, V] and the final state."""
        if self.embedding is not None:
            x = self.embedding(ids)
        else:
            x = F.one_hot(ids, self.vocab_size).to(self.decoder.weight.dtype)
        output, state = self.rnn(x, state)
        return self.decoder(output), state


def load_model(path):
    tensors, metadata = read_safetensors(path)
    if metadata.get("recur.format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path}: not a recur checkpoint (recur.format is {metadata.get('recur.format')!r})")
    description = json.loads(metadata["recur.model"])
    if description.get("task") != "char_lm":
        raise CheckpointError(f"{path}: not a character language model (task {description.get('task')!r})")
    model = CharModel(description["config"])
    names = list(model.state_dict().keys())
    missing = [n for n in names if n not in tensors]
    if missing:
        raise CheckpointError(f"{path}: missing tensors {missing}")
    model.load_state_dict({n: tensors[n] for n in names}, strict=True)
    model.eval()
    return model, description["vocabulary"]


def encode_prime(prime, vocabulary):
    raw = os.fsencode(prime)  # the bytes given on the command line
    unit = vocabulary["unit"]
    symbols = list(raw) if unit == "byte" else [ord(c) for c in raw.decode("utf-8")]
    index = {s: i for i, s in enumerate(vocabulary["symbols"])}
    unknown = sorted({s for s in symbols if s not in index})
    if unknown:
        raise CheckpointError("the prime holds symbols not in the vocabulary: " +
                              ", ".join(f"U+{s:04X}" if unit != "byte" else f"byte 0x{s:02X}" for s in unknown))
    if not symbols:
        raise CheckpointError("the prime is empty")
    return symbols, [index[s] for s in symbols]


def next_distribution(model, ids, dtype):
    model = model.to(dtype)
    with torch.no_grad():
        logits, _ = model(torch.tensor(ids, dtype=torch.long).unsqueeze(1))
        return torch.softmax(logits[-1, 0].double(), dim=0).tolist()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", nargs="+", metavar="CHECKPOINT PRIME")
    parser.add_argument("--float64", action="store_true", help="evaluate in double precision")
    args = parser.parse_args()
    if len(args.pairs) % 2 != 0:
        parser.error("give CHECKPOINT PRIME pairs")
    dtype = torch.float64 if args.float64 else torch.float32
    try:
        for target, prime in zip(args.pairs[0::2], args.pairs[1::2]):
            path = resolve_checkpoint(target)
            model, vocabulary = load_model(path)
            _, ids = encode_prime(prime, vocabulary)
            probabilities = next_distribution(model, ids, dtype)
            print(json.dumps({"checkpoint": path, "prime": prime, "unit": vocabulary["unit"],
                              "symbols": vocabulary["symbols"], "probabilities": probabilities}, ensure_ascii=True))
    except (CheckpointError, KeyError, ValueError) as e:
        print(f"pytorch_char_model.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
