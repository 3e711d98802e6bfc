#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang 14, -fsanitize=fuzzer,address,undefined)
# and runs each for SECONDS, one after the other on one core, then prints
# executions, time, coverage and findings per harness.
#
#   bash fuzz/run.sh SECONDS [HARNESS[=SECONDS] ...]   e.g. bash fuzz/run.sh 60 safetensors csv=120
#
# Without HARNESS arguments every harness runs; HARNESS=SECONDS gives that one
# its own time (e.g. a slow harness more of a campaign's).
#
# Build in build-fuzz/ (the checkpoint seeds are tiny runs of build/recur,
# RECUR_BUILD=DIR for another); the growing corpus of each harness in
# build-fuzz/corpus/NAME (seeded from fuzz/seeds, tests/fixtures and slices of
# ../shared/data); findings (crash-*, leak-*, oom-*, timeout-*) in
# build-fuzz/findings/NAME (only those written by this run are counted; the
# harness's whole libFuzzer output is build-fuzz/findings/NAME.log). Exit
# status 1 when any harness found something.
#
# Limits: an input of at most 64 KiB; one allocation of more than 64 MiB or a
# process above 1 GiB is a finding (a header claiming 2^60 bytes must be
# refused, not allocated); 10 s per input.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:?usage: bash fuzz/run.sh SECONDS [HARNESS[=SECONDS] ...]}"
shift
all=(safetensors checkpoint text_decoding tsv conllu csv frame_jsonl word_vectors cli_flags)
declare -A time_of=()
harnesses=()
[ $# -gt 0 ] || set -- "${all[@]}"
for arg in "$@"; do
  h="${arg%%=*}"
  harnesses+=("$h")
  time_of[$h]="$seconds"
  if [ "$arg" != "$h" ]; then time_of[$h]="${arg#*=}"; fi
done
build=build-fuzz
data=../shared/data

export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
bash scripts/setup.sh --fuzz >/dev/null
mkdir -p "$build"
# -O1 with assertions on (as scripts/sanitize.sh), one unity build of the library.
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 \
  -DRECUR_FUZZ=ON -DRECUR_SANITIZE=address,undefined -DRECUR_UNITY_BUILD=ON -DRECUR_BUILD_TESTS=OFF -DRECUR_BUILD_BENCH=OFF \
  "${launcher[@]}" >"$build/configure.log"
cmake --build "$build" -j2 --target $(printf 'fuzz_%s ' "${harnesses[@]}") >"$build/build.log" || { tail -30 "$build/build.log"; exit 1; }

# Seeds: the committed ones, test fixtures, and small slices of the shared data
# (the first byte of a TSV/CSV/JSONL/vectors input picks the reader's options).
seed() {  # NAME FILE [SEED_NAME]: copy
  mkdir -p "$build/corpus/$1" && cp "$2" "$build/corpus/$1/seed-${3:-$(basename "$2")}"
}
slice() {  # NAME OPTION_BYTE FILE BYTES
  mkdir -p "$build/corpus/$1"
  { printf "$2"; head -c "$4" "$3"; } >"$build/corpus/$1/seed-$(basename "$3")-$4"
}
make_checkpoint_seeds() {  # tiny runs of each task, with the normal build's recur (scripts/test.sh builds it)
  local dir="$build/seed-runs" recur="${RECUR_BUILD:-build}/recur"
  rm -rf "$dir" && mkdir -p "$dir"
  local tiny=(--hidden 4 --layers 1 --max-iters 2 --eval-every 1 --threads 1)
  head -c 3000 "$data/tinyshakespeare/input.txt" >"$dir/text.txt"
  "$recur" train --data "$dir/text.txt" --run "$dir/char" "${tiny[@]}" --embedding 4 --batch 2 --seq 8 >/dev/null 2>&1
  head -n 40 "$data/sst2/train.tsv" >"$dir/train.tsv"
  "$recur" classify train --data "$dir/train.tsv" --run "$dir/classify" "${tiny[@]}" --word-embedding 4 >/dev/null 2>&1
  printf 'The\tDET\ncat\tNOUN\n\nIt\tPRON\nruns\tVERB\n\n' >"$dir/tag.tsv"
  "$recur" tag train --data "$dir/tag.tsv" --run "$dir/tag" "${tiny[@]}" --word-embedding 4 --char-embedding 3 \
    --char-hidden 3 >/dev/null 2>&1
  head -n 120 "$data/timeseries/airline-passengers.csv" >"$dir/air.csv"
  "$recur" forecast train --data "$dir/air.csv" --target Passengers --date Month --lookback 6 --horizon 2 \
    --run "$dir/forecast" "${tiny[@]}" >/dev/null 2>&1
  "$recur" memory train --task copy --length 3 --items 2 --symbols 3 --batch 2 --val-examples 4 --run "$dir/memory" \
    "${tiny[@]}" >/dev/null 2>&1
  printf 'ab\tba\ncd\tdc\nabc\tcba\n' >"$dir/pairs.tsv"
  "$recur" seq2seq train --data "$dir/pairs.tsv" --run "$dir/seq2seq" "${tiny[@]}" --embedding 4 --batch 2 \
    --attention dot >/dev/null 2>&1
  printf '{"vector": [1, 2], "text": "a cat"}\n{"vector": [0, 1], "text": "a dog"}\n' >"$dir/captions.jsonl"
  "$recur" caption train --data "$dir/captions.jsonl" --run "$dir/caption" "${tiny[@]}" --embedding 4 --batch 2 \
    >/dev/null 2>&1
  for run in char classify tag forecast memory seq2seq caption; do
    [ -f "$dir/$run/last.safetensors" ] && seed checkpoint "$dir/$run/last.safetensors" "$run.safetensors"
  done
  return 0
}
prepare_seeds() {
  local h="$1"
  [ -d "$build/corpus/$h" ] && return 0
  mkdir -p "$build/corpus/$h"
  [ -d "fuzz/seeds/$h" ] && cp fuzz/seeds/"$h"/* "$build/corpus/$h/"
  case "$h" in
    safetensors) for f in tests/fixtures/*l1_uni_equal_f32.safetensors tests/fixtures/optimizers/*; do
                   [ -f "$f" ] && seed safetensors "$f"; done ;;
    checkpoint) make_checkpoint_seeds ;;
    text_decoding) slice text_decoding "" "$data/tinyshakespeare/input.txt" 2048
                   printf 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\xa0\x80 \xc0\x80' >"$build/corpus/$h/seed-utf8" ;;
    tsv) slice tsv '\x02' "$data/sst2/train.tsv" 2048 ;;
    conllu) slice conllu "" "$data/ud-english-lines/en_lines-ud-dev.conllu" 4096 ;;
    csv) for f in "$data"/timeseries/*.csv; do slice csv '\x01' "$f" 2048; done
         slice csv '\x0b' "$data/timeseries/pollution.csv" 4096 ;;
  esac
}

declare -A limits=([safetensors]=65536 [checkpoint]=65536)
summary=()
total_runs=0
total_seconds=0
total_findings=0
for h in "${harnesses[@]}"; do
  prepare_seeds "$h"
  mkdir -p "$build/findings/$h"
  dict=fuzz/dict/$h.dict
  case "$h" in
    checkpoint) cat fuzz/dict/safetensors.dict fuzz/dict/checkpoint.dict >"$build/checkpoint.dict"; dict="$build/checkpoint.dict" ;;
    text_decoding) dict=fuzz/dict/text.dict ;;
    frame_jsonl) dict=fuzz/dict/jsonl.dict ;;
    cli_flags) dict=fuzz/dict/cli.dict ;;
  esac
  log="$build/findings/$h.log"
  touch "$build/findings/$h.start"
  started=$SECONDS
  OMP_NUM_THREADS=1 "$build/fuzz/fuzz_$h" -max_total_time="${time_of[$h]}" -max_len="${limits[$h]:-16384}" \
    -rss_limit_mb=1024 -malloc_limit_mb=64 -timeout=10 -print_final_stats=1 -dict="$dict" \
    -artifact_prefix="$build/findings/$h/" "$build/corpus/$h" >"$log" 2>&1 || true
  took=$((SECONDS - started))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(ls "$build/corpus/$h" | wc -l)
  findings=$(find "$build/findings/$h" -type f -newer "$build/findings/$h.start" | wc -l)
  total_runs=$((total_runs + ${runs:-0}))
  total_seconds=$((total_seconds + took))
  total_findings=$((total_findings + findings))
  summary+=("$(printf '%-14s %12s %8s %8s %8s %8s %8s %9s' "$h" "${runs:-0}" "$took" "$((${runs:-0} / (took > 0 ? took : 1)))" \
    "${cov:-?}" "${ft:-?}" "$corpus" "$findings")")
done
printf '%-14s %12s %8s %8s %8s %8s %8s %9s\n' harness executions seconds exec/s cov ft corpus findings
printf '%s\n' "${summary[@]}"
echo "total: $total_runs executions in $total_seconds s, $total_findings findings"
[ "$total_findings" -eq 0 ]
