#include "dist/dispenser.hpp"

#include <algorithm>
#include <cmath>

namespace llmsweep::dist {

Dispenser::Dispenser(const std::vector<grid::IndexRange>& pending, double target_s, std::uint64_t max_piece,
                     int computers, std::uint64_t chunk_rows)
    : target_s_(target_s),
      max_(std::max<std::uint64_t>(1, max_piece)),
      computers_(computers),
      chunk_(std::max<std::uint64_t>(1, chunk_rows)) {
  for (const auto& r : pending) remaining_ += r.size();
  total_ = remaining_;
  const std::uint64_t most = std::min<std::uint64_t>(64, 8 * static_cast<std::uint64_t>(computers));
  // A grid of 8 chunks or more: stripes of 4 chunks at least. A chunk computed in pieces is
  // written once all its pieces are in, and the stripes advance together, so a chunk that holds
  // the end of a stripe is complete only at the end of the sweep: with stripes shorter than a
  // chunk, every chunk was then assembled and encoded after the last point.
  const std::uint64_t stripes = remaining_ >= 8 * chunk_
                                    ? std::clamp<std::uint64_t>(remaining_ / (4 * chunk_), 1, most)
                                    : std::clamp<std::uint64_t>(remaining_ / 64, 1, most);
  // Stripes of nearly equal length; those of a chunk or more are cut at chunk boundaries.
  std::uint64_t per = (remaining_ + stripes - 1) / stripes;
  if (per >= chunk_) per = (per + chunk_ - 1) / chunk_ * chunk_;
  const std::uint64_t align = per >= chunk_ ? chunk_ : 1;
  std::deque<grid::IndexRange> stripe;
  std::uint64_t in_stripe = 0;
  for (grid::IndexRange r : pending) {
    while (!r.empty()) {
      std::uint64_t take = std::min(r.size(), per > in_stripe ? per - in_stripe : 0);
      // Cut only at a chunk boundary of the grid, so no chunk is split between stripes.
      const std::uint64_t end = r.begin + take;
      if (end < r.end && end % align != 0) take = std::min(r.size(), (end / align + 1) * align - r.begin);
      stripe.push_back({r.begin, r.begin + take});
      r.begin += take;
      in_stripe += take;
      if (in_stripe >= per) {
        stripes_.push_back(std::move(stripe));
        stripe.clear();
        in_stripe = 0;
      }
    }
  }
  if (!stripe.empty()) stripes_.push_back(std::move(stripe));
}

// Whole chunks while one takes at most a few targets (by the running estimate, not the recent
// maximum: a chunk of cheap points with a slow one among them is still cheap).
bool Dispenser::cheap_chunks() const {
  return estimate_s_ > 0 && estimate_s_ * static_cast<double>(chunk_) <= 4 * target_s_;
}

std::uint64_t Dispenser::want() const {
  double n = estimate_s_ > 0 ? target_s_ / std::max(estimate_s_, 0.25 * recent_max_s_) : 4;
  // Toward the end pieces shrink, so that the last ones finish together, but not below a
  // sixteenth of the target: a piece must outlast the round trip that brings the next (on a
  // node with more ranks than cores that takes many milliseconds, and workers handed single
  // points of 1 ms spent the last tenth of a second of bench_ranks waiting).
  const double tail = std::max(static_cast<double>(remaining_) / (4.0 * computers_), n / 16);
  n = std::min({n, static_cast<double>(max_), std::max(1.0, tail)});
  // Whole chunks where one is cheap: the workers compress them, rank 0 only moves bytes.
  if (cheap_chunks()) n = std::max(n, static_cast<double>(chunk_));
  // Until the first look is over, what is handed out grows at most to three times what has been
  // seen: the first few points may be no guide (infeasible ones cost nothing; costly ones may
  // follow), and a cheap grid then has only its first chunk computed in pieces.
  if (first_look()) {
    const double out = static_cast<double>(total_ - remaining_ - seen_points_);  // not reported yet
    n = std::min(n, std::max(4.0, 2.0 * static_cast<double>(seen_points_) - out));
  }
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(n));
}

grid::IndexRange Dispenser::next() {
  if (remaining_ == 0) return {};
  const std::uint64_t n = want();
  // The first small pieces, until a quarter of a chunk's points or half a target's time has been
  // seen, come from one stripe; while chunks are cheap a stripe keeps its turn until its begun
  // chunk is done. So cheap stripes start on whole chunks (at most the first is computed in
  // pieces), and costly ones are shared by every rank.
  const bool probing = first_look();
  const bool cheap = cheap_chunks();
  for (std::size_t tries = 0; tries < stripes_.size(); ++tries) {
    std::deque<grid::IndexRange>& stripe = stripes_[turn_];
    while (!stripe.empty() && stripe.front().empty()) stripe.pop_front();
    const bool keep_turn = !stripe.empty() && (probing || (cheap && stripe.front().begin % chunk_ != 0));
    if (!keep_turn) turn_ = (turn_ + 1) % stripes_.size();
    while (!stripe.empty() && stripe.front().empty()) stripe.pop_front();
    if (stripe.empty()) continue;
    grid::IndexRange& r = stripe.front();
    const std::uint64_t boundary = (r.begin / chunk_ + 1) * chunk_;  // the next chunk boundary
    std::uint64_t end;
    if (n >= chunk_ && r.begin % chunk_ == 0)
      end = r.begin + n / chunk_ * chunk_;  // whole chunks
    else
      end = std::min(r.begin + n, boundary);  // within one chunk
    end = std::min(end, r.end);
    const grid::IndexRange out{r.begin, end};
    r.begin = end;
    remaining_ -= out.size();
    return out;
  }
  return {};
}

bool Dispenser::first_look() const {
  return seen_s_ < 0.5 * target_s_ && 4 * seen_points_ < chunk_;
}

void Dispenser::observe(std::uint64_t points, double seconds) {
  if (points == 0) return;
  const double per = std::max(seconds / static_cast<double>(points), 1e-8);
  // The first look, a few small pieces: their mean, weighted by points (the very first points
  // cost more, caches and pages still cold, and would make cheap points look costly for long).
  const bool first = first_look();
  seen_points_ += points;
  seen_s_ += seconds;
  if (first) {
    estimate_s_ = std::max(seen_s_ / static_cast<double>(seen_points_), 1e-8);
    recent_max_s_ = std::max(0.7 * recent_max_s_, per);
    return;
  }
  // Then a running estimate, in which a report weighs by the work it stands for, up to a target's
  // worth: a report of a piece sized to the target counts in full, one of a few points little. At
  // the end of a sweep pieces are a few points, and a few points' seconds are noise: a timer's
  // resolution, or cost that lands in the next report (a worker that sleeps off its points in
  // steps, as bench_ranks does, reports some pieces as free); counted in full, a run of them
  // made costly points look cheap, and the next piece was the rest of a chunk.
  const double work = std::max(seconds, static_cast<double>(points) * estimate_s_);
  const double weight = target_s_ > 0 ? std::min(1.0, work / target_s_) : 1.0;
  estimate_s_ += 0.2 * weight * (per - estimate_s_);
  recent_max_s_ = std::max(std::pow(0.7, weight) * recent_max_s_, per);
}

}  // namespace llmsweep::dist
