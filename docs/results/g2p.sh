#!/bin/sh
# Grapheme-to-phoneme on CMUdict (Debian's festlex-cmu) with `recur seq2seq`:
# the figures of docs/results.md, "Grapheme-to-phoneme (recur seq2seq)".
#
#   docs/results/g2p.sh data            # the TSV splits in $G2P (default /tmp/g2p)
#   flock /work/notes/cpu.lock docs/results/g2p.sh train   # both models at once, one thread each
#   docs/results/g2p.sh dev             # decoding settings on dev
#   docs/results/g2p.sh test            # the test split, once, with the settings chosen on dev
#
# Run from the checkout after building build/recur.
set -eu
G2P=${G2P:-/tmp/g2p}
RUNS=${RUNS:-runs}
RECUR=${RECUR:-build/recur}
TIME=${TIME:-28m}
BEAM=${BEAM:-5}
# Settings fixed before training (no search: the time budget allowed one run per model);
# dev selects the checkpoint (best dev cross-entropy) and the beam.
COMMON="--target-tokens word --bidirectional --hidden 256 --embedding 64 --dropout 0.2 --batch 64 \
  --lr 2e-3 --epochs 0 --eval-every 1000 --max-length 40 --seed 1 --threads 1 --max-time $TIME"

case "${1:-}" in
data)
  [ -f /usr/share/festival/dicts/cmu/cmudict-0.4.out ] || apt-get install -y festlex-cmu
  /usr/bin/python3 docs/results/cmudict_tsv.py "$G2P"
  ;;
train)
  "$RECUR" seq2seq train --data "$G2P/train.tsv" --dev "$G2P/dev.tsv" --run "$RUNS/g2p_plain" $COMMON \
    > "$RUNS/g2p_plain.log" 2>&1 &
  "$RECUR" seq2seq train --data "$G2P/train.tsv" --dev "$G2P/dev.tsv" --run "$RUNS/g2p_attention" \
    --attention additive $COMMON > "$RUNS/g2p_attention.log" 2>&1 &
  wait
  ;;
dev)
  for run in g2p_plain g2p_attention; do
    for beam in 1 5 10; do
      echo "$run beam $beam: $("$RECUR" seq2seq eval "$RUNS/$run" --data "$G2P/dev.tsv" --beam $beam --json)"
    done
  done
  ;;
test)
  cut -f1 "$G2P/test.tsv" | uniq > "$RUNS/g2p_test_words.txt"
  for run in g2p_plain g2p_attention; do
    "$RECUR" seq2seq translate "$RUNS/$run" "$RUNS/g2p_test_words.txt" --beam "$BEAM" > "$RUNS/$run.test.txt"
    echo "$run beam $BEAM: $("$RECUR" seq2seq eval "$RUNS/$run" --data "$G2P/test.tsv" --beam "$BEAM" --json)"
    echo "$run beam $BEAM: $(/usr/bin/python3 docs/results/g2p_score.py "$G2P/test.tsv" "$RUNS/g2p_test_words.txt" "$RUNS/$run.test.txt")"
  done
  ;;
*)
  echo "usage: $0 data|train|dev|test" >&2
  exit 2
  ;;
esac
