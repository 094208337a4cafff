#include "dist/messages.hpp"

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/binary_object.hpp>
#include <sstream>

#include "common/error.hpp"

namespace llmsweep::dist {
namespace {

constexpr unsigned kArchiveFlags = boost::archive::no_header | boost::archive::no_codecvt;

}  // namespace

std::string encode(const Assignment& a) {
  std::ostringstream out(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(out, kArchiveFlags);
    Assignment copy = a;
    ar << copy;
  }
  return out.str();
}

Assignment decode_assignment(const std::string& bytes) {
  try {
    std::istringstream in(bytes, std::ios::binary);
    boost::archive::binary_iarchive ar(in, kArchiveFlags);
    Assignment a;
    ar >> a;
    return a;
  } catch (const std::exception& e) {
    throw MpiError(std::string("cannot decode a work assignment: ") + e.what());
  }
}

std::string encode(const ResultBatch& b) {
  std::ostringstream out(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(out, kArchiveFlags);
    std::uint64_t first = b.first;
    double seconds = b.seconds;
    bool want_more = b.want_more;
    bool finished = b.finished;
    std::uint64_t count = b.rows.size();
    std::uint32_t row_bytes = sizeof(grid::Row);
    ar << first << seconds << want_more << finished << count << row_bytes;
    if (count)
      ar << boost::serialization::make_binary_object(const_cast<grid::Row*>(b.rows.data()),
                                                     count * sizeof(grid::Row));
  }
  return out.str();
}

ResultBatch decode_batch(const std::string& bytes) {
  try {
    std::istringstream in(bytes, std::ios::binary);
    boost::archive::binary_iarchive ar(in, kArchiveFlags);
    ResultBatch b;
    std::uint64_t count = 0;
    std::uint32_t row_bytes = 0;
    ar >> b.first >> b.seconds >> b.want_more >> b.finished >> count >> row_bytes;
    if (row_bytes != sizeof(grid::Row))
      throw MpiError("a worker sent rows of " + std::to_string(row_bytes) + " bytes, this build uses " +
                     std::to_string(sizeof(grid::Row)) + ": every rank must run the same llmsweep build");
    b.rows.resize(count);
    if (count) {
      auto obj = boost::serialization::make_binary_object(b.rows.data(), count * sizeof(grid::Row));
      ar >> obj;
    }
    return b;
  } catch (const MpiError&) {
    throw;
  } catch (const std::exception& e) {
    throw MpiError(std::string("cannot decode a result batch: ") + e.what());
  }
}

}  // namespace llmsweep::dist
