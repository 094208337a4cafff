#include "io/results_file.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "common/error.hpp"
#include "common/version.hpp"
#include "costmodel/status.hpp"
#include "io/codec.hpp"
#include "io/hdf5_util.hpp"

namespace llmsweep::io {
namespace {

using h5::Handle;
namespace fs = std::filesystem;

constexpr const char* kPointDimension = "point";
// netCDF-4's mark of a dimension without coordinate values (h5netcdf and netCDF-C read it).
constexpr const char* kNotAVariable = "This is a netCDF dimension but not a netCDF variable.";
constexpr hsize_t kKeptChunkRows = 16384;

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

// CF flag_meanings: one word per code (no blanks inside a word).
std::string flag_meanings(const std::vector<std::string>& labels) {
  std::string s;
  for (std::string l : labels) {
    std::replace(l.begin(), l.end(), ' ', '_');
    if (l.empty()) l = "-";
    s += (s.empty() ? "" : " ") + l;
  }
  return s;
}

void write_flag_values(hid_t ds, const grid::Column& c, const std::string& file) {
  const hsize_t n = c.labels.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  std::vector<std::uint16_t> codes(c.labels.size());
  for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<std::uint16_t>(i);
  Handle a(h5::check(H5Acreate2(ds, "flag_values", file_type(c.type), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                     file, column_path(c.name), "cannot create attribute flag_values"),
           H5Aclose);
  h5::check(H5Awrite(a.get(), H5T_NATIVE_UINT16, codes.data()), file, column_path(c.name),
            "cannot write attribute flag_values");
  h5::write_string_attribute(ds, "flag_meanings", flag_meanings(c.labels), file);
}

// The netCDF-style dimension every column shares; rows = its length.
Handle create_point_dimension(hid_t points, hsize_t rows, bool extendible, const std::string& file) {
  const hsize_t max = extendible ? H5S_UNLIMITED : rows;
  Handle space(H5Screate_simple(1, &rows, &max), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (extendible) {
    const hsize_t chunk = kKeptChunkRows;
    H5Pset_chunk(dcpl.get(), 1, &chunk);
  }
  // Never written: the dimension has no coordinate values, so it takes no space.
  H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
  H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_INCR);
  Handle ds(h5::check(H5Dcreate2(points, kPointDimension, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                                 dcpl.get(), H5P_DEFAULT),
                      file, column_path(kPointDimension), "cannot create dataset"),
            H5Dclose);
  char name[96];
  std::snprintf(name, sizeof name, "%s%10llu", kNotAVariable, static_cast<unsigned long long>(rows));
  h5::check(H5DSset_scale(ds.get(), name), file, column_path(kPointDimension),
            "cannot make a dimension scale");
  h5::write_int_attribute(ds.get(), "_Netcdf4Dimid", 0, file);
  return ds;
}

void create_column(hid_t group, hid_t dimension, const grid::Column& c, hsize_t rows, hsize_t chunk_rows,
                   bool extendible, const std::string& file) {
  const hsize_t max = extendible ? H5S_UNLIMITED : rows;
  Handle space(H5Screate_simple(1, &rows, &max), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.get(), 1, &chunk_rows);
  H5Pset_shuffle(dcpl.get());
  H5Pset_deflate(dcpl.get(), kDeflateLevel);
  // The fill value is what a pending row holds: NaN reals, 255 status, 0 elsewhere.
  static const grid::Row pending{};
  unsigned char fill[8] = {};
  std::memcpy(fill, reinterpret_cast<const unsigned char*>(&pending) + c.offset, column_bytes(c.type));
  h5::check(H5Pset_fill_value(dcpl.get(), memory_type(c.type), fill), file, column_path(c.name),
            "cannot set fill value");
  Handle ds(h5::check(H5Dcreate2(group, c.name.c_str(), file_type(c.type), space.get(), H5P_DEFAULT,
                                 dcpl.get(), H5P_DEFAULT),
                      file, column_path(c.name), "cannot create dataset"),
            H5Dclose);
  h5::check(H5DSattach_scale(ds.get(), dimension, 0), file, column_path(c.name),
            "cannot attach the dimension");
  h5::write_string_attribute(ds.get(), "units", c.units, file);
  h5::write_string_attribute(ds.get(), "long_name", c.description, file);
  h5::write_string_attribute(ds.get(), "description", c.description, file);
  h5::write_string_attribute(ds.get(), "role", c.input ? "input" : "result", file);
  if (!c.labels.empty()) {
    h5::write_strings_attribute(ds.get(), "labels", c.labels, file);
    write_flag_values(ds.get(), c, file);
  }
  if (c.name == "status") {
    std::vector<std::string> descriptions;
    for (int s = 0; s < costmodel::kStatusCount; ++s)
      descriptions.emplace_back(costmodel::status_description(static_cast<costmodel::Status>(s)));
    h5::write_strings_attribute(ds.get(), "descriptions", descriptions, file);
    h5::write_int_attribute(ds.get(), "pending_code", grid::kStatusPending, file);
  }
}

void write_progress(hid_t root, const FileProgress& p, const std::string& file) {
  h5::write_int_attribute(root, "points_done", static_cast<std::int64_t>(p.points_done), file);
  h5::write_int_attribute(root, "complete", p.complete ? 1 : 0, file);
  h5::write_string_attribute(root, "updated", now_iso8601(), file);
  std::vector<std::int64_t> counts(p.status_counts.begin(), p.status_counts.end());
  h5::write_ints_attribute(root, "status_counts", counts, file);
  h5::write_int_attribute(root, "groups", static_cast<std::int64_t>(p.groups), file);
  h5::write_int_attribute(root, "groups_without_feasible",
                          static_cast<std::int64_t>(p.groups_without_feasible), file);
}

void write_meta(hid_t root, hid_t points, const FileMeta& m, std::uint64_t rows, const std::string& file) {
  h5::write_int_attribute(root, "schema_version", grid::kSchemaVersion, file);
  h5::write_string_attribute(root, "Conventions", "CF-1.8", file);
  h5::write_string_attribute(root, "title", "llmsweep sweep " + m.sweep_name, file);
  h5::write_string_attribute(root, "kind", "sweep", file);
  h5::write_string_attribute(root, "llmsweep_version", std::string(version()), file);
  h5::write_string_attribute(root, "git_hash", std::string(git_hash()), file);
  h5::write_string_attribute(root, "created", now_iso8601(), file);
  h5::write_string_attribute(root, "sweep_name", m.sweep_name, file);
  h5::write_string_attribute(root, "description", m.description, file);
  h5::write_string_attribute(root, "spec_path", m.spec_path, file);
  h5::write_string_attribute(root, "spec", m.spec_text, file);
  h5::write_string_attribute(root, "spec_hash", m.spec_hash, file);
  h5::write_string_attribute(root, "spec_canonical", m.spec_canonical, file);
  h5::write_int_attribute(root, "points", static_cast<std::int64_t>(m.points), file);
  h5::write_int_attribute(root, "rows", static_cast<std::int64_t>(rows), file);
  h5::write_int_attribute(root, "levels", m.levels, file);
  h5::write_int_attribute(root, "chunk_rows", m.chunk_rows, file);
  h5::write_string_attribute(root, "keep", std::string(grid::keep_name(m.keep.keep)), file);
  h5::write_strings_attribute(root, "keep_by", m.keep.by.empty() ? std::vector<std::string>{""} : m.keep.by,
                              file);
  h5::write_int_attribute(root, "keep_count", m.keep.count, file);
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
      m.keep.keep == grid::Keep::all
          ? "one row per grid point, in grid order (row i is point i); columns of equal "
            "length along the point dimension"
          : "the kept rows (" + grid::describe(m.keep) +
                ") in ascending grid_index; columns of equal length along the point "
                "dimension",
      file);
}

void write_hardware_labels(hid_t points, const FileMeta& m, const std::string& file) {
  Handle ds(H5Dopen2(points, "hardware", H5P_DEFAULT), H5Dclose);
  h5::write_strings_attribute(ds.get(), "names", m.hardware_names, file);
  h5::write_doubles_attribute(ds.get(), "utilization_cap", m.utilization_caps, file);
}

// /points with its dimension and every column (rows long), and the root's attributes.
void lay_out(hid_t f, const FileMeta& meta, std::uint64_t rows, const std::string& path) {
  const bool kept = meta.keep.keep != grid::Keep::all;
  Handle points(h5::check(H5Gcreate2(f, "points", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path, kPointsGroup,
                          "cannot create group"),
                H5Gclose);
  Handle dimension = create_point_dimension(points.get(), rows, kept, path);
  const hsize_t chunk = kept ? kKeptChunkRows : meta.chunk_rows;
  for (const grid::Column& c : file_columns(meta.levels, meta.hardware_stems, meta.keep))
    create_column(points.get(), dimension.get(), c, rows, chunk, kept, path);
  write_meta(f, points.get(), meta, rows, path);
  write_hardware_labels(points.get(), meta, path);
  write_progress(f, FileProgress{}, path);
}

Handle open_file(const std::string& path, unsigned flags) {
  h5::quiet();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ResultFileError(path, "", "no such file");
  if (fs::is_directory(path, ec)) throw ResultFileError(path, "", "is a folder, not a results file");
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw ResultFileError(path, "", "not an HDF5 file, so not an llmsweep result");
  return Handle(h5::check(H5Fopen(path.c_str(), flags, h5::open_access().get()), path, "",
                          "cannot open (damaged or unreadable)"),
                H5Fclose);
}

std::int64_t int_or(hid_t obj, const char* name, std::int64_t fallback, const std::string& path) {
  return h5::has_attribute(obj, name) ? h5::read_int_attribute(obj, name, path) : fallback;
}

std::uint64_t non_negative(std::int64_t v, const char* name, const std::string& path) {
  if (v < 0)
    throw ResultFileError(path, name, "is negative (" + std::to_string(v) + "): the file is damaged");
  return static_cast<std::uint64_t>(v);
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
  info.points = non_negative(h5::read_int_attribute(file, "points", path), "points", path);
  info.rows = non_negative(int_or(file, "rows", static_cast<std::int64_t>(info.points), path), "rows", path);
  info.levels = static_cast<int>(h5::read_int_attribute(file, "levels", path));
  info.chunk_rows =
      static_cast<std::uint32_t>(std::clamp<std::int64_t>(int_or(file, "chunk_rows", 0, path), 0, 1 << 30));
  if (h5::has_attribute(file, "keep")) {
    const std::string keep = h5::read_string_attribute(file, "keep", path);
    const auto k = grid::keep_from_name(keep);
    if (!k) throw ResultFileError(path, "keep", "unknown keep rule '" + keep + "'");
    info.keep.keep = *k;
    for (const std::string& b : h5::read_strings_attribute(file, "keep_by", path))
      if (!b.empty()) info.keep.by.push_back(b);
    info.keep.count =
        static_cast<std::uint32_t>(std::clamp<std::int64_t>(int_or(file, "keep_count", 1, path), 0, 1 << 30));
  }
  info.complete = h5::read_int_attribute(file, "complete", path) != 0;
  info.points_done = non_negative(h5::read_int_attribute(file, "points_done", path), "points_done", path);
  if (info.points_done > info.points || (info.keep.keep == grid::Keep::all && info.rows != info.points))
    throw ResultFileError(path, "points_done", "does not match the points attribute: the file is damaged");
  info.progress.points_done = info.points_done;
  info.progress.complete = info.complete;
  if (h5::has_attribute(file, "status_counts")) {
    const std::vector<double> counts = h5::read_doubles_attribute(file, "status_counts", path);
    for (std::size_t s = 0; s < counts.size() && s < info.progress.status_counts.size(); ++s)
      info.progress.status_counts[s] = counts[s] > 0 ? static_cast<std::uint64_t>(counts[s]) : 0;
    info.progress.groups = non_negative(int_or(file, "groups", 0, path), "groups", path);
    info.progress.groups_without_feasible =
        non_negative(int_or(file, "groups_without_feasible", 0, path), "groups_without_feasible", path);
  }
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
    Handle a(h5::check(H5Aopen(file, "axis_sizes", H5P_DEFAULT), path, "axis_sizes", "missing attribute"),
             H5Aclose);
    Handle space(H5Aget_space(a.get()), H5Sclose);
    info.axis_sizes.resize(
        static_cast<std::size_t>(std::max<hssize_t>(0, H5Sget_simple_extent_npoints(space.get()))));
    h5::check(H5Aread(a.get(), H5T_NATIVE_INT64, info.axis_sizes.data()), path, "axis_sizes",
              "cannot read attribute");
  }
  if (info.axis_sizes.size() != info.axis_names.size())
    throw ResultFileError(path, "axis_sizes", "does not match axis_names");
  unsigned __int128 product = 1;
  for (std::int64_t s : info.axis_sizes) {
    if (s < 1) throw ResultFileError(path, "axis_sizes", "holds a size below 1: the file is damaged");
    product *= static_cast<unsigned __int128>(s);
    if (product > info.points) break;
  }
  if (product != info.points)
    throw ResultFileError(path, "axis_sizes", "do not multiply to the points attribute");
  if (H5Lexists(file, "axes", H5P_DEFAULT) > 0) {
    Handle axes(H5Gopen2(file, "axes", H5P_DEFAULT), H5Gclose);
    for (const std::string& name : info.axis_names)
      info.axis_labels.push_back(h5::has_attribute(axes.get(), name)
                                     ? h5::read_strings_attribute(axes.get(), name, path)
                                     : std::vector<std::string>{});
  }
  if (info.levels < 1 || info.levels > costmodel::kMaxLevels)
    throw ResultFileError(path, "", "invalid levels attribute " + std::to_string(info.levels));
  if (info.hardware_names.size() != info.hardware_stems.size() ||
      info.utilization_caps.size() != info.hardware_stems.size())
    throw ResultFileError(path, column_path("hardware"),
                          "labels, names and caps differ in length: the file is damaged");
  return info;
}

}  // namespace

std::uint32_t chunk_rows_for(std::uint64_t points) {
  std::uint32_t k = 256;
  while (k < 16384 && static_cast<std::uint64_t>(k) * 2 * 64 <= points) k *= 2;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(k, std::max<std::uint64_t>(points, 1)));
}

