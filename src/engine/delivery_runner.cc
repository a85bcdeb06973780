#include "engine/delivery_runner.h"

#include <chrono>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/json.h"
#include "engine/backoff.h"
#include "engine/engine_metrics.h"
#include "engine/state_writes.h"

namespace erphub::engine {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using SteadyClock = std::chrono::steady_clock;

microseconds Since(SteadyClock::time_point start) {
  return duration_cast<microseconds>(SteadyClock::now() - start);
}

// The failure as one line for the store and logs: the error, then its details.
std::string Describe(const components::Failure& failure) {
  std::string text = failure.error.empty() ? "failed" : failure.error;
  for (size_t i = 0; i < failure.details.size(); ++i) {
    text += i == 0 ? ": " : "; ";
    text += failure.details[i];
  }
  return text;
}

// Outputs reach the store's key/value state through this narrow door (control numbers).
class StoreState final : public components::StateStore {
 public:
  explicit StoreState(store::Store& store) : store_(store) {}

  Result<std::optional<std::string>> Get(std::string_view key) override {
    return store_.GetState(key);
  }

  Status CompareAndSet(std::span<const components::StateChange> changes) override {
    std::vector<store::StateWrite> writes;
    writes.reserve(changes.size());
    for (const components::StateChange& change : changes) {
      writes.push_back(ToStateWrite(change));
    }
    return store_.PutState(writes);
  }

 private:
  store::Store& store_;
};

components::Failure Permanent(std::string error) {
  components::Failure failure;
  failure.error = std::move(error);
  return failure;
}

}  // namespace

WorkerPool::Finish DeliveryRunner::Run(const store::ClaimedDelivery& delivery) const {
  auto it = deps_.flows->find(delivery.message.flow);
  const FlowRuntime* flow = it == deps_.flows->end() ? nullptr : it->second.get();
  const Timestamp started = deps_.clock->Now();
  const SteadyClock::time_point start = SteadyClock::now();
  Outcome outcome;
  if (flow == nullptr) {
    outcome.failure = Permanent("flow " + delivery.message.flow + " is no longer configured");
  } else if (delivery.output == kStepsStage) {
    outcome = RunSteps(*flow, delivery);
  } else if (flow->FindOutput(delivery.output) != nullptr) {
    outcome = RunOutput(*flow, delivery);
  } else {
    outcome.failure = Permanent("output " + delivery.output + " is no longer configured in flow " +
                                delivery.message.flow);
  }
  outcome.report.started_at = started;
  outcome.report.duration = Since(start);
  if (flow != nullptr && delivery.output == kStepsStage && outcome.ok && !outcome.filtered) {
    RunOutputInline(*flow, delivery, outcome);
  }
  return [this, flow, outcome = std::move(outcome)](const store::ClaimedDelivery& claimed,
                                                    const store::ClaimOptions* next) {
    return Record(flow, claimed, outcome, next);
  };
}

DeliveryRunner::Outcome DeliveryRunner::RunSteps(const FlowRuntime& flow,
                                                 const store::ClaimedDelivery& delivery) const {
  Outcome outcome;
  Value payload = delivery.payload;
  for (const FlowRuntime::NamedStep& step : flow.steps) {
    const Timestamp at = deps_.clock->Now();
    const SteadyClock::time_point start = SteadyClock::now();
    Result<Value, components::Failure> result = step.step->Process(delivery.message, payload);
    if (result.ok() && result->is_undefined()) {
      result = Permanent("the step gave no value");
    }
    store::LineageEvent event;
    event.kind = store::LineageKind::kStep;
    event.at = at;
    event.name = step.name;
    event.attempt = delivery.attempt;
    event.duration = Since(start);
    if (result.ok()) {
      event.outcome = "ok";
      outcome.report.events.push_back(std::move(event));
      payload = std::move(result).value();
      continue;
    }
    if (result.error().filtered) {
      // Not for this flow: done, and nothing after this step runs.
      event.outcome = "filtered";
      event.detail = result.error().error;
      outcome.report.events.push_back(std::move(event));
      outcome.ok = true;
      outcome.filtered = true;
      outcome.report.detail = "filtered by step " + step.name;
      return outcome;
    }
    outcome.failure = std::move(result).error();
    outcome.failed_payload = payload;
    event.outcome = outcome.failure.quarantine  ? "quarantined"
                    : outcome.failure.transient ? "transient failure"
                                                : "failed";
    event.detail = Describe(outcome.failure);
    outcome.report.events.push_back(std::move(event));
    outcome.failed_at = step.name;
    outcome.report.detail = "step " + step.name + ": " + Describe(outcome.failure);
    return outcome;
  }
  outcome.ok = true;
  outcome.report.detail = std::to_string(flow.steps.size()) + " steps";
  for (const FlowRuntime::NamedOutput& output : flow.outputs) {
    outcome.follow_ups.push_back(store::FollowUp{output.name, payload});
  }
  return outcome;
}

