#pragma once

#include "components/component.h"
#include "store/store.h"

namespace erphub::engine {

// The store's write for a component's change of durable state.
store::StateWrite ToStateWrite(components::StateChange change);

}  // namespace erphub::engine
