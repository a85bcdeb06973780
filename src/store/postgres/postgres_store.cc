#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <utility>

#include "core/json.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_group_commit.h"
#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_schema.h"
#include "store/stored_columns.h"

namespace erphub::store {
namespace {

using std::chrono::microseconds;

// Connections for claims, outcomes and reads; intake writes use the committer's own.
constexpr int kPoolSize = 8;

// The first key of every lane's advisory lock ("erph" in ASCII): the two-key locks of one class
// stay apart from other users' advisory locks and from the migration lock (one bigint key).
constexpr int kLaneLockClass = 0x65727068;

// ---- encoding (as the SQLite store's) ----

// A PostgreSQL text[] literal.
std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// A PostgreSQL bigint[] literal.
std::string IntArray(const std::vector<int64_t>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : ",") + std::to_string(items[i]);
  }
  out += '}';
  return out;
}

Timestamp OptionalTime(const PgResult& r, int row, int column) {
  return r.IsNull(row, column) ? Timestamp() : FromUnixMicros(r.Int(row, column));
}

// ---- helpers that run inside a write transaction ----

// Locks the lanes for the rest of the transaction: every decision about which delivery heads a
// lane happens under its lock, so those decisions are serialized across nodes. The locks are
// PostgreSQL's advisory locks on a hash of each lane (a collision only serializes two lanes
// more than needed), taken in hash order so that two transactions locking the same lanes do
// not deadlock. They write nothing, unlike a row per lane.
Status LockLanes(PgConn& conn, std::vector<std::string> lanes) {
  lanes.erase(std::remove(lanes.begin(), lanes.end(), std::string()), lanes.end());
  if (lanes.empty()) {
    return Status::Ok();
  }
  if (lanes.size() == 1) {
    return conn.Defer("SELECT pg_advisory_xact_lock($1, hashtext($2))",
                      PgParams().Add(kLaneLockClass).Add(lanes[0]));
  }
  return conn.Defer(
      "SELECT count(pg_advisory_xact_lock($1, h)) FROM (SELECT DISTINCT hashtext(l) AS h "
      "FROM unnest($2::text[]) AS l ORDER BY h) AS sorted",
      PgParams().Add(kLaneLockClass).Add(TextArray(lanes)));
}

// Whether the lane (a parameter, e.g. "$1") has a head: a delivery ready, in flight, or dead
// and blocking; `except` (a parameter, or none) names a delivery to ignore.
std::string LaneHasHead(std::string_view lane, std::string_view except = {}) {
  std::string sql = "EXISTS (SELECT 1 FROM deliveries WHERE lane = " + std::string(lane) +
                    "::text AND state IN (1, 2, 4) AND ";
  if (!except.empty()) {
    sql += "id <> " + std::string(except) + "::bigint AND ";
  }
  return sql + "(state <> 4 OR blocks_lane))";
}

// The state a new or replayed delivery takes in its (locked) lane: ready when nothing else
// heads it, else queued. The lane NULL: unordered.
std::string HeadlessState(std::string_view lane, std::string_view except = {}) {
  return "CASE WHEN " + std::string(lane) + "::text IS NOT NULL AND " + LaneHasHead(lane, except) +
         " THEN 0 ELSE 1 END";
}

// After a head finished: makes the lane's oldest queued delivery ready, unless a head remains.
// The lane must be locked. With `promoted`, it is set once the pipeline's results are read
// (at the latest by the commit): whether a delivery became ready.
Status PromoteNext(PgConn& conn, const std::string& lane, bool* promoted = nullptr) {
  if (lane.empty()) {
    return Status::Ok();
  }
  PgConn::OnRows on_rows;
  if (promoted != nullptr) {
    on_rows = [promoted](const PgResult& rows) { *promoted = rows.rows() > 0; };
  }
  return conn.Defer(
      "UPDATE deliveries SET state = 1 WHERE id = (SELECT id FROM deliveries WHERE lane = $1 "
      "AND state = 0 ORDER BY message_seq, id LIMIT 1) AND NOT " +
          LaneHasHead("$1") + " RETURNING id",
      PgParams().Add(lane), std::move(on_rows));
}

struct NewDelivery {
  int64_t message_seq = 0;
  std::string flow;
  std::string output;
  std::string lane;
  std::optional<std::string> payload_json;  // nullopt: the message's payload
  int64_t bytes = 0;
  // When set, the message is the one with this id (message_seq unused), and no delivery is
  // created if there is none: its insert in the same transaction found its provider event
  // stored already.
  std::string message_id;
};

// The lane must be locked.
Status InsertDelivery(PgConn& conn, const NewDelivery& d, Timestamp now) {
  const std::string sql =
      "INSERT INTO deliveries (lane, state, message_seq, flow, output, payload, bytes, "
      "eligible_since, not_before) " +
      (d.message_id.empty() ? "VALUES ($1, " + HeadlessState("$1") + ", $2, "
                            : "SELECT $1, " + HeadlessState("$1") + ", seq, ") +
      "$3, $4, $5, $6, $7, $7" + (d.message_id.empty() ? ")" : " FROM messages WHERE id = $2");
  PgParams params;
  params.AddTextOrNull(d.lane);
  if (d.message_id.empty()) {
    params.Add(d.message_seq);
  } else {
    params.Add(d.message_id);
  }
  return conn.Defer(sql, params.Add(d.flow)
                             .Add(d.output)
                             .AddOptional(d.payload_json)
                             .Add(d.bytes)
                             .Add(ToUnixMicros(now)));
}

constexpr const char* kInsertLineage =
    "INSERT INTO lineage (message_seq, kind, at, name, attempt, duration_us, outcome, detail) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

Status AddLineage(PgConn& conn, int64_t message_seq, const LineageEvent& e) {
  return conn.Defer(kInsertLineage, PgParams()
                                        .Add(message_seq)
                                        .Add(static_cast<int>(e.kind))
                                        .Add(ToUnixMicros(e.at))
                                        .Add(e.name)
                                        .Add(e.attempt)
                                        .Add(static_cast<int64_t>(e.duration.count()))
                                        .Add(e.outcome)
                                        .Add(e.detail));
}

// Several events of one message in one statement.
Status AddLineage(PgConn& conn, int64_t message_seq, std::span<const LineageEvent> events) {
  if (events.size() <= 1) {
    return events.empty() ? Status::Ok() : AddLineage(conn, message_seq, events.front());
  }
  std::vector<int64_t> kinds, ats, attempts, durations;
  std::vector<std::string> names, outcomes, details;
  for (const LineageEvent& e : events) {
    kinds.push_back(static_cast<int64_t>(e.kind));
    ats.push_back(ToUnixMicros(e.at));
    names.push_back(e.name);
    attempts.push_back(e.attempt);
    durations.push_back(static_cast<int64_t>(e.duration.count()));
    outcomes.push_back(e.outcome);
    details.push_back(e.detail);
  }
  return conn.Defer(
      "INSERT INTO lineage (message_seq, kind, at, name, attempt, duration_us, outcome, "
      "detail) SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::text[], "
      "$5::integer[], $6::bigint[], $7::text[], $8::text[])",
      PgParams()
          .Add(message_seq)
          .Add(IntArray(kinds))
          .Add(IntArray(ats))
          .Add(TextArray(names))
          .Add(IntArray(attempts))
          .Add(IntArray(durations))
          .Add(TextArray(outcomes))
          .Add(TextArray(details)));
}

