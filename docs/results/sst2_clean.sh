#!/usr/bin/env bash
# SST-2 with a test split that nothing was chosen on: settings are chosen on
# whole training sentences held out with their phrases
# (sst2_sentence_split.py), and GLUE's dev sentences (the shared dev.tsv) are
# the test, read once. See docs/results.md, "SST-2 without a leaking test".
#
#   docs/results/sst2_clean.sh search          # trains each configuration below, prints validation accuracy
#                                              # (NAMES="a b": only these)
#   docs/results/sst2_clean.sh test NAME       # the test split, once, with the best-on-validation run of NAME
#
# Writes /tmp/sst2-clean/{train,validation}.tsv, runs/sst2-clean-NAME/, and
# beside this script sst2-clean-search.txt and sst2-clean-test.json.
# THREADS (default 1) and the recur binary (RECUR, default build/recur).
set -euo pipefail
cd "$(dirname "$0")/../.."
step=${1:?usage: sst2_clean.sh search | test NAME}
threads=${THREADS:-1}
recur=${RECUR:-build/recur}
data=${DATA:-../shared/data}/sst2
split=/tmp/sst2-clean
out=docs/results
unset OPENBLAS_CORETYPE

common=(--cell lstm --bidirectional --layers 1 --word-embedding 100 --batch 32 --optimizer adam --lr 1e-3
        --eval-every 500 --patience 10 --epochs 6 --max-time 28m --seed 1)
declare -A configs=(
  [max-150-d50]="--pooling max --hidden 150 --dropout 0.5"
  [mean-150-d50]="--pooling mean --hidden 150 --dropout 0.5"
  [max-150-d30]="--pooling max --hidden 150 --dropout 0.3"
  [max-300-d50]="--pooling max --hidden 300 --dropout 0.5"
  [max-150-d30-ema]="--pooling max --hidden 150 --dropout 0.3 --ema 0.999"
)
# The first search's four; the averaged-weights variant came later (NAMES=max-150-d30-ema).
read -r -a names <<< "${NAMES:-max-150-d50 mean-150-d50 max-150-d30 max-300-d50}"

mkdir -p "$split" runs
[ -f "$split/validation.tsv" ] ||
  /usr/bin/python3 "$out/sst2_sentence_split.py" "$data/train.tsv" "$split/train.tsv" "$split/validation.tsv" 900 0

accuracy() { /usr/bin/python3 -c "import json,sys; print(round(100*json.load(sys.stdin)['accuracy'], 2))"; }

case "$step" in
  search)
    for name in "${names[@]}"; do
      run=runs/sst2-clean-$name
      rm -rf "$run"
      start=$(date +%s)
      # shellcheck disable=SC2086
      "$recur" classify train --data "$split/train.tsv" --dev "$split/validation.tsv" --run "$run" \
        "${common[@]}" ${configs[$name]} --threads "$threads" 2> "$run.log"
      seconds=$(( $(date +%s) - start ))
      acc=$("$recur" classify eval "$run" --data "$split/validation.tsv" --json --threads "$threads" | accuracy)
      echo "$name: validation accuracy $acc% (training ${seconds} s; ${configs[$name]})" | tee -a "$out/sst2-clean-search.txt"
    done ;;
  test)
    name=${2:?which configuration (the best on validation)?}
    "$recur" classify eval "runs/sst2-clean-$name" --data "$data/dev.tsv" --json --threads "$threads" \
      > "$out/sst2-clean-test.json"
    echo "$name: test (GLUE dev sentences) accuracy $(accuracy < "$out/sst2-clean-test.json")%" ;;
  *) echo "unknown step '$step' (search or test)" >&2; exit 2 ;;
esac
