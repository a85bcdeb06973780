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

// The lane queries, read from the partial index deliveries_open_lanes. Each repeats the index's
// condition `state IN (0, 1, 2, 4)`: SQLite reads a partial index only for a query that states
// it, and would scan every delivery ever made otherwise.
// Is a delivery of lane ?1 other than ?2 ready, in flight, or dead and blocking?
extern const char* const kLaneHeadQuery;
// The oldest queued delivery of lane ?1.
extern const char* const kLaneNextQuery;

}  // namespace erphub::store
