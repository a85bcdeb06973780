#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/connection.h"
#include "db/pgoutput.h"

namespace erphub::db {

// Rows of a simple query as PostgreSQL's text (nullopt for NULL), with the columns' type oids.
struct PgRows {
  std::vector<std::string> columns;
  std::vector<uint32_t> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// What CREATE_REPLICATION_SLOT answered.
struct CreatedSlot {
  std::string name;
  pgoutput::Lsn consistent_point = 0;
  std::string snapshot;  // the exported snapshot's name; empty when none was exported
};

// A libpq session for change-data-capture: either a normal one (queries, COPY TO STDOUT inside
// an imported snapshot) or, with `replication`, a `replication=database` walsender session
// (CREATE_REPLICATION_SLOT, START_REPLICATION and the CopyBoth stream). Not thread-safe.
//
// Errors: kUnavailable when the server is away or the session was lost (open another);
// kNotFound when a replication slot does not exist (SQLSTATE 42704); kFailedPrecondition when
// the slot cannot be used (invalidated: "can no longer get changes", SQLSTATE 55000);
// kInvalidArgument for bad SQL; each with the server's own message.
class PgSession {
 public:
  static Result<std::unique_ptr<PgSession>> Connect(const ConnectionOptions& options,
                                                    bool replication);
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  // A simple-protocol statement (replication commands included); its rows if it returns any.
  Result<PgRows> Query(std::string_view sql);
  Status Exec(std::string_view sql);

  // Runs `COPY (...) TO STDOUT` and hands each row's line (text format) to `row`, which may
  // stop the copy by returning an error.
  Status CopyOut(std::string_view sql, const std::function<Status(std::string_view)>& row);

  // CREATE_REPLICATION_SLOT name [TEMPORARY] LOGICAL pgoutput (SNAPSHOT 'export'|'nothing').
  // An exported snapshot lives until the session runs another command or closes.
  Result<CreatedSlot> CreateSlot(std::string_view name, bool temporary, bool export_snapshot);

  // START_REPLICATION SLOT slot LOGICAL start (pgoutput protocol 1, the publication); then the
  // session is in CopyBoth mode.
  Status StartReplication(std::string_view slot, pgoutput::Lsn start, std::string_view publication);
  // The next CopyData frame of the stream, waiting at most `wait`; nullopt when none came.
  // kUnavailable when the stream ended or the session was lost.
  Result<std::optional<std::string>> ReadFrame(std::chrono::milliseconds wait);
  // A standby status update reporting `flushed` (flushed to PostgreSQL's view).
  Status SendStatus(pgoutput::Lsn flushed, bool reply_requested);

  // Quoted for SQL: 'text' and "identifier" (each part of a dotted name quoted).
  std::string Literal(std::string_view text) const;
  std::string Identifier(std::string_view dotted_name) const;

  bool Broken() const;

 private:
  explicit PgSession(void* conn) : conn_(conn) {}
  Status ErrorOf(const void* result) const;

  void* conn_;  // PGconn
};

// Microseconds since 2000-01-01 UTC now, for status updates.
int64_t PgNow();

}  // namespace erphub::db
