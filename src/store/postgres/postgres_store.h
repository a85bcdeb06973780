#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace erphub::store {

// Opens the PostgreSQL store at `url` (postgresql://user@host:port/db?options=..., any libpq
// URI). Tables live in the connection's current schema (the first of its search_path, e.g. set
// with `options=-csearch_path%3Dhub`). Several processes may open the same store and share the
// work: claims lock ready heads with FOR UPDATE SKIP LOCKED, and every decision about a lane's
// head locks the lane's row in `lanes`, so per-key order holds across nodes.
//
// Schema: an empty schema is created (nodes starting together create it once); an older one is
// refused with a message to run `erphub migrate` (MigratePostgresStore), so a node of a newer
// release does not change the schema under nodes still running the older one; a newer one is
// always refused. options.apply_migrations = false refuses an empty schema too.
//
// options.fsync: kFull commits with synchronous_commit = on (acknowledged = on the server's
// disk); kNormal with synchronous_commit = off (survives an erphub crash; a server crash may
// lose the last commits). Errors never contain the password.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const StoreOptions& options = {});

// Brings the schema at `url` to this build's version (creating it when empty); returns the
// version found before. A newer schema is refused.
Result<int> MigratePostgresStore(const std::string& url, const StoreOptions& options = {});

}  // namespace erphub::store
