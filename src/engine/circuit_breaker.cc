#include "engine/circuit_breaker.h"

namespace erphub::engine {

std::string_view CircuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::Admission CircuitBreaker::Admit() {
  std::lock_guard<std::mutex> lock(mu_);
  const Timestamp now = clock_.Now();
  switch (state_) {
    case CircuitState::kClosed:
      return Admission::kAll;
    case CircuitState::kOpen:
      if (now < opened_at_ + policy_.cool_down) {
        return Admission::kNone;
      }
      SetState(CircuitState::kHalfOpen);
      probe_out_ = false;
      return Admission::kProbe;
    case CircuitState::kHalfOpen:
      // A probe whose outcome never came (its lease was lost) does not hold the breaker forever.
      if (probe_out_ && now >= probe_since_ + policy_.cool_down) {
        probe_out_ = false;
      }
      return probe_out_ ? Admission::kNone : Admission::kProbe;
  }
  return Admission::kAll;
}

void CircuitBreaker::ProbeClaimed(bool claimed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (claimed && state_ == CircuitState::kHalfOpen) {
    probe_out_ = true;
    probe_since_ = clock_.Now();
  }
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> lock(mu_);
  consecutive_failures_ = 0;
  SetState(CircuitState::kClosed);
  probe_out_ = false;
}

void CircuitBreaker::RecordTransientFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  ++consecutive_failures_;
  if (!enabled()) {
    return;
  }
  const Timestamp now = clock_.Now();
  if (state_ == CircuitState::kHalfOpen ||
      (state_ == CircuitState::kClosed && consecutive_failures_ >= policy_.failures)) {
    Open(now);
  }
  // Open: deliveries claimed before it opened report late; the cool-down runs on unchanged.
}

void CircuitBreaker::Open(Timestamp now) {
  opened_at_ = now;
  probe_out_ = false;
  SetState(CircuitState::kOpen);
}

void CircuitBreaker::SetState(CircuitState state) {
  const CircuitState from = state_;
  state_ = state;
  if (from != state && on_change_) {
    on_change_(from, state);
  }
}

CircuitState CircuitBreaker::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return consecutive_failures_;
}

Timestamp CircuitBreaker::opened_at() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_at_;
}

Timestamp CircuitBreaker::probe_due() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_at_ + policy_.cool_down;
}

}  // namespace erphub::engine
