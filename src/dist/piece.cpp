#include "dist/piece.hpp"

namespace llmsweep::dist {

namespace {

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

PieceWork::PieceWork(const io::SinkLayout& layout, const Evaluate& evaluate, ChunkStandIn stand_in)
    : layout_(layout),
      evaluate_(evaluate),
      stand_in_(std::move(stand_in)),
      columns_(grid::columns(layout.levels, {})),
      encoder_(layout, columns_) {
  if (layout_.keep.keep != grid::Keep::all)
    reducer_ = std::make_unique<grid::Reducer>(layout_.keep, columns_);
}

void PieceWork::start(grid::IndexRange piece) {
  piece_ = piece;
  next_ = piece.begin;
  segment_begin_ = piece.begin;
  rows_.clear();
  if (!reducer_) rows_.reserve(std::min<std::uint64_t>(piece.size(), layout_.chunk_rows));
  started_ = std::chrono::steady_clock::now();
}

std::uint64_t PieceWork::segment_end() const {
  if (reducer_) return piece_.end;
  const std::uint64_t k = layout_.chunk_rows;
  return std::min(piece_.end, (segment_begin_ / k + 1) * k);
}

Report PieceWork::take_segment() {
  Report r;
  r.points = next_ - segment_begin_;
  if (reducer_) {
    r.payload = Payload::kept;
    r.kept = reducer_->take({segment_begin_, next_});
  } else {
    const std::uint64_t k = layout_.chunk_rows;
    const std::uint64_t chunk = segment_begin_ / k;
    const bool whole = segment_begin_ == chunk * k && next_ == std::min((chunk + 1) * k, layout_.points);
    if (whole) {
      r.payload = Payload::chunk;
      r.chunk = stand_in_ && rows_.empty() ? stand_in_(chunk, static_cast<std::uint32_t>(r.points))
                                           : encoder_.encode(chunk, rows_);
    } else {
      r.payload = Payload::rows;
      r.rows.swap(rows_);
    }
    rows_.clear();
  }
  // The segment's cost includes giving its results (encoding a chunk costs about as much as
  // computing cheap points; a stand-in chunk's cost is all here).
  r.seconds = since(started_);
  segment_begin_ = next_;
  started_ = std::chrono::steady_clock::now();
  return r;
}

std::optional<Report> PieceWork::step() {
  if (!active()) return std::nullopt;
  if (stand_in_ && !reducer_ && next_ == segment_begin_ && segment_begin_ % layout_.chunk_rows == 0 &&
      segment_end() == std::min(segment_begin_ + layout_.chunk_rows, layout_.points)) {
    next_ = segment_end();  // a whole chunk, given rather than computed
    return take_segment();
  }
  grid::Row row = evaluate_(next_);
  row.index = next_;
  if (reducer_)
    reducer_->add(row);
  else
    rows_.push_back(row);
  ++next_;
  if (next_ == segment_end()) return take_segment();
  return std::nullopt;
}

std::optional<Report> PieceWork::cut() {
  std::optional<Report> r;
  if (next_ > segment_begin_) r = take_segment();
  piece_.end = next_;
  return r;
}

}  // namespace llmsweep::dist
