// What a sweep survives, through the real binary: readers holding the results file through its
// checkpoints (on 2 ranks), SIGTERM and SIGINT sent to mpirun, kills inside chunk writes and
// inside the final file, files of kept rows stopped and killed then resumed, a full disk, and
// limits that mean something (a grid too large for the disk is refused; one of 2^48 points runs
// with rank 0's memory flat). Every interrupted run resumes to the uninterrupted result.
#include <sys/mount.h>

#include <fstream>
#include <regex>

#include "sweep_fixture.hpp"

namespace llmsweep::test {
namespace {

// The same grid as resume.toml, keeping only its feasible rows.
std::string kept_spec(const TempDir& dir) {
  return dir.write("kept.toml", read_file(kResumeSpec) + "\n[output]\nkeep = \"feasible\"\n");
}

// A cheap grid of explicit plans (3240 points, 13 chunks of 256 rows).
std::string plans_spec(const TempDir& dir) {
  return dir.write(
      "plans.toml",
      "[hardware]\nprofiles = [\"h100-sxm\", \"a100-sxm\"]\n[model]\nd_model = [12288, 16384, 24576]\n"
      "[parallelism]\ndp = [1, 2, 4, 8, 16]\ntp_model = [1, 2, 4]\ntp_ff = [1, 2, 4]\n"
      "pp = [1, 2, 4, 8]\nmicrobatches = [1, 8, 32]\n");
}

void wait_for(const std::function<bool()>& done, double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (!done() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// Checkpoints replace the file whole, so a reader holding it keeps a consistent file, and the
// sweep never meets the reader's lock.
TEST_F(SweepCli, ReadersHoldingTheFileThroughCheckpointsHarmNothing) {
  const std::string out = dir_.file("read.h5");
  auto child = start({kResumeSpec, "-o", out, "-q", "--checkpoint", "0.2"}, 2);
  wait_for([&] { return fs::exists(out); }, 60);
  const std::string reader = dir_.write("reader.py", R"(
import os, sys, time, h5py
path = sys.argv[1]
held = h5py.File(path, "r")          # held open while the sweep goes on
first = held["points/status"][()]
seen = set()
deadline = time.time() + 60
while time.time() < deadline:
    assert (held["points/status"][()] == first).all(), "the held file changed under the reader"
    try:
        with h5py.File(path, "r") as f:
            done = int(f.attrs["points_done"])
            status = f["points/status"][()]
            assert ((status != 255).sum()) >= done, "a snapshot claims points it does not hold"
            seen.add(os.stat(path).st_ino)  # each checkpoint is a new file
            if f.attrs["complete"]:
                break
    except FileNotFoundError:
        pass
    time.sleep(0.05)
held.close()
print(len(seen))
)");
  const Result r = run({"/usr/bin/python3", reader, out}, dir_.path(), 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(std::stoi(r.out), 3) << "checkpoints the reader saw";
  const Result s = run({LLMSWEEP_BINARY, "summarize", out}, dir_.path(), 60);
  EXPECT_EQ(s.exit_code, kExitOk) << s.err;  // another reader, while the sweep may still run
  EXPECT_EQ(child->wait(300), kExitOk) << child_err();
  expect_same_points(reference_, out);
  expect_no_leftovers(out);
}

// mpirun forwards SIGTERM and SIGINT to the ranks and kills them about a second later: every
// rank stops within that second with its finished points in the file and the lock released.
// mpirun's own exit status is 1 (it sets it; the ranks' 75 does not reach the shell), and it
// may drop the ranks' last lines.
TEST_F(SweepCli, SigtermAndSigintToMpirunStopEveryRankWithTheFileWhole) {
  const std::string out = dir_.file("mpirun.h5");
  bool first = true;
  for (int sig : {SIGTERM, SIGINT}) {
    auto child =
        start({kResumeSpec, "-o", out, "--checkpoint", "0.2", first ? "--overwrite" : "--resume"}, 2);
    first = false;
    wait_for_progress(*child, out, sig == SIGTERM ? 0.2 : 0.5);
    ASSERT_TRUE(child->running()) << child_err();
    const std::vector<pid_t> ranks = descendants(child->pid());
    const auto sent = Clock::now();
    child->signal(sig);
    const int code = child->wait(60);
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - sent).count(), 10.0);
    EXPECT_NE(code, kExitOk) << child_err();
    for (pid_t p : ranks) {
      for (int i = 0; i < 2000 && ::kill(p, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      EXPECT_NE(::kill(p, 0), 0) << "rank process " << p << " outlived mpirun";
    }
    EXPECT_FALSE(fs::exists(out + ".lock")) << "the lock was not released";
    EXPECT_FALSE(fs::exists(out + ".work"));
    EXPECT_TRUE(fs::exists(out + ".journal"));
  }
  const Result r = sweep({kResumeSpec, "-o", out, "--resume", "-q"}, 2);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(reference_, out);
  expect_no_leftovers(out);
}

// With writes of the working file and the final file slowed (test hooks), kills land inside
// chunk writes and, once every point is done, inside the final file.
TEST_F(SweepCli, KillsInsideChunkWritesAndTheFinalFileThenResume) {
  const std::string spec = plans_spec(dir_);
  const std::string whole = dir_.file("plans-whole.h5"), out = dir_.file("plans.h5");
  ASSERT_EQ(sweep({spec, "-o", whole, "-q"}).exit_code, kExitOk);
  const std::vector<std::string> slow = with_profiles([] {
    std::vector<std::string> e = mpi_env();
    e.push_back("LLMSWEEP_TEST_WRITER_DELAY_MS=150");
    e.push_back("LLMSWEEP_TEST_FINAL_DELAY_MS=3000");
    return e;
  }());
  const auto start_slow = [&](int ranks, const std::string& mode) {
    ++started_;
    std::vector<std::string> args = {spec, "-o", out, "--progress-interval", "0.05", mode};
    return std::make_unique<Child>(ranks == 1 ? serial(args) : mpirun(ranks, args),
                                   dir_.file("child" + std::to_string(started_) + ".out"),
                                   dir_.file("child" + std::to_string(started_) + ".err"), slow);
  };
  for (double at : {0.4, 1.0}) {
    auto child = start_slow(at < 0.5 ? 1 : 2, fs::exists(out + ".journal") ? "--resume" : "--overwrite");
    std::this_thread::sleep_for(std::chrono::duration<double>(at));
    ASSERT_TRUE(child->running()) << child_err();
    kill_tree(*child);
  }
  // Every point done, the final file being written: kill there.
  auto child = start_slow(1, "--resume");
  wait_for([&] { return child_err().find("3240/3240 points") != std::string::npos || !child->running(); },
           120);
  ASSERT_TRUE(child->running()) << "the final file was written before the kill: " << child_err();
  kill_tree(*child);
  const Result r = sweep({spec, "-o", out, "--resume", "-q"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(whole, out);
  expect_no_leftovers(out);
}

// A file of kept rows, stopped and killed at several moments on 1 and 2 ranks, resumes to the
// uninterrupted file.
TEST_F(SweepCli, KeptRowsSurviveStopsAndKills) {
  const std::string spec = kept_spec(dir_);
  const std::string whole = dir_.file("kept-whole.h5"), out = dir_.file("kept.h5");
  ASSERT_EQ(sweep({spec, "-o", whole, "-q"}).exit_code, kExitOk);
  struct Step {
    double at;
    int ranks;
    int signal;
  };
  for (const Step& s :
       {Step{0.8, 1, SIGKILL}, Step{1.0, 2, SIGKILL}, Step{0.8, 2, SIGTERM}, Step{0.5, 1, SIGKILL}}) {
    const bool exists = fs::exists(out) || fs::exists(out + ".journal");
    auto child =
        start({spec, "-o", out, "-q", "--checkpoint", "0.1", exists ? "--resume" : "--overwrite"}, s.ranks);
    std::this_thread::sleep_for(std::chrono::duration<double>(s.at));
    if (!child->running()) break;  // finished: nothing left to interrupt
    if (s.signal == SIGKILL) {
      kill_tree(*child);
    } else {
      child->signal(s.signal);
      EXPECT_NE(child->wait(60), kExitOk);
    }
  }
  const Result r = sweep({spec, "-o", out, "--resume", "-q"}, 2);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(whole, out);
  const Result s = run({LLMSWEEP_BINARY, "summarize", out}, dir_.path(), 60);
  EXPECT_EQ(s.exit_code, kExitOk) << s.err;
  EXPECT_NE(s.out.find("kept: feasible"), std::string::npos) << s.out;
}

// A disk that fills up: one clear line, exit 3, no crash, and a file that resumes once there
// is room again. Needs root, to mount a small tmpfs: smaller than the results file alone (about
// 470 KB), whatever the journal holds.
TEST_F(SweepCli, AFullDiskGivesAClearErrorAndAResumableFile) {
  const std::string mnt = dir_.file("small");
  fs::create_directory(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here";
  struct Unmount {
    std::string at;
    ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const std::string spec = plans_spec(dir_);
  const std::string whole = dir_.file("disk-whole.h5"), out = mnt + "/full.h5";
  ASSERT_EQ(sweep({spec, "-o", whole, "-q"}).exit_code, kExitOk);
  Result r = sweep({spec, "-o", out, "-q", "--force"});
  EXPECT_EQ(r.exit_code, kExitResultFile) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out + ".lock"));
  ASSERT_EQ(::mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0);
  r = sweep({spec, "-o", out, "-q", "--resume"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  expect_same_points(whole, out);
}

// Limits that mean something: the grid size and the file's estimated size are printed; a file
// that cannot fit on the disk is refused before anything is written; a grid of 2^48 points
// (explicit plans, keeping the best per width) runs with rank 0's memory flat and stops cleanly.
TEST_F(SweepCli, GridsAreLimitedByTheDiskNotByTheirSize) {
  std::string list = "[";
  for (int i = 1; i <= 4096; ++i) list += (i > 1 ? ", " : "") + std::to_string(i);
  list += "]";
  const std::string head =
      "[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [12288]\n[parallelism]\ndp = " + list +
      "\ntp_model = " + list + "\npp = " + list + "\nmicrobatches = " + list + "\n";
  const std::string huge = dir_.write("huge.toml", head);
  const std::string out = dir_.file("huge.h5");
  Result r = sweep({huge, "-o", out});
  EXPECT_EQ(r.exit_code, kExitResultFile) << r.err;
  EXPECT_NE(r.err.find("pass --force"), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".journal"));
  const std::string best =
      dir_.write("best.toml", head + "[output]\nkeep = \"best\"\nby = [\"hardware\", \"d_model\"]\n");
  for (const char* mode : {"--overwrite", "--resume"}) {
    auto child = start({best, "-o", out, mode, "--progress-interval", "0.5"});
    wait_for([&] { return child_err().find("llmsweep sweep: about ") != std::string::npos; }, 30);
    ASSERT_TRUE(child->running()) << child_err();
    child->signal(SIGTERM);
    EXPECT_EQ(child->wait(30), kExitInterrupted) << child_err();
    const std::string err = child_err();
    EXPECT_NE(err.find("281474976710656 points"), std::string::npos) << err;  // 2^48
    EXPECT_NE(err.find("llmsweep sweep: about "), std::string::npos) << err;  // the time it will take
    std::smatch m;
    ASSERT_TRUE(std::regex_search(err, m, std::regex("peak memory ([0-9]+) MB"))) << err;
    EXPECT_LE(std::stoi(m[1]), 150) << err;
  }
}

}  // namespace
}  // namespace llmsweep::test
