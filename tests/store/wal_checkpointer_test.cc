#include "store/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store_test_util.h"

namespace erphub::store {
namespace {

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("wal.db");
    auto db = SqliteDb::Open(path_, true);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    writer_ = std::move(*db);
    ASSERT_EQ(writer_->QueryText("PRAGMA journal_mode = WAL").value(), "wal");
    ASSERT_TRUE(writer_->Exec("CREATE TABLE t (v BLOB)").ok());
  }

  // Commits `n` transactions of one 4 KB row each.
  void Commit(int n) {
    for (int i = 0; i < n; ++i) {
      auto insert = writer_->Prepare("INSERT INTO t (v) VALUES (?1)");
      ASSERT_TRUE(insert.ok());
      ASSERT_TRUE(insert->BindBlob(1, std::string(4096, 'x')).Run().ok());
    }
  }

  uintmax_t WalBytes() const { return std::filesystem::file_size(path_ + "-wal"); }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteDb> writer_;
};

// The log is copied into the database file on the checkpointer's own thread (the writer's
// automatic checkpoints are off, and these commits stay short of its catch-up).
TEST_F(WalCheckpointerTest, CopiesTheLogIntoTheDatabaseOnItsOwnThread) {
  auto checkpointer = WalCheckpointer::Start(*writer_, path_, 20);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.status().ToString();
  const uintmax_t before = std::filesystem::file_size(path_);
  Commit(15);  // 15 pages of rows, about 45 pages of log
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::filesystem::file_size(path_) < before + 15 * 4096 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_GE(std::filesystem::file_size(path_), before + 15 * 4096);
  EXPECT_GE((*checkpointer)->checkpoints(), 1);
  EXPECT_EQ((*checkpointer)->catch_ups(), 0);
}

// Commits with no pause between them never meet a fully copied log, so the log would grow
// forever; the writer catches up itself at kCatchUpFactor times the threshold.
TEST_F(WalCheckpointerTest, BoundsTheLogUnderSteadyCommits) {
  auto checkpointer = WalCheckpointer::Start(*writer_, path_, 20);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.status().ToString();
  Commit(600);
  // Unbounded, the log would hold all 600 commits of 3 pages each (7 MB). Bounded, it holds
  // about kCatchUpFactor x 20 pages, more while a checkpoint on the other thread holds the
  // checkpoint lock (the writer's catch-up then waits for the next commit): a quarter is far.
  EXPECT_LT(WalBytes(), 600u * 3u * 4160u / 4u);
}

// Below the threshold nothing is copied: the writer's commits alone decide when.
TEST_F(WalCheckpointerTest, WaitsForTheThreshold) {
  auto checkpointer = WalCheckpointer::Start(*writer_, path_, 1000);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.status().ToString();
  Commit(20);
  EXPECT_EQ((*checkpointer)->checkpoints(), 0);
}

// Once stopped, the writer's commits no longer call into it, and nothing checkpoints the log.
TEST_F(WalCheckpointerTest, StopsCleanly) {
  {
    auto checkpointer = WalCheckpointer::Start(*writer_, path_, 5);
    ASSERT_TRUE(checkpointer.ok()) << checkpointer.status().ToString();
    Commit(10);
  }
  const uintmax_t before = WalBytes();
  Commit(50);
  EXPECT_GT(WalBytes(), before);
}

}  // namespace
}  // namespace erphub::store
