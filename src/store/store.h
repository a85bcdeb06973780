#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/message.h"
#include "core/result.h"
#include "core/value.h"

namespace erphub::store {

// The store's model
// -----------------
// A *message* is journaled once, by Accept. Work on it is done through *deliveries*: one row per
// (message, output), where an output is a name the engine chooses (a flow's `to` entry, or a
// processing stage such as the flow's steps). Deliveries are created at acceptance (one per
// name in Acceptance::outputs) or when a worker completes a delivery with follow-ups (e.g. the
// steps stage fans out into one delivery per output, each with the transformed payload).
//
// Ordering: deliveries form *lanes* of (flow, business key, output). Within a lane at most one
// delivery is the *head* (ready, in flight, or dead with OnDeadLetter::kBlockKey); the others
// are queued and become ready one at a time, in acceptance order, when the head is done,
// dead-lettered without blocking, or discarded. So one key's deliveries to one output are worked
// by one claimer at a time, strictly in acceptance order, also across retries, restarts and
// nodes; different keys and different outputs proceed in parallel. A message without a business
// key is unordered.
//
// Claiming: ClaimDeliveries leases ready deliveries to an owner until a deadline. The owner
// reports the outcome (Complete, RetryLater, DeadLetter) with the Lease, which fences: once a
// lease has expired and another owner claimed the delivery, the old lease's reports fail with
// kFailedPrecondition. An expired lease returns the delivery to ready (the attempt is recorded
// as "lease expired" in the lineage), so a crashed worker or node loses no work.
//
// Implementations: sqlite/ (one node; a write transaction serializes claims). A PostgreSQL
// implementation claims with SELECT ... FOR UPDATE SKIP LOCKED on ready heads and keeps the
// head invariant by locking a per-lane row when it inserts or finishes a delivery, so several
// nodes share the work with no coordinator beyond the database.
//
// All operations are thread-safe. Writes are durable when they return ok (subject to the fsync
// setting); a failed operation changed nothing.

enum class FsyncMode {
  kFull,    // every commit reaches the disk before it is acknowledged
  kNormal,  // commits survive a process crash; the last ones may be lost on power loss
};
// "full" or "normal"; kInvalidArgument otherwise.
Result<FsyncMode> ParseFsyncMode(std::string_view text);

enum class DeliveryState : uint8_t {
  kQueued = 0,     // waits behind the head of its lane
  kReady = 1,      // claimable once not_before has passed (also: waiting for a retry)
  kInFlight = 2,   // leased to one owner
  kDone = 3,       // terminal
  kDead = 4,       // dead-lettered: waits for replay or discard
  kDiscarded = 5,  // terminal: an operator discarded the dead letter, reason recorded
};
std::string_view DeliveryStateName(DeliveryState state);

// What a dead letter does to later messages of its lane (the flow's `on_dead_letter`).
enum class OnDeadLetter {
  kContinue,  // later messages proceed
  kBlockKey,  // later messages wait until this one is replayed or discarded
};

// One message handed to Accept.
struct Acceptance {
  // Its id comes from a MessageIdGenerator; flow must be set and payload must not be undefined.
  Message message;
  // The JSON text message.payload was parsed from, stored as it came (so that intake does not
  // write the payload out again); empty: message.payload is serialized.
  std::string payload_json;
  // The provider's event id (X-Shopify-Webhook-Id, a Stripe event id, webhook-id, ...). A second
  // acceptance with the same (flow, event id) stores nothing and returns the original id. Empty:
  // no de-duplication.
  std::string event_id;
  // One delivery is created per name, at once (distinct, non-empty names).
  std::vector<std::string> outputs;
  // Where it came from, for the "received" lineage event (e.g. "webhook 10.0.0.7").
  std::string source;
};

struct Accepted {
  // The stored message's id: the original message's id for a duplicate.
  MessageId id;
  bool duplicate = false;
};

// A key/value write, optionally conditional (compare-and-set), for watermarks and cursors.
struct StateWrite {
  enum class Check { kNone, kAbsent, kEquals };
  std::string key;
  std::string value;
  // kAbsent: the key must not exist; kEquals: its value must equal `expected`. A failed check
  // fails the whole operation with kConflict.
  Check check = Check::kNone;
  std::string expected;
  bool erase = false;  // the key is removed (after the check), `value` unused

