// The MPI runner on 1, 2 and 3 ranks: every pending point computed exactly once, rows equal to
// a serial evaluation, and a stop requested on any rank stops every rank with nothing lost.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <set>

#include "common/stop.hpp"
#include "config/spec.hpp"
#include "dist/runner.hpp"
#include "grid/evaluate_point.hpp"
#include "grid/schema.hpp"
#include "io/memory_sink.hpp"

namespace llmsweep {
namespace {

// Two GPUs, dense and sparse, two batch laws, and the 13 paper widths from 12288 to 40960
// (12288, 14336, ..., 32768, 36864, 40960): 2 x 13 x 2 x 2 = 104 points.
constexpr const char* kSpec = R"(
[hardware]
profiles = ["h100-sxm", "a100-sxm"]
[model]
widths = { from = 12288, to = 40960 }
experts = ["dense", "width-scaled"]
[batch]
policy = ["default", "none"]
)";

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

dist::RunOptions quiet_options() {
  dist::RunOptions o;
  o.progress = false;
  o.checkpoint_interval_s = 0.05;  // exercise checkpoints too
  return o;
}

class SweepMpi : public testing::Test {
 protected:
  SweepMpi()
      : spec_(config::parse_spec(kSpec, "mpi_test.toml", LLMSWEEP_PROFILE_DIR_FOR_TESTS)),
        grid_(spec_.axes),
        evaluator_(grid_),
        columns_(grid::columns(spec_.max_levels, {"h100-sxm", "a100-sxm"})) {}

  void TearDown() override {
    clear_stop();
    MPI_Barrier(MPI_COMM_WORLD);
  }

  // Compares every column of a row with a fresh serial evaluation of the same point.
  void expect_same_as_serial(const grid::Row& row) {
    grid::PointEvaluator serial(grid_);
    const grid::Row want = serial.evaluate(row.index);
    for (const grid::Column& c : columns_) {
      const double a = grid::get_real(row, c), b = grid::get_real(want, c);
      if (std::isnan(b))
        EXPECT_TRUE(std::isnan(a)) << "point " << row.index << " column " << c.name;
      else
        EXPECT_EQ(a, b) << "point " << row.index << " column " << c.name;
    }
  }

  // Chunks of 16 rows: the 104 points make whole chunks and an edge chunk, and pieces of both.
  io::SinkLayout layout(grid::KeepRule keep = {}) const {
    io::SinkLayout l;
    l.points = grid_.size();
    l.chunk_rows = 16;
    l.levels = spec_.max_levels;
    l.keep = std::move(keep);
    return l;
  }

  config::SweepSpec spec_;
  grid::Grid grid_;
  grid::PointEvaluator evaluator_;
  std::vector<grid::Column> columns_;
};

TEST_F(SweepMpi, EveryPointExactlyOnceAndEqualToSerial) {
  ASSERT_EQ(grid_.size(), 104u);
  io::MemorySink sink(layout());
  const dist::Evaluate evaluate = [this](std::uint64_t i) { return evaluator_.evaluate(i); };
  const bool root = rank() == 0;
  const dist::Outcome out =
      dist::run(MPI_COMM_WORLD,
                root ? std::vector<grid::IndexRange>{{0, grid_.size()}} : std::vector<grid::IndexRange>{}, 0,
                layout(), evaluate, root ? &sink : nullptr, quiet_options());
  if (!root) return;
  EXPECT_EQ(out, dist::Outcome::complete);
  ASSERT_EQ(sink.rows().size(), grid_.size());
  std::set<std::uint64_t> seen;
  for (const grid::Row& r : sink.rows()) {
    EXPECT_TRUE(seen.insert(r.index).second) << "point " << r.index << " recorded twice";
    expect_same_as_serial(r);
  }
  EXPECT_EQ(seen.size(), grid_.size());
  EXPECT_GE(sink.checkpoints(), 0);
  EXPECT_TRUE(sink.closed());
}

// keep = best, reduced in the workers and merged on rank 0: the rows a serial reduction keeps.
TEST_F(SweepMpi, ReducedInTheWorkersEqualsReducedAfterwards) {
  grid::KeepRule rule;
  rule.keep = grid::Keep::best;
  rule.by = {"hardware", "experts_rule"};
  rule.count = 2;
  io::MemorySink sink(layout(rule));
  const dist::Evaluate evaluate = [this](std::uint64_t i) { return evaluator_.evaluate(i); };
  const bool root = rank() == 0;
  const dist::Outcome out =
      dist::run(MPI_COMM_WORLD,
                root ? std::vector<grid::IndexRange>{{0, grid_.size()}} : std::vector<grid::IndexRange>{}, 0,
                layout(rule), evaluate, root ? &sink : nullptr, quiet_options());
  if (!root) return;
  EXPECT_EQ(out, dist::Outcome::complete);
  grid::Reducer serial(rule, columns_);
  grid::PointEvaluator fresh(grid_);
  for (std::uint64_t i = 0; i < grid_.size(); ++i) {
    grid::Row r = fresh.evaluate(i);
    r.index = i;
    serial.add(r);
  }
  const std::vector<grid::Row> want = serial.rows(), got = sink.rows();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].index, want[i].index);
  EXPECT_EQ(sink.reduced().counts(), serial.counts());
}

