#include "engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "components/steps/filter_step.h"
#include "components/steps/map_step.h"
#include "core/config.h"
#include "core/json.h"
#include "engine/test_components.h"

namespace erphub::engine {
namespace {

using namespace std::chrono_literals;
using components::Intake;
using components::IntakeItem;
using testing::ScriptedOutput;
using testing::WaitFor;

constexpr char kOrdersFlow[] = R"(  orders:
    from: test-input
    key: customer
    steps:
      - test-step
    to:
      - test-output
    retry: {initial: 1ms, max_delay: 5ms, max_attempts: 5}
)";

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : components_(registry_), log_([this](std::string_view line) { LogLine(line); }) {}

  // Loads a config whose flows are `flows_yaml`, with the store in the test's folder. Configs
  // are kept for the fixture's lifetime: the engine refers to them.
  // `top_yaml`: more top-level settings (e.g. value_maps).
  const Config& Load(const std::string& flows_yaml, const std::string& top_yaml = "") {
    const std::string text = top_yaml + "store:\n  url: sqlite:" + dir_.File("hub.db") +
                             "\n  fsync: normal\nflows:\n" + flows_yaml;
    Result<Config, Diagnostics> config = LoadConfigText(text, dir_.File("erphub.yaml"), registry_);
    EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().ToString());
    configs_.push_back(config.ok() ? std::move(config).value() : Config());
    return configs_.back();
  }

  EngineOptions Options() {
    EngineOptions options;
    options.workers = 4;
    options.idle_poll = 20ms;
    options.backlog_refresh = 20ms;
    options.random = &random_;
    options.log = &log_;
    options.metrics = &metrics_;
    return options;
  }

  std::unique_ptr<Engine> StartEngine(const Config& config, EngineOptions options) {
    Result<std::unique_ptr<Engine>> engine = Engine::Create(config, registry_, options);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    if (!engine.ok()) {
      return nullptr;
    }
    Status started = (*engine)->Start(nullptr);
    EXPECT_TRUE(started.ok()) << started.ToString();
    return std::move(engine).value();
  }
  std::unique_ptr<Engine> StartEngine(const Config& config) {
    return StartEngine(config, Options());
  }
  // On `clock`, looking for due work every 5 ms of real time (retries fall due as it moves).
  std::unique_ptr<Engine> StartEngineOn(const Config& config, const FakeClock& clock) {
    EngineOptions options = Options();
    options.clock = &clock;
    options.idle_poll = 5ms;
    return StartEngine(config, options);
  }

  static IntakeItem Item(const std::string& json, std::string event_id = "") {
    IntakeItem item;
    Result<Value> payload = ParseJson(json);
    EXPECT_TRUE(payload.ok()) << json;
    item.payload = payload.ok() ? *payload : Value::Null();
    item.event_id = std::move(event_id);
    item.source = "test";
    return item;
  }

  static MessageId AcceptOne(Engine& engine, const std::string& json) {
    std::vector<IntakeItem> items;
    items.push_back(Item(json));
    Result<std::vector<components::IntakeResult>> r =
        engine.intake("orders")->Accept(std::move(items));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? (*r)[0].id : MessageId();
  }

  // Outcomes are counted just after the store records them: wait for the count.
  bool MetricReaches(const std::string& series, double value) {
    return WaitFor([&] { return MetricValue(series) == value; });
  }

  double MetricValue(const std::string& series) {
    const std::string text = metrics_.RenderPrometheus();
    const size_t at = text.find("\n" + series + " ");
    if (at == std::string::npos) {
      return -1;
    }
    return std::stod(text.substr(at + series.size() + 2));
  }

  // Deliveries to test-output recorded as done in the store.
  double Delivered() {
    return MetricValue(R"(erphub_delivered_total{flow="orders",output="test-output"})");
  }

  std::vector<store::DeadLetterEntry> DeadLetters(Engine& engine) {
    Result<std::vector<store::DeadLetterEntry>> list =
        engine.store().ListDeadLetters(store::DeadLetterFilter{});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<store::DeadLetterEntry>{};
  }

  void LogLine(std::string_view line) {
    std::lock_guard<std::mutex> lock(log_mu_);
    log_lines_.emplace_back(line);
  }
  std::string LogText() {
    std::lock_guard<std::mutex> lock(log_mu_);
    std::string text;
    for (const std::string& line : log_lines_) {
      text += line + "\n";
    }
    return text;
  }
  bool Logged(std::string_view event) {
    std::lock_guard<std::mutex> lock(log_mu_);
    for (const std::string& line : log_lines_) {
      if (line.find("\"event\":\"" + std::string(event) + "\"") != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  testing::TempDir dir_;
  ComponentRegistry registry_;
  testing::TestComponents components_;
  SeededRandom random_{42};
  ops::MetricsRegistry metrics_;
  std::mutex log_mu_;
  std::vector<std::string> log_lines_;
  Logger log_;
  std::deque<Config> configs_;
};

TEST_F(EngineTest, ManyKeysRunInParallelAndEachKeyInAcceptanceOrder) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.SetDelay(2ms);
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  constexpr int kKeys = 16;
  constexpr int kPerKey = 8;
  for (int seq = 0; seq < kPerKey; ++seq) {
    std::vector<IntakeItem> items;
    for (int k = 0; k < kKeys; ++k) {
      items.push_back(Item(R"({"customer":"c)" + std::to_string(k) + R"(","seq":)" +
                           std::to_string(seq) + "}"));
    }
    ASSERT_TRUE(engine->intake("orders")->Accept(std::move(items)).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return Delivered() == kKeys * kPerKey; }));

  std::map<std::string, std::vector<int64_t>> seen;
  std::set<std::string> idempotency_keys;
  for (const testing::Recorded& call : erp.calls()) {
    seen[call.key].push_back(*call.payload.Get("seq").as_number().ToInt64());
    idempotency_keys.insert(call.idempotency_key);
    // The steps ran once for this message, before the output.
    EXPECT_EQ(call.payload.Get("steps").as_number().ToInt64(), 1);
    EXPECT_EQ(components_.steps[0]->runs(call.id), 1);
  }
  ASSERT_EQ(seen.size(), size_t{kKeys});
  for (const auto& [key, seqs] : seen) {
    std::vector<int64_t> expected;
    for (int seq = 0; seq < kPerKey; ++seq) {
      expected.push_back(seq);
    }
    EXPECT_EQ(seqs, expected) << key;
  }
  EXPECT_EQ(idempotency_keys.size(), size_t{kKeys * kPerKey});
  EXPECT_GT(erp.max_concurrent(), 1);
  EXPECT_EQ(components_.steps[0]->total_runs(), kKeys * kPerKey);
  EXPECT_EQ(MetricValue(R"(erphub_accepted_total{flow="orders"})"), kKeys * kPerKey);
  EXPECT_TRUE(MetricReaches(R"(erphub_delivered_total{flow="orders",output="test-output"})",
                            kKeys * kPerKey));
  EXPECT_TRUE(
      MetricReaches(R"(erphub_delivery_latency_seconds_count{flow="orders",output="test-output"})",
                    kKeys * kPerKey));
}

