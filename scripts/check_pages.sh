#!/usr/bin/env bash
# The pages of real runs, in a real browser: trains a tiny model for a few
# iterations with --report, writes its visualize page, and opens both in
# headless Chromium (scripts/check_html.sh): no console error, no network
# request, the declared series in every plot, a screenshot of each, and the
# unit picker driven once (a mouse click on a feature's button must recolour
# the text). The same for the --report pages of a tiny seq2seq and caption
# run (their table of dev outputs with marked errors, the caption's vector
# images). Then the report of a run folder with a truncated log.csv must
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

# A seq2seq and a caption run: their pages hold the table of dev outputs with
# wrong tokens marked (a few iterations leave plenty), and the caption's
# vectors (width 16) as small grey images; the seq2seq run monitors dev exact
# match, which its page plots.
for word in ab ba abc cab bca aab bba cc acb bac ca cb abba; do
  printf '%s\t%s\n' "$word" "$(printf '%s' "$word" | sed 's/./& /g; s/ $//' | tr 'abc' 'ABC')"
done > "$work/g2p.tsv"
"$recur" seq2seq train --data "$work/g2p.tsv" --dev "$work/g2p.tsv" --target-tokens word --run "$work/seq2seq" \
  --hidden 16 --embedding 8 --batch 4 --max-iters 40 --eval-every 20 --threads 1 --monitor exact_match --report 2> "$work/train.log" \
  || { cat "$work/train.log" >&2; exit 1; }
for i in $(seq 0 15); do
  printf '{"vector": [%s], "text": "%s"}\n' \
    "$(for j in $(seq 0 15); do [ $j = $i ] && printf '1' || printf '0'; [ $j = 15 ] || printf ', '; done)" \
    "$([ $((i % 2)) = 0 ] && echo 'an even one' || echo 'odd')"
done > "$work/captions.jsonl"
"$recur" caption train --data "$work/captions.jsonl" --dev "$work/captions.jsonl" --run "$work/caption" \
  --hidden 16 --embedding 8 --batch 4 --max-iters 40 --eval-every 20 --threads 1 --report 2> "$work/train.log" \
  || { cat "$work/train.log" >&2; exit 1; }

# A young run: its log cut in the middle of a line, no checkpoint yet.
mkdir -p "$work/young"
# (the header, its first row, and its second row less its last ten bytes, whatever the columns)
head -n 3 "$work/run/log.csv" | head -c -10 > "$work/young/log.csv"
"$recur" report "$work/young" > /dev/null

out="${CHECK_PAGES_SCREENSHOTS:-$work}"
bash "$here/check_html.sh" --screenshot-dir "$out" "$work/run/report.html"
bash "$here/check_html.sh" --screenshot-dir "$out/young" "$work/young/report.html"
bash "$here/check_html.sh" --screenshot-dir "$out/seq2seq" --expect-element 'table.generation-outputs td' \
  --expect-element 'table.generation-outputs .sub, table.generation-outputs .ins, table.generation-outputs .del' \
  --expect-element 'svg [data-series="exact_match"]' "$work/seq2seq/report.html"
bash "$here/check_html.sh" --screenshot-dir "$out/caption" --expect-element 'table.generation-outputs td' \
  --expect-element 'table.generation-outputs svg [data-series="image"]' "$work/caption/report.html"
bash "$here/check_html.sh" --screenshot-dir "$out" \
  --click '#feature-buttons button:nth-of-type(2)' --expect-change '#vis-text' "$work/visualize.html"
grep -q "is cut short" "$work/young/report.html" || { echo "check_pages: the young run's report does not say its log is cut short" >&2; exit 1; }
echo "check_pages: ok"
