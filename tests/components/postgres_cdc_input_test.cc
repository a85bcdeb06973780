#include "components/inputs/postgres_cdc_input.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "component_harness.h"
#include "core/json.h"
#include "core/log.h"
#include "db/connection.h"
#include "servers/postgres_test_server.h"

namespace erphub::components {
namespace {

using std::chrono::seconds;
using testing::Build;
using testing::StateIntake;
using testing::WaitUntil;

// Staged snapshot chunks of one row each, after a first of `batch` rows.
constexpr const char* kSmallChunks = ", snapshot_chunk: 1B";

class PostgresCdcInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ERPHUB_REQUIRE_POSTGRES();
    Connect(erphub::testing::PostgresTestUrl());
  }

  // Connects to the server at `url` and creates the test's table there.
  void Connect(const std::string& url) {
    url_ = url;
    db::ConnectionOptions options;
    options.url = url_;
    auto connection = db::Connect(options);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    sql_ = std::move(*connection);
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string id = std::to_string(std::hash<std::string>{}(info->name()) % 1000000007) + "_" +
                     std::to_string(::getpid());
    table_ = "cdc_t_" + id;
    slot_ = "cdc_s_" + id;
    publication_ = "cdc_p_" + id;
    Cleanup();
    Run("CREATE TABLE " + table_ +
        " (id integer PRIMARY KEY, name text, amount numeric(12,2), big text)");
  }

  void TearDown() override {
    input_.reset();
    if (sql_ != nullptr) {
      Cleanup();
    }
  }

  void Cleanup() {
    // A slot stays active a moment after its reader went away.
    WaitUntil([&] {
      auto dropped = sql_->Execute(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
          "slot_name = '" +
          slot_ + "' AND NOT active");
      auto left = sql_->Execute("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                                slot_ + "'");
      return dropped.ok() && left.ok() && ToJson(left->rows[0][0]) == "0";
    });
    Run("DROP PUBLICATION IF EXISTS " + publication_);
    Run("DROP TABLE IF EXISTS " + table_);
    Run("DROP TABLE IF EXISTS " + OtherTable());
  }

  // A second table, for tests that change which tables are captured.
  std::string OtherTable() const { return table_ + "_b"; }

  void Run(const std::string& statement) {
    auto done = sql_->Execute(statement);
    ASSERT_TRUE(done.ok()) << statement << ": " << done.status().ToString();
  }

  std::string Scalar(const std::string& query) {
    auto result = sql_->Execute(query);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok() || result->rows.empty()) {
      return "";
    }
    const Value& value = result->bind_values[0][0];
    return value.is_null() ? "null" : std::string(value.as_string());
  }

  void StartInput(StateIntake& intake, int batch, const std::string& more = "") {
    StartInputOn(intake, batch, table_, more);
  }

  // `tables`: the YAML list's items, e.g. "a, b".
  void StartInputOn(StateIntake& intake, int batch, const std::string& tables,
                    const std::string& more = "") {
    std::string yaml = "postgres_cdc: {url: \"" + url_ + "\", publication: " + publication_ +
                       ", slot: " + slot_ + ", tables: [" + tables +
                       "], batch: " + std::to_string(batch) + ", retry_interval: 20ms" + more + "}";
    auto input = Build<Input>(ComponentKind::kInput, yaml);
    ASSERT_TRUE(input.ok()) << input.error().ToString();
    InputContext context{.flow = "items",
                         .intake = &intake,
                         .server = nullptr,
                         .clock = nullptr,
                         .metrics = &metrics_};
    Status started = (*input)->Start(context);
    ASSERT_TRUE(started.ok()) << started.ToString();
    input_ = std::move(*input);
  }

  void StopInput() {
    if (input_ != nullptr) {
      input_->Stop();
      input_.reset();
    }
  }

  // Replays the committed changes per key and compares with the table; every event id once;
  // per key, a read (if any) comes first.
  void ExpectMatchesTable(const StateIntake& intake) { ExpectMatchesTable(intake, table_); }

