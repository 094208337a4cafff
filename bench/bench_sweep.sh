#!/usr/bin/env bash
# Sweep-engine benchmarks (figures, not pass/fail): sweep/paper.toml on 1 and 2 ranks and the
# parallel efficiency between them; the coordinator's intake with trivial workers; a million
# explicit plans on 1 and 2 ranks; coordination efficiency on 2 to 64 ranks. About 6 minutes on
# 2 cores. Run after scripts/build.sh:
#   bash bench/bench_sweep.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$build/llmsweep
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
       OMPI_MCA_btl_vader_single_copy_mechanism=none

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>"$tmp/err"; t1=$(date +%s.%N); awk "BEGIN{print $t1 - $t0}"; }

echo "== sweep/paper.toml ($(nproc) cores)"
t1=$(seconds "$bin" sweep sweep/paper.toml -o "$tmp/p1.h5")
grep complete "$tmp/err" || true
t2=$(seconds mpirun -n 2 "$bin" sweep sweep/paper.toml -o "$tmp/p2.h5")
grep complete "$tmp/err" || true
h5diff "$tmp/p1.h5" "$tmp/p2.h5" /points /points && echo "1 and 2 ranks give the same /points"
awk -v a="$t1" -v b="$t2" 'BEGIN{printf "1 rank:  %6.1f s\n2 ranks: %6.1f s\nspeed-up %.2f, parallel efficiency %.0f %%\n", a, b, a/b, 100*a/(2*b)}'

echo "== coordinator intake, trivial workers (defaults: about a minute)"
mpirun -n 3 --oversubscribe "$build/bench/bench_coordinator"

echo "== a million explicit plans (bench/million.toml): 1 rank against 2"
m1=$(seconds "$bin" sweep bench/million.toml -o "$tmp/m1.h5")
grep complete "$tmp/err" || true
m2=$(seconds mpirun -n 2 "$bin" sweep bench/million.toml -o "$tmp/m2.h5")
grep complete "$tmp/err" || true
h5diff "$tmp/m1.h5" "$tmp/m2.h5" /points /points && echo "1 and 2 ranks give the same /points"
awk -v a="$m1" -v b="$m2" 'BEGIN{printf "1 rank: %.2f s wall, 2 ranks: %.2f s wall, ratio %.2f\n", a, b, b/a}'

echo "== coordination efficiency with many ranks (stand-in workers sleep their cost)"
for cost in 1000 20; do
  for ranks in 2 8 32 64; do
    mpirun -n "$ranks" --oversubscribe "$build/bench/bench_ranks" "$cost" | head -1
  done
done
