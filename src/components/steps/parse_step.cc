#include "components/steps/parse_step.h"

#include <string>
#include <utility>

#include "components/codec_config.h"
#include "components/rendered_document.h"
#include "core/json.h"

namespace erphub::components {
namespace {

std::string_view KindName(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kUndefined:
      return "nothing";
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "a boolean";
    case ValueKind::kNumber:
      return "a number";
    case ValueKind::kString:
      return "a string";
    case ValueKind::kArray:
      return "an array";
    case ValueKind::kObject:
      return "an object";
    default:
      return "a function";
  }
}

class ParseStep final : public Step {
 public:
  ParseStep(formats::Format format, formats::CodecOptions options, std::string field)
      : format_(format), options_(std::move(options)), field_(std::move(field)) {}

  Result<Value, Failure> Process(const Message& /*message*/, const Value& payload) const override {
    const Value& source = field_.empty() ? payload : payload.Get(field_);
    std::string_view text;
    if (source.is_string()) {
      text = source.as_string();
    } else if (auto rendered = RenderedContent(source); rendered.has_value()) {
      text = *rendered;
    } else {
      Failure failure;
      failure.error = "parse: expected text " +
                      (field_.empty() ? std::string("as the payload") : "in field " + field_) +
                      ", found " + std::string(KindName(source));
      failure.quarantine = true;
      return failure;
    }
    auto parsed = formats::ParseDocument(format_, text, options_);
    if (!parsed.ok()) {
      Failure failure;
      failure.error =
          "parse " + std::string(formats::FormatName(format_)) + ": " + parsed.status().ToString();
      // A codec that is not built is a problem of this hub, not of the message.
      failure.quarantine = parsed.status().code() != StatusCode::kUnimplemented;
      return failure;
    }
    if (field_.empty()) {
      return std::move(parsed).value();
    }
    Value out = payload;
    out.Set(field_, std::move(parsed).value());
    return out;
  }

 private:
  formats::Format format_;
  formats::CodecOptions options_;
  std::string field_;
};

}  // namespace

ComponentSpec ParseStepSpec() {
  return WithCodecFields(
      ComponentSpec::Step("parse")
          .Summary("Turns a text payload (or one field of it) into the JSON form of a format.")
          .Field(EnumField("format", {"csv", "xml", "x12", "edifact", "json", "ndjson"})
                     .Required()
                     .Description("The format of the text."))
          .Field(StringField("field").Min(1).Description(
              "Top-level field holding the text; the parsed document replaces its value. "
              "Default: the whole payload.")));
}

Result<std::unique_ptr<Component>> MakeParseStep(const ComponentConfig& config,
                                                 const ComponentEnv& /*env*/) {
  ERPHUB_ASSIGN_OR_RETURN(formats::CodecOptions options, CodecOptionsFrom(config));
  std::optional<formats::Format> format = ConfiguredFormat(config);
  ERPHUB_CHECK(format.has_value());
  return std::unique_ptr<Component>(std::make_unique<ParseStep>(
      *format, std::move(options), std::string(config.GetString("field"))));
}

}  // namespace erphub::components
