#include "db/postgres_connection.h"

#include <libpq-fe.h>

#include <cstdlib>
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

  Result<QueryResult> Execute(std::string_view sql, std::span<const Value> params) override {
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
    ResultPtr result(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0),
                     &PQclear);
    ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      Status error = StatementError(conn_, result.get());
      broken_ = broken_ || error.code() == StatusCode::kUnavailable;
      return error;
    }
    QueryResult out;
    const char* affected = PQcmdTuples(result.get());
    out.affected = affected != nullptr && *affected != '\0' ? std::atoll(affected) : 0;
    if (status == PGRES_TUPLES_OK) {
      int columns = PQnfields(result.get());
      int rows = PQntuples(result.get());
      for (int c = 0; c < columns; ++c) {
        out.columns.push_back(PQfname(result.get(), c));
      }
      out.rows.reserve(rows);
      out.bind_values.reserve(rows);
      for (int r = 0; r < rows; ++r) {
        std::vector<Value> row;
        std::vector<Value> binds;
        row.reserve(columns);
        binds.reserve(columns);
        for (int c = 0; c < columns; ++c) {
          if (PQgetisnull(result.get(), r, c)) {
            row.push_back(Value::Null());
            binds.push_back(Value::Null());
            continue;
          }
          const char* value = PQgetvalue(result.get(), r, c);
          int length = PQgetlength(result.get(), r, c);
          row.push_back(PgTextToValue(PQftype(result.get(), c),
                                      std::string_view(value, static_cast<size_t>(length))));
          binds.push_back(Value::Str(std::string_view(value, static_cast<size_t>(length))));
        }
        out.rows.push_back(std::move(row));
        out.bind_values.push_back(std::move(binds));
      }
    }
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
