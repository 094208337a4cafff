// A rank's computing, on a thread of its own (it calls neither MPI nor HDF5), so that the rank's
// main thread answers messages and signals at once even while a point takes seconds.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "dist/piece.hpp"

namespace llmsweep::dist {

class LocalWorker {
 public:
  LocalWorker(const io::SinkLayout& layout, const Evaluate& evaluate, const ChunkStandIn& stand_in);
  ~LocalWorker();
  LocalWorker(const LocalWorker&) = delete;
  LocalWorker& operator=(const LocalWorker&) = delete;

  // Pieces queued or being computed.
  std::size_t load() const;
  void give(grid::IndexRange piece);
  // Reports ready since the last call; the last report of each piece has want_more set.
  std::vector<Report> take_reports();
  bool has_reports() const;
  // Waits until a report is ready or `seconds` have passed.
  void wait_for_report(double seconds);
  // Cuts the piece in progress at the next point; queued pieces are dropped.
  void stop();
  // Waits up to `seconds` for the thread to end (after stop); false if a point still runs.
  bool join(double seconds);

 private:
  void run();

  PieceWork work_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, done_, reported_;
  std::deque<grid::IndexRange> queue_;
  std::vector<Report> reports_;
  bool computing_ = false;
  bool ended_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace llmsweep::dist
