#include "db/sqlite_connection.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

#include "core/json.h"
#include "db/params.h"
#include "db/sql_text.h"
#include "store/sqlite/sqlite_db.h"

namespace erphub::db {
namespace {

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// The Value of column `i` of the current row, typed by its storage class and declared type.
Value ReadColumn(const store::SqliteStatement& statement, int i) {
  int type = statement.ColumnType(i);
  std::string declared = Upper(statement.DeclaredType(i));
  switch (type) {
    case SQLITE_NULL:
      return Value::Null();
    case SQLITE_INTEGER:
      if (declared.find("BOOL") != std::string::npos) {
        return Value::Bool(statement.Int(i) != 0);
      }
      return Value::Int(statement.Int(i));
    case SQLITE_FLOAT: {
      // SQLite's text of a REAL has 15 significant digits: the decimal that was stored.
      std::optional<Number> number = Number::Parse(statement.Text(i));
      return number.has_value() ? Value::Num(*number) : Value::Str(statement.Text(i));
    }
    default:
      break;
  }
  std::string text = statement.Text(i);
  if (declared.find("TIME") != std::string::npos) {
    return Value::Str(TimestampToIsoUtc(text));
  }
  if (declared.find("JSON") != std::string::npos) {
    auto parsed = ParseJson(text);
    if (parsed.ok()) {
      return std::move(*parsed);
    }
  }
  if (declared.find("NUMERIC") != std::string::npos ||
      declared.find("DECIMAL") != std::string::npos) {
    return NumberOrText(text);
  }
  return Value::Str(std::move(text));
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(std::unique_ptr<store::SqliteDb> db) : db_(std::move(db)) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

  using Connection::Execute;
  Result<QueryResult> Execute(std::string_view sql, std::span<const Value> params,
                              uint64_t max_bytes) override {
    int count = 0;
    std::string text = RewriteParameters(
        sql, [](int index) { return "?" + std::to_string(index + 1); }, &count);
    if (count != static_cast<int>(params.size())) {
      return InvalidArgumentError("the statement has " + std::to_string(count) +
                                  " parameters, given " + std::to_string(params.size()));
    }
    ERPHUB_ASSIGN_OR_RETURN(store::SqliteStatement statement, db_->Prepare(text));
    for (size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i) + 1;
      const Value& value = params[i];
      if (value.is_bool()) {
        statement.Bind(index, value.as_bool() ? 1 : 0);
      } else if (value.is_number() && value.as_number().ToInt64().has_value()) {
        statement.Bind(index, *value.as_number().ToInt64());
      } else if (std::optional<std::string> param = ParamText(value)) {
        statement.Bind(index, *param);
      } else {
        statement.Bind(index, std::nullopt);
      }
    }
    QueryResult result;
    uint64_t bytes = 0;
    while (true) {
      if (max_bytes > 0 && bytes >= max_bytes) {
        result.truncated = true;
        break;
      }
      ERPHUB_ASSIGN_OR_RETURN(bool row, statement.Step());
      if (!row) {
        break;
      }
      int columns = statement.ColumnCount();
      if (result.columns.empty()) {
        for (int i = 0; i < columns; ++i) {
          result.columns.push_back(statement.ColumnName(i));
        }
      }
      std::vector<Value> values;
      std::vector<Value> binds;
      values.reserve(columns);
      binds.reserve(columns);
      for (int i = 0; i < columns; ++i) {
        values.push_back(ReadColumn(statement, i));
        int type = statement.ColumnType(i);
        binds.push_back(type == SQLITE_NULL      ? Value::Null()
                        : type == SQLITE_INTEGER ? Value::Int(statement.Int(i))
                                                 : Value::Str(statement.Text(i)));
        bytes += binds.back().is_string() ? binds.back().as_string().size() : sizeof(int64_t);
      }
      result.rows.push_back(std::move(values));
      result.bind_values.push_back(std::move(binds));
    }
    result.affected = db_->Changes();
    return result;
  }

  Status Begin() override { return db_->Exec("BEGIN IMMEDIATE"); }
  Status Commit() override { return db_->Exec("COMMIT"); }
  void Rollback() override {
    if (db_->InTransaction()) {
      (void)db_->Exec("ROLLBACK");
    }
  }
  bool Broken() const override { return false; }

 private:
  std::unique_ptr<store::SqliteDb> db_;
};

}  // namespace

Result<std::unique_ptr<Connection>> ConnectSqlite(const ConnectionOptions& options) {
  std::string_view url = options.url;
  if (!url.starts_with("sqlite:")) {
    return InvalidArgumentError("an SQLite URL is sqlite:PATH");
  }
  std::filesystem::path path(url.substr(7));
  if (path.empty()) {
    return InvalidArgumentError("an SQLite URL is sqlite:PATH (the path is missing)");
  }
  if (path.is_relative() && !options.base_dir.empty()) {
    path = std::filesystem::path(options.base_dir) / path;
  }
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteDb> db,
                          store::SqliteDb::Open(path.string(), /*create=*/true));
  ERPHUB_TRY(db->Exec("PRAGMA busy_timeout = " + std::to_string(options.timeout_seconds * 1000)));
  return std::unique_ptr<Connection>(std::make_unique<SqliteConnection>(std::move(db)));
}

}  // namespace erphub::db
