#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/message.h"
#include "core/random.h"
#include "servers/postgres_test_server.h"
#include "store/open_store.h"
#include "store/postgres/pg_conn.h"
#include "store/store.h"

namespace erphub::store {

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("erphub-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
             (info != nullptr ? info->name() : "x"));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The store implementations every store test runs against.
enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// Runs a parametrized store fixture's tests once per backend (PostgreSQL cases skip when no
// server is available).
#define ERPHUB_STORE_BACKENDS(fixture)                                                           \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Backends, fixture,                                                                         \
      ::testing::Values(::erphub::store::Backend::kSqlite, ::erphub::store::Backend::kPostgres), \
      ::erphub::store::BackendName)

// A PostgreSQL schema of its own for one test (tests run in parallel on one server), dropped
// afterwards. url() selects it through the connection's search_path.
class PostgresTestSchema {
 public:
  // `server_url` empty: no server (url() stays empty).
  explicit PostgresTestSchema(const std::string& server_url) {
    if (server_url.empty()) {
      return;
    }
    static std::atomic<int> counter{0};
    name_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    server_url_ = server_url;
    error_ = Run("DROP SCHEMA IF EXISTS " + name_ + " CASCADE; CREATE SCHEMA " + name_);
    url_ = server_url + (server_url.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + name_ + "&application_name=" + name_;
  }
  ~PostgresTestSchema() {
    if (!name_.empty()) {
      Run("DROP SCHEMA IF EXISTS " + name_ + " CASCADE").ok();
    }
  }
  PostgresTestSchema(const PostgresTestSchema&) = delete;
  PostgresTestSchema& operator=(const PostgresTestSchema&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  const Status& error() const { return error_; }

  // Runs SQL in the server's database (outside the schema), as another tool would.
  Status Run(const std::string& sql) const {
    Result<std::unique_ptr<PgConn>> conn = PgConn::Connect(server_url_);
    if (!conn.ok()) {
      return conn.status();
    }
    return (*conn)->Exec(sql);
  }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
  Status error_;
};

// A store on a fake clock in a temporary folder (SQLite) or a schema of its own (PostgreSQL),
// with helpers to make messages.
class StoreTestBase : public ::testing::Test {
 protected:
  StoreTestBase() : ids_(clock_, random_) {}

  virtual Backend backend() const = 0;
  bool postgres() const { return backend() == Backend::kPostgres; }

  void SetUp() override {
    if (postgres()) {
      ERPHUB_REQUIRE_POSTGRES();
      schema_ = std::make_unique<PostgresTestSchema>(erphub::testing::PostgresTestUrl());
      ASSERT_TRUE(schema_->error().ok()) << schema_->error().ToString();
    }
    Open();
  }

  void TearDown() override { store_.reset(); }

  StoreOptions Options() const {
    StoreOptions options;
    options.clock = &clock_;
    options.fsync = FsyncMode::kNormal;  // speed; durability tests use kFull
    return options;
  }

  // The store's URL: sqlite:PATH or the test schema's postgresql:// URL.
  std::string url() const { return postgres() ? schema_->url() : "sqlite:" + path(); }

  Result<std::unique_ptr<Store>> OpenAnother(const StoreOptions& options) const {
    return OpenStore(url(), options);
  }

  void Open(const StoreOptions& options) {
    store_.reset();
    Result<std::unique_ptr<Store>> store = OpenAnother(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void Open() { Open(Options()); }

  std::string path() const { return dir_.File("hub.db"); }

  Acceptance Make(std::string flow, std::string key, std::string payload_json,
                  std::vector<std::string> outputs = {"erp"}, std::string event_id = "") {
    Acceptance a;
    a.message.id = ids_.Next();
    a.message.flow = std::move(flow);
    a.message.business_key = std::move(key);
    Result<Value> payload = ParseJson(payload_json);
    EXPECT_TRUE(payload.ok()) << payload_json;
    a.message.payload = payload.ok() ? *payload : Value::Null();
    a.message.headers = {{"Content-Type", "application/json"}};
    a.message.received_at = clock_.Now();
    a.event_id = std::move(event_id);
    a.outputs = std::move(outputs);
    a.source = "test";
    return a;
  }

  MessageId AcceptOne(Acceptance a) {
    Result<std::vector<Accepted>> r = store_->Accept(std::span<const Acceptance>(&a, 1));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? (*r)[0].id : MessageId();
  }

  std::vector<ClaimedDelivery> Claim(int limit = 10, std::string owner = "node-a",
                                     std::chrono::milliseconds lease = std::chrono::seconds(30)) {
    ClaimOptions options;
    options.owner = std::move(owner);
    options.limit = limit;
    options.lease_duration = lease;
    Result<std::vector<ClaimedDelivery>> r = store_->ClaimDeliveries(options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : std::vector<ClaimedDelivery>{};
  }

  void Done(const ClaimedDelivery& d) {
    Status s = store_->Complete(d.lease, AttemptReport{});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  FakeClock clock_;
  SeededRandom random_{1234};
  MessageIdGenerator ids_;
  TempDir dir_;
  std::unique_ptr<PostgresTestSchema> schema_;
  std::unique_ptr<Store> store_;
};

// The store tests, once per backend.
class StoreTest : public StoreTestBase, public ::testing::WithParamInterface<Backend> {
 protected:
  Backend backend() const override { return GetParam(); }
};

}  // namespace erphub::store
