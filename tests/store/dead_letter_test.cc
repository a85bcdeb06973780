#include "store_test_util.h"

namespace erphub::store {
namespace {

using std::chrono::seconds;

class DeadLetterTest : public StoreTest {
 protected:
  // Claims the only claimable delivery and dead-letters it.
  int64_t KillNext(OnDeadLetter policy, std::string error = "HTTP 422") {
    std::vector<ClaimedDelivery> claimed = Claim(1);
    EXPECT_EQ(claimed.size(), 1u);
    if (claimed.empty()) {
      return 0;
    }
    DeadLetterInfo info;
    info.error = std::move(error);
    info.response_body = R"({"error":"sku unknown"})";
    info.on_dead_letter = policy;
    Status s = store_->DeadLetter(claimed[0].lease, info, AttemptReport{});
    EXPECT_TRUE(s.ok()) << s.ToString();
    return claimed[0].lease.delivery_id;
  }
};

ERPHUB_STORE_BACKENDS(DeadLetterTest);

TEST_P(DeadLetterTest, ContinueLetsTheKeyMoveOn) {
  MessageId first = AcceptOne(Make("orders", "A", R"({"n":1})"));
  AcceptOne(Make("orders", "A", R"({"n":2})"));
  int64_t dead = KillNext(OnDeadLetter::kContinue);
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"n":2})");
  Done(claimed[0]);

  Result<std::vector<DeadLetterEntry>> list = store_->ListDeadLetters({});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const DeadLetterEntry& e = (*list)[0];
  EXPECT_EQ(e.id, dead);
  EXPECT_EQ(e.message_id, first);
  EXPECT_EQ(e.flow, "orders");
  EXPECT_EQ(e.business_key, "A");
  EXPECT_EQ(e.output, "erp");
  EXPECT_EQ(e.failed_at, "erp");
  EXPECT_EQ(e.error, "HTTP 422");
  EXPECT_EQ(e.response_body, R"({"error":"sku unknown"})");
  EXPECT_EQ(e.attempts, 1);
  EXPECT_EQ(e.dead_at, clock_.Now());
  EXPECT_FALSE(e.blocks_key);
}

TEST_P(DeadLetterTest, BlockKeyHoldsLaterMessagesUntilReplay) {
  AcceptOne(Make("orders", "A", R"({"n":1})"));
  AcceptOne(Make("orders", "A", R"({"n":2})"));
  AcceptOne(Make("orders", "B", R"({"n":1})"));
  // Claim A1 only (oldest first), dead-letter it with block_key.
  int64_t dead = KillNext(OnDeadLetter::kBlockKey);
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);  // B1 only; A2 waits
  EXPECT_EQ(claimed[0].message.business_key, "B");
  Done(claimed[0]);
  EXPECT_TRUE(Claim().empty());

  // Edit and replay: the dead one comes first, with a fresh attempt budget, then A2.
  ReplayOptions replay;
  replay.payload = *ParseJson(R"({"n":1,"fixed":true})");
  replay.note = "sku mapping fixed";
  ASSERT_TRUE(store_->Replay(dead, replay).ok());
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].lease.delivery_id, dead);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"n":1,"fixed":true})");
  EXPECT_EQ(claimed[0].attempt, 1);
  EXPECT_EQ(claimed[0].lease.token, 2);
  Done(claimed[0]);
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"n":2})");
  EXPECT_TRUE(store_->ListDeadLetters({})->empty());
}

TEST_P(DeadLetterTest, DiscardNeedsAReasonAndUnblocksTheKey) {
  MessageId first = AcceptOne(Make("orders", "A", R"({"n":1})"));
  AcceptOne(Make("orders", "A", R"({"n":2})"));
  int64_t dead = KillNext(OnDeadLetter::kBlockKey);
  EXPECT_TRUE(Claim().empty());
  EXPECT_EQ(store_->Discard(dead, "").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->Discard(dead, "duplicate order, entered by hand").ok());
  EXPECT_EQ(store_->Discard(dead, "again").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Replay(dead, {}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetDeadLetter(dead).status().code(), StatusCode::kNotFound);
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"n":2})");

  Result<MessageTrace> trace = store_->Trace(first);
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->deliveries[0].state, DeliveryState::kDiscarded);
  EXPECT_EQ(trace->events.back().kind, LineageKind::kDiscarded);
  EXPECT_EQ(trace->events.back().detail, "duplicate order, entered by hand");
}

