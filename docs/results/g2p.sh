#!/bin/sh
# Grapheme-to-phoneme on CMUdict (Debian's festlex-cmu) with `recur seq2seq`:
# the figures of docs/results.md, "Grapheme-to-phoneme (recur seq2seq)".
#
#   docs/results/g2p.sh data            # the TSV splits in $G2P (default /tmp/g2p)
#   docs/results/g2p.sh train plain       # each model on its own core,
#   docs/results/g2p.sh train attention   # one thread ($THREADS), $MINUTES (45) at most
#   docs/results/g2p.sh dev             # checkpoint (best or last) and beam, on dev
#   docs/results/g2p.sh test            # the test split, once, with the settings chosen on dev
#
# Run from the checkout after building build/recur.
set -eu
G2P=${G2P:-/tmp/g2p}
RUNS=${RUNS:-runs}
RECUR=${RECUR:-build/recur}
MINUTES=${MINUTES:-45}
BEAM=${BEAM:-5}
LAYERS=${LAYERS:-1}
DROPOUT=${DROPOUT:-0.2}
NAME=${NAME:-}  # run folder suffix, to keep runs of other settings apart
THREADS=${THREADS:-1}  # 2: one model with the whole machine
HIDDEN=${HIDDEN:-256}
MONITOR=${MONITOR:-loss}  # what picks best.safetensors: loss (dev cross-entropy) or exact_match
EMA=${EMA:-0}  # the decay of the weights' moving average (--ema); 0: the trained weights themselves
# Settings fixed before training (no search: the time budget allowed one run per model);
# dev selects the checkpoint (best dev cross-entropy) and the beam.
# The learning rate decays (cosine, 2e-3 -> 2e-4): the earlier constant-rate runs' dev
# cross-entropy had flattened (plain: 0.290, 0.285, 0.286, 0.287 at iterations 8000 to
# 10392) while the training loss still fell. The decay ends where the earlier
# 28-minute runs' average speed on a loaded core (plain 6.2, attention 3.8 iterations/s;
# taken as 6 and 4) would be after MINUTES; a faster run spends the rest at 2e-4.
COMMON="--target-tokens word --bidirectional --hidden ${HIDDEN} --embedding 64 --layers ${LAYERS} --dropout ${DROPOUT} --batch 64 \
  --lr 2e-3 --schedule cosine --min-lr 2e-4 --epochs 0 --eval-every 1000 --max-length 40 --seed 1 \
  --threads ${THREADS} --max-time ${MINUTES}m --monitor ${MONITOR} --ema ${EMA}"

case "${1:-}" in
data)
  [ -f /usr/share/festival/dicts/cmu/cmudict-0.4.out ] || apt-get install -y festlex-cmu
  /usr/bin/python3 docs/results/cmudict_tsv.py "$G2P"
  ;;
train)
  mkdir -p "$RUNS"
  case "${2:-}" in
  plain) MODEL="--attention none --decay-iters ${DECAY_ITERS:-$((MINUTES * 60 * 6))}" ;;
  attention) MODEL="--attention additive --decay-iters ${DECAY_ITERS:-$((MINUTES * 60 * 4))}" ;;
  *) echo "usage: $0 train plain|attention" >&2; exit 2 ;;
  esac
  "$RECUR" seq2seq train --data "$G2P/train.tsv" --dev "$G2P/dev.tsv" --run "$RUNS/g2p_$2$NAME" $MODEL $COMMON \
    > "$RUNS/g2p_$2$NAME.log" 2>&1
  ;;
dev)
  # Both checkpoints: best.safetensors (lowest dev cross-entropy, or best $MONITOR) and last.safetensors
  # (the end of training), since dev exact match went on rising after the cross-entropy's low.
  for run in g2p_plain$NAME g2p_attention$NAME; do
    [ -d "$RUNS/$run" ] || continue  # a round may train one of the two
    for checkpoint in best last; do
      for beam in ${BEAMS:-1 5 10}; do
        echo "$run $checkpoint beam $beam: $("$RECUR" seq2seq eval "$RUNS/$run/$checkpoint.safetensors" --data "$G2P/dev.tsv" --beam $beam --json)"
      done
    done
  done
  ;;
test)
  cut -f1 "$G2P/test.tsv" | uniq > "$RUNS/g2p_test_words.txt"
  for run in g2p_plain$NAME g2p_attention$NAME; do
    model="$RUNS/$run/${CHECKPOINT:-best}.safetensors"  # the checkpoint dev chose
    "$RECUR" seq2seq translate "$model" "$RUNS/g2p_test_words.txt" --beam "$BEAM" > "$RUNS/$run.test.txt"
    echo "$run ${CHECKPOINT:-best} beam $BEAM: $("$RECUR" seq2seq eval "$model" --data "$G2P/test.tsv" --beam "$BEAM" --json)"
    echo "$run beam $BEAM: $(/usr/bin/python3 docs/results/g2p_score.py "$G2P/test.tsv" "$RUNS/g2p_test_words.txt" "$RUNS/$run.test.txt")"
  done
  ;;
*)
  echo "usage: $0 data|train|dev|test" >&2
  exit 2
  ;;
esac