DeliveryRunner::Outcome DeliveryRunner::RunOutput(const FlowRuntime& flow,
                                                  const store::ClaimedDelivery& delivery) const {
  Outcome outcome;
  components::Delivery request;
  request.message = &delivery.message;
  request.payload = &delivery.payload;
  request.idempotency_key = delivery.idempotency_key;
  request.attempt = delivery.attempt;
  std::optional<StoreState> state;
  if (deps_.store != nullptr) {
    state.emplace(*deps_.store);
    request.state = &*state;
  }
  Result<components::Delivered, components::Failure> result =
      flow.FindOutput(delivery.output)->Deliver(request);
  if (result.ok()) {
    outcome.ok = true;
    std::string detail =
        result->http_status != 0 ? "HTTP " + std::to_string(result->http_status) : std::string();
    if (!result->detail.empty()) {
      detail += detail.empty() ? "" : " ";
      detail += result->detail;
    }
    if (!result->warning.empty()) {
      detail += detail.empty() ? "" : " ";
      detail += "WARNING: " + result->warning;
    }
    outcome.report.detail = std::move(detail);
    outcome.warning = std::move(result->warning);
    return outcome;
  }
  outcome.failure = std::move(result).error();
  // The flow's on_status for this output overrides the output's own classification.
  std::optional<StatusOutcome> override =
      flow.config.PolicyOf(delivery.output).OutcomeFor(outcome.failure.http_status);
  if (override == StatusOutcome::kSuccess) {
    outcome.ok = true;
    outcome.report.detail =
        "HTTP " + std::to_string(outcome.failure.http_status) + " (a success by on_status)";
    outcome.failure = components::Failure();
    return outcome;
  }
  if (override.has_value()) {
    outcome.failure.transient = override == StatusOutcome::kTransient;
  }
  outcome.report.detail = Describe(outcome.failure);
  return outcome;
}

struct DeliveryRunner::Outcome::Inline {
  store::ClaimedDelivery delivery;
  Outcome outcome;
  FailureDecision decision;  // when it failed
};