TEST_F(EngineTest, TransientFailuresAreRetriedWithTheSameIdempotencyKey) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Transient("HTTP 503"), 2);
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  MessageId id = AcceptOne(*engine, R"({"customer":"c1"})");
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 1; }));

  std::vector<testing::Recorded> calls = erp.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(calls[i].attempt, i + 1);
    EXPECT_EQ(calls[i].idempotency_key, IdempotencyKey("orders", id, "test-output"));
  }
  // Lineage: received, the step, then each attempt of the output with its outcome.
  Result<store::MessageTrace> trace = engine->store().Trace(id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  std::vector<std::string> attempts;
  int steps = 0;
  for (const store::LineageEvent& e : trace->events) {
    if (e.kind == store::LineageKind::kAttempt && e.name == "test-output") {
      attempts.push_back(e.outcome);
    }
    steps += e.kind == store::LineageKind::kStep ? 1 : 0;
  }
  EXPECT_EQ(attempts, (std::vector<std::string>{"retry", "retry", "done"}));
  EXPECT_EQ(steps, 1);
  EXPECT_TRUE(
      MetricReaches(R"(erphub_failed_attempts_total{flow="orders",output="test-output"})", 2));
  EXPECT_TRUE(Logged("delivery.retry"));
}

TEST_F(EngineTest, PermanentFailureDeadLettersAtOnceWithTheTargetsAnswer) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Permanent("HTTP 422", R"({"error":"unknown sku"})"));
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  MessageId id = AcceptOne(*engine, R"({"customer":"c1"})");
  ASSERT_TRUE(WaitFor([&] { return !DeadLetters(*engine).empty(); }));

  std::vector<store::DeadLetterEntry> dead = DeadLetters(*engine);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message_id, id);
  EXPECT_EQ(dead[0].output, "test-output");
  EXPECT_EQ(dead[0].attempts, 1);
  EXPECT_EQ(dead[0].response_body, R"({"error":"unknown sku"})");
  EXPECT_NE(dead[0].error.find("HTTP 422"), std::string::npos);
  EXPECT_EQ(erp.calls().size(), 1u);
  EXPECT_TRUE(
      MetricReaches(R"(erphub_dead_lettered_total{flow="orders",output="test-output"})", 1));
  EXPECT_TRUE(WaitFor([&] { return Logged("delivery.dead_lettered"); }));
}

