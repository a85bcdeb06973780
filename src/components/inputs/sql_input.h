#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Input `sql`: polls a table or query of PostgreSQL, SQLite or MariaDB for new and changed rows
// and emits each as a message (columns -> a JSON object: integers and decimals exact Numbers,
// timestamps ISO 8601 UTC strings, JSON columns parsed).
//
// Rows are read in the order of the watermark columns (e.g. [updated_at, id]: the change time,
// then a unique column to order rows changed at the same time), `batch` at a time, from the
// watermark after the last row committed. The messages of a batch and the watermark after them
// are committed in one transaction of the hub's store (Intake::AcceptWithState, under
// "sql-input:FLOW"): a restart resumes exactly there, with no row lost or emitted twice, also
// when rows with the same change time straddle two batches. Each change's event id (its key
// and watermark values) de-duplicates as well.
//
// The watermark only moves forward: a row whose change time is set earlier than rows already
// read (a long transaction committing late) is not seen. Keep the change time monotonic in
// commit order (e.g. a sequence or a trigger), or poll a view that holds such rows back.
ComponentSpec SqlInputSpec();
Result<std::unique_ptr<Component>> MakeSqlInput(const ComponentConfig& config,
                                                const ComponentEnv& env);

}  // namespace erphub::components
