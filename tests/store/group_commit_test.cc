#include "store/sqlite/group_commit.h"

#include <future>
#include <mutex>
#include <thread>

#include "store_test_util.h"

namespace erphub::store {
namespace {

// A writer connection to a new database in `dir`, in write-ahead-log mode.
Result<std::unique_ptr<SqliteDb>> OpenWal(const TempDir& dir) {
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(dir.File("t.db"), true));
  ERPHUB_ASSIGN_OR_RETURN(std::string mode, db->QueryText("PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return InternalError("journal mode " + mode);
  }
  return db;
}

// Many threads accepting at once share transactions, and every acknowledged message is stored.
TEST_P(StoreTest, ConcurrentAcceptsShareTransactions) {
  StoreOptions options = Options();
  options.fsync = FsyncMode::kFull;
  options.group_commit_window = std::chrono::milliseconds(2);
  Open(options);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::vector<std::vector<Acceptance>> work(kThreads);
  for (auto& list : work) {
    for (int i = 0; i < kPerThread; ++i) {
      list.push_back(Make("orders", "", R"({"i":)" + std::to_string(i) + "}"));
    }
  }
  const StoreStats before = store_->Stats();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (auto& list : work) {
    threads.emplace_back([&] {
      for (const Acceptance& a : list) {
        if (!store_->Accept(std::span<const Acceptance>(&a, 1)).ok()) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
  const StoreStats after = store_->Stats();
  const uint64_t accepted = after.accepted_messages - before.accepted_messages;
  const uint64_t transactions = after.transactions - before.transactions;
  EXPECT_EQ(accepted, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_LT(transactions, accepted);
  EXPECT_GT(transactions, 0u);
  std::cout << accepted << " acceptances in " << transactions << " transactions\n";

  store_.reset();
  Open();
  for (const auto& list : work) {
    for (const Acceptance& a : list) {
      ASSERT_TRUE(store_->Trace(a.message.id).ok());
    }
  }
}

// Each acceptance waits for a durable commit, and the store tells how long each one took.
TEST_P(StoreTest, DurableCommitsAreTimed) {
  std::mutex mu;
  std::vector<std::chrono::microseconds> commits;
  StoreOptions options = Options();
  options.fsync = FsyncMode::kFull;
  options.on_durable_commit = [&](std::chrono::microseconds took) {
    std::lock_guard<std::mutex> lock(mu);
    commits.push_back(took);
  };
  Open(options);
  AcceptOne(Make("orders", "k1", "{}"));
  AcceptOne(Make("orders", "k2", "{}"));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_GE(commits.size(), 2u);
  for (std::chrono::microseconds took : commits) {
    EXPECT_GE(took.count(), 0);
    EXPECT_LT(took, std::chrono::seconds(60));
  }
}

// With busy_batch, the window is waited for only after a batch that large: the first write goes
// at once (with a minute's window, it would take that minute), and after it the next write waits
// for another (up to max_operations) to share its transaction.
TEST(GroupCommitterTest, TheWindowIsWaitedForOnlyAfterABusyBatch) {
  TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(dir.File("t.db"), true);
  ASSERT_TRUE(db.ok());
  GroupCommitter committer(**db, std::chrono::minutes(1), 2, true, /*busy_batch=*/1);
  auto write = [&] { return committer.Run([](SqliteDb&) { return Status::Ok(); }); };
  std::future<Status> lone = std::async(std::launch::async, write);
  ASSERT_EQ(lone.wait_for(std::chrono::seconds(20)), std::future_status::ready)
      << "a lone write waited for the window";
  EXPECT_TRUE(lone.get().ok());
  EXPECT_EQ(committer.transactions(), 1u);

  // After that batch of one, a write waits for the next to join it.
  std::future<Status> first = std::async(std::launch::async, write);
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "a write after a busy batch did not wait for the window";
  std::future<Status> second = std::async(std::launch::async, write);
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(committer.transactions(), 2u);
  EXPECT_EQ(committer.operations(), 3u);
}

// A failing operation rolls back only its own writes; the others in its transaction commit.
TEST(GroupCommitterTest, AFailedOperationDoesNotSpoilItsBatch) {
  TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(dir.File("t.db"), true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v INTEGER)").ok());
  std::vector<Status> results(6);
  {
    GroupCommitter committer(**db, std::chrono::milliseconds(200), 100, true);
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
      threads.emplace_back([&, i] {
        results[i] = committer.Run([i](SqliteDb& conn) -> Status {
          ERPHUB_TRY(conn.Exec("INSERT INTO t VALUES (" + std::to_string(i) + ")"));
          if (i % 3 == 0) {
            return Status(StatusCode::kConflict, "refused");
          }
          return Status::Ok();
        });
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    EXPECT_LT(committer.transactions(), 6u);
    EXPECT_EQ(committer.operations(), 6u);
  }
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(results[i].ok(), i % 3 != 0) << i;
  }
  Result<std::string> stored =
      (*db)->QueryText("SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, "1,2,4,5");
}

// After a write failed for want of space, nothing is written until the whole log is in the
// database file: a reader's old snapshot keeps part of it out, so writes are refused unrun, and
// they run again once the reader is gone.
TEST(GroupCommitterTest, AfterTheDiskFilledNothingIsWrittenUntilTheLogIsCheckpointed) {
  TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db = OpenWal(dir);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v INTEGER)").ok());
  Result<std::unique_ptr<SqliteDb>> reader = SqliteDb::Open(dir.File("t.db"), false);
  ASSERT_TRUE(reader.ok());
  GroupCommitter committer(**db, std::chrono::microseconds(0), 100, true);
  int runs = 0;
  auto insert = [&](int v) {
    return committer.Run([&, v](SqliteDb& conn) -> Status {
      ++runs;
      return conn.Exec("INSERT INTO t VALUES (" + std::to_string(v) + ")");
    });
  };
  ASSERT_TRUE(insert(1).ok());
  // A reader's snapshot from before the next write keeps that write's pages in the log.
  ASSERT_TRUE((*reader)->Exec("BEGIN").ok());
  ASSERT_EQ((*reader)->QueryText("SELECT count(*) FROM t").value(), "1");
  ASSERT_TRUE(insert(2).ok());
  Status full = committer.Run([](SqliteDb&) -> Status {
    return Status(StatusCode::kResourceExhausted, "database or disk is full (disk full)");
  });
  ASSERT_EQ(full.code(), StatusCode::kResourceExhausted);

  runs = 0;
  Status refused = insert(3);
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted) << refused.ToString();
  EXPECT_NE(refused.ToString().find("disk full"), std::string::npos) << refused.ToString();
  EXPECT_EQ(runs, 0) << "written while the log could not be checkpointed";

  ASSERT_TRUE((*reader)->Exec("COMMIT").ok());
  EXPECT_TRUE(insert(3).ok());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ((*db)->QueryText("SELECT group_concat(v) FROM t").value(), "1,2,3");
}

// Writes that may be redone (claims) commit without waiting for the disk, unless they share the
// transaction with one that must be on the disk.
TEST(GroupCommitterTest, UnsyncedWritesSkipTheSyncUnlessTheyShareATransaction) {
  TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db = OpenWal(dir);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("PRAGMA synchronous = FULL").ok());
  GroupCommitter committer(**db, std::chrono::microseconds(0), 100, true);
  // The level each operation's transaction commits with (1: NORMAL, no sync in WAL mode; 2: FULL).
  auto level = [&](GroupCommitter::Sync sync) {
    std::string seen;
    EXPECT_TRUE(committer
                    .Run(
                        [&](SqliteDb& conn) -> Status {
                          ERPHUB_ASSIGN_OR_RETURN(seen, conn.QueryText("PRAGMA synchronous"));
                          return Status::Ok();
                        },
                        sync)
                    .ok());
    return seen;
  };
  EXPECT_EQ(level(GroupCommitter::Sync::kUnsynced), "1");
  EXPECT_EQ(level(GroupCommitter::Sync::kDurable), "2");
  EXPECT_EQ(level(GroupCommitter::Sync::kUnsynced), "1");
  EXPECT_EQ(committer.transactions(), 3u);
  EXPECT_EQ(committer.unsynced_transactions(), 2u);

  // Sharing a transaction with a durable write, an unsynced one is synced with it.
  GroupCommitter shared(**db, std::chrono::milliseconds(300), 2, true);
  std::string unsynced_level;
  std::thread unsynced([&] {
    EXPECT_TRUE(shared
                    .Run(
                        [&](SqliteDb& conn) -> Status {
                          ERPHUB_ASSIGN_OR_RETURN(unsynced_level,
                                                  conn.QueryText("PRAGMA synchronous"));
                          return Status::Ok();
                        },
                        GroupCommitter::Sync::kUnsynced)
                    .ok());
  });
  EXPECT_TRUE(shared.Run([](SqliteDb&) { return Status::Ok(); }).ok());
  unsynced.join();
  EXPECT_EQ(shared.transactions(), 1u);
  EXPECT_EQ(shared.unsynced_transactions(), 0u);
  EXPECT_EQ(unsynced_level, "2");
}

// Only the commits that waited for the disk are timed: an unsynced one is not.
TEST(GroupCommitterTest, OnlySyncedCommitsAreTimed) {
  TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db = OpenWal(dir);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  int timed = 0;
  GroupCommitter committer(**db, std::chrono::microseconds(0), 100, true, 0,
                           [&](std::chrono::microseconds) { ++timed; });
  auto nothing = [](SqliteDb&) { return Status::Ok(); };
  ASSERT_TRUE(committer.Run(nothing, GroupCommitter::Sync::kUnsynced).ok());
  EXPECT_EQ(timed, 0);
  ASSERT_TRUE(committer.Run(nothing).ok());
  EXPECT_EQ(timed, 1);

  GroupCommitter unsynced(**db, std::chrono::microseconds(0), 100, false, 0,
                          [&](std::chrono::microseconds) { ++timed; });
  ASSERT_TRUE(unsynced.Run(nothing).ok());
  EXPECT_EQ(timed, 1) << "fsync: normal waits for no disk";
}

// With fsync: normal nothing waits for the disk anyway.
TEST(GroupCommitterTest, WithoutSyncedCommitsEveryTransactionIsUnsynced) {
  TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(dir.File("t.db"), true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("PRAGMA synchronous = NORMAL").ok());
  GroupCommitter committer(**db, std::chrono::microseconds(0), 100, false);
  EXPECT_TRUE(committer.Run([](SqliteDb&) { return Status::Ok(); }).ok());
  EXPECT_EQ(committer.unsynced_transactions(), 1u);
  EXPECT_EQ((*db)->QueryText("PRAGMA synchronous").value(), "1");
}

TEST(GroupCommitterTest, RunsOperationsQueuedBeforeItStops) {
  TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(dir.File("t.db"), true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v INTEGER)").ok());
  {
    GroupCommitter committer(**db, std::chrono::microseconds(0), 1, true);
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(
          committer.Run([](SqliteDb& conn) { return conn.Exec("INSERT INTO t VALUES (1)"); }).ok());
    }
    EXPECT_EQ(committer.transactions(), 3u);
  }
  EXPECT_EQ(*(*db)->QueryText("SELECT count(*) FROM t"), "3");
}

}  // namespace
}  // namespace erphub::store
