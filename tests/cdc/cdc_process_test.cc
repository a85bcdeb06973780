// `erphub run` with a postgres_cdc flow delivering over HTTP: a 100,000-row table changed during
// and after the snapshot, the hub killed with SIGKILL while it reads the snapshot, while the
// staged rows become messages, and in the middle of streaming, and restarted each time. Every
// change arrives once per idempotency key, in order per primary key, and the last change of each
// key matches the table.
#include <signal.h>

#include <fstream>
#include <map>
#include <set>

#include "core/json.h"
#include "db/connection.h"
#include "integration/hub_harness.h"
#include "integration/process.h"
#include "servers/postgres_test_server.h"

namespace erphub::integration {
namespace {

using std::chrono::seconds;

constexpr int kRows = 100000;

class CdcProcessTest : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    ERPHUB_REQUIRE_POSTGRES();
    db::ConnectionOptions options;
    options.url = erphub::testing::PostgresTestUrl();
    auto connection = db::Connect(options);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    sql_ = std::move(*connection);
    const std::string id = std::to_string(::getpid());
    table_ = "cdc_proc_" + id;
    slot_ = "cdc_proc_slot_" + id;
    publication_ = "cdc_proc_pub_" + id;
    Cleanup();
  }

  void TearDown() override {
    if (hub_.running()) {
      hub_.Signal(SIGKILL);
      hub_.Wait(kDeadline);
    }
    if (sql_ != nullptr) {
      Cleanup();
    }
    HubTest::TearDown();
  }

  void Cleanup() {
    // A slot stays active until its walsender noticed that the hub is gone.
    WaitUntil(
        [&] {
          auto dropped = sql_->Execute(
              "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
              "slot_name = '" +
              slot_ + "' AND NOT active");
          auto left = sql_->Execute(
              "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot_ + "'");
          return dropped.ok() && left.ok() && ToJson(left->rows[0][0]) == "0";
        },
        kDeadline);
    Run("DROP PUBLICATION IF EXISTS " + publication_);
    Run("DROP TABLE IF EXISTS " + table_);
  }

  void Run(const std::string& statement) {
    auto done = sql_->Execute(statement);
    ASSERT_TRUE(done.ok()) << statement << ": " << done.status().ToString();
  }

  void WriteConfig() {
    WriteFile("cdc.yaml",
              "listen: ${ERPHUB_LISTEN}\n"
              "store:\n  url: ${ERPHUB_STORE}\n"
              "flows:\n"
              "  items:\n"
              "    from:\n"
              "      postgres_cdc:\n"
              "        url: " +
                  erphub::testing::PostgresTestUrl() +
                  "\n"
                  "        publication: " +
                  publication_ +
                  "\n"
                  "        slot: " +
                  slot_ +
                  "\n"
                  "        tables: [" +
                  table_ +
                  "]\n"
                  "        batch: 1000\n"
                  "        snapshot_chunk: 64KiB\n"
                  "        retry_interval: 100ms\n"
                  "    key: table & \":\" & $string(key.id)\n"
                  "    to:\n"
                  "      - http:\n"
                  "          url: ${ERP_URL}/changes\n"
                  "          method: POST\n");
  }

  double MetricOr0(const std::string& name) {
    return Metric(name + "{flow=\"items\"}").value_or(0);
  }

  void Kill() {
    hub_.Signal(SIGKILL);
    ASSERT_TRUE(hub_.Wait(kDeadline).has_value());
  }

  // Reads the receiver's new records: the first delivery of each idempotency key, in order.
  void ReadNew() {
    std::ifstream in(Dir("received.ndjson"), std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) {
        break;  // a line still being written
      }
      offset_ += line.size() + 1;
      Result<Value> record = ParseJson(line);
      if (!record.ok() || record->Get("status").as_number().ToInt64().value_or(500) >= 300) {
        continue;
      }
      std::string idempotency_key = RecordedHeader(*record, "Idempotency-Key");
      std::string body = ToJson(record->Get("json"));
      auto [it, first] = bodies_.emplace(idempotency_key, body);
      if (!first) {
        EXPECT_EQ(it->second, body) << "one idempotency key, two messages";
        continue;
      }
      changes_.push_back(record->Get("json"));
    }
  }

  // Per key (its id): the last message's state; null after a delete.
  std::map<int64_t, Value> Replay() {
    std::map<int64_t, Value> last;
    for (const Value& change : changes_) {
      int64_t id = change.Get("key").Get("id").as_number().ToInt64().value_or(-1);
      last[id] = change.Get("op").as_string() == "delete" ? Value::Null() : change.Get("after");
    }
    return last;
  }

  // id -> ver of the table now.
  std::map<int64_t, int64_t> Table() {
    std::map<int64_t, int64_t> rows;
    auto result = sql_->Execute("SELECT id, ver FROM " + table_);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (result.ok()) {
      for (const auto& row : result->rows) {
        rows[row[0].as_number().ToInt64().value_or(-1)] = row[1].as_number().ToInt64().value_or(-1);
      }
    }
    return rows;
  }

