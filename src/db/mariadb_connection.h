#pragma once

#include <memory>

#include "db/connection.h"

namespace erphub::db {

// A connection to MariaDB or MySQL (libmariadb; URL mariadb:// or mysql://user@host:port/db).
// The session runs with time_zone '+00:00' and utf8mb4; updated rows are counted when found.
// Parameters are inlined as literals (strings escaped by the client library for the
// connection's character set, Numbers as their exact decimal digits, so a DECIMAL column
// receives every digit); results are typed by their column's type (integers, DECIMAL, FLOAT,
// DOUBLE, DATETIME, TIMESTAMP; the rest as text).
Result<std::unique_ptr<Connection>> ConnectMariadb(const ConnectionOptions& options);

}  // namespace erphub::db
