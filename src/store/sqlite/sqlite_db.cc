#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace erphub::store {

Status SqliteError(int rc, std::string_view what, std::string_view detail) {
  std::string message(what);
  message += ": ";
  message += detail.empty() ? std::string_view(sqlite3_errstr(rc)) : detail;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status(StatusCode::kResourceExhausted, message + " (disk full)");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return Status(StatusCode::kUnavailable, message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status(StatusCode::kDataLoss, message);
    case SQLITE_CONSTRAINT:
      return Status(StatusCode::kAlreadyExists, message);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status(StatusCode::kPermissionDenied, message);
    default:
      return Status(StatusCode::kInternal, message);
  }
}

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::nullopt_t) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob must not bind as NULL.
  static const char kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                      SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindTextOrNull(int index, std::string_view text) {
  return text.empty() ? Bind(index, std::nullopt) : Bind(index, text);
}

Result<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  sqlite3* db = sqlite3_db_handle(stmt_);
  return SqliteError(rc, "sqlite", sqlite3_errmsg(db));
}

Status SqliteStatement::Run() {
  ERPHUB_ASSIGN_OR_RETURN(bool row, Step());
  (void)row;
  return Status::Ok();
}

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int SqliteStatement::ColumnCount() const { return sqlite3_column_count(stmt_); }

std::string SqliteStatement::ColumnName(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name == nullptr ? std::string() : std::string(name);
}

int SqliteStatement::ColumnType(int column) const { return sqlite3_column_type(stmt_, column); }

std::string SqliteStatement::DeclaredType(int column) const {
  const char* type = sqlite3_column_decltype(stmt_, column);
  return type == nullptr ? std::string() : std::string(type);
}

int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string SqliteStatement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string SqliteStatement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) {
    return {};
  }
  return std::string(static_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool create) {
  // SQLite's memory statistics take a process-wide mutex on every allocation, and each write
  // allocates many times; nothing reads them. Only possible before SQLite's first use, so a
  // process that used SQLite before (another library) keeps them.
  static const bool kNoMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)kNoMemoryStatistics;
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) {
    flags |= SQLITE_OPEN_CREATE;
  }
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status =
        SqliteError(rc, "cannot open store " + path, db != nullptr ? sqlite3_errmsg(db) : "");
    sqlite3_close(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db, path));
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : cache_) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db_);
}

Status SqliteDb::LastError(int rc, std::string_view what) const {
  return SqliteError(rc, std::string(what) + " (" + path_ + ")", sqlite3_errmsg(db_));
}

Status SqliteDb::Exec(std::string_view sql) {
  if (sql.find(';') == std::string_view::npos) {
    // One statement (BEGIN, SAVEPOINT, COMMIT... run for every write): prepared once, reused.
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement statement, Prepare(sql));
    while (true) {
      ERPHUB_ASSIGN_OR_RETURN(bool row, statement.Step());
      if (!row) {
        return Status::Ok();
      }
    }
  }
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return LastError(rc, "sqlite");
  }
  return Status::Ok();
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return LastError(rc, "sqlite prepare");
    }
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return SqliteStatement(it->second);
}

Result<std::string> SqliteDb::QueryText(std::string_view sql) {
  ERPHUB_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  ERPHUB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Text(0) : std::string();
}

int64_t SqliteDb::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

void SqliteDb::OnWalCommit(std::function<void(int log_pages)> committed) {
  wal_committed_ = std::move(committed);
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int log_pages) {
        const auto& committed = static_cast<SqliteDb*>(self)->wal_committed_;
        if (committed) {
          committed(log_pages);
        }
        return SQLITE_OK;
      },
      this);
}

Result<bool> SqliteDb::CheckpointPassive() {
  int log_frames = 0;
  int checkpointed = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                           &checkpointed);
  if (rc != SQLITE_OK) {
    return LastError(rc, "sqlite checkpoint");
  }
  return checkpointed == log_frames;
}

bool SqliteDb::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace erphub::store
