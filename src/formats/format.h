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

}  // namespace erphub::formats
