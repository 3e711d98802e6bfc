#!/usr/bin/python3
"""PyTorch side of bench/compare: the issue-4 configurations in nn.RNN/LSTM/GRU.

  /usr/bin/python3 bench/compare_pytorch.py --cell lstm --hidden 512 --layers 2 \
      --batch 64 --seq 100 --threads 2 --json
  /usr/bin/python3 bench/compare_pytorch.py --mode generate --hidden 512 --layers 2 \
      --seq 1000 --vocab 65 --json

Same flags and JSON keys as `recur bench` and bench/onednn_anchor.

--mode train: one training step of the recurrent stack = forward of a
time-major [T, B, I] input (which requires grad, as it would under an
embedding and as oneDNN always computes it), then backward of a fixed random
upstream gradient on the output; with --vocab V a Linear(D*H, V) head and
cross-entropy against random targets take its place. Gradients are reset
(set to None) before each step, as optimizer.zero_grad() does.
--forward-only: the same forward under torch.no_grad().
--mode generate: what a user writes to sample from a char-rnn: batch 1,
embedding(vocab, I) -> RNN -> Linear(H, vocab) -> softmax -> multinomial,
one token at a time for --seq steps, feeding the sample back, under no_grad.

Threads: PyTorch's defaults unless --threads N, which sets torch's intra-op
threads AND OpenBLAS's (OPENBLAS_NUM_THREADS, set before torch is imported),
because Debian's torch does its GEMMs in OpenBLAS (libblas.so.3), whose
thread pool torch.set_num_threads does not control.

Memory: read from /proc/self/status. "baseline_rss_mb" is VmRSS right after
`import torch` (the interpreter and libraries); "peak_rss_mb" is VmHWM at the
end (the whole process's peak, comparable with the C++ programs' ru_maxrss);
"peak_rss_delta_mb" = peak - baseline is what the model, its data and the
steps added on top of the runtime.

FLOPs (GFLOP/s): forward = 2*T*B*G*H*(I_l+H) per layer and direction (G = 4
lstm, 3 gru, 1 rnn), plus 2*T*B*D*H*V for a head; a training step counts 3x
the forward. Generate counts one forward step of the stack and the head per
token (embedding lookup, softmax and sampling are not counted).
"""
import argparse
import json
import os
import statistics
import sys
import time

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cell", choices=sorted(GATES), default="lstm")
    p.add_argument("--input", type=int, default=0, help="input size (0: same as --hidden)")
    p.add_argument("--hidden", type=int, default=512)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seq", type=int, default=100, help="sequence length; steps in generate mode")
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--threads", type=int, default=0, help="0: PyTorch's default")
    p.add_argument("--mode", choices=["train", "generate"], default="train")
    p.add_argument("--vocab", type=int, default=0, help="softmax head size (generate: required)")
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--forward-only", action="store_true")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    if a.input == 0:
        a.input = a.hidden
    if a.mode == "generate":
        if a.vocab <= 0:
            p.error("--mode generate needs --vocab (e.g. 65)")
        if a.bidirectional:
            p.error("--mode generate cannot be --bidirectional")
        a.batch = 1
    if min(a.hidden, a.layers, a.batch, a.seq, a.repeats) < 1:
        p.error("--hidden, --layers, --batch, --seq and --repeats must be at least 1")
    return a


def proc_status_mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0  # the kernel reports kB
    return float("nan")


def make_rnn(nn, a):
    common = dict(input_size=a.input, hidden_size=a.hidden, num_layers=a.layers,
                  bidirectional=a.bidirectional)
    if a.cell == "lstm":
        return nn.LSTM(**common)
    if a.cell == "gru":
        return nn.GRU(**common)
    return nn.RNN(nonlinearity=a.cell[4:], **common)


def forward_flops_per_token(a):
    d = 2 if a.bidirectional else 1
    g = GATES[a.cell]
    f = 0.0
    for layer in range(a.layers):
        in_size = a.input if layer == 0 else d * a.hidden
        f += 2.0 * g * a.hidden * (in_size + a.hidden) * d
    return f + 2.0 * d * a.hidden * a.vocab


