// The sweep command end to end, through the real binary: the same /points on 1, 2 and 3 ranks;
// stops by SIGTERM, SIGINT and SIGUSR1 and kills by SIGKILL at several moments, each followed
// by --resume, give a file identical to an uninterrupted run (checked with h5diff); a dead
// worker leaves a resumable file; and the open modes and bad specs are refused before anything
// is written.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sweep_fixture.hpp"

namespace llmsweep::test {
namespace {

TEST_F(SweepCli, SmokeGivesTheSamePointsOnOneTwoAndThreeRanks) {
  const std::string one = dir_.file("one.h5"), two = dir_.file("two.h5"), three = dir_.file("three.h5");
  Result r = sweep({kSmokeSpec, "-o", one, "-q"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  r = sweep({kSmokeSpec, "-o", two, "-q"}, 2);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  r = sweep({kSmokeSpec, "-o", three, "-q"}, 3);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(one, two);
  expect_same_points(one, three);
  expect_no_leftovers(three);
}

// SIGTERM, SIGINT and SIGUSR1 each stop the sweep cleanly (exit 75 within 10 s, a line saying
// how to resume); resuming after each gives the uninterrupted result.
TEST_F(SweepCli, StopSignalsThenResumeMatchesAnUninterruptedRun) {
  const std::string out = dir_.file("stopped.h5");
  struct Stop {
    int signal;
    double fraction;
    int ranks;
  };
  const Stop stops[] = {{SIGTERM, 0.15, 1}, {SIGUSR1, 0.4, 2}, {SIGINT, 0.65, 1}};
  bool first = true;
  for (const Stop& s : stops) {
    auto child =
        start({kResumeSpec, "-o", out, "--checkpoint", "0.2", first ? "--overwrite" : "--resume"}, s.ranks);
    first = false;
    wait_for_progress(*child, out, s.fraction);
    ASSERT_TRUE(child->running()) << "the run ended before it could be stopped: " << child_err();
    const auto sent = Clock::now();
    child->signal(s.signal);
    const int code = child->wait(60);
    const double took = std::chrono::duration<double>(Clock::now() - sent).count();
    EXPECT_EQ(code, kExitInterrupted) << "signal " << s.signal << ": " << child_err();
    EXPECT_LT(took, 10.0) << "signal " << s.signal;
    EXPECT_NE(child_err().find("--resume"), std::string::npos) << child_err();
    EXPECT_TRUE(fs::exists(out + ".journal"));
  }
  const Result r = sweep({kResumeSpec, "-o", out, "--resume"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.err.find("already done"), std::string::npos) << r.err;
  expect_same_points(reference_, out);
  expect_no_leftovers(out);
}

// SIGKILL at several moments, serial and under mpirun, with frequent checkpoints so that some
// kills land in the middle of a merge; every run resumes the same file.
TEST_F(SweepCli, SigkillAtSeveralMomentsThenResumeMatchesAnUninterruptedRun) {
  const std::string out = dir_.file("killed.h5");
  const double fractions[] = {0.0, 0.1, 0.3, 0.55, 0.8};
  int i = 0;
  for (double f : fractions) {
    const bool exists = fs::exists(out) || fs::exists(out + ".journal");
    const int ranks = (i++ % 2 == 0) ? 1 : 2;
    auto child = start(
        {kResumeSpec, "-o", out, "-q", "--checkpoint", "0.05", exists ? "--resume" : "--overwrite"}, ranks);
    if (f == 0.0)
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    else
      wait_for_progress(*child, out, f);
    ASSERT_TRUE(child->running()) << "the run ended before the kill: " << child_err();
    kill_tree(*child);
  }
  const bool exists = fs::exists(out) || fs::exists(out + ".journal");
  const Result r = sweep({kResumeSpec, "-o", out, exists ? "--resume" : "--overwrite"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(reference_, out);
  expect_no_leftovers(out);
}

TEST_F(SweepCli, DeadWorkerStopsTheSweepWithAResumableFile) {
  const std::string out = dir_.file("dead.h5");
  auto child = start({kResumeSpec, "-o", out, "-q"}, 3);
  wait_for_progress(*child, out, 0.2);
  ASSERT_TRUE(child->running()) << child_err();
  const pid_t victim = rank_pid(child->pid(), 2);
  ASSERT_GT(victim, 0) << "rank 2 not found";
  ::kill(victim, SIGKILL);
  const int code = child->wait(120);
  EXPECT_NE(code, kExitOk);
  EXPECT_NE(code, -1) << "the sweep hung after a worker died";
  const Result r = sweep({kResumeSpec, "-o", out, "--resume", "-q"}, 2);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(reference_, out);
}

// Workers never read files: rank 0 reads the spec and profiles once and every rank computes
// from what it broadcasts. A rank whose profile folder differs (here, a changed H100 profile)
// still computes rank 0's profiles, so the results equal the serial run's.
TEST_F(SweepCli, WorkersComputeWhatRankZeroRead) {
  const std::string profiles = dir_.file("profiles");
  fs::copy(LLMSWEEP_PROFILE_DIR_FOR_TESTS, profiles);
  std::string text = read_file(profiles + "/h100-sxm.toml");
  text.replace(text.find("sms = 132 "), 10, "sms = 130 ");
  dir_.write("profiles/h100-sxm.toml", text);
  const std::string out = dir_.file("broadcast.h5");
  const Result r = run({"mpirun",
                        "-n",
                        "1",
                        LLMSWEEP_BINARY,
                        "sweep",
                        kResumeSpec,
                        "-o",
                        out,
                        "-q",
                        ":",
                        "-n",
                        "1",
                        "-x",
                        "LLMSWEEP_PROFILE_DIR=" + profiles,
                        LLMSWEEP_BINARY,
                        "sweep",
                        kResumeSpec,
                        "-o",
                        out,
                        "-q"},
                       dir_.path(), 120, with_profiles(mpi_env()));
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(reference_, out);
}

TEST_F(SweepCli, OpenModes) {
  const std::string out = dir_.file("modes.h5");
  const std::string spec =
      dir_.write("tiny.toml", "[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [12288, 16384]\n");
  Result r = sweep({spec, "-o", out, "-q"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const std::string before = read_file(out);
  // An existing output without --resume or --overwrite is refused, and left as it was.
  r = sweep({spec, "-o", out, "-q"});
  EXPECT_EQ(r.exit_code, kExitResultFile);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_EQ(read_file(out), before);
  // Resuming a complete file computes nothing.
  r = sweep({spec, "-o", out, "--resume"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.err.find("2 of 2 points already done"), std::string::npos) << r.err;
  // A changed spec is refused on --resume.
  const std::string changed = dir_.write(
      "changed.toml", "[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [12288, 20480]\n");
  r = sweep({changed, "-o", out, "--resume"});
  EXPECT_EQ(r.exit_code, kExitResultFile);
  EXPECT_NE(r.err.find("different sweep spec"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(out), before);
  // A comment does not change the spec's hash.
  const std::string commented = dir_.write("commented.toml", "# same grid\n" + read_file(spec));
  r = sweep({commented, "-o", out, "--resume"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  // --overwrite replaces an llmsweep file but refuses to delete anything else.
  r = sweep({changed, "-o", out, "--overwrite", "-q"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  const std::string foreign = dir_.write("notes.h5", "not a results file");
  r = sweep({spec, "-o", foreign, "--overwrite", "-q"});
  EXPECT_EQ(r.exit_code, kExitResultFile);
  EXPECT_EQ(read_file(foreign), "not a results file");
  r = sweep({spec, "-o", out, "--resume", "--overwrite"});
  EXPECT_EQ(r.exit_code, kExitBadInput);
  r = sweep({spec, "-o", dir_.file("missing.h5"), "--resume"});
  EXPECT_EQ(r.exit_code, kExitResultFile);
  EXPECT_NE(r.err.find("nothing to resume"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_.file("missing.h5")));
}

TEST_F(SweepCli, TwoSweepsCannotWriteOneFile) {
  const std::string out = dir_.file("busy.h5");
  auto child = start({kResumeSpec, "-o", out, "-q"});
  wait_for_progress(*child, out, 0.05);
  ASSERT_TRUE(child->running());
  for (const char* mode : {"--resume", "--overwrite"}) {
    const Result r = sweep({kResumeSpec, "-o", out, mode, "-q"});
    EXPECT_EQ(r.exit_code, kExitResultFile) << mode;
    EXPECT_NE(r.err.find("another llmsweep sweep"), std::string::npos) << r.err;
  }
  EXPECT_EQ(child->wait(300), kExitOk) << child_err();
  expect_same_points(reference_, out);
}

// Bad specs fail before any file is created, naming file:line and the key.
TEST_F(SweepCli, BadSpecsFailBeforeAnyFileIsWritten) {
  const std::string head = "[hardware]\nprofiles = [\"h100-sxm\"]\n";
  const struct {
    std::string name, text, expect;
  } cases[] = {
      {"unknown_key", head + "[model]\nd_model = [12288]\ndepth_multipler = [1]\n",
       ":5:1: key 'model.depth_multipler': unknown key (did you mean 'depth_multiplier'?)"},
      {"empty_axis", head + "[model]\nd_model = []\n", ":4:11: key 'model.d_model': empty axis"},
      {"impossible", head + "[model]\nd_model = [12288]\n[run]\nmonths = [-3]\n",
       ":6:11: key 'run.months': impossible value"},
      {"unknown_profile", "[hardware]\nprofiles = [\"h100-sxn\"]\n[model]\nd_model = [12288]\n",
       ":2:13: key 'hardware.profiles': unknown hardware profile 'h100-sxn' (did you mean 'h100-sxm'?)"},
      {"bad_policy", head + "[model]\nd_model = [12288]\n[batch]\npolicy = [\"deepseak\"]\n",
       "key 'batch.policy': unknown value 'deepseak' (did you mean 'deepseek'?)"},
      {"syntax", head + "[model\n", ":3:"},
      {"two_widths", head + "[model]\nd_model = [12288]\nwidths = { from = 1, to = 2 }\n",
       "give only one of d_model, widths and compute_flop"},
  };
  for (const auto& c : cases) {
    const std::string spec = dir_.write(c.name + ".toml", c.text);
    const std::string out = dir_.file(c.name + ".h5");
    const Result r = sweep({spec, "-o", out});
    EXPECT_EQ(r.exit_code, kExitBadInput) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(spec), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(line_count(r.err), 1) << c.name << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.name;
    EXPECT_FALSE(fs::exists(out + ".journal")) << c.name;
    EXPECT_FALSE(fs::exists(out + ".lock")) << c.name;
  }
  // A grid above the limit needs --force.
  const std::string big = dir_.write("big.toml", head + "[model]\nwidths = { from = 12288, to = 40960 }\n");
  Result r = sweep({big, "-o", dir_.file("big.h5"), "--max-points", "5"});
  EXPECT_EQ(r.exit_code, kExitBadInput);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_.file("big.h5")));
  r = sweep({big, "-o", dir_.file("big.h5"), "--max-points", "5", "--force", "-q"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
}

}  // namespace
}  // namespace llmsweep::test
