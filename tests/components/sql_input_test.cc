#include "components/inputs/sql_input.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "component_harness.h"
#include "core/json.h"
#include "db/connection.h"
#include "db/test_databases.h"

namespace erphub::components {
namespace {

using db::Dialect;
using testing::Build;
using testing::StateIntake;
using testing::WaitUntil;

std::string ChangesTable(Dialect dialect, const std::string& name) {
  switch (dialect) {
    case Dialect::kPostgres:
      return "CREATE TABLE " + name +
             " (id integer PRIMARY KEY, updated_at timestamptz NOT NULL, "
             "amount numeric(14,4), note text)";
    case Dialect::kSqlite:
      return "CREATE TABLE " + name +
             " (id INTEGER PRIMARY KEY, updated_at TIMESTAMP NOT NULL, "
             "amount NUMERIC(14,4), note TEXT)";
    case Dialect::kMariadb:
      return "CREATE TABLE " + name +
             " (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, "
             "amount DECIMAL(14,4), note TEXT)";
  }
  return "";
}

class SqlInputTest : public ::testing::TestWithParam<Dialect> {
 protected:
  bool Prepare(const db::testing::TestDatabase& database) {
    database_ = database;
    auto connection = db::Connect(database.Options());
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    if (!connection.ok()) {
      return false;
    }
    connection_ = std::move(*connection);
    table_ = db::testing::TestTableName("sql_in");
    EXPECT_TRUE(connection_->Execute("DROP TABLE IF EXISTS " + table_).ok());
    auto created = connection_->Execute(ChangesTable(GetParam(), table_));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok();
  }

  void Upsert(int id, const std::string& updated_at, const std::string& amount) {
    std::vector<Value> params = {Value::Int(id)};
    ASSERT_TRUE(connection_->Execute("DELETE FROM " + table_ + " WHERE id = ?", params).ok());
    params = {Value::Int(id), Value::Str(updated_at), Value::Num(*Number::Parse(amount)),
              Value::Str("row " + std::to_string(id))};
    auto inserted = connection_->Execute(
        "INSERT INTO " + table_ + " (id, updated_at, amount, note) VALUES (?, ?, ?, ?)", params);
    ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  }

  std::unique_ptr<Input> Start(StateIntake& intake, const std::string& fields) {
    std::string yaml =
        "sql: {url: \"" + database_.url + "\"" +
        (fields.find("poll_interval") == std::string::npos ? ", poll_interval: 20ms" : "") +
        (database_.password.empty() ? "" : ", password: " + database_.password) + ", " + fields +
        "}";
    auto input = Build<Input>(ComponentKind::kInput, yaml);
    EXPECT_TRUE(input.ok()) << input.error().ToString();
    if (!input.ok()) {
      return nullptr;
    }
    InputContext context{.flow = "items",
                         .intake = &intake,
                         .server = nullptr,
                         .clock = nullptr,
                         .metrics = &metrics_};
    Status started = (*input)->Start(context);
    EXPECT_TRUE(started.ok()) << started.ToString();
    return std::move(*input);
  }

  // "id@amount" of each committed message, in commit order.
  static std::vector<std::string> Ids(const StateIntake& intake) {
    std::vector<std::string> ids;
    for (const IntakeItem& item : intake.committed()) {
      ids.push_back(ToJson(item.payload.Get("id")));
    }
    return ids;
  }

  db::testing::TestDatabase database_;
  std::unique_ptr<db::Connection> connection_;
  std::string table_;
  testing::FakeMetrics metrics_;
};

TEST_P(SqlInputTest, ResumesFromItsWatermarkWithoutGapsOrRepeats) {
  ERPHUB_TEST_DATABASE(database);
  ASSERT_TRUE(Prepare(database));
  // Rows 1-5 share one change time, so batches of 3 split them.
  for (int id = 1; id <= 10; ++id) {
    Upsert(id, id <= 5 ? "2024-05-01 10:00:00" : "2024-05-01 10:00:01.5", "1234567.8901");
  }
  StateIntake intake;
  std::string fields = "table: " + table_ + ", watermark: [updated_at, id], batch: 3";
  {
    intake.FailAfter(0);  // the first commits are lost: read again from the stored watermark
    auto input = Start(intake, fields);
    ASSERT_NE(input, nullptr);
    ASSERT_TRUE(WaitUntil([&] { return intake.failed_commits() >= 1; }));
    intake.Heal();
    ASSERT_TRUE(WaitUntil([&] { return intake.committed().size() >= 10; }));
    input->Stop();
  }
  EXPECT_EQ(Ids(intake),
            (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}));
  const Value first = intake.committed()[0].payload;
  EXPECT_EQ(ToJson(first.Get("amount")), "1234567.8901");
  EXPECT_TRUE(first.Get("amount").as_number().is_exact());
  EXPECT_EQ(ToJson(first.Get("updated_at")), "\"2024-05-01T10:00:00Z\"");
  EXPECT_EQ(ToJson(intake.committed()[9].payload.Get("updated_at")), "\"2024-05-01T10:00:01.5Z\"");
  EXPECT_EQ(ToJson(first.Get("note")), "\"row 1\"");

