#include "components/inputs/cdc_state.h"

#include <cstdlib>
#include <utility>

#include "core/json.h"
#include "core/number.h"

namespace erphub::components::cdc {
namespace {

using db::pgoutput::FormatLsn;
using db::pgoutput::ParseLsn;

Value KeyValue(const Key& key) {
  Value out = Value::MakeArray();
  for (const std::string& part : key) {
    out.push_back(Value::Str(part));
  }
  return out;
}

Result<Key> KeyFrom(const Value& value) {
  if (!value.is_array()) {
    return InvalidArgumentError("a key is not an array");
  }
  Key key;
  for (const Value& part : value.as_array()) {
    if (!part.is_string()) {
      return InvalidArgumentError("a key part is not a string");
    }
    key.emplace_back(part.as_string());
  }
  return key;
}

Result<Lsn> LsnFrom(const Value& value, const char* field) {
  if (!value.is_string()) {
    return InvalidArgumentError(std::string("the state has no ") + field);
  }
  return ParseLsn(value.as_string());
}

int CompareText(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int ComparePart(KeyType type, const std::string& a, const std::string& b) {
  switch (type) {
    case KeyType::kInteger:
    case KeyType::kNumeric: {
      std::optional<Number> x = Number::Parse(a);
      std::optional<Number> y = Number::Parse(b);
      if (x.has_value() && y.has_value()) {
        int c = Compare(*x, *y);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      return CompareText(a, b);
    }
    case KeyType::kText:
    case KeyType::kUuid:
      return CompareText(a, b);
  }
  return 0;
}

}  // namespace

Result<KeyType> KeyTypeOf(uint32_t type_oid, std::string_view type_name) {
  switch (type_oid) {
    case 20:  // int8
    case 21:  // int2
    case 23:  // int4
      return KeyType::kInteger;
    case 1700:
      return KeyType::kNumeric;
    case 25:    // text
    case 1043:  // varchar
      return KeyType::kText;
    case 2950:
      return KeyType::kUuid;
    default:
      return InvalidArgumentError("primary key column type " + std::string(type_name) +
                                  " is not supported (supported: smallint, integer, bigint, "
                                  "numeric, text, varchar, uuid)");
  }
}

int CompareKeys(const std::vector<KeyType>& types, const Key& a, const Key& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int c = ComparePart(i < types.size() ? types[i] : KeyType::kText, a[i], b[i]);
    if (c != 0) {
      return c;
    }
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

const Segment* SegmentOf(const TableState& table, const std::vector<KeyType>& types,
                         const Key& key) {
  const Segment* found = nullptr;
  for (const Segment& segment : table.segments) {
    if (!segment.after.has_value() || CompareKeys(types, *segment.after, key) < 0) {
      found = &segment;
    } else {
      break;
    }
  }
  return found;
}

std::string EncodeState(const CdcState& state) {
  if (state.resnapshot) {
    return R"({"resnapshot":true})";
  }
  Value out = Value::MakeObject();
  out.Set("slot", Value::Str(state.slot));
  out.Set("start_lsn", Value::Str(FormatLsn(state.start_lsn)));
  out.Set("snapshot_done", Value::Bool(state.snapshot_done));
  Value tables = Value::MakeArray();
  for (const TableState& table : state.tables) {
    Value entry = Value::MakeObject();
    entry.Set("name", Value::Str(table.name));
    entry.Set("last", table.last.has_value() ? KeyValue(*table.last) : Value::Null());
    entry.Set("done", Value::Bool(table.done));
    Value segments = Value::MakeArray();
    for (const Segment& segment : table.segments) {
      Value item = Value::MakeObject();
      item.Set("after", segment.after.has_value() ? KeyValue(*segment.after) : Value::Null());
      item.Set("lsn", Value::Str(FormatLsn(segment.lsn)));
      segments.push_back(std::move(item));
    }
    entry.Set("segments", std::move(segments));
    tables.push_back(std::move(entry));
  }
  out.Set("tables", std::move(tables));
  if (state.staged > 0) {
    out.Set("staged", Value::Int(state.staged));
    out.Set("expanded", Value::Int(state.expanded));
    out.Set("expanded_rows", Value::Int(state.expanded_rows));
  }
  out.Set("lsn", Value::Str(FormatLsn(state.lsn)));
  if (state.partial_index > 0) {
    out.Set("partial_lsn", Value::Str(FormatLsn(state.partial_lsn)));
    out.Set("partial_index", Value::Int(state.partial_index));
  }
  return ToJson(out);
}

Result<CdcState> DecodeState(std::string_view json) {
  ERPHUB_ASSIGN_OR_RETURN(Value in, ParseJson(json));
  if (!in.is_object()) {
    return InvalidArgumentError("the stored state is not an object");
  }
  CdcState state;
  if (in.Get("resnapshot").is_bool() && in.Get("resnapshot").as_bool()) {
    state.resnapshot = true;
    return state;
  }
  if (!in.Get("slot").is_string()) {
    return InvalidArgumentError("the stored state has no slot");
  }
  state.slot = std::string(in.Get("slot").as_string());
  ERPHUB_ASSIGN_OR_RETURN(state.start_lsn, LsnFrom(in.Get("start_lsn"), "start_lsn"));
  state.snapshot_done = in.Get("snapshot_done").is_bool() && in.Get("snapshot_done").as_bool();
  ERPHUB_ASSIGN_OR_RETURN(state.lsn, LsnFrom(in.Get("lsn"), "lsn"));
  if (in.Get("partial_lsn").is_string()) {
    ERPHUB_ASSIGN_OR_RETURN(state.partial_lsn, LsnFrom(in.Get("partial_lsn"), "partial_lsn"));
    state.partial_index = in.Get("partial_index").is_number()
                              ? in.Get("partial_index").as_number().ToInt64().value_or(0)
                              : 0;
  }
  for (auto [field, target] :
       {std::pair{"staged", &state.staged}, std::pair{"expanded", &state.expanded},
        std::pair{"expanded_rows", &state.expanded_rows}}) {
    const Value& count = in.Get(field);
    *target = count.is_number() ? count.as_number().ToInt64().value_or(0) : 0;
  }
  if (state.expanded > state.staged) {
    return InvalidArgumentError("the stored state has more chunks expanded than staged");
  }
  const Value& tables = in.Get("tables");
  if (!tables.is_array()) {
    return InvalidArgumentError("the stored state has no tables");
  }
  for (const Value& entry : tables.as_array()) {
    TableState table;
    if (!entry.Get("name").is_string()) {
      return InvalidArgumentError("a stored table has no name");
    }
    table.name = std::string(entry.Get("name").as_string());
    if (!entry.Get("last").is_null()) {
      ERPHUB_ASSIGN_OR_RETURN(table.last, KeyFrom(entry.Get("last")));
    }
    table.done = entry.Get("done").is_bool() && entry.Get("done").as_bool();
    if (entry.Get("segments").is_array()) {
      for (const Value& item : entry.Get("segments").as_array()) {
        Segment segment;
        if (!item.Get("after").is_null()) {
          ERPHUB_ASSIGN_OR_RETURN(segment.after, KeyFrom(item.Get("after")));
        }
        ERPHUB_ASSIGN_OR_RETURN(segment.lsn, LsnFrom(item.Get("lsn"), "segment lsn"));
        table.segments.push_back(std::move(segment));
      }
    }
    state.tables.push_back(std::move(table));
  }
  return state;
}

}  // namespace erphub::components::cdc
