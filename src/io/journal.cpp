#include "io/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "common/error.hpp"
#include "grid/schema.hpp"
#include "io/codec.hpp"

namespace llmsweep::io {
namespace {

constexpr char kMagic[8] = {'L', 'L', 'M', 'S', 'W', 'J', '0', '2'};
constexpr std::uint32_t kRecordMagic = 0x4C4A5352;  // "RSJL"
// Larger payloads are not ours: a whole chunk of every column, or a reduced piece, stays far below.
constexpr std::uint64_t kMaxPayload = std::uint64_t{1} << 34;

struct FileHeader {
  char magic[8];
  std::uint32_t schema_version;
  std::uint32_t row_bytes;
  std::uint64_t points;
  std::uint32_t chunk_rows;
  std::uint32_t keep;
  char spec_hash[64];
};

struct RecordHeader {
  std::uint32_t magic;
  std::uint32_t kind;
  std::uint64_t first;
  std::uint64_t count;
  std::uint64_t bytes;
  std::uint64_t checksum;
};

// A 64-bit checksum over 8-byte words (FNV-1a's constants, a word at a time, with a final
// mix): it catches torn and damaged records; it is not a defence against a crafted file,
// which the scan's checks against the grid are.
std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ULL) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h ^ (h >> 32);
}

std::uint64_t checksum(const RecordHeader& h, const unsigned char* payload, std::size_t bytes) {
  std::uint64_t c = fnv1a(&h.kind, sizeof h.kind);
  c = fnv1a(&h.first, sizeof h.first, c);
  c = fnv1a(&h.count, sizeof h.count, c);
  c = fnv1a(&h.bytes, sizeof h.bytes, c);
  return fnv1a(payload, bytes, c);
}

FileHeader header_for(const std::string& spec_hash, const SinkLayout& layout) {
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.schema_version = grid::kSchemaVersion;
  h.row_bytes = sizeof(grid::Row);
  h.points = layout.points;
  h.chunk_rows = layout.chunk_rows;
  h.keep = static_cast<std::uint32_t>(layout.keep.keep);
  std::memcpy(h.spec_hash, spec_hash.data(), std::min(spec_hash.size(), sizeof h.spec_hash));
  return h;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ResultFileError(path, "", what + ": " + std::strerror(errno));
}

bool read_exact(int fd, void* buf, std::size_t n, std::uint64_t offset) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

// ---- payloads -----------------------------------------------------------------------------
class Writer {
 public:
  template <class T>
  void put(const T& v) {
    const auto* p = reinterpret_cast<const unsigned char*>(&v);
    out.insert(out.end(), p, p + sizeof v);
  }
  void put_bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    out.insert(out.end(), b, b + n);
  }
  std::vector<unsigned char> out;
};

class Reader {
 public:
  explicit Reader(std::span<const unsigned char> in) : in_(in) {}
  template <class T>
  T get() {
    T v;
    take(&v, sizeof v);
    return v;
  }
  void take(void* p, std::size_t n) {
    if (n > in_.size() - at_) throw std::runtime_error("payload ends early");
    if (n == 0) return;  // an empty part: p may be a null data(), which memcpy must not get
    std::memcpy(p, in_.data() + at_, n);
    at_ += n;
  }
  std::size_t left() const { return in_.size() - at_; }

 private:
  std::span<const unsigned char> in_;
  std::size_t at_ = 0;
};

std::vector<unsigned char> chunk_payload(const EncodedChunk& c) {
  Writer w;
  w.put(static_cast<std::uint32_t>(c.sizes.size()));
  for (std::uint32_t s : c.sizes) w.put(s);
  w.put_bytes(c.bytes.data(), c.bytes.size());
  return std::move(w.out);
}

EncodedChunk parse_chunk(std::span<const unsigned char> payload, std::uint64_t chunk, std::uint32_t rows,
                         std::size_t columns) {
  Reader r(payload);
  EncodedChunk c;
  c.chunk = chunk;
  c.rows = rows;
  const auto n = r.get<std::uint32_t>();
  if (n != columns)
    throw std::runtime_error("holds " + std::to_string(n) + " columns, the schema " +
                             std::to_string(columns));
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    c.sizes.push_back(r.get<std::uint32_t>());
    total += c.sizes.back();
  }
  if (total != r.left()) throw std::runtime_error("column sizes do not add up to the payload");
  c.bytes.resize(total);
  r.take(c.bytes.data(), total);
  return c;
}

