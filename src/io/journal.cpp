#include "io/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/error.hpp"
#include "grid/schema.hpp"

namespace llmsweep::io {
namespace {

constexpr char kMagic[8] = {'L', 'L', 'M', 'S', 'W', 'J', '0', '1'};
constexpr std::uint32_t kRecordMagic = 0x4C4A5352;  // "RSJL"
constexpr std::uint32_t kRows = 1;
constexpr std::uint32_t kMergeBegin = 2;
constexpr std::uint32_t kMergeEnd = 3;
constexpr std::uint64_t kMaxRowsPerRecord = 1u << 16;
constexpr std::size_t kBatchRows = 1u << 14;

struct FileHeader {
  char magic[8];
  std::uint32_t schema_version;
  std::uint32_t row_bytes;
  std::uint64_t points;
  char spec_hash[64];
};

struct RecordHeader {
  std::uint32_t magic;
  std::uint32_t kind;
  std::uint64_t first;
  std::uint64_t count;
  std::uint64_t checksum;
};

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ULL) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint64_t checksum(const RecordHeader& h, const void* payload, std::size_t bytes) {
  std::uint64_t c = fnv1a(&h.kind, sizeof h.kind);
  c = fnv1a(&h.first, sizeof h.first, c);
  c = fnv1a(&h.count, sizeof h.count, c);
  return fnv1a(payload, bytes, c);
}

FileHeader header_for(const std::string& spec_hash, std::uint64_t points) {
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.schema_version = grid::kSchemaVersion;
  h.row_bytes = sizeof(grid::Row);
  h.points = points;
  std::memset(h.spec_hash, 0, sizeof h.spec_hash);
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
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

std::uint64_t payload_bytes(const RecordHeader& h) {
  return h.kind == kRows ? h.count * sizeof(grid::Row) : 0;
}

}  // namespace

Journal Journal::create(const std::string& path, const std::string& spec_hash, std::uint64_t points) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "cannot create journal");
  const FileHeader h = header_for(spec_hash, points);
  if (::pwrite(fd, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h)) {
    ::close(fd);
    fail(path, "cannot write journal header");
  }
  return Journal(path, fd, sizeof h);
}

Journal Journal::open(const std::string& path, const std::string& spec_hash, std::uint64_t points,
                      JournalScan& scan) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open journal");
  Journal j(path, fd, 0);
  FileHeader h{};
  if (!read_exact(fd, &h, sizeof h, 0) || std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    throw ResultFileError(path, "", "not an llmsweep journal");
  const FileHeader want = header_for(spec_hash, points);
  if (h.schema_version != want.schema_version || h.row_bytes != want.row_bytes)
    throw ResultFileError(path, "",
                          "journal written by a different llmsweep build (schema or row layout differs)");
  if (h.points != points || std::memcmp(h.spec_hash, want.spec_hash, sizeof h.spec_hash) != 0)
    throw ResultFileError(path, "",
                          "journal belongs to a different sweep spec (hash " +
                              std::string(h.spec_hash, strnlen(h.spec_hash, sizeof h.spec_hash)) + ")");
  std::uint64_t at = sizeof h;
  scan = JournalScan{};
  std::vector<unsigned char> payload;
  bool open_merge = false;
  for (;;) {
    RecordHeader r{};
    if (!read_exact(fd, &r, sizeof r, at) || r.magic != kRecordMagic) break;
    if ((r.kind != kRows && r.kind != kMergeBegin && r.kind != kMergeEnd) ||
        (r.kind == kRows && (r.count == 0 || r.count > kMaxRowsPerRecord || r.first + r.count > points)))
      break;
    payload.resize(payload_bytes(r));
    if (!read_exact(fd, payload.data(), payload.size(), at + sizeof r)) break;
    if (checksum(r, payload.data(), payload.size()) != r.checksum) break;
    at += sizeof r + payload.size();
    if (r.kind == kRows) {
      scan.done.add({r.first, r.first + r.count});
      scan.rows += r.count;
    } else if (r.kind == kMergeBegin) {
      open_merge = true;
    } else {
      open_merge = false;
      scan.merged_bytes = r.first;
    }
  }
  scan.valid_bytes = at;
  scan.merge_interrupted = open_merge;
  if (::ftruncate(fd, static_cast<off_t>(at)) != 0) fail(path, "cannot drop the journal's torn tail");
  j.size_ = at;
  return j;
}

