// Unit tests of the journal: a torn tail (a kill in the middle of a write) is dropped, and a
// record that is whole but wrong (outside the grid, moved to other rows, recorded twice, of
// another spec or build) is refused with a message that says how to go on from the .h5.
#include "io/journal.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "grid/schema.hpp"
#include "io/codec.hpp"

namespace llmsweep::io {
namespace {

namespace fs = std::filesystem;

class JournalTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "llmsweep-journal-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    path_ = dir_ + "/r.h5.journal";
    layout_.points = 100;
    layout_.chunk_rows = 8;
    layout_.levels = 2;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Rows [first, first + n) of a grid whose only axis is the width: row i sits at width i.
  static std::vector<grid::Row> rows(std::uint64_t first, std::uint64_t n, std::int64_t shift = 0) {
    std::vector<grid::Row> out(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      out[i].index = first + i;
      out[i].status = 0;
      out[i].width_index = static_cast<std::int64_t>(first + i) + shift;
    }
    return out;
  }
  static bool at_width(const grid::Row& r) { return static_cast<std::uint64_t>(r.width_index) == r.index; }

  Journal open(JournalScan& scan) const {
    return Journal::open(path_, hash_, layout_, grid::columns(layout_.levels, {}), at_width, scan, "r.h5");
  }
  std::string refusal() const {
    try {
      JournalScan scan;
      open(scan);
    } catch (const ResultFileError& e) {
      return e.what();
    }
    return "(accepted)";
  }

  std::string read_all() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void write_all(const std::string& bytes) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }

  std::string dir_, path_;
  std::string hash_ = std::string(64, 'a');
  SinkLayout layout_;
};

TEST_F(JournalTest, DropsATornTailAndAppendsAfterIt) {
  {
    Journal j = Journal::create(path_, hash_, layout_);
    j.append(rows(0, 10));
    j.append(rows(20, 5));
  }
  EXPECT_THROW(Journal::create(path_, hash_, layout_), ResultFileError);
  const auto full = fs::file_size(path_);
  fs::resize_file(path_, full - 7);  // a record cut short by a kill
  JournalScan scan;
  {
    Journal j = open(scan);
    EXPECT_TRUE(scan.dropped_tail);
    EXPECT_EQ(scan.done.count(), 10u);
    EXPECT_LT(j.size(), full);
    j.append(rows(20, 5));  // appends after the last good record
  }
  {
    std::ofstream(path_, std::ios::app) << std::string(40, '\0');  // zeros: a tail lost in a crash
  }
  Journal j = open(scan);
  EXPECT_EQ(scan.done.count(), 15u);
  ASSERT_EQ(scan.records.size(), 2u);
  EXPECT_EQ(j.read_rows(scan.records[1]).front().index, 20u);
}

TEST_F(JournalTest, ChunksAndKeptPiecesReadBack) {
  ChunkEncoder enc(layout_, grid::columns(layout_.levels, {}));
  grid::KeptPiece piece;
  piece.range = {40, 50};
  piece.counts[0] = 7;
  piece.counts[3] = 3;
  piece.rows = rows(41, 2);
  {
    Journal j = Journal::create(path_, hash_, layout_);
    j.append(enc.encode(1, rows(8, 8)));
    j.append(enc.encode(12, rows(96, 4)));  // the grid's edge chunk
  }
  JournalScan scan;
  Journal j = open(scan);
  ASSERT_EQ(scan.records.size(), 2u);
  EXPECT_EQ(scan.records[1].range, (grid::IndexRange{96, 100}));
  const EncodedChunk c = j.read_chunk(scan.records[0]);
  const std::vector<grid::Row> back = decode_chunk(c, grid::columns(layout_.levels, {}), 8);
  EXPECT_EQ(back[3].index, 11u);
  EXPECT_EQ(back[3].width_index, 11);
  // A kept piece in a journal of kept rows.
  fs::remove(path_);
  layout_.keep.keep = grid::Keep::feasible;
  {
    Journal k = Journal::create(path_, hash_, layout_);
    k.append(piece);
  }
  Journal k = open(scan);
  const grid::KeptPiece got = k.read_kept(scan.records.at(0));
  EXPECT_EQ(got.counts[3], 3u);
  EXPECT_EQ(got.rows.at(1).index, 42u);
  EXPECT_EQ(k.kept_row_count(scan.records[0]), 2u);
}

