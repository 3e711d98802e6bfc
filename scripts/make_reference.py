#!/usr/bin/python3
r"""Writes PyTorch reference cases for `recur check` (docs/reference-format.md).

A case is a safetensors file holding an nn.RNN / nn.LSTM / nn.GRU layer's
parameters under their state_dict names, its inputs, random upstream gradients,
and what PyTorch computes from them: output, final states, and the gradients of
the input, the initial states and every parameter.

One case:
    scripts/make_reference.py --cell lstm --input-size 4 --hidden-size 6 \
        --layers 2 --bidirectional --seq 5 --batch 3 --lengths --dtype f32 \
        --seed 1 --out /tmp/lstm.safetensors
The committed fixture set (tests/fixtures/):
    scripts/make_reference.py --fixtures tests/fixtures

Safetensors is written by hand (struct + json) so the `safetensors` package is
not needed. Runs on Debian's python3-torch 1.13 (hence /usr/bin/python3).
"""
import argparse
import itertools
import json
import os
import struct
import sys
import zlib

import torch

DTYPES = {"f32": torch.float32, "f64": torch.float64}
SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
CELLS = ("rnn_tanh", "rnn_relu", "lstm", "gru")

# The committed set: small enough to keep in git, varied enough to cover every
# code path (stacking, reverse direction, packed sequences, both precisions).
# The sizes differ from each other (and D*H from all of them) so that a kernel
# that confuses two axes cannot pass by accident. 64 files, about 440 KB.
FIXTURE_SIZES = dict(seq=5, batch=3, input_size=2, hidden_size=4)


def write_safetensors(path, tensors, metadata):
    """Writes {name: tensor} and {key: str} as safetensors, atomically (tmp + rename)."""
    # Key order matches recur's writer (metadata first, everything sorted) so
    # that a case read and rewritten by recur is byte-for-byte the same file.
    header = {"__metadata__": dict(sorted(metadata.items()))} if metadata else {}
    buffers, offset = [], 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        array = tensor.numpy()
        data = (array if sys.byteorder == "little" else array.byteswap()).tobytes()  # the format is little-endian
        header[name] = {
            "data_offsets": [offset, offset + len(data)],
            "dtype": SAFETENSORS_DTYPES[tensor.dtype],
            "shape": list(tensor.shape),
        }
        buffers.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so the data starts 8-byte aligned, as the reference does
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in buffers:
            f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def make_module(cell, input_size, hidden_size, layers, bidirectional, bias):
    common = dict(num_layers=layers, bidirectional=bidirectional, bias=bias)
    if cell in ("rnn_tanh", "rnn_relu"):
        return torch.nn.RNN(input_size, hidden_size, nonlinearity=cell[4:], **common)
    if cell == "lstm":
        return torch.nn.LSTM(input_size, hidden_size, **common)
    if cell == "gru":
        return torch.nn.GRU(input_size, hidden_size, **common)
    raise ValueError(f"unknown cell {cell!r}; expected one of {', '.join(CELLS)}")


