#include "store/open_store.h"

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace erphub::store {

namespace {

// The file of an sqlite: URL; nullopt for other URLs.
Result<std::optional<std::string>> SqlitePath(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (!url.starts_with(kSqlite)) {
    return std::optional<std::string>();
  }
  std::string_view path = url.substr(kSqlite.size());
  if (path.starts_with("//")) {
    path.remove_prefix(2);
  }
  if (path.empty()) {
    return InvalidArgumentError("the sqlite store URL names no file", std::string(url));
  }
  return std::optional<std::string>(std::string(path));
}

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

}  // namespace

Result<MigrationReport> MigrateStore(std::string_view url, const StoreOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(std::optional<std::string> path, SqlitePath(url));
  if (path) {
    MigrationReport report;
    report.to_version = SqliteSchemaVersion();
    {
      // As OpenSqliteStore does: a new store's folder is created (a failure is its to report).
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(*path).parent_path(), ec);
      ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(*path, true));
      ERPHUB_ASSIGN_OR_RETURN(report.from_version, ReadSchemaVersion(*db));
    }
    StoreOptions migrate = options;
    migrate.apply_migrations = true;
    ERPHUB_TRY(OpenSqliteStore(*path, migrate).status());
    return report;
  }
  if (IsPostgresUrl(url)) {
    MigrationReport report;
    report.to_version = PostgresSchemaVersion();
    ERPHUB_ASSIGN_OR_RETURN(report.from_version, MigratePostgresStore(std::string(url), options));
    return report;
  }
  return InvalidArgumentError("unknown store URL; expected sqlite:PATH or postgresql://...",
                              RedactPostgresUrl(url));
}

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const StoreOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(std::optional<std::string> path, SqlitePath(url));
  if (path) {
    return OpenSqliteStore(*path, options);
  }
  if (IsPostgresUrl(url)) {
    return OpenPostgresStore(std::string(url), options);
  }
  return InvalidArgumentError("unknown store URL; expected sqlite:PATH or postgresql://...",
                              RedactPostgresUrl(url));
}

}  // namespace erphub::store
