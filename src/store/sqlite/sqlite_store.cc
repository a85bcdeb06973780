#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <utility>

#include "core/json.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/stored_columns.h"

namespace erphub::store {
namespace {

using std::chrono::microseconds;

constexpr int kQueued = static_cast<int>(DeliveryState::kQueued);
constexpr int kReady = static_cast<int>(DeliveryState::kReady);
constexpr int kInFlight = static_cast<int>(DeliveryState::kInFlight);

// ---- encoding ----

Timestamp OptionalTime(const SqliteStatement& row, int column) {
  return row.IsNull(column) ? Timestamp() : FromUnixMicros(row.Int(column));
}

// ---- helpers that run inside a write transaction ----

// Is some delivery of the lane (other than `except`) ready, in flight, or dead and blocking?
Result<bool> LaneHasHead(SqliteDb& db, std::string_view lane, int64_t except) {
  ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q, db.Prepare(kLaneHeadQuery));
  q.Bind(1, lane).Bind(2, except);
  return q.Step();
}

// After a head finished: makes the lane's oldest queued delivery ready, unless a head remains.
Result<bool> PromoteNext(SqliteDb& db, std::string_view lane) {
  if (lane.empty()) {
    return false;
  }
  ERPHUB_ASSIGN_OR_RETURN(bool has_head, LaneHasHead(db, lane, 0));
  if (has_head) {
    return false;
  }
  int64_t next = 0;
  {
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q, db.Prepare(kLaneNextQuery));
    q.Bind(1, lane);
    ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return false;
    }
    next = q.Int(0);
  }
  ERPHUB_ASSIGN_OR_RETURN(SqliteStatement u,
                          db.Prepare("UPDATE deliveries SET state = 1 WHERE id = ?1"));
  ERPHUB_TRY(u.Bind(1, next).Run());
  return true;
}

struct NewDelivery {
  int64_t message_seq = 0;
  std::string flow;
  std::string output;
  std::string business_key;
  std::optional<std::string> payload_json;  // nullopt: the message's payload
  int64_t bytes = 0;
};

// Reads what the owner of the leased delivery `id` works on.
Result<RawClaim> ReadClaim(SqliteDb& db, int64_t id, const std::string& owner, Timestamp expires) {
  ERPHUB_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db.Prepare("SELECT d.output, d.payload, d.attempts, d.attempts - d.budget_base, "
                 "d.eligible_since, d.last_error, m.id, m.flow, m.business_key, "
                 "CASE WHEN d.payload IS NULL THEN m.payload END, "
                 "m.headers, m.received_at FROM deliveries d "
                 "JOIN messages m ON m.seq = d.message_seq WHERE d.id = ?1"));
  q.Bind(1, id);
  ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
  if (!found) {
    return InternalError("claimed delivery vanished");
  }
  RawClaim c;
  c.lease = Lease{id, q.Int(2), owner, expires};
  c.output = q.Text(0);
  if (!q.IsNull(1)) {
    c.delivery_payload = q.Text(1);
  }
  c.attempt = static_cast<int>(q.Int(3));
  c.eligible_since = FromUnixMicros(q.Int(4));
  c.last_error = q.Text(5);
  c.message_id = q.Text(6);
  c.flow = q.Text(7);
  c.business_key = q.Text(8);
  c.message_payload = q.Text(9);
  c.headers = q.Text(10);
  c.received_at = FromUnixMicros(q.Int(11));
  return c;
}

// Leases one ready delivery to `owner` until `expires` and reads what its owner works on.
Result<RawClaim> LeaseDelivery(SqliteDb& db, int64_t id, const std::string& owner,
                               Timestamp expires, int64_t now_us) {
  ERPHUB_ASSIGN_OR_RETURN(
      SqliteStatement u,
      db.Prepare("UPDATE deliveries SET state = 2, attempts = attempts + 1, "
                 "lease_owner = ?2, lease_expires_at = ?3, claimed_at = ?4 WHERE id = ?1"));
  ERPHUB_TRY(u.Bind(1, id).Bind(2, owner).Bind(3, ToUnixMicros(expires)).Bind(4, now_us).Run());
  return ReadClaim(db, id, owner, expires);
}

// The columns of a new delivery beyond what NewDelivery names.
struct NewDeliveryState {
  int state = kReady;
  Timestamp not_before;
  int attempts = 0;
  // A lease (when leased at once).
  const std::string* lease_owner = nullptr;
  Timestamp lease_expires_at;
  // The columns an attempt made before it was stored set.
  const AttemptedColumns* attempted = nullptr;
};

Status InsertDeliveryRow(SqliteDb& db, const NewDelivery& d, const std::string& lane,
                         const NewDeliveryState& s, Timestamp now) {
  ERPHUB_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db.Prepare("INSERT INTO deliveries (message_seq, flow, output, lane, state, payload, bytes, "
                 "eligible_since, not_before, attempts, lease_owner, lease_expires_at, "
                 "claimed_at, last_error, response_body, failed_at, blocks_lane, finished_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                 "?17, ?18)"));
  q.Bind(1, d.message_seq).Bind(2, d.flow).Bind(3, d.output).BindTextOrNull(4, lane);
  q.Bind(5, s.state);
  if (d.payload_json) {
    q.Bind(6, *d.payload_json);
  } else {
    q.Bind(6, std::nullopt);
  }
  q.Bind(7, d.bytes).Bind(8, ToUnixMicros(now)).Bind(9, ToUnixMicros(s.not_before));
  q.Bind(10, s.attempts);
  if (s.lease_owner != nullptr) {
    q.Bind(11, *s.lease_owner)
        .Bind(12, ToUnixMicros(s.lease_expires_at))
        .Bind(13, ToUnixMicros(now));
  } else {
    q.Bind(11, std::nullopt).Bind(12, std::nullopt).Bind(13, std::nullopt);
  }
  static const AttemptedColumns kNotAttempted;
  const AttemptedColumns& a = s.attempted != nullptr ? *s.attempted : kNotAttempted;
  q.Bind(14, a.last_error).Bind(15, a.response_body).Bind(16, a.failed_at);
  q.Bind(17, a.blocks_lane ? 1 : 0);
  if (a.finished) {
    q.Bind(18, ToUnixMicros(now));
  } else {
    q.Bind(18, std::nullopt);
  }
  Status status = q.Run();
  if (!status.ok() && status.code() == StatusCode::kAlreadyExists) {
    return Status(StatusCode::kAlreadyExists,
                  "the message already has a delivery to output '" + d.output + "'");
  }
  return status;
}

// Whether a new delivery of `lane` has to wait behind its head.
Result<bool> MustQueue(SqliteDb& db, const std::string& lane) {
  if (lane.empty()) {
    return false;
  }
  return LaneHasHead(db, lane, 0);
}

// Inserts a new delivery. When it is ready and `next` would claim it with room left after
// `leased`, it is inserted leased to next->owner (one write, where a ready insert and a lease
// would touch the ready indexes twice) and its claim is added to `leased`; otherwise it is ready
// or queued behind its lane's head. Returns whether it is ready and left for a claim.
Result<bool> InsertDelivery(SqliteDb& db, const NewDelivery& d, Timestamp now,
                            const ClaimOptions* next, std::vector<RawClaim>& leased) {
  const std::string lane = LaneOf(d.flow, d.output, d.business_key);
  ERPHUB_ASSIGN_OR_RETURN(bool queued, MustQueue(db, lane));
  const bool lease = !queued && next != nullptr && static_cast<int>(leased.size()) < next->limit &&
                     Claims(*next, d.flow, d.output);
  NewDeliveryState s;
  s.state = queued ? kQueued : lease ? kInFlight : kReady;
  s.not_before = now;
  if (lease) {
    s.attempts = 1;
    s.lease_owner = &next->owner;
    s.lease_expires_at = now + std::chrono::duration_cast<microseconds>(next->lease_duration);
  }
  ERPHUB_TRY(InsertDeliveryRow(db, d, lane, s, now));
  if (lease) {
    ERPHUB_ASSIGN_OR_RETURN(RawClaim c,
                            ReadClaim(db, db.LastInsertRowid(), next->owner, s.lease_expires_at));
    leased.push_back(std::move(c));
  }
  return s.state == kReady;
}

