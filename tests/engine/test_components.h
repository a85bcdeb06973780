#pragma once

// In-process components for engine tests: an input that hands its context to the test, a step
// that counts its runs per message, and an output whose answers the test scripts per attempt
// and that can hold deliveries until released.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "components/component.h"
#include "core/clock.h"
#include "core/component_registry.h"
#include "core/component_spec.h"
#include "core/json.h"
#include "core/message.h"
#include "core/random.h"
#include "engine/intake_committer.h"
#include "store/open_store.h"
#include "store/store.h"

namespace erphub::engine::testing {

using components::Delivered;
using components::Delivery;
using components::Failure;

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("erphub-engine-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// A message of flow "orders" and key "k" for output "erp", as an input hands it to the store.
inline store::Acceptance OrderAcceptance(MessageIdGenerator& ids, const Clock& clock,
                                         std::string event_id = "") {
  store::Acceptance a;
  a.message.id = ids.Next();
  a.message.flow = "orders";
  a.message.business_key = "k";
  a.message.payload = Value::Null();
  a.message.received_at = clock.Now();
  a.event_id = std::move(event_id);
  a.outputs = {"erp"};
  a.source = "test";
  return a;
}

// A real SQLite store in a fresh folder and an IntakeCommitter on it (OpenCommitter in SetUp).
class CommitterTest : public ::testing::Test {
 protected:
  void OpenCommitter(int threads, store::FsyncMode fsync) {
    store::StoreOptions options;
    options.clock = &clock_;
    options.fsync = fsync;
    auto store = store::OpenStore("sqlite:" + dir_.File("hub.db"), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    committer_ = std::make_unique<IntakeCommitter>(*store_, threads);
  }

  void TearDown() override { committer_.reset(); }

  FakeClock clock_;
  SeededRandom random_{7};
  MessageIdGenerator ids_{clock_, random_};
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<IntakeCommitter> committer_;
};

// Waits for `condition` with a deadline; true when it held in time.
template <typename F>
bool WaitFor(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

class TestInput final : public components::Input {
 public:
  Status Start(const components::InputContext& context) override {
    context_ = context;
    started = true;
    return Status::Ok();
  }
  void Stop() override { stopped = true; }

  components::InputContext context_;
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};
};

// Adds "steps": the number of steps run so far to the payload, and counts runs per message.
class CountingStep final : public components::Step {
 public:
  // A payload whose "kind" is `fail_permanently_on` fails; one whose "kind" is `quarantine_on`
  // fails as bad data (quarantined).
  CountingStep(std::string fail_permanently_on, std::string quarantine_on)
      : fail_on_(std::move(fail_permanently_on)), quarantine_on_(std::move(quarantine_on)) {}

  Result<Value, Failure> Process(const Message& message, const Value& payload) const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++runs_[message.id.ToString()];
    }
    const Value& kind = payload.Get("kind");
    const std::string_view kind_text = kind.is_string() ? kind.as_string() : std::string_view();
    if (!fail_on_.empty() && kind_text == fail_on_) {
      Failure failure;
      failure.error = "validation failed";
      failure.details = {"/kind: not allowed"};
      return failure;
    }
    if (!quarantine_on_.empty() && kind_text == quarantine_on_) {
      Failure failure;
      failure.error = "the payload does not match the schema";
      failure.details = {"/kind: must be one of the allowed values"};
      failure.quarantine = true;
      return failure;
    }
    Value out = payload;
    Object object = payload.is_object() ? payload.as_object() : Object();
    const Value& steps = payload.Get("steps");
    object.Set("steps", Value::Int((steps.is_number() ? *steps.as_number().ToInt64() : 0) + 1));
    return Value::MakeObject(std::move(object));
  }

  int runs(const MessageId& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(id.ToString());
    return it == runs_.end() ? 0 : it->second;
  }
  int total_runs() const {
    std::lock_guard<std::mutex> lock(mu_);
    int total = 0;
    for (const auto& [id, n] : runs_) {
      total += n;
    }
    return total;
  }

 private:
  const std::string fail_on_;
  const std::string quarantine_on_;
  mutable std::mutex mu_;
  mutable std::map<std::string, int> runs_;
};

struct Recorded {
  MessageId id;
  std::string key;
  Value payload;
  std::string idempotency_key;
  int attempt = 0;
  bool ok = false;
  std::chrono::steady_clock::time_point at;
};

// Answers each attempt with the next scripted result (default: success), records every call,
// and can hold calls until released.
class ScriptedOutput final : public components::Output {
 public:
  Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++entered_;
    entered_cv_.notify_all();
    gate_cv_.wait(lock, [&] { return open_ || permits_ > 0; });
    if (!open_) {
      --permits_;
    }
    max_concurrent_ = std::max(max_concurrent_, ++running_);
    Result<Delivered, Failure> answer = Delivered{200, "ok"};
    if (!script_.empty()) {
      answer = script_.front();
      script_.pop_front();
    }
    Recorded r;
    r.id = delivery.message->id;
    r.key = delivery.message->business_key;
    r.payload = *delivery.payload;
    r.idempotency_key = delivery.idempotency_key;
    r.attempt = delivery.attempt;
    r.ok = answer.ok();
    r.at = std::chrono::steady_clock::now();
    calls_.push_back(std::move(r));
    if (delay_.count() > 0) {
      lock.unlock();
      std::this_thread::sleep_for(delay_);
      lock.lock();
    }
    --running_;
    return answer;
  }

