#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "store_test_util.h"

namespace erphub::store {
namespace {

using std::chrono::seconds;

TEST_P(StoreTest, ClaimLeasesADeliveryWithItsMessage) {
  MessageId id = AcceptOne(Make("shop-orders", "42", R"({"total":"18.90"})"));
  std::vector<ClaimedDelivery> claimed = Claim(10, "node-a", seconds(30));
  ASSERT_EQ(claimed.size(), 1u);
  const ClaimedDelivery& d = claimed[0];
  EXPECT_EQ(d.message.id, id);
  EXPECT_EQ(d.message.flow, "shop-orders");
  EXPECT_EQ(d.message.business_key, "42");
  EXPECT_EQ(d.message.attempts, 1);
  EXPECT_EQ(d.attempt, 1);
  EXPECT_EQ(d.output, "erp");
  EXPECT_EQ(ToJson(d.payload), R"({"total":"18.90"})");
  EXPECT_EQ(d.idempotency_key, IdempotencyKey("shop-orders", id, "erp"));
  EXPECT_EQ(d.lease.owner, "node-a");
  EXPECT_EQ(d.lease.expires_at, clock_.Now() + seconds(30));
  EXPECT_TRUE(Claim().empty());  // leased, not claimable twice
  Done(d);
  EXPECT_TRUE(Claim().empty());
  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->deliveries[0].state, DeliveryState::kDone);
}

TEST_P(StoreTest, OneKeyIsWorkedInAcceptanceOrderOneAtATime) {
  AcceptOne(Make("f", "A", R"({"n":1})"));
  AcceptOne(Make("f", "B", R"({"n":1})"));
  AcceptOne(Make("f", "A", R"({"n":2})"));
  AcceptOne(Make("f", "", R"({"n":1})"));
  AcceptOne(Make("f", "", R"({"n":2})"));
  std::vector<ClaimedDelivery> claimed = Claim(10);
  // A1, B1 and both unkeyed messages; A2 waits for A1.
  ASSERT_EQ(claimed.size(), 4u);
  const ClaimedDelivery* a1 = nullptr;
  for (const auto& d : claimed) {
    EXPECT_FALSE(d.message.business_key == "A" && ToJson(d.payload) == R"({"n":2})");
    if (d.message.business_key == "A") {
      a1 = &d;
    }
  }
  ASSERT_NE(a1, nullptr);
  Done(*a1);
  claimed = Claim(10);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"n":2})");
}

TEST_P(StoreTest, OutputsOfOneKeyAreSeparateLanes) {
  AcceptOne(Make("f", "A", R"({"n":1})", {"erp", "archive"}));
  AcceptOne(Make("f", "A", R"({"n":2})", {"erp", "archive"}));
  std::vector<ClaimedDelivery> claimed = Claim(10);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_NE(claimed[0].output, claimed[1].output);
  EXPECT_NE(claimed[0].idempotency_key, claimed[1].idempotency_key);
  for (const auto& d : claimed) {
    EXPECT_EQ(ToJson(d.payload), R"({"n":1})");
  }
}