Journal::Journal(Journal&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_), size_(o.size_) {
  o.fd_ = -1;
}

Journal& Journal::operator=(Journal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    size_ = o.size_;
    o.fd_ = -1;
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::write_record(std::uint32_t kind, std::uint64_t first, std::uint64_t count, const void* payload,
                           std::size_t bytes) {
  RecordHeader r{kRecordMagic, kind, first, count, 0};
  r.checksum = checksum(r, payload, bytes);
  std::vector<unsigned char> buf;
  buf.reserve(sizeof r + bytes);
  const auto* head = reinterpret_cast<const unsigned char*>(&r);
  buf.insert(buf.end(), head, head + sizeof r);
  const auto* body = static_cast<const unsigned char*>(payload);
  if (bytes) buf.insert(buf.end(), body, body + bytes);
  // One pwrite per record: a kill leaves either the whole record or a tail the scan drops.
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::pwrite(fd_, buf.data() + done, buf.size() - done, static_cast<off_t>(size_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path_, "cannot append to journal");
    }
    done += static_cast<std::size_t>(n);
  }
  size_ += buf.size();
}

void Journal::append(std::span<const grid::Row> rows) {
  std::size_t at = 0;
  while (at < rows.size()) {
    std::size_t end = at + 1;
    while (end < rows.size() && end - at < kMaxRowsPerRecord && rows[end].index == rows[end - 1].index + 1)
      ++end;
    write_record(kRows, rows[at].index, end - at, rows.data() + at, (end - at) * sizeof(grid::Row));
    at = end;
  }
}

void Journal::merge_begin() {
  write_record(kMergeBegin, 0, 0, nullptr, 0);
}

void Journal::merge_end(std::uint64_t merged_bytes) {
  write_record(kMergeEnd, merged_bytes, 0, nullptr, 0);
  if (::fdatasync(fd_) != 0) fail(path_, "cannot sync journal");
}

void Journal::read(std::uint64_t from, std::uint64_t to,
                   const std::function<void(std::span<const grid::Row>)>& fn) const {
  // Records arrive in completion order, from stripes all over the grid. Handing them on in
  // index order lets the results file fill each compressed chunk once instead of recompressing
  // it for every record that touches it; only the record headers are held, not the rows.
  struct Entry {
    std::uint64_t first, count, offset;
  };
  std::vector<Entry> entries;
  std::uint64_t at = std::max<std::uint64_t>(from, sizeof(FileHeader));
  while (at < to) {
    RecordHeader r{};
    if (!read_exact(fd_, &r, sizeof r, at) || r.magic != kRecordMagic)
      throw ResultFileError(path_, "", "journal record unreadable at offset " + std::to_string(at));
    if (r.kind == kRows) entries.push_back({r.first, r.count, at + sizeof r});
    at += sizeof r + payload_bytes(r);
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.first < b.first; });
  std::vector<grid::Row> batch;
  batch.reserve(kBatchRows);
  for (const Entry& e : entries) {
    // A batch holds consecutive rows only, so that each write is one run of the file.
    if (!batch.empty() && (batch.back().index + 1 != e.first || batch.size() >= kBatchRows)) {
      fn(batch);
      batch.clear();
    }
    const std::size_t before = batch.size();
    batch.resize(before + e.count);
    if (!read_exact(fd_, batch.data() + before, e.count * sizeof(grid::Row), e.offset))
      throw ResultFileError(path_, "", "journal record truncated at offset " + std::to_string(e.offset));
  }
  if (!batch.empty()) fn(batch);
}

}  // namespace llmsweep::io
