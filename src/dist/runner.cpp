#include "dist/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <iostream>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "common/stop.hpp"
#include "dist/messages.hpp"

namespace llmsweep::dist {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void send_bytes(MPI_Comm comm, int dest, int tag, const std::string& bytes) {
  if (MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, tag, comm) != MPI_SUCCESS)
    throw MpiError("MPI_Send to rank " + std::to_string(dest) + " failed");
}

// A message waiting for us, received; nothing if none is there.
struct Message {
  int source = -1;
  int tag = -1;
  std::string bytes;
};

bool try_receive(MPI_Comm comm, int source, Message& m) {
  int flag = 0;
  MPI_Status status;
  if (MPI_Iprobe(source, MPI_ANY_TAG, comm, &flag, &status) != MPI_SUCCESS)
    throw MpiError("MPI_Iprobe failed");
  if (!flag) return false;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  m.source = status.MPI_SOURCE;
  m.tag = status.MPI_TAG;
  m.bytes.resize(static_cast<std::size_t>(count));
  if (MPI_Recv(m.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm, MPI_STATUS_IGNORE) !=
      MPI_SUCCESS)
    throw MpiError("MPI_Recv from rank " + std::to_string(status.MPI_SOURCE) + " failed");
  return true;
}

// Open MPI busy-polls inside blocking receives; waiting ranks sleep between probes instead.
class Backoff {
 public:
  void reset() { us_ = 20; }
  void wait() {
    std::this_thread::sleep_for(std::chrono::microseconds(us_));
    us_ = std::min(us_ * 2, 2000);
  }

 private:
  int us_ = 20;
};

Message wait_receive(MPI_Comm comm, int source) {
  Message m;
  Backoff b;
  while (!try_receive(comm, source, m)) b.wait();
  return m;
}

std::string stop_payload(bool final_ack) {
  return std::string(1, final_ack ? '\1' : '\0');
}

// ---- progress -------------------------------------------------------------------------
class Progress {
 public:
  Progress(const RunOptions& o, std::uint64_t total, std::uint64_t done_before)
      : on_(o.progress),
        out_(o.progress_out ? *o.progress_out : std::cerr),
        total_(total),
        before_(done_before),
        interval_(o.progress_interval_s),
        tty_(o.progress_out == nullptr && ::isatty(STDERR_FILENO)) {}

  void update(std::uint64_t computed, bool force = false) {
    if (!on_) return;
    const double now = since(start_);
    if (!force && now - last_ < (tty_ ? 0.5 : interval_)) return;
    last_ = now;
    const std::uint64_t done = before_ + computed;
    const double rate = now > 0 ? static_cast<double>(computed) / now : 0;
    char line[256];
    std::string eta = "?";
    if (rate > 0) eta = format_eta(static_cast<double>(total_ - std::min(total_, done)) / rate);
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
  void finish(std::uint64_t computed) {
    update(computed, true);
    if (dirty_) out_ << "\n" << std::flush;
  }

 private:
  static std::string format_eta(double s) {
    char buf[64];
    if (s < 120)
      std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 7200)
      std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", std::floor(s / 60), std::fmod(s, 60));
    else
      std::snprintf(buf, sizeof buf, "%.0fh%02.0fm", std::floor(s / 3600),
                    std::floor(std::fmod(s, 3600) / 60));
    return buf;
  }
  bool on_;
  std::ostream& out_;
  std::uint64_t total_, before_;
  double interval_;
  bool tty_;
  bool dirty_ = false;
  Clock::time_point start_ = Clock::now();
  double last_ = -1e9;
};

// ---- work dispenser ---------------------------------------------------------------------
// Points differ in cost by orders of magnitude, and costly ones cluster (a slow profile is a
// block of the grid). The pending points are cut into stripes handed out in turn, so that every
// rank meets the costly blocks at the same time; chunks aim at chunk_target_s of work by the
// cost seen so far (a decaying maximum, so that a turn to costly points shrinks them at once)
// and shrink toward the end, so that the last chunks finish together.
class Dispenser {
 public:
  Dispenser(const std::vector<grid::IndexRange>& pending, const RunOptions& o, int computers)
      : target_s_(o.chunk_target_s), max_(o.max_chunk), computers_(computers) {
    for (const auto& r : pending) remaining_ += r.size();
    const std::uint64_t stripes =
        std::clamp<std::uint64_t>(remaining_ / 64, 1, static_cast<std::uint64_t>(8 * computers));
    // Cut the concatenation of the pending ranges into `stripes` runs of nearly equal length.
    const std::uint64_t per = (remaining_ + stripes - 1) / std::max<std::uint64_t>(stripes, 1);
    std::deque<grid::IndexRange> stripe;
    std::uint64_t in_stripe = 0;
    for (grid::IndexRange r : pending) {
      while (!r.empty()) {
        const std::uint64_t take = std::min(r.size(), per - in_stripe);
        stripe.push_back({r.begin, r.begin + take});
        r.begin += take;
        in_stripe += take;
        if (in_stripe == per) {
          stripes_.push_back(std::move(stripe));
          stripe.clear();
          in_stripe = 0;
        }
      }
    }
    if (!stripe.empty()) stripes_.push_back(std::move(stripe));
  }
  bool empty() const { return remaining_ == 0; }
  std::uint64_t remaining() const { return remaining_; }

