#pragma once

// Builds components from YAML the way a config file declares them, and fakes the engine's side
// of the component interfaces: an Intake that records what it is given and can answer late,
// report duplicates, refuse when overloaded or fail; one that also keeps the store's state;
// and Metrics that count.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "components/builtin.h"
#include "components/component.h"
#include "core/clock.h"
#include "core/config_node.h"
#include "core/message.h"
#include "core/random.h"
#include "core/spec_validator.h"

namespace erphub::components::testing {

inline const ComponentRegistry& Builtins() {
  static const ComponentRegistry* const registry = [] {
    auto* r = new ComponentRegistry();
    Status status = RegisterBuiltins(*r);
    ERPHUB_CHECK(status.ok());
    return r;
  }();
  return *registry;
}

// Validates `yaml` ("map: {expression: ...}") against the built-in specs, as the config loader
// does for a flow's component at path "flows.test.step". Problems come back as text.
inline Result<ComponentConfig, std::string> ComponentConfigFrom(ComponentKind kind,
                                                                std::string_view yaml) {
  auto node = ParseConfigYaml(yaml, "test.yaml");
  if (!node.ok()) {
    return node.error().ToString();
  }
  SpecValidator validator("test.yaml", ValidationEnv{});
  std::optional<ComponentConfig> config = validator.ValidateComponent(
      Builtins(), kind, *node, "flows.test.component", SourcePlace{1, 1}, true);
  if (!validator.diagnostics().empty() || !config.has_value()) {
    return validator.diagnostics().ToString();
  }
  return std::move(*config);
}

// Builds the component declared by `yaml` with its registered factory.
template <typename T>
Result<std::unique_ptr<T>> Build(ComponentKind kind, std::string_view yaml,
                                 const ComponentEnv& env = {}) {
  auto config = ComponentConfigFrom(kind, yaml);
  if (!config.ok()) {
    return InvalidArgumentError(config.error());
  }
  const ComponentRegistry::Entry* entry = Builtins().Find(kind, config->type);
  ERPHUB_CHECK(entry != nullptr && entry->factory);
  ERPHUB_ASSIGN_OR_RETURN(std::unique_ptr<Component> component, entry->factory(*config, env));
  auto* typed = dynamic_cast<T*>(component.get());
  ERPHUB_CHECK(typed != nullptr);
  component.release();
  return std::unique_ptr<T>(typed);
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteFile(const std::filesystem::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// Polls `condition` until it holds or `timeout` passes.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A fresh folder under the system's temp folder, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("erphub-components-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakeMetrics : public Metrics {
 public:
  void Count(std::string_view name, double delta) override {
    std::lock_guard lock(mu_);
    counters_[std::string(name)] += delta;
  }
  // Kept as "name{label=value,...}".
  void CountLabeled(
      std::string_view name, double delta,
      std::initializer_list<std::pair<std::string_view, std::string_view>> labels) override {
    std::string key(name);
    key += '{';
    for (const auto& [label, value] : labels) {
      key += key.back() == '{' ? "" : ",";
      key += std::string(label) + "=" + std::string(value);
    }
    key += '}';
    std::lock_guard lock(mu_);
    counters_[key] += delta;
  }
  // Gauges are kept with the counters, by name.
  void Set(std::string_view name, double value) override {
    std::lock_guard lock(mu_);
    counters_[std::string(name)] = value;
  }
  double Get(std::string_view name) const {
    std::lock_guard lock(mu_);
    auto it = counters_.find(std::string(name));
    return it == counters_.end() ? 0 : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, double> counters_;
};

// Records accepted items and quarantine entries. Ids are new per event id; a repeated event id
// answers the first id as a duplicate. AcceptAsync and QuarantineAsync answer on a thread of
// their own, at once or, while held, when Release() is called.
class FakeIntake : public Intake {
 public:
  FakeIntake() : random_(42), ids_(clock_, random_) {}
  ~FakeIntake() override {
    Release();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
  }

  void AcceptAsync(std::vector<IntakeItem> items,
                   std::function<void(Result<std::vector<IntakeResult>>)> done) override {
    AnswerLater([this, items = std::move(items), done = std::move(done)]() mutable {
      done(Accept(std::move(items)));
    });
  }

  Result<std::vector<IntakeResult>> Accept(std::vector<IntakeItem> items) override {
    std::lock_guard lock(mu_);
    ++accept_calls_;
    if (!accept_error_.ok()) {
      return accept_error_;
    }
    std::vector<IntakeResult> results;
    for (IntakeItem& item : items) {
      if (!item.event_id.empty()) {
        auto seen = by_event_.find(item.event_id);
        if (seen != by_event_.end()) {
          results.push_back(IntakeResult{seen->second, true});
          continue;
        }
      }
      MessageId id = ids_.Next();
      if (!item.event_id.empty()) {
        by_event_.emplace(item.event_id, id);
      }
      results.push_back(IntakeResult{id, false});
      accepted_.push_back(std::move(item));
    }
    return results;
  }

  void QuarantineAsync(QuarantineItem item, std::function<void(Result<int64_t>)> done) override {
    AnswerLater([this, item = std::move(item), done = std::move(done)]() mutable {
      done(Quarantine(std::move(item)));
    });
  }

  Result<int64_t> Quarantine(QuarantineItem item) override {
    std::lock_guard lock(mu_);
    if (!quarantine_error_.ok()) {
      return quarantine_error_;
    }
    quarantined_.push_back(std::move(item));
    return static_cast<int64_t>(quarantined_.size());
  }

  bool Overloaded() const override {
    ++overloaded_checks_;
    return overloaded_.load();
  }
  int overloaded_checks() const { return overloaded_checks_.load(); }

  // Test controls.
  void set_overloaded(bool overloaded) { overloaded_ = overloaded; }
  void set_accept_error(Status error) {
    std::lock_guard lock(mu_);
    accept_error_ = std::move(error);
  }
  void set_quarantine_error(Status error) {
    std::lock_guard lock(mu_);
    quarantine_error_ = std::move(error);
  }
  void Hold() {
    std::lock_guard lock(mu_);
    hold_ = true;
  }
  // Waits until `count` calls are held.
  bool WaitHeld(size_t count) {
    std::unique_lock lock(mu_);
    return held_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return held_.size() >= count; });
  }
  // Commits the held calls and answers them, and stops holding.
  void Release() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard lock(mu_);
      hold_ = false;
      held.swap(held_);
    }
    for (std::function<void()>& answer : held) {
      answer();
    }
  }

  std::vector<IntakeItem> accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }
  std::vector<QuarantineItem> quarantined() const {
    std::lock_guard lock(mu_);
    return quarantined_;
  }
  int accept_calls() const {
    std::lock_guard lock(mu_);
    return accept_calls_;
  }

 private:
  // Runs `answer` (which commits and answers an async call) on a thread of its own, or keeps it
  // for Release() while held.
  void AnswerLater(std::function<void()> answer) {
    std::lock_guard lock(mu_);
    if (hold_) {
      held_.push_back(std::move(answer));
      held_cv_.notify_all();
      return;
    }
    threads_.emplace_back(std::move(answer));
  }

  FakeClock clock_;
  SeededRandom random_;
  MessageIdGenerator ids_;
  mutable std::mutex mu_;
  std::condition_variable held_cv_;
  std::atomic<bool> overloaded_{false};
  mutable std::atomic<int> overloaded_checks_{0};
  Status accept_error_;
  Status quarantine_error_;
  bool hold_ = false;
  std::vector<std::function<void()>> held_;
  std::vector<std::thread> threads_;
  std::map<std::string, MessageId> by_event_;
  std::vector<IntakeItem> accepted_;
  std::vector<QuarantineItem> quarantined_;
  int accept_calls_ = 0;
};

