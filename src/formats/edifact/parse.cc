#include <cstdint>
#include <string>

#include "formats/edifact/document_builder.h"
#include "formats/edifact/edifact.h"
#include "formats/edifact/stream_parser.h"

namespace erphub::formats::edifact {

Result<Value> Parse(std::string_view bytes, const ParseOptions& options) {
  DocumentBuilder builder;
  StreamParser parser(options.lenient ? FaultPolicy::kLenient : FaultPolicy::kStrict, builder);
  ERPHUB_TRY(parser.Feed(bytes));
  ERPHUB_TRY(parser.Finish());
  return builder.Take(parser.findings());
}

namespace {

int64_t IntField(const Value& object, std::string_view key) {
  const Value& field = object.Get(key);
  return field.is_number() ? static_cast<int64_t>(field.as_number().ToDouble()) : 0;
}

}  // namespace

Status WarningToStatus(const Value& warning) {
  Finding finding;
  finding.segment_index = static_cast<size_t>(IntField(warning, "segment"));
  finding.offset = static_cast<size_t>(IntField(warning, "offset"));
  finding.element = static_cast<int>(IntField(warning, "element"));
  finding.component = static_cast<int>(IntField(warning, "component"));
  if (warning.Get("tag").is_string()) {
    finding.tag = std::string(warning.Get("tag").as_string());
  }
  std::string reason =
      warning.Get("reason").is_string() ? std::string(warning.Get("reason").as_string()) : "";
  return ParseError(std::move(reason), FindingPlace(finding));
}

}  // namespace erphub::formats::edifact