Status AddLineage(SqliteDb& db, int64_t message_seq, const LineageEvent& e) {
  ERPHUB_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db.Prepare("INSERT INTO lineage (message_seq, kind, at, name, attempt, duration_us, "
                 "outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  return q.Bind(1, message_seq)
      .Bind(2, static_cast<int>(e.kind))
      .Bind(3, ToUnixMicros(e.at))
      .Bind(4, e.name)
      .Bind(5, e.attempt)
      .Bind(6, static_cast<int64_t>(e.duration.count()))
      .Bind(7, e.outcome)
      .Bind(8, e.detail)
      .Run();
}

// Inserts a follow-up as its first attempt, made before it was stored, left it: done,
// dead-lettered, or waiting for a retry (behind its lane's head, should one have come).
// Returns whether it is ready.
Result<bool> InsertAttempted(SqliteDb& db, const NewDelivery& d, const FollowUpAttempt& attempt,
                             Timestamp now) {
  const std::string lane = LaneOf(d.flow, d.output, d.business_key);
  const AttemptedColumns c = AttemptedColumnsOf(attempt, d.output, now);
  NewDeliveryState s;
  s.state = static_cast<int>(c.state);
  if (s.state == kReady) {
    ERPHUB_ASSIGN_OR_RETURN(bool queued, MustQueue(db, lane));
    s.state = queued ? kQueued : kReady;
  }
  s.not_before = c.not_before;
  s.attempts = 1;
  s.attempted = &c;
  ERPHUB_TRY(InsertDeliveryRow(db, d, lane, s, now));
  for (const LineageEvent& event : c.lineage) {
    ERPHUB_TRY(AddLineage(db, d.message_seq, event));
  }
  return s.state == kReady;
}

Status ApplyStateWrites(SqliteDb& db, std::span<const StateWrite> writes, Timestamp now) {
  for (const StateWrite& w : writes) {
    if (w.check != StateWrite::Check::kNone) {
      ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                              db.Prepare("SELECT value FROM state WHERE key = ?1"));
      q.Bind(1, w.key);
      ERPHUB_ASSIGN_OR_RETURN(bool exists, q.Step());
      const bool matches =
          w.check == StateWrite::Check::kAbsent ? !exists : exists && q.Blob(0) == w.expected;
      if (!matches) {
        return Status(StatusCode::kConflict, "state changed concurrently", "state key " + w.key);
      }
    }
    if (w.erase) {
      ERPHUB_ASSIGN_OR_RETURN(SqliteStatement d, db.Prepare("DELETE FROM state WHERE key = ?1"));
      ERPHUB_TRY(d.Bind(1, w.key).Run());
      continue;
    }
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u,
        db.Prepare("INSERT INTO state (key, value, updated_at) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                   "updated_at = excluded.updated_at"));
    ERPHUB_TRY(u.Bind(1, w.key).BindBlob(2, w.value).Bind(3, ToUnixMicros(now)).Run());
  }
  return Status::Ok();
}

// The claimed row a lease refers to.
struct LeasedRow {
  int64_t message_seq = 0;
  std::string flow;
  std::string output;
  std::string lane;
  int attempt = 0;  // since the last replay
  Timestamp claimed_at;
};

Result<LeasedRow> CheckLease(SqliteDb& db, const Lease& lease) {
  ERPHUB_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db.Prepare("SELECT message_seq, flow, output, coalesce(lane, ''), attempts - budget_base, "
                 "claimed_at FROM deliveries "
                 "WHERE id = ?1 AND state = 2 AND attempts = ?2 AND lease_owner = ?3"));
  q.Bind(1, lease.delivery_id).Bind(2, lease.token).Bind(3, lease.owner);
  ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
  if (!found) {
    return Status(StatusCode::kFailedPrecondition,
                  "lease lost: the delivery was finished or claimed again after the lease expired",
                  "delivery " + std::to_string(lease.delivery_id));
  }
  return LeasedRow{q.Int(0),          q.Text(1), q.Text(2), q.Text(3), static_cast<int>(q.Int(4)),
                   OptionalTime(q, 5)};
}

// Ends an attempt: clears the lease and records the attempt and the report's events.
Status RecordAttempt(SqliteDb& db, const LeasedRow& row, const AttemptReport& report,
                     std::string_view outcome, std::string detail, Timestamp now) {
  for (const LineageEvent& event : AttemptLineage(report, row.output, row.attempt, row.claimed_at,
                                                  outcome, std::move(detail), now)) {
    ERPHUB_TRY(AddLineage(db, row.message_seq, event));
  }
  return Status::Ok();
}

// ---- the store ----

class SqliteStore final : public Store {
 public:
  SqliteStore(const Clock& clock, std::unique_ptr<SqliteDb> writer,
              std::unique_ptr<SqliteDb> reader, std::unique_ptr<WalCheckpointer> checkpointer,
              const StoreOptions& options)
      : clock_(clock),
        writer_(std::move(writer)),
        reader_(std::move(reader)),
        checkpointer_(std::move(checkpointer)),
        committer_(std::make_unique<GroupCommitter>(
            *writer_, options.group_commit_window, options.max_operations_per_transaction,
            options.fsync == FsyncMode::kFull, kGroupCommitBusyBatch, options.on_durable_commit)) {}

  Result<std::vector<Accepted>> Accept(std::span<const Acceptance> items,
                                       std::span<const StateWrite> state) override;
  Result<std::vector<Accepted>> AcceptAndClaim(std::span<const Acceptance> items,
                                               std::span<const StateWrite> state,
                                               const ClaimOptions& next,
                                               std::vector<ClaimedDelivery>& leased) override;
  Result<int64_t> Quarantine(const QuarantineEntry& entry) override;
  Result<std::vector<ClaimedDelivery>> ClaimDeliveries(const ClaimOptions& options) override;
  Result<Lease> RenewLease(const Lease& lease, std::chrono::milliseconds duration) override;
  Status Complete(const Lease& lease, const AttemptReport& report,
                  std::span<const FollowUp> follow_ups) override;
  Result<std::vector<ClaimedDelivery>> CompleteAndClaim(const Lease& lease,
                                                        const AttemptReport& report,
                                                        std::span<const FollowUp> follow_ups,
                                                        const ClaimOptions& next) override;
  Result<bool> LaneBusy(std::string_view flow, std::string_view output,
                        std::string_view business_key) override;
  Status RetryLater(const Lease& lease, Timestamp not_before, std::string_view error,
                    const AttemptReport& report) override;
  Status DeadLetter(const Lease& lease, const DeadLetterInfo& info,
                    const AttemptReport& report) override;
  Status RecordLineage(const MessageId& id, std::span<const LineageEvent> events) override;
  uint64_t WorkGeneration() const override;
  void AwaitWork(uint64_t seen, std::chrono::milliseconds timeout) override;
  Result<std::vector<DeadLetterEntry>> ListDeadLetters(const DeadLetterFilter& filter) override;
  Result<DeadLetterDetail> GetDeadLetter(int64_t id) override;
  Status Replay(int64_t id, const ReplayOptions& options) override;
  Status Discard(int64_t id, std::string_view reason) override;
  Result<std::vector<QuarantineEntry>> ListQuarantine(const QuarantineFilter& filter) override;
  Result<QuarantineEntry> GetQuarantine(int64_t id) override;
  Status ResolveQuarantine(int64_t id, std::string_view resolution) override;
  Result<MessageTrace> Trace(const MessageId& id) override;
  Result<std::vector<MessageId>> FindByBusinessKey(std::string_view business_key,
                                                   std::string_view flow, int limit) override;
  Result<std::optional<std::string>> GetState(std::string_view key) override;
  Status PutState(std::span<const StateWrite> writes) override;
  Result<std::optional<std::string>> LookupXref(std::string_view system, std::string_view entity,
                                                std::string_view external_id) override;
  Status PutXref(std::string_view system, std::string_view entity, std::string_view external_id,
                 std::string_view system_id) override;
  Result<std::vector<FlowBacklog>> Backlog() override;
  Status RecordNode(std::string_view node, Timestamp started_at) override;
  Result<std::vector<NodeSeen>> Nodes() override;
  StoreStats Stats() const override;

