#pragma once

// Opening a libpq connection, shared by the folder's PostgreSQL code: the `Connection` of
// postgres_connection.h and the change-data-capture session of pg_replication.h. For the
// folder's own .cc files only (libpq is a private dependency of erphub_db).

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "core/result.h"
#include "db/connection.h"

namespace erphub::db {

// A libpq connection, closed with PQfinish.
using PgConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;

// kYes: a `replication=database` walsender session.
enum class PgReplication : bool { kNo, kYes };

// Connects to `options.url` (a URL or a key=value string) with its password and connect
// timeout, named `application_name` on the server. kUnavailable, with the URL's password
// redacted and the server's message, when it cannot connect.
Result<PgConnPtr> PgConnect(const ConnectionOptions& options, const char* application_name,
                            PgReplication replication = PgReplication::kNo);

// A libpq message without the newlines and spaces it ends with ("" for null).
std::string PgTrimmed(const char* text);

}  // namespace erphub::db
