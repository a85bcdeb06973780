#pragma once

#include <vector>

#include "components/component.h"

namespace erphub::components {

// Commits the messages a polling input read together with the state after them (its
// watermark), in one transaction. When the flow's key fails on some item (kInvalidArgument),
// the others are accepted one by one (their event ids keep a crash half-way from storing any
// twice), the failing ones go to quarantine with the reason, and then the state moves on.
Status CommitWithState(Intake& intake, std::vector<IntakeItem> items,
                       const std::vector<StateChange>& state);

}  // namespace erphub::components
