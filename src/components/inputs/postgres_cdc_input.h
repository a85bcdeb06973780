#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "components/component.h"

namespace erphub::components {

// Input `postgres_cdc`: change-data-capture from PostgreSQL by logical replication (the
// `pgoutput` plugin, a publication of the captured tables, a replication slot).
//
// Every change becomes a message {"op": "read|insert|update|delete|truncate", "table":
// "public.items", "key": {primary key}, "before": {...}|null, "after": {...}|null, "lsn":
// "0/16B3748", "commit_time": "...Z"}; values typed by their column's type as the sql input
// types them.
//
// First run: the publication is created FOR the tables if missing, then the slot, exporting a
// snapshot; the tables are read in that snapshot in primary key order and staged in the store
// as they come (COPY text, chunks of about `snapshot_chunk` bytes), each chunk committed together
// with the position reached. So the source's snapshot transaction lasts as long as reading takes.
// After a crash the slot has not moved: the rest of the keys are read in a new snapshot (of a
// temporary slot, whose exact consistent point is known) and the segments (key range, consistent
// point) are kept. Then the staged rows become messages, `batch` (or about `batch_bytes`) per
// commit with the place reached, each chunk erased with its last rows. Then the slot's changes
// stream from its start; a change committed before the consistent point of the segment that
// holds its key is skipped (the snapshot row has it already). So each key gets its snapshot row,
// then every later change once, in commit order.
//
// Streaming: whole transactions are committed to the store `batch` rows (or about `batch_bytes`)
// at a time (a bigger one in parts) with the WAL position after them, and only then is that
// position reported to PostgreSQL as flushed. A restart resumes there. A slot that was dropped
// or invalidated stops the input with an error naming the slot, the last committed position and
// the command that starts over (`erphub cdc resnapshot`): it never re-snapshots by itself.
//
// A table added to `tables` later joins the publication and is snapshotted the same way (in a
// snapshot of its own) while the other tables keep their place; a table removed from `tables`
// is no longer captured (its changes are left out even while the publication still holds it).
//
// State lives in the store under "postgres-cdc:FLOW".
ComponentSpec PostgresCdcInputSpec();
Result<std::unique_ptr<Component>> MakePostgresCdcInput(const ComponentConfig& config,
                                                        const ComponentEnv& env);

// The store state key of a flow's postgres_cdc input, and the value `erphub cdc resnapshot`
// writes there so that its next run starts over with a new slot and snapshot.
std::string PostgresCdcStateKey(std::string_view flow);
// The store state key of a flow's staged snapshot chunk number `chunk`.
std::string PostgresCdcChunkKey(std::string_view flow, int64_t chunk);
std::string PostgresCdcResnapshotState();

}  // namespace erphub::components
