#!/usr/bin/env python3
"""The reference for `recur gradients` on a character model, by PyTorch's
autograd: for the same windows of a text, ||dL/dh_k|| of every layer and step
(h_k.grad of the unrolled network), the largest singular values of each W_hh
block (torch.linalg.svdvals) and the fraction of saturated sigmoid gates.

Usage:
    python3 scripts/pytorch_gradient_flow.py CHECKPOINT TEXT --steps T --batch B [--singular-values K]

Prints one JSON line:
    {"grad_norms": [[layer 0 by distance 0..T-1], ...],
     "singular_values": [[K values of block 0 of layer 0], [block 1], ...],
     "saturation": [{"layer": l, "gate": name, "low": f, "high": f}, ...]}

The windows are recur's (include/recur/gradient_flow.h): B windows of T + 1
symbols, window b starting at b * (N - T - 1) // (B - 1); each is read from a
zero state and its loss is the cross-entropy of the last step's prediction
(summed over the windows, so that each window's gradient is its own). The
network is unrolled one step and one layer at a time with single-layer
nn.LSTM / nn.GRU / nn.RNN modules holding the checkpoint's weights, each
step's output fed on as the next step's h and retained, so that its .grad is
all that reaches h_k: from the layer above at step k and from step k + 1.
Runs in float64.
"""
import argparse
import json
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_char_model import load_model, resolve_checkpoint  # noqa: E402


def read_ids(path, vocabulary):
    with open(path, "rb") as f:
        raw = f.read()
    symbols = list(raw) if vocabulary["unit"] == "byte" else [ord(c) for c in raw.decode("utf-8")]
    index = {s: i for i, s in enumerate(vocabulary["symbols"])}
    return [index[s] for s in symbols]


def layer_module(model, layer):
    """A one-layer copy of layer `layer` of model.rnn."""
    rnn = model.rnn
    kind = type(rnn)
    kwargs = {"nonlinearity": rnn.nonlinearity} if kind is nn.RNN else {}
    single = kind(rnn.input_size if layer == 0 else rnn.hidden_size, rnn.hidden_size, 1, **kwargs).double()
    single.load_state_dict({f"{name}_l0": getattr(rnn, f"{name}_l{layer}").detach().double()
                            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    return single


def gate_counts(kind, module, x, h, low, high):
    """Adds the step's sigmoid-gate activations below 0.1 / above 0.9 per gate."""
    if kind is nn.RNN:
        return
    pre_i = x @ module.weight_ih_l0.T + module.bias_ih_l0
    pre_h = h @ module.weight_hh_l0.T + module.bias_hh_l0
    H = module.hidden_size
    if kind is nn.LSTM:
        pre = pre_i + pre_h
        gates = {"input": pre[:, 0:H], "forget": pre[:, H:2 * H], "output": pre[:, 3 * H:4 * H]}
    else:  # GRU: r, z, n; the sigmoid gates are r and z
        gates = {"reset": pre_i[:, 0:H] + pre_h[:, 0:H], "update": pre_i[:, H:2 * H] + pre_h[:, H:2 * H]}
    for name, pre in gates.items():
        a = torch.sigmoid(pre)
        low[name] = low.get(name, 0) + int((a < 0.1).sum())
        high[name] = high.get(name, 0) + int((a > 0.9).sum())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("text")
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--singular-values", type=int, default=3)
    args = parser.parse_args()
    T, B = args.steps, args.batch
    model, vocabulary = load_model(resolve_checkpoint(args.checkpoint))
    model = model.double()
    ids = read_ids(args.text, vocabulary)
    N = len(ids)
    starts = [0] if B == 1 else [b * (N - T - 1) // (B - 1) for b in range(B)]
    windows = torch.tensor([[ids[s + t] for s in starts] for t in range(T + 1)], dtype=torch.long)  # [T+1, B]
    inputs, targets = windows[:T], windows[T]
    if model.embedding is not None:
        x = model.embedding(inputs)
    else:
        x = F.one_hot(inputs, model.vocab_size).double()
    kind = type(model.rnn)
    layers = model.rnn.num_layers
    H = model.rnn.hidden_size
    retained = []
    saturation = []
    below = x
    for layer in range(layers):
        module = layer_module(model, layer)
        h = torch.zeros(1, B, H, dtype=torch.float64)
        c = torch.zeros(1, B, H, dtype=torch.float64)
        outputs = []
        low, high = {}, {}
        with torch.no_grad():
            hh = torch.zeros(B, H, dtype=torch.float64)
            cc = torch.zeros(1, B, H, dtype=torch.float64)
            for t in range(T):  # the gates, from the same states (no autograd needed)
                gate_counts(kind, module, below[t].detach(), hh, low, high)
                if kind is nn.LSTM:
                    out, (_, cc) = module(below[t:t + 1].detach(), (hh.unsqueeze(0), cc))
                else:
                    out, _ = module(below[t:t + 1].detach(), hh.unsqueeze(0))
                hh = out[0]
        for name in low:
            saturation.append({"layer": layer, "gate": name, "low": low[name] / (T * B * H),
                               "high": high[name] / (T * B * H)})
        for t in range(T):
            if kind is nn.LSTM:
                out, (_, c) = module(below[t:t + 1], (h, c))
            else:
                out, _ = module(below[t:t + 1], h)
            out.retain_grad()
            outputs.append(out)
            h = out  # the retained output is the next step's state: its .grad gets both paths
        retained.append(outputs)
        below = torch.cat(outputs, dim=0)
    logits = model.decoder.double()(below[T - 1])
    loss = F.cross_entropy(logits, targets, reduction="sum")
    loss.backward()
    grad_norms = [[float(retained[l][T - 1 - k].grad[0].norm(dim=1).mean()) for k in range(T)]
                  for l in range(layers)]
    singular = []
    for l in range(layers):
        w = getattr(model.rnn, f"weight_hh_l{l}").detach().double()
        for block in range(w.shape[0] // H):
            singular.append(torch.linalg.svdvals(w[block * H:(block + 1) * H])[:args.singular_values].tolist())
    print(json.dumps({"grad_norms": grad_norms, "singular_values": singular, "saturation": saturation}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
