#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "store_test_util.h"

namespace erphub::store {
namespace {

ERPHUB_STORE_BACKENDS(StoreTest);

TEST_P(StoreTest, AcceptedMessagesSurviveReopen) {
  Acceptance a = Make("shop-orders", "5849301229845",
                      R"({"total":"18.90","price":18.90,"qty":3,"big":12345678901234567890123})");
  MessageId id = AcceptOne(a);
  store_.reset();
  Open();
  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  EXPECT_EQ(trace->message.flow, "shop-orders");
  EXPECT_EQ(trace->message.business_key, "5849301229845");
  EXPECT_EQ(ToJson(trace->message.payload), ToJson(a.message.payload));
  EXPECT_TRUE(DeepEqual(trace->message.payload, a.message.payload));
  EXPECT_TRUE(trace->message.payload.Get("price").as_number().is_exact());
  EXPECT_EQ(trace->message.headers, a.message.headers);
  EXPECT_EQ(trace->message.received_at, a.message.received_at);
  ASSERT_EQ(trace->deliveries.size(), 1u);
  EXPECT_EQ(trace->deliveries[0].output, "erp");
  EXPECT_EQ(trace->deliveries[0].state, DeliveryState::kReady);
}

// An input that has the payload's JSON text hands it over, and that text is what is stored:
// intake never writes the payload out again.
TEST_P(StoreTest, StoresTheReceivedJsonTextAsItCame) {
  Acceptance a = Make("shop-orders", "1", R"({"id":1})");
  a.payload_json = R"({ "id" : 1, "note": "as sent" })";
  MessageId id = AcceptOne(a);
  Result<MessageTrace> trace = store_->Trace(id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  EXPECT_EQ(ToJson(trace->message.payload), R"({"id":1,"note":"as sent"})");
}

// Accept returns only after the commit: a process killed right after it loses nothing.
TEST_P(StoreTest, AcceptIsDurableWhenItReturnsEvenIfTheProcessIsKilled) {
  store_.reset();
  Acceptance a = Make("shop-orders", "k1", R"({"order":1})");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    StoreOptions options = Options();
    options.fsync = FsyncMode::kFull;
    Result<std::unique_ptr<Store>> store = OpenAnother(options);
    if (!store.ok()) {
      _exit(3);
    }
    Result<std::vector<Accepted>> r = (*store)->Accept(std::span<const Acceptance>(&a, 1));
    if (!r.ok()) {
      _exit(4);
    }
    kill(getpid(), SIGKILL);
    _exit(5);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  Open();
  Result<MessageTrace> trace = store_->Trace(a.message.id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  EXPECT_EQ(ToJson(trace->message.payload), R"({"order":1})");
  EXPECT_EQ(Claim().size(), 1u);
}

TEST_P(StoreTest, DuplicateEventIdReturnsTheOriginalMessage) {
  MessageId first = AcceptOne(Make("shop-orders", "1", R"({"v":1})", {"erp"}, "evt-1"));
  Acceptance again = Make("shop-orders", "1", R"({"v":1})", {"erp"}, "evt-1");
  Result<std::vector<Accepted>> r = store_->Accept(std::span<const Acceptance>(&again, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].duplicate);
  EXPECT_EQ((*r)[0].id, first);
  EXPECT_FALSE(store_->Trace(again.message.id).ok());
  // The same event id in another flow is another message.
  MessageId other = AcceptOne(Make("stripe", "1", R"({"v":1})", {"erp"}, "evt-1"));
  EXPECT_NE(other, first);
  // Within one call too.
  std::vector<Acceptance> batch = {Make("shop-orders", "2", "{}", {"erp"}, "evt-2"),
                                   Make("shop-orders", "2", "{}", {"erp"}, "evt-2")};
  r = store_->Accept(batch);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].duplicate);
  EXPECT_TRUE((*r)[1].duplicate);
  EXPECT_EQ((*r)[1].id, batch[0].message.id);
  // One delivery each for the three stored messages.
  EXPECT_EQ(Claim().size(), 3u);
  StoreStats stats = store_->Stats();
  EXPECT_EQ(stats.accepted_messages, 3u);
  EXPECT_EQ(stats.duplicate_messages, 2u);
  // The duplicate arrival is in the original's lineage.
  Result<MessageTrace> trace = store_->Trace(first);
  ASSERT_TRUE(trace.ok());
  ASSERT_EQ(trace->events.size(), 2u);
  EXPECT_EQ(trace->events[1].kind, LineageKind::kDuplicate);
  EXPECT_EQ(trace->event_id, "evt-1");
}

TEST_P(StoreTest, AcceptAndClaimLeasesTheReadyDeliveriesTheNextClaimWouldTake) {
  AcceptOne(Make("f", "A", R"({"first":1})", {"erp"}));  // erp's lane of key A is busy
  std::vector<Acceptance> batch = {Make("f", "A", R"({"v":1})", {"erp", "archive", "crm"}),
                                   Make("f", "B", R"({"v":2})", {"erp"}),
                                   Make("f", "C", R"({"v":3})", {"erp"})};
  ClaimOptions next;
  next.owner = "node-b";
  next.limit = 2;
  // crm is left out, as the engine leaves out an output whose circuit breaker is open.
  next.outputs = std::vector<OutputRef>{{"f", "erp"}, {"f", "archive"}};
  std::vector<ClaimedDelivery> leased;
  Result<std::vector<Accepted>> accepted = store_->AcceptAndClaim(batch, {}, next, leased);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  ASSERT_EQ(accepted->size(), 3u);
  // What the next claim takes: the first message's erp and what was not leased.
  std::vector<std::string> expected;
  if (postgres()) {
    // PostgreSQL leases none at acceptance (its acceptances share transactions).
    EXPECT_TRUE(leased.empty());
    expected = {"f/archive", "f/crm", "f/erp", "f/erp", "f/erp"};
  } else {
    // A's archive and B's erp: A's erp is queued, crm is left out, and the limit is two.
    ASSERT_EQ(leased.size(), 2u);
    EXPECT_EQ(leased[0].output, "archive");
    EXPECT_EQ(leased[0].message.id, batch[0].message.id);
    EXPECT_EQ(ToJson(leased[0].payload), R"({"v":1})");
    EXPECT_EQ(leased[1].output, "erp");
    EXPECT_EQ(leased[1].message.id, batch[1].message.id);
    for (const ClaimedDelivery& d : leased) {
      EXPECT_EQ(d.lease.owner, "node-b");
      EXPECT_EQ(d.attempt, 1);
      Done(d);
    }
    expected = {"f/crm", "f/erp", "f/erp"};
  }
  std::vector<std::string> names;
  for (const ClaimedDelivery& d : Claim()) {
    names.push_back(d.message.flow + "/" + d.output);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, expected);
}

TEST_P(StoreTest, AcceptRejectsInvalidMessagesAndStoresNothing) {
  std::vector<Acceptance> batch = {Make("f", "1", "{}"), Make("", "1", "{}")};
  Result<std::vector<Accepted>> r = store_->Accept(batch);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(store_->Trace(batch[0].message.id).ok());

  Acceptance undefined_payload = Make("f", "1", "{}");
  undefined_payload.message.payload = Value();
  EXPECT_EQ(store_->Accept(std::span<const Acceptance>(&undefined_payload, 1)).status().code(),
            StatusCode::kInvalidArgument);
  Acceptance twice = Make("f", "1", "{}", {"erp", "erp"});
  EXPECT_FALSE(store_->Accept(std::span<const Acceptance>(&twice, 1)).ok());
  Acceptance nil_id = Make("f", "1", "{}");
  nil_id.message.id = MessageId();
  EXPECT_FALSE(store_->Accept(std::span<const Acceptance>(&nil_id, 1)).ok());
}

TEST_P(StoreTest, ABatchIsAllOrNothing) {
  Acceptance first = Make("f", "1", "{}");
  AcceptOne(first);
  // The second item reuses a stored id: the whole call fails, the first item is not kept.
  std::vector<Acceptance> batch = {Make("f", "2", "{}"), first};
  batch[1].event_id = "";
  Result<std::vector<Accepted>> r = store_->Accept(batch);
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Trace(batch[0].message.id).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, WatermarkCommitsWithTheMessages) {
  std::vector<Acceptance> batch = {Make("sql-poll", "1", "{}"), Make("sql-poll", "2", "{}")};
  std::vector<StateWrite> watermark = {
      StateWrite::Set("sql-poll/updated_at", "2024-05-01T10:00:00Z")};
  ASSERT_TRUE(store_->Accept(batch, watermark).ok());
  EXPECT_EQ(*store_->GetState("sql-poll/updated_at"), "2024-05-01T10:00:00Z");

  // A stale compare-and-set fails the acceptance: no message, watermark unchanged.
  std::vector<Acceptance> next = {Make("sql-poll", "3", "{}")};
  StateWrite stale =
      StateWrite::Replace("sql-poll/updated_at", "2024-04-30T00:00:00Z", "2024-05-02T00:00:00Z");
  Result<std::vector<Accepted>> r = store_->Accept(next, std::span<const StateWrite>(&stale, 1));
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_FALSE(store_->Trace(next[0].message.id).ok());
  EXPECT_EQ(*store_->GetState("sql-poll/updated_at"), "2024-05-01T10:00:00Z");
}

TEST_P(StoreTest, StateKeyValue) {
  EXPECT_EQ(*store_->GetState("absent"), std::nullopt);
  std::string binary("a\0b\xff", 4);
  std::vector<StateWrite> writes = {StateWrite::Set("cdc/lsn", "0/16B6C50"),
                                    StateWrite::Set("bin", binary)};
  ASSERT_TRUE(store_->PutState(writes).ok());
  EXPECT_EQ(*store_->GetState("cdc/lsn"), "0/16B6C50");
  EXPECT_EQ(*store_->GetState("bin"), binary);

  StateWrite create_only = StateWrite::Create("cdc/lsn", "x");
  EXPECT_EQ(store_->PutState(std::span<const StateWrite>(&create_only, 1)).code(),
            StatusCode::kConflict);
  StateWrite cas = StateWrite::Replace("cdc/lsn", "0/16B6C50", "0/16B6D00");
  EXPECT_TRUE(store_->PutState(std::span<const StateWrite>(&cas, 1)).ok());
  EXPECT_EQ(store_->PutState(std::span<const StateWrite>(&cas, 1)).code(), StatusCode::kConflict);
  EXPECT_EQ(*store_->GetState("cdc/lsn"), "0/16B6D00");
  store_.reset();
  Open();
  EXPECT_EQ(*store_->GetState("cdc/lsn"), "0/16B6D00");

  // Erased with a message's acceptance; erasing an absent key is no error.
  std::vector<StateWrite> erase = {StateWrite::Erase("bin"), StateWrite::Erase("never")};
  std::vector<Acceptance> one = {Make("cdc", "1", "{}")};
  ASSERT_TRUE(store_->Accept(one, erase).ok());
  EXPECT_EQ(*store_->GetState("bin"), std::nullopt);
  EXPECT_EQ(*store_->GetState("cdc/lsn"), "0/16B6D00");
}

TEST_P(StoreTest, BacklogCountsPerFlow) {
  AcceptOne(Make("orders", "1", R"({"a":1})"));
  AcceptOne(Make("orders", "1", R"({"a":2})"));  // queued behind the first
  AcceptOne(Make("orders", "2", R"({"a":3})"));
  AcceptOne(Make("invoices", "", R"({"b":1})", {"erp", "archive"}));
  std::vector<ClaimedDelivery> claimed = Claim(1);
  ASSERT_EQ(claimed.size(), 1u);
  Result<std::vector<FlowBacklog>> backlog = store_->Backlog();
  ASSERT_TRUE(backlog.ok()) << backlog.status().ToString();
  ASSERT_EQ(backlog->size(), 2u);
  const FlowBacklog& invoices = (*backlog)[0];
  const FlowBacklog& orders = (*backlog)[1];
  EXPECT_EQ(invoices.flow, "invoices");
  EXPECT_EQ(invoices.ready, 2);
  EXPECT_EQ(invoices.bytes, 2 * 7);
  EXPECT_EQ(orders.flow, "orders");
  EXPECT_EQ(orders.queued, 1);
  EXPECT_EQ(orders.in_flight, 1);
  EXPECT_EQ(orders.ready, 1);
  EXPECT_EQ(orders.bytes, 3 * 7);
}

}  // namespace
}  // namespace erphub::store