TEST_F(EngineTest, ExhaustedRetriesDeadLetter) {
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    to:
      - test-output
    retry: {initial: 1ms, max_delay: 2ms, max_attempts: 3}
)");
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Transient("HTTP 503"), 10);
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  AcceptOne(*engine, R"({"customer":"c1"})");
  ASSERT_TRUE(WaitFor([&] { return !DeadLetters(*engine).empty(); }));
  std::vector<store::DeadLetterEntry> dead = DeadLetters(*engine);
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_NE(dead[0].error.find("gave up after 3 attempts"), std::string::npos) << dead[0].error;
  EXPECT_EQ(erp.calls().size(), 3u);
}

TEST_F(EngineTest, RetryAfterIsHonoured) {
  FakeClock clock;
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    to:
      - test-output
    retry: {initial: 1ms, max_delay: 1ms, max_attempts: 5}
)");
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Transient("HTTP 503", 2000ms));
  auto engine = StartEngineOn(config, clock);
  ASSERT_NE(engine, nullptr);
  const Timestamp failed_at = clock.Now();
  MessageId id = AcceptOne(*engine, R"({"customer":"c1"})");

  // The failed attempt schedules the next one exactly at the Retry-After (the jittered backoff
  // is at most 1 ms).
  ASSERT_TRUE(WaitFor([&] {
    Result<store::MessageTrace> trace = engine->store().Trace(id);
    return trace.ok() && trace->deliveries.size() == 1 &&
           trace->deliveries[0].state == store::DeliveryState::kReady &&
           trace->deliveries[0].attempts == 1;
  }));
  EXPECT_EQ(engine->store().Trace(id)->deliveries[0].not_before, failed_at + 2000ms);

  // Not before: the claimer looks every 5 ms; give it many looks.
  clock.Advance(1999ms);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(erp.calls().size(), 1u);

  clock.Advance(1ms);
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 1; }));
  EXPECT_EQ(erp.calls().size(), 2u);
}

TEST_F(EngineTest, CircuitBreakerPausesTheOutputThenProbesWithOneDelivery) {
  FakeClock clock;
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    to:
      - test-output:
        circuit_breaker: {failures: 3, cool_down: 10s}
    retry: {initial: 1ms, max_delay: 1ms, max_attempts: 10}
)");
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Transient("HTTP 503"), 3);
  auto engine = StartEngineOn(config, clock);
  ASSERT_NE(engine, nullptr);
  const std::string state = R"(erphub_circuit_state{flow="orders",output="test-output"})";
  EXPECT_EQ(MetricValue(state), 0);
  AcceptOne(*engine, R"({"customer":"c1"})");
  // Each retry is due within 1 ms of clock time: move the clock along until the third failure
  // has opened the breaker.
  ASSERT_TRUE(WaitFor([&] {
    clock.Advance(1ms);
    return MetricValue(state) == 1;
  })) << LogText();
  EXPECT_EQ(erp.calls().size(), 3u);
  ASSERT_TRUE(MetricReaches(state, 1));
  EXPECT_EQ(MetricValue(R"(erphub_circuit_opened_total{flow="orders",output="test-output"})"), 1);
  EXPECT_TRUE(Logged("circuit.opened"));
  Value report = engine->CircuitReport().Get("orders/test-output");
  EXPECT_EQ(report.Get("state").as_string(), "open");
  EXPECT_EQ(report.Get("consecutive_failures").as_number().ToInt64(), 3);

  // Paused: neither the due retry nor another key's message reaches the target.
  AcceptOne(*engine, R"({"customer":"c2"})");
  clock.Advance(9s);
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(erp.calls().size(), 3u);

  // After the cool-down exactly one delivery probes (held here), the other waits.
  erp.Close();
  clock.Advance(1s);
  ASSERT_TRUE(erp.WaitEntered(4));
  EXPECT_FALSE(erp.WaitEntered(5, 150ms));
  EXPECT_EQ(engine->CircuitReport().Get("orders/test-output").Get("state").as_string(),
            "half_open");
  erp.Open();
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 2; }));
  EXPECT_EQ(MetricValue(state), 0);
  EXPECT_EQ(engine->CircuitReport().Get("orders/test-output").Get("state").as_string(), "closed");
  EXPECT_TRUE(DeadLetters(*engine).empty());
}