TEST_F(SweepMpi, OnlyPendingRangesAreComputed) {
  io::MemorySink sink(layout());
  const dist::Evaluate evaluate = [this](std::uint64_t i) { return evaluator_.evaluate(i); };
  const bool root = rank() == 0;
  const std::vector<grid::IndexRange> pending{{3, 10}, {20, 25}, {96, 104}};
  dist::run(MPI_COMM_WORLD, root ? pending : std::vector<grid::IndexRange>{}, 84, layout(), evaluate,
            root ? &sink : nullptr, quiet_options());
  if (!root) return;
  std::set<std::uint64_t> got;
  for (const grid::Row& r : sink.rows()) got.insert(r.index);
  std::set<std::uint64_t> want;
  for (const auto& p : pending)
    for (std::uint64_t i = p.begin; i < p.end; ++i) want.insert(i);
  EXPECT_EQ(got, want);
  EXPECT_EQ(sink.rows().size(), want.size());
}

// A stop raised while computing one point (on whichever rank gets it) stops every rank; the
// points recorded plus a second run over the rest give every point exactly once.
TEST_F(SweepMpi, StopOnAnyRankThenResumeGivesEveryPointOnce) {
  const std::uint64_t trigger = grid_.size() / 3;
  io::MemorySink first(layout());
  const dist::Evaluate stopping = [this, trigger](std::uint64_t i) {
    if (i == trigger) request_stop(SIGUSR1);
    return evaluator_.evaluate(i);
  };
  const bool root = rank() == 0;
  const dist::Outcome out =
      dist::run(MPI_COMM_WORLD,
                root ? std::vector<grid::IndexRange>{{0, grid_.size()}} : std::vector<grid::IndexRange>{}, 0,
                layout(), stopping, root ? &first : nullptr, quiet_options());
  grid::RangeSet done;
  if (root) {
    EXPECT_EQ(out, dist::Outcome::stopped);
    EXPECT_LT(first.rows().size(), grid_.size());
    for (const grid::Row& r : first.rows()) {
      EXPECT_FALSE(done.contains(r.index)) << "point " << r.index << " recorded twice";
      done.add({r.index, r.index + 1});
    }
  }
  clear_stop();
  MPI_Barrier(MPI_COMM_WORLD);
  io::MemorySink second(layout());
  const dist::Evaluate evaluate = [this](std::uint64_t i) { return evaluator_.evaluate(i); };
  const dist::Outcome again =
      dist::run(MPI_COMM_WORLD, root ? done.complement(grid_.size()) : std::vector<grid::IndexRange>{},
                done.count(), layout(), evaluate, root ? &second : nullptr, quiet_options());
  if (!root) return;
  EXPECT_EQ(again, dist::Outcome::complete);
  for (const grid::Row& r : second.rows()) {
    EXPECT_FALSE(done.contains(r.index)) << "point " << r.index << " computed twice";
    done.add({r.index, r.index + 1});
    expect_same_as_serial(r);
  }
  EXPECT_EQ(done.count(), grid_.size());
}

// Many trivial points: chunking, prefetching and the end-of-work handshake at scale.
TEST(SweepMpiTrivial, HundredThousandTrivialPoints) {
  constexpr std::uint64_t n = 100000;
  io::SinkLayout layout;
  layout.points = n;
  layout.chunk_rows = 1024;
  io::MemorySink sink(layout);
  const dist::Evaluate trivial = [](std::uint64_t i) {
    grid::Row r;
    r.index = i;
    r.status = 0;
    return r;
  };
  const bool root = rank() == 0;
  dist::RunOptions o = quiet_options();
  o.coordinator_computes = false;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size == 1) o.coordinator_computes = true;  // with one rank, rank 0 must compute
  dist::RunStats stats;
  const dist::Outcome out = dist::run(
      MPI_COMM_WORLD, root ? std::vector<grid::IndexRange>{{0, n}} : std::vector<grid::IndexRange>{}, 0,
      layout, trivial, root ? &sink : nullptr, o, &stats);
  if (!root) return;
  EXPECT_EQ(out, dist::Outcome::complete);
  ASSERT_EQ(sink.rows().size(), n);
  grid::RangeSet done;
  for (const grid::Row& r : sink.rows()) done.add({r.index, r.index + 1});
  EXPECT_EQ(done.count(), n);
  EXPECT_EQ(done.ranges().size(), 1u);
  EXPECT_EQ(stats.computed, n);
  if (size > 1) {
    EXPECT_EQ(stats.computed_by_coordinator, 0u);
  }
  EXPECT_GT(sink.chunks(), 0);  // cheap points travel as whole compressed chunks
}

}  // namespace
}  // namespace llmsweep
