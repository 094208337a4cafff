// Hardware failures and recovery (docs/MODEL-EXTENDED.md E5): the wall time of a run whose
// GPUs fail at random, with checkpoints at the optimal (Young/Daly) interval, the work lost
// since the last checkpoint and the restarts, each as its own term.
//
// Failures arrive as a Poisson process at rate N / gpu_mtbf. The run's compute time T is cut
// into segments of tau seconds of work, each followed by a checkpoint of delta seconds; a
// failure loses the segment in progress and costs a recovery of R = restart + restore seconds
// (during which failures can strike again). Per segment, with lambda = 1 / M and a = tau + delta
// (Daly 2006, "A higher order estimate of the optimum checkpoint interval for restart dumps"):
//   expected time  e^{lambda R} (e^{lambda a} - 1) / lambda
//   = a                                      (the work and its checkpoint)
//   + (e^{lambda a} - 1) / lambda - a        (work lost to failures)
//   + (e^{lambda a} - 1)(e^{lambda R} - 1) / lambda   (restarts, failed ones included)
// tau minimises the expected time per unit of work; Young's sqrt(2 delta M) is its first order.
#pragma once

#include <optional>
#include <string>

#include "costmodel/model.hpp"
#include "costmodel/run_data.hpp"

namespace llmsweep::costmodel {

// What is wrong with failure data, if anything: the field ("mtbf", "checkpoint_write",
// "checkpoint_read", "restart") and why. Storage bandwidths matter only with storage recovery.
struct FailureProblem {
  std::string field;
  std::string message;
};
std::optional<FailureProblem> check_failure_model(const FailureModel& f);

// Bytes a checkpoint holds: the parameters and the optimizer state of the reference memory
// model (MODEL.md section 4: P w replicated over DP plus 4 P w of optimizer state), 5 P w.
double checkpoint_bytes(const Model& model, double word_bytes);

// x = tau / M that minimises (e^{x + d} - 1) / x for d = delta / M >= 0: the root in [0, 1) of
// -ln(1 - x) - x = d. About sqrt(2 d) for small d (Young); 0 for d = 0.
double optimal_interval_fraction(double d);

// The optimal compute time between checkpoints for a cluster MTBF and a checkpoint time.
double optimal_checkpoint_interval_s(double cluster_mtbf_s, double checkpoint_s);

struct FailureTimes {
  double cluster_mtbf_s = 0;      // M = gpu_mtbf / N (infinite with failures off)
  double checkpoint_write_s = 0;  // delta, one checkpoint
  double restore_s = 0;           // reading the state back after a failure
  double recovery_s = 0;          // R = restart + restore
  double interval_s = 0;          // tau: compute between checkpoints (capped at the run)
  double checkpoints = 0;         // T / tau
  double failures = 0;            // expected failures over the run
  double checkpoint_s = 0;        // time writing checkpoints, whole run
  double lost_work_s = 0;         // work (and partial checkpoints) lost to failures
  double restart_s = 0;           // time recovering, whole run
  double overhead_s = 0;          // checkpoint + lost work + restart
  double wall_s = 0;              // compute + overhead
};

// The failure terms of a run of `compute_s` seconds on `gpus` GPUs. `state_bytes` is the
// checkpoint; `peer_link_Bps` the per-GPU bidirectional bandwidth of the network a peer copy
// crosses (the profile's top level; peer recovery only). With recovery none: no overhead.
// An overhead too large for a double is infinite (the run never finishes).
FailureTimes failure_times(const FailureModel& f, double compute_s, double gpus, double state_bytes,
                           double peer_link_Bps);

// Wall time per unit of compute of a long run on `gpus` GPUs (many checkpoint intervals):
// e^{lambda R} (e^{lambda (tau + delta)} - 1) / (lambda tau) at the optimal tau; 1 with failures off.
double failure_slowdown(const FailureModel& f, double gpus, double state_bytes, double peer_link_Bps);

// The useful cluster size under failures: the N that minimises the wall time of a run whose
// compute time scales as 1 / N (slowdown(N) / N); past it, more GPUs make the run longer.
// Infinite with failures off. With free checkpoints (delta = 0) it is gpu_mtbf / restart exactly.
double failure_cap_gpus(const FailureModel& f, double state_bytes, double peer_link_Bps);

}  // namespace llmsweep::costmodel
