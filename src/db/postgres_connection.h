#pragma once

#include <memory>

#include "db/connection.h"

namespace erphub::db {

// A connection to PostgreSQL (libpq; URL postgresql://user@host:port/db?params, as libpq reads
// it). The session runs with TimeZone UTC and DateStyle ISO; parameters are sent as text and
// typed by the server from their place (a NUMERIC column receives every digit); results are read
// as text and typed by their column's type (int2/4/8, numeric, float4/8, bool, date, timestamp,
// timestamptz, json, jsonb; the rest as text).
Result<std::unique_ptr<Connection>> ConnectPostgres(const ConnectionOptions& options);

}  // namespace erphub::db
