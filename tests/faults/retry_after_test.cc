// Case 3 of the fault suite: a target answering 503 with Retry-After: 2 gets no new attempt for
// that message before 2 seconds have passed, although the flow's own backoff is far shorter.

#include <map>

#include "faults/fault_harness.h"

namespace erphub::faults {
namespace {

TEST_F(FaultTest, RetryAfterIsALowerBoundForTheNextAttempt) {
  constexpr int kMessages = 4;
  // The first attempt of each message is answered 503 with Retry-After: 2; later ones taken.
  target_.SetScript([seen = std::make_shared<std::map<std::string, int>>()](const Request& r) {
    return (*seen)[r.idempotency_key]++ == 0 ? Answer::Status(503, 2) : Answer::Take();
  });
  FlowOptions flow;
  flow.map_step = false;
  flow.retry = "{initial: 10ms, max_delay: 50ms, max_attempts: 100, max_age: 1h}";
  StartHub(WriteConfig(flow));
  WebhookDriver driver(Driver(kMessages, 1));
  driver.Start();
  ASSERT_TRUE(driver.WaitFinished(kDeadline));
  ASSERT_TRUE(WaitDelivered(driver, kDeadline));

  std::map<std::string, std::vector<SteadyTime>> attempts;
  for (const Request& request : target_.requests()) {
    attempts[request.idempotency_key].push_back(request.at);
  }
  ASSERT_EQ(attempts.size(), static_cast<size_t>(kMessages));
  for (const auto& [key, times] : attempts) {
    ASSERT_EQ(times.size(), 2u) << key;
    auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(times[1] - times[0]);
    std::printf("%s: second attempt %lld ms after the first\n", key.c_str(),
                static_cast<long long>(gap.count()));
    EXPECT_GE(times[1] - times[0], std::chrono::seconds(2)) << key;
  }
}

}  // namespace
}  // namespace erphub::faults
