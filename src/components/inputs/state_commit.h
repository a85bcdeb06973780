#pragma once

#include <string_view>
#include <vector>

#include "components/component.h"

namespace erphub::components {

// Commits the messages a polling input read together with the state after them (its
// watermark), in one transaction. When the flow's key fails on some item (kInvalidArgument),
// the others are accepted one by one (their event ids keep a crash half-way from storing any
// twice), the failing ones go to quarantine with the reason, and then the state moves on.
Status CommitWithState(Intake& intake, std::vector<IntakeItem> items,
                       const std::vector<StateChange>& state);

// Checks at start that `intake` keeps state (GetState of `key` is not kUnimplemented): an input
// that keeps its place there cannot run without. kFailedPrecondition "<what> in the store, which
// this hub lacks" when it does not; any other answer is left to the input's first commit.
Status RequireStoreState(Intake& intake, std::string_view key, std::string_view what);

}  // namespace erphub::components
