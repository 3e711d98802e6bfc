#!/usr/bin/env bash
# Bad input across the CLI: feeds every subcommand a table of bad inputs
# (missing, empty, binary, truncated, a huge line, the wrong encoding, the
# wrong format, flags out of range, conflicting flags) and checks each is
# refused cleanly:
#   - exit status 1 (recur's) or CLI11's own (100-114), never a signal;
#   - recur's refusal is one line on stderr, "recur: ...", naming the file or
#     flag (the table's expected fragment); CLI11's first line names the flag;
#   - nothing on stdout;
#   - no file or folder written or changed (the whole sandbox, runs included,
#     is listed with sizes and times before and after).
# Figures in docs/reliability.md.
#
#   bash scripts/bad_inputs.sh [BUILD_DIR]        (default build/)
set -uo pipefail
cd "$(dirname "$0")/.."
recur="$(realpath "${1:-build}/recur")"
box=$(mktemp -d /tmp/recur-bad-inputs.XXXXXX)
out=$(mktemp -d /tmp/recur-bad-inputs-out.XXXXXX)
trap 'rm -rf "$box" "$out"' EXIT
cd "$box"

# ---- inputs ------------------------------------------------------------------
python3 - <<'PY'
import random
random.seed(14)
words = "the a cat dog runs sees big small red blue and of to in".split()
lines = [" ".join(random.choice(words) for _ in range(random.randint(3, 9))) for _ in range(200)]
open("text.txt", "w").write("\n".join(lines) + "\n")
open("train.tsv", "w").write("".join(f"{l}\t{len(l) % 2}\n" for l in lines))
open("tag.tsv", "w").write("".join("".join(f"{w}\t{'N' if w in ('cat', 'dog') else 'X'}\n" for w in l.split()) + "\n" for l in lines))
open("series.csv", "w").write("date,value\n" + "".join(f"2020-01-{1 + i % 28:02d},{i % 7}\n" for i in range(0)) +
                              "".join(f"{2000 + i // 12}-{1 + i % 12:02d},{(i * 37) % 11}.5\n" for i in range(150)))
open("frames.jsonl", "w").write("".join('{"frames": [[%d, 1], [2, 3]], "label": "%s"}\n' % (i, "ab"[i % 2]) for i in range(40)))
open("binary.bin", "wb").write(bytes(random.randrange(256) for _ in range(4096)))
open("latin1.txt", "wb").write("café crème brûlée\tà la carte\n".encode("latin-1") * 50)
open("huge_line.txt", "w").write("a" * (16 << 20))  # one 16 MiB line, no tab, no newline
open("vectors.txt", "w").write("the 0.1 0.2\ncat 0.3\n")  # a short row
open("conllu.conllu", "w").write("# text = a b\n1\ta\t_\tX\t_\t_\t0\troot\t_\t_\n2\tb\t_\tX\t_\t_\t1\tdep\t_\t_\n\n")
open("bad.conllu", "w").write("1\ta\t_\tX\n\n")
open("truncated.csv", "w").write("date,value\n2000-01,1\n2000-02,2\n2000-03")
PY
: >empty.txt
cp empty.txt empty.tsv; cp empty.txt empty.csv; cp empty.txt empty.jsonl; cp empty.txt empty.safetensors
cp text.txt not_a_checkpoint.safetensors

# Runs to read (each task's), made before the snapshot.
quiet=(--max-iters 2 --eval-every 1 --threads 1)
"$recur" train --data text.txt --run char --hidden 8 --layers 1 --embedding 4 --batch 2 --seq 8 "${quiet[@]}" >/dev/null 2>&1
"$recur" classify train --data train.tsv --dev train.tsv --run cls --hidden 4 --word-embedding 4 "${quiet[@]}" >/dev/null 2>&1
"$recur" tag train --data tag.tsv --dev tag.tsv --run tagrun --hidden 4 --word-embedding 4 --char-encoder none "${quiet[@]}" >/dev/null 2>&1
"$recur" forecast train --data series.csv --target value --date date --lookback 4 --run fc --hidden 4 "${quiet[@]}" >/dev/null 2>&1
for run in char cls tagrun fc; do
  [ -f "$run/last.safetensors" ] || { echo "bad_inputs: could not make the $run run"; exit 1; }
done
head -c 300 char/last.safetensors >truncated.safetensors
mkdir -p emptydir

snapshot() { find . -printf '%p %y %s %T@\n' | sort; }

