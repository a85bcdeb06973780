#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/component_config.h"
#include "core/component_registry.h"
#include "core/message.h"
#include "core/result.h"
#include "core/value.h"

namespace erphub::net {
class HttpServer;
class HttpClient;
}  // namespace erphub::net

namespace erphub::components {

// The interfaces between the engine and the components. The engine owns the store, the workers
// and the listener; components are built from their validated config by their factory
// (components/builtin.cc lists them) and never see the store directly.

// One record an input hands over.
struct IntakeItem {
  Value payload;
  Headers headers;
  // The provider's id of this delivery (X-Shopify-Webhook-Id, Stripe event id, a file name and
  // line...): a repeated id is stored once. Empty: no de-duplication.
  std::string event_id;
  // Where it came from, for lineage: "webhook POST /webhooks/shop/orders", "file orders.ndjson:3".
  std::string source;
  // The JSON text `payload` was parsed from, when the input has it: stored as it came.
  std::string payload_json = {};
};

struct IntakeResult {
  MessageId id;
  bool duplicate = false;  // the event id was seen before; `id` is the original message's
};

// A record that cannot become a message (bad JSON, a broken row): kept with its reason.
struct QuarantineItem {
  std::string raw;
  std::string reason;
  std::string source;
  Headers headers;
};

// One write of durable state. By default conditional: `key` becomes `value` if it now holds
// `expected` (nullopt: the key must be absent). Set and Erase write without a check, for keys
// only their writer touches (the staged chunks of a snapshot).
struct StateChange {
  enum class Kind { kCompareAndSet, kSet, kErase };
  std::string key;
  std::optional<std::string> expected;
  std::string value;
  Kind kind = Kind::kCompareAndSet;

  static StateChange Set(std::string key, std::string value) {
    return StateChange{std::move(key), std::nullopt, std::move(value), Kind::kSet};
  }
  static StateChange Erase(std::string key) {
    return StateChange{std::move(key), std::nullopt, {}, Kind::kErase};
  }
};

// Small durable key/value state in the hub's store, shared by all its processes: control numbers
// an output hands out, cursors. Thread-safe.
class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  // Applies every change or none; kConflict when a key does not hold what was expected.
  virtual Status CompareAndSet(std::span<const StateChange> changes) = 0;
};

// The engine's durable intake for one flow. Thread-safe.
class Intake {
 public:
  virtual ~Intake() = default;
  // Computes each item's business key (the flow's `key` expression), then commits all items in
  // one durable transaction (group commit shares it with other callers). `done` runs exactly
  // once, on any thread, after the commit or with the error: kResourceExhausted when the flow's
  // backlog is full (answer 503 with Retry-After), kInvalidArgument when the key expression
  // fails on an item.
  virtual void AcceptAsync(std::vector<IntakeItem> items,
                           std::function<void(Result<std::vector<IntakeResult>>)> done) = 0;
  // The same, waiting for the commit.
  virtual Result<std::vector<IntakeResult>> Accept(std::vector<IntakeItem> items) = 0;
  // Accept, with `state` written in the same transaction: all or nothing, so that an input's
  // watermark moves exactly when the messages read up to it are stored, and a crash neither loses
  // nor repeats them. kConflict when a change's `expected` does not hold (another process moved
  // the watermark). `items` may be empty (the watermark moves past records that give no
  // message). The default: kUnimplemented.
  virtual Result<std::vector<IntakeResult>> AcceptWithState(std::vector<IntakeItem> items,
                                                            std::vector<StateChange> state) {
    (void)items;
    (void)state;
    return Status(StatusCode::kUnimplemented, "this intake keeps no state");
  }
  // The durable state `AcceptWithState` wrote under `key` (nullopt: never written). Keys are
  // shared by all flows: inputs put their flow's name in them. The default: kUnimplemented.
  virtual Result<std::optional<std::string>> GetState(std::string_view key) {
    (void)key;
    return Status(StatusCode::kUnimplemented, "this intake keeps no state");
  }
  // Keeps malformed input, durably; returns the quarantine entry's id.
  virtual Result<int64_t> Quarantine(QuarantineItem item) = 0;
  // The same off the caller's thread, for a listener thread that must not wait for a commit:
  // `done` runs exactly once, on any thread, with the id or the error. The default runs
  // Quarantine at once.
  virtual void QuarantineAsync(QuarantineItem item, std::function<void(Result<int64_t>)> done) {
    done(Quarantine(std::move(item)));
  }
  // True while the flow's backlog is past its bound: inputs should refuse or pause.
  virtual bool Overloaded() const = 0;
};

