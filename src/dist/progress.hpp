// The progress line of a sweep on stderr: points done, rate, ETA; in place on a terminal, a
// line every interval in a log.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace llmsweep::dist {

class Progress {
 public:
  Progress(bool on, std::ostream* out, double interval_s, std::uint64_t total, std::uint64_t done_before);
  void update(std::uint64_t computed, bool force = false);
  void finish(std::uint64_t computed);

 private:
  bool on_;
  std::ostream& out_;
  std::uint64_t total_, before_;
  double interval_;
  bool tty_;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_ = -1e9;
};

// "42s", "3m07s", "5h12m", "12d04h".
std::string format_duration(double seconds);

}  // namespace llmsweep::dist
