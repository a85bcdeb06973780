#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>

#include "core/result.h"
#include "store/commit_queue.h"
#include "store/sqlite/sqlite_db.h"

namespace erphub::store {

// Runs the write operations of many threads on one connection, sharing transactions: a
// committer thread takes every operation queued so far, runs each in its own savepoint inside
// one transaction, commits once (one fsync for the lot), then wakes the callers. While a commit
// is on the disk, new operations queue for the next one, so under load a transaction carries
// many operations and callers still return only once their own writes are durable.
class GroupCommitter {
 public:
  // An operation writes through the connection and returns its status; a failed operation's
  // writes are rolled back without affecting the others in the transaction.
  using Operation = std::function<Status(SqliteDb&)>;

  // `window`: after the first operation arrives, wait this long for more to join.
  GroupCommitter(SqliteDb& db, std::chrono::microseconds window, int max_operations);
  // Finishes the queued operations, then stops.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `op` and returns once its transaction has committed: its status, or the commit's
  // failure.
  Status Run(const Operation& op);

  uint64_t transactions() const { return transactions_.load(); }
  uint64_t operations() const { return operations_.load(); }

 private:
  using Pending = CommitQueue<Operation>::Pending;

  void RunBatch(std::deque<Pending*>& batch);

  SqliteDb& db_;
  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> operations_{0};
  CommitQueue<Operation> queue_;  // last: its thread runs RunBatch on the members above
};

}  // namespace erphub::store
