#include "subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace llmsweep::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string templ = (fs::temp_directory_path() / "llmsweep-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::file(const std::string& name) const {
  return (fs::path(path_) / name).string();
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  std::ofstream(file(name), std::ios::binary) << text;
  return file(name);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Child::Child(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file,
             const std::vector<std::string>& env) {
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  std::vector<std::string> envs = env;
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);
    for (auto& e : envs) putenv(e.data());
    const int fo = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int fe = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0) _exit(126);
    execvp(cargs[0], cargs.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
}

Child::~Child() {
  if (!done_ && pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
}

void Child::signal(int sig) const {
  ::kill(pid_, sig);
}
void Child::signal_group(int sig) const {
  ::kill(-pid_, sig);
}

bool Child::running() {
  if (done_) return false;
  const pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) done_ = true;
  return !done_;
}

int Child::wait(double timeout_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (running()) {
    if (std::chrono::steady_clock::now() > until) {
      ::kill(-pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      done_ = true;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The group may hold orphans (mpirun's daemons); make sure nothing outlives the test.
  ::kill(-pid_, SIGKILL);
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
  return -1;
}

Result run(const std::vector<std::string>& argv, const std::string& scratch_dir, double timeout_s,
           const std::vector<std::string>& env) {
  static int counter = 0;
  const std::string stem = (fs::path(scratch_dir) / ("run" + std::to_string(++counter))).string();
  Result r;
  {
    Child c(argv, stem + ".out", stem + ".err", env);
    r.exit_code = c.wait(timeout_s);
  }
  r.out = read_file(stem + ".out");
  r.err = read_file(stem + ".err");
  return r;
}

int line_count(const std::string& s) {
  if (s.empty()) return 0;
  int n = 0;
  for (char c : s) n += c == '\n';
  return n + (s.back() == '\n' ? 0 : 1);
}

std::vector<std::string> mpi_env() {
  return {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
          "OMPI_MCA_rmaps_base_oversubscribe=1", "OMPI_MCA_btl_vader_single_copy_mechanism=none"};
}

using Clock = std::chrono::steady_clock;

// Every process below `root` (mpirun puts its ranks in process groups of their own, so the
// process group alone does not reach them).
std::vector<pid_t> descendants(pid_t root) {
  std::vector<std::pair<pid_t, pid_t>> parent_of;  // (pid, ppid)
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(e.path().string() + "/stat");
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
    parent_of.emplace_back(std::stoi(name), ppid);
  }
  std::vector<pid_t> out{root};
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& [pid, ppid] : parent_of)
      if (ppid == out[i]) out.push_back(pid);
  out.erase(out.begin());
  return out;
}

// SIGKILL to a launcher and everything it started, as a node failure or the scheduler would.
void kill_tree(Child& c) {
  const std::vector<pid_t> below = descendants(c.pid());
  c.signal_group(SIGKILL);
  for (pid_t p : below) ::kill(p, SIGKILL);
  c.wait(30);
  // Orphans are reparented; wait until none of them is alive.
  for (pid_t p : below)
    for (int i = 0; i < 3000 && ::kill(p, 0) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// The pid of one MPI rank among a launcher's descendants.
pid_t rank_pid(pid_t launcher, int rank) {
  const std::string want = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (pid_t pid : descendants(launcher)) {
    const std::string env = read_file("/proc/" + std::to_string(pid) + "/environ");
    if (read_file("/proc/" + std::to_string(pid) + "/cmdline").find("llmsweep") == std::string::npos)
      continue;
    std::size_t at = 0;
    while (at < env.size()) {
      const std::size_t end = env.find('\0', at);
      if (env.compare(at, end - at, want) == 0) return pid;
      at = end == std::string::npos ? env.size() : end + 1;
    }
  }
  return -1;
}

}  // namespace llmsweep::test
