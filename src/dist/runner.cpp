#include "dist/runner.hpp"

#include <csignal>
#include <deque>
#include <iostream>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "common/stop.hpp"
#include "dist/dispenser.hpp"
#include "dist/local_worker.hpp"
#include "dist/progress.hpp"
#include "dist/transport.hpp"

namespace llmsweep::dist {

bool g_compute_abandoned = false;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Hands a report's results to the sink.
void deliver(io::ResultSink& sink, const Report& r) {
  switch (r.payload) {
    case Payload::none:
      break;
    case Payload::rows:
      sink.record(r.rows);
      break;
    case Payload::chunk:
      sink.record(r.chunk);
      break;
    case Payload::kept:
      sink.record(r.kept);
      break;
  }
}

// ---- coordinator --------------------------------------------------------------------------
class Coordinator {
 public:
  Coordinator(MPI_Comm comm, int size, const std::vector<grid::IndexRange>& pending,
              std::uint64_t done_before, const io::SinkLayout& layout, const Evaluate& evaluate,
              io::ResultSink& sink, const RunOptions& o)
      : comm_(comm),
        workers_(size - 1),
        sink_(sink),
        o_(o),
        dispenser_(pending, o.chunk_target_s, o.max_piece,
                   std::max(1, size - 1) + (o.coordinator_computes ? 1 : 0), layout.chunk_rows),
        progress_(o.progress, o.progress_out, o.progress_interval_s, layout.points, done_before),
        local_(o.coordinator_computes ? std::make_unique<LocalWorker>(layout, evaluate, o.stand_in_chunks)
                                      : nullptr) {
    active_ = workers_;
    pending_points_ = dispenser_.remaining();
    finished_.assign(static_cast<std::size_t>(size), false);
    if (workers_ == 0 && !o.coordinator_computes)
      throw InternalError("nobody computes: one rank and coordinator_computes off");
  }

  Outcome run(RunStats& stats) {
    const auto start = Clock::now();
    auto last_checkpoint = Clock::now();
    Backoff idle;
    Outcome outcome = Outcome::complete;
    while (true) {
      bool busy = drain_messages();
      if (!stopping_ && stop_requested()) begin_stop(stop_signal() == SIGTERM || stop_signal() == SIGINT);
      busy = drain_local() || busy;
      if (local_idle() && active_ == 0 && (stopping_ || dispenser_.empty())) break;
      if (stopping_ && since(stop_since_) > (quick_stop_ ? o_.quick_stop_s : o_.stop_grace_s)) break;
      if (since(last_checkpoint) >= checkpoint_interval()) {
        sink_.checkpoint();
        last_checkpoint = Clock::now();
      }
      progress_.update(computed_);
      if (busy)
        idle.reset();
      else
        idle.wait();
    }
    // A point rank 0 still computes after a quick stop is given up (computed again on resume).
    if (local_) {
      local_->stop();
      if (!local_->join(stopping_ && quick_stop_ ? 0.0 : o_.stop_grace_s)) abandon_local();
    }
    drain_local();
    // Complete only when every pending point was recorded (a worker stopped by its own signal
    // may have cut a piece that was handed out).
    if (stopping_ || computed_ < pending_points_) outcome = Outcome::stopped;
    progress_.finish(computed_);
    stats.last_point_s = since(start);
    const auto closing = Clock::now();
    sink_.close();
    stats.close_s = since(closing);
    acknowledge_finished();
    // Results that arrive from here on are not recorded (they are computed again on resume);
    // the workers still computing are told to end, so that every rank reaches MPI_Finalize.
    if (active_ > 0 && !release_workers()) outcome = Outcome::workers_lost;
    stats.computed = computed_;
    stats.computed_by_coordinator = self_computed_;
    stats.reports = reports_;
    stats.seconds = since(start);
    return outcome;
  }

 private:
  double checkpoint_interval() const {
    // A snapshot costs time in proportion to the file: keep them under about 5 % of the run.
    return std::max(o_.checkpoint_interval_s, 20 * sink_.last_checkpoint_s());
  }

