#pragma once

#include <memory>

#include "db/connection.h"

namespace erphub::db {

// A connection to an SQLite database file (URL sqlite:PATH), through the store's SqliteDb.
// Types follow the declared column types: DATETIME/TIMESTAMP text becomes ISO 8601 UTC, BOOL
// integers booleans, JSON text parsed; REAL values become exact Numbers of SQLite's 15-digit
// text. Parameters: integral Numbers bind as integers, other Numbers as their exact text (a
// NUMERIC column converts them as SQLite does).
Result<std::unique_ptr<Connection>> ConnectSqlite(const ConnectionOptions& options);

}  // namespace erphub::db
