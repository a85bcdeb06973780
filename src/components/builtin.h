#pragma once

#include "core/component_registry.h"
#include "core/status.h"

namespace erphub::components {

// Registers the spec and factory of every built-in input, step and output: the one explicit list
// of them (no self-registering globals). Fails only on a bug in a spec (a repeated name, a
// default that does not fit its field).
Status RegisterBuiltins(ComponentRegistry& registry);

}  // namespace erphub::components
