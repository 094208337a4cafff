#!/usr/bin/env bash
# Regenerates docs/figures/explorer.png, the README's screenshot of the explorer page, from
# sweep/current-hardware.toml (about 20 s). Run it whenever analysis/explore.py or
# analysis/explorer/ changes what the page shows. Needs build/llmsweep (scripts/build.sh) and the
# packages of scripts/deps.sh (chromium, python3-plotly, node/npm for playwright-core).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"  # the page names its file as given: a short relative name
"$repo/build/llmsweep" sweep "$repo/sweep/current-hardware.toml" -o current-hardware.h5 -q
PYTHONPATH="$repo" /usr/bin/python3 -m analysis explore current-hardware.h5 -o explorer -q
bash "$repo/tests/browser/setup.sh" "$repo/build/tests/browser"
NODE_PATH="$repo/build/tests/browser/node_modules" node "$repo/tests/browser/screenshot.js" \
  explorer/index.html "$repo/docs/figures/explorer.png"
echo "$repo/docs/figures/explorer.png"
