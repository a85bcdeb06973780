#include "store/sqlite/logged_intake.h"

#include <utility>

namespace erphub::store {

LoggedIntake::LoggedIntake(IntakeLog& log, FindEvent find_event, HasMessage has_message,
                           std::function<void()> appended, std::vector<Entry> recovered)
    : log_(log),
      find_event_(std::move(find_event)),
      has_message_(std::move(has_message)),
      appended_(std::move(appended)) {
  for (Entry& entry : recovered) {
    entry.recovered = true;
    if (entry.record.kind == IntakeRecord::Kind::kMessage && !entry.record.event_id.empty()) {
      unapplied_events_[EventKey(entry.record.flow, entry.record.event_id)] = entry.record.id;
    }
    last_sequence_ = entry.sequence;
    if (entry.record.kind == IntakeRecord::Kind::kMessage) unapplied_ids_.insert(entry.record.id);
    unapplied_.push_back(std::move(entry));
  }
  thread_ = std::thread([this] { Run(); });
}

LoggedIntake::~LoggedIntake() { Stop(); }

void LoggedIntake::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string LoggedIntake::EventKey(const std::string& flow, const std::string& event_id) {
  std::string key = flow;
  key += '\x1f';
  key += event_id;
  return key;
}

Result<std::vector<Accepted>> LoggedIntake::Accept(std::vector<IntakeRecord> records) {
  Request request{&records};
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) {
    return Status(StatusCode::kCancelled, "the store is closing");
  }
  queue_.push_back(&request);
  if (queue_.size() == 1) {
    work_cv_.notify_one();
  }
  done_cv_.wait(lock, [&request] { return request.done; });
  return std::move(request.result);
}

void LoggedIntake::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;
    }
    std::vector<Request*> batch(queue_.begin(), queue_.end());
    queue_.clear();
    lock.unlock();
    Settle(batch);
    lock.lock();
    for (Request* request : batch) {
      request->done = true;
    }
    done_cv_.notify_all();
  }
}

void LoggedIntake::Settle(std::vector<Request*>& batch) {
  std::vector<std::string> bodies;
  std::vector<IntakeRecord*> appended;  // in log order
  // Events and ids first seen in this batch: a repeat inside the batch refers to them.
  std::unordered_map<std::string, std::string> batch_events;
  std::unordered_set<std::string> batch_ids;
  for (Request* request : batch) {
    Result<std::vector<Accepted>> results =
        SettleRequest(*request->records, batch_events, batch_ids);
    if (results.ok()) {
      for (IntakeRecord& record : *request->records) {
        bodies.push_back(EncodeIntakeRecord(record));
        appended.push_back(&record);
      }
    }
    request->result = std::move(results);
  }
  if (bodies.empty()) {
    return;
  }
  Result<uint64_t> first = log_.Append(bodies);
  if (!first.ok()) {
    for (Request* request : batch) {
      if (request->result.ok()) request->result = first.status();
    }
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++appends_;
    uint64_t sequence = *first;
    for (IntakeRecord* record : appended) {
      if (record->kind == IntakeRecord::Kind::kMessage) {
        if (!record->event_id.empty()) {
          unapplied_events_[EventKey(record->flow, record->event_id)] = record->id;
        }
        unapplied_ids_.insert(record->id);
      }
      unapplied_.push_back(Entry{sequence++, std::move(*record), false});
    }
    last_sequence_ = sequence - 1;
  }
  appended_();
}

Result<std::vector<Accepted>> LoggedIntake::SettleRequest(
    std::vector<IntakeRecord>& records, std::unordered_map<std::string, std::string>& batch_events,
    std::unordered_set<std::string>& batch_ids) {
  std::vector<Accepted> results;
  // What this request added to the batch's sets, taken out again if it fails.
  std::vector<std::string> added_events;
  std::vector<std::string> added_ids;
  Status failed;
  for (IntakeRecord& record : records) {
    if (!record.event_id.empty()) {
      const std::string key = EventKey(record.flow, record.event_id);
      Result<std::string> original = OriginalOf(key, record, batch_events);
      if (!original.ok()) {
        failed = original.status();
        break;
      }
      if (!original->empty()) {
        Result<MessageId> id = MessageId::Parse(*original);
        if (!id.ok()) {
          failed = Status(StatusCode::kDataLoss, "a stored message id is not valid", *original);
          break;
        }
        record.kind = IntakeRecord::Kind::kDuplicate;
        record.id = *original;
        record.payload_json.clear();
        record.headers_json.clear();
        record.outputs.clear();
        results.push_back(Accepted{*id, true});
        continue;
      }
      batch_events.emplace(key, record.id);
      added_events.push_back(key);
    }
    Result<MessageId> id = MessageId::Parse(record.id);
    if (!id.ok()) {
      failed = InvalidArgumentError("a message id is not valid", record.id);
      break;
    }
    Result<bool> reused = IdInUse(record.id, batch_ids);
    if (!reused.ok()) {
      failed = reused.status();
      break;
    }
    if (*reused) {
      failed = Status(StatusCode::kAlreadyExists, "message id already stored", record.id);
      break;
    }
    batch_ids.insert(record.id);
    added_ids.push_back(record.id);
    results.push_back(Accepted{*id, false});
  }
  if (failed.ok()) {
    return results;
  }
  for (const std::string& key : added_events) batch_events.erase(key);
  for (const std::string& id : added_ids) batch_ids.erase(id);
  return failed;
}

Result<std::string> LoggedIntake::OriginalOf(
    const std::string& key, const IntakeRecord& record,
    const std::unordered_map<std::string, std::string>& batch_events) {
  if (auto it = batch_events.find(key); it != batch_events.end()) {
    return it->second;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = unapplied_events_.find(key); it != unapplied_events_.end()) {
      return it->second;
    }
  }
  // Not pending: look in the tables (a record leaves the pending set only after its transaction
  // committed, so nothing falls between the two looks).
  return find_event_(record.flow, record.event_id);
}

Result<bool> LoggedIntake::IdInUse(const std::string& id,
                                   const std::unordered_set<std::string>& batch_ids) {
  if (batch_ids.count(id) > 0) return true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (unapplied_ids_.count(id) > 0) return true;
  }
  return has_message_(id);
}

std::vector<const LoggedIntake::Entry*> LoggedIntake::Unapplied(size_t limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const Entry*> entries;
  for (size_t i = 0; i < unapplied_.size() && i < limit; ++i) {
    entries.push_back(&unapplied_[i]);
  }
  return entries;
}

void LoggedIntake::MarkApplied(uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!unapplied_.empty() && unapplied_.front().sequence <= sequence) {
    const IntakeRecord& record = unapplied_.front().record;
    if (record.kind == IntakeRecord::Kind::kMessage) {
      if (!record.event_id.empty()) {
        auto it = unapplied_events_.find(EventKey(record.flow, record.event_id));
        if (it != unapplied_events_.end() && it->second == record.id) unapplied_events_.erase(it);
      }
      unapplied_ids_.erase(record.id);
    }
    unapplied_.pop_front();
  }
}

bool LoggedIntake::has_unapplied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !unapplied_.empty();
}

size_t LoggedIntake::unapplied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unapplied_.size();
}

uint64_t LoggedIntake::last_sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_sequence_;
}

bool LoggedIntake::AppliedThrough(uint64_t sequence) const {
  std::lock_guard<std::mutex> lock(mu_);
  return unapplied_.empty() || unapplied_.front().sequence > sequence;
}

uint64_t LoggedIntake::appends() const {
  std::lock_guard<std::mutex> lock(mu_);
  return appends_;
}

}  // namespace erphub::store
