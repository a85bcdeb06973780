#include "store_test_util.h"

namespace erphub::store {
namespace {

using std::chrono::milliseconds;

TEST_P(StoreTest, TraceShowsReceivedStepsAndEachAttempt) {
  Acceptance a = Make("shop-orders", "1001", R"({"id":1001})");
  a.source = "webhook 10.0.0.7";
  MessageId id = AcceptOne(a);
  LineageEvent validated{LineageKind::kStep, {}, "validate", 0, milliseconds(1), "ok", ""};
  ASSERT_TRUE(store_->RecordLineage(id, std::span<const LineageEvent>(&validated, 1)).ok());

  clock_.Advance(milliseconds(5));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  const Timestamp first_claim = clock_.Now();
  clock_.Advance(milliseconds(30));
  ASSERT_TRUE(store_->RetryLater(claimed[0].lease, clock_.Now(), "connection refused", {}).ok());
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  AttemptReport report;
  report.started_at = clock_.Now();
  report.duration = milliseconds(42);
  report.detail = "HTTP 201";
  ASSERT_TRUE(store_->Complete(claimed[0].lease, report).ok());

  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  ASSERT_EQ(trace->events.size(), 4u);
  const auto& e = trace->events;
  EXPECT_EQ(e[0].kind, LineageKind::kReceived);
  EXPECT_EQ(e[0].detail, "webhook 10.0.0.7");
  EXPECT_EQ(e[0].at, a.message.received_at);
  EXPECT_EQ(e[1].kind, LineageKind::kStep);
  EXPECT_EQ(e[1].name, "validate");
  EXPECT_EQ(e[2].kind, LineageKind::kAttempt);
  EXPECT_EQ(e[2].attempt, 1);
  EXPECT_EQ(e[2].outcome, "retry");
  EXPECT_EQ(e[2].at, first_claim);
  EXPECT_EQ(e[2].duration, milliseconds(30));  // claim to report
  EXPECT_EQ(e[3].attempt, 2);
  EXPECT_EQ(e[3].outcome, "done");
  EXPECT_EQ(e[3].detail, "HTTP 201");
  EXPECT_EQ(e[3].duration, milliseconds(42));
  ASSERT_EQ(trace->deliveries.size(), 1u);
  EXPECT_EQ(trace->deliveries[0].attempts, 2);
  EXPECT_EQ(trace->deliveries[0].finished_at, clock_.Now());
  EXPECT_EQ(trace->accepted_at, a.message.received_at);
  EXPECT_EQ(LineageKindName(e[3].kind), "attempt");
}

TEST_P(StoreTest, TraceIsInTimeOrderThoughAnAttemptIsRecordedWhenItEnds) {
  MessageId id = AcceptOne(Make("shop-orders", "1001", R"({"id":1001})", {"erp"}, "evt-1"));
  clock_.Advance(milliseconds(5));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  const Timestamp started = clock_.Now();
  // The provider sends the webhook again while the delivery is in flight.
  clock_.Advance(milliseconds(100));
  std::vector<Acceptance> repeat = {
      Make("shop-orders", "1001", R"({"id":1001})", {"erp"}, "evt-1")};
  Result<std::vector<Accepted>> again = store_->Accept(repeat);
  ASSERT_TRUE(again.ok() && (*again)[0].duplicate);
  clock_.Advance(milliseconds(400));
  AttemptReport report;
  report.started_at = started;
  report.duration = milliseconds(500);
  ASSERT_TRUE(store_->Complete(claimed[0].lease, report).ok());

  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  std::vector<LineageKind> kinds;
  for (const LineageEvent& e : trace->events) {
    kinds.push_back(e.kind);
  }
  EXPECT_EQ(kinds, (std::vector<LineageKind>{LineageKind::kReceived, LineageKind::kAttempt,
                                             LineageKind::kDuplicate}));
}

TEST_P(StoreTest, FindByBusinessKeyInAcceptanceOrder) {
  MessageId a = AcceptOne(Make("orders", "C-7", "{}"));
  AcceptOne(Make("orders", "C-8", "{}"));
  MessageId b = AcceptOne(Make("customers", "C-7", "{}"));
  MessageId c = AcceptOne(Make("orders", "C-7", "{}"));
  EXPECT_EQ(*store_->FindByBusinessKey("C-7", "", 10), (std::vector<MessageId>{a, b, c}));
  EXPECT_EQ(*store_->FindByBusinessKey("C-7", "orders", 10), (std::vector<MessageId>{a, c}));
  EXPECT_EQ(*store_->FindByBusinessKey("C-7", "", 2), (std::vector<MessageId>{b, c}));
  EXPECT_TRUE(store_->FindByBusinessKey("none", "", 10)->empty());
}

TEST_P(StoreTest, TraceOfAnUnknownIdIsNotFound) {
  EXPECT_EQ(store_->Trace(ids_.Next()).status().code(), StatusCode::kNotFound);
  LineageEvent e;
  EXPECT_EQ(store_->RecordLineage(ids_.Next(), std::span<const LineageEvent>(&e, 1)).code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace erphub::store
