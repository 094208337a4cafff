// Unit tests of the hand-out of work: every pending point exactly once, pieces that follow the
// file's chunks (whole chunks where a chunk is cheap, never across a chunk boundary otherwise),
// and pieces that shrink when points turn costly.
#include "dist/dispenser.hpp"

#include <gtest/gtest.h>

#include <map>
#include <queue>

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

// The very first points cost more (cold caches and pages): cheap points must not look costly
// for long, or many chunks start in pieces, each then assembled from raw rows by rank 0 instead
// of compressed by a worker. Four computers, each with two pieces queued as in a sweep, report
// in the order they finish; the first 16 points cost 80 us each, the rest 4 us. At most the
// first chunk is computed in pieces.
TEST(Dispenser, ColdFirstPointsSplitAtMostOneChunk) {
  constexpr std::uint64_t k = 16384;
  Dispenser d({{0, 64 * k}}, 0.25, 1u << 20, 4, k);
  std::map<std::uint64_t, int> pieces_of_chunk;
  struct Queued {
    double done_at;
    double cost;
    grid::IndexRange piece;
    int computer;
  };
  auto later = [](const Queued& a, const Queued& b) { return a.done_at > b.done_at; };
  std::priority_queue<Queued, std::vector<Queued>, decltype(later)> running(later);
  std::vector<double> clock(4, 0);
  std::uint64_t handed = 0;
  auto hand = [&](int computer) {
    const grid::IndexRange r = d.next();
    if (r.empty()) return;
    for (std::uint64_t c = r.begin / k; c * k < r.end; ++c) ++pieces_of_chunk[c];
    const std::uint64_t cold = handed < 16 ? std::min<std::uint64_t>(16 - handed, r.size()) : 0;
    handed += r.size();
    const double cost = 80e-6 * static_cast<double>(cold) + 4e-6 * static_cast<double>(r.size() - cold);
    clock[computer] += cost;
    running.push({clock[computer], cost, r, computer});
  };
  for (int queued = 0; queued < 2; ++queued)
    for (int c = 0; c < 4; ++c) hand(c);
  while (!running.empty()) {
    const Queued q = running.top();
    running.pop();
    d.observe(q.piece.size(), q.cost);
    hand(q.computer);
  }
  int split = 0;
  for (const auto& [chunk, pieces] : pieces_of_chunk) split += pieces > 1 ? 1 : 0;
  EXPECT_LE(split, 1);
  EXPECT_EQ(pieces_of_chunk.size(), 64u);
  EXPECT_EQ(handed, 64 * k);
}

TEST(Dispenser, CostlyPointsGetSmallPieces) {
  Dispenser d({{0, 1u << 21}}, 0.25, 1u << 20, 2, 16384);
  d.observe(16384, 16384e-6);  // cheap at first, a chunk's worth
  const grid::IndexRange big = d.next();
  d.observe(1, 0.1);  // then a point of 0.1 s
  const grid::IndexRange small = d.next();
  EXPECT_GE(big.size(), 16384u);
  EXPECT_LE(small.size(), 10u);
}

// A first report of a few cheap points is no guide: the next pieces stay small (at most twice
// what was seen) until a quarter of a chunk's points or half a target's time is seen.
TEST(Dispenser, PiecesGrowGraduallyWhileTheFirstLookLasts) {
  Dispenser d({{0, 1u << 21}}, 0.25, 1u << 20, 2, 16384);
  d.observe(4, 4e-6);  // infeasible points, say, that cost nothing
  EXPECT_LE(d.next().size(), 8u);
  d.observe(8, 8e-6);
  EXPECT_LE(d.next().size(), 24u);
  // Then the costly points: their first report ends the first look.
  d.observe(24, 24 * 0.05);
  EXPECT_LE(d.next().size(), 10u);
}

// At the end of a sweep pieces are a few points, and a few points' seconds are noise (a timer's
// resolution, or cost that lands in the next report, as bench_ranks's sleeping workers give).
// A run of such reports of free-looking pieces must not make costly points look cheap (it did:
// the next piece was the rest of a chunk, 16,000 points of a millisecond). Pieces that stand for
// a target's worth of cheap points still turn the estimate, to whole chunks.
TEST(Dispenser, FewPointsReportedFreeDoNotMakeCostlyPointsLookCheap) {
  constexpr std::uint64_t k = 16384;
  Dispenser d({{0, 64 * k}}, 0.25, 1u << 20, 8, k);
  for (int i = 0; i < 40; ++i) {  // points of a millisecond, past the first look
    const grid::IndexRange r = d.next();
    d.observe(r.size(), 1e-3 * static_cast<double>(r.size()));
  }
  EXPECT_LE(d.next().size(), 300u);  // 250 make the target
  for (int i = 0; i < 30; ++i) d.observe(6, 0.0);
  EXPECT_LE(d.next().size(), 300u);
  bool whole_chunk = false;
  for (int i = 0; i < 60 && !whole_chunk; ++i) {  // now a microsecond each
    const grid::IndexRange r = d.next();
    d.observe(r.size(), 1e-6 * static_cast<double>(r.size()));
    whole_chunk = r.size() >= k;
  }
  EXPECT_TRUE(whole_chunk);
}

// Toward the end pieces shrink so that the last finish together, but not below a sixteenth of
// the target (16 points of a millisecond): a piece must outlast the round trip to the next. Only
// a stripe's last piece, its remainder, may be smaller.
TEST(Dispenser, LastPiecesOutlastARoundTrip) {
  Dispenser d({{0, 384000}}, 0.25, 1u << 20, 64, 16384);
  std::uint64_t small = 0, pieces = 0, last = 0;
  while (!d.empty()) {
    const grid::IndexRange r = d.next();
    ASSERT_FALSE(r.empty());
    d.observe(r.size(), 1e-3 * static_cast<double>(r.size()));
    ++pieces;
    if (r.size() < 15) ++small;
    last = r.size();
  }
  EXPECT_LE(small, 64u);  // a stripe's remainder each (64 stripes at most; single points: 1,112)
  EXPECT_LE(last, 250u);  // still shrinking toward the end
  EXPECT_GT(pieces, 384000u / 250);
}

}  // namespace
}  // namespace llmsweep::dist