  void ExpectMatchesTable(const StateIntake& intake, const std::string& table) {
    std::map<std::string, std::string> replayed;
    std::set<std::string> event_ids;
    std::map<std::string, int> changes_seen;
    for (const IntakeItem& item : intake.committed()) {
      EXPECT_TRUE(event_ids.insert(item.event_id).second) << "repeated " << item.event_id;
      const Value& p = item.payload;
      if (p.Get("table").as_string() != "public." + table) {
        continue;
      }
      std::string op(p.Get("op").as_string());
      std::string key = ToJson(p.Get("key"));
      if (op == "read") {
        EXPECT_EQ(changes_seen[key], 0) << "a snapshot row after changes of " << key;
      }
      ++changes_seen[key];
      if (op == "delete") {
        replayed.erase(key);
      } else {
        Value after = p.Get("after");
        Value row = Value::MakeObject();
        row.Set("id", after.Get("id"));
        row.Set("name", after.Get("name"));
        replayed[key] = ToJson(row);
      }
    }
    auto rows = sql_->Execute("SELECT id, name FROM " + table + " ORDER BY id");
    ASSERT_TRUE(rows.ok());
    std::map<std::string, std::string> actual;
    for (const auto& row : rows->rows) {
      Value key = Value::MakeObject();
      key.Set("id", row[0]);
      Value value = Value::MakeObject();
      value.Set("id", row[0]);
      value.Set("name", row[1]);
      actual[ToJson(key)] = ToJson(value);
    }
    EXPECT_EQ(replayed, actual);
  }

  // Row 1 is read in the input's snapshot, then the input stops, its slot left behind.
  void SnapshotOneRowAndStop(StateIntake& intake) {
    Run("INSERT INTO " + table_ + " VALUES (1, 'a')");
    StartInput(intake, 10);
    ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 1; }));
    StopInput();
  }

  // Rows 1..20 in the table; the input (batch 2: staged chunks of rows 1-2, then 3, 4, ... 20)
  // runs until the store fails after `commits` commits, then stops.
  void StageTwentyRowsAndStopAfter(StateIntake& intake, int commits) {
    Run("INSERT INTO " + table_ + " SELECT i, 'v0' FROM generate_series(1, 20) i");
    intake.FailAfter(commits);
    StartInput(intake, 2, kSmallChunks);
    ASSERT_TRUE(WaitUntil([&] { return intake.failed_commits() > 0; }));
    StopInput();
  }

  // Lets the store commit again, runs the input (as StageTwentyRowsAndStopAfter does) until the
  // change "op:id" is committed, stops it; every change committed by then.
  std::vector<std::string> HealAndRunUntil(StateIntake& intake, const std::string& op) {
    intake.Heal();
    StartInput(intake, 2, kSmallChunks);
    EXPECT_TRUE(WaitForOp(intake, op)) << op << " never came";
    StopInput();
    return Ops(intake);
  }

  // Waits until a change "op:id" is committed.
  static bool WaitForOp(const StateIntake& intake, const std::string& op) {
    return WaitUntil([&] {
      auto ops = Ops(intake);
      return std::find(ops.begin(), ops.end(), op) != ops.end();
    });
  }

  // Starts the input and waits until it stops for good; what it logged meanwhile, or nullopt
  // when it did not stop.
  std::optional<std::string> StartUntilStopped(StateIntake& intake) {
    std::mutex mu;
    std::string log;
    Logger::Default().SetSink([&](std::string_view line) {
      std::lock_guard lock(mu);
      log += std::string(line) + "\n";
    });
    StartInput(intake, 10);
    bool stopped = WaitUntil([&] { return metrics_.Get("erphub_cdc_stopped_total") >= 1; });
    StopInput();
    Logger::Default().SetSink([](std::string_view line) {
      std::fprintf(stderr, "%.*s", static_cast<int>(line.size()), line.data());
    });
    if (!stopped) {
      return std::nullopt;
    }
    return log;
  }

  // "op:id" of each committed change (of `table` only, when given).
  static std::vector<std::string> Ops(const StateIntake& intake, const std::string& table = "") {
    std::vector<std::string> ops;
    for (const IntakeItem& item : intake.committed()) {
      if (!table.empty() && item.payload.Get("table").as_string() != "public." + table) {
        continue;
      }
      ops.push_back(std::string(item.payload.Get("op").as_string()) + ":" +
                    ToJson(item.payload.Get("key").Get("id")));
    }
    return ops;
  }

  std::string url_;
  std::unique_ptr<db::Connection> sql_;
  std::string table_;
  std::string slot_;
  std::string publication_;
  // A member, not a test's local: the input's thread may still be committing to it when the
  // test's body ends, until TearDown stops the input.
  StateIntake intake_;
  std::unique_ptr<Input> input_;
  testing::FakeMetrics metrics_;
};

