#include "db/pg_replication.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>

#include "db/pg_connect.h"
#include "db/sql_text.h"

namespace erphub::db {
namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

PGconn* Conn(void* conn) { return static_cast<PGconn*>(conn); }

}  // namespace

int64_t PgNow() {
  constexpr int64_t kUnixOffsetMicros = 946684800LL * 1000000;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() - kUnixOffsetMicros;
}

Result<std::unique_ptr<PgSession>> PgSession::Connect(const ConnectionOptions& options,
                                                      bool replication) {
  ERPHUB_ASSIGN_OR_RETURN(
      PgConnPtr conn,
      PgConnect(options, "erphub-cdc", replication ? PgReplication::kYes : PgReplication::kNo));
  std::unique_ptr<PgSession> session(new PgSession(conn.release()));
  ERPHUB_TRY(session->Exec("SET TimeZone = 'UTC'"));
  ERPHUB_TRY(session->Exec("SET DateStyle = 'ISO, YMD'"));
  if (!replication) {
    ERPHUB_TRY(session->Exec("SET statement_timeout = 0"));
  }
  return session;
}

PgSession::~PgSession() { PQfinish(Conn(conn_)); }

bool PgSession::Broken() const { return PQstatus(Conn(conn_)) == CONNECTION_BAD; }

Status PgSession::ErrorOf(const void* result_ptr) const {
  const PGresult* result = static_cast<const PGresult*>(result_ptr);
  const char* state_text =
      result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string state = state_text == nullptr ? "" : state_text;
  std::string message =
      "postgresql: " +
      PgTrimmed(result == nullptr ? PQerrorMessage(Conn(conn_)) : PQresultErrorMessage(result));
  if (message == "postgresql: ") {
    message += PgTrimmed(PQerrorMessage(Conn(conn_)));
  }
  if (result != nullptr) {
    const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    if (detail != nullptr && message.find(detail) == std::string::npos) {
      message += " (" + PgTrimmed(detail) + ")";
    }
  }
  if (Broken() || state.empty() || state.starts_with("08") || state.starts_with("53") ||
      state.starts_with("57P") || state == "40001" || state == "40P01" || state == "55006") {
    return UnavailableError(message);
  }
  if (state == "42704") {
    return NotFoundError(message);
  }
  if (state == "55000") {
    return Status(StatusCode::kFailedPrecondition, message);
  }
  if (state.starts_with("22") || state.starts_with("42")) {
    return InvalidArgumentError(message);
  }
  return InternalError(message + " [" + state + "]");
}

Result<PgRows> PgSession::Query(std::string_view sql) {
  std::string text(sql);
  ResultPtr result(PQexec(Conn(conn_), text.c_str()), &PQclear);
  ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ErrorOf(result.get());
  }
  PgRows out;
  if (status == PGRES_TUPLES_OK) {
    int columns = PQnfields(result.get());
    int rows = PQntuples(result.get());
    for (int c = 0; c < columns; ++c) {
      out.columns.push_back(PQfname(result.get(), c));
      out.types.push_back(PQftype(result.get(), c));
    }
    for (int r = 0; r < rows; ++r) {
      std::vector<std::optional<std::string>> row;
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          row.emplace_back();
        } else {
          row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                       static_cast<size_t>(PQgetlength(result.get(), r, c))));
        }
      }
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

Status PgSession::Exec(std::string_view sql) { return Query(sql).status(); }

Status PgSession::CopyOut(std::string_view sql,
                          const std::function<Status(std::string_view)>& row) {
  std::string text(sql);
  ResultPtr started(PQexec(Conn(conn_), text.c_str()), &PQclear);
  if (started == nullptr || PQresultStatus(started.get()) != PGRES_COPY_OUT) {
    return ErrorOf(started.get());
  }
  Status stopped = Status::Ok();
  while (true) {
    char* buffer = nullptr;
    int length = PQgetCopyData(Conn(conn_), &buffer, 0);
    if (length < 0) {
      break;  // -1: done; -2: failed (the result below says why)
    }
    if (stopped.ok()) {
      stopped = row(std::string_view(buffer, static_cast<size_t>(length)));
    }
    PQfreemem(buffer);
  }
  Status finished = Status::Ok();
  while (true) {
    ResultPtr result(PQgetResult(Conn(conn_)), &PQclear);
    if (result == nullptr) {
      break;
    }
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK && finished.ok()) {
      finished = ErrorOf(result.get());
    }
  }
  return stopped.ok() ? finished : stopped;
}

