#include "io/codec.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

namespace llmsweep::io {

std::size_t column_bytes(grid::ColumnType t) {
  switch (t) {
    case grid::ColumnType::u8:
      return 1;
    case grid::ColumnType::u16:
      return 2;
    case grid::ColumnType::i64:
    case grid::ColumnType::f64:
      return 8;
  }
  return 8;
}

struct ChunkEncoder::Impl {
  libdeflate_compressor* compressor = nullptr;
  std::vector<unsigned char> shuffled;  // every column's byte planes, as the shuffle filter lays them out
  // Blocks of columns that hold one value all through a chunk (most inputs do), by value: the
  // same bytes every time, compressed once.
  std::map<std::string, std::vector<unsigned char>> constant_blocks;
  std::vector<unsigned char> compressed;  // one column's block, before it is appended
};

ChunkEncoder::ChunkEncoder(const SinkLayout& layout, std::vector<grid::Column> columns)
    : impl_(std::make_unique<Impl>()), layout_(layout), columns_(std::move(columns)) {
  impl_->compressor = libdeflate_alloc_compressor(layout.deflate_level);
  if (!impl_->compressor) throw std::runtime_error("cannot allocate a deflate compressor");
}

ChunkEncoder::~ChunkEncoder() {
  libdeflate_free_compressor(impl_->compressor);
}

EncodedChunk ChunkEncoder::encode(std::uint64_t chunk, std::span<const grid::Row> rows) {
  Impl& m = *impl_;
  const std::size_t n = layout_.chunk_rows;
  const std::size_t columns = columns_.size();
  static const grid::Row pending{};
  // Every column's planes, filled a block of rows at a time so that the rows stay in cache;
  // on the way, which columns hold one value all through the chunk.
  std::vector<std::size_t> at(columns);
  std::vector<std::uint64_t> first(columns, 0);
  std::vector<char> constant(columns, rows.size() == n ? 1 : 0);
  std::size_t total = 0;
  for (std::size_t c = 0; c < columns; ++c) {
    at[c] = total;
    total += column_bytes(columns_[c].type) * n;
    if (!rows.empty())
      std::memcpy(&first[c], reinterpret_cast<const unsigned char*>(&rows[0]) + columns_[c].offset,
                  column_bytes(columns_[c].type));
  }
  // Columns constant through the chunk are not shuffled: their block comes from the cache.
  for (const grid::Row& r : rows)
    for (std::size_t c = 0; c < columns; ++c)
      if (constant[c]) {
        std::uint64_t v = 0;
        std::memcpy(&v, reinterpret_cast<const unsigned char*>(&r) + columns_[c].offset,
                    column_bytes(columns_[c].type));
        constant[c] = v == first[c] ? 1 : 0;
      }
  std::vector<char> known(columns, 0);
  for (std::size_t c = 0; c < columns; ++c)
    known[c] = constant[c] && m.constant_blocks.count(std::string(reinterpret_cast<const char*>(&first[c]),
                                                                  column_bytes(columns_[c].type)));
  m.shuffled.resize(total);
  constexpr std::size_t kBlock = 128;
  for (std::size_t b = 0; b < n; b += kBlock) {
    const std::size_t end = std::min(n, b + kBlock);
    for (std::size_t c = 0; c < columns; ++c) {
      if (known[c]) continue;
      const std::size_t size = column_bytes(columns_[c].type);
      const std::size_t offset = columns_[c].offset;
      unsigned char* planes = m.shuffled.data() + at[c];
      for (std::size_t i = b; i < end; ++i) {
        const auto* value =
            reinterpret_cast<const unsigned char*>(i < rows.size() ? &rows[i] : &pending) + offset;
        std::uint64_t v = 0;
        std::memcpy(&v, value, size);
        for (std::size_t j = 0; j < size; ++j) planes[j * n + i] = static_cast<unsigned char>(v >> (8 * j));
      }
    }
  }
  EncodedChunk out;
  out.chunk = chunk;
  out.rows = static_cast<std::uint32_t>(rows.size());
  out.sizes.reserve(columns);
  out.bytes.reserve(rows.size() * 32);
  for (std::size_t c = 0; c < columns; ++c) {
    const std::size_t size = column_bytes(columns_[c].type);
    std::vector<unsigned char>* cached = nullptr;
    if (constant[c]) {
      if (m.constant_blocks.size() > 4096) m.constant_blocks.clear();
      cached = &m.constant_blocks[std::string(reinterpret_cast<const char*>(&first[c]), size)];
    }
    if (!cached || cached->empty()) {
      const std::size_t bytes = size * n;
      m.compressed.resize(libdeflate_zlib_compress_bound(m.compressor, bytes));
      const std::size_t got = libdeflate_zlib_compress(m.compressor, m.shuffled.data() + at[c], bytes,
                                                       m.compressed.data(), m.compressed.size());
      if (got == 0) throw std::runtime_error("deflate failed on column " + columns_[c].name);
      if (cached) cached->assign(m.compressed.data(), m.compressed.data() + got);
      out.bytes.insert(out.bytes.end(), m.compressed.data(), m.compressed.data() + got);
      out.sizes.push_back(static_cast<std::uint32_t>(got));
    } else {
      out.bytes.insert(out.bytes.end(), cached->begin(), cached->end());
      out.sizes.push_back(static_cast<std::uint32_t>(cached->size()));
    }
  }
  return out;
}

std::vector<unsigned char> decode_block(std::span<const unsigned char> block, std::size_t element_bytes,
                                        std::uint32_t chunk_rows) {
  struct Decompressor {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    ~Decompressor() { libdeflate_free_decompressor(d); }
  };
  thread_local Decompressor dec;
  if (!dec.d) throw std::runtime_error("cannot allocate a deflate decompressor");
  const std::size_t n = chunk_rows, want = n * element_bytes;
  std::vector<unsigned char> planes(want), out(want);
  std::size_t got = 0;
  if (libdeflate_zlib_decompress(dec.d, block.data(), block.size(), planes.data(), want, &got) !=
          LIBDEFLATE_SUCCESS ||
      got != want)
    throw std::runtime_error("a column block does not decode to " + std::to_string(want) + " bytes");
  if (element_bytes == 1) return planes;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < element_bytes; ++j) out[i * element_bytes + j] = planes[j * n + i];
  return out;
}

