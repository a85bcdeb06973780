// The sql input and output through the real erphub binary: rows of one SQLite database copied
// into another, with erphub killed (SIGKILL) half-way and started again.

#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "db/connection.h"
#include "integration/hub_harness.h"

namespace erphub::integration {
namespace {

class SqlFlowTest : public HubTest {
 protected:
  std::unique_ptr<db::Connection> Open(const std::string& file) {
    db::ConnectionOptions options;
    options.url = "sqlite:" + Dir(file);
    auto connection = db::Connect(options);
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    return connection.ok() ? std::move(*connection) : nullptr;
  }

  // Rows first..last; every 100 share one change time, so batches split such groups.
  void InsertOrders(db::Connection& source, int first, int last, const std::string& time) {
    ASSERT_TRUE(source.Begin().ok());
    for (int id = first; id <= last; ++id) {
      std::string at = time.empty() ? "2024-05-01 10:" + std::string(id / 100 < 10 ? "0" : "") +
                                          std::to_string(id / 100) + ":00"
                                    : time;
      std::vector<Value> params = {
          Value::Int(id), Value::Str(std::to_string(id) + "." + std::to_string(10 + id % 90)),
          Value::Str(at)};
      auto inserted =
          source.Execute("INSERT INTO orders (id, total, updated_at) VALUES (?, ?, ?)", params);
      ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
    }
    ASSERT_TRUE(source.Commit().ok());
  }

  int64_t Count(db::Connection& connection, const std::string& sql) {
    auto result = connection.Execute(sql);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() && !result->rows.empty()
               ? result->rows[0][0].as_number().ToInt64().value_or(-1)
               : -1;
  }

  // `erphub run` with short leases, so that a killed hub's deliveries in flight are taken up
  // again within the test's deadline.
  void StartHubWithShortLeases() {
    if (hub_port_ == 0) {
      hub_port_ = FreePort();
    }
    auto child = ChildProcess::Start(
        {ERPHUB_BINARY, "run", Dir("erphub.yaml"), "--lease-duration", "1s"},
        {{"ERPHUB_LISTEN", "127.0.0.1:" + std::to_string(hub_port_)}, {"ERPHUB_STORE", StoreUrl()}},
        Dir(), Dir("hub.out"), Dir("hub.err"));
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    hub_ = std::move(*child);
  }

  // The deliveries not done yet, by state and error, for a failure's message.
  std::string Unfinished() {
    auto store = Open("hub.db");
    auto result = store->Execute(
        "SELECT state, last_error, COUNT(*) FROM deliveries WHERE state <> 3 GROUP BY 1, 2");
    return result.ok() ? ToJson(Value::MakeArray(std::vector<Value>(
                             result->rows.empty() ? std::vector<Value>{} : result->rows[0])))
                       : result.status().ToString();
  }

  std::string Totals(db::Connection& connection, const std::string& table) {
    auto result = connection.Execute("SELECT id, total FROM " + table + " ORDER BY id");
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    Value all = Value::MakeArray();
    for (const auto& row : result->rows) {
      all.push_back(Value::MakeArray({row[0], row[1]}));
    }
    return ToJson(all);
  }
};

TEST_F(SqlFlowTest, EveryRowArrivesOnceAcrossAKillAndRestart) {
  auto source = Open("source.db");
  auto target = Open("target.db");
  ASSERT_TRUE(source && target);
  ASSERT_TRUE(source
                  ->Execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total TEXT, "
                            "updated_at TIMESTAMP NOT NULL)")
                  .ok());
  ASSERT_TRUE(target
                  ->Execute("CREATE TABLE orders_copy (id INTEGER PRIMARY KEY, total TEXT, "
                            "updated_at TEXT)")
                  .ok());
  InsertOrders(*source, 1, 3000, "");
  WriteFile("erphub.yaml", R"(listen: ${ERPHUB_LISTEN}
store:
  url: ${ERPHUB_STORE}
flows:
  copy:
    from:
      sql: {url: "sqlite:source.db", table: orders, watermark: [updated_at, id], batch: 70,
            poll_interval: 50ms}
    key: $string(id)
    to:
      - sql: {url: "sqlite:target.db", table: orders_copy, key: [id]}
)");
  StartHubWithShortLeases();
  ASSERT_TRUE(WaitUntil([&] { return Count(*target, "SELECT COUNT(*) FROM orders_copy") >= 600; },
                        kDeadline));
  hub_.Signal(SIGKILL);
  ASSERT_TRUE(hub_.Wait(kDeadline).has_value());

  // While it is down: rows at the latest change time, and changes of rows already copied.
  InsertOrders(*source, 3001, 3200, "2024-05-01 10:30:00");
  ASSERT_TRUE(source
                  ->Execute("UPDATE orders SET total = '0.01', updated_at = '2024-05-01 "
                            "11:00:00' WHERE id IN (1, 250, 3200)")
                  .ok());
  StartHubWithShortLeases();
  std::string expected = Totals(*source, "orders");
  ASSERT_TRUE(WaitUntil([&] { return Totals(*target, "orders_copy") == expected; }, kDeadline))
      << Count(*target, "SELECT COUNT(*) FROM orders_copy") << " rows copied; " << Unfinished();

  // Each change was accepted exactly once: 3200 rows, and the later changes of rows 1 and 250
  // (row 3200 changed before it was ever read: one message).
  auto store = Open("hub.db");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM messages WHERE flow = 'copy'"), 3202);
  EXPECT_EQ(Count(*store, "SELECT COUNT(DISTINCT event_id) FROM messages WHERE flow = 'copy'"),
            3202);
}

TEST_F(SqlFlowTest, TheDatabaseSyncExampleLints) {
  EXPECT_EQ(RunErphub("lint " + Source("examples/database-sync/erphub.yaml")), 0) << err_;
  EXPECT_NE(out_.find("1 flow (legacy-orders)"), std::string::npos) << out_;
  EXPECT_EQ(RunErphub("lint " + Source("examples/database-sync/cdc.yaml")), 0) << err_;
  EXPECT_NE(out_.find("1 flow (erp-stock)"), std::string::npos) << out_;
}

}  // namespace
}  // namespace erphub::integration