  bool Matches() {
    ReadNew();
    std::map<int64_t, Value> replayed = Replay();
    std::map<int64_t, int64_t> table = Table();
    size_t live = 0;
    for (const auto& [id, after] : replayed) {
      if (after.is_null()) {
        continue;
      }
      ++live;
      auto it = table.find(id);
      if (it == table.end() || after.Get("ver").as_number().ToInt64() != it->second) {
        return false;
      }
    }
    return live == table.size();
  }

  std::unique_ptr<db::Connection> sql_;
  std::string table_;
  std::string slot_;
  std::string publication_;
  size_t offset_ = 0;
  std::map<std::string, std::string> bodies_;
  std::vector<Value> changes_;
};

TEST_F(CdcProcessTest, ChangesArriveOnceAndInOrderAcrossKillsMidSnapshotAndMidStream) {
  Run("CREATE TABLE " + table_ +
      " (id integer PRIMARY KEY, ver integer NOT NULL, note text, amount numeric(12,2))");
  Run("INSERT INTO " + table_ + " SELECT i, 0, 'row ' || i, i / 100.0 FROM generate_series(1, " +
      std::to_string(kRows) + ") i");
  StartReceiver();
  WriteConfig();
  StartHub(Dir("cdc.yaml"));

  // During the snapshot: changes to keys read already and keys still ahead, then SIGKILL.
  ASSERT_TRUE(
      WaitUntil([&] { return MetricOr0("erphub_cdc_snapshot_rows_total") >= 10000; }, seconds(120)))
      << HubLog();
  Run("UPDATE " + table_ + " SET ver = ver + 1 WHERE id % 1000 = 7");
  Run("DELETE FROM " + table_ + " WHERE id % 1000 = 11");
  Run("INSERT INTO " + table_ + " SELECT i, 0, 'new' FROM generate_series(" +
      std::to_string(kRows + 1) + ", " + std::to_string(kRows + 100) + ") i");
  const double read_at_kill = MetricOr0("erphub_cdc_snapshot_rows_total");
  Kill();
  std::fprintf(stderr, "killed after %.0f of %d snapshot rows were read\n", read_at_kill, kRows);
  Run("UPDATE " + table_ + " SET ver = ver + 1 WHERE id % 1000 = 7 OR id % 500 = 3");
  StartHub(Dir("cdc.yaml"));

  // While the staged rows become messages: more changes, then SIGKILL.
  ASSERT_TRUE(WaitUntil([&] { return MetricOr0("erphub_cdc_snapshot_messages_total") >= 10000; },
                        seconds(120)))
      << HubLog();
  Run("UPDATE " + table_ + " SET ver = ver + 1 WHERE id % 1000 = 9");
  Kill();
  Run("DELETE FROM " + table_ + " WHERE id % 1000 = 13");
  StartHub(Dir("cdc.yaml"));

  // Streaming: a stream of transactions, SIGKILL in the middle of it.
  ASSERT_TRUE(WaitUntil([&] { return Matches(); }, seconds(600))) << HubLog();
  // 40 transactions of 250 updates; the hub dies after the 20th while it streams.
  for (int round = 0; round < 40; ++round) {
    Run("UPDATE " + table_ + " SET ver = ver + 1 WHERE id % 400 = " + std::to_string(round));
    if (round == 20) {
      ASSERT_TRUE(WaitUntil([&] { return MetricOr0("erphub_cdc_stream_changes_total") >= 2000; },
                            seconds(60)))
          << HubLog();
      Kill();
    }
  }
  Run("DELETE FROM " + table_ + " WHERE id % 997 = 5");
  Run("UPDATE " + table_ + " SET ver = ver + 1 WHERE id % 300 = 1");
  StartHub(Dir("cdc.yaml"));
  ASSERT_TRUE(WaitUntil([&] { return Matches(); }, seconds(600))) << HubLog();

  // Per key: at most one snapshot row, first; then versions only grow; nothing after a delete.
  std::map<int64_t, int64_t> last_ver;
  std::set<int64_t> deleted;
  std::map<std::string, int> ops;
  for (const Value& change : changes_) {
    int64_t id = change.Get("key").Get("id").as_number().ToInt64().value_or(-1);
    std::string op(change.Get("op").as_string());
    ++ops[op];
    EXPECT_EQ(deleted.count(id), 0u) << "a change of " << id << " after its delete";
    if (op == "delete") {
      deleted.insert(id);
      continue;
    }
    if (op == "read") {
      EXPECT_EQ(last_ver.count(id), 0u) << "a snapshot row of " << id << " after its changes";
    }
    int64_t ver = change.Get("after").Get("ver").as_number().ToInt64().value_or(-1);
    auto it = last_ver.find(id);
    if (it != last_ver.end()) {
      EXPECT_LT(it->second, ver) << "key " << id << " repeated or out of order";
    }
    last_ver[id] = ver;
  }
  EXPECT_GE(ops["read"], kRows - 100);
  EXPECT_GT(ops["update"], 10000);
  EXPECT_GT(ops["delete"], 100);
  std::fprintf(stderr, "%zu changes: %d read, %d insert, %d update, %d delete\n", changes_.size(),
               ops["read"], ops["insert"], ops["update"], ops["delete"]);
}

}  // namespace
}  // namespace erphub::integration
