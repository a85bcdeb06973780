#include "db/connection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "core/number.h"
#include "db/test_databases.h"

namespace erphub::db {
namespace {

Value Decimal(std::string_view text) { return Value::Num(*Number::Parse(text)); }

std::string TypedTable(Dialect dialect, const std::string& name) {
  switch (dialect) {
    case Dialect::kPostgres:
      return "CREATE TABLE " + name +
             " (id integer PRIMARY KEY, amount numeric(18,4), price double "
             "precision, ok boolean, at timestamptz, note text, doc jsonb)";
    case Dialect::kSqlite:
      return "CREATE TABLE " + name +
             " (id INTEGER PRIMARY KEY, amount NUMERIC(18,4), price REAL, ok "
             "BOOLEAN, at TIMESTAMP, note TEXT, doc JSON)";
    case Dialect::kMariadb:
      return "CREATE TABLE " + name +
             " (id INT PRIMARY KEY, amount DECIMAL(18,4), price DOUBLE, ok "
             "BOOLEAN, at DATETIME(6), note TEXT, doc TEXT)";
  }
  return "";
}

class ConnectionTest : public ::testing::TestWithParam<Dialect> {
 protected:
  std::unique_ptr<Connection> ConnectTo(const testing::TestDatabase& database) {
    auto connection = Connect(database.Options());
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    return connection.ok() ? std::move(*connection) : nullptr;
  }