// Several threads claim concurrently; per key, deliveries arrive strictly in acceptance order
// and never two at once, also when some attempts are retried.
TEST_P(StoreTest, PerKeyOrderHoldsUnderConcurrentClaimers) {
  constexpr int kKeys = 12;
  constexpr int kPerKey = 25;
  std::vector<Acceptance> batch;
  for (int n = 0; n < kPerKey; ++n) {
    for (int k = 0; k < kKeys; ++k) {
      batch.push_back(Make("f", "key-" + std::to_string(k),
                           R"({"k":)" + std::to_string(k) + R"(,"n":)" + std::to_string(n) + "}"));
    }
    if (batch.size() >= 50) {
      ASSERT_TRUE(store_->Accept(batch).ok());
      batch.clear();
    }
  }
  ASSERT_TRUE(store_->Accept(batch).ok());

  std::mutex mu;
  std::map<int, int> next_expected;  // key -> next n
  std::set<int> in_flight;
  std::atomic<int> done{0};
  std::atomic<int> retries{0};
  std::vector<std::string> failures;
  auto worker = [&](int w) {
    SeededRandom dice(w);
    while (done.load() < kKeys * kPerKey) {
      ClaimOptions options;
      options.owner = "worker-" + std::to_string(w);
      options.limit = 3;
      Result<std::vector<ClaimedDelivery>> claimed = store_->ClaimDeliveries(options);
      if (!claimed.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        failures.push_back(claimed.status().ToString());
        return;
      }
      for (const ClaimedDelivery& d : *claimed) {
        const int k = static_cast<int>(d.payload.Get("k").as_number().ToDouble());
        const int n = static_cast<int>(d.payload.Get("n").as_number().ToDouble());
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!in_flight.insert(k).second) {
            failures.push_back("key " + std::to_string(k) + " claimed twice at once");
          }
          if (next_expected[k] != n) {
            failures.push_back("key " + std::to_string(k) + ": got " + std::to_string(n) +
                               ", expected " + std::to_string(next_expected[k]));
          }
        }
        const bool retry = dice.NextU64() % 4 == 0;
        {
          std::lock_guard<std::mutex> lock(mu);
          in_flight.erase(k);
          if (!retry) {
            next_expected[k] = n + 1;
          }
        }
        Status s = retry ? store_->RetryLater(d.lease, clock_.Now(), "503", AttemptReport{})
                         : store_->Complete(d.lease, AttemptReport{});
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(s.ToString());
        }
        (retry ? retries : done).fetch_add(1);
      }
      if (claimed->empty()) {
        store_->AwaitWork(store_->WorkGeneration(), std::chrono::milliseconds(5));
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back(worker, w);
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& f : failures) {
    ADD_FAILURE() << f;
  }
  EXPECT_EQ(done.load(), kKeys * kPerKey);
  EXPECT_GT(retries.load(), 0);
  for (int k = 0; k < kKeys; ++k) {
    EXPECT_EQ(next_expected[k], kPerKey);
  }
}

TEST_P(StoreTest, ExpiredLeaseReturnsWorkToAnotherClaimer) {
  MessageId id = AcceptOne(Make("f", "A", "{}"));
  AcceptOne(Make("f", "A", R"({"second":true})"));
  std::vector<ClaimedDelivery> first = Claim(10, "node-a", seconds(10));
  ASSERT_EQ(first.size(), 1u);
  clock_.Advance(seconds(9));
  EXPECT_TRUE(Claim(10, "node-b").empty());
  clock_.Advance(seconds(2));
  std::vector<ClaimedDelivery> second = Claim(10, "node-b", seconds(10));
  ASSERT_EQ(second.size(), 1u);  // the same delivery, not the next one of the key
  EXPECT_EQ(second[0].message.id, id);
  EXPECT_EQ(second[0].attempt, 2);
  EXPECT_NE(second[0].lease.token, first[0].lease.token);
  EXPECT_NE(second[0].last_error.find("lease held by node-a expired"), std::string::npos);
  EXPECT_EQ(second[0].idempotency_key, first[0].idempotency_key);

  // The old owner's late report is fenced off.
  Status late = store_->Complete(first[0].lease, AttemptReport{});
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RenewLease(first[0].lease, seconds(10)).status().code(),
            StatusCode::kFailedPrecondition);
  Done(second[0]);

  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok());
  std::vector<std::string> outcomes;
  for (const auto& e : trace->events) {
    if (e.kind == LineageKind::kAttempt) {
      outcomes.push_back(std::to_string(e.attempt) + ":" + e.outcome);
    }
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"1:lease expired", "2:done"}));
}

TEST_P(StoreTest, RenewedLeaseDoesNotExpire) {
  AcceptOne(Make("f", "A", "{}"));
  std::vector<ClaimedDelivery> claimed = Claim(10, "node-a", seconds(10));
  ASSERT_EQ(claimed.size(), 1u);
  clock_.Advance(seconds(8));
  Result<Lease> renewed = store_->RenewLease(claimed[0].lease, seconds(10));
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_EQ(renewed->expires_at, clock_.Now() + seconds(10));
  clock_.Advance(seconds(8));
  EXPECT_TRUE(Claim(10, "node-b").empty());
  EXPECT_TRUE(store_->Complete(*renewed, AttemptReport{}).ok());
}

