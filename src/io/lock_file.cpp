#include "io/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace llmsweep::io {

LockFile::LockFile(std::string lock_path, std::string results_path)
    : path_(std::move(lock_path)), results_(std::move(results_path)) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw ResultFileError(results_, "", "cannot create lock file " + path_ + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      char buf[32] = {};
      const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      fd_ = -1;
      std::string message = "is being written by another llmsweep sweep";
      if (n > 0) message.append(" (pid ").append(buf, static_cast<std::size_t>(n)).append(")");
      message.append("; two sweeps cannot write one file");
      throw ResultFileError(results_, "", message);
    }
    // The holder before us may have unlinked the file between our open and our flock: then
    // we hold a lock nobody else can see. Only a lock on the file at the path counts.
    struct stat held {
    }, named{};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      const std::string pid = std::to_string(::getpid());
      if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
        // The pid is only a hint for the message above; the lock itself holds.
      }
      return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw ResultFileError(results_, "", "cannot take the lock " + path_ + " (it keeps being replaced)");
}

LockFile::~LockFile() {
  release();
}

void LockFile::release() {
  if (fd_ < 0) return;
  // Unlinked while still held: a contender that opened the old file retries on a new one.
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace llmsweep::io
