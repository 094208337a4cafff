#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing, builds, and runs every
# test (labels unit, validation, cli, mpi, slurm, python, browser, fuzz, sanitize, tidy) with
# CTest, printing its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