TEST_F(PostgresCdcInputTest, SnapshotThenStreamsChangesWithBeforeAndAfterImages) {
  Run("INSERT INTO " + table_ +
      " SELECT i, 'row ' || i, i * 1.5, NULL FROM generate_series(1, 10) i");
  StateIntake& intake = intake_;
  StartInput(intake, 3);
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 10; }));
  Run("INSERT INTO " + table_ + " VALUES (11, 'eleven', 12345678.91, NULL)");
  Run("UPDATE " + table_ + " SET name = 'two' WHERE id = 2");
  Run("DELETE FROM " + table_ + " WHERE id = 3");
  Run("ALTER TABLE " + table_ + " REPLICA IDENTITY FULL");
  Run("UPDATE " + table_ + " SET name = 'four' WHERE id = 4");
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 14; }));
  std::vector<std::string> ops = Ops(intake);
  EXPECT_EQ(std::vector<std::string>(ops.begin(), ops.begin() + 10),
            (std::vector<std::string>{"read:1", "read:2", "read:3", "read:4", "read:5", "read:6",
                                      "read:7", "read:8", "read:9", "read:10"}));
  EXPECT_EQ(std::vector<std::string>(ops.begin() + 10, ops.end()),
            (std::vector<std::string>{"insert:11", "update:2", "delete:3", "update:4"}));
  std::vector<IntakeItem> items = intake.committed();
  const Value& read = items[0].payload;
  EXPECT_EQ(ToJson(read.Get("after")), R"({"id":1,"name":"row 1","amount":1.5,"big":null})");
  EXPECT_TRUE(read.Get("before").is_null());
  EXPECT_EQ(ToJson(read.Get("table")), "\"public." + table_ + "\"");
  const Value& insert = items[10].payload;
  EXPECT_EQ(ToJson(insert.Get("after").Get("amount")), "12345678.91");
  EXPECT_TRUE(insert.Get("after").Get("amount").as_number().is_exact());
  EXPECT_TRUE(insert.Get("commit_time").as_string().ends_with("Z"));
  EXPECT_EQ(insert.Get("lsn").as_string().find('/') != std::string::npos, true);
  // Default replica identity: an update has no before image, a delete only its key.
  EXPECT_TRUE(items[11].payload.Get("before").is_null());
  EXPECT_EQ(ToJson(items[11].payload.Get("after").Get("name")), "\"two\"");
  EXPECT_EQ(ToJson(items[12].payload.Get("before")), R"({"id":3})");
  EXPECT_TRUE(items[12].payload.Get("after").is_null());
  // REPLICA IDENTITY FULL: the whole old row.
  EXPECT_EQ(ToJson(items[13].payload.Get("before").Get("name")), "\"row 4\"");
  EXPECT_EQ(ToJson(items[13].payload.Get("after").Get("name")), "\"four\"");
  EXPECT_EQ(items[13].headers[0].second, "public." + table_);
  // Acknowledged to PostgreSQL once committed.
  const std::string last_commit(items[13].payload.Get("lsn").as_string());
  EXPECT_TRUE(WaitUntil([&] {
    return Scalar("SELECT confirmed_flush_lsn > '" + last_commit +
                  "' FROM pg_replication_slots WHERE slot_name = '" + slot_ + "'") == "t";
  }));
  ExpectMatchesTable(intake);
}

TEST_F(PostgresCdcInputTest, UnchangedToastColumnsAreNeverGivenAWrongValue) {
  // Random text does not compress: stored out of line (TOAST), over 2 KB.
  Run("INSERT INTO " + table_ +
      " SELECT 1, 'a', 1, string_agg(md5(random()::text), '') FROM generate_series(1, 300)");
  StateIntake& intake = intake_;
  StartInput(intake, 100);
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 1; }));
  const std::string big = Scalar("SELECT big FROM " + table_ + " WHERE id = 1");
  ASSERT_GT(big.size(), 2048u);
  Run("UPDATE " + table_ + " SET name = 'b' WHERE id = 1");
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 2; }));
  Value update = intake.committed()[1].payload;
  EXPECT_TRUE(update.Get("after").Get("big").is_undefined()) << ToJson(update);
  EXPECT_EQ(ToJson(update.Get("unchanged_toast")), R"(["big"])");
  EXPECT_EQ(ToJson(update.Get("after").Get("name")), "\"b\"");
  // With the whole old row, the value is filled in from it.
  Run("ALTER TABLE " + table_ + " REPLICA IDENTITY FULL");
  Run("UPDATE " + table_ + " SET name = 'c' WHERE id = 1");
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 3; }));
  update = intake.committed()[2].payload;
  EXPECT_EQ(update.Get("after").Get("big").as_string(), big);
  EXPECT_TRUE(update.Get("unchanged_toast").is_undefined());
}

