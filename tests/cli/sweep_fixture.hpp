// The fixture of the sweep command's end-to-end tests: the real binary serially and under
// mpirun, an uninterrupted reference run of tests/data/resume.toml shared by a test program's
// tests, children to signal and kill, and comparisons of /points with h5diff.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "grid/row.hpp"
#include "subprocess.hpp"

namespace llmsweep::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;              // src/cli/run.hpp
constexpr int kExitResultFile = 3;            // src/cli/run.hpp
constexpr int kExitInterrupted = 75;          // src/cli/run.hpp, documented in the README
constexpr std::uint64_t kResumePoints = 216;  // tests/data/resume.toml: 2 profiles x 27 widths x 2 x 2

inline const std::string kResumeSpec = std::string(LLMSWEEP_TEST_DATA_DIR) + "/resume.toml";
inline const std::string kSmokeSpec = std::string(LLMSWEEP_SOURCE_DIR) + "/sweep/smoke.toml";

inline std::vector<std::string> with_profiles(std::vector<std::string> env) {
  env.push_back(std::string("LLMSWEEP_PROFILE_DIR=") + LLMSWEEP_PROFILE_DIR_FOR_TESTS);
  return env;
}

inline std::vector<std::string> serial(std::vector<std::string> args) {
  args.insert(args.begin(), {LLMSWEEP_BINARY, "sweep"});
  return args;
}

inline std::vector<std::string> mpirun(int ranks, std::vector<std::string> args) {
  args.insert(args.begin(), {"mpirun", "-n", std::to_string(ranks), LLMSWEEP_BINARY, "sweep"});
  return args;
}

inline std::uint64_t file_size(const std::string& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

// Rows the journal holds, near enough to tell how far a run has got: resume.toml's points are
// costly, so they travel as raw rows (record headers ignored; 96 bytes of file header).
inline double journal_fraction(const std::string& out, std::uint64_t points) {
  const std::uint64_t bytes = file_size(out + ".journal");
  return bytes <= 96 ? 0.0
                     : static_cast<double>(bytes - 96) / static_cast<double>(points * sizeof(grid::Row));
}

class SweepCli : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new TempDir;
    reference_ = shared_->file("reference.h5");
    const Result r =
        run(serial({kResumeSpec, "-o", reference_, "-q"}), shared_->path(), 300, with_profiles({}));
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  Result sweep(const std::vector<std::string>& args, int ranks = 1) {
    return run(ranks == 1 ? serial(args) : mpirun(ranks, args), dir_.path(), 300, with_profiles(mpi_env()));
  }

  std::unique_ptr<Child> start(const std::vector<std::string>& args, int ranks = 1) {
    ++started_;
    return std::make_unique<Child>(ranks == 1 ? serial(args) : mpirun(ranks, args),
                                   dir_.file("child" + std::to_string(started_) + ".out"),
                                   dir_.file("child" + std::to_string(started_) + ".err"),
                                   with_profiles(mpi_env()));
  }
  std::string child_err() const { return read_file(dir_.file("child" + std::to_string(started_) + ".err")); }

  // Waits until the run has recorded about `fraction` of its points (or has ended).
  static void wait_for_progress(Child& c, const std::string& out, double fraction) {
    const auto until = Clock::now() + std::chrono::seconds(120);
    while (c.running() && journal_fraction(out, kResumePoints) < fraction && Clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  void expect_same_points(const std::string& a, const std::string& b) {
    const Result r = run({"h5diff", a, b, "/points", "/points"}, dir_.path(), 120);
    EXPECT_EQ(r.exit_code, 0) << "h5diff " << a << " " << b << "\n" << r.out << r.err;
  }

  void expect_no_leftovers(const std::string& out) {
    EXPECT_FALSE(fs::exists(out + ".journal"));
    EXPECT_FALSE(fs::exists(out + ".lock"));
    for (const auto& e : fs::directory_iterator(fs::path(out).parent_path()))
      EXPECT_EQ(e.path().string().find(out + ".tmp-"), std::string::npos) << e.path();
  }

  static inline TempDir* shared_ = nullptr;
  static inline std::string reference_;
  TempDir dir_;
  int started_ = 0;
};

}  // namespace llmsweep::test
