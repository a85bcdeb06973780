#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Step `render`: writes the JSON payload as a document of its format (csv, xml, x12, edifact,
// json, ndjson). The new payload is the rendered document {"content": TEXT, "format": NAME}
// (rendered_document.h), which the file output writes verbatim. A payload without the shape the
// format needs is bad data: the message goes to quarantine with the reason. EDI control numbers
// are written as the payload has them; the file output with a `partner:` assigns fresh ones.
ComponentSpec RenderStepSpec();
Result<std::unique_ptr<Component>> MakeRenderStep(const ComponentConfig& config,
                                                  const ComponentEnv& env);

}  // namespace erphub::components