TEST_F(PostgresCdcInputTest, ResumesAfterAStopMidSnapshotAndMidStream) {
  StateIntake& intake = intake_;
  // The slot's commit and two staged chunks (rows 1-2 and 3), then the store is away.
  StageTwentyRowsAndStopAfter(intake, 3);
  ASSERT_EQ(metrics_.Get("erphub_cdc_snapshot_rows_total"), 3);
  ASSERT_EQ(intake.count(), 0u) << "staged rows become messages once the snapshot is read";
  // While stopped: a row already read, rows not read yet, a new row.
  Run("UPDATE " + table_ + " SET name = 'v1' WHERE id IN (1, 15)");
  Run("DELETE FROM " + table_ + " WHERE id = 16");
  Run("INSERT INTO " + table_ + " VALUES (21, 'v1')");
  intake.Heal();
  StartInput(intake, 2, kSmallChunks);
  // Snapshot rows 5..21 (without 16), then the update of 1 (read before the change).
  ASSERT_TRUE(WaitForOp(intake, "update:1"));
  // Mid-stream: a big transaction committed in parts, the store failing in between.
  Run("UPDATE " + table_ + " SET name = 'v2' WHERE id <= 7");
  ASSERT_TRUE(WaitUntil([&] {
    auto ops = Ops(intake);
    return std::count(ops.begin(), ops.end(), "update:7") == 1;
  }));
  intake.FailAfter(1);
  Run("UPDATE " + table_ + " SET name = 'v3' WHERE id BETWEEN 10 AND 14");
  ASSERT_TRUE(WaitUntil([&] { return intake.failed_commits() > 1; }));
  StopInput();
  Run("UPDATE " + table_ + " SET name = 'v4' WHERE id = 20");
  std::vector<std::string> ops = HealAndRunUntil(intake, "update:20");
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "read:15"), 1);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "update:15"), 0) << "in its snapshot row";
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "read:16"), 0);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "delete:16"), 0);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "insert:21"), 0);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "read:21"), 1);
  ExpectMatchesTable(intake);
}

TEST_F(PostgresCdcInputTest, AStopWhileStagedRowsBecomeMessagesGoesOnWhereItWas) {
  StateIntake& intake = intake_;
  // The slot's commit, 19 staged chunks, the empty read that ends the table, the end of the
  // snapshot's read, 3 commits of messages (rows 1-2, 3, 4); then the store is away.
  StageTwentyRowsAndStopAfter(intake, 25);
  ASSERT_EQ(intake.count(), 4u);
  EXPECT_EQ(intake.state_size(), 17u) << "the position and the 16 chunks left";
  Run("UPDATE " + table_ + " SET name = 'v1' WHERE id IN (2, 19)");
  std::vector<std::string> ops = HealAndRunUntil(intake, "update:19");
  for (int id = 1; id <= 20; ++id) {
    EXPECT_EQ(std::count(ops.begin(), ops.end(), "read:" + std::to_string(id)), 1) << id;
  }
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "update:2"), 1);
  EXPECT_EQ(intake.state_size(), 1u) << "every chunk erased once it became messages";
  ExpectMatchesTable(intake);
}

