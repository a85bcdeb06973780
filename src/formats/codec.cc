#include "formats/codec.h"

#include <memory>

#include "core/json.h"
#include "formats/csv/csv_document.h"
#include "formats/edifact/edifact.h"
#include "formats/x12/x12.h"
#include "formats/xml/xml_document.h"

namespace erphub::formats {
namespace {

Result<Value> ParseNdjson(std::string_view bytes) {
  Array items;
  size_t line = 0;
  while (!bytes.empty()) {
    ++line;
    size_t end = bytes.find('\n');
    std::string_view text = bytes.substr(0, end);
    bytes = end == std::string_view::npos ? std::string_view() : bytes.substr(end + 1);
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    auto parsed = ParseJson(text);
    if (!parsed.ok()) {
      return parsed.status().WithContext("line " + std::to_string(line));
    }
    items.push_back(std::move(parsed).value());
  }
  return Value::MakeArray(std::move(items));
}

Result<std::string> RenderNdjson(const Value& document) {
  if (!document.is_array()) {
    return InvalidArgumentError("ndjson needs an array of records");
  }
  std::string out;
  for (const Value& item : document.as_array()) {
    AppendJson(out, item);
    out += '\n';
  }
  return out;
}

// Lenient CSV reading keeps ragged rows and quarantines bad ones instead of failing the file.
csv::CsvOptions CsvOptionsFor(const CodecOptions& options) {
  csv::CsvOptions csv = options.csv;
  if (options.lenient) {
    csv.strict = false;
    csv.on_bad_row = csv::OnBadRow::kQuarantine;
  }
  return csv;
}

// X12 lists the faults lenient mode accepted under "warnings" in the document; each is also
// passed to `report`.
Result<Value> ParseX12(std::string_view bytes, const CodecOptions& options) {
  x12::ParseOptions parse_options;
  parse_options.lenient = options.lenient;
  ERPHUB_ASSIGN_OR_RETURN(Value document, x12::Parse(bytes, parse_options));
  const Value& warnings = document.Get("warnings");
  if (options.report && warnings.is_array()) {
    for (const Value& warning : warnings.as_array()) {
      std::string place = "segment " + ToJson(warning.Get("segment"));
      if (warning.Get("tag").is_string()) {
        place += " (" + std::string(warning.Get("tag").as_string()) + ")";
      }
      place += " at byte " + ToJson(warning.Get("offset"));
      options.report(ParseError(std::string(warning.Get("message").as_string()), place));
    }
  }
  return document;
}

Result<Value> ParseEdifact(std::string_view bytes, const CodecOptions& options) {
  ERPHUB_ASSIGN_OR_RETURN(Value document,
                          edifact::Parse(bytes, edifact::ParseOptions{.lenient = options.lenient}));
  const Value& warnings = document.Get("warnings");
  if (options.report && warnings.is_array()) {
    for (const Value& warning : warnings.as_array()) {
      options.report(edifact::WarningToStatus(warning));
    }
  }
  return document;
}

}  // namespace

Result<Value> ParseDocument(Format format, std::string_view bytes, const CodecOptions& options) {
  switch (format) {
    case Format::kJson:
      return ParseJson(bytes);
    case Format::kNdjson:
      return ParseNdjson(bytes);
    case Format::kCsv:
      return csv::ParseCsv(bytes, CsvOptionsFor(options), [&](const Status& bad, auto) {
        if (options.report) {
          options.report(bad);
        }
      });
    case Format::kXml:
      return xml::ParseXml(bytes, options.xml, options.lenient, options.report);
    case Format::kX12:
      return ParseX12(bytes, options);
    case Format::kEdifact:
      return ParseEdifact(bytes, options);
  }
  return InvalidArgumentError("unknown format");
}

Result<std::string> RenderDocument(Format format, const Value& document,
                                   const CodecOptions& options) {
  switch (format) {
    case Format::kJson:
      return ToJson(document, JsonWriteOptions{.indent = 2}) + "\n";
    case Format::kNdjson:
      return RenderNdjson(document);
    case Format::kCsv:
      return csv::RenderCsv(document, options.csv);
    case Format::kXml:
      return xml::RenderXml(document, options.xml);
    case Format::kX12:
      return x12::Render(document, x12::RenderOptions{});
    case Format::kEdifact:
      return edifact::Render(document, edifact::RenderOptions());
  }
  return InvalidArgumentError("unknown format");
}

}  // namespace erphub::formats

namespace erphub::formats {

struct AcknowledgementStream::Impl {
  std::unique_ptr<x12::AckStream> x12;
  std::unique_ptr<edifact::AckStream> edifact;
};

AcknowledgementStream::AcknowledgementStream(Format format) : impl_(std::make_unique<Impl>()) {
  if (format == Format::kX12) {
    impl_->x12 = std::make_unique<x12::AckStream>();
  } else if (format == Format::kEdifact) {
    impl_->edifact = std::make_unique<edifact::AckStream>();
  } else {
    unsupported_ = Status(StatusCode::kUnimplemented,
                          std::string(FormatName(format)) + " documents have no acknowledgement");
  }
}

AcknowledgementStream::~AcknowledgementStream() = default;

Status AcknowledgementStream::Feed(std::string_view chunk) {
  ERPHUB_TRY(unsupported_);
  return impl_->x12 ? impl_->x12->Feed(chunk) : impl_->edifact->Feed(chunk);
}

Result<std::string> AcknowledgementStream::Finish() {
  ERPHUB_TRY(unsupported_);
  return impl_->x12 ? impl_->x12->Finish() : impl_->edifact->Finish();
}

Result<std::string> AcknowledgeDocument(Format format, std::string_view bytes) {
  AcknowledgementStream stream(format);
  ERPHUB_TRY(stream.Feed(bytes));
  return stream.Finish();
}

}  // namespace erphub::formats
