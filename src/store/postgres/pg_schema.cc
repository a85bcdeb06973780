#include "store/postgres/pg_schema.h"

#include <string>
#include <vector>

namespace erphub::store {
namespace {

// Any constant unlikely to collide with an application's own advisory locks ("erphub" in ASCII).
constexpr int64_t kMigrationLock = 0x657270687562;

// Migration i takes the schema from version i to i + 1, with the meaning SQLite's migration i
// has (sqlite/schema.cc). Append new migrations; never edit one that has shipped. Times are Unix
// microseconds (bigint) from the hub's clock, as in SQLite, so both stores compare and order
// them alike; payloads are JSON text (not jsonb), which keeps key order and exact numbers.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> migrations = {
      // 1: journal, deliveries (the outbox), lanes, lineage, quarantine, state.
      R"sql(
CREATE TABLE messages (
  seq bigserial PRIMARY KEY,        -- acceptance order (per lane: commit order)
  id text NOT NULL UNIQUE,          -- MessageId text form
  flow text NOT NULL,
  business_key text NOT NULL,
  event_id text,                    -- provider event id, NULL when none
  payload text NOT NULL,            -- JSON
  headers text NOT NULL,            -- JSON array of [name, value]
  received_at bigint NOT NULL,      -- Unix microseconds, UTC
  accepted_at bigint NOT NULL
);
CREATE UNIQUE INDEX messages_by_event ON messages (flow, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX messages_by_key ON messages (business_key, flow);

-- One row per lane ever used: locked (FOR UPDATE via upsert) by every transaction that decides
-- which delivery of the lane is its head, so those decisions are serialized across nodes.
CREATE TABLE lanes (
  lane text PRIMARY KEY
);

CREATE TABLE deliveries (
  id bigserial PRIMARY KEY,
  message_seq bigint NOT NULL,
  flow text NOT NULL,
  output text NOT NULL,
  lane text,                        -- flow, output and business key; NULL: unordered
  state smallint NOT NULL,          -- DeliveryState
  payload text,                     -- JSON; NULL: the message's payload
  bytes bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 0,     -- every claim, replays included; the fencing token
  budget_base integer NOT NULL DEFAULT 0,  -- attempts at the last replay
  eligible_since bigint NOT NULL,
  not_before bigint NOT NULL,
  lease_owner text,
  lease_expires_at bigint,
  claimed_at bigint,
  last_error text NOT NULL DEFAULT '',
  response_body text NOT NULL DEFAULT '',
  failed_at text NOT NULL DEFAULT '',
  blocks_lane boolean NOT NULL DEFAULT false,
  finished_at bigint,
  UNIQUE (message_seq, output)
);
CREATE INDEX deliveries_due ON deliveries (not_before, id) WHERE state = 1;
CREATE INDEX deliveries_leased ON deliveries (lease_expires_at) WHERE state = 2;
CREATE INDEX deliveries_dead ON deliveries (id) WHERE state = 4;
CREATE INDEX deliveries_lanes ON deliveries (lane, state, message_seq) WHERE lane IS NOT NULL;
CREATE INDEX deliveries_unfinished ON deliveries (flow, state) WHERE state IN (0, 1, 2, 4);

CREATE TABLE lineage (
  id bigserial PRIMARY KEY,
  message_seq bigint NOT NULL,
  kind smallint NOT NULL,           -- LineageKind
  at bigint NOT NULL,
  name text NOT NULL,
  attempt integer NOT NULL,
  duration_us bigint NOT NULL,
  outcome text NOT NULL,
  detail text NOT NULL
);
CREATE INDEX lineage_by_message ON lineage (message_seq);

CREATE TABLE quarantine (
  id bigserial PRIMARY KEY,
  flow text NOT NULL,
  source text NOT NULL,
  reason text NOT NULL,
  raw bytea NOT NULL,
  headers text NOT NULL,
  received_at bigint NOT NULL,
  message_id text,
  resolved_at bigint,
  resolution text NOT NULL DEFAULT ''
);
CREATE INDEX quarantine_open ON quarantine (flow) WHERE resolved_at IS NULL;

CREATE TABLE state (
  key text PRIMARY KEY,
  value bytea NOT NULL,
  updated_at bigint NOT NULL
);
)sql",
      // 2: cross-references: the id each system uses for a record known by an external id.
      R"sql(
CREATE TABLE xref (
  system text NOT NULL,
  entity text NOT NULL,
  external_id text NOT NULL,        -- e.g. shopify:5849301229845
  system_id text NOT NULL,          -- the id `system` gave the record
  updated_at bigint NOT NULL,
  PRIMARY KEY (system, entity, external_id)
);
CREATE INDEX xref_by_system_id ON xref (system, entity, system_id);
)sql",
      // 3: the hub nodes sharing the store (membership).
      R"sql(
CREATE TABLE nodes (
  name text PRIMARY KEY,
  started_at bigint NOT NULL,       -- Unix microseconds, UTC
  last_seen bigint NOT NULL
);
)sql",
      // 4: where a message came from, in its row: its "received" lineage event without a row
      // of its own (NULL for messages stored before, which have that row).
      R"sql(
