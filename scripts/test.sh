#!/usr/bin/env bash
# The README's test command, and what CI runs: installs what the tests and
# checks need, builds everything (library, recur, tests, benchmarks), runs
# the unit suite, then opens a run's pages in headless Chromium
# (scripts/check_pages.sh), feeds every subcommand a table of bad inputs
# (scripts/bad_inputs.sh), and runs the unit suite again under AddressSanitizer
# and UndefinedBehaviorSanitizer (scripts/sanitize.sh, its own build).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --tests
# The options are given explicitly: the quick start may have configured build/
# without the tests.
# A unity build of the library and the command, as the quick start compiles
# them, so that CI also proves the quick start's build.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRECUR_BUILD_TESTS=ON -DRECUR_BUILD_BENCH=ON -DRECUR_UNITY_BUILD=ON
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2
# The pages of a real run in headless Chromium (report, visualize, unit picker).
bash scripts/check_pages.sh build
# Every subcommand refuses bad input cleanly (docs/reliability.md).
bash scripts/bad_inputs.sh build
# The whole unit suite under ASan+UBSan, in build-sanitize/ (docs/reliability.md gives its time).
bash scripts/sanitize.sh