std::vector<unsigned char> kept_payload(const grid::KeptPiece& p) {
  Writer w;
  for (std::uint64_t c : p.counts) w.put(c);
  w.put(static_cast<std::uint64_t>(p.rows.size()));
  w.put_bytes(p.rows.data(), p.rows.size() * sizeof(grid::Row));
  w.put(static_cast<std::uint64_t>(p.empty_groups.size()));
  for (const std::string& k : p.empty_groups) {
    w.put(static_cast<std::uint32_t>(k.size()));
    w.put_bytes(k.data(), k.size());
  }
  return std::move(w.out);
}

grid::KeptPiece parse_kept(std::span<const unsigned char> payload, grid::IndexRange range) {
  Reader r(payload);
  grid::KeptPiece p;
  p.range = range;
  for (std::uint64_t& c : p.counts) c = r.get<std::uint64_t>();
  const auto rows = r.get<std::uint64_t>();
  if (rows > r.left() / sizeof(grid::Row)) throw std::runtime_error("row count beyond the payload");
  p.rows.resize(rows);
  r.take(p.rows.data(), rows * sizeof(grid::Row));
  const auto groups = r.get<std::uint64_t>();
  if (groups > r.left() / sizeof(std::uint32_t)) throw std::runtime_error("group count beyond the payload");
  for (std::uint64_t g = 0; g < groups; ++g) {
    const auto n = r.get<std::uint32_t>();
    std::string k(n > r.left() ? 0 : n, '\0');
    if (n > r.left()) throw std::runtime_error("group key beyond the payload");
    r.take(k.data(), n);
    p.empty_groups.push_back(std::move(k));
  }
  if (r.left()) throw std::runtime_error("bytes beyond the piece");
  return p;
}

// ---- the scan's checks ----------------------------------------------------------------------
std::string damaged(const std::string& journal, const std::string& results, std::uint64_t offset,
                    const std::string& why) {
  return "damaged at offset " + std::to_string(offset) + " (" + why +
         "); refusing to resume from it. To continue " + "from the points already in " + results + ", move " +
         journal + " away and run --resume again";
}

// Whether the rest of the file from `at` is a torn tail: a record cut short, or zeros.
bool torn_tail(int fd, std::uint64_t at, std::uint64_t file_size, const RecordHeader& r, bool header_read) {
  if (!header_read) return true;
  if (r.magic == kRecordMagic && r.bytes <= kMaxPayload && at + sizeof r + r.bytes >= file_size) return true;
  std::vector<unsigned char> rest(static_cast<std::size_t>(std::min<std::uint64_t>(file_size - at, 1 << 20)));
  if (!read_exact(fd, rest.data(), rest.size(), at)) return true;
  return file_size - at <= rest.size() &&
         std::all_of(rest.begin(), rest.end(), [](unsigned char b) { return b == 0; });
}

// Checks one whole record against the grid; an empty string when it holds up.
std::string check_record(const RecordHeader& r, std::span<const unsigned char> payload,
                         const SinkLayout& layout, const std::vector<grid::Column>& columns,
                         const RowCheck& check) {
  if (r.count == 0 || r.first >= layout.points || r.count > layout.points - r.first)
    return "points outside the grid";
  const grid::IndexRange range{r.first, r.first + r.count};
  const auto rows_in_place = [&](const std::vector<grid::Row>& rows, bool consecutive) -> std::string {
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const grid::Row& row = rows[i];
      if (consecutive ? row.index != r.first + i : (row.index < range.begin || row.index >= range.end))
        return "a row's index does not belong to the record";
      if (!consecutive && i && row.index <= previous) return "rows out of order";
      previous = row.index;
      if (check && !check(row)) return "a row's grid position does not match its index";
    }
    return {};
  };
  try {
    switch (static_cast<RecordKind>(r.kind)) {
      case RecordKind::rows: {
        if (layout.keep.keep != grid::Keep::all) return "raw rows in a journal of kept rows";
        if (payload.size() != r.count * sizeof(grid::Row)) return "row payload of the wrong size";
        std::vector<grid::Row> rows(r.count);
        std::memcpy(rows.data(), payload.data(), payload.size());
        return rows_in_place(rows, true);
      }
      case RecordKind::chunk: {
        if (layout.keep.keep != grid::Keep::all) return "a chunk in a journal of kept rows";
        const std::uint64_t chunk = r.first / layout.chunk_rows;
        if (r.first % layout.chunk_rows != 0 ||
            r.count != std::min<std::uint64_t>(layout.chunk_rows, layout.points - r.first))
          return "a chunk that does not match the file's chunks";
        const EncodedChunk c =
            parse_chunk(payload, chunk, static_cast<std::uint32_t>(r.count), columns.size());
        // The grid position columns are enough to tell rows moved to another place.
        return rows_in_place(decode_chunk(c, columns, layout.chunk_rows, {"scenario", "width_index"}), true);
      }
      case RecordKind::kept: {
        if (layout.keep.keep == grid::Keep::all) return "kept rows in a journal of every point";
        const grid::KeptPiece p = parse_kept(payload, range);
        std::uint64_t counted = 0;
        for (std::uint64_t c : p.counts) counted += c;
        if (counted != r.count) return "status counts do not add up to the piece";
        if (p.rows.size() > r.count) return "more kept rows than points";
        return rows_in_place(p.rows, false);
      }
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return "unknown record kind " + std::to_string(r.kind);
}

}  // namespace

