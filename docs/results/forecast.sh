#!/usr/bin/env bash
# The forecasting results of docs/results.md: six configurations (monthly
# sunspots at horizons 1 and 12, daily minimum temperatures at 1 and 7, Beijing
# PM2.5 at 1 and 24 hours). For each, a few candidate settings are trained and
# compared on the VALIDATION part only (their RMSE divided by persistence's on
# the same windows, since a longer lookback leaves fewer windows); the chosen
# one is then evaluated on the test part once, and that evaluation, with the
# command, the training time and the validation figures of every candidate, is
# written to docs/results/forecast-NAME.json. A table of all six goes to
# docs/results/forecast-summary.md.
#
#   docs/results/forecast.sh              (from the repository root, after building build/recur)
#   RECUR=path/to/recur DATA=path/to/timeseries RUNS=/tmp/runs docs/results/forecast.sh
#   ONLY=pm25-h1 docs/results/forecast.sh  (one configuration; the others' JSON files stay as they are)
#
# Every run uses one thread, under nice, seed 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
RECUR=${RECUR:-build/recur}
DATA=${DATA:-../shared/data/timeseries}
RUNS=${RUNS:-runs/forecast-results}
ONLY=${ONLY:-}
OUT=docs/results
CPU=$(lscpu | grep 'Model name' | sed 's/Model name: *//')
mkdir -p "$RUNS"

json_field() {  # json_field FILE EXPRESSION (python, on r = the parsed JSON)
  /usr/bin/python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print($2)" "$1"
}

# configuration NAME SEASON "COMMON FLAGS" "CANDIDATE FLAGS" ...
configuration() {
  local name=$1 season=$2 common=$3
  shift 3
  [[ -z "$ONLY" || "$ONLY" == "$name" ]] || return 0
  local best="" best_ratio="" best_seconds="" best_flags="" i=0 selection="[]"
  for flags in "$@"; do
    local run="$RUNS/$name-$i"
    rm -rf "$run"
    local command="recur forecast train $common $flags --seed 1 --threads 1 --run RUN"
    local start end seconds
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    nice -n 10 "$RECUR" forecast train $common $flags --seed 1 --threads 1 --run "$run" > "$run.log" 2>&1
    end=$(date +%s.%N)
    seconds=$(/usr/bin/python3 -c "print(round($end - $start, 1))")
    "$RECUR" forecast eval "$run" --part validation --season "$season" --threads 1 --json > "$run.validation.json"
    local rmse ratio
    rmse=$(json_field "$run.validation.json" 'r["rmse"]')
    ratio=$(json_field "$run.validation.json" 'r["rmse"] / r["baselines"]["persistence"]["rmse"]')
    echo "$name candidate $i: $flags -> validation RMSE $rmse ($ratio of persistence), trained in ${seconds}s" >&2
    selection=$(/usr/bin/python3 -c "import json, sys; s = json.loads(sys.argv[1]); s.append({'flags': sys.argv[2], \
'validation_rmse': float(sys.argv[3]), 'validation_rmse_over_persistence': float(sys.argv[4]), \
'training_seconds': float(sys.argv[5])}); print(json.dumps(s))" "$selection" "$flags" "$rmse" "$ratio" "$seconds")
    if [[ -z "$best" ]] || /usr/bin/python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$ratio" "$best_ratio"; then
      best=$run best_ratio=$ratio best_seconds=$seconds best_flags=$flags
    fi
    i=$((i + 1))
  done
  # The test part, once, for the chosen settings.
  "$RECUR" forecast eval "$best" --season "$season" --threads 1 --json > "$RUNS/$name.test.json"
  /usr/bin/python3 - "$RUNS/$name.test.json" "$OUT/forecast-$name.json" "$name" \
      "recur forecast train $common $best_flags --seed 1 --threads 1 --run RUN" \
      "recur forecast eval RUN --season $season --json" "$best_seconds" "$selection" "$CPU" <<'EOF'
import json, sys
source, target, name, train, evaluate, seconds, selection, cpu = sys.argv[1:]
report = json.load(open(source))
report.pop("checkpoint", None)
report = {"name": name, "train_command": train, "eval_command": evaluate, "training_seconds": float(seconds),
          "cpu": cpu, "selection_on_validation": json.loads(selection), **report}
json.dump(report, open(target, "w"), indent=1)
EOF
  echo "$name: test results in $OUT/forecast-$name.json" >&2
}

SUN="--data $DATA/monthly-sunspots.csv --target Sunspots --date Month --epochs 30"
configuration sunspots-h1 132 "$SUN" \
  "--lookback 48 --horizon 1 --cell gru --hidden 64" \
  "--lookback 24 --horizon 1 --cell lstm --hidden 32" \
  "--lookback 48 --horizon 1 --cell gru --hidden 64 --loss huber"
configuration sunspots-h12 132 "$SUN" \
  "--lookback 48 --horizon 12 --cell gru --hidden 64" \
  "--lookback 96 --horizon 12 --cell gru --hidden 64" \
  "--lookback 48 --horizon 12 --cell gru --hidden 64 --autoregressive"