TEST_P(StoreTest, RetryWaitsForNotBeforeAndKeepsTheKeyBlocked) {
  MessageId id = AcceptOne(Make("f", "A", R"({"n":1})"));
  AcceptOne(Make("f", "A", R"({"n":2})"));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  const Timestamp retry_at = clock_.Now() + seconds(5);
  AttemptReport report;
  report.detail = "HTTP 503";
  report.duration = std::chrono::milliseconds(120);
  ASSERT_TRUE(store_->RetryLater(claimed[0].lease, retry_at, "service unavailable", report).ok());
  EXPECT_TRUE(Claim().empty());  // neither the retry (not yet due) nor A2 (behind it)
  clock_.Advance(seconds(4));
  EXPECT_TRUE(Claim().empty());
  clock_.Advance(seconds(1));
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].message.id, id);
  EXPECT_EQ(claimed[0].attempt, 2);
  EXPECT_EQ(claimed[0].last_error, "service unavailable");
  Result<std::vector<FlowBacklog>> backlog = store_->Backlog();
  ASSERT_TRUE(backlog.ok());
  Done(claimed[0]);
  claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"n":2})");

  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok());
  const LineageEvent& retry = trace->events[1];
  EXPECT_EQ(retry.kind, LineageKind::kAttempt);
  EXPECT_EQ(retry.outcome, "retry");
  EXPECT_EQ(retry.duration, std::chrono::milliseconds(120));
  EXPECT_EQ(retry.detail,
            "HTTP 503: service unavailable (next attempt at " + FormatUtc(retry_at) + ")");
}

TEST_P(StoreTest, RetryingDeliveriesCountInTheBacklog) {
  AcceptOne(Make("f", "A", "{}"));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store_->RetryLater(claimed[0].lease, clock_.Now() + seconds(60), "timeout", {}).ok());
  Result<std::vector<FlowBacklog>> backlog = store_->Backlog();
  ASSERT_TRUE(backlog.ok());
  ASSERT_EQ(backlog->size(), 1u);
  EXPECT_EQ((*backlog)[0].ready, 1);
  EXPECT_EQ((*backlog)[0].retrying, 1);
}

TEST_P(StoreTest, FollowUpsFanOutWithTheirOwnPayloads) {
  MessageId id = AcceptOne(Make("f", "A", R"({"raw":1})", {"@steps"}));
  AcceptOne(Make("f", "A", R"({"raw":2})", {"@steps"}));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].output, "@steps");
  std::vector<FollowUp> follow_ups = {{"erp", *ParseJson(R"({"canonical":1})")},
                                      {"archive", Value()}};
  AttemptReport report;
  report.events.push_back(
      LineageEvent{LineageKind::kStep, {}, "map", 0, std::chrono::microseconds(250), "ok", ""});
  ASSERT_TRUE(store_->Complete(claimed[0].lease, report, follow_ups).ok());

  claimed = Claim();
  // erp and archive of message 1, and the steps of message 2.
  ASSERT_EQ(claimed.size(), 3u);
  std::map<std::string, std::string> payloads;
  std::map<std::string, std::string> message_payloads;
  for (const auto& d : claimed) {
    payloads[d.output + "/" + d.message.id.ToString()] = ToJson(d.payload);
    message_payloads[d.output + "/" + d.message.id.ToString()] = ToJson(d.message.payload);
  }
  EXPECT_EQ(payloads["erp/" + id.ToString()], R"({"canonical":1})");
  EXPECT_EQ(payloads["archive/" + id.ToString()], R"({"raw":1})");
  // The message's own payload is read only where the delivery works on it.
  EXPECT_EQ(message_payloads["erp/" + id.ToString()], "");
  EXPECT_EQ(message_payloads["archive/" + id.ToString()], R"({"raw":1})");

  // A follow-up to an output the message already has is refused, and nothing changes.
  const ClaimedDelivery& erp = claimed[0].output == "erp"   ? claimed[0]
                               : claimed[1].output == "erp" ? claimed[1]
                                                            : claimed[2];
  FollowUp again{"archive", Value()};
  EXPECT_EQ(store_->Complete(erp.lease, {}, std::span<const FollowUp>(&again, 1)).code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(store_->Complete(erp.lease, {}).ok());

  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok());
  ASSERT_EQ(trace->deliveries.size(), 3u);
  EXPECT_EQ(trace->events[1].kind, LineageKind::kStep);
  EXPECT_EQ(trace->events[1].name, "map");
  EXPECT_EQ(trace->events[2].name, "@steps");
  EXPECT_EQ(trace->events[2].outcome, "done");
}

