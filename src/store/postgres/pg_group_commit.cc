#include "store/postgres/pg_group_commit.h"

#include <utility>

namespace erphub::store {

PgGroupCommitter::PgGroupCommitter(Connector connect, std::chrono::microseconds window,
                                   int max_operations)
    : connect_(std::move(connect)),
      queue_(window, max_operations, [this](std::deque<Pending*>& batch) { RunBatch(batch); }) {}

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
  // A single operation needs no savepoint: its transaction is its own.
  const bool savepoints = batch.size() > 1;
  for (int single_attempt = 1;; ++single_attempt) {
    batch_status = conn.Exec("BEGIN");
    if (!batch_status.ok()) {
      return conn.healthy();  // a healthy connection that cannot begin: give up
    }
    for (Pending* pending : batch) {
      Status status = savepoints ? conn.Exec("SAVEPOINT op") : Status::Ok();
      if (status.ok()) {
        status = (*pending->op)(conn);
      }
      if (!conn.healthy()) {
        batch_status = status.ok() ? Status(StatusCode::kUnavailable, "connection lost") : status;
        return false;
      }
      if (status.ok() && savepoints) {
        status = conn.Exec("RELEASE op");
      }
      if (!status.ok() && savepoints) {
        Status undo = conn.Exec("ROLLBACK TO op; RELEASE op");
        if (!undo.ok()) {
          batch_status = undo;
          conn.Exec("ROLLBACK").ok();
          return conn.healthy();
        }
        if (IsPgRetryable(status)) {
          // A deadlock or serialization failure may involve locks that the earlier operations
          // of this transaction hold, so retrying inside it meets the same cycle again: roll
          // all back and run each operation in a transaction of its own.
          conn.Exec("ROLLBACK").ok();
          return RunEachAlone(conn, batch, batch_status);
        }
      }
      pending->status = std::move(status);
    }
    if (savepoints || batch.front()->status.ok()) {
      break;
    }
    conn.Exec("ROLLBACK").ok();
    if (!IsPgRetryable(batch.front()->status) || single_attempt == kOperationAttempts) {
      return true;  // the operation failed and changed nothing
    }
    batch.front()->status = Status::Ok();  // a deadlock or serialization failure: run again
  }
  Status commit = conn.Exec("COMMIT");
  if (!commit.ok()) {
    if (conn.healthy() && conn.in_transaction()) {
      conn.Exec("ROLLBACK").ok();
    }
    for (Pending* pending : batch) {
      if (pending->status.ok()) {
        pending->status = Status(StatusCode::kUnavailable,
                                 "the commit failed; the write may or may not have been stored: " +
                                     std::string(commit.message()));
      }
    }
    return true;
  }
  transactions_.fetch_add(1);
  operations_.fetch_add(batch.size());
  return true;
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
