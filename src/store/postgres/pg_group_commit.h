#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/commit_queue.h"
#include "store/postgres/pg_conn.h"

namespace erphub::store {

// Group commit for PostgreSQL, as sqlite/group_commit.h does it for SQLite: a committer thread
// with a connection of its own takes every operation queued so far, runs each in a savepoint of
// one transaction and commits once, then wakes the callers. A failing operation rolls back only
// itself; one aborted by a deadlock is run again. Used for intake writes (Accept, Quarantine,
// state, lineage); claims and outcomes run on the pool, each in its own transaction.
class PgGroupCommitter {
 public:
  using Operation = std::function<Status(PgConn&)>;
  // Opens the committer's connection (again after it was lost).
  using Connector = std::function<Result<std::unique_ptr<PgConn>>()>;

  // `busy_batch`: see CommitQueue. `on_commit`: told how long each commit took.
  PgGroupCommitter(Connector connect, std::chrono::microseconds window, int max_operations,
                   size_t busy_batch = 0, CommitObserver on_commit = {});
  // Finishes the queued operations, then stops.
  ~PgGroupCommitter();
  PgGroupCommitter(const PgGroupCommitter&) = delete;
  PgGroupCommitter& operator=(const PgGroupCommitter&) = delete;

  // Runs `op` (which must be safe to run again) and returns once its transaction committed.
  Status Run(const Operation& op);

  uint64_t transactions() const { return transactions_.load(); }
  uint64_t operations() const { return operations_.load(); }

 private:
  using Pending = CommitQueue<Operation>::Pending;

  void RunBatch(std::deque<Pending*>& batch);
  // One attempt at the batch on the connection; false when it must be run again from the start.
  bool TryBatch(PgConn& conn, std::deque<Pending*>& batch, Status& batch_status);
  bool RunEachAlone(PgConn& conn, std::deque<Pending*>& batch, Status& batch_status);

  Connector connect_;
  const CommitObserver on_commit_;
  std::unique_ptr<PgConn> conn_;  // only the queue's thread touches it
  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> operations_{0};
  CommitQueue<Operation> queue_;  // last: its thread runs RunBatch on the members above
};

}  // namespace erphub::store
