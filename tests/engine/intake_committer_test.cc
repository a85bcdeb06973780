#include "engine/intake_committer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/message.h"
#include "core/random.h"
#include "engine/test_components.h"
#include "store/open_store.h"

namespace erphub::engine {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

class IntakeCommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    options.clock = &clock_;
    auto store = store::OpenStore("sqlite:" + dir_.File("hub.db"), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    committer_ = std::make_unique<IntakeCommitter>(*store_, 1);
  }

  // One acceptance; the future holds whether it committed.
  std::future<bool> Accept() {
    auto committed = std::make_shared<std::promise<bool>>();
    store::Acceptance a;
    a.message.id = ids_.Next();
    a.message.flow = "orders";
    a.message.business_key = "k";
    a.message.payload = Value::Null();
    a.message.received_at = clock_.Now();
    a.outputs = {"erp"};
    a.source = "test";
    std::vector<store::Acceptance> items;
    items.push_back(std::move(a));
    committer_->Submit(std::move(items), [committed](Result<std::vector<store::Accepted>> r) {
      committed->set_value(r.ok());
    });
    return committed->get_future();
  }

  FakeClock clock_;
  SeededRandom random_{7};
  MessageIdGenerator ids_{clock_, random_};
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<IntakeCommitter> committer_;
};

TEST_F(IntakeCommitterTest, APostedJobRunsOnACommitterThreadInTurnWithAcceptances) {
  // The committer thread is held inside a job; an acceptance and a second job queue behind it.
  std::promise<void> go;
  std::shared_future<void> go_signal = go.get_future().share();
  std::promise<std::thread::id> first_ran;
  committer_->Post([&](Status open) {
    EXPECT_TRUE(open.ok());
    first_ran.set_value(std::this_thread::get_id());
    go_signal.wait();
  });
  std::future<std::thread::id> first = first_ran.get_future();
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  EXPECT_NE(first.get(), std::this_thread::get_id());

  std::future<bool> accepted = Accept();
  std::promise<Status> second_ran;
  committer_->Post([&](Status open) { second_ran.set_value(open); });
  std::future<Status> second = second_ran.get_future();
  EXPECT_EQ(accepted.wait_for(100ms), std::future_status::timeout);
  EXPECT_EQ(second.wait_for(0ms), std::future_status::timeout);

  go.set_value();
  EXPECT_TRUE(accepted.get());
  EXPECT_TRUE(second.get().ok());
}

TEST_F(IntakeCommitterTest, AJobPostedAfterStopRunsAtOnceWithUnavailable) {
  committer_->Stop();
  std::thread::id ran_on;
  Status given;
  committer_->Post([&](Status open) {
    ran_on = std::this_thread::get_id();
    given = open;
  });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(given.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(Accept().get());
}

}  // namespace
}  // namespace erphub::engine
