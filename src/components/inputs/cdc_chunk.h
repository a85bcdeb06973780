#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "components/inputs/cdc_changes.h"
#include "core/result.h"

namespace erphub::components::cdc {

// A chunk of snapshot rows staged in the store before they become messages. Its text is a
// header line (JSON: the table, its columns, their type oids, the primary key's column positions
// and the consistent point of the snapshot read), then the rows in COPY text format, one per
// line; it is stored compressed (zstd), about a fifth of its size. The header keeps the table's
// shape as it was read, so a chunk expands the same after an ALTER TABLE.
std::string ChunkHeader(const TableInfo& table, Lsn lsn);

// The stored form of a chunk's text.
std::string PackChunk(std::string_view text);

class Chunk {
 public:
  // kParse naming what is wrong with a stored chunk that does not have that form.
  static Result<Chunk> Unpack(std::string_view stored);

  const TableInfo& table() const { return table_; }  // without key_types
  Lsn lsn() const { return lsn_; }
  size_t rows() const { return rows_.size(); }
  // Row `i` without its newline.
  std::string_view row(size_t i) const {
    return std::string_view(text_).substr(rows_[i].first, rows_[i].second);
  }

 private:
  std::string text_;
  TableInfo table_;
  Lsn lsn_ = 0;
  std::vector<std::pair<size_t, size_t>> rows_;  // offset and length in text_
};

}  // namespace erphub::components::cdc
