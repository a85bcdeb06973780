#include "components/inputs/state_commit.h"

#include <string>

#include "core/json.h"

namespace erphub::components {

Status CommitWithState(Intake& intake, std::vector<IntakeItem> items,
                       const std::vector<StateChange>& state) {
  auto accepted = intake.AcceptWithState(items, state);
  if (!accepted.ok() && accepted.error().code() == StatusCode::kInvalidArgument) {
    for (IntakeItem& item : items) {
      auto one = intake.Accept({item});
      if (one.ok()) {
        continue;
      }
      if (one.error().code() != StatusCode::kInvalidArgument) {
        return one.status();
      }
      ERPHUB_TRY(intake
                     .Quarantine(QuarantineItem{.raw = ToJson(item.payload),
                                                .reason = one.error().ToString(),
                                                .source = item.source,
                                                .headers = item.headers})
                     .status());
    }
    accepted = intake.AcceptWithState({}, state);
  }
  return accepted.status();
}

Status RequireStoreState(Intake& intake, std::string_view key, std::string_view what) {
  auto probe = intake.GetState(key);
  if (!probe.ok() && probe.status().code() == StatusCode::kUnimplemented) {
    return Status(StatusCode::kFailedPrecondition,
                  std::string(what) + " in the store, which this hub lacks");
  }
  return Status::Ok();
}

}  // namespace erphub::components
