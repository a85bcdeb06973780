#include "store/sqlite/schema.h"

#include <string>
#include <vector>

namespace erphub::store {
namespace {

// Migration i takes the schema from version i to i + 1. Append new migrations; never edit one
// that has shipped.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> migrations = {
      // 1: journal, deliveries (the outbox), lineage, quarantine, state.
      R"sql(
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY,          -- acceptance order
  id TEXT NOT NULL UNIQUE,          -- MessageId text form
  flow TEXT NOT NULL,
  business_key TEXT NOT NULL,
  event_id TEXT,                    -- provider event id, NULL when none
  payload TEXT NOT NULL,            -- JSON
  headers TEXT NOT NULL,            -- JSON array of [name, value]
  received_at INTEGER NOT NULL,     -- Unix microseconds, UTC
  accepted_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_by_event ON messages (flow, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX messages_by_key ON messages (business_key, flow);

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  message_seq INTEGER NOT NULL,
  flow TEXT NOT NULL,
  output TEXT NOT NULL,
  lane TEXT,                        -- flow, output and business key; NULL: unordered
  state INTEGER NOT NULL,           -- DeliveryState
  payload TEXT,                     -- JSON; NULL: the message's payload
  bytes INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,     -- every claim, replays included; the fencing token
  budget_base INTEGER NOT NULL DEFAULT 0,  -- attempts at the last replay
  eligible_since INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  claimed_at INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  response_body TEXT NOT NULL DEFAULT '',
  failed_at TEXT NOT NULL DEFAULT '',
  blocks_lane INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER,
  UNIQUE (message_seq, output)
);
CREATE INDEX deliveries_due ON deliveries (not_before) WHERE state = 1;
CREATE INDEX deliveries_leased ON deliveries (lease_expires_at) WHERE state = 2;
CREATE INDEX deliveries_dead ON deliveries (finished_at) WHERE state = 4;
CREATE INDEX deliveries_lanes ON deliveries (lane, state, message_seq) WHERE lane IS NOT NULL;
CREATE INDEX deliveries_unfinished ON deliveries (flow, state, bytes, attempts)
  WHERE state IN (0, 1, 2, 4);

CREATE TABLE lineage (
  id INTEGER PRIMARY KEY,
  message_seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,            -- LineageKind
  at INTEGER NOT NULL,
  name TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  duration_us INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX lineage_by_message ON lineage (message_seq);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  flow TEXT NOT NULL,
  source TEXT NOT NULL,
  reason TEXT NOT NULL,
  raw BLOB NOT NULL,
  headers TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  message_id TEXT,
  resolved_at INTEGER,
  resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX quarantine_open ON quarantine (flow) WHERE resolved_at IS NULL;

CREATE TABLE state (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
      // 2: cross-references: the id each system uses for a record known by an external id.
      R"sql(
CREATE TABLE xref (
  system TEXT NOT NULL,
  entity TEXT NOT NULL,
  external_id TEXT NOT NULL,        -- e.g. shopify:5849301229845
  system_id TEXT NOT NULL,          -- the id `system` gave the record
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (system, entity, external_id)
) WITHOUT ROWID;
CREATE INDEX xref_by_system_id ON xref (system, entity, system_id);
)sql",
      // 3: the hub nodes sharing the store (membership).
      R"sql(
CREATE TABLE nodes (
  name TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,      -- Unix microseconds, UTC
  last_seen INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
      // 4: where a message came from, in its row: its "received" lineage event without a row
      // of its own (NULL for messages stored before, which have that row).
      R"sql(
ALTER TABLE messages ADD COLUMN source TEXT;
)sql",
      // 5: ready deliveries by output, so that a claim skips a paused output's backlog.
      R"sql(
CREATE INDEX deliveries_ready ON deliveries (flow, output, not_before) WHERE state = 1;
)sql",
      // 6: lanes indexed by their open deliveries only. A finished delivery leaves the index, so
      // it stays as small as the backlog: the pages a commit touches no longer grow with history.
      R"sql(
DROP INDEX deliveries_lanes;
CREATE INDEX deliveries_open_lanes ON deliveries (lane, message_seq, state, blocks_lane)
  WHERE lane IS NOT NULL AND state IN (0, 1, 2, 4);
)sql",
      // 7: PostgreSQL's lanes table gave way to advisory locks; nothing changes here, the
      // number keeps both stores' versions alike.
      R"sql(
SELECT 1;
)sql",
  };
  return migrations;
}

}  // namespace