# ---- cases ---------------------------------------------------------------------
tried=0 refused=0
failures=()
# expect NEEDLE ARGS...: recur ARGS must be refused naming NEEDLE.
# expect_report NEEDLE ARGS...: the same for `recur check`, whose verdict per
# file is its report on stdout (FAIL naming the file) rather than one line.
expect_report() { report=1 expect "$@"; }
expect() {
  local needle="$1"; shift
  tried=$((tried + 1))
  local before; before=$(snapshot)
  "$recur" "$@" >"$out/stdout" 2>"$out/stderr" </dev/null
  local status=$?
  local after; after=$(snapshot)
  local problem=""
  local lines; lines=$(wc -l <"$out/stderr")
  local first; first=$(head -1 "$out/stderr")
  if [ "$status" -ge 128 ]; then problem="signal $((status - 128))"
  elif [ "$status" -eq 0 ]; then problem="accepted (exit 0)"
  elif [ "${report:-0}" -eq 1 ]; then
    first=$(grep -m1 "$needle" "$out/stdout" || true)
    [ "$status" -eq 1 ] && grep -q FAIL "$out/stdout" || problem="no FAIL in the report (exit $status)"
    : >"$out/stdout"
  elif [ "$status" -eq 1 ]; then
    if [ "$lines" -ne 1 ] || [[ "$first" != "recur: "* ]]; then problem="stderr is not one 'recur: ' line"; fi
  elif [ "$status" -lt 100 ] || [ "$status" -gt 114 ]; then problem="exit status $status"
  fi
  [ -z "$problem" ] && [[ "$first" != *"$needle"* ]] && problem="message does not name '$needle'"
  [ -z "$problem" ] && [ -s "$out/stdout" ] && problem="wrote to stdout"
  [ -z "$problem" ] && [ "$before" != "$after" ] && problem="files changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -3 | tr '\n' ' ')"
  if [ -z "$problem" ]; then refused=$((refused + 1))
  else failures+=("recur $* -> $problem [status $status: $(head -c 300 "$out/stderr" | tr '\n' '|')]"); fi
}

