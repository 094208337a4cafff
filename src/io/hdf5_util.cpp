#include "io/hdf5_util.hpp"

#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "common/error.hpp"

namespace llmsweep::io::h5 {

void quiet() {
  // HDF5 runs its library shutdown at exit, which closes every file still open: after a failed
  // write (a full disk) that crashes inside HDF5. Every file llmsweep keeps is closed
  // explicitly, and one a failure leaves open is rebuilt from the journal, so the shutdown is
  // not needed. The error stack's printing is per thread where HDF5 is thread-safe.
  static std::once_flag once;
  std::call_once(once, [] { H5dont_atexit(); });
  thread_local bool silenced = false;
  if (!silenced) H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

Handle create_access() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18);
  return fapl;
}

Handle create_file(const std::string& path, const std::string& message_path) {
  const Handle fapl = create_access();
  return Handle(check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), message_path, "",
                      "cannot create file (check the folder exists and is writable)"),
                H5Fclose);
}

void create_atomically(const std::string& path, const std::function<void(hid_t file)>& fill) {
  quiet();
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    {
      std::filesystem::remove(tmp);
      Handle f = create_file(tmp, path);
      fill(f.get());
      check(H5Fflush(f.get(), H5F_SCOPE_GLOBAL), path, "", "cannot flush");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw ResultFileError(path, "", "cannot move the new file into place: " + ec.message());
  } catch (...) {
    std::error_code ignore;
    std::filesystem::remove(tmp, ignore);
    throw;
  }
}

hid_t check(hid_t id, const std::string& file, const std::string& object, const std::string& what) {
  if (id < 0) throw ResultFileError(file, object, what);
  return id;
}

void check(herr_t status, const std::string& file, const std::string& object, const std::string& what) {
  if (status < 0) throw ResultFileError(file, object, what);
}

namespace {

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

void replace(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
}

void write_attribute(hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data,
                     const std::string& file) {
  replace(obj, name);
  Handle a(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), file, name,
                 "cannot create attribute"),
           H5Aclose);
  check(H5Awrite(a.get(), type, data), file, name, "cannot write attribute");
}

Handle open_attribute(hid_t obj, const std::string& name, const std::string& file) {
  if (H5Aexists(obj, name.c_str()) <= 0) throw ResultFileError(file, name, "missing attribute");
  return Handle(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file, name, "cannot open attribute"),
                H5Aclose);
}

}  // namespace

void write_string_attribute(hid_t obj, const std::string& name, const std::string& value,
                            const std::string& file) {
  Handle t = string_type();
  Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  const char* p = value.c_str();
  write_attribute(obj, name, t.get(), s.get(), &p, file);
}

void write_strings_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values,
                             const std::string& file) {
  Handle t = string_type();
  const hsize_t n = values.size();
  Handle s(H5Screate_simple(1, &n, nullptr), H5Sclose);
  std::vector<const char*> p;
  for (const auto& v : values) p.push_back(v.c_str());
  write_attribute(obj, name, t.get(), s.get(), p.data(), file);
}

void write_int_attribute(hid_t obj, const std::string& name, std::int64_t value, const std::string& file) {
  Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  write_attribute(obj, name, H5T_NATIVE_INT64, s.get(), &value, file);
}

void write_ints_attribute(hid_t obj, const std::string& name, const std::vector<std::int64_t>& values,
                          const std::string& file) {
  const hsize_t n = values.size();
  Handle s(H5Screate_simple(1, &n, nullptr), H5Sclose);
  write_attribute(obj, name, H5T_NATIVE_INT64, s.get(), values.data(), file);
}

void write_doubles_attribute(hid_t obj, const std::string& name, const std::vector<double>& values,
                             const std::string& file) {
  const hsize_t n = values.size();
  Handle s(H5Screate_simple(1, &n, nullptr), H5Sclose);
  write_attribute(obj, name, H5T_NATIVE_DOUBLE, s.get(), values.data(), file);
}

bool has_attribute(hid_t obj, const std::string& name) {
  return H5Aexists(obj, name.c_str()) > 0;
}

std::string read_string_attribute(hid_t obj, const std::string& name, const std::string& file) {
  const std::vector<std::string> v = read_strings_attribute(obj, name, file);
  if (v.size() != 1) throw ResultFileError(file, name, "expected one string");
  return v.front();
}

std::vector<std::string> read_strings_attribute(hid_t obj, const std::string& name, const std::string& file) {
  Handle a = open_attribute(obj, name, file);
  Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) throw ResultFileError(file, name, "attribute is not a string");
  Handle space(H5Aget_space(a.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::string> out;
  if (H5Tis_variable_str(ftype.get()) > 0) {
    Handle t = string_type();
    std::vector<char*> p(static_cast<std::size_t>(n), nullptr);
    check(H5Aread(a.get(), t.get(), p.data()), file, name, "cannot read attribute");
    for (char* c : p) out.emplace_back(c ? c : "");
    H5Dvlen_reclaim(t.get(), space.get(), H5P_DEFAULT, p.data());
  } else {
    const std::size_t size = H5Tget_size(ftype.get());
    std::vector<char> buf(size * static_cast<std::size_t>(n) + 1, '\0');
    check(H5Aread(a.get(), ftype.get(), buf.data()), file, name, "cannot read attribute");
    for (hssize_t i = 0; i < n; ++i) {
      std::string s(buf.data() + static_cast<std::size_t>(i) * size, size);
      s.erase(s.find_last_not_of('\0') + 1);
      out.push_back(s);
    }
  }
  return out;
}

std::int64_t read_int_attribute(hid_t obj, const std::string& name, const std::string& file) {
  Handle a = open_attribute(obj, name, file);
  Handle space(H5Aget_space(a.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1)
    throw ResultFileError(file, name, "expected one integer");
  std::int64_t v = 0;
  check(H5Aread(a.get(), H5T_NATIVE_INT64, &v), file, name, "cannot read attribute as an integer");
  return v;
}

std::vector<double> read_doubles_attribute(hid_t obj, const std::string& name, const std::string& file) {
  Handle a = open_attribute(obj, name, file);
  Handle space(H5Aget_space(a.get()), H5Sclose);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  check(H5Aread(a.get(), H5T_NATIVE_DOUBLE, v.data()), file, name, "cannot read attribute as numbers");
  return v;
}

}  // namespace llmsweep::io::h5
