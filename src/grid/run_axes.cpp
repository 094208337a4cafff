#include "grid/run_axes.hpp"

#include <cstdio>

namespace llmsweep::grid {
namespace {

std::string number(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

std::string exact(const std::optional<double>& x) {
  if (!x) return "-";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", *x);
  return buf;
}

void part(std::string& out, const std::string& text) {
  out += (out.empty() ? "" : ", ") + text;
}

}  // namespace

std::string failure_label(const FailureValue& v) {
  if (v.is_default()) return "profile";
  std::string out;
  part(out, v.recovery ? std::string(costmodel::recovery_name(*v.recovery)) : "profile's recovery");
  if (v.gpu_mtbf_s) part(out, "MTBF " + number(*v.gpu_mtbf_s / 3600) + " h");
  if (v.checkpoint_write_Bps) part(out, "write " + number(*v.checkpoint_write_Bps / 1e9) + " GB/s");
  if (v.checkpoint_read_Bps) part(out, "read " + number(*v.checkpoint_read_Bps / 1e9) + " GB/s");
  if (v.restart_s) part(out, "restart " + number(*v.restart_s) + " s");
  return out;
}

std::string site_label(const SiteValue& v) {
  if (v.is_default()) return "profile";
  std::string out;
  part(out, v.count ? std::to_string(*v.count) + (*v.count == 1 ? " site" : " sites") : "profile's sites");
  if (v.bandwidth_Bps) part(out, number(*v.bandwidth_Bps / 1e9) + " GB/s");
  if (v.latency_s) part(out, number(*v.latency_s * 1e3) + " ms");
  if (v.crossing) part(out, std::string(costmodel::site_crossing_name(*v.crossing)));
  return out;
}

std::string ramp_axis_label(const RampValue& v) {
  if (!v.ramp.active()) return "none";
  return search::ramp_label(v.ramp) + " " + std::string(search::ramp_plans_name(v.plans));
}

std::string exact_run_values(const FailureValue& f, const SiteValue& s, const RampValue& r) {
  std::string out = exact(f.gpu_mtbf_s) + "/" + exact(f.checkpoint_write_Bps) + "/" +
                    exact(f.checkpoint_read_Bps) + "/" + exact(f.restart_s) + "/" + exact(s.bandwidth_Bps) +
                    "/" + exact(s.latency_s);
  for (const search::RampStep& step : r.ramp.steps)
    out += "/" + exact(step.until_fraction) + ":" + exact(step.batch_factor);
  return out;
}

search::RunInputs run_inputs(const FailureValue& f, const SiteValue& s, const RampValue& r) {
  search::RunInputs in;
  in.recovery = f.recovery;
  in.gpu_mtbf_s = f.gpu_mtbf_s;
  in.checkpoint_write_Bps = f.checkpoint_write_Bps;
  in.checkpoint_read_Bps = f.checkpoint_read_Bps;
  in.restart_s = f.restart_s;
  in.sites = s.count;
  in.site_bandwidth_Bps = s.bandwidth_Bps;
  in.site_latency_s = s.latency_s;
  in.site_crossing = s.crossing;
  in.ramp = r.ramp;
  in.ramp_plans = r.plans;
  return in;
}

}  // namespace llmsweep::grid