# train (character language model)
expect missing.txt       train --data missing.txt --run new
expect empty.txt         train --data empty.txt --run new
expect binary.bin        train --data binary.bin --run new
expect latin1.txt        train --data latin1.txt --run new
expect emptydir          train --data emptydir --run new
expect --hidden          train --data text.txt --run new --hidden 0
expect --layers          train --data text.txt --run new --layers -1
expect --lr              train --data text.txt --run new --lr -1
expect --dropout         train --data text.txt --run new --dropout 1.5
expect --batch           train --data text.txt --run new --batch 0
expect --seq             train --data text.txt --run new --seq 0
expect --eval-every      train --data text.txt --run new --eval-every 0
expect --monitor         train --data text.txt --run new --monitor accuracy
expect --monitor         classify train --data train.tsv --dev train.tsv --run new --monitor bleu
expect --ema             train --data text.txt --run new --ema 1
expect --ema             tag train --data conllu.conllu --run new --ema -0.5
expect --max-time        train --data text.txt --run new --max-time 10parsecs
expect --clip            train --data text.txt --run new --clip -5
expect --clip-mode       train --data text.txt --run new --clip-mode sideways
expect --optimizer       train --data text.txt --run new --optimizer adadelta
expect --cell            train --data text.txt --run new --cell transformer
expect --threads         train --data text.txt --run new --threads -2
expect --val-frac        train --data text.txt --run new --val-frac 1.5
expect --hidden          train --data text.txt --run new --hidden 99999999999999999999
expect --hidden          train --data text.txt --run new --hidden abc
expect char              train --data text.txt --run char
expect --hidden          train --resume char --hidden 16
expect missing_run       train --resume missing_run
expect emptydir          train --resume emptydir
expect truncated.safetensors train --resume truncated.safetensors
expect not_a_checkpoint.safetensors train --resume not_a_checkpoint.safetensors
expect cls               train --resume cls
expect --data            train --run new
# sample
expect missing_run       sample missing_run
expect empty.safetensors sample empty.safetensors
expect truncated.safetensors sample truncated.safetensors
expect not_a_checkpoint.safetensors sample not_a_checkpoint.safetensors
expect binary.bin        sample binary.bin
expect cls               sample cls
expect --temperature     sample char --temperature -1
expect --top-k           sample char --top-k -3
expect --top-p           sample char --top-p 2
expect --length          sample char --length -5
expect --prime           sample char --prime "ζζζ"
expect --threads         sample char --threads -1
# eval
expect --text            eval char
expect --split           eval char --text text.txt --split validation
expect missing.txt       eval char --text missing.txt
expect empty.txt         eval char --text empty.txt
expect binary.bin        eval char --text binary.bin
expect latin1.txt        eval char --text latin1.txt
expect --split           eval char --split sideways
expect --batch           eval char --text text.txt --batch 0
expect --seq             eval char --text text.txt --seq -4
expect truncated.safetensors eval truncated.safetensors --split validation
expect fc                eval fc --split validation
# classify
expect missing.tsv       classify train --data missing.tsv --run new
expect empty.tsv         classify train --data empty.tsv --run new
expect binary.bin        classify train --data binary.bin --run new
expect huge_line.txt     classify train --data huge_line.txt --run new
expect latin1.txt        classify train --data latin1.txt --run new
expect series.csv        classify train --data series.csv --run new
expect frames.jsonl      classify train --data frames.jsonl --format tsv --run new
expect empty.jsonl       classify train --data empty.jsonl --run new
expect vectors.txt       classify train --data train.tsv --embeddings vectors.txt --run new
expect --pooling         classify train --data train.tsv --run new --pooling median
expect --dropout         classify train --data train.tsv --run new --dropout -0.5
expect --format          classify train --data train.tsv --run new --format xml
expect --freeze-embeddings classify train --data train.tsv --run new --freeze-embeddings
expect --max-vocab       classify train --data train.tsv --run new --max-vocab 1
expect missing_run       classify eval missing_run --data train.tsv
expect tagrun            classify eval tagrun --data train.tsv
expect binary.bin        classify eval cls --data binary.bin
expect empty.tsv         classify predict cls empty.tsv
expect truncated.safetensors classify predict truncated.safetensors train.tsv
# tag
expect bad.conllu        tag train --data bad.conllu --run new
expect empty.tsv         tag train --data empty.tsv --run new
expect binary.bin        tag train --data binary.bin --run new
expect huge_line.txt     tag train --data huge_line.txt --run new
expect --column          tag train --data conllu.conllu --column colour --run new
expect --char-encoder    tag train --data tag.tsv --char-encoder cnn --run new
expect cls               tag predict cls tag.tsv
expect bad.conllu        tag eval tagrun --data bad.conllu
expect missing.conllu    tag predict tagrun missing.conllu
# forecast
expect missing.csv       forecast train --data missing.csv --target value --lookback 4 --run new
expect empty.csv         forecast train --data empty.csv --target value --lookback 4 --run new
expect binary.bin        forecast train --data binary.bin --target value --lookback 4 --run new
expect huge_line.txt     forecast train --data huge_line.txt --target value --lookback 4 --run new
expect train.tsv         forecast train --data train.tsv --target value --lookback 4 --run new
expect truncated.csv     forecast train --data truncated.csv --target value --lookback 4 --run new
expect --target          forecast train --data series.csv --target price --lookback 4 --run new
expect --lookback        forecast train --data series.csv --target value --lookback 0 --run new
expect --horizon         forecast train --data series.csv --target value --lookback 4 --horizon 0 --run new
expect --lookback        forecast train --data series.csv --target value --lookback 1000 --run new
expect --val-frac        forecast train --data series.csv --target value --lookback 4 --val-frac 0.7 --test-frac 0.7 --run new
expect --missing         forecast train --data series.csv --target value --lookback 4 --missing guess --run new
expect --loss            forecast train --data series.csv --target value --lookback 4 --loss cubic --run new
expect --date            forecast train --data series.csv --target value --date when --lookback 4 --run new
expect char              forecast eval char
expect binary.bin        forecast eval fc --data binary.bin
expect missing.csv       forecast predict fc --data missing.csv
# report, visualize, check, bench
expect missing_run       report missing_run
expect text.txt          report text.txt
expect --examples        report char --examples -1
expect missing_run       visualize missing_run --text text.txt
expect binary.bin        visualize char --text binary.bin
expect --max-chars       visualize char --text text.txt --max-chars -1
expect cls               visualize cls --text text.txt
expect_report missing.safetensors check missing.safetensors
expect_report truncated.safetensors check truncated.safetensors
expect_report char/last.safetensors check char/last.safetensors
expect --hidden          bench --hidden 0
expect --mode            bench --mode sideways
expect --batch           bench --batch -1
expect --cell            bench --cell gru --cell lstm --cell nope
# the command line itself
expect subcommand        sideways
expect --nonsense        train --nonsense

echo "bad_inputs: $tried bad inputs tried, $refused refused cleanly, ${#failures[@]} not"
for f in "${failures[@]}"; do echo "  $f"; done
[ "${#failures[@]}" -eq 0 ]
