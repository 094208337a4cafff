#include "costmodel/evaluate.hpp"

#include <algorithm>

#include "costmodel/matmul.hpp"
#include "costmodel/torus.hpp"

namespace llmsweep::costmodel {
namespace {

// Section 3. Bandwidth is pooled over the whole cluster; one-way is half the bidirectional.
// An all-reduce costs `hops` latencies: 2 on a switched level (the reference), the ring steps on
// a torus (MODEL-EXTENDED.md E3), whose `bandwidth_Bps` is twice the one-way rate its rings get.
struct Link {
  double bandwidth_Bps;
  double latency_s;
  double hops = 2;
};

Link level_link(const Machine& mc, int level) {
  return {mc.hw.link_bandwidth_Bps[static_cast<std::size_t>(level)],
          mc.hw.link_latency_s[static_cast<std::size_t>(level)]};
}

bool is_torus(const Machine& mc, int level, const Options& options) {
  return options.model_kind == ModelKind::extended && mc.hw.topology_of(level) == Topology::torus;
}

Link torus_ring(const Machine& mc, int level, const TorusGroup& g) {
  return {2 * torus_all_reduce_Bps(mc.hw, level, g), mc.hw.link_latency_s[static_cast<std::size_t>(level)],
          torus_all_reduce_hops(g)};
}

double all_reduce_time(std::int64_t peers, double words, double s, double q, double w, double gpus,
                       const Link& link) {
  return 2 * static_cast<double>(peers - 1) * words * s * q * w / (gpus * link.bandwidth_Bps / 2);
}

double all_reduce_latency(std::int64_t peers, double s, const Link& link) {
  return peers > 1 ? link.hops * s * link.latency_s : 0.0;
}

// The link a pipeline or expert crossing at `level` uses. On a torus a pipeline neighbour is one
// link and one hop away; an expert all-to-all spreads over the group's links and crosses the
// mean distance (bandwidth), and waits for the farthest node (latency).
Link crossing_link(const Machine& mc, const Plan& plan, int level, bool expert, const Options& options) {
  if (!is_torus(mc, level, options)) return level_link(mc, level);
  const double hop_s = mc.hw.link_latency_s[static_cast<std::size_t>(level)];
  if (!expert) return {2 * torus_link_Bps(mc.hw, level), hop_s, 1};
  const TorusGroup g = place_on_torus(mc.hw, plan, level)[static_cast<std::size_t>(Kind::ep)];
  return {2 * torus_all_to_all_Bps(mc.hw, level, g), hop_s * torus_all_to_all_hops(g), 1};
}

double p2p_time(double words, double s, double q, double w, double gpus, const Link& link) {
  return words * s * q * w / (gpus * link.bandwidth_Bps / 2);
}

// Product of a kind's degrees over the levels above `level`.
std::int64_t above(const Plan& plan, Kind kind, int level) {
  std::int64_t p = 1;
  for (int j = level + 1; j < plan.levels; ++j) p *= plan.at(kind, j);
  return p;
}

int top_level(const Plan& plan, Kind kind) {
  for (int k = plan.levels - 1; k >= 0; --k)
    if (plan.at(kind, k) > 1) return k;
  return -1;
}

// Section 5: pipeline crossings and expert dispatch, summed once for bandwidth, once for latency.
void pipeline_expert_traffic(const Machine& mc, const Model& model, const Plan& plan, double gpus,
                             const Options& options, NetworkTimes& net) {
  const std::int64_t layers = model.layers;
  if (layers <= 1) return;
  const int top_pp = top_level(plan, Kind::pp);
  const int top_ep = top_level(plan, Kind::ep);
  const std::int64_t pp = plan.total(Kind::pp);
  const std::int64_t ep = plan.total(Kind::ep);
  const std::int64_t v = plan.interleave;
  const double words = static_cast<double>(model.d_model);
  const double q = static_cast<double>(model.tokens_per_step());
  const double w = mc.word_bytes;
  for (int a = -1; a <= top_pp; ++a) {
    std::int64_t n;
    if (a == -1) {
      n = layers - v * pp;
    } else if (a == top_pp) {
      n = v * plan.at(Kind::pp, a) - 1;
    } else {
      n = v * above(plan, Kind::pp, a) * (plan.at(Kind::pp, a) - 1);
    }
    const double fp = static_cast<double>(n) / static_cast<double>(layers - 1);
    for (int e = -1; e <= top_ep; ++e) {
      const int level = std::max(a, e);
      if (level < 0) continue;
      double fe_bw;
      if (e == -1) {
        fe_bw = 1.0 / static_cast<double>(ep);
      } else {
        fe_bw = 1.0 / static_cast<double>(above(plan, Kind::ep, e)) -
                1.0 / static_cast<double>(above(plan, Kind::ep, e) * plan.at(Kind::ep, e));
      }
      const double fe_lat = e == top_ep ? 1.0 : 0.0;
      const Link link = crossing_link(mc, plan, level, e == level, options);
      const double s_bw = 2 * static_cast<double>(layers - 1) * (fp * fe_bw);
      const double s_lat = 2 * static_cast<double>(layers - 1) * (fp * fe_lat);
      net.pp_ep_comm_s += p2p_time(words, s_bw, q, w, gpus, link);
      net.pp_ep_latency_s += s_lat * link.latency_s;
    }
  }
}

}  // namespace

namespace {

// Products of degrees for check_plan, computed before anything is known to be small: a factor is
// positive and below 2^63, and the product saturates at 2^64, so it never wraps.
using Wide = unsigned __int128;
constexpr Wide kWideCap = Wide{1} << 64;

Wide times(Wide a, std::int64_t b) {
  const Wide p = a * static_cast<Wide>(b);
  return p > kWideCap ? kWideCap : p;
}

std::string wide_string(Wide x) {
  if (x >= kWideCap) return "2^64 or more";
  return std::to_string(static_cast<std::uint64_t>(x));
}

Wide wide_total(const Plan& plan, Kind k) {
  Wide t = 1;
  for (int l = 0; l < plan.levels; ++l) t = times(t, plan.at(k, l));
  return t;
}

// "" when the kind's total divides `size`, else the reason.
std::string divides(const Plan& plan, Kind k, std::int64_t size, const char* what) {
  const Wide t = wide_total(plan, k);
  if (t <= static_cast<Wide>(size) && size % static_cast<std::int64_t>(t) == 0) return {};
  return std::string(kind_name(k)) + " degree " + wide_string(t) + " does not divide " + what + " " +
         std::to_string(size);
}

}  // namespace

std::string check_plan(const Hardware& hw, const Model& model, const Plan& plan) {
  if (plan.levels != hw.levels() || plan.levels < 1 || plan.levels > kMaxLevels)
    return "the plan has " + std::to_string(plan.levels) + " network levels but " + hw.name + " has " +
           std::to_string(hw.levels());
  for (int k = 0; k < kKinds; ++k)
    for (int l = 0; l < plan.levels; ++l)
      if (plan.at(static_cast<Kind>(k), l) < 1)
        return std::string(kind_name(static_cast<Kind>(k))) + " degree at level " + std::to_string(l) +
               " must be >= 1, got " + std::to_string(plan.at(static_cast<Kind>(k), l));
  // Each level below the top holds at most its size.
  for (int l = 0; l + 1 < plan.levels; ++l) {
    Wide here = 1;
    for (int k = 0; k < kKinds; ++k) here = times(here, plan.at(static_cast<Kind>(k), l));
    const std::int64_t size = hw.level_sizes[static_cast<std::size_t>(l)];
    if (here > static_cast<Wide>(size))
      return "the degrees at level " + std::to_string(l) + " multiply to " + wide_string(here) +
             ", more than its " + std::to_string(size) + " GPUs";
  }
  if (plan.microbatches < 1) return "microbatches must be >= 1, got " + std::to_string(plan.microbatches);
  if (plan.interleave < 1) return "interleave must be >= 1, got " + std::to_string(plan.interleave);
  for (const std::string& why :
       {divides(plan, Kind::tp_model, model.d_model, "d_model"),
        divides(plan, Kind::tp_ff, model.d_ff, "d_ff"), divides(plan, Kind::pp, model.layers, "layers"),
        divides(plan, Kind::ep, model.experts, "experts")})
    if (!why.empty()) return why;
  // Every total now divides a model size, so it is small; dp is bounded below by the batch.
  const std::int64_t pp = plan.total(Kind::pp);
  if (times(pp, plan.interleave) > static_cast<Wide>(model.layers))
    return "interleave " + std::to_string(plan.interleave) + " times pp " + std::to_string(pp) +
           " exceeds layers " + std::to_string(model.layers);
  const Wide dp = wide_total(plan, Kind::dp);
  const std::int64_t tokens = model.tokens_per_step();
  const Wide split = times(times(dp, plan.microbatches), model.experts);
  // The batch shard is floored (MODEL.md quirk Q3), as the search does; it must not be empty.
  if (split > static_cast<Wide>(tokens))
    return "dp " + wide_string(dp) + " x microbatches " + std::to_string(plan.microbatches) + " x experts " +
           std::to_string(model.experts) + " exceeds the " + std::to_string(tokens) +
           " tokens of a batch: a microbatch shard would be empty";
  return {};
}

bool memory_fits(const Machine& mc, const Model& model, std::int64_t dp_total, double gpus) {
  const double p = model.params();
  const double w = mc.word_bytes;
  return p * w * static_cast<double>(dp_total) + 4 * p * w <= gpus * mc.hw.memory_bytes;
}

NetworkTimes network_times(const Machine& mc, const Model& model, const Plan& plan, double gpus,
                           const Options& options) {
  NetworkTimes net;
  const double w = mc.word_bytes;
  const double params = model.params();
  const double tokens = static_cast<double>(model.tokens_per_step());
  const double tp_s = 2 * static_cast<double>(model.layers);
  // The TPm latencies of all levels are summed before the TPf ones: the original's order, which
  // makes every golden latency bit-identical (the other orders differ by an ulp on Superpod).
  double tpm_latency_s = 0;
  double tpf_latency_s = 0;
  for (int k = 0; k < plan.levels; ++k) {
    Link dp_link = level_link(mc, k), tpm_link = dp_link, tpf_link = dp_link;
    if (is_torus(mc, k, options)) {
      const std::array<TorusGroup, kKinds> g = place_on_torus(mc.hw, plan, k);
      dp_link = torus_ring(mc, k, g[static_cast<std::size_t>(Kind::dp)]);
      tpm_link = torus_ring(mc, k, g[static_cast<std::size_t>(Kind::tp_model)]);
      tpf_link = torus_ring(mc, k, g[static_cast<std::size_t>(Kind::tp_ff)]);
    }
    const std::int64_t dp = plan.at(Kind::dp, k);
    net.dp_latency_s += all_reduce_latency(dp, 1, dp_link);
    net.dp_comm_s = std::max(
        net.dp_comm_s,
        all_reduce_time(dp, params, 1, static_cast<double>(above(plan, Kind::dp, k)), w, gpus, dp_link));
    const std::int64_t tpm = plan.at(Kind::tp_model, k);
    const std::int64_t tpf = plan.at(Kind::tp_ff, k);
    tpm_latency_s += all_reduce_latency(tpm, tp_s, tpm_link);
    tpf_latency_s += all_reduce_latency(tpf, tp_s, tpf_link);
    const double tpm_time =
        all_reduce_time(tpm, static_cast<double>(model.d_ff), tp_s,
                        tokens * static_cast<double>(above(plan, Kind::tp_model, k)), w, gpus, tpm_link);
    const double tpf_time =
        all_reduce_time(tpf, static_cast<double>(model.d_model), tp_s,
                        tokens * static_cast<double>(above(plan, Kind::tp_ff, k)), w, gpus, tpf_link);
    net.tp_comm_s = std::max(net.tp_comm_s, tpm_time + tpf_time);
  }
  net.tp_latency_s = tpm_latency_s + tpf_latency_s;
  pipeline_expert_traffic(mc, model, plan, gpus, options, net);
  return net;
}

Evaluation combine(const Machine& mc, const Model& model, const Plan& plan, double matmul_s,
                   const NetworkTimes& net, const Options& options) {
  Evaluation ev;
  const double gpus = plan.gpus();
  const std::int64_t pp = plan.total(Kind::pp);
  const double m = static_cast<double>(plan.microbatches);
  const double v = static_cast<double>(plan.interleave);
  ev.gpus = gpus;
  ev.steps = model.steps();
  ev.ideal_step_s =
      6 * model.active_params() * static_cast<double>(model.tokens_per_step()) / (mc.peak_flops * gpus);
  ev.matmul_s = matmul_s;
  ev.net = net;
  const double op = plan.overlap_pp ? 1.0 : 0.0;
  const double ot = plan.overlap_tp ? 1.0 : 0.0;
  ev.overlapped_comm_s = op * net.pp_ep_comm_s + ot * net.tp_comm_s;
  ev.exposed_comm_s = (1 - op) * net.pp_ep_comm_s + (1 - ot) * net.tp_comm_s;
  const double pipe_latency = net.tp_latency_s + net.pp_ep_latency_s;
  if (plan.zero_bubble) {
    ev.bubble_fraction = 0;
  } else {
    const double z = (v - 1) * static_cast<double>(std::max<std::int64_t>(0, pp - plan.microbatches));
    const double ppd = static_cast<double>(pp);
    ev.bubble_fraction = (z + ppd - 1) / (z + ppd - 1 + v * m);
  }
  double busy = std::max(matmul_s, ev.overlapped_comm_s);
  if (plan.zero_bubble && options.zb_latency == ZbLatency::max) busy = std::max(busy, pipe_latency);
  const double core = busy + ev.exposed_comm_s;
  ev.pipeline_s = core / (1 - ev.bubble_fraction);
  ev.busy_s = busy;
  ev.bubble_s = ev.pipeline_s - core;
  if (!plan.zero_bubble) ev.pipeline_s += pipe_latency;
  const double with_dp =
      plan.overlap_dp ? std::max(ev.pipeline_s, net.dp_comm_s) : ev.pipeline_s + net.dp_comm_s;
  ev.step_s = with_dp + net.dp_latency_s;
  ev.exposed_net_s = ev.exposed_comm_s + (with_dp - ev.pipeline_s);
  ev.exposed_latency_s = (plan.zero_bubble ? 0.0 : pipe_latency) + net.dp_latency_s;
  ev.run_s = ev.steps * ev.step_s;
  ev.utilization = ev.ideal_step_s / ev.step_s;
  ev.run_tp_comm_s = ev.steps * net.tp_comm_s;
  ev.run_dp_comm_s = ev.steps * net.dp_comm_s;
  ev.run_pp_ep_comm_s = ev.steps * net.pp_ep_comm_s;
  ev.run_latency_s = ev.steps * (pipe_latency + net.dp_latency_s);
  const double p = model.params();
  ev.memory_used_bytes =
      p * mc.word_bytes * static_cast<double>(plan.total(Kind::dp)) + 4 * p * mc.word_bytes;
  ev.memory_limit_bytes = gpus * mc.hw.memory_bytes;
  ev.status = ev.memory_used_bytes <= ev.memory_limit_bytes ? Status::ok : Status::memory;
  return ev;
}

double step_matmul_time(const Machine& mc, const Model& model, const Plan& plan, const Options& options) {
  const std::int64_t fs = model.d_ff / plan.total(Kind::tp_ff);
  const std::int64_t ds = model.d_model / plan.total(Kind::tp_model);
  const std::int64_t bs =
      model.tokens_per_step() / (plan.total(Kind::dp) * plan.microbatches * model.experts);
  const double per_layer = layer_matmul_time(mc, fs, ds, bs, options.model_kind);
  return static_cast<double>(model.layers / plan.total(Kind::pp)) *
         static_cast<double>(model.experts / plan.total(Kind::ep)) * static_cast<double>(plan.microbatches) *
         per_layer;
}

Evaluation evaluate(const Machine& mc, const Model& model, const Plan& plan, const Options& options) {
  return combine(mc, model, plan, step_matmul_time(mc, model, plan, options),
                 network_times(mc, model, plan, plan.gpus(), options), options);
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::dp:
      return "dp";
    case Kind::tp_model:
      return "tp_model";
    case Kind::tp_ff:
      return "tp_ff";
    case Kind::pp:
      return "pp";
    case Kind::ep:
      return "ep";
  }
  return "?";
}

