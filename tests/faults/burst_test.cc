// Case 4 of the fault suite: a burst far above what the target takes fills the flow's bounded
// backlog; past it the webhook answers 503 with Retry-After, the hub's memory stays bounded, and
// every message it accepted is delivered once.

#include <cstdio>

#include "faults/fault_harness.h"

namespace erphub::faults {
namespace {

TEST_F(FaultTest, BurstAboveTheTargetsRateIsRefusedAtTheEdgeWithBoundedMemory) {
  const int64_t messages = EnvInt("FAULT_BURST_MESSAGES", 4000);
  constexpr int kPerKey = 2;
  // The target takes about 4 workers / 20 ms = 200 messages a second.
  target_.SetScript([](const Request&) { return Answer::Slow(std::chrono::milliseconds(20)); });
  FlowOptions flow;
  flow.map_step = false;
  StartHub(WriteConfig(flow), {"--workers", "4", "--max-backlog", "500"});
  int64_t idle_rss = PeakRssKib();

  DriverOptions options = Driver(static_cast<int>(messages / kPerKey), kPerKey);
  options.threads = 32;
  options.retry_until_acknowledged = false;  // a refusal is final: the burst takes its 503s
  options.pad_bytes = 4000;
  WebhookDriver driver(options);
  auto started = std::chrono::steady_clock::now();
  driver.Start();
  ASSERT_TRUE(driver.WaitFinished(kDeadline * 2));
  double burst_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(WaitDelivered(driver, kDeadline * 2));
  ASSERT_TRUE(WaitHubIdle(kDeadline));
  int64_t peak_rss = PeakRssKib();

  DriverCounts counts = driver.counts();
  DeliveryReport report = Check(driver.acknowledged());
  std::printf(
      "FAULT-FIGURES case4 sent=%lld accepted=%lld refused_503=%lld other=%lld no_answer=%lld "
      "burst_seconds=%.1f delivered=%zu duplicated=%zu peak_rss_kib=%lld idle_rss_kib=%lld\n",
      static_cast<long long>(counts.requests), static_cast<long long>(counts.accepted),
      static_cast<long long>(counts.refused), static_cast<long long>(counts.other),
      static_cast<long long>(counts.no_answer), burst_seconds, report.delivered, report.duplicated,
      static_cast<long long>(peak_rss), static_cast<long long>(idle_rss));
  RecordProperty("peak_rss_kib", static_cast<int>(peak_rss));
  EXPECT_GT(counts.refused, 0) << "the burst never reached the backlog bound";
  EXPECT_FALSE(counts.refusal_retry_after.empty()) << counts.refusal_body;
  EXPECT_GT(counts.accepted, 0);
  EXPECT_EQ(counts.other + counts.no_answer, 0);
  EXPECT_EQ(report.delivered, report.acknowledged) << report.Summary();
  EXPECT_EQ(report.duplicated, 0u) << report.Summary();
  EXPECT_EQ(report.out_of_order_keys, 0u) << report.Summary();
#if !defined(__SANITIZE_ADDRESS__)
  // Bounded by the backlog bound, not by the burst (AddressSanitizer's shadow memory and
  // quarantine make the figure meaningless there).
  EXPECT_LT(peak_rss, 256 * 1024) << "peak RSS in KiB";
#endif
}

}  // namespace
}  // namespace erphub::faults