  static StateWrite Set(std::string key, std::string value) {
    return StateWrite{std::move(key), std::move(value), Check::kNone, {}};
  }
  static StateWrite Create(std::string key, std::string value) {
    return StateWrite{std::move(key), std::move(value), Check::kAbsent, {}};
  }
  static StateWrite Replace(std::string key, std::string expected, std::string value) {
    return StateWrite{std::move(key), std::move(value), Check::kEquals, std::move(expected)};
  }
  static StateWrite Erase(std::string key) {
    return StateWrite{std::move(key), {}, Check::kNone, {}, true};
  }
};

// Proof of a claim; pass it back with the outcome.
struct Lease {
  int64_t delivery_id = 0;
  // Fencing token: differs for every claim of the delivery.
  int64_t token = 0;
  std::string owner;
  Timestamp expires_at;
};

struct ClaimedDelivery {
  Lease lease;
  // message.attempts equals `attempt`. message.payload is undefined when the delivery works on
  // a payload of its own (a follow-up's): the claim does not read it.
  Message message;
  std::string output;
  // What to work on: the payload a follow-up or an edit gave this delivery, else message.payload.
  Value payload;
  // IdempotencyKey(flow, message id, output).
  std::string idempotency_key;
  // 1-based, counted since acceptance or since the last replay (for a max-attempts policy).
  int attempt = 1;
  // When the delivery was created (acceptance, or the follow-up) or last replayed, for a
  // max-age policy.
  Timestamp eligible_since;
  // The previous attempt's error, if any.
  std::string last_error;
};

struct OutputRef {
  std::string flow;
  std::string output;
};

struct ClaimOptions {
  // The node or worker that will hold the leases (recorded, shown in traces).
  std::string owner;
  int limit = 1;
  std::chrono::milliseconds lease_duration{30000};
  // Only deliveries of these flows; empty: all flows.
  std::vector<std::string> flows;
  // Only deliveries to these (flow, output) pairs, e.g. all but those whose circuit breaker is
  // open; nullopt: every output of `flows`. Each pair is read by index, so the backlog of an
  // output left out costs a claim nothing.
  std::optional<std::vector<OutputRef>> outputs;
};

// The pairs of `options.outputs` within `options.flows`; nullopt when it names none.
std::optional<std::vector<OutputRef>> ClaimedOutputs(const ClaimOptions& options);
// Whether a claim with `options` takes deliveries of `flow` to `output`.
bool Claims(const ClaimOptions& options, std::string_view flow, std::string_view output);

enum class LineageKind : uint8_t {
  kReceived = 0,   // accepted into the journal (detail: source)
  kDuplicate = 1,  // the same provider event arrived again (detail: source)
  kStep = 2,       // a step's result, reported by the engine (name: the step)
  kAttempt = 3,    // a delivery attempt (name: output; outcome: done, retry, dead, lease expired)
  kReplayed = 4,   // an operator replayed a dead letter (detail: note)
  kDiscarded = 5,  // an operator discarded a dead letter (detail: reason)
};
std::string_view LineageKindName(LineageKind kind);

struct LineageEvent {
  LineageKind kind = LineageKind::kStep;
  // Start of the event (of the attempt, for kAttempt).
  Timestamp at;
  std::string name;
  int attempt = 0;
  std::chrono::microseconds duration{0};
  std::string outcome;
  std::string detail;
};

// What a worker reports with the outcome of one attempt.
struct AttemptReport {
  // When the attempt started; the epoch means the claim time.
  Timestamp started_at;
  std::chrono::microseconds duration{0};
  // E.g. "HTTP 201" or the error, recorded in the lineage.
  std::string detail;
  // Recorded in the same transaction as the outcome, e.g. the steps' results.
  std::vector<LineageEvent> events;
};

struct DeadLetterInfo {
  std::string error;
  // The target's own answer, verbatim.
  std::string response_body;
  // The step or output that failed; empty: the delivery's output.
  std::string failed_at;
  OnDeadLetter on_dead_letter = OnDeadLetter::kContinue;
};

// The first attempt of a follow-up, made by the completing worker before the follow-up existed
// (the output run right after the steps, its lane being free). The follow-up is stored as that
// attempt left it, as if it had been claimed, attempted and recorded.
struct FollowUpAttempt {
  enum class Result {
    kDone,   // delivered
    kRetry,  // ready again at not_before, with `error`
    kDead,   // dead-lettered with `dead`
  };
  Result result = Result::kDone;
  AttemptReport report;
  Timestamp not_before;
  std::string error;
  DeadLetterInfo dead;
};

// A delivery to create when completing another (same message, same lane rules).
struct FollowUp {
  std::string output;
  // Undefined: the message's payload.
  Value payload;
  // Set when the follow-up was already attempted once.
  std::optional<FollowUpAttempt> attempted = {};
};

// A dead letter as listed. Its id is the delivery id.
struct DeadLetterEntry {
  int64_t id = 0;
  MessageId message_id;
  std::string flow;
  std::string business_key;
  std::string output;
  std::string failed_at;
  std::string error;
  std::string response_body;
  int attempts = 0;
  Timestamp dead_at;
  bool blocks_key = false;
};

struct DeadLetterFilter {
  std::string flow;      // empty: all
  Timestamp since;       // dead at or after; the epoch: all
  int64_t after_id = 0;  // paging: ids greater than this
  int limit = 100;
};

struct DeadLetterDetail {
  DeadLetterEntry entry;
  Message message;
  // The payload the failed delivery worked on.
  Value payload;
  // Every attempt of this delivery, oldest first.
  std::vector<LineageEvent> attempts;
};

struct ReplayOptions {
  // Replaces the delivery's payload (an edit, validated by the caller); undefined: keep.
  Value payload;
  // Recorded in the lineage (who, why).
  std::string note;
};

// Input that could not become a message (bad JSON, broken CSV row, failed validation).
struct QuarantineEntry {
  int64_t id = 0;  // assigned by the store
  std::string flow;
  // Which input and from where, e.g. "webhook POST /webhooks/shop/orders from 10.0.0.7".
  std::string source;
  std::string reason;
  // The bytes as received (any bytes).
  std::string raw;
  Headers headers;
  Timestamp received_at;
  // The accepted message it belongs to, when a step quarantined it; nil otherwise.
  MessageId message_id;
  // Set by ResolveQuarantine.
  std::optional<Timestamp> resolved_at;
  std::string resolution;
};

struct QuarantineFilter {
  std::string flow;  // empty: all
  bool include_resolved = false;
  int64_t after_id = 0;
  int limit = 100;
};

struct DeliveryInfo {
  int64_t id = 0;
  std::string output;
  DeliveryState state = DeliveryState::kQueued;
  // All attempts ever started, replays included.
  int attempts = 0;
  Timestamp not_before;
  std::string last_error;
  std::string lease_owner;
  std::optional<Timestamp> lease_expires_at;
  std::optional<Timestamp> finished_at;
};

// Everything known about one message: what `erphub trace` shows.
struct MessageTrace {
  Message message;
  std::string event_id;
  Timestamp accepted_at;
  std::vector<DeliveryInfo> deliveries;
  // Oldest first by `at` (an attempt is recorded when it ends, at its start time; events
  // recorded together in the order recorded).
  std::vector<LineageEvent> events;
};

// A hub node as the store last heard of it (see Store::RecordNode).
struct NodeSeen {
  std::string name;
  Timestamp started_at;
  Timestamp last_seen;
};

// Work not yet finished, per flow: what back-pressure and the backlog metric read.
struct FlowBacklog {
  std::string flow;
  int64_t queued = 0;
  int64_t ready = 0;     // includes retrying
  int64_t retrying = 0;  // ready after at least one failed attempt
  int64_t in_flight = 0;
  int64_t dead = 0;
  // Payload bytes of queued, ready and in-flight deliveries.
  int64_t bytes = 0;
};

// Told how long a commit that waited for the disk took (StoreOptions::on_durable_commit).
using CommitObserver = std::function<void(std::chrono::microseconds)>;

struct StoreOptions {
  // Borrowed; must outlive the store. nullptr: the system clock.
  const Clock* clock = nullptr;
  FsyncMode fsync = FsyncMode::kFull;
  // false: refuse a schema older than this build's instead of migrating it (`erphub migrate`
  // applies migrations explicitly). A newer schema is always refused.
  bool apply_migrations = true;
  // Checks the database's structure at open; a torn or corrupt file fails with kDataLoss.
  bool check_integrity = true;
  // Group commit: while writes keep coming (the last transaction held several), wait this long
  // after the first write of a transaction for others to join it. Zero still batches whatever
  // queued during the previous commit.
  std::chrono::microseconds group_commit_window{0};
  int max_operations_per_transaction = 4096;
  // Called after each group commit that waited for the disk (SQLite with fsync: full; on
  // PostgreSQL the intake's, which wait for the server's) with how long its COMMIT took: the
  // disk's latency as the store sees it, the least an acceptance waits. Runs on the committer
  // thread.
  CommitObserver on_durable_commit;
};

struct StoreStats {
  // Write transactions committed; with group commit, fewer than the write operations.
  uint64_t transactions = 0;
  // Of those, the ones committed without waiting for the disk (claims, lease renewals).
  uint64_t unsynced_transactions = 0;
  uint64_t write_operations = 0;
  uint64_t accepted_messages = 0;
  uint64_t duplicate_messages = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- intake ---

