// Unit tests of the results file, the journal and output sessions: what is written reads back,
// a torn journal tail is dropped, open modes and the lock refuse what they must, an
// interrupted merge rebuilds the file from the journal, and summaries cut frontiers right.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
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
      out.push_back(r);
    }
    return out;
  }

  std::string dir_;
};

TEST_F(Io, ResultsFileRoundTrip) {
  const std::string f = path("r.h5");
  create_results_file(f, meta(10));
  EXPECT_THROW(create_results_file(f, meta(10)), ResultFileError);  // never overwrites
  const StoredInfo info = read_info(f);
  EXPECT_EQ(info.schema_version, grid::kSchemaVersion);
  EXPECT_EQ(info.points, 10u);
  EXPECT_FALSE(info.complete);
  EXPECT_EQ(info.hardware_names, (std::vector<std::string>{"H100 SXM"}));
  {
    ResultsWriter w(f);
    const std::vector<grid::Row> a = rows(0, 3), b = rows(6, 2);
    std::vector<grid::Row> both = a;
    both.insert(both.end(), b.begin(), b.end());  // two runs in one call
    w.write(both);
    w.set_progress(5, false);
    w.close();
  }
  ResultsReader r(f);
  const std::vector<std::int64_t> status = r.integer("status");
  EXPECT_EQ(status[0], 0);
  EXPECT_EQ(status[3], grid::kStatusPending);  // never written: the fill value
  EXPECT_EQ(status[7], 0);
  const std::vector<double> util = r.real("utilization");
  EXPECT_EQ(util[6], 0.5 / 7);
  EXPECT_TRUE(std::isnan(util[4]));
  EXPECT_EQ(r.integer("dp_level1")[7], 7);
  EXPECT_EQ(r.info().points_done, 5u);
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

TEST_F(Io, ForeignAndNewerFilesAreRefused) {
  const std::string text = path("notes.h5");
  std::ofstream(text) << "hello";
  EXPECT_THROW(read_info(text), ResultFileError);
  EXPECT_THROW(read_info(path("missing.h5")), ResultFileError);
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
  // Ours, from a newer schema.
  const std::string newer = path("newer.h5");
  create_results_file(newer, meta(2));
  f = H5Fopen(newer.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t a = H5Aopen(f, "schema_version", H5P_DEFAULT);
  const std::int64_t v = grid::kSchemaVersion + 1;
  H5Awrite(a, H5T_NATIVE_INT64, &v);
  H5Aclose(a);
  H5Fclose(f);
  try {
    read_info(newer);
    FAIL() << "accepted a newer schema";
  } catch (const ResultFileError& e) {
    EXPECT_NE(std::string(e.what()).find("newer llmsweep"), std::string::npos) << e.what();
  }
}

TEST_F(Io, JournalDropsATornTail) {
  const std::string j = path("r.h5.journal");
  {
    Journal journal = Journal::create(j, std::string(64, 'a'), 100);
    journal.append(rows(0, 10));
    journal.append(rows(20, 5));
  }
  EXPECT_THROW(Journal::create(j, std::string(64, 'a'), 100), ResultFileError);
  const auto full = fs::file_size(j);
  fs::resize_file(j, full - 7);  // a record cut short by a kill
  JournalScan scan;
  {
    Journal journal = Journal::open(j, std::string(64, 'a'), 100, scan);
    EXPECT_EQ(scan.rows, 10u);
    EXPECT_EQ(scan.done.count(), 10u);
    EXPECT_LT(journal.size(), full);
    journal.append(rows(20, 5));  // appends after the last good record
  }
  { std::ofstream(j, std::ios::app) << "garbage that is not a record"; }
  Journal journal = Journal::open(j, std::string(64, 'a'), 100, scan);
  EXPECT_EQ(scan.rows, 15u);
  EXPECT_EQ(scan.done.ranges().size(), 2u);
  std::uint64_t seen = 0;
  journal.read(0, journal.size(), [&seen](std::span<const grid::Row> r) { seen += r.size(); });
  EXPECT_EQ(seen, 15u);
  // Another spec's journal is refused.
  EXPECT_THROW(Journal::open(j, std::string(64, 'b'), 100, scan), ResultFileError);
  EXPECT_THROW(Journal::open(j, std::string(64, 'a'), 99, scan), ResultFileError);
}

TEST_F(Io, SessionCreateRecordFinish) {
  const std::string f = path("s.h5");
  {
    OutputSession s(f, meta(8), OpenMode::create);
    EXPECT_TRUE(fs::exists(journal_path(f)));
    EXPECT_TRUE(fs::exists(lock_path(f)));
    s.record(rows(0, 5));
    s.checkpoint();
    s.record(rows(5, 3));
    EXPECT_TRUE(s.complete());
    s.finish();
  }
  EXPECT_FALSE(fs::exists(journal_path(f)));
  EXPECT_FALSE(fs::exists(lock_path(f)));
  const StoredInfo info = read_info(f);
  EXPECT_TRUE(info.complete);
  EXPECT_EQ(info.points_done, 8u);
  EXPECT_EQ(ResultsReader(f).integer("d_model")[7], 1007);
  EXPECT_THROW(OutputSession(f, meta(8), OpenMode::create), ResultFileError);
  OutputSession again(f, meta(8), OpenMode::resume);
  EXPECT_TRUE(again.complete());
}

TEST_F(Io, SessionResumesWhatWasRecordedAndRefusesAnotherSpec) {
  const std::string f = path("s.h5");
  {
    OutputSession s(f, meta(8), OpenMode::create);
    s.record(rows(0, 2));
    s.record(rows(4, 2));
    // No finish(): as if the process had died here.
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
  s.finish();
  const std::vector<std::int64_t> d = ResultsReader(f).integer("d_model");
  for (std::int64_t i = 0; i < 8; ++i) EXPECT_EQ(d[static_cast<std::size_t>(i)], 1000 + i);
}

TEST_F(Io, InterruptedMergeRebuildsTheFileFromTheJournal) {
  const std::string f = path("s.h5");
  {
    OutputSession s(f, meta(6), OpenMode::create);
    s.record(rows(0, 3));
    s.checkpoint();
  }
  {
    // A merge that began and never ended; and the file itself damaged.
    JournalScan scan;
    Journal j = Journal::open(journal_path(f), std::string(64, 'a'), 6, scan);
    j.merge_begin();
    std::ofstream(f, std::ios::trunc) << "damaged";
  }
  OutputSession s(f, meta(6), OpenMode::resume);
  EXPECT_NE(s.resume_note().find("rebuilt"), std::string::npos) << s.resume_note();
  EXPECT_EQ(s.done().count(), 3u);
  s.record(rows(3, 3));
  s.finish();
  EXPECT_EQ(ResultsReader(f).integer("d_model")[1], 1001);
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
