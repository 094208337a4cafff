#include "grid/grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace llmsweep::grid {
namespace {

template <class T>
std::uint32_t count_or_one(const std::vector<T>& v) {
  return v.empty() ? 1u : static_cast<std::uint32_t>(v.size());
}

std::string number(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

std::string degree_label(const DegreeValue& d) {
  if (d.per_level.empty()) return std::to_string(d.total);
  std::string s;
  for (std::size_t i = 0; i < d.per_level.size(); ++i) {
    if (i) s += 'x';
    s += std::to_string(d.per_level[i]);
  }
  return s;
}

}  // namespace

const char* axis_name(Axis a) {
  static const char* names[kAxisCount] = {"hardware",
                                          "width",
                                          "d_ff_ratio",
                                          "depth",
                                          "experts",
                                          "batch",
                                          "batch_multiplier",
                                          "seq_len",
                                          "run_months",
                                          "zero_bubble_allowed",
                                          "model",
                                          "zb_latency",
                                          "search",
                                          "cluster_sizes",
                                          "failures",
                                          "sites",
                                          "ramp",
                                          "gpus",
                                          "dp",
                                          "tp_model",
                                          "tp_ff",
                                          "pp",
                                          "ep",
                                          "microbatches",
                                          "interleave",
                                          "zero_bubble"};
  return names[static_cast<int>(a)];
}

Grid::Grid(Axes axes) : axes_(std::move(axes)) {
  const auto set = [this](Axis a, std::uint32_t n) { sizes_[static_cast<std::size_t>(a)] = n; };
  set(Axis::hardware, count_or_one(axes_.hardware));
  set(Axis::width, count_or_one(axes_.width));
  set(Axis::ff_ratio, count_or_one(axes_.ff_ratio));
  set(Axis::depth, count_or_one(axes_.depth));
  set(Axis::experts, count_or_one(axes_.experts));
  set(Axis::batch, count_or_one(axes_.batch));
  set(Axis::batch_multiplier, count_or_one(axes_.batch_multiplier));
  set(Axis::seq_len, count_or_one(axes_.seq_len));
  set(Axis::run_months, count_or_one(axes_.run_months));
  set(Axis::zero_bubble_allowed, count_or_one(axes_.zero_bubble_allowed));
  set(Axis::model, count_or_one(axes_.model_kind));
  set(Axis::zb_latency, count_or_one(axes_.zb_latency));
  set(Axis::search, count_or_one(axes_.search));
  set(Axis::cluster_sizes, count_or_one(axes_.cluster_sizes));
  set(Axis::failures, count_or_one(axes_.failures));
  set(Axis::sites, count_or_one(axes_.sites));
  set(Axis::ramp, count_or_one(axes_.ramp));
  set(Axis::gpus, count_or_one(axes_.gpus));
  const ExplicitParallelism empty;
  const ExplicitParallelism& p = axes_.parallelism ? *axes_.parallelism : empty;
  set(Axis::dp, count_or_one(p.dp));
  set(Axis::tp_model, count_or_one(p.tp_model));
  set(Axis::tp_ff, count_or_one(p.tp_ff));
  set(Axis::pp, count_or_one(p.pp));
  set(Axis::ep, count_or_one(p.ep));
  set(Axis::microbatches, count_or_one(p.microbatches));
  set(Axis::interleave, count_or_one(p.interleave));
  set(Axis::zero_bubble, count_or_one(p.zero_bubble));
  // An empty hardware or width list means an empty grid; config/ rejects it before we get here.
  if (axes_.hardware.empty() || axes_.width.empty()) {
    size_ = 0;
    return;
  }
  std::uint64_t n = 1;
  for (std::uint32_t s : sizes_) {
    if (n > std::numeric_limits<std::uint64_t>::max() / s)
      throw std::overflow_error("grid size overflows 64 bits");
    n *= s;
  }
  size_ = n;
}

std::vector<Axis> Grid::varied_axes() const {
  std::vector<Axis> out;
  for (int a = 0; a < kAxisCount; ++a)
    if (sizes_[static_cast<std::size_t>(a)] > 1) out.push_back(static_cast<Axis>(a));
  return out;
}

Digits Grid::digits_at(std::uint64_t index) const {
  Digits d{};
  for (int a = kAxisCount - 1; a >= 0; --a) {
    const std::uint32_t s = sizes_[static_cast<std::size_t>(a)];
    d[static_cast<std::size_t>(a)] = static_cast<std::uint32_t>(index % s);
    index /= s;
  }
  return d;
}

std::uint64_t Grid::index_of(const Digits& d) const {
  std::uint64_t index = 0;
  for (int a = 0; a < kAxisCount; ++a)
    index = index * sizes_[static_cast<std::size_t>(a)] + d[static_cast<std::size_t>(a)];
  return index;
}

std::uint64_t Grid::scenario_of(const Digits& d) const {
  std::uint64_t index = 0;
  for (int a = 0; a < kAxisCount; ++a) {
    if (static_cast<Axis>(a) == Axis::width) continue;
    index = index * sizes_[static_cast<std::size_t>(a)] + d[static_cast<std::size_t>(a)];
  }
  return index;
}

std::vector<std::string> Grid::axis_labels(Axis a) const {
  std::vector<std::string> out;
  const ExplicitParallelism empty;
  const ExplicitParallelism& p = axes_.parallelism ? *axes_.parallelism : empty;
  const auto degrees = [&out](const std::vector<DegreeValue>& v) {
    for (const auto& d : v) out.push_back(degree_label(d));
  };
  switch (a) {
    case Axis::hardware:
      for (const auto& h : axes_.hardware) out.push_back(h.stem);
      break;
    case Axis::width:
      for (const auto& w : axes_.width)
        out.push_back(w.d_model > 0 ? std::to_string(w.d_model) : "C=" + number(w.target_flop));
      break;
    case Axis::ff_ratio:
      for (double r : axes_.ff_ratio) out.push_back(number(r));
      break;
    case Axis::depth:
      for (const auto& d : axes_.depth) {
        if (d.layers > 0)
          out.push_back("L=" + std::to_string(d.layers));
        else if (d.law.exponent)
          out.push_back("x" + number(d.law.multiplier) + " ^" + number(*d.law.exponent));
        else
          out.push_back("x" + number(d.law.multiplier));
      }
      break;
    case Axis::experts:
      for (const auto& e : axes_.experts)
        out.push_back(e.rule == ExpertsRule::count ? std::to_string(e.count)
                                                   : std::string(experts_rule_name(e.rule)));
      break;
    case Axis::batch:
      for (const auto& b : axes_.batch) {
        if (b.tokens > 0)
          out.push_back("tokens=" + std::to_string(b.tokens));
        else if (b.law.policy == search::BatchPolicy::power)
          out.push_back("power " + number(b.law.exponent));
        else
          out.push_back(std::string(search::batch_policy_name(b.law.policy)));
      }
      break;
    case Axis::batch_multiplier:
      for (double m : axes_.batch_multiplier) out.push_back(number(m));
      break;
    case Axis::seq_len:
      for (auto s : axes_.seq_len) out.push_back(std::to_string(s));
      break;
    case Axis::run_months:
      for (double m : axes_.run_months) out.push_back(number(m));
      break;
    case Axis::zero_bubble_allowed:
      for (bool z : axes_.zero_bubble_allowed) out.push_back(z ? "true" : "false");
      break;
    case Axis::model:
      for (auto k : axes_.model_kind) out.emplace_back(costmodel::model_kind_name(k));
      break;
    case Axis::zb_latency:
      for (auto z : axes_.zb_latency) out.emplace_back(costmodel::zb_latency_name(z));
      break;
    case Axis::search:
      for (const auto s : axes_.search) out.emplace_back(search::search_variant_name(s));
      break;
    case Axis::cluster_sizes:
      for (auto c : axes_.cluster_sizes) out.push_back(search::cluster_sizes_name(c));
      if (axes_.cluster_sizes.empty()) {
        // Each point takes its model kind's default: name it when every model kind agrees.
        std::string name;
        for (auto k : axes_.model_kind) {
          const std::string n = search::cluster_sizes_name(search::default_cluster_sizes(k));
          name = name.empty() || name == n ? n : "model default";
        }
        out.push_back(name.empty() ? "model default" : name);
      }
      break;
    case Axis::failures:
      for (const auto& f : axes_.failures) out.push_back(failure_label(f));
      break;
    case Axis::sites:
      for (const auto& v : axes_.sites) out.push_back(site_label(v));
      break;
    case Axis::ramp:
      for (const auto& r : axes_.ramp) out.push_back(ramp_axis_label(r));
      break;
    case Axis::gpus:
      for (auto g : axes_.gpus) out.push_back(std::to_string(g));
      break;
    case Axis::dp:
      degrees(p.dp);
      break;
    case Axis::tp_model:
      degrees(p.tp_model);
      break;
    case Axis::tp_ff:
      degrees(p.tp_ff);
      break;
    case Axis::pp:
      degrees(p.pp);
      break;
    case Axis::ep:
      degrees(p.ep);
      break;
    case Axis::microbatches:
      for (auto m : p.microbatches) out.push_back(std::to_string(m));
      break;
    case Axis::interleave:
      for (auto v : p.interleave) out.push_back(v == 0 ? "auto" : std::to_string(v));
      break;
    case Axis::zero_bubble:
      for (bool z : p.zero_bubble) out.push_back(z ? "true" : "false");
      break;
  }
  if (out.empty()) out.push_back(a == Axis::gpus ? "smallest" : (a >= Axis::dp ? "best" : "-"));
  return out;
}

void RangeSet::add(IndexRange r) {
  if (r.empty()) return;
  // Find the first range that ends at or after r.begin; merge every overlapping/adjacent one.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), r.begin,
                             [](const IndexRange& x, std::uint64_t b) { return x.end < b; });
  auto last = it;
  while (last != ranges_.end() && last->begin <= r.end) {
    r.begin = std::min(r.begin, last->begin);
    r.end = std::max(r.end, last->end);
    count_ -= last->size();
    ++last;
  }
  it = ranges_.erase(it, last);
  ranges_.insert(it, r);
  count_ += r.size();
}

bool RangeSet::contains(std::uint64_t index) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), index,
                             [](std::uint64_t i, const IndexRange& x) { return i < x.begin; });
  if (it == ranges_.begin()) return false;
  --it;
  return index < it->end;
}

std::vector<IndexRange> RangeSet::complement(std::uint64_t n) const {
  std::vector<IndexRange> out;
  std::uint64_t at = 0;
  for (const IndexRange& r : ranges_) {
    if (r.begin >= n) break;
    if (r.begin > at) out.push_back({at, r.begin});
    at = std::max(at, r.end);
  }
  if (at < n) out.push_back({at, n});
  return out;
}

}  // namespace llmsweep::grid
