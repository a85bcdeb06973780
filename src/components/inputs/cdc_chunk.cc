#include "components/inputs/cdc_chunk.h"

#include <utility>

#include "core/json.h"

namespace erphub::components::cdc {

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

Result<Chunk> ParseChunk(std::string_view text) {
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
  Chunk chunk;
  chunk.table.name = std::string(header.Get("table").as_string());
  for (size_t c = 0; c < columns.as_array().size(); ++c) {
    const Value& type = types.as_array()[c];
    if (!columns.as_array()[c].is_string() || !type.is_number()) {
      return ParseError("a staged snapshot chunk's header has a bad column");
    }
    chunk.table.columns.emplace_back(columns.as_array()[c].as_string());
    chunk.table.types.push_back(static_cast<uint32_t>(type.as_number().ToInt64().value_or(0)));
  }
  for (const Value& position : key.as_array()) {
    int64_t p = position.is_number() ? position.as_number().ToInt64().value_or(-1) : -1;
    if (p < 0 || static_cast<size_t>(p) >= chunk.table.columns.size()) {
      return ParseError("a staged snapshot chunk's header has a bad key column");
    }
    chunk.table.key_positions.push_back(static_cast<size_t>(p));
  }
  ERPHUB_ASSIGN_OR_RETURN(chunk.lsn, db::pgoutput::ParseLsn(header.Get("lsn").as_string()));
  for (size_t start = end + 1; start < text.size();) {
    size_t stop = text.find('\n', start);
    if (stop == std::string_view::npos) {
      stop = text.size();
    }
    chunk.rows.push_back(text.substr(start, stop - start));
    start = stop + 1;
  }
  return chunk;
}

}  // namespace erphub::components::cdc
