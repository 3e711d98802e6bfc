#!/usr/bin/env python3
"""The scaling model of docs/scaling.md, from the figures docs/results/scaling.sh measured.

    python3 docs/results/scaling_model.py

Reads scaling-throughput.csv (tokens/s of 1 and 2 ranks), scaling-gradient.txt
(the parameter count) and scaling-allreduce-*.csv beside it; prints the
measured summary and the modelled efficiency for 8, 16 and 64 nodes on a
25 Gbit/s network. Every assumption is a named constant below.
"""
import csv
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))

# --- assumptions (docs/scaling.md explains each) ---
LINK_GBIT = 25.0            # network per node, Gbit/s, full duplex
LINK_EFFICIENCY = 0.9       # share of the line rate a large MPI message reaches (TCP or RoCE)
HOP_LATENCY_S = 25e-6       # one message of the ring, node to node (TCP over Ethernet: 15-50 us)
MEMORY_GBPS = 10.0          # packing the gradients into buckets and back: 2 copies at this rate
BUCKET_BYTES = 8 << 20      # src/train/gradient_averaging.h
TOKENS_PER_NODE_STEP = 64 * 100  # weak scaling: every node keeps the charrnn batch (64 streams x 100 steps)
NODES = (8, 16, 64)
# Node speeds, as multiples of the measured one-thread rank (this machine's
# core): the same core; a 16-core node at perfect threading; a node 100x faster (an accelerator).
SPEEDUPS = ((1, "1x: one rank, one thread, as measured here"), (16, "16x (e.g. 16 such cores, perfect threading)"),
            (100, "100x (an accelerator)"))


def read_throughput():
    rates, cpu = {1: [], 2: []}, {1: [], 2: []}
    with open(os.path.join(HERE, "scaling-throughput.csv")) as f:
        for row in csv.DictReader(f):
            rates[int(row["ranks"])].append(float(row["tokens_per_second"]))
            if row.get("job_cpu_seconds"):
                cpu[int(row["ranks"])].append(float(row["job_cpu_seconds"]))
    for n, seconds in cpu.items():
        if seconds:
            print(f"{n} rank(s): median {statistics.median(seconds):.1f} CPU seconds for the whole job (16 steps)")
    return {n: statistics.median(r) for n, r in rates.items() if r}, rates


def read_parameters():
    with open(os.path.join(HERE, "scaling-gradient.txt")) as f:
        return int(re.match(r"(\d+) parameters", f.read()).group(1))


def read_allreduce(name):
    with open(os.path.join(HERE, f"scaling-allreduce-{name}.csv")) as f:
        return [(int(r["bytes"]), float(r["median_us"]), float(r["min_us"])) for r in csv.DictReader(f)]


def allreduce_seconds(nodes, gradient_bytes):
    buckets = -(-gradient_bytes // BUCKET_BYTES)
    bandwidth = LINK_GBIT / 8 * 1e9 * LINK_EFFICIENCY
    moved = 2 * (nodes - 1) / nodes * gradient_bytes  # ring all-reduce, per node, each way
    latency = buckets * 2 * (nodes - 1) * HOP_LATENCY_S
    packing = 2 * gradient_bytes / (MEMORY_GBPS * 1e9)
    return moved / bandwidth + latency + packing


def main():
    medians, rates = read_throughput()
    parameters = read_parameters()
    gradient_bytes = 4 * parameters
    print(f"parameters {parameters:,}; gradient {gradient_bytes:,} bytes ({gradient_bytes / 2**20:.2f} MiB) per step")
    for n in sorted(rates):
        print(f"{n} rank(s): median {medians[n]:,.0f} tok/s over {len(rates[n])} windows "
              f"(range {min(rates[n]):,.0f}-{max(rates[n]):,.0f})")
    if 1 in medians and 2 in medians:
        print(f"2 ranks / 1 rank: {medians[2] / medians[1]:.2f}x (efficiency {medians[2] / medians[1] / 2:.0%})")
    for name in ("shm", "tcp"):
        rows = read_allreduce(name)
        print(f"allreduce {name}: " + ", ".join(f"{b}B {m:.0f}us (min {mn:.0f})" for b, m, mn in rows))
    print()
    compute_one = TOKENS_PER_NODE_STEP / medians[1]
    print("| node | compute per step | " + " | ".join(f"{n} nodes: all-reduce, efficiency" for n in NODES) + " |")
    print("|---|---:|" + "---:|" * len(NODES))
    for speedup, what in SPEEDUPS:
        compute = compute_one / speedup
        cells = []
        for n in NODES:
            comm = allreduce_seconds(n, gradient_bytes)
            no_overlap = compute / (compute + comm)
            # With overlap the all-reduce could hide behind backward only (2/3 of a step's FLOPs), not forward.
            overlap = compute / (compute / 3 + max(2 * compute / 3, comm))
            cells.append(f"{comm * 1e3:.1f} ms, {no_overlap:.1%} ({overlap:.0%} with overlap)")
        print(f"| {what} | {compute * 1e3:,.0f} ms | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
