#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/pgoutput.h"

namespace erphub::components::cdc {

using db::pgoutput::Lsn;

// The primary key types the postgres_cdc input can order the same way in C++ as PostgreSQL
// orders them in SQL: integers (int2, int4, int8) and numeric by value, text and varchar by
// bytes (read with COLLATE "C"), uuid by its bytes (its lowercase text). Other types are refused.
enum class KeyType { kInteger, kNumeric, kText, kUuid };
// kInvalidArgument naming the type for any other.
Result<KeyType> KeyTypeOf(uint32_t type_oid, std::string_view type_name);

// A primary key as the values' PostgreSQL text, in the key's column order.
using Key = std::vector<std::string>;
// <0, 0, >0 as a < b in the order of ORDER BY the key's columns (tuples compared column by
// column). Text that a column's type cannot parse compares as text.
int CompareKeys(const std::vector<KeyType>& types, const Key& a, const Key& b);

// Keys (after, next after] of a table were read in a snapshot whose consistent point is `lsn`:
// transactions committed before it are in the rows read.
struct Segment {
  std::optional<Key> after;  // nullopt: from the first key
  Lsn lsn = 0;
};

struct TableState {
  std::string name;         // schema.table
  std::optional<Key> last;  // the last key read; nullopt: none yet
  bool done = false;
  std::vector<Segment> segments;
};

// What the postgres_cdc input keeps in the store (JSON, under "postgres-cdc:FLOW"), committed
// with each batch of messages.
struct CdcState {
  std::string slot;
  Lsn start_lsn = 0;  // the slot's consistent point: its snapshot and the start of its stream
  bool snapshot_done = false;  // every snapshot row is read and staged
  std::vector<TableState> tables;
  // Snapshot rows are staged in the store in chunks numbered from 0, then turned into messages:
  // chunks below `expanded` are, and the first `expanded_rows` rows of chunk `expanded`.
  int64_t staged = 0;
  int64_t expanded = 0;
  int64_t expanded_rows = 0;
  // Streaming: every transaction whose commit record is before `lsn` is committed; of the one at
  // `partial_lsn`, the first `partial_index` changes are (a big transaction committed in parts).
  Lsn lsn = 0;
  Lsn partial_lsn = 0;
  int64_t partial_index = 0;
  // Written by `erphub cdc resnapshot`: begin anew with a fresh slot and snapshot.
  bool resnapshot = false;
};

std::string EncodeState(const CdcState& state);
Result<CdcState> DecodeState(std::string_view json);

// The segment of `table` that holds `key` (the last whose `after` is below it); null when the
// table has none.
const Segment* SegmentOf(const TableState& table, const std::vector<KeyType>& types,
                         const Key& key);

}  // namespace erphub::components::cdc
