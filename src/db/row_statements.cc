#include "db/row_statements.h"

#include <algorithm>

#include "db/sql_text.h"

namespace erphub::db {
namespace {

bool IsKey(std::span<const std::string> key, const std::string& column) {
  return std::find(key.begin(), key.end(), column) != key.end();
}

std::string Joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) {
      out += separator;
    }
    out += part;
  }
  return out;
}

// The last part of a dotted name: what SQLite calls the target table in an upsert.
std::string_view LastPart(std::string_view name) {
  size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

}  // namespace

Result<Statement> WriteStatement(Dialect dialect, WriteOperation operation, std::string_view table,
                                 std::span<const std::string> key, const RowValues& row) {
  auto q = [&](std::string_view name) { return QuoteIdentifier(dialect, name); };
  std::vector<Value> key_values;
  for (const std::string& column : key) {
    auto it = std::find(row.columns.begin(), row.columns.end(), column);
    if (it == row.columns.end() || row.values[it - row.columns.begin()].is_null() ||
        row.values[it - row.columns.begin()].is_undefined()) {
      return InvalidArgumentError("the key column " + column + " has no value");
    }
    key_values.push_back(row.values[it - row.columns.begin()]);
  }
  std::vector<std::string> key_conditions;
  for (const std::string& column : key) {
    key_conditions.push_back(q(column) + " = ?");
  }
  Statement statement;
  if (operation == WriteOperation::kDelete) {
    statement.sql = "DELETE FROM " + q(table) + " WHERE " + Joined(key_conditions, " AND ");
    statement.params = std::move(key_values);
    return statement;
  }
  std::vector<std::string> others;  // non-key columns, quoted
  std::vector<Value> other_values;
  for (size_t i = 0; i < row.columns.size(); ++i) {
    if (!IsKey(key, row.columns[i])) {
      others.push_back(q(row.columns[i]));
      other_values.push_back(row.values[i]);
    }
  }
  if (operation == WriteOperation::kUpdate) {
    if (others.empty()) {
      return InvalidArgumentError("an update needs a column besides the key");
    }
    std::vector<std::string> sets;
    for (const std::string& column : others) {
      sets.push_back(column + " = ?");
    }
    statement.sql = "UPDATE " + q(table) + " SET " + Joined(sets, ", ") + " WHERE " +
                    Joined(key_conditions, " AND ");
    statement.params = std::move(other_values);
    statement.params.insert(statement.params.end(), key_values.begin(), key_values.end());
    return statement;
  }
  std::vector<std::string> columns;
  std::vector<std::string> marks;
  for (const std::string& column : row.columns) {
    columns.push_back(q(column));
    marks.push_back("?");
  }
  std::vector<std::string> key_columns;
  for (const std::string& column : key) {
    key_columns.push_back(q(column));
  }
  statement.sql = "INSERT INTO " + q(table);
  if (dialect == Dialect::kPostgres) {
    statement.sql += " AS target";
  }
  statement.sql += " (" + Joined(columns, ", ") + ") VALUES (" + Joined(marks, ", ") + ")";
  statement.params = row.values;
  bool update = operation == WriteOperation::kUpsert && !others.empty();
  if (dialect == Dialect::kMariadb) {
    // A duplicate key updates (to the same values: no change), or sets a key to itself.
    std::vector<std::string> sets;
    if (update) {
      for (const std::string& column : others) {
        sets.push_back(column + " = VALUES(" + column + ")");
      }
    } else {
      sets.push_back(key_columns.front() + " = " + key_columns.front());
    }
    statement.sql += " ON DUPLICATE KEY UPDATE " + Joined(sets, ", ");
    return statement;
  }
  statement.sql += " ON CONFLICT (" + Joined(key_columns, ", ") + ")";
  if (!update) {
    statement.sql += " DO NOTHING";
    return statement;
  }
  std::string target = dialect == Dialect::kPostgres ? "target" : q(LastPart(table));
  std::string differs = dialect == Dialect::kPostgres ? " IS DISTINCT FROM " : " IS NOT ";
  std::vector<std::string> sets;
  std::vector<std::string> changes;
  for (const std::string& column : others) {
    sets.push_back(column + " = excluded." + column);
    changes.push_back(target + "." + column + differs + "excluded." + column);
  }
  statement.sql += " DO UPDATE SET " + Joined(sets, ", ") + " WHERE " + Joined(changes, " OR ");
  return statement;
}

}  // namespace erphub::db
