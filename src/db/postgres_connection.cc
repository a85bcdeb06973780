#include "db/postgres_connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/params.h"
#include "db/pg_connect.h"
#include "db/pg_value.h"
#include "db/sql_text.h"

namespace erphub::db {
namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// The status of a failed statement, by its SQLSTATE.
Status StatementError(PGconn* conn, const PGresult* result) {
  const char* state_text =
      result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string state = state_text == nullptr ? "" : state_text;
  std::string message =
      "postgresql: " +
      PgTrimmed(result == nullptr ? PQerrorMessage(conn) : PQresultErrorMessage(result));
  if (result != nullptr) {
    const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    if (detail != nullptr && message.find(detail) == std::string::npos) {
      message += " (" + PgTrimmed(detail) + ")";
    }
  }
  if (PQstatus(conn) == CONNECTION_BAD || state.empty() || state.starts_with("08") ||
      state.starts_with("53") || state.starts_with("57P") || state == "40001" || state == "40P01" ||
      state == "55P03") {
    return UnavailableError(message);
  }
  if (state == "57014") {
    return DeadlineExceededError(message);
  }
  if (state == "23505") {
    return Status(StatusCode::kAlreadyExists, message);
  }
  if (state.starts_with("23")) {
    return Status(StatusCode::kFailedPrecondition, message);
  }
  if (state.starts_with("22") || state.starts_with("42")) {
    return InvalidArgumentError(message);
  }
  return InternalError(message);
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  using Connection::Execute;
  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<QueryResult> Execute(std::string_view sql, std::span<const Value> params,
                              uint64_t max_bytes) override {
    int count = 0;
    std::string text = RewriteParameters(
        sql, [](int index) { return "$" + std::to_string(index + 1); }, &count);
    if (count != static_cast<int>(params.size())) {
      return InvalidArgumentError("the statement has " + std::to_string(count) +
                                  " parameters, given " + std::to_string(params.size()));
    }
    std::vector<std::optional<std::string>> texts;
    texts.reserve(params.size());
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Value& param : params) {
      texts.push_back(ParamText(param));
    }
    for (const auto& param : texts) {
      values.push_back(param.has_value() ? param->c_str() : nullptr);
    }
    if (max_bytes > 0) {
      return ExecuteRowByRow(text, values, max_bytes);
    }
    ResultPtr result(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0),
                     &PQclear);
    QueryResult out;
    ERPHUB_TRY(Take(result.get(), out));
    return out;
  }

  Status Begin() override { return Execute("BEGIN").status(); }
  Status Commit() override {
    ERPHUB_ASSIGN_OR_RETURN(QueryResult ignored, Execute("COMMIT"));
    (void)ignored;
    return Status::Ok();
  }
  void Rollback() override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE && !Execute("ROLLBACK").ok()) {
      broken_ = true;
    }
  }
  bool Broken() const override { return broken_ || PQstatus(conn_) == CONNECTION_BAD; }

 private:
  // Appends a result's rows (or its count of affected rows) to `out`; returns the bytes of data
  // they hold, or the statement's error.
  Result<uint64_t> Take(PGresult* result, QueryResult& out) {
    ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE) {
      return Failure(result);
    }
    const char* affected = PQcmdTuples(result);
    if (affected != nullptr && *affected != '\0') {
      out.affected = std::atoll(affected);
    }
    if (status == PGRES_COMMAND_OK) {
      return 0;
    }
    int columns = PQnfields(result);
    int rows = PQntuples(result);
    if (out.columns.empty()) {
      for (int c = 0; c < columns; ++c) {
        out.columns.push_back(PQfname(result, c));
      }
    }
    uint64_t bytes = 0;
    for (int r = 0; r < rows; ++r) {
      std::vector<Value> row;
      std::vector<Value> binds;
      row.reserve(columns);
      binds.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          row.push_back(Value::Null());
          binds.push_back(Value::Null());
          continue;
        }
        std::string_view value(PQgetvalue(result, r, c),
                               static_cast<size_t>(PQgetlength(result, r, c)));
        bytes += value.size();
        row.push_back(PgTextToValue(PQftype(result, c), value));
        binds.push_back(Value::Str(value));
      }
      out.rows.push_back(std::move(row));
      out.bind_values.push_back(std::move(binds));
    }
    return bytes;
  }

  // libpq's single-row mode: rows arrive one by one, and the statement is cancelled once they
  // hold `max_bytes`.
  Result<QueryResult> ExecuteRowByRow(const std::string& text,
                                      const std::vector<const char*>& values, uint64_t max_bytes) {
    if (PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, 0) == 0) {
      return Failure(nullptr);
    }
    PQsetSingleRowMode(conn_);
    QueryResult out;
    Status failed;
    uint64_t bytes = 0;
    // Every result up to the last (nullptr) is read, so that the connection is ready again.
    while (ResultPtr result{PQgetResult(conn_), &PQclear}) {
      if (out.truncated || !failed.ok()) {
        continue;  // the rest of a cancelled or failed statement
      }
      Result<uint64_t> taken = Take(result.get(), out);
      if (!taken.ok()) {
        failed = taken.status();
        continue;
      }
      bytes += *taken;
      if (bytes >= max_bytes && PQresultStatus(result.get()) == PGRES_SINGLE_TUPLE) {
        out.truncated = true;
        Cancel();
      }
    }
    if (!failed.ok()) {
      return failed;
    }
    return out;
  }

  // Asks the server to stop the running statement. Best effort: should it have ended already,
  // or the request fail, the rest of its rows are read and dropped.
  void Cancel() {
    std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> cancel(PQgetCancel(conn_), &PQfreeCancel);
    char error[256];
    if (cancel != nullptr) {
      (void)PQcancel(cancel.get(), error, sizeof error);
    }
  }

  // The error of a failed statement; a lost connection is broken for good.
  Status Failure(const PGresult* result) {
    Status error = StatementError(conn_, result);
    broken_ = broken_ || error.code() == StatusCode::kUnavailable;
    return error;
  }

  PGconn* conn_;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<Connection>> ConnectPostgres(const ConnectionOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(PgConnPtr conn, PgConnect(options, "erphub"));
  auto connection = std::make_unique<PostgresConnection>(conn.release());
  for (const std::string& setup :
       {std::string("SET TimeZone = 'UTC'"), std::string("SET DateStyle = 'ISO, YMD'"),
        "SET statement_timeout = " + std::to_string(options.timeout_seconds * 1000)}) {
    ERPHUB_TRY(connection->Execute(setup).status());
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace erphub::db
