#!/usr/bin/env bash
# Installs the Debian packages recur needs.
#
#   bash scripts/setup.sh          what building and running recur needs (the quick start)
#   bash scripts/setup.sh --tests  that, plus what the tests, checks and benchmarks need
#   bash scripts/setup.sh --fuzz   that, plus clang 14 and its libFuzzer and sanitizer runtimes (fuzz/run.sh)
#
# Idempotent: when everything is present it changes nothing and asks no server.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libopenblas-dev            # the GEMM library behind core/gemm (cblas.h)
  libopenblas0-openmp        # its OpenMP build, which recur links: one thread pool with its own kernels
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libdnnl-dev                # oneDNN: float layers run on its RNN primitives where measured faster
  fortunes                   # the default corpus of the README's main job
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(
    git
    googletest libgtest-dev libgmock-dev   # the unit suite
    libbenchmark-dev                       # bench/ micro-benchmarks (built with the suite)
    python3 python3-torch python3-numpy    # PyTorch references and the comparison in bench/
    chromium                               # headless browser check of HTML pages (scripts/check_html.sh)
    openmpi-bin libopenmpi-dev             # data-parallel training and its tests under mpirun (RECUR_MPI)
    time                                   # /usr/bin/time: CPU seconds of each run in docs/results/scaling.sh
  )
elif [ "${1:-}" = "--fuzz" ]; then
  packages+=(
    clang-14 libclang-rt-14-dev            # -fsanitize=fuzzer,address,undefined (libFuzzer is in libclang-rt)
    libomp-14-dev                          # OpenMP for clang
  )
elif [ $# -gt 0 ]; then
  echo "usage: bash scripts/setup.sh [--tests | --fuzz]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
