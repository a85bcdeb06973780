#include "engine/backoff.h"

#include <algorithm>

#include "core/config_units.h"

namespace erphub::engine {

using std::chrono::milliseconds;

milliseconds BackoffCeiling(const RetryPolicy& policy, int attempt) {
  const int64_t initial = std::max<int64_t>(policy.initial.count(), 0);
  const int64_t cap = std::max<int64_t>(policy.max_delay.count(), 0);
  int64_t delay = initial;
  // Doubling stops at the cap, so the loop is short and cannot overflow.
  for (int i = 1; i < attempt && delay < cap; ++i) {
    delay *= 2;
  }
  return milliseconds(std::min(delay, cap));
}

milliseconds FullJitter(milliseconds ceiling, RandomSource& random) {
  if (ceiling.count() <= 0) {
    return milliseconds(0);
  }
  const uint64_t span = static_cast<uint64_t>(ceiling.count()) + 1;
  return milliseconds(static_cast<int64_t>(random.NextU64() % span));
}

RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, Timestamp eligible_since,
                          Timestamp now, std::optional<milliseconds> retry_after,
                          RandomSource& random) {
  RetryDecision decision;
  if (attempt >= policy.max_attempts) {
    decision.reason = std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts") +
                      ", the flow's max_attempts";
    return decision;
  }
  const Timestamp deadline = eligible_since + policy.max_age;
  if (now >= deadline) {
    decision.reason = "older than the flow's max_age of " + FormatDuration(policy.max_age);
    return decision;
  }
  milliseconds delay = FullJitter(BackoffCeiling(policy, attempt), random);
  if (retry_after && *retry_after > delay) {
    delay = *retry_after;
    if (now + delay > deadline) {
      decision.reason = "the target asked to wait " + FormatDuration(*retry_after) +
                        ", past the flow's max_age of " + FormatDuration(policy.max_age);
      return decision;
    }
  }
  decision.retry = true;
  decision.not_before = std::min(now + delay, deadline);
  decision.delay = std::chrono::duration_cast<milliseconds>(decision.not_before - now);
  return decision;
}

}  // namespace erphub::engine