// Inserts a follow-up as its first attempt, made before it was stored, left it: done,
// dead-lettered, or waiting for a retry (behind its lane's head, should one have come). The lane
// must be locked.
Status InsertAttempted(PgConn& conn, const NewDelivery& d, const FollowUpAttempt& attempt,
                       Timestamp now) {
  AttemptedColumns c = AttemptedColumnsOf(attempt, d.output, now);
  const std::string state = c.state == DeliveryState::kReady
                                ? HeadlessState("$1")
                                : std::to_string(static_cast<int>(c.state));
  PgParams params;
  params.AddTextOrNull(d.lane)
      .Add(d.message_seq)
      .Add(d.flow)
      .Add(d.output)
      .AddOptional(d.payload_json)
      .Add(d.bytes)
      .Add(ToUnixMicros(now))
      .Add(ToUnixMicros(c.not_before))
      .Add(c.last_error)
      .Add(c.response_body)
      .Add(c.failed_at)
      .Add(c.blocks_lane);
  if (c.finished) {
    params.Add(ToUnixMicros(now));
  } else {
    params.AddNull();
  }
  ERPHUB_TRY(conn.Defer(
      "INSERT INTO deliveries (lane, state, message_seq, flow, output, payload, bytes, "
      "eligible_since, not_before, attempts, last_error, response_body, failed_at, blocks_lane, "
      "finished_at) VALUES ($1, " +
          state + ", $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12, $13::bigint)",
      params));
  return AddLineage(conn, d.message_seq, c.lineage);
}

