#include "components/inputs/postgres_cdc_input.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "components/factory_support.h"
#include "components/inputs/cdc_changes.h"
#include "components/inputs/cdc_chunk.h"
#include "components/inputs/cdc_state.h"
#include "components/inputs/poller.h"
#include "components/inputs/state_commit.h"
#include "core/log.h"
#include "db/pg_copy_text.h"
#include "db/pg_replication.h"
#include "db/pgoutput.h"

namespace erphub::components {
namespace {

namespace pgo = db::pgoutput;
using cdc::CdcState;
using cdc::Key;
using cdc::Lsn;
using cdc::TableInfo;
using cdc::TableState;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr auto kStatusInterval = std::chrono::seconds(10);
// Rows in a table's first staged snapshot chunk, before the rows' size is known (at most
// `batch`); later chunks hold as many as fill `snapshot_chunk`, at least one and at most
// kMaxChunkRows however narrow the rows. So a chunk in memory is about that size or one row.
constexpr int64_t kFirstChunkRows = 1000;
constexpr int64_t kMaxChunkRows = 1000000;

struct CdcSettings {
  db::ConnectionOptions connection;
  std::string publication;
  std::string slot;
  std::vector<std::string> tables;  // schema.table
  bool snapshot = true;
  int64_t batch = 5000;
  // About this much row data per store commit, whatever `batch` says: wide rows are committed in
  // smaller batches instead of piling up in memory.
  uint64_t batch_bytes = 16 << 20;
  uint64_t chunk_bytes = 4 << 20;
  milliseconds retry_interval{5000};
  std::string config_file;  // for the resnapshot command the errors name
};

// Stops the input: the slot is gone, a table cannot be captured. Not retried.
bool Fatal(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition ||
         status.code() == StatusCode::kInvalidArgument;
}

std::string Qualified(std::string_view table) {
  return table.find('.') == std::string_view::npos ? "public." + std::string(table)
                                                   : std::string(table);
}

class PostgresCdcInput final : public Input {
 public:
  explicit PostgresCdcInput(CdcSettings settings) : settings_(std::move(settings)) {}
  ~PostgresCdcInput() override { Stop(); }

  Status Start(const InputContext& context) override {
    if (context.intake == nullptr) {
      return InternalError("postgres_cdc input started without an intake");
    }
    context_ = context;
    state_key_ = PostgresCdcStateKey(context.flow);
    ERPHUB_TRY(RequireStoreState(*context_.intake, state_key_,
                                 "the postgres_cdc input keeps its position"));
    poller_.Start([this] { Run(); });
    return Status::Ok();
  }

  void Stop() override { poller_.Stop(); }

 private:
  void Run() {
    while (!poller_.stopping()) {
      Status status = RunOnce();
      session_.reset();
      if (poller_.stopping()) {
        return;
      }
      if (Fatal(status)) {
        Logger::Default().Error("postgres_cdc.stopped", {{"flow", Value::Str(context_.flow)},
                                                         {"slot", Value::Str(settings_.slot)},
                                                         {"error", Value::Str(status.ToString())}});
        Count("erphub_cdc_stopped_total", 1);
        return;
      }
      if (!status.ok()) {
        Count("erphub_cdc_errors_total", 1);
        if (status.ToString() != last_error_) {
          last_error_ = status.ToString();
          Logger::Default().Warn("postgres_cdc.retrying", {{"flow", Value::Str(context_.flow)},
                                                           {"error", Value::Str(last_error_)}});
        }
      }
      if (!poller_.Pause()) {
        return;
      }
    }
  }

  void Count(std::string_view name, double delta) {
    if (context_.metrics != nullptr) {
      context_.metrics->Count(name, delta);
    }
  }

  Status RunOnce() {
    ERPHUB_ASSIGN_OR_RETURN(stored_, context_.intake->GetState(state_key_));
    CdcState state;
    bool fresh = !stored_.has_value();
    if (stored_.has_value()) {
      ERPHUB_ASSIGN_OR_RETURN(state, cdc::DecodeState(*stored_));
      fresh = state.resnapshot;
      if (!fresh && state.slot != settings_.slot) {
        return Status(StatusCode::kFailedPrecondition,
                      "the flow's state is for slot " + state.slot + ", the config names " +
                          settings_.slot + "; to start over run " + ResnapshotCommand());
      }
    }
    ERPHUB_ASSIGN_OR_RETURN(session_, db::PgSession::Connect(settings_.connection, false));
    ERPHUB_TRY(DescribeTables());
    if (fresh) {
      ERPHUB_TRY(EnsurePublication());
      ERPHUB_TRY(CreateSlot(state));
    } else {
      ERPHUB_TRY(FollowTableChanges(state));
    }
    if (!fresh && !state.snapshot_done) {
      ERPHUB_TRY(ResumeSnapshot(state));
    }
    ERPHUB_TRY(Expand(state));
    if (poller_.stopping()) {
      return Status::Ok();
    }
    return Stream(state);
  }