  // Creates the test's table afresh; its name goes to table_.
  void Recreate(Connection& connection) {
    table_ = testing::TestTableName("typed");
    ASSERT_TRUE(connection.Execute("DROP TABLE IF EXISTS " + table_).ok());
    auto created = connection.Execute(TypedTable(GetParam(), table_));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  // `sql` with the test's table for T.
  std::string Sql(std::string sql) const {
    for (size_t at = sql.find(" T "); at != std::string::npos; at = sql.find(" T ", at)) {
      sql.replace(at + 1, 1, table_);
    }
    if (sql.ends_with(" T")) {
      sql.replace(sql.size() - 1, 1, table_);
    }
    return sql;
  }

  std::string table_;
};

TEST_P(ConnectionTest, TypesValuesAsTheDatabaseDoesWithDecimalsExact) {
  ERPHUB_TEST_DATABASE(database);
  auto connection = ConnectTo(database);
  ASSERT_NE(connection, nullptr);
  Recreate(*connection);
  std::vector<Value> params = {Value::Int(1),
                               Decimal("1234567890.1234"),
                               Decimal("0.5"),
                               Value::Bool(true),
                               Value::Str("2024-05-01 10:00:00.25"),
                               Value::Str("it's ? here"),
                               Value::Str("{\"a\": [1, 2]}")};
  auto inserted = connection->Execute(
      Sql("INSERT INTO T (id, amount, price, ok, at, note, doc) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      params);
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(inserted->affected, 1);

  std::vector<Value> id = {Value::Int(1)};
  auto read = connection->Execute(
      Sql("SELECT id, amount, price, ok, at, note, amount + 0.0001 AS next FROM T WHERE id = ?"),
      id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->rows.size(), 1u);
  EXPECT_EQ(read->columns,
            (std::vector<std::string>{"id", "amount", "price", "ok", "at", "note", "next"}));
  const std::vector<Value>& row = read->rows[0];
  EXPECT_EQ(ToJson(row[0]), ToJson(Value::Int(1)));
  EXPECT_EQ(ToJson(row[1]), ToJson(Decimal("1234567890.1234")));
  EXPECT_TRUE(row[1].as_number().is_exact());
  EXPECT_EQ(ToJson(row[2]), ToJson(Decimal("0.5")));
  if (GetParam() == Dialect::kMariadb) {
    EXPECT_EQ(ToJson(row[3]), ToJson(Value::Int(1)));  // BOOLEAN is TINYINT(1) there
  } else {
    EXPECT_EQ(ToJson(row[3]), ToJson(Value::Bool(true)));
  }
  EXPECT_EQ(ToJson(row[4]), ToJson(Value::Str("2024-05-01T10:00:00.25Z")));
  EXPECT_EQ(ToJson(row[5]), ToJson(Value::Str("it's ? here")));
  EXPECT_EQ(ToJson(row[6]), ToJson(Decimal("1234567890.1235")));
  ASSERT_EQ(read->bind_values.size(), 1u);
  // The watermark form compares equal with the column it came from.
  std::vector<Value> same_time = {read->bind_values[0][4]};
  auto again = connection->Execute(Sql("SELECT id FROM T WHERE at = ?"), same_time);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->rows.size(), 1u);
}

TEST_P(ConnectionTest, ConstraintViolationIsPermanentWithTheDatabasesMessage) {
  ERPHUB_TEST_DATABASE(database);
  auto connection = ConnectTo(database);
  ASSERT_NE(connection, nullptr);
  Recreate(*connection);
  std::vector<Value> params = {Value::Int(7)};
  ASSERT_TRUE(connection->Execute(Sql("INSERT INTO T (id) VALUES (?)"), params).ok());
  auto duplicate = connection->Execute(Sql("INSERT INTO T (id) VALUES (?)"), params);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_FALSE(duplicate.status().IsTransient()) << duplicate.status().ToString();
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists) << duplicate.status().ToString();
  EXPECT_NE(duplicate.status().message().find(DialectName(GetParam())), std::string::npos);
  EXPECT_FALSE(connection->Broken());
  auto bad = connection->Execute("SELECT nothing FROM nowhere");
  ASSERT_FALSE(bad.ok());
  EXPECT_FALSE(bad.status().IsTransient()) << bad.status().ToString();
}

TEST_P(ConnectionTest, RollbackUndoesTheTransaction) {
  ERPHUB_TEST_DATABASE(database);
  auto connection = ConnectTo(database);
  ASSERT_NE(connection, nullptr);
  Recreate(*connection);
  ASSERT_TRUE(connection->Begin().ok());
  ASSERT_TRUE(connection->Execute(Sql("INSERT INTO T (id) VALUES (1)")).ok());
  connection->Rollback();
  ASSERT_TRUE(connection->Begin().ok());
  ASSERT_TRUE(connection->Execute(Sql("INSERT INTO T (id) VALUES (2)")).ok());
  ASSERT_TRUE(connection->Commit().ok());
  auto rows = connection->Execute(Sql("SELECT id FROM T"));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(ToJson(rows->rows[0][0]), ToJson(Value::Int(2)));
}

TEST_P(ConnectionTest, ABoundedQueryStopsAfterTheRowThatReachesItsBytes) {
  ERPHUB_TEST_DATABASE(database);
  auto connection = ConnectTo(database);
  ASSERT_NE(connection, nullptr);
  Recreate(*connection);
  for (int id = 1; id <= 5; ++id) {
    std::vector<Value> params = {Value::Int(id), Value::Str(std::string(1000, 'a' + id))};
    ASSERT_TRUE(connection->Execute(Sql("INSERT INTO T (id, note) VALUES (?, ?)"), params).ok());
  }
  // About 1,000 bytes a row: the third row takes them past 2,500.
  auto bounded = connection->Execute(Sql("SELECT id, note FROM T ORDER BY id"), {}, 2500);
  ASSERT_TRUE(bounded.ok()) << bounded.status().ToString();
  ASSERT_EQ(bounded->rows.size(), 3u);
  EXPECT_TRUE(bounded->truncated);
  EXPECT_EQ(bounded->columns, (std::vector<std::string>{"id", "note"}));
  EXPECT_EQ(ToJson(bounded->rows[2][0]), "3");
  EXPECT_EQ(bounded->rows[2][1].as_string(), std::string(1000, 'd'));
  EXPECT_EQ(ToJson(bounded->bind_values[2][1]), ToJson(bounded->rows[2][1]));

  // The connection is ready for the next statement, and a bound above the rows reads them all.
  auto all = connection->Execute(Sql("SELECT id FROM T ORDER BY id"), {}, 1 << 20);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->rows.size(), 5u);
  EXPECT_FALSE(all->truncated);
  auto unbounded = connection->Execute(Sql("SELECT id, note FROM T"));
  ASSERT_TRUE(unbounded.ok()) << unbounded.status().ToString();
  EXPECT_EQ(unbounded->rows.size(), 5u);
  EXPECT_FALSE(unbounded->truncated);

  auto bad = connection->Execute("SELECT nothing FROM nowhere", {}, 100);
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(connection->Execute(Sql("SELECT id FROM T"), {}, 100).ok());
}

TEST_P(ConnectionTest, AServerThatIsAwayIsTransient) {
  if (GetParam() == Dialect::kSqlite) {
    GTEST_SKIP() << "SQLite has no server";
  }
  ConnectionOptions options;
  options.url = GetParam() == Dialect::kPostgres ? "postgresql://erphub@127.0.0.1:1/erphub"
                                                 : "mariadb://erphub@127.0.0.1:1/erphub";
  options.timeout_seconds = 2;
  auto connection = Connect(options);
  ASSERT_FALSE(connection.ok());
  EXPECT_TRUE(connection.status().IsTransient()) << connection.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Dialects, ConnectionTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres, Dialect::kMariadb),
                         testing::DialectParamName);

TEST(RedactUrlTest, HidesThePassword) {
  EXPECT_EQ(RedactUrl("postgresql://u:secret@h:5432/db"), "postgresql://u:[redacted]@h:5432/db");
  EXPECT_EQ(RedactUrl("mariadb://u@h/db"), "mariadb://u@h/db");
  EXPECT_EQ(RedactUrl("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
}

}  // namespace
}  // namespace erphub::db
