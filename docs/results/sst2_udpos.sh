#!/usr/bin/env bash
# Produces the SST-2 and UD English LinES rows of docs/results.md. One task per
# call, so they can run one after another or side by side:
#
#   docs/results/sst2_udpos.sh sst2     # recur classify: BiLSTM, max pooling, no pre-trained vectors
#   docs/results/sst2_udpos.sh udpos    # recur tag: BiLSTM + character BiLSTM, UPOS
#
# Settings were chosen on the dev split: without FINAL=1 the script trains and
# evaluates on dev only. FINAL=1 also reads the test split, once, with the
# best-on-dev checkpoint (that is how the figures of docs/results.md were made). Writes runs/results-<name>/
# (checkpoints, log.csv) and, beside this script, <name>-train.log,
# <name>-curve.csv, <name>-dev.json and <name>-test.json (the figures).
# THREADS (default 0: all cores) and NICE (default 0) set how it shares the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:?usage: sst2_udpos.sh sst2|udpos}
threads=${THREADS:-0}
data=${DATA:-../shared/data}
run=runs/results-$name
out=docs/results
unset OPENBLAS_CORETYPE

case "$name" in
  sst2)
    command=classify
    train=$data/sst2/train.tsv dev=$data/sst2/dev.tsv test=$data/sst2/test.tsv
    model=(--cell lstm --bidirectional --pooling max --layers 1 --hidden 150 --word-embedding 100 --dropout 0.5
           --batch 32 --optimizer adam --lr 1e-3 --eval-every 500 --patience 10 --epochs 6 --max-time 28m) ;;
  udpos)
    command=tag
    lines=$data/ud-english-lines
    train=$lines/en_lines-ud-train.conllu dev=$lines/en_lines-ud-dev.conllu test=$lines/en_lines-ud-test.conllu
    model=(--column upos --cell lstm --layers 1 --hidden 128 --word-embedding 100
           --char-encoder lstm --char-embedding 32 --char-hidden 32 --dropout 0.33 --word-dropout 0.25
           --batch 16 --optimizer adam --lr 2e-3 --eval-every 200 --patience 10 --epochs 30 --max-time 28m) ;;
  *) echo "unknown task '$name' (sst2 or udpos)" >&2; exit 2 ;;
esac

# SKIP_TRAINING=1 keeps an existing run and redoes only the figures below.
if [ "${SKIP_TRAINING:-0}" != 1 ]; then
  rm -rf "$run"
  nice -n "${NICE:-0}" build/recur $command train --data "$train" --dev "$dev" --run "$run" --log-every 100 \
    "${model[@]}" --threads "$threads" --seed 1 2> "$out/$name-train.log"
fi
cp "$run/log.csv" "$out/$name-curve.csv"
build/recur $command eval "$run" --data "$dev" --json --allow-unknown-labels --threads "$threads" > "$out/$name-dev.json"
[ "${FINAL:-0}" = 1 ] || { python3 -c "import json; print('dev', json.load(open('$out/$name-dev.json'))['accuracy'])"; exit 0; }
# The test split, once, on the best-on-dev model.
build/recur $command eval "$run" --data "$test" --json --allow-unknown-labels --threads "$threads" > "$out/$name-test.json"
# Prediction speed: sequences per second over the test split (predict reads, runs and writes it all).
start=$(date +%s.%N)
build/recur $command predict "$run" "$test" --threads "$threads" > /dev/null
end=$(date +%s.%N)
python3 -c "import sys, json; n=sum(1 for _ in open('$test') if _.strip()) if '$command'=='classify' else json.load(open('$out/$name-test.json'))['sentences']; print(json.dumps({'predict_sequences_per_second': n / ($end - $start)}))" > "$out/$name-predict-speed.json"
cat "$out/$name-test.json" | python3 -c "import json,sys; j=json.load(sys.stdin); print({k: j.get(k) for k in ('accuracy','macro_f1','unseen_accuracy','sentence_accuracy')})"
