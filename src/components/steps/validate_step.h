#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Step `validate`: checks each payload against a JSON Schema file (compiled when the flow is
// built; a missing or broken schema is a config error naming the file). A payload that does not
// conform fails permanently, with one detail per failing field: "/lines/0/sku: ...".
ComponentSpec ValidateStepSpec();
Result<std::unique_ptr<Component>> MakeValidateStep(const ComponentConfig& config,
                                                    const ComponentEnv& env);

}  // namespace erphub::components