// The steps stage's completion takes its output deliveries straight to a worker, but never one
// whose output is paused by its circuit breaker.
TEST_F(EngineTest, StepsHandNoDeliveryToAnOutputWhoseBreakerIsOpen) {
  FakeClock clock;
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    steps:
      - test-step
    to:
      - test-output:
        circuit_breaker: {failures: 1, cool_down: 10s}
    retry: {initial: 1ms, max_delay: 1ms, max_attempts: 10}
)");
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Transient("HTTP 503"), 1);
  auto engine = StartEngineOn(config, clock);
  ASSERT_NE(engine, nullptr);
  const std::string state = R"(erphub_circuit_state{flow="orders",output="test-output"})";
  AcceptOne(*engine, R"({"customer":"c1"})");
  ASSERT_TRUE(MetricReaches(state, 1)) << LogText();

  MessageId second = AcceptOne(*engine, R"({"customer":"c2"})");
  ASSERT_TRUE(WaitFor([&] { return components_.steps[0]->runs(second) == 1; }));
  ASSERT_TRUE(MetricReaches(R"(erphub_delivered_total{flow="orders",output="@steps"})", 2));
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(erp.calls().size(), 1u);

  clock.Advance(10s);
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 2; })) << LogText();
  EXPECT_EQ(MetricValue(state), 0);
}

// With its lane free, a flow's only output runs right after the steps, in the same worker turn:
// the follow-up is stored with the steps' completion, already delivered.
TEST_F(EngineTest, TheOnlyOutputRunsRightAfterTheStepsWhenItsLaneIsFree) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Close();
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  MessageId id = AcceptOne(*engine, R"({"customer":"c1"})");
  ASSERT_TRUE(erp.WaitEntered(1));
  // The output is called while the steps' delivery is still in flight, and before a delivery
  // to the output exists.
  Result<store::MessageTrace> during = engine->store().Trace(id);
  ASSERT_TRUE(during.ok()) << during.status().ToString();
  ASSERT_EQ(during->deliveries.size(), 1u);
  EXPECT_EQ(during->deliveries[0].output, "@steps");
  EXPECT_EQ(during->deliveries[0].state, store::DeliveryState::kInFlight);
  erp.Open();
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 1; }));

  Result<store::MessageTrace> after = engine->store().Trace(id);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ(after->deliveries.size(), 2u);
  for (const store::DeliveryInfo& d : after->deliveries) {
    EXPECT_EQ(d.state, store::DeliveryState::kDone) << d.output;
    EXPECT_EQ(d.attempts, 1) << d.output;
  }
  std::vector<std::string> ended;
  for (const store::LineageEvent& e : after->events) {
    if (e.kind == store::LineageKind::kStep || e.kind == store::LineageKind::kAttempt) {
      ended.push_back(e.name + " " + e.outcome);
    }
  }
  std::sort(ended.begin(), ended.end());
  EXPECT_EQ(ended, (std::vector<std::string>{"@steps done", "test-output done", "test-step ok"}));
  ASSERT_EQ(erp.calls().size(), 1u);
  EXPECT_EQ(erp.calls()[0].idempotency_key, IdempotencyKey("orders", id, "test-output"));
}

// A message whose key has an earlier delivery to the output still open (here: waiting for its
// retry) is not delivered ahead of it: its follow-up waits its turn.
TEST_F(EngineTest, AnOutputWhoseLaneIsBusyIsNotRunAheadOfTheKeysEarlierMessage) {
  FakeClock clock;
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Transient("HTTP 503", 500ms));
  auto engine = StartEngineOn(config, clock);
  ASSERT_NE(engine, nullptr);
  MessageId first = AcceptOne(*engine, R"({"customer":"c1","n":1})");
  const auto output_state = [&](const MessageId& id) -> std::optional<store::DeliveryState> {
    Result<store::MessageTrace> trace = engine->store().Trace(id);
    if (trace.ok()) {
      for (const store::DeliveryInfo& d : trace->deliveries) {
        if (d.output == "test-output") {
          return d.state;
        }
      }
    }
    return std::nullopt;
  };
  ASSERT_TRUE(WaitFor([&] { return output_state(first) == store::DeliveryState::kReady; }))
      << LogText();

  MessageId second = AcceptOne(*engine, R"({"customer":"c1","n":2})");
  ASSERT_TRUE(WaitFor([&] { return output_state(second).has_value(); })) << LogText();
  EXPECT_EQ(output_state(second), store::DeliveryState::kQueued);
  EXPECT_EQ(erp.calls().size(), 1u);

  clock.Advance(1s);  // past the first message's retry
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 2; })) << LogText();
  std::vector<testing::Recorded> calls = erp.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].id, first);
  EXPECT_FALSE(calls[0].ok);
  EXPECT_EQ(calls[1].id, first);
  EXPECT_EQ(calls[2].id, second);
}

