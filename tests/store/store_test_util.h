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
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace erphub::store {

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
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

// A store on a fake clock in a temporary folder, with helpers to make messages.
class StoreTest : public testing::Test {
 protected:
  StoreTest() : ids_(clock_, random_) {}

  void SetUp() override { Open(); }

  StoreOptions Options() const {
    StoreOptions options;
    options.clock = &clock_;
    options.fsync = FsyncMode::kNormal;  // speed; durability tests use kFull
    return options;
  }

  void Open(const StoreOptions& options) {
    store_.reset();
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(path(), options);
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
  std::unique_ptr<Store> store_;
};

}  // namespace erphub::store
