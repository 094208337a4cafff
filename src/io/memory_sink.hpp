// A sink that keeps results in memory, decoded to rows: for tests and benchmarks.
#pragma once

#include <vector>

#include "io/codec.hpp"
#include "io/sink.hpp"

namespace llmsweep::io {

class MemorySink : public ResultSink {
 public:
  explicit MemorySink(SinkLayout layout)
      : layout_(std::move(layout)),
        columns_(grid::columns(layout_.levels, {})),
        reduced_(layout_.keep, columns_) {}

  const SinkLayout& layout() const override { return layout_; }
  void record(std::span<const grid::Row> rows) override {
    rows_.insert(rows_.end(), rows.begin(), rows.end());
  }
  void record(const EncodedChunk& chunk) override {
    const std::vector<grid::Row> rows = decode_chunk(chunk, columns_, layout_.chunk_rows);
    rows_.insert(rows_.end(), rows.begin(), rows.end());
    ++chunks_;
  }
  void record(const grid::KeptPiece& piece) override {
    reduced_.add(piece);
    pieces_.push_back(piece.range);
  }
  void checkpoint() override { ++checkpoints_; }
  void close() override { closed_ = true; }

  // keep = all: every row recorded (any order); kept files: the merged kept rows.
  std::vector<grid::Row> rows() const {
    return layout_.keep.keep == grid::Keep::all ? rows_ : reduced_.rows();
  }
  const grid::Reducer& reduced() const { return reduced_; }
  const std::vector<grid::IndexRange>& pieces() const { return pieces_; }
  int checkpoints() const { return checkpoints_; }
  int chunks() const { return chunks_; }
  bool closed() const { return closed_; }

 private:
  SinkLayout layout_;
  std::vector<grid::Column> columns_;
  std::vector<grid::Row> rows_;
  grid::Reducer reduced_;
  std::vector<grid::IndexRange> pieces_;
  int checkpoints_ = 0;
  int chunks_ = 0;
  bool closed_ = false;
};

}  // namespace llmsweep::io
