#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Step `filter`: lets a message through when a JSONata condition holds for its payload (JSONata's
// $boolean truth: undefined, null, false, 0, "" and empty arrays are false), compiled when the flow
// is built. Evaluation sees $message and the config's lookups, as `map` does. A message that does
// not pass is not a failure: the engine completes it as "filtered" (lineage and
// erphub_filtered_total) and delivers it nowhere. An evaluation error or the time limit fails the
// message permanently; a lookup the store could not answer now, transiently.
ComponentSpec FilterStepSpec();
Result<std::unique_ptr<Component>> MakeFilterStep(const ComponentConfig& config,
                                                  const ComponentEnv& env);

}  // namespace erphub::components
