#!/bin/bash
# Case B: the time-limit path of jobs/sweep.sbatch. Mid-run the batch shell gets SIGUSR1, as
# --signal=B:USR1@... delivers it before the limit; the script forwards it to the srun step,
# the sweep stops with exit 75, and the script requeues the job. The requeued run resumes the
# same file and completes it; the result equals an uninterrupted run.
#
# The test Slurm lets a requeued job start after 6 s (AuthInfo cred_expire=5) instead of the
# default 120 s.
#
# Usage: test_sweep_stop_requeue.sh LLMSWEEP_BINARY SOURCE_DIR
here=$(dirname "$(realpath "$0")")
# shellcheck source=tests/slurm/sweep_job_lib.sh
source "$here/sweep_job_lib.sh"
sweep_job_init "$@"

sweep_reference_run
t0=$SECONDS
out=$WORK/slurm.h5
log=$WORK/job.log
sweep_submit "$out" "$log"
job=$SWEEP_JOB
sweep_wait_mid_run "$job" "$log"
# What Slurm does at the warning time of --signal=B:USR1@SECONDS.
scancel --signal=USR1 --batch "$job" || slurm_fail "scancel --signal=USR1 --batch $job failed"
slurm_log "sent SIGUSR1 to the batch shell of job $job"
slurm_wait_gone "$job" 180
slurm_log "job $job left the queue after $((SECONDS - t0)) s"
cat "$log"

sweep_check_stopped_mid_run "$log"
grep -q "requeueing job $job" "$log" || slurm_fail "the job did not requeue itself"
[[ $(slurm_job_records "$job") == 2 ]] ||
  slurm_fail "expected 2 runs of job $job (stopped, requeued), jobcomp has: $(grep "^JobId=$job " "$SLURM_TEST_DIR/jobcomp.txt")"
grep -q "run 2 .* --resume$" "$log" || slurm_fail "the requeued run did not resume $out"
grep -q "(resumed: " "$log" || slurm_fail "llmsweep did not report a resumed file"
sweep_check_jobcomp "$job" COMPLETED 0:0
sweep_check_result "$out" "$log"
slurm_log "PASS"
