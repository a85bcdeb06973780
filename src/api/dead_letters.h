#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "store/store.h"

namespace erphub::api {

// The operations on dead letters, one way each, used by `erphub dlq` and by the admin HTTP API
// (dead_letter_routes.h). They check the operator's input (kInvalidArgument) and call the store.

// "17" -> 17; kInvalidArgument unless a positive number.
Result<int64_t> ParseDeadLetterId(std::string_view text);

// Every dead letter the filter matches, oldest first, page by page; at most `limit` (0: all).
Result<std::vector<store::DeadLetterEntry>> ListDeadLetters(store::Store& store,
                                                            store::DeadLetterFilter filter,
                                                            int limit);

// What to replay: exactly one of one id, a flow's dead letters, or all of them.
struct ReplaySelection {
  int64_t id = 0;
  std::string flow;
  bool all = false;
};

struct ReplayOutcome {
  std::vector<int64_t> replayed;
  // Each id that failed with why (e.g. no longer dead: kFailedPrecondition).
  std::vector<std::pair<int64_t, Status>> failed;
};

// Replays the selected dead letters (each with a fresh attempt budget; the note is recorded in
// the lineage). kInvalidArgument unless exactly one selection is made; an error reading the list
// fails the whole call, a replay failing for one id is reported in `failed`.
Result<ReplayOutcome> ReplayDeadLetters(store::Store& store, const ReplaySelection& selection,
                                        std::string_view note);

// Discards a dead letter; the reason is required (kInvalidArgument when blank) and recorded.
Status DiscardDeadLetter(store::Store& store, int64_t id, std::string_view reason);

// An edited payload as JSON text: the value, or kParse saying where the JSON breaks.
Result<Value> ParseEditedPayload(std::string_view text);

// Replaces the dead letter's payload with `payload` and replays it. The replay's lineage event
// records the note and the original payload, so the edit is never silent and can be undone.
// kFailedPrecondition unless `id` is a dead letter.
Status EditDeadLetter(store::Store& store, int64_t id, const Value& payload, std::string_view note);

}  // namespace erphub::api
