#include "io/output_session.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.hpp"
#include "io/journal.hpp"
#include "io/lock_file.hpp"
#include "io/writer_thread.hpp"

namespace llmsweep::io {
namespace fs = std::filesystem;

std::string journal_path(const std::string& results_path) {
  return results_path + ".journal";
}
std::string lock_path(const std::string& results_path) {
  return results_path + ".lock";
}
std::string work_path(const std::string& results_path) {
  return results_path + ".work";
}

std::uint64_t free_bytes_near(const std::string& path) {
  const fs::path p = fs::absolute(path);
  struct statvfs st {};
  if (::statvfs(p.parent_path().c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

namespace {

// A sweep killed while writing a snapshot leaves PATH.tmp-PID behind; under the lock no other
// sweep can be writing one, so they can go.
void remove_stale_temporaries(const std::string& path) {
  const fs::path p(path);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  const std::string prefix = p.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) fs::remove(e.path(), ec);
}

// The scenario and width position a grid index has (the mixed radix of the file's axes).
RowCheck position_check(const FileMeta& meta) {
  std::size_t width_axis = meta.axis_names.size();
  for (std::size_t a = 0; a < meta.axis_names.size(); ++a)
    if (meta.axis_names[a] == "width") width_axis = a;
  return [sizes = meta.axis_sizes, width_axis](const grid::Row& r) {
    std::uint64_t rest = r.index, scenario = 0, stride = 1, width = 0;
    for (std::size_t a = sizes.size(); a-- > 0;) {
      const auto n = static_cast<std::uint64_t>(std::max<std::int64_t>(1, sizes[a]));
      const std::uint64_t digit = rest % n;
      rest /= n;
      if (a == width_axis) {
        width = digit;
      } else {
        scenario += digit * stride;
        stride *= n;
      }
    }
    return static_cast<std::uint64_t>(r.scenario) == scenario &&
           static_cast<std::uint64_t>(r.width_index) == width;
  };
}

}  // namespace

struct OutputSession::Impl {
  std::string path;
  FileMeta meta;
  SinkLayout layout;
  std::vector<grid::Column> columns;
  LockFile lock;
  std::optional<Journal> journal;
  grid::RangeSet done;
  std::string note;
  std::unique_ptr<WriterThread> writer;
  std::unique_ptr<grid::Reducer> best;              // keep = best: the groups merged so far
  grid::StatusCounts counts{};                      // kept files: computed points per status
  std::uint64_t chunk_bytes = 0, chunk_points = 0;  // whole chunks recorded, for estimates

  Impl(const std::string& p, const FileMeta& m)
      : path(p), meta(m), layout(layout_of(m)), columns(grid::columns(m.levels, {})), lock(lock_path(p), p) {
    meta.chunk_rows = layout.chunk_rows;
    if (layout.keep.keep == grid::Keep::best) best = std::make_unique<grid::Reducer>(layout.keep, columns);
  }

  bool kept() const { return layout.keep.keep != grid::Keep::all; }

  FileProgress progress() const {
    FileProgress p;
    p.points_done = done.count();
    p.complete = done.count() == meta.points;
    p.status_counts = counts;
    if (best) {
      p.groups = best->groups();
      p.groups_without_feasible = best->groups_without_feasible();
    }
    return p;
  }

  void start_writer() { writer = std::make_unique<WriterThread>(path, meta, layout, *journal); }

  void create() {
    std::error_code ec;
    fs::remove(work_path(path), ec);
    journal.emplace(Journal::create(journal_path(path), meta.spec_hash, layout));
    try {
      start_writer();
      writer->begin_new();
    } catch (...) {
      writer.reset();
      journal.reset();
      fs::remove(journal_path(path), ec);
      fs::remove(work_path(path), ec);
      throw;
    }
  }

  void check_stored(const StoredInfo& info) const {
    if (info.spec_hash != meta.spec_hash)
      throw ResultFileError(path, "",
                            "was written for a different sweep spec (stored spec hash " +
                                info.spec_hash.substr(0, 12) + "..., this spec " +
                                meta.spec_hash.substr(0, 12) + "...); refusing to resume");
    if (info.points != meta.points || info.levels != meta.levels || info.keep != layout.keep)
      throw ResultFileError(path, "", "its grid does not match the spec; refusing to resume");
  }

  void resume() {
    const bool have_file = fs::exists(path);
    const bool have_journal = fs::exists(journal_path(path));
    if (!have_file && !have_journal)
      throw ResultFileError(path, "", "nothing to resume: the file does not exist");
    std::optional<StoredInfo> info;
    if (have_file) {
      try {
        info = read_info(path);
        check_stored(*info);
      } catch (const ResultFileError&) {
        // The journal holds every finished point: a damaged file is rebuilt from it.
        if (!have_journal) throw;
        info.reset();
      }
    }
    if (have_journal) {
      resume_from_journal();
    } else {
      resume_from_file(*info);
    }
    note += (note.empty() ? "" : "; ") + std::to_string(done.count()) + " of " + std::to_string(meta.points) +
            " points already done";
  }

  void resume_from_journal() {
    JournalScan scan;
    journal.emplace(
        Journal::open(journal_path(path), meta.spec_hash, layout, columns, position_check(meta), scan, path));
    done = scan.done;
    if (scan.dropped_tail) note = "dropped a record cut short by the last stop";
    start_writer();
    writer->begin_new(false);  // OUT.h5 stays the last snapshot until the next checkpoint
    for (const RecordEntry& e : scan.records) {
      if (kept()) absorb_kept(journal->read_kept(e), e);
      writer->replay(e);
    }
    note += std::string(note.empty() ? "" : "; ") + "rebuilt from " + journal_path(path);
  }

  void resume_from_file(const StoredInfo& info) {
    if (info.schema_version < grid::kSchemaVersion)
      throw ResultFileError(path, "",
                            "was written by an older llmsweep (schema " +
                                std::to_string(info.schema_version) +
                                "): it reads, but cannot be resumed; start again with --overwrite");
    if (info.complete) {
      done.add({0, meta.points});
      return;
    }
    if (kept())
      throw ResultFileError(
          path, "",
          "holds kept rows only and its journal is gone, so the points done cannot be told; "
          "start again with --overwrite");
    // The status column tells what is done; a chunk only partly done is computed again whole.
    {
      ResultsReader reader(path);
      const std::uint64_t k = layout.chunk_rows;
      for (std::uint64_t first = 0; first < meta.points; first += k) {
        const std::uint64_t n = std::min(k, meta.points - first);
        const std::vector<std::int64_t> status = reader.integer("status", first, n);
        if (std::none_of(status.begin(), status.end(),
                         [](std::int64_t s) { return s == grid::kStatusPending; }))
          done.add({first, first + n});
      }
    }
    std::error_code ec;
    fs::remove(work_path(path), ec);
    journal.emplace(Journal::create(journal_path(path), meta.spec_hash, layout));
    start_writer();
    writer->begin_from(path);
    note = "continued from " + path + " (its journal was gone)";
  }

  void absorb_kept(const grid::KeptPiece& piece, const RecordEntry& e) {
    for (std::size_t s = 0; s < counts.size(); ++s) counts[s] += piece.counts[s];
    if (best) best->add(piece);
    (void)e;
  }

  void mark_done(grid::IndexRange r) {
    const std::uint64_t before = done.count();
    done.add(r);
    if (done.count() != before + r.size())
      throw InternalError("points [" + std::to_string(r.begin) + ", " + std::to_string(r.end) +
                          ") recorded twice");
  }
};

OutputSession::OutputSession(const std::string& path, const FileMeta& meta, OpenMode mode)
    : impl_(std::make_unique<Impl>(path, meta)) {
  Impl& m = *impl_;
  remove_stale_temporaries(path);
  if (mode == OpenMode::overwrite) {
    if (fs::exists(path)) {
      read_info(path);  // refuses to delete a file that is not an llmsweep result
      fs::remove(path);
    }
    std::error_code ec;
    fs::remove(journal_path(path), ec);
    m.create();
  } else if (mode == OpenMode::create) {
    if (fs::exists(path))
      throw ResultFileError(path, "",
                            "already exists; use --resume to continue it or --overwrite to replace it");
    if (fs::exists(journal_path(path)))
      throw ResultFileError(path, "",
                            "an interrupted sweep left " + journal_path(path) +
                                "; use --resume to continue it or --overwrite to start again");
    m.create();
  } else {
    m.resume();
  }
}

OutputSession::~OutputSession() {
  // Without close() (an error unwinds): the writer stops, OUT.h5 stays the last snapshot, the
  // journal holds every finished point.
  if (impl_->writer) impl_->writer->abandon();
}

const SinkLayout& OutputSession::layout() const {
  return impl_->layout;
}
const grid::RangeSet& OutputSession::done() const {
  return impl_->done;
}
bool OutputSession::complete() const {
  return impl_->done.count() == impl_->meta.points;
}
const std::string& OutputSession::resume_note() const {
  return impl_->note;
}
double OutputSession::bytes_per_point() const {
  return impl_->chunk_points
             ? static_cast<double>(impl_->chunk_bytes) / static_cast<double>(impl_->chunk_points)
             : 0;
}

std::uint64_t OutputSession::journal_bytes() const {
  return impl_->journal ? impl_->journal->size() : 0;
}

void OutputSession::record(std::span<const grid::Row> rows) {
  Impl& m = *impl_;
  if (rows.empty()) return;
  if (m.kept()) throw InternalError("raw rows recorded in a file of kept rows");
  m.writer->check();
  const RecordEntry e = m.journal->append(rows);
  m.mark_done(e.range);
  m.writer->post(e);
}

void OutputSession::record(const EncodedChunk& chunk) {
  Impl& m = *impl_;
  if (m.kept()) throw InternalError("a chunk recorded in a file of kept rows");
  if (chunk.chunk * m.layout.chunk_rows >= m.meta.points || chunk.sizes.size() != m.columns.size())
    throw MpiError("a worker sent a chunk that does not fit the file (chunk " + std::to_string(chunk.chunk) +
                   ")");
  m.writer->check();
  const RecordEntry e = m.journal->append(chunk);
  m.mark_done(e.range);
  m.chunk_bytes += e.bytes;
  m.chunk_points += e.range.size();
  m.writer->post(e);
}

void OutputSession::record(const grid::KeptPiece& piece) {
  Impl& m = *impl_;
  if (!m.kept()) throw InternalError("a kept piece recorded in a file of every point");
  if (piece.range.empty()) return;
  m.writer->check();
  const RecordEntry e = m.journal->append(piece);
  m.mark_done(e.range);
  m.absorb_kept(piece, e);
  m.writer->post(e);
}

double OutputSession::last_checkpoint_s() const {
  return impl_->writer ? impl_->writer->last_snapshot_s() : 0;
}

void OutputSession::checkpoint() {
  Impl& m = *impl_;
  m.writer->check();
  if (m.writer->busy()) return;  // a snapshot is still being written: the next checkpoint takes it
  m.writer->snapshot(m.progress(), m.best ? m.best->rows() : std::vector<grid::Row>{});
}

void OutputSession::close() {
  Impl& m = *impl_;
  if (m.writer) {
    const FileProgress p = m.progress();
    // A complete sweep's journal is removed once the final file, synced, is in place: it need
    // not reach the disk first. A stopped one's must: it is what --resume continues from.
    if (!p.complete) m.journal->sync();
    m.writer->finish(p, m.best ? m.best->rows() : std::vector<grid::Row>{});
    m.writer.reset();
    if (p.complete) {
      const std::string jp = m.journal->path();
      m.journal.reset();
      fs::remove(jp);
    }
  }
  m.lock.release();
}

}  // namespace llmsweep::io
