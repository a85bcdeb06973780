#include "db/pg_value.h"

#include <optional>

#include "core/json.h"
#include "core/number.h"
#include "db/params.h"
#include "db/sql_text.h"

namespace erphub::db {
namespace {

// Type oids of pg_type (stable across versions).
constexpr uint32_t kBool = 16;
constexpr uint32_t kInt8 = 20;
constexpr uint32_t kInt2 = 21;
constexpr uint32_t kInt4 = 23;
constexpr uint32_t kOid = 26;
constexpr uint32_t kJson = 114;
constexpr uint32_t kFloat4 = 700;
constexpr uint32_t kFloat8 = 701;
constexpr uint32_t kTimestamp = 1114;
constexpr uint32_t kTimestampTz = 1184;
constexpr uint32_t kNumeric = 1700;
constexpr uint32_t kJsonb = 3802;

}  // namespace

Value PgTextToValue(uint32_t type_oid, std::string_view text) {
  switch (type_oid) {
    case kBool:
      return Value::Bool(text == "t");
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
    case kNumeric:
      return NumberOrText(text);
    case kFloat4:
    case kFloat8: {
      std::optional<Number> number = Number::Parse(text);
      return number.has_value() ? Value::Num(*number) : Value::Str(text);
    }
    case kTimestamp:
    case kTimestampTz:
      return Value::Str(TimestampToIsoUtc(text));
    case kJson:
    case kJsonb: {
      auto parsed = ParseJson(text);
      return parsed.ok() ? std::move(*parsed) : Value::Str(text);
    }
    default:
      return Value::Str(text);
  }
}

}  // namespace erphub::db