Status ApplyStateWrites(PgConn& conn, std::span<const StateWrite> writes, Timestamp now) {
  for (const StateWrite& w : writes) {
    if (w.check != StateWrite::Check::kNone) {
      // FOR UPDATE: a concurrent compare-and-set of the same key waits and then sees the
      // winner's value.
      ERPHUB_ASSIGN_OR_RETURN(
          PgResult q, conn.Query("SELECT encode(value, 'hex') FROM state WHERE key = $1 FOR UPDATE",
                                 PgParams().Add(w.key)));
      const bool exists = !q.empty();
      const bool matches = w.check == StateWrite::Check::kAbsent
                               ? !exists
                               : exists && q.HexBytes(0, 0) == w.expected;
      if (!matches) {
        return Status(StatusCode::kConflict, "state changed concurrently", "state key " + w.key);
      }
    }
    if (w.erase) {
      ERPHUB_TRY(conn.Query("DELETE FROM state WHERE key = $1", PgParams().Add(w.key)).status());
      continue;
    }
    Status status = conn.Query(
                            "INSERT INTO state (key, value, updated_at) VALUES ($1, $2, $3) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                            "updated_at = excluded.updated_at",
                            PgParams().Add(w.key).AddBytes(w.value).Add(ToUnixMicros(now)))
                        .status();
    if (status.code() == StatusCode::kAlreadyExists) {
      // Created concurrently by another node after our check for absence.
      return Status(StatusCode::kConflict, "state changed concurrently", "state key " + w.key);
    }
    ERPHUB_TRY(status);
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

constexpr const char* kLeasedColumns =
    "RETURNING message_seq, flow, output, coalesce(lane, ''), attempts - budget_base, "
    "claimed_at";

LeasedRow LeasedFrom(const PgResult& r) {
  return LeasedRow{
      r.Int(0, 0),          r.Text(0, 1), r.Text(0, 2), r.Text(0, 3), static_cast<int>(r.Int(0, 4)),
      OptionalTime(r, 0, 5)};
}

Status LeaseLost(const Lease& lease) {
  return Status(StatusCode::kFailedPrecondition,
                "lease lost: the delivery was finished or claimed again after the lease expired",
                "delivery " + std::to_string(lease.delivery_id));
}

// Runs "UPDATE deliveries SET <set> WHERE <the lease holds> RETURNING <leased row>": $1 id,
// $2 token, $3 owner, then `extra` from $4 on.
Result<LeasedRow> UpdateLeased(PgConn& conn, const Lease& lease, const std::string& set,
                               const std::function<void(PgParams&)>& extra) {
  PgParams params;
  params.Add(lease.delivery_id).Add(lease.token).Add(lease.owner);
  extra(params);
  ERPHUB_ASSIGN_OR_RETURN(PgResult r,
                          conn.Query("UPDATE deliveries SET " + set +
                                         " WHERE id = $1 AND state = 2 AND attempts = $2 AND "
                                         "lease_owner = $3 " +
                                         kLeasedColumns,
                                     params));
  if (r.empty()) {
    return LeaseLost(lease);
  }
  return LeasedFrom(r);
}

// Ends an attempt: records the attempt and the report's events.
Status RecordAttempt(PgConn& conn, const LeasedRow& row, const AttemptReport& report,
                     std::string_view outcome, std::string detail, Timestamp now) {
  return AddLineage(conn, row.message_seq,
                    AttemptLineage(report, row.output, row.attempt, row.claimed_at, outcome,
                                   std::move(detail), now));
}

Result<Message> ReadMessage(PgConn& conn, int64_t seq) {
  ERPHUB_ASSIGN_OR_RETURN(
      PgResult q,
      conn.Query("SELECT id, flow, business_key, payload, headers, received_at FROM messages "
                 "WHERE seq = $1",
                 PgParams().Add(seq)));
  if (q.empty()) {
    return NotFoundError("no such message");
  }
  Message m;
  ERPHUB_ASSIGN_OR_RETURN(m.id, IdFromText(q.Text(0, 0)));
  m.flow = q.Text(0, 1);
  m.business_key = q.Text(0, 2);
  ERPHUB_ASSIGN_OR_RETURN(m.payload, PayloadFromJson(q.Text(0, 3)));
  ERPHUB_ASSIGN_OR_RETURN(m.headers, HeadersFromJson(q.Text(0, 4)));
  m.received_at = FromUnixMicros(q.Int(0, 5));
  return m;
}

constexpr const char* kLineageColumns =
    "SELECT kind, at, name, attempt, duration_us, outcome, detail FROM lineage ";

LineageEvent ReadLineageRow(const PgResult& q, int row) {
  LineageEvent e;
  e.kind = static_cast<LineageKind>(q.Int(row, 0));
  e.at = FromUnixMicros(q.Int(row, 1));
  e.name = q.Text(row, 2);
  e.attempt = static_cast<int>(q.Int(row, 3));
  e.duration = microseconds(q.Int(row, 4));
  e.outcome = q.Text(row, 5);
  e.detail = q.Text(row, 6);
  return e;
}

constexpr const char* kDeadLetterColumns =
    "SELECT d.id, m.id, d.flow, m.business_key, d.output, d.failed_at, d.last_error, "
    "d.response_body, d.attempts, d.finished_at, d.blocks_lane, d.message_seq, "
    "coalesce(d.payload, m.payload) ";

Result<DeadLetterEntry> ReadDeadLetterRow(const PgResult& q, int row) {
  DeadLetterEntry e;
  e.id = q.Int(row, 0);
  ERPHUB_ASSIGN_OR_RETURN(e.message_id, IdFromText(q.Text(row, 1)));
  e.flow = q.Text(row, 2);
  e.business_key = q.Text(row, 3);
  e.output = q.Text(row, 4);
  e.failed_at = q.Text(row, 5);
  e.error = q.Text(row, 6);
  e.response_body = q.Text(row, 7);
  e.attempts = static_cast<int>(q.Int(row, 8));
  e.dead_at = OptionalTime(q, row, 9);
  e.blocks_key = q.Int(row, 10) != 0;
  return e;
}

constexpr const char* kQuarantineColumns =
    "SELECT id, flow, source, reason, encode(raw, 'hex'), headers, received_at, "
    "coalesce(message_id, ''), resolved_at, resolution FROM quarantine ";

Result<QuarantineEntry> ReadQuarantineRow(const PgResult& q, int row) {
  QuarantineEntry e;
  e.id = q.Int(row, 0);
  e.flow = q.Text(row, 1);
  e.source = q.Text(row, 2);
  e.reason = q.Text(row, 3);
  e.raw = q.HexBytes(row, 4);
  ERPHUB_ASSIGN_OR_RETURN(e.headers, HeadersFromJson(q.Text(row, 5)));
  e.received_at = FromUnixMicros(q.Int(row, 6));
  if (std::string id = q.Text(row, 7); !id.empty()) {
    ERPHUB_ASSIGN_OR_RETURN(e.message_id, IdFromText(id));
  }
  if (!q.IsNull(row, 8)) {
    e.resolved_at = FromUnixMicros(q.Int(row, 8));
  }
  e.resolution = q.Text(row, 9);
  return e;
}

// Reads a dead delivery (locking it) inside a write; kNotFound / kFailedPrecondition.
struct DeadRow {
  int64_t message_seq = 0;
  std::string lane;
};

Result<DeadRow> CheckDead(PgConn& conn, int64_t id) {
  ERPHUB_ASSIGN_OR_RETURN(
      PgResult q, conn.Query("SELECT state, message_seq, coalesce(lane, '') FROM deliveries "
                             "WHERE id = $1 FOR UPDATE",
                             PgParams().Add(id)));
  if (q.empty()) {
    return NotFoundError("no such delivery", std::to_string(id));
  }
  const auto state = static_cast<DeliveryState>(q.Int(0, 0));
  if (state != DeliveryState::kDead) {
    return Status(StatusCode::kFailedPrecondition,
                  "delivery is " + std::string(DeliveryStateName(state)) + ", not dead",
                  std::to_string(id));
  }
  return DeadRow{q.Int(0, 1), q.Text(0, 2)};
}

// The claim's choice of due ready deliveries (skipping rows other claimers hold): one ordered
// index read per output when the claim names its outputs (an output left out is not read at
// all), else one read of all due ones. $1 now, $2 limit, then the pairs or the flows from $5.
std::string PickQuery(const ClaimOptions& options,
                      const std::optional<std::vector<OutputRef>>& pairs) {
  int param = 5;
  if (pairs) {
    std::string values;
    for (size_t i = 0; i < pairs->size(); ++i, param += 2) {
      values += (i == 0 ? "($" : ", ($") + std::to_string(param) + ", $" +
                std::to_string(param + 1) + ")";
    }
    return "SELECT r.id FROM (VALUES " + values +
           ") AS o (flow, output) CROSS JOIN LATERAL (SELECT id, not_before FROM deliveries "
           "WHERE state = 1 AND flow = o.flow AND output = o.output AND not_before <= $1 "
           "ORDER BY not_before, id LIMIT $2 FOR UPDATE SKIP LOCKED) r "
           "ORDER BY r.not_before, r.id LIMIT $2";
  }
  std::string filter;
  if (!options.flows.empty()) {
    filter += " AND flow IN (";
    for (size_t i = 0; i < options.flows.size(); ++i) {
      filter += (i == 0 ? "$" : ", $") + std::to_string(param++);
    }
    filter += ")";
  }
  return "SELECT id FROM deliveries WHERE state = 1 AND not_before <= $1" + filter +
         " ORDER BY not_before, id LIMIT $2 FOR UPDATE SKIP LOCKED";
}

// The claim statement: leases the picked deliveries and returns them with their messages.
// $3 owner, $4 expiry.
std::string ClaimQuery(const ClaimOptions& options,
                       const std::optional<std::vector<OutputRef>>& pairs) {
  return "WITH picked AS (" + PickQuery(options, pairs) +
         "), "
         "claimed AS (UPDATE deliveries d SET state = 2, attempts = d.attempts + 1, "
         "lease_owner = $3, lease_expires_at = $4, claimed_at = $1 FROM picked "
         "WHERE d.id = picked.id RETURNING d.id, d.output, d.payload, d.attempts, "
         "d.attempts - d.budget_base AS attempt, d.eligible_since, d.last_error, d.message_seq, "
         "d.not_before) "
         "SELECT c.id, c.output, c.payload, c.attempts, c.attempt, c.eligible_since, "
         "c.last_error, m.id, m.flow, m.business_key, "
         "CASE WHEN c.payload IS NULL THEN m.payload END, m.headers, m.received_at "
         "FROM claimed c JOIN messages m ON m.seq = c.message_seq ORDER BY c.not_before, c.id";
}

// ---- the store ----

class PostgresStore final : public Store {
 public:
  PostgresStore(const Clock& clock, std::string url, std::string session_sql,
                const StoreOptions& options)
      : clock_(clock),
        url_(std::move(url)),
        session_sql_(std::move(session_sql)),
        pool_(url_, kPoolSize, session_sql_),
        committer_([this] { return Connect(); }, options.group_commit_window,
                   options.max_operations_per_transaction, kGroupCommitBusyBatch,
                   options.on_durable_commit) {}

  Result<std::vector<Accepted>> Accept(std::span<const Acceptance> items,
                                       std::span<const StateWrite> state) override;
  // Leases none: acceptances share a transaction with other callers' (group commit).
  Result<std::vector<Accepted>> AcceptAndClaim(std::span<const Acceptance> items,
                                               std::span<const StateWrite> state,
                                               const ClaimOptions& /*next*/,
                                               std::vector<ClaimedDelivery>& /*leased*/) override {
    return Accept(items, state);
  }
  Result<int64_t> Quarantine(const QuarantineEntry& entry) override;
  Result<std::vector<ClaimedDelivery>> ClaimDeliveries(const ClaimOptions& options) override;
  Result<Lease> RenewLease(const Lease& lease, std::chrono::milliseconds duration) override;
  Status Complete(const Lease& lease, const AttemptReport& report,
                  std::span<const FollowUp> follow_ups) override;
  // Leases none. Leasing here costs PostgreSQL a statement per completion, where one claim
  // serves many deliveries under load: tried with nodes 0.25 ms away (bench/nodes), PostgreSQL
  // spent 5-23% more CPU per order and the nodes delivered up to 15% less.
  Result<std::vector<ClaimedDelivery>> CompleteAndClaim(const Lease& lease,
                                                        const AttemptReport& report,
                                                        std::span<const FollowUp> follow_ups,
                                                        const ClaimOptions& /*next*/) override {
    ERPHUB_TRY(Complete(lease, report, follow_ups));
    return std::vector<ClaimedDelivery>();
  }
  Result<bool> LaneBusy(std::string_view flow, std::string_view output,
                        std::string_view business_key) override;
  Status RetryLater(const Lease& lease, Timestamp not_before, std::string_view error,
                    const AttemptReport& report) override;
  Status DeadLetter(const Lease& lease, const DeadLetterInfo& info,
                    const AttemptReport& report) override;
  Status RecordLineage(const MessageId& id, std::span<const LineageEvent> events) override;
  uint64_t WorkGeneration() const override { return work_generation_.load(); }
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
  Result<std::unique_ptr<PgConn>> Connect() {
    ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, PgConn::Connect(url_));
    ERPHUB_TRY(conn->Exec(session_sql_));
    return conn;
  }

  // Intake writes, shared transactions.
  Status Batched(const PgGroupCommitter::Operation& op) { return committer_.Run(op); }
  // Claims and outcomes: a transaction of their own on a pooled connection.
  Status Write(const std::function<Status(PgConn&)>& fn) {
    Status status = pool_.Transaction(fn);
    if (status.ok()) {
      transactions_.fetch_add(1);
    }
    return status;
  }
  // Reads with one consistent snapshot.
  Status Read(const std::function<Status(PgConn&)>& fn) { return pool_.ReadTransaction(fn); }

  void NotifyWork() {
    {
      std::lock_guard<std::mutex> lock(work_mu_);
      work_generation_.fetch_add(1);
    }
    work_cv_.notify_all();
  }

  const Clock& clock_;
  const std::string url_;
  const std::string session_sql_;
  PgPool pool_;
  PgGroupCommitter committer_;

  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::atomic<uint64_t> work_generation_{0};

  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> duplicates_{0};
};

Result<std::vector<Accepted>> PostgresStore::Accept(std::span<const Acceptance> items,
                                                    std::span<const StateWrite> state) {
  std::vector<std::string> payloads;
  std::vector<std::string> headers;
  std::vector<std::string> lanes;
  payloads.reserve(items.size());
  headers.reserve(items.size());
  for (const Acceptance& item : items) {
    ERPHUB_TRY(ValidateAcceptance(item));
    ERPHUB_ASSIGN_OR_RETURN(std::string payload, AcceptancePayloadJson(item));
    payloads.push_back(std::move(payload));
    headers.push_back(HeadersToJson(item.message.headers));
    for (const std::string& output : item.outputs) {
      lanes.push_back(LaneOf(item.message.flow, output, item.message.business_key));
    }
  }
  std::vector<Accepted> results;
  // The id stored under each message's provider event, known once the statements ran.
  std::vector<std::string> stored_ids;
  ERPHUB_TRY(Batched([&](PgConn& conn) -> Status {
    results.clear();
    stored_ids.assign(items.size(), std::string());
    const Timestamp now = clock_.Now();
    // Lanes first: the messages' sequence numbers are then drawn in each lane's commit order.
    // Every statement is deferred, so the whole operation is one round trip with the next
    // statement that waits; what happened to each message is known once it has.
    ERPHUB_TRY(LockLanes(conn, lanes));
    for (size_t i = 0; i < items.size(); ++i) {
      const Acceptance& item = items[i];
      const Message& m = item.message;
      const std::string id = m.id.ToString();
      results.push_back(Accepted{m.id, false});
      ERPHUB_TRY(conn.Defer(
          "INSERT INTO messages (id, flow, business_key, event_id, payload, headers, "
          "received_at, accepted_at, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
          "ON CONFLICT (flow, event_id) WHERE event_id IS NOT NULL DO NOTHING",
          PgParams()
              .Add(id)
              .Add(m.flow)
              .Add(m.business_key)
              .AddTextOrNull(item.event_id)
              .Add(payloads[i])
              .Add(headers[i])
              .Add(ToUnixMicros(m.received_at))
              .Add(ToUnixMicros(now))
              .Add(item.source)));
      // None when the insert found the provider event stored already (perhaps by another
      // node just now).
      for (const std::string& output : item.outputs) {
        NewDelivery d{0,
                      m.flow,
                      output,
                      LaneOf(m.flow, output, m.business_key),
                      std::nullopt,
                      static_cast<int64_t>(payloads[i].size()),
                      id};
        ERPHUB_TRY(InsertDelivery(conn, d, now));
      }
      if (item.event_id.empty()) {
        continue;
      }
      // A repeated event: its original gets a lineage event, and the caller its id.
      const std::string detail = DuplicateEventDetail(item.event_id, item.source);
      ERPHUB_TRY(conn.Defer(
          "INSERT INTO lineage (message_seq, kind, at, name, attempt, duration_us, outcome, "
          "detail) SELECT seq, $4, $5, '', 0, 0, '', $6 FROM messages WHERE flow = $1 AND "
          "event_id = $2 AND id <> $3",
          PgParams()
              .Add(m.flow)
              .Add(item.event_id)
              .Add(id)
              .Add(static_cast<int>(LineageKind::kDuplicate))
              .Add(ToUnixMicros(now))
              .Add(detail)));
      ERPHUB_TRY(conn.Defer("SELECT id FROM messages WHERE flow = $1 AND event_id = $2",
                            PgParams().Add(m.flow).Add(item.event_id),
                            [i, &stored_ids](const PgResult& rows) {
                              if (!rows.empty()) {
                                stored_ids[i] = rows.Text(0, 0);
                              }
                            }));
    }
    return ApplyStateWrites(conn, state, now);
  }));
  uint64_t duplicates = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].event_id.empty()) {
      continue;
    }
    if (stored_ids[i].empty()) {
      return InternalError("a message with a provider event was not stored", items[i].event_id);
    }
    if (stored_ids[i] != results[i].id.ToString()) {
      ERPHUB_ASSIGN_OR_RETURN(results[i].id, IdFromText(stored_ids[i]));
      results[i].duplicate = true;
      ++duplicates;
    }
  }
  accepted_.fetch_add(items.size() - duplicates);
  duplicates_.fetch_add(duplicates);
  NotifyWork();
  return results;
}