// The value of `key` in `values`; nullopt when there is none.
inline std::optional<std::string> ValueOf(const std::map<std::string, std::string>& values,
                                          std::string_view key) {
  auto it = values.find(std::string(key));
  return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
}

// Whether each change's expected value (nullopt: no value) is the one in `values`, as the store
// checks compare-and-set; kConflict naming the first key that changed.
inline Status CheckExpectedState(const std::map<std::string, std::string>& values,
                                 std::span<const StateChange> changes) {
  for (const StateChange& change : changes) {
    if (change.kind != StateChange::Kind::kCompareAndSet) {
      continue;
    }
    auto it = values.find(change.key);
    bool matches = change.expected.has_value()
                       ? it != values.end() && it->second == *change.expected
                       : it == values.end();
    if (!matches) {
      return Status(StatusCode::kConflict, "state changed: " + change.key);
    }
  }
  return Status::Ok();
}

// Writes `changes` (checked already) into `values`.
inline void ApplyState(std::map<std::string, std::string>& values,
                       std::span<const StateChange> changes) {
  for (const StateChange& change : changes) {
    if (change.kind == StateChange::Kind::kErase) {
      values.erase(change.key);
    } else {
      values[change.key] = change.value;
    }
  }
}

// The engine's intake with its store's state: AcceptWithState applies the messages and the state
// changes together or not at all, as the store does. Records every item of every commit, before
// de-duplication, to see repeats; can be told to fail commits, as a store that is away or a
// crash would lose them.
class StateIntake : public FakeIntake {
 public:
  Result<std::vector<IntakeResult>> AcceptWithState(std::vector<IntakeItem> items,
                                                    std::vector<StateChange> state) override {
    std::lock_guard lock(state_mu_);
    if (fail_after_ >= 0 && commits_ >= fail_after_) {
      ++failed_commits_;
      return UnavailableError("the store is away");
    }
    ERPHUB_TRY(CheckExpectedState(values_, state));
    std::vector<IntakeItem> offered = items;
    auto accepted = Accept(std::move(items));
    if (!accepted.ok()) {
      return accepted;
    }
    ++commits_;
    commit_sizes_.push_back(offered.size());
    for (IntakeItem& item : offered) {
      committed_.push_back(std::move(item));
    }
    ApplyState(values_, state);
    return accepted;
  }

