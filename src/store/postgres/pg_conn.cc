#include "store/postgres/pg_conn.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>

#include "core/hex.h"

namespace erphub::store {

std::string RedactPostgresUrl(std::string_view url) {
  std::string out(url);
  // postgresql://user:password@host/...
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t at = out.find('@', start);
    const size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  // ...?password=secret&...
  for (size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    if (pos > 0 && out[pos - 1] != '?' && out[pos - 1] != '&' && out[pos - 1] != ' ') {
      continue;
    }
    const size_t value = pos + std::strlen("password=");
    size_t end = out.find_first_of("& ", value);
    if (end == std::string::npos) {
      end = out.size();
    }
    out.replace(value, end - value, "***");
  }
  return out;
}

PgParams& PgParams::Add(std::string_view text) {
  values_.emplace_back(std::string(text));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Add(int64_t value) {
  values_.emplace_back(std::to_string(value));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Add(bool value) {
  values_.emplace_back(value ? "t" : "f");
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::AddNull() {
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::AddTextOrNull(std::string_view text) {
  return text.empty() ? AddNull() : Add(text);
}

PgParams& PgParams::AddOptional(const std::optional<std::string>& text) {
  return text ? Add(*text) : AddNull();
}

PgParams& PgParams::AddBytes(std::string_view bytes) {
  values_.emplace_back(std::string(bytes));
  formats_.push_back(1);
  return *this;
}

void PgResult::Free(pg_result* result) {
  if (result != nullptr) {
    PQclear(result);
  }
}

int PgResult::rows() const { return result_ ? PQntuples(result_.get()) : 0; }

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t PgResult::Int(int row, int column) const {
  const char* text = PQgetvalue(result_.get(), row, column);
  const size_t length = static_cast<size_t>(PQgetlength(result_.get(), row, column));
  int64_t value = 0;
  if (length == 1 && (text[0] == 't' || text[0] == 'f')) {
    return text[0] == 't' ? 1 : 0;  // booleans
  }
  std::from_chars(text, text + length, value);
  return value;
}

std::string PgResult::HexBytes(int row, int column) const {
  const std::string hex = Text(row, column);
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(HexDigitValue(hex[i]) * 16 + HexDigitValue(hex[i + 1])));
  }
  return bytes;
}

int64_t PgResult::affected() const {
  if (!result_) {
    return 0;
  }
  const char* text = PQcmdTuples(result_.get());
  int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

StatusCode PgStatusCode(std::string_view sqlstate) {
  if (sqlstate.size() != 5) {
    return StatusCode::kUnavailable;  // no server answer: the connection failed
  }
  const std::string_view cls = sqlstate.substr(0, 2);
  if (cls == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
      sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return StatusCode::kUnavailable;
  }
  if (sqlstate == "23505") {
    return StatusCode::kAlreadyExists;
  }
  if (cls == "53") {
    return StatusCode::kResourceExhausted;
  }
  if (cls == "28") {
    return StatusCode::kPermissionDenied;
  }
  if (sqlstate == "3D000" || sqlstate == "42P01") {
    return StatusCode::kNotFound;
  }
  if (sqlstate == "57014") {
    return StatusCode::kDeadlineExceeded;  // statement timeout
  }
  return StatusCode::kInternal;
}

bool IsPgRetryable(const Status& status) {
  const std::string_view message = status.message();
  return message.find("(SQLSTATE 40001)") != std::string_view::npos ||
         message.find("(SQLSTATE 40P01)") != std::string_view::npos;
}

namespace {

// libpq's messages end with a newline and may span lines; one line reads better in a log.
std::string OneLine(const char* text) {
  std::string out(text != nullptr ? text : "");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  for (char& c : out) {
    if (c == '\n') {
      c = ' ';
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& url) {
  std::string redacted = RedactPostgresUrl(url);
  // Defaults the URL may override (its values are applied after these): a server that does not
  // answer fails the connection in seconds, and a peer gone silent is noticed by keepalives
  // instead of a statement waiting forever.
  const char* keywords[] = {
      "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
      "dbname",          nullptr};
  const char* values[] = {"10", "1", "30", "10", "3", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr) {
    return Status(StatusCode::kResourceExhausted, "cannot allocate a PostgreSQL connection",
                  redacted);
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    StatusCode code = StatusCode::kUnavailable;
    if (message.find("password authentication failed") != std::string::npos ||
        message.find("no password supplied") != std::string::npos) {
      code = StatusCode::kPermissionDenied;
    } else if (message.find("does not exist") != std::string::npos &&
               message.find("database") != std::string::npos) {
      code = StatusCode::kNotFound;
    } else if (message.find("invalid") != std::string::npos &&
               message.find("connection option") != std::string::npos) {
      code = StatusCode::kInvalidArgument;
    }
    return Status(code, "cannot connect to PostgreSQL: " + message, redacted);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConn> result(new PgConn(conn, std::move(redacted)));
  // Times are stored as integers; keep the session predictable all the same.
  ERPHUB_TRY(result->Exec("SET TIME ZONE 'UTC'"));
  return result;
}

PgConn::PgConn(pg_conn* conn, std::string redacted_url)
    : conn_(conn), redacted_url_(std::move(redacted_url)) {}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::healthy() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

bool PgConn::in_transaction() const {
  if (!sent_.empty()) {
    return true;  // perhaps: a deferred BEGIN, or one sent with the deferred statements
  }
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

Status PgConn::ErrorOf(pg_result* result, std::string_view sql) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  std::string message =
      OneLine(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) {
    message = OneLine(PQerrorMessage(conn_));
  }
  if (!healthy()) {
    return Status(StatusCode::kUnavailable, "lost the PostgreSQL connection: " + message,
                  redacted_url_);
  }
  if (!sqlstate.empty()) {
    message += " (SQLSTATE " + sqlstate + ")";
  }
  std::string context(sql.substr(0, 80));
  return Status(PgStatusCode(sqlstate.empty() ? "XX000" : sqlstate), message, context);
}

void PgConn::ToArrays(const PgParams& params, std::vector<const char*>& values,
                      std::vector<int>& lengths) {
  values.reserve(params.values_.size());
  lengths.reserve(params.values_.size());
  for (const std::optional<std::string>& v : params.values_) {
    values.push_back(v ? v->data() : nullptr);
    lengths.push_back(v ? static_cast<int>(v->size()) : 0);
  }
}

Result<const std::string*> PgConn::Prepared(const std::string& sql) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) {
    return &it->second;
  }
  std::string name = "s" + std::to_string(++statements_);
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_ON) {
    if (PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) != 1) {
      return ErrorOf(nullptr, sql);
    }
    it = prepared_.emplace(sql, std::move(name)).first;
    sent_.push_back(Sent{sql, true, nullptr});
    return &it->second;
  }
  PGresult* prepared = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
  if (prepared == nullptr || PQresultStatus(prepared) != PGRES_COMMAND_OK) {
    Status error = ErrorOf(prepared, sql);
    PQclear(prepared);
    return error;
  }
  PQclear(prepared);
  return &prepared_.emplace(sql, std::move(name)).first->second;
}

Status PgConn::Defer(const std::string& sql, const PgParams& params, OnRows on_rows) {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1) {
    return ErrorOf(nullptr, sql);
  }
  ERPHUB_ASSIGN_OR_RETURN(const std::string* name, Prepared(sql));
  std::vector<const char*> values;
  std::vector<int> lengths;
  ToArrays(params, values, lengths);
  if (PQsendQueryPrepared(conn_, name->c_str(), params.size(), values.data(), lengths.data(),
                          params.formats_.data(), 0) != 1) {
    return ErrorOf(nullptr, sql);
  }
  sent_.push_back(Sent{sql, false, std::move(on_rows)});
  return Status::Ok();
}

Status PgConn::Flush() {
  return PQpipelineStatus(conn_) == PQ_PIPELINE_ON ? Collect().status() : Status::Ok();
}

Result<PgResult> PgConn::Collect() {
  // Any surprise below leaves answers unread on the connection: it is not used again.
  if (PQpipelineSync(conn_) != 1) {
    sent_.clear();
    broken_ = true;
    return ErrorOf(nullptr, "pipeline sync");
  }
  Status first_error;
  PgResult last;
  for (const Sent& sent : sent_) {
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr) {
      broken_ = true;
      Status error = ErrorOf(nullptr, sent.sql);
      sent_.clear();
      return error;
    }
    const ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_FATAL_ERROR && first_error.ok()) {
      first_error = ErrorOf(raw, sent.sql);
    }
    if (sent.prepare && status != PGRES_COMMAND_OK) {
      prepared_.erase(sent.sql);  // not prepared: the next use prepares it again
    }
    const bool answered = status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
    if (answered && sent.on_rows) {
      sent.on_rows(PgResult(raw));
    } else if (answered && &sent == &sent_.back()) {
      last = PgResult(raw);
    } else {
      PQclear(raw);
    }
    while ((raw = PQgetResult(conn_)) != nullptr) {  // the end of this statement's answer
      PQclear(raw);
    }
  }
  sent_.clear();
  PGresult* sync = PQgetResult(conn_);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(conn_) != 1) {
    broken_ = true;
    return first_error.ok() ? ErrorOf(nullptr, "pipeline end") : first_error;
  }
  if (!first_error.ok()) {
    return first_error;
  }
  return last;
}

