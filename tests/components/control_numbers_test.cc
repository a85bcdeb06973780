#include "components/outputs/control_numbers.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "component_harness.h"

namespace erphub::components {
namespace {

using formats::Format;
using testing::FakeStateStore;

TEST(ControlNumbersTest, ConsecutiveRunsPerPartnerAndKind) {
  FakeStateStore state;
  auto first = ReserveControlNumbers(state, Format::kX12, "acme", "d1", {1, 1, 3});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->interchange, 1);
  EXPECT_EQ(first->group, 1);
  EXPECT_EQ(first->set, 1);
  auto second = ReserveControlNumbers(state, Format::kX12, "acme", "d2", {1, 2, 2});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->interchange, 2);
  EXPECT_EQ(second->group, 2);
  EXPECT_EQ(second->set, 4);
  auto other = ReserveControlNumbers(state, Format::kX12, "globex", "d3", {1, 1, 1});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->interchange, 1);
  auto values = state.values();
  EXPECT_EQ(values["edi/control/acme/isa"], "2");
  EXPECT_EQ(values["edi/control/acme/gs"], "3");
  EXPECT_EQ(values["edi/control/acme/st"], "5");
  auto edifact = ReserveControlNumbers(state, Format::kEdifact, "acme", "d4", {1, 0, 1});
  ASSERT_TRUE(edifact.ok());
  EXPECT_EQ(state.values()["edi/control/acme/unb"], "1");
}

TEST(ControlNumbersTest, ARetriedDeliveryGetsItsOwnNumbersAgain) {
  FakeStateStore state;
  ASSERT_TRUE(ReserveControlNumbers(state, Format::kX12, "acme", "d1", {1, 1, 1}).ok());
  ASSERT_TRUE(ReserveControlNumbers(state, Format::kX12, "acme", "d2", {1, 1, 1}).ok());
  auto again = ReserveControlNumbers(state, Format::kX12, "acme", "d1", {1, 1, 1});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->interchange, 1);
  EXPECT_EQ(state.values()["edi/control/acme/isa"], "2");
}

TEST(ControlNumbersTest, LostRacesAreRetriedAndNumbersWrapAfterTheMaximum) {
  FakeStateStore state;
  ASSERT_TRUE(state
                  .CompareAndSet(
                      std::vector<StateChange>{{"edi/control/acme/isa", std::nullopt, "999999998"}})
                  .ok());
  state.LoseNextRaces(3);
  auto first = ReserveControlNumbers(state, Format::kX12, "acme", "d1", {1, 1, 1});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->interchange, 999999999);
  auto second = ReserveControlNumbers(state, Format::kX12, "acme", "d2", {1, 1, 1});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->interchange, 1);
}

TEST(ControlNumbersTest, ConcurrentWorkersNeverShareANumber) {
  FakeStateStore state;
  std::vector<std::thread> workers;
  std::mutex mu;
  std::set<int64_t> seen;
  int duplicates = 0;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto start = ReserveControlNumbers(state, Format::kX12, "acme",
                                           std::to_string(t) + "-" + std::to_string(i), {1, 1, 1});
        ASSERT_TRUE(start.ok()) << start.status().ToString();
        std::lock_guard lock(mu);
        duplicates += seen.insert(start->interchange).second ? 0 : 1;
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(state.values()["edi/control/acme/isa"], "200");
}

}  // namespace
}  // namespace erphub::components