TEST_F(PostgresCdcInputTest, ADamagedStagedChunkStopsTheInputWithTheWayBack) {
  StateIntake& intake = intake_;
  // The slot, 19 chunks, the empty read, the end of the read; then the store is away.
  StageTwentyRowsAndStopAfter(intake, 22);
  ASSERT_EQ(intake.count(), 0u);
  intake.SetState(PostgresCdcChunkKey("items", 0), "not a chunk");
  intake.Heal();
  std::optional<std::string> log = StartUntilStopped(intake);
  ASSERT_TRUE(log.has_value()) << "the input went on";
  EXPECT_NE(log->find("the staged snapshot chunk postgres-cdc:items:snapshot:00000000 is damaged"),
            std::string::npos)
      << *log;
  EXPECT_NE(log->find("erphub cdc resnapshot"), std::string::npos) << *log;
  EXPECT_EQ(intake.count(), 0u) << "no row of a damaged chunk becomes a message";
}

TEST_F(PostgresCdcInputTest, ADroppedSlotStopsTheInputWithTheWayBack) {
  StateIntake& intake = intake_;
  ASSERT_NO_FATAL_FAILURE(SnapshotOneRowAndStop(intake));
  ASSERT_TRUE(WaitUntil([&] {
    return sql_->Execute(
                   "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
                   "slot_name = '" +
                   slot_ + "' AND NOT active")
               .ok() &&
           Scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot_ + "'") ==
               "0";
  }));
  std::optional<std::string> log = StartUntilStopped(intake);
  ASSERT_TRUE(log.has_value()) << "the input did not stop";
  EXPECT_NE(log->find(slot_), std::string::npos) << *log;
  EXPECT_NE(log->find("does not exist"), std::string::npos) << *log;
  EXPECT_NE(log->find("erphub cdc resnapshot test.yaml --flow items"), std::string::npos) << *log;
  EXPECT_NE(log->find("last committed LSN"), std::string::npos) << *log;
  // Nothing was re-read.
  EXPECT_EQ(intake.count(), 1u);
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot_ + "'"),
            "0");
  // What `erphub cdc resnapshot` writes: the next run takes a new slot and snapshot.
  intake.SetState(PostgresCdcStateKey("items"), PostgresCdcResnapshotState());
  StartInput(intake, 10);
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 2; }));
  EXPECT_EQ(Ops(intake), (std::vector<std::string>{"read:1", "read:1"}));
  EXPECT_NE(intake.committed()[0].event_id, intake.committed()[1].event_id);
}

TEST_F(PostgresCdcInputTest, ATableAddedLaterIsSnapshottedWhileTheOthersKeepTheirPlace) {
  const std::string other = OtherTable();
  Run("INSERT INTO " + table_ + " VALUES (1, 'a'), (2, 'b')");
  StateIntake& intake = intake_;
  StartInput(intake, 10);
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 2; }));
  Run("INSERT INTO " + table_ + " VALUES (3, 'c')");
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 3; }));
  StopInput();
  // While the hub is stopped: the new table has rows, and both tables change.
  Run("CREATE TABLE " + other + " (id integer PRIMARY KEY, name text)");
  Run("INSERT INTO " + other + " SELECT i, 'v0' FROM generate_series(10, 14) i");
  Run("UPDATE " + other + " SET name = 'v1' WHERE id = 10");
  Run("INSERT INTO " + table_ + " VALUES (4, 'd')");
  StartInputOn(intake, 2, table_ + ", " + other);
  ASSERT_TRUE(WaitUntil([&] { return Ops(intake, other).size() >= 5; }));
  // Changes after it joined: streamed once, after the key's snapshot row.
  Run("UPDATE " + other + " SET name = 'v2' WHERE id IN (11, 14)");
  Run("DELETE FROM " + other + " WHERE id = 12");
  Run("INSERT INTO " + other + " VALUES (15, 'new')");
  Run("INSERT INTO " + table_ + " VALUES (5, 'e')");
  ASSERT_TRUE(
      WaitUntil([&] { return Ops(intake, other).size() >= 9 && Ops(intake, table_).size() >= 5; }));
  // The first table was not read again.
  EXPECT_EQ(Ops(intake, table_),
            (std::vector<std::string>{"read:1", "read:2", "insert:3", "insert:4", "insert:5"}));
  std::vector<std::string> ops = Ops(intake, other);
  EXPECT_EQ(std::vector<std::string>(ops.begin(), ops.begin() + 5),
            (std::vector<std::string>{"read:10", "read:11", "read:12", "read:13", "read:14"}));
  ExpectMatchesTable(intake, other);
  ExpectMatchesTable(intake, table_);
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_publication_tables WHERE pubname = '" + publication_ +
                   "' AND tablename = '" + other + "'"),
            "1");
}

