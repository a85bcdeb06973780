#pragma once

#include <cstdint>
#include <string_view>

#include "core/value.h"

namespace erphub::db {

// A PostgreSQL value in its text form, typed by its type's oid: int2/4/8, oid and numeric exact
// Numbers (numeric as text when a Number cannot hold every digit), float4/8 Numbers, bool,
// timestamp and timestamptz ISO 8601 UTC strings, json and jsonb parsed; the rest (date, text,
// uuid...) strings. Used for query results and for the values of the replication stream alike.
Value PgTextToValue(uint32_t type_oid, std::string_view text);

}  // namespace erphub::db
