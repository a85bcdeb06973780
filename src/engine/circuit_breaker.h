#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/config.h"

namespace erphub::engine {

enum class CircuitState {
  kClosed = 0,    // deliveries run
  kOpen = 1,      // the output is paused until the cool-down has passed
  kHalfOpen = 2,  // one delivery probes the target; its outcome closes or reopens
};
// "closed", "open", "half_open".
std::string_view CircuitStateName(CircuitState state);

// A circuit breaker of one output: after `failures` consecutive transient failures the output
// pauses for `cool_down` instead of hammering a target that is down; then one delivery probes
// it (half-open). A success (or an answer that proves the target is up, such as a permanent
// failure) closes the breaker; a transient failure of the probe opens it for another cool-down.
// A probe whose outcome never arrives (its lease was lost) is replaced by another after a
// cool-down. Time comes from the clock. Thread-safe.
class CircuitBreaker {
 public:
  // Told of every change of state (for metrics and logs), with the breaker's lock held: it must
  // be quick and must not call the breaker.
  using StateChanged = std::function<void(CircuitState from, CircuitState to)>;

  CircuitBreaker(CircuitBreakerPolicy policy, const Clock& clock, StateChanged on_change = {})
      : policy_(policy), clock_(clock), on_change_(std::move(on_change)) {}

  // What the claimer may take of this output now.
  enum class Admission {
    kAll,    // closed: any number of deliveries
    kProbe,  // half-open: exactly one delivery, the probe (call ProbeClaimed after claiming)
    kNone,   // open, or a probe is out
  };
  Admission Admit();
  // The claimer took the probe (true), or found nothing ready to probe with (false: a later
  // Admit offers the probe again).
  void ProbeClaimed(bool claimed);

  // The outcome of one delivery of the output: a success, a transient failure, or an answer
  // that shows the target is up (a permanent failure: the breaker treats it as a success).
  void RecordSuccess();
  void RecordTransientFailure();

  CircuitState state() const;
  int consecutive_failures() const;
  // When the breaker last opened (the epoch if never).
  Timestamp opened_at() const;
  // When an open breaker lets a probe through.
  Timestamp probe_due() const;
  bool enabled() const { return policy_.failures > 0; }

 private:
  void Open(Timestamp now);
  void SetState(CircuitState state);

  const CircuitBreakerPolicy policy_;
  const Clock& clock_;
  const StateChanged on_change_;
  mutable std::mutex mu_;
  CircuitState state_ = CircuitState::kClosed;
  int consecutive_failures_ = 0;
  Timestamp opened_at_{};
  // Half-open: whether the probe is out, and since when.
  bool probe_out_ = false;
  Timestamp probe_since_{};
};

}  // namespace erphub::engine
