#!/usr/bin/env bash
# The gradient-flow figures of docs/memory.md: ||dL/dh_k|| against the
# distance k from the last step, for a tanh RNN and an LSTM (2 layers of 128,
# embedding 32) on tiny Shakespeare, at initialisation and after a short
# training (ITERS Adam steps, default 300, batch 32, BPTT 100).
#
#   docs/results/gradient_flow.sh            # both cells
#   CELLS="lstm" docs/results/gradient_flow.sh
#
# "At initialisation" is a checkpoint written after one step with learning
# rate 0 (the weights as drawn, PyTorch's U(-1/sqrt(H), 1/sqrt(H))).
# The measurement: recur gradients on 64 windows of STEPS (150) characters
# spread evenly over the whole file, the loss at the last step of each.
# Writes, beside this script, gradients-<cell>-<init|trained>.{csv,json,svg}
# and the training logs. Run it alone on an otherwise idle machine:
#   docs/results/gradient_flow.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${DATA:-../shared/data/tinyshakespeare/input.txt}
iters=${ITERS:-300}
steps=${STEPS:-150}
out=docs/results
unset OPENBLAS_CORETYPE
model=(--layers 2 --hidden 128 --embedding 32 --batch 32 --seq 100 --optimizer adam --clip 5 --eval-every 500
       --threads 1 --seed 1)
for cell in ${CELLS:-rnn_tanh lstm}; do
  init=runs/gradients-$cell-init
  trained=runs/gradients-$cell-trained
  rm -rf "$init" "$trained"
  build/recur train --data "$data" --run "$init" --cell "$cell" "${model[@]}" --lr 0 --max-iters 1 \
    2> "$out/gradients-$cell-init-train.log"
  build/recur train --data "$data" --run "$trained" --cell "$cell" "${model[@]}" --lr 2e-3 --max-iters "$iters" \
    2> "$out/gradients-$cell-trained-train.log"
  for stage in init trained; do
    run=runs/gradients-$cell-$stage
    build/recur gradients "$run/last.safetensors" --data "$data" --steps "$steps" --batch 64 --threads 1 \
      --svg "$out/gradients-$cell-$stage.svg" > "$out/gradients-$cell-$stage.csv"
    build/recur gradients "$run/last.safetensors" --data "$data" --steps "$steps" --batch 64 --threads 1 \
      --json > "$out/gradients-$cell-$stage.json"
  done
  grep -h "val_loss\|validation" "$out/gradients-$cell-trained-train.log" | tail -n 1 || true
done
