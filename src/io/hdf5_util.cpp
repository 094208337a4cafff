#include "io/hdf5_util.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "common/error.hpp"

namespace llmsweep::io::h5 {

void quiet() {
  // HDF5 runs its library shutdown at exit, which closes every file still open: after a failed
  // write (a full disk) that crashes inside HDF5. Every file llmsweep keeps is closed
  // explicitly, and one a failure leaves open is rebuilt from the journal, so the shutdown is
  // not needed. The error stack's printing is per thread where HDF5 is thread-safe.
  static std::once_flag once;
  std::call_once(once, [] {
    H5dont_atexit();
    // HDF5 keeps freed blocks on free lists of its own for reuse, up to 37 MB by default; rank 0
    // writes chunk after chunk and needs few of them: 2.5 MB in all.
    H5set_free_list_limits(256 << 10, 64 << 10, 256 << 10, 64 << 10, 1 << 20, 256 << 10);
  });
  thread_local bool silenced = false;
  if (!silenced) H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

Handle open_access() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // The metadata cache at 4 MB at most (HDF5's default lets it grow to 32 MB): a results file
  // holds a chunk index for each of its hundred-odd columns, and writing chunk after chunk needs
  // only the newest nodes of each; rank 0 of a sweep of 134 million points grew by 40 MB.
  H5AC_cache_config_t c{};
  c.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  if (H5Pget_mdc_config(fapl.get(), &c) >= 0) {
    c.set_initial_size = true;
    c.initial_size = std::min<std::size_t>(c.initial_size, 2u << 20);
    c.min_size = std::min<std::size_t>(c.min_size, c.initial_size);
    c.max_size = 4u << 20;
    H5Pset_mdc_config(fapl.get(), &c);
  }
  return fapl;
}

Handle create_access() {
  Handle fapl = open_access();
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

namespace {

// --- variable-length strings, checked before HDF5 reads them ----------------------------------
// HDF5 1.10.8 trusts a file's global heap when it reads a variable-length string: a damaged
// heap object (a size past its collection, larger than the string's stored length, or an index
// the collection lacks) makes H5Aread copy past a buffer or read through a wild pointer
// (found by tests/fuzz/fuzz_results). So every element's heap object is looked up here first,
// in the file's own bytes, the way HDF5 will parse its collection (H5HGcache.c), and the
// attribute is refused unless each one lies whole inside its collection with exactly the
// string's length.

constexpr const char* kRawVlenTag = "llmsweep: a variable-length element as stored";

// A soft conversion from a variable-length string to an opaque type of that tag and the
// element's stored size: it leaves the stored bytes (length, heap address, object index) as they
// are, so that H5Aread hands them over without touching the heap.
herr_t keep_stored_element(hid_t src, hid_t dst, H5T_cdata_t* cdata, std::size_t, std::size_t, std::size_t,
                           void*, void*, hid_t) {
  if (cdata->command != H5T_CONV_INIT) return 0;  // CONV: in place, same size; FREE: nothing held
  cdata->need_bkg = H5T_BKG_NO;
  if (H5Tis_variable_str(src) <= 0 || H5Tget_class(dst) != H5T_OPAQUE || H5Tget_size(src) != H5Tget_size(dst))
    return -1;
  char* tag = H5Tget_tag(dst);
  const bool ours = tag && std::strcmp(tag, kRawVlenTag) == 0;
  H5free_memory(tag);
  return ours ? 0 : -1;
}

Handle stored_element_type(std::size_t size) {
  static std::once_flag once;
  std::call_once(once, [] {
    Handle vlen(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(vlen.get(), H5T_VARIABLE);
    Handle opaque(H5Tcreate(H5T_OPAQUE, 16), H5Tclose);
    H5Tset_tag(opaque.get(), kRawVlenTag);
    H5Tregister(H5T_PERS_SOFT, "llmsweep stored vlen", vlen.get(), opaque.get(), keep_stored_element);
  });
  Handle t(H5Tcreate(H5T_OPAQUE, size), H5Tclose);
  H5Tset_tag(t.get(), kRawVlenTag);
  return t;
}

std::uint64_t little_endian(const unsigned char* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = bytes; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

// Reads bytes of the file behind an open HDF5 object (by its name: HDF5 keeps its own handle).
class FileBytes {
 public:
  FileBytes(hid_t obj, const std::string& file, const std::string& name) : file_(file), name_(name) {
    file_id_ = Handle(H5Iget_file_id(obj), H5Fclose);
    const ssize_t length = H5Fget_name(file_id_.get(), nullptr, 0);
    std::string path(static_cast<std::size_t>(std::max<ssize_t>(length, 0)), '\0');
    if (length <= 0 || H5Fget_name(file_id_.get(), path.data(), path.size() + 1) < 0 ||
        H5Fget_filesize(file_id_.get(), &size_) < 0)
      throw ResultFileError(file_, name_, "cannot check the attribute's strings");
    in_.open(path, std::ios::binary);
    if (!in_)
      throw ResultFileError(file_, name_, "cannot check the attribute's strings (cannot reopen the file)");
  }
  hsize_t size() const { return size_; }
  std::vector<unsigned char> read(hsize_t at, hsize_t n) {
    if (at > size_ || n > size_ - at) damaged("a global heap collection lies past the end of the file");
    std::vector<unsigned char> out(static_cast<std::size_t>(n));
    in_.seekg(static_cast<std::streamoff>(at));
    in_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
    if (!in_) throw ResultFileError(file_, name_, "cannot check the attribute's strings (read failed)");
    return out;
  }
  [[noreturn]] void damaged(const std::string& what) const {
    throw ResultFileError(file_, name_, "damaged variable-length string: " + what);
  }
  hid_t file_id() const { return file_id_.get(); }

 private:
  std::string file_, name_;
  Handle file_id_;
  hsize_t size_ = 0;
  std::ifstream in_;
};

struct HeapObject {
  std::uint64_t size = 0;
};

// The objects of the global heap collection at `at` (file offset), as HDF5 parses it.
std::map<std::uint32_t, HeapObject> heap_collection(FileBytes& bytes, hsize_t at, std::size_t size_bytes) {
  const std::size_t header = 4 + 1 + 3 + size_bytes, object_header = 2 + 2 + 4 + size_bytes;
  const std::vector<unsigned char> head = bytes.read(at, header);
  if (std::memcmp(head.data(), "GCOL", 4) != 0 || head[4] != 1)
    bytes.damaged("no global heap collection there");
  const std::uint64_t size = little_endian(head.data() + 8, size_bytes);
  constexpr std::uint64_t kMaxCollection = std::uint64_t{64} << 20;
  if (size < header || size > kMaxCollection) bytes.damaged("a global heap collection of impossible size");
  const std::vector<unsigned char> c = bytes.read(at, size);
  std::map<std::uint32_t, HeapObject> objects;
  for (std::uint64_t p = header; p < size;) {
    if (size - p < object_header) break;  // too small for an object: free space
    const auto index = static_cast<std::uint32_t>(little_endian(&c[p], 2));
    const std::uint64_t object = little_endian(&c[p + 8], size_bytes);
    if (object > size) bytes.damaged("a heap object larger than its collection");
    const std::uint64_t need = index > 0 ? object_header + (object + 7) / 8 * 8 : object;
    if (need == 0 || need > size - p) bytes.damaged("a heap object past the end of its collection");
    if (index > 0) objects[index] = {object};
    p += need;
  }
  return objects;
}

// Refuses the attribute unless every element's heap object is whole and as long as its string.
void check_stored_strings(hid_t attribute, hssize_t n, const std::string& file, const std::string& name) {
  if (n <= 0) return;
  const hsize_t storage = H5Aget_storage_size(attribute);
  const auto count = static_cast<hsize_t>(n);
  if (storage == 0 || storage % count != 0) throw ResultFileError(file, name, "damaged string attribute");
  FileBytes bytes(attribute, file, name);
  Handle fcpl(H5Fget_create_plist(bytes.file_id()), H5Pclose);
  std::size_t address_bytes = 0, size_bytes = 0;
  hsize_t base = 0;
  if (H5Pget_sizes(fcpl.get(), &address_bytes, &size_bytes) < 0 || H5Pget_userblock(fcpl.get(), &base) < 0)
    throw ResultFileError(file, name, "cannot check the attribute's strings");
  const std::size_t element = static_cast<std::size_t>(storage / count);
  if (element != 4 + address_bytes + 4 || address_bytes > 8 || size_bytes > 8)
    bytes.damaged("stored elements of an unexpected size");
  std::vector<unsigned char> raw(static_cast<std::size_t>(storage));
  Handle type = stored_element_type(element);
  check(H5Aread(attribute, type.get(), raw.data()), file, name, "cannot read attribute");
  std::map<std::uint64_t, std::map<std::uint32_t, HeapObject>> collections;
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    const unsigned char* e = raw.data() + i * element;
    const std::uint64_t length = little_endian(e, 4);
    const std::uint64_t address = little_endian(e + 4, address_bytes);
    const auto index = static_cast<std::uint32_t>(little_endian(e + 4 + address_bytes, 4));
    if (address == 0) {
      if (length != 0) bytes.damaged("a string with a length but no heap object");
      continue;
    }
    if (address > bytes.size() || base > bytes.size() - address)
      bytes.damaged("a heap address past the end of the file");
    auto found = collections.find(address);
    if (found == collections.end())
      found = collections.emplace(address, heap_collection(bytes, base + address, size_bytes)).first;
    const auto object = found->second.find(index);
    if (index == 0 || object == found->second.end()) bytes.damaged("a heap object its collection lacks");
    if (object->second.size != length) bytes.damaged("a heap object whose size is not the string's length");
  }
}

}  // namespace

std::vector<std::string> read_strings_attribute(hid_t obj, const std::string& name, const std::string& file) {
  Handle a = open_attribute(obj, name, file);
  Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) throw ResultFileError(file, name, "attribute is not a string");
  Handle space(H5Aget_space(a.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) throw ResultFileError(file, name, "damaged string attribute");
  std::vector<std::string> out;
  if (H5Tis_variable_str(ftype.get()) > 0) {
    check_stored_strings(a.get(), n, file, name);
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
