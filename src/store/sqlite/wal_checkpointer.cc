#include "store/sqlite/wal_checkpointer.h"

#include <utility>

#include "core/thread_name.h"

namespace erphub::store {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(SqliteDb& writer,
                                                                const std::string& path,
                                                                int threshold_pages) {
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path, false));
  // A connection finds the log at its first read; until then a checkpoint does nothing.
  ERPHUB_TRY(db->QueryText("SELECT count(*) FROM sqlite_schema").status());
  std::unique_ptr<WalCheckpointer> checkpointer(
      new WalCheckpointer(writer, std::move(db), threshold_pages));
  WalCheckpointer* self = checkpointer.get();
  writer.OnWalCommit([self](int log_pages) { self->Committed(log_pages); });
  return checkpointer;
}

WalCheckpointer::WalCheckpointer(SqliteDb& writer, std::unique_ptr<SqliteDb> db,
                                 int threshold_pages)
    : writer_(writer),
      db_(std::move(db)),
      threshold_pages_(threshold_pages > 0 ? threshold_pages : 1),
      thread_(NamedThread("checkpointer", [this] { Run(); })) {}

WalCheckpointer::~WalCheckpointer() {
  // The writer's owner has stopped committing; no hook call can race with this.
  writer_.OnWalCommit(nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

int WalCheckpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checkpoints_;
}

void WalCheckpointer::Committed(int log_pages) {
  if (log_pages < threshold_pages_) {
    return;
  }
  if (log_pages >= kCatchUpFactor * threshold_pages_) {
    writer_.CheckpointPassive().ok();
    catch_ups_.fetch_add(1);
    return;
  }
  Request();
}

void WalCheckpointer::Request() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (due_) {
      return;
    }
    due_ = true;
  }
  cv_.notify_one();
}

void WalCheckpointer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return due_ || stopping_; });
    if (stopping_) {
      return;
    }
    due_ = false;  // taken: a request while this one runs asks for another
    lock.unlock();
    // A failed passive checkpoint (I/O error, busy) leaves the log longer; the next commit past
    // the threshold asks again, and the writer's own commits are not affected.
    db_->CheckpointPassive().ok();
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace erphub::store
