#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"

namespace erphub::db {

// The SQL databases erphub reads and writes through one small interface (the sql input and
// output): PostgreSQL (libpq), SQLite and MariaDB/MySQL (libmariadb).
enum class Dialect { kPostgres, kSqlite, kMariadb };
std::string_view DialectName(Dialect dialect);

// Rows a query returned. Values are typed as the database typed them: integers and decimals are
// exact Numbers (NUMERIC/DECIMAL keep every digit a Number holds), floats Numbers from their
// shortest text, booleans bools, timestamps ISO 8601 strings in UTC ("2024-05-01T10:00:00Z",
// with the fraction the database keeps), dates "YYYY-MM-DD", JSON columns parsed, NULL null,
// the rest strings.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  // Each value in the form to bind to compare it with the same column again (a watermark),
  // without a round trip through the typed form: the database's own text (PostgreSQL,
  // MariaDB), an integer or the text (SQLite), null for NULL. JSON-safe, to be kept.
  std::vector<std::vector<Value>> bind_values;
  // Rows changed by a statement that returns none (updated rows counted when found, even if
  // their values stayed).
  int64_t affected = 0;
  // Reading stopped at the byte bound the query was run with: rows may be left unread.
  bool truncated = false;
};

// One connection to a database. Statements use `?` for parameters (outside quotes); each
// parameter is bound from a Value: null -> NULL, bool, Number as its exact decimal text (so a
// NUMERIC column receives every digit), string as text, objects and arrays as JSON text.
//
// Errors: kUnavailable (transient) when the connection is lost or the server is away, busy or
// in recovery, deadlocks and serialization failures included; kAlreadyExists or
// kFailedPrecondition for constraint violations, kInvalidArgument for bad SQL or values, each
// with the database's own message. After a kUnavailable error the connection is Broken(): open
// another. Not thread-safe: one user at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // With `max_bytes` above 0, rows are read one at a time and reading stops after the row that
  // takes their data (the values' lengths as the database sends them) to `max_bytes`: at least
  // one row comes back, never the whole of a result too large to hold. The statement is then
  // cancelled (PostgreSQL; inside a transaction that aborts it) or its rest read and dropped
  // (MariaDB).
  virtual Result<QueryResult> Execute(std::string_view sql, std::span<const Value> params,
                                      uint64_t max_bytes) = 0;
  Result<QueryResult> Execute(std::string_view sql, std::span<const Value> params) {
    return Execute(sql, params, 0);
  }
  Result<QueryResult> Execute(std::string_view sql) { return Execute(sql, {}, 0); }
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // Best effort: a connection that cannot roll back is Broken().
  virtual void Rollback() = 0;
  virtual bool Broken() const = 0;
};

// Where and how to connect.
struct ConnectionOptions {
  // postgresql://user@host:port/db?params (postgres:// too), sqlite:PATH, mysql:// or
  // mariadb://user@host:port/db.
  std::string url;
  // Used when the URL has none.
  std::string password;
  // Relative sqlite: paths resolve against this folder (the config's); empty: the working one.
  std::string base_dir;
  // Connect and statement timeout (PostgreSQL, MariaDB), and SQLite's wait for a lock.
  int timeout_seconds = 30;
};

// The dialect a URL names; kInvalidArgument for any other scheme.
Result<Dialect> DialectOfUrl(std::string_view url);

// Connects. kUnavailable when the server cannot be reached, kInvalidArgument for a bad URL.
Result<std::unique_ptr<Connection>> Connect(const ConnectionOptions& options);

// The URL with its password, if any, replaced by "[redacted]", for messages.
std::string RedactUrl(std::string_view url);

}  // namespace erphub::db
