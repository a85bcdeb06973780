#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "store/open_store.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_schema.h"
#include "store_test_util.h"

namespace erphub::store {
namespace {

class PostgresStoreTest : public StoreTestBase {
 protected:
  Backend backend() const override { return Backend::kPostgres; }

  // Runs SQL inside the test's schema.
  Status RunInSchema(const std::string& sql) {
    return schema_->Run("SET search_path TO " + schema_->name() + "; " + sql);
  }
  Result<int64_t> QueryInt(const std::string& sql) {
    ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, PgConn::Connect(url()));
    ERPHUB_ASSIGN_OR_RETURN(PgResult r, conn->Query(sql));
    return r.Int(0, 0);
  }
};

TEST(PostgresUrlTest, RedactsThePassword) {
  EXPECT_EQ(RedactPostgresUrl("postgresql://hub:s3cret@db.example:5432/erphub"),
            "postgresql://hub:***@db.example:5432/erphub");
  EXPECT_EQ(RedactPostgresUrl("postgres://db/erphub?user=hub&password=s3cret&sslmode=require"),
            "postgres://db/erphub?user=hub&password=***&sslmode=require");
  EXPECT_EQ(RedactPostgresUrl("postgresql://hub@db/erphub"), "postgresql://hub@db/erphub");
}

TEST(PostgresUrlTest, ErrorsNeverShowThePassword) {
  Result<std::unique_ptr<Store>> store =
      OpenStore("postgresql://hub:s3cret@127.0.0.1:1/erphub?connect_timeout=2");
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.status().ToString().find("s3cret"), std::string::npos)
      << store.status().ToString();
}

TEST(PostgresStatusTest, MapsSqlStates) {
  EXPECT_EQ(PgStatusCode("08006"), StatusCode::kUnavailable);
  EXPECT_EQ(PgStatusCode("57P01"), StatusCode::kUnavailable);
  EXPECT_EQ(PgStatusCode("40P01"), StatusCode::kUnavailable);
  EXPECT_EQ(PgStatusCode("23505"), StatusCode::kAlreadyExists);
  EXPECT_EQ(PgStatusCode("53100"), StatusCode::kResourceExhausted);
  EXPECT_EQ(PgStatusCode("28P01"), StatusCode::kPermissionDenied);
  EXPECT_EQ(PgStatusCode("42601"), StatusCode::kInternal);
}

TEST_F(PostgresStoreTest, RecordsTheSchemaVersion) {
  Result<int64_t> version = QueryInt("SELECT max(version) FROM schema_version");
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, PostgresSchemaVersion());
  store_.reset();
  Open();  // reopening migrates nothing
  Result<MigrationReport> again = MigrateStore(url(), Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->from_version, again->to_version);
}

TEST_F(PostgresStoreTest, RefusesANewerSchema) {
  store_.reset();
  ASSERT_TRUE(RunInSchema("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)").ok());
  Status status = OpenAnother(Options()).status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.ToString().find("999 is newer"), std::string::npos) << status.ToString();
  EXPECT_EQ(MigrateStore(url(), Options()).status().code(), StatusCode::kFailedPrecondition);
}

// An older schema is upgraded by `erphub migrate` only, never by a node starting.
TEST_F(PostgresStoreTest, AnOlderSchemaWaitsForMigrate) {
  store_.reset();
  ASSERT_TRUE(RunInSchema("DROP TABLE xref, nodes; ALTER TABLE messages DROP COLUMN source; "
                          "DROP INDEX deliveries_ready, deliveries_open_lanes; "
                          "CREATE INDEX deliveries_lanes ON deliveries (lane, state, message_seq) "
                          "WHERE lane IS NOT NULL; CREATE TABLE lanes (lane text PRIMARY KEY); "
                          "DELETE FROM schema_version WHERE version >= 2")
                  .ok());
  Status status = OpenAnother(Options()).status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.ToString().find("erphub migrate"), std::string::npos) << status.ToString();
  Result<MigrationReport> report = MigrateStore(url(), Options());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->from_version, 1);
  EXPECT_EQ(report->to_version, PostgresSchemaVersion());
  Open();
  EXPECT_TRUE(store_->PutXref("tryton", "party", "shopify:1", "42").ok());
}

TEST_F(PostgresStoreTest, WithoutMigrationsRefusesAnEmptySchema) {
  store_.reset();
  PostgresTestSchema empty(erphub::testing::PostgresTestUrl());
  StoreOptions options = Options();
  options.apply_migrations = false;
  Result<std::unique_ptr<Store>> store = OpenStore(empty.url(), options);
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().ToString().find("erphub migrate"), std::string::npos);
}

TEST_F(PostgresStoreTest, RefusesASchemaThatIsNotAStore) {
  PostgresTestSchema foreign(erphub::testing::PostgresTestUrl());
  ASSERT_TRUE(foreign.Run("CREATE TABLE " + foreign.name() + ".customers (id integer)").ok());
  Result<std::unique_ptr<Store>> store = OpenStore(foreign.url(), Options());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().ToString().find("not an erphub store"), std::string::npos)
      << store.status().ToString();
}