std::vector<grid::Row> decode_chunk(const EncodedChunk& chunk, const std::vector<grid::Column>& columns,
                                    std::uint32_t chunk_rows, const std::vector<std::string>& only) {
  if (chunk.sizes.size() != columns.size())
    throw std::runtime_error("a chunk has " + std::to_string(chunk.sizes.size()) + " columns, the schema " +
                             std::to_string(columns.size()));
  std::vector<grid::Row> rows(chunk.rows);
  for (std::uint32_t i = 0; i < chunk.rows; ++i) rows[i].index = chunk.chunk * chunk_rows + i;
  std::size_t at = 0;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (at + chunk.sizes[c] > chunk.bytes.size())
      throw std::runtime_error("a chunk's column blocks are short");
    const std::size_t size = column_bytes(columns[c].type);
    if (!only.empty() && std::find(only.begin(), only.end(), columns[c].name) == only.end()) {
      at += chunk.sizes[c];
      continue;
    }
    const std::vector<unsigned char> values =
        decode_block({chunk.bytes.data() + at, chunk.sizes[c]}, size, chunk_rows);
    at += chunk.sizes[c];
    for (std::uint32_t i = 0; i < chunk.rows; ++i)
      std::memcpy(reinterpret_cast<unsigned char*>(&rows[i]) + columns[c].offset, values.data() + i * size,
                  size);
  }
  if (at != chunk.bytes.size()) throw std::runtime_error("a chunk carries bytes beyond its column blocks");
  return rows;
}

}  // namespace llmsweep::io
