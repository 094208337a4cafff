#include "io/writer_thread.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>

#include "common/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/output_session.hpp"

namespace llmsweep::io {
namespace fs = std::filesystem;

namespace {

// Tests only: LLMSWEEP_TEST_WRITER_DELAY_MS makes every chunk write of the working file slower,
// LLMSWEEP_TEST_FINAL_DELAY_MS the final file, so that a kill lands inside them.
void test_delay(const char* variable) {
  const char* v = std::getenv(variable);
  const int ms = v ? std::atoi(v) : 0;
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

std::string temporary_for(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid());
}

// Starts writing a file's dirty pages to disk without waiting for them, so that the sync that
// makes the final file durable waits only for the last few (on a fast sweep the working file
// grows by hundreds of megabytes a second, which the kernel would otherwise keep in memory until
// that sync). Advisory: a failure here is met by that sync. Not for the journal: a complete
// sweep removes it unsynced, and removing a file whose pages never reached the disk costs
// nothing, while one written back costs 0.13 s for 600 MB here; a stopped sweep syncs it.
void start_writeback(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  static_cast<void>(::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
  ::close(fd);
}

void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw ResultFileError(path, "", "cannot sync to disk");
}

void move_into_place(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) throw ResultFileError(to, "", "cannot move the new file into place: " + ec.message());
}

}  // namespace

WriterThread::WriterThread(std::string path, FileMeta meta, SinkLayout layout, const Journal& journal)
    : path_(std::move(path)), meta_(std::move(meta)), layout_(std::move(layout)), journal_(journal) {}

WriterThread::~WriterThread() {
  abandon();
}

void WriterThread::begin_new(bool snapshot) {
  if (layout_.keep.keep == grid::Keep::all) {
    const std::string work = work_path(path_);
    std::error_code ec;
    fs::remove(work, ec);  // a stopped or killed run's (the caller holds the lock)
    create_results_file(work, meta_, false);
    work_ = std::make_unique<ChunkFile>(work);
    start_encoding();
    if (snapshot) {
      const std::string tmp = temporary_for(path_);
      copy_file_bytes(work, tmp);
      move_into_place(tmp, path_);
    }
  } else if (snapshot) {
    write_kept_file(
        path_, meta_, 0, [](const RowSink&) {}, FileProgress{});
  }
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void WriterThread::begin_from(const std::string& existing) {
  const std::string work = work_path(path_);
  std::error_code ec;
  fs::remove(work, ec);
  copy_file_bytes(existing, work);
  work_ = std::make_unique<ChunkFile>(work);
  start_encoding();
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void WriterThread::push(Task t) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (t.kind != TaskKind::record) ++snapshots_pending_;
    queue_.push_back(std::move(t));
  }
  wake_.notify_one();
}

void WriterThread::post(const RecordEntry& e) {
  Task t;
  t.entry = e;
  push(std::move(t));
}

void WriterThread::snapshot(const FileProgress& progress, std::vector<grid::Row> best_rows) {
  Task t;
  t.kind = TaskKind::snapshot;
  t.progress = progress;
  t.best_rows = std::move(best_rows);
  push(std::move(t));
}

bool WriterThread::busy() const {
  std::lock_guard<std::mutex> g(mutex_);
  return snapshots_pending_ > 0;
}

double WriterThread::last_snapshot_s() const {
  std::lock_guard<std::mutex> g(mutex_);
  return last_snapshot_s_;
}

void WriterThread::check() {
  std::lock_guard<std::mutex> g(mutex_);
  if (error_) std::rethrow_exception(error_);
}

void WriterThread::finish(const FileProgress& progress, std::vector<grid::Row> best_rows) {
  Task t;
  t.kind = TaskKind::finish;
  t.progress = progress;
  t.best_rows = std::move(best_rows);
  push(std::move(t));
  {
    std::unique_lock<std::mutex> g(mutex_);
    idle_.wait(g, [this] { return !running_ || error_; });
  }
  if (thread_.joinable()) thread_.join();
  check();
}

