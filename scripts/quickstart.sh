#!/usr/bin/env bash
# The README's main job, from a fresh Debian machine: install what recur needs,
# build it, train a small character-level LSTM for a few minutes on a corpus a
# Debian package installs (fortune cookies, poems and quotations), and print a
# sample from it. Each run trains into a new folder under runs/, so nothing
# earlier is overwritten.
#
#   QUICKSTART_MINUTES=10 bash scripts/quickstart.sh   # train longer
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Only what the main job runs: the recur command (the tests have scripts/test.sh).
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRECUR_BUILD_TESTS=OFF -DRECUR_BUILD_BENCH=OFF -DRECUR_UNITY_BUILD=ON
cmake --build build -j2 --target recur

corpus=/usr/share/games/fortunes
run=runs/quickstart-$(date +%Y%m%d-%H%M%S)
build/recur train --data "$corpus/songs-poems" "$corpus/literature" "$corpus/wisdom" "$corpus/people" \
  --run "$run" --cell lstm --layers 2 --hidden 256 --embedding 64 --batch 32 --seq 100 \
  --optimizer adam --lr 3e-3 --dropout 0.1 --epochs 0 --max-time "${QUICKSTART_MINUTES:-3}m" --eval-every 200
echo
echo "--- a sample from $run (recur sample $run --temperature 0.8) ---"
build/recur sample "$run" --length 800 --temperature 0.8 --prime "The "
echo
