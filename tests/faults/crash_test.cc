// Case 1 of the fault suite: the hub is killed (-9) at random points while signed webhooks
// arrive and the target is down, then while it delivers to a target that fails in every way;
// every acknowledged message arrives exactly once (by Idempotency-Key), in order per key.
// Also: the leases of a killed hub expire and its work resumes.

#include <cstdio>
#include <random>

#include "faults/fault_harness.h"

namespace erphub::faults {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A target that mostly takes, and otherwise fails in each way an ERP does.
ScriptedTarget::Script UnreliableTarget(uint32_t seed) {
  auto random = std::make_shared<std::mt19937>(seed);
  return [random](const Request&) {
    int roll = static_cast<int>((*random)() % 1000);
    if (roll < 80) return Answer::Status(500);
    if (roll < 130) return Answer::Status(503, 0);
    if (roll < 170) return Answer::Reset();
    if (roll < 210) return Answer::TakeThenReset();
    if (roll < 250) return Answer::Slow(milliseconds(100));
    if (roll < 252) return Answer::Hang();  // until the hub's timeout
    return Answer::Take();
  };
}

TEST_F(FaultTest, KilledHubDeliversEveryAcknowledgedMessageOnceInKeyOrder) {
  const int64_t messages = EnvInt("FAULT_MESSAGES", 5000);
  const int kills = static_cast<int>(EnvInt("FAULT_KILLS", 5));
  const uint32_t seed = static_cast<uint32_t>(EnvInt("FAULT_SEED", std::random_device()()));
  std::printf("seed %u (FAULT_SEED=%u repeats this run's kill points and answers)\n", seed, seed);
  std::mt19937 random(seed);
  const int per_key = 20;
  const int keys = static_cast<int>(std::max<int64_t>(1, messages / per_key));
  auto started = std::chrono::steady_clock::now();

  FlowOptions flow;
  flow.retry = "{initial: 100ms, max_delay: 2s, max_attempts: 100000, max_age: 1h}";
  flow.http_timeout = "2s";
  std::string config = WriteConfig(flow);
  const std::vector<std::string> args = {"--lease-duration", "2s", "--drain-timeout", "5s"};
  target_.Down();
  StartHub(config, args);
  WebhookDriver driver(Driver(keys, per_key));
  driver.Start();

  // Most kills while the messages arrive and the target is down, the rest while it delivers.
  const int intake_kills = kills - kills * 2 / 5;
  auto fraction = [&](int i, int of) {
    std::uniform_real_distribution<double> within(0.2, 0.8);
    return (i + within(random)) / of;
  };
  for (int i = 0; i < intake_kills; ++i) {
    auto point = static_cast<int64_t>(fraction(i, intake_kills + 1) * driver.total());
    ASSERT_TRUE(
        integration::WaitUntil([&] { return driver.acknowledged_count() >= point; }, kDeadline))
        << "acknowledged " << driver.acknowledged_count() << " of " << point;
    KillHub();
    StartHub(config, args);
  }
  ASSERT_TRUE(driver.WaitFinished(kDeadline * 2));
  target_.SetScript(UnreliableTarget(seed));
  ASSERT_TRUE(target_.Up().ok());
  for (int i = 0; i < kills - intake_kills; ++i) {
    auto point = static_cast<size_t>(fraction(i, kills - intake_kills + 1) *
                                     static_cast<double>(driver.total()));
    ASSERT_TRUE(target_.WaitFor([&] { return target_.taken_count() >= point; }, kDeadline * 2))
        << "taken " << target_.taken_count() << " of " << point;
    KillHub();
    StartHub(config, args);
  }
  ASSERT_TRUE(WaitDelivered(driver, kDeadline * 3)) << Check(driver.acknowledged()).Summary();
  ASSERT_TRUE(WaitHubIdle(kDeadline));

  DeliveryReport report = Check(driver.acknowledged());
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  DriverCounts counts = driver.counts();
  std::printf(
      "FAULT-FIGURES case1 messages=%lld acknowledged=%zu delivered=%zu duplicated=%zu "
      "resent_same_key=%zu unacknowledged_delivered=%zu kills=%d target_requests=%zu "
      "webhook_requests=%lld webhook_no_answer=%lld webhook_503=%lld seconds=%.1f\n",
      static_cast<long long>(driver.total()), report.acknowledged, report.delivered,
      report.duplicated, report.resent_with_same_key, report.unacknowledged_delivered, kills,
      target_.request_count(), static_cast<long long>(counts.requests),
      static_cast<long long>(counts.no_answer), static_cast<long long>(counts.refused), elapsed);
  RecordProperty("acknowledged", static_cast<int>(report.acknowledged));
  RecordProperty("delivered", static_cast<int>(report.delivered));
  RecordProperty("duplicated", static_cast<int>(report.duplicated));
  EXPECT_EQ(report.acknowledged, static_cast<size_t>(driver.total())) << report.Summary();
  EXPECT_EQ(report.delivered, report.acknowledged) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
  EXPECT_EQ(report.key_changes, 0u) << report.Summary();
  EXPECT_EQ(report.out_of_order_keys, 0u) << report.Summary();
  EXPECT_EQ(Metric(R"(erphub_backlog{flow="orders",state="dead"})").value_or(-1), 0);
}

TEST_F(FaultTest, LeasedWorkOfAKilledHubResumesOnceItsLeaseExpires) {
  FlowOptions flow;
  flow.map_step = false;
  flow.http_timeout = "60s";
  std::string config = WriteConfig(flow);
  const std::vector<std::string> args = {"--lease-duration", "2s"};
  target_.SetScript([](const Request&) { return Answer::Hang(); });
  StartHub(config, args);
  WebhookDriver driver(Driver(1, 1));
  driver.Start();
  ASSERT_TRUE(driver.WaitFinished(kDeadline));
  ASSERT_EQ(driver.acknowledged_count(), 1);
  // The delivery is in flight, leased by this process, when it dies.
  ASSERT_TRUE(target_.WaitFor([&] { return target_.request_count() == 1; }, kDeadline));
  KillHub();
  auto killed = std::chrono::steady_clock::now();
  target_.SetScript([](const Request&) { return Answer::Take(); });
  StartHub(config, args);
  ASSERT_TRUE(target_.WaitFor([&] { return target_.taken_count() == 1; }, kDeadline));
  double resumed = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  std::printf("resumed %.1f s after the kill (lease 2 s)\n", resumed);
  std::vector<Request> requests = target_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].idempotency_key, requests[1].idempotency_key);
  DeliveryReport report = Check(driver.acknowledged());
  EXPECT_EQ(report.delivered, 1u) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
}

}  // namespace
}  // namespace erphub::faults
