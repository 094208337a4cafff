// One training run on one plan (MODEL.md sections 3 to 5): the model's single pure entry point.
#pragma once

#include <string>

#include "costmodel/hardware.hpp"
#include "costmodel/model.hpp"
#include "costmodel/options.hpp"
#include "costmodel/plan.hpp"
#include "costmodel/status.hpp"

namespace llmsweep::costmodel {

// Per-step network terms of one plan (section 4.4 and section 5).
struct NetworkTimes {
  double tp_comm_s = 0;        // BTP
  double dp_comm_s = 0;        // BDP
  double pp_ep_comm_s = 0;     // BPE
  double tp_latency_s = 0;     // sum of TP all-reduce latencies
  double dp_latency_s = 0;     // sum of DP all-reduce latencies
  double pp_ep_latency_s = 0;  // pipeline and expert point-to-point latency
};

struct Evaluation {
  Status status = Status::ok;  // ok or memory; every number below is filled either way
  double gpus = 0;
  double steps = 0;
  double ideal_step_s = 0;       // T0
  double matmul_s = 0;           // X, per step
  NetworkTimes net;              // per step
  double overlapped_comm_s = 0;  // O
  double exposed_comm_s = 0;     // U
  double bubble_fraction = 0;    // phi
  double pipeline_s = 0;         // Tpipe
  double step_s = 0;             // Tstep
  // Tstep split into parts that add up to it (up to rounding), for breakdowns:
  double busy_s = 0;             // max(X, O): compute, or overlapped comm where it dominates
  double bubble_s = 0;           // pipeline bubble
  double exposed_net_s = 0;      // U plus the DP comm not hidden behind the pipeline
  double exposed_latency_s = 0;  // latency that lengthens the step
  double run_s = 0;              // steps * Tstep
  double utilization = 0;        // T0 / Tstep
  double memory_used_bytes = 0;  // parameters over DP plus optimizer state, whole cluster
  double memory_limit_bytes = 0;
  // Per-run totals, as the golden vectors report them.
  double run_tp_comm_s = 0;
  double run_dp_comm_s = 0;
  double run_pp_ep_comm_s = 0;
  double run_latency_s = 0;
};

// Empty when the plan fits the hardware's levels and divides the model (one that passes
// validate_model); otherwise a one-line reason naming the offending degree. Safe for any
// degrees: their products are formed without overflow.
std::string check_plan(const Hardware& hw, const Model& model, const Plan& plan);

bool memory_fits(const Machine& mc, const Model& model, std::int64_t dp_total, double gpus);

NetworkTimes network_times(const Machine& mc, const Model& model, const Plan& plan, double gpus,
                           const Options& options = {});

// Step time from the partition-independent matmul time and the plan's network terms.
Evaluation combine(const Machine& mc, const Model& model, const Plan& plan, double matmul_s,
                   const NetworkTimes& net, const Options& options);

// Matmul time of one step (section 4.3).
double step_matmul_time(const Machine& mc, const Model& model, const Plan& plan, const Options& options = {});

// The whole evaluation of a checked plan.
Evaluation evaluate(const Machine& mc, const Model& model, const Plan& plan, const Options& options = {});

}  // namespace llmsweep::costmodel