TEMP="--data $DATA/daily-min-temperatures.csv --target Temp --date Date --calendar month --epochs 30"
configuration temperatures-h1 365 "$TEMP" \
  "--lookback 30 --horizon 1 --cell gru --hidden 32" \
  "--lookback 60 --horizon 1 --cell gru --hidden 64"
configuration temperatures-h7 365 "$TEMP" \
  "--lookback 30 --horizon 7 --cell gru --hidden 32" \
  "--lookback 60 --horizon 7 --cell gru --hidden 64" \
  "--lookback 30 --horizon 7 --cell gru --hidden 32 --autoregressive"

PM="--data $DATA/pollution.csv --target pm2.5 --date year,month,day,hour --features DEWP,TEMP,PRES,Iws,Is,Ir"
PM="$PM --categorical cbwd --calendar hour,month --missing interpolate"
# PM2.5 one hour ahead, the configuration short of the target: the first three
# candidates are the first version's; the rest were added in a second round
# (--residual, size, loss, lookback), and the test part was then read a second
# time, for whichever of all of them validation chose.
P1="--horizon 1 --schedule cosine --lr 0.003"
configuration pm25-h1 24 "$PM" \
  "--lookback 24 --horizon 1 --cell gru --hidden 64 --epochs 10" \
  "--lookback 24 --horizon 1 --cell gru --hidden 64 --loss huber --epochs 10" \
  "--lookback 24 --horizon 1 --cell lstm --hidden 64 --layers 2 --schedule cosine --lr 0.003 --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 64 --layers 2 --residual --epochs 10" \
  "--lookback 24 --horizon 1 --cell gru --hidden 64 --residual --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 128 --layers 2 --residual --epochs 20" \
  "--lookback 48 $P1 --cell lstm --hidden 64 --layers 2 --residual --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 128 --layers 2 --epochs 30" \
  "--lookback 24 --horizon 1 --schedule cosine --lr 0.001 --cell lstm --hidden 64 --layers 2 --epochs 30" \
  "--lookback 24 $P1 --cell lstm --hidden 64 --layers 2 --dropout 0.2 --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 64 --layers 2 --batch 64 --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 64 --layers 3 --epochs 10" \
  "--lookback 24 $P1 --cell gru --hidden 64 --layers 2 --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --huber-delta 0.5 --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --huber-delta 0.25 --epochs 10" \
  "--lookback 24 $P1 --cell gru --hidden 64 --layers 2 --loss huber --epochs 10" \
  "--lookback 24 $P1 --cell lstm --hidden 128 --layers 2 --loss huber --epochs 10" \
  "--lookback 48 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --epochs 10" \
  "--lookback 48 $P1 --cell gru --hidden 64 --layers 2 --loss huber --epochs 10" \
  "--lookback 48 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --epochs 20" \
  "--lookback 72 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --epochs 10" \
  "--lookback 96 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --epochs 10" \
  "--lookback 96 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --huber-delta 0.5 --epochs 10" \
  "--lookback 168 $P1 --cell lstm --hidden 64 --layers 2 --loss huber --epochs 10"
configuration pm25-h24 24 "$PM --epochs 10" \
  "--lookback 48 --horizon 24 --cell gru --hidden 64" \
  "--lookback 24 --horizon 24 --cell gru --hidden 64" \
  "--lookback 48 --horizon 24 --cell lstm --hidden 64 --layers 2 --schedule cosine --lr 0.003"

# The table of docs/results.md.
/usr/bin/python3 - "$OUT" <<'EOF' > "$OUT/forecast-summary.md"
import json, sys
out = sys.argv[1]
names = ["sunspots-h1", "sunspots-h12", "temperatures-h1", "temperatures-h7", "pm25-h1", "pm25-h24"]
cpus = {}  # the CPU each configuration's training time was measured on
for name in names:
    cpus.setdefault(json.load(open(f"{out}/forecast-{name}.json"))["cpu"], []).append(name)
print("Training times measured on: " + "; ".join(f"{cpu} ({', '.join(n)})" for cpu, n in cpus.items()) + "\n")
print("| series | horizon | test windows | model RMSE | persistence | seasonal naive (season) | linear AR | "
      "model RMSE at step 1 / persistence | model MAE | sMAPE | training |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name in names:
    r = json.load(open(f"{out}/forecast-{name}.json"))
    b = r["baselines"]
    step1 = r["per_step"][0]["rmse"] / b["persistence"]["per_step"][0]["rmse"]
    print(f"| {name.rsplit('-', 1)[0]} | {r['horizon']} | {r['windows']} | {r['rmse']:.4g} | "
          f"{b['persistence']['rmse']:.4g} | {b['seasonal_naive']['rmse']:.4g} ({r['season']}) | "
          f"{b['linear']['rmse']:.4g} | {step1:.3f} | {r['mae']:.4g} | {100 * r['smape']:.1f}% | "
          f"{r['training_seconds']:.0f} s |")
EOF
cat "$OUT/forecast-summary.md"
