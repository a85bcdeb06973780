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

}  // namespace erphub::formats::edifact
