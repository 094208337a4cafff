#include "dist/local_worker.hpp"

#include <chrono>

namespace llmsweep::dist {

LocalWorker::LocalWorker(const io::SinkLayout& layout, const Evaluate& evaluate, const ChunkStandIn& stand_in)
    : work_(layout, evaluate, stand_in), thread_([this] { run(); }) {}

LocalWorker::~LocalWorker() {
  stop();
  join(1e9);
}

std::size_t LocalWorker::load() const {
  std::lock_guard<std::mutex> g(mutex_);
  return queue_.size() + (computing_ ? 1 : 0);
}

void LocalWorker::give(grid::IndexRange piece) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    queue_.push_back(piece);
  }
  wake_.notify_one();
}

std::vector<Report> LocalWorker::take_reports() {
  std::lock_guard<std::mutex> g(mutex_);
  std::vector<Report> out;
  out.swap(reports_);
  return out;
}

bool LocalWorker::has_reports() const {
  std::lock_guard<std::mutex> g(mutex_);
  return !reports_.empty();
}

void LocalWorker::wait_for_report(double seconds) {
  std::unique_lock<std::mutex> g(mutex_);
  reported_.wait_for(g, std::chrono::duration<double>(seconds),
                     [this] { return !reports_.empty() || ended_; });
}

void LocalWorker::stop() {
  stop_ = true;
  {
    std::lock_guard<std::mutex> g(mutex_);
    queue_.clear();
  }
  wake_.notify_one();
}

bool LocalWorker::join(double seconds) {
  std::unique_lock<std::mutex> g(mutex_);
  const bool ended = done_.wait_for(g, std::chrono::duration<double>(seconds), [this] { return ended_; });
  if (ended) {
    g.unlock();
    if (thread_.joinable()) thread_.join();
  }
  return ended;
}

void LocalWorker::run() {
  while (true) {
    {
      std::unique_lock<std::mutex> g(mutex_);
      wake_.wait(g, [this] { return stop_ || !queue_.empty(); });
      if (stop_) break;
      work_.start(queue_.front());
      queue_.pop_front();
      computing_ = true;
    }
    while (work_.active()) {
      std::optional<Report> r = stop_ ? work_.cut() : work_.step();
      if (r) {
        r->want_more = !work_.active();
        std::lock_guard<std::mutex> g(mutex_);
        reports_.push_back(std::move(*r));
        reported_.notify_one();
      }
    }
    std::lock_guard<std::mutex> g(mutex_);
    computing_ = false;
  }
  std::lock_guard<std::mutex> g(mutex_);
  computing_ = false;
  ended_ = true;
  done_.notify_all();
}

}  // namespace llmsweep::dist
