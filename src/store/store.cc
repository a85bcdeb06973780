#include "store/store.h"

#include <algorithm>
#include <string>

namespace erphub::store {

Result<FsyncMode> ParseFsyncMode(std::string_view text) {
  if (text == "full") {
    return FsyncMode::kFull;
  }
  if (text == "normal") {
    return FsyncMode::kNormal;
  }
  return InvalidArgumentError("fsync must be full or normal, found '" + std::string(text) + "'");
}

std::optional<std::vector<OutputRef>> ClaimedOutputs(const ClaimOptions& options) {
  if (!options.outputs) {
    return std::nullopt;
  }
  std::vector<OutputRef> pairs;
  for (const OutputRef& pair : *options.outputs) {
    if (options.flows.empty() ||
        std::find(options.flows.begin(), options.flows.end(), pair.flow) != options.flows.end()) {
      pairs.push_back(pair);
    }
  }
  return pairs;
}

bool Claims(const ClaimOptions& options, std::string_view flow, std::string_view output) {
  if (!options.flows.empty() &&
      std::find(options.flows.begin(), options.flows.end(), flow) == options.flows.end()) {
    return false;
  }
  return !options.outputs ||
         std::any_of(options.outputs->begin(), options.outputs->end(), [&](const OutputRef& pair) {
           return pair.flow == flow && pair.output == output;
         });
}

std::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kQueued:
      return "queued";
    case DeliveryState::kReady:
      return "ready";
    case DeliveryState::kInFlight:
      return "in flight";
    case DeliveryState::kDone:
      return "done";
    case DeliveryState::kDead:
      return "dead";
    case DeliveryState::kDiscarded:
      return "discarded";
  }
  return "unknown";
}

std::string_view LineageKindName(LineageKind kind) {
  switch (kind) {
    case LineageKind::kReceived:
      return "received";
    case LineageKind::kDuplicate:
      return "duplicate";
    case LineageKind::kStep:
      return "step";
    case LineageKind::kAttempt:
      return "attempt";
    case LineageKind::kReplayed:
      return "replayed";
    case LineageKind::kDiscarded:
      return "discarded";
  }
  return "unknown";
}

}  // namespace erphub::store