  std::string ResnapshotCommand() const {
    return "`erphub cdc resnapshot " + settings_.config_file + " --flow " + context_.flow + "`";
  }

  Status SlotLost(const CdcState& state, const std::string& why) const {
    return Status(StatusCode::kFailedPrecondition,
                  "replication slot \"" + settings_.slot + "\" " + why +
                      ": the changes after the last committed LSN " + pgo::FormatLsn(state.lsn) +
                      " can no longer be read, and erphub does not re-snapshot by itself. To "
                      "start over with a new snapshot of the tables (every row read again), run " +
                      ResnapshotCommand() + " and restart the hub");
  }

  // Columns, types and primary key of each captured table.
  Status DescribeTables() {
    tables_.clear();
    for (const std::string& name : settings_.tables) {
      ERPHUB_ASSIGN_OR_RETURN(
          db::PgRows rows,
          session_->Query("SELECT a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod), "
                          "coalesce(array_position(i.indkey::int2[], a.attnum) - "
                          "array_lower(i.indkey::int2[], 1) + 1, 0) "
                          "FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid "
                          "AND i.indisprimary WHERE a.attrelid = to_regclass(" +
                          session_->Literal(session_->Identifier(name)) +
                          ") AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"));
      if (rows.rows.empty()) {
        return Status(StatusCode::kFailedPrecondition, "table " + name + " does not exist");
      }
      TableInfo table;
      table.name = name;
      std::vector<std::pair<int, size_t>> key;  // (place in the key, column)
      for (const auto& row : rows.rows) {
        uint32_t type = static_cast<uint32_t>(std::stoul(row[1].value_or("0")));
        int place = std::stoi(row[3].value_or("0"));
        if (place > 0) {
          auto key_type = cdc::KeyTypeOf(type, row[2].value_or("?"));
          if (!key_type.ok()) {
            return Status(StatusCode::kFailedPrecondition,
                          "table " + name + ": " + std::string(key_type.status().message()));
          }
          key.emplace_back(place, table.columns.size());
        }
        table.columns.push_back(row[0].value_or(""));
        table.types.push_back(type);
      }
      if (key.empty()) {
        return Status(StatusCode::kFailedPrecondition,
                      "table " + name + " has no primary key, which change-data-capture needs");
      }
      std::sort(key.begin(), key.end());
      for (const auto& [place, column] : key) {
        table.key_positions.push_back(column);
        table.key_types.push_back(*cdc::KeyTypeOf(table.types[column], ""));
      }
      tables_[name] = std::move(table);
    }
    return Status::Ok();
  }

  Status EnsurePublication() {
    const std::string name = session_->Literal(settings_.publication);
    ERPHUB_ASSIGN_OR_RETURN(
        db::PgRows exists, session_->Query("SELECT 1 FROM pg_publication WHERE pubname = " + name));
    std::vector<std::string> missing = settings_.tables;
    if (!exists.rows.empty()) {
      ERPHUB_ASSIGN_OR_RETURN(
          db::PgRows published,
          session_->Query("SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                          "WHERE pubname = " +
                          name));
      for (const auto& row : published.rows) {
        missing.erase(std::remove(missing.begin(), missing.end(), row[0].value_or("")),
                      missing.end());
      }
      if (missing.empty()) {
        return Status::Ok();
      }
    }
    std::string list;
    for (const std::string& table : missing) {
      list += (list.empty() ? "" : ", ") + session_->Identifier(table);
    }
    return session_->Exec((exists.rows.empty() ? "CREATE PUBLICATION " : "ALTER PUBLICATION ") +
                          session_->Identifier(settings_.publication) +
                          (exists.rows.empty() ? " FOR TABLE " : " ADD TABLE ") + list);
  }

