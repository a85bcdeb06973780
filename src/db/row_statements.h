#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "db/connection.h"

namespace erphub::db {

// What a write does with a row, by its key columns. Each is idempotent: repeating it with the
// same row changes nothing.
enum class WriteOperation {
  kUpsert,  // insert, or update the row with this key (a unique key or primary key on them)
  kInsert,  // insert; a row with this key is left as it is
  kUpdate,  // update the row with this key; none there is kNotFound
  kDelete,  // delete the row with this key; none there is fine
};

// One row: column names and their values (the key columns among them).
struct RowValues {
  std::vector<std::string> columns;
  std::vector<Value> values;
};

struct Statement {
  std::string sql;  // with ? parameters
  std::vector<Value> params;
};

// The statement that applies `operation` to `row` in `table` (a dotted name, quoted here) of
// `dialect`. Upserts update only when a value differs, so a repeated upsert writes nothing.
// kInvalidArgument when a key column is missing or null, or an update has nothing to set.
Result<Statement> WriteStatement(Dialect dialect, WriteOperation operation, std::string_view table,
                                 std::span<const std::string> key, const RowValues& row);

}  // namespace erphub::db