  grid::IndexRange next() {
    if (remaining_ == 0) return {};
    double want = estimate_s_ > 0 ? target_s_ / std::max(estimate_s_, 0.25 * recent_max_s_) : 4;
    const double tail = static_cast<double>(remaining_) / (4.0 * computers_);
    want = std::min({want, static_cast<double>(max_), std::max(1.0, tail)});
    const auto n = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(want));
    // The next non-empty stripe in turn; within it, the next run of at most n points.
    for (std::size_t tries = 0; tries < stripes_.size(); ++tries) {
      std::deque<grid::IndexRange>& stripe = stripes_[turn_];
      turn_ = (turn_ + 1) % stripes_.size();
      while (!stripe.empty() && stripe.front().empty()) stripe.pop_front();
      if (stripe.empty()) continue;
      grid::IndexRange& r = stripe.front();
      const grid::IndexRange out{r.begin, std::min(r.end, r.begin + n)};
      r.begin = out.end;
      remaining_ -= out.size();
      return out;
    }
    return {};
  }

  void observe(std::uint64_t points, double seconds) {
    if (points == 0) return;
    const double per = std::max(seconds / static_cast<double>(points), 1e-7);
    estimate_s_ = estimate_s_ > 0 ? 0.8 * estimate_s_ + 0.2 * per : per;
    recent_max_s_ = std::max(0.9 * recent_max_s_, per);
  }

 private:
  std::vector<std::deque<grid::IndexRange>> stripes_;
  std::size_t turn_ = 0;
  std::uint64_t remaining_ = 0;
  double target_s_;
  std::uint64_t max_;
  int computers_;
  double estimate_s_ = 0;
  double recent_max_s_ = 0;
};

// ---- coordinator --------------------------------------------------------------------------
class Coordinator {
 public:
  Coordinator(MPI_Comm comm, int size, const std::vector<grid::IndexRange>& pending, std::uint64_t total,
              std::uint64_t done_before, const Evaluate& evaluate, io::ResultSink& sink, const RunOptions& o)
      : comm_(comm),
        workers_(size - 1),
        evaluate_(evaluate),
        sink_(sink),
        o_(o),
        dispenser_(pending, o, std::max(1, size - 1) + (o.coordinator_computes ? 1 : 0)),
        progress_(o, total, done_before) {
    active_ = workers_;
    stopped_.assign(static_cast<std::size_t>(size), false);
    if (workers_ == 0 && !o.coordinator_computes)
      throw InternalError("nobody computes: one rank and coordinator_computes off");
  }

  Outcome run(RunStats& stats) {
    const auto start = Clock::now();
    auto last_checkpoint = Clock::now();
    Backoff idle;
    Outcome outcome = Outcome::complete;
    Clock::time_point stop_since{};
    while (true) {
      bool busy = drain_messages();
      if (!stopping_ && stop_requested()) begin_stop();
      if (!stopping_ && o_.coordinator_computes) busy = compute_one() || busy;
      if (own_.empty() && active_ == 0 && (stopping_ || dispenser_.empty())) break;
      if (stopping_) {
        if (stop_since == Clock::time_point{}) stop_since = Clock::now();
        if (since(stop_since) > o_.stop_grace_s) {
          outcome = Outcome::workers_lost;
          break;
        }
      }
      if (since(last_checkpoint) >= o_.checkpoint_interval_s) {
        sink_.checkpoint();
        last_checkpoint = Clock::now();
      }
      progress_.update(computed_);
      if (busy)
        idle.reset();
      else
        idle.wait();
    }
    if (outcome == Outcome::complete && (stopping_ || !dispenser_.empty())) outcome = Outcome::stopped;
    progress_.finish(computed_);
    stats.computed = computed_;
    stats.computed_by_coordinator = self_computed_;
    stats.chunks = chunks_;
    stats.seconds = since(start);
    return outcome;
  }

 private:
  bool drain_messages() {
    bool any = false;
    Message m;
    while (active_ > 0 && try_receive(comm_, MPI_ANY_SOURCE, m)) {
      any = true;
      if (m.tag != kTagResult)
        throw MpiError("unexpected message tag " + std::to_string(m.tag) + " from rank " +
                       std::to_string(m.source));
      ResultBatch b = decode_batch(m.bytes);
      if (!b.rows.empty()) {
        sink_.record(b.rows);
        computed_ += b.rows.size();
        ++chunks_;
        dispenser_.observe(b.rows.size(), b.seconds);
      }
      if (b.want_more) {
        const grid::IndexRange r = stopping_ ? grid::IndexRange{} : dispenser_.next();
        send_bytes(comm_, m.source, kTagAssign, encode(Assignment{r.begin, r.size()}));
      }
      if (b.finished) {
        stopped_[static_cast<std::size_t>(m.source)] = true;
        --active_;
        send_bytes(comm_, m.source, kTagStop, stop_payload(true));
        // A worker that stops while work remains was told to by a signal: everyone stops.
        if (!stopping_ && !dispenser_.empty()) begin_stop();
      }
    }
    return any;
  }

