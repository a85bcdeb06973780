#include "formats/format.h"

#include <array>
#include <utility>

namespace erphub::formats {
namespace {

constexpr std::array<std::pair<Format, std::string_view>, 6> kNames = {{
    {Format::kJson, "json"},
    {Format::kNdjson, "ndjson"},
    {Format::kCsv, "csv"},
    {Format::kXml, "xml"},
    {Format::kX12, "x12"},
    {Format::kEdifact, "edifact"},
}};

}  // namespace

std::optional<Format> FormatFromName(std::string_view name) {
  for (const auto& [format, text] : kNames) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view FormatName(Format format) {
  for (const auto& [candidate, text] : kNames) {
    if (candidate == format) return text;
  }
  return "unknown";
}

}  // namespace erphub::formats
