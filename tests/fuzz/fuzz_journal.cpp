// libFuzzer target: the journal reader (io::Journal::open, the scan --resume runs) on arbitrary
// bytes, then every record it accepts read back as the resume does (rows, chunks decoded through
// the file's filters, kept pieces and their row counts).
//
// Input: one mode byte, then the journal's bytes. Mode bits 0-2 give the file's per-level column
// count (1 + bits % 6: the schema the chunks are decoded with); bit 3 rewrites every whole
// record's checksum first (io::reseal_journal), as a crafted file would carry them, so that the
// fuzzer reaches the checks against the grid behind the checksum. The layout the scan expects
// (points, chunk rows, keep rule, spec hash) is the one the header states, as for a journal of the
// right spec; the row check is that of the seeds' grids: 31 widths, the width the fastest axis.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "common/error.hpp"
#include "grid/schema.hpp"
#include "io/codec.hpp"
#include "io/journal.hpp"

namespace {

std::string g_path;  // the journal, in a folder of its own under $TMPDIR

constexpr std::uint64_t kWidths = 31;

// The header's fields (journal.cpp's FileHeader: magic, schema, row bytes, points, chunk rows,
// keep, spec hash), or false when the bytes are too short to hold one.
bool layout_from_header(const std::string& bytes, llmsweep::io::SinkLayout& layout, std::string& hash) {
  if (bytes.size() < 96) return false;
  std::uint32_t chunk_rows = 0, keep = 0;
  std::memcpy(&layout.points, bytes.data() + 16, 8);
  std::memcpy(&chunk_rows, bytes.data() + 24, 4);
  std::memcpy(&keep, bytes.data() + 28, 4);
  if (chunk_rows == 0 || keep > 2) return false;  // no results file has these
  layout.chunk_rows = chunk_rows;
  layout.keep.keep = static_cast<llmsweep::grid::Keep>(keep);
  hash.assign(bytes.data() + 32, 64);
  return true;
}

void read_back(const llmsweep::io::Journal& journal, const llmsweep::io::JournalScan& scan,
               const llmsweep::io::SinkLayout& layout, const std::vector<llmsweep::grid::Column>& columns) {
  using namespace llmsweep;
  for (const io::RecordEntry& e : scan.records) {
    switch (e.kind) {
      case io::RecordKind::rows:
        (void)journal.read_rows(e);
        break;
      case io::RecordKind::chunk: {
        const io::EncodedChunk c = journal.read_chunk(e);
        try {
          // The scan decoded the position columns only; the others go to HDF5 as they are, whose
          // reader refuses a bad block. decode_chunk's contract: std::runtime_error for one.
          (void)io::decode_chunk(c, columns, layout.chunk_rows);
        } catch (const std::runtime_error&) {
        }
        break;
      }
      case io::RecordKind::kept:
        (void)journal.kept_row_count(e);
        (void)journal.read_kept(e);
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* tmp = getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/llmsweep-fuzz-journal-XXXXXX";
  if (!mkdtemp(templ.data())) abort();
  g_path = templ + "/r.h5.journal";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace llmsweep;
  if (size < 1) return 0;
  const int levels = 1 + (data[0] & 7) % 6;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 8) io::reseal_journal(bytes);
  io::SinkLayout layout;
  layout.levels = levels;
  std::string hash(64, 'a');
  if (!layout_from_header(bytes, layout, hash)) layout.points = 62, layout.chunk_rows = 62;
  std::ofstream(g_path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const std::vector<grid::Column> columns = grid::columns(levels, {});
  const io::RowCheck at_its_place = [](const grid::Row& r) {
    return static_cast<std::uint64_t>(r.width_index) == r.index % kWidths &&
           static_cast<std::uint64_t>(r.scenario) == r.index / kWidths;
  };
  try {
    io::JournalScan scan;
    const io::Journal journal = io::Journal::open(g_path, hash, layout, columns, at_its_place, scan, "r.h5");
    read_back(journal, scan, layout, columns);
  } catch (const Error&) {
    // Refused: a damaged or crafted journal is a ResultFileError (exit 3).
  }
  unlink(g_path.c_str());
  return 0;
}
