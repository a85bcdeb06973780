#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/random.h"

namespace erphub::engine {

// The upper bound of the pause after failed attempt `attempt` (1-based): initial * 2^(attempt-1),
// capped at max_delay (and never overflowing).
std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int attempt);

// Full jitter: a pause drawn uniformly from [0, ceiling] in whole milliseconds, so that clients
// that failed together do not retry together.
std::chrono::milliseconds FullJitter(std::chrono::milliseconds ceiling, RandomSource& random);

// What to do after a transient failure.
struct RetryDecision {
  bool retry = false;
  // When retrying: the earliest time of the next attempt, and the pause that leads to it.
  Timestamp not_before;
  std::chrono::milliseconds delay{0};
  // When giving up: why ("10 attempts, the flow's max_attempts").
  std::string reason;
};

// Decides, without side effects besides drawing from `random`, whether the delivery whose attempt
// `attempt` just failed transiently is tried again, and when:
//  - attempt >= max_attempts gives up;
//  - the pause is FullJitter(BackoffCeiling(attempt)), raised to `retry_after` when the target
//    asked for a longer one (even past max_delay: the target knows best);
//  - the delivery may be retried until eligible_since + max_age: a pause reaching past that is
//    shortened to end there (one last attempt), unless the target's Retry-After forbids it, which
//    gives up; a delivery already past its max age gives up.
RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, Timestamp eligible_since,
                          Timestamp now, std::optional<std::chrono::milliseconds> retry_after,
                          RandomSource& random);

}  // namespace erphub::engine
