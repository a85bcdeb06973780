#include "components/outputs/sql_output.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "component_harness.h"
#include "core/json.h"
#include "db/connection.h"
#include "db/test_databases.h"

namespace erphub::components {
namespace {

using db::Dialect;
using testing::Build;
using testing::TestMessage;

std::string OrdersTable(Dialect dialect, const std::string& table) {
  switch (dialect) {
    case Dialect::kPostgres:
      return "CREATE TABLE " + table +
             " (id integer PRIMARY KEY, name text NOT NULL, amount numeric(18,4), doc jsonb)";
    case Dialect::kSqlite:
      return "CREATE TABLE " + table +
             " (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(18,4), doc TEXT)";
    case Dialect::kMariadb:
      return "CREATE TABLE " + table +
             " (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, amount DECIMAL(18,4), doc TEXT)";
  }
  return "";
}

class SqlOutputTest : public ::testing::TestWithParam<Dialect> {
 protected:
  // Connects and creates a fresh `table`; false (with a failure) when that fails.
  bool Prepare(const db::testing::TestDatabase& database, const std::string& table) {
    database_ = database;
    auto connection = db::Connect(database.Options());
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    if (!connection.ok()) {
      return false;
    }
    connection_ = std::move(*connection);
    table_ = table;
    EXPECT_TRUE(connection_->Execute("DROP TABLE IF EXISTS " + table).ok());
    auto created = connection_->Execute(OrdersTable(GetParam(), table));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok();
  }

  std::unique_ptr<Output> Make(const std::string& fields) {
    std::string yaml = "sql: {url: \"" + database_.url + "\", table: " + table_ + ", key: [id]" +
                       (database_.password.empty() ? "" : ", password: " + database_.password) +
                       (fields.empty() ? "" : ", " + fields) + "}";
    auto output = Build<Output>(ComponentKind::kOutput, yaml);
    EXPECT_TRUE(output.ok()) << output.error().ToString();
    return output.ok() ? std::move(*output) : nullptr;
  }

  Result<Delivered, Failure> Deliver(Output& output, std::string_view json) {
    Value payload = *ParseJson(json);
    Message message = TestMessage(payload);
    return output.Deliver(
        Delivery{.message = &message, .payload = &payload, .idempotency_key = "k", .attempt = 1});
  }

  // The table's rows as JSON, in key order.
  std::string Rows() {
    auto rows = connection_->Execute("SELECT id, name, amount FROM " + table_ + " ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) {
      return "";
    }
    Value all = Value::MakeArray();
    for (const auto& row : rows->rows) {
      all.push_back(Value::MakeArray({row[0], row[1], row[2]}));
    }
    return ToJson(all);
  }

  db::testing::TestDatabase database_;
  std::unique_ptr<db::Connection> connection_;
  std::string table_;
};

TEST_P(SqlOutputTest, UpsertByKeyIsIdempotentOnReplayAndKeepsDecimalsExact) {
  ERPHUB_TEST_DATABASE(database);
  ASSERT_TRUE(Prepare(database, db::testing::TestTableName("sql_out_upsert")));
  auto output = Make("");
  ASSERT_NE(output, nullptr);
  std::string orders =
      R"([{"id": 1, "name": "Ada", "amount": 12345678901.2345},
          {"id": 2, "name": "Bob", "amount": 0.1}])";
  auto first = Deliver(*output, orders);
  ASSERT_TRUE(first.ok()) << first.error().error;
  EXPECT_EQ(first->detail, "upserted 2 rows in " + table_);
  std::string expected = R"([[1,"Ada",12345678901.2345],[2,"Bob",0.1]])";
  EXPECT_EQ(Rows(), expected);
  if (GetParam() == Dialect::kPostgres) {
    // A replay rewrites no row: the row versions stay.
    auto before = connection_->Execute("SELECT xmin::text FROM " + table_ + " ORDER BY id");
    ASSERT_TRUE(Deliver(*output, orders).ok());
    auto after = connection_->Execute("SELECT xmin::text FROM " + table_ + " ORDER BY id");
    ASSERT_TRUE(before.ok() && after.ok());
    EXPECT_EQ(ToJson(Value::MakeArray({before->rows[0][0], before->rows[1][0]})),
              ToJson(Value::MakeArray({after->rows[0][0], after->rows[1][0]})));
  } else {
    ASSERT_TRUE(Deliver(*output, orders).ok());
  }
  EXPECT_EQ(Rows(), expected);
  ASSERT_TRUE(Deliver(*output, R"({"id": 2, "name": "Bea", "amount": 0.30})").ok());
  EXPECT_EQ(Rows(), R"([[1,"Ada",12345678901.2345],[2,"Bea",0.3]])");
}

TEST_P(SqlOutputTest, AFailingRowRollsBackItsBatchAndIsReportedPermanently) {
  ERPHUB_TEST_DATABASE(database);
  ASSERT_TRUE(Prepare(database, db::testing::TestTableName("sql_out_rollback")));
  auto output = Make("");
  ASSERT_NE(output, nullptr);
  auto failed = Deliver(*output, R"([{"id": 1, "name": "Ada"}, {"id": 2, "name": null}])");
  ASSERT_FALSE(failed.ok());
  EXPECT_FALSE(failed.error().transient);
  EXPECT_NE(failed.error().error.find("row 2"), std::string::npos) << failed.error().error;
  EXPECT_NE(failed.error().error.find("name"), std::string::npos) << failed.error().error;
  EXPECT_EQ(Rows(), "[]");
}