Result<PgResult> PgConn::Query(const std::string& sql, const PgParams& params) {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_ON) {
    Status sent = Defer(sql, params);
    Result<PgResult> result = Collect();
    if (!sent.ok()) {
      return sent;
    }
    return result;
  }
  ERPHUB_ASSIGN_OR_RETURN(const std::string* name, Prepared(sql));
  std::vector<const char*> values;
  std::vector<int> lengths;
  ToArrays(params, values, lengths);
  PGresult* raw = PQexecPrepared(conn_, name->c_str(), params.size(), values.data(), lengths.data(),
                                 params.formats_.data(), 0);
  const ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    Status error = ErrorOf(raw, sql);
    PQclear(raw);
    return error;
  }
  return PgResult(raw);
}

Status PgConn::Exec(const std::string& sql) {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_ON) {
    if (PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
      Status error = ErrorOf(nullptr, sql);
      Collect().status().ok();  // ends the pipeline
      return error;
    }
    sent_.push_back(Sent{sql, false, nullptr});
    return Collect().status();
  }
  PGresult* raw = PQexec(conn_, sql.c_str());
  const ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    Status error = ErrorOf(raw, sql);
    PQclear(raw);
    return error;
  }
  PQclear(raw);
  return Status::Ok();
}

}  // namespace erphub::store