  void absorb(const Report& r, bool local) {
    if (r.points == 0) return;
    deliver(sink_, r);
    computed_ += r.points;
    if (local) self_computed_ += r.points;
    ++reports_;
    dispenser_.observe(r.points, r.seconds);
    // The estimate waits for a few seconds of results: the first points cost more (caches fill).
    if (!estimated_ && o_.on_first_estimate && since(start_) >= kEstimateAfterS && computed_ > 0) {
      estimated_ = true;
      o_.on_first_estimate(static_cast<double>(computed_) / since(start_));
    }
  }

  bool drain_messages() {
    bool any = false;
    Message m;
    while (active_ > 0 && inbox_.poll(m)) {
      any = true;
      if (m.tag != kTagReport)
        throw MpiError("unexpected message tag " + std::to_string(m.tag) + " from rank " +
                       std::to_string(m.source));
      const Report r = decode_report(m.bytes);
      absorb(r, false);
      if (r.want_more) {
        const grid::IndexRange next = stopping_ ? grid::IndexRange{} : dispenser_.next();
        send_bytes(comm_, m.source, kTagAssign, encode(Assignment{next.begin, next.size()}));
      }
      if (r.finished) {
        finished_[static_cast<std::size_t>(m.source)] = true;
        --active_;
        // Its final acknowledgement waits until the file is closed (acknowledge_finished).
        // A worker that goes on to MPI_Finalize or a collective polls there, and on a node
        // with more ranks than cores those polls would take the cores rank 0 closes with.
        // A worker that stops while work remains was told to by a signal: everyone stops.
        if (!stopping_ && (r.stopped || !dispenser_.empty())) begin_stop(false);
      }
    }
    return any;
  }

  void begin_stop(bool quick) {
    stopping_ = true;
    quick_stop_ = quick;
    stop_since_ = Clock::now();
    for (int r = 1; r <= workers_; ++r)
      if (!finished_[static_cast<std::size_t>(r)]) send_bytes(comm_, r, kTagStop, std::string(1, '\0'));
    if (local_) local_->stop();
  }

  // Takes rank 0's own results and keeps two pieces queued for its compute thread.
  bool drain_local() {
    if (!local_) return false;
    bool any = false;
    for (const Report& r : local_->take_reports()) {
      absorb(r, true);
      any = true;
    }
    while (!stopping_ && local_->load() < 2) {
      const grid::IndexRange r = dispenser_.next();
      if (r.empty()) break;
      local_->give(r);
      any = true;
    }
    return any;
  }

  bool local_idle() const { return !local_ || local_->load() == 0; }

  // The thread is left to run its point while the process ends (dist::run_sweep ends it).
  void abandon_local() {
    static_cast<void>(local_.release());
    g_compute_abandoned = true;
  }

  // The final acknowledgement to every worker that reported its end: it may leave run().
  void acknowledge_finished() {
    for (int r = 1; r <= workers_; ++r)
      if (finished_[static_cast<std::size_t>(r)]) send_bytes(comm_, r, kTagStop, std::string(1, '\1'));
  }

  // Lets workers that are still computing end; false when some do not answer in time.
  bool release_workers() {
    if (!stopping_) begin_stop(true);
    const auto until = Clock::now() + std::chrono::duration<double>(o_.stop_grace_s);
    Backoff b;
    Message m;
    while (active_ > 0 && Clock::now() < until) {
      if (!inbox_.poll(m)) {
        b.wait();
        continue;
      }
      const Report r = decode_report(m.bytes);
      if (r.want_more) send_bytes(comm_, m.source, kTagAssign, encode(Assignment{0, 0}));
      if (r.finished) {
        --active_;
        send_bytes(comm_, m.source, kTagStop, std::string(1, '\1'));
      }
    }
    return active_ == 0;
  }

  MPI_Comm comm_;
  Inbox inbox_{comm_};
  int workers_;
  int active_ = 0;
  io::ResultSink& sink_;
  RunOptions o_;
  Dispenser dispenser_;
  Progress progress_;
  std::unique_ptr<LocalWorker> local_;
  std::vector<bool> finished_;
  bool stopping_ = false;
  bool quick_stop_ = false;
  bool estimated_ = false;
  static constexpr double kEstimateAfterS = 3;
  Clock::time_point start_ = Clock::now();
  Clock::time_point stop_since_;
  std::uint64_t computed_ = 0, self_computed_ = 0, reports_ = 0;
  std::uint64_t pending_points_ = 0;
};

// ---- worker -------------------------------------------------------------------------------
// The worker's main thread does MPI only: it keeps its reports moving (a large message needs
// both sides to make progress, so a worker inside a long point must not hold one up), takes
// assignments and stops; its compute thread computes.
class Worker {
 public:
  Worker(MPI_Comm comm, const io::SinkLayout& layout, const Evaluate& evaluate, const ChunkStandIn& stand_in)
      : comm_(comm), outbox_(comm), local_(layout, evaluate, stand_in) {}

