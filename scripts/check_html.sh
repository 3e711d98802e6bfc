#!/usr/bin/env bash
# Opens each HTML page in Debian's headless Chromium and checks it renders
# offline: no console error, no network request, the expected number of
# series in each SVG, and a screenshot PAGE.png beside each page.
#
#   scripts/check_html.sh [--expect-series N] [--screenshot-dir DIR] [--expect-element SELECTOR]...
#                         [--click SELECTOR --expect-change SELECTOR] PAGE.html...
#
# The work is done by check_html.py (DevTools protocol over a pipe; no Python
# package needed). Installs chromium when it is missing and we are root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "check_html: installing chromium" >&2
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
  else
    echo "check_html: chromium not found; install it with: sudo apt-get install chromium" >&2
    exit 2
  fi
fi
exec /usr/bin/python3 "$here/check_html.py" "$@"
