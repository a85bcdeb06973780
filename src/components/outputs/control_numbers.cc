#include "components/outputs/control_numbers.h"

#include <array>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace erphub::components {
namespace {

constexpr int64_t kMaxControlNumber = 999'999'999;
constexpr int kMaxAttempts = 100;

// "1 7 3": the first interchange, group and set number of a reservation.
std::string EncodeStart(const ControlStart& start) {
  return std::to_string(start.interchange) + " " + std::to_string(start.group) + " " +
         std::to_string(start.set);
}

std::optional<ControlStart> DecodeStart(const std::string& text) {
  ControlStart start;
  char* end = nullptr;
  const char* p = text.c_str();
  start.interchange = std::strtoll(p, &end, 10);
  p = end;
  start.group = std::strtoll(p, &end, 10);
  p = end;
  start.set = std::strtoll(p, &end, 10);
  if (end == p || *end != '\0') {
    return std::nullopt;
  }
  return start;
}

// The first of `count` numbers after `last`, wrapping past the maximum; and the new last.
std::pair<int64_t, int64_t> Advance(int64_t last, int64_t count) {
  int64_t first = last >= kMaxControlNumber ? 1 : last + 1;
  if (count == 0) {
    return {first, last};
  }
  if (first + count - 1 > kMaxControlNumber) {
    first = 1;  // a run never straddles the wrap: its numbers stay consecutive
  }
  return {first, first + count - 1};
}

}  // namespace

Result<ControlStart> ReserveControlNumbers(StateStore& state, formats::Format format,
                                           std::string_view partner,
                                           std::string_view idempotency_key,
                                           const ControlCounts& counts) {
  const std::string base = "edi/control/" + std::string(partner) + "/";
  const std::array<std::string, 3> names = format == formats::Format::kX12
                                               ? std::array<std::string, 3>{"isa", "gs", "st"}
                                               : std::array<std::string, 3>{"unb", "ung", "unh"};
  const std::string sent_key = base + "sent/" + std::string(idempotency_key);
  const int64_t needed[3] = {counts.interchanges, counts.groups, counts.sets};
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ERPHUB_ASSIGN_OR_RETURN(std::optional<std::string> sent, state.Get(sent_key));
    if (sent.has_value()) {
      if (std::optional<ControlStart> start = DecodeStart(*sent); start.has_value()) {
        return *start;
      }
      return InternalError("unreadable control number reservation at " + sent_key);
    }
    std::vector<StateChange> changes;
    int64_t first[3] = {};
    for (int i = 0; i < 3; ++i) {
      std::string key = base + names[static_cast<size_t>(i)];
      ERPHUB_ASSIGN_OR_RETURN(std::optional<std::string> current, state.Get(key));
      int64_t last = current.has_value() ? std::strtoll(current->c_str(), nullptr, 10) : 0;
      auto [start, new_last] = Advance(last, needed[i]);
      first[i] = start;
      if (new_last != last || !current.has_value()) {
        changes.push_back(StateChange{key, current, std::to_string(new_last)});
      }
    }
    ControlStart start{first[0], first[1], first[2]};
    changes.push_back(StateChange{sent_key, std::nullopt, EncodeStart(start)});
    Status written = state.CompareAndSet(changes);
    if (written.ok()) {
      return start;
    }
    if (written.code() != StatusCode::kConflict) {
      return written;
    }
    // Another worker took numbers (or this delivery's reservation) first: read again.
  }
  return Status(StatusCode::kConflict,
                "could not reserve control numbers for partner " + std::string(partner));
}

}  // namespace erphub::components
