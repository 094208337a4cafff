// Unit tests of the MPI wire format: what is encoded is decoded unchanged, and a message from
// another build or a damaged one is refused with an MpiError rather than misread.
#include "dist/messages.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.hpp"

namespace llmsweep::dist {
namespace {

TEST(Messages, AssignmentRoundTrip) {
  const Assignment a = decode_assignment(encode(Assignment{123456789012345ull, 77}));
  EXPECT_EQ(a.first, 123456789012345ull);
  EXPECT_EQ(a.count, 77u);
}

TEST(Messages, ResultBatchRoundTrip) {
  ResultBatch b;
  b.first = 40;
  b.seconds = 0.125;
  b.want_more = true;
  b.finished = false;
  for (std::uint64_t i = 40; i < 43; ++i) {
    grid::Row r;
    r.index = i;
    r.utilization = 0.5 + static_cast<double>(i);
    r.level[1][0] = 8;
    b.rows.push_back(r);
  }
  const ResultBatch d = decode_batch(encode(b));
  EXPECT_EQ(d.first, 40u);
  EXPECT_EQ(d.seconds, 0.125);
  EXPECT_TRUE(d.want_more);
  EXPECT_FALSE(d.finished);
  ASSERT_EQ(d.rows.size(), 3u);
  EXPECT_EQ(d.rows[2].index, 42u);
  EXPECT_EQ(d.rows[2].utilization, 42.5);
  EXPECT_EQ(d.rows[1].level[1][0], 8);
  EXPECT_TRUE(std::isnan(d.rows[0].run_s));
  const ResultBatch empty = decode_batch(encode(ResultBatch{}));
  EXPECT_TRUE(empty.rows.empty());
}

TEST(Messages, DamagedMessagesAreRefused) {
  ResultBatch b;
  b.rows.resize(2);
  std::string bytes = encode(b);
  EXPECT_THROW(decode_batch(bytes.substr(0, bytes.size() / 2)), MpiError);
  EXPECT_THROW(decode_batch("nonsense"), MpiError);
  EXPECT_THROW(decode_assignment(""), MpiError);
}

}  // namespace
}  // namespace llmsweep::dist