// The outputs of each claimed delivery, as "flow/output", in claim order.
std::vector<std::string> Claimed(const Result<std::vector<ClaimedDelivery>>& claimed) {
  EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
  std::vector<std::string> names;
  if (claimed.ok()) {
    for (const ClaimedDelivery& d : *claimed) {
      names.push_back(d.message.flow + "/" + d.output);
    }
  }
  return names;
}

using Names = std::vector<std::string>;

TEST_P(StoreTest, CompleteAndClaimLeasesTheFollowUpsTheNextClaimWouldTake) {
  // erp's lane of key A is busy, so the follow-up to erp queues behind it.
  AcceptOne(Make("f", "A", R"({"first":1})", {"erp"}));
  MessageId id = AcceptOne(Make("f", "A", R"({"raw":1})", {"@steps"}));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 2u);
  const ClaimedDelivery& first_erp = claimed[0].output == "erp" ? claimed[0] : claimed[1];
  const ClaimedDelivery& steps = claimed[0].output == "erp" ? claimed[1] : claimed[0];

  std::vector<FollowUp> follow_ups = {{"erp", *ParseJson(R"({"canonical":1})")},
                                      {"archive", Value()},
                                      {"crm", Value()},
                                      {"ledger", Value()}};
  ClaimOptions next;
  next.owner = "node-b";
  next.limit = 1;
  // crm is left out, as the engine leaves out an output whose circuit breaker is open.
  next.outputs =
      std::vector<OutputRef>{{"f", "erp"}, {"f", "archive"}, {"f", "ledger"}, {"g", "crm"}};
  Result<std::vector<ClaimedDelivery>> chained =
      store_->CompleteAndClaim(steps.lease, AttemptReport{}, follow_ups, next);
  ASSERT_TRUE(chained.ok()) << chained.status().ToString();
  Names expected = {"f/archive", "f/crm", "f/ledger"};
  if (postgres()) {
    EXPECT_TRUE(chained->empty());  // PostgreSQL leases none: a claim takes them
  } else {
    // Only archive: erp is queued, crm is not the next claim's, and the limit is one.
    ASSERT_EQ(chained->size(), 1u);
    const ClaimedDelivery& archive = chained->front();
    EXPECT_EQ(archive.output, "archive");
    EXPECT_EQ(archive.message.id, id);
    EXPECT_EQ(archive.lease.owner, "node-b");
    EXPECT_EQ(archive.attempt, 1);
    EXPECT_EQ(ToJson(archive.payload), R"({"raw":1})");
    Done(archive);
    expected = {"f/crm", "f/ledger"};
  }
  // What was not leased is claimed as usual.
  Names names;
  for (const ClaimedDelivery& d : Claim()) {
    names.push_back(d.message.flow + "/" + d.output);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, expected);
  Done(first_erp);
  std::vector<ClaimedDelivery> erp = Claim();
  ASSERT_EQ(erp.size(), 1u);
  EXPECT_EQ(erp[0].output, "erp");
  EXPECT_EQ(ToJson(erp[0].payload), R"({"canonical":1})");
}

TEST_P(StoreTest, CompleteAndClaimWithALostLeaseChangesNothing) {
  AcceptOne(Make("f", "A", "{}", {"@steps"}));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store_->Complete(claimed[0].lease, AttemptReport{}).ok());
  FollowUp erp{"erp", Value()};
  ClaimOptions next;
  next.owner = "node-a";
  next.limit = 10;
  Result<std::vector<ClaimedDelivery>> chained = store_->CompleteAndClaim(
      claimed[0].lease, AttemptReport{}, std::span<const FollowUp>(&erp, 1), next);
  EXPECT_EQ(chained.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Claim().empty());
}