  // Journals the messages, creates their first deliveries and applies `state` (e.g. the
  // watermark the messages were read up to), all or nothing; durable on return. Returns one
  // Accepted per item, in order. Concurrent calls share transactions (group commit).
  virtual Result<std::vector<Accepted>> Accept(std::span<const Acceptance> items,
                                               std::span<const StateWrite> state = {}) = 0;

  // Accept, and in the same transaction lease to `next.owner` the new deliveries that are ready
  // at once and that `next` would claim (at most next.limit), appending them to `leased`, so
  // that the accepting node works them without waiting for a claim. A store may lease none
  // (PostgreSQL: its acceptances share transactions across callers); the rest are claimed as
  // usual.
  virtual Result<std::vector<Accepted>> AcceptAndClaim(std::span<const Acceptance> items,
                                                       std::span<const StateWrite> state,
                                                       const ClaimOptions& next,
                                                       std::vector<ClaimedDelivery>& leased) = 0;

  // Keeps malformed input with the reason; durable on return. Returns the entry's id.
  virtual Result<int64_t> Quarantine(const QuarantineEntry& entry) = 0;

  // --- work ---

  // Leases up to options.limit ready deliveries whose not_before has passed, oldest due first,
  // at most one per lane. First returns deliveries whose leases expired to ready.
  virtual Result<std::vector<ClaimedDelivery>> ClaimDeliveries(const ClaimOptions& options) = 0;

