// The wire format between coordinator and workers, with Boost.Serialization binary archives.
// Results travel as the file stores them: whole chunks already compressed with the file's
// filters (column blocks), raw rows of a chunk computed in pieces, or a reduced piece. Each
// report carries the row size, so a rank of another build is caught, not misread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grid/keep.hpp"
#include "grid/row.hpp"
#include "io/sink.hpp"

namespace llmsweep::dist {

enum Tag : int { kTagReport = 101, kTagAssign = 102, kTagStop = 103 };

// Coordinator -> worker: compute [first, first + count); count 0 means no more work.
struct Assignment {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

enum class Payload : std::uint8_t { none = 0, rows = 1, chunk = 2, kept = 3 };

// Worker -> coordinator: finished results, and what the worker wants next.
struct Report {
  double seconds = 0;        // time spent computing them and encoding their results
  std::uint64_t points = 0;  // points they cover
  bool want_more = false;    // asks for another piece
  bool finished = false;     // the worker stops after this message
  bool stopped = false;      // ... because it was told to stop (by a signal), work undone
  Payload payload = Payload::none;
  std::vector<grid::Row> rows;  // consecutive indices
  io::EncodedChunk chunk;
  grid::KeptPiece kept;
};

std::string encode(const Assignment& a);
std::string encode(const Report& r);
std::string encode(const io::SinkLayout& layout);
Assignment decode_assignment(const std::string& bytes);
Report decode_report(const std::string& bytes);
io::SinkLayout decode_layout(const std::string& bytes);

}  // namespace llmsweep::dist
