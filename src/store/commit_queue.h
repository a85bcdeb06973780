#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "core/result.h"
#include "core/thread_name.h"
#include "store/store.h"

namespace erphub::store {

// Runs `commit` (the COMMIT statement) and, when it succeeds and `observe` is set, tells
// `observe` how long it took.
inline Status TimedCommit(const std::function<Status()>& commit, const CommitObserver& observe) {
  if (!observe) {
    return commit();
  }
  const auto start = std::chrono::steady_clock::now();
  Status status = commit();
  if (status.ok()) {
    observe(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  start));
  }
  return status;
}

// The queue behind both stores' group commit (sqlite/group_commit.h, postgres/pg_group_commit.h):
// callers of many threads queue operations and wait; one committer thread takes every operation
// queued so far (waiting up to `window` for more, at most `max_operations`), hands them to
// `run_batch` (which runs them in one transaction and sets each one's status), then wakes their
// callers. Operations queued while a batch runs form the next one.
//
// The stores wait for the window only while busy: after a batch of kGroupCommitBusyBatch
// operations or more. Under load a transaction then carries more writes, which share their pages
// and their fsync; a write to an idle store is not delayed.
inline constexpr size_t kGroupCommitBusyBatch = 4;

template <typename Operation>
class CommitQueue {
 public:
  struct Pending {
    const Operation* op;
    Status status;
    bool done = false;
  };
  using RunBatch = std::function<void(std::deque<Pending*>& batch)>;

  // `busy_batch`: wait for the window only after a batch of at least this many operations (0:
  // before every batch).
  CommitQueue(std::chrono::microseconds window, int max_operations, RunBatch run_batch,
              size_t busy_batch = 0)
      : window_(window),
        max_operations_(max_operations > 0 ? static_cast<size_t>(max_operations) : 1),
        busy_batch_(busy_batch),
        run_batch_(std::move(run_batch)),
        committer_(NamedThread("store-writer", [this] { CommitLoop(); })) {}

  // Finishes the queued operations, then stops.
  ~CommitQueue() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    committer_.join();
  }
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Queues `op` and returns its status once its batch has run.
  Status Run(const Operation& op) {
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

 private:
  void CommitLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    size_t last_batch = 0;
    while (true) {
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, nothing left
      }
      if (window_.count() > 0 && !stopping_ && last_batch >= busy_batch_) {
        work_cv_.wait_for(lock, window_,
                          [this] { return stopping_ || queue_.size() >= max_operations_; });
      }
      std::deque<Pending*> batch;
      while (!queue_.empty() && batch.size() < max_operations_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      last_batch = batch.size();
      lock.unlock();
      run_batch_(batch);
      lock.lock();
      for (Pending* pending : batch) {
        pending->done = true;
      }
      done_cv_.notify_all();
    }
  }

  const std::chrono::microseconds window_;
  const size_t max_operations_;
  const size_t busy_batch_;
  const RunBatch run_batch_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Pending*> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  std::thread committer_;       // last: started once the rest is built
};

}  // namespace erphub::store