Result<int64_t> PostgresStore::Quarantine(const QuarantineEntry& entry) {
  const std::string headers = HeadersToJson(entry.headers);
  int64_t id = 0;
  ERPHUB_TRY(Batched([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult r,
        conn.Query(
            "INSERT INTO quarantine (flow, source, reason, raw, headers, received_at, "
            "message_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            PgParams()
                .Add(entry.flow)
                .Add(entry.source)
                .Add(entry.reason)
                .AddBytes(entry.raw)
                .Add(headers)
                .Add(ToUnixMicros(entry.received_at == Timestamp() ? clock_.Now()
                                                                   : entry.received_at))
                .AddTextOrNull(entry.message_id.is_nil() ? "" : entry.message_id.ToString())));
    id = r.Int(0, 0);
    return Status::Ok();
  }));
  return id;
}

// Row `r` of ClaimQuery's result as leased to `owner` until `expires`.
RawClaim RawClaimOf(const PgResult& q, int r, const std::string& owner, Timestamp expires) {
  RawClaim c;
  c.lease = Lease{q.Int(r, 0), q.Int(r, 3), owner, expires};
  c.output = q.Text(r, 1);
  if (!q.IsNull(r, 2)) {
    c.delivery_payload = q.Text(r, 2);
  }
  c.attempt = static_cast<int>(q.Int(r, 4));
  c.eligible_since = FromUnixMicros(q.Int(r, 5));
  c.last_error = q.Text(r, 6);
  c.message_id = q.Text(r, 7);
  c.flow = q.Text(r, 8);
  c.business_key = q.Text(r, 9);
  c.message_payload = q.Text(r, 10);
  c.headers = q.Text(r, 11);
  c.received_at = FromUnixMicros(q.Int(r, 12));
  return c;
}

