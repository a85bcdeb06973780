#include "engine/circuit_breaker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace erphub::engine {
namespace {

using namespace std::chrono_literals;
using Admission = CircuitBreaker::Admission;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker Make(int failures = 3, std::chrono::milliseconds cool_down = 30s) {
    return CircuitBreaker(CircuitBreakerPolicy{failures, cool_down}, clock_,
                          [this](CircuitState from, CircuitState to) {
                            changes_.push_back(std::string(CircuitStateName(from)) + "->" +
                                               std::string(CircuitStateName(to)));
                          });
  }

  FakeClock clock_;
  std::vector<std::string> changes_;
};

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveTransientFailuresOnly) {
  CircuitBreaker breaker = Make(3);
  breaker.RecordTransientFailure();
  breaker.RecordTransientFailure();
  breaker.RecordSuccess();  // the count starts over
  breaker.RecordTransientFailure();
  breaker.RecordTransientFailure();
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  EXPECT_EQ(breaker.Admit(), Admission::kAll);
  breaker.RecordTransientFailure();
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
  EXPECT_EQ(breaker.consecutive_failures(), 3);
  EXPECT_EQ(breaker.opened_at(), clock_.Now());
  EXPECT_EQ(breaker.probe_due(), clock_.Now() + 30s);
  EXPECT_EQ(changes_, std::vector<std::string>{"closed->open"});
}

TEST_F(CircuitBreakerTest, PausesForTheCoolDownThenLetsOneProbeThrough) {
  CircuitBreaker breaker = Make(1, 10s);
  breaker.RecordTransientFailure();
  EXPECT_EQ(breaker.Admit(), Admission::kNone);
  clock_.Advance(9999ms);
  EXPECT_EQ(breaker.Admit(), Admission::kNone);
  clock_.Advance(1ms);
  EXPECT_EQ(breaker.Admit(), Admission::kProbe);
  EXPECT_EQ(breaker.state(), CircuitState::kHalfOpen);
  // Asked again before the claim: still the probe.
  EXPECT_EQ(breaker.Admit(), Admission::kProbe);
  breaker.ProbeClaimed(true);
  EXPECT_EQ(breaker.Admit(), Admission::kNone);
  breaker.RecordSuccess();
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  EXPECT_EQ(breaker.Admit(), Admission::kAll);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
  EXPECT_EQ(changes_,
            (std::vector<std::string>{"closed->open", "open->half_open", "half_open->closed"}));
}

TEST_F(CircuitBreakerTest, AFailedProbeReopensForAnotherCoolDown) {
  CircuitBreaker breaker = Make(2, 5s);
  breaker.RecordTransientFailure();
  breaker.RecordTransientFailure();
  clock_.Advance(5s);
  ASSERT_EQ(breaker.Admit(), Admission::kProbe);
  breaker.ProbeClaimed(true);
  clock_.Advance(1s);
  breaker.RecordTransientFailure();
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
  EXPECT_EQ(breaker.opened_at(), clock_.Now());
  clock_.Advance(4s);
  EXPECT_EQ(breaker.Admit(), Admission::kNone);
  clock_.Advance(1s);
  EXPECT_EQ(breaker.Admit(), Admission::kProbe);
}

TEST_F(CircuitBreakerTest, NothingToProbeWithOffersTheProbeAgain) {
  CircuitBreaker breaker = Make(1, 1s);
  breaker.RecordTransientFailure();
  clock_.Advance(1s);
  ASSERT_EQ(breaker.Admit(), Admission::kProbe);
  breaker.ProbeClaimed(false);
  EXPECT_EQ(breaker.Admit(), Admission::kProbe);
}

TEST_F(CircuitBreakerTest, AProbeWhoseOutcomeNeverComesIsReplacedAfterACoolDown) {
  CircuitBreaker breaker = Make(1, 2s);
  breaker.RecordTransientFailure();
  clock_.Advance(2s);
  ASSERT_EQ(breaker.Admit(), Admission::kProbe);
  breaker.ProbeClaimed(true);
  clock_.Advance(1999ms);
  EXPECT_EQ(breaker.Admit(), Admission::kNone);
  clock_.Advance(1ms);
  EXPECT_EQ(breaker.Admit(), Admission::kProbe);
}

TEST_F(CircuitBreakerTest, LateFailuresWhileOpenDoNotExtendTheCoolDown) {
  CircuitBreaker breaker = Make(1, 10s);
  breaker.RecordTransientFailure();
  const Timestamp opened = breaker.opened_at();
  clock_.Advance(5s);
  breaker.RecordTransientFailure();  // a delivery claimed before it opened
  EXPECT_EQ(breaker.opened_at(), opened);
  clock_.Advance(5s);
  EXPECT_EQ(breaker.Admit(), Admission::kProbe);
  EXPECT_EQ(changes_, (std::vector<std::string>{"closed->open", "open->half_open"}));
}

TEST_F(CircuitBreakerTest, ZeroFailuresTurnsTheBreakerOff) {
  CircuitBreaker breaker = Make(0);
  EXPECT_FALSE(breaker.enabled());
  for (int i = 0; i < 100; ++i) {
    breaker.RecordTransientFailure();
  }
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  EXPECT_EQ(breaker.Admit(), Admission::kAll);
  EXPECT_TRUE(changes_.empty());
}

}  // namespace
}  // namespace erphub::engine