Journal Journal::create(const std::string& path, const std::string& spec_hash, const SinkLayout& layout) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "cannot create journal");
  const FileHeader h = header_for(spec_hash, layout);
  if (::pwrite(fd, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h)) {
    ::close(fd);
    ::unlink(path.c_str());
    fail(path, "cannot write journal header");
  }
  return Journal(path, fd, sizeof h, layout);
}

Journal Journal::open(const std::string& path, const std::string& spec_hash, const SinkLayout& layout,
                      const std::vector<grid::Column>& columns, const RowCheck& check, JournalScan& scan,
                      const std::string& results_path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open journal");
  Journal j(path, fd, 0, layout);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) throw ResultFileError(path, "", "is not a regular file");
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  FileHeader h{};
  const std::string advice = "; to continue from the points already in " + results_path + ", move " + path +
                             " away and run --resume again";
  if (!read_exact(fd, &h, sizeof h, 0) || std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    throw ResultFileError(path, "", "not an llmsweep journal of this version (bad header)" + advice);
  const FileHeader want = header_for(spec_hash, layout);
  if (h.schema_version != want.schema_version || h.row_bytes != want.row_bytes)
    throw ResultFileError(
        path, "", "journal written by a different llmsweep build (schema or row layout differs)" + advice);
  if (h.points != want.points || h.chunk_rows != want.chunk_rows || h.keep != want.keep ||
      std::memcmp(h.spec_hash, want.spec_hash, sizeof h.spec_hash) != 0)
    throw ResultFileError(path, "",
                          "journal belongs to a different sweep spec (hash " +
                              std::string(h.spec_hash, strnlen(h.spec_hash, sizeof h.spec_hash)) + ")" +
                              advice);
  std::uint64_t at = sizeof h;
  scan = JournalScan{};
  std::vector<unsigned char> payload;
  while (at < file_size) {
    RecordHeader r{};
    const bool header_read = file_size - at >= sizeof r && read_exact(fd, &r, sizeof r, at);
    const bool whole = header_read && r.magic == kRecordMagic && r.bytes <= kMaxPayload &&
                       at + sizeof r + r.bytes <= file_size;
    bool valid = whole;
    if (whole) {
      payload.resize(r.bytes);
      valid = read_exact(fd, payload.data(), payload.size(), at + sizeof r) &&
              checksum(r, payload.data(), payload.size()) == r.checksum;
    }
    if (!valid) {
      if (torn_tail(fd, at, file_size, r, header_read)) {
        scan.dropped_tail = true;
        break;
      }
      throw ResultFileError(path, "", damaged(path, results_path, at, "a record fails its checksum"));
    }
    const std::string why = check_record(r, payload, layout, columns, check);
    if (!why.empty()) throw ResultFileError(path, "", damaged(path, results_path, at, why));
    const grid::IndexRange range{r.first, r.first + r.count};
    const std::uint64_t before = scan.done.count();
    scan.done.add(range);
    if (scan.done.count() != before + range.size())
      throw ResultFileError(path, "", damaged(path, results_path, at, "points recorded twice"));
    scan.records.push_back({static_cast<RecordKind>(r.kind), range, at + sizeof r, r.bytes});
    at += sizeof r + r.bytes;
  }
  scan.valid_bytes = at;
  if (::ftruncate(fd, static_cast<off_t>(at)) != 0) fail(path, "cannot drop the journal's torn tail");
  j.size_ = at;
  return j;
}

Journal::Journal(Journal&& o) noexcept
    : path_(std::move(o.path_)), fd_(o.fd_), size_(o.size_), layout_(std::move(o.layout_)) {
  o.fd_ = -1;
}

