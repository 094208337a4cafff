// Unit tests of the golden-vector reader (config/vectors.cpp) on hostile files (issue 13): each
// is refused with a ConfigError naming the file and the vector's key, or counted as a failed
// vector, never an exception of another type or a pass. Vectors are the first of each section of
// tests/data/reference-vectors.json, altered one field at a time.
#include "config/vectors.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"

namespace llmsweep::config {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json golden() {
  std::ifstream in(LLMSWEEP_GOLDEN_FILE);
  return json::parse(in);
}

class Vectors : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "llmsweep-vectors-" + std::to_string(getpid());
    fs::create_directories(dir_);
    ASSERT_EQ(setenv("LLMSWEEP_PROFILE_DIR", LLMSWEEP_PROFILE_DIR_FOR_TESTS, 1), 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text) {
    const std::string path = dir_ + "/vectors.json";
    std::ofstream(path) << text;
    return path;
  }
  // The error for a file holding `text`, or "" when there is none.
  std::string error_of(const std::string& text) {
    const std::string path = write(text);
    try {
      verify_vectors_file(path);
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.file(), path);
      return e.what();
    }
    return "";
  }
  // One section holding one vector: the golden first of `section` with `key` set to `value`.
  std::string with(const std::string& section, const std::string& key, const json& value) {
    json v = golden()[section][0];
    v[key] = value;
    return json{{section, json::array({v})}}.dump();
  }

  std::string dir_;
};

TEST_F(Vectors, TheUnalteredVectorsPass) {
  for (const char* section : {"matmul", "training", "optimal"}) {
    const VectorReport r = verify_vectors_file(write(with(section, "gpu", golden()[section][0]["gpu"])));
    EXPECT_EQ(r.passed, 1) << section;
    EXPECT_EQ(r.failed, 0) << section;
  }
}

// An empty file, or one with nothing to check, passed as "0 passed, 0 failed" (exit 0).
TEST_F(Vectors, NothingToCheckIsRefused) {
  EXPECT_NE(error_of("").find("the vectors file is empty"), std::string::npos);
  EXPECT_NE(error_of("  \n").find("the vectors file is empty"), std::string::npos);
  for (const char* text : {R"({"matmul": []})", R"({"meta": {}, "training": [], "optimal": []})", "{}"})
    EXPECT_NE(error_of(text).find("no vectors: matmul, training and optimal are all missing or empty"),
              std::string::npos)
        << text;
}

// 1e999 raised nlohmann's out_of_range, reported as an internal error (exit 5).
TEST_F(Vectors, ANumberNoDoubleHoldsIsMalformed) {
  const std::string e = error_of(R"({"matmul": [{"seconds": 1e999}]})");
  EXPECT_NE(e.find("malformed JSON: number overflow parsing '1e999'"), std::string::npos) << e;
}

TEST_F(Vectors, AFolderIsNotAVectorsFile) {
  try {
    verify_vectors_file(dir_);
    FAIL() << "a folder was read as vectors";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open vectors file: it is a folder, not a file"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(Vectors, IntegersOutsideTheirRangeNameTheKey) {
  // 2^64 - 1 is stored unsigned by nlohmann; get<int64_t> wrapped it to -1.
  EXPECT_NE(error_of(with("matmul", "d1", json(18446744073709551615ull)))
                .find("key 'matmul[0].d1': integer 18446744073709551615 is out of range"),
            std::string::npos);
  EXPECT_NE(
      error_of(with("matmul", "b", json(9007199254740993ll))).find("d1, d2 and b must be from 1 to 2^53"),
      std::string::npos);
  // 2^32 narrowed to int read as 0, false.
  EXPECT_NE(error_of(with("matmul", "weight_grads", json(4294967296ll)))
                .find("key 'matmul[0].weight_grads': expected true/false or 0/1, got 4294967296"),
            std::string::npos);
  EXPECT_NE(
      error_of(with("training", "d_model", json(9223372036854775807ll))).find("d_model x d_ff is too large"),
      std::string::npos);
}

// An interleave of INT64_MAX wrapped v x PP negative and passed check_plan: a wrong answer
// marked as checked. Now it is an invalid plan, a failed vector.
TEST_F(Vectors, AnOverflowingPlanFailsItsVector) {
  const VectorReport r =
      verify_vectors_file(write(with("training", "interleave", json(9223372036854775807ll))));
  EXPECT_EQ(r.passed, 0);
  ASSERT_EQ(r.failed, 1);
  EXPECT_NE(
      r.mismatches[0].find("invalid plan: interleave 9223372036854775807 times pp 4 exceeds layers 256"),
      std::string::npos)
      << r.mismatches[0];
}

}  // namespace
}  // namespace llmsweep::config