TEST_P(StoreTest, ClaimFiltersFlowsAndOutputs) {
  AcceptOne(Make("orders", "", "{}", {"erp", "archive"}));
  AcceptOne(Make("invoices", "", "{}", {"erp"}));
  ClaimOptions options;
  options.owner = "n";
  options.limit = 10;
  options.flows = {"orders"};
  // Left out of the list, as the engine leaves out an output whose circuit breaker is open.
  options.outputs = std::vector<OutputRef>{{"orders", "archive"}, {"invoices", "erp"}};
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), Names{"orders/archive"});
  options.flows.clear();
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), Names{"invoices/erp"});
  options.outputs.reset();
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), Names{"orders/erp"});
}

TEST_P(StoreTest, ClaimOfNamedOutputsTakesTheOldestDueAcrossThemUpToTheLimit) {
  for (const char* output : {"erp", "archive", "erp", "crm", "archive"}) {
    AcceptOne(Make("f", "", "{}", {output}));
    clock_.Advance(seconds(1));
  }
  ClaimOptions options;
  options.owner = "n";
  options.limit = 3;
  options.outputs = std::vector<OutputRef>{{"f", "archive"}, {"f", "erp"}};
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), (Names{"f/erp", "f/archive", "f/erp"}));
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), Names{"f/archive"});
  options.outputs = std::vector<OutputRef>{};  // every output paused: nothing is claimed
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), Names{});
  options.outputs.reset();
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), Names{"f/crm"});
}

TEST_P(StoreTest, ClaimOfManyNamedOutputsTakesTheOldestDueAmongAll) {
  // More outputs than one statement reads: the oldest are in the last group named.
  constexpr int kOutputs = 250;
  for (int i = 0; i < kOutputs; ++i) {
    AcceptOne(Make("f", "", "{}", {"o" + std::to_string(i)}));
    clock_.Advance(seconds(1));
  }
  ClaimOptions options;
  options.owner = "n";
  options.limit = 2;
  options.outputs = std::vector<OutputRef>{};
  for (int i = kOutputs - 1; i >= 0; --i) {
    options.outputs->push_back({"f", "o" + std::to_string(i)});
  }
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), (Names{"f/o0", "f/o1"}));
}

TEST_P(StoreTest, ClaimOfNamedOutputsLeavesADeliveryNotYetDue) {
  MessageId id = AcceptOne(Make("f", "", "{}", {"erp"}));
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(
      store_->RetryLater(claimed[0].lease, clock_.Now() + seconds(60), "503", AttemptReport{})
          .ok());
  ClaimOptions options;
  options.owner = "n";
  options.outputs = std::vector<OutputRef>{{"f", "erp"}};
  EXPECT_EQ(Claimed(store_->ClaimDeliveries(options)), Names{});
  clock_.Advance(seconds(60));
  Result<std::vector<ClaimedDelivery>> due = store_->ClaimDeliveries(options);
  ASSERT_EQ(Claimed(due), Names{"f/erp"});
  EXPECT_EQ((*due)[0].message.id, id);
}

TEST_P(StoreTest, ClaimHonoursTheLimitAndOldestDueFirst) {
  for (int i = 0; i < 5; ++i) {
    AcceptOne(Make("f", "k" + std::to_string(i), R"({"i":)" + std::to_string(i) + "}"));
    clock_.Advance(seconds(1));
  }
  std::vector<ClaimedDelivery> claimed = Claim(2);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(ToJson(claimed[0].payload), R"({"i":0})");
  EXPECT_EQ(ToJson(claimed[1].payload), R"({"i":1})");
  ClaimOptions bad;
  bad.owner = "";
  EXPECT_EQ(store_->ClaimDeliveries(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, AcceptSignalsWaitingWorkers) {
  uint64_t seen = store_->WorkGeneration();
  std::thread producer([this] { AcceptOne(Make("f", "", "{}")); });
  store_->AwaitWork(seen, std::chrono::seconds(10));
  producer.join();
  EXPECT_NE(store_->WorkGeneration(), seen);
  EXPECT_EQ(Claim().size(), 1u);
}

}  // namespace
}  // namespace erphub::store
