// Case 6 of the fault suite: SIGTERM while webhooks arrive and deliveries are in flight (some of
// them hanging at the target) ends the hub within its drain deadline; a restart completes the
// rest, each acknowledged message once and in order.

#include <atomic>
#include <cstdio>

#include "faults/fault_harness.h"

namespace erphub::faults {
namespace {

TEST_F(FaultTest, SigtermUnderLoadExitsWithinTheDrainDeadlineAndARestartCompletesTheRest) {
  constexpr int kDrainSeconds = 3;
  // Slow answers, and now and then one that hangs past the drain deadline.
  auto requests = std::make_shared<std::atomic<int>>(0);
  target_.SetScript([requests](const Request&) {
    int n = (*requests)++;
    return n % 25 == 10 ? Answer::Hang() : Answer::Slow(std::chrono::milliseconds(200));
  });
  FlowOptions flow;
  flow.http_timeout = "30s";
  std::string config = WriteConfig(flow);
  const std::vector<std::string> args = {"--drain-timeout",  std::to_string(kDrainSeconds) + "s",
                                         "--lease-duration", "2s",
                                         "--workers",        "4"};
  StartHub(config, args);
  WebhookDriver driver(Driver(100, 5));
  driver.Start();
  ASSERT_TRUE(target_.WaitFor([&] { return target_.request_count() >= 40; }, kDeadline));

  auto signalled = std::chrono::steady_clock::now();
  std::optional<int> exit_code = TermHub(kDeadline);
  double stop_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  std::printf("FAULT-FIGURES case6 exit=%d stop_seconds=%.2f drain_deadline=%d taken_before=%zu\n",
              exit_code.value_or(-1), stop_seconds, kDrainSeconds, target_.taken_count());
  ASSERT_EQ(exit_code, 0) << HubLog();
  // The drain deadline plus room for a loaded machine to commit and exit.
  EXPECT_LT(stop_seconds, kDrainSeconds + 10);

  target_.SetScript([](const Request&) { return Answer::Take(); });
  StartHub(config, args);
  ASSERT_TRUE(driver.WaitFinished(kDeadline));
  ASSERT_TRUE(WaitDelivered(driver, kDeadline)) << Check(driver.acknowledged()).Summary();
  DeliveryReport report = Check(driver.acknowledged());
  EXPECT_EQ(report.acknowledged, static_cast<size_t>(driver.total())) << report.Summary();
  EXPECT_EQ(report.delivered, report.acknowledged) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
  EXPECT_EQ(report.key_changes, 0u) << report.Summary();
  EXPECT_EQ(report.out_of_order_keys, 0u) << report.Summary();
}

}  // namespace
}  // namespace erphub::faults
