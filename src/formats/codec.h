#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "formats/csv/csv_options.h"
#include "formats/format.h"
#include "formats/xml/xml_options.h"

namespace erphub::formats {

struct CodecOptions {
  // Accept common real-world faults instead of rejecting the document; each one accepted is
  // passed to `report` (CSV: bad rows are quarantined, ragged rows allowed).
  bool lenient = false;
  // Receives each fault accepted in lenient mode and each quarantined CSV row, with its place.
  std::function<void(const Status&)> report;
  csv::CsvOptions csv;
  xml::XmlOptions xml;
};

// Bytes of a document -> its JSON form (see docs/formats/). Errors are kParse with the place
// ("line 3, column 7"), or kUnimplemented for a codec not built.
Result<Value> ParseDocument(Format format, std::string_view bytes, const CodecOptions& options);

// JSON form -> document bytes. ParseDocument of the result gives back `document` (with the same
// options). kInvalidArgument when `document` does not have the shape the format needs.
Result<std::string> RenderDocument(Format format, const Value& document,
                                   const CodecOptions& options);

// The acknowledgement a conforming receiver sends back for the interchange(s) in `bytes`: a 997
// (and TA1) for X12, a CONTRL for EDIFACT. Succeeds also when it rejects; kUnimplemented for
// formats without acknowledgements.
Result<std::string> AcknowledgeDocument(Format format, std::string_view bytes);

// AcknowledgeDocument for input fed in chunks, in memory that grows with the number of
// groups and sets (messages), not with the input.
class AcknowledgementStream {
 public:
  explicit AcknowledgementStream(Format format);
  ~AcknowledgementStream();
  AcknowledgementStream(const AcknowledgementStream&) = delete;
  AcknowledgementStream& operator=(const AcknowledgementStream&) = delete;

  Status Feed(std::string_view chunk);
  Result<std::string> Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Status unsupported_;  // set for formats without acknowledgements
};

}  // namespace erphub::formats
