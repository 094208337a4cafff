// Unit tests of the MPI wire format: what is encoded is decoded unchanged (rows, encoded
// chunks, reduced pieces, the layout), and a message from another build or a damaged one is
// refused with an MpiError rather than misread.
#include "dist/messages.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.hpp"

namespace llmsweep::dist {
namespace {

TEST(Messages, AssignmentAndLayoutRoundTrip) {
  const Assignment a = decode_assignment(encode(Assignment{123456789012345ull, 77}));
  EXPECT_EQ(a.first, 123456789012345ull);
  EXPECT_EQ(a.count, 77u);
  io::SinkLayout l;
  l.points = std::uint64_t{1} << 48;
  l.chunk_rows = 16384;
  l.levels = 3;
  l.keep.keep = grid::Keep::best;
  l.keep.by = {"hardware", "d_model"};
  l.keep.count = 5;
  const io::SinkLayout d = decode_layout(encode(l));
  EXPECT_EQ(d.points, l.points);
  EXPECT_EQ(d.chunk_rows, 16384u);
  EXPECT_EQ(d.keep, l.keep);
}

TEST(Messages, ReportsRoundTrip) {
  Report r;
  r.seconds = 0.125;
  r.points = 3;
  r.want_more = true;
  r.payload = Payload::rows;
  for (std::uint64_t i = 40; i < 43; ++i) {
    grid::Row row;
    row.index = i;
    row.utilization = 0.5 + static_cast<double>(i);
    row.level[1][0] = 8;
    r.rows.push_back(row);
  }
  const Report d = decode_report(encode(r));
  EXPECT_EQ(d.seconds, 0.125);
  EXPECT_TRUE(d.want_more);
  EXPECT_FALSE(d.finished);
  ASSERT_EQ(d.rows.size(), 3u);
  EXPECT_EQ(d.rows[2].index, 42u);
  EXPECT_EQ(d.rows[2].utilization, 42.5);
  EXPECT_EQ(d.rows[1].level[1][0], 8);
  EXPECT_TRUE(std::isnan(d.rows[0].run_s));

  Report c;
  c.payload = Payload::chunk;
  c.chunk.chunk = 9;
  c.chunk.rows = 100;
  c.chunk.sizes = {3, 2};
  c.chunk.bytes = {1, 2, 3, 4, 5};
  const Report dc = decode_report(encode(c));
  EXPECT_EQ(dc.chunk.chunk, 9u);
  EXPECT_EQ(dc.chunk.sizes, c.chunk.sizes);
  EXPECT_EQ(dc.chunk.bytes, c.chunk.bytes);

  Report k;
  k.payload = Payload::kept;
  k.kept.range = {10, 20};
  k.kept.counts[2] = 4;
  k.kept.rows.resize(1);
  k.kept.empty_groups = {std::string("\0\1", 2)};
  const Report dk = decode_report(encode(k));
  EXPECT_EQ(dk.kept.range, k.kept.range);
  EXPECT_EQ(dk.kept.counts[2], 4u);
  EXPECT_EQ(dk.kept.empty_groups, k.kept.empty_groups);
  EXPECT_TRUE(decode_report(encode(Report{})).rows.empty());
}

TEST(Messages, DamagedMessagesAreRefused) {
  Report r;
  r.payload = Payload::rows;
  r.rows.resize(2);
  const std::string bytes = encode(r);
  EXPECT_THROW(decode_report(bytes.substr(0, bytes.size() / 2)), MpiError);
  EXPECT_THROW(decode_report("nonsense"), MpiError);
  EXPECT_THROW(decode_assignment(""), MpiError);
  std::string other = bytes;
  other[0] = static_cast<char>(other[0] + 1);  // the row size another build would send
  EXPECT_THROW(decode_report(other), MpiError);
}

}  // namespace
}  // namespace llmsweep::dist