TEST_F(JournalTest, WholeButWrongRecordsAreRefused) {
  const auto with = [this](const std::function<void(Journal&)>& fill) {
    fs::remove(path_);
    Journal j = Journal::create(path_, hash_, layout_);
    fill(j);
  };
  // Rows past the grid's end (a record that would mark points done that do not exist).
  with([](Journal& j) { j.append(rows(98, 5)); });
  EXPECT_NE(refusal().find("outside the grid"), std::string::npos) << refusal();
  // Rows moved to another place: a valid record whose rows belong elsewhere.
  with([](Journal& j) { j.append(rows(10, 3, 5)); });
  EXPECT_NE(refusal().find("grid position"), std::string::npos) << refusal();
  // The same points twice.
  with([](Journal& j) {
    j.append(rows(10, 3));
    j.append(rows(11, 3));
  });
  EXPECT_NE(refusal().find("recorded twice"), std::string::npos) << refusal();
  // A damaged record in the middle (more records follow it): not a torn tail.
  with([](Journal& j) {
    j.append(rows(0, 3));
    j.append(rows(3, 3));
  });
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  EXPECT_NE(refusal().find("damaged at offset"), std::string::npos) << refusal();
  // Every refusal says how to go on from the results file.
  EXPECT_NE(refusal().find("move " + path_ + " away and run --resume again"), std::string::npos) << refusal();
}

TEST_F(JournalTest, ACraftedRecordWithAValidChecksumIsRefusedByTheGridChecks) {
  {
    Journal j = Journal::create(path_, hash_, layout_);
    j.append(rows(0, 3));
    j.append(rows(3, 3));
  }
  // The second row of the first record says it is point 7: a rewritten row index.
  std::string bytes = read_all();
  const std::size_t header = 96, record_header = 40;
  const std::uint64_t moved = 7;
  std::memcpy(bytes.data() + header + record_header + sizeof(grid::Row), &moved, sizeof moved);
  write_all(bytes);
  EXPECT_NE(refusal().find("fails its checksum"), std::string::npos) << refusal();
  reseal_journal(bytes);  // as a crafted file would carry it
  write_all(bytes);
  EXPECT_NE(refusal().find("a row's index does not belong to the record"), std::string::npos) << refusal();
  // Resealing a journal that was not changed changes nothing.
  fs::remove(path_);
  { Journal::create(path_, hash_, layout_).append(rows(0, 3)); }
  std::string same = read_all();
  reseal_journal(same);
  EXPECT_EQ(same, read_all());
}

TEST_F(JournalTest, AKeptPieceWithoutRowsReadsBack) {
  // All ten points infeasible: no rows, no groups (found by fuzz_journal: the empty payload parts
  // must not reach memcpy with a null pointer).
  layout_.keep.keep = grid::Keep::feasible;
  grid::KeptPiece piece;
  piece.range = {0, 10};
  piece.counts[1] = 10;
  { Journal::create(path_, hash_, layout_).append(piece); }
  JournalScan scan;
  Journal j = open(scan);
  ASSERT_EQ(scan.records.size(), 1u);
  const grid::KeptPiece got = j.read_kept(scan.records[0]);
  EXPECT_TRUE(got.rows.empty());
  EXPECT_TRUE(got.empty_groups.empty());
  EXPECT_EQ(got.counts[1], 10u);
  EXPECT_EQ(j.kept_row_count(scan.records[0]), 0u);
}

TEST_F(JournalTest, AnotherSpecBuildOrFileIsRefused) {
  { Journal j = Journal::create(path_, hash_, layout_); }
  JournalScan scan;
  hash_ = std::string(64, 'b');
  EXPECT_NE(refusal().find("different sweep spec"), std::string::npos) << refusal();
  hash_ = std::string(64, 'a');
  layout_.points = 99;
  EXPECT_NE(refusal().find("different sweep spec"), std::string::npos) << refusal();
  std::ofstream(path_, std::ios::trunc)
      << "not a journal at all, but long enough to hold a header ................";
  EXPECT_NE(refusal().find("bad header"), std::string::npos) << refusal();
  EXPECT_NE(refusal().find("run --resume again"), std::string::npos) << refusal();
}

}  // namespace
}  // namespace llmsweep::io
