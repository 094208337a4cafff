// Unit tests of the results file and output sessions: what is written (whole encoded chunks
// and chunks in pieces) reads back, snapshots are whole files a reader can hold, open modes and
// the lock refuse what they must, a damaged file is rebuilt from the journal, crafted files are
// refused, and summaries cut frontiers right. The journal has its own tests (journal_test).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "io/codec.hpp"
#include "io/journal.hpp"
#include "io/output_session.hpp"
#include "io/results_file.hpp"
#include "io/summary.hpp"

namespace llmsweep::io {
namespace {

namespace fs = std::filesystem;

class Io : public testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "llmsweep-io-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& n) const { return (fs::path(dir_) / n).string(); }

  static FileMeta meta(std::uint64_t points, const std::string& hash = std::string(64, 'a')) {
    FileMeta m;
    m.sweep_name = "unit";
    m.spec_text = "[hardware]\n";
    m.spec_hash = hash;
    m.points = points;
    m.levels = 2;
    m.hardware_stems = {"h100-sxm"};
    m.hardware_names = {"H100 SXM"};
    m.utilization_caps = {0.7};
    m.profile_texts = {"name = \"H100 SXM\"\n"};
    m.axis_names = {"width"};
    m.axis_sizes = {static_cast<std::int64_t>(points)};
    m.axis_labels = {std::vector<std::string>(points, "w")};
    m.varied_axes = {"width"};
    return m;
  }

  static std::vector<grid::Row> rows(std::uint64_t first, std::uint64_t count) {
    std::vector<grid::Row> out;
    for (std::uint64_t i = first; i < first + count; ++i) {
      grid::Row r;
      r.index = i;
      r.status = 0;
      r.d_model = static_cast<std::int64_t>(1000 + i);
      r.utilization = 0.5 / static_cast<double>(i + 1);
      r.level[0][1] = static_cast<std::int64_t>(i);
      r.width_index = static_cast<std::int64_t>(i);  // meta(): one axis, the width
      out.push_back(r);
    }
    return out;
  }

