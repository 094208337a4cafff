#!/usr/bin/env bash
# Installs playwright-core as tests/browser/package-lock.json pins it into DIR/node_modules
# (npm ci; skipped when that lock is installed there already), and checks that Debian's chromium,
# which the tests drive, is there (scripts/deps.sh installs it).
#   setup.sh DIR
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: setup.sh DIR}
[ -x /usr/bin/chromium ] || { echo "browser tests: /usr/bin/chromium missing (bash scripts/deps.sh installs it)" >&2; exit 1; }
command -v npm >/dev/null || { echo "browser tests: npm missing (bash scripts/deps.sh installs it)" >&2; exit 1; }
mkdir -p "$dir"
if cmp -s "$src/package-lock.json" "$dir/node_modules/.llmsweep-package-lock.json"; then
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dir/"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
cp "$src/package-lock.json" "$dir/node_modules/.llmsweep-package-lock.json"