std::string validate_model(const Model& model) {
  const auto positive = [](const char* name, std::int64_t v) -> std::string {
    return v > 0 ? std::string() : std::string(name) + " must be > 0, got " + std::to_string(v);
  };
  for (const auto& r : {positive("d_model", model.d_model), positive("d_ff", model.d_ff),
                        positive("layers", model.layers), positive("experts", model.experts),
                        positive("batch_seqs", model.batch_seqs), positive("seq_len", model.seq_len)})
    if (!r.empty()) return r;
  // Products of these stay exact in 64-bit integers (and shard sizes in doubles).
  const Wide limit = static_cast<Wide>(kMaxModelInteger);
  const Wide tokens = static_cast<Wide>(model.batch_seqs) * static_cast<Wide>(model.seq_len);
  if (tokens > limit) return "batch_seqs x seq_len is too large (over 2^53 tokens per step)";
  if (static_cast<Wide>(model.d_model) * static_cast<Wide>(model.d_ff) > limit)
    return "d_model x d_ff is too large (over 2^53)";
  if (model.layers > kMaxModelInteger)
    return "layers must be at most 2^53, got " + std::to_string(model.layers);
  if (model.experts > kMaxExperts)
    return "experts must be at most 2^30, got " + std::to_string(model.experts);
  return {};
}

}  // namespace llmsweep::costmodel
