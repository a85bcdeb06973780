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
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, Take());
  Status status = fn(*conn);
  Give(std::move(conn));
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
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, Take());
    status = conn->Exec(begin);
    if (status.ok()) {
      status = fn(*conn);
    }
    if (status.ok()) {
      status = conn->Exec("COMMIT");
    } else if (conn->healthy() && conn->in_transaction()) {
      conn->Exec("ROLLBACK").ok();
    }
    Give(std::move(conn));
    if (!IsPgRetryable(status)) {
      return status;
    }
    // Another transaction won a lock race: back off a little and run again.
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt * 2));
  }
  return status;
}

}  // namespace erphub::store
