#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Output `file`: mode `append` (or its old name `ndjson`) appends each message to one file (one
// write, then fsync, serialized across this process's workers; a failed write is cut off again
// so the file never holds half a record); mode `per-message` writes each message to its own file
// in a folder, named by a `{{ JSONata }}` template (default "{{ $message.id }}" plus the format's
// extension), atomically (temp file, fsync, rename), so a retried delivery replaces its own file.
//
// `format` picks what is written: NDJSON lines / compact JSON (auto), csv (an object row or an
// array of rows; appended rows follow the existing file's header, which is written only when
// the file is new), xml, x12, edifact (per-message, or appended as a mailbag). A rendered
// document ({"content", "format"} from step `render`) is written verbatim. EDI payloads, whole
// documents or single transaction sets / messages (then wrapped in an interchange addressed by
// the `partner`), get control numbers reserved per partner in the store's state, so numbers
// never repeat across restarts and a retried delivery reuses its own. Folders are created when
// missing. Disk full and I/O errors fail transiently; payloads that cannot be written in the
// format go to quarantine; others (permissions, a name that is not a plain file name) fail
// permanently.
ComponentSpec FileOutputSpec();
Result<std::unique_ptr<Component>> MakeFileOutput(const ComponentConfig& config,
                                                  const ComponentEnv& env);

}  // namespace erphub::components
