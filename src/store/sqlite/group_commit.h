#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

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
  // kDurable: Run returns once the write is on the disk (with fsync: full). kUnsynced: once it is
  // in the log, without waiting for the disk, for writes a power cut may lose because redoing
  // them is harmless (claims and lease renewals: the work is claimed again). A transaction
  // holding both kinds is synced; a later synced commit makes earlier unsynced ones durable too,
  // as the log is written in order.
  enum class Sync { kDurable, kUnsynced };

  // `window`: after the first operation arrives, wait this long for more to join (only after a
  // batch of `busy_batch` operations or more; see CommitQueue).
  // `synced`: whether durable commits wait for the disk (fsync: full) or not (fsync: normal).
  // `on_synced_commit`: told how long each commit that waited for the disk took.
  GroupCommitter(SqliteDb& db, std::chrono::microseconds window, int max_operations, bool synced,
                 size_t busy_batch = 0, CommitObserver on_synced_commit = {});
  // Finishes the queued operations, then stops.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `op` and returns once its transaction has committed: its status, or the commit's
  // failure.
  Status Run(const Operation& op, Sync sync = Sync::kDurable);

  uint64_t transactions() const { return transactions_.load(); }
  // Of those, the ones committed without waiting for the disk.
  uint64_t unsynced_transactions() const { return unsynced_transactions_.load(); }
  uint64_t operations() const { return operations_.load(); }

 private:
  struct Job {
    const Operation* op;
    Sync sync;
  };
  using Pending = CommitQueue<Job>::Pending;

  void RunBatch(std::deque<Pending*>& batch);
  void RunTransaction(std::deque<Pending*>& batch);
  // Sets the connection's synchronous level for the next transaction, when it changes.
  Status SyncCommits(bool synced);

  SqliteDb& db_;
  const bool synced_;
  const CommitObserver on_synced_commit_;
  // A write failed for want of space. Until a checkpoint has moved the whole log into the
  // database file, batches are refused unwritten: the log would otherwise grow into the space
  // an operator frees, leaving none for the checkpoint that lets it start over (stuck for
  // good). On the committer thread only.
  bool out_of_space_ = false;
  // The level set on the connection, unknown until the first batch sets it; on the committer
  // thread only.
  std::optional<bool> syncing_;
  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> unsynced_transactions_{0};
  std::atomic<uint64_t> operations_{0};
  CommitQueue<Job> queue_;  // last: its thread runs RunBatch on the members above
};

}  // namespace erphub::store