void DeliveryRunner::RunOutputInline(const FlowRuntime& flow, const store::ClaimedDelivery& steps,
                                     Outcome& outcome) const {
  if (flow.outputs.size() != 1 || outcome.follow_ups.size() != 1) {
    return;
  }
  store::FollowUp& follow_up = outcome.follow_ups.front();
  const CircuitBreaker* breaker = flow.FindBreaker(follow_up.output);
  if (breaker != nullptr && breaker->state() != CircuitState::kClosed) {
    return;
  }
  Result<bool> busy =
      deps_.store->LaneBusy(steps.message.flow, follow_up.output, steps.message.business_key);
  if (!busy.ok() || *busy) {
    return;  // the follow-up waits its turn (or is claimed as usual)
  }
  auto attempt = std::make_shared<Outcome::Inline>();
  store::ClaimedDelivery& delivery = attempt->delivery;
  delivery.message = steps.message;
  delivery.message.payload = Value();  // as a follow-up's claim: it works on its own payload
  delivery.output = follow_up.output;
  delivery.payload = follow_up.payload;
  delivery.idempotency_key = IdempotencyKey(steps.message.flow, steps.message.id, delivery.output);
  delivery.attempt = 1;
  delivery.eligible_since = deps_.clock->Now();
  const SteadyClock::time_point start = SteadyClock::now();
  attempt->outcome = RunOutput(flow, delivery);
  attempt->outcome.report.started_at = delivery.eligible_since;
  attempt->outcome.report.duration = Since(start);

  store::FollowUpAttempt recorded;
  recorded.report = attempt->outcome.report;
  if (!attempt->outcome.ok) {
    attempt->decision = DecideFailure(&flow, delivery, attempt->outcome);
    switch (attempt->decision.kind) {
      case FailureDecision::Kind::kQuarantine:
        // Bad data the output refused before writing anything: the follow-up is stored as not
        // attempted, and its own attempt quarantines it.
        return;
      case FailureDecision::Kind::kRetry:
        recorded.result = store::FollowUpAttempt::Result::kRetry;
        recorded.not_before = attempt->decision.retry.not_before;
        recorded.error = attempt->decision.error;
        break;
      case FailureDecision::Kind::kDeadLetter:
        recorded.result = store::FollowUpAttempt::Result::kDead;
        recorded.dead = DeadLetterInfoOf(&flow, attempt->outcome, attempt->decision.error);
        break;
    }
  }
  follow_up.attempted = std::move(recorded);
  outcome.inline_output = std::move(attempt);
}

DeliveryRunner::FailureDecision DeliveryRunner::DecideFailure(
    const FlowRuntime* flow, const store::ClaimedDelivery& delivery, const Outcome& outcome) const {
  FailureDecision decision;
  decision.error = Describe(outcome.failure);
  if (outcome.failure.quarantine && flow != nullptr) {
    decision.kind = FailureDecision::Kind::kQuarantine;
    return decision;
  }
  if (!outcome.failure.transient || flow == nullptr) {
    return decision;
  }
  decision.retry = DecideRetry(flow->config.retry, delivery.attempt, delivery.eligible_since,
                               deps_.clock->Now(), outcome.failure.retry_after, *deps_.random);
  if (!decision.retry.retry) {
    decision.error = "gave up after " + decision.retry.reason + ": " + decision.error;
    return decision;
  }
  decision.kind = FailureDecision::Kind::kRetry;
  return decision;
}

void DeliveryRunner::TellBreaker(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                                 const Outcome& outcome) const {
  CircuitBreaker* breaker = flow != nullptr ? flow->FindBreaker(delivery.output) : nullptr;
  if (breaker == nullptr) {
    return;
  }
  if (outcome.ok) {
    breaker->RecordSuccess();
  } else if (outcome.failure.transient) {
    breaker->RecordTransientFailure();
  } else if (outcome.failure.http_status != 0) {
    // The target answered (e.g. 422 for one bad message): it is up.
    breaker->RecordSuccess();
  }
}

