#!/usr/bin/python3
"""recur classify / recur tag against the same model in PyTorch, timed in the same run.

  /usr/bin/python3 bench/compare_words.py --task sst2 --threads 2 --json
  /usr/bin/python3 bench/compare_words.py --task udpos --threads 2 --json

Run it on an otherwise idle machine, from the checkout, after building
build/recur. Each task takes a few minutes (--steps sets how many training
steps are timed on each side).

The models are those of docs/results/sst2_udpos.sh, same sizes, same batch:
  sst2   word embedding 100 -> BiLSTM 150 -> max pooling over valid steps ->
         dropout 0.5 -> Linear -> cross-entropy; batch 32
  udpos  word embedding 100 + character BiLSTM (32 emb, 32 per direction, over
         the batch's distinct words) -> BiLSTM 128 -> dropout 0.33 -> Linear per
         token -> cross-entropy; batch 16
Both sides: Adam (lr from the script), gradient norm clipped at 5, batches of
the same size bucketed by length (pools of 50 batches sorted by length,
shuffled), PyTorch with packed sequences (pack_padded_sequence) for every
recurrent layer.

Training speed (sequences/s): recur is run as `recur <task> train --max-iters
W+S` and its rate read from log.csv between iteration W and W+S (the loop only:
data reading and model building excluded); PyTorch times S steps after W warm-up
steps of its own loop. Prediction speed (sequences/s): the test split, batches
of 64 sorted by length, no gradients; recur's figure is the wall time of
`recur <task> predict` (process start, checkpoint load, reading and writing
included), PyTorch's the loop over batches after the model is built (the
reading and tensor building of the file included) — so the comparison leans
against recur.

Threads: --threads N sets torch's intra-op threads and OpenBLAS's (set before
torch is imported: Debian's torch does its GEMMs in OpenBLAS) and recur's
--threads.
"""
import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_report import machine, print_result  # noqa: E402

CONFIGS = {
    "sst2": dict(command="classify", train="sst2/train.tsv", test="sst2/test.tsv", batch=32, hidden=150,
                 embedding=100, chars=False, pooling="max", dropout=0.5, lr=1e-3,
                 recur_flags=["--bidirectional", "--pooling", "max", "--hidden", "150", "--word-embedding", "100",
                              "--dropout", "0.5", "--batch", "32", "--lr", "1e-3"]),
    "udpos": dict(command="tag", train="ud-english-lines/en_lines-ud-train.conllu",
                  test="ud-english-lines/en_lines-ud-test.conllu", batch=16, hidden=128, embedding=100, chars=True,
                  char_embedding=32, char_hidden=32, pooling=None, dropout=0.33, lr=2e-3,
                  recur_flags=["--hidden", "128", "--word-embedding", "100", "--char-encoder", "lstm",
                               "--char-embedding", "32", "--char-hidden", "32", "--dropout", "0.33",
                               "--batch", "16", "--lr", "2e-3"]),
}
MAX_WORD_CHARS = 30  # as recur's kMaxWordCharacters


def read_examples(path, per_step):
    """[(words, labels)] from SST-2's TSV or CoNLL-U (UPOS; ranges and empty nodes skipped)."""
    examples = []
    with open(path, encoding="utf-8") as f:
        if not per_step:
            for line in f:
                if line.strip():
                    text, label = line.rstrip("\n").split("\t")
                    examples.append((text.split(), [label]))
            return examples
        words, tags = [], []
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    examples.append((words, tags))
                words, tags = [], []
                continue
            if line.startswith("#"):
                continue
            fields = line.split("\t")
            if "-" in fields[0] or "." in fields[0]:
                continue
            words.append(fields[1])
            tags.append(fields[3])
        if words:
            examples.append((words, tags))
    return examples


def length_batches(lengths, batch, rng, pool_batches=50):
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    pool = pool_batches * batch
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: -lengths[i])
        batches += [chunk[i:i + batch] for i in range(0, len(chunk), batch)]
    rng.shuffle(batches)
    return batches


