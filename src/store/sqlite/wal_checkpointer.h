#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/sqlite_db.h"

namespace erphub::store {

// Copies the write-ahead log back into the database file on its own connection and thread, so
// that commits never wait for a checkpoint (and, with fsync: full, for its fsync of the
// database file). The writer connection's automatic checkpoints are turned off; its commits
// report the log's size here, and a passive checkpoint runs once the log holds `threshold`
// pages. Passive checkpoints never block the writer or readers; the log restarts from its
// beginning at the first commit after a checkpoint has copied all of it. Under a steady stream
// of commits that moment may never come (each checkpoint ends while the next commit is being
// written), so at `kCatchUpFactor` times the threshold the writer checkpoints the rest itself,
// as SQLite would have done at every threshold: little is left to copy by then.
class WalCheckpointer {
 public:
  static constexpr int kCatchUpFactor = 4;

  static Result<std::unique_ptr<WalCheckpointer>> Start(SqliteDb& writer, const std::string& path,
                                                        int threshold_pages = 1000);
  // Stops the thread; a checkpoint in progress finishes first.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run so far on this thread, and by the writer catching up (for tests).
  int checkpoints() const;
  int catch_ups() const { return catch_ups_.load(); }

 private:
  WalCheckpointer(SqliteDb& writer, std::unique_ptr<SqliteDb> db, int threshold_pages);

  // Called by SQLite on the writer's thread after each commit, with the log's size in pages.
  void Committed(int log_pages);
  // Wakes the checkpointer's thread (once, however many ask while it waits).
  void Request();
  void Run();

  SqliteDb& writer_;
  std::unique_ptr<SqliteDb> db_;
  const int threshold_pages_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool due_ = false;       // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  int checkpoints_ = 0;    // guarded by mu_
  std::atomic<int> catch_ups_{0};
  std::thread thread_;  // last: started once the rest is built
};

}  // namespace erphub::store
