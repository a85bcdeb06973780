#include "components/inputs/cdc_chunk.h"

#include <zstd.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "core/json.h"

namespace erphub::components::cdc {
namespace {

// Fast and still about 5x on COPY text: the chunk is compressed beside the next read.
constexpr int kCompressionLevel = 1;
// A chunk is a few MiB or one row; a frame claiming more than this is damaged.
constexpr unsigned long long kMaxChunkText = 1ull << 32;
// The first buffer: room for a chunk compressed up to 8x, or at least this.
constexpr size_t kFirstBuffer = 1 << 20;

}  // namespace

std::string ChunkHeader(const TableInfo& table, Lsn lsn) {
  Value header = Value::MakeObject();
  header.Set("table", Value::Str(table.name));
  Value columns = Value::MakeArray();
  Value types = Value::MakeArray();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    columns.push_back(Value::Str(table.columns[c]));
    types.push_back(Value::Int(table.types[c]));
  }
  Value key = Value::MakeArray();
  for (size_t position : table.key_positions) {
    key.push_back(Value::Int(static_cast<int64_t>(position)));
  }
  header.Set("columns", std::move(columns));
  header.Set("types", std::move(types));
  header.Set("key", std::move(key));
  header.Set("lsn", Value::Str(db::pgoutput::FormatLsn(lsn)));
  return ToJson(header) + "\n";
}

std::string PackChunk(std::string_view text) {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, kCompressionLevel);
  // A checksum of the text, verified on unpacking: damage is found, not expanded into rows.
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
  std::string packed(ZSTD_compressBound(text.size()), '\0');
  size_t size =
      ZSTD_compress2(context.get(), packed.data(), packed.size(), text.data(), text.size());
  // Only a too small buffer fails, and compressBound rules that out.
  packed.resize(ZSTD_isError(size) ? 0 : size);
  return packed;
}

Result<Chunk> Chunk::Unpack(std::string_view stored) {
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxChunkText) {
    return ParseError("a staged snapshot chunk is not a zstd frame of known size");
  }
  auto damaged = [](std::string_view why) {
    return ParseError("a staged snapshot chunk does not decompress: " + std::string(why));
  };
  // The buffer grows with what the frame gives, up to one byte past the size it claims, so a
  // frame that claims more than it holds allocates no more than it holds.
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  Chunk chunk;
  chunk.text_.resize(
      std::min<unsigned long long>(size + 1, std::max(kFirstBuffer, 8 * stored.size())));
  ZSTD_inBuffer in{stored.data(), stored.size(), 0};
  ZSTD_outBuffer out{chunk.text_.data(), chunk.text_.size(), 0};
  while (true) {
    const size_t in_before = in.pos;
    const size_t out_before = out.pos;
    const size_t left = ZSTD_decompressStream(context.get(), &out, &in);
    if (ZSTD_isError(left)) {
      return damaged(ZSTD_getErrorName(left));
    }
    if (left == 0) {
      break;  // the frame is whole and its checksum holds
    }
    if (out.pos == out.size) {
      if (out.size > size) {
        return damaged("longer than its header says");
      }
      chunk.text_.resize(std::min<unsigned long long>(size + 1, 2 * chunk.text_.size()));
      out.dst = chunk.text_.data();
      out.size = chunk.text_.size();
    } else if (in.pos == in.size || (in.pos == in_before && out.pos == out_before)) {
      return damaged("cut short");
    }
  }
  if (out.pos != size || in.pos != in.size) {
    return damaged("not the size its header says, or bytes after it");
  }
  chunk.text_.resize(out.pos);
  std::string_view text = chunk.text_;
  size_t end = text.find('\n');
  if (end == std::string_view::npos) {
    return ParseError("a staged snapshot chunk has no header line");
  }
  ERPHUB_ASSIGN_OR_RETURN(Value header, ParseJson(text.substr(0, end)));
  const Value& columns = header.Get("columns");
  const Value& types = header.Get("types");
  const Value& key = header.Get("key");
  if (!header.Get("table").is_string() || !columns.is_array() || !types.is_array() ||
      !key.is_array() || !header.Get("lsn").is_string() ||
      columns.as_array().size() != types.as_array().size()) {
    return ParseError("a staged snapshot chunk's header lacks its table's shape");
  }
  chunk.table_.name = std::string(header.Get("table").as_string());
  for (size_t c = 0; c < columns.as_array().size(); ++c) {
    const Value& type = types.as_array()[c];
    if (!columns.as_array()[c].is_string() || !type.is_number()) {
      return ParseError("a staged snapshot chunk's header has a bad column");
    }
    chunk.table_.columns.emplace_back(columns.as_array()[c].as_string());
    chunk.table_.types.push_back(static_cast<uint32_t>(type.as_number().ToInt64().value_or(0)));
  }
  for (const Value& position : key.as_array()) {
    int64_t p = position.is_number() ? position.as_number().ToInt64().value_or(-1) : -1;
    if (p < 0 || static_cast<size_t>(p) >= chunk.table_.columns.size()) {
      return ParseError("a staged snapshot chunk's header has a bad key column");
    }
    chunk.table_.key_positions.push_back(static_cast<size_t>(p));
  }
  Result<Lsn> lsn = db::pgoutput::ParseLsn(header.Get("lsn").as_string());
  if (!lsn.ok()) {
    return ParseError("a staged snapshot chunk's header has a bad lsn");
  }
  chunk.lsn_ = *lsn;
  for (size_t start = end + 1; start < text.size();) {
    size_t stop = text.find('\n', start);
    if (stop == std::string_view::npos) {
      stop = text.size();
    }
    chunk.rows_.emplace_back(start, stop - start);
    start = stop + 1;
  }
  return chunk;
}

}  // namespace erphub::components::cdc