  // The slot's row in pg_replication_slots: kFailedPrecondition when it is gone or lost.
  Status CheckSlot(const CdcState& state) {
    ERPHUB_ASSIGN_OR_RETURN(
        db::PgRows rows,
        session_->Query("SELECT coalesce(wal_status, '') FROM pg_replication_slots WHERE "
                        "slot_name = " +
                        session_->Literal(settings_.slot) + " AND database = current_database()"));
    if (rows.rows.empty()) {
      return SlotLost(state, "does not exist (it was dropped)");
    }
    if (rows.rows[0][0].value_or("") == "lost") {
      return SlotLost(state,
                      "was invalidated (wal_status lost: the WAL it needed was removed, see "
                      "max_slot_wal_keep_size)");
    }
    return Status::Ok();
  }

  // The config's tables against those the state captures. An added table joins the
  // publication and is snapshotted (in a snapshot of its own, whose consistent point decides
  // which streamed changes its rows hold already); a removed one is no longer captured.
  Status FollowTableChanges(CdcState& state) {
    CdcState next = state;
    std::vector<std::string> added;
    std::vector<std::string> removed;
    for (const std::string& table : settings_.tables) {
      if (std::none_of(state.tables.begin(), state.tables.end(),
                       [&](const TableState& t) { return t.name == table; })) {
        added.push_back(table);
        next.tables.push_back(
            TableState{.name = table, .last = {}, .done = !settings_.snapshot, .segments = {}});
        next.snapshot_done = next.snapshot_done && !settings_.snapshot;
      }
    }
    std::erase_if(next.tables, [&](const TableState& t) {
      bool gone = !tables_.contains(t.name);
      if (gone) {
        removed.push_back(t.name);
      }
      return gone;
    });
    if (added.empty() && removed.empty()) {
      return Status::Ok();
    }
    if (!added.empty()) {
      ERPHUB_TRY(CheckSlot(state));
      ERPHUB_TRY(EnsurePublication());
    }
    ERPHUB_TRY(Commit({}, next, state));
    for (auto [list, event] : {std::pair{&added, "postgres_cdc.table_added"},
                               std::pair{&removed, "postgres_cdc.table_removed"}}) {
      for (const std::string& table : *list) {
        Logger::Default().Info(event,
                               {{"flow", Value::Str(context_.flow)}, {"table", Value::Str(table)}});
      }
    }
    return Status::Ok();
  }

  // A first run (or one after `erphub cdc resnapshot`): a new slot, and its snapshot read.
  Status CreateSlot(CdcState& state) {
    ERPHUB_ASSIGN_OR_RETURN(
        db::PgRows old,
        session_->Query("SELECT active_pid FROM pg_replication_slots WHERE slot_name = " +
                        session_->Literal(settings_.slot)));
    if (!old.rows.empty()) {
      // Left by a run that stopped before committing anything, or by the run before a
      // resnapshot: nothing committed depends on it.
      Logger::Default().Warn("postgres_cdc.dropping_slot", {{"flow", Value::Str(context_.flow)},
                                                            {"slot", Value::Str(settings_.slot)}});
      ERPHUB_TRY(session_->Exec("SELECT pg_drop_replication_slot(" +
                                session_->Literal(settings_.slot) + ")"));
    }
    ERPHUB_ASSIGN_OR_RETURN(auto replication,
                            db::PgSession::Connect(settings_.connection, /*replication=*/true));
    ERPHUB_ASSIGN_OR_RETURN(db::CreatedSlot slot,
                            replication->CreateSlot(settings_.slot, false, settings_.snapshot));
    CdcState next;
    next.slot = settings_.slot;
    next.start_lsn = slot.consistent_point;
    next.lsn = slot.consistent_point;
    next.snapshot_done = !settings_.snapshot;
    for (const std::string& table : settings_.tables) {
      next.tables.push_back(TableState{.name = table, .last = {}, .done = false, .segments = {}});
    }
    ERPHUB_TRY(Commit({}, next, state));
    Logger::Default().Info("postgres_cdc.slot_created",
                           {{"flow", Value::Str(context_.flow)},
                            {"slot", Value::Str(settings_.slot)},
                            {"lsn", Value::Str(pgo::FormatLsn(slot.consistent_point))}});
    if (!settings_.snapshot) {
      return Status::Ok();
    }
    return ReadSnapshot(state, slot.snapshot, slot.consistent_point);
  }

  // After a crash mid-snapshot: the exported snapshot died with its session, so the rest of the
  // keys are read in a new one, from a temporary slot whose consistent point is exact.
  Status ResumeSnapshot(CdcState& state) {
    ERPHUB_TRY(CheckSlot(state));
    ERPHUB_ASSIGN_OR_RETURN(auto replication,
                            db::PgSession::Connect(settings_.connection, /*replication=*/true));
    std::string name = settings_.slot.substr(0, 40) + "_resume_" + std::to_string(::getpid());
    ERPHUB_ASSIGN_OR_RETURN(db::CreatedSlot slot, replication->CreateSlot(name, true, true));
    Logger::Default().Info("postgres_cdc.snapshot_resumed",
                           {{"flow", Value::Str(context_.flow)},
                            {"lsn", Value::Str(pgo::FormatLsn(slot.consistent_point))}});
    return ReadSnapshot(state, slot.snapshot, slot.consistent_point);
  }