  std::string dir_;
};

TEST_F(Io, ResultsFileRoundTripThroughDirectChunkWrites) {
  const std::string f = path("r.h5");
  FileMeta m = meta(10);
  m.chunk_rows = 4;  // chunks [0,4) [4,8) [8,10): the last an edge chunk
  create_results_file(f, m);
  EXPECT_THROW(create_results_file(f, m), ResultFileError);  // never overwrites
  const StoredInfo info = read_info(f);
  EXPECT_EQ(info.schema_version, grid::kSchemaVersion);
  EXPECT_EQ(info.points, 10u);
  EXPECT_EQ(info.chunk_rows, 4u);
  EXPECT_FALSE(info.complete);
  EXPECT_EQ(info.hardware_names, (std::vector<std::string>{"H100 SXM"}));
  {
    ChunkFile w(f);
    ChunkEncoder enc(layout_of(m), grid::columns(m.levels, {}));
    w.write(enc.encode(0, rows(0, 4)));
    w.write(enc.encode(2, rows(8, 2)));
    FileProgress p;
    p.points_done = 6;
    w.set_progress(p);
    w.close();
  }
  ResultsReader r(f);
  const std::vector<std::int64_t> status = r.integer("status");
  EXPECT_EQ(status[0], 0);
  EXPECT_EQ(status[5], grid::kStatusPending);  // never written: the fill value
  EXPECT_EQ(status[9], 0);
  const std::vector<double> util = r.real("utilization");
  EXPECT_EQ(util[8], 0.5 / 9);
  EXPECT_TRUE(std::isnan(util[4]));
  EXPECT_EQ(r.integer("dp_level1")[9], 9);
  EXPECT_EQ(r.integer("d_model", 8, 2), (std::vector<std::int64_t>{1008, 1009}));
  EXPECT_EQ(r.info().points_done, 6u);
  EXPECT_THROW(r.real("no_such_column"), ResultFileError);
}

// Rows not computed yet hold fill values only; the reader places them by their index.
TEST_F(Io, PendingRowsGetTheirScenarioFromTheirIndex) {
  const std::string f = path("p.h5");
  FileMeta m = meta(8);
  m.axis_names = {"experts", "width"};
  m.axis_sizes = {2, 4};
  m.axis_labels = {{"dense", "sparse"}, {"a", "b", "c", "d"}};
  create_results_file(f, m);
  ResultsReader r(f);
  const std::vector<grid::Row> rows = r.rows();
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_EQ(rows[5].status, grid::kStatusPending);
  EXPECT_EQ(rows[5].scenario, 1);  // 5 = experts 1, width 1 (width varies fastest)
  EXPECT_EQ(rows[5].width_index, 1);
  EXPECT_EQ(rows[2].scenario, 0);
  EXPECT_EQ(rows[2].width_index, 2);
  EXPECT_EQ(r.info().axis_names, m.axis_names);
}

TEST_F(Io, ForeignDamagedAndNewerFilesAreRefused) {
  const std::string text = path("notes.h5");
  std::ofstream(text) << "hello";
  EXPECT_THROW(read_info(text), ResultFileError);
  EXPECT_THROW(read_info(path("missing.h5")), ResultFileError);
  EXPECT_THROW(read_info(dir_), ResultFileError);  // a folder
  // An HDF5 file that is not ours.
  const std::string other = path("other.h5");
  hid_t f = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);
  try {
    read_info(other);
    FAIL() << "accepted a foreign HDF5 file";
  } catch (const ResultFileError& e) {
    EXPECT_NE(std::string(e.what()).find("not an llmsweep results file"), std::string::npos) << e.what();
  }
  const auto set_int = [](const std::string& file, const char* name, std::int64_t v) {
    hid_t h = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t a = H5Aopen(h, name, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Fclose(h);
  };
  const auto refused = [](const std::string& file, const std::string& why) {
    try {
      read_info(file);
      ADD_FAILURE() << "accepted " << file;
    } catch (const ResultFileError& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  // Ours, from a newer schema; and crafted point counts, huge or negative.
  const std::string newer = path("newer.h5");
  create_results_file(newer, meta(2));
  set_int(newer, "schema_version", grid::kSchemaVersion + 1);
  refused(newer, "newer llmsweep");
  const std::string negative = path("negative.h5");
  create_results_file(negative, meta(2));
  set_int(negative, "points", -5);
  refused(negative, "negative");
  const std::string huge = path("huge.h5");
  create_results_file(huge, meta(2));
  set_int(huge, "points", std::int64_t{1} << 62);
  refused(huge, "damaged");
}

// HDF5 1.10.8 reads a variable-length string's heap object without checking it against the
// string (tests/fuzz/fuzz_results found the overflow and the wild read): each damage is refused.
TEST_F(Io, DamagedHeapObjectsOfStringsAreRefused) {
  const std::string marker = "heap-object-probe-0123456789";
  FileMeta m = meta(2);
  m.hardware_names = {marker};
  const std::string good = path("good.h5");
  create_results_file(good, m);
  ASSERT_EQ(read_info(good).hardware_names, std::vector<std::string>{marker});
  std::string bytes;
  {
    std::ifstream in(good, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // The marker's heap object: index (2 bytes), references (2), reserved (4), size (8), data.
  const std::size_t at = bytes.find(marker);
  ASSERT_NE(at, std::string::npos);
  ASSERT_GE(at, 16u);
  ASSERT_EQ(static_cast<unsigned char>(bytes[at - 8]), marker.size());
  const auto damaged = [&](const std::string& name, std::size_t offset, std::uint64_t value, int width) {
    std::string copy = bytes;
    for (int i = 0; i < width; ++i)
      copy[offset + static_cast<std::size_t>(i)] = static_cast<char>(value >> (8 * i));
    const std::string file = path(name);
    std::ofstream(file, std::ios::binary) << copy;
    try {
      read_info(file);
      ADD_FAILURE() << "accepted " << name;
    } catch (const ResultFileError& e) {
      EXPECT_NE(std::string(e.what()).find("damaged variable-length string"), std::string::npos) << e.what();
    }
  };
  damaged("longer.h5", at - 8, marker.size() + 40, 8);    // longer than the string, inside its collection
  damaged("past.h5", at - 8, std::uint64_t{1} << 40, 8);  // past the collection
  damaged("index.h5", at - 16, 999, 2);                   // an index the string does not name
  damaged("empty.h5", at - 8, 0, 8);                      // no bytes where the string has some
}

TEST_F(Io, SessionCreateRecordClose) {
  const std::string f = path("s.h5");
  FileMeta m = meta(8);
  m.chunk_rows = 4;
  {
    OutputSession s(f, m, OpenMode::create);
    EXPECT_TRUE(fs::exists(f));  // readers find a file at once
    EXPECT_TRUE(fs::exists(journal_path(f)));
    EXPECT_TRUE(fs::exists(lock_path(f)));
    ChunkEncoder enc(s.layout(), grid::columns(m.levels, {}));
    s.record(enc.encode(0, rows(0, 4)));  // a whole chunk, as a worker sends it
    s.checkpoint();
    s.record(rows(4, 1));  // a chunk in pieces, as rank 0 assembles it
    s.record(rows(5, 3));
    EXPECT_TRUE(s.complete());
    s.close();
  }
  EXPECT_FALSE(fs::exists(journal_path(f)));
  EXPECT_FALSE(fs::exists(lock_path(f)));
  EXPECT_FALSE(fs::exists(work_path(f)));
  const StoredInfo info = read_info(f);
  EXPECT_TRUE(info.complete);
  EXPECT_EQ(info.points_done, 8u);
  const std::vector<std::int64_t> d = ResultsReader(f).integer("d_model");
  for (std::int64_t i = 0; i < 8; ++i) EXPECT_EQ(d[static_cast<std::size_t>(i)], 1000 + i);
  EXPECT_THROW(OutputSession(f, m, OpenMode::create), ResultFileError);
  OutputSession again(f, m, OpenMode::resume);
  EXPECT_TRUE(again.complete());
}

// Chunks computed in pieces are assembled and encoded by the writer on several threads: many
// chunks completed at once, in any order, with checkpoints between, all reach the file whole.
TEST_F(Io, ManyChunksInPiecesCompletedTogetherAllReadBack) {
  const std::string f = path("pieces.h5");
  constexpr std::uint64_t n = 4096;
  FileMeta m = meta(n);
  m.chunk_rows = 64;
  {
    OutputSession s(f, m, OpenMode::create);
    // Eight stripes advanced together in pieces of 5 points: every chunk holding a stripe's
    // end completes only at the end, the others one after another.
    constexpr std::uint64_t stripe = n / 8;
    for (std::uint64_t at = 0; at < stripe; at += 5) {
      for (std::uint64_t k = 0; k < 8; ++k)
        s.record(rows(k * stripe + at, std::min<std::uint64_t>(5, stripe - at)));
      if (at % 100 == 0) s.checkpoint();
    }
    EXPECT_TRUE(s.complete());
    s.close();
  }
  const StoredInfo info = read_info(f);
  EXPECT_TRUE(info.complete);
  EXPECT_EQ(info.points_done, n);
  ResultsReader reader(f);
  const std::vector<std::int64_t> d = reader.integer("d_model");
  const std::vector<std::int64_t> w = reader.integer("width_index");
  ASSERT_EQ(d.size(), n);
  for (std::uint64_t i = 0; i < n; ++i) {
    ASSERT_EQ(d[i], static_cast<std::int64_t>(1000 + i)) << i;
    ASSERT_EQ(w[i], static_cast<std::int64_t>(i)) << i;
  }
}

// A checkpoint leaves a consistent file while the sweep goes on, with the rows of a chunk
// still being filled; a reader holding an earlier snapshot keeps reading it unchanged.
TEST_F(Io, SnapshotsAreWholeFilesAndAReaderKeepsItsOwn) {
  const std::string f = path("snap.h5");
  FileMeta m = meta(8);
  m.chunk_rows = 4;
  OutputSession s(f, m, OpenMode::create);
  s.record(rows(0, 2));
  s.checkpoint();
  s.record(rows(2, 1));
  // The checkpoint is written on the writer thread: wait for it.
  for (int i = 0; i < 500 && read_info(f).points_done < 2; ++i) usleep(2000);
  hid_t held = H5Fopen(f.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);  // a reader, kept open
  ASSERT_GE(held, 0);
  EXPECT_EQ(ResultsReader(f).integer("d_model")[1], 1001);
  EXPECT_EQ(ResultsReader(f).integer("status")[2], grid::kStatusPending);
  s.checkpoint();
  s.record(rows(3, 5));
  s.close();
  EXPECT_EQ(ResultsReader(f).integer("d_model")[7], 1007);
  // The held file is the old snapshot, still whole.
  hid_t points = H5Gopen2(held, "points", H5P_DEFAULT);
  hid_t ds = H5Dopen2(points, "status", H5P_DEFAULT);
  std::vector<std::uint8_t> status(8);
  EXPECT_GE(H5Dread(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, status.data()), 0);
  EXPECT_EQ(status[0], 0);
  EXPECT_EQ(status[7], grid::kStatusPending);
  H5Dclose(ds);
  H5Gclose(points);
  H5Fclose(held);
}

TEST_F(Io, SessionResumesWhatWasRecordedAndRefusesAnotherSpec) {
  const std::string f = path("s.h5");
  {
    OutputSession s(f, meta(8), OpenMode::create);
    s.record(rows(0, 2));
    s.record(rows(4, 2));
    // No close(): as if the process had died here.
  }
  EXPECT_THROW(OutputSession(f, meta(8, std::string(64, 'b')), OpenMode::resume), ResultFileError);
  EXPECT_THROW(OutputSession(f, meta(8), OpenMode::create), ResultFileError);
  OutputSession s(f, meta(8), OpenMode::resume);
  EXPECT_EQ(s.done().count(), 4u);
  EXPECT_EQ(s.done().complement(8), (std::vector<grid::IndexRange>{{2, 4}, {6, 8}}));
  // The lock keeps a second session out while this one lives.
  try {
    OutputSession second(f, meta(8), OpenMode::resume);
    FAIL() << "two sessions on one file";
  } catch (const ResultFileError& e) {
    EXPECT_NE(std::string(e.what()).find("another llmsweep sweep"), std::string::npos) << e.what();
  }
  s.record(rows(2, 2));
  s.record(rows(6, 2));
  s.close();
  const std::vector<std::int64_t> d = ResultsReader(f).integer("d_model");
  for (std::int64_t i = 0; i < 8; ++i) EXPECT_EQ(d[static_cast<std::size_t>(i)], 1000 + i);
}

TEST_F(Io, ADamagedFileIsRebuiltFromTheJournal) {
  const std::string f = path("s.h5");
  {
    OutputSession s(f, meta(6), OpenMode::create);
    s.record(rows(0, 3));
    s.checkpoint();
  }
  std::ofstream(f, std::ios::trunc) << "damaged";
  OutputSession s(f, meta(6), OpenMode::resume);
  EXPECT_NE(s.resume_note().find("rebuilt"), std::string::npos) << s.resume_note();
  EXPECT_EQ(s.done().count(), 3u);
  s.record(rows(3, 3));
  s.close();
  EXPECT_EQ(ResultsReader(f).integer("d_model")[1], 1001);
  EXPECT_TRUE(read_info(f).complete);
}

// Without its journal, a stopped file resumes from its status column, a chunk at a time.
TEST_F(Io, WithoutAJournalWholeChunksOfTheFileCount) {
  const std::string f = path("nj.h5");
  FileMeta m = meta(8);
  m.chunk_rows = 4;
  {
    OutputSession s(f, m, OpenMode::create);
    s.record(rows(0, 6));
    s.close();  // stopped: 6 of 8 done
  }
  fs::remove(journal_path(f));
  OutputSession s(f, m, OpenMode::resume);
  EXPECT_EQ(s.done().count(), 4u);  // rows 4 and 5 are computed again with their chunk
  s.record(rows(4, 4));
  s.close();
  EXPECT_EQ(ResultsReader(f).integer("d_model")[5], 1005);
  EXPECT_TRUE(read_info(f).complete);
}

TEST_F(Io, OverwriteRefusesAForeignFile) {
  const std::string f = path("precious.h5");
  std::ofstream(f) << "thesis";
  EXPECT_THROW(OutputSession(f, meta(2), OpenMode::overwrite), ResultFileError);
  std::ifstream in(f);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "thesis");
}

// MODEL.md section 9: rows stop at the first infeasible width (reported, not a row) or after
// the first row under 0.001 utilization (kept); pending rows end what can be read.
TEST(Summary, FrontierCutsAndThresholds) {
  std::vector<grid::Row> all;
  const auto add = [&all](std::int64_t scenario, std::int64_t w, std::uint8_t status, double util,
                          double flop) {
    grid::Row r;
    r.index = all.size();
    r.scenario = scenario;
    r.width_index = w;
    r.d_model = 1000 * (w + 1);
    r.status = status;
    r.utilization = util;
    r.compute_flop = flop;
    all.push_back(r);
  };
  add(0, 1, 0, 0.60, 2e25);
  add(0, 0, 0, 0.69, 1e25);  // out of order on purpose
  add(0, 2, 0, 0.50, 3e25);  // <= 0.8 * 0.7: linear scaling ends here
  add(0, 3, 3, 0.0, 4e25);   // infeasible: the walk stops
  add(0, 4, 0, 0.60, 5e25);  // beyond it: ignored
  add(1, 0, 0, 0.0005, 1e25);
  add(1, 1, 0, 0.6, 2e25);  // after a row under 0.001: ignored
  add(2, 0, 0, 0.69, 1e25);
  add(2, 1, grid::kStatusPending, 0.0, 0.0);
  const std::vector<Scenario> s = scenarios(all, {"h100-sxm"}, {0.7});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].rows.size(), 3u);
  EXPECT_EQ(*s[0].thresholds.linear_scaling_ends_flop, 3e25);
  EXPECT_EQ(*s[0].thresholds.largest_feasible_flop, 3e25);
  EXPECT_EQ(*s[0].thresholds.first_infeasible_d_model, 4000);
  EXPECT_EQ(s[1].rows.size(), 1u);
  EXPECT_FALSE(s[1].thresholds.first_infeasible_d_model);
  EXPECT_EQ(*s[1].thresholds.linear_scaling_ends_flop, 1e25);
  EXPECT_EQ(s[2].pending, 1u);
  EXPECT_EQ(s[2].rows.size(), 1u);
  EXPECT_FALSE(s[2].thresholds.linear_scaling_ends_flop);
}

}  // namespace
}  // namespace llmsweep::io
