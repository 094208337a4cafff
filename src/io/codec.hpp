// The file's own encoding of /points chunks: the shuffle filter, then deflate (a zlib stream),
// exactly the filter pipeline the columns are created with, so that HDF5 (and every reader)
// decodes chunks that were compressed elsewhere. Workers encode; rank 0 only moves bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "grid/row.hpp"
#include "grid/schema.hpp"
#include "io/sink.hpp"

namespace llmsweep::io {

std::size_t column_bytes(grid::ColumnType t);

// One per thread: holds the compressor and scratch buffers.
class ChunkEncoder {
 public:
  ChunkEncoder(const SinkLayout& layout, std::vector<grid::Column> columns);
  ~ChunkEncoder();
  ChunkEncoder(const ChunkEncoder&) = delete;
  ChunkEncoder& operator=(const ChunkEncoder&) = delete;

  // Encodes the rows of chunk `chunk` (rows[i] is point chunk * chunk_rows + i; fewer rows than
  // chunk_rows only at the grid's end: the rest of an edge chunk holds the pending row, as HDF5
  // stores edge chunks whole). A point not computed yet is a default (pending) Row.
  EncodedChunk encode(std::uint64_t chunk, std::span<const grid::Row> rows);

  const std::vector<grid::Column>& columns() const { return columns_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SinkLayout layout_;
  std::vector<grid::Column> columns_;
};

// Decodes one column's block back into chunk_rows values of its element size (raw bytes).
// Throws std::runtime_error on a block that does not decode to exactly that size.
std::vector<unsigned char> decode_block(std::span<const unsigned char> block, std::size_t element_bytes,
                                        std::uint32_t chunk_rows);

// Decodes an encoded chunk into rows: the index, and every column of the schema (or only those
// named in `only`; the others keep the pending row's values).
std::vector<grid::Row> decode_chunk(const EncodedChunk& chunk, const std::vector<grid::Column>& columns,
                                    std::uint32_t chunk_rows, const std::vector<std::string>& only = {});

}  // namespace llmsweep::io
