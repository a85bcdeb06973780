#include "store/postgres/pg_conn.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "servers/postgres_test_server.h"
#include "store/postgres/pg_group_commit.h"
#include "store/stored_columns.h"

namespace erphub::store {
namespace {

class PgConnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ERPHUB_REQUIRE_POSTGRES();
    Result<std::unique_ptr<PgConn>> conn = PgConn::Connect(erphub::testing::PostgresTestUrl());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    ASSERT_TRUE(conn_->Exec("CREATE TEMP TABLE items (id integer PRIMARY KEY, name text)").ok());
  }

  int64_t Count() {
    Result<PgResult> r = conn_->Query("SELECT count(*) FROM items");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->Int(0, 0) : -1;
  }

  std::unique_ptr<PgConn> conn_;
};

TEST_F(PgConnTest, DeferredStatementsRunBeforeTheNextQueryAndItsRowsComeBack) {
  ASSERT_TRUE(conn_->Defer("BEGIN").ok());
  ASSERT_TRUE(conn_->Defer("INSERT INTO items VALUES ($1, $2)", PgParams().Add(1).Add("a")).ok());
  ASSERT_TRUE(conn_->Defer("INSERT INTO items VALUES ($1, $2)", PgParams().Add(2).Add("b")).ok());
  EXPECT_TRUE(conn_->in_transaction());
  Result<PgResult> names = conn_->Query("SELECT string_agg(name, ',' ORDER BY id) FROM items");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(names->Text(0, 0), "a,b");
  ASSERT_TRUE(conn_->Exec("COMMIT").ok());
  EXPECT_FALSE(conn_->in_transaction());
  EXPECT_EQ(Count(), 2);
}

TEST_F(PgConnTest, FlushHandsEachDeferredStatementItsRows) {
  std::string first;
  std::string second;
  ASSERT_TRUE(conn_->Defer("INSERT INTO items VALUES ($1, $2)", PgParams().Add(1).Add("a")).ok());
  ASSERT_TRUE(conn_
                  ->Defer("SELECT name FROM items WHERE id = $1", PgParams().Add(1),
                          [&](const PgResult& rows) { first = rows.Text(0, 0); })
                  .ok());
  ASSERT_TRUE(conn_
                  ->Defer("SELECT count(*) FROM items", {},
                          [&](const PgResult& rows) { second = rows.Text(0, 0); })
                  .ok());
  EXPECT_TRUE(first.empty());  // nothing waited yet
  ASSERT_TRUE(conn_->Flush().ok());
  EXPECT_EQ(first, "a");
  EXPECT_EQ(second, "1");
  EXPECT_TRUE(conn_->Flush().ok());  // nothing deferred: nothing to wait for
}

TEST_F(PgConnTest, ADeferredFailureFailsTheNextCallAndTheTransactionRollsBack) {
  ASSERT_TRUE(conn_->Defer("BEGIN").ok());
  ASSERT_TRUE(conn_->Defer("INSERT INTO items VALUES ($1, $2)", PgParams().Add(1).Add("a")).ok());
  ASSERT_TRUE(conn_->Defer("INSERT INTO items VALUES ($1, $2)", PgParams().Add(1).Add("b")).ok());
  ASSERT_TRUE(conn_->Defer("INSERT INTO items VALUES ($1, $2)", PgParams().Add(3).Add("c")).ok());
  Status commit = conn_->Exec("COMMIT");
  EXPECT_EQ(commit.code(), StatusCode::kAlreadyExists) << commit.ToString();
  EXPECT_NE(commit.ToString().find("items_pkey"), std::string::npos) << commit.ToString();
  // COMMIT did not run: the transaction is still open, aborted, until rolled back.
  EXPECT_TRUE(conn_->healthy());
  ASSERT_TRUE(conn_->in_transaction());
  ASSERT_TRUE(conn_->Exec("ROLLBACK").ok());
  EXPECT_EQ(Count(), 0);
}

TEST_F(PgConnTest, AStatementThatFailedToPrepareInAPipelineIsPreparedAgainLater) {
  ASSERT_TRUE(conn_->Defer("INSERT INTO items VALUES (1, 'a')").ok());
  ASSERT_TRUE(conn_->Defer("SELECT no_such_column FROM items").ok());
  // Prepared behind the failure, so never prepared on the server.
  ASSERT_TRUE(conn_->Defer("SELECT max(id) FROM items").ok());
  Status failed = conn_->Exec("SELECT 1");
  EXPECT_NE(failed.ToString().find("no_such_column"), std::string::npos) << failed.ToString();
  // Outside a transaction block the pipeline's statements ran as one: all are undone.
  EXPECT_EQ(Count(), 0);
  Status again = conn_->Query("SELECT no_such_column FROM items").status();
  EXPECT_NE(again.ToString().find("no_such_column"), std::string::npos) << again.ToString();
  Result<PgResult> max = conn_->Query("SELECT max(id) FROM items");
  ASSERT_TRUE(max.ok()) << max.status().ToString();
  EXPECT_TRUE(max->IsNull(0, 0));
}

// Operations share a transaction without savepoints; one whose deferred statement fails is
// found before COMMIT, and the others still commit, each alone.
TEST(PgGroupCommitTest, OneFailingOperationFailsAloneAndTheOthersCommit) {
  ERPHUB_REQUIRE_POSTGRES();
  const std::string url = erphub::testing::PostgresTestUrl();
  const std::string table = "group_commit_" + std::to_string(::getpid());
  Result<std::unique_ptr<PgConn>> admin = PgConn::Connect(url);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  ASSERT_TRUE((*admin)->Exec("CREATE TABLE " + table + " (id integer PRIMARY KEY)").ok());
  std::vector<Status> statuses(3);
  uint64_t transactions = 0;
  {
    // A batch runs once three operations wait, so the three below share one.
    PgGroupCommitter committer([&] { return PgConn::Connect(url); }, std::chrono::seconds(10), 3);
    auto insert = [&](int id) {
      return [&, id](PgConn& conn) {
        return conn.Defer("INSERT INTO " + table + " VALUES ($1)", PgParams().Add(id));
      };
    };
    ASSERT_TRUE((*admin)->Exec("INSERT INTO " + table + " VALUES (2)").ok());
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&, i] { statuses[i] = committer.Run(insert(i + 1)); });
    }
    for (std::thread& t : threads) {
      t.join();
    }
    transactions = committer.transactions();
  }
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].ToString();
  EXPECT_EQ(statuses[1].code(), StatusCode::kAlreadyExists) << statuses[1].ToString();
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].ToString();
  EXPECT_EQ(transactions, 2u);
  Result<PgResult> ids =
      (*admin)->Query("SELECT string_agg(id::text, ',' ORDER BY id) FROM " + table);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->Text(0, 0), "1,2,3");
  EXPECT_TRUE((*admin)->Exec("DROP TABLE " + table).ok());
}

TEST(StoredColumnsTest, TheLaneNamesItsBusinessKey) {
  EXPECT_EQ(KeyOfLane(LaneOf("shop-orders", "erp", "1045")), "1045");
  EXPECT_EQ(KeyOfLane(LaneOf("f", "o",
                             "a\x1f"
                             "b")),
            "a\x1f"
            "b");
  EXPECT_EQ(KeyOfLane(LaneOf("f", "o", "")), "");
  EXPECT_EQ(KeyOfLane(""), "");
}

}  // namespace
}  // namespace erphub::store
