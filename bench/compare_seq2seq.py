#!/usr/bin/python3
"""recur seq2seq against the same encoder-decoder in PyTorch, timed in the same run.

  /usr/bin/python3 bench/compare_seq2seq.py --data-dir /tmp/g2p --threads 2 --json

Data: the grapheme-to-phoneme TSV of docs/results/cmudict_tsv.py (train.tsv
for training, dev.tsv for decoding (the test split is kept for the one result)), characters -> phoneme words. Build
build/recur first; run on an otherwise idle machine (under the shared lock).

The model on both sides (docs/results/g2p.sh's without attention): source
embedding E -> bidirectional LSTM H -> v = [h_fwd ; h_bwd] -> decoder LSTM H
with h0 = tanh(W_h v + b_h), c0 = tanh(W_c v + b_c), target embedding E ->
Linear -> cross-entropy over the next token (end token included, padding
ignored); Adam, gradient norm clipped at 5, batches of 32 bucketed by target
length (bench/compare_words.py's length_batches), dropout 0, packed sequences
in PyTorch.

Training (sentences/s): recur's rate is read from log.csv between iteration W
and W+S (the loop only); PyTorch times S steps after W warm-up steps.
Decoding (sentences/s): the first --decode-count dev words (default: all
5,277), 64 at a time, greedy and beam 5, at most 30 tokens; the median of
--repeats timings of each. Both sides are timed from words in memory and a
loaded model to the decoded outputs. PyTorch decodes with its own trained
weights in a batched loop written here (greedy: all rows step until every row
has ended; beam: each beam a row, top-k over beam x vocabulary per input); the
timing excludes model building. recur's side runs `recur seq2seq translate` on
the checkpoint it trained, as a user would; its decoding time is the wall time
of translating the words minus that of translating one word (process start,
checkpoint load, reading and writing: the median of as many runs), so that
neither side counts start-up. The JSON also gives recur's rate with start-up
counted (recur_*_with_startup_sentences_per_s).

Threads: --threads N sets torch's intra-op threads, OpenBLAS's (before torch
is imported) and recur's --threads.
"""
import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_report import machine, print_result  # noqa: E402
from compare_words import length_batches  # noqa: E402

BATCH, MAX_LENGTH, BEAM = 32, 30, 5


