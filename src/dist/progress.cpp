#include "dist/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

namespace llmsweep::dist {

std::string format_duration(double s) {
  char buf[64];
  if (!std::isfinite(s)) return "?";
  if (s < 120)
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 7200)
    std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", std::floor(s / 60), std::floor(std::fmod(s, 60)));
  else if (s < 172800)
    std::snprintf(buf, sizeof buf, "%.0fh%02.0fm", std::floor(s / 3600), std::floor(std::fmod(s, 3600) / 60));
  else
    std::snprintf(buf, sizeof buf, "%.0fd%02.0fh", std::floor(s / 86400),
                  std::floor(std::fmod(s, 86400) / 3600));
  return buf;
}

Progress::Progress(bool on, std::ostream* out, double interval_s, std::uint64_t total,
                   std::uint64_t done_before)
    : on_(on),
      out_(out ? *out : std::cerr),
      total_(total),
      before_(done_before),
      interval_(interval_s),
      tty_(out == nullptr && ::isatty(STDERR_FILENO)) {}

void Progress::update(std::uint64_t computed, bool force) {
  if (!on_) return;
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (!force && now - last_ < (tty_ ? 0.5 : interval_)) return;
  last_ = now;
  const std::uint64_t done = before_ + computed;
  const double rate = now > 0 ? static_cast<double>(computed) / now : 0;
  std::string eta = "?";
  if (rate > 0) eta = format_duration(static_cast<double>(total_ - std::min(total_, done)) / rate);
  char line[256];
  std::snprintf(line, sizeof line, "llmsweep sweep: %llu/%llu points (%.1f%%), %.1f points/s, ETA %s",
                static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0, rate,
                eta.c_str());
  if (tty_)
    out_ << "\r\033[K" << line << std::flush;
  else
    out_ << line << "\n" << std::flush;
  dirty_ = tty_;
}

void Progress::finish(std::uint64_t computed) {
  update(computed, true);
  if (dirty_) out_ << "\n" << std::flush;
}

}  // namespace llmsweep::dist