def pytorch_side(cfg, train, test, steps, warmup, threads):
    import torch
    import torch.nn as nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    if threads:
        torch.set_num_threads(threads)
    # recur's training flushes subnormals to zero (include/recur/denormals.h): the same here.
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    per_step = cfg["pooling"] is None
    vocab = {"<pad>": 0, "<unk>": 1}
    chars = {"<pad>": 0, "<unk>": 1}
    labels = {}
    for words, tags in train:
        for w in words:
            vocab.setdefault(w, len(vocab))
            for c in w:
                chars.setdefault(c, len(chars))
        for t in tags:
            labels.setdefault(t, len(labels))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(len(vocab), cfg["embedding"])
            width = cfg["embedding"]
            if cfg["chars"]:
                self.char_embedding = nn.Embedding(len(chars), cfg["char_embedding"])
                self.char_rnn = nn.LSTM(cfg["char_embedding"], cfg["char_hidden"], bidirectional=True)
                width += 2 * cfg["char_hidden"]
            self.rnn = nn.LSTM(width, cfg["hidden"], bidirectional=True)
            self.dropout = nn.Dropout(cfg["dropout"])
            self.classifier = nn.Linear(2 * cfg["hidden"], len(labels))

        def forward(self, ids, lengths, char_ids=None, char_lengths=None, word_of_position=None):
            x = self.embedding(ids)  # [T, B, E]
            if cfg["chars"]:
                packed = pack_padded_sequence(self.char_embedding(char_ids), char_lengths)
                _, (h, _) = self.char_rnn(packed)
                encoded = torch.cat([h[0], h[1]], dim=1)  # [U, 2C]
                encoded = torch.cat([encoded, encoded.new_zeros(1, encoded.shape[1])])  # row -1: padding
                x = torch.cat([x, encoded[word_of_position]], dim=2)
            x = self.dropout(x)
            out, _ = self.rnn(pack_padded_sequence(x, lengths))
            out, _ = pad_packed_sequence(out)  # [T, B, 2H], zero past lengths
            if not per_step:
                mask = (torch.arange(out.shape[0])[:, None] < lengths[None, :])[:, :, None]
                out = out.masked_fill(~mask, float("-inf")).max(dim=0).values
            return self.classifier(self.dropout(out))

    def tensors(rows, data):
        rows = sorted(rows, key=lambda i: -len(data[i][0]))
        lengths = torch.tensor([len(data[i][0]) for i in rows])
        T, B = int(lengths[0]), len(rows)
        ids = torch.zeros(T, B, dtype=torch.long)
        targets = torch.full((T, B) if per_step else (B,), -100, dtype=torch.long)
        extra = {}
        distinct = {}
        for r, i in enumerate(rows):
            words, tags = data[i]
            for t, w in enumerate(words):
                ids[t, r] = vocab.get(w, 1)
                distinct.setdefault(w, len(distinct))
            if per_step:
                for t, tag in enumerate(tags):
                    targets[t, r] = labels.get(tag, -100)
            else:
                targets[r] = labels.get(tags[0], -100)
        if cfg["chars"]:
            unique = sorted(distinct, key=lambda w: -min(len(w), MAX_WORD_CHARS))
            index = {w: u for u, w in enumerate(unique)}
            char_lengths = torch.tensor([min(len(w), MAX_WORD_CHARS) for w in unique])
            char_ids = torch.zeros(int(char_lengths[0]), len(unique), dtype=torch.long)
            for u, w in enumerate(unique):
                for k, c in enumerate(w[:MAX_WORD_CHARS]):
                    char_ids[k, u] = chars.get(c, 1)
            word_of_position = torch.full((T, B), -1, dtype=torch.long)
            for r, i in enumerate(rows):
                for t, w in enumerate(data[i][0]):
                    word_of_position[t, r] = index[w]
            extra = dict(char_ids=char_ids, char_lengths=char_lengths, word_of_position=word_of_position)
        return ids, lengths, targets, extra

    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    lengths = [len(w) for w, _ in train]
    batches = length_batches(lengths, cfg["batch"], random.Random(1))
    model.train()

    def step(rows):
        ids, lens, targets, extra = tensors(rows, train)
        optimizer.zero_grad(set_to_none=True)
        logits = model(ids, lens, **extra)
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()

    for k in range(warmup):
        step(batches[k % len(batches)])
    start = time.perf_counter()
    sequences = 0
    for k in range(warmup, warmup + steps):
        rows = batches[k % len(batches)]
        step(rows)
        sequences += len(rows)
    train_rate = sequences / (time.perf_counter() - start)

    model.eval()
    start = time.perf_counter()
    order = sorted(range(len(test)), key=lambda i: -len(test[i][0]))
    with torch.no_grad():
        for b in range(0, len(order), 64):
            ids, lens, _, extra = tensors(order[b:b + 64], test)
            model(ids, lens, **extra).softmax(-1)
    predict_rate = len(test) / (time.perf_counter() - start)
    return train_rate, predict_rate


def recur_side(cfg, data_dir, recur, steps, warmup, threads):
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        train = os.path.join(data_dir, cfg["train"])
        test = os.path.join(data_dir, cfg["test"])
        command = [recur, cfg["command"], "train", "--data", train, "--run", run, "--max-iters", str(warmup + steps),
                   "--eval-every", "1000000000", "--log-every", str(warmup), "--epochs", "0",
                   "--threads", str(threads), "--seed", "1"] + cfg["recur_flags"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(run, "log.csv")) as f:
            rows = {int(r["iteration"]): r for r in csv.DictReader(f)}
        first, last = rows[warmup], rows[max(rows)]
        seconds = float(last["elapsed_s"]) - float(first["elapsed_s"])
        train_rate = (int(last["iteration"]) - warmup) * cfg["batch"] / seconds
        start = time.perf_counter()
        subprocess.run([recur, cfg["command"], "predict", run, test, "--threads", str(threads)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        per_step = cfg["pooling"] is None
        return train_rate, len(read_examples(test, per_step)) / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=sorted(CONFIGS), required=True)
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--recur", default="build/recur")
    parser.add_argument("--steps", type=int, default=300, help="timed training steps on each side")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.threads:
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    cfg = CONFIGS[args.task]
    per_step = cfg["pooling"] is None
    train = read_examples(os.path.join(args.data_dir, cfg["train"]), per_step)
    test = read_examples(os.path.join(args.data_dir, cfg["test"]), per_step)
    recur_train, recur_predict = recur_side(cfg, args.data_dir, args.recur, args.steps, args.warmup, args.threads)
    torch_train, torch_predict = pytorch_side(cfg, train, test, args.steps, args.warmup, args.threads)
    result = {"task": args.task, "threads": args.threads, "steps": args.steps, "batch": cfg["batch"],
              "recur_train_sequences_per_s": recur_train, "pytorch_train_sequences_per_s": torch_train,
              "train_ratio": recur_train / torch_train,
              "recur_predict_sequences_per_s": recur_predict, "pytorch_predict_sequences_per_s": torch_predict,
              "predict_ratio": recur_predict / torch_predict}
    result.update(machine(args.recur, args.threads))
    print_result(result, args.json)


if __name__ == "__main__":
    sys.exit(main())