TEST_F(EngineTest, OnStatusOverridesTheOutputsClassification) {
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    to:
      - test-output:
        on_status: {409: success, 4xx: transient, 503: permanent}
    retry: {initial: 1ms, max_delay: 1ms, max_attempts: 5}
)");
  ScriptedOutput& erp = components_.output("erp");
  components::Failure conflict = ScriptedOutput::Permanent("HTTP 409", R"({"error":"exists"})");
  conflict.http_status = 409;
  erp.Enqueue(conflict);
  // 422 is transient by the class rule: retried, then delivered.
  erp.Enqueue(ScriptedOutput::Permanent("HTTP 422", "{}"));
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  MessageId first = AcceptOne(*engine, R"({"customer":"c1"})");
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 1; }));
  Result<store::MessageTrace> trace = engine->store().Trace(first);
  ASSERT_TRUE(trace.ok());
  EXPECT_NE(trace->events.back().detail.find("HTTP 409 (a success by on_status)"),
            std::string::npos)
      << trace->events.back().detail;

  AcceptOne(*engine, R"({"customer":"c2"})");
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 2; }));
  EXPECT_EQ(erp.calls().size(), 3u);

  // 503 is permanent here: dead-lettered at once.
  erp.Enqueue(ScriptedOutput::Transient("HTTP 503"));
  AcceptOne(*engine, R"({"customer":"c3"})");
  ASSERT_TRUE(WaitFor([&] { return DeadLetters(*engine).size() == 1; }));
  EXPECT_EQ(DeadLetters(*engine)[0].attempts, 1);
}

TEST_F(EngineTest, OutputPolicyKeysAreValidated) {
  const std::string text = "store:\n  url: sqlite:" + dir_.File("hub.db") + R"(
flows:
  orders:
    from: test-input
    to:
      - test-output:
        circuit_breaker: {failures: -1, cool: 1s}
        on_status: {200: transient, 4x9: success}
      - name: second
        test-output:
        on_status: {409: maybe}
)";
  Result<Config, Diagnostics> config = LoadConfigText(text, dir_.File("erphub.yaml"), registry_);
  ASSERT_FALSE(config.ok());
  const std::string errors = config.error().ToString();
  EXPECT_NE(errors.find("flows.orders.to[0].circuit_breaker.failures"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("flows.orders.to[0].circuit_breaker.cool: unknown field"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("flows.orders.to[0].on_status.200: expected an HTTP status"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("flows.orders.to[0].on_status.4x9: expected an HTTP status"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("flows.orders.to[1].on_status.409"), std::string::npos) << errors;
}

TEST_F(EngineTest, StepsRunOncePerMessageWhileOutputsRetry) {
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    steps:
      - test-step
    to:
      - test-output
      - name: crm
        test-output: {target: crm}
    retry: {initial: 1ms, max_delay: 2ms, max_attempts: 5}
)");
  ScriptedOutput& erp = components_.output("erp");
  ScriptedOutput& crm = components_.output("crm");
  crm.Enqueue(ScriptedOutput::Transient("HTTP 500"), 3);
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  std::vector<MessageId> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(AcceptOne(*engine, R"({"customer":"c)" + std::to_string(i) + R"("})"));
  }
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 5 && crm.successes() == 5; }));
  for (const MessageId& id : ids) {
    EXPECT_EQ(components_.steps[0]->runs(id), 1);
  }
  for (const testing::Recorded& call : crm.calls()) {
    EXPECT_EQ(call.payload.Get("steps").as_number().ToInt64(), 1);
  }
  EXPECT_EQ(components_.steps[0]->total_runs(), 5);
}

// Bad data found by a step (a failed validation) is kept in quarantine with the failing
// fields and the payload the step saw; it is neither retried, dead-lettered nor delivered.
TEST_F(EngineTest, AFailedValidationQuarantinesTheMessage) {
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    steps:
      - name: shape
        test-step: {quarantine_on: odd}
    to:
      - test-output
)");
  ScriptedOutput& erp = components_.output("erp");
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  MessageId id = AcceptOne(*engine, R"({"customer":"c1","kind":"odd"})");
  auto quarantined = [&] {
    Result<std::vector<store::QuarantineEntry>> list = engine->store().ListQuarantine({});
    return list.ok() ? *list : std::vector<store::QuarantineEntry>{};
  };
  ASSERT_TRUE(WaitFor([&] { return !quarantined().empty(); }));
  const store::QuarantineEntry entry = quarantined()[0];
  EXPECT_EQ(entry.flow, "orders");
  EXPECT_EQ(entry.message_id, id);
  EXPECT_NE(entry.reason.find("/kind: must be one of"), std::string::npos) << entry.reason;
  EXPECT_EQ(entry.raw, R"({"customer":"c1","kind":"odd"})");
  EXPECT_NE(entry.source.find("step shape"), std::string::npos) << entry.source;
  ASSERT_TRUE(WaitFor([&] {
    Result<store::MessageTrace> trace = engine->store().Trace(id);
    return trace.ok() && !trace->deliveries.empty() &&
           trace->deliveries[0].state == store::DeliveryState::kDone;
  }));
  EXPECT_TRUE(DeadLetters(*engine).empty());
  EXPECT_TRUE(erp.calls().empty());
  EXPECT_EQ(components_.steps[0]->runs(id), 1);
  EXPECT_TRUE(MetricReaches(R"(erphub_quarantined_total{flow="orders"})", 1));
}

