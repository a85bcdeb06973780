#include "components/steps/map_step.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "components/factory_support.h"
#include "components/lookup_host.h"
#include "components/message_variables.h"
#include "components/text_template.h"
#include "mapping/jsonata.h"

namespace erphub::components {
namespace {

using std::chrono::milliseconds;

struct MapLimits {
  milliseconds time_limit{1000};
  int max_depth = 1000;
};

class MapStep final : public Step {
 public:
  MapStep(jsonata::Expression expression, std::string origin, MapLimits limits,
          const Lookups* lookups)
      : expression_(std::move(expression)),
        origin_(std::move(origin)),
        limits_(limits),
        lookups_(lookups) {}

  Result<Value, Failure> Process(const Message& message, const Value& payload) const override {
    Object variables = MessageVariables(message);
    jsonata::EvalOptions options;
    options.time_limit = limits_.time_limit;
    options.max_depth = limits_.max_depth;
    options.bindings = &variables;
    LookupHost host(lookups_);
    options.host = &host;
    auto result = expression_.Evaluate(payload, options);
    if (!result.ok()) {
      Failure failure;
      failure.error = "mapping " + origin_ + " failed: " + result.error().ToString();
      // A cross-reference the store could not answer now may be answered later.
      failure.transient = host.transient_failure();
      return failure;
    }
    if (result->is_undefined()) {
      Failure failure;
      failure.error = "mapping produced no value";
      return failure;
    }
    return std::move(*result);
  }

 private:
  jsonata::Expression expression_;
  std::string origin_;  // the file, or "expression" for inline ones: for failure messages
  MapLimits limits_;
  const Lookups* lookups_;
};

Result<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFoundError("cannot read " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ComponentSpec MapStepSpec() {
  return ComponentSpec::Step("map")
      .Summary("Transforms each message with a JSONata expression.")
      .Field(StringField("expression").Min(1).Description("The JSONata expression, inline."))
      .Field(StringField("file").Min(1).Description(
          "Path of a file holding the expression, relative to the config."))
      .Field(DurationField("time_limit")
                 .Default("1s")
                 .Min(milliseconds(1))
                 .Description("Longest one evaluation may take; longer fails the message."))
      .Field(IntField("max_depth")
                 .Default(1000)
                 .Min(10)
                 .Max(100000)
                 .Description("Deepest nesting of evaluation; deeper fails the message."))
      .Check(ExactlyOneOf({"expression", "file"}));
}

Result<std::unique_ptr<Component>> MakeMapStep(const ComponentConfig& config,
                                               const ComponentEnv& env) {
  MapLimits limits;
  limits.time_limit = config.GetDuration("time_limit");
  limits.max_depth = static_cast<int>(config.GetInt("max_depth"));
  if (config.Has("file")) {
    std::filesystem::path path = ResolveConfigPath(env, config.GetString("file"));
    auto text = ReadText(path);
    if (!text.ok()) {
      return ConfigProblem(config, "file", std::string(text.error().message()));
    }
    auto expression = jsonata::Expression::Compile(*text);
    if (!expression.ok()) {
      // "file:line:col: code: message", the form editors jump to.
      TextPlace at = PlaceIn(*text, ErrorOffset(expression.error(), *text));
      return ConfigProblem(config, "file",
                           path.string() + ":" + std::to_string(at.line) + ":" +
                               std::to_string(at.column) + ": " + expression.error().ToString());
    }
    return std::unique_ptr<Component>(std::make_unique<MapStep>(
        std::move(*expression), path.filename().string(), limits, env.lookups));
  }
  std::string_view text = config.GetString("expression");
  auto expression = jsonata::Expression::Compile(text);
  if (!expression.ok()) {
    return ConfigProblem(config, "expression",
                         expression.error().ToString() + " (at " +
                             LineColumn(text, ErrorOffset(expression.error(), text)) +
                             " of the expression)");
  }
  return std::unique_ptr<Component>(
      std::make_unique<MapStep>(std::move(*expression), "expression", limits, env.lookups));
}

}  // namespace erphub::components