  // Extends a lease to now + duration. kFailedPrecondition when the lease is lost.
  virtual Result<Lease> RenewLease(const Lease& lease, std::chrono::milliseconds duration) = 0;

  // Marks the delivery done and creates `follow_ups` in the same transaction.
  // kFailedPrecondition when the lease is lost (nothing changes).
  virtual Status Complete(const Lease& lease, const AttemptReport& report,
                          std::span<const FollowUp> follow_ups = {}) = 0;

  // Complete, and in the same transaction leases to `next.owner` the follow-ups that are ready
  // at once and that `next` would claim (its flows and outputs, at most next.limit), so that
  // their owner works them without waiting for a claim. Returns them; the rest (queued behind
  // their lane's head, or left out by `next`) are claimed as usual. A store may lease none
  // (PostgreSQL, where one claim statement serves many deliveries).
  virtual Result<std::vector<ClaimedDelivery>> CompleteAndClaim(
      const Lease& lease, const AttemptReport& report, std::span<const FollowUp> follow_ups,
      const ClaimOptions& next) = 0;

  // Whether a delivery to the output for the key would wait behind another (the head of its
  // lane: ready, in flight, or dead and blocking). A follow-up may be attempted before it is
  // stored only while its lane is free; the caller holds the lane that creates it, so no other
  // follow-up can join the lane meanwhile.
  virtual Result<bool> LaneBusy(std::string_view flow, std::string_view output,
                                std::string_view business_key) = 0;

