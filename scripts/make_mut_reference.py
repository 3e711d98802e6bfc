#!/usr/bin/python3
r"""Writes PyTorch reference cases of the MUT1-3 cells for `recur check`.

MUT1, MUT2 and MUT3 (Jozefowicz, Zaremba & Sutskever 2015) are not PyTorch
modules, so this script implements the published formulas directly, step by
step, on the stacked parameter tensors recur stores (their layout is in
docs/checkpoint-format.md), and lets autograd give every gradient:
  MUT1: z = s(W_xz x + b_z), r = s(W_xr x + W_hr h + b_r),
        h' = tanh(W_hh (r * h) + tanh(x) + b_h) * z + h * (1 - z)
  MUT2: z = s(W_xz x + W_hz h + b_z), r = s(x + W_hr h + b_r),
        h' = tanh(W_hh (r * h) + W_xh x + b_h) * z + h * (1 - z)
  MUT3: z = s(W_xz x + W_hz tanh(h) + b_z), r = s(W_xr x + W_hr h + b_r),
        h' = tanh(W_hh (r * h) + W_xh x + b_h) * z + h * (1 - z)
Variable lengths follow packed sequences: past its length a sequence keeps
its state and outputs zero; the reverse direction starts at its last step.
The cases have the format of scripts/make_reference.py (docs/reference-format.md).

The committed fixture set (tests/fixtures/mut*.safetensors):
    scripts/make_mut_reference.py --fixtures tests/fixtures
"""
import argparse
import itertools
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import DTYPES, finish_case, fixture_name, random_lengths, write_fixture  # noqa: E402

CELLS = ("mut1", "mut2", "mut3")
# Rows of weight_ih / weight_hh, in blocks of H, named by the formula's matrices.
IH_BLOCKS = {"mut1": ("xz", "xr"), "mut2": ("xh", "xz"), "mut3": ("xz", "xr", "xh")}
HH_BLOCKS = {"mut1": ("hr", "hh"), "mut2": ("hh", "hz", "hr"), "mut3": ("hz", "hr", "hh")}
# The bias each block of bias_ih / bias_hh adds to (b_z, b_r or b_h); bias pairs sum.
IH_BIAS = {"mut1": ("z", "r"), "mut2": ("h", "z"), "mut3": ("z", "r", "h")}
HH_BIAS = {"mut1": ("r", "h"), "mut2": ("h", "z", "r"), "mut3": ("z", "r", "h")}


def step(cell, p, x, h):
    """One step of the formula; p holds W_* [H, in] and b_* [H]."""
    def lin(name, v):
        return v @ p["W_" + name].T

    s = torch.sigmoid
    if cell == "mut1":
        z = s(lin("xz", x) + p["b_z"])
        r = s(lin("xr", x) + lin("hr", h) + p["b_r"])
        n = torch.tanh(lin("hh", r * h) + torch.tanh(x) + p["b_h"])
    elif cell == "mut2":
        z = s(lin("xz", x) + lin("hz", h) + p["b_z"])
        r = s(x + lin("hr", h) + p["b_r"])
        n = torch.tanh(lin("hh", r * h) + lin("xh", x) + p["b_h"])
    else:
        z = s(lin("xz", x) + lin("hz", torch.tanh(h)) + p["b_z"])
        r = s(lin("xr", x) + lin("hr", h) + p["b_r"])
        n = torch.tanh(lin("hh", r * h) + lin("xh", x) + p["b_h"])
    return n * z + h * (1 - z)


def formula_parameters(cell, weight_ih, weight_hh, bias_ih, bias_hh, hidden_size):
    """The formula's W_* and b_* as views of the stored tensors (gradients flow back)."""
    p = {}
    for name, block in zip(IH_BLOCKS[cell], weight_ih.split(hidden_size)):
        p["W_" + name] = block
    for name, block in zip(HH_BLOCKS[cell], weight_hh.split(hidden_size)):
        p["W_" + name] = block
    for gate in "zrh":
        p["b_" + gate] = torch.zeros(hidden_size, dtype=weight_ih.dtype)
    if bias_ih is not None:
        for gate, block in zip(IH_BIAS[cell], bias_ih.split(hidden_size)):
            p["b_" + gate] = p["b_" + gate] + block
        for gate, block in zip(HH_BIAS[cell], bias_hh.split(hidden_size)):
            p["b_" + gate] = p["b_" + gate] + block
    return p


