#include "db/connection.h"

#include "db/mariadb_connection.h"
#include "db/postgres_connection.h"
#include "db/sqlite_connection.h"

namespace erphub::db {

std::string_view DialectName(Dialect dialect) {
  switch (dialect) {
    case Dialect::kPostgres:
      return "postgresql";
    case Dialect::kSqlite:
      return "sqlite";
    case Dialect::kMariadb:
      return "mariadb";
  }
  return "unknown";
}

Result<Dialect> DialectOfUrl(std::string_view url) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return Dialect::kPostgres;
  }
  if (url.starts_with("sqlite:")) {
    return Dialect::kSqlite;
  }
  if (url.starts_with("mysql://") || url.starts_with("mariadb://")) {
    return Dialect::kMariadb;
  }
  return InvalidArgumentError(
      "a database URL starts with postgresql://, sqlite:, mysql:// or mariadb://");
}

Result<std::unique_ptr<Connection>> Connect(const ConnectionOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(Dialect dialect, DialectOfUrl(options.url));
  switch (dialect) {
    case Dialect::kPostgres:
      return ConnectPostgres(options);
    case Dialect::kSqlite:
      return ConnectSqlite(options);
    case Dialect::kMariadb:
      return ConnectMariadb(options);
  }
  return InternalError("unknown dialect");
}

std::string RedactUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(url);
  }
  size_t authority = scheme + 3;
  size_t end = url.find_first_of("/?#", authority);
  std::string_view hostpart = url.substr(
      authority, end == std::string_view::npos ? std::string_view::npos : end - authority);
  size_t at = hostpart.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(url);
  }
  size_t colon = hostpart.substr(0, at).find(':');
  if (colon == std::string_view::npos) {
    return std::string(url);
  }
  std::string out(url.substr(0, authority + colon + 1));
  out += "[redacted]";
  out += url.substr(authority + at);
  return out;
}

}  // namespace erphub::db