SinkLayout layout_of(const FileMeta& meta) {
  SinkLayout l;
  l.points = meta.points;
  l.chunk_rows = meta.chunk_rows ? meta.chunk_rows : chunk_rows_for(meta.points);
  l.levels = meta.levels;
  l.deflate_level = kDeflateLevel;
  l.keep = meta.keep;
  return l;
}

std::vector<grid::Column> file_columns(int levels, const std::vector<std::string>& hardware_labels,
                                       const grid::KeepRule& keep) {
  std::vector<grid::Column> c = grid::columns(levels, hardware_labels);
  if (keep.keep != grid::Keep::all) c.insert(c.begin(), grid::grid_index_column());
  return c;
}

void create_results_file(const std::string& path, const FileMeta& meta, bool atomic) {
  h5::quiet();
  if (meta.points == 0) throw ResultFileError(path, "", "cannot create a results file for an empty grid");
  if (fs::exists(path)) throw ResultFileError(path, "", "already exists");
  FileMeta m = meta;
  if (!m.chunk_rows) m.chunk_rows = chunk_rows_for(m.points);
  const auto fill = [&](hid_t f) { lay_out(f, m, m.points, path); };
  if (atomic) {
    h5::create_atomically(path, fill);
    return;
  }
  Handle f = h5::create_file(path, path);
  fill(f.get());
  h5::check(H5Fflush(f.get(), H5F_SCOPE_GLOBAL), path, "", "cannot flush");
}

