#pragma once

#include <memory>

#include "components/component.h"

namespace erphub::components {

// Input `file`: watches a folder for files on its own thread, in the format its extension (or
// `format:`) names: JSON, NDJSON, CSV, XML, X12, EDIFACT. A file is read once it is unchanged
// between two scans (writers should still create it elsewhere and rename it in). Each record is
// a message (`split: record`: a JSON array element, an NDJSON line, a CSV row, an X12 transaction
// set or an EDIFACT message, with its envelope as headers) or the whole file is one (`split:
// document`, the default for XML). Event ids are "NAME@HASH:LINE" (lines, rows), "NAME@HASH#N"
// (elements, sets, messages) or "NAME@HASH", HASH being the start of the content's SHA-256, so
// re-reading a file after a crash stores nothing twice; then the file moves to done/.
//
// A file that does not parse goes to failed/ with NAME.error beside it naming the place and
// reason, and a quarantine entry; none of its records is accepted. CSV files are read by rows in
// bounded memory and committed `batch_rows` at a time; a bad row fails the file the same way
// (`on_bad_row: fail_file`) or becomes a quarantine entry with its line and text while the other
// rows go on (`quarantine`). With `ack: 997 | contrl` the acknowledgement of every X12 / EDIFACT
// file, accepted or not, is written into ack_dir first. While the flow is overloaded or the store
// fails, files stay where they are and are retried (a CSV file part-way waits in place).
ComponentSpec FileInputSpec();
Result<std::unique_ptr<Component>> MakeFileInput(const ComponentConfig& config,
                                                 const ComponentEnv& env);

}  // namespace erphub::components
