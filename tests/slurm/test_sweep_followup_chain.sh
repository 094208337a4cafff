#!/bin/bash
# jobs/sweep-followup.sh: a chain of 3 jobs with --dependency=afterany. The first is stopped
# mid-run by the time-limit warning (SIGUSR1 to the batch shell) and, with REQUEUE=0, ends
# with exit 75 (FAILED) instead of requeueing; the second resumes and completes the file;
# the third finds it complete and exits 0 at once. The result equals an uninterrupted run.
#
# Usage: test_sweep_followup_chain.sh LLMSWEEP_BINARY SOURCE_DIR
here=$(dirname "$(realpath "$0")")
# shellcheck source=tests/slurm/sweep_job_lib.sh
source "$here/sweep_job_lib.sh"
sweep_job_init "$@"

sweep_reference_run
t0=$SECONDS
out=$WORK/slurm.h5
jobs=$(SPEC=$SPEC OUT=$out LLMSWEEP=$LLMSWEEP SWEEP_ARGS="--progress-interval 0.2" \
  "$SOURCE_DIR/jobs/sweep-followup.sh" 3 -D "$WORK" --nodes=1 --ntasks-per-node=2 --time=10 -o "$WORK/job-%j.log") ||
  slurm_fail "jobs/sweep-followup.sh failed"
mapfile -t ids <<<"$jobs"
[[ ${#ids[@]} == 3 ]] || slurm_fail "expected 3 job ids, got: $jobs"
j1=${ids[0]} j2=${ids[1]} j3=${ids[2]}
slurm_log "submitted the chain $j1 -> $j2 -> $j3"
sweep_wait_mid_run "$j1" "$WORK/job-$j1.log"
scancel --signal=USR1 --batch "$j1" || slurm_fail "scancel --signal=USR1 --batch $j1 failed"
for j in $j1 $j2 $j3; do slurm_wait_gone "$j" 180; done
slurm_log "chain done after $((SECONDS - t0)) s"
for j in $j1 $j2 $j3; do cat "$WORK/job-$j.log"; done

sweep_check_stopped_mid_run "$WORK/job-$j1.log"
grep -q requeueing "$WORK/job-$j1.log" && slurm_fail "job $j1 requeued itself despite REQUEUE=0"
sweep_check_jobcomp "$j1" FAILED 75:0
grep -q "(resumed: " "$WORK/job-$j2.log" || slurm_fail "job $j2 did not resume $out"
sweep_check_jobcomp "$j2" COMPLETED 0:0
sweep_check_result "$out" "$WORK/job-$j2.log"
grep -q "complete: 0 points computed" "$WORK/job-$j3.log" || slurm_fail "job $j3 found work after a complete sweep"
sweep_check_jobcomp "$j3" COMPLETED 0:0
slurm_log "PASS"
