#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.h"
#include "store/sqlite/intake_log.h"
#include "store/sqlite/intake_record.h"
#include "store/store.h"

namespace erphub::store {

// Acceptance through the intake log. One thread takes every acceptance queued so far, settles
// repeated provider events (against records not yet applied, then the store's tables), appends
// the lot to the log with one write and one sync, and answers the callers. The store copies the
// appended records into its tables in its next transaction (Unapplied, MarkApplied) and releases
// them from the log once that copy is durable.
class LoggedIntake {
 public:
  // The id of the stored message with this provider event id in this flow, or "" if none.
  using FindEvent =
      std::function<Result<std::string>(const std::string& flow, const std::string& event_id)>;
  // Whether a message with this id is stored.
  using HasMessage = std::function<Result<bool>(const std::string& id)>;

  struct Entry {
    uint64_t sequence = 0;
    IntakeRecord record;
    // Read back from the log at start-up: it may already be in the tables.
    bool recovered = false;
  };

  // `appended` runs (on the intake thread) after records reach the log, to get them applied.
  // `recovered`: the log's records found at start-up, to apply first.
  LoggedIntake(IntakeLog& log, FindEvent find_event, HasMessage has_message,
               std::function<void()> appended, std::vector<Entry> recovered);
  // Stop() and join.
  ~LoggedIntake();
  LoggedIntake(const LoggedIntake&) = delete;
  LoggedIntake& operator=(const LoggedIntake&) = delete;

  // Records are kMessage records; durable on return, one Accepted per record, in order. All or
  // nothing: a reused message id fails the call with kAlreadyExists.
  Result<std::vector<Accepted>> Accept(std::vector<IntakeRecord> records);

  // Appended records not yet applied, oldest first, at most `limit`. The pointers stay valid
  // until MarkApplied passes their sequence. Called by the store's single writer only.
  std::vector<const Entry*> Unapplied(size_t limit) const;
  // Records up to and including `sequence` are in the tables (committed).
  void MarkApplied(uint64_t sequence);
  bool has_unapplied() const;
  size_t unapplied() const;
  // The sequence of the last record appended (or recovered); 0 when none.
  uint64_t last_sequence() const;
  // Every record up to `sequence` is applied.
  bool AppliedThrough(uint64_t sequence) const;

  // Answers what is queued, then refuses further acceptances (kCancelled). Idempotent.
  void Stop();

  // Log appends so far (each one write and one sync).
  uint64_t appends() const;

 private:
  struct Request {
    std::vector<IntakeRecord>* records;
    Result<std::vector<Accepted>> result{std::vector<Accepted>{}};
    bool done = false;
  };

  void Run();
  void Settle(std::vector<Request*>& batch);
  // One caller's records: marks repeated events as duplicates; fails on a reused id.
  Result<std::vector<Accepted>> SettleRequest(
      std::vector<IntakeRecord>& records,
      std::unordered_map<std::string, std::string>& batch_events,
      std::unordered_set<std::string>& batch_ids);
  // The id of the message that first had this event ("" if none).
  Result<std::string> OriginalOf(const std::string& key, const IntakeRecord& record,
                                 const std::unordered_map<std::string, std::string>& batch_events);
  // A message id already accepted: in this batch, pending, or in the tables.
  Result<bool> IdInUse(const std::string& id, const std::unordered_set<std::string>& batch_ids);
  static std::string EventKey(const std::string& flow, const std::string& event_id);

  IntakeLog& log_;
  const FindEvent find_event_;
  const HasMessage has_message_;
  const std::function<void()> appended_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Request*> queue_;
  bool stopping_ = false;
  uint64_t appends_ = 0;
  uint64_t last_sequence_ = 0;

  // Appended, not yet applied (guarded by mu_): the records, and their provider events.
  std::deque<Entry> unapplied_;
  std::unordered_map<std::string, std::string> unapplied_events_;  // EventKey -> message id
  std::unordered_set<std::string> unapplied_ids_;

  std::thread thread_;
};

}  // namespace erphub::store
