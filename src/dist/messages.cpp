#include "dist/messages.hpp"

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/array.hpp>
#include <boost/serialization/binary_object.hpp>
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <sstream>

#include "common/error.hpp"

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, llmsweep::dist::Assignment& a, unsigned /*version*/) {
  ar& a.first& a.count;
}

template <class Archive>
void save(Archive& ar, const llmsweep::grid::KeepRule& k, unsigned /*version*/) {
  const auto keep = static_cast<std::uint8_t>(k.keep);
  ar << keep << k.by << k.count;
}

template <class Archive>
void load(Archive& ar, llmsweep::grid::KeepRule& k, unsigned /*version*/) {
  std::uint8_t keep = 0;
  ar >> keep >> k.by >> k.count;
  if (keep > static_cast<std::uint8_t>(llmsweep::grid::Keep::best))
    throw std::runtime_error("unknown keep rule");
  k.keep = static_cast<llmsweep::grid::Keep>(keep);
}

template <class Archive>
void serialize(Archive& ar, llmsweep::grid::KeepRule& k, unsigned version) {
  split_free(ar, k, version);
}

template <class Archive>
void serialize(Archive& ar, llmsweep::io::SinkLayout& l, unsigned /*version*/) {
  ar& l.points& l.chunk_rows& l.levels& l.deflate_level& l.keep;
}

}  // namespace boost::serialization

namespace llmsweep::dist {
namespace {

constexpr unsigned kArchiveFlags = boost::archive::no_header | boost::archive::no_codecvt;

// Rows go as one block of bytes: they are trivially copyable and every rank runs one build.
template <class Archive>
void save_rows(Archive& ar, const std::vector<grid::Row>& rows) {
  std::uint64_t n = rows.size();
  ar << n;
  if (n)
    ar << boost::serialization::make_binary_object(const_cast<grid::Row*>(rows.data()),
                                                   n * sizeof(grid::Row));
}

template <class Archive>
void load_rows(Archive& ar, std::vector<grid::Row>& rows, std::size_t bytes_left) {
  std::uint64_t n = 0;
  ar >> n;
  if (n > bytes_left / sizeof(grid::Row)) throw MpiError("a report claims more rows than it carries");
  rows.resize(n);
  if (n) {
    auto obj = boost::serialization::make_binary_object(rows.data(), n * sizeof(grid::Row));
    ar >> obj;
  }
}

template <class T, class Fn>
std::string write(const T& value, Fn&& fn) {
  std::ostringstream out(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(out, kArchiveFlags);
    fn(ar, value);
  }
  return out.str();
}

template <class T, class Fn>
T read(const std::string& bytes, const char* what, Fn&& fn) {
  try {
    std::istringstream in(bytes, std::ios::binary);
    boost::archive::binary_iarchive ar(in, kArchiveFlags);
    T value;
    fn(ar, value);
    return value;
  } catch (const MpiError&) {
    throw;
  } catch (const std::exception& e) {
    throw MpiError(std::string("cannot decode ") + what + ": " + e.what());
  }
}

}  // namespace

std::string encode(const Assignment& a) {
  return write(a, [](auto& ar, const Assignment& v) { ar << v; });
}

Assignment decode_assignment(const std::string& bytes) {
  return read<Assignment>(bytes, "a work assignment", [](auto& ar, Assignment& v) { ar >> v; });
}

std::string encode(const io::SinkLayout& layout) {
  return write(layout, [](auto& ar, const io::SinkLayout& v) { ar << v; });
}

io::SinkLayout decode_layout(const std::string& bytes) {
  return read<io::SinkLayout>(bytes, "the results layout", [](auto& ar, io::SinkLayout& v) { ar >> v; });
}

std::string encode(const Report& r) {
  return write(r, [](auto& ar, const Report& v) {
    const std::uint32_t row_bytes = sizeof(grid::Row);
    const auto payload = static_cast<std::uint8_t>(v.payload);
    ar << row_bytes << v.seconds << v.points << v.want_more << v.finished << v.stopped << payload;
    switch (v.payload) {
      case Payload::none:
        break;
      case Payload::rows:
        save_rows(ar, v.rows);
        break;
      case Payload::chunk: {
        const std::uint64_t bytes = v.chunk.bytes.size();
        ar << v.chunk.chunk << v.chunk.rows << v.chunk.sizes << bytes;
        if (bytes)
          ar << boost::serialization::make_binary_object(const_cast<unsigned char*>(v.chunk.bytes.data()),
                                                         bytes);
        break;
      }
      case Payload::kept:
        ar << v.kept.range.begin << v.kept.range.end << v.kept.counts << v.kept.empty_groups;
        save_rows(ar, v.kept.rows);
        break;
    }
  });
}

Report decode_report(const std::string& bytes) {
  return read<Report>(bytes, "a result report", [&bytes](auto& ar, Report& v) {
    std::uint32_t row_bytes = 0;
    std::uint8_t payload = 0;
    ar >> row_bytes;
    if (row_bytes != sizeof(grid::Row))
      throw MpiError("a worker sent rows of " + std::to_string(row_bytes) + " bytes, this build uses " +
                     std::to_string(sizeof(grid::Row)) + ": every rank must run the same llmsweep build");
    ar >> v.seconds >> v.points >> v.want_more >> v.finished >> v.stopped >> payload;
    if (payload > static_cast<std::uint8_t>(Payload::kept)) throw MpiError("a report of unknown kind");
    v.payload = static_cast<Payload>(payload);
    switch (v.payload) {
      case Payload::none:
        break;
      case Payload::rows:
        load_rows(ar, v.rows, bytes.size());
        break;
      case Payload::chunk: {
        std::uint64_t n = 0;
        ar >> v.chunk.chunk >> v.chunk.rows >> v.chunk.sizes >> n;
        if (n > bytes.size()) throw MpiError("a report claims more bytes than it carries");
        v.chunk.bytes.resize(n);
        if (n) {
          auto obj = boost::serialization::make_binary_object(v.chunk.bytes.data(), n);
          ar >> obj;
        }
        break;
      }
      case Payload::kept:
        ar >> v.kept.range.begin >> v.kept.range.end >> v.kept.counts >> v.kept.empty_groups;
        load_rows(ar, v.kept.rows, bytes.size());
        break;
    }
  });
}

}  // namespace llmsweep::dist
