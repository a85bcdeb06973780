#include "store/open_store.h"

#include <string>

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
    return Status(StatusCode::kUnimplemented, "the PostgreSQL store is not available yet");
  }
  return InvalidArgumentError("unknown store URL; expected sqlite:PATH", std::string(url));
}

}  // namespace erphub::store