TEST_P(DeadLetterTest, ShowHasTheMessageAndEveryAttempt) {
  MessageId id = AcceptOne(Make("orders", "A", R"({"n":1})"));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store_->RetryLater(claimed[0].lease, clock_.Now(), "HTTP 503", {}).ok());
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  DeadLetterInfo info;
  info.error = "HTTP 422";
  info.response_body = "unprocessable";
  info.failed_at = "validate";
  ASSERT_TRUE(store_->DeadLetter(claimed[0].lease, info, {}).ok());

  Result<DeadLetterDetail> detail = store_->GetDeadLetter(claimed[0].lease.delivery_id);
  ASSERT_TRUE(detail.ok()) << detail.status().ToString();
  EXPECT_EQ(detail->entry.failed_at, "validate");
  EXPECT_EQ(detail->entry.attempts, 2);
  EXPECT_EQ(detail->message.id, id);
  EXPECT_EQ(ToJson(detail->payload), R"({"n":1})");
  ASSERT_EQ(detail->attempts.size(), 2u);
  EXPECT_EQ(detail->attempts[0].outcome, "retry");
  EXPECT_NE(detail->attempts[0].detail.find("HTTP 503"), std::string::npos);
  EXPECT_EQ(detail->attempts[1].outcome, "dead");
  EXPECT_EQ(detail->attempts[1].detail, "HTTP 422");
  EXPECT_EQ(store_->GetDeadLetter(999).status().code(), StatusCode::kNotFound);
}

TEST_P(DeadLetterTest, ListFiltersAndPages) {
  for (int i = 0; i < 3; ++i) {
    AcceptOne(Make("orders", "", "{}"));
    KillNext(OnDeadLetter::kContinue);
    clock_.Advance(seconds(10));
  }
  AcceptOne(Make("invoices", "", "{}"));
  KillNext(OnDeadLetter::kContinue);

  DeadLetterFilter filter;
  filter.flow = "orders";
  EXPECT_EQ(store_->ListDeadLetters(filter)->size(), 3u);
  filter.limit = 2;
  Result<std::vector<DeadLetterEntry>> page = store_->ListDeadLetters(filter);
  ASSERT_EQ(page->size(), 2u);
  filter.after_id = page->back().id;
  EXPECT_EQ(store_->ListDeadLetters(filter)->size(), 1u);
  DeadLetterFilter recent;
  recent.since = clock_.Now() - seconds(15);
  EXPECT_EQ(store_->ListDeadLetters(recent)->size(), 2u);
}

TEST_P(DeadLetterTest, ReplayBehindANewHeadWaitsItsTurn) {
  AcceptOne(Make("orders", "A", R"({"n":1})"));
  AcceptOne(Make("orders", "A", R"({"n":2})"));
  int64_t dead = KillNext(OnDeadLetter::kContinue);
  std::vector<ClaimedDelivery> second = Claim();
  ASSERT_EQ(second.size(), 1u);
  // A2 is in flight: the replayed A1 must wait, then go before any later message.
  ASSERT_TRUE(store_->Replay(dead, {}).ok());
  AcceptOne(Make("orders", "A", R"({"n":3})"));
  EXPECT_TRUE(Claim().empty());
  Done(second[0]);
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].lease.delivery_id, dead);
  Done(claimed[0]);
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"n":3})");
}

TEST_P(DeadLetterTest, DeadLettersSurviveReopen) {
  AcceptOne(Make("orders", "A", "{}"));
  AcceptOne(Make("orders", "A", "{}"));
  int64_t dead = KillNext(OnDeadLetter::kBlockKey);
  store_.reset();
  Open();
  EXPECT_TRUE(Claim().empty());  // still blocked
  ASSERT_EQ(store_->ListDeadLetters({})->size(), 1u);
  ASSERT_TRUE(store_->Replay(dead, {}).ok());
  EXPECT_EQ(Claim().size(), 1u);
}

}  // namespace
}  // namespace erphub::store