// A mapping reads the config's value maps and the store's cross-references.
TEST_F(EngineTest, MappingsLookUpValueMapsAndCrossReferences) {
  ASSERT_TRUE(registry_.Register(components::MapStepSpec(), components::MakeMapStep).ok());
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    steps:
      - map:
          expression: >-
            {"customer": $xref("tryton", "party", customer), "unit": $valueMap("uom", unit)}
    to:
      - test-output
)",
                              "value_maps:\n  uom: {pcs: Unit}\n");
  ScriptedOutput& erp = components_.output("erp");
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(engine->store().PutXref("tryton", "party", "shopify:7", "42").ok());
  AcceptOne(*engine, R"({"customer":"shopify:7","unit":"pcs"})");
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 1; }));
  EXPECT_EQ(ToJson(erp.calls()[0].payload), R"({"customer":"42","unit":"Unit"})");
}

// A message a filter step lets go is done: nothing after the step runs, nothing is delivered
// or dead-lettered, and its lineage and erphub_filtered_total say it was filtered.
TEST_F(EngineTest, AFilteredMessageIsCompletedWithItsReasonAndCounted) {
  ASSERT_TRUE(registry_.Register(components::FilterStepSpec(), components::MakeFilterStep).ok());
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    steps:
      - name: orders-only
        filter: {condition: 'kind = "order"'}
      - test-step
    to:
      - test-output
)");
  ScriptedOutput& erp = components_.output("erp");
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  MessageId other = AcceptOne(*engine, R"({"customer":"c1","kind":"refund"})");
  MessageId order = AcceptOne(*engine, R"({"customer":"c1","kind":"order"})");
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 1; }));
  EXPECT_TRUE(MetricReaches(R"(erphub_filtered_total{flow="orders"})", 1));
  EXPECT_EQ(erp.calls()[0].payload.Get("kind").as_string(), "order");
  EXPECT_EQ(components_.steps[0]->runs(other), 0);
  EXPECT_EQ(components_.steps[0]->runs(order), 1);
  EXPECT_TRUE(DeadLetters(*engine).empty());

  Result<store::MessageTrace> trace = engine->store().Trace(other);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  ASSERT_EQ(trace->deliveries.size(), 1u);
  EXPECT_EQ(trace->deliveries[0].output, "@steps");
  EXPECT_EQ(trace->deliveries[0].state, store::DeliveryState::kDone);
  bool filtered = false;
  for (const store::LineageEvent& e : trace->events) {
    if (e.kind == store::LineageKind::kStep && e.name == "orders-only") {
      filtered = e.outcome == "filtered" && e.detail.find("kind = \"order\"") != std::string::npos;
    }
  }
  EXPECT_TRUE(filtered);
}

TEST_F(EngineTest, PermanentStepFailureDeadLettersNamingTheStep) {
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    steps:
      - name: check
        test-step: {fail_on: bad}
    to:
      - test-output
)");
  ScriptedOutput& erp = components_.output("erp");
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  MessageId id = AcceptOne(*engine, R"({"customer":"c1","kind":"bad"})");
  ASSERT_TRUE(WaitFor([&] { return !DeadLetters(*engine).empty(); }));
  std::vector<store::DeadLetterEntry> dead = DeadLetters(*engine);
  EXPECT_EQ(dead[0].failed_at, "check");
  EXPECT_EQ(dead[0].output, "@steps");
  EXPECT_NE(dead[0].error.find("/kind: not allowed"), std::string::npos) << dead[0].error;
  EXPECT_TRUE(erp.calls().empty());
  Result<store::MessageTrace> trace = engine->store().Trace(id);
  ASSERT_TRUE(trace.ok());
  bool step_event = false;
  for (const store::LineageEvent& e : trace->events) {
    if (e.kind == store::LineageKind::kStep) {
      step_event = e.name == "check" && e.outcome == "failed";
    }
  }
  EXPECT_TRUE(step_event);
}

TEST_F(EngineTest, BlockKeyHoldsLaterMessagesOfTheKeyUntilReplay) {
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer
    to:
      - test-output
    on_dead_letter: block_key
)");
  ScriptedOutput& erp = components_.output("erp");
  erp.Enqueue(ScriptedOutput::Permanent("HTTP 422", "no"));
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  AcceptOne(*engine, R"({"customer":"a","n":1})");
  ASSERT_TRUE(WaitFor([&] { return !DeadLetters(*engine).empty(); }));
  AcceptOne(*engine, R"({"customer":"a","n":2})");
  AcceptOne(*engine, R"({"customer":"b","n":3})");
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 1; }));
  EXPECT_EQ(erp.calls().back().payload.Get("n").as_number().ToInt64(), 3);

  ASSERT_TRUE(engine->store().Replay(DeadLetters(*engine)[0].id, store::ReplayOptions{}).ok());
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 3; }));
  std::vector<testing::Recorded> calls = erp.calls();
  EXPECT_EQ(calls[calls.size() - 2].payload.Get("n").as_number().ToInt64(), 1);
  EXPECT_EQ(calls.back().payload.Get("n").as_number().ToInt64(), 2);
}