  void Enqueue(Result<Delivered, Failure> answer, int times = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < times; ++i) {
      script_.push_back(answer);
    }
  }
  static Failure Transient(std::string error,
                           std::optional<std::chrono::milliseconds> retry_after = std::nullopt) {
    Failure f;
    f.transient = true;
    f.error = std::move(error);
    f.http_status = 503;
    f.retry_after = retry_after;
    return f;
  }
  static Failure Permanent(std::string error, std::string body) {
    Failure f;
    f.error = std::move(error);
    f.response_body = std::move(body);
    f.http_status = 422;
    return f;
  }

  // Holds every call until Open.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    gate_cv_.notify_all();
  }
  // Lets `n` held calls through.
  void Allow(int n) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      permits_ += n;
    }
    gate_cv_.notify_all();
  }
  // Each call takes this long after it is recorded.
  void SetDelay(std::chrono::milliseconds delay) {
    std::lock_guard<std::mutex> lock(mu_);
    delay_ = delay;
  }
  // Waits until `n` calls have entered (held or not).
  bool WaitEntered(int n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> lock(mu_);
    return entered_cv_.wait_for(lock, timeout, [&] { return entered_ >= n; });
  }

  int max_concurrent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_concurrent_;
  }
  std::vector<Recorded> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  size_t successes() const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const Recorded& r : calls_) {
      n += r.ok ? 1 : 0;
    }
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable gate_cv_;
  std::condition_variable entered_cv_;
  bool open_ = true;
  int permits_ = 0;
  int entered_ = 0;
  int running_ = 0;
  int max_concurrent_ = 0;
  std::chrono::milliseconds delay_{0};
  std::deque<Result<Delivered, Failure>> script_;
  std::vector<Recorded> calls_;
};

// The components a test config may use: `test-input`, `test-step` (field fail_on: a payload
// "kind" it rejects permanently), `test-output` (field target: which ScriptedOutput, by name).
// Built components are owned by the engine; the test reaches them through these pointers.
class TestComponents {
 public:
  explicit TestComponents(ComponentRegistry& registry) {
    Status s = registry.Register(
        ComponentSpec::Input("test-input"),
        [this](const ComponentConfig&, const ComponentEnv&) -> Result<std::unique_ptr<Component>> {
          auto input = std::make_unique<TestInput>();
          std::lock_guard<std::mutex> lock(mu_);
          inputs.push_back(input.get());
          return std::unique_ptr<Component>(std::move(input));
        });
    EXPECT_TRUE(s.ok()) << s.ToString();
    s = registry.Register(ComponentSpec::Step("test-step")
                              .Field(StringField("fail_on"))
                              .Field(StringField("quarantine_on")),
                          [this](const ComponentConfig& config,
                                 const ComponentEnv&) -> Result<std::unique_ptr<Component>> {
                            auto step = std::make_unique<CountingStep>(
                                std::string(config.GetString("fail_on")),
                                std::string(config.GetString("quarantine_on")));
                            std::lock_guard<std::mutex> lock(mu_);
                            steps.push_back(step.get());
                            return std::unique_ptr<Component>(std::move(step));
                          });
    EXPECT_TRUE(s.ok()) << s.ToString();
    s = registry.Register(
        ComponentSpec::Output("test-output").Field(StringField("target").Default("erp")),
        [this](const ComponentConfig& config,
               const ComponentEnv&) -> Result<std::unique_ptr<Component>> {
          std::lock_guard<std::mutex> lock(mu_);
          auto output =
              std::make_unique<Forwarder>(&outputs_[std::string(config.GetString("target"))]);
          return std::unique_ptr<Component>(std::move(output));
        });
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  ScriptedOutput& output(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    return outputs_[target];
  }

  std::vector<TestInput*> inputs;
  std::vector<CountingStep*> steps;

 private:
  // The engine owns its components; the scripted state lives here so a test can keep it across
  // engine restarts.
  class Forwarder final : public components::Output {
   public:
    explicit Forwarder(ScriptedOutput* target) : target_(target) {}
    Result<Delivered, Failure> Deliver(const Delivery& delivery) override {
      return target_->Deliver(delivery);
    }

   private:
    ScriptedOutput* target_;
  };

  std::mutex mu_;
  std::map<std::string, ScriptedOutput> outputs_;
};

}  // namespace erphub::engine::testing