Journal& Journal::operator=(Journal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    size_ = o.size_;
    layout_ = std::move(o.layout_);
    o.fd_ = -1;
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

RecordEntry Journal::write_record(RecordKind kind, grid::IndexRange range,
                                  const std::vector<unsigned char>& payload) {
  RecordHeader r{
      kRecordMagic, static_cast<std::uint32_t>(kind), range.begin, range.size(), payload.size(), 0};
  r.checksum = checksum(r, payload.data(), payload.size());
  std::vector<unsigned char> buf(sizeof r + payload.size());
  std::memcpy(buf.data(), &r, sizeof r);
  if (!payload.empty()) std::memcpy(buf.data() + sizeof r, payload.data(), payload.size());
  // One pwrite per record: a kill leaves either the whole record or a tail the scan drops.
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::pwrite(fd_, buf.data() + done, buf.size() - done, static_cast<off_t>(size_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      // Leave no partial record behind a failed append (the next scan would drop it anyway).
      const int e = errno;
      if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      }
      errno = e;
      fail(path_, "cannot append to journal");
    }
    done += static_cast<std::size_t>(n);
  }
  const RecordEntry entry{kind, range, size_ + sizeof r, payload.size()};
  size_ += buf.size();
  return entry;
}

RecordEntry Journal::append(std::span<const grid::Row> rows) {
  if (rows.empty()) throw InternalError("empty journal record");
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i].index != rows[0].index + i) throw InternalError("journal rows must have consecutive indices");
  const auto* p = reinterpret_cast<const unsigned char*>(rows.data());
  return write_record(RecordKind::rows, {rows[0].index, rows[0].index + rows.size()},
                      std::vector<unsigned char>(p, p + rows.size() * sizeof(grid::Row)));
}

RecordEntry Journal::append(const EncodedChunk& chunk) {
  const std::uint64_t first = chunk.chunk * layout_.chunk_rows;
  return write_record(RecordKind::chunk, {first, first + chunk.rows}, chunk_payload(chunk));
}

RecordEntry Journal::append(const grid::KeptPiece& piece) {
  return write_record(RecordKind::kept, piece.range, kept_payload(piece));
}

void Journal::sync() {
  if (::fdatasync(fd_) != 0) fail(path_, "cannot sync journal");
}

std::vector<unsigned char> Journal::read_payload(const RecordEntry& e) const {
  std::vector<unsigned char> payload(e.bytes);
  if (!read_exact(fd_, payload.data(), payload.size(), e.offset))
    throw ResultFileError(path_, "", "journal record unreadable at offset " + std::to_string(e.offset));
  return payload;
}

std::vector<grid::Row> Journal::read_rows(const RecordEntry& e) const {
  const std::vector<unsigned char> payload = read_payload(e);
  std::vector<grid::Row> rows(e.range.size());
  if (payload.size() != rows.size() * sizeof(grid::Row))
    throw ResultFileError(path_, "",
                          "journal record of the wrong size at offset " + std::to_string(e.offset));
  std::memcpy(rows.data(), payload.data(), payload.size());
  return rows;
}

EncodedChunk Journal::read_chunk(const RecordEntry& e) const {
  const std::vector<unsigned char> payload = read_payload(e);
  try {
    return parse_chunk(payload, e.range.begin / layout_.chunk_rows,
                       static_cast<std::uint32_t>(e.range.size()), grid::columns(layout_.levels, {}).size());
  } catch (const std::exception& ex) {
    throw ResultFileError(path_, "",
                          "journal chunk at offset " + std::to_string(e.offset) + ": " + ex.what());
  }
}

grid::KeptPiece Journal::read_kept(const RecordEntry& e) const {
  const std::vector<unsigned char> payload = read_payload(e);
  try {
    return parse_kept(payload, e.range);
  } catch (const std::exception& ex) {
    throw ResultFileError(path_, "",
                          "journal piece at offset " + std::to_string(e.offset) + ": " + ex.what());
  }
}

std::uint64_t Journal::kept_row_count(const RecordEntry& e) const {
  // The payload starts with the status counts, then the row count (see kept_payload).
  std::uint64_t n = 0;
  const std::uint64_t at = e.offset + costmodel::kStatusCount * sizeof(std::uint64_t);
  if (e.kind != RecordKind::kept || e.bytes < (costmodel::kStatusCount + 1) * sizeof(std::uint64_t) ||
      !read_exact(fd_, &n, sizeof n, at))
    throw ResultFileError(path_, "", "journal piece unreadable at offset " + std::to_string(e.offset));
  return n;
}

void reseal_journal(std::string& bytes) {
  std::uint64_t at = sizeof(FileHeader);
  RecordHeader r{};
  while (at <= bytes.size() && bytes.size() - at >= sizeof r) {
    std::memcpy(&r, bytes.data() + at, sizeof r);
    if (r.bytes > bytes.size() - at - sizeof r) return;
    r.checksum = checksum(r, reinterpret_cast<const unsigned char*>(bytes.data()) + at + sizeof r, r.bytes);
    std::memcpy(bytes.data() + at, &r, sizeof r);
    at += sizeof r + r.bytes;
  }
}

}  // namespace llmsweep::io