 private:
  Status Write(const GroupCommitter::Operation& op) { return committer_->Run(op); }
  // A write whose loss in a power cut only means redoing it (see GroupCommitter::Sync).
  Status WriteUnsynced(const GroupCommitter::Operation& op) {
    return committer_->Run(op, GroupCommitter::Sync::kUnsynced);
  }

  // Runs `fn` on the read connection inside one read transaction (a consistent snapshot).
  template <typename T>
  Result<T> Read(const std::function<Result<T>(SqliteDb&)>& fn) {
    std::lock_guard<std::mutex> lock(reader_mu_);
    ERPHUB_TRY(reader_->Exec("BEGIN"));
    Result<T> result = fn(*reader_);
    reader_->Exec("COMMIT").ok();
    return result;
  }

  // Accept; with `next`, also leases the new deliveries it may claim into `leased`.
  Result<std::vector<Accepted>> AcceptLeasing(std::span<const Acceptance> items,
                                              std::span<const StateWrite> state,
                                              const ClaimOptions* next,
                                              std::vector<ClaimedDelivery>* leased);
  // Complete; with `next`, also leases the follow-ups it may claim (nullptr: none).
  Result<std::vector<ClaimedDelivery>> CompleteLeasing(const Lease& lease,
                                                       const AttemptReport& report,
                                                       std::span<const FollowUp> follow_ups,
                                                       const ClaimOptions* next);

  void NotifyWork() {
    {
      std::lock_guard<std::mutex> lock(work_mu_);
      work_generation_.fetch_add(1);
    }
    work_cv_.notify_all();
  }

  Result<DeadLetterEntry> ReadDeadLetter(SqliteDb& db, int64_t id, int64_t* message_seq,
                                         std::string* payload_json);

  const Clock& clock_;
  std::unique_ptr<SqliteDb> writer_;
  std::unique_ptr<SqliteDb> reader_;
  std::mutex reader_mu_;
  // Declared after writer_: stops before the connection closes.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  // Declared last: stops committing before the checkpointer and the connections go.
  std::unique_ptr<GroupCommitter> committer_;

  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::atomic<uint64_t> work_generation_{0};

  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> duplicates_{0};
};

Result<std::vector<Accepted>> SqliteStore::Accept(std::span<const Acceptance> items,
                                                  std::span<const StateWrite> state) {
  return AcceptLeasing(items, state, nullptr, nullptr);
}

Result<std::vector<Accepted>> SqliteStore::AcceptAndClaim(std::span<const Acceptance> items,
                                                          std::span<const StateWrite> state,
                                                          const ClaimOptions& next,
                                                          std::vector<ClaimedDelivery>& leased) {
  return AcceptLeasing(items, state, &next, &leased);
}

Result<std::vector<Accepted>> SqliteStore::AcceptLeasing(std::span<const Acceptance> items,
                                                         std::span<const StateWrite> state,
                                                         const ClaimOptions* next,
                                                         std::vector<ClaimedDelivery>* leased) {
  // Serialize before entering the shared transaction, so it stays short.
  std::vector<std::string> payloads;
  std::vector<std::string> headers;
  payloads.reserve(items.size());
  headers.reserve(items.size());
  for (const Acceptance& item : items) {
    ERPHUB_TRY(ValidateAcceptance(item));
    ERPHUB_ASSIGN_OR_RETURN(std::string payload, AcceptancePayloadJson(item));
    payloads.push_back(std::move(payload));
    headers.push_back(HeadersToJson(item.message.headers));
  }
  std::vector<Accepted> results;
  uint64_t duplicates = 0;
  std::vector<RawClaim> raw;
  bool work_left = false;  // a ready delivery nobody leased here
  Status status = Write([&](SqliteDb& db) -> Status {
    results.clear();
    duplicates = 0;
    raw.clear();
    work_left = false;
    const Timestamp now = clock_.Now();
    for (size_t i = 0; i < items.size(); ++i) {
      const Acceptance& item = items[i];
      const Message& m = item.message;
      if (!item.event_id.empty()) {
        ERPHUB_ASSIGN_OR_RETURN(
            SqliteStatement q,
            db.Prepare("SELECT id, seq FROM messages WHERE flow = ?1 AND event_id = ?2"));
        q.Bind(1, m.flow).Bind(2, item.event_id);
        ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
        if (found) {
          ERPHUB_ASSIGN_OR_RETURN(MessageId original, IdFromText(q.Text(0)));
          const int64_t seq = q.Int(1);
          LineageEvent e{LineageKind::kDuplicate,
                         now,
                         "",
                         0,
                         microseconds(0),
                         "",
                         DuplicateEventDetail(item.event_id, item.source)};
          ERPHUB_TRY(AddLineage(db, seq, e));
          results.push_back(Accepted{original, true});
          ++duplicates;
          continue;
        }
      }
      ERPHUB_ASSIGN_OR_RETURN(
          SqliteStatement insert,
          db.Prepare("INSERT INTO messages (id, flow, business_key, event_id, payload, headers, "
                     "received_at, accepted_at, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                     "?9)"));
      Status inserted = insert.Bind(1, m.id.ToString())
                            .Bind(2, m.flow)
                            .Bind(3, m.business_key)
                            .BindTextOrNull(4, item.event_id)
                            .Bind(5, payloads[i])
                            .Bind(6, headers[i])
                            .Bind(7, ToUnixMicros(m.received_at))
                            .Bind(8, ToUnixMicros(now))
                            .Bind(9, item.source)
                            .Run();
      if (!inserted.ok()) {
        return inserted.code() == StatusCode::kAlreadyExists
                   ? Status(StatusCode::kAlreadyExists, "message id already stored",
                            m.id.ToString())
                   : inserted;
      }
      const int64_t seq = db.LastInsertRowid();
      for (const std::string& output : item.outputs) {
        ERPHUB_ASSIGN_OR_RETURN(
            bool left, InsertDelivery(db,
                                      NewDelivery{seq, m.flow, output, m.business_key, std::nullopt,
                                                  static_cast<int64_t>(payloads[i].size())},
                                      now, next, raw));
        work_left = work_left || left;
      }
      results.push_back(Accepted{m.id, false});
    }
    return ApplyStateWrites(db, state, now);
  });
  ERPHUB_TRY(status);
  accepted_.fetch_add(items.size() - duplicates);
  duplicates_.fetch_add(duplicates);
  if (work_left) {
    NotifyWork();
  }
  if (leased != nullptr) {
    std::vector<ClaimedDelivery> claims = LeasedByCommit(std::move(raw));
    std::move(claims.begin(), claims.end(), std::back_inserter(*leased));
  }
  return results;
}

Result<int64_t> SqliteStore::Quarantine(const QuarantineEntry& entry) {
  const std::string headers = HeadersToJson(entry.headers);
  int64_t id = 0;
  ERPHUB_TRY(Write([&](SqliteDb& db) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db.Prepare("INSERT INTO quarantine (flow, source, reason, raw, headers, received_at, "
                   "message_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    q.Bind(1, entry.flow)
        .Bind(2, entry.source)
        .Bind(3, entry.reason)
        .BindBlob(4, entry.raw)
        .Bind(5, headers)
        .Bind(6, ToUnixMicros(entry.received_at == Timestamp() ? clock_.Now() : entry.received_at))
        .BindTextOrNull(7, entry.message_id.is_nil() ? "" : entry.message_id.ToString());
    ERPHUB_TRY(q.Run());
    id = db.LastInsertRowid();
    return Status::Ok();
  }));
  return id;
}

// The ids of up to `limit` due ready deliveries of `flows` (empty: all), oldest due first.
Result<std::vector<int64_t>> PickDue(SqliteDb& db, const std::vector<std::string>& flows,
                                     int64_t now_us, int limit) {
  std::string sql =
      "SELECT id FROM deliveries INDEXED BY deliveries_due WHERE state = 1 AND not_before <= ?1";
  if (!flows.empty()) {
    sql += " AND flow IN (";
    for (size_t i = 0; i < flows.size(); ++i) {
      sql += (i == 0 ? "?" : ", ?") + std::to_string(3 + i);
    }
    sql += ")";
  }
  ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q, db.Prepare(sql + " ORDER BY not_before, id LIMIT ?2"));
  q.Bind(1, now_us).Bind(2, limit);
  for (size_t i = 0; i < flows.size(); ++i) {
    q.Bind(static_cast<int>(3 + i), flows[i]);
  }
  std::vector<int64_t> ids;
  while (true) {
    ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) {
      return ids;
    }
    ids.push_back(q.Int(0));
  }
}