TEST_F(EngineTest, BackPressureRefusesPastTheBacklogBound) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Close();
  EngineOptions options = Options();
  options.max_backlog = 3;
  auto engine = StartEngine(config, options);
  ASSERT_NE(engine, nullptr);
  Intake& intake = *engine->intake("orders");
  for (int i = 0; i < 3; ++i) {
    AcceptOne(*engine, R"({"customer":"c)" + std::to_string(i) + R"("})");
  }
  EXPECT_TRUE(intake.Overloaded());
  std::vector<IntakeItem> items;
  items.push_back(Item(R"({"customer":"c9"})"));
  Result<std::vector<components::IntakeResult>> refused = intake.Accept(std::move(items));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(MetricValue(R"(erphub_rejected_total{flow="orders",reason="overloaded"})"), 1);

  erp.Open();
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 3; }));
  ASSERT_TRUE(WaitFor([&] { return engine->RefreshBacklog().ok() && !intake.Overloaded(); }));
  AcceptOne(*engine, R"({"customer":"c9"})");
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 4; }));
}

TEST_F(EngineTest, GracefulStopLeavesUnstartedWorkForTheNextStart) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Close();
  std::vector<MessageId> ids;
  {
    auto engine = StartEngine(config);
    ASSERT_NE(engine, nullptr);
    for (int seq = 0; seq < 5; ++seq) {
      ids.push_back(AcceptOne(*engine, R"({"customer":"k","seq":)" + std::to_string(seq) + "}"));
    }
    ASSERT_TRUE(erp.WaitEntered(1));
    engine->StopIntake();
    EXPECT_FALSE(engine->CheckIntake().ok());
    std::vector<IntakeItem> late;
    late.push_back(Item(R"({"customer":"k"})"));
    EXPECT_EQ(engine->intake("orders")->Accept(std::move(late)).status().code(),
              StatusCode::kUnavailable);
    // The running delivery finishes within the deadline; nothing else starts.
    std::thread release([&] {
      std::this_thread::sleep_for(50ms);
      erp.Allow(1);
    });
    DrainResult drained = engine->Drain(10s);
    release.join();
    EXPECT_TRUE(drained.drained);
    EXPECT_EQ(drained.still_running, 0);
    EXPECT_EQ(erp.successes(), 1u);
    EXPECT_TRUE(components_.inputs[0]->stopped);
  }
  erp.Open();
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 5; }));
  std::vector<testing::Recorded> calls = erp.calls();
  ASSERT_EQ(calls.size(), 5u);
  std::set<std::string> keys;
  for (int seq = 0; seq < 5; ++seq) {
    EXPECT_EQ(calls[seq].id, ids[seq]);
    EXPECT_EQ(calls[seq].attempt, 1);
    keys.insert(calls[seq].idempotency_key);
  }
  EXPECT_EQ(keys.size(), 5u);
}

TEST_F(EngineTest, DrainGivesUpAtTheDeadline) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Close();
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  AcceptOne(*engine, R"({"customer":"k"})");
  ASSERT_TRUE(erp.WaitEntered(1));
  const auto start = std::chrono::steady_clock::now();
  DrainResult drained = engine->Stop(100ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(drained.drained);
  EXPECT_EQ(drained.still_running, 1);
  erp.Open();  // lets the destructor join the worker
}

TEST_F(EngineTest, LongDeliveriesKeepTheirLease) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.SetDelay(700ms);
  EngineOptions options = Options();
  options.lease_duration = 200ms;
  auto engine = StartEngine(config, options);
  ASSERT_NE(engine, nullptr);
  MessageId id = AcceptOne(*engine, R"({"customer":"k"})");
  ASSERT_TRUE(WaitFor([&] {
    Result<store::MessageTrace> trace = engine->store().Trace(id);
    if (!trace.ok()) {
      return false;
    }
    for (const store::DeliveryInfo& d : trace->deliveries) {
      if (d.output == "test-output" && d.state == store::DeliveryState::kDone) {
        return true;
      }
    }
    return false;
  }));
  EXPECT_EQ(erp.calls().size(), 1u);
  Result<store::MessageTrace> trace = engine->store().Trace(id);
  for (const store::LineageEvent& e : trace->events) {
    EXPECT_NE(e.outcome, "lease expired");
  }
}