  // Reads the tables' remaining keys in the exported snapshot `name` (consistent at `lsn`) and
  // stages them in the store, a chunk of rows per commit with the position reached: the
  // snapshot's transaction stays open only as long as reading takes, not as long as turning
  // every row into a message (Expand, next). Stops early (state kept) when stopping.
  Status ReadSnapshot(CdcState& state, const std::string& name, Lsn lsn) {
    ERPHUB_ASSIGN_OR_RETURN(auto reader, db::PgSession::Connect(settings_.connection, false));
    ERPHUB_TRY(reader->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    ERPHUB_TRY(reader->Exec("SET TRANSACTION SNAPSHOT " + reader->Literal(name)));
    std::vector<std::optional<std::string>> fields;
    for (size_t t = 0; t < state.tables.size(); ++t) {
      if (state.tables[t].done) {
        continue;
      }
      const TableInfo& table = tables_.at(state.tables[t].name);
      CdcState next = state;
      TableState& entry = next.tables[t];
      if (entry.segments.empty() || entry.segments.back().lsn != lsn) {
        if (!entry.last.has_value()) {
          entry.segments.clear();
        }
        entry.segments.push_back(cdc::Segment{.after = entry.last, .lsn = lsn});
      }
      int64_t limit = std::min(settings_.batch, kFirstChunkRows);
      // A chunk is committed while the next is read. Meanwhile only that commit touches `state`.
      std::future<Status> committing;
      auto committed = [&] { return committing.valid() ? committing.get() : Status::Ok(); };
      while (!poller_.stopping()) {
        std::string chunk = cdc::ChunkHeader(table, lsn);
        const size_t header = chunk.size();
        size_t last_row = header;
        int64_t count = 0;
        ERPHUB_TRY(reader->CopyOut(ChunkQuery(*reader, table, entry.last, limit),
                                   [&](std::string_view line) -> Status {
                                     last_row = chunk.size();
                                     chunk.append(line);
                                     if (!line.ends_with('\n')) {
                                       chunk.push_back('\n');
                                     }
                                     ++count;
                                     return Status::Ok();
                                   }));
        const double row_bytes = static_cast<double>(chunk.size() - header) /
                                 static_cast<double>(std::max<int64_t>(count, 1));
        int64_t number = 0;
        if (count > 0) {
          ERPHUB_TRY(db::ParseCopyTextRow(std::string_view(chunk).substr(last_row), fields));
          entry.last = cdc::SnapshotKey(table, fields);
          number = next.staged++;
        }
        entry.done = count < limit;
        ERPHUB_TRY(committed());
        committing = std::async(
            std::launch::async, [this, next, &state, chunk = std::move(chunk), number, count] {
              std::vector<StateChange> staged;
              if (count > 0) {
                staged.push_back(StateChange::Set(ChunkKey(number), cdc::PackChunk(chunk)));
              }
              ERPHUB_TRY(Commit({}, next, state, std::move(staged)));
              Count("erphub_cdc_snapshot_rows_total", static_cast<double>(count));
              return Status::Ok();
            });
        if (entry.done) {
          break;
        }
        limit =
            std::clamp(static_cast<int64_t>(static_cast<double>(settings_.chunk_bytes) / row_bytes),
                       int64_t{1}, kMaxChunkRows);
      }
      ERPHUB_TRY(committed());
      if (poller_.stopping()) {
        return Status::Ok();
      }
    }
    CdcState next = state;
    next.snapshot_done = true;
    ERPHUB_TRY(Commit({}, next, state));
    Logger::Default().Info("postgres_cdc.snapshot_read", {{"flow", Value::Str(context_.flow)},
                                                          {"chunks", Value::Int(state.staged)}});
    return reader->Exec("COMMIT");
  }

  std::string ChunkKey(int64_t chunk) const { return PostgresCdcChunkKey(context_.flow, chunk); }

  // Turns the staged snapshot rows into messages, `batch` rows per store commit with the place
  // reached; the commit of a chunk's last rows erases the chunk. Pauses while the flow is
  // overloaded; stops early (state kept) when stopping.
  Status Expand(CdcState& state) {
    std::vector<std::optional<std::string>> fields;
    const bool expanding = state.expanded < state.staged;
    while (state.expanded < state.staged && !poller_.stopping()) {
      const int64_t number = state.expanded;
      const std::string key = ChunkKey(number);
      ERPHUB_ASSIGN_OR_RETURN(std::optional<std::string> text, context_.intake->GetState(key));
      if (!text.has_value()) {
        return Status(StatusCode::kFailedPrecondition, "the staged snapshot chunk " + key +
                                                           " is missing from the store; to start "
                                                           "over run " +
                                                           ResnapshotCommand());
      }
      Result<cdc::Chunk> chunk = cdc::Chunk::Unpack(*text);
      if (!chunk.ok()) {
        return Status(StatusCode::kFailedPrecondition,
                      "the staged snapshot chunk " + key + " is damaged (" +
                          std::string(chunk.status().message()) + "); to start over run " +
                          ResnapshotCommand());
      }
      const size_t rows = chunk->rows();
      size_t row = static_cast<size_t>(state.expanded_rows);
      while (row < rows) {
        while (context_.intake->Overloaded() && poller_.PauseFor(milliseconds(50))) {
        }
        if (poller_.stopping()) {
          return Status::Ok();
        }
        const size_t end = std::min(rows, row + static_cast<size_t>(settings_.batch));
        std::vector<IntakeItem> items;
        items.reserve(end - row);
        for (uint64_t bytes = 0; row < end && (items.empty() || bytes < settings_.batch_bytes);
             ++row) {
          bytes += chunk->row(row).size();
          ERPHUB_TRY(db::ParseCopyTextRow(chunk->row(row), fields));
          items.push_back(cdc::SnapshotItem(settings_.slot, state.start_lsn, chunk->lsn(),
                                            chunk->table(), fields));
        }
        CdcState next = state;
        std::vector<StateChange> erase;
        if (row == rows) {
          ++next.expanded;
          next.expanded_rows = 0;
          erase.push_back(StateChange::Erase(key));
        } else {
          next.expanded_rows = static_cast<int64_t>(row);
        }
        const size_t count = items.size();
        ERPHUB_TRY(Commit(std::move(items), next, state, std::move(erase)));
        Count("erphub_cdc_snapshot_messages_total", static_cast<double>(count));
      }
      if (state.expanded == number) {  // no rows left in it: staged empty, or a stale place
        CdcState next = state;
        ++next.expanded;
        next.expanded_rows = 0;
        ERPHUB_TRY(Commit({}, next, state, {StateChange::Erase(key)}));
      }
    }
    if (expanding && state.expanded == state.staged && state.snapshot_done) {
      Logger::Default().Info("postgres_cdc.snapshot_done", {{"flow", Value::Str(context_.flow)}});
    }
    return Status::Ok();
  }

  // COPY (SELECT columns FROM table WHERE key > last ORDER BY key LIMIT limit) TO STDOUT, text
  // keys in "C" order (as the C++ side compares them).
  std::string ChunkQuery(db::PgSession& reader, const TableInfo& table,
                         const std::optional<Key>& last, int64_t limit) const {
    std::string columns;
    for (const std::string& column : table.columns) {
      columns += (columns.empty() ? "" : ", ") + reader.Identifier(column);
    }
    std::string key_columns;
    std::string key_values;
    for (size_t k = 0; k < table.key_positions.size(); ++k) {
      const char* collate = table.key_types[k] == cdc::KeyType::kText ? " COLLATE \"C\"" : "";
      key_columns +=
          (k == 0 ? "" : ", ") + reader.Identifier(table.columns[table.key_positions[k]]) + collate;
      if (last.has_value() && k < last->size()) {
        key_values += (k == 0 ? "" : ", ") + reader.Literal((*last)[k]) + collate;
      }
    }
    std::string sql = "COPY (SELECT " + columns + " FROM " + reader.Identifier(table.name);
    if (last.has_value()) {
      sql += " WHERE (" + key_columns + ") > (" + key_values + ")";
    }
    return sql + " ORDER BY " + key_columns + " LIMIT " + std::to_string(limit) + ") TO STDOUT";
  }

  // Commits `items` and `more` changes with `next` as the state; `state` becomes `next` once
  // durable.
  Status Commit(std::vector<IntakeItem> items, const CdcState& next, CdcState& state,
                std::vector<StateChange> more = {}) {
    std::string encoded = cdc::EncodeState(next);
    more.push_back(StateChange{state_key_, stored_, encoded});
    ERPHUB_TRY(CommitWithState(*context_.intake, std::move(items), more));
    stored_ = std::move(encoded);
    state = next;
    return Status::Ok();
  }

  // True when the snapshot rows already hold this change: its transaction committed before
  // the consistent point of every segment that holds a key it touches.
  bool Covered(const CdcState& state, const cdc::StreamChange& change, Lsn commit) const {
    auto table = std::find_if(state.tables.begin(), state.tables.end(),
                              [&](const TableState& t) { return t.name == change.table; });
    auto info = tables_.find(change.table);
    if (table == state.tables.end() || table->segments.empty() || info == tables_.end()) {
      return false;
    }
    if (!change.old_key.has_value() && !change.new_key.has_value()) {
      return std::all_of(table->segments.begin(), table->segments.end(),
                         [&](const cdc::Segment& s) { return commit < s.lsn; });
    }
    for (const std::optional<Key>& key : {change.old_key, change.new_key}) {
      if (!key.has_value()) {
        continue;
      }
      const cdc::Segment* segment = cdc::SegmentOf(*table, info->second.key_types, *key);
      if (segment == nullptr || commit >= segment->lsn) {
        return false;
      }
    }
    return true;
  }

  Status Stream(CdcState& state);

  const CdcSettings settings_;
  InputContext context_;
  std::string state_key_;
  // Only touched by the input's thread after Start.
  std::unique_ptr<db::PgSession> session_;
  std::map<std::string, TableInfo> tables_;
  std::optional<std::string> stored_;
  std::string last_error_;
  Poller poller_{settings_.retry_interval};  // last: stops before the rest goes away
};

// Streams the slot's changes from state.lsn. Whole transactions are committed to the store
// `batch` changes at a time (a bigger one in parts) with the position after them; only then is
// that position reported to PostgreSQL.
Status PostgresCdcInput::Stream(CdcState& state) {
  ERPHUB_TRY(CheckSlot(state));
  ERPHUB_ASSIGN_OR_RETURN(auto replication,
                          db::PgSession::Connect(settings_.connection, /*replication=*/true));
  Status started = replication->StartReplication(settings_.slot, state.lsn, settings_.publication);
  if (started.code() == StatusCode::kNotFound ||
      started.code() == StatusCode::kFailedPrecondition) {
    return SlotLost(state, "cannot be read (" + std::string(started.message()) + ")");
  }
  ERPHUB_TRY(started);
  session_.reset();  // not needed while streaming
  cdc::ChangeDecoder decoder(settings_.slot, tables_);
  const size_t batch = static_cast<size_t>(settings_.batch);

  std::vector<IntakeItem> ready;  // whole transactions, not yet committed
  Lsn ready_end = state.lsn;      // where the stream resumes once `ready` is committed
  // Row data in `ready` and `transaction`, as the server sent it.
  uint64_t ready_bytes = 0;
  uint64_t transaction_bytes = 0;
  bool in_transaction = false;
  pgo::Begin begin;
  int64_t index = 0;  // changes of the current transaction seen so far
  bool skip_transaction = false;
  int64_t skip_below = 0;
  std::vector<IntakeItem> transaction;  // its changes not yet committed
  Lsn idle_end = 0;                     // the server's position while nothing was pending
  Lsn server_end = 0;                   // the furthest WAL position the server has named
  auto last_status = Clock::now();

  // How much WAL the server holds that is not yet durable here.
  auto set_lag = [&](Lsn durable) {
    if (context_.metrics != nullptr) {
      context_.metrics->Set("erphub_cdc_lag_bytes",
                            static_cast<double>(server_end > durable ? server_end - durable : 0));
    }
  };
  auto report = [&](bool reply) -> Status {
    Lsn flushed = state.lsn;
    if (!in_transaction && ready.empty() && transaction.empty()) {
      flushed = std::max(flushed, idle_end);
    }
    last_status = Clock::now();
    set_lag(flushed);
    return replication->SendStatus(flushed, reply);
  };
  // Commits `ready` (and, for a part of a big transaction, its changes so far), then reports.
  auto flush = [&](bool part) -> Status {
    set_lag(state.lsn);
    CdcState next = state;
    next.lsn = ready_end;
    next.partial_lsn = part ? begin.final_lsn : 0;
    next.partial_index = part ? index : 0;
    std::vector<IntakeItem> items = std::move(ready);
    ready.clear();
    ready_bytes = 0;
    if (part) {
      for (IntakeItem& item : transaction) {
        items.push_back(std::move(item));
      }
      transaction.clear();
      transaction_bytes = 0;
    }
    size_t count = items.size();
    ERPHUB_TRY(Commit(std::move(items), next, state));
    Count("erphub_cdc_stream_changes_total", static_cast<double>(count));
    return report(false);
  };

  while (!poller_.stopping()) {
    if (context_.intake->Overloaded()) {
      poller_.PauseFor(milliseconds(50));
      if (Clock::now() - last_status > kStatusInterval) {
        ERPHUB_TRY(report(false));
      }
      continue;
    }
    bool pending = !ready.empty() || (!in_transaction && ready_end != state.lsn);
    ERPHUB_ASSIGN_OR_RETURN(std::optional<std::string> frame,
                            replication->ReadFrame(pending ? milliseconds(0) : milliseconds(200)));
    if (!frame.has_value()) {
      if (pending) {
        ERPHUB_TRY(flush(false));
      } else if (Clock::now() - last_status > kStatusInterval) {
        ERPHUB_TRY(report(false));
      }
      continue;
    }
    ERPHUB_ASSIGN_OR_RETURN(pgo::Frame decoded, pgo::DecodeFrame(*frame));
    if (const auto* keepalive = std::get_if<pgo::Keepalive>(&decoded)) {
      server_end = std::max(server_end, keepalive->wal_end);
      if (!in_transaction && ready.empty() && ready_end == state.lsn) {
        idle_end = std::max(idle_end, keepalive->wal_end);
      }
      if (keepalive->reply_requested) {
        ERPHUB_TRY(report(false));
      }
      continue;
    }
    const auto& data = std::get<pgo::XLogData>(decoded);
    server_end = std::max(server_end, data.wal_end);
    ERPHUB_ASSIGN_OR_RETURN(pgo::Message message, pgo::DecodeMessage(data.data));
    if (const auto* b = std::get_if<pgo::Begin>(&message)) {
      in_transaction = true;
      begin = *b;
      index = 0;
      transaction.clear();
      transaction_bytes = 0;
      // Committed before: the whole transaction, or its first changes.
      skip_transaction = begin.final_lsn < state.lsn;
      skip_below = begin.final_lsn == state.partial_lsn ? state.partial_index : 0;
    } else if (const auto* commit = std::get_if<pgo::Commit>(&message)) {
      if (!in_transaction) {
        return ParseError("pgoutput: a commit without its begin");
      }
      in_transaction = false;
      for (IntakeItem& item : transaction) {
        ready.push_back(std::move(item));
      }
      transaction.clear();
      ready_bytes += transaction_bytes;
      transaction_bytes = 0;
      ready_end = std::max(ready_end, commit->end_lsn);
      if (ready.size() >= batch || ready_bytes >= settings_.batch_bytes) {
        ERPHUB_TRY(flush(false));
      }
    } else if (auto* relation = std::get_if<pgo::Relation>(&message)) {
      decoder.AddRelation(std::move(*relation));
    } else if (std::holds_alternative<pgo::Insert>(message) ||
               std::holds_alternative<pgo::Update>(message) ||
               std::holds_alternative<pgo::Delete>(message) ||
               std::holds_alternative<pgo::Truncate>(message)) {
      if (!in_transaction) {
        return ParseError("pgoutput: a change outside a transaction");
      }
      int64_t at = index++;
      if (skip_transaction || at < skip_below) {
        continue;
      }
      ERPHUB_ASSIGN_OR_RETURN(std::vector<cdc::StreamChange> changes,
                              decoder.Decode(message, begin, at));
      const size_t kept = transaction.size();
      for (cdc::StreamChange& change : changes) {
        // A table the publication still holds but the config no longer names is left out.
        if (tables_.contains(change.table) && !Covered(state, change, begin.final_lsn)) {
          transaction.push_back(std::move(change.item));
        }
      }
      if (transaction.size() > kept) {
        transaction_bytes += data.data.size();
      }
      if (transaction.size() >= batch || transaction_bytes >= settings_.batch_bytes) {
        ERPHUB_TRY(flush(true));
      }
    }
    // Type, Origin and logical decoding messages carry no row change.
  }
  return Status::Ok();
}

std::vector<CheckProblem> IsPostgresUrl(const Value& value) {
  std::string_view url = value.as_string();
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return {};
  }
  return {{"", "must be a postgresql:// URL"}};
}

std::vector<CheckProblem> IsSlotName(const Value& value) {
  std::string_view name = value.as_string();
  bool valid =
      !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      });
  if (valid) {
    return {};
  }
  return {{"", "a slot name has 1 to 63 lower case letters, digits and underscores"}};
}

}  // namespace

