#include "store/postgres/pg_group_commit.h"

#include <utility>

namespace erphub::store {

PgGroupCommitter::PgGroupCommitter(Connector connect, std::chrono::microseconds window,
                                   int max_operations, size_t busy_batch, CommitObserver on_commit)
    : connect_(std::move(connect)),
      on_commit_(std::move(on_commit)),
      queue_(
          window, max_operations, [this](std::deque<Pending*>& batch) { RunBatch(batch); },
          busy_batch) {}

PgGroupCommitter::~PgGroupCommitter() = default;

Status PgGroupCommitter::Run(const Operation& op) { return queue_.Run(op); }

void PgGroupCommitter::RunBatch(std::deque<Pending*>& batch) {
  // A lost connection before COMMIT was sent changed nothing: reconnect and run the batch once
  // more. Lost during COMMIT, the outcome is unknown and the callers are told so.
  constexpr int kAttempts = 2;
  Status batch_status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    if (conn_ == nullptr || !conn_->healthy()) {
      conn_.reset();
      Result<std::unique_ptr<PgConn>> conn = connect_();
      if (!conn.ok()) {
        batch_status = conn.status();
        break;
      }
      conn_ = std::move(conn).value();
    }
    if (TryBatch(*conn_, batch, batch_status)) {
      return;
    }
  }
  for (Pending* pending : batch) {
    pending->status = batch_status;
  }
}

bool PgGroupCommitter::TryBatch(PgConn& conn, std::deque<Pending*>& batch, Status& batch_status) {
  constexpr int kOperationAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    batch_status = conn.Defer("BEGIN");  // sent with the first operation's statements
    if (!batch_status.ok()) {
      return conn.healthy();  // a healthy connection that cannot begin: give up
    }
    Status failed;
    for (Pending* pending : batch) {
      pending->status = (*pending->op)(conn);
      if (!conn.healthy()) {
        batch_status = pending->status.ok() ? Status(StatusCode::kUnavailable, "connection lost")
                                            : pending->status;
        return false;
      }
      if (!pending->status.ok()) {
        failed = pending->status;
        break;
      }
    }
    if (failed.ok()) {
      failed = conn.Flush();  // the operations' deferred statements, before COMMIT is sent
      if (!conn.healthy()) {
        batch_status = failed;
        return false;
      }
    }
    if (failed.ok()) {
      Status commit = TimedCommit([&conn] { return conn.Exec("COMMIT"); }, on_commit_);
      if (commit.ok()) {
        transactions_.fetch_add(1);
        operations_.fetch_add(batch.size());
        return true;
      }
      if (conn.healthy() && conn.in_transaction()) {
        conn.Exec("ROLLBACK").ok();
      }
      for (Pending* pending : batch) {
        pending->status = Status(StatusCode::kUnavailable,
                                 "the commit failed; the write may or may not have been stored: " +
                                     std::string(commit.message()));
      }
      return true;
    }
    conn.Exec("ROLLBACK").ok();
    if (batch.size() > 1) {
      // Operations rarely fail, so they share the transaction without a savepoint each (two
      // round trips fewer per operation). When one fails, all are undone and each runs again
      // in a transaction of its own, so that only the failing one fails. This also settles a
      // deadlock, whose cycle may involve the locks of earlier operations in the transaction.
      return RunEachAlone(conn, batch, batch_status);
    }
    batch.front()->status = failed;
    if (!IsPgRetryable(failed) || attempt == kOperationAttempts) {
      return true;  // the operation failed and changed nothing
    }
    // A deadlock or serialization failure: run again.
  }
}

bool PgGroupCommitter::RunEachAlone(PgConn& conn, std::deque<Pending*>& batch,
                                    Status& batch_status) {
  for (size_t i = 0; i < batch.size(); ++i) {
    std::deque<Pending*> one = {batch[i]};
    batch[i]->status = Status::Ok();
    if (!TryBatch(conn, one, batch_status)) {
      // The connection is lost; the operations before this one are committed, so they must
      // not run again: this one and the rest are told, having changed nothing.
      for (size_t j = i; j < batch.size(); ++j) {
        batch[j]->status = batch_status;
      }
      return true;
    }
  }
  return true;
}

}  // namespace erphub::store
