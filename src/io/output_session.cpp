#include "io/output_session.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.hpp"

namespace llmsweep::io {
namespace fs = std::filesystem;

std::string journal_path(const std::string& results_path) {
  return results_path + ".journal";
}
std::string lock_path(const std::string& results_path) {
  return results_path + ".lock";
}

namespace {

// A sweep killed while creating its file leaves PATH.tmp-PID behind; under the lock no other
// sweep can be creating one, so they can go.
void remove_stale_temporaries(const std::string& path) {
  const fs::path p(path);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  const std::string prefix = p.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) fs::remove(e.path(), ec);
}

}  // namespace

OutputSession::OutputSession(const std::string& path, const FileMeta& meta, OpenMode mode)
    : path_(path), meta_(meta) {
  lock();
  try {
    remove_stale_temporaries(path_);
    if (mode == OpenMode::overwrite) {
      if (fs::exists(path_)) {
        read_info(path_);  // refuses to delete a file that is not an llmsweep result
        fs::remove(path_);
      }
      fs::remove(journal_path(path_));
      open_create();
    } else if (mode == OpenMode::create) {
      if (fs::exists(path_))
        throw ResultFileError(path_, "",
                              "already exists; use --resume to continue it or --overwrite to replace it");
      if (fs::exists(journal_path(path_)))
        throw ResultFileError(path_, "",
                              "an interrupted sweep left " + journal_path(path_) +
                                  "; use --resume to continue it or --overwrite to start again");
      open_create();
    } else {
      open_resume();
    }
  } catch (...) {
    unlock();
    throw;
  }
}

OutputSession::~OutputSession() {
  unlock();
}

void OutputSession::lock() {
  const std::string lp = lock_path(path_);
  lock_fd_ = ::open(lp.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0)
    throw ResultFileError(path_, "", "cannot create lock file " + lp + ": " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    const ssize_t n = ::pread(lock_fd_, buf, sizeof buf - 1, 0);
    ::close(lock_fd_);
    lock_fd_ = -1;
    std::string message = "is being written by another llmsweep sweep";
    if (n > 0) message.append(" (pid ").append(buf, static_cast<std::size_t>(n)).append(")");
    message.append("; two sweeps cannot write one file");
    throw ResultFileError(path_, "", message);
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(lock_fd_, 0) == 0 && ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    // The pid is only a hint for the message above; the lock itself holds.
  }
}

void OutputSession::unlock() {
  if (lock_fd_ < 0) return;
  ::unlink(lock_path(path_).c_str());
  ::close(lock_fd_);
  lock_fd_ = -1;
}

void OutputSession::open_create() {
  create_results_file(path_, meta_);
  journal_.emplace(Journal::create(journal_path(path_), meta_.spec_hash, meta_.points));
}

void OutputSession::rebuild_results_file() {
  std::error_code ec;
  fs::remove(path_, ec);
  create_results_file(path_, meta_);
  merged_bytes_ = 0;
}

void OutputSession::open_resume() {
  const bool have_file = fs::exists(path_);
  const bool have_journal = fs::exists(journal_path(path_));
  if (!have_file && !have_journal)
    throw ResultFileError(path_, "", "nothing to resume: the file does not exist");
  bool file_ok = false;
  if (have_file) {
    try {
      const StoredInfo info = read_info(path_);
      if (info.spec_hash != meta_.spec_hash)
        throw ResultFileError(path_, "",
                              "was written for a different sweep spec (stored spec hash " +
                                  info.spec_hash.substr(0, 12) + "..., this spec " +
                                  meta_.spec_hash.substr(0, 12) + "...); refusing to resume");
      if (info.points != meta_.points || info.levels != meta_.levels)
        throw ResultFileError(path_, "", "its grid does not match the spec; refusing to resume");
      file_ok = true;
    } catch (const ResultFileError&) {
      if (!have_journal) throw;
      // The journal holds every finished row; a damaged file can be rebuilt from it below.
    }
  }
  if (have_journal) {
    JournalScan scan;
    journal_.emplace(Journal::open(journal_path(path_), meta_.spec_hash, meta_.points, scan));
    done_ = scan.done;
    if (!file_ok || scan.merge_interrupted) {
      rebuild_results_file();
      note_ = "rebuilt " + path_ + " from its journal";
    } else {
      merged_bytes_ = scan.merged_bytes;
    }
  } else {
    // A finished or cleanly stopped file without its journal: the status column says what is done.
    ResultsReader reader(path_);
    const std::vector<std::int64_t> status = reader.integer("status");
    std::uint64_t begin = 0;
    for (std::uint64_t i = 0; i <= status.size(); ++i) {
      const bool is_done = i < status.size() && status[i] != grid::kStatusPending;
      if (!is_done) {
        if (i > begin) done_.add({begin, i});
        begin = i + 1;
      }
    }
    if (!complete()) journal_.emplace(Journal::create(journal_path(path_), meta_.spec_hash, meta_.points));
  }
  note_ += (note_.empty() ? "" : "; ") + std::to_string(done_.count()) + " of " +
           std::to_string(meta_.points) + " points already done";
}

void OutputSession::record(std::span<const grid::Row> rows) {
  if (rows.empty()) return;
  journal_->append(rows);
  std::size_t at = 0;
  while (at < rows.size()) {
    std::size_t end = at + 1;
    while (end < rows.size() && rows[end].index == rows[end - 1].index + 1) ++end;
    done_.add({rows[at].index, rows[end - 1].index + 1});
    at = end;
  }
}

void OutputSession::merge(bool mark_complete) {
  if (!journal_) return;
  const std::uint64_t end = journal_->size();
  if (end <= merged_bytes_ && !mark_complete) return;
  journal_->merge_begin();
  {
    ResultsWriter writer(path_);
    journal_->read(merged_bytes_, end, [&writer](std::span<const grid::Row> rows) { writer.write(rows); });
    writer.set_progress(done_.count(), mark_complete);
    writer.close();
  }
  journal_->merge_end(end);
  merged_bytes_ = end;
}

void OutputSession::checkpoint() {
  merge(false);
}

void OutputSession::finish() {
  if (journal_) {
    const bool all = complete();
    merge(all);
    if (all) {
      const std::string jp = journal_->path();
      journal_.reset();
      fs::remove(jp);
    }
  }
  unlock();
}

}  // namespace llmsweep::io
