// Small RAII handles and attribute helpers over the HDF5 C API (internal to io/: hid_t never
// leaves this folder). Every failure becomes a ResultFileError naming the file and object.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace llmsweep::io::h5 {

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      closer_ = o.closer_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Gives up the id without closing it (it was closed elsewhere).
  void release() { id_ = H5I_INVALID_HID; }
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Silences HDF5's own error printing (per thread); we report errors ourselves.
void quiet();

// File access for opening a file: a metadata cache of 4 MB at most.
Handle open_access();
// File access for the files llmsweep creates: open_access's, and the HDF5 1.8 format and later
// (readable by every HDF5 since 2008), whose dense attribute storage holds attributes of any
// size (the labels of an axis of thousands of values).
Handle create_access();
// Creates `path` (failing if it exists) with create_access().
Handle create_file(const std::string& path, const std::string& message_path);

// Creates the HDF5 file `path` through PATH.tmp-PID, renamed into place once `fill` has written
// it (replacing a file there), so that a failure (or a kill) never leaves a half-written file at
// `path`, and a reader holding the old file keeps reading the old one.
void create_atomically(const std::string& path, const std::function<void(hid_t file)>& fill);

// Throws ResultFileError(file, object, message) when id < 0.
hid_t check(hid_t id, const std::string& file, const std::string& object, const std::string& what);
void check(herr_t status, const std::string& file, const std::string& object, const std::string& what);

void write_string_attribute(hid_t obj, const std::string& name, const std::string& value,
                            const std::string& file);
void write_strings_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values,
                             const std::string& file);
void write_int_attribute(hid_t obj, const std::string& name, std::int64_t value, const std::string& file);
void write_ints_attribute(hid_t obj, const std::string& name, const std::vector<std::int64_t>& values,
                          const std::string& file);
void write_doubles_attribute(hid_t obj, const std::string& name, const std::vector<double>& values,
                             const std::string& file);

bool has_attribute(hid_t obj, const std::string& name);
std::string read_string_attribute(hid_t obj, const std::string& name, const std::string& file);
std::vector<std::string> read_strings_attribute(hid_t obj, const std::string& name, const std::string& file);
std::int64_t read_int_attribute(hid_t obj, const std::string& name, const std::string& file);
std::vector<double> read_doubles_attribute(hid_t obj, const std::string& name, const std::string& file);

}  // namespace llmsweep::io::h5
