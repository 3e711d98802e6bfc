#!/usr/bin/env bash
# A full disk and a folder that turns read-only under a training run: the run
# stops with one clear line naming the checkpoint, and the previous checkpoint
# is still whole and loads. Needs root (it mounts small tmpfs file systems).
# Figures in docs/reliability.md.
#
#   bash scripts/disk_faults.sh [BUILD_DIR]        (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
recur="$(realpath "${1:-build}/recur")"
work=$(mktemp -d /tmp/recur-disk-faults.XXXXXX)
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$(id -u)" -ne 0 ]; then echo "disk_faults: needs root (mount -t tmpfs)"; exit 1; fi

python3 -c "
import random; random.seed(1)
w = 'the a cat dog runs sees big small red blue and of to in'.split()
print('\n'.join(' '.join(random.choice(w) for _ in range(8)) for _ in range(3000)))" >"$work/input.txt"
settings=(--data "$work/input.txt" --hidden 48 --layers 1 --embedding 8 --batch 4 --seq 16 --eval-every 5 --threads 1)
"$recur" train "${settings[@]}" --max-iters 5 --run "$work/seed" >/dev/null 2>&1
failures=0
check() {  # NAME RUN STDERR [PREFIX]: one 'recur: ' line starting with PREFIX, previous checkpoint whole
  local name="$1" run="$2" err="$3" prefix="${4:-recur: cannot write $2/}"
  local line; line=$(grep '^recur: ' "$err" || true)
  if [ "$(grep -c '^recur: ' "$err")" -ne 1 ] || [[ "$line" != "$prefix"* ]]; then
    echo "disk_faults: $name: expected one '$prefix...' line, got: $(tail -3 "$err")"; failures=$((failures + 1))
  else
    echo "disk_faults: $name: $line"
  fi
  for f in "$run"/*.safetensors; do
    "$recur" eval "$f" --text "$work/input.txt" --threads 1 >/dev/null 2>&1 ||
      { echo "disk_faults: $name: $f does not load"; failures=$((failures + 1)); }
  done
  if ls "$run"/*.tmp >/dev/null 2>&1; then echo "disk_faults: $name: a temporary file was left"; failures=$((failures + 1)); fi
}

# Full disk: a tmpfs just large enough for the run as it stands; the next
# checkpoint cannot be written.
size_kb=$(( $(du -sk "$work/seed" | cut -f1) + 64 ))
mkdir -p "$work/full"
mount -t tmpfs -o size=${size_kb}k tmpfs "$work/full"; mounts+=("$work/full")
cp -a "$work/seed" "$work/full/run"
cp "$work/full/run/last.safetensors" "$work/before.safetensors"
status=0
"$recur" train --resume "$work/full/run" --max-iters 20 --threads 1 >/dev/null 2>"$work/full.err" || status=$?
[ "$status" -eq 1 ] || { echo "disk_faults: full disk: exit status $status"; failures=$((failures + 1)); }
check "full disk (tmpfs of ${size_kb} KiB)" "$work/full/run" "$work/full.err"
cmp -s "$work/before.safetensors" "$work/full/run/last.safetensors" ||
  { echo "disk_faults: full disk: last.safetensors changed"; failures=$((failures + 1)); }

# Read-only: the run folder's file system is read-only when the run resumes.
# (A file system cannot be remounted read-only under a running training: the
# run keeps log.csv and its lock open, and the kernel refuses with EBUSY. A
# write failing mid-run is the full-disk case above.)
mkdir -p "$work/ro"
mount -t tmpfs -o size=64m tmpfs "$work/ro"; mounts+=("$work/ro")
cp -a "$work/seed" "$work/ro/run"
cp "$work/ro/run/last.safetensors" "$work/before.safetensors"
mount -o remount,ro "$work/ro"
status=0
"$recur" train --resume "$work/ro/run" --max-iters 20 --threads 1 >/dev/null 2>"$work/ro.err" || status=$?
[ "$status" -eq 1 ] || { echo "disk_faults: read-only: exit status $status"; failures=$((failures + 1)); }
check "read-only folder" "$work/ro/run" "$work/ro.err" "recur: cannot open $work/ro/run/lock: Read-only file system"
cmp -s "$work/before.safetensors" "$work/ro/run/last.safetensors" ||
  { echo "disk_faults: read-only: last.safetensors changed"; failures=$((failures + 1)); }

echo "disk_faults: $failures failures"
[ "$failures" -eq 0 ]
