#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "components/inputs/cdc_changes.h"
#include "core/result.h"

namespace erphub::components::cdc {

// A chunk of snapshot rows staged in the store before they become messages: a header line
// (JSON: the table, its columns, their type oids, the primary key's column positions and the
// consistent point of the snapshot read), then the rows in COPY text format, one per line.
// The header keeps the table's shape as it was read, so a chunk expands the same after an
// ALTER TABLE.
std::string ChunkHeader(const TableInfo& table, Lsn lsn);

struct Chunk {
  TableInfo table;  // without key_types
  Lsn lsn = 0;
  std::vector<std::string_view> rows;  // into the parsed text, newlines cut off
};

// kParse naming what is wrong with a chunk that does not have that form.
Result<Chunk> ParseChunk(std::string_view text);

}  // namespace erphub::components::cdc
