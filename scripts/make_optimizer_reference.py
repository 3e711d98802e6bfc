#!/usr/bin/python3
"""Writes tests/fixtures/optimizers/reference.json: what torch.optim does.

For each optimizer configuration: two float32 parameters, a fixed sequence of
gradients and learning rates (one per step, as a schedule would give them),
and PyTorch's parameter values after every step. tests/test_optimizer_parity.cpp
replays the same steps through recur's optimizers and compares.

Option names are recur's (optimizer_options.h); `torch_kwargs` maps them.

    /usr/bin/python3 scripts/make_optimizer_reference.py
"""
import json
import pathlib

import torch

STEPS = 4
LEARNING_RATES = [0.1, 0.05, 0.08, 0.02]  # varies per step, like a schedule
SHAPES = {"layer.weight": [3, 4], "layer.bias": [4]}

CASES = [
    ("sgd", {}),
    ("sgd", {"weight_decay": 0.1}),
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("sgd", {"momentum": 0.8, "dampening": 0.1, "weight_decay": 0.01}),
    ("adagrad", {}),
    ("adagrad", {"weight_decay": 0.01, "lr_decay": 0.1, "initial_accumulator_value": 0.1, "eps": 1e-8}),
    ("rmsprop", {}),
    ("rmsprop", {"alpha": 0.95, "momentum": 0.9, "weight_decay": 0.01}),
    ("rmsprop", {"centered": True, "momentum": 0.5, "eps": 1e-6}),
    ("adam", {}),
    ("adam", {"weight_decay": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("adamw", {}),
    ("adamw", {"weight_decay": 0.1, "beta1": 0.85, "beta2": 0.995}),
]

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
}


def torch_kwargs(options):
    kwargs = dict(options)
    if "beta1" in kwargs or "beta2" in kwargs:
        kwargs["betas"] = (kwargs.pop("beta1", 0.9), kwargs.pop("beta2", 0.999))
    return kwargs


def values(tensor):
    # float32 values written as the doubles they are exactly.
    return tensor.detach().double().flatten().tolist()


def make_case(index, name, options):
    generator = torch.Generator().manual_seed(1000 + index)
    params = {n: torch.randn(shape, generator=generator).requires_grad_() for n, shape in SHAPES.items()}
    initial = {n: values(p) for n, p in params.items()}
    # Gradients of mixed scales, so eps and the accumulators matter.
    gradients = [{n: torch.randn(shape, generator=generator) * (0.1 if step % 2 else 2.0) for n, shape in SHAPES.items()}
                 for step in range(STEPS)]
    optimizer = OPTIMIZERS[name](params.values(), lr=LEARNING_RATES[0], foreach=False, **torch_kwargs(options))
    expected = []
    for step in range(STEPS):
        for group in optimizer.param_groups:
            group["lr"] = LEARNING_RATES[step]
        for n, p in params.items():
            p.grad = gradients[step][n].clone()
        optimizer.step()
        expected.append({n: values(p) for n, p in params.items()})
    return {
        "optimizer": name,
        "options": options,
        "learning_rates": LEARNING_RATES,
        "shapes": SHAPES,
        "initial": initial,
        "gradients": [{n: values(g) for n, g in step.items()} for step in gradients],
        "expected": expected,
    }


def main():
    torch.manual_seed(0)
    out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "optimizers" / "reference.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    cases = [make_case(i, name, options) for i, (name, options) in enumerate(CASES)]
    out.write_text(json.dumps({"torch_version": torch.__version__, "dtype": "float32", "cases": cases}, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
