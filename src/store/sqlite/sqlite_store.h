#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace erphub::store {

// Opens (creating when absent, with its parent folders) the SQLite store at `path`: WAL
// journal, synchronous FULL or NORMAL per options.fsync, schema migrated to this build's version.
// Fails with kDataLoss when the file is torn or corrupt, kFailedPrecondition when its schema is
// newer than this build's (or older and options.apply_migrations is false).
//
// One process may write at a time; all writes of the process go through one connection whose
// transactions are shared by concurrent callers (group commit). Reads use a second connection
// and do not wait for writes.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options = {});

}  // namespace erphub::store
