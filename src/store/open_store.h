#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace erphub::store {

// Opens the store a config names: "sqlite:PATH" (also "sqlite://PATH") or a PostgreSQL URL
// ("postgresql://..." or "postgres://...", see postgres/postgres_store.h); anything else is
// kInvalidArgument. With options.apply_migrations, SQLite migrates its file to this build's
// schema; PostgreSQL only creates an empty schema and refuses an older one (MigrateStore).
Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const StoreOptions& options = {});

struct MigrationReport {
  int from_version = 0;  // 0: the store was empty
  int to_version = 0;
};

// Brings the store's schema to this build's version (`erphub migrate`), creating it when
// empty. A newer schema is refused (kFailedPrecondition).
Result<MigrationReport> MigrateStore(std::string_view url, const StoreOptions& options = {});

}  // namespace erphub::store
