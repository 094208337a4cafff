// Test support: run programs (the llmsweep binary, mpirun, h5diff) as child processes with
// their output captured, and temporary folders that clean up after themselves.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace llmsweep::test {

struct Result {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// A fresh folder under $TMPDIR, removed with everything in it when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const;
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// A running child in its own process group, stdout/stderr going to the given files.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file,
        const std::vector<std::string>& env = {});
  ~Child();  // kills the whole group if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  void signal(int sig) const;        // to the child only (mpirun forwards what it must)
  void signal_group(int sig) const;  // to every process of the group
  // Waits up to timeout_s; on timeout kills the group and returns -1.
  int wait(double timeout_s);
  bool running();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool done_ = false;
};

// Runs to completion (timeout_s, then killed) and returns the exit code and output.
Result run(const std::vector<std::string>& argv, const std::string& scratch_dir, double timeout_s = 300,
           const std::vector<std::string>& env = {});

// Number of lines (stripped of a trailing newline) in a string.
int line_count(const std::string& s);

// Environment that lets mpirun run as root and oversubscribe the 2 cores.
std::vector<std::string> mpi_env();

// Every process below `root` (mpirun puts its ranks in process groups of their own, so the
// process group alone does not reach them).
std::vector<pid_t> descendants(pid_t root);
// SIGKILL to a launcher and everything it started, as a node failure or the scheduler would.
void kill_tree(Child& c);
// The pid of one MPI rank among a launcher's descendants (-1 if none).
pid_t rank_pid(pid_t launcher, int rank);

}  // namespace llmsweep::test