std::string PostgresCdcStateKey(std::string_view flow) {
  return "postgres-cdc:" + std::string(flow);
}

std::string PostgresCdcChunkKey(std::string_view flow, int64_t chunk) {
  std::string number = std::to_string(chunk);
  return PostgresCdcStateKey(flow) +
         ":snapshot:" + std::string(number.size() < 8 ? 8 - number.size() : 0, '0') + number;
}

std::string PostgresCdcResnapshotState() {
  CdcState state;
  state.resnapshot = true;
  return cdc::EncodeState(state);
}

ComponentSpec PostgresCdcInputSpec() {
  return ComponentSpec::Input("postgres_cdc")
      .Summary(
          "Captures the changes of PostgreSQL tables by logical replication: a consistent, "
          "resumable snapshot of the rows, then every insert, update and delete as it commits.")
      .Field(StringField("url")
                 .Required()
                 .Check(IsPostgresUrl)
                 .Description("The source database: postgresql://user@host:5432/db (libpq's URL). "
                              "The user needs the REPLICATION attribute (or superuser), and "
                              "CREATE on the database to create the publication."))
      .Field(StringField("password")
                 .Secret()
                 .Description("Password of the database user, when the URL has none: ${ENV_VAR} or "
                              "file:/path."))
      .Field(StringField("publication")
                 .Required()
                 .Min(1)
                 .Description("The publication to read; created FOR the tables if missing, "
                              "and tables it lacks are added."))
      .Field(StringField("slot")
                 .Required()
                 .Check(IsSlotName)
                 .Description("The logical replication slot (pgoutput) this flow owns, created on "
                              "the first run."))
      .Field(ListField("tables", StringField("table").Min(1))
                 .Required()
                 .Min(1)
                 .Description("Tables to capture (schema.table; public when no schema). Each "
                              "needs a primary key of smallint, integer, bigint, numeric, text, "
                              "varchar or uuid columns. A table added later is snapshotted "
                              "on the next start (snapshot: initial); one removed is no longer "
                              "captured."))
      .Field(EnumField("snapshot", {"initial", "never"})
                 .Default("initial")
                 .Description("initial: read every row first (op read), then stream; never: "
                              "only the changes from the slot's creation on."))
      .Field(IntField("batch").Default(5000).Min(1).Max(100000).Description(
          "Rows per store commit: snapshot rows turned into messages, and changes of whole "
          "transactions committed together before their position is acknowledged."))
      .Field(SizeField("batch_bytes")
                 .Default("16MiB")
                 .Min(1)
                 .Description("About this much row data per store commit, whatever batch says "
                              "(at least one row): wide rows (large text or bytea) go in smaller "
                              "commits instead of piling up in memory."))
      .Field(SizeField("snapshot_chunk")
                 .Default("4MiB")
                 .Min(1)
                 .Description("Snapshot rows are read and staged in the store in chunks of about "
                              "this size (or one row, when a row is bigger), then turned into "
                              "messages."))
      .Field(DurationField("retry_interval")
                 .Default("5s")
                 .Min(milliseconds(10))
                 .Description("Pause before reconnecting after the database or store failed."))
      .Field(DurationField("timeout")
                 .Default("30s")
                 .Min(milliseconds(1000))
                 .Description("Connect time limit."));
}

Result<std::unique_ptr<Component>> MakePostgresCdcInput(const ComponentConfig& config,
                                                        const ComponentEnv& env) {
  CdcSettings settings;
  settings.connection = DbConnectionOptions(config, env);
  settings.publication = std::string(config.GetString("publication"));
  settings.slot = std::string(config.GetString("slot"));
  settings.config_file = config.file.empty() ? "CONFIG" : config.file;
  for (const Value& table : config.Get("tables").as_array()) {
    std::string name = Qualified(table.as_string());
    if (std::find(settings.tables.begin(), settings.tables.end(), name) == settings.tables.end()) {
      settings.tables.push_back(std::move(name));
    }
  }
  settings.snapshot = config.GetString("snapshot") == "initial";
  settings.batch = config.GetInt("batch");
  settings.batch_bytes = config.GetSize("batch_bytes");
  settings.chunk_bytes = config.GetSize("snapshot_chunk");
  settings.retry_interval = config.GetDuration("retry_interval");
  return std::unique_ptr<Component>(std::make_unique<PostgresCdcInput>(std::move(settings)));
}

}  // namespace erphub::components
