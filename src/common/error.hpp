// One error hierarchy for the whole tool. Library code throws these; only cli::run turns them
// into messages and exit codes (or MPI_Abort), so every failure reads as one clear line.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace llmsweep {

// Exit codes, documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;        // a check failed (verify mismatches, no feasible plan)
inline constexpr int kExitBadInput = 2;      // bad command line, config, spec or vectors file
inline constexpr int kExitResultFile = 3;    // the results file cannot be used
inline constexpr int kExitMpi = 4;           // a rank died or MPI failed
inline constexpr int kExitInternal = 5;      // a bug
inline constexpr int kExitInterrupted = 75;  // stopped by a signal; the file is resumable (EX_TEMPFAIL)

// Base of every error llmsweep raises on purpose. what() is the complete one-line message.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A command-line value that makes no sense (zero size, degrees that do not divide, ...).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message) {}
};

// A problem in a configuration file (hardware profile, sweep spec, vectors file), located by
// file, key path and, where known, line and column (0 = unknown).
class ConfigError : public Error {
 public:
  ConfigError(std::string file, std::string key, int line, int column, const std::string& message);
  const std::string& file() const { return file_; }
  const std::string& key() const { return key_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string file_;
  std::string key_;
  int line_;
  int column_;
  std::string detail_;
};

// A problem with a results file: the file path and the object path inside it.
class ResultFileError : public Error {
 public:
  ResultFileError(std::string file, std::string object, const std::string& message);
  const std::string& file() const { return file_; }
  const std::string& object() const { return object_; }

 private:
  std::string file_;
  std::string object_;
};

// A failure of the MPI layer (a worker died, a message could not be decoded).
class MpiError : public Error {
 public:
  explicit MpiError(const std::string& message) : Error(message) {}
};

// A broken invariant: a bug in llmsweep, never the user's fault.
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& message) : Error("internal error: " + message) {}
};

// The one mapping from an error to its exit code, and to the line a user reads.
int exit_code_of(const std::exception& e) noexcept;
std::string message_of(const std::exception& e);
// Prints "llmsweep: error: MESSAGE" on stderr.
void print_error(const std::string& message);

}  // namespace llmsweep