// The same among the deliveries to `outputs`: an ordered index read per output, merged, so an
// output left out is not read at all. A statement reads at most kOutputsPerStatement of them
// (SQLite takes up to 500 terms in a compound SELECT).
Result<std::vector<int64_t>> PickDueOf(SqliteDb& db, const std::vector<OutputRef>& outputs,
                                       int64_t now_us, int limit) {
  constexpr size_t kOutputsPerStatement = 100;
  std::vector<std::pair<int64_t, int64_t>> due;  // not_before, id
  for (size_t first = 0; first < outputs.size(); first += kOutputsPerStatement) {
    const size_t count = std::min(kOutputsPerStatement, outputs.size() - first);
    std::string sql = "SELECT not_before, id FROM (";
    for (size_t i = 0; i < count; ++i) {
      sql += std::string(i == 0 ? "" : " UNION ALL ") +
             "SELECT * FROM (SELECT not_before, id FROM deliveries INDEXED BY deliveries_ready "
             "WHERE state = 1 AND flow = ?" +
             std::to_string(3 + 2 * i) + " AND output = ?" + std::to_string(4 + 2 * i) +
             " AND not_before <= ?1 ORDER BY not_before, id LIMIT ?2)";
    }
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                            db.Prepare(sql + ") ORDER BY not_before, id LIMIT ?2"));
    q.Bind(1, now_us).Bind(2, limit);
    for (size_t i = 0; i < count; ++i) {
      const OutputRef& output = outputs[first + i];
      q.Bind(static_cast<int>(3 + 2 * i), output.flow)
          .Bind(static_cast<int>(4 + 2 * i), output.output);
    }
    while (true) {
      ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        break;
      }
      due.emplace_back(q.Int(0), q.Int(1));
    }
  }
  std::sort(due.begin(), due.end());
  std::vector<int64_t> ids;
  for (size_t i = 0; i < due.size() && i < static_cast<size_t>(limit); ++i) {
    ids.push_back(due[i].second);
  }
  return ids;
}

Result<std::vector<ClaimedDelivery>> SqliteStore::ClaimDeliveries(const ClaimOptions& options) {
  if (options.owner.empty() || options.limit < 1 || options.lease_duration.count() <= 0) {
    return InvalidArgumentError("a claim needs an owner, a positive limit and a lease duration");
  }
  const std::optional<std::vector<OutputRef>> outputs = ClaimedOutputs(options);
  std::vector<RawClaim> raw;
  bool returned_expired = false;
  // Unsynced: a claim lost in a power cut leaves the work ready, to be claimed again.
  ERPHUB_TRY(WriteUnsynced([&](SqliteDb& db) -> Status {
    raw.clear();
    returned_expired = false;
    const Timestamp now = clock_.Now();
    const int64_t now_us = ToUnixMicros(now);

    // Leases that expired: their owners are gone or too slow; the work returns to ready.
    struct Expired {
      int64_t id;
      LeasedRow row;
      std::string owner;
      Timestamp expired_at;
    };
    std::vector<Expired> expired;
    {
      ERPHUB_ASSIGN_OR_RETURN(
          SqliteStatement q,
          db.Prepare("SELECT id, message_seq, output, attempts - budget_base, claimed_at, "
                     "coalesce(lease_owner, ''), lease_expires_at FROM deliveries "
                     "WHERE state = 2 AND lease_expires_at <= ?1"));
      q.Bind(1, now_us);
      while (true) {
        ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) {
          break;
        }
        LeasedRow leased{q.Int(1),          "", q.Text(2), "", static_cast<int>(q.Int(3)),
                         OptionalTime(q, 4)};
        expired.push_back(Expired{q.Int(0), std::move(leased), q.Text(5), OptionalTime(q, 6)});
      }
    }
    for (const Expired& e : expired) {
      const std::string error =
          "lease held by " + e.owner + " expired at " + FormatUtc(e.expired_at);
      ERPHUB_ASSIGN_OR_RETURN(
          SqliteStatement u,
          db.Prepare("UPDATE deliveries SET state = 1, not_before = ?2, last_error = ?3, "
                     "lease_owner = NULL, lease_expires_at = NULL, claimed_at = NULL "
                     "WHERE id = ?1"));
      ERPHUB_TRY(u.Bind(1, e.id).Bind(2, now_us).Bind(3, error).Run());
      ERPHUB_TRY(RecordAttempt(db, e.row, AttemptReport{}, "lease expired", error, now));
      returned_expired = true;
    }

    ERPHUB_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                            outputs ? PickDueOf(db, *outputs, now_us, options.limit)
                                    : PickDue(db, options.flows, now_us, options.limit));
    const Timestamp expires =
        now + std::chrono::duration_cast<microseconds>(options.lease_duration);
    for (int64_t id : ids) {
      ERPHUB_ASSIGN_OR_RETURN(RawClaim c, LeaseDelivery(db, id, options.owner, expires, now_us));
      raw.push_back(std::move(c));
    }
    return Status::Ok();
  }));
  if (returned_expired) {
    NotifyWork();
  }

  return ClaimsFromRaw(std::move(raw));
}