void write_kept_file(const std::string& path, const FileMeta& meta, std::uint64_t rows,
                     const RowSource& source, const FileProgress& progress) {
  h5::quiet();
  FileMeta m = meta;
  if (!m.chunk_rows) m.chunk_rows = chunk_rows_for(m.points);
  h5::create_atomically(path, [&](hid_t f) {
    lay_out(f, m, rows, path);
    write_progress(f, progress, path);
    Handle points(H5Gopen2(f, "points", H5P_DEFAULT), H5Gclose);
    const std::vector<grid::Column> columns = file_columns(m.levels, m.hardware_stems, m.keep);
    std::vector<Handle> datasets;
    for (const grid::Column& c : columns)
      datasets.emplace_back(h5::check(H5Dopen2(points.get(), c.name.c_str(), H5P_DEFAULT), path,
                                      column_path(c.name), "missing column"),
                            H5Dclose);
    std::vector<unsigned char> buffer;
    hsize_t at = 0;
    source([&](std::span<const grid::Row> batch) {
      const hsize_t count = batch.size();
      if (count == 0) return;
      if (at + count > rows) throw InternalError("more kept rows than the file was made for");
      Handle mspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
      for (std::size_t k = 0; k < columns.size(); ++k) {
        const grid::Column& c = columns[k];
        const std::size_t size = column_bytes(c.type);
        buffer.resize(size * count);
        for (std::size_t i = 0; i < count; ++i)
          std::memcpy(buffer.data() + i * size, reinterpret_cast<const unsigned char*>(&batch[i]) + c.offset,
                      size);
        Handle fspace(H5Dget_space(datasets[k].get()), H5Sclose);
        H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &at, nullptr, &count, nullptr);
        h5::check(H5Dwrite(datasets[k].get(), memory_type(c.type), mspace.get(), fspace.get(), H5P_DEFAULT,
                           buffer.data()),
                  path, column_path(c.name), "cannot write rows");
      }
      at += count;
    });
    if (at != rows) throw InternalError("fewer kept rows than the file was made for");
  });
}