void WriterThread::abandon() {
  {
    std::lock_guard<std::mutex> g(mutex_);
    stop_ = true;
    queue_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  for (std::future<EncodedChunk>& e : encoding_)
    if (e.valid()) e.wait();
  encoding_.clear();
  work_.reset();
}

void WriterThread::start_encoding() {
  encoder_ = std::make_unique<ChunkEncoder>(layout_, grid::columns(layout_.levels, {}));
  most_encoding_ = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
}

void WriterThread::encode_in_background(std::uint64_t chunk, std::vector<grid::Row> rows) {
  if (encoding_.size() >= most_encoding_) {  // as many as cores: the oldest is written first
    encoding_.front().wait();
    write_encoded(false);
  }
  const auto held = std::make_shared<const std::vector<grid::Row>>(std::move(rows));
  const SinkLayout& layout = layout_;
  const std::vector<grid::Column>& columns = encoder_->columns();  // never changed: shared
  try {
    encoding_.push_back(std::async(std::launch::async, [&layout, &columns, chunk, held] {
      return ChunkEncoder(layout, columns).encode(chunk, *held);
    }));
  } catch (const std::system_error&) {  // no thread to be had: here, then
    work_->write(encoder_->encode(chunk, *held));
  }
}

// Writes the encodings that are done, in the order they began (with `all`, waits for each).
void WriterThread::write_encoded(bool all) {
  while (!encoding_.empty()) {
    std::future<EncodedChunk>& e = encoding_.front();
    if (!all && e.wait_for(std::chrono::seconds(0)) != std::future_status::ready) break;
    const EncodedChunk c = e.get();
    encoding_.pop_front();
    work_->write(c);
  }
}

void WriterThread::run() {
  h5::quiet();
  while (true) {
    Task t;
    {
      std::unique_lock<std::mutex> g(mutex_);
      wake_.wait(g, [this] { return stop_ || !queue_.empty(); });
      if (stop_) break;
      t = std::move(queue_.front());
      queue_.pop_front();
    }
    const auto start = std::chrono::steady_clock::now();
    try {
      execute(t);
    } catch (...) {
      std::lock_guard<std::mutex> g(mutex_);
      error_ = std::current_exception();
      queue_.clear();
      running_ = false;
      idle_.notify_all();
      return;
    }
    if (t.kind != TaskKind::record) {
      std::lock_guard<std::mutex> g(mutex_);
      --snapshots_pending_;
      last_snapshot_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (t.kind == TaskKind::finish) {
        running_ = false;
        idle_.notify_all();
        return;
      }
    }
  }
  std::lock_guard<std::mutex> g(mutex_);
  running_ = false;
  idle_.notify_all();
}

void WriterThread::execute(Task& t) {
  switch (t.kind) {
    case TaskKind::record:
      write_encoded(false);
      absorb(t.entry);
      break;
    case TaskKind::snapshot:
      if (layout_.keep.keep == grid::Keep::all)
        write_snapshot(t);
      else
        write_kept(t);
      break;
    case TaskKind::finish:
      if (layout_.keep.keep == grid::Keep::all)
        write_final(t);
      else
        write_kept(t);
      break;
  }
}

void WriterThread::absorb(const RecordEntry& e) {
  constexpr std::uint64_t kWritebackBytes = 32u << 20;
  unsynced_bytes_ += e.bytes;
  if (unsynced_bytes_ >= kWritebackBytes) {
    if (work_) start_writeback(work_->path());
    unsynced_bytes_ = 0;
  }
  switch (e.kind) {
    case RecordKind::chunk:
      work_->write(journal_.read_chunk(e));
      test_delay("LLMSWEEP_TEST_WRITER_DELAY_MS");
      break;
    case RecordKind::rows: {
      const std::uint64_t k = layout_.chunk_rows;
      for (std::uint64_t c = e.range.begin / k; c * k < e.range.end; ++c) {
        const std::uint64_t begin = std::max(c * k, e.range.begin);
        const std::uint64_t end = std::min({(c + 1) * k, e.range.end, layout_.points});
        OpenChunk& open = open_[c];
        open.records.push_back(e);
        open.rows += end - begin;
        const std::uint64_t size = std::min(k, layout_.points - c * k);
        if (open.rows == size) {
          encode_in_background(c, assemble(c, open));
          open_.erase(c);
        }
      }
      break;
    }
    case RecordKind::kept:
      kept_.push_back(e);
      kept_rows_.push_back(journal_.kept_row_count(e));
      break;
  }
}

std::vector<grid::Row> WriterThread::assemble(std::uint64_t chunk, const OpenChunk& open) const {
  const std::uint64_t k = layout_.chunk_rows;
  const std::uint64_t first = chunk * k;
  std::vector<grid::Row> rows(std::min(k, layout_.points - first));  // pending rows
  for (const RecordEntry& e : open.records) {
    const std::vector<grid::Row> got = journal_.read_rows(e);
    for (const grid::Row& r : got)
      if (r.index >= first && r.index < first + rows.size()) rows[r.index - first] = r;
  }
  return rows;
}

void WriterThread::write_open_chunks(ChunkFile& file) {
  for (const auto& [chunk, open] : open_) file.write(encoder_->encode(chunk, assemble(chunk, open)));
}

void WriterThread::write_snapshot(const Task& t) {
  write_encoded(true);
  work_->set_progress(t.progress);
  work_->flush();
  const std::string tmp = temporary_for(path_);
  try {
    copy_file_bytes(work_->path(), tmp);
    if (!open_.empty()) {
      // Chunks still being filled appear with the rows they have; the working file gets them
      // only once they are whole.
      ChunkFile copy(tmp);
      write_open_chunks(copy);
      copy.close();
      sync_file(tmp);
    }
    move_into_place(tmp, path_);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

void WriterThread::write_final(const Task& t) {
  test_delay("LLMSWEEP_TEST_FINAL_DELAY_MS");
  write_encoded(true);
  write_open_chunks(*work_);
  work_->set_progress(t.progress);
  work_->close();
  work_.reset();
  sync_file(work_path(path_));
  move_into_place(work_path(path_), path_);
}

void WriterThread::write_kept(const Task& t) {
  if (layout_.keep.keep == grid::Keep::best) {
    const std::vector<grid::Row>& rows = t.best_rows;
    write_kept_file(
        path_, meta_, rows.size(),
        [&rows](const RowSink& sink) {
          for (std::size_t at = 0; at < rows.size(); at += 16384)
            sink(
                std::span<const grid::Row>(rows).subspan(at, std::min<std::size_t>(16384, rows.size() - at)));
        },
        t.progress);
    return;
  }
  // keep = feasible: every piece's rows, in grid order.
  std::vector<std::size_t> order(kept_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [this](std::size_t a, std::size_t b) { return kept_[a].range.begin < kept_[b].range.begin; });
  std::uint64_t total = 0;
  for (std::uint64_t n : kept_rows_) total += n;
  write_kept_file(
      path_, meta_, total,
      [&](const RowSink& sink) {
        for (std::size_t i : order) {
          const grid::KeptPiece piece = journal_.read_kept(kept_[i]);
          sink(piece.rows);
        }
      },
      t.progress);
}

}  // namespace llmsweep::io
