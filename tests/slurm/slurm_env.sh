# shellcheck shell=bash disable=SC2016  # slurm_poll takes code to eval, in single quotes
# A private, real Slurm 22.05 on this machine for one test: munged, slurmctld and slurmd with
# their own key, config, ports, state and logs under one temporary folder. Source this file,
# then call slurm_env_start; it installs an EXIT trap that stops what it started, so cleanup
# happens however the test ends. See docs/PLATFORM.md ("A real Slurm on one machine").
#
#   source tests/slurm/slurm_env.sh
#   slurm_env_start                 # exports SLURM_CONF; $SLURM_TEST_DIR is the temp folder
#   jobid=$(sbatch --parsable ...)
#   slurm_wait_gone "$jobid" 120    # until the job has left the queue
#   slurm_job_field "$jobid" JobState
#
# Needs root (SlurmUser=root) and the packages slurm-wlm and munge. A daemon that does not
# start fails the test with that daemon's own output; nothing here skips.
#
# Only processes this harness started are stopped, by PID: the three daemons, and whatever
# still holds a file under $SLURM_TEST_DIR open (slurmstepd outlives slurmd; job tasks).

SLURM_TEST_CPUS=${SLURM_TEST_CPUS:-8}  # advertised CPUs (config_overrides): more than the cores
SLURM_TEST_KILLWAIT=${SLURM_TEST_KILLWAIT:-10}
# Seconds a requeued job waits before it may start again (Slurm's default is 120).
SLURM_TEST_CRED_EXPIRE=${SLURM_TEST_CRED_EXPIRE:-5}

SLURM_TEST_DIR=
declare -A SLURM_TEST_PIDS=()

