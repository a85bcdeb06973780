#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "store/sqlite/sqlite_db.h"

namespace erphub::store {

// The schema version this build writes and understands.
int SqliteSchemaVersion();

// The version recorded in the database's schema_version table: 0 for an empty database.
// kFailedPrecondition for a database that holds tables but is not an erphub store.
Result<int> ReadSchemaVersion(SqliteDb& db);

// Brings the schema to SqliteSchemaVersion(), one migration per transaction, recording each in
// schema_version. Refuses (kFailedPrecondition) a newer schema, and an older one when `apply` is
// false.
Status MigrateSchema(SqliteDb& db, bool apply, const Clock& clock);

}  // namespace erphub::store