Result<Lease> SqliteStore::RenewLease(const Lease& lease, std::chrono::milliseconds duration) {
  if (duration.count() <= 0) {
    return InvalidArgumentError("a lease duration must be positive");
  }
  Lease renewed = lease;
  ERPHUB_TRY(WriteUnsynced([&](SqliteDb& db) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(LeasedRow row, CheckLease(db, lease));
    (void)row;
    renewed.expires_at = clock_.Now() + std::chrono::duration_cast<microseconds>(duration);
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u, db.Prepare("UPDATE deliveries SET lease_expires_at = ?2 WHERE id = ?1"));
    return u.Bind(1, lease.delivery_id).Bind(2, ToUnixMicros(renewed.expires_at)).Run();
  }));
  return renewed;
}

Status SqliteStore::Complete(const Lease& lease, const AttemptReport& report,
                             std::span<const FollowUp> follow_ups) {
  return CompleteLeasing(lease, report, follow_ups, nullptr).status();
}

Result<std::vector<ClaimedDelivery>> SqliteStore::CompleteAndClaim(
    const Lease& lease, const AttemptReport& report, std::span<const FollowUp> follow_ups,
    const ClaimOptions& next) {
  return CompleteLeasing(lease, report, follow_ups, &next);
}

Result<std::vector<ClaimedDelivery>> SqliteStore::CompleteLeasing(
    const Lease& lease, const AttemptReport& report, std::span<const FollowUp> follow_ups,
    const ClaimOptions* next) {
  std::vector<std::optional<std::string>> payloads;
  std::set<std::string_view> seen;
  for (const FollowUp& f : follow_ups) {
    if (f.output.empty() || !seen.insert(f.output).second) {
      return InvalidArgumentError("follow-up outputs must be distinct and non-empty");
    }
    if (f.payload.is_undefined()) {
      payloads.emplace_back(std::nullopt);
    } else {
      ERPHUB_ASSIGN_OR_RETURN(std::string json, SerializePayload(f.payload));
      payloads.emplace_back(std::move(json));
    }
  }
  std::vector<RawClaim> raw;
  bool work_left = false;  // a ready delivery nobody leased here
  ERPHUB_TRY(Write([&](SqliteDb& db) -> Status {
    raw.clear();
    work_left = false;
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(LeasedRow row, CheckLease(db, lease));
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u,
        db.Prepare("UPDATE deliveries SET state = 3, finished_at = ?2, lease_owner = NULL, "
                   "lease_expires_at = NULL WHERE id = ?1"));
    ERPHUB_TRY(u.Bind(1, lease.delivery_id).Bind(2, ToUnixMicros(now)).Run());
    ERPHUB_TRY(RecordAttempt(db, row, report, "done", "", now));
    if (!follow_ups.empty()) {
      // The lane names the business key; the message's size is read only for a follow-up that
      // delivers the message's own payload.
      const std::string business_key(KeyOfLane(row.lane));
      int64_t message_bytes = 0;
      if (std::find(payloads.begin(), payloads.end(), std::nullopt) != payloads.end()) {
        ERPHUB_ASSIGN_OR_RETURN(
            SqliteStatement q,
            db.Prepare("SELECT length(CAST(payload AS BLOB)) FROM messages WHERE seq = ?1"));
        q.Bind(1, row.message_seq);
        ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
        if (!found) {
          return InternalError("delivery without message");
        }
        message_bytes = q.Int(0);
      }
      for (size_t i = 0; i < follow_ups.size(); ++i) {
        const int64_t bytes =
            payloads[i] ? static_cast<int64_t>(payloads[i]->size()) : message_bytes;
        const std::string& output = follow_ups[i].output;
        const NewDelivery d{row.message_seq, row.flow, output, business_key, payloads[i], bytes};
        bool left = false;
        if (follow_ups[i].attempted) {
          ERPHUB_ASSIGN_OR_RETURN(left, InsertAttempted(db, d, *follow_ups[i].attempted, now));
        } else {
          ERPHUB_ASSIGN_OR_RETURN(left, InsertDelivery(db, d, now, next, raw));
        }
        work_left = work_left || left;
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(bool promoted, PromoteNext(db, row.lane));
    work_left = work_left || promoted;
    return Status::Ok();
  }));
  if (work_left) {
    NotifyWork();
  }
  return LeasedByCommit(std::move(raw));
}

Result<bool> SqliteStore::LaneBusy(std::string_view flow, std::string_view output,
                                   std::string_view business_key) {
  // On the read connection, which sees every committed write: a check does not wait for the
  // writer.
  std::lock_guard<std::mutex> lock(reader_mu_);
  return MustQueue(*reader_, LaneOf(flow, output, business_key));
}

Status SqliteStore::RetryLater(const Lease& lease, Timestamp not_before, std::string_view error,
                               const AttemptReport& report) {
  ERPHUB_TRY(Write([&](SqliteDb& db) -> Status {
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(LeasedRow row, CheckLease(db, lease));
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u,
        db.Prepare("UPDATE deliveries SET state = 1, not_before = ?2, last_error = ?3, "
                   "lease_owner = NULL, lease_expires_at = NULL, claimed_at = NULL "
                   "WHERE id = ?1"));
    ERPHUB_TRY(u.Bind(1, lease.delivery_id).Bind(2, ToUnixMicros(not_before)).Bind(3, error).Run());
    return RecordAttempt(db, row, report, "retry", RetryDetail(error, not_before), now);
  }));
  NotifyWork();
  return Status::Ok();
}

Status SqliteStore::DeadLetter(const Lease& lease, const DeadLetterInfo& info,
                               const AttemptReport& report) {
  ERPHUB_TRY(Write([&](SqliteDb& db) -> Status {
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(LeasedRow row, CheckLease(db, lease));
    const bool blocks = info.on_dead_letter == OnDeadLetter::kBlockKey;
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u,
        db.Prepare("UPDATE deliveries SET state = 4, last_error = ?2, response_body = ?3, "
                   "failed_at = ?4, blocks_lane = ?5, finished_at = ?6, lease_owner = NULL, "
                   "lease_expires_at = NULL WHERE id = ?1"));
    ERPHUB_TRY(u.Bind(1, lease.delivery_id)
                   .Bind(2, info.error)
                   .Bind(3, info.response_body)
                   .Bind(4, info.failed_at.empty() ? row.output : info.failed_at)
                   .Bind(5, blocks ? 1 : 0)
                   .Bind(6, ToUnixMicros(now))
                   .Run());
    ERPHUB_TRY(RecordAttempt(db, row, report, "dead", info.error, now));
    if (!blocks) {
      ERPHUB_TRY(PromoteNext(db, row.lane));
    }
    return Status::Ok();
  }));
  NotifyWork();
  return Status::Ok();
}

Status SqliteStore::RecordLineage(const MessageId& id, std::span<const LineageEvent> events) {
  const std::string text = id.ToString();
  return Write([&](SqliteDb& db) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                            db.Prepare("SELECT seq FROM messages WHERE id = ?1"));
    q.Bind(1, text);
    ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return NotFoundError("no such message", text);
    }
    const int64_t seq = q.Int(0);
    const Timestamp now = clock_.Now();
    for (LineageEvent e : events) {
      if (e.at == Timestamp()) {
        e.at = now;
      }
      ERPHUB_TRY(AddLineage(db, seq, e));
    }
    return Status::Ok();
  });
}

uint64_t SqliteStore::WorkGeneration() const { return work_generation_.load(); }

void SqliteStore::AwaitWork(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(work_mu_);
  work_cv_.wait_for(lock, timeout, [&] { return work_generation_.load() != seen; });
}

constexpr const char* kDeadLetterColumns =
    "SELECT d.id, m.id, d.flow, m.business_key, d.output, d.failed_at, d.last_error, "
    "d.response_body, d.attempts, d.finished_at, d.blocks_lane, d.message_seq, "
    "coalesce(d.payload, m.payload) ";