def read_pairs(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                source, target = line.rstrip("\n").split("\t")
                pairs.append((list(source), target.split()))
    return pairs


def pytorch_side(args, train, test):
    import torch
    import torch.nn as nn
    from torch.nn.utils.rnn import pack_padded_sequence
    torch.set_num_threads(args.threads)
    # recur's training flushes subnormals to zero (include/recur/denormals.h): the same here.
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    src_vocab = {"<pad>": 0, "<unk>": 1}
    tgt_vocab = {"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3}
    for s, t in train:
        for c in s:
            src_vocab.setdefault(c, len(src_vocab))
        for p in t:
            tgt_vocab.setdefault(p, len(tgt_vocab))
    E, H, V = args.embedding, args.hidden, len(tgt_vocab)

    class Seq2seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.src_embedding = nn.Embedding(len(src_vocab), E)
            self.encoder = nn.LSTM(E, H, bidirectional=True)
            self.init_h = nn.Linear(2 * H, H)
            self.init_c = nn.Linear(2 * H, H)
            self.tgt_embedding = nn.Embedding(V, E)
            self.decoder = nn.LSTM(E, H)
            self.output = nn.Linear(H, V)

        def encode(self, src, lengths):
            _, (h, _) = self.encoder(pack_padded_sequence(self.src_embedding(src), lengths, enforce_sorted=False))
            v = torch.cat([h[0], h[1]], dim=1)
            return torch.tanh(self.init_h(v))[None], torch.tanh(self.init_c(v))[None]

        def forward(self, src, lengths, tgt_in):
            state = self.encode(src, lengths)
            out, _ = self.decoder(self.tgt_embedding(tgt_in), state)
            return self.output(out)

        def step(self, tokens, state):
            out, state = self.decoder(self.tgt_embedding(tokens)[None], state)
            return torch.log_softmax(self.output(out[0]), dim=-1), state

    def source_tensor(rows, data):
        lengths = torch.tensor([len(data[i][0]) for i in rows])
        src = torch.zeros(int(lengths.max()), len(rows), dtype=torch.long)
        for r, i in enumerate(rows):
            for t, c in enumerate(data[i][0]):
                src[t, r] = src_vocab.get(c, 1)
        return src, lengths

    def batch(rows):
        src, lengths = source_tensor(rows, train)
        T = max(len(train[i][1]) for i in rows) + 1
        tgt_in = torch.zeros(T, len(rows), dtype=torch.long)
        targets = torch.full((T, len(rows)), -100, dtype=torch.long)
        for r, i in enumerate(rows):
            ids = [tgt_vocab[p] for p in train[i][1]]
            tgt_in[0, r] = 2
            tgt_in[1:len(ids) + 1, r] = torch.tensor(ids)
            targets[:len(ids), r] = torch.tensor(ids)
            targets[len(ids), r] = 3
        return src, lengths, tgt_in, targets

    model = Seq2seq()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    batches = length_batches([len(t) + 1 for _, t in train], BATCH, random.Random(1))

    def train_step(rows):
        src, lengths, tgt_in, targets = batch(rows)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(src, lengths, tgt_in).reshape(-1, V), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()

    for k in range(args.warmup):
        train_step(batches[k % len(batches)])
    start = time.perf_counter()
    for k in range(args.warmup, args.warmup + args.steps):
        train_step(batches[k % len(batches)])
    train_rate = args.steps * BATCH / (time.perf_counter() - start)

    model.eval()
    words = test[:args.decode_count]

    def greedy(rows):
        state = model.encode(*source_tensor(rows, words))
        tokens = torch.full((len(rows),), 2, dtype=torch.long)
        done = torch.zeros(len(rows), dtype=torch.bool)
        for _ in range(MAX_LENGTH):
            log_p, state = model.step(tokens, state)
            log_p[:, :3] = float("-inf")  # pad, unk, begin never produced
            tokens = log_p.argmax(dim=-1)
            done |= tokens == 3
            if bool(done.all()):
                break

    def beam(rows):
        N, K = len(rows), BEAM
        h, c = model.encode(*source_tensor(rows, words))
        state = (h.repeat_interleave(K, dim=1), c.repeat_interleave(K, dim=1))
        scores = torch.full((N, K), float("-inf"))
        scores[:, 0] = 0
        tokens = torch.full((N * K,), 2, dtype=torch.long)
        finished = torch.zeros(N, K, dtype=torch.bool)
        for _ in range(MAX_LENGTH):
            log_p, state = model.step(tokens, state)
            log_p[:, :3] = float("-inf")
            log_p = log_p.view(N, K, V)
            # A finished beam only extends by "</s>" at no cost.
            log_p[finished] = float("-inf")
            log_p[..., 3][finished] = 0
            total = (scores[:, :, None] + log_p).view(N, K * V)
            scores, index = total.topk(K, dim=1)
            parent = torch.div(index, V, rounding_mode="floor")
            tokens = (index % V).view(-1)
            finished = torch.gather(finished, 1, parent) | (tokens.view(N, K) == 3)
            rows_of = (parent + torch.arange(N)[:, None] * K).view(-1)
            state = (state[0][:, rows_of], state[1][:, rows_of])
            if bool(finished.all()):
                break

    rates = {}
    with torch.no_grad():
        for name, decode in (("greedy", greedy), ("beam", beam)):
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                for b in range(0, len(words), 64):
                    decode(list(range(b, min(b + 64, len(words)))))
                times.append(time.perf_counter() - start)
            rates[name] = len(words) / statistics.median(times)
    return train_rate, rates["greedy"], rates["beam"]


def recur_side(args, test):
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        command = [args.recur, "seq2seq", "train", "--data", os.path.join(args.data_dir, "train.tsv"), "--run", run,
                   "--target-tokens", "word", "--bidirectional", "--hidden", str(args.hidden), "--embedding",
                   str(args.embedding), "--dropout", "0", "--batch", str(BATCH), "--lr", "1e-3",
                   "--max-iters", str(args.warmup + args.steps), "--eval-every", "1000000000",
                   "--log-every", str(args.warmup), "--epochs", "0", "--threads", str(args.threads), "--seed", "1"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(run, "log.csv")) as f:
            rows = {int(r["iteration"]): r for r in csv.DictReader(f)}
        first, last = rows[args.warmup], rows[max(rows)]
        train_rate = (int(last["iteration"]) - args.warmup) * BATCH / (float(last["elapsed_s"]) - float(first["elapsed_s"]))
        words, one_word = os.path.join(tmp, "words.txt"), os.path.join(tmp, "one_word.txt")
        with open(words, "w") as f:
            for source, _ in test[:args.decode_count]:
                f.write("".join(source) + "\n")
        with open(one_word, "w") as f:
            f.write("".join(test[0][0]) + "\n")

        def translate_time(path, beam):
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                subprocess.run([args.recur, "seq2seq", "translate", run, path, "--beam", str(beam), "--max-length",
                                str(MAX_LENGTH), "--batch", "64", "--threads", str(args.threads)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        rates, with_startup = [], []
        for beam in (1, BEAM):
            total, startup = translate_time(words, beam), translate_time(one_word, beam)
            rates.append((args.decode_count - 1) / (total - startup))
            with_startup.append(args.decode_count / total)
        return train_rate, rates[0], rates[1], with_startup


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True, help="where cmudict_tsv.py wrote train.tsv and dev.tsv")
    parser.add_argument("--recur", default="build/recur")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--decode-count", type=int, default=100000, help="dev words decoded (default: all)")
    parser.add_argument("--repeats", type=int, default=5, help="decoding timings per side; the median counts")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    train = read_pairs(os.path.join(args.data_dir, "train.tsv"))
    test = read_pairs(os.path.join(args.data_dir, "dev.tsv"))
    args.decode_count = min(args.decode_count, len(test))
    *recur, with_startup = recur_side(args, test)
    torch_rates = pytorch_side(args, train, test)
    result = {"threads": args.threads, "steps": args.steps, "batch": BATCH, "hidden": args.hidden,
              "decoded": args.decode_count, "repeats": args.repeats}
    for name, r, t in zip(("train", "greedy", "beam5"), recur, torch_rates):
        result[f"recur_{name}_sentences_per_s"] = r
        result[f"pytorch_{name}_sentences_per_s"] = t
        result[f"{name}_ratio"] = r / t
    for name, r in zip(("greedy", "beam5"), with_startup):
        result[f"recur_{name}_with_startup_sentences_per_s"] = r
    result.update(machine(args.recur, args.threads))
    print_result(result, args.json)


if __name__ == "__main__":
    sys.exit(main())
