#!/usr/bin/env bash
# Crash safety, measured: kills a small training run with SIGKILL at random
# moments (checkpoint writes included), checks after every kill that each
# checkpoint in the run folder loads, resumes it with --resume, and at the end
# compares the killed-and-resumed run with an uninterrupted run of the same
# iterations: every tensor (weights and optimizer state) and the training
# position must be bit-identical. Also checks that a second `recur train` on a
# folder in use refuses. Figures in docs/reliability.md.
#
#   bash scripts/kill_trials.sh [KILLS] [BUILD_DIR]     (default 30 kills, build/)
#
# Run it alone on an otherwise idle machine: the moments of
# the kills are random in wall-clock time.
set -euo pipefail
cd "$(dirname "$0")/.."
kills_wanted="${1:-30}"
recur="${2:-build}/recur"
work=$(mktemp -d /tmp/recur-kill-trials.XXXXXX)
trap 'rm -rf "$work"' EXIT

# One thread: OpenMP's and BLAS's reductions then run in one fixed order (a
# resumed run must also use the thread count of the run it continues).
text=../shared/data/tinyshakespeare/input.txt
if [ -f "$text" ]; then head -c 200000 "$text" >"$work/input.txt"
else for i in $(seq 4000); do echo "line $i of a small generated corpus, with some words and numbers $((i * 7 % 13))"; done >"$work/input.txt"; fi
iterations=120
settings=(--data "$work/input.txt" --cell lstm --layers 2 --hidden 96 --embedding 16 --dropout 0.1
          --batch 8 --seq 32 --eval-every 5 --log-every 1000 --seed 7 --threads 1)

started_ms=$(date +%s%3N)
"$recur" train "${settings[@]}" --max-iters "$iterations" --run "$work/reference" >/dev/null 2>&1
run_ms=$(( $(date +%s%3N) - started_ms ))  # the kills fall uniformly within one whole run's time
seconds_start=$SECONDS

# A second training process on a folder in use refuses, naming the first.
"$recur" train "${settings[@]}" --max-iters 1000000 --run "$work/locked" >/dev/null 2>&1 &
first=$!
for _ in $(seq 300); do [ -f "$work/locked/last.safetensors" ] && break; sleep 0.1; done
lock_message=$("$recur" train --resume "$work/locked" 2>&1 >/dev/null || true)
kill -9 "$first" 2>/dev/null || true
wait "$first" 2>/dev/null || true
if [[ "$lock_message" != *"in use by another training run (pid $first"* ]]; then
  echo "kill_trials: the second process did not refuse: $lock_message"; exit 1
fi

checks=0 kills=0 during_write=0 no_checkpoint_yet=0 episodes=0 failures=0
check_loadable() {  # every checkpoint in the folder loads (eval reads it whole and runs the model)
  local f
  for f in "$1"/best.safetensors "$1"/last.safetensors; do
    [ -f "$f" ] || continue
    checks=$((checks + 1))
    if ! "$recur" eval "$f" --split validation --threads 1 >/dev/null 2>"$work/eval.err"; then
      echo "kill_trials: $f does not load: $(cat "$work/eval.err")"; failures=$((failures + 1))
    fi
  done
}

while [ "$kills" -lt "$kills_wanted" ]; do
  episodes=$((episodes + 1))
  run="$work/run$episodes"
  finished=0
  while [ "$finished" -eq 0 ]; do
    if [ -f "$run/last.safetensors" ]; then "$recur" train --resume "$run" --threads 1 >>"$work/train.log" 2>&1 &
    else rm -rf "$run"; "$recur" train "${settings[@]}" --max-iters "$iterations" --run "$run" >>"$work/train.log" 2>&1 & fi
    pid=$!
    # A random moment within the time an uninterrupted run takes (start-up,
    # training steps and checkpoint writes alike); once enough kills are
    # done, the run is left to finish.
    if [ "$kills" -lt "$kills_wanted" ]; then
      delay_ms=$(( (RANDOM * 32768 + RANDOM) % run_ms ))
      sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
      state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)  # Z: already ended, nothing to kill
      if [ -n "$state" ] && [ "$state" != Z ] && kill -9 "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || true
        kills=$((kills + 1))
        ls "$run"/*.tmp >/dev/null 2>&1 && during_write=$((during_write + 1))
        [ -f "$run/last.safetensors" ] || no_checkpoint_yet=$((no_checkpoint_yet + 1))
        check_loadable "$run"
        continue
      fi
    fi
    wait "$pid" && finished=1 || { echo "kill_trials: the run failed: $(tail -3 "$work/train.log")"; exit 1; }
  done
  check_loadable "$run"
  if ! python3 scripts/compare_checkpoints.py "$work/reference/last.safetensors" "$run/last.safetensors"; then
    echo "kill_trials: episode $episodes differs from the uninterrupted run"; failures=$((failures + 1))
  fi
done
echo "kill_trials: an uninterrupted run takes $((run_ms / 1000)).$(printf '%03d' $((run_ms % 1000))) s; $kills kills in $episodes runs ($during_write during a checkpoint write, $no_checkpoint_yet before the first checkpoint); $checks checkpoint loads, $failures failures; every run resumed to iteration $iterations and compared with the uninterrupted run; $((SECONDS - seconds_start)) s"
[ "$failures" -eq 0 ]
