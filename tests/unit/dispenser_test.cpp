// Unit tests of the hand-out of work: every pending point exactly once, pieces that follow the
// file's chunks (whole chunks where a chunk is cheap, never across a chunk boundary otherwise),
// and pieces that shrink when points turn costly.
#include "dist/dispenser.hpp"

#include <gtest/gtest.h>

namespace llmsweep::dist {
namespace {

// Chunks of 256 rows, as a file of this size has (io::chunk_rows_for: at least 64 chunks).
TEST(Dispenser, EveryPendingPointOnceAlongTheChunks) {
  const std::vector<grid::IndexRange> pending = {{3, 10000}, {12000, 50000}};
  Dispenser d(pending, 0.25, 1u << 20, 4, 256);
  grid::RangeSet seen;
  std::uint64_t handed = 0, whole = 0;
  bool cheap = false;
  while (!d.empty()) {
    const grid::IndexRange r = d.next();
    ASSERT_FALSE(r.empty());
    const std::uint64_t before = seen.count();
    seen.add(r);
    ASSERT_EQ(seen.count(), before + r.size()) << "handed out twice";
    handed += r.size();
    if (r.size() >= 256) {
      EXPECT_EQ(r.begin % 256, 0u) << r.begin;
      ++whole;
    } else {
      EXPECT_EQ(r.begin / 256, (r.end - 1) / 256) << "a small piece across a chunk boundary";
    }
    // Cheap points: a microsecond each, so a whole chunk is far below the target.
    d.observe(r.size(), 1e-6 * static_cast<double>(r.size()));
    cheap = true;
  }
  EXPECT_TRUE(cheap);
  EXPECT_EQ(handed, 9997u + 38000u);
  EXPECT_EQ(seen.ranges(), pending);
  EXPECT_GT(whole, 0u);
}

TEST(Dispenser, CostlyPointsGetSmallPieces) {
  Dispenser d({{0, 1u << 21}}, 0.25, 1u << 20, 2, 16384);
  d.observe(4, 4e-6);  // cheap at first
  const grid::IndexRange big = d.next();
  d.observe(1, 0.1);  // then a point of 0.1 s
  const grid::IndexRange small = d.next();
  EXPECT_GE(big.size(), 16384u);
  EXPECT_LE(small.size(), 10u);
}

}  // namespace
}  // namespace llmsweep::dist