def random_lengths(seq, batch, generator):
    """Lengths in [1, seq], varied: at least one sequence shorter than seq when possible."""
    lengths = torch.randint(1, seq + 1, (batch,), generator=generator, dtype=torch.int64)
    if seq > 1 and bool((lengths == seq).all()):
        lengths[-1] = max(1, seq // 2)
    return lengths


def make_case(cell, input_size, hidden_size, layers, bidirectional, seq, batch, variable_lengths, dtype, seed,
              bias=True):
    """Runs PyTorch forward and backward; returns (tensors, metadata) of one case."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    module = make_module(cell, input_size, hidden_size, layers, bidirectional, bias).to(dtype)
    lstm = cell == "lstm"
    states = layers * (2 if bidirectional else 1)
    width = (2 if bidirectional else 1) * hidden_size

    def randn(*shape):
        return torch.randn(*shape, generator=generator, dtype=dtype)

    x = randn(seq, batch, input_size).requires_grad_()
    h0 = randn(states, batch, hidden_size).requires_grad_()
    c0 = randn(states, batch, hidden_size).requires_grad_() if lstm else None
    lengths = random_lengths(seq, batch, generator) if variable_lengths else None
    initial = (h0, c0) if lstm else h0

    if lengths is None:
        output, final = module(x, initial)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        packed_output, final = module(packed, initial)
        output, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_output, total_length=seq)
    hn, cn = final if lstm else (final, None)

    # Upstream gradients are random everywhere, padded steps included: a correct
    # implementation ignores them there (the output is constant zero), and the
    # case checks that it does.
    grad_output = randn(seq, batch, width)
    grad_hn = randn(states, batch, hidden_size)
    grad_cn = randn(states, batch, hidden_size) if lstm else None
    outputs, grads = [output, hn], [grad_output, grad_hn]
    if lstm:
        outputs.append(cn)
        grads.append(grad_cn)
    torch.autograd.backward(outputs, grads)

    tensors = {
        "input": x, "h0": h0, "grad_output": grad_output, "grad_hn": grad_hn,
        "output": output, "hn": hn, "grad_input": x.grad, "grad_h0": h0.grad,
    }
    if lstm:
        tensors.update({"c0": c0, "grad_cn": grad_cn, "cn": cn, "grad_c0": c0.grad})
    config = {
        "cell": cell, "input_size": input_size, "hidden_size": hidden_size, "num_layers": layers,
        "bidirectional": bidirectional, "seq_len": seq, "batch": batch, "bias": bias,
    }
    return finish_case(tensors, lengths, module.named_parameters(), config, "scripts/make_reference.py", seed)


def finish_case(tensors, lengths, named_parameters, config, script, seed):
    """Adds the lengths, the parameters and their gradients to a case's tensors; returns (tensors, metadata).

    Shared with make_mut_reference.py: the C++ tests read both sets the same way.
    """
    if lengths is not None:
        tensors["lengths"] = lengths
    for name, parameter in named_parameters:
        tensors[name] = parameter
        tensors["grad." + name] = parameter.grad
    metadata = {
        "recur.reference": json.dumps(config, sort_keys=True),
        "recur.generator": f"{script} seed={seed} torch={torch.__version__}",
    }
    return tensors, metadata


def write_fixture(directory, name, make_case_with_seed):
    """Writes one fixture; its seed comes from its name, so regenerating reproduces each file."""
    seed = zlib.crc32(name.encode()) & 0x7FFFFFFF
    tensors, metadata = make_case_with_seed(seed)
    write_safetensors(os.path.join(directory, name), tensors, metadata)
    print(os.path.join(directory, name))


def fixture_name(cell, layers, bidirectional, variable_lengths, dtype_name):
    return (f"{cell}_l{layers}_{'bi' if bidirectional else 'uni'}_"
            f"{'var' if variable_lengths else 'equal'}_{dtype_name}.safetensors")


def write_fixtures(directory):
    os.makedirs(directory, exist_ok=True)
    for cell, layers, bidirectional, variable_lengths, dtype_name in itertools.product(
            CELLS, (1, 2), (False, True), (False, True), ("f32", "f64")):
        write_fixture(directory, fixture_name(cell, layers, bidirectional, variable_lengths, dtype_name),
                      lambda seed: make_case(cell, FIXTURE_SIZES["input_size"], FIXTURE_SIZES["hidden_size"], layers,
                                             bidirectional, FIXTURE_SIZES["seq"], FIXTURE_SIZES["batch"],
                                             variable_lengths, DTYPES[dtype_name], seed))


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", metavar="DIR", help="write the committed fixture set into DIR and exit")
    parser.add_argument("--cell", choices=CELLS, default="lstm")
    parser.add_argument("--input-size", type=positive, default=4)
    parser.add_argument("--hidden-size", type=positive, default=6)
    parser.add_argument("--layers", type=positive, default=1)
    parser.add_argument("--bidirectional", action="store_true")
    parser.add_argument("--seq", type=positive, default=5, help="sequence length T")
    parser.add_argument("--batch", type=positive, default=3)
    parser.add_argument("--lengths", action="store_true", help="variable lengths (a packed sequence)")
    parser.add_argument("--bias", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="f32")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", metavar="FILE", help="where to write the case")
    args = parser.parse_args()

    if args.fixtures:
        write_fixtures(args.fixtures)
        return 0
    if not args.out:
        parser.error("--out FILE is required (or --fixtures DIR)")
    tensors, metadata = make_case(args.cell, args.input_size, args.hidden_size, args.layers, args.bidirectional,
                                  args.seq, args.batch, args.lengths, DTYPES[args.dtype], args.seed, args.bias)
    write_safetensors(args.out, tensors, metadata)
    return 0


if __name__ == "__main__":
    sys.exit(main())