Result<std::vector<ClaimedDelivery>> PostgresStore::ClaimDeliveries(const ClaimOptions& options) {
  if (options.owner.empty() || options.limit < 1 || options.lease_duration.count() <= 0) {
    return InvalidArgumentError("a claim needs an owner, a positive limit and a lease duration");
  }
  const std::optional<std::vector<OutputRef>> pairs = ClaimedOutputs(options);
  const std::string claim_sql = ClaimQuery(options, pairs);
  std::vector<RawClaim> raw;
  bool returned_expired = false;
  ERPHUB_TRY(Write([&](PgConn& conn) -> Status {
    raw.clear();
    returned_expired = false;
    const Timestamp now = clock_.Now();
    const int64_t now_us = ToUnixMicros(now);

    // Leases that expired: their owners are gone or too slow; the work returns to ready. Rows
    // another transaction holds (a late report, another node's claim) are left to it.
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult expired,
        conn.Query("SELECT id, message_seq, output, attempts - budget_base, claimed_at, "
                   "coalesce(lease_owner, ''), lease_expires_at FROM deliveries "
                   "WHERE state = 2 AND lease_expires_at <= $1 FOR UPDATE SKIP LOCKED",
                   PgParams().Add(now_us)));
    for (int r = 0; r < expired.rows(); ++r) {
      const LeasedRow row{expired.Int(r, 1),
                          "",
                          expired.Text(r, 2),
                          "",
                          static_cast<int>(expired.Int(r, 3)),
                          OptionalTime(expired, r, 4)};
      const std::string error = "lease held by " + expired.Text(r, 5) + " expired at " +
                                FormatUtc(OptionalTime(expired, r, 6));
      ERPHUB_TRY(conn.Query("UPDATE deliveries SET state = 1, not_before = $2, last_error = $3, "
                            "lease_owner = NULL, lease_expires_at = NULL, claimed_at = NULL "
                            "WHERE id = $1",
                            PgParams().Add(expired.Int(r, 0)).Add(now_us).Add(error))
                     .status());
      ERPHUB_TRY(RecordAttempt(conn, row, AttemptReport{}, "lease expired", error, now));
      returned_expired = true;
    }

    const Timestamp expires =
        now + std::chrono::duration_cast<microseconds>(options.lease_duration);
    PgParams params;
    params.Add(now_us).Add(options.limit).Add(options.owner).Add(ToUnixMicros(expires));
    if (pairs) {
      if (pairs->empty()) {
        return Status::Ok();
      }
      for (const OutputRef& pair : *pairs) {
        params.Add(pair.flow).Add(pair.output);
      }
    } else {
      for (const std::string& flow : options.flows) {
        params.Add(flow);
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(PgResult q, conn.Query(claim_sql, params));
    for (int r = 0; r < q.rows(); ++r) {
      raw.push_back(RawClaimOf(q, r, options.owner, expires));
    }
    return Status::Ok();
  }));
  if (returned_expired) {
    NotifyWork();
  }
  return ClaimsFromRaw(std::move(raw));
}

Result<Lease> PostgresStore::RenewLease(const Lease& lease, std::chrono::milliseconds duration) {
  if (duration.count() <= 0) {
    return InvalidArgumentError("a lease duration must be positive");
  }
  Lease renewed = lease;
  ERPHUB_TRY(Write([&](PgConn& conn) -> Status {
    renewed.expires_at = clock_.Now() + std::chrono::duration_cast<microseconds>(duration);
    return UpdateLeased(conn, lease, "lease_expires_at = $4",
                        [&](PgParams& p) { p.Add(ToUnixMicros(renewed.expires_at)); })
        .status();
  }));
  return renewed;
}

Status PostgresStore::Complete(const Lease& lease, const AttemptReport& report,
                               std::span<const FollowUp> follow_ups) {
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
  bool promoted = false;
  ERPHUB_TRY(Write([&](PgConn& conn) -> Status {
    promoted = false;
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(
        LeasedRow row,
        UpdateLeased(conn, lease,
                     "state = 3, finished_at = $4, lease_owner = NULL, lease_expires_at = NULL",
                     [&](PgParams& p) { p.Add(ToUnixMicros(now)); }));
    ERPHUB_TRY(RecordAttempt(conn, row, report, "done", "", now));
    // The lane names the business key; the message's size is read only for a follow-up that
    // delivers the message's own payload.
    const std::string business_key(KeyOfLane(row.lane));
    int64_t message_bytes = 0;
    if (std::find(payloads.begin(), payloads.end(), std::nullopt) != payloads.end()) {
      ERPHUB_ASSIGN_OR_RETURN(
          PgResult q, conn.Query("SELECT octet_length(payload) FROM messages WHERE seq = $1",
                                 PgParams().Add(row.message_seq)));
      if (q.empty()) {
        return InternalError("delivery without message");
      }
      message_bytes = q.Int(0, 0);
    }
    std::vector<std::string> lanes = {row.lane};
    for (const FollowUp& f : follow_ups) {
      lanes.push_back(LaneOf(row.flow, f.output, business_key));
    }
    ERPHUB_TRY(LockLanes(conn, lanes));
    for (size_t i = 0; i < follow_ups.size(); ++i) {
      const int64_t bytes = payloads[i] ? static_cast<int64_t>(payloads[i]->size()) : message_bytes;
      const std::string& output = follow_ups[i].output;
      const std::string lane = LaneOf(row.flow, output, business_key);
      const NewDelivery d{row.message_seq, row.flow, output, lane, payloads[i], bytes, ""};
      if (follow_ups[i].attempted) {
        ERPHUB_TRY(InsertAttempted(conn, d, *follow_ups[i].attempted, now));
      } else {
        ERPHUB_TRY(InsertDelivery(conn, d, now));
      }
    }
    return PromoteNext(conn, row.lane, &promoted);
  }));
  // Only new ready work wakes this process's claimer (other nodes look on their own).
  if (promoted || !follow_ups.empty()) {
    NotifyWork();
  }
  return Status::Ok();
}

Result<bool> PostgresStore::LaneBusy(std::string_view flow, std::string_view output,
                                     std::string_view business_key) {
  const std::string lane = LaneOf(flow, output, business_key);
  if (lane.empty()) {
    return false;
  }
  bool busy = false;
  ERPHUB_TRY(pool_.WithConnection([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(PgResult q,
                            conn.Query("SELECT " + LaneHasHead("$1"), PgParams().Add(lane)));
    busy = q.Text(0, 0) == "t";
    return Status::Ok();
  }));
  return busy;
}

Status PostgresStore::RetryLater(const Lease& lease, Timestamp not_before, std::string_view error,
                                 const AttemptReport& report) {
  ERPHUB_TRY(Write([&](PgConn& conn) -> Status {
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(
        LeasedRow row,
        UpdateLeased(conn, lease,
                     // claimed_at stays: RETURNING reports it for the attempt's start.
                     "state = 1, not_before = $4, last_error = $5, lease_owner = NULL, "
                     "lease_expires_at = NULL",
                     [&](PgParams& p) { p.Add(ToUnixMicros(not_before)).Add(error); }));
    return RecordAttempt(conn, row, report, "retry", RetryDetail(error, not_before), now);
  }));
  NotifyWork();
  return Status::Ok();
}

Status PostgresStore::DeadLetter(const Lease& lease, const DeadLetterInfo& info,
                                 const AttemptReport& report) {
  ERPHUB_TRY(Write([&](PgConn& conn) -> Status {
    const Timestamp now = clock_.Now();
    const bool blocks = info.on_dead_letter == OnDeadLetter::kBlockKey;
    ERPHUB_ASSIGN_OR_RETURN(
        LeasedRow row,
        UpdateLeased(conn, lease,
                     "state = 4, last_error = $4, response_body = $5, "
                     "failed_at = coalesce(nullif($6, ''), output), blocks_lane = $7, "
                     "finished_at = $8, lease_owner = NULL, lease_expires_at = NULL",
                     [&](PgParams& p) {
                       p.Add(info.error)
                           .Add(info.response_body)
                           .Add(info.failed_at)
                           .Add(blocks)
                           .Add(ToUnixMicros(now));
                     }));
    ERPHUB_TRY(RecordAttempt(conn, row, report, "dead", info.error, now));
    if (!blocks && !row.lane.empty()) {
      ERPHUB_TRY(LockLanes(conn, {row.lane}));
      ERPHUB_TRY(PromoteNext(conn, row.lane));
    }
    return Status::Ok();
  }));
  NotifyWork();
  return Status::Ok();
}

Status PostgresStore::RecordLineage(const MessageId& id, std::span<const LineageEvent> events) {
  const std::string text = id.ToString();
  return Batched([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q, conn.Query("SELECT seq FROM messages WHERE id = $1", PgParams().Add(text)));
    if (q.empty()) {
      return NotFoundError("no such message", text);
    }
    const int64_t seq = q.Int(0, 0);
    const Timestamp now = clock_.Now();
    std::vector<LineageEvent> stamped(events.begin(), events.end());
    for (LineageEvent& e : stamped) {
      if (e.at == Timestamp()) {
        e.at = now;
      }
    }
    return AddLineage(conn, seq, stamped);
  });
}

