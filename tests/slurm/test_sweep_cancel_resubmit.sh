#!/bin/bash
# Case C: a job stopped for good with plain `scancel` (SIGTERM to the batch shell and the
# step, SIGKILL after KillWait) stops the sweep cleanly mid-run and is not requeued; the same
# script submitted again resumes the file and completes it; the result equals an
# uninterrupted run.
#
# Usage: test_sweep_cancel_resubmit.sh LLMSWEEP_BINARY SOURCE_DIR
here=$(dirname "$(realpath "$0")")
# shellcheck source=tests/slurm/sweep_job_lib.sh
source "$here/sweep_job_lib.sh"
sweep_job_init "$@"

sweep_reference_run
t0=$SECONDS
out=$WORK/slurm.h5
sweep_submit "$out" "$WORK/job1.log"
job=$SWEEP_JOB
sweep_wait_mid_run "$job" "$WORK/job1.log"
scancel "$job" || slurm_fail "scancel $job failed"
slurm_log "cancelled job $job"
slurm_wait_gone "$job" 60
cat "$WORK/job1.log"
sweep_check_stopped_mid_run "$WORK/job1.log"
sweep_check_jobcomp "$job" CANCELLED
[[ $(slurm_job_records "$job") == 1 ]] || slurm_fail "the cancelled job $job was requeued"
grep -q requeueing "$WORK/job1.log" && slurm_fail "the cancelled job tried to requeue itself"
[[ -e $out || -e $out.journal ]] || slurm_fail "the cancelled run left nothing to resume"

sweep_submit "$out" "$WORK/job2.log"
job2=$SWEEP_JOB
slurm_wait_gone "$job2" 180
slurm_log "both jobs done after $((SECONDS - t0)) s"
cat "$WORK/job2.log"
grep -q "(resumed: " "$WORK/job2.log" || slurm_fail "the resubmitted job did not resume $out"
sweep_check_jobcomp "$job2" COMPLETED 0:0
sweep_check_result "$out" "$WORK/job2.log"
slurm_log "PASS"
