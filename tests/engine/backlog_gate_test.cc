#include "engine/backlog_gate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/message.h"
#include "engine/intake_committer.h"
#include "engine/test_components.h"

namespace erphub::engine {
namespace {

using namespace std::chrono_literals;
using testing::OrderAcceptance;

TEST(BacklogGateTest, EachAcceptanceCountsOnceWhicheverSideOfAReadingItCommits) {
  BacklogGate gate(3, 0);
  // Committed before the reading: the reading has it.
  gate.Submitted(1);
  EXPECT_EQ(gate.estimate(), 1);
  gate.Committed(1, 1);
  gate.Refresh(1, 0);
  EXPECT_EQ(gate.estimate(), 1);
  // Committed after the reading: counted on top of it until the next one.
  gate.Submitted(1);
  gate.Refresh(1, 0);
  EXPECT_EQ(gate.estimate(), 2);
  gate.Committed(1, 1);
  EXPECT_EQ(gate.estimate(), 2);
  gate.Refresh(2, 0);
  EXPECT_EQ(gate.estimate(), 2);
  EXPECT_FALSE(gate.Overloaded());
  // A duplicate creates nothing.
  gate.Submitted(2);
  EXPECT_TRUE(gate.Overloaded());
  gate.Committed(2, 1);
  EXPECT_EQ(gate.estimate(), 3);
  gate.Refresh(3, 0);
  EXPECT_EQ(gate.estimate(), 3);
  EXPECT_TRUE(gate.Overloaded());
  // Delivered: the next reading frees the gate.
  gate.Refresh(0, 0);
  EXPECT_EQ(gate.estimate(), 0);
  EXPECT_FALSE(gate.Overloaded());
}

TEST(BacklogGateTest, AFailedCommitCountsNothing) {
  BacklogGate gate(1, 0);
  gate.Submitted(1);
  EXPECT_TRUE(gate.Overloaded());
  gate.Committed(1, 0);
  EXPECT_FALSE(gate.Overloaded());
  gate.Refresh(0, 0);
  EXPECT_EQ(gate.estimate(), 0);
}

// The gate fed as FlowIntake feeds it, by a committer on a real store, with readings taken as
// Engine::RefreshBacklog takes them.
class BacklogFenceTest : public testing::CommitterTest {
 protected:
  void SetUp() override { OpenCommitter(2, store::FsyncMode::kNormal); }

  // Hands one message (one delivery) to the store; `done` runs where the committer calls back.
  void Accept(std::string event_id, std::function<void(bool)> done) {
    gate_.Submitted(1);
    std::vector<store::Acceptance> items;
    items.push_back(OrderAcceptance(ids_, clock_, std::move(event_id)));
    committer_->Submit(std::move(items),
                       [this, done = std::move(done)](Result<std::vector<store::Accepted>> r) {
                         const bool stored = r.ok() && !(*r)[0].duplicate;
                         gate_.Committed(1, stored ? 1 : 0);
                         done(r.ok());
                       });
  }
  std::future<bool> Accept(std::string event_id = "") {
    auto promise = std::make_shared<std::promise<bool>>();
    Accept(std::move(event_id), [promise](bool ok) { promise->set_value(ok); });
    return promise->get_future();
  }

  // The store's unfinished deliveries of the flow.
  int64_t Stored() {
    auto backlog = store_->Backlog();
    EXPECT_TRUE(backlog.ok()) << backlog.status().ToString();
    int64_t count = 0;
    for (const store::FlowBacklog& b :
         backlog.ok() ? *backlog : std::vector<store::FlowBacklog>{}) {
      count += b.flow == "orders" ? b.queued + b.ready + b.in_flight : 0;
    }
    return count;
  }

  // A reading of the store under the fence; `inside` runs before the store is read.
  int64_t Refresh(const std::function<void()>& inside = [] {}) {
    int64_t reading = 0;
    committer_->WhileNoneCommits([&] {
      inside();
      reading = Stored();
      gate_.Refresh(reading, 0);
    });
    return reading;
  }

  BacklogGate gate_{4, 0};
};

TEST_F(BacklogFenceTest, AnAcceptanceDuringAReadingCommitsAfterItAndCountsOnce) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Accept().get());
  }
  EXPECT_EQ(Refresh(), 3);
  EXPECT_EQ(gate_.estimate(), 3);

  std::promise<void> entered;
  std::promise<void> go;
  std::shared_future<void> go_signal = go.get_future().share();
  std::future<bool> late;
  std::thread reader([&] {
    const int64_t reading = Refresh([&] {
      entered.set_value();
      go_signal.wait();
    });
    // The acceptance made while the reading was under way is not in it...
    EXPECT_EQ(reading, 3);
  });
  entered.get_future().wait();
  late = Accept();
  // ...but counts at once, and no reading makes it count twice or not at all.
  EXPECT_EQ(gate_.estimate(), 4);
  EXPECT_TRUE(gate_.Overloaded());
  EXPECT_EQ(late.wait_for(200ms), std::future_status::timeout) << "committed during a reading";
  go.set_value();
  reader.join();
  EXPECT_EQ(gate_.estimate(), 4);
  ASSERT_TRUE(late.get());
  EXPECT_EQ(gate_.estimate(), 4);
  EXPECT_EQ(Refresh(), 4);
  EXPECT_EQ(gate_.estimate(), 4);
}

TEST_F(BacklogFenceTest, AReadingWaitsForACommitBeingReported) {
  std::promise<void> committed;
  std::promise<void> release;
  std::shared_future<void> release_signal = release.get_future().share();
  Accept("", [&](bool ok) {
    EXPECT_TRUE(ok);
    committed.set_value();
    release_signal.wait();
  });
  committed.get_future().wait();
  std::promise<void> read;
  std::future<void> read_done = read.get_future();
  int64_t reading = -1;
  std::thread reader([&] {
    reading = Refresh();
    read.set_value();
  });
  EXPECT_EQ(read_done.wait_for(200ms), std::future_status::timeout) << "read amid a commit";
  release.set_value();
  reader.join();
  EXPECT_EQ(reading, 1);
  EXPECT_EQ(gate_.estimate(), 1);
}

TEST_F(BacklogFenceTest, ConcurrentAcceptancesAndReadingsLeaveTheExactFigure) {
  constexpr int kThreads = 4;
  constexpr int kEach = 40;
  std::atomic<bool> accepting{true};
  std::thread refresher([&] {
    while (accepting.load()) {
      Refresh();
      // Paced like the engine's monitor (much faster, though): back-to-back readings would
      // hold the commits off, as the fence lets a waiting reading go first.
      std::this_thread::sleep_for(1ms);
    }
  });
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Every other one repeats an event id another thread may have stored already.
        const std::string event = i % 2 == 0 ? "e" + std::to_string(i)
                                             : "t" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(Accept(event).get());
      }
    });
  }
  for (std::thread& sender : senders) {
    sender.join();
  }
  accepting.store(false);
  refresher.join();
  // Without another reading: what the last one missed or counted twice would show here.
  const int64_t stored = Stored();
  EXPECT_EQ(stored, kThreads * kEach / 2 + kEach / 2);
  EXPECT_EQ(gate_.estimate(), stored);
}

}  // namespace
}  // namespace erphub::engine
