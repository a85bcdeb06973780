#include "engine/backoff.h"

#include <gtest/gtest.h>

#include <set>

namespace erphub::engine {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

RetryPolicy Policy() {
  RetryPolicy policy;
  policy.initial = 1000ms;
  policy.max_delay = 30'000ms;
  policy.max_attempts = 10;
  policy.max_age = 3'600'000ms;
  return policy;
}

// Always draws the largest value (a full ceiling).
class MaxRandom final : public RandomSource {
 public:
  uint64_t NextU64() override { return ~uint64_t{0}; }
};

TEST(BackoffCeilingTest, DoublesFromInitialUpToMaxDelay) {
  const RetryPolicy policy = Policy();
  EXPECT_EQ(BackoffCeiling(policy, 1), 1000ms);
  EXPECT_EQ(BackoffCeiling(policy, 2), 2000ms);
  EXPECT_EQ(BackoffCeiling(policy, 3), 4000ms);
  EXPECT_EQ(BackoffCeiling(policy, 5), 16000ms);
  EXPECT_EQ(BackoffCeiling(policy, 6), 30000ms);
  EXPECT_EQ(BackoffCeiling(policy, 1000), 30000ms);
  EXPECT_EQ(BackoffCeiling(policy, 0), 1000ms);
}

TEST(BackoffCeilingTest, NeverOverflows) {
  RetryPolicy policy = Policy();
  policy.initial = milliseconds(INT64_MAX / 3);
  policy.max_delay = milliseconds(INT64_MAX / 2);
  EXPECT_EQ(BackoffCeiling(policy, 100), milliseconds(INT64_MAX / 2));
}

TEST(FullJitterTest, DrawsUniformlyFromZeroToTheCeiling) {
  SeededRandom random(7);
  std::set<int64_t> seen;
  int low = 0;
  for (int i = 0; i < 10000; ++i) {
    const milliseconds d = FullJitter(100ms, random);
    ASSERT_GE(d, 0ms);
    ASSERT_LE(d, 100ms);
    seen.insert(d.count());
    low += d < 50ms ? 1 : 0;
  }
  // Every value of the range appears and the halves are about even.
  EXPECT_EQ(seen.size(), 101u);
  EXPECT_GT(low, 4500);
  EXPECT_LT(low, 5500);
  EXPECT_EQ(FullJitter(0ms, random), 0ms);
}

TEST(FullJitterTest, IsReproducibleFromTheSeed) {
  SeededRandom a(99);
  SeededRandom b(99);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(FullJitter(60'000ms, a), FullJitter(60'000ms, b));
  }
}

TEST(DecideRetryTest, RetriesWithinTheJitteredCeiling) {
  FakeClock clock;
  SeededRandom random(1);
  const Timestamp now = clock.Now();
  for (int attempt = 1; attempt < 10; ++attempt) {
    RetryDecision d = DecideRetry(Policy(), attempt, now, now, std::nullopt, random);
    ASSERT_TRUE(d.retry) << attempt;
    EXPECT_LE(d.delay, BackoffCeiling(Policy(), attempt));
    EXPECT_EQ(d.not_before, now + d.delay);
  }
}

TEST(DecideRetryTest, TheCeilingIsReachedWithTheLargestDraw) {
  FakeClock clock;
  MaxRandom random;
  const Timestamp now = clock.Now();
  // ~0 % (ceiling + 1) is not the ceiling in general; the draw stays inside the range.
  RetryDecision d = DecideRetry(Policy(), 3, now, now, std::nullopt, random);
  EXPECT_TRUE(d.retry);
  EXPECT_LE(d.delay, 4000ms);
}

TEST(DecideRetryTest, GivesUpAtMaxAttempts) {
  FakeClock clock;
  SeededRandom random(1);
  RetryDecision d = DecideRetry(Policy(), 10, clock.Now(), clock.Now(), std::nullopt, random);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.reason, "10 attempts, the flow's max_attempts");
  RetryPolicy once = Policy();
  once.max_attempts = 1;
  d = DecideRetry(once, 1, clock.Now(), clock.Now(), std::nullopt, random);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.reason, "1 attempt, the flow's max_attempts");
}

TEST(DecideRetryTest, RetryAfterIsALowerBoundEvenPastMaxDelay) {
  FakeClock clock;
  SeededRandom random(1);
  const Timestamp now = clock.Now();
  RetryDecision d = DecideRetry(Policy(), 1, now, now, 120'000ms, random);
  ASSERT_TRUE(d.retry);
  EXPECT_EQ(d.delay, 120'000ms);
  EXPECT_EQ(d.not_before, now + 120'000ms);
  // A shorter Retry-After than the draw leaves the draw.
  MaxRandom max;
  RetryPolicy policy = Policy();
  policy.initial = 10'000ms;
  d = DecideRetry(policy, 1, now, now, 1ms, max);
  ASSERT_TRUE(d.retry);
  EXPECT_GE(d.delay, 1ms);
  EXPECT_LE(d.delay, 10'000ms);
}

TEST(DecideRetryTest, MaxAgeEndsRetrying) {
  FakeClock clock;
  SeededRandom random(1);
  const Timestamp since = clock.Now();
  RetryPolicy policy = Policy();
  policy.max_age = 10'000ms;

  // Past the max age: give up.
  clock.Advance(10'000ms);
  RetryDecision d = DecideRetry(policy, 2, since, clock.Now(), std::nullopt, random);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.reason, "older than the flow's max_age of 10s");

  // A draw reaching past the max age is cut to end there: one last attempt.
  FakeClock late;
  late.Set(since + 9'999ms);
  MaxRandom max;
  policy.initial = 5'000ms;
  d = DecideRetry(policy, 1, since, late.Now(), std::nullopt, max);
  ASSERT_TRUE(d.retry);
  EXPECT_LE(d.not_before, since + 10'000ms);

  // A Retry-After reaching past it gives up: the target said not earlier.
  d = DecideRetry(policy, 1, since, late.Now(), 5'000ms, random);
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.reason.find("asked to wait 5s"), std::string::npos) << d.reason;
}

}  // namespace
}  // namespace erphub::engine
