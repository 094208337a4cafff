// The fixture of the tests that drive the real llmsweep binary (LLMSWEEP_BINARY) on good and
// bad input: a fresh mkdtemp folder per test, removed afterwards, profiles from the source tree,
// and the check every bad input must pass (exit 2, one stderr line naming what is wrong).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "subprocess.hpp"

namespace llmsweep::test {

namespace fs = std::filesystem;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // a check failed (src/cli/run.hpp)
inline constexpr int kExitBadInput = 2;  // bad command line, config or vectors file (src/cli/run.hpp)

inline std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string command_line(const std::vector<std::string>& args) {
  std::string s = "llmsweep";
  for (const auto& a : args) s += " '" + a + "'";
  return s;
}

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "llmsweep-cli-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    // Profiles by name come from the source tree, whatever the environment says.
    ASSERT_EQ(setenv("LLMSWEEP_PROFILE_DIR", LLMSWEEP_PROFILE_DIR_FOR_TESTS, 1), 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }

  // Runs the binary with stdout and stderr captured (tests/support/subprocess.hpp).
  Result run(const std::vector<std::string>& args) {
    std::vector<std::string> argv{LLMSWEEP_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv, dir_, 120);
  }

  // Expects exit code 2, nothing on stdout, and one stderr line holding every word of `names`.
  void expect_bad_input(const std::vector<std::string>& args, std::initializer_list<std::string> names) {
    SCOPED_TRACE(command_line(args));
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "stderr is not one line:\n" << r.err;
    EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n') << r.err;
    EXPECT_EQ(r.err.rfind("llmsweep: error: ", 0), 0u) << r.err;
    for (const std::string& n : names)
      EXPECT_NE(r.err.find(n), std::string::npos) << "'" << n << "' not in: " << r.err;
  }

  // The golden file, parsed.
  static nlohmann::json golden() { return nlohmann::json::parse(read(LLMSWEEP_GOLDEN_FILE)); }

  std::string dir_;
};

}  // namespace llmsweep::test
