#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "components/component.h"
#include "components/inputs/cdc_state.h"
#include "db/pgoutput.h"

namespace erphub::components::cdc {

// A captured table as the source database describes it.
struct TableInfo {
  std::string name;  // schema.table
  std::vector<std::string> columns;
  std::vector<uint32_t> types;
  std::vector<size_t> key_positions;  // of the primary key's columns, in key order
  std::vector<KeyType> key_types;
};

// A row read in the snapshot, as a message:
// {"op":"read","table":...,"key":{...},"before":null,"after":{row},"lsn":segment,...}. Its event
// id (slot, the slot's start, table and key) makes a row read twice (a crash before its commit)
// one message.
IntakeItem SnapshotItem(const std::string& slot, Lsn start_lsn, Lsn segment_lsn,
                        const TableInfo& table,
                        const std::vector<std::optional<std::string>>& fields);
// The key of a snapshot row.
Key SnapshotKey(const TableInfo& table, const std::vector<std::optional<std::string>>& fields);

// One change of the replication stream, as a message, with the keys it touches (to find the
// snapshot segment that may already hold it).
struct StreamChange {
  std::string table;
  std::optional<Key> old_key;
  std::optional<Key> new_key;
  IntakeItem item;
};

// Turns pgoutput's row changes into messages. Keeps the relations the stream described
// (Relation messages come once per session and table, before its first change).
class ChangeDecoder {
 public:
  // `tables` by schema.table: their primary keys name the `key` of a change (without them, the
  // relation's replica identity columns do).
  ChangeDecoder(std::string slot, std::map<std::string, TableInfo> tables)
      : slot_(std::move(slot)), tables_(std::move(tables)) {}

  void AddRelation(db::pgoutput::Relation relation);

  // The messages of one Insert, Update, Delete or Truncate (one per table) of the transaction
  // `begin`; `index` is the change's place in its transaction (counted over all of them), for
  // its event id. kParse for a change of a relation the stream did not describe or a tuple that
  // does not fit it.
  Result<std::vector<StreamChange>> Decode(const db::pgoutput::Message& message,
                                           const db::pgoutput::Begin& begin, int64_t index) const;

  const TableInfo* Table(const std::string& name) const;

 private:
  struct RelationInfo {
    db::pgoutput::Relation relation;
    std::string table;
    std::vector<size_t> key_positions;
  };
  Result<const RelationInfo*> Find(uint32_t oid) const;
  StreamChange Make(const RelationInfo& info, std::string_view op, const Value& key, Value before,
                    Value after, std::vector<std::string> unchanged,
                    const db::pgoutput::Begin& begin, int64_t index) const;

  std::string slot_;
  std::map<std::string, TableInfo> tables_;
  std::map<uint32_t, RelationInfo> relations_;
};

}  // namespace erphub::components::cdc
