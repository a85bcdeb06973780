#include "store/open_store.h"

#include <string>

#include "store/postgres/pg_conn.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace erphub::store {

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const StoreOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    std::string_view path = url.substr(kSqlite.size());
    if (path.starts_with("//")) {
      path.remove_prefix(2);
    }
    if (path.empty()) {
      return InvalidArgumentError("the sqlite store URL names no file", std::string(url));
    }
    return OpenSqliteStore(std::string(path), options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgresStore(std::string(url), options);
  }
  return InvalidArgumentError("unknown store URL; expected sqlite:PATH or postgresql://...",
                              RedactPostgresUrl(url));
}

}  // namespace erphub::store
