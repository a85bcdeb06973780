#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Step `map`: transforms each payload with a JSONata expression, inline or from a file, compiled
// when the flow is built (a compile error names the file, or the config place, with line and
// column). Evaluation sees the payload as its input and $message (see message_variables.h), and
// is bounded in time and nesting depth. Evaluation errors, the limits and an undefined result
// ("mapping produced no value") fail the message permanently.
ComponentSpec MapStepSpec();
Result<std::unique_ptr<Component>> MakeMapStep(const ComponentConfig& config,
                                               const ComponentEnv& env);

}  // namespace erphub::components
