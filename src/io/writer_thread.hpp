// Rank 0's writer: a thread of its own that keeps the results file up to date from the journal
// while the main thread dispatches and computes. It is the only thread that calls HDF5 while a
// sweep runs. Tasks name journal records (their payloads are read back from the journal, so
// the queue holds no row data); it writes whole chunks into the working file as they come,
// assembles chunks computed in pieces once they are whole, and writes snapshots over OUT.h5.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "io/codec.hpp"
#include "io/journal.hpp"
#include "io/results_file.hpp"

namespace llmsweep::io {

class WriterThread {
 public:
  WriterThread(std::string path, FileMeta meta, SinkLayout layout, const Journal& journal);
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // Start: a fresh working file (and, with `snapshot`, an empty OUT.h5 right away); or a
  // working file copied from an existing OUT.h5 (resume without a journal). Then the thread runs.
  void begin_new(bool snapshot = true);
  void begin_from(const std::string& existing);

  // A record now in the journal (replay: one found there on resume).
  void post(const RecordEntry& e);
  void replay(const RecordEntry& e) { post(e); }
  // Writes OUT.h5 anew from what was posted before; `best_rows` for keep = best.
  void snapshot(const FileProgress& progress, std::vector<grid::Row> best_rows);
  // Whether a snapshot is queued or being written.
  bool busy() const;
  // The last snapshot's wall time, for pacing checkpoints.
  double last_snapshot_s() const;
  // The final file: everything posted, then OUT.h5 in place; waits and rethrows a failure.
  void finish(const FileProgress& progress, std::vector<grid::Row> best_rows);
  // Rethrows a failure of the thread on the caller's thread.
  void check();
  // Stops at once: queued work is dropped (the journal still holds it).
  void abandon();

 private:
  enum class TaskKind { record, snapshot, finish };
  struct Task {
    TaskKind kind = TaskKind::record;
    RecordEntry entry;
    FileProgress progress;
    std::vector<grid::Row> best_rows;
  };
  struct OpenChunk {
    std::vector<RecordEntry> records;  // raw-row records that touch the chunk
    std::uint64_t rows = 0;
  };

  void run();
  void execute(Task& t);
  void absorb(const RecordEntry& e);
  std::vector<grid::Row> assemble(std::uint64_t chunk, const OpenChunk& open) const;
  void start_encoding();
  void encode_in_background(std::uint64_t chunk, std::vector<grid::Row> rows);
  void write_encoded(bool all);
  void write_open_chunks(ChunkFile& file);
  void write_snapshot(const Task& t);
  void write_final(const Task& t);
  void write_kept(const Task& t);
  void push(Task t);

  std::string path_;
  FileMeta meta_;
  SinkLayout layout_;
  const Journal& journal_;
  std::unique_ptr<ChunkFile> work_;  // keep = all
  // Chunks assembled here from pieces are encoded on threads of their own, several at once: at
  // the end of a sweep of costly points every stripe completes its chunks at the same time, and
  // the writer alone encoding them (25 ms for 16,384 rows) held up the final file.
  // Each has an encoder of its own, freed with it: an encoder's scratch is as large as a
  // chunk's rows (13 MB for 16,384), too much to keep four of on rank 0.
  std::unique_ptr<ChunkEncoder> encoder_;           // snapshots' and the final file's open chunks
  std::size_t most_encoding_ = 1;                   // one for each core, up to four
  std::deque<std::future<EncodedChunk>> encoding_;  // in the order they began
  std::map<std::uint64_t, OpenChunk> open_;         // chunks with some rows recorded, not all
  std::vector<RecordEntry> kept_;                   // keep = feasible: every piece, for snapshots
  std::vector<std::uint64_t> kept_rows_;            // rows of each of them
  std::uint64_t unsynced_bytes_ = 0;                // bytes recorded since the last writeback began

  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<Task> queue_;
  bool running_ = false;
  bool stop_ = false;
  int snapshots_pending_ = 0;
  double last_snapshot_s_ = 0;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace llmsweep::io
