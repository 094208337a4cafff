// The lock that keeps two sweeps off one results file: an exclusive flock on PATH.lock. The
// file is unlinked while the lock is still held, and a lock taken on a file that was unlinked
// meanwhile is retried on the new one, so two sweeps can never both hold "the lock".
#pragma once

#include <string>

namespace llmsweep::io {

class LockFile {
 public:
  // Takes the lock or throws a ResultFileError naming `results_path` (and the holder's pid).
  LockFile(std::string lock_path, std::string results_path);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  void release();

 private:
  std::string path_;
  std::string results_;
  int fd_ = -1;
};

}  // namespace llmsweep::io
