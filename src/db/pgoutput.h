#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace erphub::db::pgoutput {

// The bytes of PostgreSQL's logical replication stream, decoded without any I/O: the CopyBoth
// frames of the streaming replication protocol (XLogData, primary keepalive, the standby status
// update erphub sends) and the messages of the `pgoutput` plugin, protocol version 1. Every read
// is bounds-checked: bad or truncated bytes give kParse with the offset, never a crash.

// A WAL position, written as PostgreSQL writes it: "16/B374D848" (hex high and low 32 bits).
using Lsn = uint64_t;
std::string FormatLsn(Lsn lsn);
// kInvalidArgument when `text` is not of that form.
Result<Lsn> ParseLsn(std::string_view text);

// Microseconds since 2000-01-01 00:00:00 UTC (PostgreSQL's epoch) as ISO 8601 UTC:
// "2024-05-01T10:00:00.123456Z" (the fraction without trailing zeros).
std::string PgTimeToIsoUtc(int64_t microseconds);

// --- CopyBoth frames ---

// 'w': WAL data; `data` is one pgoutput message.
struct XLogData {
  Lsn start = 0;
  Lsn wal_end = 0;
  int64_t send_time = 0;
  std::string_view data;  // points into the frame given to DecodeFrame
};
// 'k': the server's heartbeat; `reply_requested` asks for a status update now.
struct Keepalive {
  Lsn wal_end = 0;
  int64_t send_time = 0;
  bool reply_requested = false;
};
using Frame = std::variant<XLogData, Keepalive>;
Result<Frame> DecodeFrame(std::string_view frame);

// 'r': what the client has written, flushed and applied (all `flushed` here: erphub reports
// only what its store committed), at `now` (PostgreSQL epoch microseconds).
std::string EncodeStandbyStatus(Lsn flushed, int64_t now, bool reply_requested);

// --- pgoutput messages ---

struct Begin {
  Lsn final_lsn = 0;  // of the commit record
  int64_t commit_time = 0;
  uint32_t xid = 0;
};
struct Commit {
  uint8_t flags = 0;
  Lsn commit_lsn = 0;
  Lsn end_lsn = 0;  // just past the commit record: where to resume after this transaction
  int64_t commit_time = 0;
};
struct Origin {
  Lsn commit_lsn = 0;
  std::string name;
};
struct RelationColumn {
  bool key = false;  // part of the replica identity
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_modifier = 0;
};
struct Relation {
  uint32_t oid = 0;
  std::string schema;  // empty for pg_catalog
  std::string name;
  char replica_identity = 'd';  // d default (primary key), n nothing, f full, i index
  std::vector<RelationColumn> columns;
};
struct Type {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
};
struct TupleValue {
  enum class Kind : char { kNull = 'n', kUnchangedToast = 'u', kText = 't', kBinary = 'b' };
  Kind kind = Kind::kNull;
  std::string data;
};
using Tuple = std::vector<TupleValue>;
struct Insert {
  uint32_t relation = 0;
  Tuple new_tuple;
};
// old_kind: 'K' (the replica identity's columns, the others null), 'O' (the whole old row,
// REPLICA IDENTITY FULL) or 0 (none sent).
struct Update {
  uint32_t relation = 0;
  char old_kind = 0;
  Tuple old_tuple;
  Tuple new_tuple;
};
struct Delete {
  uint32_t relation = 0;
  char old_kind = 'K';
  Tuple old_tuple;
};
struct Truncate {
  uint8_t options = 0;  // 1 CASCADE, 2 RESTART IDENTITY
  std::vector<uint32_t> relations;
};
struct LogicalMessage {
  bool transactional = false;
  Lsn lsn = 0;
  std::string prefix;
  std::string content;
};
using Message = std::variant<Begin, Commit, Origin, Relation, Type, Insert, Update, Delete,
                             Truncate, LogicalMessage>;

// Decodes one pgoutput (version 1) message. kParse for unknown message types, truncated
// messages, bytes left over and impossible counts.
Result<Message> DecodeMessage(std::string_view bytes);

}  // namespace erphub::db::pgoutput
