#include "api/dead_letters.h"

#include <algorithm>
#include <charconv>

#include "core/json.h"

namespace erphub::api {

Result<int64_t> ParseDeadLetterId(std::string_view text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgumentError("a dead letter's id is a positive number (see erphub dlq list)",
                                std::string(text));
  }
  return id;
}

Result<std::vector<store::DeadLetterEntry>> ListDeadLetters(store::Store& store,
                                                            store::DeadLetterFilter filter,
                                                            int limit) {
  std::vector<store::DeadLetterEntry> all;
  while (true) {
    filter.limit = 500;
    if (limit > 0) {
      filter.limit = std::min<int>(filter.limit, limit - static_cast<int>(all.size()));
    }
    ERPHUB_ASSIGN_OR_RETURN(std::vector<store::DeadLetterEntry> page,
                            store.ListDeadLetters(filter));
    for (store::DeadLetterEntry& entry : page) {
      filter.after_id = std::max(filter.after_id, entry.id);
      all.push_back(std::move(entry));
    }
    if (static_cast<int>(page.size()) < filter.limit ||
        (limit > 0 && static_cast<int>(all.size()) >= limit)) {
      return all;
    }
  }
}

Result<ReplayOutcome> ReplayDeadLetters(store::Store& store, const ReplaySelection& selection,
                                        std::string_view note) {
  const int chosen =
      (selection.id > 0 ? 1 : 0) + (selection.flow.empty() ? 0 : 1) + (selection.all ? 1 : 0);
  if (chosen != 1) {
    return InvalidArgumentError("name what to replay: one id, a flow, or all");
  }
  std::vector<int64_t> ids;
  if (selection.id > 0) {
    ids.push_back(selection.id);
  } else {
    store::DeadLetterFilter filter;
    filter.flow = selection.flow;
    ERPHUB_ASSIGN_OR_RETURN(std::vector<store::DeadLetterEntry> entries,
                            ListDeadLetters(store, filter, 0));
    for (const store::DeadLetterEntry& entry : entries) {
      ids.push_back(entry.id);
    }
  }
  store::ReplayOptions options;
  options.note = std::string(note);
  ReplayOutcome outcome;
  for (int64_t id : ids) {
    Status status = store.Replay(id, options);
    if (status.ok()) {
      outcome.replayed.push_back(id);
    } else {
      outcome.failed.emplace_back(id, std::move(status));
    }
  }
  return outcome;
}

Status DiscardDeadLetter(store::Store& store, int64_t id, std::string_view reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgumentError("a discard must say why the dead letter is dropped (a reason)");
  }
  return store.Discard(id, reason);
}

Result<Value> ParseEditedPayload(std::string_view text) {
  Result<Value> payload = ParseJson(text);
  if (!payload.ok()) {
    return Status(StatusCode::kParse,
                  "the edited payload is not JSON: " + payload.status().ToString());
  }
  return payload;
}

Status EditDeadLetter(store::Store& store, int64_t id, const Value& payload,
                      std::string_view note) {
  ERPHUB_ASSIGN_OR_RETURN(store::DeadLetterDetail detail, store.GetDeadLetter(id));
  store::ReplayOptions options;
  options.payload = payload;
  options.note = std::string(note.empty() ? "payload edited" : note) +
                 "; original payload: " + ToJson(detail.payload);
  return store.Replay(id, options);
}

}  // namespace erphub::api