def run_direction(cell, p, x, h0, lengths, reverse):
    """x [T, B, I] -> output [T, B, H], final h [B, H]."""
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    h, outputs = h0, [None] * x.shape[0]
    for t in steps:
        new = step(cell, p, x[t], h)
        if lengths is None:
            h, outputs[t] = new, new
        else:
            active = (t < lengths).unsqueeze(1)
            h = torch.where(active, new, h)
            outputs[t] = torch.where(active, new, torch.zeros_like(new))
    return torch.stack(outputs), h


def make_case(cell, input_size, hidden_size, layers, bidirectional, seq, batch, variable_lengths, dtype, seed,
              bias=True):
    """Runs the formula forward and autograd backward; returns (tensors, metadata) of one case."""
    generator = torch.Generator().manual_seed(seed)
    directions = 2 if bidirectional else 1
    bound = hidden_size ** -0.5

    def randn(*shape):
        return torch.randn(*shape, generator=generator, dtype=dtype)

    def uniform(*shape):
        return ((torch.rand(*shape, generator=generator, dtype=dtype) * 2 - 1) * bound).requires_grad_()

    parameters = {}
    for layer, d in itertools.product(range(layers), range(directions)):
        suffix = f"_l{layer}" + ("_reverse" if d == 1 else "")
        layer_input = input_size if layer == 0 else directions * hidden_size
        parameters["weight_ih" + suffix] = uniform(len(IH_BLOCKS[cell]) * hidden_size, layer_input)
        parameters["weight_hh" + suffix] = uniform(len(HH_BLOCKS[cell]) * hidden_size, hidden_size)
        if bias:
            parameters["bias_ih" + suffix] = uniform(len(IH_BLOCKS[cell]) * hidden_size)
            parameters["bias_hh" + suffix] = uniform(len(HH_BLOCKS[cell]) * hidden_size)

    x = randn(seq, batch, input_size).requires_grad_()
    h0 = randn(layers * directions, batch, hidden_size).requires_grad_()
    lengths = random_lengths(seq, batch, generator) if variable_lengths else None

    layer_input, finals = x, []
    for layer in range(layers):
        outputs = []
        for d in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if d == 1 else "")
            p = formula_parameters(cell, parameters["weight_ih" + suffix], parameters["weight_hh" + suffix],
                                   parameters.get("bias_ih" + suffix), parameters.get("bias_hh" + suffix),
                                   hidden_size)
            out, h = run_direction(cell, p, layer_input, h0[layer * directions + d], lengths, d == 1)
            outputs.append(out)
            finals.append(h)
        layer_input = torch.cat(outputs, dim=2)
    output, hn = layer_input, torch.stack(finals)

    grad_output = randn(seq, batch, directions * hidden_size)
    grad_hn = randn(layers * directions, batch, hidden_size)
    torch.autograd.backward([output, hn], [grad_output, grad_hn])

    tensors = {
        "input": x, "h0": h0, "grad_output": grad_output, "grad_hn": grad_hn,
        "output": output, "hn": hn, "grad_input": x.grad, "grad_h0": h0.grad,
    }
    config = {
        "cell": cell, "input_size": input_size, "hidden_size": hidden_size, "num_layers": layers,
        "bidirectional": bidirectional, "seq_len": seq, "batch": batch, "bias": bias,
    }
    return finish_case(tensors, lengths, parameters.items(), config, "scripts/make_mut_reference.py", seed)


def fixture_cases():
    """(cell, layers, bidirectional, variable lengths, dtype name, input size) of the committed set.

    MUT1 and MUT2 add their input to a hidden-sized vector, so their input is H
    wide and a bidirectional stack (whose layer 1 reads 2H) cannot feed them.
    """
    hidden = 4
    for cell, layers, bidirectional, variable_lengths, dtype_name in itertools.product(
            CELLS, (1, 2), (False, True), (False, True), ("f32", "f64")):
        width_is_hidden = cell in ("mut1", "mut2")
        if width_is_hidden and layers == 2 and bidirectional:
            continue
        yield cell, layers, bidirectional, variable_lengths, dtype_name, hidden if width_is_hidden else 3


def write_fixtures(directory):
    os.makedirs(directory, exist_ok=True)
    for cell, layers, bidirectional, variable_lengths, dtype_name, input_size in fixture_cases():
        write_fixture(directory, fixture_name(cell, layers, bidirectional, variable_lengths, dtype_name),
                      lambda seed: make_case(cell, input_size, 4, layers, bidirectional, 5, 3, variable_lengths,
                                             DTYPES[dtype_name], seed))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", metavar="DIR", required=True, help="write the committed MUT fixtures into DIR")
    write_fixtures(parser.parse_args().fixtures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
