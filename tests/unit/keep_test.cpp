// Unit tests of the reductions: pieces reduced apart and merged keep exactly the rows a user
// gets by reducing every point at once (grid/keep.hpp), whatever the pieces and their order.
#include "grid/keep.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace llmsweep::grid {
namespace {

std::vector<Row> points(std::uint64_t n) {
  std::mt19937_64 rng(7);
  std::vector<Row> out(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    Row& r = out[i];
    r.index = i;
    r.hardware = static_cast<std::uint16_t>(i % 3);
    r.d_model = 1024 * static_cast<std::int64_t>(1 + (i / 3) % 4);
    r.status = rng() % 4 == 0 ? 3 : 0;          // a quarter infeasible
    r.run_s = static_cast<double>(rng() % 50);  // many ties of run time
  }
  return out;
}

// The reference: every point at once, grouped with a map, sorted by (run time, index).
std::vector<Row> best_by_hand(const std::vector<Row>& all, std::size_t count) {
  std::map<std::pair<int, std::int64_t>, std::vector<Row>> groups;
  for (const Row& r : all)
    if (r.status == 0) groups[{r.hardware, r.d_model}].push_back(r);
  std::vector<Row> out;
  for (auto& [key, rows] : groups) {
    std::sort(rows.begin(), rows.end(), runs_before);
    // erase, not resize: GCC 12 warns (-Wstringop-overflow, a false positive) on resize's growing
    // path, which a shrink never takes.
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), count)), rows.end());
    out.insert(out.end(), rows.begin(), rows.end());
  }
  std::sort(out.begin(), out.end(), [](const Row& a, const Row& b) { return a.index < b.index; });
  return out;
}

std::vector<std::uint64_t> indices(const std::vector<Row>& rows) {
  std::vector<std::uint64_t> out;
  for (const Row& r : rows) out.push_back(r.index);
  return out;
}

TEST(Keep, PiecesMergedEqualOneReduction) {
  const std::vector<Column> columns = grid::columns(2, {});
  const std::vector<Row> all = points(600);
  KeepRule rule;
  rule.keep = Keep::best;
  rule.by = {"hardware", "d_model"};
  rule.count = 3;
  for (std::uint64_t piece : {1u, 7u, 64u, 600u}) {
    Reducer merged(rule, columns);
    std::vector<KeptPiece> pieces;
    for (std::uint64_t at = 0; at < all.size(); at += piece) {
      Reducer worker(rule, columns);
      const std::uint64_t end = std::min<std::uint64_t>(at + piece, all.size());
      for (std::uint64_t i = at; i < end; ++i) worker.add(all[i]);
      pieces.push_back(worker.take({at, end}));
    }
    std::reverse(pieces.begin(), pieces.end());  // arrival order does not matter
    for (const KeptPiece& p : pieces) merged.add(p);
    EXPECT_EQ(indices(merged.rows()), indices(best_by_hand(all, 3))) << "pieces of " << piece;
    EXPECT_EQ(merged.groups(), 12u);
    std::uint64_t counted = 0;
    for (std::uint64_t c : merged.counts()) counted += c;
    EXPECT_EQ(counted, all.size());
  }
}

TEST(Keep, FeasibleKeepsEveryOkRowAndGroupsWithoutOneAreCounted) {
  const std::vector<Column> columns = grid::columns(2, {});
  std::vector<Row> all = points(60);
  for (Row& r : all)
    if (r.hardware == 2) r.status = 3;  // every point of hardware 2 infeasible
  KeepRule feasible;
  feasible.keep = Keep::feasible;
  Reducer f(feasible, columns);
  for (const Row& r : all) f.add(r);
  const KeptPiece p = f.take({0, 60});
  for (const Row& r : p.rows) EXPECT_EQ(r.status, 0);
  EXPECT_EQ(p.rows.size(), p.counts[0]);
  KeepRule best;
  best.keep = Keep::best;
  best.by = {"hardware"};
  Reducer b(best, columns);
  for (const Row& r : all) b.add(r);
  EXPECT_EQ(b.groups(), 3u);
  EXPECT_EQ(b.groups_without_feasible(), 1u);
  EXPECT_EQ(b.rows().size(), 2u);
}

TEST(Keep, NamesAndBadRules) {
  EXPECT_EQ(keep_from_name("best"), Keep::best);
  EXPECT_FALSE(keep_from_name("Best"));
  EXPECT_EQ(std::string(keep_name(Keep::feasible)), "feasible");
  KeepRule r;
  r.keep = Keep::best;
  r.by = {"utilization"};  // a result, not an input
  EXPECT_THROW(Reducer(r, grid::columns(1, {})), std::invalid_argument);
  r.by = {"d_model"};
  EXPECT_EQ(describe(r), "best 1 per d_model");
}

}  // namespace
}  // namespace llmsweep::grid
