#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Input `file`: watches a folder for .json, .ndjson and .jsonl files on its own thread. A file is
// read once it is unchanged between two scans (writers should still create it elsewhere and
// rename it in). All its records are accepted in one commit, each with the event id
// "NAME@HASH:LINE" (ndjson) or "NAME@HASH#INDEX" (an array in a .json file), HASH being the
// start of the content's SHA-256, so re-reading a file after a crash stores nothing twice; then
// the file moves to done/. A record that is not JSON sends the file to failed/ with NAME.error
// beside it naming the line and reason, and a quarantine entry; no record of it is accepted.
// While the flow is overloaded or the store fails, files stay where they are and are retried.
ComponentSpec FileInputSpec();
Result<std::unique_ptr<Component>> MakeFileInput(const ComponentConfig& config,
                                                 const ComponentEnv& env);

}  // namespace erphub::components
