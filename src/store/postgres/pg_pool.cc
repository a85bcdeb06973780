#include "store/postgres/pg_pool.h"

#include <chrono>
#include <thread>

namespace erphub::store {

PgPool::PgPool(std::string url, int max_size, std::string session_sql)
    : url_(std::move(url)),
      redacted_url_(RedactPostgresUrl(url_)),
      max_size_(max_size),
      session_sql_(std::move(session_sql)) {}

PgPool::~PgPool() = default;

Result<std::unique_ptr<PgConn>> PgPool::Take() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
    if (!idle_.empty()) {
      std::unique_ptr<PgConn> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  Result<std::unique_ptr<PgConn>> conn = PgConn::Connect(url_);
  if (conn.ok() && !session_sql_.empty()) {
    Status status = (*conn)->Exec(session_sql_);
    if (!status.ok()) {
      conn = status;
    }
  }
  if (!conn.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_one();
  }
  return conn;
}

void PgPool::Give(std::unique_ptr<PgConn> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->healthy() && !conn->in_transaction()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // dropped; the next caller opens a fresh one
  }
  cv_.notify_one();
}

Status PgPool::WithConnection(const std::function<Status(PgConn&)>& fn) {
  Status status;
  // A pooled connection the server has closed meanwhile fails its first statement; with
  // nothing changed, a fresh connection runs it again.
  for (int attempt = 0; attempt <= max_size_; ++attempt) {
    ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, Take());
    status = fn(*conn);
    const bool lost = !conn->healthy();
    Give(std::move(conn));
    if (status.ok() || !lost) {
      break;
    }
  }
  return status;
}

Status PgPool::Transaction(const std::function<Status(PgConn&)>& fn) {
  return RunTransaction("BEGIN", fn);
}

Status PgPool::ReadTransaction(const std::function<Status(PgConn&)>& fn) {
  return RunTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
}

Status PgPool::RunTransaction(const std::string& begin, const std::function<Status(PgConn&)>& fn) {
  constexpr int kAttempts = 8;
  Status status;
  int attempt = 0;
  int lost = 0;
  while (true) {
    ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, Take());
    bool committing = false;
    status = conn->Defer(begin);  // sent with the transaction's first statement
    if (status.ok()) {
      status = fn(*conn);
    }
    if (status.ok()) {
      status = conn->Flush();
    }
    if (status.ok()) {
      committing = true;
      status = conn->Exec("COMMIT");
    } else if (conn->healthy() && conn->in_transaction()) {
      conn->Exec("ROLLBACK").ok();
    }
    const bool healthy = conn->healthy();
    Give(std::move(conn));
    if (status.ok()) {
      return status;
    }
    if (!healthy) {
      // Lost before COMMIT: nothing was changed, and a fresh connection runs it again (a pooled
      // connection the server closed meanwhile). Lost during COMMIT: the outcome is unknown.
      if (committing || ++lost > max_size_) {
        return Status(
            StatusCode::kUnavailable,
            (committing ? "the commit's outcome is unknown: " : "") + std::string(status.message()),
            redacted_url_);
      }
      continue;
    }
    if (!IsPgRetryable(status) || ++attempt >= kAttempts) {
      return status;
    }
    // Another transaction won a lock race: back off a little and run again.
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt * 2));
  }
}

}  // namespace erphub::store