// Nodes starting together on an empty database create the schema once.
TEST_F(PostgresStoreTest, NodesStartingTogetherMigrateOnce) {
  PostgresTestSchema empty(erphub::testing::PostgresTestUrl());
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { results[i] = OpenStore(empty.url(), Options()).status(); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const Status& s : results) {
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
}

// Connections the server dropped (a restart, a failover, an idle timeout) are replaced: the
// operations that find them dead run again on fresh ones.
TEST_F(PostgresStoreTest, ALostConnectionIsUnavailableThenReplaced) {
  AcceptOne(Make("f", "A", "{}"));
  ASSERT_TRUE(store_->GetState("x").ok());
  ASSERT_TRUE(schema_
                  ->Run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                        "application_name = '" +
                        schema_->name() + "'")
                  .ok());
  for (int i = 0; i < 20; ++i) {
    Result<std::optional<std::string>> r = store_->GetState("x");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_EQ(Claim().size(), 1u);
  Acceptance a = Make("f", "B", "{}");
  EXPECT_TRUE(store_->Accept(std::span<const Acceptance>(&a, 1)).ok());
  // The server gone for good: kUnavailable, which callers retry.
  Result<std::unique_ptr<Store>> gone = OpenStore("postgresql://127.0.0.1:1/erphub");
  EXPECT_EQ(gone.status().code(), StatusCode::kUnavailable);
}

// Two processes (two hub nodes) claim from one database at once: no delivery is claimed twice
// and each key's messages complete in acceptance order.
TEST_F(PostgresStoreTest, TwoNodesShareTheWorkWithoutDoubleClaimsInKeyOrder) {
  constexpr int kKeys = 40;
  constexpr int kPerKey = 10;
  std::vector<Acceptance> batch;
  for (int n = 0; n < kPerKey; ++n) {
    for (int k = 0; k < kKeys; ++k) {
      batch.push_back(Make("f", "key-" + std::to_string(k),
                           R"({"k":)" + std::to_string(k) + R"(,"n":)" + std::to_string(n) + "}",
                           {"erp"}));
    }
  }
  ASSERT_TRUE(store_->Accept(batch).ok());
  store_.reset();

  // Each node claims and completes until the work is gone, writing the ids it claimed.
  auto node = [&](const std::string& name, const std::string& claimed_file) -> int {
    Result<std::unique_ptr<Store>> opened = OpenAnother(Options());
    if (!opened.ok()) {
      return 3;
    }
    Store& store = **opened;
    std::ofstream out(claimed_file);
    std::mutex mu;
    std::atomic<bool> failed{false};
    auto worker = [&](int w) {
      int idle = 0;
      while (idle < 20 && !failed.load()) {
        ClaimOptions options;
        options.owner = name + "/" + std::to_string(w);
        options.limit = 4;
        Result<std::vector<ClaimedDelivery>> claimed = store.ClaimDeliveries(options);
        if (!claimed.ok()) {
          failed.store(true);
          return;
        }
        idle = claimed->empty() ? idle + 1 : 0;
        for (const ClaimedDelivery& d : *claimed) {
          {
            std::lock_guard<std::mutex> lock(mu);
            out << d.lease.delivery_id << "\n";
          }
          if (!store.Complete(d.lease, AttemptReport{}).ok()) {
            failed.store(true);
          }
        }
        if (claimed->empty()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    };
    std::vector<std::thread> threads;
    for (int w = 0; w < 3; ++w) {
      threads.emplace_back(worker, w);
    }
    for (auto& t : threads) {
      t.join();
    }
    return failed.load() ? 4 : 0;
  };

  const std::string child_file = dir_.File("child.txt");
  const std::string parent_file = dir_.File("parent.txt");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    _exit(node("node-b", child_file));
  }
  EXPECT_EQ(node("node-a", parent_file), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);

  std::map<int64_t, int> claims;
  std::map<std::string, int> per_node;
  for (const auto& [file, name] : {std::pair{child_file, "b"}, std::pair{parent_file, "a"}}) {
    std::ifstream in(file);
    int64_t id = 0;
    while (in >> id) {
      ++claims[id];
      ++per_node[name];
    }
  }
  EXPECT_EQ(claims.size(), static_cast<size_t>(kKeys * kPerKey));
  for (const auto& [id, count] : claims) {
    EXPECT_EQ(count, 1) << "delivery " << id << " claimed " << count << " times";
  }
  EXPECT_GT(per_node["a"], 0);
  EXPECT_GT(per_node["b"], 0);
  std::cout << "node a: " << per_node["a"] << " deliveries, node b: " << per_node["b"] << "\n";

  // Per key, the "done" attempts were committed in acceptance order: their lineage rows, whose
  // ids are drawn inside the completing transaction, ascend with the message order.
  Result<std::unique_ptr<PgConn>> conn = PgConn::Connect(url());
  ASSERT_TRUE(conn.ok());
  Result<PgResult> rows = (*conn)->Query(
      "SELECT m.business_key, m.seq FROM lineage l JOIN messages m ON m.seq = l.message_seq "
      "WHERE l.kind = 3 AND l.outcome = 'done' ORDER BY l.id");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows(), kKeys * kPerKey);
  std::map<std::string, int64_t> last_seq;
  for (int r = 0; r < rows->rows(); ++r) {
    const std::string key = rows->Text(r, 0);
    const int64_t seq = rows->Int(r, 1);
    EXPECT_GT(seq, last_seq[key]) << "key " << key << " out of order";
    last_seq[key] = seq;
  }
}

// Two nodes receive the same provider events at once (a webhook retried to another node): each
// event is stored once, the other arrival answers "duplicate" with the same id, and every lane
// still has one head.
TEST_F(PostgresStoreTest, TwoNodesAcceptingTheSameEventsStoreEachOnce) {
  Result<std::unique_ptr<Store>> other = OpenAnother(Options());
  ASSERT_TRUE(other.ok());
  constexpr int kEvents = 200;
  constexpr int kKeys = 7;
  // Each node gets every event, in batches whose lanes overlap in different orders.
  auto batches_for = [&](int node) {
    std::vector<std::vector<Acceptance>> batches(1);
    for (int e = 0; e < kEvents; ++e) {
      const int i = node == 0 ? e : kEvents - 1 - e;
      batches.back().push_back(Make("shop", "k" + std::to_string(i % kKeys),
                                    R"({"e":)" + std::to_string(i) + "}", {"erp", "crm"},
                                    "evt-" + std::to_string(i)));
      if (batches.back().size() == 5) {
        batches.emplace_back();
      }
    }
    return batches;
  };
  std::vector<std::vector<Acceptance>> work[2] = {batches_for(0), batches_for(1)};
  std::mutex mu;
  std::map<std::string, std::set<std::string>> ids_by_event;
  std::atomic<int> stored{0};
  std::vector<std::string> failures;
  auto node = [&](int n, Store& store, int part) {
    for (size_t b = part; b < work[n].size(); b += 2) {
      const std::vector<Acceptance>& batch = work[n][b];
      Result<std::vector<Accepted>> r = store.Accept(batch);
      std::lock_guard<std::mutex> lock(mu);
      if (!r.ok()) {
        failures.push_back(r.status().ToString());
        continue;
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        ids_by_event[batch[i].event_id].insert((*r)[i].id.ToString());
        if (!(*r)[i].duplicate) {
          stored.fetch_add(1);
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int part = 0; part < 2; ++part) {
    threads.emplace_back(node, 0, std::ref(*store_), part);
    threads.emplace_back(node, 1, std::ref(**other), part);
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const std::string& f : failures) {
    ADD_FAILURE() << f;
  }
  EXPECT_EQ(stored.load(), kEvents);
  ASSERT_EQ(ids_by_event.size(), static_cast<size_t>(kEvents));
  for (const auto& [event, ids] : ids_by_event) {
    EXPECT_EQ(ids.size(), 1u) << event << " stored under " << ids.size() << " ids";
  }
  EXPECT_EQ(*QueryInt("SELECT count(*) FROM messages"), kEvents);
  EXPECT_EQ(*QueryInt("SELECT count(*) FROM (SELECT lane FROM deliveries WHERE state IN (1, 2) "
                      "GROUP BY lane HAVING count(*) > 1) twice"),
            0);
  EXPECT_EQ(*QueryInt("SELECT count(DISTINCT lane) FROM deliveries WHERE state = 1"), 2 * kKeys);
}

// A node that dies holding leases: another node takes the work over once they expire, and the
// dead node's late report is refused.
TEST_F(PostgresStoreTest, AnotherNodeTakesOverExpiredLeases) {
  AcceptOne(Make("f", "A", R"({"n":1})"));
  AcceptOne(Make("f", "A", R"({"n":2})"));
  Result<std::unique_ptr<Store>> other = OpenAnother(Options());
  ASSERT_TRUE(other.ok());
  std::vector<ClaimedDelivery> first = Claim(10, "node-a", std::chrono::seconds(5));
  ASSERT_EQ(first.size(), 1u);
  ClaimOptions options;
  options.owner = "node-b";
  options.limit = 10;
  EXPECT_TRUE((*other)->ClaimDeliveries(options)->empty());
  clock_.Advance(std::chrono::seconds(6));
  Result<std::vector<ClaimedDelivery>> taken = (*other)->ClaimDeliveries(options);
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].message.id, first[0].message.id);
  EXPECT_EQ(store_->Complete(first[0].lease, {}).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE((*other)->Complete((*taken)[0].lease, {}).ok());
  std::vector<ClaimedDelivery> next = Claim();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(ToJson(next[0].payload), R"({"n":2})");
}

}  // namespace
}  // namespace erphub::store