  // Makes the delivery ready again at `not_before`; it stays the head of its lane.
  virtual Status RetryLater(const Lease& lease, Timestamp not_before, std::string_view error,
                            const AttemptReport& report) = 0;

  // Dead-letters the delivery with the error and the target's answer.
  virtual Status DeadLetter(const Lease& lease, const DeadLetterInfo& info,
                            const AttemptReport& report) = 0;

  // Records events outside an outcome (e.g. steps run at intake).
  virtual Status RecordLineage(const MessageId& id, std::span<const LineageEvent> events) = 0;

  // A counter that grows when work may have become ready (accept, follow-ups, retry, replay,
  // a head moving on). AwaitWork blocks until it differs from `seen` or the real-time timeout
  // passes; wake-ups may be spurious and work made ready by another process is not signalled.
  virtual uint64_t WorkGeneration() const = 0;
  virtual void AwaitWork(uint64_t seen, std::chrono::milliseconds timeout) = 0;

  // --- dead letters ---

  // Oldest first.
  virtual Result<std::vector<DeadLetterEntry>> ListDeadLetters(const DeadLetterFilter& filter) = 0;
  // kNotFound unless `id` is a dead letter.
  virtual Result<DeadLetterDetail> GetDeadLetter(int64_t id) = 0;
  // Makes the dead delivery ready again (behind its lane's head, if another has become head),
  // with a fresh attempt budget. kFailedPrecondition unless it is dead.
  virtual Status Replay(int64_t id, const ReplayOptions& options) = 0;
  // Drops a dead letter; `reason` is required and recorded. kFailedPrecondition unless dead.
  virtual Status Discard(int64_t id, std::string_view reason) = 0;

  // --- quarantine ---

  // Oldest first.
  virtual Result<std::vector<QuarantineEntry>> ListQuarantine(const QuarantineFilter& filter) = 0;
  virtual Result<QuarantineEntry> GetQuarantine(int64_t id) = 0;
  // Closes an entry ("replayed as <id>", "discarded: <reason>"); the entry is kept.
  virtual Status ResolveQuarantine(int64_t id, std::string_view resolution) = 0;

  // --- lineage ---

  virtual Result<MessageTrace> Trace(const MessageId& id) = 0;
  // Ids of messages with this business key (in one flow, or any when `flow` is empty), in
  // acceptance order, at most `limit` of the most recent.
  virtual Result<std::vector<MessageId>> FindByBusinessKey(std::string_view business_key,
                                                           std::string_view flow, int limit) = 0;

  // --- state ---

  virtual Result<std::optional<std::string>> GetState(std::string_view key) = 0;
  // All or nothing; kConflict when a check fails.
  virtual Status PutState(std::span<const StateWrite> writes) = 0;

  // --- cross-references ---

  // The id `system` uses for the `entity` known elsewhere as `external_id` (e.g. the Tryton
  // party id of "shopify:5849301229845"); nullopt when there is no such link.
  virtual Result<std::optional<std::string>> LookupXref(std::string_view system,
                                                        std::string_view entity,
                                                        std::string_view external_id) = 0;
  // Records the link, replacing an earlier one for the same (system, entity, external id);
  // durable on return.
  virtual Status PutXref(std::string_view system, std::string_view entity,
                         std::string_view external_id, std::string_view system_id) = 0;

  // --- figures ---

  // Flows with unfinished work, by name.
  virtual Result<std::vector<FlowBacklog>> Backlog() = 0;

  // Membership of the hub nodes sharing this store: `node` (running since `started_at`) is
  // alive at the store's now. Nodes not heard of for a day are forgotten.
  virtual Status RecordNode(std::string_view node, Timestamp started_at) = 0;
  // Every node heard of in the last day, the most recently seen first.
  virtual Result<std::vector<NodeSeen>> Nodes() = 0;
  virtual StoreStats Stats() const = 0;
};

}  // namespace erphub::store
