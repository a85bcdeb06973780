#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Step `parse`: turns text into the JSON form of its format (csv, xml, x12, edifact, json,
// ndjson; see docs/formats/). The text is the payload itself when it is a string or a rendered
// document ({"content", "format"}, see rendered_document.h), or the top-level field named by
// `field:`, whose value the parsed document then replaces (the rest of the payload stays). A
// document that does not parse is bad data: the message goes to quarantine with the error's
// place. In lenient mode bad CSV rows are left out.
ComponentSpec ParseStepSpec();
Result<std::unique_ptr<Component>> MakeParseStep(const ComponentConfig& config,
                                                 const ComponentEnv& env);

}  // namespace erphub::components