  void begin_stop() {
    stopping_ = true;
    for (int r = 1; r <= workers_; ++r)
      if (!stopped_[static_cast<std::size_t>(r)]) send_bytes(comm_, r, kTagStop, stop_payload(false));
    flush_own();
  }

  bool compute_one() {
    if (own_.empty()) {
      own_range_ = dispenser_.next();
      if (own_range_.empty()) return false;
      own_start_ = Clock::now();
      own_.reserve(own_range_.size());
    }
    own_.push_back(evaluate_(own_range_.begin + own_.size()));
    ++computed_;
    ++self_computed_;
    if (own_.size() == own_range_.size()) {
      dispenser_.observe(own_.size(), since(own_start_));
      flush_own();
    }
    return true;
  }

  void flush_own() {
    if (own_.empty()) return;
    sink_.record(own_);
    ++chunks_;
    own_.clear();
    own_range_ = {};
  }

  MPI_Comm comm_;
  int workers_;
  int active_ = 0;
  const Evaluate& evaluate_;
  io::ResultSink& sink_;
  RunOptions o_;
  Dispenser dispenser_;
  Progress progress_;
  std::vector<bool> stopped_;
  bool stopping_ = false;
  std::vector<grid::Row> own_;
  grid::IndexRange own_range_;
  Clock::time_point own_start_;
  std::uint64_t computed_ = 0, self_computed_ = 0, chunks_ = 0;
};

// ---- worker -------------------------------------------------------------------------------
void work(MPI_Comm comm, const Evaluate& evaluate) {
  constexpr int kPrefetch = 2;
  std::deque<Assignment> queue;
  int outstanding = 0;
  bool no_more = false;
  bool stop = false;
  for (int i = 0; i < kPrefetch; ++i) {
    ResultBatch ask;
    ask.want_more = true;
    send_bytes(comm, 0, kTagResult, encode(ask));
    ++outstanding;
  }
  const auto absorb = [&](const Message& m) {
    if (m.tag == kTagAssign) {
      --outstanding;
      const Assignment a = decode_assignment(m.bytes);
      if (a.count == 0)
        no_more = true;
      else if (!stop)
        queue.push_back(a);
    } else if (m.tag == kTagStop) {
      stop = true;
    } else {
      throw MpiError("unexpected message tag " + std::to_string(m.tag) + " from the coordinator");
    }
  };
  const auto poll = [&] {
    Message m;
    while (try_receive(comm, 0, m)) absorb(m);
    if (stop_requested()) stop = true;
  };
  ResultBatch batch;
  while (true) {
    poll();
    if (stop || (queue.empty() && no_more && outstanding == 0)) break;
    if (queue.empty()) {
      absorb(wait_receive(comm, 0));
      continue;
    }
    const Assignment a = queue.front();
    queue.pop_front();
    batch = ResultBatch{};
    batch.first = a.first;
    batch.rows.reserve(a.count);
    const auto start = Clock::now();
    for (std::uint64_t i = 0; i < a.count; ++i) {
      batch.rows.push_back(evaluate(a.first + i));
      poll();
      if (stop) break;
    }
    batch.seconds = since(start);
    batch.want_more = !stop && !no_more;
    if (batch.want_more) ++outstanding;
    batch.finished = stop;
    send_bytes(comm, 0, kTagResult, encode(batch));
    if (stop) break;
  }
  if (!batch.finished) {
    ResultBatch done;
    done.finished = true;
    send_bytes(comm, 0, kTagResult, encode(done));
  }
  // Drain replies until the coordinator's final acknowledgement: nothing is left in flight.
  while (true) {
    const Message m = wait_receive(comm, 0);
    if (m.tag == kTagStop && !m.bytes.empty() && m.bytes[0] == '\1') break;
  }
}

}  // namespace

Outcome run(MPI_Comm comm, const std::vector<grid::IndexRange>& pending, std::uint64_t total_points,
            std::uint64_t already_done, const Evaluate& evaluate, io::ResultSink* sink,
            const RunOptions& options, RunStats* stats) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  RunStats local;
  if (rank != 0) {
    work(comm, evaluate);
    if (stats) *stats = local;
    return Outcome::complete;
  }
  if (!sink) throw InternalError("rank 0 needs a result sink");
  Coordinator c(comm, size, pending, total_points, already_done, evaluate, *sink, options);
  const Outcome out = c.run(local);
  if (stats) *stats = local;
  return out;
}

}  // namespace llmsweep::dist