void PostgresStore::AwaitWork(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(work_mu_);
  work_cv_.wait_for(lock, timeout, [&] { return work_generation_.load() != seen; });
}

Result<std::vector<DeadLetterEntry>> PostgresStore::ListDeadLetters(
    const DeadLetterFilter& filter) {
  std::vector<DeadLetterEntry> list;
  ERPHUB_TRY(Read([&](PgConn& conn) -> Status {
    list.clear();
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q, conn.Query(std::string(kDeadLetterColumns) +
                                   "FROM deliveries d JOIN messages m ON m.seq = d.message_seq "
                                   "WHERE d.state = 4 AND d.finished_at >= $1 AND d.id > $2 "
                                   "AND ($3 = '' OR d.flow = $3) ORDER BY d.id LIMIT $4",
                               PgParams()
                                   .Add(ToUnixMicros(filter.since))
                                   .Add(filter.after_id)
                                   .Add(filter.flow)
                                   .Add(filter.limit)));
    for (int r = 0; r < q.rows(); ++r) {
      ERPHUB_ASSIGN_OR_RETURN(DeadLetterEntry e, ReadDeadLetterRow(q, r));
      list.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  return list;
}

Result<DeadLetterDetail> PostgresStore::GetDeadLetter(int64_t id) {
  DeadLetterDetail detail;
  ERPHUB_TRY(Read([&](PgConn& conn) -> Status {
    detail = DeadLetterDetail{};
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q, conn.Query(std::string(kDeadLetterColumns) +
                                   "FROM deliveries d JOIN messages m ON m.seq = d.message_seq "
                                   "WHERE d.id = $1 AND d.state = 4",
                               PgParams().Add(id)));
    if (q.empty()) {
      return NotFoundError("no such dead letter", std::to_string(id));
    }
    ERPHUB_ASSIGN_OR_RETURN(detail.entry, ReadDeadLetterRow(q, 0));
    const int64_t seq = q.Int(0, 11);
    ERPHUB_ASSIGN_OR_RETURN(detail.message, ReadMessage(conn, seq));
    ERPHUB_ASSIGN_OR_RETURN(detail.payload, PayloadFromJson(q.Text(0, 12)));
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult attempts,
        conn.Query(std::string(kLineageColumns) +
                       "WHERE message_seq = $1 AND kind = 3 AND name = $2 ORDER BY id",
                   PgParams().Add(seq).Add(detail.entry.output)));
    for (int r = 0; r < attempts.rows(); ++r) {
      detail.attempts.push_back(ReadLineageRow(attempts, r));
    }
    return Status::Ok();
  }));
  return detail;
}

Status PostgresStore::Replay(int64_t id, const ReplayOptions& options) {
  std::optional<std::string> payload;
  if (!options.payload.is_undefined()) {
    ERPHUB_ASSIGN_OR_RETURN(std::string json, SerializePayload(options.payload));
    payload = std::move(json);
  }
  ERPHUB_TRY(Write([&](PgConn& conn) -> Status {
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(DeadRow row, CheckDead(conn, id));
    ERPHUB_TRY(LockLanes(conn, {row.lane}));
    ERPHUB_TRY(conn.Query("UPDATE deliveries SET state = " + HeadlessState("$1", "$2") +
                              ", not_before = $3, eligible_since = $3, budget_base = attempts, "
                              "blocks_lane = false, finished_at = NULL, "
                              "payload = coalesce($4::text, payload), "
                              "bytes = coalesce(octet_length($4::text), bytes) WHERE id = $2",
                          PgParams()
                              .AddTextOrNull(row.lane)
                              .Add(id)
                              .Add(ToUnixMicros(now))
                              .AddOptional(payload))
                   .status());
    LineageEvent e{LineageKind::kReplayed,          now,         "", 0, microseconds(0),
                   payload ? "payload edited" : "", options.note};
    return AddLineage(conn, row.message_seq, e);
  }));
  NotifyWork();
  return Status::Ok();
}

Status PostgresStore::Discard(int64_t id, std::string_view reason) {
  if (reason.empty()) {
    return InvalidArgumentError("discarding a dead letter needs a reason");
  }
  ERPHUB_TRY(Write([&](PgConn& conn) -> Status {
    const Timestamp now = clock_.Now();
    ERPHUB_ASSIGN_OR_RETURN(DeadRow row, CheckDead(conn, id));
    ERPHUB_TRY(LockLanes(conn, {row.lane}));
    ERPHUB_TRY(conn.Query("UPDATE deliveries SET state = 5, blocks_lane = false, finished_at = $2 "
                          "WHERE id = $1",
                          PgParams().Add(id).Add(ToUnixMicros(now)))
                   .status());
    LineageEvent e{LineageKind::kDiscarded, now, "", 0, microseconds(0), "", std::string(reason)};
    ERPHUB_TRY(AddLineage(conn, row.message_seq, e));
    return PromoteNext(conn, row.lane);
  }));
  NotifyWork();
  return Status::Ok();
}

Result<std::vector<QuarantineEntry>> PostgresStore::ListQuarantine(const QuarantineFilter& filter) {
  std::vector<QuarantineEntry> list;
  ERPHUB_TRY(Read([&](PgConn& conn) -> Status {
    list.clear();
    ERPHUB_ASSIGN_OR_RETURN(PgResult q,
                            conn.Query(std::string(kQuarantineColumns) +
                                           "WHERE id > $1 AND ($2 = '' OR flow = $2) "
                                           "AND ($3 OR resolved_at IS NULL) ORDER BY id LIMIT $4",
                                       PgParams()
                                           .Add(filter.after_id)
                                           .Add(filter.flow)
                                           .Add(filter.include_resolved)
                                           .Add(filter.limit)));
    for (int r = 0; r < q.rows(); ++r) {
      ERPHUB_ASSIGN_OR_RETURN(QuarantineEntry e, ReadQuarantineRow(q, r));
      list.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  return list;
}

Result<QuarantineEntry> PostgresStore::GetQuarantine(int64_t id) {
  QuarantineEntry entry;
  ERPHUB_TRY(Read([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q,
        conn.Query(std::string(kQuarantineColumns) + "WHERE id = $1", PgParams().Add(id)));
    if (q.empty()) {
      return NotFoundError("no such quarantine entry", std::to_string(id));
    }
    ERPHUB_ASSIGN_OR_RETURN(entry, ReadQuarantineRow(q, 0));
    return Status::Ok();
  }));
  return entry;
}

Status PostgresStore::ResolveQuarantine(int64_t id, std::string_view resolution) {
  if (resolution.empty()) {
    return InvalidArgumentError("resolving a quarantine entry needs a resolution");
  }
  return Write([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(PgResult q,
                            conn.Query("SELECT resolved_at IS NULL FROM quarantine WHERE id = $1 "
                                       "FOR UPDATE",
                                       PgParams().Add(id)));
    if (q.empty()) {
      return NotFoundError("no such quarantine entry", std::to_string(id));
    }
    if (q.Int(0, 0) == 0) {
      return Status(StatusCode::kFailedPrecondition, "quarantine entry is already resolved",
                    std::to_string(id));
    }
    return conn
        .Query("UPDATE quarantine SET resolved_at = $2, resolution = $3 WHERE id = $1",
               PgParams().Add(id).Add(ToUnixMicros(clock_.Now())).Add(resolution))
        .status();
  });
}

Result<MessageTrace> PostgresStore::Trace(const MessageId& id) {
  const std::string text = id.ToString();
  MessageTrace trace;
  ERPHUB_TRY(Read([&](PgConn& conn) -> Status {
    trace = MessageTrace{};
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult head,
        conn.Query("SELECT seq, coalesce(event_id, ''), accepted_at, source FROM messages "
                   "WHERE id = $1",
                   PgParams().Add(text)));
    if (head.empty()) {
      return NotFoundError("no such message", text);
    }
    const int64_t seq = head.Int(0, 0);
    trace.event_id = head.Text(0, 1);
    trace.accepted_at = FromUnixMicros(head.Int(0, 2));
    ERPHUB_ASSIGN_OR_RETURN(trace.message, ReadMessage(conn, seq));
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q,
        conn.Query("SELECT id, output, state, attempts, not_before, last_error, "
                   "coalesce(lease_owner, ''), lease_expires_at, finished_at FROM deliveries "
                   "WHERE message_seq = $1 ORDER BY id",
                   PgParams().Add(seq)));
    for (int r = 0; r < q.rows(); ++r) {
      DeliveryInfo d;
      d.id = q.Int(r, 0);
      d.output = q.Text(r, 1);
      d.state = static_cast<DeliveryState>(q.Int(r, 2));
      d.attempts = static_cast<int>(q.Int(r, 3));
      d.not_before = FromUnixMicros(q.Int(r, 4));
      d.last_error = q.Text(r, 5);
      d.lease_owner = q.Text(r, 6);
      if (!q.IsNull(r, 7)) {
        d.lease_expires_at = FromUnixMicros(q.Int(r, 7));
      }
      if (!q.IsNull(r, 8)) {
        d.finished_at = FromUnixMicros(q.Int(r, 8));
      }
      trace.deliveries.push_back(std::move(d));
    }
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult events,
        conn.Query(std::string(kLineageColumns) + "WHERE message_seq = $1 ORDER BY at, id",
                   PgParams().Add(seq)));
    for (int r = 0; r < events.rows(); ++r) {
      trace.events.push_back(ReadLineageRow(events, r));
    }
    // NULL before schema version 4: the message has a lineage row instead.
    if (!head.IsNull(0, 3)) {
      AddReceivedEvent(trace.events, trace.message.received_at, head.Text(0, 3));
    }
    return Status::Ok();
  }));
  return trace;
}

Result<std::vector<MessageId>> PostgresStore::FindByBusinessKey(std::string_view business_key,
                                                                std::string_view flow, int limit) {
  std::vector<MessageId> ids;
  ERPHUB_TRY(Read([&](PgConn& conn) -> Status {
    ids.clear();
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q,
        conn.Query("SELECT id FROM (SELECT id, seq FROM messages WHERE business_key = $1 "
                   "AND ($2 = '' OR flow = $2) ORDER BY seq DESC LIMIT $3) recent ORDER BY seq",
                   PgParams().Add(business_key).Add(flow).Add(limit)));
    for (int r = 0; r < q.rows(); ++r) {
      ERPHUB_ASSIGN_OR_RETURN(MessageId id, IdFromText(q.Text(r, 0)));
      ids.push_back(id);
    }
    return Status::Ok();
  }));
  return ids;
}