ALTER TABLE messages ADD COLUMN source text;
)sql",
      // 5: ready deliveries by output, so that a claim skips a paused output's backlog.
      R"sql(
CREATE INDEX deliveries_ready ON deliveries (flow, output, not_before, id) WHERE state = 1;
)sql",
      // 6: lanes indexed by their open deliveries only. A finished delivery leaves the index, so
      // it stays as small as the backlog instead of growing with history.
      R"sql(
DROP INDEX deliveries_lanes;
CREATE INDEX deliveries_open_lanes ON deliveries (lane, message_seq, state, blocks_lane)
  WHERE lane IS NOT NULL AND state IN (0, 1, 2, 4);
)sql",
      // 7: lanes are locked with advisory locks (postgres_store.cc, LockLanes), which write
      // nothing, instead of a row each. Dropping the table also stops a node of an older
      // version, still locking rows, from working beside nodes that lock otherwise.
      R"sql(
DROP TABLE lanes;
)sql",
  };
  return migrations;
}

}  // namespace

int PostgresSchemaVersion() { return static_cast<int>(Migrations().size()); }

Result<int> ReadPostgresSchemaVersion(PgConn& conn) {
  ERPHUB_ASSIGN_OR_RETURN(
      PgResult tables,
      conn.Query("SELECT count(*) FILTER (WHERE tablename = 'schema_version'), count(*) "
                 "FROM pg_tables WHERE schemaname = current_schema()"));
  if (tables.Int(0, 0) == 0) {
    if (tables.Int(0, 1) != 0) {
      ERPHUB_ASSIGN_OR_RETURN(PgResult schema, conn.Query("SELECT current_schema()"));
      return Status(StatusCode::kFailedPrecondition,
                    "the database schema holds tables but no schema_version: not an erphub "
                    "store (give erphub a database or schema of its own)",
                    "schema " + schema.Text(0, 0));
    }
    return 0;
  }
  ERPHUB_ASSIGN_OR_RETURN(PgResult version,
                          conn.Query("SELECT coalesce(max(version), 0) FROM schema_version"));
  return static_cast<int>(version.Int(0, 0));
}

Result<int> MigratePostgresSchema(PgConn& conn, PgMigration mode, const Clock& clock) {
  // No schema selected (e.g. a search_path naming a schema that does not exist) would make
  // every CREATE fail obscurely; say so.
  ERPHUB_ASSIGN_OR_RETURN(PgResult schema, conn.Query("SELECT current_schema() IS NULL"));
  if (schema.Int(0, 0) != 0) {
    return Status(StatusCode::kFailedPrecondition,
                  "no schema of the search_path exists in the database; create it first");
  }
  ERPHUB_TRY(conn.Exec("BEGIN"));
  auto fail = [&](Status status) {
    if (conn.healthy() && conn.in_transaction()) {
      conn.Exec("ROLLBACK").ok();
    }
    return status;
  };
  // One process migrates at a time; the others find the work done when they get the lock.
  Status locked =
      conn.Query("SELECT pg_advisory_xact_lock($1)", PgParams().Add(kMigrationLock)).status();
  if (!locked.ok()) {
    return fail(locked);
  }
  Result<int> found = ReadPostgresSchemaVersion(conn);
  if (!found.ok()) {
    return fail(found.status());
  }
  const int current = *found;
  const int latest = PostgresSchemaVersion();
  if (current > latest) {
    return fail(
        Status(StatusCode::kFailedPrecondition, "store schema version " + std::to_string(current) +
                                                    " is newer than this erphub supports (" +
                                                    std::to_string(latest) + "); upgrade erphub"));
  }
  const bool allowed =
      mode == PgMigration::kUpgrade || (mode == PgMigration::kCreateIfEmpty && current == 0);
  if (current == 0 && !allowed) {
    return fail(Status(StatusCode::kFailedPrecondition,
                       "the database holds no erphub store yet; run `erphub migrate`"));
  }
  if (current < latest && !allowed) {
    return fail(Status(StatusCode::kFailedPrecondition,
                       "store schema version " + std::to_string(current) + " is older than " +
                           std::to_string(latest) + "; run `erphub migrate`"));
  }
  Status status = conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      "version integer PRIMARY KEY, applied_at bigint NOT NULL)");
  for (int version = current; status.ok() && version < latest; ++version) {
    status = conn.Exec(Migrations()[version]);
    if (status.ok()) {
      status = conn.Query("INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
                          PgParams().Add(version + 1).Add(ToUnixMicros(clock.Now())))
                   .status();
    }
    if (!status.ok()) {
      status = status.WithContext("migrating the store to version " + std::to_string(version + 1));
    }
  }
  if (status.ok()) {
    status = conn.Exec("COMMIT");
  }
  if (!status.ok()) {
    return fail(status);
  }
  return current;
}

}  // namespace erphub::store
