#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace erphub::store {

// Maps an SQLite result code to a Status: disk full is kResourceExhausted, busy/locked and I/O
// errors kUnavailable, corruption kDataLoss, constraint violations kAlreadyExists.
Status SqliteError(int rc, std::string_view what, std::string_view detail);

// A prepared statement borrowed from the connection's cache; reset and unbound when destroyed.
// Columns and parameters are numbered as in SQLite (parameters from 1, columns from 0).
class SqliteStatement {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement(SqliteStatement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  ~SqliteStatement();

  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  SqliteStatement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  SqliteStatement& Bind(int index, std::nullopt_t);
  SqliteStatement& BindBlob(int index, std::string_view bytes);
  // Binds NULL when empty.
  SqliteStatement& BindTextOrNull(int index, std::string_view text);

  // Advances: true when a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();

  bool IsNull(int column) const;
  // The shape of the current row: column count, names, SQLite storage class (SQLITE_INTEGER,
  // SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL) and declared type ("" if none).
  int ColumnCount() const;
  std::string ColumnName(int column) const;
  int ColumnType(int column) const;
  std::string DeclaredType(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

// One SQLite connection with a cache of prepared statements. Not thread-safe: the owner
// serializes access.
class SqliteDb {
 public:
  // Opens (creating when allowed) the database file.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool create);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  // A statement prepared once per connection and reused.
  Result<SqliteStatement> Prepare(std::string_view sql);
  // The first column of the first row as text, for pragmas; empty when no row.
  Result<std::string> QueryText(std::string_view sql);

  int64_t LastInsertRowid() const;
  int Changes() const;
  // False when SQLite has rolled back the open transaction on its own (e.g. on disk full).
  bool InTransaction() const;
  const std::string& path() const { return path_; }
  // Calls `committed` after each commit with the write-ahead log's size in pages, instead of
  // SQLite's automatic checkpoints (nullptr: no calls, and no automatic checkpoints either).
  void OnWalCommit(std::function<void(int log_pages)> committed);
  // Copies what it can of the write-ahead log into the database file without waiting for
  // anyone (also from inside an OnWalCommit callback). True when the whole log is in the file
  // now, so that the next write transaction starts the log over instead of growing it.
  Result<bool> CheckpointPassive();

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status LastError(int rc, std::string_view what) const;

  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
  std::function<void(int)> wal_committed_;
};

}  // namespace erphub::store
