#!/bin/bash
# Case A: jobs/sweep.sbatch, submitted to a real Slurm with 2 MPI tasks under srun, runs the
# smoke sweep to completion: the job COMPLETED with exit 0, the results file has no journal
# left, and its /points equal those of a direct one-process run.
#
# Usage: test_sweep_job.sh LLMSWEEP_BINARY SOURCE_DIR
here=$(dirname "$(realpath "$0")")
# shellcheck source=tests/slurm/sweep_job_lib.sh
source "$here/sweep_job_lib.sh"
sweep_job_init "$@"

sweep_reference_run
t0=$SECONDS
sweep_submit "$WORK/slurm.h5" "$WORK/job.log"
job=$SWEEP_JOB
# Polled, not `sbatch --wait`: that polls with growing sleeps and returns up to 30 s late.
slurm_wait_gone "$job" 180
slurm_log "job $job left the queue after $((SECONDS - t0)) s"
cat "$WORK/job.log"

sweep_check_jobcomp "$job" COMPLETED 0:0
[[ $(slurm_job_records "$job") == 1 ]] || slurm_fail "job $job ran more than once"
sweep_check_result "$WORK/slurm.h5" "$WORK/job.log"
slurm_log "PASS"