  Result<std::optional<std::string>> GetState(std::string_view key) override {
    std::lock_guard lock(state_mu_);
    return ValueOf(values_, key);
  }
  // Writes state outside a commit, as a command-line tool does.
  void SetState(const std::string& key, const std::string& value) {
    std::lock_guard lock(state_mu_);
    values_[key] = value;
  }

  std::vector<IntakeItem> committed() const {
    std::lock_guard lock(state_mu_);
    return committed_;
  }
  // Every item committed whose event id starts with `prefix`.
  std::vector<IntakeItem> Committed(std::string_view prefix) const {
    std::lock_guard lock(state_mu_);
    std::vector<IntakeItem> found;
    for (const IntakeItem& item : committed_) {
      if (item.event_id.starts_with(prefix)) {
        found.push_back(item);
      }
    }
    return found;
  }
  size_t count() const {
    std::lock_guard lock(state_mu_);
    return committed_.size();
  }
  // The number of items of each commit, in order.
  std::vector<size_t> commit_sizes() const {
    std::lock_guard lock(state_mu_);
    return commit_sizes_;
  }
  size_t state_size() const {
    std::lock_guard lock(state_mu_);
    return values_.size();
  }

  // Commits after the next `n` fail until Heal(); FailAfter(0) fails every commit from now on.
  void FailAfter(int n) {
    std::lock_guard lock(state_mu_);
    fail_after_ = commits_ + n;
  }
  void Heal() {
    std::lock_guard lock(state_mu_);
    fail_after_ = -1;
  }
  int failed_commits() const {
    std::lock_guard lock(state_mu_);
    return failed_commits_;
  }

 private:
  mutable std::mutex state_mu_;
  std::map<std::string, std::string> values_;
  std::vector<IntakeItem> committed_;
  std::vector<size_t> commit_sizes_;
  int commits_ = 0;
  int fail_after_ = -1;  // commits_ from which commits fail; -1: none do
  int failed_commits_ = 0;
};

// The store's key/value state in memory, with compare-and-set as the store does it. Can be told
// to lose the next `n` races (answer kConflict) to exercise retries.
class FakeStateStore : public StateStore {
 public:
  Result<std::optional<std::string>> Get(std::string_view key) override {
    std::lock_guard lock(mu_);
    return ValueOf(values_, key);
  }

  Status CompareAndSet(std::span<const StateChange> changes) override {
    std::lock_guard lock(mu_);
    if (conflicts_ > 0) {
      --conflicts_;
      return Status(StatusCode::kConflict, "lost a race");
    }
    ERPHUB_TRY(CheckExpectedState(values_, changes));
    ApplyState(values_, changes);
    return Status::Ok();
  }

  void LoseNextRaces(int n) {
    std::lock_guard lock(mu_);
    conflicts_ = n;
  }
  std::map<std::string, std::string> values() const {
    std::lock_guard lock(mu_);
    return values_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> values_;
  int conflicts_ = 0;
};

// A message as the engine would hand it to steps and outputs.
inline Message TestMessage(Value payload, std::string flow = "orders") {
  static FakeClock clock;
  static SeededRandom random(7);
  static MessageIdGenerator ids(clock, random);
  Message message;
  message.id = ids.Next();
  message.flow = std::move(flow);
  message.payload = std::move(payload);
  message.received_at = clock.Now();
  message.attempts = 1;
  return message;
}

}  // namespace erphub::components::testing
