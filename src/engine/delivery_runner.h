#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "components/component.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/random.h"
#include "engine/backoff.h"
#include "engine/flow_runtime.h"
#include "engine/worker_pool.h"
#include "store/store.h"

namespace erphub::engine {

// Runs one claimed delivery to its outcome and records it in the store with its lineage:
//  - the steps stage runs the flow's steps in order, one lineage event each, then completes with
//    one follow-up delivery per output carrying the transformed payload (one transaction); a
//    step that filters the message out completes it with none (lineage outcome "filtered"); a
//    flow's only output is run at once when its lane is free, and its follow-up is stored as
//    that attempt left it (RunOutputInline);
//  - an output delivery calls the output with the idempotency key and the attempt number; the
//    output's `on_status` overrides how a failure with that HTTP status is classified, and the
//    outcome is reported to the output's circuit breaker.
// A transient failure is retried (DecideRetry: backoff with full jitter, Retry-After, the flow's
// max_attempts and max_age); a permanent one, or one that may not be retried again, is
// dead-lettered with the target's answer and the flow's on_dead_letter. Thread-safe.
class DeliveryRunner {
 public:
  struct Deps {
    store::Store* store = nullptr;
    const Clock* clock = nullptr;
    RandomSource* random = nullptr;
    Logger* log = nullptr;
    // Flows by name; must outlive the runner.
    const std::map<std::string, std::unique_ptr<FlowRuntime>, std::less<>>* flows = nullptr;
    // Told when a retry falls due, so that the claimer looks for work then.
    std::function<void(Timestamp)> note_due;
  };

  explicit DeliveryRunner(Deps deps) : deps_(std::move(deps)) {}

  // Runs the delivery's steps or output; the returned function records the outcome (on a
  // recorder thread, see WorkerPool).
  WorkerPool::Finish Run(const store::ClaimedDelivery& delivery) const;

 private:
  // What one attempt ended with.
  struct Outcome {
    bool ok = false;
    // A filter step let the message go: it ends here, done, with no follow-ups.
    bool filtered = false;
    components::Failure failure;
    // Where it failed (a step's name; empty: the delivery's output).
    std::string failed_at;
    store::AttemptReport report;
    std::vector<store::FollowUp> follow_ups;
    // The payload the failing step was given.
    Value failed_payload;
    // The output's warning on a successful delivery (components::Delivered::warning).
    std::string warning;
    // The steps' only output, run at once because its lane was free: its delivery as a claim
    // would have handed it out, and that attempt's outcome (the follow-up is stored as it left
    // it, with the steps' completion).
    struct Inline;
    std::shared_ptr<const Inline> inline_output;
  };

  // What becomes of a failed attempt.
  struct FailureDecision {
    enum class Kind { kQuarantine, kRetry, kDeadLetter };
    Kind kind = Kind::kDeadLetter;
    // For the store and the logs.
    std::string error;
    RetryDecision retry;
  };

  Outcome RunSteps(const FlowRuntime& flow, const store::ClaimedDelivery& delivery) const;
  Outcome RunOutput(const FlowRuntime& flow, const store::ClaimedDelivery& delivery) const;
  // After the steps: runs the flow's only output at once when nothing is ahead of the message in
  // that output's lane and its circuit breaker is closed, saving the follow-up's claim.
  void RunOutputInline(const FlowRuntime& flow, const store::ClaimedDelivery& steps,
                       Outcome& outcome) const;
  FailureDecision DecideFailure(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                                const Outcome& outcome) const;
  // Records the outcome; returns the follow-ups a completion leased with `next`.
  std::vector<store::ClaimedDelivery> Record(const FlowRuntime* flow,
                                             const store::ClaimedDelivery& delivery,
                                             const Outcome& outcome,
                                             const store::ClaimOptions* next) const;
  // Counts and logs a delivery to an output that the store took as done.
  void ReportDone(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                  const Outcome& outcome) const;
  // Counts and logs the inline attempt recorded with the steps' completion.
  void ReportInline(const FlowRuntime* flow, const Outcome::Inline& attempt) const;
  // Counts and logs a retry the store took.
  void ReportRetry(const store::ClaimedDelivery& delivery, const Outcome& outcome,
                   const FailureDecision& decision) const;
  // Counts and logs a dead letter the store took.
  void ReportDeadLetter(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                        const Outcome& outcome, const std::string& error) const;
  // Reports the outcome of an output's attempt to its circuit breaker.
  void TellBreaker(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                   const Outcome& outcome) const;
  void DeadLetter(const FlowRuntime* flow, const store::ClaimedDelivery& delivery,
                  const Outcome& outcome, std::string error) const;
  static store::DeadLetterInfo DeadLetterInfoOf(const FlowRuntime* flow, const Outcome& outcome,
                                                std::string error);
  // Keeps the payload the failing step saw in quarantine, with the failure's details, and ends
  // the delivery (nothing after the step runs).
  void Quarantine(const FlowRuntime& flow, const store::ClaimedDelivery& delivery,
                  const Outcome& outcome) const;
  // Logs an outcome the store did not take.
  void NotRecorded(const store::ClaimedDelivery& delivery, const Status& status) const;

  const Deps deps_;
};

}  // namespace erphub::engine