TEST_F(PostgresCdcInputTest, ATableRemovedFromTheConfigIsNoLongerCaptured) {
  const std::string other = OtherTable();
  Run("CREATE TABLE " + other + " (id integer PRIMARY KEY, name text)");
  Run("INSERT INTO " + table_ + " VALUES (1, 'a')");
  Run("INSERT INTO " + other + " VALUES (1, 'a')");
  StateIntake& intake = intake_;
  StartInputOn(intake, 10, table_ + ", " + other);
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 2; }));
  StopInput();
  StartInput(intake, 10);
  // The publication still holds the other table; its change, committed first, is passed over.
  Run("INSERT INTO " + other + " VALUES (2, 'b')");
  Run("INSERT INTO " + table_ + " VALUES (2, 'b')");
  ASSERT_TRUE(WaitUntil([&] { return Ops(intake, table_).size() >= 2; }));
  EXPECT_EQ(Ops(intake, table_), (std::vector<std::string>{"read:1", "insert:2"}));
  EXPECT_EQ(Ops(intake, other), (std::vector<std::string>{"read:1"}));
  auto state = intake.GetState(PostgresCdcStateKey("items"));
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->find(other), std::string::npos) << **state;
}

TEST_F(PostgresCdcInputTest, ThePositionIsAcknowledgedOnlyAfterTheStoreCommitted) {
  StateIntake& intake = intake_;
  StartInput(intake, 10);
  // Streaming: the snapshot is committed and the slot read.
  ASSERT_TRUE(WaitUntil([&] {
    auto state = intake.GetState(PostgresCdcStateKey("items"));
    return state.ok() && state->has_value() &&
           (*state)->find("\"snapshot_done\":true") != std::string::npos &&
           Scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot_ +
                  "' AND active") == "1";
  }));
  intake.FailAfter(0);
  const std::string before_insert = Scalar("SELECT pg_current_wal_insert_lsn()");
  const int failures = intake.failed_commits();
  Run("INSERT INTO " + table_ + " VALUES (1, 'a'), (2, 'b')");
  ASSERT_TRUE(WaitUntil([&] { return intake.failed_commits() >= failures + 2; }));
  // Before the insert's commit: not acknowledged while the store could not commit it.
  EXPECT_EQ(Scalar("SELECT confirmed_flush_lsn <= '" + before_insert +
                   "' FROM pg_replication_slots WHERE slot_name = '" + slot_ + "'"),
            "t");
  EXPECT_EQ(intake.count(), 0u);
  // The WAL not yet durable here shows as lag.
  EXPECT_GT(metrics_.Get("erphub_cdc_lag_bytes"), 0);
  intake.Heal();
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 2; }));
  EXPECT_TRUE(WaitUntil([&] {
    return Scalar("SELECT confirmed_flush_lsn > '" + before_insert +
                  "' FROM pg_replication_slots " + "WHERE slot_name = '" + slot_ + "'") == "t";
  }));
  // Caught up: nothing the server holds is missing here (reported at the latest with the next
  // status, every 10 s).
  EXPECT_TRUE(WaitUntil([&] { return metrics_.Get("erphub_cdc_lag_bytes") == 0; },
                        std::chrono::seconds(25)))
      << metrics_.Get("erphub_cdc_lag_bytes");
}

TEST_F(PostgresCdcInputTest, WideRowsGoInSmallerCommitsThanBatchSays) {
  // Rows of about 4 KB against a bound of 10 KiB per commit: three rows a commit at most, in the
  // snapshot and inside one streamed transaction alike, though batch would take them all.
  const std::string wide = "repeat('x', 4000)";
  Run("INSERT INTO " + table_ + " SELECT i, 'w', 0, " + wide + " FROM generate_series(1, 6) i");
  StateIntake& intake = intake_;
  StartInput(intake, 1000, ", batch_bytes: 10KiB");
  ASSERT_TRUE(WaitUntil([&] {
    auto state = intake.GetState(PostgresCdcStateKey("items"));
    return intake.count() >= 6 && state.ok() && state->has_value() &&
           (*state)->find("\"snapshot_done\":true") != std::string::npos &&
           Scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot_ +
                  "' AND active") == "1";
  }));
  Run("INSERT INTO " + table_ + " SELECT i, 'w', 0, " + wide + " FROM generate_series(7, 18) i");
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 18; }));
  size_t rows = 0;
  for (size_t size : intake.commit_sizes()) {
    EXPECT_LE(size, 3u);
    rows += size;
  }
  EXPECT_EQ(rows, 18u);
  ExpectMatchesTable(intake);
}

