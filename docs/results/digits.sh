#!/bin/sh
# Captions of scikit-learn's 8x8 digits with `recur caption`: the figures of
# docs/results.md, "Captions of handwritten digits (recur caption)".
#
#   docs/results/digits.sh data     # JSONL in $DIGITS (default /tmp/digits); needs python3-sklearn
#   docs/results/digits.sh train
#   docs/results/digits.sh dev      # decoding on dev
#   docs/results/digits.sh test     # the held-out fifth, once
set -eu
DIGITS=${DIGITS:-/tmp/digits}
RUNS=${RUNS:-runs}
RECUR=${RECUR:-build/recur}

case "${1:-}" in
data)
  /usr/bin/python3 -c "import sklearn" 2>/dev/null || apt-get install -y python3-sklearn
  /usr/bin/python3 docs/results/digits_captions.py "$DIGITS"
  ;;
train)
  "$RECUR" caption train --data "$DIGITS/train.jsonl" --dev "$DIGITS/dev.jsonl" --run "$RUNS/digits" \
    --conditioning both --hidden 128 --embedding 32 --dropout 0.3 --batch 32 --lr 2e-3 --epochs 150 \
    --eval-every 200 --seed 1 --threads 1
  ;;
dev)
  for beam in 1 5; do
    echo "beam $beam: $("$RECUR" caption eval "$RUNS/digits" --data "$DIGITS/dev.jsonl" --beam $beam --json)"
  done
  ;;
test)
  echo "beam ${BEAM:-1}: $("$RECUR" caption eval "$RUNS/digits" --data "$DIGITS/test.jsonl" --beam "${BEAM:-1}" --json)"
  "$RECUR" caption generate "$RUNS/digits" "$DIGITS/test.jsonl" --beam "${BEAM:-1}" > "$RUNS/digits_test_captions.txt"
  /usr/bin/python3 docs/results/digits_score.py "$DIGITS/test.jsonl" "$RUNS/digits_test_captions.txt"
  ;;
*)
  echo "usage: $0 data|train|dev|test" >&2
  exit 2
  ;;
esac
