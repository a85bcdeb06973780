#include "engine/intake_committer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/message.h"
#include "engine/test_components.h"

namespace erphub::engine {
namespace {

using namespace std::chrono_literals;
using testing::OrderAcceptance;

class IntakeCommitterTest : public testing::CommitterTest {
 protected:
  // One thread: what is queued behind a running job waits for it.
  void SetUp() override { OpenCommitter(1, store::FsyncMode::kFull); }

  // One acceptance; the future holds whether it committed.
  std::future<bool> Accept() {
    auto committed = std::make_shared<std::promise<bool>>();
    std::vector<store::Acceptance> items;
    items.push_back(OrderAcceptance(ids_, clock_));
    committer_->Submit(std::move(items), [committed](Result<std::vector<store::Accepted>> r) {
      committed->set_value(r.ok());
    });
    return committed->get_future();
  }
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