std::vector<store::ClaimedDelivery> DeliveryRunner::Record(const FlowRuntime* flow,
                                                           const store::ClaimedDelivery& delivery,
                                                           const Outcome& outcome,
                                                           const store::ClaimOptions* next) const {
  TellBreaker(flow, delivery, outcome);
  if (outcome.inline_output != nullptr) {
    TellBreaker(flow, outcome.inline_output->delivery, outcome.inline_output->outcome);
  }
  if (outcome.ok) {
    Result<std::vector<store::ClaimedDelivery>> chained = std::vector<store::ClaimedDelivery>();
    if (next != nullptr && !outcome.follow_ups.empty()) {
      chained =
          deps_.store->CompleteAndClaim(delivery.lease, outcome.report, outcome.follow_ups, *next);
    } else {
      Status status = deps_.store->Complete(delivery.lease, outcome.report, outcome.follow_ups);
      if (!status.ok()) {
        chained = status;
      }
    }
    if (!chained.ok()) {
      NotRecorded(delivery, chained.status());
      return {};
    }
    if (outcome.filtered) {
      if (flow != nullptr && flow->metrics.filtered != nullptr) {
        flow->metrics.filtered->Inc();
      }
      deps_.log->Debug("delivery.filtered",
                       {{"flow", Value::Str(delivery.message.flow)},
                        {"message", Value::Str(delivery.message.id.ToString())},
                        {"detail", Value::Str(outcome.report.detail)}});
      return {};
    }
    ReportDone(flow, delivery, outcome);
    if (outcome.inline_output != nullptr) {
      ReportInline(flow, *outcome.inline_output);
    }
    return std::move(chained).value();
  }
  const OutputMetrics* metrics = flow != nullptr ? flow->metrics.Output(delivery.output) : nullptr;
  if (metrics != nullptr) {
    metrics->failed_attempts->Inc();
  }
  const FailureDecision decision = DecideFailure(flow, delivery, outcome);
  switch (decision.kind) {
    case FailureDecision::Kind::kQuarantine:
      Quarantine(*flow, delivery, outcome);
      return {};
    case FailureDecision::Kind::kDeadLetter:
      DeadLetter(flow, delivery, outcome, decision.error);
      return {};
    case FailureDecision::Kind::kRetry:
      break;
  }
  Status status = deps_.store->RetryLater(delivery.lease, decision.retry.not_before, decision.error,
                                          outcome.report);
  if (!status.ok()) {
    NotRecorded(delivery, status);
    return {};
  }
  ReportRetry(delivery, outcome, decision);
  return {};
}

void DeliveryRunner::ReportDone(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                                const Outcome& outcome) const {
  const OutputMetrics* metrics = flow != nullptr ? flow->metrics.Output(delivery.output) : nullptr;
  const std::string id = delivery.message.id.ToString();
  if (metrics != nullptr) {
    const auto latency = deps_.clock->Now() - delivery.message.received_at;
    metrics->latency->Observe(std::chrono::duration<double>(latency).count());
    metrics->delivered->Inc();
    if (!outcome.warning.empty()) {
      metrics->warnings->Inc();
    }
  }
  if (!outcome.warning.empty()) {
    deps_.log->Warn("delivery.warning", {{"flow", Value::Str(delivery.message.flow)},
                                         {"output", Value::Str(delivery.output)},
                                         {"message", Value::Str(id)},
                                         {"warning", Value::Str(outcome.warning)}});
  }
  deps_.log->Debug("delivery.done", {{"flow", Value::Str(delivery.message.flow)},
                                     {"output", Value::Str(delivery.output)},
                                     {"message", Value::Str(id)},
                                     {"attempt", Value::Int(delivery.attempt)}});
}

void DeliveryRunner::ReportInline(const FlowRuntime* flow, const Outcome::Inline& attempt) const {
  if (attempt.outcome.ok) {
    ReportDone(flow, attempt.delivery, attempt.outcome);
    return;
  }
  const OutputMetrics* metrics =
      flow != nullptr ? flow->metrics.Output(attempt.delivery.output) : nullptr;
  if (metrics != nullptr) {
    metrics->failed_attempts->Inc();
  }
  if (attempt.decision.kind == FailureDecision::Kind::kRetry) {
    ReportRetry(attempt.delivery, attempt.outcome, attempt.decision);
  } else {
    ReportDeadLetter(flow, attempt.delivery, attempt.outcome, attempt.decision.error);
  }
}

void DeliveryRunner::ReportRetry(const store::ClaimedDelivery& delivery, const Outcome& outcome,
                                 const FailureDecision& decision) const {
  if (deps_.note_due) {
    deps_.note_due(decision.retry.not_before);
  }
  deps_.log->Info("delivery.retry", {{"flow", Value::Str(delivery.message.flow)},
                                     {"output", Value::Str(delivery.output)},
                                     {"message", Value::Str(delivery.message.id.ToString())},
                                     {"attempt", Value::Int(delivery.attempt)},
                                     {"delay_ms", Value::Int(decision.retry.delay.count())},
                                     {"http_status", outcome.failure.http_status != 0
                                                         ? Value::Int(outcome.failure.http_status)
                                                         : Value()},
                                     {"error", Value::Str(decision.error)}});
}

