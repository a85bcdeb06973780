#include "formats/format.h"

#include <array>
#include <utility>

#include "formats/x12/ebcdic.h"

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

std::optional<Format> DetectInterchange(std::string_view bytes) {
  if (x12::LooksLikeEbcdicIsa(bytes)) {
    return Format::kX12;
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
  }
  size_t start = bytes.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return std::nullopt;
  }
  bytes.remove_prefix(start);
  if (bytes.starts_with("ISA")) {
    return Format::kX12;
  }
  if (bytes.starts_with("UNA") || bytes.starts_with("UNB")) {
    return Format::kEdifact;
  }
  return std::nullopt;
}

}  // namespace erphub::formats