Result<CreatedSlot> PgSession::CreateSlot(std::string_view name, bool temporary,
                                          bool export_snapshot) {
  std::string sql = "CREATE_REPLICATION_SLOT " + Identifier(name) +
                    (temporary ? " TEMPORARY" : "") + " LOGICAL pgoutput (SNAPSHOT '" +
                    (export_snapshot ? "export" : "nothing") + "')";
  ERPHUB_ASSIGN_OR_RETURN(PgRows rows, Query(sql));
  if (rows.rows.size() != 1 || rows.rows[0].size() < 3 || !rows.rows[0][1].has_value()) {
    return InternalError("postgresql: CREATE_REPLICATION_SLOT answered no consistent point");
  }
  CreatedSlot slot;
  slot.name = rows.rows[0][0].value_or("");
  ERPHUB_ASSIGN_OR_RETURN(slot.consistent_point, pgoutput::ParseLsn(*rows.rows[0][1]));
  slot.snapshot = rows.rows[0][2].value_or("");
  return slot;
}

Status PgSession::StartReplication(std::string_view slot, pgoutput::Lsn start,
                                   std::string_view publication) {
  std::string sql = "START_REPLICATION SLOT " + Identifier(slot) + " LOGICAL " +
                    pgoutput::FormatLsn(start) + " (proto_version '1', publication_names " +
                    Literal(Identifier(publication)) + ")";
  ResultPtr result(PQexec(Conn(conn_), sql.c_str()), &PQclear);
  if (result == nullptr || PQresultStatus(result.get()) != PGRES_COPY_BOTH) {
    return ErrorOf(result.get());
  }
  return Status::Ok();
}

Result<std::optional<std::string>> PgSession::ReadFrame(std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    char* buffer = nullptr;
    int length = PQgetCopyData(Conn(conn_), &buffer, /*async=*/1);
    if (length > 0) {
      std::string frame(buffer, static_cast<size_t>(length));
      PQfreemem(buffer);
      return std::optional<std::string>(std::move(frame));
    }
    if (length == -1) {
      ResultPtr result(PQgetResult(Conn(conn_)), &PQclear);
      if (result != nullptr && PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        return ErrorOf(result.get());
      }
      return UnavailableError("postgresql: the replication stream ended");
    }
    if (length == -2) {
      return UnavailableError("postgresql: replication stream lost: " +
                              PgTrimmed(PQerrorMessage(Conn(conn_))));
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd descriptor{.fd = PQsocket(Conn(conn_)), .events = POLLIN, .revents = 0};
    int ready = ::poll(&descriptor, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (ready < 0 && errno != EINTR) {
      return UnavailableError("postgresql: poll failed on the replication stream");
    }
    if (ready > 0) {
      if (PQconsumeInput(Conn(conn_)) == 0) {
        return UnavailableError("postgresql: replication stream lost: " +
                                PgTrimmed(PQerrorMessage(Conn(conn_))));
      }
      continue;
    }
    if (left.count() <= 0) {
      return std::optional<std::string>();
    }
  }
}

Status PgSession::SendStatus(pgoutput::Lsn flushed, bool reply_requested) {
  std::string frame = pgoutput::EncodeStandbyStatus(flushed, PgNow(), reply_requested);
  if (PQputCopyData(Conn(conn_), frame.data(), static_cast<int>(frame.size())) != 1 ||
      PQflush(Conn(conn_)) != 0) {
    return UnavailableError("postgresql: cannot send a status update: " +
                            PgTrimmed(PQerrorMessage(Conn(conn_))));
  }
  return Status::Ok();
}

std::string PgSession::Literal(std::string_view text) const {
  char* quoted = PQescapeLiteral(Conn(conn_), text.data(), text.size());
  if (quoted == nullptr) {
    return "''";
  }
  std::string out = quoted;
  PQfreemem(quoted);
  return out;
}

std::string PgSession::Identifier(std::string_view dotted_name) const {
  return QuoteIdentifier(Dialect::kPostgres, dotted_name);
}

}  // namespace erphub::db
