#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Output `sql`: writes each message's rows into a table of PostgreSQL, SQLite or MariaDB by key
// (upsert, insert, update or delete; each idempotent, so a replayed delivery changes nothing).
//
// A message is one row (an object) or several (an array, or what `rows` selects). A row's
// columns are its top-level fields, or what the `columns` expressions give. Values keep their
// type: Numbers are bound as their exact decimal digits, so a NUMERIC/DECIMAL column receives
// every digit.
//
// Batching: deliveries that arrive while a batch is written (several workers) are written
// together in the next batch, up to `batch_size` messages, in one transaction. When a row
// fails, its batch is rolled back and each message of it is written again on its own, so that
// only the failing one is reported: constraint violations and bad values are permanent
// failures with the database's message; a lost connection or an unreachable server is
// transient (the connection is opened again on the next attempt).
ComponentSpec SqlOutputSpec();
Result<std::unique_ptr<Component>> MakeSqlOutput(const ComponentConfig& config,
                                                 const ComponentEnv& env);

}  // namespace erphub::components
