#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "core/result.h"
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

  // Runs at the start of every transaction, before the operations, in its own savepoint (a
  // failure rolls back only its writes), e.g. to copy logged acceptances into the tables.
  using Prelude = std::function<Status(SqliteDb&)>;
  // After each commit; `synced`: the commit reached the disk.
  using Committed = std::function<void(bool synced)>;
  // Asked before each transaction: should it reach the disk even if no operation needs it?
  using WantsSync = std::function<bool()>;
  struct Hooks {
    Prelude prelude;
    Committed committed;
    WantsSync wants_sync;
  };

  // `window`: after the first operation arrives, wait this long for more to join. `can_sync`:
  // false when the store runs with fsync: normal (no commit waits for the disk).
  GroupCommitter(SqliteDb& db, std::chrono::microseconds window, int max_operations, bool can_sync,
                 Hooks hooks = {});
  // Finishes the queued operations, then stops.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `op` and returns once its transaction has committed: its status, or the commit's
  // failure. `sync`: the commit must reach the disk before this returns (an acknowledgement,
  // an operator's decision); otherwise it survives a crash of the process but may be lost on a
  // power failure (work that is redone with the same idempotency key: claims, outcomes).
  Status Run(const Operation& op, bool sync = true);

  // Runs a transaction soon even if no operation is queued (for the prelude's sake).
  void Nudge();

  uint64_t transactions() const { return transactions_.load(); }
  uint64_t operations() const { return operations_.load(); }

 private:
  struct Pending {
    const Operation* op;
    bool sync;
    Status status;
    bool done = false;
  };

  void CommitLoop();
  void RunBatch(std::deque<Pending*>& batch);
  Status SetSync(bool sync);

  SqliteDb& db_;
  const std::chrono::microseconds window_;
  const size_t max_operations_;
  const bool can_sync_;
  const Hooks hooks_;
  bool synchronous_full_ = true;  // the connection's current setting (committer thread only)

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  bool nudged_ = false;

  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> operations_{0};
  std::thread committer_;
};

}  // namespace erphub::store
