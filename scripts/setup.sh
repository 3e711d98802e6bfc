#!/usr/bin/env bash
# Installs every Debian package recur needs to build, test and benchmark.
# Idempotent: when everything is present it changes nothing and asks no server.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libopenblas-dev            # the GEMM library behind core/gemm (cblas.h)
  libopenblas0-openmp        # its OpenMP build, which recur links: one thread pool with its own kernels
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libdnnl-dev                # oneDNN: the anchor in bench/
  python3 python3-torch python3-numpy   # reference generators and the PyTorch comparison
  fortunes                   # the default corpus of the README's main job
  chromium                   # headless browser check of report pages (scripts/check_html.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
