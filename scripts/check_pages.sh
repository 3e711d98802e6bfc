#!/usr/bin/env bash
# The pages of a real run, in a real browser: trains a tiny model for a few
# iterations with --report, writes its visualize page, and opens both in
# headless Chromium (scripts/check_html.sh): no console error, no network
# request, the declared series in every plot, a screenshot of each, and the
# unit picker driven once (a mouse click on a feature's button must recolour
# the text). Then the report of a run folder with a truncated log.csv must
# still render. Run by scripts/test.sh after the unit suite; about 20 s.
#
#   scripts/check_pages.sh [BUILD_DIR]     (default: build; needs build/recur)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
recur="$build/recur"
[ -x "$recur" ] || { echo "check_pages: $recur not found; build the recur target first" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/recur_check_pages_XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A text with quotes, brackets and indentation: the project's own sources.
# (Through a file, not a pipe: head stopping early would kill cat with SIGPIPE,
# which pipefail turns into a failure of this script.)
cat "$here"/../src/report/*.cpp > "$work/sources.txt"
head -c 60000 "$work/sources.txt" > "$work/text.txt"
"$recur" train --data "$work/text.txt" --run "$work/run" --hidden 32 --layers 1 --batch 8 --seq 32 \
  --max-iters 40 --eval-every 20 --threads 1 --report 2> "$work/train.log" || { cat "$work/train.log" >&2; exit 1; }
"$recur" visualize "$work/run" --text "$work/text.txt" --max-chars 1500 --out "$work/visualize.html" \
  --threads 1 > "$work/units.txt"

# A young run: its log cut in the middle of a line, no checkpoint yet.
mkdir -p "$work/young"
head -c 200 "$work/run/log.csv" > "$work/young/log.csv"
"$recur" report "$work/young" > /dev/null

out="${CHECK_PAGES_SCREENSHOTS:-$work}"
bash "$here/check_html.sh" --screenshot-dir "$out" "$work/run/report.html"
bash "$here/check_html.sh" --screenshot-dir "$out/young" "$work/young/report.html"
bash "$here/check_html.sh" --screenshot-dir "$out" \
  --click '#feature-buttons button:nth-of-type(2)' --expect-change '#vis-text' "$work/visualize.html"
grep -q "is cut short" "$work/young/report.html" || { echo "check_pages: the young run's report does not say its log is cut short" >&2; exit 1; }
echo "check_pages: ok"
