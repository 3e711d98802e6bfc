#!/usr/bin/env bash
# The whole unit suite under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: builds recur and the tests in build-sanitize/
# with -DRECUR_SANITIZE=address,undefined, runs ctest, and fails on any test
# failure or any sanitizer report. scripts/test.sh runs it after the normal suite.
#
#   bash scripts/sanitize.sh
#
# Reports go to build-sanitize/reports/ (one file per process that reported),
# so that a report from a `recur` child of a CLI test is seen even when the
# test only checks that child's exit status.
#
# ThreadSanitizer (-DRECUR_SANITIZE=thread) is not run: recur's threads are
# OpenMP's, and Debian's libgomp is not built with TSan, so TSan does not see
# its barriers and reports every hand-over between parallel regions as a race
# (docs/reliability.md, "Sanitizers").
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-sanitize
reports="$PWD/$build/reports"

start=$SECONDS
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 with assertions on: the usual setting for sanitizers (full speed is not
# the point, and -O1 compiles in about half the time of -O3).
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 -DRECUR_SANITIZE=address,undefined -DRECUR_UNITY_BUILD=ON \
  -DRECUR_BUILD_TESTS=ON -DRECUR_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"${SANITIZE_JOBS:-2}" >"$build/build.log" 2>&1 || { tail -30 "$build/build.log"; exit 1; }
built=$SECONDS

rm -rf "$reports" && mkdir -p "$reports"
# exitcode=86: a report is never mistaken for recur's own exit status 1.
export ASAN_OPTIONS="log_path=$reports/asan:exitcode=86:detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=86"
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitize.supp:print_suppressions=0"
status=0
ctest --test-dir "$build" --output-on-failure -j2 -E '^CliMpi\.' || status=$?
# The mpirun tests with ASan and UBSan but without LeakSanitizer: Open MPI
# keeps allocations of the components it dlopens until exit and unloads them
# in MPI_Finalize, so LSan reports them from an "<unknown module>" that no
# suppression can name (seen on every rank, none from recur's code).
ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" ctest --test-dir "$build" --output-on-failure -j2 -R '^CliMpi\.' ||
  status=$?
ran=$SECONDS

count=$(find "$reports" -type f | wc -l)
if [ "$count" -gt 0 ]; then
  for f in "$reports"/*; do echo "== $f"; head -40 "$f"; done
fi
echo "sanitize: build $((built - start)) s, suite $((ran - built)) s, $count sanitizer reports, ctest status $status"
[ "$status" -eq 0 ] && [ "$count" -eq 0 ]
