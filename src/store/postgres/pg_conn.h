#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct pg_conn;
struct pg_result;

namespace erphub::store {

// The URL with its password (user info or `password=` parameter) replaced by "***": the only
// form of a PostgreSQL URL that may appear in an error or a log.
std::string RedactPostgresUrl(std::string_view url);

// Parameters of one statement, numbered $1, $2, ... in the order added. Text travels as text;
// bytes (AddBytes) travel in binary, so any byte survives.
class PgParams {
 public:
  PgParams& Add(std::string_view text);
  PgParams& Add(const std::string& text) { return Add(std::string_view(text)); }
  PgParams& Add(const char* text) { return Add(std::string_view(text)); }
  PgParams& Add(int64_t value);
  PgParams& Add(int value) { return Add(static_cast<int64_t>(value)); }
  PgParams& Add(bool value);
  PgParams& AddNull();
  // NULL when empty.
  PgParams& AddTextOrNull(std::string_view text);
  PgParams& AddOptional(const std::optional<std::string>& text);
  PgParams& AddBytes(std::string_view bytes);

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class PgConn;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
};

// The rows a statement returned, in text form.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result, &Free) {}

  int rows() const;
  bool empty() const { return rows() == 0; }
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  // A bytea column selected as encode(column, 'hex').
  std::string HexBytes(int row, int column) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  int64_t affected() const;

 private:
  static void Free(pg_result* result);
  std::unique_ptr<pg_result, void (*)(pg_result*)> result_{nullptr, &Free};
};

// One libpq connection with a cache of prepared statements. Not thread-safe: the pool hands it
// to one caller at a time.
class PgConn {
 public:
  // Connects to `url` (postgresql://...); kUnavailable when the server cannot be reached. Errors
  // name the redacted URL, never the password.
  static Result<std::unique_ptr<PgConn>> Connect(const std::string& url);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs one statement (prepared once per connection and kept) with its parameters.
  Result<PgResult> Query(const std::string& sql, const PgParams& params = {});
  // Runs one or more statements without parameters (DDL, BEGIN, COMMIT); only one while
  // statements are deferred.
  Status Exec(const std::string& sql);
  // Called with a deferred statement's rows when its answer arrives.
  using OnRows = std::function<void(const PgResult& rows)>;

  // Sends a statement without waiting for its answer (a lock, an insert, BEGIN): the next Query
  // or Exec sends its own statement after it and waits for all of them at once (libpq's
  // pipeline mode), one round trip instead of one each. That call then fails with the first
  // error among them. `on_rows`, if given, gets the statement's rows then, unless it failed.
  Status Defer(const std::string& sql, const PgParams& params = {}, OnRows on_rows = nullptr);
  // Waits for the deferred statements, if any: their first error. Before COMMIT, so that a
  // connection lost while they ran is known to have committed nothing.
  Status Flush();

  // False once the connection was lost (or a pipeline on it ended unexpectedly): the pool
  // discards it.
  bool healthy() const;
  // Also true while statements are deferred (they may have begun one).
  bool in_transaction() const;

 private:
  // A statement sent in pipeline mode whose answer is not read yet.
  struct Sent {
    std::string sql;
    bool prepare;  // its preparation, not its execution
    OnRows on_rows;
  };

  PgConn(pg_conn* conn, std::string redacted_url);
  Status ErrorOf(pg_result* result, std::string_view sql);
  static void ToArrays(const PgParams& params, std::vector<const char*>& values,
                       std::vector<int>& lengths);
  // The prepared statement's name; prepares it first (sent, in pipeline mode).
  Result<const std::string*> Prepared(const std::string& sql);
  // Ends the pipeline: reads every answer; the last one's rows are returned.
  Result<PgResult> Collect();

  pg_conn* conn_;
  std::string redacted_url_;
  std::map<std::string, std::string, std::less<>> prepared_;
  int statements_ = 0;   // names prepared statements s1, s2, ...
  bool broken_ = false;  // a pipeline ended in a way that left its state unknown
  std::vector<Sent> sent_;
};

// Maps a PostgreSQL SQLSTATE to a Status code: connection problems (class 08, shutdown 57P01..3)
// kUnavailable, serialization failures and deadlocks kUnavailable (IsPgRetryable), unique
// violations kAlreadyExists, disk full / out of memory / too many connections (class 53)
// kResourceExhausted, authentication (28) kPermissionDenied, a missing database (3D000)
// kNotFound, anything else kInternal.
StatusCode PgStatusCode(std::string_view sqlstate);
// Serialization failure or deadlock: the transaction may simply be run again.
bool IsPgRetryable(const Status& status);

}  // namespace erphub::store
