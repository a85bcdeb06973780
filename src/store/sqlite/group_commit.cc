#include "store/sqlite/group_commit.h"

#include <utility>

namespace erphub::store {

GroupCommitter::GroupCommitter(SqliteDb& db, std::chrono::microseconds window, int max_operations,
                               bool synced, size_t busy_batch, CommitObserver on_synced_commit)
    : db_(db),
      synced_(synced),
      on_synced_commit_(std::move(on_synced_commit)),
      queue_(
          window, max_operations, [this](std::deque<Pending*>& batch) { RunBatch(batch); },
          busy_batch) {}

GroupCommitter::~GroupCommitter() = default;

Status GroupCommitter::Run(const Operation& op, Sync sync) { return queue_.Run(Job{&op, sync}); }

Status GroupCommitter::SyncCommits(bool synced) {
  if (syncing_ == synced) {
    return Status::Ok();
  }
  // SQLite refuses to change this inside a transaction: it is set before BEGIN.
  ERPHUB_TRY(db_.Exec(synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  syncing_ = synced;
  return Status::Ok();
}

void GroupCommitter::RunBatch(std::deque<Pending*>& batch) {
  if (out_of_space_) {
    Result<bool> whole_log = db_.CheckpointPassive();
    if (!whole_log.ok() || !*whole_log) {
      for (Pending* pending : batch) {
        pending->status =
            Status(StatusCode::kResourceExhausted,
                   "nothing is written until the write-ahead log fits into the database file: "
                   "free some space (disk full)");
      }
      return;
    }
    out_of_space_ = false;
  }
  RunTransaction(batch);
  for (const Pending* pending : batch) {
    out_of_space_ = out_of_space_ || pending->status.code() == StatusCode::kResourceExhausted;
  }
}

void GroupCommitter::RunTransaction(std::deque<Pending*>& batch) {
  bool durable = false;
  for (const Pending* pending : batch) {
    durable = durable || pending->op->sync == Sync::kDurable;
  }
  const bool synced = synced_ && durable;
  Status begin = SyncCommits(synced);
  if (begin.ok()) {
    begin = db_.Exec("BEGIN IMMEDIATE");
  }
  if (!begin.ok()) {
    for (Pending* pending : batch) {
      pending->status = begin;
    }
    return;
  }
  bool transaction_lost = false;
  for (Pending* pending : batch) {
    if (transaction_lost) {
      pending->status =
          Status(StatusCode::kUnavailable, "transaction rolled back by another write's failure");
      continue;
    }
    Status status = db_.Exec("SAVEPOINT op");
    if (status.ok()) {
      status = (*pending->op->op)(db_);
    }
    if (!db_.InTransaction()) {
      // SQLite rolled the whole transaction back (disk full, I/O error): every operation of the
      // batch failed, including those that had succeeded.
      transaction_lost = true;
      if (status.ok()) {
        status = Status(StatusCode::kInternal, "transaction rolled back");
      }
      for (Pending* earlier : batch) {
        if (earlier == pending) {
          break;
        }
        earlier->status = status;
      }
      pending->status = std::move(status);
      continue;
    }
    Status end = status.ok() ? db_.Exec("RELEASE op") : db_.Exec("ROLLBACK TO op; RELEASE op");
    pending->status = status.ok() ? std::move(end) : std::move(status);
  }
  if (transaction_lost) {
    return;
  }
  static const CommitObserver kUnobserved;
  Status commit =
      TimedCommit([this] { return db_.Exec("COMMIT"); }, synced ? on_synced_commit_ : kUnobserved);
  if (!commit.ok()) {
    if (db_.InTransaction()) {
      db_.Exec("ROLLBACK").ok();
    }
    for (Pending* pending : batch) {
      if (pending->status.ok()) {
        pending->status = commit;
      }
    }
    return;
  }
  transactions_.fetch_add(1);
  if (!synced) {
    unsynced_transactions_.fetch_add(1);
  }
  operations_.fetch_add(batch.size());
}

}  // namespace erphub::store
