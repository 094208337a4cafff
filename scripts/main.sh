#!/usr/bin/env bash
# The main job: every scenario of the paper (sweep/paper.toml) on all local cores, then the
# report (figures and threshold tables) in results/report/. Installs and builds what is missing.
# A second run resumes results/paper.h5 (or finds it complete) instead of starting again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
mkdir -p results
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
mode=()
if [ -e results/paper.h5 ] || [ -e results/paper.h5.journal ]; then mode=(--resume); fi
# One rank per logical CPU: Open MPI counts slots by physical core unless told to count threads.
mpirun --use-hwthread-cpus -n "$(nproc)" build/llmsweep sweep sweep/paper.toml -o results/paper.h5 "${mode[@]}"
build/llmsweep summarize results/paper.h5
/usr/bin/python3 -m analysis report results/paper.h5 -o results/report
echo "llmsweep: report in results/report/report.md"