Result<DeadLetterEntry> ReadDeadLetterRow(const SqliteStatement& q) {
  DeadLetterEntry e;
  e.id = q.Int(0);
  ERPHUB_ASSIGN_OR_RETURN(e.message_id, IdFromText(q.Text(1)));
  e.flow = q.Text(2);
  e.business_key = q.Text(3);
  e.output = q.Text(4);
  e.failed_at = q.Text(5);
  e.error = q.Text(6);
  e.response_body = q.Text(7);
  e.attempts = static_cast<int>(q.Int(8));
  e.dead_at = OptionalTime(q, 9);
  e.blocks_key = q.Int(10) != 0;
  return e;
}

Result<std::vector<DeadLetterEntry>> SqliteStore::ListDeadLetters(const DeadLetterFilter& filter) {
  return Read<std::vector<DeadLetterEntry>>(
      [&](SqliteDb& db) -> Result<std::vector<DeadLetterEntry>> {
        ERPHUB_ASSIGN_OR_RETURN(
            SqliteStatement q, db.Prepare(std::string(kDeadLetterColumns) +
                                          "FROM deliveries d INDEXED BY deliveries_dead "
                                          "JOIN messages m ON m.seq = d.message_seq "
                                          "WHERE d.state = 4 AND d.finished_at >= ?1 AND d.id > ?2 "
                                          "AND (?3 = '' OR d.flow = ?3) ORDER BY d.id LIMIT ?4"));
        q.Bind(1, ToUnixMicros(filter.since))
            .Bind(2, filter.after_id)
            .Bind(3, filter.flow)
            .Bind(4, filter.limit);
        std::vector<DeadLetterEntry> list;
        while (true) {
          ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
          if (!row) {
            break;
          }
          ERPHUB_ASSIGN_OR_RETURN(DeadLetterEntry e, ReadDeadLetterRow(q));
          list.push_back(std::move(e));
        }
        return list;
      });
}

Result<Message> ReadMessage(SqliteDb& db, int64_t seq) {
  ERPHUB_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db.Prepare("SELECT id, flow, business_key, payload, headers, received_at FROM messages "
                 "WHERE seq = ?1"));
  q.Bind(1, seq);
  ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
  if (!found) {
    return NotFoundError("no such message");
  }
  Message m;
  ERPHUB_ASSIGN_OR_RETURN(m.id, IdFromText(q.Text(0)));
  m.flow = q.Text(1);
  m.business_key = q.Text(2);
  ERPHUB_ASSIGN_OR_RETURN(m.payload, PayloadFromJson(q.Text(3)));
  ERPHUB_ASSIGN_OR_RETURN(m.headers, HeadersFromJson(q.Text(4)));
  m.received_at = FromUnixMicros(q.Int(5));
  return m;
}

LineageEvent ReadLineageRow(const SqliteStatement& q) {
  LineageEvent e;
  e.kind = static_cast<LineageKind>(q.Int(0));
  e.at = FromUnixMicros(q.Int(1));
  e.name = q.Text(2);
  e.attempt = static_cast<int>(q.Int(3));
  e.duration = microseconds(q.Int(4));
  e.outcome = q.Text(5);
  e.detail = q.Text(6);
  return e;
}

Result<DeadLetterDetail> SqliteStore::GetDeadLetter(int64_t id) {
  return Read<DeadLetterDetail>([&](SqliteDb& db) -> Result<DeadLetterDetail> {
    DeadLetterDetail detail;
    int64_t seq = 0;
    std::string payload;
    {
      ERPHUB_ASSIGN_OR_RETURN(
          SqliteStatement q,
          db.Prepare(std::string(kDeadLetterColumns) +
                     "FROM deliveries d JOIN messages m ON m.seq = d.message_seq "
                     "WHERE d.id = ?1 AND d.state = 4"));
      q.Bind(1, id);
      ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
      if (!found) {
        return NotFoundError("no such dead letter", std::to_string(id));
      }
      ERPHUB_ASSIGN_OR_RETURN(detail.entry, ReadDeadLetterRow(q));
      seq = q.Int(11);
      payload = q.Text(12);
    }
    ERPHUB_ASSIGN_OR_RETURN(detail.message, ReadMessage(db, seq));
    ERPHUB_ASSIGN_OR_RETURN(detail.payload, PayloadFromJson(payload));
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db.Prepare("SELECT kind, at, name, attempt, duration_us, outcome, detail FROM lineage "
                   "WHERE message_seq = ?1 AND kind = 3 AND name = ?2 ORDER BY id"));
    q.Bind(1, seq).Bind(2, detail.entry.output);
    while (true) {
      ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        break;
      }
      detail.attempts.push_back(ReadLineageRow(q));
    }
    return detail;
  });
}

// Reads a dead delivery's lane and message inside a write; kNotFound / kFailedPrecondition.
struct DeadRow {
  int64_t message_seq = 0;
  std::string lane;
};

Result<DeadRow> CheckDead(SqliteDb& db, int64_t id) {
  ERPHUB_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db.Prepare("SELECT state, message_seq, coalesce(lane, '') FROM deliveries WHERE id = ?1"));
  q.Bind(1, id);
  ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
  if (!found) {
    return NotFoundError("no such delivery", std::to_string(id));
  }
  const auto state = static_cast<DeliveryState>(q.Int(0));
  if (state != DeliveryState::kDead) {
    return Status(StatusCode::kFailedPrecondition,
                  "delivery is " + std::string(DeliveryStateName(state)) + ", not dead",
                  std::to_string(id));
  }
  return DeadRow{q.Int(1), q.Text(2)};
}

Status SqliteStore::Replay(int64_t id, const ReplayOptions& options) {
  std::optional<std::string> payload;
  if (!options.payload.is_undefined()) {
    ERPHUB_ASSIGN_OR_RETURN(std::string json, SerializePayload(options.payload));
    payload = std::move(json);
  }
  ERPHUB_TRY(Write([&](SqliteDb& db) -> Status {
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(DeadRow row, CheckDead(db, id));
    int state = kReady;
    if (!row.lane.empty()) {
      ERPHUB_ASSIGN_OR_RETURN(bool has_head, LaneHasHead(db, row.lane, id));
      if (has_head) {
        state = kQueued;
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u,
        db.Prepare(
            "UPDATE deliveries SET state = ?2, not_before = ?3, eligible_since = ?3, "
            "budget_base = attempts, blocks_lane = 0, finished_at = NULL, "
            "payload = coalesce(?4, payload), bytes = coalesce(length(CAST(?4 AS BLOB)), bytes) "
            "WHERE id = ?1"));
    u.Bind(1, id).Bind(2, state).Bind(3, ToUnixMicros(now));
    if (payload) {
      u.Bind(4, *payload);
    } else {
      u.Bind(4, std::nullopt);
    }
    ERPHUB_TRY(u.Run());
    LineageEvent e{LineageKind::kReplayed,          now,         "", 0, microseconds(0),
                   payload ? "payload edited" : "", options.note};
    return AddLineage(db, row.message_seq, e);
  }));
  NotifyWork();
  return Status::Ok();
}

Status SqliteStore::Discard(int64_t id, std::string_view reason) {
  if (reason.empty()) {
    return InvalidArgumentError("discarding a dead letter needs a reason");
  }
  ERPHUB_TRY(Write([&](SqliteDb& db) -> Status {
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(DeadRow row, CheckDead(db, id));
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u,
        db.Prepare("UPDATE deliveries SET state = 5, blocks_lane = 0, finished_at = ?2 "
                   "WHERE id = ?1"));
    ERPHUB_TRY(u.Bind(1, id).Bind(2, ToUnixMicros(now)).Run());
    LineageEvent e{LineageKind::kDiscarded, now, "", 0, microseconds(0), "", std::string(reason)};
    ERPHUB_TRY(AddLineage(db, row.message_seq, e));
    return PromoteNext(db, row.lane).status();
  }));
  NotifyWork();
  return Status::Ok();
}

