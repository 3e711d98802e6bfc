#!/usr/bin/env bash
# Produces the tiny Shakespeare rows of docs/results.md. One configuration per
# call, so they can run one after another or side by side:
#
#   docs/results/tinyshakespeare.sh lstm      # 2-layer LSTM, 45 minutes at most
#   docs/results/tinyshakespeare.sh gru       # same shape with GRU cells
#   docs/results/tinyshakespeare.sh minchar   # min-char-rnn: 1-layer RNN, 100 units, seq 25, Adagrad 0.1
#
# Writes runs/results-<name>/ (checkpoints, log.csv) and, beside this script,
# <name>-curve.csv (the learning curve), <name>-sample.txt and <name>-figures.json.
# Run with OPENBLAS_CORETYPE unset (the script unsets it) on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:?usage: tinyshakespeare.sh lstm|gru|minchar}
threads=${THREADS:-0}
data=${DATA:-../shared/data/tinyshakespeare/input.txt}
run=runs/results-$name
out=docs/results
unset OPENBLAS_CORETYPE

case "$name" in
  lstm)    model=(--cell lstm --layers 2 --hidden 512 --embedding 64 --dropout 0.2 --batch 64 --seq 100
                  --optimizer adam --lr 2e-3 --schedule cosine --warmup 200 --min-lr 2e-4 --max-time 44m --epochs 20 --eval-every 500) ;;
  gru)     model=(--cell gru --layers 2 --hidden 512 --embedding 64 --dropout 0.2 --batch 64 --seq 100
                  --optimizer adam --lr 2e-3 --schedule cosine --warmup 200 --min-lr 2e-4 --max-time 44m --epochs 20 --eval-every 500) ;;
  minchar) model=(--cell rnn_tanh --layers 1 --hidden 100 --batch 1 --seq 25 --optimizer adagrad --lr 0.1
                  --clip-mode value --clip 5 --max-time 20m --epochs 10 --eval-every 10000) ;;
  *) echo "unknown configuration '$name' (lstm, gru or minchar)" >&2; exit 2 ;;
esac

# SKIP_TRAINING=1 keeps an existing run and redoes only the figures below.
if [ "${SKIP_TRAINING:-0}" != 1 ]; then
  rm -rf "$run"
  build/recur train --data "$data" --run "$run" --log-every 100 "${model[@]}" \
    --threads "$threads" --seed 1 2> "$out/$name-train.log"
fi
cp "$run/log.csv" "$out/$name-curve.csv"

# Validation loss of the best checkpoint, over the whole validation split.
build/recur eval "$run/best.safetensors" --split validation --json > "$out/$name-eval.json"

# A sample, and the sampling speed of the batch-1 path as `recur sample --stats`
# reports it (generation only: not the start-up, the loading or the prime).
build/recur sample "$run/best.safetensors" --length 2000 --temperature 0.8 --seed 1 --prime "ROMEO:" --stats \
  > "$out/$name-sample.txt" 2> "$out/$name-sample-stats.txt"

/usr/bin/python3 - "$name" <<'PY'
import csv, json, re, statistics, sys
name = sys.argv[1]
rows = list(csv.DictReader(open(f"docs/results/{name}-curve.csv")))
rates = [float(r["tokens_per_s"]) for r in rows if r["val_loss"] == "" and float(r["tokens_per_s"]) > 0]
evaluation = json.load(open(f"docs/results/{name}-eval.json"))
stats = open(f"docs/results/{name}-sample-stats.txt").read()
figures = {
    "configuration": name,
    "iterations": int(rows[-1]["iteration"]),
    "epochs": float(rows[-1]["epoch"]),
    "train_minutes": float(rows[-1]["elapsed_s"]) / 60,
    "validation": evaluation,
    "median_train_tokens_per_s": statistics.median(rates) if rates else None,
    "sample_chars_per_s": float(re.search(r"\(([0-9.]+) characters/s\)", stats).group(1)),
}
json.dump(figures, open(f"docs/results/{name}-figures.json", "w"), indent=1)
print(json.dumps(figures))
PY
