#!/bin/bash
# Submit jobs/sweep.sbatch as a chain of COUNT jobs instead of one self-requeueing job: each
# job starts when the one before has ended, however it ended (--dependency=afterany), and
# resumes the same output file. Use it where `scontrol requeue` is not allowed or requeued
# jobs wait long. A job after a complete sweep finds nothing to do and exits 0 within
# seconds; `scancel` the rest of the chain once the log says "complete".
#
#   SPEC=sweep/paper.toml OUT=results/paper.h5 jobs/sweep-followup.sh 4 [sbatch options...]
#
# Prints the job ids. SPEC, OUT, LLMSWEEP and SWEEP_ARGS reach every job as for sbatch.
set -euo pipefail
if [[ $# -lt 1 || ! $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 COUNT [sbatch options...]" >&2
  exit 2
fi
count=$1
shift
script=$(dirname "$0")/sweep.sbatch
export REQUEUE=0  # the chain continues the sweep; no job requeues itself
dep=()
for ((i = 1; i <= count; i++)); do
  job=$(sbatch --parsable "${dep[@]}" "$@" "$script")
  job=${job%%;*}  # --parsable prints "id[;cluster]"
  echo "$job"
  dep=(--dependency=afterany:"$job")
done
