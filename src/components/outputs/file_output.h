#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Output `file`: mode `ndjson` appends each payload as one line to one file (one write, then
// fsync, serialized across this process's workers; a failed write is cut off again so the file
// never holds half a line); mode `per-message` writes each payload to its own file in a folder,
// named by a `{{ JSONata }}` template (default "{{ $message.id }}.json"), atomically (temp file,
// fsync, rename), so a retried delivery replaces its own file. Folders are created when missing.
// Disk full and I/O errors fail transiently; others (permissions, a name that is not a plain file
// name) permanently.
ComponentSpec FileOutputSpec();
Result<std::unique_ptr<Component>> MakeFileOutput(const ComponentConfig& config,
                                                  const ComponentEnv& env);

}  // namespace erphub::components