  // While stopped: rows at the last change time with higher ids, and a change of row 2.
  Upsert(11, "2024-05-01 10:00:01.5", "0.1");
  Upsert(12, "2024-05-01 10:00:01.5", "0.2");
  Upsert(2, "2024-05-01 10:00:02", "99.99");
  {
    auto input = Start(intake, fields);
    ASSERT_NE(input, nullptr);
    ASSERT_TRUE(WaitUntil([&] { return intake.committed().size() >= 13; }));
    // Nothing more comes.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    input->Stop();
  }
  std::vector<std::string> ids = Ids(intake);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
                                           "12", "2"}));
  EXPECT_EQ(ToJson(intake.committed().back().payload.Get("amount")), "99.99");
  std::set<std::string> event_ids;
  for (const IntakeItem& item : intake.committed()) {
    EXPECT_TRUE(event_ids.insert(item.event_id).second) << "repeated " << item.event_id;
  }
}

TEST_P(SqlInputTest, StartNewSkipsTheRowsThereAreAndAQueryReadsChosenColumns) {
  ERPHUB_TEST_DATABASE(database);
  ASSERT_TRUE(Prepare(database));
  Upsert(1, "2024-05-01 10:00:00", "1");
  Upsert(2, "2024-05-01 10:00:00", "2");
  StateIntake intake;
  auto input =
      Start(intake, "query: \"SELECT id, updated_at, amount * 2 AS doubled FROM " + table_ +
                        " WHERE id <> 3\", watermark: [updated_at, id], start: new");
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return intake.GetState("sql-input:items")->has_value(); }));
  Upsert(3, "2024-05-01 11:00:00", "3");  // filtered out by the query
  Upsert(4, "2024-05-01 11:00:00", "4.25");
  ASSERT_TRUE(WaitUntil([&] { return intake.committed().size() >= 1; }));
  input->Stop();
  ASSERT_EQ(intake.committed().size(), 1u);
  const Value payload = intake.committed()[0].payload;
  EXPECT_EQ(ToJson(payload.Get("id")), "4");
  EXPECT_EQ(ToJson(payload.Get("doubled")), "8.5");
  EXPECT_TRUE(payload.Get("note").is_undefined());
}

TEST_P(SqlInputTest, WideRowsGoInSmallerCommitsThanBatchSays) {
  ERPHUB_TEST_DATABASE(database);
  ASSERT_TRUE(Prepare(database));
  constexpr int kRows = 12;
  for (int id = 1; id <= kRows; ++id) {
    std::vector<Value> params = {Value::Int(id), Value::Str("2024-05-01 10:00:00"),
                                 Value::Str(std::string(4000, 'a' + id % 26))};
    auto inserted = connection_->Execute(
        "INSERT INTO " + table_ + " (id, updated_at, note) VALUES (?, ?, ?)", params);
    ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  }
  StateIntake intake;
  // One poll reads them all: a query cut short by batch_bytes is followed by the next at once.
  auto input = Start(intake, "table: " + table_ +
                                 ", watermark: [updated_at, id], batch: 100, batch_bytes: 10KiB, "
                                 "poll_interval: 1h");
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return intake.committed().size() >= kRows; }));
  input->Stop();
  std::vector<std::string> expected;
  for (int id = 1; id <= kRows; ++id) {
    expected.push_back(std::to_string(id));
  }
  EXPECT_EQ(Ids(intake), expected);
  for (size_t size : intake.commit_sizes()) {
    EXPECT_LE(size, 3u) << "a commit of 4,000-byte rows beyond 10 KiB";
  }
  EXPECT_EQ(intake.committed().back().payload.Get("note").as_string(),
            std::string(4000, 'a' + kRows % 26));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqlInputTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres, Dialect::kMariadb),
                         db::testing::DialectParamName);

TEST(SqlInputSpecTest, NeedsExactlyOneOfTableAndQuery) {
  auto both = testing::ComponentConfigFrom(
      ComponentKind::kInput,
      "sql: {url: \"sqlite:x.db\", table: t, query: \"SELECT 1\", watermark: [id]}");
  EXPECT_FALSE(both.ok());
  auto neither = testing::ComponentConfigFrom(ComponentKind::kInput,
                                              "sql: {url: \"sqlite:x.db\", watermark: [id]}");
  EXPECT_FALSE(neither.ok());
  auto fine = testing::ComponentConfigFrom(
      ComponentKind::kInput, "sql: {url: \"sqlite:x.db\", table: t, watermark: [id]}");
  EXPECT_TRUE(fine.ok()) << fine.error();
}

}  // namespace
}  // namespace erphub::components
