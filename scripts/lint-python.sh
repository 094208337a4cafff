#!/usr/bin/env bash
# Lints every Python file of the repository (analysis/, tests/browser/) with flake8 from Debian's
# python3-flake8 (scripts/deps.sh installs it), configured by .flake8. Exit status 0: clean.
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 -m flake8 "$@"