slurm_log() { printf '[slurm-test %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Print the daemons' own log files, for a failure message. NAME.out (what a daemon wrote to
# stdout/stderr) only where NAME.log is empty: in the foreground slurmctld copies its log
# there, and what it prints before it opens the log (a bad config) lands only there.
slurm_dump_logs() {
  local f
  for f in "$SLURM_TEST_DIR"/log/*; do
    [[ -s $f ]] || continue
    [[ $f == *.out && -s ${f%.out}.log ]] && continue
    printf '\n----- %s (last 60 lines) -----\n' "${f##*/}" >&2
    tail -n 60 "$f" >&2
  done
}

# Fail the test; the EXIT trap of slurm_env_start prints the daemon logs and cleans up.
slurm_fail() {
  slurm_log "FAIL: $*"
  exit 1
}

# A TCP port nobody listens on (from /proc/net/tcp{,6}, so no ss/netstat is needed), below
# the kernel's ephemeral range so that no outgoing connection takes it before the daemon.
slurm_free_port() {
  local -A used=()
  local local_ state port
  while read -r _ local_ _ state _; do
    [[ $state == 0A ]] && used[$((16#${local_##*:}))]=1  # 0A: LISTEN
  done < <(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -v local_address)
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    [[ -z ${used[$port]:-} ]] && { echo "$port"; return 0; }
  done
  return 1
}

# Poll CMD (a string for eval) every 0.2 s until it succeeds or SECONDS_ pass.
slurm_poll() {
  local seconds_=$1 cmd=$2 end=$((SECONDS + $1))
  until eval "$cmd"; do
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}

# Start a daemon in the foreground of a background job, so that $! is its own PID.
slurm_spawn() {
  local name=$1
  shift
  "$@" >"$SLURM_TEST_DIR/log/$name.out" 2>&1 &
  SLURM_TEST_PIDS[$name]=$!
}

slurm_alive() { kill -0 "${SLURM_TEST_PIDS[$1]}" 2>/dev/null; }

# A daemon did not come up: fail with its own output and log, and nothing else.
slurm_fail_daemon() {
  local name=$1 why=$2 status='' f
  if ! slurm_alive "$name"; then
    wait "${SLURM_TEST_PIDS[$name]}"
    status=" (exit status $?)"
  fi
  slurm_log "FAIL: $name $why$status; its output follows"
  for f in "$SLURM_TEST_DIR/log/$name.out" "$SLURM_TEST_DIR/log/$name.log"; do
    [[ -s $f ]] && { printf '\n----- %s -----\n' "${f##*/}" >&2; tail -n 60 "$f" >&2; }
  done
  SLURM_TEST_LOGS_SHOWN=1
  exit 1
}

slurm_require() {
  local c
  for c in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
    command -v "$c" >/dev/null || slurm_fail "$c not found: install slurm-wlm and munge"
  done
  ((EUID == 0)) || slurm_fail "the test Slurm runs with SlurmUser=root and must be started as root"
}

slurm_start_munge() {
  local d=$SLURM_TEST_DIR/munge
  mkdir -p "$d"
  chmod 0700 "$d"  # munged refuses a key folder that others can read
  mungekey --create --keyfile="$d/munge.key" >"$SLURM_TEST_DIR/log/mungekey.out" 2>&1 ||
    slurm_fail "mungekey could not create a key"
  slurm_spawn munged munged --foreground --key-file="$d/munge.key" --socket="$SLURM_TEST_DIR/sock/munge.socket" \
    --pid-file="$d/munged.pid" --seed-file="$d/munged.seed" --log-file="$SLURM_TEST_DIR/log/munged.log" \
    --num-threads=2
  slurm_poll 10 '[[ -S $SLURM_TEST_DIR/sock/munge.socket ]] || ! slurm_alive munged'
  slurm_alive munged || slurm_fail_daemon munged "exited at start"
  [[ -S $SLURM_TEST_DIR/sock/munge.socket ]] || slurm_fail_daemon munged "made no socket in 10 s"
}

slurm_write_config() {
  local d=$SLURM_TEST_DIR ctld_port slurmd_port
  if ! ctld_port=$(slurm_free_port) || ! slurmd_port=$(slurm_free_port); then slurm_fail "no free TCP port"; fi
  while [[ $slurmd_port == "$ctld_port" ]]; do slurmd_port=$(slurm_free_port); done
  cat >"$d/etc/slurm.conf" <<EOF
# Written by tests/slurm/slurm_env.sh for one test run; see docs/PLATFORM.md.
ClusterName=llmsweeptest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/sock/munge.socket,cred_expire=$SLURM_TEST_CRED_EXPIRE
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
TmpFS=$d/tmp
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=pmix
JobCompType=jobcomp/filetxt
JobCompLoc=$d/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
# Look at pending jobs every second (default 60 s; backfill 30 s), so a requeued job restarts
# as soon as it is eligible.
SchedulerParameters=sched_interval=1,bf_interval=1
MailProg=/bin/true
ReturnToService=2
KillWait=$SLURM_TEST_KILLWAIT
InactiveLimit=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$SLURM_TEST_CPUS State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  # slurmd 22.05 always loads a cgroup plugin; v1 starts even where no cgroup fs is mounted.
  echo "CgroupPlugin=cgroup/v1" >"$d/etc/cgroup.conf"
}

slurm_env_start() {
  slurm_require
  # A test run inside a Slurm job must not hand that job's identity to the private cluster.
  local inherited
  mapfile -t inherited < <(compgen -v SLURM_ | grep -v '^SLURM_TEST_')
  ((${#inherited[@]} == 0)) || unset "${inherited[@]}"
  SLURM_TEST_DIR=$(mktemp -d /tmp/llmsweep-slurm.XXXXXX) || slurm_fail "mktemp failed"
  chmod 0755 "$SLURM_TEST_DIR"  # munged wants its socket folder reachable by all
  trap slurm_env_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$SLURM_TEST_DIR"/{etc,log,sock,state,spool,tmp,run,work}
  export SLURM_CONF=$SLURM_TEST_DIR/etc/slurm.conf
  slurm_start_munge
  slurm_write_config
  local t0=$SECONDS
  slurm_spawn slurmctld slurmctld -D -i -f "$SLURM_CONF"
  slurm_poll 20 'scontrol ping 2>/dev/null | grep -q "is UP" || ! slurm_alive slurmctld'
  slurm_alive slurmctld || slurm_fail_daemon slurmctld "exited at start"
  scontrol ping 2>/dev/null | grep -q "is UP" ||
    slurm_fail_daemon slurmctld "does not answer scontrol ping in 20 s: $(scontrol ping 2>&1)"
  slurm_spawn slurmd slurmd -D -N localhost -f "$SLURM_CONF"
  slurm_poll 30 '[[ $(sinfo -h -n localhost -o %t 2>/dev/null) == idle ]] || ! slurm_alive slurmd'
  slurm_alive slurmd || slurm_fail_daemon slurmd "exited at start"
  [[ $(sinfo -h -n localhost -o %t 2>/dev/null) == idle ]] ||
    slurm_fail_daemon slurmd "did not make node localhost idle in 30 s: $(sinfo -h -n localhost -o '%t %E' 2>&1)"
  slurm_log "Slurm up in $((SECONDS - t0)) s under $SLURM_TEST_DIR (SLURM_CONF=$SLURM_CONF)"
}

# PIDs of processes, other than this shell, that hold a file under the temp folder open or
# run in a folder there: slurmstepd, srun, job tasks.
slurm_leftover_pids() {
  local p link
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    ((p == $$ || p == BASHPID)) && continue
    for link in /proc/"$p"/cwd /proc/"$p"/fd/*; do
      if [[ $(readlink "$link" 2>/dev/null) == "$SLURM_TEST_DIR"/* ]]; then
        echo "$p"
        break
      fi
    done
  done
}

# SIGTERM to the named daemons, SIGKILL to those still there after 10 s.
slurm_stop_pids() {
  local name pids=()
  for name in "$@"; do
    [[ -n ${SLURM_TEST_PIDS[$name]:-} ]] && kill -TERM "${SLURM_TEST_PIDS[$name]}" 2>/dev/null &&
      pids+=("${SLURM_TEST_PIDS[$name]}")
  done
  ((${#pids[@]})) || return 0
  slurm_poll 10 "! kill -0 ${pids[*]} 2>/dev/null" || kill -KILL "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  return 0
}

# Stop in the order that leaves nothing behind: jobs, then slurmd, slurmctld, munged, then
# anything that still holds our files. Each daemon gets SIGTERM, then SIGKILL after 10 s.
slurm_env_stop() {
  local rc=$? name pid jobs
  trap - EXIT INT TERM
  [[ -n $SLURM_TEST_DIR && -d $SLURM_TEST_DIR ]] || return "$rc"
  if ((rc != 0)) && [[ -z ${SLURM_TEST_LOGS_SHOWN:-} ]]; then
    slurm_log "test failed (exit $rc); daemon logs follow"
    slurm_dump_logs
  fi
  if slurm_alive slurmctld 2>/dev/null; then
    jobs=$(squeue -h -o %i 2>/dev/null)
    if [[ -n $jobs ]]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null
      slurm_poll 30 '[[ -z $(squeue -h -o %i 2>/dev/null) ]]' || slurm_log "jobs still queued: $(squeue -h 2>&1)"
    fi
  fi
  # The Slurm daemons together (each takes about 2 s to exit), munged once they are gone.
  slurm_stop_pids slurmd slurmctld
  slurm_stop_pids munged
  for pid in $(slurm_leftover_pids); do
    slurm_log "killing leftover process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
    kill -KILL "$pid" 2>/dev/null
  done
  if [[ -n ${SLURM_TEST_KEEP:-} ]]; then
    slurm_log "SLURM_TEST_KEEP set: leaving $SLURM_TEST_DIR"
  else
    rm -rf "$SLURM_TEST_DIR"
  fi
  return "$rc"
}

# ---- job helpers --------------------------------------------------------------------------

# Whether the job has left the queue: squeue answers and lists it no more (a finished job is
# not listed; one purged after MinJobAge is an invalid id). A squeue that fails otherwise,
# e.g. a busy slurmctld, does not count as gone.
slurm_job_gone() {
  local out
  if out=$(squeue -h -j "$1" -o %i 2>&1); then
    [[ -z $out ]]
  else
    [[ $out == *"Invalid job id"* ]]
  fi
}

# Until the job has left the queue (finished, failed, cancelled; not requeued), or fail.
slurm_wait_gone() {
  local job=$1 seconds_=$2
  slurm_poll "$seconds_" "slurm_job_gone $job" ||
    slurm_fail "job $job still in the queue after $seconds_ s: $(squeue -h -j "$job" -o '%i %T %r' 2>&1)"
}

# A field (JobState, ExitCode, ...) of the job's LAST record in the jobcomp file; a requeued
# job has one record per run.
slurm_job_field() {
  local job=$1 field=$2
  grep "^JobId=$job " "$SLURM_TEST_DIR/jobcomp.txt" 2>/dev/null | tail -n 1 |
    tr ' ' '\n' | sed -n "s/^$field=//p"
}

# Number of jobcomp records of a job (2 after one requeue).
slurm_job_records() { grep -c "^JobId=$1 " "$SLURM_TEST_DIR/jobcomp.txt" 2>/dev/null; }
