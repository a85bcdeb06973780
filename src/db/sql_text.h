#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "db/connection.h"

namespace erphub::db {

// A name as an identifier of `dialect`: "a.b" -> "a"."b" (PostgreSQL, SQLite) or `a`.`b`
// (MariaDB); each part quoted, quotes inside doubled.
std::string QuoteIdentifier(Dialect dialect, std::string_view dotted_name);

// Rewrites the `?` parameters of `sql` (those outside quoted strings, quoted identifiers and
// comments) with `replace(index)`, index from 0; the rest is copied. The number of parameters
// found goes to `count` when not null.
std::string RewriteParameters(std::string_view sql,
                              const std::function<std::string(int index)>& replace,
                              int* count = nullptr);

// A timestamp as the database wrote it ("2024-05-01 10:00:00.5+02", "2024-05-01 08:00:00") in
// ISO 8601 UTC: "2024-05-01T08:00:00.5Z" (the fraction without trailing zeros). Text without an
// offset is taken as UTC. Text that is no timestamp (infinity, a date before year 1) is returned as
// it is.
std::string TimestampToIsoUtc(std::string_view text);

}  // namespace erphub::db