constexpr const char* kQuarantineColumns =
    "SELECT id, flow, source, reason, raw, headers, received_at, coalesce(message_id, ''), "
    "resolved_at, resolution FROM quarantine ";

Result<QuarantineEntry> ReadQuarantineRow(const SqliteStatement& q) {
  QuarantineEntry e;
  e.id = q.Int(0);
  e.flow = q.Text(1);
  e.source = q.Text(2);
  e.reason = q.Text(3);
  e.raw = q.Blob(4);
  ERPHUB_ASSIGN_OR_RETURN(e.headers, HeadersFromJson(q.Text(5)));
  e.received_at = FromUnixMicros(q.Int(6));
  if (std::string id = q.Text(7); !id.empty()) {
    ERPHUB_ASSIGN_OR_RETURN(e.message_id, IdFromText(id));
  }
  if (!q.IsNull(8)) {
    e.resolved_at = FromUnixMicros(q.Int(8));
  }
  e.resolution = q.Text(9);
  return e;
}

Result<std::vector<QuarantineEntry>> SqliteStore::ListQuarantine(const QuarantineFilter& filter) {
  return Read<std::vector<QuarantineEntry>>(
      [&](SqliteDb& db) -> Result<std::vector<QuarantineEntry>> {
        ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                                db.Prepare(std::string(kQuarantineColumns) +
                                           "WHERE id > ?1 AND (?2 = '' OR flow = ?2) "
                                           "AND (?3 OR resolved_at IS NULL) ORDER BY id LIMIT ?4"));
        q.Bind(1, filter.after_id)
            .Bind(2, filter.flow)
            .Bind(3, filter.include_resolved ? 1 : 0)
            .Bind(4, filter.limit);
        std::vector<QuarantineEntry> list;
        while (true) {
          ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
          if (!row) {
            break;
          }
          ERPHUB_ASSIGN_OR_RETURN(QuarantineEntry e, ReadQuarantineRow(q));
          list.push_back(std::move(e));
        }
        return list;
      });
}

Result<QuarantineEntry> SqliteStore::GetQuarantine(int64_t id) {
  return Read<QuarantineEntry>([&](SqliteDb& db) -> Result<QuarantineEntry> {
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                            db.Prepare(std::string(kQuarantineColumns) + "WHERE id = ?1"));
    q.Bind(1, id);
    ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return NotFoundError("no such quarantine entry", std::to_string(id));
    }
    return ReadQuarantineRow(q);
  });
}

Status SqliteStore::ResolveQuarantine(int64_t id, std::string_view resolution) {
  if (resolution.empty()) {
    return InvalidArgumentError("resolving a quarantine entry needs a resolution");
  }
  return Write([&](SqliteDb& db) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                            db.Prepare("SELECT resolved_at IS NULL FROM quarantine WHERE id = ?1"));
    q.Bind(1, id);
    ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return NotFoundError("no such quarantine entry", std::to_string(id));
    }
    if (q.Int(0) == 0) {
      return Status(StatusCode::kFailedPrecondition, "quarantine entry is already resolved",
                    std::to_string(id));
    }
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement u,
        db.Prepare("UPDATE quarantine SET resolved_at = ?2, resolution = ?3 WHERE id = ?1"));
    return u.Bind(1, id).Bind(2, ToUnixMicros(clock_.Now())).Bind(3, resolution).Run();
  });
}

Result<MessageTrace> SqliteStore::Trace(const MessageId& id) {
  const std::string text = id.ToString();
  return Read<MessageTrace>([&](SqliteDb& db) -> Result<MessageTrace> {
    MessageTrace trace;
    int64_t seq = 0;
    std::optional<std::string> source;  // NULL before schema version 4: a lineage row
    {
      ERPHUB_ASSIGN_OR_RETURN(
          SqliteStatement q,
          db.Prepare("SELECT seq, coalesce(event_id, ''), accepted_at, source FROM messages "
                     "WHERE id = ?1"));
      q.Bind(1, text);
      ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
      if (!found) {
        return NotFoundError("no such message", text);
      }
      seq = q.Int(0);
      trace.event_id = q.Text(1);
      trace.accepted_at = FromUnixMicros(q.Int(2));
      if (!q.IsNull(3)) {
        source = q.Text(3);
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(trace.message, ReadMessage(db, seq));
    {
      ERPHUB_ASSIGN_OR_RETURN(
          SqliteStatement q,
          db.Prepare("SELECT id, output, state, attempts, not_before, last_error, "
                     "coalesce(lease_owner, ''), lease_expires_at, finished_at FROM deliveries "
                     "WHERE message_seq = ?1 ORDER BY id"));
      q.Bind(1, seq);
      while (true) {
        ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) {
          break;
        }
        DeliveryInfo d;
        d.id = q.Int(0);
        d.output = q.Text(1);
        d.state = static_cast<DeliveryState>(q.Int(2));
        d.attempts = static_cast<int>(q.Int(3));
        d.not_before = FromUnixMicros(q.Int(4));
        d.last_error = q.Text(5);
        d.lease_owner = q.Text(6);
        if (!q.IsNull(7)) {
          d.lease_expires_at = FromUnixMicros(q.Int(7));
        }
        if (!q.IsNull(8)) {
          d.finished_at = FromUnixMicros(q.Int(8));
        }
        trace.deliveries.push_back(std::move(d));
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db.Prepare("SELECT kind, at, name, attempt, duration_us, outcome, detail FROM lineage "
                   "WHERE message_seq = ?1 ORDER BY at, id"));
    q.Bind(1, seq);
    while (true) {
      ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        break;
      }
      trace.events.push_back(ReadLineageRow(q));
    }
    if (source.has_value()) {
      AddReceivedEvent(trace.events, trace.message.received_at, std::move(*source));
    }
    return trace;
  });
}

Result<std::vector<MessageId>> SqliteStore::FindByBusinessKey(std::string_view business_key,
                                                              std::string_view flow, int limit) {
  return Read<std::vector<MessageId>>([&](SqliteDb& db) -> Result<std::vector<MessageId>> {
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db.Prepare("SELECT id FROM (SELECT id, seq FROM messages WHERE business_key = ?1 "
                   "AND (?2 = '' OR flow = ?2) ORDER BY seq DESC LIMIT ?3) ORDER BY seq"));
    q.Bind(1, business_key).Bind(2, flow).Bind(3, limit);
    std::vector<MessageId> ids;
    while (true) {
      ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        break;
      }
      ERPHUB_ASSIGN_OR_RETURN(MessageId id, IdFromText(q.Text(0)));
      ids.push_back(id);
    }
    return ids;
  });
}

Result<std::optional<std::string>> SqliteStore::GetState(std::string_view key) {
  return Read<std::optional<std::string>>([&](SqliteDb& db) -> Result<std::optional<std::string>> {
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                            db.Prepare("SELECT value FROM state WHERE key = ?1"));
    q.Bind(1, key);
    ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(q.Blob(0));
  });
}

Status SqliteStore::PutState(std::span<const StateWrite> writes) {
  return Write([&](SqliteDb& db) { return ApplyStateWrites(db, writes, clock_.Now()); });
}