Result<std::optional<std::string>> PostgresStore::GetState(std::string_view key) {
  std::optional<std::string> value;
  ERPHUB_TRY(pool_.WithConnection([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q,
        conn.Query("SELECT encode(value, 'hex') FROM state WHERE key = $1", PgParams().Add(key)));
    if (!q.empty()) {
      value = q.HexBytes(0, 0);
    }
    return Status::Ok();
  }));
  return value;
}

Status PostgresStore::PutState(std::span<const StateWrite> writes) {
  return Batched([&](PgConn& conn) { return ApplyStateWrites(conn, writes, clock_.Now()); });
}

Result<std::optional<std::string>> PostgresStore::LookupXref(std::string_view system,
                                                             std::string_view entity,
                                                             std::string_view external_id) {
  std::optional<std::string> value;
  ERPHUB_TRY(pool_.WithConnection([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q, conn.Query("SELECT system_id FROM xref WHERE system = $1 AND entity = $2 "
                               "AND external_id = $3",
                               PgParams().Add(system).Add(entity).Add(external_id)));
    if (!q.empty()) {
      value = q.Text(0, 0);
    }
    return Status::Ok();
  }));
  return value;
}

Status PostgresStore::PutXref(std::string_view system, std::string_view entity,
                              std::string_view external_id, std::string_view system_id) {
  if (system.empty() || entity.empty() || external_id.empty() || system_id.empty()) {
    return InvalidArgumentError("a cross-reference needs a system, an entity and both ids");
  }
  return Batched([&](PgConn& conn) -> Status {
    return conn
        .Query(
            "INSERT INTO xref (system, entity, external_id, system_id, updated_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (system, entity, external_id) DO "
            "UPDATE SET system_id = excluded.system_id, updated_at = excluded.updated_at",
            PgParams()
                .Add(system)
                .Add(entity)
                .Add(external_id)
                .Add(system_id)
                .Add(ToUnixMicros(clock_.Now())))
        .status();
  });
}

