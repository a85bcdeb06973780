#pragma once

#include <optional>
#include <string_view>

namespace erphub::formats {

// The document formats erphub reads and writes. Each codec turns bytes into one JSON Value and
// back, with no I/O, so inputs, steps, outputs and the CLI share them.
enum class Format { kJson, kNdjson, kCsv, kXml, kX12, kEdifact };

// "json", "ndjson", "csv", "xml", "x12", "edifact"; nullopt for anything else.
std::optional<Format> FormatFromName(std::string_view name);
std::string_view FormatName(Format format);

// Which EDI format `bytes` (the start of a file is enough) holds, by its first segment after a
// byte order mark and blank space: X12 starts with ISA (also in EBCDIC), EDIFACT with UNA or UNB.
// nullopt for anything else.
std::optional<Format> DetectInterchange(std::string_view bytes);

}  // namespace erphub::formats