Result<std::vector<FlowBacklog>> SqliteStore::Backlog() {
  return Read<std::vector<FlowBacklog>>([&](SqliteDb& db) -> Result<std::vector<FlowBacklog>> {
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db.Prepare("SELECT flow, state, count(*), sum(bytes), sum(attempts > 0) "
                   "FROM deliveries WHERE state IN (0, 1, 2, 4) GROUP BY flow, state "
                   "ORDER BY flow"));
    std::vector<FlowBacklog> list;
    while (true) {
      ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        break;
      }
      std::string flow = q.Text(0);
      if (list.empty() || list.back().flow != flow) {
        list.push_back(FlowBacklog{std::move(flow)});
      }
      FlowBacklog& b = list.back();
      const int64_t count = q.Int(2);
      switch (static_cast<DeliveryState>(q.Int(1))) {
        case DeliveryState::kQueued:
          b.queued = count;
          b.bytes += q.Int(3);
          break;
        case DeliveryState::kReady:
          b.ready = count;
          b.retrying = q.Int(4);
          b.bytes += q.Int(3);
          break;
        case DeliveryState::kInFlight:
          b.in_flight = count;
          b.bytes += q.Int(3);
          break;
        case DeliveryState::kDead:
          b.dead = count;
          break;
        default:
          break;
      }
    }
    return list;
  });
}

Result<std::optional<std::string>> SqliteStore::LookupXref(std::string_view system,
                                                           std::string_view entity,
                                                           std::string_view external_id) {
  // On the read connection: a lookup does not wait for the writer.
  std::lock_guard<std::mutex> lock(reader_mu_);
  ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                          reader_->Prepare("SELECT system_id FROM xref WHERE system = ?1 AND "
                                           "entity = ?2 AND external_id = ?3"));
  q.Bind(1, system).Bind(2, entity).Bind(3, external_id);
  ERPHUB_ASSIGN_OR_RETURN(bool found, q.Step());
  if (!found) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(q.Text(0));
}

Status SqliteStore::PutXref(std::string_view system, std::string_view entity,
                            std::string_view external_id, std::string_view system_id) {
  if (system.empty() || entity.empty() || external_id.empty() || system_id.empty()) {
    return InvalidArgumentError("a cross-reference needs a system, an entity and both ids");
  }
  return Write([&](SqliteDb& db) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db.Prepare("INSERT INTO xref (system, entity, external_id, system_id, updated_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (system, entity, external_id) DO "
                   "UPDATE SET system_id = excluded.system_id, updated_at = excluded.updated_at"));
    return q.Bind(1, system)
        .Bind(2, entity)
        .Bind(3, external_id)
        .Bind(4, system_id)
        .Bind(5, ToUnixMicros(clock_.Now()))
        .Run();
  });
}

Status SqliteStore::RecordNode(std::string_view node, Timestamp started_at) {
  if (node.empty()) {
    return InvalidArgumentError("a node needs a name");
  }
  return Write([&](SqliteDb& db) -> Status {
    const int64_t now = ToUnixMicros(clock_.Now());
    ERPHUB_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db.Prepare("INSERT INTO nodes (name, started_at, last_seen) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at, "
                   "last_seen = excluded.last_seen"));
    ERPHUB_TRY(q.Bind(1, node).Bind(2, ToUnixMicros(started_at)).Bind(3, now).Run());
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement forget,
                            db.Prepare("DELETE FROM nodes WHERE last_seen < ?1"));
    return forget.Bind(1, now - kForgetNodeAfterMicros).Run();
  });
}

Result<std::vector<NodeSeen>> SqliteStore::Nodes() {
  return Read<std::vector<NodeSeen>>([&](SqliteDb& db) -> Result<std::vector<NodeSeen>> {
    ERPHUB_ASSIGN_OR_RETURN(SqliteStatement q,
                            db.Prepare("SELECT name, started_at, last_seen FROM nodes "
                                       "WHERE last_seen >= ?1 ORDER BY last_seen DESC, name"));
    q.Bind(1, ToUnixMicros(clock_.Now()) - kForgetNodeAfterMicros);
    std::vector<NodeSeen> nodes;
    while (true) {
      ERPHUB_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        return nodes;
      }
      nodes.push_back(NodeSeen{q.Text(0), FromUnixMicros(q.Int(1)), FromUnixMicros(q.Int(2))});
    }
  });
}

StoreStats SqliteStore::Stats() const {
  StoreStats stats;
  stats.transactions = committer_->transactions();
  stats.unsynced_transactions = committer_->unsynced_transactions();
  stats.write_operations = committer_->operations();
  stats.accepted_messages = accepted_.load();
  stats.duplicate_messages = duplicates_.load();
  return stats;
}

// Applies connection settings; journal_mode only on the writer (it is persistent in the file).
Status Configure(SqliteDb& db, const StoreOptions& options) {
  ERPHUB_TRY(db.Exec("PRAGMA busy_timeout = 10000"));
  // 16 MB of pages (the default is 2 MB): the indexes every write walks stay in memory.
  ERPHUB_TRY(db.Exec("PRAGMA cache_size = -16384"));
  // Every operation of a group commit runs in a savepoint, whose sub-journal SQLite otherwise
  // spills to a temporary file (open, write, unlink) once it passes 64 KB.
  ERPHUB_TRY(db.Exec("PRAGMA temp_store = MEMORY"));
  ERPHUB_TRY(db.Exec(options.fsync == FsyncMode::kFull ? "PRAGMA synchronous = FULL"
                                                       : "PRAGMA synchronous = NORMAL"));
  return Status::Ok();
}

Status CheckIntegrity(SqliteDb& db) {
  Result<std::string> check = db.QueryText("PRAGMA quick_check");
  if (!check.ok()) {
    return Status(StatusCode::kDataLoss,
                  "the store file is torn or corrupt (" + check.status().ToString() +
                      "); restore it from a backup or move it aside",
                  db.path());
  }
  if (*check != "ok") {
    return Status(StatusCode::kDataLoss,
                  "the store file is torn or corrupt (integrity check: " + *check +
                      "); restore it from a backup or move it aside",
                  db.path());
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options) {
  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Default();
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Status(StatusCode::kUnavailable, "cannot create the store's folder: " + ec.message(),
                    parent.string());
    }
  }
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> writer, SqliteDb::Open(path, true));
  ERPHUB_TRY(writer->Exec("PRAGMA busy_timeout = 10000"));
  if (options.check_integrity) {
    ERPHUB_TRY(CheckIntegrity(*writer));
  }
  Result<std::string> mode = writer->QueryText("PRAGMA journal_mode = WAL");
  if (!mode.ok()) {
    if (mode.status().code() == StatusCode::kDataLoss) {
      return Status(
          StatusCode::kDataLoss,
          "the store file is not an SQLite database or is corrupt: " + mode.status().ToString());
    }
    return mode.status();
  }
  if (*mode != "wal") {
    return Status(StatusCode::kFailedPrecondition,
                  "the store cannot use write-ahead logging (journal mode " + *mode + ")", path);
  }
  ERPHUB_TRY(Configure(*writer, options));
  ERPHUB_TRY(MigrateSchema(*writer, options.apply_migrations, clock));
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> reader, SqliteDb::Open(path, false));
  ERPHUB_TRY(Configure(*reader, options));
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<WalCheckpointer> checkpointer,
                          WalCheckpointer::Start(*writer, path));
  return std::unique_ptr<Store>(new SqliteStore(clock, std::move(writer), std::move(reader),
                                                std::move(checkpointer), options));
}

}  // namespace erphub::store