StoredInfo read_info(const std::string& path) {
  Handle f = open_file(path, H5F_ACC_RDONLY);
  return info_of(f.get(), path);
}

// ---- chunk file --------------------------------------------------------------------------
struct ChunkFile::Impl {
  std::string path;
  Handle file;
  StoredInfo info;
  std::vector<Handle> datasets;  // schema order
};

ChunkFile::ChunkFile(const std::string& path) : impl_(new Impl) {
  try {
    impl_->path = path;
    impl_->file = open_file(path, H5F_ACC_RDWR);
    impl_->info = info_of(impl_->file.get(), path);
    if (impl_->info.keep.keep != grid::Keep::all || impl_->info.chunk_rows == 0)
      throw ResultFileError(path, "", "is not a file of every grid point in whole chunks");
    Handle points(H5Gopen2(impl_->file.get(), "points", H5P_DEFAULT), H5Gclose);
    for (const grid::Column& c : grid::columns(impl_->info.levels, impl_->info.hardware_stems))
      impl_->datasets.emplace_back(h5::check(H5Dopen2(points.get(), c.name.c_str(), H5P_DEFAULT), path,
                                             column_path(c.name), "missing column"),
                                   H5Dclose);
  } catch (...) {
    delete impl_;
    throw;
  }
}

