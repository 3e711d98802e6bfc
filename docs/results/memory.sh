#!/usr/bin/env bash
# The table of docs/memory.md: each cell x task x sequence length -> solved or
# not under a fixed budget, with the final test figure and the step at which
# the validation figure first crossed the bar.
#
#   docs/results/memory.sh                                   # rnn_tanh, rnn_relu, lstm, gru
#   docs/results/memory.sh "rnn_tanh;rnn_relu --init identity;lstm;gru;mut1;mut2;mut3"
#
# The argument is the list of cells, ';'-separated; an entry may carry flags
# for that cell (e.g. "rnn_relu --init identity", the IRNN of Le et al. 2015,
# once `--init` exists). Environment: TASKS (default "adding copy"), LENGTHS
# (default "10 50 100 200"), STEPS (training steps per run, default 1000),
# HIDDEN (32), JOBS (runs side by side, default 2, one thread each), OUT
# (default docs/results/memory).
#
# The budget, the same for every run: STEPS Adam steps (lr 1e-2, gradient norm
# clipped to 1), batch 32, one layer of HIDDEN units, seed 1; validation on
# 256 sequences every 100 steps; the best checkpoint is then scored on 1000
# test sequences (a stream of the generator that training never draws).
# Solved: adding test MSE < 0.01 (the baseline of always answering 1 is
# 0.167); copy accuracy on the recalled symbols >= 0.99 (chance 1/8). Copy
# copies 10 symbols of 8 after a delay of LENGTH steps (Arjovsky et al. 2016).
#
# Writes OUT/results.csv (one row per run) and OUT/table.md, and keeps each
# run's training log in OUT/logs/. Run it alone on an otherwise idle machine:
#   docs/results/memory.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cells=${1:-"rnn_tanh;rnn_relu;lstm;gru"}
tasks=${TASKS:-"adding copy"}
lengths=${LENGTHS:-"10 50 100 200"}
steps=${STEPS:-1000}
hidden=${HIDDEN:-32}
jobs=${JOBS:-2}
out=${OUT:-docs/results/memory}
unset OPENBLAS_CORETYPE
mkdir -p "$out/logs" runs/memory-table

# One run: train, score the best checkpoint, print one CSV row.
run_one() {
  local task=$1 length=$2 entry=$3
  local cell=${entry%% *} flags="" name
  [ "$entry" != "$cell" ] && flags=${entry#* }
  name=$(echo "$task-$length-$entry" | tr ' =' '__' | tr -s '_')
  local run=runs/memory-table/$name log=$out/logs/$name.log
  rm -rf "$run"
  local start=$SECONDS
  # shellcheck disable=SC2086  # $flags is a list of flags
  build/recur memory train --task "$task" --length "$length" --cell "$cell" $flags --hidden "$hidden" \
    --batch 32 --lr 1e-2 --clip 1 --max-iters "$steps" --eval-every 100 --val-examples 256 --seed 1 \
    --threads 1 --log-every 500 --run "$run" 2> "$log"
  local seconds=$((SECONDS - start))
  local json
  json=$(build/recur memory eval "$run" --json --threads 1)
  # The first validation that crossed the bar (evaluations are every 100 steps).
  local solved_at
  if [ "$task" = adding ]; then
    solved_at=$(grep -o 'dev mse [0-9.e-]*' "$log" | awk '{ n++; if ($3 < 0.01) { print n * 100; exit } }')
  else
    solved_at=$(grep -o 'dev accuracy [0-9.]*' "$log" | awk '{ n++; if ($3 >= 0.99) { print n * 100; exit } }')
  fi
  python3 - "$task" "$length" "$entry" "$json" "${solved_at:-}" "$seconds" <<'PY'
import json, sys
task, length, entry, report, solved_at, seconds = sys.argv[1:]
r = json.loads(report)
figure = r["mse"] if task == "adding" else r["accuracy"]
solved = figure < 0.01 if task == "adding" else figure >= 0.99
print(f"{task},{length},{entry},{figure:.4f},{int(solved)},{solved_at},{seconds}")
PY
}
export -f run_one
export out steps hidden

echo "task,length,cell,figure,solved,solved_at_step,seconds" > "$out/results.csv"
IFS=';' read -r -a cell_list <<< "$cells"
for task in $tasks; do
  for length in $lengths; do
    for entry in "${cell_list[@]}"; do printf '%s\0%s\0%s\0' "$task" "$length" "$entry"; done
  done
done | xargs -0 -n 3 -P "$jobs" bash -c 'run_one "$@"' _ | sort -t, -k1,1 -k3,3 -k2,2n >> "$out/results.csv"

# The table: one row per task and cell, one column per length.
python3 - "$out/results.csv" "$steps" > "$out/table.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
lengths = sorted({int(r["length"]) for r in rows})
print("| task | cell | " + " | ".join(f"T = {n}" for n in lengths) + " |")
print("|---|---|" + "---|" * len(lengths))
seen = []
for r in rows:
    key = (r["task"], r["cell"])
    if key not in seen:
        seen.append(key)
for task, cell in seen:
    cells = []
    for n in lengths:
        match = [r for r in rows if (r["task"], r["cell"], int(r["length"])) == (task, cell, n)]
        if not match:
            cells.append("")
            continue
        r = match[0]
        name = "MSE" if task == "adding" else "acc"
        mark = "**solved**" if r["solved"] == "1" else "not solved"
        at = f", at step {r['solved_at_step']}" if r["solved_at_step"] else ""
        cells.append(f"{mark}: {name} {float(r['figure']):.3f}{at}")
    print(f"| {task} | {cell} | " + " | ".join(cells) + " |")
PY
cat "$out/table.md"