// On a server of its own: invalidating a slot needs a small max_slot_wal_keep_size, which would
// take the slots of other tests on the shared server too.
class PostgresCdcLostSlotTest : public PostgresCdcInputTest {
 protected:
  void SetUp() override {
    ERPHUB_REQUIRE_POSTGRES();
    dir_ = std::string(ERPHUB_POSTGRES_TEST_DIR) + "-lost-slot-" + std::to_string(::getpid());
    ASSERT_EQ(std::system((Fixture() + " start '" + dir_ + "' >/dev/null 2>&1").c_str()), 0)
        << "could not start a PostgreSQL of its own in " << dir_;
    const erphub::testing::ServerEnv server =
        erphub::testing::LoadServerEnv("postgres", "POSTGRES", dir_);
    ASSERT_TRUE(server.error.empty()) << server.error;
    Connect(server.Get("POSTGRES_URL"));
    Run("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
    Run("SELECT pg_reload_conf()");
  }

  void TearDown() override {
    PostgresCdcInputTest::TearDown();
    sql_.reset();
    if (!dir_.empty()) {
      std::system((Fixture() + " wipe '" + dir_ + "' >/dev/null 2>&1").c_str());
      std::filesystem::remove_all(dir_);
    }
  }

  static std::string Fixture() { return std::string(ERPHUB_SERVER_FIXTURE) + " postgres"; }

  std::string dir_;
};

TEST_F(PostgresCdcLostSlotTest, AnInvalidatedSlotStopsTheInputWithTheWayBack) {
  StateIntake& intake = intake_;
  ASSERT_NO_FATAL_FAILURE(SnapshotOneRowAndStop(intake));
  // More WAL than the slot may keep, then a checkpoint: PostgreSQL invalidates the slot.
  ASSERT_TRUE(WaitUntil([&] {
    Run("INSERT INTO " + table_ + " SELECT i, 'x' FROM generate_series(1000, 1100) i");
    Run("DELETE FROM " + table_ + " WHERE id >= 1000");
    Run("SELECT pg_switch_wal()");
    Run("CHECKPOINT");
    return Scalar("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot_ +
                  "'") == "lost";
  }));
  std::optional<std::string> log = StartUntilStopped(intake);
  ASSERT_TRUE(log.has_value()) << "the input did not stop";
  EXPECT_NE(log->find("was invalidated (wal_status lost"), std::string::npos) << *log;
  EXPECT_NE(log->find("erphub cdc resnapshot test.yaml --flow items"), std::string::npos) << *log;
  EXPECT_EQ(intake.count(), 1u);
  // `erphub cdc resnapshot`: a new slot and snapshot.
  intake.SetState(PostgresCdcStateKey("items"), PostgresCdcResnapshotState());
  StartInput(intake, 10);
  ASSERT_TRUE(WaitUntil([&] { return intake.count() >= 2; }));
  EXPECT_EQ(Ops(intake), (std::vector<std::string>{"read:1", "read:1"}));
}

TEST(PostgresCdcInputSpecTest, RefusesABadSlotNameAndANonPostgresUrl) {
  auto bad_slot = testing::ComponentConfigFrom(
      ComponentKind::kInput,
      "postgres_cdc: {url: \"postgresql://x@h/db\", publication: p, slot: Bad-Slot, tables: [t]}");
  EXPECT_FALSE(bad_slot.ok());
  auto bad_url = testing::ComponentConfigFrom(
      ComponentKind::kInput,
      "postgres_cdc: {url: \"sqlite:x.db\", publication: p, slot: s, tables: [t]}");
  EXPECT_FALSE(bad_url.ok());
  auto fine = testing::ComponentConfigFrom(
      ComponentKind::kInput,
      "postgres_cdc: {url: \"postgresql://x@h/db\", publication: p, slot: s1, tables: [t]}");
  EXPECT_TRUE(fine.ok()) << fine.error();
}

}  // namespace
}  // namespace erphub::components