  static constexpr double kLookS = 0.005;
  static constexpr double kQueuedLookS = 0.05;
  static constexpr int kFinalLookUs = 20000;

  void run() {
    constexpr int kPrefetch = 2;
    for (int i = 0; i < kPrefetch; ++i) {
      Report ask;
      ask.want_more = true;
      send(ask);
    }
    Backoff idle;
    while (true) {
      bool busy = poll();
      if (stop_) break;
      for (Report& r : local_.take_reports()) {
        r.want_more = r.want_more && !no_more_;  // the last report of a piece asks for the next
        send(r);
        busy = true;
      }
      if (no_more_ && outstanding_ == 0 && local_.load() == 0 && !local_.has_reports()) break;
      // Idle: wake for the compute thread's next report, and look at messages every few
      // milliseconds (only assignments asked for and stops can come); a report still travelling
      // is kept moving sooner. While a piece waits in the queue behind the one being computed,
      // an assignment is not needed before the next report, so the look is rarer: on a node with
      // more ranks than cores, polling main threads would otherwise take the cores from the
      // computing threads and from rank 0.
      if (busy)
        idle.reset();
      else if (outbox_.empty())
        local_.wait_for_report(local_.load() >= 2 ? kQueuedLookS : kLookS);
      else
        idle.wait(200);
    }
    Report last;
    if (stop_) {
      // What the compute thread has of its piece, once its point in progress is done.
      local_.stop();
      local_.join(1e9);
      for (Report& r : local_.take_reports()) {
        if (r.points == 0) continue;
        r.want_more = false;
        send(r);
      }
      last.stopped = true;
    }
    last.finished = true;
    send(last);
    // Drain replies until the coordinator's final acknowledgement, which comes once the file is
    // closed: nothing is left in flight, and this rank sleeps rather than polls meanwhile.
    outbox_.flush();
    Backoff b;
    Message m;
    while (true) {
      if (!try_receive(comm_, 0, m)) {
        b.wait(kFinalLookUs);
        continue;
      }
      if (m.tag == kTagStop && !m.bytes.empty() && m.bytes[0] == '\1') break;
    }
  }

 private:
  void send(const Report& r) {
    if (r.want_more) ++outstanding_;
    outbox_.send(0, kTagReport, encode(r));
  }

  bool poll() {
    outbox_.progress();
    bool any = false;
    Message m;
    while (try_receive(comm_, 0, m)) {
      any = true;
      if (m.tag == kTagAssign) {
        --outstanding_;
        const Assignment a = decode_assignment(m.bytes);
        if (a.count == 0)
          no_more_ = true;
        else if (!stop_)
          local_.give({a.first, a.first + a.count});
      } else if (m.tag == kTagStop) {
        stop_ = true;
      } else {
        throw MpiError("unexpected message tag " + std::to_string(m.tag) + " from the coordinator");
      }
    }
    if (stop_requested()) stop_ = true;
    return any;
  }

  MPI_Comm comm_;
  Outbox outbox_;
  LocalWorker local_;
  int outstanding_ = 0;
  bool no_more_ = false;
  bool stop_ = false;
};

}  // namespace

Outcome run(MPI_Comm comm, const std::vector<grid::IndexRange>& pending, std::uint64_t already_done,
            const io::SinkLayout& layout, const Evaluate& evaluate, io::ResultSink* sink,
            const RunOptions& options, RunStats* stats) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  RunStats local;
  if (rank != 0) {
    Worker(comm, layout, evaluate, options.stand_in_chunks).run();
    if (stats) *stats = local;
    return Outcome::complete;
  }
  if (!sink) throw InternalError("rank 0 needs a result sink");
  Coordinator c(comm, size, pending, already_done, layout, evaluate, *sink, options);
  const Outcome out = c.run(local);
  if (stats) *stats = local;
  return out;
}

}  // namespace llmsweep::dist
