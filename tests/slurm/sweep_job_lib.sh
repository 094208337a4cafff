# shellcheck shell=bash
# Steps shared by the tests of jobs/sweep.sbatch: argument handling, the uninterrupted
# reference run, submission, log polling and result checks. Sourcing it brings slurm_env.sh.
#
# Every test script takes: LLMSWEEP_BINARY SOURCE_DIR  (CTest passes both).

# shellcheck source=tests/slurm/slurm_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/slurm_env.sh"

sweep_job_init() {
  [[ $# -eq 2 ]] || { echo "usage: $0 LLMSWEEP_BINARY SOURCE_DIR" >&2; exit 2; }
  LLMSWEEP=$(realpath "$1") && SOURCE_DIR=$(realpath "$2") || exit 2
  [[ -x $LLMSWEEP ]] || { echo "$0: no llmsweep binary at $1" >&2; exit 2; }
  SPEC=$SOURCE_DIR/sweep/smoke.toml
  JOB_SCRIPT=$SOURCE_DIR/jobs/sweep.sbatch
  command -v h5diff >/dev/null || slurm_fail "h5diff not found: install hdf5-tools"
  slurm_env_start
  WORK=$SLURM_TEST_DIR/work
}

# The uninterrupted run that every Slurm result must equal: one process, no Slurm.
sweep_reference_run() {
  local t0=$SECONDS
  timeout 180 "$LLMSWEEP" sweep "$SPEC" -o "$WORK/direct.h5" -q >"$WORK/direct.log" 2>&1 ||
    { cat "$WORK/direct.log" >&2; slurm_fail "the direct reference run failed"; }
  slurm_log "reference run (one process, no Slurm): $((SECONDS - t0)) s"
}

# Submit jobs/sweep.sbatch as a user would, with 2 tasks on the one node; the time limit
# stays well above the --signal lead of the script, or the warning would come at once.
# Sets SWEEP_JOB to the job id. Extra arguments go to sbatch.
sweep_submit() {
  local out=$1 log=$2
  shift 2
  SWEEP_JOB=$(SPEC=$SPEC OUT=$out LLMSWEEP=$LLMSWEEP SWEEP_ARGS="--progress-interval 0.2" \
    sbatch --parsable -D "$WORK" --nodes=1 --ntasks-per-node=2 --time=10 -o "$log" "$@" "$JOB_SCRIPT") ||
    slurm_fail "sbatch refused the job script"
  slurm_log "submitted job $SWEEP_JOB"
}

# The latest progress line of a log as "DONE TOTAL" ("0 0" if none yet).
sweep_progress() {
  local p done_ total
  p=$(grep -o '[0-9]*/[0-9]* points (' "$1" 2>/dev/null | tail -n 1 | tr '/' ' ')
  read -r done_ total _ <<<"${p:-0 0}"
  echo "$done_ $total"
}

# Until the sweep of job $1 is running and has recorded some, but not all, points; then the
# stop that follows really interrupts it mid-run.
sweep_wait_mid_run() {
  local job=$1 log=$2 done_ total
  slurm_poll 60 "read -r done_ total < <(sweep_progress $log); ((done_ > 0)) || slurm_job_gone $job"
  read -r done_ total < <(sweep_progress "$log")
  ((done_ > 0 && done_ < total)) ||
    { cat "$log" >&2; slurm_fail "job $job never was mid-run (progress $done_ of $total)"; }
  slurm_log "job $job is mid-run: $done_ of $total points done"
}

# From the log: the sweep stopped early, and how many points were done then.
sweep_check_stopped_mid_run() {
  local log=$1 line n total
  line=$(grep -m1 'llmsweep sweep: stopped' "$log") ||
    { cat "$log" >&2; slurm_fail "the log shows no early stop"; }
  grep -q 'llmsweep exited with 75' "$log" || { cat "$log" >&2; slurm_fail "the stopped run did not exit 75"; }
  read -r n total < <(sed -n 's/.* \([0-9]*\) of \([0-9]*\) done.*/\1 \2/p' <<<"$line")
  if [[ -z $n || -z $total ]] || ((n == 0 || n >= total)); then
    cat "$log" >&2
    slurm_fail "the stop was not mid-run: '$line'"
  fi
  slurm_log "stopped mid-run: $n of $total points done at the stop"
}

# The job's final jobcomp record says STATE and, if given, exit code CODE (e.g. COMPLETED 0:0).
sweep_check_jobcomp() {
  local job=$1 state=$2 code=${3:-} got_state got_code
  got_state=$(slurm_job_field "$job" JobState)
  got_code=$(slurm_job_field "$job" ExitCode)
  [[ $got_state == "$state" && ( -z $code || $got_code == "$code" ) ]] ||
    slurm_fail "job $job ended $got_state exit $got_code, expected $state exit $code"
}

# A complete results file without journal, equal to the reference run in /points.
sweep_check_result() {
  local out=$1 log=$2
  [[ -f $out ]] || { cat "$log" >&2; slurm_fail "no results file $out"; }
  [[ ! -e $out.journal ]] || slurm_fail "the journal $out.journal is still there after a complete run"
  grep -q 'llmsweep sweep: complete' "$log" || { cat "$log" >&2; slurm_fail "the log does not say complete"; }
  h5diff "$WORK/direct.h5" "$out" /points /points >"$WORK/h5diff.out" 2>&1 ||
    { cat "$WORK/h5diff.out" >&2; slurm_fail "/points of $out differs from the uninterrupted run"; }
  slurm_log "$out: complete, no journal, /points identical to the uninterrupted run"
}
