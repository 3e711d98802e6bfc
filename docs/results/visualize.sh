#!/usr/bin/env bash
# Makes the pictures of docs/visualize.md: `recur visualize` pages of a
# trained model, and screenshots of the text coloured by its best quote,
# line-position and bracket units, or for tiny Shakespeare, which has no quotes
# or brackets, its line and word units (headless Chromium, scripts/check_html.py).
#
#   docs/results/visualize.sh shakespeare   # the 2x512 LSTM of `tinyshakespeare.sh lstm` (runs/results-lstm)
#   docs/results/visualize.sh csource       # a small LSTM trained here on the project's own C++ sources
#
# csource trains a 1 x 128 LSTM for 8 minutes at most on one thread (nice)
# unless runs/visualize-csource already holds it (SKIP_TRAINING=1 keeps it).
# Writes, beside this script, visualize-<name>-units.txt (the best units of
# each feature, as recur prints them) and visualize-<name>-<feature>.png; the
# page itself goes to runs/ (it holds every unit: several MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:?usage: visualize.sh shakespeare|csource}
out=docs/results
threads=${THREADS:-1}
recur=${RECUR:-build/recur}

case "$name" in
  shakespeare)
    run=runs/results-lstm
    data=${DATA:-../shared/data/tinyshakespeare/input.txt}
    # The end of the text: the validation part, which the model did not train on.
    text=runs/visualize-shakespeare.txt
    tail -c 3000 "$data" > "$text"
    # Tiny Shakespeare has no double quote and no bracket (none in its
    # 1,115,394 characters), so those features are constant: the pictures
    # show the line and word units instead.
    features=("position in line" "inside a word" "after a newline")
    ;;
  csource)
    run=runs/visualize-csource
    text=runs/visualize-csource.txt
    mkdir -p runs
    # Training text: the library's sources; the text shown: a file of the
    # command (tools/), which the model did not train on.
    cp tools/recur/training_command.cpp "$text"
    features=("inside quotes" "position in line" "bracket depth")
    if [ "${SKIP_TRAINING:-0}" != 1 ] || [ ! -f "$run/best.safetensors" ]; then
      rm -rf "$run"
      nice -n 10 "$recur" train --data src include --run "$run" --cell lstm --layers 1 --hidden 128 \
        --batch 32 --seq 100 --lr 3e-3 --max-time 8m --epochs 50 --eval-every 200 --threads "$threads" \
        --seed 1 --report 2> "$out/visualize-csource-train.log"
    fi
    ;;
  *) echo "unknown model '$name' (shakespeare or csource)" >&2; exit 2 ;;
esac

page=runs/visualize-$name.html
"$recur" visualize "$run" --text "$text" --max-chars 2000 --out "$page" --threads "$threads" \
  > "$out/visualize-$name-units.txt"
cat "$out/visualize-$name-units.txt"

# The page starts on the best unit of the first feature that varies over the
# text (the first of each list above); the others are chosen by a click on
# their button, which must recolour the text.
for feature in "${features[@]}"; do
  file="$out/visualize-$name-${feature// /-}.png"
  shots=$(mktemp -d)
  click=()
  [ "$feature" = "${features[0]}" ] ||
    click=(--click "#feature-buttons button[data-feature=\"$feature\"]" --expect-change "#vis-text")
  /usr/bin/python3 scripts/check_html.py "$page" --screenshot-dir "$shots" "${click[@]}" \
    --screenshot-element "section:has(#vis-text)"
  mv "$shots/visualize-$name.png" "$file"
  rmdir "$shots"
  echo "wrote $file"
done
