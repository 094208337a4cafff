// libFuzzer target: the results-file reader (io::read_info and io::ResultsReader, what
// `summarize`, `sensitivity`, --resume and the Python module open) on arbitrary bytes written to
// a file: the root and /points attributes, then every column whole and in a slice, and every row.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "io/results_file.hpp"

namespace {

std::string g_path;  // the file, in a folder of its own under $TMPDIR

// More rows than the seeds hold by far: reading them whole is a test of memory, not of the reader.
constexpr std::uint64_t kMaxRowsRead = 1 << 16;

void read_everything(const std::string& path) {
  using namespace llmsweep;
  (void)io::read_info(path);
  const io::ResultsReader reader(path);
  const io::StoredInfo& info = reader.info();
  if (info.rows > kMaxRowsRead) return;
  for (const grid::Column& c : reader.columns()) {
    if (c.type == grid::ColumnType::f64) {
      (void)reader.real(c.name);
    } else {
      (void)reader.integer(c.name);
      (void)reader.integer(c.name, info.rows / 2, std::min<std::uint64_t>(3, info.rows - info.rows / 2));
    }
  }
  (void)reader.rows();
}

}  // namespace

// HDF5 1.10.8 itself leaks an object-header buffer when its metadata cache fails to load a
// damaged object header (under H5O_protect, from H5Fopen or H5Dopen2: found by this target in
// seconds). Not a leak of llmsweep's: a handle llmsweep left open would still be held, reachable,
// by HDF5. The suppression needs whole allocation stacks (HDF5 has no frame pointers), hence the
// slow unwinder.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:H5O_protect\n";
}
extern "C" const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0";
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* tmp = getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/llmsweep-fuzz-results-XXXXXX";
  if (!mkdtemp(templ.data())) abort();
  g_path = templ + "/r.h5";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::ofstream(g_path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    read_everything(g_path);
  } catch (const llmsweep::Error&) {
    // Refused: a damaged or crafted file is a ResultFileError (exit 3).
  }
  unlink(g_path.c_str());
  return 0;
}