def train_step(torch, nn, a):
    rnn = make_rnn(nn, a)
    d = 2 if a.bidirectional else 1
    x = torch.randn(a.seq, a.batch, a.input, requires_grad=True)
    params = list(rnn.parameters())
    if a.vocab > 0:
        head = nn.Linear(d * a.hidden, a.vocab)
        params += list(head.parameters())
        targets = torch.randint(a.vocab, (a.seq * a.batch,))
    else:
        upstream = torch.randn(a.seq, a.batch, d * a.hidden)

    def step():
        if a.forward_only:
            with torch.no_grad():
                y, _ = rnn(x)
                if a.vocab > 0:
                    head(y)
            return
        for p in params:
            p.grad = None
        x.grad = None
        y, _ = rnn(x)
        if a.vocab > 0:
            loss = nn.functional.cross_entropy(head(y).view(-1, a.vocab), targets)
            loss.backward()
        else:
            y.backward(upstream)

    return step, a.seq * a.batch


def generate(torch, nn, a):
    emb = nn.Embedding(a.vocab, a.input)
    rnn = make_rnn(nn, a)
    head = nn.Linear(a.hidden, a.vocab)

    def run():
        with torch.no_grad():
            token = torch.zeros(1, 1, dtype=torch.long)
            state = None
            for _ in range(a.seq):
                y, state = rnn(emb(token), state)  # [1, 1, H]
                probs = torch.softmax(head(y[0]), dim=-1)  # [1, V]
                token = torch.multinomial(probs, 1)  # [1, 1]

    return run, a.seq


def main():
    a = parse_args()
    if a.threads > 0:
        # Must precede `import torch`: OpenBLAS sizes its pool when loaded.
        os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
        os.environ["OMP_NUM_THREADS"] = str(a.threads)
    import torch
    from torch import nn

    baseline = proc_status_mb("VmRSS")
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    run, tokens = (generate if a.mode == "generate" else train_step)(torch, nn, a)

    for _ in range(a.warmup):
        run()
    times = []
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)

    median = statistics.median(times)
    flops = forward_flops_per_token(a) * tokens
    if a.mode == "train" and not a.forward_only:
        flops *= 3
    peak = proc_status_mb("VmHWM")
    result = {
        "impl": "pytorch", "cell": a.cell, "hidden": a.hidden, "input": a.input,
        "layers": a.layers, "batch": a.batch, "seq": a.seq,
        "bidirectional": a.bidirectional, "threads": torch.get_num_threads(),
        "mode": "forward" if a.forward_only else a.mode, "vocab": a.vocab,
        "median_ms": round(median * 1e3, 3),
        "min_ms": round(min(times) * 1e3, 3),
        "tokens_per_s": round(tokens / median, 1),
        "gflops": round(flops / median / 1e9, 2),
        "peak_rss_mb": round(peak, 1),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_delta_mb": round(peak - baseline, 1),
        # >1 means more than one core was busy: torch's OpenMP pool and
        # OpenBLAS's pthread pool are separate.
        "cpu_per_wall": round(cpu_per_wall, 2),
        "torch": torch.__version__,
    }
    if a.json:
        print(json.dumps(result, separators=(",", ":")))
    else:
        print(f"pytorch {a.cell} {result['mode']} H={a.hidden} I={a.input} L={a.layers}"
              f"{' bi' if a.bidirectional else ''} B={a.batch} T={a.seq} V={a.vocab} "
              f"threads={result['threads']}: median {result['median_ms']:.2f} ms/iter, "
              f"{result['tokens_per_s']:.0f} tok/s, {result['gflops']:.1f} GFLOP/s, "
              f"peak RSS {peak:.1f} MB (baseline {baseline:.1f}, delta {peak - baseline:.1f}), "
              f"cpu/wall {cpu_per_wall:.2f} ({a.repeats} repeats)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
