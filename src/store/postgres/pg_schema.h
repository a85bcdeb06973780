#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "store/postgres/pg_conn.h"

namespace erphub::store {

// The schema version this build writes and understands (the same numbering as SQLite's: each
// version means the same tables in both).
int PostgresSchemaVersion();

// The version recorded in schema_version of the connection's current schema (the first of its
// search_path): 0 when that schema holds no tables. kFailedPrecondition when it holds tables but
// no schema_version (not an erphub store).
Result<int> ReadPostgresSchemaVersion(PgConn& conn);

// What an open may do to an older schema.
enum class PgMigration {
  kRefuseOlder,    // any older schema is refused (`erphub migrate` first)
  kCreateIfEmpty,  // an empty schema is created; an older non-empty one is refused
  kUpgrade,        // brings any older schema up to date (`erphub migrate`)
};

// Checks the schema version and migrates per `mode`, one migration per transaction, serialized
// between processes by an advisory lock so that nodes starting together migrate once. A newer
// schema is always refused (kFailedPrecondition). Returns the version found before migrating.
Result<int> MigratePostgresSchema(PgConn& conn, PgMigration mode, const Clock& clock);

}  // namespace erphub::store
