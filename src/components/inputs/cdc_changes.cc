#include "components/inputs/cdc_changes.h"

#include <utility>

#include "core/json.h"
#include "db/pg_value.h"

namespace erphub::components::cdc {
namespace {

namespace pgo = db::pgoutput;

using Kind = pgo::TupleValue::Kind;

Headers ChangeHeaders(const std::string& table, std::string_view op) {
  return {{"X-Cdc-Table", table}, {"X-Cdc-Op", std::string(op)}};
}

Value Payload(std::string_view op, const std::string& table, Value key, Value before, Value after,
              const std::string& lsn, Value commit_time) {
  Value payload = Value::MakeObject();
  payload.Set("op", Value::Str(op));
  payload.Set("table", Value::Str(table));
  payload.Set("key", std::move(key));
  payload.Set("before", std::move(before));
  payload.Set("after", std::move(after));
  payload.Set("lsn", Value::Str(lsn));
  payload.Set("commit_time", std::move(commit_time));
  return payload;
}

}  // namespace

Key SnapshotKey(const TableInfo& table, const std::vector<std::optional<std::string>>& fields) {
  Key key;
  key.reserve(table.key_positions.size());
  for (size_t position : table.key_positions) {
    key.push_back(position < fields.size() ? fields[position].value_or("") : "");
  }
  return key;
}

IntakeItem SnapshotItem(const std::string& slot, Lsn start_lsn, Lsn segment_lsn,
                        const TableInfo& table,
                        const std::vector<std::optional<std::string>>& fields) {
  Value row = Value::MakeObject();
  for (size_t c = 0; c < table.columns.size() && c < fields.size(); ++c) {
    row.Set(table.columns[c],
            fields[c].has_value() ? db::PgTextToValue(table.types[c], *fields[c]) : Value::Null());
  }
  Value key = Value::MakeObject();
  for (size_t position : table.key_positions) {
    key.Set(table.columns[position], row.Get(table.columns[position]));
  }
  std::string key_json = ToJson(key);
  IntakeItem item;
  item.event_id =
      "pgcdc:" + slot + ":" + pgo::FormatLsn(start_lsn) + ":read:" + table.name + ":" + key_json;
  item.source = "postgres_cdc snapshot " + table.name + " " + key_json;
  item.headers = ChangeHeaders(table.name, "read");
  item.payload = Payload("read", table.name, std::move(key), Value::Null(), std::move(row),
                         pgo::FormatLsn(segment_lsn), Value::Null());
  return item;
}

void ChangeDecoder::AddRelation(pgo::Relation relation) {
  RelationInfo info;
  info.table =
      (relation.schema.empty() ? std::string("pg_catalog") : relation.schema) + "." + relation.name;
  const TableInfo* table = Table(info.table);
  if (table != nullptr) {
    // The primary key, by column name (the stream's columns may differ after an ALTER TABLE).
    for (size_t position : table->key_positions) {
      for (size_t c = 0; c < relation.columns.size(); ++c) {
        if (relation.columns[c].name == table->columns[position]) {
          info.key_positions.push_back(c);
        }
      }
    }
  }
  if (table == nullptr || info.key_positions.size() != table->key_positions.size()) {
    info.key_positions.clear();
    for (size_t c = 0; c < relation.columns.size(); ++c) {
      if (relation.columns[c].key) {
        info.key_positions.push_back(c);
      }
    }
  }
  info.relation = std::move(relation);
  relations_[info.relation.oid] = std::move(info);
}

const TableInfo* ChangeDecoder::Table(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

Result<const ChangeDecoder::RelationInfo*> ChangeDecoder::Find(uint32_t oid) const {
  auto it = relations_.find(oid);
  if (it == relations_.end()) {
    return ParseError("a change of relation " + std::to_string(oid) +
                      " that the stream did not describe");
  }
  return &it->second;
}

namespace {

// The row of a tuple as an object; unchanged TOAST columns are taken from `old` when it has them
// (REPLICA IDENTITY FULL), else left out and named in `unchanged`.
Result<Value> RowOf(const pgo::Relation& relation, const pgo::Tuple& tuple, const pgo::Tuple* old,
                    std::vector<std::string>* unchanged) {
  if (tuple.size() != relation.columns.size()) {
    return ParseError("a tuple of " + std::to_string(tuple.size()) + " columns for " +
                      relation.name + " of " + std::to_string(relation.columns.size()));
  }
  Value row = Value::MakeObject();
  for (size_t c = 0; c < tuple.size(); ++c) {
    const pgo::RelationColumn& column = relation.columns[c];
    const pgo::TupleValue* value = &tuple[c];
    if (value->kind == Kind::kUnchangedToast && old != nullptr && c < old->size() &&
        (*old)[c].kind == Kind::kText) {
      value = &(*old)[c];
    }
    switch (value->kind) {
      case Kind::kNull:
        row.Set(column.name, Value::Null());
        break;
      case Kind::kText:
        row.Set(column.name, db::PgTextToValue(column.type_oid, value->data));
        break;
      case Kind::kBinary:
        row.Set(column.name, Value::Str(value->data));
        break;
      case Kind::kUnchangedToast:
        if (unchanged != nullptr) {
          unchanged->push_back(column.name);
        }
        break;
    }
  }
  return row;
}

// The key's text values from a tuple; nullopt when one is missing (null or unchanged).
std::optional<Key> KeyOf(const std::vector<size_t>& positions, const pgo::Tuple& tuple) {
  Key key;
  for (size_t position : positions) {
    if (position >= tuple.size() || tuple[position].kind != Kind::kText) {
      return std::nullopt;
    }
    key.push_back(tuple[position].data);
  }
  return key;
}

Value KeyObject(const pgo::Relation& relation, const std::vector<size_t>& positions,
                const pgo::Tuple& tuple) {
  Value key = Value::MakeObject();
  for (size_t position : positions) {
    if (position < tuple.size() && tuple[position].kind == Kind::kText) {
      key.Set(relation.columns[position].name,
              db::PgTextToValue(relation.columns[position].type_oid, tuple[position].data));
    }
  }
  return key;
}

// The old tuple's identity columns only, as 'K' sends them (the others are null).
Value IdentityOf(const pgo::Relation& relation, const pgo::Tuple& tuple) {
  Value row = Value::MakeObject();
  for (size_t c = 0; c < relation.columns.size() && c < tuple.size(); ++c) {
    if (relation.columns[c].key && tuple[c].kind == Kind::kText) {
      row.Set(relation.columns[c].name,
              db::PgTextToValue(relation.columns[c].type_oid, tuple[c].data));
    }
  }
  return row;
}

}  // namespace

StreamChange ChangeDecoder::Make(const RelationInfo& info, std::string_view op, const Value& key,
                                 Value before, Value after, std::vector<std::string> unchanged,
                                 const pgo::Begin& begin, int64_t index) const {
  StreamChange change;
  change.table = info.table;
  std::string key_json = ToJson(key);
  const std::string lsn = pgo::FormatLsn(begin.final_lsn);
  change.item.event_id = "pgcdc:" + slot_ + ":" + lsn + ":" + std::to_string(index);
  change.item.source = "postgres_cdc " + info.table + " " + key_json;
  change.item.headers = ChangeHeaders(info.table, op);
  change.item.payload = Payload(op, info.table, key, std::move(before), std::move(after), lsn,
                                Value::Str(pgo::PgTimeToIsoUtc(begin.commit_time)));
  if (!unchanged.empty()) {
    Value names = Value::MakeArray();
    for (std::string& name : unchanged) {
      names.push_back(Value::Str(std::move(name)));
    }
    change.item.payload.Set("unchanged_toast", std::move(names));
  }
  return change;
}

Result<std::vector<StreamChange>> ChangeDecoder::Decode(const pgo::Message& message,
                                                        const pgo::Begin& begin,
                                                        int64_t index) const {
  std::vector<StreamChange> out;
  if (const auto* insert = std::get_if<pgo::Insert>(&message)) {
    ERPHUB_ASSIGN_OR_RETURN(const RelationInfo* info, Find(insert->relation));
    ERPHUB_ASSIGN_OR_RETURN(Value after,
                            RowOf(info->relation, insert->new_tuple, nullptr, nullptr));
    Value key = KeyObject(info->relation, info->key_positions, insert->new_tuple);
    StreamChange change =
        Make(*info, "insert", key, Value::Null(), std::move(after), {}, begin, index);
    change.new_key = KeyOf(info->key_positions, insert->new_tuple);
    out.push_back(std::move(change));
  } else if (const auto* update = std::get_if<pgo::Update>(&message)) {
    ERPHUB_ASSIGN_OR_RETURN(const RelationInfo* info, Find(update->relation));
    const pgo::Tuple* old = update->old_kind == 'O' ? &update->old_tuple : nullptr;
    std::vector<std::string> unchanged;
    ERPHUB_ASSIGN_OR_RETURN(Value after, RowOf(info->relation, update->new_tuple, old, &unchanged));
    Value before = Value::Null();
    if (update->old_kind == 'O') {
      ERPHUB_ASSIGN_OR_RETURN(before, RowOf(info->relation, update->old_tuple, nullptr, nullptr));
    } else if (update->old_kind == 'K') {
      before = IdentityOf(info->relation, update->old_tuple);
    }
    Value key = KeyObject(info->relation, info->key_positions, update->new_tuple);
    StreamChange change = Make(*info, "update", key, std::move(before), std::move(after),
                               std::move(unchanged), begin, index);
    change.new_key = KeyOf(info->key_positions, update->new_tuple);
    if (update->old_kind != 0) {
      change.old_key = KeyOf(info->key_positions, update->old_tuple);
    }
    out.push_back(std::move(change));
  } else if (const auto* deletion = std::get_if<pgo::Delete>(&message)) {
    ERPHUB_ASSIGN_OR_RETURN(const RelationInfo* info, Find(deletion->relation));
    Value before = Value::Null();
    if (deletion->old_kind == 'O') {
      ERPHUB_ASSIGN_OR_RETURN(before, RowOf(info->relation, deletion->old_tuple, nullptr, nullptr));
    } else {
      before = IdentityOf(info->relation, deletion->old_tuple);
    }
    Value key = KeyObject(info->relation, info->key_positions, deletion->old_tuple);
    StreamChange change =
        Make(*info, "delete", key, std::move(before), Value::Null(), {}, begin, index);
    change.old_key = KeyOf(info->key_positions, deletion->old_tuple);
    out.push_back(std::move(change));
  } else if (const auto* truncate = std::get_if<pgo::Truncate>(&message)) {
    int64_t part = 0;
    for (uint32_t oid : truncate->relations) {
      ERPHUB_ASSIGN_OR_RETURN(const RelationInfo* info, Find(oid));
      StreamChange change =
          Make(*info, "truncate", Value::Null(), Value::Null(), Value::Null(), {}, begin, index);
      if (part > 0) {
        change.item.event_id += "." + std::to_string(part);
      }
      ++part;
      out.push_back(std::move(change));
    }
  }
  return out;
}

}  // namespace erphub::components::cdc