const char* const kLaneHeadQuery =
    "SELECT 1 FROM deliveries WHERE lane = ?1 AND state IN (0, 1, 2, 4) AND state <> 0 AND "
    "id <> ?2 AND (state <> 4 OR blocks_lane = 1) LIMIT 1";
const char* const kLaneNextQuery =
    "SELECT id FROM deliveries WHERE lane = ?1 AND state IN (0, 1, 2, 4) AND state = 0 "
    "ORDER BY message_seq, id LIMIT 1";

int SqliteSchemaVersion() { return static_cast<int>(Migrations().size()); }

Result<int> ReadSchemaVersion(SqliteDb& db) {
  ERPHUB_ASSIGN_OR_RETURN(
      std::string has_version_table,
      db.QueryText("SELECT count(*) FROM sqlite_schema WHERE name = 'schema_version'"));
  if (has_version_table == "0") {
    ERPHUB_ASSIGN_OR_RETURN(std::string tables, db.QueryText("SELECT count(*) FROM sqlite_schema"));
    if (tables != "0") {
      return Status(StatusCode::kFailedPrecondition,
                    "the database holds tables but no schema_version: not an erphub store",
                    db.path());
    }
    return 0;
  }
  ERPHUB_ASSIGN_OR_RETURN(std::string version,
                          db.QueryText("SELECT coalesce(max(version), 0) FROM schema_version"));
  return std::stoi(version);
}

Status MigrateSchema(SqliteDb& db, bool apply, const Clock& clock) {
  ERPHUB_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db));
  const int latest = SqliteSchemaVersion();
  if (current > latest) {
    return Status(StatusCode::kFailedPrecondition,
                  "store schema version " + std::to_string(current) +
                      " is newer than this erphub supports (" + std::to_string(latest) +
                      "); upgrade erphub",
                  db.path());
  }
  if (current < latest && !apply) {
    return Status(StatusCode::kFailedPrecondition,
                  "store schema version " + std::to_string(current) + " is older than " +
                      std::to_string(latest) + "; run `erphub migrate`",
                  db.path());
  }
  for (int version = current; version < latest; ++version) {
    ERPHUB_TRY(db.Exec("BEGIN IMMEDIATE"));
    Status status = db.Exec(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    if (status.ok()) {
      // Another process may have migrated since we looked: re-read inside the transaction.
      Result<int> now_at = ReadSchemaVersion(db);
      if (!now_at.ok()) {
        status = now_at.status();
      } else if (*now_at > version) {
        db.Exec("ROLLBACK").ok();
        version = *now_at - 1;
        continue;
      }
    }
    if (status.ok()) {
      status = db.Exec(Migrations()[version]);
    }
    if (status.ok()) {
      Result<SqliteStatement> insert =
          db.Prepare("INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)");
      status = insert.ok() ? insert->Bind(1, version + 1).Bind(2, ToUnixMicros(clock.Now())).Run()
                           : insert.status();
    }
    if (status.ok()) {
      status = db.Exec("COMMIT");
    }
    if (!status.ok()) {
      if (db.InTransaction()) {
        db.Exec("ROLLBACK").ok();
      }
      return status.WithContext("migrating the store to version " + std::to_string(version + 1));
    }
  }
  return Status::Ok();
}

}  // namespace erphub::store
