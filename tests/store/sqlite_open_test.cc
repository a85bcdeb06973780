#include <sqlite3.h>

#include <fstream>

#include "store/open_store.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace erphub::store {
namespace {

// Runs SQL on the database file directly, as another tool would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

void Overwrite(const std::string& path, std::streamoff offset, const std::string& bytes) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file.good());
  file.seekp(offset);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class SqliteOpenTest : public StoreTestBase {
 protected:
  Backend backend() const override { return Backend::kSqlite; }

  // Fills the store with some rows and closes it (which checkpoints the WAL into the file).
  void FillAndClose() {
    for (int i = 0; i < 50; ++i) {
      AcceptOne(Make("orders", std::to_string(i), R"({"line":"some text to take space"})"));
    }
    store_.reset();
    ASSERT_FALSE(std::filesystem::exists(path() + "-wal"));
  }

  Status Reopen(StoreOptions options) {
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(path(), options);
    return store.status();
  }
  Status Reopen() { return Reopen(Options()); }
};

TEST_F(SqliteOpenTest, UsesWalAndRecordsTheSchemaVersion) {
  EXPECT_TRUE(std::filesystem::exists(path() + "-wal"));
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), SqliteSchemaVersion());
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  // Reopening migrates nothing and works.
  EXPECT_TRUE(Reopen().ok());
}

// Before schema version 4 a message's "received" event was a lineage row, and its source NULL.
TEST_F(SqliteOpenTest, AMessageStoredBeforeVersion4TracesItsReceivedEventOnce) {
  Acceptance a = Make("orders", "1", "{}");
  a.source = "webhook 10.0.0.7";
  MessageId id = AcceptOne(a);
  store_.reset();
  RawExec(path(),
          "UPDATE messages SET source = NULL; INSERT INTO lineage (message_seq, kind, at, name, "
          "attempt, duration_us, outcome, detail) SELECT seq, 0, received_at, '', 0, 0, '', "
          "'webhook (stored by version 3)' FROM messages");
  Open();
  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  ASSERT_EQ(trace->events.size(), 1u);
  EXPECT_EQ(trace->events[0].kind, LineageKind::kReceived);
  EXPECT_EQ(trace->events[0].detail, "webhook (stored by version 3)");
}

TEST_F(SqliteOpenTest, RefusesANewerSchema) {
  store_.reset();
  RawExec(path(), "INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
  Status status = Reopen();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.ToString().find("999 is newer"), std::string::npos) << status.ToString();
}

TEST_F(SqliteOpenTest, WithoutMigrationsRefusesAnOlderSchema) {
  TempDir other;
  StoreOptions options = Options();
  options.apply_migrations = false;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(other.File("new.db"), options);
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().ToString().find("erphub migrate"), std::string::npos);
  // An up-to-date store opens without migrating.
  store_.reset();
  EXPECT_TRUE(Reopen(options).ok());
}

TEST_F(SqliteOpenTest, RefusesADatabaseThatIsNotAStore) {
  TempDir other;
  const std::string foreign = other.File("foreign.db");
  RawExec(foreign, "CREATE TABLE customers (id INTEGER)");
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(foreign, Options());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().ToString().find("not an erphub store"), std::string::npos);
}

TEST_F(SqliteOpenTest, DetectsAGarbledHeader) {
  FillAndClose();
  Overwrite(path(), 0, "this is no database file");
  Status status = Reopen();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.ToString().find("corrupt"), std::string::npos) << status.ToString();
}

TEST_F(SqliteOpenTest, DetectsACorruptPage) {
  FillAndClose();
  const auto size = std::filesystem::file_size(path());
  ASSERT_GT(size, 4u * 4096u);
  Overwrite(path(), 2 * 4096, std::string(4096, '\xab'));
  Status status = Reopen();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.ToString().find("torn or corrupt"), std::string::npos) << status.ToString();
}

TEST_F(SqliteOpenTest, DetectsATornFile) {
  FillAndClose();
  const auto size = std::filesystem::file_size(path());
  std::filesystem::resize_file(path(), size / 2);
  Status status = Reopen();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
}

TEST_F(SqliteOpenTest, CreatesMissingFolders) {
  TempDir other;
  Result<std::unique_ptr<Store>> store =
      OpenSqliteStore(other.File("data/nested/hub.db"), Options());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
}

TEST(OpenStoreTest, ChoosesTheImplementationByUrl) {
  TempDir dir;
  StoreOptions options;
  options.fsync = FsyncMode::kNormal;
  Result<std::unique_ptr<Store>> store = OpenStore("sqlite:" + dir.File("a.db"), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  store = OpenStore("sqlite://" + dir.File("b.db"), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir.File("b.db")));
  EXPECT_EQ(OpenStore("sqlite:", options).status().code(), StatusCode::kInvalidArgument);
  // Nothing listens on port 1: the PostgreSQL store is chosen and cannot connect.
  Result<std::unique_ptr<Store>> unreachable =
      OpenStore("postgresql://hub:secret@127.0.0.1:1/erphub?connect_timeout=2", options);
  EXPECT_EQ(unreachable.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(unreachable.status().ToString().find("secret"), std::string::npos)
      << unreachable.status().ToString();
  EXPECT_EQ(OpenStore("redis://x", options).status().code(), StatusCode::kInvalidArgument);
}

TEST(FsyncModeTest, Parses) {
  EXPECT_EQ(*ParseFsyncMode("full"), FsyncMode::kFull);
  EXPECT_EQ(*ParseFsyncMode("normal"), FsyncMode::kNormal);
  EXPECT_EQ(ParseFsyncMode("off").status().code(), StatusCode::kInvalidArgument);
}

// The plan SQLite chooses for `sql` on the store's file, one line per step.
std::string QueryPlan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += "\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

// A lane query that SQLite answered without the partial index would still be right, only slow:
// it would read every delivery ever made, on every acceptance and every outcome.
TEST_F(SqliteOpenTest, LaneQueriesReadTheOpenLanesIndex) {
  for (const char* query : {kLaneHeadQuery, kLaneNextQuery}) {
    std::string plan = QueryPlan(path(), query);
    EXPECT_NE(plan.find("USING COVERING INDEX deliveries_open_lanes (lane=?)"), std::string::npos)
        << query << "\n"
        << plan;
  }
}

}  // namespace
}  // namespace erphub::store
