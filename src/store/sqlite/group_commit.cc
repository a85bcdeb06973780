#include "store/sqlite/group_commit.h"

#include <utility>

namespace erphub::store {

GroupCommitter::GroupCommitter(SqliteDb& db, std::chrono::microseconds window, int max_operations)
    : db_(db),
      window_(window),
      max_operations_(max_operations > 0 ? static_cast<size_t>(max_operations) : 1),
      committer_([this] { CommitLoop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  committer_.join();
}

Status GroupCommitter::Run(const Operation& op) {
  Pending pending{&op, Status::Ok()};
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) {
    return Status(StatusCode::kCancelled, "the store is closing");
  }
  queue_.push_back(&pending);
  if (queue_.size() == 1 || queue_.size() >= max_operations_) {
    work_cv_.notify_one();
  }
  done_cv_.wait(lock, [&pending] { return pending.done; });
  return std::move(pending.status);
}

void GroupCommitter::CommitLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping, nothing left
    }
    if (window_.count() > 0 && !stopping_) {
      work_cv_.wait_for(lock, window_,
                        [this] { return stopping_ || queue_.size() >= max_operations_; });
    }
    std::deque<Pending*> batch;
    while (!queue_.empty() && batch.size() < max_operations_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    RunBatch(batch);
    lock.lock();
    for (Pending* pending : batch) {
      pending->done = true;
    }
    done_cv_.notify_all();
  }
}

void GroupCommitter::RunBatch(std::deque<Pending*>& batch) {
  Status begin = db_.Exec("BEGIN IMMEDIATE");
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
      status = (*pending->op)(db_);
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
  Status commit = db_.Exec("COMMIT");
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
  operations_.fetch_add(batch.size());
}

}  // namespace erphub::store
