// Case 3 of the fault suite, second half: after `failures` consecutive transient failures the
// output's circuit breaker opens and the target is left alone (one probe per cool-down) instead
// of being hammered by every retry falling due; once the target is back, a probe closes the
// breaker and the backlog is delivered.

#include <cstdio>

#include "faults/fault_harness.h"

namespace erphub::faults {
namespace {

constexpr char kState[] = R"(erphub_circuit_state{flow="orders",output="http"})";
constexpr char kOpened[] = R"(erphub_circuit_opened_total{flow="orders",output="http"})";

TEST_F(FaultTest, CircuitOpensAfterConsecutiveFailuresAndClosesAfterRecovery) {
  constexpr int kMessages = 10;
  target_.SetScript([](const Request&) { return Answer::Status(503); });
  FlowOptions flow;
  flow.map_step = false;
  // Without the breaker these retries would reach the target every few milliseconds.
  flow.retry = "{initial: 10ms, max_delay: 20ms, max_attempts: 100000, max_age: 1h}";
  flow.circuit_breaker = "{failures: 3, cool_down: 1s}";
  StartHub(WriteConfig(flow), {"--workers", "2"});
  WebhookDriver driver(Driver(kMessages, 1));
  driver.Start();
  ASSERT_TRUE(driver.WaitFinished(kDeadline));

  ASSERT_TRUE(integration::WaitUntil([&] { return Metric(kOpened).value_or(0) >= 1; }, kDeadline));
  size_t at_first_open = target_.request_count();
  // Three more openings: three probes failed, a cool-down apart.
  ASSERT_TRUE(integration::WaitUntil([&] { return Metric(kOpened).value_or(0) >= 4; }, kDeadline));
  double opened = Metric(kOpened).value_or(0);
  size_t while_open = target_.request_count() - at_first_open;
  std::printf(
      "FAULT-FIGURES case3 requests_before_open=%zu requests_while_paused=%zu openings=%.0f\n",
      at_first_open, while_open, opened);
  // One probe per opening, plus the deliveries already claimed when the breaker first opened.
  EXPECT_LE(while_open, static_cast<size_t>(opened) + kMessages);

  target_.SetScript([](const Request&) { return Answer::Take(); });
  ASSERT_TRUE(WaitDelivered(driver, kDeadline));
  ASSERT_TRUE(integration::WaitUntil([&] { return Metric(kState).value_or(-1) == 0; }, kDeadline));
  DeliveryReport report = Check(driver.acknowledged());
  EXPECT_EQ(report.delivered, report.acknowledged) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
}

}  // namespace
}  // namespace erphub::faults
