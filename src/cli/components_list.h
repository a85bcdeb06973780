#pragma once

#include "core/component_registry.h"

namespace erphub::cli {

// Registers every component erphub knows, in one explicit list. For now these are the specs of
// the first components (webhook and file inputs, validate and map steps, http and file outputs)
// without factories, so that `erphub lint` checks configs against them; each component's own
// file takes its spec over when it is implemented.
void RegisterComponentSpecs(ComponentRegistry& registry);

}  // namespace erphub::cli