ChunkFile::~ChunkFile() {
  // Closed as HDF5 can; after a failure the journal rebuilds the working file on resume.
  delete impl_;
}

const std::string& ChunkFile::path() const {
  return impl_->path;
}

void ChunkFile::write(const EncodedChunk& chunk) {
  if (chunk.sizes.size() != impl_->datasets.size())
    throw InternalError("an encoded chunk has " + std::to_string(chunk.sizes.size()) + " columns, the file " +
                        std::to_string(impl_->datasets.size()));
  const hsize_t offset = chunk.chunk * impl_->info.chunk_rows;
  if (offset >= impl_->info.points)
    throw InternalError("chunk " + std::to_string(chunk.chunk) + " outside the grid");
  std::size_t at = 0;
  for (std::size_t c = 0; c < impl_->datasets.size(); ++c) {
    errno = 0;
    if (H5Dwrite_chunk(impl_->datasets[c].get(), H5P_DEFAULT, 0, &offset, chunk.sizes[c],
                       chunk.bytes.data() + at) < 0)
      throw ResultFileError(
          impl_->path, kPointsGroup,
          std::string("cannot write a chunk") + (errno ? std::string(": ") + std::strerror(errno) : ""));
    at += chunk.sizes[c];
  }
}

void ChunkFile::set_progress(const FileProgress& progress) {
  write_progress(impl_->file.get(), progress, impl_->path);
}

void ChunkFile::flush() {
  errno = 0;
  if (H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL) < 0)
    throw ResultFileError(
        impl_->path, "",
        std::string("cannot flush") + (errno ? std::string(": ") + std::strerror(errno) : ""));
}

void ChunkFile::close() {
  if (!impl_->file.valid()) return;
  flush();
  impl_->datasets.clear();
  const herr_t status = H5Fclose(impl_->file.get());
  impl_->file.release();
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
    impl_->columns = file_columns(impl_->info.levels, impl_->info.hardware_stems, impl_->info.keep);
    // Columns added after a file was written read as the value their rows then had: files
    // written before the model axis hold only the reference model (Row's default, 0), files
    // written before the run-level terms (grid::is_run_term_column) none of them; the search
    // variant of files before the search column is in prune_flattened and
    // microbatch_candidates, which every reader of the variant looks at.
    std::erase_if(impl_->columns, [&](const grid::Column& c) {
      return (c.name == "model" || c.name == "search" || grid::is_run_term_column(c.name)) &&
             H5Lexists(impl_->points.get(), c.name.c_str(), H5P_DEFAULT) <= 0;
    });
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
  if (H5Sget_simple_extent_ndims(space.get()) != 1 ||
      static_cast<std::uint64_t>(H5Sget_simple_extent_npoints(space.get())) != n)
    throw ResultFileError(path, column_path(name), "column length differs from the rows attribute");
  std::vector<T> out(n);
  if (n)
    h5::check(H5Dread(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), path, column_path(name),
              "cannot read column");
  return out;
}

}  // namespace