Status PostgresStore::RecordNode(std::string_view node, Timestamp started_at) {
  if (node.empty()) {
    return InvalidArgumentError("a node needs a name");
  }
  return Batched([&](PgConn& conn) -> Status {
    const int64_t now = ToUnixMicros(clock_.Now());
    ERPHUB_TRY(conn.Query("INSERT INTO nodes (name, started_at, last_seen) VALUES ($1, $2, $3) "
                          "ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at, "
                          "last_seen = excluded.last_seen",
                          PgParams().Add(node).Add(ToUnixMicros(started_at)).Add(now))
                   .status());
    return conn
        .Query("DELETE FROM nodes WHERE last_seen < $1",
               PgParams().Add(now - kForgetNodeAfterMicros))
        .status();
  });
}

Result<std::vector<NodeSeen>> PostgresStore::Nodes() {
  std::vector<NodeSeen> nodes;
  ERPHUB_TRY(pool_.WithConnection([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q,
        conn.Query("SELECT name, started_at, last_seen FROM nodes WHERE last_seen >= "
                   "$1 ORDER BY last_seen DESC, name",
                   PgParams().Add(ToUnixMicros(clock_.Now()) - kForgetNodeAfterMicros)));
    for (int r = 0; r < q.rows(); ++r) {
      nodes.push_back(
          NodeSeen{q.Text(r, 0), FromUnixMicros(q.Int(r, 1)), FromUnixMicros(q.Int(r, 2))});
    }
    return Status::Ok();
  }));
  return nodes;
}

Result<std::vector<FlowBacklog>> PostgresStore::Backlog() {
  std::vector<FlowBacklog> list;
  ERPHUB_TRY(pool_.WithConnection([&](PgConn& conn) -> Status {
    ERPHUB_ASSIGN_OR_RETURN(
        PgResult q, conn.Query("SELECT flow, state, count(*), coalesce(sum(bytes), 0), "
                               "count(*) FILTER (WHERE attempts > 0) FROM deliveries "
                               "WHERE state IN (0, 1, 2, 4) GROUP BY flow, state ORDER BY flow"));
    for (int r = 0; r < q.rows(); ++r) {
      std::string flow = q.Text(r, 0);
      if (list.empty() || list.back().flow != flow) {
        list.push_back(FlowBacklog{std::move(flow)});
      }
      FlowBacklog& b = list.back();
      const int64_t count = q.Int(r, 2);
      switch (static_cast<DeliveryState>(q.Int(r, 1))) {
        case DeliveryState::kQueued:
          b.queued = count;
          b.bytes += q.Int(r, 3);
          break;
        case DeliveryState::kReady:
          b.ready = count;
          b.retrying = q.Int(r, 4);
          b.bytes += q.Int(r, 3);
          break;
        case DeliveryState::kInFlight:
          b.in_flight = count;
          b.bytes += q.Int(r, 3);
          break;
        case DeliveryState::kDead:
          b.dead = count;
          break;
        default:
          break;
      }
    }
    return Status::Ok();
  }));
  return list;
}

StoreStats PostgresStore::Stats() const {
  StoreStats stats;
  stats.transactions = committer_.transactions() + transactions_.load();
  stats.write_operations = committer_.operations() + transactions_.load();
  stats.accepted_messages = accepted_.load();
  stats.duplicate_messages = duplicates_.load();
  return stats;
}

std::string SessionSql(const StoreOptions& options) {
  return options.fsync == FsyncMode::kFull ? "SET synchronous_commit = on"
                                           : "SET synchronous_commit = off";
}

Result<int> Migrate(const std::string& url, const StoreOptions& options, PgMigration mode) {
  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Default();
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, PgConn::Connect(url));
  return MigratePostgresSchema(*conn, mode, clock);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const StoreOptions& options) {
  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::Default();
  ERPHUB_TRY(
      Migrate(url, options,
              options.apply_migrations ? PgMigration::kCreateIfEmpty : PgMigration::kRefuseOlder)
          .status());
  return std::unique_ptr<Store>(new PostgresStore(clock, url, SessionSql(options), options));
}

Result<int> MigratePostgresStore(const std::string& url, const StoreOptions& options) {
  return Migrate(url, options, PgMigration::kUpgrade);
}

}  // namespace erphub::store
