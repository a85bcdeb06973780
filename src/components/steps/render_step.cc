#include "components/steps/render_step.h"

#include <string>
#include <utility>

#include "components/codec_config.h"
#include "components/rendered_document.h"

namespace erphub::components {
namespace {

class RenderStep final : public Step {
 public:
  RenderStep(formats::Format format, formats::CodecOptions options)
      : format_(format), options_(std::move(options)) {}

  Result<Value, Failure> Process(const Message& /*message*/, const Value& payload) const override {
    auto rendered = formats::RenderDocument(format_, payload, options_);
    if (!rendered.ok()) {
      Failure failure;
      failure.error = "render " + std::string(formats::FormatName(format_)) + ": " +
                      rendered.status().ToString();
      failure.quarantine = rendered.status().code() != StatusCode::kUnimplemented;
      return failure;
    }
    return RenderedDocument(std::move(rendered).value(), format_);
  }

 private:
  formats::Format format_;
  formats::CodecOptions options_;
};

}  // namespace

ComponentSpec RenderStepSpec() {
  return WithCodecFields(
      ComponentSpec::Step("render")
          .Summary("Writes the JSON payload as a document: {\"content\": TEXT, \"format\": NAME}.")
          .Field(EnumField("format", {"csv", "xml", "x12", "edifact", "json", "ndjson"})
                     .Required()
                     .Description("The format to write.")));
}

Result<std::unique_ptr<Component>> MakeRenderStep(const ComponentConfig& config,
                                                  const ComponentEnv& /*env*/) {
  ERPHUB_ASSIGN_OR_RETURN(formats::CodecOptions options, CodecOptionsFrom(config));
  std::optional<formats::Format> format = ConfiguredFormat(config);
  ERPHUB_CHECK(format.has_value());
  return std::unique_ptr<Component>(std::make_unique<RenderStep>(*format, std::move(options)));
}

}  // namespace erphub::components
