// The wire format between coordinator and workers, with Boost.Serialization binary archives.
// Rows travel as one binary block (they are trivially copyable and every rank runs the same
// build); each batch carries the row size so a mismatched build is caught, not misread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grid/row.hpp"

namespace llmsweep::dist {

enum Tag : int { kTagResult = 101, kTagAssign = 102, kTagStop = 103 };

// Coordinator -> worker: compute [first, first + count); count 0 means no more work.
struct Assignment {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& first& count;
  }
};

// Worker -> coordinator: finished rows (consecutive indices), and what the worker wants next.
struct ResultBatch {
  std::uint64_t first = 0;
  double seconds = 0;      // time spent computing these rows
  bool want_more = false;  // asks for another chunk
  bool finished = false;   // the worker stops after this message
  std::vector<grid::Row> rows;
};

std::string encode(const Assignment& a);
std::string encode(const ResultBatch& b);
Assignment decode_assignment(const std::string& bytes);
ResultBatch decode_batch(const std::string& bytes);

}  // namespace llmsweep::dist