TEST_P(SqlOutputTest, ConcurrentDeliveriesShareBatchesAndOnlyTheFailingOneFails) {
  ERPHUB_TEST_DATABASE(database);
  ASSERT_TRUE(Prepare(database, db::testing::TestTableName("sql_out_batches")));
  auto output = Make("batch_size: 8");
  ASSERT_NE(output, nullptr);
  constexpr int kMessages = 40;
  std::vector<std::thread> workers;
  std::atomic<int> ok{0};
  std::atomic<int> permanent{0};
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int i = w; i < kMessages; i += 4) {
        std::string name = i == 17 ? "null" : "\"n" + std::to_string(i) + "\"";
        auto result = Deliver(*output, "{\"id\": " + std::to_string(i) + ", \"name\": " + name +
                                           ", \"amount\": " + std::to_string(i) + ".25}");
        if (result.ok()) {
          ++ok;
        } else if (!result.error().transient) {
          ++permanent;
        }
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(ok.load(), kMessages - 1);
  EXPECT_EQ(permanent.load(), 1);
  auto count = connection_->Execute("SELECT COUNT(*), SUM(amount) FROM " + table_);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(ToJson(count->rows[0][0]), std::to_string(kMessages - 1));
  // (0 + ... + 39) + 40 * 0.25, less message 17
  EXPECT_EQ(ToJson(count->rows[0][1]), "772.75");
}

TEST_P(SqlOutputTest, ColumnsMapPayloadPathsAndUpdateDeleteAreIdempotent) {
  ERPHUB_TEST_DATABASE(database);
  ASSERT_TRUE(Prepare(database, db::testing::TestTableName("sql_out_columns")));
  auto upsert = Make(
      "rows: lines, columns: {id: line_no, name: \"sku & '@' & $string(qty)\", amount: "
      "price.value}");
  ASSERT_NE(upsert, nullptr);
  auto written = Deliver(*upsert, R"({"lines": [
      {"line_no": 1, "sku": "A", "qty": 2, "price": {"value": 9.99}},
      {"line_no": 2, "sku": "B", "qty": 1, "price": {"value": 100}}]})");
  ASSERT_TRUE(written.ok()) << written.error().error;
  EXPECT_EQ(Rows(), R"([[1,"A@2",9.99],[2,"B@1",100]])");

  auto update = Make("operation: update");
  ASSERT_NE(update, nullptr);
  ASSERT_TRUE(Deliver(*update, R"({"id": 1, "amount": 5.5})").ok());
  ASSERT_TRUE(Deliver(*update, R"({"id": 1, "amount": 5.5})").ok());
  auto missing = Deliver(*update, R"({"id": 9, "amount": 1})");
  ASSERT_FALSE(missing.ok());
  EXPECT_FALSE(missing.error().transient);
  EXPECT_NE(missing.error().error.find("no row"), std::string::npos) << missing.error().error;

  auto remove = Make("operation: delete");
  ASSERT_NE(remove, nullptr);
  ASSERT_TRUE(Deliver(*remove, R"({"id": 2})").ok());
  ASSERT_TRUE(Deliver(*remove, R"({"id": 2})").ok());
  EXPECT_EQ(Rows(), R"([[1,"A@2",5.5]])");

  auto insert = Make("operation: insert");
  ASSERT_NE(insert, nullptr);
  ASSERT_TRUE(Deliver(*insert, R"({"id": 1, "name": "other", "amount": 1})").ok());
  EXPECT_EQ(Rows(), R"([[1,"A@2",5.5]])");
  auto keyless = Deliver(*insert, R"({"name": "x"})");
  ASSERT_FALSE(keyless.ok());
  EXPECT_NE(keyless.error().error.find("key column id"), std::string::npos);
}

TEST_P(SqlOutputTest, AnUnreachableServerIsTransient) {
  if (GetParam() == Dialect::kSqlite) {
    GTEST_SKIP() << "SQLite has no server";
  }
  database_.url = GetParam() == Dialect::kPostgres ? "postgresql://erphub@127.0.0.1:1/erphub"
                                                   : "mariadb://erphub@127.0.0.1:1/erphub";
  table_ = "t";
  auto output = Make("timeout: 2s");
  ASSERT_NE(output, nullptr);
  auto result = Deliver(*output, R"({"id": 1, "name": "a"})");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().transient) << result.error().error;
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqlOutputTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres, Dialect::kMariadb),
                         db::testing::DialectParamName);

TEST(SqlOutputSpecTest, RejectsOtherUrlsAndColumnsWithoutTheKey) {
  auto bad_url = testing::ComponentConfigFrom(ComponentKind::kOutput,
                                              "sql: {url: \"http://x\", table: t, key: [id]}");
  ASSERT_FALSE(bad_url.ok());
  EXPECT_NE(bad_url.error().find("postgresql://"), std::string::npos) << bad_url.error();
  auto no_key = Build<Output>(ComponentKind::kOutput,
                              "sql: {url: \"sqlite:x.db\", table: t, key: [id], columns: {a: b}}");
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.error().message().find("key column id"), std::string::npos);
}

}  // namespace
}  // namespace erphub::components