std::vector<double> ResultsReader::real(const std::string& column) const {
  return read_column<double>(impl_->points.get(), column, H5T_NATIVE_DOUBLE, impl_->info.rows, impl_->path);
}

std::vector<std::int64_t> ResultsReader::integer(const std::string& column) const {
  return read_column<std::int64_t>(impl_->points.get(), column, H5T_NATIVE_INT64, impl_->info.rows,
                                   impl_->path);
}

std::vector<std::int64_t> ResultsReader::integer(const std::string& column, std::uint64_t first,
                                                 std::uint64_t count) const {
  const std::string& path = impl_->path;
  if (first > impl_->info.rows || count > impl_->info.rows - first)
    throw ResultFileError(path, column_path(column), "rows outside the column");
  Handle ds(h5::check(H5Dopen2(impl_->points.get(), column.c_str(), H5P_DEFAULT), path, column_path(column),
                      "cannot open column"),
            H5Dclose);
  std::vector<std::int64_t> out(count);
  if (!count) return out;
  const hsize_t start = first, n = count;
  Handle fspace(H5Dget_space(ds.get()), H5Sclose);
  h5::check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr), path,
            column_path(column), "rows outside the column");
  Handle mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
  h5::check(H5Dread(ds.get(), H5T_NATIVE_INT64, mspace.get(), fspace.get(), H5P_DEFAULT, out.data()), path,
            column_path(column), "cannot read column");
  return out;
}

std::vector<grid::Row> ResultsReader::rows() const {
  const StoredInfo& info = impl_->info;
  // Guard against a crafted rows attribute before allocating.
  if (info.rows > (std::uint64_t{1} << 40))
    throw ResultFileError(impl_->path, "rows", "too many rows to read into memory");
  std::vector<grid::Row> out(info.rows);
  for (std::uint64_t i = 0; i < out.size(); ++i) {
    out[i].index = i;
    out[i].levels = info.levels;
  }
  for (const grid::Column& c : impl_->columns) {
    if (c.type == grid::ColumnType::f64) {
      const std::vector<double> v = real(c.name);
      for (std::size_t i = 0; i < out.size(); ++i) grid::set_real(out[i], c, v[i]);
    } else {
      const std::vector<std::int64_t> v = integer(c.name);
      for (std::size_t i = 0; i < out.size(); ++i) grid::set_integer(out[i], c, v[i]);
    }
  }
  if (info.keep.keep != grid::Keep::all) {
    for (const grid::Row& r : out)
      if (r.index >= info.points)
        throw ResultFileError(impl_->path, column_path("grid_index"), "outside the grid");
    return out;
  }
  // Pending rows hold only fill values; their scenario and width position follow from the index.
  const std::vector<std::string>& names = info.axis_names;
  const std::vector<std::int64_t>& sizes = info.axis_sizes;
  for (grid::Row& r : out) {
    std::uint64_t rest = r.index, scenario = 0, stride = 1;
    for (std::size_t a = sizes.size(); a-- > 0;) {
      const auto n = static_cast<std::uint64_t>(sizes[a]);
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

void copy_file_bytes(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0)
    throw ResultFileError(from, "", std::string("cannot open for copying: ") + std::strerror(errno));
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    const int e = errno;
    ::close(in);
    throw ResultFileError(to, "", std::string("cannot create: ") + std::strerror(e));
  }
  struct stat st {};
  ::fstat(in, &st);
  off_t left = st.st_size;
  int error = 0;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<std::size_t>(left), 0);
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
      // Plain reads and writes where the kernel cannot copy between these files.
      char buf[1 << 16];
      n = ::read(in, buf, sizeof buf);
      if (n > 0 && ::write(out, buf, static_cast<std::size_t>(n)) != n) n = -1;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    left -= n;
  }
  if (!error && ::fsync(out) != 0) error = errno;
  ::close(in);
  if (::close(out) != 0 && !error) error = errno;
  if (error) {
    ::unlink(to.c_str());
    throw ResultFileError(to, "", std::string("cannot copy the results: ") + std::strerror(error));
  }
}

}  // namespace llmsweep::io