// Counters and gauges a component reports into; the engine exposes them on /metrics.
class Metrics {
 public:
  virtual ~Metrics() = default;
  // Adds `delta` to counter `name` with the given labels (flow and output are added by the
  // engine): e.g. Count("erphub_signature_failures_total", 1).
  virtual void Count(std::string_view name, double delta) = 0;
  // The same with more labels, for counters split by a reason: inputs count refusals the engine
  // cannot see as CountLabeled("erphub_rejected_total", 1, {{"reason", "signature"}}) (reasons
  // signature, too_large); the engine counts malformed (Quarantine) and overloaded itself.
  // The default drops the labels.
  virtual void CountLabeled(
      std::string_view name, double delta,
      std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
    (void)labels;
    Count(name, delta);
  }
  // Sets gauge `name` (flow and output labels added by the engine), e.g. how far an input is
  // behind its source: Set("erphub_cdc_lag_bytes", 4096).
  virtual void Set(std::string_view name, double value) = 0;
};

struct InputContext {
  std::string flow;
  Intake* intake = nullptr;
  // The shared HTTP listener (routes are added before it starts); null when the hub runs
  // without one.
  net::HttpServer* server = nullptr;
  const Clock* clock = nullptr;
  Metrics* metrics = nullptr;
};

// Produces messages: registers HTTP routes, or runs its own thread (a folder watcher).
class Input : public Component {
 public:
  // Called once before the listener starts.
  virtual Status Start(const InputContext& context) = 0;
  // Stops taking new input; returns when no callback into Intake is in progress.
  virtual void Stop() = 0;
};

// A failure of a step or an output, classified. Transient failures are retried with backoff;
// permanent ones dead-letter the message at once.
struct Failure {
  bool transient = false;
  std::string error;          // what went wrong, for people (never a secret)
  std::string response_body;  // the target's own answer, if any
  int http_status = 0;
  std::optional<std::chrono::milliseconds> retry_after;  // the target asked for this pause
  std::vector<std::string> details;  // e.g. each failing field with its JSON pointer
  // Bad data rather than a failed attempt (e.g. a failed validation): the message goes to
  // quarantine with the details instead of being retried or dead-lettered.
  bool quarantine = false;
  // Not a failure: the message is not for this flow (a `filter` step's condition is false). The
  // message is completed as "filtered": nothing after the step runs and nothing is delivered.
  bool filtered = false;
};

// Transforms a message on its way: validate, map... Thread-safe: one instance serves every
// worker.
class Step : public Component {
 public:
  // The new payload, or the failure.
  virtual Result<Value, Failure> Process(const Message& message, const Value& payload) const = 0;
};

struct Delivery {
  const Message* message = nullptr;
  const Value* payload = nullptr;  // after the flow's steps
  std::string idempotency_key;     // the same on every attempt of this (flow, message, output)
  int attempt = 1;
  StateStore* state = nullptr;  // null when the hub runs without a store (some tests)
};

// What an output's delivery did: the target's status and answer on success, for lineage.
struct Delivered {
  Delivered() = default;
  Delivered(int status, std::string what, std::string warn = {})
      : http_status(status), detail(std::move(what)), warning(std::move(warn)) {}

  int http_status = 0;
  std::string detail;
  // Done, but people should look (e.g. the target computed another total than the source's):
  // logged, counted in erphub_delivery_warnings_total and kept in the message's lineage.
  std::string warning;
};

// Delivers messages to a target. Thread-safe: one instance serves every worker.
class Output : public Component {
 public:
  virtual Result<Delivered, Failure> Deliver(const Delivery& delivery) = 0;
};

}  // namespace erphub::components