store::DeadLetterInfo DeliveryRunner::DeadLetterInfoOf(const FlowRuntime* flow,
                                                       const Outcome& outcome, std::string error) {
  store::DeadLetterInfo info;
  info.error = std::move(error);
  info.response_body = outcome.failure.response_body;
  info.failed_at = outcome.failed_at;
  info.on_dead_letter = flow != nullptr ? flow->on_dead_letter : store::OnDeadLetter::kContinue;
  return info;
}

void DeliveryRunner::DeadLetter(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                                const Outcome& outcome, std::string error) const {
  const store::DeadLetterInfo info = DeadLetterInfoOf(flow, outcome, std::move(error));
  Status status = deps_.store->DeadLetter(delivery.lease, info, outcome.report);
  if (!status.ok()) {
    NotRecorded(delivery, status);
    return;
  }
  ReportDeadLetter(flow, delivery, outcome, info.error);
}

void DeliveryRunner::ReportDeadLetter(const FlowRuntime* flow,
                                      const store::ClaimedDelivery& delivery,
                                      const Outcome& outcome, const std::string& error) const {
  const OutputMetrics* metrics = flow != nullptr ? flow->metrics.Output(delivery.output) : nullptr;
  if (metrics != nullptr) {
    metrics->dead_lettered->Inc();
  }
  deps_.log->Warn(
      "delivery.dead_lettered",
      {{"flow", Value::Str(delivery.message.flow)},
       {"output", Value::Str(delivery.output)},
       {"message", Value::Str(delivery.message.id.ToString())},
       {"attempt", Value::Int(delivery.attempt)},
       {"failed_at", outcome.failed_at.empty() ? Value() : Value::Str(outcome.failed_at)},
       {"http_status",
        outcome.failure.http_status != 0 ? Value::Int(outcome.failure.http_status) : Value()},
       {"error", Value::Str(error)}});
}

void DeliveryRunner::Quarantine(const FlowRuntime& flow, const store::ClaimedDelivery& delivery,
                                const Outcome& outcome) const {
  const std::string id = delivery.message.id.ToString();
  store::QuarantineEntry entry;
  entry.flow = delivery.message.flow;
  entry.source = "step " + outcome.failed_at + " of message " + id;
  entry.reason = Describe(outcome.failure);
  entry.raw = ToJson(outcome.failed_payload);
  entry.headers = delivery.message.headers;
  entry.received_at = delivery.message.received_at;
  entry.message_id = delivery.message.id;
  // Kept first: if ending the delivery fails, it runs again and quarantines again, never loses.
  Result<int64_t> kept = deps_.store->Quarantine(entry);
  Status status = kept.ok() ? deps_.store->Complete(delivery.lease, outcome.report) : kept.status();
  if (!status.ok()) {
    NotRecorded(delivery, status);
    return;
  }
  flow.metrics.quarantined->Inc();
  deps_.log->Warn("delivery.quarantined", {{"flow", Value::Str(delivery.message.flow)},
                                           {"message", Value::Str(id)},
                                           {"step", Value::Str(outcome.failed_at)},
                                           {"quarantine_id", Value::Int(*kept)},
                                           {"error", Value::Str(entry.reason)}});
}

void DeliveryRunner::NotRecorded(const store::ClaimedDelivery& delivery,
                                 const Status& status) const {
  // The lease is lost or the store failed: the delivery runs again after its lease expires.
  deps_.log->Warn("delivery.outcome_not_recorded",
                  {{"flow", Value::Str(delivery.message.flow)},
                   {"output", Value::Str(delivery.output)},
                   {"message", Value::Str(delivery.message.id.ToString())},
                   {"error", Value::Str(status.ToString())}});
}

}  // namespace erphub::engine