TEST_F(EngineTest, RepeatedEventIdIsStoredOnce) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  std::vector<IntakeItem> first;
  first.push_back(Item(R"({"customer":"k"})", "evt-1"));
  auto a = engine->intake("orders")->Accept(std::move(first));
  std::vector<IntakeItem> again;
  again.push_back(Item(R"({"customer":"k"})", "evt-1"));
  auto b = engine->intake("orders")->Accept(std::move(again));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE((*a)[0].duplicate);
  EXPECT_TRUE((*b)[0].duplicate);
  EXPECT_EQ((*a)[0].id, (*b)[0].id);
  ASSERT_TRUE(WaitFor([&] { return erp.successes() == 1; }));
  EXPECT_EQ(MetricValue(R"(erphub_duplicates_total{flow="orders"})"), 1);
  EXPECT_EQ(MetricValue(R"(erphub_accepted_total{flow="orders"})"), 1);
}

TEST_F(EngineTest, KeyExpressionThatFailsRefusesTheItems) {
  const Config& config = Load(kOrdersFlow);
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  std::vector<IntakeItem> items;
  items.push_back(Item(R"({"customer":"k"})"));
  items.push_back(Item(R"({"name":"no customer"})"));
  auto r = engine->intake("orders")->Accept(std::move(items));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().ToString().find("item 2"), std::string::npos) << r.status().ToString();
}

TEST_F(EngineTest, QuarantineKeepsMalformedInputAndCountsIt) {
  const Config& config = Load(kOrdersFlow);
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  components::QuarantineItem item;
  item.raw = "{not json";
  item.reason = "malformed JSON at 1:2";
  item.source = "test";
  Result<int64_t> id = engine->intake("orders")->Quarantine(item);
  ASSERT_TRUE(id.ok());
  Result<store::QuarantineEntry> entry = engine->store().GetQuarantine(*id);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->raw, "{not json");
  EXPECT_EQ(entry->flow, "orders");
  EXPECT_EQ(MetricValue(R"(erphub_quarantined_total{flow="orders"})"), 1);
  EXPECT_EQ(MetricValue(R"(erphub_rejected_total{flow="orders",reason="malformed"})"), 1);
}

TEST_F(EngineTest, ComponentsCountIntoTheRegistryWithTheirFlow) {
  const Config& config = Load(kOrdersFlow);
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  components::Metrics* metrics = components_.inputs[0]->context_.metrics;
  ASSERT_NE(metrics, nullptr);
  metrics->CountLabeled("erphub_rejected_total", 2, {{"reason", "signature"}});
  metrics->Count("erphub_webhook_requests_total", 1);
  EXPECT_EQ(MetricValue(R"(erphub_rejected_total{flow="orders",reason="signature"})"), 2);
  EXPECT_EQ(MetricValue(R"(erphub_webhook_requests_total{flow="orders"})"), 1);
  EXPECT_EQ(components_.inputs[0]->context_.flow, "orders");
}

TEST_F(EngineTest, BacklogGaugesFollowTheStore) {
  const Config& config = Load(kOrdersFlow);
  ScriptedOutput& erp = components_.output("erp");
  erp.Close();
  auto engine = StartEngine(config);
  ASSERT_NE(engine, nullptr);
  AcceptOne(*engine, R"({"customer":"k","n":1})");
  AcceptOne(*engine, R"({"customer":"k","n":2})");
  ASSERT_TRUE(erp.WaitEntered(1));
  ASSERT_TRUE(engine->RefreshBacklog().ok());
  // One in flight at the output; the second message waits behind it after its steps.
  ASSERT_TRUE(WaitFor([&] {
    return engine->RefreshBacklog().ok() &&
           MetricValue(R"(erphub_backlog{flow="orders",state="in_flight"})") == 1 &&
           MetricValue(R"(erphub_backlog{flow="orders",state="queued"})") == 1;
  }));
  erp.Open();
  ASSERT_TRUE(WaitFor([&] {
    return engine->RefreshBacklog().ok() &&
           MetricValue(R"(erphub_backlog{flow="orders",state="in_flight"})") == 0 &&
           MetricValue(R"(erphub_backlog{flow="orders",state="queued"})") == 0;
  }));
}

TEST_F(EngineTest, CreateReportsEveryProblemWithItsPlace) {
  ASSERT_TRUE(registry_.Register(ComponentSpec::Output("spec-only")).ok());
  // "customer[" starts at column 10; the parser stops at the "[" in column 18.
  const Config& config = Load(R"(  orders:
    from: test-input
    key: customer[
    to:
      - spec-only
)");
  Result<std::unique_ptr<Engine>> engine = Engine::Create(config, registry_, Options());
  ASSERT_FALSE(engine.ok());
  const std::string text = engine.status().ToString();
  EXPECT_NE(text.find("erphub.yaml:7:18: flows.orders.key: does not compile"), std::string::npos)
      << text;
  EXPECT_NE(text.find("flows.orders.to[0]: the output \"spec-only\" has no implementation"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace erphub::engine
