#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/json.h"
#include "engine/engine.h"
#include "engine/test_components.h"

namespace erphub::engine {
namespace {

using namespace std::chrono_literals;
using components::IntakeItem;
using components::StateChange;

// An input's watermark goes into the store in the same transaction as its messages.
class IntakeStateTest : public ::testing::Test {
 protected:
  IntakeStateTest() : components_(registry_), log_([](std::string_view) {}) {}

  std::unique_ptr<Engine> Start() {
    const std::string text = "store:\n  url: sqlite:" + dir_.File("hub.db") +
                             "\n  fsync: normal\nflows:\n  orders:\n    from: test-input\n"
                             "    key: customer\n    to:\n      - test-output\n";
    Result<Config, Diagnostics> config = LoadConfigText(text, dir_.File("erphub.yaml"), registry_);
    EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().ToString());
    configs_.push_back(config.ok() ? std::move(config).value() : Config());
    EngineOptions options;
    options.workers = 2;
    options.idle_poll = 20ms;
    options.random = &random_;
    options.log = &log_;
    options.metrics = &metrics_;
    auto engine = Engine::Create(configs_.back(), registry_, options);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    if (!engine.ok()) {
      return nullptr;
    }
    EXPECT_TRUE((*engine)->Start(nullptr).ok());
    return std::move(engine).value();
  }

  static std::vector<IntakeItem> Items(std::initializer_list<const char*> customers) {
    std::vector<IntakeItem> items;
    for (const char* customer : customers) {
      IntakeItem item;
      item.payload = *ParseJson(std::string(R"({"customer":")") + customer + R"("})");
      item.event_id = customer;
      items.push_back(std::move(item));
    }
    return items;
  }

  testing::TempDir dir_;
  ComponentRegistry registry_;
  testing::TestComponents components_;
  SeededRandom random_{42};
  ops::MetricsRegistry metrics_;
  Logger log_;
  std::deque<Config> configs_;
};

TEST_F(IntakeStateTest, MessagesAndStateCommitTogetherOrNotAtAll) {
  auto engine = Start();
  ASSERT_NE(engine, nullptr);
  components::Intake* intake = engine->intake("orders");
  EXPECT_EQ(intake->GetState("cursor").value(), std::nullopt);

  auto first = intake->AcceptWithState(Items({"a", "b"}), {StateChange{"cursor", {}, "2"}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 2u);
  EXPECT_EQ(intake->GetState("cursor").value(), std::optional<std::string>("2"));

  // A stale expectation (another process moved the cursor): neither the messages nor the state.
  auto stale = intake->AcceptWithState(Items({"c"}), {StateChange{"cursor", "1", "3"}});
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict);
  EXPECT_EQ(intake->GetState("cursor").value(), std::optional<std::string>("2"));
  auto again = intake->Accept(Items({"c"}));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)[0].duplicate) << "c was stored by the failed commit";

  // No messages, only the state; and a repeated event id is a duplicate, state applied.
  ASSERT_TRUE(intake->AcceptWithState({}, {StateChange{"cursor", "2", "4"}}).ok());
  auto repeat = intake->AcceptWithState(Items({"a"}), {StateChange{"cursor", "4", "5"}});
  ASSERT_TRUE(repeat.ok());
  EXPECT_TRUE((*repeat)[0].duplicate);
  EXPECT_EQ(intake->GetState("cursor").value(), std::optional<std::string>("5"));
}

TEST_F(IntakeStateTest, ConcurrentCallersAreNotFailedByAnothersConflict) {
  auto engine = Start();
  ASSERT_NE(engine, nullptr);
  components::Intake* intake = engine->intake("orders");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::atomic<int> conflicts{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (i % 2 == 0) {
        ok += intake->Accept(Items({std::to_string(i).c_str()})).ok() ? 1 : 0;
      } else {
        auto r = intake->AcceptWithState({}, {StateChange{"k", "never", "x"}});
        conflicts += r.status().code() == StatusCode::kConflict ? 1 : 0;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(conflicts.load(), 4);
}

}  // namespace
}  // namespace erphub::engine
