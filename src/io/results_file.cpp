#include "io/results_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>

#include "common/error.hpp"
#include "common/version.hpp"
#include "costmodel/status.hpp"
#include "io/hdf5_util.hpp"

namespace llmsweep::io {
namespace {

using h5::Handle;
namespace fs = std::filesystem;

constexpr hsize_t kChunkRows = 16384;
constexpr unsigned kDeflateLevel = 4;

hid_t file_type(grid::ColumnType t) {
  switch (t) {
    case grid::ColumnType::u8:
      return H5T_STD_U8LE;
    case grid::ColumnType::u16:
      return H5T_STD_U16LE;
    case grid::ColumnType::i64:
      return H5T_STD_I64LE;
    case grid::ColumnType::f64:
      return H5T_IEEE_F64LE;
  }
  return H5T_IEEE_F64LE;
}

hid_t memory_type(grid::ColumnType t) {
  switch (t) {
    case grid::ColumnType::u8:
      return H5T_NATIVE_UINT8;
    case grid::ColumnType::u16:
      return H5T_NATIVE_UINT16;
    case grid::ColumnType::i64:
      return H5T_NATIVE_INT64;
    case grid::ColumnType::f64:
      return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_DOUBLE;
}

std::size_t type_size(grid::ColumnType t) {
  switch (t) {
    case grid::ColumnType::u8:
      return 1;
    case grid::ColumnType::u16:
      return 2;
    case grid::ColumnType::i64:
      return 8;
    case grid::ColumnType::f64:
      return 8;
  }
  return 8;
}

std::string now_iso8601() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string column_path(const std::string& name) {
  return std::string(kPointsGroup) + "/" + name;
}

// The row a pending point has: only the fill values the datasets were created with.
const grid::Row& pending_row() {
  static const grid::Row r;
  return r;
}

void create_column(hid_t group, const grid::Column& c, std::uint64_t points, const std::string& file) {
  const hsize_t n = points;
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  const hsize_t chunk = std::min<hsize_t>(n, kChunkRows);
  H5Pset_chunk(dcpl.get(), 1, &chunk);
  H5Pset_shuffle(dcpl.get());
  H5Pset_deflate(dcpl.get(), kDeflateLevel);
  // The fill value is what a pending row holds: NaN reals, 255 status, 0 elsewhere.
  unsigned char fill[8] = {};
  const grid::Row& pending = pending_row();
  std::copy_n(reinterpret_cast<const unsigned char*>(&pending) + c.offset, type_size(c.type), fill);
  h5::check(H5Pset_fill_value(dcpl.get(), memory_type(c.type), fill), file, column_path(c.name),
            "cannot set fill value");
  Handle ds(h5::check(H5Dcreate2(group, c.name.c_str(), file_type(c.type), space.get(), H5P_DEFAULT,
                                 dcpl.get(), H5P_DEFAULT),
                      file, column_path(c.name), "cannot create dataset"),
            H5Dclose);
  h5::write_string_attribute(ds.get(), "units", c.units, file);
  h5::write_string_attribute(ds.get(), "description", c.description, file);
  h5::write_string_attribute(ds.get(), "role", c.input ? "input" : "result", file);
  if (!c.labels.empty()) h5::write_strings_attribute(ds.get(), "labels", c.labels, file);
  if (c.name == "status") {
    std::vector<std::string> descriptions;
    for (int s = 0; s < costmodel::kStatusCount; ++s)
      descriptions.emplace_back(costmodel::status_description(static_cast<costmodel::Status>(s)));
    h5::write_strings_attribute(ds.get(), "descriptions", descriptions, file);
    h5::write_int_attribute(ds.get(), "pending_code", grid::kStatusPending, file);
  }
}

void write_meta(hid_t root, hid_t points, const FileMeta& m, const std::string& file) {
  h5::write_int_attribute(root, "schema_version", grid::kSchemaVersion, file);
  h5::write_string_attribute(root, "kind", "sweep", file);
  h5::write_string_attribute(root, "llmsweep_version", std::string(version()), file);
  h5::write_string_attribute(root, "git_hash", std::string(git_hash()), file);
  h5::write_string_attribute(root, "created", now_iso8601(), file);
  h5::write_string_attribute(root, "updated", now_iso8601(), file);
  h5::write_string_attribute(root, "sweep_name", m.sweep_name, file);
  h5::write_string_attribute(root, "description", m.description, file);
  h5::write_string_attribute(root, "spec_path", m.spec_path, file);
  h5::write_string_attribute(root, "spec", m.spec_text, file);
  h5::write_string_attribute(root, "spec_hash", m.spec_hash, file);
  h5::write_string_attribute(root, "spec_canonical", m.spec_canonical, file);
  h5::write_int_attribute(root, "points", static_cast<std::int64_t>(m.points), file);
  h5::write_int_attribute(root, "points_done", 0, file);
  h5::write_int_attribute(root, "complete", 0, file);
  h5::write_int_attribute(root, "levels", m.levels, file);
  h5::write_strings_attribute(root, "hardware", m.hardware_stems, file);
  for (std::size_t i = 0; i < m.hardware_stems.size(); ++i)
    h5::write_string_attribute(root, "profile:" + m.hardware_stems[i], m.profile_texts[i], file);
  h5::write_strings_attribute(root, "axis_names", m.axis_names, file);
  h5::write_ints_attribute(root, "axis_sizes", m.axis_sizes, file);
  h5::write_strings_attribute(root, "varied_axes",
                              m.varied_axes.empty() ? std::vector<std::string>{""} : m.varied_axes, file);
  Handle axes(h5::check(H5Gcreate2(root, "axes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), file, "/axes",
                        "cannot create group"),
              H5Gclose);
  for (std::size_t i = 0; i < m.axis_names.size(); ++i)
    h5::write_strings_attribute(axes.get(), m.axis_names[i], m.axis_labels[i], file);
  h5::write_string_attribute(
      points, "description",
      "one row per grid point, in grid order (row i is point i); columns of equal length", file);
}

void write_hardware_labels(hid_t points, const FileMeta& m, const std::string& file) {
  Handle ds(H5Dopen2(points, "hardware", H5P_DEFAULT), H5Dclose);
  h5::write_strings_attribute(ds.get(), "names", m.hardware_names, file);
  h5::write_doubles_attribute(ds.get(), "utilization_cap", m.utilization_caps, file);
}

Handle open_file(const std::string& path, unsigned flags) {
  h5::quiet();
  if (!fs::exists(path)) throw ResultFileError(path, "", "no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw ResultFileError(path, "", "not an HDF5 file, so not an llmsweep result");
  return Handle(h5::check(H5Fopen(path.c_str(), flags, H5P_DEFAULT), path, "",
                          "cannot open (damaged, or in use by a running sweep)"),
                H5Fclose);
}

StoredInfo info_of(hid_t file, const std::string& path) {
  StoredInfo info;
  if (!h5::has_attribute(file, "schema_version") || H5Lexists(file, "points", H5P_DEFAULT) <= 0)
    throw ResultFileError(path, "",
                          "not an llmsweep results file (no schema_version attribute or /points group)");
  info.schema_version = static_cast<int>(h5::read_int_attribute(file, "schema_version", path));
  if (info.schema_version > grid::kSchemaVersion)
    throw ResultFileError(path, "",
                          "written by a newer llmsweep (schema version " +
                              std::to_string(info.schema_version) + "; this build reads up to " +
                              std::to_string(grid::kSchemaVersion) + ")");
  if (info.schema_version < 1)
    throw ResultFileError(path, "", "invalid schema version " + std::to_string(info.schema_version));
  info.spec_hash = h5::read_string_attribute(file, "spec_hash", path);
  info.points = static_cast<std::uint64_t>(h5::read_int_attribute(file, "points", path));
  info.levels = static_cast<int>(h5::read_int_attribute(file, "levels", path));
  info.complete = h5::read_int_attribute(file, "complete", path) != 0;
  info.points_done = static_cast<std::uint64_t>(h5::read_int_attribute(file, "points_done", path));
  info.llmsweep_version = h5::read_string_attribute(file, "llmsweep_version", path);
  info.git_hash = h5::read_string_attribute(file, "git_hash", path);
  info.created = h5::read_string_attribute(file, "created", path);
  info.hardware_stems = h5::read_strings_attribute(file, "hardware", path);
  Handle points(h5::check(H5Gopen2(file, "points", H5P_DEFAULT), path, kPointsGroup, "cannot open group"),
                H5Gclose);
  Handle hw(h5::check(H5Dopen2(points.get(), "hardware", H5P_DEFAULT), path, column_path("hardware"),
                      "missing column"),
            H5Dclose);
  info.hardware_names = h5::read_strings_attribute(hw.get(), "names", path);
  info.utilization_caps = h5::read_doubles_attribute(hw.get(), "utilization_cap", path);
  info.axis_names = h5::read_strings_attribute(file, "axis_names", path);
  {
    Handle a(H5Aopen(file, "axis_sizes", H5P_DEFAULT), H5Aclose);
    Handle space(H5Aget_space(a.get()), H5Sclose);
    info.axis_sizes.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
    h5::check(H5Aread(a.get(), H5T_NATIVE_INT64, info.axis_sizes.data()), path, "axis_sizes",
              "cannot read attribute");
  }
  if (info.axis_sizes.size() != info.axis_names.size())
    throw ResultFileError(path, "axis_sizes", "does not match axis_names");
  if (info.levels < 1 || info.levels > costmodel::kMaxLevels)
    throw ResultFileError(path, "", "invalid levels attribute " + std::to_string(info.levels));
  return info;
}

}  // namespace

void create_results_file(const std::string& path, const FileMeta& meta) {
  h5::quiet();
  if (meta.points == 0) throw ResultFileError(path, "", "cannot create a results file for an empty grid");
  const fs::path target(path);
  if (fs::exists(target)) throw ResultFileError(path, "", "already exists");
  h5::create_atomically(path, [&](hid_t f) {
    Handle points(h5::check(H5Gcreate2(f, "points", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                            kPointsGroup, "cannot create group"),
                  H5Gclose);
    for (const grid::Column& c : grid::columns(meta.levels, meta.hardware_stems))
      create_column(points.get(), c, meta.points, path);
    write_meta(f, points.get(), meta, path);
    write_hardware_labels(points.get(), meta, path);
  });
}

StoredInfo read_info(const std::string& path) {
  Handle f = open_file(path, H5F_ACC_RDONLY);
  return info_of(f.get(), path);
}

// ---- writer ----------------------------------------------------------------------------
struct ResultsWriter::Impl {
  std::string path;
  Handle file;
  Handle points;
  std::vector<grid::Column> columns;
  std::vector<Handle> datasets;
  std::vector<unsigned char> buffer;
};

ResultsWriter::ResultsWriter(const std::string& path) : impl_(new Impl) {
  try {
    impl_->path = path;
    impl_->file = open_file(path, H5F_ACC_RDWR);
    const StoredInfo info = info_of(impl_->file.get(), path);
    impl_->points = Handle(H5Gopen2(impl_->file.get(), "points", H5P_DEFAULT), H5Gclose);
    impl_->columns = grid::columns(info.levels, info.hardware_stems);
    for (const grid::Column& c : impl_->columns) {
      Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
      // A few chunks per column stay cached, so runs that share a chunk do not recompress it.
      H5Pset_chunk_cache(dapl.get(), 521, 4 * kChunkRows * 8, 0.75);
      impl_->datasets.emplace_back(h5::check(H5Dopen2(impl_->points.get(), c.name.c_str(), dapl.get()), path,
                                             column_path(c.name), "missing column"),
                                   H5Dclose);
    }
  } catch (...) {
    delete impl_;
    throw;
  }
}

ResultsWriter::~ResultsWriter() {
  if (impl_) {
    try {
      close();
    } catch (...) {
    }
    delete impl_;
  }
}

void ResultsWriter::write(std::span<const grid::Row> rows) {
  if (!impl_->file.valid()) throw InternalError("write to a closed results file");
  std::size_t at = 0;
  while (at < rows.size()) {
    // A run of consecutive indices becomes one hyperslab per column.
    std::size_t end = at + 1;
    while (end < rows.size() && rows[end].index == rows[end - 1].index + 1) ++end;
    const hsize_t start = rows[at].index;
    const hsize_t count = end - at;
    for (std::size_t c = 0; c < impl_->columns.size(); ++c) {
      const grid::Column& col = impl_->columns[c];
      const std::size_t size = type_size(col.type);
      impl_->buffer.resize(size * count);
      for (std::size_t i = 0; i < count; ++i)
        std::copy_n(reinterpret_cast<const unsigned char*>(&rows[at + i]) + col.offset, size,
                    impl_->buffer.data() + i * size);
      Handle fspace(H5Dget_space(impl_->datasets[c].get()), H5Sclose);
      h5::check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                impl_->path, column_path(col.name), "row range outside the dataset");
      Handle mspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
      h5::check(H5Dwrite(impl_->datasets[c].get(), memory_type(col.type), mspace.get(), fspace.get(),
                         H5P_DEFAULT, impl_->buffer.data()),
                impl_->path, column_path(col.name), "cannot write rows");
    }
    at = end;
  }
}

void ResultsWriter::set_progress(std::uint64_t points_done, bool complete) {
  h5::write_int_attribute(impl_->file.get(), "points_done", static_cast<std::int64_t>(points_done),
                          impl_->path);
  h5::write_int_attribute(impl_->file.get(), "complete", complete ? 1 : 0, impl_->path);
  h5::write_string_attribute(impl_->file.get(), "updated", now_iso8601(), impl_->path);
}

void ResultsWriter::close() {
  if (!impl_->file.valid()) return;
  impl_->datasets.clear();
  impl_->points.reset();
  h5::check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), impl_->path, "", "cannot flush");
  const herr_t status = H5Fclose(impl_->file.get());
  impl_->file = Handle();
  h5::check(status, impl_->path, "", "cannot close");
}

// ---- reader ----------------------------------------------------------------------------
struct ResultsReader::Impl {
  std::string path;
  Handle file;
  Handle points;
  StoredInfo info;
  std::vector<grid::Column> columns;
};

ResultsReader::ResultsReader(const std::string& path) : impl_(new Impl) {
  try {
    impl_->path = path;
    impl_->file = open_file(path, H5F_ACC_RDONLY);
    impl_->info = info_of(impl_->file.get(), path);
    impl_->points = Handle(H5Gopen2(impl_->file.get(), "points", H5P_DEFAULT), H5Gclose);
    impl_->columns = grid::columns(impl_->info.levels, impl_->info.hardware_stems);
  } catch (...) {
    delete impl_;
    throw;
  }
}

ResultsReader::~ResultsReader() {
  delete impl_;
}

const StoredInfo& ResultsReader::info() const {
  return impl_->info;
}
const std::vector<grid::Column>& ResultsReader::columns() const {
  return impl_->columns;
}

namespace {

template <class T>
std::vector<T> read_column(hid_t points, const std::string& name, hid_t type, std::uint64_t n,
                           const std::string& path) {
  if (H5Lexists(points, name.c_str(), H5P_DEFAULT) <= 0)
    throw ResultFileError(path, column_path(name), "no such column");
  Handle ds(
      h5::check(H5Dopen2(points, name.c_str(), H5P_DEFAULT), path, column_path(name), "cannot open column"),
      H5Dclose);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (static_cast<std::uint64_t>(H5Sget_simple_extent_npoints(space.get())) != n)
    throw ResultFileError(path, column_path(name), "column length differs from the points attribute");
  std::vector<T> out(n);
  h5::check(H5Dread(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), path, column_path(name),
            "cannot read column");
  return out;
}

}  // namespace

std::vector<double> ResultsReader::real(const std::string& column) const {
  return read_column<double>(impl_->points.get(), column, H5T_NATIVE_DOUBLE, impl_->info.points, impl_->path);
}

std::vector<std::int64_t> ResultsReader::integer(const std::string& column) const {
  return read_column<std::int64_t>(impl_->points.get(), column, H5T_NATIVE_INT64, impl_->info.points,
                                   impl_->path);
}

std::vector<grid::Row> ResultsReader::rows() const {
  std::vector<grid::Row> out(impl_->info.points);
  for (std::uint64_t i = 0; i < out.size(); ++i) {
    out[i].index = i;
    out[i].levels = impl_->info.levels;
  }
  // Pending rows hold only fill values; their scenario and width position follow from the index.
  const std::vector<std::string>& names = impl_->info.axis_names;
  const std::vector<std::int64_t>& sizes = impl_->info.axis_sizes;
  for (const grid::Column& c : impl_->columns) {
    if (c.type == grid::ColumnType::f64) {
      const std::vector<double> v = real(c.name);
      for (std::size_t i = 0; i < out.size(); ++i) grid::set_real(out[i], c, v[i]);
    } else {
      const std::vector<std::int64_t> v = integer(c.name);
      for (std::size_t i = 0; i < out.size(); ++i) grid::set_integer(out[i], c, v[i]);
    }
  }
  for (grid::Row& r : out) {
    std::uint64_t rest = r.index, scenario = 0, stride = 1;
    for (std::size_t a = sizes.size(); a-- > 0;) {
      const auto n = static_cast<std::uint64_t>(std::max<std::int64_t>(1, sizes[a]));
      const std::uint64_t digit = rest % n;
      rest /= n;
      if (names[a] == "width") {
        r.width_index = static_cast<std::int64_t>(digit);
      } else {
        scenario += digit * stride;
        stride *= n;
      }
    }
    r.scenario = static_cast<std::int64_t>(scenario);
  }
  return out;
}

}  // namespace llmsweep::io
