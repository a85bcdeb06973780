// A follow-up attempted before it was stored (the flow's output run right after its steps) is
// stored as that attempt left it: done, waiting for its retry, or dead-lettered.

#include "store_test_util.h"

namespace erphub::store {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

class AttemptedFollowUpTest : public StoreTest {
 protected:
  // Accepts a message of key `key` for the steps and claims its steps delivery.
  ClaimedDelivery AcceptAndClaimSteps(const std::string& key) {
    AcceptOne(Make("f", key, R"({"raw":1})", {"@steps"}));
    std::vector<ClaimedDelivery> claimed = Claim();
    EXPECT_EQ(claimed.size(), 1u);
    return claimed.empty() ? ClaimedDelivery() : claimed[0];
  }

  // Completes the steps with one follow-up to erp, attempted once with `result`.
  Status CompleteWithAttempt(const ClaimedDelivery& steps, FollowUpAttempt attempt) {
    attempt.report.started_at = clock_.Now();
    attempt.report.duration = microseconds(1200);
    FollowUp erp{"erp", *ParseJson(R"({"canonical":1})"), std::move(attempt)};
    return store_->Complete(steps.lease, AttemptReport{}, std::span<const FollowUp>(&erp, 1));
  }

  bool Busy(std::string_view output, std::string_view key) {
    Result<bool> busy = store_->LaneBusy("f", output, key);
    EXPECT_TRUE(busy.ok()) << busy.status().ToString();
    return busy.ok() && *busy;
  }

  // The erp delivery and the lineage event of its first attempt.
  std::pair<DeliveryInfo, LineageEvent> ErpOf(const MessageId& id) {
    Result<MessageTrace> trace = store_->Trace(id);
    EXPECT_TRUE(trace.ok()) << trace.status().ToString();
    std::pair<DeliveryInfo, LineageEvent> found;
    if (trace.ok()) {
      for (const DeliveryInfo& d : trace->deliveries) {
        if (d.output == "erp") {
          found.first = d;
        }
      }
      for (const LineageEvent& e : trace->events) {
        if (e.kind == LineageKind::kAttempt && e.name == "erp" && e.attempt == 1) {
          found.second = e;
        }
      }
    }
    return found;
  }
};

TEST_P(AttemptedFollowUpTest, ADeliveredFollowUpIsStoredDone) {
  ClaimedDelivery steps = AcceptAndClaimSteps("A");
  EXPECT_FALSE(Busy("erp", "A"));
  FollowUpAttempt attempt;
  attempt.report.detail = "HTTP 201";
  ASSERT_TRUE(CompleteWithAttempt(steps, attempt).ok());

  EXPECT_TRUE(Claim().empty());
  auto [erp, event] = ErpOf(steps.message.id);
  EXPECT_EQ(erp.state, DeliveryState::kDone);
  EXPECT_EQ(erp.attempts, 1);
  EXPECT_TRUE(erp.finished_at.has_value());
  EXPECT_EQ(event.outcome, "done");
  EXPECT_EQ(event.detail, "HTTP 201");
  EXPECT_EQ(event.duration, microseconds(1200));
  // It holds nothing back: the key's next message goes at once.
  EXPECT_FALSE(Busy("erp", "A"));
  AcceptOne(Make("f", "A", R"({"raw":2})"));
  EXPECT_EQ(Claim().size(), 1u);
}

TEST_P(AttemptedFollowUpTest, AFailedFollowUpWaitsForItsRetryAheadOfItsKey) {
  ClaimedDelivery steps = AcceptAndClaimSteps("A");
  FollowUpAttempt attempt;
  attempt.result = FollowUpAttempt::Result::kRetry;
  attempt.not_before = clock_.Now() + seconds(10);
  attempt.error = "HTTP 503";
  ASSERT_TRUE(CompleteWithAttempt(steps, attempt).ok());

  EXPECT_TRUE(Busy("erp", "A"));
  auto [erp, event] = ErpOf(steps.message.id);
  EXPECT_EQ(erp.state, DeliveryState::kReady);
  EXPECT_EQ(erp.last_error, "HTTP 503");
  EXPECT_EQ(event.outcome, "retry");
  EXPECT_NE(event.detail.find("next attempt at"), std::string::npos) << event.detail;
  MessageId later = AcceptOne(Make("f", "A", R"({"raw":2})"));
  EXPECT_TRUE(Claim().empty());  // the retry is not due; the later message waits behind it

  clock_.Advance(seconds(11));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].message.id, steps.message.id);
  EXPECT_EQ(claimed[0].attempt, 2);
  EXPECT_EQ(claimed[0].last_error, "HTTP 503");
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"canonical":1})");
  Done(claimed[0]);
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].message.id, later);
}

TEST_P(AttemptedFollowUpTest, ARefusedFollowUpIsADeadLetterWithTheTargetsAnswer) {
  ClaimedDelivery steps = AcceptAndClaimSteps("A");
  FollowUpAttempt attempt;
  attempt.result = FollowUpAttempt::Result::kDead;
  attempt.dead.error = "HTTP 422";
  attempt.dead.response_body = R"({"error":"unknown sku"})";
  ASSERT_TRUE(CompleteWithAttempt(steps, attempt).ok());

  Result<std::vector<DeadLetterEntry>> dead = store_->ListDeadLetters(DeadLetterFilter{});
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].message_id, steps.message.id);
  EXPECT_EQ((*dead)[0].output, "erp");
  EXPECT_EQ((*dead)[0].failed_at, "erp");
  EXPECT_EQ((*dead)[0].error, "HTTP 422");
  EXPECT_EQ((*dead)[0].response_body, R"({"error":"unknown sku"})");
  EXPECT_EQ((*dead)[0].attempts, 1);
  EXPECT_FALSE((*dead)[0].blocks_key);
  EXPECT_EQ(ErpOf(steps.message.id).second.outcome, "dead");
  EXPECT_FALSE(Busy("erp", "A"));
}

TEST_P(AttemptedFollowUpTest, ARefusedFollowUpOfABlockingFlowHoldsItsKey) {
  ClaimedDelivery steps = AcceptAndClaimSteps("A");
  FollowUpAttempt attempt;
  attempt.result = FollowUpAttempt::Result::kDead;
  attempt.dead.error = "HTTP 422";
  attempt.dead.on_dead_letter = OnDeadLetter::kBlockKey;
  ASSERT_TRUE(CompleteWithAttempt(steps, attempt).ok());

  EXPECT_TRUE(Busy("erp", "A"));
  AcceptOne(Make("f", "A", R"({"raw":2})"));
  EXPECT_TRUE(Claim().empty());
}

TEST_P(AttemptedFollowUpTest, LaneBusyTellsWhetherADeliveryWouldWait) {
  EXPECT_FALSE(Busy("erp", "A"));
  AcceptOne(Make("f", "A", R"({"n":1})"));
  EXPECT_TRUE(Busy("erp", "A"));   // ready
  EXPECT_FALSE(Busy("erp", "B"));  // another key
  EXPECT_FALSE(Busy("crm", "A"));  // another output
  AcceptOne(Make("f", "", R"({"n":1})"));
  EXPECT_FALSE(Busy("erp", ""));  // unordered: never waits
  std::vector<ClaimedDelivery> claimed = Claim(1);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(Busy("erp", "A"));  // in flight
  Done(claimed[0]);
  EXPECT_FALSE(Busy("erp", "A"));
}

ERPHUB_STORE_BACKENDS(AttemptedFollowUpTest);

}  // namespace
}  // namespace erphub::store
